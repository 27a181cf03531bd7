//! A CA's key as the CA directory keeps it: `ca-key.pem` (the key itself) or `ca-key.uri`
//! (the RFC 7512 URI of a key in a PKCS#11 token, with the module it was made with and
//! never a PIN), and loading it as a [`CaKey`] checked against the CA's certificate.

use std::path::Path;

use super::{CaFiles, KEY_FILE, KEY_URI_FILE, fsutil};
use crate::error::{Error, Result, TokenError};
use crate::keys::Unlock;
use crate::signer::{CaKey, FileKey, KeyUri, TokenKey};

/// A new CA's key, as it is written into the CA directory.
#[derive(Debug, Clone, Copy)]
pub enum NewKey<'a> {
    /// A PEM private key: `ca-key.pem`, mode 0600.
    Pem(&'a str),
    /// A token key's URI: `ca-key.uri` (public: it holds no secret).
    Uri(&'a str),
}

impl NewKey<'_> {
    /// Its file name in a CA's directory.
    pub fn file_name(&self) -> &'static str {
        match self {
            NewKey::Pem(_) => KEY_FILE,
            NewKey::Uri(_) => KEY_URI_FILE,
        }
    }

    /// Its path among `files`.
    pub fn path<'f>(&self, files: &'f CaFiles) -> &'f Path {
        match self {
            NewKey::Pem(_) => &files.key,
            NewKey::Uri(_) => &files.key_uri,
        }
    }

    /// The bytes written.
    pub fn bytes(&self) -> &[u8] {
        match self {
            NewKey::Pem(s) => s.as_bytes(),
            NewKey::Uri(s) => s.as_bytes(),
        }
    }

    /// The file mode.
    pub fn mode(&self) -> u32 {
        match self {
            NewKey::Pem(_) => fsutil::SECRET_MODE,
            NewKey::Uri(_) => fsutil::PUBLIC_MODE,
        }
    }
}

/// The URI a `ca-key.uri` file holds.
pub fn read_uri(path: &Path) -> Result<KeyUri> {
    let bytes = crate::input::read_secret(path, "read")?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::BadKey { path: path.to_path_buf(), reason: "it is not a UTF-8 pkcs11: URI".into() })?;
    KeyUri::parse(text.trim_end())
}

/// Load the key of the CA whose files are `files` and whose certificate carries
/// `cert_public_key`: a token key when `ca-key.uri` is there, else `ca-key.pem`. A token
/// is opened holding the CA directory `ca_dir`'s token lock ([`super::lock::TokenLock`]).
pub(super) fn load(
    ca_dir: &Path,
    files: &CaFiles,
    cert_public_key: &[u8],
    unlock: &dyn Unlock,
) -> Result<Box<dyn CaKey>> {
    let has_uri = std::fs::symlink_metadata(&files.key_uri).is_ok();
    if has_uri && std::fs::symlink_metadata(&files.key).is_ok() {
        return Err(Error::BadKey {
            path: files.key.clone(),
            reason: format!("'{}' is there too: a CA has one key", files.key_uri.display()),
        });
    }
    if has_uri {
        let uri = read_uri(&files.key_uri)?;
        let key = {
            let _one_at_a_time = super::lock::TokenLock::exclusive(ca_dir)?;
            TokenKey::open(&uri, unlock)?
        };
        if key.public_key_raw() != cert_public_key {
            let uri = uri.to_uri_string();
            return Err(TokenError::KeyMismatch { uri, cert: files.cert.clone() }.into());
        }
        return Ok(Box::new(key));
    }
    let key = crate::keys::load_key(&files.key, unlock)?.key_pair()?;
    // The CA key is checked through the key pair already parsed for signing, not by
    // parsing the key a second time (as keys::load_pair would).
    if cert_public_key != key.public_key_raw() {
        return Err(Error::KeyMismatch { key: files.key.clone(), cert: files.cert.clone() });
    }
    Ok(Box::new(FileKey::new(key)))
}
