//! What `verify` reports.

use serde::Serialize;

use crate::verify::Verdict;

/// What `verify` reports: the verdict (its fields are the contract's JSON keys).
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct VerifyReport {
    /// The verdict.
    pub verdict: Verdict,
    /// What was asked, for the human rendering.
    #[serde(skip)]
    pub asked: String,
}
