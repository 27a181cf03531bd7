//! The only code that prints. Every command returns a report; `--json` serialises it and
//! the human form renders the same value, so the two cannot disagree.

mod bundle;
mod ca;
pub mod fixtures;
mod generated;
mod inspect;
mod issue;
mod lifecycle;
mod list;
pub mod notes;
pub mod progress;
pub mod sanitize;
pub mod style;
mod tls;
mod trust;
mod verify;

use std::io::Write;

use crate::error::{EXIT_OK, Error};
pub use style::Style;

/// A command's result, renderable as JSON or as text.
pub trait Report {
    /// The `--json` document.
    fn to_json(&self) -> serde_json::Value;
    /// Under `--json`, documents to print one a line (JSON Lines) instead of
    /// [`Report::to_json`] (`issue batch`).
    fn json_lines(&self) -> Option<Vec<serde_json::Value>> {
        None
    }
    /// The human text (ends with a newline when not empty).
    fn human(&self, style: &Style) -> String;
    /// Warnings for stderr.
    fn warnings(&self) -> Vec<String> {
        Vec::new()
    }
    /// Errors for stderr from a command that goes on past them (one bad file of many).
    fn errors(&self) -> &[Error] {
        &[]
    }
    /// Bytes to write to stdout as they are instead of the human text (binary output).
    fn raw_stdout(&self) -> Option<&[u8]> {
        None
    }
    /// The exit code (0 unless a check failed).
    fn exit_code(&self) -> i32 {
        EXIT_OK
    }
}

/// The global flags that decide how output is printed (`--json`, `--quiet`, `--no-color`);
/// the command layer's resolved flags convert into it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Print one JSON document instead of text.
    pub json: bool,
    /// Print nothing on success.
    pub quiet: bool,
    /// Never use colour.
    pub no_color: bool,
}

/// What a command produced.
pub struct Outcome(Box<dyn Report>);

impl Outcome {
    /// Wrap a report.
    pub fn new(report: impl Report + 'static) -> Outcome {
        Outcome(Box::new(report))
    }

    /// The report.
    pub fn report(&self) -> &dyn Report {
        self.0.as_ref()
    }
}

/// Print an outcome as the global flags say; returns the exit code.
pub fn emit(outcome: &Outcome, options: impl Into<Options>) -> i32 {
    let global = options.into();
    let report = outcome.report();
    let code = report.exit_code();
    let mut err = std::io::stderr().lock();
    let err_style = Style::for_stderr(global.no_color);
    for e in report.errors() {
        write_error(&mut err, e, &err_style);
    }
    if !global.quiet {
        for w in notes::take().into_iter().chain(report.warnings()) {
            let _ = writeln!(err, "{} {}", err_style.warn("warning:"), sanitize::text(&w));
        }
    }
    let mut out = std::io::stdout().lock();
    let res = if let (true, Some(lines)) = (global.json, report.json_lines()) {
        let mut s = String::new();
        for line in lines {
            s.push_str(&serde_json::to_string(&line).unwrap_or_else(|_| "null".into()));
            s.push('\n');
        }
        out.write_all(s.as_bytes())
    } else if global.json {
        let mut s = serde_json::to_string_pretty(&report.to_json()).unwrap_or_else(|_| "null".into());
        s.push('\n');
        out.write_all(s.as_bytes())
    } else if let Some(raw) = report.raw_stdout() {
        out.write_all(raw)
    } else if !global.quiet || code != EXIT_OK {
        out.write_all(report.human(&Style::new(!global.no_color)).as_bytes())
    } else {
        Ok(())
    };
    match res.and_then(|_| out.flush()) {
        // A closed pipe (`pki list | head -1`) is not an error worth a message; any other
        // failure (`> /dev/full`) is, or a script would take an empty file for the output.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            drop(out);
            // stdout is what failed: the JSON document could not reach it either.
            error(&Error::Stdout { source: e }, Options { json: false, ..global })
        }
        _ => code,
    }
}

/// Print an error and its hint on stderr and, under `--json`, the error document on
/// stdout (`{"error": {"message", "hint", "exit_code"}}`, docs/cli.md); returns the exit code.
pub fn error(e: &Error, options: impl Into<Options>) -> i32 {
    let options = options.into();
    let style = Style::for_stderr(options.no_color);
    for w in notes::take() {
        eprintln!("{} {}", style.warn("warning:"), sanitize::text(&w));
    }
    write_error(&mut std::io::stderr().lock(), e, &style);
    if options.json {
        let mut s = serde_json::to_string_pretty(&error_json(e)).unwrap_or_else(|_| "null".into());
        s.push('\n');
        let mut out = std::io::stdout().lock();
        // Nothing more to say if stdout is gone too: stderr already holds the error.
        let _ = out.write_all(s.as_bytes()).and_then(|_| out.flush());
    }
    e.exit_code()
}

/// The `--json` document of a failed command.
fn error_json(e: &Error) -> serde_json::Value {
    serde_json::json!({
        "error": {
            "message": e.to_string(),
            "hint": e.hint(),
            "exit_code": e.exit_code(),
        }
    })
}

fn write_error(err: &mut dyn Write, e: &Error, style: &Style) {
    // One line each: a newline inside (from a CSR's CN, a file name) is shown escaped.
    let _ = writeln!(err, "{} {}", style.error("error:"), sanitize::field(&e.to_string()));
    if let Some(h) = e.hint() {
        let _ = writeln!(err, "{} {}", style.hint("hint:"), sanitize::field(&h));
    }
}

/// "expires in 364 days", "EXPIRED 3 days ago", "NOT YET VALID: starts in 2 days".
pub fn relative_validity(
    now: time::OffsetDateTime,
    not_before: time::OffsetDateTime,
    not_after: time::OffsetDateTime,
) -> String {
    if now < not_before {
        format!("NOT YET VALID: starts in {}", span(not_before - now))
    } else if now > not_after {
        format!("EXPIRED {} ago", span(now - not_after))
    } else {
        format!("expires in {}", span(not_after - now))
    }
}

pub use crate::validity::span;

/// Serialise any report struct; a failure here is a bug, shown as a JSON error object.
fn json_of<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() }))
}

/// One log line of a long-running command (`serve`), on stdout, flushed at once.
pub fn log(line: &str, options: impl Into<Options>) {
    if options.into().quiet {
        return;
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", sanitize::text(line));
    let _ = out.flush();
}

/// The report `serve` sends each client.
pub fn serve_report(protocol: &str, suite: &str, sni: &str, client: &str, serial: &str) -> String {
    format!(
        "pki serve: TLS handshake complete\nprotocol: {protocol}\ncipher suite: {suite}\nserver name: {}\nclient certificate: {}\nserver certificate serial: {serial}\n",
        sanitize::field(sni),
        sanitize::field(client)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_is_one_line_whatever_its_values_hold() {
        // A CN taken from a CSR may hold a newline: it must not start a fake line.
        let e = Error::InvalidValue {
            flag: "--cn",
            value: "a\nerror: forged".into(),
            reason: "bad\u{2028}name".into(),
            hint: Some("x\ny".into()),
        };
        let mut out = Vec::new();
        write_error(&mut out, &e, &Style::new(false));
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "error: invalid --cn 'a\\u{a}error: forged': bad\\u{2028}name\nhint: x\\u{a}y\n", "{text}");
    }

    #[test]
    fn the_json_error_document_carries_message_hint_and_code() {
        let e = Error::InvalidValue { flag: "--cn", value: "x".into(), reason: "bad".into(), hint: None };
        let doc = error_json(&e);
        assert_eq!(doc["error"]["message"], serde_json::json!(e.to_string()));
        assert!(doc["error"]["hint"].is_null());
        assert_eq!(doc["error"]["exit_code"], serde_json::json!(e.exit_code()));
    }
}
