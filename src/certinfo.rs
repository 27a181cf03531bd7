//! The few facts about a DER certificate that issuance and the ledger need,
//! read with x509-parser.

use crate::x509text::dn;
use ::time::OffsetDateTime;
use x509_parser::prelude::{FromDer, X509Certificate};

/// Facts read from one certificate.
#[derive(Debug, Clone)]
pub struct CertInfo {
    /// Subject, as x509-parser formats it ("O=Example, CN=Example Root").
    pub subject: String,
    /// notBefore.
    pub not_before: OffsetDateTime,
    /// notAfter.
    pub not_after: OffsetDateTime,
    /// basicConstraints CA:TRUE.
    pub is_ca: bool,
    /// basicConstraints pathLenConstraint.
    pub path_len: Option<u32>,
    /// The subjectPublicKey bit string's bytes (compare with rcgen's `public_key_raw`).
    pub public_key: Vec<u8>,
    /// Serial, lowercase hex.
    pub serial_hex: String,
    /// Subject key identifier, if present.
    pub ski: Option<Vec<u8>>,
    /// SAN values (DNS, IP, email, URI), for renewal.
    pub sans: crate::x509text::SanLists,
}

/// Why DER is not a certificate [`CertInfo`] can read.
#[derive(Debug)]
pub enum CertInfoError {
    /// x509-parser refused it (its error, in words).
    NotX509(String),
    /// Bytes follow the certificate.
    TrailingData,
}

impl std::fmt::Display for CertInfoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CertInfoError::NotX509(e) => write!(f, "not a valid X.509 certificate: {e}"),
            CertInfoError::TrailingData => write!(f, "trailing data after the certificate"),
        }
    }
}

impl std::error::Error for CertInfoError {}

impl CertInfo {
    /// Parse `der`.
    pub fn parse(der: &[u8]) -> Result<CertInfo, CertInfoError> {
        let (rest, cert) = X509Certificate::from_der(der).map_err(|e| CertInfoError::NotX509(e.to_string()))?;
        if !rest.is_empty() {
            return Err(CertInfoError::TrailingData);
        }
        let bc = cert.basic_constraints().ok().flatten();
        let is_ca = bc.as_ref().is_some_and(|bc| bc.value.ca);
        let path_len = bc.and_then(|bc| bc.value.path_len_constraint);
        Ok(CertInfo {
            subject: dn(cert.subject()),
            not_before: cert.validity().not_before.to_datetime(),
            not_after: cert.validity().not_after.to_datetime(),
            is_ca,
            path_len,
            public_key: cert.public_key().subject_public_key.data.to_vec(),
            ski: cert.iter_extensions().find_map(|e| match e.parsed_extension() {
                x509_parser::extensions::ParsedExtension::SubjectKeyIdentifier(k) => Some(k.0.to_vec()),
                _ => None,
            }),
            sans: cert
                .subject_alternative_name()
                .ok()
                .flatten()
                .map(|s| crate::x509text::SanLists::from_names(&s.value.general_names))
                .unwrap_or_default(),
            serial_hex: crate::serial::Serial::from_bytes(cert.raw_serial()).to_hex(),
        })
    }
}

/// SHA-256 of `bytes`, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    crate::hex(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes).as_ref())
}
