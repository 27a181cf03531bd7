//! Making the CAs: the self-signed root (`pki ca init`) and intermediates signed by it
//! (`pki ca intermediate`).

use time::OffsetDateTime;

use super::{CaUnlock, NewCert, Secrets, record_then_commit, stage_files, subject_of};
use crate::certinfo::sha256_hex;
use crate::constraints::check::check_subtree;
use crate::constraints::{NameConstraints, Subtree};
use crate::error::{ConstraintViolation, Error, Result};
use crate::keys::{self, KeyType};
use crate::profile::{self, Profile, Subject};
use crate::serial::Serial;
use crate::signer::KeyUri;
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
    /// Name constraints (`--permit`, `--exclude`), already closed.
    pub constraints: Option<NameConstraints>,
    /// Replace an existing root.
    pub force: bool,
    /// Make the key in a PKCS#11 token at this `pkcs11:` URI instead of a file.
    pub key_uri: Option<String>,
    /// `--ledger URL`: the ledger in PostgreSQL (else a file, or with `force` the
    /// directory's current ledger).
    pub ledger: Option<String>,
}

/// Create a self-signed root in `ca`. A fresh directory is built beside its final
/// place and renamed into it, so a crash leaves either a whole CA or none.
pub fn init_root(
    ca: &CaDir,
    plan: &RootPlan,
    secrets: &dyn Secrets,
    progress: &dyn super::Progress,
    now: OffsetDateTime,
) -> Result<NewCert> {
    let files = ca.root_files();
    // Refuse before asking for a passphrase that would not be used.
    // The key first: a first init publishes both at once, so a key seen means its
    // certificate is there too unless one is really missing.
    for key in [&files.key, &files.key_uri] {
        if !plan.force && key.exists() && !files.cert.exists() {
            return Err(Error::OrphanKey { key: key.clone() });
        }
    }
    refuse_existing_root(&files, plan.force)?;
    let fresh = fsutil::is_missing_or_empty_dir(ca.path())?;
    if !fresh && !ca.holds_ca_files() {
        return Err(Error::NotACaDir { dir: ca.path().to_path_buf() });
    }
    plan.subject.validate()?;
    if let Some(url) = &plan.ledger {
        crate::store::ledger::PgTarget::parse(url)?;
    }
    let uri = plan.key_uri.as_deref().map(KeyUri::parse).transpose()?;
    let key = super::keygen::NewCaKey::make(plan.key_type, uri.as_ref(), secrets, plan.force, progress, now)?;
    let serial = Serial::random()?;
    let decided = ValidityRequest { days: plan.days, not_before: None, not_after: None }.decide(now, None)?;
    let mut params = profile::root(&plan.subject, decided.validity, &serial, plan.path_len);
    if let Some(nc) = &plan.constraints {
        params.custom_extensions.push(nc.to_extension()?);
    }
    let cert = key.self_sign(&params)?;
    let stored = key.stored()?;
    let new_key = stored.as_new_key();
    let cert_pem = cert.pem();

    // The database first: unreachable, it leaves nothing behind.
    if let Some(url) = &plan.ledger {
        ca.pg_ledger(url, cert.der())?.create_schema()?;
    }
    let mut retired = None;
    if fresh {
        ca.create_fresh(new_key, &cert_pem, plan.ledger.as_deref())?;
    } else {
        // A directory pki did not create keeps its mode.
        let _lock = ca.lock()?;
        refuse_existing_root(&files, plan.force)?;
        if plan.force {
            retired = Some(ca.replace_root(new_key, &cert_pem, plan.ledger.as_deref(), now)?);
        } else {
            // Files of a CA but no root and no key (an empty ledger, say): start the root here.
            let k = fsutil::stage(new_key.path(&files), new_key.bytes(), new_key.mode())?;
            let c = fsutil::stage(&files.cert, cert_pem.as_bytes(), fsutil::PUBLIC_MODE)?;
            let url = match &plan.ledger {
                Some(u) => Some(fsutil::stage(
                    &ca.path().join(crate::store::LEDGER_URL_FILE),
                    format!("{u}\n").as_bytes(),
                    fsutil::PUBLIC_MODE,
                )?),
                None => None,
            };
            k.commit(false)?;
            c.commit(false)?;
            if let Some(u) = url {
                u.commit(false)?;
            }
            ca.ledger()?.ensure_exists()?;
        }
    }

    Ok(NewCert {
        key_path: Some(new_key.path(&files).to_path_buf()),
        cert_path: files.cert,
        chain_path: None,
        serial,
        subject: subject_of(cert.der())?,
        sans: Vec::new(),
        validity: decided.validity,
        fingerprint_sha256: sha256_hex(cert.der()),
        key_type: Some(plan.key_type),
        key_encrypted: key.encrypted(),
        profile: Profile::Root,
        issuer: "self".into(),
        warnings: key.notes(),
        retired,
    })
}

/// What `pki ca init --exist-ok` finds when `ca.pem` or `ca-key.pem` is already there: the
/// root described as a fresh init describes it, once it is checked usable (the root
/// certificate is a CA's, its key is there and is the root's, the ledger reads). None when
/// neither file is there: then a new CA is made.
///
/// The key is unlocked through `secrets` only if it is encrypted; with no passphrase for
/// it, the root is reported with a warning that the key could not be checked. Nothing is
/// written, created or locked.
/// With `ledger` (`--ledger URL`), the directory must record that very URL.
pub fn existing_root(ca: &CaDir, secrets: &dyn Secrets, ledger: Option<&str>) -> Result<Option<NewCert>> {
    let files = ca.root_files();
    let present = |p: &std::path::Path| std::fs::symlink_metadata(p).is_ok();
    if !present(&files.cert) && !present(&files.key) && !present(&files.key_uri) {
        return Ok(None);
    }
    let unusable = |problem: Error| Error::UnusableCa { dir: ca.path().to_path_buf(), problem: Box::new(problem) };
    if !present(&files.cert) {
        return Err(unusable(Error::OrphanKey { key: files.key_file().to_path_buf() }));
    }
    let der = crate::store::read_first_cert(&files.cert).map_err(unusable)?;
    let info = crate::certinfo::CertInfo::parse(&der)
        .map_err(|e| unusable(Error::BadCertificate { path: files.cert.clone(), reason: e.to_string() }))?;
    let mut warnings = Vec::new();
    let mut key_type = None;
    let unlock = SourceFailures { secrets, failed: std::cell::Cell::new(false) };
    match ca.load(&CaName::Root, &unlock) {
        // The passphrase source is at fault (a missing file), not the CA.
        Err(e) if unlock.failed.get() => return Err(e),
        Ok(root) => key_type = KeyType::of_algorithm(root.key.algorithm(), root.key.public_key_raw()),
        Err(Error::KeyEncrypted { path, .. }) => warnings.push(format!(
            "'{}' is encrypted and no passphrase was given, so whether it is the root's key was not checked",
            path.display()
        )),
        // The passphrase given is at fault, not the CA.
        Err(Error::Token(t)) if matches!(*t, crate::error::TokenError::PinNeeded { .. }) => {
            warnings.push(format!("{t}, so whether the token holds the root's key was not checked"))
        }
        // The passphrase or PIN given is at fault, or the token cannot be reached: not the CA.
        Err(e @ (Error::WrongPassphrase { .. } | Error::BadPassphrase { .. } | Error::Token(_))) => return Err(e),
        Err(e) => return Err(unusable(e)),
    }
    if let Some(given) = ledger {
        crate::store::ledger::PgTarget::parse(given)?;
        let recorded = ca.ledger_url()?;
        if recorded.as_deref() != Some(given.trim()) {
            let recorded = recorded.unwrap_or_else(|| crate::store::ledger::FILE_NAME.to_string());
            let kind = crate::error::DbErrorKind::UrlMismatch { recorded, given: given.to_string() };
            return Err(Error::Db(Box::new(crate::error::DbError { target: given.to_string(), kind })));
        }
    }
    // An unreachable database is not an unusable CA.
    ca.ledger().and_then(|l| l.load()).map_err(|e| if matches!(e, Error::Db(_)) { e } else { unusable(e) })?;
    let key_file = files.key_file().to_path_buf();
    let key_encrypted = key_file == files.key
        && crate::input::read_secret(&files.key, "read").map(|pem| keys::is_encrypted(&pem)).map_err(unusable)?;
    Ok(Some(NewCert {
        cert_path: files.cert,
        key_path: Some(key_file),
        chain_path: None,
        serial: serial_of(&der).map_err(unusable)?,
        subject: info.subject,
        sans: Vec::new(),
        validity: crate::validity::Validity { not_before: info.not_before, not_after: info.not_after },
        fingerprint_sha256: sha256_hex(&der),
        key_type,
        key_encrypted,
        profile: Profile::Root,
        issuer: "self".into(),
        warnings,
        retired: None,
    }))
}

/// [`Secrets::ca_passphrase`] as an [`keys::Unlock`] that remembers whether the source of
/// the passphrase failed (as opposed to having none: [`Error::KeyEncrypted`]).
struct SourceFailures<'a> {
    secrets: &'a dyn Secrets,
    failed: std::cell::Cell<bool>,
}

impl keys::Unlock for SourceFailures<'_> {
    fn unlock(&self, key_file: &std::path::Path) -> Result<keys::Passphrase> {
        let got = self.secrets.ca_passphrase(key_file);
        if matches!(&got, Err(e) if !matches!(e, Error::KeyEncrypted { .. })) {
            self.failed.set(true);
        }
        got
    }

    fn not_encrypted(&self, key_file: &std::path::Path) {
        self.secrets.ca_key_not_encrypted(key_file);
    }

    fn token_pin(&self, token: &str) -> Result<keys::Passphrase> {
        let got = self.secrets.token_pin(token);
        if matches!(&got, Err(Error::Token(t)) if !matches!(**t, crate::error::TokenError::PinNeeded { .. })) {
            self.failed.set(true);
        }
        got
    }

    fn pkcs11_module(&self) -> Option<std::path::PathBuf> {
        self.secrets.pkcs11_module()
    }
}

/// The serial number of a certificate.
fn serial_of(der: &[u8]) -> Result<Serial> {
    use x509_parser::prelude::{FromDer, X509Certificate};
    X509Certificate::from_der(der)
        .map(|(_, c)| Serial::from_bytes(c.raw_serial()))
        .map_err(|e| Error::crypto("reading back the certificate", e))
}

/// [`Error::CaExists`] when the root's certificate or key is there (unless `force`).
fn refuse_existing_root(files: &crate::store::CaFiles, force: bool) -> Result<()> {
    fsutil::refuse_existing(&[&files.cert, &files.key, &files.key_uri], force).map_err(|e| match e {
        Error::Exists { path } => Error::CaExists { path },
        e => e,
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
    /// The subtrees `--permit` names (before closing), checked against the root's.
    pub permit: Vec<Subtree>,
    /// Name constraints (`--permit`, `--exclude`), already closed.
    pub constraints: Option<NameConstraints>,
    /// Replace an existing intermediate of that name.
    pub force: bool,
    /// Make the key in a PKCS#11 token at this `pkcs11:` URI instead of a file.
    pub key_uri: Option<String>,
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
        fsutil::refuse_existing(&[&files.cert, &files.key, &files.key_uri], plan.force)?;
    }
    let uri = plan.key_uri.as_deref().map(KeyUri::parse).transpose()?;
    // An intermediate permits nothing its root forbids: refused before the root is unlocked.
    for (root_name, root_nc) in super::chain_constraints(ca, &CaName::Root)? {
        for s in &plan.permit {
            check_subtree(&root_nc, s).map_err(|how| {
                Error::NameConstraint(Box::new(ConstraintViolation {
                    what: "--permit entry",
                    name: s.to_string(),
                    ca: root_name.clone(),
                    how,
                }))
            })?;
        }
    }
    let root = ca.load(&CaName::Root, &CaUnlock(secrets))?;
    // A new token key with no module of its own: the root's, when the root is in a token.
    let root_files = ca.root_files();
    let uri = match uri {
        Some(u) if u.module_path.is_none() && root_files.key_file() == root_files.key_uri => {
            Some(KeyUri { module_path: crate::store::read_uri(&root_files.key_uri)?.module_path, ..u })
        }
        u => u,
    };
    if root.path_len == Some(0) {
        return Err(Error::RootPathLenZero);
    }
    let key = super::keygen::NewCaKey::make(plan.key_type, uri.as_ref(), secrets, plan.force, &super::Silent, now)?;
    let decided =
        ValidityRequest { days: plan.days, not_before: None, not_after: None }.decide(now, Some(root.not_after))?;
    let mut warnings = key.notes();
    if let Some(t) = decided.clamped_to {
        warnings.push(format!("validity cut to end with the root's, at {}", rfc3339(t)));
    }
    let stored = key.stored()?;
    let new_key = stored.as_new_key();

    // Begin the ledger session (taking the CA lock) before creating anything, so a
    // damaged ledger leaves no trace.
    let ledger = ca.ledger()?;
    let session = ledger.begin()?;
    fsutil::create_private_dir(fsutil::parent_dir(&files.cert))?;
    let serial = Serial::random()?;
    let mut params = profile::intermediate(&plan.subject, decided.validity, &serial, plan.path_len);
    if let Some(nc) = &plan.constraints {
        params.custom_extensions.push(nc.to_extension()?);
    }
    let der = key.sign_by(&params, &root)?;
    let cert_pem = super::pem_cert(&der);
    // The key first, the certificate last: a certificate on disk always has its key.
    let staged = stage_files(
        &[
            (new_key.path(&files), new_key.bytes(), new_key.mode()),
            (&files.cert, cert_pem.as_bytes(), fsutil::PUBLIC_MODE),
        ],
        fsutil::Durability::Synced,
    )?;
    // A replaced intermediate's key of the other kind goes once the new one is in place.
    let other = if new_key.path(&files) == files.key { files.key_uri.clone() } else { files.key.clone() };
    let new = NewCert {
        key_path: Some(new_key.path(&files).to_path_buf()),
        cert_path: files.cert,
        chain_path: None,
        serial,
        subject: subject_of(&der)?,
        sans: Vec::new(),
        validity: decided.validity,
        fingerprint_sha256: sha256_hex(&der),
        key_type: Some(plan.key_type),
        key_encrypted: key.encrypted(),
        profile: Profile::Intermediate,
        issuer: root.name.label().to_string(),
        warnings,
        retired: None,
    };
    // Recorded first, as leaves are: an intermediate on disk is always in the ledger.
    record_then_commit(session, &[new.event(now)], staged, plan.force)?;
    if plan.force {
        fsutil::remove_file_synced(&other)?;
    }
    Ok(new)
}
