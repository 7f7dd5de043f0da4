//! The publish path (spec §4.1): basic.publish goes from the channel to every replica at
//! once; the master enqueues and broadcasts it, a mirror holds the channel copy until GM's arrives.

use crate::sim::engine::{Payload, Sim};
use crate::sim::model::*;
use crate::sim::state_change::StateChange;
use crate::sim::trace::{Endpoint, MsgKind};

/// What the client learns right away from a publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublishResult {
    /// Routed; in confirm mode the confirm arrives later under this sequence number.
    Sent { seq: u64 },
    /// No queue of that name: dropped (acked at once in confirm mode, as RabbitMQ does).
    Unroutable { seq: u64 },
    /// The queue has no live master: nacked at once in confirm mode, else silently dropped.
    Dropped { seq: u64 },
}

impl Sim {
    /// basic.publish on the default exchange (routing key = queue name).
    pub fn publish(
        &mut self,
        c: ClientId,
        vhost: &str,
        queue: &str,
        body: &str,
        persistent: bool,
    ) -> Result<PublishResult, String> {
        if !self.clients[c.0].connected {
            return Err("ChannelWrongStateError: channel is closed (connection lost)".to_string());
        }
        if self.clients[c.0].channel_closed {
            return Err("ChannelWrongStateError: Channel is closed.".to_string());
        }
        let confirm = self.clients[c.0].confirm_mode;
        let seq = self.clients[c.0].next_seq;
        self.clients[c.0].next_seq += 1;
        let id = self.new_msg_id();
        self.messages.push(Message {
            id,
            body: body.to_string(),
            persistent,
            publisher: Some((c, seq)),
            published_at: self.now,
            queue: None,
        });
        let node = self.clients[c.0].node;
        let Some(q) = self.find_queue_from(node, vhost, queue) else {
            if confirm {
                self.client_confirm(c, seq, id, ConfirmOutcome::Ack);
            }
            return Ok(PublishResult::Unroutable { seq });
        };
        self.messages[(id.0 - 1) as usize].queue = Some(q);
        let master = self.queues[q.0].master;
        if !self.procs[master.0].alive && self.queues[q.0].state != QueueState::Running {
            if confirm {
                self.client_confirm(c, seq, id, ConfirmOutcome::Nack);
            } else {
                // Silently dropped: the checker counts it lost from now.
                self.losses.dropped_at_publish.push((id, self.now));
            }
            return Ok(PublishResult::Dropped { seq });
        }
        let mut targets = vec![master];
        targets.extend(self.queues[q.0].mirrors.iter().copied());
        let waiting: Vec<ProcId> = targets
            .iter()
            .copied()
            .filter(|p| self.procs[p.0].alive)
            .collect();
        if confirm {
            if waiting.is_empty() {
                self.client_confirm(c, seq, id, ConfirmOutcome::Nack);
            } else {
                self.clients[c.0].unconfirmed.insert(
                    seq,
                    PendingConfirm {
                        seq,
                        msg: id,
                        waiting,
                        any_confirmed: false,
                    },
                );
            }
        }
        for to in targets {
            let label = format!("publish {:?} seq={}", body, seq);
            self.send(
                Endpoint::Client(c),
                Endpoint::Proc(to),
                MsgKind::Publish,
                label,
                Payload::Publish {
                    client: c,
                    seq,
                    msg: id,
                    to,
                    confirm,
                },
                crate::sim::time::Micros::ZERO,
            );
        }
        Ok(PublishResult::Sent { seq })
    }

    pub(super) fn master_publish(
        &mut self,
        m: ProcId,
        client: ClientId,
        seq: u64,
        msg: MsgId,
        confirm: bool,
    ) {
        let q = self.procs[m.0].queue;
        let pos = self.queues[q.0].next_pos;
        self.queues[q.0].next_pos += 1;
        if self.procs[m.0].gm_before_chan.remove(&msg) {
            // A promoted mirror already holds it (seen over GM before this channel copy).
            self.queues[q.0].next_pos -= 1;
            if confirm {
                self.confirm_from(m, client, seq, msg);
            }
            return;
        }
        self.procs[m.0].ready.insert(
            pos,
            Entry {
                msg,
                delivered: false,
            },
        );
        self.gm_broadcast(m, GmOp::Publish { msg, pos });
        if let Some(max) = self.queues[q.0].effective.max_length() {
            while self.procs[m.0].ready.len() as u64 > max.max(0) as u64 {
                let (&p0, e) = self.procs[m.0].ready.iter().next().expect("non-empty");
                let dropped = e.msg;
                self.procs[m.0].ready.remove(&p0);
                self.queues[q.0].dropped_by_limit.insert(dropped);
                self.gm_broadcast(
                    m,
                    GmOp::Drop {
                        msg: dropped,
                        ack_required: false,
                    },
                );
                self.changed(StateChange::MaxLengthDrop { msg: dropped });
            }
        }
        if confirm {
            self.confirm_from(m, client, seq, msg);
        }
        self.try_deliver(q);
    }

    pub(super) fn mirror_channel_copy(
        &mut self,
        p: ProcId,
        client: ClientId,
        seq: u64,
        msg: MsgId,
        confirm: bool,
    ) {
        if self.procs[p.0].gm_before_chan.remove(&msg) {
            if confirm {
                self.confirm_from(p, client, seq, msg);
            }
        } else {
            let tag = confirm.then_some((client, seq));
            self.procs[p.0].chan_pending.push_back((msg, tag));
        }
    }
}
