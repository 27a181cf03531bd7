//! Acting on what the CA issued: revoking a certificate and signing CRLs, under the CA
//! lock so that the ledger and CRL numbers stay consistent.

use std::path::Path;

use time::OffsetDateTime;

use crate::error::{Error, Result};
use crate::store::ledger::{self, Appender, Event, Ledger, LedgerEntry};
use crate::store::{CaDir, LoadedCa, fsutil};
use crate::validity::rfc3339;

/// Mark the certificate with `serial` revoked for `reason` (under the lock). Returns its
/// ledger entry as it now stands. An unknown serial or one already revoked is an error.
pub fn revoke(ca: &CaDir, serial: &str, reason: crate::crl::Reason, now: OffsetDateTime) -> Result<LedgerEntry> {
    ca.require_root()?;
    let _lock = ca.lock()?;
    let mut appender = Appender::open(ca.path())?;
    let ledger = Ledger::load(ca.path())?;
    let Some(entry) = ledger.find(serial) else {
        return Err(Error::UnknownSerial { serial: serial.to_string() });
    };
    if let Some(r) = &entry.revoked {
        return Err(Error::AlreadyRevoked {
            subject: entry.subject.clone(),
            serial: entry.serial.clone(),
            at: r.at.clone(),
        });
    }
    let revocation = ledger::Revocation { at: rfc3339(now), reason: reason.name().to_string() };
    appender.append(&Event::Revoked {
        serial: entry.serial.clone(),
        at: revocation.at.clone(),
        reason: revocation.reason.clone(),
    })?;
    Ok(LedgerEntry { revoked: Some(revocation), ..entry.clone() })
}

/// Sign the next CRL of `issuer` and write it to `out` (under the lock, so CRL numbers
/// only ever increase).
pub fn issue_crl(ca: &CaDir, issuer: &LoadedCa, days: u32, out: &Path, now: OffsetDateTime) -> Result<crate::crl::Crl> {
    if days == 0 {
        return Err(Error::invalid("--days", "0", "nextUpdate must be after thisUpdate"));
    }
    let _lock = ca.lock()?;
    let mut appender = Appender::open(ca.path())?;
    let ledger = Ledger::load(ca.path())?;
    let label = issuer.name.label().to_string();
    let number = ledger.crl_numbers.get(&label).copied().unwrap_or(0) + 1;
    let crl = crate::crl::make_crl(issuer, &ledger, number, now, days)?;
    appender.append(&Event::CrlNumber { issuer: label, number })?;
    fsutil::write_public(out, crl.pem.as_bytes(), true)?;
    Ok(crl)
}
