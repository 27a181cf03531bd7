//! Checks beside webpki, run to list every problem (webpki reports only its first):
//! the leaf's own dates and purpose, the chain followed by name and its signatures, and
//! whether a private key belongs to the leaf. They only add reasons, never validity.

use rustls_pki_types::CertificateDer;
use x509_parser::prelude::{FromDer, X509Certificate};

use super::{Code, Input, Problem, Purpose, expired_problem, not_yet_problem, problem, wrong_purpose};
use crate::x509text::{dn, extended_key_usages};

/// How many links are followed by name before giving up (a loop, or a silly chain).
const MAX_LINKS: usize = 8;

/// The intermediates and anchors, where issuers are looked for by name.
fn pool(input: &Input) -> Vec<&CertificateDer<'static>> {
    input.intermediates.iter().chain(input.anchors.iter()).collect()
}

/// The certificates in `pool` whose subject is `c`'s issuer.
fn issuers_of<'p>(pool: &[&'p CertificateDer<'static>], c: &X509Certificate<'_>) -> Vec<&'p CertificateDer<'static>> {
    let issuer = c.issuer().as_raw();
    pool.iter()
        .copied()
        .filter(|p| X509Certificate::from_der(p).is_ok_and(|(_, pc)| pc.subject().as_raw() == issuer))
        .collect()
}

/// The subjects found by following issuer names from the leaf (for a failed verdict).
pub(super) fn name_chain(input: &Input) -> Vec<String> {
    let pool = pool(input);
    let mut out = Vec::new();
    let mut current = input.leaf.clone();
    for _ in 0..MAX_LINKS {
        let Ok((_, c)) = X509Certificate::from_der(&current) else {
            break;
        };
        out.push(dn(c.subject()));
        if c.subject().as_raw() == c.issuer().as_raw() {
            break;
        }
        match issuers_of(&pool, &c).first() {
            Some(n) => current = (*n).clone(),
            None => break,
        }
    }
    out
}

/// The CA certificates found by following issuer names up from the leaf.
pub(super) fn issuers_by_name(input: &Input) -> Vec<CertificateDer<'static>> {
    let pool = pool(input);
    let mut out: Vec<CertificateDer<'static>> = Vec::new();
    let mut current = input.leaf.clone();
    for _ in 0..MAX_LINKS {
        let Ok((_, c)) = X509Certificate::from_der(&current) else { break };
        match issuers_of(&pool, &c).first() {
            Some(n) if !out.contains(n) && n.as_ref() != current.as_ref() => {
                out.push((*n).clone());
                current = (*n).clone();
            }
            _ => break,
        }
    }
    out
}

/// The issuer name at the top of what could be chained by name, for unknown_issuer.
pub(super) fn missing_issuer(input: &Input) -> Option<(String, String)> {
    let pool = pool(input);
    let mut current = input.leaf.clone();
    for _ in 0..MAX_LINKS {
        let (_, c) = X509Certificate::from_der(&current).ok()?;
        match issuers_of(&pool, &c).first() {
            Some(n) if n.as_ref() != current.as_ref() => current = (*n).clone(),
            _ => return Some((dn(c.subject()), dn(c.issuer()))),
        }
    }
    None
}

/// Signature checks along the chain found by name, to name a link that does not hold
/// (e.g. an issuer with the right name but another key).
pub(super) fn signatures(input: &Input, errors: &mut Vec<Problem>) {
    if errors.iter().any(|p| p.code == Code::BadSignature) {
        return;
    }
    let pool = pool(input);
    let mut current = input.leaf.clone();
    for _ in 0..MAX_LINKS {
        let Ok((_, c)) = X509Certificate::from_der(&current) else {
            return;
        };
        if c.subject().as_raw() == c.issuer().as_raw() {
            return;
        }
        let candidates = issuers_of(&pool, &c);
        if candidates.is_empty() {
            return;
        }
        let good = candidates.into_iter().find(|p| {
            X509Certificate::from_der(p).is_ok_and(|(_, pc)| c.verify_signature(Some(pc.public_key())).is_ok())
        });
        match good {
            Some(g) => current = g.clone(),
            None => {
                errors.push(problem(
                    Code::BadSignature,
                    format!(
                        "'{}' names '{}' as its issuer, but the certificate of that name given here did not sign it",
                        c.subject(),
                        c.issuer()
                    ),
                    Some("two CAs share this name: pass the one that really issued the certificate"),
                ));
                return;
            }
        }
    }
}

/// Checks of the leaf alone, run when webpki failed, so every problem is listed.
pub(super) fn leaf(input: &Input, errors: &mut Vec<Problem>) {
    let Ok((_, leaf)) = X509Certificate::from_der(&input.leaf) else {
        return;
    };
    let has = |errors: &Vec<Problem>, c: Code| errors.iter().any(|p| p.code == c);
    let nb = leaf.validity().not_before.to_datetime();
    let na = leaf.validity().not_after.to_datetime();
    if input.at > na && !has(errors, Code::Expired) {
        errors.push(expired_problem(&dn(leaf.subject()), na, input.at));
    }
    if input.at < nb && !has(errors, Code::NotYetValid) {
        errors.push(not_yet_problem(&dn(leaf.subject()), nb, input.at));
    }
    if let Ok(Some(eku)) = leaf.extended_key_usage()
        && !eku.value.any
        && !has(errors, Code::WrongPurpose)
    {
        let ok = match input.purpose {
            Purpose::Server => eku.value.server_auth,
            Purpose::Client => eku.value.client_auth,
            Purpose::Any => eku.value.server_auth || eku.value.client_auth,
        };
        if !ok {
            errors.push(wrong_purpose(input.purpose, &extended_key_usages(eku.value)));
        }
    }
}

/// `--key`: the private key's public half against the leaf's.
pub(super) fn key(input: &Input, errors: &mut Vec<Problem>) {
    if let Some((bits, key_name)) = &input.key
        && let Ok((_, leaf)) = X509Certificate::from_der(&input.leaf)
        && leaf.public_key().subject_public_key.data.as_ref() != bits.as_slice()
    {
        errors.push(problem(
            Code::KeyMismatch,
            format!("the key '{key_name}' does not belong to this certificate"),
            Some("pass the key file that was created with this certificate"),
        ));
    }
}
