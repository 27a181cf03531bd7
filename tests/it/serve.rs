//! `pki serve` and `pki probe` over real loopback connections, judged by independent
//! clients and servers: curl, `openssl s_client`, `openssl s_server`, and a rustls client
//! in the test.
//!
//! Every background process (`pki serve`, `openssl s_server`) is started with its port
//! chosen by the OS (`127.0.0.1:0`), read for its first line with a bounded wait, and
//! killed by a guard when the test ends, pass or fail. Every foreground command and
//! every socket has a time limit: a broken server fails a test, it never hangs it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use rustls::crypto::aws_lc_rs::default_provider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore};
use serde_json::Value;

use crate::common::{Pki, require, s, text, tool_within};
use crate::x509::{serial_of, serial_of_der};

/// Bound on every wait: a log line, a socket read, a process exit.
const WAIT: Duration = Duration::from_secs(10);
/// Bound on a whole foreground command (curl, openssl s_client, pki probe).
const COMMAND_LIMIT: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------

/// The root certificate of `pki`'s CA.
fn root(pki: &Pki) -> PathBuf {
    pki.ca_dir().join("ca.pem")
}

/// A CA with a server certificate for `localhost` and a client certificate for `alice`.
fn world() -> Pki {
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["issue", "server", "--san", "localhost", "-q"]);
    pki.ok(&["issue", "client", "--cn", "alice", "-q"]);
    pki
}

/// Another, unrelated CA with a server certificate for `localhost` and a client
/// certificate for `mallory`: trusted by nobody in the tests.
fn stranger() -> Pki {
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["issue", "server", "--san", "localhost", "-q"]);
    pki.ok(&["issue", "client", "--cn", "mallory", "-q"]);
    pki
}

// ---------------------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------------------

/// Run `pki ARGS` in the foreground, killed after [`COMMAND_LIMIT`].
fn pki_bounded(pki: &Pki, args: &[&str]) -> Output {
    pki.call(args).within(COMMAND_LIMIT).output()
}

/// Run `pki ARGS`, bounded, asserting exit `code`; returns (stdout, stderr).
fn pki_exits(pki: &Pki, code: i32, args: &[&str]) -> (String, String) {
    let out = pki_bounded(pki, args);
    assert_eq!(
        out.status.code(),
        Some(code),
        "pki {args:?}: expected exit {code} (None: killed after {COMMAND_LIMIT:?})\nstdout: {}\nstderr: {}",
        text(&out.stdout),
        text(&out.stderr)
    );
    (text(&out.stdout), text(&out.stderr))
}

/// `pki probe ARGS --json`, bounded, asserting exit `code`; returns the JSON report.
fn probe_json(pki: &Pki, code: i32, args: &[&str]) -> Value {
    let mut a = vec!["probe"];
    a.extend_from_slice(args);
    a.push("--json");
    let (stdout, stderr) = pki_exits(pki, code, &a);
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("pki {a:?}: not JSON ({e}): {stdout}\nstderr: {stderr}"))
}

/// The `code`s of `verification.errors` in a probe report.
fn error_codes(report: &Value) -> Vec<String> {
    report["verification"]["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no verification.errors in {report:#}"))
        .iter()
        .map(|e| e["code"].as_str().expect("error code").to_string())
        .collect()
}

/// What a bounded external command did.
#[derive(Debug)]
struct ToolRun {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl ToolRun {
    fn success(&self) -> bool {
        self.code == Some(0)
    }
}

/// Run `program ARGS` in `cwd` with `input` on stdin (then closed); killed and failed
/// after [`COMMAND_LIMIT`].
fn run_bounded(program: &str, args: &[&str], cwd: &Path, input: &[u8]) -> ToolRun {
    let out = tool_within(program, args, cwd, input, COMMAND_LIMIT);
    ToolRun { code: out.status.code(), stdout: text(&out.stdout), stderr: text(&out.stderr) }
}

/// Wait for `child` to exit, at most `limit`.
fn wait_bounded(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return Some(status);
        }
        if Instant::now() >= deadline {
            return None;
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// A process running in the background with its stdout read line by line; killed when
/// dropped.
struct Background {
    what: String,
    child: Child,
    lines: Receiver<String>,
    /// Every stdout line received so far.
    log: Vec<String>,
    /// `wait_for` looks at lines from here on.
    cursor: usize,
    stderr: Arc<Mutex<String>>,
}

impl Background {
    fn spawn(what: &str, mut cmd: Command) -> Background {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
        let (tx, lines) = mpsc::channel();
        let out = child.stdout.take().expect("stdout");
        thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let (err, sink) = (child.stderr.take().expect("stderr"), stderr.clone());
        thread::spawn(move || {
            for line in BufReader::new(err).lines() {
                let Ok(line) = line else { break };
                let mut s = sink.lock().unwrap();
                s.push_str(&line);
                s.push('\n');
            }
        });
        Background { what: what.to_string(), child, lines, log: Vec::new(), cursor: 0, stderr }
    }

    /// Everything seen so far, for failure messages.
    fn context(&self) -> String {
        format!(
            "{} stdout:\n{}\n{} stderr:\n{}",
            self.what,
            self.log.join("\n"),
            self.what,
            self.stderr.lock().unwrap()
        )
    }

    /// Receive one more line, waiting until `deadline`; false when none came in time or
    /// the process closed its stdout.
    fn receive(&mut self, deadline: Instant) -> bool {
        match self.lines.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(line) => {
                self.log.push(line);
                true
            }
            Err(RecvTimeoutError::Timeout) => false,
            Err(RecvTimeoutError::Disconnected) => {
                // The process ended: give its stderr a moment to arrive for the message.
                thread::sleep(Duration::from_millis(100));
                false
            }
        }
    }

    /// The next line (after the previous match) that satisfies `pred`, within [`WAIT`].
    fn wait_for(&mut self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        self.wait_within(WAIT, pred).unwrap_or_else(|| panic!("no {what} within {WAIT:?}\n{}", self.context()))
    }

    /// The next line (after the previous match) that satisfies `pred`, if one comes
    /// within `limit`.
    fn wait_within(&mut self, limit: Duration, pred: impl Fn(&str) -> bool) -> Option<String> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(i) = (self.cursor..self.log.len()).find(|&i| pred(&self.log[i])) {
                self.cursor = i + 1;
                return Some(self.log[i].clone());
            }
            if !self.receive(deadline) {
                return None;
            }
        }
    }

    /// Gather lines for `d` (to see that nothing more is logged).
    fn settle(&mut self, d: Duration) {
        let deadline = Instant::now() + d;
        while Instant::now() < deadline && self.receive(deadline) {}
    }

    /// Wait for the process to exit by itself, within [`WAIT`], and gather its output.
    fn exit_status(&mut self) -> ExitStatus {
        let status = wait_bounded(&mut self.child, WAIT)
            .unwrap_or_else(|| panic!("{} still running after {WAIT:?}\n{}", self.what, self.context()));
        let deadline = Instant::now() + Duration::from_secs(2);
        while let Ok(line) = self.lines.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            self.log.push(line);
        }
        assert_ne!(status.code(), Some(101), "{} exited 101 (a panic)\n{}", self.what, self.context());
        self.assert_no_panic();
        status
    }

    /// Fail when the process printed "panicked at" (as the shared runner does).
    fn assert_no_panic(&self) {
        let stderr = self.stderr.lock().unwrap().clone();
        assert!(!stderr.contains("panicked at"), "{} panicked:\n{}", self.what, self.context());
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !thread::panicking() {
            self.assert_no_panic();
        }
    }
}

// ---------------------------------------------------------------------------------------
// pki serve
// ---------------------------------------------------------------------------------------

/// `pki serve` running in the background on 127.0.0.1 with a port chosen by the OS.
pub(crate) struct Serve {
    bg: Background,
    port: u16,
    /// The serial from the `listening on` line.
    serial: String,
}

/// One connection line of the serve log.
#[derive(Debug, PartialEq)]
struct Conn {
    peer: String,
    protocol: String,
    suite: String,
    sni: String,
    client: String,
    serial: String,
}

/// Parse `PEER PROTOCOL SUITE sni=NAME client="SUBJECT" serial=HEX`.
fn parse_conn(line: &str) -> Conn {
    let bad = || panic!("malformed connection log line: {line:?}");
    let mut parts = line.splitn(4, ' ');
    let (Some(peer), Some(protocol), Some(suite), Some(rest)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        bad()
    };
    let Some(rest) = rest.strip_prefix("sni=") else { bad() };
    let Some((sni, rest)) = rest.split_once(" client=\"") else { bad() };
    let Some((client, serial)) = rest.rsplit_once("\" serial=") else { bad() };
    Conn {
        peer: peer.into(),
        protocol: protocol.into(),
        suite: suite.into(),
        sni: sni.into(),
        client: client.into(),
        serial: serial.into(),
    }
}

impl Serve {
    /// Start `pki serve ARGS --listen 127.0.0.1:0` and read its `listening on` line.
    pub(crate) fn start(pki: &Pki, args: &[&str]) -> Serve {
        let mut a = vec!["serve"];
        a.extend_from_slice(args);
        a.extend_from_slice(&["--listen", "127.0.0.1:0"]);
        let mut bg = Background::spawn("pki serve", pki.process(&a));
        let first = bg.wait_for("'listening on' line", |_| true);
        let parsed = first
            .strip_prefix("listening on 127.0.0.1:")
            .and_then(|rest| rest.split_once(" (serial "))
            .and_then(|(port, rest)| Some((port.parse::<u16>().ok()?, rest.strip_suffix(')')?)));
        let Some((port, serial)) = parsed else {
            panic!("the first line is not 'listening on 127.0.0.1:PORT (serial HEX)': {first:?}\n{}", bg.context())
        };
        assert_ne!(port, 0, "the real port is printed, not the asked-for 0");
        let serial = serial.to_string();
        Serve { bg, port, serial }
    }

    /// Give the --watch thread time to take its first look at the files before the test
    /// changes them. pki prints `listening on` before that first look, so a change made
    /// at once can go unnoticed (see `watch_notices_a_change_made_right_after_listening`).
    fn let_the_watcher_start(&self) {
        thread::sleep(Duration::from_millis(300));
    }

    /// `127.0.0.1:PORT`, for `pki probe`.
    pub(crate) fn target(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Lines about one connection each (they start with the peer address).
    fn connection_lines(&self) -> Vec<String> {
        self.bg.log.iter().filter(|l| l.starts_with("127.0.0.1:")).cloned().collect()
    }

    /// Wait until at least `n` connection lines were logged; returns them all.
    fn connections(&mut self, n: usize) -> Vec<String> {
        let deadline = Instant::now() + WAIT;
        while self.connection_lines().len() < n {
            if !self.bg.receive(deadline) {
                panic!("expected {n} connection lines within {WAIT:?}\n{}", self.bg.context());
            }
        }
        self.connection_lines()
    }

    /// Wait for `n` connection lines, then a little more, and assert there are exactly
    /// `n`: one line per connection.
    fn exactly(&mut self, n: usize) -> Vec<String> {
        self.connections(n);
        self.bg.settle(Duration::from_millis(300));
        let lines = self.connection_lines();
        assert_eq!(lines.len(), n, "one log line per connection\n{}", self.bg.context());
        lines
    }
}

/// `pki serve` of `localhost.pem`, requiring a client certificate from `pki`'s root.
fn serve_requiring_client_certs(pki: &Pki) -> Serve {
    let ca = root(pki);
    Serve::start(
        pki,
        &["--cert", "localhost.pem", "--key", "localhost-key.pem", "--client-ca", s(&ca), "--require-client-cert"],
    )
}

// ---------------------------------------------------------------------------------------
// openssl s_server, curl, openssl s_client
// ---------------------------------------------------------------------------------------

/// `openssl s_server -www` on 127.0.0.1 with a port chosen by the OS.
struct SServer {
    _bg: Background,
    port: u16,
}

fn s_server(pki: &Pki, cert: &str, key: &str, extra: &[&str]) -> SServer {
    let mut cmd = Command::new("openssl");
    cmd.args(["s_server", "-accept", "127.0.0.1:0", "-cert", cert, "-key", key, "-www"])
        .args(extra)
        .current_dir(pki.work());
    let mut bg = Background::spawn("openssl s_server", cmd);
    let line = bg.wait_for("ACCEPT line from openssl s_server", |l| l.starts_with("ACCEPT "));
    let port = line
        .rsplit_once(':')
        .and_then(|(_, p)| p.trim().parse::<u16>().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}\n{}", bg.context()));
    SServer { _bg: bg, port }
}

/// `curl --cacert ca.pem [EXTRA] https://NAME:PORT/` with NAME resolved to 127.0.0.1.
fn curl(pki: &Pki, name: &str, port: u16, extra: &[&str]) -> ToolRun {
    let resolve = format!("{name}:{port}:127.0.0.1");
    let url = format!("https://{name}:{port}/");
    let ca = root(pki);
    let mut args = vec!["-sS", "--max-time", "10", "--resolve", &resolve, "--cacert", s(&ca)];
    args.extend_from_slice(extra);
    args.push(&url);
    run_bounded("curl", &args, &pki.work(), b"")
}

/// `openssl s_client` to 127.0.0.1:PORT asking for and verifying `name` against the
/// root only, failing on a verification error; sends `hello` and reads until the
/// server closes.
fn s_client(pki: &Pki, port: u16, name: &str, extra: &[&str]) -> ToolRun {
    let connect = format!("127.0.0.1:{port}");
    let ca = root(pki);
    let mut args = vec![
        "s_client",
        "-connect",
        &connect,
        "-servername",
        name,
        "-CAfile",
        s(&ca),
        "-verify_hostname",
        name,
        "-verify_return_error",
        "-ign_eof",
    ];
    args.extend_from_slice(extra);
    run_bounded("openssl", &args, &pki.work(), b"hello\n")
}

/// The value of `key: value` in a serve report.
fn field<'a>(report: &'a str, key: &str) -> Option<&'a str> {
    report.lines().find_map(|l| l.strip_prefix(key)?.strip_prefix(": "))
}

/// Assert `report` is a serve report with these values.
fn assert_report(report: &str, protocol: &str, sni: &str, client: &str, serial: &str) {
    assert!(report.contains("pki serve: TLS handshake complete\n"), "no report in {report:?}");
    assert_eq!(field(report, "protocol"), Some(protocol), "{report}");
    let suite = field(report, "cipher suite").unwrap_or_else(|| panic!("no cipher suite in {report}"));
    let prefix = if protocol == "TLSv1.3" { "TLS13_" } else { "TLS_ECDHE_" };
    assert!(suite.starts_with(prefix), "a {protocol} suite: {suite}");
    assert_eq!(field(report, "server name"), Some(sni), "{report}");
    assert_eq!(field(report, "client certificate"), Some(client), "{report}");
    assert_eq!(field(report, "server certificate serial"), Some(serial), "{report}");
}

// ---------------------------------------------------------------------------------------
// curl against pki serve
// ---------------------------------------------------------------------------------------

#[test]
fn curl_gets_an_http_report_naming_the_client_certificate_or_none() {
    if !require("curl") {
        return;
    }
    let pki = world();
    let ca = root(&pki);
    let mut serve =
        Serve::start(&pki, &["--cert", "localhost.pem", "--key", "localhost-key.pem", "--client-ca", s(&ca)]);
    let serial = serial_of(&pki.path("localhost.pem"));
    assert_eq!(serve.serial, serial, "the listening line names the served certificate");

    let anonymous = curl(&pki, "localhost", serve.port, &["-i"]);
    assert!(anonymous.success(), "{anonymous:#?}\n{}", serve.bg.context());
    assert!(anonymous.stdout.starts_with("HTTP/1.1 200 OK\r\n"), "an HTTP response: {}", anonymous.stdout);
    assert!(anonymous.stdout.contains("Content-Type: text/plain"), "{}", anonymous.stdout);
    let (_, body) = anonymous.stdout.split_once("\r\n\r\n").expect("headers, then the body");
    assert!(body.starts_with("pki serve: TLS handshake complete\n"), "the body is the report: {body:?}");
    assert_report(body, "TLSv1.3", "localhost", "none", &serial);

    let alice = curl(&pki, "localhost", serve.port, &["--cert", "alice.pem", "--key", "alice-key.pem"]);
    assert!(alice.success(), "{alice:#?}\n{}", serve.bg.context());
    assert_report(&alice.stdout, "TLSv1.3", "localhost", "CN=alice", &serial);

    let lines = serve.exactly(2);
    let conns: Vec<Conn> = lines.iter().map(|l| parse_conn(l)).collect();
    for (c, client) in conns.iter().zip(["none", "CN=alice"]) {
        assert!(c.peer.starts_with("127.0.0.1:"), "{c:?}");
        assert_eq!(c.protocol, "TLSv1.3", "{c:?}");
        assert!(c.suite.starts_with("TLS13_"), "{c:?}");
        assert_eq!(c.sni, "localhost", "{c:?}");
        assert_eq!(c.client, client, "{c:?}");
        assert_eq!(c.serial, serial, "{c:?}");
    }
    assert_ne!(conns[0].peer, conns[1].peer, "two connections, two client ports");
}

#[test]
fn curl_without_a_required_client_certificate_is_refused_and_logged() {
    if !require("curl") {
        return;
    }
    let pki = world();
    let other = stranger();
    let mut serve = serve_requiring_client_certs(&pki);

    let anonymous = curl(&pki, "localhost", serve.port, &[]);
    assert!(!anonymous.success(), "a client without a certificate gets nothing: {anonymous:#?}");
    assert!(!anonymous.stdout.contains("handshake complete"), "{anonymous:#?}");
    assert!(anonymous.stderr.contains("certificate required"), "the server's alert says why: {anonymous:#?}");
    let line = serve.bg.wait_for("handshake failure line", |l| l.contains("handshake failed"));
    assert!(line.starts_with("127.0.0.1:"), "the line names the peer: {line}");

    let mallory = curl(
        &pki,
        "localhost",
        serve.port,
        &["--cert", s(&other.path("mallory.pem")), "--key", s(&other.path("mallory-key.pem"))],
    );
    assert!(!mallory.success(), "a certificate from another CA is refused: {mallory:#?}");
    serve.bg.wait_for("second handshake failure line", |l| l.contains("handshake failed"));

    let alice = curl(&pki, "localhost", serve.port, &["--cert", "alice.pem", "--key", "alice-key.pem"]);
    assert!(alice.success(), "{alice:#?}\n{}", serve.bg.context());
    assert_report(&alice.stdout, "TLSv1.3", "localhost", "CN=alice", &serve.serial);

    let lines = serve.exactly(3);
    assert!(lines[0].contains(" handshake failed: "), "{lines:?}");
    assert!(lines[1].contains(" handshake failed: "), "{lines:?}");
    let ok = parse_conn(&lines[2]);
    assert_eq!((ok.sni.as_str(), ok.client.as_str()), ("localhost", "CN=alice"), "{ok:?}");
}

// ---------------------------------------------------------------------------------------
// openssl s_client against pki serve
// ---------------------------------------------------------------------------------------

#[test]
fn openssl_s_client_verifies_and_gets_the_raw_report_over_tls12_and_tls13() {
    if !require("openssl") {
        return;
    }
    let pki = world();
    let mut serve = Serve::start(&pki, &["--cert", "localhost.pem", "--key", "localhost-key.pem"]);
    let serial = serial_of(&pki.path("localhost.pem"));
    for (n, (flag, protocol)) in [("-tls1_2", "TLSv1.2"), ("-tls1_3", "TLSv1.3")].into_iter().enumerate() {
        let run = s_client(&pki, serve.port, "localhost", &[flag]);
        assert!(run.success(), "openssl s_client {flag}: {run:#?}\n{}", serve.bg.context());
        assert!(run.stdout.contains("Verify return code: 0 (ok)"), "{flag}: {}", run.stdout);
        assert!(run.stdout.contains("Verified peername: localhost"), "{flag}: {}", run.stdout);
        assert!(run.stdout.contains(&format!("New, {protocol}, Cipher is ")), "{flag}: {}", run.stdout);
        assert!(!run.stdout.contains("HTTP/1.1"), "a raw client gets a raw report: {}", run.stdout);
        assert_report(&run.stdout, protocol, "localhost", "none", &serial);

        let line = serve.connections(n + 1)[n].clone();
        let c = parse_conn(&line);
        assert_eq!(c.protocol, protocol, "{line}");
        assert_eq!(c.sni, "localhost", "{line}");
        assert_eq!(c.client, "none", "{line}");
        assert_eq!(c.serial, serial, "{line}");
    }
    serve.exactly(2);
}

// ---------------------------------------------------------------------------------------
// The chain
// ---------------------------------------------------------------------------------------

/// A root, an intermediate `web`, and a leaf for `inter.test` signed by the intermediate.
fn world_with_intermediate() -> Pki {
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["ca", "intermediate", "--name", "web", "-q"]);
    pki.ok(&["issue", "server", "--issuer", "web", "--san", "inter.test", "-q"]);
    pki
}

#[test]
fn serve_presents_the_intermediates_so_the_root_alone_verifies() {
    let pki = world_with_intermediate();
    let ca = root(&pki);
    let inter = pki.ca_dir().join("intermediates/web/ca.pem");
    let leaf_serial = serial_of(&pki.path("inter.test.pem"));
    let inter_serial = serial_of(&inter);

    // NAME-chain.pem as --cert, and the leaf with --chain: both send the intermediate.
    for args in [
        vec!["--cert", "inter.test-chain.pem", "--key", "inter.test-key.pem"],
        vec!["--cert", "inter.test.pem", "--key", "inter.test-key.pem", "--chain", s(&inter)],
    ] {
        let serve = Serve::start(&pki, &args);
        assert_eq!(serve.serial, leaf_serial, "{args:?}");
        let target = serve.target();
        let report = probe_json(&pki, 0, &[&target, "--servername", "inter.test", "--ca", s(&ca)]);
        let presented: Vec<&str> =
            report["presented"].as_array().unwrap().iter().map(|c| c["serial"].as_str().unwrap()).collect();
        assert_eq!(presented, [leaf_serial.as_str(), inter_serial.as_str()], "leaf, then intermediate: {args:?}");
        assert_eq!(report["verification"]["valid"], true, "{report:#}");
        assert_eq!(report["verification"]["chain"].as_array().unwrap().len(), 3, "leaf, intermediate, root");

        if require("curl") {
            let run = curl(&pki, "inter.test", serve.port, &[]);
            assert!(run.success(), "curl with only the root as CA: {run:#?}\n{}", serve.bg.context());
            assert_report(&run.stdout, "TLSv1.3", "inter.test", "none", &leaf_serial);
        }
        if require("openssl") {
            let run = s_client(&pki, serve.port, "inter.test", &["-showcerts"]);
            assert!(run.success(), "openssl with only the root as CA: {run:#?}");
            assert!(run.stdout.contains("Verify return code: 0 (ok)"), "{}", run.stdout);
            assert!(run.stdout.contains(" 1 s:CN = pki Intermediate CA web"), "{}", run.stdout);
        }
    }

    // The control: the leaf alone does not verify with only the root.
    let serve = Serve::start(&pki, &["--cert", "inter.test.pem", "--key", "inter.test-key.pem"]);
    let target = serve.target();
    let report = probe_json(&pki, 3, &[&target, "--servername", "inter.test", "--ca", s(&ca)]);
    assert_eq!(report["presented"].as_array().unwrap().len(), 1, "{report:#}");
    assert_eq!(error_codes(&report), ["unknown_issuer"], "{report:#}");
    if require("curl") {
        let run = curl(&pki, "inter.test", serve.port, &[]);
        assert!(!run.success(), "curl cannot verify a leaf without its intermediate: {run:#?}");
    }
}

// ---------------------------------------------------------------------------------------
// pki probe against openssl s_server
// ---------------------------------------------------------------------------------------

#[test]
fn probe_accepts_a_valid_chain_from_openssl_s_server() {
    if !require("openssl") {
        return;
    }
    let pki = world();
    let ca = root(&pki);
    let serial = serial_of(&pki.path("localhost.pem"));
    for (flag, protocol, suite) in [("-tls1_3", "TLSv1.3", "TLS13_"), ("-tls1_2", "TLSv1.2", "TLS_ECDHE_ECDSA_")] {
        let server = s_server(&pki, "localhost.pem", "localhost-key.pem", &[flag]);
        let target = format!("localhost:{}", server.port);
        let report = probe_json(&pki, 0, &[&target, "--ca", s(&ca)]);
        assert_eq!(report["target"], target.as_str(), "{report:#}");
        assert_eq!(report["server_name"], "localhost", "the name defaults to HOST");
        assert_eq!(report["protocol"], protocol, "{report:#}");
        let got_suite = report["cipher_suite"].as_str().unwrap();
        assert!(got_suite.starts_with(suite), "{flag}: {got_suite}");
        assert_eq!(report["presented"][0]["serial"], serial.as_str(), "{report:#}");
        assert_eq!(report["presented"][0]["subject"], "CN=localhost", "{report:#}");
        assert_eq!(report["verification"]["valid"], true, "{report:#}");
        assert_eq!(error_codes(&report), Vec::<String>::new());
    }
}

#[test]
fn probe_rejects_a_chain_from_another_ca() {
    if !require("openssl") {
        return;
    }
    let pki = world();
    let other = stranger();
    let server = s_server(&pki, s(&other.path("localhost.pem")), s(&other.path("localhost-key.pem")), &["-tls1_3"]);
    let target = format!("127.0.0.1:{}", server.port);
    let report = probe_json(&pki, 3, &[&target, "--servername", "localhost", "--ca", s(&root(&pki))]);
    assert_eq!(report["verification"]["valid"], false, "{report:#}");
    assert_eq!(error_codes(&report), ["unknown_issuer"], "{report:#}");
    assert_eq!(report["presented"][0]["serial"], serial_of(&other.path("localhost.pem")).as_str());
    assert_eq!(report["protocol"], "TLSv1.3", "the handshake itself worked: {report:#}");

    // The same server, with its own root: valid. The CA is what made the difference.
    probe_json(&pki, 0, &[&target, "--servername", "localhost", "--ca", s(&root(&other))]);
}

#[test]
fn probe_reports_an_expired_certificate() {
    if !require("openssl") {
        return;
    }
    let pki = world();
    pki.ok(&["issue", "server", "--san", "old.test", "--not-before", "2020-01-01", "--not-after", "2020-06-01", "-q"]);
    let server = s_server(&pki, "old.test.pem", "old.test-key.pem", &[]);
    let target = format!("127.0.0.1:{}", server.port);
    let report = probe_json(&pki, 3, &[&target, "--servername", "old.test", "--ca", s(&root(&pki))]);
    assert_eq!(error_codes(&report), ["expired"], "{report:#}");
    assert_eq!(report["presented"][0]["serial"], serial_of(&pki.path("old.test.pem")).as_str());
    assert_eq!(report["presented"][0]["not_after"], "2020-06-01T00:00:00Z", "{report:#}");
}

#[test]
fn probe_reports_a_name_mismatch() {
    if !require("openssl") {
        return;
    }
    let pki = world();
    let server = s_server(&pki, "localhost.pem", "localhost-key.pem", &[]);
    let target = format!("127.0.0.1:{}", server.port);
    let ca = root(&pki);
    let report = probe_json(&pki, 3, &[&target, "--servername", "other.test", "--ca", s(&ca)]);
    assert_eq!(report["server_name"], "other.test", "{report:#}");
    assert_eq!(error_codes(&report), ["name_mismatch"], "{report:#}");

    // With an IP target and no --servername, the name checked is the IP address, which
    // the certificate does not hold.
    let report = probe_json(&pki, 3, &[&target, "--ca", s(&ca)]);
    assert_eq!(report["server_name"], "127.0.0.1", "{report:#}");
    assert_eq!(error_codes(&report), ["name_mismatch"], "{report:#}");
}

#[test]
fn probe_an_ip_target_with_a_servername() {
    let pki = world();
    pki.ok(&["issue", "server", "--san", "x.test", "-q"]);
    pki.ok(&["issue", "server", "--san", "127.0.0.1", "--name", "loopback-ip", "-q"]);
    let ca = root(&pki);

    if require("openssl") {
        let server = s_server(&pki, "x.test.pem", "x.test-key.pem", &[]);
        let target = format!("127.0.0.1:{}", server.port);
        let report = probe_json(&pki, 0, &[&target, "--servername", "x.test", "--ca", s(&ca)]);
        assert_eq!(report["server_name"], "x.test", "{report:#}");
        assert_eq!(report["presented"][0]["serial"], serial_of(&pki.path("x.test.pem")).as_str());
    }

    // pki serve shows the name the probe asked for: it is sent as SNI.
    let mut serve = Serve::start(&pki, &["--cert", "x.test.pem", "--key", "x.test-key.pem"]);
    probe_json(&pki, 0, &[&serve.target(), "--servername", "x.test", "--ca", s(&ca)]);
    let line = serve.connections(1)[0].clone();
    assert_eq!(parse_conn(&line).sni, "x.test", "{line}");

    // An IP target with no --servername: verified against the IP SAN, and no SNI sent.
    let mut serve = Serve::start(&pki, &["--cert", "loopback-ip.pem", "--key", "loopback-ip-key.pem"]);
    let report = probe_json(&pki, 0, &[&serve.target(), "--ca", s(&ca)]);
    assert_eq!(report["server_name"], "127.0.0.1", "{report:#}");
    let line = serve.connections(1)[0].clone();
    assert_eq!(parse_conn(&line).sni, "none", "{line}");
}

// ---------------------------------------------------------------------------------------
// Client certificates with pki probe
// ---------------------------------------------------------------------------------------

#[test]
fn probe_presents_a_client_certificate_to_a_server_that_requires_one() {
    let pki = world();
    let other = stranger();
    let ca = root(&pki);
    let mut serve = serve_requiring_client_certs(&pki);
    let target = serve.target();

    let report = probe_json(
        &pki,
        0,
        &[&target, "--servername", "localhost", "--ca", s(&ca), "--cert", "alice.pem", "--key", "alice-key.pem"],
    );
    assert_eq!(report["verification"]["valid"], true, "{report:#}");
    let line = serve.connections(1)[0].clone();
    let c = parse_conn(&line);
    assert_eq!((c.sni.as_str(), c.client.as_str()), ("localhost", "CN=alice"), "{line}");

    let (stdout, stderr) = pki_exits(&pki, 1, &["probe", &target, "--servername", "localhost", "--ca", s(&ca)]);
    assert_eq!(stdout, "", "no report without a connection");
    assert!(stderr.contains(&format!("no TLS connection to '{target}'")), "{stderr}");
    serve.bg.wait_for("handshake failure line", |l| l.contains(" handshake failed: "));

    let mallory = other.path("mallory.pem");
    let mallory_key = other.path("mallory-key.pem");
    let (_, stderr) = pki_exits(
        &pki,
        1,
        &[
            "probe",
            &target,
            "--servername",
            "localhost",
            "--ca",
            s(&ca),
            "--cert",
            s(&mallory),
            "--key",
            s(&mallory_key),
        ],
    );
    assert!(stderr.contains("no TLS connection"), "a certificate from another CA is refused: {stderr}");
    serve.exactly(3);
}

// ---------------------------------------------------------------------------------------
// Probe time limits
// ---------------------------------------------------------------------------------------

#[test]
fn probe_gives_up_on_a_server_that_never_answers() {
    let pki = world();
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    let (accepted_tx, accepted) = mpsc::channel();
    let (stop, stop_rx) = mpsc::channel::<()>();
    // Accept and hold every connection, saying nothing, until told to stop (at most 20 s).
    let silent = thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut held = Vec::new();
        while Instant::now() < deadline {
            if let Ok((sock, _)) = listener.accept() {
                held.push(sock);
                let _ = accepted_tx.send(());
            }
            match stop_rx.recv_timeout(Duration::from_millis(10)) {
                Err(RecvTimeoutError::Timeout) => {}
                _ => break,
            }
        }
    });

    let target = format!("127.0.0.1:{port}");
    let started = Instant::now();
    let (stdout, stderr) =
        pki_exits(&pki, 1, &["probe", &target, "--servername", "localhost", "--ca", s(&root(&pki)), "--timeout", "2"]);
    let took = started.elapsed();
    let _ = stop.send(());
    silent.join().expect("the silent server thread");

    assert!(accepted.try_recv().is_ok(), "the probe did connect to the silent server");
    assert!(took >= Duration::from_millis(1500), "it waited for the handshake, took {took:?}: {stderr}");
    assert!(took < Duration::from_secs(5), "--timeout 2 bounds the wait, took {took:?}");
    assert_eq!(stdout, "");
    assert!(stderr.contains(&format!("no TLS connection to '{target}'")), "{stderr}");
    assert!(stderr.contains("timed out after 2 s"), "{stderr}");
}

#[test]
fn probe_fails_fast_on_a_closed_port() {
    let pki = world();
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        l.local_addr().unwrap().port()
    };
    let target = format!("127.0.0.1:{port}");
    let started = Instant::now();
    let (_, stderr) = pki_exits(&pki, 1, &["probe", &target, "--ca", s(&root(&pki))]);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(3), "a refused connection is not a 10 s timeout: {took:?}");
    assert!(stderr.contains(&format!("no TLS connection to '{target}'")), "{stderr}");
    assert!(stderr.contains("cannot connect"), "{stderr}");
}

// ---------------------------------------------------------------------------------------
// Hot reload
// ---------------------------------------------------------------------------------------

/// A TLS connection to pki serve, verified against `ca` for `localhost`, stopped with the
/// server's whole flight received and checked (certificate, signature, Finished) but our
/// Finished not yet sent: the server has chosen its certificate and key and is waiting
/// for us, so the connection is open across whatever happens next.
struct HeldOpen {
    sock: TcpStream,
    conn: ClientConnection,
}

impl HeldOpen {
    fn open(port: u16, ca: &Path) -> HeldOpen {
        let mut roots = RootCertStore::empty();
        for c in CertificateDer::pem_file_iter(ca).expect("ca.pem") {
            roots.add(c.expect("PEM certificate")).expect("trust anchor");
        }
        let config = ClientConfig::builder_with_provider(Arc::new(default_provider()))
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        let mut sock = TcpStream::connect(("127.0.0.1", port)).expect("connect to pki serve");
        sock.set_read_timeout(Some(WAIT)).unwrap();
        sock.set_write_timeout(Some(WAIT)).unwrap();
        let mut conn = ClientConnection::new(Arc::new(config), ServerName::try_from("localhost").unwrap()).unwrap();
        while conn.wants_write() {
            conn.write_tls(&mut sock).expect("send ClientHello");
        }
        while conn.is_handshaking() {
            let n = conn.read_tls(&mut sock).expect("read the server's flight");
            assert!(n > 0, "the server closed during the handshake");
            conn.process_new_packets().expect("the server's certificate and signature verify");
        }
        HeldOpen { sock, conn }
    }

    /// The serial of the certificate this connection was shown.
    fn serial(&self) -> String {
        let certs = self.conn.peer_certificates().expect("the server's certificate");
        serial_of_der(&certs[0])
    }

    /// Finish the handshake, send a line, read the report until the server closes.
    fn finish(mut self) -> String {
        let mut tls = rustls::Stream::new(&mut self.conn, &mut self.sock);
        tls.write_all(b"ping\n").expect("send on the held connection");
        tls.flush().expect("flush");
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            match tls.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) => panic!("reading the report on the held connection: {e} (got {:?})", text(&got)),
            }
        }
        text(&got)
    }
}

/// Serve `localhost` with --watch and hold a connection open (see [`HeldOpen`]).
fn watched() -> (Pki, Serve, HeldOpen, String) {
    let pki = world();
    let old = serial_of(&pki.path("localhost.pem"));
    let serve = Serve::start(&pki, &["--cert", "localhost.pem", "--key", "localhost-key.pem", "--watch"]);
    assert_eq!(serve.serial, old);
    serve.let_the_watcher_start();
    let held = HeldOpen::open(serve.port, &root(&pki));
    assert_eq!(held.serial(), old, "the held connection was shown the first certificate");
    (pki, serve, held, old)
}

/// Renew `localhost` in place and wait for serve to pick it up; returns the new serial.
fn renew_and_wait(pki: &Pki, serve: &mut Serve, old: &str) -> String {
    pki.ok(&["issue", "server", "--san", "localhost", "--force", "-q"]);
    let new = serial_of(&pki.path("localhost.pem"));
    assert_ne!(new, old, "issue --force wrote a new certificate");
    let line = serve.bg.wait_for("'reloaded:' line", |l| l.starts_with("reloaded:"));
    assert_eq!(line, format!("reloaded: now serving serial {new}"));
    new
}

#[test]
fn watch_reloads_for_new_connections_and_keeps_open_ones_and_the_last_good_pair() {
    let (pki, mut serve, held, old) = watched();
    let ca = root(&pki);
    let target = serve.target();

    let new = renew_and_wait(&pki, &mut serve, &old);
    let report = probe_json(&pki, 0, &[&target, "--servername", "localhost", "--ca", s(&ca)]);
    assert_eq!(report["presented"][0]["serial"], new.as_str(), "a new connection gets the new certificate");

    // The connection opened before the swap completes with the old certificate and key
    // (its handshake verified them), and still carries data both ways.
    let report = held.finish();
    assert!(report.starts_with("pki serve: TLS handshake complete\n"), "{report:?}");
    assert_eq!(field(&report, "server name"), Some("localhost"), "{report}");
    serve.connections(2);

    // A broken key: refused, the log says why and names the file, the last good pair stays.
    std::fs::write(pki.path("localhost-key.pem"), "garbage\n").unwrap();
    let line = serve.bg.wait_for("'kept serial' line", |l| l.starts_with("kept serial"));
    assert!(line.starts_with(&format!("kept serial {new}: the new files are unusable: ")), "{line}");
    assert!(line.contains("localhost-key.pem"), "the line names the file: {line}");
    let report = probe_json(&pki, 0, &[&target, "--servername", "localhost", "--ca", s(&ca)]);
    assert_eq!(report["presented"][0]["serial"], new.as_str(), "still the last good certificate");
    let conns = serve.connections(3);
    assert_eq!(parse_conn(&conns[2]).serial, new, "{conns:?}");
}

#[test]
fn watch_keeps_the_old_pair_when_the_new_key_does_not_match() {
    let pki = world();
    let ca = root(&pki);
    let old = serial_of(&pki.path("localhost.pem"));
    let mut serve = Serve::start(&pki, &["--cert", "localhost.pem", "--key", "localhost-key.pem", "--watch"]);
    serve.let_the_watcher_start();
    // A valid key, but not this certificate's.
    std::fs::copy(pki.path("alice-key.pem"), pki.path("localhost-key.pem")).unwrap();
    let line = serve.bg.wait_for("'kept serial' line", |l| l.starts_with("kept serial"));
    assert!(line.starts_with(&format!("kept serial {old}: the new files are unusable: ")), "{line}");
    assert!(line.contains("localhost-key.pem") && line.contains("does not belong"), "{line}");
    let report = probe_json(&pki, 0, &[&serve.target(), "--servername", "localhost", "--ca", s(&ca)]);
    assert_eq!(report["presented"][0]["serial"], old.as_str());
}

#[test]
fn watch_reports_the_serial_a_connection_was_actually_served() {
    let (pki, mut serve, held, old) = watched();
    let new = renew_and_wait(&pki, &mut serve, &old);
    let report = held.finish();
    assert_eq!(field(&report, "server certificate serial"), Some(old.as_str()), "{report}");
    let line = serve.connections(1)[0].clone();
    assert_eq!(parse_conn(&line).serial, old, "the log names the certificate served, not {new}: {line}");
}

#[test]
fn watch_notices_a_change_made_right_after_listening() {
    let pki = world();
    let good = std::fs::read(pki.path("localhost-key.pem")).unwrap();
    // The race is narrow: try a few times, each as soon as the line is read.
    for attempt in 1..=10 {
        std::fs::write(pki.path("localhost-key.pem"), &good).unwrap();
        let mut serve = Serve::start(&pki, &["--cert", "localhost.pem", "--key", "localhost-key.pem", "--watch"]);
        std::fs::write(pki.path("localhost-key.pem"), "garbage\n").unwrap();
        let kept = serve.bg.wait_within(Duration::from_secs(2), |l| l.starts_with("kept serial"));
        assert!(
            kept.is_some(),
            "attempt {attempt}: the key changed after 'listening on' and --watch never noticed\n{}",
            serve.bg.context()
        );
    }
}

// ---------------------------------------------------------------------------------------
// --once
// ---------------------------------------------------------------------------------------

#[test]
fn once_exits_by_itself_after_one_connection() {
    let pki = world();
    let mut serve = Serve::start(&pki, &["--cert", "localhost.pem", "--key", "localhost-key.pem", "--once"]);
    let target = serve.target();
    probe_json(&pki, 0, &[&target, "--servername", "localhost", "--ca", s(&root(&pki))]);
    let status = serve.bg.exit_status();
    assert_eq!(status.code(), Some(0), "{}", serve.bg.context());
    assert_eq!(serve.bg.log.len(), 2, "the listening line and one connection line\n{}", serve.bg.context());
    let c = parse_conn(&serve.bg.log[1]);
    assert_eq!((c.sni.as_str(), c.serial.as_str()), ("localhost", serve.serial.as_str()), "{c:?}");
    // Nobody is listening any more.
    pki_exits(&pki, 1, &["probe", &target, "--servername", "localhost", "--ca", s(&root(&pki)), "--timeout", "2"]);
}

// ---------------------------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------------------------

#[test]
fn serve_refuses_a_key_that_does_not_match_the_certificate() {
    let pki = world();
    let (stdout, stderr) =
        pki_exits(&pki, 1, &["serve", "--cert", "localhost.pem", "--key", "alice-key.pem", "--listen", "127.0.0.1:0"]);
    assert!(!stdout.contains("listening"), "it never listens: {stdout}");
    assert!(stderr.contains("alice-key.pem"), "names the key file: {stderr}");
    assert!(stderr.contains("does not belong to the certificate"), "{stderr}");
}

#[test]
fn serve_refuses_a_missing_certificate_file() {
    let pki = world();
    let (stdout, stderr) =
        pki_exits(&pki, 1, &["serve", "--cert", "nope.pem", "--key", "localhost-key.pem", "--listen", "127.0.0.1:0"]);
    assert!(!stdout.contains("listening"), "{stdout}");
    assert!(stderr.contains("nope.pem"), "names the missing file: {stderr}");
}

#[test]
fn require_client_cert_without_client_ca_is_a_usage_error() {
    let pki = world();
    let (stdout, stderr) = pki_exits(
        &pki,
        2,
        &[
            "serve",
            "--cert",
            "localhost.pem",
            "--key",
            "localhost-key.pem",
            "--require-client-cert",
            "--listen",
            "127.0.0.1:0",
        ],
    );
    assert_eq!(stdout, "");
    assert!(stderr.contains("--client-ca"), "clap names the missing flag: {stderr}");
}

#[test]
fn serve_refuses_an_address_in_use() {
    let pki = world();
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let addr = taken.local_addr().unwrap().to_string();
    let (stdout, stderr) =
        pki_exits(&pki, 1, &["serve", "--cert", "localhost.pem", "--key", "localhost-key.pem", "--listen", &addr]);
    assert!(!stdout.contains("listening"), "{stdout}");
    assert!(stderr.contains(&addr), "names the address: {stderr}");
    assert!(stderr.contains("address already in use"), "{stderr}");
    drop(taken);
}
