//! Network arrivals: the dispatch of every message that reaches a replica or a client, and the
//! mailbox an eager sync holds back while it blocks the master.

use crate::sim::engine::{Payload, Sim};
use crate::sim::model::*;

impl Sim {
    /// A network message arrives.
    pub(crate) fn on_net(&mut self, id: u64, payload: Payload) {
        // An eager sync blocks the master: its mailbox waits.
        if let Some(q) = self.blocking_queue(&payload) {
            self.blocked.push((q, payload));
            return;
        }
        match payload {
            Payload::Publish {
                client,
                seq,
                msg,
                to,
                confirm,
            } => {
                if !self.procs[to.0].alive {
                    self.lost(id, "replica process is dead");
                    return;
                }
                match self.procs[to.0].role {
                    Role::Master => self.master_publish(to, client, seq, msg, confirm),
                    Role::Mirror => self.mirror_channel_copy(to, client, seq, msg, confirm),
                }
            }
            Payload::Gm {
                to,
                origin,
                pubs,
                acks_upto,
                msgs,
            } => {
                if !self.procs[to.0].alive {
                    self.lost(id, "GM member is dead");
                    return;
                }
                self.on_gm(to, origin, pubs, acks_upto, msgs);
            }
            Payload::ReplicaConfirm {
                client, seq, from, ..
            } => {
                if !self.clients[client.0].channel_open() {
                    self.lost(id, self.clients[client.0].gone_why());
                    return;
                }
                let mut done = None;
                if let Some(pc) = self.clients[client.0].unconfirmed.get_mut(&seq) {
                    pc.waiting.retain(|&p| p != from);
                    pc.any_confirmed = true;
                    if pc.waiting.is_empty() {
                        done = Some(pc.msg);
                    }
                }
                if let Some(msg) = done {
                    self.client_confirm(client, seq, msg, ConfirmOutcome::Ack);
                }
            }
            Payload::ToClient { client, what } => {
                if !self.clients[client.0].channel_open() {
                    self.lost(id, self.clients[client.0].gone_why());
                    return;
                }
                self.client_receives(client, what);
            }
            Payload::ToMaster { client, queue, req } => {
                if !self.clients[client.0].channel_open() {
                    return;
                }
                self.master_request(client, queue, req);
            }
            Payload::GmJoined { member } => {
                if !self.procs[member.0].alive {
                    self.lost(id, "GM member is dead");
                }
            }
            Payload::SyncBatch {
                queue,
                to,
                entries,
                last,
            } => {
                if !self.procs[to.0].alive {
                    self.lost(id, "mirror is dead");
                    return;
                }
                self.on_sync_batch(queue, to, entries, last);
            }
        }
    }

    fn blocking_queue(&self, payload: &Payload) -> Option<QueueId> {
        let q = match payload {
            Payload::Publish { to, .. } if self.procs[to.0].role == Role::Master => {
                self.procs[to.0].queue
            }
            Payload::ToMaster { queue, .. } => *queue,
            _ => return None,
        };
        (self.queues[q.0].state == QueueState::Syncing).then_some(q)
    }

    /// Replays what arrived while the queue was blocked by a sync.
    pub(crate) fn unblock(&mut self, q: QueueId) {
        let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.blocked)
            .into_iter()
            .partition(|(x, _)| *x == q);
        self.blocked = rest;
        for (_, payload) in mine {
            self.on_net(0, payload);
        }
        self.try_deliver(q);
    }
}
