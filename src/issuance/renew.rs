//! Renewal: a new leaf like an existing one from this CA, recorded as superseding it.
//!
//! What a renewal keeps: the profile, the issuer, the subject's CN and O, the SANs and
//! (for a new key) the key type, and its lifetime (notAfter minus notBefore) unless `days`
//! is given. What it does not: the dates themselves, and the key itself unless `reuse_key`.

use std::path::{Path, PathBuf};

use time::OffsetDateTime;
use x509_parser::prelude::{FromDer, X509Certificate};

use super::{FileName, KeySource, KeyUnlock, LeafPlan, NewCert, Secrets};
use crate::error::{Error, Result};
use crate::keys::KeyType;
use crate::profile::{Profile, Subject};
use crate::store::{CaDir, CaName, fsutil};
use crate::validity::ValidityRequest;

/// What `pki renew` was asked.
#[derive(Debug)]
pub struct Renewal {
    /// The certificate to renew.
    pub cert: PathBuf,
    /// Days the new certificate is valid; None keeps the old one's lifetime.
    pub days: Option<u32>,
    /// Certify the old key again: this file, or `NAME-key.pem` beside the certificate.
    pub reuse_key: Option<Option<PathBuf>>,
    /// Where to write (default: the certificate's directory).
    pub out_dir: Option<PathBuf>,
    /// Base name (default: the certificate's).
    pub name: Option<String>,
    /// Replace existing files.
    pub force: bool,
}

/// Renew `r.cert`, which this CA must have issued: issue its successor and record the
/// supersession in the same locked ledger session as the issuance.
pub fn renew(
    ca: &CaDir,
    r: &Renewal,
    secrets: &dyn Secrets,
    progress: &dyn super::Progress,
    now: OffsetDateTime,
) -> Result<NewCert> {
    let der = crate::input::read_cert_items(&r.cert)?.remove(0).der;
    let (_, cert) = X509Certificate::from_der(&der)
        .map_err(|e| Error::BadCertificate { path: r.cert.clone(), reason: e.to_string() })?;
    let info = crate::certinfo::CertInfo::parse(&der)
        .map_err(|e| Error::BadCertificate { path: r.cert.clone(), reason: e.to_string() })?;
    let serial_hex = info.serial_hex;
    ca.require_root()?;
    // The serial alone is not enough: another CA's certificate can carry the same one.
    let entry = match ca.ledger()?.find(&serial_hex)? {
        Some(e) if e.records(&der) => e,
        other => {
            return Err(Error::NotIssuedHere {
                path: r.cert.clone(),
                serial: serial_hex,
                command: "renew",
                same_serial: other.is_some(),
            });
        }
    };
    if !matches!(entry.profile, Profile::Server | Profile::Client | Profile::Peer) {
        return Err(Error::NotALeaf { path: r.cert.clone() });
    }
    let sans = info.sans.to_entries()?;
    let first = |mut it: Box<dyn Iterator<Item = &x509_parser::x509::AttributeTypeAndValue<'_>> + '_>| {
        it.next().and_then(|a| a.as_str().ok()).map(str::to_string)
    };
    let subject = Subject {
        cn: first(Box::new(cert.subject().iter_common_name())),
        org: first(Box::new(cert.subject().iter_organization())),
        unit: None,
    };
    let stem = r.cert.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "renewed".into());
    let cert_dir = fsutil::parent_dir(&r.cert).to_path_buf();
    let key = match &r.reuse_key {
        Some(path) => {
            let path = path.clone().unwrap_or_else(|| cert_dir.join(format!("{stem}-key.pem")));
            KeySource::Reuse(reused_key(&r.cert, &path, secrets)?)
        }
        None => KeySource::Generate(successor_key_type(cert.public_key())),
    };
    let name = match &r.name {
        Some(n) => FileName::Given(n.clone()),
        None => FileName::Exact(stem),
    };
    let plan = LeafPlan::new(entry.profile, subject, sans, CaName::from_label(&entry.issuer))?
        .key(key)
        .output(r.out_dir.clone().unwrap_or(cert_dir), &name, r.force)?
        .supersedes(entry.serial);
    let plan = match r.days {
        Some(days) => plan.validity(ValidityRequest { days, not_before: None, not_after: None }),
        None => plan.lasting(info.not_after - info.not_before),
    };
    super::issue(ca, &plan, secrets, progress, now)
}

/// The old key, checked to be the certificate's.
fn reused_key(cert: &Path, key: &Path, secrets: &dyn Secrets) -> Result<rcgen::KeyPair> {
    let pair = crate::keys::load_pair(cert, key, &KeyUnlock(secrets))?;
    pair.key.key_pair()
}

/// The key type of a renewal's new key: the old key's, else the nearest pki makes.
fn successor_key_type(spki: &x509_parser::x509::SubjectPublicKeyInfo<'_>) -> KeyType {
    use x509_parser::public_key::PublicKey;
    KeyType::of_public_key(spki).unwrap_or_else(|| match spki.parsed() {
        Ok(PublicKey::RSA(rsa)) if rsa.key_size() >= 4096 => KeyType::Rsa4096,
        Ok(PublicKey::RSA(rsa)) if rsa.key_size() >= 3072 => KeyType::Rsa3072,
        Ok(PublicKey::RSA(_)) => KeyType::Rsa2048,
        _ => KeyType::EcdsaP256,
    })
}
