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

/// Why a command did not run: either its finished answer, or an argument-validation error
/// that rabbitmqctl completes with the command line as typed and the command's usage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Answer(CtlOutput),
    Args(ArgError),
}

impl From<CtlOutput> for Refusal {
    fn from(o: CtlOutput) -> Refusal {
        Refusal::Answer(o)
    }
}

impl From<ArgError> for Refusal {
    fn from(e: ArgError) -> Refusal {
        Refusal::Args(e)
    }
}

/// An `Error…` line that rabbitmqctl follows with `Arguments given:` and a usage (exit 64).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgError {
    pub message: String,
    /// The usage to print, when it is not simply the command's own.
    pub usage: Option<String>,
    /// 64 (`EX_USAGE`), or 65 (`EX_DATAERR`) for a bad argument.
    pub exit_code: i32,
}

impl ArgError {
    pub fn new(message: impl Into<String>) -> ArgError {
        ArgError {
            message: message.into(),
            usage: None,
            exit_code: 64,
        }
    }

    /// `{:validation_failure, {:bad_argument, detail}}`: exit 65.
    pub fn bad_argument(detail: &str) -> ArgError {
        ArgError {
            exit_code: 65,
            ..ArgError::new(format!(
                "Error (argument validation): Bad argument: {detail}"
            ))
        }
    }

    /// The whole answer: the message, the command line as typed, then `usage` (the command's
    /// usage when the error names none).
    pub fn answer(self, usage: impl FnOnce() -> String, words: &[String]) -> CtlOutput {
        let usage = self.usage.unwrap_or_else(usage);
        CtlOutput {
            output: format!(
                "{}\nArguments given:\n\t{}\n{usage}",
                self.message,
                words.join(" ")
            ),
            exit_code: self.exit_code,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_argument_error_is_followed_by_the_line_and_a_usage() {
        let words = ["a".to_string(), "b".to_string()];
        let own = ArgError::new("Error (argument validation): x").answer(|| "U".into(), &words);
        assert_eq!(
            own,
            CtlOutput::usage("Error (argument validation): x\nArguments given:\n\ta b\nU")
        );
        let named = ArgError {
            message: "Error: y".into(),
            usage: Some("\nUsage\n\nz".into()),
            exit_code: 64,
        };
        assert_eq!(
            named.answer(|| unreachable!(), &words).output,
            "Error: y\nArguments given:\n\ta b\n\nUsage\n\nz"
        );
    }
}
