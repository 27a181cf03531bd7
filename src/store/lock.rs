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
        let path = ca_dir.join(".lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(&path)
            .map_err(|e| Error::io(&path, "open lock file", e))?;
        file.lock().map_err(|e| Error::io(&path, "lock", e))?;
        Ok(CaLock { _file: file })
    }
}
