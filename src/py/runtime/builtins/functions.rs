//! The built-in functions (`print`, `len`, `isinstance`, `min`, `round`, `iter`, ...).

use std::rc::Rc;

use crate::py::front::ast::CmpOp;
use crate::py::runtime::builtins::args::{
    arg_range, exactly_one, int_arg, no_kwargs, only_kw, str_arg, take_kw, Kwargs,
};
use crate::py::runtime::builtins::sort::sort_values;
use crate::py::runtime::format::{format_value, repr, to_str};
use crate::py::runtime::host::Host;
use crate::py::runtime::interp::Interp;
use crate::py::runtime::object::builtin_fn::BuiltinFn;
use crate::py::runtime::object::exception::BuiltinExc;
use crate::py::runtime::object::value::{IterState, PyException, TypeKind, Value};
use crate::py::runtime::ops::{
    collect, host_call_sync, make_iter, next_item, type_error, value_error, Next,
};
use crate::py::runtime::{format, ops};

/// Whether `v` is an instance of the type `t`.
pub(super) fn is_instance_of_type(v: &Value, t: TypeKind) -> bool {
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

pub(super) fn isinstance(
    host: &mut dyn Host,
    v: &Value,
    cls: &Value,
    depth: usize,
) -> Result<bool, PyException> {
    if depth > 50 {
        return Err(crate::py::runtime::object::value::recursion_error());
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

pub(super) fn min_max(
    vm: &mut dyn Interp,
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

pub(super) fn round_float(x: f64, nd: i64) -> f64 {
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
    vm: &mut dyn Interp,
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
                    crate::py::runtime::host::HostResult::Return(v) => Some(match count {
                        Some(c) => Value::tuple(vec![Value::Int(c), v]),
                        None => v,
                    }),
                    crate::py::runtime::host::HostResult::Raise(e) if e.is(BuiltinExc::StopIteration) => {
                        None
                    }
                    crate::py::runtime::host::HostResult::Raise(e) => return Err(e),
                    crate::py::runtime::host::HostResult::Suspend(_) => return Err(PyException::builtin(
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
            Ok(Value::Bool(v.is_callable()))
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
