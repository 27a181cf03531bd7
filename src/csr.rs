//! Certificate signing requests: making one (`pki csr`) and reading one to sign
//! (`pki sign`), which checks its self-signature and takes only its names and key.

use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::FromDer;

use crate::error::{Error, Result};
use crate::keys::KeyType;
use crate::profile::Subject;
use crate::san::SanEntry;

/// A PEM `CERTIFICATE REQUEST` for `subject` and `sans`, signed by `key`.
pub fn make_pem(subject: &Subject, sans: &[SanEntry], key: &rcgen::KeyPair) -> Result<String> {
    subject.validate()?;
    let mut params = rcgen::CertificateParams::default();
    let mut dn = rcgen::DistinguishedName::new();
    if let Some(o) = &subject.org {
        dn.push(rcgen::DnType::OrganizationName, o.as_str());
    }
    if let Some(cn) = &subject.cn {
        dn.push(rcgen::DnType::CommonName, cn.as_str());
    }
    params.distinguished_name = dn;
    params.subject_alt_names = sans.iter().map(SanEntry::to_rcgen).collect::<Result<_>>()?;
    let csr = params.serialize_request(key).map_err(|e| Error::crypto("making the request", e))?;
    csr.pem().map_err(|e| Error::crypto("encoding the request", e))
}

/// What `sign` takes from a request whose self-signature verified: never its extensions'
/// usages or CA flag.
#[derive(Debug)]
pub struct VerifiedCsr {
    /// The requested subject's CN and O.
    pub subject: Subject,
    /// The requested SANs (validated like `--san`).
    pub sans: Vec<SanEntry>,
    /// The public key to certify.
    pub spki: rcgen::SubjectPublicKeyInfo,
    /// Whether it is an RSA key.
    pub rsa: bool,
    /// Its key type, when pki could make it.
    pub key_type: Option<KeyType>,
}

/// Why a request cannot be signed.
#[derive(Debug)]
pub enum CsrError {
    /// Not a DER certificate request.
    Malformed,
    /// Its self-signature does not verify.
    BadSignature,
    /// A requested SAN is not one `--san` would accept.
    San(Box<Error>),
    /// Its public key is not one rcgen can put in a certificate.
    UnusableKey(String),
    /// An RSA key under 2048 bits.
    WeakRsa {
        /// Its size.
        bits: usize,
    },
}

impl std::fmt::Display for CsrError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CsrError::Malformed => write!(f, "not a valid certificate request (malformed DER)"),
            CsrError::BadSignature => {
                write!(f, "its signature does not verify: the request was altered, or not made with its key")
            }
            CsrError::San(e) => write!(f, "requested SAN: {e}"),
            CsrError::UnusableKey(e) => write!(f, "its public key is not one pki can certify: {e}"),
            CsrError::WeakRsa { bits } => write!(f, "its RSA key has {bits} bits; at least 2048 are needed"),
        }
    }
}

impl std::error::Error for CsrError {}

/// Read a DER request: parse it, check its self-signature, take its names and key.
pub fn read(der: &[u8]) -> std::result::Result<VerifiedCsr, CsrError> {
    let (_, csr) =
        x509_parser::certification_request::X509CertificationRequest::from_der(der).map_err(|_| CsrError::Malformed)?;
    csr.verify_signature().map_err(|_| CsrError::BadSignature)?;
    let info = &csr.certification_request_info;
    let first = |it: &mut dyn Iterator<Item = &x509_parser::x509::AttributeTypeAndValue<'_>>| {
        it.next().and_then(|a| a.as_str().ok()).map(str::to_string)
    };
    let subject = Subject {
        cn: first(&mut info.subject.iter_common_name()),
        org: first(&mut info.subject.iter_organization()),
        unit: None,
    };
    let mut sans = Vec::new();
    if let Some(exts) = csr.requested_extensions() {
        for e in exts {
            if let ParsedExtension::SubjectAlternativeName(s) = e {
                let lists = crate::x509text::SanLists::from_names(&s.general_names);
                for entry in lists.to_entries().map_err(|e| CsrError::San(Box::new(e)))? {
                    if !sans.contains(&entry) {
                        sans.push(entry);
                    }
                }
            }
        }
    }
    let spki_der = info.subject_pki.raw;
    let spki = rcgen::SubjectPublicKeyInfo::from_der(spki_der).map_err(|e| CsrError::UnusableKey(e.to_string()))?;
    let pk = crate::describe::key::public_key_info(&info.subject_pki);
    let rsa = pk.algorithm == "rsa";
    let key_type = match (pk.algorithm.as_str(), pk.curve.as_deref(), pk.bits) {
        ("ecdsa", Some("P-256"), _) => Some(KeyType::EcdsaP256),
        ("ecdsa", Some("P-384"), _) => Some(KeyType::EcdsaP384),
        ("ed25519", _, _) => Some(KeyType::Ed25519),
        ("rsa", _, Some(2048)) => Some(KeyType::Rsa2048),
        ("rsa", _, Some(3072)) => Some(KeyType::Rsa3072),
        ("rsa", _, Some(4096)) => Some(KeyType::Rsa4096),
        _ => None,
    };
    if rsa && pk.bits.is_some_and(|b| b < 2048) {
        return Err(CsrError::WeakRsa { bits: pk.bits.unwrap_or(0) });
    }
    Ok(VerifiedCsr { subject, sans, spki, rsa, key_type })
}
