//! `pki issue server` and `pki issue client`: mint a TLS leaf certificate and its key.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueHint};

use crate::authority::{self, LeafKey, LeafRequest};
use crate::commands::Global;
use crate::commands::passphrase::{CaKeyArgs, NewKeyArgs};
use crate::error::{Error, Result};
use crate::keys::KeyType;
use crate::profile::{self, Profile, Subject};
use crate::render::Outcome;
use crate::report::IssuedReport;
use crate::san::parse_san_lists;
use crate::store::{IssuerRef, safe_file_stem, validate_file_stem};
use crate::validity::{ValidityRequest, parse_time};

/// The one-line description of `IssueArgs` (also shown in its parent's list).
pub const ISSUE_ABOUT: &str = "Issue a TLS server or client certificate";

/// `pki issue`.
#[derive(Debug, Args)]
#[command(
    about = ISSUE_ABOUT,
    long_about = "Issue a leaf certificate signed by the root (or by an intermediate with \
--issuer), with a fresh key, and write NAME.pem, NAME-key.pem and NAME-chain.pem.",
    after_help = "EXAMPLES:\n  pki issue server --san localhost,127.0.0.1,::1\n  pki issue client --cn alice\n  \
pki issue server --issuer web --san api.internal --out-dir certs"
)]
pub struct IssueArgs {
    /// Which kind of certificate.
    #[command(subcommand)]
    pub command: IssueCommand,
}

/// `pki issue` subcommands.
#[allow(missing_docs)] // about here: deferred subcommands are listed unbuilt
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum IssueCommand {
    #[command(about = SERVER_ABOUT)]
    Server(ServerArgs),
    #[command(about = CLIENT_ABOUT)]
    Client(ClientArgs),
}

const SAN_HELP: &str = "Comma-separated list; repeatable. Each entry is typed by its form: an \
IPv4 or IPv6 address is an IP SAN, '*.example.com' a wildcard DNS name, 'user@host' an email \
address, 'scheme://...' (e.g. spiffe://...) a URI, anything else a DNS name. The prefixes \
dns:, ip:, email: and uri: override the guess. Internationalised names are converted to \
A-labels (punycode).";

/// The one-line description of `ServerArgs` (also shown in its parent's list).
pub const SERVER_ABOUT: &str = "Issue a TLS server certificate (EKU serverAuth)";

/// `pki issue server`.
#[derive(Debug, Args)]
#[command(
    about = SERVER_ABOUT,
    long_about = "Issue a TLS server certificate: EKU serverAuth, basicConstraints CA:FALSE, \
keyUsage critical digitalSignature (plus keyEncipherment for RSA keys), subject and authority \
key identifiers, a random serial, and the SANs given (at least one). The CN defaults to the \
first SAN. Clients match host names against the SANs only, never the CN.",
    after_help = "EXAMPLES:\n  pki issue server --san localhost,127.0.0.1,::1\n  \
pki issue server --san '*.dev.test' --san dev.test --name dev --out-dir certs\n  \
pki issue server --issuer web --san api.internal --key-type rsa-2048\n  \
pki issue server --san expired.test --not-before 2020-01-01 --not-after 2020-02-01\n\n\
EXIT CODES:\n  0 issued   1 error (invalid SAN, files exist: pass --force, no CA, wrong passphrase)   2 usage error"
)]
pub struct ServerArgs {
    /// Subject alternative names (DNS names, IPs, emails, URIs)
    #[arg(long, value_name = "LIST", required = true, long_help = SAN_HELP)]
    pub san: Vec<String>,

    /// The subject common name (default: the first SAN)
    #[arg(long, value_name = "CN")]
    pub cn: Option<String>,

    #[command(flatten)]
    /// Flags shared with `issue client`.
    pub common: CommonArgs,
}

/// The one-line description of `ClientArgs` (also shown in its parent's list).
pub const CLIENT_ABOUT: &str = "Issue a TLS client certificate (EKU clientAuth)";

/// `pki issue client`.
#[derive(Debug, Args)]
#[command(
    about = CLIENT_ABOUT,
    long_about = "Issue a TLS client certificate for mutual TLS: EKU clientAuth, \
basicConstraints CA:FALSE, keyUsage critical digitalSignature (plus keyEncipherment for RSA \
keys), subject and authority key identifiers and a random serial. Servers usually identify the \
client by its CN; SANs (an email address, a SPIFFE URI) are optional.",
    after_help = "EXAMPLES:\n  pki issue client --cn alice\n  \
pki issue client --cn alice --san alice@example.com --encrypt-key\n  \
pki issue client --cn web-frontend --san spiffe://cluster.local/ns/web/sa/frontend\n\n\
EXIT CODES:\n  0 issued   1 error (invalid SAN, files exist: pass --force, no CA, wrong passphrase)   2 usage error"
)]
pub struct ClientArgs {
    /// The subject common name: who the client is
    #[arg(long, value_name = "CN", required = true)]
    pub cn: String,

    /// Subject alternative names (optional for clients)
    #[arg(long, value_name = "LIST", long_help = SAN_HELP)]
    pub san: Vec<String>,

    #[command(flatten)]
    /// Flags shared with `issue server`.
    pub common: CommonArgs,
}

/// Flags shared by `issue server` and `issue client`.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// The key type
    #[arg(long, value_name = "T", value_enum, default_value_t = KeyType::EcdsaP256)]
    pub key_type: KeyType,

    /// Days the certificate is valid
    ///
    /// Counted from now (or from --not-before). Cut to the issuer's notAfter, with a
    /// warning. 397 days is the longest browsers accept for public TLS certificates.
    #[arg(long, value_name = "N", default_value_t = 397, value_parser = clap::value_parser!(u32).range(1..=36500))]
    pub days: u32,

    /// Start of validity: RFC 3339 time or date
    ///
    /// Forms: 2024-01-01T00:00:00Z, 2024-01-01T02:00:00+02:00, 2024-01-01 (midnight UTC).
    /// Default: one minute ago (tolerates clock skew).
    #[arg(long, value_name = "TIME")]
    pub not_before: Option<String>,

    /// End of validity: RFC 3339 time or date
    ///
    /// With --not-before, mints already-expired or not-yet-valid certificates for tests.
    /// Must not pass the issuer's notAfter.
    #[arg(long, value_name = "TIME")]
    pub not_after: Option<String>,

    /// Sign with the intermediate NAME instead of the root
    #[arg(long, value_name = "NAME")]
    pub issuer: Option<String>,

    /// Directory to write the files to
    #[arg(long, value_name = "DIR", default_value = ".", value_hint = ValueHint::DirPath)]
    pub out_dir: PathBuf,

    /// Base name of the files: NAME.pem, NAME-key.pem, NAME-chain.pem
    ///
    /// Default: the first SAN (server) or the CN (client), with '*' written as
    /// '_wildcard' and characters unsafe in file names replaced by '_'.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    #[command(flatten)]
    /// Key encryption.
    pub new_key: NewKeyArgs,

    #[command(flatten)]
    /// Unlocking the CA key.
    pub ca_key: CaKeyArgs,

    /// Replace existing output files
    #[arg(long)]
    pub force: bool,
}

/// Run `pki issue ...`.
pub fn run(args: IssueArgs, global: &Global) -> Result<Outcome> {
    let (profile, cn, sans, common) = match args.command {
        IssueCommand::Server(a) => {
            let sans = parse_san_lists(&a.san)?;
            if sans.is_empty() {
                return Err(Error::invalid("--san", "", "a server certificate needs at least one SAN"));
            }
            let cn = a.cn.or_else(|| profile::default_server_cn(&sans));
            (Profile::Server, cn, sans, a.common)
        }
        IssueCommand::Client(a) => (Profile::Client, Some(a.cn), parse_san_lists(&a.san)?, a.common),
    };
    let subject = Subject { cn, ..Default::default() };
    subject.validate()?;
    let name = match &common.name {
        Some(n) => {
            validate_file_stem(n)?;
            n.clone()
        }
        None => match profile {
            Profile::Server => safe_file_stem(&sans[0].value()),
            _ => safe_file_stem(subject.cn.as_deref().unwrap_or("client")),
        },
    };
    let validity = ValidityRequest {
        days: common.days,
        not_before: common.not_before.as_deref().map(|t| parse_time("--not-before", t)).transpose()?,
        not_after: common.not_after.as_deref().map(|t| parse_time("--not-after", t)).transpose()?,
    };
    let req = LeafRequest {
        profile,
        subject,
        sans,
        key: LeafKey::Generate(common.key_type),
        validity,
        passphrase: None,
        out_dir: common.out_dir.clone(),
        name,
        force: common.force,
        now: global.now,
    };
    // Fail on existing files and a missing CA before asking for any passphrase.
    let (c, k, ch) = req.paths();
    crate::store::fsutil::refuse_existing(&[&c, &k, &ch], req.force)?;
    let ca = global.ca();
    let which = IssuerRef::from_flag(common.issuer.as_deref());
    let ca_pass = common.ca_key.resolve_for(&ca, &which)?;
    let issuer = ca.load_issuer(&which, ca_pass.as_ref())?;
    let req = LeafRequest { passphrase: common.new_key.resolve()?, ..req };
    let issued = authority::issue_leaf(&ca, &issuer, &req)?;
    Ok(Outcome::new(IssuedReport::from(issued)))
}
