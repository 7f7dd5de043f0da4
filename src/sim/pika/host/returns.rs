//! `BlockingChannel.add_on_return_callback` (pika 1.3): a mandatory message the broker could
//! not route comes back as `basic.return`, one round trip after the publish, and pika calls
//! every registered callback as `callback(channel, method, properties, body)` when it next
//! processes events (`process_data_events`, `start_consuming`, `connection.sleep`), never
//! inside `basic_publish` itself. In confirm mode the publish raises `UnroutableError` instead
//! (see `poll`), and the callbacks are not called.

use crate::py::{HostRef, Value};
use crate::sim::pika::host::ctx::Ctx;
use crate::sim::pika::host::obj::Obj;
use crate::sim::pika::host::return_queue::InFlight;

impl Ctx<'_> {
    /// `add_on_return_callback(callback)`. pika wraps the callback without checking it, so a
    /// value that cannot be called fails when a return is dispatched, as in pika.
    pub(super) fn add_on_return_callback(&mut self, chan: usize, cb: Value) {
        self.st.returns.callbacks.push((chan, cb));
    }

    /// A mandatory publish outside confirm mode that no queue took: its `basic.return` arrives
    /// one round trip later. Nothing is kept when the channel has no callback (pika drops it).
    pub(super) fn note_return(
        &mut self,
        chan: usize,
        exchange: &str,
        routing_key: &str,
        msg: Option<u64>,
    ) {
        if !self.st.returns.callbacks.iter().any(|(c, _)| *c == chan) {
            return;
        }
        let at = self.now() + self.lat() + self.lat();
        self.st.returns.in_flight.push(InFlight {
            chan,
            at,
            exchange: exchange.to_string(),
            routing_key: routing_key.to_string(),
            msg,
        });
    }

    /// The next return callback to run for a connection's channels, once its frame arrived.
    pub(super) fn next_return(&mut self, conn: usize) -> Option<(Value, Vec<Value>)> {
        let now = self.now();
        let chans = &self.st.conns[conn].chans;
        let i = self
            .st
            .returns
            .in_flight
            .iter()
            .position(|r| r.at <= now && chans.contains(&r.chan))?;
        let r = self.st.returns.in_flight.remove(i);
        let cbs: Vec<Value> = self
            .st
            .returns
            .callbacks
            .iter()
            .filter(|(c, _)| *c == r.chan)
            .map(|(_, cb)| cb.clone())
            .collect();
        let ch = Value::Host(HostRef::new(self.st.chans[r.chan].obj, "BlockingChannel"));
        let mut calls = Vec::new();
        for cb in cbs {
            let (method, props, body) = self.returned_parts(&r.exchange, &r.routing_key, r.msg);
            calls.push((cb, vec![ch.clone(), method, props, body]));
        }
        let mut calls = calls.into_iter();
        let first = calls.next();
        self.st.queued_callbacks.extend(calls);
        first
    }

    /// A `basic.return`'s method (`312 NO_ROUTE`), properties and body.
    pub(super) fn returned_parts(
        &mut self,
        exchange: &str,
        routing_key: &str,
        msg: Option<u64>,
    ) -> (Value, Value, Value) {
        let method = self.method_obj(
            "Basic.Return",
            vec![
                ("reply_code", Value::Int(312)),
                ("reply_text", Value::str("NO_ROUTE")),
                ("exchange", Value::str(exchange)),
                ("routing_key", Value::str(routing_key)),
            ],
        );
        let (props, body) = match msg {
            Some(m) => (self.props_obj_for(m), self.body_for(m)),
            None => (
                self.new_obj(Obj::Props(Vec::new()), "BasicProperties"),
                Value::bytes(b""),
            ),
        };
        (method, props, body)
    }
}
