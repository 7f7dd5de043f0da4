//! The simulator's side of exchanges (`sim/exchanges` holds the records and rules, and
//! imports nothing of the engine): the exchange and binding methods of a client's channel
//! (a failure closes the channel, or the connection for an unknown type), the queues a
//! publish reaches as seen from the client's node, alternate exchanges from an argument or a
//! policy, and the records that go with a deleted queue or a whole-cluster restart.

use crate::erl::json::Json;
use crate::sim::engine::Sim;
use crate::sim::error::{BrokerError, DeclareError};
use crate::sim::exchanges::declare::{BindSpec, ExchangeFailure, ExchangeSpec, QueuePresence};
use crate::sim::exchanges::record::{Binding, DestKind, Exchange};
use crate::sim::exchanges::routing::{route, Delivery};
use crate::sim::model::{ClientId, QueueId};
use crate::sim::policy::definition::PolicyKind;
use crate::sim::policy::ObjectKind;

impl Sim {
    /// Applies a failed method to the client: its channel (or connection) closes.
    pub fn exchange_failure(&mut self, c: ClientId, f: ExchangeFailure) -> BrokerError {
        match f {
            ExchangeFailure::Channel(e) => {
                self.close_channel(c, e.clone());
                e
            }
            ExchangeFailure::Connection(e) => {
                let reason = format!("ConnectionClosedByBroker: ({}) {}", e.code, e.text);
                self.disconnect_client(c, &reason);
                e
            }
        }
    }

    /// exchange.declare on the client's channel.
    pub fn exchange_declare(
        &mut self,
        c: ClientId,
        vhost: &str,
        spec: &ExchangeSpec,
    ) -> Result<bool, BrokerError> {
        self.exchanges
            .declare(vhost, spec)
            .map_err(|f| self.exchange_failure(c, f))
    }

    /// exchange.delete on the client's channel.
    pub fn exchange_delete(
        &mut self,
        c: ClientId,
        vhost: &str,
        name: &str,
        if_unused: bool,
    ) -> Result<(), BrokerError> {
        match self.exchanges.delete(vhost, name, if_unused) {
            Ok(_) => Ok(()),
            Err(f) => Err(self.exchange_failure(c, f)),
        }
    }

    /// How a binding's destination queue looks to the client's channel.
    fn queue_presence(&self, c: ClientId, vhost: &str, name: &str) -> QueuePresence {
        let node = self.clients[c.0].node;
        let Some(q) = self.find_queue_from(node, vhost, name) else {
            return QueuePresence::Missing;
        };
        let r = &self.queues[q.0];
        if r.exclusive_owner.is_some_and(|o| o != c) {
            return QueuePresence::Refused(
                DeclareError::Locked {
                    queue: name.to_string(),
                    vhost: vhost.to_string(),
                }
                .into(),
            );
        }
        if self.listed_down(q) {
            return QueuePresence::Refused(self.absent_error(q));
        }
        QueuePresence::Present
    }

    /// `rabbit_amqqueue:absent/2` for a durable queue whose node is down.
    pub fn absent_error(&self, q: QueueId) -> BrokerError {
        let r = &self.queues[q.0];
        BrokerError {
            code: 404,
            text: format!(
                "NOT_FOUND - home node '{}' of durable queue '{}' in vhost '{}' is down or inaccessible",
                self.node_name(self.master_node(q)),
                r.name,
                r.vhost
            ),
        }
    }

    /// The record, with its arguments sorted by key as `rabbit_binding` stores them.
    fn binding_of(vhost: &str, b: &BindSpec) -> Binding {
        let mut args = b.args.clone();
        crate::sort::sort_by(&mut args, |x, y| x.0.as_bytes().cmp(y.0.as_bytes()));
        Binding {
            vhost: vhost.to_string(),
            source: b.source.clone(),
            dest_kind: b.dest_kind,
            dest: b.dest.clone(),
            key: b.key.clone(),
            args,
        }
    }

    /// queue.bind / exchange.bind (`unbind`: queue.unbind / exchange.unbind); a failure
    /// closes the client's channel.
    pub fn bind(
        &mut self,
        c: ClientId,
        vhost: &str,
        b: &BindSpec,
        unbind: bool,
    ) -> Result<(), BrokerError> {
        self.bind_checked(c, vhost, b, unbind)
            .map_err(|f| self.exchange_failure(c, f))
    }

    /// A bind or unbind as the client's channel asks it; the failure is the caller's to apply.
    pub fn bind_checked(
        &mut self,
        c: ClientId,
        vhost: &str,
        b: &BindSpec,
        unbind: bool,
    ) -> Result<(), ExchangeFailure> {
        let presence = match b.dest_kind {
            DestKind::Queue => self.queue_presence(c, vhost, &b.dest),
            DestKind::Exchange => QueuePresence::Present,
        };
        let binding = Self::binding_of(vhost, b);
        if unbind {
            self.exchanges.unbind(&binding, &presence).map(|_| ())
        } else {
            self.exchanges.bind(binding, &presence).map(|_| ())
        }
    }

    /// An exchange's alternate exchange: its `alternate-exchange` argument, else the key of
    /// the user policy that applies to it (`rabbit_policy:get_arg/3`).
    pub fn alternate_of(&self, x: &Exchange) -> Option<String> {
        if let Some((_, v)) = x.args.iter().find(|(k, _)| k == "alternate-exchange") {
            return v.as_str().map(str::to_string);
        }
        self.exchange_policy(x)
            .and_then(|p| p.spec.definition.get("alternate-exchange"))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    }

    /// The user policy that applies to an exchange (`apply-to` exchanges or all).
    pub fn exchange_policy(&self, x: &Exchange) -> Option<&crate::sim::policy::Policy> {
        self.policies
            .matching(&x.vhost, PolicyKind::User, ObjectKind::Exchange, &x.name)
            .winner
    }

    /// The queues a message published to `exchange` reaches, as the client's node sees them.
    pub fn route_from(
        &self,
        node: usize,
        vhost: &str,
        exchange: &str,
        key: &str,
        headers: &[(String, Json)],
    ) -> Vec<QueueId> {
        let d = Delivery { key, headers };
        route(&self.exchanges, vhost, exchange, d, |x| {
            self.alternate_of(x)
        })
        .iter()
        .filter_map(|q| self.find_queue_from(node, vhost, q))
        .collect()
    }

    /// A queue record went: so do the bindings leading to it, and the auto-delete exchanges
    /// they were the last of.
    pub(crate) fn unbind_gone_queue(&mut self, q: QueueId) {
        let (vhost, name) = (
            self.queues[q.0].vhost.clone(),
            self.queues[q.0].name.clone(),
        );
        if self.find_queue(&vhost, &name).is_some() {
            // Another side of a split brain still has a record of that name.
            return;
        }
        let mut gone = Vec::new();
        self.exchanges
            .remove_for_destination(&vhost, DestKind::Queue, &name, &mut gone);
    }

    /// The first node to start after the whole cluster stopped: only the durable exchanges
    /// and the bindings between durable ends come back.
    pub(crate) fn drop_transient_exchanges(&mut self) {
        let queues = &self.queues;
        self.exchanges.keep_durable(|vhost, name| {
            queues
                .iter()
                .any(|r| !r.deleted && r.durable && r.vhost == vhost && r.name == name)
        });
    }
}
