//! `pki issue batch` (issue 18): many leaves from JSON Lines in one process, all or
//! nothing, with the same files, records and refusals as `pki issue`; JSON Lines out;
//! progress only on a terminal.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde_json::Value;

use crate::common::*;

/// `count` client lines, `{"profile":"client","cn":"PREFIX-N"}`.
fn clients(prefix: &str, count: usize) -> String {
    (1..=count).map(|i| format!("{{\"profile\":\"client\",\"cn\":\"{prefix}-{i}\"}}\n")).collect()
}

/// Every file under `dir` (relative path to bytes), and the ledger's bytes: what "nothing
/// was written" compares.
fn state(pki: &Pki, dir: &Path) -> (BTreeMap<String, Vec<u8>>, Vec<u8>) {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.insert(p.strip_prefix(dir).unwrap().display().to_string(), std::fs::read(&p).unwrap());
            }
        }
    }
    (files, std::fs::read(pki.ca_dir().join("ledger.jsonl")).unwrap())
}

/// The documents of a `--json` batch: one JSON object a line.
fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not one JSON document a line: {e}: {l:?}")))
        .collect()
}

#[test]
fn a_thousand_clients_are_issued_recorded_and_verify() {
    let pki = Pki::new();
    pki.init(&[]);
    std::fs::write(pki.path("clients.jsonl"), clients("ci", 1000)).unwrap();
    let out = pki.ok(&["issue", "batch", "clients.jsonl", "--out-dir", "clients"]);
    assert_eq!(out.trim(), "✓ 1000 certificates issued into clients (1000 client)");

    let listed = pki.json(&["list"]);
    let rows = listed.as_array().unwrap();
    assert_eq!(rows.len(), 1000, "one ledger entry per certificate");
    let serials: HashSet<&str> = rows.iter().map(|r| r["serial"].as_str().unwrap()).collect();
    assert_eq!(serials.len(), 1000, "1000 distinct serials");
    assert!(rows.iter().all(|r| r["profile"] == "client" && r["status"] == "valid"));

    let dir = pki.path("clients");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 3000, "NAME.pem, NAME-key.pem, NAME-chain.pem each");
    assert_eq!(mode(&dir.join("ci-7-key.pem")), 0o600);
    assert_eq!(mode(&dir.join("ci-7.pem")), 0o644);
    let files: Vec<String> = (1..=1000).map(|i| format!("ci-{i}.pem")).collect();
    // The ledger names each file, and each file holds the certificate recorded for it.
    let norm = |s: &str| s.replace(':', "").to_ascii_lowercase().trim_start_matches('0').to_string();
    let on_disk: HashSet<String> =
        files.iter().map(|f| norm(&parse(&read_cert(&dir.join(f))).raw_serial_as_string())).collect();
    let recorded: HashSet<String> = serials.iter().map(|s| norm(s)).collect();
    assert_eq!(on_disk, recorded, "the files hold the recorded certificates");
    if !require("openssl") {
        return;
    }
    let ca = pki.ca_dir().join("ca.pem");
    let mut args = vec!["verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", ca.to_str().unwrap()];
    args.extend(files.iter().map(String::as_str));
    let said = openssl_ok(&dir, &args);
    assert_eq!(said.lines().filter(|l| l.ends_with(": OK")).count(), 1000, "{said}");
}

#[test]
fn mixed_lines_from_stdin_give_json_lines_in_input_order() {
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["ca", "intermediate", "--name", "web", "-q"]);
    let input = "\
{\"profile\":\"server\",\"san\":[\"api.test,10.1.2.3\",\"api2.test\"],\"cn\":\"API\",\"days\":30}

{\"profile\":\"client\",\"cn\":\"alice\",\"san\":[\"alice@example.com\"],\"key_type\":\"ed25519\"}
   
{\"profile\":\"peer\",\"san\":[\"etcd-1.internal\"],\"issuer\":\"web\",\"key_type\":\"rsa-2048\",\"name\":\"etcd1\"}
{\"profile\":\"server\",\"san\":[\"*.dev.test\"],\"key_type\":\"ecdsa-p384\"}
";
    let out = pki.call(["issue", "batch", "-", "--out-dir", "out", "--json"]).stdin(input).ok();
    let docs = json_lines(&out);
    assert_eq!(docs.len(), 4, "{out}");
    let names: Vec<&str> = docs.iter().map(|d| d["cert"].as_str().unwrap()).collect();
    assert_eq!(names, ["out/api.test.pem", "out/alice.pem", "out/etcd1.pem", "out/_wildcard.dev.test.pem"]);
    assert_eq!(docs[0]["subject"], "CN=API");
    assert_eq!(docs[0]["sans"], serde_json::json!(["api.test", "10.1.2.3", "api2.test"]));
    assert_eq!(docs[2]["chain"], "out/etcd1-chain.pem");

    // Each document is what `pki issue --json` prints, and matches the file it names.
    let single = pki.json(&["issue", "client", "--cn", "bob", "--out-dir", "out"]);
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert!(docs.iter().all(|d| keys(d) == keys(&single)), "{:?} vs {:?}", keys(&docs[0]), keys(&single));
    let inspect = |f: &str| pki.json(&["inspect", f]);
    for d in &docs {
        let i = &inspect(d["cert"].as_str().unwrap())[0];
        assert_eq!(i["serial"], d["serial"], "{d}");
        assert_eq!(i["fingerprint_sha256"], d["fingerprint_sha256"]);
    }
    let (api, alice, peer, wild) = (
        &inspect("out/api.test.pem")[0],
        &inspect("out/alice.pem")[0],
        &inspect("out/etcd1.pem")[0],
        &inspect("out/_wildcard.dev.test.pem")[0],
    );
    assert_eq!(api["extended_key_usage"], serde_json::json!(["server_auth"]));
    assert_eq!(api["ip_addresses"], serde_json::json!(["10.1.2.3"]));
    assert_eq!(alice["extended_key_usage"], serde_json::json!(["client_auth"]));
    assert_eq!(alice["emails"], serde_json::json!(["alice@example.com"]));
    assert_eq!(alice["public_key"]["algorithm"], "ed25519");
    assert_eq!(peer["extended_key_usage"], serde_json::json!(["server_auth", "client_auth"]));
    assert_eq!(peer["public_key"], serde_json::json!({"algorithm": "rsa", "bits": 2048}));
    assert!(peer["issuer"].as_str().unwrap().contains("web"), "{peer}");
    assert_eq!(wild["public_key"]["curve"], "P-384");
    let days = |d: &Value| {
        let t = |k: &str| {
            time::OffsetDateTime::parse(d[k].as_str().unwrap(), &time::format_description::well_known::Rfc3339).unwrap()
        };
        (t("not_after") - t("not_before")).whole_days()
    };
    assert_eq!(days(&docs[0]), 30, "30 days from now, plus the minute of backdating: {}", docs[0]);
    assert_eq!(days(&docs[1]), 397);

    // The ledger records each as `pki issue` would, with its issuer.
    let listed = pki.json(&["list"]);
    let row = |serial: &Value| listed.as_array().unwrap().iter().find(|r| r["serial"] == *serial).cloned().unwrap();
    assert_eq!(row(&docs[2]["serial"])["profile"], "peer");
    assert_eq!(row(&docs[1]["serial"])["profile"], "client");
    let ledger = std::fs::read_to_string(pki.ca_dir().join("ledger.jsonl")).unwrap();
    let peer_line = ledger.lines().find(|l| l.contains(docs[2]["serial"].as_str().unwrap())).unwrap();
    assert!(peer_line.contains("\"issuer\":\"web\""), "{peer_line}");
    // The chain under the intermediate verifies up to the root.
    pki.ok(&["verify", "out/etcd1-chain.pem", "--host", "etcd-1.internal", "--purpose", "client"]);
}

#[test]
fn the_summary_counts_and_quiet_prints_nothing() {
    let pki = Pki::new();
    pki.init(&[]);
    let input = format!("{}{{\"profile\":\"server\",\"san\":[\"a.test\"]}}\n", clients("q", 2));
    let out = pki.call(["issue", "batch", "-"]).stdin(input.clone()).output();
    assert_eq!(text(&out.stdout), "✓ 3 certificates issued into . (1 server, 2 client)\n");
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    let quiet = pki.call(["issue", "batch", "-", "--out-dir", "q", "-q"]).stdin(input).output();
    assert!(quiet.status.success() && quiet.stdout.is_empty() && quiet.stderr.is_empty(), "{quiet:?}");
    assert_eq!(pki.json(&["list"]).as_array().unwrap().len(), 6);
}

#[test]
fn a_bad_line_in_the_middle_writes_nothing() {
    let pki = Pki::new();
    pki.init(&["--permit", "local"]);
    pki.ok(&["issue", "client", "--cn", "taken", "--out-dir", "out", "-q"]);
    let good_before = "{\"profile\":\"client\",\"cn\":\"one\"}\n{\"profile\":\"server\",\"san\":[\"two.test\"]}\n";
    let good_after = "{\"profile\":\"client\",\"cn\":\"four\"}\n";
    for (bad, says) in [
        ("{\"profile\":\"client\",\"cn\":\"x\"", "line 3: EOF while parsing an object"),
        ("[1, 2]", "line 3: not a JSON object"),
        ("{\"profile\":\"client\",\"cn\":\"x\",\"force\":true}", "line 3: unknown field `force`"),
        ("{\"profile\":\"intermediate\",\"cn\":\"x\"}", "line 3: unknown variant `intermediate`"),
        ("{\"profile\":\"server\",\"san\":[\"a b.test\"]}", "line 3: invalid \"san\" 'a b.test'"),
        ("{\"profile\":\"server\",\"san\":[]}", "line 3: \"san\": a server certificate needs at least one SAN"),
        ("{\"profile\":\"client\"}", "line 3: \"cn\": a client certificate needs one"),
        ("{\"profile\":\"client\",\"cn\":\"x\",\"key_type\":\"dsa\"}", "line 3: invalid \"key_type\" 'dsa'"),
        ("{\"profile\":\"client\",\"cn\":\"x\",\"days\":40000}", "line 3: invalid \"days\" '40000'"),
        ("{\"profile\":\"client\",\"cn\":\"x\",\"name\":\"../x\"}", "line 3: invalid \"name\" '../x'"),
        ("{\"profile\":\"client\",\"cn\":\"one\"}", "line 3: invalid \"name\" 'one': line 1 writes 'out/one.pem' too"),
        ("{\"profile\":\"client\",\"cn\":\"x\",\"name\":\"one-key\"}", "line 1 writes 'out/one-key.pem' too"),
        ("{\"profile\":\"client\",\"cn\":\"taken\"}", "line 3: 'out/taken.pem' already exists"),
        (
            "{\"profile\":\"server\",\"san\":[\"api.example.com\"]}",
            "line 3: SAN 'api.example.com' is outside the permitted",
        ),
        ("{\"profile\":\"client\",\"cn\":\"x\",\"issuer\":\"nope\"}", "line 3: no intermediate CA named 'nope'"),
    ] {
        let before = state(&pki, &pki.path("out"));
        let input = format!("{good_before}{bad}\n{good_after}");
        let err = pki.call(["issue", "batch", "-", "--out-dir", "out"]).stdin(input.clone()).fails(1);
        assert!(err.starts_with("error: ") && err.contains(says), "{bad}: {err}");
        assert!(err.lines().skip(1).all(|l| l.starts_with("hint: ")), "{bad}: one error line, then hints: {err}");
        assert!(before == state(&pki, &pki.path("out")), "{bad}: the out dir or the ledger changed");
        // Under --json: the error document, and still nothing written.
        let out = pki.call(["issue", "batch", "-", "--out-dir", "out", "--json"]).stdin(input).output();
        assert_eq!(out.status.code(), Some(1));
        let doc: Value = serde_json::from_slice(&out.stdout).expect("the error document");
        assert!(doc["error"]["message"].as_str().unwrap().starts_with("line 3: "), "{doc}");
        assert!(before == state(&pki, &pki.path("out")), "{bad} --json: the out dir or the ledger changed");
    }
    // The same lines without the bad one go through.
    let input = format!("{good_before}{good_after}");
    pki.call(["issue", "batch", "-", "--out-dir", "out", "-q"]).stdin(input).ok();
    assert!(pki.path("out/two.test-key.pem").exists() && pki.path("out/four-chain.pem").exists());
}

#[test]
fn an_encrypted_ca_key_is_unlocked_once_and_new_keys_can_be_encrypted() {
    let pki = Pki::new();
    std::fs::write(pki.path("ca-pass"), "root secret\n").unwrap();
    std::fs::write(pki.path("key-pass"), "leaf secret\n").unwrap();
    pki.init(&["--passphrase-file", "ca-pass"]);
    std::fs::write(pki.path("in.jsonl"), clients("enc", 3)).unwrap();
    let err = pki.fails(1, &["issue", "batch", "in.jsonl"]);
    assert!(err.contains("is encrypted") && err.contains("--ca-passphrase-file"), "{err}");
    assert!(!pki.path("enc-1.pem").exists());
    let args = ["issue", "batch", "in.jsonl", "--ca-passphrase-file", "ca-pass", "--passphrase-file", "key-pass"];
    pki.ok(&args);
    let key = std::fs::read_to_string(pki.path("enc-2-key.pem")).unwrap();
    assert!(key.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"), "{key}");
    if require("openssl") {
        openssl_ok(&pki.work(), &["pkey", "-in", "enc-2-key.pem", "-passin", "pass:leaf secret", "-noout"]);
    }
    // $PKI_CA_PASSPHRASE works as for `pki issue`.
    std::fs::write(pki.path("env.jsonl"), clients("env", 2)).unwrap();
    pki.call(["issue", "batch", "env.jsonl", "-q"]).env("PKI_CA_PASSPHRASE", "root secret").ok();
    assert!(pki.path("env-2.pem").exists());
}

#[test]
fn no_progress_on_a_pipe_with_json_or_quiet_and_a_bar_on_a_terminal() {
    let pki = Pki::new();
    pki.init(&[]);
    // An RSA-3072 key: the slow kind, which gets a spinner on a terminal.
    let input = format!("{}{{\"profile\":\"client\",\"cn\":\"slow\",\"key_type\":\"rsa-3072\"}}\n", clients("p", 20));
    std::fs::write(pki.path("in.jsonl"), &input).unwrap();
    // A pipe: stderr holds nothing at all, whatever is asked.
    for args in [
        vec!["issue", "batch", "in.jsonl", "--out-dir", "a"],
        vec!["issue", "batch", "in.jsonl", "--out-dir", "b", "--json"],
        vec!["issue", "client", "--cn", "single", "--key-type", "rsa-3072"],
    ] {
        let out = pki.call(&args).output();
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        assert!(out.stderr.is_empty(), "{args:?} wrote to a piped stderr: {:?}", text(&out.stderr));
    }
    let root = Pki::new();
    let out = root.call(["ca", "init", "--key-type", "rsa-3072"]).output();
    assert!(out.status.success() && out.stderr.is_empty(), "ca init: {:?}", text(&out.stderr));

    // A terminal: the bar, and the slow key named in it; then the summary.
    let Some(tty) = crate::terminal::on_terminal(&pki, "issue batch in.jsonl --out-dir c", &[]) else {
        return;
    };
    assert!(tty.contains("issuing") && tty.contains("/21"), "no progress bar on a terminal: {tty:?}");
    assert!(tty.contains("generating an rsa-3072 key"), "the slow key is not shown: {tty:?}");
    assert!(tty.contains("21 certificates issued into c"), "{tty:?}");
    // ... but not with --json or -q, even on a terminal.
    let json = crate::terminal::on_terminal(&pki, "issue batch in.jsonl --out-dir d --json", &[]).unwrap();
    assert!(!json.contains("issuing") && !json.contains('\u{1b}'), "progress with --json: {json:?}");
    assert_eq!(json.lines().count(), 21, "{json:?}");
    let quiet = crate::terminal::on_terminal(&pki, "issue batch in.jsonl --out-dir e -q", &[]).unwrap();
    assert!(quiet.is_empty(), "output with -q: {quiet:?}");
    // The spinner of one slow key, in `pki issue` and `ca init`.
    let single = crate::terminal::on_terminal(&pki, "issue client --cn rsa --key-type rsa-3072", &[]).unwrap();
    assert!(single.contains("generating an rsa-3072 key"), "{single:?}");
    let fresh = Pki::new();
    let init = crate::terminal::on_terminal(&fresh, "ca init --key-type rsa-3072", &[]).unwrap();
    assert!(init.contains("generating an rsa-3072 key"), "{init:?}");
    let plain = crate::terminal::on_terminal(&pki, "issue client --cn fast", &[]).unwrap();
    assert!(!plain.contains("generating"), "a spinner for a fast key: {plain:?}");
}
