//! The properties a consumer sees on a dead letter: those its publisher gave the original
//! message (kept by the binding under the original's id), without `expiration` (the broker
//! removes it), with the headers the broker wrote (`x-death`, `x-first-death-*`), as pika
//! decodes them into a dict. (`time` is a timestamp, which pika decodes as a `datetime`; the
//! interpreter has no `datetime`, so scripts get its seconds as an `int`.)

use crate::erl::json::Json;
use crate::sim::pika::host::ctx::Ctx;
use crate::sim::pika::state::Plain;

/// A header value as pika hands it to a script.
fn plain(v: &Json) -> Plain {
    match v {
        Json::Null => Plain::None,
        Json::Bool(b) => Plain::Bool(*b),
        Json::Int(n) => Plain::Int(*n),
        Json::Float(f) => Plain::Float(*f),
        // pika 1.3 decodes a UTF-8 longstr as `str`.
        Json::Str(s) => Plain::Str(s.clone()),
        Json::Array(a) => Plain::List(a.iter().map(plain).collect()),
        Json::Object(f) => Plain::Dict(
            f.iter()
                .map(|(k, v)| (Plain::Str(k.clone()), plain(v)))
                .collect(),
        ),
    }
}

impl Ctx<'_> {
    /// The properties of dead letter `msg`, or `None` if it is no dead letter.
    pub(super) fn dead_letter_props(&self, msg: u64) -> Option<Vec<(String, Plain)>> {
        let m = self.sim.messages.get((msg as usize).wrapping_sub(1))?;
        let props = m.props.as_deref()?;
        let mut origin = props.origin?;
        // A dead letter of a dead letter: the first publish's properties.
        let mut base = loop {
            if let Some(s) = self.shared.msgs.get(&origin.0) {
                break s.props.clone();
            }
            let o = self.sim.messages.get((origin.0 as usize).wrapping_sub(1))?;
            match o.props.as_deref().and_then(|p| p.origin) {
                Some(next) => origin = next,
                None => break Vec::new(),
            }
        };
        base.retain(|(k, _)| k != "expiration" && k != "headers");
        if m.persistent && !base.iter().any(|(k, _)| k == "delivery_mode") {
            base.push(("delivery_mode".into(), Plain::Int(2)));
        }
        let headers = Plain::Dict(
            props
                .headers
                .iter()
                .map(|(k, v)| (Plain::Str(k.clone()), plain(v)))
                .collect(),
        );
        base.push(("headers".into(), headers));
        Some(base)
    }
}
