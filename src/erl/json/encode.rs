//! JSON writing as RabbitMQ 3.10 prints a definition (jsx's `encode`), and the crate's JSON
//! string writer for the text the simulator writes as JSON itself (the policy form). The run
//! report is typed and written by `serde_json` instead, with the same string escapes.

use crate::erl::float::erlang_float;
use crate::erl::json::value::Json;

impl Json {
    /// Compact JSON as RabbitMQ 3.10 prints a definition (`rabbit_json:encode/1`, jsx): no
    /// spaces, members in the order held, floats as Erlang writes them (`1.0e5`), non-ASCII
    /// text raw, and only `"`, `\` and control characters escaped (`/` is not).
    pub fn to_json_string(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Int(n) => out.push_str(&n.to_string()),
            Json::Float(f) => out.push_str(&erlang_float(*f)),
            Json::Str(s) => write_json_string(s, out),
            Json::Array(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write_json(out);
                }
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_json_string(k, out);
                    out.push(':');
                    v.write_json(out);
                }
                out.push('}');
            }
        }
    }
}

/// `s` as a JSON string literal, escaped as [`write_json_string`] escapes it.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    write_json_string(s, &mut out);
    out
}

/// Appends `s` as a JSON string literal with jsx's escapes: `"`, `\\` and control characters
/// (`\n`, `\r`, `\t`, `\b`, `\f`, others as `\u00XX`); `/` and non-ASCII text stay raw.
fn write_json_string(s: &str, out: &mut String) {
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
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use crate::erl::json::decode::tests::ok;

    #[test]
    fn compact_encoding_as_list_policies_prints_it() {
        let v = ok(r#"{ "ha-mode" : "all", "ha-sync-mode" : "automatic" }"#);
        assert_eq!(
            v.to_json_string(),
            r#"{"ha-mode":"all","ha-sync-mode":"automatic"}"#
        );
        let v = ok(
            r#"{"b":"x/y\u0001\u001f\u007fé\n\t\"\\\b\f\r","a":1e5,"c":[1,2.5,null,true,false,0.1,1e22,-0.0,123456789.0,1e-7],"d":{},"e":[]}"#,
        );
        assert_eq!(
            v.normalized().to_json_string(),
            "{\"a\":1.0e5,\"b\":\"x/y\\u0001\\u001f\u{7f}é\\n\\t\\\"\\\\\\b\\f\\r\",\"c\":[1,2.5,null,true,false,0.1,1.0e22,-0.0,123456789.0,1.0e-7],\"d\":{},\"e\":[]}"
        );
    }
}
