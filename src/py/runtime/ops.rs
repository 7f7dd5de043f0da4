//! Operators, indexing and iteration on built-in values, with CPython's error messages.

use std::cell::RefCell;
use std::rc::Rc;

use crate::py::runtime::object::exception::{BuiltinExc, ExcClass};

use crate::py::front::ast::{BinOp, CmpOp, UnaryOp};
use crate::py::runtime::format::percent_format;
use crate::py::runtime::host::{Host, HostResult};
use crate::py::runtime::object::value::{
    compare_depth, equals, DictMap, HostRef, IterState, PyException, RangeObj, Value, ViewKind,
};

/// Largest collection or string a single operation may build: beyond it `MemoryError`, so a
/// typo like `[0] * 10**12` cannot take the browser tab down.
pub const MAX_LEN: usize = 10_000_000;

pub(crate) fn type_error(msg: impl AsRef<str>) -> PyException {
    PyException::builtin(BuiltinExc::TypeError, msg)
}

pub(crate) fn value_error(msg: impl AsRef<str>) -> PyException {
    PyException::builtin(BuiltinExc::ValueError, msg)
}

pub(crate) fn overflow() -> PyException {
    PyException::builtin(
        BuiltinExc::OverflowError,
        "integer result does not fit in 64 bits (mirrorscope ints are 64-bit)",
    )
}

pub(crate) fn memory_error() -> PyException {
    PyException::bare(BuiltinExc::MemoryError)
}

fn zero_div(msg: &str) -> PyException {
    PyException::builtin(BuiltinExc::ZeroDivisionError, msg)
}

/// Calls the host and insists on an immediate answer (for contexts that cannot wait, like the
/// inside of `list(...)`).
pub fn host_call_sync(
    host: &mut dyn Host,
    h: &HostRef,
    method: &str,
    args: Vec<Value>,
) -> Result<Value, PyException> {
    match host.call(h, method, args, Vec::new()) {
        HostResult::Return(v) => Ok(v),
        HostResult::Raise(e) => Err(e),
        HostResult::Suspend(_) => Err(PyException::builtin(
            BuiltinExc::RuntimeError,
            format!(
                "{}.{}() cannot wait for the simulation here (only a call in a statement, a for loop or a with statement can)",
                h.type_name, method
            ),
        )),
    }
}

fn binop_type_error(op: BinOp, a: &Value, b: &Value) -> PyException {
    type_error(format!(
        "unsupported operand type(s) for {}: '{}' and '{}'",
        op.symbol(),
        a.type_name(),
        b.type_name()
    ))
}

fn repeat<T: Clone>(items: &[T], n: i64) -> Result<Vec<T>, PyException> {
    if n <= 0 || items.is_empty() {
        return Ok(Vec::new());
    }
    let total = items
        .len()
        .checked_mul(n as usize)
        .ok_or_else(memory_error)?;
    if total > MAX_LEN * 8 {
        return Err(memory_error());
    }
    let mut out = Vec::with_capacity(total);
    for _ in 0..n {
        out.extend_from_slice(items);
    }
    Ok(out)
}

fn seq_repeat(seq: &Value, n: i64) -> Result<Option<Value>, PyException> {
    Ok(Some(match seq {
        Value::Str(s) => {
            if (s.len() as i128) * (n.max(0) as i128) > (MAX_LEN * 8) as i128 {
                return Err(memory_error());
            }
            Value::str(&s.repeat(n.max(0) as usize))
        }
        Value::Bytes(b) => Value::bytes(&repeat(b, n)?),
        Value::List(l) => {
            let items = l.items.borrow().clone();
            let out = repeat(&items, n)?;
            if out.len() > MAX_LEN {
                return Err(memory_error());
            }
            Value::list(out)
        }
        Value::Tuple(t) => {
            let out = repeat(&t.items, n)?;
            if out.len() > MAX_LEN {
                return Err(memory_error());
            }
            Value::tuple(out)
        }
        _ => return Ok(None),
    }))
}

fn float_divmod(a: f64, b: f64) -> (f64, f64) {
    let m = a % b;
    let mut div = (a - m) / b;
    let mut m = m;
    if m != 0.0 {
        if (b < 0.0) != (m < 0.0) {
            m += b;
            div -= 1.0;
        }
    } else {
        m = 0.0_f64.copysign(b);
    }
    let floordiv = if div != 0.0 {
        let f = div.floor();
        if div - f > 0.5 {
            f + 1.0
        } else {
            f
        }
    } else {
        0.0_f64.copysign(a / b)
    };
    (floordiv, m)
}

/// Floor division and modulo of integers, Python style.
pub fn int_divmod(a: i64, b: i64) -> Result<(i64, i64), PyException> {
    if b == 0 {
        return Err(zero_div("integer division or modulo by zero"));
    }
    let q = a.checked_div(b).ok_or_else(overflow)?;
    let r = a.wrapping_rem(b);
    if r != 0 && ((r < 0) != (b < 0)) {
        Ok((q - 1, r + b))
    } else {
        Ok((q, r))
    }
}

/// `a <op> b`.
pub fn binary(host: &mut dyn Host, op: BinOp, a: &Value, b: &Value) -> Result<Value, PyException> {
    use BinOp::*;
    // Integers (and bools) first: exact 64-bit arithmetic.
    if let (Some(x), Some(y)) = (a.as_int(), b.as_int()) {
        let both_bool = matches!((a, b), (Value::Bool(_), Value::Bool(_)));
        return Ok(match op {
            Add => Value::Int(x.checked_add(y).ok_or_else(overflow)?),
            Sub => Value::Int(x.checked_sub(y).ok_or_else(overflow)?),
            Mul => Value::Int(x.checked_mul(y).ok_or_else(overflow)?),
            Div => {
                if y == 0 {
                    return Err(zero_div("division by zero"));
                }
                Value::Float(x as f64 / y as f64)
            }
            FloorDiv => Value::Int(int_divmod(x, y)?.0),
            Mod => {
                if y == 0 {
                    return Err(zero_div("integer modulo by zero"));
                }
                Value::Int(int_divmod(x, y)?.1)
            }
            Pow => {
                if y < 0 {
                    if x == 0 {
                        return Err(zero_div("0.0 cannot be raised to a negative power"));
                    }
                    Value::Float((x as f64).powf(y as f64))
                } else {
                    let e = u32::try_from(y).map_err(|_| overflow())?;
                    Value::Int(x.checked_pow(e).ok_or_else(overflow)?)
                }
            }
            LShift => {
                if y < 0 {
                    return Err(value_error("negative shift count"));
                }
                if x == 0 {
                    Value::Int(0)
                } else {
                    let shifted = if y >= 64 {
                        None
                    } else {
                        x.checked_shl(y as u32)
                    };
                    match shifted {
                        Some(r) if r >> y == x => Value::Int(r),
                        _ => return Err(overflow()),
                    }
                }
            }
            RShift => {
                if y < 0 {
                    return Err(value_error("negative shift count"));
                }
                Value::Int(if y >= 64 {
                    if x < 0 {
                        -1
                    } else {
                        0
                    }
                } else {
                    x >> y
                })
            }
            BitAnd if both_bool => Value::Bool(x & y != 0),
            BitOr if both_bool => Value::Bool(x | y != 0),
            BitXor if both_bool => Value::Bool(x ^ y != 0),
            BitAnd => Value::Int(x & y),
            BitOr => Value::Int(x | y),
            BitXor => Value::Int(x ^ y),
        });
    }
    if let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) {
        return Ok(Value::Float(match op {
            Add => x + y,
            Sub => x - y,
            Mul => x * y,
            Div => {
                if y == 0.0 {
                    return Err(zero_div("float division by zero"));
                }
                x / y
            }
            FloorDiv => {
                if y == 0.0 {
                    return Err(zero_div("float floor division by zero"));
                }
                float_divmod(x, y).0
            }
            Mod => {
                if y == 0.0 {
                    return Err(zero_div("float modulo"));
                }
                float_divmod(x, y).1
            }
            Pow => {
                if x == 0.0 && y < 0.0 {
                    return Err(zero_div("0.0 cannot be raised to a negative power"));
                }
                if x < 0.0 && y.fract() != 0.0 && y.is_finite() {
                    return Err(value_error(
                        "complex results are not supported by the mirrorscope Python subset",
                    ));
                }
                let r = x.powf(y);
                if r.is_infinite() && x.is_finite() && y.is_finite() {
                    return Err(PyException::builtin(
                        BuiltinExc::OverflowError,
                        "(34, 'Numerical result out of range')",
                    ));
                }
                r
            }
            _ => return Err(binop_type_error(op, a, b)),
        }));
    }
    match (op, a, b) {
        (Add, Value::Str(x), Value::Str(y)) => {
            if x.len() + y.len() > MAX_LEN * 8 {
                return Err(memory_error());
            }
            let mut s = String::with_capacity(x.len() + y.len());
            s.push_str(x);
            s.push_str(y);
            Ok(Value::str(&s))
        }
        (Add, Value::Str(_), other) => Err(type_error(format!(
            "can only concatenate str (not \"{}\") to str",
            other.type_name()
        ))),
        (Add, Value::Bytes(x), Value::Bytes(y)) => {
            let mut v = x.to_vec();
            v.extend_from_slice(y);
            Ok(Value::bytes(&v))
        }
        (Add, Value::Bytes(_), other) => Err(type_error(format!(
            "can't concat {} to bytes",
            other.type_name()
        ))),
        (Add, Value::List(x), Value::List(y)) => {
            let mut v = x.items.borrow().clone();
            v.extend(y.items.borrow().iter().cloned());
            if v.len() > MAX_LEN {
                return Err(memory_error());
            }
            Ok(Value::list(v))
        }
        (Add, Value::List(_), other) => Err(type_error(format!(
            "can only concatenate list (not \"{}\") to list",
            other.type_name()
        ))),
        (Add, Value::Tuple(x), Value::Tuple(y)) => {
            let mut v = x.items.clone();
            v.extend(y.items.iter().cloned());
            Ok(Value::tuple(v))
        }
        (Add, Value::Tuple(_), other) => Err(type_error(format!(
            "can only concatenate tuple (not \"{}\") to tuple",
            other.type_name()
        ))),
        (Mul, seq, n) | (Mul, n, seq)
            if n.as_int().is_some()
                && !matches!(seq, Value::Int(_) | Value::Bool(_) | Value::Float(_)) =>
        {
            match seq_repeat(seq, n.as_int().unwrap_or(0))? {
                Some(v) => Ok(v),
                None => Err(binop_type_error(op, a, b)),
            }
        }
        (Mul, Value::Str(_) | Value::List(_) | Value::Tuple(_) | Value::Bytes(_), other) => {
            Err(type_error(format!(
                "can't multiply sequence by non-int of type '{}'",
                other.type_name()
            )))
        }
        (Mul, other, Value::Str(_) | Value::List(_) | Value::Tuple(_) | Value::Bytes(_)) => {
            Err(type_error(format!(
                "can't multiply sequence by non-int of type '{}'",
                other.type_name()
            )))
        }
        (Mod, Value::Str(fmt), args) => Ok(Value::str(&percent_format(host, fmt, args)?)),
        (Mod, Value::Bytes(fmt), args) => bytes_format(host, fmt, args),
        _ => Err(binop_type_error(op, a, b)),
    }
}

/// `bytes % args`: formatted as latin-1 text, with bytes arguments spliced in raw.
fn bytes_format(host: &mut dyn Host, fmt: &[u8], args: &Value) -> Result<Value, PyException> {
    let as_text = |v: &Value| match v {
        Value::Bytes(b) => Value::str(&b.iter().map(|c| *c as char).collect::<String>()),
        other => other.clone(),
    };
    let args = match args {
        Value::Tuple(t) => Value::tuple(t.items.iter().map(as_text).collect()),
        other => as_text(other),
    };
    let fmt: String = fmt.iter().map(|c| *c as char).collect();
    let text = percent_format(host, &fmt, &args).map_err(|e| {
        match e.args().first().and_then(|m| m.as_str()) {
            Some(m) if m.ends_with("during string formatting") => {
                type_error(m.replace("string formatting", "bytes formatting"))
            }
            _ => e,
        }
    })?;
    match text
        .chars()
        .map(|c| u8::try_from(c as u32))
        .collect::<Result<Vec<u8>, _>>()
    {
        Ok(b) => Ok(Value::bytes(&b)),
        Err(_) => Err(type_error(
            "%b requires a bytes-like object, or an object that implements __bytes__, not 'str'",
        )),
    }
}

/// `a <op>= b`: lists are extended / repeated in place, everything else is `binary`.
pub fn inplace(host: &mut dyn Host, op: BinOp, a: &Value, b: &Value) -> Result<Value, PyException> {
    if let Value::List(l) = a {
        match op {
            BinOp::Add => {
                let items = collect_simple(b).ok_or_else(|| {
                    type_error(format!("'{}' object is not iterable", b.type_name()))
                })?;
                let mut v = l.items.borrow_mut();
                if v.len() + items.len() > MAX_LEN {
                    return Err(memory_error());
                }
                v.extend(items);
                drop(v);
                return Ok(a.clone());
            }
            BinOp::Mul if b.as_int().is_some() => {
                let n = b.as_int().unwrap_or(0);
                let items = l.items.borrow().clone();
                let out = repeat(&items, n)?;
                if out.len() > MAX_LEN {
                    return Err(memory_error());
                }
                *l.items.borrow_mut() = out;
                return Ok(a.clone());
            }
            _ => {}
        }
    }
    if let Value::Dict(d) = a {
        if op == BinOp::BitOr {
            if let Value::Dict(other) = b {
                let pairs: Vec<(Value, Value)> = other
                    .map
                    .borrow()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                for (k, v) in pairs {
                    d.map.borrow_mut().insert(k, v)?;
                }
                return Ok(a.clone());
            }
        }
    }
    binary(host, op, a, b).map_err(|e| {
        // CPython names the augmented operator in this message.
        let plain = format!("unsupported operand type(s) for {}:", op.symbol());
        match e.args().first().and_then(|m| m.as_str()) {
            Some(msg) if e.is(BuiltinExc::TypeError) && msg.starts_with(&plain) => {
                type_error(format!(
                    "unsupported operand type(s) for {}=:{}",
                    op.symbol(),
                    &msg[plain.len()..]
                ))
            }
            _ => e,
        }
    })
}

/// `-a`, `+a`, `~a`, `not a`.
pub fn unary(op: UnaryOp, a: &Value) -> Result<Value, PyException> {
    let bad = |sym: &str| {
        type_error(format!(
            "bad operand type for unary {sym}: '{}'",
            a.type_name()
        ))
    };
    Ok(match op {
        UnaryOp::Not => Value::Bool(!a.truthy()),
        UnaryOp::Neg => match a {
            Value::Int(_) | Value::Bool(_) => {
                Value::Int(a.as_int().unwrap_or(0).checked_neg().ok_or_else(overflow)?)
            }
            Value::Float(f) => Value::Float(-f),
            _ => return Err(bad("-")),
        },
        UnaryOp::Pos => match a {
            Value::Int(_) | Value::Bool(_) => Value::Int(a.as_int().unwrap_or(0)),
            Value::Float(f) => Value::Float(*f),
            _ => return Err(bad("+")),
        },
        UnaryOp::Invert => match a {
            Value::Int(_) | Value::Bool(_) => Value::Int(!a.as_int().unwrap_or(0)),
            _ => return Err(bad("~")),
        },
    })
}

/// `a <cmp> b` (except `in`, which needs the host: see [`contains`]).
pub fn compare(op: CmpOp, a: &Value, b: &Value) -> Result<bool, PyException> {
    use std::cmp::Ordering::*;
    Ok(match op {
        CmpOp::Eq => equals(a, b)?,
        CmpOp::Ne => !equals(a, b)?,
        CmpOp::Is => a.is(b),
        CmpOp::IsNot => !a.is(b),
        CmpOp::In | CmpOp::NotIn => false,
        CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge => {
            if let (Some(x), Some(y)) = (a.as_int(), b.as_int()) {
                return Ok(match op {
                    CmpOp::Lt => x < y,
                    CmpOp::Le => x <= y,
                    CmpOp::Gt => x > y,
                    _ => x >= y,
                });
            }
            if let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) {
                return Ok(match op {
                    CmpOp::Lt => x < y,
                    CmpOp::Le => x <= y,
                    CmpOp::Gt => x > y,
                    _ => x >= y,
                });
            }
            match compare_depth(a, b, 0)? {
                Some(ord) => match op {
                    CmpOp::Lt => ord == Less,
                    CmpOp::Le => ord != Greater,
                    CmpOp::Gt => ord == Greater,
                    _ => ord != Less,
                },
                None => {
                    return Err(type_error(format!(
                        "'{}' not supported between instances of '{}' and '{}'",
                        op.symbol(),
                        a.type_name(),
                        b.type_name()
                    )))
                }
            }
        }
    })
}

/// `item in container`.
pub fn contains(host: &mut dyn Host, container: &Value, item: &Value) -> Result<bool, PyException> {
    match container {
        Value::Str(s) => match item {
            Value::Str(sub) => Ok(s.contains(&**sub)),
            other => Err(type_error(format!(
                "'in <string>' requires string as left operand, not {}",
                other.type_name()
            ))),
        },
        Value::Bytes(b) => match item {
            Value::Bytes(sub) => Ok(sub.is_empty() || b.windows(sub.len()).any(|w| w == &sub[..])),
            Value::Int(i) => Ok(b.contains(&(*i as u8)) && (0..256).contains(i)),
            other => Err(type_error(format!(
                "a bytes-like object is required, not '{}'",
                other.type_name()
            ))),
        },
        Value::List(l) => {
            let items = l.items.borrow().clone();
            for x in &items {
                if x.is(item) || equals(x, item)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Value::Tuple(t) => {
            for x in &t.items {
                if x.is(item) || equals(x, item)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Value::Dict(d) => Ok(d.map.borrow().get(item)?.is_some()),
        Value::DictView(v) => match v.1 {
            ViewKind::Keys => Ok(v.0.map.borrow().get(item)?.is_some()),
            _ => {
                let items = collect_simple(container).unwrap_or_default();
                for x in &items {
                    if equals(x, item)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
        },
        Value::Range(r) => {
            let Some(i) = item.as_int().or_else(|| match item {
                Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Some(*f as i64),
                _ => None,
            }) else {
                return Ok(false);
            };
            let (start, stop, step) = (r.start as i128, r.stop as i128, r.step as i128);
            let i = i as i128;
            let inside = if step > 0 {
                start <= i && i < stop
            } else {
                stop < i && i <= start
            };
            Ok(inside && (i - start) % step == 0)
        }
        Value::Iter(_) => {
            let it = container.clone();
            loop {
                match next_item(&it)? {
                    Next::Item(x) => {
                        if equals(&x, item)? {
                            return Ok(true);
                        }
                    }
                    Next::Done => return Ok(false),
                    Next::Host(h, _) => match host.call(&h, "__next__", Vec::new(), Vec::new()) {
                        HostResult::Return(x) => {
                            if equals(&x, item)? {
                                return Ok(true);
                            }
                        }
                        HostResult::Raise(e) if e.is(BuiltinExc::StopIteration) => {
                            return Ok(false)
                        }
                        HostResult::Raise(e) => return Err(e),
                        HostResult::Suspend(_) => {
                            return Err(PyException::builtin(
                                BuiltinExc::RuntimeError,
                                "a host iterator cannot wait for the simulation inside 'in'",
                            ))
                        }
                    },
                }
            }
        }
        Value::Host(h) => {
            let r = host_call_sync(host, h, "__contains__", vec![item.clone()])?;
            Ok(r.truthy())
        }
        other => Err(type_error(format!(
            "argument of type '{}' is not iterable",
            other.type_name()
        ))),
    }
}

/// Resolves a slice against a length: (start, stop, step, count).
pub fn slice_indices(s: &[Value; 3], len: i64) -> Result<(i64, i64, i64, i64), PyException> {
    let get = |v: &Value| -> Result<Option<i64>, PyException> {
        match v {
            Value::None => Ok(None),
            other => other.as_int().map(Some).ok_or_else(|| {
                type_error("slice indices must be integers or None or have an __index__ method")
            }),
        }
    };
    let step = get(&s[2])?.unwrap_or(1);
    if step == 0 {
        return Err(value_error("slice step cannot be zero"));
    }
    let adjust = |v: Option<i64>, default: i64, lo: i64, hi: i64| -> i64 {
        match v {
            None => default,
            Some(mut i) => {
                if i < 0 {
                    i = i.saturating_add(len);
                    if i < lo {
                        i = lo;
                    }
                } else if i > hi {
                    i = hi;
                }
                i
            }
        }
    };
    let (start, stop) = if step > 0 {
        (
            adjust(get(&s[0])?, 0, 0, len),
            adjust(get(&s[1])?, len, 0, len),
        )
    } else {
        (
            adjust(get(&s[0])?, len - 1, -1, len - 1),
            adjust(get(&s[1])?, -1, -1, len - 1),
        )
    };
    let count = if step > 0 {
        if stop > start {
            (stop - start - 1) / step + 1
        } else {
            0
        }
    } else if start > stop {
        (start - stop - 1) / (-step) + 1
    } else {
        0
    };
    Ok((start, stop, step, count))
}

fn pick<T: Clone>(items: &[T], s: &[Value; 3]) -> Result<Vec<T>, PyException> {
    let (start, _, step, count) = slice_indices(s, items.len() as i64)?;
    Ok((0..count)
        .filter_map(|k| items.get((start + k * step) as usize).cloned())
        .collect())
}

fn norm_index(i: i64, len: usize) -> Option<usize> {
    let len = len as i64;
    let j = if i < 0 { i + len } else { i };
    (0..len).contains(&j).then_some(j as usize)
}

fn index_of(v: &Value, what: &str) -> Result<i64, PyException> {
    v.as_int().ok_or_else(|| {
        type_error(format!(
            "{what} indices must be integers or slices, not {}",
            v.type_name()
        ))
    })
}

/// `obj[idx]` for built-in values (host objects are handled by the VM).
pub fn getitem(obj: &Value, idx: &Value) -> Result<Value, PyException> {
    match obj {
        Value::List(l) => {
            if let Value::Slice(s) = idx {
                return Ok(Value::list(pick(&l.items.borrow(), s)?));
            }
            let i = index_of(idx, "list")?;
            let items = l.items.borrow();
            norm_index(i, items.len())
                .map(|j| items[j].clone())
                .ok_or_else(|| {
                    PyException::builtin(BuiltinExc::IndexError, "list index out of range")
                })
        }
        Value::Tuple(t) => {
            if let Value::Slice(s) = idx {
                return Ok(Value::tuple(pick(&t.items, s)?));
            }
            let i = index_of(idx, "tuple")?;
            norm_index(i, t.items.len())
                .map(|j| t.items[j].clone())
                .ok_or_else(|| {
                    PyException::builtin(BuiltinExc::IndexError, "tuple index out of range")
                })
        }
        Value::Str(s) => {
            if let Value::Slice(sl) = idx {
                let chars: Vec<char> = s.chars().collect();
                return Ok(Value::str(
                    &pick(&chars, sl)?.into_iter().collect::<String>(),
                ));
            }
            let i = idx.as_int().ok_or_else(|| {
                type_error(format!(
                    "string indices must be integers, not '{}'",
                    idx.type_name()
                ))
            })?;
            let n = if s.is_ascii() {
                s.len()
            } else {
                s.chars().count()
            };
            let j = norm_index(i, n).ok_or_else(|| {
                PyException::builtin(BuiltinExc::IndexError, "string index out of range")
            })?;
            let c = if s.is_ascii() {
                s[j..j + 1].to_string()
            } else {
                s.chars().nth(j).map(|c| c.to_string()).unwrap_or_default()
            };
            Ok(Value::str(&c))
        }
        Value::Bytes(b) => {
            if let Value::Slice(s) = idx {
                return Ok(Value::bytes(&pick(b, s)?));
            }
            let i = index_of(idx, "byte")?;
            norm_index(i, b.len())
                .map(|j| Value::Int(b[j] as i64))
                .ok_or_else(|| PyException::builtin(BuiltinExc::IndexError, "index out of range"))
        }
        Value::Dict(d) => d.map.borrow().get(idx)?.ok_or_else(|| {
            PyException::with_args(ExcClass::Builtin(BuiltinExc::KeyError), vec![idx.clone()])
        }),
        Value::Range(r) => {
            if let Value::Slice(s) = idx {
                let (start, _, step, count) = slice_indices(s, r.len())?;
                let new_start = r.start as i128 + start as i128 * r.step as i128;
                let new_step = r.step as i128 * step as i128;
                let new_stop = new_start + count as i128 * new_step;
                let fit = |x: i128| i64::try_from(x).map_err(|_| overflow());
                return Ok(Value::Range(Rc::new(RangeObj {
                    start: fit(new_start)?,
                    stop: fit(new_stop)?,
                    step: fit(new_step)?,
                })));
            }
            let i = index_of(idx, "range")?;
            let len = r.len();
            let j = if i < 0 { i + len } else { i };
            if !(0..len).contains(&j) {
                return Err(PyException::builtin(
                    BuiltinExc::IndexError,
                    "range object index out of range",
                ));
            }
            Ok(Value::Int(r.at(j)))
        }
        other => Err(type_error(format!(
            "'{}' object is not subscriptable",
            other.type_name()
        ))),
    }
}

/// `obj[idx] = value` for built-in values.
pub fn setitem(obj: &Value, idx: &Value, value: Value) -> Result<(), PyException> {
    match obj {
        Value::List(l) => {
            if let Value::Slice(s) = idx {
                let new_items = collect_simple(&value)
                    .ok_or_else(|| type_error("can only assign an iterable"))?;
                let mut items = l.items.borrow_mut();
                let (start, stop, step, count) = slice_indices(s, items.len() as i64)?;
                if step == 1 {
                    let stop = stop.max(start) as usize;
                    let start = start as usize;
                    items.splice(start..stop, new_items);
                } else {
                    if new_items.len() as i64 != count {
                        return Err(value_error(format!(
                            "attempt to assign sequence of size {} to extended slice of size {}",
                            new_items.len(),
                            count
                        )));
                    }
                    for (k, v) in new_items.into_iter().enumerate() {
                        let at = (start + k as i64 * step) as usize;
                        if let Some(slot) = items.get_mut(at) {
                            *slot = v;
                        }
                    }
                }
                return Ok(());
            }
            let i = index_of(idx, "list")?;
            let mut items = l.items.borrow_mut();
            let n = items.len();
            let j = norm_index(i, n).ok_or_else(|| {
                PyException::builtin(BuiltinExc::IndexError, "list assignment index out of range")
            })?;
            items[j] = value;
            Ok(())
        }
        Value::Dict(d) => d.map.borrow_mut().insert(idx.clone(), value),
        other => Err(type_error(format!(
            "'{}' object does not support item assignment",
            other.type_name()
        ))),
    }
}

/// `del obj[idx]` for built-in values.
pub fn delitem(obj: &Value, idx: &Value) -> Result<(), PyException> {
    match obj {
        Value::List(l) => {
            let mut items = l.items.borrow_mut();
            if let Value::Slice(s) = idx {
                let (start, _, step, count) = slice_indices(s, items.len() as i64)?;
                let mut drop_at: Vec<usize> =
                    (0..count).map(|k| (start + k * step) as usize).collect();
                drop_at.sort_unstable();
                for at in drop_at.into_iter().rev() {
                    if at < items.len() {
                        items.remove(at);
                    }
                }
                return Ok(());
            }
            let i = index_of(idx, "list")?;
            let n = items.len();
            let j = norm_index(i, n).ok_or_else(|| {
                PyException::builtin(BuiltinExc::IndexError, "list assignment index out of range")
            })?;
            items.remove(j);
            Ok(())
        }
        Value::Dict(d) => match d.map.borrow_mut().remove(idx)? {
            Some(_) => Ok(()),
            None => Err(PyException::with_args(
                ExcClass::Builtin(BuiltinExc::KeyError),
                vec![idx.clone()],
            )),
        },
        other => Err(type_error(format!(
            "'{}' object doesn't support item deletion",
            other.type_name()
        ))),
    }
}

/// The result of advancing an iterator.
pub enum Next {
    /// A value.
    Item(Value),
    /// Exhausted.
    Done,
    /// The next value comes from the host (`__next__` on this object); the count is set when
    /// the value must be wrapped as `enumerate` would.
    Host(HostRef, Option<i64>),
}

fn new_iter(state: IterState) -> Value {
    Value::Iter(Rc::new(RefCell::new(state)))
}

/// `iter(v)` for built-in values; `Ok(None)` for host objects (the VM asks the host).
pub fn make_iter(v: &Value) -> Result<Option<Value>, PyException> {
    Ok(Some(match v {
        Value::List(_) | Value::Tuple(_) | Value::Bytes(_) => new_iter(IterState::Seq {
            seq: v.clone(),
            idx: 0,
        }),
        Value::Str(s) => new_iter(IterState::Chars {
            s: s.clone(),
            pos: 0,
        }),
        Value::Range(r) => new_iter(IterState::Range { range: **r, idx: 0 }),
        Value::Dict(d) => new_iter(IterState::Dict {
            dict: d.clone(),
            kind: ViewKind::Keys,
            idx: 0,
            len: d.map.borrow().len(),
        }),
        Value::DictView(dv) => new_iter(IterState::Dict {
            dict: dv.0.clone(),
            kind: dv.1,
            idx: 0,
            len: dv.0.map.borrow().len(),
        }),
        Value::Iter(_) => v.clone(),
        Value::Host(_) => return Ok(None),
        other => {
            return Err(type_error(format!(
                "'{}' object is not iterable",
                other.type_name()
            )))
        }
    }))
}

/// Advances an iterator value.
pub fn next_item(it: &Value) -> Result<Next, PyException> {
    let Value::Iter(cell) = it else {
        if let Value::Host(h) = it {
            return Ok(Next::Host(h.clone(), None));
        }
        return Err(type_error(format!(
            "'{}' object is not an iterator",
            it.type_name()
        )));
    };
    let mut st = cell.borrow_mut();
    let result = match &mut *st {
        IterState::Seq { seq, idx } => {
            let item = match seq {
                Value::List(l) => l.items.borrow().get(*idx).cloned(),
                Value::Tuple(t) => t.items.get(*idx).cloned(),
                Value::Bytes(b) => b.get(*idx).map(|x| Value::Int(*x as i64)),
                _ => None,
            };
            *idx += 1;
            item.map(Next::Item).unwrap_or(Next::Done)
        }
        IterState::Chars { s, pos } => match s[*pos..].chars().next() {
            Some(c) => {
                *pos += c.len_utf8();
                Next::Item(Value::str(c.encode_utf8(&mut [0; 4])))
            }
            None => Next::Done,
        },
        IterState::Range { range, idx } => {
            if *idx < range.len() {
                let v = range.at(*idx);
                *idx += 1;
                Next::Item(Value::Int(v))
            } else {
                Next::Done
            }
        }
        IterState::Dict {
            dict,
            kind,
            idx,
            len,
        } => {
            let map = dict.map.borrow();
            if map.len() != *len {
                return Err(PyException::builtin(
                    BuiltinExc::RuntimeError,
                    "dictionary changed size during iteration",
                ));
            }
            let mut found = None;
            while *idx < map.slots() {
                let slot = map.slot(*idx).cloned();
                *idx += 1;
                if let Some((k, v)) = slot {
                    found = Some(match kind {
                        ViewKind::Keys => k,
                        ViewKind::Values => v,
                        ViewKind::Items => Value::tuple(vec![k, v]),
                    });
                    break;
                }
            }
            found.map(Next::Item).unwrap_or(Next::Done)
        }
        IterState::Enumerate { inner, count } => {
            let inner = inner.clone();
            let c = *count;
            drop(st);
            let r = next_item(&inner)?;
            let mut st = cell.borrow_mut();
            if let IterState::Enumerate { count, .. } = &mut *st {
                if !matches!(r, Next::Done) {
                    *count += 1;
                }
            }
            return Ok(match r {
                Next::Item(v) => Next::Item(Value::tuple(vec![Value::Int(c), v])),
                Next::Done => Next::Done,
                Next::Host(h, _) => Next::Host(h, Some(c)),
            });
        }
        IterState::Zip(inners) => {
            let inners = inners.clone();
            drop(st);
            let mut items = Vec::with_capacity(inners.len());
            for i in &inners {
                match next_item(i)? {
                    Next::Item(v) => items.push(v),
                    Next::Done => {
                        *cell.borrow_mut() = IterState::Done;
                        return Ok(Next::Done);
                    }
                    Next::Host(h, _) => {
                        return Err(PyException::builtin(
                            BuiltinExc::RuntimeError,
                            format!("zip() over a {} iterator is not supported by the mirrorscope Python subset", h.type_name),
                        ))
                    }
                }
            }
            if inners.is_empty() {
                return Ok(Next::Done);
            }
            return Ok(Next::Item(Value::tuple(items)));
        }
        IterState::Reversed { seq, remaining } => {
            if *remaining == 0 {
                Next::Done
            } else {
                *remaining -= 1;
                let i = *remaining;
                let item = match seq {
                    Value::List(l) => l.items.borrow().get(i).cloned(),
                    Value::Tuple(t) => t.items.get(i).cloned(),
                    Value::Str(s) => s.chars().nth(i).map(|c| Value::str(&c.to_string())),
                    Value::Range(r) => Some(Value::Int(r.at(i as i64))),
                    Value::Bytes(b) => b.get(i).map(|x| Value::Int(*x as i64)),
                    _ => None,
                };
                item.map(Next::Item).unwrap_or(Next::Done)
            }
        }
        IterState::Host(h) => Next::Host(h.clone(), None),
        IterState::Done => Next::Done,
    };
    Ok(result)
}

/// All items of a built-in iterable, without any host involvement (`None` if not iterable
/// that way).
pub fn collect_simple(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::List(l) => Some(l.items.borrow().clone()),
        Value::Tuple(t) => Some(t.items.clone()),
        _ => {
            let it = make_iter(v).ok()??;
            let mut out = Vec::new();
            loop {
                match next_item(&it).ok()? {
                    Next::Item(x) => {
                        out.push(x);
                        if out.len() > MAX_LEN {
                            return None;
                        }
                    }
                    Next::Done => return Some(out),
                    Next::Host(..) => return None,
                }
            }
        }
    }
}

/// All items of any iterable; host iterables are driven with immediate host calls.
pub fn collect(host: &mut dyn Host, v: &Value) -> Result<Vec<Value>, PyException> {
    match v {
        Value::List(l) => return Ok(l.items.borrow().clone()),
        Value::Tuple(t) => return Ok(t.items.clone()),
        Value::Range(r) if r.len() > MAX_LEN as i64 => return Err(memory_error()),
        _ => {}
    }
    let it = match make_iter(v)? {
        Some(it) => it,
        None => {
            let Value::Host(h) = v else {
                return Err(type_error(format!(
                    "'{}' object is not iterable",
                    v.type_name()
                )));
            };
            host_call_sync(host, h, "__iter__", Vec::new())?
        }
    };
    let mut out = Vec::new();
    loop {
        match next_item(&it)? {
            Next::Item(x) => out.push(x),
            Next::Done => return Ok(out),
            Next::Host(h, count) => match host.call(&h, "__next__", Vec::new(), Vec::new()) {
                HostResult::Return(x) => out.push(match count {
                    Some(c) => Value::tuple(vec![Value::Int(c), x]),
                    None => x,
                }),
                HostResult::Raise(e) if e.is(BuiltinExc::StopIteration) => return Ok(out),
                HostResult::Raise(e) => return Err(e),
                HostResult::Suspend(_) => {
                    return Err(PyException::builtin(
                        BuiltinExc::RuntimeError,
                        format!(
                            "{} iterator cannot wait for the simulation here (use a for loop)",
                            h.type_name
                        ),
                    ))
                }
            },
        }
        if out.len() > MAX_LEN {
            return Err(memory_error());
        }
    }
}

/// Builds a dict from an iterable of pairs or another dict.
pub fn dict_from(host: &mut dyn Host, v: &Value) -> Result<DictMap, PyException> {
    let mut map = DictMap::default();
    if let Value::Dict(d) = v {
        for (k, x) in d.map.borrow().iter() {
            map.insert(k.clone(), x.clone())?;
        }
        return Ok(map);
    }
    for (n, item) in collect(host, v)?.into_iter().enumerate() {
        let pair = collect(host, &item).map_err(|_| {
            type_error(format!(
                "cannot convert dictionary update sequence element #{n} to a sequence"
            ))
        })?;
        if pair.len() != 2 {
            return Err(value_error(format!(
                "dictionary update sequence element #{n} has length {}; 2 is required",
                pair.len()
            )));
        }
        let mut it = pair.into_iter();
        if let (Some(k), Some(x)) = (it.next(), it.next()) {
            map.insert(k, x)?;
        }
    }
    Ok(map)
}
