//! Key types, key generation, and reading and writing PKCS#8 private keys (plain or encrypted).

use std::fmt;
use std::path::Path;

use pkcs8::der::Decode;
use rcgen::{KeyPair, RsaKeySize, SignatureAlgorithm};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// PBKDF2-HMAC-SHA256 iterations for encrypted keys (OWASP's 2023 figure for PBKDF2-SHA256).
pub const PBKDF2_ITERATIONS: u32 = 600_000;

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
        let alg = key.algorithm();
        if alg == &rcgen::PKCS_ECDSA_P256_SHA256 {
            Some(KeyType::EcdsaP256)
        } else if alg == &rcgen::PKCS_ECDSA_P384_SHA384 {
            Some(KeyType::EcdsaP384)
        } else if alg == &rcgen::PKCS_ED25519 {
            Some(KeyType::Ed25519)
        } else if alg == &rcgen::PKCS_RSA_SHA256 {
            // The modulus size follows from the SubjectPublicKeyInfo length; the
            // exact value only matters for display, so bucket by size.
            let n = key.public_key_raw().len();
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

/// Encode a private key as PKCS#8 PEM: `PRIVATE KEY`, or `ENCRYPTED PRIVATE KEY`
/// (PBES2: PBKDF2-HMAC-SHA256 and AES-256-CBC, which `openssl pkey -passin` reads)
/// when a passphrase is given.
pub fn encode_private_key(key: &KeyPair, passphrase: Option<&Passphrase>) -> Result<Zeroizing<String>> {
    use pkcs8::der::Encode;
    let der = Zeroizing::new(key.serialize_der());
    let mut info = pkcs8::PrivateKeyInfo::from_der(&der).map_err(|e| Error::crypto("key encoding", e))?;
    // Write PKCS#8 v1 (RFC 5208), without the optional public key of v2 (RFC 5958):
    // OpenSSL 3.0 cannot read aws-lc's v2 Ed25519 keys, and nothing needs the copy.
    info.public_key = None;
    let Some(pass) = passphrase else {
        let v1 = Zeroizing::new(info.to_der().map_err(|e| Error::crypto("key encoding", e))?);
        let pem = pkcs8::der::pem::encode_string("PRIVATE KEY", pkcs8::LineEnding::LF, &v1)
            .map_err(|e| Error::crypto("key encoding", e))?;
        return Ok(Zeroizing::new(pem));
    };
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 16];
    fill_random(&mut salt)?;
    fill_random(&mut iv)?;
    let params = pkcs8::pkcs5::pbes2::Parameters::pbkdf2_sha256_aes256cbc(PBKDF2_ITERATIONS, &salt, &iv)
        .map_err(|e| Error::crypto("key encryption", e))?;
    let doc = info.encrypt_with_params(params, pass.as_bytes()).map_err(|e| Error::crypto("key encryption", e))?;
    let pem =
        doc.to_pem("ENCRYPTED PRIVATE KEY", pkcs8::LineEnding::LF).map_err(|e| Error::crypto("key encoding", e))?;
    Ok(Zeroizing::new(pem.to_string()))
}

/// Fill `buf` from the operating system's CSPRNG (via aws-lc).
pub fn fill_random(buf: &mut [u8]) -> Result<()> {
    use aws_lc_rs::rand::SecureRandom;
    aws_lc_rs::rand::SystemRandom::new()
        .fill(buf)
        .map_err(|_| Error::crypto("random number generation", "the system RNG failed"))
}

/// The kind of private key a PEM file holds, judged by its first block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFileKind {
    /// An unencrypted key (`PRIVATE KEY`, `EC PRIVATE KEY` or `RSA PRIVATE KEY`).
    Plain,
    /// A PKCS#8 `ENCRYPTED PRIVATE KEY`.
    Encrypted,
}

/// Whether a key file's text is encrypted.
pub fn key_file_kind(pem: &[u8]) -> KeyFileKind {
    if memfind(pem, b"-----BEGIN ENCRYPTED PRIVATE KEY-----") { KeyFileKind::Encrypted } else { KeyFileKind::Plain }
}

fn memfind(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Read a private key from PEM text; `path` names the file in errors.
/// An encrypted key needs `passphrase`, else [`Error::KeyEncrypted`] with `how` as the fix.
pub fn decode_private_key(
    pem: &[u8],
    path: &Path,
    passphrase: Option<&Passphrase>,
    how: &'static str,
) -> Result<KeyPair> {
    use rustls_pki_types::PrivateKeyDer;
    use rustls_pki_types::pem::PemObject;

    let bad = |reason: String| Error::BadKey { path: path.to_path_buf(), reason };
    let der: Zeroizing<Vec<u8>> = match key_file_kind(pem) {
        KeyFileKind::Encrypted => {
            let Some(pass) = passphrase else {
                return Err(Error::KeyEncrypted { path: path.to_path_buf(), how });
            };
            let text = std::str::from_utf8(pem).map_err(|_| bad("the file is not PEM text".into()))?;
            let (label, doc) = pkcs8::SecretDocument::from_pem(text.trim_start_matches(|c: char| c != '-'))
                .map_err(|e| bad(format!("malformed encrypted key: {e}")))?;
            if label != "ENCRYPTED PRIVATE KEY" {
                return Err(bad(format!("unexpected PEM label '{label}'")));
            }
            let enc = pkcs8::EncryptedPrivateKeyInfo::from_der(doc.as_bytes())
                .map_err(|e| bad(format!("malformed encrypted key: {e}")))?;
            let plain =
                enc.decrypt(pass.as_bytes()).map_err(|_| Error::WrongPassphrase { path: path.to_path_buf() })?;
            Zeroizing::new(plain.as_bytes().to_vec())
        }
        KeyFileKind::Plain => match PrivateKeyDer::from_pem_slice(pem) {
            Ok(k) => Zeroizing::new(k.secret_der().to_vec()),
            Err(rustls_pki_types::pem::Error::NoItemsFound) => {
                return Err(bad("no private key found in the file".into()));
            }
            Err(e) => return Err(bad(format!("malformed PEM: {e:?}"))),
        },
    };
    let key_der = PrivateKeyDer::try_from(der.as_slice()).map_err(|e| bad(e.to_string()))?;
    // Told the algorithm, rcgen parses the key once; left to guess, it tries Ed25519,
    // then each curve, parsing (and checking) the key each time.
    let parsed = match pkcs8_algorithm(&key_der) {
        Some(alg) => KeyPair::from_der_and_sign_algo(&key_der, alg),
        None => KeyPair::try_from(&key_der),
    };
    parsed.map_err(|e| bad(format!("unsupported or malformed key: {e}")))
}

/// The signature algorithm rcgen would pick for a PKCS#8 key, read from its
/// AlgorithmIdentifier; None for other encodings and other algorithms.
fn pkcs8_algorithm(key: &rustls_pki_types::PrivateKeyDer<'_>) -> Option<&'static SignatureAlgorithm> {
    use pkcs8::ObjectIdentifier as Oid;
    const EC: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
    const P256: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
    const P384: Oid = Oid::new_unwrap("1.3.132.0.34");
    const ED25519: Oid = Oid::new_unwrap("1.3.101.112");
    const RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
    let rustls_pki_types::PrivateKeyDer::Pkcs8(der) = key else { return None };
    let info = pkcs8::PrivateKeyInfo::from_der(der.secret_pkcs8_der()).ok()?;
    let alg = &info.algorithm;
    match alg.oid {
        ED25519 => Some(&rcgen::PKCS_ED25519),
        RSA => Some(&rcgen::PKCS_RSA_SHA256),
        EC => match alg.parameters_oid().ok()? {
            P256 => Some(&rcgen::PKCS_ECDSA_P256_SHA256),
            P384 => Some(&rcgen::PKCS_ECDSA_P384_SHA384),
            _ => None,
        },
        _ => None,
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
        let p = Path::new("k.pem");
        let back = decode_private_key(pem.as_bytes(), p, Some(&pass), "x").unwrap();
        assert_eq!(back.public_key_raw(), key.public_key_raw());
        let wrong = Passphrase::new("nope".into());
        assert!(matches!(decode_private_key(pem.as_bytes(), p, Some(&wrong), "x"), Err(Error::WrongPassphrase { .. })));
        assert!(matches!(decode_private_key(pem.as_bytes(), p, None, "x"), Err(Error::KeyEncrypted { .. })));
    }
}
