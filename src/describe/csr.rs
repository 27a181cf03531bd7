//! Describing a certificate signing request: who asks, for which names, with which key,
//! and whether its self-signature holds.

use serde::Serialize;
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::FromDer;

use super::key::{PublicKeyInfo, public_key_info};
use crate::x509text::dn;
use crate::x509text::{SanLists, signature_algorithm};

/// A CSR, described.
#[derive(Debug, Clone, Serialize)]
pub struct CsrDescription {
    /// Always `csr`.
    pub kind: &'static str,
    /// The file.
    pub source: String,
    /// Position in the file, from 1.
    pub index: usize,
    /// The requested subject.
    pub subject: String,
    /// Requested DNS SANs.
    pub dns_names: Vec<String>,
    /// Requested IP SANs.
    pub ip_addresses: Vec<String>,
    /// Requested email SANs.
    pub emails: Vec<String>,
    /// Requested URI SANs.
    pub uris: Vec<String>,
    /// The key it was made with.
    pub public_key: PublicKeyInfo,
    /// Signature algorithm.
    pub signature_algorithm: String,
    /// Whether the request's self-signature verifies with its own key.
    pub signature_valid: bool,
    /// What a person should know.
    pub warnings: Vec<String>,
    /// The subjectPublicKey bytes, for matching keys.
    #[serde(skip)]
    pub public_key_bits: Vec<u8>,
}

/// Describe a DER CSR.
pub fn describe(der: &[u8], source: &str, index: usize) -> Result<CsrDescription, super::Unreadable> {
    let (_, csr) = x509_parser::certification_request::X509CertificationRequest::from_der(der)
        .map_err(|e| super::Unreadable::der("a certificate request", &e))?;
    let info = &csr.certification_request_info;
    let mut sans = SanLists::default();
    if let Some(exts) = csr.requested_extensions() {
        for e in exts {
            if let ParsedExtension::SubjectAlternativeName(s) = e {
                sans = SanLists::from_names(&s.general_names);
            }
        }
    }
    let signature_valid = csr.verify_signature().is_ok();
    let mut warnings = Vec::new();
    if !signature_valid {
        warnings.push("the self-signature does not verify: the request was altered or is broken".into());
    }
    if sans.is_empty() {
        warnings.push("no SAN requested: a TLS certificate needs one (pki sign --san can add it)".into());
    }
    Ok(CsrDescription {
        kind: "csr",
        source: source.into(),
        index,
        subject: dn(&info.subject),
        dns_names: sans.dns,
        ip_addresses: sans.ip,
        emails: sans.email,
        uris: sans.uri,
        public_key: public_key_info(&info.subject_pki),
        signature_algorithm: signature_algorithm(&csr.signature_algorithm.algorithm),
        signature_valid,
        warnings,
        public_key_bits: info.subject_pki.subject_public_key.data.to_vec(),
    })
}
