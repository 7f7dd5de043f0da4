//! The script's `json` module: `json.dumps` and `json.loads` with CPython's defaults and
//! messages (message bodies are often JSON).

use crate::py::runtime::format::{float_repr, repr};
use crate::py::runtime::host::Host;
use crate::py::runtime::object::exception::{BuiltinExc, ExcClass};
use crate::py::runtime::object::value::{PyException, Value};

/// Nesting limit for both directions (CPython's is the recursion limit).
const MAX_DEPTH: usize = 200;

/// `json.dumps` options.
pub struct DumpOptions {
    /// `indent=`: `None` for one line, or the indentation string.
    pub indent: Option<String>,
    /// `ensure_ascii=` (default true: non-ASCII is escaped as `\uXXXX`).
    pub ensure_ascii: bool,
    /// `sort_keys=`.
    pub sort_keys: bool,
    /// `separators=` (item, key) — defaults depend on `indent`, as in CPython.
    pub separators: (String, String),
}

impl DumpOptions {
    /// Reads the keyword arguments CPython's `json.dumps` takes.
    pub fn from_kwargs(kwargs: &[(String, Value)]) -> Result<DumpOptions, PyException> {
        let mut o = DumpOptions {
            indent: None,
            ensure_ascii: true,
            sort_keys: false,
            separators: (", ".into(), ": ".into()),
        };
        let mut explicit_sep = false;
        for (k, v) in kwargs {
            match k.as_str() {
                "indent" => {
                    o.indent = match v {
                        Value::None => None,
                        Value::Int(n) => Some(" ".repeat((*n).clamp(0, 64) as usize)),
                        Value::Str(s) => Some(s.to_string()),
                        other => {
                            return Err(PyException::builtin(
                                BuiltinExc::TypeError,
                                format!("indent must be an int or str, not {}", other.type_name()),
                            ))
                        }
                    }
                }
                "ensure_ascii" => o.ensure_ascii = v.truthy(),
                "sort_keys" => o.sort_keys = v.truthy(),
                "separators" => {
                    let items = match v {
                        Value::Tuple(t) => t.items.clone(),
                        Value::List(l) => l.items.borrow().clone(),
                        _ => Vec::new(),
                    };
                    match items.as_slice() {
                        [Value::Str(a), Value::Str(b)] => {
                            o.separators = (a.to_string(), b.to_string());
                            explicit_sep = true;
                        }
                        _ => {
                            return Err(PyException::builtin(
                                BuiltinExc::ValueError,
                                "separators must be a (item_separator, key_separator) pair",
                            ))
                        }
                    }
                }
                "skipkeys" | "check_circular" | "allow_nan" | "cls" | "default" => {}
                other => {
                    return Err(PyException::builtin(
                        BuiltinExc::TypeError,
                        format!("dumps() got an unexpected keyword argument '{other}'"),
                    ))
                }
            }
        }
        if o.indent.is_some() && !explicit_sep {
            o.separators.0 = ",".into();
        }
        Ok(o)
    }
}

/// `json.dumps(v, **options)`.
pub fn dumps(host: &mut dyn Host, v: &Value, o: &DumpOptions) -> Result<String, PyException> {
    let mut out = String::new();
    dump(host, v, o, 0, &mut out)?;
    Ok(out)
}

fn not_serializable(v: &Value) -> PyException {
    PyException::builtin(
        BuiltinExc::TypeError,
        format!("Object of type {} is not JSON serializable", v.type_name()),
    )
}

fn newline(o: &DumpOptions, depth: usize, out: &mut String) {
    if let Some(ind) = &o.indent {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(ind);
        }
    }
}

fn dump(
    host: &mut dyn Host,
    v: &Value,
    o: &DumpOptions,
    depth: usize,
    out: &mut String,
) -> Result<(), PyException> {
    if depth > MAX_DEPTH {
        return Err(PyException::builtin(
            BuiltinExc::RecursionError,
            "maximum recursion depth exceeded while encoding a JSON object",
        ));
    }
    match v {
        Value::None => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(&float_text(*f)),
        Value::Str(s) => quote(s, o.ensure_ascii, out),
        Value::List(_) | Value::Tuple(_) => {
            let items: Vec<Value> = match v {
                Value::List(l) => l.items.borrow().clone(),
                Value::Tuple(t) => t.items.clone(),
                _ => Vec::new(),
            };
            if items.is_empty() {
                out.push_str("[]");
                return Ok(());
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(&o.separators.0);
                }
                newline(o, depth + 1, out);
                dump(host, item, o, depth + 1, out)?;
            }
            newline(o, depth, out);
            out.push(']');
        }
        Value::Dict(d) => {
            let mut pairs: Vec<(String, Value)> = Vec::new();
            for (k, val) in d.map.borrow().iter() {
                let key = match k {
                    Value::Str(s) => s.to_string(),
                    Value::Int(i) => i.to_string(),
                    Value::Float(f) => float_text(*f),
                    Value::Bool(b) => (if *b { "true" } else { "false" }).to_string(),
                    Value::None => "null".to_string(),
                    other => {
                        return Err(PyException::builtin(
                            BuiltinExc::TypeError,
                            format!(
                                "keys must be str, int, float, bool or None, not {}",
                                other.type_name()
                            ),
                        ))
                    }
                };
                pairs.push((key, val.clone()));
            }
            if o.sort_keys {
                crate::sort::sort_by(&mut pairs, |a, b| a.0.cmp(&b.0));
            }
            if pairs.is_empty() {
                out.push_str("{}");
                return Ok(());
            }
            out.push('{');
            for (i, (k, val)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push_str(&o.separators.0);
                }
                newline(o, depth + 1, out);
                quote(k, o.ensure_ascii, out);
                out.push_str(&o.separators.1);
                dump(host, val, o, depth + 1, out)?;
            }
            newline(o, depth, out);
            out.push('}');
        }
        other => {
            // Give the host a chance to name what it is (its repr appears in no message).
            let _ = repr(host, other);
            return Err(not_serializable(other));
        }
    }
    Ok(())
}

fn float_text(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        }
    } else {
        float_repr(f)
    }
}

fn quote(s: &str, ascii: bool, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if ascii && (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{:04x}", unit));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `json.loads(text)`; errors are `json.JSONDecodeError` (a `ValueError`) with CPython's
/// messages and positions.
pub fn loads(text: &str, decode_error: &ExcClass) -> Result<Value, PyException> {
    let chars: Vec<char> = text.chars().collect();
    let mut p = Parser {
        s: &chars,
        i: 0,
        class: decode_error,
    };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.i < chars.len() {
        return Err(p.err("Extra data", p.i));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a [char],
    i: usize,
    class: &'a ExcClass,
}

impl Parser<'_> {
    fn err(&self, msg: &str, at: usize) -> PyException {
        let line = self.s[..at.min(self.s.len())]
            .iter()
            .filter(|&&c| c == '\n')
            .count()
            + 1;
        let col = match self.s[..at.min(self.s.len())]
            .iter()
            .rposition(|&c| c == '\n')
        {
            Some(nl) => at - nl,
            None => at + 1,
        };
        PyException::new(
            self.class.clone(),
            &format!("{msg}: line {line} column {col} (char {at})"),
        )
        .with_attr("msg", Value::str(msg))
        .with_attr("pos", Value::Int(at as i64))
        .with_attr("lineno", Value::Int(line as i64))
        .with_attr("colno", Value::Int(col as i64))
    }

    fn ws(&mut self) {
        while self
            .s
            .get(self.i)
            .is_some_and(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
        {
            self.i += 1;
        }
    }

    fn starts(&self, word: &str) -> bool {
        word.chars()
            .enumerate()
            .all(|(k, c)| self.s.get(self.i + k) == Some(&c))
    }

    fn value(&mut self, depth: usize) -> Result<Value, PyException> {
        if depth > MAX_DEPTH {
            return Err(PyException::builtin(
                BuiltinExc::RecursionError,
                "maximum recursion depth exceeded while decoding a JSON document",
            ));
        }
        match self.s.get(self.i) {
            Some('{') => self.object(depth),
            Some('[') => self.array(depth),
            Some('"') => {
                let start = self.i;
                self.i += 1;
                self.string(start).map(|s| Value::str(&s))
            }
            Some(_) if self.starts("null") => {
                self.i += 4;
                Ok(Value::None)
            }
            Some(_) if self.starts("true") => {
                self.i += 4;
                Ok(Value::Bool(true))
            }
            Some(_) if self.starts("false") => {
                self.i += 5;
                Ok(Value::Bool(false))
            }
            Some(_) if self.starts("NaN") => {
                self.i += 3;
                Ok(Value::Float(f64::NAN))
            }
            Some(_) if self.starts("Infinity") => {
                self.i += 8;
                Ok(Value::Float(f64::INFINITY))
            }
            Some(_) if self.starts("-Infinity") => {
                self.i += 9;
                Ok(Value::Float(f64::NEG_INFINITY))
            }
            Some(c) if *c == '-' || c.is_ascii_digit() => self.number(),
            _ => Err(self.err("Expecting value", self.i)),
        }
    }

    fn number(&mut self) -> Result<Value, PyException> {
        let start = self.i;
        if self.s.get(self.i) == Some(&'-') {
            self.i += 1;
        }
        let digits_start = self.i;
        while self.s.get(self.i).is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        if self.i == digits_start {
            return Err(self.err("Expecting value", start));
        }
        // A leading zero ends the number, as in CPython's scanner ("01" is 0 then extra data).
        if self.s[digits_start] == '0' && self.i > digits_start + 1 {
            self.i = digits_start + 1;
        }
        let mut float = false;
        if self.s.get(self.i) == Some(&'.')
            && self.s.get(self.i + 1).is_some_and(|c| c.is_ascii_digit())
        {
            float = true;
            self.i += 1;
            while self.s.get(self.i).is_some_and(|c| c.is_ascii_digit()) {
                self.i += 1;
            }
        }
        if matches!(self.s.get(self.i), Some('e' | 'E')) {
            let save = self.i;
            self.i += 1;
            if matches!(self.s.get(self.i), Some('+' | '-')) {
                self.i += 1;
            }
            let exp_start = self.i;
            while self.s.get(self.i).is_some_and(|c| c.is_ascii_digit()) {
                self.i += 1;
            }
            if self.i == exp_start {
                self.i = save;
            } else {
                float = true;
            }
        }
        let text: String = self.s[start..self.i].iter().collect();
        if float {
            text.parse::<f64>()
                .map(Value::Float)
                .map_err(|_| self.err("Expecting value", start))
        } else {
            match text.parse::<i64>() {
                Ok(n) => Ok(Value::Int(n)),
                Err(_) => Err(PyException::builtin(
                    BuiltinExc::OverflowError,
                    "integer out of the 64-bit range of the mirrorscope Python subset",
                )),
            }
        }
    }

    fn string(&mut self, start: usize) -> Result<String, PyException> {
        let mut out = String::new();
        loop {
            let Some(&c) = self.s.get(self.i) else {
                return Err(self.err("Unterminated string starting at", start));
            };
            self.i += 1;
            match c {
                '"' => return Ok(out),
                '\\' => {
                    let Some(&e) = self.s.get(self.i) else {
                        return Err(self.err("Unterminated string starting at", start));
                    };
                    self.i += 1;
                    match e {
                        '"' => out.push('"'),
                        '\\' => out.push('\\'),
                        '/' => out.push('/'),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        'u' => {
                            let unit = self.hex4()?;
                            let code = if (0xd800..0xdc00).contains(&unit)
                                && self.s.get(self.i) == Some(&'\\')
                                && self.s.get(self.i + 1) == Some(&'u')
                            {
                                let save = self.i;
                                self.i += 2;
                                let low = self.hex4()?;
                                if (0xdc00..0xe000).contains(&low) {
                                    0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00)
                                } else {
                                    self.i = save;
                                    unit
                                }
                            } else {
                                unit
                            };
                            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                        }
                        _ => return Err(self.err("Invalid \\escape", self.i - 2)),
                    }
                }
                c if (c as u32) < 0x20 => {
                    return Err(self.err("Invalid control character at", self.i - 1))
                }
                c => out.push(c),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, PyException> {
        let at = self.i;
        let mut v = 0u32;
        for k in 0..4 {
            match self.s.get(self.i + k).and_then(|c| c.to_digit(16)) {
                Some(d) => v = v * 16 + d,
                None => return Err(self.err("Invalid \\uXXXX escape", at - 1)),
            }
        }
        self.i += 4;
        Ok(v)
    }

    fn array(&mut self, depth: usize) -> Result<Value, PyException> {
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&']') {
            self.i += 1;
            return Ok(Value::list(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth + 1)?);
            self.ws();
            match self.s.get(self.i) {
                Some(',') => self.i += 1,
                Some(']') => {
                    self.i += 1;
                    return Ok(Value::list(items));
                }
                _ => return Err(self.err("Expecting ',' delimiter", self.i)),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, PyException> {
        self.i += 1;
        let mut pairs = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&'}') {
            self.i += 1;
            return Value::dict(pairs);
        }
        loop {
            self.ws();
            if self.s.get(self.i) != Some(&'"') {
                return Err(self.err("Expecting property name enclosed in double quotes", self.i));
            }
            let start = self.i;
            self.i += 1;
            let key = self.string(start)?;
            self.ws();
            if self.s.get(self.i) != Some(&':') {
                return Err(self.err("Expecting ':' delimiter", self.i));
            }
            self.i += 1;
            self.ws();
            let v = self.value(depth + 1)?;
            pairs.push((Value::str(&key), v));
            self.ws();
            match self.s.get(self.i) {
                Some(',') => self.i += 1,
                Some('}') => {
                    self.i += 1;
                    return Value::dict(pairs);
                }
                _ => return Err(self.err("Expecting ',' delimiter", self.i)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::py::runtime::host::NoHost;

    fn opts(kw: Vec<(&str, Value)>) -> DumpOptions {
        let kw: Vec<(String, Value)> = kw.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        DumpOptions::from_kwargs(&kw).unwrap()
    }

    #[test]
    fn dumps_matches_cpython() {
        let d = Value::dict(vec![
            (Value::str("id"), Value::Int(7)),
            (Value::str("名"), Value::str("订单")),
            (
                Value::str("xs"),
                Value::list(vec![Value::Float(1.5), Value::None, Value::Bool(true)]),
            ),
        ])
        .unwrap();
        let s = dumps(&mut NoHost, &d, &opts(vec![])).unwrap();
        assert_eq!(
            s,
            r#"{"id": 7, "\u540d": "\u8ba2\u5355", "xs": [1.5, null, true]}"#
        );
        let s = dumps(
            &mut NoHost,
            &d,
            &opts(vec![
                ("ensure_ascii", Value::Bool(false)),
                ("indent", Value::Int(2)),
            ]),
        )
        .unwrap();
        assert_eq!(
            s,
            "{\n  \"id\": 7,\n  \"名\": \"订单\",\n  \"xs\": [\n    1.5,\n    null,\n    true\n  ]\n}"
        );
        let e = dumps(&mut NoHost, &Value::bytes(b"x"), &opts(vec![])).unwrap_err();
        assert_eq!(
            crate::py::runtime::format::exc_str_plain(&e),
            "Object of type bytes is not JSON serializable"
        );
    }

    #[test]
    fn loads_round_trips_and_reports_positions() {
        let class = ExcClass::new_host(
            "json",
            "JSONDecodeError",
            vec![ExcClass::Builtin(BuiltinExc::ValueError)],
        );
        let v = loads(r#" {"a": [1, 2.5e3, "x\u00e9\n"], "b": false} "#, &class).unwrap();
        let back = dumps(&mut NoHost, &v, &opts(vec![])).unwrap();
        assert_eq!(back, r#"{"a": [1, 2500.0, "x\u00e9\n"], "b": false}"#);
        let msg =
            |s: &str| crate::py::runtime::format::exc_str_plain(&loads(s, &class).unwrap_err());
        assert_eq!(msg(""), "Expecting value: line 1 column 1 (char 0)");
        assert_eq!(
            msg("{'a': 1}"),
            "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"
        );
        assert_eq!(
            msg("[1,\n 2"),
            "Expecting ',' delimiter: line 2 column 3 (char 6)"
        );
        assert_eq!(msg("1 2"), "Extra data: line 1 column 3 (char 2)");
        assert_eq!(
            msg("\"abc"),
            "Unterminated string starting at: line 1 column 1 (char 0)"
        );
    }
}
