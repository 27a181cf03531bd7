//! Human rendering of the lifecycle commands: csr, revoke, crl, export p12, convert,
//! check-renewal (sign and renew render as `issue` does).

use super::sanitize::field;
use super::{Report, Style, json_of};
use crate::error::{EXIT_CHECK_FAILED, EXIT_OK};
use crate::report::{ConvertReport, CrlReport, CsrReport, LedgerExportReport, P12Report, RenewalReport, RevokeReport};

fn rows(st: &Style, title: &str, rows: &[(&str, String)]) -> String {
    let mut s = format!("{} {}\n", st.ok("✓"), st.bold(title));
    for (k, v) in rows {
        s.push_str(&format!("  {} {}\n", st.dim(&format!("{k:<12}")), v));
    }
    s
}

impl Report for CsrReport {
    fn to_json(&self) -> serde_json::Value {
        json_of(self)
    }
    fn human(&self, st: &Style) -> String {
        let sans = if self.sans.is_empty() {
            "none".into()
        } else {
            self.sans.iter().map(|s| field(s)).collect::<Vec<_>>().join(", ")
        };
        rows(
            st,
            "Made a certificate signing request",
            &[
                ("request", self.csr.clone()),
                ("key", self.key.clone()),
                ("subject", field(&self.subject)),
                ("names", sans),
            ],
        ) + "  next: send the .csr to the CA, which runs 'pki sign FILE.csr --profile server|client'\n"
    }
}

impl Report for RevokeReport {
    fn to_json(&self) -> serde_json::Value {
        json_of(self)
    }
    fn human(&self, st: &Style) -> String {
        rows(
            st,
            &format!("Revoked {}", field(&self.subject)),
            &[("serial", self.serial.clone()), ("reason", self.reason.clone()), ("at", self.revoked_at.clone())],
        ) + "  next: 'pki crl' publishes it\n"
    }
}

impl Report for CrlReport {
    fn to_json(&self) -> serde_json::Value {
        json_of(self)
    }
    fn human(&self, st: &Style) -> String {
        rows(
            st,
            &format!("Wrote CRL number {}", self.number),
            &[
                ("file", self.crl.clone()),
                ("revoked", self.revoked.len().to_string()),
                ("this update", self.this_update.clone()),
                ("next update", self.next_update.clone()),
            ],
        )
    }
}

impl Report for P12Report {
    fn to_json(&self) -> serde_json::Value {
        json_of(self)
    }
    fn human(&self, st: &Style) -> String {
        rows(
            st,
            "Wrote a PKCS#12 file",
            &[
                ("file", self.p12.clone()),
                ("name", field(&self.name)),
                ("certificates", self.certificates.to_string()),
                ("protection", self.scheme.to_string()),
            ],
        )
    }
}

impl Report for ConvertReport {
    fn to_json(&self) -> serde_json::Value {
        json_of(self)
    }
    fn raw_stdout(&self) -> Option<&[u8]> {
        self.bytes.as_deref()
    }
    fn human(&self, st: &Style) -> String {
        match &self.out {
            Some(o) => format!("{} wrote {} as {} to {}\n", st.ok("✓"), self.kind, self.format, o),
            None => String::new(),
        }
    }
}

impl Report for LedgerExportReport {
    fn to_json(&self) -> serde_json::Value {
        json_of(self)
    }
    fn raw_stdout(&self) -> Option<&[u8]> {
        self.bytes.as_deref()
    }
    fn human(&self, st: &Style) -> String {
        match &self.out {
            Some(o) => format!("{} wrote {} ledger events to {}\n", st.ok("✓"), self.events, o),
            None => String::new(),
        }
    }
}

impl Report for RenewalReport {
    fn to_json(&self) -> serde_json::Value {
        json_of(self)
    }
    fn exit_code(&self) -> i32 {
        if self.rows.iter().any(|r| r.due) { EXIT_CHECK_FAILED } else { EXIT_OK }
    }
    fn warnings(&self) -> Vec<String> {
        self.skipped.iter().map(|f| format!("skipped '{f}': it holds no certificate")).collect()
    }
    fn human(&self, st: &Style) -> String {
        let mut s = String::new();
        for r in &self.rows {
            let mark = if r.due { st.error("✗ renew") } else { st.ok("✓ ok   ") };
            s.push_str(&format!(
                "{mark}  {}  {}  ({}, notAfter {})\n",
                field(&r.source),
                field(&r.subject),
                r.phrase,
                r.not_after
            ));
        }
        let due = self.rows.iter().filter(|r| r.due).count();
        s.push_str(&format!("{due} of {} due within {}\n", self.rows.len(), self.within));
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pem::Format;

    /// Regression: `convert` said "wrote certificate as Der" (a Debug name reaching users).
    #[test]
    fn convert_names_the_format_as_people_write_it() {
        let report = |format| ConvertReport { kind: "certificate", format, out: Some("c.der".into()), bytes: None };
        let st = Style::new(false);
        assert_eq!(report(Format::Der).human(&st), "✓ wrote certificate as DER to c.der\n");
        assert_eq!(report(Format::Pem).human(&st), "✓ wrote certificate as PEM to c.der\n");
    }
}
