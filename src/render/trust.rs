//! Human rendering of `pki trust`: one line per store (`system: installed (PATH)`), the
//! status table, and the shell lines of `trust env`, quoted for the shell they are for.

use super::sanitize::field;
use super::{Report, Style, json_of};
use crate::error::{EXIT_ERROR, EXIT_OK};
use crate::report::{TrustChangeReport, TrustEnvReport, TrustStatusReport};

impl Report for TrustChangeReport {
    fn to_json(&self) -> serde_json::Value {
        json_of(self)
    }

    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }

    fn human(&self, st: &Style) -> String {
        let mut s = String::new();
        for l in &self.stores {
            let word = match l.result {
                "failed" => st.error(l.result),
                "skipped" | "would install" | "would remove" => l.result.to_string(),
                _ => st.ok(l.result),
            };
            s.push_str(&format!("{}: {word}", l.store));
            match (l.result, &l.location, &l.detail) {
                ("skipped" | "failed" | "would install" | "would remove", _, Some(d)) => {
                    s.push_str(&format!(": {}", field(d)));
                }
                (_, Some(loc), note) => {
                    s.push_str(&format!(" ({})", field(loc)));
                    if let Some(n) = note {
                        s.push_str(&format!("; {}", field(n)));
                    }
                }
                _ => {}
            }
            s.push('\n');
        }
        s
    }

    fn exit_code(&self) -> i32 {
        if self.stores.iter().any(|l| l.result == "failed") { EXIT_ERROR } else { EXIT_OK }
    }
}

impl Report for TrustStatusReport {
    fn to_json(&self) -> serde_json::Value {
        json_of(self)
    }

    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }

    fn human(&self, st: &Style) -> String {
        let mut s = format!(
            "root: {}\nfingerprint (SHA-256): {}\nname-constrained: {}\n",
            field(&self.root),
            self.fingerprint_sha256,
            if self.name_constrained { "yes" } else { "no" }
        );
        if self.stores.is_empty() {
            s.push_str("no trust store found\n");
        }
        for r in &self.stores {
            let word = if r.installed { st.ok("installed") } else { "not installed".to_string() };
            s.push_str(&format!("{}: {word} ({})\n", r.store, field(&r.location)));
        }
        s
    }
}

impl Report for TrustEnvReport {
    fn to_json(&self) -> serde_json::Value {
        json_of(self)
    }

    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }

    /// `export NAME='VALUE'` (sh) or `set -gx NAME 'VALUE'` (fish), one per variable.
    fn human(&self, _: &Style) -> String {
        self.variables
            .iter()
            .map(|v| match self.shell {
                "fish" => format!("set -gx {} {}\n", v.name, fish_quote(&v.value)),
                _ => format!("export {}={}\n", v.name, sh_quote(&v.value)),
            })
            .collect()
    }
}

/// A POSIX shell word: single quotes, each `'` written `'\''`.
pub fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// A fish word: single quotes, in which only `\` and `'` are escaped.
pub fn fish_quote(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quoting_survives_quotes_spaces_and_dollars() {
        assert_eq!(sh_quote("/a b/it's $HOME"), "'/a b/it'\\''s $HOME'");
        assert_eq!(fish_quote("/a b/it's \\x"), "'/a b/it\\'s \\\\x'");
    }
}
