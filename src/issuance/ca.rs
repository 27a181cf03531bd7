//! Making the CAs: the self-signed root (`pki ca init`) and intermediates signed by it
//! (`pki ca intermediate`).

use time::OffsetDateTime;

use super::{CaUnlock, NewCert, Secrets, record_then_commit, sign, stage_files, subject_of};
use crate::certinfo::sha256_hex;
use crate::error::{Error, Result};
use crate::keys::{self, KeyType};
use crate::profile::{self, Profile, Subject};
use crate::serial::Serial;
use crate::store::ledger::LedgerStore;
use crate::store::{CaDir, CaName, fsutil, validate_intermediate_name};
use crate::validity::{ValidityRequest, rfc3339};

/// What `pki ca init` makes.
#[derive(Debug)]
pub struct RootPlan {
    /// Subject.
    pub subject: Subject,
    /// Key type.
    pub key_type: KeyType,
    /// Days of validity.
    pub days: u32,
    /// pathLenConstraint.
    pub path_len: Option<u8>,
    /// Replace an existing root.
    pub force: bool,
}

/// Create a self-signed root in `ca`. A fresh directory is built beside its final
/// place and renamed into it, so a crash leaves either a whole CA or none.
pub fn init_root(ca: &CaDir, plan: &RootPlan, secrets: &dyn Secrets, now: OffsetDateTime) -> Result<NewCert> {
    let files = ca.root_files();
    // Refuse before asking for a passphrase that would not be used.
    if !plan.force && !files.cert.exists() && files.key.exists() {
        return Err(Error::OrphanKey { key: files.key });
    }
    fsutil::refuse_existing(&[&files.cert, &files.key], plan.force)?;
    let fresh = fsutil::is_missing_or_empty_dir(ca.path())?;
    if !fresh && !ca.holds_ca_files() {
        return Err(Error::NotACaDir { dir: ca.path().to_path_buf() });
    }
    plan.subject.validate()?;
    let passphrase = secrets.new_key_passphrase()?;

    let key = plan.key_type.generate()?;
    let serial = Serial::random()?;
    let decided = ValidityRequest { days: plan.days, not_before: None, not_after: None }.decide(now, None)?;
    let params = profile::root(&plan.subject, decided.validity, &serial, plan.path_len);
    let cert = params.self_signed(&key).map_err(|e| Error::crypto("signing the root", e))?;
    let key_pem = keys::encode_private_key(&key, passphrase.as_ref())?;
    let cert_pem = cert.pem();

    let mut retired = None;
    if fresh {
        ca.create_fresh(&key_pem, &cert_pem)?;
    } else {
        // A directory pki did not create keeps its mode.
        let _lock = ca.lock()?;
        fsutil::refuse_existing(&[&files.cert, &files.key], plan.force)?;
        if plan.force {
            retired = Some(ca.replace_root(&key_pem, &cert_pem, now)?);
        } else {
            // Files of a CA but no root and no key (an empty ledger, say): start the root here.
            let k = fsutil::stage(&files.key, key_pem.as_bytes(), fsutil::SECRET_MODE)?;
            let c = fsutil::stage(&files.cert, cert_pem.as_bytes(), fsutil::PUBLIC_MODE)?;
            k.commit(false)?;
            c.commit(false)?;
            ca.ledger().ensure_exists()?;
        }
    }

    Ok(NewCert {
        cert_path: files.cert,
        key_path: Some(files.key),
        chain_path: None,
        serial,
        subject: subject_of(cert.der())?,
        sans: Vec::new(),
        validity: decided.validity,
        fingerprint_sha256: sha256_hex(cert.der()),
        key_type: Some(plan.key_type),
        key_encrypted: passphrase.is_some(),
        profile: Profile::Root,
        issuer: "self".into(),
        warnings: Vec::new(),
        retired,
    })
}

/// What `pki ca intermediate` makes.
#[derive(Debug)]
pub struct IntermediatePlan {
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
    /// Replace an existing intermediate of that name.
    pub force: bool,
}

/// Create an intermediate CA signed by the root of `ca`, and record it.
pub fn create_intermediate(
    ca: &CaDir,
    plan: &IntermediatePlan,
    secrets: &dyn Secrets,
    now: OffsetDateTime,
) -> Result<NewCert> {
    validate_intermediate_name(&plan.name, "--name")?;
    plan.subject.validate()?;
    let files = ca.files(&CaName::Intermediate(plan.name.clone()));
    if ca.has_root() {
        fsutil::refuse_existing(&[&files.cert, &files.key], plan.force)?;
    }
    let root = ca.load(&CaName::Root, &CaUnlock(secrets))?;
    if root.path_len == Some(0) {
        return Err(Error::RootPathLenZero);
    }
    let passphrase = secrets.new_key_passphrase()?;
    let key = plan.key_type.generate()?;
    let decided =
        ValidityRequest { days: plan.days, not_before: None, not_after: None }.decide(now, Some(root.not_after))?;
    let mut warnings = Vec::new();
    if let Some(t) = decided.clamped_to {
        warnings.push(format!("validity cut to end with the root's, at {}", rfc3339(t)));
    }
    let key_pem = keys::encode_private_key(&key, passphrase.as_ref())?;

    // Begin the ledger session (taking the CA lock) before creating anything, so a
    // damaged ledger leaves no trace.
    let ledger = ca.ledger();
    let session = ledger.begin()?;
    fsutil::create_private_dir(fsutil::parent_dir(&files.cert))?;
    let serial = Serial::random()?;
    let params = profile::intermediate(&plan.subject, decided.validity, &serial, plan.path_len);
    let der = sign(&params, &key, &root, "signing the intermediate")?;
    let cert_pem = super::pem_cert(&der);
    // The key first, the certificate last: a certificate on disk always has its key.
    let staged = stage_files(
        &[
            (&files.key, key_pem.as_bytes(), fsutil::SECRET_MODE),
            (&files.cert, cert_pem.as_bytes(), fsutil::PUBLIC_MODE),
        ],
        fsutil::Durability::Synced,
    )?;
    let new = NewCert {
        cert_path: files.cert,
        key_path: Some(files.key),
        chain_path: None,
        serial,
        subject: subject_of(&der)?,
        sans: Vec::new(),
        validity: decided.validity,
        fingerprint_sha256: sha256_hex(&der),
        key_type: Some(plan.key_type),
        key_encrypted: passphrase.is_some(),
        profile: Profile::Intermediate,
        issuer: root.name.label().to_string(),
        warnings,
        retired: None,
    };
    // Recorded first, as leaves are: an intermediate on disk is always in the ledger.
    record_then_commit(session, &[new.event(now)], staged, plan.force)?;
    Ok(new)
}
