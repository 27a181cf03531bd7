//! Issue 14, "Issuing": `issue peer`, URL-looking SANs, relative times, Ed25519 server
//! warnings, one rule for counting days, and renewals that keep their lifetime.

use x509_parser::extensions::ParsedExtension;

use crate::common::{Pki, both, parse, read_cert, require, tool};
use crate::handshake::{ca_pem, certs, handshake13};

/// The extendedKeyUsage of a certificate: (serverAuth, clientAuth, any other purpose).
fn eku(der: &[u8]) -> (bool, bool, bool) {
    let cert = parse(der);
    let ekus: Vec<_> = cert
        .extensions()
        .iter()
        .filter_map(|e| match e.parsed_extension() {
            ParsedExtension::ExtendedKeyUsage(u) => Some(u.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(ekus.len(), 1, "exactly one extendedKeyUsage extension");
    let u = &ekus[0];
    (u.server_auth, u.client_auth, u.any || u.code_signing || u.email_protection || !u.other.is_empty())
}

/// `openssl verify -x509_strict -CAfile ROOT -purpose PURPOSE LEAF` in the working directory.
fn openssl_verify(pki: &Pki, purpose: &str, leaf: &str) -> std::process::Output {
    let ca = ca_pem(pki);
    let ca = ca.to_str().expect("UTF-8 path");
    tool("openssl", &["verify", "-x509_strict", "-CAfile", ca, "-purpose", purpose, leaf], &pki.work())
}

// ---------------------------------------------------------------------------------------
// 1. issue peer
// ---------------------------------------------------------------------------------------

#[test]
fn a_peer_certificate_has_server_and_client_auth_and_openssl_accepts_it_for_both() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    pki.init(&[]);
    let out = pki.ok(&["issue", "peer", "--san", "etcd-1.test,10.0.0.11"]);
    assert!(out.contains("Issued peer certificate (server and client) for etcd-1.test, 10.0.0.11"), "{out}");
    // Named after the first SAN, CN the first SAN, as for a server.
    let der = read_cert(&pki.path("etcd-1.test.pem"));
    assert!(pki.path("etcd-1.test-key.pem").exists() && pki.path("etcd-1.test-chain.pem").exists());
    assert_eq!(eku(&der), (true, true, false));
    let cert = parse(&der);
    let cn: Vec<_> = cert.subject().iter_common_name().map(|a| a.as_str().unwrap().to_string()).collect();
    assert_eq!(cn, ["etcd-1.test"]);
    for purpose in ["sslserver", "sslclient"] {
        let out = openssl_verify(&pki, purpose, "etcd-1.test.pem");
        assert!(out.status.success(), "openssl verify -purpose {purpose}:\n{}", both(&out));
        assert!(both(&out).contains("etcd-1.test.pem: OK"), "{}", both(&out));
    }
    // The twin that could wrongly pass: a server certificate is no client.
    pki.ok(&["issue", "server", "--san", "web.test", "-q"]);
    let out = openssl_verify(&pki, "sslclient", "web.test.pem");
    assert!(!out.status.success(), "a server certificate passed as a client:\n{}", both(&out));

    // The ledger and --json say "peer".
    let list = pki.json(&["list"]);
    let profiles: Vec<&str> =
        list.as_array().expect("an array").iter().map(|c| c["profile"].as_str().unwrap()).collect();
    assert_eq!(profiles, ["peer", "server"], "{list}");
}

#[test]
fn a_peer_certificate_needs_a_san_and_takes_the_server_flags() {
    let pki = Pki::new();
    pki.init(&[]);
    let err = pki.fails(2, &["issue", "peer", "--cn", "node"]);
    assert!(err.contains("--san"), "{err}");
    pki.ok(&[
        "issue",
        "peer",
        "--san",
        "kafka-0.test",
        "--cn",
        "kafka-0",
        "--name",
        "k0",
        "--key-type",
        "rsa-2048",
        "--days",
        "30",
        "-q",
    ]);
    let der = read_cert(&pki.path("k0.pem"));
    let cert = parse(&der);
    assert_eq!(cert.subject().iter_common_name().next().unwrap().as_str().unwrap(), "kafka-0");
    assert_eq!((cert.validity().not_after.timestamp() - cert.validity().not_before.timestamp()) / 86400, 30);
    assert_eq!(eku(&der), (true, true, false));
}

#[test]
fn two_peers_complete_mutual_tls_in_both_directions() {
    // Each member serves the other and is the other's client, with the same certificate.
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["issue", "peer", "--san", "localhost,node-a.test", "--name", "a", "-q"]);
    pki.ok(&["issue", "peer", "--san", "localhost,node-b.test", "--name", "b", "-q"]);
    let ca = ca_pem(&pki);
    for (server, client) in [("a", "b"), ("b", "a")] {
        let (server_side, client_side) = handshake13((&pki, server), (&pki, client), &ca).assert_ok();
        assert_eq!(server_side.peer, certs(&pki.path(&format!("{client}.pem"))), "{server} saw {client}");
        assert_eq!(client_side.peer, certs(&pki.path(&format!("{server}.pem"))), "{client} saw {server}");
    }
}

#[test]
fn sign_makes_a_peer_certificate_from_a_request() {
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["csr", "--cn", "node-c", "--san", "node-c.test", "-q"]);
    pki.ok(&["sign", "node-c.csr", "--profile", "peer", "-q"]);
    assert_eq!(eku(&read_cert(&pki.path("node-c.pem"))), (true, true, false));
}

// ---------------------------------------------------------------------------------------
// 2. URL-looking SANs
// ---------------------------------------------------------------------------------------

#[test]
fn a_url_as_a_san_is_refused_with_the_host_to_write_and_nothing_is_written() {
    let pki = Pki::new();
    pki.init(&[]);
    let err = pki.fails(1, &["issue", "server", "--san", "localhost,https://localhost:8443"]);
    assert_eq!(
        crate::common::lines(&err),
        [
            "error: invalid --san 'https://localhost:8443': looks like a URL; as a URI SAN it would not make the \
             certificate valid for 'localhost' (TLS clients match host names against DNS and IP SANs only)",
            "hint: write 'localhost' (the host alone), or 'uri:https://localhost:8443' if you really mean a URI SAN",
        ]
    );
    assert!(pki.work_files().is_empty(), "{:?}", pki.work_files());
    let err = pki.fails(1, &["issue", "peer", "--san", "tcp://[::1]:2379"]);
    assert!(err.contains("hint: write '::1' (the host alone)"), "{err}");
    let err = pki.fails(1, &["issue", "client", "--cn", "alice", "--san", "http://alice.test/"]);
    assert!(err.contains("hint: write 'alice.test' (the host alone)"), "{err}");
}

#[test]
fn a_uri_prefix_makes_a_url_a_uri_san_for_real() {
    let pki = Pki::new();
    pki.init(&[]);
    let out =
        pki.json(&["issue", "server", "--san", "localhost,uri:https://localhost:8443", "--san", "spiffe://c.test/a"]);
    assert_eq!(out["sans"], serde_json::json!(["localhost", "https://localhost:8443", "spiffe://c.test/a"]));
    let der = read_cert(&pki.path("localhost.pem"));
    let cert = parse(&der);
    let san = cert.subject_alternative_name().unwrap().unwrap().value;
    let uris: Vec<String> = san
        .general_names
        .iter()
        .filter_map(|g| match g {
            x509_parser::extensions::GeneralName::URI(u) => Some(u.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(uris, ["https://localhost:8443", "spiffe://c.test/a"]);
}

// ---------------------------------------------------------------------------------------
// 3. Relative times
// ---------------------------------------------------------------------------------------

/// `pki verify FILE`, which must exit 3; returns what it printed (the report is on stdout).
fn verify_fails(pki: &Pki, file: &str) -> String {
    let out = pki.call(["verify", file]).output();
    assert_eq!(out.status.code(), Some(3), "{}", both(&out));
    both(&out)
}

/// A `--json` RFC 3339 field as a time.
fn time_of(doc: &serde_json::Value, field: &str) -> time::OffsetDateTime {
    let s = doc[field].as_str().unwrap_or_else(|| panic!("no {field} in {doc}"));
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).unwrap()
}

#[test]
fn not_after_minus_one_hour_alone_mints_a_certificate_that_verify_calls_expired() {
    let pki = Pki::new();
    pki.init(&[]);
    let before = time::OffsetDateTime::now_utc();
    let doc = pki.json(&["issue", "server", "--san", "old.test", "--not-after", "-1h", "--days", "10"]);
    let (nb, na) = (time_of(&doc, "not_before"), time_of(&doc, "not_after"));
    let ago = before - na;
    assert!(ago > time::Duration::minutes(59) && ago <= time::Duration::minutes(61), "notAfter {na}, {ago} ago");
    assert_eq!(na - nb, time::Duration::days(10), "starts --days before the notAfter given");
    let out = verify_fails(&pki, "old.test.pem");
    assert!(out.contains("expired: 'CN=old.test' expired 1 hour ago"), "{out}");
}

#[test]
fn relative_not_before_and_not_after_count_from_now() {
    let pki = Pki::new();
    pki.init(&[]);
    let before = time::OffsetDateTime::now_utc();
    let doc = pki.json(&["issue", "server", "--san", "short.test", "--not-after", "24h"]);
    let after = time::OffsetDateTime::now_utc();
    let na = time_of(&doc, "not_after");
    let second = time::Duration::seconds(1);
    assert!(na >= before + time::Duration::hours(24) - second && na <= after + time::Duration::hours(24), "{na}");
    assert!(pki.path("short.test.pem").exists());

    // Not yet valid: from two weeks ahead, for 90 minutes more than 30 days from now.
    let doc = pki.json(&["issue", "client", "--cn", "later", "--not-before", "+2w", "--not-after", "30d"]);
    let nb = time_of(&doc, "not_before");
    assert!(nb >= before + time::Duration::weeks(2) - second && nb <= after + time::Duration::weeks(2) + second);
    let out = verify_fails(&pki, "later.pem");
    assert!(out.contains("not_yet_valid: 'CN=later' is not valid until"), "{out}");

    let err = pki.fails(1, &["issue", "server", "--san", "x.test", "--not-after", "1y"]);
    assert_eq!(
        crate::common::lines(&err),
        [
            "error: invalid --not-after '1y': not an RFC 3339 time, a date or a duration from now",
            "hint: write '2024-01-01T00:00:00Z', '2024-01-01', or a duration from now: '24h', '-1h', '30d', '+2w'",
        ]
    );
    assert!(!pki.path("x.test.pem").exists());
}

// ---------------------------------------------------------------------------------------
// 4. Ed25519 server certificates
// ---------------------------------------------------------------------------------------

const ED25519_WARNING: &str = "certificates are refused by Firefox and other NSS-based clients (certutil: \
SEC_ERROR_ADDING_CERT, tstclnt: NO_CYPHER_OVERLAP), and Chrome and Safari do not offer Ed25519 in TLS; use \
--key-type ecdsa-p256 (the default) for a certificate browsers accept";

/// The `warning:` lines `pki ARGS` printed, asserting it succeeded.
fn warnings_of(pki: &Pki, args: &[&str]) -> Vec<String> {
    let out = pki.call(args).output();
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    crate::common::lines(&crate::common::text(&out.stderr)).into_iter().filter(|l| l.starts_with("warning:")).collect()
}

#[test]
fn an_ed25519_server_or_peer_certificate_warns_naming_the_clients_that_refuse_it() {
    let pki = Pki::new();
    pki.init(&[]);
    let w = warnings_of(&pki, &["issue", "server", "--san", "ed.test", "--key-type", "ed25519"]);
    assert_eq!(w, [format!("warning: Ed25519 server {ED25519_WARNING}")]);
    assert!(pki.path("ed.test.pem").exists(), "a warning, not a refusal");
    let w = warnings_of(&pki, &["issue", "peer", "--san", "edpeer.test", "--key-type", "ed25519", "--json"]);
    assert_eq!(w, [format!("warning: Ed25519 peer {ED25519_WARNING}")]);
    // Clients and other key types: nothing to say.
    assert!(warnings_of(&pki, &["issue", "client", "--cn", "alice", "--key-type", "ed25519"]).is_empty());
    assert!(warnings_of(&pki, &["issue", "server", "--san", "ec.test"]).is_empty());
    // A CSR with an Ed25519 key signed as a server certificate: the same warning.
    pki.ok(&["csr", "--cn", "edcsr", "--san", "edcsr.test", "--key-type", "ed25519", "-q"]);
    let w = warnings_of(&pki, &["sign", "edcsr.csr", "--profile", "server"]);
    assert_eq!(w, [format!("warning: Ed25519 server {ED25519_WARNING}")]);
}

// ---------------------------------------------------------------------------------------
// 5. One rule for counting days
// ---------------------------------------------------------------------------------------

#[test]
fn issue_and_inspect_count_the_same_days_for_the_same_certificate() {
    let pki = Pki::new();
    pki.init(&[]);
    for (days, name) in [("397", "a.test"), ("10", "b.test"), ("1", "c.test")] {
        let out = pki.ok(&["issue", "server", "--san", name, "--days", days]);
        assert!(out.contains(&format!("({days} day")), "issue --days {days}: {out}");
        let shown = pki.ok(&["inspect", &format!("{name}.pem")]);
        let unit = if days == "1" { "day" } else { "days" };
        assert!(shown.contains(&format!("(expires in {days} {unit})")), "inspect after --days {days}: {shown}");
        let check = pki.ok(&["check-renewal", &format!("{name}.pem"), "--within", "1h"]);
        assert!(check.contains(&format!("expires in {days} {unit}")), "check-renewal after --days {days}: {check}");
    }
}

// ---------------------------------------------------------------------------------------
// 6. Renewal keeps the lifetime
// ---------------------------------------------------------------------------------------

/// notAfter minus notBefore of a certificate file, in seconds.
fn lifetime(pki: &Pki, file: &str) -> i64 {
    let der = read_cert(&pki.path(file));
    let v = parse(&der).validity().clone();
    v.not_after.timestamp() - v.not_before.timestamp()
}

#[test]
fn renew_keeps_the_original_lifetime_unless_days_is_given() {
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["issue", "server", "--san", "ten.test", "--days", "10", "-q"]);
    let ten = lifetime(&pki, "ten.test.pem");
    assert_eq!(ten, 10 * 86_400 + 60, "10 days from a start backdated a minute");
    let out = pki.ok(&["renew", "ten.test.pem", "--force"]);
    assert!(out.contains("(10 days)"), "{out}");
    assert_eq!(lifetime(&pki, "ten.test.pem"), ten, "the renewal lasts as long as the original, to the second");
    // Renewed again: still the same, no minute gained per renewal.
    pki.ok(&["renew", "ten.test.pem", "--force", "-q"]);
    assert_eq!(lifetime(&pki, "ten.test.pem"), ten);

    let out = pki.ok(&["renew", "ten.test.pem", "--force", "--days", "30"]);
    assert!(out.contains("(30 days)"), "{out}");
    assert_eq!(lifetime(&pki, "ten.test.pem"), 30 * 86_400 + 60);

    // An expired test certificate of 31 days is renewed for 31 days from now.
    pki.ok(&["issue", "client", "--cn", "old", "--not-before", "2020-01-01", "--not-after", "2020-02-01", "-q"]);
    let before = time::OffsetDateTime::now_utc();
    let doc = pki.json(&["renew", "old.pem", "--force"]);
    assert_eq!(lifetime(&pki, "old.pem"), 31 * 86_400);
    assert!(time_of(&doc, "not_before") > before - time::Duration::minutes(2), "{doc}");
}

/// Issue 14: `pki check-renewal *.pem` also matches `*-key.pem`; key files are skipped (and
/// said), so the README's cron line does not renew a healthy certificate every run.
#[test]
fn check_renewal_skips_files_without_a_certificate_when_others_have_one() {
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["issue", "server", "--san", "localhost", "-q"]);
    let out =
        pki.run(&["check-renewal", "localhost-chain.pem", "localhost-key.pem", "localhost.pem", "--within", "30d"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("warning: skipped 'localhost-key.pem': it holds no certificate"), "{stderr}");
    let rows = pki.json(&["check-renewal", "localhost.pem", "localhost-key.pem"]);
    assert_eq!(rows.as_array().unwrap().len(), 1, "{rows:#}");
    // Only files without a certificate: an error, naming the first.
    let err = pki.fails(1, &["check-renewal", "localhost-key.pem"]);
    assert!(err.contains("'localhost-key.pem'") && err.contains("holds no certificate"), "{err}");
    // A missing file is still an error.
    pki.fails(1, &["check-renewal", "localhost.pem", "missing.pem"]);
}
