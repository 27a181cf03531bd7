//! Human rendering of `serve --once` and `probe`.

use super::{Report, Style, json_of};
use crate::describe::Description;
use crate::error::{EXIT_CHECK_FAILED, EXIT_OK};
use crate::report::{InspectReport, ProbeReport, ServeReport, VerifyReport};

impl Report for ServeReport {
    fn to_json(&self) -> serde_json::Value {
        json_of(self)
    }
    fn human(&self, _st: &Style) -> String {
        String::new()
    }
}

impl Report for ProbeReport {
    fn to_json(&self) -> serde_json::Value {
        json_of(self)
    }
    fn exit_code(&self) -> i32 {
        if self.verification.valid { EXIT_OK } else { EXIT_CHECK_FAILED }
    }
    fn human(&self, st: &Style) -> String {
        let mut out = format!(
            "{} {} ({} {}) as {}\n\n",
            st.bold("connected to"),
            super::sanitize::field(&self.target),
            self.protocol,
            self.cipher_suite,
            super::sanitize::field(&self.server_name)
        );
        let chain = InspectReport {
            items: self.presented.iter().cloned().map(|c| Description::Certificate(Box::new(c))).collect(),
            errors: Vec::new(),
            notes: Vec::new(),
            now: self.now,
        };
        out.push_str(&chain.human(st));
        out.push('\n');
        let v = VerifyReport { verdict: self.verification.clone(), asked: format!("{} (server)", self.server_name) };
        out.push_str(&v.human(st));
        out
    }
}
