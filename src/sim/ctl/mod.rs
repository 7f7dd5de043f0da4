//! The `rabbitmqctl` (and `systemctl … rabbitmq-server`) command layer: real command lines in,
//! RabbitMQ 3.10's banners, tables, `Error:` texts and exit codes out.

mod commands;
pub mod curl;
mod format;
mod membership;
mod process;
pub mod shell;

pub use commands::run_words;

use crate::sim::Sim;

/// What a command printed and its exit code (0 ok, 64 usage, 69 unavailable/failed).
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

/// Runs one command line (`rabbitmqctl …` or `systemctl … rabbitmq-server`) typed on `on_node`
/// (the node whose shell it is; `rabbitmqctl` targets it unless `-n` says otherwise).
pub fn run_line(sim: &mut Sim, on_node: usize, line: &str) -> CtlOutput {
    match shell::split(line) {
        Ok(words) => run_words(sim, on_node, &words),
        Err(e) => CtlOutput::usage(format!("bash: syntax error: {e}")),
    }
}
