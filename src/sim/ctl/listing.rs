//! `rabbitmqctl list_consumers`, `list_connections`, `list_channels`, `purge_queue` and
//! `force_boot` as 3.10.8 answers them.
//!
//! The simulator's client is one AMQP connection with one channel (number 1). What the
//! simulator does not model is filled in the way a local client of a default install shows it:
//! user `guest`, peer `127.0.0.1`, port 5672. The pids follow `list_queues owner_pid`'s
//! convention (the connection), the channel's beside it. With no row the CLI prints no header.

use crate::sim::ctl::args::{arity, parse_args, target, with_banner, Args};
use crate::sim::ctl::output::{ArgError, CtlOutput, Refusal};
use crate::sim::engine::Sim;
use crate::sim::model::{ClientId, QueueId};

const CONSUMER_KEYS: &[&str] = &[
    "queue_name",
    "channel_pid",
    "consumer_tag",
    "ack_required",
    "prefetch_count",
    "active",
    "activity_status",
    "arguments",
];
const CONNECTION_KEYS: &[&str] = &[
    "pid",
    "name",
    "port",
    "host",
    "peer_port",
    "peer_host",
    "ssl",
    "state",
    "channels",
    "protocol",
    "auth_mechanism",
    "user",
    "vhost",
    "timeout",
    "frame_max",
    "channel_max",
];
const CHANNEL_KEYS: &[&str] = &[
    "pid",
    "connection",
    "name",
    "number",
    "user",
    "vhost",
    "transactional",
    "confirm",
    "consumer_count",
    "messages_unacknowledged",
    "messages_uncommitted",
    "acks_uncommitted",
    "messages_unconfirmed",
    "prefetch_count",
    "global_prefetch_count",
];

fn usage(cmd: &str) -> String {
    let args = match cmd {
        "list_consumers" => "list_consumers [--vhost <vhost>] [--no-table-headers] [<column> ...] [--timeout <timeout>]",
        "list_connections" => "list_connections [--no-table-headers] [<column> ...] [--timeout <timeout>]",
        "list_channels" => "list_channels [--no-table-headers] [<column> ...] [--timeout <timeout>]",
        "purge_queue" => "purge_queue <queue>",
        other => other,
    };
    format!("\nUsage\n\nrabbitmqctl [--node <node>] [--longnames] [--quiet] {args}")
}

/// The usage error a command of this file gives, with its own usage.
fn own_usage(cmd: &str, mut e: ArgError) -> ArgError {
    e.usage = Some(usage(cmd));
    e
}

/// A client's connection pid (as `list_queues owner_pid` shows it).
pub fn connection_pid(sim: &Sim, c: ClientId) -> String {
    format!(
        "<{}.{}.0>",
        sim.node_name(sim.clients[c.0].node),
        4000 + c.0
    )
}

fn channel_pid(sim: &Sim, c: ClientId) -> String {
    format!(
        "<{}.{}.0>",
        sim.node_name(sim.clients[c.0].node),
        6000 + c.0
    )
}

fn connection_name(c: ClientId) -> String {
    format!("127.0.0.1:{} -> 127.0.0.1:5672", 50000 + c.0)
}

/// The clients whose connections the target node's cluster lists: open, on a running node
/// the target reaches.
fn listed_clients(sim: &Sim, n: usize) -> Vec<ClientId> {
    (0..sim.clients.len())
        .map(ClientId)
        .filter(|&c| {
            let cl = &sim.clients[c.0];
            cl.connected && sim.node_running(cl.node) && sim.connected(n, cl.node)
        })
        .collect()
}

/// The columns asked for (or the defaults), each checked against `keys`.
fn columns(cmd: &str, a: &Args, keys: &[&str], defaults: &[&str]) -> Result<Vec<String>, Refusal> {
    let cols: Vec<String> = if a.pos.is_empty() {
        defaults.iter().map(|s| s.to_string()).collect()
    } else {
        a.pos
            .iter()
            .flat_map(|p| p.split(',').map(str::trim).map(str::to_string))
            .filter(|p| !p.is_empty())
            .collect()
    };
    let bad: Vec<&str> = cols
        .iter()
        .map(String::as_str)
        .filter(|c| !keys.contains(c))
        .collect();
    if !bad.is_empty() {
        let e = ArgError::new(format!(
            "Error (argument validation): Info key(s) {} are not supported",
            bad.join(",")
        ));
        return Err(own_usage(cmd, e).into());
    }
    Ok(cols)
}

fn listing(banner: String, a: &Args, cols: &[String], rows: Vec<Vec<String>>) -> CtlOutput {
    let mut out = Vec::new();
    if !a.quiet {
        out.push(banner);
    }
    if !rows.is_empty() {
        if a.get(&["--no-table-headers"]).is_none() {
            out.push(cols.join("\t"));
        }
        for r in rows {
            out.push(r.join("\t"));
        }
    }
    CtlOutput::ok(out.join("\n"))
}

/// Messages delivered to the client and not yet acked, over every queue's live master.
fn unacked_of(sim: &Sim, c: ClientId) -> usize {
    sim.queues
        .iter()
        .filter(|r| !r.deleted && sim.procs[r.master.0].alive)
        .map(|r| {
            sim.procs[r.master.0]
                .unacked
                .values()
                .filter(|u| u.client == Some(c))
                .count()
        })
        .sum()
}

fn prefetch_of(sim: &Sim, c: ClientId) -> u32 {
    sim.consumers
        .iter()
        .filter(|k| k.client == c)
        .map(|k| k.prefetch)
        .max()
        .unwrap_or(0)
}

/// `list_consumers [-p VHOST] [COLUMN …]`.
pub fn list_consumers(
    sim: &mut Sim,
    on_node: usize,
    words: &[String],
) -> Result<CtlOutput, Refusal> {
    let a = parse_args(words, &["-p", "--vhost"], &["--no-table-headers"])?;
    let cols = columns(
        "list_consumers",
        &a,
        CONSUMER_KEYS,
        &CONSUMER_KEYS
            .iter()
            .copied()
            .filter(|k| *k != "activity_status")
            .collect::<Vec<_>>(),
    )?;
    let n = target(sim, on_node, &a, true)?;
    let vhost = a.get(&["-p", "--vhost"]).unwrap_or("/").to_string();
    let clients = listed_clients(sim, n);
    let rows = sim
        .consumers
        .iter()
        .filter(|k| clients.contains(&k.client) && sim.queue(k.queue).vhost == vhost)
        .map(|k| {
            cols.iter()
                .map(|col| match col.as_str() {
                    "queue_name" => sim.queue(k.queue).name.clone(),
                    "channel_pid" => channel_pid(sim, k.client),
                    "consumer_tag" => k.tag.clone(),
                    "ack_required" => k.manual_ack.to_string(),
                    "prefetch_count" => k.prefetch.to_string(),
                    "active" => "true".to_string(),
                    "activity_status" => "up".to_string(),
                    _ if k.cancel_on_failover => {
                        "[{\"x-cancel-on-ha-failover\",bool,true}]".to_string()
                    }
                    _ => "[]".to_string(),
                })
                .collect()
        })
        .collect();
    Ok(listing(
        format!("Listing consumers in vhost {vhost} ..."),
        &a,
        &cols,
        rows,
    ))
}

/// `list_connections [COLUMN …]`.
pub fn list_connections(
    sim: &mut Sim,
    on_node: usize,
    words: &[String],
) -> Result<CtlOutput, Refusal> {
    let spec = ClientListing {
        cmd: "list_connections",
        keys: CONNECTION_KEYS,
        defaults: &["user", "peer_host", "peer_port", "state"],
        banner: "Listing connections ...",
    };
    spec.run(sim, on_node, words, |_, _| true, connection_cell)
}

fn connection_cell(sim: &Sim, c: ClientId, col: &str) -> String {
    match col {
        "pid" => connection_pid(sim, c),
        "name" => connection_name(c),
        "port" => "5672".to_string(),
        "host" | "peer_host" => "127.0.0.1".to_string(),
        "peer_port" => (50000 + c.0).to_string(),
        "ssl" => "false".to_string(),
        "state" => "running".to_string(),
        "channels" => u8::from(!sim.clients[c.0].channel_closed).to_string(),
        "protocol" => "{0,9,1}".to_string(),
        "auth_mechanism" => "PLAIN".to_string(),
        "user" => "guest".to_string(),
        "vhost" => client_vhost(sim, c),
        "timeout" => "60".to_string(),
        "frame_max" => "131072".to_string(),
        _ => "2047".to_string(),
    }
}

/// A listing with one row per listed client (a connection, or its channel).
struct ClientListing {
    cmd: &'static str,
    keys: &'static [&'static str],
    defaults: &'static [&'static str],
    banner: &'static str,
}

impl ClientListing {
    fn run(
        &self,
        sim: &mut Sim,
        on_node: usize,
        words: &[String],
        keep: impl Fn(&Sim, ClientId) -> bool,
        cell: impl Fn(&Sim, ClientId, &str) -> String,
    ) -> Result<CtlOutput, Refusal> {
        let a = parse_args(words, &[], &["--no-table-headers"])?;
        let cols = columns(self.cmd, &a, self.keys, self.defaults)?;
        let n = target(sim, on_node, &a, true)?;
        let rows = listed_clients(sim, n)
            .into_iter()
            .filter(|&c| keep(sim, c))
            .map(|c| cols.iter().map(|col| cell(sim, c, col)).collect())
            .collect();
        Ok(listing(self.banner.to_string(), &a, &cols, rows))
    }
}

/// The vhost a client's connection opened: that of its queues and consumers, else `/`.
fn client_vhost(sim: &Sim, c: ClientId) -> String {
    sim.consumers
        .iter()
        .find(|k| k.client == c)
        .map(|k| sim.queue(k.queue).vhost.clone())
        .unwrap_or_else(|| "/".to_string())
}

/// `list_channels [COLUMN …]`.
pub fn list_channels(
    sim: &mut Sim,
    on_node: usize,
    words: &[String],
) -> Result<CtlOutput, Refusal> {
    let spec = ClientListing {
        cmd: "list_channels",
        keys: CHANNEL_KEYS,
        defaults: &["pid", "user", "consumer_count", "messages_unacknowledged"],
        banner: "Listing channels ...",
    };
    spec.run(
        sim,
        on_node,
        words,
        |sim, c| !sim.clients[c.0].channel_closed,
        channel_cell,
    )
}

fn channel_cell(sim: &Sim, c: ClientId, col: &str) -> String {
    let cl = &sim.clients[c.0];
    match col {
        "pid" => channel_pid(sim, c),
        "connection" => connection_pid(sim, c),
        "name" => format!("{} (1)", connection_name(c)),
        "number" => "1".to_string(),
        "user" => "guest".to_string(),
        "vhost" => client_vhost(sim, c),
        "transactional" => cl.tx.to_string(),
        "confirm" => cl.confirm_mode.to_string(),
        "consumer_count" => sim
            .consumers
            .iter()
            .filter(|k| k.client == c)
            .count()
            .to_string(),
        "messages_unacknowledged" => unacked_of(sim, c).to_string(),
        "messages_uncommitted" => cl.tx_buffer.len().to_string(),
        "messages_unconfirmed" => cl.unconfirmed.len().to_string(),
        "prefetch_count" => prefetch_of(sim, c).to_string(),
        _ => "0".to_string(),
    }
}

/// `purge_queue [-p VHOST] <queue>`: the banner alone on success, `not_found` otherwise.
pub fn purge_queue(sim: &mut Sim, on_node: usize, words: &[String]) -> Result<CtlOutput, Refusal> {
    let a = parse_args(words, &["-p", "--vhost"], &[])?;
    arity("purge_queue", &a, 1, 1).map_err(|e| own_usage("purge_queue", e))?;
    let n = target(sim, on_node, &a, true)?;
    let vhost = a.get(&["-p", "--vhost"]).unwrap_or("/").to_string();
    let name = &a.pos[0];
    let banner = if a.quiet {
        String::new()
    } else {
        format!("Purging queue '{name}' in vhost '{vhost}' ...")
    };
    let found: Option<QueueId> = sim
        .find_queue_from(n, &vhost, name)
        .filter(|&q| sim.queue_available(q));
    match found {
        Some(q) => {
            sim.purge_ready(q);
            Ok(CtlOutput::ok(banner))
        }
        None => Err(with_banner(&banner, CtlOutput::error("not_found")).into()),
    }
}

/// `force_boot`: on a node whose app is stopped (or whose VM is down, where the CLI writes the
/// flag file itself), the next boot does not wait for the peers that stopped after it.
pub fn force_boot(sim: &mut Sim, on_node: usize, words: &[String]) -> Result<CtlOutput, Refusal> {
    let a = parse_args(words, &[], &[])?;
    arity("force_boot", &a, 0, 0).map_err(|e| own_usage("force_boot", e))?;
    let n = match &a.node {
        Some(name) => match sim.cluster.resolve(name) {
            Ok(n) => n,
            Err(_) => return Err(crate::sim::ctl::format::unreachable(name).into()),
        },
        None => on_node,
    };
    if sim.node_running(n) {
        let e = ArgError::new("Error: this command requires the 'rabbit' app to be stopped on the target node. Stop it with 'rabbitmqctl stop_app'.");
        return Err(own_usage("force_boot", e).into());
    }
    sim.maintenance.force_next_boot(n);
    Ok(CtlOutput::ok(""))
}
