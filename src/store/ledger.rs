//! The ledger: a record of every certificate the CA directory issued (`ledger.json`).
//! It is rewritten whole and atomically under the CA lock, so readers never see half of it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::store::fsutil;

/// The ledger format version this build writes and reads.
pub const LEDGER_VERSION: u32 = 1;

/// One issued certificate.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct LedgerEntry {
    /// Serial number, lowercase hex.
    pub serial: String,
    /// What it was issued as.
    pub profile: Profile,
    /// Subject, RFC 4514-style as `pki inspect` prints it.
    pub subject: String,
    /// SAN values (DNS names, IP addresses, emails, URIs).
    pub sans: Vec<String>,
    /// notBefore, RFC 3339 UTC.
    pub not_before: String,
    /// notAfter, RFC 3339 UTC.
    pub not_after: String,
    /// The issuing CA: "root" or the intermediate's name.
    pub issuer: String,
    /// SHA-256 fingerprint of the DER certificate, lowercase hex.
    pub fingerprint_sha256: String,
    /// Where the certificate was written (absolute when known).
    pub path: Option<String>,
    /// When it was issued, RFC 3339 UTC.
    pub issued_at: String,
    /// Revocation, if revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<Revocation>,
    /// The serial of the certificate that renewed this one, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<String>,
}

/// A revocation record.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Revocation {
    /// When, RFC 3339 UTC.
    pub at: String,
    /// The reason's name (`key-compromise`, ...).
    pub reason: String,
}

/// A certificate's status at a point in time.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Within its validity period and not revoked.
    Valid,
    /// Past its notAfter.
    Expired,
    /// Revoked.
    Revoked,
}

impl LedgerEntry {
    /// The status at `now`.
    pub fn status(&self, now: OffsetDateTime) -> Status {
        if self.revoked.is_some() {
            return Status::Revoked;
        }
        match crate::validity::parse_time("ledger", &self.not_after) {
            Ok(t) if t < now => Status::Expired,
            _ => Status::Valid,
        }
    }
}

/// The whole ledger file.
#[derive(Clone, Debug, Serialize, Deserialize, Default)]
pub struct Ledger {
    /// Format version.
    pub version: u32,
    /// Every issued certificate, oldest first.
    pub certificates: Vec<LedgerEntry>,
    /// The last CRL number used, per issuer ("root" or an intermediate's name).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub crl_numbers: std::collections::BTreeMap<String, u64>,
}

impl Ledger {
    /// An empty ledger of the current format.
    pub fn default_empty() -> Ledger {
        Ledger { version: LEDGER_VERSION, certificates: Vec::new(), crl_numbers: Default::default() }
    }

    /// Read the ledger at `path`; a missing file is an empty ledger.
    pub fn load(path: &Path) -> Result<Ledger> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Ledger {
                    version: LEDGER_VERSION,
                    certificates: Vec::new(),
                    crl_numbers: Default::default(),
                });
            }
            Err(e) => return Err(Error::io(path, "read", e)),
        };
        let bad = |reason: String| Error::Ledger { path: PathBuf::from(path), reason };
        let ledger: Ledger = serde_json::from_slice(&bytes).map_err(|e| bad(format!("not valid JSON: {e}")))?;
        if ledger.version != LEDGER_VERSION {
            return Err(bad(format!(
                "format version {} is not supported by this pki (it reads version {LEDGER_VERSION})",
                ledger.version
            )));
        }
        Ok(ledger)
    }

    /// Write the ledger atomically (the caller holds the CA lock).
    pub fn save(&self, path: &Path) -> Result<()> {
        let mut json = serde_json::to_vec_pretty(self).map_err(|e| Error::crypto("ledger encoding", e))?;
        json.push(b'\n');
        // Renamed, not fsynced: readers and a killed writer still only ever see a whole
        // ledger (the rename is atomic), and skipping the two fsyncs is most of what an
        // issuance costs on a slow disk. A power cut may lose the newest entries, as it
        // may lose the leaf files themselves (see fsutil::Durability).
        fsutil::stage_with(path, &json, fsutil::PUBLIC_MODE, fsutil::Durability::Renamed)?.commit(true)
    }

    /// The entry with this serial (any case, colons and leading zeros ignored).
    pub fn find_mut(&mut self, serial: &str) -> Option<&mut LedgerEntry> {
        let want = normalize_serial(serial);
        self.certificates.iter_mut().find(|c| normalize_serial(&c.serial) == want)
    }

    /// Whether a serial (lowercase hex) is already in the ledger.
    pub fn has_serial(&self, serial_hex: &str) -> bool {
        self.certificates.iter().any(|c| c.serial == serial_hex)
    }
}

/// A serial as the ledger writes it: lowercase hex, no separators, no leading zeros.
pub fn normalize_serial(s: &str) -> String {
    let hex: String = s.chars().filter(|c| *c != ':').collect::<String>().to_ascii_lowercase();
    let trimmed = hex.trim_start_matches('0');
    if trimmed.is_empty() { "0".into() } else { trimmed.to_string() }
}
