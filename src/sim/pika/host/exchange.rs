//! `BlockingChannel`'s exchange, binding and purge calls (`exchange_declare`,
//! `exchange_delete`, `queue_bind`, `queue_unbind`, `exchange_bind`, `exchange_unbind`,
//! `queue_purge`): pika 1.3's arguments and defaults, the request travelling to the node, the
//! broker's answer there, and the method frame (or the exception) travelling back.

use crate::py::format::repr_str;

use crate::py::{HostResult, Reply, Value};
use crate::sim::exchanges::{BindSpec, DestKind, ExchangeSpec};
use crate::sim::pika::host::args::{bind, opt, require_str, table_arg, truthy, try_raise};
use crate::sim::pika::host::ctx::Ctx;
use crate::sim::pika::state::{ConnState, Deferred, ExchangeCall, Loss, Wait};

/// pika's `exchange_type`: a string, or an `ExchangeType` member (a string enum).
fn exchange_type(v: Option<&Value>) -> Result<String, crate::py::PyException> {
    match v {
        None => Ok("direct".to_string()),
        Some(v) => require_str(Some(v), "exchange_type"),
    }
}

/// An optional string argument pika passes on as it is (`None` → its default).
fn str_or(v: Option<&Value>, name: &str, default: &str) -> Result<String, crate::py::PyException> {
    match v {
        None | Some(Value::None) => Ok(default.to_string()),
        Some(v) => require_str(Some(v), name),
    }
}

impl Ctx<'_> {
    /// The exchange, binding and purge calls, by method name.
    pub(super) fn exchange_call(
        &mut self,
        chan: usize,
        method: &str,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> HostResult {
        let what = format!("BlockingChannel.{method}");
        let (call, label, shown) = match method {
            "exchange_declare" => {
                let b = try_raise!(bind(
                    &what,
                    &[
                        "exchange",
                        "exchange_type",
                        "passive",
                        "durable",
                        "auto_delete",
                        "internal",
                        "arguments",
                    ],
                    1,
                    args,
                    kwargs,
                ));
                let name = try_raise!(require_str(opt(&b, 0), "exchange"));
                let kind = try_raise!(exchange_type(opt(&b, 1)));
                let spec = ExchangeSpec {
                    name: name.clone(),
                    kind: kind.clone(),
                    passive: truthy(&b, 2, false),
                    durable: truthy(&b, 3, false),
                    auto_delete: truthy(&b, 4, false),
                    internal: truthy(&b, 5, false),
                    args: try_raise!(table_arg(opt(&b, 6), "arguments")),
                };
                let label = format!("exchange.declare {name} type={kind}");
                (ExchangeCall::Declare(spec), label, name)
            }
            "exchange_delete" => {
                let b = try_raise!(bind(&what, &["exchange", "if_unused"], 0, args, kwargs));
                let name = try_raise!(str_or(opt(&b, 0), "exchange", ""));
                let if_unused = truthy(&b, 1, false);
                let label = format!("exchange.delete {name}");
                (
                    ExchangeCall::Delete {
                        name: name.clone(),
                        if_unused,
                    },
                    label,
                    name,
                )
            }
            "queue_bind" | "queue_unbind" | "exchange_bind" | "exchange_unbind" => {
                let on_queue = method.starts_with("queue");
                let unbind = method.ends_with("unbind");
                let (names, required) = if on_queue {
                    (["queue", "exchange"], if unbind { 1 } else { 2 })
                } else {
                    (["destination", "source"], if unbind { 0 } else { 2 })
                };
                let b = try_raise!(bind(
                    &what,
                    &[names[0], names[1], "routing_key", "arguments"],
                    required,
                    args,
                    kwargs,
                ));
                let dest = match (on_queue, opt(&b, 0)) {
                    (true, v) => try_raise!(require_str(v, "queue")),
                    (false, v) => try_raise!(str_or(v, "destination", "")),
                };
                let source = try_raise!(str_or(opt(&b, 1), names[1], ""));
                // pika sends the queue's name when queue_bind's routing_key is None.
                let default_key = if on_queue { dest.as_str() } else { "" };
                let key = try_raise!(str_or(opt(&b, 2), "routing_key", default_key));
                let spec = BindSpec {
                    source,
                    dest_kind: if on_queue {
                        DestKind::Queue
                    } else {
                        DestKind::Exchange
                    },
                    dest: dest.clone(),
                    key,
                    args: try_raise!(table_arg(opt(&b, 3), "arguments")),
                };
                let label = format!(
                    "{} {} {} key={}",
                    spec.method(unbind).to_lowercase(),
                    spec.dest,
                    spec.source,
                    spec.key
                );
                (ExchangeCall::Bind { spec, unbind }, label, dest)
            }
            _ => {
                let b = try_raise!(bind(&what, &["queue"], 1, args, kwargs));
                let queue = try_raise!(require_str(opt(&b, 0), "queue"));
                let label = format!("queue.purge {queue}");
                (
                    ExchangeCall::Purge {
                        queue: queue.clone(),
                    },
                    label,
                    queue,
                )
            }
        };
        if let Err(r) = self.channel_op(chan) {
            return r;
        }
        for name in call.names() {
            try_raise!(self.short_string(name));
        }
        if let Err(text) = self.record_cap(chan, &call) {
            return HostResult::Raise(crate::py::PyException::builtin(
                crate::py::BuiltinExc::RuntimeError,
                text,
            ));
        }
        let at = self.request_to_node(chan, label);
        let conn = self.st.chans[chan].conn;
        self.suspend(
            Wait::Deferred {
                at,
                op: Deferred::Exchange { chan, call },
            },
            &format!("{method}({})", repr_str(&shown)),
            Some(conn),
        )
    }

    /// The broker's side of a call, when the request reaches the node.
    pub(super) fn exchange_effect(&mut self, chan: usize, call: ExchangeCall) -> Wait {
        let c = self.st.chans[chan].client;
        let conn = self.st.chans[chan].conn;
        let vhost = self.st.conns[conn].params.vhost.clone();
        let answer = match &call {
            ExchangeCall::Declare(spec) => self
                .sim
                .exchanges
                .declare(&vhost, spec)
                .map(|_| ("Exchange.DeclareOk", Vec::new())),
            ExchangeCall::Delete { name, if_unused } => self
                .sim
                .exchanges
                .delete(&vhost, name, *if_unused)
                .map(|_| ("Exchange.DeleteOk", Vec::new())),
            ExchangeCall::Bind { spec, unbind } => {
                let ok = match spec.method(*unbind) {
                    "Queue.Bind" => "Queue.BindOk",
                    "Queue.Unbind" => "Queue.UnbindOk",
                    "Exchange.Bind" => "Exchange.BindOk",
                    _ => "Exchange.UnbindOk",
                };
                self.sim
                    .bind_checked(c, &vhost, spec, *unbind)
                    .map(|()| (ok, Vec::new()))
            }
            ExchangeCall::Purge { queue } => match self.sim.purge(c, &vhost, queue) {
                Ok(n) => Ok((
                    "Queue.PurgeOk",
                    vec![("message_count", Value::Int(n as i64))],
                )),
                Err(e) => {
                    return self.chan_error_reply(chan, i64::from(e.code), &e.text);
                }
            },
        };
        match answer {
            Ok((name, fields)) => {
                let label = match fields.first() {
                    Some((_, Value::Int(n))) => format!("{name} message_count={n}"),
                    _ => name.to_string(),
                };
                let at = self.reply_to_client(chan, label);
                let m = self.method_obj(name, fields);
                let number = self.st.chans[chan].number;
                let f = self.frame_obj(number, m);
                Wait::Until {
                    at,
                    reply: Reply::Return(f),
                }
            }
            Err(crate::sim::exchanges::ExchangeFailure::Channel(e)) => {
                self.chan_error_reply(chan, i64::from(e.code), &e.text)
            }
            Err(crate::sim::exchanges::ExchangeFailure::Connection(e)) => {
                // connection.close: every channel of the connection goes with it.
                let reason = format!("ConnectionClosedByBroker: ({}) {}", e.code, e.text);
                for x in self.conn_clients(conn) {
                    if self.sim.clients[x.0].connected {
                        self.sim.disconnect_client(x, &reason);
                    }
                }
                let at = self.reply_to_client(chan, format!("connection.close {}", e.code));
                let loss = Loss::Closed {
                    code: i64::from(e.code),
                    text: e.text.clone(),
                };
                self.st.conns[conn].state = ConnState::Lost {
                    loss: loss.clone(),
                    at,
                    raised: false,
                };
                Wait::Until {
                    at,
                    reply: Reply::Raise(self.conn_error(&loss)),
                }
            }
        }
    }
}
