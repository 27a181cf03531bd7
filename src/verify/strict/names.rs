//! A leaf's names and purposes: the SAN's criticality (RFC 5280 4.2.1.6, CA/B Forum BR
//! 7.1.2.7.12), underscores in DNS names, the CN among the SANs (BR 7.1.4.3), wildcards
//! over public suffixes, and the EKU rules of the BRs (7.1.2.7.10, 7.1.2.1).

use std::net::IpAddr;

use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::X509Certificate;

use super::{Finding, Role, finding};
use crate::verify::Code;

/// Public suffixes under which a wildcard would cover names of unrelated owners: every
/// single label (a TLD) and these well-known multi-label suffixes of the ICANN section of
/// the Public Suffix List (publicsuffix.org). Its private section (`s3.amazonaws.com`) is
/// left out: their owners hold such wildcards, and real servers present them.
const PUBLIC_SUFFIXES: &[&str] = &[
    "co.uk", "org.uk", "ac.uk", "gov.uk", "me.uk", "ltd.uk", "plc.uk", "net.uk", "com.au", "net.au", "org.au",
    "edu.au", "gov.au", "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp", "co.nz", "org.nz", "co.za", "com.br", "com.cn",
    "net.cn", "org.cn", "com.mx", "co.in", "co.kr", "com.tw", "com.hk", "com.sg", "com.tr", "co.il", "com.ar",
];

pub(super) fn check(c: &X509Certificate<'_>, role: Role, out: &mut Vec<Finding>) {
    eku(c, role, out);
    if role != Role::Leaf {
        return;
    }
    let empty_subject = c.subject().iter().next().is_none();
    let mut dns = Vec::new();
    let mut ips = Vec::new();
    for ext in c.extensions() {
        if let ParsedExtension::SubjectAlternativeName(san) = ext.parsed_extension() {
            if empty_subject && !ext.critical {
                out.push(finding(
                    Code::SanNotCritical,
                    "its subject is empty and its subjectAltName is not critical: RFC 5280 4.2.1.6 requires it critical then",
                    true,
                ));
            }
            if !empty_subject && ext.critical {
                out.push(finding(
                    Code::SanCritical,
                    "its subjectAltName is critical while its subject is not empty: CA/B Forum BR 7.1.2.7.12 requires it non-critical then",
                    true,
                ));
            }
            for n in &san.general_names {
                match n {
                    GeneralName::DNSName(d) => dns.push(d.to_string()),
                    GeneralName::IPAddress(b) => ips.extend(ip_of(b)),
                    _ => {}
                }
            }
        }
    }
    for d in &dns {
        if d.contains('_') {
            out.push(finding(
                Code::DnsUnderscore,
                format!("its DNS name '{d}' has an underscore: RFC 5280 4.2.1.6 and CA/B Forum BR 7.1.4.2 require the preferred name syntax (letters, digits, hyphens)"),
                true,
            ));
        }
        if let Some(suffix) = d.strip_prefix("*.")
            && is_public_suffix(suffix)
        {
            out.push(finding(
                Code::WildcardPublicSuffix,
                format!("its wildcard '{d}' covers the public suffix '{suffix}' (names of unrelated owners): CA/B Forum BR 3.2.2.6 forbids it; browsers refuse it"),
                false,
            ));
        }
    }
    cn_in_san(c, &dns, &ips, out);
}

fn ip_of(b: &[u8]) -> Option<IpAddr> {
    match b.len() {
        4 => Some(IpAddr::from(<[u8; 4]>::try_from(b).ok()?)),
        16 => Some(IpAddr::from(<[u8; 16]>::try_from(b).ok()?)),
        _ => None,
    }
}

fn is_public_suffix(s: &str) -> bool {
    let s = s.to_ascii_lowercase();
    !s.contains('.') || PUBLIC_SUFFIXES.contains(&s.as_str())
}

/// CA/B Forum BR 7.1.4.3: a leaf's CN, when present, is one of its SANs spelled the same
/// way (an IP address in its canonical form: dotted decimal, RFC 5952 for IPv6). Flagged
/// when the CN is another spelling of one of its SANs (letter case, an IP address written
/// in hex, with leading zeros, in upper case or uncompressed, a Unicode name whose SAN is
/// its punycode). A CN that is no SAN at all is left alone: x509-limbo's own valid cases
/// have them, and clients never read the CN.
fn cn_in_san(c: &X509Certificate<'_>, dns: &[String], ips: &[IpAddr], out: &mut Vec<Finding>) {
    for cn in c.subject().iter_common_name() {
        let Ok(cn) = cn.as_str() else { continue };
        if dns.iter().any(|d| d == cn) || cn.parse::<IpAddr>().is_ok_and(|ip| ip.to_string() == cn && ips.contains(&ip))
        {
            continue;
        }
        let case = dns.iter().any(|d| d.eq_ignore_ascii_case(cn));
        let ip = lenient_ip(cn).is_some_and(|ip| ips.contains(&ip));
        let unicode =
            !cn.is_ascii() && idna::domain_to_ascii(cn).is_ok_and(|a| dns.iter().any(|d| d.eq_ignore_ascii_case(&a)));
        if case || ip || unicode {
            out.push(finding(
                Code::CnNotInSan,
                format!("its common name '{cn}' is another spelling of one of its SANs: CA/B Forum BR 7.1.4.3 requires the CN to be one of the SANs as written there"),
                true,
            ));
        }
    }
}

/// An IP address in any spelling clients have accepted: RFC 5952 or not, upper case,
/// dotted decimal with leading zeros, or one hex number.
fn lenient_ip(s: &str) -> Option<IpAddr> {
    if let Ok(v6) = s.to_ascii_lowercase().parse::<std::net::Ipv6Addr>() {
        return Some(IpAddr::V6(v6));
    }
    if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        return u32::from_str_radix(h, 16).ok().map(|n| IpAddr::V4(n.into()));
    }
    let parts: Vec<u8> = s.split('.').map(|p| p.parse::<u8>().ok()).collect::<Option<_>>()?;
    let octets: [u8; 4] = parts.try_into().ok()?;
    Some(IpAddr::from(octets))
}

/// The BRs' EKU rules: a leaf's EKU has no anyExtendedKeyUsage and is not critical
/// (7.1.2.7.10); a root has none (7.1.2.1.2).
fn eku(c: &X509Certificate<'_>, role: Role, out: &mut Vec<Finding>) {
    let Some(ext) =
        c.extensions().iter().find(|e| matches!(e.parsed_extension(), ParsedExtension::ExtendedKeyUsage(_)))
    else {
        return;
    };
    let ParsedExtension::ExtendedKeyUsage(e) = ext.parsed_extension() else { return };
    match role {
        Role::Leaf => {
            if e.any {
                out.push(finding(
                    Code::EkuAny,
                    "its extendedKeyUsage has anyExtendedKeyUsage: CA/B Forum BR 7.1.2.7.10 forbids it in a subscriber certificate",
                    true,
                ));
            }
            if ext.critical {
                out.push(finding(
                    Code::EkuCritical,
                    "its extendedKeyUsage is critical: CA/B Forum BR 7.1.2.7.10 requires it non-critical",
                    true,
                ));
            }
        }
        Role::Root => out.push(finding(
            Code::RootEku,
            "this root has an extendedKeyUsage: CA/B Forum BR 7.1.2.1.2 forbids it in a root certificate",
            true,
        )),
        Role::Intermediate => {}
    }
}
