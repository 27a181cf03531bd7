//! Whether a name passes a CA's name constraints, by the rules of RFC 5280 4.2.1.10 as
//! clients apply them, plus the one they miss: a wildcard.
//!
//! - DNS: `b.test` is within `test` (label boundaries: `nottest` is not), case-insensitive;
//!   a leading-dot base (`.test`, from CAs made elsewhere) holds only names strictly under it.
//! - IP: the address is in the range, IPv4 in IPv4 ranges, IPv6 in IPv6 ones.
//! - Email: the mailbox's host is the base (`example.com`), is under it (`.example.com`), or
//!   the whole mailbox is the base.
//! - URI: the URI's host, as email hosts; a URI without a host is within no subtree.
//! - A wildcard `*.A` stands for every `L.A`. OpenSSL, GnuTLS, NSS and Go compare the
//!   literal `*.A` against an excluded `secret.A` and let it pass, then accept the
//!   certificate for `secret.A` (NOTES.md): so it is refused when any `L.A` can be inside
//!   an excluded subtree (the subtree is one label under A, or A is within it), and permitted
//!   only when every `L.A` is (A is within a permitted subtree).
//!
//! A type with no permitted subtree is not constrained by the permits (that is why `ca init`
//! closes the types a `--permit` leaves open). Other subtree types (directoryName) are not
//! checked here: pki's SANs are DNS, IP, email and URI names.

use std::net::IpAddr;

use super::{NameConstraints, Subtree};
use crate::error::{ConstraintViolation, Error, Refusal};
use crate::san::SanEntry;

/// Whether `name` is `base` or under it (a leading-dot base: strictly under it).
pub fn dns_within(name: &str, base: &str) -> bool {
    let (name, base) = (name.to_ascii_lowercase(), base.to_ascii_lowercase());
    match base.strip_prefix('.') {
        _ if base.is_empty() => true,
        Some(_) => name.ends_with(&base),
        None => name == base || name.ends_with(&format!(".{base}")),
    }
}

fn host_within(host: &str, base: &str) -> bool {
    match base.strip_prefix('.') {
        Some(_) => host.to_ascii_lowercase().ends_with(&base.to_ascii_lowercase()),
        None => host.eq_ignore_ascii_case(base),
    }
}

fn email_within(mailbox: &str, base: &str) -> bool {
    if base.contains('@') {
        // The local part compares exactly, the host without case (RFC 5280 7.5).
        let split = |m: &str| m.rsplit_once('@').map(|(l, h)| (l.to_string(), h.to_ascii_lowercase()));
        return split(mailbox).is_some() && split(mailbox) == split(base);
    }
    mailbox.rsplit_once('@').is_some_and(|(_, host)| host_within(host, base))
}

/// The host of a URI (`scheme://[user@]host[:port]/...`), if it has one.
fn uri_host(uri: &str) -> Option<&str> {
    let rest = uri.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split_once(']').map_or(v6, |(h, _)| h),
        None => host_port.split_once(':').map_or(host_port, |(h, _)| h),
    };
    (!host.is_empty()).then_some(host)
}

/// A name to check: a SAN, or the subject CN read as a DNS name.
enum Name<'a> {
    Dns(&'a str),
    Ip(IpAddr),
    Email(&'a str),
    Uri(&'a str),
}

/// Whether `n` is within `s`; None when `s` is of another type.
fn within(n: &Name<'_>, s: &Subtree) -> Option<bool> {
    match (n, s) {
        (Name::Dns(d), Subtree::Dns(b)) => Some(dns_within(d, b)),
        (Name::Ip(ip), Subtree::Ip(r)) => Some(r.contains(*ip)),
        (Name::Email(e), Subtree::Email(b)) => Some(email_within(e, b)),
        (Name::Uri(u), Subtree::Uri(b)) => Some(uri_host(u).is_some_and(|h| host_within(h, b))),
        _ => None,
    }
}

/// Check one name against one CA's constraints.
fn check(nc: &NameConstraints, n: &Name<'_>) -> Result<(), Refusal> {
    // A wildcard `*.A` is checked as every `L.A` (see the module's documentation).
    if let Name::Dns(d) = n
        && let Some(a) = d.strip_prefix("*.")
    {
        return check_wildcard(nc, a);
    }
    if let Some(by) = nc.excluded.iter().find(|s| within(n, s) == Some(true)) {
        return Err(Refusal::Excluded { by: by.to_string(), example: None });
    }
    let same_type: Vec<&Subtree> = nc.permitted.iter().filter(|s| within(n, s).is_some()).collect();
    if !same_type.is_empty() && !same_type.iter().any(|s| within(n, s) == Some(true)) {
        return Err(Refusal::NotPermitted {
            permitted: same_type.iter().map(|s| s.to_string()).collect(),
            example: None,
        });
    }
    Ok(())
}

fn check_wildcard(nc: &NameConstraints, a: &str) -> Result<(), Refusal> {
    for e in &nc.excluded {
        let Subtree::Dns(base) = e else { continue };
        let undotted = base.strip_prefix('.').unwrap_or(base);
        let example = if dns_within(a, undotted) {
            Some(format!("anything.{a}"))
        } else if !base.starts_with('.') && base.strip_suffix(&format!(".{a}")).is_some_and(|l| !l.contains('.')) {
            Some(base.clone())
        } else {
            None
        };
        if let Some(ex) = example {
            return Err(Refusal::Excluded { by: e.to_string(), example: Some(ex) });
        }
    }
    let dns: Vec<&String> =
        nc.permitted.iter().filter_map(|s| if let Subtree::Dns(b) = s { Some(b) } else { None }).collect();
    if !dns.is_empty() && !dns.iter().any(|b| dns_within(a, b.strip_prefix('.').unwrap_or(b))) {
        let permitted = dns.iter().map(|b| format!("DNS {b}")).collect();
        return Err(Refusal::NotPermitted { permitted, example: Some(format!("anything.{a}")) });
    }
    Ok(())
}

/// Check a SAN against one CA's constraints.
pub fn check_san(nc: &NameConstraints, san: &SanEntry) -> Result<(), Refusal> {
    match san {
        SanEntry::Dns(d) => check(nc, &Name::Dns(d)),
        SanEntry::Ip(ip) => check(nc, &Name::Ip(*ip)),
        SanEntry::Email(e) => check(nc, &Name::Email(e)),
        SanEntry::Uri(u) => check(nc, &Name::Uri(u)),
    }
}

/// Refuse a leaf whose names the constraints of its issuing chain (`(CA name, constraints)`
/// from the issuer up to the root) forbid. Its SANs are what clients check; a CN is checked
/// too, as a DNS name, when there is no DNS SAN and it looks like a host name with a dot,
/// because OpenSSL then checks it (crypto/x509/v3_ncons.c, NAME_CONSTRAINTS_check_CN).
pub fn check_leaf(chain: &[(String, NameConstraints)], sans: &[SanEntry], cn: Option<&str>) -> crate::Result<()> {
    let refuse = |what, name: String, ca: &String, how| {
        Error::NameConstraint(Box::new(ConstraintViolation { what, name, ca: ca.clone(), how }))
    };
    for (ca, nc) in chain {
        for san in sans {
            check_san(nc, san).map_err(|how| refuse("SAN", san.value(), ca, how))?;
        }
        let cn_dns = cn.filter(|c| c.contains('.') && !sans.iter().any(|s| matches!(s, SanEntry::Dns(_))));
        if let Some(c) = cn_dns
            && let Ok(SanEntry::Dns(d)) = format!("dns:{c}").parse::<SanEntry>()
        {
            check(nc, &Name::Dns(&d)).map_err(|how| refuse("CN", c.to_string(), ca, how))?;
        }
    }
    Ok(())
}

/// Whether a subtree an intermediate would permit is allowed by its root's constraints: it
/// must lie within a permitted subtree of its type (when the root has any) and not within an
/// excluded one. A broader subtree that merely contains an excluded one is allowed: the
/// root's exclusion still applies to every certificate below it.
pub fn check_subtree(nc: &NameConstraints, s: &Subtree) -> Result<(), Refusal> {
    let inside = |outer: &Subtree| -> Option<bool> {
        match (s, outer) {
            (Subtree::Dns(d), Subtree::Dns(b)) => Some(dns_within(d, b)),
            (Subtree::Ip(r), Subtree::Ip(o)) => Some(r.within(o)),
            (Subtree::Email(e), Subtree::Email(b)) if e.contains('@') => Some(email_within(e, b)),
            (Subtree::Email(e), Subtree::Email(b)) | (Subtree::Uri(e), Subtree::Uri(b)) => Some(host_within(e, b)),
            _ => None,
        }
    };
    if let Some(by) = nc.excluded.iter().find(|o| inside(o) == Some(true)) {
        return Err(Refusal::Excluded { by: by.to_string(), example: None });
    }
    let same_type: Vec<&Subtree> = nc.permitted.iter().filter(|o| inside(o).is_some()).collect();
    if !same_type.is_empty() && !same_type.iter().any(|o| inside(o) == Some(true)) {
        return Err(Refusal::NotPermitted {
            permitted: same_type.iter().map(|s| s.to_string()).collect(),
            example: None,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::constraints::{Entry, parse_exclude, parse_permit};

    fn nc(permit: &[&str], exclude: &[&str]) -> NameConstraints {
        let p: Vec<Entry> = permit.iter().map(|s| parse_permit(s).unwrap()).collect();
        let e: Vec<Subtree> = exclude.iter().map(|s| parse_exclude(s).unwrap()).collect();
        NameConstraints::from_flags(&p, &e).unwrap()
    }
    fn ok(nc: &NameConstraints, san: &str) -> bool {
        check_san(nc, &san.parse().unwrap()).is_ok()
    }

    #[test]
    fn dns_subtrees_respect_label_boundaries_and_case() {
        assert!(dns_within("a.test", "test"));
        assert!(dns_within("test", "test"));
        assert!(dns_within("A.B.TEST", "b.test"));
        assert!(!dns_within("nottest", "test"));
        assert!(!dns_within("a.nottest", "test"));
        assert!(!dns_within("test", ".test"), "a leading dot means strictly under");
        assert!(dns_within("a.test", ".test"));
        assert!(dns_within("anything", ""));
    }

    #[test]
    fn the_local_preset_and_its_closure() {
        let local = nc(&["local"], &[]);
        for good in [
            "localhost",
            "app.test",
            "x.home.arpa",
            "printer.lan",
            "127.0.0.1",
            "10.1.2.3",
            "172.31.0.1",
            "::1",
            "fd12::1",
        ] {
            assert!(ok(&local, good), "{good}");
        }
        for bad in ["google.com", "nottest", "172.32.0.1", "8.8.8.8", "2001:db8::1", "a@b.test", "spiffe://c.test/x"] {
            assert!(!ok(&local, bad), "{bad}");
        }
        // A DNS-only permit: IP is closed by the exclusion of everything.
        let dns_only = nc(&["example.test"], &[]);
        let why = check_san(&dns_only, &"8.8.8.8".parse().unwrap()).unwrap_err();
        assert_eq!(why, Refusal::Excluded { by: "IP 0.0.0.0/0".into(), example: None });
        assert!(!ok(&dns_only, "::1"));
        // An IP-only permit: DNS is closed by permitting only pki.invalid.
        let ip_only = nc(&["10.0.0.0/8"], &[]);
        assert!(ok(&ip_only, "10.9.9.9") && !ok(&ip_only, "11.0.0.1") && !ok(&ip_only, "a.test"));
    }

    #[test]
    fn ip_ranges_v4_and_v6() {
        let n = nc(&["192.168.0.0/16", "fd00::/8"], &["192.168.66.0/24"]);
        assert!(ok(&n, "192.168.1.1") && ok(&n, "fd00::1") && ok(&n, "fdff::1"));
        assert!(!ok(&n, "192.168.66.7"), "excluded inside permitted");
        assert!(!ok(&n, "192.169.0.1") && !ok(&n, "fe00::1"));
        assert!(!ok(&n, "::ffff:192.168.1.1"), "an IPv6 address is not in an IPv4 range");
    }

    #[test]
    fn emails_by_domain() {
        let n = nc(&["example.test", "@example.com"], &[]);
        assert!(ok(&n, "alice@example.com") && ok(&n, "alice@EXAMPLE.com"));
        assert!(!ok(&n, "alice@sub.example.com") && !ok(&n, "alice@example.org"));
    }

    #[test]
    fn wildcards_are_refused_when_they_could_match_an_excluded_name() {
        let n = nc(&["example.test"], &["secret.example.test"]);
        let why = check_san(&n, &"*.example.test".parse().unwrap()).unwrap_err();
        assert_eq!(
            why,
            Refusal::Excluded { by: "DNS secret.example.test".into(), example: Some("secret.example.test".into()) }
        );
        assert!(!ok(&n, "*.secret.example.test"), "every name it matches is excluded");
        assert!(!ok(&n, "*.a.secret.example.test"));
        assert!(ok(&n, "*.web.example.test"), "x.web.example.test is never under secret.example.test");
        assert!(!ok(&n, "secret.example.test") && !ok(&n, "x.secret.example.test"));
        // Deeper exclusions are out of a one-label wildcard's reach.
        assert!(ok(&nc(&["example.test"], &["a.b.example.test"]), "*.example.test"));
    }

    #[test]
    fn wildcards_are_permitted_only_when_every_match_is() {
        let n = nc(&["www.example.test"], &[]);
        assert!(!ok(&n, "*.example.test"), "only www.example.test is permitted, not every label");
        assert!(ok(&n, "*.www.example.test"));
        assert!(ok(&nc(&["test"], &[]), "*.test"));
    }

    #[test]
    fn the_cn_counts_only_without_a_dns_san() {
        let chain = vec![("Root".to_string(), nc(&["test"], &[]))];
        assert!(check_leaf(&chain, &[], Some("alice")).is_ok(), "no dot: not a host name");
        let e = check_leaf(&chain, &[], Some("www.google.com")).unwrap_err().to_string();
        assert!(
            e.starts_with("CN 'www.google.com' is outside the permitted names of 'Root' (permitted: DNS test"),
            "{e}"
        );
        let san = vec!["a.test".parse().unwrap()];
        assert!(check_leaf(&chain, &san, Some("www.google.com")).is_ok());
    }

    #[test]
    fn intermediates_stay_inside_their_root() {
        let root = nc(&["local"], &["secret.test"]);
        let sub = |s: &str| check_subtree(&root, &parse_exclude(s).unwrap());
        assert!(sub("app.test").is_ok() && sub("10.1.0.0/16").is_ok() && sub("test").is_ok());
        assert!(matches!(sub("example.com"), Err(Refusal::NotPermitted { .. })));
        assert!(matches!(sub("x.secret.test"), Err(Refusal::Excluded { .. })));
        assert!(matches!(sub("10.0.0.0/7"), Err(Refusal::NotPermitted { .. })));
        assert!(matches!(sub("@example.com"), Err(Refusal::NotPermitted { .. })), "email is closed on the root");
        let dns_only = nc(&["test"], &[]);
        assert!(matches!(
            check_subtree(&dns_only, &parse_exclude("10.0.0.0/8").unwrap()),
            Err(Refusal::Excluded { .. })
        ));
    }
}
