//! The playground's caps on the records a learner can create without bound (exchanges,
//! bindings; vhosts are capped in `vhosts`), checked where a declare or bind is asked for so
//! that the refusal is answered where it was typed: a scenario or console line's error, a
//! `RuntimeError` in pika. Only a call that would create a record is refused.

use crate::sim::engine::Sim;
use crate::sim::exchanges::{BindSpec, ExchangeSpec};
use crate::sim::limits;

impl Sim {
    /// The cap on exchanges, for an exchange.declare in `vhost`.
    pub fn exchange_cap(&self, vhost: &str, spec: &ExchangeSpec) -> Result<(), String> {
        if spec.passive || spec.name.is_empty() || self.exchanges.get(vhost, &spec.name).is_some() {
            return Ok(());
        }
        limits::check_exchanges(self.exchanges.exchanges.len())
    }

    /// The cap on bindings, for a bind (not an unbind) in `vhost`.
    pub fn binding_cap(&self, vhost: &str, spec: &BindSpec, unbind: bool) -> Result<(), String> {
        if unbind {
            return Ok(());
        }
        let mut args = spec.args.clone();
        crate::sort::sort_by(&mut args, |x, y| x.0.as_bytes().cmp(y.0.as_bytes()));
        let exists = self.exchanges.bindings.iter().any(|b| {
            b.vhost == vhost
                && b.source == spec.source
                && b.dest_kind == spec.dest_kind
                && b.dest == spec.dest
                && b.key == spec.key
                && b.args == args
        });
        if exists {
            return Ok(());
        }
        limits::check_bindings(self.exchanges.bindings.len())
    }
}
