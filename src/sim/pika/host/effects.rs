//! Broker-side effects of the requests the binding carries itself ([`Deferred`]), applied when
//! the request reaches the broker, and the reply that then travels back.

use crate::py::{HostRef, Reply, Value};
use crate::sim::error::{BrokerError, DeclareError};
use crate::sim::pika::exc::PRECONDITION_FAILED;
use crate::sim::pika::host::ctx::Ctx;
use crate::sim::pika::state::{Deferred, Wait};
use crate::sim::queues::DeclareAttempt;
use crate::sim::trace::Endpoint;

impl Ctx<'_> {
    /// Applies a request's broker-side effect when it arrives; the wait that follows (usually
    /// the reply travelling back), or `None` to keep waiting as is.
    pub(super) fn apply(&mut self, op: Deferred) -> Option<Wait> {
        let now = self.now();
        match op {
            Deferred::Reply { chan, label, reply } => {
                let at = match chan {
                    Some(ch) => self.reply_to_client(ch, label),
                    None => now + self.lat(),
                };
                Some(Wait::Until { at, reply })
            }
            Deferred::Opened { conn } => {
                let c = self.st.conns[conn].spare_client?;
                let node = self.st.conns[conn].node;
                let arrive = now + self.lat();
                self.wire(
                    Endpoint::Node(node),
                    Endpoint::Client(c),
                    "connection.open-ok".into(),
                    arrive,
                );
                let obj = Value::Host(HostRef::new(self.st.conns[conn].obj, "BlockingConnection"));
                Some(Wait::Until {
                    at: arrive,
                    reply: Reply::Return(obj),
                })
            }
            Deferred::ChannelOpen { chan } => {
                let at = self.reply_to_client(
                    chan,
                    format!("channel.open-ok {}", self.st.chans[chan].number),
                );
                let obj = Value::Host(HostRef::new(self.st.chans[chan].obj, "BlockingChannel"));
                Some(Wait::Until {
                    at,
                    reply: Reply::Return(obj),
                })
            }
            Deferred::Declare {
                chan,
                args,
                deadline,
            } => {
                let c = self.st.chans[chan].client;
                let conn = self.st.chans[chan].conn;
                let node = self.st.conns[conn].node;
                let vhost = self.st.conns[conn].params.vhost.clone();
                match self
                    .sim
                    .declare_queue_retrying(Some(c), node, &vhost, args.clone(), deadline)
                {
                    DeclareAttempt::Done(Ok(q)) => {
                        let r = self.sim.queue(q);
                        let name = r.name.clone();
                        let messages = self.sim.procs[r.master.0].ready.len() as i64;
                        let consumers =
                            self.sim.consumers.iter().filter(|k| k.queue == q).count() as i64;
                        let at = self.reply_to_client(
                            chan,
                            format!(
                                "queue.declare-ok {name} messages={messages} consumers={consumers}"
                            ),
                        );
                        let m = self.method_obj(
                            "Queue.DeclareOk",
                            vec![
                                ("queue", Value::str(&name)),
                                ("message_count", Value::Int(messages)),
                                ("consumer_count", Value::Int(consumers)),
                            ],
                        );
                        let number = self.st.chans[chan].number;
                        let f = self.frame_obj(number, m);
                        Some(Wait::Until {
                            at,
                            reply: Reply::Return(f),
                        })
                    }
                    // rabbit_amqqueue:with/4 looks again while the master is dead.
                    DeclareAttempt::RetryAt(at) => Some(Wait::Deferred {
                        at,
                        op: Deferred::Declare {
                            chan,
                            args,
                            deadline,
                        },
                    }),
                    DeclareAttempt::Done(Err(e)) => {
                        Some(self.chan_error_reply(chan, i64::from(e.reply_code()), &e.to_string()))
                    }
                }
            }
            Deferred::Delete {
                chan,
                queue,
                if_unused,
                if_empty,
            } => {
                let conn = self.st.chans[chan].conn;
                let vhost = self.st.conns[conn].params.vhost.clone();
                let c = self.st.chans[chan].client;
                let node = self.sim.clients[c.0].node;
                let Some(q) = self.sim.find_queue_from(node, &vhost, &queue) else {
                    // RabbitMQ 3.10 answers delete-ok for a queue that does not exist.
                    let at = self.reply_to_client(chan, "queue.delete-ok message_count=0".into());
                    let m =
                        self.method_obj("Queue.DeleteOk", vec![("message_count", Value::Int(0))]);
                    let number = self.st.chans[chan].number;
                    let f = self.frame_obj(number, m);
                    return Some(Wait::Until {
                        at,
                        reply: Reply::Return(f),
                    });
                };
                if self.sim.queue(q).exclusive_owner.is_some_and(|o| o != c) {
                    let e: BrokerError = DeclareError::Locked {
                        queue: queue.clone(),
                        vhost: vhost.clone(),
                    }
                    .into();
                    return Some(self.chan_error_reply(chan, i64::from(e.code), &e.text));
                }
                let depth = self.sim.procs[self.sim.queue(q).master.0].depth() as i64;
                let has_consumers = self.sim.consumers.iter().any(|k| k.queue == q);
                if if_unused && has_consumers {
                    return Some(self.chan_error_reply(
                        chan,
                        PRECONDITION_FAILED,
                        &format!("PRECONDITION_FAILED - queue '{queue}' in vhost '{vhost}' in use"),
                    ));
                }
                if if_empty && depth > 0 {
                    return Some(self.chan_error_reply(
                        chan,
                        PRECONDITION_FAILED,
                        &format!(
                            "PRECONDITION_FAILED - queue '{queue}' in vhost '{vhost}' not empty"
                        ),
                    ));
                }
                self.sim.delete_queue(q);
                let at =
                    self.reply_to_client(chan, format!("queue.delete-ok message_count={depth}"));
                let m =
                    self.method_obj("Queue.DeleteOk", vec![("message_count", Value::Int(depth))]);
                let number = self.st.chans[chan].number;
                let f = self.frame_obj(number, m);
                Some(Wait::Until {
                    at,
                    reply: Reply::Return(f),
                })
            }
            Deferred::ConfirmSelect { chan } => {
                let c = self.st.chans[chan].client;
                self.sim.confirm_select(c);
                self.st.chans[chan].confirm = true;
                let at = self.reply_to_client(chan, "confirm.select-ok".into());
                Some(Wait::Until {
                    at,
                    reply: Reply::Return(Value::None),
                })
            }
            Deferred::TxSelect { chan } => {
                let c = self.st.chans[chan].client;
                self.sim.tx_select(c);
                self.st.chans[chan].tx = true;
                let at = self.reply_to_client(chan, "tx.select-ok".into());
                Some(Wait::Until {
                    at,
                    reply: Reply::Return(Value::None),
                })
            }
            Deferred::Cancel {
                chan,
                sim_tags,
                ret,
            } => {
                let c = self.st.chans[chan].client;
                self.sim
                    .consumers
                    .retain(|k| !(k.client == c && sim_tags.contains(&k.tag)));
                let at =
                    self.reply_to_client(chan, format!("basic.cancel-ok {}", sim_tags.join(",")));
                Some(Wait::Until {
                    at,
                    reply: Reply::Return(ret),
                })
            }
            Deferred::ChannelClose { chan } => {
                let c = self.st.chans[chan].client;
                if self.sim.clients[c.0].connected {
                    self.sim.disconnect_client(c, "channel closed by client");
                }
                self.st.chans[chan].seen_errors = self.sim.clients[c.0].errors.len();
                let at = self.reply_to_client(chan, "channel.close-ok".into());
                Some(Wait::Until {
                    at,
                    reply: Reply::Return(Value::None),
                })
            }
            Deferred::ConnectionClose { conn } => {
                let clients = self.conn_clients(conn);
                let node = self.st.conns[conn].node;
                let arrive = now + self.lat();
                if let Some(&c) = clients.first() {
                    self.wire(
                        Endpoint::Node(node),
                        Endpoint::Client(c),
                        "connection.close-ok".into(),
                        arrive,
                    );
                }
                for c in clients {
                    if self.sim.clients[c.0].connected {
                        self.sim.close_client(c);
                    }
                }
                for &ch in &self.st.conns[conn].chans.clone() {
                    let c = self.st.chans[ch].client;
                    self.st.chans[ch].seen_errors = self.sim.clients[c.0].errors.len();
                }
                Some(Wait::Until {
                    at: arrive,
                    reply: Reply::Return(Value::None),
                })
            }
            Deferred::ChannelError { chan, code, text } => {
                Some(self.chan_error_reply(chan, code, &text))
            }
            Deferred::Exchange { chan, call } => Some(self.exchange_effect(chan, call)),
        }
    }
}
