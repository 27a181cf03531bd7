//! Crash safety: `pki ca init` and `pki issue` killed with SIGKILL at many points never
//! leave a half-written file, a certificate without its key, an unreadable ledger, or a CA
//! directory the next command cannot use.

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;

use crate::common::*;

/// Spawn `pki ARGS` the way `Pki::call` would run it.
fn spawn(pki: &Pki, args: &[&str]) -> Child {
    pki.process(args).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("spawn pki")
}

/// Kill after `micros` microseconds (SIGKILL), then reap.
fn kill_after(mut child: Child, micros: u64) {
    std::thread::sleep(Duration::from_micros(micros));
    let _ = child.kill();
    let _ = child.wait();
}

/// A deterministic spread of delays over the whole run of a command (0 to ~40 ms).
fn delays(n: usize) -> impl Iterator<Item = u64> {
    (0..n as u64).map(|i| (i * 7919) % 40_000)
}

/// Every file with a final name (not a `.pki-tmp-*` temporary) is complete.
fn final_files_are_whole(dir: &Path) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let path = e.path();
        if name.starts_with(".pki-tmp-") || name == ".lock" || path.is_dir() {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        if name.ends_with("-key.pem") {
            assert!(text.starts_with("-----BEGIN PRIVATE KEY-----"), "{name} is not a whole key: {text:?}");
            assert!(text.trim_end().ends_with("-----END PRIVATE KEY-----"), "{name} is cut short");
        } else if name.ends_with(".pem") {
            let certs = read_certs(&path);
            assert!(!certs.is_empty(), "{name} holds no certificate");
            for c in &certs {
                parse(c);
            }
        } else if name == "ledger.jsonl" {
            ledger_lines(dir, false);
        }
    }
}

/// A certificate file on disk always has its key beside it, and they match.
fn every_certificate_has_its_key(dir: &Path) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let Some(stem) = name.strip_suffix(".pem") else { continue };
        if stem.ends_with("-key") || stem.ends_with("-chain") || name.starts_with('.') {
            continue;
        }
        let key = format!("{stem}-key.pem");
        assert!(dir.join(&key).exists(), "{name} has no key beside it");
        every_certificate_has_its_key_named(dir, &name, &key);
    }
}

#[test]
fn killed_ca_init_leaves_a_whole_ca_or_none() {
    if !require("openssl") {
        return;
    }
    let mut whole = 0;
    for (i, d) in delays(24).enumerate() {
        let pki = Pki::new();
        kill_after(spawn(&pki, &["ca", "init", "-q"]), d);
        let ca = pki.ca_dir();
        let (cert, key) = (ca.join("ca.pem"), ca.join("ca-key.pem"));
        if cert.exists() {
            assert!(key.exists(), "run {i}: ca.pem without ca-key.pem");
            final_files_are_whole(&ca);
            every_certificate_has_its_key_named(&ca, "ca.pem", "ca-key.pem");
            whole += 1;
        } else {
            assert!(!key.exists() || !ca.exists(), "run {i}: a key without a certificate");
        }
        // Whatever happened, the next command works: init (if needed) then issue.
        if !cert.exists() {
            pki.ok(&["ca", "init", "-q", "--force"]);
        }
        pki.ok(&["issue", "server", "--san", "after.test", "-q"]);
    }
    eprintln!("ca init: {whole} of 24 killed runs had finished");
}

fn every_certificate_has_its_key_named(dir: &Path, cert: &str, key: &str) {
    let (ok, out) = run_tool(
        "sh",
        &[
            "-c",
            &format!("[ \"$(openssl x509 -in '{cert}' -pubkey -noout)\" = \"$(openssl pkey -in '{key}' -pubout)\" ]"),
        ],
        dir,
    );
    assert!(ok, "{cert} and {key} do not match: {out}");
}

#[test]
fn killed_issue_never_leaves_a_broken_file_or_ledger() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    pki.init(&[]);
    for (i, d) in delays(40).enumerate() {
        let name = format!("s{i}.test");
        let key_type = if i % 4 == 0 { "rsa-2048" } else { "ecdsa-p256" };
        kill_after(spawn(&pki, &["issue", "server", "--san", &name, "--key-type", key_type, "-q"]), d);
    }
    final_files_are_whole(&pki.work());
    final_files_are_whole(&pki.ca_dir());
    every_certificate_has_its_key(&pki.work());
    // The ledger parses and lists every certificate that reached the disk.
    ledger_lists_every_leaf(&pki, "killed issue");
    // And the CA goes on working.
    pki.ok(&["issue", "server", "--san", "after.test", "-q"]);
}

/// How many kills per command: `PKI_KILL_RUNS` (`.ci/run` sets a longer run), else 5.
fn kill_runs() -> usize {
    std::env::var("PKI_KILL_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(5)
}

/// After a kill: the root whole and matching its key; the intermediate `inter` (if it
/// is there) likewise; the CRL (if any) a whole CRL; each leaf in `stems` whole and
/// matching its key (or absent); and the ledger parsing and listing every leaf on disk.
fn ca_and_work_are_consistent(pki: &Pki, what: &str, inter: &str, stems: &[String]) {
    let ca = pki.ca_dir();
    every_certificate_has_its_key_named(&ca, "ca.pem", "ca-key.pem");
    let dir = ca.join("intermediates").join(inter);
    if dir.join("ca.pem").exists() {
        final_files_are_whole(&dir);
        every_certificate_has_its_key_named(&dir, "ca.pem", "ca-key.pem");
    }
    if ca.join("crl.pem").exists() {
        let (ok, out) = run_tool("openssl", &["crl", "-in", "crl.pem", "-noout"], &ca);
        assert!(ok, "{what}: crl.pem is not a whole CRL: {out}");
    }
    for stem in stems {
        let cert = format!("{stem}.pem");
        if pki.path(&cert).exists() {
            every_certificate_has_its_key_named(&pki.work(), &cert, &format!("{stem}-key.pem"));
        }
    }
    ledger_lists_every_leaf(pki, what);
}

/// The ledger parses (`pki list`) and lists every leaf certificate (`*.test.pem`) in the
/// working directory: nothing reaches the disk unrecorded.
fn ledger_lists_every_leaf(pki: &Pki, what: &str) {
    let list = pki.json(&["list"]);
    let listed: Vec<String> =
        list.as_array().unwrap().iter().map(|r| r["serial"].as_str().unwrap().to_string()).collect();
    for e in std::fs::read_dir(pki.work()).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if name.ends_with(".test.pem") {
            let serial = parse(&read_cert(&e.path())).raw_serial_as_string().replace(':', "");
            assert!(listed.contains(&serial), "{what}: {name} (serial {serial}) is not in the ledger");
        }
    }
}

#[test]
fn killed_writers_of_every_kind_lose_nothing() {
    assert!(have("openssl"), "openssl judges the files: apt-get install openssl");
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["ca", "intermediate", "--name", "web", "-q"]);
    let runs = kill_runs();
    for i in 0..runs {
        pki.ok(&["issue", "server", "--san", &format!("r{i}.test"), "-q"]);
    }
    type Args = Box<dyn Fn(usize) -> Vec<String>>;
    let commands: Vec<(&str, Args)> = vec![
        (
            "ca intermediate",
            Box::new(|i| vec!["ca".into(), "intermediate".into(), "--name".into(), format!("i{i}"), "-q".into()]),
        ),
        ("ca intermediate --force", Box::new(|_| words("ca intermediate --name web --force -q"))),
        ("issue --force", Box::new(|_| words("issue server --san f.test --force -q"))),
        ("issue via an intermediate", Box::new(|i| words(&format!("issue server --san w{i}.test --issuer web -q")))),
        ("revoke", Box::new(|i| words(&format!("revoke r{i}.test.pem -q")))),
        ("crl", Box::new(|_| words("crl -q"))),
        ("renew", Box::new(|_| words("renew f.test.pem --force -q"))),
    ];
    pki.ok(&["issue", "server", "--san", "f.test", "-q"]);
    for (what, args) in &commands {
        for (i, d) in delays(runs).enumerate() {
            let args = args(i);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            kill_after(spawn(&pki, &args), d % 25_000);
            let stems = [format!("w{i}.test"), "f.test".to_string()];
            let inter = if what.contains("--force") { "web".to_string() } else { format!("i{i}") };
            ca_and_work_are_consistent(&pki, &format!("{what} (run {i}, killed after {d} us)"), &inter, &stems);
        }
        // And the next run of the same command works (or refuses cleanly: already revoked).
        let out = pki.run(&args(runs + 1).iter().map(String::as_str).collect::<Vec<_>>());
        assert!(matches!(out.status.code(), Some(0 | 1)), "{what} after the kills: {out:?}");
    }
}

/// Split a command line on spaces.
fn words(line: &str) -> Vec<String> {
    line.split_whitespace().map(String::from).collect()
}
