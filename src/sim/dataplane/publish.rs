//! The publish path (spec §4.1): basic.publish goes from the channel to every replica at
//! once; the master enqueues and broadcasts it, a mirror holds the channel copy until GM's arrives.

use crate::erl::json::Json;
use crate::sim::engine::{Payload, Sim};
use crate::sim::error::BrokerError;
use crate::sim::label_text::LabelText;
use crate::sim::model::*;
use crate::sim::trace::{Endpoint, MsgKind};

/// What the client learns right away from a publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublishResult {
    /// Routed; in confirm mode the confirm arrives later under this sequence number.
    Sent { seq: u64 },
    /// Routed to no queue: dropped (acked at once in confirm mode, as RabbitMQ does; a
    /// `mandatory` one is returned first).
    Unroutable { seq: u64 },
    /// A queue it was routed to has no live master: nacked at once in confirm mode, else
    /// silently dropped there.
    Dropped { seq: u64 },
    /// The exchange does not exist or is internal: the broker closed the channel.
    Refused { error: BrokerError },
}

/// One basic.publish as the channel receives it.
#[derive(Debug, Clone, Copy)]
pub struct Publish<'a> {
    /// `""` is the default exchange.
    pub exchange: &'a str,
    pub key: &'a str,
    pub body: &'a str,
    pub persistent: bool,
    /// The `headers` property (what a headers exchange reads).
    pub headers: &'a [(String, Json)],
    pub mandatory: bool,
    /// The `expiration` property: a per-message TTL in milliseconds, as a string of digits.
    pub expiration: Option<&'a str>,
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
        self.publish_to(
            c,
            vhost,
            Publish {
                exchange: "",
                key: queue,
                body,
                persistent,
                headers: &[],
                mandatory: false,
                expiration: None,
            },
        )
    }

    /// Why the broker would close the channel on a publish to this exchange
    /// (`rabbit_exchange:lookup_or_die/1`, `check_internal_exchange/1`).
    pub fn publish_refusal(&self, vhost: &str, exchange: &str) -> Option<BrokerError> {
        match self.exchanges.get(vhost, exchange) {
            None => Some(BrokerError {
                code: 404,
                text: format!("NOT_FOUND - no exchange '{exchange}' in vhost '{vhost}'"),
            }),
            Some(x) if x.internal => Some(BrokerError {
                code: 403,
                text: format!(
                    "ACCESS_REFUSED - cannot publish to internal exchange '{exchange}' in vhost '{vhost}'"
                ),
            }),
            Some(_) => None,
        }
    }

    /// basic.publish: the exchanges decide the queues, and each queue gets its own copy
    /// through its master and mirrors; in confirm mode the ack waits for every routed
    /// queue's replicas.
    pub fn publish_to(
        &mut self,
        c: ClientId,
        vhost: &str,
        p: Publish<'_>,
    ) -> Result<PublishResult, String> {
        if !self.clients[c.0].connected {
            return Err("ChannelWrongStateError: channel is closed (connection lost)".to_string());
        }
        if self.clients[c.0].channel_closed {
            return Err("ChannelWrongStateError: Channel is closed.".to_string());
        }
        let bad_expiry = p
            .expiration
            .and_then(crate::sim::dataplane::ttl::expiration_error);
        if let Some(text) = bad_expiry {
            let error = BrokerError {
                code: 406,
                text: format!("PRECONDITION_FAILED - {text}"),
            };
            self.close_channel(c, error.clone());
            return Ok(PublishResult::Refused { error });
        }
        if let Some(error) = self.publish_refusal(vhost, p.exchange) {
            self.close_channel(c, error.clone());
            return Ok(PublishResult::Refused { error });
        }
        let confirm = self.clients[c.0].confirm_mode;
        let seq = self.clients[c.0].next_seq;
        self.clients[c.0].next_seq += 1;
        let node = self.clients[c.0].node;
        let routed = self.route_from(node, vhost, p.exchange, p.key, p.headers);
        let first = self.new_message(c, seq, &p, None);
        if routed.is_empty() {
            if p.mandatory {
                // basic.return goes out before the ack (`rabbit_channel:deliver_to_queues/2`).
                self.exchanges.returned.push((c.0, seq));
            }
            if confirm {
                self.client_confirm(c, seq, first, ConfirmOutcome::Ack);
            }
            return Ok(PublishResult::Unroutable { seq });
        }
        let mut waiting: Vec<ProcId> = Vec::new();
        let mut dropped = false;
        let mut sends: Vec<(ProcId, MsgId)> = Vec::new();
        for (i, &q) in routed.iter().enumerate() {
            let id = if i == 0 {
                first
            } else {
                self.new_message(c, seq, &p, Some(first))
            };
            self.messages[(id.0 - 1) as usize].queue = Some(q);
            let master = self.queues[q.0].master;
            if !self.procs[master.0].alive && self.queues[q.0].state != QueueState::Running {
                dropped = true;
                if !confirm {
                    // Silently dropped: the checker counts it lost from now.
                    self.losses.dropped_at_publish.push((id, self.now));
                }
                continue;
            }
            let mut targets = vec![master];
            targets.extend(self.queues[q.0].mirrors.iter().copied());
            waiting.extend(targets.iter().copied().filter(|p| self.procs[p.0].alive));
            sends.extend(targets.into_iter().map(|to| (to, id)));
        }
        if confirm {
            if dropped || waiting.is_empty() {
                self.client_confirm(c, seq, first, ConfirmOutcome::Nack);
            } else {
                self.clients[c.0].unconfirmed.insert(
                    seq,
                    PendingConfirm {
                        seq,
                        msg: first,
                        waiting,
                        any_confirmed: false,
                    },
                );
            }
        }
        // Every replica's copy carries the same text: written once.
        let mut text = LabelText::take(&mut self.label_buf);
        text.str("publish ").quoted(p.body).str(" seq=").num(seq);
        let label = text.finish(&mut self.label_buf);
        for (to, msg) in sends {
            self.send(
                Endpoint::Client(c),
                Endpoint::Proc(to),
                MsgKind::Publish,
                label.clone(),
                Payload::Publish {
                    client: c,
                    seq,
                    msg,
                    to,
                    confirm,
                },
                crate::sim::time::Micros::ZERO,
            );
        }
        if dropped && routed.len() == 1 {
            return Ok(PublishResult::Dropped { seq });
        }
        Ok(PublishResult::Sent { seq })
    }

    /// A new message record: one per queue a publish reaches (`copy_of` names the first).
    fn new_message(
        &mut self,
        c: ClientId,
        seq: u64,
        p: &Publish<'_>,
        copy_of: Option<MsgId>,
    ) -> MsgId {
        let id = self.new_msg_id();
        self.messages.push(Message {
            id,
            body: p.body.into(),
            persistent: p.persistent,
            publisher: Some((c, seq)),
            published_at: self.now,
            queue: None,
            copy_of,
            via: (!p.exchange.is_empty())
                .then(|| Box::new((p.exchange.to_string(), p.key.to_string()))),
            props: (p.expiration.is_some() || !p.headers.is_empty()).then(|| {
                Box::new(MsgProps {
                    expiration: p.expiration.map(str::to_string),
                    headers: p.headers.to_vec(),
                    origin: None,
                })
            }),
        });
        id
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
        if self.refuse_over_limit(m, q, client, seq, msg, confirm) {
            self.queues[q.0].next_pos -= 1;
            return;
        }
        self.procs[m.0].ready.insert(
            pos,
            Entry {
                msg,
                delivered: false,
            },
        );
        self.set_expiry(q, msg);
        self.gm_broadcast(m, GmOp::Publish { msg, pos });
        self.drop_head_over_limit(m, q);
        if confirm {
            self.confirm_from(m, client, seq, msg);
        }
        self.try_deliver(q);
        self.drop_expired(q);
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
