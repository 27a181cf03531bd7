//! webpki's errors in the contract's words: each error becomes a code, a sentence that
//! uses what the certificates say (who expired, and when; which names the leaf is for)
//! and a hint. webpki's own Display is its Debug, so it never reaches a user.

use std::net::IpAddr;

use rustls_pki_types::{ServerName, UnixTime};
use time::OffsetDateTime;
use webpki::Error as E;
use x509_parser::prelude::{FromDer, X509Certificate};

use super::{Code, Input, Problem, expired_problem, not_yet_problem, problem, wrong_purpose};
use crate::validity::rfc3339;
use crate::x509text::{SanLists, dn, extended_key_usages};

/// Turn webpki's one error into the contract's code, a sentence and a hint.
pub(super) fn explain(e: &webpki::Error, input: &Input) -> Problem {
    explain_time(e, input)
        .or_else(|| explain_path(e, input))
        .or_else(|| explain_leaf(e, input))
        .or_else(|| explain_malformed(e, input))
        .unwrap_or_else(|| problem(Code::Other, describe_error(e), None))
}

/// A certificate outside its validity period at `--at`.
fn explain_time(e: &webpki::Error, input: &Input) -> Option<Problem> {
    Some(match e {
        E::CertExpired { not_after, .. } => match cert_with_time(input, *not_after, true) {
            Some((s, t)) => expired_problem(&s, t, input.at),
            None => problem(Code::Expired, "a certificate in the chain has expired", Some("renew it")),
        },
        E::CertNotValidYet { not_before, .. } => match cert_with_time(input, *not_before, false) {
            Some((s, t)) => not_yet_problem(&s, t, input.at),
            None => problem(Code::NotYetValid, "a certificate in the chain is not valid yet", None),
        },
        _ => return None,
    })
}

/// A link of the chain: issuer, signature, CA flag, path length, revocation.
fn explain_path(e: &webpki::Error, input: &Input) -> Option<Problem> {
    Some(match e {
        E::UnknownIssuer => unknown_issuer(input),
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
        E::EndEntityUsedAsCa => problem(
            Code::NotACa,
            "a certificate in the chain acts as an issuer but is not a CA (basicConstraints CA:FALSE or absent)",
            Some("only CA certificates can sign others"),
        ),
        E::PathLenConstraintViolated => problem(
            Code::PathLenExceeded,
            "the chain is longer than a CA's pathLenConstraint allows",
            Some("shorten the chain, or issue the CA with a larger --path-len"),
        ),
        E::NameConstraintViolation => name_constraint_problem(input),
        E::CertRevoked => problem(Code::Revoked, "a certificate in the chain is revoked by a CRL given", None),
        E::UnknownRevocationStatus => problem(
            Code::Other,
            "no CRL was given for an issuer in the chain, so revocation cannot be checked",
            Some("pass a --crl for every CA in the chain, or none at all"),
        ),
        _ => return None,
    })
}

/// The leaf itself: its names, its extended key usage, being a CA.
fn explain_leaf(e: &webpki::Error, input: &Input) -> Option<Problem> {
    Some(match e {
        E::CertNotValidForName(ctx) => {
            let expected = match &ctx.expected {
                ServerName::DnsName(d) => d.as_ref().to_string(),
                ServerName::IpAddress(ip) => IpAddr::from(*ip).to_string(),
                _ => "the name asked for".into(),
            };
            let presented = leaf_names(&input.leaf);
            let names =
                if presented.is_empty() { "no names at all (no SAN)".to_string() } else { presented.join(", ") };
            problem(
                Code::NameMismatch,
                format!("the certificate is for {names}, not {expected}"),
                Some("clients match host names against the SANs only; issue one with --san for this name"),
            )
        }
        E::RequiredEkuNotFoundContext(_) => {
            let present = X509Certificate::from_der(&input.leaf)
                .ok()
                .and_then(|(_, c)| c.extended_key_usage().ok().flatten().map(|e| extended_key_usages(e.value)))
                .unwrap_or_default();
            wrong_purpose(input.purpose, &present)
        }
        E::CaUsedAsEndEntity => problem(
            Code::WrongPurpose,
            "the certificate is a CA certificate, not a leaf",
            Some("verify the leaf certificate the server or client presents"),
        ),
        _ => return None,
    })
}

/// A certificate that cannot be read as WebPKI reads it.
fn explain_malformed(e: &webpki::Error, input: &Input) -> Option<Problem> {
    Some(match e {
        E::BadDerTime if pre_1970(input).is_some() => {
            let (subject, t) = pre_1970(input).unwrap_or_default();
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
        _ => return None,
    })
}

fn unknown_issuer(input: &Input) -> Problem {
    let msg = match super::diagnose::missing_issuer(input) {
        Some((subj, iss)) if subj == iss => {
            format!("the chain ends at the self-signed '{subj}', which is not a trust anchor given")
        }
        Some((subj, iss)) => format!("no trust anchor matches: '{subj}' is issued by '{iss}', which was not given"),
        None => "no path to a trust anchor was found".into(),
    };
    problem(
        Code::UnknownIssuer,
        msg,
        Some("pass the issuing root with --ca FILE and any intermediates with --untrusted FILE"),
    )
}

/// Find the certificate (leaf, intermediate or anchor) whose notAfter/notBefore is `t`.
fn cert_with_time(input: &Input, t: UnixTime, after: bool) -> Option<(String, OffsetDateTime)> {
    let secs = t.as_secs() as i64;
    std::iter::once(&input.leaf).chain(input.intermediates.iter()).chain(input.anchors.iter()).find_map(|d| {
        let (_, c) = X509Certificate::from_der(d).ok()?;
        let v = if after { c.validity().not_after } else { c.validity().not_before };
        (v.timestamp() == secs).then(|| (dn(c.subject()), v.to_datetime()))
    })
}

/// The first certificate (leaf, intermediates, anchors) with a validity date before 1970.
fn pre_1970(input: &Input) -> Option<(String, String)> {
    std::iter::once(&input.leaf).chain(input.intermediates.iter()).chain(input.anchors.iter()).find_map(|d| {
        let (_, c) = X509Certificate::from_der(d).ok()?;
        [c.validity().not_before, c.validity().not_after]
            .into_iter()
            .find(|t| t.timestamp() < 0)
            .map(|t| (dn(c.subject()), rfc3339(t.to_datetime())))
    })
}

/// The DNS and IP SANs of a certificate, for messages.
fn leaf_names(der: &[u8]) -> Vec<String> {
    let Ok((_, c)) = X509Certificate::from_der(der) else {
        return Vec::new();
    };
    let Ok(Some(san)) = c.subject_alternative_name() else {
        return Vec::new();
    };
    let lists = SanLists::from_names(&san.value.general_names);
    lists.dns.into_iter().chain(lists.ip).collect()
}

/// Which name of the leaf which CA's constraints refuse, found by pki's own rules
/// (constraints::check) over the CAs given; webpki says only that one did.
fn name_constraint_problem(input: &Input) -> Problem {
    let hint = Some(
        "a CA's name constraints (see 'pki inspect' on it) forbid this name: the certificate was not issued within them",
    );
    let leaf = X509Certificate::from_der(&input.leaf).ok();
    let sans = leaf
        .as_ref()
        .and_then(|(_, c)| c.subject_alternative_name().ok().flatten())
        .and_then(|s| SanLists::from_names(&s.value.general_names).to_entries().ok())
        .unwrap_or_default();
    let cn = leaf.as_ref().and_then(|(_, c)| c.subject().iter_common_name().next().and_then(|a| a.as_str().ok()));
    for ca in super::diagnose::issuers_by_name(input) {
        let Ok(Some(nc)) = crate::constraints::NameConstraints::of_cert(&ca) else { continue };
        let chain = [(crate::constraints::ca_name(&ca), nc)];
        if let Err(crate::Error::NameConstraint(v)) = crate::constraints::check::check_leaf(&chain, &sans, cn) {
            return problem(Code::NameConstraintViolation, v.to_string(), hint);
        }
    }
    problem(Code::NameConstraintViolation, "a name in the certificate is outside a CA's name constraints", hint)
}

/// webpki errors in words (their Display is their Debug).
pub(super) fn describe_error(e: &webpki::Error) -> String {
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
        other => variant_in_words(other),
    }
}

/// The variant's name turned into words ("UnsupportedCrlVersion" -> "unsupported crl
/// version"), for webpki errors without a sentence of their own.
fn variant_in_words(e: &webpki::Error) -> String {
    let dbg = format!("{e:?}");
    let name = dbg.split(['(', ' ', '{']).next().unwrap_or("error");
    let mut words = String::new();
    for (i, ch) in name.chars().enumerate() {
        if ch.is_uppercase() && i > 0 {
            words.push(' ');
        }
        words.push(ch.to_ascii_lowercase());
    }
    words
}
