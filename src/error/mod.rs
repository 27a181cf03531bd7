//! The one error type of `pki`: what went wrong, the fix (`hint`), and the exit code.

use std::fmt;
use std::path::{Path, PathBuf};

mod batch;
mod constraint;
mod db;
mod ledger;
mod net;
mod os;
mod token;
pub use batch::{LineError, LineProblem};
pub use constraint::{ConstraintViolation, Refusal};
pub use db::{DbError, DbErrorKind};
pub use ledger::LedgerProblem;
pub use net::NetError;
use os::strip_os_error;
pub use token::TokenError;

/// Exit code for success.
pub const EXIT_OK: i32 = 0;
/// Exit code for an error: bad input, unreadable file, wrong passphrase, refusal, I/O.
pub const EXIT_ERROR: i32 = 1;
/// Exit code for a usage error: clap's own, and a missing argument it cannot see.
pub const EXIT_USAGE: i32 = 2;
/// Exit code for a yes/no check that said no (`verify`, `check-renewal`).
pub const EXIT_CHECK_FAILED: i32 = 3;

/// Everything that can go wrong in `pki`, with the context a user needs to act on it.
#[derive(Debug)]
pub enum Error {
    /// An operating-system error on a known file or directory.
    Io {
        /// The file or directory, as the user named it.
        path: PathBuf,
        /// What we were doing: "read", "write", "create directory", ...
        action: &'static str,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file that would be overwritten without `--force`.
    Exists {
        /// The file that is already there.
        path: PathBuf,
    },
    /// No CA in the CA directory.
    NoCa {
        /// The CA directory that was looked in.
        dir: PathBuf,
    },
    /// An intermediate named by `--issuer` that does not exist.
    UnknownIntermediate {
        /// The name given.
        name: String,
        /// The directory of intermediates that was looked in.
        dir: PathBuf,
    },
    /// A key file that is encrypted, with no way to get its passphrase.
    KeyEncrypted {
        /// The key file.
        path: PathBuf,
        /// Which flag and variable unlock it, e.g. "--ca-passphrase-file FILE or set PKI_CA_PASSPHRASE".
        how: &'static str,
    },
    /// A passphrase that does not decrypt a key.
    WrongPassphrase {
        /// The key file.
        path: PathBuf,
    },
    /// A new key should be encrypted but no passphrase source is available.
    PassphraseNeeded {
        /// What needs it ("--encrypt-key").
        what: &'static str,
    },
    /// A passphrase that is unusable (empty, or the two prompts differ).
    BadPassphrase {
        /// Where it came from ("--passphrase-file 'pw'", "PKI_PASSPHRASE", "the prompt").
        source: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A key file that is not a usable private key.
    BadKey {
        /// The key file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A certificate file that is not usable.
    BadCertificate {
        /// The certificate file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A key that does not belong to its certificate.
    KeyMismatch {
        /// The key file.
        key: PathBuf,
        /// The certificate file.
        cert: PathBuf,
    },
    /// An invalid value on the command line (a SAN, a time, a name).
    InvalidValue {
        /// The flag, e.g. "--san".
        flag: &'static str,
        /// The value as given.
        value: String,
        /// What is wrong with it.
        reason: String,
        /// How to fix it, when there is something better to say than the reason.
        hint: Option<String>,
    },
    /// A validity period that cannot be issued.
    Validity {
        /// What is wrong.
        reason: String,
        /// How to fix it.
        hint: Option<String>,
    },
    /// The CA ledger cannot be read or is malformed.
    Ledger {
        /// The ledger file.
        path: PathBuf,
        /// What is wrong.
        problem: LedgerProblem,
    },
    /// The ledger database (PostgreSQL) failed; names the server.
    Db(Box<DbError>),
    /// An input file that is not usable (empty, malformed, unrecognised).
    BadInput {
        /// The file, as the user named it (`-` for stdin).
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// `pki ca init` found a CA key without its certificate (an interrupted init).
    OrphanKey {
        /// The key file.
        key: PathBuf,
    },
    /// A certificate too large for TLS software to read.
    CertificateTooLarge {
        /// Its size in DER.
        bytes: usize,
        /// The most we issue.
        limit: usize,
    },
    /// `ca init` into a directory that holds other things and no CA.
    NotACaDir {
        /// The directory.
        dir: PathBuf,
    },
    /// `ca init` (without --force or --exist-ok) found the root's files already there.
    CaExists {
        /// `ca.pem` or `ca-key.pem`.
        path: PathBuf,
    },
    /// `ca init --exist-ok` found a CA that cannot be used as it is (key missing, key
    /// not the root's, ledger unreadable): what is wrong is `problem`.
    UnusableCa {
        /// The CA directory.
        dir: PathBuf,
        /// What is wrong with it.
        problem: Box<Error>,
    },
    /// The root's pathLenConstraint is 0, so it may not sign an intermediate.
    RootPathLenZero,
    /// A certificate given to `renew` or `revoke` that this CA did not issue: its serial is
    /// unknown, or the certificate recorded with that serial is another one (its
    /// fingerprint differs: another CA's certificate with the same serial).
    NotIssuedHere {
        /// The certificate file.
        path: PathBuf,
        /// Its serial, hex.
        serial: String,
        /// The command ("renew", "revoke").
        command: &'static str,
        /// This CA issued a different certificate with that serial.
        same_serial: bool,
    },
    /// A CA certificate given where only a leaf will do.
    NotALeaf {
        /// The certificate file.
        path: PathBuf,
    },
    /// A serial this CA's ledger does not know.
    UnknownSerial {
        /// The serial as given.
        serial: String,
    },
    /// A certificate revoked already.
    AlreadyRevoked {
        /// Its subject.
        subject: String,
        /// Its serial, hex.
        serial: String,
        /// When it was revoked, RFC 3339.
        at: String,
    },
    /// `verify` with no `--ca` and no CA root to trust.
    NoTrustAnchor {
        /// Where the CA root was looked for.
        root: PathBuf,
    },
    /// Standard output could not be written (a full disk, a closed file); a broken pipe
    /// is not reported (`pki list | head -1`).
    Stdout {
        /// The underlying error.
        source: std::io::Error,
    },
    /// No TLS connection to a server (`probe`): refused, timed out, handshake failed.
    Network {
        /// HOST:PORT as given.
        target: String,
        /// What went wrong.
        source: NetError,
    },
    /// A server that completed a handshake without presenting a certificate.
    NoPeerCertificate {
        /// HOST:PORT as given.
        target: String,
    },
    /// No chain could be built from the certificates given.
    Chain {
        /// What is wrong.
        reason: String,
        /// How to fix it.
        hint: Option<String>,
    },
    /// A name that an issuing CA's name constraints forbid.
    NameConstraint(Box<ConstraintViolation>),
    /// A CA key in a PKCS#11 token that cannot be used (module, token, PIN, key object).
    Token(Box<TokenError>),
    /// A bad line of a batch (`issue batch`): `line N: ...`.
    Line(Box<LineError>),
    /// A failure of the certificate or key machinery (rcgen, aws-lc).
    Crypto {
        /// What was being done.
        what: &'static str,
        /// The library's message.
        reason: String,
    },
}

/// The `Result` of everything in `pki`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An I/O error on `path` while doing `action`.
    pub fn io(path: impl AsRef<Path>, action: &'static str, source: std::io::Error) -> Self {
        Error::Io { path: path.as_ref().to_path_buf(), action, source }
    }

    /// An invalid command-line value.
    pub fn invalid(flag: &'static str, value: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidValue { flag, value: value.into(), reason: reason.into(), hint: None }
    }

    /// A crypto-library failure while doing `what`.
    pub fn crypto(what: &'static str, err: impl fmt::Display) -> Self {
        Error::Crypto { what, reason: err.to_string() }
    }

    /// What the user can do about it, if there is something to say.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Io { source, .. } => match source.kind() {
                std::io::ErrorKind::NotFound => Some("check the path".into()),
                std::io::ErrorKind::PermissionDenied => {
                    Some("check the file's permissions, or choose another location".into())
                }
                _ => None,
            },
            Error::Exists { .. } => Some("pass --force to replace it".into()),
            Error::NoCa { .. } => Some(
                "run 'pki ca init' first, or point --ca-dir (or PKI_CA_DIR) at an existing CA directory"
                    .into(),
            ),
            Error::UnknownIntermediate { name, .. } => Some(format!(
                "create it with 'pki ca intermediate --name {name}', or drop --issuer to sign with the root"
            )),
            Error::KeyEncrypted { how, .. } => Some(format!("pass {how}")),
            Error::WrongPassphrase { .. } => Some("check the passphrase file or variable".into()),
            Error::PassphraseNeeded { .. } => Some(
                "pass --passphrase-file FILE or set PKI_PASSPHRASE (no terminal to prompt on)".into(),
            ),
            Error::BadPassphrase { .. } => None,
            Error::BadKey { .. } => Some(
                "expected a PEM private key (PRIVATE KEY, EC PRIVATE KEY, RSA PRIVATE KEY or ENCRYPTED PRIVATE KEY)"
                    .into(),
            ),
            Error::BadCertificate { .. } => None,
            Error::KeyMismatch { .. } => Some("check that the key file is the one made with this certificate".into()),
            Error::InvalidValue { hint, .. } => hint.clone(),
            Error::Validity { hint, .. } => hint.clone(),
            Error::Ledger { problem: LedgerProblem::CrlNumberExhausted { .. }, .. } => Some(
                "start a new CA ('pki ca init --force' retires this one) and publish its CRLs instead".into(),
            ),
            Error::Ledger { .. } => Some(
                "the ledger is damaged; restore it from a backup, or move it aside to start a new one".into(),
            ),
            Error::Db(e) => Some(e.hint()),
            Error::BadInput { .. } => Some(
                "pki reads PEM (CERTIFICATE, PRIVATE KEY, CERTIFICATE REQUEST, X509 CRL, PUBLIC KEY, ...) or one DER object"
                    .into(),
            ),
            Error::Chain { hint, .. } => hint.clone(),
            Error::OrphanKey { .. } => Some("pass --force to replace it with a new CA".into()),
            Error::CaExists { .. } => Some(
                "pass --exist-ok to keep it (scripts and CI: every time), or --force to retire it to retired/ and start a new CA"
                    .into(),
            ),
            Error::UnusableCa { .. } => Some(
                "repair it (restore the file from a backup), or pass --force instead of --exist-ok to retire it to retired/ and start a new CA"
                    .into(),
            ),
            Error::RootPathLenZero => Some("issue leaves from the root, or create a root without --path-len 0".into()),
            Error::NotIssuedHere { command: "renew", .. } => {
                Some("renew with the CA that issued it (--ca-dir), or issue a new one with 'pki issue'".into())
            }
            Error::NotIssuedHere { command, .. } => Some(format!("{command} it with the CA that issued it (--ca-dir DIR)")),
            Error::NotALeaf { .. } => Some("create a new intermediate with 'pki ca intermediate --force'".into()),
            Error::UnknownSerial { .. } => Some("'pki list' shows the serials this CA issued".into()),
            Error::AlreadyRevoked { .. } => None,
            Error::CertificateTooLarge { .. } => Some("use fewer --san entries: spread the names over several certificates".into()),
            Error::NotACaDir { .. } => {
                Some("give a new or empty directory with --ca-dir DIR (or PKI_CA_DIR); pki leaves this one as it is".into())
            }
            Error::NoTrustAnchor { .. } => {
                Some("pass --ca FILE with the root certificate to trust, or --ca-dir DIR of a pki CA".into())
            }
            Error::Network { .. } | Error::NoPeerCertificate { .. } => None,
            Error::Stdout { .. } => Some("write to a file or pipe with room (or use -o FILE where the command has it)".into()),
            Error::NameConstraint(v) => Some(v.hint()),
            Error::Token(t) => t.hint(),
            Error::Line(l) => l.hint(),
            Error::Crypto { .. } => None,
        }
    }

    /// The process exit code for this error (see docs/cli.md).
    pub fn exit_code(&self) -> i32 {
        EXIT_ERROR
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, action, source } => {
                let what = match source.kind() {
                    std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
                    std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
                    std::io::ErrorKind::IsADirectory => "it is a directory".to_string(),
                    _ => strip_os_error(&source.to_string()),
                };
                write!(f, "cannot {action} '{}': {what}", path.display())
            }
            Error::Exists { path } => write!(f, "'{}' already exists; nothing was written", path.display()),
            Error::NoCa { dir } => write!(f, "no CA in '{}' (ca.pem not found)", dir.display()),
            Error::UnknownIntermediate { name, dir } => {
                write!(f, "no intermediate CA named '{name}' in '{}'", dir.display())
            }
            Error::KeyEncrypted { path, .. } => write!(f, "cannot read '{}': it is encrypted", path.display()),
            Error::WrongPassphrase { path } => write!(f, "wrong passphrase for '{}'", path.display()),
            Error::PassphraseNeeded { what } => {
                write!(f, "{what} needs a passphrase and there is no terminal to ask for one")
            }
            Error::BadPassphrase { source, reason } => write!(f, "passphrase from {source}: {reason}"),
            Error::BadKey { path, reason } => write!(f, "cannot use key '{}': {reason}", path.display()),
            Error::BadCertificate { path, reason } => {
                write!(f, "cannot use certificate '{}': {reason}", path.display())
            }
            Error::KeyMismatch { key, cert } => {
                write!(f, "key '{}' does not belong to the certificate '{}'", key.display(), cert.display())
            }
            Error::InvalidValue { flag, value, reason, .. } => write!(f, "invalid {flag} '{value}': {reason}"),
            Error::Validity { reason, .. } => write!(f, "{reason}"),
            Error::Ledger { path, problem } => {
                write!(f, "cannot use ledger '{}': {problem}", path.display())
            }
            Error::Db(e) => write!(f, "{e}"),
            Error::BadInput { path, reason } => {
                write!(f, "cannot read '{}': {reason}", path.display())
            }
            Error::Chain { reason, .. } => write!(f, "cannot build the chain: {reason}"),
            Error::OrphanKey { key } => {
                write!(
                    f,
                    "'{}' exists without 'ca.pem' (an interrupted 'pki ca init'?); nothing was written",
                    key.display()
                )
            }
            Error::CaExists { path } => {
                write!(f, "'{}' already exists: a CA is there; nothing was written", path.display())
            }
            Error::UnusableCa { dir, problem } => {
                write!(f, "a CA is in '{}' but it cannot be used: {problem}", dir.display())
            }
            Error::CertificateTooLarge { bytes, limit } => write!(
                f,
                "the certificate would be {bytes} bytes, more than the {limit} that rustls, webpki and 'pki verify' can read; nothing was written"
            ),
            Error::NotACaDir { dir } => {
                write!(f, "'{}' is not empty and holds no pki CA; nothing was written", dir.display())
            }
            Error::RootPathLenZero => write!(f, "the root's pathLenConstraint is 0: it may not have intermediates"),
            Error::NotIssuedHere { path, serial, same_serial: false, .. } => {
                write!(f, "'{}' (serial {serial}) was not issued by this CA", path.display())
            }
            Error::NotIssuedHere { path, serial, .. } => write!(
                f,
                "'{}' (serial {serial}) was not issued by this CA: the certificate it issued with that serial has another fingerprint",
                path.display()
            ),
            Error::NotALeaf { path } => write!(f, "'{}' is a CA certificate; renew leaves only", path.display()),
            Error::UnknownSerial { serial } => write!(f, "no certificate with serial '{serial}' in this CA's ledger"),
            Error::AlreadyRevoked { subject, serial, at } => {
                write!(f, "certificate '{subject}' (serial {serial}) was already revoked at {at}")
            }
            Error::NoTrustAnchor { root } => {
                write!(f, "no trust anchor: no --ca was given and there is no CA root at '{}'", root.display())
            }
            Error::Stdout { source } => {
                write!(f, "cannot write to standard output: {}", strip_os_error(&source.to_string()))
            }
            Error::Network { target, source } => write!(f, "no TLS connection to '{target}': {source}"),
            Error::NoPeerCertificate { target } => write!(f, "'{target}' presented no certificate"),
            Error::NameConstraint(v) => write!(f, "{v}; nothing was written"),
            Error::Token(t) => write!(f, "{t}"),
            Error::Line(l) => write!(f, "{l}"),
            Error::Crypto { what, reason } => write!(f, "{what} failed: {reason}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } | Error::Stdout { source } => Some(source),
            Error::Ledger { problem: LedgerProblem::BadLine { source, .. }, .. } => Some(source),
            _ => None,
        }
    }
}
