//! The [`Host`] implementation: imports, attribute lookup, reprs, and the dispatch of calls on
//! host objects to the binding's modules, classes, connections and channels.

use crate::py::format::repr_str;
use crate::py::{BuiltinExc, Host, HostRef, HostResult, PyException, Value};
use crate::sim::pika::host::args::{
    attr_error, bind, not_supported, opt, require_str, secs, try_raise, type_error, value_error,
};
use crate::sim::pika::host::ctx::{link_range, Ctx};
use crate::sim::pika::host::obj::{Cls, Func, Obj};
use crate::sim::pika::host::params::PARAM_FIELDS;
use crate::sim::pika::host::publish::PROP_FIELDS;
use crate::sim::pika::state::{ChanState, ConnState, Wait};

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
                    let b = try_raise!(bind(
                        &format!("BlockingConnection.{m}"),
                        &[name],
                        usize::from(m == "sleep"),
                        args,
                        kwargs,
                    ));
                    if let Err(e) = self.check_conn(ci, "process_data_events") {
                        return HostResult::Raise(e);
                    }
                    let until = match opt(&b, 0) {
                        None if m == "process_data_events" => Some(self.now()),
                        None | Some(Value::None) => None,
                        Some(v) => match v.as_f64() {
                            Some(s) if s >= 0.0 && s.is_finite() => {
                                Some(self.now() + crate::sim::limits::timer_delay(secs(s)))
                            }
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

impl Ctx<'_> {
    pub(super) fn class_call(
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
                let b = try_raise!(bind(
                    "PlainCredentials.__init__",
                    &["username", "password", "erase_on_connect"],
                    2,
                    args,
                    kwargs,
                ));
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
}
