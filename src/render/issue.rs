//! Human rendering of issued certificates (`ca init`, `ca intermediate`, `issue`).

use super::sanitize::field;
use super::{Report, Style, json_of};
use crate::profile::Profile;
use crate::report::{BatchReport, IssuedReport};

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

impl Report for BatchReport {
    /// Not printed (`json_lines` is): the documents as one array.
    fn to_json(&self) -> serde_json::Value {
        serde_json::Value::Array(self.issued.iter().map(|(_, r)| r.to_json()).collect())
    }

    fn json_lines(&self) -> Option<Vec<serde_json::Value>> {
        Some(self.issued.iter().map(|(_, r)| r.to_json()).collect())
    }

    /// Each warning once, with the lines it is about.
    fn warnings(&self) -> Vec<String> {
        let mut seen: Vec<(String, Vec<usize>)> = Vec::new();
        for (line, r) in &self.issued {
            for w in &r.issued.warnings {
                match seen.iter_mut().find(|(text, _)| text == w) {
                    Some((_, lines)) => lines.push(*line),
                    None => seen.push((w.clone(), vec![*line])),
                }
            }
        }
        seen.into_iter().map(|(text, lines)| format!("{} {text}", lines_label(&lines))).collect()
    }

    fn human(&self, st: &Style) -> String {
        let count = |p: Profile| self.issued.iter().filter(|(_, r)| r.issued.profile == p).count();
        let kinds: Vec<String> = [(Profile::Server, "server"), (Profile::Client, "client"), (Profile::Peer, "peer")]
            .into_iter()
            .filter(|(p, _)| count(*p) > 0)
            .map(|(p, name)| format!("{} {name}", count(p)))
            .collect();
        let n = self.issued.len();
        let what = format!("{n} certificate{} issued into {}", if n == 1 { "" } else { "s" }, field(&self.out_dir));
        match kinds.is_empty() {
            true => format!("{} {}\n", st.ok("✓"), st.bold(&what)),
            false => format!("{} {} ({})\n", st.ok("✓"), st.bold(&what), kinds.join(", ")),
        }
    }
}

/// "line 3:" or "lines 3, 7, 9 and 20 more:".
fn lines_label(lines: &[usize]) -> String {
    const SHOWN: usize = 5;
    let shown: Vec<String> = lines.iter().take(SHOWN).map(usize::to_string).collect();
    match lines.len() {
        1 => format!("line {}:", shown[0]),
        n if n <= SHOWN => format!("lines {}:", shown.join(", ")),
        n => format!("lines {} and {} more:", shown.join(", "), n - SHOWN),
    }
}
