//! The exchange and binding records, kept cluster-wide as 3.10.8 keeps them in Mnesia: they
//! survive any node going down; the durable ones survive a restart of the whole cluster
//! (`rabbit_durable_exchange`, `rabbit_durable_route`), the transient ones do not.

use crate::erl::json::Json;

/// An exchange type (`rabbit_exchange_type_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExchangeType {
    Direct,
    Fanout,
    Topic,
    Headers,
}

impl ExchangeType {
    /// The type as the wire and `list_exchanges` write it.
    pub fn as_str(self) -> &'static str {
        match self {
            ExchangeType::Direct => "direct",
            ExchangeType::Fanout => "fanout",
            ExchangeType::Topic => "topic",
            ExchangeType::Headers => "headers",
        }
    }

    /// The registered types of a 3.10.8 node without plugins.
    pub fn parse(s: &str) -> Option<ExchangeType> {
        match s {
            "direct" => Some(ExchangeType::Direct),
            "fanout" => Some(ExchangeType::Fanout),
            "topic" => Some(ExchangeType::Topic),
            "headers" => Some(ExchangeType::Headers),
            _ => None,
        }
    }
}

/// One exchange record.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    pub vhost: String,
    pub name: String,
    pub kind: ExchangeType,
    pub durable: bool,
    pub auto_delete: bool,
    pub internal: bool,
    pub args: Vec<(String, Json)>,
}

/// What a binding leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DestKind {
    Queue,
    Exchange,
}

impl DestKind {
    /// As `list_bindings` and `rabbit_misc:rs/1` write it.
    pub fn as_str(self) -> &'static str {
        match self {
            DestKind::Queue => "queue",
            DestKind::Exchange => "exchange",
        }
    }
}

/// One binding record: `source` exchange → destination, with its key and arguments. Two
/// bindings are the same when all of these are (`#binding{}` is the route's key).
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub vhost: String,
    pub source: String,
    pub dest_kind: DestKind,
    pub dest: String,
    pub key: String,
    pub args: Vec<(String, Json)>,
}

/// The exchanges every vhost has from its creation (`rabbit_vhost:do_add/3`), with their
/// types; `amq.rabbitmq.trace` is internal. All are durable. In the order a real 3.10.8 node
/// lists them (`rabbit_exchange` is an ETS set: hash order, the same on every node).
pub const PREDECLARED: &[(&str, ExchangeType, bool)] = &[
    ("amq.headers", ExchangeType::Headers, false),
    ("amq.fanout", ExchangeType::Fanout, false),
    ("amq.direct", ExchangeType::Direct, false),
    ("", ExchangeType::Direct, false),
    ("amq.rabbitmq.trace", ExchangeType::Topic, true),
    ("amq.match", ExchangeType::Headers, false),
    ("amq.topic", ExchangeType::Topic, false),
];

/// Every exchange and explicit binding of every vhost. Queues' implicit bindings to the
/// default exchange are not stored (they are implicit since 3.8, rabbitmq-server#1721).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Exchanges {
    /// The predeclared ones of a vhost first, then in creation order (a real node lists
    /// the ones it created in hash order).
    pub exchanges: Vec<Exchange>,
    /// In creation order.
    pub bindings: Vec<Binding>,
    /// basic.return sent to publishers (client, publish sequence number), in order.
    pub returned: Vec<(usize, u64)>,
}

impl Exchanges {
    /// The store with a vhost's predeclared exchanges.
    pub fn with_vhost(vhost: &str) -> Exchanges {
        let mut x = Exchanges::default();
        x.add_vhost(vhost);
        x
    }

    /// Creates a vhost's predeclared exchanges (no-op when they exist).
    pub fn add_vhost(&mut self, vhost: &str) {
        for &(name, kind, internal) in PREDECLARED {
            if self.get(vhost, name).is_none() {
                self.exchanges.push(Exchange {
                    vhost: vhost.to_string(),
                    name: name.to_string(),
                    kind,
                    durable: true,
                    auto_delete: false,
                    internal,
                    args: Vec::new(),
                });
            }
        }
    }

    /// Forgets a vhost's exchanges and bindings (`delete_vhost`).
    pub fn remove_vhost(&mut self, vhost: &str) {
        self.exchanges.retain(|x| x.vhost != vhost);
        self.bindings.retain(|b| b.vhost != vhost);
    }

    pub fn get(&self, vhost: &str, name: &str) -> Option<&Exchange> {
        self.exchanges
            .iter()
            .find(|x| x.vhost == vhost && x.name == name)
    }

    /// The exchanges of a vhost, in creation order.
    pub fn of_vhost<'a>(&'a self, vhost: &'a str) -> impl Iterator<Item = &'a Exchange> + 'a {
        self.exchanges.iter().filter(move |x| x.vhost == vhost)
    }

    /// The bindings whose source is this exchange.
    pub fn from_source<'a>(
        &'a self,
        vhost: &'a str,
        source: &'a str,
    ) -> impl Iterator<Item = &'a Binding> + 'a {
        self.bindings
            .iter()
            .filter(move |b| b.vhost == vhost && b.source == source)
    }

    /// Whether a binding is durable: both ends are (`rabbit_binding:sync_route/4`). A queue
    /// end's durability is given by the caller.
    pub fn binding_durable(&self, b: &Binding, queue_durable: impl Fn(&str) -> bool) -> bool {
        let src = self.get(&b.vhost, &b.source).is_some_and(|x| x.durable);
        let dst = match b.dest_kind {
            DestKind::Queue => queue_durable(&b.dest),
            DestKind::Exchange => self.get(&b.vhost, &b.dest).is_some_and(|x| x.durable),
        };
        src && dst
    }
}
