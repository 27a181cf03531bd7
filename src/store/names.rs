//! Names that become paths in the CA directory or beside a leaf: intermediates' names
//! and certificate file stems.

use crate::error::{Error, Result};

/// Check an intermediate's name: letters, digits, '.', '_' and '-', not starting with '.'.
pub fn validate_intermediate_name(name: &str, flag: &'static str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidValue {
            flag,
            value: name.to_string(),
            reason: "an intermediate's name is 1 to 64 letters, digits, '.', '_' or '-', not starting with '.'".into(),
            hint: None,
        })
    }
}

/// A file-name stem from a SAN or CN: `*` becomes `_wildcard`, anything unsafe `_`.
pub fn safe_file_stem(s: &str) -> String {
    let s = s.replace('*', "_wildcard");
    let mut out: String = s
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@' | '+') { c } else { '_' })
        .collect();
    if out.starts_with('.') || out.starts_with('-') {
        out.replace_range(..1, "_");
    }
    if out.is_empty() { "cert".into() } else { out }
}

/// Check a user-given `--name`: a plain file-name stem.
pub fn validate_file_stem(name: &str) -> Result<()> {
    if name.is_empty() || name == "." || name == ".." || name.contains('/') || name.contains('\0') {
        return Err(Error::InvalidValue {
            flag: "--name",
            value: name.to_string(),
            reason: "must be a plain file name without '/'".into(),
            hint: Some("use --out-dir for the directory".into()),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems() {
        assert_eq!(safe_file_stem("*.example.com"), "_wildcard.example.com");
        assert_eq!(safe_file_stem("::1"), "__1");
        assert_eq!(safe_file_stem("alice smith/x"), "alice_smith_x");
        assert_eq!(safe_file_stem(".hidden"), "_hidden");
        assert_eq!(safe_file_stem("spiffe://a/b"), "spiffe___a_b");
    }

    #[test]
    fn intermediate_names() {
        assert!(validate_intermediate_name("web", "--name").is_ok());
        assert!(validate_intermediate_name("web-2.prod_x", "--name").is_ok());
        for bad in ["", "../x", ".x", "a b", "a/b"] {
            assert!(validate_intermediate_name(bad, "--name").is_err(), "{bad}");
        }
    }
}
