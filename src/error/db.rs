//! Why the ledger database (PostgreSQL) could not be used: the reason inside
//! [`super::Error::Db`], always naming the server.

use std::fmt;

/// A failure of the PostgreSQL ledger, with the server it concerns.
#[derive(Debug)]
pub struct DbError {
    /// `HOST:PORT` (or the socket directory), or the URL as given when it does not parse.
    pub target: String,
    /// What went wrong.
    pub kind: DbErrorKind,
}

/// What went wrong with the ledger database.
#[derive(Debug)]
pub enum DbErrorKind {
    /// The URL is not one pki accepts.
    BadUrl(String),
    /// The URL holds a password.
    PasswordInUrl,
    /// No connection within the time limit, or refused.
    Unreachable(String),
    /// TLS to the server failed: what failed, and what was checked.
    Tls(String),
    /// The server refused the user.
    Auth {
        /// The user.
        user: String,
        /// Where the password came from, or that there was none.
        source: String,
        /// The server's message.
        detail: String,
    },
    /// The database has no pki ledger (or a newer one).
    Schema(String),
    /// A serial or CRL number already recorded (a unique index refused it).
    Duplicate(String),
    /// A query failed, or the connection was lost.
    Query(String),
    /// `ca init --exist-ok --ledger URL` on a CA directory recording another ledger.
    UrlMismatch {
        /// What the CA directory records ("ledger.jsonl" for a file).
        recorded: String,
        /// What was given.
        given: String,
    },
}

impl DbError {
    /// What the user can do about it.
    pub fn hint(&self) -> String {
        match &self.kind {
            DbErrorKind::BadUrl(_) => "write it as postgres://USER@HOST[:PORT]/DB[?sslmode=verify-full&sslrootcert=/abs/ca.pem]".into(),
            DbErrorKind::PasswordInUrl => {
                "remove the password from the URL and give it by PGPASSWORD, ~/.pgpass or --ledger-password-file".into()
            }
            DbErrorKind::Unreachable(_) => {
                "check that the server runs and accepts connections from this machine; nothing was recorded or written"
                    .into()
            }
            DbErrorKind::Tls(_) => "check sslmode, sslrootcert (sslcert, sslkey) in the URL and the server's certificate; see docs/team.md; nothing was recorded or written".into(),
            DbErrorKind::Auth { detail, .. } if detail.contains("certificate") => {
                "give the client certificate in the URL (sslcert=/abs/cert.pem&sslkey=/abs/key.pem) or as ~/.postgresql/postgresql.crt and .key".into()
            }
            DbErrorKind::Auth { .. } => {
                "check the password (--ledger-password-file, else PGPASSWORD, else ~/.pgpass or PGPASSFILE)".into()
            }
            DbErrorKind::Schema(_) => "create the ledger with 'pki ca init --ledger URL', or check the URL".into(),
            DbErrorKind::Duplicate(_) => "run the command again: a new serial is drawn each time".into(),
            DbErrorKind::Query(_) => "check the server; nothing this command did was recorded".into(),
            DbErrorKind::UrlMismatch { .. } => {
                "pass the URL the CA directory records, or --force to start a new CA with this ledger".into()
            }
        }
    }
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = &self.target;
        match &self.kind {
            DbErrorKind::BadUrl(why) => write!(f, "ledger URL '{t}' is not usable: {why}"),
            DbErrorKind::PasswordInUrl => write!(f, "ledger URL for {t} contains a password; pki never records one"),
            DbErrorKind::Unreachable(why) => {
                write!(f, "cannot reach the ledger database at {t} within 10 s: {why}")
            }
            DbErrorKind::Tls(why) => write!(f, "TLS to the ledger database at {t} failed: {why}"),
            DbErrorKind::Auth { user, source, detail } => {
                write!(f, "the ledger database at {t} refused user '{user}' (password from {source}): {detail}")
            }
            DbErrorKind::Schema(why) => write!(f, "the ledger database at {t}: {why}"),
            DbErrorKind::Duplicate(what) => write!(f, "the ledger database at {t} already records {what}"),
            DbErrorKind::Query(why) => write!(f, "the ledger database at {t} failed: {why}"),
            DbErrorKind::UrlMismatch { recorded, given } => {
                write!(f, "the CA directory's ledger is {recorded}, not {given}")
            }
        }
    }
}
