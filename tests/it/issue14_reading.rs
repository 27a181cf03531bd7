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
