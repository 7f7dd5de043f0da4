//! Reads a finished cell's run into figures: everything comes from the trace and the final
//! state of the simulator, nothing from a clock.

use serde::Serialize;

use crate::lab::params::CostModel;
use crate::lab::scenario::{QUEUE, SETTLE_MS};
use crate::sim::engine::Sim;
use crate::sim::model::ConfirmOutcome;
use crate::sim::state_change::{StateChange, SyncEnd};
use crate::sim::time::Micros;
use crate::sim::trace::{Endpoint, TraceKind};
pub use crate::sim::wire::carries_bodies;

/// What the traffic of a run cost, counted frame by frame from the trace's sends.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Traffic {
    /// Frames between two different nodes (the cluster's network).
    pub wire_frames: u64,
    /// Their bytes: per frame the overhead plus the size of each message body it carries.
    pub wire_bytes: u64,
    /// Every traced frame, client links and frames inside a node included.
    pub all_frames: u64,
    pub all_bytes: u64,
    /// The cluster-network frames and bytes by kind (`MsgKind::as_str`), in first-seen order.
    pub wire_by_kind: Vec<(&'static str, u64, u64)>,
}

/// Counts the frames the trace sent, and their bytes by the cost model.
pub fn traffic(sim: &Sim, size: u64, cost: &CostModel) -> Traffic {
    let mut t = Traffic::default();
    for ev in &sim.trace {
        let TraceKind::Send {
            from,
            to,
            kind,
            msgs,
            ..
        } = &ev.kind
        else {
            continue;
        };
        let bodies = if carries_bodies(*kind) {
            msgs.len() as u64
        } else {
            0
        };
        let bytes = cost.frame_overhead + bodies * size;
        t.all_frames += 1;
        t.all_bytes += bytes;
        if endpoint_node(sim, *from) != endpoint_node(sim, *to) {
            t.wire_frames += 1;
            t.wire_bytes += bytes;
            let name = kind.as_str();
            match t.wire_by_kind.iter_mut().find(|k| k.0 == name) {
                Some(k) => {
                    k.1 += 1;
                    k.2 += bytes;
                }
                None => t.wire_by_kind.push((name, 1, bytes)),
            }
        }
    }
    t
}

fn endpoint_node(sim: &Sim, e: Endpoint) -> usize {
    match e {
        Endpoint::Proc(p) => sim.proc_node(p),
        Endpoint::Client(c) => sim.clients[c.0].node,
        Endpoint::Node(n) => n,
    }
}

/// Publish→confirm latencies (µs) of every message confirmed with an ack, sorted.
pub fn confirm_latencies(sim: &Sim) -> Vec<u64> {
    let mut v: Vec<u64> = sim
        .clients
        .iter()
        .flat_map(|c| c.confirms.iter())
        .filter(|(_, _, outcome, _)| *outcome == ConfirmOutcome::Ack)
        .map(|(_, msg, _, at)| {
            let published = sim.messages[(msg.0 - 1) as usize].published_at;
            at.0.saturating_sub(published.0)
        })
        .collect();
    crate::sort::sort(&mut v);
    v
}

/// The `q`-quantile (0–1) of sorted values, nearest rank; `None` when there are none.
pub fn quantile(sorted: &[u64], q: f64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

/// Confirms (acks) that arrived in the measured phase, `seconds` long after the settle time.
pub fn confirms_in_phase(sim: &Sim, seconds: u32) -> u64 {
    let start = Micros::from_ms(SETTLE_MS);
    let end = start.saturating_add(Micros::from_secs(u64::from(seconds)));
    sim.clients
        .iter()
        .flat_map(|c| c.confirms.iter())
        .filter(|(_, _, o, at)| *o == ConfirmOutcome::Ack && *at > start && *at <= end)
        .count() as u64
}

/// Messages each live replica of the lab queue holds (ready and unacked), master first.
pub fn held_per_replica(sim: &Sim) -> Vec<u64> {
    let Some(q) = sim.queues.iter().find(|q| !q.deleted && q.name == QUEUE) else {
        return Vec::new();
    };
    std::iter::once(q.master)
        .chain(q.mirrors.iter().copied())
        .filter(|p| sim.procs[p.0].alive)
        .map(|p| {
            let r = &sim.procs[p.0];
            (r.ready.len() + r.unacked.len()) as u64
        })
        .collect()
}

/// Messages published in the run.
pub fn published(sim: &Sim) -> u64 {
    sim.messages.len() as u64
}

/// From the start of the first eager sync to its mirror's being synchronised, µs.
pub fn sync_time(sim: &Sim) -> Option<u64> {
    let mut started = None;
    for ev in &sim.trace {
        let TraceKind::State { change, .. } = &ev.kind else {
            continue;
        };
        match (&**change, started) {
            (StateChange::SyncStarted { .. }, None) => started = Some(ev.at),
            (StateChange::Synchronised { .. }, Some(s)) => return Some(ev.at.0 - s.0),
            (
                StateChange::SyncFinished {
                    end: SyncEnd::Cancelled,
                    ..
                },
                Some(_),
            ) => return None,
            _ => {}
        }
    }
    None
}

/// From the `partition` line to the first and the last node's declaring a peer down, µs.
pub fn detection(sim: &Sim) -> Option<(u64, u64)> {
    let cut = sim.trace.iter().find_map(|ev| match &ev.kind {
        TraceKind::Input { text } if text.starts_with("partition") => Some(ev.at),
        _ => None,
    })?;
    let downs: Vec<u64> = sim
        .trace
        .iter()
        .filter(|ev| {
            matches!(&ev.kind, TraceKind::State { change, .. }
                if matches!(**change, StateChange::NetTickTimeout { ticktime_secs: Some(_), .. }))
        })
        .map(|ev| ev.at.0 - cut.0)
        .collect();
    Some((*downs.iter().min()?, *downs.iter().max()?))
}

/// The batch size the first eager sync announced.
pub fn sync_batch(sim: &Sim) -> Option<u32> {
    sim.trace.iter().find_map(|ev| match &ev.kind {
        TraceKind::State { change, .. } => match **change {
            StateChange::SyncStarted { batch, .. } => Some(batch),
            _ => None,
        },
        _ => None,
    })
}
