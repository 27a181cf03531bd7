//! PKCS#12: export (a key, its certificate and its chain in one password-protected file
//! that Java's keytool, Windows, macOS and `openssl pkcs12` import), and reading one for
//! `inspect` (modern PBES2/AES and legacy 3DES/RC2 encryption alike).

use p12_keystore::{Certificate, EncryptionAlgorithm, KeyStore, KeyStoreEntry, MacAlgorithm, PrivateKeyChain};

use crate::error::{Error, Result};
use crate::keys::Passphrase;

/// PBKDF2 iterations for the modern profile (AES-256-CBC, HMAC-SHA256 MAC).
pub const MODERN_ITERATIONS: u32 = 100_000;
/// Iterations for the legacy profile (3DES, SHA-1 MAC), as old Java and Windows expect.
pub const LEGACY_ITERATIONS: u32 = 10_000;

/// Build a PKCS#12 file: `key` (PKCS#8 DER) with `cert` and then `chain`, under `alias`.
/// Modern: PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) with an HMAC-SHA256 MAC. Legacy:
/// pbeWithSHAAnd3-KeyTripleDES-CBC with a SHA-1 MAC.
pub fn make_p12(
    cert: &[u8],
    chain: &[Vec<u8>],
    key_pkcs8: &[u8],
    passphrase: &Passphrase,
    legacy: bool,
    alias: &str,
) -> Result<Vec<u8>> {
    let bad = |e: p12_keystore::error::Error| Error::crypto("building the PKCS#12 file", e);
    let mut certs = vec![Certificate::from_der(cert).map_err(bad)?];
    for c in chain {
        certs.push(Certificate::from_der(c).map_err(bad)?);
    }
    let key = p12_keystore::PrivateKey::from_der(key_pkcs8).map_err(bad)?;
    let local_key_id = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, cert);
    let mut store = KeyStore::new();
    store.add_entry(
        alias,
        KeyStoreEntry::PrivateKeyChain(PrivateKeyChain::new(local_key_id.as_ref().to_vec(), key, certs)),
    );
    let writer = store.writer(passphrase.as_str());
    let writer = if legacy {
        writer
            .encryption_algorithm(EncryptionAlgorithm::PbeWithShaAnd3KeyTripleDesCbc)
            .mac_algorithm(MacAlgorithm::HmacSha1)
            .encryption_iterations(LEGACY_ITERATIONS)
            .mac_iterations(LEGACY_ITERATIONS)
    } else {
        writer
            .encryption_algorithm(EncryptionAlgorithm::PbeWithHmacSha256AndAes256)
            .mac_algorithm(MacAlgorithm::HmacSha256)
            .encryption_iterations(MODERN_ITERATIONS)
            .mac_iterations(MODERN_ITERATIONS)
    };
    writer.write().map_err(bad)
}

/// What opening a PKCS#12 file with one passphrase gave.
#[derive(Debug)]
pub enum Opened {
    /// Not a PKCS#12 file at all (not its DER shape).
    NotPkcs12,
    /// A PKCS#12 file this passphrase does not open (its MAC or its decryption failed).
    Locked,
    /// A PKCS#12 file that is damaged or uses what pki cannot read: why.
    Unreadable(String),
    /// What it holds: certificates, then private keys (PKCS#8 DER), in bag order.
    Items(Vec<crate::pem::Item>),
}

/// Open `bytes` as a PKCS#12 file with `passphrase` ("" for none).
pub fn open(bytes: &[u8], passphrase: &str) -> Opened {
    use crate::pem::{Item, ItemKind};
    use p12_keystore::error::Error as E;
    match p12_keystore::Pkcs12Archive::from_pkcs12(bytes, passphrase) {
        Ok(archive) => {
            let certs = archive.certs.iter().map(|c| (ItemKind::Certificate, c.cert.as_der().to_vec()));
            let keys = archive.keys.iter().map(|k| (ItemKind::PrivateKey, k.key.as_der().to_vec()));
            Opened::Items(
                certs.chain(keys).enumerate().map(|(n, (kind, der))| Item { kind, der, index: n + 1 }).collect(),
            )
        }
        // The PFX did not parse: not a PKCS#12 file. (Only a file without a MAC, opened
        // with a wrong passphrase, could also decrypt to garbage that fails to parse; every
        // tool pki knows of writes a MAC.)
        Err(E::DerError(_) | E::InvalidVersion) => Opened::NotPkcs12,
        // A MAC that does not match, or (without a MAC) bad padding after decrypting: the
        // passphrase is not this one.
        Err(E::MacError(_) | E::UnpadError) => Opened::Locked,
        Err(e) => Opened::Unreadable(e.to_string()),
    }
}
