//! What `pki fixtures` reports.

use serde::Serialize;

use crate::fixtures::Case;

/// What `pki fixtures` wrote.
#[derive(Debug, Serialize)]
pub struct FixturesReport {
    /// The set's directory, as given.
    pub dir: String,
    /// The root to trust (`DIR/ca.pem`).
    pub ca: String,
    /// The manifest (`DIR/manifest.json`).
    pub manifest: String,
    /// The manifest's entries.
    pub cases: Vec<Case>,
    /// How long making the set took, in milliseconds (not in `--json`: it varies).
    #[serde(skip)]
    pub millis: u128,
}
