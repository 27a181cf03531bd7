//! One `--permit` or `--exclude` entry, typed by its form as SANs are: `example.test` (a DNS
//! subtree), `10.0.0.0/8` (an IP range), `@example.com` (an email domain), and the `local`
//! preset. The errors are clap's usage errors: they name the entry and say what to write.

use std::net::IpAddr;

use super::{IpRange, Subtree};

/// A `--permit` entry: the `local` preset or one subtree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// `local`: the names that never leave a machine or a private network.
    Local,
    /// One subtree.
    Subtree(Subtree),
}

/// `--permit local`: special-use and private names and ranges (RFC 6761 `localhost` and
/// `test`, ICANN's `internal`, RFC 8375 `home.arpa`, the common `lan`; loopback, RFC 1918
/// and RFC 4193 unique local addresses).
pub fn local_preset() -> Vec<Subtree> {
    let dns = ["localhost", "test", "internal", "home.arpa", "lan"].map(|d| Subtree::Dns(d.into()));
    let ip = ["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]
        .map(|r| parse_subtree(r).unwrap_or_else(|e| unreachable!("the preset's ranges parse: {e}")));
    dns.into_iter().chain(ip).collect()
}

/// Parse a `--permit` entry (clap value parser; `local` is the preset).
pub fn parse_permit(raw: &str) -> Result<Entry, String> {
    match raw.trim() {
        "local" => Ok(Entry::Local),
        _ => parse_subtree(raw).map(Entry::Subtree),
    }
}

/// Parse an `--exclude` entry (clap value parser).
pub fn parse_exclude(raw: &str) -> Result<Subtree, String> {
    if raw.trim() == "local" {
        return Err("'local' is a preset for --permit only; exclude names one by one".into());
    }
    parse_subtree(raw)
}

fn parse_subtree(raw: &str) -> Result<Subtree, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("empty entry (two commas in a row, or a trailing comma?); write a name like 'example.test', \
                    a range like '10.0.0.0/8' or an email domain like '@example.com'"
            .into());
    }
    if s.contains("://") {
        return Err("URI constraints are not supported; permit the host's DNS name instead".into());
    }
    if let Some((addr, prefix)) = s.split_once('/') {
        return parse_range(s, addr, prefix);
    }
    if s.parse::<IpAddr>().is_ok() {
        let bits = if s.contains(':') { 128 } else { 32 };
        return Err(format!("a constraint on IP addresses is a range: write '{s}/{bits}' for this one address"));
    }
    if let Some(domain) = s.strip_prefix('@') {
        return dns_name(domain).map(Subtree::Email).map_err(|e| format!("{e} (an email domain is '@example.com')"));
    }
    if s.contains('@') {
        return Err(format!(
            "constraints name email domains, not mailboxes: write '@{}'",
            s.rsplit_once('@').map_or("", |(_, d)| d)
        ));
    }
    if let Some(rest) = s.strip_prefix("*.") {
        return Err(format!("no wildcards: '{rest}' already covers every name under it; write '{rest}'"));
    }
    if let Some(rest) = s.strip_prefix('.') {
        return Err(format!(
            "no leading dot (clients read '.{rest}' differently); write '{rest}': it covers that name and every name under it"
        ));
    }
    dns_name(s).map(Subtree::Dns)
}

/// A DNS name validated as `--san` validates one (A-labels, lower case), without wildcards.
fn dns_name(s: &str) -> Result<String, String> {
    if s.contains('*') {
        return Err(format!("no wildcards in '{s}': a name covers every name under it"));
    }
    match format!("dns:{s}").parse::<crate::san::SanEntry>() {
        Ok(crate::san::SanEntry::Dns(d)) => Ok(d),
        Ok(other) => Err(format!("'{other}' is not a DNS name")),
        Err(crate::Error::InvalidValue { reason, .. }) => Err(format!("not a DNS name: {reason}")),
        Err(e) => Err(e.to_string()),
    }
}

fn parse_range(s: &str, addr: &str, prefix: &str) -> Result<Subtree, String> {
    let ip: IpAddr =
        addr.parse().map_err(|_| format!("'{addr}' is not an IPv4 or IPv6 address (write a range as '10.0.0.0/8')"))?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let bits: u8 = match prefix.parse() {
        Ok(b) if b <= max => b,
        _ => return Err(format!("the prefix length of '{s}' must be a number from 0 to {max}")),
    };
    let range = IpRange::new(ip, bits);
    if range.ip() != Some(ip) {
        return Err(format!("'{s}' has host bits set; write '{range}'"));
    }
    Ok(Subtree::Ip(range))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> String {
        parse_permit(s).map(|e| format!("{e:?}")).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn entries_are_typed_by_form() {
        assert_eq!(parse_permit("Example.TEST"), Ok(Entry::Subtree(Subtree::Dns("example.test".into()))));
        assert_eq!(parse_permit("@example.com"), Ok(Entry::Subtree(Subtree::Email("example.com".into()))));
        assert_eq!(parse_permit("local"), Ok(Entry::Local));
        assert!(ok("10.0.0.0/8").contains("Ip"));
        assert_eq!(parse_exclude("fd00::/8").unwrap().to_string(), "IP fd00::/8");
        assert_eq!(parse_exclude("0.0.0.0/0").unwrap().to_string(), "IP 0.0.0.0/0");
        assert_eq!(parse_exclude("bücher.test").unwrap().to_string(), "DNS xn--bcher-kva.test");
    }

    #[test]
    fn bad_entries_name_the_fix() {
        let err = |s: &str| parse_permit(s).unwrap_err();
        assert!(err("10.0.0.0/33").contains("from 0 to 32"));
        assert!(err("fd00::/129").contains("from 0 to 128"));
        assert!(err("10.0.0.1/8").contains("write '10.0.0.0/8'"));
        assert!(err("*.x").contains("write 'x'"));
        assert!(err(".test").contains("write 'test'"));
        assert!(err("").contains("empty entry"));
        assert!(err("10.1.2.3").contains("'10.1.2.3/32'"));
        assert!(err("a@b.test").contains("'@b.test'"));
        assert!(err("https://x.test").contains("not supported"));
        assert!(err("a..b").contains("empty label"));
        assert!(parse_exclude("local").unwrap_err().contains("--permit only"));
    }

    #[test]
    fn the_local_preset_is_the_contracts() {
        let shown: Vec<String> = local_preset().iter().map(ToString::to_string).collect();
        assert_eq!(
            shown.join(", "),
            "DNS localhost, DNS test, DNS internal, DNS home.arpa, DNS lan, IP 127.0.0.0/8, IP ::1/128, \
             IP 10.0.0.0/8, IP 172.16.0.0/12, IP 192.168.0.0/16, IP fc00::/7"
        );
    }
}
