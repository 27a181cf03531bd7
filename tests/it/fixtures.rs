//! `pki fixtures` and `pki serve --fixtures` (issue 16): the set has every case of the
//! contract, `pki verify` reports exactly each case's code, and real clients (curl,
//! `openssl s_client`, Python `ssl`, Go `crypto/tls`, Node `tls.connect` and rustls) accept
//! exactly the accept cases and refuse every reject case, but for the gaps docs/fixtures.md
//! names. The Python, Go and Node programs are docs/fixtures.md's own, run as written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::*;

/// The contract's cases (docs/cli.md, `pki fixtures`): name, expect, code.
const CONTRACT: &[(&str, &str, Option<&str>)] = &[
    ("good", "accept", None),
    ("good-intermediate", "accept", None),
    ("expired", "reject", Some("expired")),
    ("not-yet-valid", "reject", Some("not_yet_valid")),
    ("wrong-host", "reject", Some("name_mismatch")),
    ("ip-mismatch", "reject", Some("name_mismatch")),
    ("self-signed", "reject", Some("unknown_issuer")),
    ("untrusted-root", "reject", Some("unknown_issuer")),
    ("incomplete-chain", "reject", Some("unknown_issuer")),
    ("wrong-eku", "reject", Some("wrong_purpose")),
    ("expired-intermediate", "reject", Some("expired")),
    ("intermediate-not-ca", "reject", Some("not_a_ca")),
    ("path-len-exceeded", "reject", Some("path_len_exceeded")),
    ("name-constraint-violation", "reject", Some("name_constraint_violation")),
    ("revoked", "reject", Some("revoked")),
    ("cn-only", "reject", Some("name_mismatch")),
    ("wildcard-too-deep", "reject", Some("name_mismatch")),
];

/// What a client does differently from the manifest, and why (docs/fixtures.md's table).
const KNOWN_GAPS: &[(&str, &str, &str)] = &[
    ("curl", "cn-only", "curl matches the CN when there is no SAN"),
    ("openssl", "cn-only", "OpenSSL's host check falls back to the CN; s_client cannot turn that off"),
    ("go", "revoked", "Go's standard library cannot check CRLs"),
];

/// A fresh set in `ROOT/work/NAME` (extra flags after).
fn make_set(pki: &Pki, name: &str, extra: &[&str]) -> PathBuf {
    let dir = pki.path(name);
    let mut args = vec!["fixtures", s(&dir), "-q"];
    args.extend_from_slice(extra);
    pki.ok(&args);
    dir
}

fn manifest(dir: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(dir.join("manifest.json")).expect("manifest.json");
    serde_json::from_str::<Value>(&text).expect("manifest is JSON").as_array().expect("an array").clone()
}

fn field<'a>(case: &'a Value, key: &str) -> &'a str {
    case[key].as_str().unwrap_or_else(|| panic!("no string '{key}' in {case}"))
}

#[test]
fn the_manifest_has_every_contract_case_with_its_expectation_and_code() {
    let pki = Pki::new();
    let dir = make_set(&pki, "tls-cases", &[]);
    let entries = manifest(&dir);
    let got: Vec<(String, String, Option<String>)> = entries
        .iter()
        .map(|c| (field(c, "name").into(), field(c, "expect").into(), c["code"].as_str().map(String::from)))
        .collect();
    let want: Vec<(String, String, Option<String>)> =
        CONTRACT.iter().map(|(n, e, c)| (n.to_string(), e.to_string(), c.map(String::from))).collect();
    assert_eq!(got, want);
    for c in &entries {
        let keys: Vec<&str> = c.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(sorted(keys), ["code", "description", "expect", "host", "name"], "{c}");
        assert!(!field(c, "description").is_empty());
        let host = match field(c, "name") {
            "ip-mismatch" => "127.0.0.1",
            "wildcard-too-deep" => "a.b.wild.localhost",
            _ => "localhost",
        };
        assert_eq!(field(c, "host"), host, "{c}");
        let case = dir.join(field(c, "name"));
        for f in ["cert.pem", "key.pem", "chain.pem"] {
            assert!(case.join(f).is_file(), "{}/{f}", case.display());
        }
        assert_eq!(mode(&case.join("key.pem")), 0o600);
        assert_eq!(mode(&case.join("cert.pem")), 0o644);
        assert_eq!(read_certs(&case.join("chain.pem"))[0], read_cert(&case.join("cert.pem")));
    }
    assert_eq!(read_certs(&dir.join("ca.pem")).len(), 1);
    // What a server presents: the leaf and the intermediates it sends, never the root.
    let chain_len = |c: &str| read_certs(&dir.join(c).join("chain.pem")).len();
    assert_eq!(chain_len("good"), 1);
    assert_eq!(chain_len("good-intermediate"), 2);
    assert_eq!(chain_len("incomplete-chain"), 1);
    assert_eq!(chain_len("path-len-exceeded"), 3);
    assert!(dir.join("revoked/crl.pem").is_file());
    assert!(dir.join("incomplete-chain/missing-intermediate.pem").is_file());
    assert!(dir.join("untrusted-root/untrusted-ca.pem").is_file());
    // The CA directory is not touched: no CA, no ledger.
    assert!(!pki.ca_dir().exists(), "pki fixtures created the CA directory");
}

/// `pki verify --json` on a case's chain, as docs/fixtures.md gives the command.
fn verify_case(pki: &Pki, dir: &Path, case: &Value, with_crl: bool) -> Value {
    let name = field(case, "name");
    let chain = dir.join(name).join("chain.pem");
    let ca = dir.join("ca.pem");
    let mut args =
        vec!["verify", s(&chain), "--ca", s(&ca), "--host", field(case, "host"), "--purpose", "server", "--json"];
    let crl = dir.join(name).join("crl.pem");
    if with_crl && crl.exists() {
        args.extend(["--crl", s(&crl)]);
    }
    let out = pki.run(&args);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{name}: verify --json: {e}"));
    let code = if v["valid"] == true { 0 } else { 3 };
    assert_eq!(out.status.code(), Some(code), "{name}: {}", text(&out.stderr));
    v
}

#[test]
fn pki_verify_reports_exactly_each_entrys_code() {
    let pki = Pki::new();
    let dir = make_set(&pki, "tls-cases", &[]);
    for case in manifest(&dir) {
        let v = verify_case(&pki, &dir, &case, true);
        let codes: Vec<&str> = v["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
        let want: Vec<&str> = case["code"].as_str().into_iter().collect();
        // Exactly the one code: each case is broken in that one way only.
        assert_eq!(codes, want, "{}: {v:#}", field(&case, "name"));
        assert_eq!(v["valid"] == true, field(&case, "expect") == "accept", "{v:#}");
    }
    // The revoked certificate is otherwise perfect: without its CRL it is valid.
    let revoked = manifest(&dir).into_iter().find(|c| c["name"] == "revoked").unwrap();
    assert_eq!(verify_case(&pki, &dir, &revoked, false)["valid"], true);
}

#[test]
fn every_key_has_the_type_asked_for() {
    let pki = Pki::new();
    let dir = make_set(&pki, "rsa", &["--key-type", "rsa-2048", "--host", "app.test"]);
    let root = read_cert(&dir.join("ca.pem"));
    let key_of = |der: &[u8]| parse(der).public_key().algorithm.algorithm.to_id_string();
    assert_eq!(key_of(&root), "1.2.840.113549.1.1.1", "RSA root");
    for case in manifest(&dir) {
        for cert in read_certs(&dir.join(field(&case, "name")).join("chain.pem")) {
            assert_eq!(key_of(&cert), "1.2.840.113549.1.1.1", "{}", field(&case, "name"));
        }
        // The host given is the one the good cases are for.
        let v = verify_case(&pki, &dir, &case, true);
        assert_eq!(v["valid"] == true, field(&case, "expect") == "accept", "{v:#}");
    }
    assert_eq!(field(&manifest(&dir)[0], "host"), "app.test");
}

#[test]
fn an_existing_set_is_replaced_whole_and_only_with_force() {
    let pki = Pki::new();
    let dir = make_set(&pki, "tls-cases", &[]);
    let first = read_cert(&dir.join("ca.pem"));
    std::fs::write(dir.join("left-over.txt"), "from before").unwrap();
    let err = pki.fails(1, &["fixtures", s(&dir)]);
    assert!(err.contains("already exists") && err.contains("--force"), "{err}");
    assert_eq!(read_cert(&dir.join("ca.pem")), first, "refused, so untouched");

    pki.ok(&["fixtures", s(&dir), "--force", "-q"]);
    assert_ne!(read_cert(&dir.join("ca.pem")), first, "a new set");
    assert!(!dir.join("left-over.txt").exists(), "--force replaces DIR whole");
    assert_eq!(manifest(&dir).len(), CONTRACT.len());
    let beside: Vec<String> = pki.work_files().into_iter().filter(|f| f.starts_with(".pki")).collect();
    assert!(beside.is_empty(), "temporary directories left: {beside:?}");

    // A directory that is not a fixture set is never replaced, even with --force.
    let other = pki.path("src");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("main.rs"), "fn main() {}").unwrap();
    let err = pki.fails(1, &["fixtures", s(&other), "--force"]);
    assert!(err.contains("not a fixture set"), "{err}");
    assert_eq!(std::fs::read_to_string(other.join("main.rs")).unwrap(), "fn main() {}");
    // An empty directory is fine without --force.
    std::fs::create_dir(pki.path("empty")).unwrap();
    pki.ok(&["fixtures", s(&pki.path("empty")), "-q"]);
}

#[test]
fn a_bad_host_is_refused_and_nothing_is_written() {
    let pki = Pki::new();
    for host in ["*.example.test", "127.0.0.1", "a b", &"x".repeat(70)] {
        let err = pki.fails(1, &["fixtures", "out", "--host", host]);
        assert!(err.contains("--host"), "{host}: {err}");
    }
    assert!(!pki.path("out").exists());
}

// ---------------------------------------------------------------------------------------
// Real clients against `pki serve --fixtures`
// ---------------------------------------------------------------------------------------

/// `pki serve --fixtures` in the background, its output in files; killed when dropped.
struct Server {
    child: Child,
    log: PathBuf,
}

impl Server {
    /// Start it on `dir` from `port`, and wait (10 s at most) for ports.json.
    fn start(pki: &Pki, dir: &Path, port: u16) -> (Server, BTreeMap<String, u16>) {
        let log = pki.root().join(format!("serve-{port}.log"));
        let out = std::fs::File::create(&log).unwrap();
        let child = pki
            .process(&["serve", "--fixtures", s(dir), "--port", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .expect("start pki serve --fixtures");
        let mut server = Server { child, log };
        let deadline = Instant::now() + Duration::from_secs(10);
        let ports_file = dir.join("ports.json");
        while !ports_file.exists() {
            assert!(server.child.try_wait().unwrap().is_none(), "pki serve --fixtures exited:\n{}", server.output());
            assert!(Instant::now() < deadline, "no ports.json after 10 s:\n{}", server.output());
            std::thread::sleep(Duration::from_millis(20));
        }
        let ports: BTreeMap<String, u16> = serde_json::from_slice(&std::fs::read(&ports_file).unwrap()).unwrap();
        (server, ports)
    }

    fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Send `signal` (by name, with kill(1)) and return the exit code, waiting 10 s at most.
    fn stop(mut self, signal: &str) -> Option<i32> {
        let pid = self.child.id().to_string();
        assert!(std::process::Command::new("kill").args(["-s", signal, &pid]).status().unwrap().success());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            assert!(Instant::now() < deadline, "still running 10 s after SIG{signal}:\n{}", self.output());
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The first fenced block of `lang` in docs/fixtures.md.
fn docs_block(lang: &str) -> String {
    let md = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/fixtures.md")).unwrap();
    let fence = format!("```{lang}");
    let start = md.lines().position(|l| l.trim_end() == fence).unwrap_or_else(|| panic!("no {fence} block"));
    md.lines().skip(start + 1).take_while(|l| l.trim_end() != "```").map(|l| format!("{l}\n")).collect()
}

/// Each line `CASE VERDICT...` of a client program's output, by case.
fn verdicts(client: &str, out: &std::process::Output) -> BTreeMap<String, String> {
    assert!(out.status.success(), "{client} failed ({:?}):\n{}", out.status.code(), both(out));
    text(&out.stdout).lines().filter_map(|l| l.split_once(' ').map(|(n, v)| (n.to_string(), v.to_string()))).collect()
}

/// Run a docs program (`file` written from the `lang` block) with `program ARGS... file DIR`.
fn docs_program(
    lang: &str,
    file: &str,
    program: &str,
    pre: &[&str],
    dir: &Path,
    env: &[(&str, &str)],
) -> BTreeMap<String, String> {
    let work = dir.parent().unwrap().join(format!("client-{program}"));
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(work.join(file), docs_block(lang)).unwrap();
    let mut cmd = std::process::Command::new(program);
    cmd.args(pre).arg(file).arg(dir).current_dir(&work).stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    verdicts(program, &run_bounded(cmd, b"", Duration::from_secs(120), &format!("{program} {file}")))
}

/// curl, once per case, as docs/fixtures.md's loop runs it.
fn curl_verdicts(dir: &Path, cases: &[Value], ports: &BTreeMap<String, u16>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for c in cases {
        let (name, host) = (field(c, "name"), field(c, "host"));
        let port = ports[name];
        let resolve = format!("{host}:{port}:127.0.0.1");
        let url = format!("https://{host}:{port}/");
        let mut args =
            vec!["--silent", "--show-error", "--output", "/dev/null", "--max-time", "5", "--cacert", "ca.pem"];
        args.extend(["--resolve", &resolve, &url]);
        if name == "revoked" {
            args.extend(["--crlfile", "revoked/crl.pem"]);
        }
        let run = tool("curl", &args, dir);
        let verdict = match run.status.code() {
            Some(0) => "accept".to_string(),
            Some(51 | 60) => format!("reject ({})", text(&run.stderr).lines().next().unwrap_or("")),
            code => format!("error (curl exit {code:?}: {})", text(&run.stderr)),
        };
        out.insert(name.to_string(), verdict);
    }
    out
}

/// `openssl s_client -verify_return_error` once per case, checking the host (or, for an
/// address, the IP) and, for `revoked`, the CRL.
fn openssl_verdicts(dir: &Path, cases: &[Value], ports: &BTreeMap<String, u16>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for c in cases {
        let (name, host) = (field(c, "name"), field(c, "host"));
        let connect = format!("127.0.0.1:{}", ports[name]);
        let mut args = vec!["s_client", "-connect", &connect, "-CAfile", "ca.pem", "-verify_return_error"];
        if host.parse::<std::net::IpAddr>().is_ok() {
            args.extend(["-verify_ip", host]);
        } else {
            args.extend(["-verify_hostname", host, "-servername", host]);
        }
        if name == "revoked" {
            args.extend(["-crl_check", "-CRL", "revoked/crl.pem"]);
        }
        let run = tool("openssl", &args, dir);
        let said = both(&run);
        let verdict = match (run.status.code(), said.lines().find(|l| l.starts_with("Verification error:"))) {
            (Some(0), None) if said.contains("Verification: OK") => "accept".to_string(),
            (Some(1), Some(why)) => format!("reject ({why})"),
            _ => format!("error ({said})"),
        };
        out.insert(name.to_string(), verdict);
    }
    out
}

// docs/fixtures.md: begin rustls_verdict
/// Connect to one case as `host` and say what rustls makes of its certificate.
fn rustls_verdict(dir: &Path, name: &str, host: &str, port: u16) -> String {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut roots = RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(dir.join("ca.pem")).unwrap() {
        roots.add(c.unwrap()).unwrap();
    }
    let mut verifier = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone());
    if name == "revoked" {
        let crl = CertificateRevocationListDer::from_pem_file(dir.join("revoked/crl.pem")).unwrap();
        verifier = verifier.with_crls([crl]);
    }
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_webpki_verifier(verifier.build().unwrap())
        .with_no_client_auth();
    let server_name = ServerName::try_from(host.to_string()).unwrap();
    let mut conn = ClientConnection::new(Arc::new(config), server_name).unwrap();
    let mut sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    while conn.is_handshaking() {
        if let Err(e) = conn.complete_io(&mut sock) {
            return match e.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>()) {
                Some(rustls::Error::InvalidCertificate(why)) => format!("reject ({why:?})"),
                _ => format!("error ({e})"),
            };
        }
    }
    "accept".into()
}
// docs/fixtures.md: end rustls_verdict

use std::net::TcpStream;
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, CertificateRevocationListDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore};

/// This file's text between two markers.
fn this_file_between(begin: &str, end: &str) -> String {
    let me = include_str!("fixtures.rs");
    let start = me.find(begin).expect("begin marker") + begin.len() + 1;
    let stop = me.find(end).expect("end marker");
    me[start..stop].to_string()
}

#[test]
fn the_docs_rust_client_is_the_tested_one() {
    let docs = docs_block("rust");
    let tested =
        this_file_between("// docs/fixtures.md: begin rustls_verdict", "// docs/fixtures.md: end rustls_verdict");
    assert!(
        docs.contains(&tested),
        "docs/fixtures.md's rust block must hold rustls_verdict as tests/it/fixtures.rs has it:\n{tested}"
    );
}

#[test]
fn real_clients_accept_exactly_the_accept_cases_and_refuse_the_rest() {
    for t in ["curl", "openssl", "python3", "go", "node"] {
        if !require(t) {
            return;
        }
    }
    let pki = Pki::new();
    let dir = make_set(&pki, "tls-cases", &[]);
    let cases = manifest(&dir);
    let (server, ports) = Server::start(&pki, &dir, 0);
    assert_eq!(
        ports.keys().collect::<Vec<_>>(),
        sorted(CONTRACT.iter().map(|c| c.0).collect::<Vec<_>>()).iter().collect::<Vec<_>>()
    );
    let go_cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("go-build");
    let results: BTreeMap<&str, BTreeMap<String, String>> = std::thread::scope(|scope| {
        let (d, c, p) = (&dir, &cases, &ports);
        let handles = vec![
            ("curl", scope.spawn(move || curl_verdicts(d, c, p))),
            ("openssl", scope.spawn(move || openssl_verdicts(d, c, p))),
            ("python", scope.spawn(move || docs_program("python", "check.py", "python3", &[], d, &[]))),
            (
                "go",
                scope.spawn(move || {
                    // A cache of its own, kept between runs; no module proxy (no network).
                    let env = [("GOCACHE", s(&go_cache)), ("GOPROXY", "off"), ("GOFLAGS", "-mod=mod")];
                    docs_program("go", "check.go", "go", &["run"], d, &env)
                }),
            ),
            ("node", scope.spawn(move || docs_program("js", "check.mjs", "node", &[], d, &[]))),
            (
                "rustls",
                scope.spawn(move || {
                    c.iter()
                        .map(|x| {
                            let name = field(x, "name");
                            (name.to_string(), rustls_verdict(d, name, field(x, "host"), p[name]))
                        })
                        .collect()
                }),
            ),
        ];
        handles.into_iter().map(|(n, h)| (n, h.join().expect("client thread"))).collect()
    });

    let mut wrong = Vec::new();
    for (client, got) in &results {
        for case in &cases {
            let name = field(case, "name");
            let gap = KNOWN_GAPS.iter().find(|(c, n, _)| c == client && *n == name);
            let want = if gap.is_some() { "accept" } else { field(case, "expect") };
            let verdict = got.get(name).map(String::as_str).unwrap_or("(no line)");
            if verdict.split(' ').next() != Some(want) {
                wrong.push(format!("{client} {name}: expected {want}, got {verdict}"));
            }
        }
    }
    assert!(wrong.is_empty(), "clients disagree with the manifest:\n{}\n\nall results: {results:#?}", wrong.join("\n"));
    // Every client made every connection, and SIGTERM stops the server cleanly.
    assert_eq!(server.stop("TERM"), Some(0));
    assert!(!dir.join("ports.json").exists(), "ports.json is removed at exit");
    for port in ports.values() {
        assert!(TcpStream::connect(("127.0.0.1", *port)).is_err(), "port {port} still open after SIGTERM");
    }
}

#[test]
fn a_busy_port_is_skipped_and_sigint_stops_the_server() {
    let pki = Pki::new();
    let dir = make_set(&pki, "tls-cases", &[]);
    // Hold a port, and ask for the cases from it: the first case takes one above it.
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    let (server, ports) = Server::start(&pki, &dir, port);
    assert!(ports.values().all(|p| *p > port), "{ports:?}");
    let mut taken: Vec<u16> = ports.values().copied().collect();
    taken.sort();
    taken.dedup();
    assert_eq!(taken.len(), CONTRACT.len(), "one port each: {ports:?}");
    let log = server.output();
    assert!(log.contains(&format!("port {port} is in use")), "{log}");
    for (name, _, _) in CONTRACT {
        assert!(
            log.lines().any(|l| l.starts_with(name) && l.contains(&format!("127.0.0.1:{}", ports[*name]))),
            "table row for {name}:\n{log}"
        );
    }
    assert_eq!(server.stop("INT"), Some(0));
    assert!(!dir.join("ports.json").exists());
}

#[test]
fn serve_fixtures_refuses_a_directory_without_a_set() {
    let pki = Pki::new();
    std::fs::create_dir(pki.path("empty")).unwrap();
    let err = pki.fails(1, &["serve", "--fixtures", s(&pki.path("empty")), "--port", "0"]);
    assert!(err.contains("manifest.json"), "{err}");
    let err = pki.fails(2, &["serve", "--fixtures", "x", "--cert", "a.pem", "--key", "b.pem"]);
    assert!(err.contains("cannot be used with"), "{err}");
}
