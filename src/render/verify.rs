//! Human rendering of `pki verify`.

use super::sanitize::field;
use super::{Report, Style, json_of};
use crate::error::{EXIT_CHECK_FAILED, EXIT_OK};
use crate::report::VerifyReport;

impl Report for VerifyReport {
    fn to_json(&self) -> serde_json::Value {
        json_of(self)
    }

    fn exit_code(&self) -> i32 {
        if self.verdict.valid { EXIT_OK } else { EXIT_CHECK_FAILED }
    }

    fn human(&self, st: &Style) -> String {
        let v = &self.verdict;
        let mut out = String::new();
        if v.valid {
            out.push_str(&format!("{} {} for {}\n", st.ok("✓"), st.bold("valid"), field(&self.asked)));
        } else {
            out.push_str(&format!("{} {} for {}\n", st.error("✗"), st.bold("NOT valid"), field(&self.asked)));
        }
        out.push_str(&format!("  {}", st.dim("chain  ")));
        for (i, s) in v.chain.iter().enumerate() {
            let last = i + 1 == v.chain.len();
            let tag = if v.valid && last && i > 0 { "  (trust anchor)" } else { "" };
            if i == 0 {
                out.push_str(&format!("{}{tag}\n", field(s)));
            } else {
                out.push_str(&format!("         ← {}{tag}\n", field(s)));
            }
        }
        for p in &v.errors {
            let code = serde_json::to_value(p.code).ok().and_then(|c| c.as_str().map(String::from)).unwrap_or_default();
            out.push_str(&format!("  {} {}\n", st.error(&format!("{code}:")), field(&p.message)));
            if let Some(h) = &p.hint {
                out.push_str(&format!("    {} {}\n", st.hint("hint:"), field(h)));
            }
        }
        out
    }
}
