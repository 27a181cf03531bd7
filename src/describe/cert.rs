//! Describing a certificate: every field `inspect` shows, and the warnings a person
//! should see (no SAN, SHA-1, too long for Apple, weak keys, broken extensions).

use serde::Serialize;
use time::OffsetDateTime;
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::{FromDer, X509Certificate};

use super::key::{PublicKeyInfo, public_key_info};
use crate::validity::rfc3339;
use crate::x509text::dn;
use crate::x509text::{SanLists, extended_key_usages, is_weak_signature, key_usages, signature_algorithm};

/// A certificate, described. The serialised fields are the contract's `--json` keys
/// (plus `index`, `version`, key identifiers and `warnings`).
#[derive(Debug, Clone, Serialize)]
pub struct CertDescription {
    /// Always `certificate`.
    pub kind: &'static str,
    /// The file it came from (`-` for stdin).
    pub source: String,
    /// Its position in the file, from 1.
    pub index: usize,
    /// Subject, RFC 4514-style.
    pub subject: String,
    /// Issuer.
    pub issuer: String,
    /// Serial, lowercase hex.
    pub serial: String,
    /// notBefore, RFC 3339.
    pub not_before: String,
    /// notAfter, RFC 3339.
    pub not_after: String,
    /// DNS SANs.
    pub dns_names: Vec<String>,
    /// IP SANs.
    pub ip_addresses: Vec<String>,
    /// Email SANs.
    pub emails: Vec<String>,
    /// URI SANs.
    pub uris: Vec<String>,
    /// basicConstraints cA.
    pub is_ca: bool,
    /// pathLenConstraint, null when absent.
    pub path_len: Option<u32>,
    /// Key usage names.
    pub key_usage: Vec<String>,
    /// Extended key usage names.
    pub extended_key_usage: Vec<String>,
    /// Public key algorithm and size.
    pub public_key: PublicKeyInfo,
    /// Signature algorithm.
    pub signature_algorithm: String,
    /// SHA-256 of the DER, lowercase hex.
    pub fingerprint_sha256: String,
    /// Issuer == subject and the signature verifies with its own key.
    pub self_signed: bool,
    /// X.509 version (1 or 3).
    pub version: u32,
    /// Subject key identifier, hex.
    pub subject_key_id: Option<String>,
    /// Authority key identifier's keyIdentifier, hex.
    pub authority_key_id: Option<String>,
    /// nameConstraints (a CA's): permitted and excluded subtrees, typed; absent without it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_constraints: Option<crate::constraints::NameConstraints>,
    /// Other SAN kinds (directoryName, otherName, ...).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_names: Vec<String>,
    /// What a person should know.
    pub warnings: Vec<String>,
    /// Which extensions are critical, by name, for the human rendering.
    #[serde(skip)]
    pub critical: Vec<&'static str>,
    /// notBefore as a time.
    #[serde(skip)]
    pub not_before_t: OffsetDateTime,
    /// notAfter as a time.
    #[serde(skip)]
    pub not_after_t: OffsetDateTime,
    /// The subjectPublicKey bytes, for key matching.
    #[serde(skip)]
    pub public_key_bits: Vec<u8>,
}

/// Apple's limit on TLS server certificate validity (support.apple.com/HT210176).
const APPLE_MAX_DAYS: i64 = crate::validity::APPLE_MAX_DAYS;

/// Describe a DER certificate. The error is a sentence for the user.
pub fn describe(der: &[u8], source: &str, index: usize) -> Result<CertDescription, super::Unreadable> {
    let (rest, cert) =
        X509Certificate::from_der(der).map_err(|e| super::Unreadable::der("an X.509 certificate", &e))?;
    let mut warnings = Vec::new();
    if !rest.is_empty() {
        warnings.push(format!("{} bytes of trailing data after the certificate", rest.len()));
    }
    let mut critical = Vec::new();
    let mut sans = SanLists::default();
    let mut is_ca = false;
    let mut path_len = None;
    let mut ku = Vec::new();
    let mut eku = Vec::new();
    let mut ski = None;
    let mut aki = None;
    let mut name_constraints = None;
    let mut seen = std::collections::HashSet::new();
    for ext in cert.extensions() {
        let oid = ext.oid.to_id_string();
        if !seen.insert(oid.clone()) {
            warnings
                .push(format!("duplicate extension {oid}: RFC 5280 forbids it and validators reject the certificate"));
        }
        let name = match ext.parsed_extension() {
            ParsedExtension::SubjectAlternativeName(s) => {
                sans = SanLists::from_names(&s.general_names);
                "subjectAltName"
            }
            ParsedExtension::BasicConstraints(bc) => {
                is_ca = bc.ca;
                path_len = bc.path_len_constraint;
                "basicConstraints"
            }
            ParsedExtension::KeyUsage(k) => {
                ku = key_usages(k);
                "keyUsage"
            }
            ParsedExtension::ExtendedKeyUsage(e) => {
                eku = extended_key_usages(e);
                "extendedKeyUsage"
            }
            ParsedExtension::SubjectKeyIdentifier(k) => {
                ski = Some(crate::hex(k.0));
                "subjectKeyIdentifier"
            }
            ParsedExtension::AuthorityKeyIdentifier(a) => {
                aki = a.key_identifier.as_ref().map(|k| crate::hex(k.0));
                "authorityKeyIdentifier"
            }
            ParsedExtension::NameConstraints(nc) => {
                name_constraints = Some(crate::constraints::NameConstraints::from_parsed(nc));
                "nameConstraints"
            }
            ParsedExtension::ParseError { error } => {
                warnings.push(format!("extension {oid} could not be parsed ({error}): validators will reject it"));
                "unparsed"
            }
            ParsedExtension::UnsupportedExtension { .. } => {
                if ext.critical {
                    warnings.push(format!(
                        "unknown critical extension {oid}: validators that do not know it must reject the certificate"
                    ));
                }
                "other"
            }
            _ => "other",
        };
        if ext.critical && name != "other" && name != "unparsed" {
            critical.push(name);
        }
    }

    let raw_serial = cert.raw_serial();
    if raw_serial.first().is_some_and(|b| b & 0x80 != 0) {
        warnings.push("negative serial number: RFC 5280 requires a positive one".into());
    } else if raw_serial.iter().all(|b| *b == 0) {
        warnings.push("serial number zero: RFC 5280 requires a positive one".into());
    }
    let serial_len = raw_serial.len() - usize::from(raw_serial.len() > 1 && raw_serial[0] == 0);
    if serial_len > 20 {
        warnings.push(format!("serial number of {serial_len} octets: RFC 5280 allows at most 20"));
    }
    if let Err(webpki::Error::BadDer | webpki::Error::TrailingData(_)) =
        webpki::EndEntityCert::try_from(&rustls_pki_types::CertificateDer::from(der))
    {
        warnings.push("not strict DER (BER or non-minimal lengths): rustls and other strict clients reject it".into());
    }
    let version = cert.version().0 + 1;
    let sig = signature_algorithm(&cert.signature_algorithm.algorithm);
    let public_key = public_key_info(cert.public_key());
    let not_before_t = cert.validity().not_before.to_datetime();
    let not_after_t = cert.validity().not_after.to_datetime();
    let self_issued = cert.subject().as_raw() == cert.issuer().as_raw();
    // As openssl's X509_self_signed(cert, 0): the certificate names itself as its issuer
    // and its key identifiers agree. The signature is not checked here (that costs a public
    // key operation per certificate, most of `inspect`'s time on a CA bundle); `pki verify`
    // and `pki bundle` check signatures.
    let self_signed = self_issued && {
        let ids = (key_id(&cert, true), key_id(&cert, false));
        match ids {
            (Some(ski), Some(aki)) => ski == aki,
            _ => true,
        }
    };

    strict_warnings(&cert, &mut warnings);
    if version < 3 {
        warnings.push(format!(
            "X.509 v{version}: no extensions, so modern validators will not accept it as a CA or a TLS leaf"
        ));
    }
    if let Some(h) = is_weak_signature(&sig) {
        warnings.push(format!("{h} signature: rejected by every modern TLS client"));
    }
    if let (Some(bits), "rsa") = (public_key.bits, public_key.algorithm.as_str())
        && bits < 2048
    {
        warnings.push(format!("RSA-{bits} key: too weak; modern clients require at least 2048 bits"));
    }
    if !is_ca {
        if sans.is_empty() {
            warnings.push("no SAN: modern clients will reject this for any host name".into());
        }
        let days = crate::validity::days(not_after_t - not_before_t);
        if days > APPLE_MAX_DAYS && (eku.is_empty() || eku.iter().any(|e| e == "server_auth" || e == "any")) {
            warnings.push(format!(
                "validity over {APPLE_MAX_DAYS} days ({days}): Apple platforms reject it for TLS servers"
            ));
        }
        if ku.iter().any(|k| k == "key_encipherment")
            && matches!(public_key.algorithm.as_str(), "ecdsa" | "ed25519" | "ed448")
        {
            warnings.push("keyEncipherment on an EC or EdDSA key: RFC 5280 forbids it (some clients reject it)".into());
        }
    } else if !ku.is_empty() && !ku.iter().any(|k| k == "key_cert_sign") {
        warnings.push("a CA without keyUsage keyCertSign: validators will not accept what it signs".into());
    }
    if is_ca && !critical.contains(&"basicConstraints") {
        warnings.push("basicConstraints is not critical on a CA (RFC 5280 requires it)".into());
    }

    Ok(CertDescription {
        kind: "certificate",
        source: source.into(),
        index,
        subject: dn(cert.subject()),
        issuer: dn(cert.issuer()),
        serial: serial_hex(cert.raw_serial()),
        not_before: rfc3339(not_before_t),
        not_after: rfc3339(not_after_t),
        dns_names: sans.dns,
        ip_addresses: sans.ip,
        emails: sans.email,
        uris: sans.uri,
        is_ca,
        path_len,
        key_usage: ku,
        extended_key_usage: eku,
        public_key,
        signature_algorithm: sig,
        fingerprint_sha256: crate::certinfo::sha256_hex(der),
        self_signed,
        version,
        subject_key_id: ski,
        authority_key_id: aki,
        name_constraints,
        other_names: sans.other,
        warnings,
        critical,
        not_before_t,
        not_after_t,
        public_key_bits: cert.public_key().subject_public_key.data.to_vec(),
    })
}

/// A serial as hex; a negative one (which RFC 5280 forbids, and openssl can make) with a
/// minus sign and its magnitude, as openssl prints it.
fn serial_hex(raw: &[u8]) -> String {
    if raw.first().is_some_and(|b| b & 0x80 != 0) {
        // Two's complement: invert and add one.
        let mut mag: Vec<u8> = raw.iter().map(|b| !b).collect();
        for b in mag.iter_mut().rev() {
            let (v, carry) = b.overflowing_add(1);
            *b = v;
            if !carry {
                break;
            }
        }
        format!("-{}", crate::serial::Serial::from_bytes(&mag).to_hex())
    } else {
        crate::serial::Serial::from_bytes(raw).to_hex()
    }
}

/// The subject (`subject = true`) or authority key identifier of a certificate.
fn key_id(cert: &X509Certificate<'_>, subject: bool) -> Option<Vec<u8>> {
    cert.iter_extensions().find_map(|e| match (e.parsed_extension(), subject) {
        (ParsedExtension::SubjectKeyIdentifier(k), true) => Some(k.0.to_vec()),
        (ParsedExtension::AuthorityKeyIdentifier(a), false) => a.key_identifier.as_ref().map(|k| k.0.to_vec()),
        _ => None,
    })
}

/// What `pki verify`'s strict profile would hold against this certificate alone, in the
/// role it seems to have (a self-issued CA is a root). Serial numbers and unreadable
/// extensions are warned about above already.
fn strict_warnings(cert: &X509Certificate<'_>, warnings: &mut Vec<String>) {
    use crate::verify::{Code, strict};
    for f in strict::check_parsed(cert, strict::role_alone(cert)) {
        if matches!(f.code, Code::SerialInvalid | Code::ExtensionMalformed) {
            continue;
        }
        let code = serde_json::to_value(f.code).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        warnings.push(format!("{} (pki verify: {code})", strict::warning(&f)));
    }
}
