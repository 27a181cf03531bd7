//! The top-level command line: the `Cli` struct, the global flags (and their resolution
//! against the environment) and the list of subcommands with the one dispatch to their
//! actions. Each subcommand's own flags and action live in `commands/`, which never
//! imports this module.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueHint};
use time::OffsetDateTime;

use crate::commands::{
    Global, bundle, ca, completions, csr, export, fixtures, inspect, issue, ledger, list, probe, renew, revoke, serve,
    trust, verify,
};
use crate::error::{Error, Result};
use crate::render::Outcome;

/// One-line description shown by `pki -h`.
const ABOUT: &str = "A local certificate authority and certificate toolkit";

const LONG_ABOUT: &str = "\
pki creates a local certificate authority and mints certificates with it: TLS server and \
client leaves with the right SANs, key usages and extended key usages, for every common key \
type. Everything happens in-process; no openssl is needed.

The CA lives in a directory: --ca-dir, else $PKI_CA_DIR, else $XDG_DATA_HOME/pki \
(~/.local/share/pki).";

const AFTER_HELP: &str = "\
EXAMPLES:
  pki ca init
  pki issue server --san localhost,127.0.0.1,::1
  pki issue client --cn alice
  pki ca intermediate --name web && pki issue server --issuer web --san api.internal
  pki list --json

EXIT CODES:
  0 success   1 error (bad input, I/O, wrong passphrase, refusal)   2 usage error
  3 a check failed (verify)";

/// `pki --version`: the version and what does the cryptography.
const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "\ncrypto backend: aws-lc-rs (AWS-LC), through rcgen, rustls-webpki and rustls",
    "\nparsing: x509-parser, rustls-pki-types, pkcs8"
);

/// The `pki` command line.
#[derive(Debug, Parser)]
#[command(name = "pki", version, long_version = LONG_VERSION, about = ABOUT, long_about = LONG_ABOUT, after_help = AFTER_HELP)]
#[command(propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// Flags every command takes.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Flags accepted before or after any subcommand.
#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// The CA directory
    ///
    /// Default: $PKI_CA_DIR, else $XDG_DATA_HOME/pki (~/.local/share/pki on Linux).
    #[arg(long, global = true, value_name = "DIR", value_hint = ValueHint::DirPath, env = "PKI_CA_DIR", hide_env_values = true)]
    pub ca_dir: Option<PathBuf>,

    /// Print one JSON document on stdout instead of text
    #[arg(long, global = true)]
    pub json: bool,

    /// Print nothing on success
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Never use colour (also when NO_COLOR is set or output is not a terminal)
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Read the PostgreSQL ledger's password from FILE
    ///
    /// Only for a CA whose ledger is in PostgreSQL (ca init --ledger URL). Else
    /// $PGPASSWORD, else the libpq password file ($PGPASSFILE, else ~/.pgpass, mode 0600).
    /// One trailing newline is not part of the password. Never stored.
    #[arg(long, global = true, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub ledger_password_file: Option<PathBuf>,
}

/// The subcommands.
#[allow(missing_docs)] // about here: deferred subcommands are listed unbuilt
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    #[command(about = ca::CA_ABOUT)]
    Ca(ca::CaArgs),
    #[command(about = issue::ISSUE_ABOUT)]
    Issue(issue::IssueArgs),
    #[command(about = list::LIST_ABOUT)]
    List(list::ListArgs),
    #[command(about = ledger::LEDGER_ABOUT)]
    Ledger(ledger::LedgerArgs),
    #[command(about = inspect::INSPECT_ABOUT)]
    Inspect(inspect::InspectArgs),
    #[command(about = verify::VERIFY_ABOUT)]
    Verify(verify::VerifyArgs),
    #[command(about = bundle::BUNDLE_ABOUT)]
    Bundle(bundle::BundleArgs),
    #[command(about = csr::CSR_ABOUT)]
    Csr(csr::CsrArgs),
    #[command(about = csr::SIGN_ABOUT)]
    Sign(csr::SignArgs),
    #[command(about = revoke::REVOKE_ABOUT)]
    Revoke(revoke::RevokeArgs),
    #[command(about = revoke::CRL_ABOUT)]
    Crl(revoke::CrlArgs),
    #[command(about = export::EXPORT_ABOUT)]
    Export(export::ExportArgs),
    #[command(about = export::CONVERT_ABOUT)]
    Convert(export::ConvertArgs),
    #[command(about = renew::RENEW_ABOUT)]
    Renew(renew::RenewArgs),
    #[command(about = renew::CHECK_RENEWAL_ABOUT)]
    CheckRenewal(renew::CheckRenewalArgs),
    #[command(about = serve::SERVE_ABOUT)]
    Serve(serve::ServeArgs),
    #[command(about = probe::PROBE_ABOUT)]
    Probe(probe::ProbeArgs),
    #[command(about = trust::TRUST_ABOUT)]
    Trust(trust::TrustArgs),
    #[command(about = fixtures::FIXTURES_ABOUT)]
    Fixtures(fixtures::FixturesArgs),
    #[command(about = completions::COMPLETIONS_ABOUT)]
    Completions(completions::CompletionsArgs),
    #[command(about = completions::MAN_ABOUT)]
    #[command(hide = true)]
    Man(completions::ManArgs),
}

impl GlobalArgs {
    /// Resolve the global flags against the environment (`NO_COLOR`, `XDG_DATA_HOME`,
    /// `HOME`, whether stdout is a terminal) and the clock.
    pub fn resolve(&self) -> Result<Global> {
        let ca_dir = match &self.ca_dir {
            Some(d) if !d.as_os_str().is_empty() => d.clone(),
            _ => default_ca_dir()?,
        };
        let no_color = self.no_color
            || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
            || !std::io::stdout().is_terminal();
        Ok(Global {
            ca_dir,
            json: self.json,
            quiet: self.quiet,
            no_color,
            now: OffsetDateTime::now_utc(),
            ledger_password_file: self.ledger_password_file.clone(),
        })
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

impl Command {
    /// Run the command: the one place that maps each subcommand to its action.
    pub fn run(self, global: &Global) -> Result<Outcome> {
        match self {
            Command::Ca(a) => ca::run(a, global),
            Command::Issue(a) => issue::run(a, global),
            Command::List(a) => list::run(a, global),
            Command::Ledger(a) => ledger::run(a, global),
            Command::Inspect(a) => inspect::run(a, global),
            Command::Verify(a) => verify::run(a, global),
            Command::Bundle(a) => bundle::run(a, global),
            Command::Completions(a) => completions::run(a, Cli::command(), global),
            Command::Serve(a) => serve::run(a, global),
            Command::Probe(a) => probe::run(a, global),
            Command::Trust(a) => trust::run(a, global),
            Command::Fixtures(a) => fixtures::run(a, global),
            Command::Csr(a) => csr::run_csr(a, global),
            Command::Sign(a) => csr::run_sign(a, global),
            Command::Revoke(a) => revoke::run_revoke(a, global),
            Command::Crl(a) => revoke::run_crl(a, global),
            Command::Export(a) => export::run(a, global),
            Command::Convert(a) => export::run_convert(a, global),
            Command::Renew(a) => renew::run_renew(a, global),
            Command::CheckRenewal(a) => renew::run_check(a, global),
            Command::Man(a) => completions::run_man(a, Cli::command(), global),
        }
    }
}
