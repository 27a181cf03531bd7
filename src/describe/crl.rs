//! Describing a certificate revocation list: issuer, dates, number, revoked serials.

use serde::Serialize;
use x509_parser::prelude::FromDer;

use crate::validity::rfc3339;
use crate::x509text::dn;
use crate::x509text::signature_algorithm;

/// One revoked certificate.
#[derive(Debug, Clone, Serialize)]
pub struct RevokedEntry {
    /// Serial, lowercase hex.
    pub serial: String,
    /// When it was revoked, RFC 3339.
    pub revoked_at: String,
    /// The reason code's name, null when absent.
    pub reason: Option<String>,
}

/// A CRL, described.
#[derive(Debug, Clone, Serialize)]
pub struct CrlDescription {
    /// Always `crl`.
    pub kind: &'static str,
    /// The file.
    pub source: String,
    /// Position in the file, from 1.
    pub index: usize,
    /// Issuer.
    pub issuer: String,
    /// thisUpdate, RFC 3339.
    pub this_update: String,
    /// nextUpdate, RFC 3339, null when absent.
    pub next_update: Option<String>,
    /// cRLNumber as decimal, null when absent.
    pub crl_number: Option<String>,
    /// Signature algorithm.
    pub signature_algorithm: String,
    /// The revoked certificates.
    pub revoked: Vec<RevokedEntry>,
    /// nextUpdate as a time, for the human rendering.
    #[serde(skip)]
    pub next_update_t: Option<time::OffsetDateTime>,
}

/// Describe a DER CRL.
pub fn describe(der: &[u8], source: &str, index: usize) -> Result<CrlDescription, super::Unreadable> {
    let (_, crl) = x509_parser::revocation_list::CertificateRevocationList::from_der(der)
        .map_err(|e| super::Unreadable::der("a CRL", &e))?;
    let revoked = crl
        .iter_revoked_certificates()
        .map(|r| RevokedEntry {
            serial: crate::serial::Serial::from_bytes(r.raw_serial()).to_hex(),
            revoked_at: rfc3339(r.revocation_date.to_datetime()),
            reason: r.reason_code().map(|(_, c)| reason_name(c.0)),
        })
        .collect();
    let next = crl.next_update().map(|t| t.to_datetime());
    Ok(CrlDescription {
        kind: "crl",
        source: source.into(),
        index,
        issuer: dn(crl.issuer()),
        this_update: rfc3339(crl.last_update().to_datetime()),
        next_update: next.map(rfc3339),
        crl_number: crl.crl_number().map(|n| n.to_string()),
        signature_algorithm: signature_algorithm(&crl.signature_algorithm.algorithm),
        revoked,
        next_update_t: next,
    })
}

/// The contract's name of a CRL reason code.
pub fn reason_name(code: u8) -> String {
    match code {
        0 => "unspecified",
        1 => "key-compromise",
        2 => "ca-compromise",
        3 => "affiliation-changed",
        4 => "superseded",
        5 => "cessation-of-operation",
        6 => "certificate-hold",
        8 => "remove-from-crl",
        9 => "privilege-withdrawn",
        10 => "aa-compromise",
        _ => return format!("unknown({code})"),
    }
    .to_string()
}
