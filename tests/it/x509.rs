//! Readers for certificates, built on x509-parser (never on pki's own code): names, key
//! usages, EKU, key identifiers, SANs, times, serials. Shared by every test module.

use std::path::Path;

use time::{Duration, OffsetDateTime};
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::oid_registry::{OID_X509_EXT_AUTHORITY_KEY_IDENTIFIER, OID_X509_EXT_SUBJECT_KEY_IDENTIFIER, Oid};
use x509_parser::prelude::X509Certificate;

use crate::common::{general_name, have, parse, read_cert, run_tool};

/// The commonName of a certificate's subject (the first one).
pub fn cn(cert: &X509Certificate<'_>) -> String {
    cert.subject().iter_common_name().next().expect("subject has a CN").as_str().expect("CN is a string").to_string()
}

/// Every organizationName of the subject.
pub fn orgs(cert: &X509Certificate<'_>) -> Vec<String> {
    cert.subject().iter_organization().map(|a| a.as_str().expect("O is a string").to_string()).collect()
}

/// keyUsage: (critical, the names of the bits set, in RFC 5280 order).
pub fn key_usage(cert: &X509Certificate<'_>) -> (bool, Vec<&'static str>) {
    let ku = cert.key_usage().expect("one well-formed keyUsage").expect("keyUsage present");
    let v = ku.value;
    let bits = [
        (v.digital_signature(), "digitalSignature"),
        (v.non_repudiation(), "nonRepudiation"),
        (v.key_encipherment(), "keyEncipherment"),
        (v.data_encipherment(), "dataEncipherment"),
        (v.key_agreement(), "keyAgreement"),
        (v.key_cert_sign(), "keyCertSign"),
        (v.crl_sign(), "cRLSign"),
        (v.encipher_only(), "encipherOnly"),
        (v.decipher_only(), "decipherOnly"),
    ];
    (ku.critical, bits.iter().filter(|(on, _)| *on).map(|(_, n)| *n).collect())
}

/// extendedKeyUsage purposes by name (None when the extension is absent).
pub fn eku(cert: &X509Certificate<'_>) -> Option<Vec<String>> {
    let e = cert.extended_key_usage().expect("one well-formed EKU")?;
    let v = e.value;
    let mut names: Vec<String> = [
        (v.any, "anyExtendedKeyUsage"),
        (v.server_auth, "serverAuth"),
        (v.client_auth, "clientAuth"),
        (v.code_signing, "codeSigning"),
        (v.email_protection, "emailProtection"),
        (v.time_stamping, "timeStamping"),
        (v.ocsp_signing, "OCSPSigning"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, n)| n.to_string())
    .collect();
    names.extend(v.other.iter().map(|o| o.to_id_string()));
    Some(names)
}

/// basicConstraints: (critical, cA, pathLenConstraint).
pub fn basic_constraints(cert: &X509Certificate<'_>) -> (bool, bool, Option<u32>) {
    let bc = cert.basic_constraints().expect("one well-formed basicConstraints").expect("basicConstraints present");
    (bc.critical, bc.value.ca, bc.value.path_len_constraint)
}

/// The subject key identifier (panics when absent or duplicated).
pub fn ski(cert: &X509Certificate<'_>) -> Vec<u8> {
    let ext = cert
        .get_extension_unique(&OID_X509_EXT_SUBJECT_KEY_IDENTIFIER)
        .expect("at most one SKI")
        .expect("subjectKeyIdentifier present");
    assert!(!ext.critical, "SKI must not be critical (RFC 5280 4.2.1.2)");
    match ext.parsed_extension() {
        ParsedExtension::SubjectKeyIdentifier(k) => {
            assert!(!k.0.is_empty(), "empty SKI");
            k.0.to_vec()
        }
        other => panic!("SKI did not parse: {other:?}"),
    }
}

/// The keyIdentifier of the authority key identifier, if the extension is there.
pub fn aki(cert: &X509Certificate<'_>) -> Option<Vec<u8>> {
    let ext = cert.get_extension_unique(&OID_X509_EXT_AUTHORITY_KEY_IDENTIFIER).expect("at most one AKI")?;
    match ext.parsed_extension() {
        ParsedExtension::AuthorityKeyIdentifier(a) => {
            Some(a.key_identifier.as_ref().expect("AKI has a keyIdentifier").0.to_vec())
        }
        other => panic!("AKI did not parse: {other:?}"),
    }
}

/// The SANs as `DNS:x`, `IP:x`, `email:x`, `URI:x`, in certificate order.
pub fn sans(cert: &X509Certificate<'_>) -> Vec<String> {
    let Some(san) = cert.subject_alternative_name().expect("one well-formed SAN") else {
        return Vec::new();
    };
    san.value
        .general_names
        .iter()
        .map(|g| match g {
            GeneralName::DNSName(_) | GeneralName::RFC822Name(_) | GeneralName::URI(_) | GeneralName::IPAddress(_) => {
                general_name(g)
            }
            other => panic!("unexpected GeneralName {other:?}"),
        })
        .collect()
}

/// notBefore.
pub fn not_before(cert: &X509Certificate<'_>) -> OffsetDateTime {
    cert.validity().not_before.to_datetime()
}

/// notAfter.
pub fn not_after(cert: &X509Certificate<'_>) -> OffsetDateTime {
    cert.validity().not_after.to_datetime()
}

/// notAfter - notBefore.
pub fn lifetime(cert: &X509Certificate<'_>) -> Duration {
    not_after(cert) - not_before(cert)
}

/// Assert a default lifetime of `days`: pki backdates notBefore a little for clock skew,
/// so allow up to five extra minutes, never less than the days asked for.
pub fn assert_lifetime_days(cert: &X509Certificate<'_>, days: i64) {
    let got = lifetime(cert);
    let want = Duration::days(days);
    assert!(
        got >= want && got <= want + Duration::minutes(5),
        "lifetime {got} is not {days} days (+ a small backdate)"
    );
}

/// Assert notBefore is "now" give or take a few minutes.
pub fn assert_starts_now(cert: &X509Certificate<'_>) {
    let now = OffsetDateTime::now_utc();
    let nb = not_before(cert);
    assert!(
        nb >= now - Duration::minutes(5) && nb <= now + Duration::minutes(1),
        "notBefore {nb} is not about now ({now})"
    );
}

/// The serial's content octets (as DER encodes the INTEGER).
pub fn raw_serial<'a>(cert: &X509Certificate<'a>) -> &'a [u8] {
    cert.raw_serial()
}

/// The serial as the contract's HEX: lowercase, no separators, no leading zero octets
/// (the sign pad octet DER may carry is dropped).
pub fn serial_hex(cert: &X509Certificate<'_>) -> String {
    let raw = cert.raw_serial();
    let start = raw.iter().position(|&b| b != 0).unwrap_or(raw.len().saturating_sub(1));
    raw[start..].iter().map(|b| format!("{b:02x}")).collect()
}

/// The serial of a DER certificate, as [`serial_hex`] writes it.
pub fn serial_of_der(der: &[u8]) -> String {
    serial_hex(&parse(der))
}

/// The serial of the first certificate in a PEM file, as [`serial_hex`] writes it.
pub fn serial_of(path: &Path) -> String {
    serial_of_der(&read_cert(path))
}

/// The SPKI DER of the first certificate in a file.
pub fn spki_of(path: &Path) -> Vec<u8> {
    parse(&read_cert(path)).public_key().raw.to_vec()
}

/// Assert a serial is a positive INTEGER of 9 to 20 octets (>= 64 bits of entropy).
pub fn assert_good_serial(cert: &X509Certificate<'_>) {
    let raw = raw_serial(cert);
    assert!((9..=20).contains(&raw.len()), "serial is {} octets: {raw:02x?}", raw.len());
    assert_eq!(raw[0] & 0x80, 0, "serial is negative: {raw:02x?}");
    assert!(raw.iter().any(|&b| b != 0), "serial is zero");
    if raw[0] == 0 {
        assert!(raw[1] & 0x80 != 0, "non-minimal INTEGER encoding: {raw:02x?}");
    }
}

/// The signature algorithm, checked to agree between the TBS and the outer certificate.
pub fn sig_alg(cert: &X509Certificate<'_>) -> Oid<'static> {
    assert_eq!(
        cert.signature_algorithm.algorithm, cert.tbs_certificate.signature.algorithm,
        "outer and TBS signature algorithms differ"
    );
    cert.signature_algorithm.algorithm.to_owned()
}

/// SHA-256 of `bytes`, lowercase hex, computed by coreutils' `sha256sum` (or openssl):
/// independent of pki's own hashing.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("cert.der");
    std::fs::write(&f, bytes).unwrap();
    let f = f.to_str().unwrap();
    let out = if have("sha256sum") {
        run_tool("sha256sum", &[f], dir.path())
    } else if have("openssl") {
        run_tool("openssl", &["dgst", "-sha256", "-r", f], dir.path())
    } else {
        panic!("neither sha256sum nor openssl is on PATH: cannot check fingerprints");
    };
    assert!(out.0, "hashing failed: {}", out.1);
    let hex = out.1.split_whitespace().next().unwrap().to_lowercase();
    assert_eq!(hex.len(), 64, "unexpected digest output: {}", out.1);
    hex
}
