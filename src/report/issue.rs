//! What issuing reports: `issue`, `sign`, `renew`, `ca init` and `ca intermediate`.

use serde::Serialize;

use crate::issuance::NewCert;
use crate::san::SanEntry;
use crate::validity::rfc3339;

/// What `issue` (and `ca init`/`ca intermediate`) report. The serialised fields are the
/// contract's `--json` keys; the rest is for the human rendering.
#[derive(Debug, Serialize)]
pub struct IssuedReport {
    /// Certificate file.
    pub cert: String,
    /// Key file (none when no key was written: `sign`, `renew --reuse-key`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Chain file (leaves only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain: Option<String>,
    /// Serial, hex.
    pub serial: String,
    /// Subject.
    pub subject: String,
    /// SAN values.
    pub sans: Vec<String>,
    /// notBefore, RFC 3339.
    pub not_before: String,
    /// notAfter, RFC 3339.
    pub not_after: String,
    /// SHA-256 fingerprint, hex.
    pub fingerprint_sha256: String,
    /// Where `ca init --force` moved the CA it replaced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retired: Option<String>,
    /// The whole issuance record, for the human rendering.
    #[serde(skip)]
    pub issued: NewCert,
}

impl From<NewCert> for IssuedReport {
    fn from(i: NewCert) -> Self {
        IssuedReport {
            cert: i.cert_path.display().to_string(),
            key: i.key_path.as_ref().map(|p| p.display().to_string()),
            chain: i.chain_path.as_ref().map(|p| p.display().to_string()),
            serial: i.serial.to_hex(),
            subject: i.subject.clone(),
            sans: i.sans.iter().map(SanEntry::value).collect(),
            not_before: rfc3339(i.validity.not_before),
            not_after: rfc3339(i.validity.not_after),
            fingerprint_sha256: i.fingerprint_sha256.clone(),
            retired: i.retired.as_ref().map(|p| p.display().to_string()),
            issued: i,
        }
    }
}

/// What `issue batch` reports: every certificate, in input order, with its line.
#[derive(Debug)]
pub struct BatchReport {
    /// Where the files went.
    pub out_dir: String,
    /// Each certificate and the input line it came from.
    pub issued: Vec<(usize, IssuedReport)>,
}

impl BatchReport {
    /// The report of the certificates `issued` from the lines `lines` (in the same order),
    /// into `out_dir`.
    pub fn new(out_dir: &std::path::Path, lines: impl IntoIterator<Item = usize>, issued: Vec<NewCert>) -> Self {
        let issued = lines.into_iter().zip(issued.into_iter().map(IssuedReport::from)).collect();
        BatchReport { out_dir: out_dir.display().to_string(), issued }
    }
}
