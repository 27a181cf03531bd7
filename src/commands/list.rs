//! `pki list`: the certificates the CA directory issued, with their status.

use clap::Args;

use crate::commands::Global;
use crate::error::Result;
use crate::render::Outcome;
use crate::report::{ListReport, ListRow};
use crate::store::ledger::LedgerStore;

/// The one-line description of `ListArgs` (also shown in its parent's list).
pub const LIST_ABOUT: &str = "List the certificates this CA issued";

/// `pki list`.
#[derive(Debug, Args)]
#[command(
    about = LIST_ABOUT,
    long_about = "List every certificate recorded in the CA directory's ledger: serial, profile \
(server, client, intermediate), subject, SANs, notAfter and status (valid, expired, revoked), \
oldest first.",
    after_help = "EXAMPLES:\n  pki list\n  pki list --json | jq -r '.[] | select(.status == \"expired\") | .serial'\n  \
pki --ca-dir ./ci-ca list\n\nEXIT CODES:\n  0 listed   1 error (no CA, damaged ledger)   2 usage error"
)]
pub struct ListArgs {}

/// Run `pki list`.
pub fn run(_args: ListArgs, global: &Global) -> Result<Outcome> {
    let ca = global.ca();
    ca.require_root()?;
    let rows = ca
        .ledger()
        .load()?
        .into_certificates()
        .into_iter()
        .map(|e| ListRow {
            status: e.status(global.now),
            serial: e.serial,
            profile: e.profile,
            subject: e.subject,
            sans: e.sans,
            not_after: e.not_after,
            issuer: e.issuer,
        })
        .collect();
    Ok(Outcome::new(ListReport { rows }))
}
