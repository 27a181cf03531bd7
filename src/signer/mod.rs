//! The issuing CA's private key behind one trait, so that nothing above it knows where
//! the key lives: a key file ([`FileKey`]) or a PKCS#11 token ([`TokenKey`], pkcs11.rs;
//! made in the token by keygen.rs, named by an RFC 7512 URI, uri.rs).

pub mod keygen;
mod pkcs11;
pub mod uri;

use rcgen::{KeyPair, SignatureAlgorithm};

use crate::error::{Error, Result};

pub use pkcs11::{TokenKey, module_for};
pub use uri::KeyUri;

/// A CA's private key: it can say what it is and sign, and nothing more.
pub trait CaKey: Send + Sync {
    /// The signature algorithm it signs with (which also names its key type).
    fn algorithm(&self) -> &'static SignatureAlgorithm;
    /// The raw subjectPublicKey bits (an EC point, an RSA public key, 32 Ed25519 bytes).
    fn public_key_raw(&self) -> &[u8];
    /// Sign `message` with [`CaKey::algorithm`].
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>>;
}

/// A CA key held in memory, read from the CA directory's `ca-key.pem`.
pub struct FileKey(KeyPair);

impl FileKey {
    /// Wrap a key pair.
    pub fn new(key: KeyPair) -> FileKey {
        FileKey(key)
    }
}

impl CaKey for FileKey {
    fn algorithm(&self) -> &'static SignatureAlgorithm {
        self.0.algorithm()
    }

    fn public_key_raw(&self) -> &[u8] {
        self.0.public_key_raw()
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        rcgen::SigningKey::sign(&self.0, message).map_err(|e| Error::crypto("signing", e))
    }
}

/// A [`CaKey`] as rcgen wants a signer.
pub struct Rcgen<'a>(pub &'a dyn CaKey);

impl rcgen::PublicKeyData for Rcgen<'_> {
    fn der_bytes(&self) -> &[u8] {
        self.0.public_key_raw()
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        self.0.algorithm()
    }
}

impl rcgen::SigningKey for Rcgen<'_> {
    fn sign(&self, msg: &[u8]) -> std::result::Result<Vec<u8>, rcgen::Error> {
        self.0.sign(msg).map_err(|_| rcgen::Error::RemoteKeyError)
    }
}
