//! Rendering of generated files: completion scripts go to stdout as they are.

use super::{Report, Style, json_of};
use crate::report::{ManReport, ScriptReport};

impl Report for ScriptReport {
    fn to_json(&self) -> serde_json::Value {
        json_of(self)
    }

    fn human(&self, _st: &Style) -> String {
        self.script.clone()
    }
}

impl Report for ManReport {
    fn to_json(&self) -> serde_json::Value {
        json_of(self)
    }

    fn human(&self, st: &Style) -> String {
        let mut s = format!("{} wrote {} man pages\n", st.ok("✓"), self.files.len());
        for f in &self.files {
            s.push_str(&format!("  {f}\n"));
        }
        s
    }
}
