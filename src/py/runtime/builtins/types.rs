//! Built-in types called as constructors (`int('3')`, `list(x)`, `dict(a=1)`, ...).

use std::rc::Rc;

use crate::py::runtime::builtins::args::{arg_range, int_arg, only_kw, str_arg, take_kw, Kwargs};
use crate::py::runtime::builtins::codec::{decode, encode};
use crate::py::runtime::format::to_str;
use crate::py::runtime::host::Host;
use crate::py::runtime::object::exception::BuiltinExc;
use crate::py::runtime::object::value::{Dict, PyException, RangeObj, TypeKind, Value};
use crate::py::runtime::ops::{collect, memory_error, type_error, value_error, MAX_LEN};
use crate::py::runtime::{format, ops};

pub(super) fn parse_int(s: &str, base: i64) -> Option<i64> {
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

pub(super) fn parse_float(s: &str) -> Option<f64> {
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
