//! A trace entry: its time and what happened (a send, a loss, a state change, an input).

use std::fmt;
use std::sync::Arc;

use super::label::Label;
use crate::sim::model::{ClientId, MsgId, ProcId};
use crate::sim::state_change::Importance;
use crate::sim::state_change::StateChange;
use crate::sim::time::Micros;

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
    /// basic.deliver / basic.get-ok to a client (or basic.get-empty).
    Deliver,
    /// basic.deliver / basic.get-ok of a message delivered before (`redelivered=true`). Drawn
    /// and written like [`MsgKind::Deliver`]; the kind carries the flag so that a delivery lost
    /// on the way still says what it was.
    Redeliver,
    /// A client's basic.ack.
    ClientAck,
    /// A client's basic.nack / basic.reject: drawn and written like [`MsgKind::ClientAck`].
    ClientReject,
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
            MsgKind::Deliver | MsgKind::Redeliver => "deliver",
            MsgKind::ClientAck | MsgKind::ClientReject => "client_ack",
            MsgKind::Request => "request",
            MsgKind::Cancel => "cancel",
            MsgKind::SyncBatch => "sync_batch",
        }
    }
}

/// The published messages a traced send carries, each once, in id (publish) order.
///
/// Most sends carry none or one, so those are stored inline: only a send naming two or more
/// messages allocates, and a GM activity shares that allocation with every hop of its lap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MsgIds(Ids);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
enum Ids {
    #[default]
    None,
    One(MsgId),
    /// Sorted, without duplicates, at least two: so that equal sets compare equal. A thin
    /// pointer (not `Arc<[MsgId]>`) keeps the type at 16 bytes: it rides in every trace entry
    /// and GM payload, and the bench feels each byte.
    Many(Arc<Vec<MsgId>>),
}

impl MsgIds {
    /// No message (requests, cancels, GM joins).
    pub const NONE: MsgIds = MsgIds(Ids::None);

    pub fn one(id: MsgId) -> MsgIds {
        MsgIds(Ids::One(id))
    }

    pub fn as_slice(&self) -> &[MsgId] {
        match &self.0 {
            Ids::None => &[],
            Ids::One(id) => std::slice::from_ref(id),
            Ids::Many(ids) => ids,
        }
    }

    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    pub fn is_empty(&self) -> bool {
        matches!(self.0, Ids::None)
    }

    pub fn contains(&self, id: MsgId) -> bool {
        match &self.0 {
            Ids::None => false,
            Ids::One(x) => *x == id,
            Ids::Many(ids) => ids.binary_search(&id).is_ok(),
        }
    }

    /// The message, when exactly one is carried.
    pub fn single(&self) -> Option<MsgId> {
        match self.0 {
            Ids::One(id) => Some(id),
            _ => None,
        }
    }

    /// Heap bytes this set holds beyond its own size, shared ones included (for memory
    /// figures).
    pub fn heap_bytes(&self) -> usize {
        match &self.0 {
            Ids::Many(ids) => ids.capacity() * std::mem::size_of::<MsgId>(),
            _ => 0,
        }
    }

    pub fn iter(&self) -> std::iter::Copied<std::slice::Iter<'_, MsgId>> {
        self.as_slice().iter().copied()
    }
}

impl From<MsgId> for MsgIds {
    fn from(id: MsgId) -> MsgIds {
        MsgIds::one(id)
    }
}

impl FromIterator<MsgId> for MsgIds {
    fn from_iter<I: IntoIterator<Item = MsgId>>(iter: I) -> MsgIds {
        let mut it = iter.into_iter();
        let Some(first) = it.next() else {
            return MsgIds::NONE;
        };
        // A GM activity usually names one message several times (publish, then drop): only a
        // second distinct id is worth a vector.
        let mut others = it.filter(|&x| x != first);
        let Some(second) = others.next() else {
            return MsgIds::one(first);
        };
        let mut v = vec![first, second];
        v.extend(others);
        crate::sort::sort(&mut v);
        v.dedup();
        MsgIds(Ids::Many(Arc::new(v)))
    }
}

impl<'a> IntoIterator for &'a MsgIds {
    type Item = MsgId;
    type IntoIter = std::iter::Copied<std::slice::Iter<'a, MsgId>>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
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
        /// What the send says, as written in the trace's text form. Stored without a heap
        /// allocation when short (nearly every label is): see [`Label`].
        label: Label,
        /// The published messages it carries: a publish, replica confirm or delivery names its
        /// message; a GM activity (either lap, or a catchup) the messages its publications
        /// name; a client's ack / nack / reject the messages its tags name; a sync batch its
        /// messages. Requests, cancels and GM joins name none.
        msgs: MsgIds,
    },
    /// A message in flight that never arrived (receiver dead, link cut).
    Lost { id: u64, reason: String },
    /// Something changed state. Boxed: it is rarer than a send and would otherwise make every
    /// entry as large as its largest variant. `importance` is always `change.importance()`,
    /// kept beside it so that readers can filter without a look inside.
    State {
        change: Box<StateChange>,
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
                msgs: _,
            } => write!(
                f,
                "send #{id} {} {from}->{to} arrive={} {label}",
                kind.as_str(),
                arrive.0
            ),
            TraceKind::Lost { id, reason } => write!(f, "lost #{id} {reason}"),
            TraceKind::State { change, .. } => write!(f, "state {change}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn msg_ids_hold_each_message_once_in_order() {
        let none: MsgIds = std::iter::empty().collect();
        assert_eq!(none, MsgIds::NONE);
        assert!(none.is_empty() && none.single().is_none() && !none.contains(MsgId(1)));
        let one: MsgIds = [MsgId(4), MsgId(4)].into_iter().collect();
        assert_eq!(one, MsgIds::one(MsgId(4)));
        assert_eq!(one.single(), Some(MsgId(4)));
        let many: MsgIds = [MsgId(9), MsgId(2), MsgId(9), MsgId(5)]
            .into_iter()
            .collect();
        assert_eq!(many.as_slice(), &[MsgId(2), MsgId(5), MsgId(9)]);
        assert_eq!(many.len(), 3);
        assert!(many.contains(MsgId(5)) && !many.contains(MsgId(4)));
        assert_eq!(many.single(), None);
        let same: MsgIds = [MsgId(5), MsgId(2), MsgId(9)].into_iter().collect();
        assert_eq!(many, same);
    }
}
