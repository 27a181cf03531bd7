//! The ledger on disk: `ledger.jsonl`, append-only. Issuing adds one line and rewrites
//! nothing; a line cut short by a crash is skipped and then cut off; damage is named by
//! line; revoking finds its serial among many without mistaking a longer one for it.

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

/// An `issued` line for `serial`, as pki writes them.
fn issued_line(serial: &str, san: &str) -> String {
    json!({
        "event": "issued", "serial": serial, "profile": "server", "subject": format!("CN={san}"),
        "sans": [san], "not_before": "2026-01-01T00:00:00Z", "not_after": "2099-01-01T00:00:00Z",
        "issuer": "root", "fingerprint_sha256": "00", "path": null, "issued_at": "2026-01-01T00:00:00Z"
    })
    .to_string()
}

#[test]
fn revoke_finds_its_serial_among_others_that_contain_it() {
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["issue", "server", "--san", "real.test", "-q"]);
    let real = serial_hex(&pki, "real.test.pem");
    // Serials that end or start with the real one's digits, around it.
    let mut text = String::from_utf8(ledger_bytes(&pki)).unwrap();
    for (i, serial) in [format!("1{real}"), format!("{real}1"), "ab".into(), format!("f{real}")].iter().enumerate() {
        text.push_str(&issued_line(serial, &format!("decoy{i}.test")));
        text.push('\n');
    }
    text.push_str(&format!(
        "{{\"event\":\"revoked\",\"serial\":\"1{real}\",\"at\":\"2026-02-01T00:00:00Z\",\"reason\":\"superseded\"}}\n"
    ));
    std::fs::write(pki.ca_dir().join("ledger.jsonl"), &text).unwrap();

    let revoked = pki.json(&["revoke", &format!("00:{}", real.to_uppercase()), "--reason", "key-compromise"]);
    assert_eq!(norm(&revoked["serial"]), real);
    assert_eq!(revoked["subject"], "CN=real.test");
    let err = pki.fails(1, &["revoke", &format!("1{real}")]);
    assert!(err.contains("decoy0.test") && err.contains("already revoked"), "{err}");
    let rows = pki.json(&["list"]);
    let status: Vec<(String, &str)> =
        rows.as_array().unwrap().iter().map(|r| (norm(&r["serial"]), r["status"].as_str().unwrap())).collect();
    assert_eq!(
        status,
        [
            (real.clone(), "revoked"),
            (format!("1{real}"), "revoked"),
            (format!("{real}1"), "valid"),
            ("ab".into(), "valid"),
            (format!("f{real}"), "valid"),
        ]
    );
    let err = pki.fails(1, &["revoke", &real[1..]]);
    assert!(err.contains("no certificate with serial"), "{err}");
}

#[test]
fn an_old_ledger_json_alone_is_left_alone_and_a_new_ledger_is_started() {
    // Version 1 (`ledger.json`) was never released: nothing reads or converts it.
    let pki = Pki::new();
    pki.init(&[]);
    std::fs::remove_file(pki.ca_dir().join("ledger.jsonl")).unwrap();
    let old = b"{\"version\":1,\"certificates\":[]}";
    std::fs::write(pki.ca_dir().join("ledger.json"), old).unwrap();
    assert_eq!(pki.json(&["list"]), json!([]));
    pki.ok(&["issue", "server", "--san", "new.test", "-q"]);
    let lines = ledger_lines(&pki.ca_dir(), true);
    assert_eq!(lines.len(), 1);
    assert_eq!(norm(&lines[0]["serial"]), serial_hex(&pki, "new.test.pem"));
    assert_eq!(std::fs::read(pki.ca_dir().join("ledger.json")).unwrap(), old);
}
