//! The ledger file through its traits: folding, the index, sessions and damage.

use super::*;
use crate::store::ledger::file::{FILE_NAME, HEADER};

fn entry(serial: &str) -> LedgerEntry {
    LedgerEntry {
        serial: serial.into(),
        profile: Profile::Server,
        subject: "CN=a".into(),
        sans: vec!["a".into()],
        not_before: "2026-01-01T00:00:00Z".into(),
        not_after: "2027-01-01T00:00:00Z".into(),
        issuer: "root".into(),
        fingerprint_sha256: "00".into(),
        path: None,
        issued_at: "2026-01-01T00:00:00Z".into(),
        revoked: None,
        superseded_by: None,
    }
}

fn issued(serial: &str) -> Event {
    Event::Issued(Box::new(entry(serial)))
}

fn revoked(serial: &str) -> Event {
    Event::Revoked { serial: serial.into(), at: "t".into(), reason: "superseded".into() }
}

#[test]
fn events_fold_and_a_cut_last_line_is_skipped_then_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileLedger::new(dir.path());
    let mut s = store.begin().unwrap();
    s.append(&issued("0a")).unwrap();
    s.append(&Event::Revoked { serial: "0A".into(), at: "t".into(), reason: "superseded".into() }).unwrap();
    s.append(&Event::CrlNumber { issuer: "root".into(), number: 3 }).unwrap();
    s.commit().unwrap();
    let path = dir.path().join(FILE_NAME);
    let whole = std::fs::read(&path).unwrap();
    std::fs::write(&path, [&whole[..], b"{\"event\":\"iss"].concat()).unwrap();
    let l = store.load().unwrap();
    assert_eq!(l.certificates().len(), 1);
    assert_eq!(l.certificates()[0].revoked.as_ref().unwrap().reason, "superseded");
    assert_eq!(l.crl_number("root"), 3);
    assert_eq!(l.crl_number("web"), 0);
    let mut s = store.begin().unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), whole, "the cut line is removed before appending");
    s.append(&issued("0b")).unwrap();
    s.roll_back();
    assert_eq!(std::fs::read(&path).unwrap(), whole, "roll_back takes the appended line back");
}

#[test]
fn dropping_an_uncommitted_session_rolls_back_and_releases_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileLedger::new(dir.path());
    let path = dir.path().join(FILE_NAME);
    {
        let mut s = store.begin().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), HEADER.as_bytes(), "a missing ledger is created empty");
        s.append(&issued("1")).unwrap();
        assert!(s.find("1").unwrap().is_some(), "a session sees its own appends");
    }
    assert_eq!(std::fs::read(&path).unwrap(), HEADER.as_bytes());
    // The lock was released: a second session does not block.
    let mut s = store.begin().unwrap();
    s.append(&issued("2")).unwrap();
    s.commit().unwrap();
    assert!(store.find("2").unwrap().is_some());
}

#[test]
fn find_and_the_index_agree_with_the_events() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileLedger::new(dir.path());
    let mut s = store.begin().unwrap();
    for e in [
        issued("1a"),
        issued("a1"),
        issued("ba1"),
        issued("01ff"),
        revoked("a1"),
        Event::Superseded { serial: "1ff".into(), by: "1a".into() },
    ] {
        s.append(&e).unwrap();
    }
    s.commit().unwrap();
    let ledger = store.load().unwrap();
    for (serial, revoked, by) in [
        ("1a", false, None),
        ("A1", true, None),
        ("00:a1", true, None),
        ("ba1", false, None),
        ("1ff", false, Some("1a")),
        ("01:FF", false, Some("1a")),
    ] {
        let found = store.find(serial).unwrap().unwrap_or_else(|| panic!("{serial} not found"));
        assert_eq!(Some(&found), ledger.find(serial), "{serial}: find and load agree");
        assert_eq!(found.revoked.is_some(), revoked, "{serial}");
        assert_eq!(found.superseded_by.as_deref(), by, "{serial}");
    }
    assert_eq!(store.find("a").unwrap(), None);
    assert_eq!(store.find("2").unwrap(), None);
    assert!(ledger.find("2").is_none());
}

#[test]
fn find_falls_back_to_folding_for_a_serial_written_in_another_form() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    let line = serde_json::to_string(&issued("ABC")).unwrap();
    std::fs::write(&path, format!("{HEADER}{line}\n")).unwrap();
    let found = FileLedger::new(dir.path()).find("abc").unwrap().expect("found by folding");
    assert_eq!(found.serial, "ABC");
}

#[test]
fn a_missing_ledger_is_empty_and_an_old_ledger_json_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ledger.json"), "{\"version\":1,\"certificates\":[]}").unwrap();
    let store = FileLedger::new(dir.path());
    store.precheck().unwrap();
    assert!(store.load().unwrap().certificates().is_empty());
    assert_eq!(store.find("1").unwrap(), None);
    store.ensure_exists().unwrap();
    assert_eq!(std::fs::read(dir.path().join(FILE_NAME)).unwrap(), HEADER.as_bytes());
}

#[test]
fn damage_is_named_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileLedger::new(dir.path());
    let path = dir.path().join(FILE_NAME);
    for (text, want) in [
        ("", "the file is empty"),
        ("{junk\n", "this is not a pki ledger"),
        ("{\"pki_ledger\":3}\n", "format version 3 is not supported by this pki (it reads version 2)"),
        ("{\"pki_ledger\":2}\n{\"event\":\"issued\"}\n", "line 2 is not a ledger event"),
        ("{\"pki_ledger\":2}\n{\"event\":\"superseded\",\"serial\":\"1\",\"by\":\"2\"}\n", "line 2: renews serial 1"),
        (
            "{\"pki_ledger\":2}\n\n{\"event\":\"revoked\",\"serial\":\"1\",\"at\":\"t\",\"reason\":\"x\"}\n",
            "line 3: revokes serial 1",
        ),
    ] {
        std::fs::write(&path, text).unwrap();
        let err = store.load().unwrap_err().to_string();
        assert!(err.contains(want), "load {text:?}: {err}");
        // find names the same damage when it meets it on the lines it reads.
        if text.contains("\"serial\":\"1\"") || !text.starts_with(HEADER) {
            let err = store.find("1").unwrap_err().to_string();
            assert!(err.contains(want), "find {text:?}: {err}");
        }
        if !text.starts_with(HEADER) {
            assert!(store.precheck().unwrap_err().to_string().contains(want), "precheck {text:?}");
            assert!(store.begin().is_err(), "begin {text:?}");
        }
    }
}

#[test]
fn find_reads_across_chunks_and_counts_lines_in_later_ones() {
    // Enough lines (about 300 bytes each) for several of scan_for's chunks, so lines
    // straddle chunk boundaries.
    let dir = tempfile::tempdir().unwrap();
    let store = FileLedger::new(dir.path());
    let mut s = store.begin().unwrap();
    let serials: Vec<String> = (1..=4000u32).map(|i| format!("{:x}", i * 7919)).collect();
    for serial in &serials {
        s.append(&issued(serial)).unwrap();
    }
    s.append(&revoked(&serials[3999])).unwrap();
    s.commit().unwrap();
    let path = dir.path().join(FILE_NAME);
    assert!(std::fs::metadata(&path).unwrap().len() > 3 * file::CHUNK as u64, "the premise");
    let ledger = store.load().unwrap();
    for serial in serials.iter().step_by(29).chain([&serials[3999]]) {
        let found = store.find(serial).unwrap().unwrap_or_else(|| panic!("{serial} not found"));
        assert_eq!(Some(&found), ledger.find(serial));
    }
    assert!(store.find(&serials[3999]).unwrap().unwrap().revoked.is_some());
    // A renewal of a serial never issued, as line 4003, then a cut line.
    let mut text = std::fs::read(&path).unwrap();
    text.extend_from_slice(b"{\"event\":\"superseded\",\"serial\":\"77\",\"by\":\"1\"}\n{\"event\":\"iss");
    std::fs::write(&path, &text).unwrap();
    let err = store.find("77").unwrap_err().to_string();
    assert!(err.contains("line 4003: renews serial 77"), "{err}");
    assert!(store.load().unwrap_err().to_string().contains("line 4003: renews serial 77"));
}

#[test]
fn a_certificate_issued_over_another_ones_file_supersedes_it() {
    let mut l = Ledger::new("ledger.jsonl".into());
    let at = |serial: &str, path: Option<&str>| {
        Event::Issued(Box::new(LedgerEntry { path: path.map(String::from), ..entry(serial) }))
    };
    l.apply(at("1", Some("/w/a.pem")), 2).unwrap();
    l.apply(at("2", Some("/w/b.pem")), 3).unwrap();
    l.apply(at("3", Some("/w/a.pem")), 4).unwrap();
    l.apply(at("4", None), 5).unwrap();
    l.apply(at("5", None), 6).unwrap();
    let by: Vec<Option<&str>> = l.certificates().iter().map(|e| e.superseded_by.as_deref()).collect();
    assert_eq!(by, [Some("3"), None, None, None, None]);
    let now = time::OffsetDateTime::UNIX_EPOCH;
    assert_eq!(l.certificates()[0].status(now), Status::Superseded);
    assert_eq!(l.certificates()[2].status(now), Status::Valid);
}
