//! The invariant checker: reads the run and reports what RabbitMQ's real semantics allowed to
//! happen — confirmed messages lost, duplicates, acked messages that came back, reordering.
//! These are behaviours of classic mirrored queues, reported to teach them, not simulator bugs.

use std::collections::{BTreeMap, HashSet};

use crate::sim::engine::Sim;
use crate::sim::model::{ConfirmOutcome, MsgId, QueueState};
use crate::sim::time::Micros;
use crate::sim::trace::{Importance, TraceKind};

/// What kind of anomaly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnomalyKind {
    /// Confirmed to its publisher, and now on no replica and never consumed.
    Lost,
    /// Delivered more than once.
    Duplicate,
    /// Acked by a client, then delivered again.
    AckedCameBack,
    /// Delivered to a consumer before a message its publisher sent earlier.
    Reordered,
}

impl AnomalyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AnomalyKind::Lost => "lost",
            AnomalyKind::Duplicate => "duplicate",
            AnomalyKind::AckedCameBack => "acked_came_back",
            AnomalyKind::Reordered => "reordered",
        }
    }
}

/// One anomaly, naming the message and the notable event that most likely caused it.
#[derive(Debug, Clone, PartialEq)]
pub struct Anomaly {
    pub kind: AnomalyKind,
    pub msg: MsgId,
    pub body: String,
    pub at: Micros,
    pub detail: String,
    /// The last notable trace event (failover, drop, veto) at or before `at`.
    pub cause: Option<(usize, String)>,
}

/// Checks the run so far.
pub fn check(sim: &Sim) -> Vec<Anomaly> {
    let mut out = Vec::new();
    // Every delivery of every message, in time order.
    // (received at, client index, redelivered flag, acked at, requeued by the client)
    type Seen = (Micros, usize, bool, Option<Micros>, bool);
    let mut deliveries: BTreeMap<MsgId, Vec<Seen>> = BTreeMap::new();
    for (ci, c) in sim.clients.iter().enumerate() {
        for d in &c.deliveries {
            deliveries.entry(d.msg).or_default().push((
                d.at,
                ci,
                d.redelivered,
                d.acked_at,
                d.requeued,
            ));
        }
    }
    for v in deliveries.values_mut() {
        v.sort_by_key(|x| x.0);
    }
    let body = |m: MsgId| sim.messages[(m.0 - 1) as usize].body.clone();
    for (&msg, ds) in &deliveries {
        // A delivery that follows the client's own requeue was asked for.
        let later: Vec<Seen> = ds.windows(2).filter(|w| !w[0].4).map(|w| w[1]).collect();
        if !later.is_empty() {
            let warned = later.iter().all(|d| d.2);
            let at = later[0].0;
            out.push(Anomaly {
                kind: AnomalyKind::Duplicate,
                msg,
                body: body(msg),
                at,
                detail: format!(
                    "delivered {} times; {}",
                    ds.len(),
                    if warned {
                        "each repeat carried redelivered=true"
                    } else {
                        "a repeat came with redelivered=false"
                    }
                ),
                cause: cause_before(sim, at),
            });
        }
        for (i, d) in ds.iter().enumerate() {
            if let Some(acked) = d.3 {
                if let Some(again) = ds[i + 1..].iter().find(|x| x.0 > acked) {
                    out.push(Anomaly {
                        kind: AnomalyKind::AckedCameBack,
                        msg,
                        body: body(msg),
                        at: again.0,
                        detail: format!(
                            "acked by {} at {}, delivered again at {}",
                            sim.clients[d.1].name, acked, again.0
                        ),
                        cause: cause_before(sim, again.0),
                    });
                    break;
                }
            }
        }
    }
    // Lost: confirmed, never delivered, held by no live replica (nor by a down durable master).
    // Each deleted queue's deletion entry is looked up once, however many messages it took.
    let mut deletions: BTreeMap<usize, Option<(usize, String)>> = BTreeMap::new();
    // What each replica holds, gathered once: looking each message up in every replica's
    // queue made a run holding 100,000 messages take minutes.
    let holds = |p: &crate::sim::model::Replica| -> HashSet<MsgId> {
        p.ready
            .values()
            .map(|e| e.msg)
            .chain(p.unacked.keys().copied())
            .collect()
    };
    let live: HashSet<(usize, MsgId)> = sim
        .procs
        .iter()
        .filter(|p| p.alive)
        .flat_map(|p| holds(p).into_iter().map(move |m| (p.queue.0, m)))
        .collect();
    let mut masters: BTreeMap<usize, HashSet<MsgId>> = BTreeMap::new();
    for c in &sim.clients {
        for &(_, msg, outcome, _) in &c.confirms {
            if outcome != ConfirmOutcome::Ack || deliveries.contains_key(&msg) {
                continue;
            }
            let m = &sim.messages[(msg.0 - 1) as usize];
            let Some(q) = m.queue else { continue };
            let held = live.contains(&(q.0, msg));
            let r = &sim.queues[q.0];
            let on_disk = !r.deleted
                && matches!(r.state, QueueState::Down | QueueState::Stopped)
                && r.durable
                && m.persistent
                && masters
                    .entry(r.master.0)
                    .or_insert_with(|| holds(&sim.procs[r.master.0]))
                    .contains(&msg);
            if !held && !on_disk && !r.max_length_dropped(msg) {
                // A deleted record took the message with it: that deletion is the cause.
                let deleted = if r.deleted {
                    deletions
                        .entry(q.0)
                        .or_insert_with(|| deletion(sim, r))
                        .clone()
                } else {
                    None
                };
                let at = deleted
                    .as_ref()
                    .map_or(sim.now(), |(i, _)| sim.trace[*i].at);
                out.push(Anomaly {
                    kind: AnomalyKind::Lost,
                    msg,
                    body: m.body.clone(),
                    at,
                    detail: format!(
                        "confirmed to {} but held by no replica of '{}'",
                        c.name, r.name
                    ),
                    cause: deleted.or_else(|| cause_before(sim, at)),
                });
            }
        }
    }
    // Reordering per publisher, as each consumer saw first deliveries.
    for c in &sim.clients {
        let mut last: BTreeMap<usize, u64> = BTreeMap::new();
        for d in c.deliveries.iter().filter(|d| !d.redelivered) {
            let Some((p, seq)) = sim.messages[(d.msg.0 - 1) as usize].publisher else {
                continue;
            };
            let prev = last.entry(p.0).or_insert(0);
            if seq < *prev {
                out.push(Anomaly {
                    kind: AnomalyKind::Reordered,
                    msg: d.msg,
                    body: d.body.clone(),
                    at: d.at,
                    detail: format!("{} got publish seq {} after seq {}", c.name, seq, prev),
                    cause: cause_before(sim, d.at),
                });
            } else {
                *prev = seq;
            }
        }
    }
    out.sort_by_key(|a| (a.at, a.msg));
    out
}

/// The trace entry that deleted a queue record, if the trace tells.
fn deletion(sim: &Sim, r: &crate::sim::model::QueueRecord) -> Option<(usize, String)> {
    sim.trace
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, e)| match &e.kind {
            TraceKind::State { change, .. }
                if change
                    .deleted_queue()
                    .is_some_and(|q| q.name == r.name && q.vhost == r.vhost) =>
            {
                Some((i, change.to_string()))
            }
            _ => None,
        })
}

fn cause_before(sim: &Sim, at: Micros) -> Option<(usize, String)> {
    sim.trace
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, e)| match &e.kind {
            TraceKind::State {
                change,
                importance: Importance::Notable,
            } if e.at <= at => Some((i, change.to_string())),
            _ => None,
        })
}
