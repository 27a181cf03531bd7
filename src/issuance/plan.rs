//! What a leaf is to be, decided and validated once: profile, subject, SANs, validity,
//! where its key comes from, where its files go, and who signs it.

use std::path::PathBuf;

use rcgen::KeyPair;

use crate::error::{Error, Result};
use crate::keys::KeyType;
use crate::profile::{Profile, Subject, default_server_cn};
use crate::san::SanEntry;
use crate::store::{CaName, safe_file_stem, validate_file_stem};
use crate::validity::ValidityRequest;

/// The key a leaf certifies.
#[derive(Debug)]
pub enum KeySource {
    /// Generate a fresh key of this type and write it as `NAME-key.pem`.
    Generate(KeyType),
    /// An existing key pair (`renew --reuse-key`): certified, not written again.
    Reuse(KeyPair),
    /// Only a public key, from a certificate signing request: no key file at all.
    Public {
        /// The SubjectPublicKeyInfo.
        spki: rcgen::SubjectPublicKeyInfo,
        /// Whether it is an RSA key (keyEncipherment then goes in the key usage).
        rsa: bool,
        /// Its type, when it is one pki makes (for display).
        key_type: Option<KeyType>,
    },
}

impl KeySource {
    /// Whether a key file is written.
    pub fn writes_key(&self) -> bool {
        matches!(self, KeySource::Generate(_))
    }

    /// Whether the key is RSA, and its type when pki makes that type.
    pub(super) fn kind(&self) -> (bool, Option<KeyType>) {
        match self {
            KeySource::Generate(t) => (t.is_rsa(), Some(*t)),
            KeySource::Reuse(k) => (KeyType::of(k).is_some_and(KeyType::is_rsa), KeyType::of(k)),
            KeySource::Public { rsa, key_type, .. } => (*rsa, *key_type),
        }
    }
}

/// The base name of a leaf's files.
#[derive(Debug, Clone)]
pub enum FileName {
    /// `--name`: used as given, and refused unless it is a plain file name.
    Given(String),
    /// Made safe for a file name (`*` as `_wildcard`, unsafe characters as `_`): the
    /// stem of a request file for `sign`.
    SafeFrom(String),
    /// Used as is: the stem of a file that already exists (`renew`).
    Exact(String),
    /// The profile's default: the first SAN for a server or peer, the CN for a client.
    Default,
}

/// A leaf to issue, validated as it is built.
#[derive(Debug)]
pub struct LeafPlan {
    pub(super) profile: Profile,
    pub(super) subject: Subject,
    pub(super) sans: Vec<SanEntry>,
    pub(super) issuer: CaName,
    pub(super) key: KeySource,
    pub(super) validity: ValidityRequest,
    pub(super) lifetime: Option<time::Duration>,
    pub(super) out_dir: PathBuf,
    pub(super) name: String,
    pub(super) force: bool,
    pub(super) supersedes: Option<String>,
    pub(super) line: Option<usize>,
}

impl LeafPlan {
    /// A plan for a `profile` leaf signed by `issuer`: the subject is checked, a server or
    /// peer certificate must have a SAN, and one without a CN gets the first SAN that fits.
    /// Defaults until set: a fresh ECDSA P-256 key, 397 days, files in `.`, no `--force`.
    pub fn new(profile: Profile, subject: Subject, sans: Vec<SanEntry>, issuer: CaName) -> Result<LeafPlan> {
        subject.validate()?;
        let subject = match profile {
            Profile::Server | Profile::Peer if sans.is_empty() => {
                return Err(Error::invalid("--san", "", format!("a {profile} certificate needs at least one SAN")));
            }
            Profile::Server | Profile::Peer if subject.cn.is_none() => {
                Subject { cn: default_server_cn(&sans), ..subject }
            }
            Profile::Root | Profile::Intermediate => {
                return Err(Error::crypto("leaf profile", format!("'{profile}' is not a leaf profile")));
            }
            _ => subject,
        };
        LeafPlan {
            profile,
            subject,
            sans,
            issuer,
            key: KeySource::Generate(KeyType::EcdsaP256),
            validity: ValidityRequest { days: 397, not_before: None, not_after: None },
            lifetime: None,
            out_dir: PathBuf::from("."),
            name: String::new(),
            force: false,
            supersedes: None,
            line: None,
        }
        .named(&FileName::Default)
    }

    /// Certify this key.
    pub fn key(self, key: KeySource) -> LeafPlan {
        LeafPlan { key, ..self }
    }

    /// Ask for this validity (decided against the issuer at issuance).
    pub fn validity(self, validity: ValidityRequest) -> LeafPlan {
        LeafPlan { validity, ..self }
    }

    /// Last exactly `length` from notBefore instead of the request's days (a renewal keeps
    /// its original's lifetime).
    pub fn lasting(self, length: time::Duration) -> LeafPlan {
        LeafPlan { lifetime: Some(length), ..self }
    }

    /// Write `NAME.pem`, `NAME-key.pem` and `NAME-chain.pem` into `dir`, replacing existing
    /// files only when `force`.
    pub fn output(self, dir: PathBuf, name: &FileName, force: bool) -> Result<LeafPlan> {
        LeafPlan { out_dir: dir, force, ..self }.named(name)
    }

    /// Record the new certificate as superseding the one with this serial (renewal).
    pub fn supersedes(self, serial: String) -> LeafPlan {
        LeafPlan { supersedes: Some(serial), ..self }
    }

    /// This plan is line `line` of a batch: its errors say so (`line N: ...`).
    pub fn at_line(self, line: usize) -> LeafPlan {
        LeafPlan { line: Some(line), ..self }
    }

    /// The batch line this plan came from, if it did.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// `r`, its error blamed on this plan's batch line if it has one.
    pub(super) fn blame<T>(&self, r: Result<T>) -> Result<T> {
        match self.line {
            Some(line) => r.map_err(|e| e.at_line(line)),
            None => r,
        }
    }

    fn named(self, name: &FileName) -> Result<LeafPlan> {
        let name = match name {
            FileName::Given(n) => {
                validate_file_stem(n)?;
                n.clone()
            }
            FileName::SafeFrom(s) => safe_file_stem(s),
            FileName::Exact(s) => s.clone(),
            FileName::Default => match (self.profile, self.sans.first()) {
                (Profile::Server | Profile::Peer, Some(first)) => safe_file_stem(&first.value()),
                _ => safe_file_stem(self.subject.cn.as_deref().unwrap_or("client")),
            },
        };
        Ok(LeafPlan { name, ..self })
    }

    /// `NAME.pem`, `NAME-key.pem`, `NAME-chain.pem` in the output directory.
    pub fn paths(&self) -> (PathBuf, PathBuf, PathBuf) {
        let d = &self.out_dir;
        (
            d.join(format!("{}.pem", self.name)),
            d.join(format!("{}-key.pem", self.name)),
            d.join(format!("{}-chain.pem", self.name)),
        )
    }
}
