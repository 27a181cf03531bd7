//! Certificate signing requests: making one (`pki csr`) and reading one to sign
//! (`pki sign`), which checks its self-signature and takes only its names and key.

use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::FromDer;

use crate::error::{Error, Result};
use crate::keys::KeyType;
use crate::profile::Subject;
use crate::san::SanEntry;

/// A PEM `CERTIFICATE REQUEST` for `subject` and `sans`, signed by `key`.
pub fn make_csr(subject: &Subject, sans: &[SanEntry], key: &rcgen::KeyPair) -> Result<String> {
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

/// What `sign` takes from a request: never its extensions' usages or CA flag.
#[derive(Debug)]
pub struct Request {
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

/// Read a DER request: parse it, check its self-signature, take its names and key.
/// The error is a sentence for the user.
pub fn read_csr(der: &[u8]) -> std::result::Result<Request, String> {
    let (_, csr) = x509_parser::certification_request::X509CertificationRequest::from_der(der)
        .map_err(|_| "not a valid certificate request (malformed DER)".to_string())?;
    csr.verify_signature()
        .map_err(|_| "its signature does not verify: the request was altered, or not made with its key".to_string())?;
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
                for entry in lists.to_entries().map_err(|e| format!("requested SAN: {e}"))? {
                    if !sans.contains(&entry) {
                        sans.push(entry);
                    }
                }
            }
        }
    }
    let spki_der = info.subject_pki.raw;
    let spki = rcgen::SubjectPublicKeyInfo::from_der(spki_der)
        .map_err(|e| format!("its public key is not one pki can certify: {e}"))?;
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
        return Err(format!("its RSA key has {} bits; at least 2048 are needed", pk.bits.unwrap_or(0)));
    }
    Ok(Request { subject, sans, spki, rsa, key_type })
}
