//! `pki ledger export`, and where a PostgreSQL ledger's password comes from
//! (`--ledger-password-file`, `PGPASSWORD`, the libpq password file).

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::commands::Global;
use crate::error::{Error, Result};
use crate::keys::Passphrase;
use crate::render::Outcome;
use crate::report::LedgerExportReport;
use crate::store::fsutil;
use crate::store::ledger::{PasswordSource, PgTarget, pgpass_lookup};

/// The one-line description of `LedgerArgs` (also shown in its parent's list).
pub const LEDGER_ABOUT: &str = "Read the CA's ledger, whichever its backend";

/// `pki ledger`.
#[derive(Debug, Args)]
#[command(
    about = LEDGER_ABOUT,
    long_about = "Read the CA's ledger, whether it is the file ledger.jsonl or a PostgreSQL database \
(pki ca init --ledger URL).",
    after_help = "EXAMPLES:\n  pki ledger export > ledger.jsonl\n  pki ledger export -o backup/ledger.jsonl"
)]
pub struct LedgerArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: LedgerCommand,
}

/// The one-line description of `ExportArgs`.
pub const EXPORT_ABOUT: &str = "Write the ledger as JSON Lines, in ledger.jsonl's own format";

/// `pki ledger` subcommands.
#[allow(missing_docs)] // about here
#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    #[command(about = EXPORT_ABOUT)]
    Export(ExportArgs),
}

/// `pki ledger export`.
#[derive(Debug, Args)]
#[command(
    about = EXPORT_ABOUT,
    long_about = "Write the ledger as JSON Lines in the file ledger's own format: the header line \
{\"pki_ledger\":2}, then one event per line (\"event\": \"issued\", \"revoked\", \"superseded\" or \
\"crl-number\"), oldest first, byte for byte as ledger.jsonl holds them. From a PostgreSQL \
ledger, this is a backup that a CA directory can use as its ledger.jsonl. Only whole, \
committed events are written.",
    after_help = "EXAMPLES:\n  pki ledger export > ledger.jsonl\n  pki ledger export -o backup/ledger-$(date +%F).jsonl\n  \
pki ledger export | jq -c 'select(.event == \"revoked\")'\n\nEXIT CODES:\n  0 written   \
1 error (no CA; the database unreachable; the file exists: pass --force; I/O)   2 usage error"
)]
pub struct ExportArgs {
    /// Write to FILE (atomically: a whole file or none) instead of standard output
    #[arg(short, long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub out: Option<PathBuf>,

    /// Replace FILE if it exists
    #[arg(long, requires = "out")]
    pub force: bool,
}

/// Run `pki ledger ...`.
pub fn run(args: LedgerArgs, global: &Global) -> Result<Outcome> {
    let LedgerCommand::Export(a) = args.command;
    let ca = global.ca();
    ca.require_root()?;
    let bytes = ca.ledger()?.export()?;
    let events = bytes.iter().filter(|b| **b == b'\n').count().saturating_sub(1);
    match &a.out {
        Some(out) => {
            fsutil::write_public(out, &bytes, a.force)?;
            Ok(Outcome::new(LedgerExportReport { out: Some(out.display().to_string()), events, bytes: None }))
        }
        None => Ok(Outcome::new(LedgerExportReport { out: None, events, bytes: Some(bytes) })),
    }
}

/// The password of a PostgreSQL ledger: `--ledger-password-file`, else `PGPASSWORD`, else
/// the libpq password file (`PGPASSFILE`, else `~/.pgpass`), as libpq reads them.
#[derive(Debug, Clone)]
pub struct LedgerPasswords {
    /// `--ledger-password-file`.
    pub file: Option<PathBuf>,
}

impl PasswordSource for LedgerPasswords {
    fn libpq_dir(&self) -> Option<PathBuf> {
        std::env::var_os("HOME").filter(|v| !v.is_empty()).map(|h| PathBuf::from(h).join(".postgresql"))
    }

    fn password(&self, target: &PgTarget) -> Result<Option<(Passphrase, String)>> {
        if let Some(path) = &self.file {
            let source = format!("--ledger-password-file '{}'", path.display());
            let bytes = crate::input::read_secret(path, "read password file")?;
            let text = String::from_utf8(bytes).map_err(|_| Error::BadPassphrase {
                source: source.clone(),
                reason: "the file is not UTF-8 text".into(),
            })?;
            let pw = super::passphrase::non_empty(Passphrase::new(text), &source)?;
            return Ok(Some((pw, source)));
        }
        if let Some(pw) = super::passphrase::from_env("PGPASSWORD") {
            return Ok(Some((pw, "PGPASSWORD".into())));
        }
        let file = match std::env::var_os("PGPASSFILE").filter(|v| !v.is_empty()) {
            Some(f) => PathBuf::from(f),
            None => match std::env::var_os("HOME").filter(|v| !v.is_empty()) {
                Some(h) => PathBuf::from(h).join(".pgpass"),
                None => return Ok(None),
            },
        };
        let Ok(meta) = std::fs::metadata(&file) else { return Ok(None) };
        // As libpq: a password file others can read is ignored.
        if meta.permissions().mode() & 0o077 != 0 {
            crate::render::notes::warn(format!(
                "'{}' is readable by others, so it was not used (chmod 600 it)",
                file.display()
            ));
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&crate::input::read_secret(&file, "read password file")?).into_owned();
        Ok(pgpass_lookup(&text, &target.host, target.port, &target.dbname, &target.user)
            .map(|pw| (Passphrase::new(pw), format!("'{}'", file.display()))))
    }
}
