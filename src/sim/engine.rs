//! The discrete-event engine: the simulated clock, the event queue, the trace, and the node-level
//! inputs (stop, kill, start). Queue, data-plane and failover rules live in sibling modules as
//! further `impl Sim` blocks.

use crate::rng::Rng;
use crate::sim::agenda::Agenda;
use crate::sim::cluster::MembershipError;
use crate::sim::cluster::{Cluster, Membership, NodeState};
use crate::sim::model::*;
use crate::sim::policy::PolicyStore;
use crate::sim::rabbitmq_conf::NodeConf;
pub use crate::sim::rabbitmq_conf::PartitionHandling;
use crate::sim::shared_vec::SharedVec;
use crate::sim::state_change::{QueueName, StateChange};
use crate::sim::time::Micros;
use crate::sim::trace::{Endpoint, MsgIds, MsgKind, Trace, TraceEvent, TraceKind};
use std::collections::VecDeque;
use std::fmt;

/// Run-wide settings (the scenario's `config` line).
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub seed: u64,
    /// `kernel.net_ticktime`: a silent peer is declared down after 1–1.27 × this (each node on its own).
    pub net_ticktime: Micros,
    /// One-way latency between two nodes.
    pub latency: Micros,
    /// One-way latency between a client and the node it is connected to.
    pub client_latency: Micros,
    /// Time a process spends on one operation (how long a burst keeps GM from flushing).
    pub op_cost: Micros,
    /// Time to fsync a persistent message in a durable queue before confirming it.
    pub fsync: Micros,
    pub partition_handling: PartitionHandling,
    /// Per-link bandwidth and what a frame weighs (`link_bandwidth=` etc.; unlimited by default).
    pub wire: crate::sim::wire::Wire,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            seed: 1,
            net_ticktime: Micros::from_secs(60),
            latency: Micros::from_ms(1),
            client_latency: Micros(500),
            op_cost: Micros(20),
            fsync: Micros::from_ms(2),
            partition_handling: PartitionHandling::Ignore,
            wire: crate::sim::wire::Wire::default(),
        }
    }
}

/// GM's pause before it records a dead neighbour (gm.erl, partial-partition guard).
pub const GM_DEATH_DELAY: Micros = Micros(100_000);
/// How often a restarting node looks whether its stop has completed.
pub const RESTART_POLL: Micros = Micros(10_000);
/// A restart waits at most this long for its peers' promotions.
pub const RESTART_WAIT_LIMIT: Micros = Micros(5_000_000);
/// Mnesia's table wait on boot: 10 retries × 30 s.
pub const BOOT_TABLE_WAIT: Micros = Micros(300_000_000);
/// GM's broadcast timer.
pub const GM_FLUSH_TIMER: Micros = Micros(25_000);
/// `rabbit_amqqueue:with/4` retries 2000 × 30 ms while a queue's master is dead.
pub const MASTER_RETRY: Micros = Micros(60_000_000);
/// Messages one sync batch takes on the wire per message (size-independent model).
pub const SYNC_PER_MESSAGE: Micros = Micros(2);

/// What travels between processes.
#[derive(Debug, Clone)]
pub(crate) enum Payload {
    /// basic.publish routed by a channel to one replica.
    Publish {
        client: ClientId,
        seq: u64,
        msg: MsgId,
        to: ProcId,
        confirm: bool,
    },
    /// A GM activity to `to`, its sender's right neighbour. The sender is not kept: nothing
    /// reads it, and the trace entry names it.
    Gm {
        to: ProcId,
        origin: ProcId,
        pubs: Vec<GmPub>,
        acks_upto: Option<u64>,
        /// The messages `pubs` name; on the ack lap, those of the first lap it acknowledges
        /// (the ack itself carries only a number). Computed once per lap, shared by its hops.
        msgs: MsgIds,
    },
    /// A replica's confirm of a publish to the publishing channel.
    ReplicaConfirm {
        client: ClientId,
        seq: u64,
        from: ProcId,
        msg: MsgId,
    },
    /// Channel → client.
    ToClient { client: ClientId, what: ToClient },
    /// Client → master (through its channel).
    ToMaster {
        client: ClientId,
        queue: QueueId,
        req: MasterReq,
    },
    /// The catchup a joining GM member receives from its new left neighbour.
    GmJoined { member: ProcId },
    /// One eager-sync batch from the master to the syncing mirrors.
    SyncBatch {
        queue: QueueId,
        to: ProcId,
        entries: Vec<(u64, Entry, bool)>,
        last: bool,
    },
}

/// Replies and notifications a client receives.
#[derive(Debug, Clone)]
pub(crate) enum ToClient {
    Deliver {
        queue: QueueId,
        tag: Option<String>,
        delivery_tag: u64,
        msg: MsgId,
        redelivered: bool,
    },
    GetEmpty,
    Cancel {
        tag: String,
    },
}

/// Requests only the master handles.
#[derive(Debug, Clone)]
pub(crate) enum MasterReq {
    Consume(Consumer),
    Get {
        manual_ack: bool,
    },
    /// basic.ack: the channel turns its delivery tags into the queue's own ack tags, one per
    /// message, which is what reaches the master (`rabbit_classic_queue:settle/4`); a tag from
    /// before a failover thus names the promoted master's copy of the same message.
    Ack {
        msgs: MsgIds,
    },
    Reject {
        requeue: bool,
        /// As for `Ack`.
        msgs: MsgIds,
    },
}

impl Payload {
    /// Whether the messages it names travel in it (a publish, a GM lap or catchup, a sync
    /// batch, a delivery), rather than being only named (a confirm, an ack).
    fn carries_copies(&self) -> bool {
        matches!(
            self,
            Payload::Publish { .. }
                | Payload::Gm { .. }
                | Payload::SyncBatch { .. }
                | Payload::ToClient { .. }
        )
    }

    /// The published messages this payload carries, as the trace records them.
    fn msgs(&self) -> MsgIds {
        match self {
            Payload::Publish { msg, .. }
            | Payload::ReplicaConfirm { msg, .. }
            | Payload::ToClient {
                what: ToClient::Deliver { msg, .. },
                ..
            } => MsgIds::one(*msg),
            Payload::Gm { msgs, .. }
            | Payload::ToMaster {
                req: MasterReq::Ack { msgs, .. } | MasterReq::Reject { msgs, .. },
                ..
            } => msgs.clone(),
            Payload::SyncBatch { entries, .. } => entries.iter().map(|(_, e, _)| e.msg).collect(),
            Payload::ToClient { .. } | Payload::ToMaster { .. } | Payload::GmJoined { .. } => {
                MsgIds::NONE
            }
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Ev {
    Net {
        id: u64,
        from_node: usize,
        to_node: usize,
        payload: Payload,
    },
    GmFlush(ProcId),
    Fsync {
        proc: ProcId,
        items: Vec<(ClientId, u64, MsgId)>,
    },
    /// Survivors learn that these replicas of a queue died (after GM's 100 ms pause).
    GmDeaths {
        queue: QueueId,
        dead: Vec<ProcId>,
    },
    /// One survivor processes the death notice, after any catchup it needed.
    MembersChanged {
        queue: QueueId,
        member: ProcId,
        dead: Vec<ProcId>,
    },
    SyncStep {
        queue: QueueId,
    },
    /// A node declares a peer across the cut down (its own tick timeout).
    PartitionDetected {
        epoch: u64,
        node: usize,
        peer: usize,
    },
    /// After a heal, Mnesia on `node` reports `inconsistent_database` for `peer`
    /// (`creation`: the boot it was scheduled in; a restart drops it).
    Inconsistent {
        epoch: u64,
        node: usize,
        peer: usize,
        creation: u32,
    },
    /// An autoheal `request_start` from `from` reaches the leader.
    AutohealRequest {
        epoch: u64,
        from: usize,
    },
    /// The autoheal winner has seen every loser stop: they start again.
    AutohealRestart {
        epoch: u64,
        winner: usize,
        losers: Vec<usize>,
    },
    /// A node waiting for a peer's Mnesia tables gives up.
    BootTimeout {
        node: usize,
    },
    /// Consumers of a queue with no live master are cancelled after the re-consume retries.
    ConsumersGiveUp {
        queue: QueueId,
    },
    /// A restarting node looks again whether its peers have finished failing over the queues
    /// it mastered (its stop completes before its start begins).
    StartWhenStopped {
        node: usize,
        since: Micros,
    },
    /// A request that waits for a dead master gives up (`NOT_FOUND … due to timeout`).
    RetryExpired {
        client: ClientId,
        queue: QueueId,
        what: &'static str,
    },
    /// A queue's TTL or `x-expires` timer fires (`dataplane::ttl`).
    BoundsTimer {
        queue: QueueId,
    },
}

/// What the node monitor's links are computed from (the VMs halted, the members, the
/// partition, the cut link, the peers declared down), as it last saw them: while the run's
/// tables equal these, `Sim::dist_links` is up to date (`node_monitor`).
#[derive(Clone, Default, PartialEq)]
pub(crate) struct LinkInputs {
    pub(crate) halted: Vec<bool>,
    pub(crate) members: Vec<bool>,
    pub(crate) partition: Option<Vec<u8>>,
    pub(crate) partial_cut: Option<(usize, usize)>,
    pub(crate) declared_down: Vec<Vec<bool>>,
}

/// A cache: two runs in the same state print alike whatever it last saw.
impl fmt::Debug for LinkInputs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LinkInputs")
    }
}

/// The simulator: all state of one run.
#[derive(Debug, Clone)]
pub struct Sim {
    pub config: Config,
    pub(crate) now: Micros,
    pub(crate) rng: Rng,
    pub cluster: Cluster,
    /// Per node: boot creation number (new on every start) and next pid serial.
    pub(crate) creation: Vec<u32>,
    pub(crate) next_serial: Vec<u32>,
    /// Per node: the Erlang VM is halted (`rabbitmqctl stop`, `systemctl stop`, a crash), not
    /// just the rabbit application (`stop_app`).
    pub halted: Vec<bool>,
    /// Nodes waiting on boot for a peer that was running when they stopped.
    pub waiting_boot: Vec<usize>,
    /// Nodes told to start while their peers still fail over the queues they mastered: they
    /// boot once those promotions are done (a real stop completes before the start begins).
    pub restarting: Vec<usize>,
    /// Order in which nodes stopped (for the last-node-to-stop boot rule).
    pub(crate) stop_order: Vec<usize>,
    pub vhosts: Vec<String>,
    /// The vhosts' metadata and permissions, and each client's vhost.
    pub vhost_table: crate::sim::vhosts::VhostTable,
    pub policies: PolicyStore,
    /// Exchanges and bindings, cluster-wide (Mnesia's tables).
    pub exchanges: crate::sim::exchanges::Exchanges,
    pub queues: Vec<QueueRecord>,
    pub procs: Vec<Replica>,
    /// Every message published: a shared history (checkpoints share it with the run).
    pub messages: SharedVec<Message>,
    pub clients: Vec<Client>,
    /// Consumers, in round-robin order; they belong to the queue, whichever process is master.
    pub consumers: Vec<Consumer>,
    /// Requests waiting for a queue whose master is dead (retried for ~60 s).
    pub(crate) waiting: Vec<(ClientId, QueueId, MasterReq)>,
    /// Requests that arrived while the queue was blocked by an eager sync.
    pub(crate) blocked: Vec<(QueueId, Payload)>,
    /// Partition sides (node → side id); `None` when the network is whole.
    pub partition: Option<Vec<u8>>,
    /// A single cut link (`partition node1 - node2`): both still reach the other nodes.
    pub partial_cut: Option<(usize, usize)>,
    /// Bumped by each partition and heal, so stale detection timers do nothing.
    pub(crate) partition_epoch: u64,
    /// After an `ignore`-mode heal: the sides whose records still differ.
    pub(crate) healed_split: Option<Vec<u8>>,
    /// In the current partition, `declared_down[a][b]` once node `a` has declared `b` down
    /// (each ordered pair on its own tick timeout); empty when the network is whole.
    pub(crate) declared_down: Vec<Vec<bool>>,
    /// When each node declares each peer across the cut down (`None`: same side).
    pub(crate) detect_at: Vec<Vec<Option<Micros>>>,
    /// Each node monitor's `partitions`: the peers Mnesia reported inconsistent with it.
    pub(crate) partitions_seen: Vec<Vec<usize>>,
    /// An autoheal decision is being carried out (the leader ignores new requests).
    pub(crate) autoheal_busy: bool,
    /// Messages sent across a partition not yet detected, in order (trace id, from node, to
    /// node, payload): delivered when the network heals, lost when the cut is detected.
    pub(crate) cut_buffer: Vec<(u64, usize, usize, Payload)>,
    /// When each direction of each node-to-node link is free again (bandwidth only).
    pub(crate) link_free: crate::sim::wire::LinkFree,
    /// The node monitor's view: `dist_links[a][b]` while `a`'s VM holds a distribution link
    /// to `b`'s (`node_monitor`).
    pub(crate) dist_links: Vec<Vec<bool>>,
    /// What `dist_links` was last computed from (`node_monitor`).
    pub(crate) link_inputs: LinkInputs,
    /// Reused to write the hot sends' labels.
    pub(crate) label_buf: crate::sim::label_text::LabelBuf,
    events: Agenda<Ev>,
    seq: u64,
    next_msg_id: u64,
    pub trace: Trace,
    /// In-flight messages (trace ids) the user chose to drop.
    pub(crate) dropped: std::collections::BTreeSet<u64>,
    /// Scheduled events handled so far (the benchmark's unit).
    pub events_processed: u64,
    /// Log of notable facts the runner reports (warnings such as tied policies).
    pub warnings: Vec<String>,
    /// The checker's view of losses, kept up to date as events are applied.
    pub(crate) losses: LossWatch,
    /// Per node: its `rabbitmq.conf` and the settings its VM started with (`node_conf`).
    pub confs: Vec<NodeConf>,
    /// The nodes under maintenance (`rabbitmq-upgrade drain`).
    pub maintenance: crate::sim::ops_state::Maintenance,
    /// The queue supervisors' recent restarts (`crash QUEUE on NODE`).
    pub(crate) crashes: crate::sim::ops_state::Restarts,
}

impl Sim {
    /// A fresh cluster with every node running and only the `/` vhost.
    pub fn new(cluster: Cluster, config: Config) -> Sim {
        let mut rng = Rng::new(config.seed);
        let n = cluster.nodes.len();
        let creation = (0..n).map(|_| creation_number(&mut rng)).collect();
        let confs =
            vec![NodeConf::from_settings(config.net_ticktime, config.partition_handling); n];
        Sim {
            confs,
            config,
            now: Micros::ZERO,
            rng,
            cluster,
            creation,
            next_serial: vec![1000; n],
            halted: vec![false; n],
            stop_order: Vec::new(),
            waiting_boot: Vec::new(),
            restarting: Vec::new(),
            vhosts: vec!["/".to_string()],
            vhost_table: Default::default(),
            exchanges: crate::sim::exchanges::Exchanges::with_vhost("/"),
            policies: PolicyStore::default(),
            queues: Vec::new(),
            procs: Vec::new(),
            messages: SharedVec::new(),
            clients: Vec::new(),
            consumers: Vec::new(),
            waiting: Vec::new(),
            blocked: Vec::new(),
            partition: None,
            partial_cut: None,
            partition_epoch: 0,
            healed_split: None,
            declared_down: Vec::new(),
            detect_at: Vec::new(),
            partitions_seen: vec![Vec::new(); n],
            autoheal_busy: false,
            cut_buffer: Vec::new(),
            link_free: Default::default(),
            dist_links: vec![vec![true; n]; n],
            link_inputs: Default::default(),
            label_buf: Default::default(),
            events: Agenda::default(),
            seq: 0,
            next_msg_id: 1,
            trace: Trace::new(),
            events_processed: 0,
            dropped: Default::default(),
            warnings: Vec::new(),
            losses: LossWatch::default(),
            maintenance: Default::default(),
            crashes: Default::default(),
        }
    }

    pub fn now(&self) -> Micros {
        self.now
    }

    pub fn node_name(&self, n: usize) -> &str {
        &self.cluster.nodes[n].name
    }

    pub fn node_running(&self, n: usize) -> bool {
        self.cluster.nodes[n].state.is_running()
    }

    /// Running nodes in cluster order.
    pub fn running_nodes(&self) -> Vec<usize> {
        (0..self.cluster.nodes.len())
            .filter(|&n| self.node_running(n))
            .collect()
    }

    /// Running nodes that `n` can reach (all running nodes unless the network is cut).
    pub fn running_nodes_from(&self, n: usize) -> Vec<usize> {
        (0..self.cluster.nodes.len())
            .filter(|&x| self.node_running(x) && self.connected(n, x))
            .collect()
    }

    /// Whether `a` and `b` can talk (both running and on the same side of any partition).
    pub fn connected(&self, a: usize, b: usize) -> bool {
        if let Some((x, y)) = self.partial_cut {
            if (a, b) == (x, y) || (a, b) == (y, x) {
                return false;
            }
        }
        match &self.partition {
            Some(sides) => sides[a] == sides[b],
            None => true,
        }
    }

    /// A queue as its log lines name it.
    pub(crate) fn queue_name(&self, q: QueueId) -> QueueName {
        let r = &self.queues[q.0];
        QueueName::new(&r.name, &r.vhost)
    }

    pub fn pid_string(&self, p: ProcId) -> String {
        let pid = self.procs[p.0].pid;
        pid.render(self.node_name(pid.node))
    }

    pub fn proc_node(&self, p: ProcId) -> usize {
        self.procs[p.0].pid.node
    }

    /// Drops one message still in flight (by its trace id): a fault injected by the user.
    pub fn drop_in_flight(&mut self, id: u64) -> Result<(), String> {
        let in_flight = self.trace.iter().any(|e| {
            matches!(e.kind, TraceKind::Send { id: i, arrive, .. } if i == id && arrive > self.now)
        });
        if !in_flight
            || self
                .trace
                .iter()
                .any(|e| matches!(e.kind, TraceKind::Lost { id: i, .. } if i == id))
        {
            return Err(format!("message #{id} is not in flight at {}", self.now));
        }
        self.dropped.insert(id);
        self.changed(StateChange::WireDrop { id });
        Ok(())
    }

    /// Whether any event is still scheduled.
    pub fn has_pending_events(&self) -> bool {
        !self.events.is_empty()
    }

    /// Time of the next scheduled event.
    pub fn next_event_time(&self) -> Option<Micros> {
        self.events.next_time()
    }

    /// Runs every event scheduled up to `t`, then sets the clock to `t`.
    pub fn advance_to(&mut self, t: Micros) {
        loop {
            // What the previous step (an event or an input) did is complete: the node monitors
            // react first — which may schedule work at this very instant (a paused node
            // resuming), so the next event is looked up only after them — then the checker
            // reads it.
            self.node_monitor();
            match self.events.next_time() {
                Some(at) if at <= t => {}
                _ => break,
            }
            self.watch_losses();
            let (at, ev) = self.events.pop().expect("peeked");
            self.now = at;
            self.dispatch(ev);
        }
        if t > self.now {
            self.now = t;
        }
        self.watch_losses();
    }

    /// Advances by `d`.
    pub fn advance(&mut self, d: Micros) {
        let t = self.now + d;
        self.advance_to(t);
    }

    /// Runs events one at a time until `done` holds or `limit` of simulated time has passed.
    /// Returns whether `done` held.
    pub fn run_until(&mut self, limit: Micros, mut done: impl FnMut(&Sim) -> bool) -> bool {
        let end = self.now + limit;
        loop {
            self.node_monitor();
            if done(self) {
                return true;
            }
            match self.next_event_time() {
                Some(t) if t <= end => {
                    self.watch_losses();
                    let (at, ev) = self.events.pop().expect("peeked");
                    self.now = at;
                    self.dispatch(ev);
                }
                _ => {
                    self.now = end;
                    self.watch_losses();
                    return done(self);
                }
            }
        }
    }

    /// The messages on their way to a replica or a client, each with when it arrives (the
    /// latest copy): a publish, a GM lap or catchup, a sync batch, a delivery. A publish held
    /// back in a master's mailbox by a sync is on its way too.
    /// Indexed by message id (dense from 1), so that the checker's frequent looks hash nothing.
    pub(crate) fn msgs_in_flight(&self) -> Vec<Option<Micros>> {
        let mut out: Vec<Option<Micros>> = vec![None; self.messages.len() + 1];
        let mut note = |m: MsgId, at: Micros| {
            if let Some(t) = out.get_mut(m.0 as usize) {
                *t = Some(t.map_or(at, |t| t.max(at)));
            }
        };
        let in_net = self.events.iter().filter_map(|(at, ev)| match ev {
            Ev::Net { payload, .. } => Some((payload, at)),
            _ => None,
        });
        // Held by TCP across a cut: they arrive when the network heals.
        let in_tcp = self
            .cut_buffer
            .iter()
            .map(|(_, _, _, payload)| (payload, Micros(u64::MAX)));
        for (payload, at) in in_net.chain(in_tcp) {
            if payload.carries_copies() {
                for m in payload.msgs().iter() {
                    note(m, at);
                }
            }
        }
        for (_, payload) in &self.blocked {
            if let Payload::Publish { msg, .. } = payload {
                note(*msg, self.now);
            }
        }
        out
    }

    /// The network healed before the cut was detected: what TCP held arrives now, in order.
    pub(crate) fn release_cut_buffer(&mut self) {
        for (id, from_node, to_node, payload) in std::mem::take(&mut self.cut_buffer) {
            let at = self.now;
            self.schedule(
                at,
                Ev::Net {
                    id,
                    from_node,
                    to_node,
                    payload,
                },
            );
        }
    }

    /// The link between `a` and `b` is torn down: what TCP held between them is lost.
    pub(crate) fn drop_cut_buffer(&mut self, a: usize, b: usize) {
        let (gone, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.cut_buffer)
            .into_iter()
            .partition(|&(_, f, t, _)| (f, t) == (a, b) || (f, t) == (b, a));
        self.cut_buffer = kept;
        for (id, ..) in gone {
            self.lost(id, "link cut by the partition");
        }
    }

    pub(crate) fn schedule(&mut self, at: Micros, ev: Ev) {
        self.seq += 1;
        self.events.push(at, self.seq, ev);
    }

    pub(crate) fn new_msg_id(&mut self) -> MsgId {
        let id = MsgId(self.next_msg_id);
        self.next_msg_id += 1;
        id
    }

    /// Records a state change in the trace.
    pub(crate) fn changed(&mut self, change: StateChange) {
        let at = self.now;
        let importance = change.importance();
        self.trace.push(TraceEvent {
            at,
            kind: TraceKind::State {
                change: Box::new(change),
                importance,
            },
        });
    }

    /// Records a user input in the trace.
    pub fn record_input(&mut self, text: &str) {
        let at = self.now;
        self.trace.push(TraceEvent {
            at,
            kind: TraceKind::Input {
                text: text.to_string(),
            },
        });
    }

    fn link_latency(&self, a: usize, b: usize) -> Micros {
        if a == b {
            Micros(20)
        } else {
            self.config.latency
        }
    }

    /// Sends a message between nodes, traced with its arrival time and the published messages
    /// the payload carries (read from the payload so the trace cannot disagree with it).
    pub(crate) fn send(
        &mut self,
        from: Endpoint,
        to: Endpoint,
        kind: MsgKind,
        label: impl Into<crate::sim::trace::Label>,
        payload: Payload,
        extra: Micros,
    ) {
        // One copy of the body below whatever the label's type (a `String` or a `Label`).
        self.send_labelled(from, to, kind, label.into(), payload, extra);
    }

    fn send_labelled(
        &mut self,
        from: Endpoint,
        to: Endpoint,
        kind: MsgKind,
        label: crate::sim::trace::Label,
        payload: Payload,
        extra: Micros,
    ) {
        let from_node = self.endpoint_node(from);
        let to_node = self.endpoint_node(to);
        let mut lat = self.link_latency(from_node, to_node) + extra;
        if matches!(from, Endpoint::Client(_)) || matches!(to, Endpoint::Client(_)) {
            lat = lat + self.config.client_latency;
        }
        let msgs = payload.msgs();
        lat = lat + self.link_delay(from_node, to_node, kind, &msgs);
        let depart = self.now;
        let arrive = depart + lat;
        self.seq += 1;
        let id = self.seq;
        self.trace.push(TraceEvent {
            at: depart,
            kind: TraceKind::Send {
                id,
                from,
                to,
                arrive,
                kind,
                label,
                msgs,
            },
        });
        self.schedule(
            arrive,
            Ev::Net {
                id,
                from_node,
                to_node,
                payload,
            },
        );
    }

    pub(crate) fn endpoint_node(&self, e: Endpoint) -> usize {
        match e {
            Endpoint::Proc(p) => self.proc_node(p),
            Endpoint::Client(c) => self.clients[c.0].node,
            Endpoint::Node(n) => n,
        }
    }

    pub(crate) fn lost(&mut self, id: u64, reason: &str) {
        let at = self.now;
        self.trace.push(TraceEvent {
            at,
            kind: TraceKind::Lost {
                id,
                reason: reason.to_string(),
            },
        });
    }

    fn dispatch(&mut self, ev: Ev) {
        self.events_processed += 1;
        match ev {
            Ev::Net {
                id,
                from_node,
                to_node,
                payload,
            } => {
                if self.dropped.remove(&id) {
                    self.lost(id, "dropped by the user");
                    return;
                }
                if !self.connected(from_node, to_node) {
                    if self.link_torn(from_node, to_node) {
                        self.lost(id, "link cut by the partition");
                    } else {
                        // The distribution link still stands: TCP holds what it carries until
                        // the network heals, or the peers declare each other down.
                        self.cut_buffer.push((id, from_node, to_node, payload));
                    }
                    return;
                }
                self.on_net(id, payload);
            }
            Ev::GmFlush(p) => self.gm_flush(p),
            Ev::Fsync { proc, items } => self.on_fsync(proc, items),
            Ev::GmDeaths { queue, dead } => self.on_gm_deaths(queue, dead),
            Ev::MembersChanged {
                queue,
                member,
                dead,
            } => self.on_members_changed(queue, member, dead),
            Ev::SyncStep { queue } => self.on_sync_step(queue),
            Ev::PartitionDetected { epoch, node, peer } => {
                self.on_partition_detected(epoch, node, peer)
            }
            Ev::Inconsistent {
                epoch,
                node,
                peer,
                creation,
            } => self.on_inconsistent(epoch, node, peer, creation),
            Ev::AutohealRequest { epoch, from } => self.on_autoheal_request(epoch, from),
            Ev::AutohealRestart {
                epoch,
                winner,
                losers,
            } => self.on_autoheal_restart(epoch, winner, losers),
            Ev::BootTimeout { node } => self.on_boot_timeout(node),
            Ev::ConsumersGiveUp { queue } => self.on_consumers_give_up(queue),
            Ev::RetryExpired {
                client,
                queue,
                what,
            } => self.on_retry_expired(client, queue, what),
            Ev::StartWhenStopped { node, since } => self.on_start_when_stopped(node, since),
            Ev::BoundsTimer { queue } => self.on_bounds_timer(queue),
        }
    }

    /// Starts a replica process on `node` (a new pid).
    pub(crate) fn spawn(&mut self, queue: QueueId, node: usize, role: Role) -> ProcId {
        let serial = self.next_serial[node];
        self.next_serial[node] += 1 + self.rng.below(40) as u32;
        let pid = Pid {
            node,
            creation: self.creation[node],
            serial,
        };
        let id = ProcId(self.procs.len());
        self.procs.push(Replica {
            pid,
            queue,
            role,
            master_from: (role == Role::Master).then_some(self.trace.len()),
            alive: true,
            started_at: self.now,
            ready: Default::default(),
            unacked: Default::default(),
            depth_delta: None,
            chan_pending: VecDeque::new(),
            gm_before_chan: Default::default(),
            gm: GmMember::default(),
        });
        id
    }

    /// Per-node tables for a node appended to the cluster.
    pub(crate) fn grow_node_tables(&mut self) {
        let creation = creation_number(&mut self.rng);
        self.creation.push(creation);
        self.next_serial.push(1000);
        self.halted.push(false);
        self.partitions_seen.push(Vec::new());
        for row in &mut self.dist_links {
            row.push(false);
        }
        let n = self.dist_links.len() + 1;
        self.dist_links.push(vec![false; n]);
        self.confs.push(NodeConf::from_settings(
            self.config.net_ticktime,
            self.config.partition_handling,
        ));
    }

    /// Controlled stop (`stop_app`, `systemctl stop`, `rabbitmqctl stop`).
    pub fn stop_node(&mut self, n: usize) -> Result<(), String> {
        if !self.node_running(n) {
            return Err(format!("node {} is not running", self.node_name(n)));
        }
        self.changed(StateChange::NodeStopping {
            node: self.node_name(n).to_string(),
        });
        self.take_node_down(n, NodeState::Stopped);
        Ok(())
    }

    /// A stop as the tools perform it (`rabbitmqctl stop_app`/`stop`, `systemctl stop`, the
    /// playground's Stop): they return once the shutdown is complete, so simulated time runs on
    /// until the peers have promoted mirrors of the queues the node mastered (at most
    /// [`RESTART_WAIT_LIMIT`]) and the consumers cancelled by those failovers have been told;
    /// a start typed next acts on a node that has stopped. `halt`
    /// stops the Erlang VM too.
    pub fn stop_node_and_wait(&mut self, n: usize, halt: bool) -> Result<(), String> {
        let stopped = self.stop_node(n);
        if halt {
            self.halted[n] = true;
        }
        stopped?;
        self.run_until(RESTART_WAIT_LIMIT, |s| {
            !s.failover_pending_from(n) && !s.cancel_in_flight()
        });
        Ok(())
    }

    /// A start as the tools perform it (`systemctl start`, `rabbitmqctl start_app`, the
    /// playground's Start): on a node whose stop or crash is still being failed over by its
    /// peers, it returns once that is over and the node has booted (a boot that waits for a
    /// peer's tables is left waiting: it may take minutes).
    pub fn start_node_and_wait(&mut self, n: usize) -> Result<(), String> {
        self.start_node(n)?;
        if self.restarting.contains(&n) {
            self.run_until(RESTART_WAIT_LIMIT + RESTART_POLL, |s| {
                !s.restarting.contains(&n)
            });
        }
        Ok(())
    }

    /// Whether any message is on the wire (between nodes, or to or from a client).
    pub fn net_in_flight(&self) -> bool {
        self.events
            .iter()
            .any(|(_, ev)| matches!(ev, Ev::Net { .. }))
    }

    /// Whether a `basic.cancel` (a consumer told of a failover) is still on its way.
    fn cancel_in_flight(&self) -> bool {
        self.events.iter().any(|(_, ev)| {
            matches!(
                ev,
                Ev::Net {
                    payload: Payload::ToClient {
                        what: ToClient::Cancel { .. },
                        ..
                    },
                    ..
                }
            )
        })
    }

    /// Crash (`kill -9`, power loss).
    pub fn kill_node(&mut self, n: usize) -> Result<(), String> {
        if matches!(self.cluster.nodes[n].state, NodeState::Crashed) {
            return Err(format!("node {} is already down", self.node_name(n)));
        }
        self.changed(StateChange::NodeCrashed {
            node: self.node_name(n).to_string(),
        });
        self.halted[n] = true;
        // A crash while waiting to start aborts that start.
        self.restarting.retain(|&x| x != n);
        self.take_node_down(n, NodeState::Crashed);
        Ok(())
    }

    fn take_node_down(&mut self, n: usize, state: NodeState) {
        let was_running = self.node_running(n);
        self.cluster.nodes[n].state = state;
        if was_running {
            self.stop_order.retain(|&x| x != n);
            self.stop_order.push(n);
        }
        // Connections on the node close.
        for c in 0..self.clients.len() {
            if self.clients[c].node == n && self.clients[c].connected {
                self.disconnect_client(ClientId(c), "StreamLostError: connection lost (node down)");
            }
        }
        let graceful = state == NodeState::Stopped;
        self.node_processes_down(n, graceful);
    }

    /// Starts a stopped or crashed node (`start_app`, `systemctl start`).
    ///
    /// Mnesia's boot rule (§6.5): when every other node is down, only the last node to stop
    /// boots alone; any other waits (10 × 30 s) for a peer that was running when it stopped,
    /// and then fails with "Timeout contacting cluster nodes".
    pub fn start_node(&mut self, n: usize) -> Result<(), String> {
        match self.cluster.nodes[n].membership {
            Membership::Member => {}
            Membership::Forgotten => {
                return Err(MembershipError::Inconsistent(n).explain(&self.cluster));
            }
            Membership::Reset => return Err(MembershipError::Standalone(n).explain(&self.cluster)),
        }
        if self.node_running(n) {
            return Err(format!("node {} is already running", self.node_name(n)));
        }
        if self.waiting_boot.contains(&n) {
            return Err(format!(
                "node {} is already booting (waiting for tables)",
                self.node_name(n)
            ));
        }
        if self.restarting.contains(&n) {
            return Err(format!(
                "node {} is already starting (its stop is completing)",
                self.node_name(n)
            ));
        }
        // A VM that starts reads its configuration; `start_app` on a running VM does not.
        if self.halted[n] {
            self.read_conf_on_boot(n)?;
        }
        if self.failover_pending_from(n) {
            self.restarting.push(n);
            let at = self.now + RESTART_POLL;
            let since = self.now;
            self.schedule(at, Ev::StartWhenStopped { node: n, since });
            return Ok(());
        }
        self.start_stopped(n);
        Ok(())
    }

    /// The node may start now: its peers promoted mirrors of the queues it mastered (or gave
    /// up waiting, after [`RESTART_WAIT_LIMIT`]).
    fn on_start_when_stopped(&mut self, n: usize, since: Micros) {
        if !self.restarting.contains(&n) {
            return;
        }
        if self.failover_pending_from(n) && self.now < since + RESTART_WAIT_LIMIT {
            let at = self.now + RESTART_POLL;
            self.schedule(at, Ev::StartWhenStopped { node: n, since });
            return;
        }
        self.restarting.retain(|&x| x != n);
        self.start_stopped(n);
    }

    /// The boot rule, then the boot.
    fn start_stopped(&mut self, n: usize) {
        let others_running = self
            .cluster
            .members()
            .any(|x| x != n && self.node_running(x));
        let stopped_after: Vec<usize> = match self.stop_order.iter().position(|&x| x == n) {
            Some(i) => self.stop_order[i + 1..].to_vec(),
            None => Vec::new(),
        };
        let forced = self.maintenance.take_force_boot(n);
        if !others_running && !stopped_after.is_empty() && !forced {
            let waiting_for: Vec<String> = stopped_after
                .iter()
                .map(|&x| self.node_name(x).to_string())
                .collect();
            self.changed(StateChange::BootWaiting {
                node: self.node_name(n).to_string(),
                waiting_for,
            });
            self.waiting_boot.push(n);
            self.halted[n] = false;
            let at = self.now + BOOT_TABLE_WAIT;
            self.schedule(at, Ev::BootTimeout { node: n });
            return;
        }
        self.boot(n);
    }

    fn boot(&mut self, n: usize) {
        let crashed = self.cluster.nodes[n].state == NodeState::Crashed;
        self.cluster.nodes[n].state = NodeState::Running;
        self.halted[n] = false;
        self.creation[n] = creation_number(&mut self.rng);
        self.maintenance.node_booted(n);
        self.stop_order.retain(|&x| x != n);
        self.changed(StateChange::NodeStarted {
            node: self.node_name(n).to_string(),
        });
        self.after_restart_in_split(n);
        self.node_up(n, crashed);
        // Nodes waiting for a peer's tables can finish booting now.
        for w in std::mem::take(&mut self.waiting_boot) {
            self.changed(StateChange::BootFinished {
                node: self.node_name(w).to_string(),
            });
            self.boot(w);
        }
    }

    pub(crate) fn on_boot_timeout(&mut self, n: usize) {
        let Some(i) = self.waiting_boot.iter().position(|&x| x == n) else {
            return;
        };
        self.waiting_boot.remove(i);
        self.halted[n] = true;
        let peers: Vec<String> = (0..self.cluster.nodes.len())
            .filter(|&x| x != n && self.cluster.is_member(x))
            .map(|x| self.node_name(x).to_string())
            .collect();
        self.changed(StateChange::BootFailed {
            node: self.node_name(n).to_string(),
            peers,
        });
    }
}

/// Erlang's per-boot "creation" number shown in pids (`<rabbit@node2.1795240866.6143.0>`).
fn creation_number(rng: &mut Rng) -> u32 {
    1_600_000_000 + rng.below(600_000_000) as u32
}
