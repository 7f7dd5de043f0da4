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

use crate::py::exceptions::{BuiltinExc, ExcClass, PyException};
use crate::py::host::Host;
use crate::py::value::{BoundMethod, TypeKind, Value};
use crate::py::vm::Vm;
use args::no_attr;
pub use args::Kwargs;
pub use functions::{call, iter_of};
pub use sort::sort_values;
pub use str::str_format;
pub use types::construct;

/// The built-in functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum BuiltinFn {
    Print,
    Len,
    Repr,
    Isinstance,
    Issubclass,
    Min,
    Max,
    Sum,
    Sorted,
    Enumerate,
    Zip,
    Abs,
    Round,
    Type,
    Any,
    All,
    Reversed,
    Iter,
    Next,
    Hasattr,
    Getattr,
    Callable,
    Chr,
    Ord,
    Hex,
    Oct,
    Bin,
    Divmod,
    Pow,
    Format,
    Ascii,
}

const FUNCTIONS: [(&str, BuiltinFn); 31] = [
    ("print", BuiltinFn::Print),
    ("len", BuiltinFn::Len),
    ("repr", BuiltinFn::Repr),
    ("isinstance", BuiltinFn::Isinstance),
    ("issubclass", BuiltinFn::Issubclass),
    ("min", BuiltinFn::Min),
    ("max", BuiltinFn::Max),
    ("sum", BuiltinFn::Sum),
    ("sorted", BuiltinFn::Sorted),
    ("enumerate", BuiltinFn::Enumerate),
    ("zip", BuiltinFn::Zip),
    ("abs", BuiltinFn::Abs),
    ("round", BuiltinFn::Round),
    ("type", BuiltinFn::Type),
    ("any", BuiltinFn::Any),
    ("all", BuiltinFn::All),
    ("reversed", BuiltinFn::Reversed),
    ("iter", BuiltinFn::Iter),
    ("next", BuiltinFn::Next),
    ("hasattr", BuiltinFn::Hasattr),
    ("getattr", BuiltinFn::Getattr),
    ("callable", BuiltinFn::Callable),
    ("chr", BuiltinFn::Chr),
    ("ord", BuiltinFn::Ord),
    ("hex", BuiltinFn::Hex),
    ("oct", BuiltinFn::Oct),
    ("bin", BuiltinFn::Bin),
    ("divmod", BuiltinFn::Divmod),
    ("pow", BuiltinFn::Pow),
    ("format", BuiltinFn::Format),
    ("ascii", BuiltinFn::Ascii),
];

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

impl BuiltinFn {
    /// The Python name.
    pub fn name(self) -> &'static str {
        FUNCTIONS
            .iter()
            .find(|(_, f)| *f == self)
            .map(|(n, _)| *n)
            .unwrap_or("?")
    }
}

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
    vm: &mut Vm,
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
