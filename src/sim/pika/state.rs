//! What the binding remembers about one script's pika objects: connections, channels,
//! consumers, and the blocking calls the script is waiting in.

use std::collections::VecDeque;

use crate::py::{PyException, Reply, SuspendToken, Value};
use crate::sim::model::ClientId;
use crate::sim::time::Micros;

/// `pika.ConnectionParameters` (or `URLParameters`) as the script built it.
#[derive(Debug, Clone)]
pub struct Params {
    pub host: String,
    pub port: i64,
    pub vhost: String,
    pub connection_attempts: i64,
    /// Seconds between connection cycles.
    pub retry_delay: f64,
    /// Every other argument, readable back as an attribute (`params.heartbeat`).
    pub extra: Vec<(String, Value)>,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            host: "localhost".into(),
            port: 5672,
            vhost: "/".into(),
            connection_attempts: 1,
            retry_delay: 2.0,
            extra: Vec::new(),
        }
    }
}

/// How a connection ended, as pika reports it.
#[derive(Debug, Clone, PartialEq)]
pub enum Loss {
    /// The node was stopped: the broker sent `connection.close` 320 CONNECTION_FORCED.
    Forced,
    /// The node crashed: the socket reached EOF.
    Eof,
    /// The broker closed the connection with a connection error (`503 COMMAND_INVALID`).
    Closed { code: i64, text: String },
}

/// A connection's state.
#[derive(Debug, Clone, PartialEq)]
pub enum ConnState {
    Open,
    /// Closed by the script (`connection.close()`, or the script ended).
    Closed,
    /// Lost; the script learns it at `at` (the close frame or the EOF travelling to it) and
    /// the first call after that raises it (`raised`).
    Lost {
        loss: Loss,
        at: Micros,
        raised: bool,
    },
}

/// One `BlockingConnection`.
#[derive(Debug, Clone)]
pub struct Conn {
    pub params: Params,
    pub node: usize,
    pub state: ConnState,
    /// 1-based, in the order the script opened connections (names its sim clients).
    pub number: usize,
    pub chans: Vec<usize>,
    /// The sim client opened with the connection, handed to its first channel.
    pub spare_client: Option<ClientId>,
    pub next_channel: i64,
    /// The host object standing for it.
    pub obj: u64,
}

/// A channel's state.
#[derive(Debug, Clone, PartialEq)]
pub enum ChanState {
    Open,
    /// Closed by the script.
    Closed,
    /// Closed by the broker (`channel.close` with this code and text), known to the script at
    /// `at`; the first call after that raises `ChannelClosedByBroker`.
    Broken {
        code: i64,
        text: String,
        at: Micros,
        raised: bool,
    },
}

/// A consumer registered with `basic_consume`.
#[derive(Debug, Clone)]
pub struct ConsumerInfo {
    /// The tag the broker (the simulator) knows.
    pub sim_tag: String,
    /// The tag the script sees (its own `consumer_tag=`, or the broker's).
    pub tag: String,
    pub callback: Value,
    pub queue: String,
}

/// Something that arrived for a channel and waits to be dispatched to the script.
#[derive(Debug, Clone)]
pub enum Inbound {
    /// Index into the sim client's deliveries.
    Delivery(usize),
    /// `basic.cancel` from the broker for this simulator tag.
    Cancel(String),
}

/// A publish, ack or reject made inside a transaction, held until `tx_commit`.
#[derive(Debug, Clone)]
pub enum TxOp {
    Publish {
        exchange: String,
        routing_key: String,
        body: Vec<u8>,
        props: Vec<(String, Plain)>,
        /// The `headers` property, as a headers exchange reads it.
        headers: Vec<(String, crate::erl::json::Json)>,
        persistent: bool,
        mandatory: bool,
    },
    Ack {
        tag: u64,
        multiple: bool,
    },
    Reject {
        tag: u64,
        multiple: bool,
        requeue: bool,
    },
}

/// One `BlockingChannel` (a simulator client of its own).
#[derive(Debug, Clone)]
pub struct Chan {
    pub conn: usize,
    pub number: i64,
    pub client: ClientId,
    pub state: ChanState,
    pub confirm: bool,
    pub tx: bool,
    pub tx_ops: Vec<TxOp>,
    pub prefetch: u32,
    pub consumers: Vec<ConsumerInfo>,
    pub cancel_callbacks: Vec<Value>,
    /// How far the binding has read the sim client's deliveries, cancellations and errors.
    pub seen_deliveries: usize,
    pub seen_cancels: usize,
    pub seen_errors: usize,
    pub inbox: VecDeque<Inbound>,
    /// Replies to `basic_get`: a delivery index, or `None` for get-empty.
    pub get_replies: VecDeque<Option<usize>>,
    /// The consumer of `channel.consume()` (one per channel, as in pika) and what it holds.
    pub generator: Option<Generator>,
    pub obj: u64,
}

/// The queue consumer generator of `channel.consume(queue, auto_ack, exclusive)`.
#[derive(Debug, Clone)]
pub struct Generator {
    /// `(queue, auto_ack, exclusive)`: a second `consume()` must ask for the same.
    pub params: (String, bool, bool),
    /// Set once the consumer is registered with the simulator.
    pub sim_tag: Option<String>,
    /// Deliveries and the broker's cancellation, in arrival order.
    pub pending: VecDeque<Inbound>,
}

/// A value stored outside any script (message properties and bodies, shared by the publishing
/// and the consuming script, which are separate processes).
#[derive(Debug, Clone, PartialEq)]
pub enum Plain {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    List(Vec<Plain>),
    Dict(Vec<(Plain, Plain)>),
}

impl Plain {
    /// Copies a script value (anything else becomes its type name as a string).
    pub fn from_value(v: &Value, depth: usize) -> Plain {
        if depth > 50 {
            return Plain::None;
        }
        match v {
            Value::None => Plain::None,
            Value::Bool(b) => Plain::Bool(*b),
            Value::Int(i) => Plain::Int(*i),
            Value::Float(f) => Plain::Float(*f),
            Value::Str(s) => Plain::Str(s.to_string()),
            Value::Bytes(b) => Plain::Bytes(b.to_vec()),
            Value::List(l) => Plain::List(
                l.items
                    .borrow()
                    .iter()
                    .map(|x| Plain::from_value(x, depth + 1))
                    .collect(),
            ),
            Value::Tuple(t) => Plain::List(
                t.items
                    .iter()
                    .map(|x| Plain::from_value(x, depth + 1))
                    .collect(),
            ),
            Value::Dict(d) => Plain::Dict(
                d.map
                    .borrow()
                    .iter()
                    .map(|(k, x)| {
                        (
                            Plain::from_value(k, depth + 1),
                            Plain::from_value(x, depth + 1),
                        )
                    })
                    .collect(),
            ),
            other => Plain::Str(other.type_name()),
        }
    }

    /// A fresh script value (so one script's mutation never reaches another).
    pub fn to_value(&self) -> Value {
        match self {
            Plain::None => Value::None,
            Plain::Bool(b) => Value::Bool(*b),
            Plain::Int(i) => Value::Int(*i),
            Plain::Float(f) => Value::Float(*f),
            Plain::Str(s) => Value::str(s),
            Plain::Bytes(b) => Value::bytes(b),
            Plain::List(v) => Value::list(v.iter().map(Plain::to_value).collect()),
            Plain::Dict(v) => Value::dict(
                v.iter()
                    .map(|(k, x)| (k.to_value(), x.to_value()))
                    .collect(),
            )
            .unwrap_or(Value::None),
        }
    }
}

/// A message as published through the binding: the body's bytes and the properties, which the
/// simulator (which keeps text bodies and the persistence flag) does not hold.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredMsg {
    pub body: Vec<u8>,
    pub props: Vec<(String, Plain)>,
}

/// A broker-side effect the binding applies when a request reaches the broker.
#[derive(Debug, Clone)]
pub enum Deferred {
    /// The reply to a request whose effect needs nothing from the simulator.
    Reply {
        chan: Option<usize>,
        label: String,
        reply: Reply,
    },
    /// The AMQP handshake on a fresh TCP connection reached the broker.
    Opened {
        conn: usize,
    },
    ChannelOpen {
        chan: usize,
    },
    Declare {
        chan: usize,
        args: crate::sim::queues::DeclareArgs,
        /// `rabbit_amqqueue:with/4` gives up on a queue without a live master after ~60 s.
        deadline: Micros,
    },
    Delete {
        chan: usize,
        queue: String,
        if_unused: bool,
        if_empty: bool,
    },
    ConfirmSelect {
        chan: usize,
    },
    TxSelect {
        chan: usize,
    },
    Cancel {
        chan: usize,
        sim_tags: Vec<String>,
        /// What the call returns (`basic_cancel` a list, `stop_consuming` None, `cancel` 0).
        ret: Value,
    },
    ChannelClose {
        chan: usize,
    },
    ConnectionClose {
        conn: usize,
    },
    /// The broker refuses the request: `channel.close` with this code and text.
    ChannelError {
        chan: usize,
        code: i64,
        text: String,
    },
    /// An exchange, binding or purge method.
    Exchange {
        chan: usize,
        call: ExchangeCall,
    },
}

/// An exchange, binding or purge method on its way to the broker.
#[derive(Debug, Clone, PartialEq)]
pub enum ExchangeCall {
    Declare(crate::sim::exchanges::ExchangeSpec),
    Delete {
        name: String,
        if_unused: bool,
    },
    Bind {
        spec: crate::sim::exchanges::BindSpec,
        unbind: bool,
    },
    Purge {
        queue: String,
    },
}

impl ExchangeCall {
    /// The names the frame carries as AMQP short strings.
    pub fn names(&self) -> Vec<&str> {
        match self {
            ExchangeCall::Declare(s) => vec![&s.name, &s.kind],
            ExchangeCall::Delete { name, .. } => vec![name],
            ExchangeCall::Bind { spec, .. } => vec![&spec.source, &spec.dest, &spec.key],
            ExchangeCall::Purge { queue } => vec![queue],
        }
    }
}

/// The connection workflow of `BlockingConnection(...)`: every parameter set in turn, for
/// `connection_attempts` cycles with `retry_delay` between them (pika's
/// `AMQPConnectionWorkflow`).
#[derive(Debug, Clone)]
pub struct Connecting {
    pub params: Vec<Params>,
    pub index: usize,
    pub cycles_left: i64,
    pub retry_delay: Micros,
    pub next_at: Micros,
    pub last_error: Option<PyException>,
    pub obj_params: Vec<Value>,
}

/// What a suspended host call waits for.
#[derive(Debug, Clone)]
pub enum Wait {
    /// Answer with `reply` at `at` (sleeps, replies already decided).
    Until {
        at: Micros,
        reply: Reply,
    },
    /// Apply a broker-side effect at `at` (when the request arrives).
    Deferred {
        at: Micros,
        op: Deferred,
    },
    Connect(Box<Connecting>),
    /// A publish in confirm mode: its `basic.ack`/`basic.nack`.
    Confirm {
        chan: usize,
        seq: u64,
        /// How many confirms the channel's client had before the publish: its confirm comes
        /// after them (a long run holds thousands, and the wait looks after every event).
        confirms_from: usize,
        since: Micros,
        mandatory: bool,
        unroutable: bool,
        exchange: String,
        routing_key: String,
        msg: Option<u64>,
    },
    Get {
        chan: usize,
        queue: String,
    },
    ConsumeOk {
        chan: usize,
        sim_tag: String,
        tag: String,
    },
    /// `start_consuming()` on this channel.
    Consuming {
        chan: usize,
    },
    /// `process_data_events(time_limit)` / `connection.sleep(d)` on this connection.
    Events {
        conn: usize,
        until: Option<Micros>,
        dispatched: bool,
    },
    TxCommit {
        chan: usize,
        seqs: Vec<u64>,
        since: Micros,
    },
    /// The next item of `channel.consume()`: a message, `(None, None, None)` at `until`
    /// (`inactivity_timeout`), or the end when the consumer is cancelled.
    Next {
        chan: usize,
        until: Option<Micros>,
        /// Waiting for the broker's consume-ok first.
        registering: bool,
        /// Nothing is yielded before this (the consume-ok's arrival).
        not_before: Micros,
    },
}

impl Wait {
    /// The channel whose failure ends this wait (if any).
    pub fn chan(&self) -> Option<usize> {
        match self {
            Wait::Confirm { chan, .. }
            | Wait::Get { chan, .. }
            | Wait::ConsumeOk { chan, .. }
            | Wait::Consuming { chan }
            | Wait::TxCommit { chan, .. }
            | Wait::Next { chan, .. } => Some(*chan),
            Wait::Deferred { op, .. } => match op {
                Deferred::Reply { chan, .. } => *chan,
                Deferred::ChannelOpen { chan }
                | Deferred::Declare { chan, .. }
                | Deferred::Delete { chan, .. }
                | Deferred::ConfirmSelect { chan }
                | Deferred::TxSelect { chan }
                | Deferred::Cancel { chan, .. }
                | Deferred::ChannelError { chan, .. }
                | Deferred::Exchange { chan, .. } => Some(*chan),
                Deferred::ChannelClose { .. }
                | Deferred::Opened { .. }
                | Deferred::ConnectionClose { .. } => None,
            },
            _ => None,
        }
    }
}

/// A suspended host call: its token, what it waits for, and how to describe it.
#[derive(Debug, Clone)]
pub struct Pending {
    pub token: SuspendToken,
    pub wait: Wait,
    /// `basic_publish()`, `time.sleep(5)`… for the script's status line.
    pub what: String,
    /// The connection whose loss ends this wait, when there is one.
    pub conn: Option<usize>,
}

/// A broker-side event the binding schedules without the script waiting for it (the broker
/// closing a channel after an asynchronous error, such as an ack with an unknown tag).
#[derive(Debug, Clone)]
pub struct Timer {
    pub at: Micros,
    pub chan: usize,
    pub code: i64,
    pub text: String,
}
