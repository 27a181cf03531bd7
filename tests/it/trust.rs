//! `pki trust`, judged by the real clients of each store: after `pki trust install` into a
//! throwaway system tree (`PKI_TRUST_ROOT`, updated by the real `update-ca-certificates`),
//! a fresh NSS database in a temporary HOME and a copy of the JDK's cacerts (a temporary
//! JAVA_HOME), curl, `openssl s_client`, Python, Go, NSS's certutil and tstclnt, Java and
//! headless Chromium accept a `pki serve` endpoint they refused before, and refuse it again
//! after `pki trust uninstall`. Every run here points all three stores into the temp dir:
//! nothing touches the machine, except the one test gated by PKI_TEST_REAL_SYSTEM_STORE=1.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::common::*;
use crate::serve::Serve;

/// Bound on one client run.
const CLIENT_LIMIT: Duration = Duration::from_secs(60);

/// A CA with a `localhost` leaf, a system tree, an NSS database and a JDK copy.
struct World {
    pki: Pki,
    /// `PKI_TRUST_ROOT`: a Debian-style tree seeded with the machine's CA list.
    tree: PathBuf,
    /// `JAVA_HOME`: lib/security/cacerts (a copy) and bin/keytool (a link).
    jdk: PathBuf,
    /// `$HOME/.pki/nssdb`.
    nssdb: PathBuf,
}

/// `PROGRAM ARGS` with `env`, stdin closed, bounded.
fn client(program: &str, args: &[&str], env: &[(&str, &Path)], cwd: &Path) -> Output {
    let mut c = Command::new(program);
    c.args(args).current_dir(cwd).stdin(Stdio::null());
    for k in ["SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS"] {
        c.env_remove(k);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    run_bounded(c, b"", CLIENT_LIMIT, &format!("{program} {args:?}"))
}

/// `update-ca-certificates` with every directory option pointed into `tree`.
fn update_tree(tree: &Path) {
    let d = |p: &str| s(&tree.join(p)).to_string();
    let (conf, certs, local, etc, hooks) = (
        d("etc/ca-certificates.conf"),
        d("usr/share/ca-certificates"),
        d("usr/local/share/ca-certificates"),
        d("etc/ssl/certs"),
        d("etc/ca-certificates/update.d"),
    );
    let exe = ["/usr/sbin/update-ca-certificates", "/sbin/update-ca-certificates"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .unwrap_or("update-ca-certificates");
    let out = tool(
        exe,
        &[
            "--certsconf",
            &conf,
            "--certsdir",
            &certs,
            "--localcertsdir",
            &local,
            "--etccertsdir",
            &etc,
            "--hooksdir",
            &hooks,
        ],
        tree,
    );
    assert!(out.status.success(), "update-ca-certificates in the tree: {}", both(&out));
}

/// A Debian-style system tree as a machine has it: the CA list and the certificates it
/// names (a link to the machine's), the local anchors directory, and the links and bundle
/// that update-ca-certificates made from them.
fn system_tree(root: &Path) -> PathBuf {
    let tree = root.join("tree");
    for d in ["usr/local/share/ca-certificates", "etc/ssl/certs", "usr/share"] {
        std::fs::create_dir_all(tree.join(d)).unwrap();
    }
    std::os::unix::fs::symlink("/usr/share/ca-certificates", tree.join("usr/share/ca-certificates")).unwrap();
    std::fs::copy("/etc/ca-certificates.conf", tree.join("etc/ca-certificates.conf")).unwrap();
    update_tree(&tree);
    tree
}

/// The JDK the `keytool` on PATH belongs to.
fn real_jdk() -> PathBuf {
    let out = tool("sh", &["-c", "readlink -f \"$(command -v keytool)\""], Path::new("/"));
    let keytool = PathBuf::from(text(&out.stdout).trim());
    keytool.parent().and_then(Path::parent).expect("keytool in JDK/bin").to_path_buf()
}

/// Every judge this module needs, or None (only with PKI_ALLOW_MISSING_TOOLS=1).
fn judges_present(extra: &[&str]) -> bool {
    ["update-ca-certificates", "certutil", "keytool", "curl", "openssl"].iter().chain(extra).all(|t| require(t))
        && require_file(Path::new("/etc/ca-certificates.conf"), "apt-get install ca-certificates")
}

fn world() -> World {
    world_with(&[])
}

/// A world whose root is made with `ca init INIT_FLAGS`.
fn world_with(init_flags: &[&str]) -> World {
    let pki = Pki::new();
    pki.init(init_flags);
    pki.ok(&["issue", "server", "--san", "localhost", "-q"]);
    let tree = system_tree(pki.root());
    let nssdb = pki.root().join("home/.pki/nssdb");
    std::fs::create_dir_all(&nssdb).unwrap();
    let db = format!("sql:{}", s(&nssdb));
    let out = tool("certutil", &["-N", "--empty-password", "-d", &db], pki.root());
    assert!(out.status.success(), "certutil -N: {}", both(&out));
    let jdk = pki.root().join("jdk");
    std::fs::create_dir_all(jdk.join("lib/security")).unwrap();
    std::fs::create_dir_all(jdk.join("bin")).unwrap();
    let real = real_jdk();
    std::fs::copy(real.join("lib/security/cacerts"), jdk.join("lib/security/cacerts")).unwrap();
    std::os::unix::fs::symlink(real.join("bin/keytool"), jdk.join("bin/keytool")).unwrap();
    World { pki, tree, jdk, nssdb }
}

impl World {
    /// `pki ARGS` with the three stores pointed into this world.
    fn pki(&self, args: &[&str]) -> Invocation {
        self.pki.call(args).env("PKI_TRUST_ROOT", &self.tree).env("JAVA_HOME", &self.jdk)
    }

    fn root_fp(&self) -> String {
        let der = read_cert(&self.pki.ca_dir().join("ca.pem"));
        let path = self.pki.root().join("ca.der");
        std::fs::write(&path, der).unwrap();
        let out = tool("sha256sum", &[s(&path)], self.pki.root());
        text(&out.stdout)[..64].to_string()
    }

    fn db(&self) -> String {
        format!("sql:{}", s(&self.nssdb))
    }

    /// Everything in the three stores, byte for byte (links by target).
    fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        let mut m = BTreeMap::new();
        for d in [&self.tree, &self.nssdb, &self.jdk] {
            walk(d, &mut m);
        }
        m
    }

    /// The system tree alone, byte for byte.
    fn tree_snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        let mut m = BTreeMap::new();
        walk(&self.tree, &mut m);
        m
    }
}

/// Assert two snapshots are equal, naming the paths that differ (not dumping bytes).
fn assert_same(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>, what: &str) {
    let differ: Vec<&String> = a
        .keys()
        .chain(b.keys())
        .filter(|k| a.get(*k) != b.get(*k))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(differ.is_empty(), "{what}: these paths differ: {differ:#?}");
}

/// Every path under `dir` with its bytes (a link: its target; not followed).
fn walk(dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        let meta = std::fs::symlink_metadata(&p).unwrap();
        let key = p.display().to_string();
        if meta.file_type().is_symlink() {
            out.insert(key, std::fs::read_link(&p).unwrap().into_os_string().into_encoded_bytes());
        } else if meta.is_dir() {
            out.insert(key, b"<dir>".to_vec());
            walk(&p, out);
        } else {
            out.insert(key, std::fs::read(&p).unwrap());
        }
    }
}

/// The port of a `pki serve`.
fn port_of(serve: &Serve) -> String {
    serve.target().rsplit_once(':').unwrap().1.to_string()
}

/// What pki serve's page says (curl, Python, Go and Java print the body).
const BODY: &str = "pki serve: TLS handshake complete";

/// Ask every client whether it accepts the endpoint; (client, accepted, what it said).
fn judges(w: &World, port: &str, go: &Path) -> Vec<(&'static str, bool, String)> {
    let cwd = w.pki.work();
    let url = format!("https://localhost:{port}/");
    let resolve = format!("localhost:{port}:127.0.0.1");
    let bundle = w.tree.join("etc/ssl/certs/ca-certificates.crt");
    let certs = w.tree.join("etc/ssl/certs");
    let connect = format!("127.0.0.1:{port}");
    let truststore = format!("-Djavax.net.ssl.trustStore={}", s(&w.jdk.join("lib/security/cacerts")));
    let probe = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/java/TrustProbe.java");
    let curl = |extra: &[&str]| {
        let mut a = vec!["-sS", "--max-time", "10", "--resolve", &resolve];
        a.extend_from_slice(extra);
        a.push(&url);
        client("curl", &a, &[], &cwd)
    };
    let runs: Vec<(&str, Output, bool)> = vec![
        ("curl --cacert TREE bundle", curl(&["--cacert", s(&bundle)]), true),
        ("curl --capath TREE/etc/ssl/certs", curl(&["--capath", s(&certs)]), true),
        (
            "openssl s_client -CApath TREE/etc/ssl/certs",
            client(
                "openssl",
                &[
                    "s_client",
                    "-connect",
                    &connect,
                    "-servername",
                    "localhost",
                    "-verify_hostname",
                    "localhost",
                    "-verify_return_error",
                    "-CApath",
                    s(&certs),
                    "-no-CAfile",
                    "-no-CAstore",
                ],
                &[],
                &cwd,
            ),
            false,
        ),
        (
            "python3 ssl (SSL_CERT_FILE=TREE bundle)",
            client(
                "python3",
                &[
                    "-c",
                    "import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())",
                    &url,
                ],
                &[("SSL_CERT_FILE", &bundle)],
                &cwd,
            ),
            true,
        ),
        ("go (SSL_CERT_DIR=TREE/etc/ssl/certs)", client(s(go), &[&url], &[("SSL_CERT_DIR", &certs)], &cwd), true),
        (
            "certutil -V -u V (NSS db)",
            client("certutil", &["-V", "-u", "V", "-d", &w.db(), "-n", "leaf"], &[], &cwd),
            false,
        ),
        (
            "tstclnt (NSS db)",
            client("tstclnt", &["-4", "-d", &w.db(), "-h", "localhost", "-p", port], &[], &cwd),
            false,
        ),
        (
            "java TrustProbe (JAVA_HOME cacerts)",
            client(
                "java",
                &[&truststore, "-Djavax.net.ssl.trustStorePassword=changeit", s(&probe), "localhost", port],
                &[],
                &cwd,
            ),
            true,
        ),
    ];
    runs.into_iter()
        .map(|(name, out, prints_body)| {
            let ok = out.status.success() && (!prints_body || text(&out.stdout).contains(BODY));
            (name, ok, both(&out))
        })
        .collect()
}

fn assert_all(results: &[(&str, bool, String)], accepted: bool, when: &str) {
    let wrong: Vec<String> = results
        .iter()
        .filter(|(_, ok, _)| *ok != accepted)
        .map(|(name, _, said)| format!("--- {name} ---\n{said}"))
        .collect();
    assert!(
        wrong.is_empty(),
        "{when}: these clients {} the endpoint:\n{}",
        if accepted { "refused" } else { "accepted" },
        wrong.join("\n")
    );
}

/// The lines install or uninstall printed, for the three stores of a world.
fn store_lines(w: &World, word: &str) -> Vec<String> {
    let fp = &w.root_fp()[..16];
    strs(&[
        &format!("system: {word} ({})", s(&w.tree.join(format!("usr/local/share/ca-certificates/pki-{fp}.crt")))),
        &format!("nss: {word} ({})", s(&w.nssdb)),
        &format!("java: {word} ({})", s(&w.jdk.join("lib/security/cacerts"))),
    ])
}

#[test]
fn install_makes_real_clients_trust_the_root_and_uninstall_takes_it_back() {
    if !judges_present(&["tstclnt", "python3", "go", "java"]) {
        return;
    }
    let w = world();
    let go = w.pki.root().join("trustprobe");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/trustprobe.go");
    let out = tool("go", &["build", "-o", s(&go), s(&src)], w.pki.root());
    assert!(out.status.success(), "go build: {}", both(&out));
    // The leaf goes into the NSS database untrusted, for certutil -V to judge.
    let leaf = w.pki.path("localhost.pem");
    let out = tool("certutil", &["-A", "-d", &w.db(), "-n", "leaf", "-t", ",,", "-i", s(&leaf)], w.pki.root());
    assert!(out.status.success(), "certutil -A leaf: {}", both(&out));
    let serve = Serve::start(&w.pki, &["--cert", "localhost-chain.pem", "--key", "localhost-key.pem"]);
    let port = port_of(&serve);

    assert_all(&judges(&w, &port, &go), false, "before install");
    let out = w.pki(&["trust", "install"]).ok();
    assert_eq!(lines(&out), store_lines(&w, "installed"), "{out}");
    assert_all(&judges(&w, &port, &go), true, "after install");
    let out = w.pki(&["trust", "uninstall"]).ok();
    assert_eq!(lines(&out), store_lines(&w, "removed"), "{out}");
    assert_all(&judges(&w, &port, &go), false, "after uninstall");
}

#[test]
fn install_and_uninstall_are_idempotent_and_dry_run_changes_nothing() {
    if !judges_present(&[]) {
        return;
    }
    let w = world();
    let fp = w.root_fp();
    let before = w.snapshot();
    let tree_before = w.tree_snapshot();
    let out = w.pki(&["trust", "install", "--dry-run"]).ok();
    assert_same(&w.snapshot(), &before, "install --dry-run changed the stores");
    let file = w.tree.join(format!("usr/local/share/ca-certificates/pki-{}.crt", &fp[..16]));
    assert!(out.contains(&format!("system: would install: write {}; run ", s(&file))), "{out}");
    assert!(out.contains("nss: would install: run ") && out.contains("java: would install: run "), "{out}");

    let first = w.pki(&["trust", "install", "--json"]).ok();
    let doc: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(doc["fingerprint_sha256"], fp.as_str());
    assert_eq!(doc["action"], "install");
    let results: Vec<&str> = doc["stores"].as_array().unwrap().iter().map(|s| s["result"].as_str().unwrap()).collect();
    assert_eq!(results, ["installed"; 3], "{first}");
    assert_eq!(std::fs::read(&file).map(|b| b.starts_with(b"-----BEGIN CERTIFICATE-----")).ok(), Some(true));

    let installed = w.snapshot();
    assert_eq!(lines(&w.pki(&["trust", "install"]).ok()), store_lines(&w, "already installed"));
    assert_same(&w.snapshot(), &installed, "a second install changed the stores");
    let out = w.pki(&["trust", "uninstall", "--dry-run"]).ok();
    assert!(
        out.contains(&format!("system: would remove: remove {}; run ", s(&file))) && out.contains("--fresh"),
        "{out}"
    );
    assert_same(&w.snapshot(), &installed, "uninstall --dry-run changed the stores");

    assert_eq!(lines(&w.pki(&["trust", "uninstall"]).ok()), store_lines(&w, "removed"));
    assert!(!file.exists());
    let removed = w.snapshot();
    assert_eq!(lines(&w.pki(&["trust", "uninstall"]).ok()), store_lines(&w, "not installed"));
    assert_same(&w.snapshot(), &removed, "a second uninstall changed the stores");
    // The system tree is back where it started, links and bundle included (NSS and
    // keytool rewrite their database files, so only their answers are compared above).
    assert_same(&w.tree_snapshot(), &tree_before, "install then uninstall left the system tree changed");
}

/// Without the rights to write the system tree, install fails (exit 1) with the sudo
/// command, and writes nothing. As root (CI), pki runs as `nobody` through setpriv, so the
/// kernel really refuses the write (a chmod does not stop root); otherwise the tree's
/// directories are made read-only.
#[test]
fn without_rights_the_system_store_fails_with_the_sudo_command() {
    if !judges_present(&["setpriv"]) {
        return;
    }
    let w = world();
    let anchors = w.tree.join("usr/local/share/ca-certificates");
    let before = w.snapshot();
    let root = text(&tool("id", &["-u"], w.pki.root()).stdout).trim() == "0";
    let inv = w.pki(&["trust", "install", "--store", "system"]);
    let out = if root {
        use std::os::unix::fs::PermissionsExt;
        for d in [w.pki.root(), &w.pki.ca_dir(), &w.pki.root().join("home")] {
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        inv.wrapped("setpriv", &["--reuid=nobody", "--regid=nogroup", "--clear-groups"]).output()
    } else {
        use std::os::unix::fs::PermissionsExt;
        for d in [&anchors, &w.tree.join("etc/ssl/certs")] {
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o555)).unwrap();
        }
        inv.output()
    };
    assert_eq!(out.status.code(), Some(1), "{}", both(&out));
    let bin = assert_cmd::cargo::cargo_bin("pki").canonicalize().unwrap();
    assert_eq!(
        lines(&text(&out.stdout)),
        [format!(
            "system: failed: cannot write to '{}': permission denied; run: sudo PKI_TRUST_ROOT={} {} --ca-dir {} trust install --store system",
            s(&anchors),
            s(&w.tree),
            s(&bin),
            s(&w.pki.ca_dir())
        )]
    );
    assert!(!text(&out.stderr).contains("error:"), "{}", both(&out));
    assert_same(&w.snapshot(), &before, "a refused install changed the tree");
    if !root {
        use std::os::unix::fs::PermissionsExt;
        for d in [&anchors, &w.tree.join("etc/ssl/certs")] {
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
}

#[test]
fn an_nss_database_without_certutil_fails_naming_the_package() {
    if !judges_present(&[]) {
        return;
    }
    let w = world();
    let empty = w.pki.root().join("empty-path");
    std::fs::create_dir_all(&empty).unwrap();
    let inv = w.pki(&["trust", "install", "--store", "nss"]).env("PATH", &empty);
    let out = inv.output();
    assert_eq!(out.status.code(), Some(1), "{}", both(&out));
    assert_eq!(
        lines(&text(&out.stdout)),
        [format!(
            "nss: failed: {}: certutil not found on PATH: install libnss3-tools (Fedora: nss-tools, Arch: nss)",
            s(&w.nssdb)
        )]
    );
    // A named --nss-db that is no database fails too, saying how to make one.
    let bare = w.pki.root().join("bare");
    std::fs::create_dir_all(&bare).unwrap();
    let out = w.pki(&["trust", "install", "--store", "nss", "--nss-db", s(&bare)]).output();
    assert_eq!(out.status.code(), Some(1), "{}", both(&out));
    assert!(text(&out.stdout).contains(&format!("nss: installed ({})", s(&w.nssdb))), "{}", both(&out));
    assert!(
        text(&out.stdout).contains(&format!("no NSS database in '{}' (no cert9.db or cert8.db)", s(&bare))),
        "{}",
        both(&out)
    );
}

#[test]
fn no_root_names_ca_init() {
    let pki = Pki::new();
    let err = pki.fails(1, &["trust", "install", "--store", "nss"]);
    assert!(err.contains("no CA in") && err.contains("run 'pki ca init' first"), "{err}");
    let err = pki.fails(1, &["trust", "env"]);
    assert!(err.contains("run 'pki ca init' first"), "{err}");
}

#[test]
fn status_reports_each_store_and_whether_the_root_is_constrained() {
    if !judges_present(&[]) {
        return;
    }
    let w = world();
    let fp = w.root_fp();
    w.pki(&["trust", "install", "--store", "nss"]).ok();
    let out = w.pki(&["trust", "status", "--json"]).output();
    let doc: serde_json::Value = serde_json::from_str(&expect_ok(&out, "status --json")).unwrap();
    let keys: Vec<&str> = doc.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(sorted(keys), ["fingerprint_sha256", "name_constrained", "root", "stores"]);
    assert_eq!(doc["root"], s(&w.pki.ca_dir().join("ca.pem")));
    assert_eq!(doc["fingerprint_sha256"], fp.as_str());
    assert_eq!(doc["name_constrained"], false);
    let stores: Vec<(String, String, bool)> = doc["stores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            assert_eq!(s.as_object().unwrap().len(), 3, "{s}");
            (
                s["store"].as_str().unwrap().into(),
                s["location"].as_str().unwrap().into(),
                s["installed"].as_bool().unwrap(),
            )
        })
        .collect();
    let file = w.tree.join(format!("usr/local/share/ca-certificates/pki-{}.crt", &fp[..16]));
    assert_eq!(
        stores,
        [
            ("system".into(), s(&file).into(), false),
            ("nss".into(), s(&w.nssdb).into(), true),
            ("java".into(), s(&w.jdk.join("lib/security/cacerts")).into(), false),
        ]
    );
    assert!(
        text(&out.stderr).contains(
            "warning: this root can sign certificates for any name, e.g. google.com; create a constrained one with `pki ca init --permit local`"
        ),
        "{}",
        both(&out)
    );

    // A root made with `ca init --permit local` is said to be constrained, without the
    // warning.
    let other = Pki::new();
    other.init(&["--permit", "local"]);
    let out =
        other.call(["trust", "status", "--json"]).env("PKI_TRUST_ROOT", &w.tree).env("JAVA_HOME", &w.jdk).output();
    let doc: serde_json::Value = serde_json::from_str(&expect_ok(&out, "status --json")).unwrap();
    assert_eq!(doc["name_constrained"], true);
    assert!(!text(&out.stderr).contains("any name"), "{}", both(&out));
}

/// `eval "$(pki trust env)"` makes curl, Python requests and Node accept the endpoint
/// without any flag of theirs; without it they refuse.
#[test]
fn env_lines_make_curl_requests_and_node_trust_the_root() {
    let bundle_file = Path::new("/etc/ssl/certs/ca-certificates.crt");
    if !(require("curl")
        && require("python3")
        && require("node")
        && require_file(bundle_file, "apt-get install ca-certificates"))
    {
        return;
    }
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["issue", "server", "--san", "localhost", "-q"]);
    let serve = Serve::start(&pki, &["--cert", "localhost-chain.pem", "--key", "localhost-key.pem"]);
    let url = format!("https://localhost:{}/", port_of(&serve));
    let bin = assert_cmd::cargo::cargo_bin("pki");
    let ca = pki.ca_dir();
    let clients: [(&str, Vec<&str>); 3] = [
        ("curl", vec!["curl", "-sS", "--max-time", "10", &url]),
        (
            "python3 requests",
            vec!["python3", "-c", "import requests, sys; print(requests.get(sys.argv[1], timeout=10).text)", &url],
        ),
        (
            "node",
            vec![
                "node",
                "-e",
                "require('https').get(process.argv[1], r => r.pipe(process.stdout)).on('error', e => { console.log(String(e)); process.exit(1) })",
                &url,
            ],
        ),
    ];
    for (name, argv) in &clients {
        for with_env in [false, true] {
            let prelude = if with_env { "eval \"$(\"$PKI\" --ca-dir \"$CA\" trust env)\" && " } else { "" };
            let mut a = vec!["-c".to_string(), format!("{prelude}exec \"$@\""), "bash".to_string()];
            a.extend(argv.iter().map(|s| s.to_string()));
            let a: Vec<&str> = a.iter().map(String::as_str).collect();
            let out = client("bash", &a, &[("PKI", &bin), ("CA", &ca)], &pki.work());
            let ok = out.status.success() && text(&out.stdout).contains(BODY);
            assert_eq!(ok, with_env, "{name} with_env={with_env}: {}", both(&out));
        }
    }
    // The bundle: the system's roots, then this root.
    let bundle = ca.join("trust-bundle.pem");
    let mut want = read_certs(Path::new("/etc/ssl/certs/ca-certificates.crt"));
    want.push(read_cert(&ca.join("ca.pem")));
    assert_eq!(read_certs(&bundle), want);
    assert_eq!(
        lines(&pki.ok(&["trust", "env", "--shell", "fish"])),
        [
            format!("set -gx SSL_CERT_FILE '{}'", s(&bundle)),
            format!("set -gx REQUESTS_CA_BUNDLE '{}'", s(&bundle)),
            format!("set -gx CURL_CA_BUNDLE '{}'", s(&bundle)),
            format!("set -gx NODE_EXTRA_CA_CERTS '{}'", s(&ca.join("ca.pem"))),
        ]
    );
}

/// Headless Chromium with `HOME` in this world, so it reads `$HOME/.pki/nssdb`; a fresh
/// profile (`n`) each time, every name resolved to 127.0.0.1.
fn chromium(w: &World, url: &str, n: u32) -> Output {
    let profile = w.pki.root().join(format!("chromium-profile-{n}"));
    let user_data = format!("--user-data-dir={}", s(&profile));
    let mut c = Command::new("chromium");
    c.args([
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        &user_data,
        "--host-resolver-rules=MAP * 127.0.0.1",
        "--dump-dom",
        url,
    ])
    .env("HOME", w.pki.root().join("home"))
    .current_dir(w.pki.work())
    .stdin(Stdio::null());
    run_bounded(c, b"", Duration::from_secs(90), "chromium --headless --dump-dom")
}

/// Chromium did not load the page, and said `error`.
fn chromium_refused(out: &Output, error: &str, when: &str) {
    assert!(!text(&out.stdout).contains(BODY), "{when}: chromium loaded the page: {}", both(out));
    assert!(text(&out.stderr).contains(error), "{when}: no {error}: {}", both(out));
}

/// Headless Chromium, which reads `$HOME/.pki/nssdb`, loads the page without a
/// certificate error once the root is in that database, and not before or after.
#[test]
fn chromium_trusts_the_root_through_the_nss_database() {
    if !judges_present(&["chromium"]) {
        return;
    }
    let w = world();
    let serve = Serve::start(&w.pki, &["--cert", "localhost-chain.pem", "--key", "localhost-key.pem"]);
    let url = format!("https://localhost:{}/", port_of(&serve));
    chromium_refused(&chromium(&w, &url, 1), "ERR_CERT_AUTHORITY_INVALID", "before install");
    w.pki(&["trust", "install", "--store", "nss"]).ok();
    let out = chromium(&w, &url, 2);
    assert!(text(&out.stdout).contains(BODY), "after install: {}", both(&out));
    assert!(!text(&out.stderr).contains("ERR_CERT"), "after install: {}", both(&out));
    w.pki(&["trust", "uninstall", "--store", "nss"]).ok();
    chromium_refused(&chromium(&w, &url, 3), "ERR_CERT_AUTHORITY_INVALID", "after uninstall");
}

/// Chromium enforces the name constraints of a root it trusts: with a `--permit local` root
/// in the NSS database, the leaf pki issued for `myapp.test` loads, and a leaf for
/// `example.com` made by openssl with the same CA key (pki refuses to make it) fails with
/// ERR_CERT_INVALID, not for want of trust.
#[test]
fn chromium_enforces_the_name_constraints_of_an_installed_root() {
    if !judges_present(&["chromium"]) {
        return;
    }
    let w = world_with(&["--permit", "local"]);
    w.pki.ok(&["issue", "server", "--san", "myapp.test", "-q"]);
    let err = w.pki.fails(1, &["issue", "server", "--san", "example.com", "-q"]);
    assert!(err.contains("example.com") && err.contains("outside the permitted names"), "{err}");
    let ca = w.pki.ca_dir();
    let outside = crate::name_constraints::openssl_leaf(
        &w.pki,
        "outside",
        "DNS:example.com",
        &ca.join("ca.pem"),
        &ca.join("ca-key.pem"),
        false,
    );
    let line = w.pki(&["trust", "install", "--store", "nss"]).ok();
    assert!(line.contains("nss: installed"), "{line}");
    let inside = Serve::start(&w.pki, &["--cert", "myapp.test-chain.pem", "--key", "myapp.test-key.pem"]);
    let out = chromium(&w, &format!("https://myapp.test:{}/", port_of(&inside)), 1);
    assert!(text(&out.stdout).contains(BODY), "in-constraint leaf: {}", both(&out));
    assert!(!text(&out.stderr).contains("ERR_CERT"), "in-constraint leaf: {}", both(&out));
    let bad = Serve::start(&w.pki, &["--cert", s(&outside), "--key", "outside-key.pem"]);
    let out = chromium(&w, &format!("https://example.com:{}/", port_of(&bad)), 2);
    chromium_refused(&out, "ERR_CERT_INVALID", "out-of-constraint leaf");
}

/// Runs `pki trust uninstall --store system` when dropped, so that a failed assertion
/// between install and uninstall never leaves the root in the machine's store.
struct Uninstall<'a>(&'a Pki);

impl Drop for Uninstall<'_> {
    fn drop(&mut self) {
        let _ = self.0.call(["trust", "uninstall", "--store", "system"]).output();
    }
}

/// The machine's own system store, only where PKI_TEST_REAL_SYSTEM_STORE=1 (CI: root, on a
/// throwaway machine), the way the user runs it: `ca init --permit local`, install,
/// curl with no --cacert accepts `myapp.test` and `127.0.0.1`, uninstall, and the bundle is
/// byte for byte what it was.
#[test]
fn real_system_store_install_and_uninstall_leave_the_bundle_as_it_was() {
    if std::env::var_os("PKI_TEST_REAL_SYSTEM_STORE").is_none_or(|v| v != "1") {
        eprintln!("SKIPPED: set PKI_TEST_REAL_SYSTEM_STORE=1 to change this machine's system store (.ci/run does)");
        return;
    }
    if !require("curl") {
        return;
    }
    let bundle = Path::new("/etc/ssl/certs/ca-certificates.crt");
    let before = std::fs::read(bundle).unwrap();
    let pki = Pki::new();
    pki.init(&["--permit", "local"]);
    pki.ok(&["issue", "server", "--san", "myapp.test,127.0.0.1", "-q"]);
    let serve = Serve::start(&pki, &["--cert", "myapp.test-chain.pem", "--key", "myapp.test-key.pem"]);
    let port = port_of(&serve);
    let (by_name, by_ip) = (format!("https://myapp.test:{port}/"), format!("https://127.0.0.1:{port}/"));
    let resolve = format!("myapp.test:{port}:127.0.0.1");
    let curl = |url: &str| client("curl", &["-sS", "--max-time", "10", "--resolve", &resolve, url], &[], &pki.work());
    assert!(!curl(&by_name).status.success(), "curl accepted the endpoint before install");
    let guard = Uninstall(&pki);
    let out = pki.call(["trust", "install", "--store", "system"]).ok();
    assert!(out.starts_with("system: installed (/usr/local/share/ca-certificates/pki-"), "{out}");
    let accepted = [curl(&by_name), curl(&by_ip)];
    // Debian's ca-certificates-java hook feeds Java's cacerts from the system store.
    let java_fed = Path::new("/etc/ca-certificates/update.d/jks-keystore").exists() && require("keytool");
    let in_java = || {
        let doc = pki.json(&["trust", "status"]);
        doc["stores"].as_array().unwrap().iter().any(|s| s["store"] == "java" && s["installed"] == true)
    };
    let java_after_install = java_fed && in_java();
    let out = pki.call(["trust", "uninstall", "--store", "system"]).ok();
    std::mem::forget(guard);
    assert!(out.starts_with("system: removed ("), "{out}");
    for a in &accepted {
        assert!(a.status.success() && text(&a.stdout).contains(BODY), "{}", both(a));
    }
    assert!(!curl(&by_name).status.success(), "curl accepted the endpoint after uninstall");
    assert!(std::fs::read(bundle).unwrap() == before, "the system bundle differs from before install");
    if java_fed {
        assert!(java_after_install, "the ca-certificates-java hook did not put the root into Java's cacerts");
        assert!(!in_java(), "the root stayed in Java's cacerts after uninstall (the hook was not told)");
    }
}
