//! Built-in functions, built-in types used as constructors, and methods of built-in values.

mod args;
mod bytes;
mod codec;
mod dict;
mod functions;
mod list;
mod sort;
mod str;
mod tuple;
mod types;

use std::rc::Rc;

use crate::py::runtime::object::exception::{BuiltinExc, ExcClass};

use crate::py::runtime::host::Host;
use crate::py::runtime::interp::Interp;
use crate::py::runtime::object::builtin_fn::FUNCTIONS;
use crate::py::runtime::object::value::{BoundMethod, PyException, TypeKind, Value};
use args::no_attr;
pub use args::Kwargs;
pub use functions::{call, iter_of};
pub use sort::sort_values;
pub use str::str_format;
pub use types::construct;

const TYPES: [(&str, TypeKind); 9] = [
    ("int", TypeKind::Int),
    ("float", TypeKind::Float),
    ("str", TypeKind::Str),
    ("bool", TypeKind::Bool),
    ("list", TypeKind::List),
    ("dict", TypeKind::Dict),
    ("tuple", TypeKind::Tuple),
    ("bytes", TypeKind::Bytes),
    ("range", TypeKind::Range),
];

/// Python builtins this subset deliberately lacks: a `NameError` for them says so.
pub const UNSUPPORTED: [&str; 27] = [
    "set",
    "frozenset",
    "map",
    "filter",
    "open",
    "input",
    "super",
    "object",
    "property",
    "classmethod",
    "staticmethod",
    "globals",
    "locals",
    "exec",
    "eval",
    "compile",
    "__import__",
    "vars",
    "dir",
    "id",
    "hash",
    "bytearray",
    "memoryview",
    "complex",
    "slice",
    "setattr",
    "delattr",
];

/// The builtin bound to a name, if any.
pub fn lookup(name: &str) -> Option<Value> {
    if let Some((_, f)) = FUNCTIONS.iter().find(|(n, _)| *n == name) {
        return Some(Value::Builtin(*f));
    }
    if let Some((_, t)) = TYPES.iter().find(|(n, _)| *n == name) {
        return Some(Value::Type(*t));
    }
    BuiltinExc::from_name(name).map(|b| Value::ExcClass(ExcClass::Builtin(b)))
}

/// Names of all builtins (for "Did you mean" suggestions).
pub fn names() -> impl Iterator<Item = &'static str> {
    FUNCTIONS
        .iter()
        .map(|(n, _)| *n)
        .chain(TYPES.iter().map(|(n, _)| *n))
        .chain(BuiltinExc::ALL.iter().map(|b| b.name()))
}

/// Whether a built-in value has a method of this name.
pub fn has_method(v: &Value, name: &str) -> bool {
    match v {
        Value::Str(_) => str::STR_METHODS.contains(&name),
        Value::Bytes(_) => bytes::BYTES_METHODS.contains(&name),
        Value::List(_) => list::LIST_METHODS.contains(&name),
        Value::Dict(_) => dict::DICT_METHODS.contains(&name),
        Value::Tuple(_) => tuple::TUPLE_METHODS.contains(&name),
        Value::Float(_) => name == "is_integer",
        Value::Int(_) => name == "bit_length",
        Value::Range(_) => tuple::TUPLE_METHODS.contains(&name),
        _ => false,
    }
}

/// A bound method value (`"-".join` without calling it).
pub fn bound_method(v: &Value, name: &str) -> Value {
    Value::Method(Rc::new(BoundMethod {
        receiver: v.clone(),
        name: Rc::from(name),
    }))
}

/// Calls a method of a built-in value.
pub fn call_method(
    vm: &mut dyn Interp,
    host: &mut dyn Host,
    recv: &Value,
    name: &str,
    args: Vec<Value>,
    kwargs: Kwargs,
) -> Result<Value, PyException> {
    match recv {
        Value::Str(s) => str::str_method(vm, host, s, name, args, kwargs),
        Value::Bytes(b) => bytes::call_method(recv, b, name, args, kwargs),
        Value::List(l) => list::call_method(vm, host, recv, l, name, args, kwargs),
        Value::Dict(d) => dict::call_method(host, recv, d, name, args, kwargs),
        Value::Tuple(_) | Value::Range(_) => tuple::call_method(host, recv, name, args),
        Value::Float(f) if name == "is_integer" => {
            Ok(Value::Bool(f.is_finite() && f.fract() == 0.0))
        }
        Value::Int(i) if name == "bit_length" => {
            Ok(Value::Int(64 - i.unsigned_abs().leading_zeros() as i64))
        }
        _ => Err(no_attr(recv, name)),
    }
}
