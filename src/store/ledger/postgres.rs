//! The ledger in PostgreSQL: one row per [`Event`], holding the very JSON line the file
//! ledger would hold, so that `pki ledger export` gives back a `ledger.jsonl`.
//!
//! Rows carry the root certificate's SHA-256 fingerprint (`ca`), so one database holds
//! several CAs and a root replaced by `ca init --force` starts an empty ledger without
//! deleting anything. Unique indexes make the database refuse a serial issued twice by
//! an issuer, or a CRL number used twice. A session is a transaction holding
//! `pg_advisory_xact_lock` on a key from the fingerprint (writers on every machine take
//! turns) and, as the file ledger does, the CA directory's local lock. Reads are plain
//! SELECTs. Every connection has a 10 s connect limit, TCP keepalives and server-side
//! statement, lock and idle-transaction timeouts, so nothing waits for ever.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use postgres::{Client, NoTls};

use super::{Event, HEADER, Ledger, LedgerEntry, LedgerSession, LedgerStore, normalize_serial};
use crate::error::{DbErrorKind, Error, Result};
use crate::keys::Passphrase;
use crate::store::lock::CaLock;

pub use super::pgurl::PgTarget;

/// The schema version this build creates and reads.
pub const SCHEMA_VERSION: i32 = 1;

/// How long connecting may take, all told.
const CONNECT_LIMIT: Duration = Duration::from_secs(10);

/// Server-side limits for every session (milliseconds): a statement, a lock wait, and a
/// transaction left idle by a client that died or hung (its locks are then released).
const SESSION_OPTIONS: &str =
    "-c statement_timeout=30000 -c lock_timeout=30000 -c idle_in_transaction_session_timeout=60000";

/// The advisory lock key that serialises schema creation.
const SCHEMA_LOCK: i64 = 0x706b_695f_7363_6865; // "pki_sche"

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS pki_schema (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    version integer NOT NULL
);
INSERT INTO pki_schema (version) VALUES (1) ON CONFLICT (id) DO NOTHING;
CREATE TABLE IF NOT EXISTS pki_ledger (
    seq bigserial PRIMARY KEY,
    ca text NOT NULL,
    kind text NOT NULL,
    issuer text,
    serial text,
    crl_number bigint,
    event text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS pki_ledger_issued_serial ON pki_ledger (ca, issuer, serial) WHERE kind = 'issued';
CREATE UNIQUE INDEX IF NOT EXISTS pki_ledger_crl_number ON pki_ledger (ca, issuer, crl_number) WHERE kind = 'crl-number';
CREATE INDEX IF NOT EXISTS pki_ledger_by_serial ON pki_ledger (ca, serial);
";

/// Where the ledger database's password comes from. `commands/` implements it (a file,
/// `PGPASSWORD`, `~/.pgpass`); the store asks once per connection.
pub trait PasswordSource: std::fmt::Debug + Send + Sync {
    /// The password for `target` and where it came from (for messages), or None.
    fn password(&self, target: &PgTarget) -> Result<Option<(Passphrase, String)>>;

    /// libpq's directory of default TLS files (`~/.postgresql`: `root.crt`,
    /// `postgresql.crt`, `postgresql.key`), used when the URL names none.
    fn libpq_dir(&self) -> Option<PathBuf> {
        None
    }
}

/// The ledger of one CA in a PostgreSQL database.
pub struct PgLedger {
    /// The CA directory: where the local lock is.
    dir: PathBuf,
    /// The server, database and user.
    target: PgTarget,
    /// The root certificate's SHA-256 fingerprint, lowercase hex.
    ca: String,
    /// The password's source.
    passwords: Option<Arc<dyn PasswordSource>>,
    /// A connection kept for the next operation of this command.
    client: RefCell<Option<Client>>,
}

impl std::fmt::Debug for PgLedger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgLedger").field("target", &self.target.server()).field("ca", &self.ca).finish_non_exhaustive()
    }
}

impl PgLedger {
    /// The ledger of the CA whose root has fingerprint `ca`, in the CA directory `dir`.
    pub fn new(dir: &Path, target: PgTarget, ca: String, passwords: Option<Arc<dyn PasswordSource>>) -> PgLedger {
        PgLedger { dir: dir.to_path_buf(), target, ca, passwords, client: RefCell::new(None) }
    }

    /// Create the tables unless they are there (`ca init --ledger`); idempotent.
    pub fn create_schema(&self) -> Result<()> {
        let mut c = self.open()?;
        let mut tx = c.transaction().map_err(|e| self.query_error(e))?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK]).map_err(|e| self.query_error(e))?;
        tx.batch_execute(SCHEMA).map_err(|e| self.query_error(e))?;
        tx.commit().map_err(|e| self.query_error(e))?;
        self.check_schema(&mut c)?;
        self.client.replace(Some(c));
        Ok(())
    }

    /// A connection: the one kept, else a new one with the schema checked.
    fn client(&self) -> Result<Client> {
        if let Ok(mut kept) = self.client.try_borrow_mut()
            && let Some(c) = kept.take()
            && !c.is_closed()
        {
            return Ok(c);
        }
        let mut c = self.open()?;
        self.check_schema(&mut c)?;
        Ok(c)
    }

    /// Keep a connection for the next operation.
    fn keep(&self, c: Client) {
        if let Ok(mut kept) = self.client.try_borrow_mut() {
            *kept = Some(c);
        }
    }

    /// Connect, within [`CONNECT_LIMIT`] whatever the server does.
    fn open(&self) -> Result<Client> {
        let mut config = self.target.config.clone();
        let password = match &self.passwords {
            Some(p) => p.password(&self.target)?,
            None => None,
        };
        let libpq_dir = self.passwords.as_ref().and_then(|p| p.libpq_dir());
        let tls = super::pgtls::connector(&self.target, libpq_dir.as_deref())?;
        let checks = tls.as_ref().map(|(_, c)| c.clone()).unwrap_or_default();
        let source = match &password {
            Some((pw, source)) => {
                config.password(pw.as_bytes());
                source.clone()
            }
            None => "no source: no --ledger-password-file, PGPASSWORD or ~/.pgpass entry".to_string(),
        };
        config
            .connect_timeout(CONNECT_LIMIT)
            .tcp_user_timeout(CONNECT_LIMIT)
            .keepalives(true)
            .keepalives_idle(Duration::from_secs(5))
            .keepalives_interval(Duration::from_secs(2))
            .keepalives_retries(3)
            .options(SESSION_OPTIONS);
        // The driver bounds the TCP connect only; a server that accepts and then says
        // nothing is bounded here. A connection left behind ends with the process.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(match tls {
                Some((tls, _)) => config.connect(tls),
                None => config.connect(NoTls),
            });
        });
        match rx.recv_timeout(CONNECT_LIMIT) {
            Ok(Ok(c)) => Ok(c),
            Ok(Err(e)) => Err(self.connect_error(&e, source, &checks)),
            Err(_) => Err(self.target.error(DbErrorKind::Unreachable("no answer".into()))),
        }
    }

    /// A failed connection as the user needs it: unreachable, refused credentials, no
    /// such database.
    fn connect_error(&self, e: &postgres::Error, source: String, checks: &str) -> Error {
        let user = self.target.user.clone();
        if let Some(db) = e.as_db_error() {
            let code = db.code().code();
            if code.starts_with("28") && db.message().ends_with("no encryption") {
                let why = format!("the server takes this user over TLS only ({})", db.message());
                return self.target.error(DbErrorKind::Tls(why));
            }
            if code.starts_with("28") {
                return self.target.error(DbErrorKind::Auth { user, source, detail: db.message().to_string() });
            }
            if code == "3D000" {
                return self.target.error(DbErrorKind::Schema(db.message().to_string()));
            }
            return self.target.error(DbErrorKind::Unreachable(db.message().to_string()));
        }
        let detail = describe(e);
        if super::pgtls::is_tls(&detail) {
            return self.target.error(DbErrorKind::Tls(super::pgtls::explain(&detail, checks)));
        }
        if detail.contains("password missing") {
            return self.target.error(DbErrorKind::Auth {
                user,
                source,
                detail: "the server asks for a password".into(),
            });
        }
        self.target.error(DbErrorKind::Unreachable(detail))
    }

    /// A failed query: a unique index's refusal, or anything else (a lost connection).
    fn query_error(&self, e: postgres::Error) -> Error {
        if let Some(db) = e.as_db_error() {
            if db.code().code() == "23505" {
                let what = match db.constraint() {
                    Some("pki_ledger_crl_number") => "this CRL number for this issuer",
                    _ => "this serial for this issuer",
                };
                return self.target.error(DbErrorKind::Duplicate(what.into()));
            }
            if db.code().code() == "42P01" {
                return self.no_ledger();
            }
            return self.target.error(DbErrorKind::Query(db.message().to_string()));
        }
        self.target.error(DbErrorKind::Query(describe(&e)))
    }

    fn no_ledger(&self) -> Error {
        self.target.error(DbErrorKind::Schema(format!("database '{}' holds no pki ledger", self.target.dbname)))
    }

    /// The schema must be there, and of a version this build reads.
    fn check_schema(&self, c: &mut Client) -> Result<()> {
        let row = c.query_opt("SELECT version FROM pki_schema", &[]).map_err(|e| self.query_error(e))?;
        match row.map(|r| r.get::<_, i32>(0)) {
            Some(SCHEMA_VERSION) => Ok(()),
            Some(v) => Err(self.target.error(DbErrorKind::Schema(format!(
                "its ledger schema is version {v}; this pki reads version {SCHEMA_VERSION}"
            )))),
            None => Err(self.no_ledger()),
        }
    }

    /// Every event of this CA, in order, as recorded (the JSON lines).
    fn lines(&self, c: &mut Client) -> Result<Vec<(i64, String)>> {
        let rows = c
            .query("SELECT seq, event FROM pki_ledger WHERE ca = $1 ORDER BY seq", &[&self.ca])
            .map_err(|e| self.query_error(e))?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    /// The events of one serial, in order.
    fn lines_of(&self, c: &mut Client, serial: &str) -> Result<Vec<(i64, String)>> {
        let rows = c
            .query(
                "SELECT seq, event FROM pki_ledger WHERE ca = $1 AND serial = $2 ORDER BY seq",
                &[&self.ca, &normalize_serial(serial)],
            )
            .map_err(|e| self.query_error(e))?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    /// Fold recorded lines (a row's `seq` stands for the line number in messages).
    fn fold(&self, lines: Vec<(i64, String)>) -> Result<Ledger> {
        let location = PathBuf::from(&self.target.url);
        let mut ledger = Ledger::new(location.clone());
        for (seq, text) in lines {
            let line = usize::try_from(seq).unwrap_or(usize::MAX);
            let bad = |problem| Error::Ledger { path: location.clone(), problem };
            let event: Event =
                serde_json::from_str(&text).map_err(|source| bad(super::LedgerProblem::BadLine { line, source }))?;
            ledger.apply(event, line).map_err(bad)?;
        }
        Ok(ledger)
    }

    /// Run `f` on a connection, kept afterwards.
    fn with<T>(&self, f: impl FnOnce(&mut Client) -> Result<T>) -> Result<T> {
        let mut c = self.client()?;
        let out = f(&mut c);
        self.keep(c);
        out
    }

    /// The advisory lock key of this CA: the fingerprint's first 8 bytes.
    fn lock_key(&self) -> i64 {
        let hex = self.ca.get(..16).unwrap_or("0");
        u64::from_str_radix(hex, 16).unwrap_or(0) as i64
    }
}

/// A driver error with its causes, on one line.
fn describe(e: &postgres::Error) -> String {
    let mut s = e.to_string();
    let mut cur = std::error::Error::source(e);
    while let Some(c) = cur {
        let t = c.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        cur = c.source();
    }
    s
}

impl LedgerStore for PgLedger {
    fn precheck(&self) -> Result<()> {
        self.with(|_| Ok(()))
    }

    fn begin(&self) -> Result<Box<dyn LedgerSession + '_>> {
        let mut c = self.client()?;
        crate::store::fsutil::create_private_dir(&self.dir)?;
        let lock = CaLock::exclusive(&self.dir)?;
        crate::store::remove_temporaries(&self.dir);
        c.batch_execute("BEGIN").map_err(|e| self.query_error(e))?;
        c.execute("SELECT pg_advisory_xact_lock($1)", &[&self.lock_key()]).map_err(|e| self.query_error(e))?;
        Ok(Box::new(PgSession { store: self, client: RefCell::new(Some(c)), done: false, _lock: lock }))
    }

    fn ensure_exists(&self) -> Result<()> {
        self.create_schema()
    }

    fn load(&self) -> Result<Ledger> {
        let lines = self.with(|c| self.lines(c))?;
        self.fold(lines)
    }

    fn find(&self, serial: &str) -> Result<Option<LedgerEntry>> {
        let lines = self.with(|c| self.lines_of(c, serial))?;
        Ok(self.fold(lines)?.find(serial).cloned())
    }

    fn export(&self) -> Result<Vec<u8>> {
        let lines = self.with(|c| self.lines(c))?;
        let mut out = HEADER.as_bytes().to_vec();
        for (_, text) in lines {
            out.extend_from_slice(text.as_bytes());
            out.push(b'\n');
        }
        Ok(out)
    }
}

/// One transaction holding the CA's advisory lock and its local lock.
struct PgSession<'a> {
    store: &'a PgLedger,
    /// The connection, until the session ends (a cell: the driver queries through &mut).
    client: RefCell<Option<Client>>,
    /// Committed already.
    done: bool,
    /// Released after the transaction ends (fields drop after `Drop::drop`).
    _lock: CaLock,
}

impl PgSession<'_> {
    /// Run `f` on the session's connection.
    fn with<T>(&self, f: impl FnOnce(&mut Client) -> Result<T>) -> Result<T> {
        let mut held = self.client.borrow_mut();
        match held.as_mut() {
            Some(c) => f(c),
            None => Err(self.store.target.error(DbErrorKind::Query("the session has ended".into()))),
        }
    }
}

impl LedgerSession for PgSession<'_> {
    fn load(&self) -> Result<Ledger> {
        let lines = self.with(|c| self.store.lines(c))?;
        self.store.fold(lines)
    }

    fn find(&self, serial: &str) -> Result<Option<LedgerEntry>> {
        let lines = self.with(|c| self.store.lines_of(c, serial))?;
        Ok(self.store.fold(lines)?.find(serial).cloned())
    }

    fn append(&mut self, event: &Event) -> Result<()> {
        let text = serde_json::to_string(event).map_err(|e| Error::crypto("ledger encoding", e))?;
        let (kind, issuer, serial, number): (&str, Option<&str>, Option<String>, Option<i64>) = match event {
            Event::Issued(e) => ("issued", Some(e.issuer.as_str()), Some(normalize_serial(&e.serial)), None),
            Event::Revoked { serial, .. } => ("revoked", None, Some(normalize_serial(serial)), None),
            Event::Superseded { serial, .. } => ("superseded", None, Some(normalize_serial(serial)), None),
            Event::CrlNumber { issuer, number } => {
                ("crl-number", Some(issuer.as_str()), None, Some(i64::try_from(*number).unwrap_or(i64::MAX)))
            }
        };
        let store = self.store;
        self.with(|c| {
            c.execute(
                "INSERT INTO pki_ledger (ca, kind, issuer, serial, crl_number, event) VALUES ($1, $2, $3, $4, $5, $6)",
                &[&store.ca, &kind, &issuer, &serial, &number, &text],
            )
            .map(|_| ())
            .map_err(|e| store.query_error(e))
        })
    }

    fn commit(mut self: Box<Self>) -> Result<()> {
        self.done = true;
        let store = self.store;
        self.with(|c| c.batch_execute("COMMIT").map_err(|e| store.query_error(e)))
    }

    fn roll_back(self: Box<Self>) {}
}

impl Drop for PgSession<'_> {
    fn drop(&mut self) {
        if let Some(mut c) = self.client.get_mut().take() {
            if !self.done {
                let _ = c.batch_execute("ROLLBACK");
            }
            self.store.keep(c);
        }
    }
}
