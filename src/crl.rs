//! Revocation: reasons, revoking a certificate in the ledger, and certificate revocation
//! lists signed by the root or an intermediate from the ledger's revoked entries. Both
//! write in one ledger session (under the CA lock), so the ledger and the CRL numbers
//! stay consistent.

use std::path::Path;

use rcgen::{CertificateRevocationListParams, Issuer, KeyIdMethod, RevokedCertParams};
use time::{Duration, OffsetDateTime};

use crate::error::{Error, Result};
use crate::store::ledger::{Event, Ledger, LedgerEntry, LedgerProblem, Revocation};
use crate::store::{CaDir, LoadedCa, fsutil};
use crate::validity::rfc3339;

/// Mark the certificate with `serial` revoked for `reason`. Returns its ledger entry as
/// it now stands. An unknown serial or one already revoked is an error.
pub fn revoke(ca: &CaDir, target: &Target, reason: Reason, now: OffsetDateTime) -> Result<LedgerEntry> {
    ca.require_root()?;
    let store = ca.ledger()?;
    let mut session = store.begin()?;
    let entry = match target {
        Target::Serial(serial) => {
            session.find(serial)?.ok_or_else(|| Error::UnknownSerial { serial: serial.to_string() })?
        }
        Target::Certificate { path, serial, der } => match session.find(serial)? {
            None => return Err(Error::UnknownSerial { serial: serial.to_string() }),
            Some(e) if e.records(der) => e,
            Some(_) => {
                return Err(Error::NotIssuedHere {
                    path: path.clone(),
                    serial: serial.clone(),
                    command: "revoke",
                    same_serial: true,
                });
            }
        },
    };
    if let Some(r) = &entry.revoked {
        return Err(Error::AlreadyRevoked { subject: entry.subject.clone(), serial: entry.serial, at: r.at.clone() });
    }
    let revocation = Revocation { at: rfc3339(now), reason: reason.name().to_string() };
    session.append(&Event::Revoked {
        serial: entry.serial.clone(),
        at: revocation.at.clone(),
        reason: revocation.reason.clone(),
    })?;
    session.commit()?;
    Ok(LedgerEntry { revoked: Some(revocation), ..entry })
}

/// What to revoke: a serial as the user typed it, or a certificate file, which must be
/// the very certificate this CA issued with its serial (another CA's certificate can
/// carry the same serial; revoking is irreversible).
#[derive(Debug, Clone)]
pub enum Target {
    /// A serial, hex.
    Serial(String),
    /// A certificate read from a file.
    Certificate {
        /// The file.
        path: std::path::PathBuf,
        /// Its serial, hex.
        serial: String,
        /// The certificate, DER.
        der: Vec<u8>,
    },
}

/// Sign the next CRL of `issuer` and write it to `out` (in one ledger session, so CRL
/// numbers only ever increase).
pub fn issue_crl(ca: &CaDir, issuer: &LoadedCa, days: u32, out: &Path, now: OffsetDateTime) -> Result<Crl> {
    if days == 0 {
        return Err(Error::invalid("--days", "0", "nextUpdate must be after thisUpdate"));
    }
    let store = ca.ledger()?;
    let mut session = store.begin()?;
    let ledger = session.load()?;
    let label = issuer.name.label().to_string();
    let last = ledger.crl_number(&label);
    let number = last.checked_add(1).ok_or_else(|| Error::Ledger {
        path: ledger.location().to_path_buf(),
        problem: LedgerProblem::CrlNumberExhausted { issuer: label.clone(), number: last },
    })?;
    let crl = make_crl(issuer, &ledger, number, now, days)?;
    session.append(&Event::CrlNumber { issuer: label, number })?;
    fsutil::write_public(out, crl.pem.as_bytes(), true)?;
    session.commit()?;
    Ok(crl)
}

/// Why a certificate is revoked (RFC 5280 CRLReason), as `--reason` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// No reason given.
    Unspecified,
    /// The certificate's private key was compromised.
    KeyCompromise,
    /// The CA's key was compromised.
    CaCompromise,
    /// The subject's name or affiliation changed.
    AffiliationChanged,
    /// The certificate was replaced.
    Superseded,
    /// The certificate is no longer needed.
    CessationOfOperation,
}

impl Reason {
    /// The kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            Reason::Unspecified => "unspecified",
            Reason::KeyCompromise => "key-compromise",
            Reason::CaCompromise => "ca-compromise",
            Reason::AffiliationChanged => "affiliation-changed",
            Reason::Superseded => "superseded",
            Reason::CessationOfOperation => "cessation-of-operation",
        }
    }

    /// From the name stored in the ledger.
    pub fn from_name(s: &str) -> Option<Reason> {
        use clap::ValueEnum;
        Reason::value_variants().iter().copied().find(|r| r.name() == s)
    }

    /// The reason as rcgen writes it.
    pub fn to_rcgen(self) -> rcgen::RevocationReason {
        match self {
            Reason::Unspecified => rcgen::RevocationReason::Unspecified,
            Reason::KeyCompromise => rcgen::RevocationReason::KeyCompromise,
            Reason::CaCompromise => rcgen::RevocationReason::CaCompromise,
            Reason::AffiliationChanged => rcgen::RevocationReason::AffiliationChanged,
            Reason::Superseded => rcgen::RevocationReason::Superseded,
            Reason::CessationOfOperation => rcgen::RevocationReason::CessationOfOperation,
        }
    }
}

/// A CRL made.
#[derive(Debug, Clone)]
pub struct Crl {
    /// PEM text.
    pub pem: String,
    /// Its cRLNumber.
    pub number: u64,
    /// thisUpdate.
    pub this_update: OffsetDateTime,
    /// nextUpdate.
    pub next_update: OffsetDateTime,
    /// Serials (hex) listed.
    pub revoked: Vec<String>,
}

/// Sign a CRL for `issuer` listing the ledger's revoked certificates that `issuer` signed.
/// `number` must be larger than any before (the caller keeps it in the ledger).
pub fn make_crl(issuer: &LoadedCa, ledger: &Ledger, number: u64, now: OffsetDateTime, days: u32) -> Result<Crl> {
    let label = issuer.name.label();
    let mut revoked = Vec::new();
    let mut serials = Vec::new();
    for e in ledger.certificates().iter().filter(|e| e.issuer == label) {
        let Some(r) = &e.revoked else { continue };
        let bytes = hex_bytes(&e.serial).ok_or_else(|| Error::Ledger {
            path: ledger.location().to_path_buf(),
            problem: LedgerProblem::BadSerial { serial: e.serial.clone() },
        })?;
        let at = crate::validity::parse_time("ledger", &r.at)?;
        revoked.push(RevokedCertParams {
            serial_number: rcgen::SerialNumber::from_slice(&bytes),
            revocation_time: at,
            reason_code: Reason::from_name(&r.reason).map(Reason::to_rcgen),
            invalidity_date: None,
        });
        serials.push(e.serial.clone());
    }
    sign_crl(issuer, revoked, serials, number, now, days)
}

/// Sign a CRL for `issuer` listing `revoked` (whose serials, hex, are `serials`), with
/// cRLNumber `number`, thisUpdate `now` and nextUpdate `days` later. [`make_crl`] gives it
/// the ledger's revocations; `pki fixtures` the one certificate of its `revoked` case.
pub fn sign_crl(
    issuer: &LoadedCa,
    revoked: Vec<RevokedCertParams>,
    serials: Vec<String>,
    number: u64,
    now: OffsetDateTime,
    days: u32,
) -> Result<Crl> {
    let this_update = now.replace_nanosecond(0).unwrap_or(now);
    let next_update = this_update + Duration::days(i64::from(days));
    let info = crate::certinfo::CertInfo::parse(&issuer.cert).map_err(|e| Error::crypto("reading the issuer", e))?;
    let params = CertificateRevocationListParams {
        this_update,
        next_update,
        crl_number: rcgen::SerialNumber::from_slice(&number.to_be_bytes()),
        issuing_distribution_point: None,
        revoked_certs: revoked,
        // The AKI must be the issuer's SKI, whatever method made it.
        key_identifier_method: match info.ski {
            Some(ski) => KeyIdMethod::PreSpecified(ski),
            None => KeyIdMethod::Sha256,
        },
    };
    let rc_issuer = Issuer::from_ca_cert_der(&issuer.cert, crate::signer::Rcgen(issuer.key.as_ref()))
        .map_err(|e| Error::crypto("signing the CRL", e))?;
    let crl = params.signed_by(&rc_issuer).map_err(|e| Error::crypto("signing the CRL", e))?;
    let pem = crl.pem().map_err(|e| Error::crypto("encoding the CRL", e))?;
    Ok(Crl { pem, number, this_update, next_update, revoked: serials })
}

fn hex_bytes(s: &str) -> Option<Vec<u8>> {
    let s = if s.len() % 2 == 1 { format!("0{s}") } else { s.to_string() };
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}
