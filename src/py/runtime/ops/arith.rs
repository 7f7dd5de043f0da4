//! Arithmetic, comparison, membership and `%` on bytes.

use crate::py::runtime::object::exception::BuiltinExc;

use crate::py::front::ast::{BinOp, CmpOp, UnaryOp};
use crate::py::runtime::format::percent_format;
use crate::py::runtime::host::{Host, HostResult};
use crate::py::runtime::object::value::{compare_depth, equals, PyException, Value, ViewKind};
use crate::py::runtime::ops::errors::{
    memory_error, overflow, type_error, value_error, zero_div, MAX_LEN,
};
use crate::py::runtime::ops::iter::{collect_simple, host_call_sync, next_item, Next};

pub(super) fn binop_type_error(op: BinOp, a: &Value, b: &Value) -> PyException {
    type_error(format!(
        "unsupported operand type(s) for {}: '{}' and '{}'",
        op.symbol(),
        a.type_name(),
        b.type_name()
    ))
}

pub(super) fn repeat<T: Clone>(items: &[T], n: i64) -> Result<Vec<T>, PyException> {
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

pub(super) fn seq_repeat(seq: &Value, n: i64) -> Result<Option<Value>, PyException> {
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

pub(super) fn float_divmod(a: f64, b: f64) -> (f64, f64) {
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
pub(super) fn bytes_format(
    host: &mut dyn Host,
    fmt: &[u8],
    args: &Value,
) -> Result<Value, PyException> {
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
                if items.len() > MAX_LEN {
                    return Err(memory_error());
                }
                if v.len() + items.len() > super::errors::MAX_ITEMS {
                    return Err(super::errors::list_too_long());
                }
                crate::py::runtime::object::charge::charge(
                    items.len() * std::mem::size_of::<Value>(),
                );
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
                crate::py::runtime::object::charge::charge(
                    out.len() * std::mem::size_of::<Value>(),
                );
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
