//! Turning values into text as CPython does: `repr`, `str`, float repr, the format-spec
//! mini-language (`f"{x:.2f}"`, `format`), `%` formatting and `str.format`.

use std::rc::Rc;

use crate::py::runtime::object::exception::{BuiltinExc, ExcClass};

use crate::py::runtime::host::{Host, NoHost};
use crate::py::runtime::object::value::{
    recursion_error, IterState, PyException, Value, ViewKind, MAX_VALUE_DEPTH,
};

fn type_error(msg: impl AsRef<str>) -> PyException {
    PyException::builtin(BuiltinExc::TypeError, msg)
}

fn value_error(msg: impl AsRef<str>) -> PyException {
    PyException::builtin(BuiltinExc::ValueError, msg)
}

/// `repr(v)`.
pub fn repr(host: &mut dyn Host, v: &Value) -> Result<String, PyException> {
    let mut out = String::new();
    let mut seen = Vec::new();
    repr_into(host, v, &mut out, &mut seen, 0)?;
    Ok(out)
}

/// `str(v)`.
pub fn to_str(host: &mut dyn Host, v: &Value) -> Result<String, PyException> {
    match v {
        Value::Str(s) => Ok(s.to_string()),
        Value::Exception(e) => exc_str(host, e),
        _ => repr(host, v),
    }
}

/// `str(e)` for an exception.
pub fn exc_str(host: &mut dyn Host, e: &PyException) -> Result<String, PyException> {
    let args = e.args();
    match args.len() {
        0 => Ok(String::new()),
        1 if e.is(BuiltinExc::KeyError) => repr(host, &args[0]),
        1 => to_str(host, &args[0]),
        _ => repr(host, &Value::tuple(args.to_vec())),
    }
}

/// `str(e)` without a host (host objects print as `<Type object>`).
pub fn exc_str_plain(e: &PyException) -> String {
    exc_str(&mut NoHost, e).unwrap_or_default()
}

/// `repr(v)` without a host (host objects print as `<Type object>`): for texts a host class's
/// `__repr__` builds from its arguments.
pub fn repr_plain(v: &Value) -> String {
    repr(&mut NoHost, v).unwrap_or_default()
}

/// `repr` of a `str`.
pub fn repr_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if (0x80..0xa0).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if matches!(c as u32, 0xad | 0x2028 | 0x2029 | 0xfeff) => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// `repr` of `bytes`.
pub fn repr_bytes(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from("b");
    out.push(quote);
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            c if c as char == quote => {
                out.push('\\');
                out.push(c as char);
            }
            0x20..=0x7e => out.push(c as char),
            c => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push(quote);
    out
}

/// Python's `repr(float)`: shortest round-tripping digits, scientific outside 1e-4..1e16.
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    let sci = format!("{:e}", f);
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if (-4..16).contains(&exp) {
        if exp >= 0 {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                out.push_str(&digits);
                out.push_str(&"0".repeat(int_len - digits.len()));
                out.push_str(".0");
            } else {
                out.push_str(&digits[..int_len]);
                out.push('.');
                out.push_str(&digits[int_len..]);
            }
        } else {
            out.push_str("0.");
            out.push_str(&"0".repeat((-exp - 1) as usize));
            out.push_str(&digits);
        }
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push_str(&format!(
            "e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.abs()
        ));
    }
    out
}

fn ptr_of(v: &Value) -> Option<usize> {
    match v {
        Value::List(l) => Some(Rc::as_ptr(l) as *const u8 as usize),
        Value::Dict(d) => Some(Rc::as_ptr(d) as *const u8 as usize),
        _ => None,
    }
}

fn repr_into(
    host: &mut dyn Host,
    v: &Value,
    out: &mut String,
    seen: &mut Vec<usize>,
    depth: usize,
) -> Result<(), PyException> {
    if depth > MAX_VALUE_DEPTH {
        return Err(recursion_error());
    }
    if let Some(p) = ptr_of(v) {
        if seen.contains(&p) {
            out.push_str(if matches!(v, Value::List(_)) {
                "[...]"
            } else {
                "{...}"
            });
            return Ok(());
        }
    }
    let seq = |host: &mut dyn Host,
               items: &[Value],
               out: &mut String,
               seen: &mut Vec<usize>|
     -> Result<(), PyException> {
        for (i, x) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            repr_into(host, x, out, seen, depth + 1)?;
        }
        Ok(())
    };
    match v {
        Value::None => out.push_str("None"),
        Value::Bool(b) => out.push_str(if *b { "True" } else { "False" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(&float_repr(*f)),
        Value::Str(s) => out.push_str(&repr_str(s)),
        Value::Bytes(b) => out.push_str(&repr_bytes(b)),
        Value::List(l) => {
            let items = l.items.borrow().clone();
            seen.push(Rc::as_ptr(l) as *const u8 as usize);
            out.push('[');
            seq(host, &items, out, seen)?;
            out.push(']');
            seen.pop();
        }
        Value::Tuple(t) => {
            out.push('(');
            seq(host, &t.items, out, seen)?;
            if t.items.len() == 1 {
                out.push(',');
            }
            out.push(')');
        }
        Value::Dict(d) => {
            let items: Vec<(Value, Value)> = d
                .map
                .borrow()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            seen.push(Rc::as_ptr(d) as *const u8 as usize);
            out.push('{');
            for (i, (k, v)) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                repr_into(host, k, out, seen, depth + 1)?;
                out.push_str(": ");
                repr_into(host, v, out, seen, depth + 1)?;
            }
            out.push('}');
            seen.pop();
        }
        Value::DictView(dv) => {
            let (d, kind) = (&dv.0, dv.1);
            let items: Vec<Value> = d
                .map
                .borrow()
                .iter()
                .map(|(k, v)| match kind {
                    ViewKind::Keys => k.clone(),
                    ViewKind::Values => v.clone(),
                    ViewKind::Items => Value::tuple(vec![k.clone(), v.clone()]),
                })
                .collect();
            out.push_str(&v.type_name());
            out.push_str("([");
            seq(host, &items, out, seen)?;
            out.push_str("])");
        }
        Value::Range(r) => {
            if r.step == 1 {
                out.push_str(&format!("range({}, {})", r.start, r.stop));
            } else {
                out.push_str(&format!("range({}, {}, {})", r.start, r.stop, r.step));
            }
        }
        Value::Slice(s) => {
            out.push_str("slice(");
            seq(host, &s[..], out, seen)?;
            out.push(')');
        }
        Value::Function(f) => out.push_str(&format!("<function {}>", f.code.qualname)),
        Value::Builtin(b) => out.push_str(&format!("<built-in function {}>", b.name())),
        Value::Type(t) => out.push_str(&format!("<class '{}'>", t.name())),
        Value::Method(m) => out.push_str(&format!(
            "<built-in method {} of {} object>",
            m.name,
            m.receiver.type_name()
        )),
        Value::ExcClass(c) => out.push_str(&format!("<class '{}'>", c.qualified_name())),
        Value::Exception(e) => {
            if let Some(text) = e
                .class()
                .repr_hook()
                .and_then(|r| r(e as &dyn std::any::Any))
            {
                out.push_str(&text);
            } else {
                out.push_str(e.class().name());
                out.push('(');
                seq(host, e.args(), out, seen)?;
                out.push(')');
            }
        }
        Value::Module(m) => out.push_str(&format!("<module '{}'>", m.name)),
        Value::Host(h) => out.push_str(&host.repr(h)),
        Value::HostMethod(m) => {
            let owner = host.repr(&m.0);
            out.push_str(&format!("<bound method {} of {}>", m.1, owner))
        }
        Value::Iter(it) => {
            if let IterState::Host(h) = &*it.borrow() {
                out.push_str(&host.repr(h));
            } else {
                out.push_str(&format!("<{} object>", v.type_name()));
            }
        }
    }
    Ok(())
}

/// A parsed format spec: `[[fill]align][sign][#][0][width][,|_][.precision][type]`.
#[derive(Debug, Default)]
struct Spec {
    fill: Option<char>,
    align: Option<char>,
    sign: Option<char>,
    alt: bool,
    zero: bool,
    width: usize,
    grouping: Option<char>,
    precision: Option<usize>,
    ty: Option<char>,
}

fn parse_spec(spec: &str) -> Result<Spec, PyException> {
    let chars: Vec<char> = spec.chars().collect();
    let mut s = Spec::default();
    let mut i = 0;
    let is_align = |c: char| matches!(c, '<' | '>' | '^' | '=');
    if chars.len() >= 2 && is_align(chars[1]) {
        s.fill = Some(chars[0]);
        s.align = Some(chars[1]);
        i = 2;
    } else if !chars.is_empty() && is_align(chars[0]) {
        s.align = Some(chars[0]);
        i = 1;
    }
    if i < chars.len() && matches!(chars[i], '+' | '-' | ' ') {
        s.sign = Some(chars[i]);
        i += 1;
    }
    if i < chars.len() && chars[i] == '#' {
        s.alt = true;
        i += 1;
    }
    if i < chars.len() && chars[i] == '0' {
        s.zero = true;
        i += 1;
    }
    let start = i;
    while i < chars.len() && chars[i].is_ascii_digit() {
        i += 1;
    }
    if i > start {
        let w: String = chars[start..i].iter().collect();
        s.width = w
            .parse()
            .map_err(|_| value_error("Too many decimal digits in format string"))?;
        if s.width > 1_000_000 {
            return Err(value_error("Too many decimal digits in format string"));
        }
    }
    if i < chars.len() && matches!(chars[i], ',' | '_') {
        s.grouping = Some(chars[i]);
        i += 1;
    }
    if i < chars.len() && chars[i] == '.' {
        i += 1;
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return Err(value_error("Format specifier missing precision"));
        }
        let p: String = chars[start..i].iter().collect();
        let p: usize = p
            .parse()
            .map_err(|_| value_error("Too many decimal digits in format string"))?;
        if p > 10_000 {
            return Err(value_error("precision too big"));
        }
        s.precision = Some(p);
    }
    if i < chars.len() {
        s.ty = Some(chars[i]);
        i += 1;
    }
    if i < chars.len() {
        return Err(value_error("Invalid format specifier"));
    }
    Ok(s)
}

fn group_digits(int_part: &str, sep: char, every: usize) -> String {
    let digits: Vec<char> = int_part.chars().collect();
    let mut out = String::new();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(every) {
            out.push(sep);
        }
        out.push(*c);
    }
    out
}

fn pad(s: &Spec, sign: &str, body: &str, numeric: bool) -> String {
    let fill = s.fill.unwrap_or(if s.zero && s.align.is_none() {
        '0'
    } else {
        ' '
    });
    let align = s.align.unwrap_or(if s.zero && numeric {
        '='
    } else if numeric {
        '>'
    } else {
        '<'
    });
    let len = sign.chars().count() + body.chars().count();
    if len >= s.width {
        return format!("{sign}{body}");
    }
    let n = s.width - len;
    let fills = |k: usize| fill.to_string().repeat(k);
    match align {
        '<' => format!("{sign}{body}{}", fills(n)),
        '^' => format!("{}{sign}{body}{}", fills(n / 2), fills(n - n / 2)),
        '=' => format!("{sign}{}{body}", fills(n)),
        _ => format!("{}{sign}{body}", fills(n)),
    }
}

fn sci(f: f64, prec: usize, upper: bool) -> String {
    let s = format!("{:.*e}", prec, f);
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    let e: i32 = e.parse().unwrap_or(0);
    let out = format!("{}e{}{:02}", m, if e < 0 { '-' } else { '+' }, e.abs());
    if upper {
        out.to_uppercase()
    } else {
        out
    }
}

fn general(f: f64, prec: usize, alt: bool, upper: bool, repr_like: bool) -> String {
    if !f.is_finite() {
        let s = float_repr(f);
        return if upper { s.to_uppercase() } else { s };
    }
    let p = prec.max(1);
    let s = format!("{:.*e}", p - 1, f);
    let exp: i32 = s
        .split_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0);
    let mut out = if exp >= -4 && exp < p as i32 {
        let decimals = (p as i32 - 1 - exp).max(0) as usize;
        let mut t = format!("{:.*}", decimals, f);
        if !alt && t.contains('.') {
            t = t.trim_end_matches('0').trim_end_matches('.').to_string();
        }
        if repr_like && !t.contains('.') {
            t.push_str(".0");
        }
        t
    } else {
        let t = sci(f, p - 1, false);
        if alt {
            t
        } else {
            let (m, e) = t.split_once('e').unwrap_or((&t, ""));
            let m = if m.contains('.') {
                m.trim_end_matches('0').trim_end_matches('.')
            } else {
                m
            };
            format!("{m}e{e}")
        }
    };
    if upper {
        out = out.to_uppercase();
    }
    out
}

fn format_float(f: f64, s: &Spec) -> Result<String, PyException> {
    let (mut body, neg) = {
        let a = f.abs();
        let body = match s.ty {
            Some('f') | Some('F') => {
                if a.is_finite() {
                    format!("{:.*}", s.precision.unwrap_or(6), a)
                } else {
                    float_repr(a)
                }
            }
            Some('e') | Some('E') => {
                if a.is_finite() {
                    sci(a, s.precision.unwrap_or(6), false)
                } else {
                    float_repr(a)
                }
            }
            Some('g') | Some('G') => general(a, s.precision.unwrap_or(6), s.alt, false, false),
            Some('%') => {
                if a.is_finite() {
                    format!("{:.*}%", s.precision.unwrap_or(6), a * 100.0)
                } else {
                    format!("{}%", float_repr(a))
                }
            }
            None => match s.precision {
                Some(p) => general(a, p, s.alt, false, true),
                None => float_repr(a),
            },
            Some(c) => {
                return Err(value_error(format!(
                    "Unknown format code '{c}' for object of type 'float'"
                )))
            }
        };
        (body, f.is_sign_negative() && !f.is_nan())
    };
    if matches!(s.ty, Some('F') | Some('E') | Some('G')) {
        body = body.to_uppercase();
    }
    if let Some(sep) = s.grouping {
        let (int_part, rest) = match body.find(|c: char| !c.is_ascii_digit()) {
            Some(i) => body.split_at(i),
            None => (&body[..], ""),
        };
        body = format!("{}{}", group_digits(int_part, sep, 3), rest);
    }
    let sign = if neg {
        "-"
    } else {
        match s.sign {
            Some('+') => "+",
            Some(' ') => " ",
            _ => "",
        }
    };
    Ok(pad(s, sign, &body, true))
}

fn format_int(i: i64, s: &Spec) -> Result<String, PyException> {
    let a = i.unsigned_abs();
    let (prefix, mut body) = match s.ty {
        None | Some('d') | Some('n') => ("", a.to_string()),
        Some('x') => ("0x", format!("{a:x}")),
        Some('X') => ("0X", format!("{a:X}")),
        Some('o') => ("0o", format!("{a:o}")),
        Some('b') => ("0b", format!("{a:b}")),
        Some('c') => {
            let c = u32::try_from(i)
                .ok()
                .and_then(char::from_u32)
                .ok_or_else(|| {
                    PyException::builtin(BuiltinExc::OverflowError, "%c arg not in range(0x110000)")
                })?;
            return Ok(pad(s, "", &c.to_string(), false));
        }
        Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') => return format_float(i as f64, s),
        Some(c) => {
            return Err(value_error(format!(
                "Unknown format code '{c}' for object of type 'int'"
            )))
        }
    };
    if s.precision.is_some() {
        return Err(value_error(
            "Precision not allowed in integer format specifier",
        ));
    }
    if let Some(sep) = s.grouping {
        let every = if matches!(s.ty, Some('x' | 'X' | 'o' | 'b')) {
            4
        } else {
            3
        };
        body = group_digits(&body, sep, every);
    }
    let sign = if i < 0 {
        "-"
    } else {
        match s.sign {
            Some('+') => "+",
            Some(' ') => " ",
            _ => "",
        }
    };
    let sign = if s.alt {
        format!("{sign}{prefix}")
    } else {
        sign.to_string()
    };
    Ok(pad(s, &sign, &body, true))
}

/// `format(v, spec)`.
pub fn format_value(host: &mut dyn Host, v: &Value, spec: &str) -> Result<String, PyException> {
    match v {
        Value::Int(i) => format_int(*i, &parse_spec(spec)?),
        Value::Bool(b) => {
            if spec.is_empty() {
                return Ok(if *b { "True" } else { "False" }.into());
            }
            let s = parse_spec(spec)?;
            if s.ty.is_none() {
                return Ok(pad(&s, "", if *b { "True" } else { "False" }, false));
            }
            format_int(*b as i64, &s)
        }
        Value::Float(f) => format_float(*f, &parse_spec(spec)?),
        Value::Str(st) => {
            let s = parse_spec(spec)?;
            match s.ty {
                None | Some('s') => {}
                Some(c) => {
                    return Err(value_error(format!(
                        "Unknown format code '{c}' for object of type 'str'"
                    )))
                }
            }
            if s.sign.is_some() {
                return Err(value_error("Sign not allowed in string format specifier"));
            }
            let body: String = match s.precision {
                Some(p) => st.chars().take(p).collect(),
                None => st.to_string(),
            };
            Ok(pad(&s, "", &body, false))
        }
        _ => {
            if spec.is_empty() {
                to_str(host, v)
            } else {
                Err(type_error(format!(
                    "unsupported format string passed to {}.__format__",
                    v.type_name()
                )))
            }
        }
    }
}

/// `ascii(v)`: `repr` with non-ASCII characters escaped.
pub fn ascii(host: &mut dyn Host, v: &Value) -> Result<String, PyException> {
    let r = repr(host, v)?;
    let mut out = String::new();
    for c in r.chars() {
        let n = c as u32;
        if n < 0x80 {
            out.push(c);
        } else if n < 0x100 {
            out.push_str(&format!("\\x{n:02x}"));
        } else if n < 0x10000 {
            out.push_str(&format!("\\u{n:04x}"));
        } else {
            out.push_str(&format!("\\U{n:08x}"));
        }
    }
    Ok(out)
}

/// `fmt % args`.
pub fn percent_format(host: &mut dyn Host, fmt: &str, args: &Value) -> Result<String, PyException> {
    let (items, mapping): (Vec<Value>, Option<Value>) = match args {
        Value::Tuple(t) => (t.items.clone(), None),
        Value::Dict(_) => (vec![args.clone()], Some(args.clone())),
        other => (vec![other.clone()], None),
    };
    let chars: Vec<char> = fmt.chars().collect();
    let mut out = String::new();
    let mut next = 0usize;
    let mut used_mapping = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        i += 1;
        let mut key: Option<String> = None;
        if i < chars.len() && chars[i] == '(' {
            let mut depth = 1;
            let start = i + 1;
            let mut j = start;
            while j < chars.len() {
                if chars[j] == '(' {
                    depth += 1;
                } else if chars[j] == ')' {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                j += 1;
            }
            if j >= chars.len() {
                return Err(value_error("incomplete format key"));
            }
            key = Some(chars[start..j].iter().collect());
            i = j + 1;
        }
        let mut spec = Spec::default();
        let mut left = false;
        while i < chars.len() && matches!(chars[i], '-' | '+' | ' ' | '#' | '0') {
            match chars[i] {
                '-' => left = true,
                '+' => spec.sign = Some('+'),
                ' ' => {
                    if spec.sign.is_none() {
                        spec.sign = Some(' ')
                    }
                }
                '#' => spec.alt = true,
                _ => spec.zero = true,
            }
            i += 1;
        }
        let take_arg = |items: &Vec<Value>, next: &mut usize| -> Result<Value, PyException> {
            let v = items
                .get(*next)
                .cloned()
                .ok_or_else(|| type_error("not enough arguments for format string"))?;
            *next += 1;
            Ok(v)
        };
        let num = |i: &mut usize,
                   items: &Vec<Value>,
                   next: &mut usize|
         -> Result<Option<usize>, PyException> {
            if *i < chars.len() && chars[*i] == '*' {
                *i += 1;
                let v = take_arg(items, next)?;
                return match v {
                    Value::Int(n) => Ok(Some(n.max(0) as usize)),
                    _ => Err(type_error("* wants int")),
                };
            }
            let start = *i;
            while *i < chars.len() && chars[*i].is_ascii_digit() {
                *i += 1;
            }
            if *i == start {
                return Ok(None);
            }
            let s: String = chars[start..*i].iter().collect();
            s.parse::<usize>()
                .ok()
                .filter(|n| *n <= 1_000_000)
                .map(Some)
                .ok_or_else(|| value_error("width too big"))
        };
        spec.width = num(&mut i, &items, &mut next)?.unwrap_or(0);
        if i < chars.len() && chars[i] == '.' {
            i += 1;
            spec.precision = Some(num(&mut i, &items, &mut next)?.unwrap_or(0).min(10_000));
        }
        while i < chars.len() && matches!(chars[i], 'h' | 'l' | 'L') {
            i += 1;
        }
        let Some(&ty) = chars.get(i) else {
            return Err(value_error("incomplete format"));
        };
        i += 1;
        if ty == '%' {
            out.push('%');
            continue;
        }
        let arg = match &key {
            Some(k) => {
                used_mapping = true;
                match &mapping {
                    Some(Value::Dict(d)) => {
                        d.map.borrow().get(&Value::str(k))?.ok_or_else(|| {
                            PyException::with_args(
                                ExcClass::Builtin(BuiltinExc::KeyError),
                                vec![Value::str(k)],
                            )
                        })?
                    }
                    _ => return Err(type_error("format requires a mapping")),
                }
            }
            None => take_arg(&items, &mut next)?,
        };
        if left {
            spec.align = Some('<');
            spec.zero = false;
        } else if spec.zero {
            spec.align = Some('=');
            spec.fill = Some('0');
        } else {
            spec.align = Some('>');
        }
        let text = match ty {
            's' | 'r' | 'a' => {
                let mut t = match ty {
                    's' => to_str(host, &arg)?,
                    'r' => repr(host, &arg)?,
                    _ => ascii(host, &arg)?,
                };
                if let Some(p) = spec.precision {
                    t = t.chars().take(p).collect();
                }
                spec.zero = false;
                spec.fill = None;
                if spec.align == Some('=') {
                    spec.align = Some('>');
                }
                pad(&spec, "", &t, false)
            }
            'd' | 'i' | 'u' | 'x' | 'X' | 'o' => {
                let n = match &arg {
                    Value::Int(n) => *n,
                    Value::Bool(b) => *b as i64,
                    Value::Float(f) if f.is_finite() => f.trunc() as i64,
                    Value::Float(_) => {
                        return Err(PyException::builtin(
                            BuiltinExc::OverflowError,
                            "cannot convert float infinity to integer",
                        ))
                    }
                    other => {
                        let what = if matches!(ty, 'd' | 'i' | 'u') {
                            format!(
                                "%{ty} format: a real number is required, not {}",
                                other.type_name()
                            )
                        } else {
                            format!(
                                "%{ty} format: an integer is required, not {}",
                                other.type_name()
                            )
                        };
                        return Err(type_error(what));
                    }
                };
                let precision = spec.precision.take();
                spec.ty = match ty {
                    'x' => Some('x'),
                    'X' => Some('X'),
                    'o' => Some('o'),
                    _ => Some('d'),
                };
                let mut t = format_int(
                    n,
                    &Spec {
                        width: 0,
                        align: None,
                        fill: None,
                        ..spec
                    },
                )?;
                if let Some(p) = precision {
                    let (sign, digits) = if t.starts_with(['-', '+', ' ']) {
                        t.split_at(1)
                    } else {
                        ("", &t[..])
                    };
                    if digits.len() < p {
                        t = format!("{sign}{}{digits}", "0".repeat(p - digits.len()));
                    }
                }
                let (sign, body) = if t.starts_with(['-', '+', ' ']) {
                    t.split_at(1)
                } else {
                    ("", &t[..])
                };
                pad(&spec, sign, body, true)
            }
            'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
                let f = arg.as_f64().ok_or_else(|| {
                    type_error(format!("must be real number, not {}", arg.type_name()))
                })?;
                spec.ty = Some(ty);
                if spec.precision.is_none() {
                    spec.precision = Some(6);
                }
                let t = format_float(
                    f,
                    &Spec {
                        width: 0,
                        align: None,
                        fill: None,
                        ..spec
                    },
                )?;
                let (sign, body) = if t.starts_with(['-', '+', ' ']) {
                    t.split_at(1)
                } else {
                    ("", &t[..])
                };
                pad(&spec, sign, body, true)
            }
            'c' => {
                let t = match &arg {
                    Value::Int(n) => u32::try_from(*n)
                        .ok()
                        .and_then(char::from_u32)
                        .ok_or_else(|| {
                            PyException::builtin(
                                BuiltinExc::OverflowError,
                                "%c arg not in range(0x110000)",
                            )
                        })?
                        .to_string(),
                    Value::Str(s) if s.chars().count() == 1 => s.to_string(),
                    _ => return Err(type_error("%c requires int or char")),
                };
                pad(&spec, "", &t, false)
            }
            other => {
                return Err(value_error(format!(
                    "unsupported format character '{}' (0x{:x}) at index {}",
                    other,
                    other as u32,
                    i - 1
                )))
            }
        };
        out.push_str(&text);
    }
    // CPython treats any argument with `__getitem__` (other than a tuple or str) as a
    // mapping, and never complains about it being unused.
    let mapping_like = matches!(
        args,
        Value::Dict(_) | Value::List(_) | Value::Bytes(_) | Value::Range(_)
    );
    if next < items.len() && !used_mapping && !mapping_like {
        return Err(type_error(
            "not all arguments converted during string formatting",
        ));
    }
    Ok(out)
}

impl std::fmt::Display for PyException {
    /// `ClassName: message`, as the last line of a traceback (without the hint).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let msg = exc_str_plain(self);
        if msg.is_empty() {
            write!(f, "{}", self.0.class.qualified_name())
        } else {
            write!(f, "{}: {}", self.0.class.qualified_name(), msg)
        }
    }
}
