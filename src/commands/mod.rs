//! The command layer: one file per subcommand, holding its flags, its help and its
//! action, and `Global`, the resolved global flags every action takes. Commands resolve
//! everything that comes from outside (environment, terminal, clock) and hand plain
//! values to the domain. Nothing here imports `cli`: `cli` dispatches to these files.

pub mod args;
pub mod batch;
pub mod bundle;
pub mod ca;
pub mod completions;
pub mod csr;
pub mod export;
pub mod fixtures;
pub mod inspect;
pub mod issue;
pub mod ledger;
pub mod list;
pub mod passphrase;
pub mod probe;
pub mod renew;
pub mod revoke;
pub mod serve;
pub mod trust;
pub mod verify;

use std::path::PathBuf;

use time::OffsetDateTime;

use crate::render;
use crate::store::CaDir;

/// The global flags, resolved (by `cli::GlobalArgs::resolve`).
#[derive(Debug, Clone)]
pub struct Global {
    /// The CA directory.
    pub ca_dir: PathBuf,
    /// `--json`.
    pub json: bool,
    /// `--quiet`.
    pub quiet: bool,
    /// No colour: `--no-color`, `NO_COLOR`, or stdout not a terminal.
    pub no_color: bool,
    /// The time "now" for this run.
    pub now: OffsetDateTime,
    /// `--ledger-password-file`: a PostgreSQL ledger's password.
    pub ledger_password_file: Option<PathBuf>,
}

impl Global {
    /// The CA directory as a store.
    pub fn ca(&self) -> CaDir {
        let passwords = ledger::LedgerPasswords { file: self.ledger_password_file.clone() };
        CaDir::new(&self.ca_dir).with_ledger_password(std::sync::Arc::new(passwords))
    }
}

/// How output is printed, from the global flags.
impl From<&Global> for render::Options {
    fn from(g: &Global) -> render::Options {
        render::Options { json: g.json, quiet: g.quiet, no_color: g.no_color }
    }
}
