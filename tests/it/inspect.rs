//! `pki inspect` (docs/cli.md, "pki inspect"): what it says about certificates, keys,
//! CSRs and CRLs, checked against what openssl says about the same files; every PEM label
//! and DER kind, CRLF, stdin, several files; keys matched to certificates and never
//! leaked; hostile input (exit 1 naming the file, no panic, bounded time); and a property
//! test that feeds mutated DER straight to the library's reading path.
//!
//! The fixtures are minted by openssl inside each test (`Fx::mint`), with fixed validity
//! dates (`openssl ca -startdate/-enddate`), so nothing here depends on the wall clock:
//! relative phrases are judged with `--at`. Tests that need openssl fail when it is missing
//! (unless `PKI_ALLOW_MISSING_TOOLS=1`), see `common::require`.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{
    OPENSSL_CA_CNF, Pki, expect_ok, norm_hex, only, openssl_time, ossl, ossl_with, pem_wrap, read_cert, require,
    require_file, run_tool, server_leaf_ext, text, warnings,
};

/// No run may take longer than this: a hang or a runaway parse fails the test.
const TIMEOUT: Duration = Duration::from_secs(20);

/// A refusal "at once" (a size check, not a parse): well under this.
const QUICK: Duration = Duration::from_secs(10);

/// Every PEM label docs/cli.md lists, with the `kind` `--json` must report for it.
const LABELS: [(&str, &str); 8] = [
    ("CERTIFICATE", "certificate"),
    ("PRIVATE KEY", "private_key"),
    ("EC PRIVATE KEY", "private_key"),
    ("RSA PRIVATE KEY", "private_key"),
    ("ENCRYPTED PRIVATE KEY", "encrypted_private_key"),
    ("CERTIFICATE REQUEST", "csr"),
    ("X509 CRL", "crl"),
    ("PUBLIC KEY", "public_key"),
];

/// The passphrase of the encrypted fixtures (it must never matter to `inspect`).
const PASSPHRASE: &str = "correct-horse-battery";

// ---------------------------------------------------------------------------------------
// Running things
// ---------------------------------------------------------------------------------------

/// `pki ARGS`, bounded by [`TIMEOUT`] (the shared runner fails on a panic or a hang).
fn run(pki: &Pki, args: &[&str]) -> Output {
    pki.call(args).within(TIMEOUT).output()
}

/// `pki ARGS` with `input` on stdin, bounded by [`TIMEOUT`].
fn run_stdin(pki: &Pki, args: &[&str], input: Vec<u8>) -> Output {
    pki.call(args).stdin(input).within(TIMEOUT).output()
}

/// Assert a JSON run succeeded; returns the array of items.
fn items_of(out: &Output, what: &str) -> Vec<Value> {
    let stdout = expect_ok(out, what);
    match serde_json::from_str::<Value>(&stdout) {
        Ok(Value::Array(a)) => a,
        other => panic!("{what}: --json must print one array, got {other:?}"),
    }
}

/// `pki inspect --json ARGS` (plus `--at` so nothing reads the clock), exit 0, items.
fn inspect_json(pki: &Pki, files: &[&str]) -> Vec<Value> {
    let mut args = vec!["inspect", "--json", "--at", "2024-06-01"];
    args.extend_from_slice(files);
    items_of(&run(pki, &args), &format!("pki {args:?}"))
}

/// Assert a refusal: exit exactly 1 (never 101, never killed), stderr an `error:` naming
/// `name` in quotes and saying `says`, no panic. Returns stderr.
fn assert_refused(out: &Output, name: &str, says: &str) -> String {
    let stderr = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{name}: expected exit 1 (101 = panic, None = killed after {TIMEOUT:?})\nstdout: {}\nstderr: {stderr}",
        text(&out.stdout)
    );
    assert!(!stderr.contains("panicked"), "{name}: pki panicked:\n{stderr}");
    assert!(
        stderr.contains(&format!("error: cannot read '{name}'")),
        "{name}: the error must name the file as typed:\n{stderr}"
    );
    assert!(stderr.contains(says), "{name}: the error should say {says:?}:\n{stderr}");
    stderr
}

// ---------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------

/// The extension sections appended to [`OPENSSL_CA_CNF`] for the two test CAs (root and
/// intermediate): one per kind of certificate.
const V3_SECTIONS: &str = "\
[ v3_root ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ v3_inter ]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,digitalSignature,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_leaf ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:leaf.test,DNS:*.leaf.test,IP:192.0.2.10,IP:2001:db8::1,email:admin@leaf.test,URI:spiffe://leaf.test/svc
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_rsa ]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = DNS:weak.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_nosan ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
authorityKeyIdentifier = keyid
";

/// Files minted by openssl in the working directory (names relative to it, as a user
/// would type them):
///
/// | file | what |
/// | --- | --- |
/// | `root.pem` / `root.key` | self-signed root, P-384, ecdsa-with-SHA384, 2020..2040 |
/// | `inter.pem` / `inter.key` | intermediate, P-256, pathlen 0, 2020..2035 |
/// | `leaf.pem` | leaf.test: DNS, wildcard, IPv4, IPv6, email, URI SANs; serverAuth; 2024 |
/// | `leaf.key` / `leaf-ec.key` | its key as PKCS#8 `PRIVATE KEY` / SEC 1 `EC PRIVATE KEY` |
/// | `leaf-enc.key` | its key as PKCS#8 `ENCRYPTED PRIVATE KEY` (AES-256) |
/// | `leaf-pub.pem` | its `PUBLIC KEY` |
/// | `expired.pem` | valid 2020-01-01 .. 2020-02-01 only |
/// | `nosan.pem` | no subjectAltName |
/// | `sha1.pem` | signed ecdsa-with-SHA1 |
/// | `rsa1024.pem` / `rsa1024.key` | RSA-1024 leaf; key as PKCS#1 `RSA PRIVATE KEY` |
/// | `enc.key` | an unrelated `openssl genpkey -aes256` key |
/// | `req.csr` / `csr.key` | CSR for csr.test (P-384) with SANs via `-addext` |
/// | `crl.pem` | the intermediate's CRL: leaf (keyCompromise), expired (superseded) |
struct Fx {
    dir: PathBuf,
}

impl Fx {
    fn mint(pki: &Pki) -> Fx {
        let dir = pki.work();
        std::fs::write(
            dir.join("ca.cnf"),
            format!("{OPENSSL_CA_CNF}{V3_SECTIONS}[ v3_simple ]\n{}\n", server_leaf_ext("DNS:simple.test").join("\n")),
        )
        .unwrap();
        // The leaf serials start with a set high bit, so their DER has a leading 00 that
        // openssl does not print: the comparison must normalise it.
        for (db, serial) in [("rootdb", "00F1E2D3C4B5A601"), ("interdb", "8A3F9C0100")] {
            let d = dir.join(db);
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join("index.txt"), "").unwrap();
            std::fs::write(d.join("serial"), format!("{serial}\n")).unwrap();
            std::fs::write(d.join("crlnumber"), "1000\n").unwrap();
        }
        let fx = Fx { dir };
        // `openssl ca` runs inside its database directory.
        let ca = |db: &str, args: &str| {
            ossl(&fx.dir.join(db), &format!("ca -batch -config ../ca.cnf {args}"));
        };
        let root = "-cert ../root.pem -keyfile ../root.key";
        let inter = "-cert ../inter.pem -keyfile ../inter.key";
        let (y2024, y2024_end) = ("20240101000000Z", "20241231000000Z");
        let leaf = |csr: &str, out: &str, ext: &str, start: &str, end: &str, md: &str| {
            ca(
                "interdb",
                &format!(
                    "{inter} -in ../{csr} -out ../{out} -extensions {ext} \
                     -startdate {start} -enddate {end} -md {md} -notext"
                ),
            );
        };

        fx.ossl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out root.key");
        fx.ossl("req -new -key root.key -subj '/C=US/O=Test Org/CN=Test Root CA' -out root.csr");
        ca(
            "rootdb",
            "-selfsign -keyfile ../root.key -in ../root.csr -out ../root.pem -extensions v3_root \
             -startdate 20200101000000Z -enddate 20400101000000Z -md sha384 -notext",
        );
        fx.ossl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out inter.key");
        fx.ossl(
            "req -new -key inter.key -subj '/C=US/O=Test Org/CN=Test Intermediate CA' \
             -out inter.csr",
        );
        ca(
            "rootdb",
            &format!(
                "{root} -in ../inter.csr -out ../inter.pem -extensions v3_inter \
                 -startdate 20200101000000Z -enddate 20350101000000Z -md sha384 -notext"
            ),
        );

        // The leaf key, in the three plain forms and encrypted, and its public key.
        fx.ossl("ecparam -genkey -name prime256v1 -noout -out leaf-ec.key");
        fx.ossl("pkey -in leaf-ec.key -out leaf.key");
        fx.ossl(&format!("pkey -in leaf.key -aes256 -passout pass:{PASSPHRASE} -out leaf-enc.key"));
        fx.ossl("pkey -in leaf.key -pubout -out leaf-pub.pem");

        fx.ossl("req -new -key leaf.key -subj '/C=US/O=Test Org/OU=Web/CN=leaf.test' -out leaf.csr");
        leaf("leaf.csr", "leaf.pem", "v3_leaf", y2024, y2024_end, "sha256");
        fx.ossl("req -new -key leaf.key -subj /CN=expired.test -out expired.csr");
        let (y2020, y2020_feb) = ("20200101000000Z", "20200201000000Z");
        leaf("expired.csr", "expired.pem", "v3_simple", y2020, y2020_feb, "sha256");
        fx.ossl("req -new -key leaf.key -subj /CN=nosan.test -out nosan.csr");
        leaf("nosan.csr", "nosan.pem", "v3_nosan", y2024, y2024_end, "sha256");
        fx.ossl("req -new -key leaf.key -subj /CN=sha1.test -out sha1.csr");
        leaf("sha1.csr", "sha1.pem", "v3_simple", y2024, y2024_end, "sha1");

        fx.ossl("genrsa -traditional -out rsa1024.key 1024");
        fx.ossl("req -new -key rsa1024.key -subj '/O=Weak Org/CN=weak.test' -out weak.csr");
        leaf("weak.csr", "rsa1024.pem", "v3_rsa", y2024, y2024_end, "sha256");

        fx.ossl(&format!(
            "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes256 \
             -pass pass:{PASSPHRASE} -out enc.key"
        ));

        fx.ossl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out csr.key");
        fx.ossl(
            "req -new -key csr.key -subj '/O=Test Org/CN=csr.test' -addext \
             subjectAltName=DNS:csr.test,DNS:alt.csr.test,IP:10.0.0.1,email:ops@csr.test \
             -out req.csr",
        );

        ca("interdb", &format!("{inter} -revoke ../leaf.pem -crl_reason keyCompromise"));
        ca("interdb", &format!("{inter} -revoke ../expired.pem -crl_reason superseded"));
        ca("interdb", &format!("{inter} -gencrl -crldays 30 -out ../crl.pem"));
        fx
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    fn write(&self, name: &str, bytes: &[u8]) {
        std::fs::write(self.path(name), bytes).unwrap();
    }

    /// `openssl LINE` in the fixture directory; returns stdout.
    fn ossl(&self, line: &str) -> String {
        ossl(&self.dir, line)
    }
}

/// Mint the fixtures; when openssl is missing, fail (or skip under `PKI_ALLOW_MISSING_TOOLS=1`).
fn fixtures(pki: &Pki) -> Option<Fx> {
    require("openssl").then(|| Fx::mint(pki))
}

// ---------------------------------------------------------------------------------------
// Reading openssl's answers
// ---------------------------------------------------------------------------------------

/// `KEY=VALUE` lines (as `openssl x509 -serial -subject ...` prints them) by key.
fn key_values(s: &str) -> BTreeMap<String, String> {
    s.lines().filter_map(|l| l.split_once('=')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect()
}

/// openssl's one-line name (`CN = leaf.test, O = Test Org`) as pki prints it.
fn openssl_name(s: &str) -> String {
    s.replace(" = ", "=")
}

/// `openssl x509 -ext ...` output: extension header -> (critical, value).
fn extensions(s: &str) -> BTreeMap<String, (bool, String)> {
    let mut map = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in s.lines() {
        if line.starts_with(' ') {
            let key = current.clone().expect("value line before any header");
            let entry: &mut (bool, String) = map.get_mut(&key).unwrap();
            if !entry.1.is_empty() {
                entry.1.push(' ');
            }
            entry.1.push_str(line.trim());
        } else if let Some((name, rest)) = line.split_once(':') {
            let name = name.trim().to_string();
            map.insert(name.clone(), (rest.contains("critical"), String::new()));
            current = Some(name);
        }
    }
    map
}

/// openssl's key usage names in pki's spelling.
fn ku_name(s: &str) -> String {
    match s {
        "Digital Signature" => "digital_signature",
        "Non Repudiation" | "Content Commitment" => "content_commitment",
        "Key Encipherment" => "key_encipherment",
        "Data Encipherment" => "data_encipherment",
        "Key Agreement" => "key_agreement",
        "Certificate Sign" => "key_cert_sign",
        "CRL Sign" => "crl_sign",
        "Encipher Only" => "encipher_only",
        "Decipher Only" => "decipher_only",
        other => panic!("unknown openssl key usage {other:?}"),
    }
    .into()
}

/// openssl's extended key usage names in pki's spelling.
fn eku_name(s: &str) -> String {
    match s {
        "TLS Web Server Authentication" => "server_auth",
        "TLS Web Client Authentication" => "client_auth",
        "Code Signing" => "code_signing",
        "E-mail Protection" => "email_protection",
        "Time Stamping" => "time_stamping",
        "OCSP Signing" => "ocsp_signing",
        "Any Extended Key Usage" => "any",
        other => panic!("unknown openssl extended key usage {other:?}"),
    }
    .into()
}

/// openssl's CRL reason in the contract's spelling.
fn reason_name(s: &str) -> &'static str {
    match s {
        "Unspecified" => "unspecified",
        "Key Compromise" => "key-compromise",
        "CA Compromise" => "ca-compromise",
        "Affiliation Changed" => "affiliation-changed",
        "Superseded" => "superseded",
        "Cessation Of Operation" => "cessation-of-operation",
        "Certificate Hold" => "certificate-hold",
        other => panic!("unknown openssl CRL reason {other:?}"),
    }
}

/// The first line of `text` after `prefix` (trimmed), e.g. `Signature Algorithm:`.
fn after<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    text.lines().map(str::trim).find_map(|l| l.strip_prefix(prefix)).map(str::trim)
}

/// The contract's `public_key` object, from openssl's `-text` of a certificate, CSR or key.
fn openssl_public_key(text: &str) -> Value {
    let bits = text
        .lines()
        .find_map(|l| {
            let l = l.trim();
            l.strip_prefix("Public-Key: (").or_else(|| l.strip_prefix("Private-Key: ("))
        })
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse::<u64>().ok());
    if text.contains("id-ecPublicKey") || text.contains("NIST CURVE:") {
        let curve = after(text, "NIST CURVE:").expect("NIST CURVE line");
        serde_json::json!({ "algorithm": "ecdsa", "curve": curve })
    } else if text.contains("rsaEncryption") || text.contains("modulus:") {
        serde_json::json!({ "algorithm": "rsa", "bits": bits.expect("RSA key size") })
    } else {
        panic!("openssl shows a key type this test does not know:\n{text}")
    }
}

/// The SAN value as openssl prints it, split into pki's four lists.
fn openssl_sans(v: &str) -> (Vec<String>, Vec<IpAddr>, Vec<String>, Vec<String>) {
    let (mut dns, mut ip, mut email, mut uri) = (vec![], vec![], vec![], vec![]);
    for e in v.split(", ") {
        if let Some(d) = e.strip_prefix("DNS:") {
            dns.push(d.to_string());
        } else if let Some(a) = e.strip_prefix("IP Address:") {
            ip.push(a.parse().unwrap_or_else(|_| panic!("openssl IP {a:?}")));
        } else if let Some(m) = e.strip_prefix("email:") {
            email.push(m.to_string());
        } else if let Some(u) = e.strip_prefix("URI:") {
            uri.push(u.to_string());
        } else {
            panic!("SAN entry of a kind this test does not know: {e:?}");
        }
    }
    (dns, ip, email, uri)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("expected an array, got {v}"))
        .iter()
        .map(|s| s.as_str().expect("string").to_string())
        .collect()
}

fn ips(v: &Value) -> Vec<IpAddr> {
    strings(v).iter().map(|s| s.parse().unwrap_or_else(|_| panic!("pki IP {s:?}"))).collect()
}

/// Compare every field of pki's certificate object with what openssl says about `file`.
fn assert_matches_openssl(fx: &Fx, file: &str, c: &Value) {
    let what = |field: &str| format!("{file}: {field} (pki said {})", c[field]);
    assert_eq!(c["kind"], "certificate", "{file}");
    assert_eq!(c["source"], file, "{file}");

    let kv = key_values(
        &fx.ossl(&format!("x509 -in {file} -noout -serial -fingerprint -sha256 -startdate -enddate -subject -issuer")),
    );
    assert_eq!(norm_hex(c["serial"].as_str().unwrap()), norm_hex(&kv["serial"]), "{}", what("serial"));
    assert!(
        c["serial"].as_str().unwrap().chars().all(|ch| matches!(ch, '0'..='9' | 'a'..='f')),
        "{}: HEX is lowercase without separators",
        what("serial")
    );
    let fp = kv
        .iter()
        .find(|(k, _)| k.to_lowercase() == "sha256 fingerprint")
        .map(|(_, v)| v.replace(':', "").to_lowercase())
        .expect("openssl printed a SHA-256 fingerprint");
    assert_eq!(c["fingerprint_sha256"], fp.as_str(), "{}", what("fingerprint"));
    assert_eq!(c["not_before"], openssl_time(&kv["notBefore"]).as_str(), "{}", what("not_before"));
    assert_eq!(c["not_after"], openssl_time(&kv["notAfter"]).as_str(), "{}", what("not_after"));
    assert_eq!(c["subject"], openssl_name(&kv["subject"]).as_str(), "{}", what("subject"));
    assert_eq!(c["issuer"], openssl_name(&kv["issuer"]).as_str(), "{}", what("issuer"));
    assert_eq!(c["self_signed"], kv["subject"] == kv["issuer"], "{}", what("self_signed"));

    let ext = extensions(&fx.ossl(&format!("x509 -in {file} -noout -ext basicConstraints,keyUsage,extendedKeyUsage,subjectAltName,subjectKeyIdentifier,authorityKeyIdentifier")));
    let bc =
        &ext.get("X509v3 Basic Constraints").unwrap_or_else(|| panic!("{file}: every fixture has basicConstraints")).1;
    assert_eq!(c["is_ca"], bc.contains("CA:TRUE"), "{}", what("is_ca"));
    let path_len =
        bc.split("pathlen:").nth(1).map(|n| Value::from(n.trim().parse::<u64>().unwrap())).unwrap_or(Value::Null);
    assert_eq!(c["path_len"], path_len, "{}", what("path_len"));

    let list = |name: &str, f: fn(&str) -> String| -> Vec<String> {
        ext.get(name).map(|(_, v)| v.split(", ").map(f).collect()).unwrap_or_default()
    };
    assert_eq!(strings(&c["key_usage"]), list("X509v3 Key Usage", ku_name), "{}", what("key_usage"));
    assert_eq!(
        strings(&c["extended_key_usage"]),
        list("X509v3 Extended Key Usage", eku_name),
        "{}",
        what("extended_key_usage")
    );

    let (dns, ip, email, uri) =
        ext.get("X509v3 Subject Alternative Name").map(|(_, v)| openssl_sans(v)).unwrap_or_default();
    assert_eq!(strings(&c["dns_names"]), dns, "{}", what("dns_names"));
    assert_eq!(ips(&c["ip_addresses"]), ip, "{}", what("ip_addresses"));
    assert_eq!(strings(&c["emails"]), email, "{}", what("emails"));
    assert_eq!(strings(&c["uris"]), uri, "{}", what("uris"));

    let key_id = |name: &str| -> Value {
        ext.get(name).map(|(_, v)| Value::from(norm_hex(v.trim_start_matches("keyid:")))).unwrap_or(Value::Null)
    };
    let norm = |v: &Value| v.as_str().map(norm_hex).map(Value::from).unwrap_or(Value::Null);
    assert_eq!(norm(&c["subject_key_id"]), key_id("X509v3 Subject Key Identifier"), "{}", what("subject_key_id"));
    assert_eq!(norm(&c["authority_key_id"]), key_id("X509v3 Authority Key Identifier"), "{}", what("authority_key_id"));

    let full = fx.ossl(&format!("x509 -in {file} -noout -text"));
    assert_eq!(
        c["signature_algorithm"],
        after(&full, "Signature Algorithm:").unwrap(),
        "{}",
        what("signature_algorithm")
    );
    assert_eq!(c["public_key"], openssl_public_key(&full), "{}", what("public_key"));
    let version: u64 = after(&full, "Version:")
        .and_then(|v| v.split(' ').next())
        .and_then(|v| v.parse().ok())
        .expect("openssl Version line");
    assert_eq!(c["version"], version, "{}", what("version"));
}

/// Remove every `"source"` key (to compare the same items read from different files).
fn without_sources(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter().filter(|(k, _)| k.as_str() != "source").map(|(k, v)| (k.clone(), without_sources(v))).collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_sources).collect()),
        other => other.clone(),
    }
}

/// `count` SEQUENCE headers nested inside one another (`30 82 LL LL` each, consistent
/// lengths), an empty SEQUENCE at the core.
fn nested_sequences(count: usize) -> Vec<u8> {
    let mut der = vec![0x30, 0x00];
    for _ in 0..count {
        let len = der.len();
        assert!(len <= 0xffff);
        let mut outer = vec![0x30, 0x82, (len >> 8) as u8, len as u8];
        outer.extend_from_slice(&der);
        der = outer;
    }
    der
}

// ---------------------------------------------------------------------------------------
// 2. Field values, against openssl
// ---------------------------------------------------------------------------------------

#[test]
fn inspect_json_certificate_fields_match_openssl() {
    let pki = Pki::new();
    let Some(fx) = fixtures(&pki) else { return };
    let files = ["root.pem", "inter.pem", "leaf.pem", "expired.pem", "nosan.pem", "sha1.pem", "rsa1024.pem"];
    let items = inspect_json(&pki, &files);
    assert_eq!(items.len(), files.len(), "{items:#?}");
    for (file, item) in files.iter().zip(&items) {
        assert_matches_openssl(&fx, file, item);
        assert_eq!(item["index"], 1, "{file}");
    }

    // Spot checks of what the comparison covered, so a fixture that silently lost an
    // extension cannot make it vacuous.
    let leaf = &items[2];
    assert_eq!(strings(&leaf["dns_names"]), ["leaf.test", "*.leaf.test"], "{leaf:#}");
    assert_eq!(ips(&leaf["ip_addresses"]), ["192.0.2.10".parse::<IpAddr>().unwrap(), "2001:db8::1".parse().unwrap()]);
    assert_eq!(strings(&leaf["emails"]), ["admin@leaf.test"]);
    assert_eq!(strings(&leaf["uris"]), ["spiffe://leaf.test/svc"]);
    assert_eq!(strings(&leaf["extended_key_usage"]), ["server_auth"]);
    assert_eq!(strings(&leaf["key_usage"]), ["digital_signature"]);
    assert_eq!(leaf["is_ca"], false);
    assert_eq!(leaf["self_signed"], false);
    assert_eq!(leaf["public_key"], serde_json::json!({"algorithm": "ecdsa", "curve": "P-256"}));
    assert_eq!(leaf["signature_algorithm"], "ecdsa-with-SHA256");
    assert_eq!(leaf["subject"], "C=US, O=Test Org, OU=Web, CN=leaf.test");
    assert_eq!(leaf["not_before"], "2024-01-01T00:00:00Z");
    assert_eq!(leaf["not_after"], "2024-12-31T00:00:00Z");
    assert_eq!(leaf["authority_key_id"], items[1]["subject_key_id"]);

    let root = &items[0];
    assert_eq!(root["is_ca"], true);
    assert_eq!(root["path_len"], Value::Null);
    assert_eq!(root["self_signed"], true);
    assert_eq!(root["signature_algorithm"], "ecdsa-with-SHA384");
    assert_eq!(strings(&root["key_usage"]), ["key_cert_sign", "crl_sign"]);
    assert_eq!(root["public_key"], serde_json::json!({"algorithm": "ecdsa", "curve": "P-384"}));
    assert_eq!(items[1]["path_len"], 0);
    assert_eq!(items[1]["self_signed"], false);

    let rsa = &items[6];
    assert_eq!(rsa["public_key"], serde_json::json!({"algorithm": "rsa", "bits": 1024}));
    assert_eq!(strings(&rsa["key_usage"]), ["digital_signature", "key_encipherment"]);
    assert_eq!(strings(&rsa["extended_key_usage"]), ["server_auth", "client_auth"]);
    assert_eq!(items[5]["signature_algorithm"], "ecdsa-with-SHA1");
}

#[test]
fn inspect_der_and_pem_of_one_certificate_agree() {
    let pki = Pki::new();
    let Some(fx) = fixtures(&pki) else { return };
    fx.write("leaf.der", &read_cert(&fx.path("leaf.pem")));
    let items = inspect_json(&pki, &["leaf.pem", "leaf.der"]);
    assert_eq!(items.len(), 2);
    assert_eq!(items[1]["source"], "leaf.der");
    assert_eq!(without_sources(&items[0]), without_sources(&items[1]));
}

#[test]
fn inspect_warns_about_missing_san_sha1_and_weak_rsa_and_not_about_a_clean_leaf() {
    let pki = Pki::new();
    let Some(_fx) = fixtures(&pki) else { return };
    let items = inspect_json(&pki, &["leaf.pem", "nosan.pem", "sha1.pem", "rsa1024.pem"]);
    assert_eq!(items.len(), 4);
    assert_eq!(
        warnings(&items[0]),
        Vec::<String>::new(),
        "a clean 2024 leaf has nothing to warn about: {:#}",
        items[0]
    );
    let has = |item: &Value, needle: &str| {
        let w = warnings(item);
        assert!(
            w.iter().any(|w| w.contains(needle)),
            "{}: expected a warning mentioning {needle:?}, got {w:?}",
            item["source"]
        );
    };
    has(&items[1], "SAN");
    has(&items[2], "SHA-1");
    has(&items[3], "RSA-1024");
    assert!(!warnings(&items[2]).iter().any(|w| w.contains("SAN")), "sha1.pem has a SAN: {:?}", warnings(&items[2]));

    // The human output shows them too, as `warning:` lines in each block.
    let out = run(&pki, &["inspect", "--at", "2024-06-01", "nosan.pem", "sha1.pem", "rsa1024.pem"]);
    let human = expect_ok(&out, "inspect warnings");
    assert!(human.contains("warning: no SAN"), "{human}");
    assert!(human.contains("warning: SHA-1"), "{human}");
    assert!(human.contains("warning: RSA-1024"), "{human}");
}

#[test]
fn inspect_human_output_says_expired_or_expires_in_at_the_given_time() {
    let pki = Pki::new();
    let Some(_fx) = fixtures(&pki) else { return };

    // expired.pem: notAfter 2020-02-01; at 2021-01-01 that is 335 days ago.
    let out = run(&pki, &["inspect", "--at", "2021-01-01", "expired.pem"]);
    let human = expect_ok(&out, "inspect expired");
    assert!(human.contains("2020-02-01T00:00:00Z  (EXPIRED 335 days ago)"), "{human}");
    assert!(!human.contains("expires in"), "{human}");

    // leaf.pem: notAfter 2024-12-31; at 2024-06-01 that is 213 days away.
    let out = run(&pki, &["inspect", "--at", "2024-06-01", "leaf.pem"]);
    let human = expect_ok(&out, "inspect leaf");
    assert!(human.contains("2024-12-31T00:00:00Z  (expires in 213 days)"), "{human}");
    assert!(!human.contains("EXPIRED"), "{human}");

    // The same leaf judged after its end, and before its start.
    let human = expect_ok(&run(&pki, &["inspect", "--at", "2025-01-03T00:00:00Z", "leaf.pem"]), "inspect leaf later");
    assert!(human.contains("EXPIRED 3 days ago"), "{human}");
    let human = expect_ok(&run(&pki, &["inspect", "--at", "2023-12-01", "leaf.pem"]), "inspect leaf earlier");
    assert!(human.contains("NOT YET VALID"), "{human}");

    // The human block carries the contract's fields.
    let human = expect_ok(&run(&pki, &["inspect", "--at", "2024-06-01", "leaf.pem"]), "inspect leaf");
    for needle in [
        "leaf.pem[1] certificate",
        "C=US, O=Test Org, OU=Web, CN=leaf.test",
        "CN=Test Intermediate CA",
        "ECDSA P-256",
        "ecdsa-with-SHA256",
        "DNS:leaf.test",
        "DNS:*.leaf.test",
        "IP:192.0.2.10",
        "IP:2001:db8::1",
        "email:admin@leaf.test",
        "URI:spiffe://leaf.test/svc",
        "digital_signature (critical)",
        "server_auth",
        "CA:FALSE (critical)",
    ] {
        assert!(human.contains(needle), "missing {needle:?} in:\n{human}");
    }
    let fp = inspect_json(&pki, &["leaf.pem"])[0]["fingerprint_sha256"].as_str().unwrap().to_string();
    assert!(human.contains(&fp), "fingerprint {fp} missing:\n{human}");
}

#[test]
fn inspect_csr_fields_match_openssl_and_a_broken_signature_is_reported() {
    let pki = Pki::new();
    let Some(fx) = fixtures(&pki) else { return };
    let csr = only(inspect_json(&pki, &["req.csr"]), "req.csr");
    assert_eq!(csr["kind"], "csr");
    assert_eq!(csr["source"], "req.csr");
    let subject = fx.ossl("req -in req.csr -noout -subject");
    assert_eq!(csr["subject"], openssl_name(&key_values(&subject)["subject"]).as_str());
    let full = fx.ossl("req -in req.csr -noout -text");
    let san_line = full
        .lines()
        .skip_while(|l| !l.contains("X509v3 Subject Alternative Name"))
        .nth(1)
        .expect("openssl shows the requested SANs")
        .trim()
        .to_string();
    let (dns, ip, email, uri) = openssl_sans(&san_line);
    assert_eq!(strings(&csr["dns_names"]), dns);
    assert_eq!(ips(&csr["ip_addresses"]), ip);
    assert_eq!(strings(&csr["emails"]), email);
    assert_eq!(strings(&csr["uris"]), uri);
    assert_eq!(strings(&csr["dns_names"]), ["csr.test", "alt.csr.test"]);
    assert_eq!(csr["public_key"], openssl_public_key(&full));
    assert_eq!(csr["public_key"]["curve"], "P-384");
    assert_eq!(csr["signature_algorithm"], after(&full, "Signature Algorithm:").unwrap());
    // openssl agrees the self-signature holds.
    let (_, said) = run_tool("openssl", &["req", "-in", "req.csr", "-noout", "-verify"], &fx.dir);
    assert!(said.contains("verify OK"), "openssl: {said}");
    assert_eq!(csr["signature_valid"], true);

    // Flip the last byte of the signature: still parseable, no longer valid, for both.
    fx.ossl("req -in req.csr -outform DER -out req.der");
    let mut der = fx.read("req.der");
    *der.last_mut().unwrap() ^= 0x01;
    fx.write("tampered.der", &der);
    let (ok_status, said) =
        run_tool("openssl", &["req", "-inform", "DER", "-in", "tampered.der", "-noout", "-verify"], &fx.dir);
    assert!(!ok_status || said.contains("verify failure"), "openssl must reject the tampered CSR: {said}");
    let bad = only(inspect_json(&pki, &["tampered.der"]), "tampered.der");
    assert_eq!(bad["kind"], "csr");
    assert_eq!(bad["signature_valid"], false, "{bad:#}");
    assert!(warnings(&bad).iter().any(|w| w.contains("signature")), "{bad:#}");
    let human = expect_ok(&run(&pki, &["inspect", "tampered.der"]), "tampered csr");
    assert!(human.contains("INVALID"), "{human}");
}

#[test]
fn inspect_crl_fields_match_openssl() {
    let pki = Pki::new();
    let Some(fx) = fixtures(&pki) else { return };
    let crl = only(inspect_json(&pki, &["crl.pem"]), "crl.pem");
    assert_eq!(crl["kind"], "crl");
    assert_eq!(crl["source"], "crl.pem");
    let kv = key_values(&fx.ossl("crl -in crl.pem -noout -issuer -lastupdate -nextupdate -crlnumber"));
    assert_eq!(crl["issuer"], openssl_name(&kv["issuer"]).as_str());
    assert_eq!(crl["issuer"], "C=US, O=Test Org, CN=Test Intermediate CA");
    assert_eq!(crl["this_update"], openssl_time(&kv["lastUpdate"]).as_str());
    assert_eq!(crl["next_update"], openssl_time(&kv["nextUpdate"]).as_str());
    let number = u64::from_str_radix(kv["crlNumber"].trim_start_matches("0x"), 16).unwrap();
    assert_eq!(crl["crl_number"], number.to_string().as_str());
    assert_eq!(crl["crl_number"], "4096");

    // The revoked list, entry by entry, against `openssl crl -text`.
    let full = fx.ossl("crl -in crl.pem -noout -text");
    let mut expected = Vec::new();
    let lines: Vec<&str> = full.lines().map(str::trim).collect();
    for (i, l) in lines.iter().enumerate() {
        if let Some(serial) = l.strip_prefix("Serial Number:") {
            let date = lines[i + 1].strip_prefix("Revocation Date:").expect("Revocation Date after Serial Number");
            let reason = lines[i + 1..]
                .iter()
                .position(|l| l.starts_with("X509v3 CRL Reason Code"))
                .map(|p| reason_name(lines[i + 1 + p + 1]));
            expected.push(serde_json::json!({
                "serial": norm_hex(serial),
                "revoked_at": openssl_time(date),
                "reason": reason,
            }));
        }
    }
    let got: Vec<Value> = crl["revoked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let mut r = r.clone();
            r["serial"] = norm_hex(r["serial"].as_str().unwrap()).into();
            r
        })
        .collect();
    assert_eq!(got, expected, "{crl:#}");
    assert_eq!(got.len(), 2);
    assert_eq!(got[0]["reason"], "key-compromise");
    assert_eq!(got[1]["reason"], "superseded");

    // The revoked serials are those of the certificates openssl revoked.
    for (n, file) in ["leaf.pem", "expired.pem"].iter().enumerate() {
        let s = key_values(&fx.ossl(&format!("x509 -in {file} -noout -serial")));
        assert_eq!(got[n]["serial"], norm_hex(&s["serial"]).as_str(), "{file}");
    }
}

#[test]
fn inspect_keys_report_type_and_size_as_openssl_does() {
    let pki = Pki::new();
    let Some(fx) = fixtures(&pki) else { return };
    for (file, format) in
        [("leaf.key", "pkcs8"), ("leaf-ec.key", "sec1"), ("rsa1024.key", "pkcs1"), ("csr.key", "pkcs8")]
    {
        let k = only(inspect_json(&pki, &[file]), file);
        assert_eq!(k["kind"], "private_key", "{file}");
        assert_eq!(k["source"], file);
        assert_eq!(k["format"], format, "{file}");
        let full = fx.ossl(&format!("pkey -in {file} -noout -text"));
        assert_eq!(k["public_key"], openssl_public_key(&full), "{file}");
        assert_eq!(k["certificate"], Value::Null, "{file}: no certificate given");
    }

    // A PUBLIC KEY: type, and the SHA-256 of its SubjectPublicKeyInfo as openssl digests it.
    let p = only(inspect_json(&pki, &["leaf-pub.pem"]), "leaf-pub.pem");
    assert_eq!(p["kind"], "public_key");
    assert_eq!(p["public_key"], serde_json::json!({"algorithm": "ecdsa", "curve": "P-256"}));
    fx.ossl("pkey -pubin -in leaf-pub.pem -outform DER -out pub.der");
    let digest = fx.ossl("dgst -sha256 -r pub.der");
    let digest = digest.split_whitespace().next().unwrap();
    assert_eq!(p["spki_sha256"], digest);
    assert_eq!(p["certificate"], Value::Null);
}

// ---------------------------------------------------------------------------------------
// 3. The system CA bundle
// ---------------------------------------------------------------------------------------

const SYSTEM_BUNDLE: &str = "/etc/ssl/certs/ca-certificates.crt";

#[test]
fn inspect_system_ca_bundle_matches_openssl_cert_by_cert() {
    if !require_file(Path::new(SYSTEM_BUNDLE), "apt-get install ca-certificates") || !require("openssl") {
        return;
    }
    let pki = Pki::new();
    let items = items_of(&run(&pki, &["inspect", "--json", SYSTEM_BUNDLE]), "inspect bundle");
    assert!(items.len() > 10, "a system bundle has many roots: {}", items.len());
    for (n, item) in items.iter().enumerate() {
        assert_eq!(item["kind"], "certificate", "item {n}: {item:#}");
        assert_eq!(item["source"], SYSTEM_BUNDLE);
        assert_eq!(item["index"], n + 1);
    }

    // openssl's count of the certificates in the file.
    let store = ossl(pki.root(), &format!("storeutl -noout -certs {SYSTEM_BUNDLE}"));
    let total: usize = after(&store, "Total found:").expect("storeutl prints a total").parse().unwrap();
    assert_eq!(items.len(), total, "pki and openssl count differently");

    // Each certificate's fingerprint and serial, in order, as openssl reads it alone.
    let bundle = std::fs::read_to_string(SYSTEM_BUNDLE).unwrap();
    let mut blocks = Vec::new();
    let mut rest = bundle.as_str();
    while let Some(start) = rest.find("-----BEGIN CERTIFICATE-----") {
        let end_marker = "-----END CERTIFICATE-----";
        let end = rest[start..].find(end_marker).expect("END line") + start + end_marker.len();
        blocks.push(&rest[start..end]);
        rest = &rest[end..];
    }
    assert_eq!(blocks.len(), total);
    for (n, (block, item)) in blocks.iter().zip(&items).enumerate() {
        let kv = key_values(&ossl_with(pki.root(), "x509 -noout -fingerprint -sha256 -serial", block.as_bytes()));
        let fp = kv
            .iter()
            .find(|(k, _)| k.to_lowercase() == "sha256 fingerprint")
            .map(|(_, v)| v.replace(':', "").to_lowercase())
            .unwrap();
        assert_eq!(item["fingerprint_sha256"], fp.as_str(), "certificate {}", n + 1);
        assert_eq!(norm_hex(item["serial"].as_str().unwrap()), norm_hex(&kv["serial"]), "certificate {}", n + 1);
    }
    // (No time limit here: timings belong in bench/, and this one is mostly ~150 openssl runs.)
}

// ---------------------------------------------------------------------------------------
// 4. Labels, line endings, DER, stdin, several files, key matching, secrets
// ---------------------------------------------------------------------------------------

/// Every label of the contract in one file, with text before, between and after the
/// blocks (as `openssl x509 -text` or a PKCS#12 export leaves it).
fn mixed_pem(fx: &Fx) -> Vec<u8> {
    let mut s = b"Bag Attributes\n    friendlyName: leaf\nsubject=/CN=leaf.test\n".to_vec();
    for (n, f) in
        ["leaf.pem", "leaf.key", "leaf-ec.key", "rsa1024.key", "enc.key", "req.csr", "crl.pem", "leaf-pub.pem"]
            .iter()
            .enumerate()
    {
        s.extend_from_slice(&fx.read(f));
        s.extend_from_slice(format!("text between blocks {n}\n\n").as_bytes());
    }
    s.extend_from_slice(b"trailing words, no newline");
    s
}

#[test]
fn inspect_reads_every_contract_label_with_text_around_the_blocks() {
    let pki = Pki::new();
    let Some(fx) = fixtures(&pki) else { return };
    fx.write("mixed.pem", &mixed_pem(&fx));
    let items = inspect_json(&pki, &["mixed.pem"]);
    let kinds: Vec<&str> = items.iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "certificate",
            "private_key",
            "private_key",
            "private_key",
            "encrypted_private_key",
            "csr",
            "crl",
            "public_key"
        ]
    );
    for (n, item) in items.iter().enumerate() {
        assert_eq!(item["source"], "mixed.pem");
        assert_eq!(item["index"], n + 1, "{item:#}");
    }
    let formats: Vec<&Value> = items[1..5].iter().map(|i| &i["format"]).collect();
    assert_eq!(formats, ["pkcs8", "sec1", "pkcs1", "pkcs8-encrypted"]);

    // Keys of the certificate in the same file point at it; the others at nothing.
    let leaf_ref = serde_json::json!({
        "source": "mixed.pem",
        "index": 1,
        "subject": "C=US, O=Test Org, OU=Web, CN=leaf.test",
    });
    assert_eq!(items[1]["certificate"], leaf_ref, "PKCS#8 leaf key");
    assert_eq!(items[2]["certificate"], leaf_ref, "SEC 1 leaf key");
    assert_eq!(items[3]["certificate"], Value::Null, "rsa1024's cert is not given");
    assert_eq!(items[4]["certificate"], Value::Null, "an encrypted key matches nothing");
    assert_eq!(items[7]["certificate"], leaf_ref, "the leaf's public key");

    // Every label on its own, also as the only block of a file.
    let blocks = [
        ("CERTIFICATE", "leaf.pem"),
        ("PRIVATE KEY", "leaf.key"),
        ("EC PRIVATE KEY", "leaf-ec.key"),
        ("RSA PRIVATE KEY", "rsa1024.key"),
        ("ENCRYPTED PRIVATE KEY", "enc.key"),
        ("CERTIFICATE REQUEST", "req.csr"),
        ("X509 CRL", "crl.pem"),
        ("PUBLIC KEY", "leaf-pub.pem"),
    ];
    for ((label, kind), (label2, file)) in LABELS.iter().zip(blocks) {
        assert_eq!(*label, label2);
        let body = String::from_utf8(fx.read(file)).unwrap();
        assert!(body.starts_with(&format!("-----BEGIN {label}-----")), "fixture {file} is not a {label} block");
        let item = only(inspect_json(&pki, &[file]), file);
        assert_eq!(item["kind"], *kind, "{label} in {file}");
    }
}

#[test]
fn inspect_reads_crlf_exactly_as_lf() {
    let pki = Pki::new();
    let Some(fx) = fixtures(&pki) else { return };
    let lf = mixed_pem(&fx);
    let crlf = String::from_utf8(lf.clone()).unwrap().replace('\n', "\r\n");
    assert!(crlf.contains("-----\r\n"));
    fx.write("lf.pem", &lf);
    fx.write("crlf.pem", crlf.as_bytes());
    let a = inspect_json(&pki, &["lf.pem"]);
    let b = inspect_json(&pki, &["crlf.pem"]);
    assert_eq!(a.len(), 8);
    assert_eq!(b.iter().filter(|i| i["source"] == "crlf.pem").count(), 8);
    assert_eq!(without_sources(&Value::from(a)), without_sources(&Value::from(b)));
}

#[test]
fn inspect_detects_a_single_der_object_of_each_kind() {
    let pki = Pki::new();
    let Some(fx) = fixtures(&pki) else { return };
    fx.ossl("x509 -in leaf.pem -outform DER -out cert.der");
    fx.ossl("pkcs8 -topk8 -nocrypt -in leaf.key -outform DER -out key.der");
    fx.ossl(&format!("pkcs8 -topk8 -in leaf.key -passout pass:{PASSPHRASE} -outform DER -out enc.der"));
    fx.ossl("req -in req.csr -outform DER -out csr.der");
    fx.ossl("crl -in crl.pem -outform DER -out crl.der");
    fx.ossl("pkey -pubin -in leaf-pub.pem -outform DER -out pub.der");
    for f in ["cert.der", "key.der", "enc.der", "csr.der", "crl.der", "pub.der"] {
        assert_ne!(fx.read(f)[..].first(), Some(&b'-'), "{f} must be DER");
    }

    // Each read alone is detected by content, and equals its PEM twin.
    for (der, pem, kind) in [
        ("cert.der", "leaf.pem", "certificate"),
        ("key.der", "leaf.key", "private_key"),
        ("enc.der", "leaf-enc.key", "encrypted_private_key"),
        ("csr.der", "req.csr", "csr"),
        ("crl.der", "crl.pem", "crl"),
        ("pub.der", "leaf-pub.pem", "public_key"),
    ] {
        let d = only(inspect_json(&pki, &[der]), der);
        assert_eq!(d["kind"], kind, "{der}: {d:#}");
        assert_eq!(d["source"], der);
        assert_eq!(d["index"], 1);
        let p = only(inspect_json(&pki, &[pem]), pem);
        let mut p = without_sources(&p);
        let d = without_sources(&d);
        if kind == "encrypted_private_key" {
            // Different salts and IVs, same shape.
            assert_eq!(d["public_key"], Value::Null);
            p["encryption"] = d["encryption"].clone();
        }
        assert_eq!(d, p, "{der} vs {pem}");
    }

    // Together in one call: the DER key and public key find the DER certificate.
    let items = inspect_json(&pki, &["key.der", "pub.der", "cert.der"]);
    let cert_ref = serde_json::json!({
        "source": "cert.der",
        "index": 1,
        "subject": "C=US, O=Test Org, OU=Web, CN=leaf.test",
    });
    assert_eq!(items[0]["certificate"], cert_ref);
    assert_eq!(items[1]["certificate"], cert_ref);
}

#[test]
fn inspect_reads_stdin_as_dash() {
    let pki = Pki::new();
    let Some(fx) = fixtures(&pki) else { return };
    let file = only(inspect_json(&pki, &["leaf.pem"]), "leaf.pem");

    // PEM on stdin.
    let out = run_stdin(&pki, &["inspect", "--json", "--at", "2024-06-01", "-"], fx.read("leaf.pem"));
    let piped = only(items_of(&out, "inspect - (PEM)"), "stdin");
    assert_eq!(piped["source"], "-");
    assert_eq!(without_sources(&piped), without_sources(&file));

    // DER on stdin.
    let der = read_cert(&fx.path("leaf.pem"));
    let out = run_stdin(&pki, &["inspect", "--json", "-"], der);
    let piped = only(items_of(&out, "inspect - (DER)"), "stdin");
    assert_eq!(piped["fingerprint_sha256"], file["fingerprint_sha256"]);

    // stdin among files; a key on stdin finds a certificate named on the command line.
    let out = run_stdin(&pki, &["inspect", "--json", "leaf.pem", "-", "root.pem"], fx.read("leaf-ec.key"));
    let items = items_of(&out, "inspect leaf.pem - root.pem");
    let sources: Vec<&Value> = items.iter().map(|i| &i["source"]).collect();
    assert_eq!(sources, ["leaf.pem", "-", "root.pem"]);
    assert_eq!(items[1]["kind"], "private_key");
    assert_eq!(items[1]["certificate"]["source"], "leaf.pem");

    // Human output names stdin as `-`.
    let out = run_stdin(&pki, &["inspect", "-"], fx.read("req.csr"));
    let human = expect_ok(&out, "inspect - (human)");
    assert!(human.starts_with("-[1] certificate request"), "{human}");

    // Empty stdin is an error naming `-`.
    let out = run_stdin(&pki, &["inspect", "-"], Vec::new());
    assert_refused(&out, "-", "empty");
}

#[test]
fn inspect_several_files_keep_order_and_match_keys_across_files() {
    let pki = Pki::new();
    let Some(_fx) = fixtures(&pki) else { return };
    let items = inspect_json(
        &pki,
        &["rsa1024.key", "leaf.key", "root.pem", "inter.pem", "leaf.pem", "rsa1024.pem", "leaf-enc.key"],
    );
    let sources: Vec<&str> = items.iter().map(|i| i["source"].as_str().unwrap()).collect();
    assert_eq!(
        sources,
        ["rsa1024.key", "leaf.key", "root.pem", "inter.pem", "leaf.pem", "rsa1024.pem", "leaf-enc.key"]
    );
    // Keys given before their certificates still find them.
    assert_eq!(
        items[0]["certificate"],
        serde_json::json!({"source": "rsa1024.pem", "index": 1, "subject": "O=Weak Org, CN=weak.test"})
    );
    assert_eq!(
        items[1]["certificate"],
        serde_json::json!({"source": "leaf.pem", "index": 1, "subject": "C=US, O=Test Org, OU=Web, CN=leaf.test"})
    );
    // The encrypted copy of the leaf key cannot be matched without its passphrase.
    assert_eq!(items[6]["kind"], "encrypted_private_key");
    assert_eq!(items[6]["certificate"], Value::Null);

    // A key whose certificate is not among the files: null, and said so in human output.
    let alone = only(inspect_json(&pki, &["leaf.key", "root.pem"])[..1].to_vec(), "leaf.key");
    assert_eq!(alone["certificate"], Value::Null);
    assert!(
        alone.as_object().unwrap().contains_key("certificate"),
        "`certificate` is present (null), not left out: {alone:#}"
    );
    let human = expect_ok(&run(&pki, &["inspect", "leaf.key"]), "inspect leaf.key");
    assert!(human.contains("no certificate given here"), "{human}");
    let human = expect_ok(&run(&pki, &["inspect", "leaf.key", "leaf.pem"]), "inspect leaf.key leaf.pem");
    assert!(human.contains("belongs to      leaf.pem [1] C=US, O=Test Org, OU=Web, CN=leaf.test"), "{human}");
}

#[test]
fn inspect_encrypted_keys_without_passphrase_and_never_shows_secrets() {
    let pki = Pki::new();
    let Some(fx) = fixtures(&pki) else { return };

    for file in ["enc.key", "leaf-enc.key"] {
        // No passphrase anywhere, stdin empty: no prompt, no hang, exit 0.
        let k = only(inspect_json(&pki, &[file]), file);
        assert_eq!(k["kind"], "encrypted_private_key", "{file}");
        assert_eq!(k["format"], "pkcs8-encrypted", "{file}");
        assert_eq!(k["public_key"], Value::Null, "{file}");
        let enc = k["encryption"].as_str().expect("encryption described");
        assert!(enc.contains("PBES2"), "{file}: {enc}");
        assert!(enc.contains("AES-256-CBC"), "{file}: {enc}");
        assert!(enc.contains("PBKDF2"), "{file}: {enc}");
        let human = expect_ok(&run(&pki, &["inspect", file]), file);
        assert!(human.contains("encrypted private key"), "{human}");
    }

    // Whatever is asked, no private key material reaches stdout or stderr: not a line of
    // the PEM body, not the private scalar or exponent as openssl would print it.
    let keys = ["leaf.key", "leaf-ec.key", "rsa1024.key", "enc.key", "leaf-enc.key"];
    let mut all = Vec::new();
    for key in keys {
        for args in [
            vec!["inspect", key],
            vec!["inspect", "--json", key],
            vec!["inspect", key, "leaf.pem", "rsa1024.pem"],
            vec!["inspect", "--json", key, "leaf.pem", "rsa1024.pem"],
        ] {
            let out = run(&pki, &args);
            expect_ok(&out, &format!("{args:?}"));
            all.push(format!("{}{}", text(&out.stdout), text(&out.stderr)));
        }
    }
    fx.write("mixed.pem", &mixed_pem(&fx));
    for args in [&["inspect", "mixed.pem"][..], &["inspect", "--json", "mixed.pem"]] {
        let out = run(&pki, args);
        expect_ok(&out, "mixed");
        all.push(format!("{}{}", text(&out.stdout), text(&out.stderr)));
    }
    let output = all.join("\n");
    let output_lower = output.to_lowercase();
    for key in keys {
        let pem = String::from_utf8(fx.read(key)).unwrap();
        let body: Vec<&str> = pem.lines().filter(|l| !l.starts_with("-----") && l.len() >= 16).collect();
        assert!(!body.is_empty(), "{key} has a body");
        for line in &body {
            assert!(!output.contains(line), "a line of {key}'s private key body appears in pki's output: {line}");
        }
        assert!(!output.contains(&body.concat()));
    }
    // The private values themselves (hex, as `openssl pkey -text` shows them).
    for (key, from, to) in [("leaf.key", "priv:", "pub:"), ("rsa1024.key", "privateExponent:", "prime1:")] {
        let t = fx.ossl(&format!("pkey -in {key} -noout -text"));
        let secret: String = t
            .split(from)
            .nth(1)
            .and_then(|s| s.split(to).next())
            .expect("openssl shows the private value")
            .chars()
            .filter(char::is_ascii_hexdigit)
            .collect::<String>()
            .to_lowercase();
        let secret = secret.trim_start_matches("00");
        assert!(secret.len() >= 60, "{key}: private value {secret}");
        assert!(!output_lower.contains(secret), "{key}'s private value appears in pki's output");
        // Not even a 16-hex-digit run of it.
        for w in (0..secret.len() - 16).step_by(8) {
            assert!(
                !output_lower.contains(&secret[w..w + 16]),
                "part of {key}'s private value appears in pki's output"
            );
        }
    }
    assert!(!output.contains(PASSPHRASE));
}

// ---------------------------------------------------------------------------------------
// 5. Hostile input
// ---------------------------------------------------------------------------------------

/// A world with a pki-made root (`ca/ca.pem`) for hostile tests that need one real
/// certificate but no openssl.
fn with_cert() -> (Pki, Vec<u8>) {
    let pki = Pki::new();
    pki.init(&[]);
    let pem = std::fs::read(pki.ca_dir().join("ca.pem")).unwrap();
    (pki, pem)
}

/// Write `bytes` to `name` in the work dir, inspect it, and assert the refusal.
fn refuse_file(pki: &Pki, name: &str, bytes: &[u8], says: &str) -> String {
    std::fs::write(pki.path(name), bytes).unwrap();
    let out = run(pki, &["inspect", name]);
    let stderr = assert_refused(&out, name, says);
    assert!(out.stdout.is_empty(), "{name}: nothing to show on stdout, got {}", text(&out.stdout));
    // And the same with --json: still exit 1 naming the file; stdout, if any, valid JSON.
    let out = run(pki, &["inspect", "--json", name]);
    assert_refused(&out, name, says);
    if !out.stdout.is_empty() {
        let v: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
        assert_eq!(v, serde_json::json!([]), "{name}");
    }
    stderr
}

#[test]
fn inspect_refuses_an_empty_file() {
    let pki = Pki::new();
    refuse_file(&pki, "empty.pem", b"", "empty");
}

#[test]
fn inspect_refuses_a_whitespace_only_file() {
    let pki = Pki::new();
    refuse_file(&pki, "blank.pem", b"  \n\t\r\n \n", "empty");
}

#[test]
fn inspect_refuses_a_truncated_pem() {
    let (pki, pem) = with_cert();
    let half = &pem[..pem.len() / 2];
    assert!(std::str::from_utf8(half).unwrap().contains("-----BEGIN CERTIFICATE-----"));
    refuse_file(&pki, "half.pem", half, "PEM block 1");
}

#[test]
fn inspect_refuses_bad_base64_in_a_block() {
    let (pki, pem) = with_cert();
    // A real certificate block with one body line spoiled.
    let pem = String::from_utf8(pem).unwrap();
    let mut lines: Vec<String> = pem.lines().map(String::from).collect();
    lines[2] = "MIIB!!!!$$$$####".repeat(4);
    let bad = lines.join("\n") + "\n";
    refuse_file(&pki, "badb64.pem", bad.as_bytes(), "base64");
}

#[test]
fn inspect_refuses_junk_bytes() {
    let pki = Pki::new();
    // Deterministic pseudo-random bytes (xorshift), not starting like DER or PEM.
    let mut x: u32 = 0x9e37_79b9;
    let junk: Vec<u8> = (0..8192)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    let mut junk = junk;
    junk[0] = 0xa5;
    refuse_file(&pki, "junk.bin", &junk, "nothing recognisable");
    // Text that is not PEM either.
    refuse_file(&pki, "notes.txt", b"hello, this is not a certificate\n", "nothing recognisable");
}

#[test]
fn inspect_refuses_a_truncated_der_certificate() {
    let (pki, _) = with_cert();
    let der = read_cert(&pki.ca_dir().join("ca.pem"));
    for (name, cut) in [("cut-half.der", der.len() / 2), ("cut-one.der", der.len() - 1), ("cut-header.der", 4)] {
        refuse_file(&pki, name, &der[..cut], "nothing recognisable");
    }
    // And with a byte too many (trailing data is not "a single DER object").
    let mut long = der.clone();
    long.push(0);
    refuse_file(&pki, "trailing.der", &long, "nothing recognisable");
}

#[test]
fn inspect_refuses_deeply_nested_der_without_overflowing_the_stack() {
    let pki = Pki::new();
    let nested = nested_sequences(10_000);
    assert_eq!(&nested[..2], &[0x30, 0x82]);
    refuse_file(&pki, "nested.der", &nested, "nothing recognisable");

    // The same bytes as the body of every PEM label: parsed as that kind, no panic, the
    // file still reported by name (as a malformed item or a refusal).
    for (label, kind) in LABELS {
        let name = format!("nested-{}.pem", label.replace(' ', "-").to_lowercase());
        std::fs::write(pki.path(&name), pem_wrap(label, &nested)).unwrap();
        let out = run(&pki, &["inspect", "--json", &name]);
        let code = out.status.code();
        assert!(
            matches!(code, Some(0) | Some(1)),
            "{name}: exit {code:?} (101 = panic, None = killed)\n{}",
            text(&out.stderr)
        );
        assert!(!text(&out.stderr).contains("panicked"), "{name}");
        let items: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
        let items = items.as_array().unwrap();
        if code == Some(0) {
            let item = &items[0];
            assert_eq!(item["kind"], kind, "{name}: {item:#}");
            assert_eq!(item["source"], name.as_str());
            assert!(
                item["error"].as_str().is_some_and(|e| !e.is_empty()),
                "{name}: the item must say it is malformed: {item:#}"
            );
        } else {
            assert!(text(&out.stderr).contains(&name), "{name}");
        }
    }
}

#[test]
fn inspect_refuses_a_huge_file_quickly() {
    let pki = Pki::new();
    let huge = vec![b'A'; 70 << 20];
    std::fs::write(pki.path("huge.pem"), &huge).unwrap();
    drop(huge);
    let started = Instant::now();
    let out = run(&pki, &["inspect", "huge.pem"]);
    let took = started.elapsed();
    let stderr = assert_refused(&out, "huge.pem", "more than the 64 MiB pki reads");
    assert!(took < QUICK, "refusing a 70 MiB file took {took:?}");
    assert!(out.stdout.is_empty());
    assert!(stderr.contains("MiB"), "{stderr}");
}

#[test]
fn inspect_reads_ten_thousand_blocks_in_bounded_time() {
    let (pki, pem) = with_cert();
    let many = pem.repeat(10_000);
    std::fs::write(pki.path("many.pem"), &many).unwrap();
    let started = Instant::now();
    let out = run(&pki, &["inspect", "--json", "--at", "2024-06-01", "many.pem"]);
    let took = started.elapsed();
    let items = items_of(&out, "inspect many.pem");
    assert_eq!(items.len(), 10_000);
    let fp = &items[0]["fingerprint_sha256"];
    assert!(fp.is_string());
    for (n, item) in items.iter().enumerate() {
        assert_eq!(item["kind"], "certificate");
        assert_eq!(item["index"], n + 1);
        assert_eq!(&item["fingerprint_sha256"], fp);
    }
    assert!(took < TIMEOUT, "10,000 blocks took {took:?}");
}

#[test]
fn inspect_refuses_a_directory_and_a_missing_path() {
    let pki = Pki::new();
    std::fs::create_dir_all(pki.path("adir")).unwrap();
    let out = run(&pki, &["inspect", "adir"]);
    assert_refused(&out, "adir", "directory");
    let out = run(&pki, &["inspect", "missing.pem"]);
    let stderr = assert_refused(&out, "missing.pem", "no such file");
    assert!(stderr.contains("hint:"), "{stderr}");
}

#[test]
fn inspect_reports_the_good_files_when_others_are_bad() {
    let (pki, pem) = with_cert();
    std::fs::write(pki.path("good.pem"), &pem).unwrap();
    std::fs::write(pki.path("empty.pem"), b"").unwrap();
    std::fs::write(pki.path("junk.bin"), b"\x00\x01\x02 junk").unwrap();
    std::fs::create_dir_all(pki.path("adir")).unwrap();
    let ca = pki.ca_dir().join("ca.pem");
    let ca = ca.to_str().unwrap();
    let files = ["good.pem", "missing.pem", "empty.pem", "junk.bin", "adir", ca];

    let mut args = vec!["inspect", "--json"];
    args.extend_from_slice(&files);
    let out = run(&pki, &args);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for bad in ["missing.pem", "empty.pem", "junk.bin", "adir"] {
        assert!(stderr.contains(&format!("'{bad}'")), "stderr must name {bad}:\n{stderr}");
    }
    assert!(!stderr.contains("'good.pem'"), "{stderr}");
    let items: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let sources: Vec<&str> = items.as_array().unwrap().iter().map(|i| i["source"].as_str().unwrap()).collect();
    assert_eq!(sources, ["good.pem", ca]);

    // Human output too: the good files' blocks on stdout, exit 1.
    let mut args = vec!["inspect"];
    args.extend_from_slice(&files);
    let out = run(&pki, &args);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("good.pem[1] certificate"), "{stdout}");
    assert!(stdout.contains(&format!("{ca}[1] certificate")), "{stdout}");
}

// ---------------------------------------------------------------------------------------
// Regressions: bugs found and fixed (each test names what it guards)
// ---------------------------------------------------------------------------------------

#[test]
fn inspect_a_file_holding_only_a_malformed_block_exits_1() {
    // docs/cli.md: exit 1 for a "malformed file"; "a file that ... holds nothing
    // recognisable: exit 1, naming it". A CERTIFICATE block whose body is not a
    // certificate is such a file; pki shows it as an `error` row and exits 0.
    let pki = Pki::new();
    std::fs::write(pki.path("bad-body.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").unwrap();
    let out = run(&pki, &["inspect", "bad-body.pem"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}{}", text(&out.stdout));
    assert!(stderr.contains("bad-body.pem"), "{stderr}");
}

#[test]
fn inspect_huge_file_message_states_the_real_size() {
    // pki reads at most 64 MiB + 1 byte and then reports the size it read, so a 70 MiB
    // file is "64 MiB, more than the 64 MiB pki reads".
    let pki = Pki::new();
    std::fs::write(pki.path("huge.pem"), vec![b'A'; 70 << 20]).unwrap();
    let out = run(&pki, &["inspect", "huge.pem"]);
    let stderr = assert_refused(&out, "huge.pem", "more than the 64 MiB");
    assert!(stderr.contains("70 MiB"), "{stderr}");
}

#[test]
fn inspect_detects_der_sec1_and_pkcs1_private_keys() {
    // `openssl pkey -outform DER` of an EC key (OpenSSL 3.0) writes SEC 1, and
    // `openssl rsa -traditional -outform DER` PKCS#1: single DER objects of kinds pki
    // reads as PEM (EC PRIVATE KEY, RSA PRIVATE KEY), refused as "nothing recognisable".
    let pki = Pki::new();
    let Some(fx) = fixtures(&pki) else { return };
    fx.ossl("pkey -in leaf.key -outform DER -out ec.der");
    fx.ossl("rsa -in rsa1024.key -traditional -outform DER -out rsa.der");
    for (file, format) in [("ec.der", "sec1"), ("rsa.der", "pkcs1")] {
        let out = run(&pki, &["inspect", "--json", file, "leaf.pem", "rsa1024.pem"]);
        let items = items_of(&out, file);
        assert_eq!(items[0]["kind"], "private_key", "{file}");
        assert_eq!(items[0]["format"], format, "{file}");
        assert!(items[0]["certificate"].is_object(), "{file}: {:#}", items[0]);
    }
}

#[test]
fn inspect_reports_legacy_encrypted_pem_keys_as_encrypted() {
    // `openssl genrsa -aes256 -traditional` writes an RSA PRIVATE KEY block with RFC 1421
    // headers; pki calls the file malformed ("bad base64") instead of an encrypted key.
    let pki = Pki::new();
    let Some(fx) = fixtures(&pki) else { return };
    fx.ossl(&format!("rsa -in rsa1024.key -traditional -aes256 -passout pass:{PASSPHRASE} -out legacy.key"));
    assert!(String::from_utf8(fx.read("legacy.key")).unwrap().contains("Proc-Type: 4,ENCRYPTED"));
    let k = only(inspect_json(&pki, &["legacy.key"]), "legacy.key");
    assert_eq!(k["kind"], "encrypted_private_key", "{k:#}");
}

// ---------------------------------------------------------------------------------------
// 6. Property: mutated DER never panics the reading path
// ---------------------------------------------------------------------------------------

mod mutation {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

    use pki::describe::{self, Description};
    use pki::pem::{self, Item, ItemKind};

    use super::{LABELS, Pki, pem_wrap, read_cert, require};

    const KINDS: [ItemKind; 8] = [
        ItemKind::Certificate,
        ItemKind::PrivateKey,
        ItemKind::EcPrivateKey,
        ItemKind::RsaPrivateKey,
        ItemKind::EncryptedPrivateKey,
        ItemKind::Csr,
        ItemKind::Crl,
        ItemKind::PublicKey,
    ];

    /// One edit of a DER buffer; positions are taken modulo its length.
    #[derive(Debug, Clone)]
    pub enum Mutation {
        Flip(usize, u8),
        Set(usize, u8),
        Truncate(usize),
        Insert(usize, Vec<u8>),
        Remove(usize, usize),
    }

    fn mutation() -> impl Strategy<Value = Mutation> {
        prop_oneof![
            (any::<usize>(), 1u8..).prop_map(|(i, x)| Mutation::Flip(i, x)),
            // Length-ish bytes are the interesting ones for DER.
            (
                any::<usize>(),
                prop_oneof![
                    Just(0x00u8),
                    Just(0x7f),
                    Just(0x80),
                    Just(0x81),
                    Just(0x82),
                    Just(0x84),
                    Just(0xff),
                    any::<u8>()
                ]
            )
                .prop_map(|(i, b)| Mutation::Set(i, b)),
            any::<usize>().prop_map(Mutation::Truncate),
            (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..8)).prop_map(|(i, v)| Mutation::Insert(i, v)),
            (any::<usize>(), 1usize..16).prop_map(|(i, n)| Mutation::Remove(i, n)),
        ]
    }

    pub fn apply(der: &mut Vec<u8>, m: &Mutation) {
        let len = der.len();
        match m {
            Mutation::Flip(i, x) if len > 0 => der[i % len] ^= x,
            Mutation::Set(i, b) if len > 0 => der[i % len] = *b,
            Mutation::Truncate(n) => der.truncate(n % (len + 1)),
            Mutation::Insert(i, v) => {
                let at = i % (len + 1);
                der.splice(at..at, v.iter().copied());
            }
            Mutation::Remove(i, n) if len > 0 => {
                let at = i % len;
                let end = (at + n).min(len);
                der.drain(at..end);
            }
            _ => {}
        }
    }

    /// Everything `inspect` does with bytes short of printing: read, describe as every
    /// kind, match keys, serialise. Panics are the failure.
    pub fn exercise(der: &[u8], label: &str) -> Result<(), TestCaseError> {
        let mut descs: Vec<Description> =
            KINDS.iter().map(|&kind| describe::describe(&Item { kind, der: der.to_vec(), index: 1 }, "x")).collect();
        if let Ok(items) = pem::read_items(der) {
            descs.extend(items.items.iter().map(|i| describe::describe(i, "x")));
        }
        let wrapped = pem_wrap(label, der);
        match pem::read_items(wrapped.as_bytes()) {
            Ok(items) => {
                prop_assert_eq!(items.items.len(), 1, "one block in, one item out");
                prop_assert_eq!(&items.items[0].der, &der.to_vec());
                descs.extend(items.items.iter().map(|i| describe::describe(i, "x")));
            }
            Err(e) => prop_assert!(der.is_empty(), "valid PEM refused: {e}"),
        }
        let crlf = wrapped.replace('\n', "\r\n");
        if let Ok(items) = pem::read_items(crlf.as_bytes()) {
            descs.extend(items.items.iter().map(|i| describe::describe(i, "x")));
        }
        describe::key::match_keys(&mut descs);
        for d in &descs {
            serde_json::to_value(d).map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        Ok(())
    }

    /// Valid DER to start from: pki's own root, leaf and key; openssl's CSR, CRL, keys
    /// and public key when openssl is there.
    fn seeds() -> (Pki, Vec<Item>) {
        let pki = Pki::new();
        pki.init(&[]);
        pki.ok(&[
            "issue",
            "server",
            "-q",
            "--san",
            "a.test,*.b.test,192.0.2.1,2001:db8::2,ops@a.test,spiffe://a.test/x",
        ]);
        let cert = |der| Item { kind: ItemKind::Certificate, der, index: 1 };
        let mut seeds = vec![cert(read_cert(&pki.ca_dir().join("ca.pem"))), cert(read_cert(&pki.path("a.test.pem")))];
        let key = std::fs::read_to_string(pki.path("a.test-key.pem")).unwrap();
        seeds.push(first_block(&key));
        if require("openssl") {
            let fx = super::Fx::mint(&pki);
            for f in ["req.csr", "crl.pem", "leaf-ec.key", "rsa1024.key", "enc.key", "leaf-pub.pem", "rsa1024.pem"] {
                seeds.push(first_block(&String::from_utf8(fx.read(f)).unwrap()));
            }
        } else {
            eprintln!("note: openssl missing; mutating pki's own certificates and key only");
        }
        (pki, seeds)
    }

    /// A PEM file's first block (read by the library; the test checks it describes).
    fn first_block(pem: &str) -> Item {
        let items = pem::read_items(pem.as_bytes()).expect("seed PEM reads");
        items.items[0].clone()
    }

    #[test]
    fn inspect_mutated_der_never_panics_the_library() {
        let (_pki, seeds) = seeds();
        // The unmutated seeds read and describe cleanly (else the property is vacuous).
        for s in &seeds {
            let d = describe::describe(s, "x");
            assert!(!matches!(d, Description::Malformed(_)), "seed malformed: {d:?}");
        }

        // 512 cases by default (well under a second); PROPTEST_CASES for a longer hunt.
        let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512);
        let config = Config { cases, failure_persistence: None, ..Config::default() };
        // A fixed seed: the same cases every run, so a failure reproduces.
        let mut runner = TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
        let n = seeds.len();
        let strategy = (0..n, proptest::collection::vec(mutation(), 1..6), 0..LABELS.len());
        let result = runner.run(&strategy, |(seed, edits, label)| {
            let mut der = seeds[seed].der.clone();
            for m in &edits {
                apply(&mut der, m);
            }
            exercise(&der, LABELS[label].0)
        });
        if let Err(e) = result {
            panic!("{e}");
        }
    }
}
