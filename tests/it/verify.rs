//! `pki verify`: path validation as a user runs it. Each verdict is checked three ways:
//! the exit code (0 valid, 3 not valid, 1 bad input, 2 usage), the `--json` document
//! (`valid`, `chain`, the error `code`s) and the human text, which must name the
//! specifics (the names a certificate does carry, how long ago it expired, the issuer
//! that was not given). openssl's `verify` is the oracle for a handful of verdicts.
//!
//! No test reads the wall clock: times are given with `--at`, computed from the root's
//! notBefore (the root is made during the test, so everything pki issued is valid a day
//! after it), and leaves meant to expire get explicit `--not-before`/`--not-after`.
//! Command lines are written as a user would type them; every file they name is in the
//! working directory (the CA's certificates are copied there as `root.pem`, `inter.pem`).

use std::path::{Path, PathBuf};

use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::common::{Pki, openssl_said, parse, pem_wrap, read_cert, read_certs, require, run_tool, s, server_leaf_ext};

const ROOT: &str = "CN=Test Root CA";
const INTER: &str = "CN=Issuing CA";

// ---------------------------------------------------------------------------------------
// Worlds
// ---------------------------------------------------------------------------------------

/// The words of a command line (plain words only: no quoting).
fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

/// A CA directory whose root is `CN=Test Root CA`, copied to `root.pem`.
fn with_root() -> Pki {
    let pki = Pki::new();
    pki.init(&["--cn", "Test Root CA"]);
    std::fs::copy(root_pem(&pki), pki.path("root.pem")).unwrap();
    pki
}

/// Add the intermediate `issuing` (`CN=Issuing CA`, pathLen 0 by default), copied to
/// `inter.pem`.
fn add_intermediate(pki: &Pki) {
    pki.ok(&["ca", "intermediate", "--name", "issuing", "--cn", "Issuing CA", "-q"]);
    std::fs::copy(inter_pem(pki), pki.path("inter.pem")).unwrap();
}

fn root_pem(pki: &Pki) -> PathBuf {
    pki.ca_dir().join("ca.pem")
}

fn root_key(pki: &Pki) -> PathBuf {
    pki.ca_dir().join("ca-key.pem")
}

fn inter_pem(pki: &Pki) -> PathBuf {
    pki.ca_dir().join("intermediates/issuing/ca.pem")
}

fn inter_key(pki: &Pki) -> PathBuf {
    pki.ca_dir().join("intermediates/issuing/ca-key.pem")
}

/// A second CA, `CN=Other Root CA`, whose root is copied into `pki`'s working directory
/// as `other-root.pem`. The returned world must outlive its use.
fn other_root(pki: &Pki) -> Pki {
    let other = Pki::new();
    other.init(&["--cn", "Other Root CA"]);
    std::fs::copy(root_pem(&other), pki.path("other-root.pem")).unwrap();
    other
}

// ---------------------------------------------------------------------------------------
// Time, from the certificates themselves
// ---------------------------------------------------------------------------------------

fn not_before(path: &Path) -> OffsetDateTime {
    parse(&read_cert(path)).validity().not_before.to_datetime()
}

fn not_after(path: &Path) -> OffsetDateTime {
    parse(&read_cert(path)).validity().not_after.to_datetime()
}

/// RFC 3339, UTC, `Z`: what `--at` and `--not-before` take and what pki prints.
fn stamp(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).expect("formattable time")
}

/// The root's notBefore: the test's "now", fixed by the material rather than the clock.
fn epoch(pki: &Pki) -> OffsetDateTime {
    not_before(&root_pem(pki))
}

/// A time when everything pki issued in this test is valid: a day after the root began.
fn at(pki: &Pki) -> String {
    stamp(epoch(pki) + Duration::days(1))
}

/// An hour after the latest notBefore of `certs` (for certificates openssl made, which
/// begin when they are made), and no earlier than [`at`].
fn at_after(pki: &Pki, certs: &[&Path]) -> OffsetDateTime {
    certs.iter().map(|c| not_before(c) + Duration::hours(1)).fold(epoch(pki) + Duration::days(1), OffsetDateTime::max)
}

// ---------------------------------------------------------------------------------------
// Running `pki verify`
// ---------------------------------------------------------------------------------------

/// One `pki verify ARGS`, run twice: as text and with `--json`.
struct Run {
    code: i32,
    json: Value,
    human: String,
    line: String,
}

/// `pki verify LINE` as text and as `--json`: the exit codes must agree and be a verdict.
fn verify(pki: &Pki, line: &str) -> Run {
    verify_args(pki, &words(line))
}

fn verify_args(pki: &Pki, args: &[&str]) -> Run {
    let mut a = vec!["verify"];
    a.extend_from_slice(args);
    let line = a.join(" ");
    let human = pki.run(&a);
    a.push("--json");
    let json = pki.run(&a);
    let stderr = String::from_utf8_lossy(&json.stderr).to_string();
    assert_eq!(human.status.code(), json.status.code(), "pki {line}: --json changed the exit code\n{stderr}");
    let code = json.status.code().expect("exit code, not a signal");
    assert!(code == 0 || code == 3, "pki {line}: expected a verdict (exit 0 or 3), got {code}\nstderr: {stderr}");
    let doc: Value = serde_json::from_slice(&json.stdout).unwrap_or_else(|e| {
        panic!(
            "pki {line}: stdout is not one JSON document ({e}):\n{}\nstderr: {stderr}",
            String::from_utf8_lossy(&json.stdout)
        )
    });
    Run { code, json: doc, human: String::from_utf8(human.stdout).expect("UTF-8 stdout"), line }
}

impl Run {
    fn valid(&self) -> bool {
        let v = &self.json["valid"];
        v.as_bool().unwrap_or_else(|| panic!("{}: `valid` is not a boolean: {}", self.line, self.json))
    }

    fn chain(&self) -> Vec<String> {
        let c = self.json["chain"].as_array();
        c.unwrap_or_else(|| panic!("{}: `chain` is not an array: {}", self.line, self.json))
            .iter()
            .map(|v| v.as_str().expect("chain entries are strings").to_string())
            .collect()
    }

    fn errors(&self) -> &Vec<Value> {
        let e = self.json["errors"].as_array();
        e.unwrap_or_else(|| panic!("{}: `errors` is not an array: {}", self.line, self.json))
    }

    fn codes(&self) -> Vec<String> {
        let codes = self.errors().iter().map(|e| e["code"].as_str().expect("a string code"));
        codes.map(str::to_string).collect()
    }

    fn error(&self, code: &str) -> &Value {
        let e = self.errors().iter().find(|e| e["code"] == code);
        e.unwrap_or_else(|| panic!("{}: no `{code}` error in {}", self.line, self.json))
    }

    /// The message of the (first) error with `code`.
    fn message(&self, code: &str) -> String {
        self.error(code)["message"].as_str().expect("a string message").to_string()
    }

    fn hint(&self, code: &str) -> String {
        let h = self.error(code)["hint"].as_str();
        h.unwrap_or_else(|| panic!("{}: no hint for `{code}`", self.line)).to_string()
    }

    /// The subjects the human text lists under "chain", leaf first.
    fn human_chain(&self) -> Vec<String> {
        let lines = self.human.lines();
        lines
            .filter_map(|l| l.strip_prefix("  chain  ").or_else(|| l.strip_prefix("         ← ")))
            .map(|l| l.trim_end_matches("  (trust anchor)").to_string())
            .collect()
    }
}

/// Exit 0, `valid: true`, no errors, and the chain (JSON and text) exactly `chain`, with
/// the last one marked as the trust anchor in the text.
fn assert_valid(pki: &Pki, line: &str, chain: &[&str]) -> Run {
    let r = verify(pki, line);
    assert_eq!(r.code, 0, "pki {} should be valid:\n{}\n{}", r.line, r.human, r.json);
    assert!(r.valid(), "{}: exit 0 but not valid: {}", r.line, r.json);
    assert!(r.errors().is_empty(), "{}: valid with errors: {}", r.line, r.json);
    assert_eq!(r.chain(), chain, "{}: JSON chain", r.line);
    assert_eq!(r.human_chain(), chain, "{}: chain in the text:\n{}", r.line, r.human);
    assert!(r.human.starts_with("✓ valid for "), "{}:\n{}", r.line, r.human);
    let anchor = r.human.lines().rev().find(|l| l.contains(chain[chain.len() - 1]));
    assert!(
        anchor.is_some_and(|l| l.ends_with("  (trust anchor)")),
        "{}: the anchor is not marked:\n{}",
        r.line,
        r.human
    );
    r
}

/// Exit 3, `valid: false`, and exactly the error codes `codes` (in any order). Every
/// error appears in the text as `CODE: MESSAGE`, with its hint when it has one.
fn assert_invalid(pki: &Pki, line: &str, codes: &[&str]) -> Run {
    check_invalid(verify(pki, line), codes)
}

fn check_invalid(r: Run, codes: &[&str]) -> Run {
    assert_eq!(r.code, 3, "pki {} should be invalid:\n{}\n{}", r.line, r.human, r.json);
    assert!(!r.valid(), "{}: exit 3 but valid: {}", r.line, r.json);
    let mut got = r.codes();
    got.sort();
    let mut want: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
    want.sort();
    assert_eq!(got, want, "{}: error codes\n{}", r.line, r.human);
    assert!(r.human.starts_with("✗ NOT valid for "), "{}:\n{}", r.line, r.human);
    for e in r.errors() {
        let obj = e.as_object().expect("errors are objects");
        for k in obj.keys() {
            let known = ["code", "message", "hint"].contains(&k.as_str());
            assert!(known, "{}: unexpected key {k} in {e}", r.line);
        }
        let line = format!("  {}: {}", e["code"].as_str().unwrap(), e["message"].as_str().unwrap());
        let shown = r.human.lines().any(|l| l == line);
        assert!(shown, "{}: the text lacks {line:?}:\n{}", r.line, r.human);
        if let Some(h) = e["hint"].as_str() {
            let shown = r.human.lines().any(|l| l == format!("    hint: {h}"));
            assert!(shown, "{}: the text lacks the hint {h:?}:\n{}", r.line, r.human);
        }
    }
    r
}

// ---------------------------------------------------------------------------------------
// Certificates made by hand (openssl), and by tampering
// ---------------------------------------------------------------------------------------

/// A P-256 key `NAME-key.pem` and a certificate `NAME.pem` for `CN=cn`, signed with openssl
/// by `issuer` (certificate, key), with the extensions `ext` (none at all when empty:
/// openssl 3.0 then writes a version 1 certificate). Valid for 30 days from now.
fn openssl_cert(pki: &Pki, name: &str, cn: &str, issuer: (&Path, &Path), ext: &[&str]) -> PathBuf {
    let (key, csr, out) = (format!("{name}-key.pem"), format!("{name}.csr"), format!("{name}.pem"));
    openssl_said(&pki.work(), &words(&format!("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out {key}")));
    openssl_said(&pki.work(), &["req", "-new", "-key", &key, "-subj", &format!("/CN={cn}"), "-out", &csr]);
    // The name's bytes as the serial: positive, and unique among one test's certificates.
    let serial: String = name.bytes().map(|b| format!("{b:02x}")).collect();
    let serial = format!("0x{serial}");
    let line = format!("x509 -req -in {csr} -set_serial {serial} -days 30 -out {out}");
    let mut args = words(&line);
    args.extend(["-CA", s(issuer.0), "-CAkey", s(issuer.1)]);
    let extfile = format!("{name}.ext");
    if !ext.is_empty() {
        std::fs::write(pki.path(&extfile), ext.join("\n") + "\n").unwrap();
        args.extend(["-extfile", &extfile]);
    }
    openssl_said(&pki.work(), &args);
    pki.path(&out)
}

const SUB_CA_EXT: &[&str] = &[
    "basicConstraints=critical,CA:TRUE,pathlen:0",
    "keyUsage=critical,keyCertSign,cRLSign",
    "subjectKeyIdentifier=hash",
    "authorityKeyIdentifier=keyid",
];

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// `sub.pem` for `sub.test`, signed with openssl by the leaf `localhost.pem` (CA:FALSE),
/// and `sub-chain.pem` = sub + localhost.
fn signed_by_a_leaf(pki: &Pki) -> PathBuf {
    let leaf = (&*pki.path("localhost.pem"), &*pki.path("localhost-key.pem"));
    let ext = server_leaf_ext("DNS:sub.test,DNS:localhost");
    let sub = openssl_cert(pki, "sub", "sub.test", leaf, &refs(&ext));
    cat(pki, "sub-chain.pem", &[&sub, &pki.path("localhost.pem")]);
    sub
}

/// A second-level intermediate `subca.pem` (openssl) under pki's intermediate `issuing`
/// (pathLen 0), a leaf `deep.pem` for `deep.test` under it, and `deep-chain.pem` = deep +
/// subca + issuing: one CA more than `issuing` allows.
fn deep_chain(pki: &Pki) -> PathBuf {
    let inter = read_cert(&inter_pem(pki));
    let bc = parse(&inter).basic_constraints().unwrap().unwrap().value.clone();
    assert_eq!(bc.path_len_constraint, Some(0), "the premise: pki's intermediate has pathLen 0");
    let sub = openssl_cert(pki, "subca", "Sub CA", (&inter_pem(pki), &inter_key(pki)), SUB_CA_EXT);
    let sub_key = pki.path("subca-key.pem");
    let leaf = openssl_cert(pki, "deep", "deep.test", (&sub, &sub_key), &refs(&server_leaf_ext("DNS:deep.test")));
    cat(pki, "deep-chain.pem", &[&leaf, &sub, &inter_pem(pki)]);
    leaf
}

/// Concatenate certificate files into `name` (a chain file).
fn cat(pki: &Pki, name: &str, parts: &[&Path]) -> PathBuf {
    let text: String = parts.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect();
    std::fs::write(pki.path(name), text).unwrap();
    pki.path(name)
}

/// `localhost.pem` with the last byte of its signature flipped, as `tampered.pem`: still
/// well-formed, but its root's key no longer verifies it.
fn tampered(pki: &Pki) -> Vec<u8> {
    let mut der = read_cert(&pki.path("localhost.pem"));
    *der.last_mut().unwrap() ^= 0x01;
    let root = read_cert(&root_pem(pki));
    let sig = parse(&der).verify_signature(Some(parse(&root).public_key()));
    assert!(sig.is_err(), "the premise: the signature no longer verifies");
    std::fs::write(pki.path("tampered.pem"), pem_wrap("CERTIFICATE", &der)).unwrap();
    assert_eq!(read_certs(&pki.path("tampered.pem")), vec![der.clone()]);
    der
}

/// A CRL `name`, signed by the root with `openssl ca -gencrl`, revoking the certificate
/// files `revoked` (certificates of this CA).
fn crl(pki: &Pki, name: &str, revoked: &[&Path]) {
    let dir = pki.root().join(format!("{name}.d"));
    std::fs::create_dir_all(&dir).unwrap();
    let mut index = String::new();
    for cert in revoked {
        let out = openssl_said(&pki.work(), &["x509", "-in", s(cert), "-noout", "-serial"]);
        let serial = out.trim().strip_prefix("serial=").expect("openssl prints serial=");
        let subject = parse(&read_cert(cert)).subject().to_string();
        index += &format!("R\t300101000000Z\t240101000000Z\t{serial}\tunknown\t/{subject}\n");
    }
    std::fs::write(dir.join("index.txt"), index).unwrap();
    std::fs::write(dir.join("crlnumber"), "01\n").unwrap();
    let (db, num) = (dir.join("index.txt"), dir.join("crlnumber"));
    let cnf = format!(
        "[ca]\ndefault_ca = d\n[d]\ndatabase = {}\ncrlnumber = {}\ndefault_md = sha256\ndefault_crl_days = 30\n",
        db.display(),
        num.display()
    );
    std::fs::write(dir.join("ca.cnf"), cnf).unwrap();
    let (line, cnf, key, cert) = (format!("ca -gencrl -out {name}"), dir.join("ca.cnf"), root_key(pki), root_pem(pki));
    let mut args = words(&line);
    args.extend(["-config", s(&cnf), "-keyfile", s(&key), "-cert", s(&cert)]);
    openssl_said(&pki.work(), &args);
}

// ---------------------------------------------------------------------------------------
// Valid
// ---------------------------------------------------------------------------------------

#[test]
fn a_server_certificate_is_valid_through_the_ca_directory_root_by_dns_name() {
    let pki = with_root();
    pki.ok(&words("issue server --san localhost,127.0.0.1,::1 -q"));
    let at = at(&pki);
    let chain = ["CN=localhost", ROOT];

    // No --ca: the CA directory's root is the anchor.
    let line = format!("localhost.pem --host localhost --purpose server --at {at}");
    let r = assert_valid(&pki, &line, &chain);
    assert_eq!(
        r.human,
        format!("✓ valid for localhost (server)\n  chain  CN=localhost\n         ← {ROOT}  (trust anchor)\n")
    );
    // The chain file (the leaf alone: no intermediate under the root), and --ca naming the
    // same root, agree.
    assert_valid(&pki, &format!("localhost-chain.pem --host localhost --at {at}"), &chain);
    assert_valid(&pki, &format!("localhost.pem --ca root.pem --host localhost --at {at}"), &chain);
    // Nothing asked but the chain: valid for any purpose.
    let r = assert_valid(&pki, &format!("localhost.pem --at {at}"), &chain);
    assert!(r.human.starts_with("✓ valid for any purpose\n"), "{}", r.human);
}

#[test]
fn a_server_certificate_is_valid_by_ipv4_and_ipv6_address_and_not_for_others() {
    let pki = with_root();
    pki.ok(&words("issue server --san localhost,127.0.0.1,::1 -q"));
    let at = at(&pki);
    let chain = ["CN=localhost", ROOT];
    // The long IPv6 form is the same address, shown in its short form.
    for (ip, shown) in [("127.0.0.1", "127.0.0.1"), ("::1", "::1"), ("0:0:0:0:0:0:0:1", "::1")] {
        let r = assert_valid(&pki, &format!("localhost.pem --ip {ip} --purpose server --at {at}"), &chain);
        assert!(r.human.starts_with(&format!("✓ valid for {shown} (server)\n")), "{}", r.human);
    }
    for ip in ["10.0.0.1", "::2", "127.0.0.2"] {
        let r = assert_invalid(&pki, &format!("localhost.pem --ip {ip} --at {at}"), &["name_mismatch"]);
        assert_eq!(r.message("name_mismatch"), format!("the certificate is for localhost, 127.0.0.1, ::1, not {ip}"));
        // The chain itself is fine and still shown.
        assert_eq!(r.chain(), chain);
    }
}

#[test]
fn a_certificate_under_an_intermediate_is_valid_from_its_chain_file_or_with_untrusted() {
    let pki = with_root();
    add_intermediate(&pki);
    pki.ok(&words("issue server --san api.example.com --issuer issuing -q"));
    let at = at(&pki);
    let chain = ["CN=api.example.com", INTER, ROOT];
    let line = format!("api.example.com-chain.pem --host api.example.com --purpose server --at {at}");
    let r = assert_valid(&pki, &line, &chain);
    assert_eq!(
        r.human,
        format!(
            "✓ valid for api.example.com (server)\n  chain  CN=api.example.com\n         ← {INTER}\n         ← {ROOT}  (trust anchor)\n"
        )
    );
    assert_valid(&pki, &format!("api.example.com.pem --untrusted inter.pem --at {at}"), &chain);
    // An --untrusted certificate that plays no part stays out of the chain.
    pki.ok(&words("issue server --san other.test -q"));
    let line = format!("api.example.com.pem --untrusted other.test.pem --untrusted inter.pem --at {at}");
    assert_valid(&pki, &line, &chain);
}

#[test]
fn a_wildcard_covers_exactly_one_label() {
    let pki = with_root();
    pki.ok(&words("issue server --san *.example.com -q"));
    let at = at(&pki);
    for host in ["a.example.com", "www.example.com", "A.Example.COM"] {
        let line = format!("_wildcard.example.com.pem --host {host} --purpose server --at {at}");
        assert_valid(&pki, &line, &["CN=*.example.com", ROOT]);
    }
    for host in ["example.com", "a.b.example.com", "a.example.org"] {
        let line = format!("_wildcard.example.com.pem --host {host} --at {at}");
        let r = assert_invalid(&pki, &line, &["name_mismatch"]);
        assert_eq!(r.message("name_mismatch"), format!("the certificate is for *.example.com, not {host}"));
        assert!(r.human.starts_with(&format!("✗ NOT valid for {host} (any purpose)\n")), "{}", r.human);
    }
}

#[test]
fn the_purpose_follows_the_extended_key_usage() {
    let pki = with_root();
    pki.ok(&words("issue server --san srv.test -q"));
    pki.ok(&words("issue client --cn alice -q"));
    let at = at(&pki);
    for purpose in ["server", "any"] {
        assert_valid(&pki, &format!("srv.test.pem --purpose {purpose} --at {at}"), &["CN=srv.test", ROOT]);
    }
    for (purpose, shown) in [("client", "client"), ("any", "any purpose")] {
        let r = assert_valid(&pki, &format!("alice.pem --purpose {purpose} --at {at}"), &["CN=alice", ROOT]);
        assert!(r.human.starts_with(&format!("✓ valid for {shown}\n")), "{}", r.human);
    }
    let r = assert_invalid(&pki, &format!("srv.test.pem --purpose client --at {at}"), &["wrong_purpose"]);
    assert_eq!(
        r.message("wrong_purpose"),
        "the certificate's extended key usage (server_auth) does not allow TLS client authentication (client_auth)"
    );
    assert!(r.hint("wrong_purpose").contains("pki issue client"), "{}", r.hint("wrong_purpose"));
    let r = assert_invalid(&pki, &format!("alice.pem --purpose server --at {at}"), &["wrong_purpose"]);
    assert_eq!(
        r.message("wrong_purpose"),
        "the certificate's extended key usage (client_auth) does not allow TLS server authentication (server_auth)"
    );
    assert!(r.human.starts_with("✗ NOT valid for server\n"), "{}", r.human);
}

// ---------------------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------------------

#[test]
fn a_certificate_minted_in_the_past_is_expired() {
    let pki = with_root();
    pki.ok(&words("issue client --cn old --not-before 2020-01-01 --not-after 2021-01-01 -q"));
    // The default --at is now, long after 2021: how many days ago depends on today, so
    // only the rest of the sentence is pinned.
    let r = assert_invalid(&pki, "old.pem", &["expired"]);
    let msg = r.message("expired");
    assert!(msg.starts_with("'CN=old' expired "), "{msg}");
    assert!(msg.ends_with(" days ago (notAfter 2021-01-01T00:00:00Z)"), "{msg}");
    assert!(r.hint("expired").contains("--at"), "{}", r.hint("expired"));
    assert_eq!(r.chain(), ["CN=old", ROOT]);
}

#[test]
fn validity_is_checked_at_the_time_given_with_at() {
    let pki = with_root();
    let t0 = epoch(&pki);
    let (nb, na) = (t0 + Duration::days(1), t0 + Duration::days(31));
    let (nbs, nas) = (stamp(nb), stamp(na));
    pki.ok(&words(&format!("issue server --san soon.test --not-before {nbs} --not-after {nas} -q")));
    assert_eq!(not_before(&pki.path("soon.test.pem")), nb);
    assert_eq!(not_after(&pki.path("soon.test.pem")), na);
    let chain = ["CN=soon.test", ROOT];

    // Inside the window, and at both ends (RFC 5280: the bounds are inclusive).
    for t in [nb, nb + Duration::days(15), na] {
        assert_valid(&pki, &format!("soon.test.pem --host soon.test --at {}", stamp(t)), &chain);
    }

    let line = format!("soon.test.pem --at {}", stamp(na + Duration::days(10)));
    let r = assert_invalid(&pki, &line, &["expired"]);
    assert_eq!(r.message("expired"), format!("'CN=soon.test' expired 10 days ago (notAfter {nas})"));
    assert_eq!(r.chain(), chain);
    let line = format!("soon.test.pem --at {}", stamp(na + Duration::seconds(1)));
    assert_invalid(&pki, &line, &["expired"]);

    let line = format!("soon.test.pem --at {}", stamp(nb - Duration::hours(12)));
    let r = assert_invalid(&pki, &line, &["not_yet_valid"]);
    assert_eq!(r.message("not_yet_valid"), format!("'CN=soon.test' is not valid until {nbs} (in 12 hours)"));
    assert!(r.hint("not_yet_valid").contains("--at"), "{}", r.hint("not_yet_valid"));

    // A time with another offset is the same instant: an hour before notBefore.
    let before = (nb - Duration::hours(1)).to_offset(time::macros::offset!(+02:00));
    let line = format!("soon.test.pem --at {}", before.format(&Rfc3339).unwrap());
    assert_invalid(&pki, &line, &["not_yet_valid"]);
}

/// The contract checks "validity at --at for every certificate": the anchor too, as
/// openssl does (webpki alone never looks at a trust anchor's dates).
#[test]
fn a_root_that_is_not_valid_yet_at_the_time_asked_is_reported() {
    let pki = with_root();
    let t0 = epoch(&pki);
    let (nb, na) = (stamp(t0 - Duration::days(30)), stamp(t0 + Duration::days(30)));
    pki.ok(&words(&format!("issue server --san early.test --not-before {nb} --not-after {na} -q")));
    let at = t0 - Duration::days(10);
    if require("openssl") {
        let line = format!("verify -attime {} -CAfile root.pem early.test.pem", at.unix_timestamp());
        let (ok, out) = run_tool("openssl", &words(&line), &pki.work());
        assert!(!ok && out.contains("not yet valid"), "openssl: {out}");
    }
    let r = assert_invalid(&pki, &format!("early.test.pem --at {}", stamp(at)), &["not_yet_valid"]);
    let msg = r.message("not_yet_valid");
    assert!(msg.starts_with(&format!("'{ROOT}' is not valid until ")), "{msg}");
}

// ---------------------------------------------------------------------------------------
// Issuers and signatures
// ---------------------------------------------------------------------------------------

#[test]
fn another_cas_root_is_an_unknown_issuer_that_is_named() {
    let pki = with_root();
    let _other = other_root(&pki);
    pki.ok(&words("issue server --san localhost -q"));
    let at = at(&pki);
    // --ca replaces the CA directory's root: the genuine root is not consulted.
    let line = format!("localhost.pem --ca other-root.pem --host localhost --at {at}");
    let r = assert_invalid(&pki, &line, &["unknown_issuer"]);
    assert_eq!(
        r.message("unknown_issuer"),
        format!("no trust anchor matches: 'CN=localhost' is issued by '{ROOT}', which was not given")
    );
    assert!(r.hint("unknown_issuer").contains("--ca FILE"), "{}", r.hint("unknown_issuer"));
    assert_eq!(r.chain(), ["CN=localhost"]);
    assert!(r.human.starts_with("✗ NOT valid for localhost (any purpose)\n"), "{}", r.human);
    // With both roots given, the right one is found.
    let line = format!("localhost.pem --ca other-root.pem --ca root.pem --at {at}");
    assert_valid(&pki, &line, &["CN=localhost", ROOT]);
}

#[test]
fn a_missing_intermediate_is_an_unknown_issuer_naming_it() {
    let pki = with_root();
    add_intermediate(&pki);
    pki.ok(&words("issue client --cn bob --issuer issuing -q"));
    let at = at(&pki);
    // The CA directory's own intermediate completes the path (issue 14)...
    assert_valid(&pki, &format!("bob.pem --at {at}"), &["CN=bob", INTER, ROOT]);
    // ... and when it is nowhere, its absence is named.
    let away = pki.root().join("issuing-away");
    std::fs::rename(pki.ca_dir().join("intermediates/issuing"), &away).unwrap();
    let r = assert_invalid(&pki, &format!("bob.pem --at {at}"), &["unknown_issuer"]);
    assert_eq!(
        r.message("unknown_issuer"),
        format!("no trust anchor matches: 'CN=bob' is issued by '{INTER}', which was not given")
    );
    assert_eq!(r.chain(), ["CN=bob"]);
    // The intermediate given as the trust anchor is enough: the path ends there.
    assert_valid(&pki, &format!("bob.pem --ca inter.pem --at {at}"), &["CN=bob", INTER]);
}

#[test]
fn an_issuer_with_the_same_name_but_another_key_is_a_bad_signature() {
    let pki = Pki::new();
    pki.init(&["--cn", "Same Name CA"]);
    let impostor = Pki::new();
    impostor.init(&["--cn", "Same Name CA"]);
    std::fs::copy(root_pem(&pki), pki.path("genuine.pem")).unwrap();
    std::fs::copy(root_pem(&impostor), pki.path("impostor.pem")).unwrap();
    let name = |f: &str| parse(&read_cert(&pki.path(f))).subject().to_string();
    assert_eq!(name("genuine.pem"), name("impostor.pem"), "the premise: two roots, one name");
    pki.ok(&words("issue server --san x.test -q"));
    let at = at(&pki);
    let r = assert_invalid(&pki, &format!("x.test.pem --ca impostor.pem --at {at}"), &["bad_signature"]);
    assert_eq!(r.message("bad_signature"), "a signature in the chain does not verify with its issuer's key");
    assert!(r.hint("bad_signature").contains("same issuer name"), "{}", r.hint("bad_signature"));
    assert_eq!(r.chain(), ["CN=x.test", "CN=Same Name CA"]);
    // Both given: the one whose key signed it is the anchor.
    let line = format!("x.test.pem --ca impostor.pem --ca genuine.pem --at {at}");
    assert_valid(&pki, &line, &["CN=x.test", "CN=Same Name CA"]);
}

#[test]
fn a_tampered_signature_is_a_bad_signature_in_pem_and_in_der() {
    let pki = with_root();
    pki.ok(&words("issue server --san localhost -q"));
    let der = tampered(&pki);
    std::fs::write(pki.path("tampered.der"), &der).unwrap();
    let at = at(&pki);
    for file in ["tampered.pem", "tampered.der"] {
        let r = assert_invalid(&pki, &format!("{file} --host localhost --at {at}"), &["bad_signature"]);
        assert_eq!(r.chain(), ["CN=localhost", ROOT]);
    }
}

#[test]
fn a_leaf_used_as_an_issuer_is_not_a_ca() {
    if !require("openssl") {
        return;
    }
    let pki = with_root();
    pki.ok(&words("issue server --san localhost -q"));
    let sub = signed_by_a_leaf(&pki);
    let at = stamp(at_after(&pki, &[&sub]));
    let line = format!("sub-chain.pem --host sub.test --purpose server --at {at}");
    let r = assert_invalid(&pki, &line, &["not_a_ca"]);
    assert!(r.message("not_a_ca").contains("is not a CA"), "{}", r.message("not_a_ca"));
    assert_eq!(r.chain(), ["CN=sub.test", "CN=localhost", ROOT]);
}

#[test]
fn a_chain_longer_than_an_intermediates_path_len_is_path_len_exceeded() {
    if !require("openssl") {
        return;
    }
    let pki = with_root();
    add_intermediate(&pki);
    let deep = deep_chain(&pki);
    let at = stamp(at_after(&pki, &[&deep]));
    let line = format!("deep-chain.pem --host deep.test --purpose server --at {at}");
    let r = assert_invalid(&pki, &line, &["path_len_exceeded"]);
    assert_eq!(r.message("path_len_exceeded"), "the chain is longer than a CA's pathLenConstraint allows");
    assert_eq!(r.chain(), ["CN=deep.test", "CN=Sub CA", INTER, ROOT]);
}

#[test]
fn a_root_with_path_len_0_forbids_any_intermediate() {
    let pki = Pki::new();
    pki.init(&["--cn", "Test Root CA", "--path-len", "0"]);
    std::fs::copy(root_pem(&pki), pki.path("root.pem")).unwrap();
    // pki refuses to make an intermediate the root's pathLen forbids ...
    let err = pki.fails(1, &words("ca intermediate --name issuing --cn Issuing"));
    assert!(err.contains("pathLenConstraint is 0"), "{err}");
    if !require("openssl") {
        return;
    }
    // ... so make one with openssl, signed by the root's key, and a leaf under it.
    let key = pki.ca_dir().join("ca-key.pem");
    std::fs::write(
        pki.path("ext.cnf"),
        "[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n\
         subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n\
         [leaf]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n\
         extendedKeyUsage=serverAuth\nsubjectAltName=DNS:p.test\nauthorityKeyIdentifier=keyid\n",
    )
    .unwrap();
    let sh = |line: &str| {
        let (ok, out) = run_tool("openssl", &words(line), &pki.work());
        assert!(ok, "openssl {line}: {out}");
    };
    sh("ecparam -name prime256v1 -genkey -noout -out inter.key");
    sh("req -new -key inter.key -subj /CN=Issuing -out inter.csr");
    let k = key.display();
    sh(&format!(
        "x509 -req -in inter.csr -CA root.pem -CAkey {k} -set_serial 7 -days 30 -extfile ext.cnf -extensions ca -out inter.pem"
    ));
    sh("ecparam -name prime256v1 -genkey -noout -out leaf.key");
    sh("req -new -key leaf.key -subj /CN=p.test -out leaf.csr");
    sh(
        "x509 -req -in leaf.csr -CA inter.pem -CAkey inter.key -set_serial 8 -days 20 -extfile ext.cnf -extensions leaf -out p.test.pem",
    );
    let (ok, out) = run_tool("openssl", &words("verify -CAfile root.pem -untrusted inter.pem p.test.pem"), &pki.work());
    assert!(!ok && out.contains("path length constraint exceeded"), "openssl: {out}");
    let r =
        assert_invalid(&pki, "p.test.pem --untrusted inter.pem --ca root.pem --host p.test", &["path_len_exceeded"]);
    assert_eq!(r.chain(), ["CN=p.test", "CN=Issuing", ROOT]);
}

// ---------------------------------------------------------------------------------------
// Names, keys, revocation
// ---------------------------------------------------------------------------------------

#[test]
fn a_name_mismatch_lists_the_names_the_certificate_carries() {
    let pki = with_root();
    pki.ok(&words("issue server --san a.test,b.test,10.1.2.3 --cn c.test -q"));
    pki.ok(&words("issue client --cn alice -q"));
    let at = at(&pki);
    let r = assert_invalid(&pki, &format!("a.test.pem --host example.org --at {at}"), &["name_mismatch"]);
    assert_eq!(r.message("name_mismatch"), "the certificate is for a.test, b.test, 10.1.2.3, not example.org");
    assert!(r.hint("name_mismatch").contains("--san"), "{}", r.hint("name_mismatch"));
    assert!(r.human.starts_with("✗ NOT valid for example.org (any purpose)\n"), "{}", r.human);
    // Never the CN.
    let r = assert_invalid(&pki, &format!("a.test.pem --host c.test --at {at}"), &["name_mismatch"]);
    assert_eq!(r.message("name_mismatch"), "the certificate is for a.test, b.test, 10.1.2.3, not c.test");
    let r = assert_invalid(&pki, &format!("alice.pem --host alice --at {at}"), &["name_mismatch"]);
    assert_eq!(r.message("name_mismatch"), "the certificate is for no names at all (no SAN), not alice");
    // Host and IP both asked: each is checked.
    let line = format!("a.test.pem --host b.test --ip 10.1.2.3 --at {at}");
    assert_valid(&pki, &line, &["CN=c.test", ROOT]);
    let line = format!("a.test.pem --host b.test --ip 10.1.2.4 --at {at}");
    let r = assert_invalid(&pki, &line, &["name_mismatch"]);
    assert_eq!(r.message("name_mismatch"), "the certificate is for a.test, b.test, 10.1.2.3, not 10.1.2.4");
    assert!(r.human.starts_with("✗ NOT valid for b.test, 10.1.2.4 (any purpose)\n"), "{}", r.human);
}

#[test]
fn a_key_that_does_not_belong_to_the_leaf_is_a_key_mismatch() {
    let pki = with_root();
    pki.ok(&words("issue server --san localhost -q"));
    pki.ok(&words("issue client --cn alice -q"));
    pki.ok(&words("issue client --cn rsa --key-type rsa-2048 -q"));
    let at = at(&pki);
    let chain = ["CN=localhost", ROOT];
    assert_valid(&pki, &format!("localhost.pem --key localhost-key.pem --at {at}"), &chain);
    let r = assert_invalid(&pki, &format!("localhost.pem --key alice-key.pem --at {at}"), &["key_mismatch"]);
    assert_eq!(r.message("key_mismatch"), "the key 'alice-key.pem' does not belong to this certificate");
    // The chain is fine; only the key is wrong.
    assert_eq!(r.chain(), chain);
    // Another key type entirely.
    assert_invalid(&pki, &format!("localhost.pem --key rsa-key.pem --at {at}"), &["key_mismatch"]);
}

#[test]
fn a_certificate_listed_in_a_crl_is_revoked_and_one_not_listed_is_not() {
    if !require("openssl") {
        return;
    }
    let pki = with_root();
    pki.ok(&words("issue server --san localhost -q"));
    pki.ok(&words("issue client --cn alice -q"));
    crl(&pki, "crl.pem", &[&pki.path("localhost.pem")]);
    crl(&pki, "empty-crl.pem", &[]);
    let at = at(&pki);
    let line = format!("localhost.pem --crl crl.pem --host localhost --at {at}");
    let r = assert_invalid(&pki, &line, &["revoked"]);
    assert!(r.message("revoked").contains("revoked"), "{}", r.message("revoked"));
    assert_eq!(r.chain(), ["CN=localhost", ROOT]);
    // The same CRL leaves another certificate alone; an empty CRL revokes nothing.
    let line = format!("alice.pem --crl crl.pem --purpose client --at {at}");
    assert_valid(&pki, &line, &["CN=alice", ROOT]);
    let line = format!("localhost.pem --crl empty-crl.pem --host localhost --at {at}");
    assert_valid(&pki, &line, &["CN=localhost", ROOT]);
    // openssl reads the CRL the same way.
    let line = "verify -crl_check -CRLfile crl.pem -CAfile root.pem localhost.pem";
    let (ok, out) = run_tool("openssl", &words(line), &pki.work());
    assert!(!ok && out.contains("revoked"), "openssl: {out}");
}

// ---------------------------------------------------------------------------------------
// Malformed input
// ---------------------------------------------------------------------------------------

/// Base64 of "not a certificate at all": a PEM block whose content is not DER.
const GARBAGE_BLOCK: &str =
    "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGUgYXQgYWxs\n-----END CERTIFICATE-----\n";

#[test]
fn garbage_inside_a_certificate_block_is_an_error_naming_the_file() {
    let pki = with_root();
    std::fs::write(pki.path("garbage.pem"), GARBAGE_BLOCK).unwrap();
    let err = pki.fails(1, &words(&format!("verify garbage.pem --at {}", at(&pki))));
    assert!(err.contains("'garbage.pem'"), "{err}");
}

#[test]
fn garbage_in_a_ca_or_untrusted_file_is_an_error_naming_the_file() {
    let pki = with_root();
    pki.ok(&words("issue server --san localhost -q"));
    std::fs::write(pki.path("garbage.pem"), GARBAGE_BLOCK).unwrap();
    for flag in ["--ca", "--untrusted"] {
        let line = format!("verify localhost.pem {flag} garbage.pem --at {}", at(&pki));
        let err = pki.fails(1, &words(&line));
        assert!(err.contains("'garbage.pem'"), "{flag}: {err}");
    }
}

#[test]
fn bad_base64_in_a_certificate_block_is_an_error_naming_the_file() {
    let pki = with_root();
    let text = "-----BEGIN CERTIFICATE-----\n!!!! not base64 @@@\n-----END CERTIFICATE-----\n";
    std::fs::write(pki.path("bad.pem"), text).unwrap();
    let out = pki.run(&words("verify bad.pem --json"));
    assert_eq!(out.status.code(), Some(1));
    // No verdict for unreadable input: stdout holds the error document only (issue 14).
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("an error document");
    assert!(doc.get("valid").is_none() && doc["error"]["exit_code"] == 1, "{doc}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: cannot read 'bad.pem'"), "{err}");
}

#[test]
fn a_version_1_certificate_is_malformed() {
    if !require("openssl") {
        return;
    }
    let pki = with_root();
    let v1 = openssl_cert(&pki, "v1", "v1.test", (&root_pem(&pki), &root_key(&pki)), &[]);
    let mut der = read_cert(&v1);
    if parse(&der).version().0 != 0 {
        // openssl 3.2+ writes v3 even without extensions: make the version field say v1
        // (webpki rejects the version before it looks at the signature).
        let field = der.windows(5).position(|w| w == [0xa0, 0x03, 0x02, 0x01, 0x02]);
        der[field.expect("an explicit version field") + 4] = 0x00;
        std::fs::write(&v1, pem_wrap("CERTIFICATE", &der)).unwrap();
    }
    assert_eq!(parse(&read_cert(&v1)).version().0, 0, "the premise: a v1 certificate");
    let at = stamp(at_after(&pki, &[&v1]));
    let r = assert_invalid(&pki, &format!("v1.pem --host v1.test --at {at}"), &["malformed"]);
    assert_eq!(r.message("malformed"), "the certificate cannot be parsed: not an X.509 v3 certificate");
    assert_eq!(r.chain(), ["CN=v1.test"]);
}

// ---------------------------------------------------------------------------------------
// Several problems at once
// ---------------------------------------------------------------------------------------

/// A client certificate `late.pem` (`CN=late`, no SAN) valid from 1 to 31 days after the
/// root began; returns the time 41 days after the root began (10 days after it expired).
fn expired_client(pki: &Pki) -> String {
    let t0 = epoch(pki);
    let (nb, na) = (stamp(t0 + Duration::days(1)), stamp(t0 + Duration::days(31)));
    pki.ok(&words(&format!("issue client --cn late --not-before {nb} --not-after {na} -q")));
    stamp(t0 + Duration::days(41))
}

#[test]
fn every_problem_is_listed_not_only_the_first() {
    let pki = with_root();
    pki.ok(&words("issue server --san localhost -q"));
    let at = expired_client(&pki);
    let line = format!("late.pem --purpose server --host wrong.test --at {at}");
    let r = assert_invalid(&pki, &line, &["expired", "wrong_purpose", "name_mismatch"]);
    let na = stamp(not_after(&pki.path("late.pem")));
    assert_eq!(r.message("expired"), format!("'CN=late' expired 10 days ago (notAfter {na})"));
    assert_eq!(
        r.message("wrong_purpose"),
        "the certificate's extended key usage (client_auth) does not allow TLS server authentication (server_auth)"
    );
    assert_eq!(r.message("name_mismatch"), "the certificate is for no names at all (no SAN), not wrong.test");
    assert!(r.human.starts_with("✗ NOT valid for wrong.test (server)\n"), "{}", r.human);
    // And a key that is not its own on top.
    let line = format!("late.pem --purpose server --host wrong.test --key localhost-key.pem --at {at}");
    assert_invalid(&pki, &line, &["expired", "wrong_purpose", "name_mismatch", "key_mismatch"]);
}

/// Invalid certificates, each with one problem: (what, the `pki verify` arguments that
/// show it, the code, the certificate's own key, whether the leaf is a client certificate).
struct Broken {
    what: &'static str,
    line: String,
    code: &'static str,
    key: &'static str,
    client: bool,
}

/// One world holding one certificate per problem, for the combination tests.
fn broken_world() -> (Pki, Pki, Vec<Broken>) {
    let pki = with_root();
    add_intermediate(&pki);
    let other = other_root(&pki);
    pki.ok(&words("issue server --san localhost,127.0.0.1 -q"));
    pki.ok(&words("issue client --cn alice -q"));
    let t0 = epoch(&pki);
    let (nb, na) = (stamp(t0 + Duration::days(2)), stamp(t0 + Duration::days(3)));
    pki.ok(&words(&format!("issue server --san localhost --name soon --not-before {nb} --not-after {na} -q")));
    tampered(&pki);
    let sub = signed_by_a_leaf(&pki);
    crl(&pki, "crl.pem", &[&pki.path("localhost.pem")]);
    let at = stamp(at_after(&pki, &[&sub]));
    let (expired_at, early_at) = (stamp(t0 + Duration::days(4)), stamp(t0 + Duration::days(1)));
    let b = |what, line: String, code, key, client| Broken { what, line, code, key, client };
    let cases = vec![
        b(
            "unknown issuer",
            format!("localhost.pem --ca other-root.pem --at {at}"),
            "unknown_issuer",
            "localhost-key.pem",
            false,
        ),
        b("expired", format!("soon.pem --at {expired_at}"), "expired", "soon-key.pem", false),
        b("not yet valid", format!("soon.pem --at {early_at}"), "not_yet_valid", "soon-key.pem", false),
        b("bad signature", format!("tampered.pem --at {at}"), "bad_signature", "localhost-key.pem", false),
        b("not a CA", format!("sub-chain.pem --at {at}"), "not_a_ca", "sub-key.pem", false),
        b(
            "name mismatch",
            format!("localhost.pem --ip 10.9.9.9 --at {at}"),
            "name_mismatch",
            "localhost-key.pem",
            false,
        ),
        b("wrong purpose", format!("alice.pem --purpose server --at {at}"), "wrong_purpose", "alice-key.pem", true),
        b(
            "key mismatch",
            format!("localhost.pem --key alice-key.pem --at {at}"),
            "key_mismatch",
            "localhost-key.pem",
            false,
        ),
        b("revoked", format!("localhost.pem --crl crl.pem --at {at}"), "revoked", "localhost-key.pem", false),
    ];
    (pki, other, cases)
}

/// Every combination of other checks for `b`, each passing or failing: `--purpose`,
/// `--host`, `--key` (each absent, right or wrong, when `b` does not already use it) and an
/// irrelevant `--untrusted` certificate (absent or present).
fn combinations(b: &Broken) -> Vec<String> {
    let uses = |flag: &str| words(&b.line).contains(&flag);
    let mut groups: Vec<Vec<String>> = Vec::new();
    if !uses("--purpose") {
        let (right, wrong) = if b.client { ("client", "server") } else { ("server", "client") };
        groups.push(vec![format!("--purpose {right}"), "--purpose any".into(), format!("--purpose {wrong}")]);
    }
    if !b.client && !uses("--ip") {
        groups.push(vec!["--host localhost".into(), "--host elsewhere.test".into()]);
    }
    if !uses("--key") {
        let wrong = if b.key == "alice-key.pem" { "localhost-key.pem" } else { "alice-key.pem" };
        groups.push(vec![format!("--key {}", b.key), format!("--key {wrong}")]);
    }
    groups.push(vec!["--untrusted inter.pem".into()]);
    let mut lines = vec![b.line.clone()];
    for group in &groups {
        let mut next = Vec::new();
        for line in &lines {
            next.push(line.clone());
            next.extend(group.iter().map(|extra| format!("{line} {extra}")));
        }
        lines = next;
    }
    lines
}

/// Whatever else is asked, and whether those other checks pass or fail, a certificate with
/// a problem stays invalid: the diagnostics only ever add reasons.
#[test]
fn no_combination_of_checks_turns_an_invalid_certificate_valid() {
    if !require("openssl") {
        return;
    }
    let (pki, _other, cases) = broken_world();
    let mut runs = 0;
    for b in &cases {
        // Alone, each shows exactly its own problem.
        assert_invalid(&pki, &b.line, &[b.code]);
        for line in combinations(b) {
            let r = verify(&pki, &line);
            runs += 1;
            assert_eq!(r.code, 3, "{}: `{line}` turned valid:\n{}", b.what, r.human);
            assert!(!r.valid(), "{}: `{line}`: {}", b.what, r.json);
            assert!(!r.errors().is_empty(), "{}: `{line}`: invalid without a reason", b.what);
        }
    }
    assert!(runs > 300, "the matrix shrank to {runs} runs");
}

/// The same combinations: the original problem must stay listed beside the others.
#[test]
fn every_problem_stays_listed_whatever_else_is_asked() {
    if !require("openssl") {
        return;
    }
    let (pki, _other, cases) = broken_world();
    let mut lost = Vec::new();
    for b in &cases {
        for line in combinations(b) {
            let r = verify(&pki, &line);
            if !r.codes().iter().any(|c| c == b.code) {
                lost.push(format!("{}: `pki verify {line}` lists {:?}", b.code, r.codes()));
            }
        }
    }
    assert!(lost.is_empty(), "{} runs lost their problem:\n{}", lost.len(), lost.join("\n"));
}

#[test]
fn an_expired_leaf_from_another_ca_is_also_an_unknown_issuer() {
    let pki = with_root();
    let _other = other_root(&pki);
    let at = expired_client(&pki);
    let line = format!("late.pem --ca other-root.pem --purpose client --at {at}");
    let r = assert_invalid(&pki, &line, &["expired", "unknown_issuer"]);
    assert!(r.message("unknown_issuer").contains(&format!("'{ROOT}'")));
}

// ---------------------------------------------------------------------------------------
// Errors (exit 1) and usage (exit 2)
// ---------------------------------------------------------------------------------------

/// `pki verify LINE --json` exits 1 with no verdict on stdout, only the error document
/// (issue 14); returns stderr.
fn error(pki: &Pki, line: &str) -> String {
    let out = pki.run(&words(&format!("verify {line} --json")));
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "pki verify {line}: {err}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("an error document");
    assert!(doc.get("valid").is_none(), "pki verify {line}: no verdict on stdout for an error: {doc}");
    assert_eq!(doc["error"]["exit_code"], 1, "pki verify {line}: {doc}");
    err
}

#[test]
fn unreadable_inputs_are_errors_naming_them() {
    let pki = with_root();
    pki.ok(&words("issue server --san localhost -q"));
    std::fs::write(pki.path("empty.pem"), "").unwrap();

    let err = error(&pki, "missing.pem");
    assert!(err.starts_with("error: cannot read 'missing.pem'"), "{err}");
    // A --ca file with no certificate in it (a key).
    let err = error(&pki, "localhost.pem --ca localhost-key.pem");
    assert!(err.starts_with("error: cannot read 'localhost-key.pem': it holds no certificate"), "{err}");
    let err = error(&pki, "localhost.pem --untrusted empty.pem");
    assert!(err.contains("'empty.pem'"), "{err}");
    let err = error(&pki, "localhost.pem --ca missing-root.pem");
    assert!(err.starts_with("error: cannot read 'missing-root.pem'"), "{err}");
    // A --key file that holds no key.
    let err = error(&pki, "localhost.pem --key localhost.pem");
    assert!(err.contains("'localhost.pem'") && err.contains("no private key"), "{err}");

    for bad in ["yesterday", "2024-13-01", "1960-01-01"] {
        let err = error(&pki, &format!("localhost.pem --at {bad}"));
        assert!(err.starts_with(&format!("error: invalid --at '{bad}'")), "{err}");
    }
    let err = error(&pki, "localhost.pem --at yesterday");
    assert!(err.contains("hint: write '2024-01-01T00:00:00Z' or '2024-01-01'"), "{err}");
}

#[test]
fn without_ca_and_without_a_ca_directory_the_error_says_to_pass_ca() {
    let issuer = with_root();
    issuer.ok(&words("issue server --san localhost -q"));
    let pki = Pki::new(); // never `ca init`: its CA directory does not exist
    std::fs::copy(issuer.path("localhost.pem"), pki.path("localhost.pem")).unwrap();
    std::fs::copy(issuer.path("root.pem"), pki.path("root.pem")).unwrap();
    let err = error(&pki, "localhost.pem --host localhost");
    assert!(err.contains("no trust anchor"), "{err}");
    assert!(err.contains("hint: pass --ca FILE"), "{err}");
    assert!(!pki.ca_dir().exists(), "verify created the CA directory");
    // With --ca it works.
    let line = format!("localhost.pem --ca root.pem --at {}", at(&issuer));
    assert_valid(&pki, &line, &["CN=localhost", ROOT]);
}

#[test]
fn a_bad_ip_address_or_purpose_is_a_usage_error() {
    let pki = with_root();
    pki.ok(&words("issue server --san localhost -q"));
    for bad in ["300.1.1.1", "localhost", "::g"] {
        let err = pki.fails(2, &words(&format!("verify localhost.pem --ip {bad}")));
        assert!(err.contains(&format!("'{bad}'")) && err.contains("--ip"), "{err}");
    }
    let err = pki.fails(2, &words("verify localhost.pem --purpose email"));
    assert!(err.contains("'email'") && err.contains("--purpose"), "{err}");
}

#[test]
fn an_invalid_host_name_is_bad_input_not_a_verdict() {
    let pki = with_root();
    pki.ok(&words("issue server --san localhost -q"));
    let out = pki.run(&["verify", "localhost.pem", "--host", "bad host!"]);
    let code = out.status.code();
    assert!(code == Some(1) || code == Some(2), "exit {code:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("'bad host!'"));
}

// ---------------------------------------------------------------------------------------
// openssl as the oracle
// ---------------------------------------------------------------------------------------

#[test]
fn openssl_agrees_on_what_is_valid() {
    if !require("openssl") {
        return;
    }
    let pki = with_root();
    add_intermediate(&pki);
    let _other = other_root(&pki);
    let t0 = epoch(&pki);
    pki.ok(&words("issue server --san localhost,127.0.0.1,::1 -q"));
    pki.ok(&words("issue server --san *.example.com -q"));
    pki.ok(&words("issue client --cn alice -q"));
    pki.ok(&words("issue server --san api.test --issuer issuing -q"));
    let (nb, na) = (stamp(t0 + Duration::days(1)), stamp(t0 + Duration::days(31)));
    pki.ok(&words(&format!("issue server --san soon.test --not-before {nb} --not-after {na} -q")));
    tampered(&pki);
    let sub = signed_by_a_leaf(&pki);
    let deep = deep_chain(&pki);
    crl(&pki, "crl.pem", &[&pki.path("localhost.pem")]);
    let now = at_after(&pki, &[&sub, &deep]);

    // (pki verify arguments, openssl verify arguments, when, valid)
    let day = |d: i64| t0 + Duration::days(d);
    let cases: &[(&str, &str, OffsetDateTime, bool)] = &[
        ("localhost.pem --host localhost", "-verify_hostname localhost localhost.pem", now, true),
        ("localhost.pem --ip ::1", "-verify_ip ::1 localhost.pem", now, true),
        ("localhost.pem --ip 127.0.0.1", "-verify_ip 127.0.0.1 localhost.pem", now, true),
        ("localhost.pem --host example.org", "-verify_hostname example.org localhost.pem", now, false),
        ("localhost.pem --ip 10.0.0.1", "-verify_ip 10.0.0.1 localhost.pem", now, false),
        (
            "_wildcard.example.com.pem --host a.example.com",
            "-verify_hostname a.example.com _wildcard.example.com.pem",
            now,
            true,
        ),
        (
            "_wildcard.example.com.pem --host example.com",
            "-verify_hostname example.com _wildcard.example.com.pem",
            now,
            false,
        ),
        (
            "_wildcard.example.com.pem --host a.b.example.com",
            "-verify_hostname a.b.example.com _wildcard.example.com.pem",
            now,
            false,
        ),
        (
            "api.test.pem --untrusted inter.pem --host api.test",
            "-untrusted inter.pem -verify_hostname api.test api.test.pem",
            now,
            true,
        ),
        // The CA directory's own intermediates are untrusted intermediates to pki (issue
        // 14), as -untrusted makes them to openssl.
        ("api.test.pem --host api.test", "-untrusted inter.pem -verify_hostname api.test api.test.pem", now, true),
        ("alice.pem --purpose client", "-purpose sslclient alice.pem", now, true),
        ("alice.pem --purpose server", "-purpose sslserver alice.pem", now, false),
        ("localhost.pem --purpose client", "-purpose sslclient localhost.pem", now, false),
        ("soon.test.pem --host soon.test", "-verify_hostname soon.test soon.test.pem", day(2), true),
        ("soon.test.pem --host soon.test", "-verify_hostname soon.test soon.test.pem", day(41), false),
        ("soon.test.pem --host soon.test", "-verify_hostname soon.test soon.test.pem", t0 + Duration::hours(12), false),
        ("localhost.pem --ca other-root.pem", "-CAfile other-root.pem localhost.pem", now, false),
        ("tampered.pem", "tampered.pem", now, false),
        (
            "sub.pem --untrusted sub-chain.pem --host sub.test",
            "-untrusted sub-chain.pem -verify_hostname sub.test sub.pem",
            now,
            false,
        ),
        (
            "deep.pem --untrusted deep-chain.pem --host deep.test",
            "-untrusted deep-chain.pem -verify_hostname deep.test deep.pem",
            now,
            false,
        ),
        ("localhost.pem --crl crl.pem", "-crl_check -CRLfile crl.pem localhost.pem", now, false),
    ];
    for (pki_args, openssl_args, when, valid) in cases {
        let purpose = if pki_args.contains("--purpose") { "" } else { "--purpose server" };
        let line = format!("{pki_args} {purpose} --at {}", stamp(*when));
        let line = if pki_args.contains("--ca") { line } else { format!("{line} --ca root.pem") };
        let openssl_purpose = if openssl_args.contains("-purpose") { "" } else { "-purpose sslserver" };
        let ca = if openssl_args.contains("-CAfile") { "" } else { "-CAfile root.pem" };
        let o = format!("verify -x509_strict {ca} {openssl_purpose} -attime {} {openssl_args}", when.unix_timestamp());
        let (openssl_ok, text) = run_tool("openssl", &words(&o), &pki.work());
        assert_eq!(openssl_ok, *valid, "openssl {o}: expected valid={valid}:\n{text}");
        let r = verify(&pki, &line);
        assert_eq!(
            r.valid(),
            openssl_ok,
            "pki verify {line} disagrees with openssl {o}:\npki: {}\nopenssl: {text}",
            r.human
        );
        assert_eq!(r.code, if *valid { 0 } else { 3 }, "pki verify {line}");
    }
}
