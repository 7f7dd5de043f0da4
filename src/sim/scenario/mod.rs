//! The scenario format: one line-oriented text format for tests, URLs, lessons and embeds
//! (see docs/scenario-format.md), its runner and its report.

pub mod captions;
mod checkpoints;
pub mod exchange_ops;
pub mod expect_node;
pub mod fault_lines;
pub mod parse;
pub mod player;
pub mod print;
pub mod report;
pub mod run;
pub mod session;

pub use parse::{parse, Action, ParseError, Step};
pub use run::{run_steps, Run};
pub use session::Session;

/// Parses and runs a scenario.
pub fn run_text(text: &str, seed: Option<u64>) -> Result<Run, ParseError> {
    let steps = parse(text)?;
    Ok(run_steps(&steps, seed))
}
