//! What `bundle` reports.

use serde::Serialize;

/// What `bundle` reports.
#[derive(Debug, Serialize)]
pub struct BundleReport {
    /// Subjects, leaf first.
    pub chain: Vec<String>,
    /// Where the chain was written (null: stdout).
    pub out: Option<String>,
    /// Whether the root is included.
    pub includes_root: bool,
    /// The PEM text (printed on stdout when there is no -o and no --json).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pem: Option<String>,
    /// Notes for stderr.
    #[serde(skip)]
    pub notes: Vec<String>,
}
