//! What `list` reports.

use serde::Serialize;

use crate::profile::Profile;
use crate::store::ledger::Status;

/// One row of `pki list`; the fields are the contract's `--json` keys.
#[derive(Debug, Serialize)]
pub struct ListRow {
    /// Serial, hex.
    pub serial: String,
    /// What it was issued as.
    pub profile: Profile,
    /// Subject.
    pub subject: String,
    /// SAN values.
    pub sans: Vec<String>,
    /// notAfter, RFC 3339.
    pub not_after: String,
    /// Status now.
    pub status: Status,
    /// Issuing CA ("root" or an intermediate's name), for the human rendering.
    #[serde(skip)]
    pub issuer: String,
}

/// The rows, in ledger order.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct ListReport {
    /// The rows.
    pub rows: Vec<ListRow>,
    /// Whether `--status`/`--expiring` left rows out (for the message when none is left).
    #[serde(skip)]
    pub filtered: bool,
}
