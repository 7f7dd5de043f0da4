//! The vhost side of a script's connections: `connection.open` refused for a missing vhost or
//! one `guest` has no permissions in (pika raises `ProbableAccessDeniedError`, as it does for
//! a close during the handshake), a connection closed by the broker while the node runs
//! (`delete_vhost`'s `320 CONNECTION_FORCED - vhost 'v' is deleted`), and the playground's
//! caps on exchanges and bindings, checked before a declare or bind is sent.

use crate::py::format::repr_str;
use crate::py::{PyException, Value};
use crate::sim::model::ClientError;
use crate::sim::pika::exc::PikaExc;
use crate::sim::pika::host::ctx::Ctx;
use crate::sim::pika::state::{ConnState, ExchangeCall, Loss};
use crate::sim::vhosts::DEFAULT_USER;

impl Ctx<'_> {
    /// What `connection.open` of `vhost` raises, if the broker refuses it.
    pub(super) fn vhost_refusal(&self, vhost: &str) -> Option<PyException> {
        let e = self.sim.vhost_access(vhost, DEFAULT_USER).err()?;
        Some(self.st.exc.new_exc(
            PikaExc::ProbableAccessDeniedError,
            vec![Value::str(&format!(
                "ConnectionClosedByBroker: ({}) {}",
                e.code,
                repr_str(&e.text)
            ))],
        ))
    }

    /// A connection the broker closed while its node runs (its client's last error is the
    /// `connection.close`): the script learns it one latency later.
    pub(super) fn broker_closed(&mut self, conn: usize, error: &ClientError) {
        let ClientError::Connection(reason) = error else {
            return;
        };
        if self.st.conns[conn].state != ConnState::Open
            || !self.sim.node_running(self.st.conns[conn].node)
        {
            return;
        }
        let Some((code, text)) = parse_closed(reason) else {
            return;
        };
        let at = self.now() + self.lat();
        self.st.conns[conn].state = ConnState::Lost {
            loss: Loss::Closed { code, text },
            at,
            raised: false,
        };
    }

    /// The cap on exchanges or bindings a declare or bind would pass.
    pub(super) fn record_cap(&self, chan: usize, call: &ExchangeCall) -> Result<(), String> {
        let conn = self.st.chans[chan].conn;
        let vhost = &self.st.conns[conn].params.vhost;
        match call {
            ExchangeCall::Declare(spec) => self.sim.exchange_cap(vhost, spec),
            ExchangeCall::Bind { spec, unbind } => self.sim.binding_cap(vhost, spec, *unbind),
            _ => Ok(()),
        }
    }
}

/// `ConnectionClosedByBroker: (320) CONNECTION_FORCED - …` → its code and text.
fn parse_closed(reason: &str) -> Option<(i64, String)> {
    let rest = reason.strip_prefix("ConnectionClosedByBroker: (")?;
    let (code, text) = rest.split_once(") ")?;
    Some((code.parse().ok()?, text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::parse_closed;

    #[test]
    fn a_close_reason_gives_its_code_and_text() {
        assert_eq!(
            parse_closed(
                "ConnectionClosedByBroker: (320) CONNECTION_FORCED - vhost 'v' is deleted"
            ),
            Some((320, "CONNECTION_FORCED - vhost 'v' is deleted".to_string()))
        );
        assert_eq!(parse_closed("connection closed by client"), None);
    }
}
