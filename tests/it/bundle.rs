//! `pki bundle`: from certificates in any files, in any order, the leaf's chain in order
//! (leaf, then each issuer, without the root unless `--include-root`), every link's
//! signature checked. What is written is read back with x509-parser (never compared as PEM
//! text) and judged by `openssl verify`; errors must name the certificate at fault.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{Invocation, Pki, mode, parse, read_cert, read_certs, require, run_tool, s};

const ROOT: &str = "CN=Test Root CA";
const INTER: &str = "CN=Issuing CA";
const LEAF: &str = "CN=leaf.test";

/// The words of a command line (plain words only: no quoting).
fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

/// A CA (`CN=Test Root CA`) with the intermediate `issuing` (`CN=Issuing CA`) and a server
/// leaf it issued (`CN=leaf.test`), and in the working directory `root.pem`, `inter.pem`
/// and `leaf.pem` (plus `leaf-key.pem` and `leaf-chain.pem` from `pki issue`).
fn world() -> Pki {
    let pki = Pki::new();
    pki.init(&["--cn", "Test Root CA"]);
    pki.ok(&["ca", "intermediate", "--name", "issuing", "--cn", "Issuing CA", "-q"]);
    pki.ok(&words("issue server --san leaf.test --issuer issuing --name leaf -q"));
    std::fs::copy(pki.ca_dir().join("ca.pem"), pki.path("root.pem")).unwrap();
    let inter = pki.ca_dir().join("intermediates/issuing/ca.pem");
    std::fs::copy(inter, pki.path("inter.pem")).unwrap();
    pki
}

/// The DER of the first certificate of a file in the working directory.
fn der(pki: &Pki, name: &str) -> Vec<u8> {
    read_cert(&pki.path(name))
}

/// The subjects of the certificates in a file, in order.
fn subjects(path: &Path) -> Vec<String> {
    let certs = read_certs(path);
    certs.iter().map(|c| parse(c).subject().to_string()).collect()
}

/// Each certificate in `chain` is signed by the next one's key.
fn assert_linked(chain: &[Vec<u8>]) {
    for pair in chain.windows(2) {
        let (child, parent) = (parse(&pair[0]), parse(&pair[1]));
        let sig = child.verify_signature(Some(parent.public_key()));
        assert!(sig.is_ok(), "'{}' is not signed by '{}'", child.subject(), parent.subject());
    }
}

/// `openssl verify -CAfile ROOT -untrusted CHAIN CHAIN`: the chain file, as a server would
/// send it, leads from its first certificate to `root`.
fn assert_openssl_verifies(pki: &Pki, root: &str, chain: &str) {
    if !require("openssl") {
        return;
    }
    let line = format!("verify -CAfile {root} -untrusted {chain} {chain}");
    let (ok, out) = run_tool("openssl", &words(&line), &pki.work());
    assert!(ok, "openssl {line}:\n{out}");
}

/// `pki bundle LINE` without a CA directory: only the files given.
fn bundle(pki: &Pki, line: &str) -> std::process::Output {
    bare(pki, &format!("bundle {line}")).output()
}

/// `pki bundle LINE` without a CA directory, asserting exit 0 and a quiet stderr;
/// returns stdout.
fn bundle_ok(pki: &Pki, line: &str) -> String {
    let out = bundle(pki, line);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "pki bundle {line}: {err}");
    assert!(err.is_empty(), "pki bundle {line}: {err}");
    String::from_utf8(out.stdout).unwrap()
}

/// `pki bundle LINE` without a CA directory, asserting exit 1 with nothing on stdout;
/// returns stderr.
fn bundle_fails(pki: &Pki, line: &str) -> String {
    let out = bundle(pki, line);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "pki bundle {line}: {err}");
    assert!(out.stdout.is_empty(), "pki bundle {line}: stdout on error");
    assert!(err.starts_with("error: "), "{err}");
    err
}

/// `pki LINE` with neither `--ca-dir` nor `PKI_CA_DIR` (what `Pki::call` always passes),
/// in the same hermetic world: HOME and XDG_DATA_HOME inside the temp dir, cwd = work.
fn bare(pki: &Pki, line: &str) -> Invocation {
    pki.call_bare(words(line))
}

/// Which DER each output certificate is, by name, for readable failures.
fn names_of(pki: &Pki, certs: &[Vec<u8>]) -> Vec<String> {
    let known = ["leaf.pem", "inter.pem", "root.pem", "subca.pem", "deep.pem"];
    certs
        .iter()
        .map(|c| {
            let found = known.iter().find(|k| pki.path(k).exists() && der(pki, k) == *c);
            found.map_or_else(|| parse(c).subject().to_string(), |k| k.to_string())
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Writing the chain
// ---------------------------------------------------------------------------------------

#[test]
fn writes_the_leaf_then_the_intermediate_and_not_the_root() {
    let pki = world();
    let out = bundle_ok(&pki, "root.pem leaf.pem inter.pem -o fullchain.pem");
    assert_eq!(out, format!("✓ wrote 2 certificate(s) to fullchain.pem\n  1. {LEAF}\n  2. {INTER}\n"));
    let chain = read_certs(&pki.path("fullchain.pem"));
    assert_eq!(names_of(&pki, &chain), ["leaf.pem", "inter.pem"]);
    assert_eq!(subjects(&pki.path("fullchain.pem")), [LEAF, INTER]);
    assert_linked(&chain);
    assert_eq!(mode(&pki.path("fullchain.pem")), 0o644);
    assert_openssl_verifies(&pki, "root.pem", "fullchain.pem");
}

#[test]
fn include_root_appends_the_root() {
    let pki = world();
    bundle_ok(&pki, "leaf.pem inter.pem root.pem --include-root -o full.pem -q");
    let chain = read_certs(&pki.path("full.pem"));
    assert_eq!(names_of(&pki, &chain), ["leaf.pem", "inter.pem", "root.pem"]);
    assert_linked(&chain);
    assert_openssl_verifies(&pki, "root.pem", "full.pem");
}

#[test]
fn without_o_the_chain_goes_to_stdout_as_pem_and_nothing_else() {
    let pki = world();
    let before = pki.work_files();
    let stdout = bundle_ok(&pki, "inter.pem root.pem leaf.pem");
    for line in stdout.lines() {
        let pem_line = line == "-----BEGIN CERTIFICATE-----"
            || line == "-----END CERTIFICATE-----"
            || (!line.is_empty()
                && line.len() <= 64
                && line.bytes().all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b)));
        assert!(pem_line, "not PEM on stdout: {line:?}\n{stdout}");
    }
    std::fs::write(pki.root().join("stdout.pem"), &stdout).unwrap();
    let chain = read_certs(&pki.root().join("stdout.pem"));
    assert_eq!(names_of(&pki, &chain), ["leaf.pem", "inter.pem"]);
    assert_eq!(pki.work_files(), before, "nothing written without -o");
    // `-` reads stdin: the same chain, piped.
    let piped =
        bare(&pki, "bundle - root.pem").stdin(std::fs::read_to_string(pki.path("leaf-chain.pem")).unwrap()).output();
    assert_eq!(piped.status.code(), Some(0));
    assert_eq!(String::from_utf8(piped.stdout).unwrap(), stdout);
}

#[test]
fn the_order_of_the_files_and_duplicates_do_not_matter() {
    let pki = world();
    let want = [der(&pki, "leaf.pem"), der(&pki, "inter.pem")];
    // One file holding all three, root first.
    let all: String =
        ["root.pem", "inter.pem", "leaf.pem"].iter().map(|f| std::fs::read_to_string(pki.path(f)).unwrap()).collect();
    std::fs::write(pki.path("all.pem"), all).unwrap();
    let orders = [
        "root.pem leaf.pem inter.pem",
        "root.pem inter.pem leaf.pem",
        "leaf.pem root.pem inter.pem",
        "leaf.pem inter.pem root.pem",
        "inter.pem root.pem leaf.pem",
        "inter.pem leaf.pem root.pem",
        "leaf.pem inter.pem leaf.pem root.pem inter.pem",
        "leaf-chain.pem leaf.pem inter.pem",
        "all.pem",
        "all.pem leaf-chain.pem root.pem",
    ];
    for (i, files) in orders.iter().enumerate() {
        let out = format!("out{i}.pem");
        bundle_ok(&pki, &format!("{files} -o {out} -q"));
        let got = read_certs(&pki.path(&out));
        assert_eq!(got, want, "pki bundle {files}: {:?}", names_of(&pki, &got));
    }
}

/// A second-level intermediate made with openssl under a pki intermediate (`Mid CA`, pathLen
/// 1), and a leaf under it: `subca.pem` (`CN=Sub CA`) and `deep.pem` (`CN=deep.test`), plus
/// `mid.pem` and `root.pem` in the working directory.
fn two_levels() -> Pki {
    let pki = Pki::new();
    pki.init(&["--cn", "Test Root CA"]);
    let mid = ["ca", "intermediate", "--name", "mid", "--cn", "Mid CA", "--path-len", "1"];
    pki.ok(&mid);
    std::fs::copy(pki.ca_dir().join("ca.pem"), pki.path("root.pem")).unwrap();
    let mid_dir = pki.ca_dir().join("intermediates/mid");
    std::fs::copy(mid_dir.join("ca.pem"), pki.path("mid.pem")).unwrap();
    std::fs::copy(mid_dir.join("ca-key.pem"), pki.path("mid-key.pem")).unwrap();
    let ca_ext = "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n";
    let leaf_ext = "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:deep.test\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n";
    std::fs::write(pki.path("ca.ext"), ca_ext).unwrap();
    std::fs::write(pki.path("leaf.ext"), leaf_ext).unwrap();
    for (name, cn, issuer, ext, serial) in
        [("subca", "Sub CA", "mid", "ca.ext", "0x5b01"), ("deep", "deep.test", "subca", "leaf.ext", "0x5b02")]
    {
        let steps = [
            format!("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out {name}-key.pem"),
            format!("req -new -key {name}-key.pem -subj /CN=X -out {name}.csr"),
            format!(
                "x509 -req -in {name}.csr -CA {issuer}.pem -CAkey {issuer}-key.pem -set_serial {serial} -days 30 -extfile {ext} -out {name}.pem"
            ),
        ];
        for step in &steps {
            let mut args = words(step);
            let subj = format!("/CN={cn}");
            if let Some(i) = args.iter().position(|a| *a == "/CN=X") {
                args[i] = &subj;
            }
            let (ok, out) = run_tool("openssl", &args, &pki.work());
            assert!(ok, "openssl {step}:\n{out}");
        }
    }
    pki
}

#[test]
fn two_levels_of_intermediates_are_ordered() {
    if !require("openssl") {
        return;
    }
    let pki = two_levels();
    assert_eq!(parse(&der(&pki, "subca.pem")).subject().to_string(), "CN=Sub CA");
    bundle_ok(&pki, "mid.pem deep.pem root.pem subca.pem -o full.pem -q");
    let chain = read_certs(&pki.path("full.pem"));
    assert_eq!(subjects(&pki.path("full.pem")), ["CN=deep.test", "CN=Sub CA", "CN=Mid CA"]);
    assert_eq!(chain[0], der(&pki, "deep.pem"));
    assert_linked(&chain);
    assert_openssl_verifies(&pki, "root.pem", "full.pem");

    bundle_ok(&pki, "subca.pem root.pem mid.pem deep.pem --include-root -o with-root.pem -q");
    let names = subjects(&pki.path("with-root.pem"));
    assert_eq!(names, ["CN=deep.test", "CN=Sub CA", "CN=Mid CA", ROOT]);
    assert_linked(&read_certs(&pki.path("with-root.pem")));

    // The CA directory (Pki::call names it) supplies the pki intermediate the files leave
    // out.
    pki.ok(&words("bundle deep.pem subca.pem -o completed.pem -q"));
    let names = subjects(&pki.path("completed.pem"));
    assert_eq!(names, ["CN=deep.test", "CN=Sub CA", "CN=Mid CA"]);
}

// ---------------------------------------------------------------------------------------
// Completion from the CA directory
// ---------------------------------------------------------------------------------------

#[test]
fn the_ca_directory_completes_the_chain_when_it_is_named() {
    let pki = world();
    // --ca-dir (Pki::call passes it).
    pki.ok(&words("bundle leaf.pem -o a.pem -q"));
    assert_eq!(names_of(&pki, &read_certs(&pki.path("a.pem"))), ["leaf.pem", "inter.pem"]);
    pki.ok(&words("bundle leaf.pem --include-root -o b.pem -q"));
    let b = read_certs(&pki.path("b.pem"));
    assert_eq!(names_of(&pki, &b), ["leaf.pem", "inter.pem", "root.pem"]);
    assert_linked(&b);
    // PKI_CA_DIR.
    let out = bare(&pki, "bundle leaf.pem -o c.pem -q").env("PKI_CA_DIR", pki.ca_dir()).output();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(names_of(&pki, &read_certs(&pki.path("c.pem"))), ["leaf.pem", "inter.pem"]);
}

#[test]
fn the_default_ca_directory_completes_the_chain_too() {
    let pki = world();
    // A CA at the default location ($XDG_DATA_HOME/pki), holding the leaf's issuer.
    let default_dir = pki.root().join("xdg/pki");
    std::fs::create_dir_all(default_dir.parent().unwrap()).unwrap();
    let copy = run_tool("cp", &["-r", pki.ca_dir().to_str().unwrap(), default_dir.to_str().unwrap()], pki.root());
    assert!(copy.0, "{}", copy.1);
    let out = bare(&pki, "bundle leaf.pem -o completed.pem").output();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.is_empty(), "{err}");
    let completed = read_certs(&pki.path("completed.pem"));
    assert_eq!(names_of(&pki, &completed), ["leaf.pem", "inter.pem"]);
    assert_linked(&completed);
    // The same as naming that directory.
    let out = bare(&pki, &format!("--ca-dir {} bundle leaf.pem -o named.pem", s(&default_dir)));
    assert_eq!(out.output().status.code(), Some(0));
    assert_eq!(read_certs(&pki.path("named.pem")), completed);
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

#[test]
fn a_missing_link_names_the_missing_issuer() {
    let pki = world();
    let err = bundle_fails(&pki, "leaf.pem root.pem -o fullchain.pem");
    assert!(
        err.starts_with(&format!(
            "error: cannot build the chain: missing link: no certificate for '{INTER}', the issuer of '{LEAF}'\n"
        )),
        "{err}"
    );
    assert!(err.contains("hint: "), "{err}");
    assert!(!pki.path("fullchain.pem").exists(), "nothing written");

    // --include-root without the root: the root is the missing link.
    let err = bundle_fails(&pki, "leaf.pem inter.pem --include-root");
    assert!(err.contains(&format!("no certificate for '{ROOT}', the issuer of '{INTER}'")), "{err}");
}

#[test]
fn two_leaves_are_an_error_naming_both() {
    let pki = world();
    pki.ok(&words("issue server --san other.test --issuer issuing -q"));
    let err = bundle_fails(&pki, "leaf.pem other.test.pem inter.pem root.pem -o x.pem");
    assert!(err.contains("more than one leaf"), "{err}");
    assert!(err.contains(&format!("'{LEAF}' (leaf.pem[1])")), "{err}");
    assert!(err.contains("'CN=other.test' (other.test.pem[1])"), "{err}");
    assert!(!pki.path("x.pem").exists());
}

#[test]
fn a_stranger_beside_a_complete_chain_is_an_error_naming_it() {
    let pki = world();
    let other = Pki::new();
    other.init(&["--cn", "Other Root CA"]);
    other.ok(&["ca", "intermediate", "--name", "o", "--cn", "Other Issuing CA", "-q"]);
    std::fs::copy(other.ca_dir().join("ca.pem"), pki.path("other-root.pem")).unwrap();
    let o = other.ca_dir().join("intermediates/o/ca.pem");
    std::fs::copy(o, pki.path("other-inter.pem")).unwrap();
    let err = bundle_fails(&pki, "leaf.pem inter.pem root.pem other-root.pem -o x.pem");
    assert!(err.contains("not part of the leaf's chain"), "{err}");
    assert!(err.contains("'CN=Other Root CA' (other-root.pem[1])"), "{err}");
    assert!(!err.contains("leaf.pem["), "only the stranger is named: {err}");
    let err = bundle_fails(&pki, "other-inter.pem leaf.pem inter.pem root.pem");
    assert!(err.contains("'CN=Other Issuing CA' (other-inter.pem[1])"), "{err}");
    assert!(!pki.path("x.pem").exists());
}

#[test]
fn a_stranger_is_named_even_when_the_root_is_left_out() {
    let pki = world();
    let other = Pki::new();
    other.init(&["--cn", "Other Root CA"]);
    std::fs::copy(other.ca_dir().join("ca.pem"), pki.path("other-root.pem")).unwrap();
    // Without the stranger this is a fine bundle (the root is optional) ...
    bundle_ok(&pki, "leaf.pem inter.pem -q");
    // ... so with it, the stranger is the problem, not a "missing" root.
    let err = bundle_fails(&pki, "leaf.pem inter.pem other-root.pem");
    assert!(err.contains("'CN=Other Root CA' (other-root.pem[1])"), "{err}");
    assert!(!err.contains("missing link"), "{err}");
}

/// Two CAs each with an intermediate `CN=Issuing CA` (same name, different keys): `leaf.pem`
/// comes from the first; the second's intermediate is copied in as `forged.pem`.
fn forged() -> (Pki, Pki) {
    let pki = world();
    let forger = Pki::new();
    forger.init(&["--cn", "Test Root CA"]);
    forger.ok(&["ca", "intermediate", "--name", "issuing", "--cn", "Issuing CA", "-q"]);
    let f = forger.ca_dir().join("intermediates/issuing/ca.pem");
    std::fs::copy(f, pki.path("forged.pem")).unwrap();
    let subject = |n: &str| parse(&der(&pki, n)).subject().to_string();
    assert_eq!(subject("forged.pem"), subject("inter.pem"), "the premise: one name, two keys");
    assert_ne!(der(&pki, "forged.pem"), der(&pki, "inter.pem"));
    (pki, forger)
}

#[test]
fn an_issuer_with_the_right_name_but_the_wrong_key_is_not_used() {
    let (pki, forger) = forged();
    // The forged intermediate alone: the leaf's issuer is missing.
    let err = bundle_fails(&pki, "leaf.pem forged.pem");
    assert!(err.contains(&format!("missing link: no certificate for '{INTER}'")), "{err}");
    // Beside the genuine one, the forged one is the stranger.
    let err = bundle_fails(&pki, "leaf.pem forged.pem inter.pem root.pem");
    assert!(err.contains(&format!("'{INTER}' (forged.pem[1])")), "{err}");
    assert!(!err.contains("inter.pem["), "{err}");
    // A CA directory holding only the forged intermediate does not complete the chain: the
    // leaf's issuer is nowhere, which is an error naming it (issue 14).
    let out = bare(&pki, &format!("--ca-dir {} bundle leaf.pem", s(&forger.ca_dir()))).output();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing written: {}", String::from_utf8_lossy(&out.stdout));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(&format!(
            "error: cannot build the chain: missing link: no certificate for '{INTER}', the issuer of '{LEAF}'"
        )),
        "{err}"
    );
}

#[test]
fn an_existing_output_is_not_overwritten_without_force() {
    let pki = world();
    std::fs::write(pki.path("fullchain.pem"), "keep me\n").unwrap();
    let err = bundle_fails(&pki, "leaf.pem inter.pem -o fullchain.pem");
    assert!(err.starts_with("error: 'fullchain.pem' already exists"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(pki.path("fullchain.pem")).unwrap(), "keep me\n");
    bundle_ok(&pki, "leaf.pem inter.pem -o fullchain.pem --force -q");
    let got = read_certs(&pki.path("fullchain.pem"));
    assert_eq!(names_of(&pki, &got), ["leaf.pem", "inter.pem"]);
}

#[test]
fn unreadable_input_is_an_error_naming_the_file() {
    let pki = world();
    let err = bundle_fails(&pki, "leaf.pem missing.pem");
    assert!(err.starts_with("error: cannot read 'missing.pem'"), "{err}");
    let err = bundle_fails(&pki, "leaf.pem leaf-key.pem");
    assert!(err.contains("'leaf-key.pem'") && err.contains("no certificate"), "{err}");
    let garbage = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGUgYXQgYWxs\n-----END CERTIFICATE-----\n";
    std::fs::write(pki.path("garbage.pem"), garbage).unwrap();
    let err = bundle_fails(&pki, "leaf.pem garbage.pem inter.pem");
    assert!(err.contains("garbage.pem"), "{err}");
    let out = pki.run(&["bundle"]);
    assert_eq!(out.status.code(), Some(2), "FILE is required");
}

// ---------------------------------------------------------------------------------------
// --json
// ---------------------------------------------------------------------------------------

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("an object").keys().cloned().collect();
    k.sort();
    k
}

#[test]
fn json_reports_the_chain_where_it_went_and_whether_the_root_is_in() {
    let pki = world();
    let v = pki.json(&words("bundle root.pem leaf.pem inter.pem -o fullchain.pem"));
    assert_eq!(keys(&v), ["chain", "includes_root", "out"]);
    assert_eq!(v["chain"], serde_json::json!([LEAF, INTER]));
    assert_eq!(v["out"], "fullchain.pem");
    assert_eq!(v["includes_root"], false);
    assert_eq!(subjects(&pki.path("fullchain.pem")), [LEAF, INTER]);

    let v = pki.json(&words("bundle root.pem leaf.pem inter.pem --include-root -o full.pem"));
    assert_eq!(v["chain"], serde_json::json!([LEAF, INTER, ROOT]));
    assert_eq!(v["includes_root"], true);
    assert_eq!(subjects(&pki.path("full.pem")), [LEAF, INTER, ROOT]);

    // No -o: out is null and the PEM travels inside the JSON document, alone on stdout.
    let v = pki.json(&words("bundle root.pem leaf.pem inter.pem"));
    assert_eq!(v["out"], Value::Null);
    assert_eq!(v["chain"], serde_json::json!([LEAF, INTER]));
    let pem = v["pem"].as_str().expect("the PEM when there is no -o");
    std::fs::write(pki.root().join("from-json.pem"), pem).unwrap();
    let certs = read_certs(&pki.root().join("from-json.pem"));
    assert_eq!(names_of(&pki, &certs), ["leaf.pem", "inter.pem"]);
}

/// The paths used above are relative; an absolute -o is reported as given.
#[test]
fn json_out_is_the_path_as_given() {
    let pki = world();
    let target: PathBuf = pki.root().join("elsewhere.pem");
    let mut args = words("bundle leaf.pem inter.pem -o");
    args.push(target.to_str().unwrap());
    let v = pki.json(&args);
    assert_eq!(v["out"], target.to_str().unwrap());
    assert_eq!(subjects(&target), [LEAF, INTER]);
}
