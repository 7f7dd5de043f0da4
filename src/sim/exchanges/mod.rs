//! Exchanges and bindings as RabbitMQ 3.10.8 keeps them (`rabbit_exchange`, `rabbit_binding`,
//! `rabbit_exchange_type_*`): the cluster-wide records (`record`), the pure routing of a
//! message through them (`routing`), declare/delete/bind/unbind with the channel's checks and
//! texts (`declare`). The simulator's side (queues that exist, records that go with a queue
//! or a whole-cluster restart, alternate exchanges from policies) is `sim::exchange_methods`.

pub mod declare;
pub mod record;
pub mod routing;

pub use declare::{BindSpec, ExchangeFailure, ExchangeSpec};
pub use record::{Binding, DestKind, Exchange, ExchangeType, Exchanges};
