//! Path validation with WebPKI semantics (rustls-webpki, as rustls clients apply it),
//! plus diagnostics that explain every problem found. webpki alone decides validity;
//! the diagnostics only ever add reasons, never turn a failure into a success.

use std::net::IpAddr;

use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use serde::Serialize;
use time::OffsetDateTime;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::validity::span;
use crate::x509text::dn;

/// What the certificate must be good for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Purpose {
    /// TLS server authentication (EKU serverAuth, or no EKU).
    Server,
    /// TLS client authentication (EKU clientAuth, or no EKU).
    Client,
    /// Either of the two.
    Any,
}

/// The contract's error codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// A certificate in the chain is past its notAfter.
    Expired,
    /// A certificate in the chain is before its notBefore.
    NotYetValid,
    /// No path to a trust anchor.
    UnknownIssuer,
    /// A signature does not verify.
    BadSignature,
    /// The leaf is not for the host or IP asked for.
    NameMismatch,
    /// The leaf's EKU does not allow the purpose.
    WrongPurpose,
    /// The private key does not belong to the leaf.
    KeyMismatch,
    /// An issuer in the chain is not a CA.
    NotACa,
    /// A pathLenConstraint is exceeded.
    PathLenExceeded,
    /// A name constraint forbids a name.
    NameConstraintViolation,
    /// A certificate is revoked by a CRL given.
    Revoked,
    /// A certificate cannot be parsed.
    Malformed,
    /// Anything else.
    Other,
}

/// One reason the certificate is not valid.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Problem {
    /// The contract's code.
    pub code: Code,
    /// A sentence for the user.
    pub message: String,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// What to check.
#[derive(Debug, Clone)]
pub struct Request {
    /// The leaf.
    pub leaf: CertificateDer<'static>,
    /// Untrusted intermediates (from the leaf's file and `--untrusted`).
    pub intermediates: Vec<CertificateDer<'static>>,
    /// Trust anchors.
    pub anchors: Vec<CertificateDer<'static>>,
    /// CRLs (DER).
    pub crls: Vec<Vec<u8>>,
    /// Host name the leaf must be valid for.
    pub host: Option<String>,
    /// IP address the leaf must be valid for.
    pub ip: Option<IpAddr>,
    /// The purpose.
    pub purpose: Purpose,
    /// When.
    pub at: OffsetDateTime,
    /// The subjectPublicKey bits of a private key that must belong to the leaf, and its name.
    pub key: Option<(Vec<u8>, String)>,
}

/// The outcome.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// Valid for everything asked.
    pub valid: bool,
    /// Subjects from the leaf to the anchor (the path webpki verified; on failure, the
    /// leaf and the issuers found by name).
    pub chain: Vec<String>,
    /// Every problem found (empty when valid).
    pub errors: Vec<Problem>,
}

fn problem(code: Code, message: impl Into<String>, hint: Option<&str>) -> Problem {
    Problem { code, message: message.into(), hint: hint.map(str::to_string) }
}

fn subject_of(der: &[u8]) -> String {
    match X509Certificate::from_der(der) {
        Ok((_, c)) => dn(c.subject()),
        Err(_) => "(unparseable certificate)".into(),
    }
}

/// Validate `req`.
pub fn verify(req: &Request) -> Verdict {
    let leaf_subject = subject_of(&req.leaf);
    let mut errors = Vec::new();

    let ee = match webpki::EndEntityCert::try_from(&req.leaf) {
        Ok(ee) => ee,
        Err(e) => {
            return Verdict {
                valid: false,
                chain: vec![leaf_subject],
                errors: vec![problem(
                    Code::Malformed,
                    format!("the certificate cannot be parsed: {}", describe_error(&e)),
                    None,
                )],
            };
        }
    };
    let mut anchors = Vec::new();
    let mut anchor_ders = Vec::new();
    for a in &req.anchors {
        if let Ok(t) = webpki::anchor_from_trusted_cert(a) {
            anchors.push(t);
            anchor_ders.push(a);
        }
    }
    if anchors.is_empty() {
        errors.push(problem(
            Code::UnknownIssuer,
            "no usable trust anchor was given",
            Some("pass the root certificate with --ca FILE"),
        ));
    }
    let crls: Vec<webpki::CertRevocationList<'_>> =
        req.crls.iter().filter_map(|c| webpki::BorrowedCertRevocationList::from_der(c).ok().map(Into::into)).collect();
    let crl_refs: Vec<&webpki::CertRevocationList<'_>> = crls.iter().collect();

    // One webpki run at `at` for `usage`. The path callback adds what webpki leaves to the
    // caller: the trust anchor's own validity period and pathLenConstraint (webpki keeps only
    // an anchor's name and key). Rejecting a path there only makes webpki try other paths.
    let run = |at: OffsetDateTime, usage: webpki::KeyUsage| {
        let time = unix(at);
        let revocation = webpki::RevocationOptionsBuilder::new(&crl_refs).ok().map(|b| b.build());
        let check_anchor = |path: &webpki::VerifiedPath<'_>| anchor_limits(path, &anchors, &anchor_ders, at);
        ee.verify_for_usage(
            webpki::ALL_VERIFICATION_ALGS,
            &anchors,
            &req.intermediates,
            time,
            usage,
            revocation,
            Some(&check_anchor),
        )
        .map(|path| path_subjects(&path, &anchors, &anchor_ders, &leaf_subject))
    };
    let attempt = |at: OffsetDateTime, purpose: Purpose| match purpose {
        Purpose::Server => run(at, webpki::KeyUsage::server_auth()),
        Purpose::Client => run(at, webpki::KeyUsage::client_auth()),
        Purpose::Any => run(at, webpki::KeyUsage::server_auth()).or_else(|e| match e {
            webpki::Error::RequiredEkuNotFoundContext(_) => run(at, webpki::KeyUsage::client_auth()),
            other => Err(other),
        }),
    };
    let result = if anchors.is_empty() { Err(webpki::Error::UnknownIssuer) } else { attempt(req.at, req.purpose) };

    let mut chain = vec![leaf_subject.clone()];
    match result {
        Ok(path) => chain = path,
        Err(e) => {
            if !anchors.is_empty() {
                errors.push(explain(&e, req));
                // webpki stops at its first error. Relax what that error was about (the
                // purpose, the time) and run it again to find what else is wrong. These
                // runs only add reasons: the verdict is already "not valid".
                let mut last = e;
                let (mut at, mut purpose) = (req.at, req.purpose);
                for _ in 0..3 {
                    match relax(&last, &req.leaf, &mut at, &mut purpose) {
                        false => break,
                        true => match attempt(at, purpose) {
                            Ok(_) => break,
                            // At a moved time, what is expired then says nothing about --at.
                            Err(webpki::Error::CertExpired { .. } | webpki::Error::CertNotValidYet { .. })
                                if at != req.at =>
                            {
                                break;
                            }
                            Err(next) => {
                                let p = explain(&next, req);
                                if errors.iter().any(|x| x.code == p.code) {
                                    break;
                                }
                                errors.push(p);
                                last = next;
                            }
                        },
                    }
                }
            }
            chain.extend(name_chain(req).into_iter().skip(1));
            // Look for the other usual suspects in the leaf and the links.
            diagnose_leaf(req, &mut errors);
            diagnose_signatures(req, &mut errors);
        }
    }

    for (asked, name) in server_names(req) {
        let Some(name) = name else {
            errors.push(problem(
                Code::Other,
                format!("'{asked}' is not a valid host name"),
                Some("pass a DNS name with --host, or an address with --ip"),
            ));
            continue;
        };
        if let Err(e) = ee.verify_is_valid_for_subject_name(&name) {
            let p = explain(&e, req);
            if !errors.contains(&p) {
                errors.push(p);
            }
        }
    }

    if let Some((bits, key_name)) = &req.key
        && let Ok((_, leaf)) = X509Certificate::from_der(&req.leaf)
        && leaf.public_key().subject_public_key.data.as_ref() != bits.as_slice()
    {
        errors.push(problem(
            Code::KeyMismatch,
            format!("the key '{key_name}' does not belong to this certificate"),
            Some("pass the key file that was created with this certificate"),
        ));
    }

    Verdict { valid: errors.is_empty(), chain, errors }
}

/// The names to check: `--host` and `--ip`, each with its parsed form (None if invalid).
fn server_names(req: &Request) -> Vec<(String, Option<ServerName<'static>>)> {
    let mut v = Vec::new();
    if let Some(h) = &req.host {
        v.push((h.clone(), ServerName::try_from(h.clone()).ok()));
    }
    if let Some(ip) = req.ip {
        v.push((ip.to_string(), Some(ServerName::IpAddress(ip.into()))));
    }
    v
}

/// Subjects along a verified path, leaf to anchor.
fn path_subjects(
    path: &webpki::VerifiedPath<'_>,
    anchors: &[rustls_pki_types::TrustAnchor<'_>],
    anchor_ders: &[&CertificateDer<'_>],
    leaf_subject: &str,
) -> Vec<String> {
    let mut v = vec![leaf_subject.to_string()];
    for c in path.intermediate_certificates() {
        v.push(subject_of(&c.der()));
    }
    v.push(match anchor_der(path, anchors, anchor_ders) {
        Some(d) => subject_of(d),
        None => "(trust anchor)".into(),
    });
    v
}

/// The certificate a verified path's anchor was made from.
fn anchor_der<'a>(
    path: &webpki::VerifiedPath<'_>,
    anchors: &[rustls_pki_types::TrustAnchor<'_>],
    anchor_ders: &[&'a CertificateDer<'a>],
) -> Option<&'a CertificateDer<'a>> {
    let i = anchors.iter().position(|a| std::ptr::eq(a, path.anchor()))?;
    anchor_ders.get(i).copied()
}

/// The limits an anchor certificate puts on a path that webpki does not apply itself:
/// its validity period at `at`, and its pathLenConstraint.
fn anchor_limits(
    path: &webpki::VerifiedPath<'_>,
    anchors: &[rustls_pki_types::TrustAnchor<'_>],
    anchor_ders: &[&CertificateDer<'_>],
    at: OffsetDateTime,
) -> Result<(), webpki::Error> {
    let Some(der) = anchor_der(path, anchors, anchor_ders) else { return Ok(()) };
    let Ok((_, c)) = X509Certificate::from_der(der) else { return Ok(()) };
    let (nb, na) = (c.validity().not_before.to_datetime(), c.validity().not_after.to_datetime());
    // Certificates encode whole seconds; compare at that granularity, as webpki does.
    let at = at.replace_nanosecond(0).unwrap_or(at);
    if at < nb {
        return Err(webpki::Error::CertNotValidYet { time: unix(at), not_before: unix(nb) });
    }
    if at > na {
        return Err(webpki::Error::CertExpired { time: unix(at), not_after: unix(na) });
    }
    if let Ok(Some(bc)) = c.basic_constraints()
        && let Some(n) = bc.value.path_len_constraint
        && path.intermediate_certificates().count() > n as usize
    {
        return Err(webpki::Error::PathLenConstraintViolated);
    }
    Ok(())
}

fn unix(t: OffsetDateTime) -> UnixTime {
    UnixTime::since_unix_epoch(std::time::Duration::from_secs(t.unix_timestamp().max(0) as u64))
}

/// Change the time or purpose so that `err` would not happen again; false if `err` is not
/// about either.
fn relax(err: &webpki::Error, leaf: &[u8], at: &mut OffsetDateTime, purpose: &mut Purpose) -> bool {
    let Ok((_, c)) = X509Certificate::from_der(leaf) else { return false };
    match err {
        webpki::Error::CertExpired { .. } | webpki::Error::CertNotValidYet { .. } => {
            let (nb, na) = (c.validity().not_before.to_datetime(), c.validity().not_after.to_datetime());
            let mid = nb + (na - nb) / 2;
            if *at == mid {
                return false;
            }
            *at = mid;
            true
        }
        webpki::Error::RequiredEkuNotFoundContext(_) => {
            let eku = c.extended_key_usage().ok().flatten();
            let next = match eku {
                Some(e) if e.value.server_auth && *purpose != Purpose::Server => Purpose::Server,
                Some(e) if e.value.client_auth && *purpose != Purpose::Client => Purpose::Client,
                _ => return false,
            };
            *purpose = next;
            true
        }
        _ => false,
    }
}

/// The leaf and its issuers found by subject name among the intermediates and anchors
/// (no signature checks: this only names things for messages).
fn name_chain(req: &Request) -> Vec<String> {
    let pool: Vec<&CertificateDer<'_>> = req.intermediates.iter().chain(req.anchors.iter()).collect();
    let mut out = Vec::new();
    let mut current = req.leaf.clone();
    for _ in 0..8 {
        let Ok((_, c)) = X509Certificate::from_der(&current) else {
            break;
        };
        out.push(dn(c.subject()));
        if c.subject().as_raw() == c.issuer().as_raw() {
            break;
        }
        let next = pool
            .iter()
            .find(|p| X509Certificate::from_der(p).is_ok_and(|(_, pc)| pc.subject().as_raw() == c.issuer().as_raw()));
        match next {
            Some(n) => current = (*n).clone(),
            None => break,
        }
    }
    out
}

/// The issuer name at the top of what could be chained by name, for unknown_issuer.
fn missing_issuer(req: &Request) -> Option<(String, String)> {
    let pool: Vec<&CertificateDer<'_>> = req.intermediates.iter().chain(req.anchors.iter()).collect();
    let mut current = req.leaf.clone();
    for _ in 0..8 {
        let (_, c) = X509Certificate::from_der(&current).ok()?;
        let next = pool
            .iter()
            .find(|p| X509Certificate::from_der(p).is_ok_and(|(_, pc)| pc.subject().as_raw() == c.issuer().as_raw()));
        match next {
            Some(n) if n.as_ref() != current.as_ref() => current = (*n).clone(),
            _ => return Some((dn(c.subject()), dn(c.issuer()))),
        }
    }
    None
}

/// The DNS and IP SANs of a certificate, for messages.
fn leaf_names(der: &[u8]) -> Vec<String> {
    let Ok((_, c)) = X509Certificate::from_der(der) else {
        return Vec::new();
    };
    let Ok(Some(san)) = c.subject_alternative_name() else {
        return Vec::new();
    };
    let lists = crate::x509text::SanLists::from_names(&san.value.general_names);
    lists.dns.into_iter().chain(lists.ip).collect()
}

/// Signature checks along the chain found by name, to name a link that does not hold
/// (e.g. an issuer with the right name but another key).
fn diagnose_signatures(req: &Request, errors: &mut Vec<Problem>) {
    if errors.iter().any(|p| p.code == Code::BadSignature) {
        return;
    }
    let pool: Vec<&CertificateDer<'_>> = req.intermediates.iter().chain(req.anchors.iter()).collect();
    let mut current = req.leaf.clone();
    for _ in 0..8 {
        let Ok((_, c)) = X509Certificate::from_der(&current) else {
            return;
        };
        if c.subject().as_raw() == c.issuer().as_raw() {
            return;
        }
        let candidates: Vec<&&CertificateDer<'_>> = pool
            .iter()
            .filter(|p| X509Certificate::from_der(p).is_ok_and(|(_, pc)| pc.subject().as_raw() == c.issuer().as_raw()))
            .collect();
        if candidates.is_empty() {
            return;
        }
        let good = candidates.iter().find(|p| {
            X509Certificate::from_der(p).is_ok_and(|(_, pc)| c.verify_signature(Some(pc.public_key())).is_ok())
        });
        match good {
            Some(g) => current = (**g).clone(),
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
fn diagnose_leaf(req: &Request, errors: &mut Vec<Problem>) {
    let Ok((_, leaf)) = X509Certificate::from_der(&req.leaf) else {
        return;
    };
    let has = |errors: &Vec<Problem>, c: Code| errors.iter().any(|p| p.code == c);
    let nb = leaf.validity().not_before.to_datetime();
    let na = leaf.validity().not_after.to_datetime();
    if req.at > na && !has(errors, Code::Expired) {
        errors.push(expired_problem(&dn(leaf.subject()), na, req.at));
    }
    if req.at < nb && !has(errors, Code::NotYetValid) {
        errors.push(not_yet_problem(&dn(leaf.subject()), nb, req.at));
    }
    if let Ok(Some(eku)) = leaf.extended_key_usage()
        && !eku.value.any
        && !has(errors, Code::WrongPurpose)
    {
        let ok = match req.purpose {
            Purpose::Server => eku.value.server_auth,
            Purpose::Client => eku.value.client_auth,
            Purpose::Any => eku.value.server_auth || eku.value.client_auth,
        };
        if !ok {
            errors.push(wrong_purpose(req.purpose, &crate::x509text::extended_key_usages(eku.value)));
        }
    }
}

fn expired_problem(subject: &str, not_after: OffsetDateTime, at: OffsetDateTime) -> Problem {
    problem(
        Code::Expired,
        format!("'{subject}' expired {} ago (notAfter {})", span(at - not_after), crate::validity::rfc3339(not_after)),
        Some("renew it, or pass --at to check another time"),
    )
}

fn not_yet_problem(subject: &str, not_before: OffsetDateTime, at: OffsetDateTime) -> Problem {
    problem(
        Code::NotYetValid,
        format!(
            "'{subject}' is not valid until {} (in {})",
            crate::validity::rfc3339(not_before),
            span(not_before - at)
        ),
        Some("check the clock, or pass --at to check another time"),
    )
}

fn wrong_purpose(purpose: Purpose, present: &[String]) -> Problem {
    let want = match purpose {
        Purpose::Server => "TLS server authentication (server_auth)",
        Purpose::Client => "TLS client authentication (client_auth)",
        Purpose::Any => "TLS server or client authentication",
    };
    let has = if present.is_empty() { "none".to_string() } else { present.join(", ") };
    problem(
        Code::WrongPurpose,
        format!("the certificate's extended key usage ({has}) does not allow {want}"),
        Some("issue a certificate with the right profile (pki issue server / pki issue client)"),
    )
}

/// Find the certificate (leaf, intermediate or anchor) whose notAfter/notBefore is `t`.
fn cert_with_time(req: &Request, t: UnixTime, after: bool) -> Option<(String, OffsetDateTime)> {
    let secs = t.as_secs() as i64;
    std::iter::once(&req.leaf).chain(req.intermediates.iter()).chain(req.anchors.iter()).find_map(|d| {
        let (_, c) = X509Certificate::from_der(d).ok()?;
        let v = if after { c.validity().not_after } else { c.validity().not_before };
        (v.timestamp() == secs).then(|| (dn(c.subject()), v.to_datetime()))
    })
}

/// Turn webpki's one error into the contract's code, a sentence and a hint.
fn explain(e: &webpki::Error, req: &Request) -> Problem {
    use webpki::Error as E;
    let at = req.at;
    match e {
        E::CertExpired { not_after, .. } => match cert_with_time(req, *not_after, true) {
            Some((s, t)) => expired_problem(&s, t, at),
            None => problem(Code::Expired, "a certificate in the chain has expired", Some("renew it")),
        },
        E::CertNotValidYet { not_before, .. } => match cert_with_time(req, *not_before, false) {
            Some((s, t)) => not_yet_problem(&s, t, at),
            None => problem(Code::NotYetValid, "a certificate in the chain is not valid yet", None),
        },
        E::UnknownIssuer => {
            let msg = match missing_issuer(req) {
                Some((subj, iss)) if subj == iss => {
                    format!("the chain ends at the self-signed '{subj}', which is not a trust anchor given")
                }
                Some((subj, iss)) => {
                    format!("no trust anchor matches: '{subj}' is issued by '{iss}', which was not given")
                }
                None => "no path to a trust anchor was found".into(),
            };
            problem(
                Code::UnknownIssuer,
                msg,
                Some("pass the issuing root with --ca FILE and any intermediates with --untrusted FILE"),
            )
        }
        E::InvalidSignatureForPublicKey
        | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_)
        | E::SignatureAlgorithmMismatch => problem(
            Code::BadSignature,
            "a signature in the chain does not verify with its issuer's key",
            Some("the certificate was altered, or signed by a different key with the same issuer name"),
        ),
        E::UnsupportedSignatureAlgorithmContext(_) => problem(
            Code::BadSignature,
            "a certificate in the chain uses a signature algorithm that is not accepted (e.g. SHA-1 or RSA under 2048 bits)",
            Some("reissue it with a modern algorithm"),
        ),
        E::CertNotValidForName(ctx) => {
            let expected = match &ctx.expected {
                ServerName::DnsName(d) => d.as_ref().to_string(),
                ServerName::IpAddress(ip) => IpAddr::from(*ip).to_string(),
                _ => "the name asked for".into(),
            };
            let presented = leaf_names(&req.leaf);
            let names =
                if presented.is_empty() { "no names at all (no SAN)".to_string() } else { presented.join(", ") };
            problem(
                Code::NameMismatch,
                format!("the certificate is for {names}, not {expected}"),
                Some("clients match host names against the SANs only; issue one with --san for this name"),
            )
        }
        E::RequiredEkuNotFoundContext(_) => {
            let present = X509Certificate::from_der(&req.leaf)
                .ok()
                .and_then(|(_, c)| {
                    c.extended_key_usage().ok().flatten().map(|e| crate::x509text::extended_key_usages(e.value))
                })
                .unwrap_or_default();
            wrong_purpose(req.purpose, &present)
        }
        E::EndEntityUsedAsCa => problem(
            Code::NotACa,
            "a certificate in the chain acts as an issuer but is not a CA (basicConstraints CA:FALSE or absent)",
            Some("only CA certificates can sign others"),
        ),
        E::CaUsedAsEndEntity => problem(
            Code::WrongPurpose,
            "the certificate is a CA certificate, not a leaf",
            Some("verify the leaf certificate the server or client presents"),
        ),
        E::PathLenConstraintViolated => problem(
            Code::PathLenExceeded,
            "the chain is longer than a CA's pathLenConstraint allows",
            Some("shorten the chain, or issue the CA with a larger --path-len"),
        ),
        E::NameConstraintViolation => {
            problem(Code::NameConstraintViolation, "a name in the certificate is outside a CA's name constraints", None)
        }
        E::CertRevoked => problem(Code::Revoked, "a certificate in the chain is revoked by a CRL given", None),
        E::UnknownRevocationStatus => problem(
            Code::Other,
            "no CRL was given for an issuer in the chain, so revocation cannot be checked",
            Some("pass a --crl for every CA in the chain, or none at all"),
        ),
        E::BadDerTime if pre_1970(req).is_some() => {
            let (subject, t) = pre_1970(req).unwrap_or_default();
            problem(
                Code::Malformed,
                format!("'{subject}' has a validity date of {t}, before 1970, which WebPKI validators cannot handle"),
                Some("reissue it with dates after 1970"),
            )
        }
        E::BadDer
        | E::BadDerTime
        | E::TrailingData(_)
        | E::UnsupportedCertVersion
        | E::MalformedExtensions
        | E::ExtensionValueInvalid
        | E::InvalidSerialNumber
        | E::InvalidCertValidity
        | E::EmptyEkuExtension
        | E::MalformedNameConstraint
        | E::MalformedDnsIdentifier => {
            problem(Code::Malformed, format!("a certificate in the chain is malformed: {}", describe_error(e)), None)
        }
        E::UnsupportedCriticalExtension => problem(
            Code::Malformed,
            "a certificate in the chain has a critical extension that WebPKI validators do not understand",
            None,
        ),
        other => problem(Code::Other, describe_error(other), None),
    }
}

/// webpki errors in words (their Display is their Debug).
fn describe_error(e: &webpki::Error) -> String {
    use webpki::Error as E;
    match e {
        E::BadDer => "bad DER encoding".into(),
        E::BadDerTime => "a time in it is badly encoded, or before 1970 (which WebPKI validators cannot handle)".into(),
        E::TrailingData(_) => "trailing data after a structure".into(),
        E::UnsupportedCertVersion => "not an X.509 v3 certificate".into(),
        E::MalformedExtensions => "its extensions are malformed (e.g. a duplicate)".into(),
        E::ExtensionValueInvalid => "an extension's value is invalid".into(),
        E::InvalidSerialNumber => "its serial number is invalid (negative, zero or over 20 octets)".into(),
        E::InvalidCertValidity => "its validity period is invalid (notAfter before notBefore)".into(),
        E::EmptyEkuExtension => "its extendedKeyUsage extension is empty".into(),
        E::MalformedNameConstraint => "its name constraints are malformed".into(),
        E::MalformedDnsIdentifier => "a DNS name in it is malformed".into(),
        E::MaximumPathDepthExceeded => "the chain is too long".into(),
        E::MaximumPathBuildCallsExceeded | E::MaximumSignatureChecksExceeded => {
            "too many possible paths to try (path building gave up)".into()
        }
        E::MaximumNameConstraintComparisonsExceeded => "too many name constraint comparisons".into(),
        E::CertDistrusted => "a certificate in the chain is distrusted".into(),
        E::UnsupportedNameType => "the name asked for is of an unsupported type".into(),
        other => {
            // Fall back on the variant's name, turned into words.
            let dbg = format!("{other:?}");
            let name = dbg.split(['(', ' ', '{']).next().unwrap_or("error").to_string();
            let mut words = String::new();
            for (i, ch) in name.chars().enumerate() {
                if ch.is_uppercase() && i > 0 {
                    words.push(' ');
                }
                words.push(ch.to_ascii_lowercase());
            }
            words
        }
    }
}

/// The first certificate (leaf, intermediates, anchors) with a validity date before 1970.
fn pre_1970(req: &Request) -> Option<(String, String)> {
    std::iter::once(&req.leaf).chain(req.intermediates.iter()).chain(req.anchors.iter()).find_map(|d| {
        let (_, c) = X509Certificate::from_der(d).ok()?;
        [c.validity().not_before, c.validity().not_after]
            .into_iter()
            .find(|t| t.timestamp() < 0)
            .map(|t| (dn(c.subject()), crate::validity::rfc3339(t.to_datetime())))
    })
}
