//! `pki trust install|uninstall|status|env`: make the machine's TLS clients trust the CA
//! directory's root, take it back out, say where it is, or print the variables that
//! trust it without any rights. This file resolves the environment (`PKI_TRUST_ROOT`,
//! `HOME`, `PATH`, `JAVA_HOME`) into a `trust::Machine` and turns results into reports.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueHint};

use crate::commands::Global;
use crate::error::Result;
use crate::render::Outcome;
use crate::report::{EnvVar, TrustChangeReport, TrustEnvReport, TrustLine, TrustStatusReport, TrustStoreRow};
use crate::trust::{self, Action, Machine, StoreKind, TrustRoot};

/// The one-line description of `TrustArgs` (also shown in its parent's list).
pub const TRUST_ABOUT: &str = "Make this machine's TLS clients trust the CA root (or stop)";

/// The stores and variables, for the `--help` of install, uninstall and status.
macro_rules! stores_help {
    () => {
        "\
STORES:
  system  the OS store (curl, openssl, Python, Go; Java on Debian): Debian/Ubuntu
          /usr/local/share/ca-certificates/pki-FP.crt + update-ca-certificates; Fedora/RHEL
          /etc/pki/ca-trust/source/anchors/ + update-ca-trust extract; Arch
          /etc/ca-certificates/trust-source/anchors/ + trust extract-compat; SUSE
          /usr/share/pki/trust/anchors/ + update-ca-certificates
  nss     ~/.pki/nssdb (Chromium, Chrome), each Firefox profile, every --nss-db (certutil)
  java    the cacerts of $JAVA_HOME, else of the java on PATH (keytool, alias pki-FP)
FP is the first 16 hex digits of the root's SHA-256 fingerprint.

ENVIRONMENT:
  PKI_TRUST_ROOT=DIR  treat DIR as / for the system store (tests, containers, image builds)
  JAVA_HOME           the JDK whose cacerts is changed"
    };
}

/// `pki trust`.
#[derive(Debug, Args)]
#[command(
    about = TRUST_ABOUT,
    long_about = "Put the CA directory's root into the trust stores this machine's TLS clients \
read, as `mkcert -install` does, take it back out, show where it is, or print the environment \
variables that trust it without any rights (`eval \"$(pki trust env)\"`).",
    after_help = "EXAMPLES:\n  sudo pki trust install --store system     # as root: the OS store\n  \
pki trust install --store nss              # your browsers, no sudo\n  pki trust status\n  \
eval \"$(pki trust env)\"                    # no rights needed"
)]
pub struct TrustArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: TrustCommand,
}

/// `pki trust` subcommands.
#[allow(missing_docs)] // about here
#[derive(Debug, Subcommand)]
pub enum TrustCommand {
    #[command(about = INSTALL_ABOUT, long_about = INSTALL_LONG, after_help = INSTALL_AFTER)]
    Install(ChangeArgs),
    #[command(about = UNINSTALL_ABOUT, long_about = UNINSTALL_LONG, after_help = UNINSTALL_AFTER)]
    Uninstall(ChangeArgs),
    #[command(about = STATUS_ABOUT)]
    Status(StatusArgs),
    #[command(about = ENV_ABOUT)]
    Env(EnvArgs),
}

const INSTALL_ABOUT: &str = "Put the root into the machine's trust stores";
const INSTALL_LONG: &str = concat!(
    "Put the CA directory's root into every trust store found on this \
machine (or those named by --store), and print one line per store: installed, already \
installed, skipped: WHY, or failed: WHY. A store that already holds the root is left alone, so \
running it again changes nothing.\n\nWithout the rights to write the system store (or a JDK's \
cacerts), that store fails with the exact sudo command to run; pki never prompts. A root with no \
name constraints is installed with a warning: it could sign a certificate for any name.\n\n",
    stores_help!()
);
const INSTALL_AFTER: &str = "EXAMPLES:\n  pki trust install\n  sudo pki trust install --store system\n  \
pki trust install --store nss --nss-db ./profile\n  pki trust install --dry-run\n  \
PKI_TRUST_ROOT=/tmp/tree pki trust install --store system\n\n\
EXIT CODES:\n  0 no chosen store failed   1 a store failed, or no CA   2 usage error";
const UNINSTALL_ABOUT: &str = "Take the root back out of the machine's trust stores";
const UNINSTALL_LONG: &str = concat!(
    "Remove the CA directory's root from every trust store found on \
this machine (or those named by --store): exactly this root (its file pki-FP, nickname 'pki \
root FP', alias pki-FP), nothing else. One line per store: removed, not installed, skipped: \
WHY, or failed: WHY. Running it again changes nothing.\n\n",
    stores_help!()
);
const UNINSTALL_AFTER: &str = "EXAMPLES:\n  pki trust uninstall\n  sudo pki trust uninstall --store system\n  \
pki trust uninstall --dry-run\n\nEXIT CODES:\n  0 no chosen store failed   1 a store failed, or no CA   2 usage error";

/// `pki trust install` and `pki trust uninstall`.
#[derive(Debug, Args)]
pub struct ChangeArgs {
    /// Only this store: system, nss or java (repeatable; default: every store found)
    #[arg(long, value_name = "STORE", value_enum)]
    pub store: Vec<StoreKind>,

    /// Also this NSS database directory (repeatable; cert9.db: sql:, cert8.db: dbm:)
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub nss_db: Vec<PathBuf>,

    /// Print what would be done; change nothing
    #[arg(long)]
    pub dry_run: bool,
}

const STATUS_ABOUT: &str = "Show the stores found and whether the root is in each";

/// `pki trust status`.
#[derive(Debug, Args)]
#[command(
    long_about = concat!(
        "List every trust store found on this machine and whether the CA directory's root is in \
it (system: its file and the bundle; nss: certutil -L; java: keytool -list, any alias), and \
whether the root is name-constrained. An unconstrained root gets a warning that says what it \
could sign.\n\n",
        stores_help!()
    ),
    after_help = "EXAMPLES:\n  pki trust status\n  pki trust status --json | jq '.stores[] | select(.installed)'\n\n\
EXIT CODES:\n  0 shown   1 no CA, or unreadable root   2 usage error"
)]
pub struct StatusArgs {}

const ENV_ABOUT: &str = "Print shell lines that trust the root without any rights";

/// `pki trust env`.
#[derive(Debug, Args)]
#[command(
    long_about = "Write trust-bundle.pem in the CA directory (the system's roots followed by \
this root; under PKI_TRUST_ROOT, that tree's bundle) and print shell lines that export \
SSL_CERT_FILE, REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE (the bundle: OpenSSL, Python, Go, curl \
and requests replace their roots with it) and NODE_EXTRA_CA_CERTS (the root: Node adds it). \
No rights needed; nothing outside the CA directory changes.",
    after_help = "EXAMPLES:\n  eval \"$(pki trust env)\"\n  pki trust env --shell fish | source\n  \
pki trust env >> ~/.profile\n\nEXIT CODES:\n  0 written   1 no CA, or the bundle cannot be written   2 usage error"
)]
pub struct EnvArgs {
    /// The shell to print for: sh (also bash, zsh) or fish
    #[arg(long, value_name = "SHELL", value_enum, default_value = "sh")]
    pub shell: Shell,
}

/// The shells `trust env` prints for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    /// POSIX sh, bash, zsh: `export NAME='VALUE'`.
    Sh,
    /// fish: `set -gx NAME 'VALUE'`.
    Fish,
}

/// Run `pki trust`.
pub fn run(args: TrustArgs, global: &Global) -> Result<Outcome> {
    let ca = global.ca();
    let root = TrustRoot::load(&ca)?;
    match args.command {
        TrustCommand::Install(a) => change(a, Action::Install, &root, global),
        TrustCommand::Uninstall(a) => change(a, Action::Uninstall, &root, global),
        TrustCommand::Status(_) => status(&root),
        TrustCommand::Env(a) => env(a, &root, global),
    }
}

/// The machine as the environment describes it.
fn machine(nss_dbs: Vec<PathBuf>) -> Machine {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    Machine {
        root: var("PKI_TRUST_ROOT").map(|r| absolute(&r)),
        home: var("HOME"),
        path: std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect()).unwrap_or_default(),
        java_home: var("JAVA_HOME"),
        nss_dbs,
    }
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// What an unconstrained root could do, for the warning on `install` and `status`.
fn unconstrained_warning(root: &TrustRoot) -> Option<String> {
    (!root.name_constrained).then(|| {
        "this root can sign certificates for any name, e.g. google.com; create a constrained one with \
         `pki ca init --permit local`"
            .to_string()
    })
}

fn change(args: ChangeArgs, action: Action, root: &TrustRoot, global: &Global) -> Result<Outcome> {
    let machine = machine(args.nss_db);
    let lines = trust::change(trust::find(&machine, &args.store), action, root, args.dry_run);
    let stores = lines
        .into_iter()
        .map(|l| {
            let (result, detail) = match l.outcome {
                trust::Outcome::Installed => ("installed", l.note),
                trust::Outcome::AlreadyInstalled => ("already installed", None),
                trust::Outcome::Removed => ("removed", l.note),
                trust::Outcome::NotInstalled => ("not installed", None),
                trust::Outcome::WouldInstall(steps) => ("would install", Some(steps.join("; "))),
                trust::Outcome::WouldRemove(steps) => ("would remove", Some(steps.join("; "))),
                trust::Outcome::Skipped(why) => ("skipped", Some(why)),
                trust::Outcome::Failed { reason, needs_root } => {
                    let at = match (&l.location, l.store) {
                        (Some(loc), StoreKind::Nss) => format!("{loc}: "),
                        _ => String::new(),
                    };
                    let sudo = if needs_root {
                        format!("; run: {}", sudo_line(action, l.store, &machine, global))
                    } else {
                        String::new()
                    };
                    ("failed", Some(format!("{at}{reason}{sudo}")))
                }
            };
            TrustLine { store: l.store.name(), location: l.location, result, detail }
        })
        .collect();
    let warnings =
        if action == Action::Install { unconstrained_warning(root).into_iter().collect() } else { Vec::new() };
    Ok(Outcome::new(TrustChangeReport {
        root: root.path.display().to_string(),
        fingerprint_sha256: root.sha256.clone(),
        action: if action == Action::Install { "install" } else { "uninstall" },
        dry_run: args.dry_run,
        stores,
        warnings,
    }))
}

/// The exact command that does the same for one store as root: this binary by its
/// absolute path (sudo's PATH rarely has ~/.cargo/bin), the CA directory absolute, and the
/// variables sudo would drop.
fn sudo_line(action: Action, store: StoreKind, machine: &Machine, global: &Global) -> String {
    let q = |p: &Path| crate::trust::quote(&p.display().to_string());
    let exe = std::env::current_exe().map(|p| q(&p)).unwrap_or_else(|_| "pki".into());
    let mut s = "sudo".to_string();
    if let (Some(r), StoreKind::System) = (&machine.root, store) {
        s.push_str(&format!(" PKI_TRUST_ROOT={}", q(r)));
    }
    if let (Some(j), StoreKind::Java) = (&machine.java_home, store) {
        s.push_str(&format!(" JAVA_HOME={}", q(j)));
    }
    let verb = if action == Action::Install { "install" } else { "uninstall" };
    format!("{s} {exe} --ca-dir {} trust {verb} --store {}", q(&absolute(&global.ca_dir)), store.name())
}

fn status(root: &TrustRoot) -> Result<Outcome> {
    let machine = machine(Vec::new());
    let found = trust::status(&machine, root);
    let mut warnings: Vec<String> = unconstrained_warning(root).into_iter().collect();
    warnings.extend(
        found.iter().filter_map(|s| s.problem.as_ref().map(|p| format!("{}: cannot tell: {p}", s.store.name()))),
    );
    let stores = found
        .into_iter()
        .map(|s| TrustStoreRow { store: s.store.name(), location: s.location, installed: s.installed })
        .collect();
    Ok(Outcome::new(TrustStatusReport {
        root: root.path.display().to_string(),
        fingerprint_sha256: root.sha256.clone(),
        name_constrained: root.name_constrained,
        stores,
        warnings,
    }))
}

fn env(args: EnvArgs, root: &TrustRoot, global: &Global) -> Result<Outcome> {
    let machine = machine(Vec::new());
    let ca = crate::store::CaDir::new(absolute(&global.ca_dir));
    let bundle = trust::bundle::write(&ca, root, &machine)?;
    let mut warnings = Vec::new();
    if bundle.system.is_none() {
        warnings.push(format!(
            "no system bundle found: {} holds only this root, so clients that use it will refuse every other site",
            bundle.path.display()
        ));
    }
    let b = bundle.path.display().to_string();
    let variables = vec![
        EnvVar { name: "SSL_CERT_FILE", value: b.clone() },
        EnvVar { name: "REQUESTS_CA_BUNDLE", value: b.clone() },
        EnvVar { name: "CURL_CA_BUNDLE", value: b.clone() },
        EnvVar { name: "NODE_EXTRA_CA_CERTS", value: absolute(&root.path).display().to_string() },
    ];
    Ok(Outcome::new(TrustEnvReport {
        shell: match args.shell {
            Shell::Sh => "sh",
            Shell::Fish => "fish",
        },
        bundle: b,
        system_bundle: bundle.system.map(|p| p.display().to_string()),
        root: absolute(&root.path).display().to_string(),
        variables,
        warnings,
    }))
}
