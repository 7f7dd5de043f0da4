//! `rabbitmq-upgrade` as 3.10.8's CLI answers it: `drain` and `revive` (maintenance mode,
//! `sim::maintenance`) and `await_online_synchronized_mirror`, which looks every 200 ms
//! (`rabbit_upgrade_preparation`'s sampling interval) until every mirrored classic queue the
//! node masters has a synchronised mirror online, for `--timeout` seconds (120 by default).

use crate::sim::ctl::args::{parse_args, target, with_banner};
use crate::sim::ctl::output::{ArgError, CtlOutput, Refusal};
use crate::sim::ctl::tool::{self, finish, no_positionals, split_command};
use crate::sim::engine::Sim;
use crate::sim::time::Micros;

const TOOL: &str = "rabbitmq-upgrade";
const COMMANDS: &[&str] = &["await_online_synchronized_mirror", "drain", "revive"];

/// `await_online_synchronized_mirror`'s timeout when none is given.
const DEFAULT_AWAIT: Micros = Micros(120_000_000);
/// The longest `--timeout` taken, in seconds (a day): the wait runs in simulated time.
const MAX_AWAIT_SECS: u64 = 86_400;

/// Runs `rabbitmq-upgrade …` (the words after the tool's name) typed on `on_node`.
pub fn run(sim: &mut Sim, on_node: usize, words: &[String]) -> CtlOutput {
    let Some((cmd, rest)) = split_command(words) else {
        return CtlOutput::usage(tool::usage(TOOL, "<command> [<command options>]"));
    };
    let res = match cmd.as_str() {
        "drain" | "revive" => maintenance(sim, on_node, &rest, cmd == "drain"),
        "await_online_synchronized_mirror" => await_mirror(sim, on_node, &rest),
        "help" | "--help" | "-h" => Ok(CtlOutput::ok(format!(
            "{}\n\nCommands supported by the simulator:\n    {}",
            tool::usage(TOOL, "<command> [<command options>]"),
            COMMANDS.join("\n    ")
        ))),
        other => Ok(tool::not_found(TOOL, other, COMMANDS)),
    };
    finish(res, tool::usage(TOOL, &cmd), words)
}

fn maintenance(
    sim: &mut Sim,
    on_node: usize,
    words: &[String],
    drain: bool,
) -> Result<CtlOutput, Refusal> {
    let a = parse_args(words, &[], &[])?;
    no_positionals(&a.pos)?;
    let n = target(sim, on_node, &a, true)?;
    let name = sim.node_name(n).to_string();
    let banner = if drain {
        format!("Will put node {name} into maintenance mode. The node will no longer serve any client traffic!")
    } else {
        format!("Will put node {name} back into regular operating mode. The node will again serve client traffic and host primary queue replicas.")
    };
    if drain {
        sim.drain_node(n);
    } else {
        sim.revive_node(n);
    }
    Ok(CtlOutput::ok(if a.quiet { String::new() } else { banner }))
}

fn await_mirror(sim: &mut Sim, on_node: usize, words: &[String]) -> Result<CtlOutput, Refusal> {
    let a = parse_args(words, &["--formatter"], &[])?;
    no_positionals(&a.pos)?;
    let timeout = match a.get(&["-t", "--timeout"]) {
        None | Some("infinity") => DEFAULT_AWAIT,
        Some(t) => match t.parse::<u64>() {
            Ok(s) if s <= MAX_AWAIT_SECS => Micros::from_secs(s),
            _ => {
                return Err(ArgError::bad_argument(&format!(
                "timeout must be a whole number of seconds from 0 to {MAX_AWAIT_SECS}, got '{t}'"
            ))
                .into())
            }
        },
    };
    let n = target(sim, on_node, &a, true)?;
    let banner = if a.quiet {
        String::new()
    } else {
        format!(
            "Will wait for a synchronised mirror be online for all classic mirrored queues for {} seconds...",
            (timeout.0 as f64 / 1_000_000.0).round() as u64
        )
    };
    if sim.single_node_cluster(n) {
        let text = "Target node seems to be the only one in a single node cluster, the command does not apply";
        return Ok(CtlOutput::ok(if a.quiet {
            String::new()
        } else {
            format!("{banner}\n{text}")
        }));
    }
    // ceil(Timeout / 200) looks, 200 ms apart.
    let looks = timeout.0.div_ceil(200_000);
    let limit = Micros(looks.saturating_sub(1) * 200_000);
    let start = sim.now();
    let done = sim.run_until(limit, |s| s.mirror_sync_critical(n).is_empty());
    if done {
        // The look that found it is on the 200 ms grid.
        let waited = sim.now().0 - start.0;
        let grid = waited.div_ceil(200_000) * 200_000;
        sim.run_until(Micros(grid - waited), |_| false);
        return Ok(CtlOutput::ok(banner));
    }
    Ok(with_banner(
        &banner,
        CtlOutput::error(
            "time is up, no synchronised mirror came online for at least some classic mirrored queues",
        ),
    ))
}
