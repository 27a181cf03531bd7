//! Why a CA key in a PKCS#11 token cannot be used: the reason inside [`super::Error::Token`].

use std::fmt;
use std::path::PathBuf;

/// What went wrong with a PKCS#11 module, token or key object.
#[derive(Debug)]
pub enum TokenError {
    /// A `pkcs11:` URI that is not one pki reads.
    BadUri {
        /// The URI as given.
        uri: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A URI that carries a PIN (`pin-value`, `pin-source`): never stored, never taken.
    PinInUri {
        /// The attribute found.
        attribute: String,
    },
    /// The module (shared library) cannot be loaded or initialised.
    Module {
        /// Its path.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// No token with that label in the module's slots.
    NoToken {
        /// The label asked for.
        token: String,
        /// The module.
        module: PathBuf,
        /// The labels of the tokens that are there.
        present: Vec<String>,
    },
    /// The user PIN is needed and there is no source for it.
    PinNeeded {
        /// The token's label.
        token: String,
    },
    /// The token refused the PIN (CKR_PIN_INCORRECT).
    PinIncorrect {
        /// The token's label.
        token: String,
    },
    /// The token's user PIN is locked (CKR_PIN_LOCKED).
    PinLocked {
        /// The token's label.
        token: String,
    },
    /// No private key (or its public key) with that label/id in the token.
    NoObject {
        /// The token's label.
        token: String,
        /// What was looked for: "private key labelled 'root'".
        what: String,
    },
    /// More than one key matches: the URI must say which (`id=`).
    Ambiguous {
        /// The token's label.
        token: String,
        /// The label.
        label: String,
        /// How many private keys carry it.
        count: usize,
    },
    /// A key with that label is already in the token (`ca init` without `--force`).
    LabelExists {
        /// The token's label.
        token: String,
        /// The label.
        label: String,
    },
    /// The token cannot make or use this kind of key.
    Unsupported {
        /// The token's label.
        token: String,
        /// What it lacks, e.g. "Ed25519 keys (CKM_EC_EDWARDS_KEY_PAIR_GEN)".
        what: String,
    },
    /// The token's key is not the one the CA certificate certifies.
    KeyMismatch {
        /// The key's URI.
        uri: String,
        /// The certificate file.
        cert: PathBuf,
    },
    /// Another PKCS#11 failure.
    Failed {
        /// What pki was doing: "signing", "finding the key", ...
        what: &'static str,
        /// The token's label (or the module, before a token is chosen).
        token: String,
        /// The module's answer (e.g. "CKR_DEVICE_ERROR").
        reason: String,
        /// Whether asking again may work (CKR_GENERAL_ERROR, CKR_DEVICE_ERROR).
        transient: bool,
    },
}

impl TokenError {
    /// Whether the token may answer otherwise if asked again a moment later.
    pub fn is_transient(&self) -> bool {
        matches!(self, TokenError::Failed { transient: true, .. })
    }

    /// What the user can do about it.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            TokenError::BadUri { .. } => {
                "write it as 'pkcs11:token=TOKEN;object=LABEL' (RFC 7512; percent-encode ';', '?', '%' and spaces)"
                    .into()
            }
            TokenError::PinInUri { .. } => {
                "remove it from the URI: pass --pin-file FILE or set PKI_PKCS11_PIN (a PIN is never stored)".into()
            }
            TokenError::Module { .. } => "pass --pkcs11-module PATH or set PKI_PKCS11_MODULE to the token's PKCS#11 \
library (SoftHSM: /usr/lib/softhsm/libsofthsm2.so, apt-get install softhsm2)"
                .into(),
            TokenError::NoToken { .. } => {
                "check token= in the URI and the module ('pkcs11-tool --module MODULE -L' lists the tokens)".into()
            }
            TokenError::PinNeeded { .. } => {
                "pass --pin-file FILE or set PKI_PKCS11_PIN (there is no terminal to prompt on)".into()
            }
            TokenError::PinIncorrect { .. } => "check the PIN in --pin-file or PKI_PKCS11_PIN; careful: repeated \
wrong PINs lock the token"
                .into(),
            TokenError::PinLocked { .. } => {
                "the token's security officer must unlock it (softhsm2-util/pkcs11-tool --init-pin)".into()
            }
            TokenError::NoObject { .. } => "check object= and id= in the URI ('pkcs11-tool --module MODULE --login \
-O' lists the keys); a token key is never created by commands that only sign"
                .into(),
            TokenError::Ambiguous { .. } => "add id= to the URI to say which key ('pkcs11-tool --login -O' shows each \
key's ID)"
                .into(),
            TokenError::LabelExists { .. } => "choose another object= label, or pass --force: the old key is kept \
and relabelled LABEL.retired-TIMESTAMP"
                .into(),
            TokenError::Unsupported { .. } => "choose another --key-type (ecdsa-p256, ecdsa-p384 or rsa-2048 work on \
most tokens)"
                .into(),
            TokenError::KeyMismatch { .. } => "the CA directory points at another key: check ca-key.uri".into(),
            TokenError::Failed { .. } => return None,
        })
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenError::BadUri { uri, reason } => write!(f, "invalid PKCS#11 URI '{uri}': {reason}"),
            TokenError::PinInUri { attribute } => {
                write!(f, "the PKCS#11 URI holds a PIN ('{attribute}'); pki never takes a PIN from a URI")
            }
            TokenError::Module { path, reason } => {
                write!(f, "cannot load the PKCS#11 module '{}': {reason}", path.display())
            }
            TokenError::NoToken { token, module, present } => {
                write!(f, "no PKCS#11 token labelled '{token}' in module '{}'", module.display())?;
                match present.is_empty() {
                    true => write!(f, " (it has no token)"),
                    false => write!(f, " (tokens there: '{}')", present.join("', '")),
                }
            }
            TokenError::PinNeeded { token } => {
                write!(f, "token '{token}' needs its user PIN and none was given")
            }
            TokenError::PinIncorrect { token } => {
                write!(f, "token '{token}' refused the PIN (CKR_PIN_INCORRECT)")
            }
            TokenError::PinLocked { token } => write!(f, "token '{token}': the user PIN is locked (CKR_PIN_LOCKED)"),
            TokenError::NoObject { token, what } => write!(f, "no {what} in token '{token}'"),
            TokenError::Ambiguous { token, label, count } => {
                write!(f, "{count} private keys are labelled '{label}' in token '{token}'")
            }
            TokenError::LabelExists { token, label } => {
                write!(f, "a key labelled '{label}' is already in token '{token}'; nothing was written")
            }
            TokenError::Unsupported { token, what } => write!(f, "token '{token}' does not support {what}"),
            TokenError::KeyMismatch { uri, cert } => {
                write!(f, "the token key '{uri}' does not belong to the certificate '{}'", cert.display())
            }
            TokenError::Failed { what, token, reason, .. } => write!(f, "PKCS#11 {what} failed on '{token}': {reason}"),
        }
    }
}

impl From<TokenError> for super::Error {
    fn from(e: TokenError) -> Self {
        super::Error::Token(Box::new(e))
    }
}
