//! Failover (spec §6.2): GM reports a death to the survivors only after they hold everything
//! the dead member put on the ring; then the oldest live mirror is promoted, subject to
//! `ha-promote-on-failure`.

use crate::sim::engine::{Ev, Payload, Sim};
use crate::sim::model::*;
use crate::sim::policy::definition::Promote;
use crate::sim::state_change::StateChange;
use crate::sim::time::Micros;
use crate::sim::trace::{Endpoint, MsgKind};

impl Sim {
    pub(crate) fn on_gm_deaths(&mut self, q: QueueId, dead: Vec<ProcId>) {
        if self.queues[q.0].deleted {
            return;
        }
        self.queues[q.0].ring.retain(|p| !dead.contains(p));
        self.queues[q.0].gm_version += 1;
        let master = self.queues[q.0].master;
        if !dead.contains(&master) {
            // Mirror deaths: the master's coordinator drops them from the record.
            let r = &mut self.queues[q.0];
            r.mirrors.retain(|p| !dead.contains(p));
            r.synced.retain(|p| !dead.contains(p));
            self.refresh_recoverable(q);
            self.end_sync_without_mirrors(q);
            // The dead member's new left neighbour re-sends what was in flight through it.
            let survivors = self.live_mirrors(q);
            if self.procs[master.0].alive {
                self.gm_catchup(master, &survivors);
            }
            if self.queue_available(q) && self.queues[q.0].is_mirrored() {
                // slaves_to_start_on_failure: only `exactly` finds new nodes.
                self.update_mirrors(q);
            }
            return;
        }
        // Channels see the master go: consumers with x-cancel-on-ha-failover are cancelled.
        self.cancel_consumers(q, master, |k| k.cancel_on_failover);
        let survivors = self.live_mirrors(q);
        if survivors.is_empty() {
            self.queue_goes_down(q);
            return;
        }
        // Catchup: whatever of the master's broadcasts reached any survivor reaches them all.
        let latest = self.gm_catchup(master, &survivors);
        for &s in &survivors {
            self.schedule(
                latest + Micros(1),
                Ev::MembersChanged {
                    queue: q,
                    member: s,
                    dead: vec![master],
                },
            );
        }
    }

    pub(crate) fn on_members_changed(&mut self, q: QueueId, member: ProcId, dead: Vec<ProcId>) {
        let r = &self.queues[q.0];
        if r.deleted || !dead.contains(&r.master) || self.procs[r.master.0].alive {
            return; // already promoted
        }
        if !self.procs[member.0].alive {
            return;
        }
        // remove_from_queue: the first live entry of slave_pids is promoted.
        let oldest = r.mirrors.iter().copied().find(|&p| self.procs[p.0].alive);
        if oldest != Some(member) {
            return;
        }
        let live_synced = r.synced.iter().any(|&p| self.procs[p.0].alive);
        if r.effective.promote_on_failure() == Promote::WhenSynced && !live_synced {
            self.changed(StateChange::PromotionRefused {
                queue: self.queue_name(q),
            });
            for p in self.queues[q.0].mirrors.clone() {
                self.kill_proc(p);
                self.fail_pending_confirms_of(p);
            }
            let r = &mut self.queues[q.0];
            r.mirrors.clear();
            r.synced.clear();
            self.queue_goes_down(q);
            return;
        }
        self.promote(q, member);
    }

    /// `promote_me`: the mirror becomes master, requeues what it held as pending-ack and
    /// enqueues publishes it had only from channels.
    fn promote(&mut self, q: QueueId, p: ProcId) {
        self.changed(StateChange::Promoted {
            queue: self.queue_name(q),
            pid: self.pid_string(p),
        });
        {
            let r = &mut self.queues[q.0];
            r.master = p;
            r.mirrors.retain(|&x| x != p);
            r.synced.retain(|&x| x != p);
            r.state = QueueState::Running;
            r.down_since = None;
            // The old master's eager sync died with it.
            r.sync = None;
        }
        let pr = &mut self.procs[p.0];
        pr.role = Role::Master;
        pr.master_from = Some(self.trace.len());
        pr.depth_delta = None;
        let requeued: Vec<MsgId> = pr.unacked.keys().copied().collect();
        for u in std::mem::take(&mut pr.unacked).into_values() {
            pr.ready.insert(
                u.pos,
                Entry {
                    msg: u.entry.msg,
                    delivered: true,
                },
            );
        }
        let mut next = pr
            .ready
            .keys()
            .next_back()
            .copied()
            .unwrap_or(0)
            .max(self.queues[q.0].next_pos);
        let pending = std::mem::take(&mut pr.chan_pending);
        let mut to_confirm = Vec::new();
        let mut enqueued = Vec::new();
        for (msg, tag) in pending {
            next += 1;
            enqueued.push((msg, next));
            self.procs[p.0].ready.insert(
                next,
                Entry {
                    msg,
                    delivered: true,
                },
            );
            if let Some((c, seq)) = tag {
                to_confirm.push((c, seq, msg));
            }
        }
        self.queues[q.0].next_pos = next + 1;
        self.rejoin_after_promotion(q);
        self.refresh_recoverable(q);
        if !requeued.is_empty() {
            self.gm_broadcast(p, GmOp::Requeue { msgs: requeued });
        }
        // The remaining mirrors learn of these publishes over GM, like any other.
        for (msg, pos) in enqueued {
            self.gm_broadcast(p, GmOp::Publish { msg, pos });
        }
        self.gm_broadcast(p, GmOp::Depth);
        for (c, seq, msg) in to_confirm {
            self.send_replica_confirm(p, c, seq, msg);
        }
        if self.queues[q.0].is_mirrored() {
            self.update_mirrors(q);
        }
        self.maybe_auto_sync(q);
        self.retry_waiting(q);
        self.try_deliver(q);
    }
    /// GM's catchup after a view change: the member holding the most of `origin`'s
    /// unacknowledged broadcasts sends each survivor what it missed. Returns when the last
    /// catchup arrives.
    pub(crate) fn gm_catchup(&mut self, origin: ProcId, survivors: &[ProcId]) -> Micros {
        let seen_by = |sim: &Sim, p: ProcId| {
            sim.procs[p.0]
                .gm
                .last_seen
                .get(&origin)
                .copied()
                .unwrap_or(0)
        };
        let mut holders: Vec<ProcId> = survivors.to_vec();
        if self.procs[origin.0].alive {
            holders.push(origin);
        }
        let mut latest = self.now;
        let Some(best) = holders.iter().copied().max_by_key(|&p| seen_by(self, p)) else {
            return latest;
        };
        let best_seen = seen_by(self, best);
        let best_pending = self.procs[best.0]
            .gm
            .pending
            .get(&origin)
            .cloned()
            .unwrap_or_default();
        for &s in survivors {
            let seen = seen_by(self, s);
            if s == best || seen >= best_seen {
                continue;
            }
            let missing: Vec<GmPub> = best_pending
                .iter()
                .filter(|p| p.num > seen)
                .cloned()
                .collect();
            if missing.is_empty() {
                continue;
            }
            let msgs = crate::sim::dataplane::gm::msgs_of(&missing);
            let before = self.trace.len();
            self.send(
                Endpoint::Proc(best),
                Endpoint::Proc(s),
                MsgKind::GmCatchup,
                format!("gm catchup ({} pubs)", missing.len()),
                Payload::Gm {
                    to: s,
                    origin,
                    pubs: missing,
                    acks_upto: None,
                    msgs,
                },
                Micros::ZERO,
            );
            if let Some(crate::sim::trace::TraceEvent {
                kind: crate::sim::trace::TraceKind::Send { arrive, .. },
                ..
            }) = self.trace.get(before)
            {
                latest = latest.max(*arrive);
            }
        }
        latest
    }
}

impl Sim {
    /// Whether a queue mastered on `n` lost its master and still has a live mirror that is
    /// to be promoted: until that promotion, a start of `n` would recover the queue from `n`'s
    /// disk and throw the synchronised mirrors away, which a real restart never does (its
    /// stop completes, mirrors promoted, before its start begins).
    pub(crate) fn failover_pending_from(&self, n: usize) -> bool {
        self.queues.iter().any(|r| {
            !r.deleted
                && !self.procs[r.master.0].alive
                && self.proc_node(r.master) == n
                && !matches!(r.state, QueueState::Down | QueueState::Stopped)
                && r.mirrors.iter().any(|&p| self.procs[p.0].alive)
        })
    }
}
