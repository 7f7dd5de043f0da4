//! `BlockingChannel`'s calls: queue declare/delete, qos, confirm and tx modes, cancels,
//! `basic_get` and acks, dispatched by method name.

use crate::py::format::repr_str;
use crate::py::{BuiltinExc, HostRef, HostResult, PyException, Reply, Value};
use crate::sim::error::BrokerError;
use crate::sim::pika::exc::{PikaExc, PRECONDITION_FAILED};
use crate::sim::pika::host::args::{
    bind, int_arg, not_supported, opt, require_str, table_arg, truthy, try_raise, type_error,
    value_error,
};
use crate::sim::pika::host::ctx::Ctx;
use crate::sim::pika::host::obj::Obj;
use crate::sim::pika::host::publish::Outgoing;
use crate::sim::pika::state::{
    ChanState, ConnState, ConsumerInfo, Deferred, Inbound, Timer, TxOp, Wait,
};
use crate::sim::queues::DeclareArgs;

impl Ctx<'_> {
    /// pika encodes names as AMQP short strings and refuses, before sending anything, one
    /// longer than 255 bytes: `ShortStringTooLong` with the encoded bytes as its argument.
    pub(super) fn short_string(&self, s: &str) -> Result<(), PyException> {
        if s.len() <= crate::sim::limits::QUEUE_NAME_MAX_BYTES {
            return Ok(());
        }
        Err(self.st.exc.new_exc(
            PikaExc::ShortStringTooLong,
            vec![Value::bytes(s.as_bytes())],
        ))
    }

    pub(super) fn channel_call(
        &mut self,
        chan: usize,
        method: &str,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> HostResult {
        let q = |m: &str| format!("BlockingChannel.{m}");
        let conn = self.st.chans[chan].conn;
        macro_rules! bound {
            ($params:expr, $req:expr) => {
                try_raise!(bind(&q(method), $params, $req, args, kwargs))
            };
        }
        macro_rules! open {
            () => {
                if let Err(r) = self.channel_op(chan) {
                    return r;
                }
            };
        }
        match method {
            "__enter__" => HostResult::Return(Value::Host(HostRef::new(
                self.st.chans[chan].obj,
                "BlockingChannel",
            ))),
            "__exit__" | "close" => {
                if method == "close" {
                    let _ = bound!(&["reply_code", "reply_text"], 0);
                }
                match self.st.chans[chan].state {
                    ChanState::Open => {}
                    _ if method == "__exit__" => return HostResult::Return(Value::None),
                    _ => return HostResult::Raise(self.st.exc.channel_is_closed()),
                }
                if !matches!(self.st.conns[conn].state, ConnState::Open) {
                    return HostResult::Return(Value::None);
                }
                self.st.chans[chan].state = ChanState::Closed;
                let at = self.request_to_node(chan, "channel.close 0 Normal shutdown".into());
                self.suspend(
                    Wait::Deferred {
                        at,
                        op: Deferred::ChannelClose { chan },
                    },
                    "channel.close()",
                    Some(conn),
                )
            }
            "queue_declare" => {
                let b = bound!(
                    &[
                        "queue",
                        "passive",
                        "durable",
                        "exclusive",
                        "auto_delete",
                        "arguments"
                    ],
                    1
                );
                let name = try_raise!(require_str(opt(&b, 0), "queue"));
                let arguments = try_raise!(table_arg(opt(&b, 5), "arguments"));
                open!();
                // pika encodes the frame after checking the channel is open.
                try_raise!(self.short_string(&name));
                let d = DeclareArgs {
                    name: name.clone(),
                    passive: truthy(&b, 1, false),
                    durable: truthy(&b, 2, false),
                    exclusive: truthy(&b, 3, false),
                    auto_delete: truthy(&b, 4, false),
                    args: arguments,
                };
                let mut label = format!(
                    "queue.declare {}",
                    if name.is_empty() {
                        "(server-named)"
                    } else {
                        &name
                    }
                );
                for (flag, on) in [
                    ("passive", d.passive),
                    ("durable", d.durable),
                    ("exclusive", d.exclusive),
                    ("auto_delete", d.auto_delete),
                ] {
                    if on {
                        label.push(' ');
                        label.push_str(flag);
                    }
                }
                let at = self.request_to_node(chan, label);
                let deadline = at + crate::sim::engine::MASTER_RETRY;
                self.suspend(
                    Wait::Deferred {
                        at,
                        op: Deferred::Declare {
                            chan,
                            args: d,
                            deadline,
                        },
                    },
                    &format!("queue_declare({})", repr_str(&name)),
                    Some(conn),
                )
            }
            "queue_delete" => {
                let b = bound!(&["queue", "if_unused", "if_empty"], 1);
                let name = try_raise!(require_str(opt(&b, 0), "queue"));
                open!();
                try_raise!(self.short_string(&name));
                let at = self.request_to_node(chan, format!("queue.delete {name}"));
                self.suspend(
                    Wait::Deferred {
                        at,
                        op: Deferred::Delete {
                            chan,
                            queue: name.clone(),
                            if_unused: truthy(&b, 1, false),
                            if_empty: truthy(&b, 2, false),
                        },
                    },
                    &format!("queue_delete({})", repr_str(&name)),
                    Some(conn),
                )
            }
            "exchange_declare" | "exchange_delete" | "exchange_bind" | "exchange_unbind"
            | "queue_bind" | "queue_unbind" | "queue_purge" => {
                self.exchange_call(chan, method, args, kwargs)
            }
            "consume" => {
                let b = bound!(
                    &[
                        "queue",
                        "auto_ack",
                        "exclusive",
                        "arguments",
                        "inactivity_timeout"
                    ],
                    1
                );
                let queue = try_raise!(require_str(opt(&b, 0), "queue"));
                let arguments = try_raise!(table_arg(opt(&b, 3), "arguments"));
                let timeout = match opt(&b, 4) {
                    None | Some(Value::None) => None,
                    Some(v) => match v.as_f64() {
                        Some(t) if t >= 0.0 && t.is_finite() => Some(t),
                        _ => {
                            return HostResult::Raise(value_error(
                                "inactivity_timeout must be a non-negative number",
                            ))
                        }
                    },
                };
                let (auto_ack, exclusive) = (truthy(&b, 1, false), truthy(&b, 2, false));
                // A generator: nothing happens until the first item is asked for.
                HostResult::Return(self.new_obj(
                    Obj::ConsumeGen {
                        chan,
                        queue,
                        auto_ack,
                        exclusive,
                        arguments,
                        timeout,
                    },
                    "generator",
                ))
            }
            "cancel" => {
                let _ = bound!(&[], 0);
                let Some(g) = self.st.chans[chan].generator.take() else {
                    return HostResult::Return(Value::Int(0));
                };
                let Some(sim_tag) = g.sim_tag else {
                    return HostResult::Return(Value::Int(0));
                };
                open!();
                // Messages it holds go back to the queue, then the consumer is cancelled.
                if !g.params.1 {
                    for ev in &g.pending {
                        if let Inbound::Delivery(i) = ev {
                            let c = self.st.chans[chan].client;
                            if let Some(tag) = self.sim.clients[c.0]
                                .deliveries
                                .get(*i)
                                .map(|d| d.delivery_tag)
                            {
                                let _ = self.sim.reject(c, Some(tag), true);
                            }
                        }
                    }
                }
                self.st.chans[chan]
                    .consumers
                    .retain(|k| k.sim_tag != sim_tag);
                let at = self.request_to_node(chan, format!("basic.cancel {sim_tag}"));
                let w = Wait::Deferred {
                    at,
                    op: Deferred::Cancel {
                        chan,
                        sim_tags: vec![sim_tag],
                        ret: Value::Int(0),
                    },
                };
                let conn = self.st.chans[chan].conn;
                self.suspend(w, "cancel()", Some(conn))
            }
            "get_waiting_message_count" => {
                let _ = bound!(&[], 0);
                let n = self.st.chans[chan].generator.as_ref().map_or(0, |g| {
                    g.pending
                        .iter()
                        .filter(|e| matches!(e, Inbound::Delivery(_)))
                        .count()
                });
                HostResult::Return(Value::Int(n as i64))
            }
            "add_on_return_callback" => {
                let b = bound!(&["callback"], 1);
                let cb = opt(&b, 0).cloned().unwrap_or(Value::None);
                self.add_on_return_callback(chan, cb);
                HostResult::Return(Value::None)
            }
            "basic_recover" | "flow" | "publish" => {
                HostResult::Raise(not_supported(&q(method), "this call is not modelled yet"))
            }
            "confirm_delivery" => {
                let _ = bound!(&[], 0);
                open!();
                let at = self.request_to_node(chan, "confirm.select".into());
                if self.st.chans[chan].tx {
                    let w = Wait::Deferred {
                        at,
                        op: Deferred::ChannelError {
                            chan,
                            code: PRECONDITION_FAILED,
                            text: "PRECONDITION_FAILED - cannot switch from tx to confirm mode"
                                .into(),
                        },
                    };
                    return self.suspend(w, "confirm_delivery()", Some(conn));
                }
                self.suspend(
                    Wait::Deferred {
                        at,
                        op: Deferred::ConfirmSelect { chan },
                    },
                    "confirm_delivery()",
                    Some(conn),
                )
            }
            "tx_select" => {
                let _ = bound!(&[], 0);
                open!();
                let at = self.request_to_node(chan, "tx.select".into());
                if self.st.chans[chan].confirm {
                    let w = Wait::Deferred {
                        at,
                        op: Deferred::ChannelError {
                            chan,
                            code: PRECONDITION_FAILED,
                            text: "PRECONDITION_FAILED - cannot switch from confirm to tx mode"
                                .into(),
                        },
                    };
                    return self.suspend(w, "tx_select()", Some(conn));
                }
                self.suspend(
                    Wait::Deferred {
                        at,
                        op: Deferred::TxSelect { chan },
                    },
                    "tx_select()",
                    Some(conn),
                )
            }
            "tx_commit" | "tx_rollback" => {
                let _ = bound!(&[], 0);
                open!();
                let label = if method == "tx_commit" {
                    "tx.commit"
                } else {
                    "tx.rollback"
                };
                let at = self.request_to_node(chan, label.into());
                if !self.st.chans[chan].tx {
                    let w = Wait::Deferred {
                        at,
                        op: Deferred::ChannelError {
                            chan,
                            code: PRECONDITION_FAILED,
                            text: "PRECONDITION_FAILED - channel is not transactional".into(),
                        },
                    };
                    return self.suspend(w, &format!("{method}()"), Some(conn));
                }
                let ops = std::mem::take(&mut self.st.chans[chan].tx_ops);
                if method == "tx_rollback" {
                    let w = Wait::Deferred {
                        at,
                        op: Deferred::Reply {
                            chan: Some(chan),
                            label: "tx.rollback-ok".into(),
                            reply: Reply::Return(Value::None),
                        },
                    };
                    return self.suspend(w, "tx_rollback()", Some(conn));
                }
                // The channel process releases what it held: publishes reach the queues,
                // acks the masters; commit-ok waits until every replica has the messages.
                let mut seqs = Vec::new();
                for op in ops {
                    match op {
                        TxOp::Publish {
                            exchange,
                            routing_key,
                            body,
                            props,
                            headers,
                            persistent,
                            mandatory,
                        } => {
                            let out = Outgoing {
                                exchange: &exchange,
                                routing_key: &routing_key,
                                body: &body,
                                headers: &headers,
                                persistent,
                                mandatory,
                            };
                            if let Some(seq) = self.sim_publish(chan, out, props) {
                                seqs.push(seq);
                            }
                        }
                        TxOp::Ack { tag, multiple } => {
                            let _ = self.settle(chan, tag, multiple, None);
                        }
                        TxOp::Reject {
                            tag,
                            multiple,
                            requeue,
                        } => {
                            let _ = self.settle(chan, tag, multiple, Some(requeue));
                        }
                    }
                }
                let since = self.now();
                self.suspend(
                    Wait::TxCommit { chan, seqs, since },
                    "tx_commit()",
                    Some(conn),
                )
            }
            "basic_qos" => {
                let b = bound!(&["prefetch_size", "prefetch_count", "global_qos"], 0);
                let count = match int_arg(opt(&b, 1), "prefetch_count", 0) {
                    Ok(n) if (0..=65535).contains(&n) => n,
                    Ok(n) => {
                        return HostResult::Raise(value_error(format!(
                            "prefetch_count must be in range [0, 65535], but got {n}"
                        )))
                    }
                    Err(e) => return HostResult::Raise(e),
                };
                open!();
                self.st.chans[chan].prefetch = count as u32;
                let at = self.request_to_node(chan, format!("basic.qos prefetch_count={count}"));
                self.suspend(
                    Wait::Deferred {
                        at,
                        op: Deferred::Reply {
                            chan: Some(chan),
                            label: "basic.qos-ok".into(),
                            reply: Reply::Return(Value::None),
                        },
                    },
                    "basic_qos()",
                    Some(conn),
                )
            }
            "basic_publish" => self.basic_publish(chan, args, kwargs),
            "basic_consume" => self.basic_consume(chan, args, kwargs),
            "basic_cancel" | "stop_consuming" => {
                let b = bound!(
                    &["consumer_tag"],
                    if method == "basic_cancel" { 1 } else { 0 }
                );
                let which = opt(&b, 0).and_then(|v| v.as_str().map(str::to_string));
                if method == "basic_cancel" && which.is_none() {
                    return HostResult::Raise(type_error("consumer_tag must be a str"));
                }
                open!();
                let (gone, kept): (Vec<ConsumerInfo>, Vec<ConsumerInfo>) =
                    std::mem::take(&mut self.st.chans[chan].consumers)
                        .into_iter()
                        .partition(|c| which.as_ref().is_none_or(|t| &c.tag == t));
                self.st.chans[chan].consumers = kept;
                if gone.is_empty() {
                    return HostResult::Return(if method == "basic_cancel" {
                        Value::list(Vec::new())
                    } else {
                        Value::None
                    });
                }
                let sim_tags: Vec<String> = gone.iter().map(|c| c.sim_tag.clone()).collect();
                self.st.chans[chan].inbox.retain(|m| match m {
                    Inbound::Delivery(_) => true,
                    Inbound::Cancel(t) => !sim_tags.contains(t),
                });
                let at = self.request_to_node(chan, format!("basic.cancel {}", sim_tags.join(",")));
                self.suspend(
                    Wait::Deferred {
                        at,
                        op: Deferred::Cancel {
                            chan,
                            sim_tags,
                            ret: if method == "basic_cancel" {
                                Value::list(Vec::new())
                            } else {
                                Value::None
                            },
                        },
                    },
                    &format!("{method}()"),
                    Some(conn),
                )
            }
            "start_consuming" => {
                let _ = bound!(&[], 0);
                if self.st.in_callback > 0 {
                    return HostResult::Raise(self.st.exc.new_exc(
                        PikaExc::ReentrancyError,
                        vec![Value::str("start_consuming may not be called from the scope of another BlockingConnection or BlockingChannel callback")],
                    ));
                }
                if let Err(e) = self.check_chan(chan) {
                    return HostResult::Raise(e);
                }
                self.suspend(Wait::Consuming { chan }, "start_consuming()", Some(conn))
            }
            "basic_get" => {
                let b = bound!(&["queue", "auto_ack"], 1);
                let name = try_raise!(require_str(opt(&b, 0), "queue"));
                open!();
                try_raise!(self.short_string(&name));
                let c = self.st.chans[chan].client;
                let vhost = self.st.conns[conn].params.vhost.clone();
                match self.sim.get(c, &vhost, &name, !truthy(&b, 1, false)) {
                    Ok(()) => self.suspend(
                        Wait::Get {
                            chan,
                            queue: name.clone(),
                        },
                        &format!("basic_get({})", repr_str(&name)),
                        Some(conn),
                    ),
                    Err(e) => {
                        let _ = self.request_to_node(chan, format!("basic.get {name}"));
                        let w = self.deferred_error(chan, &e);
                        self.suspend(w, &format!("basic_get({})", repr_str(&name)), Some(conn))
                    }
                }
            }
            "basic_ack" | "basic_nack" | "basic_reject" => {
                let (params, req): (&[&str], usize) = match method {
                    "basic_ack" => (&["delivery_tag", "multiple"], 0),
                    "basic_nack" => (&["delivery_tag", "multiple", "requeue"], 0),
                    _ => (&["delivery_tag", "requeue"], 1),
                };
                let b = bound!(params, req);
                let tag = match int_arg(opt(&b, 0), "delivery_tag", 0) {
                    Ok(t) if t >= 0 => t as u64,
                    Ok(t) => {
                        return HostResult::Raise(value_error(format!(
                            "delivery_tag must be >= 0, but got {t}"
                        )))
                    }
                    Err(e) => return HostResult::Raise(e),
                };
                let (multiple, requeue) = match method {
                    "basic_ack" => (truthy(&b, 1, false), None),
                    "basic_nack" => (truthy(&b, 1, false), Some(truthy(&b, 2, true))),
                    _ => (false, Some(truthy(&b, 1, true))),
                };
                open!();
                if self.st.chans[chan].tx {
                    let op = match requeue {
                        None => TxOp::Ack { tag, multiple },
                        Some(r) => TxOp::Reject {
                            tag,
                            multiple,
                            requeue: r,
                        },
                    };
                    self.st.chans[chan].tx_ops.push(op);
                    return HostResult::Return(Value::None);
                }
                if let Err(text) = self.settle(chan, tag, multiple, requeue) {
                    // The broker answers an unknown tag by closing the channel.
                    let at = self.now() + self.lat();
                    self.st.timers.push(Timer {
                        at,
                        chan,
                        code: PRECONDITION_FAILED,
                        text,
                    });
                }
                HostResult::Return(Value::None)
            }
            "add_on_cancel_callback" => {
                let b = bound!(&["callback"], 1);
                let cb = opt(&b, 0).cloned().unwrap_or(Value::None);
                if !cb.is_callable() {
                    return HostResult::Raise(type_error(format!(
                        "callback must be callable, but got {}",
                        cb.type_name()
                    )));
                }
                self.st.chans[chan].cancel_callbacks.push(cb);
                HostResult::Return(Value::None)
            }
            _ => HostResult::Raise(PyException::builtin(
                BuiltinExc::AttributeError,
                format!("'BlockingChannel' object has no attribute '{method}'"),
            )),
        }
    }

    /// A request error known at once (the simulator checks, for instance, that a queue
    /// exists when the request is made): the `channel.close` comes back one round trip later.
    pub(super) fn deferred_error(&mut self, chan: usize, error: &BrokerError) -> Wait {
        let at = self.now() + self.lat();
        Wait::Deferred {
            at,
            op: Deferred::ChannelError {
                chan,
                code: i64::from(error.code),
                text: error.text.clone(),
            },
        }
    }
}
