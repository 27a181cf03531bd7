//! Signing with the CA: create the root, create intermediates, issue leaves, and record
//! each issued certificate in the ledger, under the CA lock.

use std::path::{Path, PathBuf};

use rcgen::{CertificateParams, Issuer, KeyPair};
use time::OffsetDateTime;

use crate::certinfo::sha256_hex;
use crate::error::{Error, Result};
use crate::keys::{self, KeyType, Passphrase};
use crate::profile::{self, Profile, Subject};
use crate::san::SanEntry;
use crate::serial::Serial;
use crate::store::ledger::{self, Appender, Event, Ledger, LedgerEntry};
use crate::store::{CaDir, Issuing, fsutil, validate_intermediate_name};
use crate::validity::{Validity, ValidityRequest, rfc3339};

/// What was made: enough to tell the user and to render `--json`.
#[derive(Debug, Clone)]
pub struct Issued {
    /// The certificate file.
    pub cert_path: PathBuf,
    /// The key file (none when the key was not written: `sign`, `renew --reuse-key`).
    pub key_path: Option<PathBuf>,
    /// The chain file (leaves only).
    pub chain_path: Option<PathBuf>,
    /// Serial number.
    pub serial: Serial,
    /// Subject.
    pub subject: String,
    /// SANs.
    pub sans: Vec<SanEntry>,
    /// Validity.
    pub validity: Validity,
    /// SHA-256 of the DER certificate, hex.
    pub fingerprint_sha256: String,
    /// The key type, when it is one pki makes.
    pub key_type: Option<KeyType>,
    /// Whether the key file is encrypted.
    pub key_encrypted: bool,
    /// The profile.
    pub profile: Profile,
    /// Who signed it ("root", an intermediate's name, or "self" for a root).
    pub issuer: String,
    /// Things the user should know (clamped validity, odd names).
    pub warnings: Vec<String>,
}

/// `pki ca init`.
#[derive(Debug)]
pub struct RootRequest {
    /// Subject.
    pub subject: Subject,
    /// Key type.
    pub key_type: KeyType,
    /// Days of validity.
    pub days: u32,
    /// pathLenConstraint.
    pub path_len: Option<u8>,
    /// Encrypt the key with this.
    pub passphrase: Option<Passphrase>,
    /// Replace an existing root.
    pub force: bool,
    /// The current time.
    pub now: OffsetDateTime,
}

/// Create a self-signed root in `ca`. A fresh directory is built beside its final
/// place and renamed into it, so a crash leaves either a whole CA or none.
pub fn init_root(ca: &CaDir, req: &RootRequest) -> Result<Issued> {
    req.subject.validate()?;
    let (cert_path, key_path) = (ca.cert_path(), ca.key_path());
    fsutil::refuse_existing(&[&cert_path, &key_path], req.force)?;

    let key = req.key_type.generate()?;
    let serial = Serial::random()?;
    let decided = ValidityRequest { days: req.days, not_before: None, not_after: None }.decide(req.now, None)?;
    let params = profile::root(&req.subject, decided.validity, &serial, req.path_len);
    let cert = params.self_signed(&key).map_err(|e| Error::crypto("signing the root", e))?;
    let key_pem = keys::encode_private_key(&key, req.passphrase.as_ref())?;
    let cert_pem = cert.pem();

    let mut warnings = Vec::new();
    let dir = ca.path();
    let fresh = match std::fs::read_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
        Ok(mut entries) => entries.next().is_none(),
        Err(e) => return Err(Error::io(dir, "read directory", e)),
    };
    if fresh {
        write_fresh_ca_dir(dir, &key_pem, &cert_pem)?;
    } else {
        fsutil::create_private_dir(dir)?;
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(fsutil::PRIVATE_DIR_MODE))
                .map_err(|e| Error::io(dir, "set permissions on", e))?;
        }
        let _lock = ca.lock()?;
        fsutil::refuse_existing(&[&cert_path, &key_path], req.force)?;
        let k = fsutil::stage(&key_path, key_pem.as_bytes(), fsutil::SECRET_MODE)?;
        let c = fsutil::stage(&cert_path, cert_pem.as_bytes(), fsutil::PUBLIC_MODE)?;
        // ca.pem is what makes a CA: remove the old one first and put the new one in last,
        // so that at every instant either ca.pem is absent or ca-key.pem matches it.
        if req.force {
            match std::fs::remove_file(&cert_path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(Error::io(&cert_path, "replace", e)),
                _ => fsutil::sync_dir(dir),
            }
        }
        k.commit(req.force)?;
        c.commit(req.force)?;
        if !ca.path().join(ledger::FILE_NAME).exists() && !ca.path().join(ledger::LEGACY_FILE_NAME).exists() {
            ledger::create_empty(dir)?;
        }
        if dir.join("intermediates").exists() {
            warnings.push(
                "intermediates in this CA directory were signed by the old root and no longer chain to the new one"
                    .into(),
            );
        }
    }

    Ok(Issued {
        cert_path,
        key_path: Some(key_path),
        chain_path: None,
        serial,
        subject: subject_of(cert.der())?,
        sans: Vec::new(),
        validity: decided.validity,
        fingerprint_sha256: sha256_hex(cert.der()),
        key_type: Some(req.key_type),
        key_encrypted: req.passphrase.is_some(),
        profile: Profile::Root,
        issuer: "self".into(),
        warnings,
    })
}

/// Build the CA directory under a temporary name next to `dir`, then rename it into place.
fn write_fresh_ca_dir(dir: &Path, key_pem: &str, cert_pem: &str) -> Result<()> {
    let parent = fsutil::parent_dir(dir);
    fsutil::create_dir(parent)?;
    let tmp = tempfile::Builder::new()
        .prefix(".pki-init-")
        .tempdir_in(parent)
        .map_err(|e| Error::io(parent, "create a directory in", e))?;
    fsutil::write_new_synced(
        tmp.path(),
        &[
            ("ca-key.pem", key_pem.as_bytes(), fsutil::SECRET_MODE),
            ("ca.pem", cert_pem.as_bytes(), fsutil::PUBLIC_MODE),
            (ledger::FILE_NAME, ledger::HEADER.as_bytes(), fsutil::PUBLIC_MODE),
        ],
    )?;
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(fsutil::PRIVATE_DIR_MODE))
            .map_err(|e| Error::io(tmp.path(), "set permissions on", e))?;
    }
    let staged = tmp.keep();
    if let Err(e) = std::fs::rename(&staged, dir) {
        let _ = std::fs::remove_dir_all(&staged);
        return Err(
            if e.kind() == std::io::ErrorKind::DirectoryNotEmpty || e.kind() == std::io::ErrorKind::AlreadyExists {
                Error::Exists { path: dir.to_path_buf() }
            } else {
                Error::io(dir, "create directory", e)
            },
        );
    }
    fsutil::sync_dir(parent);
    Ok(())
}

/// `pki ca intermediate`.
#[derive(Debug)]
pub struct IntermediateRequest {
    /// Its name (directory under `intermediates/`).
    pub name: String,
    /// Subject.
    pub subject: Subject,
    /// Key type.
    pub key_type: KeyType,
    /// Days of validity (clamped to the root's notAfter).
    pub days: u32,
    /// pathLenConstraint.
    pub path_len: u8,
    /// Encrypt the key with this.
    pub passphrase: Option<Passphrase>,
    /// Replace an existing intermediate of that name.
    pub force: bool,
    /// The current time.
    pub now: OffsetDateTime,
}

/// Create an intermediate CA signed by `root`.
pub fn create_intermediate(ca: &CaDir, root: &Issuing, req: &IntermediateRequest) -> Result<Issued> {
    validate_intermediate_name(&req.name, "--name")?;
    req.subject.validate()?;
    if root.path_len == Some(0) {
        return Err(Error::Usage {
            message: "the root's pathLenConstraint is 0: it may not have intermediates".into(),
            hint: Some("issue leaves from the root, or create a root without --path-len 0".into()),
        });
    }
    let dir = ca.intermediate_dir(&req.name);
    let (cert_path, key_path) = (dir.join("ca.pem"), dir.join("ca-key.pem"));
    fsutil::refuse_existing(&[&cert_path, &key_path], req.force)?;

    let key = req.key_type.generate()?;
    let decided =
        ValidityRequest { days: req.days, not_before: None, not_after: None }.decide(req.now, Some(root.not_after))?;
    let mut warnings = Vec::new();
    if let Some(t) = decided.clamped_to {
        warnings.push(format!("validity cut to end with the root's, at {}", rfc3339(t)));
    }
    let key_pem = keys::encode_private_key(&key, req.passphrase.as_ref())?;

    let _lock = ca.lock()?;
    // Open the ledger before creating anything, so a damaged one leaves no trace.
    let mut ledger = Appender::open(ca.path())?;
    fsutil::create_private_dir(&dir)?;
    let serial = Serial::random()?;
    let params = profile::intermediate(&req.subject, decided.validity, &serial, req.path_len);
    let der = sign(&params, &key, root, "signing the intermediate")?;
    let k = fsutil::stage(&key_path, key_pem.as_bytes(), fsutil::SECRET_MODE)?;
    let c = fsutil::stage(&cert_path, pem_cert(&der).as_bytes(), fsutil::PUBLIC_MODE)?;
    // The key first, the certificate last: a certificate on disk always has its key.
    k.commit(req.force)?;
    c.commit(req.force)?;

    let issued = Issued {
        cert_path,
        key_path: Some(key_path),
        chain_path: None,
        serial,
        subject: subject_of(&der)?,
        sans: Vec::new(),
        validity: decided.validity,
        fingerprint_sha256: sha256_hex(&der),
        key_type: Some(req.key_type),
        key_encrypted: req.passphrase.is_some(),
        profile: Profile::Intermediate,
        issuer: root.which.label().to_string(),
        warnings,
    };
    ledger.append(&issued_event(&issued, req.now))?;
    Ok(issued)
}

/// `pki issue server|client`.
#[derive(Debug)]
pub struct LeafRequest {
    /// Server or client.
    pub profile: Profile,
    /// Subject (CN).
    pub subject: Subject,
    /// SANs.
    pub sans: Vec<SanEntry>,
    /// Where the certificate's key comes from.
    pub key: LeafKey,
    /// Validity wanted.
    pub validity: ValidityRequest,
    /// Encrypt the key with this.
    pub passphrase: Option<Passphrase>,
    /// Output directory.
    pub out_dir: PathBuf,
    /// Base file name.
    pub name: String,
    /// Replace existing files.
    pub force: bool,
    /// The current time.
    pub now: OffsetDateTime,
}

/// The key a leaf certifies.
#[derive(Debug)]
pub enum LeafKey {
    /// Generate a fresh key of this type and write it as `NAME-key.pem`.
    Generate(KeyType),
    /// An existing key pair (`renew --reuse-key`): certified, not written again.
    Reuse(KeyPair),
    /// Only a public key, from a certificate signing request: no key file at all.
    Public {
        /// The SubjectPublicKeyInfo.
        spki: rcgen::SubjectPublicKeyInfo,
        /// Whether it is an RSA key (keyEncipherment then goes in the key usage).
        rsa: bool,
        /// Its type, when it is one pki makes (for display).
        key_type: Option<KeyType>,
    },
}

impl LeafKey {
    /// Whether a key file is written.
    pub fn writes_key(&self) -> bool {
        matches!(self, LeafKey::Generate(_))
    }
}

impl LeafRequest {
    /// `NAME.pem`, `NAME-key.pem`, `NAME-chain.pem` in the output directory.
    pub fn paths(&self) -> (PathBuf, PathBuf, PathBuf) {
        let d = &self.out_dir;
        (
            d.join(format!("{}.pem", self.name)),
            d.join(format!("{}-key.pem", self.name)),
            d.join(format!("{}-chain.pem", self.name)),
        )
    }
}

/// Issue a leaf signed by `issuer`, write its three files and record it.
pub fn issue_leaf(ca: &CaDir, issuer: &Issuing, req: &LeafRequest) -> Result<Issued> {
    req.subject.validate()?;
    let (cert_path, key_path, chain_path) = req.paths();
    let outputs: Vec<&Path> = match req.key.writes_key() {
        true => vec![&cert_path, &key_path, &chain_path],
        false => vec![&cert_path, &chain_path],
    };
    fsutil::refuse_existing(&outputs, req.force)?;
    fsutil::refuse_non_files(&outputs)?;
    let decided = req.validity.decide(req.now, Some(issuer.not_after))?;
    let mut warnings: Vec<String> = req.sans.iter().flat_map(SanEntry::warnings).collect();
    if let Some(t) = decided.clamped_to {
        warnings.push(format!("validity cut to end with the issuer's ({}), at {}", issuer.which.label(), rfc3339(t)));
    }
    let span = (decided.validity.not_after - decided.validity.not_before).whole_days();
    if req.profile == Profile::Server && span > crate::validity::APPLE_MAX_DAYS {
        warnings.push(format!(
            "valid for {span} days: Apple platforms reject TLS server certificates valid for more than {} days",
            crate::validity::APPLE_MAX_DAYS
        ));
    }

    let generated = match &req.key {
        LeafKey::Generate(t) => Some(t.generate()?),
        _ => None,
    };
    let (rsa, key_type) = match (&req.key, &generated) {
        (LeafKey::Generate(t), _) => (t.is_rsa(), Some(*t)),
        (LeafKey::Reuse(k), _) => (KeyType::of(k).is_some_and(KeyType::is_rsa), KeyType::of(k)),
        (LeafKey::Public { rsa, key_type, .. }, _) => (*rsa, *key_type),
    };
    let key_pem = match &generated {
        Some(k) => Some(keys::encode_private_key(k, req.passphrase.as_ref())?),
        None => None,
    };
    // Check the ledger before creating anything, so a damaged one leaves no trace.
    ledger::precheck(ca.path())?;
    fsutil::create_dir(&req.out_dir)?;

    let _lock = ca.lock()?;
    let mut ledger = Appender::open(ca.path())?;
    let serial = Serial::random()?;
    let params = profile::leaf(req.profile, &req.subject, &req.sans, decided.validity, &serial, rsa)?;
    let what = "signing the certificate";
    let der = match (&req.key, &generated) {
        (_, Some(k)) => sign(&params, k, issuer, what)?,
        (LeafKey::Reuse(k), None) => sign(&params, k, issuer, what)?,
        (LeafKey::Public { spki, .. }, None) => sign(&params, spki, issuer, what)?,
        (LeafKey::Generate(_), None) => unreachable!("a generated key exists for LeafKey::Generate"),
    };
    let cert_pem = pem_cert(&der);
    let mut chain_pem = cert_pem.clone();
    for c in &issuer.chain {
        chain_pem.push_str(&pem_cert(c));
    }

    // Leaf files are renamed into place but not fsynced: see fsutil::Durability.
    let fast = fsutil::Durability::Renamed;
    let mut staged = Vec::new();
    if let Some(k) = &key_pem {
        staged.push(fsutil::stage_with(&key_path, k.as_bytes(), fsutil::SECRET_MODE, fast)?);
    }
    staged.push(fsutil::stage_with(&cert_path, cert_pem.as_bytes(), fsutil::PUBLIC_MODE, fast)?);
    staged.push(fsutil::stage_with(&chain_path, chain_pem.as_bytes(), fsutil::PUBLIC_MODE, fast)?);
    let issued = Issued {
        cert_path: cert_path.clone(),
        key_path: req.key.writes_key().then(|| key_path.clone()),
        chain_path: Some(chain_path.clone()),
        serial,
        subject: subject_of(&der)?,
        sans: req.sans.clone(),
        validity: decided.validity,
        fingerprint_sha256: sha256_hex(&der),
        key_type,
        key_encrypted: req.passphrase.is_some() && req.key.writes_key(),
        profile: req.profile,
        issuer: issuer.which.label().to_string(),
        warnings,
    };
    // Record first: a certificate is never handed out without a ledger entry.
    ledger.append(&issued_event(&issued, req.now))?;
    let mut done: Vec<PathBuf> = Vec::new();
    for s in staged {
        let dest = s.dest().to_path_buf();
        if let Err(e) = s.commit(req.force) {
            // Another process created one of our files between the check and now, or the
            // rename failed: take back what this run wrote and its ledger entry, so no half
            // set is left behind.
            for p in &done {
                let _ = std::fs::remove_file(p);
            }
            ledger.roll_back();
            return Err(e);
        }
        done.push(dest);
    }
    Ok(issued)
}
fn sign(
    params: &CertificateParams,
    key: &impl rcgen::PublicKeyData,
    issuer: &Issuing,
    what: &'static str,
) -> Result<rustls_pki_types::CertificateDer<'static>> {
    let rc_issuer = Issuer::from_ca_cert_der(&issuer.cert, &issuer.key).map_err(|e| Error::crypto(what, e))?;
    let cert = params.signed_by(key, &rc_issuer).map_err(|e| Error::crypto(what, e))?;
    Ok(cert.der().clone())
}

/// PEM text of a DER certificate (RFC 7468, LF line endings).
pub fn pem_cert(der: &[u8]) -> String {
    pkcs8::der::pem::encode_string("CERTIFICATE", pkcs8::LineEnding::LF, der)
        .unwrap_or_else(|e| unreachable!("base64 of an in-memory certificate cannot fail: {e}"))
}

fn subject_of(der: &[u8]) -> Result<String> {
    crate::certinfo::CertInfo::parse(der)
        .map(|i| i.subject)
        .map_err(|e| Error::crypto("reading back the certificate", e))
}

/// The ledger line that records `issued`.
fn issued_event(issued: &Issued, now: OffsetDateTime) -> Event {
    let path = std::path::absolute(&issued.cert_path).unwrap_or_else(|_| issued.cert_path.clone());
    Event::Issued(Box::new(LedgerEntry {
        serial: issued.serial.to_hex(),
        profile: issued.profile,
        subject: issued.subject.clone(),
        sans: issued.sans.iter().map(SanEntry::value).collect(),
        not_before: rfc3339(issued.validity.not_before),
        not_after: rfc3339(issued.validity.not_after),
        issuer: issued.issuer.clone(),
        fingerprint_sha256: issued.fingerprint_sha256.clone(),
        path: Some(path.display().to_string()),
        issued_at: rfc3339(now),
        revoked: None,
        superseded_by: None,
    }))
}

/// Mark the certificate with `serial` revoked for `reason` (under the lock). Returns its
/// ledger entry as it now stands. An unknown serial or one already revoked is an error.
pub fn revoke(ca: &CaDir, serial: &str, reason: crate::crl::Reason, now: OffsetDateTime) -> Result<LedgerEntry> {
    ca.require_root()?;
    let _lock = ca.lock()?;
    let mut appender = Appender::open(ca.path())?;
    let ledger = Ledger::load(ca.path())?;
    let Some(entry) = ledger.find(serial) else {
        return Err(Error::Usage {
            message: format!("no certificate with serial '{serial}' in this CA's ledger"),
            hint: Some("'pki list' shows the serials this CA issued".into()),
        });
    };
    if let Some(r) = &entry.revoked {
        return Err(Error::Usage {
            message: format!(
                "certificate '{}' (serial {}) was already revoked at {}",
                entry.subject, entry.serial, r.at
            ),
            hint: None,
        });
    }
    let revocation = ledger::Revocation { at: rfc3339(now), reason: reason.name().to_string() };
    appender.append(&Event::Revoked {
        serial: entry.serial.clone(),
        at: revocation.at.clone(),
        reason: revocation.reason.clone(),
    })?;
    Ok(LedgerEntry { revoked: Some(revocation), ..entry.clone() })
}

/// Sign the next CRL of `issuer` and write it to `out` (under the lock, so CRL numbers
/// only ever increase).
pub fn issue_crl(ca: &CaDir, issuer: &Issuing, days: u32, out: &Path, now: OffsetDateTime) -> Result<crate::crl::Crl> {
    if days == 0 {
        return Err(Error::invalid("--days", "0", "nextUpdate must be after thisUpdate"));
    }
    let _lock = ca.lock()?;
    let mut appender = Appender::open(ca.path())?;
    let ledger = Ledger::load(ca.path())?;
    let label = issuer.which.label().to_string();
    let number = ledger.crl_numbers.get(&label).copied().unwrap_or(0) + 1;
    let crl = crate::crl::make_crl(issuer, &ledger, number, now, days)?;
    appender.append(&Event::CrlNumber { issuer: label, number })?;
    fsutil::write_public(out, crl.pem.as_bytes(), true)?;
    Ok(crl)
}

/// Record that `old` (serial) was renewed as `new` (serial), under the lock.
pub fn record_supersede(ca: &CaDir, old: &str, new: &str) -> Result<()> {
    let _lock = ca.lock()?;
    let mut appender = Appender::open(ca.path())?;
    if let Some(e) = Ledger::load(ca.path())?.find(old) {
        appender.append(&Event::Superseded { serial: e.serial.clone(), by: new.to_string() })?;
    }
    Ok(())
}
