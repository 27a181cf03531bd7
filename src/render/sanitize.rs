//! Strings from certificates come from strangers: escape control, bidi and zero-width
//! characters before they reach a terminal, so a subject cannot rewrite the screen.

/// Escape characters that could change what a terminal shows: C0/C1 controls (except
/// newline and tab), bidirectional overrides and isolates, and zero-width characters.
pub fn text(s: &str) -> String {
    escape(s, |c| c == '\n' || c == '\t')
}

/// Like [`text`], but newlines and tabs are escaped too (for one-line fields).
pub fn field(s: &str) -> String {
    escape(s, |_| false)
}

/// `s` with every dangerous character but those `keep` allows written as `\u{..}`.
fn escape(s: &str, keep: fn(char) -> bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if dangerous(c) && !keep(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

fn dangerous(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200F}' // zero-width space/joiners, LRM, RLM
            | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}' // bidi isolates
            | '\u{FEFF}' // zero-width no-break space
            | '\u{00AD}' // soft hyphen (invisible unless a line breaks there)
            | '\u{034F}' // combining grapheme joiner
            | '\u{061C}' // Arabic letter mark (bidi)
            | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' // Hangul fillers (blank)
            | '\u{180E}' // Mongolian vowel separator
            | '\u{2028}' | '\u{2029}' // line and paragraph separators
            | '\u{E0000}'..='\u{E007F}' // tag characters (invisible)
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_could_fool_a_terminal() {
        assert_eq!(field("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(field("evil\u{202E}gpj.exe"), "evil\\u{202e}gpj.exe");
        assert_eq!(field("a\u{200B}b"), "a\\u{200b}b");
        assert_eq!(field("line\nbreak"), "line\\u{a}break");
        assert_eq!(text("line\nbreak"), "line\nbreak");
        assert_eq!(field("bücher CN=ok"), "bücher CN=ok");
        for c in ['\u{061C}', '\u{2028}', '\u{2029}', '\u{E0041}', '\u{00AD}', '\u{3164}', '\u{FFA0}', '\u{115F}'] {
            assert_eq!(text(&format!("a{c}b")), format!("a{}b", c.escape_unicode()), "{:x}", c as u32);
        }
    }
}
