//! The docs' recipes, run as written: every ```sh block of a page, in order, as one bash
//! script in an empty directory with a fresh HOME and `pki` on PATH. A page that stops
//! working fails here.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::common::*;

/// The ```sh blocks of a Markdown file, joined in order.
fn sh_blocks(md: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in md.lines() {
        if !inside && line.trim_start() == "```sh" {
            inside = true;
        } else if inside && line.trim_start() == "```" {
            inside = false;
            out.push('\n');
        } else if inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn run_recipe(page: &str, tools: &[&str]) {
    let md = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs").join(page)).unwrap();
    run_script(&format!("docs/{page}"), &sh_blocks(&md), tools);
}

/// Run `script` as the recipes run: bash, `set -euo pipefail`, an empty directory, a fresh
/// HOME, `pki` on PATH, background jobs killed at the end.
fn run_script(page: &str, script: &str, tools: &[&str]) {
    for t in tools {
        if !require(t) {
            return;
        }
    }
    assert!(script.lines().count() > 3, "{page} has no runnable blocks");
    let pki = Pki::new();
    let bin = assert_cmd::cargo::cargo_bin("pki");
    let path = format!("{}:{}", bin.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    let full = format!("set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n{script}");
    let mut cmd = Command::new("bash");
    cmd.arg("-c").arg(&full).current_dir(pki.work()).env("PATH", path).env("HOME", pki.root().join("home"));
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy().to_string();
        if k.starts_with("PKI_") || k == "XDG_DATA_HOME" {
            cmd.env_remove(&k);
        }
    }
    cmd.stdin(std::process::Stdio::null());
    let what = format!("{page}: the recipe");
    let out = run_bounded(cmd, b"", Duration::from_secs(60), &what);
    assert_no_panic(&out, &what);
    assert!(
        out.status.success(),
        "{page}: the recipe failed ({:?})\n--- script ---\n{script}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

// The recipes listen on the fixed port 8443 as a reader would, so they run one at a time.
static PORT_8443: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn quickstart_recipe_runs() {
    let _g = PORT_8443.lock().unwrap_or_else(|e| e.into_inner());
    run_recipe("quickstart.md", &["python3", "curl"]);
}

#[test]
fn ci_recipe_runs() {
    run_recipe("ci.md", &["jq"]);
}

#[test]
fn mtls_recipe_runs() {
    let _g = PORT_8443.lock().unwrap_or_else(|e| e.into_inner());
    run_recipe("mtls.md", &["openssl", "curl", "python3"]);
}

#[test]
fn fixtures_recipe_runs() {
    // serve --fixtures takes 8443 and the 16 ports above it.
    let _g = PORT_8443.lock().unwrap_or_else(|e| e.into_inner());
    run_recipe("fixtures.md", &["curl", "jq", "openssl"]);
}

#[test]
fn lifecycle_recipe_runs() {
    run_recipe("lifecycle.md", &["openssl", "jq"]);
}

/// The README's tour and its completions block, as written. (Its first block builds and
/// installs pki and runs this suite: `.ci/run` runs exactly that.)
#[test]
fn readme_recipes_run() {
    let _g = PORT_8443.lock().unwrap_or_else(|e| e.into_inner());
    let md = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let first = md.find("```sh").expect("README has sh blocks");
    let after_first = first + md[first..].find("\n```\n").expect("the first block ends") + 5;
    let script = sh_blocks(&md[after_first..]);
    assert!(script.contains("pki ca init --exist-ok") && script.contains("pki completions bash"), "{script}");
    run_script("README.md", &script, &[]);
}

#[test]
fn sh_block_extraction_keeps_only_sh_blocks() {
    let md = "text\n```sh\necho a\n```\n```text\necho no\n```\n```sh\necho b\n```\n";
    assert_eq!(sh_blocks(md), "echo a\n\necho b\n\n");
}
