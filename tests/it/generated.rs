//! Generated files stay in step with the code: the committed completion scripts and man
//! pages must equal what the current clap definitions generate, and every command's help
//! is snapshot-tested so a change to it is deliberate.

use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::common::*;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn committed_completion_scripts_are_current() {
    for (shell, file) in [(Shell::Bash, "pki.bash"), (Shell::Zsh, "_pki"), (Shell::Fish, "pki.fish")] {
        let path = repo().join("completions").join(file);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        let fresh = pki::commands::completions::completion_script(pki::cli::Cli::command(), shell);
        assert!(
            committed == fresh,
            "completions/{file} is stale; refresh it with:\n  cargo run -q -- completions {shell} > completions/{file}"
        );
    }
}

#[test]
fn completions_command_prints_the_same_scripts() {
    let pki = Pki::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = pki.ok(&["completions", shell]);
        assert!(out.contains("pki"), "{shell}: {out}");
        assert!(out.contains("san"), "{shell} completion lacks --san");
    }
    let bash = pki.ok(&["completions", "bash"]);
    assert_eq!(bash, pki::commands::completions::completion_script(pki::cli::Cli::command(), Shell::Bash));
    pki.fails(2, &["completions", "tcsh"]);
}

#[test]
fn committed_man_pages_are_current() {
    let dir = repo().join("docs/man");
    let fresh = pki::commands::completions::man_pages(pki::cli::Cli::command()).unwrap();
    let refresh = "refresh them with:\n  rm -rf docs/man && cargo run -q -- man --out-dir docs/man";
    let mut committed: Vec<String> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    committed.sort();
    let names: Vec<String> = fresh.iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(committed, names, "docs/man has a different set of pages; {refresh}");
    for (name, bytes) in fresh {
        let on_disk = std::fs::read(dir.join(&name)).unwrap_or_default();
        assert!(on_disk == bytes, "docs/man/{name} is stale; {refresh}");
    }
}

#[test]
fn man_command_writes_a_page_per_command() {
    let pki = Pki::new();
    let out = pki.root().join("man");
    pki.ok(&["man", "--out-dir", out.to_str().unwrap(), "-q"]);
    let mut names: Vec<String> =
        std::fs::read_dir(&out).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    for want in ["pki.1", "pki-issue-server.1", "pki-verify.1", "pki-ca-init.1"] {
        assert!(names.iter().any(|n| n == want), "{want} missing from {names:?}");
    }
    let page = std::fs::read_to_string(out.join("pki-issue-server.1")).unwrap();
    assert!(page.contains(".TH pki-issue-server 1"), "{page}");
    assert!(page.contains("EXAMPLES"), "the page carries the examples");
}

/// Every command path, from the clap tree (so a new command gets a snapshot automatically).
fn command_paths() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(prefix.clone());
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set() && s.get_name() != "help") {
            let mut p = prefix.clone();
            p.push(sub.get_name().to_string());
            walk(sub, p, out);
        }
    }
    // Built first: subcommands declared with `defer` (`ca`, `issue`) exist only then.
    let mut cli = pki::cli::Cli::command();
    cli.build();
    let mut out = Vec::new();
    walk(&cli, Vec::new(), &mut out);
    out
}

#[test]
fn help_text_is_snapshot_tested() {
    let pki = Pki::new();
    for path in command_paths() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let text = pki.ok(&args);
        let name = if path.is_empty() { "help-pki".to_string() } else { format!("help-pki-{}", path.join("-")) };
        assert!(text.contains("EXAMPLES:"), "{name} has no examples");
        insta::assert_snapshot!(name, text);
    }
}

#[test]
fn version_names_the_crypto_backend() {
    let pki = Pki::new();
    let v = pki.ok(&["--version"]);
    assert!(v.starts_with(&format!("pki {}", env!("CARGO_PKG_VERSION"))), "{v}");
    assert!(v.contains("aws-lc-rs"), "{v}");
}

fn fixture(name: &str) -> String {
    repo().join("tests/fixtures").join(name).display().to_string()
}

#[test]
fn inspect_human_output_is_snapshot_tested() {
    let pki = Pki::new();
    let text = pki.ok(&[
        "inspect",
        &fixture("server.pem"),
        &fixture("server-key.pem"),
        &fixture("root.pem"),
        "--at",
        "2026-06-01",
    ]);
    let text = text.replace(&format!("{}/", repo().join("tests/fixtures").display()), "");
    insta::assert_snapshot!("inspect-fixtures", text);
}

#[test]
fn verify_human_output_is_snapshot_tested() {
    let pki = Pki::new();
    let root = fixture("root.pem");
    let ok = pki.ok(&["verify", &fixture("server.pem"), "--ca", &root, "--host", "fixture.test", "--at", "2026-12-01"]);
    insta::assert_snapshot!("verify-valid", ok);
    let out = pki.run(&[
        "verify",
        &fixture("server.pem"),
        "--ca",
        &root,
        "--host",
        "other.test",
        "--purpose",
        "client",
        "--at",
        "2027-03-01",
    ]);
    assert_eq!(out.status.code(), Some(3));
    insta::assert_snapshot!("verify-invalid", String::from_utf8_lossy(&out.stdout));
}
