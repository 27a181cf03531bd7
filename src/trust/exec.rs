//! Running the stores' own tools (update-ca-certificates, certutil, keytool, ...): stdin
//! closed so that none of them can ever prompt, output captured for the failure message,
//! and a time limit so that a hung tool fails its store instead of hanging pki.

use std::ffi::OsStr;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one store tool may run (Debian's Java hook can take a while).
const LIMIT: Duration = Duration::from_secs(300);

/// Whether `p` is an executable file.
pub fn is_executable(p: &Path) -> bool {
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// What a tool run produced.
pub struct Ran {
    /// It exited 0.
    pub ok: bool,
    /// Its stdout.
    pub stdout: String,
    /// Its stdout and stderr, trimmed, for messages.
    pub said: String,
}

/// `program ARGS...` as a person would type it (for `--dry-run` and messages).
pub fn shown<S: AsRef<OsStr>>(program: &Path, args: &[S]) -> String {
    let mut s = quote(&program.to_string_lossy());
    for a in args {
        s.push(' ');
        s.push_str(&quote(&a.as_ref().to_string_lossy()));
    }
    s
}

/// A word quoted for a POSIX shell when it needs it.
pub fn quote(w: &str) -> String {
    let plain = !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./:=,+@%".contains(&b));
    if plain { w.to_string() } else { format!("'{}'", w.replace('\'', "'\\''")) }
}

/// Run `program ARGS...` with stdin closed; `Err` when it cannot be started or times out.
pub fn run<S: AsRef<OsStr>>(program: &Path, args: &[S]) -> Result<Ran, String> {
    run_with(program, args, None)
}

/// [`run`] with `input` on stdin (then closed) instead of an empty stdin.
pub fn run_with<S: AsRef<OsStr>>(program: &Path, args: &[S], input: Option<&[u8]>) -> Result<Ran, String> {
    let line = shown(program, args);
    let mut child = Command::new(program)
        .args(args)
        .stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {line}: {e}"))?;
    fn drain(r: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut s = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut s);
            }
            s
        })
    }
    let (out, err) = (drain(child.stdout.take()), drain(child.stderr.take()));
    if let (Some(mut stdin), Some(input)) = (child.stdin.take(), input) {
        use std::io::Write;
        let input = input.to_vec();
        std::thread::spawn(move || stdin.write_all(&input));
    }
    let deadline = Instant::now() + LIMIT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{line} did not finish within {} seconds", LIMIT.as_secs()));
            }
        }
    };
    let stdout = String::from_utf8_lossy(&out.join().unwrap_or_default()).into_owned();
    let stderr = err.join().unwrap_or_default();
    let said = format!("{}\n{}", stdout.trim(), String::from_utf8_lossy(&stderr).trim()).trim().to_string();
    Ok(Ran { ok: status.success(), stdout, said })
}

/// Run it and require exit 0; the error names the command and what it said.
pub fn run_ok<S: AsRef<OsStr>>(program: &Path, args: &[S]) -> Result<Ran, String> {
    let ran = run(program, args)?;
    if ran.ok {
        Ok(ran)
    } else {
        let said = ran.said.lines().rev().take(3).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join(" / ");
        Err(format!("{} failed: {said}", shown(program, args)))
    }
}
