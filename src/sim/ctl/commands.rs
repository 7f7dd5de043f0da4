//! Each rabbitmqctl command: argument checking, the call into the simulator, the output.

use crate::sim::ctl::args::{arity, parse_args, target, with_banner};
use crate::sim::ctl::block::Redirect;
use crate::sim::ctl::files;
use crate::sim::ctl::format;
use crate::sim::ctl::output::{ArgError, CtlOutput, Refusal};
use crate::sim::engine::Sim;
use crate::sim::policy::definition::PolicyKind;
use crate::sim::policy::validate;
use crate::sim::queues::DeleteRefusal;
use crate::sim::sync::SyncError;

/// Runs a command already split into words (`rabbitmqctl …`, `systemctl …`).
pub fn run_words(sim: &mut Sim, on_node: usize, words: &[String]) -> CtlOutput {
    match words.first().map(String::as_str) {
        Some("rabbitmqctl") => rabbitmqctl(sim, on_node, &words[1..]),
        Some("systemctl") | Some("service") => systemctl(sim, on_node, words),
        Some("sudo") => run_words(sim, on_node, &words[1..]),
        Some("curl") => crate::sim::ctl::curl::curl(sim, on_node, words),
        Some("rabbitmq-queues") => crate::sim::ctl::queues_cmd::run(sim, on_node, &words[1..]),
        Some("rabbitmq-upgrade") => crate::sim::ctl::upgrade::run(sim, on_node, &words[1..]),
        Some("pkill" | "killall" | "kill") => crate::sim::ctl::process::signal(sim, on_node, words),
        Some("echo") => files::echo(words),
        Some("cat") => files::cat(sim, on_node, words),
        Some(other) => CtlOutput {
            output: format!("bash: {other}: command not found"),
            exit_code: 127,
        },
        None => CtlOutput::ok(""),
    }
}

/// Runs a command with its output sent to `redirect`'s file instead of the screen.
pub fn run_redirected(
    sim: &mut Sim,
    on_node: usize,
    words: &[String],
    redirect: &Redirect,
) -> CtlOutput {
    if let Err(refused) = files::check_target(redirect) {
        return refused;
    }
    if words.first().map(String::as_str) == Some("echo") {
        return files::write_output(sim, on_node, &files::echo_text(words), 0, redirect);
    }
    let o = run_words(sim, on_node, words);
    let mut text = o.output;
    if !text.is_empty() {
        text.push('\n');
    }
    files::write_output(sim, on_node, &text, o.exit_code, redirect)
}

fn systemctl(sim: &mut Sim, on_node: usize, words: &[String]) -> CtlOutput {
    // `systemctl VERB rabbitmq-server` or `service rabbitmq-server VERB`.
    let (verb, unit) = if words[0] == "service" {
        (
            words.get(2).map(String::as_str),
            words.get(1).map(String::as_str),
        )
    } else {
        (
            words.get(1).map(String::as_str),
            words.get(2).map(String::as_str),
        )
    };
    let unit = unit.map(|u| u.trim_end_matches(".service"));
    if unit != Some("rabbitmq-server") {
        return CtlOutput {
            output: format!(
                "Failed to {} {}: Unit not found.",
                verb.unwrap_or(""),
                unit.unwrap_or("")
            ),
            exit_code: 5,
        };
    }
    let n = on_node;
    match verb {
        Some("stop") => {
            let _ = sim.stop_node_and_wait(n, true);
            CtlOutput::ok("")
        }
        Some("start") => {
            if !sim.node_running(n) {
                if let Err(e) = sim.start_node_and_wait(n) {
                    return CtlOutput {
                        output: format!("Job for rabbitmq-server.service failed: {e}"),
                        exit_code: 1,
                    };
                }
            }
            CtlOutput::ok("")
        }
        Some("restart") => {
            let _ = sim.stop_node_and_wait(n, true);
            match sim.start_node_and_wait(n) {
                Ok(()) => CtlOutput::ok(""),
                Err(e) => CtlOutput {
                    output: format!("Job for rabbitmq-server.service failed: {e}"),
                    exit_code: 1,
                },
            }
        }
        Some("status") => {
            let active = if sim.node_running(n) {
                "active (running)"
            } else {
                "inactive (dead)"
            };
            CtlOutput {
                output: format!(
                    "● rabbitmq-server.service - RabbitMQ broker\n     Active: {active}"
                ),
                exit_code: if sim.node_running(n) { 0 } else { 3 },
            }
        }
        other => CtlOutput::usage(format!("Unknown command verb {}.", other.unwrap_or(""))),
    }
}

fn rabbitmqctl(sim: &mut Sim, on_node: usize, words: &[String]) -> CtlOutput {
    // Global options may precede the command name.
    let mut i = 0;
    let mut pre = Vec::new();
    while i < words.len() && words[i].starts_with('-') {
        pre.push(words[i].clone());
        if matches!(words[i].as_str(), "-n" | "--node" | "-t" | "--timeout") && i + 1 < words.len()
        {
            pre.push(words[i + 1].clone());
            i += 1;
        }
        i += 1;
    }
    let Some(cmd) = words.get(i) else {
        return CtlOutput::usage(format::general_usage());
    };
    let mut rest = pre;
    rest.extend(words[i + 1..].iter().cloned());
    let res = match cmd.as_str() {
        "set_policy" => set_policy(sim, on_node, &rest, PolicyKind::User, cmd),
        "set_operator_policy" => set_policy(sim, on_node, &rest, PolicyKind::Operator, cmd),
        "clear_policy" => clear_policy(sim, on_node, &rest, PolicyKind::User, cmd),
        "clear_operator_policy" => clear_policy(sim, on_node, &rest, PolicyKind::Operator, cmd),
        "list_policies" => list_policies(sim, on_node, &rest, PolicyKind::User, cmd),
        "list_operator_policies" => list_policies(sim, on_node, &rest, PolicyKind::Operator, cmd),
        "list_queues" => list_queues(sim, on_node, &rest),
        "list_exchanges" => crate::sim::ctl::exchanges::list_exchanges(sim, on_node, &rest),
        "list_bindings" => crate::sim::ctl::exchanges::list_bindings(sim, on_node, &rest),
        "cluster_status" => cluster_status(sim, on_node, &rest),
        "stop_app" => node_op(sim, on_node, &rest, "stop_app"),
        "forget_cluster_node" => crate::sim::ctl::membership::forget_cluster_node(sim, on_node, &rest),
        "reset" | "force_reset" => crate::sim::ctl::membership::reset(sim, on_node, &rest, cmd),
        "join_cluster" => crate::sim::ctl::membership::join_cluster(sim, on_node, &rest),
        "start_app" => node_op(sim, on_node, &rest, "start_app"),
        "stop" | "shutdown" => node_op(sim, on_node, &rest, "stop"),
        "add_vhost" => crate::sim::ctl::vhosts::add_vhost(sim, on_node, &rest),
        "list_vhosts" => crate::sim::ctl::vhosts::list_vhosts(sim, on_node, &rest),
        "delete_vhost" => crate::sim::ctl::vhosts::delete_vhost(sim, on_node, &rest),
        "set_permissions" => crate::sim::ctl::vhosts::set_permissions(sim, on_node, &rest),
        "list_permissions" => crate::sim::ctl::vhosts::list_permissions(sim, on_node, &rest),
        "clear_permissions" => crate::sim::ctl::vhosts::clear_permissions(sim, on_node, &rest),
        "list_user_permissions" => {
            crate::sim::ctl::vhosts::list_user_permissions(sim, on_node, &rest)
        }
        "sync_queue" => sync_queue(sim, on_node, &rest, false),
        "delete_queue" => delete_queue(sim, on_node, &rest),
        "purge_queue" => crate::sim::ctl::listing::purge_queue(sim, on_node, &rest),
        "list_consumers" => crate::sim::ctl::listing::list_consumers(sim, on_node, &rest),
        "list_connections" => crate::sim::ctl::listing::list_connections(sim, on_node, &rest),
        "list_channels" => crate::sim::ctl::listing::list_channels(sim, on_node, &rest),
        "force_boot" => crate::sim::ctl::listing::force_boot(sim, on_node, &rest),
        "cancel_sync_queue" => sync_queue(sim, on_node, &rest, true),
        "eval" => Ok(CtlOutput {
            output: "Error:\n`rabbitmqctl eval` runs Erlang code inside the broker, which the simulator does not have. Use list_queues (name pid slave_pids synchronised_slave_pids …) to see the same queue records.".to_string(),
            exit_code: 69,
        }),
        "help" | "--help" | "-h" => Ok(CtlOutput::ok(format::general_usage())),
        "version" | "--version" => Ok(CtlOutput::ok("3.10.8")),
        other => Ok(CtlOutput::usage(format!(
            "\nCommand '{other}' not found. \n{}",
            format::suggest(other)
        ))),
    };
    match res {
        Ok(o) | Err(Refusal::Answer(o)) => o,
        Err(Refusal::Args(e)) => e.answer(|| format::usage(cmd), words),
    }
}

fn set_policy(
    sim: &mut Sim,
    on_node: usize,
    words: &[String],
    kind: PolicyKind,
    cmd: &str,
) -> Result<CtlOutput, Refusal> {
    let a = parse_args(words, &["-p", "--vhost", "--priority", "--apply-to"], &[])?;
    arity(cmd, &a, 3, 3)?;
    let priority = a.get(&["--priority"]).unwrap_or("0");
    if let Err(line) = validate::parse_priority_switch(priority) {
        let given = format!("{cmd} {}", words.join(" "));
        return Err(CtlOutput::usage(validate::invalid_options_text(kind, &[line], &given)).into());
    }
    let vhost = a.get(&["-p", "--vhost"]).unwrap_or("/").to_string();
    let apply_to = a.get(&["--apply-to"]).unwrap_or("all");
    let n = target(sim, on_node, &a, true)?;
    let _ = n;
    let (name, pattern, def) = (&a.pos[0], &a.pos[1], &a.pos[2]);
    let banner = if kind == PolicyKind::User {
        format!("Setting policy \"{name}\" for pattern \"{pattern}\" to \"{def}\" with priority \"{priority}\" for vhost \"{vhost}\" ...")
    } else {
        format!("Setting operator policy override \"{name}\" for pattern \"{pattern}\" to \"{def}\" with priority \"{priority}\" for vhost \"{vhost}\" ...")
    };
    let banner = if a.quiet { String::new() } else { banner };
    if !sim.vhosts.contains(&vhost) {
        return Err(with_banner(&banner, crate::sim::ctl::vhosts::no_vhost(&vhost)).into());
    }
    match validate::parse_set(kind, name, pattern, def, priority, apply_to) {
        Ok(spec) => {
            sim.set_policy(&vhost, kind, spec);
            Ok(CtlOutput::ok(banner))
        }
        Err(text) => Err(with_banner(&banner, CtlOutput::error(text)).into()),
    }
}

fn clear_policy(
    sim: &mut Sim,
    on_node: usize,
    words: &[String],
    kind: PolicyKind,
    cmd: &str,
) -> Result<CtlOutput, Refusal> {
    let a = parse_args(words, &["-p", "--vhost"], &[])?;
    arity(cmd, &a, 1, 1)?;
    target(sim, on_node, &a, true)?;
    let vhost = a.get(&["-p", "--vhost"]).unwrap_or("/").to_string();
    let name = &a.pos[0];
    let banner = if a.quiet {
        String::new()
    } else if kind == PolicyKind::User {
        format!("Clearing policy \"{name}\" on vhost \"{vhost}\" ...")
    } else {
        format!("Clearing operator policy \"{name}\" on vhost \"{vhost}\" ...")
    };
    if sim.clear_policy(&vhost, kind, name) {
        Ok(CtlOutput::ok(banner))
    } else {
        Err(with_banner(&banner, CtlOutput::error("Parameter does not exist")).into())
    }
}

fn list_policies(
    sim: &mut Sim,
    on_node: usize,
    words: &[String],
    kind: PolicyKind,
    cmd: &str,
) -> Result<CtlOutput, Refusal> {
    let a = parse_args(words, &["-p", "--vhost"], &[])?;
    arity(cmd, &a, 0, 0)?;
    target(sim, on_node, &a, true)?;
    let vhost = a.get(&["-p", "--vhost"]).unwrap_or("/").to_string();
    let mut out = String::new();
    if !a.quiet {
        if kind == PolicyKind::User {
            out.push_str(&format!("Listing policies for vhost \"{vhost}\" ...\n"));
        } else {
            out.push_str(&format!(
                "Listing operator policy overrides for vhost \"{vhost}\" ...\n"
            ));
        }
    }
    if !sim.vhosts.contains(&vhost) {
        let missing = crate::sim::ctl::vhosts::no_vhost(&vhost);
        return Err(with_banner(out.trim_end_matches('\n'), missing).into());
    }
    let rows: Vec<Vec<String>> = sim
        .policies
        .list(&vhost, kind)
        .iter()
        .map(|p| {
            vec![
                p.vhost.clone(),
                p.spec.name.clone(),
                p.spec.pattern.source().to_string(),
                p.spec.apply_to.as_str().to_string(),
                p.spec.definition.to_json_string(),
                p.spec.priority.to_string(),
            ]
        })
        .collect();
    if !rows.is_empty() {
        out.push_str(&format::table(
            &[
                "vhost",
                "name",
                "pattern",
                "apply-to",
                "definition",
                "priority",
            ],
            &rows,
        ));
    }
    Ok(CtlOutput::ok(out.trim_end_matches('\n')))
}

fn list_queues(sim: &mut Sim, on_node: usize, words: &[String]) -> Result<CtlOutput, Refusal> {
    let a = parse_args(
        words,
        &["-p", "--vhost"],
        &["--online", "--offline", "--local", "--no-table-headers"],
    )?;
    let n = target(sim, on_node, &a, true)?;
    let vhost = a.get(&["-p", "--vhost"]).unwrap_or("/").to_string();
    let mut cols: Vec<String> = a.pos.clone();
    if cols.is_empty() {
        cols = vec!["name".into(), "messages".into()];
    }
    for c in &cols {
        if !format::QUEUE_COLUMNS.contains(&c.as_str()) {
            return Err(ArgError::new(format!(
                "Error (argument validation): Info key(s) {c} are not supported"
            ))
            .into());
        }
    }
    let mut out = String::new();
    if !a.quiet {
        out.push_str(&format!(
            "Timeout: 60.0 seconds ...\nListing queues for vhost {vhost} ...\n"
        ));
    }
    // Both unless one is asked for; `--local` asks the target node alone, not the down list.
    let (online, offline) = match (a.get(&["--online"]), a.get(&["--offline"])) {
        (None, None) => (true, true),
        (on, off) => (on.is_some(), off.is_some()),
    };
    let local = a.get(&["--local"]).is_some();
    let records: Vec<crate::sim::model::QueueId> = sim
        .queues
        .iter()
        .enumerate()
        .filter(|(_, q)| !q.deleted && q.vhost == vhost)
        .map(|(i, _)| crate::sim::model::QueueId(i))
        .filter(|&q| sim.visible_from(q, n))
        .collect();
    // The CLI streams `emit_info_down` (durable queues out of rabbit_queue) before the
    // running nodes' queues. Seen on 3.10.8: a record whose master is down and was not
    // promoted, kept in rabbit_queue, is in neither list.
    let down = records
        .iter()
        .filter(|&&q| offline && !local && sim.listed_down(q))
        .map(|&q| {
            cols.iter()
                .map(|c| format::queue_column_down(sim, q, c))
                .collect()
        });
    let up = records
        .iter()
        .filter(|&&q| (online || local) && sim.queue_available(q))
        .map(|&q| {
            cols.iter()
                .map(|c| format::queue_column(sim, q, c))
                .collect()
        });
    let rows: Vec<Vec<String>> = down.chain(up).collect();
    let col_refs: Vec<&str> = cols.iter().map(String::as_str).collect();
    if a.get(&["--no-table-headers"]).is_some() {
        for r in &rows {
            out.push_str(&r.join("\t"));
            out.push('\n');
        }
    } else if !rows.is_empty() {
        // The CLI's table prints no header row when nothing is listed (seen on 3.10.8).
        out.push_str(&format::table(&col_refs, &rows));
    }
    Ok(CtlOutput::ok(out.trim_end_matches('\n')))
}

fn cluster_status(sim: &mut Sim, on_node: usize, words: &[String]) -> Result<CtlOutput, Refusal> {
    let a = parse_args(words, &[], &[])?;
    arity("cluster_status", &a, 0, 0)?;
    let n = target(sim, on_node, &a, true)?;
    Ok(CtlOutput::ok(format::cluster_status(sim, n)))
}

fn node_op(
    sim: &mut Sim,
    on_node: usize,
    words: &[String],
    op: &str,
) -> Result<CtlOutput, Refusal> {
    let a = parse_args(words, &[], &[])?;
    arity(op, &a, 0, 0)?;
    let n = target(sim, on_node, &a, false)?;
    let name = sim.node_name(n).to_string();
    match op {
        "stop_app" => {
            let _ = sim.stop_node_and_wait(n, false);
            Ok(CtlOutput::ok(format!(
                "Stopping rabbit application on node {name} ..."
            )))
        }
        "start_app" => {
            if sim.cluster.nodes[n].membership == crate::sim::cluster::Membership::Forgotten {
                return Err(crate::sim::ctl::membership::inconsistent_start(sim, n).into());
            }
            if !sim.node_running(n) {
                if let Err(e) = sim.start_node_and_wait(n) {
                    return Err(CtlOutput::error(e).into());
                }
            }
            Ok(CtlOutput::ok(format!("Starting node {name} ...")))
        }
        _ => {
            let _ = sim.stop_node_and_wait(n, true);
            Ok(CtlOutput::ok(format!(
                "Stopping and halting node {name} ..."
            )))
        }
    }
}

/// `delete_queue <queue_name> [--if-empty|-e] [--if-unused|-u]`: 3.10.8's texts and exit
/// codes (a refusal is exit 64). A queue whose master is dead waits for a live mirror's
/// promotion (`wait_for_promoted_or_stopped` looks every 100 ms); with no live process left the
/// record is force-deleted.
fn delete_queue(sim: &mut Sim, on_node: usize, words: &[String]) -> Result<CtlOutput, Refusal> {
    let a = parse_args(
        words,
        &["-p", "--vhost"],
        &["--if-empty", "-e", "--if-unused", "-u"],
    )?;
    arity("delete_queue", &a, 1, 1)?;
    let name = a.pos[0].clone();
    if name.is_empty() {
        return Err(ArgError::bad_argument("queue name cannot be an empty string").into());
    }
    let n = target(sim, on_node, &a, true)?;
    let vhost = a.get(&["-p", "--vhost"]).unwrap_or("/").to_string();
    let if_empty = a.get(&["--if-empty", "-e"]).is_some();
    let if_unused = a.get(&["--if-unused", "-u"]).is_some();
    let mut conditions = Vec::new();
    if if_empty {
        conditions.push("if queue is empty ");
    }
    if if_unused {
        conditions.push("if queue is unused ");
    }
    let banner = if a.quiet {
        String::new()
    } else {
        format!(
            "Deleting queue '{name}' on vhost '{vhost}' {}...",
            conditions.join("and ")
        )
    };
    let refused = |text: &str| -> Refusal {
        with_banner(
            &banner,
            CtlOutput {
                output: format!("Error:\n{text}"),
                exit_code: 64,
            },
        )
        .into()
    };
    let Some(q) = sim.find_queue_from(n, &vhost, &name) else {
        return Err(refused("Queue not found"));
    };
    if sim.delete_must_wait(q) {
        sim.run_until(crate::sim::engine::RESTART_WAIT_LIMIT, |s| {
            s.queue(q).deleted || !s.delete_must_wait(q)
        });
    }
    let deleted = |ready: usize| {
        with_banner(
            &banner,
            CtlOutput::ok(format!(
                "Queue was successfully deleted with {ready} ready messages"
            )),
        )
    };
    if sim.queue(q).deleted {
        // wait_for_promoted_or_stopped: `{error, not_found}` is taken as already deleted.
        return Ok(deleted(0));
    }
    match sim.delete_queue_checked(q, if_unused, if_empty) {
        None => Err(refused("Queue not found")),
        Some(Err(DeleteRefusal::NotEmpty)) => Err(refused("Queue is not empty")),
        Some(Err(DeleteRefusal::InUse)) => Err(refused("Queue is in use")),
        Some(Ok(ready)) => Ok(deleted(ready)),
    }
}

fn sync_queue(
    sim: &mut Sim,
    on_node: usize,
    words: &[String],
    cancel: bool,
) -> Result<CtlOutput, Refusal> {
    let cmd = if cancel {
        "cancel_sync_queue"
    } else {
        "sync_queue"
    };
    let a = parse_args(words, &["-p", "--vhost"], &[])?;
    arity(cmd, &a, 1, 1)?;
    let n = target(sim, on_node, &a, true)?;
    let vhost = a.get(&["-p", "--vhost"]).unwrap_or("/").to_string();
    let name = a.pos[0].clone();
    let banner = if cancel {
        format!("Stopping synchronising queue '{name}' in vhost '{vhost}' ...")
    } else {
        format!("Synchronising queue '{name}' in vhost '{vhost}' ...")
    };
    let Some(q) = sim
        .find_queue_from(n, &vhost, &name)
        .filter(|&q| sim.queue_available(q))
    else {
        return Err(with_banner(&banner, CtlOutput::error("not_found")).into());
    };
    if cancel {
        sim.cancel_sync(q);
        return Ok(CtlOutput::ok(banner));
    }
    match sim.start_sync(q) {
        Err(SyncError::NotMirrored) => {
            Err(with_banner(&banner, CtlOutput::error("not_mirrored")).into())
        }
        Err(SyncError::NotFound) => Err(with_banner(&banner, CtlOutput::error("not_found")).into()),
        Ok(_) => {
            // sync_queue is a call with an infinite timeout: it returns when the sync is over.
            sim.run_until(crate::sim::time::Micros::from_secs(3600), |s| {
                s.queue(q).sync.is_none()
            });
            Ok(CtlOutput::ok(banner))
        }
    }
}
