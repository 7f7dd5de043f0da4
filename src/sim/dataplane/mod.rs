//! The data plane (spec §4): clients and channels, the publish path to every replica, the GM
//! ring carrying the master's effects, mirrors merging the two copies, publisher confirms,
//! consumers, deliveries and acks.

use crate::erl::json::Json;
use crate::sim::engine::{Ev, MasterReq, Payload, Sim, ToClient, GM_FLUSH_TIMER, MASTER_RETRY};
use crate::sim::model::*;
use crate::sim::trace::{Endpoint, MsgIds, MsgKind};

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

/// The messages a batch of GM publications names, each once.
pub(crate) fn msgs_of(pubs: &[GmPub]) -> MsgIds {
    pubs.iter()
        .flat_map(|p| p.op.msgs().iter().copied())
        .collect()
}

impl Sim {
    /// Opens a connection (with one channel) to `node`; pika's `AMQPConnectionError` when the
    /// node is not running.
    pub fn connect(&mut self, name: &str, node: usize) -> Result<ClientId, String> {
        if !self.node_running(node) {
            return Err(format!(
                "AMQPConnectionError: could not connect to {} (connection refused)",
                self.node_name(node)
            ));
        }
        let id = ClientId(self.clients.len());
        self.clients.push(Client {
            name: name.to_string(),
            node,
            connected: true,
            confirm_mode: false,
            tx: false,
            next_seq: 1,
            next_tag: 1,
            unconfirmed: Default::default(),
            confirms: Vec::new(),
            deliveries: Vec::new(),
            consumers: Vec::new(),
            unacked_by_consumer: Default::default(),
            cancelled: Vec::new(),
            errors: Vec::new(),
            tx_buffer: Vec::new(),
            tx_commits: Vec::new(),
        });
        let text = format!("client {} connected to {}", name, self.node_name(node));
        self.note(text);
        Ok(id)
    }

    pub fn find_client(&self, name: &str) -> Option<ClientId> {
        self.clients
            .iter()
            .rposition(|c| c.name == name)
            .map(ClientId)
    }

    /// The connection closes (its node went down, or the client closed it): its consumers
    /// go, its unacked messages are requeued by the masters.
    pub(crate) fn disconnect_client(&mut self, c: ClientId, reason: &str) {
        if !self.clients[c.0].connected {
            return;
        }
        self.clients[c.0].connected = false;
        self.clients[c.0].errors.push(reason.to_string());
        let text = format!("client {}: {}", self.clients[c.0].name, reason);
        self.note(text);
        let consumed: Vec<QueueId> = self
            .consumers
            .iter()
            .filter(|x| x.client == c)
            .map(|x| x.queue)
            .collect();
        self.consumers.retain(|x| x.client != c);
        for q in consumed {
            self.maybe_auto_delete(q);
        }
        self.waiting.retain(|(x, _, _)| *x != c);
        for i in 0..self.queues.len() {
            let q = QueueId(i);
            if self.queues[i].deleted {
                continue;
            }
            if self.queues[i].exclusive_owner == Some(c) {
                self.delete_queue(q);
                continue;
            }
            let m = self.queues[i].master;
            if !self.procs[m.0].alive {
                continue;
            }
            let msgs: Vec<MsgId> = self.procs[m.0]
                .unacked
                .values()
                .filter(|u| u.client == Some(c))
                .map(|u| u.entry.msg)
                .collect();
            if !msgs.is_empty() {
                self.requeue_on_master(q, &msgs);
            }
        }
    }

    pub fn confirm_select(&mut self, c: ClientId) {
        self.clients[c.0].confirm_mode = true;
    }

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

    pub(crate) fn client_confirm(
        &mut self,
        c: ClientId,
        seq: u64,
        msg: MsgId,
        outcome: ConfirmOutcome,
    ) {
        let now = self.now;
        let cl = &mut self.clients[c.0];
        cl.unconfirmed.remove(&seq);
        cl.confirms.push((seq, msg, outcome, now));
        let text = format!("basic.{} seq={} to client {}", outcome, seq, cl.name);
        self.note(text);
    }

    /// A replica died: channels stop waiting for its confirms (a benign death, §4.4).
    pub(crate) fn fail_pending_confirms_of(&mut self, p: ProcId) {
        for c in 0..self.clients.len() {
            let mut done = Vec::new();
            for (seq, pc) in self.clients[c].unconfirmed.iter_mut() {
                if let Some(i) = pc.waiting.iter().position(|&x| x == p) {
                    pc.waiting.remove(i);
                    if pc.waiting.is_empty() {
                        let outcome = if pc.any_confirmed {
                            ConfirmOutcome::Ack
                        } else {
                            ConfirmOutcome::Nack
                        };
                        done.push((*seq, pc.msg, outcome));
                    }
                }
            }
            for (seq, msg, outcome) in done {
                self.client_confirm(ClientId(c), seq, msg, outcome);
            }
        }
    }

    /// basic.consume: registered on the master only.
    pub fn consume(
        &mut self,
        c: ClientId,
        vhost: &str,
        queue: &str,
        manual_ack: bool,
        prefetch: u32,
        args: &[(String, Json)],
    ) -> Result<String, String> {
        let node = self.clients[c.0].node;
        let Some(q) = self.find_queue_from(node, vhost, queue) else {
            return Err(format!("NOT_FOUND - no queue '{queue}' in vhost '{vhost}'"));
        };
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
    ) -> Result<(), String> {
        let node = self.clients[c.0].node;
        let Some(q) = self.find_queue_from(node, vhost, queue) else {
            return Err(format!("NOT_FOUND - no queue '{queue}' in vhost '{vhost}'"));
        };
        self.send_to_master(c, q, MasterReq::Get { manual_ack }, "basic.get".to_string());
        Ok(())
    }

    /// basic.ack of one delivery tag, or (`None`) of everything received and not yet acked.
    pub fn ack(&mut self, c: ClientId, tag: Option<u64>) -> Result<usize, String> {
        self.settle(c, tag, None)
    }

    /// basic.nack / basic.reject.
    pub fn reject(
        &mut self,
        c: ClientId,
        tag: Option<u64>,
        requeue: bool,
    ) -> Result<usize, String> {
        self.settle(c, tag, Some(requeue))
    }

    fn settle(
        &mut self,
        c: ClientId,
        tag: Option<u64>,
        reject: Option<bool>,
    ) -> Result<usize, String> {
        if !self.clients[c.0].connected {
            return Err("ChannelWrongStateError: channel is closed".to_string());
        }
        let now = self.now;
        let mut by_queue: Vec<(QueueId, Vec<u64>, Vec<MsgId>)> = Vec::new();
        let mut count = 0;
        let cl = &mut self.clients[c.0];
        let mut found = false;
        for d in cl.deliveries.iter_mut() {
            if d.acked || !matches!(tag, Some(t) if t == d.delivery_tag) && tag.is_some() {
                continue;
            }
            found = true;
            d.acked = true;
            d.acked_at = reject.is_none().then_some(now);
            d.requeued = reject == Some(true);
            count += 1;
            if let Some(ct) = &d.consumer_tag {
                if let Some(n) = cl.unacked_by_consumer.get_mut(ct) {
                    *n = n.saturating_sub(1);
                }
            }
            let qid = self
                .queues
                .iter()
                .position(|r| !r.deleted && r.name == d.queue)
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
            return Err(format!("PRECONDITION_FAILED - unknown delivery tag {t}"));
        }
        for (q, tags, msgs) in by_queue {
            let msgs: MsgIds = msgs.into_iter().collect();
            let (req, label) = match reject {
                None => (
                    MasterReq::Ack {
                        tags: tags.clone(),
                        msgs,
                    },
                    format!("basic.ack {tags:?}"),
                ),
                Some(requeue) => (
                    MasterReq::Reject {
                        tags: tags.clone(),
                        requeue,
                        msgs,
                    },
                    format!("basic.nack {tags:?} requeue={requeue}"),
                ),
            };
            self.send_to_master(c, q, req, label);
        }
        Ok(count)
    }

    fn send_to_master(&mut self, c: ClientId, q: QueueId, req: MasterReq, label: String) {
        let master = self.queues[q.0].master;
        let kind = if matches!(req, MasterReq::Ack { .. } | MasterReq::Reject { .. }) {
            MsgKind::ClientAck
        } else {
            MsgKind::Request
        };
        self.send(
            Endpoint::Client(c),
            Endpoint::Proc(master),
            kind,
            label,
            Payload::ToMaster {
                client: c,
                queue: q,
                req,
            },
            crate::sim::time::Micros::ZERO,
        );
    }

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
                if !self.clients[client.0].connected {
                    self.lost(id, "client disconnected");
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
                if !self.clients[client.0].connected {
                    self.lost(id, "client disconnected");
                    return;
                }
                self.client_receives(client, what);
            }
            Payload::ToMaster { client, queue, req } => {
                if !self.clients[client.0].connected {
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

    fn confirm_from(&mut self, p: ProcId, client: ClientId, seq: u64, msg: MsgId) {
        let q = self.procs[p.0].queue;
        let persistent = self.messages[(msg.0 - 1) as usize].persistent;
        if persistent && self.queues[q.0].durable {
            let at = self.now + self.config.fsync;
            self.schedule(
                at,
                Ev::Fsync {
                    proc: p,
                    items: vec![(client, seq, msg)],
                },
            );
        } else {
            self.send_replica_confirm(p, client, seq, msg);
        }
    }

    pub(crate) fn send_replica_confirm(
        &mut self,
        p: ProcId,
        client: ClientId,
        seq: u64,
        msg: MsgId,
    ) {
        self.send(
            Endpoint::Proc(p),
            Endpoint::Client(client),
            MsgKind::ReplicaConfirm,
            format!("confirm seq={seq}"),
            Payload::ReplicaConfirm {
                client,
                seq,
                from: p,
                msg,
            },
            crate::sim::time::Micros::ZERO,
        );
    }

    pub(crate) fn on_fsync(&mut self, p: ProcId, items: Vec<(ClientId, u64, MsgId)>) {
        if !self.procs[p.0].alive {
            return;
        }
        for (c, seq, msg) in items {
            self.send_replica_confirm(p, c, seq, msg);
        }
    }

    fn master_publish(&mut self, m: ProcId, client: ClientId, seq: u64, msg: MsgId, confirm: bool) {
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
                self.note(format!(
                    "max-length: message #{} dropped from the head",
                    dropped.0
                ));
            }
        }
        if confirm {
            self.confirm_from(m, client, seq, msg);
        }
        self.try_deliver(q);
    }

    fn mirror_channel_copy(
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
            self.procs[p.0].chan_pending.push((msg, tag));
        }
    }

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
        let (kind, label) = if pubs.is_empty() {
            (
                MsgKind::GmAcks,
                format!("gm acks ≤{}", acks_upto.unwrap_or(0)),
            )
        } else {
            let names: Vec<&str> = pubs.iter().map(|p| p.op.name()).collect();
            let q = self.procs[from.0].queue;
            (
                MsgKind::GmPubs,
                format!("gm v{} [{}]", self.queues[q.0].gm_version, names.join(",")),
            )
        };
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

    fn on_gm(
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
        let fresh: Vec<GmPub> = pubs.iter().filter(|p| p.num > seen).cloned().collect();
        if fresh.is_empty() && !self.procs[origin.0].alive {
            return; // the dead origin's lap ends at the member that already had it
        }
        for p in &fresh {
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
            let (_, tag) = pr.chan_pending.remove(i);
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
        let text = format!(
            "Mirrored queue '{}' in vhost '{}': Synchronised mirror on node {}",
            self.queues[q.0].name,
            self.queues[q.0].vhost,
            self.node_name(self.proc_node(m))
        );
        self.notable(text);
        // ha-mode nodes: the master leaves once a listed mirror is synchronised (§3.3).
        if matches!(
            self.queues[q.0].effective.ha_mode(),
            Some(crate::sim::policy::definition::HaMode::Nodes(_))
        ) && self.queue_available(q)
        {
            self.update_mirrors(q);
        }
    }

    fn master_request(&mut self, c: ClientId, q: QueueId, req: MasterReq) {
        if self.queues[q.0].deleted {
            let name = self.queues[q.0].name.clone();
            let vhost = self.queues[q.0].vhost.clone();
            self.client_error(
                c,
                format!("NOT_FOUND - no queue '{name}' in vhost '{vhost}'"),
            );
            return;
        }
        let m = self.queues[q.0].master;
        if !self.procs[m.0].alive {
            // rabbit_amqqueue:with/4 retries while the record points at a dead master.
            if !matches!(req, MasterReq::Ack { .. } | MasterReq::Reject { .. }) {
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
                let text = format!(
                    "consumer {} of client {} registered on the master",
                    consumer.tag, self.clients[c.0].name
                );
                self.note(text);
                self.queues[q.0].had_consumer = true;
                self.consumers.push(consumer);
                self.try_deliver(q);
            }
            MasterReq::Get { manual_ack } => {
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
            MasterReq::Ack { tags, .. } => {
                let msgs = self.take_unacked(m, c, &tags);
                if !msgs.is_empty() {
                    self.gm_broadcast(m, GmOp::Ack { msgs });
                }
                self.try_deliver(q);
            }
            MasterReq::Reject { tags, requeue, .. } => {
                if requeue {
                    let msgs = self.unacked_of(m, c, &tags);
                    if !msgs.is_empty() {
                        // Back to `ready` at their old positions, here and on every mirror.
                        self.requeue_on_master(q, &msgs);
                    }
                    return;
                }
                let msgs = self.take_unacked(m, c, &tags);
                if msgs.is_empty() {
                    return;
                }
                self.gm_broadcast(m, GmOp::Ack { msgs });
                self.try_deliver(q);
            }
        }
    }

    /// The master's unacked entries a client's tags name (tags from another master match none).
    fn unacked_of(&self, m: ProcId, c: ClientId, tags: &[u64]) -> Vec<MsgId> {
        self.procs[m.0]
            .unacked
            .values()
            .filter(|u| u.client == Some(c) && tags.contains(&u.delivery_tag))
            .map(|u| u.entry.msg)
            .collect()
    }

    /// Removes (acks) the unacked entries a client's tags name.
    fn take_unacked(&mut self, m: ProcId, c: ClientId, tags: &[u64]) -> Vec<MsgId> {
        let hits = self.unacked_of(m, c, tags);
        let pr = &mut self.procs[m.0];
        for x in &hits {
            pr.unacked.remove(x);
        }
        hits
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
            let Some((&pos, &e)) = self.procs[m.0].ready.iter().next() else {
                return;
            };
            let idx = self.consumers.iter().position(|k| {
                k.queue == q && {
                    let cl = &self.clients[k.client.0];
                    cl.connected
                        && (k.prefetch == 0
                            || !k.manual_ack
                            || cl.unacked_by_consumer.get(&k.tag).copied().unwrap_or(0)
                                < k.prefetch)
                }
            });
            let Some(idx) = idx else { return };
            let k = self.consumers.remove(idx);
            let (c, tag, manual) = (k.client, k.tag.clone(), k.manual_ack);
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
            if let Some(t) = &ctag {
                *cl.unacked_by_consumer.entry(t.clone()).or_insert(0) += 1;
            }
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
        let label = format!("deliver {:?} tag={} redelivered={}", body, tag, e.delivered);
        self.send(
            Endpoint::Proc(m),
            Endpoint::Client(c),
            MsgKind::Deliver,
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

    fn client_receives(&mut self, c: ClientId, what: ToClient) {
        match what {
            ToClient::Deliver {
                queue,
                tag,
                delivery_tag: dtag,
                msg,
                redelivered,
            } => {
                let body = self.messages[(msg.0 - 1) as usize].body.clone();
                let qname = self.queues[queue.0].name.clone();
                let now = self.now;
                let auto = tag.as_ref().is_some_and(|t| {
                    !self
                        .consumers
                        .iter()
                        .any(|k| k.client == c && &k.tag == t && k.manual_ack)
                });
                self.clients[c.0].deliveries.push(Delivery {
                    delivery_tag: dtag,
                    msg,
                    body,
                    redelivered,
                    queue: qname,
                    consumer_tag: tag,
                    at: now,
                    acked: auto,
                    acked_at: auto.then_some(now),
                    requeued: false,
                });
            }
            ToClient::GetEmpty => {
                self.clients[c.0].errors.push("basic.get-empty".to_string());
            }
            ToClient::Cancel { tag } => {
                self.clients[c.0].cancelled.push(tag.clone());
                let text = format!(
                    "client {} received basic.cancel for {}",
                    self.clients[c.0].name, tag
                );
                self.notable(text);
            }
        }
    }

    pub(crate) fn client_error(&mut self, c: ClientId, text: String) {
        let msg = format!("client {}: channel error {}", self.clients[c.0].name, text);
        self.clients[c.0].errors.push(text);
        self.notable(msg);
    }

    pub(crate) fn on_retry_expired(&mut self, c: ClientId, q: QueueId, what: &'static str) {
        let Some(i) = self.waiting.iter().position(|(x, y, _)| *x == c && *y == q) else {
            return;
        };
        self.waiting.remove(i);
        let r = &self.queues[q.0];
        let text = format!(
            "NOT_FOUND - failed to perform operation on queue '{}' in vhost '{}' due to timeout",
            r.name, r.vhost
        );
        let _ = what;
        self.client_error(c, text);
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

impl Sim {
    /// tx.select: commits wait until every replica holds the messages, as confirms do.
    pub fn tx_select(&mut self, c: ClientId) {
        self.clients[c.0].tx = true;
        self.clients[c.0].confirm_mode = true;
    }

    /// connection.close from the client.
    pub fn close_client(&mut self, c: ClientId) {
        self.disconnect_client(c, "connection closed by client");
    }
}
