//! The state the simulator keeps: queue records, replica processes, messages, clients. Field
//! names follow RabbitMQ's own (`slave_pids` = `mirrors`, `sync_slave_pids` = `synced`).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;
use std::rc::Rc;

use crate::erl::json::Json;
use crate::sim::policy::definition::Definition;
use crate::sim::shared_vec::SharedVec;
use crate::sim::time::Micros;

/// Index of a replica process in [`crate::sim::Sim::procs`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProcId(pub usize);

/// Index of a queue record in [`crate::sim::Sim::queues`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QueueId(pub usize);

/// Index of a client connection (one pika `BlockingConnection` with one channel).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClientId(pub usize);

/// A message's identity for the whole run (also across replicas).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MsgId(pub u64);

/// An Erlang pid as RabbitMQ prints it: `<rabbit@node2.1795240866.6143.0>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pid {
    pub node: usize,
    /// The node's boot "creation" number; a restarted node has a new one, so old pids stay dead.
    pub creation: u32,
    pub serial: u32,
}

impl Pid {
    /// Renders with the node's full name.
    pub fn render(&self, node_name: &str) -> String {
        format!("<{}.{}.{}.0>", node_name, self.creation, self.serial)
    }
}

/// One published message; replicas refer to it by [`MsgId`].
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub id: MsgId,
    /// Shared with every delivery of it (a consumer's record holds the same text).
    pub body: Rc<str>,
    /// `delivery_mode=2`.
    pub persistent: bool,
    /// Who published it, with the channel's publish sequence number (for confirms and checks).
    pub publisher: Option<(ClientId, u64)>,
    pub published_at: Micros,
    /// The queue it was routed to (none when unroutable).
    pub queue: Option<QueueId>,
    /// When one publish reached several queues, each queue holds its own copy: the copies
    /// name the first, whose id the publisher's confirm carries.
    pub copy_of: Option<MsgId>,
    /// The exchange and routing key of a publish through a named exchange (`None`: the
    /// default exchange, with the queue's name as the key).
    pub via: Option<Box<(String, String)>>,
    /// The properties the broker itself reads or writes: the `expiration` it was published
    /// with, and for a dead letter its headers with `x-death` (`None`: neither).
    pub props: Option<Box<MsgProps>>,
}

/// A message's `expiration` property and the headers the broker wrote into it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MsgProps {
    /// Per-message TTL in milliseconds, as published (a string of digits).
    pub expiration: Option<String>,
    /// The `headers` property (for a dead letter: the original's plus `x-death` and
    /// `x-first-death-*`).
    pub headers: Vec<(String, Json)>,
    /// For a dead letter: the message it was made from (whose other properties it keeps).
    pub origin: Option<MsgId>,
}

impl Message {
    /// The id the publisher's confirm of this message carries.
    pub fn confirmed_as(&self) -> MsgId {
        self.copy_of.unwrap_or(self.id)
    }

    /// The exchange and routing key a consumer sees (`Basic.Deliver`), for a copy held by
    /// `queue`.
    pub fn route<'a>(&'a self, queue: &'a str) -> (&'a str, &'a str) {
        match &self.via {
            Some(v) => (v.0.as_str(), v.1.as_str()),
            None => ("", queue),
        }
    }
}

/// A message as one replica holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub msg: MsgId,
    /// RabbitMQ's `IsDelivered`: the next delivery carries `redelivered=true`.
    pub delivered: bool,
}

/// A delivered, not yet acknowledged message on a master.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unacked {
    pub entry: Entry,
    /// Position in the queue, so a requeue puts it back where it was.
    pub pos: u64,
    pub client: Option<ClientId>,
    pub delivery_tag: u64,
}

/// What a replica process is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Master,
    Mirror,
}

/// A queue replica: the master's `rabbit_amqqueue_process` or a mirror's
/// `rabbit_mirror_queue_slave`, each with its GM member.
#[derive(Debug, Clone)]
pub struct Replica {
    pub pid: Pid,
    pub queue: QueueId,
    pub role: Role,
    /// The trace's length when it became the master (at its start, or at a promotion): trace
    /// entries from this index on see it as the master, earlier ones as a slave. `None` while
    /// it is a slave.
    pub master_from: Option<usize>,
    pub alive: bool,
    pub started_at: Micros,
    /// Ready messages by queue position.
    pub ready: BTreeMap<u64, Entry>,
    /// Delivered, unacknowledged messages (master: to consumers; mirror: as the master told it).
    pub unacked: BTreeMap<MsgId, Unacked>,
    /// Master depth as last heard over GM minus own depth; `Some(0)` once synchronised (sticky).
    pub depth_delta: Option<i64>,
    /// Publishes received straight from a channel and not yet seen over GM (mirror side).
    /// A deque: GM copies arrive in publish order, so the match is nearly always the front.
    pub chan_pending: VecDeque<(MsgId, Option<(ClientId, u64)>)>,
    /// Seen over GM before the channel's own copy arrived: confirm when it does.
    pub gm_before_chan: BTreeSet<MsgId>,
    /// The GM member's state.
    pub gm: GmMember,
}

impl Replica {
    pub fn depth(&self) -> u64 {
        (self.ready.len() + self.unacked.len()) as u64
    }

    /// Puts unacked messages back at their positions, flagged redelivered.
    pub fn requeue(&mut self, msgs: &[MsgId]) {
        for x in msgs {
            if let Some(u) = self.unacked.remove(x) {
                self.ready.insert(
                    u.pos,
                    Entry {
                        msg: *x,
                        delivered: true,
                    },
                );
            }
        }
    }
}

/// One operation the master broadcasts over GM (the *effect*, not the request).
#[derive(Debug, Clone, PartialEq)]
pub enum GmOp {
    /// Enqueued at `pos`.
    Publish {
        msg: MsgId,
        pos: u64,
    },
    /// Handed straight to an ack-mode consumer: held as pending-ack.
    PublishDelivered {
        msg: MsgId,
        pos: u64,
    },
    /// Handed to a no-ack consumer: never stored.
    Discard {
        msg: MsgId,
    },
    /// Fetched for delivery or basic.get; `ack_required` keeps it as pending-ack.
    Drop {
        msg: MsgId,
        ack_required: bool,
    },
    Ack {
        msgs: Vec<MsgId>,
    },
    Requeue {
        msgs: Vec<MsgId>,
    },
    /// The master's depth, answering a joining mirror's `request_depth`.
    Depth,
    /// Stop mirroring: every mirror deletes its copy and stops.
    DeleteAndTerminate,
}

impl GmOp {
    /// The messages the op is about (none for `Depth` and `DeleteAndTerminate`).
    pub fn msgs(&self) -> &[MsgId] {
        match self {
            GmOp::Publish { msg, .. }
            | GmOp::PublishDelivered { msg, .. }
            | GmOp::Discard { msg }
            | GmOp::Drop { msg, .. } => std::slice::from_ref(msg),
            GmOp::Ack { msgs } | GmOp::Requeue { msgs } => msgs,
            GmOp::Depth | GmOp::DeleteAndTerminate => &[],
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            GmOp::Publish { .. } => "publish",
            GmOp::PublishDelivered { .. } => "publish_delivered",
            GmOp::Discard { .. } => "discard",
            GmOp::Drop { .. } => "drop",
            GmOp::Ack { .. } => "ack",
            GmOp::Requeue { .. } => "requeue",
            GmOp::Depth => "depth",
            GmOp::DeleteAndTerminate => "delete_and_terminate",
        }
    }
}

/// A broadcast on the ring: the op plus the master's depth after it (how a mirror tracks its
/// `depth_delta`).
#[derive(Debug, Clone, PartialEq)]
pub struct GmPub {
    pub num: u64,
    pub op: GmOp,
    pub master_depth: u64,
}

/// Per-member GM state.
#[derive(Debug, Clone, Default)]
pub struct GmMember {
    /// Broadcasts not yet flushed to the right neighbour (lost if the process dies now).
    pub buffer: Vec<GmPub>,
    pub flush_scheduled: bool,
    pub busy_until: Micros,
    pub next_num: u64,
    /// Publications seen from each origin and not yet acknowledged by the second lap.
    pub pending: BTreeMap<ProcId, Vec<GmPub>>,
    /// Highest pub number seen per origin (applies each pub once).
    pub last_seen: BTreeMap<ProcId, u64>,
}

/// State of a queue as `list_queues state` and the management UI show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueState {
    Running,
    /// An eager sync is running: the queue is blocked.
    Syncing,
    /// The master is gone and no mirror was promoted; unavailable until its node returns.
    Down,
    /// A controlled master shutdown with no synchronised mirror: offline with its messages.
    Stopped,
}

/// An eager synchronisation in progress.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncRun {
    pub mirrors: Vec<ProcId>,
    pub total: u64,
    pub sent: u64,
    pub batch: u64,
    /// The master has handed its last batch on: the sync ends once no mirror still waits for one.
    pub all_sent: bool,
}

/// The queue record as RabbitMQ keeps it in Mnesia (`amqqueue`).
#[derive(Debug, Clone)]
pub struct QueueRecord {
    pub vhost: String,
    pub name: String,
    pub durable: bool,
    pub auto_delete: bool,
    pub exclusive_owner: Option<ClientId>,
    pub args: Vec<(String, Json)>,
    pub master: ProcId,
    /// `slave_pids`: oldest first.
    pub mirrors: Vec<ProcId>,
    /// `sync_slave_pids`: most recently synchronised first.
    pub synced: Vec<ProcId>,
    /// Name of the winning user policy.
    pub policy: Option<String>,
    pub operator_policy: Option<String>,
    /// The merged definition in effect.
    pub effective: Definition,
    pub state: QueueState,
    pub sync: Option<SyncRun>,
    /// Nodes that held a replica, oldest first (`recoverable_slaves`).
    pub recoverable: Vec<usize>,
    /// GM ring order; dead members are removed once the view changes.
    pub ring: Vec<ProcId>,
    /// The GM group's view version: bumped by every join and death.
    pub gm_version: u64,
    /// Next queue position the master hands out.
    pub next_pos: u64,
    pub deleted: bool,
    /// Whether the master node was stopped (not crashed) when the queue went down.
    pub down_by_stop: bool,
    /// When the queue went down (for the ~60 s NOT_FOUND retry).
    pub down_since: Option<Micros>,
    /// Whether a consumer ever subscribed (auto-delete needs one to have come and gone).
    pub had_consumer: bool,
    /// Set while a partition split this queue: the partition side whose view this record is.
    pub side: Option<u8>,
    /// Messages that left the queue on purpose without a consumer: dropped by a length
    /// limit, refused, expired, dead-lettered or purged (so the checker does not call them
    /// lost).
    pub dropped_by_limit: BTreeSet<MsgId>,
    /// TTL deadlines, the `x-expires` clock and why messages left.
    pub bounds: crate::sim::queue_args::BoundsState,
}

impl QueueRecord {
    pub fn is_mirrored(&self) -> bool {
        self.exclusive_owner.is_none() && self.effective.is_mirroring()
    }

    /// Whether a limit, a TTL, a dead-lettering or a purge took this message (not a loss: the
    /// queue's arguments or policy said so).
    pub fn max_length_dropped(&self, msg: MsgId) -> bool {
        self.dropped_by_limit.contains(&msg)
    }

    pub fn arg(&self, key: &str) -> Option<&Json> {
        self.args.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

/// A consumer registered on a master.
#[derive(Debug, Clone, PartialEq)]
pub struct Consumer {
    pub client: ClientId,
    pub tag: String,
    pub queue: QueueId,
    pub manual_ack: bool,
    pub prefetch: u32,
    pub cancel_on_failover: bool,
    /// The messages delivered to it that the master may still hold for it: the queue process's
    /// record of the channel (`rabbit_queue_consumers`), against which its prefetch counts. Only
    /// the entries the current master holds for this client count, so a promoted master starts
    /// with the full prefetch, as a real one does.
    pub held: BTreeSet<MsgId>,
}

/// A message as a client received it.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub delivery_tag: u64,
    pub msg: MsgId,
    /// The message's own text, shared with it.
    pub body: Rc<str>,
    pub redelivered: bool,
    /// Shared with the client's other deliveries from the same queue and consumer: a client
    /// keeps every delivery it got, and these texts repeat.
    pub queue: Rc<str>,
    pub consumer_tag: Option<Rc<str>>,
    pub at: Micros,
    pub acked: bool,
    /// When the client acked it (or received it, for auto-ack).
    pub acked_at: Option<Micros>,
    /// The client itself sent it back (basic.nack / basic.reject with requeue), so a later
    /// delivery of the same message is asked for, not an anomaly.
    pub requeued: bool,
}

/// Outcome of a confirm-mode publish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmOutcome {
    Ack,
    Nack,
}

/// A publish awaiting its confirm at the channel.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingConfirm {
    pub seq: u64,
    pub msg: MsgId,
    pub waiting: Vec<ProcId>,
    pub any_confirmed: bool,
}

/// A client connection with one channel (how pika's `BlockingConnection` is usually used).
#[derive(Debug, Clone)]
pub struct Client {
    pub name: String,
    pub node: usize,
    /// The connection is open.
    pub connected: bool,
    /// The broker closed the channel with a channel error (`404 NOT_FOUND - …`): the
    /// connection stays open, the channel takes no more calls.
    pub channel_closed: bool,
    pub confirm_mode: bool,
    pub tx: bool,
    pub next_seq: u64,
    pub next_tag: u64,
    pub unconfirmed: BTreeMap<u64, PendingConfirm>,
    /// Every confirm received and every delivery, in order: shared histories (checkpoints
    /// share them with the run).
    pub confirms: SharedVec<(u64, MsgId, ConfirmOutcome, Micros)>,
    pub deliveries: SharedVec<Delivery>,
    pub consumers: Vec<String>,
    pub cancelled: Vec<String>,
    /// What closed or answered the channel out of band, in order: broker errors as pika would
    /// raise them (`NOT_FOUND - …`, connection lost) and basic.get-empty replies.
    pub errors: Vec<ClientError>,
    /// Publishes made inside an uncommitted transaction.
    pub tx_buffer: Vec<(String, String, bool)>,
    pub tx_commits: Vec<Micros>,
}

impl Client {
    /// Whether the channel takes calls: the connection is open and the broker has not closed
    /// the channel.
    pub fn channel_open(&self) -> bool {
        self.connected && !self.channel_closed
    }

    /// Why what arrives for a client whose channel is not open is lost (the trace's words).
    pub fn gone_why(&self) -> &'static str {
        if self.connected {
            "channel closed"
        } else {
            "client disconnected"
        }
    }
}

/// One entry of a client's [`Client::errors`]: its `Display` is the text pika shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientError {
    /// basic.get found the queue empty: an answer, listed with the errors as pika shows it.
    GetEmpty,
    /// The broker closed the channel (`NOT_FOUND - …`, with its reply code).
    Channel(crate::sim::error::BrokerError),
    /// The connection went away, and why.
    Connection(String),
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::GetEmpty => f.write_str("basic.get-empty"),
            ClientError::Channel(e) => write!(f, "{e}"),
            ClientError::Connection(text) => f.write_str(text),
        }
    }
}

impl fmt::Display for ConfirmOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConfirmOutcome::Ack => "ack",
            ConfirmOutcome::Nack => "nack",
        })
    }
}

/// What the invariant checker has read of the run so far. The engine keeps it up to date as it
/// applies events, so a loss is found at the step that caused it (and shown as it happens)
/// instead of by a rescan of the whole run.
#[derive(Debug, Clone, Default)]
pub struct LossWatch {
    /// Trace entries read.
    pub read: usize,
    /// Messages read (a prefix of the run's messages).
    pub published: usize,
    /// Per client, the deliveries read.
    pub deliveries_read: Vec<usize>,
    /// Published, never delivered and not found lost: the messages to watch.
    pub open: BTreeSet<MsgId>,
    /// Since the last look: the first trace entry that may have taken messages from a replica
    /// (a state change other than a confirm, or a message lost in flight).
    pub suspect_from: Option<usize>,
    /// When a message that was only in flight at the last look arrives (or is lost on the
    /// way): look again then.
    pub look_again_at: Option<Micros>,
    /// Losses found, in the order found (a message later delivered after all is taken back).
    pub lost: Vec<FoundLoss>,
    /// Published without confirms to a queue with no live master: dropped on the spot, with
    /// when (read at the next look).
    pub dropped_at_publish: Vec<(MsgId, Micros)>,
}

/// A message found held by no replica, not in flight and never delivered.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundLoss {
    pub msg: MsgId,
    /// When the last replica holding it went (the cause's time).
    pub at: Micros,
    /// The trace entry that took the last replica holding it, and its text.
    pub cause: Option<(usize, String)>,
}
