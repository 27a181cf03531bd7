//! The no-rights path (`pki trust env`): `trust-bundle.pem` in the CA directory, the system
//! roots followed by this root, for the clients that read a bundle named by an
//! environment variable (`SSL_CERT_FILE` replaces OpenSSL's, Python's and Go's roots, so it
//! must carry the system roots too).

use std::path::PathBuf;

use super::{Machine, TrustRoot};
use crate::error::Result;
use crate::store::{CaDir, fsutil};

/// The file `env` writes in the CA directory.
pub const FILE_NAME: &str = "trust-bundle.pem";

/// What `write` made.
#[derive(Debug, Clone)]
pub struct Bundle {
    /// `trust-bundle.pem`.
    pub path: PathBuf,
    /// The system bundle its first part was copied from (none found: only the root).
    pub system: Option<PathBuf>,
}

/// Write `trust-bundle.pem` (atomically) into `ca`: the bytes of the machine's system
/// bundle (under `PKI_TRUST_ROOT` when set), then the root unless the bundle has it already.
pub fn write(ca: &CaDir, root: &TrustRoot, machine: &Machine) -> Result<Bundle> {
    let system = super::system::bundle(machine);
    let mut bytes = match &system {
        Some(p) => fsutil::read(p)?,
        None => Vec::new(),
    };
    if !root.is_in(&bytes) {
        if !bytes.is_empty() && !bytes.ends_with(b"\n") {
            bytes.push(b'\n');
        }
        bytes.extend_from_slice(root.pem.as_bytes());
    }
    let path = ca.path().join(FILE_NAME);
    fsutil::write_public(&path, &bytes, true)?;
    Ok(Bundle { path, system })
}
