//! A mirror replaying the master's effects from GM (spec §4.3): merging the GM copy of a
//! publish with the channel copy, and becoming synchronised once its depth matches the master's.

use crate::sim::engine::Sim;
use crate::sim::model::*;
use crate::sim::state_change::StateChange;

impl Sim {
    /// A mirror replays one of the master's effects (§4.3).
    pub(crate) fn apply_on_mirror(&mut self, m: ProcId, p: &GmPub) {
        if self.procs[m.0].role != Role::Mirror || !self.procs[m.0].alive {
            return;
        }
        match &p.op {
            GmOp::Publish { msg, pos } | GmOp::PublishDelivered { msg, pos } => {
                self.merge_gm_copy(m, *msg);
                let e = Entry {
                    msg: *msg,
                    delivered: true,
                };
                if matches!(p.op, GmOp::Publish { .. }) {
                    self.procs[m.0].ready.insert(*pos, e);
                } else {
                    self.procs[m.0].unacked.insert(
                        *msg,
                        Unacked {
                            entry: e,
                            pos: *pos,
                            client: None,
                            delivery_tag: 0,
                        },
                    );
                }
            }
            GmOp::Discard { msg } => self.merge_gm_copy(m, *msg),
            GmOp::Drop { msg, ack_required } => {
                let pr = &mut self.procs[m.0];
                if let Some((&pos, &e)) = pr.ready.iter().find(|(_, e)| e.msg == *msg) {
                    pr.ready.remove(&pos);
                    if *ack_required {
                        pr.unacked.insert(
                            *msg,
                            Unacked {
                                entry: e,
                                pos,
                                client: None,
                                delivery_tag: 0,
                            },
                        );
                    }
                }
            }
            GmOp::Ack { msgs } => {
                for x in msgs {
                    self.procs[m.0].unacked.remove(x);
                }
            }
            GmOp::Requeue { msgs } => self.procs[m.0].requeue(msgs),
            GmOp::Depth => {}
            GmOp::DeleteAndTerminate => {
                self.kill_proc(m);
                return;
            }
        }
        let pr = &mut self.procs[m.0];
        if pr.depth_delta != Some(0) {
            let delta = p.master_depth as i64 - pr.depth() as i64;
            pr.depth_delta = Some(delta);
            if delta == 0 {
                self.record_synchronised(m);
            }
        }
    }

    fn merge_gm_copy(&mut self, m: ProcId, msg: MsgId) {
        let pr = &mut self.procs[m.0];
        if let Some(i) = pr.chan_pending.iter().position(|(x, _)| *x == msg) {
            let (_, tag) = pr.chan_pending.remove(i).expect("found at i");
            if let Some((c, seq)) = tag {
                self.confirm_from(m, c, seq, msg);
            }
        } else if self.messages[(msg.0 - 1) as usize].publisher.is_some() {
            pr.gm_before_chan.insert(msg);
        }
    }

    /// A mirror's depth matches the master's: it joins `sync_slave_pids` for good.
    pub(crate) fn record_synchronised(&mut self, m: ProcId) {
        let q = self.procs[m.0].queue;
        self.procs[m.0].depth_delta = Some(0);
        if !self.queues[q.0].mirrors.contains(&m) || self.queues[q.0].synced.contains(&m) {
            return;
        }
        self.queues[q.0].synced.insert(0, m);
        self.changed(StateChange::Synchronised {
            queue: self.queue_name(q),
            node: self.node_name(self.proc_node(m)).to_string(),
        });
        // ha-mode nodes: the master leaves once a listed mirror is synchronised (§3.3).
        if matches!(
            self.queues[q.0].effective.ha_mode(),
            Some(crate::sim::policy::definition::HaMode::Nodes(_))
        ) && self.queue_available(q)
        {
            self.update_mirrors(q);
        }
    }
}
