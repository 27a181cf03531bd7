//! What the certificate lifecycle commands report: `csr`, `revoke`, `crl`, `export p12`,
//! `convert` and `check-renewal`.

use serde::Serialize;

use crate::pem::Format;

/// What `csr` reports.
#[derive(Debug, Serialize)]
pub struct CsrReport {
    /// The request file.
    pub csr: String,
    /// The key file (written, or the one given).
    pub key: String,
    /// Requested subject.
    pub subject: String,
    /// Requested SANs.
    pub sans: Vec<String>,
}

/// What `revoke` reports.
#[derive(Debug, Serialize)]
pub struct RevokeReport {
    /// Serial, hex.
    pub serial: String,
    /// Subject.
    pub subject: String,
    /// Reason.
    pub reason: String,
    /// When, RFC 3339.
    pub revoked_at: String,
}

/// What `crl` reports.
#[derive(Debug, Serialize)]
pub struct CrlReport {
    /// The CRL file.
    pub crl: String,
    /// Its cRLNumber.
    pub number: u64,
    /// thisUpdate.
    pub this_update: String,
    /// nextUpdate.
    pub next_update: String,
    /// The revoked serials listed.
    pub revoked: Vec<String>,
}

/// What `export p12` reports.
#[derive(Debug, Serialize)]
pub struct P12Report {
    /// The file written.
    pub p12: String,
    /// Certificates in it (leaf first).
    pub certificates: usize,
    /// The scheme: "aes-256-cbc/pbkdf2-sha256/hmac-sha256" or "legacy-3des/sha1".
    pub scheme: &'static str,
    /// The entry's friendly name.
    pub name: String,
}

/// What `convert` reports.
#[derive(Debug, Serialize)]
pub struct ConvertReport {
    /// What the object is.
    pub kind: &'static str,
    /// The output format.
    pub format: Format,
    /// Where it was written (null: stdout).
    pub out: Option<String>,
    /// The converted bytes, for stdout.
    #[serde(skip)]
    pub bytes: Option<Vec<u8>>,
}

/// One certificate's remaining time.
#[derive(Debug, Serialize)]
pub struct RenewalRow {
    /// The file.
    pub source: String,
    /// Subject.
    pub subject: String,
    /// notAfter, RFC 3339.
    pub not_after: String,
    /// Seconds left (negative when expired).
    pub remaining_seconds: i64,
    /// Whether it expires within the window (or has expired).
    pub due: bool,
    /// "expires in 12 days" / "EXPIRED 3 days ago".
    #[serde(skip)]
    pub phrase: String,
}

/// What `check-renewal` reports (JSON: the array of rows).
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct RenewalReport {
    /// The rows.
    pub rows: Vec<RenewalRow>,
    /// The window, for the human rendering.
    #[serde(skip)]
    pub within: String,
    /// Files that hold no certificate (a key matched by `*.pem`), skipped: said on stderr.
    #[serde(skip)]
    pub skipped: Vec<String>,
}

/// What `pki ledger export` did.
#[derive(Debug, Serialize)]
pub struct LedgerExportReport {
    /// Where it was written (null: stdout).
    pub out: Option<String>,
    /// How many events.
    pub events: usize,
    /// The ledger's bytes, for stdout.
    #[serde(skip)]
    pub bytes: Option<Vec<u8>>,
}
