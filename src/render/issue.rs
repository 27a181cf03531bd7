//! Human rendering of issued certificates (`ca init`, `ca intermediate`, `issue`).

use super::sanitize::field;
use super::{Report, Style, json_of};
use crate::profile::Profile;
use crate::report::IssuedReport;

impl Report for IssuedReport {
    fn to_json(&self) -> serde_json::Value {
        json_of(self)
    }

    fn warnings(&self) -> Vec<String> {
        self.issued.warnings.clone()
    }

    fn human(&self, st: &Style) -> String {
        let i = &self.issued;
        let what = match i.profile {
            Profile::Root => "Created root CA".to_string(),
            Profile::Intermediate => "Created intermediate CA".to_string(),
            Profile::Server => format!(
                "Issued server certificate for {}",
                self.sans.iter().map(|s| field(s)).collect::<Vec<_>>().join(", ")
            ),
            Profile::Peer => format!(
                "Issued peer certificate (server and client) for {}",
                self.sans.iter().map(|s| field(s)).collect::<Vec<_>>().join(", ")
            ),
            Profile::Client => format!("Issued client certificate for {}", field(&self.subject)),
        };
        let days = crate::validity::days(i.validity.not_after - i.validity.not_before);
        let mut rows: Vec<(&str, String)> = vec![("certificate", self.cert.clone())];
        if let Some(k) = &self.key {
            rows.push(("key", if i.key_encrypted { format!("{k} (encrypted)") } else { k.clone() }));
        }
        if let Some(c) = &self.chain {
            rows.push(("chain", c.clone()));
        }
        rows.push(("subject", field(&self.subject)));
        if matches!(i.profile, Profile::Client) && !self.sans.is_empty() {
            rows.push(("names", self.sans.iter().map(|s| field(s)).collect::<Vec<_>>().join(", ")));
        }
        rows.push(("signed by", i.issuer.clone()));
        if let Some(t) = i.key_type {
            rows.push(("key type", t.to_string()));
        }
        rows.push(("serial", self.serial.clone()));
        rows.push(("valid", format!("{} to {} ({days} days)", self.not_before, self.not_after)));
        if let Some(r) = &self.retired {
            rows.push(("old CA", format!("moved to {r} (root, key, ledger, CRL, intermediates)")));
        }
        let mut out = format!("{} {}\n", st.ok("✓"), st.bold(&what));
        for (k, v) in rows {
            out.push_str(&format!("  {} {}\n", st.dim(&format!("{k:<12}")), v));
        }
        out
    }
}
