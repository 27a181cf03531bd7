//! Colour: ANSI styles when writing to a terminal, plain text otherwise.

use std::io::IsTerminal;

/// Whether and how to colour.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    color: bool,
}

impl Style {
    /// A style that colours when `color` is true.
    pub fn new(color: bool) -> Style {
        Style { color }
    }

    /// The style for stderr: colour only on a terminal, without NO_COLOR or --no-color.
    pub fn for_stderr(no_color_flag: bool) -> Style {
        let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style::new(!no_color_flag && !no_color_env && std::io::stderr().is_terminal())
    }

    fn paint(&self, code: &str, s: &str) -> String {
        if self.color { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() }
    }

    /// Bold.
    pub fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    /// Dim, for labels.
    pub fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
    /// Green, for success.
    pub fn ok(&self, s: &str) -> String {
        self.paint("32", s)
    }
    /// Yellow, for warnings.
    pub fn warn(&self, s: &str) -> String {
        self.paint("1;33", s)
    }
    /// Red, for errors.
    pub fn error(&self, s: &str) -> String {
        self.paint("1;31", s)
    }
    /// Cyan, for hints.
    pub fn hint(&self, s: &str) -> String {
        self.paint("1;36", s)
    }
}
