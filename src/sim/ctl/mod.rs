//! The `rabbitmqctl` (and `systemctl … rabbitmq-server`) command layer: real command lines in,
//! RabbitMQ 3.10's banners, tables, `Error:` texts and exit codes out.

mod args;
pub mod block;
mod commands;
pub mod curl;
mod exchanges;
mod files;
mod format;
mod health;
mod listing;
mod membership;
mod output;
mod process;
pub mod queues_cmd;
pub mod shell;
mod tool;
pub mod upgrade;
mod vhosts;

pub use commands::{run_redirected, run_words};
pub use output::CtlOutput;

use crate::sim::engine::Sim;

/// What a command printed and its exit code (0 ok, 64 usage, 69 unavailable/failed).
/// Runs one command line (`rabbitmqctl …` or `systemctl … rabbitmq-server`) typed on `on_node`
/// (the node whose shell it is; `rabbitmqctl` targets it unless `-n` says otherwise).
pub fn run_line(sim: &mut Sim, on_node: usize, line: &str) -> CtlOutput {
    match shell::split(line) {
        Ok(words) => run_words(sim, on_node, &words),
        Err(e) => CtlOutput::usage(format!("bash: syntax error: {e}")),
    }
}
