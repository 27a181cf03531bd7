//! The x509-limbo path-validation suite (../shared/limbo, 9,780 cases): `pki verify` must
//! do at least as well as rustls-webpki, with no more false accepts.
//!
//! Cases run in-process through `pki::verify::verify`, the function behind `pki verify`,
//! mapped as limbo's README says (`--ca T... --untrusted U... --host/--ip --purpose --at
//! --crl`); a sample also runs through the real binary to prove the mapping.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use serde_json::Value;

use crate::common::*;

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/limbo")
}

/// The suite's JSON, or its anchor results, decompressed with xz. A missing file or a
/// missing xz fails the test (see `require_file`), unless `PKI_ALLOW_MISSING_TOOLS=1`:
/// then `None`, and the test says SKIPPED.
fn xz_json(path: &Path) -> Option<Value> {
    if !require_file(path, "the x509-limbo suite belongs in ../shared/limbo beside this checkout") || !require("xz") {
        return None;
    }
    let out = std::process::Command::new("xz").arg("-dc").arg(path).output().expect("run xz (install xz-utils)");
    assert!(out.status.success(), "xz -dc {} failed", path.display());
    Some(serde_json::from_slice(&out.stdout).expect("limbo JSON"))
}

fn der(pem: &str) -> CertificateDer<'static> {
    CertificateDer::from_pem_slice(pem.as_bytes()).expect("limbo PEM certificate")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Success,
    Failure,
    Skipped,
}

/// Why a case cannot be expressed with `pki verify`'s flags, if it cannot.
fn skip_reason(tc: &Value) -> Option<&'static str> {
    if tc["features"].as_array().is_some_and(|f| f.iter().any(|x| x == "max-chain-depth")) {
        return Some("a binding max-chain-depth has no pki verify flag");
    }
    if tc["key_usage"].as_array().is_some_and(|a| !a.is_empty()) {
        return Some("required key usages have no pki verify flag");
    }
    if tc["signature_algorithms"].as_array().is_some_and(|a| !a.is_empty()) {
        return Some("signature algorithm limits have no pki verify flag");
    }
    if tc["expected_peer_name"]["kind"] == "RFC822" {
        return Some("email peer names have no pki verify flag");
    }
    None
}

fn request(tc: &Value) -> pki::verify::Input {
    let certs = |k: &str| tc[k].as_array().unwrap().iter().map(|p| der(p.as_str().unwrap())).collect::<Vec<_>>();
    let crls = tc["crls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            rustls::pki_types::CertificateRevocationListDer::from_pem_slice(p.as_str().unwrap().as_bytes())
                .expect("limbo CRL")
                .to_vec()
        })
        .collect();
    let at = match tc["validation_time"].as_str() {
        Some(t) => pki::validity::parse_time("--at", t).unwrap(),
        None => time::OffsetDateTime::now_utc(),
    };
    let (mut host, mut ip) = (None, None);
    match (tc["expected_peer_name"]["kind"].as_str(), tc["expected_peer_name"]["value"].as_str()) {
        (Some("DNS"), Some(v)) => host = Some(v.to_string()),
        (Some("IP"), Some(v)) => ip = Some(v.parse().expect("limbo IP")),
        _ => {}
    }
    let purpose =
        if tc["validation_kind"] == "CLIENT" { pki::verify::Purpose::Client } else { pki::verify::Purpose::Server };
    pki::verify::Input {
        leaf: der(tc["peer_certificate"].as_str().unwrap()),
        intermediates: certs("untrusted_intermediates"),
        anchors: certs("trusted_certs"),
        crls,
        host,
        ip,
        purpose,
        at,
        key: None,
        profile: pki::verify::Profile::Strict,
    }
}

fn run_case(tc: &Value) -> Outcome {
    run_case_why(tc).0
}

/// The outcome and, when not valid, the verdict's reasons (`code: message`).
fn run_case_why(tc: &Value) -> (Outcome, Vec<String>) {
    if skip_reason(tc).is_some() {
        return (Outcome::Skipped, Vec::new());
    }
    let v = pki::verify::verify(&request(tc));
    let why = v.errors.iter().map(|p| format!("{}: {}", code_name(p.code), p.message)).collect();
    (if v.valid { Outcome::Success } else { Outcome::Failure }, why)
}

fn code_name(c: pki::verify::Code) -> String {
    serde_json::to_value(c).unwrap().as_str().unwrap().to_string()
}

#[derive(Default, Debug)]
struct Score {
    pass: usize,
    false_accept: usize,
    false_reject: usize,
    skipped: usize,
}

fn score(results: &HashMap<String, Outcome>, expected: &HashMap<String, Outcome>) -> Score {
    let mut s = Score::default();
    for (id, want) in expected {
        match results.get(id).copied().unwrap_or(Outcome::Skipped) {
            Outcome::Skipped => s.skipped += 1,
            got if got == *want => s.pass += 1,
            Outcome::Success => s.false_accept += 1,
            Outcome::Failure => s.false_reject += 1,
        }
    }
    s
}

fn outcome(v: &Value) -> Outcome {
    match v.as_str() {
        Some("SUCCESS") => Outcome::Success,
        Some("FAILURE") => Outcome::Failure,
        _ => Outcome::Skipped,
    }
}

/// The floor: what `pki verify` reaches on the suite today. A change that loses a case
/// fails here.
const MIN_PASS: usize = 9756;
const MAX_FALSE_ACCEPTS: usize = 7;
const MAX_FALSE_REJECTS: usize = 10;

/// The disagreements docs/verify.md lists (`- `ID` (false accept|false reject): reason`).
fn documented_disagreements() -> Vec<(String, String)> {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/verify.md")).unwrap();
    let section = doc.split("### Remaining disagreements").nth(1).expect("docs/verify.md lists the disagreements");
    let section = section.split("\n#").next().unwrap_or(section);
    section
        .lines()
        .filter_map(|l| {
            let l = l.strip_prefix("- `")?;
            let (id, rest) = l.split_once('`')?;
            let kind = rest.trim_start().strip_prefix('(')?.split(')').next()?;
            Some((id.to_string(), kind.to_string()))
        })
        .collect()
}

/// The whole suite, or with `PKI_LIMBO_FILTER=TEXT` only the cases whose id contains TEXT
/// (to iterate on a group; the floor is then not checked). Every disagreement is printed
/// with pki's reasons (`--nocapture` to see them).
#[test]
fn limbo_suite_scores_at_least_as_well_as_rustls_webpki() {
    let Some(limbo) = xz_json(&shared().join("limbo.json.xz")) else { return };
    let webpki = xz_json(&shared().join("anchors/rustls-webpki.json.xz")).expect("rustls-webpki anchor results");
    let cases = limbo["testcases"].as_array().unwrap();
    assert_eq!(cases.len(), 9780, "the suite changed size");
    let filter = std::env::var("PKI_LIMBO_FILTER").ok().filter(|f| !f.is_empty());
    let cases: Vec<&Value> =
        cases.iter().filter(|t| filter.as_ref().is_none_or(|f| t["id"].as_str().unwrap().contains(f))).collect();

    let expected: HashMap<String, Outcome> =
        cases.iter().map(|t| (t["id"].as_str().unwrap().to_string(), outcome(&t["expected_result"]))).collect();
    let runs: HashMap<String, (Outcome, Vec<String>)> =
        cases.iter().map(|t| (t["id"].as_str().unwrap().to_string(), run_case_why(t))).collect();
    let ours: HashMap<String, Outcome> = runs.iter().map(|(k, v)| (k.clone(), v.0)).collect();
    let theirs: HashMap<String, Outcome> = webpki["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| expected.contains_key(r["id"].as_str().unwrap()))
        .map(|r| (r["id"].as_str().unwrap().to_string(), outcome(&r["actual_result"])))
        .collect();

    let (a, b) = (score(&ours, &expected), score(&theirs, &expected));
    let mut wrong: Vec<(String, String)> = Vec::new();
    for (id, want) in &expected {
        let got = ours[id];
        if got == Outcome::Skipped || got == *want {
            continue;
        }
        let kind = if got == Outcome::Success { "false accept" } else { "false reject" };
        eprintln!("DISAGREE {id} ({kind}): {}", runs[id].1.join(" | "));
        wrong.push((id.clone(), kind.to_string()));
    }
    eprintln!("limbo: pki verify   {a:?}");
    eprintln!("limbo: rustls-webpki {b:?}");
    let fa_ours: Vec<&String> = expected
        .keys()
        .filter(|id| expected[*id] == Outcome::Failure && ours.get(*id) == Some(&Outcome::Success))
        .collect();
    let fa_new: Vec<&&String> = fa_ours.iter().filter(|id| theirs.get(**id) != Some(&Outcome::Success)).collect();
    assert!(fa_new.is_empty(), "false accepts that rustls-webpki does not make: {fa_new:?}");
    // pki's strict rules only add reasons: whatever rustls-webpki refuses, pki refuses.
    let lenient: Vec<&String> = ours
        .iter()
        .filter(|(id, o)| **o == Outcome::Success && theirs.get(*id) == Some(&Outcome::Failure))
        .map(|(id, _)| id)
        .collect();
    assert!(lenient.is_empty(), "pki accepts what rustls-webpki refuses: {lenient:?}");
    if filter.is_some() {
        return;
    }
    assert!(a.pass >= b.pass, "pki passes {} cases, rustls-webpki {}", a.pass, b.pass);
    assert!(a.pass >= MIN_PASS, "pki passes {} cases, the floor is {MIN_PASS}", a.pass);
    assert!(
        a.false_accept <= MAX_FALSE_ACCEPTS,
        "pki falsely accepts {} cases (at most {MAX_FALSE_ACCEPTS})",
        a.false_accept
    );
    assert!(
        a.false_reject <= MAX_FALSE_REJECTS,
        "pki falsely rejects {} cases (at most {MAX_FALSE_REJECTS})",
        a.false_reject
    );
    wrong.sort();
    let mut documented = documented_disagreements();
    documented.sort();
    assert_eq!(documented, wrong, "docs/verify.md's list of remaining disagreements is not the run's");
}

/// A sample of cases through the real binary: files on disk, flags as the README maps them,
/// exit 0 for SUCCESS and 3 for FAILURE, never anything else.
#[test]
fn limbo_sample_through_the_binary_agrees_with_the_library() {
    let Some(limbo) = xz_json(&shared().join("limbo.json.xz")) else { return };
    let cases = limbo["testcases"].as_array().unwrap();
    let pki = Pki::new();
    let dir = pki.work();
    let mut checked = 0;
    for (n, tc) in cases.iter().enumerate().filter(|(n, _)| n % 97 == 0) {
        if skip_reason(tc).is_some() {
            continue;
        }
        let write = |name: String, pems: Vec<&str>| {
            let p = dir.join(name);
            std::fs::write(&p, pems.join("\n")).unwrap();
            p
        };
        let leaf = write(format!("{n}-leaf.pem"), vec![tc["peer_certificate"].as_str().unwrap()]);
        let mut args: Vec<String> = vec!["verify".into(), leaf.display().to_string()];
        for (i, t) in tc["trusted_certs"].as_array().unwrap().iter().enumerate() {
            args.push("--ca".into());
            args.push(write(format!("{n}-ca{i}.pem"), vec![t.as_str().unwrap()]).display().to_string());
        }
        for (i, t) in tc["untrusted_intermediates"].as_array().unwrap().iter().enumerate() {
            args.push("--untrusted".into());
            args.push(write(format!("{n}-u{i}.pem"), vec![t.as_str().unwrap()]).display().to_string());
        }
        for (i, t) in tc["crls"].as_array().unwrap().iter().enumerate() {
            args.push("--crl".into());
            args.push(write(format!("{n}-crl{i}.pem"), vec![t.as_str().unwrap()]).display().to_string());
        }
        match (tc["expected_peer_name"]["kind"].as_str(), tc["expected_peer_name"]["value"].as_str()) {
            (Some("DNS"), Some(v)) => args.extend(["--host".into(), v.into()]),
            (Some("IP"), Some(v)) => args.extend(["--ip".into(), v.into()]),
            _ => {}
        }
        args.push("--purpose".into());
        args.push(if tc["validation_kind"] == "CLIENT" { "client" } else { "server" }.into());
        if let Some(t) = tc["validation_time"].as_str() {
            args.extend(["--at".into(), t.into()]);
        }
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = pki.run(&argv);
        let lib = run_case(tc);
        let want = if lib == Outcome::Success { 0 } else { 3 };
        assert_eq!(
            out.status.code(),
            Some(want),
            "case {}: binary and library disagree\nstderr: {}",
            tc["id"],
            String::from_utf8_lossy(&out.stderr)
        );
        checked += 1;
    }
    assert!(checked > 50, "only {checked} cases checked");
}
