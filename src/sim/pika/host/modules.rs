//! The modules a script can import besides `pika`'s classes: the module objects themselves
//! (`pika`, `pika.exceptions`, `pika.spec`, `pika.exchange_type`, `time`, `os`, `sys`, `json`, `socket`) and the plain
//! functions they hold (`time.sleep`, `sys.exit`, `json.dumps`…).

use crate::py::format::float_repr;
use crate::py::stdlib::json as pyjson;
use crate::py::{BuiltinExc, ExcClass, HostResult, Module, PyException, Reply, Value};
use crate::sim::pika::exc::socket_module;
use crate::sim::pika::host::args::{bind, opt, secs, try_raise, type_error, value_error};
use crate::sim::pika::host::ctx::Ctx;
use crate::sim::pika::host::obj::{Cls, Func, Obj};
use crate::sim::pika::state::Wait;

/// The pika version the binding follows (pika's `__version__`).
pub const PIKA_VERSION: &str = "1.3.2";

impl Ctx<'_> {
    pub(super) fn module(&mut self, name: &str) -> Option<Value> {
        if let Some((_, m)) = self.st.modules.iter().find(|(n, _)| n == name) {
            return Some(m.clone());
        }
        let m = match name {
            "pika" => {
                let exceptions = self.module("pika.exceptions")?;
                let spec = self.module("pika.spec")?;
                let exchange_type = self.module("pika.exchange_type")?;
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
                        ("exchange_type", exchange_type),
                        ("__version__", Value::str(PIKA_VERSION)),
                    ],
                ))
            }
            "pika.exceptions" => self.st.exc.module(),
            // `ExchangeType` is a string enum (`StrEnum` on Python 3.11): its members are the
            // type names, which is what `exchange_declare` sends.
            "pika.exchange_type" => Value::Module(Module::new(
                "pika.exchange_type",
                vec![(
                    "ExchangeType",
                    Value::Module(Module::new(
                        "pika.exchange_type.ExchangeType",
                        ["direct", "fanout", "headers", "topic"]
                            .iter()
                            .map(|t| (*t, Value::str(t)))
                            .collect(),
                    )),
                )],
            )),
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
                            Value::list(self.st.argv.iter().map(|a| Value::str(a)).collect()),
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
            // The tutorials' `os._exit(0)` after a KeyboardInterrupt (which never comes here).
            "os" => {
                let exit = self.new_obj(Obj::Func(Func::Exit), "builtin_function_or_method");
                Value::Module(Module::new("os", vec![("_exit", exit)]))
            }
            _ => return None,
        };
        self.st.modules.push((name.to_string(), m.clone()));
        Some(m)
    }

    pub(super) fn func_call(
        &mut self,
        f: Func,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> HostResult {
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
                let at = self.now() + crate::sim::limits::timer_delay(secs(s));
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
}
