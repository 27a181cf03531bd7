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

/// Describe one item from `source`. Private keys are matched against `certs` (the
/// certificates given in the same call) afterwards, by [`key::match_keys`].
pub fn describe(item: &Item, source: &str) -> Description {
    let malformed = |error: String| {
        Description::Malformed(MalformedDescription {
            kind: kind_name(item.kind),
            source: source.into(),
            index: item.index,
            error,
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
