//! A CA key in a PKCS#11 token ([`TokenKey`]), through `cryptoki`: the module is loaded
//! and initialised once per process, the token found by its URI, the user logged in once
//! (the PIN asked through [`Unlock::token_pin`] only when the token is not logged in yet),
//! and every signature made inside the token. ECDSA comes back from the token as raw
//! r||s and is encoded here as the DER ECDSA-Sig-Value that X.509 carries.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::Mechanism;
use cryptoki::mechanism::eddsa::{EddsaParams, EddsaSignatureScheme};
use cryptoki::object::{Attribute, AttributeType, KeyType as CkKeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, SessionState, UserType};
use cryptoki::slot::Slot;
use der::{Decode, Encode};
use rcgen::SignatureAlgorithm;

use super::CaKey;
use super::uri::KeyUri;
use crate::error::{Error, Result, TokenError};
use crate::keys::Unlock;

/// The curves pki keeps in a token, by their CKA_EC_PARAMS (a DER OID).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// ECDSA P-256 with SHA-256.
    P256,
    /// ECDSA P-384 with SHA-384.
    P384,
    /// Ed25519 (pure EdDSA).
    Ed25519,
    /// RSA, PKCS#1 v1.5 with SHA-256.
    Rsa,
}

impl Kind {
    /// CKA_EC_PARAMS: the curve's OID, DER.
    pub(super) fn ec_params(self) -> Option<Vec<u8>> {
        let oid = match self {
            Kind::P256 => "1.2.840.10045.3.1.7",
            Kind::P384 => "1.3.132.0.34",
            Kind::Ed25519 => "1.3.101.112",
            Kind::Rsa => return None,
        };
        der::asn1::ObjectIdentifier::new(oid).ok()?.to_der().ok()
    }

    fn algorithm(self) -> &'static SignatureAlgorithm {
        match self {
            Kind::P256 => &rcgen::PKCS_ECDSA_P256_SHA256,
            Kind::P384 => &rcgen::PKCS_ECDSA_P384_SHA384,
            Kind::Ed25519 => &rcgen::PKCS_ED25519,
            Kind::Rsa => &rcgen::PKCS_RSA_SHA256,
        }
    }

    /// The raw public key's length for an EC kind (an uncompressed point; 32 for Ed25519).
    fn point_len(self) -> usize {
        match self {
            Kind::P256 => 65,
            Kind::P384 => 97,
            Kind::Ed25519 => 32,
            Kind::Rsa => 0,
        }
    }
}

/// A CA key that lives in a PKCS#11 token: it signs there and never leaves it.
pub struct TokenKey {
    /// The logged-in session (PKCS#11 sessions are not for two threads at once).
    session: Mutex<Session>,
    key: ObjectHandle,
    kind: Kind,
    public: Vec<u8>,
    token: String,
}

/// A session on the token a URI names, logged in as the user.
pub(super) struct Opened {
    pub(super) session: Session,
    pub(super) token: String,
    pub(super) module: PathBuf,
    pub(super) ctx: Pkcs11,
    pub(super) slot: Slot,
}

/// The module to use: `unlock`'s (a flag, a variable), else the URI's `module-path`, else
/// p11-kit's proxy, which reaches every module the system has registered.
pub fn module_for(uri: &KeyUri, unlock: &dyn Unlock) -> PathBuf {
    unlock.pkcs11_module().or_else(|| uri.module_path.clone()).unwrap_or_else(proxy_module)
}

/// p11-kit's proxy module where Debian puts it for this architecture.
fn proxy_module() -> PathBuf {
    PathBuf::from(format!("/usr/lib/{}-linux-gnu/p11-kit-proxy.so", std::env::consts::ARCH))
}

/// The module at `path`, loaded and initialised once per process.
fn context(path: &Path) -> Result<Pkcs11> {
    static LOADED: OnceLock<Mutex<HashMap<PathBuf, Pkcs11>>> = OnceLock::new();
    let mut loaded = LOADED.get_or_init(Default::default).lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(ctx) = loaded.get(path) {
        return Ok(ctx.clone());
    }
    let fail = |reason: String| Error::from(TokenError::Module { path: path.to_path_buf(), reason });
    if !path.is_file() {
        return Err(fail("no such file".into()));
    }
    let ctx = Pkcs11::new(path).map_err(|e| fail(e.to_string()))?;
    match ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) | Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(e) => return Err(fail(format!("C_Initialize: {e}"))),
    }
    loaded.insert(path.to_path_buf(), ctx.clone());
    Ok(ctx)
}

/// A PKCS#11 failure as the user should see it: a wrong or locked PIN by name.
pub(super) fn failed(what: &'static str, token: &str, e: CkError) -> Error {
    let token = token.to_string();
    match e {
        CkError::Pkcs11(RvError::PinIncorrect | RvError::PinLenRange | RvError::PinInvalid, _) => {
            TokenError::PinIncorrect { token }.into()
        }
        CkError::Pkcs11(RvError::PinLocked, _) => TokenError::PinLocked { token }.into(),
        e => {
            let transient = matches!(e, CkError::Pkcs11(RvError::GeneralError | RvError::DeviceError, _));
            TokenError::Failed { what, token, reason: e.to_string(), transient }.into()
        }
    }
}

/// Open a read-write session on the token `uri` names and log the user in (asking
/// `unlock` for the PIN unless the token is logged in already in this process).
///
/// A token that answers CKR_GENERAL_ERROR or CKR_DEVICE_ERROR while opening is asked again
/// a few times, a little later each time (half a second in all). Any other error, and the
/// last retry's, is the user's. (Processes of one CA directory open its token one at a
/// time: see `store::lock::TokenLock`.)
pub(super) fn open_session(uri: &KeyUri, unlock: &dyn Unlock) -> Result<Opened> {
    const RETRIES: u32 = 5;
    let mut attempt = 0;
    loop {
        match try_open_session(uri, unlock) {
            Err(Error::Token(t)) if attempt < RETRIES && t.is_transient() => {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(8 << attempt));
            }
            other => return other,
        }
    }
}

/// One try of [`open_session`].
fn try_open_session(uri: &KeyUri, unlock: &dyn Unlock) -> Result<Opened> {
    let module = module_for(uri, unlock);
    let ctx = context(&module)?;
    let mod_name = module.display().to_string();
    let slots = ctx.get_slots_with_token().map_err(|e| failed("listing the slots", &mod_name, e))?;
    let mut present = Vec::new();
    let mut found = None;
    for slot in slots {
        let info = ctx.get_token_info(slot).map_err(|e| failed("reading a token", &mod_name, e))?;
        let label = info.label().trim_end().to_string();
        let matches = label == uri.token
            && uri.manufacturer.as_deref().is_none_or(|m| m == info.manufacturer_id().trim_end())
            && uri.serial.as_deref().is_none_or(|s| s == info.serial_number().trim_end())
            && uri.model.as_deref().is_none_or(|m| m == info.model().trim_end());
        if matches && found.is_none() {
            found = Some(slot);
        }
        present.push(label);
    }
    let Some(slot) = found else {
        return Err(TokenError::NoToken { token: uri.token.clone(), module, present }.into());
    };
    let token = uri.token.clone();
    let session = ctx.open_rw_session(slot).map_err(|e| failed("opening a session", &token, e))?;
    let state = session.get_session_info().map_err(|e| failed("reading the session", &token, e))?.session_state();
    if !matches!(state, SessionState::RwUser | SessionState::RoUser) {
        let pin = unlock.token_pin(&token)?;
        let pin = cryptoki::types::AuthPin::from(pin.as_str());
        match session.login(UserType::User, Some(&pin)) {
            Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
            Err(e) => return Err(failed("logging in", &token, e)),
        }
    }
    Ok(Opened { session, token, module, ctx, slot })
}

impl TokenKey {
    /// The key `uri` names, opened for signing: its private key (by label, and id when
    /// given) and the matching public key.
    pub fn open(uri: &KeyUri, unlock: &dyn Unlock) -> Result<TokenKey> {
        let opened = open_session(uri, unlock)?;
        let mut template =
            vec![Attribute::Class(ObjectClass::PRIVATE_KEY), Attribute::Label(uri.object.clone().into())];
        if let Some(id) = &uri.id {
            template.push(Attribute::Id(id.clone()));
        }
        let token = opened.token.clone();
        let keys = opened.session.find_objects(&template).map_err(|e| failed("finding the key", &token, e))?;
        let what = |k: &str| match &uri.id {
            Some(_) => format!("{k} labelled '{}' with the URI's id", uri.object),
            None => format!("{k} labelled '{}'", uri.object),
        };
        let private = match keys[..] {
            [k] => k,
            [] => return Err(TokenError::NoObject { token, what: what("private key") }.into()),
            _ => return Err(TokenError::Ambiguous { token, label: uri.object.clone(), count: keys.len() }.into()),
        };
        let id = match &uri.id {
            Some(id) => id.clone(),
            None => match get(&opened.session, private, AttributeType::Id, &token)? {
                Attribute::Id(id) => id,
                _ => Vec::new(),
            },
        };
        let template = [Attribute::Class(ObjectClass::PUBLIC_KEY), Attribute::Id(id)];
        let public = opened.session.find_objects(&template).map_err(|e| failed("finding the public key", &token, e))?;
        let Some(&public) = public.first() else {
            return Err(TokenError::NoObject { token, what: what("public key beside the private key") }.into());
        };
        TokenKey::from_handles(opened, private, public)
    }

    /// A key from its handles in an open session.
    pub(super) fn from_handles(opened: Opened, private: ObjectHandle, public: ObjectHandle) -> Result<TokenKey> {
        let Opened { session, token, .. } = opened;
        let kind = match get(&session, private, AttributeType::KeyType, &token)? {
            Attribute::KeyType(t) if t == CkKeyType::RSA => Kind::Rsa,
            Attribute::KeyType(t) if t == CkKeyType::EC || t == CkKeyType::EC_EDWARDS => {
                let params = match get(&session, public, AttributeType::EcParams, &token)? {
                    Attribute::EcParams(p) => p,
                    _ => Vec::new(),
                };
                [Kind::P256, Kind::P384, Kind::Ed25519]
                    .into_iter()
                    .find(|k| k.ec_params().as_deref() == Some(&params[..]) || edwards_name(*k, &params))
                    .ok_or_else(|| unsupported(&token, "this key's curve (pki signs with P-256, P-384, Ed25519)"))?
            }
            _ => return Err(unsupported(&token, "this key's type (pki signs with ECDSA, Ed25519 and RSA)")),
        };
        let public = public_key(&session, public, kind, &token)?;
        Ok(TokenKey { session: Mutex::new(session), key: private, kind, public, token })
    }
}

/// Whether `params` name the curve Ed25519 by its PrintableString name (PKCS#11 3.0).
fn edwards_name(kind: Kind, params: &[u8]) -> bool {
    kind == Kind::Ed25519 && der::asn1::PrintableStringRef::from_der(params).is_ok_and(|s| s.as_str() == "edwards25519")
}

pub(super) fn unsupported(token: &str, what: &str) -> Error {
    TokenError::Unsupported { token: token.to_string(), what: what.to_string() }.into()
}

/// One attribute of an object.
fn get(session: &Session, object: ObjectHandle, which: AttributeType, token: &str) -> Result<Attribute> {
    let mut attrs = session.get_attributes(object, &[which]).map_err(|e| failed("reading the key", token, e))?;
    attrs.pop().ok_or_else(|| failed("reading the key", token, CkError::NotSupported))
}

/// The raw subjectPublicKey bits of a public key object: the EC point out of its OCTET
/// STRING, or the RSAPublicKey (PKCS#1) of its modulus and exponent.
fn public_key(session: &Session, public: ObjectHandle, kind: Kind, token: &str) -> Result<Vec<u8>> {
    if kind == Kind::Rsa {
        let attrs = session
            .get_attributes(public, &[AttributeType::Modulus, AttributeType::PublicExponent])
            .map_err(|e| failed("reading the public key", token, e))?;
        let (mut n, mut e) = (Vec::new(), Vec::new());
        for a in attrs {
            match a {
                Attribute::Modulus(v) => n = v,
                Attribute::PublicExponent(v) => e = v,
                _ => {}
            }
        }
        let key = pkcs1::RsaPublicKey {
            modulus: pkcs1::UintRef::new(&n).map_err(|e| Error::crypto("encoding the token's RSA key", e))?,
            public_exponent: pkcs1::UintRef::new(&e).map_err(|e| Error::crypto("encoding the token's RSA key", e))?,
        };
        return pkcs1::der::Encode::to_der(&key).map_err(|e| Error::crypto("encoding the token's RSA key", e));
    }
    let point = match get(session, public, AttributeType::EcPoint, token)? {
        Attribute::EcPoint(p) => p,
        _ => Vec::new(),
    };
    // CKA_EC_POINT is DER OCTET STRING (PKCS#11); a few tokens give the bare point.
    let raw = match der::asn1::OctetString::from_der(&point) {
        Ok(o) if o.as_bytes().len() == kind.point_len() => o.as_bytes().to_vec(),
        _ if point.len() == kind.point_len() => point,
        _ => {
            let why = format!("CKA_EC_POINT ({} bytes) is not a {kind:?} point", point.len());
            return Err(Error::crypto("reading the token's public key", why));
        }
    };
    Ok(raw)
}

/// ECDSA-Sig-Value (RFC 3279): what an X.509 signature holds for ECDSA.
#[derive(der::Sequence)]
struct EcdsaSigValue<'a> {
    r: der::asn1::UintRef<'a>,
    s: der::asn1::UintRef<'a>,
}

impl CaKey for TokenKey {
    fn algorithm(&self) -> &'static SignatureAlgorithm {
        self.kind.algorithm()
    }

    fn public_key_raw(&self) -> &[u8] {
        &self.public
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        use aws_lc_rs::digest::{SHA256, SHA384, digest};
        let session = self.session.lock().unwrap_or_else(PoisonError::into_inner);
        let sign =
            |m: &Mechanism, data: &[u8]| session.sign(m, self.key, data).map_err(|e| failed("signing", &self.token, e));
        let (raw, half) = match self.kind {
            Kind::Rsa => return sign(&Mechanism::Sha256RsaPkcs, message),
            Kind::Ed25519 => return sign(&Mechanism::Eddsa(EddsaParams::new(EddsaSignatureScheme::Pure)), message),
            Kind::P256 => (sign(&Mechanism::Ecdsa, digest(&SHA256, message).as_ref())?, 32),
            Kind::P384 => (sign(&Mechanism::Ecdsa, digest(&SHA384, message).as_ref())?, 48),
        };
        if raw.len() != 2 * half {
            return Err(Error::crypto("signing in the token", format!("an ECDSA signature of {} bytes", raw.len())));
        }
        let (r, s) = raw.split_at(half);
        let sig = EcdsaSigValue {
            r: der::asn1::UintRef::new(r).map_err(|e| Error::crypto("encoding the signature", e))?,
            s: der::asn1::UintRef::new(s).map_err(|e| Error::crypto("encoding the signature", e))?,
        };
        sig.to_der().map_err(|e| Error::crypto("encoding the signature", e))
    }
}
