//! What `completions` and `man` report: generated files.

use serde::Serialize;

/// A generated script.
#[derive(Debug, Serialize)]
pub struct ScriptReport {
    /// The shell.
    pub shell: String,
    /// The script text.
    pub script: String,
}

/// Pages written.
#[derive(Debug, Serialize)]
pub struct ManReport {
    /// The files written.
    pub files: Vec<String>,
}
