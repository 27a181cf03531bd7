//! The CA directory's lock: one writer at a time (issuance, revocation), so that
//! concurrent `pki` runs never lose a ledger entry or reuse a serial.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use crate::error::{Error, Result};

/// An exclusive advisory lock (flock) on `CA_DIR/.lock`, held until dropped.
#[derive(Debug)]
pub struct CaLock {
    _file: File,
}

impl CaLock {
    /// Block until this process holds the CA directory's lock.
    pub fn exclusive(ca_dir: &Path) -> Result<CaLock> {
        let (path, file) = open(ca_dir)?;
        file.lock().map_err(|e| Error::io(&path, "lock", e))?;
        Ok(CaLock { _file: file })
    }

    /// The lock if no one holds it, else `None` (a live `pki` is working there).
    pub fn try_exclusive(ca_dir: &Path) -> Result<Option<CaLock>> {
        let (path, file) = open(ca_dir)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(CaLock { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(Error::io(&path, "lock", e)),
        }
    }
}

/// An exclusive advisory lock (flock) on `CA_DIR/.token-lock`, held while a process of
/// this CA directory loads its PKCS#11 module and logs in to the token, so that processes
/// open the token one at a time. SoftHSM2's file store rewrites the token's file on every
/// login, and a process loading the module meanwhile does not see the token at all
/// ("no PKCS#11 token labelled ...", measured with 4 concurrent `pki issue`). Signing
/// itself needs no lock.
#[derive(Debug)]
pub struct TokenLock {
    _file: File,
}

impl TokenLock {
    /// Block until this process holds the CA directory's token lock.
    pub fn exclusive(ca_dir: &Path) -> Result<TokenLock> {
        let (path, file) = open_named(ca_dir, ".token-lock")?;
        file.lock().map_err(|e| Error::io(&path, "lock", e))?;
        Ok(TokenLock { _file: file })
    }
}

/// Open (creating) `DIR/.lock`, never through a symlink: a link planted there must not
/// make `pki` create or lock a file elsewhere.
fn open(dir: &Path) -> Result<(std::path::PathBuf, File)> {
    open_named(dir, ".lock")
}

/// Open (creating) `DIR/NAME`, never through a symlink.
fn open_named(dir: &Path, name: &str) -> Result<(std::path::PathBuf, File)> {
    let path = dir.join(name);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&path)
        .map_err(|e| Error::io(&path, "open lock file", e))?;
    Ok((path, file))
}
