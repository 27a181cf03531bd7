//! The ledger on disk: `ledger.jsonl`, append-only. Issuing adds one line and rewrites
//! nothing; a line cut short by a crash is skipped and then cut off; damage is named by
//! line; a version-1 `ledger.json` from an older pki is read and converted.

use serde_json::{Value, json};

use crate::common::*;
use crate::x509::serial_of;

/// The serial of a certificate file, lowercase hex without leading zero digits (as
/// [`norm`] writes a serial).
fn serial_hex(pki: &Pki, file: &str) -> String {
    serial_of(&pki.path(file)).trim_start_matches('0').to_string()
}

/// A serial from the ledger or `--json` (lowercase hex), without leading zeros.
fn norm(v: &Value) -> String {
    v.as_str().unwrap_or_else(|| panic!("not a serial: {v}")).trim_start_matches('0').to_string()
}

fn ledger_bytes(pki: &Pki) -> Vec<u8> {
    std::fs::read(pki.ca_dir().join("ledger.jsonl")).expect("ledger.jsonl")
}

#[test]
fn ca_init_writes_just_the_header_and_each_issue_appends_one_line() {
    let pki = Pki::new();
    pki.init(&[]);
    assert_eq!(ledger_bytes(&pki), b"{\"pki_ledger\":2}\n");
    pki.ok(&["issue", "server", "--san", "a.test", "-q"]);
    let after_one = ledger_bytes(&pki);
    pki.ok(&["issue", "client", "--cn", "bob", "-q"]);
    let after_two = ledger_bytes(&pki);

    assert!(after_two.starts_with(&after_one), "nothing already recorded is rewritten");
    let lines = ledger_lines(&pki.ca_dir(), true);
    assert_eq!(lines.len(), 2);
    for (line, (file, profile, san)) in
        lines.iter().zip([("a.test.pem", "server", "a.test"), ("bob.pem", "client", "")])
    {
        assert_eq!(line["event"], "issued");
        assert_eq!(norm(&line["serial"]), serial_hex(&pki, file), "{line}");
        assert_eq!(line["profile"], profile);
        assert_eq!(line["sans"], if san.is_empty() { json!([]) } else { json!([san]) });
        assert_eq!(line["path"], pki.path(file).display().to_string());
    }
}

#[test]
fn revoke_renew_and_crl_append_events_that_list_and_crl_read_back() {
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["issue", "server", "--san", "a.test", "-q"]);
    pki.ok(&["issue", "server", "--san", "b.test", "-q"]);
    let (a, b) = (serial_hex(&pki, "a.test.pem"), serial_hex(&pki, "b.test.pem"));
    pki.ok(&["revoke", &a, "--reason", "key-compromise", "-q"]);
    pki.ok(&["renew", "b.test.pem", "--force", "-q"]);
    pki.ok(&["crl", "--out", "one.crl", "-q"]);
    pki.ok(&["crl", "--out", "two.crl", "-q"]);

    let lines = ledger_lines(&pki.ca_dir(), true);
    let events: Vec<&str> = lines.iter().map(|l| l["event"].as_str().unwrap()).collect();
    assert_eq!(events, ["issued", "issued", "revoked", "issued", "superseded", "crl-number", "crl-number"]);
    assert_eq!(norm(&lines[2]["serial"]), a);
    assert_eq!(lines[2]["reason"], "key-compromise");
    assert_eq!(norm(&lines[4]["serial"]), b);
    assert_eq!(norm(&lines[4]["by"]), serial_hex(&pki, "b.test.pem"), "b.test.pem now holds the renewed certificate");
    assert_eq!((lines[5]["number"].as_u64(), lines[6]["number"].as_u64()), (Some(1), Some(2)));

    let list = pki.json(&["list"]);
    let status: Vec<(String, &str)> =
        list.as_array().unwrap().iter().map(|r| (norm(&r["serial"]), r["status"].as_str().unwrap())).collect();
    assert_eq!(status.len(), 3);
    assert!(status.contains(&(a.clone(), "revoked")), "{list}");
    // The second CRL lists the revoked serial and carries number 2.
    let crl = pki.json(&["inspect", "two.crl"]);
    let text = crl.to_string();
    assert!(text.contains(&a), "{text}");
    if require("openssl") {
        let (ok, out) = run_tool("openssl", &["crl", "-in", "two.crl", "-noout", "-crlnumber"], &pki.work());
        assert!(ok && out.trim() == "crlNumber=0x02", "{out}");
    }
}

#[test]
fn a_half_appended_last_line_is_skipped_then_cut_off_by_the_next_writer() {
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["issue", "server", "--san", "a.test", "-q"]);
    let whole = ledger_bytes(&pki);
    // What a power cut mid-append can leave: the start of a line, no newline.
    let cut = [&whole[..], b"{\"event\":\"issued\",\"serial\":\"ab"].concat();
    std::fs::write(pki.ca_dir().join("ledger.jsonl"), &cut).unwrap();

    assert_eq!(pki.json(&["list"]).as_array().unwrap().len(), 1, "the cut line is not an entry");
    pki.ok(&["issue", "server", "--san", "b.test", "-q"]);
    let after = ledger_bytes(&pki);
    assert!(after.starts_with(&whole), "what was whole stays");
    let lines = ledger_lines(&pki.ca_dir(), true);
    assert_eq!(lines.len(), 2, "the cut line is gone, the new one is whole");
    assert_eq!(norm(&lines[1]["serial"]), serial_hex(&pki, "b.test.pem"));
}

#[test]
fn a_damaged_line_is_named_by_number_with_the_fix() {
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["issue", "server", "--san", "a.test", "-q"]);
    let mut text = String::from_utf8(ledger_bytes(&pki)).unwrap();
    text.push_str("{\"event\":\"issued\",\"serial\":12}\n");
    std::fs::write(pki.ca_dir().join("ledger.jsonl"), &text).unwrap();
    let err = pki.fails(1, &["list"]);
    let path = pki.ca_dir().join("ledger.jsonl");
    assert!(err.contains(&format!("cannot use ledger '{}'", path.display())), "{err}");
    assert!(err.contains("line 3 is not a ledger event"), "{err}");
    assert!(err.contains("hint: the ledger is damaged"), "{err}");
}

/// A ledger.json written by pki before the ledger became append-only.
fn version_1_ledger(serial_a: &str, serial_b: &str) -> Value {
    let entry = |serial: &str, san: &str| {
        json!({
            "serial": serial, "profile": "server", "subject": format!("CN={san}"), "sans": [san],
            "not_before": "2026-01-01T00:00:00Z", "not_after": "2099-01-01T00:00:00Z", "issuer": "root",
            "fingerprint_sha256": "00", "path": null, "issued_at": "2026-01-01T00:00:00Z"
        })
    };
    let mut a = entry(serial_a, "old-a.test");
    a["revoked"] = json!({ "at": "2026-02-01T00:00:00Z", "reason": "superseded" });
    json!({ "version": 1, "certificates": [a, entry(serial_b, "old-b.test")], "crl_numbers": { "root": 4 } })
}

#[test]
fn a_version_1_ledger_is_read_and_converted_by_the_first_write() {
    let pki = Pki::new();
    pki.init(&[]);
    std::fs::remove_file(pki.ca_dir().join("ledger.jsonl")).unwrap();
    let v1 = version_1_ledger("1a", "2b");
    std::fs::write(pki.ca_dir().join("ledger.json"), serde_json::to_vec_pretty(&v1).unwrap()).unwrap();

    let rows = pki.json(&["list"]);
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0]["serial"].as_str(), rows[0]["status"].as_str()), (Some("1a"), Some("revoked")));
    assert!(pki.ca_dir().join("ledger.json").exists(), "reading converts nothing");

    pki.ok(&["issue", "server", "--san", "new.test", "-q"]);
    assert!(!pki.ca_dir().join("ledger.json").exists(), "the first write converts");
    let lines = ledger_lines(&pki.ca_dir(), true);
    let serials: Vec<String> = lines.iter().filter(|l| l["event"] == "issued").map(|l| norm(&l["serial"])).collect();
    assert_eq!(serials, ["1a".to_string(), "2b".to_string(), serial_hex(&pki, "new.test.pem")]);
    let rows = pki.json(&["list"]);
    assert_eq!(rows[0]["status"], "revoked", "the revocation survives the conversion");
    // The CRL number goes on from the old ledger's.
    pki.ok(&["crl", "--out", "next.crl", "-q"]);
    let last = ledger_lines(&pki.ca_dir(), true).pop().unwrap();
    assert_eq!((last["event"].as_str(), last["number"].as_u64()), (Some("crl-number"), Some(5)));
}
