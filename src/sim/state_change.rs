//! What a trace's state entries say happened, as data: readers (the checker, lineage, the
//! lessons, the stage) ask the variant instead of searching the English, and the English (which
//! reads like RabbitMQ's log lines where one exists, and is part of the trace output) is made
//! from it in one place, the `Display` below.

use std::fmt;

use crate::sim::model::{ClientId, ConfirmOutcome, MsgId};

/// How interesting a state change is (the UI's "jump to next interesting event").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Importance {
    Info,
    /// Failover, promotion, sync, loss: worth jumping to.
    Notable,
}

/// A queue as its log lines name it: `queue 'NAME' in vhost 'VHOST'`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueName {
    pub name: String,
    pub vhost: String,
}

impl QueueName {
    pub fn new(name: &str, vhost: &str) -> QueueName {
        QueueName {
            name: name.to_string(),
            vhost: vhost.to_string(),
        }
    }
}

impl fmt::Display for QueueName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "queue '{}' in vhost '{}'", self.name, self.vhost)
    }
}

/// What a node does about a partial partition, by its `cluster_partition_handling`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PartialAction {
    /// pause_minority: it pauses until the entire cluster recovers.
    Pause,
    /// pause_if_all_down with none of its preferred nodes in reach: it pauses anyway.
    AboutToPause,
    /// The other modes: it disconnects from the node that still sees both.
    Disconnect { from: String },
}

impl fmt::Display for PartialAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartialAction::Pause => {
                f.write_str("pause_minority: it pauses until the entire cluster recovers")
            }
            PartialAction::AboutToPause => f.write_str("it is about to pause: no further action"),
            PartialAction::Disconnect { from } => {
                write!(
                    f,
                    "it disconnects from {from}: a full partition with it alone"
                )
            }
        }
    }
}

/// Why a queue record was deleted (the entries that read `queue … deleted…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeleteCause {
    /// `queue.delete`, or the record going as part of one of the causes below.
    Deleted,
    /// A transient unmirrored or exclusive queue whose node went down.
    NodeWentDown,
    /// Its master's node was forgotten and no stopped mirror node can recover it.
    MasterForgotten { node: String },
    /// The nodes across a partition declared its unmirrored master's node down
    /// (`rabbit_amqqueue:on_node_down`): their side's record goes, the master's side keeps it.
    DeclaredDownAcross { nodes: Vec<String> },
}

/// How an eager sync ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncEnd {
    Complete,
    Cancelled,
}

/// Something that changed state in the simulated cluster.
#[derive(Debug, Clone, PartialEq)]
pub enum StateChange {
    /// A client connection opened (with its channel).
    ClientConnected { client: String, node: String },
    /// A client connection closed, and why.
    ClientDisconnected { client: String, reason: String },
    /// The channel acked or nacked a publish to its client.
    Confirm {
        client: ClientId,
        client_name: String,
        seq: u64,
        outcome: ConfirmOutcome,
    },
    /// A basic.consume reached the master.
    ConsumerRegistered { tag: String, client: String },
    /// A client received basic.cancel for one of its consumers.
    ConsumerCancelled { client: String, tag: String },
    /// A channel error closed a client's channel.
    ChannelError { client: String, error: String },
    /// `max-length` dropped the head of the queue.
    MaxLengthDrop { msg: MsgId },
    /// The user chose to lose a message in flight.
    WireDrop { id: u64 },
    /// A queue was declared.
    QueueDeclared {
        queue: QueueName,
        master: String,
        node: String,
    },
    /// A queue record was deleted.
    QueueDeleted {
        queue: QueueName,
        cause: DeleteCause,
    },
    /// An auto-delete queue lost its last consumer.
    QueueAutoDeleted { queue: QueueName },
    /// A transient queue did not survive its master's node restart.
    TransientQueueGone { queue: QueueName },
    /// A transient mirrored queue whose master's node came back with no mirror promoted: no
    /// node recovers a transient queue, and while an HA policy applies nothing deletes the
    /// record (`on_node_down` spares replicated queues).
    TransientQueueStranded { queue: QueueName, node: String },
    /// A durable queue came back with its master's node.
    QueueRecovered {
        queue: QueueName,
        node: String,
        messages: usize,
    },
    /// No replica is left running and no mirror was promoted.
    QueueDown {
        queue: QueueName,
        master_node: String,
    },
    /// A mirror joined the ring.
    MirrorAdded {
        queue: QueueName,
        node: String,
        pid: String,
    },
    /// A mirror was dropped; `mirroring_stopped` when the policy stopped mirroring altogether.
    MirrorDropped {
        queue: QueueName,
        node: String,
        mirroring_stopped: bool,
    },
    /// The policy moved the master away.
    MasterDropped { queue: QueueName, node: String },
    /// A mirror became synchronised.
    Synchronised { queue: QueueName, node: String },
    /// An eager sync started.
    SyncStarted {
        queue: QueueName,
        messages: u64,
        batch: u32,
        mirrors: Vec<String>,
    },
    /// An eager sync ended.
    SyncFinished { queue: QueueName, end: SyncEnd },
    /// A mirror was promoted to master.
    Promoted { queue: QueueName, pid: String },
    /// `ha-promote-on-failure: when-synced` with no synchronised mirror: they stop instead.
    PromotionRefused { queue: QueueName },
    /// A graceful master shutdown with no synchronised mirror stops the mirrors too.
    MirrorsStopWithMaster { queue: QueueName },
    /// Two policies of equal priority match a queue.
    PolicyTie {
        winner: String,
        others: Vec<String>,
        priority: i64,
        queue: String,
    },
    /// A policy was set.
    PolicySet {
        name: String,
        pattern: String,
        vhost: String,
    },
    /// A policy was cleared.
    PolicyCleared { name: String, vhost: String },
    /// A node is stopping (`rabbitmqctl stop_app`, or pause_minority).
    NodeStopping { node: String },
    /// A node crashed.
    NodeCrashed { node: String },
    /// A node started.
    NodeStarted { node: String },
    /// The boot rule: a node waits for the tables of a node that stopped after it.
    BootWaiting {
        node: String,
        waiting_for: Vec<String>,
    },
    /// A waiting node found a running peer.
    BootFinished { node: String },
    /// A waiting node gave up.
    BootFailed { node: String, peers: Vec<String> },
    /// A network partition began; the node names of each side.
    PartitionRecorded { sides: Vec<Vec<String>> },
    /// One link was cut (`partition node1 - node2`); both still reach the other nodes.
    LinkCut { node: String, peer: String },
    /// `rabbit_node_monitor` found a partial partition: `node` saw `down` go down but `proxy`
    /// still sees it; `action` is what `node`'s mode does about it.
    PartialPartition {
        node: String,
        down: String,
        proxy: String,
        action: PartialAction,
    },
    /// A node declared a peer across a cut down: its own tick timeout (`ticktime_secs`), or
    /// `None` when it disconnected on purpose (a partial partition made full).
    NetTickTimeout {
        node: String,
        peer: String,
        ticktime_secs: Option<u64>,
    },
    /// pause_minority paused a node.
    NodePaused {
        node: String,
        visible: usize,
        total: usize,
    },
    /// A queue's record split in two during a partition.
    SplitBrain {
        queue: QueueName,
        nodes: Vec<String>,
    },
    /// The partition ended.
    NetworkHealed,
    /// pause_if_all_down paused a node: none of its preferred nodes is in reach.
    NodePausedAllDown {
        node: String,
        preferred: Vec<String>,
    },
    /// The autoheal leader decided from the partitions it could see (`make_decision`).
    AutohealDecision {
        leader: String,
        partitions: Vec<Vec<String>>,
        winner: String,
        losers: Vec<String>,
    },
    /// The autoheal leader refused a request (`check_other_nodes`): these members are down.
    AutohealDenied { leader: String, down: Vec<String> },
    /// After a partition, one side's record of a queue was discarded.
    SplitRecordDiscarded { queue: QueueName, side: u8 },
    /// `forget_cluster_node`.
    NodeForgotten { node: String, by: String },
    /// `reset`; `left_cluster` when the node was a member of a cluster with others.
    NodeReset { node: String, left_cluster: bool },
    /// `join_cluster` on a stopped node.
    NodeJoinedStopped { node: String, peer: String },
    /// A forgotten or reset node comes back into the cluster.
    NodeRejoins { node: String },
    /// A fresh node joined the running cluster.
    NodeAdded { node: String },
    /// A queue whose master's node was forgotten waits for a stopped mirror node to recover it.
    MasterForgottenRecoverable {
        queue: QueueName,
        node: String,
        heir: String,
    },
    /// A message left a queue without a consumer: its TTL expired (`expired`), a length limit
    /// dropped or refused it (`maxlen`), or a consumer rejected it (`rejected`); `dead_letters`
    /// are the copies its dead-letter exchange routed (none: discarded).
    MessageRemoved {
        msg: MsgId,
        queue: QueueName,
        reason: &'static str,
        exchange: Option<String>,
        dead_letters: Vec<MsgId>,
    },
    /// `reject-publish`: the master refused a publish over the queue's limit.
    PublishRejected { msg: MsgId, queue: QueueName },
    /// `x-expires`: the queue went unused for that long and was deleted.
    QueueExpired { queue: QueueName, after_ms: u64 },
    /// `rabbitmq-upgrade drain`: the node is marked for maintenance, its listeners suspended,
    /// its client connections closed.
    NodeDrained { node: String, connections: usize },
    /// `rabbitmq-upgrade revive`.
    NodeRevived { node: String },
    /// A queue process was killed while its node runs; `restarted` unless its supervisor
    /// reached its restart limit.
    QueueProcessKilled {
        queue: QueueName,
        node: String,
        master: bool,
        restarted: bool,
    },
}

impl StateChange {
    /// How interesting the change is: the stage jumps to the notable ones.
    pub fn importance(&self) -> Importance {
        use StateChange::*;
        match self {
            ClientConnected { .. }
            | ClientDisconnected { .. }
            | Confirm { .. }
            | ConsumerRegistered { .. }
            | MaxLengthDrop { .. }
            | MessageRemoved { .. }
            | PublishRejected { .. }
            | QueueDeclared { .. }
            | QueueDeleted {
                cause: DeleteCause::Deleted,
                ..
            }
            | MirrorAdded { .. }
            | MirrorDropped { .. } => Importance::Info,
            _ => Importance::Notable,
        }
    }

    /// The client the change is about, by name.
    pub fn client(&self) -> Option<&str> {
        use StateChange::*;
        match self {
            ClientConnected { client, .. }
            | ClientDisconnected { client, .. }
            | Confirm {
                client_name: client,
                ..
            }
            | ConsumerRegistered { client, .. }
            | ConsumerCancelled { client, .. }
            | ChannelError { client, .. } => Some(client),
            _ => None,
        }
    }

    /// The queue the change is about (the checker picks a lost message's cause among them).
    pub fn queue(&self) -> Option<&QueueName> {
        use StateChange::*;
        match self {
            QueueDeclared { queue, .. }
            | QueueDeleted { queue, .. }
            | QueueAutoDeleted { queue }
            | TransientQueueGone { queue }
            | TransientQueueStranded { queue, .. }
            | QueueRecovered { queue, .. }
            | QueueDown { queue, .. }
            | MirrorAdded { queue, .. }
            | MirrorDropped { queue, .. }
            | MasterDropped { queue, .. }
            | Synchronised { queue, .. }
            | SyncStarted { queue, .. }
            | SyncFinished { queue, .. }
            | Promoted { queue, .. }
            | PromotionRefused { queue }
            | MirrorsStopWithMaster { queue }
            | SplitBrain { queue, .. }
            | SplitRecordDiscarded { queue, .. }
            | MasterForgottenRecoverable { queue, .. }
            | MessageRemoved { queue, .. }
            | PublishRejected { queue, .. }
            | QueueExpired { queue, .. }
            | QueueProcessKilled { queue, .. } => Some(queue),
            _ => None,
        }
    }
}

/// Writes `items` joined by `sep`.
fn joined(f: &mut fmt::Formatter<'_>, items: &[String], sep: &str) -> fmt::Result {
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        f.write_str(x)?;
    }
    Ok(())
}

impl fmt::Display for StateChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use StateChange::*;
        match self {
            ClientConnected { client, node } => write!(f, "client {client} connected to {node}"),
            ClientDisconnected { client, reason } => write!(f, "client {client}: {reason}"),
            Confirm {
                client_name,
                seq,
                outcome,
                ..
            } => write!(f, "basic.{outcome} seq={seq} to client {client_name}"),
            ConsumerRegistered { tag, client } => {
                write!(f, "consumer {tag} of client {client} registered on the master")
            }
            ConsumerCancelled { client, tag } => {
                write!(f, "client {client} received basic.cancel for {tag}")
            }
            ChannelError { client, error } => write!(f, "client {client}: channel error {error}"),
            MaxLengthDrop { msg } => {
                write!(f, "max-length: message #{} dropped from the head", msg.0)
            }
            WireDrop { id } => write!(f, "message #{id} will be dropped on the wire (user fault)"),
            QueueDeclared {
                queue,
                master,
                node,
            } => write!(f, "{queue} declared: master {master} on {node}"),
            QueueDeleted { queue, cause } => {
                write!(f, "{queue} deleted")?;
                match cause {
                    DeleteCause::Deleted => Ok(()),
                    DeleteCause::NodeWentDown => f.write_str(": its node went down"),
                    DeleteCause::DeclaredDownAcross { nodes } => {
                        f.write_str(" on ")?;
                        joined(f, nodes, ", ")?;
                        f.write_str(": they declared its unmirrored master's node down")
                    }
                    DeleteCause::MasterForgotten { node } => write!(
                        f,
                        ": its master node {node} was forgotten and no stopped mirror node can recover it"
                    ),
                }
            }
            QueueAutoDeleted { queue } => {
                write!(f, "{queue} auto-deleted: its last consumer went away")
            }
            TransientQueueGone { queue } => write!(
                f,
                "{queue} is gone: a transient queue does not survive its master's node restart"
            ),
            TransientQueueStranded { queue, node } => write!(
                f,
                "{queue} keeps its record with a dead master: {node} is back but recovers no transient queue, and the HA policy keeps the record (every operation on it times out; rabbitmqctl delete_queue removes it)"
            ),
            QueueRecovered {
                queue,
                node,
                messages,
            } => write!(
                f,
                "{queue} recovered on {node} with {messages} persistent messages"
            ),
            QueueDown { queue, master_node } => write!(
                f,
                "{queue} is down: master node {master_node} is not running and no mirror was promoted"
            ),
            MirrorAdded { queue, node, pid } => {
                write!(f, "Mirrored {queue}: Adding mirror on node {node}: {pid}")
            }
            MirrorDropped {
                queue,
                node,
                mirroring_stopped,
            } => {
                write!(f, "Mirrored {queue}: Dropping queue mirror on node {node}")?;
                if *mirroring_stopped {
                    f.write_str(" (mirroring stopped)")?;
                }
                Ok(())
            }
            MasterDropped { queue, node } => write!(
                f,
                "Mirrored {queue}: Dropping queue master on node {node} (policy moves it)"
            ),
            Synchronised { queue, node } => {
                write!(f, "Mirrored {queue}: Synchronised mirror on node {node}")
            }
            SyncStarted {
                queue,
                messages,
                batch,
                mirrors,
            } => {
                write!(
                    f,
                    "Mirrored {queue}: Synchronising: {messages} messages to synchronise; batch size: {batch}; mirrors ["
                )?;
                joined(f, mirrors, ", ")?;
                f.write_str("] to sync")
            }
            SyncFinished { queue, end } => write!(
                f,
                "Mirrored {queue}: Synchronising: {}",
                match end {
                    SyncEnd::Complete => "complete",
                    SyncEnd::Cancelled => "cancelled",
                }
            ),
            Promoted { queue, pid } => {
                write!(f, "Mirrored {queue}: Promoting mirror {pid} to leader")
            }
            PromotionRefused { queue } => write!(
                f,
                "Mirrored {queue}: no synchronised mirror and ha-promote-on-failure is when-synced: mirrors refuse promotion, delete their contents and stop"
            ),
            MirrorsStopWithMaster { queue } => write!(
                f,
                "Mirrored {queue}: Stopping all nodes on master shutdown since no synchronised mirror (replica) is available"
            ),
            PolicyTie {
                winner,
                others,
                priority,
                queue,
            } => {
                write!(f, "policies {winner} and ")?;
                joined(f, others, ", ")?;
                write!(
                    f,
                    " have the same priority {priority} and both match queue '{queue}': RabbitMQ picks one arbitrarily (ETS hash order); the simulator picks '{winner}' (first by name)"
                )
            }
            PolicySet {
                name,
                pattern,
                vhost,
            } => write!(
                f,
                "policy '{name}' set for pattern '{pattern}' in vhost '{vhost}'"
            ),
            PolicyCleared { name, vhost } => {
                write!(f, "policy '{name}' cleared in vhost '{vhost}'")
            }
            NodeStopping { node } => write!(f, "{node} stopping (controlled)"),
            NodeCrashed { node } => write!(f, "{node} crashed"),
            NodeStarted { node } => write!(f, "{node} started"),
            BootWaiting { node, waiting_for } => {
                write!(
                    f,
                    "{node} is booting: Waiting for Mnesia tables for 30000 ms, 9 retries left; it stopped before ["
                )?;
                joined(f, waiting_for, ", ")?;
                f.write_str(
                    "], so it waits for one of them (start the last node to stop first)",
                )
            }
            BootFinished { node } => {
                write!(f, "{node} found a running peer and finishes booting")
            }
            BootFailed { node, peers } => {
                write!(
                    f,
                    "{node} failed to boot: Timeout contacting cluster nodes: ["
                )?;
                joined(f, peers, ",")?;
                f.write_str("]")
            }
            PartitionRecorded { sides } => {
                f.write_str("network partition: ")?;
                for (i, side) in sides.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" | ")?;
                    }
                    joined(f, side, " ")?;
                }
                Ok(())
            }
            NetTickTimeout {
                node,
                peer,
                ticktime_secs: Some(t),
            } => write!(
                f,
                "{node} declares {peer} down: net_tick_timeout (silent past net_ticktime {t}s)"
            ),
            NetTickTimeout {
                node,
                peer,
                ticktime_secs: None,
            } => write!(f, "{node} sees {peer} down: the link was disconnected"),
            NodePaused {
                node,
                visible,
                total,
            } => write!(
                f,
                "{node} pauses itself: it sees {visible} of {total} nodes (pause_minority)"
            ),
            SplitBrain { queue, nodes } => {
                write!(
                    f,
                    "split brain: {queue} now has a separate record on the side of "
                )?;
                joined(f, nodes, ", ")
            }
            NetworkHealed => f.write_str("network healed"),
            AutohealDecision {
                leader,
                partitions,
                winner,
                losers,
            } => {
                let parts: Vec<String> = partitions
                    .iter()
                    .map(|p| format!("[{}]", p.join(", ")))
                    .collect();
                write!(
                    f,
                    "autoheal decision by {leader}: partitions [{}], winner {winner}, losers [{}] restart",
                    parts.join(", "),
                    losers.join(", ")
                )
            }
            LinkCut { node, peer } => write!(
                f,
                "network link cut: {node} - {peer} (both still reach the other nodes)"
            ),
            PartialPartition {
                node,
                down,
                proxy,
                action,
            } => write!(
                f,
                "partial partition detected on {node}: it saw DOWN from {down} but can still see {proxy}, which can see {down}; {action}"
            ),
            NodePausedAllDown { node, preferred } => write!(
                f,
                "{node} pauses itself: none of its preferred nodes [{}] is in reach (pause_if_all_down)",
                preferred.join(", ")
            ),
            AutohealDenied { leader, down } => write!(
                f,
                "autoheal request denied by {leader}: nodes down: {}",
                down.join(", ")
            ),
            SplitRecordDiscarded { queue, side } => write!(
                f,
                "{queue}: the record of side {side} is discarded with its messages"
            ),
            NodeForgotten { node, by } => write!(
                f,
                "Removing node {node} from cluster (forget_cluster_node on {by})"
            ),
            NodeReset {
                node,
                left_cluster: true,
            } => write!(
                f,
                "{node} resets: it leaves the cluster and its data is wiped"
            ),
            NodeReset {
                node,
                left_cluster: false,
            } => write!(f, "{node} resets: its data is wiped"),
            NodeJoinedStopped { node, peer } => write!(
                f,
                "{node} joined the cluster of {peer} (its application is still stopped)"
            ),
            NodeRejoins { node } => write!(f, "{node} rejoins the cluster"),
            NodeAdded { node } => write!(f, "{node} joined the cluster"),
            MasterForgottenRecoverable { queue, node, heir } => write!(
                f,
                "{queue}: its master node {node} was forgotten; {heir} will recover it from its own disk when it starts"
            ),
            MessageRemoved {
                msg,
                queue,
                reason,
                exchange,
                dead_letters,
            } => {
                let what = match *reason {
                    "expired" => "expired",
                    "rejected" => "rejected by its consumer",
                    _ => "over the length limit",
                };
                write!(f, "{queue}: message #{} {what}", msg.0)?;
                match exchange {
                    None => f.write_str(", discarded"),
                    Some(x) if dead_letters.is_empty() => write!(
                        f,
                        ", dead-lettered to exchange '{x}' (routed to no queue)"
                    ),
                    Some(x) => {
                        let ids: Vec<String> =
                            dead_letters.iter().map(|m| format!("#{}", m.0)).collect();
                        write!(f, ", dead-lettered to exchange '{x}' as ")?;
                        joined(f, &ids, ", ")
                    }
                }
            }
            PublishRejected { msg, queue } => write!(
                f,
                "{queue}: publish of message #{} rejected (overflow reject-publish)",
                msg.0
            ),
            QueueExpired { queue, after_ms } => {
                write!(f, "{queue} expired: unused for {after_ms} ms (x-expires), deleted")
            }
            NodeDrained { node, connections } => write!(
                f,
                "{node} is put into maintenance (drain) mode: listeners suspended, closed {connections} local client connections"
            ),
            NodeRevived { node } => write!(
                f,
                "{node} is revived from maintenance (drain) mode: listeners resumed"
            ),
            QueueProcessKilled {
                queue,
                node,
                master,
                restarted,
            } => {
                let role = if *master { "master" } else { "mirror" };
                if *restarted {
                    write!(
                        f,
                        "{queue}: its {role} process on {node} was killed; its supervisor restarts it"
                    )
                } else {
                    write!(
                        f,
                        "{queue}: its {role} process on {node} was killed; its supervisor reached its restart limit (5 in 10 s) and gives up"
                    )
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q() -> QueueName {
        QueueName::new("q7", "/")
    }

    fn s(x: &str) -> String {
        x.to_string()
    }

    /// Each variant's text, spelled out as the trace printed it before the changes were typed.
    #[test]
    fn each_change_reads_as_the_trace_always_printed_it() {
        use StateChange::*;
        let cases: Vec<(StateChange, &str)> = vec![
            (
                ClientConnected { client: s("app"), node: s("rabbit@node1") },
                "client app connected to rabbit@node1",
            ),
            (
                ClientDisconnected { client: s("app"), reason: s("connection closed by client") },
                "client app: connection closed by client",
            ),
            (
                Confirm { client: ClientId(0), client_name: s("app"), seq: 3, outcome: ConfirmOutcome::Nack },
                "basic.nack seq=3 to client app",
            ),
            (
                Confirm { client: ClientId(0), client_name: s("app"), seq: 1, outcome: ConfirmOutcome::Ack },
                "basic.ack seq=1 to client app",
            ),
            (
                ConsumerRegistered { tag: s("ctag1.1"), client: s("app") },
                "consumer ctag1.1 of client app registered on the master",
            ),
            (
                ConsumerCancelled { client: s("app"), tag: s("ctag1.1") },
                "client app received basic.cancel for ctag1.1",
            ),
            (
                ChannelError { client: s("app"), error: s("NOT_FOUND - no queue 'x' in vhost '/'") },
                "client app: channel error NOT_FOUND - no queue 'x' in vhost '/'",
            ),
            (MaxLengthDrop { msg: MsgId(4) }, "max-length: message #4 dropped from the head"),
            (WireDrop { id: 12 }, "message #12 will be dropped on the wire (user fault)"),
            (
                QueueDeclared { queue: q(), master: s("<rabbit@node1.1.2.0>"), node: s("rabbit@node1") },
                "queue 'q7' in vhost '/' declared: master <rabbit@node1.1.2.0> on rabbit@node1",
            ),
            (
                QueueDeleted { queue: q(), cause: DeleteCause::Deleted },
                "queue 'q7' in vhost '/' deleted",
            ),
            (
                QueueDeleted { queue: q(), cause: DeleteCause::NodeWentDown },
                "queue 'q7' in vhost '/' deleted: its node went down",
            ),
            (
                QueueDeleted { queue: q(), cause: DeleteCause::MasterForgotten { node: s("rabbit@node2") } },
                "queue 'q7' in vhost '/' deleted: its master node rabbit@node2 was forgotten and no stopped mirror node can recover it",
            ),
            (
                QueueAutoDeleted { queue: q() },
                "queue 'q7' in vhost '/' auto-deleted: its last consumer went away",
            ),
            (
                TransientQueueGone { queue: q() },
                "queue 'q7' in vhost '/' is gone: a transient queue does not survive its master's node restart",
            ),
            (
                QueueRecovered { queue: q(), node: s("rabbit@node1"), messages: 3 },
                "queue 'q7' in vhost '/' recovered on rabbit@node1 with 3 persistent messages",
            ),
            (
                QueueDown { queue: q(), master_node: s("rabbit@node1") },
                "queue 'q7' in vhost '/' is down: master node rabbit@node1 is not running and no mirror was promoted",
            ),
            (
                MirrorAdded { queue: q(), node: s("rabbit@node2"), pid: s("<rabbit@node2.1.3.0>") },
                "Mirrored queue 'q7' in vhost '/': Adding mirror on node rabbit@node2: <rabbit@node2.1.3.0>",
            ),
            (
                MirrorDropped { queue: q(), node: s("rabbit@node2"), mirroring_stopped: false },
                "Mirrored queue 'q7' in vhost '/': Dropping queue mirror on node rabbit@node2",
            ),
            (
                MirrorDropped { queue: q(), node: s("rabbit@node2"), mirroring_stopped: true },
                "Mirrored queue 'q7' in vhost '/': Dropping queue mirror on node rabbit@node2 (mirroring stopped)",
            ),
            (
                MasterDropped { queue: q(), node: s("rabbit@node1") },
                "Mirrored queue 'q7' in vhost '/': Dropping queue master on node rabbit@node1 (policy moves it)",
            ),
            (
                Synchronised { queue: q(), node: s("rabbit@node3") },
                "Mirrored queue 'q7' in vhost '/': Synchronised mirror on node rabbit@node3",
            ),
            (
                SyncStarted { queue: q(), messages: 5, batch: 4096, mirrors: vec![s("<a>"), s("<b>")] },
                "Mirrored queue 'q7' in vhost '/': Synchronising: 5 messages to synchronise; batch size: 4096; mirrors [<a>, <b>] to sync",
            ),
            (
                SyncFinished { queue: q(), end: SyncEnd::Complete },
                "Mirrored queue 'q7' in vhost '/': Synchronising: complete",
            ),
            (
                SyncFinished { queue: q(), end: SyncEnd::Cancelled },
                "Mirrored queue 'q7' in vhost '/': Synchronising: cancelled",
            ),
            (
                Promoted { queue: q(), pid: s("<rabbit@node2.1.3.0>") },
                "Mirrored queue 'q7' in vhost '/': Promoting mirror <rabbit@node2.1.3.0> to leader",
            ),
            (
                PromotionRefused { queue: q() },
                "Mirrored queue 'q7' in vhost '/': no synchronised mirror and ha-promote-on-failure is when-synced: mirrors refuse promotion, delete their contents and stop",
            ),
            (
                MirrorsStopWithMaster { queue: q() },
                "Mirrored queue 'q7' in vhost '/': Stopping all nodes on master shutdown since no synchronised mirror (replica) is available",
            ),
            (
                PolicyTie { winner: s("a"), others: vec![s("b"), s("c")], priority: 0, queue: s("q7") },
                "policies a and b, c have the same priority 0 and both match queue 'q7': RabbitMQ picks one arbitrarily (ETS hash order); the simulator picks 'a' (first by name)",
            ),
            (
                PolicySet { name: s("ha"), pattern: s("^q"), vhost: s("/") },
                "policy 'ha' set for pattern '^q' in vhost '/'",
            ),
            (
                PolicyCleared { name: s("ha"), vhost: s("/") },
                "policy 'ha' cleared in vhost '/'",
            ),
            (NodeStopping { node: s("rabbit@node1") }, "rabbit@node1 stopping (controlled)"),
            (NodeCrashed { node: s("rabbit@node1") }, "rabbit@node1 crashed"),
            (NodeStarted { node: s("rabbit@node1") }, "rabbit@node1 started"),
            (
                BootWaiting { node: s("rabbit@node1"), waiting_for: vec![s("rabbit@node2"), s("rabbit@node3")] },
                "rabbit@node1 is booting: Waiting for Mnesia tables for 30000 ms, 9 retries left; it stopped before [rabbit@node2, rabbit@node3], so it waits for one of them (start the last node to stop first)",
            ),
            (
                BootFinished { node: s("rabbit@node1") },
                "rabbit@node1 found a running peer and finishes booting",
            ),
            (
                BootFailed { node: s("rabbit@node1"), peers: vec![s("rabbit@node2"), s("rabbit@node3")] },
                "rabbit@node1 failed to boot: Timeout contacting cluster nodes: [rabbit@node2,rabbit@node3]",
            ),
            (
                PartitionRecorded {
                    sides: vec![vec![s("rabbit@node1"), s("rabbit@node2")], vec![s("rabbit@node3")]],
                },
                "network partition: rabbit@node1 rabbit@node2 | rabbit@node3",
            ),
            (
                NetTickTimeout { node: s("rabbit@node1"), peer: s("rabbit@node3"), ticktime_secs: Some(60) },
                "rabbit@node1 declares rabbit@node3 down: net_tick_timeout (silent past net_ticktime 60s)",
            ),
            (
                NodePaused { node: s("rabbit@node3"), visible: 1, total: 3 },
                "rabbit@node3 pauses itself: it sees 1 of 3 nodes (pause_minority)",
            ),
            (
                SplitBrain { queue: q(), nodes: vec![s("rabbit@node2"), s("rabbit@node3")] },
                "split brain: queue 'q7' in vhost '/' now has a separate record on the side of rabbit@node2, rabbit@node3",
            ),
            (NetworkHealed, "network healed"),
            (
                AutohealDecision {
                    leader: s("rabbit@node1"),
                    partitions: vec![vec![s("rabbit@node1"), s("rabbit@node3")], vec![s("rabbit@node2")]],
                    winner: s("rabbit@node1"),
                    losers: vec![s("rabbit@node2")],
                },
                "autoheal decision by rabbit@node1: partitions [[rabbit@node1, rabbit@node3], [rabbit@node2]], winner rabbit@node1, losers [rabbit@node2] restart",
            ),
            (
                LinkCut { node: s("rabbit@node1"), peer: s("rabbit@node2") },
                "network link cut: rabbit@node1 - rabbit@node2 (both still reach the other nodes)",
            ),
            (
                PartialPartition { node: s("rabbit@node1"), down: s("rabbit@node2"), proxy: s("rabbit@node3"), action: PartialAction::Disconnect { from: s("rabbit@node3") } },
                "partial partition detected on rabbit@node1: it saw DOWN from rabbit@node2 but can still see rabbit@node3, which can see rabbit@node2; it disconnects from rabbit@node3: a full partition with it alone",
            ),
            (
                NodePausedAllDown { node: s("rabbit@node3"), preferred: vec![s("rabbit@node1")] },
                "rabbit@node3 pauses itself: none of its preferred nodes [rabbit@node1] is in reach (pause_if_all_down)",
            ),
            (
                AutohealDenied { leader: s("rabbit@node1"), down: vec![s("rabbit@node2")] },
                "autoheal request denied by rabbit@node1: nodes down: rabbit@node2",
            ),
            (
                SplitRecordDiscarded { queue: q(), side: 2 },
                "queue 'q7' in vhost '/': the record of side 2 is discarded with its messages",
            ),
            (
                NodeForgotten { node: s("rabbit@node3"), by: s("rabbit@node1") },
                "Removing node rabbit@node3 from cluster (forget_cluster_node on rabbit@node1)",
            ),
            (
                NodeReset { node: s("rabbit@node3"), left_cluster: true },
                "rabbit@node3 resets: it leaves the cluster and its data is wiped",
            ),
            (
                NodeReset { node: s("rabbit@node3"), left_cluster: false },
                "rabbit@node3 resets: its data is wiped",
            ),
            (
                NodeJoinedStopped { node: s("rabbit@node3"), peer: s("rabbit@node1") },
                "rabbit@node3 joined the cluster of rabbit@node1 (its application is still stopped)",
            ),
            (NodeRejoins { node: s("rabbit@node3") }, "rabbit@node3 rejoins the cluster"),
            (NodeAdded { node: s("rabbit@node4") }, "rabbit@node4 joined the cluster"),
            (
                MasterForgottenRecoverable { queue: q(), node: s("rabbit@node1"), heir: s("rabbit@node2") },
                "queue 'q7' in vhost '/': its master node rabbit@node1 was forgotten; rabbit@node2 will recover it from its own disk when it starts",
            ),
        ];
        for (change, text) in cases {
            assert_eq!(change.to_string(), text, "{change:?}");
        }
    }

    #[test]
    fn only_the_routine_changes_are_info() {
        let info = StateChange::QueueDeleted {
            queue: q(),
            cause: DeleteCause::Deleted,
        };
        assert_eq!(info.importance(), Importance::Info);
        let notable = StateChange::QueueDeleted {
            queue: q(),
            cause: DeleteCause::NodeWentDown,
        };
        assert_eq!(notable.importance(), Importance::Notable);
        assert_eq!(StateChange::NetworkHealed.importance(), Importance::Notable);
        assert_eq!(
            StateChange::MirrorAdded {
                queue: q(),
                node: s("n"),
                pid: s("p")
            }
            .importance(),
            Importance::Info
        );
        assert_eq!(
            StateChange::Promoted {
                queue: q(),
                pid: s("p")
            }
            .importance(),
            Importance::Notable
        );
    }

    #[test]
    fn queues_and_clients_are_found_by_variant() {
        let gone = StateChange::QueueDeleted {
            queue: q(),
            cause: DeleteCause::NodeWentDown,
        };
        assert_eq!(gone.queue(), Some(&q()));
        assert_eq!(
            StateChange::QueueAutoDeleted { queue: q() }.queue(),
            Some(&q())
        );
        assert_eq!(StateChange::NodeCrashed { node: s("n") }.queue(), None);
        let conn = StateChange::ClientConnected {
            client: s("app"),
            node: s("n"),
        };
        assert_eq!(conn.client(), Some("app"));
        assert_eq!(StateChange::NetworkHealed.client(), None);
    }
}
