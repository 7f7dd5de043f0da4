//! A small reference host, used by the tests and as a model for the simulator binding.
//!
//! * `print` goes to an in-memory buffer ([`ReferenceHost::output`]);
//! * `time.sleep(s)` suspends with a fresh token and records `(token, s)`;
//! * `pika.BlockingConnection(params)` connects at once, or raises
//!   `pika.exceptions.AMQPConnectionError` when `params.host` is in the "down" list;
//! * channels record the calls made on them; `start_consuming()` and the `__next__` of
//!   `channel.consume(queue)` suspend until the driver resumes them;
//! * `sys.exit(code)` raises `SystemExit`, `sys.argv` is `['client.py']`.

use crate::py::runtime::object::exception::{BuiltinExc, ExcClass};

use crate::py::runtime::host::{Host, HostResult, SuspendToken};
use crate::py::runtime::object::value::{HostRef, Module, PyException, Value};
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
enum Obj {
    /// A callable standing for a class (`pika.BlockingConnection`).
    Class(&'static str),
    Params {
        host: String,
        port: i64,
        kwargs: Vec<(String, Value)>,
    },
    Connection {
        host: String,
        open: bool,
    },
    Channel {
        number: i64,
        consumers: Vec<(String, Value)>,
        consuming: bool,
    },
    Consumer {
        queue: String,
    },
    Stream,
}

/// The reference host.
pub struct ReferenceHost {
    output: String,
    down: Vec<String>,
    objects: BTreeMap<u64, Obj>,
    next_id: u64,
    next_token: u64,
    sleeps: Vec<(SuspendToken, f64)>,
    calls: Vec<String>,
    statements: Vec<u32>,
    pika: Option<Value>,
    time: Option<Value>,
    sys: Option<Value>,
    amqp_error: ExcClass,
    connection_error: ExcClass,
    channel_closed: ExcClass,
}

impl Default for ReferenceHost {
    fn default() -> Self {
        ReferenceHost::new()
    }
}

impl ReferenceHost {
    /// A host where every node is up.
    pub fn new() -> ReferenceHost {
        let amqp_error = ExcClass::new_host("pika.exceptions", "AMQPError", vec![]);
        let connection_error = ExcClass::new_host(
            "pika.exceptions",
            "AMQPConnectionError",
            vec![amqp_error.clone()],
        );
        let channel_closed =
            ExcClass::new_host("pika.exceptions", "ChannelClosed", vec![amqp_error.clone()]);
        ReferenceHost {
            output: String::new(),
            down: Vec::new(),
            objects: BTreeMap::new(),
            next_id: 0,
            next_token: 0,
            sleeps: Vec::new(),
            calls: Vec::new(),
            statements: Vec::new(),
            pika: None,
            time: None,
            sys: None,
            amqp_error,
            connection_error,
            channel_closed,
        }
    }

    /// A host where connections to these hosts fail.
    pub fn with_down(hosts: &[&str]) -> ReferenceHost {
        let mut h = ReferenceHost::new();
        h.down = hosts.iter().map(|s| s.to_string()).collect();
        h
    }

    /// Everything printed so far.
    pub fn output(&self) -> &str {
        &self.output
    }

    /// Every `time.sleep` so far: (token it suspended with, seconds).
    pub fn sleeps(&self) -> &[(SuspendToken, f64)] {
        &self.sleeps
    }

    /// A log of host-object calls, e.g. `connect node1.example.com`.
    pub fn calls(&self) -> &[String] {
        &self.calls
    }

    /// Lines of every statement executed, in order.
    pub fn statements(&self) -> &[u32] {
        &self.statements
    }

    /// The callbacks registered with `basic_consume` on any channel: (queue, callable).
    pub fn consumers(&self) -> Vec<(String, Value)> {
        self.objects
            .values()
            .filter_map(|o| match o {
                Obj::Channel { consumers, .. } => Some(consumers.clone()),
                _ => None,
            })
            .flatten()
            .collect()
    }

    /// Whether a channel is inside `start_consuming()` and has not been asked to stop.
    pub fn is_consuming(&self) -> bool {
        self.objects.values().any(|o| {
            matches!(
                o,
                Obj::Channel {
                    consuming: true,
                    ..
                }
            )
        })
    }

    /// A handle to the first channel (to pass as `ch` to callbacks).
    pub fn first_channel(&self) -> Option<HostRef> {
        self.objects.iter().find_map(|(id, o)| match o {
            Obj::Channel { .. } => Some(HostRef::new(*id, "BlockingChannel")),
            _ => None,
        })
    }

    /// The `AMQPConnectionError` class this host raises.
    pub fn connection_error(&self) -> ExcClass {
        self.connection_error.clone()
    }

    fn new_obj(&mut self, obj: Obj, type_name: &str) -> HostRef {
        self.next_id += 1;
        self.objects.insert(self.next_id, obj);
        HostRef::new(self.next_id, type_name)
    }

    fn token(&mut self) -> SuspendToken {
        self.next_token += 1;
        SuspendToken(self.next_token)
    }

    fn pika(&mut self) -> Value {
        if let Some(p) = &self.pika {
            return p.clone();
        }
        let blocking = self.new_obj(Obj::Class("BlockingConnection"), "type");
        let params = self.new_obj(Obj::Class("ConnectionParameters"), "type");
        let props = self.new_obj(Obj::Class("BasicProperties"), "type");
        let exceptions = Value::Module(Module::new(
            "pika.exceptions",
            vec![
                ("AMQPError", Value::ExcClass(self.amqp_error.clone())),
                (
                    "AMQPConnectionError",
                    Value::ExcClass(self.connection_error.clone()),
                ),
                (
                    "ChannelClosed",
                    Value::ExcClass(self.channel_closed.clone()),
                ),
            ],
        ));
        let m = Value::Module(Module::new(
            "pika",
            vec![
                ("BlockingConnection", Value::Host(blocking)),
                ("ConnectionParameters", Value::Host(params)),
                ("BasicProperties", Value::Host(props)),
                ("exceptions", exceptions),
            ],
        ));
        self.pika = Some(m.clone());
        m
    }

    fn attr_error(obj: &HostRef, name: &str) -> PyException {
        PyException::builtin(
            BuiltinExc::AttributeError,
            format!("'{}' object has no attribute '{}'", obj.type_name, name),
        )
    }

    fn arg(args: &[Value], kwargs: &[(String, Value)], pos: usize, name: &str) -> Option<Value> {
        kwargs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .or_else(|| args.get(pos).cloned())
    }
}

impl Host for ReferenceHost {
    fn import(&mut self, module: &str) -> Result<Value, PyException> {
        match module {
            "pika" => Ok(self.pika()),
            "pika.exceptions" => {
                let p = self.pika();
                match p {
                    Value::Module(m) => m
                        .get("exceptions")
                        .ok_or_else(|| PyException::bare(BuiltinExc::ImportError)),
                    _ => Err(PyException::bare(BuiltinExc::ImportError)),
                }
            }
            "time" => {
                if self.time.is_none() {
                    let sleep = self.new_obj(Obj::Class("sleep"), "builtin_function_or_method");
                    let clock = self.new_obj(Obj::Class("time"), "builtin_function_or_method");
                    self.time = Some(Value::Module(Module::new(
                        "time",
                        vec![("sleep", Value::Host(sleep)), ("time", Value::Host(clock))],
                    )));
                }
                Ok(self.time.clone().unwrap_or(Value::None))
            }
            "sys" => {
                if self.sys.is_none() {
                    let exit = self.new_obj(Obj::Class("exit"), "builtin_function_or_method");
                    let stdout = self.new_obj(Obj::Stream, "TextIOWrapper");
                    let stderr = self.new_obj(Obj::Stream, "TextIOWrapper");
                    self.sys = Some(Value::Module(Module::new(
                        "sys",
                        vec![
                            ("argv", Value::list(vec![Value::str("client.py")])),
                            ("exit", Value::Host(exit)),
                            ("stdout", Value::Host(stdout)),
                            ("stderr", Value::Host(stderr)),
                        ],
                    )));
                }
                Ok(self.sys.clone().unwrap_or(Value::None))
            }
            other => Err(PyException::builtin(
                BuiltinExc::ModuleNotFoundError,
                format!("No module named '{other}'"),
            )),
        }
    }

    fn getattr(&mut self, obj: &HostRef, name: &str) -> Result<Value, PyException> {
        let Some(o) = self.objects.get(&obj.id).cloned() else {
            return Err(Self::attr_error(obj, name));
        };
        match (&o, name) {
            (Obj::Params { host, .. }, "host") => Ok(Value::str(host)),
            (Obj::Params { port, .. }, "port") => Ok(Value::Int(*port)),
            (Obj::Params { kwargs, .. }, n) => kwargs
                .iter()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.clone())
                .ok_or_else(|| Self::attr_error(obj, name)),
            (Obj::Connection { open, .. }, "is_open") => Ok(Value::Bool(*open)),
            (Obj::Connection { open, .. }, "is_closed") => Ok(Value::Bool(!*open)),
            (Obj::Channel { number, .. }, "channel_number") => Ok(Value::Int(*number)),
            (Obj::Connection { .. }, "channel" | "close" | "sleep" | "process_data_events")
            | (
                Obj::Channel { .. },
                "queue_declare" | "basic_publish" | "basic_consume" | "basic_ack" | "basic_nack"
                | "start_consuming" | "stop_consuming" | "consume" | "confirm_delivery" | "close",
            ) => Ok(Value::host_method(obj, name)),
            _ => Err(Self::attr_error(obj, name)),
        }
    }

    fn call(
        &mut self,
        obj: &HostRef,
        method: &str,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> HostResult {
        let Some(o) = self.objects.get(&obj.id).cloned() else {
            return HostResult::Raise(Self::attr_error(obj, method));
        };
        match (o, method) {
            (Obj::Class("ConnectionParameters"), "__call__") => {
                let host = match Self::arg(&args, &kwargs, 0, "host") {
                    Some(Value::Str(s)) => s.to_string(),
                    _ => "localhost".to_string(),
                };
                let port = Self::arg(&args, &kwargs, 1, "port")
                    .and_then(|v| v.as_int())
                    .unwrap_or(5672);
                let rest = kwargs
                    .into_iter()
                    .filter(|(k, _)| k != "host" && k != "port")
                    .collect();
                let r = self.new_obj(
                    Obj::Params {
                        host,
                        port,
                        kwargs: rest,
                    },
                    "ConnectionParameters",
                );
                HostResult::Return(Value::Host(r))
            }
            (Obj::Class("BlockingConnection"), "__call__") => {
                let host = match Self::arg(&args, &kwargs, 0, "parameters") {
                    Some(Value::Host(p)) => match self.objects.get(&p.id) {
                        Some(Obj::Params { host, .. }) => host.clone(),
                        _ => "localhost".into(),
                    },
                    None | Some(Value::None) => "localhost".into(),
                    Some(other) => {
                        return HostResult::Raise(PyException::builtin(
                            BuiltinExc::TypeError,
                            format!(
                                "parameters must be a ConnectionParameters, not {}",
                                other.type_name()
                            ),
                        ))
                    }
                };
                self.calls.push(format!("connect {host}"));
                if self.down.contains(&host) {
                    return HostResult::Raise(PyException::new(
                        self.connection_error.clone(),
                        &format!("AMQPConnectorSocketConnectError: ConnectionRefusedError(111, 'Connection refused') ({host}:5672)"),
                    ));
                }
                let c = self.new_obj(Obj::Connection { host, open: true }, "BlockingConnection");
                HostResult::Return(Value::Host(c))
            }
            (Obj::Class("BasicProperties"), "__call__") => {
                let r = self.new_obj(
                    Obj::Params {
                        host: String::new(),
                        port: 0,
                        kwargs,
                    },
                    "BasicProperties",
                );
                HostResult::Return(Value::Host(r))
            }
            (Obj::Class("sleep"), "__call__") => {
                let secs = match args.first().and_then(|v| v.as_f64()) {
                    Some(s) if s >= 0.0 => s,
                    Some(_) => {
                        return HostResult::Raise(PyException::builtin(
                            BuiltinExc::ValueError,
                            "sleep length must be non-negative",
                        ))
                    }
                    None => {
                        return HostResult::Raise(PyException::builtin(
                            BuiltinExc::TypeError,
                            format!(
                                "'{}' object cannot be interpreted as an integer",
                                args.first()
                                    .map(|v| v.type_name())
                                    .unwrap_or_else(|| "NoneType".into())
                            ),
                        ))
                    }
                };
                let t = self.token();
                self.sleeps.push((t, secs));
                HostResult::Suspend(t)
            }
            (Obj::Class("time"), "__call__") => HostResult::Return(Value::Float(0.0)),
            (Obj::Class("exit"), "__call__") => HostResult::Raise(PyException::with_args(
                ExcClass::Builtin(BuiltinExc::SystemExit),
                args.into_iter().take(1).collect(),
            )),
            (Obj::Stream, "write") => {
                if let Some(Value::Str(s)) = args.first() {
                    self.output.push_str(s);
                }
                HostResult::Return(Value::None)
            }
            (Obj::Connection { open, .. }, "__enter__") => {
                let _ = open;
                HostResult::Return(Value::Host(obj.clone()))
            }
            (Obj::Connection { host, .. }, "__exit__" | "close") => {
                self.calls.push(format!("close {host}"));
                self.objects
                    .insert(obj.id, Obj::Connection { host, open: false });
                HostResult::Return(Value::Bool(false))
            }
            (Obj::Connection { .. }, "channel") => {
                let number = self
                    .objects
                    .values()
                    .filter(|o| matches!(o, Obj::Channel { .. }))
                    .count() as i64
                    + 1;
                let ch = self.new_obj(
                    Obj::Channel {
                        number,
                        consumers: Vec::new(),
                        consuming: false,
                    },
                    "BlockingChannel",
                );
                HostResult::Return(Value::Host(ch))
            }
            (Obj::Connection { .. }, "sleep") => {
                let t = self.token();
                let secs = args.first().and_then(|v| v.as_f64()).unwrap_or(0.0);
                self.sleeps.push((t, secs));
                HostResult::Suspend(t)
            }
            (Obj::Connection { .. }, "process_data_events") => HostResult::Return(Value::None),
            (
                Obj::Channel {
                    number,
                    mut consumers,
                    consuming,
                },
                m,
            ) => match m {
                "queue_declare" => {
                    let q = Self::arg(&args, &kwargs, 0, "queue").unwrap_or(Value::str(""));
                    let durable = Self::arg(&args, &kwargs, 2, "durable")
                        .map(|v| v.truthy())
                        .unwrap_or(false);
                    self.calls.push(format!(
                        "queue_declare {} durable={durable}",
                        q.as_str().unwrap_or("")
                    ));
                    HostResult::Return(Value::None)
                }
                "basic_publish" => {
                    let rk = Self::arg(&args, &kwargs, 1, "routing_key").unwrap_or(Value::str(""));
                    let body = Self::arg(&args, &kwargs, 2, "body").unwrap_or(Value::None);
                    let body = match body {
                        Value::Bytes(b) => String::from_utf8_lossy(&b).to_string(),
                        Value::Str(s) => s.to_string(),
                        other => other.type_name(),
                    };
                    self.calls.push(format!(
                        "basic_publish {} {}",
                        rk.as_str().unwrap_or(""),
                        body
                    ));
                    HostResult::Return(Value::None)
                }
                "basic_consume" => {
                    let q = Self::arg(&args, &kwargs, 0, "queue")
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default();
                    let Some(cb) = Self::arg(&args, &kwargs, 1, "on_message_callback") else {
                        return HostResult::Raise(PyException::builtin(
                            BuiltinExc::TypeError,
                            "basic_consume() missing required argument 'on_message_callback'",
                        ));
                    };
                    self.calls.push(format!("basic_consume {q}"));
                    consumers.push((q.clone(), cb));
                    self.objects.insert(
                        obj.id,
                        Obj::Channel {
                            number,
                            consumers,
                            consuming,
                        },
                    );
                    HostResult::Return(Value::str(&format!("ctag1.{q}")))
                }
                "basic_ack" | "basic_nack" => {
                    let tag = Self::arg(&args, &kwargs, 0, "delivery_tag")
                        .and_then(|v| v.as_int())
                        .unwrap_or(0);
                    self.calls.push(format!("{m} {tag}"));
                    HostResult::Return(Value::None)
                }
                "start_consuming" => {
                    self.calls.push("start_consuming".into());
                    self.objects.insert(
                        obj.id,
                        Obj::Channel {
                            number,
                            consumers,
                            consuming: true,
                        },
                    );
                    HostResult::Suspend(self.token())
                }
                "stop_consuming" => {
                    self.calls.push("stop_consuming".into());
                    self.objects.insert(
                        obj.id,
                        Obj::Channel {
                            number,
                            consumers,
                            consuming: false,
                        },
                    );
                    HostResult::Return(Value::None)
                }
                "consume" => {
                    let q = Self::arg(&args, &kwargs, 0, "queue")
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default();
                    let c = self.new_obj(Obj::Consumer { queue: q }, "generator");
                    HostResult::Return(Value::Host(c))
                }
                "confirm_delivery" | "close" => {
                    self.calls.push(m.to_string());
                    HostResult::Return(Value::None)
                }
                _ => HostResult::Raise(Self::attr_error(obj, m)),
            },
            (Obj::Consumer { .. }, "__iter__") => HostResult::Return(Value::Host(obj.clone())),
            (Obj::Consumer { queue }, "__next__") => {
                self.calls.push(format!("next {queue}"));
                HostResult::Suspend(self.token())
            }
            (_, m) => HostResult::Raise(Self::attr_error(obj, m)),
        }
    }

    fn print(&mut self, text: &str) {
        self.output.push_str(text);
    }

    fn repr(&mut self, obj: &HostRef) -> String {
        match self.objects.get(&obj.id) {
            Some(Obj::Params { host, port, .. })
                if obj.type_name.as_ref() == "ConnectionParameters" =>
            {
                format!("<ConnectionParameters host={host} port={port} virtual_host=/ ssl=False>")
            }
            Some(Obj::Class(name)) => format!("<class 'pika.{name}'>"),
            _ => format!("<{} object>", obj.type_name),
        }
    }

    fn on_statement(&mut self, line: u32, _depth: usize) {
        self.statements.push(line);
    }

    fn knows_module(&self, name: &str) -> bool {
        matches!(name, "pika" | "time" | "sys")
    }
}
