//! How values inside X.509 structures are written for people: distinguished names, SAN
//! lists, key usages, extended key usages, signature algorithms, and IP addresses.
//! Shared by the describers (`describe/`), `verify`, `certinfo` and CSR reading.

use x509_parser::der_parser::oid::Oid;
use x509_parser::extensions::{GeneralName, KeyUsage};

/// A signature algorithm's name, as openssl spells it, or the dotted OID.
pub fn signature_algorithm(oid: &Oid<'_>) -> String {
    let s = oid.to_id_string();
    match s.as_str() {
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.14" => "sha224WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "rsassaPss",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.1" => "ecdsa-with-SHA224",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.3.101.112" => "ed25519",
        "1.3.101.113" => "ed448",
        "1.2.840.10040.4.3" => "dsa-with-SHA1",
        "2.16.840.1.101.3.4.3.2" => "dsa-with-SHA256",
        _ => return s,
    }
    .to_string()
}

/// Whether a signature algorithm hashes with SHA-1 or MD5 (which modern clients reject).
pub fn is_weak_signature(name: &str) -> Option<&'static str> {
    if name.starts_with("sha1") || name.ends_with("SHA1") {
        Some("SHA-1")
    } else if name.starts_with("md5") || name.starts_with("md2") {
        Some("MD5")
    } else {
        None
    }
}

/// Key usage bits by name (`digital_signature`, `key_cert_sign`, ...).
pub fn key_usages(ku: &KeyUsage) -> Vec<String> {
    let mut v = Vec::new();
    let mut add = |on: bool, name: &str| {
        if on {
            v.push(name.to_string());
        }
    };
    add(ku.digital_signature(), "digital_signature");
    add(ku.non_repudiation(), "content_commitment");
    add(ku.key_encipherment(), "key_encipherment");
    add(ku.data_encipherment(), "data_encipherment");
    add(ku.key_agreement(), "key_agreement");
    add(ku.key_cert_sign(), "key_cert_sign");
    add(ku.crl_sign(), "crl_sign");
    add(ku.encipher_only(), "encipher_only");
    add(ku.decipher_only(), "decipher_only");
    v
}

/// Extended key usages by name (`server_auth`, `client_auth`, ...; others as dotted OIDs).
pub fn extended_key_usages(eku: &x509_parser::extensions::ExtendedKeyUsage<'_>) -> Vec<String> {
    let mut v = Vec::new();
    let mut add = |on: bool, name: &str| {
        if on {
            v.push(name.to_string());
        }
    };
    add(eku.any, "any");
    add(eku.server_auth, "server_auth");
    add(eku.client_auth, "client_auth");
    add(eku.code_signing, "code_signing");
    add(eku.email_protection, "email_protection");
    add(eku.time_stamping, "time_stamping");
    add(eku.ocsp_signing, "ocsp_signing");
    for o in &eku.other {
        v.push(o.to_id_string());
    }
    v
}

/// SANs sorted into the contract's four lists, plus anything else as text.
#[derive(Debug, Default, Clone)]
pub struct SanLists {
    /// dNSName entries.
    pub dns: Vec<String>,
    /// iPAddress entries.
    pub ip: Vec<String>,
    /// rfc822Name entries.
    pub email: Vec<String>,
    /// uniformResourceIdentifier entries.
    pub uri: Vec<String>,
    /// Other kinds (directoryName, otherName, ...), described.
    pub other: Vec<String>,
}

impl SanLists {
    /// Sort general names into lists.
    pub fn from_names(names: &[GeneralName<'_>]) -> SanLists {
        let mut s = SanLists::default();
        for n in names {
            match n {
                GeneralName::DNSName(d) => s.dns.push(d.to_string()),
                GeneralName::RFC822Name(e) => s.email.push(e.to_string()),
                GeneralName::URI(u) => s.uri.push(u.to_string()),
                GeneralName::IPAddress(b) => s.ip.push(ip_string(b)),
                GeneralName::DirectoryName(dn) => s.other.push(format!("dirName:{dn}")),
                GeneralName::OtherName(oid, _) => s.other.push(format!("otherName:{}", oid.to_id_string())),
                GeneralName::RegisteredID(oid) => s.other.push(format!("registeredID:{}", oid.to_id_string())),
                other => s.other.push(format!("{other:?}")),
            }
        }
        s
    }

    /// The DNS, IP, email and URI entries as typed SANs, validated as `--san` entries are
    /// (what `sign` takes from a request and `renew` from a certificate), without repeats.
    pub fn to_entries(&self) -> crate::Result<Vec<crate::san::SanEntry>> {
        let typed = self
            .dns
            .iter()
            .map(|d| format!("dns:{d}"))
            .chain(self.ip.iter().map(|i| format!("ip:{i}")))
            .chain(self.email.iter().map(|m| format!("email:{m}")))
            .chain(self.uri.iter().map(|u| format!("uri:{u}")));
        let mut out: Vec<crate::san::SanEntry> = Vec::new();
        for t in typed {
            let e = t.parse()?;
            if !out.contains(&e) {
                out.push(e);
            }
        }
        Ok(out)
    }

    /// Whether there are none at all.
    pub fn is_empty(&self) -> bool {
        self.dns.is_empty()
            && self.ip.is_empty()
            && self.email.is_empty()
            && self.uri.is_empty()
            && self.other.is_empty()
    }
}

/// An IP address from its SAN bytes (4 or 16), or hex for anything else.
pub fn ip_string(b: &[u8]) -> String {
    match b.len() {
        4 => std::net::Ipv4Addr::new(b[0], b[1], b[2], b[3]).to_string(),
        16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(b);
            std::net::Ipv6Addr::from(a).to_string()
        }
        _ => format!("invalid({})", crate::hex(b)),
    }
}

/// A distinguished name as x509-parser's `Display` writes it ("OU=Dev, CN=pki Root CA").
///
/// That `Display` builds x509-parser's whole OID registry (a few hundred hash-map
/// inserts) on first use, a tenth of a `pki issue`'s instructions, only to look up
/// names beyond the eight it abbreviates itself. Names made of those eight (CN, C, L, ST,
/// O, OU, DC, Email: every name pki writes and nearly every name anywhere) are written
/// with an empty registry, to the same text; any other name takes the full path.
pub fn dn(name: &x509_parser::x509::X509Name<'_>) -> String {
    use x509_parser::oid_registry::*;
    let abbreviated = [
        OID_X509_COMMON_NAME,
        OID_X509_COUNTRY_NAME,
        OID_X509_LOCALITY_NAME,
        OID_X509_STATE_OR_PROVINCE_NAME,
        OID_X509_ORGANIZATION_NAME,
        OID_X509_ORGANIZATIONAL_UNIT,
        OID_DOMAIN_COMPONENT,
        OID_PKCS9_EMAIL_ADDRESS,
    ];
    if name.iter_attributes().all(|a| abbreviated.contains(a.attr_type()))
        && let Ok(s) = name.to_string_with_registry(&OidRegistry::default())
    {
        return s;
    }
    name.to_string()
}

#[cfg(test)]
mod tests {
    use x509_parser::prelude::{FromDer, X509Certificate};

    /// `dn` must write exactly what x509-parser's `Display` writes, for every name.
    fn same_as_display(der: &[u8]) {
        let (_, cert) = X509Certificate::from_der(der).unwrap();
        for name in [cert.subject(), cert.issuer()] {
            assert_eq!(super::dn(name), name.to_string());
        }
    }

    #[test]
    fn dn_matches_display_on_real_names() {
        let mut pems = vec![std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/root.pem")).unwrap()];
        // The system bundle, where there is one: a hundred-odd names from the real world.
        pems.extend(std::fs::read("/etc/ssl/certs/ca-certificates.crt"));
        let mut n = 0;
        for pem in pems {
            for der in <rustls_pki_types::CertificateDer as rustls_pki_types::pem::PemObject>::pem_slice_iter(&pem) {
                same_as_display(&der.unwrap());
                n += 1;
            }
        }
        assert!(n >= 1);
    }

    #[test]
    fn dn_matches_display_on_names_beyond_the_common_eight() {
        let mut params = rcgen::CertificateParams::new(vec!["a.test".into()]).unwrap();
        params.distinguished_name.push(rcgen::DnType::CommonName, "a + b, c");
        params.distinguished_name.push(rcgen::DnType::CustomDnType(vec![2, 5, 4, 5]), "SN-1"); // serialNumber
        params.distinguished_name.push(rcgen::DnType::CustomDnType(vec![1, 2, 3, 4]), "odd"); // unregistered
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        same_as_display(cert.der());
        let (_, parsed) = X509Certificate::from_der(cert.der()).unwrap();
        assert!(super::dn(parsed.subject()).contains("serialNumber=SN-1"), "{}", super::dn(parsed.subject()));
    }
}
