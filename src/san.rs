//! Subject alternative names: parsing `--san` entries by their form, validating them,
//! and converting internationalised names to A-labels.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use crate::error::{Error, Result};

/// One subject alternative name, validated and normalised.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SanEntry {
    /// A DNS name in A-label (ASCII) form, lower case; may start with `*.`.
    Dns(String),
    /// An IPv4 or IPv6 address.
    Ip(IpAddr),
    /// An email address (rfc822Name).
    Email(String),
    /// A URI such as `spiffe://cluster.local/ns/default/sa/web`.
    Uri(String),
}

impl SanEntry {
    /// The entry as a plain string (no type prefix): what a CN or a file name is made from.
    pub fn value(&self) -> String {
        match self {
            SanEntry::Dns(s) | SanEntry::Email(s) | SanEntry::Uri(s) => s.clone(),
            SanEntry::Ip(ip) => ip.to_string(),
        }
    }

    /// Whether this is a wildcard DNS name.
    pub fn is_wildcard(&self) -> bool {
        matches!(self, SanEntry::Dns(s) if s.starts_with("*."))
    }

    /// The rcgen form of this entry.
    pub fn to_rcgen(&self) -> Result<rcgen::SanType> {
        let ia5 = |s: &str| {
            rcgen::string::Ia5String::try_from(s.to_string())
                .map_err(|e| Error::invalid("--san", s, format!("not representable: {e}")))
        };
        Ok(match self {
            SanEntry::Dns(s) => rcgen::SanType::DnsName(ia5(s)?),
            SanEntry::Ip(ip) => rcgen::SanType::IpAddress(*ip),
            SanEntry::Email(s) => rcgen::SanType::Rfc822Name(ia5(s)?),
            SanEntry::Uri(s) => rcgen::SanType::URI(ia5(s)?),
        })
    }

    /// Warnings worth telling the user about this entry (they never stop issuance).
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        if let SanEntry::Dns(s) = self
            && let Some(base) = s.strip_prefix("*.")
            && !base.contains('.')
        {
            w.push(format!(
                "'{s}' is a wildcard over a single label: browsers refuse wildcards like '*.localhost' or '*.com'"
            ));
        }
        w
    }
}

impl fmt::Display for SanEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SanEntry::Dns(s) => write!(f, "DNS:{s}"),
            SanEntry::Ip(ip) => write!(f, "IP:{ip}"),
            SanEntry::Email(s) => write!(f, "email:{s}"),
            SanEntry::Uri(s) => write!(f, "URI:{s}"),
        }
    }
}

impl FromStr for SanEntry {
    type Err = Error;

    /// Parse one entry: an explicit `dns:`, `ip:`, `email:` or `uri:` prefix, else by form.
    fn from_str(raw: &str) -> Result<SanEntry> {
        let entry = raw.trim();
        let bad = |reason: &str| Error::invalid("--san", raw, reason);
        if entry.is_empty() {
            return Err(bad("empty entry (two commas in a row, or a trailing comma?)"));
        }
        if let Some((prefix, rest)) = entry.split_once(':') {
            match prefix.to_ascii_lowercase().as_str() {
                "dns" => return parse_dns(rest).map(SanEntry::Dns).map_err(|r| bad(&r)),
                "ip" => {
                    return parse_ip(rest).map(SanEntry::Ip).ok_or_else(|| bad("not a valid IPv4 or IPv6 address"));
                }
                "email" => return parse_email(rest).map(SanEntry::Email).map_err(|r| bad(&r)),
                "uri" => return parse_uri(rest).map(SanEntry::Uri).map_err(|r| bad(&r)),
                _ => {}
            }
        }
        if let Some(ip) = parse_ip(entry) {
            return Ok(SanEntry::Ip(ip));
        }
        if entry.contains("://") {
            if let Some(host) = url_host(entry) {
                return Err(Error::InvalidValue {
                    flag: "--san",
                    value: raw.to_string(),
                    reason: format!(
                        "looks like a URL; as a URI SAN it would not make the certificate valid for '{host}' \
                         (TLS clients match host names against DNS and IP SANs only)"
                    ),
                    hint: Some(format!(
                        "write '{host}' (the host alone), or 'uri:{entry}' if you really mean a URI SAN"
                    )),
                });
            }
            return parse_uri(entry).map(SanEntry::Uri).map_err(|r| bad(&r));
        }
        if entry.contains('@') {
            return parse_email(entry).map(SanEntry::Email).map_err(|r| bad(&r));
        }
        parse_dns(entry).map(SanEntry::Dns).map_err(|r| bad(&r))
    }
}

/// Parse every comma-separated entry of every `--san` value, in order, without duplicates.
pub fn parse_san_lists(lists: &[String]) -> Result<Vec<SanEntry>> {
    let mut out: Vec<SanEntry> = Vec::new();
    for list in lists {
        for raw in list.split(',') {
            let entry: SanEntry = raw.parse()?;
            if !out.contains(&entry) {
                out.push(entry);
            }
        }
    }
    Ok(out)
}

/// URL schemes whose `scheme://host` names a host that TLS clients match against DNS and IP
/// SANs, never URI SANs: `https://localhost:8443` in `--san` is a mistake far more often than
/// a URI SAN (a SPIFFE ID, `spiffe://...`, is not in this list and stays a URI).
const URL_SCHEMES: &[&str] =
    &["http", "https", "ws", "wss", "ftp", "ftps", "ldap", "ldaps", "smtp", "smtps", "imap", "imaps", "tcp", "tls"];

/// The host of a URL-looking entry (`https://user@host:port/path`), when its scheme is one
/// of [`URL_SCHEMES`] and it names a host; IPv6 hosts lose their brackets.
fn url_host(entry: &str) -> Option<String> {
    let (scheme, rest) = entry.split_once("://")?;
    if !URL_SCHEMES.contains(&scheme.to_ascii_lowercase().as_str()) {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split_once(']').map_or(v6, |(h, _)| h),
        None => host_port.split_once(':').map_or(host_port, |(h, _)| h),
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

fn parse_ip(s: &str) -> Option<IpAddr> {
    let s = s.strip_prefix('[').and_then(|x| x.strip_suffix(']')).unwrap_or(s);
    IpAddr::from_str(s).ok()
}

/// Validate a DNS name (optionally `*.`-prefixed), returning its lower-case A-label form.
fn parse_dns(name: &str) -> std::result::Result<String, String> {
    if name.is_empty() {
        return Err("empty DNS name".into());
    }
    if name.chars().any(char::is_whitespace) {
        return Err("a DNS name cannot contain spaces".into());
    }
    if name == "*" {
        return Err("a bare '*' matches nothing; write '*.example.com'".into());
    }
    let (wild, base) = match name.strip_prefix("*.") {
        Some(rest) => (true, rest),
        None => (false, name),
    };
    if base.contains('*') {
        return Err(
            "a wildcard must be the whole leftmost label, as in '*.example.com' (wildcards only go one level deep)"
                .into(),
        );
    }
    if base.ends_with('.') {
        return Err("remove the trailing dot".into());
    }
    let ascii = if base.is_ascii() {
        base.to_ascii_lowercase()
    } else {
        idna::domain_to_ascii(base).map_err(|_| "not a valid internationalised domain name".to_string())?
    };
    if ascii.len() > 253 {
        return Err("longer than 253 characters".into());
    }
    let labels: Vec<&str> = ascii.split('.').collect();
    for label in &labels {
        if label.is_empty() {
            return Err("empty label (two dots in a row, or a leading dot)".into());
        }
        if label.len() > 63 {
            return Err(format!("label '{label}' is longer than 63 characters"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("label '{label}' starts or ends with '-'"));
        }
        if let Some(c) = label.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
            return Err(format!("'{c}' is not allowed in a DNS name"));
        }
    }
    // An ASCII name may still hold A-labels ('xn--...'): each must be valid punycode that
    // decodes to what IDNA allows and encodes back to itself ('xn--zz' does not).
    if let Some(label) = labels.iter().find(|l| l.starts_with("xn--")) {
        let (unicode, decoded) = idna::domain_to_unicode(label);
        let round_trip = idna::domain_to_ascii(&unicode).ok();
        if decoded.is_err() || round_trip.as_deref() != Some(*label) {
            return Err(format!("label '{label}' is not a valid A-label (IDNA punycode)"));
        }
    }
    // No top-level domain is numeric: '1.2.3.999' is a broken IP address, not a host name.
    if labels.last().is_some_and(|l| l.chars().all(|c| c.is_ascii_digit())) {
        return Err("not a valid IP address, and a DNS name cannot end in a numeric label".into());
    }
    Ok(if wild { format!("*.{ascii}") } else { ascii })
}

fn parse_email(addr: &str) -> std::result::Result<String, String> {
    let Some((local, domain)) = addr.rsplit_once('@') else {
        return Err("an email address needs a '@'".into());
    };
    if local.is_empty() {
        return Err("empty local part before '@'".into());
    }
    if !local.is_ascii() || local.chars().any(|c| c.is_ascii_control() || c == ' ' || c == '@') {
        return Err("the part before '@' must be printable ASCII without spaces".into());
    }
    if domain.starts_with("*.") {
        return Err("an email domain cannot be a wildcard".into());
    }
    let domain = parse_dns(domain)?;
    Ok(format!("{local}@{domain}"))
}

fn parse_uri(uri: &str) -> std::result::Result<String, String> {
    let Some((scheme, rest)) = uri.split_once(':') else {
        return Err("a URI needs a scheme, as in 'spiffe://...'".into());
    };
    let mut chars = scheme.chars();
    let scheme_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok {
        return Err(format!("'{scheme}' is not a URI scheme"));
    }
    if rest.is_empty() || rest == "//" {
        return Err("nothing after the scheme".into());
    }
    if !uri.is_ascii() || uri.chars().any(|c| c.is_ascii_whitespace() || c.is_ascii_control()) {
        return Err("a URI must be ASCII without spaces (percent-encode anything else)".into());
    }
    Ok(uri.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> SanEntry {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }
    fn err(s: &str) -> String {
        match s.parse::<SanEntry>() {
            Ok(v) => panic!("{s} parsed as {v:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn broken_a_labels_and_empty_uris_are_refused() {
        assert!(err("xn--zz.example").contains("label 'xn--zz' is not a valid A-label"));
        assert!(err("XN--ZZ").contains("not a valid A-label"));
        assert_eq!(ok("xn--bcher-kva.example"), SanEntry::Dns("xn--bcher-kva.example".into()));
        assert!(err("spiffe://").contains("nothing after the scheme"));
        assert_eq!(ok("file:///etc"), SanEntry::Uri("file:///etc".into()));
    }

    #[test]
    fn typed_by_form() {
        assert_eq!(ok("localhost"), SanEntry::Dns("localhost".into()));
        assert_eq!(ok("Example.COM"), SanEntry::Dns("example.com".into()));
        assert_eq!(ok("127.0.0.1"), SanEntry::Ip("127.0.0.1".parse().unwrap()));
        assert_eq!(ok("::1"), SanEntry::Ip("::1".parse().unwrap()));
        assert_eq!(ok("[::1]"), SanEntry::Ip("::1".parse().unwrap()));
        assert_eq!(ok("*.example.com"), SanEntry::Dns("*.example.com".into()));
        assert_eq!(ok("alice@example.com"), SanEntry::Email("alice@example.com".into()));
        assert_eq!(ok("spiffe://c.local/ns/a"), SanEntry::Uri("spiffe://c.local/ns/a".into()));
    }

    #[test]
    fn explicit_prefixes_override_the_guess() {
        assert_eq!(ok("dns:web"), SanEntry::Dns("web".into()));
        assert_eq!(ok("ip:10.0.0.1"), SanEntry::Ip("10.0.0.1".parse().unwrap()));
        assert_eq!(ok("email:a@b.test"), SanEntry::Email("a@b.test".into()));
        assert_eq!(ok("uri:urn:example:x"), SanEntry::Uri("urn:example:x".into()));
        assert_eq!(ok("DNS:Web.Test"), SanEntry::Dns("web.test".into()));
    }

    #[test]
    fn idn_becomes_a_label() {
        assert_eq!(ok("bücher.example"), SanEntry::Dns("xn--bcher-kva.example".into()));
        assert_eq!(ok("*.münchen.de"), SanEntry::Dns("*.xn--mnchen-3ya.de".into()));
    }

    #[test]
    fn rejects_named_invalid_forms() {
        assert!(err("a b.test").contains("spaces"));
        assert!(err("a..test").contains("empty label"));
        assert!(err("1.2.3.999").contains("not a valid IP"));
        assert!(err("*").contains("bare '*'"));
        assert!(err("www.*.example.com").contains("leftmost"));
        assert!(err("f*.example.com").contains("leftmost"));
        assert!(err("ip:1.2.3.999").contains("not a valid IPv4"));
        assert!(err("").contains("empty entry"));
        assert!(err("-a.test").contains("starts or ends"));
        assert!(err("a.test.").contains("trailing dot"));
        assert!(err("@b.test").contains("local part"));
        assert!(err(&format!("{}.test", "a".repeat(64))).contains("longer than 63"));
    }

    #[test]
    fn lists_split_and_deduplicate() {
        let v = parse_san_lists(&["a.test,127.0.0.1".into(), "a.test,b.test".into()]).unwrap();
        assert_eq!(v.len(), 3);
        assert!(parse_san_lists(&["a.test,,b.test".into()]).is_err());
    }

    #[test]
    fn url_looking_entries_are_refused_with_the_host_to_write() {
        let hint = |s: &str| s.parse::<SanEntry>().unwrap_err().hint().unwrap_or_default();
        assert!(err("https://localhost:8443").contains("looks like a URL"));
        assert!(hint("https://localhost:8443").contains("write 'localhost' (the host alone)"));
        assert!(hint("https://localhost:8443").contains("'uri:https://localhost:8443'"));
        assert!(hint("HTTP://Web.Test/path?q=1").contains("write 'web.test'"));
        assert!(hint("wss://user@chat.test:443/socket").contains("write 'chat.test'"));
        assert!(hint("https://[::1]:8443/").contains("write '::1'"));
        assert!(hint("tcp://10.0.0.1:2376").contains("write '10.0.0.1'"));
        // A URI SAN for real: a prefix, a non-web scheme, or a URL without a host.
        assert_eq!(ok("uri:https://localhost:8443"), SanEntry::Uri("https://localhost:8443".into()));
        assert_eq!(ok("spiffe://c.local/ns/a"), SanEntry::Uri("spiffe://c.local/ns/a".into()));
        assert_eq!(ok("file:///etc"), SanEntry::Uri("file:///etc".into()));
    }

    #[test]
    fn single_label_wildcard_warns() {
        assert_eq!(ok("*.localhost").warnings().len(), 1);
        assert!(ok("*.example.com").warnings().is_empty());
    }
}
