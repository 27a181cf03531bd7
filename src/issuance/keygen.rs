//! A new CA's key (`ca init`, `ca intermediate`): a key pair in memory written to
//! `ca-key.pem` (encrypted if a passphrase is given), or a key made inside a PKCS#11 token
//! whose URI is written to `ca-key.uri`. Either way it signs through the same seam.

use rcgen::{CertificateParams, KeyPair};
use rustls_pki_types::CertificateDer;
use time::OffsetDateTime;
use zeroize::Zeroizing;

use super::{CaUnlock, Secrets};
use crate::error::{Error, Result};
use crate::keys::{self, KeyType, Passphrase};
use crate::signer::keygen::{Generated, generate};
use crate::signer::{CaKey, KeyUri, Rcgen};
use crate::store::{LoadedCa, NewKey};

/// A CA key just made.
pub(super) enum NewCaKey {
    /// In memory, to be written to `ca-key.pem`.
    File {
        /// The key pair.
        key: KeyPair,
        /// The passphrase to encrypt it with.
        passphrase: Option<Passphrase>,
    },
    /// In a token.
    Token(Box<Generated>),
}

/// What is written for a new CA key.
pub(super) enum Stored {
    /// PEM text of the private key.
    Pem(Zeroizing<String>),
    /// The `pkcs11:` URI, one line.
    Uri(String),
}

impl Stored {
    /// As the CA directory takes it.
    pub(super) fn as_new_key(&self) -> NewKey<'_> {
        match self {
            Stored::Pem(p) => NewKey::Pem(p),
            Stored::Uri(u) => NewKey::Uri(u),
        }
    }
}

impl NewCaKey {
    /// Make a `key_type` key: in the token `uri` names (logging in with the PIN `secrets`
    /// gives; `force` relabels a key already there under that label), else in memory
    /// (with the passphrase `secrets` gives for a new key, if any).
    pub(super) fn make(
        key_type: KeyType,
        uri: Option<&KeyUri>,
        secrets: &dyn Secrets,
        force: bool,
        progress: &dyn super::Progress,
        now: OffsetDateTime,
    ) -> Result<NewCaKey> {
        match uri {
            Some(uri) => Ok(NewCaKey::Token(Box::new(generate(uri, key_type, &CaUnlock(secrets), force, now)?))),
            None => {
                let passphrase = secrets.new_key_passphrase()?;
                Ok(NewCaKey::File { key: super::make_key(key_type, progress)?, passphrase })
            }
        }
    }

    /// A self-signed certificate (a root) for this key.
    pub(super) fn self_sign(&self, params: &CertificateParams) -> Result<rcgen::Certificate> {
        let signed = match self {
            NewCaKey::File { key, .. } => params.self_signed(key),
            NewCaKey::Token(g) => params.self_signed(&Rcgen(&g.key)),
        };
        signed.map_err(|e| Error::crypto("signing the root", e))
    }

    /// A certificate for this key signed by `issuer` (an intermediate).
    pub(super) fn sign_by(&self, params: &CertificateParams, issuer: &LoadedCa) -> Result<CertificateDer<'static>> {
        const WHAT: &str = "signing the intermediate";
        match self {
            NewCaKey::File { key, .. } => super::sign(params, key, issuer, WHAT),
            NewCaKey::Token(g) => super::sign(params, &Rcgen(&g.key as &dyn CaKey), issuer, WHAT),
        }
    }

    /// What the CA directory keeps of it.
    pub(super) fn stored(&self) -> Result<Stored> {
        Ok(match self {
            NewCaKey::File { key, passphrase } => Stored::Pem(keys::encode_private_key(key, passphrase.as_ref())?),
            NewCaKey::Token(g) => Stored::Uri(format!("{}\n", g.uri)),
        })
    }

    /// Whether the key file is encrypted (a token key is no file).
    pub(super) fn encrypted(&self) -> bool {
        matches!(self, NewCaKey::File { passphrase: Some(_), .. })
    }

    /// What the user should know: an old key relabelled in the token.
    pub(super) fn notes(&self) -> Vec<String> {
        match self {
            NewCaKey::Token(g) => g
                .relabelled
                .iter()
                .map(|l| {
                    format!(
                        "the key already labelled '{}' in token '{}' was kept and relabelled '{l}'",
                        g.uri.object, g.uri.token
                    )
                })
                .collect(),
            NewCaKey::File { .. } => Vec::new(),
        }
    }
}
