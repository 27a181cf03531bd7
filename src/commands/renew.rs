//! `pki renew` (issue a fresh certificate like an existing one) and `pki check-renewal`
//! (a cron or CI guard: exit 3 when something expires soon).

use std::path::PathBuf;

use clap::{Args, ValueHint};
use time::{Duration, OffsetDateTime};

use crate::commands::Global;
use crate::commands::args::OutputArgs;
use crate::commands::passphrase::{CaKeyArgs, Passphrases};

use crate::error::{Error, Result};
use crate::input::read_cert_items;
use crate::issuance::renew::{Renewal, renew};
use crate::render::Outcome;
use crate::report::{IssuedReport, RenewalReport, RenewalRow};
use crate::validity::{parse_time, rfc3339, span};

/// The one-line description of `RenewArgs` (also shown in its parent's list).
pub const RENEW_ABOUT: &str = "Issue a fresh certificate like an existing one";

/// `pki renew`.
#[derive(Debug, Args)]
#[command(
    about = RENEW_ABOUT,
    long_about = "Issue a new certificate from this CA with the same subject, SANs, profile and \
issuer as CERTFILE (which this CA must have issued), for as long as CERTFILE was valid unless \
--days, with a new key unless --reuse-key, and record the old one as superseded in the ledger. \
The files go where CERTFILE is, under its name, so --force is needed to replace them; or pass \
--out-dir/--name.",
    after_help = "EXAMPLES:\n  pki renew /etc/api/api.pem --force\n  pki renew alice.pem --name alice-2027 --days 90\n  \
pki check-renewal /etc/api/*.pem --within 30d || pki renew /etc/api/api.pem --force\n\n\
EXIT CODES:\n  0 renewed   1 error (not from this CA, a SAN outside the CA's name constraints, files exist: pass --force, key missing for --reuse-key)   2 usage error"
)]
pub struct RenewArgs {
    /// The certificate to renew
    #[arg(value_name = "CERTFILE", value_hint = ValueHint::FilePath)]
    pub cert: PathBuf,
    /// Days the new certificate is valid (default: as long as CERTFILE was)
    ///
    /// Without --days the renewal keeps CERTFILE's lifetime (notAfter minus notBefore), so a
    /// 10-day certificate is renewed for 10 days; still cut to the issuer's notAfter.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=36500))]
    pub days: Option<u32>,
    /// Keep the old key (NAME-key.pem beside the certificate, or --key)
    #[arg(long)]
    pub reuse_key: bool,
    /// The old key, for --reuse-key
    #[arg(long, value_name = "FILE", requires = "reuse_key", value_hint = ValueHint::FilePath)]
    pub key: Option<PathBuf>,
    #[command(flatten)]
    /// Where the files go.
    pub output: OutputArgs,
    #[command(flatten)]
    /// Unlocking the CA key.
    pub ca_key: CaKeyArgs,
}

/// Run `pki renew`.
pub fn run_renew(a: RenewArgs, global: &Global) -> Result<Outcome> {
    let renewal = Renewal {
        cert: a.cert,
        days: a.days,
        reuse_key: a.reuse_key.then_some(a.key),
        out_dir: a.output.out_dir,
        name: a.output.name,
        force: a.output.force,
    };
    let secrets = Passphrases {
        ca: Some(&a.ca_key),
        existing_key_how: Some("an unencrypted key (pki renew --reuse-key cannot open an encrypted one yet)"),
        ..Default::default()
    };
    let new = renew(&global.ca(), &renewal, &secrets, &crate::render::progress::Terminal::keys(global), global.now)?;
    Ok(Outcome::new(IssuedReport::from(new)))
}

/// The one-line description of `CheckRenewalArgs` (also shown in its parent's list).
pub const CHECK_RENEWAL_ABOUT: &str = "Exit 3 when a certificate expires soon: a cron or CI guard";

/// `pki check-renewal`.
#[derive(Debug, Args)]
#[command(
    about = CHECK_RENEWAL_ABOUT,
    long_about = "Print how long each certificate has left, and exit 3 when any of them has \
expired or expires within DURATION (default 30d), 0 otherwise. DURATION is a number and a \
unit: m (minutes), h (hours), d (days) or w (weeks).",
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

/// `--within`: a duration ahead (`12h`, `30d`, `8w`), never negative.
pub fn parse_duration(s: &str) -> std::result::Result<Duration, String> {
    match crate::validity::parse_duration(s)? {
        d if d.is_negative() => Err(format!("'{}' is negative; give a duration ahead, like 30d", s.trim())),
        d => Ok(d),
    }
}

/// Run `pki check-renewal`.
pub fn run_check(a: CheckRenewalArgs, global: &Global) -> Result<Outcome> {
    let now: OffsetDateTime = match &a.at {
        Some(t) => parse_time("--at", t)?,
        None => global.now,
    };
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    let mut first_refusal = None;
    for path in &a.certs {
        // `pki check-renewal *.pem` also matches the key files: a readable file that holds
        // no certificate is skipped (and said), as long as some other file holds one.
        let der = match read_cert_items(path) {
            Ok(mut items) => items.remove(0).der,
            Err(e @ Error::BadInput { .. }) if holds_no_certificate(path) => {
                skipped.push(path.display().to_string());
                first_refusal.get_or_insert(e);
                continue;
            }
            Err(e) => return Err(e),
        };
        let info = crate::certinfo::CertInfo::parse(&der)
            .map_err(|e| Error::BadCertificate { path: path.clone(), reason: e.to_string() })?;
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
    if rows.is_empty()
        && let Some(e) = first_refusal
    {
        return Err(e);
    }
    let within = span(a.within);
    Ok(Outcome::new(RenewalReport { rows, within, skipped }))
}

/// Whether `path` reads as PEM or DER but holds no certificate (a key, a CSR).
fn holds_no_certificate(path: &std::path::Path) -> bool {
    crate::input::read_items(path)
        .is_ok_and(|items| !items.items.iter().any(|i| i.kind == crate::pem::ItemKind::Certificate))
}
