//! `pki ca init` and `pki ca intermediate`: the root and intermediate profiles, their
//! files and modes, refusal to overwrite, clamping, and where the CA directory is found.

use std::path::{Path, PathBuf};

use x509_parser::oid_registry::{
    OID_PKCS1_SHA256WITHRSA, OID_SIG_ECDSA_WITH_SHA256, OID_SIG_ECDSA_WITH_SHA384, OID_SIG_ED25519, Oid,
};
use x509_parser::prelude::X509Version;

use crate::common::*;
use crate::x509::*;

/// `pki ARGS` without `--ca-dir`: HOME and XDG_DATA_HOME as given (or removed), no
/// `PKI_*`, no `NO_COLOR`, stdin empty, cwd = the world's work dir, through the shared
/// runner. For testing how the CA directory is found.
pub(crate) fn bare_cmd<I, S>(pki: &Pki, home: Option<&Path>, xdg: Option<&Path>, args: I) -> Invocation
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut c = pki.call_bare(args).env_remove("HOME").env_remove("XDG_DATA_HOME");
    if let Some(h) = home {
        c = c.env("HOME", h);
    }
    if let Some(x) = xdg {
        c = c.env("XDG_DATA_HOME", x);
    }
    c
}

/// The root certificate's DER.
pub(crate) fn root_der(pki: &Pki) -> Vec<u8> {
    read_cert(&pki.ca_dir().join("ca.pem"))
}

/// An intermediate's directory.
pub(crate) fn inter_dir(pki: &Pki, name: &str) -> PathBuf {
    pki.ca_dir().join("intermediates").join(name)
}

/// Names in a directory that look like leftovers of an interrupted atomic write.
pub(crate) fn temp_leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".pki-tmp-") || n.starts_with(".pki-init-") || n.starts_with(".tmp"))
        .collect()
}

/// The CA key usages, as `key_usage` names them.
const CA_KU: [&str; 3] = ["digitalSignature", "keyCertSign", "cRLSign"];

// ---------------------------------------------------------------------------------------
// ca init
// ---------------------------------------------------------------------------------------

#[test]
fn init_creates_root_with_private_modes() {
    let pki = Pki::new();
    pki.init(&[]);
    assert_eq!(mode(&pki.ca_dir()), 0o700);
    assert_eq!(mode(&pki.ca_dir().join("ca-key.pem")), 0o600);
    let key = std::fs::read_to_string(pki.ca_dir().join("ca-key.pem")).unwrap();
    assert!(
        key.starts_with("-----BEGIN PRIVATE KEY-----"),
        "CA key is not PKCS#8 PEM: {}",
        key.lines().next().unwrap_or("")
    );
    assert_eq!(read_certs(&pki.ca_dir().join("ca.pem")).len(), 1);
    let der = root_der(&pki);
    let cert = parse(&der);
    let bc = cert.basic_constraints().unwrap().expect("basicConstraints");
    assert!(bc.critical && bc.value.ca);
    assert!(temp_leftovers(&pki.ca_dir()).is_empty());
    assert!(temp_leftovers(pki.root()).is_empty());
}

#[test]
fn root_profile_by_default() {
    let pki = Pki::new();
    pki.init(&[]);
    let der = root_der(&pki);
    let cert = parse(&der);

    assert_eq!(cert.version(), X509Version::V3);
    assert_eq!(basic_constraints(&cert), (true, true, None), "critical CA:TRUE, no pathLen");
    assert_eq!(key_usage(&cert), (true, CA_KU.to_vec()));
    assert!(!ski(&cert).is_empty());
    assert_eq!(eku(&cert), None, "a root carries no EKU");
    assert_eq!(cert.subject().as_raw(), cert.issuer().as_raw(), "issuer == subject");
    cert.verify_signature(None).expect("the root's self-signature verifies");
    if let Some(a) = aki(&cert) {
        assert_eq!(a, ski(&cert), "a root's AKI, if any, is its own SKI");
    }
    assert!(cn(&cert).starts_with("pki Root CA"), "default CN: {:?}", cn(&cert));
    assert_good_serial(&cert);
    assert_starts_now(&cert);
    assert_lifetime_days(&cert, 3650);
    assert_eq!(sig_alg(&cert), OID_SIG_ECDSA_WITH_SHA256, "default key is P-256");
}

#[test]
fn root_path_len_days_cn_and_org_are_respected() {
    let pki = Pki::new();
    pki.init(&["--path-len", "1", "--days", "30", "--cn", "Acme Dev Root", "--org", "Acme Corp"]);
    let der = root_der(&pki);
    let cert = parse(&der);
    assert_eq!(basic_constraints(&cert), (true, true, Some(1)));
    assert_eq!(cn(&cert), "Acme Dev Root");
    assert_eq!(orgs(&cert), vec!["Acme Corp".to_string()]);
    assert_eq!(cert.subject().as_raw(), cert.issuer().as_raw());
    assert_starts_now(&cert);
    assert_lifetime_days(&cert, 30);
}

#[test]
fn root_serials_are_random_and_distinct() {
    let (a, b) = (Pki::new(), Pki::new());
    a.init(&[]);
    b.init(&[]);
    let (da, db) = (root_der(&a), root_der(&b));
    let (ca, cb) = (parse(&da), parse(&db));
    assert_good_serial(&ca);
    assert_good_serial(&cb);
    assert_ne!(ca.raw_serial(), cb.raw_serial(), "two roots, one serial");
}

/// Each key type signs with its own algorithm, and so does a leaf it issues.
fn check_root_signature_algorithm(key_type: &str, want: Oid<'static>) {
    let pki = Pki::new();
    pki.init(&["--key-type", key_type]);
    let der = root_der(&pki);
    let root = parse(&der);
    assert_eq!(sig_alg(&root), want, "root made with {key_type}");
    root.verify_signature(None).unwrap_or_else(|e| panic!("{key_type} root self-signature: {e:?}"));

    pki.ok(&["issue", "server", "--san", "alg.test", "-q"]);
    let leaf_der = read_cert(&pki.path("alg.test.pem"));
    let leaf = parse(&leaf_der);
    assert_eq!(sig_alg(&leaf), want, "leaf signed by a {key_type} root");
    leaf.verify_signature(Some(root.public_key())).unwrap_or_else(|e| panic!("leaf under {key_type} root: {e:?}"));
}

#[test]
fn p256_root_signs_with_ecdsa_sha256() {
    check_root_signature_algorithm("ecdsa-p256", OID_SIG_ECDSA_WITH_SHA256);
}

#[test]
fn p384_root_signs_with_ecdsa_sha384() {
    check_root_signature_algorithm("ecdsa-p384", OID_SIG_ECDSA_WITH_SHA384);
}

#[test]
fn ed25519_root_signs_with_ed25519() {
    check_root_signature_algorithm("ed25519", OID_SIG_ED25519);
}

#[test]
fn rsa_root_signs_with_sha256_rsa() {
    check_root_signature_algorithm("rsa-2048", OID_PKCS1_SHA256WITHRSA);
}

#[test]
fn second_init_refuses_and_changes_nothing() {
    let pki = Pki::new();
    pki.init(&[]);
    let cert_path = pki.ca_dir().join("ca.pem");
    let key_path = pki.ca_dir().join("ca-key.pem");
    let (cert0, key0) = (std::fs::read(&cert_path).unwrap(), std::fs::read(&key_path).unwrap());

    let err = pki.fails(1, &["ca", "init"]);
    assert!(err.contains("ca.pem"), "names the file: {err}");
    assert!(err.contains("--force"), "says how to override: {err}");
    assert_eq!(std::fs::read(&cert_path).unwrap(), cert0, "ca.pem changed");
    assert_eq!(std::fs::read(&key_path).unwrap(), key0, "ca-key.pem changed");
    // Still refused with other flags that would change the root.
    pki.fails(1, &["ca", "init", "--cn", "Other", "--key-type", "ed25519"]);
    assert_eq!(std::fs::read(&cert_path).unwrap(), cert0);
    assert_eq!(std::fs::read(&key_path).unwrap(), key0);
    assert!(temp_leftovers(&pki.ca_dir()).is_empty());
}

#[test]
fn init_refuses_when_only_the_key_exists() {
    let pki = Pki::new();
    pki.init(&[]);
    let cert_path = pki.ca_dir().join("ca.pem");
    let key_path = pki.ca_dir().join("ca-key.pem");
    std::fs::remove_file(&cert_path).unwrap();
    let key0 = std::fs::read(&key_path).unwrap();
    let err = pki.fails(1, &["ca", "init"]);
    assert!(err.contains("ca-key.pem"), "names the key file: {err}");
    assert!(!cert_path.exists(), "a ca.pem was written anyway");
    assert_eq!(std::fs::read(&key_path).unwrap(), key0);
}

#[test]
fn init_force_replaces_the_root() {
    let pki = Pki::new();
    pki.init(&[]);
    let cert_path = pki.ca_dir().join("ca.pem");
    let key_path = pki.ca_dir().join("ca-key.pem");
    let (cert0, key0) = (std::fs::read(&cert_path).unwrap(), std::fs::read(&key_path).unwrap());
    let old_serial = serial_hex(&parse(&read_cert(&cert_path)));

    pki.ok(&["ca", "init", "--force", "--cn", "Replacement Root", "-q"]);
    assert_ne!(std::fs::read(&cert_path).unwrap(), cert0, "ca.pem not replaced");
    assert_ne!(std::fs::read(&key_path).unwrap(), key0, "ca-key.pem not replaced");
    assert_eq!(mode(&key_path), 0o600);
    let der = read_cert(&cert_path);
    let cert = parse(&der);
    assert_eq!(cn(&cert), "Replacement Root");
    assert_ne!(serial_hex(&cert), old_serial);
    assert!(temp_leftovers(&pki.ca_dir()).is_empty());

    // The new key signs: a leaf issued now chains to the new root.
    pki.ok(&["issue", "server", "--san", "after-force.test", "-q"]);
    let leaf_der = read_cert(&pki.path("after-force.test.pem"));
    parse(&leaf_der).verify_signature(Some(cert.public_key())).expect("leaf verifies under the replacement root");
}

// ---------------------------------------------------------------------------------------
// ca intermediate
// ---------------------------------------------------------------------------------------

#[test]
fn intermediate_profile_and_files() {
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["ca", "intermediate", "--name", "web", "-q"]);
    let dir = inter_dir(&pki, "web");
    assert_eq!(mode(&dir.join("ca-key.pem")), 0o600);
    assert_eq!(mode(&dir), 0o700, "intermediate directory");
    assert_eq!(mode(&pki.ca_dir()), 0o700);
    let key = std::fs::read_to_string(dir.join("ca-key.pem")).unwrap();
    assert!(key.starts_with("-----BEGIN PRIVATE KEY-----"));
    assert_eq!(read_certs(&dir.join("ca.pem")).len(), 1);
    assert!(temp_leftovers(&dir).is_empty());
    assert!(temp_leftovers(&pki.ca_dir()).is_empty());

    let rder = root_der(&pki);
    let root = parse(&rder);
    let ider = read_cert(&dir.join("ca.pem"));
    let int = parse(&ider);

    assert_eq!(int.version(), X509Version::V3);
    assert_eq!(basic_constraints(&int), (true, true, Some(0)), "pathLen 0 by default");
    assert_eq!(key_usage(&int), (true, CA_KU.to_vec()));
    assert_eq!(eku(&int), None, "an intermediate carries no EKU");
    assert!(!ski(&int).is_empty());
    assert_ne!(ski(&int), ski(&root), "own key, own SKI");
    assert_eq!(aki(&int), Some(ski(&root)), "AKI == root SKI");
    assert_eq!(int.issuer().as_raw(), root.subject().as_raw());
    assert_ne!(int.subject().as_raw(), root.subject().as_raw());
    int.verify_signature(Some(root.public_key())).expect("the intermediate is signed by the root");
    assert_good_serial(&int);
    assert_ne!(int.raw_serial(), root.raw_serial());
    assert_starts_now(&int);
    assert_lifetime_days(&int, 1825);
}

#[test]
fn intermediate_path_len_is_respected() {
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["ca", "intermediate", "--name", "deep", "--path-len", "2", "-q"]);
    let der = read_cert(&inter_dir(&pki, "deep").join("ca.pem"));
    assert_eq!(basic_constraints(&parse(&der)), (true, true, Some(2)));
}

#[test]
fn intermediate_days_are_clamped_to_the_root() {
    let pki = Pki::new();
    pki.init(&["--days", "100"]);
    let out = pki.run(&["ca", "intermediate", "--name", "long", "--days", "5000"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "clamping is not an error: {stderr}");
    assert!(stderr.contains("warning:"), "says it clamped: {stderr:?}");

    let rder = root_der(&pki);
    let ider = read_cert(&inter_dir(&pki, "long").join("ca.pem"));
    let (root, int) = (parse(&rder), parse(&ider));
    assert_eq!(not_after(&int), not_after(&root), "notAfter cut to the root's exactly");
    assert_starts_now(&int);
}

#[test]
fn intermediate_rejects_unsafe_names() {
    let pki = Pki::new();
    pki.init(&[]);
    for bad in ["../x", "a b"] {
        let err = pki.fails(1, &["ca", "intermediate", "--name", bad]);
        assert!(err.contains(bad), "the error names '{bad}': {err}");
        assert!(err.contains("--name"), "the error names the flag: {err}");
    }
    assert!(!pki.ca_dir().join("x").exists(), "'../x' escaped intermediates/");
    assert!(!pki.root().join("x").exists());
    assert!(!inter_dir(&pki, "a b").exists());
    let ledger = pki.json(&["list"]);
    assert_eq!(ledger, serde_json::json!([]), "nothing recorded");
}

#[test]
fn intermediate_refuses_to_overwrite_without_force() {
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["ca", "intermediate", "--name", "web", "-q"]);
    let dir = inter_dir(&pki, "web");
    let (c0, k0) = (std::fs::read(dir.join("ca.pem")).unwrap(), std::fs::read(dir.join("ca-key.pem")).unwrap());
    let err = pki.fails(1, &["ca", "intermediate", "--name", "web"]);
    assert!(err.contains("ca.pem") || err.contains("ca-key.pem"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(std::fs::read(dir.join("ca.pem")).unwrap(), c0);
    assert_eq!(std::fs::read(dir.join("ca-key.pem")).unwrap(), k0);

    pki.ok(&["ca", "intermediate", "--name", "web", "--force", "-q"]);
    assert_ne!(std::fs::read(dir.join("ca.pem")).unwrap(), c0);
    assert_ne!(std::fs::read(dir.join("ca-key.pem")).unwrap(), k0);
}

#[test]
fn intermediate_needs_a_root() {
    let pki = Pki::new();
    let err = pki.fails(1, &["ca", "intermediate", "--name", "web"]);
    assert!(err.contains("pki ca init"), "hint says to create the CA: {err}");
    assert!(!inter_dir(&pki, "web").exists());
}

// ---------------------------------------------------------------------------------------
// Where the CA directory is
// ---------------------------------------------------------------------------------------

#[test]
fn ca_dir_from_pki_ca_dir_env() {
    let pki = Pki::new();
    let home = pki.root().join("home");
    let xdg = pki.root().join("xdg");
    let env_dir = pki.root().join("from-env");
    bare_cmd(&pki, Some(&home), Some(&xdg), ["ca", "init", "-q"]).env("PKI_CA_DIR", &env_dir).ok();
    assert!(env_dir.join("ca.pem").is_file(), "root not in $PKI_CA_DIR");
    assert_eq!(mode(&env_dir), 0o700);
    assert!(!xdg.join("pki").exists(), "XDG dir used despite PKI_CA_DIR");

    // And issuing finds it there too.
    bare_cmd(&pki, Some(&home), Some(&xdg), ["issue", "server", "--san", "env.test", "-q"])
        .env("PKI_CA_DIR", &env_dir)
        .ok();
    let leaf_der = read_cert(&pki.path("env.test.pem"));
    let root_der = read_cert(&env_dir.join("ca.pem"));
    assert_eq!(parse(&leaf_der).issuer().as_raw(), parse(&root_der).subject().as_raw());
}

#[test]
fn ca_dir_flag_beats_pki_ca_dir_env() {
    let pki = Pki::new();
    let env_dir = pki.root().join("from-env");
    let flag_dir = pki.root().join("from-flag");
    let flag = [s(&flag_dir)];
    bare_cmd(
        &pki,
        Some(&pki.root().join("home")),
        Some(&pki.root().join("xdg")),
        [&["--ca-dir"][..], &flag, &["ca", "init", "-q"]].concat(),
    )
    .env("PKI_CA_DIR", &env_dir)
    .ok();
    assert!(flag_dir.join("ca.pem").is_file());
    assert!(!env_dir.exists(), "PKI_CA_DIR used despite --ca-dir");
}

#[test]
fn ca_dir_defaults_to_xdg_data_home() {
    let pki = Pki::new();
    let home = pki.root().join("home");
    let xdg = pki.root().join("xdg");
    bare_cmd(&pki, Some(&home), Some(&xdg), ["ca", "init", "-q"]).ok();
    assert!(xdg.join("pki").join("ca.pem").is_file(), "root not in $XDG_DATA_HOME/pki");
    assert_eq!(mode(&xdg.join("pki")), 0o700);
    assert!(!home.join(".local/share/pki").exists());
    assert!(!pki.ca_dir().exists());
}

#[test]
fn ca_dir_falls_back_to_home_local_share() {
    let pki = Pki::new();
    let home = pki.root().join("home");
    bare_cmd(&pki, Some(&home), None, ["ca", "init", "-q"]).ok();
    assert!(home.join(".local/share/pki/ca.pem").is_file());
}

#[test]
fn ca_dir_flag_after_the_subcommand() {
    let pki = Pki::new();
    let dir = pki.root().join("late");
    let xdg = pki.root().join("xdg");
    bare_cmd(&pki, Some(&pki.root().join("home")), Some(&xdg), ["ca", "init", "-q", "--ca-dir", s(&dir)]).ok();
    assert!(dir.join("ca.pem").is_file());
    bare_cmd(
        &pki,
        Some(&pki.root().join("home")),
        Some(&xdg),
        ["issue", "server", "--ca-dir", s(&dir), "--san", "late.test", "-q"],
    )
    .ok();
    assert!(pki.path("late.test.pem").is_file());
    assert!(!xdg.join("pki").exists(), "default CA dir used despite --ca-dir");
}
