//! The ledger: a record of every certificate the CA directory issued, kept in
//! `ledger.jsonl`, an append-only JSON Lines file.
//!
//! The first line is a header, `{"pki_ledger":2}`. Every other line is one event: a
//! certificate issued, revoked or renewed, or a CRL number used. Writers (under the CA
//! lock) only ever append one whole line with a single `write`, so issuing costs the
//! same with ten entries as with ten thousand, and nothing already recorded is
//! rewritten. A line cut short by a crash has no newline yet: readers skip it and the
//! next writer cuts it off before appending. Readers fold the events into a [`Ledger`].
//!
//! Version 1 (`ledger.json`, one JSON document rewritten whole on every change) is still
//! read, and is converted to version 2 the first time this CA directory is written to.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::store::fsutil;

/// The ledger format version this build writes.
pub const LEDGER_VERSION: u32 = 2;

/// The first line of a version-2 ledger (all of an empty one).
pub const HEADER: &str = "{\"pki_ledger\":2}\n";

/// The ledger's file name in the CA directory.
pub const FILE_NAME: &str = "ledger.jsonl";

/// The version-1 ledger's file name, read and converted when found.
pub const LEGACY_FILE_NAME: &str = "ledger.json";

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

/// One line of a version-2 ledger after the header.
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

/// The ledger as its events add up: what `list`, `revoke`, `crl` and `renew` read.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Ledger {
    /// Format version (in a version-1 file).
    pub version: u32,
    /// Every issued certificate, oldest first.
    pub certificates: Vec<LedgerEntry>,
    /// The last CRL number used, per issuer ("root" or an intermediate's name).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub crl_numbers: std::collections::BTreeMap<String, u64>,
}

impl Ledger {
    /// Read the ledger of the CA directory `ca_dir`: `ledger.jsonl`, else a version-1
    /// `ledger.json`, else (neither exists) an empty ledger. A damaged ledger is an error.
    pub fn load(ca_dir: &Path) -> Result<Ledger> {
        let path = ca_dir.join(FILE_NAME);
        match std::fs::read(&path) {
            Ok(bytes) => Ledger::from_lines(&path, &bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ledger::load_legacy(ca_dir),
            Err(e) => Err(Error::io(&path, "read", e)),
        }
    }

    /// Fold the events of a version-2 ledger's bytes.
    fn from_lines(path: &Path, bytes: &[u8]) -> Result<Ledger> {
        let bad = |reason: String| Error::Ledger { path: path.to_path_buf(), reason };
        check_header(path, bytes)?;
        let mut ledger = Ledger { version: LEDGER_VERSION, ..Ledger::default() };
        // Only lines that end in '\n' are whole: a last line without one is an append
        // cut short, skipped here and cut off by the next writer.
        let body = &bytes[HEADER.len()..];
        let whole = body.iter().rposition(|b| *b == b'\n').map_or(&body[..0], |i| &body[..=i]);
        for (i, line) in whole.split(|b| *b == b'\n').enumerate() {
            if line.is_empty() {
                continue;
            }
            let event: Event =
                serde_json::from_slice(line).map_err(|e| bad(format!("line {} is not a ledger event: {e}", i + 2)))?;
            ledger.apply(event).map_err(|reason| bad(format!("line {}: {reason}", i + 2)))?;
        }
        Ok(ledger)
    }

    fn load_legacy(ca_dir: &Path) -> Result<Ledger> {
        let path = ca_dir.join(LEGACY_FILE_NAME);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Ledger { version: LEDGER_VERSION, ..Ledger::default() });
            }
            Err(e) => return Err(Error::io(&path, "read", e)),
        };
        let bad = |reason: String| Error::Ledger { path: path.clone(), reason };
        let ledger: Ledger = serde_json::from_slice(&bytes).map_err(|e| bad(format!("not valid JSON: {e}")))?;
        if ledger.version != 1 {
            return Err(bad(format!(
                "format version {} is not supported by this pki (it reads versions 1 and {LEDGER_VERSION})",
                ledger.version
            )));
        }
        Ok(ledger)
    }

    /// Add one event to the folded view.
    fn apply(&mut self, event: Event) -> std::result::Result<(), String> {
        match event {
            Event::Issued(entry) => self.certificates.push(*entry),
            Event::Revoked { serial, at, reason } => {
                self.find_mut(&serial).ok_or(format!("revokes serial {serial}, which was never issued"))?.revoked =
                    Some(Revocation { at, reason })
            }
            Event::Superseded { serial, by } => {
                self.find_mut(&serial).ok_or(format!("renews serial {serial}, which was never issued"))?.superseded_by =
                    Some(by)
            }
            Event::CrlNumber { issuer, number } => {
                self.crl_numbers.insert(issuer, number);
            }
        }
        Ok(())
    }

    /// The events that rebuild this ledger (to convert a version-1 ledger).
    fn to_events(&self) -> Vec<Event> {
        let mut events = Vec::new();
        for e in &self.certificates {
            events.push(Event::Issued(Box::new(LedgerEntry { revoked: None, superseded_by: None, ..e.clone() })));
        }
        for e in &self.certificates {
            if let Some(r) = &e.revoked {
                events.push(Event::Revoked { serial: e.serial.clone(), at: r.at.clone(), reason: r.reason.clone() });
            }
            if let Some(by) = &e.superseded_by {
                events.push(Event::Superseded { serial: e.serial.clone(), by: by.clone() });
            }
        }
        for (issuer, number) in &self.crl_numbers {
            events.push(Event::CrlNumber { issuer: issuer.clone(), number: *number });
        }
        events
    }

    /// The entry with this serial (any case, colons and leading zeros ignored).
    pub fn find(&self, serial: &str) -> Option<&LedgerEntry> {
        let want = normalize_serial(serial);
        self.certificates.iter().find(|c| normalize_serial(&c.serial) == want)
    }

    fn find_mut(&mut self, serial: &str) -> Option<&mut LedgerEntry> {
        let want = normalize_serial(serial);
        self.certificates.iter_mut().find(|c| normalize_serial(&c.serial) == want)
    }
}

/// The first line must be the version-2 header.
fn check_header(path: &Path, bytes: &[u8]) -> Result<()> {
    if bytes.starts_with(HEADER.as_bytes()) {
        return Ok(());
    }
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    #[derive(Deserialize)]
    struct Header {
        pki_ledger: u32,
    }
    let reason = match serde_json::from_slice::<Header>(first) {
        Ok(h) => format!(
            "format version {} is not supported by this pki (it reads versions 1 and {LEDGER_VERSION})",
            h.pki_ledger
        ),
        Err(_) if bytes.is_empty() => "the file is empty (its first line should be {\"pki_ledger\":2})".into(),
        Err(_) => "the first line is not {\"pki_ledger\":2}: this is not a pki ledger".into(),
    };
    Err(Error::Ledger { path: path.to_path_buf(), reason })
}

/// Write a new, empty ledger into `ca_dir` (which must not have one).
pub fn create_empty(ca_dir: &Path) -> Result<()> {
    // The CA's own files are synced; so is the file that every later append extends.
    fsutil::write_public(&ca_dir.join(FILE_NAME), HEADER.as_bytes(), false)
}

/// Create an empty ledger in `ca_dir` unless it has one (the caller holds the CA lock).
pub fn ensure_exists(ca_dir: &Path) -> Result<()> {
    if ca_dir.join(FILE_NAME).exists() || ca_dir.join(LEGACY_FILE_NAME).exists() {
        return Ok(());
    }
    create_empty(ca_dir)
}

/// Check, without the lock and without reading it all, that the ledger of `ca_dir`
/// is one this build can append to: so a damaged ledger stops a command before it
/// creates anything. (Every line is read by `list`, `revoke`, `crl` and `renew`.)
pub fn precheck(ca_dir: &Path) -> Result<()> {
    let path = ca_dir.join(FILE_NAME);
    match File::open(&path) {
        Ok(f) => {
            let mut head = Vec::with_capacity(HEADER.len());
            f.take(HEADER.len() as u64).read_to_end(&mut head).map_err(|e| Error::io(&path, "read", e))?;
            check_header(&path, &head)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ledger::load_legacy(ca_dir).map(drop),
        Err(e) => Err(Error::io(&path, "open", e)),
    }
}

/// The ledger open for appending: only while the caller holds the CA lock.
#[derive(Debug)]
pub struct Appender {
    file: File,
    path: PathBuf,
    /// The length before this writer's first append, to take it back.
    start: u64,
}

impl Appender {
    /// Open the ledger of `ca_dir` to append to it (the caller holds the CA lock):
    /// check its header, cut off a last line left incomplete by a crash, and convert a
    /// version-1 ledger (or create an empty ledger when there is none).
    pub fn open(ca_dir: &Path) -> Result<Appender> {
        let path = ca_dir.join(FILE_NAME);
        let file = match OpenOptions::new().read(true).append(true).open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                convert_legacy(ca_dir)?;
                OpenOptions::new().read(true).append(true).open(&path).map_err(|e| Error::io(&path, "open", e))?
            }
            Err(e) => return Err(Error::io(&path, "open", e)),
        };
        let io = |what: &'static str| {
            let path = &path;
            move |e: std::io::Error| Error::io(path, what, e)
        };
        let len = file.metadata().map_err(io("read"))?.len();
        let mut head = vec![0u8; HEADER.len().min(len as usize)];
        file.read_exact_at(&mut head, 0).map_err(io("read"))?;
        check_header(&path, &head)?;
        let start = whole_length(&file, len).map_err(io("read"))?;
        if start != len {
            file.set_len(start).map_err(io("truncate"))?;
        }
        Ok(Appender { file, path, start })
    }

    /// Append one event as one line, in one write.
    pub fn append(&mut self, event: &Event) -> Result<()> {
        let mut line = serde_json::to_vec(event).map_err(|e| Error::crypto("ledger encoding", e))?;
        line.push(b'\n');
        // Renamed-and-not-synced files have the same durability (see fsutil::Durability):
        // a power cut may lose the newest lines, never garble older ones.
        self.file.write_all(&line).map_err(|e| Error::io(&self.path, "append to", e))
    }

    /// Take back every line this appender wrote (its command failed after recording).
    pub fn roll_back(self) {
        let _ = self.file.set_len(self.start);
    }
}

/// The length of `file` up to and including its last '\n' (the header always has one).
fn whole_length(file: &File, len: u64) -> std::io::Result<u64> {
    let mut end = len;
    let mut buf = [0u8; 4096];
    while end > HEADER.len() as u64 {
        let from = end.saturating_sub(buf.len() as u64).max(HEADER.len() as u64 - 1);
        let chunk = &mut buf[..(end - from) as usize];
        file.read_exact_at(chunk, from)?;
        if let Some(i) = chunk.iter().rposition(|b| *b == b'\n') {
            return Ok(from + i as u64 + 1);
        }
        end = from;
    }
    Ok(HEADER.len() as u64)
}

/// Replace a version-1 `ledger.json` by the same ledger as `ledger.jsonl` (or create an
/// empty one when there is no ledger at all). The caller holds the CA lock.
fn convert_legacy(ca_dir: &Path) -> Result<()> {
    let legacy = ca_dir.join(LEGACY_FILE_NAME);
    let ledger = Ledger::load_legacy(ca_dir)?;
    let mut text = HEADER.as_bytes().to_vec();
    for event in ledger.to_events() {
        serde_json::to_writer(&mut text, &event).map_err(|e| Error::crypto("ledger encoding", e))?;
        text.push(b'\n');
    }
    fsutil::write_public(&ca_dir.join(FILE_NAME), &text, false)?;
    match std::fs::remove_file(&legacy) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(&legacy, "remove", e)),
        _ => Ok(()),
    }
}

/// A serial as the ledger writes it: lowercase hex, no separators, no leading zeros.
pub fn normalize_serial(s: &str) -> String {
    let hex: String = s.chars().filter(|c| *c != ':').collect::<String>().to_ascii_lowercase();
    let trimmed = hex.trim_start_matches('0');
    if trimmed.is_empty() { "0".into() } else { trimmed.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(serial: &str) -> LedgerEntry {
        LedgerEntry {
            serial: serial.into(),
            profile: Profile::Server,
            subject: "CN=a".into(),
            sans: vec!["a".into()],
            not_before: "2026-01-01T00:00:00Z".into(),
            not_after: "2027-01-01T00:00:00Z".into(),
            issuer: "root".into(),
            fingerprint_sha256: "00".into(),
            path: None,
            issued_at: "2026-01-01T00:00:00Z".into(),
            revoked: None,
            superseded_by: None,
        }
    }

    #[test]
    fn events_fold_and_a_cut_last_line_is_skipped_then_cut_off() {
        let dir = tempfile::tempdir().unwrap();
        create_empty(dir.path()).unwrap();
        let mut a = Appender::open(dir.path()).unwrap();
        a.append(&Event::Issued(Box::new(entry("0a")))).unwrap();
        a.append(&Event::Revoked { serial: "0A".into(), at: "t".into(), reason: "superseded".into() }).unwrap();
        a.append(&Event::CrlNumber { issuer: "root".into(), number: 3 }).unwrap();
        drop(a);
        let path = dir.path().join(FILE_NAME);
        let whole = std::fs::read(&path).unwrap();
        std::fs::write(&path, [&whole[..], b"{\"event\":\"iss"].concat()).unwrap();
        let l = Ledger::load(dir.path()).unwrap();
        assert_eq!(l.certificates.len(), 1);
        assert_eq!(l.certificates[0].revoked.as_ref().unwrap().reason, "superseded");
        assert_eq!(l.crl_numbers["root"], 3);
        let mut a = Appender::open(dir.path()).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), whole, "the cut line is removed before appending");
        a.append(&Event::Issued(Box::new(entry("0b")))).unwrap();
        a.roll_back();
        assert_eq!(std::fs::read(&path).unwrap(), whole, "roll_back takes the appended line back");
    }

    #[test]
    fn a_version_1_ledger_is_read_and_converted_on_first_write() {
        let dir = tempfile::tempdir().unwrap();
        let mut revoked = entry("1");
        revoked.revoked = Some(Revocation { at: "t".into(), reason: "key-compromise".into() });
        let mut renewed = entry("2");
        renewed.superseded_by = Some("3".into());
        let v1 = Ledger {
            version: 1,
            certificates: vec![revoked, renewed, entry("3")],
            crl_numbers: [("root".to_string(), 7)].into(),
        };
        std::fs::write(dir.path().join(LEGACY_FILE_NAME), serde_json::to_vec(&v1).unwrap()).unwrap();
        let read = Ledger::load(dir.path()).unwrap();
        assert_eq!(read.certificates, v1.certificates);
        precheck(dir.path()).unwrap();
        Appender::open(dir.path()).unwrap();
        assert!(!dir.path().join(LEGACY_FILE_NAME).exists());
        let converted = Ledger::load(dir.path()).unwrap();
        assert_eq!(converted.certificates, v1.certificates);
        assert_eq!(converted.crl_numbers, v1.crl_numbers);
    }

    #[test]
    fn damage_is_named_by_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        for (text, want) in [
            ("", "the file is empty"),
            ("{junk\n", "this is not a pki ledger"),
            ("{\"pki_ledger\":3}\n", "format version 3 is not supported"),
            ("{\"pki_ledger\":2}\n{\"event\":\"issued\"}\n", "line 2 is not a ledger event"),
            (
                "{\"pki_ledger\":2}\n{\"event\":\"superseded\",\"serial\":\"1\",\"by\":\"2\"}\n",
                "line 2: renews serial 1",
            ),
        ] {
            std::fs::write(&path, text).unwrap();
            let err = Ledger::load(dir.path()).unwrap_err().to_string();
            assert!(err.contains(want), "{text:?}: {err}");
        }
    }
}
