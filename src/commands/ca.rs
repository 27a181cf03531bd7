//! `pki ca init` and `pki ca intermediate`: create the root CA and intermediates.

use clap::{Args, Subcommand};

use crate::commands::Global;
use crate::commands::passphrase::{CaKeyArgs, NewKeyArgs, Passphrases};

use crate::error::Result;
use crate::issuance::ca::{self, IntermediatePlan, RootPlan};
use crate::keys::KeyType;
use crate::profile::{MAX_CN_LEN, Subject};
use crate::render::Outcome;
use crate::report::IssuedReport;

/// The one-line description of `CaArgs` (also shown in its parent's list).
pub const CA_ABOUT: &str = "Create and manage the certificate authority";

/// `pki ca`.
#[derive(Debug, Args)]
#[command(
    about = CA_ABOUT,
    long_about = "Create the root CA of the CA directory, and intermediate CAs under it.",
    after_help = "EXAMPLES:\n  pki ca init\n  pki ca init --cn 'Acme Dev Root' --key-type ecdsa-p384 --encrypt-key\n  pki ca intermediate --name web"
)]
pub struct CaArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: CaCommand,
}

/// `pki ca` subcommands.
#[allow(missing_docs)] // about here: deferred subcommands are listed unbuilt
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum CaCommand {
    #[command(about = INIT_ABOUT)]
    Init(InitArgs),
    #[command(about = INTERMEDIATE_ABOUT)]
    Intermediate(IntermediateArgs),
}

/// The one-line description of `InitArgs` (also shown in its parent's list).
pub const INIT_ABOUT: &str = "Create a self-signed root CA in the CA directory";

/// `pki ca init`.
#[derive(Debug, Args)]
#[command(
    about = INIT_ABOUT,
    long_about = "Create a self-signed root CA: ca.pem and ca-key.pem (mode 0600) in the CA \
directory (mode 0700).\n\nThe root has basicConstraints critical CA:TRUE, keyUsage critical \
keyCertSign, cRLSign and digitalSignature, a subject key identifier and a random 127-bit \
serial. An existing CA is never replaced without --force, and never destroyed: --force moves \
the old root, key, ledger, CRL and intermediates to retired/TIMESTAMP/ inside the CA directory \
and starts the new CA with an empty ledger.",
    after_help = "EXAMPLES:\n  pki ca init\n  pki ca init --cn 'Acme Dev Root' --org Acme --days 1825\n  \
pki --ca-dir ./ci-ca ca init --key-type rsa-4096 --path-len 1\n  \
pki ca init --passphrase-file ca-pass.txt\n\nEXIT CODES:\n  0 created   1 error (a CA exists: pass --force; bad passphrase source; I/O)   2 usage error"
)]
pub struct InitArgs {
    /// The root's common name
    ///
    /// Default: "pki Root CA" followed by the user and host names, as in
    /// "pki Root CA alice@laptop", with a random OU ("pki 1a2b3c4d") so that two
    /// default roots never share a name.
    #[arg(long, value_name = "NAME")]
    pub cn: Option<String>,

    /// The root's organisation name (O=)
    #[arg(long, value_name = "ORG")]
    pub org: Option<String>,

    /// The key type
    #[arg(long, value_name = "T", value_enum, default_value_t = KeyType::EcdsaP256)]
    pub key_type: KeyType,

    /// Days the root is valid
    #[arg(long, value_name = "N", default_value_t = 3650, value_parser = clap::value_parser!(u32).range(1..=36500))]
    pub days: u32,

    /// The root's pathLenConstraint: how many intermediates may follow it
    ///
    /// Default: no constraint.
    #[arg(long, value_name = "N")]
    pub path_len: Option<u8>,

    #[command(flatten)]
    /// Key encryption.
    pub new_key: NewKeyArgs,

    /// Replace an existing CA; the old one moves to retired/TIMESTAMP/ in the CA directory
    #[arg(long)]
    pub force: bool,
}

/// The one-line description of `IntermediateArgs` (also shown in its parent's list).
pub const INTERMEDIATE_ABOUT: &str = "Create an intermediate CA signed by the root";

/// `pki ca intermediate`.
#[derive(Debug, Args)]
#[command(
    about = INTERMEDIATE_ABOUT,
    long_about = "Create an intermediate CA signed by the root, stored as \
intermediates/NAME/ca.pem and intermediates/NAME/ca-key.pem in the CA directory. Sign leaves \
with it through 'pki issue ... --issuer NAME'.\n\nIt carries basicConstraints critical CA:TRUE \
with a pathLenConstraint (default 0: it signs leaves only), the CA key usages, subject and \
authority key identifiers, and no extendedKeyUsage. Its validity never passes the root's \
notAfter: a longer --days is cut short, with a warning.",
    after_help = "EXAMPLES:\n  pki ca intermediate --name web\n  \
pki ca intermediate --name k8s --cn 'Cluster Issuing CA' --days 365 --key-type ecdsa-p384\n  \
pki ca intermediate --name web --ca-passphrase-file root-pass.txt\n\nEXIT CODES:\n  0 created   1 error (no CA; exists: pass --force; wrong passphrase; I/O)   2 usage error"
)]
pub struct IntermediateArgs {
    /// The intermediate's name: its directory under intermediates/ and its --issuer name
    #[arg(long, value_name = "NAME")]
    pub name: String,

    /// The intermediate's common name
    ///
    /// Default: "pki Intermediate CA NAME".
    #[arg(long, value_name = "CN")]
    pub cn: Option<String>,

    /// The key type
    #[arg(long, value_name = "T", value_enum, default_value_t = KeyType::EcdsaP256)]
    pub key_type: KeyType,

    /// Days the intermediate is valid (cut to the root's notAfter)
    #[arg(long, value_name = "N", default_value_t = 1825, value_parser = clap::value_parser!(u32).range(1..=36500))]
    pub days: u32,

    /// The intermediate's pathLenConstraint
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub path_len: u8,

    #[command(flatten)]
    /// Key encryption.
    pub new_key: NewKeyArgs,

    #[command(flatten)]
    /// Unlocking the root key.
    pub ca_key: CaKeyArgs,

    /// Replace an existing intermediate of that name
    #[arg(long)]
    pub force: bool,
}

/// Run `pki ca ...`.
pub fn run(args: CaArgs, global: &Global) -> Result<Outcome> {
    match args.command {
        CaCommand::Init(a) => init(a, global),
        CaCommand::Intermediate(a) => intermediate(a, global),
    }
}

fn init(a: InitArgs, global: &Global) -> Result<Outcome> {
    // A defaulted name gets a random unit, so two default roots (same user, same host) never
    // share a subject: validators tell CAs apart by name first.
    let unit = match &a.cn {
        Some(_) => None,
        None => Some(format!("pki {}", &crate::serial::Serial::random()?.to_hex()[..8])),
    };
    let cn = a.cn.unwrap_or_else(default_root_cn);
    let plan = RootPlan {
        subject: Subject { cn: Some(cn), org: a.org, unit },
        key_type: a.key_type,
        days: a.days,
        path_len: a.path_len,
        force: a.force,
    };
    let secrets = Passphrases { new_key: Some(&a.new_key), ..Default::default() };
    let new = ca::init_root(&global.ca(), &plan, &secrets, global.now)?;
    Ok(Outcome::new(IssuedReport::from(new)))
}

fn intermediate(a: IntermediateArgs, global: &Global) -> Result<Outcome> {
    let cn = a.cn.unwrap_or_else(|| format!("pki Intermediate CA {}", a.name));
    let plan = IntermediatePlan {
        name: a.name,
        subject: Subject { cn: Some(cn), ..Default::default() },
        key_type: a.key_type,
        days: a.days,
        path_len: a.path_len,
        force: a.force,
    };
    let secrets = Passphrases { ca: Some(&a.ca_key), new_key: Some(&a.new_key), ..Default::default() };
    let new = ca::create_intermediate(&global.ca(), &plan, &secrets, global.now)?;
    Ok(Outcome::new(IssuedReport::from(new)))
}

/// "pki Root CA user@host", as mkcert names its roots, cut to fit a commonName.
fn default_root_cn() -> String {
    let user = std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).unwrap_or_default();
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_string())
        .unwrap_or_default();
    let who = match (user.is_empty(), host.is_empty()) {
        (false, false) => format!(" {user}@{host}"),
        (false, true) => format!(" {user}"),
        (true, false) => format!(" {host}"),
        (true, true) => String::new(),
    };
    let mut cn = format!("pki Root CA{who}");
    while cn.chars().count() > MAX_CN_LEN {
        cn.pop();
    }
    cn
}
