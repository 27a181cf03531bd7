//! The reports commands return: plain values that `render/` prints as text or JSON.
//! They sit below both `commands/` (which fills them) and `render/` (which prints them),
//! so neither imports the other's types. The serialised fields are the contract's
//! `--json` keys; fields marked `#[serde(skip)]` serve the human rendering only.

mod bundle;
mod ca;
mod fixtures;
mod generated;
mod inspect;
mod issue;
mod lifecycle;
mod list;
mod tls;
mod trust;
mod verify;

pub use bundle::BundleReport;
pub use ca::{CaInitReport, CaPathReport};
pub use fixtures::FixturesReport;
pub use generated::{ManReport, ScriptReport};
pub use inspect::{InspectReport, MALFORMED_SHOWN};
pub use issue::{BatchReport, IssuedReport};
pub use lifecycle::{
    ConvertReport, CrlReport, CsrReport, LedgerExportReport, P12Report, RenewalReport, RenewalRow, RevokeReport,
};
pub use list::{ListReport, ListRow};
pub use tls::{ProbeReport, ServeReport};
pub use trust::{EnvVar, TrustChangeReport, TrustEnvReport, TrustLine, TrustStatusReport, TrustStoreRow};
pub use verify::VerifyReport;
