//! Human rendering of `pki bundle`: the PEM itself on stdout, or where it went.

use super::sanitize::field;
use super::{Report, Style, json_of};
use crate::report::BundleReport;

impl Report for BundleReport {
    fn to_json(&self) -> serde_json::Value {
        json_of(self)
    }

    fn warnings(&self) -> Vec<String> {
        self.notes.clone()
    }

    fn human(&self, st: &Style) -> String {
        match (&self.pem, &self.out) {
            // The chain itself is the output: pipe-friendly, nothing else on stdout.
            (Some(pem), None) => pem.clone(),
            (_, Some(out)) => {
                let mut s = format!("{} wrote {} certificate(s) to {}\n", st.ok("✓"), self.chain.len(), field(out));
                for (i, subj) in self.chain.iter().enumerate() {
                    s.push_str(&format!("  {} {}\n", st.dim(&format!("{}.", i + 1)), field(subj)));
                }
                s
            }
            (None, None) => String::new(),
        }
    }
}
