//! The command layer: one file per subcommand, holding its flags, its help and its
//! action. Commands resolve everything that comes from outside (environment,
//! terminal, clock) and hand plain values to the domain.

pub mod args;
pub mod bundle;
pub mod ca;
pub mod completions;
pub mod csr;
pub mod export;
pub mod inspect;
pub mod issue;
pub mod list;
pub mod passphrase;
pub mod probe;
pub mod renew;
pub mod revoke;
pub mod serve;
pub mod verify;

use std::io::IsTerminal;
use std::path::PathBuf;

use time::OffsetDateTime;

use crate::cli::{Command, GlobalArgs};
use crate::error::{Error, Result};
use crate::render::Outcome;
use crate::store::CaDir;

/// The global flags, resolved.
#[derive(Debug, Clone)]
pub struct Global {
    /// The CA directory.
    pub ca_dir: PathBuf,
    /// Whether the CA directory was named (`--ca-dir` or `PKI_CA_DIR`) rather than defaulted.
    pub ca_dir_explicit: bool,
    /// `--json`.
    pub json: bool,
    /// `--quiet`.
    pub quiet: bool,
    /// No colour: `--no-color`, `NO_COLOR`, or stdout not a terminal.
    pub no_color: bool,
    /// The time "now" for this run.
    pub now: OffsetDateTime,
}

impl Global {
    /// Resolve the global flags against the environment.
    pub fn resolve(args: &GlobalArgs) -> Result<Global> {
        let ca_dir = match &args.ca_dir {
            Some(d) if !d.as_os_str().is_empty() => d.clone(),
            _ => default_ca_dir()?,
        };
        let no_color = args.no_color
            || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
            || !std::io::stdout().is_terminal();
        let ca_dir_explicit = args.ca_dir.as_ref().is_some_and(|d| !d.as_os_str().is_empty());
        Ok(Global {
            ca_dir,
            ca_dir_explicit,
            json: args.json,
            quiet: args.quiet,
            no_color,
            now: OffsetDateTime::now_utc(),
        })
    }

    /// The CA directory as a store.
    pub fn ca(&self) -> CaDir {
        CaDir::new(&self.ca_dir)
    }
}

/// `$XDG_DATA_HOME/pki`, else `$HOME/.local/share/pki`.
fn default_ca_dir() -> Result<PathBuf> {
    if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        let p = PathBuf::from(x);
        if p.is_absolute() {
            return Ok(p.join("pki"));
        }
    }
    match std::env::var_os("HOME").filter(|v| !v.is_empty()) {
        Some(h) => Ok(PathBuf::from(h).join(".local/share/pki")),
        None => Err(Error::InvalidValue {
            flag: "--ca-dir",
            value: String::new(),
            reason: "no CA directory given and neither XDG_DATA_HOME nor HOME is set".into(),
            hint: Some("pass --ca-dir DIR or set PKI_CA_DIR".into()),
        }),
    }
}

/// Run one command.
pub fn run(cmd: Command, global: &Global) -> Result<Outcome> {
    match cmd {
        Command::Ca(a) => ca::run(a, global),
        Command::Issue(a) => issue::run(a, global),
        Command::List(a) => list::run(a, global),
        Command::Inspect(a) => inspect::run(a, global),
        Command::Verify(a) => verify::run(a, global),
        Command::Bundle(a) => bundle::run(a, global),
        Command::Completions(a) => completions::run(a, global),
        Command::Serve(a) => serve::run(a, global),
        Command::Probe(a) => probe::run(a, global),
        Command::Csr(a) => csr::run_csr(a, global),
        Command::Sign(a) => csr::run_sign(a, global),
        Command::Revoke(a) => revoke::run_revoke(a, global),
        Command::Crl(a) => revoke::run_crl(a, global),
        Command::Export(a) => export::run(a, global),
        Command::Convert(a) => export::run_convert(a, global),
        Command::Renew(a) => renew::run_renew(a, global),
        Command::CheckRenewal(a) => renew::run_check(a, global),
        Command::Man(a) => completions::run_man(a, global),
    }
}
