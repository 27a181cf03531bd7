//! What `serve --once` and `probe` report.

use serde::Serialize;

use crate::describe::CertDescription;
use crate::verify::Verdict;

/// What `serve --once` reports at the end.
#[derive(Debug, Serialize)]
pub struct ServeReport {
    /// Connections handled.
    pub connections: usize,
}

/// What `probe` reports.
#[derive(Debug, Serialize)]
pub struct ProbeReport {
    /// HOST:PORT.
    pub target: String,
    /// The name asked for and verified.
    pub server_name: String,
    /// TLSv1.2 / TLSv1.3.
    pub protocol: String,
    /// The negotiated cipher suite.
    pub cipher_suite: String,
    /// The chain the server presented, described.
    pub presented: Vec<CertDescription>,
    /// The verification verdict (`valid`, `chain`, `errors`).
    pub verification: Verdict,
    /// Whether the server asked for a client certificate.
    pub client_cert_requested: bool,
    /// The CA names the server said it accepts for client certificates.
    pub client_ca_names: Vec<String>,
    /// Whether a client certificate was given to present.
    #[serde(skip)]
    pub presented_client_cert: bool,
    /// The time, for relative expiry in the human rendering.
    #[serde(skip)]
    pub now: time::OffsetDateTime,
}
