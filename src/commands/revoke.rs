//! `pki revoke` (mark a certificate of this CA revoked) and `pki crl` (publish the list).

use std::path::PathBuf;

use clap::{Args, ValueHint};

use crate::commands::Global;
use crate::commands::passphrase::CaKeyArgs;
use crate::crl::Reason;
use crate::crl::Target;
use crate::error::Result;
use crate::input::read_cert_items;
use crate::render::Outcome;
use crate::report::{CrlReport, RevokeReport};
use crate::store::CaName;

use crate::validity::rfc3339;

/// The one-line description of `RevokeArgs` (also shown in its parent's list).
pub const REVOKE_ABOUT: &str = "Mark a certificate of this CA revoked";

/// `pki revoke`.
#[derive(Debug, Args)]
#[command(
    about = REVOKE_ABOUT,
    long_about = "Mark a certificate this CA issued as revoked in the ledger, by serial (hex, with \
or without colons) or by its certificate file. The next 'pki crl' lists it. An unknown serial, \
or one already revoked, is an error.",
    after_help = "EXAMPLES:\n  pki revoke api.pem --reason key-compromise && pki crl\n  \
pki revoke 1e2a7acd7f9f88f30b9d5f766c12297b\n  pki revoke 1e:2a:7a:cd:7f:9f:88:f3:0b:9d:5f:76:6c:12:29:7b --reason superseded\n\n\
EXIT CODES:\n  0 revoked   1 error (unknown serial, already revoked, no CA)   2 usage error"
)]
pub struct RevokeArgs {
    /// The serial number (hex) or a certificate file
    #[arg(value_name = "SERIAL|CERTFILE", value_hint = ValueHint::FilePath)]
    pub target: String,
    /// Why
    #[arg(long, value_name = "REASON", value_enum, default_value_t = Reason::Unspecified)]
    pub reason: Reason,
}

/// Run `pki revoke`.
pub fn run_revoke(a: RevokeArgs, global: &Global) -> Result<Outcome> {
    let path = PathBuf::from(&a.target);
    let target = if path.exists() {
        let items = read_cert_items(&path)?;
        let der = items.into_iter().next().map(|i| i.der).unwrap_or_default();
        let serial = crate::certinfo::CertInfo::parse(&der)
            .map_err(|e| crate::Error::BadCertificate { path: path.clone(), reason: e.to_string() })?
            .serial_hex;
        Target::Certificate { path, serial, der }
    } else {
        Target::Serial(a.target.clone())
    };
    let e = crate::crl::revoke(&global.ca(), &target, a.reason, global.now)?;
    let r = e
        .revoked
        .clone()
        .unwrap_or_else(|| crate::store::ledger::Revocation { at: String::new(), reason: String::new() });
    Ok(Outcome::new(RevokeReport { serial: e.serial, subject: e.subject, reason: r.reason, revoked_at: r.at }))
}

/// The one-line description of `CrlArgs` (also shown in its parent's list).
pub const CRL_ABOUT: &str = "Write a certificate revocation list";

/// `pki crl`.
#[derive(Debug, Args)]
#[command(
    about = CRL_ABOUT,
    long_about = "Write a CRL (PEM X509 CRL) signed by the root, or by the intermediate --issuer, \
listing the certificates it issued that were revoked, with their reasons. Each CRL gets the next \
cRLNumber of its issuer and an authority key identifier; nextUpdate is --days after now. Default \
output: crl.pem in the CA directory (intermediates/NAME/crl.pem for --issuer NAME).",
    after_help = "EXAMPLES:\n  pki crl\n  pki crl --issuer web --days 1 -o /var/www/crl/web.pem\n  \
openssl verify -crl_check -CAfile ca.pem -CRLfile crl.pem api.pem\n\n\
EXIT CODES:\n  0 written   1 error (no CA, wrong passphrase, I/O)   2 usage error"
)]
pub struct CrlArgs {
    /// Sign with the intermediate NAME instead of the root
    #[arg(long, value_name = "NAME")]
    pub issuer: Option<String>,
    /// Days until nextUpdate
    #[arg(long, value_name = "N", default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub days: u32,
    /// Where to write the CRL
    #[arg(short = 'o', long = "out", value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    /// Unlocking the CA key.
    pub ca_key: CaKeyArgs,
}

/// Run `pki crl`.
pub fn run_crl(a: CrlArgs, global: &Global) -> Result<Outcome> {
    let ca = global.ca();
    let which = CaName::from_flag(a.issuer.as_deref());
    let issuer = ca.load(&which, &a.ca_key)?;
    let out = a.out.clone().unwrap_or_else(|| ca.crl_path(&which));
    let crl = crate::crl::issue_crl(&ca, &issuer, a.days, &out, global.now)?;
    Ok(Outcome::new(CrlReport {
        crl: out.display().to_string(),
        number: crl.number,
        this_update: rfc3339(crl.this_update),
        next_update: rfc3339(crl.next_update),
        revoked: crl.revoked,
    }))
}
