//! `pki issue server`, `pki issue client` and `pki issue peer`: mint a TLS leaf
//! certificate and its key.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::commands::args::LeafArgs;
use crate::commands::passphrase::{NewKeyArgs, Passphrases};
use crate::commands::{Global, batch};
use crate::error::Result;
use crate::issuance::{self, FileName, KeySource, LeafPlan};
use crate::keys::KeyType;
use crate::profile::{Profile, Subject};
use crate::render::Outcome;
use crate::render::progress::Terminal;
use crate::report::IssuedReport;
use crate::san::parse_san_lists;

/// The one-line description of `IssueArgs` (also shown in its parent's list).
pub const ISSUE_ABOUT: &str = "Issue a TLS server, client or peer certificate";

/// `pki issue`.
#[derive(Debug, Args)]
#[command(
    about = ISSUE_ABOUT,
    long_about = "Issue a leaf certificate signed by the root (or by an intermediate with \
--issuer), with a fresh key, and write NAME.pem, NAME-key.pem and NAME-chain.pem.",
    after_help = "EXAMPLES:\n  pki issue server --san localhost,127.0.0.1,::1\n  pki issue client --cn alice\n  \
pki issue peer --san etcd-1.internal,10.0.0.11\n  \
pki issue server --issuer web --san api.internal --out-dir certs\n  \
pki issue batch certs.jsonl --json"
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
    #[command(about = PEER_ABOUT)]
    Peer(PeerArgs),
    #[command(about = batch::BATCH_ABOUT)]
    Batch(batch::BatchArgs),
}

const SAN_HELP: &str = "Comma-separated list; repeatable. Each entry is typed by its form: an \
IPv4 or IPv6 address is an IP SAN, '*.example.com' a wildcard DNS name, 'user@host' an email \
address, 'scheme://...' (e.g. spiffe://...) a URI, anything else a DNS name. The prefixes \
dns:, ip:, email: and uri: override the guess. A URL naming a host (https://localhost:8443) is \
refused: write the host alone, or uri:https://... to really mean a URI SAN. Internationalised \
names are converted to A-labels (punycode).";

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
pki issue server --san expired.test --not-after -1h\n  \
pki issue server --san short.test --not-after 24h\n\n\
EXIT CODES:\n  0 issued   1 error (invalid SAN, a SAN outside the CA's name constraints, files exist: pass --force, no CA, wrong passphrase)   2 usage error"
)]
pub struct ServerArgs {
    #[command(flatten)]
    /// The names it is for.
    pub names: HostNames,

    #[command(flatten)]
    /// Flags shared with `issue client`.
    pub common: CommonArgs,
}

/// The names of a certificate that clients connect to (`issue server` and `issue peer`).
#[derive(Debug, Args)]
pub struct HostNames {
    /// Subject alternative names: the names and addresses clients connect to
    #[arg(long, value_name = "LIST", required = true, long_help = SAN_HELP)]
    pub san: Vec<String>,

    /// The subject common name (default: the first SAN)
    #[arg(long, value_name = "CN")]
    pub cn: Option<String>,
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
EXIT CODES:\n  0 issued   1 error (invalid SAN, a SAN outside the CA's name constraints, files exist: pass --force, no CA, wrong passphrase)   2 usage error"
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

/// The one-line description of `PeerArgs` (also shown in its parent's list).
pub const PEER_ABOUT: &str = "Issue a peer certificate, both server and client (EKU serverAuth and clientAuth)";

/// `pki issue peer`.
#[derive(Debug, Args)]
#[command(
    about = PEER_ABOUT,
    long_about = "Issue one certificate that a cluster member presents both ways: as a TLS server \
to the members that connect to it and as a TLS client to the members it connects to, as etcd, \
Consul and Kafka use. EKU serverAuth and clientAuth; otherwise as 'issue server': \
basicConstraints CA:FALSE, keyUsage critical digitalSignature (plus keyEncipherment for RSA \
keys), subject and authority key identifiers, a random serial, and the SANs given (at least \
one; the names other members connect to). The CN defaults to the first SAN.",
    after_help = "EXAMPLES:\n  pki issue peer --san etcd-1.internal,10.0.0.11\n  \
pki issue peer --san kafka-0.kafka.svc,kafka-0 --name kafka-0 --out-dir certs\n  \
pki issue peer --san consul-1.dc1.consul,127.0.0.1 --issuer cluster\n\n\
EXIT CODES:\n  0 issued   1 error (invalid SAN, a SAN outside the CA's name constraints, files exist: pass --force, no CA, wrong passphrase)   2 usage error"
)]
pub struct PeerArgs {
    #[command(flatten)]
    /// The names it is for (other members connect to them).
    pub names: HostNames,

    #[command(flatten)]
    /// Flags shared with `issue server`.
    pub common: CommonArgs,
}

/// Flags shared by `issue server`, `issue client` and `issue peer`.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// The key type
    ///
    /// ecdsa-p256 (the default) works with every TLS client. An ed25519 server or peer
    /// certificate is issued with a warning: Firefox and other NSS-based clients refuse it,
    /// and Chrome and Safari do not offer Ed25519 in TLS.
    #[arg(long, value_name = "T", value_enum, default_value_t = KeyType::EcdsaP256)]
    pub key_type: KeyType,

    #[command(flatten)]
    /// Validity, issuer, output, CA key.
    pub leaf: LeafArgs,

    #[command(flatten)]
    /// Key encryption.
    pub new_key: NewKeyArgs,
}

/// Run `pki issue ...`.
pub fn run(args: IssueArgs, global: &Global) -> Result<Outcome> {
    let (profile, cn, sans, common) = match args.command {
        IssueCommand::Server(a) => (Profile::Server, a.names.cn, parse_san_lists(&a.names.san)?, a.common),
        IssueCommand::Client(a) => (Profile::Client, Some(a.cn), parse_san_lists(&a.san)?, a.common),
        IssueCommand::Peer(a) => (Profile::Peer, a.names.cn, parse_san_lists(&a.names.san)?, a.common),
        IssueCommand::Batch(a) => return batch::run(a, global),
    };
    let subject = Subject { cn, ..Default::default() };
    let plan = LeafPlan::new(profile, subject, sans, common.leaf.issuer.name())?
        .key(KeySource::Generate(common.key_type))
        .output(
            common.leaf.output.dir_or(|| PathBuf::from(".")),
            &common.leaf.output.file_name(FileName::Default),
            common.leaf.output.force,
        )?
        .validity(common.leaf.validity.request(global.now)?);
    let secrets = Passphrases { ca: Some(&common.leaf.ca_key), new_key: Some(&common.new_key), ..Default::default() };
    let new = issuance::issue(&global.ca(), &plan, &secrets, &Terminal::keys(global), global.now)?;
    Ok(Outcome::new(IssuedReport::from(new)))
}
