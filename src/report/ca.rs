//! What `pki ca init` and `pki ca path` report.

use serde::Serialize;

use super::IssuedReport;

/// `pki ca init`: the root, just made or (`--exist-ok`) already there.
#[derive(Debug, Serialize)]
pub struct CaInitReport {
    /// The root, described as a fresh init describes it.
    #[serde(flatten)]
    pub root: IssuedReport,
    /// Whether this run made it (false: `--exist-ok` found it and changed nothing).
    pub created: bool,
    /// The CA directory, for the human rendering.
    #[serde(skip)]
    pub ca_dir: String,
}

/// `pki ca path`: where the CA directory and its root certificate are.
#[derive(Debug, Serialize)]
pub struct CaPathReport {
    /// The CA directory (absolute).
    pub ca_dir: String,
    /// The root certificate, `ca.pem` in it (absolute).
    pub root: String,
    /// Whether the root certificate is there.
    pub exists: bool,
}
