//! Clients and their channels: connections opening and closing, the channel's modes
//! (confirm, tx), requests sent on to a queue's master, and what a client receives back.

use std::rc::Rc;

use crate::sim::engine::{MasterReq, Payload, Sim, ToClient};
use crate::sim::error::BrokerError;
use crate::sim::model::*;
use crate::sim::shared_vec::SharedVec;
use crate::sim::state_change::StateChange;
use crate::sim::trace::{Endpoint, MsgKind};

impl Sim {
    /// Opens a connection (with one channel) to `node`; pika's `AMQPConnectionError` when the
    /// node is not running.
    pub fn connect(&mut self, name: &str, node: usize) -> Result<ClientId, String> {
        if !self.node_running(node) || self.is_drained(node) {
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
            channel_closed: false,
            confirm_mode: false,
            tx: false,
            next_seq: 1,
            next_tag: 1,
            unconfirmed: Default::default(),
            confirms: SharedVec::new(),
            deliveries: SharedVec::new(),
            consumers: Vec::new(),
            cancelled: Vec::new(),
            errors: Vec::new(),
            tx_buffer: Vec::new(),
            tx_commits: Vec::new(),
        });
        self.changed(StateChange::ClientConnected {
            client: name.to_string(),
            node: self.node_name(node).to_string(),
        });
        Ok(id)
    }

    pub fn find_client(&self, name: &str) -> Option<ClientId> {
        self.clients
            .iter()
            .rposition(|c| c.name == name)
            .map(ClientId)
    }

    /// The connection closes (its node went down, or the client closed it): its consumers
    /// go, its unacked messages are requeued by the masters, its exclusive queues are deleted.
    pub(crate) fn disconnect_client(&mut self, c: ClientId, reason: &str) {
        if !self.clients[c.0].connected {
            return;
        }
        self.clients[c.0].connected = false;
        self.clients[c.0]
            .errors
            .push(ClientError::Connection(reason.to_string()));
        self.changed(StateChange::ClientDisconnected {
            client: self.clients[c.0].name.clone(),
            reason: reason.to_string(),
        });
        self.release_channel(c, true);
    }

    /// The broker closes the client's channel with a channel error (`404 NOT_FOUND - …`): the
    /// client records it; its consumers go and the masters requeue what it had not acked, as
    /// when a channel process exits. The connection stays open, and so do its exclusive queues.
    pub(crate) fn close_channel(&mut self, c: ClientId, error: BrokerError) {
        if !self.clients[c.0].channel_open() {
            return;
        }
        self.clients[c.0].channel_closed = true;
        let text = error.text.clone();
        self.clients[c.0].errors.push(ClientError::Channel(error));
        self.changed(StateChange::ChannelError {
            client: self.clients[c.0].name.clone(),
            error: text,
        });
        self.release_channel(c, false);
    }

    /// What a channel holds goes with it: consumers, requests waiting for a master, unacked
    /// messages (requeued); with the connection, its exclusive queues too.
    fn release_channel(&mut self, c: ClientId, connection_gone: bool) {
        let consumed: Vec<QueueId> = self
            .consumers
            .iter()
            .filter(|x| x.client == c)
            .map(|x| x.queue)
            .collect();
        self.consumers.retain(|x| x.client != c);
        for q in consumed {
            self.touch_queue(q);
            self.maybe_auto_delete(q);
        }
        self.waiting.retain(|(x, _, _)| *x != c);
        for i in 0..self.queues.len() {
            let q = QueueId(i);
            if self.queues[i].deleted {
                continue;
            }
            if connection_gone && self.queues[i].exclusive_owner == Some(c) {
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

    /// tx.select: commits wait until every replica holds the messages, as confirms do.
    pub fn tx_select(&mut self, c: ClientId) {
        self.clients[c.0].tx = true;
        self.clients[c.0].confirm_mode = true;
    }

    /// connection.close from the client.
    pub fn close_client(&mut self, c: ClientId) {
        self.disconnect_client(c, "connection closed by client");
    }

    pub(super) fn send_to_master(
        &mut self,
        c: ClientId,
        q: QueueId,
        req: MasterReq,
        label: String,
    ) {
        let master = self.queues[q.0].master;
        let kind = match req {
            MasterReq::Ack { .. } => MsgKind::ClientAck,
            MasterReq::Reject { .. } => MsgKind::ClientReject,
            _ => MsgKind::Request,
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

    pub(super) fn client_receives(&mut self, c: ClientId, what: ToClient) {
        match what {
            ToClient::Deliver {
                queue,
                tag,
                delivery_tag: dtag,
                msg,
                redelivered,
            } => {
                let body = self.messages[(msg.0 - 1) as usize].body.clone();
                // A client keeps every delivery: the queue's name and the consumer tag are
                // shared with its last delivery when they repeat it, as they nearly always do.
                let last = self.clients[c.0].deliveries.last();
                let qname = &self.queues[queue.0].name;
                let qname = match last {
                    Some(l) if *l.queue == **qname => l.queue.clone(),
                    _ => Rc::from(qname.as_str()),
                };
                let ctag = match (last.and_then(|l| l.consumer_tag.as_ref()), &tag) {
                    (Some(lt), Some(t)) if **lt == **t => Some(lt.clone()),
                    _ => tag.as_deref().map(Rc::from),
                };
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
                    consumer_tag: ctag,
                    at: now,
                    acked: auto,
                    acked_at: auto.then_some(now),
                    requeued: false,
                });
            }
            ToClient::GetEmpty => {
                self.clients[c.0].errors.push(ClientError::GetEmpty);
            }
            ToClient::Cancel { tag } => {
                self.clients[c.0].cancelled.push(tag.clone());
                self.changed(StateChange::ConsumerCancelled {
                    client: self.clients[c.0].name.clone(),
                    tag,
                });
            }
        }
    }
}
