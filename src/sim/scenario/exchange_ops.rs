//! The scenario lines of exchanges and bindings (docs/scenario-format.md, "Exchanges and
//! bindings"): what a client's `exchange_declare`, `exchange_delete`, `bind`, `unbind`,
//! `exchange_bind`, `exchange_unbind`, `publish exchange=…` and `purge` lines ask for, and the
//! `expect exchange` checks.

use crate::erl::json::Json;

/// A client's exchange, binding or purge method, or a publish through an exchange.
#[derive(Debug, Clone, PartialEq)]
pub enum ExchangeOp {
    /// `exchange_declare X type=T [durable] [auto_delete] [internal] [passive] [args={…}]`.
    Declare {
        name: String,
        kind: String,
        durable: bool,
        auto_delete: bool,
        internal: bool,
        passive: bool,
        args: Vec<(String, Json)>,
    },
    /// `exchange_delete X [if_unused]`.
    Delete { name: String, if_unused: bool },
    /// `bind Q X [key=K] [args={…}]` (`unbind`: queue.unbind). Without `key=` the key is the
    /// queue's name, as pika's `queue_bind(routing_key=None)` sends it.
    QueueBind {
        queue: String,
        exchange: String,
        key: String,
        args: Vec<(String, Json)>,
        unbind: bool,
    },
    /// `exchange_bind DEST SRC [key=K] [args={…}]` (`exchange_unbind`).
    ExchangeBind {
        destination: String,
        source: String,
        key: String,
        args: Vec<(String, Json)>,
        unbind: bool,
    },
    /// `publish exchange=X [key=K] "body" [mandatory] [persistent|transient] [count=N]
    /// [headers={…}]`.
    Publish {
        exchange: String,
        key: String,
        body: String,
        persistent: bool,
        count: u32,
        mandatory: bool,
        headers: Vec<(String, Json)>,
    },
    /// `purge Q`: queue.purge.
    Purge { queue: String },
}

/// The checks an `expect exchange` line takes.
pub const EXCHANGE_KEYS: &[&str] = &[
    "type",
    "durable",
    "auto_delete",
    "internal",
    "bindings",
    "policy",
    "absent",
];
