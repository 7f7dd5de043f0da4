//! queue.purge: the master drops every ready message and tells its mirrors over GM, as
//! `rabbit_mirror_queue_master:purge/1` broadcasts `{drop, 0, Count, false}`; messages
//! delivered and not yet acked stay.

use crate::sim::engine::Sim;
use crate::sim::error::BrokerError;
use crate::sim::model::{ClientId, GmOp, MsgId};

impl Sim {
    /// queue.purge from a client's channel: the number of messages purged.
    pub fn purge(&mut self, c: ClientId, vhost: &str, queue: &str) -> Result<usize, BrokerError> {
        let q = self.queue_for(c, vhost, queue)?;
        let m = self.queues[q.0].master;
        if !self.procs[m.0].alive {
            if self.listed_down(q) {
                return Err(self.absent_error(q));
            }
            return Err(BrokerError::timeout(queue, vhost));
        }
        Ok(self.purge_ready(q))
    }

    /// The live master of `q` drops its ready messages: how many.
    pub(crate) fn purge_ready(&mut self, q: crate::sim::model::QueueId) -> usize {
        let m = self.queues[q.0].master;
        let msgs: Vec<MsgId> = self.procs[m.0].ready.values().map(|e| e.msg).collect();
        self.procs[m.0].ready.clear();
        for &msg in &msgs {
            // Dropped on purpose: the checker does not count them lost.
            self.queues[q.0].dropped_by_limit.insert(msg);
            self.gm_broadcast(
                m,
                GmOp::Drop {
                    msg,
                    ack_required: false,
                },
            );
        }
        msgs.len()
    }
}
