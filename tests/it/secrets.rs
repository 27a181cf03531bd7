//! Secrets stay secret: private key bytes and passphrases never appear in output, errors,
//! `--json` or any file but the key itself, and the CA key never leaves the CA directory.

use std::path::{Path, PathBuf};

use crate::common::*;

const PASSPHRASE: &str = "Zebra-Passphrase-9931";

/// The base64 body lines of every private key file under `root` (as (file, line)).
fn key_lines(root: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for path in files_under(root) {
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        if text.contains("PRIVATE KEY-----") {
            for line in text.lines().filter(|l| !l.starts_with("-----") && l.len() >= 40) {
                out.push((path.clone(), line.to_string()));
            }
        }
    }
    out
}

fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() { stack.push(p) } else { out.push(p) }
        }
    }
    out
}

#[test]
fn no_output_ever_contains_key_bytes_or_passphrases() {
    let pki = Pki::new();
    std::fs::write(pki.path("pw"), format!("{PASSPHRASE}\n")).unwrap();
    std::fs::write(pki.path("wrong"), "not-it\n").unwrap();
    let mut outputs = String::new();
    let mut run = |args: &[&str], env: Option<(&str, &str)>| {
        let out = pki.run_env(env.as_slice(), args);
        outputs.push_str(&String::from_utf8_lossy(&out.stdout));
        outputs.push_str(&String::from_utf8_lossy(&out.stderr));
    };
    run(&["ca", "init", "--passphrase-file", "pw"], None);
    run(&["ca", "init", "--passphrase-file", "pw", "--json"], None);
    run(&["issue", "server", "--san", "a.test", "--ca-passphrase-file", "wrong"], None);
    run(&["issue", "server", "--san", "a.test", "--ca-passphrase-file", "wrong", "--json"], None);
    run(&["issue", "server", "--san", "a.test"], Some(("PKI_CA_PASSPHRASE", "not-it")));
    run(&["issue", "server", "--san", "a.test", "--ca-passphrase-file", "pw"], None);
    run(&["issue", "server", "--san", "b.test", "--ca-passphrase-file", "pw", "--json"], None);
    run(
        &["issue", "client", "--cn", "c", "--encrypt-key", "--ca-passphrase-file", "pw"],
        Some(("PKI_PASSPHRASE", PASSPHRASE)),
    );
    run(&["ca", "intermediate", "--name", "web", "--ca-passphrase-file", "pw", "--passphrase-file", "pw"], None);
    run(&["inspect", "a.test-key.pem", "c-key.pem", "a.test.pem"], None);
    run(&["inspect", "--json", "a.test-key.pem", "c-key.pem"], None);
    run(&["verify", "a.test.pem", "--key", "b.test-key.pem", "--json"], None);
    run(&["verify", "a.test.pem", "--key", "c-key.pem"], None);
    run(&["list", "--json"], None);

    let keys = key_lines(pki.root());
    assert!(keys.len() > 10, "the test found the key files");
    for (file, line) in &keys {
        assert!(!outputs.contains(line.as_str()), "a line of {} was printed", file.display());
    }
    assert!(!outputs.contains(PASSPHRASE), "the passphrase was printed");
    assert!(!outputs.contains("not-it"), "a wrong passphrase was printed");
    // Nor is the passphrase stored anywhere but the file the user wrote.
    for f in files_under(pki.root()) {
        if f.file_name().is_some_and(|n| n == "pw") {
            continue;
        }
        let bytes = std::fs::read(&f).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains(PASSPHRASE), "{} holds the passphrase", f.display());
    }
}

#[test]
fn the_ca_key_never_leaves_the_ca_directory() {
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["ca", "intermediate", "--name", "web", "-q"]);
    let out = pki.root().join("out");
    for args in [
        vec!["issue", "server", "--san", "a.test", "-q"],
        vec!["issue", "client", "--cn", "c", "-q", "--out-dir", out.to_str().unwrap()],
        vec!["issue", "server", "--san", "w.test", "--issuer", "web", "-q", "--out-dir", out.to_str().unwrap()],
        vec!["bundle", "w.test.pem", "--include-root", "-q"],
    ] {
        let _ = pki.run(&args);
    }
    let ca = pki.ca_dir();
    let ca_keys: Vec<(PathBuf, String)> =
        key_lines(&ca).into_iter().filter(|(p, _)| p.file_name().is_some_and(|n| n == "ca-key.pem")).collect();
    assert!(!ca_keys.is_empty());
    for f in files_under(pki.root()) {
        if f.starts_with(&ca) && f.file_name().is_some_and(|n| n == "ca-key.pem") {
            continue;
        }
        let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
        for (_, line) in &ca_keys {
            assert!(!text.contains(line.as_str()), "{} holds CA key material", f.display());
        }
    }
}
