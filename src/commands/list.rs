//! `pki list`: the certificates the CA directory issued, with their status.

use clap::Args;
use time::Duration;

use crate::commands::Global;
use crate::commands::renew::parse_duration;
use crate::error::Result;
use crate::render::Outcome;
use crate::report::{ListReport, ListRow};
use crate::store::ledger::Status;
use crate::validity::parse_time;

/// The one-line description of `ListArgs` (also shown in its parent's list).
pub const LIST_ABOUT: &str = "List the certificates this CA issued";

/// `pki list`.
#[derive(Debug, Args)]
#[command(
    about = LIST_ABOUT,
    long_about = "List every certificate recorded in the CA directory's ledger: serial, profile \
(server, client, peer, intermediate), subject, SANs, notAfter and status (valid, expired, \
revoked, superseded: renewed, or replaced by `issue --force` of the same files), oldest first.\n\n\
--status keeps the rows with that status (repeat it for several); --expiring DURATION keeps \
the valid certificates whose notAfter comes within DURATION from now. Both together keep the \
rows that pass both.",
    after_help = "EXAMPLES:\n  pki list\n  pki list --expiring 30d     # what needs renewing this month\n  \
pki list --status revoked --json | jq -r '.[].serial'\n  \
pki --ca-dir ./ci-ca list\n\nEXIT CODES:\n  0 listed (also when no row matches)   1 error (no CA, damaged ledger)   2 usage error"
)]
pub struct ListArgs {
    /// Only certificates with this status (repeatable)
    #[arg(long, value_name = "STATUS", value_enum)]
    pub status: Vec<Status>,

    /// Only valid certificates whose notAfter comes within DURATION (12h, 30d, 8w)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub expiring: Option<Duration>,
}

/// Run `pki list`.
pub fn run(args: ListArgs, global: &Global) -> Result<Outcome> {
    let ca = global.ca();
    ca.require_root()?;
    let now = global.now;
    let expiring = |not_after: &str| match args.expiring {
        // Only valid rows get here; a notAfter the ledger cannot parse is not "expiring".
        Some(within) => parse_time("ledger", not_after).is_ok_and(|t| t <= now + within),
        None => true,
    };
    let rows: Vec<ListRow> = ca
        .ledger()?
        .load()?
        .into_certificates()
        .into_iter()
        .map(|e| ListRow {
            status: e.status(now),
            serial: e.serial,
            profile: e.profile,
            subject: e.subject,
            sans: e.sans,
            not_after: e.not_after,
            issuer: e.issuer,
        })
        .filter(|r| args.status.is_empty() || args.status.contains(&r.status))
        .filter(|r| args.expiring.is_none() || (r.status == Status::Valid && expiring(&r.not_after)))
        .collect();
    let filtered = !args.status.is_empty() || args.expiring.is_some();
    Ok(Outcome::new(ListReport { rows, filtered }))
}
