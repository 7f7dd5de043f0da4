//! What `rabbitmq-queues` and `rabbitmq-upgrade` share with each other (rabbitmqctl has its own
//! copy in `commands`): the global options before the command name, the unknown-command answer,
//! a usage line, and the `--formatter json` answers of the health checks.

use crate::erl::json::encode::json_string;
use crate::sim::ctl::output::{ArgError, CtlOutput, Refusal};
use crate::sim::engine::Sim;
use crate::sim::model::QueueId;

/// The command name and its words (global options that preceded it moved after it).
pub(super) fn split_command(words: &[String]) -> Option<(String, Vec<String>)> {
    let mut i = 0;
    let mut pre = Vec::new();
    while i < words.len() && words[i].starts_with('-') {
        pre.push(words[i].clone());
        if matches!(
            words[i].as_str(),
            "-n" | "--node" | "-t" | "--timeout" | "--formatter"
        ) && i + 1 < words.len()
        {
            pre.push(words[i + 1].clone());
            i += 1;
        }
        i += 1;
    }
    let cmd = words.get(i)?.clone();
    pre.extend(words[i + 1..].iter().cloned());
    Some((cmd, pre))
}

/// `Command 'x' not found.`, with the nearest of the tool's commands when one is close.
pub(super) fn not_found(tool: &str, cmd: &str, commands: &[&str]) -> CtlOutput {
    let near = commands
        .iter()
        .find(|c| c.starts_with(cmd) || cmd.starts_with(*c))
        .map_or_else(
            || format!("Use '{tool} help' to list the commands."),
            |c| format!("Did you mean '{c}'?"),
        );
    CtlOutput::usage(format!("\nCommand '{cmd}' not found. \n{near}"))
}

/// The usage block a tool prints after an argument error.
pub(super) fn usage(tool: &str, args: &str) -> String {
    format!("\nUsage\n\n{tool} [--node <node>] [--longnames] [--quiet] {args}")
}

/// The tool's answer to a command that did not run, completed with its usage.
pub(super) fn finish(
    res: Result<CtlOutput, Refusal>,
    usage: String,
    words: &[String],
) -> CtlOutput {
    match res {
        Ok(o) | Err(Refusal::Answer(o)) => o,
        Err(Refusal::Args(e)) => e.answer(|| usage, words),
    }
}

/// Commands that take no positional argument refuse one.
pub(super) fn no_positionals(pos: &[String]) -> Result<(), ArgError> {
    if pos.is_empty() {
        Ok(())
    } else {
        Err(ArgError::new(
            "Error (argument validation): too many arguments.",
        ))
    }
}

/// One queue of a health check's JSON list (`…_for_cli/0`: its keys sorted as Elixir's
/// small maps print them).
pub(super) fn queue_json(sim: &Sim, q: QueueId) -> String {
    let r = sim.queue(q);
    format!(
        "{{\"name\":{},\"readable_name\":{},\"type\":\"classic\",\"virtual_host\":{}}}",
        json_string(&r.name),
        json_string(&sim.queue_name(q).to_string()),
        json_string(&r.vhost)
    )
}
