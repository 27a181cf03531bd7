//! Certificate profiles: every rcgen field set on purpose for a root, an intermediate,
//! a TLS server leaf, a TLS client leaf and a peer leaf (both). rcgen's defaults (1975 to 4096, a serial
//! derived from the key, no key usage) are never used.

use std::fmt;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, KeyIdMethod,
    KeyUsagePurpose,
};

use crate::error::{Error, Result};
use crate::san::SanEntry;
use crate::serial::Serial;
use crate::validity::Validity;

/// X.520 upper bound on a commonName (ub-common-name).
pub const MAX_CN_LEN: usize = 64;

/// What a certificate is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// A self-signed root CA.
    #[value(skip)]
    Root,
    /// An intermediate CA signed by the root.
    #[value(skip)]
    Intermediate,
    /// A TLS server leaf (EKU serverAuth).
    Server,
    /// A TLS client leaf (EKU clientAuth).
    Client,
    /// A cluster member's leaf, presented both as server and as client (EKU serverAuth and
    /// clientAuth), as etcd, Consul and Kafka use.
    Peer,
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Profile::Root => "root",
            Profile::Intermediate => "intermediate",
            Profile::Server => "server",
            Profile::Client => "client",
            Profile::Peer => "peer",
        })
    }
}

/// A subject: common name and, optionally, organisation.
#[derive(Clone, Debug, Default)]
pub struct Subject {
    /// commonName, if any.
    pub cn: Option<String>,
    /// organizationName, if any.
    pub org: Option<String>,
    /// organizationalUnitName, if any.
    pub unit: Option<String>,
}

impl Subject {
    /// Check what X.520 allows of each attribute: not blank, at most 64 characters, no
    /// control characters. An error names the flag the value came from; no flag sets the
    /// unit (`ca init` makes one when `--cn` is defaulted), so its errors name `--cn`.
    pub fn validate(&self) -> Result<()> {
        for (flag, v) in [("--cn", &self.cn), ("--org", &self.org), ("--cn", &self.unit)] {
            if let Some(v) = v {
                if v.trim().is_empty() {
                    return Err(Error::invalid(flag, v.as_str(), "must not be empty"));
                }
                if v.chars().count() > MAX_CN_LEN {
                    return Err(Error::invalid(
                        flag,
                        v.as_str(),
                        format!("longer than {MAX_CN_LEN} characters (the X.520 limit)"),
                    ));
                }
                if v.chars().any(char::is_control) {
                    return Err(Error::invalid(flag, v.as_str(), "contains control characters"));
                }
            }
        }
        Ok(())
    }

    fn to_dn(&self) -> DistinguishedName {
        let mut dn = DistinguishedName::new();
        if let Some(o) = &self.org {
            dn.push(DnType::OrganizationName, o.as_str());
        }
        if let Some(ou) = &self.unit {
            dn.push(DnType::OrganizationalUnitName, ou.as_str());
        }
        if let Some(cn) = &self.cn {
            dn.push(DnType::CommonName, cn.as_str());
        }
        dn
    }
}

fn base(subject: &Subject, validity: Validity, serial: &Serial) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = subject.to_dn();
    p.not_before = validity.not_before;
    p.not_after = validity.not_after;
    p.serial_number = Some(serial.to_rcgen());
    p.subject_alt_names = Vec::new();
    p.extended_key_usages = Vec::new();
    p.name_constraints = None;
    p.crl_distribution_points = Vec::new();
    p.custom_extensions = Vec::new();
    // RFC 7093 method 1: the leftmost 160 bits of the SHA-256 of the subjectPublicKey.
    p.key_identifier_method = KeyIdMethod::Sha256;
    p
}

fn ca_key_usages() -> Vec<KeyUsagePurpose> {
    vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign]
}

/// A self-signed root: basicConstraints critical CA:TRUE (pathLen when given), keyUsage
/// critical keyCertSign+cRLSign+digitalSignature, a subject key identifier, no AKI
/// (RFC 5280 4.2.1.1 lets a self-signed certificate omit it), no EKU.
pub fn root(subject: &Subject, validity: Validity, serial: &Serial, path_len: Option<u8>) -> CertificateParams {
    let mut p = base(subject, validity, serial);
    p.is_ca = IsCa::Ca(match path_len {
        Some(n) => BasicConstraints::Constrained(n),
        None => BasicConstraints::Unconstrained,
    });
    p.key_usages = ca_key_usages();
    p.use_authority_key_identifier_extension = false;
    p
}

/// An intermediate CA: as a root but with an authority key identifier and a pathLen, and
/// no extendedKeyUsage (Go checks EKU along the whole chain).
pub fn intermediate(subject: &Subject, validity: Validity, serial: &Serial, path_len: u8) -> CertificateParams {
    let mut p = base(subject, validity, serial);
    p.is_ca = IsCa::Ca(BasicConstraints::Constrained(path_len));
    p.key_usages = ca_key_usages();
    p.use_authority_key_identifier_extension = true;
    p
}

/// A TLS leaf: basicConstraints CA:FALSE, keyUsage critical digitalSignature (plus
/// keyEncipherment for RSA keys only: on EC and Ed25519 keys it is an RFC 5280 error),
/// EKU serverAuth, clientAuth or (for a peer) both, SKI and AKI, the given SANs.
pub fn leaf(
    profile: Profile,
    subject: &Subject,
    sans: &[SanEntry],
    validity: Validity,
    serial: &Serial,
    rsa_key: bool,
) -> Result<CertificateParams> {
    let mut p = base(subject, validity, serial);
    p.is_ca = IsCa::ExplicitNoCa;
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    if rsa_key {
        p.key_usages.push(KeyUsagePurpose::KeyEncipherment);
    }
    p.extended_key_usages = match profile {
        Profile::Server => vec![ExtendedKeyUsagePurpose::ServerAuth],
        Profile::Client => vec![ExtendedKeyUsagePurpose::ClientAuth],
        Profile::Peer => vec![ExtendedKeyUsagePurpose::ServerAuth, ExtendedKeyUsagePurpose::ClientAuth],
        Profile::Root | Profile::Intermediate => {
            return Err(Error::crypto("leaf profile", format!("'{profile}' is not a leaf profile")));
        }
    };
    p.subject_alt_names = sans.iter().map(SanEntry::to_rcgen).collect::<Result<_>>()?;
    p.use_authority_key_identifier_extension = true;
    Ok(p)
}

/// The default CN of a server (or peer) certificate: the first SAN that fits in a commonName.
pub fn default_server_cn(sans: &[SanEntry]) -> Option<String> {
    sans.iter().map(SanEntry::value).find(|v| v.len() <= MAX_CN_LEN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_first_san_is_skipped_for_the_default_cn() {
        let long = SanEntry::Dns(format!("{}.test", "a".repeat(62)));
        let short = SanEntry::Dns("b.test".into());
        assert_eq!(default_server_cn(&[long.clone(), short]), Some("b.test".into()));
        assert_eq!(default_server_cn(&[long]), None);
    }

    #[test]
    fn subject_limits() {
        assert!(Subject { cn: Some("x".repeat(65)), org: None, unit: None }.validate().is_err());
        assert!(Subject { cn: Some(" ".into()), org: None, unit: None }.validate().is_err());
        assert!(Subject { cn: Some("ok".into()), org: Some("Org".into()), unit: None }.validate().is_ok());
    }
}
