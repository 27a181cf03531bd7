//! Issue 14, "Reading and checking": `--json` error documents, `list` statuses and filters,
//! `bundle`/`verify` completing chains from the CA directory in effect, `probe` trusting the
//! CA directory's root and reporting client-certificate requests, `inspect` of PKCS#12.

use crate::common::*;

/// Run `pki ARGS` expecting exit `code`; returns the parsed stdout and stderr.
fn json_failure(pki: &Pki, code: i32, args: &[&str]) -> (serde_json::Value, String) {
    let out = pki.call(args).output();
    assert_eq!(
        out.status.code(),
        Some(code),
        "pki {args:?}\nstdout: {}\nstderr: {}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("pki {args:?}: stdout is not one JSON document ({e}): {}", text(&out.stdout)));
    (doc, text(&out.stderr))
}

#[test]
fn a_json_failure_prints_the_error_document_on_stdout_and_the_text_on_stderr() {
    let pki = Pki::new();
    // No CA yet: issuing fails (exit 1) with a hint.
    let (doc, err) = json_failure(&pki, 1, &["issue", "server", "--san", "a.test", "--json"]);
    let e = &doc["error"];
    let message = e["message"].as_str().expect("message is a string");
    assert!(err.contains(message), "stderr {err:?} holds the message {message:?}");
    assert!(e["hint"].is_string(), "{doc}");
    assert_eq!(e["exit_code"], 1, "{doc}");
    assert_eq!(doc.as_object().unwrap().len(), 1, "only the error key: {doc}");

    // A bad value for a flag, named in the message.
    let (doc, _) = json_failure(&pki, 1, &["issue", "server", "--san", "a.test", "--not-after", "someday", "--json"]);
    assert!(doc["error"]["message"].as_str().unwrap().contains("someday"), "{doc}");

    // A failed check is exit 3 with a report, not an error document; an unreadable CERT
    // for verify is an error (exit 1) with a null hint or a string one.
    pki.init(&[]);
    let (doc, _) = json_failure(&pki, 1, &["verify", "nope.pem", "--json"]);
    assert!(doc["error"]["message"].as_str().unwrap().contains("nope.pem"), "{doc}");
    assert!(doc["error"]["hint"].is_null() || doc["error"]["hint"].is_string(), "{doc}");
    assert_eq!(doc["error"]["exit_code"], 1);

    // Without --json, stdout stays empty.
    let out = pki.call(["issue", "server", "--san", "bad..name"]).output();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
}

// `list`: superseded, --status, --expiring
// ---------------------------------------------------------------------------------------

/// `pki list ARGS --json` as (serial, status) pairs, in ledger order.
fn listed(pki: &Pki, args: &[&str]) -> Vec<(String, String)> {
    let mut a = vec!["list"];
    a.extend_from_slice(args);
    pki.json(&a)
        .as_array()
        .expect("an array")
        .iter()
        .map(|r| (r["serial"].as_str().unwrap().to_string(), r["status"].as_str().unwrap().to_string()))
        .collect()
}

fn serial_of(pki: &Pki, file: &str) -> String {
    pki.json(&["inspect", file])[0]["serial"].as_str().unwrap().to_ascii_lowercase()
}

#[test]
fn list_shows_renewed_and_force_reissued_certificates_as_superseded_and_filters() {
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["issue", "server", "--san", "a.test", "-q"]);
    let first = serial_of(&pki, "a.test.pem");
    pki.ok(&["renew", "a.test.pem", "--force", "-q"]);
    let renewed = serial_of(&pki, "a.test.pem");
    pki.ok(&["issue", "server", "--san", "a.test", "--force", "-q"]);
    let forced = serial_of(&pki, "a.test.pem");
    pki.ok(&["issue", "client", "--cn", "alice", "--days", "5", "-q"]);
    let short = serial_of(&pki, "alice.pem");
    pki.ok(&["issue", "server", "--san", "gone.test", "-q"]);
    let gone = serial_of(&pki, "gone.test.pem");
    pki.ok(&["revoke", &gone, "-q"]);
    let norm = |s: &str| s.replace(':', "").trim_start_matches('0').to_string();
    let all: Vec<(String, String)> = listed(&pki, &[]).into_iter().map(|(s, st)| (norm(&s), st)).collect();
    let want = |s: &str, st: &str| (norm(s), st.to_string());
    assert_eq!(
        all,
        vec![
            want(&first, "superseded"),
            want(&renewed, "superseded"),
            want(&forced, "valid"),
            want(&short, "valid"),
            want(&gone, "revoked"),
        ]
    );
    // The human table says it too.
    let table = pki.ok(&["list"]);
    assert_eq!(table.matches("superseded").count(), 2, "{table}");

    let only = |args: &[&str]| -> Vec<String> { listed(&pki, args).into_iter().map(|(s, _)| norm(&s)).collect() };
    assert_eq!(only(&["--status", "superseded"]), [norm(&first), norm(&renewed)]);
    assert_eq!(only(&["--status", "revoked", "--status", "valid"]), [norm(&forced), norm(&short), norm(&gone)]);
    assert_eq!(only(&["--expiring", "10d"]), [norm(&short)]);
    assert_eq!(only(&["--expiring", "500d"]), [norm(&forced), norm(&short)]);
    assert_eq!(only(&["--status", "expired"]), Vec::<String>::new());
    assert!(pki.ok(&["list", "--status", "expired"]).contains("No certificate matches"));

    let err = pki.fails(2, &["list", "--status", "fine"]);
    assert!(err.contains("superseded"), "the accepted values are listed: {err}");
    let err = pki.fails(2, &["list", "--expiring", "soon"]);
    assert!(err.contains("soon"), "{err}");
}

// `bundle` and `verify`: the CA directory in effect, pki's own intermediates
// ---------------------------------------------------------------------------------------

const ROOT: &str = "CN=Test Root CA";
const INTER: &str = "CN=Issuing CA";

/// A CA at the default location ($XDG_DATA_HOME/pki) with the intermediate `issuing`, and
/// `leaf.pem` (leaf.test) issued by it in the working directory.
fn default_ca_with_intermediate() -> Pki {
    let pki = Pki::new();
    pki.call_bare(["ca", "init", "--cn", "Test Root CA", "-q"]).ok();
    pki.call_bare(["ca", "intermediate", "--name", "issuing", "--cn", "Issuing CA", "-q"]).ok();
    pki.call_bare(["issue", "server", "--san", "leaf.test", "--issuer", "issuing", "--name", "leaf", "-q"]).ok();
    assert!(pki.root().join("xdg/pki/intermediates/issuing/ca.pem").is_file(), "the premise: the default CA directory");
    pki
}

#[test]
fn bundle_and_verify_use_the_default_ca_directory_and_its_intermediates() {
    let pki = default_ca_with_intermediate();
    // bundle: the leaf alone is completed with the intermediate, from the default directory.
    let out = pki.call_bare(["bundle", "leaf.pem", "-o", "full.pem"]).output();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "no warning: {}", text(&out.stderr));
    let full = read_certs(&pki.path("full.pem"));
    assert_eq!(full.len(), 2);
    assert_eq!(full[0], read_cert(&pki.path("leaf.pem")));
    assert_eq!(full[1], read_cert(&pki.root().join("xdg/pki/intermediates/issuing/ca.pem")));
    // What openssl makes of it, given only the root.
    if require("openssl") {
        let root = pki.root().join("xdg/pki/ca.pem");
        let said = openssl_ok(
            &pki.work(),
            &["verify", "-CAfile", root.to_str().unwrap(), "-untrusted", "full.pem", "full.pem"],
        );
        assert!(said.contains("full.pem: OK"), "{said}");
    }

    // verify: the leaf file alone (not its -chain.pem) against the default CA's root.
    let out = pki.call_bare(["verify", "leaf.pem", "--host", "leaf.test", "--json"]).output();
    assert_eq!(out.status.code(), Some(0), "{}\n{}", text(&out.stdout), text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["valid"], true, "{doc}");
    assert_eq!(doc["chain"], serde_json::json!(["CN=leaf.test", INTER, ROOT]), "{doc}");
    // And with an explicit --ca: the CA directory's intermediates still count.
    let root = pki.root().join("xdg/pki/ca.pem");
    pki.call_bare(["verify", "leaf.pem", "--ca", root.to_str().unwrap()]).ok();
}

#[test]
fn a_leaf_alone_whose_issuer_is_nowhere_is_an_error_naming_the_issuer() {
    let pki = default_ca_with_intermediate();
    // Another world with no CA directory at all, holding only the leaf.
    let other = Pki::new();
    std::fs::copy(pki.path("leaf.pem"), other.path("leaf.pem")).unwrap();
    for args in [vec!["bundle", "leaf.pem", "-o", "alone.pem"], vec!["bundle", "leaf.pem", "-q"]] {
        let err = other.call_bare(&args).fails(1);
        assert_eq!(
            err.lines().next().unwrap_or_default(),
            format!(
                "error: cannot build the chain: missing link: no certificate for '{INTER}', the issuer of 'CN=leaf.test'"
            ),
            "pki {args:?}"
        );
        assert!(err.contains("hint: add the file holding that certificate"), "{err}");
    }
    assert!(!other.path("alone.pem").exists(), "nothing written");
    // --json: the error document names it too.
    let out = other.call_bare(["bundle", "leaf.pem", "--json"]).output();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["error"]["message"].as_str().unwrap().contains(INTER), "{doc}");

    // A chain that reaches a CA and stops below the root is fine: the root never goes in a
    // chain, and clients that trust it have it.
    std::fs::copy(pki.root().join("xdg/pki/intermediates/issuing/ca.pem"), other.path("inter.pem")).unwrap();
    let out = other.call_bare(["bundle", "leaf.pem", "inter.pem", "-o", "ok.pem"]).output();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(read_certs(&other.path("ok.pem")).len(), 2);
}

// `probe`: the CA directory's root, its hint, client-certificate requests
// ---------------------------------------------------------------------------------------

/// A CA ("Test Root CA") in the CA directory, `localhost.pem` and `alice.pem` issued by it.
fn probe_world() -> Pki {
    let pki = Pki::new();
    pki.init(&["--cn", "Test Root CA"]);
    pki.ok(&["issue", "server", "--san", "localhost,127.0.0.1", "-q"]);
    pki.ok(&["issue", "client", "--cn", "alice", "-q"]);
    pki
}

fn probe(pki: &Pki, code: i32, args: &[&str]) -> (serde_json::Value, String) {
    let mut a = vec!["probe"];
    a.extend_from_slice(args);
    let human_out = pki.call(&a).output();
    a.push("--json");
    let out = pki.call(&a).output();
    assert_eq!(out.status.code(), Some(code), "pki {a:?}\n{}\n{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(human_out.status.code(), Some(code), "pki {a:?} (human)\n{}", text(&human_out.stderr));
    (serde_json::from_slice(&out.stdout).expect("JSON"), text(&human_out.stdout))
}

#[test]
fn probe_trusts_the_ca_directorys_root_and_says_no_client_certificate_was_asked_for() {
    let pki = probe_world();
    let serve = crate::serve::Serve::start(&pki, &["--cert", "localhost.pem", "--key", "localhost-key.pem"]);
    // No --ca: the CA directory's root is trusted besides the system roots.
    let (doc, human) = probe(&pki, 0, &[&serve.target(), "--servername", "localhost"]);
    assert_eq!(doc["verification"]["valid"], true, "{doc}");
    assert_eq!(doc["verification"]["chain"], serde_json::json!(["CN=localhost", ROOT]), "{doc}");
    assert_eq!(doc["client_cert_requested"], false, "{doc}");
    assert_eq!(doc["client_ca_names"], serde_json::json!([]), "{doc}");
    assert!(human.contains("client certificate: not requested by the server"), "{human}");
}

#[test]
fn probe_says_the_server_asked_for_a_client_certificate_and_from_which_cas() {
    let pki = probe_world();
    let root = pki.ca_dir().join("ca.pem");
    let root = root.to_str().unwrap();
    // Optional client certificates: the handshake succeeds without one, and the request shows.
    let serve = crate::serve::Serve::start(
        &pki,
        &["--cert", "localhost.pem", "--key", "localhost-key.pem", "--client-ca", root],
    );
    let (doc, human) = probe(&pki, 0, &[&serve.target(), "--servername", "localhost"]);
    assert_eq!(doc["client_cert_requested"], true, "{doc}");
    assert_eq!(doc["client_ca_names"], serde_json::json!([ROOT]), "{doc}");
    assert!(
        human.contains(&format!("client certificate: requested by the server; it accepts certificates from: '{ROOT}'; none was presented (pass --cert and --key)")),
        "{human}"
    );
    // Required, and presented.
    let serve = crate::serve::Serve::start(
        &pki,
        &["--cert", "localhost.pem", "--key", "localhost-key.pem", "--client-ca", root, "--require-client-cert"],
    );
    let (doc, human) = probe(
        &pki,
        0,
        &[&serve.target(), "--servername", "localhost", "--cert", "alice.pem", "--key", "alice-key.pem"],
    );
    assert_eq!(doc["client_cert_requested"], true, "{doc}");
    assert_eq!(doc["client_ca_names"], serde_json::json!([ROOT]), "{doc}");
    assert!(human.contains("; one was presented"), "{human}");
}

#[test]
fn probe_of_a_stranger_hints_at_flags_probe_takes() {
    let pki = probe_world();
    // A server certificate from another CA: not trusted by the CA directory's root.
    let other = Pki::new();
    other.init(&["--cn", "Other Root"]);
    other.ok(&["issue", "server", "--san", "localhost", "-q"]);
    for f in ["localhost.pem", "localhost-key.pem"] {
        std::fs::copy(other.path(f), pki.path(&format!("other-{f}"))).unwrap();
    }
    let serve =
        crate::serve::Serve::start(&pki, &["--cert", "other-localhost.pem", "--key", "other-localhost-key.pem"]);
    let (doc, human) = probe(&pki, 3, &[&serve.target(), "--servername", "localhost"]);
    let errors = doc["verification"]["errors"].as_array().unwrap();
    let unknown = errors.iter().find(|e| e["code"] == "unknown_issuer").unwrap_or_else(|| panic!("{doc}"));
    let hint = unknown["hint"].as_str().unwrap();
    assert!(!hint.contains("--untrusted"), "probe takes no --untrusted: {hint}");
    assert!(hint.contains("--ca FILE"), "{hint}");
    assert!(!human.contains("--untrusted"), "{human}");
    // The flag the hint names works: with --ca of the other root, the chain verifies.
    let other_root = other.ca_dir().join("ca.pem");
    probe(&pki, 0, &[&serve.target(), "--servername", "localhost", "--ca", other_root.to_str().unwrap()]);
}

// `inspect` of PKCS#12: pki's, openssl's (modern and -legacy) and keytool's
// ---------------------------------------------------------------------------------------

/// `alice.pem` (client, ECDSA) issued by the CA, with its key, and the root in `root.pem`.
fn p12_world() -> Pki {
    let pki = Pki::new();
    pki.init(&["--cn", "Test Root CA"]);
    pki.ok(&["issue", "client", "--cn", "alice", "-q"]);
    std::fs::copy(pki.ca_dir().join("ca.pem"), pki.path("root.pem")).unwrap();
    std::fs::write(pki.path("pw"), "secret\n").unwrap();
    pki
}

/// (kind, subject or the certificate the key belongs to, container) of each item.
fn p12_items(doc: &serde_json::Value) -> Vec<(String, String, String)> {
    doc.as_array()
        .expect("an array")
        .iter()
        .map(|i| {
            let kind = i["kind"].as_str().unwrap_or_default().to_string();
            let who = match kind.as_str() {
                "certificate" => i["subject"].as_str().unwrap_or_default().to_string(),
                _ => i["certificate"]["subject"].as_str().unwrap_or("no certificate").to_string(),
            };
            (kind, who, i["container"].as_str().unwrap_or("none").to_string())
        })
        .collect()
}

fn item(kind: &str, who: &str) -> (String, String, String) {
    (kind.to_string(), who.to_string(), "pkcs12".to_string())
}

/// `pki export p12` of alice's certificate and key with the passphrase in `pw`, plus `extra`.
fn export_alice(pki: &Pki, extra: &[&str]) {
    let mut args =
        vec!["export", "p12", "--cert", "alice.pem", "--key", "alice-key.pem", "--passphrase-file", "pw", "-q"];
    args.extend_from_slice(extra);
    pki.ok(&args);
}

/// Issue 14: `export p12 --cert X-chain.pem` keeps the intermediates that follow the
/// certificate in its file (it used to keep only the first certificate).
#[test]
fn export_p12_of_a_chain_file_keeps_its_intermediates() {
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["ca", "intermediate", "--name", "web", "-q"]);
    pki.ok(&["issue", "server", "--issuer", "web", "--san", "api.test", "-q"]);
    std::fs::write(pki.path("pw"), "p12 secret\n").unwrap();
    pki.ok(&[
        "export",
        "p12",
        "--cert",
        "api.test-chain.pem",
        "--key",
        "api.test-key.pem",
        "--passphrase-file",
        "pw",
        "-o",
        "api.p12",
        "-q",
    ]);
    let doc = pki.json(&["inspect", "api.p12", "--passphrase-file", "pw"]);
    let certs = doc.as_array().unwrap().iter().filter(|i| i["kind"] == "certificate").count();
    assert_eq!(certs, 2, "the leaf and its intermediate: {doc:#}");
    // openssl, as a judge, finds both too.
    let out = crate::common::openssl_said(&pki.work(), &["pkcs12", "-in", "api.p12", "-nokeys", "-passin", "file:pw"]);
    assert_eq!(out.matches("BEGIN CERTIFICATE").count(), 2, "{out}");
}

#[test]
fn inspect_reads_pki_p12_files_with_the_passphrase_from_a_file_or_the_environment() {
    let pki = p12_world();
    export_alice(&pki, &["-o", "alice.p12"]);
    export_alice(&pki, &["--legacy", "-o", "old.p12"]);
    let want = vec![item("certificate", "CN=alice"), item("private_key", "CN=alice")];
    for file in ["alice.p12", "old.p12"] {
        let doc = pki.json(&["inspect", file, "--passphrase-file", "pw"]);
        assert_eq!(p12_items(&doc), want, "{file}: {doc}");
        assert_eq!(doc[0]["source"], file);
        let out = pki.call(["inspect", file, "--json"]).env("PKI_PASSPHRASE", "secret").output();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(p12_items(&doc), want, "{file} with PKI_PASSPHRASE: {doc}");
    }
    // The human form: the certificate, and the key matched to it.
    let human = pki.ok(&["inspect", "alice.p12", "--passphrase-file", "pw"]);
    assert!(human.contains("alice.p12[1] certificate"), "{human}");
    assert!(human.contains("CN=alice"), "{human}");

    // No passphrase and no terminal: exit 1 naming the file and the flag.
    let err = pki.fails(1, &["inspect", "alice.p12"]);
    assert!(err.starts_with("error: cannot read 'alice.p12': it is encrypted\n"), "{err}");
    assert!(err.contains("hint: pass --passphrase-file FILE or set PKI_PASSPHRASE"), "{err}");
    // A wrong one: exit 1, named; other files are still reported.
    std::fs::write(pki.path("wrong"), "nope\n").unwrap();
    let out = pki.call(["inspect", "alice.p12", "alice.pem", "--passphrase-file", "wrong", "--json"]).output();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("error: wrong passphrase for 'alice.p12'"), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc.as_array().unwrap().len(), 1, "alice.pem still reported: {doc}");
    assert!(doc[0].get("container").is_none(), "a PEM file is in no container: {doc}");
}

#[test]
fn inspect_reads_openssl_p12_files_modern_legacy_and_without_a_passphrase() {
    if !require("openssl") {
        return;
    }
    let pki = p12_world();
    let w = pki.work();
    let export = |out: &str, pass: &str, extra: &[&str]| {
        let mut a = vec!["pkcs12", "-export", "-in", "alice.pem", "-inkey", "alice-key.pem", "-certfile", "root.pem"];
        a.extend_from_slice(extra);
        let passout = format!("pass:{pass}");
        a.extend_from_slice(&["-passout", &passout, "-out", out]);
        openssl_ok(&w, &a);
    };
    export("modern.p12", "secret", &[]);
    export("legacy.p12", "secret", &["-legacy"]);
    export("open.p12", "", &[]);
    let want = vec![item("certificate", "CN=alice"), item("certificate", ROOT), item("private_key", "CN=alice")];
    for file in ["modern.p12", "legacy.p12"] {
        let doc = pki.json(&["inspect", file, "--passphrase-file", "pw"]);
        let mut got = p12_items(&doc);
        got.sort();
        let mut w = want.clone();
        w.sort();
        assert_eq!(got, w, "{file}: {doc}");
    }
    // The legacy one really is legacy (RC2/3DES), the modern one AES: openssl says so.
    let info =
        openssl_said(&w, &["pkcs12", "-info", "-noout", "-legacy", "-in", "legacy.p12", "-passin", "pass:secret"]);
    assert!(info.contains("RC2") || info.contains("3DES"), "{info}");
    let info = openssl_said(&w, &["pkcs12", "-info", "-noout", "-in", "modern.p12", "-passin", "pass:secret"]);
    assert!(info.contains("AES-256-CBC"), "{info}");
    // An empty passphrase is tried first: no flag needed.
    let doc = pki.json(&["inspect", "open.p12"]);
    assert_eq!(p12_items(&doc).len(), 3, "{doc}");
}

#[test]
fn inspect_reads_a_keytool_keystore() {
    if !require("keytool") {
        return;
    }
    let pki = Pki::new();
    let said = tool(
        "keytool",
        &[
            "-genkeypair",
            "-alias",
            "kt",
            "-keyalg",
            "EC",
            "-groupname",
            "secp256r1",
            "-dname",
            "CN=keytool.test",
            "-validity",
            "30",
            "-storetype",
            "PKCS12",
            "-keystore",
            "kt.p12",
            "-storepass",
            "secret123",
            "-keypass",
            "secret123",
        ],
        &pki.work(),
    );
    assert!(said.status.success(), "{}", both(&said));
    let out = pki.call(["inspect", "kt.p12", "--json"]).env("PKI_PASSPHRASE", "secret123").output();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        p12_items(&doc),
        vec![item("certificate", "CN=keytool.test"), item("private_key", "CN=keytool.test")],
        "{doc}"
    );
    assert_eq!(doc[0]["public_key"], serde_json::json!({"algorithm": "ecdsa", "curve": "P-256"}));
}

/// Issue 14: `issue --force` over this CA's own certificate records it as superseded in the
/// ledger (an event, not only what `list` infers), and `list` shows it.
#[test]
fn issue_force_records_the_replaced_certificate_as_superseded() {
    let pki = Pki::new();
    pki.init(&[]);
    let old = pki.json(&["issue", "server", "--san", "a.test"]);
    let new = pki.json(&["issue", "server", "--san", "a.test", "--force"]);
    let events = crate::common::ledger_lines(&pki.ca_dir(), true);
    let superseded: Vec<_> = events.iter().filter(|e| e["event"] == "superseded").collect();
    assert_eq!(superseded.len(), 1, "{events:#?}");
    assert_eq!(superseded[0]["serial"], old["serial"]);
    assert_eq!(superseded[0]["by"], new["serial"]);
    let list = pki.json(&["list"]);
    let status = |serial: &serde_json::Value| {
        list.as_array().unwrap().iter().find(|r| r["serial"] == *serial).map(|r| r["status"].clone())
    };
    assert_eq!(status(&old["serial"]), Some("superseded".into()));
    assert_eq!(status(&new["serial"]), Some("valid".into()));
}
