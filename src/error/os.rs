//! The text of an operating-system error, as messages show it.

/// "Read-only file system (os error 30)" -> "read-only file system".
pub(super) fn strip_os_error(s: &str) -> String {
    let base = match s.find(" (os error") {
        Some(i) => &s[..i],
        None => s,
    };
    let mut out = base.to_string();
    if let Some(first) = out.get(..1) {
        let lower = first.to_lowercase();
        out.replace_range(..1, &lower);
    }
    out
}
