//! `pki ca init` and `pki ca intermediate`: create the root CA and intermediates.

use clap::{Args, Subcommand};

use crate::commands::Global;
use crate::commands::passphrase::{self, CaEnv, CaKeyArgs, NewKeyArgs, Passphrases, TokenArgs};
use crate::constraints::{Entry, NameConstraints, Subtree};

use crate::error::Result;
use crate::issuance::ca::{self, IntermediatePlan, RootPlan};
use crate::keys::KeyType;
use crate::profile::{MAX_CN_LEN, Subject};
use crate::render::Outcome;
use crate::render::progress::Terminal;
use crate::report::{CaInitReport, CaPathReport, IssuedReport};

/// The one-line description of `CaArgs` (also shown in its parent's list).
pub const CA_ABOUT: &str = "Create and manage the certificate authority";

/// `pki ca`.
#[derive(Debug, Args)]
#[command(
    about = CA_ABOUT,
    long_about = "Create the root CA of the CA directory, and intermediate CAs under it.",
    after_help = "EXAMPLES:\n  pki ca init\n  pki ca init --exist-ok\n  pki ca init --cn 'Acme Dev Root' --key-type ecdsa-p384 --encrypt-key\n  \
pki ca intermediate --name web\n  pki ca path"
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
    #[command(about = PATH_ABOUT)]
    Path(PathArgs),
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
and starts the new CA with an empty ledger. With --exist-ok, a usable CA already there (the \
root, its key, a readable ledger) is a success that changes nothing, so scripts and CI can run \
it every time.\n\nA passphrase given for the new key (--passphrase-file, else \
$PKI_PASSPHRASE, else $PKI_CA_PASSPHRASE) always encrypts it: $PKI_CA_PASSPHRASE is the \
variable every later command unlocks the root key with, so a script exports that one alone.\n\n\
--permit and --exclude limit the names the CA may sign for with a critical nameConstraints \
extension, so that a root trusted on a machine cannot vouch for google.com even if its key \
leaks: '--permit local' allows localhost, test, internal, home.arpa and lan (and the names under \
them), loopback and private IP \
ranges only. A name type --permit does not mention (IP, DNS, email, URI) is closed entirely. \
'pki issue', 'sign' and 'renew' refuse names outside the constraints. See \
docs/name-constraints.md.\n\n--key-uri makes the root's key inside a PKCS#11 token (an HSM, a \
cloud KMS's PKCS#11 library, SoftHSM) where it never leaves: ca-key.uri, which records the \
URI and the module (never a PIN), takes the place of ca-key.pem, and every command that signs \
logs in to the token with --pin-file FILE, else $PKI_PKCS11_PIN, else a prompt on a terminal. \
A key already labelled so in the token is an error; with --force it is kept and relabelled \
LABEL.retired-TIMESTAMP. See docs/team.md.",
    after_help = "EXAMPLES:\n  pki ca init\n  pki ca init --permit local\n  \
pki ca init --cn 'Acme Dev Root' --org Acme --permit acme.test,10.0.0.0/8 --exclude prod.acme.test\n  \
PKI_CA_PASSPHRASE=\"$CA_SECRET\" pki ca init --exist-ok\n  \
pki --ca-dir ./ci-ca ca init --key-type rsa-4096 --path-len 1\n  \
pki ca init --passphrase-file ca-pass.txt\n  \
PKI_PKCS11_PIN=1234 pki ca init --key-uri 'pkcs11:token=ca;object=root' --pkcs11-module /usr/lib/softhsm/libsofthsm2.so\n  \
pki ca init --key-uri 'pkcs11:token=ca;object=root' --key-type ecdsa-p384 --pin-file pin.txt\n  \
PGPASSWORD=\"$DB_SECRET\" pki ca init --ledger 'postgres://pki@db.internal/pki?sslmode=verify-full&sslrootcert=/etc/pki/db-ca.pem'\n\nEXIT CODES:\n  0 created, or already there with --exist-ok   \
1 error (a CA exists: pass --exist-ok or --force; an unusable CA with --exist-ok; bad passphrase source; \
token: no module, no token, wrong PIN, label exists; ledger database unreachable; I/O)   2 usage error"
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
    /// Name constraints.
    pub names: ConstraintArgs,

    #[command(flatten)]
    /// Key encryption.
    pub new_key: NewKeyArgs,

    /// Make the root's key in a PKCS#11 token: 'pkcs11:token=TOKEN;object=LABEL'
    ///
    /// RFC 7512 URI: token= (the token's label) and object= (the new key's label) are
    /// needed; id=, serial=, manufacturer=, model= and ?module-path= may be given. A PIN in
    /// the URI (pin-value, pin-source) is refused. --key-type as for a file key, where the
    /// token supports it.
    #[arg(long, value_name = "URI", conflicts_with_all = ["encrypt_key", "passphrase_file"])]
    pub key_uri: Option<String>,

    #[command(flatten)]
    /// Reaching the token.
    pub token: TokenArgs,

    /// Replace an existing CA; the old one moves to retired/TIMESTAMP/ in the CA directory
    #[arg(long)]
    pub force: bool,

    /// Succeed without changing anything when a usable CA is already there
    ///
    /// Usable: ca.pem is a CA certificate, ca-key.pem is its key (checked when the key
    /// is plain or a passphrase for it is given), and the ledger reads. A CA that is there
    /// but unusable is an error naming what is wrong. The other flags only apply when a
    /// CA is created.
    #[arg(long, conflicts_with = "force")]
    pub exist_ok: bool,

    /// Keep the ledger in PostgreSQL: postgres://USER@HOST[:PORT]/DB
    ///
    /// The CA directory records the URL (ledger.url) instead of a ledger.jsonl, and every
    /// command that reads or writes the ledger uses the database; its tables are created
    /// now if missing. Never a password in the URL: --ledger-password-file, $PGPASSWORD or
    /// ~/.pgpass. TLS as in libpq: ?sslmode=verify-full&sslrootcert=/abs/ca.pem checks the
    /// server's certificate and name (sslcert=, sslkey= for a client certificate; default
    /// sslmode=prefer). With --force and no --ledger, the new root keeps the directory's
    /// ledger backend. See docs/team.md.
    #[arg(long, value_name = "URL")]
    pub ledger: Option<String>,
}

/// `--permit` and `--exclude`, shared by `ca init` and `ca intermediate`.
#[derive(Debug, Args)]
pub struct ConstraintArgs {
    /// Permit only these names to the certificates this CA signs (comma-separated, repeatable)
    ///
    /// Adds a critical nameConstraints extension. Entries are typed like SANs: 'example.test'
    /// (that DNS name and every name under it; no leading dot, no '*'), an IP range in CIDR
    /// form ('10.0.0.0/8', 'fd00::/8'), '@example.com' (mailboxes at that domain). 'local' is
    /// a preset: DNS localhost, test, internal, home.arpa, lan; IP 127.0.0.0/8, ::1/128,
    /// 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7. A name type the list does not
    /// mention is closed: no IP (excluded 0.0.0.0/0 and ::/0), no email, URI or DNS name
    /// (only 'pki.invalid', which no real name is under, is permitted).
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = crate::constraints::parse_permit)]
    pub permit: Vec<Entry>,

    /// Forbid these names to the certificates this CA signs (comma-separated, repeatable)
    ///
    /// Same forms as --permit (without the 'local' preset). An excluded name and every name
    /// under it are refused even where --permit allows them: '--permit local --exclude
    /// prod.internal'.
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = crate::constraints::parse_exclude)]
    pub exclude: Vec<Subtree>,
}

impl ConstraintArgs {
    /// The constraints asked for, closed; None without --permit and --exclude.
    fn constraints(&self) -> Option<NameConstraints> {
        NameConstraints::from_flags(&self.permit, &self.exclude)
    }

    /// The subtrees --permit names, the preset expanded.
    fn permitted(&self) -> Vec<Subtree> {
        self.permit
            .iter()
            .flat_map(|e| match e {
                Entry::Local => crate::constraints::local_preset(),
                Entry::Subtree(s) => vec![s.clone()],
            })
            .collect()
    }
}

/// The one-line description of `IntermediateArgs` (also shown in its parent's list).
pub const INTERMEDIATE_ABOUT: &str = "Create an intermediate CA signed by the root";

/// `pki ca intermediate`.
#[derive(Debug, Args)]
#[command(
    about = INTERMEDIATE_ABOUT,
    long_about = "Create an intermediate CA signed by the root, stored as \
intermediates/NAME/ca.pem and intermediates/NAME/ca-key.pem in the CA directory. Sign leaves \
with it through 'pki issue ... --issuer NAME'. With --key-uri its key is made in a PKCS#11 \
token instead, and intermediates/NAME/ca-key.uri records where (as for 'ca init'; the root may \
be in a token or a file).\n\nIt carries basicConstraints critical CA:TRUE \
with a pathLenConstraint (default 0: it signs leaves only), the CA key usages, subject and \
authority key identifiers, and no extendedKeyUsage. Its validity never passes the root's \
notAfter: a longer --days is cut short, with a warning.\n\n--permit and --exclude add a \
critical nameConstraints extension as on 'ca init' (an intermediate is where Java enforces \
them: it ignores them on a root). An intermediate may not permit what its root forbids; the \
root's constraints apply below it all the same.",
    after_help = "EXAMPLES:\n  pki ca intermediate --name web\n  \
pki ca intermediate --name k8s --cn 'Cluster Issuing CA' --days 365 --key-type ecdsa-p384\n  \
pki ca intermediate --name web --ca-passphrase-file root-pass.txt\n  \
pki ca intermediate --name lab --permit lab.test,192.168.50.0/24\n  \
pki ca intermediate --name web --key-uri 'pkcs11:token=ca;object=web' --pin-file pin.txt\n\nEXIT CODES:\n  0 created   \
1 error (no CA; exists: pass --force; wrong passphrase; --permit wider than the root's; I/O)   2 usage error"
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
    /// Name constraints.
    pub names: ConstraintArgs,

    #[command(flatten)]
    /// Key encryption.
    pub new_key: NewKeyArgs,

    #[command(flatten)]
    /// Unlocking the root key.
    pub ca_key: CaKeyArgs,

    /// Make the intermediate's key in a PKCS#11 token: 'pkcs11:token=TOKEN;object=LABEL'
    ///
    /// As for 'ca init --key-uri'. The token's PIN and module come from --pin-file and
    /// --pkcs11-module (and their variables), as for a root in a token.
    #[arg(long, value_name = "URI", conflicts_with_all = ["encrypt_key", "passphrase_file"])]
    pub key_uri: Option<String>,

    /// Replace an existing intermediate of that name
    #[arg(long)]
    pub force: bool,
}

/// The one-line description of `PathArgs` (also shown in its parent's list).
pub const PATH_ABOUT: &str = "Print the CA directory and the root certificate's path";

/// `pki ca path`.
#[derive(Debug, Args)]
#[command(
    about = PATH_ABOUT,
    long_about = "Print the CA directory in effect (--ca-dir, else $PKI_CA_DIR, else the \
platform data directory) and the path of its root certificate, one per line, as absolute \
paths, like 'mkcert -CAROOT'. With --json: {\"ca_dir\": ..., \"root\": ..., \"exists\": ...}. \
When there is no CA yet the paths are printed all the same (where 'pki ca init' will put \
it), with a warning on stderr.",
    after_help = "EXAMPLES:\n  pki ca path\n  cp \"$(pki ca path | tail -n 1)\" /usr/local/share/ca-certificates/pki.crt\n  \
pki ca path --json\n\nEXIT CODES:\n  0 printed (also when there is no CA yet; see \"exists\")   2 usage error"
)]
pub struct PathArgs {}

/// Run `pki ca ...`.
pub fn run(args: CaArgs, global: &Global) -> Result<Outcome> {
    match args.command {
        CaCommand::Init(a) => init(a, global),
        CaCommand::Intermediate(a) => intermediate(a, global),
        CaCommand::Path(_) => path(global),
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
        constraints: a.names.constraints(),
        force: a.force,
        key_uri: a.key_uri,
        ledger: a.ledger.clone(),
    };
    let dir = global.ca();
    let ca_dir = dir.path().display().to_string();
    if a.exist_ok {
        // The existing key is a CA key: unlocked, to check it, by the new key's sources
        // and $PKI_CA_PASSPHRASE, never by a prompt.
        let secrets = ExistingRoot(&a.new_key, &a.token);
        if let Some(root) = ca::existing_root(&dir, &secrets, a.ledger.as_deref())? {
            return Ok(Outcome::new(CaInitReport { root: IssuedReport::from(root), created: false, ca_dir }));
        }
    }
    let secrets = Passphrases {
        new_key: Some(&a.new_key),
        new_key_ca_env: CaEnv::Always,
        token: Some(&a.token),
        ..Default::default()
    };
    let new = ca::init_root(&dir, &plan, &secrets, &Terminal::keys(global), global.now)?;
    Ok(Outcome::new(CaInitReport { root: IssuedReport::from(new), created: true, ca_dir }))
}

/// The passphrase of the root key `ca init --exist-ok` finds: --passphrase-file, else
/// $PKI_PASSPHRASE, else $PKI_CA_PASSPHRASE; none given leaves the key unchecked. A key in
/// a token: --pin-file, else $PKI_PKCS11_PIN (never a prompt either).
struct ExistingRoot<'a>(&'a NewKeyArgs, &'a TokenArgs);

impl crate::issuance::Secrets for ExistingRoot<'_> {
    fn ca_passphrase(&self, key_file: &std::path::Path) -> Result<crate::keys::Passphrase> {
        let given = match &self.0.passphrase_file {
            Some(path) => Some(passphrase::from_file(path, "--passphrase-file")?),
            None => passphrase::from_env(passphrase::ENV_NEW).or_else(|| passphrase::from_env(passphrase::ENV_CA)),
        };
        given.ok_or_else(|| crate::error::Error::KeyEncrypted {
            path: key_file.to_path_buf(),
            how: passphrase::CA_PASSPHRASE_HOW,
        })
    }

    fn ca_key_not_encrypted(&self, key_file: &std::path::Path) {
        let given = match &self.0.passphrase_file {
            Some(path) => Some(format!("--passphrase-file '{}'", path.display())),
            None => [passphrase::ENV_NEW, passphrase::ENV_CA]
                .into_iter()
                .find(|v| passphrase::from_env(v).is_some())
                .map(String::from),
        };
        if let Some(source) = given {
            crate::render::notes::warn(format!(
                "{source} was given but '{}' is not encrypted; the passphrase was not used",
                key_file.display()
            ));
        }
    }

    fn token_pin(&self, token: &str) -> Result<crate::keys::Passphrase> {
        self.1.pin(token, false)
    }

    fn pkcs11_module(&self) -> Option<std::path::PathBuf> {
        self.1.module()
    }
}

fn path(global: &Global) -> Result<Outcome> {
    let dir = global.ca();
    let absolute = |p: &std::path::Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let root = absolute(&dir.cert_path());
    Ok(Outcome::new(CaPathReport {
        ca_dir: absolute(dir.path()).display().to_string(),
        exists: root.is_file(),
        root: root.display().to_string(),
    }))
}

fn intermediate(a: IntermediateArgs, global: &Global) -> Result<Outcome> {
    let cn = a.cn.unwrap_or_else(|| format!("pki Intermediate CA {}", a.name));
    let plan = IntermediatePlan {
        name: a.name,
        subject: Subject { cn: Some(cn), ..Default::default() },
        key_type: a.key_type,
        days: a.days,
        path_len: a.path_len,
        permit: a.names.permitted(),
        constraints: a.names.constraints(),
        force: a.force,
        key_uri: a.key_uri,
    };
    let secrets = Passphrases {
        ca: Some(&a.ca_key),
        new_key: Some(&a.new_key),
        new_key_ca_env: CaEnv::WithEncryptKey,
        ..Default::default()
    };
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
