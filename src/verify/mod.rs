//! Path validation with WebPKI semantics (rustls-webpki, as rustls clients apply it),
//! plus diagnostics that explain every problem found. webpki alone decides validity;
//! the diagnostics only ever add reasons, never turn a failure into a success.
//!
//! `validate` runs webpki (and what it leaves to the caller: the anchor's own limits);
//! `explain` turns each webpki error into the contract's code, a sentence and a hint;
//! `diagnose` looks at the leaf and the chain by name for the problems webpki did not
//! report because it stops at its first.

mod diagnose;
mod explain;
pub mod strict;
mod validate;

use std::net::IpAddr;

use rustls_pki_types::CertificateDer;
use serde::Serialize;
use time::OffsetDateTime;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::validity::{rfc3339, span};
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
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
    // The strict profile's rules (docs/verify.md).
    /// No authorityKeyIdentifier (RFC 5280 4.2.1.1).
    AkiMissing,
    /// A critical authorityKeyIdentifier.
    AkiCritical,
    /// A root's authorityKeyIdentifier without keyIdentifier.
    AkiMalformed,
    /// A self-signed root's AKI differs from its SKI.
    AkiMismatch,
    /// A CA without subjectKeyIdentifier.
    SkiMissing,
    /// A critical subjectKeyIdentifier.
    SkiCritical,
    /// A serial number of zero or over 20 octets.
    SerialInvalid,
    /// A CA with an empty subject.
    EmptySubject,
    /// A root without basicConstraints.
    BasicConstraintsMissing,
    /// A root whose basicConstraints is not critical.
    BasicConstraintsNotCritical,
    /// A CA whose keyUsage lacks keyCertSign.
    CaKeyUsage,
    /// A trust anchor with an unknown critical extension.
    UnknownCriticalExtension,
    /// A leaf with keyCertSign.
    LeafKeyCertSign,
    /// A non-critical policyConstraints.
    PolicyConstraintsNotCritical,
    /// nameConstraints in a leaf.
    NameConstraintsOnLeaf,
    /// nameConstraints empty or with a leading-period DNS name.
    NameConstraintsMalformed,
    /// An extension that cannot be read (e.g. authorityInfoAccess).
    ExtensionMalformed,
    /// An empty subject with a non-critical SAN.
    SanNotCritical,
    /// A critical SAN with a non-empty subject.
    SanCritical,
    /// An underscore in a DNS SAN.
    DnsUnderscore,
    /// A leaf's CN is not one of its SANs.
    CnNotInSan,
    /// anyExtendedKeyUsage in a leaf.
    EkuAny,
    /// A critical EKU in a leaf.
    EkuCritical,
    /// A root with an EKU.
    RootEku,
    /// A wildcard over a public suffix.
    WildcardPublicSuffix,
    /// A key WebPKI clients refuse (DSA, P-192, small or odd RSA).
    ForbiddenKey,
    /// A CRL without cRLNumber.
    CrlNumberMissing,
    /// A CRL with a critical cRLNumber.
    CrlNumberCritical,
    /// A CRL's issuer without cRLSign.
    CrlIssuerNoCrlSign,
}

/// Which rules decide validity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// rustls-webpki's verdict plus the strict profile of RFC 5280, the CA/B Forum BRs and
    /// the strictest clients (the default).
    #[default]
    Strict,
    /// Exactly what rustls (rustls-webpki) accepts.
    Webpki,
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

/// What to check: the certificates, what they must be good for, and when.
#[derive(Debug, Clone)]
pub struct Input {
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
    /// Which rules decide validity.
    pub profile: Profile,
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

/// Validate `input`: webpki decides, then every problem found is listed.
pub fn verify(input: &Input) -> Verdict {
    let leaf_subject = subject_of(&input.leaf);
    let validator = match validate::Validator::new(input, &leaf_subject) {
        Ok(v) => v,
        Err(e) => {
            let message = format!("the certificate cannot be parsed: {}", explain::describe_error(&e));
            let errors = vec![problem(Code::Malformed, message, None)];
            return Verdict { valid: false, chain: vec![leaf_subject], errors };
        }
    };
    let mut errors = Vec::new();
    let chain = match validator.path() {
        Ok((path, ders)) => {
            if input.profile == Profile::Strict {
                strict_path(&ders, input, &mut errors);
            }
            path
        }
        Err(first) => {
            match first {
                Some(e) => validator.all_problems(e, &mut errors),
                None => errors.push(problem(
                    Code::UnknownIssuer,
                    "no usable trust anchor was given",
                    Some("pass the root certificate with --ca FILE"),
                )),
            }
            // Look for the other usual suspects in the leaf and the links.
            diagnose::leaf(input, &mut errors);
            diagnose::signatures(input, &mut errors);
            if input.profile == Profile::Strict {
                let mut ders = vec![input.leaf.clone()];
                ders.extend(diagnose::issuers_by_name(input));
                strict_path(&ders, input, &mut errors);
            }
            let mut chain = vec![leaf_subject.clone()];
            chain.extend(diagnose::name_chain(input).into_iter().skip(1));
            chain
        }
    };
    validator.check_names(&mut errors);
    diagnose::key(input, &mut errors);
    Verdict { valid: errors.is_empty(), chain, errors }
}

/// The strict rules over a path (leaf first). A certificate is the root when it is one of
/// the anchors (webpki's path ends with one; a chain followed by name may not).
fn strict_path(ders: &[CertificateDer<'static>], input: &Input, errors: &mut Vec<Problem>) {
    let path: Vec<(&[u8], strict::Role)> = ders
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let role = match i {
                0 => strict::Role::Leaf,
                _ if input.anchors.contains(d) => strict::Role::Root,
                _ => strict::Role::Intermediate,
            };
            (d.as_ref(), role)
        })
        .collect();
    strict::check_path(&path, &input.crls, errors);
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

fn expired_problem(subject: &str, not_after: OffsetDateTime, at: OffsetDateTime) -> Problem {
    problem(
        Code::Expired,
        format!("'{subject}' expired {} ago (notAfter {})", span(at - not_after), rfc3339(not_after)),
        Some("renew it, or pass --at to check another time"),
    )
}

fn not_yet_problem(subject: &str, not_before: OffsetDateTime, at: OffsetDateTime) -> Problem {
    problem(
        Code::NotYetValid,
        format!("'{subject}' is not valid until {} (in {})", rfc3339(not_before), span(not_before - at)),
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
