//! Human rendering of `pki ca init` (made, or found by `--exist-ok`) and `pki ca path`.

use super::sanitize::field;
use super::{Report, Style, json_of};
use crate::report::{CaInitReport, CaPathReport};

impl Report for CaInitReport {
    fn to_json(&self) -> serde_json::Value {
        json_of(self)
    }

    fn warnings(&self) -> Vec<String> {
        self.root.warnings()
    }

    fn human(&self, st: &Style) -> String {
        if self.created {
            return self.root.human(st);
        }
        let r = &self.root;
        let key = match &r.key {
            Some(k) if r.issued.key_encrypted => format!("{k} (encrypted)"),
            Some(k) => k.clone(),
            None => String::new(),
        };
        let rows = [
            ("certificate", r.cert.clone()),
            ("key", key),
            ("subject", field(&r.subject)),
            ("serial", r.serial.clone()),
            ("valid", format!("{} to {}", r.not_before, r.not_after)),
        ];
        let what = format!("A CA already exists in {}; nothing changed", self.ca_dir);
        let mut out = format!("{} {}\n", st.ok("✓"), st.bold(&what));
        for (k, v) in rows {
            out.push_str(&format!("  {} {}\n", st.dim(&format!("{k:<12}")), v));
        }
        out
    }
}

impl Report for CaPathReport {
    fn to_json(&self) -> serde_json::Value {
        json_of(self)
    }

    fn warnings(&self) -> Vec<String> {
        match self.exists {
            true => Vec::new(),
            false => vec![format!("there is no CA in {} yet; create one with 'pki ca init'", self.ca_dir)],
        }
    }

    /// Two bare lines, for scripts (`pki ca path | tail -n 1`): the directory, the root.
    fn human(&self, _st: &Style) -> String {
        format!("{}\n{}\n", self.ca_dir, self.root)
    }
}
