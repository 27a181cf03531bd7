//! Name constraints: the `--permit` / `--exclude` entries of `ca init` and `ca intermediate`
//! (parse.rs), the closing of the name types a permit leaves open, the critical
//! nameConstraints extension that carries them, reading them back from any CA certificate,
//! and (check.rs) the rules a SAN must pass under them before pki issues it.
//!
//! Why close the unmentioned types: RFC 5280 4.2.1.10 constrains only the name types a
//! subtree names, so a root permitting only `DNS:test` still signs `IP:8.8.8.8` for OpenSSL
//! and Go (measured, see docs/name-constraints.md). A `--permit` therefore also permits
//! `pki.invalid` (the reserved `.invalid` domain, RFC 6761, that no real name is under) for
//! every type it does not list except IP, which is closed by excluding `0.0.0.0/0` and `::/0`.

pub mod check;
mod parse;

use std::fmt;
use std::net::IpAddr;

use serde::Serialize;
use x509_parser::extensions::GeneralName;
use x509_parser::prelude::{FromDer, X509Certificate};

pub use parse::{Entry, local_preset, parse_exclude, parse_permit};

/// The name that closes a name type: permitted alone, it matches no real name.
pub const CLOSED: &str = "pki.invalid";

/// One subtree of a nameConstraints extension.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "lowercase")]
pub enum Subtree {
    /// A DNS name and every name under it, lower case. A leading dot (from CAs made
    /// elsewhere) means "strictly under".
    Dns(String),
    /// An IP range.
    Ip(IpRange),
    /// Mailboxes: `example.com` (at that host), `.example.com` (at hosts under it), or one
    /// mailbox `a@example.com`.
    Email(String),
    /// URIs whose host is this name (`.example.com`: hosts under it).
    Uri(String),
    /// A subtree of another type (directoryName, ...), as text: shown, not checked.
    Other(String),
}

impl fmt::Display for Subtree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subtree::Dns(d) => write!(f, "DNS {d}"),
            Subtree::Ip(r) => write!(f, "IP {r}"),
            Subtree::Email(e) if e.contains('@') || e.starts_with('.') => write!(f, "email {e}"),
            Subtree::Email(e) => write!(f, "email @{e}"),
            Subtree::Uri(u) => write!(f, "URI {u}"),
            Subtree::Other(o) => f.write_str(o),
        }
    }
}

/// An IP range: an address and a mask of the same length (4 or 16 octets).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IpRange {
    addr: Vec<u8>,
    mask: Vec<u8>,
}

impl IpRange {
    /// `addr/prefix`, with the host bits of `addr` cleared.
    pub fn new(addr: IpAddr, prefix: u8) -> IpRange {
        let octets = match addr {
            IpAddr::V4(a) => a.octets().to_vec(),
            IpAddr::V6(a) => a.octets().to_vec(),
        };
        let mask: Vec<u8> = (0..octets.len())
            .map(|i| {
                let bits = (i32::from(prefix) - 8 * i as i32).clamp(0, 8) as u32;
                (0xffu16 << (8 - bits)) as u8
            })
            .collect();
        IpRange { addr: octets.iter().zip(&mask).map(|(a, m)| a & m).collect(), mask }
    }

    /// From the 8 or 32 octets of a nameConstraints iPAddress (address, then mask).
    pub fn from_octets(b: &[u8]) -> Option<IpRange> {
        matches!(b.len(), 8 | 32).then(|| {
            let (a, m) = b.split_at(b.len() / 2);
            IpRange { addr: a.to_vec(), mask: m.to_vec() }
        })
    }

    /// Address then mask, as the extension carries them.
    pub fn octets(&self) -> Vec<u8> {
        [self.addr.as_slice(), self.mask.as_slice()].concat()
    }

    /// The prefix length, when the mask is contiguous ones then zeros.
    pub fn prefix(&self) -> Option<u8> {
        let full = self.mask.iter().take_while(|b| **b == 0xff).count();
        let ones = 8 * full as u32 + self.mask.get(full).map_or(0, |b| b.leading_ones());
        (IpRange::new(self.ip()?, ones as u8).mask == self.mask).then_some(ones as u8)
    }

    fn ip(&self) -> Option<IpAddr> {
        match self.addr.len() {
            4 => <[u8; 4]>::try_from(self.addr.as_slice()).ok().map(IpAddr::from),
            16 => <[u8; 16]>::try_from(self.addr.as_slice()).ok().map(IpAddr::from),
            _ => None,
        }
    }

    /// Whether `ip` is in this range (never across IPv4 and IPv6).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let o = match ip {
            IpAddr::V4(a) => a.octets().to_vec(),
            IpAddr::V6(a) => a.octets().to_vec(),
        };
        o.len() == self.addr.len() && o.iter().zip(&self.mask).zip(&self.addr).all(|((o, m), a)| o & m == a & m)
    }

    /// Whether every address of this range is in `other`.
    pub fn within(&self, other: &IpRange) -> bool {
        self.addr.len() == other.addr.len()
            && self.mask.iter().zip(&other.mask).all(|(s, o)| s & o == *o)
            && self.ip().is_some_and(|ip| other.contains(ip))
    }
}

impl fmt::Display for IpRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ip = crate::x509text::ip_string(&self.addr);
        match self.prefix() {
            Some(p) => write!(f, "{ip}/{p}"),
            None => write!(f, "{ip}/{}", crate::x509text::ip_string(&self.mask)),
        }
    }
}

impl Serialize for IpRange {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The subtrees of a nameConstraints extension.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct NameConstraints {
    /// permittedSubtrees: a name of a type listed here must be within one of them.
    pub permitted: Vec<Subtree>,
    /// excludedSubtrees: no name may be within any of them.
    pub excluded: Vec<Subtree>,
}

impl NameConstraints {
    /// What `--permit` and `--exclude` ask for, with every name type the permits leave open
    /// closed (see the module's documentation). None when both are empty.
    pub fn from_flags(permit: &[Entry], exclude: &[Subtree]) -> Option<NameConstraints> {
        let mut nc = NameConstraints::default();
        for e in permit {
            match e {
                Entry::Local => local_preset().into_iter().for_each(|s| push_new(&mut nc.permitted, s)),
                Entry::Subtree(s) => push_new(&mut nc.permitted, s.clone()),
            }
        }
        exclude.iter().for_each(|s| push_new(&mut nc.excluded, s.clone()));
        if !nc.permitted.is_empty() {
            let has = |f: fn(&Subtree) -> bool| nc.permitted.iter().any(f);
            let (dns, ip, email) = (
                has(|s| matches!(s, Subtree::Dns(_))),
                has(|s| matches!(s, Subtree::Ip(_))),
                has(|s| matches!(s, Subtree::Email(_))),
            );
            if !dns {
                nc.permitted.push(Subtree::Dns(CLOSED.into()));
            }
            if !email {
                nc.permitted.push(Subtree::Email(CLOSED.into()));
            }
            nc.permitted.push(Subtree::Uri(CLOSED.into()));
            if !ip {
                push_new(&mut nc.excluded, Subtree::Ip(IpRange::new(IpAddr::from([0u8; 4]), 0)));
                push_new(&mut nc.excluded, Subtree::Ip(IpRange::new(IpAddr::from([0u8; 16]), 0)));
            }
        }
        (!nc.permitted.is_empty() || !nc.excluded.is_empty()).then_some(nc)
    }

    /// The critical nameConstraints extension (RFC 5280 4.2.1.10: "Conforming CAs MUST mark
    /// this extension as critical"). Encoded with x509-cert's typed structures: rcgen's own
    /// `name_constraints` (also critical) has no URI subtrees, which the closing needs.
    pub fn to_extension(&self) -> crate::Result<rcgen::CustomExtension> {
        use x509_cert::der::Encode;
        use x509_cert::der::asn1::{Ia5String, OctetString};
        use x509_cert::ext::pkix::constraints::name as x;
        use x509_cert::ext::pkix::name::GeneralName as G;
        let fail = |e: x509_cert::der::Error| crate::Error::crypto("encoding the name constraints", e);
        let ia5 = |s: &str| Ia5String::new(s).map_err(fail);
        let subtrees = |list: &[Subtree]| -> crate::Result<Option<Vec<x::GeneralSubtree>>> {
            let mut out = Vec::new();
            for s in list {
                let base = match s {
                    Subtree::Dns(d) => G::DnsName(ia5(d)?),
                    Subtree::Email(e) => G::Rfc822Name(ia5(e)?),
                    Subtree::Uri(u) => G::UniformResourceIdentifier(ia5(u)?),
                    Subtree::Ip(r) => G::IpAddress(OctetString::new(r.octets()).map_err(fail)?),
                    Subtree::Other(o) => return Err(crate::Error::crypto("encoding the name constraints", o)),
                };
                out.push(x::GeneralSubtree { base, minimum: 0, maximum: None });
            }
            Ok((!out.is_empty()).then_some(out))
        };
        let nc = x::NameConstraints {
            permitted_subtrees: subtrees(&self.permitted)?,
            excluded_subtrees: subtrees(&self.excluded)?,
        };
        let der = nc.to_der().map_err(fail)?;
        let mut ext = rcgen::CustomExtension::from_oid_content(&[2, 5, 29, 30], der);
        ext.set_criticality(true);
        Ok(ext)
    }

    /// The name constraints of a DER certificate, if it has them. The error is a sentence.
    pub fn of_cert(der: &[u8]) -> Result<Option<NameConstraints>, String> {
        let (_, cert) = X509Certificate::from_der(der).map_err(|e| format!("not a certificate: {e}"))?;
        let ext = cert.name_constraints().map_err(|e| format!("bad nameConstraints: {e}"))?;
        Ok(ext.map(|e| NameConstraints::from_parsed(e.value)))
    }

    /// From x509-parser's view of the extension.
    pub fn from_parsed(nc: &x509_parser::extensions::NameConstraints<'_>) -> NameConstraints {
        let list = |l: &Option<Vec<x509_parser::extensions::GeneralSubtree<'_>>>| {
            l.iter().flatten().map(|s| subtree_of(&s.base)).collect()
        };
        NameConstraints { permitted: list(&nc.permitted_subtrees), excluded: list(&nc.excluded_subtrees) }
    }
}

fn subtree_of(name: &GeneralName<'_>) -> Subtree {
    match name {
        GeneralName::DNSName(d) => Subtree::Dns(d.to_ascii_lowercase()),
        GeneralName::RFC822Name(e) => Subtree::Email(e.to_string()),
        GeneralName::URI(u) => Subtree::Uri(u.to_ascii_lowercase()),
        GeneralName::IPAddress(b) => match IpRange::from_octets(b) {
            Some(r) => Subtree::Ip(r),
            None => Subtree::Other(format!("IP (malformed, {} octets)", b.len())),
        },
        GeneralName::DirectoryName(n) => Subtree::Other(format!("dirName {}", crate::x509text::dn(n))),
        other => Subtree::Other(format!("{other}")),
    }
}

fn push_new(list: &mut Vec<Subtree>, s: Subtree) {
    if !list.contains(&s) {
        list.push(s);
    }
}

/// A CA's name for messages: its CN, else its whole subject.
pub fn ca_name(der: &[u8]) -> String {
    match X509Certificate::from_der(der) {
        Ok((_, c)) => c
            .subject()
            .iter_common_name()
            .next()
            .and_then(|a| a.as_str().ok())
            .map(str::to_string)
            .unwrap_or_else(|| crate::x509text::dn(c.subject())),
        Err(_) => "the issuing CA".into(),
    }
}
