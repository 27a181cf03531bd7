//! Shared test helpers: a hermetic `pki` runner with its own CA directory, and readers
//! for what it writes.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use x509_parser::prelude::{FromDer, X509Certificate};

/// A temporary world for one test: a CA directory, a HOME, a working directory.
pub struct Pki {
    pub dir: tempfile::TempDir,
}

impl Pki {
    /// A fresh, empty world.
    pub fn new() -> Pki {
        Pki { dir: tempfile::tempdir().expect("temp dir") }
    }

    /// The temp root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The CA directory (`ROOT/ca`).
    pub fn ca_dir(&self) -> PathBuf {
        self.root().join("ca")
    }

    /// The working directory commands run in (`ROOT/work`), where leaves land by default.
    pub fn work(&self) -> PathBuf {
        let w = self.root().join("work");
        std::fs::create_dir_all(&w).unwrap();
        w
    }

    /// A path under the working directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.work().join(name)
    }

    /// `pki` as a plain process in this world: `HOME` and `XDG_DATA_HOME` inside the temp
    /// dir, every `PKI_*` and `NO_COLOR` removed, cwd = `work()`, and no `--ca-dir`.
    pub fn bare_process(&self) -> std::process::Command {
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("pki"));
        for (k, _) in std::env::vars_os() {
            let k = k.to_string_lossy().to_string();
            if k.starts_with("PKI_") || k == "NO_COLOR" {
                c.env_remove(&k);
            }
        }
        c.env("HOME", self.root().join("home")).env("XDG_DATA_HOME", self.root().join("xdg")).current_dir(self.work());
        c
    }

    /// `pki --ca-dir CA_DIR ARGS` as a plain process in this world (to run in the background).
    pub fn process(&self, args: &[&str]) -> std::process::Command {
        let mut c = self.bare_process();
        c.arg("--ca-dir").arg(self.ca_dir()).args(args);
        c
    }

    /// `pki ARGS...`, to run through the shared runner (timeout, panic check).
    pub fn call<I, S>(&self, args: I) -> Invocation
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Invocation::new(self.process(&[]), args)
    }

    /// `pki ARGS...` without `--ca-dir` (how the CA directory is found), same world.
    pub fn call_bare<I, S>(&self, args: I) -> Invocation
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Invocation::new(self.bare_process(), args)
    }

    /// Run `pki ARGS...` and return the output (no assertion on the exit code).
    pub fn run(&self, args: &[&str]) -> Output {
        self.call(args).output()
    }

    /// Run `pki ARGS...` with extra environment variables (no assertion on the exit code).
    pub fn run_env(&self, env: &[(&str, &str)], args: &[&str]) -> Output {
        self.call(args).envs(env).output()
    }

    /// Run `pki ARGS...`, asserting exit 0; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        self.call(args).ok()
    }

    /// Run `pki ARGS... --json`, asserting exit 0; returns the parsed JSON.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut a = args.to_vec();
        a.push("--json");
        serde_json::from_str(&self.ok(&a)).expect("valid JSON on stdout")
    }

    /// Run `pki ARGS...`, asserting exit `code`; returns stderr.
    pub fn fails(&self, code: i32, args: &[&str]) -> String {
        self.call(args).fails(code)
    }

    /// `pki ca init` with defaults, plus extra args.
    pub fn init(&self, extra: &[&str]) -> &Self {
        let mut a = vec!["ca", "init", "-q"];
        a.extend_from_slice(extra);
        self.ok(&a);
        self
    }

    /// Files in the working directory, sorted.
    pub fn work_files(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.work())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        v.sort();
        v
    }
}

/// The DER certificates in a PEM file, in order.
pub fn read_certs(path: &Path) -> Vec<Vec<u8>> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    CertificateDer::pem_file_iter(path)
        .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()))
        .map(|c| c.expect("PEM certificate").to_vec())
        .collect()
}

/// The first certificate of a PEM file, DER.
pub fn read_cert(path: &Path) -> Vec<u8> {
    read_certs(path).into_iter().next().unwrap_or_else(|| panic!("no certificate in {}", path.display()))
}

/// Parse DER with x509-parser (the test's own, independent reading).
pub fn parse(der: &[u8]) -> X509Certificate<'_> {
    let (rest, cert) = X509Certificate::from_der(der).expect("valid X.509");
    assert!(rest.is_empty(), "trailing bytes after certificate");
    cert
}

/// The file mode bits of a path.
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode() & 0o777
}

// ---------------------------------------------------------------------------------------
// The runner: every run of the pki binary goes through `Invocation`
// ---------------------------------------------------------------------------------------

/// How long one run of pki may take (unless a test bounds it tighter with
/// [`Invocation::within`]): past it the process is killed and the test fails, naming it.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// One run of the pki binary: built from [`Pki::call`], then run with a timeout, failing
/// the test loudly when pki is killed, exits 101 or prints "panicked at".
pub struct Invocation {
    cmd: std::process::Command,
    input: Vec<u8>,
    what: String,
    limit: Duration,
}

impl Invocation {
    /// `cmd ARGS...`, described as `pki ARGS...` in failures.
    pub fn new<I, S>(mut cmd: std::process::Command, args: I) -> Invocation
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let args: Vec<std::ffi::OsString> = args.into_iter().map(|a| a.as_ref().to_os_string()).collect();
        let what = format!("pki {:?}", args.iter().map(|a| a.to_string_lossy().into_owned()).collect::<Vec<_>>());
        cmd.args(&args);
        Invocation { cmd, input: Vec::new(), what, limit: TIMEOUT }
    }

    /// Set an environment variable.
    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        self.what = format!("{key}={} {}", value.as_ref().to_string_lossy(), self.what);
        self.cmd.env(key, value);
        self
    }

    /// Set several environment variables.
    pub fn envs(self, env: &[(&str, &str)]) -> Self {
        env.iter().fold(self, |inv, (k, v)| inv.env(k, v))
    }

    /// Remove an environment variable.
    pub fn env_remove(mut self, key: &str) -> Self {
        self.cmd.env_remove(key);
        self
    }

    /// Feed `input` on stdin (the default is an empty stdin, never a terminal).
    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Self {
        self.input = input.into();
        self
    }

    /// Bound the run tighter than [`TIMEOUT`] (a test that says "at once" or "no hang").
    pub fn within(mut self, limit: Duration) -> Self {
        self.limit = limit;
        self
    }

    /// Run pki through a wrapper, `PROGRAM PRE... pki ARGS...` (`sh -c 'umask 000 && exec
    /// "$@"' sh`), with the same environment, working directory and checks.
    pub fn wrapped(self, program: &str, pre: &[&str]) -> Invocation {
        let proto = &self.cmd;
        let mut c = std::process::Command::new(program);
        c.args(pre).arg(proto.get_program()).args(proto.get_args());
        for (k, v) in proto.get_envs() {
            match v {
                Some(v) => c.env(k, v),
                None => c.env_remove(k),
            };
        }
        if let Some(d) = proto.get_current_dir() {
            c.current_dir(d);
        }
        Invocation { cmd: c, input: self.input, what: format!("{program} {pre:?} {}", self.what), limit: self.limit }
    }

    /// Run it; returns the output and how long it took. Fails the test on a timeout
    /// (killing pki), on exit 101 and on "panicked at" in stderr, whatever exit code the
    /// test expects. Stdin is a pipe holding the input (empty by default), never a terminal.
    pub fn timed(mut self) -> (Output, Duration) {
        self.cmd.stdin(Stdio::piped());
        let start = Instant::now();
        let out = run_bounded(self.cmd, &self.input, self.limit, &self.what);
        let took = start.elapsed();
        assert_no_panic(&out, &self.what);
        (out, took)
    }

    /// Run it (see [`Invocation::timed`]).
    pub fn output(self) -> Output {
        self.timed().0
    }

    /// Run it, asserting exit 0; returns stdout.
    pub fn ok(self) -> String {
        let what = self.what.clone();
        expect_ok(&self.output(), &what)
    }

    /// Run it, asserting exit `code`; returns stderr.
    pub fn fails(self, code: i32) -> String {
        let what = self.what.clone();
        let out = self.output();
        assert_eq!(
            out.status.code(),
            Some(code),
            "{what}: expected exit {code}\nstdout: {}\nstderr: {}",
            text(&out.stdout),
            text(&out.stderr)
        );
        String::from_utf8(out.stderr).expect("utf-8 stderr")
    }
}

/// Fail when a pki process exited 101 or printed "panicked at" (a panic is never an answer).
pub fn assert_no_panic(out: &Output, what: &str) {
    let stderr = text(&out.stderr);
    assert_ne!(out.status.code(), Some(101), "{what}: exit 101 (a panic)\nstderr: {stderr}");
    assert!(!stderr.contains("panicked at"), "{what}: pki panicked:\n{stderr}");
}

/// Assert a finished run exited 0; returns stdout.
pub fn expect_ok(out: &Output, what: &str) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}: expected exit 0 (None = killed)\nstdout: {}\nstderr: {}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// Bytes as text (lossy: a test's view of what a process printed).
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Stdout then stderr of a finished process, as one string (for messages and searching).
pub fn both(out: &Output) -> String {
    format!("{}{}", text(&out.stdout), text(&out.stderr))
}

/// The lines of `s`, owned, exactly (no trimming): for asserting exact output lines.
pub fn lines(s: &str) -> Vec<String> {
    s.lines().map(str::to_string).collect()
}

/// `v`, sorted (to compare sets in any order).
pub fn sorted<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort();
    v
}

/// Owned strings from `&str`s (to compare with [`lines`]).
pub fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

// ---------------------------------------------------------------------------------------
// Outside judges: openssl, pkilint, keytool, curl...
// ---------------------------------------------------------------------------------------

/// Whether an external tool is on PATH.
pub fn have(tool: &str) -> bool {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// How to install a judge the tests use.
pub fn install_hint(tool: &str) -> &'static str {
    match tool {
        "openssl" => "apt-get install openssl",
        "curl" => "apt-get install curl",
        "keytool" => "apt-get install default-jdk-headless",
        "lint_pkix_cert" => "pip install pkilint (or: pipx install pkilint)",
        "script" => "apt-get install bsdutils (util-linux)",
        "python3" => "apt-get install python3",
        "jq" => "apt-get install jq",
        "xz" => "apt-get install xz-utils",
        "sha256sum" => "apt-get install coreutils",
        "certtool" => "apt-get install gnutls-bin",
        "certutil" | "tstclnt" => "apt-get install libnss3-tools",
        "update-ca-certificates" => "apt-get install ca-certificates",
        "go" => "apt-get install golang-go",
        "node" => "apt-get install nodejs",
        "java" | "javac" => "apt-get install default-jdk-headless",
        "chromium" => "apt-get install chromium",
        "setpriv" => "apt-get install util-linux",
        "softhsm2-util" => "apt-get install softhsm2",
        "pkcs11-tool" => "apt-get install opensc",
        "initdb" | "pg_ctl" => "apt-get install postgresql (its bin directory, /usr/lib/postgresql/15/bin, on PATH)",
        _ => "install it (.ci/run lists every judge)",
    }
}

/// Whether `PKI_ALLOW_MISSING_TOOLS=1` lets a test skip the checks that need a missing judge.
pub fn missing_tools_allowed() -> bool {
    std::env::var_os("PKI_ALLOW_MISSING_TOOLS").is_some_and(|v| v == "1")
}

/// Require an external judge. When it is missing the test FAILS, naming the tool and how
/// to install it, unless `PKI_ALLOW_MISSING_TOOLS=1` is set: then it prints a SKIPPED line
/// and returns false (the caller returns, having checked nothing, and says so).
pub fn require(tool: &str) -> bool {
    if have(tool) {
        return true;
    }
    let how = install_hint(tool);
    if missing_tools_allowed() {
        eprintln!("SKIPPED: {tool} is not installed ({how}); PKI_ALLOW_MISSING_TOOLS=1 allows this");
        return false;
    }
    panic!(
        "{tool} is required by this test but is not on PATH: {how} \
         (.ci/run installs it; set PKI_ALLOW_MISSING_TOOLS=1 to skip the checks that need it)"
    );
}

/// Require a file an outside party provides (a system trust bundle, a shared corpus): as
/// [`require`], it fails unless `PKI_ALLOW_MISSING_TOOLS=1`.
pub fn require_file(path: &Path, how: &str) -> bool {
    if path.exists() {
        return true;
    }
    if missing_tools_allowed() {
        eprintln!("SKIPPED: {} is missing ({how}); PKI_ALLOW_MISSING_TOOLS=1 allows this", path.display());
        return false;
    }
    panic!("{} is required by this test but is missing: {how} (or set PKI_ALLOW_MISSING_TOOLS=1)", path.display());
}

/// Run an external command in `cwd` with stdin closed, killed after [`TIMEOUT`] (a
/// prompt or a hung server fails the test instead of blocking the suite).
pub fn tool(program: &str, args: &[&str], cwd: &Path) -> Output {
    tool_with(program, args, cwd, &[])
}

/// [`tool`] with `input` on stdin.
pub fn tool_with(program: &str, args: &[&str], cwd: &Path, input: &[u8]) -> Output {
    tool_within(program, args, cwd, input, TIMEOUT)
}

/// [`tool_with`], killed (and the test failed, naming the command) after `limit`.
pub fn tool_within(program: &str, args: &[&str], cwd: &Path, input: &[u8], limit: Duration) -> Output {
    let mut c = std::process::Command::new(program);
    c.args(args).current_dir(cwd).stdin(if input.is_empty() { Stdio::null() } else { Stdio::piped() });
    run_bounded(c, input, limit, &format!("{program} {args:?} ({})", install_hint(program)))
}

/// Run `cmd` (its stdin already set: piped to receive `input`, or null), reading its
/// stdout and stderr; kill it and fail the test, naming `what`, when it is still running
/// after `limit`. (Polls every millisecond: assert_cmd's timeout costs far more per run.)
pub fn run_bounded(mut cmd: std::process::Command, input: &[u8], limit: Duration, what: &str) -> Output {
    use std::io::{Read, Write};
    let mut child =
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    let writer = child.stdin.take().map(|mut w| {
        let input = input.to_vec();
        std::thread::spawn(move || {
            let _ = w.write_all(&input);
        })
    });
    // Each pipe is read to its end on a thread that hands the bytes over a channel, so
    // that a grandchild still holding a pipe (a server a script left behind) fails the
    // test instead of hanging it.
    fn drain(r: Option<impl Read + Send + 'static>) -> mpsc::Receiver<Vec<u8>> {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut buf);
            }
            let _ = tx.send(buf);
        });
        rx
    }
    let (stdout, stderr) = (drain(child.stdout.take()), drain(child.stderr.take()));
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for a child process") {
            break Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    if let Some(w) = writer {
        let _ = w.join();
    }
    let grace = Duration::from_secs(10);
    let collect = |rx: mpsc::Receiver<Vec<u8>>, name: &str| {
        rx.recv_timeout(grace).unwrap_or_else(|_| panic!("{what}: its {name} was still open {grace:?} after it exited"))
    };
    let (stdout, stderr) = (collect(stdout, "stdout"), collect(stderr, "stderr"));
    let Some(status) = status else {
        panic!(
            "{what}: timed out after {limit:?} and was killed\nstdout: {}\nstderr: {}",
            text(&stdout),
            text(&stderr)
        );
    };
    Output { status, stdout, stderr }
}

/// Run an external command, returning (success, stdout+stderr).
pub fn run_tool(program: &str, args: &[&str], cwd: &Path) -> (bool, String) {
    let out = tool(program, args, cwd);
    (out.status.success(), both(&out))
}

/// `openssl ARGS...` in `dir`, asserting success; returns stdout.
pub fn openssl_ok(dir: &Path, args: &[&str]) -> String {
    let out = tool("openssl", args, dir);
    assert!(out.status.success(), "openssl {args:?} failed ({:?}):\n{}", out.status.code(), both(&out));
    text(&out.stdout)
}

/// `openssl ARGS...` in `dir`, asserting success; returns stdout + stderr (where openssl
/// says "verify OK" and prints PKCS#12 MAC details).
pub fn openssl_said(dir: &Path, args: &[&str]) -> String {
    let out = tool("openssl", args, dir);
    assert!(out.status.success(), "openssl {args:?} failed ({:?}):\n{}", out.status.code(), both(&out));
    both(&out)
}

/// `openssl ARGS...` in `dir`, asserting success; returns the raw stdout bytes.
pub fn openssl_bytes(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = tool("openssl", args, dir);
    assert!(out.status.success(), "openssl {args:?} failed ({:?}):\n{}", out.status.code(), both(&out));
    out.stdout
}

/// `openssl ARGS...` in `dir`, asserting failure; returns stdout + stderr.
pub fn openssl_fails(dir: &Path, args: &[&str]) -> String {
    let out = tool("openssl", args, dir);
    assert!(!out.status.success(), "openssl {args:?} unexpectedly succeeded:\n{}", both(&out));
    both(&out)
}

/// `openssl LINE` in `dir` (split by [`words`]) with `input` on stdin, asserting
/// success; returns stdout.
pub fn ossl_with(dir: &Path, line: &str, input: &[u8]) -> String {
    let args = words(line);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = tool_with("openssl", &args, dir, input);
    assert!(out.status.success(), "openssl {args:?} failed:\n{}", both(&out));
    text(&out.stdout)
}

/// `openssl LINE` in `dir` (split by [`words`]), asserting success; returns stdout.
pub fn ossl(dir: &Path, line: &str) -> String {
    ossl_with(dir, line, b"")
}

/// `openssl x509 -in FILE -noout OPTIONS...` in `dir`: what openssl reads in a certificate.
pub fn openssl_x509(dir: &Path, file: &str, options: &[&str]) -> String {
    let mut args = vec!["x509", "-in", file, "-noout"];
    args.extend_from_slice(options);
    openssl_ok(dir, &args)
}

/// `openssl ca` configuration shared by the tests that mint certificates with openssl: a
/// database in the working directory, SHA-256, no default extensions (a run without
/// `-extfile` or `-extensions` writes a v1 certificate), and `preserve = yes` so each
/// request's DN order is kept and subjects read the same in openssl and pki.
pub const OPENSSL_CA_CNF: &str = "\
[ ca ]
default_ca = CA_default
[ CA_default ]
database = index.txt
new_certs_dir = .
serial = serial
crlnumber = crlnumber
default_md = sha256
policy = policy_any
preserve = yes
email_in_dn = no
unique_subject = no
copy_extensions = none
default_crl_days = 30
[ policy_any ]
countryName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied
";

/// A TLS server leaf's extensions as pki writes them, plus `subjectAltName=SAN`: for
/// `openssl req -addext`, `x509 -extfile` and `ca -extfile` (one per line).
pub fn server_leaf_ext(san: &str) -> Vec<String> {
    vec![
        "basicConstraints=critical,CA:FALSE".into(),
        "keyUsage=critical,digitalSignature".into(),
        "extendedKeyUsage=serverAuth".into(),
        "subjectKeyIdentifier=hash".into(),
        "authorityKeyIdentifier=keyid".into(),
        format!("subjectAltName={san}"),
    ]
}

/// Split a command line on whitespace; `'...'` keeps spaces inside one argument.
pub fn words(line: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted, mut any) = (Vec::new(), String::new(), false, false);
    for ch in line.chars() {
        match ch {
            '\'' => (quoted, any) = (!quoted, true),
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    assert!(!quoted, "unbalanced quote in {line:?}");
    if any {
        out.push(cur);
    }
    out
}

/// A path as a `&str` argument (temp paths are UTF-8).
pub fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

/// The lines of a CA directory's `ledger.jsonl` after its `{"pki_ledger":2}` header, each
/// parsed as JSON. Every line that ends in a newline must be whole JSON; `at_rest` (no
/// writer running) also requires the file to end with a newline, while a reader racing a
/// writer may see the last line half-appended, which pki itself skips.
pub fn ledger_lines(ca_dir: &Path, at_rest: bool) -> Vec<serde_json::Value> {
    let path = ca_dir.join("ledger.jsonl");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.starts_with("{\"pki_ledger\":2}\n"), "ledger header: {text}");
    assert!(!at_rest || text.ends_with('\n'), "the ledger at rest ends with a whole line: {text}");
    let whole = &text[..text.rfind('\n').map_or(0, |i| i + 1)];
    whole
        .lines()
        .skip(1)
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("torn ledger line ({e}): {l:?}\n{text}")))
        .collect()
}

/// A SAN entry as `DNS:x`, `IP:x`, `email:x`, `URI:x` (other kinds in their debug form).
pub fn general_name(g: &x509_parser::extensions::GeneralName<'_>) -> String {
    use x509_parser::extensions::GeneralName;
    match g {
        GeneralName::DNSName(s) => format!("DNS:{s}"),
        GeneralName::RFC822Name(s) => format!("email:{s}"),
        GeneralName::URI(s) => format!("URI:{s}"),
        GeneralName::IPAddress(b) => {
            let ip: std::net::IpAddr = match b.len() {
                4 => <[u8; 4]>::try_from(*b).unwrap().into(),
                16 => <[u8; 16]>::try_from(*b).unwrap().into(),
                n => panic!("IP SAN of {n} octets"),
            };
            format!("IP:{ip}")
        }
        other => format!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// Reading what openssl and pki print; writing test input
// ---------------------------------------------------------------------------------------

/// Base64 (RFC 4648, padded), for wrapping DER in PEM.
fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in data.chunks(3) {
        let n =
            (u32::from(c[0]) << 16) | (u32::from(*c.get(1).unwrap_or(&0)) << 8) | u32::from(*c.get(2).unwrap_or(&0));
        s.push(T[(n >> 18) as usize & 63] as char);
        s.push(T[(n >> 12) as usize & 63] as char);
        s.push(if c.len() > 1 { T[(n >> 6) as usize & 63] as char } else { '=' });
        s.push(if c.len() > 2 { T[n as usize & 63] as char } else { '=' });
    }
    s
}

/// DER wrapped as a PEM block with `label`, 64 columns.
pub fn pem_wrap(label: &str, der: &[u8]) -> String {
    let b = base64(der);
    let mut s = format!("-----BEGIN {label}-----\n");
    for line in b.as_bytes().chunks(64) {
        s.push_str(std::str::from_utf8(line).unwrap());
        s.push('\n');
    }
    s.push_str(&format!("-----END {label}-----\n"));
    s
}

/// The only item of a one-file run.
pub fn only(items: Vec<serde_json::Value>, what: &str) -> serde_json::Value {
    assert_eq!(items.len(), 1, "{what}: expected one item, got {items:#?}");
    items.into_iter().next().unwrap()
}

/// openssl's `Jan  1 00:00:00 2024 GMT` as RFC 3339 (`2024-01-01T00:00:00Z`).
pub fn openssl_time(s: &str) -> String {
    let f: Vec<&str> = s.split_whitespace().collect();
    assert_eq!(f.len(), 5, "unexpected openssl time {s:?}");
    assert_eq!(f[4], "GMT", "unexpected openssl time {s:?}");
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let m = months.iter().position(|m| *m == f[0]).unwrap_or_else(|| panic!("month in {s:?}")) + 1;
    let d: u32 = f[1].parse().unwrap();
    format!("{}-{m:02}-{d:02}T{}Z", f[3], f[2])
}

/// Hex as openssl prints it (`0A:1B`, `0x0A1B`, upper case) in pki's form (lowercase,
/// no separators, no leading zeros: a DER serial may carry a 00 that openssl omits).
pub fn norm_hex(s: &str) -> String {
    let s = s.trim().trim_start_matches("0x").replace(':', "").to_lowercase();
    let t = s.trim_start_matches('0');
    if t.is_empty() { "0".into() } else { t.into() }
}

/// The `warnings` of an `inspect --json` item, as strings.
pub fn warnings(item: &serde_json::Value) -> Vec<String> {
    item["warnings"].as_array().expect("warnings array").iter().map(|w| w.as_str().unwrap().to_string()).collect()
}
