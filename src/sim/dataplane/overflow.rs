//! A classic queue's length limits (`max-length`, `max-length-bytes`) and what happens over
//! them, as 3.10.8's master decides (`rabbit_amqqueue_process:maybe_deliver_or_enqueue/3`,
//! `will_overflow/2`, `maybe_drop_head/1`): with `reject-publish` a publish that would take
//! the ready messages over a limit is refused (nacked in confirm mode, and its mirrors told to
//! discard their channel copy), with `reject-publish-dlx` it is also dead-lettered; with
//! `drop-head` (the default) the oldest ready messages go (dead-lettered when a dead-letter
//! exchange exists). Only ready messages count, not the unacknowledged ones.

use crate::sim::engine::Sim;
use crate::sim::model::{ClientId, ConfirmOutcome, GmOp, MsgId, ProcId, QueueId};
use crate::sim::queue_args::{Overflow, Removal};
use crate::sim::state_change::StateChange;

impl Sim {
    /// Bytes of the bodies of the master's ready messages (`message_bytes_ready`).
    fn ready_bytes(&self, m: ProcId) -> u64 {
        self.procs[m.0]
            .ready
            .values()
            .map(|e| self.messages[(e.msg.0 - 1) as usize].body.len() as u64)
            .sum()
    }

    /// `will_overflow/2` under a `reject-publish*` mode: whether the master refuses this
    /// publish (then it has done everything a refusal does).
    pub(super) fn refuse_over_limit(
        &mut self,
        m: ProcId,
        q: QueueId,
        client: ClientId,
        seq: u64,
        msg: MsgId,
        confirm: bool,
    ) -> bool {
        let limits = self.queue_limits(q);
        let mode = limits.overflow();
        if mode == Overflow::DropHead || !limits.bounded() {
            return false;
        }
        let len = self.procs[m.0].ready.len() as u64 + 1;
        let over_len = limits.max_length.is_some_and(|max| len > max);
        let over_bytes = limits.max_length_bytes.is_some_and(|max| {
            self.ready_bytes(m) + self.messages[(msg.0 - 1) as usize].body.len() as u64 > max
        });
        if !(over_len || over_bytes) {
            return false;
        }
        self.changed(StateChange::PublishRejected {
            msg,
            queue: self.queue_name(q),
        });
        if mode == Overflow::RejectPublishDlx {
            self.remove_on_purpose(q, msg, Removal::Maxlen);
        } else {
            self.queues[q.0].dropped_by_limit.insert(msg);
            self.queues[q.0]
                .bounds
                .removed
                .insert(msg.0, Removal::Maxlen);
        }
        // The mirrors drop their channel copy (`discard`), so a promoted master does not
        // enqueue it: a 3.10.8 cluster, asked, held 2 of 3 publishes to a `max-length` 2
        // `reject-publish` queue after its master's node stopped, with confirms or without.
        self.gm_broadcast(m, GmOp::Discard { msg });
        if confirm {
            // `send_reject_publish/3`: the channel nacks the publish.
            let seen = self.messages[(msg.0 - 1) as usize].confirmed_as();
            if self.clients[client.0].unconfirmed.contains_key(&seq) {
                self.client_confirm(client, seq, seen, ConfirmOutcome::Nack);
            }
        }
        true
    }

    /// `maybe_drop_head/1` under `drop-head`: drops (or dead-letters) the oldest ready
    /// messages while a limit is exceeded.
    pub(super) fn drop_head_over_limit(&mut self, m: ProcId, q: QueueId) {
        let limits = self.queue_limits(q);
        if limits.overflow() != Overflow::DropHead || !limits.bounded() {
            return;
        }
        let has_dlx = limits
            .dead_letter_exchange
            .as_deref()
            .is_some_and(|x| self.exchanges.get(&self.queues[q.0].vhost, x).is_some());
        loop {
            let over_len = limits
                .max_length
                .is_some_and(|max| self.procs[m.0].ready.len() as u64 > max);
            let over_bytes = limits
                .max_length_bytes
                .is_some_and(|max| self.ready_bytes(m) > max);
            if !(over_len || over_bytes) {
                return;
            }
            let Some((&p0, e)) = self.procs[m.0].ready.iter().next() else {
                return;
            };
            let dropped = e.msg;
            self.procs[m.0].ready.remove(&p0);
            self.queues[q.0].bounds.expiry.remove(&dropped.0);
            self.gm_broadcast(
                m,
                GmOp::Drop {
                    msg: dropped,
                    ack_required: false,
                },
            );
            if has_dlx {
                self.remove_on_purpose(q, dropped, Removal::Maxlen);
            } else {
                self.queues[q.0].dropped_by_limit.insert(dropped);
                self.queues[q.0]
                    .bounds
                    .removed
                    .insert(dropped.0, Removal::Maxlen);
                self.changed(StateChange::MaxLengthDrop { msg: dropped });
            }
        }
    }
}
