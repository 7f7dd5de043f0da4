//! The GM ring (spec §4.2): the master batches its effects and sends them round the ring of
//! alive members; a first lap carries the publications, a second lap the acks that retire them.

use crate::sim::engine::{Ev, Payload, Sim, GM_FLUSH_TIMER};
use crate::sim::label_text::LabelText;
use crate::sim::model::*;
use crate::sim::trace::{Endpoint, MsgIds, MsgKind};

/// The messages a batch of GM publications names, each once.
pub(crate) fn msgs_of(pubs: &[GmPub]) -> MsgIds {
    pubs.iter()
        .flat_map(|p| p.op.msgs().iter().copied())
        .collect()
}

impl Sim {
    /// The master applies an effect locally at once and queues it for the ring.
    pub(crate) fn gm_broadcast(&mut self, m: ProcId, op: GmOp) {
        let q = self.procs[m.0].queue;
        let depth = self.procs[m.0].depth();
        let now = self.now;
        let cost = self.config.op_cost;
        let pr = &mut self.procs[m.0];
        pr.gm.next_num += 1;
        let num = pr.gm.next_num;
        pr.gm.buffer.push(GmPub {
            num,
            op,
            master_depth: depth,
        });
        let first = !pr.gm.flush_scheduled;
        pr.gm.busy_until = pr.gm.busy_until.max(now) + cost;
        if first {
            pr.gm.flush_scheduled = true;
            // Flushed when the process goes idle, or by the 25 ms timer in a long burst.
            let at = pr.gm.busy_until.min(now + GM_FLUSH_TIMER);
            let _ = q;
            self.schedule(at, Ev::GmFlush(m));
        }
    }

    /// The next alive ring member after `m`.
    pub(crate) fn right_of(&self, m: ProcId) -> Option<ProcId> {
        let q = self.procs[m.0].queue;
        let ring = &self.queues[q.0].ring;
        let i = ring.iter().position(|&x| x == m)?;
        (1..ring.len())
            .map(|k| ring[(i + k) % ring.len()])
            .find(|&x| self.procs[x.0].alive)
    }

    pub(crate) fn gm_flush(&mut self, m: ProcId) {
        let pr = &mut self.procs[m.0];
        pr.gm.flush_scheduled = false;
        if !pr.alive || pr.gm.buffer.is_empty() {
            return;
        }
        let pubs = std::mem::take(&mut pr.gm.buffer);
        let last = pubs.last().map(|p| p.num).unwrap_or(0);
        pr.gm.last_seen.insert(m, last);
        pr.gm
            .pending
            .entry(m)
            .or_default()
            .extend(pubs.iter().cloned());
        if let Some(right) = self.right_of(m) {
            let msgs = msgs_of(&pubs);
            self.send_gm(m, right, m, pubs, None, msgs);
        } else {
            self.procs[m.0].gm.pending.remove(&m);
        }
    }

    fn send_gm(
        &mut self,
        from: ProcId,
        to: ProcId,
        origin: ProcId,
        pubs: Vec<GmPub>,
        acks_upto: Option<u64>,
        msgs: MsgIds,
    ) {
        let mut text = LabelText::take(&mut self.label_buf);
        let kind = if pubs.is_empty() {
            text.str("gm acks ≤").num(acks_upto.unwrap_or(0));
            MsgKind::GmAcks
        } else {
            let q = self.procs[from.0].queue;
            text.str("gm v").num(self.queues[q.0].gm_version).str(" [");
            for (i, p) in pubs.iter().enumerate() {
                if i > 0 {
                    text.str(",");
                }
                text.str(p.op.name());
            }
            text.str("]");
            MsgKind::GmPubs
        };
        let label = text.finish(&mut self.label_buf);
        self.send(
            Endpoint::Proc(from),
            Endpoint::Proc(to),
            kind,
            label,
            Payload::Gm {
                to,
                origin,
                pubs,
                acks_upto,
                msgs,
            },
            crate::sim::time::Micros::ZERO,
        );
    }

    pub(super) fn on_gm(
        &mut self,
        m: ProcId,
        origin: ProcId,
        pubs: Vec<GmPub>,
        acks_upto: Option<u64>,
        msgs: MsgIds,
    ) {
        let right = self.right_of(m);
        if let Some(upto) = acks_upto {
            if origin == m {
                self.procs[m.0].gm.pending.remove(&m);
                return;
            }
            if let Some(v) = self.procs[m.0].gm.pending.get_mut(&origin) {
                v.retain(|p| p.num > upto);
            }
            if let Some(r) = right {
                if self.procs[origin.0].alive || r != origin {
                    self.send_gm(m, r, origin, Vec::new(), Some(upto), msgs);
                }
            }
            return;
        }
        if origin == m {
            // First lap complete: everyone has these; the second lap tells them so.
            let upto = pubs.last().map(|p| p.num).unwrap_or(0);
            if let Some(v) = self.procs[m.0].gm.pending.get_mut(&m) {
                v.retain(|p| p.num > upto);
            }
            if let Some(r) = right {
                self.send_gm(m, r, m, Vec::new(), Some(upto), msgs);
            }
            return;
        }
        let seen = self.procs[m.0]
            .gm
            .last_seen
            .get(&origin)
            .copied()
            .unwrap_or(0);
        // Read in place, not collected: this runs at every hop of every lap.
        let fresh = |p: &&GmPub| p.num > seen;
        if !pubs.iter().any(|p| fresh(&p)) && !self.procs[origin.0].alive {
            return; // the dead origin's lap ends at the member that already had it
        }
        for p in pubs.iter().filter(fresh) {
            self.procs[m.0].gm.last_seen.insert(origin, p.num);
            self.procs[m.0]
                .gm
                .pending
                .entry(origin)
                .or_default()
                .push(p.clone());
            self.apply_on_mirror(m, p);
        }
        if let Some(r) = right {
            self.send_gm(m, r, origin, pubs, None, msgs);
        }
    }
}
