//! Text encodings for `str.encode`, `bytes.decode` and the `str` / `bytes` constructors.

use crate::py::runtime::object::exception::BuiltinExc;

use crate::py::runtime::object::value::{PyException, Value};
use crate::py::runtime::ops::value_error;

pub(super) fn encode(s: &str, encoding: &str) -> Result<Value, PyException> {
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

pub(super) fn normalize_encoding(e: &str) -> String {
    match e.to_ascii_lowercase().replace('_', "-").as_str() {
        "utf-8" | "utf8" | "u8" => "utf-8".into(),
        "ascii" | "us-ascii" => "ascii".into(),
        "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" => "latin-1".into(),
        other => other.to_string(),
    }
}

pub(super) fn decode(b: &[u8], encoding: &str, errors: &str) -> Result<Value, PyException> {
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
