//! The host objects a script holds (classes, functions, parameters, connections, channels,
//! frames…): what each `HostRef` id stands for.

use crate::erl::json::Json;
use crate::py::Value;
use crate::sim::pika::state::Params;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Cls {
    BlockingConnection,
    ConnectionParameters,
    UrlParameters,
    PlainCredentials,
    BasicProperties,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Func {
    Sleep,
    Time,
    Monotonic,
    Exit,
    Dumps,
    Loads,
}

#[derive(Debug, Clone)]
pub(super) enum Obj {
    Class(Cls),
    Func(Func),
    Params(Params),
    Credentials(String),
    Props(Vec<(String, Value)>),
    Connection(usize),
    Channel(usize),
    Frame {
        channel: i64,
        method: Value,
    },
    Method {
        name: &'static str,
        fields: Vec<(&'static str, Value)>,
    },
    Returned {
        method: Value,
        props: Value,
        body: Value,
    },
    /// What `channel.consume()` returns: iterating it waits for messages.
    ConsumeGen {
        chan: usize,
        queue: String,
        auto_ack: bool,
        exclusive: bool,
        arguments: Vec<(String, Json)>,
        timeout: Option<f64>,
    },
    Stream {
        err: bool,
    },
}
