//! [`issue`]: the one function that turns a [`LeafPlan`] into a signed, recorded leaf
//! and its files.

use std::path::Path;

use time::OffsetDateTime;

use super::{CaUnlock, LeafPlan, NewCert, Secrets, record_then_commit, sign, stage_files, subject_of};
use crate::certinfo::sha256_hex;
use crate::error::Result;
use crate::keys::{self, KeyType};
use crate::profile::{self, Profile};
use crate::san::SanEntry;
use crate::serial::Serial;
use crate::store::ledger::Event;
use crate::store::{CaDir, LoadedCa, fsutil};
use crate::validity::{APPLE_MAX_DAYS, Decided, rfc3339};

/// Issue `plan` with the CA of `ca` it names, write its files and record it.
///
/// In order: refuse existing outputs, load the issuer (asking `secrets` for its
/// passphrase only if its key is encrypted), decide the validity against the issuer's,
/// make the key (encrypted with `secrets`' new-key passphrase, if any), then, under the
/// CA lock, sign, record in the ledger and put the files in place.
pub fn issue(ca: &CaDir, plan: &LeafPlan, secrets: &dyn Secrets, now: OffsetDateTime) -> Result<NewCert> {
    let (cert_path, key_path, chain_path) = plan.paths();
    let outputs: Vec<&Path> = match plan.key.writes_key() {
        true => vec![&cert_path, &key_path, &chain_path],
        false => vec![&cert_path, &chain_path],
    };
    // Fail on existing files and a missing CA before asking for any passphrase.
    fsutil::refuse_existing(&outputs, plan.force)?;
    fsutil::refuse_non_files(&outputs)?;
    // Names the issuing chain's constraints forbid are refused before any passphrase is asked.
    let constraints = super::chain_constraints(ca, &plan.issuer)?;
    crate::constraints::check::check_leaf(&constraints, &plan.sans, plan.subject.cn.as_deref())?;
    let issuer = ca.load(&plan.issuer, &CaUnlock(secrets))?;
    let decided = match plan.lifetime {
        Some(length) => plan.validity.decide_lasting(length, now, Some(issuer.not_after))?,
        None => plan.validity.decide(now, Some(issuer.not_after))?,
    };
    let warnings = warnings(plan, &issuer, &decided);

    let generated = match &plan.key {
        super::KeySource::Generate(t) => Some(t.generate()?),
        _ => None,
    };
    let passphrase = match generated {
        Some(_) => secrets.new_key_passphrase()?,
        None => None,
    };
    let key_pem = match &generated {
        Some(k) => Some(keys::encode_private_key(k, passphrase.as_ref())?),
        None => None,
    };
    // Check the ledger before creating anything, so a damaged one leaves no trace.
    let ledger = ca.ledger()?;
    ledger.precheck()?;
    fsutil::create_dir(&plan.out_dir)?;

    // One session, holding the CA lock, from the serial to the files in place.
    let session = ledger.begin()?;
    let serial = Serial::random()?;
    let (rsa, key_type) = plan.key.kind();
    let params = profile::leaf(plan.profile, &plan.subject, &plan.sans, decided.validity, &serial, rsa)?;
    let what = "signing the certificate";
    let der = match (&plan.key, &generated) {
        (_, Some(k)) => sign(&params, k, &issuer, what)?,
        (super::KeySource::Reuse(k), None) => sign(&params, k, &issuer, what)?,
        (super::KeySource::Public { spki, .. }, None) => sign(&params, spki, &issuer, what)?,
        (super::KeySource::Generate(_), None) => unreachable!("a generated key exists for KeySource::Generate"),
    };
    let cert_pem = super::pem_cert(&der);
    let mut chain_pem = cert_pem.clone();
    for c in &issuer.chain {
        chain_pem.push_str(&super::pem_cert(c));
    }

    // Leaf files are renamed into place but not fsynced: see fsutil::Durability.
    let mut files: Vec<(&Path, &[u8], u32)> = Vec::new();
    if let Some(k) = &key_pem {
        files.push((&key_path, k.as_bytes(), fsutil::SECRET_MODE));
    }
    files.push((&cert_path, cert_pem.as_bytes(), fsutil::PUBLIC_MODE));
    files.push((&chain_path, chain_pem.as_bytes(), fsutil::PUBLIC_MODE));
    let staged = stage_files(&files, fsutil::Durability::Renamed)?;

    let new = NewCert {
        cert_path: cert_path.clone(),
        key_path: plan.key.writes_key().then(|| key_path.clone()),
        chain_path: Some(chain_path.clone()),
        serial,
        subject: subject_of(&der)?,
        sans: plan.sans.clone(),
        validity: decided.validity,
        fingerprint_sha256: sha256_hex(&der),
        key_type,
        key_encrypted: passphrase.is_some(),
        profile: plan.profile,
        issuer: issuer.name.label().to_string(),
        warnings,
        retired: None,
    };
    let mut events = vec![new.event(now)];
    let replaced = match &plan.supersedes {
        Some(old) => Some(old.clone()),
        None if plan.force => replaced_here(session.as_ref(), &cert_path),
        None => None,
    };
    if let Some(old) = replaced {
        events.push(Event::Superseded { serial: old, by: new.serial.to_hex() });
    }
    record_then_commit(session, &events, staged, plan.force)?;
    Ok(new)
}

/// What the user should know about this leaf: odd SANs, a validity cut short by the
/// issuer's, a server certificate longer-lived than Apple platforms accept, a server
/// certificate with an Ed25519 key that browsers refuse.
fn warnings(plan: &LeafPlan, issuer: &LoadedCa, decided: &Decided) -> Vec<String> {
    let mut warnings: Vec<String> = plan.sans.iter().flat_map(SanEntry::warnings).collect();
    if let Some(t) = decided.clamped_to {
        warnings.push(format!("validity cut to end with the issuer's ({}), at {}", issuer.name.label(), rfc3339(t)));
    }
    let span = crate::validity::days(decided.validity.not_after - decided.validity.not_before);
    if matches!(plan.profile, Profile::Server | Profile::Peer) && span > APPLE_MAX_DAYS {
        warnings.push(format!(
            "valid for {span} days: Apple platforms reject TLS server certificates valid for more than {APPLE_MAX_DAYS} days"
        ));
    }
    let serves = matches!(plan.profile, Profile::Server | Profile::Peer);
    if serves && plan.key.kind().1 == Some(KeyType::Ed25519) {
        // Seen in issue 14: NSS has no Ed25519 for TLS certificates (`certutil -A` fails with
        // SEC_ERROR_ADDING_CERT, `tstclnt` with SSL_ERROR_NO_CYPHER_OVERLAP), and Chrome and
        // Safari do not offer ed25519 in TLS signature_algorithms. OpenSSL, GnuTLS, Go and
        // rustls accept them.
        warnings.push(format!(
            "Ed25519 {} certificates are refused by Firefox and other NSS-based clients (certutil: \
             SEC_ERROR_ADDING_CERT, tstclnt: NO_CYPHER_OVERLAP), and Chrome and Safari do not offer Ed25519 \
             in TLS; use --key-type ecdsa-p256 (the default) for a certificate browsers accept",
            plan.profile
        ));
    }
    warnings
}

/// The serial of the certificate of this CA that `issue --force` is about to write over
/// at `cert_path`, if there is one (the very certificate: same fingerprint), so the ledger
/// records it as superseded.
fn replaced_here(session: &dyn crate::store::ledger::LedgerSession, cert_path: &Path) -> Option<String> {
    let der = crate::input::read_cert_items(cert_path).ok()?.into_iter().next()?.der;
    let serial = crate::certinfo::CertInfo::parse(&der).ok()?.serial_hex;
    let entry = session.find(&serial).ok()??;
    (entry.records(&der) && entry.superseded_by.is_none()).then_some(entry.serial)
}
