//! RFC 7512 `pkcs11:` URIs naming a CA key in a token: the few attributes pki reads,
//! parsed strictly (an attribute pki does not know is an error, not ignored), and written
//! back canonically (the form `ca-key.uri` holds).

use std::path::PathBuf;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use crate::error::{Result, TokenError};

/// What a value may hold unencoded when pki writes a URI: RFC 3986 unreserved characters.
const VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
/// The same, plus '/' for `module-path`.
const PATH_VALUE: &AsciiSet = &VALUE.remove(b'/');

/// A CA key's place in a token: `pkcs11:token=T;object=LABEL[;id=..][;type=private][?module-path=..]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyUri {
    /// The token's label (`token=`).
    pub token: String,
    /// The key's label (`object=`, CKA_LABEL).
    pub object: String,
    /// The key's CKA_ID (`id=`), if the URI names one.
    pub id: Option<Vec<u8>>,
    /// The token's manufacturer (`manufacturer=`).
    pub manufacturer: Option<String>,
    /// The token's serial number (`serial=`).
    pub serial: Option<String>,
    /// The token's model (`model=`).
    pub model: Option<String>,
    /// The PKCS#11 module (`?module-path=`).
    pub module_path: Option<PathBuf>,
}

impl KeyUri {
    /// Parse a URI given by the user or read from `ca-key.uri`.
    pub fn parse(text: &str) -> Result<KeyUri> {
        let bad = |reason: String| TokenError::BadUri { uri: text.to_string(), reason };
        let rest = match text.get(..7) {
            Some(scheme) if scheme.eq_ignore_ascii_case("pkcs11:") => &text[7..],
            _ => return Err(bad("it does not start with 'pkcs11:'".into()).into()),
        };
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (rest, None),
        };
        let mut uri = KeyUri::default();
        let (mut token, mut object, mut kind) = (None, None, None);
        for attr in path.split(';').filter(|a| !a.is_empty()) {
            let (name, raw) = attr.split_once('=').ok_or_else(|| bad(format!("'{attr}' is not NAME=VALUE")))?;
            let value = decode(raw).map_err(|r| bad(format!("{name}: {r}")))?;
            let text_value = || String::from_utf8(value.clone()).map_err(|_| bad(format!("{name} is not UTF-8")));
            let slot = match name {
                "token" => set(&mut token, text_value()?),
                "object" => set(&mut object, text_value()?),
                "id" => set(&mut uri.id, value.clone()),
                "type" => set(&mut kind, text_value()?),
                "manufacturer" => set(&mut uri.manufacturer, text_value()?),
                "serial" => set(&mut uri.serial, text_value()?),
                "model" => set(&mut uri.model, text_value()?),
                "pin-value" | "pin-source" => return Err(TokenError::PinInUri { attribute: name.into() }.into()),
                other => return Err(bad(format!("pki does not read the attribute '{other}'")).into()),
            };
            slot.map_err(|()| bad(format!("{name} is given twice")))?;
        }
        for attr in query.into_iter().flat_map(|q| q.split('&')).filter(|a| !a.is_empty()) {
            let (name, raw) = attr.split_once('=').ok_or_else(|| bad(format!("'{attr}' is not NAME=VALUE")))?;
            let value = decode(raw).map_err(|r| bad(format!("{name}: {r}")))?;
            match name {
                "pin-value" | "pin-source" => return Err(TokenError::PinInUri { attribute: name.into() }.into()),
                "module-path" => {
                    let p = String::from_utf8(value).map_err(|_| bad("module-path is not UTF-8".into()))?;
                    set(&mut uri.module_path, PathBuf::from(p))
                        .map_err(|()| bad("module-path is given twice".into()))?
                }
                other => {
                    return Err(
                        bad(format!("pki does not read the query attribute '{other}' (use module-path)")).into()
                    );
                }
            }
        }
        match kind.as_deref() {
            None | Some("private") => {}
            Some(t) => return Err(bad(format!("type={t}: a CA key is type=private")).into()),
        }
        uri.token =
            token.filter(|t| !t.is_empty()).ok_or_else(|| bad("token= (the token's label) is missing".into()))?;
        uri.object =
            object.filter(|o| !o.is_empty()).ok_or_else(|| bad("object= (the key's label) is missing".into()))?;
        if uri.id.as_ref().is_some_and(Vec::is_empty) {
            return Err(bad("id= is empty".into()).into());
        }
        Ok(uri)
    }

    /// The canonical text: every attribute pki knows, `type=private`, values
    /// percent-encoded (what `ca-key.uri` holds).
    pub fn to_uri_string(&self) -> String {
        let enc = |v: &str| utf8_percent_encode(v, VALUE).to_string();
        let mut out = format!("pkcs11:token={};object={}", enc(&self.token), enc(&self.object));
        for (name, v) in [("manufacturer", &self.manufacturer), ("serial", &self.serial), ("model", &self.model)] {
            if let Some(v) = v {
                out.push_str(&format!(";{name}={}", enc(v)));
            }
        }
        if let Some(id) = &self.id {
            out.push_str(";id=");
            id.iter().for_each(|b| out.push_str(&format!("%{b:02x}")));
        }
        out.push_str(";type=private");
        if let Some(m) = &self.module_path {
            let m = m.to_string_lossy();
            out.push_str(&format!("?module-path={}", utf8_percent_encode(&m, PATH_VALUE)));
        }
        out
    }
}

impl std::fmt::Display for KeyUri {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_uri_string())
    }
}

/// Set an attribute once: `Err(())` when it was set already.
fn set<T>(slot: &mut Option<T>, value: T) -> std::result::Result<(), ()> {
    match slot.replace(value) {
        None => Ok(()),
        Some(_) => Err(()),
    }
}

/// Percent-decode a value, refusing a '%' not followed by two hex digits.
fn decode(raw: &str) -> std::result::Result<Vec<u8>, String> {
    let b = raw.as_bytes();
    for (i, _) in raw.match_indices('%') {
        if !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit) && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit)) {
            return Err("'%' must be followed by two hex digits".into());
        }
    }
    if let Some(c) = raw.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("{c:?} must be percent-encoded"));
    }
    Ok(percent_decode_str(raw).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn reason(text: &str) -> String {
        match KeyUri::parse(text) {
            Err(Error::Token(t)) => t.to_string(),
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn parses_and_writes_back() {
        let u = KeyUri::parse("pkcs11:token=my%20ca;object=root;id=%01%ff?module-path=/usr/lib/softhsm/libsofthsm2.so")
            .unwrap();
        assert_eq!((u.token.as_str(), u.object.as_str()), ("my ca", "root"));
        assert_eq!(u.id.as_deref(), Some(&[1u8, 0xff][..]));
        assert_eq!(u.module_path.as_deref(), Some(std::path::Path::new("/usr/lib/softhsm/libsofthsm2.so")));
        let text = u.to_uri_string();
        assert_eq!(
            text,
            "pkcs11:token=my%20ca;object=root;id=%01%ff;type=private?module-path=/usr/lib/softhsm/libsofthsm2.so"
        );
        assert_eq!(KeyUri::parse(&text).unwrap(), u);
        let odd = KeyUri { token: "a;b?c".into(), object: "x%y=z".into(), ..Default::default() };
        assert_eq!(KeyUri::parse(&odd.to_uri_string()).unwrap(), odd);
    }

    #[test]
    fn refuses_what_it_does_not_read() {
        assert!(reason("pkcs11:token=t;object=o;pin-value=1234").contains("holds a PIN ('pin-value')"));
        assert!(reason("pkcs11:token=t;object=o?pin-source=file:/p").contains("pin-source"));
        assert!(reason("pkcs11:object=o").contains("token= (the token's label) is missing"));
        assert!(reason("pkcs11:token=t").contains("object= (the key's label) is missing"));
        assert!(reason("pkcs11:token=t;object=o;type=cert").contains("type=cert"));
        assert!(reason("pkcs11:token=t;object=o;slot-id=1").contains("'slot-id'"));
        assert!(reason("pkcs11:token=t;object=o;token=u").contains("given twice"));
        assert!(reason("pkcs11:token=t;object=%zz").contains("two hex digits"));
        assert!(reason("pkcs11:token=t;object=a b").contains("percent-encoded"));
        assert!(reason("https://x").contains("does not start with 'pkcs11:'"));
        assert!(reason("pkcs11:token=t;object=o?module-name=softhsm2").contains("module-name"));
    }
}
