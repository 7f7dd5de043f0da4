//! `rabbitmq-queues` as 3.10.8's CLI answers it, for classic mirrored queues: `rebalance`
//! (its banner, its pretty table, its type check) and `check_if_node_is_mirror_sync_critical`
//! (its text, `--formatter json`, exit 69 when the check fails).

use crate::erl::re::compile;
use crate::sim::ctl::args::{arity, parse_args, target};
use crate::sim::ctl::output::{ArgError, CtlOutput, Refusal};
use crate::sim::ctl::tool::{self, finish, no_positionals, queue_json, split_command};
use crate::sim::engine::Sim;
use crate::sim::rebalance::QueueKind;

const TOOL: &str = "rabbitmq-queues";
const COMMANDS: &[&str] = &["check_if_node_is_mirror_sync_critical", "rebalance"];

fn usage(cmd: &str) -> String {
    let args = match cmd {
        "rebalance" => "rebalance < all | classic | quorum > [--vhost-pattern <pattern>] [--queue-pattern <pattern>]",
        other => other,
    };
    tool::usage(TOOL, args)
}

/// Runs `rabbitmq-queues …` (the words after the tool's name) typed on `on_node`.
pub fn run(sim: &mut Sim, on_node: usize, words: &[String]) -> CtlOutput {
    let Some((cmd, rest)) = split_command(words) else {
        return CtlOutput::usage(tool::usage(TOOL, "<command> [<command options>]"));
    };
    let res = match cmd.as_str() {
        "rebalance" => rebalance(sim, on_node, &rest),
        "check_if_node_is_mirror_sync_critical" => sync_critical(sim, on_node, &rest),
        "help" | "--help" | "-h" => Ok(CtlOutput::ok(format!(
            "{}\n\nCommands supported by the simulator:\n    {}",
            tool::usage(TOOL, "<command> [<command options>]"),
            COMMANDS.join("\n    ")
        ))),
        other => Ok(tool::not_found(TOOL, other, COMMANDS)),
    };
    finish(res, usage(&cmd), words)
}

fn rebalance(sim: &mut Sim, on_node: usize, words: &[String]) -> Result<CtlOutput, Refusal> {
    let a = parse_args(words, &["--vhost-pattern", "--queue-pattern"], &[])?;
    arity("rebalance", &a, 1, 1).map_err(|mut e| {
        e.usage = Some(usage("rebalance"));
        e
    })?;
    let kind = match a.pos[0].as_str() {
        "all" => QueueKind::All,
        "classic" => QueueKind::Classic,
        "quorum" => QueueKind::Quorum,
        other => {
            return Ok(CtlOutput::error(format!(
                "type {other} is not supported. Try one of all, classic, quorum."
            )))
        }
    };
    let n = target(sim, on_node, &a, true)?;
    let pattern = |key: &str| -> Result<_, Refusal> {
        let src = a.get(&[key]).unwrap_or(".*");
        // re:run/2 with a pattern that does not compile: the rpc fails with badarg.
        compile(src).map_err(|_| {
            Refusal::Answer(CtlOutput::error(format!(
                "{{:badrpc, {{:EXIT, {{:badarg, [{{:re, :run, [\"\", \"{src}\"], []}}]}}}}}}"
            )))
        })
    };
    let (vhosts, names) = (pattern("--vhost-pattern")?, pattern("--queue-pattern")?);
    // `banner([type], _)` is given the type as a string, so the atom clauses never match.
    let banner = format!("Re-balancing leaders of {} queues...", a.pos[0]);
    let Some(rows) = sim.rebalance(n, kind, &vhosts, &names) else {
        return Ok(CtlOutput::error(
            "{:badrpc, {:EXIT, {:badarith, [{:rabbit_amqqueue, :maybe_rebalance, 4, []}]}}}",
        ));
    };
    let table = if rows.is_empty() {
        pretty_table(&["Output"], &[vec!["[]".to_string()]])
    } else {
        let body: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                vec![
                    sim.node_name(r.node).to_string(),
                    "0".to_string(),
                    r.classic.to_string(),
                ]
            })
            .collect();
        pretty_table(
            &[
                "Node name",
                "Number of quorum queues",
                "Number of replicated classic queues",
            ],
            &body,
        )
    };
    Ok(CtlOutput::ok(if a.quiet {
        table
    } else {
        format!("{banner}\n{table}")
    }))
}

/// The CLI's `PrettyTable` formatter: a box around every cell (its DEC line-drawing characters
/// shown as the box-drawing ones a terminal draws for them).
pub(super) fn pretty_table(header: &[&str], rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([header[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let rule = |l: &str, m: &str, r: &str| {
        let parts: Vec<String> = widths.iter().map(|w| "─".repeat(w + 2)).collect();
        format!("{l}{}{r}", parts.join(m))
    };
    let line = |cells: Vec<&str>| {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!(" {c}{} ", " ".repeat(w - c.chars().count())))
            .collect();
        format!("│{}│", parts.join("│"))
    };
    let mut out = vec![rule("┌", "┬", "┐"), line(header.to_vec())];
    for r in rows {
        out.push(rule("├", "┼", "┤"));
        out.push(line(r.iter().map(String::as_str).collect()));
    }
    out.push(rule("└", "┴", "┘"));
    out.join("\n")
}

fn sync_critical(sim: &mut Sim, on_node: usize, words: &[String]) -> Result<CtlOutput, Refusal> {
    let a = parse_args(words, &["--formatter"], &[])?;
    no_positionals(&a.pos).map_err(|mut e: ArgError| {
        e.usage = Some(usage("check_if_node_is_mirror_sync_critical"));
        e
    })?;
    let n = target(sim, on_node, &a, true)?;
    let name = sim.node_name(n).to_string();
    let json = a.get(&["--formatter"]) == Some("json");
    let banner = if a.quiet || json {
        String::new()
    } else {
        format!("Checking if node {name} is critical for data safety of any classic mirrored queues ...\n")
    };
    if sim.single_node_cluster(n) {
        return Ok(CtlOutput::ok(if json {
            "{\"message\":\"Target node seems to be the only one in a single node cluster, the check does not apply\",\"result\":\"ok\"}".to_string()
        } else {
            format!("{banner}Node {name} seems to be the only one in a single node cluster, the check does not apply")
        }));
    }
    let qs = sim.mirror_sync_critical(n);
    if qs.is_empty() {
        return Ok(CtlOutput::ok(if json {
            "{\"result\":\"ok\"}".to_string()
        } else if a.quiet {
            String::new()
        } else {
            format!("{banner}Node {name} reported no classic mirrored queues without online synchronised mirrors")
        }));
    }
    let output = if json {
        let list: Vec<String> = qs.iter().map(|&q| queue_json(sim, q)).collect();
        format!(
            "{{\"message\":\"Node {name} reported local classic mirrored queues without online synchronised mirrors\",\"queues\":[{}],\"result\":\"error\"}}",
            list.join(",")
        )
    } else if a.quiet {
        String::new()
    } else {
        let lines: Vec<String> = qs
            .iter()
            .map(|&q| {
                format!(
                    "{} would lose its only synchronised replica (master) if node {name} is stopped",
                    sim.queue_name(q)
                )
            })
            .collect();
        format!("{banner}{}", lines.join("\n"))
    };
    Ok(CtlOutput {
        output,
        exit_code: 69,
    })
}
