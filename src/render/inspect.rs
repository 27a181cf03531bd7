//! Human rendering of `pki inspect`: one block per item, aligned fields, warnings last.

use super::sanitize::field;
use super::{Report, Style, json_of, relative_validity};
use crate::describe::Description;
use crate::error::{EXIT_ERROR, EXIT_OK, Error};
use crate::report::InspectReport;

impl Report for InspectReport {
    fn to_json(&self) -> serde_json::Value {
        let mut doc = json_of(self);
        if let Some(items) = doc.as_array_mut() {
            for item in items.iter_mut().filter_map(|i| i.as_object_mut()) {
                let from_p12 = item
                    .get("source")
                    .and_then(|s| s.as_str())
                    .is_some_and(|s| self.pkcs12_sources.iter().any(|p| p == s));
                if from_p12 {
                    item.insert("container".into(), "pkcs12".into());
                }
            }
        }
        doc
    }

    fn warnings(&self) -> Vec<String> {
        self.notes.clone()
    }

    fn errors(&self) -> &[Error] {
        &self.errors
    }

    fn exit_code(&self) -> i32 {
        if self.errors.is_empty() { EXIT_OK } else { EXIT_ERROR }
    }

    fn human(&self, st: &Style) -> String {
        let mut out = String::new();
        // After a few malformed blocks of one file, the rest are counted, not shown.
        let mut malformed: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        let mut hidden: Vec<&str> = Vec::new();
        for (n, d) in self.items.iter().enumerate() {
            if let Description::Malformed(m) = d {
                let seen = malformed.entry(m.source.as_str()).or_default();
                *seen += 1;
                if *seen > crate::report::MALFORMED_SHOWN {
                    if !hidden.contains(&m.source.as_str()) {
                        hidden.push(m.source.as_str());
                    }
                    continue;
                }
            }
            if n > 0 {
                out.push('\n');
            }
            let mut b = Block::new(st);
            match d {
                Description::Certificate(c) => {
                    b.title(&c.source, c.index, "certificate");
                    b.row("subject", &field(&c.subject));
                    b.row("issuer", &field(&c.issuer));
                    b.row("serial", &c.serial);
                    b.row("not before", &c.not_before);
                    let rel = relative_validity(self.now, c.not_before_t, c.not_after_t);
                    let rel = if rel.starts_with("expires") { rel } else { st.warn(&rel) };
                    b.row("not after", &format!("{}  ({rel})", c.not_after));
                    b.row("public key", &c.public_key.to_string());
                    b.row("signature", &c.signature_algorithm);
                    let mut sans: Vec<String> = Vec::new();
                    sans.extend(c.dns_names.iter().map(|s| format!("DNS:{}", field(s))));
                    sans.extend(c.ip_addresses.iter().map(|s| format!("IP:{s}")));
                    sans.extend(c.emails.iter().map(|s| format!("email:{}", field(s))));
                    sans.extend(c.uris.iter().map(|s| format!("URI:{}", field(s))));
                    sans.extend(c.other_names.iter().map(|s| field(s)));
                    b.row("SANs", &if sans.is_empty() { "none".into() } else { sans.join(", ") });
                    let crit = |name: &str| {
                        if c.critical.contains(&name) { " (critical)" } else { "" }
                    };
                    if !c.key_usage.is_empty() {
                        b.row("key usage", &format!("{}{}", c.key_usage.join(", "), crit("keyUsage")));
                    }
                    if !c.extended_key_usage.is_empty() {
                        b.row(
                            "ext key usage",
                            &format!("{}{}", c.extended_key_usage.join(", "), crit("extendedKeyUsage")),
                        );
                    }
                    let bc = match (c.is_ca, c.path_len) {
                        (true, Some(n)) => format!("CA:TRUE, pathlen {n}"),
                        (true, None) => "CA:TRUE".to_string(),
                        (false, _) => "CA:FALSE".to_string(),
                    };
                    b.row("basic constr.", &format!("{bc}{}", crit("basicConstraints")));
                    if let Some(nc) = &c.name_constraints {
                        let list = |l: &[crate::constraints::Subtree]| match l.is_empty() {
                            true => "none".to_string(),
                            false => l.iter().map(|s| field(&s.to_string())).collect::<Vec<_>>().join(", "),
                        };
                        b.row("permitted names", &format!("{}{}", list(&nc.permitted), crit("nameConstraints")));
                        b.row("excluded names", &list(&nc.excluded));
                    }
                    if let Some(k) = &c.subject_key_id {
                        b.row("subject key id", k);
                    }
                    if let Some(k) = &c.authority_key_id {
                        b.row("authority key", k);
                    }
                    if c.self_signed {
                        b.row("self-signed", "yes");
                    }
                    b.row("sha256", &c.fingerprint_sha256);
                    b.warnings(&c.warnings);
                }
                Description::Key(k) => {
                    b.title(
                        &k.source,
                        k.index,
                        if k.kind == "encrypted_private_key" { "encrypted private key" } else { "private key" },
                    );
                    match &k.public_key {
                        Some(pk) => b.row("type", &format!("{pk} ({})", k.format)),
                        None => b.row("type", "unknown until decrypted"),
                    }
                    if let Some(e) = &k.encryption {
                        b.row("encryption", e);
                    }
                    match &k.certificate {
                        Some(c) => b.row("belongs to", &format!("{} [{}] {}", c.source, c.index, field(&c.subject))),
                        None if k.public_key_bits.is_some() => b.row("belongs to", "no certificate given here"),
                        None => {}
                    }
                }
                Description::PublicKey(p) => {
                    b.title(&p.source, p.index, "public key");
                    b.row("type", &p.public_key.to_string());
                    b.row("spki sha256", &p.spki_sha256);
                    if let Some(c) = &p.certificate {
                        b.row("belongs to", &format!("{} [{}] {}", c.source, c.index, field(&c.subject)));
                    }
                }
                Description::Csr(c) => {
                    b.title(&c.source, c.index, "certificate request");
                    b.row("subject", &field(&c.subject));
                    let mut sans: Vec<String> = Vec::new();
                    sans.extend(c.dns_names.iter().map(|s| format!("DNS:{}", field(s))));
                    sans.extend(c.ip_addresses.iter().map(|s| format!("IP:{s}")));
                    sans.extend(c.emails.iter().map(|s| format!("email:{}", field(s))));
                    sans.extend(c.uris.iter().map(|s| format!("URI:{}", field(s))));
                    b.row("requested SANs", &if sans.is_empty() { "none".into() } else { sans.join(", ") });
                    b.row("public key", &c.public_key.to_string());
                    b.row(
                        "signature",
                        &format!("{} ({})", c.signature_algorithm, if c.signature_valid { "valid" } else { "INVALID" }),
                    );
                    b.warnings(&c.warnings);
                }
                Description::Crl(c) => {
                    b.title(&c.source, c.index, "certificate revocation list");
                    b.row("issuer", &field(&c.issuer));
                    b.row("this update", &c.this_update);
                    let next = match (&c.next_update, c.next_update_t) {
                        (Some(s), Some(t)) if t < self.now => {
                            format!("{s}  ({})", st.warn("STALE: past its next update"))
                        }
                        (Some(s), _) => s.clone(),
                        _ => "none".into(),
                    };
                    b.row("next update", &next);
                    if let Some(n) = &c.crl_number {
                        b.row("crl number", n);
                    }
                    b.row("signature", &c.signature_algorithm);
                    b.row("revoked", &c.revoked.len().to_string());
                    for r in &c.revoked {
                        let reason = r.reason.as_deref().unwrap_or("no reason given");
                        b.row("", &format!("{}  {}  {reason}", r.serial, r.revoked_at));
                    }
                }
                Description::Malformed(m) => {
                    b.title(&m.source, m.index, m.kind);
                    b.row("error", &st.error(&field(&m.error)));
                }
            }
            out.push_str(&b.done());
        }
        for source in hidden {
            let n = malformed.get(source).copied().unwrap_or_default() - crate::report::MALFORMED_SHOWN;
            out.push_str(&format!("\n{} {n} more malformed blocks not shown\n", st.bold(&field(source))));
        }
        out
    }
}

/// One aligned block of `label  value` rows under a title.
struct Block<'a> {
    st: &'a Style,
    out: String,
}

impl<'a> Block<'a> {
    fn new(st: &'a Style) -> Block<'a> {
        Block { st, out: String::new() }
    }

    fn title(&mut self, source: &str, index: usize, what: &str) {
        self.out.push_str(&format!(
            "{} {}\n",
            self.st.bold(&format!("{}[{index}]", field(source))),
            self.st.bold(what)
        ));
    }

    fn row(&mut self, label: &str, value: &str) {
        self.out.push_str(&format!("  {} {value}\n", self.st.dim(&format!("{label:<15}"))));
    }

    fn warnings(&mut self, ws: &[String]) {
        for w in ws {
            self.out.push_str(&format!("  {} {}\n", self.st.warn("warning:"), field(w)));
        }
    }

    fn done(self) -> String {
        self.out
    }
}
