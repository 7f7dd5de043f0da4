//! Methods of `bytes`.

use std::rc::Rc;

use crate::py::runtime::builtins::args::{
    args_between, no_attr, only_kw, str_arg, take_kw, Kwargs,
};
use crate::py::runtime::builtins::codec::decode;
use crate::py::runtime::object::value::{PyException, Value};
use crate::py::runtime::ops::{type_error, value_error};

/// Method names of `bytes`.
pub(super) const BYTES_METHODS: [&str; 9] = [
    "count",
    "decode",
    "hex",
    "startswith",
    "endswith",
    "upper",
    "lower",
    "strip",
    "split",
];

/// Calls a method of a `bytes`.
pub(super) fn call_method(
    recv: &Value,
    b: &Rc<[u8]>,
    name: &str,
    args: Vec<Value>,
    mut kwargs: Kwargs,
) -> Result<Value, PyException> {
    let mname = format!("{}.{}", recv.type_name(), name);
    match name {
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
        "count" => {
            // bytes.count(sub): non-overlapping occurrences (RabbitMQ's worker.py counts dots).
            args_between(&mname, &args, 1, 1)?;
            let sub: &[u8] = match &args[0] {
                Value::Bytes(s) => s,
                Value::Int(n) if (0..=255).contains(n) => &[*n as u8],
                Value::Int(_) => return Err(value_error("byte must be in range(0, 256)")),
                other => {
                    return Err(type_error(format!(
                        "argument should be integer or bytes-like object, not '{}'",
                        other.type_name()
                    )))
                }
            };
            let n = if sub.is_empty() {
                b.len() + 1
            } else {
                let (mut n, mut i) = (0, 0);
                while i + sub.len() <= b.len() {
                    if b[i..i + sub.len()] == *sub {
                        n += 1;
                        i += sub.len();
                    } else {
                        i += 1;
                    }
                }
                n
            };
            Ok(Value::Int(n as i64))
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
    }
}
