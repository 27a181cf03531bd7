//! What `trust install`, `trust uninstall`, `trust status` and `trust env` report.

use serde::Serialize;

/// What `trust install` and `trust uninstall` report: one row per store.
#[derive(Debug, Serialize)]
pub struct TrustChangeReport {
    /// The root certificate file.
    pub root: String,
    /// Its SHA-256 fingerprint, lowercase hex.
    pub fingerprint_sha256: String,
    /// "install" or "uninstall".
    pub action: &'static str,
    /// `--dry-run`: nothing was changed.
    pub dry_run: bool,
    /// One row per store.
    pub stores: Vec<TrustLine>,
    /// Warnings for stderr (an unconstrained root).
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// One store's row.
#[derive(Debug, Serialize)]
pub struct TrustLine {
    /// "system", "nss" or "java".
    pub store: &'static str,
    /// Where the root goes in it (null: no such store found).
    pub location: Option<String>,
    /// "installed", "already installed", "removed", "not installed", "would install",
    /// "would remove", "skipped" or "failed".
    pub result: &'static str,
    /// Why (skipped, failed), the steps (would ...), or a remark on a success.
    pub detail: Option<String>,
}

/// What `trust status` reports.
#[derive(Debug, Serialize)]
pub struct TrustStatusReport {
    /// The root certificate file.
    pub root: String,
    /// Its SHA-256 fingerprint, lowercase hex.
    pub fingerprint_sha256: String,
    /// Whether the root has a nameConstraints extension.
    pub name_constrained: bool,
    /// Every store found.
    pub stores: Vec<TrustStoreRow>,
    /// Warnings for stderr.
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// One store of `status`.
#[derive(Debug, Serialize)]
pub struct TrustStoreRow {
    /// "system", "nss" or "java".
    pub store: &'static str,
    /// Where the root goes in it.
    pub location: String,
    /// Whether the root is in it.
    pub installed: bool,
}

/// What `trust env` reports.
#[derive(Debug, Serialize)]
pub struct TrustEnvReport {
    /// "sh" or "fish".
    pub shell: &'static str,
    /// `trust-bundle.pem`, written.
    pub bundle: String,
    /// The system bundle copied into it (null: none found).
    pub system_bundle: Option<String>,
    /// The root certificate file.
    pub root: String,
    /// The variables to set, in order.
    pub variables: Vec<EnvVar>,
    /// Warnings for stderr.
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// One variable `trust env` sets.
#[derive(Debug, Serialize)]
pub struct EnvVar {
    /// Its name.
    pub name: &'static str,
    /// Its value (an absolute path).
    pub value: String,
}
