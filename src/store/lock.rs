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

/// Open (creating) `DIR/.lock`, never through a symlink: a link planted there must not
/// make `pki` create or lock a file elsewhere.
fn open(dir: &Path) -> Result<(std::path::PathBuf, File)> {
    let path = dir.join(".lock");
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
