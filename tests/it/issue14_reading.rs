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
