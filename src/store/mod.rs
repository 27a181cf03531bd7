//! The CA directory: where the root, its key, the intermediates and the ledger live,
//! and loading an issuing CA from it.
//!
//! ```text
//! CA_DIR/                     0700
//!   ca.pem                    the root certificate
//!   ca-key.pem                its key (0600, maybe encrypted)
//!   ledger.jsonl              every issued certificate (append-only, see ledger.rs)
//!   .lock                     flock target for writers
//!   intermediates/NAME/ca.pem, ca-key.pem
//! ```

pub mod fsutil;
pub mod ledger;
pub mod lock;

use std::path::{Path, PathBuf};

use rcgen::KeyPair;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use time::OffsetDateTime;

use crate::error::{Error, Result};
use crate::keys::{self, KeyFileKind, Passphrase};

/// The fix for an encrypted CA key, shown with [`Error::KeyEncrypted`].
pub const CA_PASSPHRASE_HOW: &str = "--ca-passphrase-file FILE or set PKI_CA_PASSPHRASE";

/// A CA directory (which may not exist yet).
#[derive(Clone, Debug)]
pub struct CaDir {
    dir: PathBuf,
}

/// Which CA signs: the root, or a named intermediate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IssuerRef {
    /// The root CA (`ca.pem`).
    Root,
    /// `intermediates/NAME/`.
    Intermediate(String),
}

impl IssuerRef {
    /// From `--issuer`: None means the root.
    pub fn from_flag(name: Option<&str>) -> IssuerRef {
        match name {
            Some(n) => IssuerRef::Intermediate(n.to_string()),
            None => IssuerRef::Root,
        }
    }

    /// "root" or the intermediate's name, as the ledger records it.
    pub fn label(&self) -> &str {
        match self {
            IssuerRef::Root => "root",
            IssuerRef::Intermediate(n) => n,
        }
    }
}

/// A CA loaded and ready to sign.
pub struct Issuing {
    /// Which CA this is.
    pub which: IssuerRef,
    /// Its certificate.
    pub cert: CertificateDer<'static>,
    /// Its private key.
    pub key: KeyPair,
    /// Its notAfter: nothing it signs may outlive it.
    pub not_after: OffsetDateTime,
    /// Its subject, for messages.
    pub subject: String,
    /// Its pathLenConstraint, if any.
    pub path_len: Option<u32>,
    /// The CA certificates from this one up to, not including, the root (empty for the root).
    pub chain: Vec<CertificateDer<'static>>,
}

impl CaDir {
    /// A CA directory at `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> CaDir {
        CaDir { dir: dir.into() }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// `ca.pem`.
    pub fn cert_path(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    /// `ca-key.pem`.
    pub fn key_path(&self) -> PathBuf {
        self.dir.join("ca-key.pem")
    }

    /// `intermediates/NAME`.
    pub fn intermediate_dir(&self, name: &str) -> PathBuf {
        self.dir.join("intermediates").join(name)
    }

    /// Take the CA directory's writer lock (creating the directory if needed).
    pub fn lock(&self) -> Result<lock::CaLock> {
        fsutil::create_private_dir(&self.dir)?;
        lock::CaLock::exclusive(&self.dir)
    }

    /// Whether the root exists.
    pub fn has_root(&self) -> bool {
        self.cert_path().exists()
    }

    /// [`Error::NoCa`] unless the root exists.
    pub fn require_root(&self) -> Result<()> {
        if self.has_root() { Ok(()) } else { Err(Error::NoCa { dir: self.dir.clone() }) }
    }

    /// The certificate and key files of an issuer; an error if the CA or intermediate is missing.
    pub fn issuer_files(&self, which: &IssuerRef) -> Result<(PathBuf, PathBuf)> {
        self.require_root()?;
        match which {
            IssuerRef::Root => Ok((self.cert_path(), self.key_path())),
            IssuerRef::Intermediate(name) => {
                validate_intermediate_name(name, "--issuer")?;
                let d = self.intermediate_dir(name);
                let cert = d.join("ca.pem");
                if !cert.exists() {
                    return Err(Error::UnknownIntermediate { name: name.clone(), dir: self.dir.clone() });
                }
                Ok((cert, d.join("ca-key.pem")))
            }
        }
    }

    /// Whether an issuer's key file is encrypted (so a passphrase must be found first).
    pub fn issuer_key_encrypted(&self, which: &IssuerRef) -> Result<bool> {
        let (_, key) = self.issuer_files(which)?;
        Ok(keys::key_file_kind(&fsutil::read(&key)?) == KeyFileKind::Encrypted)
    }

    /// Load an issuer: its certificate, its key (decrypted with `passphrase` if needed),
    /// and the chain up to the root. Checks that the key belongs to the certificate.
    pub fn load_issuer(&self, which: &IssuerRef, passphrase: Option<&Passphrase>) -> Result<Issuing> {
        let (cert_path, key_path) = self.issuer_files(which)?;
        let cert = read_first_cert(&cert_path)?;
        let key_pem = fsutil::read(&key_path)?;
        let key = keys::decode_private_key(&key_pem, &key_path, passphrase, CA_PASSPHRASE_HOW)?;
        let info = crate::certinfo::CertInfo::parse(&cert)
            .map_err(|reason| Error::BadCertificate { path: cert_path.clone(), reason })?;
        if !info.is_ca {
            return Err(Error::BadCertificate {
                path: cert_path,
                reason: "it is not a CA certificate (basicConstraints CA:TRUE is missing)".into(),
            });
        }
        if info.public_key != key.public_key_raw() {
            return Err(Error::KeyMismatch { key: key_path, cert: cert_path });
        }
        let chain = match which {
            IssuerRef::Root => Vec::new(),
            IssuerRef::Intermediate(_) => vec![cert.clone()],
        };
        Ok(Issuing {
            which: which.clone(),
            cert,
            key,
            not_after: info.not_after,
            subject: info.subject,
            path_len: info.path_len,
            chain,
        })
    }
}

/// The first certificate of a PEM file.
pub fn read_first_cert(path: &Path) -> Result<CertificateDer<'static>> {
    let bytes = fsutil::read(path)?;
    CertificateDer::pem_slice_iter(&bytes)
        .next()
        .ok_or_else(|| Error::BadCertificate { path: path.to_path_buf(), reason: "no certificate found".into() })?
        .map_err(|e| Error::BadCertificate { path: path.to_path_buf(), reason: format!("malformed PEM: {e:?}") })
}

/// Check an intermediate's name: letters, digits, '.', '_' and '-', not starting with '.'.
pub fn validate_intermediate_name(name: &str, flag: &'static str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidValue {
            flag,
            value: name.to_string(),
            reason: "an intermediate's name is 1 to 64 letters, digits, '.', '_' or '-', not starting with '.'".into(),
            hint: None,
        })
    }
}

/// A file-name stem from a SAN or CN: `*` becomes `_wildcard`, anything unsafe `_`.
pub fn safe_file_stem(s: &str) -> String {
    let s = s.replace('*', "_wildcard");
    let mut out: String = s
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@' | '+') { c } else { '_' })
        .collect();
    if out.starts_with('.') || out.starts_with('-') {
        out.replace_range(..1, "_");
    }
    if out.is_empty() { "cert".into() } else { out }
}

/// Check a user-given `--name`: a plain file-name stem.
pub fn validate_file_stem(name: &str) -> Result<()> {
    if name.is_empty() || name == "." || name == ".." || name.contains('/') || name.contains('\0') {
        return Err(Error::InvalidValue {
            flag: "--name",
            value: name.to_string(),
            reason: "must be a plain file name without '/'".into(),
            hint: Some("use --out-dir for the directory".into()),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems() {
        assert_eq!(safe_file_stem("*.example.com"), "_wildcard.example.com");
        assert_eq!(safe_file_stem("::1"), "__1");
        assert_eq!(safe_file_stem("alice smith/x"), "alice_smith_x");
        assert_eq!(safe_file_stem(".hidden"), "_hidden");
        assert_eq!(safe_file_stem("spiffe://a/b"), "spiffe___a_b");
    }

    #[test]
    fn intermediate_names() {
        assert!(validate_intermediate_name("web", "--name").is_ok());
        assert!(validate_intermediate_name("web-2.prod_x", "--name").is_ok());
        for bad in ["", "../x", ".x", "a b", "a/b"] {
            assert!(validate_intermediate_name(bad, "--name").is_err(), "{bad}");
        }
    }
}
