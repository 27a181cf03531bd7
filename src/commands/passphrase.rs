//! Where passphrases come from: a file, an environment variable, or a prompt on a
//! terminal (and never a prompt without one, so scripts fail fast instead of hanging).

use std::io::IsTerminal;
use std::path::Path;

use crate::error::{Error, Result};
use crate::keys::Passphrase;
use crate::store::{CaDir, IssuerRef};

/// Environment variable with the passphrase for new keys (used with `--encrypt-key`).
pub const ENV_NEW: &str = "PKI_PASSPHRASE";
/// Environment variable with the passphrase of the issuing CA's key.
pub const ENV_CA: &str = "PKI_CA_PASSPHRASE";

/// Flags for encrypting a key being created.
#[derive(Debug, Clone, clap::Args)]
pub struct NewKeyArgs {
    /// Encrypt the new private key with a passphrase
    ///
    /// The key is written as PKCS#8 ENCRYPTED PRIVATE KEY (PBES2: PBKDF2-HMAC-SHA256,
    /// AES-256-CBC). The passphrase comes from --passphrase-file, else $PKI_PASSPHRASE,
    /// else a prompt (twice, no echo) when stdin is a terminal.
    #[arg(long)]
    pub encrypt_key: bool,

    /// Read the new key's passphrase from FILE (implies --encrypt-key)
    ///
    /// One trailing newline is not part of the passphrase.
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub passphrase_file: Option<std::path::PathBuf>,
}

/// The flag that unlocks an encrypted issuing CA key.
#[derive(Debug, Clone, clap::Args)]
pub struct CaKeyArgs {
    /// Read the issuing CA key's passphrase from FILE
    ///
    /// Else $PKI_CA_PASSPHRASE, else a prompt when stdin is a terminal. Only needed when
    /// the CA key is encrypted.
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub ca_passphrase_file: Option<std::path::PathBuf>,
}

pub(crate) fn from_file(path: &Path, flag: &str) -> Result<Passphrase> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, "read passphrase file", e))?;
    let text = String::from_utf8(bytes).map_err(|_| Error::BadPassphrase {
        source: format!("{flag} '{}'", path.display()),
        reason: "the file is not UTF-8 text".into(),
    })?;
    non_empty(Passphrase::new(text), &format!("{flag} '{}'", path.display()))
}

pub(crate) fn non_empty(p: Passphrase, source: &str) -> Result<Passphrase> {
    if p.is_empty() {
        return Err(Error::BadPassphrase { source: source.into(), reason: "it is empty".into() });
    }
    Ok(p)
}

pub(crate) fn from_env(var: &str) -> Option<Passphrase> {
    std::env::var(var).ok().filter(|v| !v.is_empty()).map(Passphrase::new)
}

pub(crate) fn can_prompt() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

pub(crate) fn prompt(text: &str) -> Result<Passphrase> {
    rpassword::prompt_password(text).map(Passphrase::new).map_err(|e| Error::io("/dev/tty", "read passphrase from", e))
}

impl NewKeyArgs {
    /// The passphrase for the new key, or None when it is not to be encrypted.
    pub fn resolve(&self) -> Result<Option<Passphrase>> {
        if let Some(path) = &self.passphrase_file {
            return from_file(path, "--passphrase-file").map(Some);
        }
        if !self.encrypt_key {
            return Ok(None);
        }
        if let Some(p) = from_env(ENV_NEW) {
            return Ok(Some(p));
        }
        if !can_prompt() {
            return Err(Error::PassphraseNeeded { what: "--encrypt-key" });
        }
        let first = non_empty(prompt("Passphrase for the new key: ")?, "the prompt")?;
        let second = prompt("Repeat the passphrase: ")?;
        if first.as_bytes() != second.as_bytes() {
            return Err(Error::BadPassphrase { source: "the prompt".into(), reason: "the two entries differ".into() });
        }
        Ok(Some(first))
    }
}

impl NewKeyArgs {
    /// The passphrase of an existing encrypted key (`--key`): --passphrase-file, else
    /// $PKI_PASSPHRASE, else a prompt on a terminal.
    pub fn resolve_existing(&self) -> Result<Option<Passphrase>> {
        if let Some(path) = &self.passphrase_file {
            return from_file(path, "--passphrase-file").map(Some);
        }
        if let Some(p) = from_env(ENV_NEW) {
            return Ok(Some(p));
        }
        if !can_prompt() {
            return Ok(None);
        }
        prompt("Passphrase for the key: ").map(Some)
    }
}

impl CaKeyArgs {
    /// The passphrase for the issuer's key if that key is encrypted, else None.
    pub fn resolve_for(&self, ca: &CaDir, which: &IssuerRef) -> Result<Option<Passphrase>> {
        if !ca.issuer_key_encrypted(which)? {
            return Ok(None);
        }
        let (_, key_path) = ca.issuer_files(which)?;
        if let Some(path) = &self.ca_passphrase_file {
            return from_file(path, "--ca-passphrase-file").map(Some);
        }
        if let Some(p) = from_env(ENV_CA) {
            return Ok(Some(p));
        }
        if !can_prompt() {
            return Err(Error::KeyEncrypted { path: key_path, how: crate::store::CA_PASSPHRASE_HOW });
        }
        prompt(&format!("Passphrase for {}: ", key_path.display())).map(Some)
    }
}
