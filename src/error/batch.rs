//! An error in one line of a batch input (`issue batch`): the line's number, and what is
//! wrong with it said as for the flag of `pki issue` that the line's key stands for.

use std::fmt;

use super::Error;

/// What is wrong with line `line` of a batch.
#[derive(Debug)]
pub struct LineError {
    /// The line's number, counted from 1 (blank lines count).
    pub line: usize,
    /// What is wrong with it.
    pub problem: LineProblem,
}

/// What is wrong with a line of a batch.
#[derive(Debug)]
pub enum LineProblem {
    /// It is not the JSON object a line must be (not JSON, an unknown key, a value of the
    /// wrong type): the parser's message.
    Json(String),
    /// A value, a file or a name is refused, as `pki issue` refuses it.
    Refused(Error),
}

/// What a line must be, shown with a [`LineProblem::Json`].
const LINE_FORM: &str = "each line is one JSON object: {\"profile\": \"server\"|\"client\"|\"peer\", \"san\": [LIST...], \
\"cn\": STR, \"name\": STR, \"key_type\": T, \"days\": N, \"issuer\": NAME}, only \"profile\" always required";

impl LineError {
    /// The fix: as for the flag, except that a batch has no `--force`.
    pub fn hint(&self) -> Option<String> {
        match &self.problem {
            LineProblem::Json(_) => Some(LINE_FORM.into()),
            LineProblem::Refused(Error::Exists { .. }) => Some(
                "remove it, or give the line another \"name\" (or the batch another --out-dir); nothing of the batch was written"
                    .into(),
            ),
            LineProblem::Refused(e) => e.hint(),
        }
    }
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = self.line;
        match &self.problem {
            LineProblem::Json(reason) => write!(f, "line {line}: {reason}; nothing was written"),
            // A line's keys are the flags' names without dashes: "--key-type" is "key_type".
            LineProblem::Refused(Error::InvalidValue { flag, value, reason, .. }) if flag.starts_with("--") => {
                let key = flag.trim_start_matches('-').replace('-', "_");
                match value.is_empty() {
                    true => write!(f, "line {line}: \"{key}\": {reason}"),
                    false => write!(f, "line {line}: invalid \"{key}\" '{value}': {reason}"),
                }
            }
            LineProblem::Refused(e) => write!(f, "line {line}: {e}"),
        }
    }
}

impl Error {
    /// This error, blamed on line `line` of a batch (an error already blamed on a line
    /// keeps its line).
    pub fn at_line(self, line: usize) -> Error {
        match self {
            Error::Line(_) => self,
            e => Error::Line(Box::new(LineError { line, problem: LineProblem::Refused(e) })),
        }
    }
}
