//! `pki renew` (issue a fresh certificate like an existing one) and `pki check-renewal`
//! (a cron or CI guard: exit 3 when something expires soon).

use std::path::PathBuf;

use clap::{Args, ValueHint};
use time::{Duration, OffsetDateTime};

use crate::authority::{self, LeafKey, LeafRequest};
use crate::commands::Global;
use crate::commands::input::read_cert_items;
use crate::commands::passphrase::CaKeyArgs;
use crate::error::{Error, Result};
use crate::keys;
use crate::profile::{Profile, Subject};
use crate::render::Outcome;
use crate::report::{IssuedReport, RenewalReport, RenewalRow};
use crate::store::ledger::Ledger;
use crate::store::{IssuerRef, fsutil, validate_file_stem};
use crate::validity::{ValidityRequest, parse_time, rfc3339, span};

/// The one-line description of `RenewArgs` (also shown in its parent's list).
pub const RENEW_ABOUT: &str = "Issue a fresh certificate like an existing one";

/// `pki renew`.
#[derive(Debug, Args)]
#[command(
    about = RENEW_ABOUT,
    long_about = "Issue a new certificate from this CA with the same subject, SANs, profile and \
issuer as CERTFILE (which this CA must have issued), with a new key unless --reuse-key, and \
record the old one as superseded in the ledger. The files go where CERTFILE is, under its name, \
so --force is needed to replace them; or pass --out-dir/--name.",
    after_help = "EXAMPLES:\n  pki renew /etc/api/api.pem --force\n  pki renew alice.pem --name alice-2027 --days 90\n  \
pki check-renewal /etc/api/*.pem --within 30d || pki renew /etc/api/api.pem --force\n\n\
EXIT CODES:\n  0 renewed   1 error (not from this CA, files exist: pass --force, key missing for --reuse-key)   2 usage error"
)]
pub struct RenewArgs {
    /// The certificate to renew
    #[arg(value_name = "CERTFILE", value_hint = ValueHint::FilePath)]
    pub cert: PathBuf,
    /// Days the new certificate is valid
    #[arg(long, value_name = "N", default_value_t = 397, value_parser = clap::value_parser!(u32).range(1..=36500))]
    pub days: u32,
    /// Keep the old key (NAME-key.pem beside the certificate, or --key)
    #[arg(long)]
    pub reuse_key: bool,
    /// The old key, for --reuse-key
    #[arg(long, value_name = "FILE", requires = "reuse_key", value_hint = ValueHint::FilePath)]
    pub key: Option<PathBuf>,
    /// Directory to write to (default: the certificate's)
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub out_dir: Option<PathBuf>,
    /// Base name of the files (default: the certificate's)
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    #[command(flatten)]
    /// Unlocking the CA key.
    pub ca_key: CaKeyArgs,
    /// Replace existing files
    #[arg(long)]
    pub force: bool,
}

/// Run `pki renew`.
pub fn run_renew(a: RenewArgs, global: &Global) -> Result<Outcome> {
    let der = read_cert_items(&a.cert)?.remove(0).der;
    let info = crate::certinfo::CertInfo::parse(&der)
        .map_err(|reason| Error::BadCertificate { path: a.cert.clone(), reason })?;
    let ca = global.ca();
    ca.require_root()?;
    let ledger = Ledger::load(ca.path())?;
    let entry = ledger.find(&info.serial_hex).cloned().ok_or_else(|| Error::Usage {
        message: format!("'{}' (serial {}) was not issued by this CA", a.cert.display(), info.serial_hex),
        hint: Some("renew with the CA that issued it (--ca-dir), or issue a new one with 'pki issue'".into()),
    })?;
    if !matches!(entry.profile, Profile::Server | Profile::Client) {
        return Err(Error::Usage {
            message: format!("'{}' is a CA certificate; renew leaves only", a.cert.display()),
            hint: Some("create a new intermediate with 'pki ca intermediate --force'".into()),
        });
    }
    let sans = info.sans.to_entries()?;
    let stem = a.cert.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "renewed".into());
    let name = match &a.name {
        Some(n) => {
            validate_file_stem(n)?;
            n.clone()
        }
        None => stem.clone(),
    };
    let cert_dir = fsutil::parent_dir(&a.cert).to_path_buf();
    let key = if a.reuse_key {
        let path = a.key.clone().unwrap_or_else(|| cert_dir.join(format!("{stem}-key.pem")));
        let bytes = fsutil::read(&path)?;
        let k = keys::decode_private_key(
            &bytes,
            &path,
            None,
            "an unencrypted key (pki renew --reuse-key cannot open an encrypted one yet)",
        )?;
        if k.public_key_raw() != info.public_key {
            return Err(Error::KeyMismatch { key: path, cert: a.cert.clone() });
        }
        LeafKey::Reuse(k)
    } else {
        let t = crate::keys::KeyType::EcdsaP256;
        LeafKey::Generate(key_type_of(&der).unwrap_or(t))
    };
    let which = if entry.issuer == "root" { IssuerRef::Root } else { IssuerRef::Intermediate(entry.issuer.clone()) };
    let (cn, org) = subject_cn_org(&der);
    let req = LeafRequest {
        profile: entry.profile,
        subject: Subject { cn, org, unit: None },
        sans,
        key,
        validity: ValidityRequest { days: a.days, not_before: None, not_after: None },
        passphrase: None,
        out_dir: a.out_dir.clone().unwrap_or(cert_dir),
        name,
        force: a.force,
        now: global.now,
    };
    let pass = a.ca_key.resolve_for(&ca, &which)?;
    let issuer = ca.load_issuer(&which, pass.as_ref())?;
    let issued = authority::issue_leaf(&ca, &issuer, &req)?;
    authority::record_supersede(&ca, &entry.serial, &issued.serial.to_hex())?;
    Ok(Outcome::new(IssuedReport::from(issued)))
}

/// The subject's CN and O, which a renewal keeps.
fn subject_cn_org(der: &[u8]) -> (Option<String>, Option<String>) {
    use x509_parser::prelude::{FromDer, X509Certificate};
    let Ok((_, c)) = X509Certificate::from_der(der) else { return (None, None) };
    let first = |mut it: Box<dyn Iterator<Item = &x509_parser::x509::AttributeTypeAndValue<'_>> + '_>| {
        it.next().and_then(|a| a.as_str().ok()).map(str::to_string)
    };
    (first(Box::new(c.subject().iter_common_name())), first(Box::new(c.subject().iter_organization())))
}

fn key_type_of(der: &[u8]) -> Option<crate::keys::KeyType> {
    use crate::keys::KeyType;
    use x509_parser::prelude::{FromDer, X509Certificate};
    let (_, c) = X509Certificate::from_der(der).ok()?;
    let pk = crate::describe::key::public_key_info(c.public_key());
    match (pk.algorithm.as_str(), pk.curve.as_deref(), pk.bits) {
        ("ecdsa", Some("P-384"), _) => Some(KeyType::EcdsaP384),
        ("ecdsa", _, _) => Some(KeyType::EcdsaP256),
        ("ed25519", _, _) => Some(KeyType::Ed25519),
        ("rsa", _, Some(b)) if b >= 4096 => Some(KeyType::Rsa4096),
        ("rsa", _, Some(b)) if b >= 3072 => Some(KeyType::Rsa3072),
        ("rsa", _, _) => Some(KeyType::Rsa2048),
        _ => None,
    }
}

/// The one-line description of `CheckRenewalArgs` (also shown in its parent's list).
pub const CHECK_RENEWAL_ABOUT: &str = "Exit 3 when a certificate expires soon: a cron or CI guard";

/// `pki check-renewal`.
#[derive(Debug, Args)]
#[command(
    about = CHECK_RENEWAL_ABOUT,
    long_about = "Print how long each certificate has left, and exit 3 when any of them has \
expired or expires within DURATION (default 30d), 0 otherwise. DURATION is a number and a \
unit: h (hours), d (days) or w (weeks).",
    after_help = "EXAMPLES:\n  pki check-renewal /etc/api/*.pem --within 30d\n  \
pki check-renewal server.pem --within 12h || pki renew server.pem --force\n  pki check-renewal certs/*.pem --json | jq '.[] | select(.due)'\n\n\
EXIT CODES:\n  0 nothing due   1 error (unreadable file)   2 usage error   3 something expires within DURATION"
)]
pub struct CheckRenewalArgs {
    /// Certificate files (the first certificate of each is checked)
    #[arg(value_name = "CERTFILE", required = true, value_hint = ValueHint::FilePath)]
    pub certs: Vec<PathBuf>,
    /// How far ahead to look: 12h, 30d, 8w
    #[arg(long, value_name = "DURATION", default_value = "30d", value_parser = parse_duration)]
    pub within: Duration,
    /// Judge at TIME instead of now (RFC 3339 or a date)
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
}

/// "30d" and friends.
pub fn parse_duration(s: &str) -> std::result::Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: i64 = num.parse().map_err(|_| format!("'{s}' is not a duration like 12h, 30d or 8w"))?;
    let hours_per = match unit {
        "h" => 1,
        "d" => 24,
        "w" => 24 * 7,
        _ => return Err(format!("'{s}' is not a duration like 12h, 30d or 8w (units: h, d, w)")),
    };
    // At most 1,000 years: enough for any certificate, and far from overflow.
    match n.checked_mul(hours_per) {
        Some(h) if h <= 24 * 366 * 1000 => Ok(Duration::hours(h)),
        _ => Err(format!("'{s}' is too long (at most 1000 years)")),
    }
}

/// Run `pki check-renewal`.
pub fn run_check(a: CheckRenewalArgs, global: &Global) -> Result<Outcome> {
    let now: OffsetDateTime = match &a.at {
        Some(t) => parse_time("--at", t)?,
        None => global.now,
    };
    let mut rows = Vec::new();
    for path in &a.certs {
        let der = read_cert_items(path)?.remove(0).der;
        let info = crate::certinfo::CertInfo::parse(&der)
            .map_err(|reason| Error::BadCertificate { path: path.clone(), reason })?;
        let left = info.not_after - now;
        let phrase = if left.is_negative() {
            format!("EXPIRED {} ago", span(-left))
        } else {
            format!("expires in {}", span(left))
        };
        rows.push(RenewalRow {
            source: path.display().to_string(),
            subject: info.subject,
            not_after: rfc3339(info.not_after),
            remaining_seconds: left.whole_seconds(),
            due: left <= a.within,
            phrase,
        });
    }
    let within = span(a.within);
    Ok(Outcome::new(RenewalReport { rows, within }))
}
