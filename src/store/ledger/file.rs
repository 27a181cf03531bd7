//! The ledger as a JSON Lines file, `ledger.jsonl` in the CA directory.
//!
//! The first line is a header, `{"pki_ledger":2}`. Every other line is one [`Event`].
//! Writers (under the CA lock) only ever append one whole line with a single `write`, so
//! issuing costs the same with ten entries as with ten thousand, and nothing already
//! recorded is rewritten. A line cut short by a crash has no newline yet: readers skip it
//! and the next writer cuts it off before appending.
//!
//! [`LedgerStore::find`] does not parse every line: it looks for the bytes
//! `"serial":"HEX"` (serials are recorded as lowercase hex) and parses only the lines
//! that hold them, so revoking or renewing costs a read of the file, not a parse of it.
//! A serial recorded in another form (upper case, by hand) is still found, by folding
//! the whole ledger when the quick look finds nothing.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{Event, Ledger, LedgerEntry, LedgerProblem, LedgerSession, LedgerStore, Revocation, normalize_serial};
use crate::error::{Error, Result};
use crate::store::fsutil;
use crate::store::lock::CaLock;

/// The first line of a ledger (all of an empty one).
pub const HEADER: &str = "{\"pki_ledger\":2}\n";

/// The ledger's file name in the CA directory.
pub const FILE_NAME: &str = "ledger.jsonl";

/// The ledger file of a CA directory (which may not exist yet).
#[derive(Clone, Debug)]
pub struct FileLedger {
    /// The CA directory: where the lock is.
    dir: PathBuf,
    /// `ledger.jsonl`.
    path: PathBuf,
}

impl FileLedger {
    /// The ledger of the CA directory `dir`.
    pub fn new(dir: &Path) -> FileLedger {
        FileLedger { dir: dir.to_path_buf(), path: dir.join(FILE_NAME) }
    }

    /// The file's bytes, or None when there is no ledger yet.
    fn read(&self) -> Result<Option<Vec<u8>>> {
        match std::fs::read(&self.path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(&self.path, "read", e)),
        }
    }
}

impl LedgerStore for FileLedger {
    fn precheck(&self) -> Result<()> {
        match open_read(&self.path) {
            Ok(f) => {
                let mut head = Vec::with_capacity(HEADER.len());
                f.take(HEADER.len() as u64).read_to_end(&mut head).map_err(|e| Error::io(&self.path, "read", e))?;
                check_header(&self.path, &head)
            }
            // The session creates it.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io(&self.path, "open", e)),
        }
    }

    fn begin(&self) -> Result<Box<dyn LedgerSession + '_>> {
        fsutil::create_private_dir(&self.dir)?;
        let lock = CaLock::exclusive(&self.dir)?;
        crate::store::remove_temporaries(&self.dir);
        Ok(Box::new(FileSession::open(&self.path, lock)?))
    }

    fn ensure_exists(&self) -> Result<()> {
        if self.path.exists() {
            return Ok(());
        }
        create_empty(&self.path)
    }

    fn load(&self) -> Result<Ledger> {
        match self.read()? {
            Some(bytes) => fold(&self.path, &bytes),
            None => Ok(Ledger::new(self.path.clone())),
        }
    }

    fn find(&self, serial: &str) -> Result<Option<LedgerEntry>> {
        let file = match open_read(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(&self.path, "open", e)),
        };
        match scan_for(&self.path, file, serial)? {
            Some(e) => Ok(Some(e)),
            // Not written as this build writes serials (or not there): fold it all.
            None => Ok(self.load()?.find(serial).cloned()),
        }
    }

    fn export(&self) -> Result<Vec<u8>> {
        let Some(bytes) = self.read()? else { return Ok(HEADER.as_bytes().to_vec()) };
        check_header(&self.path, &bytes)?;
        let mut out = HEADER.as_bytes().to_vec();
        out.extend_from_slice(whole_body(&bytes));
        Ok(out)
    }
}

/// Write a new, empty ledger at `path` (which must not exist).
fn create_empty(path: &Path) -> Result<()> {
    // Synced, as the CA's own files are: every later append extends it.
    fsutil::write_public(path, HEADER.as_bytes(), false)
}

/// The first line must be the header.
fn check_header(path: &Path, bytes: &[u8]) -> Result<()> {
    if bytes.starts_with(HEADER.as_bytes()) {
        return Ok(());
    }
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    #[derive(Deserialize)]
    struct Header {
        pki_ledger: u32,
    }
    let problem = match serde_json::from_slice::<Header>(first) {
        Ok(h) => LedgerProblem::Version { found: h.pki_ledger, supported: super::LEDGER_VERSION },
        Err(_) if bytes.is_empty() => LedgerProblem::Empty,
        Err(_) => LedgerProblem::NotALedger,
    };
    Err(Error::Ledger { path: path.to_path_buf(), problem })
}

/// The lines after the header that end in '\n': a last line without one is an append
/// cut short, skipped here and cut off by the next writer.
fn whole_body(bytes: &[u8]) -> &[u8] {
    let body = &bytes[HEADER.len()..];
    body.iter().rposition(|b| *b == b'\n').map_or(&body[..0], |i| &body[..=i])
}

/// The event on line `line` (counted from 1, the header).
fn parse_line(path: &Path, text: &[u8], line: usize) -> Result<Event> {
    serde_json::from_slice(text)
        .map_err(|source| Error::Ledger { path: path.to_path_buf(), problem: LedgerProblem::BadLine { line, source } })
}

/// Fold every event of a ledger file's bytes.
fn fold(path: &Path, bytes: &[u8]) -> Result<Ledger> {
    check_header(path, bytes)?;
    let mut ledger = Ledger::new(path.to_path_buf());
    for (i, text) in whole_body(bytes).split(|b| *b == b'\n').enumerate() {
        if text.is_empty() {
            continue;
        }
        let event = parse_line(path, text, i + 2)?;
        ledger.apply(event, i + 2).map_err(|problem| Error::Ledger { path: path.to_path_buf(), problem })?;
    }
    Ok(ledger)
}

/// How much of the file [`scan_for`] reads at a time: one buffer, reused, rather than the
/// whole file (at 20,000 entries, faulting in a buffer of the file's size cost more than
/// reading it).
pub(super) const CHUNK: usize = 256 * 1024;

/// The entry with `serial`, from the lines that name it (see the module's comment); None
/// when no line names it in the form pki writes.
fn scan_for(path: &Path, mut src: impl Read, serial: &str) -> Result<Option<LedgerEntry>> {
    let want = normalize_serial(serial);
    let needle = format!("{want}\"");
    let finder = memchr::memmem::Finder::new(needle.as_bytes());
    let key = b"\"serial\":\"";
    let mut entry: Option<LedgerEntry> = None;
    // `buf` always starts at the start of a line; `lines_before` lines precede it.
    let mut buf: Vec<u8> = Vec::with_capacity(2 * CHUNK);
    let mut lines_before = 1;
    let mut header_checked = false;
    loop {
        let old = buf.len();
        buf.resize(old + CHUNK, 0);
        let n = loop {
            match src.read(&mut buf[old..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::io(path, "read", e)),
            }
        };
        buf.truncate(old + n);
        if !header_checked {
            if n > 0 && buf.len() < HEADER.len() {
                continue;
            }
            check_header(path, &buf)?;
            buf.drain(..HEADER.len());
            header_checked = true;
        }
        if n == 0 {
            // What is left has no newline: an append cut short, skipped.
            break;
        }
        let Some(last) = memchr::memrchr(b'\n', &buf) else { continue };
        let whole = &buf[..=last];
        let mut last_line = None;
        for at in finder.find_iter(whole) {
            // Leading zeros are the same serial; anything else before it is another serial.
            let start = at - whole[..at].iter().rev().take_while(|b| **b == b'0').count();
            if !whole[..start].ends_with(key) {
                continue;
            }
            let from = memchr::memrchr(b'\n', &whole[..at]).map_or(0, |i| i + 1);
            if last_line == Some(from) {
                continue;
            }
            last_line = Some(from);
            let to = at + memchr::memchr(b'\n', &whole[at..]).unwrap_or(whole.len() - at);
            // Counted only for messages.
            let line = lines_before + memchr::memchr_iter(b'\n', &whole[..from]).count() + 1;
            let never = |serial: String, what| Error::Ledger {
                path: path.to_path_buf(),
                problem: LedgerProblem::NeverIssued { line, serial, what },
            };
            match parse_line(path, &whole[from..to], line)? {
                Event::Issued(e) if normalize_serial(&e.serial) == want => {
                    entry.get_or_insert(*e);
                }
                Event::Revoked { serial, at, reason } if normalize_serial(&serial) == want => match &mut entry {
                    Some(e) => e.revoked = Some(Revocation { at, reason }),
                    None => return Err(never(serial, "revokes")),
                },
                Event::Superseded { serial, by } if normalize_serial(&serial) == want => match &mut entry {
                    Some(e) => e.superseded_by = Some(by),
                    None => return Err(never(serial, "renews")),
                },
                _ => {}
            }
        }
        lines_before += memchr::memchr_iter(b'\n', whole).count();
        buf.drain(..=last);
    }
    Ok(entry)
}

/// Reads a file from its start by position, whatever the file's own offset.
struct ReadAt<'a> {
    file: &'a File,
    pos: u64,
}

impl Read for ReadAt<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.file.read_at(buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

/// The ledger file open for appending, holding the CA lock.
#[derive(Debug)]
struct FileSession {
    file: File,
    path: PathBuf,
    /// The length before this session's first append, to take it back.
    start: u64,
    /// Whether anything was appended.
    appended: bool,
    /// Whether the appends are to be kept.
    committed: bool,
    /// Released after `drop` has rolled back (fields drop after `Drop::drop`).
    _lock: CaLock,
}

impl FileSession {
    /// Open the ledger at `path` to append to it: create it if missing, check its
    /// header and cut off a last line left incomplete by a crash.
    fn open(path: &Path, lock: CaLock) -> Result<FileSession> {
        // Never through a symlink planted in the CA directory.
        let open = || OpenOptions::new().read(true).append(true).custom_flags(libc::O_NOFOLLOW).open(path);
        let file = match open() {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                create_empty(path)?;
                open().map_err(|e| Error::io(path, "open", e))?
            }
            Err(e) => return Err(Error::io(path, "open", e)),
        };
        let io = |what: &'static str| move |e: std::io::Error| Error::io(path, what, e);
        let len = file.metadata().map_err(io("read"))?.len();
        let mut head = vec![0u8; HEADER.len().min(len as usize)];
        file.read_exact_at(&mut head, 0).map_err(io("read"))?;
        check_header(path, &head)?;
        let start = whole_length(&file, len).map_err(io("read"))?;
        if start != len {
            file.set_len(start).map_err(io("truncate"))?;
        }
        Ok(FileSession { file, path: path.to_path_buf(), start, appended: false, committed: false, _lock: lock })
    }
}

impl LedgerSession for FileSession {
    fn load(&self) -> Result<Ledger> {
        fold(&self.path, &self.read_all()?)
    }

    fn find(&self, serial: &str) -> Result<Option<LedgerEntry>> {
        match scan_for(&self.path, ReadAt { file: &self.file, pos: 0 }, serial)? {
            Some(e) => Ok(Some(e)),
            None => Ok(LedgerSession::load(self)?.find(serial).cloned()),
        }
    }

    fn append(&mut self, event: &Event) -> Result<()> {
        let mut line = serde_json::to_vec(event).map_err(|e| Error::crypto("ledger encoding", e))?;
        line.push(b'\n');
        self.appended = true;
        // Renamed-and-not-synced files have the same durability (see fsutil::Durability):
        // a power cut may lose the newest lines, never garble older ones.
        self.file.write_all(&line).map_err(|e| Error::io(&self.path, "append to", e))
    }

    fn commit(mut self: Box<Self>) -> Result<()> {
        self.committed = true;
        Ok(())
    }

    fn roll_back(self: Box<Self>) {}
}

impl FileSession {
    /// The whole file, read from its start whatever the file position.
    fn read_all(&self) -> Result<Vec<u8>> {
        let len = self.file.metadata().map_err(|e| Error::io(&self.path, "read", e))?.len();
        let mut bytes = vec![0u8; len as usize];
        self.file.read_exact_at(&mut bytes, 0).map_err(|e| Error::io(&self.path, "read", e))?;
        Ok(bytes)
    }
}

impl Drop for FileSession {
    fn drop(&mut self) {
        if self.appended && !self.committed {
            let _ = self.file.set_len(self.start);
        }
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

/// Open the ledger to read it, never through a symlink.
fn open_read(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().read(true).custom_flags(libc::O_NOFOLLOW).open(path)
}
