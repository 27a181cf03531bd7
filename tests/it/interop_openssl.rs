//! External oracles judge what `pki` writes: the openssl CLI (path validation, key
//! decryption, a real mutual-TLS handshake), DigiCert's pkilint (RFC 5280 lints) and curl.
//!
//! Every check here asks the outside tool and asserts its verdict (exit code and what it
//! says), with a negative twin wherever the tool could wrongly say yes (wrong purpose, a
//! name not in the SANs, a wrong passphrase, a client certificate from another CA), so a
//! tool that accepted everything would fail these tests. When a tool is missing the test
//! fails, naming it, unless `PKI_ALLOW_MISSING_TOOLS=1` (see `common::require`).

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::*;

/// Every `--key-type` the contract names.
const KEY_TYPES: [&str; 6] = ["ecdsa-p256", "ecdsa-p384", "ed25519", "rsa-2048", "rsa-3072", "rsa-4096"];

/// The passphrase used for encrypted keys in these tests.
const PASSPHRASE: &str = "correct horse battery staple";

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// The root certificate of a world.
fn root_cert(pki: &Pki) -> PathBuf {
    pki.ca_dir().join("ca.pem")
}

/// The certificate of intermediate `name`.
fn intermediate_cert(pki: &Pki, name: &str) -> PathBuf {
    pki.ca_dir().join("intermediates").join(name).join("ca.pem")
}

/// The key of intermediate `name`.
fn intermediate_key(pki: &Pki, name: &str) -> PathBuf {
    pki.ca_dir().join("intermediates").join(name).join("ca-key.pem")
}

/// `openssl verify -x509_strict -CAfile CA [-untrusted U] EXTRA... LEAF`.
fn verify(pki: &Pki, untrusted: Option<&Path>, extra: &[&str], leaf: &Path) -> Output {
    let ca = root_cert(pki);
    let mut args = vec!["verify", "-x509_strict", "-CAfile", s(&ca)];
    if let Some(u) = untrusted {
        args.extend(["-untrusted", s(u)]);
    }
    args.extend_from_slice(extra);
    args.push(s(leaf));
    tool("openssl", &args, &pki.work())
}

/// openssl accepts `leaf` for `extra` (purpose, name).
fn assert_verifies(pki: &Pki, untrusted: Option<&Path>, extra: &[&str], leaf: &Path) {
    let out = verify(pki, untrusted, extra, leaf);
    let t = both(&out);
    assert!(
        out.status.success() && t.contains(": OK"),
        "openssl verify {extra:?} (untrusted {untrusted:?}) rejected {}:\n{t}",
        leaf.display()
    );
}

/// openssl rejects `leaf` for `extra`, giving `reason`.
fn assert_rejected(pki: &Pki, untrusted: Option<&Path>, extra: &[&str], leaf: &Path, reason: &str) {
    let out = verify(pki, untrusted, extra, leaf);
    let t = both(&out);
    assert!(
        !out.status.success(),
        "openssl verify {extra:?} (untrusted {untrusted:?}) accepted {}, expected '{reason}':\n{t}",
        leaf.display()
    );
    assert!(t.contains(reason), "openssl verify {extra:?} rejected {} but not with '{reason}':\n{t}", leaf.display());
}

/// The signature algorithm openssl names for a certificate signed by a `key_type` key
/// (docs/cli.md "Key types": P-256/SHA-256, P-384/SHA-384, pure Ed25519, RSA PKCS#1 v1.5
/// with SHA-256).
fn openssl_sig_alg(key_type: &str) -> &'static str {
    match key_type {
        "ecdsa-p256" => "ecdsa-with-SHA256",
        "ecdsa-p384" => "ecdsa-with-SHA384",
        "ed25519" => "ED25519",
        "rsa-2048" | "rsa-3072" | "rsa-4096" => "sha256WithRSAEncryption",
        other => panic!("unknown key type {other}"),
    }
}

/// A line `openssl pkey -text` prints for a key of `key_type`.
fn openssl_key_marker(key_type: &str) -> &'static str {
    match key_type {
        "ecdsa-p256" => "ASN1 OID: prime256v1",
        "ecdsa-p384" => "ASN1 OID: secp384r1",
        "ed25519" => "ED25519 Private-Key:",
        "rsa-2048" => "Private-Key: (2048 bit, 2 primes)",
        "rsa-3072" => "Private-Key: (3072 bit, 2 primes)",
        "rsa-4096" => "Private-Key: (4096 bit, 2 primes)",
        other => panic!("unknown key type {other}"),
    }
}

/// Both signature-algorithm fields openssl prints (tbsCertificate and outer) name the
/// algorithm of the signer's key type.
fn assert_signed_with(pki: &Pki, cert: &Path, signer_key_type: &str) {
    let txt = openssl_ok(&pki.work(), &["x509", "-in", s(cert), "-noout", "-text"]);
    let algs: Vec<&str> =
        txt.lines().filter_map(|l| l.trim().strip_prefix("Signature Algorithm:")).map(str::trim).collect();
    let want = openssl_sig_alg(signer_key_type);
    assert!(
        algs.len() == 2 && algs.iter().all(|a| *a == want),
        "{} should be signed with {want} (signer {signer_key_type}); openssl says {algs:?}",
        cert.display()
    );
}

/// The first line of a PEM file.
fn pem_label(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}

/// The public key openssl derives from a certificate (PEM as openssl writes it).
fn cert_public_key(pki: &Pki, cert: &Path) -> String {
    openssl_ok(&pki.work(), &["x509", "-in", s(cert), "-pubkey", "-noout"])
}

/// A plain key: PKCS#8 `PRIVATE KEY`, read by openssl as `key_type`, passing
/// `openssl pkey -check` where openssl can check it, and holding the certificate's public key.
fn assert_plain_key(pki: &Pki, key: &Path, cert: &Path, key_type: &str) {
    let w = pki.work();
    assert_eq!(pem_label(key), "-----BEGIN PRIVATE KEY-----", "{} should be unencrypted PKCS#8", key.display());
    openssl_ok(&w, &["pkey", "-in", s(key), "-noout"]);
    let txt = openssl_ok(&w, &["pkey", "-in", s(key), "-noout", "-text"]);
    assert!(
        txt.contains(openssl_key_marker(key_type)),
        "openssl does not read {} as {key_type}:\n{}",
        key.display(),
        txt.lines().take(3).collect::<Vec<_>>().join("\n")
    );
    let check = openssl_ok(&w, &["pkey", "-in", s(key), "-check", "-noout"]);
    assert!(check.contains("Key is valid"), "{}: {check}", key.display());
    let from_key = openssl_ok(&w, &["pkey", "-in", s(key), "-pubout"]);
    assert_eq!(
        from_key,
        cert_public_key(pki, cert),
        "the public key of {} is not the one in {}",
        key.display(),
        cert.display()
    );
}

/// An encrypted key: PKCS#8 `ENCRYPTED PRIVATE KEY` with PBES2, PBKDF2-HMAC-SHA256 and
/// AES-256-CBC; openssl opens it with `passin` (an openssl `-passin` source), refuses a
/// wrong passphrase, and the decrypted key holds the certificate's public key.
fn assert_encrypted_key(pki: &Pki, key: &Path, cert: &Path, key_type: &str, passin: &str) {
    let w = pki.work();
    assert_eq!(pem_label(key), "-----BEGIN ENCRYPTED PRIVATE KEY-----", "{} should be encrypted PKCS#8", key.display());
    let asn1 = openssl_ok(&w, &["asn1parse", "-in", s(key)]);
    for oid in ["PBES2", "PBKDF2", "hmacWithSHA256", "aes-256-cbc"] {
        assert!(
            asn1.contains(&format!(":{oid}")),
            "{} should use {oid}; openssl asn1parse says:\n{}",
            key.display(),
            asn1.lines().take(16).collect::<Vec<_>>().join("\n")
        );
    }
    openssl_ok(&w, &["pkey", "-in", s(key), "-passin", passin, "-noout"]);
    let txt = openssl_ok(&w, &["pkey", "-in", s(key), "-passin", passin, "-noout", "-text"]);
    assert!(txt.contains(openssl_key_marker(key_type)), "openssl does not read {} as {key_type}", key.display());
    openssl_fails(&w, &["pkey", "-in", s(key), "-passin", "pass:not the passphrase", "-noout"]);
    let from_key = openssl_ok(&w, &["pkey", "-in", s(key), "-passin", passin, "-pubout"]);
    assert_eq!(
        from_key,
        cert_public_key(pki, cert),
        "the decrypted key {} does not belong to {}",
        key.display(),
        cert.display()
    );
}

// ---------------------------------------------------------------------------------------
// 1. Path validation: every leaf key type, both profiles, via the root and an intermediate
// ---------------------------------------------------------------------------------------

/// Builds a root of `root_kt` and an intermediate `web` of `inter_kt`, issues a server
/// (`localhost,127.0.0.1,::1`) and a client (`alice`) leaf of `leaf_kt` from each, and has
/// `openssl verify -x509_strict` judge every one, for what it is and against what it is not.
fn openssl_judges_leaves(leaf_kt: &str, root_kt: &str, inter_kt: &str) {
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    pki.init(&["--key-type", root_kt]);
    pki.ok(&["ca", "intermediate", "--name", "web", "--key-type", inter_kt, "-q"]);
    let root = root_cert(&pki);
    let inter = intermediate_cert(&pki, "web");

    // The CA certificates themselves: strict self-check of the root, the intermediate
    // under the root, and the signature algorithms of their keys.
    assert_verifies(&pki, None, &["-purpose", "any"], &root);
    assert_verifies(&pki, None, &["-purpose", "any"], &inter);
    assert_signed_with(&pki, &root, root_kt);
    assert_signed_with(&pki, &inter, root_kt);

    for via_intermediate in [false, true] {
        let tag = if via_intermediate { "inter" } else { "root" };
        let signer_kt = if via_intermediate { inter_kt } else { root_kt };
        let issuer: &[&str] = if via_intermediate { &["--issuer", "web"] } else { &[] };
        let untrusted = via_intermediate.then_some(inter.as_path());

        let server_name = format!("server-{tag}");
        let mut args = vec![
            "issue",
            "server",
            "--san",
            "localhost,127.0.0.1,::1",
            "--key-type",
            leaf_kt,
            "--name",
            &server_name,
            "-q",
        ];
        args.extend_from_slice(issuer);
        pki.ok(&args);
        let client_name = format!("client-{tag}");
        let mut args = vec!["issue", "client", "--cn", "alice", "--key-type", leaf_kt, "--name", &client_name, "-q"];
        args.extend_from_slice(issuer);
        pki.ok(&args);

        let server = pki.path(&format!("{server_name}.pem"));
        let server_chain = pki.path(&format!("{server_name}-chain.pem"));
        let client = pki.path(&format!("{client_name}.pem"));
        let client_chain = pki.path(&format!("{client_name}-chain.pem"));
        assert_signed_with(&pki, &server, signer_kt);
        assert_signed_with(&pki, &client, signer_kt);

        // The server leaf: valid for TLS server auth, for each of its names.
        let ssl_server = ["-purpose", "sslserver"];
        assert_verifies(&pki, untrusted, &ssl_server, &server);
        for name in [["-verify_hostname", "localhost"], ["-verify_ip", "127.0.0.1"], ["-verify_ip", "::1"]] {
            let extra = [ssl_server.as_slice(), name.as_slice()].concat();
            assert_verifies(&pki, untrusted, &extra, &server);
        }
        // The chain file pki wrote completes the path on its own.
        let extra = ["-purpose", "sslserver", "-verify_hostname", "localhost"];
        assert_verifies(&pki, Some(&server_chain), &extra, &server);
        // ...and what it is not.
        assert_rejected(&pki, untrusted, &["-purpose", "sslclient"], &server, "unsuitable certificate purpose");
        assert_rejected(
            &pki,
            untrusted,
            &["-purpose", "sslserver", "-verify_hostname", "example.com"],
            &server,
            "hostname mismatch",
        );
        assert_rejected(
            &pki,
            untrusted,
            &["-purpose", "sslserver", "-verify_hostname", "www.localhost"],
            &server,
            "hostname mismatch",
        );
        assert_rejected(
            &pki,
            untrusted,
            &["-purpose", "sslserver", "-verify_ip", "127.0.0.2"],
            &server,
            "IP address mismatch",
        );
        assert_rejected(
            &pki,
            untrusted,
            &["-purpose", "sslserver", "-verify_ip", "::2"],
            &server,
            "IP address mismatch",
        );

        // The client leaf: valid for TLS client auth, not for server auth.
        assert_verifies(&pki, untrusted, &["-purpose", "sslclient"], &client);
        assert_verifies(&pki, Some(&client_chain), &["-purpose", "sslclient"], &client);
        assert_rejected(&pki, untrusted, &["-purpose", "sslserver"], &client, "unsuitable certificate purpose");

        if via_intermediate {
            // The intermediate is really needed: the root alone does not anchor the leaf.
            assert_rejected(&pki, None, &["-purpose", "sslserver"], &server, "unable to get local issuer certificate");
            assert_rejected(&pki, None, &["-purpose", "sslclient"], &client, "unable to get local issuer certificate");
        } else {
            assert_eq!(read_certs(&server_chain).len(), 1, "a root-issued leaf's chain file holds the leaf alone");
        }
    }
}

#[test]
fn openssl_verifies_p256_leaves_under_rsa2048_root_and_p384_intermediate() {
    openssl_judges_leaves("ecdsa-p256", "rsa-2048", "ecdsa-p384");
}

#[test]
fn openssl_verifies_p384_leaves_under_ed25519_root_and_rsa3072_intermediate() {
    openssl_judges_leaves("ecdsa-p384", "ed25519", "rsa-3072");
}

#[test]
fn openssl_verifies_ed25519_leaves_under_p384_root_and_rsa2048_intermediate() {
    openssl_judges_leaves("ed25519", "ecdsa-p384", "rsa-2048");
}

#[test]
fn openssl_verifies_rsa2048_leaves_under_rsa3072_root_and_ed25519_intermediate() {
    openssl_judges_leaves("rsa-2048", "rsa-3072", "ed25519");
}

#[test]
fn openssl_verifies_rsa3072_leaves_under_rsa4096_root_and_p256_intermediate() {
    openssl_judges_leaves("rsa-3072", "rsa-4096", "ecdsa-p256");
}

#[test]
fn openssl_verifies_rsa4096_leaves_under_p256_root_and_rsa4096_intermediate() {
    openssl_judges_leaves("rsa-4096", "ecdsa-p256", "rsa-4096");
}

#[test]
fn openssl_rejects_leaf_from_another_ca() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    pki.init(&[]);
    let other = Pki::new();
    other.init(&[]);
    other.ok(&["issue", "server", "--san", "localhost", "-q"]);
    let foreign = other.path("localhost.pem");
    assert_verifies(&other, None, &["-purpose", "sslserver"], &foreign);
    assert_rejected(&pki, None, &["-purpose", "sslserver"], &foreign, "unable to get local issuer certificate");
}

// ---------------------------------------------------------------------------------------
// 2. Keys as openssl reads them
// ---------------------------------------------------------------------------------------

#[test]
fn openssl_reads_plain_keys_of_every_type_and_they_match_their_certificates() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    pki.init(&[]);
    assert_plain_key(&pki, &pki.ca_dir().join("ca-key.pem"), &root_cert(&pki), "ecdsa-p256");
    for kt in KEY_TYPES {
        let leaf = format!("leaf-{kt}");
        pki.ok(&["issue", "client", "--cn", &leaf, "--key-type", kt, "-q"]);
        assert_plain_key(&pki, &pki.path(&format!("{leaf}-key.pem")), &pki.path(&format!("{leaf}.pem")), kt);
        let name = format!("i-{kt}");
        pki.ok(&["ca", "intermediate", "--name", &name, "--key-type", kt, "-q"]);
        assert_plain_key(&pki, &intermediate_key(&pki, &name), &intermediate_cert(&pki, &name), kt);
    }
}

#[test]
fn openssl_decrypts_keys_encrypted_with_pki_passphrase_env_for_every_key_type() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    pki.init(&[]);
    // openssl reads the first line of a -passin file, without its newline.
    let pw = pki.path("openssl-pw");
    std::fs::write(&pw, format!("{PASSPHRASE}\n")).unwrap();
    let passin = format!("file:{}", s(&pw));
    for kt in KEY_TYPES {
        let cn = format!("env-{kt}");
        pki.call(["issue", "client", "--cn", &cn, "--key-type", kt, "--encrypt-key", "-q"])
            .env("PKI_PASSPHRASE", PASSPHRASE)
            .ok();
        assert_encrypted_key(&pki, &pki.path(&format!("{cn}-key.pem")), &pki.path(&format!("{cn}.pem")), kt, &passin);
    }
}

#[test]
fn openssl_decrypts_keys_encrypted_with_passphrase_file_for_every_key_type() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    pki.init(&[]);
    // A trailing newline, as an editor writes it: not part of the passphrase for pki
    // (docs/cli.md "Passphrases") nor for openssl's `-passin file:`.
    let pw = pki.path("pw");
    std::fs::write(&pw, format!("{PASSPHRASE}\n")).unwrap();
    for (i, kt) in KEY_TYPES.into_iter().enumerate() {
        let cn = format!("file-{kt}");
        let mut args = vec![
            "issue",
            "server",
            "--san",
            "localhost",
            "--name",
            &cn,
            "--key-type",
            kt,
            "--passphrase-file",
            s(&pw),
            "-q",
        ];
        // `--passphrase-file` alone implies `--encrypt-key`; try both spellings.
        if i % 2 == 0 {
            args.push("--encrypt-key");
        }
        pki.ok(&args);
        let key = pki.path(&format!("{cn}-key.pem"));
        let cert = pki.path(&format!("{cn}.pem"));
        assert_encrypted_key(&pki, &key, &cert, kt, &format!("file:{}", s(&pw)));
        // The newline really is not part of it: the bare passphrase opens the key.
        openssl_ok(&pki.work(), &["pkey", "-in", s(&key), "-passin", &format!("pass:{PASSPHRASE}"), "-noout"]);
    }
}

#[test]
fn openssl_opens_encrypted_ca_key_written_by_ca_init() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    let pw = pki.path("ca-pw");
    std::fs::write(&pw, format!("{PASSPHRASE}\n")).unwrap();
    pki.init(&["--key-type", "ecdsa-p384", "--passphrase-file", s(&pw)]);
    let ca_key = pki.ca_dir().join("ca-key.pem");
    assert_encrypted_key(&pki, &ca_key, &root_cert(&pki), "ecdsa-p384", &format!("file:{}", s(&pw)));
    // The encrypted key still signs: a leaf issued with it passes openssl.
    pki.ok(&["issue", "server", "--san", "localhost", "--ca-passphrase-file", s(&pw), "-q"]);
    let leaf = pki.path("localhost.pem");
    assert_signed_with(&pki, &leaf, "ecdsa-p384");
    assert_verifies(&pki, None, &["-purpose", "sslserver", "-verify_hostname", "localhost"], &leaf);
}

// ---------------------------------------------------------------------------------------
// 3. pkilint
// ---------------------------------------------------------------------------------------

/// One pkilint finding.
#[derive(Debug)]
pub(crate) struct Finding {
    pub severity: String,
    pub code: String,
    pub message: String,
    pub node: String,
}

/// `lint_pkix_cert lint -s WARNING -f JSON FILE`: every finding of WARNING or worse.
pub(crate) fn pkilint(pki: &Pki, cert: &Path) -> Vec<Finding> {
    let out = Command::new("timeout")
        .args(["120", "lint_pkix_cert", "lint", "-s", "WARNING", "-f", "JSON"])
        .arg(cert)
        .current_dir(pki.work())
        .stdin(Stdio::null())
        .output()
        .expect("run lint_pkix_cert");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let doc: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("lint_pkix_cert on {} gave no JSON ({e}):\n{}", cert.display(), both(&out)));
    let mut findings = Vec::new();
    for result in doc["results"].as_array().expect("results array") {
        for f in result["finding_descriptions"].as_array().expect("finding_descriptions") {
            findings.push(Finding {
                severity: f["severity"].as_str().unwrap_or("?").to_string(),
                code: f["code"].as_str().unwrap_or("?").to_string(),
                message: f["message"].as_str().unwrap_or("").to_string(),
                node: result["node_path"].as_str().unwrap_or("").to_string(),
            });
        }
    }
    // pkilint exits non-zero exactly when it reports something: a non-zero exit with no
    // finding means it broke, which must not pass as "clean".
    assert!(
        out.status.success() || !findings.is_empty(),
        "lint_pkix_cert failed on {} without findings:\n{}",
        cert.display(),
        both(&out)
    );
    findings
}

/// No ERROR or FATAL finding in `cert` except the codes in `allowed`.
pub(crate) fn assert_lint_clean(pki: &Pki, what: &str, cert: &Path, allowed: &[&str]) {
    let findings = pkilint(pki, cert);
    let bad: Vec<&Finding> = findings
        .iter()
        .filter(|f| matches!(f.severity.as_str(), "ERROR" | "FATAL"))
        .filter(|f| !allowed.contains(&f.code.as_str()))
        .collect();
    assert!(
        bad.is_empty(),
        "pkilint found errors in the {what} ({}):\n{}",
        cert.display(),
        findings
            .iter()
            .map(|f| format!("  {} ({}): {} @ {}", f.code, f.severity, f.message, f.node))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// pkilint reports single-label names (`localhost`) and wildcards as invalid domain
/// names; they are deliberate for a local development CA.
const SINGLE_LABEL_DNS: &str = "pkix.invalid_domain_name_syntax";

/// A hierarchy whose every key is `kt`: root, intermediate, a `localhost` server leaf via
/// the intermediate, a client leaf via the root, and a `www.example.com` server leaf,
/// each linted.
fn pkilint_judges_hierarchy(kt: &str) {
    if !require("lint_pkix_cert") {
        return;
    }
    let pki = Pki::new();
    pki.init(&["--key-type", kt]);
    pki.ok(&["ca", "intermediate", "--name", "web", "--key-type", kt, "-q"]);
    pki.ok(&["issue", "server", "--san", "localhost,127.0.0.1,::1", "--issuer", "web", "--key-type", kt, "-q"]);
    pki.ok(&["issue", "client", "--cn", "alice", "--key-type", kt, "-q"]);
    pki.ok(&["issue", "server", "--san", "www.example.com", "--issuer", "web", "--key-type", kt, "-q"]);
    assert_lint_clean(&pki, &format!("{kt} root"), &root_cert(&pki), &[]);
    assert_lint_clean(&pki, &format!("{kt} intermediate"), &intermediate_cert(&pki, "web"), &[]);
    assert_lint_clean(&pki, &format!("{kt} localhost server leaf"), &pki.path("localhost.pem"), &[SINGLE_LABEL_DNS]);
    assert_lint_clean(&pki, &format!("{kt} client leaf"), &pki.path("alice.pem"), &[]);
    assert_lint_clean(&pki, &format!("{kt} www.example.com server leaf"), &pki.path("www.example.com.pem"), &[]);
}

#[test]
fn pkilint_finds_no_errors_in_ecdsa_p256_hierarchy() {
    pkilint_judges_hierarchy("ecdsa-p256");
}

#[test]
fn pkilint_finds_no_errors_in_ecdsa_p384_hierarchy() {
    pkilint_judges_hierarchy("ecdsa-p384");
}

#[test]
fn pkilint_finds_no_errors_in_ed25519_hierarchy() {
    pkilint_judges_hierarchy("ed25519");
}

#[test]
fn pkilint_finds_no_errors_in_rsa_2048_hierarchy() {
    pkilint_judges_hierarchy("rsa-2048");
}

#[test]
fn pkilint_finds_no_errors_in_rsa_3072_hierarchy() {
    pkilint_judges_hierarchy("rsa-3072");
}

#[test]
fn pkilint_finds_no_errors_in_rsa_4096_hierarchy() {
    pkilint_judges_hierarchy("rsa-4096");
}

#[test]
fn pkilint_finds_no_errors_in_mixed_leaves() {
    // Wildcards, IP addresses, email and URI SANs, and a leaf signed by a key of another type.
    if !require("lint_pkix_cert") {
        return;
    }
    let pki = Pki::new();
    pki.init(&["--key-type", "rsa-2048"]);
    pki.ok(&[
        "issue",
        "server",
        "--san",
        "api.example.com,*.example.com,192.0.2.7,2001:db8::7",
        "--key-type",
        "ed25519",
        "--name",
        "multi",
        "-q",
    ]);
    pki.ok(&[
        "issue",
        "client",
        "--cn",
        "bob",
        "--san",
        // pkilint checks URIs with the `validators` package, which knows only web
        // schemes and so calls `spiffe://...` "invalid URI syntax"; an https URI
        // exercises the same uniformResourceIdentifier encoding (`uri:`: a bare URL is
        // refused as a likely mistake for its host).
        "bob@example.com,uri:https://example.com/bob",
        "--key-type",
        "ecdsa-p384",
        "-q",
    ]);
    assert_lint_clean(&pki, "wildcard + IP server leaf", &pki.path("multi.pem"), &[SINGLE_LABEL_DNS]);
    assert_lint_clean(&pki, "client leaf with email and URI SANs", &pki.path("bob.pem"), &[]);
}

// ---------------------------------------------------------------------------------------
// 4. A real mutual-TLS handshake: openssl s_server / s_client (and curl)
// ---------------------------------------------------------------------------------------

/// A port that was free a moment ago on the loopback interface.
fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    l.local_addr().unwrap().port()
}

/// An `openssl s_server -naccept 1` on 127.0.0.1, killed when dropped. Its stdin stays
/// open (on EOF s_server would drop the connection before the client has read its reply);
/// its output is collected for assertions.
pub(crate) struct SServer {
    child: Child,
    stdin: Option<ChildStdin>,
    pub(crate) port: u16,
    log: Arc<Mutex<String>>,
    readers: Vec<std::thread::JoinHandle<()>>,
}

impl SServer {
    /// Start `openssl s_server -accept 127.0.0.1:PORT -naccept 1 ARGS...` and wait (at most
    /// 15 s) until it says ACCEPT. A probing connect() would use up its one accept, so
    /// readiness is read from its output instead. Retries on another port if the chosen
    /// one was taken in the meantime.
    pub(crate) fn start(dir: &Path, args: &[&str]) -> SServer {
        let mut last = String::new();
        for _ in 0..3 {
            let port = free_port();
            let mut child = Command::new("timeout")
                .args(["60", "openssl", "s_server", "-accept"])
                .arg(format!("127.0.0.1:{port}"))
                .args(["-naccept", "1"])
                .args(args)
                .current_dir(dir)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn openssl s_server");
            let log = Arc::new(Mutex::new(String::new()));
            let (tx, rx) = mpsc::channel::<String>();
            let mut readers = Vec::new();
            let streams: Vec<Box<dyn Read + Send>> =
                vec![Box::new(child.stdout.take().unwrap()), Box::new(child.stderr.take().unwrap())];
            for stream in streams {
                let (log, tx) = (Arc::clone(&log), tx.clone());
                readers.push(std::thread::spawn(move || {
                    for line in BufReader::new(stream).lines() {
                        let Ok(line) = line else { break };
                        let mut l = log.lock().unwrap();
                        l.push_str(&line);
                        l.push('\n');
                        drop(l);
                        let _ = tx.send(line);
                    }
                }));
            }
            drop(tx);
            let mut server = SServer { stdin: child.stdin.take(), child, port, log, readers };
            let deadline = Instant::now() + Duration::from_secs(15);
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                match rx.recv_timeout(left) {
                    Ok(line) if line.trim() == "ACCEPT" => return server,
                    Ok(_) => continue,
                    // Both streams closed: s_server exited (port taken?); try another port.
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        panic!("s_server did not start in 15 s:\n{}", server.log())
                    }
                }
            }
            server.stop();
            last = server.log();
        }
        panic!("openssl s_server would not start:\n{last}");
    }

    /// What s_server printed so far.
    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Wait (at most 20 s) for s_server to finish its one connection; return its output.
    pub(crate) fn finish(mut self) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if self.child.try_wait().expect("try_wait").is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.stop();
        self.log()
    }

    /// Terminate (SIGTERM to `timeout`, which passes it on to openssl; SIGKILL if that is
    /// not enough), reap, and collect the rest of the output.
    fn stop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = Command::new("sh").arg("-c").arg(format!("kill -TERM {}", self.child.id())).status();
            let deadline = Instant::now() + Duration::from_secs(2);
            while Instant::now() < deadline && self.child.try_wait().ok().flatten().is_none() {
                std::thread::sleep(Duration::from_millis(10));
            }
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        self.stdin = None;
        for r in self.readers.drain(..) {
            let _ = r.join();
        }
    }
}

impl Drop for SServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `openssl s_client -connect 127.0.0.1:PORT ARGS...`, stdin closed, bounded by
/// `timeout 20`. Returns (exit 0, output).
pub(crate) fn s_client(dir: &Path, port: u16, args: &[&str]) -> (bool, String) {
    let connect = format!("127.0.0.1:{port}");
    let argv = [&["s_client", "-connect", connect.as_str()][..], args].concat();
    let out = tool_within("openssl", &argv, dir, b"", Duration::from_secs(20));
    (out.status.success(), both(&out))
}

/// A CA (root `ecdsa-p256`) with a `localhost,127.0.0.1` server leaf of `server_kt` and an
/// `alice` client leaf of `client_kt`, both from the root.
fn tls_world(server_kt: &str, client_kt: &str) -> Pki {
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["issue", "server", "--san", "localhost,127.0.0.1", "--key-type", server_kt, "-q"]);
    pki.ok(&["issue", "client", "--cn", "alice", "--key-type", client_kt, "-q"]);
    pki
}

/// s_server arguments: the server certificate and key, a required client certificate
/// verified against the root.
fn mtls_server_args(ca: &str) -> Vec<&str> {
    vec!["-cert", "localhost.pem", "-key", "localhost-key.pem", "-Verify", "1", "-verify_return_error", "-CAfile", ca]
}

/// s_client arguments: ask for `name` and verify it against the root `ca`, failing on a
/// verification error; then `extra` (a client certificate, a TLS version).
pub(crate) fn client_args<'a>(ca: &'a str, name: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["-servername", name, "-CAfile", ca, "-verify_return_error", "-verify_hostname", name];
    args.extend_from_slice(extra);
    args
}

#[test]
fn mutual_tls_handshake_succeeds_with_root_issued_server_and_client() {
    if !require("openssl") {
        return;
    }
    let pki = tls_world("rsa-2048", "ed25519");
    let ca = root_cert(&pki);
    let server = SServer::start(&pki.work(), &mtls_server_args(s(&ca)));
    let (ok, client) = s_client(
        &pki.work(),
        server.port,
        &client_args(s(&ca), "localhost", &["-cert", "alice.pem", "-key", "alice-key.pem"]),
    );
    let server_log = server.finish();
    assert!(
        ok && client.contains("Verify return code: 0 (ok)"),
        "mTLS handshake failed\n--- s_client:\n{client}\n--- s_server:\n{server_log}"
    );
    assert!(
        server_log.contains("depth=0 CN = alice") && server_log.contains("Client certificate"),
        "s_server did not verify alice's certificate:\n{server_log}"
    );
    assert!(!server_log.contains("ERROR"), "s_server:\n{server_log}");
}

#[test]
fn mutual_tls_handshake_succeeds_with_chains_via_intermediate() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    pki.init(&["--key-type", "rsa-3072"]);
    pki.ok(&["ca", "intermediate", "--name", "web", "--cn", "Interop Intermediate", "--key-type", "ecdsa-p384", "-q"]);
    pki.ok(&["issue", "server", "--san", "localhost,127.0.0.1", "--issuer", "web", "-q"]);
    pki.ok(&["issue", "client", "--cn", "alice", "--issuer", "web", "--key-type", "rsa-2048", "-q"]);
    let ca = root_cert(&pki);
    // Each side trusts only the root, so each must send the intermediate from its
    // `-chain.pem` file (which starts with the leaf; openssl sends it as given).
    let server = SServer::start(
        &pki.work(),
        &[
            "-cert",
            "localhost.pem",
            "-key",
            "localhost-key.pem",
            "-cert_chain",
            "localhost-chain.pem",
            "-Verify",
            "2",
            "-verify_return_error",
            "-CAfile",
            s(&ca),
        ],
    );
    let (ok, client) = s_client(
        &pki.work(),
        server.port,
        &client_args(
            s(&ca),
            "localhost",
            &["-cert", "alice.pem", "-key", "alice-key.pem", "-cert_chain", "alice-chain.pem"],
        ),
    );
    let server_log = server.finish();
    assert!(
        ok && client.contains("Verify return code: 0 (ok)"),
        "mTLS handshake via intermediate failed\n--- s_client:\n{client}\n--- s_server:\n{server_log}"
    );
    assert!(
        client.contains("depth=1 CN = Interop Intermediate"),
        "the server did not present the intermediate:\n{client}"
    );
    assert!(
        server_log.contains("depth=1 CN = Interop Intermediate") && server_log.contains("depth=0 CN = alice"),
        "s_server did not verify alice through the intermediate:\n{server_log}"
    );
    assert!(!server_log.contains("ERROR"), "s_server:\n{server_log}");
}

#[test]
fn mutual_tls_handshake_fails_without_client_certificate() {
    if !require("openssl") {
        return;
    }
    let pki = tls_world("ecdsa-p256", "ecdsa-p256");
    let ca = root_cert(&pki);
    for version in ["-tls1_2", "-tls1_3"] {
        let server = SServer::start(&pki.work(), &mtls_server_args(s(&ca)));
        let (ok, client) = s_client(&pki.work(), server.port, &client_args(s(&ca), "localhost", &[version]));
        let server_log = server.finish();
        assert!(
            server_log.contains("peer did not return a certificate") && !server_log.contains("Client certificate"),
            "{version}: s_server should refuse a client without certificate:\n{server_log}"
        );
        // In TLS 1.3 the client finishes its side before the server reads its (empty)
        // certificate, so only in TLS 1.2 is the client's own exit status decisive.
        if version == "-tls1_2" {
            assert!(!ok, "{version}: s_client should fail:\n{client}");
        }
    }
}

#[test]
fn mutual_tls_handshake_fails_with_client_certificate_from_another_ca() {
    if !require("openssl") {
        return;
    }
    let pki = tls_world("ecdsa-p256", "ecdsa-p256");
    let ca = root_cert(&pki);
    let other = Pki::new();
    other.init(&[]);
    other.ok(&["issue", "client", "--cn", "mallory", "-q"]);
    let (cert, key) = (other.path("mallory.pem"), other.path("mallory-key.pem"));
    for version in ["-tls1_2", "-tls1_3"] {
        let server = SServer::start(&pki.work(), &mtls_server_args(s(&ca)));
        let (ok, client) = s_client(
            &pki.work(),
            server.port,
            &client_args(s(&ca), "localhost", &[version, "-cert", s(&cert), "-key", s(&key)]),
        );
        let server_log = server.finish();
        assert!(
            server_log.contains("certificate verify failed")
                && server_log.contains("unable to get local issuer certificate")
                && !server_log.contains("Client certificate"),
            "{version}: s_server should refuse mallory's certificate:\n{server_log}"
        );
        if version == "-tls1_2" {
            assert!(!ok, "{version}: s_client should fail:\n{client}");
        }
    }
}

#[test]
fn tls_client_rejects_server_for_name_not_in_its_certificate() {
    if !require("openssl") {
        return;
    }
    let pki = tls_world("ecdsa-p384", "ecdsa-p256");
    let ca = root_cert(&pki);
    let server = SServer::start(&pki.work(), &mtls_server_args(s(&ca)));
    let (ok, client) = s_client(
        &pki.work(),
        server.port,
        &client_args(s(&ca), "example.com", &["-cert", "alice.pem", "-key", "alice-key.pem"]),
    );
    drop(server);
    assert!(
        !ok && client.contains("hostname mismatch"),
        "s_client should refuse a server certificate for localhost when asking for example.com:\n{client}"
    );
}

/// `curl` against 127.0.0.1 (as `localhost`), never through a proxy, bounded in time.
fn curl(dir: &Path, port: u16, args: &[&str]) -> Output {
    let (resolve, url) = (format!("localhost:{port}:127.0.0.1"), format!("https://localhost:{port}/"));
    let mut argv = vec!["--silent", "--show-error", "--max-time", "20", "--noproxy", "*", "--resolve", &resolve];
    argv.extend_from_slice(args);
    argv.push(&url);
    tool("curl", &argv, dir)
}

#[test]
fn curl_mutual_tls_request_to_openssl_www_server() {
    if !require("openssl") || !require("curl") {
        return;
    }
    let pki = tls_world("ed25519", "rsa-2048");
    let ca = root_cert(&pki);
    let mut args = mtls_server_args(s(&ca));
    args.push("-www");

    let server = SServer::start(&pki.work(), &args);
    let out = curl(&pki.work(), server.port, &["--cacert", s(&ca), "--cert", "alice.pem", "--key", "alice-key.pem"]);
    let server_log = server.finish();
    let body = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && body.contains("Subject: CN=alice"),
        "curl mTLS request failed ({:?}):\n{}\n--- s_server:\n{server_log}",
        out.status.code(),
        both(&out)
    );

    // Without a client certificate the same request fails.
    let server = SServer::start(&pki.work(), &args);
    let out = curl(&pki.work(), server.port, &["--cacert", s(&ca)]);
    let server_log = server.finish();
    assert!(
        !out.status.success(),
        "curl without a client certificate should fail:\n{}\n--- s_server:\n{server_log}",
        both(&out)
    );
    assert!(server_log.contains("peer did not return a certificate"), "s_server:\n{server_log}");
}
