//! How rabbitmqctl 3.10 prints things: tab-separated tables, pids, usage texts.

use crate::sim::ctl::output::CtlOutput;
use crate::sim::engine::Sim;
use crate::sim::model::{QueueId, QueueState};

/// Columns `list_queues` accepts (3.10 names; `mirror_pids` arrived in 3.11.4).
pub const QUEUE_COLUMNS: &[&str] = &[
    "name",
    "durable",
    "auto_delete",
    "exclusive",
    "arguments",
    "policy",
    "operator_policy",
    "pid",
    "owner_pid",
    "slave_pids",
    "synchronised_slave_pids",
    "messages",
    "messages_ready",
    "messages_unacknowledged",
    "consumers",
    "state",
    "type",
    "node",
];

/// A header row plus rows, tab-separated, as rabbitmqctl's default table formatter prints.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = header.join("\t");
    out.push('\n');
    for r in rows {
        out.push_str(&r.join("\t"));
        out.push('\n');
    }
    out
}

fn pid_list(sim: &Sim, pids: &[crate::sim::model::ProcId]) -> String {
    let v: Vec<String> = pids.iter().map(|&p| sim.pid_string(p)).collect();
    format!("[{}]", v.join(", "))
}

/// One `list_queues` cell.
pub fn queue_column(sim: &Sim, q: QueueId, col: &str) -> String {
    let r = sim.queue(q);
    let master = &sim.procs[r.master.0];
    let mirrored = r.is_mirrored();
    match col {
        "name" => r.name.clone(),
        "durable" => r.durable.to_string(),
        "auto_delete" => r.auto_delete.to_string(),
        "exclusive" => r.exclusive_owner.is_some().to_string(),
        "arguments" => args_text(&r.args),
        "policy" => r.policy.clone().unwrap_or_default(),
        "operator_policy" => r.operator_policy.clone().unwrap_or_default(),
        "pid" => sim.pid_string(r.master),
        "owner_pid" => match r.exclusive_owner {
            Some(c) => format!(
                "<{}.{}.0>",
                sim.node_name(sim.clients[c.0].node),
                4000 + c.0
            ),
            None => String::new(),
        },
        "slave_pids" if mirrored => pid_list(sim, &r.mirrors),
        "synchronised_slave_pids" if mirrored => pid_list(sim, &r.synced),
        "slave_pids" | "synchronised_slave_pids" => String::new(),
        "messages" => master.depth().to_string(),
        "messages_ready" => master.ready.len().to_string(),
        "messages_unacknowledged" => master.unacked.len().to_string(),
        "consumers" => sim
            .consumers
            .iter()
            .filter(|k| k.queue == q)
            .count()
            .to_string(),
        "state" => match r.state {
            QueueState::Running => "running".to_string(),
            QueueState::Syncing => format!("{{syncing,{}}}", r.sync.as_ref().map_or(0, |s| s.sent)),
            QueueState::Down => "down".to_string(),
            QueueState::Stopped => "stopped".to_string(),
        },
        "type" => "classic".to_string(),
        "node" => sim.node_name(sim.proc_node(r.master)).to_string(),
        _ => String::new(),
    }
}

/// One `list_queues` cell of a queue listed as down (`rabbit_queue_type:i_down/3`): the
/// record's own fields, `down` as the state, and nothing for what only a live process knows.
pub fn queue_column_down(sim: &Sim, q: QueueId, col: &str) -> String {
    match col {
        "name" | "durable" | "auto_delete" | "arguments" | "pid" | "type" => {
            queue_column(sim, q, col)
        }
        "state" => "down".to_string(),
        _ => String::new(),
    }
}

/// The error rabbitmqctl prints when it cannot reach a node's Erlang VM.
pub fn unreachable(node: &str) -> CtlOutput {
    CtlOutput::error(format!(
        "unable to perform an operation on node '{node}'. Please see diagnostics information and suggestions below.\n\nMost common reasons for this are:\n\n * Target node is unreachable (e.g. due to hostname resolution, TCP connection or firewall issues)\n * CLI tool fails to authenticate with the server (e.g. due to CLI tool's Erlang cookie not matching that of the server)\n * Target node is not running\n\nDIAGNOSTICS\n===========\n\nattempted to contact: ['{node}']"
    ))
}

pub fn usage(cmd: &str) -> String {
    let args = match cmd {
        "set_policy" => "set_policy [--vhost <vhost>] [--priority <priority>] [--apply-to <apply-to>] <name> <pattern> <definition>",
        "set_operator_policy" => "set_operator_policy [--vhost <vhost>] [--priority <priority>] [--apply-to <apply-to>] <name> <pattern> <definition>",
        "clear_policy" => "clear_policy [--vhost <vhost>] <name>",
        "clear_operator_policy" => "clear_operator_policy [--vhost <vhost>] <name>",
        "list_policies" => "list_policies [--vhost <vhost>] [--no-table-headers] [--timeout <timeout>]",
        "list_operator_policies" => "list_operator_policies [--vhost <vhost>] [--no-table-headers] [--timeout <timeout>]",
        "sync_queue" => "sync_queue [--vhost <vhost>] <queue>",
        "delete_queue" => "delete_queue <queue_name> [--if-empty|-e] [--if-unused|-u] [--timeout <timeout>]",
        "cancel_sync_queue" => "cancel_sync_queue [--vhost <vhost>] <queue>",
        "forget_cluster_node" => "forget_cluster_node [--offline] <existing_cluster_member_node>",
        "join_cluster" => "join_cluster [--disc|--ram] <existing_cluster_member>",
        "list_queues" => "list_queues [--vhost <vhost>] [--online] [--offline] [--local] [--no-table-headers] [<column>, ...] [--timeout <timeout>]",
        "cluster_status" => "cluster_status [--timeout <timeout>]",
        "reset" => "reset",
        "force_reset" => "force_reset",
        "list_exchanges" => "list_exchanges [--vhost <vhost>] [--no-table-headers] [<column> ...] [--timeout <timeout>]",
        "list_bindings" => "list_bindings [--vhost <vhost>] [--no-table-headers] [<column> ...] [--timeout <timeout>]",
        "add_vhost" => "add_vhost <vhost> [--description <description> --tags \"<tag1>,<tag2>,<...>\" --default-queue-type <quorum|classic|stream>]",
        "delete_vhost" => "delete_vhost <vhost>",
        "list_vhosts" => "list_vhosts [--no-table-headers] [<column> ...] [--timeout <timeout>]",
        "set_permissions" => "set_permissions [--vhost <vhost>] <username> <conf> <write> <read>",
        "list_permissions" => "list_permissions [--vhost <vhost>] [--no-table-headers] [--timeout <timeout>]",
        "clear_permissions" => "clear_permissions [--vhost <vhost>] <username>",
        "list_user_permissions" => "list_user_permissions [--no-table-headers] <username> [--timeout <timeout>]",
        other => other,
    };
    format!("\nUsage\n\nrabbitmqctl [--node <node>] [--longnames] [--quiet] {args}")
}

/// The commands the simulator knows, for `help` and suggestions.
const COMMANDS: &[&str] = &[
    "add_vhost",
    "cancel_sync_queue",
    "clear_operator_policy",
    "clear_permissions",
    "clear_policy",
    "cluster_status",
    "delete_queue",
    "delete_vhost",
    "eval",
    "force_boot",
    "forget_cluster_node",
    "force_reset",
    "join_cluster",
    "list_bindings",
    "list_channels",
    "list_connections",
    "list_consumers",
    "list_exchanges",
    "list_operator_policies",
    "list_permissions",
    "list_policies",
    "list_queues",
    "list_user_permissions",
    "list_vhosts",
    "purge_queue",
    "reset",
    "set_operator_policy",
    "set_permissions",
    "set_policy",
    "start_app",
    "stop",
    "stop_app",
    "sync_queue",
];

pub fn general_usage() -> String {
    format!(
        "\nUsage\n\nrabbitmqctl [--node <node>] [--timeout <timeout>] [--longnames] [--quiet] <command> [<command options>]\n\nCommands supported by the simulator:\n    {}",
        COMMANDS.join("\n    ")
    )
}

/// `Did you mean …?` by edit distance, as rabbitmqctl does.
pub fn suggest(cmd: &str) -> String {
    let best = COMMANDS
        .iter()
        .min_by_key(|c| distance(c, cmd))
        .copied()
        .unwrap_or("help");
    if distance(best, cmd) <= 3 {
        format!("Did you mean '{best}'?")
    } else {
        "Use 'rabbitmqctl help' to list the commands.".to_string()
    }
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// `cluster_status` as 3.10 prints it (the sections a simulated cluster has).
pub fn cluster_status(sim: &Sim, n: usize) -> String {
    let me = sim.node_name(n);
    let mut out = format!(
        "Cluster status of node {me} ...\nBasics\n\nCluster name: {}\n\nDisk Nodes\n\n",
        sim.node_name(0)
    );
    for m in sim.cluster.members() {
        out.push_str(sim.node_name(m));
        out.push('\n');
    }
    out.push_str("\nRunning Nodes\n\n");
    let visible: Vec<usize> = sim
        .running_nodes()
        .into_iter()
        .filter(|&x| sim.same_side(n, x))
        .collect();
    for &x in &visible {
        out.push_str(sim.node_name(x));
        out.push('\n');
    }
    out.push_str("\nVersions\n\n");
    for &x in &visible {
        out.push_str(&format!(
            "{}: RabbitMQ 3.10.8 on Erlang 25.2.3\n",
            sim.node_name(x)
        ));
    }
    out.push_str("\nMaintenance status\n\n");
    for &x in &visible {
        let status = if sim.is_drained(x) {
            "marked for maintenance"
        } else {
            "not under maintenance"
        };
        out.push_str(&format!("Node: {}, status: {status}\n", sim.node_name(x)));
    }
    out.push_str("\nAlarms\n\n(none)\n\nNetwork Partitions\n\n");
    let parts = sim.partition_report(n);
    if parts.is_empty() {
        out.push_str("(none)\n");
    } else {
        out.push_str(&parts);
    }
    out.push_str("\nListeners\n\n");
    for &x in &visible {
        out.push_str(&format!(
            "Node: {}, interface: [::], port: 5672, protocol: amqp, purpose: AMQP 0-9-1 and AMQP 1.0\n",
            sim.node_name(x)
        ));
    }
    out.push_str(&format!("\nFeature flags\n\nFlag: classic_mirrored_queue_version, state: enabled\nFlag: maintenance_mode_status, state: enabled\nFlag: quorum_queue, state: enabled\n\nPartition handling: {}", sim.settings(n).partition_handling.as_str()));
    out
}

/// A queue's or exchange's `arguments` as `list_queues` / `list_exchanges` print them:
/// `[{"x-message-ttl",5000},{"x-dead-letter-exchange",[]}]`, with no space between the tuples and
/// an empty string as `[]` (the CLI prints an empty binary as the empty list; seen on 3.10.8).
pub fn args_text(args: &[(String, crate::erl::json::Json)]) -> String {
    let v: Vec<String> = args
        .iter()
        .map(|(k, v)| {
            let value = match v {
                crate::erl::json::Json::Str(s) if s.is_empty() => "[]".to_string(),
                v => v.to_json_string(),
            };
            format!("{{\"{k}\",{value}}}")
        })
        .collect();
    format!("[{}]", v.join(","))
}
