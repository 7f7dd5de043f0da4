//! Eager synchronisation (spec §5): the master, blocked, copies its whole queue to the
//! unsynchronised mirrors in batches of `ha-sync-batch-size`.

use crate::sim::engine::{Ev, Payload, Sim, SYNC_PER_MESSAGE};
use crate::sim::model::*;
use crate::sim::policy::definition::SyncMode;
use crate::sim::state_change::{StateChange, SyncEnd};
use crate::sim::time::Micros;
use crate::sim::trace::{Endpoint, MsgKind};

/// Why `sync_queue` could not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncError {
    NotMirrored,
    NotFound,
}

impl Sim {
    /// `ha-sync-mode: automatic` starts a sync whenever a mirror is unsynchronised.
    pub(crate) fn maybe_auto_sync(&mut self, q: QueueId) {
        if self.queues[q.0].effective.sync_mode() == SyncMode::Automatic {
            let _ = self.start_sync(q);
        }
    }

    fn unsynced_mirrors(&self, q: QueueId) -> Vec<ProcId> {
        let r = &self.queues[q.0];
        r.mirrors
            .iter()
            .copied()
            .filter(|&p| self.procs[p.0].alive && !r.synced.contains(&p))
            .collect()
    }

    /// Starts an eager sync; `Ok(false)` when every mirror is already synchronised.
    pub fn start_sync(&mut self, q: QueueId) -> Result<bool, SyncError> {
        if self.queues[q.0].deleted || !self.queue_available(q) {
            return Err(SyncError::NotFound);
        }
        if !self.queues[q.0].is_mirrored() {
            return Err(SyncError::NotMirrored);
        }
        if self.queues[q.0].state == QueueState::Syncing {
            return Ok(true);
        }
        let mirrors = self.unsynced_mirrors(q);
        if mirrors.is_empty() {
            return Ok(false);
        }
        let m = self.queues[q.0].master;
        let total = self.procs[m.0].depth();
        if total == 0 {
            // Nothing to copy: the next depth answer makes them synchronised.
            self.gm_broadcast(m, GmOp::Depth);
            return Ok(false);
        }
        for &p in &mirrors {
            let pr = &mut self.procs[p.0];
            pr.ready.clear();
            pr.unacked.clear();
        }
        let batch = self.queues[q.0].effective.sync_batch_size();
        let change = StateChange::SyncStarted {
            queue: self.queue_name(q),
            messages: total,
            batch,
            mirrors: mirrors.iter().map(|&p| self.pid_string(p)).collect(),
        };
        self.changed(change);
        let r = &mut self.queues[q.0];
        r.state = QueueState::Syncing;
        r.sync = Some(SyncRun {
            mirrors,
            total,
            sent: 0,
            batch: batch.into(),
            all_sent: false,
        });
        let now = self.now;
        self.schedule(now, Ev::SyncStep { queue: q });
        Ok(true)
    }

    pub(crate) fn on_sync_step(&mut self, q: QueueId) {
        let Some(run) = self.queues[q.0].sync.clone() else {
            return;
        };
        let m = self.queues[q.0].master;
        if !self.procs[m.0].alive {
            return;
        }
        let mut all: Vec<(u64, Entry, bool)> = self.procs[m.0]
            .ready
            .iter()
            .map(|(&p, &e)| (p, e, false))
            .chain(
                self.procs[m.0]
                    .unacked
                    .values()
                    .map(|u| (u.pos, u.entry, true)),
            )
            .collect();
        crate::sort::sort_by_key(&mut all, |(p, _, _)| *p);
        let from = run.sent as usize;
        let to = (from + run.batch as usize).min(all.len());
        let chunk: Vec<(u64, Entry, bool)> = all[from..to].to_vec();
        let last = to >= all.len();
        let extra = Micros(SYNC_PER_MESSAGE.0 * chunk.len() as u64);
        for p in self.sync_targets(q, &run) {
            self.send(
                Endpoint::Proc(m),
                Endpoint::Proc(p),
                MsgKind::SyncBatch,
                format!("sync batch {}..{} of {}", from + 1, to, run.total),
                Payload::SyncBatch {
                    queue: q,
                    to: p,
                    entries: chunk.clone(),
                    last,
                },
                extra,
            );
        }
        if let Some(s) = self.queues[q.0].sync.as_mut() {
            s.sent = to as u64;
            s.all_sent = last;
        }
        if last {
            // The syncer hands the last batch on and the master's sync is over, whether or not
            // a mirror is left to take it (rabbit_mirror_queue_sync: master_done).
            self.end_sync_without_mirrors(q);
        } else {
            // The syncer waits for the mirrors to take each batch: about a round trip.
            let at = self.now + self.config.latency + self.config.latency + extra;
            self.schedule(at, Ev::SyncStep { queue: q });
        }
    }

    pub(crate) fn on_sync_batch(
        &mut self,
        q: QueueId,
        to: ProcId,
        entries: Vec<(u64, Entry, bool)>,
        last: bool,
    ) {
        if self.queues[q.0].sync.is_none() {
            return;
        }
        let pr = &mut self.procs[to.0];
        for (pos, e, unacked) in entries {
            let e = Entry {
                msg: e.msg,
                delivered: true,
            };
            if unacked {
                pr.unacked.insert(
                    e.msg,
                    Unacked {
                        entry: e,
                        pos,
                        client: None,
                        delivery_tag: 0,
                    },
                );
            } else {
                pr.ready.insert(pos, e);
            }
        }
        if !last {
            return;
        }
        self.record_synchronised(to);
        let done = self.queues[q.0].sync.as_ref().is_some_and(|s| {
            s.mirrors
                .iter()
                .all(|&p| !self.procs[p.0].alive || self.queues[q.0].synced.contains(&p))
        });
        if done {
            self.finish_sync(q, SyncEnd::Complete);
        }
    }

    /// The syncing mirrors still alive and still mirrors of the queue (a policy edit, a stop,
    /// a crash or a partition takes a mirror away in the middle of a sync).
    fn sync_targets(&self, q: QueueId, run: &SyncRun) -> Vec<ProcId> {
        let r = &self.queues[q.0];
        run.mirrors
            .iter()
            .copied()
            .filter(|&p| self.procs[p.0].alive && r.mirrors.contains(&p))
            .collect()
    }

    /// A syncing mirror went away: once the last batch is handed on and no mirror still waits
    /// for it, the sync is over and the queue delivers again (it must not stay `syncing`).
    pub(crate) fn end_sync_without_mirrors(&mut self, q: QueueId) {
        let Some(run) = self.queues[q.0].sync.clone() else {
            return;
        };
        let synced = &self.queues[q.0].synced;
        let waiting = self
            .sync_targets(q, &run)
            .iter()
            .any(|p| !synced.contains(p));
        if run.all_sent && !waiting {
            self.finish_sync(q, SyncEnd::Complete);
        }
    }

    fn finish_sync(&mut self, q: QueueId, end: SyncEnd) {
        let r = &mut self.queues[q.0];
        r.sync = None;
        if r.state == QueueState::Syncing {
            r.state = QueueState::Running;
        }
        let queue = self.queue_name(q);
        self.changed(StateChange::SyncFinished { queue, end });
        self.unblock(q);
        // A mirror that joined during the sync asked for one too (`maybe_auto_sync`): the
        // master, busy syncing, takes that call now.
        if end == SyncEnd::Complete {
            self.maybe_auto_sync(q);
        }
    }

    /// `cancel_sync_queue`: true when a sync was stopped, false for `{ok, not_syncing}`.
    pub fn cancel_sync(&mut self, q: QueueId) -> bool {
        if self.queues[q.0].sync.is_none() {
            return false;
        }
        for p in self.unsynced_mirrors(q) {
            let pr = &mut self.procs[p.0];
            pr.ready.clear();
            pr.unacked.clear();
        }
        self.finish_sync(q, SyncEnd::Cancelled);
        true
    }

    /// `Syncing: P%` as the management UI shows it.
    pub fn sync_percent(&self, q: QueueId) -> Option<u32> {
        self.queues[q.0]
            .sync
            .as_ref()
            .map(|s| (s.sent * 100).checked_div(s.total).unwrap_or(100) as u32)
    }
}
