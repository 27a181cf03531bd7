//! What `inspect` reports.

use serde::Serialize;
use time::OffsetDateTime;

use crate::describe::Description;
use crate::error::Error;

/// How many malformed blocks of one file are each shown and named on stderr; the rest
/// are counted (JSON still lists every one).
pub const MALFORMED_SHOWN: usize = 5;

/// What `inspect` reports: the items in order (JSON: an array of them).
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct InspectReport {
    /// Every item described, file by file.
    pub items: Vec<Description>,
    /// Files that failed (printed on stderr; exit 1).
    #[serde(skip)]
    pub errors: Vec<Error>,
    /// Warnings about skipped blocks.
    #[serde(skip)]
    pub notes: Vec<String>,
    /// The time expiry is judged at.
    #[serde(skip)]
    pub now: OffsetDateTime,
    /// Files read as PKCS#12 (their items get `"container": "pkcs12"` in JSON).
    #[serde(skip)]
    pub pkcs12_sources: Vec<String>,
}
