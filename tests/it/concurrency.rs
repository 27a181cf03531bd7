//! Concurrent `pki` runs against one CA directory. The contract (docs/cli.md, `pki issue`)
//! promises that they are safe: no lost ledger entries, no duplicate serials; writes are
//! atomic, so a reader never sees half a ledger and no run leaves a partial file.
//!
//! The runs are real processes started all at once, not threads in one process: the
//! CA lock has to work between processes. Every wait is bounded: a run that hangs (a
//! deadlocked lock) is killed and fails the test.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use rustls::RootCertStore;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::ServerCertVerifier;
use rustls::crypto::CryptoProvider;
use rustls::crypto::aws_lc_rs::default_provider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::server::WebPkiClientVerifier;
use rustls::sign::CertifiedKey;
use serde_json::Value;

use crate::common::{Pki, assert_no_panic, ledger_lines, parse, read_cert, read_certs};
use crate::x509::serial_of_der;

/// How long a batch of runs may take before the test gives up on it.
const DEADLINE: Duration = Duration::from_secs(60);

/// `pki ARGS...` as a process, with the same hermetic environment as [`Pki::call`]:
/// `--ca-dir` set, `HOME` and `XDG_DATA_HOME` in the temp dir, no `PKI_*` or `NO_COLOR`,
/// stdin not a terminal, cwd the working directory.
fn pki_process(pki: &Pki, args: &[&str]) -> Command {
    let mut c = pki.process(args);
    c.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    c
}

/// Start every run before waiting for any, so they really overlap.
fn spawn_all(pki: &Pki, runs: &[Vec<String>]) -> Vec<(String, Child)> {
    runs.iter()
        .map(|args| {
            let a: Vec<&str> = args.iter().map(String::as_str).collect();
            let child = pki_process(pki, &a).spawn().unwrap_or_else(|e| panic!("cannot start pki {a:?}: {e}"));
            (args.join(" "), child)
        })
        .collect()
}

/// Wait for every child, killing all that are left and failing if [`DEADLINE`] passes.
/// (Their output is small, far below a pipe's buffer, so polling cannot block them.)
fn wait_all(children: Vec<(String, Child)>) -> Vec<(String, Output)> {
    let deadline = Instant::now() + DEADLINE;
    let mut children = children;
    loop {
        let mut running = Vec::new();
        for (i, (_, child)) in children.iter_mut().enumerate() {
            if child.try_wait().expect("wait for pki").is_none() {
                running.push(i);
            }
        }
        if running.is_empty() {
            break;
        }
        if Instant::now() > deadline {
            let hung: Vec<String> = running.iter().map(|&i| children[i].0.clone()).collect();
            for &i in &running {
                let _ = children[i].1.kill();
                let _ = children[i].1.wait();
            }
            panic!("pki runs still running after {DEADLINE:?}: {hung:#?}");
        }
        thread::sleep(Duration::from_millis(5));
    }
    children
        .into_iter()
        .map(|(what, child)| {
            let out = child.wait_with_output().expect("collect output");
            assert_no_panic(&out, &format!("pki {what}"));
            (what, out)
        })
        .collect()
}

/// Run every one of `runs` at once while `readers` threads poll the ledger; returns the
/// runs' outputs and what each reader saw.
fn run_with_readers(pki: &Pki, runs: &[Vec<String>], readers: usize) -> (Vec<(String, Output)>, Vec<ReaderLog>) {
    let stop = AtomicBool::new(false);
    thread::scope(|s| {
        let readers: Vec<_> = (0..readers).map(|_| s.spawn(|| read_ledger_until(pki, &stop))).collect();
        let stopper = StopOnDrop(&stop);
        let outputs = wait_all(spawn_all(pki, runs));
        drop(stopper);
        let logs: Vec<ReaderLog> = readers.into_iter().map(|r| r.join().expect("a reader failed")).collect();
        (outputs, logs)
    })
}

/// Assert a run exited 0 and parse its `--json` stdout.
fn json_of(what: &str, out: &Output) -> Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "pki {what}\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("pki {what}: stdout is not one JSON document ({e}):\n{}", String::from_utf8_lossy(&out.stdout))
    })
}

/// A string field of a JSON object.
fn field<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("no string {key:?} in {v}"))
}

/// `pki list --json` rows by serial, asserting the serials in it are unique.
fn list_by_serial(pki: &Pki) -> HashMap<String, Value> {
    let list = pki.json(&["list"]);
    let rows = list.as_array().expect("pki list --json is an array");
    let by_serial: HashMap<String, Value> = rows.iter().map(|r| (field(r, "serial").to_string(), r.clone())).collect();
    assert_eq!(by_serial.len(), rows.len(), "duplicate serials in the ledger: {list:#}");
    by_serial
}

/// Every line of `ledger.jsonl` is whole JSON; no temporary file is left in the CA or
/// working directory.
fn assert_store_is_clean(pki: &Pki) {
    ledger_lines(&pki.ca_dir(), true);
    for dir in [pki.ca_dir(), pki.work()] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().to_string();
            assert!(
                !name.starts_with(".pki-tmp-") && !name.starts_with(".pki-init-"),
                "leftover temporary file {name} in {}",
                dir.display()
            );
        }
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(default_provider())
}

fn root_store(pki: &Pki) -> Arc<RootCertStore> {
    let mut roots = RootCertStore::empty();
    roots.add(CertificateDer::from(read_cert(&pki.ca_dir().join("ca.pem")))).expect("ca.pem is a usable trust anchor");
    Arc::new(roots)
}

/// The key file holds the private key of the certificate file (compared by public key).
fn assert_key_matches(cert: &Path, key: &Path) {
    let key_der = PrivateKeyDer::from_pem_file(key).unwrap_or_else(|e| panic!("{}: {e:?}", key.display()));
    let signing_key =
        provider().key_provider.load_private_key(key_der).unwrap_or_else(|e| panic!("{}: {e:?}", key.display()));
    let certified = CertifiedKey::new(vec![CertificateDer::from(read_cert(cert))], signing_key);
    certified.keys_match().unwrap_or_else(|e| panic!("{} does not belong to {}: {e:?}", key.display(), cert.display()));
}

/// The working-directory path a `--json` report names (it is relative to `work()`).
fn reported_path(pki: &Pki, report: &Value, key: &str) -> PathBuf {
    pki.work().join(field(report, key))
}

/// The run's `--json` args for `issue client --cn NAME`.
fn client_run(name: &str) -> Vec<String> {
    ["issue", "client", "--cn", name, "--json"].map(String::from).to_vec()
}

#[test]
fn twenty_simultaneous_issuances_lose_no_entry_and_share_no_serial() {
    let pki = Pki::new();
    pki.init(&[]);
    let users: Vec<String> = (0..20).map(|i| format!("user{i}")).collect();
    let runs: Vec<Vec<String>> = users.iter().map(|u| client_run(u)).collect();
    let outputs = wait_all(spawn_all(&pki, &runs));

    // Every run succeeded and reported its own serial.
    let mut reports: HashMap<String, Value> = HashMap::new();
    for ((what, out), user) in outputs.iter().zip(&users) {
        let report = json_of(what, out);
        assert_eq!(field(&report, "subject"), format!("CN={user}"));
        let serial = field(&report, "serial").to_string();
        assert!(reports.insert(serial.clone(), report).is_none(), "serial {serial} was issued twice");
    }
    assert_eq!(reports.len(), 20);

    // The ledger has exactly these twenty, nothing lost, nothing doubled.
    let listed = list_by_serial(&pki);
    let reported: BTreeSet<&String> = reports.keys().collect();
    assert_eq!(listed.keys().collect::<BTreeSet<_>>(), reported);
    for (serial, row) in &listed {
        assert_eq!(row["profile"], "client", "{row}");
        assert_eq!(row["subject"], reports[serial]["subject"], "{row}");
        assert_eq!(row["not_after"], reports[serial]["not_after"], "{row}");
    }

    // Each file on disk is the certificate its run reported, signed by the root, with
    // its own key beside it.
    let verifier =
        WebPkiClientVerifier::builder_with_provider(root_store(&pki), provider()).build().expect("client verifier");
    let now = UnixTime::now();
    for (serial, report) in &reports {
        let cert_path = reported_path(&pki, report, "cert");
        let der = read_cert(&cert_path);
        assert_eq!(&serial_of_der(&der), serial, "{}", cert_path.display());
        assert_eq!(parse(&der).subject().to_string(), field(report, "subject"), "{}", cert_path.display());
        verifier
            .verify_client_cert(&CertificateDer::from(der.clone()), &[], now)
            .unwrap_or_else(|e| panic!("{} does not verify: {e:?}", cert_path.display()));
        assert_key_matches(&cert_path, &reported_path(&pki, report, "key"));
        assert_eq!(read_certs(&reported_path(&pki, report, "chain")), vec![der]);
    }
    assert_store_is_clean(&pki);
}

/// What one reader saw: how many polls it made, and how many entries in its last poll.
struct ReaderLog {
    polls: usize,
    last_seen: usize,
}

/// Sets the flag when dropped: readers stop even when the test fails half-way.
struct StopOnDrop<'a>(&'a AtomicBool);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Poll `pki list --json` and `ledger.jsonl` until `stop` (at least three times, and once
/// more after `stop` is seen): every poll must be whole JSON (the ledger's last line may be
/// mid-append), and no entry may ever disappear.
fn read_ledger_until(pki: &Pki, stop: &AtomicBool) -> ReaderLog {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut polls = 0;
    loop {
        let stopping = stop.load(Ordering::SeqCst);
        let outs = wait_all(spawn_all(pki, &[vec!["list".to_string(), "--json".to_string()]]));
        let (what, out) = &outs[0];
        let list = json_of(what, out);
        let now: BTreeSet<String> = list
            .as_array()
            .unwrap_or_else(|| panic!("pki list --json is not an array: {list}"))
            .iter()
            .map(|r| field(r, "serial").to_string())
            .collect();
        let lost: Vec<&String> = seen.difference(&now).collect();
        assert!(lost.is_empty(), "entries vanished from the ledger: {lost:?}");
        seen = now;

        ledger_lines(&pki.ca_dir(), false);
        polls += 1;
        if stopping && polls >= 3 {
            break;
        }
    }
    ReaderLog { polls, last_seen: seen.len() }
}

#[test]
fn issuing_via_the_root_and_an_intermediate_at_once_while_readers_poll() {
    let pki = Pki::new();
    pki.init(&[]);
    let intermediate = pki.json(&["ca", "intermediate", "--name", "web"]);
    let intermediate_serial = field(&intermediate, "serial").to_string();
    let intermediate_der = read_cert(&pki.ca_dir().join("intermediates/web/ca.pem"));

    // Ten servers from the root and ten from the intermediate, interleaved.
    let mut runs: Vec<Vec<String>> = Vec::new();
    for i in 0..10 {
        runs.push(["issue", "server", "--san", &format!("r{i}.test"), "--json"].map(String::from).to_vec());
        runs.push(
            ["issue", "server", "--issuer", "web", "--san", &format!("w{i}.test"), "--json"].map(String::from).to_vec(),
        );
    }

    let (outputs, logs) = run_with_readers(&pki, &runs, 2);
    for log in &logs {
        assert!(log.polls >= 3);
        assert_eq!(log.last_seen, 21, "the last poll, after all runs, saw them all");
    }

    let mut reports: HashMap<String, Value> = HashMap::new();
    for (what, out) in &outputs {
        let report = json_of(what, out);
        let serial = field(&report, "serial").to_string();
        assert!(reports.insert(serial.clone(), report).is_none(), "serial {serial} was issued twice");
    }
    assert_eq!(reports.len(), 20);
    assert!(!reports.contains_key(&intermediate_serial));

    let listed = list_by_serial(&pki);
    let mut expected: BTreeSet<&String> = reports.keys().collect();
    expected.insert(&intermediate_serial);
    assert_eq!(listed.keys().collect::<BTreeSet<_>>(), expected);
    assert_eq!(listed[&intermediate_serial]["profile"], "intermediate");

    // Every chain verifies against the root alone for its own name, and was signed by the
    // CA it was asked of.
    let verifier =
        WebPkiServerVerifier::builder_with_provider(root_store(&pki), provider()).build().expect("server verifier");
    let root_subject = parse(&read_cert(&pki.ca_dir().join("ca.pem"))).subject().to_string();
    let web_subject = parse(&intermediate_der).subject().to_string();
    let now = UnixTime::now();
    for (serial, report) in &reports {
        assert_eq!(listed[serial]["profile"], "server");
        let san = report["sans"][0].as_str().expect("one SAN").to_string();
        let via_web = san.starts_with('w');
        let chain = read_certs(&reported_path(&pki, report, "chain"));
        let leaf = read_cert(&reported_path(&pki, report, "cert"));
        assert_eq!(serial_of_der(&leaf), *serial);
        assert_eq!(chain[0], leaf);
        let (want_issuer, want_len) = if via_web { (&web_subject, 2) } else { (&root_subject, 1) };
        assert_eq!(chain.len(), want_len, "{san}");
        assert_eq!(parse(&leaf).issuer().to_string(), *want_issuer, "{san}");
        if via_web {
            assert_eq!(chain[1], intermediate_der);
        }
        let chain: Vec<CertificateDer<'static>> = chain.into_iter().map(CertificateDer::from).collect();
        verifier
            .verify_server_cert(&chain[0], &chain[1..], &ServerName::try_from(san.clone()).unwrap(), &[], now)
            .unwrap_or_else(|e| panic!("{san}: the chain does not verify: {e:?}"));
        assert_key_matches(&reported_path(&pki, report, "cert"), &reported_path(&pki, report, "key"));
    }
    assert_store_is_clean(&pki);
}

#[test]
fn simultaneous_runs_for_one_file_name_let_exactly_one_win() {
    // Twelve runs all want ./alice.pem. Without --force, one wins; the others exit 1
    // naming the file, and neither write a file nor add a ledger entry.
    let pki = Pki::new();
    pki.init(&[]);
    let runs: Vec<Vec<String>> = (0..12).map(|_| client_run("alice")).collect();
    let outputs = wait_all(spawn_all(&pki, &runs));

    let (winners, losers): (Vec<_>, Vec<_>) = outputs.iter().partition(|(_, out)| out.status.success());
    assert_eq!(winners.len(), 1, "exactly one run may write alice.pem");
    for (what, out) in &losers {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "pki {what}\nstderr: {stderr}");
        assert!(stderr.contains("alice") && stderr.contains("already exists"), "the error names the file: {stderr}");
    }
    let report = json_of(&winners[0].0, &winners[0].1);
    let serial = field(&report, "serial");

    let listed = list_by_serial(&pki);
    assert_eq!(listed.keys().collect::<Vec<_>>(), vec![serial], "only the winner is in the ledger");
    let cert = pki.path("alice.pem");
    assert_eq!(serial_of_der(&read_cert(&cert)), serial);
    assert_key_matches(&cert, &pki.path("alice-key.pem"));
    assert_eq!(read_certs(&pki.path("alice-chain.pem")), vec![read_cert(&cert)]);
    assert_eq!(pki.work_files(), ["alice-chain.pem", "alice-key.pem", "alice.pem"]);
    assert_store_is_clean(&pki);
}

#[test]
fn simultaneous_forced_runs_for_one_file_name_leave_a_matching_set() {
    // With --force every run succeeds and is recorded; the files left behind are one
    // run's whole set (certificate, key and chain from the same issuance), never a mix.
    let pki = Pki::new();
    pki.init(&[]);
    let runs: Vec<Vec<String>> =
        (0..8).map(|_| ["issue", "client", "--cn", "alice", "--force", "--json"].map(String::from).to_vec()).collect();
    let outputs = wait_all(spawn_all(&pki, &runs));
    let serials: BTreeSet<String> =
        outputs.iter().map(|(what, out)| field(&json_of(what, out), "serial").to_string()).collect();
    assert_eq!(serials.len(), 8, "eight distinct serials");

    let listed = list_by_serial(&pki);
    assert_eq!(listed.keys().cloned().collect::<BTreeSet<_>>(), serials, "every forced run is in the ledger");
    let cert = pki.path("alice.pem");
    let der = read_cert(&cert);
    assert!(serials.contains(&serial_of_der(&der)));
    assert_key_matches(&cert, &pki.path("alice-key.pem"));
    assert_eq!(read_certs(&pki.path("alice-chain.pem")), vec![der]);
    assert_eq!(pki.work_files(), ["alice-chain.pem", "alice-key.pem", "alice.pem"]);
    assert_store_is_clean(&pki);
}

#[test]
fn simultaneous_ca_inits_in_an_empty_directory_make_exactly_one_ca() {
    // Ten `ca init` runs race to create the same CA directory: one wins, the others exit 1
    // and change nothing, and the root and key on disk belong together.
    let pki = Pki::new();
    let runs: Vec<Vec<String>> =
        (0..10).map(|i| ["ca", "init", "--cn", &format!("Root {i}"), "--json"].map(String::from).to_vec()).collect();
    let outputs = wait_all(spawn_all(&pki, &runs));
    let (winners, losers): (Vec<_>, Vec<_>) = outputs.iter().partition(|(_, out)| out.status.success());
    assert_eq!(winners.len(), 1, "exactly one run may create the CA");
    for (what, out) in &losers {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "pki {what}\nstderr: {stderr}");
        assert!(stderr.contains("already exists"), "pki {what}: {stderr}");
    }
    let report = json_of(&winners[0].0, &winners[0].1);
    let ca_pem = pki.ca_dir().join("ca.pem");
    let root = read_cert(&ca_pem);
    assert_eq!(serial_of_der(&root), field(&report, "serial"));
    assert_eq!(parse(&root).subject().to_string(), field(&report, "subject"));
    assert_key_matches(&ca_pem, &pki.ca_dir().join("ca-key.pem"));
    for entry in std::fs::read_dir(pki.root()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        assert!(!name.starts_with(".pki-"), "leftover {name} beside the CA directory");
    }
    // The CA that won is the one that signs.
    let issued = pki.json(&["issue", "client", "--cn", "alice"]);
    let leaf = read_cert(&reported_path(&pki, &issued, "cert"));
    assert_eq!(parse(&leaf).issuer().to_string(), field(&report, "subject"));
}

/// Issue 5's bar: fifty issuances at once, with readers polling all along.
#[test]
fn fifty_simultaneous_issuances_with_readers_lose_nothing() {
    let pki = Pki::new();
    pki.init(&[]);
    let runs: Vec<Vec<String>> = (0..50).map(|i| client_run(&format!("u{i}"))).collect();
    let (outputs, logs) = run_with_readers(&pki, &runs, 3);
    for log in &logs {
        assert_eq!(log.last_seen, 50, "the last poll, after all runs, saw them all");
    }
    let serials: BTreeSet<String> =
        outputs.iter().map(|(what, out)| field(&json_of(what, out), "serial").to_string()).collect();
    assert_eq!(serials.len(), 50, "duplicate serials");
    assert_eq!(list_by_serial(&pki).keys().cloned().collect::<BTreeSet<_>>(), serials);
    assert_store_is_clean(&pki);
}
