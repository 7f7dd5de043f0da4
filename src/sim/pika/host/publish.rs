//! Publishing: `BasicProperties`, `basic_publish` (confirm mode, transactions, mandatory
//! returns) and the message store shared between scripts.

use crate::py::format::repr_str;
use crate::py::{BuiltinExc, HostResult, PyException, Reply, Value};
use crate::sim::pika::host::args::{bind, opt, require_str, truthy, try_raise, type_error};
use crate::sim::pika::host::ctx::Ctx;
use crate::sim::pika::host::obj::Obj;
use crate::sim::pika::state::{Plain, StoredMsg, Timer, TxOp, Wait};
use crate::sim::trace::Endpoint;

/// `BasicProperties` fields, in pika's order (also the positional order).
pub(super) const PROP_FIELDS: [&str; 14] = [
    "content_type",
    "content_encoding",
    "headers",
    "delivery_mode",
    "priority",
    "correlation_id",
    "reply_to",
    "expiration",
    "message_id",
    "timestamp",
    "type",
    "user_id",
    "app_id",
    "cluster_id",
];

impl Ctx<'_> {
    pub(super) fn props_of(
        &mut self,
        v: Option<&Value>,
    ) -> Result<Vec<(String, Value)>, PyException> {
        match v {
            None | Some(Value::None) => Ok(Vec::new()),
            Some(Value::Host(h)) => match self.obj(h.id) {
                Some(Obj::Props(p)) => Ok(p.clone()),
                _ => Err(type_error(format!(
                    "properties must be a pika.BasicProperties, not {}",
                    h.type_name
                ))),
            },
            Some(other) => Err(type_error(format!(
                "properties must be a pika.BasicProperties, not {}",
                other.type_name()
            ))),
        }
    }

    /// Publishes on the simulator and stores the message's bytes and properties; the
    /// publish sequence number in confirm mode.
    pub(super) fn sim_publish(
        &mut self,
        chan: usize,
        routing_key: &str,
        body: &[u8],
        props: Vec<(String, Plain)>,
        persistent: bool,
    ) -> Option<u64> {
        let c = self.st.chans[chan].client;
        let vhost = self.st.conns[self.st.chans[chan].conn].params.vhost.clone();
        let text = String::from_utf8_lossy(body).to_string();
        let r = self
            .sim
            .publish(c, &vhost, routing_key, &text, persistent)
            .ok()?;
        if let Some(m) = self.sim.messages.last() {
            self.shared.msgs.insert(
                m.id.0,
                StoredMsg {
                    body: body.to_vec(),
                    props,
                },
            );
        }
        match r {
            crate::sim::dataplane::PublishResult::Sent { seq }
            | crate::sim::dataplane::PublishResult::Unroutable { seq }
            | crate::sim::dataplane::PublishResult::Dropped { seq } => Some(seq),
        }
    }

    pub(super) fn basic_publish(
        &mut self,
        chan: usize,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> HostResult {
        let b = try_raise!(bind(
            "BlockingChannel.basic_publish",
            &["exchange", "routing_key", "body", "properties", "mandatory"],
            3,
            args,
            kwargs,
        ));
        let exchange = try_raise!(require_str(opt(&b, 0), "exchange"));
        let rk = try_raise!(require_str(opt(&b, 1), "routing_key"));
        let body: Vec<u8> = match opt(&b, 2) {
            Some(Value::Bytes(b)) => b.to_vec(),
            Some(Value::Str(s)) => s.as_bytes().to_vec(),
            Some(other) => {
                return HostResult::Raise(type_error(format!(
                    "object of type '{}' has no len()",
                    other.type_name()
                )))
            }
            None => Vec::new(),
        };
        let props = try_raise!(self.props_of(opt(&b, 3)));
        let mandatory = truthy(&b, 4, false);
        if let Err(r) = self.channel_op(chan) {
            return r;
        }
        try_raise!(self.short_string(&exchange));
        try_raise!(self.short_string(&rk));
        let held = self.sim.messages.len() + self.st.chans[chan].tx_ops.len();
        if let Err(text) = crate::sim::limits::check_run_publishes(held, 1) {
            return HostResult::Raise(PyException::builtin(BuiltinExc::RuntimeError, text));
        }
        let persistent = props
            .iter()
            .any(|(k, v)| k == "delivery_mode" && v.as_int() == Some(2));
        let plain: Vec<(String, Plain)> = props
            .iter()
            .map(|(k, v)| (k.clone(), Plain::from_value(v, 0)))
            .collect();
        let conn = self.st.chans[chan].conn;
        let builtin_exchange = matches!(
            exchange.as_str(),
            "amq.direct" | "amq.fanout" | "amq.topic" | "amq.headers" | "amq.match"
        );
        if !exchange.is_empty() && !builtin_exchange {
            // basic.publish is asynchronous: the broker's channel.close comes back later.
            let _ = self.request_to_node(
                chan,
                format!("basic.publish exchange={exchange} routing_key={rk}"),
            );
            let vhost = self.st.conns[conn].params.vhost.clone();
            let text = format!("NOT_FOUND - no exchange '{exchange}' in vhost '{vhost}'");
            let at = self.now() + self.lat();
            self.st.timers.push(Timer {
                at,
                chan,
                code: 404,
                text: text.clone(),
            });
            if self.st.chans[chan].confirm {
                let at2 = at + self.lat();
                return self.suspend(
                    Wait::Until {
                        at: at2,
                        reply: Reply::Raise(self.st.exc.channel_closed_by_broker(404, &text)),
                    },
                    "basic_publish()",
                    Some(conn),
                );
            }
            return HostResult::Return(Value::None);
        }
        // A built-in exchange without bindings routes nowhere: publish to no queue.
        let rk_for_sim = if builtin_exchange {
            format!("\u{0}{exchange}")
        } else {
            rk.clone()
        };
        if self.st.chans[chan].tx {
            let c = self.st.chans[chan].client;
            let node = self.st.conns[conn].node;
            let arrive = self.now() + self.lat();
            self.wire(
                Endpoint::Client(c),
                Endpoint::Node(node),
                format!(
                    "basic.publish {} (held until tx.commit)",
                    repr_str(&String::from_utf8_lossy(&body))
                ),
                arrive,
            );
            self.st.chans[chan].tx_ops.push(TxOp::Publish {
                routing_key: rk_for_sim,
                body,
                props: plain,
                persistent,
            });
            return HostResult::Return(Value::None);
        }
        let unroutable = {
            let c = self.st.chans[chan].client;
            let vhost = self.st.conns[conn].params.vhost.clone();
            let node = self.sim.clients[c.0].node;
            self.sim
                .find_queue_from(node, &vhost, &rk_for_sim)
                .is_none()
        };
        let seq = self.sim_publish(chan, &rk_for_sim, &body, plain, persistent);
        let msg = self.sim.messages.last().map(|m| m.id.0);
        if !self.st.chans[chan].confirm {
            return HostResult::Return(Value::None);
        }
        let Some(seq) = seq else {
            // The simulator refused: the channel's client is already gone, and the script
            // learns why when that news arrives.
            let w = self.news_of_failure(chan);
            return self.suspend(w, "basic_publish()", None);
        };
        let since = self.now();
        self.suspend(
            Wait::Confirm {
                chan,
                seq,
                since,
                mandatory,
                unroutable,
                routing_key: rk,
                msg,
            },
            "basic_publish() — waiting for the broker's confirm",
            Some(conn),
        )
    }

    pub(super) fn returned_message(&mut self, routing_key: &str, msg: Option<u64>) -> Value {
        let method = self.method_obj(
            "Basic.Return",
            vec![
                ("reply_code", Value::Int(312)),
                ("reply_text", Value::str("NO_ROUTE")),
                ("exchange", Value::str("")),
                ("routing_key", Value::str(routing_key)),
            ],
        );
        let (props, body) = match msg {
            Some(m) => (self.props_obj_for(m), self.body_for(m, "")),
            None => (
                self.new_obj(Obj::Props(Vec::new()), "BasicProperties"),
                Value::bytes(b""),
            ),
        };
        self.new_obj(
            Obj::Returned {
                method,
                props,
                body,
            },
            "ReturnedMessage",
        )
    }
}
