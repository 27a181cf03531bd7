//! CA keys in a PKCS#11 token (SoftHSM2): made there, used there, never on disk. What pki
//! signs with a token key is judged by openssl (chains, CRL, a real mTLS handshake) and
//! pkilint; each way of failing (PIN, token, module, object, URI) is an exit 1 that names
//! the culprit.

use std::path::{Path, PathBuf};

use crate::common::{Invocation, Pki, openssl_ok, require, require_file, text, tool};
use crate::interop_openssl::{SServer, assert_lint_clean, client_args, s_client};

/// SoftHSM2's module, as Debian installs it.
pub(crate) const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
/// The user PIN of every test token.
pub(crate) const PIN: &str = "1234";

/// A throwaway SoftHSM2 token store with one initialised token: its own config file, its
/// own token directory, removed with the test.
pub(crate) struct SoftHsm {
    pub dir: tempfile::TempDir,
    pub label: String,
}

impl SoftHsm {
    /// A token labelled `label`; None (the test returns) only when softhsm2 is missing and
    /// PKI_ALLOW_MISSING_TOOLS=1.
    pub(crate) fn new(label: &str) -> Option<SoftHsm> {
        if !require("softhsm2-util") || !require_file(Path::new(MODULE), "apt-get install softhsm2") {
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("tokens")).unwrap();
        let conf = format!(
            "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
            dir.path().join("tokens").display()
        );
        std::fs::write(dir.path().join("softhsm2.conf"), conf).unwrap();
        let hsm = SoftHsm { dir, label: label.to_string() };
        let out =
            hsm.tool("softhsm2-util", &["--init-token", "--free", "--label", label, "--so-pin", "4321", "--pin", PIN]);
        assert!(out.status.success(), "softhsm2-util --init-token: {}", text(&out.stderr));
        Some(hsm)
    }

    /// SOFTHSM2_CONF for this store.
    pub(crate) fn conf(&self) -> PathBuf {
        self.dir.path().join("softhsm2.conf")
    }

    /// `pkcs11:token=LABEL;object=OBJECT`.
    pub(crate) fn uri(&self, object: &str) -> String {
        format!("pkcs11:token={};object={object}", self.label)
    }

    /// `pki ARGS` in `pki`'s world, seeing this token (PIN from PKI_PKCS11_PIN, module from
    /// PKI_PKCS11_MODULE).
    pub(crate) fn pki(&self, pki: &Pki, args: &[&str]) -> Invocation {
        self.pki_no_pin(pki, args).env("PKI_PKCS11_PIN", PIN)
    }

    /// `pki ARGS` seeing this token, with no PIN given.
    pub(crate) fn pki_no_pin(&self, pki: &Pki, args: &[&str]) -> Invocation {
        pki.call(args).env("SOFTHSM2_CONF", self.conf()).env("PKI_PKCS11_MODULE", MODULE)
    }

    /// An outside tool with SOFTHSM2_CONF set.
    pub(crate) fn tool(&self, program: &str, args: &[&str]) -> std::process::Output {
        let mut c = std::process::Command::new("timeout");
        c.arg("60").arg(program).args(args).env("SOFTHSM2_CONF", self.conf()).stdin(std::process::Stdio::null());
        c.output().unwrap_or_else(|e| panic!("{program}: {e}"))
    }

    /// The token's objects as `pkcs11-tool --login -O` describes them, one text each.
    pub(crate) fn objects(&self) -> Vec<String> {
        let out = self
            .tool("pkcs11-tool", &["--module", MODULE, "--token-label", &self.label, "--login", "--pin", PIN, "-O"]);
        assert!(out.status.success(), "pkcs11-tool -O: {}", text(&out.stderr));
        let mut objects: Vec<String> = Vec::new();
        for line in text(&out.stdout).lines() {
            match objects.last_mut() {
                Some(o) if line.starts_with(' ') => o.push_str(&format!("{line}\n")),
                _ => objects.push(format!("{line}\n")),
            }
        }
        objects
    }

    /// The labels of the token's objects, one per object.
    pub(crate) fn labels(&self) -> Vec<String> {
        let objects = self.objects();
        objects
            .iter()
            .flat_map(|o| o.lines())
            .filter_map(|l| l.trim().strip_prefix("label:"))
            .map(|l| l.trim().to_string())
            .collect()
    }
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() { out.extend(files_under(&p)) } else { out.push(p) }
    }
    out
}

/// No private key, no PIN and no ca-key.pem anywhere under the CA directory.
fn assert_no_secret_on_disk(pki: &Pki) {
    for f in files_under(&pki.ca_dir()) {
        let body = std::fs::read(&f).unwrap();
        let t = String::from_utf8_lossy(&body);
        assert!(!t.contains("PRIVATE KEY"), "{} holds a private key", f.display());
        assert!(!t.contains("pin-value") && !t.contains(&format!("={PIN}")), "{} holds the PIN", f.display());
        assert_ne!(f.file_name().unwrap(), "ca-key.pem", "{} exists", f.display());
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn a_ca_in_a_token_signs_leaves_and_crls_that_openssl_pkilint_and_tls_accept() {
    let Some(hsm) = SoftHsm::new("ca") else { return };
    if !require("openssl") || !require("lint_pkix_cert") || !require("pkcs11-tool") {
        return;
    }
    let pki = Pki::new();
    hsm.pki(&pki, &["ca", "init", "-q", "--key-uri", &hsm.uri("root"), "--pkcs11-module", MODULE]).ok();
    let uri = std::fs::read_to_string(pki.ca_dir().join("ca-key.uri")).unwrap();
    assert!(uri.starts_with("pkcs11:token=ca;object=root;id=%"), "{uri}");
    assert!(uri.trim_end().ends_with(&format!("type=private?module-path={MODULE}")), "{uri}");
    // Intermediates in the token too: P-384 and RSA-2048.
    for (name, kt) in [("p384", "ecdsa-p384"), ("rsa", "rsa-2048")] {
        let args = ["ca", "intermediate", "-q", "--name", name, "--key-type", kt, "--key-uri", &hsm.uri(name)];
        hsm.pki(&pki, &args).ok();
        assert!(pki.ca_dir().join(format!("intermediates/{name}/ca-key.uri")).is_file());
    }
    let leaves: [(&str, &[&str], Option<&str>); 5] = [
        ("localhost", &["issue", "server", "--san", "localhost,127.0.0.1"], None),
        ("alice", &["issue", "client", "--cn", "alice"], None),
        ("peer.test", &["issue", "peer", "--san", "peer.test"], None),
        ("srv.test", &["issue", "server", "--san", "srv.test"], Some("p384")),
        ("bob", &["issue", "client", "--cn", "bob"], Some("rsa")),
    ];
    let ca = pki.ca_dir().join("ca.pem");
    for (name, args, issuer) in leaves {
        let mut a = args.to_vec();
        a.push("-q");
        if let Some(i) = issuer {
            a.extend(["--issuer", i]);
        }
        hsm.pki(&pki, &a).ok();
        let leaf = pki.path(&format!("{name}.pem"));
        let mut verify = vec!["verify", "-x509_strict", "-CAfile", s(&ca)];
        let untrusted = issuer.map(|i| pki.ca_dir().join(format!("intermediates/{i}/ca.pem")));
        if let Some(u) = &untrusted {
            verify.extend(["-untrusted", s(u)]);
        }
        verify.push(s(&leaf));
        assert!(openssl_ok(&pki.work(), &verify).contains(": OK"), "{name}");
        // "localhost" is a single-label name, which pkilint flags (as interop_openssl.rs allows).
        let allowed: &[&str] = if name == "localhost" { &["pkix.invalid_domain_name_syntax"] } else { &[] };
        assert_lint_clean(&pki, name, &leaf, allowed);
    }
    // A CRL signed in the token lists the revoked leaf.
    hsm.pki_no_pin(&pki, &["revoke", "-q", s(&pki.path("peer.test.pem"))]).ok();
    hsm.pki(&pki, &["crl", "-q"]).ok();
    let crl = pki.ca_dir().join("crl.pem");
    let out = tool(
        "openssl",
        &["verify", "-crl_check", "-CAfile", s(&ca), "-CRLfile", s(&crl), "peer.test.pem"],
        &pki.work(),
    );
    assert!(text(&out.stdout).contains("certificate revoked") || text(&out.stderr).contains("certificate revoked"));
    let ok = ["verify", "-x509_strict", "-crl_check", "-CAfile", s(&ca), "-CRLfile", s(&crl), "alice.pem"];
    assert!(openssl_ok(&pki.work(), &ok).contains("alice.pem: OK"));

    // A real mTLS handshake with the token-signed server and client leaves.
    let server_args = [
        "-cert",
        "localhost.pem",
        "-key",
        "localhost-key.pem",
        "-Verify",
        "1",
        "-verify_return_error",
        "-CAfile",
        s(&ca),
    ];
    let server = SServer::start(&pki.work(), &server_args);
    let client = client_args(s(&ca), "localhost", &["-cert", "alice.pem", "-key", "alice-key.pem"]);
    let (ok, said) = s_client(&pki.work(), server.port, &client);
    let log = server.finish();
    assert!(ok && said.contains("Verify return code: 0 (ok)"), "{said}\n{log}");
    assert!(log.contains("CN = alice"), "{log}");

    // Nothing secret under the CA directory, and the token refuses to export the key.
    assert_no_secret_on_disk(&pki);
    let private =
        hsm.objects().into_iter().find(|o| o.starts_with("Private Key Object") && o.contains("label:      root\n"));
    let private = private.expect("the root's private key object");
    let access = private.lines().find(|l| l.trim().starts_with("Access:")).unwrap_or_default();
    assert!(access.contains("sensitive") && access.contains("never extractable"), "{private}");
    let usage = private.lines().find(|l| l.trim().starts_with("Usage:")).unwrap_or_default();
    assert_eq!(usage.trim(), "Usage:      sign", "a CA key signs only:\n{private}");
}

#[test]
fn a_file_root_signs_a_token_intermediate_and_a_token_rsa_root_works() {
    let Some(hsm) = SoftHsm::new("mix") else { return };
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    pki.init(&[]);
    hsm.pki(&pki, &["ca", "intermediate", "-q", "--name", "t", "--key-uri", &hsm.uri("t")]).ok();
    hsm.pki(&pki, &["issue", "server", "-q", "--san", "a.test", "--issuer", "t"]).ok();
    let ca = pki.ca_dir().join("ca.pem");
    let inter = pki.ca_dir().join("intermediates/t/ca.pem");
    let verify = ["verify", "-x509_strict", "-CAfile", s(&ca), "-untrusted", s(&inter), "a.test.pem"];
    assert!(openssl_ok(&pki.work(), &verify).contains("a.test.pem: OK"));

    let rsa = Pki::new();
    let args = ["ca", "init", "-q", "--key-type", "rsa-2048", "--key-uri", &hsm.uri("rsa-root")];
    hsm.pki(&rsa, &args).ok();
    hsm.pki(&rsa, &["issue", "client", "-q", "--cn", "carol"]).ok();
    let ca = rsa.ca_dir().join("ca.pem");
    assert!(openssl_ok(&rsa.work(), &["verify", "-x509_strict", "-CAfile", s(&ca), "carol.pem"]).contains(": OK"));
    let text = openssl_ok(&rsa.work(), &["x509", "-in", s(&ca), "-noout", "-text"]);
    assert!(text.contains("sha256WithRSAEncryption") && text.contains("Public-Key: (2048 bit)"), "{text}");
}

#[test]
fn each_token_failure_is_exit_1_naming_the_culprit() {
    let Some(hsm) = SoftHsm::new("errs") else { return };
    let pki = Pki::new();
    hsm.pki(&pki, &["ca", "init", "-q", "--key-uri", &hsm.uri("root")]).ok();
    let issue = ["issue", "server", "-q", "--san", "x.test"];

    let wrong = hsm.pki(&pki, &issue).env("PKI_PKCS11_PIN", "9999").fails(1);
    assert!(wrong.contains("token 'errs' refused the PIN (CKR_PIN_INCORRECT)"), "{wrong}");
    assert!(
        wrong.contains("--pin-file") && wrong.contains("PKI_PKCS11_PIN") && wrong.contains("lock the token"),
        "{wrong}"
    );

    let none = hsm.pki_no_pin(&pki, &issue).within(std::time::Duration::from_secs(10)).fails(1);
    assert!(none.contains("token 'errs' needs its user PIN and none was given"), "{none}");
    assert!(none.contains("--pin-file FILE or set PKI_PKCS11_PIN"), "{none}");

    let module = hsm.pki(&pki, &issue).env("PKI_PKCS11_MODULE", "/nonexistent/libnope.so").fails(1);
    assert!(module.contains("cannot load the PKCS#11 module '/nonexistent/libnope.so': no such file"), "{module}");
    assert!(module.contains("--pkcs11-module PATH"), "{module}");

    let other = Pki::new();
    let missing = hsm.pki(&other, &["ca", "init", "-q", "--key-uri", "pkcs11:token=nosuch;object=r"]).fails(1);
    assert!(missing.contains("no PKCS#11 token labelled 'nosuch'") && missing.contains("'errs'"), "{missing}");
    assert!(!other.ca_dir().join("ca.pem").exists());

    let pin_uri =
        hsm.pki(&other, &["ca", "init", "-q", "--key-uri", "pkcs11:token=errs;object=r;pin-value=1234"]).fails(1);
    assert!(pin_uri.contains("holds a PIN ('pin-value')") && pin_uri.contains("--pin-file"), "{pin_uri}");
    assert!(!other.ca_dir().exists());

    // The CA directory names an object the token does not have.
    let uri_file = pki.ca_dir().join("ca-key.uri");
    let uri = std::fs::read_to_string(&uri_file).unwrap();
    std::fs::write(&uri_file, uri.replace("object=root", "object=gone")).unwrap();
    let gone = hsm.pki(&pki, &issue).fails(1);
    assert!(gone.contains("no private key labelled 'gone' with the URI's id in token 'errs'"), "{gone}");
    assert!(!pki.path("x.test.pem").exists());
}

#[test]
fn a_label_in_the_token_is_refused_and_force_keeps_the_old_key_relabelled() {
    let Some(hsm) = SoftHsm::new("lbl") else { return };
    if !require("pkcs11-tool") {
        return;
    }
    let (a, b) = (Pki::new(), Pki::new());
    hsm.pki(&a, &["ca", "init", "-q", "--key-uri", &hsm.uri("root")]).ok();
    let err = hsm.pki(&b, &["ca", "init", "-q", "--key-uri", &hsm.uri("root")]).fails(1);
    assert!(err.contains("a key labelled 'root' is already in token 'lbl'; nothing was written"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert!(!b.ca_dir().exists());
    assert_eq!(hsm.labels(), ["root", "root"], "one key pair");

    let out = hsm.pki(&b, &["ca", "init", "--force", "--key-uri", &hsm.uri("root")]).output();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let said = text(&out.stderr);
    assert!(said.contains("was kept and relabelled 'root.retired-"), "{said}");
    let labels = hsm.labels();
    assert_eq!(labels.iter().filter(|l| *l == "root").count(), 2, "{labels:?}");
    assert_eq!(labels.iter().filter(|l| l.starts_with("root.retired-")).count(), 2, "{labels:?}");
    // The new root signs; the old CA's key is still in the token, under its new label.
    hsm.pki(&b, &["issue", "client", "-q", "--cn", "dave"]).ok();
}

#[test]
fn a_pin_file_with_a_trailing_newline_works_and_the_pin_is_never_written() {
    let Some(hsm) = SoftHsm::new("pinf") else { return };
    let pki = Pki::new();
    let pin = pki.root().join("pin.txt");
    std::fs::write(&pin, format!("{PIN}\n")).unwrap();
    hsm.pki_no_pin(&pki, &["ca", "init", "-q", "--key-uri", &hsm.uri("root"), "--pin-file", s(&pin)]).ok();
    hsm.pki_no_pin(
        &pki,
        &["ca", "intermediate", "-q", "--name", "i", "--key-uri", &hsm.uri("i"), "--pin-file", s(&pin)],
    )
    .ok();
    hsm.pki_no_pin(&pki, &["issue", "server", "-q", "--san", "p.test", "--issuer", "i", "--pin-file", s(&pin)]).ok();
    hsm.pki_no_pin(&pki, &["crl", "-q", "--pin-file", s(&pin)]).ok();
    let old = pki.path("p.test.pem");
    hsm.pki_no_pin(&pki, &["renew", "-q", s(&old), "--name", "p2", "--pin-file", s(&pin)]).ok();
    assert!(pki.path("p2.pem").is_file());
    assert_no_secret_on_disk(&pki);
    std::fs::write(&pin, "0000\n").unwrap();
    let wrong = hsm.pki_no_pin(&pki, &["crl", "-q", "--pin-file", s(&pin)]).fails(1);
    assert!(wrong.contains("CKR_PIN_INCORRECT"), "{wrong}");
}

#[test]
fn without_a_module_pki_goes_through_p11_kit_and_records_it() {
    let Some(hsm) = SoftHsm::new("proxy") else { return };
    let proxy = format!("/usr/lib/{}-linux-gnu/p11-kit-proxy.so", std::env::consts::ARCH);
    if !require_file(Path::new(&proxy), "apt-get install p11-kit-modules") {
        return;
    }
    let pki = Pki::new();
    // SoftHSM2's Debian package registers it with p11-kit, so the proxy reaches the token.
    hsm.pki(&pki, &["ca", "init", "-q", "--key-uri", &hsm.uri("root")]).env_remove("PKI_PKCS11_MODULE").ok();
    let uri = std::fs::read_to_string(pki.ca_dir().join("ca-key.uri")).unwrap();
    assert!(uri.trim_end().ends_with(&format!("?module-path={proxy}")), "{uri}");
    hsm.pki(&pki, &["issue", "server", "-q", "--san", "proxied.test"]).env_remove("PKI_PKCS11_MODULE").ok();
    // --exist-ok checks the token root with a PIN, and says it could not without one.
    let again = hsm.pki(&pki, &["ca", "init", "--exist-ok", "--json"]).output();
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert!(!text(&again.stderr).contains("warning"), "{}", text(&again.stderr));
    let unchecked = hsm.pki_no_pin(&pki, &["ca", "init", "--exist-ok"]).output();
    assert_eq!(unchecked.status.code(), Some(0), "{}", text(&unchecked.stderr));
    assert!(
        text(&unchecked.stderr).contains(
            "needs its user PIN and none was given, so whether the token holds the root's key was not checked"
        ),
        "{}",
        text(&unchecked.stderr)
    );
}

#[test]
fn a_file_ca_replaced_by_a_token_ca_is_retired_and_a_wrong_key_is_refused() {
    let Some(hsm) = SoftHsm::new("swap") else { return };
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    pki.init(&[]);
    hsm.pki(&pki, &["ca", "init", "-q", "--force", "--key-type", "ed25519", "--key-uri", &hsm.uri("root")]).ok();
    assert!(!pki.ca_dir().join("ca-key.pem").exists());
    let retired: Vec<PathBuf> =
        std::fs::read_dir(pki.ca_dir().join("retired")).unwrap().flatten().map(|e| e.path()).collect();
    assert_eq!(retired.len(), 1);
    assert!(retired[0].join("ca-key.pem").is_file() && !retired[0].join("ca-key.uri").exists());
    hsm.pki(&pki, &["issue", "server", "-q", "--san", "ed.test"]).ok();
    let ca = pki.ca_dir().join("ca.pem");
    assert!(openssl_ok(&pki.work(), &["verify", "-x509_strict", "-CAfile", s(&ca), "ed.test.pem"]).contains(": OK"));
    assert!(openssl_ok(&pki.work(), &["x509", "-in", s(&ca), "-noout", "-text"]).contains("ED25519"));

    // An intermediate's URI in the root's place: the token's key is not the root's.
    hsm.pki(&pki, &["ca", "intermediate", "-q", "--name", "i", "--key-uri", &hsm.uri("i")]).ok();
    let inter_uri = std::fs::read(pki.ca_dir().join("intermediates/i/ca-key.uri")).unwrap();
    std::fs::write(pki.ca_dir().join("ca-key.uri"), inter_uri).unwrap();
    let err = hsm.pki(&pki, &["crl", "-q"]).fails(1);
    assert!(
        err.contains("the token key 'pkcs11:token=swap;object=i;")
            && err.contains("does not belong to the certificate"),
        "{err}"
    );
}
