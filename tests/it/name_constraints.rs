//! Name constraints (`ca init --permit/--exclude`, issue 15), judged by the clients that
//! enforce them: OpenSSL, GnuTLS, Go, NSS and Python's `ssl` accept a leaf pki issues
//! inside the constraints and refuse one made outside them with openssl from the same CA
//! key (pki itself refuses to make it). pki's own refusals: exit 1, a message naming the
//! SAN and the constraint, nothing written. pkilint judges the CA certificates.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::common::*;

/// The CN of every root here, so messages can be asserted whole.
const ROOT_CN: &str = "NC Test Root";

/// One leaf for the judges: trust `root`, present `chain` (leaf first) with `key`, for `name`.
struct Case {
    what: &'static str,
    root: PathBuf,
    chain: PathBuf,
    key: PathBuf,
    name: &'static str,
    valid: bool,
}

/// A leaf made with openssl from `ca_cert`/`ca_key`, whatever pki would say: `STEM.pem`,
/// `STEM-key.pem` and `STEM-chain.pem` (the leaf then `ca_cert` unless it is the root) in
/// the working directory.
pub(crate) fn openssl_leaf(
    pki: &Pki,
    stem: &str,
    san: &str,
    ca_cert: &Path,
    ca_key: &Path,
    intermediate: bool,
) -> PathBuf {
    let dir = pki.work();
    let (key, csr, cert) = (format!("{stem}-key.pem"), format!("{stem}.csr"), format!("{stem}.pem"));
    openssl_ok(&dir, &["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", &key]);
    openssl_ok(&dir, &["req", "-new", "-key", &key, "-subj", &format!("/CN={stem}"), "-out", &csr]);
    let ext = format!("{stem}.ext");
    std::fs::write(dir.join(&ext), server_leaf_ext(san).join("\n") + "\n").unwrap();
    openssl_ok(
        &dir,
        &[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            s(ca_cert),
            "-CAkey",
            s(ca_key),
            "-days",
            "30",
            "-extfile",
            &ext,
            "-out",
            &cert,
        ],
    );
    let mut chain = std::fs::read_to_string(dir.join(&cert)).unwrap();
    if intermediate {
        chain.push_str(&std::fs::read_to_string(ca_cert).unwrap());
    }
    std::fs::write(dir.join(format!("{stem}-chain.pem")), chain).unwrap();
    dir.join(format!("{stem}-chain.pem"))
}

fn root_files(pki: &Pki) -> (PathBuf, PathBuf) {
    (pki.ca_dir().join("ca.pem"), pki.ca_dir().join("ca-key.pem"))
}

/// Three CAs and their leaves: a `--permit local` root, a root permitting `example.test`
/// only (so IP is closed), and a plain root under an intermediate permitting `example.test`.
fn cases() -> (Vec<Pki>, Vec<Case>) {
    let mut cases = Vec::new();
    let case = |what, root: &Path, chain: PathBuf, name, valid| Case {
        what,
        root: root.to_path_buf(),
        key: PathBuf::from(s(&chain).replace("-chain.pem", "-key.pem")),
        chain,
        name,
        valid,
    };

    let local = Pki::new();
    local.init(&["--cn", ROOT_CN, "--permit", "local"]);
    let (root, key) = root_files(&local);
    local.ok(&["issue", "server", "--san", "app.test,127.0.0.1", "-q"]);
    cases.push(case("local: pki's app.test", &root, local.path("app.test-chain.pem"), "app.test", true));
    cases.push(case("local: pki's 127.0.0.1", &root, local.path("app.test-chain.pem"), "127.0.0.1", true));
    let out = openssl_leaf(&local, "google", "DNS:google.com", &root, &key, false);
    cases.push(case("local: openssl's google.com", &root, out, "google.com", false));
    let out = openssl_leaf(&local, "dns8", "IP:8.8.8.8", &root, &key, false);
    cases.push(case("local: openssl's 8.8.8.8", &root, out, "8.8.8.8", false));

    let one = Pki::new();
    one.init(&["--cn", ROOT_CN, "--permit", "example.test"]);
    let (root, key) = root_files(&one);
    one.ok(&["issue", "server", "--san", "www.example.test", "-q"]);
    cases.push(case(
        "example.test: pki's www.example.test",
        &root,
        one.path("www.example.test-chain.pem"),
        "www.example.test",
        true,
    ));
    let out = openssl_leaf(&one, "outside", "DNS:www.google.com", &root, &key, false);
    cases.push(case("example.test: openssl's www.google.com", &root, out, "www.google.com", false));
    // The closing of IP: without the excluded 0.0.0.0/0, OpenSSL and Go accept this.
    let out = openssl_leaf(&one, "ip", "IP:8.8.8.8", &root, &key, false);
    cases.push(case("example.test: openssl's 8.8.8.8 (IP closed)", &root, out, "8.8.8.8", false));

    let inter = Pki::new();
    inter.init(&["--cn", ROOT_CN]);
    inter.ok(&["ca", "intermediate", "--name", "web", "--permit", "example.test", "-q"]);
    let (root, _) = root_files(&inter);
    let web = inter.ca_dir().join("intermediates/web");
    inter.ok(&["issue", "server", "--issuer", "web", "--san", "api.example.test", "-q"]);
    cases.push(case(
        "intermediate: pki's api.example.test",
        &root,
        inter.path("api.example.test-chain.pem"),
        "api.example.test",
        true,
    ));
    let out = openssl_leaf(&inter, "evil", "DNS:www.google.com", &web.join("ca.pem"), &web.join("ca-key.pem"), true);
    cases.push(case("intermediate: openssl's www.google.com", &root, out, "www.google.com", false));
    (vec![local, one, inter], cases)
}

/// Ask `judge` about every case; fail listing every case it got wrong.
fn judged(tool_name: &str, judge: impl Fn(&Case, &Path) -> (bool, String)) {
    if !require(tool_name) {
        return;
    }
    let (worlds, cases) = cases();
    let scratch = worlds[0].root().join("judge");
    std::fs::create_dir_all(&scratch).unwrap();
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            let (accepted, said) = judge(c, &scratch);
            (accepted != c.valid).then(|| {
                format!(
                    "{}: expected {}, {tool_name} said: {said}",
                    c.what,
                    if c.valid { "accepted" } else { "refused" }
                )
            })
        })
        .collect();
    assert!(wrong.is_empty(), "{tool_name} disagrees:\n{}", wrong.join("\n"));
}

#[test]
fn openssl_enforces_the_constraints() {
    judged("openssl", |c, dir| {
        let name_flag = if c.name.parse::<std::net::IpAddr>().is_ok() { "-verify_ip" } else { "-verify_hostname" };
        run_tool(
            "openssl",
            &[
                "verify",
                "-CAfile",
                s(&c.root),
                "-untrusted",
                s(&c.chain),
                "-purpose",
                "sslserver",
                name_flag,
                c.name,
                s(&c.chain),
            ],
            dir,
        )
    });
}

#[test]
fn gnutls_enforces_the_constraints() {
    judged("certtool", |c, dir| {
        let (ok, said) =
            run_tool("certtool", &["--verify", "--load-ca-certificate", s(&c.root), "--infile", s(&c.chain)], dir);
        (ok && said.contains("Chain verification output: Verified."), said)
    });
}

#[test]
fn go_enforces_the_constraints() {
    if !require("go") {
        return;
    }
    let bin = std::env::temp_dir().join(format!("pki-go-verify-{}", std::process::id()));
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/verify");
    let mut build = std::process::Command::new("go");
    build
        .args(["build", "-o", s(&bin), "."])
        .current_dir(&src)
        .env("GOFLAGS", "-mod=mod")
        .env("GOPROXY", "off")
        .stdin(Stdio::null());
    let out = run_bounded(build, &[], std::time::Duration::from_secs(300), "go build tests/go/verify");
    assert!(out.status.success(), "go build failed:\n{}", both(&out));
    judged("go", |c, dir| run_tool(s(&bin), &[s(&c.root), s(&c.chain), c.name], dir));
    let _ = std::fs::remove_file(&bin);
}

#[test]
fn nss_enforces_the_constraints() {
    judged("certutil", |c, dir| {
        // A fresh database per case: the root trusted for TLS servers, the rest untrusted.
        let db = tempfile::tempdir_in(dir).unwrap();
        let db = format!("sql:{}", db.path().display());
        let must = |args: &[&str]| {
            let (ok, said) = run_tool("certutil", args, dir);
            assert!(ok, "certutil {args:?}: {said}");
        };
        must(&["-N", "-d", &db, "--empty-password"]);
        must(&["-A", "-d", &db, "-n", "root", "-t", "C,,", "-i", s(&c.root)]);
        for (i, der) in read_certs(&c.chain).iter().enumerate().rev() {
            let file = dir.join(format!("part{i}.pem"));
            std::fs::write(&file, pem_wrap("CERTIFICATE", der)).unwrap();
            must(&["-A", "-d", &db, "-n", &format!("c{i}"), "-t", ",,", "-i", s(&file)]);
        }
        run_tool("certutil", &["-V", "-d", &db, "-u", "V", "-n", "c0"], dir)
    });
}

/// A TLS handshake over a socket pair: the server presents the chain, the client trusts
/// only the root and checks the name (Python's `ssl`, on the system's OpenSSL).
const PYTHON_HANDSHAKE: &str = r#"
import socket, ssl, sys, threading
root, chain, key, name = sys.argv[1:5]
srv = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
srv.load_cert_chain(chain, key)
cli = ssl.create_default_context(cafile=root)
a, b = socket.socketpair()
a.settimeout(20); b.settimeout(20)
def serve():
    try:
        srv.wrap_socket(a, server_side=True)
    except Exception:
        pass
threading.Thread(target=serve, daemon=True).start()
try:
    cli.wrap_socket(b, server_hostname=name)
    print("ok")
except ssl.SSLCertVerificationError as e:
    print("refused:", e.verify_message)
    sys.exit(1)
"#;

#[test]
fn python_ssl_enforces_the_constraints() {
    judged("python3", |c, dir| {
        run_tool("python3", &["-c", PYTHON_HANDSHAKE, s(&c.root), s(&c.chain), s(&c.key), c.name], dir)
    });
}

#[test]
fn pki_verify_reports_name_constraint_violation() {
    let pki = Pki::new();
    pki.init(&["--cn", ROOT_CN, "--permit", "example.test"]);
    let (root, key) = root_files(&pki);
    openssl_leaf(&pki, "outside", "DNS:www.google.com", &root, &key, false);
    let doc: serde_json::Value =
        serde_json::from_str(&text(&pki.call(["verify", "outside.pem", "--json"]).output().stdout)).unwrap();
    let out = pki.call(["verify", "outside.pem"]).output();
    assert_eq!(out.status.code(), Some(3), "{}", both(&out));
    let out = text(&out.stdout);
    assert_eq!(doc["valid"], false);
    assert_eq!(doc["errors"][0]["code"], "name_constraint_violation", "{doc}");
    assert_eq!(
        doc["errors"][0]["message"],
        format!("SAN 'www.google.com' is outside the permitted names of '{ROOT_CN}' (permitted: DNS example.test)")
    );
    assert!(out.contains("name_constraint_violation: SAN 'www.google.com' is outside"), "{out}");
    pki.ok(&["issue", "server", "--san", "www.example.test", "-q"]);
    pki.ok(&["verify", "www.example.test.pem", "--host", "www.example.test"]);
}

/// Run a pki command that must be refused for its names: exit 1, exactly `message` as the
/// error line, and no file written in the working directory.
fn refused(pki: &Pki, args: &[&str], message: &str) {
    let before = pki.work_files();
    let err = pki.fails(1, args);
    assert_eq!(err.lines().next().unwrap_or(""), format!("error: {message}; nothing was written"), "{args:?}");
    assert!(err.contains("hint: "), "{err}");
    assert_eq!(pki.work_files(), before, "{args:?} wrote files");
}

#[test]
fn pki_refuses_to_issue_outside_the_constraints() {
    let pki = Pki::new();
    pki.init(&["--cn", ROOT_CN, "--permit", "local", "--exclude", "secret.test"]);
    let local = "DNS localhost, DNS test, DNS internal, DNS home.arpa, DNS lan";
    refused(
        &pki,
        &["issue", "server", "--san", "google.com"],
        &format!("SAN 'google.com' is outside the permitted names of '{ROOT_CN}' (permitted: {local})"),
    );
    refused(
        &pki,
        &["issue", "server", "--san", "app.test,nottest"],
        &format!("SAN 'nottest' is outside the permitted names of '{ROOT_CN}' (permitted: {local})"),
    );
    refused(
        &pki,
        &["issue", "peer", "--san", "db.secret.test"],
        &format!("SAN 'db.secret.test' is inside the excluded names of '{ROOT_CN}' (excluded: DNS secret.test)"),
    );
    refused(
        &pki,
        &["issue", "server", "--san", "*.test"],
        &format!(
            "SAN '*.test' could match 'secret.test', inside the excluded names of '{ROOT_CN}' (excluded: DNS secret.test); clients would accept it for that name"
        ),
    );
    refused(
        &pki,
        &["issue", "client", "--cn", "alice", "--san", "alice@example.com"],
        &format!(
            "SAN 'alice@example.com' is outside the permitted names of '{ROOT_CN}' (permitted: email @pki.invalid)"
        ),
    );
    refused(
        &pki,
        &["issue", "client", "--cn", "alice.example.com"],
        &format!("CN 'alice.example.com' is outside the permitted names of '{ROOT_CN}' (permitted: {local})"),
    );
    refused(
        &pki,
        &["issue", "server", "--san", "8.8.8.8"],
        &format!(
            "SAN '8.8.8.8' is outside the permitted names of '{ROOT_CN}' (permitted: IP 127.0.0.0/8, IP ::1/128, IP 10.0.0.0/8, IP 172.16.0.0/12, IP 192.168.0.0/16, IP fc00::/7)"
        ),
    );
    pki.ok(&["issue", "server", "--san", "app.test,*.web.test,192.168.1.10,fd00::1", "-q"]);

    // sign: the request's names are checked as issue's are.
    pki.ok(&["csr", "--cn", "google.com", "--san", "google.com", "-q"]);
    refused(
        &pki,
        &["sign", "google.com.csr", "--profile", "server"],
        &format!("SAN 'google.com' is outside the permitted names of '{ROOT_CN}' (permitted: {local})"),
    );
}

#[test]
fn a_wildcard_that_could_match_an_excluded_name_is_refused() {
    let pki = Pki::new();
    pki.init(&["--cn", ROOT_CN, "--permit", "example.test", "--exclude", "secret.example.test"]);
    let msg = |san: &str, ex: &str| {
        format!(
            "SAN '{san}' could match '{ex}', inside the excluded names of '{ROOT_CN}' (excluded: DNS secret.example.test); clients would accept it for that name"
        )
    };
    refused(&pki, &["issue", "server", "--san", "*.example.test"], &msg("*.example.test", "secret.example.test"));
    refused(
        &pki,
        &["issue", "server", "--san", "*.secret.example.test"],
        &msg("*.secret.example.test", "anything.secret.example.test"),
    );
    // IP is closed by --permit example.test: no IP SAN at all.
    refused(
        &pki,
        &["issue", "server", "--san", "www.example.test,8.8.8.8"],
        &format!("SAN '8.8.8.8' is inside the excluded names of '{ROOT_CN}' (excluded: IP 0.0.0.0/0)"),
    );
    pki.ok(&["issue", "server", "--san", "*.web.example.test", "-q"]);
    assert!(pki.path("_wildcard.web.example.test.pem").exists());
}

#[test]
fn intermediates_are_checked_against_the_root_and_their_own_constraints() {
    let pki = Pki::new();
    pki.init(&["--cn", ROOT_CN, "--permit", "local"]);
    let err = pki.fails(1, &["ca", "intermediate", "--name", "web", "--permit", "test,example.com"]);
    assert_eq!(
        err.lines().next().unwrap(),
        format!(
            "error: --permit entry 'DNS example.com' is outside the permitted names of '{ROOT_CN}' (permitted: DNS localhost, DNS test, DNS internal, DNS home.arpa, DNS lan); nothing was written"
        )
    );
    let err = pki.fails(1, &["ca", "intermediate", "--name", "web", "--permit", "10.0.0.0/7"]);
    assert!(err.contains("--permit entry 'IP 10.0.0.0/7' is outside the permitted names"), "{err}");
    assert!(!pki.ca_dir().join("intermediates/web").exists(), "a refused intermediate left files");

    pki.ok(&["ca", "intermediate", "--name", "web", "--permit", "web.test", "-q"]);
    let web = "pki Intermediate CA web";
    refused(
        &pki,
        &["issue", "server", "--issuer", "web", "--san", "app.test"],
        &format!("SAN 'app.test' is outside the permitted names of '{web}' (permitted: DNS web.test)"),
    );
    // The root's constraints apply too (the intermediate closes IP itself here).
    pki.ok(&["ca", "intermediate", "--name", "open", "-q"]);
    refused(
        &pki,
        &["issue", "server", "--issuer", "open", "--san", "google.com"],
        &format!(
            "SAN 'google.com' is outside the permitted names of '{ROOT_CN}' (permitted: DNS localhost, DNS test, DNS internal, DNS home.arpa, DNS lan)"
        ),
    );
    pki.ok(&["issue", "server", "--issuer", "web", "--san", "a.web.test", "-q"]);

    // renew: a leaf issued before its intermediate was narrowed is refused on renewal.
    pki.ok(&["issue", "server", "--issuer", "open", "--san", "shop.test", "-q"]);
    pki.ok(&["ca", "intermediate", "--name", "open", "--force", "--permit", "web.test", "-q"]);
    refused(
        &pki,
        &["renew", "shop.test.pem", "--force"],
        "SAN 'shop.test' is outside the permitted names of 'pki Intermediate CA open' (permitted: DNS web.test)",
    );
}

#[test]
fn bad_entries_are_usage_errors_naming_the_fix() {
    let pki = Pki::new();
    for (entry, says) in [
        ("10.0.0.0/33", "the prefix length of '10.0.0.0/33' must be a number from 0 to 32"),
        ("*.x", "no wildcards: 'x' already covers every name under it; write 'x'"),
        (".test", "write 'test'"),
        ("a,,b", "empty entry"),
        ("10.0.0.1/8", "has host bits set; write '10.0.0.0/8'"),
        ("8.8.8.8", "write '8.8.8.8/32'"),
    ] {
        let err = pki.fails(2, &["ca", "init", "--permit", entry]);
        assert!(err.contains("for '--permit <LIST>'") && err.contains(says), "{entry}: {err}");
    }
    let err = pki.fails(2, &["ca", "init", "--exclude", "local"]);
    assert!(err.contains("'local' is a preset for --permit only"), "{err}");
    assert!(!pki.ca_dir().exists(), "a refused init left a CA directory");
}

#[test]
fn the_extension_is_critical_and_closes_what_permit_leaves_open() {
    let pki = Pki::new();
    pki.init(&["--permit", "example.test"]);
    let der = read_cert(&pki.ca_dir().join("ca.pem"));
    let cert = parse(&der);
    let ext = cert.get_extension_unique(&x509_parser::oid_registry::OID_X509_EXT_NAME_CONSTRAINTS).unwrap().unwrap();
    assert!(ext.critical, "RFC 5280 4.2.1.10: conforming CAs MUST mark it critical");
    let x509_parser::extensions::ParsedExtension::NameConstraints(nc) = ext.parsed_extension() else {
        panic!("not parsed")
    };
    let names = |l: &Option<Vec<x509_parser::extensions::GeneralSubtree<'_>>>| -> Vec<String> {
        let name = |g: &x509_parser::extensions::GeneralName<'_>| match g {
            x509_parser::extensions::GeneralName::IPAddress(b) => format!("IP:{b:?}"),
            other => general_name(other),
        };
        l.iter().flatten().map(|s| name(&s.base)).collect()
    };
    assert_eq!(names(&nc.permitted_subtrees), ["DNS:example.test", "email:pki.invalid", "URI:pki.invalid"]);
    assert_eq!(names(&nc.excluded_subtrees), [format!("IP:{:?}", [0u8; 8]), format!("IP:{:?}", [0u8; 32])]);
}

#[test]
fn inspect_shows_the_constraints_typed() {
    let pki = Pki::new();
    pki.init(&["--permit", "example.test,10.0.0.0/8,@example.com", "--exclude", "secret.example.test"]);
    let ca = s(&pki.ca_dir().join("ca.pem")).to_string();
    let out = pki.ok(&["inspect", &ca]);
    assert!(
        out.contains(
            "  permitted names DNS example.test, IP 10.0.0.0/8, email @example.com, URI pki.invalid (critical)\n"
        ),
        "{out}"
    );
    assert!(out.contains("  excluded names  DNS secret.example.test\n"), "{out}");
    let doc = pki.json(&["inspect", &ca]);
    assert_eq!(
        doc[0]["name_constraints"],
        serde_json::json!({
            "permitted": [
                {"type": "dns", "value": "example.test"},
                {"type": "ip", "value": "10.0.0.0/8"},
                {"type": "email", "value": "example.com"},
                {"type": "uri", "value": "pki.invalid"}
            ],
            "excluded": [{"type": "dns", "value": "secret.example.test"}]
        })
    );
    pki.ok(&["issue", "server", "--san", "www.example.test", "-q"]);
    assert!(pki.json(&["inspect", "www.example.test.pem"])[0].get("name_constraints").is_none());
}

#[test]
fn pkilint_finds_no_errors_in_constrained_cas() {
    if !require("lint_pkix_cert") {
        return;
    }
    let pki = Pki::new();
    pki.init(&["--permit", "example.test,10.0.0.0/8,@example.test"]);
    pki.ok(&[
        "ca",
        "intermediate",
        "--name",
        "web",
        "--permit",
        "web.example.test,10.0.0.0/8,@example.test",
        "--exclude",
        "secret.web.example.test",
        "-q",
    ]);
    for cert in [pki.ca_dir().join("ca.pem"), pki.ca_dir().join("intermediates/web/ca.pem")] {
        let bad: Vec<String> = crate::interop_openssl::pkilint(&pki, &cert)
            .into_iter()
            .filter(|f| matches!(f.severity.as_str(), "ERROR" | "FATAL"))
            .map(|f| format!("{} {}: {} @ {}", f.severity, f.code, f.message, f.node))
            .collect();
        assert!(bad.is_empty(), "pkilint on {}:\n{}", cert.display(), bad.join("\n"));
    }
    // The local preset: pkilint calls its single-label names (localhost, test, internal,
    // lan) invalid domain names, as it does for a localhost SAN; nothing else.
    let local = Pki::new();
    local.init(&["--permit", "local"]);
    let findings = crate::interop_openssl::pkilint(&local, &local.ca_dir().join("ca.pem"));
    let bad: Vec<String> = findings
        .iter()
        .filter(|f| matches!(f.severity.as_str(), "ERROR" | "FATAL"))
        .filter(|f| {
            let single = ["localhost", "test", "internal", "lan"]
                .iter()
                .any(|n| f.message == format!("Invalid domain name syntax: \"{n}\""));
            !(f.code == "pkix.invalid_domain_name_syntax" && single)
        })
        .map(|f| format!("{} {}: {} @ {}", f.severity, f.code, f.message, f.node))
        .collect();
    assert!(bad.is_empty(), "pkilint on the local root:\n{}", bad.join("\n"));
}
