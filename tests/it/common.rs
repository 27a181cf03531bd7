//! Shared test helpers: a hermetic `pki` runner with its own CA directory, and readers
//! for what it writes.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
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

    /// `pki` with `--ca-dir`, `HOME` and `XDG_DATA_HOME` inside the temp dir, every
    /// `PKI_*` and `NO_COLOR` removed, stdin empty (not a terminal), cwd = `work()`.
    pub fn cmd(&self) -> Command {
        let mut c = Command::from_std(self.process(&[]));
        c.write_stdin("");
        c
    }

    /// Run `pki ARGS...` and return the output (no assertion).
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("run pki")
    }

    /// Run `pki ARGS...`, asserting exit 0; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "pki {args:?} failed with {:?}\nstdout: {}\nstderr: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// Run `pki ARGS... --json`, asserting exit 0; returns the parsed JSON.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut a = args.to_vec();
        a.push("--json");
        serde_json::from_str(&self.ok(&a)).expect("valid JSON on stdout")
    }

    /// Run `pki ARGS...`, asserting exit `code`; returns stderr.
    pub fn fails(&self, code: i32, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "pki {args:?}: expected exit {code}\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stderr).expect("utf-8 stderr")
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

/// Whether an external tool is on PATH.
pub fn have(tool: &str) -> bool {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// Require an external tool: under CI its absence fails the test; elsewhere the test
/// says loudly that it was skipped and returns false.
pub fn require(tool: &str) -> bool {
    if have(tool) {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!("{tool} is required in CI (.ci/run installs it) but is not on PATH");
    }
    eprintln!("SKIPPED: {tool} is not installed; install it to run this check");
    false
}

/// Run an external command, returning (success, stdout+stderr).
pub fn run_tool(program: &str, args: &[&str], cwd: &Path) -> (bool, String) {
    let out = std::process::Command::new(program)
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
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
