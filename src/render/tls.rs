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

impl ProbeReport {
    /// Whether the server asked for a client certificate, and from which CAs.
    fn client_cert_line(&self) -> String {
        use super::sanitize::field;
        if !self.client_cert_requested {
            return "client certificate: not requested by the server\n".into();
        }
        let sent =
            if self.presented_client_cert { "one was presented" } else { "none was presented (pass --cert and --key)" };
        let cas = if self.client_ca_names.is_empty() {
            "it named no CA".to_string()
        } else {
            format!(
                "it accepts certificates from: {}",
                self.client_ca_names.iter().map(|n| format!("'{}'", field(n))).collect::<Vec<_>>().join(", ")
            )
        };
        format!("client certificate: requested by the server; {cas}; {sent}\n")
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
            pkcs12_sources: Vec::new(),
        };
        out.push_str(&chain.human(st));
        out.push('\n');
        out.push_str(&self.client_cert_line());
        let v = VerifyReport { verdict: self.verification.clone(), asked: format!("{} (server)", self.server_name) };
        out.push_str(&v.human(st));
        out
    }
}
