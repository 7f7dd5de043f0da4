//! The append-only event trace: every message between processes (with its send and arrival
//! time, so the UI can animate it) and every state change. Same seed and inputs ⇒ same trace.

use std::fmt;

use super::model::{ClientId, ProcId};
use super::time::Micros;

/// Where a traced message starts or ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// A replica process (its node is in the process table).
    Proc(ProcId),
    /// A client connection (drawn next to its node).
    Client(ClientId),
    /// A node as a whole (node-level signals such as net ticks).
    Node(usize),
}

/// What kind of message travels, for colours and shapes in the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MsgKind {
    /// basic.publish, channel → a replica.
    Publish,
    /// A GM activity carrying publications (first lap).
    GmPubs,
    /// A GM activity carrying acks (second lap).
    GmAcks,
    /// A GM catchup sent to a new right neighbour after a death.
    GmCatchup,
    /// A replica's confirm to the channel.
    ReplicaConfirm,
    /// basic.ack / basic.nack from the channel to the publishing client.
    Confirm,
    /// basic.deliver / basic.get-ok to a client.
    Deliver,
    /// A client's basic.ack / nack / reject.
    ClientAck,
    /// A client's request other than publish and ack (consume, get, declare…).
    Request,
    /// basic.cancel to a consumer.
    Cancel,
    /// An eager-sync batch.
    SyncBatch,
}

impl MsgKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MsgKind::Publish => "publish",
            MsgKind::GmPubs => "gm",
            MsgKind::GmAcks => "gm_ack",
            MsgKind::GmCatchup => "gm_catchup",
            MsgKind::ReplicaConfirm => "replica_confirm",
            MsgKind::Confirm => "confirm",
            MsgKind::Deliver => "deliver",
            MsgKind::ClientAck => "client_ack",
            MsgKind::Request => "request",
            MsgKind::Cancel => "cancel",
            MsgKind::SyncBatch => "sync_batch",
        }
    }
}

/// How interesting a state change is (the UI's "jump to next interesting event").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Importance {
    Info,
    /// Failover, promotion, sync, loss: worth jumping to.
    Notable,
}

/// One trace entry.
#[derive(Debug, Clone, PartialEq)]
pub enum TraceKind {
    /// A user input (a scenario line, a console command).
    Input { text: String },
    /// A message leaves `from` at the entry's time and arrives at `to` at `arrive`.
    Send {
        id: u64,
        from: Endpoint,
        to: Endpoint,
        arrive: Micros,
        kind: MsgKind,
        label: String,
    },
    /// A message in flight that never arrived (receiver dead, link cut).
    Lost { id: u64, reason: String },
    /// Something changed state; `text` reads like a RabbitMQ log line where one exists.
    State {
        text: String,
        importance: Importance,
    },
}

/// A trace entry with its time.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceEvent {
    pub at: Micros,
    pub kind: TraceKind,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Proc(p) => write!(f, "proc{}", p.0),
            Endpoint::Client(c) => write!(f, "client{}", c.0),
            Endpoint::Node(n) => write!(f, "node{}", n + 1),
        }
    }
}

impl fmt::Display for TraceEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:>12} ", self.at.0)?;
        match &self.kind {
            TraceKind::Input { text } => write!(f, "input {text}"),
            TraceKind::Send {
                id,
                from,
                to,
                arrive,
                kind,
                label,
            } => write!(
                f,
                "send #{id} {} {from}->{to} arrive={} {label}",
                kind.as_str(),
                arrive.0
            ),
            TraceKind::Lost { id, reason } => write!(f, "lost #{id} {reason}"),
            TraceKind::State { text, .. } => write!(f, "state {text}"),
        }
    }
}
