//! Keys: their types and generation, passphrases, and the one way to load a key file
//! (`load.rs`) through the PKCS#8 codec (`pkcs8.rs`).

mod load;
mod pkcs8;

use std::fmt;

use rcgen::{KeyPair, RsaKeySize, SignatureAlgorithm};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

pub use load::{KnownPassphrase, Pair, PlainOnly, PrivateKey, Unlock, is_encrypted, load_key, load_pair};
pub use pkcs8::{PBKDF2_ITERATIONS, encode_private_key};

/// A key algorithm and size, as `--key-type` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyType {
    /// ECDSA on NIST P-256, signing with SHA-256 (the default).
    #[default]
    #[value(name = "ecdsa-p256")]
    EcdsaP256,
    /// ECDSA on NIST P-384, signing with SHA-384.
    #[value(name = "ecdsa-p384")]
    EcdsaP384,
    /// Ed25519 (pure).
    #[value(name = "ed25519")]
    Ed25519,
    /// RSA, 2048-bit modulus, PKCS#1 v1.5 with SHA-256.
    #[value(name = "rsa-2048")]
    Rsa2048,
    /// RSA, 3072-bit modulus, PKCS#1 v1.5 with SHA-256.
    #[value(name = "rsa-3072")]
    Rsa3072,
    /// RSA, 4096-bit modulus, PKCS#1 v1.5 with SHA-256.
    #[value(name = "rsa-4096")]
    Rsa4096,
}

impl KeyType {
    /// The rcgen signature algorithm a key of this type signs with.
    pub fn signature_algorithm(self) -> &'static SignatureAlgorithm {
        match self {
            KeyType::EcdsaP256 => &rcgen::PKCS_ECDSA_P256_SHA256,
            KeyType::EcdsaP384 => &rcgen::PKCS_ECDSA_P384_SHA384,
            KeyType::Ed25519 => &rcgen::PKCS_ED25519,
            KeyType::Rsa2048 | KeyType::Rsa3072 | KeyType::Rsa4096 => &rcgen::PKCS_RSA_SHA256,
        }
    }

    /// Whether this is an RSA key (RSA leaves also get keyEncipherment).
    pub fn is_rsa(self) -> bool {
        matches!(self, KeyType::Rsa2048 | KeyType::Rsa3072 | KeyType::Rsa4096)
    }

    /// The key type of an existing key pair, if it is one `pki` makes.
    pub fn of(key: &KeyPair) -> Option<KeyType> {
        KeyType::of_algorithm(key.algorithm(), key.public_key_raw())
    }

    /// The key type of a key that signs with `alg` and has the raw public key `public_raw`,
    /// if it is one `pki` makes.
    pub fn of_algorithm(alg: &SignatureAlgorithm, public_raw: &[u8]) -> Option<KeyType> {
        if alg == &rcgen::PKCS_ECDSA_P256_SHA256 {
            Some(KeyType::EcdsaP256)
        } else if alg == &rcgen::PKCS_ECDSA_P384_SHA384 {
            Some(KeyType::EcdsaP384)
        } else if alg == &rcgen::PKCS_ED25519 {
            Some(KeyType::Ed25519)
        } else if alg == &rcgen::PKCS_RSA_SHA256 {
            // The modulus size follows from the SubjectPublicKeyInfo length; the
            // exact value only matters for display, so bucket by size.
            let n = public_raw.len();
            Some(if n < 300 {
                KeyType::Rsa2048
            } else if n < 430 {
                KeyType::Rsa3072
            } else {
                KeyType::Rsa4096
            })
        } else {
            None
        }
    }

    /// The key type of a certificate's or request's public key, if it is one `pki` makes.
    pub fn of_public_key(spki: &x509_parser::x509::SubjectPublicKeyInfo<'_>) -> Option<KeyType> {
        use x509_parser::oid_registry::{
            OID_EC_P256, OID_KEY_TYPE_EC_PUBLIC_KEY, OID_NIST_EC_P384, OID_PKCS1_RSAENCRYPTION, OID_SIG_ED25519,
        };
        use x509_parser::public_key::PublicKey;
        let alg = &spki.algorithm.algorithm;
        if *alg == OID_SIG_ED25519 {
            Some(KeyType::Ed25519)
        } else if *alg == OID_KEY_TYPE_EC_PUBLIC_KEY {
            let curve = spki.algorithm.parameters.as_ref()?.as_oid().ok()?;
            match curve {
                c if c == OID_EC_P256 => Some(KeyType::EcdsaP256),
                c if c == OID_NIST_EC_P384 => Some(KeyType::EcdsaP384),
                _ => None,
            }
        } else if *alg == OID_PKCS1_RSAENCRYPTION {
            match spki.parsed().ok()? {
                PublicKey::RSA(rsa) => KeyType::rsa_of_bits(rsa.key_size()),
                _ => None,
            }
        } else {
            None
        }
    }

    /// The RSA key type with exactly this modulus size.
    pub fn rsa_of_bits(bits: usize) -> Option<KeyType> {
        match bits {
            2048 => Some(KeyType::Rsa2048),
            3072 => Some(KeyType::Rsa3072),
            4096 => Some(KeyType::Rsa4096),
            _ => None,
        }
    }

    /// Generate a fresh key pair of this type.
    pub fn generate(self) -> Result<KeyPair> {
        let alg = self.signature_algorithm();
        let key = match self {
            KeyType::Rsa2048 => KeyPair::generate_rsa_for(alg, RsaKeySize::_2048),
            KeyType::Rsa3072 => KeyPair::generate_rsa_for(alg, RsaKeySize::_3072),
            KeyType::Rsa4096 => KeyPair::generate_rsa_for(alg, RsaKeySize::_4096),
            _ => KeyPair::generate_for(alg),
        };
        key.map_err(|e| Error::crypto("key generation", e))
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyType::EcdsaP256 => "ecdsa-p256",
            KeyType::EcdsaP384 => "ecdsa-p384",
            KeyType::Ed25519 => "ed25519",
            KeyType::Rsa2048 => "rsa-2048",
            KeyType::Rsa3072 => "rsa-3072",
            KeyType::Rsa4096 => "rsa-4096",
        })
    }
}

/// Fill `buf` from the operating system's CSPRNG (via aws-lc).
pub fn fill_random(buf: &mut [u8]) -> Result<()> {
    use aws_lc_rs::rand::SecureRandom;
    aws_lc_rs::rand::SystemRandom::new()
        .fill(buf)
        .map_err(|_| Error::crypto("random number generation", "the system RNG failed"))
}

/// A passphrase, wiped from memory when dropped. Never printed.
#[derive(Clone)]
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    /// Wrap a passphrase, dropping one trailing newline (`\n` or `\r\n`) as files carry.
    pub fn new(mut s: String) -> Passphrase {
        if s.ends_with('\n') {
            s.pop();
            if s.ends_with('\r') {
                s.pop();
            }
        }
        Passphrase(Zeroizing::new(s))
    }

    /// The passphrase text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The passphrase bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// Whether the passphrase is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passphrase_drops_one_trailing_newline() {
        assert_eq!(Passphrase::new("pw\n".into()).as_bytes(), b"pw");
        assert_eq!(Passphrase::new("pw\r\n".into()).as_bytes(), b"pw");
        assert_eq!(Passphrase::new("pw\n\n".into()).as_bytes(), b"pw\n");
        assert_eq!(Passphrase::new(" pw ".into()).as_bytes(), b" pw ");
    }

    #[test]
    fn encrypted_round_trip_and_wrong_passphrase() {
        let key = KeyType::EcdsaP256.generate().unwrap();
        let pass = Passphrase::new("secret".into());
        let pem = encode_private_key(&key, Some(&pass)).unwrap();
        assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k.pem");
        std::fs::write(&p, pem.as_bytes()).unwrap();
        let back = load_key(&p, &KnownPassphrase(pass)).unwrap().key_pair().unwrap();
        assert_eq!(back.public_key_raw(), key.public_key_raw());
        let wrong = KnownPassphrase(Passphrase::new("nope".into()));
        assert!(matches!(load_key(&p, &wrong), Err(Error::WrongPassphrase { .. })));
        // The unlocker is asked only for an encrypted key, and its refusal is the error.
        let refuse = PlainOnly("it is encrypted");
        assert!(matches!(load_key(&p, &refuse), Err(Error::BadKey { .. })));
        std::fs::write(&p, encode_private_key(&key, None).unwrap().as_bytes()).unwrap();
        assert!(load_key(&p, &refuse).is_ok());
    }
}
