//! Methods of `str`, and `str.format`.

use std::rc::Rc;

use crate::py::runtime::builtins::args::{
    args_between, int_arg, no_attr, no_kwargs, only_kw, opt_index, str_arg, take_kw, Kwargs,
};
use crate::py::runtime::builtins::codec::encode;
use crate::py::runtime::format::{format_value, repr, to_str};
use crate::py::runtime::host::Host;
use crate::py::runtime::interp::Interp;
use crate::py::runtime::object::exception::{BuiltinExc, ExcClass};
use crate::py::runtime::object::value::{PyException, Value};
use crate::py::runtime::ops::{collect, memory_error, type_error, value_error, MAX_LEN};
use crate::py::runtime::{format, ops};

/// Method names of `str`.
pub(super) const STR_METHODS: [&str; 42] = [
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

pub(super) fn split_whitespace(s: &str, maxsplit: i64, from_right: bool) -> Vec<Value> {
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

pub(super) fn char_index(s: &str, byte: usize) -> i64 {
    s[..byte].chars().count() as i64
}

pub(super) fn substr_by_chars(s: &str, start: i64, end: i64) -> (&str, usize) {
    let mut it = s
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(s.len()));
    let b0 = it.clone().nth(start.max(0) as usize).unwrap_or(s.len());
    let b1 = it.nth(end.max(0) as usize).unwrap_or(s.len()).max(b0);
    (&s[b0..b1], b0)
}

pub(super) fn str_method(
    vm: &mut dyn Interp,
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

/// `"...".format(*args, **kwargs)`.
pub fn str_format(
    vm: &mut dyn Interp,
    host: &mut dyn Host,
    fmt: &str,
    args: &[Value],
    kwargs: &Kwargs,
) -> Result<String, PyException> {
    str_format_depth(vm, host, fmt, args, kwargs, &mut 0, &mut None, 0)
}

#[allow(clippy::too_many_arguments)]
pub(super) fn str_format_depth(
    vm: &mut dyn Interp,
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
