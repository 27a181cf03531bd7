//! Loading a private key, alone or with the certificate it belongs to: the one way every
//! command (and the CA store) opens a key file, with one wording per failure.

use std::path::{Path, PathBuf};

use rcgen::KeyPair;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use super::{Passphrase, pkcs8};
use crate::error::{Error, Result};

/// Where a passphrase comes from when a key file turns out to be encrypted.
///
/// `commands/` implements it (a flag, an environment variable, a prompt); the domain
/// calls it only when it actually meets an encrypted key, so nothing is asked twice and
/// no flag name travels down. An implementation that has no source returns the error
/// the user should see (usually [`Error::KeyEncrypted`] with its own hint).
pub trait Unlock {
    /// The passphrase for the encrypted key file `key_file`.
    fn unlock(&self, key_file: &Path) -> Result<Passphrase>;

    /// Told that `key_file` turned out not to be encrypted, so that a source that was
    /// given a passphrase for it can say it went unused (a warning, never an error).
    fn not_encrypted(&self, _key_file: &Path) {}

    /// The user PIN of the PKCS#11 token labelled `token`: asked only when a CA key is in
    /// a token and the token is not logged in yet (so once per token and process).
    fn token_pin(&self, token: &str) -> Result<Passphrase> {
        Err(crate::error::TokenError::PinNeeded { token: token.to_string() }.into())
    }

    /// The PKCS#11 module the user named (a flag, a variable), which wins over the one a
    /// CA directory recorded. None: the recorded one, else p11-kit's proxy.
    fn pkcs11_module(&self) -> Option<PathBuf> {
        None
    }
}

/// A private key read from a file. The DER is kept as read (PKCS#8, SEC1 or PKCS#1).
pub struct PrivateKey {
    der: PrivateKeyDer<'static>,
    path: PathBuf,
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PrivateKey({})", self.path.display())
    }
}

impl PrivateKey {
    /// The file it came from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The key for signing with rcgen (certificates, requests, CRLs).
    pub fn key_pair(&self) -> Result<KeyPair> {
        pkcs8::key_pair(&self.der, &self.path)
    }

    /// The key for rustls (`serve`, `probe`).
    pub fn to_rustls(&self) -> PrivateKeyDer<'static> {
        self.der.clone_key()
    }

    /// The raw subjectPublicKey bits of the key (what a certificate for it carries).
    pub fn public_key_bits(&self) -> Result<Vec<u8>> {
        use x509_parser::prelude::FromDer;
        use x509_parser::x509::SubjectPublicKeyInfo;
        // aws-lc through rustls reads every key rustls can sign with; rcgen the rest.
        let provider = rustls::crypto::aws_lc_rs::default_provider();
        let spki = provider
            .key_provider
            .load_private_key(self.der.clone_key())
            .ok()
            .and_then(|k| k.public_key().map(|s| s.as_ref().to_vec()));
        if let Some(spki) = spki
            && let Ok((_, info)) = SubjectPublicKeyInfo::from_der(&spki)
        {
            return Ok(info.subject_public_key.data.to_vec());
        }
        Ok(self.key_pair()?.public_key_raw().to_vec())
    }
}

/// A certificate (with whatever chain followed it in its file) and its private key,
/// checked to belong together.
#[derive(Debug)]
pub struct Pair {
    /// The certificate first, then the rest of the file's certificates in order.
    pub chain: Vec<CertificateDer<'static>>,
    /// The key.
    pub key: PrivateKey,
    /// The certificate file.
    pub cert_path: PathBuf,
}

/// Read the private key in `path`, calling `unlock` if (and only if) it is encrypted.
///
/// Errors, one wording each: the file cannot be read ([`Error::Io`], naming it), it is
/// encrypted and `unlock` has no passphrase (whatever `unlock` says), the passphrase is
/// wrong ([`Error::WrongPassphrase`]), it holds no usable key ([`Error::BadKey`]).
pub fn load_key(path: &Path, unlock: &dyn Unlock) -> Result<PrivateKey> {
    let pem = crate::input::read_secret(path, "read")?;
    let der = if is_encrypted(&pem) {
        let pass = unlock.unlock(path)?;
        pkcs8::decrypt(&pem, path, &pass)?
    } else {
        let der = pkcs8::plain(&pem, path)?;
        unlock.not_encrypted(path);
        der
    };
    Ok(PrivateKey { der, path: path.to_path_buf() })
}

/// Read the certificate file `cert` and the key file `key`, and check that the key is
/// the certificate's ([`Error::KeyMismatch`] when it is not).
pub fn load_pair(cert: &Path, key: &Path, unlock: &dyn Unlock) -> Result<Pair> {
    let chain = crate::input::read_certs(cert)?;
    let key = load_key(key, unlock)?;
    let pair = Pair { chain, key, cert_path: cert.to_path_buf() };
    pair.check()?;
    Ok(pair)
}

impl Pair {
    /// [`Error::KeyMismatch`] unless the key belongs to the first certificate.
    fn check(&self) -> Result<()> {
        use x509_parser::prelude::{FromDer, X509Certificate};
        let mismatch = || Error::KeyMismatch { key: self.key.path.clone(), cert: self.cert_path.clone() };
        let Some(leaf) = self.chain.first() else { return Err(mismatch()) };
        let (_, cert) = X509Certificate::from_der(leaf)
            .map_err(|e| Error::BadCertificate { path: self.cert_path.clone(), reason: e.to_string() })?;
        match self.key.public_key_bits()? == cert.public_key().subject_public_key.data.as_ref() {
            true => Ok(()),
            false => Err(mismatch()),
        }
    }
}

/// An [`Unlock`] for keys that must be plain: an encrypted one is refused with `why`.
#[derive(Debug, Clone, Copy)]
pub struct PlainOnly(pub &'static str);

impl Unlock for PlainOnly {
    fn unlock(&self, key_file: &Path) -> Result<Passphrase> {
        Err(Error::BadKey { path: key_file.to_path_buf(), reason: self.0.to_string() })
    }
}

/// An [`Unlock`] that always answers with one passphrase (already obtained).
#[derive(Debug, Clone)]
pub struct KnownPassphrase(pub Passphrase);

impl Unlock for KnownPassphrase {
    fn unlock(&self, _key_file: &Path) -> Result<Passphrase> {
        Ok(self.0.clone())
    }
}

/// Whether a key file's text holds a PKCS#8 `ENCRYPTED PRIVATE KEY`.
pub fn is_encrypted(pem: &[u8]) -> bool {
    const BEGIN: &[u8] = b"-----BEGIN ENCRYPTED PRIVATE KEY-----";
    pem.windows(BEGIN.len()).any(|w| w == BEGIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{KeyType, encode_private_key};

    fn cert_for(key: &KeyPair) -> String {
        let mut p = rcgen::CertificateParams::new(vec!["a.test".into()]).unwrap();
        p.is_ca = rcgen::IsCa::ExplicitNoCa;
        p.self_signed(key).unwrap().pem()
    }

    #[test]
    fn a_pair_is_checked_to_belong_together_and_each_failure_has_its_error() {
        let d = tempfile::tempdir().unwrap();
        let (cert, key, other) = (d.path().join("c.pem"), d.path().join("k.pem"), d.path().join("o.pem"));
        for t in [KeyType::EcdsaP256, KeyType::Ed25519, KeyType::Rsa2048] {
            let k = t.generate().unwrap();
            std::fs::write(&cert, cert_for(&k)).unwrap();
            std::fs::write(&key, encode_private_key(&k, None).unwrap().as_bytes()).unwrap();
            let pair = load_pair(&cert, &key, &PlainOnly("x")).unwrap();
            assert_eq!(pair.chain.len(), 1);
            assert_eq!(pair.key.public_key_bits().unwrap(), k.public_key_raw(), "{t}");
        }
        let stranger = KeyType::EcdsaP256.generate().unwrap();
        std::fs::write(&other, encode_private_key(&stranger, None).unwrap().as_bytes()).unwrap();
        assert!(matches!(load_pair(&cert, &other, &PlainOnly("x")), Err(Error::KeyMismatch { .. })));
        let not_a_key = load_pair(&cert, &cert, &PlainOnly("x")).unwrap_err();
        assert_eq!(
            not_a_key.to_string(),
            format!("cannot use key '{}': no private key found in the file", cert.display())
        );
        let missing = load_key(&d.path().join("nope.pem"), &PlainOnly("x")).unwrap_err();
        assert!(matches!(missing, Error::Io { .. }), "{missing}");
        std::fs::write(&other, "-----BEGIN PRIVATE KEY-----\nAAAA\n").unwrap();
        let cut = load_key(&other, &PlainOnly("x")).unwrap_err().to_string();
        assert!(cut.ends_with("malformed PEM: the 'PRIVATE KEY' block has no END line"), "{cut}");
    }
}
