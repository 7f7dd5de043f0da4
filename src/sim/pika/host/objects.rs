//! The objects the binding hands to scripts for broker methods and messages (`Basic.Deliver`
//! frames, `BasicProperties`, bodies) and pika's `<Name([...])>` repr of them.

use crate::py::format::{repr_str, to_str};
use crate::py::Value;
use crate::sim::model::Delivery;
use crate::sim::pika::host::ctx::Ctx;
use crate::sim::pika::host::obj::Obj;

impl Ctx<'_> {
    pub(super) fn method_obj(
        &mut self,
        name: &'static str,
        fields: Vec<(&'static str, Value)>,
    ) -> Value {
        let short = name.rsplit('.').next().unwrap_or(name);
        self.new_obj(Obj::Method { name, fields }, short)
    }

    pub(super) fn frame_obj(&mut self, channel: i64, method: Value) -> Value {
        self.new_obj(Obj::Frame { channel, method }, "Method")
    }

    pub(super) fn props_obj_for(&mut self, msg: u64) -> Value {
        let persistent = self
            .sim
            .messages
            .get((msg as usize).wrapping_sub(1))
            .is_some_and(|m| m.persistent);
        let mut props: Vec<(String, Value)> = match self.shared.msgs.get(&msg) {
            Some(s) => s
                .props
                .iter()
                .map(|(k, v)| (k.clone(), v.to_value()))
                .collect(),
            None => match self.dead_letter_props(msg) {
                Some(p) => p.iter().map(|(k, v)| (k.clone(), v.to_value())).collect(),
                None if persistent => vec![("delivery_mode".into(), Value::Int(2))],
                None => Vec::new(),
            },
        };
        props.retain(|(_, v)| !matches!(v, Value::None));
        self.new_obj(Obj::Props(props), "BasicProperties")
    }

    /// Message `msg`'s body as pika hands it over: the bytes published, which are the
    /// simulator's text of it unless a copy was stored (`sim_publish`).
    pub(super) fn body_for(&self, msg: u64) -> Value {
        match self.shared.msgs.get(&msg) {
            Some(s) => Value::bytes(&s.body),
            None => Value::bytes(
                self.sim
                    .messages
                    .get((msg as usize).wrapping_sub(1))
                    .map_or(&b""[..], |m| m.body.as_bytes()),
            ),
        }
    }

    pub(super) fn amqp_repr(&mut self, name: &str, fields: &[(&str, Value)]) -> String {
        let mut items: Vec<String> = Vec::new();
        for (k, v) in fields {
            if matches!(v, Value::None) {
                continue;
            }
            let s = to_str(self, v).unwrap_or_default();
            items.push(format!("{k}={s}"));
        }
        if items.is_empty() {
            return format!("<{name}>");
        }
        crate::sort::sort(&mut items);
        let list: Vec<String> = items.iter().map(|s| repr_str(s)).collect();
        format!("<{name}([{}])>", list.join(", "))
    }

    /// The exchange and routing key a delivery came with.
    pub(super) fn route_of(&self, d: &Delivery) -> (String, String) {
        match self.sim.messages.get((d.msg.0 as usize).wrapping_sub(1)) {
            Some(m) => {
                let (x, k) = m.route(&d.queue);
                (x.to_string(), k.to_string())
            }
            None => (String::new(), d.queue.to_string()),
        }
    }

    /// What a consumer receives for a delivery: the `Basic.Deliver` method (with the consumer
    /// tag the script knows), the properties and the body.
    pub(super) fn delivered(&mut self, d: &Delivery, consumer_tag: &str) -> (Value, Value, Value) {
        let (exchange, key) = self.route_of(d);
        let (exchange, key) = (exchange.as_str(), key.as_str());
        let method = self.method_obj(
            "Basic.Deliver",
            vec![
                ("consumer_tag", Value::str(consumer_tag)),
                ("delivery_tag", Value::Int(d.delivery_tag as i64)),
                ("redelivered", Value::Bool(d.redelivered)),
                ("exchange", Value::str(exchange)),
                ("routing_key", Value::str(key)),
            ],
        );
        let props = self.props_obj_for(d.msg.0);
        let body = self.body_for(d.msg.0);
        (method, props, body)
    }
}
