//! Describing what was read: certificates, keys, CSRs, CRLs and public keys, as typed
//! values that `inspect` renders as text or JSON.

pub mod cert;
pub mod crl;
pub mod csr;
pub mod key;

use serde::Serialize;

use crate::pem::{Item, ItemKind};

pub use cert::CertDescription;
pub use crl::CrlDescription;
pub use csr::CsrDescription;
pub use key::{KeyDescription, PublicKeyDescription, PublicKeyInfo};

/// One described item.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Description {
    /// A certificate.
    Certificate(Box<CertDescription>),
    /// A private key (plain or encrypted).
    Key(KeyDescription),
    /// A certificate signing request.
    Csr(CsrDescription),
    /// A certificate revocation list.
    Crl(CrlDescription),
    /// A public key.
    PublicKey(PublicKeyDescription),
    /// An item that could not be parsed, kept visible rather than dropped.
    Malformed(MalformedDescription),
}

/// An item whose PEM label or DER shape promised something it did not hold.
#[derive(Debug, Clone, Serialize)]
pub struct MalformedDescription {
    /// What it claimed to be.
    pub kind: &'static str,
    /// The file.
    pub source: String,
    /// Position in the file, from 1.
    pub index: usize,
    /// What is wrong.
    pub error: String,
}

/// The `kind` string of an item kind, as `--json` names it.
pub fn kind_name(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Certificate => "certificate",
        ItemKind::PrivateKey | ItemKind::EcPrivateKey | ItemKind::RsaPrivateKey => "private_key",
        ItemKind::EncryptedPrivateKey | ItemKind::LegacyEncryptedKey => "encrypted_private_key",
        ItemKind::Csr => "csr",
        ItemKind::Crl => "crl",
        ItemKind::PublicKey => "public_key",
    }
}

/// Why an item cannot be described: the sentence in its `error` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// DER that is not the object its label says (`what`: "an X.509 certificate").
    Der {
        /// What it should have been, with its article.
        what: &'static str,
        /// The DER ends early (else it is malformed).
        truncated: bool,
    },
    /// A key structure that pkcs8/pkcs1 refused: what went wrong, and their error.
    Key {
        /// "not a valid PKCS#8 key", "cannot encode the RSA public key", ...
        what: &'static str,
        /// The parser's error.
        reason: String,
    },
    /// A SEC 1 EC private key that cannot be loaded.
    EcKey,
}

impl Unreadable {
    /// A DER parse failure of `what` (x509-parser's errors print as their Debug form).
    pub fn der<E>(what: &'static str, e: &x509_parser::nom::Err<E>) -> Unreadable {
        Unreadable::Der { what, truncated: matches!(e, x509_parser::nom::Err::Incomplete(_)) }
    }
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unreadable::Der { what, truncated: true } => write!(f, "not {what}: the DER is truncated"),
            Unreadable::Der { what, truncated: false } => write!(f, "not {what}: malformed DER"),
            Unreadable::Key { what, reason } => write!(f, "{what}: {reason}"),
            Unreadable::EcKey => write!(f, "not a valid EC private key (or an unsupported curve)"),
        }
    }
}

impl std::error::Error for Unreadable {}

/// Describe one item from `source`. Private keys are matched against `certs` (the
/// certificates given in the same call) afterwards, by [`key::match_keys`].
pub fn describe(item: &Item, source: &str) -> Description {
    let malformed = |error: Unreadable| {
        Description::Malformed(MalformedDescription {
            kind: kind_name(item.kind),
            source: source.into(),
            index: item.index,
            error: error.to_string(),
        })
    };
    match item.kind {
        ItemKind::Certificate => match cert::describe(&item.der, source, item.index) {
            Ok(c) => Description::Certificate(Box::new(c)),
            Err(e) => malformed(e),
        },
        ItemKind::PrivateKey
        | ItemKind::EcPrivateKey
        | ItemKind::RsaPrivateKey
        | ItemKind::EncryptedPrivateKey
        | ItemKind::LegacyEncryptedKey => match key::describe_private(item, source) {
            Ok(k) => Description::Key(k),
            Err(e) => malformed(e),
        },
        ItemKind::Csr => match csr::describe(&item.der, source, item.index) {
            Ok(c) => Description::Csr(c),
            Err(e) => malformed(e),
        },
        ItemKind::Crl => match crl::describe(&item.der, source, item.index) {
            Ok(c) => Description::Crl(c),
            Err(e) => malformed(e),
        },
        ItemKind::PublicKey => match key::describe_public(&item.der, source, item.index) {
            Ok(k) => Description::PublicKey(k),
            Err(e) => malformed(e),
        },
    }
}
