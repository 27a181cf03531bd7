//! Terminal behaviour: colour only on a terminal and never with NO_COLOR or --no-color;
//! --quiet; errors as `error:` then `hint:` on stderr; --json alone on stdout.

use std::process::Command;

use crate::common::*;

const ESC: char = '\u{1b}';

/// Run `pki ARGS` under a pseudo-terminal (util-linux `script`), returning what the
/// terminal showed.
pub(crate) fn on_terminal(pki: &Pki, args: &str, env: &[(&str, &str)]) -> Option<String> {
    if !require("script") {
        return None;
    }
    let bin = assert_cmd::cargo::cargo_bin("pki");
    let line = format!("{} --ca-dir {} {args}", bin.display(), pki.ca_dir().display());
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &line, "/dev/null"]).current_dir(pki.work()).env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(std::process::Stdio::null());
    let what = format!("pki {args} under a terminal");
    let out = run_bounded(cmd, b"", TIMEOUT, &what);
    // On a terminal, stderr arrives on script's stdout: look for a panic there too.
    assert_no_panic(&out, &what);
    assert!(!text(&out.stdout).contains("panicked at"), "{what}: pki panicked:\n{}", text(&out.stdout));
    assert!(out.status.success(), "pki {args} under a terminal failed: {}", String::from_utf8_lossy(&out.stdout));
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    let pki = Pki::new();
    pki.init(&[]);
    let Some(tty) = on_terminal(&pki, "issue server --san a.test", &[]) else {
        return;
    };
    assert!(tty.contains(ESC), "no colour on a terminal: {tty:?}");
    let no_color_env = on_terminal(&pki, "issue server --san b.test", &[("NO_COLOR", "1")]).unwrap();
    assert!(!no_color_env.contains(ESC), "colour despite NO_COLOR: {no_color_env:?}");
    let no_color_flag = on_terminal(&pki, "issue server --san c.test --no-color", &[]).unwrap();
    assert!(!no_color_flag.contains(ESC), "colour despite --no-color: {no_color_flag:?}");
    // Piped (not a terminal): plain text.
    let piped = pki.ok(&["issue", "server", "--san", "d.test"]);
    assert!(!piped.contains(ESC), "colour in a pipe: {piped:?}");
    assert!(piped.contains("d.test.pem"));
}

#[test]
fn quiet_prints_nothing_on_success() {
    let pki = Pki::new();
    for args in [
        vec!["ca", "init", "-q"],
        vec!["issue", "server", "--san", "localhost", "-q"],
        vec!["--quiet", "issue", "client", "--cn", "alice"],
        vec!["verify", "localhost-chain.pem", "--host", "localhost", "-q"],
        vec!["list", "-q"],
    ] {
        let out = pki.run(&args);
        assert!(out.status.success(), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?} printed {:?}", String::from_utf8_lossy(&out.stdout));
        assert!(out.stderr.is_empty(), "{args:?} printed {:?}", String::from_utf8_lossy(&out.stderr));
    }
    // Quiet never hides an error.
    let err = pki.fails(1, &["issue", "server", "--san", "localhost", "-q"]);
    assert!(err.starts_with("error: "), "{err}");
}

#[test]
fn errors_are_error_then_hint_on_stderr_only() {
    let pki = Pki::new();
    for (code, args) in [
        (1, vec!["issue", "server", "--san", "x.test"]),
        (1, vec!["list"]),
        (1, vec!["inspect", "missing.pem"]),
        (1, vec!["issue", "server", "--san", "a b", "--json"]),
    ] {
        let out = pki.run(&args);
        assert_eq!(out.status.code(), Some(code), "{args:?}");
        if args.contains(&"--json") {
            // Under --json, stdout holds the error document and nothing else (issue 14).
            let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the error document");
            assert_eq!(doc["error"]["exit_code"], code, "{args:?}: {doc}");
        } else {
            assert!(out.stdout.is_empty(), "{args:?} wrote to stdout: {:?}", String::from_utf8_lossy(&out.stdout));
        }
        let err = String::from_utf8_lossy(&out.stderr);
        let lines: Vec<&str> = err.lines().collect();
        assert!(lines[0].starts_with("error: "), "{args:?}: {err}");
        assert!(lines.iter().skip(1).all(|l| l.starts_with("hint: ")), "{args:?}: {err}");
    }
}

#[test]
fn json_is_one_document_on_stdout_and_warnings_go_to_stderr() {
    let pki = Pki::new();
    pki.ok(&["ca", "init", "--days", "30", "-q"]);
    // --days past the root's end: a warning, which must stay off stdout.
    let out = pki.run(&["issue", "server", "--san", "localhost", "--days", "90", "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is exactly one JSON document");
    assert_eq!(v["sans"][0], "localhost");
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("warning: "), "{:?}", out.stderr);
    for args in [
        vec!["list", "--json"],
        vec!["inspect", "localhost.pem", "--json"],
        vec!["verify", "localhost.pem", "--host", "localhost", "--json"],
        vec!["bundle", "localhost.pem", "--json"],
        vec!["completions", "bash", "--json"],
    ] {
        let out = pki.run(&args);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<serde_json::Value>(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: stdout is not one JSON document: {e}"));
    }
}
