//! `pki verify`'s strict profile as a user meets it: everything pki mints passes it (every
//! profile and key type, under the root and under intermediates), a certificate made by
//! hand that breaks one rule is refused with that rule's code and source while
//! `--profile webpki` accepts it as rustls does, and `pki inspect` warns the same.

use serde_json::Value;

use crate::common::{Pki, openssl_said, require, s, server_leaf_ext};

/// `verify ARGS --json` (exit 0 or 3) as JSON, with the exit code.
fn verify_json(pki: &Pki, args: &[&str]) -> (i32, Value) {
    let mut a = vec!["verify"];
    a.extend_from_slice(args);
    a.push("--json");
    let out = pki.run(&a);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!("verify {args:?}: no JSON ({:?}): {}", out.status.code(), String::from_utf8_lossy(&out.stderr))
    });
    (out.status.code().unwrap(), v)
}

/// The notBefore of a certificate plus a minute, for `--at` (no test reads the clock).
fn at(pki: &Pki, cert: &str) -> String {
    let v = pki.json(&["inspect", cert]);
    let nb = v[0]["not_before"].as_str().or_else(|| v["not_before"].as_str()).unwrap().to_string();
    let t = time::OffsetDateTime::parse(&nb, &time::format_description::well_known::Rfc3339).unwrap()
        + time::Duration::minutes(1);
    t.format(&time::format_description::well_known::Rfc3339).unwrap()
}

/// Warnings `pki inspect` shows about the strict profile.
fn strict_warnings(pki: &Pki, cert: &str) -> Vec<String> {
    let v = pki.json(&["inspect", cert]);
    let item = if v.is_array() { v[0].clone() } else { v };
    item["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .filter(|w| w.contains("(pki verify:"))
        .collect()
}

#[test]
fn everything_pki_mints_passes_the_strict_profile() {
    let pki = Pki::new();
    pki.init(&["--cn", "Sweep Root"]);
    pki.ok(&["ca", "intermediate", "--name", "rsa", "--key-type", "rsa-2048", "-q"]);
    pki.ok(&["ca", "intermediate", "--name", "p384", "--key-type", "ecdsa-p384", "--permit", "test", "-q"]);
    let root = pki.ca_dir().join("ca.pem");
    let mut checked = 0;
    for (i, kt) in ["ecdsa-p256", "ecdsa-p384", "ed25519", "rsa-2048", "rsa-3072", "rsa-4096"].iter().enumerate() {
        for (j, profile) in ["server", "client", "peer"].iter().enumerate() {
            let issuer = ["root", "rsa", "p384"][(i + j) % 3];
            let name = format!("{kt}-{profile}-{issuer}");
            let mut args = vec!["issue", profile, "--key-type", kt, "--name", &name, "-q"];
            // The p384 intermediate permits DNS names under .test only (no IP address).
            let san = if issuer == "p384" { format!("{name}.test") } else { format!("{name}.test,127.0.0.1,::1") };
            let cn = format!("{name}.test");
            match *profile {
                "client" => args.extend(["--cn", &cn]),
                _ => args.extend(["--san", &san]),
            }
            if issuer != "root" {
                args.extend(["--issuer", issuer]);
            }
            pki.ok(&args);
            let chain = format!("{name}-chain.pem");
            let when = at(&pki, &format!("{name}.pem"));
            let (code, v) = verify_json(&pki, &[&chain, "--ca", s(&root), "--at", &when]);
            assert_eq!((code, &v["errors"]), (0, &serde_json::json!([])), "{name}: {v}");
            assert_eq!(strict_warnings(&pki, &format!("{name}.pem")), Vec::<String>::new(), "{name}");
            checked += 1;
        }
    }
    assert_eq!(checked, 18);
    for ca in
        [root.clone(), pki.ca_dir().join("intermediates/rsa/ca.pem"), pki.ca_dir().join("intermediates/p384/ca.pem")]
    {
        assert_eq!(strict_warnings(&pki, s(&ca)), Vec::<String>::new(), "{}", ca.display());
    }
}

#[test]
fn a_leaf_with_key_cert_sign_is_refused_by_default_and_accepted_by_the_webpki_profile() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    pki.init(&["--cn", "Strict Root"]);
    let (root, root_key) = (pki.ca_dir().join("ca.pem"), pki.ca_dir().join("ca-key.pem"));
    let w = pki.work();
    openssl_said(&w, &["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "k.pem"]);
    openssl_said(&w, &["req", "-new", "-key", "k.pem", "-subj", "/CN=bad.test", "-out", "r.csr"]);
    let mut ext = server_leaf_ext("DNS:bad.test");
    ext[1] = "keyUsage=critical,digitalSignature,keyCertSign".into();
    std::fs::write(pki.path("x.ext"), ext.join("\n") + "\n").unwrap();
    openssl_said(
        &w,
        &[
            "x509",
            "-req",
            "-in",
            "r.csr",
            "-CA",
            s(&root),
            "-CAkey",
            s(&root_key),
            "-days",
            "30",
            "-set_serial",
            "0x1234",
        ]
        .into_iter()
        .chain(["-extfile", "x.ext", "-out", "bad.pem"])
        .collect::<Vec<_>>(),
    );
    let when = at(&pki, "bad.pem");
    let (code, v) = verify_json(&pki, &["bad.pem", "--ca", s(&root), "--host", "bad.test", "--at", &when]);
    assert_eq!(code, 3, "{v}");
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{v}");
    assert_eq!(errors[0]["code"], "leaf_key_cert_sign");
    let msg = errors[0]["message"].as_str().unwrap();
    assert!(msg.starts_with("'CN=bad.test'") && msg.contains("RFC 5280 4.2.1.3"), "{msg}");
    assert!(msg.contains("most TLS clients accept this"), "{msg}");
    let (code, v) =
        verify_json(&pki, &["bad.pem", "--ca", s(&root), "--host", "bad.test", "--at", &when, "--profile", "webpki"]);
    assert_eq!(code, 0, "rustls accepts it: {v}");
    let warnings = strict_warnings(&pki, "bad.pem");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("keyCertSign") && warnings[0].ends_with("(pki verify: leaf_key_cert_sign)"));
}

/// No false reject on real certificates: no root of Mozilla's store (Debian's
/// ca-certificates) breaks a rule of the strict profile as a trust anchor, so their chains
/// verify as rustls verifies them (the old roots that predate a rule are spared it, as
/// root programs spare them: src/verify/strict/legacy.rs).
#[test]
fn no_root_of_mozillas_store_breaks_a_strict_rule() {
    let dir = std::path::Path::new("/usr/share/ca-certificates/mozilla");
    if !crate::common::require_file(dir, "install ca-certificates") {
        return;
    }
    let mut checked = 0;
    let mut broken = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let der = crate::common::read_cert(&path);
        let findings = pki::verify::strict::check_cert(&der, pki::verify::strict::Role::Root);
        if !findings.is_empty() {
            broken.push(format!("{}: {findings:?}", path.display()));
        }
        checked += 1;
    }
    assert!(checked > 100, "only {checked} roots");
    assert!(broken.is_empty(), "real roots the strict profile would refuse: {broken:#?}");
}
