//! `BlockingConnection`: the connection workflow (attempts, retries), opening channels, closing,
//! and how a lost connection or a channel closed by the broker reaches the script.

use std::collections::VecDeque;

use crate::py::format::repr_str;
use crate::py::{BuiltinExc, HostResult, PyException, Reply, Value};
use crate::sim::cluster::NodeState;
use crate::sim::error::BrokerError;
use crate::sim::model::ClientId;
use crate::sim::pika::exc::PikaExc;
use crate::sim::pika::host::args::{bind, opt, secs, try_raise, value_error};
use crate::sim::pika::host::ctx::Ctx;
use crate::sim::pika::host::obj::Obj;
use crate::sim::pika::state::{
    Chan, ChanState, Conn, ConnState, Connecting, Deferred, Loss, Params, Wait,
};
use crate::sim::time::Micros;
use crate::sim::trace::Endpoint;

impl Ctx<'_> {
    pub(super) fn blocking_connection(
        &mut self,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> HostResult {
        let b = try_raise!(bind(
            "BlockingConnection.__init__",
            &["parameters", "_impl_class"],
            0,
            args,
            kwargs,
        ));
        let list: Vec<Params> = match opt(&b, 0) {
            None | Some(Value::None) => vec![Params::default()],
            Some(v @ Value::Host(_)) => match self.params_of(v) {
                Some(p) => vec![p],
                None => return HostResult::Raise(self.params_type_error(v)),
            },
            Some(Value::List(_) | Value::Tuple(_)) => {
                let items = match opt(&b, 0) {
                    Some(Value::List(l)) => l.items.borrow().clone(),
                    Some(Value::Tuple(t)) => t.items.clone(),
                    _ => Vec::new(),
                };
                if items.is_empty() {
                    return HostResult::Raise(value_error("connection_configs is empty: []."));
                }
                let mut out = Vec::new();
                for it in &items {
                    match self.params_of(it) {
                        Some(p) => out.push(p),
                        None => return HostResult::Raise(self.params_type_error(it)),
                    }
                }
                out
            }
            Some(other) => return HostResult::Raise(self.params_type_error(other)),
        };
        if let Err(text) = crate::sim::limits::check_script_connections(self.st.conns.len()) {
            return HostResult::Raise(PyException::builtin(BuiltinExc::RuntimeError, text));
        }
        let last = list.last().cloned().unwrap_or_default();
        let now = self.now();
        let wait = Wait::Connect(Box::new(Connecting {
            params: list,
            index: 0,
            cycles_left: last.connection_attempts,
            retry_delay: secs(last.retry_delay),
            next_at: now,
            last_error: None,
            obj_params: Vec::new(),
        }));
        self.suspend(wait, "BlockingConnection()", None)
    }

    /// One connection attempt of the workflow, at `next_at`.
    pub(super) fn attempt(&mut self, w: &mut Connecting) -> Option<Reply> {
        let Some(p) = w.params.get(w.index).cloned() else {
            return Some(Reply::Raise(value_error("connection_configs is empty")));
        };
        let now = self.now();
        let rtt = self.lat() + self.lat();
        let outcome: Result<usize, (PyException, Micros)> = match self.resolve(&p.host) {
            None => Err((self.st.exc.name_not_known(), now)),
            Some(_) if p.port == 15672 => Err((
                self.st.exc.new_exc(
                    PikaExc::IncompatibleProtocolError,
                    vec![Value::str("StreamLostError: ('Transport indicated EOF',)")],
                ),
                now + rtt,
            )),
            Some(node) if p.port != 5672 || !self.sim.node_running(node) => {
                Err((self.st.exc.connection_refused(), now + rtt))
            }
            Some(node) => match self.vhost_refusal(&p.vhost) {
                Some(e) => Err((e, now + rtt + rtt)),
                None => Ok(node),
            },
        };
        match outcome {
            Ok(node) => {
                let number = self.st.conns.len() + 1;
                let name = self.client_name(number, 1);
                let client = match self.sim.connect(&name, node) {
                    Ok(c) => c,
                    Err(_) => {
                        w.last_error = Some(self.st.exc.connection_refused());
                        return self.next_attempt(w, now + rtt);
                    }
                };
                self.sim.note_client_vhost(client, &p.vhost);
                self.st.new_clients.push((name, client, p.vhost.clone()));
                let obj = self.new_obj(Obj::Connection(number - 1), "BlockingConnection");
                let obj_id = match &obj {
                    Value::Host(h) => h.id,
                    _ => 0,
                };
                self.st.conns.push(Conn {
                    params: p.clone(),
                    node,
                    state: ConnState::Open,
                    number,
                    chans: Vec::new(),
                    spare_client: Some(client),
                    next_channel: 1,
                    obj: obj_id,
                });
                let arrive = now + self.lat();
                self.wire(
                    Endpoint::Client(client),
                    Endpoint::Node(node),
                    format!("AMQP 0-9-1 handshake, connection.open vhost={}", p.vhost),
                    arrive,
                );
                w.obj_params.push(obj);
                None
            }
            Err((e, at)) => {
                w.last_error = Some(e);
                self.next_attempt(w, at)
            }
        }
    }

    pub(super) fn next_attempt(&mut self, w: &mut Connecting, failed_at: Micros) -> Option<Reply> {
        w.index += 1;
        if w.index >= w.params.len() {
            w.cycles_left -= 1;
            w.index = 0;
            if w.cycles_left <= 0 {
                let e = w
                    .last_error
                    .clone()
                    .unwrap_or_else(|| self.st.exc.connection_refused());
                w.next_at = failed_at;
                return Some(Reply::Raise(e));
            }
            w.next_at = failed_at + w.retry_delay;
        } else {
            w.next_at = failed_at;
        }
        None
    }

    pub(super) fn conn_error(&self, loss: &Loss) -> PyException {
        match loss {
            Loss::Forced => self
                .st
                .exc
                .connection_closed_by_broker(320, crate::sim::node_monitor::FORCED_REPLY),
            Loss::Eof => self.st.exc.new_exc(
                PikaExc::StreamLostError,
                vec![Value::str("Transport indicated EOF")],
            ),
            Loss::Closed { code, text } => self.st.exc.connection_closed_by_broker(*code, text),
        }
    }

    pub(super) fn conn_repr(&self, conn: usize) -> String {
        let c = &self.st.conns[conn];
        let state = match c.state {
            ConnState::Open => "OPEN",
            _ => "CLOSED",
        };
        format!(
            "<SelectConnection {state} params=<ConnectionParameters host={} port={} virtual_host={} ssl=False>>",
            c.params.host, c.params.port, c.params.vhost
        )
    }

    /// Raises what a call on a closed or lost connection raises; `Ok` when it may proceed.
    pub(super) fn check_conn(&mut self, conn: usize, what: &str) -> Result<(), PyException> {
        let now = self.now();
        let state = self.st.conns[conn].state.clone();
        match state {
            ConnState::Open => Ok(()),
            ConnState::Lost {
                loss,
                at,
                raised: false,
            } if now >= at => {
                self.st.conns[conn].state = ConnState::Lost {
                    loss: loss.clone(),
                    at,
                    raised: true,
                };
                Err(self.conn_error(&loss))
            }
            ConnState::Lost { raised: false, .. } => Ok(()),
            _ => Err(self.st.exc.new_exc(
                PikaExc::ConnectionWrongStateError,
                vec![Value::str(&format!(
                    "{what} requires an open connection: {}",
                    self.conn_repr(conn)
                ))],
            )),
        }
    }

    /// Raises what a channel call raises on a closed channel (or connection).
    pub(super) fn check_chan(&mut self, chan: usize) -> Result<(), PyException> {
        let conn = self.st.chans[chan].conn;
        let now = self.now();
        match self.st.conns[conn].state.clone() {
            ConnState::Open | ConnState::Lost { raised: false, .. } => {}
            _ => return Err(self.st.exc.channel_is_closed()),
        }
        if let ConnState::Lost {
            loss,
            at,
            raised: false,
        } = self.st.conns[conn].state.clone()
        {
            if now >= at {
                self.st.conns[conn].state = ConnState::Lost {
                    loss: loss.clone(),
                    at,
                    raised: true,
                };
                return Err(self.conn_error(&loss));
            }
        }
        match self.st.chans[chan].state.clone() {
            ChanState::Open => Ok(()),
            ChanState::Broken {
                code,
                text,
                at,
                raised: false,
            } if now >= at => {
                self.st.chans[chan].state = ChanState::Broken {
                    code,
                    text: text.clone(),
                    at,
                    raised: true,
                };
                Err(self.st.exc.channel_closed_by_broker(code, &text))
            }
            ChanState::Broken { raised: false, .. } => Ok(()),
            _ => Err(self.st.exc.channel_is_closed()),
        }
    }

    /// A broker call on a channel: refused as [`Ctx::check_chan`] refuses it, and counted against
    /// the per-instant budget.
    pub(super) fn channel_op(&mut self, chan: usize) -> Result<(), HostResult> {
        self.check_chan(chan).map_err(HostResult::Raise)?;
        self.count_op()
    }

    /// The simulator clients of a connection: its channels', then the one not handed out yet.
    pub(super) fn conn_clients(&self, conn: usize) -> Vec<ClientId> {
        let c = &self.st.conns[conn];
        c.chans
            .iter()
            .map(|&ch| self.st.chans[ch].client)
            .chain(c.spare_client)
            .collect()
    }

    /// The broker closes a channel: the simulator drops its consumers and requeues its
    /// unacked messages; the script learns it when the `channel.close` frame arrives.
    pub(super) fn break_chan(&mut self, chan: usize, code: i64, text: &str) -> Micros {
        let c = self.st.chans[chan].client;
        self.sim.close_channel(
            c,
            BrokerError {
                code: u16::try_from(code).unwrap_or(0),
                text: text.to_string(),
            },
        );
        self.st.chans[chan].seen_errors = self.sim.clients[c.0].errors.len();
        let at = self.reply_to_client(chan, format!("channel.close {code} {text}"));
        if matches!(self.st.chans[chan].state, ChanState::Open) {
            self.st.chans[chan].state = ChanState::Broken {
                code,
                text: text.to_string(),
                at,
                raised: false,
            };
        }
        at
    }

    /// What a call on a channel whose client is already gone (the broker closed the channel,
    /// or the connection was lost, and the news is on its way) gets: that news, when it
    /// arrives.
    pub(super) fn news_of_failure(&mut self, chan: usize) -> Wait {
        let now = self.now();
        if let ChanState::Broken { code, text, at, .. } = self.st.chans[chan].state.clone() {
            self.st.chans[chan].state = ChanState::Broken {
                code,
                text: text.clone(),
                at,
                raised: true,
            };
            let reply = Reply::Raise(self.st.exc.channel_closed_by_broker(code, &text));
            return Wait::Until {
                at: at.max(now),
                reply,
            };
        }
        let conn = self.st.chans[chan].conn;
        if let ConnState::Lost { loss, at, .. } = self.st.conns[conn].state.clone() {
            self.st.conns[conn].state = ConnState::Lost {
                loss: loss.clone(),
                at,
                raised: true,
            };
            let reply = Reply::Raise(self.conn_error(&loss));
            return Wait::Until {
                at: at.max(now),
                reply,
            };
        }
        let reply = Reply::Raise(self.st.exc.channel_is_closed());
        Wait::Until { at: now, reply }
    }

    /// A channel error the script's request provoked: it arrives with the reply.
    pub(super) fn chan_error_reply(&mut self, chan: usize, code: i64, text: &str) -> Wait {
        let at = self.break_chan(chan, code, text);
        if let ChanState::Broken { code, text, at, .. } = self.st.chans[chan].state.clone() {
            self.st.chans[chan].state = ChanState::Broken {
                code,
                text: text.clone(),
                at,
                raised: true,
            };
        }
        Wait::Until {
            at,
            reply: Reply::Raise(self.st.exc.channel_closed_by_broker(code, text)),
        }
    }

    pub(super) fn open_channel(
        &mut self,
        conn: usize,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> HostResult {
        let b = try_raise!(bind(
            "BlockingConnection.channel",
            &["channel_number"],
            0,
            args,
            kwargs,
        ));
        if let Err(e) = self.check_conn(conn, "Channel allocation") {
            return HostResult::Raise(e);
        }
        if let Err(r) = self.count_op() {
            return r;
        }
        let number = match opt(&b, 0) {
            None | Some(Value::None) => self.st.conns[conn].next_channel,
            Some(v) => match v.as_int() {
                Some(n) if (1..=2047).contains(&n) => n,
                _ => {
                    return HostResult::Raise(self.st.exc.new_exc(
                        PikaExc::InvalidChannelNumber,
                        vec![Value::Int(v.as_int().unwrap_or(0))],
                    ))
                }
            },
        };
        self.st.conns[conn].next_channel = self.st.conns[conn].next_channel.max(number + 1);
        let node = self.st.conns[conn].node;
        let client = match self.st.conns[conn].spare_client.take() {
            Some(c) => c,
            None => {
                let name = self.client_name(self.st.conns[conn].number, number);
                match self.sim.connect(&name, node) {
                    Ok(c) => {
                        let vhost = self.st.conns[conn].params.vhost.clone();
                        self.sim.note_client_vhost(c, &vhost);
                        self.st.new_clients.push((name, c, vhost));
                        c
                    }
                    // The node is down: the connection is lost, and this call learns it.
                    Err(_) => {
                        let now = self.now();
                        let lat = self.lat();
                        let loss = self.loss_of(node);
                        self.st.conns[conn].state = ConnState::Lost {
                            loss,
                            at: now + lat,
                            raised: false,
                        };
                        return self.suspend(
                            Wait::Until {
                                at: Micros(u64::MAX),
                                reply: Reply::Return(Value::None),
                            },
                            "channel()",
                            Some(conn),
                        );
                    }
                }
            }
        };
        let idx = self.st.chans.len();
        let obj = self.new_obj(Obj::Channel(idx), "BlockingChannel");
        let obj_id = match &obj {
            Value::Host(h) => h.id,
            _ => 0,
        };
        let cl = &self.sim.clients[client.0];
        self.st.chans.push(Chan {
            conn,
            number,
            client,
            state: ChanState::Open,
            confirm: false,
            tx: false,
            tx_ops: Vec::new(),
            prefetch: 0,
            consumers: Vec::new(),
            cancel_callbacks: Vec::new(),
            seen_deliveries: cl.deliveries.len(),
            seen_cancels: cl.cancelled.len(),
            seen_errors: cl.errors.len(),
            inbox: VecDeque::new(),
            get_replies: VecDeque::new(),
            generator: None,
            obj: obj_id,
        });
        self.st.conns[conn].chans.push(idx);
        let at = self.request_to_node(idx, format!("channel.open {number}"));
        self.suspend(
            Wait::Deferred {
                at,
                op: Deferred::ChannelOpen { chan: idx },
            },
            "channel()",
            Some(conn),
        )
    }

    pub(super) fn loss_of(&self, node: usize) -> Loss {
        match self.sim.cluster.nodes.get(node).map(|n| n.state) {
            Some(NodeState::Crashed) => Loss::Eof,
            _ => Loss::Forced,
        }
    }

    pub(super) fn close_connection(
        &mut self,
        conn: usize,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> HostResult {
        let b = try_raise!(bind(
            "BlockingConnection.close",
            &["reply_code", "reply_text"],
            0,
            args,
            kwargs,
        ));
        let code = opt(&b, 0).and_then(|v| v.as_int()).unwrap_or(200);
        let text = opt(&b, 1)
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| "Normal shutdown".into());
        let open = match &self.st.conns[conn].state {
            ConnState::Open => true,
            ConnState::Lost {
                raised: false, at, ..
            } => *at > self.now(),
            _ => false,
        };
        if !open {
            if let ConnState::Lost {
                loss,
                at,
                raised: false,
            } = self.st.conns[conn].state.clone()
            {
                self.st.conns[conn].state = ConnState::Lost {
                    loss,
                    at,
                    raised: true,
                };
            }
            return HostResult::Raise(self.st.exc.new_exc(
                PikaExc::ConnectionWrongStateError,
                vec![Value::str(&format!(
                    "BlockingConnection.close({code}, {}) called on closed connection.",
                    repr_str(&text)
                ))],
            ));
        }
        let client = self.conn_clients(conn).first().copied();
        let node = self.st.conns[conn].node;
        let arrive = self.now() + self.lat();
        if let Some(c) = client {
            self.wire(
                Endpoint::Client(c),
                Endpoint::Node(node),
                format!("connection.close {code} {text}"),
                arrive,
            );
        }
        self.st.conns[conn].state = ConnState::Closed;
        for &ch in &self.st.conns[conn].chans.clone() {
            if self.st.chans[ch].state == ChanState::Open {
                self.st.chans[ch].state = ChanState::Closed;
            }
        }
        self.suspend(
            Wait::Deferred {
                at: arrive,
                op: Deferred::ConnectionClose { conn },
            },
            "connection.close()",
            None,
        )
    }

    /// Closes what the script's process leaves open when it ends (the OS closes the sockets:
    /// the broker sees the TCP connections go and requeues their unacked messages).
    pub fn close_all(&mut self, reason: &str) {
        for conn in 0..self.st.conns.len() {
            if self.st.conns[conn].state != ConnState::Open {
                continue;
            }
            self.st.conns[conn].state = ConnState::Closed;
            for c in self.conn_clients(conn) {
                if self.sim.clients[c.0].connected {
                    self.sim.disconnect_client(c, reason);
                }
            }
            for &ch in &self.st.conns[conn].chans.clone() {
                self.st.chans[ch].state = ChanState::Closed;
            }
        }
    }
}
