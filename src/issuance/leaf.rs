//! [`issue`] and [`issue_all`]: the one pipeline that turns [`LeafPlan`]s into signed,
//! recorded leaves and their files, one at a time or a batch at once.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use time::OffsetDateTime;
use zeroize::Zeroizing;

use super::{
    CaUnlock, KeySource, LeafPlan, NewCert, Progress, Secrets, record_then_commit_all, sign_with, signing_issuer,
    stage_files, subject_of,
};
use crate::certinfo::sha256_hex;
use crate::constraints::NameConstraints;
use crate::error::{Error, Result};
use crate::keys::{self, KeyType, Passphrase};
use crate::profile::{self, Profile};
use crate::san::SanEntry;
use crate::serial::Serial;
use crate::store::ledger::Event;
use crate::store::{CaDir, CaName, LoadedCa, fsutil};
use crate::validity::{APPLE_MAX_DAYS, Decided, rfc3339};

/// Issue `plan` with the CA of `ca` it names, write its files and record it: [`issue_all`]
/// of one plan.
pub fn issue(
    ca: &CaDir,
    plan: &LeafPlan,
    secrets: &dyn Secrets,
    progress: &dyn Progress,
    now: OffsetDateTime,
) -> Result<NewCert> {
    let mut new = issue_all(ca, std::slice::from_ref(plan), secrets, progress, now)?;
    new.pop().ok_or_else(|| Error::crypto("issuing", "no certificate was made"))
}

/// Issue every plan, all or nothing, in one process and under one lock.
///
/// In order: check every plan without asking for anything (existing outputs, two plans
/// writing one file, names the issuing chain's constraints forbid, a missing CA); load
/// each issuer once (asking `secrets` for its passphrase only if its key is encrypted)
/// and ask once for the new keys' passphrase, if any; make every key and certificate in
/// memory; then, in one ledger session holding the CA lock, record them all and put every
/// file in place, or take everything back. An error about one plan of a batch names its
/// line ([`LeafPlan::at_line`]).
pub fn issue_all(
    ca: &CaDir,
    plans: &[LeafPlan],
    secrets: &dyn Secrets,
    progress: &dyn Progress,
    now: OffsetDateTime,
) -> Result<Vec<NewCert>> {
    // Fail on existing files, bad names and a missing CA before asking for any passphrase.
    let mut checks = Checks::default();
    for (i, plan) in plans.iter().enumerate() {
        plan.blame(checks.check(ca, plans, i))?;
    }
    let mut issuers: Vec<LoadedCa> = Vec::new();
    for plan in plans {
        if !issuers.iter().any(|c| c.name == plan.issuer) {
            issuers.push(ca.load(&plan.issuer, &CaUnlock(secrets))?);
        }
    }
    let signers = issuers.iter().map(|c| signing_issuer(c, "signing the certificate")).collect::<Result<Vec<_>>>()?;
    let passphrase = match plans.iter().any(|p| p.key.writes_key()) {
        true => secrets.new_key_passphrase()?,
        false => None,
    };

    progress.start(plans.len());
    let leaves: Vec<Leaf<'_>> = plans
        .iter()
        .map(|plan| {
            let at = issuers.iter().position(|c| c.name == plan.issuer).unwrap_or_default();
            Leaf { plan, issuer: &issuers[at], signer: &signers[at], passphrase: passphrase.as_ref() }
        })
        .collect();
    let made = make_all(&leaves, progress, now)?;

    // Check the ledger before creating anything, so a damaged one leaves no trace.
    let ledger = ca.ledger()?;
    ledger.precheck()?;
    let mut dirs: Vec<&Path> = plans.iter().map(|p| p.out_dir.as_path()).collect();
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        fsutil::create_dir(dir)?;
    }
    // One session, holding the CA lock, until every file is in place.
    let session = ledger.begin()?;
    let mut events = Vec::with_capacity(plans.len());
    let mut sets = Vec::with_capacity(plans.len());
    for (plan, m) in plans.iter().zip(&made) {
        events.push(m.new.event(now));
        let replaced = match &plan.supersedes {
            Some(old) => Some(old.clone()),
            None if plan.force => replaced_here(session.as_ref(), &m.new.cert_path),
            None => None,
        };
        if let Some(old) = replaced {
            events.push(Event::Superseded { serial: old, by: m.new.serial.to_hex() });
        }
        sets.push((plan.blame(m.stage(plan))?, plan.force));
    }
    record_then_commit_all(session, &events, sets)?;
    Ok(made.into_iter().map(|m| m.new).collect())
}

/// From how many leaves the making is spread over the CPUs.
const PARALLEL_FROM: usize = 64;

/// Make every leaf in memory, in order, spread over the CPUs for a large batch (each key
/// and signature is independent). The error of the earliest failing leaf is returned.
fn make_all(leaves: &[Leaf<'_>], progress: &dyn Progress, now: OffsetDateTime) -> Result<Vec<Made>> {
    let make = |chunk: &[Leaf<'_>]| -> Result<Vec<Made>> {
        let mut made = Vec::with_capacity(chunk.len());
        for leaf in chunk {
            made.push(leaf.plan.blame(leaf.make(progress, now))?);
            progress.made();
        }
        Ok(made)
    };
    if leaves.len() < PARALLEL_FROM {
        return make(leaves);
    }
    // Asked only now: it reads the cgroup files (ten system calls a `pki issue` skips).
    let cpus = std::thread::available_parallelism().map_or(1, usize::from);
    if cpus < 2 {
        return make(leaves);
    }
    let chunks: Vec<Result<Vec<Made>>> = std::thread::scope(|scope| {
        let handles: Vec<_> =
            leaves.chunks(leaves.len().div_ceil(cpus)).map(|chunk| scope.spawn(move || make(chunk))).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(Error::crypto("issuing", "a worker thread failed"))))
            .collect()
    });
    let mut made = Vec::with_capacity(leaves.len());
    for chunk in chunks {
        made.extend(chunk?);
    }
    Ok(made)
}

/// What the checks of [`issue_all`] remember from one plan to the next.
#[derive(Default)]
struct Checks {
    /// Each output file, and the plan that writes it.
    outputs: HashMap<PathBuf, usize>,
    /// The name constraints of each issuer, read once.
    constraints: Vec<(CaName, Vec<(String, NameConstraints)>)>,
    /// The names in each output directory, listed once for a batch (None: not listable).
    listings: HashMap<PathBuf, Option<HashSet<OsString>>>,
}

/// From how many plans the output directories are listed once instead of each output
/// looked up (one `pki issue` into a large directory stays three lookups).
const LIST_FROM: usize = 8;

impl Checks {
    /// Check plan `i` of `plans` before anything is made: its outputs, that no earlier
    /// plan writes them, and its names against its issuing chain's constraints.
    fn check(&mut self, ca: &CaDir, plans: &[LeafPlan], i: usize) -> Result<()> {
        let plan = &plans[i];
        let outputs = plan.outputs();
        let outputs: Vec<&Path> = outputs.iter().map(PathBuf::as_path).collect();
        self.refuse_existing(plan, &outputs, plans.len() >= LIST_FROM)?;
        for path in &outputs {
            if let Some(&other) = self.outputs.get(*path) {
                let by = match plans[other].line {
                    Some(line) => format!("line {line}"),
                    None => "another certificate".into(),
                };
                return Err(Error::InvalidValue {
                    flag: "--name",
                    value: plan.name.clone(),
                    reason: format!("{by} writes '{}' too", path.display()),
                    hint: Some("give each line its own \"name\"".into()),
                });
            }
            self.outputs.insert(path.to_path_buf(), i);
        }
        let at = match self.constraints.iter().position(|(n, _)| *n == plan.issuer) {
            Some(at) => at,
            None => {
                self.constraints.push((plan.issuer.clone(), super::chain_constraints(ca, &plan.issuer)?));
                self.constraints.len() - 1
            }
        };
        crate::constraints::check::check_leaf(&self.constraints[at].1, &plan.sans, plan.subject.cn.as_deref())
    }

    /// Refuse outputs that exist (unless `--force`, which refuses only directories in the
    /// way). With `list`, each output directory is read once rather than every output
    /// looked up: a batch's files all go into one.
    fn refuse_existing(&mut self, plan: &LeafPlan, outputs: &[&Path], list: bool) -> Result<()> {
        let listing = match (list && !plan.force, self.listings.get(&plan.out_dir)) {
            (false, _) => None,
            (true, Some(listing)) => listing.as_ref(),
            (true, None) => {
                let listed = match std::fs::read_dir(&plan.out_dir) {
                    Ok(entries) => entries.map(|e| e.map(|e| e.file_name())).collect::<std::io::Result<_>>().ok(),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(HashSet::new()),
                    Err(_) => None,
                };
                self.listings.entry(plan.out_dir.clone()).or_insert(listed).as_ref()
            }
        };
        match listing {
            Some(names) => match outputs.iter().find(|p| p.file_name().is_some_and(|n| names.contains(n))) {
                Some(p) => Err(Error::Exists { path: p.to_path_buf() }),
                None => Ok(()),
            },
            None => {
                fsutil::refuse_existing(outputs, plan.force)?;
                fsutil::refuse_non_files(outputs)
            }
        }
    }
}

impl LeafPlan {
    /// The files it writes: the certificate, the key (when one is made) and the chain.
    fn outputs(&self) -> Vec<PathBuf> {
        let (cert, key, chain) = self.paths();
        match self.key.writes_key() {
            true => vec![cert, key, chain],
            false => vec![cert, chain],
        }
    }
}

/// One leaf to make, with its issuer loaded.
struct Leaf<'a> {
    plan: &'a LeafPlan,
    issuer: &'a LoadedCa,
    signer: &'a rcgen::Issuer<'a, crate::signer::Rcgen<'a>>,
    passphrase: Option<&'a Passphrase>,
}

/// A leaf made in memory, not written yet.
struct Made {
    new: NewCert,
    key_pem: Option<Zeroizing<String>>,
    cert_pem: String,
    chain_pem: String,
}

impl Leaf<'_> {
    /// Decide the validity against the issuer's, make the key (encrypted with the new-key
    /// passphrase, if any) and sign the certificate.
    fn make(&self, progress: &dyn Progress, now: OffsetDateTime) -> Result<Made> {
        let (plan, issuer) = (self.plan, self.issuer);
        let decided = match plan.lifetime {
            Some(length) => plan.validity.decide_lasting(length, now, Some(issuer.not_after))?,
            None => plan.validity.decide(now, Some(issuer.not_after))?,
        };
        let warnings = warnings(plan, issuer, &decided);
        let generated = match &plan.key {
            KeySource::Generate(t) => Some(super::make_key(*t, progress)?),
            _ => None,
        };
        let key_pem = match &generated {
            Some(k) => Some(keys::encode_private_key(k, self.passphrase)?),
            None => None,
        };
        let serial = Serial::random()?;
        let (rsa, key_type) = plan.key.kind();
        let params = profile::leaf(plan.profile, &plan.subject, &plan.sans, decided.validity, &serial, rsa)?;
        let what = "signing the certificate";
        let der = match (&plan.key, &generated) {
            (_, Some(k)) => sign_with(&params, k, self.signer, what)?,
            (KeySource::Reuse(k), None) => sign_with(&params, k, self.signer, what)?,
            (KeySource::Public { spki, .. }, None) => sign_with(&params, spki, self.signer, what)?,
            (KeySource::Generate(_), None) => unreachable!("a generated key exists for KeySource::Generate"),
        };
        let cert_pem = super::pem_cert(&der);
        let mut chain_pem = cert_pem.clone();
        for c in &issuer.chain {
            chain_pem.push_str(&super::pem_cert(c));
        }
        let (cert_path, key_path, chain_path) = plan.paths();
        let new = NewCert {
            cert_path,
            key_path: plan.key.writes_key().then_some(key_path),
            chain_path: Some(chain_path),
            serial,
            subject: subject_of(&der)?,
            sans: plan.sans.clone(),
            validity: decided.validity,
            fingerprint_sha256: sha256_hex(&der),
            key_type,
            key_encrypted: self.passphrase.is_some() && key_pem.is_some(),
            profile: plan.profile,
            issuer: issuer.name.label().to_string(),
            warnings,
            retired: None,
        };
        Ok(Made { new, key_pem, cert_pem, chain_pem })
    }
}

impl Made {
    /// Its files staged beside their places, the key first.
    fn stage(&self, plan: &LeafPlan) -> Result<Vec<fsutil::Staged>> {
        let (cert_path, key_path, chain_path) = plan.paths();
        // Leaf files are renamed into place but not fsynced: see fsutil::Durability.
        let mut files: Vec<(&Path, &[u8], u32)> = Vec::new();
        if let Some(k) = &self.key_pem {
            files.push((&key_path, k.as_bytes(), fsutil::SECRET_MODE));
        }
        files.push((&cert_path, self.cert_pem.as_bytes(), fsutil::PUBLIC_MODE));
        files.push((&chain_path, self.chain_pem.as_bytes(), fsutil::PUBLIC_MODE));
        stage_files(&files, fsutil::Durability::Renamed)
    }
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
