//! Human rendering of `pki list`.

use super::sanitize::field;
use super::{Report, Style, json_of};
use crate::report::ListReport;

impl Report for ListReport {
    fn to_json(&self) -> serde_json::Value {
        json_of(self)
    }

    fn human(&self, st: &Style) -> String {
        if self.rows.is_empty() {
            if self.filtered {
                return "No certificate matches.\n".into();
            }
            return "No certificates issued yet. Try: pki issue server --san localhost\n".into();
        }
        let header = ["SERIAL", "PROFILE", "STATUS", "NOT AFTER", "ISSUER", "SUBJECT", "SANS"];
        let rows: Vec<[String; 7]> = self
            .rows
            .iter()
            .map(|r| {
                [
                    r.serial.clone(),
                    r.profile.to_string(),
                    r.status.name().to_string(),
                    r.not_after.clone(),
                    field(&r.issuer),
                    field(&r.subject),
                    r.sans.iter().map(|s| field(s)).collect::<Vec<_>>().join(","),
                ]
            })
            .collect();
        let mut widths = header.map(|h| h.chars().count());
        for r in &rows {
            for (w, c) in widths.iter_mut().zip(r.iter()) {
                *w = (*w).max(c.chars().count());
            }
        }
        let line = |cells: &[String]| {
            let mut s = String::new();
            for (i, c) in cells.iter().enumerate() {
                if i + 1 == cells.len() {
                    s.push_str(c);
                } else {
                    s.push_str(c);
                    s.push_str(&" ".repeat(widths[i] - c.chars().count() + 2));
                }
            }
            s.trim_end().to_string() + "\n"
        };
        let mut out = st.bold(&line(&header.map(String::from)));
        for r in &rows {
            let painted = line(r);
            out.push_str(&match r[2].as_str() {
                "valid" => painted,
                _ => st.dim(&painted),
            });
        }
        out
    }
}
