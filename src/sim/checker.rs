//! The invariant checker: reads the run and reports what RabbitMQ's real semantics allowed to
//! happen — confirmed messages lost, duplicates, acked messages that came back, reordering.
//! These are behaviours of classic mirrored queues, reported to teach them, not simulator bugs.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use crate::sim::engine::Sim;
use crate::sim::model::{ConfirmOutcome, FoundLoss, LossWatch, MsgId, QueueId, QueueState};
use crate::sim::state_change::StateChange;
use crate::sim::time::Micros;
use crate::sim::trace::{Importance, Trace, TraceKind};

/// What kind of anomaly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnomalyKind {
    /// Confirmed to its publisher, and now on no replica and never consumed.
    Lost,
    /// Published but never confirmed (no confirm mode, or the confirm never came), never
    /// delivered, and now on no replica. A nacked publish is not counted: its publisher was
    /// told to publish it again.
    LostUnconfirmed,
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
            AnomalyKind::LostUnconfirmed => "lost_unconfirmed",
            AnomalyKind::Duplicate => "duplicate",
            AnomalyKind::AckedCameBack => "acked_came_back",
            AnomalyKind::Reordered => "reordered",
        }
    }
}

/// What the checker saw, as data: its `Display` is the English of `mirrorscope run`'s report,
/// and the page writes it in the reader's language from the fields.
#[derive(Debug, Clone, PartialEq)]
pub enum AnomalyDetail {
    /// Delivered `times` times; `warned` when every repeat carried redelivered=true.
    Delivered { times: usize, warned: bool },
    /// Acked by `client` at `acked`, delivered again at `again`.
    CameBack {
        client: String,
        acked: Micros,
        again: Micros,
    },
    /// Confirmed to `client`, held by no replica of `queue`.
    ConfirmedLost { client: String, queue: String },
    /// Published to `queue`, never delivered, held by no replica.
    UnconfirmedLost { queue: String },
    /// `client` got publish `seq` after `after`.
    Reordered {
        client: String,
        seq: u64,
        after: u64,
    },
}

impl fmt::Display for AnomalyDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnomalyDetail::Delivered { times, warned } => write!(
                f,
                "delivered {times} times; {}",
                if *warned {
                    "each repeat carried redelivered=true"
                } else {
                    "a repeat came with redelivered=false"
                }
            ),
            AnomalyDetail::CameBack {
                client,
                acked,
                again,
            } => write!(
                f,
                "acked by {client} at {acked}, delivered again at {again}"
            ),
            AnomalyDetail::ConfirmedLost { client, queue } => write!(
                f,
                "confirmed to {client} but held by no replica of '{queue}'"
            ),
            AnomalyDetail::UnconfirmedLost { queue } => write!(
                f,
                "published to '{queue}', never delivered, held by no replica"
            ),
            AnomalyDetail::Reordered { client, seq, after } => {
                write!(f, "{client} got publish seq {seq} after seq {after}")
            }
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
    pub detail: AnomalyDetail,
    /// The last notable trace event (failover, drop, veto) at or before `at`.
    pub cause: Option<(usize, String)>,
}

/// Checks the run so far.
pub fn check(sim: &Sim) -> Vec<Anomaly> {
    let mut out = Vec::new();
    // Every delivery of every message, in time order.
    // (received at, client index, redelivered flag, acked at, requeued by the client)
    type Seen = (Micros, usize, bool, Option<Micros>, bool);
    // Only a message delivered more than once can be a duplicate or come back after its ack:
    // the others (nearly all) are counted, never collected, as the page checks a long run
    // several times a second.
    let mut times = vec![0u8; sim.messages.len() + 1];
    for d in sim.clients.iter().flat_map(|c| &c.deliveries) {
        if let Some(n) = times.get_mut(d.msg.0 as usize) {
            *n = n.saturating_add(1);
        }
    }
    let repeated = |m: MsgId| times.get(m.0 as usize).is_none_or(|&n| n > 1);
    let mut deliveries: BTreeMap<MsgId, Vec<Seen>> = BTreeMap::new();
    for (ci, c) in sim.clients.iter().enumerate() {
        for d in c.deliveries.iter().filter(|d| repeated(d.msg)) {
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
        crate::sort::sort_by_key(v, |x| x.0);
    }
    let body = |m: MsgId| sim.messages[(m.0 - 1) as usize].body.to_string();
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
                detail: AnomalyDetail::Delivered {
                    times: ds.len(),
                    warned,
                },
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
                        detail: AnomalyDetail::CameBack {
                            client: sim.clients[d.1].name.clone(),
                            acked,
                            again: again.0,
                        },
                        cause: cause_before(sim, again.0),
                    });
                    break;
                }
            }
        }
    }
    // Lost: never delivered, held by no replica (nor by a down durable master's disk), not in
    // flight, found by the watch the engine keeps up to date.
    let settled;
    let watch = if sim.losses_settled() {
        &sim.losses
    } else {
        let mut w = sim.losses.clone();
        sim.look_for_losses(&mut w, true);
        settled = w;
        &settled
    };
    // Who was told each lost message was confirmed: read only when something was lost (every
    // publish of a long run has its confirm).
    let lost: HashSet<MsgId> = watch
        .lost
        .iter()
        .map(|f| sim.messages[(f.msg.0 - 1) as usize].confirmed_as())
        .collect();
    // Built by `extend`, not `collect`: collecting into a BTreeMap sorts its input with std's
    // stable sort, about nine functions of wasm for this one map (see crate::sort). Both keep
    // the last client for a message.
    let mut confirmed: BTreeMap<MsgId, &str> = BTreeMap::new();
    confirmed.extend(
        sim.clients
            .iter()
            .filter(|_| !lost.is_empty())
            .flat_map(|c| {
                c.confirms
                    .iter()
                    .filter(|x| x.2 == ConfirmOutcome::Ack && lost.contains(&x.1))
                    .map(move |x| (x.1, c.name.as_str()))
            }),
    );
    // A nacked publish is not a loss: the broker told its publisher to publish it again.
    let nacked: HashSet<MsgId> = sim
        .clients
        .iter()
        .filter(|_| !lost.is_empty())
        .flat_map(|c| c.confirms.iter())
        .filter(|x| x.2 == ConfirmOutcome::Nack && lost.contains(&x.1))
        .map(|x| x.1)
        .collect();
    for f in &watch.lost {
        let m = &sim.messages[(f.msg.0 - 1) as usize];
        let Some(q) = m.queue else { continue };
        let name = &sim.queues[q.0].name;
        let (kind, detail) = match confirmed.get(&m.confirmed_as()) {
            Some(client) => (
                AnomalyKind::Lost,
                AnomalyDetail::ConfirmedLost {
                    client: client.to_string(),
                    queue: name.clone(),
                },
            ),
            None if nacked.contains(&m.confirmed_as()) => continue,
            None => (
                AnomalyKind::LostUnconfirmed,
                AnomalyDetail::UnconfirmedLost {
                    queue: name.clone(),
                },
            ),
        };
        out.push(Anomaly {
            kind,
            msg: f.msg,
            body: m.body.to_string(),
            at: f.at,
            detail,
            cause: f.cause.clone(),
        });
    }
    // Reordering per publisher and queue (RabbitMQ orders only within a queue), as each
    // consumer saw first deliveries.
    for c in &sim.clients {
        let mut last: BTreeMap<(usize, &str), u64> = BTreeMap::new();
        for d in c.deliveries.iter().filter(|d| !d.redelivered) {
            let Some((p, seq)) = sim.messages[(d.msg.0 - 1) as usize].publisher else {
                continue;
            };
            let prev = last.entry((p.0, &*d.queue)).or_insert(0);
            if seq < *prev {
                out.push(Anomaly {
                    kind: AnomalyKind::Reordered,
                    msg: d.msg,
                    body: d.body.to_string(),
                    at: d.at,
                    detail: AnomalyDetail::Reordered {
                        client: c.name.clone(),
                        seq,
                        after: *prev,
                    },
                    cause: cause_before(sim, d.at),
                });
            } else {
                *prev = seq;
            }
        }
    }
    crate::sort::sort_by_key(&mut out, |a| (a.at, a.msg));
    out
}

/// Whether a trace entry may have taken messages from a replica: any state change but a
/// confirm, or a message lost in flight.
fn may_take_messages(kind: &TraceKind) -> bool {
    match kind {
        TraceKind::State { change, .. } => !matches!(**change, StateChange::Confirm { .. }),
        TraceKind::Lost { .. } => true,
        _ => false,
    }
}

/// Notes the trace entries not read yet that may have taken a replica's messages.
fn read_trace(trace: &Trace, w: &mut LossWatch) {
    // Addresses, not positions: the oldest entries may have been thinned away since.
    if w.suspect_from.is_none() {
        let unread = trace.since(w.read);
        if let Some(i) = unread.iter().position(|e| may_take_messages(&e.kind)) {
            w.suspect_from = Some(trace.len() - unread.len() + i);
        }
    }
    w.read = trace.len();
}

fn cause_before(sim: &Sim, at: Micros) -> Option<(usize, String)> {
    // Through the trace's own look-up: it answers the same once the entry is thinned away.
    sim.trace
        .last_notable_at_or_before(at)
        .and_then(|(i, e)| match &e.kind {
            TraceKind::State { change, .. } => Some((i, change.to_string())),
            _ => None,
        })
}

impl Sim {
    /// Reads what the steps since the last call added to the run; when one of them may have
    /// taken messages from a replica (or a message that was only in flight has arrived by
    /// now), looks which watched messages no replica holds any more. Called by the engine
    /// between steps, so each loss is found at the step that caused it.
    pub(crate) fn watch_losses(&mut self) {
        // Runs before every event and nearly always finds nothing to look at: the watch is
        // moved out (and back) only when there is.
        read_trace(&self.trace, &mut self.losses);
        let w = &self.losses;
        let due = w.look_again_at.is_some_and(|t| t <= self.now);
        if w.suspect_from.is_some() || due || !w.dropped_at_publish.is_empty() {
            let mut w = std::mem::take(&mut self.losses);
            self.look_for_losses(&mut w, false);
            self.losses = w;
        }
    }

    /// Whether the watch has read the whole run and has nothing left to look at.
    pub(crate) fn losses_settled(&self) -> bool {
        let w = &self.losses;
        w.read == self.trace.len()
            && w.suspect_from.is_none()
            && w.dropped_at_publish.is_empty()
            && w.look_again_at.is_none_or(|t| t > self.now)
            && w.published == self.messages.len()
            && w.deliveries_read.len() == self.clients.len()
            && self
                .clients
                .iter()
                .zip(&w.deliveries_read)
                .all(|(c, &n)| c.deliveries.len() == n)
    }

    /// Moves the watch to now: new messages are watched, delivered ones are not; every
    /// watched message that no replica holds and nothing carries is lost, its cause the first
    /// suspect entry since the last look (or, on a `final_look` with none, the last notable
    /// entry). A message found lost that a replica holds again (a node's disk recovered) or
    /// that was delivered after all is taken back.
    pub(crate) fn look_for_losses(&self, w: &mut LossWatch, final_look: bool) {
        read_trace(&self.trace, w);
        for m in self.messages.range(w.published..) {
            if m.queue.is_some() {
                w.open.insert(m.id);
            }
        }
        w.published = self.messages.len();
        w.deliveries_read.resize(self.clients.len(), 0);
        let mut delivered = HashSet::new();
        for (c, read) in self.clients.iter().zip(w.deliveries_read.iter_mut()) {
            for d in c.deliveries.range(*read..) {
                w.open.remove(&d.msg);
                delivered.insert(d.msg);
            }
            *read = c.deliveries.len();
        }
        if !delivered.is_empty() {
            w.lost.retain(|f| !delivered.contains(&f.msg));
        }
        for (msg, at) in std::mem::take(&mut w.dropped_at_publish) {
            if w.open.remove(&msg) {
                let cause = cause_before(self, at);
                w.lost.push(FoundLoss { msg, at, cause });
            }
        }
        let suspect = w.suspect_from.take();
        if suspect.is_none() && !final_look && w.look_again_at.is_none() {
            return;
        }
        let held = self.held_msgs();
        let flying = self.msgs_in_flight();
        let is_held = |m: MsgId| held.get(m.0 as usize).copied().unwrap_or(false);
        let arrives = |m: MsgId| flying.get(m.0 as usize).copied().flatten();
        // Found lost, but a replica holds it again: watched again.
        let back: Vec<MsgId> = w
            .lost
            .iter()
            .filter(|f| is_held(f.msg) || arrives(f.msg).is_some())
            .map(|f| f.msg)
            .collect();
        if !back.is_empty() {
            w.lost.retain(|f| !back.contains(&f.msg));
            w.open.extend(back);
        }
        let mut next_look: Option<Micros> = None;
        let mut gone = Vec::new();
        for &msg in &w.open {
            if is_held(msg) {
                continue;
            }
            if let Some(t) = arrives(msg) {
                if t > self.now {
                    next_look = Some(next_look.map_or(t, |n| n.min(t)));
                }
                continue;
            }
            let m = &self.messages[(msg.0 - 1) as usize];
            let Some(q) = m.queue else { continue };
            if self.queues[q.0].max_length_dropped(msg) {
                continue;
            }
            gone.push(msg);
        }
        for msg in gone {
            w.open.remove(&msg);
            let q = self.messages[(msg.0 - 1) as usize].queue;
            let cause = suspect
                .and_then(|from| self.cause_from(from, q))
                .or_else(|| cause_before(self, self.now));
            let at = cause
                .as_ref()
                .map_or(self.now, |(i, _)| self.entry_time(*i));
            w.lost.push(FoundLoss { msg, at, cause });
        }
        w.look_again_at = next_look;
    }

    /// The time of trace entry `i`: a cause's, which may be the last notable change kept
    /// aside by a thinned trace.
    fn entry_time(&self, i: usize) -> Micros {
        match self.trace.get(i) {
            Some(e) => e.at,
            None => self
                .trace
                .last_notable_at_or_before(self.now)
                .filter(|(a, _)| *a == i)
                .map_or(self.now, |(_, e)| e.at),
        }
    }

    /// The entry from `from` on that most likely took the last replica: the first notable
    /// one naming the message's queue, else the first naming it, else the first notable one,
    /// else the first that may have taken a replica's messages.
    fn cause_from(&self, from: usize, q: Option<QueueId>) -> Option<(usize, String)> {
        let record = q.map(|q| self.queue(q));
        let about_it = |change: &StateChange| {
            change
                .queue()
                .zip(record)
                .is_some_and(|(n, r)| n.name == r.name && n.vhost == r.vhost)
        };
        // (notable and naming the queue, naming the queue, notable, any)
        let mut best: [Option<(usize, String)>; 4] = Default::default();
        for (i, e) in self.trace.addressed_from(from) {
            if !may_take_messages(&e.kind) {
                continue;
            }
            let (names, notable) = match &e.kind {
                TraceKind::State { change, importance } => {
                    (about_it(change), *importance == Importance::Notable)
                }
                _ => (false, true),
            };
            for (slot, fits) in [names && notable, names, notable, true]
                .into_iter()
                .enumerate()
            {
                if fits && best[slot].is_none() {
                    let text = match &e.kind {
                        TraceKind::State { change, .. } => change.to_string(),
                        TraceKind::Lost { id, reason } => {
                            format!("message #{id} lost in flight: {reason}")
                        }
                        // Not read: only entries that may take messages get here.
                        _ => String::new(),
                    };
                    best[slot] = Some((i, text));
                }
            }
            if best[0].is_some() {
                break;
            }
        }
        best.into_iter().flatten().next()
    }

    /// Every message a replica holds: a live process's queue, pending acks and channel copies
    /// not yet seen over GM, and the persistent messages a down durable queue's master keeps
    /// on its disk.
    fn held_msgs(&self) -> Vec<bool> {
        // Indexed by message id (dense from 1): filled without hashing, as a look runs often.
        let mut held = vec![false; self.messages.len() + 1];
        let mut hold = |m: MsgId| {
            if let Some(h) = held.get_mut(m.0 as usize) {
                *h = true;
            }
        };
        for p in self.procs.iter().filter(|p| p.alive) {
            p.ready.values().for_each(|e| hold(e.msg));
            p.unacked.keys().for_each(|&m| hold(m));
            p.chan_pending.iter().for_each(|(m, _)| hold(*m));
        }
        for r in &self.queues {
            if r.deleted || !r.durable || !matches!(r.state, QueueState::Down | QueueState::Stopped)
            {
                continue;
            }
            let master = &self.procs[r.master.0];
            let persistent = |m: &MsgId| self.messages[(m.0 - 1) as usize].persistent;
            master
                .ready
                .values()
                .map(|e| e.msg)
                .filter(persistent)
                .for_each(&mut hold);
            master
                .unacked
                .keys()
                .copied()
                .filter(persistent)
                .for_each(&mut hold);
        }
        held
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::checker::{check, AnomalyDetail, AnomalyKind};
    use crate::sim::scenario::run_text;
    use crate::sim::time::Micros;

    #[test]
    fn ordering_is_checked_within_a_queue_only() {
        // The consumer drains qb before qa: the publisher's later messages come first, but
        // they are on another queue, which RabbitMQ never orders against the first.
        let run = run_text(
            "cluster nodes=1\nclient p node=node1\np declare qa\np declare qb\n\
             p publish qa \"a\" count=2\np publish qb \"b\" count=2\nwait 10ms\n\
             client c node=node1\nc consume qb ack=auto\nwait 10ms\nc consume qa ack=auto\nwait 10ms\n",
            None,
        )
        .unwrap();
        assert_eq!(run.sim.clients[1].deliveries.len(), 4);
        assert_eq!(check(&run.sim), vec![]);
    }

    #[test]
    fn a_loss_names_the_event_that_took_the_last_replica_and_its_time() {
        // Transient messages in an unmirrored durable queue die with node1's crash at 100 ms
        // (the queue goes down in that step); node3's later crash is the run's last notable
        // event, and not the cause.
        let run = run_text(
            "cluster nodes=3\nclient p node=node1\np declare q durable\np confirm\n\
             p publish q \"m\" count=2 transient\nwait 100ms\nkill node1\nwait 1s\n\
             kill node3\nwait 1s\n",
            None,
        )
        .unwrap();
        let found = check(&run.sim);
        assert_eq!(found.len(), 2, "{found:?}");
        for a in &found {
            assert_eq!(a.kind, AnomalyKind::Lost);
            assert_eq!(a.at, Micros::from_ms(100));
            let (_, text) = a.cause.as_ref().expect("a cause");
            assert!(text.contains("rabbit@node1"), "{text}");
            assert!(!text.contains("rabbit@node3"), "{text}");
        }
    }

    #[test]
    fn an_unconfirmed_loss_is_reported_apart_from_confirmed_ones() {
        let run = run_text(
            "cluster nodes=2\nclient p node=node1\np declare q durable\n\
             p publish q \"m\" count=3 transient\nwait 100ms\nkill node1\nwait 1s\n",
            None,
        )
        .unwrap();
        let found = check(&run.sim);
        assert_eq!(found.len(), 3, "{found:?}");
        for a in &found {
            assert_eq!(a.kind, AnomalyKind::LostUnconfirmed);
            assert_eq!(
                a.detail,
                AnomalyDetail::UnconfirmedLost { queue: "q".into() }
            );
            assert_eq!(
                a.detail.to_string(),
                "published to 'q', never delivered, held by no replica"
            );
        }
    }
}
