//! Issuing certificates: the one pipeline every command that mints a certificate goes
//! through.
//!
//! A [`LeafPlan`] (plan.rs) is built once from what the user asked and validated as it is
//! built; [`issue`] (leaf.rs) issues it: refuse existing files, load the issuing CA
//! (unlocking its key through [`Secrets`] only if it is encrypted), decide the validity,
//! make the key, record the certificate in the ledger and only then put the files in
//! place. `renew` (renew.rs) is a plan like the certificate it replaces, issued and
//! recorded as superseding it under one lock. [`issue_all`] is the same pipeline for many
//! plans at once (`issue batch`): every plan checked, then every key and certificate made
//! in memory, then one ledger session records them all and places every file, or none.
//! The CAs themselves (ca.rs) are made here too.

pub mod batch;
pub mod ca;
mod keygen;
mod leaf;
pub mod plan;
pub mod renew;

use std::path::{Path, PathBuf};

use time::OffsetDateTime;

use crate::error::{Error, Result};
use crate::keys::{KeyType, Passphrase, Unlock};
use crate::profile::Profile;
use crate::san::SanEntry;
use crate::serial::Serial;
use crate::store::fsutil::{self, Staged};
use crate::store::ledger::{Event, LedgerEntry, LedgerSession};
use crate::validity::{Validity, rfc3339};

pub use leaf::{issue, issue_all};
pub use plan::{FileName, KeySource, LeafPlan};

/// Where the secrets an issuance may need come from. `commands/` implements it (flags,
/// environment, prompt); the pipeline asks only for what it meets, when it meets it.
pub trait Secrets {
    /// The passphrase of the issuing CA's key file, called only when it is encrypted.
    fn ca_passphrase(&self, key_file: &Path) -> Result<Passphrase>;

    /// Told that the issuing CA's key file is not encrypted (a CA passphrase given for it
    /// goes unused: the implementation may warn).
    fn ca_key_not_encrypted(&self, _key_file: &Path) {}

    /// The passphrase of an existing key the user named (`renew --reuse-key`), called
    /// only when it is encrypted.
    fn key_passphrase(&self, key_file: &Path) -> Result<Passphrase> {
        Err(Error::KeyEncrypted { path: key_file.to_path_buf(), how: "an unencrypted key" })
    }

    /// The passphrase to encrypt a newly made key with, or None to write it plain.
    /// Asked once, after the issuing CA is loaded.
    fn new_key_passphrase(&self) -> Result<Option<Passphrase>> {
        Ok(None)
    }

    /// The user PIN of a PKCS#11 token (see [`Unlock::token_pin`]).
    fn token_pin(&self, token: &str) -> Result<Passphrase> {
        Err(crate::error::TokenError::PinNeeded { token: token.to_string() }.into())
    }

    /// The PKCS#11 module the user named (see [`Unlock::pkcs11_module`]).
    fn pkcs11_module(&self) -> Option<PathBuf> {
        None
    }
}

/// What an issuance tells as it goes, for a progress bar or a spinner on a terminal:
/// `commands/` hands in one (render/progress.rs draws it). Every method does nothing by
/// default, as [`Silent`] does.
pub trait Progress: Sync {
    /// About to make `total` keys and certificates.
    fn start(&self, _total: usize) {}
    /// A key of this type is being generated (seconds for RSA-3072 and RSA-4096).
    fn generating(&self, _key_type: KeyType) {}
    /// The key is made.
    fn generated(&self) {}
    /// One more certificate is signed.
    fn made(&self) {}
}

/// No progress shown.
pub struct Silent;

impl Progress for Silent {}

/// A fresh key of type `t`, telling `progress`.
pub(crate) fn make_key(t: KeyType, progress: &dyn Progress) -> Result<rcgen::KeyPair> {
    progress.generating(t);
    let key = t.generate();
    progress.generated();
    key
}

/// [`Secrets::ca_passphrase`] as an [`Unlock`].
pub struct CaUnlock<'a>(pub &'a dyn Secrets);

impl Unlock for CaUnlock<'_> {
    fn unlock(&self, key_file: &Path) -> Result<Passphrase> {
        self.0.ca_passphrase(key_file)
    }

    fn not_encrypted(&self, key_file: &Path) {
        self.0.ca_key_not_encrypted(key_file);
    }

    fn token_pin(&self, token: &str) -> Result<Passphrase> {
        self.0.token_pin(token)
    }

    fn pkcs11_module(&self) -> Option<PathBuf> {
        self.0.pkcs11_module()
    }
}

/// [`Secrets::key_passphrase`] as an [`Unlock`].
pub struct KeyUnlock<'a>(pub &'a dyn Secrets);

impl Unlock for KeyUnlock<'_> {
    fn unlock(&self, key_file: &Path) -> Result<Passphrase> {
        self.0.key_passphrase(key_file)
    }
}

/// A certificate just made: enough to tell the user and to render `--json`.
#[derive(Debug, Clone)]
pub struct NewCert {
    /// The certificate file.
    pub cert_path: PathBuf,
    /// The key file (none when the key was not written: `sign`, `renew --reuse-key`).
    pub key_path: Option<PathBuf>,
    /// The chain file (leaves only).
    pub chain_path: Option<PathBuf>,
    /// Serial number.
    pub serial: Serial,
    /// Subject.
    pub subject: String,
    /// SANs.
    pub sans: Vec<SanEntry>,
    /// Validity.
    pub validity: Validity,
    /// SHA-256 of the DER certificate, hex.
    pub fingerprint_sha256: String,
    /// The key type, when it is one pki makes.
    pub key_type: Option<KeyType>,
    /// Whether the key file is encrypted.
    pub key_encrypted: bool,
    /// The profile.
    pub profile: Profile,
    /// Who signed it ("root", an intermediate's name, or "self" for a root).
    pub issuer: String,
    /// Things the user should know (clamped validity, odd names).
    pub warnings: Vec<String>,
    /// Where `ca init --force` moved the CA it replaced.
    pub retired: Option<PathBuf>,
}

impl NewCert {
    /// The ledger line that records it.
    fn event(&self, now: OffsetDateTime) -> Event {
        let path = std::path::absolute(&self.cert_path).unwrap_or_else(|_| self.cert_path.clone());
        Event::Issued(Box::new(LedgerEntry {
            serial: self.serial.to_hex(),
            profile: self.profile,
            subject: self.subject.clone(),
            sans: self.sans.iter().map(SanEntry::value).collect(),
            not_before: rfc3339(self.validity.not_before),
            not_after: rfc3339(self.validity.not_after),
            issuer: self.issuer.clone(),
            fingerprint_sha256: self.fingerprint_sha256.clone(),
            path: Some(path.display().to_string()),
            issued_at: rfc3339(now),
            revoked: None,
            superseded_by: None,
        }))
    }
}

/// Record `events`, then move `staged` files into place in order, then commit the
/// session. A certificate is never handed out without its ledger entry; if a file cannot
/// be put in place (another process created it meanwhile, or the rename failed), the
/// files already placed and the ledger lines are taken back, so no half set is left
/// behind. (Returning early drops the session, which takes its lines back.)
fn record_then_commit(
    session: Box<dyn LedgerSession + '_>,
    events: &[Event],
    staged: Vec<Staged>,
    overwrite: bool,
) -> Result<()> {
    record_then_commit_all(session, events, vec![(staged, overwrite)])
}

/// [`record_then_commit`] for several sets of files (one per certificate, each placed by
/// [`fsutil::place_all`] with its own `overwrite`): all are placed and kept, or none.
fn record_then_commit_all(
    mut session: Box<dyn LedgerSession + '_>,
    events: &[Event],
    sets: Vec<(Vec<Staged>, bool)>,
) -> Result<()> {
    for e in events {
        session.append(e)?;
    }
    let mut placed = Vec::with_capacity(sets.len());
    let undo = |placed: Vec<fsutil::Placed>| placed.into_iter().rev().for_each(fsutil::Placed::undo);
    for (staged, overwrite) in sets {
        // On a failure here this set's files are already taken back, the earlier sets
        // are undone, and the session dropped on return takes back its lines.
        match fsutil::place_all(staged, overwrite) {
            Ok(p) => placed.push(p),
            Err(e) => {
                undo(placed);
                return Err(e);
            }
        }
    }
    match session.commit() {
        Ok(()) => {
            placed.into_iter().for_each(fsutil::Placed::keep);
            Ok(())
        }
        Err(e) => {
            undo(placed);
            Err(e)
        }
    }
}

/// The largest certificate we issue. webpki (and so rustls and `pki verify`) reads DER
/// lengths of at most two octets, so a larger certificate is "trailing data" to every
/// rustls client; about 3,500 SANs reach it.
pub const MAX_CERT_BYTES: usize = 65_535;

/// Sign `params` for the public key `key` with the CA `issuer`: the one signing step of
/// every certificate pki makes below a root (`issue`, `sign`, `renew`, intermediates, and
/// the in-memory CAs of `pki fixtures`).
pub fn sign(
    params: &rcgen::CertificateParams,
    key: &impl rcgen::PublicKeyData,
    issuer: &crate::store::LoadedCa,
    what: &'static str,
) -> Result<rustls_pki_types::CertificateDer<'static>> {
    sign_with(params, key, &signing_issuer(issuer, what)?, what)
}

/// The CA `issuer` as rcgen signs with it: made once for many certificates.
fn signing_issuer<'a>(
    issuer: &'a crate::store::LoadedCa,
    what: &'static str,
) -> Result<rcgen::Issuer<'a, crate::signer::Rcgen<'a>>> {
    let signer = crate::signer::Rcgen(issuer.key.as_ref());
    rcgen::Issuer::from_ca_cert_der(&issuer.cert, signer).map_err(|e| Error::crypto(what, e))
}

/// [`sign`] with an issuer already made by [`signing_issuer`].
fn sign_with(
    params: &rcgen::CertificateParams,
    key: &impl rcgen::PublicKeyData,
    issuer: &rcgen::Issuer<'_, crate::signer::Rcgen<'_>>,
    what: &'static str,
) -> Result<rustls_pki_types::CertificateDer<'static>> {
    let cert = params.signed_by(key, issuer).map_err(|e| Error::crypto(what, e))?;
    if cert.der().len() > MAX_CERT_BYTES {
        return Err(Error::CertificateTooLarge { bytes: cert.der().len(), limit: MAX_CERT_BYTES });
    }
    Ok(cert.der().clone())
}

/// The name constraints on what `name` signs, from its certificate and (for an
/// intermediate) the root's, read from the certificates themselves so that a CA made
/// elsewhere is held to its own: `(CA name, constraints)` for each CA that has them.
pub fn chain_constraints(
    ca: &crate::store::CaDir,
    name: &crate::store::CaName,
) -> Result<Vec<(String, crate::constraints::NameConstraints)>> {
    let mut certs = vec![ca.issuer_files(name)?.cert];
    if matches!(name, crate::store::CaName::Intermediate(_)) {
        certs.push(ca.cert_path());
    }
    let mut out = Vec::new();
    for path in certs {
        let der = crate::store::read_first_cert(&path)?;
        let nc = crate::constraints::NameConstraints::of_cert(&der)
            .map_err(|reason| Error::BadCertificate { path: path.clone(), reason })?;
        if let Some(nc) = nc {
            out.push((crate::constraints::ca_name(&der), nc));
        }
    }
    Ok(out)
}

/// PEM text of a DER certificate (RFC 7468, LF line endings).
pub fn pem_cert(der: &[u8]) -> String {
    pkcs8::der::pem::encode_string("CERTIFICATE", pkcs8::LineEnding::LF, der)
        .unwrap_or_else(|e| unreachable!("base64 of an in-memory certificate cannot fail: {e}"))
}

/// The subject of a certificate just made, as `inspect` prints it.
fn subject_of(der: &[u8]) -> Result<String> {
    crate::certinfo::CertInfo::parse(der)
        .map(|i| i.subject)
        .map_err(|e| Error::crypto("reading back the certificate", e))
}

/// Stage a leaf's or CA's files (key first) for [`record_then_commit`].
fn stage_files(files: &[(&Path, &[u8], u32)], durability: fsutil::Durability) -> Result<Vec<Staged>> {
    files.iter().map(|(p, b, m)| fsutil::stage_with(p, b, *m, durability)).collect()
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;
    use crate::profile::Subject;
    use crate::store::{CaDir, CaName};

    /// Secrets that count what the pipeline asks for.
    #[derive(Default)]
    struct Counting {
        ca: Option<&'static str>,
        new_key: Option<&'static str>,
        ca_asked: Cell<u32>,
        new_asked: Cell<u32>,
    }

    impl Secrets for Counting {
        fn ca_passphrase(&self, key_file: &Path) -> Result<Passphrase> {
            self.ca_asked.set(self.ca_asked.get() + 1);
            match self.ca {
                Some(p) => Ok(Passphrase::new(p.into())),
                None => Err(Error::KeyEncrypted { path: key_file.to_path_buf(), how: "test" }),
            }
        }
        fn new_key_passphrase(&self) -> Result<Option<Passphrase>> {
            self.new_asked.set(self.new_asked.get() + 1);
            Ok(self.new_key.map(|p| Passphrase::new(p.into())))
        }
    }

    fn now() -> OffsetDateTime {
        time::macros::datetime!(2026-06-01 00:00 UTC)
    }

    fn root(dir: &Path, pass: Option<&'static str>) -> CaDir {
        let ca = CaDir::new(dir.join("ca"));
        let plan = ca::RootPlan {
            subject: Subject { cn: Some("test root".into()), ..Default::default() },
            key_type: KeyType::EcdsaP256,
            days: 3650,
            path_len: None,
            constraints: None,
            force: false,
            key_uri: None,
            ledger: None,
        };
        ca::init_root(&ca, &plan, &Counting { new_key: pass, ..Default::default() }, &Silent, now()).unwrap();
        ca
    }

    fn server(dir: &Path, name: &str) -> LeafPlan {
        let sans = crate::san::parse_san_lists(&[format!("{name}.test")]).unwrap();
        LeafPlan::new(Profile::Server, Subject::default(), sans, CaName::Root)
            .unwrap()
            .output(dir.to_path_buf(), &FileName::Default, false)
            .unwrap()
    }

    #[test]
    fn an_encrypted_ca_key_is_unlocked_once_and_a_plain_one_never() {
        let d = tempfile::tempdir().unwrap();
        let ca = root(d.path(), Some("root-pw"));
        let secrets = Counting { ca: Some("root-pw"), ..Default::default() };
        let new = issue(&ca, &server(d.path(), "a"), &secrets, &Silent, now()).unwrap();
        assert_eq!((secrets.ca_asked.get(), secrets.new_asked.get()), (1, 1));
        assert_eq!(new.subject, "CN=a.test", "a server without a CN gets its first SAN");
        assert!(d.path().join("a.test.pem").exists() && d.path().join("a.test-key.pem").exists());

        let plain = root(&d.path().join("plain"), None);
        let secrets = Counting::default();
        issue(&plain, &server(&d.path().join("plain"), "b"), &secrets, &Silent, now()).unwrap();
        assert_eq!(secrets.ca_asked.get(), 0);
    }

    #[test]
    fn nothing_is_asked_when_the_files_exist_or_the_ca_is_missing() {
        let d = tempfile::tempdir().unwrap();
        let ca = root(d.path(), Some("root-pw"));
        std::fs::write(d.path().join("a.test.pem"), "x").unwrap();
        let secrets = Counting { ca: Some("root-pw"), ..Default::default() };
        assert!(matches!(issue(&ca, &server(d.path(), "a"), &secrets, &Silent, now()), Err(Error::Exists { .. })));
        let none = CaDir::new(d.path().join("none"));
        assert!(matches!(issue(&none, &server(d.path(), "b"), &secrets, &Silent, now()), Err(Error::NoCa { .. })));
        assert_eq!((secrets.ca_asked.get(), secrets.new_asked.get()), (0, 0));
    }

    #[test]
    fn a_plan_is_validated_as_it_is_built() {
        let none = LeafPlan::new(Profile::Server, Subject::default(), Vec::new(), CaName::Root);
        assert!(matches!(none, Err(Error::InvalidValue { flag: "--san", .. })));
        let long_cn = Subject { cn: Some("x".repeat(65)), ..Default::default() };
        assert!(LeafPlan::new(Profile::Client, long_cn, Vec::new(), CaName::Root).is_err());
        let client = LeafPlan::new(
            Profile::Client,
            Subject { cn: Some("alice smith".into()), ..Default::default() },
            Vec::new(),
            CaName::Root,
        )
        .unwrap();
        assert_eq!(client.paths().0, Path::new("./alice_smith.pem"));
        let bad = client.output(PathBuf::from("."), &FileName::Given("a/b".into()), false);
        assert!(matches!(bad, Err(Error::InvalidValue { flag: "--name", .. })));
        assert!(LeafPlan::new(Profile::Root, Subject::default(), Vec::new(), CaName::Root).is_err());
    }

    #[test]
    fn renewal_records_the_supersession_with_the_new_certificate() {
        let d = tempfile::tempdir().unwrap();
        let ca = root(d.path(), None);
        let old = issue(&ca, &server(d.path(), "r"), &Counting::default(), &Silent, now()).unwrap();
        let r = renew::Renewal {
            cert: old.cert_path.clone(),
            days: Some(30),
            reuse_key: Some(None),
            out_dir: None,
            name: Some("r2".into()),
            force: false,
        };
        let new = renew::renew(&ca, &r, &Counting::default(), &Silent, now()).unwrap();
        assert_eq!(new.sans, old.sans);
        assert!(new.key_path.is_none(), "a reused key is not written again");
        let ledger = ca.ledger().unwrap().load().unwrap();
        let entry = ledger.find(&old.serial.to_hex()).unwrap();
        assert_eq!(entry.superseded_by.as_deref(), Some(new.serial.to_hex().as_str()));
        assert!(ledger.find(&new.serial.to_hex()).is_some());
    }
}
