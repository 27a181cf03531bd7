//! The strict profile: rules of RFC 5280, the CA/B Forum Baseline Requirements and the
//! strictest clients, applied with x509-parser to each certificate of the path webpki
//! built (and to the CRLs given). Every rule has its own code and every broken rule is
//! reported. They only add reasons: a path webpki refused stays refused.
//!
//! `profile` holds the structural rules (key identifiers, serial, subject, basic
//! constraints, key usage, policy and name constraints, extensions); `names` the rules on
//! a leaf's names (SAN criticality, underscores, CN among the SANs, wildcards over public
//! suffixes) and its EKU; `keys` the keys WebPKI clients refuse; `crl` the CRL rules.

mod crl;
mod keys;
mod legacy;
mod names;
mod profile;
#[cfg(test)]
mod tests;

use x509_parser::prelude::{FromDer, X509Certificate};

use super::{Code, Problem};
use crate::x509text::dn;

/// Where a certificate sits on the path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The end-entity certificate.
    Leaf,
    /// A CA certificate between the leaf and the anchor.
    Intermediate,
    /// The trust anchor.
    Root,
}

/// One broken rule of one certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The code of the rule.
    pub code: Code,
    /// What is wrong and the rule's source, without the certificate's name.
    pub rule: String,
    /// True when real TLS clients accept this (the message says so).
    pub lenient_clients: bool,
}

fn finding(code: Code, rule: impl Into<String>, lenient_clients: bool) -> Finding {
    Finding { code, rule: rule.into(), lenient_clients }
}

/// The rules that concern one certificate alone, in its role (what `pki inspect` warns).
pub fn check_cert(der: &[u8], role: Role) -> Vec<Finding> {
    let Ok((_, c)) = X509Certificate::from_der(der) else { return Vec::new() };
    check_parsed(&c, role)
}

/// [`check_cert`] of a certificate already parsed (`pki inspect` has it).
pub fn check_parsed(c: &X509Certificate<'_>, role: Role) -> Vec<Finding> {
    let mut out = Vec::new();
    profile::check(c, role, false, &mut out);
    // The legacy roots are spared some root rules: look one up (a SHA-256 of the
    // certificate) only when a root broke a rule, not for every root of a bundle.
    if role == Role::Root && !out.is_empty() && legacy::is_legacy_root(c.as_ref()) {
        out.clear();
        profile::check(c, role, true, &mut out);
    }
    names::check(c, role, &mut out);
    keys::check(c, &mut out);
    out
}

/// A finding as a warning line (for `pki inspect`).
pub fn warning(f: &Finding) -> String {
    if f.lenient_clients { format!("{}; most TLS clients accept this", f.rule) } else { f.rule.clone() }
}

/// The role a certificate seems to have when seen alone: a self-issued CA is a root, any
/// other CA an intermediate, the rest leaves.
pub fn role_alone(c: &X509Certificate<'_>) -> Role {
    let ca = c.basic_constraints().ok().flatten().is_some_and(|b| b.value.ca);
    match (ca, c.subject().as_raw() == c.issuer().as_raw()) {
        (true, true) => Role::Root,
        (true, false) => Role::Intermediate,
        (false, _) => Role::Leaf,
    }
}

/// Every rule over a path (leaf first, anchor last) and the CRLs given, as problems.
pub(super) fn check_path(path: &[(&[u8], Role)], crls: &[Vec<u8>], errors: &mut Vec<Problem>) {
    for (der, role) in path {
        let subject = X509Certificate::from_der(der).map(|(_, c)| dn(c.subject())).unwrap_or_default();
        for f in check_cert(der, *role) {
            push(errors, &subject, &f);
        }
    }
    let issuers: Vec<&[u8]> = path.iter().filter(|(_, r)| *r != Role::Leaf).map(|(d, _)| *d).collect();
    for c in crls {
        for (subject, f) in crl::check(c, &issuers) {
            push(errors, &subject, &f);
        }
    }
}

fn push(errors: &mut Vec<Problem>, subject: &str, f: &Finding) {
    let message = format!("'{subject}': {}", warning(f));
    let hint = if f.lenient_clients {
        "reissue it within the profile; --profile webpki accepts it as rustls does"
    } else {
        "reissue it within the profile"
    };
    let p = Problem { code: f.code, message, hint: Some(hint.into()) };
    if !errors.contains(&p) {
        errors.push(p);
    }
}
