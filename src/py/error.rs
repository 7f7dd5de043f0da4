//! Errors reported before a script runs (parse errors) and the report of an uncaught exception.

use std::fmt;

use crate::py::exceptions::PyException;

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

/// An exception nobody caught, with its report already rendered (the host is consulted for
/// `repr` of host objects while rendering, so the driver needs nothing else to show it).
#[derive(Debug, Clone)]
pub struct Uncaught {
    /// The exception object (can be passed on, e.g. re-raised into a suspended call).
    pub exception: PyException,
    /// `Traceback (most recent call last): ...` as CPython prints it.
    pub report: String,
}

/// Misuse of the VM by the driver (not a Python error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VmError {
    /// `resume` was called but the VM is not waiting for a host call.
    NotSuspended,
    /// `call_callback` needs a VM that is suspended in a host call or finished.
    NotIdle,
    /// The script already ended with an uncaught exception.
    Failed,
}

impl fmt::Display for VmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            VmError::NotSuspended => "the VM is not suspended in a host call",
            VmError::NotIdle => "callbacks can only be started while suspended or finished",
            VmError::Failed => "the script has already failed",
        })
    }
}

impl std::error::Error for VmError {}
