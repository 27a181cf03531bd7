//! The CA directory: where the root, its key, the intermediates and the ledger live,
//! and loading an issuing CA from it.
//!
//! ```text
//! CA_DIR/                     0700
//!   ca.pem                    the root certificate
//!   ca-key.pem                its key (0600, maybe encrypted), or
//!   ca-key.uri                the pkcs11: URI of its key in a token (no PIN, ever)
//!   ledger.jsonl              every issued certificate (append-only, see ledger/file.rs)
//!   ledger.url                or: the PostgreSQL ledger's URL (ledger/postgres.rs)
//!   .lock                     flock target for writers
//!   intermediates/NAME/ca.pem, ca-key.pem or ca-key.uri
//! ```

mod cakey;
pub mod fsutil;
pub mod ledger;
pub mod lock;
mod names;
use std::path::{Path, PathBuf};

use rustls_pki_types::CertificateDer;
use time::OffsetDateTime;

use crate::error::{Error, Result};
use crate::keys::Unlock;
use crate::signer::CaKey;

pub use cakey::{NewKey, read_uri};
pub use names::{safe_file_stem, validate_file_stem, validate_intermediate_name};

/// The root's (and each intermediate's) certificate file name.
const CERT_FILE: &str = "ca.pem";
/// The root's (and each intermediate's) key file name.
const KEY_FILE: &str = "ca-key.pem";
/// The file that names the root's (and each intermediate's) key in a PKCS#11 token.
const KEY_URI_FILE: &str = "ca-key.uri";
/// The directory of the intermediates.
const INTERMEDIATES: &str = "intermediates";
/// A CA's CRL file name, beside its certificate.
const CRL_FILE: &str = "crl.pem";
/// Where `ca init --force` moves a replaced CA, one `TIMESTAMP/` directory each.
const RETIRED: &str = "retired";
/// The prefix of a retired CA's directory while it is being built.
const RETIRING_PREFIX: &str = ".pki-retiring-";
/// The PostgreSQL ledger's URL, one line, in place of `ledger.jsonl`.
pub const LEDGER_URL_FILE: &str = "ledger.url";

/// A CA directory (which may not exist yet). The only code that knows its layout.
#[derive(Clone, Debug)]
pub struct CaDir {
    dir: PathBuf,
    /// Where a PostgreSQL ledger's password comes from.
    ledger_password: Option<std::sync::Arc<dyn ledger::PasswordSource>>,
}

/// Which CA of the directory: the root, or a named intermediate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaName {
    /// The root CA (`ca.pem`).
    Root,
    /// `intermediates/NAME/`.
    Intermediate(String),
}

impl CaName {
    /// From `--issuer`: None means the root.
    pub fn from_flag(name: Option<&str>) -> CaName {
        match name {
            Some(n) => CaName::Intermediate(n.to_string()),
            None => CaName::Root,
        }
    }

    /// From a ledger's `issuer` field: "root" or an intermediate's name.
    pub fn from_label(label: &str) -> CaName {
        match label {
            "root" => CaName::Root,
            n => CaName::Intermediate(n.to_string()),
        }
    }

    /// "root" or the intermediate's name, as the ledger records it.
    pub fn label(&self) -> &str {
        match self {
            CaName::Root => "root",
            CaName::Intermediate(n) => n,
        }
    }
}

/// The certificate and key files of one CA of the directory.
#[derive(Clone, Debug)]
pub struct CaFiles {
    /// `ca.pem`.
    pub cert: PathBuf,
    /// `ca-key.pem`.
    pub key: PathBuf,
    /// `ca-key.uri` (a key in a token).
    pub key_uri: PathBuf,
}

impl CaFiles {
    fn in_dir(d: &Path) -> CaFiles {
        CaFiles { cert: d.join(CERT_FILE), key: d.join(KEY_FILE), key_uri: d.join(KEY_URI_FILE) }
    }

    /// The key's file, whichever is there: `ca-key.uri` if present, else `ca-key.pem`.
    pub fn key_file(&self) -> &Path {
        if std::fs::symlink_metadata(&self.key_uri).is_ok() { &self.key_uri } else { &self.key }
    }
}

/// A CA loaded and ready to sign.
pub struct LoadedCa {
    /// Which CA this is.
    pub name: CaName,
    /// Its certificate.
    pub cert: CertificateDer<'static>,
    /// Its private key, wherever it lives.
    pub key: Box<dyn CaKey>,
    /// Its notAfter: nothing it signs may outlive it.
    pub not_after: OffsetDateTime,
    /// Its subject, for messages.
    pub subject: String,
    /// Its pathLenConstraint, if any.
    pub path_len: Option<u32>,
    /// The CA certificates from this one up to, not including, the root (empty for the root).
    pub chain: Vec<CertificateDer<'static>>,
}

impl CaDir {
    /// A CA directory at `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> CaDir {
        CaDir { dir: dir.into(), ledger_password: None }
    }

    /// The same directory, with where a PostgreSQL ledger's password comes from.
    pub fn with_ledger_password(mut self, source: std::sync::Arc<dyn ledger::PasswordSource>) -> CaDir {
        self.ledger_password = Some(source);
        self
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The root's files, `ca.pem` and `ca-key.pem`.
    pub fn root_files(&self) -> CaFiles {
        CaFiles::in_dir(&self.dir)
    }

    /// `ca.pem`.
    pub fn cert_path(&self) -> PathBuf {
        self.dir.join(CERT_FILE)
    }

    /// `ca-key.pem`.
    pub fn key_path(&self) -> PathBuf {
        self.dir.join(KEY_FILE)
    }

    /// `intermediates/`.
    pub fn intermediates_dir(&self) -> PathBuf {
        self.dir.join(INTERMEDIATES)
    }

    /// `intermediates/NAME`.
    pub fn intermediate_dir(&self, name: &str) -> PathBuf {
        self.intermediates_dir().join(name)
    }

    /// The files of a CA of this directory, whether or not they exist.
    pub fn files(&self, name: &CaName) -> CaFiles {
        match name {
            CaName::Root => self.root_files(),
            CaName::Intermediate(n) => CaFiles::in_dir(&self.intermediate_dir(n)),
        }
    }

    /// Where `pki crl` writes a CA's CRL by default: beside its certificate.
    pub fn crl_path(&self, name: &CaName) -> PathBuf {
        match name {
            CaName::Root => self.dir.join(CRL_FILE),
            CaName::Intermediate(n) => self.intermediate_dir(n).join(CRL_FILE),
        }
    }

    /// The certificate files of every intermediate present, in directory order.
    pub fn intermediate_cert_paths(&self) -> Vec<PathBuf> {
        match std::fs::read_dir(self.intermediates_dir()) {
            Ok(entries) => entries.flatten().map(|e| e.path().join(CERT_FILE)).filter(|p| p.is_file()).collect(),
            Err(_) => Vec::new(),
        }
    }

    /// Create the CA directory, which does not exist or is empty, with a new root's key
    /// and certificate and an empty ledger, all at once (see [`fsutil::publish_new_dir`]).
    /// With `ledger_url`, the directory records it (`ledger.url`) instead of a ledger file.
    pub fn create_fresh(&self, key: NewKey<'_>, cert_pem: &str, ledger_url: Option<&str>) -> Result<()> {
        remove_stale_new_dirs(fsutil::parent_dir(&self.dir));
        let url_line = ledger_url.map(|u| format!("{u}\n"));
        let ledger_file = match &url_line {
            Some(line) => (LEDGER_URL_FILE, line.as_bytes(), fsutil::PUBLIC_MODE),
            None => (ledger::FILE_NAME, ledger::HEADER.as_bytes(), fsutil::PUBLIC_MODE),
        };
        fsutil::publish_new_dir(
            &self.dir,
            &[
                (key.file_name(), key.bytes(), key.mode()),
                (CERT_FILE, cert_pem.as_bytes(), fsutil::PUBLIC_MODE),
                ledger_file,
            ],
            lock::CaLock::exclusive,
        )
    }

    /// Replace the root (`ca init --force`), holding the lock: the old CA (root, key,
    /// ledger, CRL, intermediates) moves to `retired/TIMESTAMP/`, and the new root and key
    /// take its place with an empty ledger. Returns where the old CA went.
    ///
    /// Nothing is lost at any instant, killed or not: the retired copy is built under a
    /// temporary name (hard links to the old files, the intermediates moved in) and
    /// published with one rename before anything in the CA directory changes; then
    /// `ca.pem` is removed first and put back last, so it is always absent or matches
    /// `ca-key.pem`. A copy interrupted before its rename is named `TIMESTAMP-interrupted`
    /// by the next replacement.
    /// The new root's ledger: `ledger_url` when given, else the one the directory has (a
    /// PostgreSQL ledger goes on in the same database, under the new root's fingerprint).
    pub fn replace_root(
        &self,
        key: NewKey<'_>,
        cert_pem: &str,
        ledger_url: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<PathBuf> {
        let ledger_url = if let Some(u) = ledger_url { Some(u.to_string()) } else { self.ledger_url()? };
        let retired = self.dir.join(RETIRED);
        fsutil::create_private_dir(&retired)?;
        name_interrupted_retirements(&retired);
        let stamp = now
            .format(time::macros::format_description!("[year][month][day]T[hour][minute][second]Z"))
            .map_err(|e| Error::crypto("formatting the time", e))?;
        let mut dest = retired.join(&stamp);
        for n in 2.. {
            if std::fs::symlink_metadata(&dest).is_err() {
                break;
            }
            dest = retired.join(format!("{stamp}-{n}"));
        }
        // Staged first: a failure here changes nothing.
        let (key_path, other_key) = match key {
            NewKey::Pem(_) => (self.key_path(), self.dir.join(KEY_URI_FILE)),
            NewKey::Uri(_) => (self.dir.join(KEY_URI_FILE), self.key_path()),
        };
        let staged_key = fsutil::stage(&key_path, key.bytes(), key.mode())?;
        let (ledger_name, ledger_bytes) = match &ledger_url {
            Some(u) => (LEDGER_URL_FILE, format!("{u}\n").into_bytes()),
            None => (ledger::FILE_NAME, ledger::HEADER.as_bytes().to_vec()),
        };
        let ledger = fsutil::stage(&self.dir.join(ledger_name), &ledger_bytes, fsutil::PUBLIC_MODE)?;
        let cert = fsutil::stage(&self.cert_path(), cert_pem.as_bytes(), fsutil::PUBLIC_MODE)?;

        let tmp = fsutil::private_temp_dir(&retired, RETIRING_PREFIX)?;
        for name in [CERT_FILE, KEY_FILE, KEY_URI_FILE, ledger::FILE_NAME, LEDGER_URL_FILE, CRL_FILE] {
            let from = self.dir.join(name);
            if from.exists() {
                fsutil::link_or_copy(&from, &tmp.path().join(name))?;
            }
        }
        let intermediates = self.intermediates_dir();
        if intermediates.exists() {
            std::fs::rename(&intermediates, tmp.path().join(INTERMEDIATES))
                .map_err(|e| Error::io(&intermediates, "move", e))?;
        }
        fsutil::sync_dir(tmp.path());
        let built = tmp.keep();
        std::fs::rename(&built, &dest).map_err(|e| Error::io(&dest, "create directory", e))?;
        fsutil::sync_dir(&retired);
        fsutil::sync_dir(&self.dir);

        fsutil::remove_file_synced(&self.cert_path())?;
        staged_key.commit(true)?;
        // The old CA's key of the other kind (a file for a token, or back) is in retired/.
        fsutil::remove_file_synced(&other_key)?;
        ledger.commit(true)?;
        // The other kind of ledger, if the directory had it, stays in the retired copy only.
        let other = if ledger_url.is_some() { ledger::FILE_NAME } else { LEDGER_URL_FILE };
        fsutil::remove_file_synced(&self.dir.join(other))?;
        fsutil::remove_file_synced(&self.crl_path(&CaName::Root))?;
        cert.commit(true)?;
        Ok(dest)
    }

    /// The CA's ledger, read and written through [`ledger::LedgerStore`]: PostgreSQL
    /// when the directory records a URL (`ledger.url`), else the file `ledger.jsonl`.
    pub fn ledger(&self) -> Result<Box<dyn ledger::LedgerStore>> {
        let Some(url) = self.ledger_url()? else { return Ok(Box::new(ledger::FileLedger::new(&self.dir))) };
        let target = ledger::PgTarget::parse(&url)?;
        self.require_root()?;
        let root = read_first_cert(&self.cert_path())?;
        let ca = crate::certinfo::sha256_hex(&root);
        Ok(Box::new(ledger::PgLedger::new(&self.dir, target, ca, self.ledger_password.clone())))
    }

    /// The PostgreSQL ledger URL the directory records, if any.
    pub fn ledger_url(&self) -> Result<Option<String>> {
        let path = self.dir.join(LEDGER_URL_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Some(text.lines().next().unwrap_or_default().trim().to_string())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(&path, "read", e)),
        }
    }

    /// The PostgreSQL ledger at `url` for the root `root_der` (which may not be in place
    /// yet: `ca init --ledger` creates the schema before it publishes the CA).
    pub fn pg_ledger(&self, url: &str, root_der: &[u8]) -> Result<ledger::PgLedger> {
        let target = ledger::PgTarget::parse(url)?;
        let ca = crate::certinfo::sha256_hex(root_der);
        Ok(ledger::PgLedger::new(&self.dir, target, ca, self.ledger_password.clone()))
    }

    /// Take the CA directory's writer lock (creating the directory if needed). Ledger
    /// writers take it through [`ledger::LedgerStore::begin`]. Holding it,
    /// no other writer is alive, so the temporary files a killed one left in the CA
    /// directory (`.pki-tmp-*`, `.pki-old-*`) are removed.
    pub fn lock(&self) -> Result<lock::CaLock> {
        fsutil::create_private_dir(&self.dir)?;
        let held = lock::CaLock::exclusive(&self.dir)?;
        remove_temporaries(&self.dir);
        Ok(held)
    }

    /// Whether the root exists.
    pub fn has_root(&self) -> bool {
        self.cert_path().exists()
    }

    /// Whether the directory holds any file a CA directory has (the root, its key, the
    /// ledger, intermediates, the CRL): `ca init` adds to such a directory, and refuses
    /// any other non-empty one (`--ca-dir /tmp` must not become a CA, nor lose its mode).
    pub fn holds_ca_files(&self) -> bool {
        [CERT_FILE, KEY_FILE, KEY_URI_FILE, ledger::FILE_NAME, LEDGER_URL_FILE, INTERMEDIATES, CRL_FILE]
            .iter()
            .any(|name| std::fs::symlink_metadata(self.dir.join(name)).is_ok())
    }

    /// [`Error::NoCa`] unless the root exists.
    pub fn require_root(&self) -> Result<()> {
        if self.has_root() { Ok(()) } else { Err(Error::NoCa { dir: self.dir.clone() }) }
    }

    /// The files of an existing issuer; an error if the CA or the intermediate is missing.
    pub fn issuer_files(&self, name: &CaName) -> Result<CaFiles> {
        self.require_root()?;
        if let CaName::Intermediate(n) = name {
            validate_intermediate_name(n, "--issuer")?;
            if !self.files(name).cert.exists() {
                return Err(Error::UnknownIntermediate { name: n.clone(), dir: self.intermediates_dir() });
            }
        }
        Ok(self.files(name))
    }

    /// Load an issuer: its certificate, its key (a file, unlocked through `unlock` if it
    /// is encrypted; or a token key, logged in with the PIN `unlock` gives), and the chain
    /// up to the root. Checks that the certificate is a CA's and that the key belongs to it.
    pub fn load(&self, name: &CaName, unlock: &dyn Unlock) -> Result<LoadedCa> {
        let files = self.issuer_files(name)?;
        let cert = read_first_cert(&files.cert)?;
        let info = crate::certinfo::CertInfo::parse(&cert)
            .map_err(|e| Error::BadCertificate { path: files.cert.clone(), reason: e.to_string() })?;
        if !info.is_ca {
            return Err(Error::BadCertificate {
                path: files.cert,
                reason: "it is not a CA certificate (basicConstraints CA:TRUE is missing)".into(),
            });
        }
        let key = cakey::load(&self.dir, &files, &info.public_key, unlock)?;
        let chain = match name {
            CaName::Root => Vec::new(),
            CaName::Intermediate(_) => vec![cert.clone()],
        };
        Ok(LoadedCa {
            name: name.clone(),
            cert,
            key,
            not_after: info.not_after,
            subject: info.subject,
            path_len: info.path_len,
            chain,
        })
    }
}

/// The first certificate of a PEM file.
pub fn read_first_cert(path: &Path) -> Result<CertificateDer<'static>> {
    Ok(crate::input::read_certs(path)?.remove(0))
}

/// Remove the temporary files a killed `pki` left in the CA directory `dir` and in its
/// intermediates' directories. Only for a caller that holds the CA lock: then no other
/// writer is alive to be using them.
pub(crate) fn remove_temporaries(dir: &Path) {
    fsutil::remove_temporaries(dir);
    for e in std::fs::read_dir(dir.join(INTERMEDIATES)).into_iter().flatten().flatten() {
        fsutil::remove_temporaries(&e.path());
    }
}

/// Remove what a killed first `ca init` left beside the CA directory: `.pki-init-*`
/// directories holding only the files of a new CA that was never published. Only ours
/// (that prefix, only those names) and only when no live `pki` holds its lock. A
/// directory without a key or certificate yet is left alone: its maker may be between
/// creating it and locking it (files are written only under the lock).
fn remove_stale_new_dirs(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for e in entries.flatten() {
        let ours = e.file_name().to_string_lossy().starts_with(fsutil::NEW_DIR_PREFIX)
            && e.file_type().is_ok_and(|t| t.is_dir())
            && [KEY_FILE, KEY_URI_FILE, CERT_FILE].iter().any(|f| e.path().join(f).exists())
            && std::fs::read_dir(e.path()).is_ok_and(|files| {
                files.flatten().all(|f| {
                    let n = f.file_name();
                    [CERT_FILE, KEY_FILE, KEY_URI_FILE, ledger::FILE_NAME, LEDGER_URL_FILE, ".lock"]
                        .iter()
                        .any(|k| n == *k)
                })
            });
        if ours && let Ok(Some(_held)) = lock::CaLock::try_exclusive(&e.path()) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Give a retired copy that was being built when its `pki` was killed a visible name, so
/// nothing in it hides behind a dot (the caller holds the CA lock: no one is building one).
fn name_interrupted_retirements(retired: &Path) {
    let Ok(entries) = std::fs::read_dir(retired) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some(rest) = name.strip_prefix(RETIRING_PREFIX) {
            let _ = std::fs::rename(e.path(), retired.join(format!("interrupted-{rest}")));
        }
    }
}
