//! What a command answers: its output text and exit code, as the real tool's.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CtlOutput {
    pub output: String,
    pub exit_code: i32,
}

impl CtlOutput {
    pub fn ok(output: impl Into<String>) -> CtlOutput {
        CtlOutput {
            output: output.into(),
            exit_code: 0,
        }
    }

    /// `Error:` on its own line, then the server's message; exit 69.
    pub fn error(message: impl AsRef<str>) -> CtlOutput {
        CtlOutput {
            output: format!("Error:\n{}", message.as_ref()),
            exit_code: 69,
        }
    }

    /// An argument-validation (usage) error; exit 64.
    pub fn usage(output: impl Into<String>) -> CtlOutput {
        CtlOutput {
            output: output.into(),
            exit_code: 64,
        }
    }
}
