//! Consumers, basic.get, deliveries and acks: the master's side of a queue's consumers, the
//! round-robin delivery with prefetch, requeues, and requests retried while a master is dead.

use crate::erl::json::Json;
use crate::sim::engine::{Ev, MasterReq, Payload, Sim, ToClient, MASTER_RETRY};
use crate::sim::error::{BrokerError, DeclareError, SettleError};
use crate::sim::label_text::LabelText;
use crate::sim::model::*;
use crate::sim::state_change::StateChange;
use crate::sim::trace::{Endpoint, MsgIds, MsgKind};

impl Sim {
    /// basic.consume: registered on the master only.
    pub fn consume(
        &mut self,
        c: ClientId,
        vhost: &str,
        queue: &str,
        manual_ack: bool,
        prefetch: u32,
        args: &[(String, Json)],
    ) -> Result<String, BrokerError> {
        let q = self.queue_for(c, vhost, queue)?;
        let cl = &mut self.clients[c.0];
        let tag = format!("ctag1.{}", cl.consumers.len() + 1);
        cl.consumers.push(tag.clone());
        let cancel_on_failover = args
            .iter()
            .any(|(k, v)| k == "x-cancel-on-ha-failover" && *v == Json::Bool(true));
        let consumer = Consumer {
            client: c,
            tag: tag.clone(),
            queue: q,
            manual_ack,
            prefetch,
            cancel_on_failover,
            held: Default::default(),
        };
        self.send_to_master(
            c,
            q,
            MasterReq::Consume(consumer),
            format!("basic.consume {tag}"),
        );
        Ok(tag)
    }

    /// basic.get.
    pub fn get(
        &mut self,
        c: ClientId,
        vhost: &str,
        queue: &str,
        manual_ack: bool,
    ) -> Result<(), BrokerError> {
        let q = self.queue_for(c, vhost, queue)?;
        self.send_to_master(c, q, MasterReq::Get { manual_ack }, "basic.get".to_string());
        Ok(())
    }

    /// The queue a basic.get or basic.consume names, as the channel finds it
    /// (`rabbit_amqqueue:with_exclusive_access_or_die/3`): `404 NOT_FOUND` if there is none,
    /// `405 RESOURCE_LOCKED` if it is exclusive to another connection.
    pub(super) fn queue_for(
        &self,
        c: ClientId,
        vhost: &str,
        queue: &str,
    ) -> Result<QueueId, BrokerError> {
        let node = self.clients[c.0].node;
        let Some(q) = self.find_queue_from(node, vhost, queue) else {
            return Err(BrokerError::no_queue(queue, vhost));
        };
        match self.queues[q.0].exclusive_owner {
            Some(owner) if owner != c => Err(DeclareError::Locked {
                queue: queue.to_string(),
                vhost: vhost.to_string(),
            }
            .into()),
            _ => Ok(q),
        }
    }

    /// basic.ack of one delivery tag, or (`None`) of everything received and not yet acked.
    pub fn ack(&mut self, c: ClientId, tag: Option<u64>) -> Result<usize, SettleError> {
        self.settle(c, tag, None)
    }

    /// basic.nack / basic.reject.
    pub fn reject(
        &mut self,
        c: ClientId,
        tag: Option<u64>,
        requeue: bool,
    ) -> Result<usize, SettleError> {
        self.settle(c, tag, Some(requeue))
    }

    fn settle(
        &mut self,
        c: ClientId,
        tag: Option<u64>,
        reject: Option<bool>,
    ) -> Result<usize, SettleError> {
        if !self.clients[c.0].channel_open() {
            return Err(SettleError::ChannelClosed);
        }
        let now = self.now;
        let mut by_queue: Vec<(QueueId, Vec<u64>, Vec<MsgId>)> = Vec::new();
        let mut count = 0;
        // A delivery names its queue; the client's vhost tells which queue of that name.
        let vhost = self.vhost_table.client_vhost(c).to_string();
        let cl = &mut self.clients[c.0];
        // Found by reading, then written one by one: a write copies the chunk it is in if a
        // checkpoint shares it (`SharedVec`), so only the settled deliveries' chunks are. An
        // ack looks through all the client's deliveries: a loop over slices keeps that scan as
        // fast as over one `Vec`.
        let mut settled: Vec<usize> = Vec::new();
        let mut i = 0;
        for slice in cl.deliveries.slices() {
            for d in slice {
                if !(d.acked || !matches!(tag, Some(t) if t == d.delivery_tag) && tag.is_some()) {
                    settled.push(i);
                }
                i += 1;
            }
        }
        let found = !settled.is_empty();
        for i in settled {
            let d = &mut cl.deliveries[i];
            d.acked = true;
            d.acked_at = reject.is_none().then_some(now);
            d.requeued = reject == Some(true);
            count += 1;
            let qid = self
                .queues
                .iter()
                .position(|r| !r.deleted && r.vhost == vhost && *r.name == *d.queue)
                .map(QueueId);
            if let Some(qid) = qid {
                match by_queue.iter_mut().find(|(x, _, _)| *x == qid) {
                    Some((_, v, m)) => {
                        v.push(d.delivery_tag);
                        m.push(d.msg);
                    }
                    None => by_queue.push((qid, vec![d.delivery_tag], vec![d.msg])),
                }
            }
        }
        if let (Some(t), false) = (tag, found) {
            return Err(SettleError::UnknownTag(t));
        }
        for (q, tags, msgs) in by_queue {
            let msgs: MsgIds = msgs.into_iter().collect();
            let (req, label) = match reject {
                None => (MasterReq::Ack { msgs }, format!("basic.ack {tags:?}")),
                Some(requeue) => (
                    MasterReq::Reject { requeue, msgs },
                    format!("basic.nack {tags:?} requeue={requeue}"),
                ),
            };
            self.send_to_master(c, q, req, label);
        }
        Ok(count)
    }

    pub(super) fn master_request(&mut self, c: ClientId, q: QueueId, req: MasterReq) {
        let settle = matches!(req, MasterReq::Ack { .. } | MasterReq::Reject { .. });
        if self.queues[q.0].deleted {
            if settle {
                // The channel settles with a queue that has gone: nothing answers.
                return;
            }
            let name = self.queues[q.0].name.clone();
            let vhost = self.queues[q.0].vhost.clone();
            self.close_channel(c, BrokerError::no_queue(&name, &vhost));
            return;
        }
        let m = self.queues[q.0].master;
        if !self.procs[m.0].alive {
            // rabbit_amqqueue:with/4 retries while the record points at a dead master.
            if !settle {
                let what = match req {
                    MasterReq::Consume(_) => "basic.consume",
                    _ => "basic.get",
                };
                self.waiting.push((c, q, req));
                let at = self.now + MASTER_RETRY;
                self.schedule(
                    at,
                    Ev::RetryExpired {
                        client: c,
                        queue: q,
                        what,
                    },
                );
            }
            return;
        }
        match req {
            MasterReq::Consume(consumer) => {
                self.changed(StateChange::ConsumerRegistered {
                    tag: consumer.tag.clone(),
                    client: self.clients[c.0].name.clone(),
                });
                self.queues[q.0].had_consumer = true;
                self.consumers.push(consumer);
                self.touch_queue(q);
                self.try_deliver(q);
            }
            MasterReq::Get { manual_ack } => {
                self.touch_queue(q);
                self.drop_expired(q);
                let head = self.procs[m.0].ready.iter().next().map(|(&p, &e)| (p, e));
                match head {
                    None => {
                        self.send(
                            Endpoint::Proc(m),
                            Endpoint::Client(c),
                            MsgKind::Deliver,
                            "basic.get-empty".to_string(),
                            Payload::ToClient {
                                client: c,
                                what: ToClient::GetEmpty,
                            },
                            crate::sim::time::Micros::ZERO,
                        );
                    }
                    Some((pos, e)) => self.deliver_entry(q, m, c, None, manual_ack, pos, e),
                }
            }
            MasterReq::Ack { msgs, .. } => {
                if !self.knows_channel(q, m, c) {
                    return;
                }
                let msgs = self.take_unacked(q, m, &msgs);
                if !msgs.is_empty() {
                    self.gm_broadcast(m, GmOp::Ack { msgs });
                }
                self.try_deliver(q);
            }
            MasterReq::Reject { requeue, msgs, .. } => {
                if !self.knows_channel(q, m, c) {
                    return;
                }
                if requeue {
                    let msgs = self.unacked_of(m, &msgs);
                    if !msgs.is_empty() {
                        // Back to `ready` at their old positions, here and on every mirror.
                        self.requeue_on_master(q, &msgs);
                    }
                    return;
                }
                let msgs = self.take_unacked(q, m, &msgs);
                if msgs.is_empty() {
                    return;
                }
                self.gm_broadcast(m, GmOp::Ack { msgs: msgs.clone() });
                self.dead_letter_rejected(q, &msgs);
                self.try_deliver(q);
            }
        }
    }

    /// Whether the master has a record of the client's channel (`rabbit_queue_consumers`): a
    /// consumer on the queue, or messages delivered to it. A settle from a channel it has no
    /// record of is dropped, as `rabbit_amqqueue_process:subtract_acks/4` drops it.
    fn knows_channel(&self, q: QueueId, m: ProcId, c: ClientId) -> bool {
        self.consumers.iter().any(|k| k.client == c && k.queue == q)
            || self.procs[m.0]
                .unacked
                .values()
                .any(|u| u.client == Some(c))
    }

    /// The master's unacked entries among `msgs`, whoever holds them. The channel settles by the
    /// queue's own ack tag, one per message (its sequence id, the same on every replica of a
    /// queue mirrored from the start), so a tag from before a failover settles the promoted
    /// master's redelivery of the same message; a message the master does not hold as unacked
    /// (still ready, or already settled) is left alone, as `rabbit_variable_queue:ack/2` does.
    fn unacked_of(&self, m: ProcId, msgs: &MsgIds) -> Vec<MsgId> {
        msgs.iter()
            .filter(|x| self.procs[m.0].unacked.contains_key(x))
            .collect()
    }

    /// Removes (acks) the unacked entries among `msgs`; consumers stop counting them.
    fn take_unacked(&mut self, q: QueueId, m: ProcId, msgs: &MsgIds) -> Vec<MsgId> {
        let hits = self.unacked_of(m, msgs);
        let pr = &mut self.procs[m.0];
        for x in &hits {
            pr.unacked.remove(x);
        }
        for k in self.consumers.iter_mut().filter(|k| k.queue == q) {
            for x in &hits {
                k.held.remove(x);
            }
        }
        hits
    }

    /// How many of a consumer's deliveries the master `m` still holds for it: what its
    /// prefetch counts.
    fn in_use(&self, k: &Consumer, m: ProcId) -> usize {
        let unacked = &self.procs[m.0].unacked;
        k.held
            .iter()
            .filter(|x| unacked.get(x).is_some_and(|u| u.client == Some(k.client)))
            .count()
    }

    /// Requeues a set of a master's unacked messages (channel death, reject with requeue).
    pub(crate) fn requeue_on_master(&mut self, q: QueueId, msgs: &[MsgId]) {
        let m = self.queues[q.0].master;
        self.procs[m.0].requeue(msgs);
        self.gm_broadcast(
            m,
            GmOp::Requeue {
                msgs: msgs.to_vec(),
            },
        );
        self.try_deliver(q);
    }

    /// Hands ready messages to consumers with prefetch room, round-robin.
    pub(crate) fn try_deliver(&mut self, q: QueueId) {
        let m = self.queues[q.0].master;
        if self.queues[q.0].deleted
            || !self.procs[m.0].alive
            || self.queues[q.0].state != QueueState::Running
        {
            return;
        }
        loop {
            // A fetch looks at the head's deadline first (`fetch/2`, `drop_expired_msgs/1`).
            self.drop_expired(q);
            let Some((&pos, &e)) = self.procs[m.0].ready.iter().next() else {
                return;
            };
            let idx = self.consumers.iter().position(|k| {
                k.queue == q
                    && self.clients[k.client.0].channel_open()
                    && (k.prefetch == 0 || !k.manual_ack || self.in_use(k, m) < k.prefetch as usize)
            });
            let Some(idx) = idx else { return };
            let mut k = self.consumers.remove(idx);
            let (c, tag, manual) = (k.client, k.tag.clone(), k.manual_ack);
            if manual {
                for other in self.consumers.iter_mut().filter(|o| o.queue == q) {
                    other.held.remove(&e.msg);
                }
                k.held.insert(e.msg);
            }
            self.consumers.push(k);
            self.deliver_entry(q, m, c, Some(tag), manual, pos, e);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn deliver_entry(
        &mut self,
        q: QueueId,
        m: ProcId,
        c: ClientId,
        ctag: Option<String>,
        manual: bool,
        pos: u64,
        e: Entry,
    ) {
        self.procs[m.0].ready.remove(&pos);
        let cl = &mut self.clients[c.0];
        let tag = cl.next_tag;
        cl.next_tag += 1;
        if manual {
            self.procs[m.0].unacked.insert(
                e.msg,
                Unacked {
                    entry: e,
                    pos,
                    client: Some(c),
                    delivery_tag: tag,
                },
            );
        }
        self.gm_broadcast(
            m,
            GmOp::Drop {
                msg: e.msg,
                ack_required: manual,
            },
        );
        let body = &self.messages[(e.msg.0 - 1) as usize].body;
        let mut text = LabelText::take(&mut self.label_buf);
        text.str("deliver ")
            .quoted(body)
            .str(" tag=")
            .num(tag)
            .str(" redelivered=")
            .bool(e.delivered);
        let label = text.finish(&mut self.label_buf);
        self.send(
            Endpoint::Proc(m),
            Endpoint::Client(c),
            if e.delivered {
                MsgKind::Redeliver
            } else {
                MsgKind::Deliver
            },
            label,
            Payload::ToClient {
                client: c,
                what: ToClient::Deliver {
                    queue: q,
                    tag: ctag,
                    delivery_tag: tag,
                    msg: e.msg,
                    redelivered: e.delivered,
                },
            },
            crate::sim::time::Micros::ZERO,
        );
    }

    pub(crate) fn on_retry_expired(&mut self, c: ClientId, q: QueueId, what: &'static str) {
        let Some(i) = self.waiting.iter().position(|(x, y, _)| *x == c && *y == q) else {
            return;
        };
        self.waiting.remove(i);
        let r = &self.queues[q.0];
        let error = BrokerError::timeout(&r.name, &r.vhost);
        let _ = what;
        self.close_channel(c, error);
    }

    /// Replays requests that waited for a master once one is live again.
    pub(crate) fn retry_waiting(&mut self, q: QueueId) {
        let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.waiting)
            .into_iter()
            .partition(|(_, x, _)| *x == q);
        self.waiting = rest;
        for (c, q, req) in mine {
            self.master_request(c, q, req);
        }
    }
}
