//! Errors reported before a script runs: syntax, indentation and unsupported constructs.

use std::fmt;

/// What kind of problem a [`ParseError`] is, named as Python would name the exception.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// Not valid Python.
    Syntax,
    /// Bad indentation.
    Indentation,
    /// Valid Python that the mirrorscope subset does not run (classes, generators, ...).
    Unsupported,
}

/// A problem found while reading the script, before anything runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Kind of error.
    pub kind: ParseErrorKind,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (in characters).
    pub col: u32,
    /// The message, without position.
    pub message: String,
}

impl ParseError {
    pub(crate) fn new(
        kind: ParseErrorKind,
        line: u32,
        col: u32,
        message: impl Into<String>,
    ) -> Self {
        ParseError {
            kind,
            line,
            col,
            message: message.into(),
        }
    }

    /// The Python exception name for this error (`SyntaxError`, `IndentationError`).
    pub fn exception_name(&self) -> &'static str {
        match self.kind {
            ParseErrorKind::Indentation => "IndentationError",
            ParseErrorKind::Syntax | ParseErrorKind::Unsupported => "SyntaxError",
        }
    }

    /// A report in CPython's layout: file/line, the source line, a caret, then the error.
    pub fn report(&self, source: &str) -> String {
        let mut out = format!("  File \"<client>\", line {}\n", self.line);
        if let Some(text) = source.lines().nth(self.line.saturating_sub(1) as usize) {
            let trimmed = text.trim_start();
            let indent = text.chars().count() - trimmed.chars().count();
            out.push_str("    ");
            out.push_str(trimmed.trim_end());
            out.push('\n');
            let caret = (self.col as usize).saturating_sub(1).saturating_sub(indent);
            out.push_str(&" ".repeat(4 + caret));
            out.push_str("^\n");
        }
        out.push_str(&format!("{}: {}", self.exception_name(), self.message));
        out
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {}, column {}: {}",
            self.exception_name(),
            self.line,
            self.col,
            self.message
        )
    }
}

impl std::error::Error for ParseError {}
