//! Calls and attribute lookup: calling Python functions (a new frame), builtins, exception
//! classes and host objects (which may suspend the VM), `obj.name` and `import`.

use crate::py::runtime::builtins::{self, Kwargs};
use crate::py::runtime::host::{Host, HostResult};
use crate::py::runtime::object::exception::{BuiltinExc, ExcClass};
use crate::py::runtime::object::value::{PyException, Value};
use crate::py::runtime::ops::type_error;
use crate::py::runtime::vm::args::bind_args;
use crate::py::runtime::vm::frame::{Flow, Pending};
use crate::py::runtime::vm::machine::{Vm, MAX_FRAMES};

pub(super) fn attr_error(v: &Value, name: &str) -> PyException {
    PyException::builtin(
        BuiltinExc::AttributeError,
        format!("'{}' object has no attribute '{}'", v.type_name(), name),
    )
}

impl Vm {
    pub(super) fn import(&mut self, host: &mut dyn Host, name: &str) -> Result<Value, PyException> {
        if let Some((_, m)) = self.modules.iter().find(|(n, _)| n == name) {
            return Ok(m.clone());
        }
        let m = host.import(name)?;
        self.modules.push((name.to_string(), m.clone()));
        Ok(m)
    }

    /// `obj.name`.
    pub fn getattr(
        &mut self,
        host: &mut dyn Host,
        obj: &Value,
        name: &str,
    ) -> Result<Value, PyException> {
        match obj {
            Value::Host(h) => host.getattr(h, name),
            Value::Module(m) => {
                if name == "__name__" {
                    return Ok(Value::str(&m.name));
                }
                m.get(name).ok_or_else(|| {
                    PyException::builtin(
                        BuiltinExc::AttributeError,
                        format!("module '{}' has no attribute '{}'", m.name, name),
                    )
                })
            }
            Value::Exception(e) => match name {
                "args" => Ok(Value::tuple(e.args().to_vec())),
                "__class__" => Ok(Value::ExcClass(e.class().clone())),
                "__cause__" => Ok(e
                    .0
                    .cause
                    .borrow()
                    .clone()
                    .map(Value::Exception)
                    .unwrap_or(Value::None)),
                "__context__" => Ok(e
                    .0
                    .context
                    .borrow()
                    .clone()
                    .map(Value::Exception)
                    .unwrap_or(Value::None)),
                _ => e.attr(name).ok_or_else(|| attr_error(obj, name)),
            },
            Value::ExcClass(c) => match name {
                "__name__" | "__qualname__" => Ok(Value::str(c.name())),
                "__module__" => Ok(Value::str(match c {
                    ExcClass::Builtin(_) => "builtins",
                    ExcClass::Host(h) => &h.module,
                })),
                _ => Err(PyException::builtin(
                    BuiltinExc::AttributeError,
                    format!("type object '{}' has no attribute '{}'", c.name(), name),
                )),
            },
            Value::Type(t) => match name {
                "__name__" | "__qualname__" => Ok(Value::str(t.name())),
                _ => Err(PyException::builtin(
                    BuiltinExc::AttributeError,
                    format!("type object '{}' has no attribute '{}'", t.name(), name),
                )),
            },
            Value::Function(f) => match name {
                "__name__" => Ok(Value::Str(f.code.name.clone())),
                "__qualname__" => Ok(Value::Str(f.code.qualname.clone())),
                _ => Err(attr_error(obj, name)),
            },
            Value::Builtin(b) if name == "__name__" => Ok(Value::str(b.name())),
            Value::Float(f) if name == "real" => Ok(Value::Float(*f)),
            Value::Float(_) if name == "imag" => Ok(Value::Float(0.0)),
            Value::Int(_) | Value::Bool(_) if name == "real" || name == "numerator" => {
                Ok(Value::Int(obj.as_int().unwrap_or(0)))
            }
            Value::Int(_) | Value::Bool(_) if name == "imag" => Ok(Value::Int(0)),
            Value::Int(_) | Value::Bool(_) if name == "denominator" => Ok(Value::Int(1)),
            Value::Range(r) => match name {
                "start" => Ok(Value::Int(r.start)),
                "stop" => Ok(Value::Int(r.stop)),
                "step" => Ok(Value::Int(r.step)),
                _ if builtins::has_method(obj, name) => Ok(builtins::bound_method(obj, name)),
                _ => Err(attr_error(obj, name)),
            },
            _ if builtins::has_method(obj, name) => Ok(builtins::bound_method(obj, name)),
            _ => Err(attr_error(obj, name)),
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn host_call(
        &mut self,
        host: &mut dyn Host,
        h: &crate::py::runtime::object::value::HostRef,
        method: &str,
        args: Vec<Value>,
        kwargs: Kwargs,
        for_exit: Option<usize>,
        enumerate: Option<i64>,
    ) -> Result<Flow, PyException> {
        let kwargs = kwargs
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        match host.call(h, method, args, kwargs) {
            HostResult::Return(v) => {
                let v = match enumerate {
                    Some(c) => Value::tuple(vec![Value::Int(c), v]),
                    None => v,
                };
                self.push(v);
                Ok(Flow::Next)
            }
            HostResult::Raise(e) => match for_exit {
                Some(t) if e.is(BuiltinExc::StopIteration) => {
                    self.pop();
                    self.frame().pc = t;
                    Ok(Flow::Next)
                }
                _ => Err(e),
            },
            HostResult::Suspend(token) => {
                self.act().pending = Some(Pending {
                    token,
                    for_exit,
                    enumerate,
                });
                Ok(Flow::Suspend(token))
            }
        }
    }

    pub(super) fn call_method(
        &mut self,
        host: &mut dyn Host,
        obj: Value,
        name: &str,
        args: Vec<Value>,
        kwargs: Kwargs,
    ) -> Result<Flow, PyException> {
        match &obj {
            Value::Host(h) => self.host_call(host, h, name, args, kwargs, None, None),
            _ if builtins::has_method(&obj, name) => {
                let v = builtins::call_method(self, host, &obj, name, args, kwargs)?;
                self.push(v);
                Ok(Flow::Next)
            }
            _ => {
                if (name == "__enter__" || name == "__exit__") && !matches!(obj, Value::Module(_)) {
                    return Err(type_error(format!(
                        "'{}' object does not support the context manager protocol",
                        obj.type_name()
                    )));
                }
                let f = self.getattr(host, &obj, name)?;
                self.call_value(host, f, args, kwargs)
            }
        }
    }

    pub(super) fn call_value(
        &mut self,
        host: &mut dyn Host,
        f: Value,
        args: Vec<Value>,
        kwargs: Kwargs,
    ) -> Result<Flow, PyException> {
        match f {
            Value::Function(func) => {
                let frames: usize = self.acts.iter().map(|a| a.frames.len()).sum();
                if frames >= MAX_FRAMES {
                    return Err(PyException::builtin(
                        BuiltinExc::RecursionError,
                        "maximum recursion depth exceeded",
                    ));
                }
                let (locals, cells) = bind_args(&func, args, kwargs)?;
                let frame = self.new_frame(func.code.clone(), locals, cells);
                self.act().frames.push(frame);
                Ok(Flow::Next)
            }
            Value::Builtin(b) => {
                let v = builtins::call(self, host, b, args, kwargs)?;
                self.push(v);
                Ok(Flow::Next)
            }
            Value::Type(t) => {
                let v = builtins::construct(host, t, args, kwargs)?;
                self.push(v);
                Ok(Flow::Next)
            }
            Value::ExcClass(c) => {
                if !kwargs.is_empty() {
                    return Err(type_error(format!(
                        "{}() takes no keyword arguments",
                        c.name()
                    )));
                }
                self.push(Value::Exception(PyException::with_args(c, args)));
                Ok(Flow::Next)
            }
            Value::Method(m) => {
                let v = builtins::call_method(self, host, &m.receiver, &m.name, args, kwargs)?;
                self.push(v);
                Ok(Flow::Next)
            }
            Value::Host(h) => self.host_call(host, &h, "__call__", args, kwargs, None, None),
            Value::HostMethod(m) => {
                let (h, name) = (&m.0, m.1.clone());
                self.host_call(host, h, &name, args, kwargs, None, None)
            }
            other => Err(type_error(format!(
                "'{}' object is not callable",
                other.type_name()
            ))),
        }
    }
}
