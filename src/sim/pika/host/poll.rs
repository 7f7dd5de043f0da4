//! The blocking-wait polling: [`Ctx::poll`] decides, as simulated time passes, when and how a
//! suspended pika call returns.

use crate::py::{BuiltinExc, PyException, Reply, Value};
use crate::sim::pika::host::ctx::Ctx;
use crate::sim::pika::state::{ChanState, ConnState, Deferred, Inbound, Pending, Wait};

/// How a suspended call stands after a poll.
#[derive(Debug)]
pub enum Poll {
    /// Still waiting.
    Pending,
    /// The call returns (or raises).
    Reply(Reply),
    /// Run this callback first (a delivery, a cancellation); the call keeps waiting.
    Callback(Value, Vec<Value>),
}

impl Ctx<'_> {
    /// Decides whether a suspended call can go on now (applying broker-side effects that are
    /// due on the way).
    pub fn poll(&mut self, p: &mut Pending) -> Poll {
        let now = self.now();
        // A lost connection or a channel closed by the broker ends the calls waiting on it.
        if let Some(ci) = p.conn {
            if let ConnState::Lost {
                loss,
                at,
                raised: false,
            } = self.st.conns[ci].state.clone()
            {
                if now >= at {
                    self.st.conns[ci].state = ConnState::Lost {
                        loss: loss.clone(),
                        at,
                        raised: true,
                    };
                    return Poll::Reply(Reply::Raise(self.conn_error(&loss)));
                }
                // The request went into a dead socket: nothing more happens until the EOF.
                if !matches!(p.wait, Wait::Until { .. }) {
                    return Poll::Pending;
                }
            }
        }
        if let Some(ch) = p.wait.chan() {
            if let ChanState::Broken {
                code,
                text,
                at,
                raised: false,
            } = self.st.chans[ch].state.clone()
            {
                if now >= at {
                    self.st.chans[ch].state = ChanState::Broken {
                        code,
                        text: text.clone(),
                        at,
                        raised: true,
                    };
                    return Poll::Reply(Reply::Raise(
                        self.st.exc.channel_closed_by_broker(code, &text),
                    ));
                }
                if !matches!(p.wait, Wait::Until { .. }) {
                    return Poll::Pending;
                }
            }
        }
        let lat = self.lat();
        match &mut p.wait {
            Wait::Until { at, reply } => {
                if now >= *at {
                    Poll::Reply(reply.clone())
                } else {
                    Poll::Pending
                }
            }
            Wait::Deferred { at, op } => {
                if now < *at {
                    return Poll::Pending;
                }
                let op = op.clone();
                match self.apply(op) {
                    Some(w) => {
                        p.wait = w;
                        self.poll(p)
                    }
                    None => Poll::Pending,
                }
            }
            Wait::Connect(w) => {
                while now >= w.next_at {
                    let before = self.st.conns.len();
                    if let Some(r) = self.attempt(w) {
                        return if now >= w.next_at {
                            Poll::Reply(r)
                        } else {
                            p.wait = Wait::Until {
                                at: w.next_at,
                                reply: r,
                            };
                            Poll::Pending
                        };
                    }
                    if self.st.conns.len() > before {
                        let conn = self.st.conns.len() - 1;
                        let at = now + lat;
                        p.conn = Some(conn);
                        p.wait = Wait::Deferred {
                            at,
                            op: Deferred::Opened { conn },
                        };
                        return Poll::Pending;
                    }
                }
                Poll::Pending
            }
            Wait::Confirm {
                chan,
                seq,
                confirms_from,
                since,
                mandatory,
                unroutable,
                exchange,
                routing_key,
                msg,
            } => {
                let c = self.st.chans[*chan].client;
                let confirms = &self.sim.clients[c.0].confirms;
                let found = (*confirms_from <= confirms.len())
                    .then(|| confirms.range(*confirms_from..).rev().find(|x| x.0 == *seq))
                    .flatten()
                    .map(|x| x.2);
                let Some(outcome) = found else {
                    return Poll::Pending;
                };
                if now < *since + lat + lat {
                    return Poll::Pending;
                }
                match outcome {
                    crate::sim::model::ConfirmOutcome::Nack => {
                        Poll::Reply(Reply::Raise(self.st.exc.nack_error(Vec::new())))
                    }
                    crate::sim::model::ConfirmOutcome::Ack if *mandatory && *unroutable => {
                        let (x, rk, m) = (exchange.clone(), routing_key.clone(), *msg);
                        let returned = self.returned_message(&x, &rk, m);
                        Poll::Reply(Reply::Raise(self.st.exc.unroutable_error(vec![returned])))
                    }
                    crate::sim::model::ConfirmOutcome::Ack => {
                        Poll::Reply(Reply::Return(Value::None))
                    }
                }
            }
            Wait::Get { chan, .. } => {
                let chan = *chan;
                match self.st.chans[chan].get_replies.pop_front() {
                    None => Poll::Pending,
                    Some(None) => Poll::Reply(Reply::Return(Value::tuple(vec![
                        Value::None,
                        Value::None,
                        Value::None,
                    ]))),
                    Some(Some(i)) => {
                        let c = self.st.chans[chan].client;
                        let Some(d) = self.sim.clients[c.0].deliveries.get(i).cloned() else {
                            return Poll::Pending;
                        };
                        let conn = self.st.chans[chan].conn;
                        let vhost = self.st.conns[conn].params.vhost.clone();
                        let remaining = self
                            .sim
                            .find_queue(&vhost, &d.queue)
                            .map(|q| self.sim.procs[self.sim.queue(q).master.0].ready.len())
                            .unwrap_or(0);
                        let (exchange, key) = self.route_of(&d);
                        let method = self.method_obj(
                            "Basic.GetOk",
                            vec![
                                ("delivery_tag", Value::Int(d.delivery_tag as i64)),
                                ("redelivered", Value::Bool(d.redelivered)),
                                ("exchange", Value::str(&exchange)),
                                ("routing_key", Value::str(&key)),
                                ("message_count", Value::Int(remaining as i64)),
                            ],
                        );
                        let props = self.props_obj_for(d.msg.0);
                        let body = self.body_for(d.msg.0);
                        Poll::Reply(Reply::Return(Value::tuple(vec![method, props, body])))
                    }
                }
            }
            Wait::ConsumeOk { chan, sim_tag, tag } => {
                let c = self.st.chans[*chan].client;
                let Some(k) = self
                    .sim
                    .consumers
                    .iter()
                    .find(|k| k.client == c && &k.tag == sim_tag)
                else {
                    return Poll::Pending;
                };
                let q = k.queue;
                let arrive = self.consume_ok(c, q, sim_tag);
                p.wait = Wait::Until {
                    at: arrive,
                    reply: Reply::Return(Value::str(tag)),
                };
                self.poll(p)
            }
            Wait::Consuming { chan } => {
                let chan = *chan;
                let conn = self.st.chans[chan].conn;
                if let Some((f, a)) = self.next_dispatch(conn) {
                    return Poll::Callback(f, a);
                }
                if self.st.chans[chan].consumers.is_empty() {
                    return Poll::Reply(Reply::Return(Value::None));
                }
                if let Err(e) = self.check_chan(chan) {
                    return Poll::Reply(Reply::Raise(e));
                }
                Poll::Pending
            }
            Wait::Events {
                conn,
                until,
                dispatched,
            } => {
                let conn = *conn;
                if self.st.in_callback == 0 {
                    if let Some((f, a)) = self.next_dispatch(conn) {
                        *dispatched = true;
                        return Poll::Callback(f, a);
                    }
                }
                match until {
                    Some(u) if now >= *u => Poll::Reply(Reply::Return(Value::None)),
                    None if *dispatched => Poll::Reply(Reply::Return(Value::None)),
                    _ => Poll::Pending,
                }
            }
            Wait::Next {
                chan,
                until,
                registering,
                not_before,
            } => {
                let (chan, until_t) = (*chan, *until);
                if *registering {
                    let c = self.st.chans[chan].client;
                    let tag = self.st.chans[chan]
                        .generator
                        .as_ref()
                        .and_then(|g| g.sim_tag.clone());
                    let registered = self
                        .sim
                        .consumers
                        .iter()
                        .find(|k| k.client == c && Some(&k.tag) == tag.as_ref())
                        .map(|k| k.queue);
                    let Some(q) = registered else {
                        return Poll::Pending;
                    };
                    let arrive = self.consume_ok(c, q, &tag.unwrap_or_default());
                    *registering = false;
                    *not_before = arrive;
                    return self.poll(p);
                }
                if now < *not_before {
                    return Poll::Pending;
                }
                let until = until_t;
                let Some(g) = self.st.chans[chan].generator.as_mut() else {
                    return Poll::Reply(Reply::Raise(PyException::bare(BuiltinExc::StopIteration)));
                };
                match g.pending.pop_front() {
                    Some(Inbound::Delivery(i)) => {
                        let c = self.st.chans[chan].client;
                        let Some(d) = self.sim.clients[c.0].deliveries.get(i).cloned() else {
                            return Poll::Pending;
                        };
                        let tag = d.consumer_tag.clone().unwrap_or_default();
                        let (method, props, body) = self.delivered(&d, &tag);
                        Poll::Reply(Reply::Return(Value::tuple(vec![method, props, body])))
                    }
                    Some(Inbound::Cancel(tag)) => {
                        // Cancelled by the broker: the generator ends.
                        self.st.chans[chan].generator = None;
                        self.st.chans[chan].consumers.retain(|k| k.sim_tag != tag);
                        Poll::Reply(Reply::Raise(PyException::bare(BuiltinExc::StopIteration)))
                    }
                    None => match until {
                        Some(u) if now >= u => Poll::Reply(Reply::Return(Value::tuple(vec![
                            Value::None,
                            Value::None,
                            Value::None,
                        ]))),
                        _ => Poll::Pending,
                    },
                }
            }
            Wait::TxCommit { chan, seqs, since } => {
                let c = self.st.chans[*chan].client;
                let cl = &self.sim.clients[c.0];
                if seqs.iter().any(|s| cl.unconfirmed.contains_key(s)) || now < *since + lat + lat {
                    return Poll::Pending;
                }
                let chan = *chan;
                let _ = self.reply_to_client(chan, "tx.commit-ok".into());
                Poll::Reply(Reply::Return(Value::None))
            }
        }
    }
}
