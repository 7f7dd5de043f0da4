//! Publishing: `BasicProperties`, `basic_publish` (confirm mode, transactions, mandatory
//! returns) and the message store shared between scripts.

use crate::erl::json::Json;
use crate::py::format::repr_str;
use crate::py::{BuiltinExc, HostResult, PyException, Reply, Value};
use crate::sim::dataplane::PublishResult;
use crate::sim::pika::host::args::{
    bind, opt, require_str, to_json, truthy, try_raise, type_error,
};
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

/// What one basic.publish sends, as the simulator takes it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Outgoing<'a> {
    pub exchange: &'a str,
    pub routing_key: &'a str,
    pub body: &'a [u8],
    pub headers: &'a [(String, Json)],
    pub persistent: bool,
    pub mandatory: bool,
}

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

    /// Publishes on the simulator and stores the bytes and properties of every copy it
    /// made (one per routed queue) unless they are the message's text and none; the publish
    /// sequence number in confirm mode.
    pub(super) fn sim_publish(
        &mut self,
        chan: usize,
        out: Outgoing<'_>,
        props: Vec<(String, Plain)>,
    ) -> Option<u64> {
        let c = self.st.chans[chan].client;
        let vhost = self.st.conns[self.st.chans[chan].conn].params.vhost.clone();
        let text = String::from_utf8_lossy(out.body).to_string();
        let before = self.sim.messages.len();
        let expiration = props.iter().find_map(|(k, v)| match v {
            Plain::Str(s) if k == "expiration" => Some(s.as_str()),
            _ => None,
        });
        let p = crate::sim::dataplane::Publish {
            exchange: out.exchange,
            key: out.routing_key,
            body: &text,
            persistent: out.persistent,
            headers: out.headers,
            mandatory: out.mandatory,
            expiration,
        };
        let r = self.sim.publish_to(c, &vhost, p).ok()?;
        // What a consumer would read without a stored copy (`body_for`, `props_obj_for`): the
        // message's text as bytes and no properties. Most publishes are exactly that, and a
        // run keeps every message, so only the others are stored.
        let plain = props.is_empty() && !out.persistent && text.as_bytes() == out.body;
        for m in (before..self.sim.messages.len()).filter(|_| !plain) {
            let id = self.sim.messages[m].id.0;
            self.shared.msgs.insert(
                id,
                StoredMsg {
                    body: out.body.to_vec(),
                    props: props.clone(),
                },
            );
        }
        match r {
            PublishResult::Sent { seq }
            | PublishResult::Unroutable { seq }
            | PublishResult::Dropped { seq } => Some(seq),
            PublishResult::Refused { .. } => None,
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
        let vhost = self.st.conns[conn].params.vhost.clone();
        if let Some(err) = self.sim.publish_refusal(&vhost, &exchange) {
            // basic.publish is asynchronous: the broker's channel.close comes back later.
            let _ = self.request_to_node(
                chan,
                format!("basic.publish exchange={exchange} routing_key={rk}"),
            );
            let at = self.now() + self.lat();
            self.st.timers.push(Timer {
                at,
                chan,
                code: i64::from(err.code),
                text: err.text.clone(),
            });
            if self.st.chans[chan].confirm {
                let at2 = at + self.lat();
                return self.suspend(
                    Wait::Until {
                        at: at2,
                        reply: Reply::Raise(
                            self.st
                                .exc
                                .channel_closed_by_broker(i64::from(err.code), &err.text),
                        ),
                    },
                    "basic_publish()",
                    Some(conn),
                );
            }
            return HostResult::Return(Value::None);
        }
        let headers: Vec<(String, Json)> = props
            .iter()
            .find(|(k, _)| k == "headers")
            .map(|(_, v)| match to_json(v, 0) {
                Json::Object(pairs) => pairs,
                _ => Vec::new(),
            })
            .unwrap_or_default();
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
                exchange,
                routing_key: rk,
                body,
                props: plain,
                headers,
                persistent,
                mandatory,
            });
            return HostResult::Return(Value::None);
        }
        let unroutable = {
            let c = self.st.chans[chan].client;
            let node = self.sim.clients[c.0].node;
            self.sim
                .route_from(node, &vhost, &exchange, &rk, &headers)
                .is_empty()
        };
        let out = Outgoing {
            exchange: &exchange,
            routing_key: &rk,
            body: &body,
            headers: &headers,
            persistent,
            mandatory,
        };
        let confirms_from = self.sim.clients[self.st.chans[chan].client.0]
            .confirms
            .len();
        let seq = self.sim_publish(chan, out, plain);
        let msg = self.sim.messages.last().map(|m| m.id.0);
        if !self.st.chans[chan].confirm {
            if mandatory && unroutable {
                self.note_return(chan, &exchange, &rk, msg);
            }
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
                confirms_from,
                since,
                mandatory,
                unroutable,
                exchange,
                routing_key: rk,
                msg,
            },
            "basic_publish() — waiting for the broker's confirm",
            Some(conn),
        )
    }

    pub(super) fn returned_message(
        &mut self,
        exchange: &str,
        routing_key: &str,
        msg: Option<u64>,
    ) -> Value {
        let (method, props, body) = self.returned_parts(exchange, routing_key, msg);
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
