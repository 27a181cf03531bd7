//! The input of `pki issue batch`: JSON Lines, one leaf a line, each key standing for
//! the flag of `pki issue` with its name (`key_type` for `--key-type`), with the same
//! defaults and the same checks. Every line becomes a [`LeafPlan`] before anything is
//! made, so a bad line stops the batch before it starts.

use std::path::Path;

use clap::ValueEnum;
use serde::Deserialize;

use super::{FileName, KeySource, LeafPlan};
use crate::error::{Error, LineError, LineProblem, Result};
use crate::keys::KeyType;
use crate::profile::{Profile, Subject};
use crate::san::parse_san_lists;
use crate::store::CaName;
use crate::validity::ValidityRequest;

/// The longest validity `--days` takes (as the flag's range).
const MAX_DAYS: u32 = 36_500;

/// One line as written: what `pki issue PROFILE` takes as flags.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    profile: LineProfile,
    #[serde(default)]
    san: Vec<String>,
    cn: Option<String>,
    name: Option<String>,
    key_type: Option<String>,
    days: Option<u32>,
    issuer: Option<String>,
}

/// The profiles `pki issue` has.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum LineProfile {
    Server,
    Client,
    Peer,
}

/// The plans of the JSON Lines `input`, in order, their files going into `out_dir`. Blank
/// lines are skipped (and counted); an error names its line.
pub fn plans(input: &[u8], out_dir: &Path) -> Result<Vec<LeafPlan>> {
    let mut plans = Vec::new();
    for (i, raw) in input.split(|b| *b == b'\n').enumerate() {
        let n = i + 1;
        let text = std::str::from_utf8(raw)
            .map_err(|_| json_error(n, "it is not UTF-8 text".into()))?
            .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        if text.is_empty() {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| json_error(n, without_position(&e)))?;
        if !value.is_object() {
            return Err(json_error(n, "not a JSON object".into()));
        }
        let line: Line = serde_json::from_value(value).map_err(|e| json_error(n, e.to_string()))?;
        plans.push(plan(line, out_dir).map_err(|e| e.at_line(n))?.at_line(n));
    }
    Ok(plans)
}

/// A line that is not the JSON object it must be.
fn json_error(line: usize, reason: String) -> Error {
    Error::Line(Box::new(LineError { line, problem: LineProblem::Json(reason) }))
}

/// serde_json's message with "at line 1 column N" (the line of one line) as "(column N)"
/// (a message about a value parsed from the line has no position).
fn without_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let message = match text.rfind(" at line ") {
        Some(at) => &text[..at],
        None => &text,
    };
    format!("{message} (column {})", e.column())
}

/// The plan of one line, checked as `pki issue` checks its flags.
fn plan(line: Line, out_dir: &Path) -> Result<LeafPlan> {
    let profile = match line.profile {
        LineProfile::Server => Profile::Server,
        LineProfile::Client => Profile::Client,
        LineProfile::Peer => Profile::Peer,
    };
    if profile == Profile::Client && line.cn.is_none() {
        return Err(Error::invalid("--cn", "", "a client certificate needs one: who the client is"));
    }
    let key_type = match &line.key_type {
        Some(t) => <KeyType as ValueEnum>::from_str(t, false).map_err(|_| {
            let names: Vec<String> = KeyType::value_variants().iter().map(KeyType::to_string).collect();
            Error::invalid("--key-type", t.as_str(), format!("not one of {}", names.join(", ")))
        })?,
        None => KeyType::default(),
    };
    let days = line.days.unwrap_or(397);
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(Error::invalid("--days", days.to_string(), format!("must be 1 to {MAX_DAYS}")));
    }
    let name = match line.name {
        Some(n) => FileName::Given(n),
        None => FileName::Default,
    };
    let subject = Subject { cn: line.cn, ..Default::default() };
    let issuer = CaName::from_flag(line.issuer.as_deref());
    let plan = LeafPlan::new(profile, subject, parse_san_lists(&line.san)?, issuer)?
        .key(KeySource::Generate(key_type))
        .output(out_dir.to_path_buf(), &name, false)?
        .validity(ValidityRequest { days, not_before: None, not_after: None });
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(input: &str) -> String {
        match plans(input.as_bytes(), Path::new("out")) {
            Ok(p) => panic!("{input:?} gave {} plans", p.len()),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn lines_become_plans_with_the_flags_defaults() {
        let input = "\n{\"profile\":\"server\",\"san\":[\"a.test,b.test\"]}\n\r\n  \n{\"profile\":\"client\",\"cn\":\"alice\",\"key_type\":\"ed25519\",\"days\":5}\n";
        let p = plans(input.as_bytes(), Path::new("out")).unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].line(), p[1].line()), (Some(2), Some(5)));
        assert_eq!(p[0].paths().0, Path::new("out/a.test.pem"));
        assert_eq!(p[0].sans.len(), 2);
        assert_eq!(p[0].validity.days, 397);
        assert_eq!(p[1].paths().1, Path::new("out/alice-key.pem"));
        assert!(matches!(p[1].key, KeySource::Generate(KeyType::Ed25519)));
        assert_eq!(p[1].validity.days, 5);
    }

    #[test]
    fn a_bad_line_is_named() {
        let ok = "{\"profile\":\"client\",\"cn\":\"a\"}\n";
        for (bad, expect) in [
            ("{\"profile\":\"client\",\"cn\":\"b\",\"colour\":1}", "line 2: unknown field `colour`"),
            ("{\"profile\":\"root\",\"cn\":\"b\"}", "line 2: unknown variant `root`"),
            ("not json", "line 2: expected ident (column 2)"),
            ("{\"profile\":\"client\"}", "line 2: \"cn\": a client certificate needs one"),
            ("{\"profile\":\"server\"}", "line 2: \"san\": a server certificate needs at least one SAN"),
            ("{\"profile\":\"server\",\"san\":[\"a b\"]}", "line 2: invalid \"san\" 'a b'"),
            (
                "{\"profile\":\"client\",\"cn\":\"b\",\"key_type\":\"rsa-1024\"}",
                "line 2: invalid \"key_type\" 'rsa-1024'",
            ),
            ("{\"profile\":\"client\",\"cn\":\"b\",\"days\":0}", "line 2: invalid \"days\" '0': must be 1 to 36500"),
            ("{\"profile\":\"client\",\"cn\":\"b\",\"days\":-1}", "line 2: invalid value: integer `-1`"),
            ("{\"profile\":\"client\",\"cn\":\"b\",\"name\":\"a/b\"}", "line 2: invalid \"name\" 'a/b'"),
            ("{\"profile\":\"client\",\"cn\":\"b\",\"san\":\"x.test\"}", "line 2: invalid type: string"),
        ] {
            let got = error(&format!("{ok}{bad}\n{ok}"));
            assert!(got.starts_with(expect), "{bad}: {got}");
        }
        let not_utf8 = plans(b"\n\xff\n", Path::new("out")).err().map(|e| e.to_string());
        assert!(not_utf8.is_some_and(|e| e.starts_with("line 2: it is not UTF-8 text")));
    }
}
