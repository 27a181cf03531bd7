//! Where passphrases (and a PKCS#11 token's PIN and module) come from: a file, an
//! environment variable, or a prompt on a terminal (and never a prompt without one, so
//! scripts fail fast instead of hanging). A PIN is never taken from the command line.

use std::io::IsTerminal;
use std::path::Path;

use crate::error::{Error, Result, TokenError};
use crate::issuance::Secrets;
use crate::keys::{Passphrase, Unlock};

/// Environment variable with the passphrase for new keys (used with `--encrypt-key`).
pub const ENV_NEW: &str = "PKI_PASSPHRASE";
/// Environment variable with the passphrase of the issuing CA's key.
pub const ENV_CA: &str = "PKI_CA_PASSPHRASE";

/// When $PKI_CA_PASSPHRASE is a source for a new key's passphrase.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CaEnv {
    /// Never: the new key is not a CA's.
    #[default]
    No,
    /// With --encrypt-key (`ca intermediate`: the variable also unlocks the root).
    WithEncryptKey,
    /// Always (`ca init`: the root's key is the one the variable will unlock), so a
    /// script that exports only it never gets a plain root key.
    Always,
}

/// Flags for encrypting a key being created.
#[derive(Debug, Clone, clap::Args)]
pub struct NewKeyArgs {
    /// Encrypt the new private key with a passphrase
    ///
    /// The key is written as PKCS#8 ENCRYPTED PRIVATE KEY (PBES2: PBKDF2-HMAC-SHA256,
    /// AES-256-CBC). The passphrase comes from --passphrase-file, else $PKI_PASSPHRASE,
    /// else (for a CA's key) $PKI_CA_PASSPHRASE, else a prompt (twice, no echo) when stdin
    /// is a terminal. A passphrase given by --passphrase-file or $PKI_PASSPHRASE always
    /// encrypts the key, with or without this flag.
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

    #[command(flatten)]
    /// A CA key in a PKCS#11 token.
    pub token: TokenArgs,
}

pub(crate) fn from_file(path: &Path, flag: &str) -> Result<Passphrase> {
    let bytes = crate::input::read_secret(path, "read passphrase file")?;
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
    /// The passphrase for the new key, or None when it is not to be encrypted:
    /// --passphrase-file, else $PKI_PASSPHRASE (either one encrypts the key even without
    /// --encrypt-key: a passphrase given is never ignored), else with --encrypt-key a
    /// prompt on a terminal.
    pub fn resolve(&self) -> Result<Option<Passphrase>> {
        self.resolve_for(CaEnv::No)
    }

    /// The passphrase for a new key: --passphrase-file, else $PKI_PASSPHRASE, else
    /// $PKI_CA_PASSPHRASE when `ca` says so (a new CA key: the variable every later
    /// command unlocks it with, so a script exports one secret), else with --encrypt-key
    /// a prompt on a terminal, else None (a plain key).
    pub fn resolve_for(&self, ca: CaEnv) -> Result<Option<Passphrase>> {
        if let Some(path) = &self.passphrase_file {
            return from_file(path, "--passphrase-file").map(Some);
        }
        if let Some(p) = from_env(ENV_NEW) {
            return Ok(Some(p));
        }
        let ca_env = match ca {
            CaEnv::No => false,
            CaEnv::WithEncryptKey => self.encrypt_key,
            CaEnv::Always => true,
        };
        if ca_env && let Some(p) = from_env(ENV_CA) {
            return Ok(Some(p));
        }
        if !self.encrypt_key {
            return Ok(None);
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

/// How an issuing CA's key is unlocked: --ca-passphrase-file, else $PKI_CA_PASSPHRASE,
/// else a prompt on a terminal, else an error that says all three.
impl Unlock for CaKeyArgs {
    fn unlock(&self, key_file: &Path) -> Result<Passphrase> {
        if let Some(path) = &self.ca_passphrase_file {
            return from_file(path, "--ca-passphrase-file");
        }
        if let Some(p) = from_env(ENV_CA) {
            return Ok(p);
        }
        if !can_prompt() {
            return Err(Error::KeyEncrypted { path: key_file.to_path_buf(), how: CA_PASSPHRASE_HOW });
        }
        prompt(&format!("Passphrase for {}: ", key_file.display()))
    }

    fn token_pin(&self, token: &str) -> Result<Passphrase> {
        self.token.pin(token, true)
    }

    fn pkcs11_module(&self) -> Option<std::path::PathBuf> {
        self.token.module()
    }

    fn not_encrypted(&self, key_file: &Path) {
        if let Some(source) = self.given() {
            crate::render::notes::warn(format!(
                "{source} was given but '{}' is not encrypted; the passphrase was not used",
                key_file.display()
            ));
        }
    }
}

impl CaKeyArgs {
    /// Which CA passphrase source was given, if any (without reading it).
    fn given(&self) -> Option<String> {
        match &self.ca_passphrase_file {
            Some(path) => Some(format!("--ca-passphrase-file '{}'", path.display())),
            None => from_env(ENV_CA).map(|_| ENV_CA.to_string()),
        }
    }
}

/// The fix for an encrypted CA key, shown with [`Error::KeyEncrypted`].
pub const CA_PASSPHRASE_HOW: &str = "--ca-passphrase-file FILE or set PKI_CA_PASSPHRASE";

/// The secrets of one command that issues: the flags that unlock the CA key and those
/// that encrypt the new key, each optional.
#[derive(Debug, Clone, Copy, Default)]
pub struct Passphrases<'a> {
    /// Unlocks the issuing CA's key.
    pub ca: Option<&'a CaKeyArgs>,
    /// Encrypts the new key.
    pub new_key: Option<&'a NewKeyArgs>,
    /// Why an existing key the user named cannot be unlocked (the command has no flag for it).
    pub existing_key_how: Option<&'static str>,
    /// Whether $PKI_CA_PASSPHRASE is also a source for the new key (a CA's).
    pub new_key_ca_env: CaEnv,
    /// Reaches a token (`ca init`, which has no CA key flags); else `ca`'s.
    pub token: Option<&'a TokenArgs>,
}

impl Secrets for Passphrases<'_> {
    fn ca_passphrase(&self, key_file: &Path) -> Result<Passphrase> {
        match self.ca {
            Some(args) => args.unlock(key_file),
            None => Err(Error::KeyEncrypted { path: key_file.to_path_buf(), how: CA_PASSPHRASE_HOW }),
        }
    }

    fn ca_key_not_encrypted(&self, key_file: &Path) {
        // $PKI_CA_PASSPHRASE that encrypts the new CA key (`ca intermediate --encrypt-key`
        // under a plain root) is used after all.
        let env_used_for_new_key = self.new_key_ca_env != CaEnv::No
            && self
                .new_key
                .is_some_and(|a| a.encrypt_key && a.passphrase_file.is_none() && from_env(ENV_NEW).is_none());
        if let Some(args) = self.ca
            && !(env_used_for_new_key && args.ca_passphrase_file.is_none())
        {
            args.not_encrypted(key_file);
        }
    }

    fn key_passphrase(&self, key_file: &Path) -> Result<Passphrase> {
        Err(Error::KeyEncrypted {
            path: key_file.to_path_buf(),
            how: self.existing_key_how.unwrap_or("an unencrypted key"),
        })
    }

    fn new_key_passphrase(&self) -> Result<Option<Passphrase>> {
        match self.new_key {
            Some(args) => args.resolve_for(self.new_key_ca_env),
            None => Ok(None),
        }
    }

    fn token_pin(&self, token: &str) -> Result<Passphrase> {
        match self.token.or(self.ca.map(|c| &c.token)) {
            Some(t) => t.pin(token, true),
            None => Err(TokenError::PinNeeded { token: token.to_string() }.into()),
        }
    }

    fn pkcs11_module(&self) -> Option<std::path::PathBuf> {
        self.token.or(self.ca.map(|c| &c.token)).and_then(|t| t.module())
    }
}

/// An existing key named by `--key`: unlocked with --passphrase-file, else
/// $PKI_PASSPHRASE, else a prompt on a terminal.
impl Unlock for NewKeyArgs {
    fn unlock(&self, key_file: &Path) -> Result<Passphrase> {
        match self.resolve_existing()? {
            Some(p) => Ok(p),
            None => Err(Error::KeyEncrypted {
                path: key_file.to_path_buf(),
                how: "--passphrase-file FILE or set PKI_PASSPHRASE",
            }),
        }
    }
}

/// Environment variable with the token's user PIN.
pub const ENV_PIN: &str = "PKI_PKCS11_PIN";
/// Environment variable with the PKCS#11 module's path.
pub const ENV_MODULE: &str = "PKI_PKCS11_MODULE";

/// `--pin-file` and `--pkcs11-module`: reaching a CA key in a PKCS#11 token.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct TokenArgs {
    /// Read the PKCS#11 token's user PIN from FILE (a CA key in a token)
    ///
    /// One trailing newline is not part of the PIN. Else $PKI_PKCS11_PIN, else a prompt
    /// when stdin is a terminal. Only read when the CA key is in a token. Careful:
    /// repeated wrong PINs lock the token.
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub pin_file: Option<std::path::PathBuf>,

    /// The PKCS#11 module (shared library) of the token holding the CA key
    ///
    /// Else $PKI_PKCS11_MODULE, else the module recorded in the CA directory's ca-key.uri
    /// (module-path), else p11-kit's proxy (/usr/lib/ARCH-linux-gnu/p11-kit-proxy.so).
    #[arg(long, value_name = "PATH", value_hint = clap::ValueHint::FilePath)]
    pub pkcs11_module: Option<std::path::PathBuf>,
}

impl TokenArgs {
    /// The user PIN of `token`: --pin-file, else $PKI_PKCS11_PIN, else a prompt on a
    /// terminal (when `may_prompt`), else [`TokenError::PinNeeded`].
    pub fn pin(&self, token: &str, may_prompt: bool) -> Result<Passphrase> {
        if let Some(path) = &self.pin_file {
            return from_file(path, "--pin-file");
        }
        if let Some(p) = from_env(ENV_PIN) {
            return Ok(p);
        }
        if !may_prompt || !can_prompt() {
            return Err(TokenError::PinNeeded { token: token.to_string() }.into());
        }
        prompt(&format!("User PIN for token '{token}': "))
    }

    /// --pkcs11-module, else $PKI_PKCS11_MODULE.
    pub fn module(&self) -> Option<std::path::PathBuf> {
        let env = std::env::var_os(ENV_MODULE).filter(|v| !v.is_empty()).map(std::path::PathBuf::from);
        self.pkcs11_module.clone().or(env)
    }
}
