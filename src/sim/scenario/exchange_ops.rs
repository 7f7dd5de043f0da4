//! The scenario lines of exchanges and bindings (docs/scenario-format.md, "Exchanges and
//! bindings"): what a client's `exchange_declare`, `exchange_delete`, `bind`, `unbind`,
//! `exchange_bind`, `exchange_unbind`, `publish exchange=…` and `purge` lines ask for, and the
//! `expect exchange` checks.

use crate::erl::json::Json;
use crate::sim::exchanges::{BindSpec, ExchangeSpec};

/// A client's exchange, binding or purge method, or a publish through an exchange.
#[derive(Debug, Clone, PartialEq)]
pub enum ExchangeOp {
    /// `exchange_declare X type=T [durable] [auto_delete] [internal] [passive] [args={…}]`.
    Declare(ExchangeSpec),
    /// `exchange_delete X [if_unused]`.
    Delete { name: String, if_unused: bool },
    /// `bind Q X [key=K] [args={…}]` (without `key=` the key is the queue's name, as pika's
    /// `queue_bind(routing_key=None)` sends it) or `exchange_bind DEST SRC [key=K] [args={…}]`;
    /// `unbind`: `unbind` / `exchange_unbind`.
    Bind { spec: BindSpec, unbind: bool },
    /// `publish exchange=X [key=K] "body" [mandatory] [persistent|transient] [count=N]
    /// [headers={…}]`.
    Publish(PublishLine),
    /// `purge Q`: queue.purge.
    Purge { queue: String },
}

/// A publish through an exchange, as its line asks it.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishLine {
    pub exchange: String,
    pub key: String,
    /// With `count=N` the bodies are `body1`…`bodyN` (or `{i}` is replaced).
    pub body: String,
    pub persistent: bool,
    pub count: u32,
    pub mandatory: bool,
    pub headers: Vec<(String, Json)>,
    /// `expiration=MS`: the per-message TTL property.
    pub expiration: Option<String>,
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
