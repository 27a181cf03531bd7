//! Trust stores: putting the CA directory's root into the stores the machine's TLS clients
//! read (the OS store, NSS databases, Java's cacerts), taking it back out, and saying where
//! it is. Each store is a [`Store`] found on the [`Machine`]; [`change`] drives install and
//! uninstall the same way for all of them (check, act, check again), so idempotency and
//! `--dry-run` live in one place. The command layer resolves the environment into a
//! `Machine`; nothing here reads it.

pub mod bundle;
mod exec;
mod java;
pub use exec::quote;
mod nss;
mod system;

use std::path::{Path, PathBuf};

use x509_parser::prelude::{FromDer, X509Certificate};

use crate::error::{Error, Result};
use crate::store::CaDir;

/// A trust store kind, as `--store` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StoreKind {
    /// The OS store (curl, openssl, Python, Go; Java on Debian).
    System,
    /// NSS databases (Chromium, Chrome, Firefox).
    Nss,
    /// The JDK's `cacerts`.
    Java,
}

impl StoreKind {
    /// The name `--store` and the output use.
    pub fn name(self) -> &'static str {
        match self {
            StoreKind::System => "system",
            StoreKind::Nss => "nss",
            StoreKind::Java => "java",
        }
    }
}

/// The root to trust, read from the CA directory.
#[derive(Debug, Clone)]
pub struct TrustRoot {
    /// `ca.pem` of the CA directory.
    pub path: PathBuf,
    /// The certificate, DER.
    pub der: Vec<u8>,
    /// The certificate, PEM (what goes into the stores).
    pub pem: String,
    /// SHA-256 of the DER, lowercase hex.
    pub sha256: String,
    /// Whether it carries a nameConstraints extension.
    pub name_constrained: bool,
}

impl TrustRoot {
    /// Read the root of `ca`: [`Error::NoCa`] (whose hint names `pki ca init`) when none.
    pub fn load(ca: &CaDir) -> Result<TrustRoot> {
        ca.require_root()?;
        let path = ca.cert_path();
        let der = crate::store::read_first_cert(&path)?.to_vec();
        let bad = |reason: String| Error::BadCertificate { path: path.clone(), reason };
        let (_, cert) = X509Certificate::from_der(&der).map_err(|e| bad(e.to_string()))?;
        // A nameConstraints extension that does not parse is an unusable root: refused,
        // naming the file.
        let name_constrained = cert.name_constraints().map_err(|e| bad(e.to_string()))?.is_some();
        Ok(TrustRoot {
            pem: crate::issuance::pem_cert(&der),
            sha256: crate::certinfo::sha256_hex(&der),
            der,
            path,
            name_constrained,
        })
    }

    /// The first 16 hex digits of the SHA-256 fingerprint: the file name and alias part
    /// that keeps several pki roots apart (`pki-FP.crt`, `pki root FP`, `pki-FP`).
    pub fn fp(&self) -> &str {
        &self.sha256[..16]
    }

    /// Whether `bytes` (a PEM bundle, or one PEM or DER certificate) holds this root.
    pub fn is_in(&self, bytes: &[u8]) -> bool {
        use rustls_pki_types::CertificateDer;
        use rustls_pki_types::pem::PemObject;
        bytes == self.der.as_slice()
            || CertificateDer::pem_slice_iter(bytes).any(|c| c.is_ok_and(|c| c.as_ref() == self.der.as_slice()))
    }
}

/// What the machine looks like to `pki trust`: every value that comes from the
/// environment or the command line, resolved by the command layer.
#[derive(Debug, Clone, Default)]
pub struct Machine {
    /// `PKI_TRUST_ROOT`: the directory that stands for `/` for the system store.
    pub root: Option<PathBuf>,
    /// `$HOME`, where the user's NSS databases are.
    pub home: Option<PathBuf>,
    /// The directories of `$PATH`, in order.
    pub path: Vec<PathBuf>,
    /// `$JAVA_HOME`.
    pub java_home: Option<PathBuf>,
    /// Every `--nss-db DIR`.
    pub nss_dbs: Vec<PathBuf>,
}

impl Machine {
    /// An absolute system path (`/etc/ssl/certs`) as it is on this machine: under
    /// `PKI_TRUST_ROOT` when it is set.
    pub fn sys(&self, abs: &str) -> PathBuf {
        match &self.root {
            Some(r) => r.join(abs.trim_start_matches('/')),
            None => PathBuf::from(abs),
        }
    }

    /// The first `program` on `$PATH`, then in `extra` directories (`/usr/sbin` is not on
    /// every user's PATH: smallstep/truststore#23).
    pub fn which(&self, program: &str, extra: &[&str]) -> Option<PathBuf> {
        self.path
            .iter()
            .cloned()
            .chain(extra.iter().map(PathBuf::from))
            .map(|d| d.join(program))
            .find(|p| exec::is_executable(p))
    }
}

/// Install or uninstall.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Put the root in.
    Install,
    /// Take it out.
    Uninstall,
}

/// What happened to one store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The root was put in.
    Installed,
    /// The root was there already: nothing done.
    AlreadyInstalled,
    /// The root was taken out.
    Removed,
    /// The root was not there: nothing done.
    NotInstalled,
    /// `--dry-run`: what install would do (the steps).
    WouldInstall(Vec<String>),
    /// `--dry-run`: what uninstall would do (the steps).
    WouldRemove(Vec<String>),
    /// Nothing to do here, and why.
    Skipped(String),
    /// The store could not be changed, and why.
    Failed {
        /// What went wrong.
        reason: String,
        /// It failed for want of rights (run it again with sudo).
        needs_root: bool,
    },
}

/// One store's line of `install` or `uninstall` output.
#[derive(Debug, Clone)]
pub struct Line {
    /// The store's kind.
    pub store: StoreKind,
    /// Where the root goes in it (a file, a database directory); none when not found.
    pub location: Option<String>,
    /// What happened.
    pub outcome: Outcome,
    /// A remark on a success (a step that could not be done under `PKI_TRUST_ROOT`).
    pub note: Option<String>,
}

/// A store's answer to "is the root in it": yes, no, or cannot tell (why).
pub type Presence = std::result::Result<bool, String>;

/// A failure to change a store: what went wrong, and whether rights were missing.
#[derive(Debug, Clone)]
pub struct Failure {
    /// What went wrong (names the file or command).
    pub reason: String,
    /// Lacking the rights to write (EACCES, EPERM, EROFS): sudo would help.
    pub needs_root: bool,
}

impl Failure {
    /// A failure that sudo would not fix.
    pub fn plain(reason: impl Into<String>) -> Failure {
        Failure { reason: reason.into(), needs_root: false }
    }

    /// A failure on `path` while doing `action`, from an I/O error.
    pub fn io(action: &str, path: &Path, e: &std::io::Error) -> Failure {
        use std::io::ErrorKind::{PermissionDenied, ReadOnlyFilesystem};
        let needs_root =
            matches!(e.kind(), PermissionDenied | ReadOnlyFilesystem) || e.raw_os_error() == Some(libc::EPERM);
        let what = match e.kind() {
            PermissionDenied => "permission denied".to_string(),
            ReadOnlyFilesystem => "read-only file system".to_string(),
            _ => e.to_string(),
        };
        Failure { reason: format!("cannot {action} '{}': {what}", path.display()), needs_root }
    }
}

/// One trust store found on the machine.
pub trait Store {
    /// Its kind.
    fn kind(&self) -> StoreKind;
    /// Where the root goes (shown on its line and in `status`).
    fn location(&self, root: &TrustRoot) -> String;
    /// Whether the root is in it, fully (what install and `status` ask).
    fn contains(&self, root: &TrustRoot) -> Presence;
    /// Whether any trace of the root is in it (what uninstall asks); by default the same.
    fn any_trace(&self, root: &TrustRoot) -> Presence {
        self.contains(root)
    }
    /// What install or uninstall would do, step by step (for `--dry-run`).
    fn plan(&self, action: Action, root: &TrustRoot) -> Vec<String>;
    /// Put the root in.
    fn install(&self, root: &TrustRoot) -> std::result::Result<Option<String>, Failure>;
    /// Take the root out.
    fn uninstall(&self, root: &TrustRoot) -> std::result::Result<Option<String>, Failure>;
}

/// A store that is absent, or present but not to be touched: its line says why.
pub struct Absent {
    /// Its kind.
    pub kind: StoreKind,
    /// Why nothing is done.
    pub reason: String,
    /// Whether that is a failure (`--store system` named on a machine with no known
    /// system store) rather than a skip.
    pub fails: bool,
}

/// What was found for one `--store` kind: stores to act on, or why there are none.
pub enum Found {
    /// A store to check and change.
    Store(Box<dyn Store>),
    /// Nothing to act on, and why.
    Absent(Absent),
}

/// Find the stores of `kinds` (every kind when empty) on `machine`.
pub fn find(machine: &Machine, kinds: &[StoreKind]) -> Vec<Found> {
    let all = kinds.is_empty();
    let wants = |k| all || kinds.contains(&k);
    let mut found = Vec::new();
    if wants(StoreKind::System) {
        found.push(system::find(machine, !all));
    }
    if wants(StoreKind::Nss) {
        found.extend(nss::find(machine));
    }
    if wants(StoreKind::Java) {
        found.push(java::find(machine));
    }
    found
}

/// Install or uninstall `root` in every store of `found`: check, act (unless `dry_run`),
/// check again. A store that already is as asked is left alone.
pub fn change(found: Vec<Found>, action: Action, root: &TrustRoot, dry_run: bool) -> Vec<Line> {
    found
        .into_iter()
        .map(|f| match f {
            Found::Absent(a) => Line {
                store: a.kind,
                location: None,
                outcome: if a.fails {
                    Outcome::Failed { reason: a.reason, needs_root: false }
                } else {
                    Outcome::Skipped(a.reason)
                },
                note: None,
            },
            Found::Store(s) => {
                let (outcome, note) = change_one(s.as_ref(), action, root, dry_run);
                Line { store: s.kind(), location: Some(s.location(root)), outcome, note }
            }
        })
        .collect()
}

fn change_one(s: &dyn Store, action: Action, root: &TrustRoot, dry_run: bool) -> (Outcome, Option<String>) {
    let failed = |f: Failure| (Outcome::Failed { reason: f.reason, needs_root: f.needs_root }, None);
    let check = |s: &dyn Store| match action {
        Action::Install => s.contains(root),
        Action::Uninstall => s.any_trace(root),
    };
    let present = match check(s) {
        Ok(p) => p,
        Err(reason) => return failed(Failure::plain(reason)),
    };
    match (action, present) {
        (Action::Install, true) => return (Outcome::AlreadyInstalled, None),
        (Action::Uninstall, false) => return (Outcome::NotInstalled, None),
        (Action::Install, false) if dry_run => return (Outcome::WouldInstall(s.plan(action, root)), None),
        (Action::Uninstall, true) if dry_run => return (Outcome::WouldRemove(s.plan(action, root)), None),
        _ => {}
    }
    let done = match action {
        Action::Install => s.install(root),
        Action::Uninstall => s.uninstall(root),
    };
    let note = match done {
        Ok(note) => note,
        Err(f) => return failed(f),
    };
    // Check again: a store tool that exits 0 without doing the job is a failure, said.
    match (action, check(s)) {
        (Action::Install, Ok(true)) => (Outcome::Installed, note),
        (Action::Uninstall, Ok(false)) => (Outcome::Removed, note),
        (Action::Install, Ok(false)) => {
            failed(Failure::plain("the store tools ran, but the root is still not in the store"))
        }
        (Action::Uninstall, Ok(true)) => failed(Failure::plain(
            "the store tools ran, but the root is still in the store (another copy of it, under another name?)",
        )),
        (_, Err(reason)) => failed(Failure::plain(reason)),
    }
}

/// One store as `status` reports it.
#[derive(Debug, Clone)]
pub struct StoreStatus {
    /// Its kind.
    pub store: StoreKind,
    /// Where the root goes in it.
    pub location: String,
    /// Whether the root is in it (false when that cannot be told: see `problem`).
    pub installed: bool,
    /// Why it could not be told.
    pub problem: Option<String>,
}

/// Every store found on `machine`, and whether `root` is in each.
pub fn status(machine: &Machine, root: &TrustRoot) -> Vec<StoreStatus> {
    let mut out = Vec::new();
    let mut found = vec![system::find(machine, false)];
    found.extend(nss::find(machine));
    found.push(java::find_any(machine));
    for f in found {
        if let Found::Store(s) = f {
            let presence = s.contains(root);
            out.push(StoreStatus {
                store: s.kind(),
                location: s.location(root),
                installed: presence.as_ref().is_ok_and(|p| *p),
                problem: presence.err(),
            });
        }
    }
    out
}
