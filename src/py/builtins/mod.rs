//! Built-in functions, built-in types used as constructors, and methods of built-in values.

use std::rc::Rc;

use crate::py::exceptions::{BuiltinExc, ExcClass, PyException};
use crate::py::format::{self, format_value, repr, to_str};
use crate::py::front::ast::CmpOp;
use crate::py::host::Host;
use crate::py::ops::{
    self, collect, host_call_sync, make_iter, memory_error, next_item, type_error, value_error,
    Next, MAX_LEN,
};
use crate::py::value::{equals, BoundMethod, Dict, IterState, RangeObj, TypeKind, Value, ViewKind};
use crate::py::vm::Vm;

/// Keyword arguments as the VM passes them.
pub type Kwargs = Vec<(Rc<str>, Value)>;

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

fn no_kwargs(name: &str, kwargs: &Kwargs) -> Result<(), PyException> {
    if kwargs.is_empty() {
        Ok(())
    } else {
        Err(type_error(format!("{name}() takes no keyword arguments")))
    }
}

fn take_kw(kwargs: &mut Kwargs, name: &str) -> Option<Value> {
    let i = kwargs.iter().position(|(k, _)| &**k == name)?;
    Some(kwargs.remove(i).1)
}

fn only_kw(fname: &str, kwargs: &Kwargs) -> Result<(), PyException> {
    match kwargs.first() {
        Some((k, _)) => Err(type_error(format!(
            "'{k}' is an invalid keyword argument for {fname}()"
        ))),
        None => Ok(()),
    }
}

fn exactly_one(name: &str, args: &[Value]) -> Result<Value, PyException> {
    if args.len() != 1 {
        return Err(type_error(format!(
            "{name}() takes exactly one argument ({} given)",
            args.len()
        )));
    }
    Ok(args[0].clone())
}

fn arg_range(name: &str, args: &[Value], min: usize, max: usize) -> Result<(), PyException> {
    if args.len() < min {
        return Err(type_error(if min == 1 {
            format!("{name} expected at least 1 argument, got {}", args.len())
        } else {
            format!(
                "{name} expected at least {min} arguments, got {}",
                args.len()
            )
        }));
    }
    if args.len() > max {
        return Err(type_error(if max == 1 {
            format!("{name} expected at most 1 argument, got {}", args.len())
        } else {
            format!(
                "{name} expected at most {max} arguments, got {}",
                args.len()
            )
        }));
    }
    Ok(())
}

fn int_arg(v: &Value) -> Result<i64, PyException> {
    v.as_int().ok_or_else(|| {
        type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            v.type_name()
        ))
    })
}

fn str_arg<'a>(what: &str, v: &'a Value) -> Result<&'a str, PyException> {
    v.as_str()
        .ok_or_else(|| type_error(format!("{what} must be str, not {}", v.type_name())))
}

/// Whether `v` is an instance of the type `t`.
fn is_instance_of_type(v: &Value, t: TypeKind) -> bool {
    matches!(
        (v, t),
        (Value::Int(_) | Value::Bool(_), TypeKind::Int)
            | (Value::Bool(_), TypeKind::Bool)
            | (Value::Float(_), TypeKind::Float)
            | (Value::Str(_), TypeKind::Str)
            | (Value::Bytes(_), TypeKind::Bytes)
            | (Value::List(_), TypeKind::List)
            | (Value::Tuple(_), TypeKind::Tuple)
            | (Value::Dict(_), TypeKind::Dict)
            | (Value::Range(_), TypeKind::Range)
            | (Value::None, TypeKind::NoneType)
            | (Value::Function(_), TypeKind::Function)
            | (Value::Module(_), TypeKind::Module)
            | (_, TypeKind::Object)
    )
}

fn isinstance(
    host: &mut dyn Host,
    v: &Value,
    cls: &Value,
    depth: usize,
) -> Result<bool, PyException> {
    if depth > 50 {
        return Err(crate::py::value::recursion_error());
    }
    match cls {
        Value::Type(t) => Ok(is_instance_of_type(v, *t)),
        Value::ExcClass(c) => Ok(matches!(v, Value::Exception(e) if e.class().is_subclass_of(c))),
        Value::Tuple(t) => {
            for c in &t.items {
                if isinstance(host, v, c, depth + 1)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Value::Host(h) => {
            Ok(host_call_sync(host, h, "__instancecheck__", vec![v.clone()])?.truthy())
        }
        _ => Err(type_error(
            "isinstance() arg 2 must be a type, a tuple of types, or a union",
        )),
    }
}

/// Stable merge sort with a fallible "less than" (Rust's own sorts may panic when the order
/// is not total, which Python values like NaN or mixed types can produce).
fn merge_sort<T: Clone>(
    items: Vec<T>,
    less: &mut dyn FnMut(&T, &T) -> Result<bool, PyException>,
) -> Result<Vec<T>, PyException> {
    let n = items.len();
    let mut src = items;
    let mut width = 1;
    while width < n {
        let mut dst = Vec::with_capacity(n);
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j) = (lo, mid);
            while i < mid && j < hi {
                if less(&src[j], &src[i])? {
                    dst.push(src[j].clone());
                    j += 1;
                } else {
                    dst.push(src[i].clone());
                    i += 1;
                }
            }
            dst.extend_from_slice(&src[i..mid]);
            dst.extend_from_slice(&src[j..hi]);
            lo = hi;
        }
        src = dst;
        width *= 2;
    }
    Ok(src)
}

/// Sorts values as `sorted(items, key=key, reverse=reverse)` does.
pub fn sort_values(
    vm: &mut Vm,
    host: &mut dyn Host,
    items: Vec<Value>,
    key: Option<Value>,
    reverse: bool,
) -> Result<Vec<Value>, PyException> {
    let keyed: Vec<(Value, Value)> = match key {
        Some(k) if !matches!(k, Value::None) => {
            let mut out = Vec::with_capacity(items.len());
            for v in items {
                out.push((vm.call_sync(host, &k, vec![v.clone()])?, v));
            }
            out
        }
        _ => items.into_iter().map(|v| (v.clone(), v)).collect(),
    };
    // Reverse sorting keeps stability by reversing, sorting, reversing back (as CPython).
    let mut keyed = keyed;
    if reverse {
        keyed.reverse();
    }
    let mut sorted = merge_sort(keyed, &mut |a: &(Value, Value), b: &(Value, Value)| {
        ops::compare(CmpOp::Lt, &a.0, &b.0)
    })?;
    if reverse {
        sorted.reverse();
    }
    Ok(sorted.into_iter().map(|(_, v)| v).collect())
}

fn min_max(
    vm: &mut Vm,
    host: &mut dyn Host,
    name: &str,
    args: Vec<Value>,
    mut kwargs: Kwargs,
    want_max: bool,
) -> Result<Value, PyException> {
    let key = take_kw(&mut kwargs, "key").filter(|k| !matches!(k, Value::None));
    let default = take_kw(&mut kwargs, "default");
    only_kw(name, &kwargs)?;
    let items = match args.len() {
        0 => {
            return Err(type_error(format!(
                "{name} expected at least 1 argument, got 0"
            )))
        }
        1 => collect(host, &args[0])?,
        _ => {
            if default.is_some() {
                return Err(type_error(format!(
                    "Cannot specify a default for {name}() with multiple positional arguments"
                )));
            }
            args
        }
    };
    let mut best: Option<(Value, Value)> = None;
    for v in items {
        let k = match &key {
            Some(f) => vm.call_sync(host, f, vec![v.clone()])?,
            None => v.clone(),
        };
        best = Some(match best {
            None => (k, v),
            Some((bk, bv)) => {
                let better = if want_max {
                    ops::compare(CmpOp::Gt, &k, &bk)?
                } else {
                    ops::compare(CmpOp::Lt, &k, &bk)?
                };
                if better {
                    (k, v)
                } else {
                    (bk, bv)
                }
            }
        });
    }
    match (best, default) {
        (Some((_, v)), _) => Ok(v),
        (None, Some(d)) => Ok(d),
        (None, None) => Err(value_error(format!("{name}() arg is an empty sequence"))),
    }
}

fn round_float(x: f64, nd: i64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    if nd >= 0 {
        let nd = nd.min(330) as usize;
        format!("{:.*}", nd, x).parse().unwrap_or(x)
    } else {
        let p = 10f64.powi((-nd).min(330) as i32);
        let y = (x / p).round_ties_even() * p;
        if y.is_finite() {
            y
        } else {
            0.0
        }
    }
}

/// Calls a built-in function.
pub fn call(
    vm: &mut Vm,
    host: &mut dyn Host,
    f: BuiltinFn,
    args: Vec<Value>,
    mut kwargs: Kwargs,
) -> Result<Value, PyException> {
    use BuiltinFn as B;
    let name = f.name();
    match f {
        B::Print => {
            let sep = match take_kw(&mut kwargs, "sep") {
                None | Some(Value::None) => " ".to_string(),
                Some(Value::Str(s)) => s.to_string(),
                Some(o) => {
                    return Err(type_error(format!(
                        "sep must be None or a string, not {}",
                        o.type_name()
                    )))
                }
            };
            let end = match take_kw(&mut kwargs, "end") {
                None | Some(Value::None) => "\n".to_string(),
                Some(Value::Str(s)) => s.to_string(),
                Some(o) => {
                    return Err(type_error(format!(
                        "end must be None or a string, not {}",
                        o.type_name()
                    )))
                }
            };
            let file = take_kw(&mut kwargs, "file");
            let _flush = take_kw(&mut kwargs, "flush");
            only_kw(name, &kwargs)?;
            let mut text = String::new();
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    text.push_str(&sep);
                }
                text.push_str(&to_str(host, a)?);
            }
            text.push_str(&end);
            match file {
                None | Some(Value::None) => host.print(&text),
                Some(Value::Host(h)) => {
                    host_call_sync(host, &h, "write", vec![Value::str(&text)])?;
                }
                Some(other) => {
                    return Err(PyException::builtin(
                        BuiltinExc::AttributeError,
                        format!("'{}' object has no attribute 'write'", other.type_name()),
                    ))
                }
            }
            Ok(Value::None)
        }
        B::Len => {
            no_kwargs(name, &kwargs)?;
            let v = exactly_one(name, &args)?;
            let n = match &v {
                Value::Str(s) => s.chars().count(),
                Value::Bytes(b) => b.len(),
                Value::List(l) => l.items.borrow().len(),
                Value::Tuple(t) => t.items.len(),
                Value::Dict(d) => d.map.borrow().len(),
                Value::DictView(d) => d.0.map.borrow().len(),
                Value::Range(r) => r.len() as usize,
                Value::Host(h) => return host_call_sync(host, h, "__len__", Vec::new()),
                other => {
                    return Err(type_error(format!(
                        "object of type '{}' has no len()",
                        other.type_name()
                    )))
                }
            };
            Ok(Value::Int(n as i64))
        }
        B::Repr => {
            no_kwargs(name, &kwargs)?;
            Ok(Value::str(&repr(host, &exactly_one(name, &args)?)?))
        }
        B::Ascii => {
            no_kwargs(name, &kwargs)?;
            Ok(Value::str(&format::ascii(
                host,
                &exactly_one(name, &args)?,
            )?))
        }
        B::Isinstance => {
            no_kwargs(name, &kwargs)?;
            if args.len() != 2 {
                return Err(type_error(format!(
                    "isinstance expected 2 arguments, got {}",
                    args.len()
                )));
            }
            Ok(Value::Bool(isinstance(host, &args[0], &args[1], 0)?))
        }
        B::Issubclass => {
            no_kwargs(name, &kwargs)?;
            if args.len() != 2 {
                return Err(type_error(format!(
                    "issubclass expected 2 arguments, got {}",
                    args.len()
                )));
            }
            let classes: Vec<Value> = match &args[1] {
                Value::Tuple(t) => t.items.clone(),
                other => vec![other.clone()],
            };
            for c in classes {
                let r = match (&args[0], &c) {
                    (Value::ExcClass(a), Value::ExcClass(b)) => a.is_subclass_of(b),
                    (Value::Type(a), Value::Type(b)) => {
                        a == b
                            || (*a == TypeKind::Bool && *b == TypeKind::Int)
                            || *b == TypeKind::Object
                    }
                    (Value::ExcClass(_), Value::Type(TypeKind::Object)) => true,
                    (Value::Type(_) | Value::ExcClass(_), Value::Type(_) | Value::ExcClass(_)) => {
                        false
                    }
                    (Value::Type(_) | Value::ExcClass(_), _) => {
                        return Err(type_error(
                            "issubclass() arg 2 must be a class, a tuple of classes, or a union",
                        ))
                    }
                    _ => return Err(type_error("issubclass() arg 1 must be a class")),
                };
                if r {
                    return Ok(Value::Bool(true));
                }
            }
            Ok(Value::Bool(false))
        }
        B::Min => min_max(vm, host, name, args, kwargs, false),
        B::Max => min_max(vm, host, name, args, kwargs, true),
        B::Sum => {
            let start = take_kw(&mut kwargs, "start");
            only_kw(name, &kwargs)?;
            arg_range(name, &args, 1, 2)?;
            let mut acc = args.get(1).cloned().or(start).unwrap_or(Value::Int(0));
            if matches!(acc, Value::Str(_)) {
                return Err(type_error(
                    "sum() can't sum strings [use ''.join(seq) instead]",
                ));
            }
            if let (Value::Range(r), Some(a)) = (&args[0], acc.as_int()) {
                // Closed form: summing a huge range must not walk it.
                let n = r.len() as i128;
                let total = n * r.start as i128 + r.step as i128 * n * (n - 1) / 2 + a as i128;
                return i64::try_from(total)
                    .map(Value::Int)
                    .map_err(|_| ops::overflow());
            }
            for v in collect(host, &args[0])? {
                acc = ops::binary(host, crate::py::front::ast::BinOp::Add, &acc, &v)?;
            }
            Ok(acc)
        }
        B::Sorted => {
            let key = take_kw(&mut kwargs, "key");
            let reverse = take_kw(&mut kwargs, "reverse")
                .map(|v| v.truthy())
                .unwrap_or(false);
            only_kw(name, &kwargs)?;
            if args.len() != 1 {
                return Err(type_error(format!(
                    "sorted expected 1 argument, got {}",
                    args.len()
                )));
            }
            let items = collect(host, &args[0])?;
            Ok(Value::list(sort_values(vm, host, items, key, reverse)?))
        }
        B::Enumerate => {
            let start = take_kw(&mut kwargs, "start");
            only_kw(name, &kwargs)?;
            arg_range(name, &args, 1, 2)?;
            let start = match args.get(1).cloned().or(start) {
                Some(v) => int_arg(&v)?,
                None => 0,
            };
            let inner = iter_of(host, &args[0])?;
            Ok(Value::Iter(Rc::new(std::cell::RefCell::new(
                IterState::Enumerate {
                    inner,
                    count: start,
                },
            ))))
        }
        B::Zip => {
            let _strict = take_kw(&mut kwargs, "strict");
            only_kw(name, &kwargs)?;
            let mut inners = Vec::new();
            for a in &args {
                inners.push(iter_of(host, a)?);
            }
            Ok(Value::Iter(Rc::new(std::cell::RefCell::new(
                IterState::Zip(inners),
            ))))
        }
        B::Abs => {
            no_kwargs(name, &kwargs)?;
            let v = exactly_one(name, &args)?;
            match v {
                Value::Int(_) | Value::Bool(_) => Ok(Value::Int(
                    v.as_int()
                        .unwrap_or(0)
                        .checked_abs()
                        .ok_or_else(ops::overflow)?,
                )),
                Value::Float(f) => Ok(Value::Float(f.abs())),
                other => Err(type_error(format!(
                    "bad operand type for abs(): '{}'",
                    other.type_name()
                ))),
            }
        }
        B::Round => {
            let nd = take_kw(&mut kwargs, "ndigits");
            only_kw(name, &kwargs)?;
            arg_range(name, &args, 1, 2)?;
            let nd = args
                .get(1)
                .cloned()
                .or(nd)
                .filter(|v| !matches!(v, Value::None));
            match (&args[0], nd) {
                (Value::Float(f), None) => {
                    if f.is_nan() {
                        return Err(value_error("cannot convert float NaN to integer"));
                    }
                    if f.is_infinite() {
                        return Err(PyException::builtin(
                            BuiltinExc::OverflowError,
                            "cannot convert float infinity to integer",
                        ));
                    }
                    let r = f.round_ties_even();
                    if r.abs() >= 9.2e18 {
                        return Err(ops::overflow());
                    }
                    Ok(Value::Int(r as i64))
                }
                (Value::Float(f), Some(n)) => Ok(Value::Float(round_float(*f, int_arg(&n)?))),
                (Value::Int(_) | Value::Bool(_), None) => {
                    Ok(Value::Int(args[0].as_int().unwrap_or(0)))
                }
                (Value::Int(_) | Value::Bool(_), Some(n)) => {
                    let i = args[0].as_int().unwrap_or(0);
                    let n = int_arg(&n)?;
                    if n >= 0 {
                        return Ok(Value::Int(i));
                    }
                    if n < -18 {
                        return Ok(Value::Int(0));
                    }
                    let p = 10i64.pow((-n) as u32);
                    let (q, r) = ops::int_divmod(i, p)?;
                    let twice = r * 2;
                    let q = if twice > p || (twice == p && q % 2 != 0) {
                        q + 1
                    } else {
                        q
                    };
                    Ok(Value::Int(q.checked_mul(p).ok_or_else(ops::overflow)?))
                }
                (other, _) => Err(type_error(format!(
                    "type {} doesn't define __round__ method",
                    other.type_name()
                ))),
            }
        }
        B::Type => {
            no_kwargs(name, &kwargs)?;
            if args.len() != 1 {
                return Err(type_error(
                    "type() takes 1 argument in the mirrorscope Python subset",
                ));
            }
            Ok(match &args[0] {
                Value::None => Value::Type(TypeKind::NoneType),
                Value::Bool(_) => Value::Type(TypeKind::Bool),
                Value::Int(_) => Value::Type(TypeKind::Int),
                Value::Float(_) => Value::Type(TypeKind::Float),
                Value::Str(_) => Value::Type(TypeKind::Str),
                Value::Bytes(_) => Value::Type(TypeKind::Bytes),
                Value::List(_) => Value::Type(TypeKind::List),
                Value::Tuple(_) => Value::Type(TypeKind::Tuple),
                Value::Dict(_) => Value::Type(TypeKind::Dict),
                Value::Range(_) => Value::Type(TypeKind::Range),
                Value::Function(_) => Value::Type(TypeKind::Function),
                Value::Module(_) => Value::Type(TypeKind::Module),
                Value::Exception(e) => Value::ExcClass(e.class().clone()),
                Value::Host(h) => host.getattr(h, "__class__")?,
                _ => Value::Type(TypeKind::Object),
            })
        }
        B::Any | B::All => {
            no_kwargs(name, &kwargs)?;
            let v = exactly_one(name, &args)?;
            let want = f == B::Any;
            for x in collect(host, &v)? {
                if x.truthy() == want {
                    return Ok(Value::Bool(want));
                }
            }
            Ok(Value::Bool(!want))
        }
        B::Reversed => {
            no_kwargs(name, &kwargs)?;
            let v = exactly_one(name, &args)?;
            let remaining = match &v {
                Value::List(l) => l.items.borrow().len(),
                Value::Tuple(t) => t.items.len(),
                Value::Str(s) => s.chars().count(),
                Value::Bytes(b) => b.len(),
                Value::Range(r) => r.len() as usize,
                Value::Dict(_) | Value::DictView(_) => {
                    let mut items = collect(host, &v)?;
                    items.reverse();
                    return make_iter(&Value::list(items)).map(|o| o.unwrap_or(Value::None));
                }
                other => {
                    return Err(type_error(format!(
                        "'{}' object is not reversible",
                        other.type_name()
                    )))
                }
            };
            Ok(Value::Iter(Rc::new(std::cell::RefCell::new(
                IterState::Reversed { seq: v, remaining },
            ))))
        }
        B::Iter => {
            no_kwargs(name, &kwargs)?;
            iter_of(host, &exactly_one(name, &args)?)
        }
        B::Next => {
            no_kwargs(name, &kwargs)?;
            arg_range(name, &args, 1, 2)?;
            let r = match next_item(&args[0])? {
                Next::Item(v) => Some(v),
                Next::Done => None,
                Next::Host(h, count) => match host.call(&h, "__next__", Vec::new(), Vec::new()) {
                    crate::py::host::HostResult::Return(v) => Some(match count {
                        Some(c) => Value::tuple(vec![Value::Int(c), v]),
                        None => v,
                    }),
                    crate::py::host::HostResult::Raise(e) if e.is(BuiltinExc::StopIteration) => {
                        None
                    }
                    crate::py::host::HostResult::Raise(e) => return Err(e),
                    crate::py::host::HostResult::Suspend(_) => return Err(PyException::builtin(
                        BuiltinExc::RuntimeError,
                        "next() cannot wait for the simulation (use a for loop over the iterator)",
                    )),
                },
            };
            match (r, args.get(1)) {
                (Some(v), _) => Ok(v),
                (None, Some(d)) => Ok(d.clone()),
                (None, None) => Err(PyException::bare(BuiltinExc::StopIteration)),
            }
        }
        B::Hasattr => {
            no_kwargs(name, &kwargs)?;
            if args.len() != 2 {
                return Err(type_error(format!(
                    "hasattr expected 2 arguments, got {}",
                    args.len()
                )));
            }
            let n = str_arg("attribute name", &args[1])?.to_string();
            match vm.getattr(host, &args[0], &n) {
                Ok(_) => Ok(Value::Bool(true)),
                Err(e) if e.is(BuiltinExc::AttributeError) => Ok(Value::Bool(false)),
                Err(e) => Err(e),
            }
        }
        B::Getattr => {
            no_kwargs(name, &kwargs)?;
            arg_range(name, &args, 2, 3)?;
            let n = str_arg("attribute name", &args[1])?.to_string();
            match vm.getattr(host, &args[0], &n) {
                Ok(v) => Ok(v),
                Err(e) if e.is(BuiltinExc::AttributeError) && args.len() == 3 => {
                    Ok(args[2].clone())
                }
                Err(e) => Err(e),
            }
        }
        B::Callable => {
            no_kwargs(name, &kwargs)?;
            let v = exactly_one(name, &args)?;
            Ok(Value::Bool(matches!(
                v,
                Value::Function(_)
                    | Value::Builtin(_)
                    | Value::Type(_)
                    | Value::Method(_)
                    | Value::ExcClass(_)
                    | Value::HostMethod(_)
                    | Value::Host(_)
            )))
        }
        B::Chr => {
            no_kwargs(name, &kwargs)?;
            let i = int_arg(&exactly_one(name, &args)?)?;
            let c = u32::try_from(i)
                .ok()
                .and_then(char::from_u32)
                .ok_or_else(|| value_error("chr() arg not in range(0x110000)"))?;
            Ok(Value::str(&c.to_string()))
        }
        B::Ord => {
            no_kwargs(name, &kwargs)?;
            let v = exactly_one(name, &args)?;
            match &v {
                Value::Str(s) if s.chars().count() == 1 => {
                    Ok(Value::Int(s.chars().next().map(|c| c as i64).unwrap_or(0)))
                }
                Value::Bytes(b) if b.len() == 1 => Ok(Value::Int(b[0] as i64)),
                Value::Str(s) => Err(type_error(format!(
                    "ord() expected a character, but string of length {} found",
                    s.chars().count()
                ))),
                other => Err(type_error(format!(
                    "ord() expected string of length 1, but {} found",
                    other.type_name()
                ))),
            }
        }
        B::Hex | B::Oct | B::Bin => {
            no_kwargs(name, &kwargs)?;
            let i = int_arg(&exactly_one(name, &args)?)?;
            let (p, digits) = match f {
                B::Hex => ("0x", format!("{:x}", i.unsigned_abs())),
                B::Oct => ("0o", format!("{:o}", i.unsigned_abs())),
                _ => ("0b", format!("{:b}", i.unsigned_abs())),
            };
            Ok(Value::str(&format!(
                "{}{p}{digits}",
                if i < 0 { "-" } else { "" }
            )))
        }
        B::Divmod => {
            no_kwargs(name, &kwargs)?;
            if args.len() != 2 {
                return Err(type_error(format!(
                    "divmod expected 2 arguments, got {}",
                    args.len()
                )));
            }
            let q = ops::binary(
                host,
                crate::py::front::ast::BinOp::FloorDiv,
                &args[0],
                &args[1],
            )?;
            let r = ops::binary(host, crate::py::front::ast::BinOp::Mod, &args[0], &args[1])?;
            Ok(Value::tuple(vec![q, r]))
        }
        B::Pow => {
            no_kwargs(name, &kwargs)?;
            arg_range(name, &args, 2, 3)?;
            if let Some(m) = args.get(2) {
                let (b, e, m) = (int_arg(&args[0])?, int_arg(&args[1])?, int_arg(m)?);
                if m == 0 {
                    return Err(value_error("pow() 3rd argument cannot be 0"));
                }
                if e < 0 {
                    return Err(value_error("base is not invertible for the given modulus"));
                }
                let (mut result, mut base, mut e, m128) =
                    (1i128, (b as i128).rem_euclid(m as i128), e, m as i128);
                while e > 0 {
                    if e & 1 == 1 {
                        result = (result * base).rem_euclid(m128);
                    }
                    base = (base * base).rem_euclid(m128);
                    e >>= 1;
                }
                let mut r = result as i64;
                if m < 0 && r > 0 {
                    r += m;
                }
                return Ok(Value::Int(r));
            }
            ops::binary(host, crate::py::front::ast::BinOp::Pow, &args[0], &args[1])
        }
        B::Format => {
            no_kwargs(name, &kwargs)?;
            arg_range(name, &args, 1, 2)?;
            let spec = match args.get(1) {
                Some(v) => str_arg("format spec", v)?.to_string(),
                None => String::new(),
            };
            Ok(Value::str(&format_value(host, &args[0], &spec)?))
        }
    }
}

/// `iter(v)`, asking the host for host objects.
pub fn iter_of(host: &mut dyn Host, v: &Value) -> Result<Value, PyException> {
    match make_iter(v)? {
        Some(it) => Ok(it),
        None => match v {
            Value::Host(h) => host_call_sync(host, h, "__iter__", Vec::new()),
            other => Err(type_error(format!(
                "'{}' object is not iterable",
                other.type_name()
            ))),
        },
    }
}

fn parse_int(s: &str, base: i64) -> Option<i64> {
    let t = s.trim();
    let (neg, body) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let lower = body.to_ascii_lowercase();
    let (base, digits) = match base {
        0 => {
            if let Some(r) = lower.strip_prefix("0x") {
                (16, r.to_string())
            } else if let Some(r) = lower.strip_prefix("0o") {
                (8, r.to_string())
            } else if let Some(r) = lower.strip_prefix("0b") {
                (2, r.to_string())
            } else {
                if lower.len() > 1
                    && lower.starts_with('0')
                    && lower.chars().any(|c| c != '0' && c != '_')
                {
                    return None;
                }
                (10, lower)
            }
        }
        16 => (16, lower.strip_prefix("0x").unwrap_or(&lower).to_string()),
        8 => (8, lower.strip_prefix("0o").unwrap_or(&lower).to_string()),
        2 => (2, lower.strip_prefix("0b").unwrap_or(&lower).to_string()),
        b => (b, lower),
    };
    let digits = digits.strip_prefix('_').unwrap_or(&digits).to_string();
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return None;
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    let v = i128::from_str_radix(&clean, base as u32).ok()?;
    let v = if neg { -v } else { v };
    i64::try_from(v).ok()
}

fn parse_float(s: &str) -> Option<f64> {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    let (sign, body) = match lower.strip_prefix('-') {
        Some(r) => (-1.0, r),
        None => (1.0, lower.strip_prefix('+').unwrap_or(&lower)),
    };
    match body {
        "inf" | "infinity" => return Some(sign * f64::INFINITY),
        "nan" => return Some(f64::NAN),
        _ => {}
    }
    if body.is_empty()
        || !body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | '+' | '-' | '_'))
        || body.contains("__")
        || body.starts_with('_')
        || body.ends_with('_')
    {
        return None;
    }
    let clean: String = body.chars().filter(|c| *c != '_').collect();
    clean.parse::<f64>().ok().map(|v| sign * v)
}

/// Calls a built-in type (`int('3')`, `list(x)`, ...).
pub fn construct(
    host: &mut dyn Host,
    t: TypeKind,
    args: Vec<Value>,
    mut kwargs: Kwargs,
) -> Result<Value, PyException> {
    let name = t.name();
    match t {
        TypeKind::Int => {
            let base = take_kw(&mut kwargs, "base");
            only_kw(name, &kwargs)?;
            arg_range("int", &args, 0, 2)?;
            let base = args.get(1).cloned().or(base);
            let Some(v) = args.first() else {
                return Ok(Value::Int(0));
            };
            if let Some(b) = base {
                let b = int_arg(&b)?;
                if b != 0 && !(2..=36).contains(&b) {
                    return Err(value_error("int() base must be >= 2 and <= 36, or 0"));
                }
                let s = match v {
                    Value::Str(s) => s.to_string(),
                    Value::Bytes(b) => String::from_utf8_lossy(b).to_string(),
                    _ => {
                        return Err(type_error(
                            "int() can't convert non-string with explicit base",
                        ))
                    }
                };
                return parse_int(&s, b).map(Value::Int).ok_or_else(|| {
                    value_error(format!(
                        "invalid literal for int() with base {b}: {}",
                        format::repr_str(&s)
                    ))
                });
            }
            match v {
                Value::Int(i) => Ok(Value::Int(*i)),
                Value::Bool(b) => Ok(Value::Int(*b as i64)),
                Value::Float(f) => {
                    if f.is_nan() {
                        Err(value_error("cannot convert float NaN to integer"))
                    } else if f.is_infinite() {
                        Err(PyException::builtin(BuiltinExc::OverflowError, "cannot convert float infinity to integer"))
                    } else if f.abs() >= 9.3e18 {
                        Err(ops::overflow())
                    } else {
                        Ok(Value::Int(f.trunc() as i64))
                    }
                }
                Value::Str(s) => parse_int(s, 10).map(Value::Int).ok_or_else(|| {
                    let big = s.trim().trim_start_matches(['-', '+']).chars().all(|c| c.is_ascii_digit()) && !s.trim().is_empty();
                    if big {
                        ops::overflow()
                    } else {
                        value_error(format!("invalid literal for int() with base 10: {}", format::repr_str(s)))
                    }
                }),
                Value::Bytes(b) => {
                    let s = String::from_utf8_lossy(b).to_string();
                    parse_int(&s, 10).map(Value::Int).ok_or_else(|| {
                        value_error(format!("invalid literal for int() with base 10: {}", format::repr_bytes(b)))
                    })
                }
                other => Err(type_error(format!(
                    "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                    other.type_name()
                ))),
            }
        }
        TypeKind::Float => {
            only_kw(name, &kwargs)?;
            arg_range("float", &args, 0, 1)?;
            let Some(v) = args.first() else {
                return Ok(Value::Float(0.0));
            };
            match v {
                Value::Float(f) => Ok(Value::Float(*f)),
                Value::Int(_) | Value::Bool(_) => Ok(Value::Float(v.as_f64().unwrap_or(0.0))),
                Value::Str(s) => parse_float(s).map(Value::Float).ok_or_else(|| {
                    value_error(format!(
                        "could not convert string to float: {}",
                        format::repr_str(s)
                    ))
                }),
                Value::Bytes(b) => parse_float(&String::from_utf8_lossy(b))
                    .map(Value::Float)
                    .ok_or_else(|| {
                        value_error(format!(
                            "could not convert string to float: {}",
                            format::repr_bytes(b)
                        ))
                    }),
                other => Err(type_error(format!(
                    "float() argument must be a string or a real number, not '{}'",
                    other.type_name()
                ))),
            }
        }
        TypeKind::Str => {
            let encoding = take_kw(&mut kwargs, "encoding");
            let errors = take_kw(&mut kwargs, "errors");
            only_kw(name, &kwargs)?;
            arg_range("str", &args, 0, 3)?;
            let Some(v) = args.first() else {
                return Ok(Value::str(""));
            };
            let encoding = args.get(1).cloned().or(encoding);
            let errors = args.get(2).cloned().or(errors);
            if encoding.is_some() || errors.is_some() {
                let Value::Bytes(b) = v else {
                    return Err(type_error(format!(
                        "decoding to str: need a bytes-like object, {} found",
                        v.type_name()
                    )));
                };
                let enc = encoding
                    .as_ref()
                    .and_then(|e| e.as_str().map(str::to_string))
                    .unwrap_or_else(|| "utf-8".into());
                let err = errors
                    .as_ref()
                    .and_then(|e| e.as_str().map(str::to_string))
                    .unwrap_or_else(|| "strict".into());
                return decode(b, &enc, &err);
            }
            Ok(Value::str(&to_str(host, v)?))
        }
        TypeKind::Bool => {
            only_kw(name, &kwargs)?;
            arg_range("bool", &args, 0, 1)?;
            Ok(Value::Bool(
                args.first().map(|v| v.truthy()).unwrap_or(false),
            ))
        }
        TypeKind::List | TypeKind::Tuple => {
            only_kw(name, &kwargs)?;
            arg_range(name, &args, 0, 1)?;
            let items = match args.first() {
                Some(v) => collect(host, v)?,
                None => Vec::new(),
            };
            Ok(if t == TypeKind::List {
                Value::list(items)
            } else {
                Value::tuple(items)
            })
        }
        TypeKind::Dict => {
            arg_range("dict", &args, 0, 1)?;
            let mut map = match args.first() {
                Some(v) => ops::dict_from(host, v)?,
                None => Default::default(),
            };
            for (k, v) in kwargs {
                map.insert(Value::Str(k), v)?;
            }
            Ok(Value::Dict(Rc::new(Dict {
                map: std::cell::RefCell::new(map),
            })))
        }
        TypeKind::Bytes => {
            let encoding = take_kw(&mut kwargs, "encoding");
            only_kw(name, &kwargs)?;
            arg_range("bytes", &args, 0, 3)?;
            let Some(v) = args.first() else {
                return Ok(Value::bytes(b""));
            };
            match v {
                Value::Str(s) => {
                    let enc = args
                        .get(1)
                        .cloned()
                        .or(encoding)
                        .ok_or_else(|| type_error("string argument without an encoding"))?;
                    encode(s, str_arg("bytes() argument 'encoding'", &enc)?)
                }
                Value::Int(n) => {
                    if *n < 0 {
                        return Err(value_error("negative count"));
                    }
                    if *n as usize > MAX_LEN * 8 {
                        return Err(memory_error());
                    }
                    Ok(Value::bytes(&vec![0u8; *n as usize]))
                }
                Value::Bytes(_) => Ok(v.clone()),
                other => {
                    let mut out = Vec::new();
                    for x in collect(host, other)? {
                        let i = int_arg(&x)?;
                        if !(0..256).contains(&i) {
                            return Err(value_error("bytes must be in range(0, 256)"));
                        }
                        out.push(i as u8);
                    }
                    Ok(Value::bytes(&out))
                }
            }
        }
        TypeKind::Range => {
            only_kw(name, &kwargs)?;
            arg_range("range", &args, 1, 3)?;
            let ints: Vec<i64> = args.iter().map(int_arg).collect::<Result<_, _>>()?;
            let (start, stop, step) = match ints.as_slice() {
                [stop] => (0, *stop, 1),
                [start, stop] => (*start, *stop, 1),
                [start, stop, step] => (*start, *stop, *step),
                _ => (0, 0, 1),
            };
            if step == 0 {
                return Err(value_error("range() arg 3 must not be zero"));
            }
            Ok(Value::Range(Rc::new(RangeObj { start, stop, step })))
        }
        _ => Err(type_error(format!("cannot create '{name}' instances"))),
    }
}

fn encode(s: &str, encoding: &str) -> Result<Value, PyException> {
    match normalize_encoding(encoding).as_str() {
        "utf-8" => Ok(Value::bytes(s.as_bytes())),
        "ascii" => match s.char_indices().find(|(_, c)| !c.is_ascii()) {
            None => Ok(Value::bytes(s.as_bytes())),
            Some((i, c)) => Err(PyException::builtin(
                BuiltinExc::ValueError,
                format!(
                    "'ascii' codec can't encode character '\\u{:04x}' in position {}: ordinal not in range(128)",
                    c as u32,
                    s[..i].chars().count()
                ),
            )),
        },
        "latin-1" => {
            let mut out = Vec::new();
            for (n, c) in s.chars().enumerate() {
                if (c as u32) > 255 {
                    return Err(value_error(format!(
                        "'latin-1' codec can't encode character '\\u{:04x}' in position {n}: ordinal not in range(256)",
                        c as u32
                    )));
                }
                out.push(c as u32 as u8);
            }
            Ok(Value::bytes(&out))
        }
        _ => Err(PyException::builtin(BuiltinExc::LookupError, format!("unknown encoding: {encoding}"))),
    }
}

fn normalize_encoding(e: &str) -> String {
    match e.to_ascii_lowercase().replace('_', "-").as_str() {
        "utf-8" | "utf8" | "u8" => "utf-8".into(),
        "ascii" | "us-ascii" => "ascii".into(),
        "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" => "latin-1".into(),
        other => other.to_string(),
    }
}

fn decode(b: &[u8], encoding: &str, errors: &str) -> Result<Value, PyException> {
    match normalize_encoding(encoding).as_str() {
        "utf-8" => match std::str::from_utf8(b) {
            Ok(s) => Ok(Value::str(s)),
            Err(_) if errors == "replace" => Ok(Value::str(&String::from_utf8_lossy(b))),
            Err(_) if errors == "ignore" => {
                let s: String = String::from_utf8_lossy(b).chars().filter(|c| *c != '\u{fffd}').collect();
                Ok(Value::str(&s))
            }
            Err(e) => {
                let pos = e.valid_up_to();
                let byte = b.get(pos).copied().unwrap_or(0);
                let reason = match e.error_len() {
                    None => "unexpected end of data",
                    Some(_) if (0x80..0xc0).contains(&byte) || byte >= 0xf8 || byte == 0xc0 || byte == 0xc1 => "invalid start byte",
                    Some(_) => "invalid continuation byte",
                };
                Err(PyException::builtin(
                    BuiltinExc::UnicodeDecodeError,
                    format!("'utf-8' codec can't decode byte 0x{byte:02x} in position {pos}: {reason}"),
                ))
            }
        },
        "ascii" => match b.iter().position(|c| *c >= 128) {
            None => Ok(Value::str(std::str::from_utf8(b).unwrap_or_default())),
            Some(pos) => Err(PyException::builtin(
                BuiltinExc::UnicodeDecodeError,
                format!("'ascii' codec can't decode byte 0x{:02x} in position {pos}: ordinal not in range(128)", b[pos]),
            )),
        },
        "latin-1" => Ok(Value::str(&b.iter().map(|c| *c as char).collect::<String>())),
        _ => Err(PyException::builtin(BuiltinExc::LookupError, format!("unknown encoding: {encoding}"))),
    }
}

const STR_METHODS: [&str; 42] = [
    "format",
    "join",
    "split",
    "rsplit",
    "splitlines",
    "strip",
    "lstrip",
    "rstrip",
    "upper",
    "lower",
    "title",
    "capitalize",
    "swapcase",
    "startswith",
    "endswith",
    "encode",
    "replace",
    "find",
    "rfind",
    "index",
    "rindex",
    "count",
    "isdigit",
    "isalpha",
    "isalnum",
    "isspace",
    "isupper",
    "islower",
    "isnumeric",
    "isdecimal",
    "zfill",
    "ljust",
    "rjust",
    "center",
    "partition",
    "rpartition",
    "removeprefix",
    "removesuffix",
    "casefold",
    "istitle",
    "isidentifier",
    "expandtabs",
];
const BYTES_METHODS: [&str; 8] = [
    "decode",
    "hex",
    "startswith",
    "endswith",
    "upper",
    "lower",
    "strip",
    "split",
];
const LIST_METHODS: [&str; 11] = [
    "append", "extend", "insert", "pop", "remove", "index", "count", "sort", "reverse", "clear",
    "copy",
];
const DICT_METHODS: [&str; 11] = [
    "get",
    "keys",
    "values",
    "items",
    "pop",
    "popitem",
    "setdefault",
    "update",
    "clear",
    "copy",
    "fromkeys",
];
const TUPLE_METHODS: [&str; 2] = ["index", "count"];

/// Whether a built-in value has a method of this name.
pub fn has_method(v: &Value, name: &str) -> bool {
    match v {
        Value::Str(_) => STR_METHODS.contains(&name),
        Value::Bytes(_) => BYTES_METHODS.contains(&name),
        Value::List(_) => LIST_METHODS.contains(&name),
        Value::Dict(_) => DICT_METHODS.contains(&name),
        Value::Tuple(_) => TUPLE_METHODS.contains(&name),
        Value::Float(_) => name == "is_integer",
        Value::Int(_) => name == "bit_length",
        Value::Range(_) => TUPLE_METHODS.contains(&name),
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

fn args_between(mname: &str, args: &[Value], min: usize, max: usize) -> Result<(), PyException> {
    if args.len() < min || args.len() > max {
        let msg = if min == max {
            if min == 0 {
                format!("{mname}() takes no arguments ({} given)", args.len())
            } else if min == 1 {
                format!(
                    "{mname}() takes exactly one argument ({} given)",
                    args.len()
                )
            } else {
                format!("{mname} expected {min} arguments, got {}", args.len())
            }
        } else if args.len() < min {
            format!(
                "{mname} expected at least {min} argument{}, got {}",
                if min == 1 { "" } else { "s" },
                args.len()
            )
        } else {
            format!(
                "{mname} expected at most {max} arguments, got {}",
                args.len()
            )
        };
        return Err(type_error(msg));
    }
    Ok(())
}

fn opt_index(v: Option<&Value>, len: i64, default: i64) -> Result<i64, PyException> {
    match v {
        None | Some(Value::None) => Ok(default),
        Some(x) => {
            let i = int_arg(x)?;
            Ok(if i < 0 { (i + len).max(0) } else { i.min(len) })
        }
    }
}

fn split_whitespace(s: &str, maxsplit: i64, from_right: bool) -> Vec<Value> {
    if maxsplit < 0 {
        return s.split_whitespace().map(Value::str).collect();
    }
    let mut out = Vec::new();
    if !from_right {
        let mut rest = s.trim_start();
        let mut n = 0;
        while !rest.is_empty() {
            if n == maxsplit {
                out.push(Value::str(rest));
                break;
            }
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            out.push(Value::str(&rest[..end]));
            rest = rest[end..].trim_start();
            n += 1;
        }
    } else {
        let mut rest = s.trim_end();
        let mut n = 0;
        while !rest.is_empty() {
            if n == maxsplit {
                out.push(Value::str(rest));
                break;
            }
            let start = rest
                .rfind(char::is_whitespace)
                .map(|i| i + rest[i..].chars().next().map(|c| c.len_utf8()).unwrap_or(1))
                .unwrap_or(0);
            out.push(Value::str(&rest[start..]));
            rest = rest[..start].trim_end();
            n += 1;
        }
        out.reverse();
    }
    out
}

fn char_index(s: &str, byte: usize) -> i64 {
    s[..byte].chars().count() as i64
}

fn substr_by_chars(s: &str, start: i64, end: i64) -> (&str, usize) {
    let mut it = s
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(s.len()));
    let b0 = it.clone().nth(start.max(0) as usize).unwrap_or(s.len());
    let b1 = it.nth(end.max(0) as usize).unwrap_or(s.len()).max(b0);
    (&s[b0..b1], b0)
}

fn str_method(
    vm: &mut Vm,
    host: &mut dyn Host,
    s: &Rc<str>,
    name: &str,
    args: Vec<Value>,
    mut kwargs: Kwargs,
) -> Result<Value, PyException> {
    let mname = format!("str.{name}");
    let strip_chars = |args: &[Value]| -> Result<Option<Vec<char>>, PyException> {
        match args.first() {
            None | Some(Value::None) => Ok(None),
            Some(Value::Str(c)) => Ok(Some(c.chars().collect())),
            Some(o) => Err(type_error(format!(
                "{name} arg must be None or str, not {}",
                o.type_name()
            ))),
        }
    };
    let len = s.chars().count() as i64;
    Ok(match name {
        "format" => Value::str(&str_format(vm, host, s, &args, &kwargs)?),
        "join" => {
            no_kwargs(&mname, &kwargs)?;
            args_between(&mname, &args, 1, 1)?;
            let items = collect(host, &args[0])?;
            let mut out = String::new();
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(s);
                }
                match it {
                    Value::Str(x) => out.push_str(x),
                    other => {
                        return Err(type_error(format!(
                            "sequence item {i}: expected str instance, {} found",
                            other.type_name()
                        )))
                    }
                }
                if out.len() > MAX_LEN * 8 {
                    return Err(memory_error());
                }
            }
            Value::str(&out)
        }
        "split" | "rsplit" => {
            let sep = take_kw(&mut kwargs, "sep");
            let maxsplit = take_kw(&mut kwargs, "maxsplit");
            only_kw(&mname, &kwargs)?;
            args_between(&mname, &args, 0, 2)?;
            let sep = args.first().cloned().or(sep);
            let maxsplit = match args.get(1).cloned().or(maxsplit) {
                Some(v) => int_arg(&v)?,
                None => -1,
            };
            match sep {
                None | Some(Value::None) => {
                    Value::list(split_whitespace(s, maxsplit, name == "rsplit"))
                }
                Some(Value::Str(sep)) => {
                    if sep.is_empty() {
                        return Err(value_error("empty separator"));
                    }
                    let parts: Vec<Value> = if maxsplit < 0 {
                        s.split(&*sep).map(Value::str).collect()
                    } else if name == "split" {
                        s.splitn(maxsplit as usize + 1, &*sep)
                            .map(Value::str)
                            .collect()
                    } else {
                        let mut v: Vec<Value> = s
                            .rsplitn(maxsplit as usize + 1, &*sep)
                            .map(Value::str)
                            .collect();
                        v.reverse();
                        v
                    };
                    Value::list(parts)
                }
                Some(o) => {
                    return Err(type_error(format!(
                        "must be str or None, not {}",
                        o.type_name()
                    )))
                }
            }
        }
        "splitlines" => {
            let keep = take_kw(&mut kwargs, "keepends")
                .or_else(|| args.first().cloned())
                .map(|v| v.truthy())
                .unwrap_or(false);
            let mut out = Vec::new();
            let mut cur = String::new();
            let mut chars = s.chars().peekable();
            while let Some(c) = chars.next() {
                if matches!(
                    c,
                    '\n' | '\r'
                        | '\x0b'
                        | '\x0c'
                        | '\x1c'
                        | '\x1d'
                        | '\x1e'
                        | '\u{85}'
                        | '\u{2028}'
                        | '\u{2029}'
                ) {
                    let mut end = c.to_string();
                    if c == '\r' && chars.peek() == Some(&'\n') {
                        chars.next();
                        end.push('\n');
                    }
                    if keep {
                        cur.push_str(&end);
                    }
                    out.push(Value::str(&std::mem::take(&mut cur)));
                } else {
                    cur.push(c);
                }
            }
            if !cur.is_empty() {
                out.push(Value::str(&cur));
            }
            Value::list(out)
        }
        "strip" | "lstrip" | "rstrip" => {
            no_kwargs(&mname, &kwargs)?;
            args_between(&mname, &args, 0, 1)?;
            let chars = strip_chars(&args)?;
            let pred = |c: char| match &chars {
                None => c.is_whitespace(),
                Some(set) => set.contains(&c),
            };
            Value::str(match name {
                "strip" => s.trim_matches(pred),
                "lstrip" => s.trim_start_matches(pred),
                _ => s.trim_end_matches(pred),
            })
        }
        "upper" => Value::str(&s.to_uppercase()),
        "lower" => Value::str(&s.to_lowercase()),
        "casefold" => Value::str(&s.to_lowercase()),
        "swapcase" => Value::str(
            &s.chars()
                .map(|c| {
                    if c.is_uppercase() {
                        c.to_lowercase().collect::<String>()
                    } else {
                        c.to_uppercase().collect()
                    }
                })
                .collect::<String>(),
        ),
        "title" => {
            let mut out = String::new();
            let mut prev_cased = false;
            for c in s.chars() {
                if prev_cased {
                    out.extend(c.to_lowercase());
                } else {
                    out.extend(c.to_uppercase());
                }
                prev_cased = c.is_alphabetic();
            }
            Value::str(&out)
        }
        "capitalize" => {
            let mut it = s.chars();
            let out: String = match it.next() {
                Some(f) => f
                    .to_uppercase()
                    .chain(it.flat_map(|c| c.to_lowercase()))
                    .collect(),
                None => String::new(),
            };
            Value::str(&out)
        }
        "startswith" | "endswith" => {
            no_kwargs(&mname, &kwargs)?;
            args_between(&mname, &args, 1, 3)?;
            let start = opt_index(args.get(1), len, 0)?;
            let end = opt_index(args.get(2), len, len)?;
            let (sub, _) = substr_by_chars(s, start, end);
            if start > len {
                return Ok(Value::Bool(false));
            }
            let prefixes: Vec<Value> = match &args[0] {
                Value::Tuple(t) => t.items.clone(),
                other => vec![other.clone()],
            };
            let mut hit = false;
            for p in prefixes {
                let Value::Str(p) = p else {
                    return Err(type_error(format!(
                        "{name} first arg must be str or a tuple of str, not {}",
                        args[0].type_name()
                    )));
                };
                if (name == "startswith" && sub.starts_with(&*p))
                    || (name == "endswith" && sub.ends_with(&*p))
                {
                    hit = true;
                }
            }
            Value::Bool(hit)
        }
        "encode" => {
            let enc = take_kw(&mut kwargs, "encoding").or_else(|| args.first().cloned());
            let _errors = take_kw(&mut kwargs, "errors");
            only_kw(&mname, &kwargs)?;
            let enc = match &enc {
                Some(v) => str_arg("encode() argument 'encoding'", v)?.to_string(),
                None => "utf-8".into(),
            };
            encode(s, &enc)?
        }
        "replace" => {
            no_kwargs(&mname, &kwargs)?;
            args_between(&mname, &args, 2, 3)?;
            let old = str_arg("replace() argument 1", &args[0])?;
            let new = str_arg("replace() argument 2", &args[1])?;
            let count = match args.get(2) {
                Some(v) => int_arg(v)?,
                None => -1,
            };
            let est = if old.is_empty() {
                (len as usize + 1) * new.len()
            } else {
                s.len() / old.len().max(1) * new.len()
            };
            if est + s.len() > MAX_LEN * 8 {
                return Err(memory_error());
            }
            if count < 0 {
                Value::str(&s.replace(old, new))
            } else {
                Value::str(&s.replacen(old, new, count as usize))
            }
        }
        "find" | "rfind" | "index" | "rindex" | "count" => {
            no_kwargs(&mname, &kwargs)?;
            args_between(&mname, &args, 1, 3)?;
            let sub = str_arg("must be str, not", &args[0])
                .map_err(|_| type_error(format!("must be str, not {}", args[0].type_name())))?;
            let start = opt_index(args.get(1), len, 0)?;
            let end = opt_index(args.get(2), len, len)?;
            let (hay, off) = substr_by_chars(s, start, end);
            if name == "count" {
                let n = if sub.is_empty() {
                    hay.chars().count() + 1
                } else {
                    hay.matches(sub).count()
                };
                return Ok(Value::Int(if start > len { 0 } else { n as i64 }));
            }
            let found = if start > len {
                None
            } else if name.starts_with('r') {
                hay.rfind(sub)
            } else {
                hay.find(sub)
            };
            match found {
                Some(b) => Value::Int(char_index(s, off + b)),
                None if name.contains("index") => return Err(value_error("substring not found")),
                None => Value::Int(-1),
            }
        }
        "isdigit" | "isnumeric" | "isdecimal" => {
            Value::Bool(!s.is_empty() && s.chars().all(|c| c.is_numeric()))
        }
        "isalpha" => Value::Bool(!s.is_empty() && s.chars().all(char::is_alphabetic)),
        "isalnum" => Value::Bool(!s.is_empty() && s.chars().all(char::is_alphanumeric)),
        "isspace" => Value::Bool(!s.is_empty() && s.chars().all(char::is_whitespace)),
        "isupper" => {
            Value::Bool(s.chars().any(char::is_uppercase) && !s.chars().any(char::is_lowercase))
        }
        "islower" => {
            Value::Bool(s.chars().any(char::is_lowercase) && !s.chars().any(char::is_uppercase))
        }
        "istitle" => {
            let t = str_method(vm, host, s, "title", Vec::new(), Vec::new())?;
            Value::Bool(s.chars().any(char::is_alphabetic) && t.as_str() == Some(&**s))
        }
        "isidentifier" => Value::Bool(
            s.chars()
                .next()
                .is_some_and(|c| c == '_' || c.is_alphabetic())
                && s.chars().all(|c| c == '_' || c.is_alphanumeric()),
        ),
        "expandtabs" => Value::str(&s.replace('\t', "        ")),
        "zfill" | "ljust" | "rjust" | "center" => {
            no_kwargs(&mname, &kwargs)?;
            args_between(&mname, &args, 1, if name == "zfill" { 1 } else { 2 })?;
            let width = int_arg(&args[0])?.max(0) as usize;
            if width > MAX_LEN * 8 {
                return Err(memory_error());
            }
            let fill = match args.get(1) {
                Some(Value::Str(f)) if f.chars().count() == 1 => f.chars().next().unwrap_or(' '),
                Some(_) => {
                    return Err(type_error(
                        "The fill character must be exactly one character long",
                    ))
                }
                None => ' ',
            };
            let n = len as usize;
            if width <= n {
                return Ok(Value::Str(s.clone()));
            }
            let pad = width - n;
            let f = |k: usize| fill.to_string().repeat(k);
            Value::str(&match name {
                "zfill" => {
                    let (sign, rest) = if s.starts_with(['-', '+']) {
                        s.split_at(1)
                    } else {
                        ("", &s[..])
                    };
                    format!("{sign}{}{rest}", "0".repeat(pad))
                }
                "ljust" => format!("{s}{}", f(pad)),
                "rjust" => format!("{}{s}", f(pad)),
                _ => {
                    let left = pad / 2 + (pad & width & 1);
                    format!("{}{s}{}", f(left), f(pad - left))
                }
            })
        }
        "partition" | "rpartition" => {
            args_between(&mname, &args, 1, 1)?;
            let sep = str_arg("must be str", &args[0])?;
            if sep.is_empty() {
                return Err(value_error("empty separator"));
            }
            let found = if name == "partition" {
                s.find(sep)
            } else {
                s.rfind(sep)
            };
            let parts = match found {
                Some(i) => [&s[..i], sep, &s[i + sep.len()..]],
                None if name == "partition" => [&s[..], "", ""],
                None => ["", "", &s[..]],
            };
            Value::tuple(parts.iter().map(|p| Value::str(p)).collect())
        }
        "removeprefix" => {
            args_between(&mname, &args, 1, 1)?;
            let p = str_arg("removeprefix() argument", &args[0])?;
            Value::str(s.strip_prefix(p).unwrap_or(s))
        }
        "removesuffix" => {
            args_between(&mname, &args, 1, 1)?;
            let p = str_arg("removesuffix() argument", &args[0])?;
            Value::str(s.strip_suffix(p).unwrap_or(s))
        }
        _ => return Err(no_attr(&Value::Str(s.clone()), name)),
    })
}

fn no_attr(v: &Value, name: &str) -> PyException {
    PyException::builtin(
        BuiltinExc::AttributeError,
        format!("'{}' object has no attribute '{}'", v.type_name(), name),
    )
}

/// `"...".format(*args, **kwargs)`.
pub fn str_format(
    vm: &mut Vm,
    host: &mut dyn Host,
    fmt: &str,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<String, PyException> {
    str_format_depth(vm, host, fmt, args, kwargs, &mut 0, &mut None, 0)
}

#[allow(clippy::too_many_arguments)]
fn str_format_depth(
    vm: &mut Vm,
    host: &mut dyn Host,
    fmt: &str,
    args: &[Value],
    kwargs: &Kwargs,
    auto: &mut usize,
    mode: &mut Option<bool>,
    depth: usize,
) -> Result<String, PyException> {
    if depth > 2 {
        return Err(value_error("Max string recursion exceeded"));
    }
    let chars: Vec<char> = fmt.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '{' {
            if chars.get(i + 1) == Some(&'{') {
                out.push('{');
                i += 2;
                continue;
            }
            // Find the matching close brace (nested braces belong to the spec).
            let mut j = i + 1;
            let mut nest = 1;
            while j < chars.len() {
                match chars[j] {
                    '{' => nest += 1,
                    '}' => {
                        nest -= 1;
                        if nest == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            if j >= chars.len() {
                return Err(value_error("Single '{' encountered in format string"));
            }
            let field: String = chars[i + 1..j].iter().collect();
            let (head, spec) = match field.find(':') {
                Some(k) => (field[..k].to_string(), Some(field[k + 1..].to_string())),
                None => (field.clone(), None),
            };
            let (name_part, conv) = match head.find('!') {
                Some(k) => (head[..k].to_string(), head[k + 1..].chars().next()),
                None => (head, None),
            };
            let split_at = name_part.find(['.', '[']).unwrap_or(name_part.len());
            let (first, mut rest) = (name_part[..split_at].to_string(), &name_part[split_at..]);
            let mut value = if first.is_empty() {
                if *mode == Some(false) {
                    return Err(value_error("cannot switch from manual field specification to automatic field numbering"));
                }
                *mode = Some(true);
                let v = args.get(*auto).cloned().ok_or_else(|| {
                    PyException::builtin(
                        BuiltinExc::IndexError,
                        format!(
                            "Replacement index {} out of range for positional args tuple",
                            *auto
                        ),
                    )
                })?;
                *auto += 1;
                v
            } else if let Ok(n) = first.parse::<usize>() {
                if *mode == Some(true) {
                    return Err(value_error("cannot switch from automatic field numbering to manual field specification"));
                }
                *mode = Some(false);
                args.get(n).cloned().ok_or_else(|| {
                    PyException::builtin(
                        BuiltinExc::IndexError,
                        format!("Replacement index {n} out of range for positional args tuple"),
                    )
                })?
            } else {
                kwargs
                    .iter()
                    .find(|(k, _)| **k == *first)
                    .map(|(_, v)| v.clone())
                    .ok_or_else(|| {
                        PyException::with_args(
                            ExcClass::Builtin(BuiltinExc::KeyError),
                            vec![Value::str(&first)],
                        )
                    })?
            };
            while !rest.is_empty() {
                if let Some(r) = rest.strip_prefix('.') {
                    let end = r.find(['.', '[']).unwrap_or(r.len());
                    value = vm.getattr(host, &value, &r[..end])?;
                    rest = &r[end..];
                } else if let Some(r) = rest.strip_prefix('[') {
                    let end = r
                        .find(']')
                        .ok_or_else(|| value_error("Missing ']' in format string"))?;
                    let key = &r[..end];
                    let k = match key.parse::<i64>() {
                        Ok(n) => Value::Int(n),
                        Err(_) => Value::str(key),
                    };
                    value = ops::getitem(&value, &k)?;
                    rest = &r[end + 1..];
                } else {
                    return Err(value_error(
                        "Only '.' or '[' may follow ']' in format field specifier",
                    ));
                }
            }
            let value = match conv {
                None => value,
                Some('r') => Value::str(&repr(host, &value)?),
                Some('s') => Value::str(&to_str(host, &value)?),
                Some('a') => Value::str(&format::ascii(host, &value)?),
                Some(c) => return Err(value_error(format!("Unknown conversion specifier {c}"))),
            };
            let spec = match spec {
                Some(sp) if sp.contains('{') => {
                    str_format_depth(vm, host, &sp, args, kwargs, auto, mode, depth + 1)?
                }
                Some(sp) => sp,
                None => String::new(),
            };
            out.push_str(&format_value(host, &value, &spec)?);
            i = j + 1;
        } else if c == '}' {
            if chars.get(i + 1) == Some(&'}') {
                out.push('}');
                i += 2;
                continue;
            }
            return Err(value_error("Single '}' encountered in format string"));
        } else {
            out.push(c);
            i += 1;
        }
    }
    Ok(out)
}

/// Calls a method of a built-in value.
pub fn call_method(
    vm: &mut Vm,
    host: &mut dyn Host,
    recv: &Value,
    name: &str,
    args: Vec<Value>,
    mut kwargs: Kwargs,
) -> Result<Value, PyException> {
    let mname = format!("{}.{}", recv.type_name(), name);
    match recv {
        Value::Str(s) => str_method(vm, host, s, name, args, kwargs),
        Value::Bytes(b) => match name {
            "decode" => {
                let enc = take_kw(&mut kwargs, "encoding").or_else(|| args.first().cloned());
                let errors = take_kw(&mut kwargs, "errors").or_else(|| args.get(1).cloned());
                only_kw(&mname, &kwargs)?;
                let enc = match &enc {
                    Some(v) => str_arg("decode() argument 'encoding'", v)?.to_string(),
                    None => "utf-8".into(),
                };
                let errors = match &errors {
                    Some(v) => str_arg("decode() argument 'errors'", v)?.to_string(),
                    None => "strict".into(),
                };
                decode(b, &enc, &errors)
            }
            "hex" => Ok(Value::str(
                &b.iter().map(|x| format!("{x:02x}")).collect::<String>(),
            )),
            "upper" => Ok(Value::bytes(&b.to_ascii_uppercase())),
            "lower" => Ok(Value::bytes(&b.to_ascii_lowercase())),
            "strip" => {
                let s: &[u8] = b;
                let start = s
                    .iter()
                    .position(|c| !c.is_ascii_whitespace())
                    .unwrap_or(s.len());
                let end = s
                    .iter()
                    .rposition(|c| !c.is_ascii_whitespace())
                    .map(|e| e + 1)
                    .unwrap_or(start);
                Ok(Value::bytes(&s[start..end.max(start)]))
            }
            "split" => {
                let parts: Vec<Value> = match args.first() {
                    Some(Value::Bytes(sep)) if !sep.is_empty() => {
                        let mut out = Vec::new();
                        let mut rest: &[u8] = b;
                        while let Some(p) = rest.windows(sep.len()).position(|w| w == &sep[..]) {
                            out.push(Value::bytes(&rest[..p]));
                            rest = &rest[p + sep.len()..];
                        }
                        out.push(Value::bytes(rest));
                        out
                    }
                    Some(Value::Bytes(_)) => return Err(value_error("empty separator")),
                    _ => b
                        .split(|c| c.is_ascii_whitespace())
                        .filter(|p| !p.is_empty())
                        .map(Value::bytes)
                        .collect(),
                };
                Ok(Value::list(parts))
            }
            "startswith" | "endswith" => {
                args_between(&mname, &args, 1, 1)?;
                let Value::Bytes(p) = &args[0] else {
                    return Err(type_error(format!(
                        "{name} first arg must be bytes or a tuple of bytes, not {}",
                        args[0].type_name()
                    )));
                };
                Ok(Value::Bool(if name == "startswith" {
                    b.starts_with(p)
                } else {
                    b.ends_with(p)
                }))
            }
            _ => Err(no_attr(recv, name)),
        },
        Value::List(l) => {
            if name != "sort" {
                no_kwargs(&mname, &kwargs)?;
            }
            match name {
                "append" => {
                    args_between(&mname, &args, 1, 1)?;
                    let mut items = l.items.borrow_mut();
                    if items.len() >= MAX_LEN {
                        return Err(memory_error());
                    }
                    items.push(args[0].clone());
                    Ok(Value::None)
                }
                "extend" => {
                    args_between(&mname, &args, 1, 1)?;
                    let new = collect(host, &args[0])?;
                    let mut items = l.items.borrow_mut();
                    if items.len() + new.len() > MAX_LEN {
                        return Err(memory_error());
                    }
                    items.extend(new);
                    Ok(Value::None)
                }
                "insert" => {
                    args_between(&mname, &args, 2, 2)?;
                    let i = int_arg(&args[0])?;
                    let mut items = l.items.borrow_mut();
                    let n = items.len() as i64;
                    let at = if i < 0 { (i + n).max(0) } else { i.min(n) } as usize;
                    items.insert(at, args[1].clone());
                    Ok(Value::None)
                }
                "pop" => {
                    args_between(&mname, &args, 0, 1)?;
                    let mut items = l.items.borrow_mut();
                    if items.is_empty() {
                        return Err(PyException::builtin(
                            BuiltinExc::IndexError,
                            "pop from empty list",
                        ));
                    }
                    let i = match args.first() {
                        Some(v) => int_arg(v)?,
                        None => -1,
                    };
                    let n = items.len() as i64;
                    let j = if i < 0 { i + n } else { i };
                    if !(0..n).contains(&j) {
                        return Err(PyException::builtin(
                            BuiltinExc::IndexError,
                            "pop index out of range",
                        ));
                    }
                    Ok(items.remove(j as usize))
                }
                "remove" | "index" | "count" => {
                    args_between(&mname, &args, 1, if name == "index" { 3 } else { 1 })?;
                    let items = l.items.borrow().clone();
                    let mut count = 0;
                    for (i, x) in items.iter().enumerate() {
                        if x.is(&args[0]) || equals(x, &args[0])? {
                            match name {
                                "remove" => {
                                    l.items.borrow_mut().remove(i);
                                    return Ok(Value::None);
                                }
                                "index" => {
                                    let start =
                                        opt_index(args.get(1), items.len() as i64, 0)? as usize;
                                    let end = opt_index(
                                        args.get(2),
                                        items.len() as i64,
                                        items.len() as i64,
                                    )? as usize;
                                    if i >= start && i < end {
                                        return Ok(Value::Int(i as i64));
                                    }
                                }
                                _ => count += 1,
                            }
                        }
                    }
                    match name {
                        "count" => Ok(Value::Int(count)),
                        "remove" => Err(value_error("list.remove(x): x not in list")),
                        _ => Err(value_error(format!(
                            "{} is not in list",
                            repr(host, &args[0])?
                        ))),
                    }
                }
                "sort" => {
                    let key = take_kw(&mut kwargs, "key");
                    let reverse = take_kw(&mut kwargs, "reverse")
                        .map(|v| v.truthy())
                        .unwrap_or(false);
                    only_kw(&mname, &kwargs)?;
                    if !args.is_empty() {
                        return Err(type_error("sort() takes no positional arguments"));
                    }
                    let items = std::mem::take(&mut *l.items.borrow_mut());
                    let sorted = sort_values(vm, host, items.clone(), key, reverse);
                    match sorted {
                        Ok(s) => {
                            *l.items.borrow_mut() = s;
                            Ok(Value::None)
                        }
                        Err(e) => {
                            *l.items.borrow_mut() = items;
                            Err(e)
                        }
                    }
                }
                "reverse" => {
                    args_between(&mname, &args, 0, 0)?;
                    l.items.borrow_mut().reverse();
                    Ok(Value::None)
                }
                "clear" => {
                    args_between(&mname, &args, 0, 0)?;
                    let old = std::mem::take(&mut *l.items.borrow_mut());
                    drop(old);
                    Ok(Value::None)
                }
                "copy" => {
                    args_between(&mname, &args, 0, 0)?;
                    Ok(Value::list(l.items.borrow().clone()))
                }
                _ => Err(no_attr(recv, name)),
            }
        }
        Value::Dict(d) => match name {
            "get" => {
                no_kwargs(&mname, &kwargs)?;
                args_between("get", &args, 1, 2)?;
                Ok(d.map
                    .borrow()
                    .get(&args[0])?
                    .unwrap_or_else(|| args.get(1).cloned().unwrap_or(Value::None)))
            }
            "keys" | "values" | "items" => {
                args_between(&mname, &args, 0, 0)?;
                let kind = match name {
                    "keys" => ViewKind::Keys,
                    "values" => ViewKind::Values,
                    _ => ViewKind::Items,
                };
                Ok(Value::DictView(Rc::new((d.clone(), kind))))
            }
            "pop" => {
                args_between("pop", &args, 1, 2)?;
                let r = d.map.borrow_mut().remove(&args[0])?;
                match (r, args.get(1)) {
                    (Some(v), _) => Ok(v),
                    (None, Some(default)) => Ok(default.clone()),
                    (None, None) => Err(PyException::with_args(
                        ExcClass::Builtin(BuiltinExc::KeyError),
                        vec![args[0].clone()],
                    )),
                }
            }
            "popitem" => {
                args_between(&mname, &args, 0, 0)?;
                let r = d.map.borrow_mut().pop_last();
                match r {
                    Some((k, v)) => Ok(Value::tuple(vec![k, v])),
                    None => Err(PyException::builtin(
                        BuiltinExc::KeyError,
                        "popitem(): dictionary is empty",
                    )),
                }
            }
            "setdefault" => {
                args_between("setdefault", &args, 1, 2)?;
                let existing = d.map.borrow().get(&args[0])?;
                match existing {
                    Some(v) => Ok(v),
                    None => {
                        let v = args.get(1).cloned().unwrap_or(Value::None);
                        d.map.borrow_mut().insert(args[0].clone(), v.clone())?;
                        Ok(v)
                    }
                }
            }
            "update" => {
                args_between("update", &args, 0, 1)?;
                if let Some(a) = args.first() {
                    let other = ops::dict_from(host, a)?;
                    let pairs: Vec<(Value, Value)> =
                        other.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                    for (k, v) in pairs {
                        d.map.borrow_mut().insert(k, v)?;
                    }
                }
                for (k, v) in kwargs {
                    d.map.borrow_mut().insert(Value::Str(k), v)?;
                }
                Ok(Value::None)
            }
            "clear" => {
                let old = std::mem::take(&mut *d.map.borrow_mut());
                drop(old);
                Ok(Value::None)
            }
            "copy" => {
                let pairs: Vec<(Value, Value)> = d
                    .map
                    .borrow()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                Value::dict(pairs)
            }
            "fromkeys" => {
                args_between("fromkeys", &args, 1, 2)?;
                let v = args.get(1).cloned().unwrap_or(Value::None);
                let pairs = collect(host, &args[0])?
                    .into_iter()
                    .map(|k| (k, v.clone()))
                    .collect();
                Value::dict(pairs)
            }
            _ => Err(no_attr(recv, name)),
        },
        Value::Tuple(_) | Value::Range(_) => {
            args_between(&mname, &args, 1, 1)?;
            let items = collect(host, recv)?;
            match name {
                "count" => {
                    let mut n = 0;
                    for x in &items {
                        if equals(x, &args[0])? {
                            n += 1;
                        }
                    }
                    Ok(Value::Int(n))
                }
                "index" => {
                    for (i, x) in items.iter().enumerate() {
                        if equals(x, &args[0])? {
                            return Ok(Value::Int(i as i64));
                        }
                    }
                    Err(value_error(format!(
                        "{}.index(x): x not in {}",
                        recv.type_name(),
                        recv.type_name()
                    )))
                }
                _ => Err(no_attr(recv, name)),
            }
        }
        Value::Float(f) if name == "is_integer" => {
            Ok(Value::Bool(f.is_finite() && f.fract() == 0.0))
        }
        Value::Int(i) if name == "bit_length" => {
            Ok(Value::Int(64 - i.unsigned_abs().leading_zeros() as i64))
        }
        _ => Err(no_attr(recv, name)),
    }
}
