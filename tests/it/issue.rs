//! `pki issue server` and `pki issue client`: the leaf profiles, SAN typing, validity,
//! the files written and their modes, `--json`, `pki list`, and human/quiet output.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::datetime;
use x509_parser::prelude::X509Version;

use crate::ca::{inter_dir, root_der, temp_leftovers};
use crate::common::*;
use crate::x509::*;

/// A world with a root CA (defaults).
fn with_root() -> Pki {
    let pki = Pki::new();
    pki.init(&[]);
    pki
}

/// A path `pki` printed, made absolute against the working directory it ran in.
fn printed_path(pki: &Pki, p: &serde_json::Value) -> PathBuf {
    pki.work().join(p.as_str().unwrap_or_else(|| panic!("not a path: {p}")))
}

fn time_of(v: &serde_json::Value) -> OffsetDateTime {
    let s = v.as_str().unwrap_or_else(|| panic!("not a string: {v}"));
    assert!(s.ends_with('Z'), "not UTC with a Z suffix: {s}");
    OffsetDateTime::parse(s, &Rfc3339).unwrap_or_else(|e| panic!("not RFC 3339: {s}: {e}"))
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

// ---------------------------------------------------------------------------------------
// Server and client profiles
// ---------------------------------------------------------------------------------------

#[test]
fn server_leaf_profile() {
    let pki = with_root();
    pki.ok(&["issue", "server", "--san", "localhost,127.0.0.1", "-q"]);
    let rder = root_der(&pki);
    let root = parse(&rder);
    let der = read_cert(&pki.path("localhost.pem"));
    let leaf = parse(&der);

    assert_eq!(leaf.version(), X509Version::V3);
    let (_, is_ca, path_len) = basic_constraints(&leaf);
    assert!(!is_ca, "CA:FALSE");
    assert_eq!(path_len, None);
    assert_eq!(key_usage(&leaf), (true, vec!["digitalSignature"]));
    assert_eq!(eku(&leaf), Some(strs(&["serverAuth"])));
    assert!(!ski(&leaf).is_empty());
    assert_ne!(ski(&leaf), ski(&root));
    assert_eq!(aki(&leaf), Some(ski(&root)), "AKI == root SKI");
    assert_eq!(leaf.issuer().as_raw(), root.subject().as_raw());
    leaf.verify_signature(Some(root.public_key())).expect("signed by the root");
    assert_good_serial(&leaf);
    assert_ne!(leaf.raw_serial(), root.raw_serial());
    assert_eq!(cn(&leaf), "localhost", "default CN = first SAN");
    assert_starts_now(&leaf);
    assert_lifetime_days(&leaf, 397);
}

#[test]
fn client_leaf_profile() {
    let pki = with_root();
    pki.ok(&["issue", "client", "--cn", "alice", "-q"]);
    let rder = root_der(&pki);
    let root = parse(&rder);
    let der = read_cert(&pki.path("alice.pem"));
    let leaf = parse(&der);

    assert!(!basic_constraints(&leaf).1, "CA:FALSE");
    assert_eq!(key_usage(&leaf), (true, vec!["digitalSignature"]));
    assert_eq!(eku(&leaf), Some(strs(&["clientAuth"])));
    assert!(!ski(&leaf).is_empty());
    assert_eq!(aki(&leaf), Some(ski(&root)));
    assert_eq!(cn(&leaf), "alice");
    assert_eq!(sans(&leaf), Vec::<String>::new(), "no SANs were asked for");
    assert_good_serial(&leaf);
    assert_lifetime_days(&leaf, 397);
    assert_eq!(
        files_in(&pki.work()),
        strs(&["alice-chain.pem", "alice-key.pem", "alice.pem"]),
        "client files are named after the CN"
    );
}

fn check_leaf_key_usage(key_type: &str, want: &[&str]) {
    let pki = with_root();
    pki.ok(&["issue", "server", "--san", "ku.test", "--key-type", key_type, "-q"]);
    let der = read_cert(&pki.path("ku.test.pem"));
    let leaf = parse(&der);
    assert_eq!(key_usage(&leaf), (true, want.to_vec()), "server, {key_type}");
    assert_eq!(eku(&leaf), Some(strs(&["serverAuth"])));

    pki.ok(&["issue", "client", "--cn", "ku-client", "--key-type", key_type, "-q"]);
    let der = read_cert(&pki.path("ku-client.pem"));
    let leaf = parse(&der);
    assert_eq!(key_usage(&leaf), (true, want.to_vec()), "client, {key_type}");
    assert_eq!(eku(&leaf), Some(strs(&["clientAuth"])));
}

#[test]
fn p256_leaf_key_usage_is_digital_signature_only() {
    check_leaf_key_usage("ecdsa-p256", &["digitalSignature"]);
}

#[test]
fn p384_leaf_key_usage_is_digital_signature_only() {
    check_leaf_key_usage("ecdsa-p384", &["digitalSignature"]);
}

#[test]
fn ed25519_leaf_key_usage_is_digital_signature_only() {
    check_leaf_key_usage("ed25519", &["digitalSignature"]);
}

#[test]
fn rsa_leaf_key_usage_adds_key_encipherment() {
    check_leaf_key_usage("rsa-2048", &["digitalSignature", "keyEncipherment"]);
}

// ---------------------------------------------------------------------------------------
// SANs and names
// ---------------------------------------------------------------------------------------

#[test]
fn sans_are_typed_by_form_and_prefix() {
    let pki = with_root();
    pki.ok(&[
        "issue",
        "server",
        "--san",
        "localhost,127.0.0.1,::1,*.example.com,alice@example.com,spiffe://cluster.local/ns/a,dns:10.0.0.1.example,ip:10.0.0.2",
        "-q",
    ]);
    let der = read_cert(&pki.path("localhost.pem"));
    let leaf = parse(&der);
    assert_eq!(
        sorted(sans(&leaf)),
        sorted(strs(&[
            "DNS:localhost",
            "IP:127.0.0.1",
            "IP:::1",
            "DNS:*.example.com",
            "email:alice@example.com",
            "URI:spiffe://cluster.local/ns/a",
            "DNS:10.0.0.1.example",
            "IP:10.0.0.2",
        ]))
    );
    assert_eq!(cn(&leaf), "localhost");
}

#[test]
fn repeated_san_flags_accumulate() {
    let pki = with_root();
    pki.ok(&["issue", "server", "--san", "a.test", "--san", "b.test,10.1.2.3", "-q"]);
    let der = read_cert(&pki.path("a.test.pem"));
    assert_eq!(sorted(sans(&parse(&der))), sorted(strs(&["DNS:a.test", "DNS:b.test", "IP:10.1.2.3"])));
}

#[test]
fn idn_becomes_a_label() {
    let pki = with_root();
    let v = pki.json(&["issue", "server", "--san", "bücher.example"]);
    let der = read_cert(&printed_path(&pki, &v["cert"]));
    let leaf = parse(&der);
    assert_eq!(sans(&leaf), strs(&["DNS:xn--bcher-kva.example"]));
    assert_eq!(cn(&leaf), "xn--bcher-kva.example", "the default CN is the A-label too");
    assert_eq!(v["sans"], serde_json::json!(["xn--bcher-kva.example"]));
}

#[test]
fn cn_flag_overrides_the_first_san() {
    let pki = with_root();
    pki.ok(&["issue", "server", "--san", "api.test,10.0.0.9", "--cn", "My API", "-q"]);
    let der = read_cert(&pki.path("api.test.pem"));
    let leaf = parse(&der);
    assert_eq!(cn(&leaf), "My API");
    assert_eq!(sorted(sans(&leaf)), sorted(strs(&["DNS:api.test", "IP:10.0.0.9"])), "--cn does not change the SANs");
}

#[test]
fn client_sans_are_optional_and_typed() {
    let pki = with_root();
    pki.ok(&[
        "issue",
        "client",
        "--cn",
        "web-frontend",
        "--san",
        "spiffe://cluster.local/ns/web/sa/frontend,bob@example.com",
        "-q",
    ]);
    let der = read_cert(&pki.path("web-frontend.pem"));
    let leaf = parse(&der);
    assert_eq!(cn(&leaf), "web-frontend");
    assert_eq!(
        sorted(sans(&leaf)),
        sorted(strs(&["URI:spiffe://cluster.local/ns/web/sa/frontend", "email:bob@example.com"]))
    );
}

#[test]
fn invalid_sans_are_errors_naming_the_entry() {
    let pki = with_root();
    for bad in ["a b.test", "a..test", "1.2.3.999", "*", "www.*.example.com"] {
        let err = pki.fails(1, &["issue", "server", "--san", &format!("ok.test,{bad}")]);
        assert!(err.contains(bad), "the error names '{bad}': {err}");
        assert!(pki.work_files().is_empty(), "files written for '{bad}'");
    }
    assert_eq!(pki.json(&["list"]), serde_json::json!([]));
}

// ---------------------------------------------------------------------------------------
// Validity
// ---------------------------------------------------------------------------------------

#[test]
fn explicit_dates_are_exact_and_may_be_expired() {
    let pki = with_root();
    pki.ok(&[
        "issue",
        "server",
        "--san",
        "expired.test",
        "--not-before",
        "2020-01-01",
        "--not-after",
        "2020-02-01",
        "-q",
    ]);
    let der = read_cert(&pki.path("expired.test.pem"));
    let leaf = parse(&der);
    assert_eq!(not_before(&leaf), datetime!(2020-01-01 0:00 UTC));
    assert_eq!(not_after(&leaf), datetime!(2020-02-01 0:00 UTC));
}

#[test]
fn date_only_means_midnight_utc_and_offsets_are_converted() {
    let pki = with_root();
    pki.ok(&[
        "issue",
        "server",
        "--san",
        "a.test",
        "--not-before",
        "2020-01-01T00:00:00Z",
        "--not-after",
        "2020-03-01T12:30:00+02:00",
        "-q",
    ]);
    pki.ok(&["issue", "server", "--san", "b.test", "--not-before", "2020-01-01", "--not-after", "2020-03-01", "-q"]);
    let (da, db) = (read_cert(&pki.path("a.test.pem")), read_cert(&pki.path("b.test.pem")));
    let (a, b) = (parse(&da), parse(&db));
    assert_eq!(not_before(&a), not_before(&b), "2020-01-01 == 2020-01-01T00:00:00Z");
    assert_eq!(not_after(&a), datetime!(2020-03-01 10:30 UTC));
    assert_eq!(not_after(&b), datetime!(2020-03-01 0:00 UTC));
}

#[test]
fn not_before_with_days_counts_from_not_before() {
    let pki = with_root();
    pki.ok(&["issue", "server", "--san", "d.test", "--not-before", "2020-01-01", "--days", "10", "-q"]);
    let der = read_cert(&pki.path("d.test.pem"));
    let leaf = parse(&der);
    assert_eq!(not_before(&leaf), datetime!(2020-01-01 0:00 UTC));
    assert_eq!(not_after(&leaf), datetime!(2020-01-11 0:00 UTC));
}

#[test]
fn days_flag_is_respected() {
    let pki = with_root();
    pki.ok(&["issue", "server", "--san", "short.test", "--days", "7", "-q"]);
    let der = read_cert(&pki.path("short.test.pem"));
    let leaf = parse(&der);
    assert_starts_now(&leaf);
    assert_lifetime_days(&leaf, 7);
}

#[test]
fn explicit_not_after_past_the_issuer_is_an_error() {
    let pki = Pki::new();
    pki.init(&["--days", "30"]);
    let err = pki.fails(1, &["issue", "server", "--san", "long.test", "--not-after", "2999-01-01"]);
    assert!(err.contains("--not-after"), "names the flag: {err}");
    assert!(pki.work_files().is_empty(), "nothing written: {:?}", pki.work_files());
    assert_eq!(pki.json(&["list"]), serde_json::json!([]), "nothing recorded");
}

#[test]
fn days_past_the_issuer_are_clamped_with_a_warning() {
    let pki = Pki::new();
    pki.init(&["--days", "30"]);
    let out = pki.run(&["issue", "server", "--san", "clamp.test", "--days", "397"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("warning:"), "warns about the clamp: {stderr:?}");
    let rder = root_der(&pki);
    let der = read_cert(&pki.path("clamp.test.pem"));
    assert_eq!(not_after(&parse(&der)), not_after(&parse(&rder)));
}

#[test]
fn leaf_under_an_intermediate_is_clamped_to_the_intermediate() {
    let pki = with_root();
    pki.ok(&["ca", "intermediate", "--name", "short", "--days", "20", "-q"]);
    let out = pki.run(&["issue", "server", "--issuer", "short", "--san", "c.test"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("warning:"), "{stderr:?}");
    let ider = read_cert(&inter_dir(&pki, "short").join("ca.pem"));
    let der = read_cert(&pki.path("c.test.pem"));
    assert_eq!(not_after(&parse(&der)), not_after(&parse(&ider)));
}

// ---------------------------------------------------------------------------------------
// Intermediates as issuers
// ---------------------------------------------------------------------------------------

#[test]
fn issuing_with_an_intermediate() {
    let pki = with_root();
    pki.ok(&["ca", "intermediate", "--name", "web", "-q"]);
    pki.ok(&["issue", "server", "--issuer", "web", "--san", "api.internal", "-q"]);
    let ider = read_cert(&inter_dir(&pki, "web").join("ca.pem"));
    let int = parse(&ider);
    let der = read_cert(&pki.path("api.internal.pem"));
    let leaf = parse(&der);
    assert_eq!(leaf.issuer().as_raw(), int.subject().as_raw());
    assert_eq!(aki(&leaf), Some(ski(&int)), "AKI == intermediate SKI");
    leaf.verify_signature(Some(int.public_key())).expect("signed by the intermediate");

    let chain = read_certs(&pki.path("api.internal-chain.pem"));
    assert_eq!(chain.len(), 2, "leaf + intermediate, no root");
    assert_eq!(chain[0], der, "the leaf first");
    assert_eq!(chain[1], ider, "then the intermediate");
    assert!(!chain.contains(&root_der(&pki)), "the root is not in the chain");
    assert_eq!(read_certs(&pki.path("api.internal.pem")).len(), 1);
}

#[test]
fn unknown_issuer_is_an_error_with_a_hint() {
    let pki = with_root();
    let err = pki.fails(1, &["issue", "server", "--issuer", "nope", "--san", "x.test"]);
    assert!(err.contains("nope"), "names the issuer: {err}");
    assert!(err.contains("pki ca intermediate --name"), "says how to create it: {err}");
    assert!(pki.work_files().is_empty());
}

// ---------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------

#[test]
fn files_modes_and_chain_via_the_root() {
    let pki = with_root();
    pki.ok(&["issue", "server", "--san", "localhost,127.0.0.1", "-q"]);
    assert_eq!(
        pki.work_files(),
        strs(&["localhost-chain.pem", "localhost-key.pem", "localhost.pem"]),
        "exactly the three files, no temporaries"
    );
    assert_eq!(mode(&pki.path("localhost-key.pem")), 0o600);
    assert_eq!(mode(&pki.path("localhost.pem")), 0o644);
    assert_eq!(mode(&pki.path("localhost-chain.pem")), 0o644);
    assert_eq!(mode(&pki.ca_dir()), 0o700);
    assert!(temp_leftovers(&pki.ca_dir()).is_empty());

    let key = std::fs::read_to_string(pki.path("localhost-key.pem")).unwrap();
    assert!(key.starts_with("-----BEGIN PRIVATE KEY-----"), "PKCS#8 PEM key");

    let certs = read_certs(&pki.path("localhost.pem"));
    assert_eq!(certs.len(), 1, "NAME.pem holds the leaf alone");
    let chain = read_certs(&pki.path("localhost-chain.pem"));
    assert_eq!(chain, certs, "via the root the chain is just the leaf");
}

#[test]
fn wildcard_default_name() {
    let pki = with_root();
    pki.ok(&["issue", "server", "--san", "*.example.com,example.com", "-q"]);
    assert_eq!(
        pki.work_files(),
        strs(&["_wildcard.example.com-chain.pem", "_wildcard.example.com-key.pem", "_wildcard.example.com.pem",])
    );
    let der = read_cert(&pki.path("_wildcard.example.com.pem"));
    assert_eq!(cn(&parse(&der)), "*.example.com");
}

#[test]
fn ipv6_first_gives_a_safe_file_name() {
    let pki = with_root();
    pki.ok(&["issue", "server", "--san", "::1,localhost", "-q"]);
    let files = pki.work_files();
    assert_eq!(files.len(), 3, "{files:?}");
    let cert = files
        .iter()
        .find(|f| f.ends_with(".pem") && !f.ends_with("-key.pem") && !f.ends_with("-chain.pem"))
        .expect("a certificate file");
    let stem = cert.strip_suffix(".pem").unwrap();
    assert!(!stem.is_empty() && !stem.starts_with('.'), "{stem:?}");
    assert!(stem.chars().all(|c| c.is_ascii_alphanumeric() || "._-@+".contains(c)), "unsafe file name {stem:?}");
    assert_eq!(files, sorted(vec![format!("{stem}.pem"), format!("{stem}-key.pem"), format!("{stem}-chain.pem")]));
    let der = read_cert(&pki.path(cert));
    assert_eq!(sorted(sans(&parse(&der))), sorted(strs(&["IP:::1", "DNS:localhost"])));
}

#[test]
fn client_default_name_replaces_unsafe_characters() {
    let pki = with_root();
    pki.ok(&["issue", "client", "--cn", "Alice Smith/ops", "-q"]);
    let files = pki.work_files();
    assert_eq!(files.len(), 3, "{files:?}");
    for f in &files {
        assert!(!f.contains(' ') && !f.contains('/'), "unsafe file name {f:?}");
    }
    let cert = files.iter().find(|f| !f.ends_with("-key.pem") && !f.ends_with("-chain.pem")).unwrap();
    assert_eq!(cn(&parse(&read_cert(&pki.path(cert)))), "Alice Smith/ops");
}

#[test]
fn name_and_out_dir() {
    let pki = with_root();
    let out = pki.path("certs/nested");
    assert!(!out.exists());
    pki.ok(&["issue", "server", "--san", "svc.test", "--name", "svc", "--out-dir", "certs/nested", "-q"]);
    assert_eq!(
        files_in(&out),
        strs(&["svc-chain.pem", "svc-key.pem", "svc.pem"]),
        "--out-dir created, --name used, no temporaries"
    );
    assert_eq!(pki.work_files(), strs(&["certs"]), "nothing in the working dir");
    assert_eq!(mode(&out.join("svc-key.pem")), 0o600);
    assert_eq!(mode(&out.join("svc.pem")), 0o644);
    let der = read_cert(&out.join("svc.pem"));
    assert_eq!(cn(&parse(&der)), "svc.test", "--name does not change the CN");
}

#[test]
fn bad_name_is_an_error() {
    let pki = with_root();
    let err = pki.fails(1, &["issue", "server", "--san", "x.test", "--name", "../x"]);
    assert!(err.contains("../x") && err.contains("--name"), "{err}");
    assert!(pki.work_files().is_empty());
    assert!(!pki.root().join("x.pem").exists());
}

#[test]
fn existing_files_are_not_overwritten_without_force() {
    let pki = with_root();
    std::fs::write(pki.path("web.test-chain.pem"), b"precious").unwrap();
    let err = pki.fails(1, &["issue", "server", "--san", "web.test"]);
    assert!(err.contains("web.test-chain.pem"), "names the file: {err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(pki.work_files(), strs(&["web.test-chain.pem"]), "nothing written");
    assert_eq!(std::fs::read(pki.path("web.test-chain.pem")).unwrap(), b"precious");
    assert_eq!(pki.json(&["list"]), serde_json::json!([]), "nothing recorded");

    pki.ok(&["issue", "server", "--san", "web.test", "--force", "-q"]);
    let chain = read_certs(&pki.path("web.test-chain.pem"));
    assert_eq!(chain, read_certs(&pki.path("web.test.pem")));
    assert_eq!(pki.work_files().len(), 3);
}

// ---------------------------------------------------------------------------------------
// --json, pki list, human and quiet output
// ---------------------------------------------------------------------------------------

#[test]
fn issue_json_matches_the_certificate() {
    let pki = with_root();
    let out = pki.run(&["issue", "server", "--san", "json.test,10.9.8.7", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    // serde_json rejects anything but whitespace after the document.
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("stdout is one JSON document and nothing else");
    let obj = v.as_object().expect("an object");
    let keys: BTreeSet<&str> = obj.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "cert",
            "key",
            "chain",
            "serial",
            "subject",
            "sans",
            "not_before",
            "not_after",
            "fingerprint_sha256",
        ])
    );

    let cert_path = printed_path(&pki, &v["cert"]);
    assert_eq!(cert_path.canonicalize().unwrap(), pki.path("json.test.pem").canonicalize().unwrap());
    assert_eq!(
        printed_path(&pki, &v["key"]).canonicalize().unwrap(),
        pki.path("json.test-key.pem").canonicalize().unwrap()
    );
    assert_eq!(
        printed_path(&pki, &v["chain"]).canonicalize().unwrap(),
        pki.path("json.test-chain.pem").canonicalize().unwrap()
    );

    let der = read_cert(&cert_path);
    let leaf = parse(&der);
    let serial = v["serial"].as_str().unwrap();
    assert_eq!(serial, serial_hex(&leaf));
    assert!(
        serial.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)),
        "lowercase hex without separators: {serial}"
    );
    let fp = v["fingerprint_sha256"].as_str().unwrap();
    assert_eq!(fp, sha256_hex(&der), "SHA-256 of the DER");
    assert_eq!(time_of(&v["not_before"]), not_before(&leaf));
    assert_eq!(time_of(&v["not_after"]), not_after(&leaf));
    assert_eq!(v["sans"], serde_json::json!(["json.test", "10.9.8.7"]));
    assert!(v["subject"].as_str().unwrap().contains("json.test"), "subject: {}", v["subject"]);
}

#[test]
fn issue_json_times_for_explicit_dates() {
    let pki = with_root();
    let v = pki.json(&["issue", "client", "--cn", "old", "--not-before", "2020-01-01", "--not-after", "2020-02-01"]);
    assert_eq!(v["not_before"], "2020-01-01T00:00:00Z");
    assert_eq!(v["not_after"], "2020-02-01T00:00:00Z");
    assert_eq!(v["sans"], serde_json::json!([]));
}

#[test]
fn list_json_reports_every_issued_certificate() {
    let pki = with_root();
    pki.ok(&["ca", "intermediate", "--name", "web", "-q"]);
    let server = pki.json(&["issue", "server", "--san", "s.test,10.0.0.1", "--issuer", "web"]);
    let client =
        pki.json(&["issue", "client", "--cn", "old-client", "--not-before", "2020-01-01", "--not-after", "2020-02-01"]);

    let rows = pki.json(&["list"]);
    let rows = rows.as_array().expect("an array");
    assert_eq!(rows.len(), 3, "intermediate, server, client; not the root: {rows:#?}");
    for r in rows {
        let keys: BTreeSet<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, BTreeSet::from(["serial", "profile", "subject", "sans", "not_after", "status"]));
    }
    let by_serial =
        |s: &str| rows.iter().find(|r| r["serial"] == s).unwrap_or_else(|| panic!("serial {s} not listed: {rows:#?}"));

    let ider = read_cert(&inter_dir(&pki, "web").join("ca.pem"));
    let int = parse(&ider);
    let r = by_serial(&serial_hex(&int));
    assert_eq!(r["profile"], "intermediate");
    assert_eq!(r["status"], "valid");
    assert_eq!(time_of(&r["not_after"]), not_after(&int));

    let rder = root_der(&pki);
    let root_serial = serial_hex(&parse(&rder));
    assert!(rows.iter().all(|r| r["serial"] != root_serial.as_str()), "the root is not listed");

    let sder = read_cert(&printed_path(&pki, &server["cert"]));
    let s = parse(&sder);
    let r = by_serial(&serial_hex(&s));
    assert_eq!(r["profile"], "server");
    assert_eq!(r["status"], "valid");
    assert_eq!(r["sans"], serde_json::json!(["s.test", "10.0.0.1"]));
    assert!(r["subject"].as_str().unwrap().contains("s.test"));
    assert_eq!(time_of(&r["not_after"]), not_after(&s));

    let cder = read_cert(&printed_path(&pki, &client["cert"]));
    let c = parse(&cder);
    let r = by_serial(&serial_hex(&c));
    assert_eq!(r["profile"], "client");
    assert_eq!(r["status"], "expired");
    assert!(r["subject"].as_str().unwrap().contains("old-client"));
    assert_eq!(r["not_after"], "2020-02-01T00:00:00Z");
}

#[test]
fn serials_are_distinct_across_issues() {
    let pki = with_root();
    let mut seen = BTreeSet::new();
    for i in 0..4 {
        let v = pki.json(&["issue", "client", "--cn", &format!("c{i}")]);
        let der = read_cert(&printed_path(&pki, &v["cert"]));
        let leaf = parse(&der);
        assert_good_serial(&leaf);
        assert!(seen.insert(serial_hex(&leaf)), "repeated serial");
    }
}

#[test]
fn human_output_names_files_and_expiry() {
    let pki = with_root();
    let out = pki.run(&["issue", "server", "--san", "human.test", "--days", "30"]);
    assert!(out.status.success());
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    for f in ["human.test.pem", "human.test-key.pem", "human.test-chain.pem"] {
        assert!(text.contains(f), "mentions {f}: {text}");
    }
    let der = read_cert(&pki.path("human.test.pem"));
    let expiry = not_after(&parse(&der));
    let day = format!("{:04}-{:02}-{:02}", expiry.year(), u8::from(expiry.month()), expiry.day());
    assert!(text.contains(&day), "mentions the expiry {day}: {text}");
    assert!(!text.contains('\u{1b}'), "no colour when not on a terminal: {text:?}");
}

#[test]
fn quiet_prints_nothing_on_success() {
    let pki = Pki::new();
    let out = pki.run(&["ca", "init", "-q"]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{out:?}");
    let out = pki.run(&["issue", "server", "--san", "quiet.test", "-q"]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty(), "stdout: {}", String::from_utf8_lossy(&out.stdout));
    assert!(out.stderr.is_empty(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert!(pki.path("quiet.test.pem").is_file());
    let out = pki.run(&["--quiet", "issue", "client", "--cn", "q"]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{out:?}");
}

#[test]
fn issue_without_a_ca_says_to_init() {
    let pki = Pki::new();
    let err = pki.fails(1, &["issue", "server", "--san", "x.test"]);
    assert!(err.contains("pki ca init"), "{err}");
    assert!(pki.work_files().is_empty());
}

#[test]
fn json_stdout_stays_clean_when_there_are_warnings() {
    let pki = Pki::new();
    pki.init(&["--days", "30"]);
    let out = pki.run(&["issue", "server", "--san", "w.test", "--days", "397", "--json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("warning:"), "the warning goes to stderr: {stderr:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("stdout is JSON only, even with a warning");
    let rder = root_der(&pki);
    assert_eq!(time_of(&v["not_after"]), not_after(&parse(&rder)));
}

/// Guards the contract's "a failed run leaves no partial file" and "every issued
/// certificate is recorded in the ledger" for `--force`: when the last of the three
/// writes fails, the first two must not be left behind as an unrecorded half set.
#[test]
fn failed_forced_issue_leaves_no_half_set() {
    let pki = with_root();
    std::fs::create_dir(pki.path("half.test-chain.pem")).unwrap();
    let err = pki.fails(1, &["issue", "server", "--san", "half.test", "--force"]);
    assert!(err.contains("half.test-chain.pem"), "names the file: {err}");
    assert_eq!(
        pki.work_files(),
        strs(&["half.test-chain.pem"]),
        "a certificate and key were written although the run failed"
    );
    assert_eq!(pki.json(&["list"]), serde_json::json!([]));
}
