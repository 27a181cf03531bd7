//! Human rendering of `pki fixtures` and the table `pki serve --fixtures` prints.

use super::sanitize::field;
use super::{Report, Style, json_of};
use crate::fixtures::{Case, Expect};
use crate::report::FixturesReport;

/// "reject (name_mismatch)" or "accept".
fn verdict(c: &Case) -> String {
    match (c.expect, c.code) {
        (Expect::Accept, _) => "accept".into(),
        (Expect::Reject, Some(code)) => format!("reject ({})", code_name(code)),
        (Expect::Reject, None) => "reject".into(),
    }
}

/// A code as the manifest and `verify --json` write it.
fn code_name(code: crate::verify::Code) -> String {
    serde_json::to_value(code).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

impl Report for FixturesReport {
    fn to_json(&self) -> serde_json::Value {
        json_of(self)
    }

    fn human(&self, st: &Style) -> String {
        let mut out = format!(
            "{} {} TLS test cases in {} ({} ms)\n",
            st.ok("Wrote"),
            self.cases.len(),
            field(&self.dir),
            self.millis
        );
        let width = self.cases.iter().map(|c| c.name.len()).max().unwrap_or(0);
        let verdicts: Vec<String> = self.cases.iter().map(verdict).collect();
        let v_width = verdicts.iter().map(String::len).max().unwrap_or(0);
        for (c, v) in self.cases.iter().zip(&verdicts) {
            out.push_str(&format!("  {:width$}  {v:v_width$}  {}\n", field(&c.name), st.dim(&field(&c.description))));
        }
        out.push_str(&format!(
            "trust {} in the client under test; {} lists every case\nserve them all: pki serve --fixtures {}\n",
            field(&self.ca),
            field(&self.manifest),
            field(&self.dir)
        ));
        out
    }
}

/// The lines `serve --fixtures` prints once every case listens: case, address, host to
/// connect as, and what a correct client does.
pub fn ports_table(rows: &[(Case, std::net::SocketAddr)]) -> Vec<String> {
    let width = rows.iter().map(|(c, _)| c.name.len()).max().unwrap_or(0).max(4);
    let host_width = rows.iter().map(|(c, _)| c.host.len()).max().unwrap_or(0).max(4);
    let mut lines = vec![format!("{:width$}  {:21}  {:host_width$}  expect", "case", "address", "host")];
    for (c, addr) in rows {
        lines.push(format!(
            "{:width$}  {:21}  {:host_width$}  {}",
            field(&c.name),
            addr.to_string(),
            field(&c.host),
            verdict(c)
        ));
    }
    lines
}
