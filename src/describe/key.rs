//! Describing keys: private keys (PKCS#8, SEC 1, PKCS#1, encrypted PKCS#8) and public
//! keys, and matching private keys to the certificates given in the same call.

use pkcs8::der::{Decode, Encode};
use rcgen::PublicKeyData;
use rustls_pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer, PrivateSec1KeyDer};
use serde::Serialize;
use x509_parser::prelude::FromDer;
use x509_parser::x509::SubjectPublicKeyInfo;

use crate::pem::{Item, ItemKind};

/// A public key's algorithm and size, as the contract's `public_key` object.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PublicKeyInfo {
    /// `rsa`, `ecdsa`, `ed25519`, `ed448`, `rsa-pss`, `dsa`, or a dotted OID.
    pub algorithm: String,
    /// The curve for ECDSA keys: `P-256`, `P-384`, `P-521`, `secp256k1`, or a dotted OID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curve: Option<String>,
    /// The modulus size for RSA (and DSA) keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bits: Option<usize>,
}

impl std::fmt::Display for PublicKeyInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.algorithm.as_str(), &self.curve, self.bits) {
            ("ecdsa", Some(c), _) => write!(f, "ECDSA {c}"),
            ("rsa", _, Some(b)) => write!(f, "RSA {b} bits"),
            ("rsa-pss", _, Some(b)) => write!(f, "RSA-PSS {b} bits"),
            ("ed25519", _, _) => write!(f, "Ed25519"),
            ("ed448", _, _) => write!(f, "Ed448"),
            (a, _, Some(b)) => write!(f, "{a} {b} bits"),
            (a, _, None) => write!(f, "{a}"),
        }
    }
}

/// Read a SubjectPublicKeyInfo's algorithm and size.
pub fn public_key_info(spki: &SubjectPublicKeyInfo<'_>) -> PublicKeyInfo {
    let oid = spki.algorithm.algorithm.to_id_string();
    let bits = || match spki.parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(r)) => Some(r.key_size()),
        Ok(x509_parser::public_key::PublicKey::DSA(y)) => Some(y.len() * 8),
        _ => None,
    };
    let (algorithm, curve, bits) = match oid.as_str() {
        "1.2.840.113549.1.1.1" => ("rsa".to_string(), None, bits()),
        "1.2.840.113549.1.1.10" => ("rsa-pss".to_string(), None, bits()),
        "1.2.840.10045.2.1" => {
            let curve =
                spki.algorithm.parameters.as_ref().and_then(|p| p.as_oid().ok()).map(|o| curve_name(&o.to_id_string()));
            ("ecdsa".to_string(), curve, None)
        }
        "1.3.101.112" => ("ed25519".to_string(), None, None),
        "1.3.101.113" => ("ed448".to_string(), None, None),
        "1.2.840.10040.4.1" => ("dsa".to_string(), None, bits()),
        other => (other.to_string(), None, None),
    };
    PublicKeyInfo { algorithm, curve, bits }
}

fn curve_name(oid: &str) -> String {
    match oid {
        "1.2.840.10045.3.1.7" => "P-256",
        "1.3.132.0.34" => "P-384",
        "1.3.132.0.35" => "P-521",
        "1.3.132.0.10" => "secp256k1",
        other => other,
    }
    .to_string()
}

/// Which certificate (given in the same call) a key belongs to.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CertRef {
    /// The certificate's file.
    pub source: String,
    /// Its position in that file, from 1.
    pub index: usize,
    /// Its subject.
    pub subject: String,
}

/// A private key, plain or encrypted.
#[derive(Debug, Clone, Serialize)]
pub struct KeyDescription {
    /// `private_key` or `encrypted_private_key`.
    pub kind: &'static str,
    /// The file.
    pub source: String,
    /// Position in the file, from 1.
    pub index: usize,
    /// `pkcs8`, `sec1` (EC PRIVATE KEY), `pkcs1` (RSA PRIVATE KEY) or `pkcs8-encrypted`.
    pub format: &'static str,
    /// The key's algorithm and size (null for an encrypted key: it cannot be read without
    /// its passphrase).
    pub public_key: Option<PublicKeyInfo>,
    /// How an encrypted key is protected, e.g. "PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC)".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption: Option<String>,
    /// The certificate given in the same call whose public key this is (null if none).
    pub certificate: Option<CertRef>,
    /// The subjectPublicKey bytes, for matching against certificates.
    #[serde(skip)]
    pub public_key_bits: Option<Vec<u8>>,
}

/// Describe a public key (`PUBLIC KEY`, SubjectPublicKeyInfo DER).
#[derive(Debug, Clone, Serialize)]
pub struct PublicKeyDescription {
    /// Always `public_key`.
    pub kind: &'static str,
    /// The file.
    pub source: String,
    /// Position in the file, from 1.
    pub index: usize,
    /// Algorithm and size.
    pub public_key: PublicKeyInfo,
    /// SHA-256 of the SubjectPublicKeyInfo DER, hex (as `openssl pkey -pubin -outform der | sha256sum`).
    pub spki_sha256: String,
    /// The certificate given in the same call with this public key (null if none).
    pub certificate: Option<CertRef>,
    /// The subjectPublicKey bytes, for matching.
    #[serde(skip)]
    pub public_key_bits: Vec<u8>,
}

/// Describe a `PUBLIC KEY` item.
pub fn describe_public(der: &[u8], source: &str, index: usize) -> Result<PublicKeyDescription, super::Unreadable> {
    let (_, spki) = SubjectPublicKeyInfo::from_der(der).map_err(|e| super::Unreadable::der("a public key", &e))?;
    Ok(PublicKeyDescription {
        kind: "public_key",
        source: source.into(),
        index,
        public_key: public_key_info(&spki),
        spki_sha256: crate::certinfo::sha256_hex(der),
        certificate: None,
        public_key_bits: spki.subject_public_key.data.to_vec(),
    })
}

/// Describe a private key item (never printing any of its secret).
pub fn describe_private(item: &Item, source: &str) -> Result<KeyDescription, super::Unreadable> {
    let mut d = KeyDescription {
        kind: "private_key",
        source: source.into(),
        index: item.index,
        format: "pkcs8",
        public_key: None,
        encryption: None,
        certificate: None,
        public_key_bits: None,
    };
    let der = zeroize::Zeroizing::new(item.der.clone());
    match item.kind {
        ItemKind::EncryptedPrivateKey => {
            let enc = pkcs8::EncryptedPrivateKeyInfo::from_der(&der)
                .map_err(|e| key_error("not a valid encrypted PKCS#8 key", e))?;
            d.kind = "encrypted_private_key";
            d.format = "pkcs8-encrypted";
            d.encryption = Some(encryption_scheme(&enc.encryption_algorithm));
        }
        ItemKind::LegacyEncryptedKey => {
            d.kind = "encrypted_private_key";
            d.format = "pem-legacy-encrypted";
            let dek = String::from_utf8_lossy(&item.der).to_string();
            let cipher = dek.split(',').next().unwrap_or("unknown cipher").to_string();
            d.encryption = Some(format!(
                "legacy OpenSSL PEM encryption ({cipher}, MD5-based key derivation: weak; re-encrypt as PKCS#8)"
            ));
        }
        ItemKind::RsaPrivateKey => {
            d.format = "pkcs1";
            let (info, bits) = rsa_public(&der)?;
            d.public_key = Some(info);
            d.public_key_bits = Some(bits);
        }
        ItemKind::EcPrivateKey => {
            d.format = "sec1";
            let (info, bits) = via_rcgen(PrivateKeyDer::Sec1(PrivateSec1KeyDer::from(der.as_slice())))
                .ok_or(super::Unreadable::EcKey)?;
            d.public_key = Some(info);
            d.public_key_bits = Some(bits);
        }
        _ => {
            let info = pkcs8::PrivateKeyInfo::from_der(&der).map_err(|e| key_error("not a valid PKCS#8 key", e))?;
            let alg = info.algorithm.oid.to_string();
            if alg == "1.2.840.113549.1.1.1" {
                let (pk, bits) = rsa_public(info.private_key)?;
                d.public_key = Some(pk);
                d.public_key_bits = Some(bits);
            } else if let Some((pk, bits)) = via_rcgen(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(der.as_slice()))) {
                d.public_key = Some(pk);
                d.public_key_bits = Some(bits);
            } else {
                // A key type pki cannot load (an unusual curve): say what it is, match nothing.
                let curve = info.algorithm.parameters_oid().ok().map(|o| curve_name(&o.to_string()));
                let algorithm = match alg.as_str() {
                    "1.2.840.10045.2.1" => "ecdsa".to_string(),
                    "1.3.101.112" => "ed25519".to_string(),
                    "1.3.101.113" => "ed448".to_string(),
                    other => other.to_string(),
                };
                d.public_key = Some(PublicKeyInfo { algorithm, curve, bits: None });
            }
        }
    }
    Ok(d)
}

fn key_error(what: &'static str, e: impl std::fmt::Display) -> super::Unreadable {
    super::Unreadable::Key { what, reason: e.to_string() }
}

/// The public half of an RSA key from its PKCS#1 RSAPrivateKey.
fn rsa_public(pkcs1_der: &[u8]) -> Result<(PublicKeyInfo, Vec<u8>), super::Unreadable> {
    let k = pkcs1::RsaPrivateKey::from_der(pkcs1_der).map_err(|e| key_error("not a valid RSA private key", e))?;
    let public = pkcs1::RsaPublicKey { modulus: k.modulus, public_exponent: k.public_exponent };
    let bytes = public.to_der().map_err(|e| key_error("cannot encode the RSA public key", e))?;
    let m = k.modulus.as_bytes();
    let bits = m.len() * 8 - m.first().map_or(0, |b| b.leading_zeros() as usize);
    Ok((PublicKeyInfo { algorithm: "rsa".into(), curve: None, bits: Some(bits) }, bytes))
}

fn via_rcgen(key: PrivateKeyDer<'_>) -> Option<(PublicKeyInfo, Vec<u8>)> {
    let kp = rcgen::KeyPair::try_from(&key).ok()?;
    let spki_der = kp.subject_public_key_info();
    let (_, spki) = SubjectPublicKeyInfo::from_der(&spki_der).ok()?;
    Some((public_key_info(&spki), spki.subject_public_key.data.to_vec()))
}

fn encryption_scheme(alg: &pkcs8::pkcs5::EncryptionScheme<'_>) -> String {
    use pkcs8::pkcs5::pbes2::{EncryptionScheme as Cipher, Kdf, Pbkdf2Prf};
    match alg {
        pkcs8::pkcs5::EncryptionScheme::Pbes2(p) => {
            let kdf = match &p.kdf {
                Kdf::Pbkdf2(k) => {
                    let prf = match k.prf {
                        Pbkdf2Prf::HmacWithSha1 => "SHA1",
                        Pbkdf2Prf::HmacWithSha224 => "SHA224",
                        Pbkdf2Prf::HmacWithSha256 => "SHA256",
                        Pbkdf2Prf::HmacWithSha384 => "SHA384",
                        Pbkdf2Prf::HmacWithSha512 => "SHA512",
                        _ => "?",
                    };
                    format!("PBKDF2-HMAC-{prf}, {} iterations", k.iteration_count)
                }
                Kdf::Scrypt(s) => format!(
                    "scrypt N=2^{} r={} p={}",
                    s.cost_parameter.trailing_zeros(),
                    s.block_size,
                    s.parallelization
                ),
                _ => "unknown KDF".into(),
            };
            let cipher = match p.encryption {
                Cipher::Aes128Cbc { .. } => "AES-128-CBC",
                Cipher::Aes192Cbc { .. } => "AES-192-CBC",
                Cipher::Aes256Cbc { .. } => "AES-256-CBC",
                _ => "another cipher",
            };
            format!("PBES2 ({kdf}, {cipher})")
        }
        pkcs8::pkcs5::EncryptionScheme::Pbes1(a) => format!("PBES1 ({:?}; legacy)", a.encryption),
        _ => "unknown scheme".into(),
    }
}

/// Public-key bits of each certificate, with a reference to it.
pub type CertKeys = Vec<(Vec<u8>, CertRef)>;

/// Fill in which certificate each key belongs to.
pub fn match_keys(descs: &mut [super::Description]) {
    let certs: CertKeys = descs
        .iter()
        .filter_map(|d| match d {
            super::Description::Certificate(c) => Some((
                c.public_key_bits.clone(),
                CertRef { source: c.source.clone(), index: c.index, subject: c.subject.clone() },
            )),
            _ => None,
        })
        .collect();
    // First certificate with each key, looked up in constant time (a bundle may hold
    // thousands of certificates and keys).
    let mut by_key: std::collections::HashMap<&[u8], &CertRef> = std::collections::HashMap::new();
    for (b, r) in &certs {
        by_key.entry(b.as_slice()).or_insert(r);
    }
    let find = |bits: &[u8]| by_key.get(bits).map(|r| (*r).clone());
    for d in descs.iter_mut() {
        match d {
            super::Description::Key(k) => {
                if let Some(bits) = &k.public_key_bits {
                    k.certificate = find(bits);
                }
            }
            super::Description::PublicKey(p) => p.certificate = find(&p.public_key_bits),
            _ => {}
        }
    }
}
