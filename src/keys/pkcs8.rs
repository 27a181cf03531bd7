//! The PKCS#8 codec: writing private keys (plain or encrypted), and turning a key
//! file's text into DER (decrypting it with a passphrase when it is encrypted).

use std::path::Path;

use pkcs8::der::Decode;
use rcgen::{KeyPair, SignatureAlgorithm};
use rustls_pki_types::PrivateKeyDer;
use rustls_pki_types::pem::PemObject;
use zeroize::Zeroizing;

use super::{Passphrase, fill_random};
use crate::error::{Error, Result};

/// PBKDF2-HMAC-SHA256 iterations for encrypted keys (OWASP's 2023 figure for PBKDF2-SHA256).
pub const PBKDF2_ITERATIONS: u32 = 600_000;

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

/// Decrypt the `ENCRYPTED PRIVATE KEY` in `pem` (named `path` in errors) with `pass`.
pub(super) fn decrypt(pem: &[u8], path: &Path, pass: &Passphrase) -> Result<PrivateKeyDer<'static>> {
    let bad = |reason: String| Error::BadKey { path: path.to_path_buf(), reason };
    let text = std::str::from_utf8(pem).map_err(|_| bad("the file is not PEM text".into()))?;
    let (label, doc) = pkcs8::SecretDocument::from_pem(text.trim_start_matches(|c: char| c != '-'))
        .map_err(|e| bad(format!("malformed encrypted key: {e}")))?;
    if label != "ENCRYPTED PRIVATE KEY" {
        return Err(bad(format!("unexpected PEM label '{label}'")));
    }
    let enc = pkcs8::EncryptedPrivateKeyInfo::from_der(doc.as_bytes())
        .map_err(|e| bad(format!("malformed encrypted key: {e}")))?;
    let plain = enc.decrypt(pass.as_bytes()).map_err(|_| Error::WrongPassphrase { path: path.to_path_buf() })?;
    PrivateKeyDer::try_from(plain.as_bytes().to_vec()).map_err(|e| bad(e.to_string()))
}

/// The unencrypted private key in `pem` (PKCS#8, SEC1 or PKCS#1), named `path` in errors.
pub(super) fn plain(pem: &[u8], path: &Path) -> Result<PrivateKeyDer<'static>> {
    let bad = |reason: String| Error::BadKey { path: path.to_path_buf(), reason };
    PrivateKeyDer::from_pem_slice(pem).map_err(|e| match e {
        rustls_pki_types::pem::Error::NoItemsFound => bad("no private key found in the file".into()),
        other => bad(format!("malformed PEM: {}", describe_pem_error(&other))),
    })
}

/// A PEM reader's error in words (its Debug names are not for users).
fn describe_pem_error(e: &rustls_pki_types::pem::Error) -> String {
    use rustls_pki_types::pem::Error as E;
    match e {
        E::MissingSectionEnd { end_marker } => {
            format!("the '{}' block has no END line", String::from_utf8_lossy(end_marker).trim_matches('-'))
        }
        E::IllegalSectionStart { line } => format!("a BEGIN line is malformed: '{}'", String::from_utf8_lossy(line)),
        E::Base64Decode(_) => "the base64 text is damaged".into(),
        E::NoItemsFound => "no private key found".into(),
        other => other.to_string(),
    }
}

/// The rcgen key pair for DER, told its algorithm when the PKCS#8 header names it.
pub(super) fn key_pair(der: &PrivateKeyDer<'_>, path: &Path) -> Result<KeyPair> {
    // Told the algorithm, rcgen parses the key once; left to guess, it tries Ed25519,
    // then each curve, parsing (and checking) the key each time.
    let parsed = match pkcs8_algorithm(der) {
        Some(alg) => KeyPair::from_der_and_sign_algo(der, alg),
        None => KeyPair::try_from(der),
    };
    parsed.map_err(|e| Error::BadKey { path: path.to_path_buf(), reason: format!("unsupported or malformed key: {e}") })
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
