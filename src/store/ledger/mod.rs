//! The ledger: a record of every certificate the CA directory issued, behind a small
//! trait so that nothing above it knows where the record lives.
//!
//! The record is a sequence of [`Event`]s (a certificate issued, revoked or renewed, a CRL
//! number used); readers fold them into a [`Ledger`], indexed by serial. A
//! [`LedgerStore`] reads the record and opens [`LedgerSession`]s: a session is one writer
//! holding the CA's lock for its whole life, so that an issuance (allocate a serial,
//! append, put the files in place, commit) or a renewal (issue and supersede) happens
//! under one lock; a session dropped before [`LedgerSession::commit`] takes back what it
//! appended. Two stores: the JSON Lines file `ledger.jsonl` (file.rs), and PostgreSQL
//! (postgres.rs, its URL and password file in pgurl.rs), for a CA shared by several
//! machines.

mod file;
mod pgtls;
mod pgurl;
pub mod postgres;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::Result;
use crate::profile::Profile;

pub use crate::error::LedgerProblem;
pub use file::FileLedger;
pub(crate) use file::{FILE_NAME, HEADER};
pub use pgurl::{RootCerts, SslMode, TlsParams, pgpass_lookup};
pub use postgres::{PasswordSource, PgLedger, PgTarget};

/// Where a CA's ledger lives, and how to read it and write to it.
pub trait LedgerStore {
    /// Check, cheaply and without the lock, that the ledger is one this build can append
    /// to, so that a damaged ledger stops a command before it creates anything.
    fn precheck(&self) -> Result<()>;

    /// Start writing: take the CA's lock (blocking until it is free) and hold it until
    /// the session ends. A missing ledger is created empty.
    fn begin(&self) -> Result<Box<dyn LedgerSession + '_>>;

    /// Create an empty ledger unless there is one (a new root in an existing CA
    /// directory). The caller holds the CA directory's lock.
    fn ensure_exists(&self) -> Result<()>;

    /// Every event folded, without the lock (readers never wait for writers). A missing
    /// ledger is an empty one; a damaged one is an error.
    fn load(&self) -> Result<Ledger>;

    /// The certificate with this serial (any case, colons and leading zeros ignored), as
    /// its events leave it, without folding the whole ledger.
    fn find(&self, serial: &str) -> Result<Option<LedgerEntry>>;

    /// The whole ledger in the file ledger's format: the header line, then one event per
    /// line (`pki ledger export`).
    fn export(&self) -> Result<Vec<u8>>;
}

/// One writer's turn at the ledger, holding the CA's lock. Dropping it without
/// [`commit`](LedgerSession::commit) rolls back what it appended.
pub trait LedgerSession {
    /// The ledger as it stands, including this session's appends.
    fn load(&self) -> Result<Ledger>;

    /// The certificate with this serial, as [`LedgerStore::find`].
    fn find(&self, serial: &str) -> Result<Option<LedgerEntry>>;

    /// Record one event.
    fn append(&mut self, event: &Event) -> Result<()>;

    /// Keep what was appended, and release the lock.
    fn commit(self: Box<Self>) -> Result<()>;

    /// Take back what was appended (the command failed after recording), and release
    /// the lock. The same as dropping the session.
    fn roll_back(self: Box<Self>);
}

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
    /// The serial of the certificate that replaced this one, if any: renewed (a
    /// `superseded` event), or issued again over the same file (`issue --force`; the fold
    /// finds it by `path`).
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
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Within its validity period, not revoked, not superseded.
    Valid,
    /// Past its notAfter.
    Expired,
    /// Revoked.
    Revoked,
    /// Renewed, or replaced by another certificate issued over the same file.
    Superseded,
}

impl Status {
    /// The name `list` prints and `--status` takes.
    pub fn name(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::Expired => "expired",
            Status::Revoked => "revoked",
            Status::Superseded => "superseded",
        }
    }
}

impl LedgerEntry {
    /// Whether this entry records the certificate `der` itself (same SHA-256 fingerprint),
    /// not merely one with its serial: another CA's certificate can carry the same serial.
    pub fn records(&self, der: &[u8]) -> bool {
        self.fingerprint_sha256.eq_ignore_ascii_case(&crate::certinfo::sha256_hex(der))
    }

    /// The status at `now`: revoked, else superseded, else expired or valid.
    pub fn status(&self, now: OffsetDateTime) -> Status {
        if self.revoked.is_some() {
            return Status::Revoked;
        }
        if self.superseded_by.is_some() {
            return Status::Superseded;
        }
        match crate::validity::parse_time("ledger", &self.not_after) {
            Ok(t) if t < now => Status::Expired,
            _ => Status::Valid,
        }
    }
}

/// One recorded event (one line of `ledger.jsonl` after its header).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "event", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Event {
    /// A certificate was issued (its `revoked` and `superseded_by` are empty).
    Issued(Box<LedgerEntry>),
    /// A certificate was revoked.
    Revoked {
        /// Its serial, as in its `issued` line.
        serial: String,
        /// When, RFC 3339 UTC.
        at: String,
        /// The reason's name.
        reason: String,
    },
    /// A certificate was renewed as another.
    Superseded {
        /// The old certificate's serial.
        serial: String,
        /// The new certificate's serial.
        by: String,
    },
    /// A CRL was signed with this number.
    CrlNumber {
        /// "root" or the intermediate's name.
        issuer: String,
        /// The CRL number used.
        number: u64,
    },
}

/// The ledger format version this build reads and writes.
pub const LEDGER_VERSION: u32 = 2;

/// The ledger as its events add up: what `list`, `revoke`, `crl` and `renew` read.
/// Indexed by serial, so folding a revocation or finding a serial costs the same at any
/// size.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    /// Where it was read from, for messages.
    location: PathBuf,
    /// Every issued certificate, oldest first.
    certificates: Vec<LedgerEntry>,
    /// Normalised serial to its position in `certificates` (the first, if issued twice).
    index: HashMap<String, usize>,
    /// Certificate file path to the position of the newest certificate written there.
    by_path: HashMap<String, usize>,
    /// The last CRL number used, per issuer ("root" or an intermediate's name).
    crl_numbers: BTreeMap<String, u64>,
}

impl Ledger {
    /// An empty ledger read from `location`.
    pub fn new(location: PathBuf) -> Ledger {
        Ledger { location, ..Ledger::default() }
    }

    /// Where it was read from (for messages).
    pub fn location(&self) -> &std::path::Path {
        &self.location
    }

    /// Every issued certificate, oldest first.
    pub fn certificates(&self) -> &[LedgerEntry] {
        &self.certificates
    }

    /// Every issued certificate, oldest first, by value.
    pub fn into_certificates(self) -> Vec<LedgerEntry> {
        self.certificates
    }

    /// The last CRL number `issuer` ("root" or an intermediate's name) used, 0 if none.
    pub fn crl_number(&self, issuer: &str) -> u64 {
        self.crl_numbers.get(issuer).copied().unwrap_or(0)
    }

    /// The entry with this serial (any case, colons and leading zeros ignored).
    pub fn find(&self, serial: &str) -> Option<&LedgerEntry> {
        self.index.get(&normalize_serial(serial)).map(|&i| &self.certificates[i])
    }

    /// Add the event of line `line` to the folded view.
    pub(crate) fn apply(&mut self, event: Event, line: usize) -> std::result::Result<(), LedgerProblem> {
        let never = |serial: String, what| LedgerProblem::NeverIssued { line, serial, what };
        match event {
            Event::Issued(entry) => {
                let at = self.certificates.len();
                self.index.entry(normalize_serial(&entry.serial)).or_insert(at);
                // A certificate written over another's file (`issue --force`, `renew`)
                // replaces it: the older one is superseded by the newer.
                if let Some(path) = &entry.path
                    && let Some(old) = self.by_path.insert(path.clone(), at)
                    && self.certificates[old].superseded_by.is_none()
                {
                    self.certificates[old].superseded_by = Some(entry.serial.clone());
                }
                self.certificates.push(*entry);
            }
            Event::Revoked { serial, at, reason } => match self.index.get(&normalize_serial(&serial)) {
                Some(&i) => self.certificates[i].revoked = Some(Revocation { at, reason }),
                None => return Err(never(serial, "revokes")),
            },
            Event::Superseded { serial, by } => match self.index.get(&normalize_serial(&serial)) {
                Some(&i) => self.certificates[i].superseded_by = Some(by),
                None => return Err(never(serial, "renews")),
            },
            Event::CrlNumber { issuer, number } => {
                self.crl_numbers.insert(issuer, number);
            }
        }
        Ok(())
    }
}

/// A serial as the ledger writes it: lowercase hex, no separators, no leading zeros.
pub fn normalize_serial(s: &str) -> String {
    let hex: String = s.chars().filter(|c| *c != ':').collect::<String>().to_ascii_lowercase();
    let trimmed = hex.trim_start_matches('0');
    if trimmed.is_empty() { "0".into() } else { trimmed.to_string() }
}
