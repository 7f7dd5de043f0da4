//! Consuming: `basic_consume`, the `channel.consume()` generator, dispatching deliveries and
//! cancellations to callbacks, and settling delivery tags (ack, nack, reject).

use std::collections::VecDeque;

use crate::erl::json::Json;
use crate::py::format::repr_str;
use crate::py::{HostRef, HostResult, Value};
use crate::sim::error::SettleError;
use crate::sim::pika::exc::PikaExc;
use crate::sim::pika::host::args::{
    bind, opt, require_str, secs, table_arg, truthy, try_raise, type_error, value_error,
};
use crate::sim::pika::host::ctx::Ctx;
use crate::sim::pika::state::{ConsumerInfo, Generator, Inbound, Wait};
use crate::sim::time::Micros;

impl Ctx<'_> {
    /// Acks or rejects delivery tags on the simulator; `Err` with the broker's
    /// `PRECONDITION_FAILED` text for a tag it does not know.
    pub(super) fn settle(
        &mut self,
        chan: usize,
        tag: u64,
        multiple: bool,
        requeue: Option<bool>,
    ) -> Result<(), String> {
        let c = self.st.chans[chan].client;
        let tags: Vec<u64> = if multiple {
            self.sim.clients[c.0]
                .deliveries
                .iter()
                .filter(|d| !d.acked && (tag == 0 || d.delivery_tag <= tag))
                .map(|d| d.delivery_tag)
                .collect()
        } else {
            vec![tag]
        };
        // rabbit_channel:collect_acks/5: `multiple` settles up to a tag the channel still
        // holds, and fails on any other (only 0 means "everything").
        let held = |t: u64| {
            self.sim.clients[c.0]
                .deliveries
                .iter()
                .any(|d| !d.acked && d.delivery_tag == t)
        };
        if multiple && tag != 0 && !held(tag) {
            return Err(format!("PRECONDITION_FAILED - unknown delivery tag {tag}"));
        }
        for t in tags {
            let r = match requeue {
                None => self.sim.ack(c, Some(t)),
                Some(rq) => self.sim.reject(c, Some(t), rq),
            };
            if let Err(e @ SettleError::UnknownTag(_)) = r {
                return Err(e.to_string());
            }
        }
        Ok(())
    }

    pub(super) fn basic_consume(
        &mut self,
        chan: usize,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> HostResult {
        let b = try_raise!(bind(
            "BlockingChannel.basic_consume",
            &[
                "queue",
                "on_message_callback",
                "auto_ack",
                "exclusive",
                "consumer_tag",
                "arguments",
            ],
            2,
            args,
            kwargs,
        ));
        let queue = try_raise!(require_str(opt(&b, 0), "queue"));
        try_raise!(self.short_string(&queue));
        let cb = opt(&b, 1).cloned().unwrap_or(Value::None);
        if !cb.is_callable() {
            let shown = crate::py::format::repr(self, &cb).unwrap_or_default();
            return HostResult::Raise(type_error(format!(
                "callback must be callable; got {shown}"
            )));
        }
        let auto_ack = truthy(&b, 2, false);
        let user_tag = match opt(&b, 4) {
            None | Some(Value::None) => None,
            Some(Value::Str(s)) => Some(s.to_string()),
            Some(other) => {
                return HostResult::Raise(type_error(format!(
                    "consumer_tag must be a str, but got {}",
                    other.type_name()
                )))
            }
        };
        let arguments = try_raise!(table_arg(opt(&b, 5), "arguments"));
        if let Err(r) = self.channel_op(chan) {
            return r;
        }
        if let Some(t) = &user_tag {
            if self.st.chans[chan].consumers.iter().any(|c| &c.tag == t) {
                return HostResult::Raise(
                    self.st
                        .exc
                        .new_exc(PikaExc::DuplicateConsumerTag, vec![Value::str(t)]),
                );
            }
        }
        let conn = self.st.chans[chan].conn;
        let c = self.st.chans[chan].client;
        let vhost = self.st.conns[conn].params.vhost.clone();
        let prefetch = self.st.chans[chan].prefetch;
        let what = format!("basic_consume({})", repr_str(&queue));
        match self
            .sim
            .consume(c, &vhost, &queue, !auto_ack, prefetch, &arguments)
        {
            Ok(sim_tag) => {
                let tag = user_tag.unwrap_or_else(|| sim_tag.clone());
                self.st.chans[chan].consumers.push(ConsumerInfo {
                    sim_tag: sim_tag.clone(),
                    tag: tag.clone(),
                    callback: cb,
                    queue,
                });
                self.suspend(Wait::ConsumeOk { chan, sim_tag, tag }, &what, Some(conn))
            }
            Err(e) => {
                let _ = self.request_to_node(chan, format!("basic.consume {queue}"));
                let w = self.deferred_error(chan, &e);
                self.suspend(w, &what, Some(conn))
            }
        }
    }

    /// The next item of a `channel.consume()` generator (registering the consumer the first
    /// time, as pika's generator does when first iterated).
    pub(super) fn next_message(
        &mut self,
        chan: usize,
        queue: String,
        auto_ack: bool,
        exclusive: bool,
        arguments: Vec<(String, Json)>,
        timeout: Option<f64>,
    ) -> HostResult {
        if let Err(e) = self.check_chan(chan) {
            return HostResult::Raise(e);
        }
        let conn = self.st.chans[chan].conn;
        let until = timeout.map(|t| self.now() + crate::sim::limits::timer_delay(secs(t)));
        let what = format!("consume({}) — waiting for a message", repr_str(&queue));
        if let Some(g) = &self.st.chans[chan].generator {
            if g.params != (queue.clone(), auto_ack, exclusive) {
                let shown = |p: &(String, bool, bool)| {
                    let py = |b: bool| if b { "True" } else { "False" };
                    format!("({}, {}, {})", repr_str(&p.0), py(p.1), py(p.2))
                };
                return HostResult::Raise(value_error(format!(
                    "Consume with different params not allowed on existing queue consumer generator; previous params: {}; new params: {}",
                    shown(&g.params),
                    shown(&(queue, auto_ack, exclusive))
                )));
            }
            let w = Wait::Next {
                chan,
                until,
                registering: false,
                not_before: Micros::ZERO,
            };
            return self.suspend(w, &what, Some(conn));
        }
        if let Err(r) = self.count_op() {
            return r;
        }
        let c = self.st.chans[chan].client;
        let vhost = self.st.conns[conn].params.vhost.clone();
        let prefetch = self.st.chans[chan].prefetch;
        match self
            .sim
            .consume(c, &vhost, &queue, !auto_ack, prefetch, &arguments)
        {
            Ok(sim_tag) => {
                self.st.chans[chan].consumers.push(ConsumerInfo {
                    sim_tag: sim_tag.clone(),
                    tag: sim_tag.clone(),
                    callback: Value::None,
                    queue: queue.clone(),
                });
                self.st.chans[chan].generator = Some(Generator {
                    params: (queue, auto_ack, exclusive),
                    sim_tag: Some(sim_tag),
                    pending: VecDeque::new(),
                });
                let w = Wait::Next {
                    chan,
                    until,
                    registering: true,
                    not_before: Micros::ZERO,
                };
                self.suspend(w, &what, Some(conn))
            }
            Err(e) => {
                let _ = self.request_to_node(chan, format!("basic.consume {queue}"));
                let w = self.deferred_error(chan, &e);
                self.suspend(w, &what, Some(conn))
            }
        }
    }

    pub(super) fn delivery_args(&mut self, chan: usize, idx: usize) -> Option<(Value, Vec<Value>)> {
        let c = self.st.chans[chan].client;
        let d = self.sim.clients[c.0].deliveries.get(idx)?.clone();
        let sim_tag = d.consumer_tag.clone()?;
        let info = self.st.chans[chan]
            .consumers
            .iter()
            .find(|k| *k.sim_tag == *sim_tag)?
            .clone();
        let (method, props, body) = self.delivered(&d, &info.tag);
        let ch = Value::Host(HostRef::new(self.st.chans[chan].obj, "BlockingChannel"));
        Some((info.callback, vec![ch, method, props, body]))
    }

    /// The next event for a connection's channels, as a callback to run.
    pub(super) fn next_dispatch(&mut self, conn: usize) -> Option<(Value, Vec<Value>)> {
        if let Some(cb) = self.st.queued_callbacks.pop_front() {
            return Some(cb);
        }
        if let Some(cb) = self.next_return(conn) {
            return Some(cb);
        }
        for chan in self.st.conns[conn].chans.clone() {
            while let Some(ev) = self.st.chans[chan].inbox.pop_front() {
                match ev {
                    Inbound::Delivery(i) => {
                        if let Some(cb) = self.delivery_args(chan, i) {
                            return Some(cb);
                        }
                    }
                    Inbound::Cancel(sim_tag) => {
                        let pos = self.st.chans[chan]
                            .consumers
                            .iter()
                            .position(|k| k.sim_tag == sim_tag);
                        let Some(pos) = pos else { continue };
                        let info = self.st.chans[chan].consumers.remove(pos);
                        let cbs = self.st.chans[chan].cancel_callbacks.clone();
                        for cb in cbs {
                            let m = self.method_obj(
                                "Basic.Cancel",
                                vec![
                                    ("consumer_tag", Value::str(&info.tag)),
                                    ("nowait", Value::Bool(true)),
                                ],
                            );
                            let number = self.st.chans[chan].number;
                            let f = self.frame_obj(number, m);
                            self.st.queued_callbacks.push_back((cb, vec![f]));
                        }
                        if let Some(cb) = self.st.queued_callbacks.pop_front() {
                            return Some(cb);
                        }
                    }
                }
            }
        }
        None
    }
}
