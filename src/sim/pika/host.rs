//! The [`Host`] a script's interpreter talks to: the `pika`, `time`, `sys`, `json` and `socket`
//! modules over the simulator. Blocking pika calls suspend the interpreter with a [`Wait`];
//! [`Ctx::poll`] decides, as simulated time passes, when and how each one returns.
//!
//! Requests the simulator does not put on its wire (queue.declare, channel.open, confirm.select,
//! basic.qos, basic.cancel, tx.*, connection.close) are drawn as [`MsgKind::Request`] frames
//! between the client and its node, and take effect when they arrive, one client latency later.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::erl::json::Json;
use crate::py::format::{float_repr, repr_str, to_str};
use crate::py::stdlib::json as pyjson;
use crate::py::{
    BuiltinExc, ExcClass, Host, HostRef, HostResult, Module, PyException, Reply, SuspendToken,
    Value,
};
use crate::sim::cluster::NodeState;
use crate::sim::engine::Sim;
use crate::sim::model::ClientId;
use crate::sim::pika::exc::{reply_code, socket_module, PikaExceptions};
use crate::sim::pika::state::*;
use crate::sim::queues::DeclareArgs;
use crate::sim::time::Micros;
use crate::sim::trace::{Endpoint, MsgIds, MsgKind, TraceEvent, TraceKind};

/// The value of a `Result`, or (from the enclosing host call) the Python exception it holds.
macro_rules! try_raise {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return HostResult::Raise(e),
        }
    };
}

/// Ids of the request frames the binding draws (the simulator numbers its own from 1).
pub const WIRE_ID_BASE: u64 = 1 << 48;

/// Broker calls one script may make at one simulated instant before it is stopped.
pub const OPS_PER_INSTANT: u32 = 10_000;

/// The pika version the binding follows (pika's `__version__`).
pub const PIKA_VERSION: &str = "1.3.2";

/// State shared by every script of a run (messages published by one, consumed by another).
#[derive(Debug, Default)]
pub struct Shared {
    pub next_wire: u64,
    pub msgs: BTreeMap<u64, StoredMsg>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Cls {
    BlockingConnection,
    ConnectionParameters,
    UrlParameters,
    PlainCredentials,
    BasicProperties,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Func {
    Sleep,
    Time,
    Monotonic,
    Exit,
    Dumps,
    Loads,
}

#[derive(Debug, Clone)]
enum Obj {
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

/// `BasicProperties` fields, in pika's order (also the positional order).
const PROP_FIELDS: [&str; 14] = [
    "content_type",
    "content_encoding",
    "headers",
    "delivery_mode",
    "priority",
    "correlation_id",
    "reply_to",
    "expiration",
    "message_id",
    "timestamp",
    "type",
    "user_id",
    "app_id",
    "cluster_id",
];

/// `ConnectionParameters` arguments, in pika 1.3's positional order.
const PARAM_FIELDS: [&str; 16] = [
    "host",
    "port",
    "virtual_host",
    "credentials",
    "channel_max",
    "frame_max",
    "heartbeat",
    "ssl_options",
    "connection_attempts",
    "retry_delay",
    "socket_timeout",
    "stack_timeout",
    "locale",
    "blocked_connection_timeout",
    "client_properties",
    "tcp_options",
];

/// One script's side of the binding: its objects, connections, channels and output.
#[derive(Debug)]
pub struct HostState {
    pub name: String,
    /// The node `localhost` means (where the script "runs").
    pub home: usize,
    pub exc: PikaExceptions,
    json_error: ExcClass,
    objects: Vec<Obj>,
    modules: Vec<(String, Value)>,
    pub conns: Vec<Conn>,
    pub chans: Vec<Chan>,
    /// Printed text: (to stderr, text).
    pub output: Vec<(bool, String)>,
    /// Set by a call that suspended: the driver files it under the token the VM reports.
    pub pending: Option<Pending>,
    next_token: u64,
    /// The statement being executed (for linking trace events to lines).
    pub line: u32,
    /// (line, trace index): the trace events each executed line caused.
    pub links: Vec<(u32, u32)>,
    /// Ids of the frames linked to this script (to link their losses too).
    pub sends: BTreeSet<u64>,
    pub timers: Vec<Timer>,
    /// Broker calls at the current instant, and the instant.
    pub ops: u32,
    pub ops_at: Micros,
    /// Callbacks running (pika refuses `start_consuming` inside one).
    pub in_callback: usize,
    /// Callbacks waiting to run (several `add_on_cancel_callback`s for one cancel).
    pub queued_callbacks: VecDeque<(Value, Vec<Value>)>,
    /// Simulator clients opened since the run last asked: (name, id, vhost).
    pub new_clients: Vec<(String, ClientId, String)>,
    /// Why the binding stopped the script, if it did.
    pub stop: Option<String>,
}

impl HostState {
    /// A fresh process.
    pub fn new(name: &str, home: usize) -> HostState {
        HostState {
            name: name.to_string(),
            home,
            exc: PikaExceptions::new(),
            json_error: ExcClass::new_host(
                "json",
                "JSONDecodeError",
                vec![ExcClass::Builtin(BuiltinExc::ValueError)],
            ),
            objects: Vec::new(),
            modules: Vec::new(),
            conns: Vec::new(),
            chans: Vec::new(),
            output: Vec::new(),
            pending: None,
            next_token: 0,
            line: 0,
            links: Vec::new(),
            sends: BTreeSet::new(),
            timers: Vec::new(),
            ops: 0,
            ops_at: Micros::ZERO,
            in_callback: 0,
            queued_callbacks: VecDeque::new(),
            new_clients: Vec::new(),
            stop: None,
        }
    }

    /// Appends printed text, merging with the previous chunk of the same stream.
    pub fn write(&mut self, err: bool, text: &str) {
        if text.is_empty() {
            return;
        }
        match self.output.last_mut() {
            Some((e, s)) if *e == err => s.push_str(text),
            _ => self.output.push((err, text.to_string())),
        }
    }

    /// The simulator clients of every channel, for linking events.
    pub fn clients(&self) -> impl Iterator<Item = ClientId> + '_ {
        self.chans
            .iter()
            .map(|c| c.client)
            .chain(self.conns.iter().filter_map(|c| c.spare_client))
    }
}

/// How a suspended call stands after a poll.
#[derive(Debug)]
pub enum Poll {
    /// Still waiting.
    Pending,
    /// The call returns (or raises).
    Reply(Reply),
    /// Run this callback first (a delivery, a cancellation); the call keeps waiting.
    Callback(Value, Vec<Value>),
}

/// A host call's view of the world: the simulator, this script's state, the shared store.
pub struct Ctx<'a> {
    pub sim: &'a mut Sim,
    pub st: &'a mut HostState,
    pub shared: &'a mut Shared,
}

fn type_error(msg: impl AsRef<str>) -> PyException {
    PyException::builtin(BuiltinExc::TypeError, msg)
}

fn value_error(msg: impl AsRef<str>) -> PyException {
    PyException::builtin(BuiltinExc::ValueError, msg)
}

fn attr_error(obj: &HostRef, name: &str) -> PyException {
    PyException::builtin(
        BuiltinExc::AttributeError,
        format!("'{}' object has no attribute '{}'", obj.type_name, name),
    )
}

fn not_supported(what: &str, why: &str) -> PyException {
    PyException::builtin(
        BuiltinExc::NotImplementedError,
        format!("{what} is not supported by the mirrorscope simulator: {why}"),
    )
}

/// Binds positional and keyword arguments to parameter names, with CPython's messages.
fn bind(
    qualname: &str,
    params: &[&str],
    required: usize,
    args: Vec<Value>,
    kwargs: Vec<(String, Value)>,
) -> Result<Vec<Option<Value>>, PyException> {
    if args.len() > params.len() {
        let takes = if required == params.len() {
            format!("{}", params.len() + 1)
        } else {
            format!("from {} to {}", required + 1, params.len() + 1)
        };
        return Err(type_error(format!(
            "{qualname}() takes {takes} positional arguments but {} were given",
            args.len() + 1
        )));
    }
    let mut out: Vec<Option<Value>> = vec![None; params.len()];
    for (i, a) in args.into_iter().enumerate() {
        out[i] = Some(a);
    }
    for (k, v) in kwargs {
        match params.iter().position(|p| *p == k) {
            Some(i) if out[i].is_some() => {
                return Err(type_error(format!(
                    "{qualname}() got multiple values for argument '{k}'"
                )))
            }
            Some(i) => out[i] = Some(v),
            None => {
                return Err(type_error(format!(
                    "{qualname}() got an unexpected keyword argument '{k}'"
                )))
            }
        }
    }
    let missing: Vec<String> = params[..required]
        .iter()
        .zip(out.iter())
        .filter(|(_, v)| v.is_none())
        .map(|(p, _)| format!("'{p}'"))
        .collect();
    if !missing.is_empty() {
        let list = match missing.len() {
            1 => missing[0].clone(),
            n => format!("{} and {}", missing[..n - 1].join(", "), missing[n - 1]),
        };
        return Err(type_error(format!(
            "{qualname}() missing {} required positional argument{}: {list}",
            missing.len(),
            if missing.len() == 1 { "" } else { "s" }
        )));
    }
    Ok(out)
}

fn opt(v: &[Option<Value>], i: usize) -> Option<&Value> {
    v.get(i).and_then(|x| x.as_ref())
}

fn truthy(v: &[Option<Value>], i: usize, default: bool) -> bool {
    opt(v, i).map_or(default, |x| x.truthy())
}

/// pika's `validators.require_string`.
fn require_str(v: Option<&Value>, name: &str) -> Result<String, PyException> {
    match v {
        Some(Value::Str(s)) => Ok(s.to_string()),
        Some(other) => Err(type_error(format!(
            "{name} must be a str or unicode str, but got {}",
            crate::py::format::repr(&mut crate::py::NoHost, other).unwrap_or_default()
        ))),
        None => Err(type_error(format!(
            "{name} must be a str or unicode str, but got None"
        ))),
    }
}

fn int_arg(v: Option<&Value>, name: &str, default: i64) -> Result<i64, PyException> {
    match v {
        None | Some(Value::None) => Ok(default),
        Some(x) => x
            .as_int()
            .ok_or_else(|| type_error(format!("{name} must be an int, but got {}", x.type_name()))),
    }
}

fn is_callable(v: &Value) -> bool {
    matches!(
        v,
        Value::Function(_)
            | Value::Builtin(_)
            | Value::Method(_)
            | Value::HostMethod(_)
            | Value::Type(_)
            | Value::ExcClass(_)
            | Value::Host(_)
    )
}

/// A Python value as a queue argument (`arguments={'x-cancel-on-ha-failover': True}`).
fn to_json(v: &Value, depth: usize) -> Json {
    if depth > 50 {
        return Json::Null;
    }
    match v {
        Value::None => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::Int(*i),
        Value::Float(f) => Json::Float(*f),
        Value::Str(s) => Json::Str(s.to_string()),
        Value::Bytes(b) => Json::Str(String::from_utf8_lossy(b).to_string()),
        Value::List(l) => Json::Array(
            l.items
                .borrow()
                .iter()
                .map(|x| to_json(x, depth + 1))
                .collect(),
        ),
        Value::Tuple(t) => Json::Array(t.items.iter().map(|x| to_json(x, depth + 1)).collect()),
        Value::Dict(d) => Json::Object(
            d.map
                .borrow()
                .iter()
                .map(|(k, x)| {
                    let key = match k {
                        Value::Str(s) => s.to_string(),
                        other => crate::py::format::repr(&mut crate::py::NoHost, other)
                            .unwrap_or_default(),
                    };
                    (key, to_json(x, depth + 1))
                })
                .collect(),
        ),
        other => Json::Str(other.type_name()),
    }
}

fn table_arg(v: Option<&Value>, name: &str) -> Result<Vec<(String, Json)>, PyException> {
    match v {
        None | Some(Value::None) => Ok(Vec::new()),
        Some(d @ Value::Dict(_)) => match to_json(d, 0) {
            Json::Object(pairs) => Ok(pairs),
            _ => Ok(Vec::new()),
        },
        Some(other) => Err(type_error(format!(
            "{name} must be a dict, but got {}",
            other.type_name()
        ))),
    }
}

/// Seconds as simulated time (negative and non-finite values are refused by the callers).
fn secs(s: f64) -> Micros {
    Micros((s * 1_000_000.0).round().clamp(0.0, 1e15) as u64)
}

impl<'a> Ctx<'a> {
    fn now(&self) -> Micros {
        self.sim.now()
    }

    /// One-way latency between a client and the node it is connected to (the simulator's
    /// own client link on one host).
    pub fn lat(&self) -> Micros {
        self.sim.config.client_latency + Micros(20)
    }

    fn new_obj(&mut self, obj: Obj, type_name: &str) -> Value {
        self.st.objects.push(obj);
        Value::Host(HostRef::new(self.st.objects.len() as u64, type_name))
    }

    fn obj(&self, id: u64) -> Option<&Obj> {
        (id as usize)
            .checked_sub(1)
            .and_then(|i| self.st.objects.get(i))
    }

    fn token(&mut self) -> SuspendToken {
        self.st.next_token += 1;
        SuspendToken(self.st.next_token)
    }

    fn suspend(&mut self, wait: Wait, what: &str, conn: Option<usize>) -> HostResult {
        let token = self.token();
        self.st.pending = Some(Pending {
            token,
            wait,
            what: what.to_string(),
            conn,
        });
        HostResult::Suspend(token)
    }

    /// Draws a request or reply frame leaving now.
    fn wire(&mut self, from: Endpoint, to: Endpoint, label: String, arrive: Micros) {
        if self.shared.next_wire < WIRE_ID_BASE {
            self.shared.next_wire = WIRE_ID_BASE;
        }
        let id = self.shared.next_wire;
        self.shared.next_wire += 1;
        let at = self.now();
        self.sim.trace.push(TraceEvent {
            at,
            kind: TraceKind::Send {
                id,
                from,
                to,
                arrive,
                kind: MsgKind::Request,
                label,
                msgs: MsgIds::NONE,
            },
        });
    }

    fn request_to_node(&mut self, chan: usize, label: String) -> Micros {
        let c = self.st.chans[chan].client;
        let node = self.st.conns[self.st.chans[chan].conn].node;
        let arrive = self.now() + self.lat();
        self.wire(Endpoint::Client(c), Endpoint::Node(node), label, arrive);
        arrive
    }

    fn reply_to_client(&mut self, chan: usize, label: String) -> Micros {
        let c = self.st.chans[chan].client;
        let node = self.st.conns[self.st.chans[chan].conn].node;
        let arrive = self.now() + self.lat();
        self.wire(Endpoint::Node(node), Endpoint::Client(c), label, arrive);
        arrive
    }

    fn client_name(&self, conn_number: usize, chan_number: i64) -> String {
        match (conn_number, chan_number) {
            (1, 1) => self.st.name.clone(),
            (k, 1) => format!("{}#{k}", self.st.name),
            (k, n) => format!("{}#{k}.{n}", self.st.name),
        }
    }

    fn count_op(&mut self) -> Result<(), HostResult> {
        let now = self.now();
        if self.st.ops_at != now {
            self.st.ops_at = now;
            self.st.ops = 0;
        }
        self.st.ops += 1;
        if self.st.ops > OPS_PER_INSTANT {
            self.st.stop = Some(format!(
                "mirrorscope stopped the script: it made {OPS_PER_INSTANT} broker calls without letting simulated time pass (add time.sleep(…) or wait for confirms in long loops)"
            ));
            let t = self.token();
            return Err(HostResult::Suspend(t));
        }
        Ok(())
    }

    // --- modules ------------------------------------------------------------------------

    fn module(&mut self, name: &str) -> Option<Value> {
        if let Some((_, m)) = self.st.modules.iter().find(|(n, _)| n == name) {
            return Some(m.clone());
        }
        let m = match name {
            "pika" => {
                let exceptions = self.module("pika.exceptions")?;
                let spec = self.module("pika.spec")?;
                let delivery = Value::Module(Module::new(
                    "pika.delivery_mode.DeliveryMode",
                    vec![("Transient", Value::Int(1)), ("Persistent", Value::Int(2))],
                ));
                let bc = self.new_obj(Obj::Class(Cls::BlockingConnection), "type");
                let cp = self.new_obj(Obj::Class(Cls::ConnectionParameters), "type");
                let up = self.new_obj(Obj::Class(Cls::UrlParameters), "type");
                let pc = self.new_obj(Obj::Class(Cls::PlainCredentials), "type");
                let bp = match &spec {
                    Value::Module(m) => m.get("BasicProperties").unwrap_or(Value::None),
                    _ => Value::None,
                };
                Value::Module(Module::new(
                    "pika",
                    vec![
                        ("BlockingConnection", bc),
                        ("ConnectionParameters", cp),
                        ("URLParameters", up),
                        ("PlainCredentials", pc),
                        ("BasicProperties", bp),
                        ("DeliveryMode", delivery),
                        ("exceptions", exceptions),
                        ("spec", spec),
                        ("__version__", Value::str(PIKA_VERSION)),
                    ],
                ))
            }
            "pika.exceptions" => self.st.exc.module(),
            "pika.spec" => {
                let bp = self.new_obj(Obj::Class(Cls::BasicProperties), "type");
                Value::Module(Module::new(
                    "pika.spec",
                    vec![
                        ("BasicProperties", bp),
                        ("PERSISTENT_DELIVERY_MODE", Value::Int(2)),
                        ("TRANSIENT_DELIVERY_MODE", Value::Int(1)),
                    ],
                ))
            }
            "time" => {
                let sleep = self.new_obj(Obj::Func(Func::Sleep), "builtin_function_or_method");
                let time = self.new_obj(Obj::Func(Func::Time), "builtin_function_or_method");
                let mono = self.new_obj(Obj::Func(Func::Monotonic), "builtin_function_or_method");
                Value::Module(Module::new(
                    "time",
                    vec![
                        ("sleep", sleep),
                        ("time", time),
                        ("monotonic", mono.clone()),
                        ("perf_counter", mono),
                    ],
                ))
            }
            "sys" => {
                let exit = self.new_obj(Obj::Func(Func::Exit), "builtin_function_or_method");
                let out = self.new_obj(Obj::Stream { err: false }, "TextIOWrapper");
                let err = self.new_obj(Obj::Stream { err: true }, "TextIOWrapper");
                Value::Module(Module::new(
                    "sys",
                    vec![
                        (
                            "argv",
                            Value::list(vec![Value::str(&format!("{}.py", self.st.name))]),
                        ),
                        ("exit", exit),
                        ("stdout", out),
                        ("stderr", err),
                        ("version", Value::str("3.12.0 (mirrorscope Python subset)")),
                        ("platform", Value::str("linux")),
                        ("maxsize", Value::Int(i64::MAX)),
                    ],
                ))
            }
            "json" => {
                let dumps = self.new_obj(Obj::Func(Func::Dumps), "function");
                let loads = self.new_obj(Obj::Func(Func::Loads), "function");
                Value::Module(Module::new(
                    "json",
                    vec![
                        ("dumps", dumps),
                        ("loads", loads),
                        (
                            "JSONDecodeError",
                            Value::ExcClass(self.st.json_error.clone()),
                        ),
                    ],
                ))
            }
            "socket" => socket_module(&self.st.exc),
            _ => return None,
        };
        self.st.modules.push((name.to_string(), m.clone()));
        Some(m)
    }

    // --- connections --------------------------------------------------------------------

    /// The node a host name means: its first label names a node (`node1.example.com` →
    /// `rabbit@node1`); `localhost` is the script's own node.
    fn resolve(&self, host: &str) -> Option<usize> {
        let h = host.trim().to_ascii_lowercase();
        if matches!(h.as_str(), "localhost" | "127.0.0.1" | "::1" | "") {
            return Some(self.st.home);
        }
        let label = h.split('.').next().unwrap_or("");
        self.sim
            .cluster
            .nodes
            .iter()
            .position(|n| n.host().eq_ignore_ascii_case(label) || n.name.eq_ignore_ascii_case(&h))
    }

    fn params_from_call(
        &mut self,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> Result<Params, PyException> {
        let unknown: Vec<(String, Value)> = kwargs
            .iter()
            .filter(|(k, _)| !PARAM_FIELDS.contains(&k.as_str()))
            .cloned()
            .collect();
        if !unknown.is_empty() {
            let shown: Vec<String> = unknown
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}: {}",
                        repr_str(k),
                        crate::py::format::repr(self, v).unwrap_or_default()
                    )
                })
                .collect();
            return Err(type_error(format!(
                "unexpected kwargs: {{{}}}",
                shown.join(", ")
            )));
        }
        let b = bind(
            "ConnectionParameters.__init__",
            &PARAM_FIELDS,
            0,
            args,
            kwargs,
        )?;
        let mut p = Params::default();
        if let Some(h) = opt(&b, 0) {
            p.host = require_str(Some(h), "host")?;
        }
        p.port = int_arg(opt(&b, 1), "port", 5672)?;
        if let Some(v) = opt(&b, 2) {
            p.vhost = require_str(Some(v), "virtual_host")?;
        }
        p.connection_attempts = int_arg(opt(&b, 8), "connection_attempts", 1)?;
        if p.connection_attempts <= 0 {
            return Err(value_error(format!(
                "connection_attempts must be > 0, but got {}",
                p.connection_attempts
            )));
        }
        if let Some(v) = opt(&b, 9) {
            match v.as_f64() {
                Some(d) if d >= 0.0 && d.is_finite() => p.retry_delay = d,
                Some(d) => {
                    return Err(value_error(format!(
                        "retry_delay must be a non-negative number, but got {}",
                        float_repr(d)
                    )))
                }
                None => {
                    return Err(type_error(format!(
                        "retry_delay must be a float or int, but got {}",
                        v.type_name()
                    )))
                }
            }
        }
        for (i, name) in PARAM_FIELDS.iter().enumerate() {
            if matches!(i, 0 | 1 | 2 | 8 | 9) {
                continue;
            }
            if let Some(v) = opt(&b, i) {
                p.extra.push((name.to_string(), v.clone()));
            }
        }
        Ok(p)
    }

    /// `URLParameters('amqp://user:pass@host:port/vhost?connection_attempts=3&retry_delay=2')`.
    fn url_params(&mut self, url: &str) -> Result<Params, PyException> {
        let mut p = Params::default();
        let rest = if let Some(r) = url.strip_prefix("amqp://") {
            r
        } else if url.starts_with("amqps://") {
            return Err(not_supported(
                "URLParameters",
                "TLS (amqps://) is not simulated",
            ));
        } else {
            return Err(value_error(format!(
                "Invalid URL scheme in {}",
                repr_str(url)
            )));
        };
        let (authority, path_query) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => match rest.find('?') {
                Some(i) => (&rest[..i], &rest[i..]),
                None => (rest, ""),
            },
        };
        let hostport = match authority.rsplit_once('@') {
            Some((creds, hp)) => {
                p.extra.push((
                    "credentials".into(),
                    self.new_obj(
                        Obj::Credentials(creds.split(':').next().unwrap_or("").to_string()),
                        "PlainCredentials",
                    ),
                ));
                hp
            }
            None => authority,
        };
        match hostport.rsplit_once(':') {
            Some((h, port)) => {
                p.host = h.to_string();
                p.port = port.parse().map_err(|_| {
                    value_error(format!(
                        "Port could not be cast to integer value as {}",
                        repr_str(port)
                    ))
                })?;
            }
            None if !hostport.is_empty() => p.host = hostport.to_string(),
            None => {}
        }
        let (path, query) = path_query.split_once('?').unwrap_or((path_query, ""));
        if let Some(v) = path.strip_prefix('/') {
            if !v.is_empty() {
                p.vhost = crate::percent::decode_lossy(v);
            }
        }
        for pair in query.split('&').filter(|s| !s.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            match k {
                "connection_attempts" => {
                    p.connection_attempts =
                        v.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                            value_error(format!(
                                "connection_attempts must be > 0, but got {}",
                                repr_str(v)
                            ))
                        })?
                }
                "retry_delay" => {
                    p.retry_delay = v
                        .parse::<f64>()
                        .ok()
                        .filter(|d| *d >= 0.0 && d.is_finite())
                        .ok_or_else(|| {
                            value_error(format!(
                                "retry_delay must be a non-negative number, but got {}",
                                repr_str(v)
                            ))
                        })?
                }
                other => p.extra.push((other.to_string(), Value::str(v))),
            }
        }
        Ok(p)
    }

    fn params_of(&self, v: &Value) -> Option<Params> {
        match v {
            Value::Host(h) => match self.obj(h.id) {
                Some(Obj::Params(p)) => Some(p.clone()),
                _ => None,
            },
            _ => None,
        }
    }

    fn blocking_connection(
        &mut self,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> HostResult {
        let b = match bind(
            "BlockingConnection.__init__",
            &["parameters", "_impl_class"],
            0,
            args,
            kwargs,
        ) {
            Ok(b) => b,
            Err(e) => return HostResult::Raise(e),
        };
        let list: Vec<Params> = match opt(&b, 0) {
            None | Some(Value::None) => vec![Params::default()],
            Some(v @ Value::Host(_)) => match self.params_of(v) {
                Some(p) => vec![p],
                None => return HostResult::Raise(self.params_type_error(v)),
            },
            Some(Value::List(_) | Value::Tuple(_)) => {
                let items = match opt(&b, 0) {
                    Some(Value::List(l)) => l.items.borrow().clone(),
                    Some(Value::Tuple(t)) => t.items.clone(),
                    _ => Vec::new(),
                };
                if items.is_empty() {
                    return HostResult::Raise(value_error("connection_configs is empty: []."));
                }
                let mut out = Vec::new();
                for it in &items {
                    match self.params_of(it) {
                        Some(p) => out.push(p),
                        None => return HostResult::Raise(self.params_type_error(it)),
                    }
                }
                out
            }
            Some(other) => return HostResult::Raise(self.params_type_error(other)),
        };
        let last = list.last().cloned().unwrap_or_default();
        let now = self.now();
        let wait = Wait::Connect(Box::new(Connecting {
            params: list,
            index: 0,
            cycles_left: last.connection_attempts,
            retry_delay: secs(last.retry_delay),
            next_at: now,
            last_error: None,
            obj_params: Vec::new(),
        }));
        self.suspend(wait, "BlockingConnection()", None)
    }

    fn params_type_error(&mut self, v: &Value) -> PyException {
        let shown = crate::py::format::repr(self, v).unwrap_or_default();
        type_error(format!(
            "parameters must be an instance of pika.connection.Parameters or a non-empty sequence of them, but got {shown}"
        ))
    }

    /// One connection attempt of the workflow, at `next_at`.
    fn attempt(&mut self, w: &mut Connecting) -> Option<Reply> {
        let Some(p) = w.params.get(w.index).cloned() else {
            return Some(Reply::Raise(value_error("connection_configs is empty")));
        };
        let now = self.now();
        let rtt = self.lat() + self.lat();
        let outcome: Result<usize, (PyException, Micros)> = match self.resolve(&p.host) {
            None => Err((self.st.exc.name_not_known(), now)),
            Some(_) if p.port == 15672 => Err((
                self.st.exc.new_exc(
                    "IncompatibleProtocolError",
                    vec![Value::str("StreamLostError: ('Transport indicated EOF',)")],
                ),
                now + rtt,
            )),
            Some(node) if p.port != 5672 || !self.sim.node_running(node) => {
                Err((self.st.exc.connection_refused(), now + rtt))
            }
            Some(_) if !self.sim.vhosts.iter().any(|v| v == &p.vhost) => Err((
                self.st.exc.new_exc(
                    "ProbableAccessDeniedError",
                    vec![Value::str(&format!(
                        "ConnectionClosedByBroker: (530) {}",
                        repr_str(&format!("NOT_ALLOWED - vhost {} not found", p.vhost))
                    ))],
                ),
                now + rtt + rtt,
            )),
            Some(node) => Ok(node),
        };
        match outcome {
            Ok(node) => {
                let number = self.st.conns.len() + 1;
                let name = self.client_name(number, 1);
                let client = match self.sim.connect(&name, node) {
                    Ok(c) => c,
                    Err(_) => {
                        w.last_error = Some(self.st.exc.connection_refused());
                        return self.next_attempt(w, now + rtt);
                    }
                };
                self.st.new_clients.push((name, client, p.vhost.clone()));
                let obj = self.new_obj(Obj::Connection(number - 1), "BlockingConnection");
                let obj_id = match &obj {
                    Value::Host(h) => h.id,
                    _ => 0,
                };
                self.st.conns.push(Conn {
                    params: p.clone(),
                    node,
                    state: ConnState::Open,
                    number,
                    chans: Vec::new(),
                    spare_client: Some(client),
                    next_channel: 1,
                    obj: obj_id,
                });
                let arrive = now + self.lat();
                self.wire(
                    Endpoint::Client(client),
                    Endpoint::Node(node),
                    format!("AMQP 0-9-1 handshake, connection.open vhost={}", p.vhost),
                    arrive,
                );
                w.obj_params.push(obj);
                None
            }
            Err((e, at)) => {
                w.last_error = Some(e);
                self.next_attempt(w, at)
            }
        }
    }

    fn next_attempt(&mut self, w: &mut Connecting, failed_at: Micros) -> Option<Reply> {
        w.index += 1;
        if w.index >= w.params.len() {
            w.cycles_left -= 1;
            w.index = 0;
            if w.cycles_left <= 0 {
                let e = w
                    .last_error
                    .clone()
                    .unwrap_or_else(|| self.st.exc.connection_refused());
                w.next_at = failed_at;
                return Some(Reply::Raise(e));
            }
            w.next_at = failed_at + w.retry_delay;
        } else {
            w.next_at = failed_at;
        }
        None
    }

    fn conn_error(&self, loss: &Loss) -> PyException {
        match loss {
            Loss::Forced => self.st.exc.connection_closed_by_broker(
                320,
                "CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'",
            ),
            Loss::Eof => self.st.exc.new_exc(
                "StreamLostError",
                vec![Value::str("Transport indicated EOF")],
            ),
        }
    }

    fn conn_repr(&self, conn: usize) -> String {
        let c = &self.st.conns[conn];
        let state = match c.state {
            ConnState::Open => "OPEN",
            _ => "CLOSED",
        };
        format!(
            "<SelectConnection {state} params=<ConnectionParameters host={} port={} virtual_host={} ssl=False>>",
            c.params.host, c.params.port, c.params.vhost
        )
    }

    /// Raises what a call on a closed or lost connection raises; `Ok` when it may proceed.
    fn check_conn(&mut self, conn: usize, what: &str) -> Result<(), PyException> {
        let now = self.now();
        let state = self.st.conns[conn].state.clone();
        match state {
            ConnState::Open => Ok(()),
            ConnState::Lost {
                loss,
                at,
                raised: false,
            } if now >= at => {
                self.st.conns[conn].state = ConnState::Lost {
                    loss: loss.clone(),
                    at,
                    raised: true,
                };
                Err(self.conn_error(&loss))
            }
            ConnState::Lost { raised: false, .. } => Ok(()),
            _ => Err(self.st.exc.new_exc(
                "ConnectionWrongStateError",
                vec![Value::str(&format!(
                    "{what} requires an open connection: {}",
                    self.conn_repr(conn)
                ))],
            )),
        }
    }

    /// Raises what a channel call raises on a closed channel (or connection).
    fn check_chan(&mut self, chan: usize) -> Result<(), PyException> {
        let conn = self.st.chans[chan].conn;
        let now = self.now();
        match self.st.conns[conn].state.clone() {
            ConnState::Open | ConnState::Lost { raised: false, .. } => {}
            _ => {
                return Err(self.st.exc.new_exc(
                    "ChannelWrongStateError",
                    vec![Value::str("Channel is closed.")],
                ))
            }
        }
        if let ConnState::Lost {
            loss,
            at,
            raised: false,
        } = self.st.conns[conn].state.clone()
        {
            if now >= at {
                self.st.conns[conn].state = ConnState::Lost {
                    loss: loss.clone(),
                    at,
                    raised: true,
                };
                return Err(self.conn_error(&loss));
            }
        }
        match self.st.chans[chan].state.clone() {
            ChanState::Open => Ok(()),
            ChanState::Broken {
                code,
                text,
                at,
                raised: false,
            } if now >= at => {
                self.st.chans[chan].state = ChanState::Broken {
                    code,
                    text: text.clone(),
                    at,
                    raised: true,
                };
                Err(self.st.exc.channel_closed_by_broker(code, &text))
            }
            ChanState::Broken { raised: false, .. } => Ok(()),
            _ => Err(self.st.exc.new_exc(
                "ChannelWrongStateError",
                vec![Value::str("Channel is closed.")],
            )),
        }
    }

    /// The broker closes a channel: the simulator drops its consumers and requeues its
    /// unacked messages; the script learns it when the `channel.close` frame arrives.
    fn break_chan(&mut self, chan: usize, code: i64, text: &str) -> Micros {
        let c = self.st.chans[chan].client;
        if self.sim.clients[c.0].connected {
            self.sim
                .disconnect_client(c, &format!("channel closed by the broker: {text}"));
        }
        self.st.chans[chan].seen_errors = self.sim.clients[c.0].errors.len();
        let at = self.reply_to_client(chan, format!("channel.close {code} {text}"));
        if matches!(self.st.chans[chan].state, ChanState::Open) {
            self.st.chans[chan].state = ChanState::Broken {
                code,
                text: text.to_string(),
                at,
                raised: false,
            };
        }
        at
    }

    /// What a call on a channel whose client is already gone (the broker closed the channel,
    /// or the connection was lost, and the news is on its way) gets: that news, when it
    /// arrives.
    fn news_of_failure(&mut self, chan: usize) -> Wait {
        let now = self.now();
        if let ChanState::Broken { code, text, at, .. } = self.st.chans[chan].state.clone() {
            self.st.chans[chan].state = ChanState::Broken {
                code,
                text: text.clone(),
                at,
                raised: true,
            };
            let reply = Reply::Raise(self.st.exc.channel_closed_by_broker(code, &text));
            return Wait::Until {
                at: at.max(now),
                reply,
            };
        }
        let conn = self.st.chans[chan].conn;
        if let ConnState::Lost { loss, at, .. } = self.st.conns[conn].state.clone() {
            self.st.conns[conn].state = ConnState::Lost {
                loss: loss.clone(),
                at,
                raised: true,
            };
            let reply = Reply::Raise(self.conn_error(&loss));
            return Wait::Until {
                at: at.max(now),
                reply,
            };
        }
        let reply = Reply::Raise(self.st.exc.new_exc(
            "ChannelWrongStateError",
            vec![Value::str("Channel is closed.")],
        ));
        Wait::Until { at: now, reply }
    }

    /// A channel error the script's request provoked: it arrives with the reply.
    fn chan_error_reply(&mut self, chan: usize, text: &str) -> Wait {
        let code = reply_code(text);
        let at = self.break_chan(chan, code, text);
        if let ChanState::Broken { code, text, at, .. } = self.st.chans[chan].state.clone() {
            self.st.chans[chan].state = ChanState::Broken {
                code,
                text: text.clone(),
                at,
                raised: true,
            };
        }
        Wait::Until {
            at,
            reply: Reply::Raise(self.st.exc.channel_closed_by_broker(code, text)),
        }
    }

    fn open_channel(
        &mut self,
        conn: usize,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> HostResult {
        let b = match bind(
            "BlockingConnection.channel",
            &["channel_number"],
            0,
            args,
            kwargs,
        ) {
            Ok(b) => b,
            Err(e) => return HostResult::Raise(e),
        };
        if let Err(e) = self.check_conn(conn, "Channel allocation") {
            return HostResult::Raise(e);
        }
        if let Err(r) = self.count_op() {
            return r;
        }
        let number = match opt(&b, 0) {
            None | Some(Value::None) => self.st.conns[conn].next_channel,
            Some(v) => match v.as_int() {
                Some(n) if (1..=2047).contains(&n) => n,
                _ => {
                    return HostResult::Raise(self.st.exc.new_exc(
                        "InvalidChannelNumber",
                        vec![Value::Int(v.as_int().unwrap_or(0))],
                    ))
                }
            },
        };
        self.st.conns[conn].next_channel = self.st.conns[conn].next_channel.max(number + 1);
        let node = self.st.conns[conn].node;
        let client = match self.st.conns[conn].spare_client.take() {
            Some(c) => c,
            None => {
                let name = self.client_name(self.st.conns[conn].number, number);
                match self.sim.connect(&name, node) {
                    Ok(c) => {
                        let vhost = self.st.conns[conn].params.vhost.clone();
                        self.st.new_clients.push((name, c, vhost));
                        c
                    }
                    // The node is down: the connection is lost, and this call learns it.
                    Err(_) => {
                        let now = self.now();
                        let lat = self.lat();
                        let loss = self.loss_of(node);
                        self.st.conns[conn].state = ConnState::Lost {
                            loss,
                            at: now + lat,
                            raised: false,
                        };
                        return self.suspend(
                            Wait::Until {
                                at: Micros(u64::MAX),
                                reply: Reply::Return(Value::None),
                            },
                            "channel()",
                            Some(conn),
                        );
                    }
                }
            }
        };
        let idx = self.st.chans.len();
        let obj = self.new_obj(Obj::Channel(idx), "BlockingChannel");
        let obj_id = match &obj {
            Value::Host(h) => h.id,
            _ => 0,
        };
        let cl = &self.sim.clients[client.0];
        self.st.chans.push(Chan {
            conn,
            number,
            client,
            state: ChanState::Open,
            confirm: false,
            tx: false,
            tx_ops: Vec::new(),
            prefetch: 0,
            consumers: Vec::new(),
            cancel_callbacks: Vec::new(),
            seen_deliveries: cl.deliveries.len(),
            seen_cancels: cl.cancelled.len(),
            seen_errors: cl.errors.len(),
            inbox: VecDeque::new(),
            get_replies: VecDeque::new(),
            generator: None,
            obj: obj_id,
        });
        self.st.conns[conn].chans.push(idx);
        let at = self.request_to_node(idx, format!("channel.open {number}"));
        self.suspend(
            Wait::Deferred {
                at,
                op: Deferred::ChannelOpen { chan: idx },
            },
            "channel()",
            Some(conn),
        )
    }

    fn loss_of(&self, node: usize) -> Loss {
        match self.sim.cluster.nodes.get(node).map(|n| n.state) {
            Some(NodeState::Crashed) => Loss::Eof,
            _ => Loss::Forced,
        }
    }

    fn close_connection(
        &mut self,
        conn: usize,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> HostResult {
        let b = match bind(
            "BlockingConnection.close",
            &["reply_code", "reply_text"],
            0,
            args,
            kwargs,
        ) {
            Ok(b) => b,
            Err(e) => return HostResult::Raise(e),
        };
        let code = opt(&b, 0).and_then(|v| v.as_int()).unwrap_or(200);
        let text = opt(&b, 1)
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| "Normal shutdown".into());
        let open = match &self.st.conns[conn].state {
            ConnState::Open => true,
            ConnState::Lost {
                raised: false, at, ..
            } => *at > self.now(),
            _ => false,
        };
        if !open {
            if let ConnState::Lost {
                loss,
                at,
                raised: false,
            } = self.st.conns[conn].state.clone()
            {
                self.st.conns[conn].state = ConnState::Lost {
                    loss,
                    at,
                    raised: true,
                };
            }
            return HostResult::Raise(self.st.exc.new_exc(
                "ConnectionWrongStateError",
                vec![Value::str(&format!(
                    "BlockingConnection.close({code}, {}) called on closed connection.",
                    repr_str(&text)
                ))],
            ));
        }
        let client = self.st.conns[conn]
            .chans
            .first()
            .map(|&c| self.st.chans[c].client)
            .or(self.st.conns[conn].spare_client);
        let node = self.st.conns[conn].node;
        let arrive = self.now() + self.lat();
        if let Some(c) = client {
            self.wire(
                Endpoint::Client(c),
                Endpoint::Node(node),
                format!("connection.close {code} {text}"),
                arrive,
            );
        }
        self.st.conns[conn].state = ConnState::Closed;
        for &ch in &self.st.conns[conn].chans.clone() {
            if self.st.chans[ch].state == ChanState::Open {
                self.st.chans[ch].state = ChanState::Closed;
            }
        }
        self.suspend(
            Wait::Deferred {
                at: arrive,
                op: Deferred::ConnectionClose { conn },
            },
            "connection.close()",
            None,
        )
    }

    /// Closes what the script's process leaves open when it ends (the OS closes the sockets:
    /// the broker sees the TCP connections go and requeues their unacked messages).
    pub fn close_all(&mut self, reason: &str) {
        for conn in 0..self.st.conns.len() {
            if self.st.conns[conn].state != ConnState::Open {
                continue;
            }
            self.st.conns[conn].state = ConnState::Closed;
            let clients: Vec<ClientId> = self.st.conns[conn]
                .chans
                .iter()
                .map(|&c| self.st.chans[c].client)
                .chain(self.st.conns[conn].spare_client)
                .collect();
            for c in clients {
                if self.sim.clients[c.0].connected {
                    self.sim.disconnect_client(c, reason);
                }
            }
            for &ch in &self.st.conns[conn].chans.clone() {
                self.st.chans[ch].state = ChanState::Closed;
            }
        }
    }

    // --- channels -----------------------------------------------------------------------

    fn channel_call(
        &mut self,
        chan: usize,
        method: &str,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> HostResult {
        let q = |m: &str| format!("BlockingChannel.{m}");
        let conn = self.st.chans[chan].conn;
        macro_rules! bound {
            ($params:expr, $req:expr) => {
                try_raise!(bind(&q(method), $params, $req, args, kwargs))
            };
        }
        macro_rules! open {
            () => {
                if let Err(e) = self.check_chan(chan) {
                    return HostResult::Raise(e);
                }
                if let Err(r) = self.count_op() {
                    return r;
                }
            };
        }
        match method {
            "__enter__" => HostResult::Return(Value::Host(HostRef::new(
                self.st.chans[chan].obj,
                "BlockingChannel",
            ))),
            "__exit__" | "close" => {
                if method == "close" {
                    let _ = bound!(&["reply_code", "reply_text"], 0);
                }
                match self.st.chans[chan].state {
                    ChanState::Open => {}
                    _ if method == "__exit__" => return HostResult::Return(Value::None),
                    _ => {
                        return HostResult::Raise(self.st.exc.new_exc(
                            "ChannelWrongStateError",
                            vec![Value::str("Channel is closed.")],
                        ))
                    }
                }
                if !matches!(self.st.conns[conn].state, ConnState::Open) {
                    return HostResult::Return(Value::None);
                }
                self.st.chans[chan].state = ChanState::Closed;
                let at = self.request_to_node(chan, "channel.close 0 Normal shutdown".into());
                self.suspend(
                    Wait::Deferred {
                        at,
                        op: Deferred::ChannelClose { chan },
                    },
                    "channel.close()",
                    Some(conn),
                )
            }
            "queue_declare" => {
                let b = bound!(
                    &[
                        "queue",
                        "passive",
                        "durable",
                        "exclusive",
                        "auto_delete",
                        "arguments"
                    ],
                    1
                );
                let name = try_raise!(require_str(opt(&b, 0), "queue"));
                let arguments = try_raise!(table_arg(opt(&b, 5), "arguments"));
                open!();
                let d = DeclareArgs {
                    name: name.clone(),
                    passive: truthy(&b, 1, false),
                    durable: truthy(&b, 2, false),
                    exclusive: truthy(&b, 3, false),
                    auto_delete: truthy(&b, 4, false),
                    args: arguments,
                };
                let mut label = format!(
                    "queue.declare {}",
                    if name.is_empty() {
                        "(server-named)"
                    } else {
                        &name
                    }
                );
                for (flag, on) in [
                    ("passive", d.passive),
                    ("durable", d.durable),
                    ("exclusive", d.exclusive),
                    ("auto_delete", d.auto_delete),
                ] {
                    if on {
                        label.push(' ');
                        label.push_str(flag);
                    }
                }
                let at = self.request_to_node(chan, label);
                let deadline = at + crate::sim::engine::MASTER_RETRY;
                self.suspend(
                    Wait::Deferred {
                        at,
                        op: Deferred::Declare {
                            chan,
                            args: d,
                            deadline,
                        },
                    },
                    &format!("queue_declare({})", repr_str(&name)),
                    Some(conn),
                )
            }
            "queue_delete" => {
                let b = bound!(&["queue", "if_unused", "if_empty"], 1);
                let name = try_raise!(require_str(opt(&b, 0), "queue"));
                open!();
                let at = self.request_to_node(chan, format!("queue.delete {name}"));
                self.suspend(
                    Wait::Deferred {
                        at,
                        op: Deferred::Delete {
                            chan,
                            queue: name.clone(),
                            if_unused: truthy(&b, 1, false),
                            if_empty: truthy(&b, 2, false),
                        },
                    },
                    &format!("queue_delete({})", repr_str(&name)),
                    Some(conn),
                )
            }
            "exchange_declare" | "exchange_delete" | "exchange_bind" | "exchange_unbind"
            | "queue_bind" | "queue_unbind" => HostResult::Raise(not_supported(
                &q(method),
                "the simulator routes through the default exchange only",
            )),
            "consume" => {
                let b = bound!(
                    &[
                        "queue",
                        "auto_ack",
                        "exclusive",
                        "arguments",
                        "inactivity_timeout"
                    ],
                    1
                );
                let queue = try_raise!(require_str(opt(&b, 0), "queue"));
                let arguments = try_raise!(table_arg(opt(&b, 3), "arguments"));
                let timeout = match opt(&b, 4) {
                    None | Some(Value::None) => None,
                    Some(v) => match v.as_f64() {
                        Some(t) if t >= 0.0 && t.is_finite() => Some(t),
                        _ => {
                            return HostResult::Raise(value_error(
                                "inactivity_timeout must be a non-negative number",
                            ))
                        }
                    },
                };
                let (auto_ack, exclusive) = (truthy(&b, 1, false), truthy(&b, 2, false));
                // A generator: nothing happens until the first item is asked for.
                HostResult::Return(self.new_obj(
                    Obj::ConsumeGen {
                        chan,
                        queue,
                        auto_ack,
                        exclusive,
                        arguments,
                        timeout,
                    },
                    "generator",
                ))
            }
            "cancel" => {
                let _ = bound!(&[], 0);
                let Some(g) = self.st.chans[chan].generator.take() else {
                    return HostResult::Return(Value::Int(0));
                };
                let Some(sim_tag) = g.sim_tag else {
                    return HostResult::Return(Value::Int(0));
                };
                open!();
                // Messages it holds go back to the queue, then the consumer is cancelled.
                if !g.params.1 {
                    for ev in &g.pending {
                        if let Inbound::Delivery(i) = ev {
                            let c = self.st.chans[chan].client;
                            if let Some(tag) = self.sim.clients[c.0]
                                .deliveries
                                .get(*i)
                                .map(|d| d.delivery_tag)
                            {
                                let _ = self.sim.reject(c, Some(tag), true);
                            }
                        }
                    }
                }
                self.st.chans[chan]
                    .consumers
                    .retain(|k| k.sim_tag != sim_tag);
                let at = self.request_to_node(chan, format!("basic.cancel {sim_tag}"));
                let w = Wait::Deferred {
                    at,
                    op: Deferred::Cancel {
                        chan,
                        sim_tags: vec![sim_tag],
                        ret: Value::Int(0),
                    },
                };
                let conn = self.st.chans[chan].conn;
                self.suspend(w, "cancel()", Some(conn))
            }
            "get_waiting_message_count" => {
                let _ = bound!(&[], 0);
                let n = self.st.chans[chan].generator.as_ref().map_or(0, |g| {
                    g.pending
                        .iter()
                        .filter(|e| matches!(e, Inbound::Delivery(_)))
                        .count()
                });
                HostResult::Return(Value::Int(n as i64))
            }
            "queue_purge" | "basic_recover" | "flow" | "add_on_return_callback" | "publish" => {
                HostResult::Raise(not_supported(&q(method), "this call is not modelled yet"))
            }
            "confirm_delivery" => {
                let _ = bound!(&[], 0);
                open!();
                let at = self.request_to_node(chan, "confirm.select".into());
                if self.st.chans[chan].tx {
                    let w = Wait::Deferred {
                        at,
                        op: Deferred::ChannelError {
                            chan,
                            code: 406,
                            text: "PRECONDITION_FAILED - cannot switch from tx to confirm mode"
                                .into(),
                        },
                    };
                    return self.suspend(w, "confirm_delivery()", Some(conn));
                }
                self.suspend(
                    Wait::Deferred {
                        at,
                        op: Deferred::ConfirmSelect { chan },
                    },
                    "confirm_delivery()",
                    Some(conn),
                )
            }
            "tx_select" => {
                let _ = bound!(&[], 0);
                open!();
                let at = self.request_to_node(chan, "tx.select".into());
                if self.st.chans[chan].confirm {
                    let w = Wait::Deferred {
                        at,
                        op: Deferred::ChannelError {
                            chan,
                            code: 406,
                            text: "PRECONDITION_FAILED - cannot switch from confirm to tx mode"
                                .into(),
                        },
                    };
                    return self.suspend(w, "tx_select()", Some(conn));
                }
                self.suspend(
                    Wait::Deferred {
                        at,
                        op: Deferred::TxSelect { chan },
                    },
                    "tx_select()",
                    Some(conn),
                )
            }
            "tx_commit" | "tx_rollback" => {
                let _ = bound!(&[], 0);
                open!();
                let label = if method == "tx_commit" {
                    "tx.commit"
                } else {
                    "tx.rollback"
                };
                let at = self.request_to_node(chan, label.into());
                if !self.st.chans[chan].tx {
                    let w = Wait::Deferred {
                        at,
                        op: Deferred::ChannelError {
                            chan,
                            code: 406,
                            text: "PRECONDITION_FAILED - channel is not transactional".into(),
                        },
                    };
                    return self.suspend(w, &format!("{method}()"), Some(conn));
                }
                let ops = std::mem::take(&mut self.st.chans[chan].tx_ops);
                if method == "tx_rollback" {
                    let w = Wait::Deferred {
                        at,
                        op: Deferred::Reply {
                            chan: Some(chan),
                            label: "tx.rollback-ok".into(),
                            reply: Reply::Return(Value::None),
                        },
                    };
                    return self.suspend(w, "tx_rollback()", Some(conn));
                }
                // The channel process releases what it held: publishes reach the queues,
                // acks the masters; commit-ok waits until every replica has the messages.
                let mut seqs = Vec::new();
                for op in ops {
                    match op {
                        TxOp::Publish {
                            routing_key,
                            body,
                            props,
                            persistent,
                        } => {
                            if let Some(seq) =
                                self.sim_publish(chan, &routing_key, &body, props, persistent)
                            {
                                seqs.push(seq);
                            }
                        }
                        TxOp::Ack { tag, multiple } => {
                            let _ = self.settle(chan, tag, multiple, None);
                        }
                        TxOp::Reject {
                            tag,
                            multiple,
                            requeue,
                        } => {
                            let _ = self.settle(chan, tag, multiple, Some(requeue));
                        }
                    }
                }
                let since = self.now();
                self.suspend(
                    Wait::TxCommit { chan, seqs, since },
                    "tx_commit()",
                    Some(conn),
                )
            }
            "basic_qos" => {
                let b = bound!(&["prefetch_size", "prefetch_count", "global_qos"], 0);
                let count = match int_arg(opt(&b, 1), "prefetch_count", 0) {
                    Ok(n) if (0..=65535).contains(&n) => n,
                    Ok(n) => {
                        return HostResult::Raise(value_error(format!(
                            "prefetch_count must be in range [0, 65535], but got {n}"
                        )))
                    }
                    Err(e) => return HostResult::Raise(e),
                };
                open!();
                self.st.chans[chan].prefetch = count as u32;
                let at = self.request_to_node(chan, format!("basic.qos prefetch_count={count}"));
                self.suspend(
                    Wait::Deferred {
                        at,
                        op: Deferred::Reply {
                            chan: Some(chan),
                            label: "basic.qos-ok".into(),
                            reply: Reply::Return(Value::None),
                        },
                    },
                    "basic_qos()",
                    Some(conn),
                )
            }
            "basic_publish" => self.basic_publish(chan, args, kwargs),
            "basic_consume" => self.basic_consume(chan, args, kwargs),
            "basic_cancel" | "stop_consuming" => {
                let b = bound!(
                    &["consumer_tag"],
                    if method == "basic_cancel" { 1 } else { 0 }
                );
                let which = opt(&b, 0).and_then(|v| v.as_str().map(str::to_string));
                if method == "basic_cancel" && which.is_none() {
                    return HostResult::Raise(type_error("consumer_tag must be a str"));
                }
                open!();
                let (gone, kept): (Vec<ConsumerInfo>, Vec<ConsumerInfo>) =
                    std::mem::take(&mut self.st.chans[chan].consumers)
                        .into_iter()
                        .partition(|c| which.as_ref().is_none_or(|t| &c.tag == t));
                self.st.chans[chan].consumers = kept;
                if gone.is_empty() {
                    return HostResult::Return(if method == "basic_cancel" {
                        Value::list(Vec::new())
                    } else {
                        Value::None
                    });
                }
                let sim_tags: Vec<String> = gone.iter().map(|c| c.sim_tag.clone()).collect();
                self.st.chans[chan].inbox.retain(|m| match m {
                    Inbound::Delivery(_) => true,
                    Inbound::Cancel(t) => !sim_tags.contains(t),
                });
                let at = self.request_to_node(chan, format!("basic.cancel {}", sim_tags.join(",")));
                self.suspend(
                    Wait::Deferred {
                        at,
                        op: Deferred::Cancel {
                            chan,
                            sim_tags,
                            ret: if method == "basic_cancel" {
                                Value::list(Vec::new())
                            } else {
                                Value::None
                            },
                        },
                    },
                    &format!("{method}()"),
                    Some(conn),
                )
            }
            "start_consuming" => {
                let _ = bound!(&[], 0);
                if self.st.in_callback > 0 {
                    return HostResult::Raise(self.st.exc.new_exc(
                        "ReentrancyError",
                        vec![Value::str("start_consuming may not be called from the scope of another BlockingConnection or BlockingChannel callback")],
                    ));
                }
                if let Err(e) = self.check_chan(chan) {
                    return HostResult::Raise(e);
                }
                self.suspend(Wait::Consuming { chan }, "start_consuming()", Some(conn))
            }
            "basic_get" => {
                let b = bound!(&["queue", "auto_ack"], 1);
                let name = try_raise!(require_str(opt(&b, 0), "queue"));
                open!();
                let c = self.st.chans[chan].client;
                let vhost = self.st.conns[conn].params.vhost.clone();
                match self.sim.get(c, &vhost, &name, !truthy(&b, 1, false)) {
                    Ok(()) => self.suspend(
                        Wait::Get {
                            chan,
                            queue: name.clone(),
                        },
                        &format!("basic_get({})", repr_str(&name)),
                        Some(conn),
                    ),
                    Err(e) => {
                        let _ = self.request_to_node(chan, format!("basic.get {name}"));
                        let w = self.deferred_error(chan, &e);
                        self.suspend(w, &format!("basic_get({})", repr_str(&name)), Some(conn))
                    }
                }
            }
            "basic_ack" | "basic_nack" | "basic_reject" => {
                let (params, req): (&[&str], usize) = match method {
                    "basic_ack" => (&["delivery_tag", "multiple"], 0),
                    "basic_nack" => (&["delivery_tag", "multiple", "requeue"], 0),
                    _ => (&["delivery_tag", "requeue"], 1),
                };
                let b = bound!(params, req);
                let tag = match int_arg(opt(&b, 0), "delivery_tag", 0) {
                    Ok(t) if t >= 0 => t as u64,
                    Ok(t) => {
                        return HostResult::Raise(value_error(format!(
                            "delivery_tag must be >= 0, but got {t}"
                        )))
                    }
                    Err(e) => return HostResult::Raise(e),
                };
                let (multiple, requeue) = match method {
                    "basic_ack" => (truthy(&b, 1, false), None),
                    "basic_nack" => (truthy(&b, 1, false), Some(truthy(&b, 2, true))),
                    _ => (false, Some(truthy(&b, 1, true))),
                };
                open!();
                if self.st.chans[chan].tx {
                    let op = match requeue {
                        None => TxOp::Ack { tag, multiple },
                        Some(r) => TxOp::Reject {
                            tag,
                            multiple,
                            requeue: r,
                        },
                    };
                    self.st.chans[chan].tx_ops.push(op);
                    return HostResult::Return(Value::None);
                }
                if let Err(text) = self.settle(chan, tag, multiple, requeue) {
                    // The broker answers an unknown tag by closing the channel.
                    let code = reply_code(&text);
                    let at = self.now() + self.lat();
                    self.st.timers.push(Timer {
                        at,
                        chan,
                        code,
                        text,
                    });
                }
                HostResult::Return(Value::None)
            }
            "add_on_cancel_callback" => {
                let b = bound!(&["callback"], 1);
                let cb = opt(&b, 0).cloned().unwrap_or(Value::None);
                if !is_callable(&cb) {
                    return HostResult::Raise(type_error(format!(
                        "callback must be callable, but got {}",
                        cb.type_name()
                    )));
                }
                self.st.chans[chan].cancel_callbacks.push(cb);
                HostResult::Return(Value::None)
            }
            _ => HostResult::Raise(PyException::builtin(
                BuiltinExc::AttributeError,
                format!("'BlockingChannel' object has no attribute '{method}'"),
            )),
        }
    }

    /// A request error known at once (the simulator checks, for instance, that a queue
    /// exists when the request is made): the `channel.close` comes back one round trip later.
    fn deferred_error(&mut self, chan: usize, text: &str) -> Wait {
        let at = self.now() + self.lat();
        Wait::Deferred {
            at,
            op: Deferred::ChannelError {
                chan,
                code: reply_code(text),
                text: text.to_string(),
            },
        }
    }

    /// Acks or rejects delivery tags on the simulator; `Err` with the broker's text for a tag
    /// it does not know.
    fn settle(
        &mut self,
        chan: usize,
        tag: u64,
        multiple: bool,
        requeue: Option<bool>,
    ) -> Result<(), String> {
        let c = self.st.chans[chan].client;
        let tags: Vec<u64> = if multiple {
            self.sim.clients[c.0]
                .deliveries
                .iter()
                .filter(|d| !d.acked && (tag == 0 || d.delivery_tag <= tag))
                .map(|d| d.delivery_tag)
                .collect()
        } else {
            vec![tag]
        };
        if multiple && tags.is_empty() && tag != 0 {
            return Err(format!("PRECONDITION_FAILED - unknown delivery tag {tag}"));
        }
        for t in tags {
            let r = match requeue {
                None => self.sim.ack(c, Some(t)),
                Some(rq) => self.sim.reject(c, Some(t), rq),
            };
            if let Err(e) = r {
                if e.starts_with("PRECONDITION_FAILED") {
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    fn props_of(&mut self, v: Option<&Value>) -> Result<Vec<(String, Value)>, PyException> {
        match v {
            None | Some(Value::None) => Ok(Vec::new()),
            Some(Value::Host(h)) => match self.obj(h.id) {
                Some(Obj::Props(p)) => Ok(p.clone()),
                _ => Err(type_error(format!(
                    "properties must be a pika.BasicProperties, not {}",
                    h.type_name
                ))),
            },
            Some(other) => Err(type_error(format!(
                "properties must be a pika.BasicProperties, not {}",
                other.type_name()
            ))),
        }
    }

    /// Publishes on the simulator and stores the message's bytes and properties; the
    /// publish sequence number in confirm mode.
    fn sim_publish(
        &mut self,
        chan: usize,
        routing_key: &str,
        body: &[u8],
        props: Vec<(String, Plain)>,
        persistent: bool,
    ) -> Option<u64> {
        let c = self.st.chans[chan].client;
        let vhost = self.st.conns[self.st.chans[chan].conn].params.vhost.clone();
        let text = String::from_utf8_lossy(body).to_string();
        let r = self
            .sim
            .publish(c, &vhost, routing_key, &text, persistent)
            .ok()?;
        if let Some(m) = self.sim.messages.last() {
            self.shared.msgs.insert(
                m.id.0,
                StoredMsg {
                    body: body.to_vec(),
                    props,
                },
            );
        }
        match r {
            crate::sim::dataplane::PublishResult::Sent { seq }
            | crate::sim::dataplane::PublishResult::Unroutable { seq }
            | crate::sim::dataplane::PublishResult::Dropped { seq } => Some(seq),
        }
    }

    fn basic_publish(
        &mut self,
        chan: usize,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> HostResult {
        let b = match bind(
            "BlockingChannel.basic_publish",
            &["exchange", "routing_key", "body", "properties", "mandatory"],
            3,
            args,
            kwargs,
        ) {
            Ok(b) => b,
            Err(e) => return HostResult::Raise(e),
        };
        let exchange = try_raise!(require_str(opt(&b, 0), "exchange"));
        let rk = try_raise!(require_str(opt(&b, 1), "routing_key"));
        let body: Vec<u8> = match opt(&b, 2) {
            Some(Value::Bytes(b)) => b.to_vec(),
            Some(Value::Str(s)) => s.as_bytes().to_vec(),
            Some(other) => {
                return HostResult::Raise(type_error(format!(
                    "object of type '{}' has no len()",
                    other.type_name()
                )))
            }
            None => Vec::new(),
        };
        let props = try_raise!(self.props_of(opt(&b, 3)));
        let mandatory = truthy(&b, 4, false);
        if let Err(e) = self.check_chan(chan) {
            return HostResult::Raise(e);
        }
        if let Err(r) = self.count_op() {
            return r;
        }
        let persistent = props
            .iter()
            .any(|(k, v)| k == "delivery_mode" && v.as_int() == Some(2));
        let plain: Vec<(String, Plain)> = props
            .iter()
            .map(|(k, v)| (k.clone(), Plain::from_value(v, 0)))
            .collect();
        let conn = self.st.chans[chan].conn;
        let builtin_exchange = matches!(
            exchange.as_str(),
            "amq.direct" | "amq.fanout" | "amq.topic" | "amq.headers" | "amq.match"
        );
        if !exchange.is_empty() && !builtin_exchange {
            // basic.publish is asynchronous: the broker's channel.close comes back later.
            let _ = self.request_to_node(
                chan,
                format!("basic.publish exchange={exchange} routing_key={rk}"),
            );
            let vhost = self.st.conns[conn].params.vhost.clone();
            let text = format!("NOT_FOUND - no exchange '{exchange}' in vhost '{vhost}'");
            let at = self.now() + self.lat();
            self.st.timers.push(Timer {
                at,
                chan,
                code: 404,
                text: text.clone(),
            });
            if self.st.chans[chan].confirm {
                let at2 = at + self.lat();
                return self.suspend(
                    Wait::Until {
                        at: at2,
                        reply: Reply::Raise(self.st.exc.channel_closed_by_broker(404, &text)),
                    },
                    "basic_publish()",
                    Some(conn),
                );
            }
            return HostResult::Return(Value::None);
        }
        // A built-in exchange without bindings routes nowhere: publish to no queue.
        let rk_for_sim = if builtin_exchange {
            format!("\u{0}{exchange}")
        } else {
            rk.clone()
        };
        if self.st.chans[chan].tx {
            let c = self.st.chans[chan].client;
            let node = self.st.conns[conn].node;
            let arrive = self.now() + self.lat();
            self.wire(
                Endpoint::Client(c),
                Endpoint::Node(node),
                format!(
                    "basic.publish {} (held until tx.commit)",
                    repr_str(&String::from_utf8_lossy(&body))
                ),
                arrive,
            );
            self.st.chans[chan].tx_ops.push(TxOp::Publish {
                routing_key: rk_for_sim,
                body,
                props: plain,
                persistent,
            });
            return HostResult::Return(Value::None);
        }
        let unroutable = {
            let c = self.st.chans[chan].client;
            let vhost = self.st.conns[conn].params.vhost.clone();
            let node = self.sim.clients[c.0].node;
            self.sim
                .find_queue_from(node, &vhost, &rk_for_sim)
                .is_none()
        };
        let seq = self.sim_publish(chan, &rk_for_sim, &body, plain, persistent);
        let msg = self.sim.messages.last().map(|m| m.id.0);
        if !self.st.chans[chan].confirm {
            return HostResult::Return(Value::None);
        }
        let Some(seq) = seq else {
            // The simulator refused: the channel's client is already gone, and the script
            // learns why when that news arrives.
            let w = self.news_of_failure(chan);
            return self.suspend(w, "basic_publish()", None);
        };
        let since = self.now();
        self.suspend(
            Wait::Confirm {
                chan,
                seq,
                since,
                mandatory,
                unroutable,
                routing_key: rk,
                msg,
            },
            "basic_publish() — waiting for the broker's confirm",
            Some(conn),
        )
    }

    fn basic_consume(
        &mut self,
        chan: usize,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> HostResult {
        let b = match bind(
            "BlockingChannel.basic_consume",
            &[
                "queue",
                "on_message_callback",
                "auto_ack",
                "exclusive",
                "consumer_tag",
                "arguments",
            ],
            2,
            args,
            kwargs,
        ) {
            Ok(b) => b,
            Err(e) => return HostResult::Raise(e),
        };
        let queue = try_raise!(require_str(opt(&b, 0), "queue"));
        let cb = opt(&b, 1).cloned().unwrap_or(Value::None);
        if !is_callable(&cb) {
            let shown = crate::py::format::repr(self, &cb).unwrap_or_default();
            return HostResult::Raise(type_error(format!(
                "callback must be callable; got {shown}"
            )));
        }
        let auto_ack = truthy(&b, 2, false);
        let user_tag = match opt(&b, 4) {
            None | Some(Value::None) => None,
            Some(Value::Str(s)) => Some(s.to_string()),
            Some(other) => {
                return HostResult::Raise(type_error(format!(
                    "consumer_tag must be a str, but got {}",
                    other.type_name()
                )))
            }
        };
        let arguments = try_raise!(table_arg(opt(&b, 5), "arguments"));
        if let Err(e) = self.check_chan(chan) {
            return HostResult::Raise(e);
        }
        if let Err(r) = self.count_op() {
            return r;
        }
        if let Some(t) = &user_tag {
            if self.st.chans[chan].consumers.iter().any(|c| &c.tag == t) {
                return HostResult::Raise(
                    self.st
                        .exc
                        .new_exc("DuplicateConsumerTag", vec![Value::str(t)]),
                );
            }
        }
        let conn = self.st.chans[chan].conn;
        let c = self.st.chans[chan].client;
        let vhost = self.st.conns[conn].params.vhost.clone();
        let prefetch = self.st.chans[chan].prefetch;
        let what = format!("basic_consume({})", repr_str(&queue));
        match self
            .sim
            .consume(c, &vhost, &queue, !auto_ack, prefetch, &arguments)
        {
            Ok(sim_tag) => {
                let tag = user_tag.unwrap_or_else(|| sim_tag.clone());
                self.st.chans[chan].consumers.push(ConsumerInfo {
                    sim_tag: sim_tag.clone(),
                    tag: tag.clone(),
                    callback: cb,
                    queue,
                });
                self.suspend(Wait::ConsumeOk { chan, sim_tag, tag }, &what, Some(conn))
            }
            Err(e) => {
                let _ = self.request_to_node(chan, format!("basic.consume {queue}"));
                let w = self.deferred_error(chan, &e);
                self.suspend(w, &what, Some(conn))
            }
        }
    }

    /// The next item of a `channel.consume()` generator (registering the consumer the first
    /// time, as pika's generator does when first iterated).
    fn next_message(
        &mut self,
        chan: usize,
        queue: String,
        auto_ack: bool,
        exclusive: bool,
        arguments: Vec<(String, Json)>,
        timeout: Option<f64>,
    ) -> HostResult {
        if let Err(e) = self.check_chan(chan) {
            return HostResult::Raise(e);
        }
        let conn = self.st.chans[chan].conn;
        let until = timeout.map(|t| self.now() + secs(t));
        let what = format!("consume({}) — waiting for a message", repr_str(&queue));
        if let Some(g) = &self.st.chans[chan].generator {
            if g.params != (queue.clone(), auto_ack, exclusive) {
                let shown = |p: &(String, bool, bool)| {
                    let py = |b: bool| if b { "True" } else { "False" };
                    format!("({}, {}, {})", repr_str(&p.0), py(p.1), py(p.2))
                };
                return HostResult::Raise(value_error(format!(
                    "Consume with different params not allowed on existing queue consumer generator; previous params: {}; new params: {}",
                    shown(&g.params),
                    shown(&(queue, auto_ack, exclusive))
                )));
            }
            let w = Wait::Next {
                chan,
                until,
                registering: false,
                not_before: Micros::ZERO,
            };
            return self.suspend(w, &what, Some(conn));
        }
        if let Err(r) = self.count_op() {
            return r;
        }
        let c = self.st.chans[chan].client;
        let vhost = self.st.conns[conn].params.vhost.clone();
        let prefetch = self.st.chans[chan].prefetch;
        match self
            .sim
            .consume(c, &vhost, &queue, !auto_ack, prefetch, &arguments)
        {
            Ok(sim_tag) => {
                self.st.chans[chan].consumers.push(ConsumerInfo {
                    sim_tag: sim_tag.clone(),
                    tag: sim_tag.clone(),
                    callback: Value::None,
                    queue: queue.clone(),
                });
                self.st.chans[chan].generator = Some(Generator {
                    params: (queue, auto_ack, exclusive),
                    sim_tag: Some(sim_tag),
                    pending: VecDeque::new(),
                });
                let w = Wait::Next {
                    chan,
                    until,
                    registering: true,
                    not_before: Micros::ZERO,
                };
                self.suspend(w, &what, Some(conn))
            }
            Err(e) => {
                let _ = self.request_to_node(chan, format!("basic.consume {queue}"));
                let w = self.deferred_error(chan, &e);
                self.suspend(w, &what, Some(conn))
            }
        }
    }

    // --- objects handed to callbacks -----------------------------------------------------

    fn method_obj(&mut self, name: &'static str, fields: Vec<(&'static str, Value)>) -> Value {
        let short = name.rsplit('.').next().unwrap_or(name);
        self.new_obj(Obj::Method { name, fields }, short)
    }

    fn frame_obj(&mut self, channel: i64, method: Value) -> Value {
        self.new_obj(Obj::Frame { channel, method }, "Method")
    }

    fn props_obj_for(&mut self, msg: u64) -> Value {
        let persistent = self
            .sim
            .messages
            .get((msg as usize).wrapping_sub(1))
            .is_some_and(|m| m.persistent);
        let mut props: Vec<(String, Value)> = match self.shared.msgs.get(&msg) {
            Some(s) => s
                .props
                .iter()
                .map(|(k, v)| (k.clone(), v.to_value()))
                .collect(),
            None if persistent => vec![("delivery_mode".into(), Value::Int(2))],
            None => Vec::new(),
        };
        props.retain(|(_, v)| !matches!(v, Value::None));
        self.new_obj(Obj::Props(props), "BasicProperties")
    }

    fn body_for(&self, msg: u64, text: &str) -> Value {
        match self.shared.msgs.get(&msg) {
            Some(s) => Value::bytes(&s.body),
            None => Value::bytes(text.as_bytes()),
        }
    }

    fn delivery_args(&mut self, chan: usize, idx: usize) -> Option<(Value, Vec<Value>)> {
        let c = self.st.chans[chan].client;
        let d = self.sim.clients[c.0].deliveries.get(idx)?.clone();
        let sim_tag = d.consumer_tag.clone()?;
        let info = self.st.chans[chan]
            .consumers
            .iter()
            .find(|k| k.sim_tag == sim_tag)?
            .clone();
        let method = self.method_obj(
            "Basic.Deliver",
            vec![
                ("consumer_tag", Value::str(&info.tag)),
                ("delivery_tag", Value::Int(d.delivery_tag as i64)),
                ("redelivered", Value::Bool(d.redelivered)),
                ("exchange", Value::str("")),
                ("routing_key", Value::str(&d.queue)),
            ],
        );
        let props = self.props_obj_for(d.msg.0);
        let body = self.body_for(d.msg.0, &d.body);
        let ch = Value::Host(HostRef::new(self.st.chans[chan].obj, "BlockingChannel"));
        Some((info.callback, vec![ch, method, props, body]))
    }

    /// The next event for a connection's channels, as a callback to run.
    fn next_dispatch(&mut self, conn: usize) -> Option<(Value, Vec<Value>)> {
        if let Some(cb) = self.st.queued_callbacks.pop_front() {
            return Some(cb);
        }
        for chan in self.st.conns[conn].chans.clone() {
            while let Some(ev) = self.st.chans[chan].inbox.pop_front() {
                match ev {
                    Inbound::Delivery(i) => {
                        if let Some(cb) = self.delivery_args(chan, i) {
                            return Some(cb);
                        }
                    }
                    Inbound::Cancel(sim_tag) => {
                        let pos = self.st.chans[chan]
                            .consumers
                            .iter()
                            .position(|k| k.sim_tag == sim_tag);
                        let Some(pos) = pos else { continue };
                        let info = self.st.chans[chan].consumers.remove(pos);
                        let cbs = self.st.chans[chan].cancel_callbacks.clone();
                        for cb in cbs {
                            let m = self.method_obj(
                                "Basic.Cancel",
                                vec![
                                    ("consumer_tag", Value::str(&info.tag)),
                                    ("nowait", Value::Bool(true)),
                                ],
                            );
                            let number = self.st.chans[chan].number;
                            let f = self.frame_obj(number, m);
                            self.st.queued_callbacks.push_back((cb, vec![f]));
                        }
                        if let Some(cb) = self.st.queued_callbacks.pop_front() {
                            return Some(cb);
                        }
                    }
                }
            }
        }
        None
    }

    // --- following the simulation ---------------------------------------------------------

    /// Reads what the simulator did to this script's clients since the last look: deliveries
    /// and cancellations to dispatch, basic.get replies, the broker closing a channel, a node
    /// going down under a connection. Returns whether anything changed.
    pub fn sync(&mut self) -> bool {
        let mut changed = false;
        let now = self.now();
        let lat = self.lat();
        for conn in 0..self.st.conns.len() {
            let node = self.st.conns[conn].node;
            if self.st.conns[conn].state == ConnState::Open && !self.sim.node_running(node) {
                let loss = self.loss_of(node);
                self.st.conns[conn].state = ConnState::Lost {
                    loss,
                    at: now + lat,
                    raised: false,
                };
                changed = true;
            }
        }
        let due: Vec<Timer> = self
            .st
            .timers
            .iter()
            .filter(|t| t.at <= now)
            .cloned()
            .collect();
        if !due.is_empty() {
            self.st.timers.retain(|t| t.at > now);
            for t in due {
                if self.st.chans[t.chan].state == ChanState::Open {
                    self.break_chan(t.chan, t.code, &t.text);
                }
            }
            changed = true;
        }
        for chan in 0..self.st.chans.len() {
            let c = self.st.chans[chan].client;
            let (nd, nc, ne) = {
                let cl = &self.sim.clients[c.0];
                (cl.deliveries.len(), cl.cancelled.len(), cl.errors.len())
            };
            while self.st.chans[chan].seen_deliveries < nd {
                let i = self.st.chans[chan].seen_deliveries;
                self.st.chans[chan].seen_deliveries += 1;
                changed = true;
                match self.sim.clients[c.0].deliveries[i].consumer_tag.clone() {
                    None => self.st.chans[chan].get_replies.push_back(Some(i)),
                    Some(t) => {
                        let ch = &mut self.st.chans[chan];
                        match &mut ch.generator {
                            Some(g) if g.sim_tag.as_deref() == Some(t.as_str()) => {
                                g.pending.push_back(Inbound::Delivery(i))
                            }
                            _ if ch.consumers.iter().any(|k| k.sim_tag == t) => {
                                ch.inbox.push_back(Inbound::Delivery(i))
                            }
                            _ => {}
                        }
                    }
                }
            }
            while self.st.chans[chan].seen_cancels < nc {
                let i = self.st.chans[chan].seen_cancels;
                self.st.chans[chan].seen_cancels += 1;
                changed = true;
                let tag = self.sim.clients[c.0].cancelled[i].clone();
                let ch = &mut self.st.chans[chan];
                match &mut ch.generator {
                    Some(g) if g.sim_tag.as_deref() == Some(tag.as_str()) => {
                        g.pending.push_back(Inbound::Cancel(tag))
                    }
                    _ => ch.inbox.push_back(Inbound::Cancel(tag)),
                }
            }
            while self.st.chans[chan].seen_errors < ne {
                let i = self.st.chans[chan].seen_errors;
                self.st.chans[chan].seen_errors += 1;
                changed = true;
                let e = self.sim.clients[c.0].errors[i].clone();
                if e == "basic.get-empty" {
                    self.st.chans[chan].get_replies.push_back(None);
                } else if self.sim.clients[c.0].connected
                    && self.st.chans[chan].state == ChanState::Open
                {
                    let code = reply_code(&e);
                    self.break_chan(chan, code, &e);
                }
            }
        }
        changed
    }

    /// Whether [`Ctx::sync`] would find something (without changing anything).
    pub fn sync_needed(sim: &Sim, st: &HostState) -> bool {
        let now = sim.now();
        st.conns
            .iter()
            .any(|c| c.state == ConnState::Open && !sim.node_running(c.node))
            || st.timers.iter().any(|t| t.at <= now)
            || st.chans.iter().any(|ch| {
                let cl = &sim.clients[ch.client.0];
                ch.seen_deliveries < cl.deliveries.len()
                    || ch.seen_cancels < cl.cancelled.len()
                    || ch.seen_errors < cl.errors.len()
            })
    }

    /// The earliest future time at which a pending call or a timer needs attention.
    pub fn next_time(sim: &Sim, st: &HostState, pending: Option<&Pending>) -> Option<Micros> {
        let now = sim.now();
        let lat = sim.config.client_latency + Micros(20);
        let mut best: Option<Micros> = st.timers.iter().map(|t| t.at).min();
        let mut consider = |t: Micros| {
            if t > now && t != Micros(u64::MAX) {
                best = Some(best.map_or(t, |b| b.min(t)));
            }
        };
        if let Some(p) = pending {
            if let Some(ci) = p.conn {
                if let Some(ConnState::Lost {
                    at, raised: false, ..
                }) = st.conns.get(ci).map(|c| &c.state)
                {
                    consider(*at);
                }
            }
            if let Some(ch) = p.wait.chan() {
                if let Some(ChanState::Broken {
                    at, raised: false, ..
                }) = st.chans.get(ch).map(|c| &c.state)
                {
                    consider(*at);
                }
            }
            match &p.wait {
                Wait::Until { at, .. } | Wait::Deferred { at, .. } => consider(*at),
                Wait::Connect(c) => consider(c.next_at),
                Wait::Confirm { since, .. } | Wait::TxCommit { since, .. } => {
                    consider(*since + lat + lat)
                }
                Wait::Events { until: Some(u), .. } => consider(*u),
                Wait::Next {
                    until, not_before, ..
                } => {
                    consider(*not_before);
                    if let Some(u) = until {
                        consider(*u);
                    }
                }
                _ => {}
            }
        }
        best.filter(|t| *t > now)
    }

    /// Decides whether a suspended call can go on now (applying broker-side effects that are
    /// due on the way).
    pub fn poll(&mut self, p: &mut Pending) -> Poll {
        let now = self.now();
        // A lost connection or a channel closed by the broker ends the calls waiting on it.
        if let Some(ci) = p.conn {
            if let ConnState::Lost {
                loss,
                at,
                raised: false,
            } = self.st.conns[ci].state.clone()
            {
                if now >= at {
                    self.st.conns[ci].state = ConnState::Lost {
                        loss: loss.clone(),
                        at,
                        raised: true,
                    };
                    return Poll::Reply(Reply::Raise(self.conn_error(&loss)));
                }
                // The request went into a dead socket: nothing more happens until the EOF.
                if !matches!(p.wait, Wait::Until { .. }) {
                    return Poll::Pending;
                }
            }
        }
        if let Some(ch) = p.wait.chan() {
            if let ChanState::Broken {
                code,
                text,
                at,
                raised: false,
            } = self.st.chans[ch].state.clone()
            {
                if now >= at {
                    self.st.chans[ch].state = ChanState::Broken {
                        code,
                        text: text.clone(),
                        at,
                        raised: true,
                    };
                    return Poll::Reply(Reply::Raise(
                        self.st.exc.channel_closed_by_broker(code, &text),
                    ));
                }
                if !matches!(p.wait, Wait::Until { .. }) {
                    return Poll::Pending;
                }
            }
        }
        let lat = self.lat();
        match &mut p.wait {
            Wait::Until { at, reply } => {
                if now >= *at {
                    Poll::Reply(reply.clone())
                } else {
                    Poll::Pending
                }
            }
            Wait::Deferred { at, op } => {
                if now < *at {
                    return Poll::Pending;
                }
                let op = op.clone();
                match self.apply(op) {
                    Some(w) => {
                        p.wait = w;
                        self.poll(p)
                    }
                    None => Poll::Pending,
                }
            }
            Wait::Connect(w) => {
                while now >= w.next_at {
                    let before = self.st.conns.len();
                    if let Some(r) = self.attempt(w) {
                        return if now >= w.next_at {
                            Poll::Reply(r)
                        } else {
                            p.wait = Wait::Until {
                                at: w.next_at,
                                reply: r,
                            };
                            Poll::Pending
                        };
                    }
                    if self.st.conns.len() > before {
                        let conn = self.st.conns.len() - 1;
                        let at = now + lat;
                        p.conn = Some(conn);
                        p.wait = Wait::Deferred {
                            at,
                            op: Deferred::Opened { conn },
                        };
                        return Poll::Pending;
                    }
                }
                Poll::Pending
            }
            Wait::Confirm {
                chan,
                seq,
                since,
                mandatory,
                unroutable,
                routing_key,
                msg,
            } => {
                let c = self.st.chans[*chan].client;
                let found = self.sim.clients[c.0]
                    .confirms
                    .iter()
                    .rev()
                    .find(|x| x.0 == *seq)
                    .map(|x| x.2);
                let Some(outcome) = found else {
                    return Poll::Pending;
                };
                if now < *since + lat + lat {
                    return Poll::Pending;
                }
                match outcome {
                    crate::sim::model::ConfirmOutcome::Nack => {
                        Poll::Reply(Reply::Raise(self.st.exc.returned("NackError", Vec::new())))
                    }
                    crate::sim::model::ConfirmOutcome::Ack if *mandatory && *unroutable => {
                        let (rk, m) = (routing_key.clone(), *msg);
                        let returned = self.returned_message(&rk, m);
                        Poll::Reply(Reply::Raise(
                            self.st.exc.returned("UnroutableError", vec![returned]),
                        ))
                    }
                    crate::sim::model::ConfirmOutcome::Ack => {
                        Poll::Reply(Reply::Return(Value::None))
                    }
                }
            }
            Wait::Get { chan, .. } => {
                let chan = *chan;
                match self.st.chans[chan].get_replies.pop_front() {
                    None => Poll::Pending,
                    Some(None) => Poll::Reply(Reply::Return(Value::tuple(vec![
                        Value::None,
                        Value::None,
                        Value::None,
                    ]))),
                    Some(Some(i)) => {
                        let c = self.st.chans[chan].client;
                        let Some(d) = self.sim.clients[c.0].deliveries.get(i).cloned() else {
                            return Poll::Pending;
                        };
                        let conn = self.st.chans[chan].conn;
                        let vhost = self.st.conns[conn].params.vhost.clone();
                        let remaining = self
                            .sim
                            .find_queue(&vhost, &d.queue)
                            .map(|q| self.sim.procs[self.sim.queue(q).master.0].ready.len())
                            .unwrap_or(0);
                        let method = self.method_obj(
                            "Basic.GetOk",
                            vec![
                                ("delivery_tag", Value::Int(d.delivery_tag as i64)),
                                ("redelivered", Value::Bool(d.redelivered)),
                                ("exchange", Value::str("")),
                                ("routing_key", Value::str(&d.queue)),
                                ("message_count", Value::Int(remaining as i64)),
                            ],
                        );
                        let props = self.props_obj_for(d.msg.0);
                        let body = self.body_for(d.msg.0, &d.body);
                        Poll::Reply(Reply::Return(Value::tuple(vec![method, props, body])))
                    }
                }
            }
            Wait::ConsumeOk { chan, sim_tag, tag } => {
                let c = self.st.chans[*chan].client;
                let Some(k) = self
                    .sim
                    .consumers
                    .iter()
                    .find(|k| k.client == c && &k.tag == sim_tag)
                else {
                    return Poll::Pending;
                };
                let master = self.sim.queue(k.queue).master;
                let from_node = self.sim.proc_node(master);
                let to_node = self.sim.clients[c.0].node;
                let link = if from_node == to_node {
                    Micros(20)
                } else {
                    self.sim.config.latency
                };
                let arrive = now + link + self.sim.config.client_latency;
                self.wire(
                    Endpoint::Proc(master),
                    Endpoint::Client(c),
                    format!("basic.consume-ok {sim_tag}"),
                    arrive,
                );
                p.wait = Wait::Until {
                    at: arrive,
                    reply: Reply::Return(Value::str(tag)),
                };
                self.poll(p)
            }
            Wait::Consuming { chan } => {
                let chan = *chan;
                let conn = self.st.chans[chan].conn;
                if let Some((f, a)) = self.next_dispatch(conn) {
                    return Poll::Callback(f, a);
                }
                if self.st.chans[chan].consumers.is_empty() {
                    return Poll::Reply(Reply::Return(Value::None));
                }
                if let Err(e) = self.check_chan(chan) {
                    return Poll::Reply(Reply::Raise(e));
                }
                Poll::Pending
            }
            Wait::Events {
                conn,
                until,
                dispatched,
            } => {
                let conn = *conn;
                if self.st.in_callback == 0 {
                    if let Some((f, a)) = self.next_dispatch(conn) {
                        *dispatched = true;
                        return Poll::Callback(f, a);
                    }
                }
                match until {
                    Some(u) if now >= *u => Poll::Reply(Reply::Return(Value::None)),
                    None if *dispatched => Poll::Reply(Reply::Return(Value::None)),
                    _ => Poll::Pending,
                }
            }
            Wait::Next {
                chan,
                until,
                registering,
                not_before,
            } => {
                let (chan, until_t) = (*chan, *until);
                if *registering {
                    let c = self.st.chans[chan].client;
                    let tag = self.st.chans[chan]
                        .generator
                        .as_ref()
                        .and_then(|g| g.sim_tag.clone());
                    let registered = self
                        .sim
                        .consumers
                        .iter()
                        .find(|k| k.client == c && Some(&k.tag) == tag.as_ref())
                        .map(|k| k.queue);
                    let Some(q) = registered else {
                        return Poll::Pending;
                    };
                    let master = self.sim.queue(q).master;
                    let from = self.sim.proc_node(master);
                    let link = if from == self.sim.clients[c.0].node {
                        Micros(20)
                    } else {
                        self.sim.config.latency
                    };
                    let arrive = now + link + self.sim.config.client_latency;
                    *registering = false;
                    *not_before = arrive;
                    self.wire(
                        Endpoint::Proc(master),
                        Endpoint::Client(c),
                        format!("basic.consume-ok {}", tag.unwrap_or_default()),
                        arrive,
                    );
                    return self.poll(p);
                }
                if now < *not_before {
                    return Poll::Pending;
                }
                let until = until_t;
                let Some(g) = self.st.chans[chan].generator.as_mut() else {
                    return Poll::Reply(Reply::Raise(PyException::bare(BuiltinExc::StopIteration)));
                };
                match g.pending.pop_front() {
                    Some(Inbound::Delivery(i)) => {
                        let c = self.st.chans[chan].client;
                        let Some(d) = self.sim.clients[c.0].deliveries.get(i).cloned() else {
                            return Poll::Pending;
                        };
                        let tag = d.consumer_tag.clone().unwrap_or_default();
                        let method = self.method_obj(
                            "Basic.Deliver",
                            vec![
                                ("consumer_tag", Value::str(&tag)),
                                ("delivery_tag", Value::Int(d.delivery_tag as i64)),
                                ("redelivered", Value::Bool(d.redelivered)),
                                ("exchange", Value::str("")),
                                ("routing_key", Value::str(&d.queue)),
                            ],
                        );
                        let props = self.props_obj_for(d.msg.0);
                        let body = self.body_for(d.msg.0, &d.body);
                        Poll::Reply(Reply::Return(Value::tuple(vec![method, props, body])))
                    }
                    Some(Inbound::Cancel(tag)) => {
                        // Cancelled by the broker: the generator ends.
                        self.st.chans[chan].generator = None;
                        self.st.chans[chan].consumers.retain(|k| k.sim_tag != tag);
                        Poll::Reply(Reply::Raise(PyException::bare(BuiltinExc::StopIteration)))
                    }
                    None => match until {
                        Some(u) if now >= u => Poll::Reply(Reply::Return(Value::tuple(vec![
                            Value::None,
                            Value::None,
                            Value::None,
                        ]))),
                        _ => Poll::Pending,
                    },
                }
            }
            Wait::TxCommit { chan, seqs, since } => {
                let c = self.st.chans[*chan].client;
                let cl = &self.sim.clients[c.0];
                if seqs.iter().any(|s| cl.unconfirmed.contains_key(s)) || now < *since + lat + lat {
                    return Poll::Pending;
                }
                let chan = *chan;
                let _ = self.reply_to_client(chan, "tx.commit-ok".into());
                Poll::Reply(Reply::Return(Value::None))
            }
        }
    }

    fn returned_message(&mut self, routing_key: &str, msg: Option<u64>) -> Value {
        let method = self.method_obj(
            "Basic.Return",
            vec![
                ("reply_code", Value::Int(312)),
                ("reply_text", Value::str("NO_ROUTE")),
                ("exchange", Value::str("")),
                ("routing_key", Value::str(routing_key)),
            ],
        );
        let (props, body) = match msg {
            Some(m) => (self.props_obj_for(m), self.body_for(m, "")),
            None => (
                self.new_obj(Obj::Props(Vec::new()), "BasicProperties"),
                Value::bytes(b""),
            ),
        };
        self.new_obj(
            Obj::Returned {
                method,
                props,
                body,
            },
            "ReturnedMessage",
        )
    }

    /// Applies a request's broker-side effect when it arrives; the wait that follows (usually
    /// the reply travelling back), or `None` to keep waiting as is.
    fn apply(&mut self, op: Deferred) -> Option<Wait> {
        let now = self.now();
        match op {
            Deferred::Reply { chan, label, reply } => {
                let at = match chan {
                    Some(ch) => self.reply_to_client(ch, label),
                    None => now + self.lat(),
                };
                Some(Wait::Until { at, reply })
            }
            Deferred::Opened { conn } => {
                let c = self.st.conns[conn].spare_client?;
                let node = self.st.conns[conn].node;
                let arrive = now + self.lat();
                self.wire(
                    Endpoint::Node(node),
                    Endpoint::Client(c),
                    "connection.open-ok".into(),
                    arrive,
                );
                let obj = Value::Host(HostRef::new(self.st.conns[conn].obj, "BlockingConnection"));
                Some(Wait::Until {
                    at: arrive,
                    reply: Reply::Return(obj),
                })
            }
            Deferred::ChannelOpen { chan } => {
                let at = self.reply_to_client(
                    chan,
                    format!("channel.open-ok {}", self.st.chans[chan].number),
                );
                let obj = Value::Host(HostRef::new(self.st.chans[chan].obj, "BlockingChannel"));
                Some(Wait::Until {
                    at,
                    reply: Reply::Return(obj),
                })
            }
            Deferred::Declare {
                chan,
                args,
                deadline,
            } => {
                let c = self.st.chans[chan].client;
                let conn = self.st.chans[chan].conn;
                let node = self.st.conns[conn].node;
                let vhost = self.st.conns[conn].params.vhost.clone();
                match self.sim.declare_queue(Some(c), node, &vhost, args.clone()) {
                    Ok(q) => {
                        let r = self.sim.queue(q);
                        let name = r.name.clone();
                        let messages = self.sim.procs[r.master.0].ready.len() as i64;
                        let consumers =
                            self.sim.consumers.iter().filter(|k| k.queue == q).count() as i64;
                        let at = self.reply_to_client(
                            chan,
                            format!(
                                "queue.declare-ok {name} messages={messages} consumers={consumers}"
                            ),
                        );
                        let m = self.method_obj(
                            "Queue.DeclareOk",
                            vec![
                                ("queue", Value::str(&name)),
                                ("message_count", Value::Int(messages)),
                                ("consumer_count", Value::Int(consumers)),
                            ],
                        );
                        let number = self.st.chans[chan].number;
                        let f = self.frame_obj(number, m);
                        Some(Wait::Until {
                            at,
                            reply: Reply::Return(f),
                        })
                    }
                    // rabbit_amqqueue:with/4 keeps retrying while the master is dead; a
                    // promotion or a restart during that time lets the declare through.
                    Err(e) if e.contains("due to timeout") && now < deadline => {
                        Some(Wait::Deferred {
                            at: (now + Micros::from_ms(30)).min(deadline),
                            op: Deferred::Declare {
                                chan,
                                args,
                                deadline,
                            },
                        })
                    }
                    Err(e) => Some(self.chan_error_reply(chan, &e)),
                }
            }
            Deferred::Delete {
                chan,
                queue,
                if_unused,
                if_empty,
            } => {
                let conn = self.st.chans[chan].conn;
                let vhost = self.st.conns[conn].params.vhost.clone();
                let c = self.st.chans[chan].client;
                let node = self.sim.clients[c.0].node;
                let Some(q) = self.sim.find_queue_from(node, &vhost, &queue) else {
                    // RabbitMQ 3.10 answers delete-ok for a queue that does not exist.
                    let at = self.reply_to_client(chan, "queue.delete-ok message_count=0".into());
                    let m =
                        self.method_obj("Queue.DeleteOk", vec![("message_count", Value::Int(0))]);
                    let number = self.st.chans[chan].number;
                    let f = self.frame_obj(number, m);
                    return Some(Wait::Until {
                        at,
                        reply: Reply::Return(f),
                    });
                };
                let depth = self.sim.procs[self.sim.queue(q).master.0].depth() as i64;
                let has_consumers = self.sim.consumers.iter().any(|k| k.queue == q);
                if if_unused && has_consumers {
                    return Some(self.chan_error_reply(
                        chan,
                        &format!("PRECONDITION_FAILED - queue '{queue}' in vhost '{vhost}' in use"),
                    ));
                }
                if if_empty && depth > 0 {
                    return Some(self.chan_error_reply(
                        chan,
                        &format!(
                            "PRECONDITION_FAILED - queue '{queue}' in vhost '{vhost}' is not empty"
                        ),
                    ));
                }
                self.sim.delete_queue(q);
                let at =
                    self.reply_to_client(chan, format!("queue.delete-ok message_count={depth}"));
                let m =
                    self.method_obj("Queue.DeleteOk", vec![("message_count", Value::Int(depth))]);
                let number = self.st.chans[chan].number;
                let f = self.frame_obj(number, m);
                Some(Wait::Until {
                    at,
                    reply: Reply::Return(f),
                })
            }
            Deferred::ConfirmSelect { chan } => {
                let c = self.st.chans[chan].client;
                self.sim.confirm_select(c);
                self.st.chans[chan].confirm = true;
                let at = self.reply_to_client(chan, "confirm.select-ok".into());
                Some(Wait::Until {
                    at,
                    reply: Reply::Return(Value::None),
                })
            }
            Deferred::TxSelect { chan } => {
                let c = self.st.chans[chan].client;
                self.sim.tx_select(c);
                self.st.chans[chan].tx = true;
                let at = self.reply_to_client(chan, "tx.select-ok".into());
                Some(Wait::Until {
                    at,
                    reply: Reply::Return(Value::None),
                })
            }
            Deferred::Cancel {
                chan,
                sim_tags,
                ret,
            } => {
                let c = self.st.chans[chan].client;
                self.sim
                    .consumers
                    .retain(|k| !(k.client == c && sim_tags.contains(&k.tag)));
                let at =
                    self.reply_to_client(chan, format!("basic.cancel-ok {}", sim_tags.join(",")));
                Some(Wait::Until {
                    at,
                    reply: Reply::Return(ret),
                })
            }
            Deferred::ChannelClose { chan } => {
                let c = self.st.chans[chan].client;
                if self.sim.clients[c.0].connected {
                    self.sim.disconnect_client(c, "channel closed by client");
                }
                self.st.chans[chan].seen_errors = self.sim.clients[c.0].errors.len();
                let at = self.reply_to_client(chan, "channel.close-ok".into());
                Some(Wait::Until {
                    at,
                    reply: Reply::Return(Value::None),
                })
            }
            Deferred::ConnectionClose { conn } => {
                let clients: Vec<ClientId> = self.st.conns[conn]
                    .chans
                    .iter()
                    .map(|&c| self.st.chans[c].client)
                    .chain(self.st.conns[conn].spare_client)
                    .collect();
                let node = self.st.conns[conn].node;
                let arrive = now + self.lat();
                if let Some(&c) = clients.first() {
                    self.wire(
                        Endpoint::Node(node),
                        Endpoint::Client(c),
                        "connection.close-ok".into(),
                        arrive,
                    );
                }
                for c in clients {
                    if self.sim.clients[c.0].connected {
                        self.sim.close_client(c);
                    }
                }
                for &ch in &self.st.conns[conn].chans.clone() {
                    let c = self.st.chans[ch].client;
                    self.st.chans[ch].seen_errors = self.sim.clients[c.0].errors.len();
                }
                Some(Wait::Until {
                    at: arrive,
                    reply: Reply::Return(Value::None),
                })
            }
            Deferred::ChannelError { chan, code, text } => {
                let _ = code;
                Some(self.chan_error_reply(chan, &text))
            }
        }
    }

    // --- plain functions ------------------------------------------------------------------

    fn func_call(&mut self, f: Func, args: Vec<Value>, kwargs: Vec<(String, Value)>) -> HostResult {
        match f {
            Func::Sleep => {
                if !kwargs.is_empty() {
                    return HostResult::Raise(type_error("sleep() takes no keyword arguments"));
                }
                if args.len() != 1 {
                    return HostResult::Raise(type_error(format!(
                        "time.sleep() takes exactly one argument ({} given)",
                        args.len()
                    )));
                }
                let s = match &args[0] {
                    v @ (Value::Int(_) | Value::Float(_) | Value::Bool(_)) => {
                        v.as_f64().unwrap_or(0.0)
                    }
                    other => {
                        return HostResult::Raise(type_error(format!(
                            "'{}' object cannot be interpreted as an integer",
                            other.type_name()
                        )))
                    }
                };
                if s.is_nan() {
                    return HostResult::Raise(value_error("Invalid value NaN (not a number)"));
                }
                if s < 0.0 {
                    return HostResult::Raise(value_error("sleep length must be non-negative"));
                }
                if !s.is_finite() || s > 1e9 {
                    return HostResult::Raise(PyException::builtin(
                        BuiltinExc::OverflowError,
                        "sleep length is too large",
                    ));
                }
                let at = self.now() + secs(s);
                let shown = match &args[0] {
                    Value::Float(f) => float_repr(*f),
                    v => v.as_int().unwrap_or(0).to_string(),
                };
                self.suspend(
                    Wait::Until {
                        at,
                        reply: Reply::Return(Value::None),
                    },
                    &format!("time.sleep({shown})"),
                    None,
                )
            }
            Func::Time => {
                HostResult::Return(Value::Float(1_700_000_000.0 + self.now().0 as f64 / 1e6))
            }
            Func::Monotonic => HostResult::Return(Value::Float(self.now().0 as f64 / 1e6)),
            Func::Exit => HostResult::Raise(PyException::with_args(
                ExcClass::Builtin(BuiltinExc::SystemExit),
                args.into_iter().take(1).collect(),
            )),
            Func::Dumps => {
                let b = try_raise!(bind("dumps", &["obj"], 1, args, Vec::new()));
                let o = try_raise!(pyjson::DumpOptions::from_kwargs(&kwargs));
                let v = opt(&b, 0).cloned().unwrap_or(Value::None);
                match pyjson::dumps(self, &v, &o) {
                    Ok(s) => HostResult::Return(Value::str(&s)),
                    Err(e) => HostResult::Raise(e),
                }
            }
            Func::Loads => {
                let b = try_raise!(bind("loads", &["s"], 1, args, kwargs));
                let text = match opt(&b, 0) {
                    Some(Value::Str(s)) => s.to_string(),
                    Some(Value::Bytes(bs)) => match std::str::from_utf8(bs) {
                        Ok(s) => s.to_string(),
                        Err(_) => {
                            return HostResult::Raise(PyException::builtin(
                                BuiltinExc::UnicodeDecodeError,
                                "'utf-8' codec can't decode bytes",
                            ))
                        }
                    },
                    Some(other) => {
                        return HostResult::Raise(type_error(format!(
                            "the JSON object must be str, bytes or bytearray, not {}",
                            other.type_name()
                        )))
                    }
                    None => String::new(),
                };
                let class = self.st.json_error.clone();
                match pyjson::loads(&text, &class) {
                    Ok(v) => HostResult::Return(v),
                    Err(e) => HostResult::Raise(e),
                }
            }
        }
    }

    fn class_call(
        &mut self,
        cls: Cls,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> HostResult {
        match cls {
            Cls::BlockingConnection => self.blocking_connection(args, kwargs),
            Cls::ConnectionParameters => match self.params_from_call(args, kwargs) {
                Ok(p) => HostResult::Return(self.new_obj(Obj::Params(p), "ConnectionParameters")),
                Err(e) => HostResult::Raise(e),
            },
            Cls::UrlParameters => {
                let b = try_raise!(bind("URLParameters.__init__", &["url"], 1, args, kwargs));
                let url = try_raise!(require_str(opt(&b, 0), "url"));
                match self.url_params(&url) {
                    Ok(p) => HostResult::Return(self.new_obj(Obj::Params(p), "URLParameters")),
                    Err(e) => HostResult::Raise(e),
                }
            }
            Cls::PlainCredentials => {
                let b = match bind(
                    "PlainCredentials.__init__",
                    &["username", "password", "erase_on_connect"],
                    2,
                    args,
                    kwargs,
                ) {
                    Ok(b) => b,
                    Err(e) => return HostResult::Raise(e),
                };
                let user = opt(&b, 0)
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                HostResult::Return(self.new_obj(Obj::Credentials(user), "PlainCredentials"))
            }
            Cls::BasicProperties => {
                let b = try_raise!(bind(
                    "BasicProperties.__init__",
                    &PROP_FIELDS,
                    0,
                    args,
                    kwargs
                ));
                let mut props = Vec::new();
                for (i, name) in PROP_FIELDS.iter().enumerate() {
                    if let Some(v) = opt(&b, i) {
                        if matches!(v, Value::None) {
                            continue;
                        }
                        if *name == "delivery_mode" && !matches!(v.as_int(), Some(1 | 2)) {
                            return HostResult::Raise(value_error(format!(
                                "delivery_mode must be 1 (Transient) or 2 (Persistent), but got {}",
                                crate::py::format::repr(self, v).unwrap_or_default()
                            )));
                        }
                        props.push((name.to_string(), v.clone()));
                    }
                }
                HostResult::Return(self.new_obj(Obj::Props(props), "BasicProperties"))
            }
        }
    }

    fn amqp_repr(&mut self, name: &str, fields: &[(&str, Value)]) -> String {
        let mut items: Vec<String> = Vec::new();
        for (k, v) in fields {
            if matches!(v, Value::None) {
                continue;
            }
            let s = to_str(self, v).unwrap_or_default();
            items.push(format!("{k}={s}"));
        }
        if items.is_empty() {
            return format!("<{name}>");
        }
        items.sort();
        let list: Vec<String> = items.iter().map(|s| repr_str(s)).collect();
        format!("<{name}([{}])>", list.join(", "))
    }
}

impl Host for Ctx<'_> {
    fn import(&mut self, module: &str) -> Result<Value, PyException> {
        match self.module(module) {
            Some(m) => Ok(m),
            None => {
                let e = PyException::builtin(
                    BuiltinExc::ModuleNotFoundError,
                    format!("No module named '{module}'"),
                );
                e.set_hint(
                    ". The mirrorscope playground provides pika, time, sys, json and socket".into(),
                );
                Err(e)
            }
        }
    }

    fn getattr(&mut self, obj: &HostRef, name: &str) -> Result<Value, PyException> {
        let Some(o) = self.obj(obj.id).cloned() else {
            return Err(attr_error(obj, name));
        };
        match o {
            Obj::Params(p) => match name {
                "host" => Ok(Value::str(&p.host)),
                "port" => Ok(Value::Int(p.port)),
                "virtual_host" => Ok(Value::str(&p.vhost)),
                "connection_attempts" => Ok(Value::Int(p.connection_attempts)),
                "retry_delay" => Ok(Value::Float(p.retry_delay)),
                _ => match p.extra.iter().find(|(k, _)| k == name) {
                    Some((_, v)) => Ok(v.clone()),
                    None if PARAM_FIELDS.contains(&name) => Ok(match name {
                        "socket_timeout" => Value::Float(10.0),
                        "stack_timeout" => Value::Float(15.0),
                        "channel_max" => Value::Int(65535),
                        "frame_max" => Value::Int(131072),
                        "locale" => Value::str("en_US"),
                        _ => Value::None,
                    }),
                    None => Err(attr_error(obj, name)),
                },
            },
            Obj::Props(p) => match p.iter().find(|(k, _)| k == name) {
                Some((_, v)) => Ok(v.clone()),
                None if PROP_FIELDS.contains(&name) => Ok(Value::None),
                None => Err(attr_error(obj, name)),
            },
            Obj::Method { name: n, fields } => match fields.iter().find(|(k, _)| *k == name) {
                Some((_, v)) => Ok(v.clone()),
                None if name == "NAME" => Ok(Value::str(n)),
                None => Err(attr_error(obj, name)),
            },
            Obj::Frame { channel, method } => match name {
                "method" => Ok(method),
                "channel_number" => Ok(Value::Int(channel)),
                "frame_type" => Ok(Value::Int(1)),
                _ => Err(attr_error(obj, name)),
            },
            Obj::Returned {
                method,
                props,
                body,
            } => match name {
                "method" => Ok(method),
                "properties" => Ok(props),
                "body" => Ok(body),
                _ => Err(attr_error(obj, name)),
            },
            Obj::Credentials(user) => match name {
                "username" => Ok(Value::str(&user)),
                "password" => Ok(Value::str("********")),
                _ => Err(attr_error(obj, name)),
            },
            Obj::Stream { .. } => match name {
                "write" | "flush" => Ok(Value::host_method(obj, name)),
                _ => Err(attr_error(obj, name)),
            },
            Obj::Connection(ci) => match name {
                "is_open" | "is_closed" => {
                    let open = match &self.st.conns[ci].state {
                        ConnState::Open => true,
                        ConnState::Lost { at, .. } => *at > self.now(),
                        ConnState::Closed => false,
                    };
                    Ok(Value::Bool(if name == "is_open" { open } else { !open }))
                }
                "channel"
                | "close"
                | "sleep"
                | "process_data_events"
                | "add_callback_threadsafe"
                | "call_later" => Ok(Value::host_method(obj, name)),
                _ => Err(attr_error(obj, name)),
            },
            Obj::Channel(ci) => match name {
                "is_open" | "is_closed" => {
                    let now = self.now();
                    let conn_open = match &self.st.conns[self.st.chans[ci].conn].state {
                        ConnState::Open => true,
                        ConnState::Lost { at, .. } => *at > now,
                        ConnState::Closed => false,
                    };
                    let open = conn_open
                        && match &self.st.chans[ci].state {
                            ChanState::Open => true,
                            ChanState::Broken { at, .. } => *at > now,
                            ChanState::Closed => false,
                        };
                    Ok(Value::Bool(if name == "is_open" { open } else { !open }))
                }
                "channel_number" => Ok(Value::Int(self.st.chans[ci].number)),
                "connection" => {
                    let conn = self.st.chans[ci].conn;
                    Ok(Value::Host(HostRef::new(
                        self.st.conns[conn].obj,
                        "BlockingConnection",
                    )))
                }
                "consumer_tags" => Ok(Value::list(
                    self.st.chans[ci]
                        .consumers
                        .iter()
                        .map(|c| Value::str(&c.tag))
                        .collect(),
                )),
                _ => Ok(Value::host_method(obj, name)),
            },
            Obj::ConsumeGen { .. } => Err(attr_error(obj, name)),
            Obj::Class(_) | Obj::Func(_) => match name {
                "__name__" | "__qualname__" => Ok(Value::str(&self.repr(obj))),
                _ => Err(attr_error(obj, name)),
            },
        }
    }

    fn call(
        &mut self,
        obj: &HostRef,
        method: &str,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> HostResult {
        self.st.pending = None;
        let before = self.sim.trace.len();
        let r = self.dispatch(obj, method, args, kwargs);
        let line = self.st.line;
        link_range(self.sim, self.st, before, line);
        r
    }

    fn print(&mut self, text: &str) {
        self.st.write(false, text);
    }

    fn repr(&mut self, obj: &HostRef) -> String {
        let Some(o) = self.obj(obj.id).cloned() else {
            return format!("<{} object>", obj.type_name);
        };
        match o {
            Obj::Class(c) => match c {
                Cls::BlockingConnection => {
                    "<class 'pika.adapters.blocking_connection.BlockingConnection'>".into()
                }
                Cls::ConnectionParameters => {
                    "<class 'pika.connection.ConnectionParameters'>".into()
                }
                Cls::UrlParameters => "<class 'pika.connection.URLParameters'>".into(),
                Cls::PlainCredentials => "<class 'pika.credentials.PlainCredentials'>".into(),
                Cls::BasicProperties => "<class 'pika.spec.BasicProperties'>".into(),
            },
            Obj::Func(f) => {
                let n = match f {
                    Func::Sleep => "sleep",
                    Func::Time => "time",
                    Func::Monotonic => "monotonic",
                    Func::Exit => "exit",
                    Func::Dumps => return "<function dumps>".into(),
                    Func::Loads => return "<function loads>".into(),
                };
                format!("<built-in function {n}>")
            }
            Obj::Params(p) => format!(
                "<{} host={} port={} virtual_host={} ssl=False>",
                obj.type_name, p.host, p.port, p.vhost
            ),
            Obj::Credentials(u) => format!("PlainCredentials: {u} ****"),
            Obj::Props(p) => {
                let fields: Vec<(&str, Value)> =
                    p.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
                self.amqp_repr("BasicProperties", &fields)
            }
            Obj::Connection(ci) => format!("<BlockingConnection impl={}>", self.conn_repr(ci)),
            Obj::Channel(ci) => {
                let state = match self.st.chans[ci].state {
                    ChanState::Open => "OPEN",
                    _ => "CLOSED",
                };
                let conn = self.conn_repr(self.st.chans[ci].conn);
                format!(
                    "<BlockingChannel impl=<Channel number={} {state} conn={conn}>>",
                    self.st.chans[ci].number
                )
            }
            Obj::Frame { channel, method } => {
                let m = match &method {
                    Value::Host(h) => self.repr(h),
                    _ => String::new(),
                };
                self.amqp_repr(
                    "METHOD",
                    &[
                        ("channel_number", Value::Int(channel)),
                        ("frame_type", Value::Int(1)),
                        ("method", Value::str(&m)),
                    ],
                )
            }
            Obj::Method { name, fields } => self.amqp_repr(name, &fields),
            Obj::Returned { .. } => "ReturnedMessage(method=<Basic.Return>, ...)".into(),
            Obj::ConsumeGen { queue, .. } => {
                format!(
                    "<generator object BlockingChannel.consume at {}>",
                    repr_str(&queue)
                )
            }
            Obj::Stream { err } => format!(
                "<_io.TextIOWrapper name='<{}>' mode='w' encoding='utf-8'>",
                if err { "stderr" } else { "stdout" }
            ),
        }
    }

    fn on_statement(&mut self, line: u32, _depth: usize) {
        self.st.line = line;
    }

    fn knows_module(&self, name: &str) -> bool {
        matches!(name, "pika" | "time" | "sys" | "json" | "socket")
    }
}

impl Ctx<'_> {
    fn dispatch(
        &mut self,
        obj: &HostRef,
        method: &str,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> HostResult {
        let Some(o) = self.obj(obj.id).cloned() else {
            return HostResult::Raise(attr_error(obj, method));
        };
        match (o, method) {
            (Obj::Class(c), "__call__") => self.class_call(c, args, kwargs),
            (Obj::Func(f), "__call__") => self.func_call(f, args, kwargs),
            (Obj::Stream { err }, "write") => match args.first() {
                Some(Value::Str(s)) => {
                    let n = s.chars().count() as i64;
                    self.st.write(err, s);
                    HostResult::Return(Value::Int(n))
                }
                Some(other) => HostResult::Raise(type_error(format!(
                    "write() argument must be str, not {}",
                    other.type_name()
                ))),
                None => HostResult::Raise(type_error(
                    "TextIOWrapper.write() takes exactly one argument (0 given)",
                )),
            },
            (Obj::Stream { .. }, "flush") => HostResult::Return(Value::None),
            (Obj::Connection(ci), m) => match m {
                "__enter__" => HostResult::Return(Value::Host(obj.clone())),
                "__exit__" => {
                    if matches!(self.st.conns[ci].state, ConnState::Open) {
                        self.close_connection(ci, Vec::new(), Vec::new())
                    } else {
                        HostResult::Return(Value::None)
                    }
                }
                "channel" => self.open_channel(ci, args, kwargs),
                "close" => self.close_connection(ci, args, kwargs),
                "sleep" | "process_data_events" => {
                    let name = if m == "sleep" {
                        "duration"
                    } else {
                        "time_limit"
                    };
                    let b = match bind(
                        &format!("BlockingConnection.{m}"),
                        &[name],
                        usize::from(m == "sleep"),
                        args,
                        kwargs,
                    ) {
                        Ok(b) => b,
                        Err(e) => return HostResult::Raise(e),
                    };
                    if let Err(e) = self.check_conn(ci, "process_data_events") {
                        return HostResult::Raise(e);
                    }
                    let until = match opt(&b, 0) {
                        None if m == "process_data_events" => Some(self.now()),
                        None | Some(Value::None) => None,
                        Some(v) => match v.as_f64() {
                            Some(s) if s >= 0.0 && s.is_finite() => Some(self.now() + secs(s)),
                            _ => {
                                return HostResult::Raise(value_error(format!(
                                    "{name} must be a non-negative number"
                                )))
                            }
                        },
                    };
                    self.suspend(
                        Wait::Events {
                            conn: ci,
                            until,
                            dispatched: false,
                        },
                        &format!("connection.{m}()"),
                        Some(ci),
                    )
                }
                "add_callback_threadsafe" | "call_later" => HostResult::Raise(not_supported(
                    &format!("BlockingConnection.{m}"),
                    "scripts run without threads or timers",
                )),
                _ => HostResult::Raise(attr_error(obj, m)),
            },
            (Obj::Channel(ci), m) => self.channel_call(ci, m, args, kwargs),
            (Obj::ConsumeGen { .. }, "__iter__") => HostResult::Return(Value::Host(obj.clone())),
            (
                Obj::ConsumeGen {
                    chan,
                    queue,
                    auto_ack,
                    exclusive,
                    arguments,
                    timeout,
                },
                "__next__",
            ) => self.next_message(chan, queue, auto_ack, exclusive, arguments, timeout),
            (_, "__call__") => HostResult::Raise(type_error(format!(
                "'{}' object is not callable",
                obj.type_name
            ))),
            (_, m) => HostResult::Raise(attr_error(obj, m)),
        }
    }
}

/// Links trace events `from..` (appended by the script's own work) to `line`.
pub fn link_range(sim: &Sim, st: &mut HostState, from: usize, line: u32) {
    for i in from..sim.trace.len() {
        st.links.push((line, i as u32));
        if let TraceKind::Send { id, .. } = &sim.trace[i].kind {
            st.sends.insert(*id);
        }
    }
}
