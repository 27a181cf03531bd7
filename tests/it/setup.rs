//! Set-up as scripts and newcomers do it (issue 14): `ca init --exist-ok` run every time,
//! `ca path`, and passphrases: one variable for an encrypted CA, a passphrase given for a
//! new key always encrypts it, and a CA passphrase given for a plain CA key is a warning.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common::*;

const SECRET: &str = "ci-Secret-4471";

/// A way to break a CA directory.
type Damage<'a> = &'a dyn Fn(&Path);
/// Environment variables for one run.
type Env<'a> = &'a [(&'a str, &'a str)];

/// Every file under `dir`, relative, with its bytes and mode.
fn tree(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, u32)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().map(Result::unwrap) {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.strip_prefix(dir).unwrap().to_path_buf(), (std::fs::read(&p).unwrap(), mode(&p)));
            }
        }
    }
    out
}

/// The label of the first PEM block of a file ("PRIVATE KEY", "ENCRYPTED PRIVATE KEY").
fn pem_label(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let line = text.lines().find(|l| l.starts_with("-----BEGIN ")).unwrap_or_else(|| panic!("no PEM in {text}"));
    line.trim_start_matches("-----BEGIN ").trim_end_matches("-----").to_string()
}

/// `openssl ARGS` in `dir` with `env` set (for `-passin env:VAR`).
fn openssl_env(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    let mut cmd = std::process::Command::new("openssl");
    cmd.args(args).current_dir(dir).envs(env.iter().copied());
    run_bounded(cmd, b"", Duration::from_secs(30), "openssl")
}

/// Assert openssl opens the key `file` with the passphrase in `$var` (and not without it).
fn openssl_opens_with(dir: &Path, file: &str, var: &str, value: &str) {
    let passin = format!("env:{var}");
    let out = openssl_env(dir, &[(var, value)], &["pkey", "-in", file, "-passin", &passin, "-noout"]);
    assert!(out.status.success(), "openssl pkey {file} with ${var}: {}", both(&out));
    let out = openssl_env(dir, &[(var, "wrong")], &["pkey", "-in", file, "-passin", &passin, "-noout"]);
    assert!(!out.status.success(), "openssl opened {file} with a wrong passphrase");
}

#[test]
fn a_ci_script_run_twice_sets_up_once_with_an_encrypted_ca_from_one_variable() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    let env = [("PKI_CA_PASSPHRASE", SECRET)];
    // The script, exactly as CI runs it on every build: one exported secret, nothing else.
    let script = |run: u32| -> serde_json::Value {
        let init = pki.call(["ca", "init", "--exist-ok", "--json"]).envs(&env).ok();
        let issued = pki
            .call(["issue", "server", "--san", "app.test", "--out-dir", "certs", "--force", "-q"])
            .envs(&env)
            .output();
        assert_eq!(issued.status.code(), Some(0), "run {run}: issue: {}", both(&issued));
        serde_json::from_str(&init).expect("JSON on stdout")
    };

    let first = script(1);
    assert_eq!(first["created"], true, "{first}");
    let ca = pki.ca_dir();
    assert_eq!(pem_label(&ca.join("ca-key.pem")), "ENCRYPTED PRIVATE KEY", "PKI_CA_PASSPHRASE encrypts the root key");
    openssl_opens_with(&ca, "ca-key.pem", "PKI_CA_PASSPHRASE", SECRET);
    let before = tree(&ca);

    // The second run's `ca init --exist-ok` changes nothing at all, and says so.
    let second_init = pki.call(["ca", "init", "--exist-ok", "--json"]).envs(&env).ok();
    let second: serde_json::Value = serde_json::from_str(&second_init).unwrap();
    assert_eq!(tree(&ca), before, "ca init --exist-ok changed the CA directory");
    assert_eq!(second["created"], false, "{second}");
    // The same document as the fresh init, but for "created".
    for key in ["cert", "key", "serial", "subject", "sans", "not_before", "not_after", "fingerprint_sha256"] {
        assert_eq!(second[key], first[key], "{key}: {second}");
    }
    let mut keys: Vec<_> = second.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    let mut want: Vec<_> = first.as_object().unwrap().keys().cloned().collect();
    want.sort();
    assert_eq!(keys, want);

    // Human form: it says the CA exists, and changes nothing either.
    let text = pki.call(["ca", "init", "--exist-ok"]).envs(&env).ok();
    assert!(text.contains("A CA already exists in") && text.contains("nothing changed"), "{text}");
    assert_eq!(tree(&ca), before);

    // The whole script again: exit 0, the root untouched, a new leaf from the same root.
    let again = script(2);
    assert_eq!(again["created"], false);
    let after = tree(&ca);
    for f in ["ca.pem", "ca-key.pem"] {
        assert_eq!(after[Path::new(f)], before[Path::new(f)], "{f} changed");
    }
    let ledger = |t: &BTreeMap<PathBuf, (Vec<u8>, u32)>| t[Path::new("ledger.jsonl")].0.clone();
    assert!(ledger(&after).starts_with(&ledger(&before)), "the ledger was only appended to");
    let work = pki.work();
    let ca_pem = ca.join("ca.pem");
    let said = openssl_said(&work, &["verify", "-CAfile", ca_pem.to_str().unwrap(), "certs/app.test.pem"]);
    assert!(said.contains("OK"), "{said}");
}

#[test]
fn exist_ok_on_a_ca_that_cannot_be_used_exits_1_naming_what_is_wrong() {
    let other = Pki::new();
    other.init(&[]);
    let other_key = std::fs::read(other.ca_dir().join("ca-key.pem")).unwrap();
    let cases: [(&str, Damage, &str); 4] = [
        ("key missing", &|ca| std::fs::remove_file(ca.join("ca-key.pem")).unwrap(), "ca-key.pem': no such file"),
        (
            "key of another CA",
            &|ca| std::fs::write(ca.join("ca-key.pem"), &other_key).unwrap(),
            "ca-key.pem' does not belong to the certificate",
        ),
        ("certificate missing", &|ca| std::fs::remove_file(ca.join("ca.pem")).unwrap(), "exists without 'ca.pem'"),
        (
            "ledger unreadable",
            &|ca| std::fs::write(ca.join("ledger.jsonl"), "not a ledger\n").unwrap(),
            "ledger.jsonl': the first line is not",
        ),
    ];
    for (what, damage, names) in cases {
        let pki = Pki::new();
        pki.init(&[]);
        damage(&pki.ca_dir());
        let before = tree(&pki.ca_dir());
        let err = pki.fails(1, &["ca", "init", "--exist-ok"]);
        let dir = pki.ca_dir();
        assert!(
            err.contains(&format!("error: a CA is in '{}' but it cannot be used:", dir.display())),
            "{what}: {err}"
        );
        assert!(err.contains(names), "{what}: {err}");
        assert!(err.contains("hint:") && err.contains("--force"), "{what}: {err}");
        assert_eq!(tree(&pki.ca_dir()), before, "{what}: something changed");
        // The same with --json: the refusal stands.
        pki.fails(1, &["ca", "init", "--exist-ok", "--json"]);
        assert_eq!(tree(&pki.ca_dir()), before, "{what}: something changed");
    }

    // A wrong passphrase for an encrypted root is the passphrase's fault, not the CA's.
    let pki = Pki::new();
    pki.call(["ca", "init", "-q"]).env("PKI_CA_PASSPHRASE", SECRET).ok();
    let err = pki.call(["ca", "init", "--exist-ok"]).env("PKI_CA_PASSPHRASE", "nope").fails(1);
    let key = pki.ca_dir().join("ca-key.pem");
    assert!(err.contains(&format!("wrong passphrase for '{}'", key.display())), "{err}");
    assert!(!err.contains("cannot be used"), "{err}");
    // No passphrase at all: the root is reported, the key said to be unchecked.
    let out = pki.call(["ca", "init", "--exist-ok"]).output();
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    let err = text(&out.stderr);
    assert!(
        err.contains("is encrypted and no passphrase was given, so whether it is the root's key was not checked"),
        "{err}"
    );
}

#[test]
fn init_without_exist_ok_names_both_ways_out_and_exist_ok_conflicts_with_force() {
    let pki = Pki::new();
    pki.init(&[]);
    let err = pki.fails(1, &["ca", "init"]);
    assert!(err.contains("a CA is there; nothing was written"), "{err}");
    assert!(err.contains("hint: pass --exist-ok to keep it"), "{err}");
    assert!(err.contains("--force to retire it"), "{err}");
    let err = pki.fails(2, &["ca", "init", "--exist-ok", "--force"]);
    assert!(err.contains("'--exist-ok' cannot be used with '--force'"), "{err}");
}

#[test]
fn ca_path_prints_the_directory_and_the_root_whether_or_not_it_exists() {
    let pki = Pki::new();
    let dir = pki.ca_dir();
    let root = dir.join("ca.pem");

    let out = pki.call(["ca", "path"]).output();
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    assert_eq!(lines(&text(&out.stdout)), strs(&[dir.to_str().unwrap(), root.to_str().unwrap()]));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!("warning: there is no CA in {} yet; create one with 'pki ca init'", dir.display())),
        "{err}"
    );
    assert!(!dir.exists(), "ca path created the directory");
    let json = pki.json(&["ca", "path"]);
    assert_eq!(json, serde_json::json!({"ca_dir": dir, "root": root, "exists": false}));

    pki.init(&[]);
    let out = pki.call(["ca", "path"]).output();
    assert_eq!(lines(&text(&out.stdout)), strs(&[dir.to_str().unwrap(), root.to_str().unwrap()]));
    assert_eq!(text(&out.stderr), "", "no warning once the CA exists");
    assert_eq!(pki.json(&["ca", "path"]), serde_json::json!({"ca_dir": dir, "root": root, "exists": true}));

    // Without --ca-dir: the platform default, and a relative PKI_CA_DIR made absolute.
    let xdg = pki.root().join("xdg").join("pki");
    let out = pki.call_bare(["ca", "path"]).ok();
    assert_eq!(lines(&out), strs(&[xdg.to_str().unwrap(), xdg.join("ca.pem").to_str().unwrap()]));
    let json: serde_json::Value =
        serde_json::from_str(&pki.call_bare(["ca", "path", "--json"]).env("PKI_CA_DIR", "rel/ca").ok()).unwrap();
    let rel = pki.work().join("rel/ca");
    assert_eq!(json["ca_dir"], rel.to_str().unwrap());
    assert_eq!(json["root"], rel.join("ca.pem").to_str().unwrap());
}

#[test]
fn a_passphrase_in_pki_passphrase_encrypts_the_new_key_without_encrypt_key() {
    if !require("openssl") {
        return;
    }
    let pki = Pki::new();
    let out = pki.call(["ca", "init"]).env("PKI_PASSPHRASE", SECRET).ok();
    assert!(out.contains("ca-key.pem (encrypted)"), "{out}");
    let ca = pki.ca_dir();
    assert_eq!(pem_label(&ca.join("ca-key.pem")), "ENCRYPTED PRIVATE KEY");
    openssl_opens_with(&ca, "ca-key.pem", "PKI_PASSPHRASE", SECRET);

    // A leaf key too, and the CA key is still unlocked by its own variable.
    let json: serde_json::Value = serde_json::from_str(
        &pki.call(["issue", "server", "--san", "leaf.test", "--json"])
            .envs(&[("PKI_PASSPHRASE", "leaf-Secret-1"), ("PKI_CA_PASSPHRASE", SECRET)])
            .ok(),
    )
    .unwrap();
    assert_eq!(json["key"], "./leaf.test-key.pem");
    assert_eq!(pem_label(&pki.path("leaf.test-key.pem")), "ENCRYPTED PRIVATE KEY");
    openssl_opens_with(&pki.work(), "leaf.test-key.pem", "PKI_PASSPHRASE", "leaf-Secret-1");

    // Without any passphrase the key is plain, as before.
    pki.call(["issue", "server", "--san", "plain.test", "-q"]).env("PKI_CA_PASSPHRASE", SECRET).ok();
    assert_eq!(pem_label(&pki.path("plain.test-key.pem")), "PRIVATE KEY");
}

#[test]
fn a_new_root_key_takes_its_passphrase_by_the_documented_precedence() {
    if !require("openssl") {
        return;
    }
    // --passphrase-file, else PKI_PASSPHRASE, else PKI_CA_PASSPHRASE.
    let cases: [(&[&str], Env, &str); 3] = [
        (
            &["--passphrase-file", "pw"],
            &[("PKI_PASSPHRASE", "from-new"), ("PKI_CA_PASSPHRASE", "from-ca")],
            "from-file",
        ),
        (&["--encrypt-key"], &[("PKI_PASSPHRASE", "from-new"), ("PKI_CA_PASSPHRASE", "from-ca")], "from-new"),
        (&["--encrypt-key"], &[("PKI_CA_PASSPHRASE", "from-ca")], "from-ca"),
    ];
    for (flags, env, want) in cases {
        let pki = Pki::new();
        std::fs::write(pki.path("pw"), "from-file\n").unwrap();
        let mut args = vec!["ca", "init", "-q"];
        args.extend_from_slice(flags);
        pki.call(&args).envs(env).ok();
        openssl_opens_with(&pki.ca_dir(), "ca-key.pem", "P", want);
    }
}

#[test]
fn a_ca_passphrase_given_for_a_plain_ca_key_is_a_warning_not_an_error() {
    let pki = Pki::new();
    pki.init(&[]);
    let key = pki.ca_dir().join("ca-key.pem");
    std::fs::write(pki.path("capw"), "x\n").unwrap();
    for (flags, env, source) in [
        (&[][..], &[("PKI_CA_PASSPHRASE", "x")][..], "PKI_CA_PASSPHRASE".to_string()),
        (&["--ca-passphrase-file", "capw"], &[], "--ca-passphrase-file 'capw'".to_string()),
    ] {
        let name = format!("w{}.test", flags.len());
        let mut args = vec!["issue", "server", "--san", &name];
        args.extend_from_slice(flags);
        let out = pki.call(&args).envs(env).output();
        assert_eq!(out.status.code(), Some(0), "{}", both(&out));
        let err = text(&out.stderr);
        let want = format!(
            "warning: {source} was given but '{}' is not encrypted; the passphrase was not used",
            key.display()
        );
        assert!(err.contains(&want), "{err}");
        assert!(pki.path(&format!("{name}.pem")).exists());
    }
    // `ca init --exist-ok` says the same of the root it finds.
    let out = pki.call(["ca", "init", "--exist-ok"]).env("PKI_CA_PASSPHRASE", "x").output();
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    assert!(text(&out.stderr).contains("warning: PKI_CA_PASSPHRASE was given but"), "{}", both(&out));
    // No passphrase given: no warning.
    let out = pki.call(["issue", "server", "--san", "quiet.test"]).output();
    assert_eq!(text(&out.stderr), "", "{}", both(&out));
}
