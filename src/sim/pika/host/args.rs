//! Argument handling shared by every host call: binding positional and keyword arguments with
//! CPython's messages, pika's validators, the builtin exceptions the binding raises, and Python
//! values as queue-argument tables.

use crate::erl::json::Json;
use crate::py::{BuiltinExc, HostRef, PyException, Value};
use crate::sim::time::Micros;

/// The value of a `Result`, or (from the enclosing host call) the Python exception it holds.
macro_rules! try_raise {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return HostResult::Raise(e),
        }
    };
}
pub(super) use try_raise;

pub(super) fn type_error(msg: impl AsRef<str>) -> PyException {
    PyException::builtin(BuiltinExc::TypeError, msg)
}

pub(super) fn value_error(msg: impl AsRef<str>) -> PyException {
    PyException::builtin(BuiltinExc::ValueError, msg)
}

pub(super) fn attr_error(obj: &HostRef, name: &str) -> PyException {
    PyException::builtin(
        BuiltinExc::AttributeError,
        format!("'{}' object has no attribute '{}'", obj.type_name, name),
    )
}

pub(super) fn not_supported(what: &str, why: &str) -> PyException {
    PyException::builtin(
        BuiltinExc::NotImplementedError,
        format!("{what} is not supported by the mirrorscope simulator: {why}"),
    )
}

/// Binds positional and keyword arguments to parameter names, with CPython's messages.
pub(super) fn bind(
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

pub(super) fn opt(v: &[Option<Value>], i: usize) -> Option<&Value> {
    v.get(i).and_then(|x| x.as_ref())
}

pub(super) fn truthy(v: &[Option<Value>], i: usize, default: bool) -> bool {
    opt(v, i).map_or(default, |x| x.truthy())
}

/// pika's `validators.require_string`.
pub(super) fn require_str(v: Option<&Value>, name: &str) -> Result<String, PyException> {
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

pub(super) fn int_arg(v: Option<&Value>, name: &str, default: i64) -> Result<i64, PyException> {
    match v {
        None | Some(Value::None) => Ok(default),
        Some(x) => x
            .as_int()
            .ok_or_else(|| type_error(format!("{name} must be an int, but got {}", x.type_name()))),
    }
}

/// A Python value as a queue argument (`arguments={'x-cancel-on-ha-failover': True}`).
pub(super) fn to_json(v: &Value, depth: usize) -> Json {
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

pub(super) fn table_arg(v: Option<&Value>, name: &str) -> Result<Vec<(String, Json)>, PyException> {
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
pub(super) fn secs(s: f64) -> Micros {
    Micros((s * 1_000_000.0).round().clamp(0.0, 1e15) as u64)
}
