//! Making a CA key inside a token (`ca init --key-uri`, `ca intermediate --key-uri`): a
//! token key pair whose private half is sensitive, never extractable and signs only (no
//! decrypt, unwrap or derive), one label and a
//! fresh CKA_ID on both halves. A label already in the token is refused, or with `force`
//! the objects that carry it are relabelled `LABEL.retired-TIMESTAMP`: a CA key is never
//! destroyed.

use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, ObjectClass};
use time::OffsetDateTime;

use super::pkcs11::{Kind, TokenKey, failed, open_session, unsupported};
use super::uri::KeyUri;
use crate::error::{Result, TokenError};
use crate::keys::{KeyType, Unlock};

/// A key just made in a token.
pub struct Generated {
    /// The key, ready to sign.
    pub key: TokenKey,
    /// Its URI as the CA directory records it: with its id and the module used.
    pub uri: KeyUri,
    /// The label the objects that had the wanted label now carry (with `force`).
    pub relabelled: Option<String>,
}

/// Generate a `key_type` key pair in the token `uri` names, labelled `uri.object`.
pub fn generate(
    uri: &KeyUri,
    key_type: KeyType,
    unlock: &dyn Unlock,
    force: bool,
    now: OffsetDateTime,
) -> Result<Generated> {
    let opened = open_session(uri, unlock)?;
    let token = opened.token.clone();
    let (kind, mechanism) = match key_type {
        KeyType::EcdsaP256 => (Kind::P256, Mechanism::EccKeyPairGen),
        KeyType::EcdsaP384 => (Kind::P384, Mechanism::EccKeyPairGen),
        KeyType::Ed25519 => (Kind::Ed25519, Mechanism::EccEdwardsKeyPairGen),
        KeyType::Rsa2048 | KeyType::Rsa3072 | KeyType::Rsa4096 => (Kind::Rsa, Mechanism::RsaPkcsKeyPairGen),
    };
    let mechanisms = opened.ctx.get_mechanism_list(opened.slot).map_err(|e| failed("listing mechanisms", &token, e))?;
    if !mechanisms.contains(&mechanism.mechanism_type()) {
        return Err(unsupported(&token, &format!("{key_type} keys ({})", mechanism.mechanism_type())));
    }

    let session = &opened.session;
    let label = Attribute::Label(uri.object.clone().into_bytes());
    let same_label =
        session.find_objects(std::slice::from_ref(&label)).map_err(|e| failed("finding keys", &token, e))?;
    let relabelled = match (same_label.is_empty(), force) {
        (true, _) => None,
        (false, false) => return Err(TokenError::LabelExists { token, label: uri.object.clone() }.into()),
        (false, true) => {
            let stamp = now
                .format(time::macros::format_description!("[year][month][day]T[hour][minute][second]Z"))
                .map_err(|e| crate::error::Error::crypto("formatting the time", e))?;
            let new = format!("{}.retired-{stamp}", uri.object);
            for object in same_label {
                session
                    .update_attributes(object, &[Attribute::Label(new.clone().into_bytes())])
                    .map_err(|e| failed("relabelling the old key", &token, e))?;
            }
            Some(new)
        }
    };

    let id = match &uri.id {
        Some(id) => id.clone(),
        None => {
            let mut id = vec![0u8; 16];
            crate::keys::fill_random(&mut id)?;
            id
        }
    };
    let mut public = vec![
        Attribute::Class(ObjectClass::PUBLIC_KEY),
        Attribute::Token(true),
        Attribute::Private(false),
        Attribute::Verify(true),
        Attribute::Encrypt(false),
        Attribute::Wrap(false),
        label.clone(),
        Attribute::Id(id.clone()),
    ];
    match kind.ec_params() {
        Some(params) => public.push(Attribute::EcParams(params)),
        None => {
            let bits: u64 = match key_type {
                KeyType::Rsa3072 => 3072,
                KeyType::Rsa4096 => 4096,
                _ => 2048,
            };
            public.push(Attribute::ModulusBits(bits.into()));
            public.push(Attribute::PublicExponent(vec![0x01, 0x00, 0x01]));
        }
    }
    let private = [
        Attribute::Class(ObjectClass::PRIVATE_KEY),
        Attribute::Token(true),
        Attribute::Private(true),
        Attribute::Sensitive(true),
        Attribute::Extractable(false),
        Attribute::Sign(true),
        Attribute::Decrypt(false),
        Attribute::Unwrap(false),
        Attribute::Derive(false),
        label,
        Attribute::Id(id.clone()),
    ];
    let (pub_handle, priv_handle) = session
        .generate_key_pair(&mechanism, &public, &private)
        .map_err(|e| failed("generating the key", &token, e))?;
    let stored = KeyUri { id: Some(id), module_path: Some(opened.module.clone()), ..uri.clone() };
    let key = TokenKey::from_handles(opened, priv_handle, pub_handle)?;
    Ok(Generated { key, uri: stored, relabelled })
}
