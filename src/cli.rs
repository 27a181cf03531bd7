//! The top-level command line: the `Cli` struct, the global flags and the list of
//! subcommands. Each subcommand's own flags live in `commands/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueHint};

use crate::commands::{
    bundle, ca, completions, csr, export, inspect, issue, list, probe, renew, revoke, serve, verify,
};

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
    #[command(about = completions::COMPLETIONS_ABOUT)]
    Completions(completions::CompletionsArgs),
    #[command(about = completions::MAN_ABOUT)]
    #[command(hide = true)]
    Man(completions::ManArgs),
}
