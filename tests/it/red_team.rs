//! What a red team found (issue 13), each reproduced: a forced re-issue that fails
//! part-way, stdout that cannot be written, `ca init` on a directory that is not a CA,
//! a certificate too large for TLS software, a CA directory behind a symlink.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;

use crate::common::{Pki, have, ledger_lines, mode};

// Item 1: a forced re-issue whose last rename fails leaves the old set, complete.
#[test]
fn forced_reissue_that_fails_on_its_last_rename_keeps_the_old_files() {
    assert!(have("strace"), "strace is needed to inject a failing rename: apt-get install strace");
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["issue", "server", "--san", "a.test", "-q"]);
    let before = tree(&pki.work());
    assert_eq!(before.len(), 3, "{:?}", before.iter().map(|f| &f.0).collect::<Vec<_>>());
    let ledger_before = ledger_lines(&pki.ca_dir(), false).len();

    // key, certificate, chain: the first rename onto the chain (the last file) fails.
    // (-P: only calls naming that path count; the rename that restores it is the second.)
    let chain = pki.path("a.test-chain.pem");
    let paths = [chain.to_str().unwrap(), "./a.test-chain.pem", "a.test-chain.pem"];
    let inject = "inject=rename,renameat,renameat2:error=EIO:when=1";
    let out = under_strace(
        &pki,
        &paths,
        "trace=rename,renameat,renameat2",
        inject,
        &["issue", "server", "--san", "a.test", "--force", "-q"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("a.test-chain.pem"), "the error names the file: {stderr}");
    assert_eq!(tree(&pki.work()), before, "the old certificate, key and chain are all still there, unchanged");
    assert_eq!(ledger_lines(&pki.ca_dir(), false).len(), ledger_before, "the failed issue is not in the ledger");
    // And the next run works.
    pki.ok(&["issue", "server", "--san", "a.test", "--force", "-q"]);
    assert_eq!(tree(&pki.work()).len(), 3);
    // Its issue, and the old certificate superseded by it.
    assert_eq!(ledger_lines(&pki.ca_dir(), false).len(), ledger_before + 2);
}

/// Run `pki ARGS` under strace, injecting `inject` into the `trace` calls that name one
/// of `paths` (a failing rename, a full disk).
fn under_strace(pki: &Pki, paths: &[&str], trace: &str, inject: &str, args: &[&str]) -> std::process::Output {
    let mut cmd = std::process::Command::new("strace");
    cmd.args(["-f", "-qq", "-o", "/dev/null"]);
    for p in paths {
        cmd.args(["-P", p]);
    }
    cmd.args(["-e", trace, "-e", inject]);
    let pki_cmd = pki.process(args);
    cmd.arg(pki_cmd.get_program()).args(pki_cmd.get_args()).current_dir(pki.work());
    for (k, v) in pki_cmd.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    cmd.output().unwrap()
}

// Item 2: `ca intermediate` records before it writes: a failed ledger append (a full
// disk) leaves no intermediate on disk, and the retry works.
#[test]
fn an_intermediate_whose_ledger_line_cannot_be_written_is_not_created() {
    assert!(have("strace"), "strace is needed to fill the disk: apt-get install strace");
    let pki = Pki::new();
    pki.init(&[]);
    let ledger = pki.ca_dir().join("ledger.jsonl");
    let before = fs::read(&ledger).unwrap();
    let out = under_strace(
        &pki,
        &[ledger.to_str().unwrap()],
        "trace=write,writev,pwrite64",
        "inject=write,writev,pwrite64:error=ENOSPC",
        &["ca", "intermediate", "--name", "web"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("ledger.jsonl") && stderr.contains("no space left on device"), "{stderr}");
    assert!(!pki.ca_dir().join("intermediates/web/ca.pem").exists(), "an intermediate not in the ledger");
    assert!(!pki.ca_dir().join("intermediates/web/ca-key.pem").exists());
    assert_eq!(fs::read(&ledger).unwrap(), before, "the ledger is as it was");
    pki.ok(&["ca", "intermediate", "--name", "web", "-q"]);
    pki.ok(&["issue", "server", "--san", "a.test", "--issuer", "web", "-q"]);
}

/// Run `pki ARGS` with stdout going to /dev/full.
fn to_dev_full(pki: &Pki, args: &[&str]) -> std::process::Output {
    let full = fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    pki.process(args).stdin(Stdio::null()).stdout(full).output().unwrap()
}

// Item 4: a write error on stdout is exit 1 with a message; a closed pipe stays quiet.
#[test]
fn a_full_stdout_is_an_error_and_a_closed_pipe_is_not() {
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["issue", "server", "--san", "a.test", "-q"]);
    for args in [
        &["bundle", "a.test.pem"][..],
        &["convert", "a.test.pem", "--to", "der"],
        &["list", "--json"],
        &["inspect", "a.test.pem"],
        &["completions", "bash"],
    ] {
        let out = to_dev_full(&pki, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "pki {args:?} > /dev/full: {stderr}");
        assert!(stderr.contains("error: cannot write to standard output: no space left on device"), "{stderr}");
    }
    // `issue --json` has already written its files: still an error, since its report is lost.
    let out = to_dev_full(&pki, &["issue", "server", "--san", "b.test", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));

    // `pki completions bash | head -c 1`: the reader goes away; exit 0 and no message.
    let mut child =
        pki.process(&["completions", "bash"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    drop(child.stdout.take()); // closed before pki writes its ~20 KB
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// `pki ARGS` with the CA directory `dir` (through PKI_CA_DIR); returns exit code and stderr.
fn run_with_ca_dir(pki: &Pki, dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    let out = pki.call_bare(args).env("PKI_CA_DIR", dir).output();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).to_string())
}

// Item 5: `ca init` refuses a non-empty directory that is not a CA, and changes nothing.
#[test]
fn ca_init_refuses_a_directory_that_holds_other_things() {
    let pki = Pki::new();
    let dir = pki.root().join("shared");
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join("notes.txt"), "mine").unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o1777)).unwrap();
    let (code, err) = run_with_ca_dir(&pki, &dir, &["ca", "init"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains(&format!("'{}' is not empty and holds no pki CA; nothing was written", dir.display())),
        "{err}"
    );
    assert!(err.contains("hint: give a new or empty directory with --ca-dir"), "{err}");
    assert_eq!(fs::metadata(&dir).unwrap().permissions().mode() & 0o7777, 0o1777, "the sticky bit stays");
    let names: Vec<_> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["notes.txt"], "nothing was added");
    // A directory that is a CA (ca-key.pem without ca.pem) is still an interrupted init.
    let ca = pki.root().join("ca2");
    fs::create_dir(&ca).unwrap();
    fs::write(ca.join("ca-key.pem"), "x").unwrap();
    let (code, err) = run_with_ca_dir(&pki, &ca, &["ca", "init"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("exists without 'ca.pem'"), "{err}");
}

// Smaller: `ca init` into a symlink to an empty directory creates the CA in its target.
#[test]
fn ca_init_through_a_symlink_to_an_empty_directory() {
    let pki = Pki::new();
    let target = pki.root().join("volume");
    fs::create_dir(&target).unwrap();
    let link = pki.root().join("ca-link");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    assert_eq!(run_with_ca_dir(&pki, &link, &["ca", "init", "-q"]), (Some(0), String::new()));
    assert!(target.join("ca.pem").is_file() && target.join("ca-key.pem").is_file());
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
    assert_eq!(run_with_ca_dir(&pki, &link, &["issue", "server", "--san", "a.test", "-q"]), (Some(0), String::new()));
}

// Item 13: a certificate larger than TLS software reads is refused before anything is written.
#[test]
fn a_certificate_over_64_kib_is_refused_at_issuance() {
    let pki = Pki::new();
    pki.init(&[]);
    let ledger_before = ledger_lines(&pki.ca_dir(), false).len();
    let sans: Vec<String> = (0..3600).map(|i| format!("host{i}.example.test")).collect();
    let sans = sans.join(",");
    let err = pki.fails(1, &["issue", "server", "--san", &sans, "--name", "big"]);
    assert!(err.contains("bytes, more than the 65535 that rustls, webpki and 'pki verify' can read"), "{err}");
    assert!(err.contains("hint: use fewer --san entries"), "{err}");
    assert!(pki.work_files().is_empty(), "{:?}", pki.work_files());
    assert_eq!(ledger_lines(&pki.ca_dir(), false).len(), ledger_before);
    // 2,000 names fit, and pki verify reads the result.
    let sans: Vec<String> = (0..2000).map(|i| format!("host{i}.example.test")).collect();
    pki.ok(&["issue", "server", "--san", &sans.join(","), "--name", "big", "-q"]);
    pki.ok(&["verify", "big.pem", "--host", "host1999.example.test", "-q"]);
}

/// A named pipe at `path`.
fn mkfifo(path: &std::path::Path) {
    let st = std::process::Command::new("mkfifo").arg(path).status().expect("run mkfifo");
    assert!(st.success(), "mkfifo {}", path.display());
}

/// Run `pki ARGS` through the common runner, which fails the test if it outlives `limit`
/// (it hung): returns exit code, stderr, and how long it took.
fn bounded(pki: &Pki, args: &[&str], limit: std::time::Duration) -> (Option<i32>, String, std::time::Duration) {
    let (out, took) = pki.call(args).within(limit).timed();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).to_string(), took)
}

// Item 8: key and passphrase files get the same caps and guards as certificates, and a
// named pipe whose writer holds it open without writing does not hang a reader.
#[test]
fn secrets_and_pipes_that_never_end_are_refused() {
    let pki = Pki::new();
    fs::write(pki.path("capw"), "ca secret\n").unwrap();
    pki.init(&["--encrypt-key", "--passphrase-file", "capw"]);
    pki.ok(&["issue", "server", "--san", "a.test", "--ca-passphrase-file", "capw", "-q"]);
    let limit = std::time::Duration::from_secs(20);

    // `issue` of a new key encrypted with the passphrase in `file` (the CA's from capw).
    let encrypted = |file: &'static str| -> Vec<&'static str> {
        vec![
            "issue",
            "server",
            "--san",
            "b.test",
            "--ca-passphrase-file",
            "capw",
            "--encrypt-key",
            "--passphrase-file",
            file,
        ]
    };
    for args in [
        vec!["issue", "server", "--san", "b.test", "--ca-passphrase-file", "/dev/zero"],
        encrypted("/dev/zero"),
        vec!["inspect", "/dev/zero"],
    ] {
        let (code, err, _) = bounded(&pki, &args, limit);
        assert_eq!(code, Some(1), "pki {args:?}: {err}");
        assert!(err.contains("'/dev/zero'") && err.contains("more than the"), "{err}");
    }

    mkfifo(&pki.path("pipe"));
    for args in [
        vec!["issue", "server", "--san", "b.test", "--ca-passphrase-file", "pipe"],
        encrypted("pipe"),
        vec!["serve", "--cert", "a.test.pem", "--key", "pipe", "--once"],
        vec!["inspect", "pipe"],
    ] {
        let (code, err, _) = bounded(&pki, &args, limit);
        assert_eq!(code, Some(1), "pki {args:?} (None = killed: it hung): {err}");
        assert!(err.contains("'pipe'") && err.contains("named pipe"), "{err}");
    }

    // A writer that opens the pipe and then never writes (nor closes it): opening the
    // write end blocks until a reader comes, so it is opened on a thread.
    let path = pki.path("pipe");
    let holder = std::thread::spawn(move || fs::OpenOptions::new().write(true).open(path).unwrap());
    let (code, err, took) = bounded(&pki, &["inspect", "pipe"], limit);
    let _hold = holder.join().unwrap();
    assert_eq!(code, Some(1), "pki inspect on a silent pipe (None = killed: it hung): {err}");
    assert!(err.contains("'pipe'") && err.contains("its writer sent nothing more"), "{err}");
    assert!(took < std::time::Duration::from_secs(15), "took {took:?}");
}

// Item 11: a PEM block whose END line names another label, or is cut short, is malformed.
#[test]
fn a_pem_block_with_a_wrong_or_cut_end_line_is_refused() {
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["issue", "server", "--san", "a.test", "-q"]);
    let good = fs::read_to_string(pki.path("a.test.pem")).unwrap();
    for (name, bad) in [
        ("other-label.pem", good.replace("-----END CERTIFICATE-----", "-----END PRIVATE KEY-----")),
        ("cut.pem", good.replace("-----END CERTIFICATE-----", "-----END CERTIF")),
    ] {
        fs::write(pki.path(name), &bad).unwrap();
        for args in [&["inspect", name][..], &["verify", name], &["bundle", name]] {
            let err = pki.fails(1, args);
            assert!(err.contains(&format!("'{name}'")), "pki {args:?}: {err}");
            assert!(err.contains("PEM block 1 is malformed: its END line"), "pki {args:?}: {err}");
        }
    }
}

// Item 11: `bundle` of CAs that issued each other names the files in its error.
#[test]
fn bundle_of_a_loop_of_cas_names_the_files() {
    assert!(have("openssl"), "openssl is needed to make the loop: apt-get install openssl");
    let pki = Pki::new();
    // A0 (CN=A) and B0 (CN=B) are self-signed; A is CN=A signed by B's key, B is CN=B
    // signed by A's key: A issued B and B issued A.
    let script = r#"set -e
        for n in a b; do openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out $n.key 2>/dev/null; done
        ext="basicConstraints=critical,CA:TRUE"
        openssl req -x509 -new -key a.key -subj /CN=A -days 30 -addext "$ext" -out a0.pem
        openssl req -x509 -new -key b.key -subj /CN=B -days 30 -addext "$ext" -out b0.pem
        printf 'basicConstraints=critical,CA:TRUE\n' > ext.cnf
        openssl req -new -key a.key -subj /CN=A | openssl x509 -req -CA b0.pem -CAkey b.key -days 30 -extfile ext.cnf -out A.pem 2>/dev/null
        openssl req -new -key b.key -subj /CN=B | openssl x509 -req -CA a0.pem -CAkey a.key -days 30 -extfile ext.cnf -out B.pem 2>/dev/null
    "#;
    let st = std::process::Command::new("sh").args(["-c", script]).current_dir(pki.work()).status().unwrap();
    assert!(st.success(), "openssl could not make the loop");
    let err = pki.fails(1, &["bundle", "A.pem", "B.pem"]);
    assert!(err.contains("no leaf: every certificate given issued another one"), "{err}");
    assert!(err.contains("A.pem") && err.contains("B.pem"), "the error names both files: {err}");
    assert!(err.contains("hint: give the leaf certificate too"), "{err}");
}

// Smaller: `inspect -` of 99,999 malformed blocks shows a few and counts the rest.
#[test]
fn inspect_summarises_a_flood_of_malformed_blocks() {
    let pki = Pki::new();
    let flood = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".repeat(99_999);
    fs::write(pki.path("flood.pem"), flood).unwrap();
    let out = pki.run(&["inspect", "flood.pem"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.lines().count() < 40, "{stdout}");
    assert!(stdout.contains("flood.pem[5] certificate") && !stdout.contains("flood.pem[6]"), "{stdout}");
    assert!(stdout.contains("flood.pem 99994 more malformed blocks not shown"), "{stdout}");
    assert_eq!(stderr.matches("error: cannot read 'flood.pem'").count(), 6, "{stderr}");
    assert!(
        stderr.contains("error: cannot read 'flood.pem': 99994 more malformed blocks (errors not shown)"),
        "{stderr}"
    );
    // JSON still lists every block.
    let out = pki.run(&["inspect", "flood.pem", "--json"]);
    let items: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(items.as_array().unwrap().len(), 99_999);
}

/// The files under `dir`, recursively, as relative paths with their bytes, sorted.
fn tree(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                todo.push(p);
            } else {
                out.push((p.strip_prefix(dir).unwrap().display().to_string(), fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

// Item 3 (and the contract): `ca init --force` retires the whole old CA, never destroys it.
#[test]
fn ca_init_force_moves_the_old_ca_to_retired() {
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["ca", "intermediate", "--name", "web", "-q"]);
    pki.ok(&["issue", "server", "--san", "a.test", "-q"]);
    pki.ok(&["revoke", "a.test.pem", "-q"]);
    pki.ok(&["crl", "-q"]);
    let old: Vec<_> = tree(&pki.ca_dir()).into_iter().filter(|(n, _)| n != ".lock").collect();
    assert!(
        old.iter().any(|(n, _)| n == "intermediates/web/ca.pem"),
        "{:?}",
        old.iter().map(|f| &f.0).collect::<Vec<_>>()
    );

    let report = pki.json(&["ca", "init", "--force", "--cn", "Replacement Root"]);
    let retired = std::path::PathBuf::from(report["retired"].as_str().expect("the report says where the old CA went"));
    assert!(retired.starts_with(pki.ca_dir().join("retired")), "{retired:?}");
    let name = retired.file_name().unwrap().to_string_lossy().to_string();
    assert!(
        name.len() == 16 && name.ends_with('Z') && name.as_bytes()[8] == b'T',
        "TIMESTAMP like 20261204T173000Z: {name}"
    );
    assert_eq!(mode(&pki.ca_dir().join("retired")), 0o700);
    assert_eq!(tree(&retired), old, "every old file, byte for byte, in retired/{name}/");

    // The new CA: a new root and key, an empty ledger, no intermediates, no CRL.
    assert!(!pki.ca_dir().join("intermediates").exists() && !pki.ca_dir().join("crl.pem").exists());
    assert_eq!(ledger_lines(&pki.ca_dir(), true).len(), 0);
    assert_ne!(fs::read(pki.ca_dir().join("ca.pem")).unwrap(), old.iter().find(|f| f.0 == "ca.pem").unwrap().1);
    let human = pki.ok(&["ca", "init", "--force"]);
    assert!(human.contains("old CA") && human.contains("retired/"), "{human}");
    assert_eq!(
        fs::read_dir(pki.ca_dir().join("retired")).unwrap().count(),
        2,
        "a second retirement has its own directory"
    );
    pki.ok(&["issue", "server", "--san", "b.test", "-q"]);
}

/// The PEM body of the only block in `path`, or None when the file is absent.
fn whole_pem(path: &std::path::Path, label: &str) -> Option<String> {
    let text = fs::read_to_string(path).ok()?;
    assert!(
        text.starts_with(&format!("-----BEGIN {label}-----"))
            && text.trim_end().ends_with(&format!("-----END {label}-----")),
        "{} is not whole: {text:?}",
        path.display()
    );
    Some(text)
}

// Item 3: a killed `ca init --force` never loses the old root, and never leaves a key
// without its certificate that the next run cannot handle.
#[test]
fn killed_ca_init_force_loses_nothing() {
    let pki = Pki::new();
    pki.init(&[]);
    let ca = pki.ca_dir();
    let mut roots_seen = vec![whole_pem(&ca.join("ca.pem"), "CERTIFICATE").unwrap()];
    for (i, micros) in (0..24u64).map(|i| (i, (i * 7919) % 30_000)).collect::<Vec<_>>() {
        let mut child = pki.process(&["ca", "init", "--force", "-q"]).stdin(Stdio::null()).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_micros(micros));
        let _ = child.kill();
        let finished = child.wait().unwrap().success();
        // Every root certificate ever made is somewhere: in the CA directory or retired.
        let all: Vec<String> = tree(&ca)
            .into_iter()
            .filter(|(n, _)| n.ends_with("ca.pem") && !n.contains("intermediates"))
            .map(|(_, b)| String::from_utf8(b).unwrap())
            .collect();
        for r in &roots_seen {
            assert!(all.contains(r), "run {i} (killed after {micros} us): an old root is gone");
        }
        // ca.pem, when present, is whole and matches its key (which is whole too).
        let cert = whole_pem(&ca.join("ca.pem"), "CERTIFICATE");
        let key = whole_pem(&ca.join("ca-key.pem"), "PRIVATE KEY");
        if let Some(c) = cert {
            assert!(key.is_some(), "run {i}: ca.pem without ca-key.pem");
            if !roots_seen.contains(&c) {
                roots_seen.push(c);
            }
            // The CA works.
            pki.ok(&["issue", "server", "--san", &format!("k{i}.test"), "-q"]);
        } else {
            assert!(!finished, "run {i}: a finished init left no ca.pem");
            // The next run recovers (an orphan key needs --force, and is retired by it).
            pki.ok(&["ca", "init", "--force", "-q"]);
            roots_seen.push(whole_pem(&ca.join("ca.pem"), "CERTIFICATE").unwrap());
        }
        ledger_lines(&ca, true);
    }
    for e in fs::read_dir(ca.join("retired")).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        assert!(!name.starts_with('.'), "a retired copy hides behind a dot: {name}");
    }
}

// Item 3: what a killed first `ca init` left beside the CA directory is cleaned up by the
// next one (only ours, only when no live pki holds it), and is 0700 from the start.
#[test]
fn stale_init_directories_are_removed_only_when_ours_and_dead() {
    let pki = Pki::new();
    let make = |name: &str, files: &[&str]| {
        let d = pki.root().join(name);
        fs::create_dir(&d).unwrap();
        for f in files {
            fs::write(d.join(f), "x").unwrap();
        }
        d
    };
    let stale = make(".pki-init-dead01", &["ca.pem", "ca-key.pem", "ledger.jsonl"]);
    let foreign = make(".pki-init-other", &["ca.pem", "notes.txt"]);
    let live = make(".pki-init-live01", &["ca-key.pem"]);
    // A live holder of its lock (flock from util-linux, as another pki would hold it).
    assert!(have("flock"), "flock (util-linux) is needed");
    let mut holder = std::process::Command::new("flock").arg(live.join(".lock")).args(["sleep", "30"]).spawn().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    pki.ok(&["ca", "init", "-q"]);
    let _ = holder.kill();
    let _ = holder.wait();
    assert!(!stale.exists(), "a dead init's directory is removed");
    assert!(foreign.join("notes.txt").exists(), "a directory with other files is not ours: kept");
    assert!(live.join("ca-key.pem").exists(), "a directory whose lock is held is in use: kept");
    assert_eq!(mode(&pki.ca_dir()), 0o700);

    // Temporaries a killed writer left in the CA directory go with the next writer.
    fs::write(pki.ca_dir().join(".pki-tmp-dead"), "half a key").unwrap();
    fs::write(pki.ca_dir().join(".pki-old-123-ca.pem"), "old").unwrap();
    pki.ok(&["issue", "server", "--san", "a.test", "-q"]);
    let left: Vec<_> = fs::read_dir(pki.ca_dir())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".pki-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

// Smaller: the lock file is never opened through a symlink.
#[test]
fn a_symlinked_lock_file_is_refused() {
    let pki = Pki::new();
    pki.init(&[]);
    let elsewhere = pki.root().join("elsewhere");
    let _ = fs::remove_file(pki.ca_dir().join(".lock"));
    std::os::unix::fs::symlink(&elsewhere, pki.ca_dir().join(".lock")).unwrap();
    let err = pki.fails(1, &["issue", "server", "--san", "a.test"]);
    assert!(err.contains(".lock"), "{err}");
    assert!(!elsewhere.exists(), "nothing was created through the link");
}

// Item 10: `revoke FILE` (and `renew FILE`) match the very certificate, not its serial
// alone: another CA's certificate with the same serial is refused, and nothing changes.
#[test]
fn a_stranger_with_the_same_serial_is_neither_revoked_nor_renewed() {
    assert!(have("openssl"), "openssl makes the stranger: apt-get install openssl");
    let pki = Pki::new();
    pki.init(&[]);
    let ours = pki.json(&["issue", "server", "--san", "a.test"]);
    let serial = ours["serial"].as_str().unwrap().to_string();
    let script = format!(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout stranger-key.pem \
         -subj /CN=a.test -set_serial 0x{serial} -days 30 -out stranger.pem 2>/dev/null"
    );
    let st = std::process::Command::new("sh").args(["-c", &script]).current_dir(pki.work()).status().unwrap();
    assert!(st.success(), "openssl could not make the stranger");
    let ledger_before = ledger_lines(&pki.ca_dir(), true);

    for command in ["revoke", "renew"] {
        let err = pki.fails(1, &[command, "stranger.pem"]);
        assert!(
            err.contains(&format!(
                "'stranger.pem' (serial {serial}) was not issued by this CA: the certificate it issued with that serial has another fingerprint"
            )),
            "{command}: {err}"
        );
        assert!(err.contains("hint: ") && err.contains("with the CA that issued it"), "{err}");
    }
    assert_eq!(ledger_lines(&pki.ca_dir(), true), ledger_before, "nothing was recorded");
    // Ours, by file, still works.
    pki.ok(&["revoke", "a.test.pem", "-q"]);
}

// Item 9: a damaged ledger never panics `crl`; the CRL number never wraps; a failed
// `crl -o` uses up no number.
#[test]
fn crl_refuses_damage_and_never_wraps_its_number() {
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["issue", "server", "--san", "a.test", "-q"]);
    let ledger = pki.ca_dir().join("ledger.jsonl");
    let good = fs::read_to_string(&ledger).unwrap();

    // A serial that is not hex, with a multi-byte character where a slice would cut.
    let issued = good.lines().nth(1).unwrap();
    let serial = ledger_lines(&pki.ca_dir(), true)[0]["serial"].as_str().unwrap().to_string();
    let revoked = r#"{"event":"revoked","serial":"zzé€zz","at":"2026-01-01T00:00:00Z","reason":"unspecified"}"#;
    let damaged = format!("{good}{}\n{revoked}\n", issued.replace(&serial, "zzé€zz"));
    fs::write(&ledger, &damaged).unwrap();
    let err = pki.fails(1, &["crl"]);
    assert!(err.contains("cannot use ledger") && err.contains("ledger.jsonl"), "{err}");
    assert!(err.contains("serial 'zzé€zz' is not hex"), "{err}");
    assert!(pki.ok(&["list"]).contains("zzé€zz"), "list shows the damaged line as it is");

    // At the largest CRL number: refused, naming why, and nothing is appended.
    let at_max = format!("{good}{{\"event\":\"crl-number\",\"issuer\":\"root\",\"number\":{}}}\n", u64::MAX);
    fs::write(&ledger, &at_max).unwrap();
    let err = pki.fails(1, &["crl", "-o", "max.crl"]);
    assert!(err.contains(&format!("the last CRL number of 'root' is {}", u64::MAX)), "{err}");
    assert!(err.contains("CRL numbers never go back"), "{err}");
    assert_eq!(fs::read_to_string(&ledger).unwrap(), at_max);
    assert!(!pki.path("max.crl").exists());

    // A `crl -o` that cannot write its file takes its number back.
    fs::write(&ledger, &good).unwrap();
    pki.ok(&["crl", "-o", "one.crl", "-q"]);
    fs::create_dir(pki.path("blocked")).unwrap();
    pki.fails(1, &["crl", "-o", "blocked"]);
    pki.ok(&["crl", "-o", "two.crl", "-q"]);
    let numbers: Vec<u64> = ledger_lines(&pki.ca_dir(), true)
        .iter()
        .filter(|e| e["event"] == "crl-number")
        .map(|e| e["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [1, 2], "the failed run used no number");
}

// Item 12: with several CRLs of one issuer, the newest (highest cRLNumber) decides, in
// whatever order they are given.
#[test]
fn verify_uses_the_newest_crl_of_an_issuer() {
    let pki = Pki::new();
    pki.init(&[]);
    pki.ok(&["issue", "server", "--san", "a.test", "-q"]);
    pki.ok(&["crl", "-o", "old.crl", "-q"]);
    pki.ok(&["revoke", "a.test.pem", "-q"]);
    pki.ok(&["crl", "-o", "new.crl", "-q"]);
    let root = pki.ca_dir().join("ca.pem");
    let root = root.to_str().unwrap();
    for crls in [["old.crl", "new.crl"], ["new.crl", "old.crl"]] {
        let out = pki.run(&["verify", "a.test.pem", "--ca", root, "--crl", crls[0], "--crl", crls[1], "--json"]);
        assert_eq!(out.status.code(), Some(3), "{crls:?}: {}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(v.to_string().contains("revoked"), "{crls:?}: {v:#}");
    }
    // The old CRL alone still says nothing about it.
    pki.ok(&["verify", "a.test.pem", "--ca", root, "--crl", "old.crl", "-q"]);
}
