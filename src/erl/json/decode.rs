//! JSON as RabbitMQ 3.10 reads and writes it, plus the Erlang-term printing its error texts use.
//!
//! RabbitMQ 3.10 decodes policy definitions with jsx 3.1 (`rabbit_json:try_decode/1`, option
//! `return_maps`), whose defaults are lenient. [`parse`] accepts exactly what that decoder
//! accepts, because a learner's definition must be refused or accepted as the real broker would.
//! Observed with `rabbit_json:try_decode/1` from the 3.10.8 Debian package:
//!
//! * accepted: trailing commas (`{"a":1,}`, `[1,]`), single-quoted strings (`{'a':'b'}`),
//!   `/* */` comments (nesting) and `//` comments running to a line feed, a comment that is not
//!   nested ending at the end of the input, a leading byte-order mark, raw control characters
//!   inside strings, `\'` and `\/` escapes;
//! * an unknown escape is kept as written (`"\q"` is the two characters `\q`), and so is an
//!   incomplete `\u` (`"\u12"`);
//! * a lone UTF-16 surrogate becomes U+FFFD; a high surrogate followed by a `\u` escape that is
//!   not a low surrogate turns both into U+FFFD; a high surrogate followed by any other escape is
//!   an error;
//! * refused (`JSON decoding error. Reason: badarg`): leading zeros, `1.`, `.5`, `+1`, `NaN`,
//!   empty input, two values, `,` without a value before it (`[,]`, `[1,,2]`), form feed as
//!   white space, a float too large for a double (`1e400`; `1e-400` is `0.0`).
//!
//! One known difference: jsx keeps integers of any size exactly, while [`Json::Int`] holds an
//! `i64` and larger integers become [`Json::Float`] (so `1e20`-sized integers print as floats).
//!
//! Objects keep their key order and duplicate keys as written; [`Json::get`] answers with the
//! last value of a key because jsx builds a map, where a later key replaces an earlier one.

use crate::erl::json::value::Json;
use std::fmt;

/// The deepest nesting of arrays and objects [`parse`] accepts.
///
/// jsx has no such limit; the cap keeps recursion (and so the native and WebAssembly stacks)
/// bounded on hostile input.
pub const MAX_DEPTH: usize = 128;

/// What went wrong when decoding JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonErrorKind {
    /// Text jsx refuses too (RabbitMQ answers `JSON decoding error. Reason: badarg`).
    Syntax,
    /// Nesting deeper than [`MAX_DEPTH`]: jsx would accept it, the simulator does not.
    TooDeep,
}

/// A JSON decoding failure at a byte offset of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// Byte offset in the input where decoding stopped.
    pub offset: usize,
    /// A short human explanation, e.g. `expected ',' or '}'`.
    pub message: String,
    pub kind: JsonErrorKind,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

impl std::error::Error for JsonError {}

/// Decodes `text` as jsx 3.1 (RabbitMQ 3.10) would; see the module documentation for the
/// leniencies this implies.
pub fn parse(text: &str) -> Result<Json, JsonError> {
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        i: 0,
    };
    if text.starts_with('\u{feff}') {
        p.i = '\u{feff}'.len_utf8();
    }
    p.skip_ws()?;
    if p.i >= p.s.len() {
        return Err(p.err("empty input"));
    }
    let v = p.value(0)?;
    p.skip_ws()?;
    if p.i < p.s.len() {
        return Err(p.err("unexpected text after the JSON value"));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
}

impl Parser<'_> {
    fn err(&self, message: &str) -> JsonError {
        JsonError {
            offset: self.i,
            message: message.to_string(),
            kind: JsonErrorKind::Syntax,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    /// White space is only space, tab, line feed and carriage return for jsx; comments count.
    fn skip_ws(&mut self) -> Result<(), JsonError> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.i += 1,
                Some(b'/') => match self.s.get(self.i + 1) {
                    Some(b'/') => self.comment(false)?,
                    Some(b'*') => self.comment(true)?,
                    _ => return Err(self.err("unexpected '/'")),
                },
                _ => return Ok(()),
            }
        }
    }

    /// Skips a comment the way jsx does: block comments nest, a `/*` opened inside a `//`
    /// comment suspends the line comment, and the end of the input ends a comment that is not
    /// nested.
    fn comment(&mut self, block: bool) -> Result<(), JsonError> {
        let start = self.i;
        self.i += 2;
        let mut open_blocks = usize::from(block);
        loop {
            let here = &self.s[self.i..];
            if here.is_empty() {
                // The end of the input closes one comment, not a nested one.
                let depth = open_blocks + usize::from(!block);
                if depth == 1 {
                    return Ok(());
                }
                return Err(self.err("unterminated comment"));
            }
            if open_blocks > 0 && (here == b"/" || here == b"*") {
                // jsx waits for more input after a lone `/` or `*` in a block comment and
                // fails when there is none.
                return Err(self.err("unterminated comment"));
            }
            if open_blocks == 0 && here[0] == b'\n' {
                self.i += 1;
                return Ok(());
            }
            if here.starts_with(b"/*") {
                open_blocks += 1;
                self.i += 2;
            } else if open_blocks > 0 && here.starts_with(b"*/") {
                open_blocks -= 1;
                self.i += 2;
                if open_blocks == 0 {
                    if !block {
                        // jsx resumes here with the line comment still on its stack, which
                        // makes the rest of the document unreadable.
                        self.i = start;
                        return Err(self.err("block comment closed inside a line comment"));
                    }
                    return Ok(());
                }
            } else {
                self.i += 1;
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, JsonError> {
        match self.peek() {
            None => Err(self.err("unexpected end of input")),
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(q @ (b'"' | b'\'')) => Ok(Json::Str(self.string(q)?)),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'n') => self.literal("null", Json::Null),
            Some(_) => Err(self.err(&format!("unexpected {}", self.describe_here()))),
        }
    }

    fn describe_here(&self) -> String {
        match self.text.get(self.i..).and_then(|t| t.chars().next()) {
            Some(c) => format!("{c:?}"),
            None => "end of input".to_string(),
        }
    }

    fn literal(&mut self, word: &str, v: Json) -> Result<Json, JsonError> {
        if self.s[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(v)
        } else {
            Err(self.err("invalid literal (expected true, false or null)"))
        }
    }

    fn enter(&self, depth: usize) -> Result<(), JsonError> {
        if depth > MAX_DEPTH {
            return Err(JsonError {
                offset: self.i,
                message: format!("nesting deeper than {MAX_DEPTH} levels"),
                kind: JsonErrorKind::TooDeep,
            });
        }
        Ok(())
    }

    fn array(&mut self, depth: usize) -> Result<Json, JsonError> {
        self.enter(depth)?;
        self.i += 1;
        let mut items = Vec::new();
        self.skip_ws()?;
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(Json::Array(items));
        }
        loop {
            items.push(self.value(depth)?);
            self.skip_ws()?;
            match self.peek() {
                Some(b',') => {
                    self.i += 1;
                    self.skip_ws()?;
                    // jsx tolerates one trailing comma before the closing bracket.
                    if self.peek() == Some(b']') {
                        self.i += 1;
                        return Ok(Json::Array(items));
                    }
                }
                Some(b']') => {
                    self.i += 1;
                    return Ok(Json::Array(items));
                }
                None => return Err(self.err("unterminated array")),
                Some(_) => return Err(self.err("expected ',' or ']'")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json, JsonError> {
        self.enter(depth)?;
        self.i += 1;
        let mut members = Vec::new();
        self.skip_ws()?;
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(Json::Object(members));
        }
        loop {
            let key = match self.peek() {
                Some(q @ (b'"' | b'\'')) => self.string(q)?,
                None => return Err(self.err("unterminated object")),
                Some(_) => return Err(self.err("expected a string key")),
            };
            self.skip_ws()?;
            if self.peek() != Some(b':') {
                return Err(self.err("expected ':'"));
            }
            self.i += 1;
            self.skip_ws()?;
            let v = self.value(depth)?;
            members.push((key, v));
            self.skip_ws()?;
            match self.peek() {
                Some(b',') => {
                    self.i += 1;
                    self.skip_ws()?;
                    if self.peek() == Some(b'}') {
                        self.i += 1;
                        return Ok(Json::Object(members));
                    }
                }
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Json::Object(members));
                }
                None => return Err(self.err("unterminated object")),
                Some(_) => return Err(self.err("expected ',' or '}'")),
            }
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let h = self.s.get(at..at + 4)?;
        let mut v = 0u32;
        for &c in h {
            v = v * 16 + (c as char).to_digit(16)?;
        }
        Some(v)
    }

    fn string(&mut self, quote: u8) -> Result<String, JsonError> {
        let start = self.i;
        self.i += 1;
        let mut out = String::new();
        let mut run = self.i;
        loop {
            let Some(c) = self.peek() else {
                self.i = start;
                return Err(self.err("unterminated string"));
            };
            if c == quote {
                out.push_str(&self.text[run..self.i]);
                self.i += 1;
                return Ok(out);
            }
            if c != b'\\' {
                self.i += 1;
                continue;
            }
            out.push_str(&self.text[run..self.i]);
            let esc = self.i;
            let Some(e) = self.s.get(esc + 1).copied() else {
                self.i = start;
                return Err(self.err("unterminated string"));
            };
            self.i = esc + 2;
            match e {
                b'"' => out.push('"'),
                b'\'' => out.push('\''),
                b'\\' => out.push('\\'),
                b'/' => out.push('/'),
                b'b' => out.push('\u{8}'),
                b'f' => out.push('\u{c}'),
                b'n' => out.push('\n'),
                b'r' => out.push('\r'),
                b't' => out.push('\t'),
                b'u' => match self.hex4(esc + 2) {
                    None => {
                        // jsx keeps an incomplete \u escape as written.
                        out.push_str("\\u");
                    }
                    Some(cp) => {
                        self.i = esc + 6;
                        self.unicode_escape(cp, &mut out)?;
                    }
                },
                _ => {
                    // Unknown escapes stay as written; the escaped character is re-read as text
                    // so that a multi-byte character is copied whole.
                    out.push('\\');
                    self.i = esc + 1;
                }
            }
            run = self.i;
        }
    }

    fn unicode_escape(&mut self, cp: u32, out: &mut String) -> Result<(), JsonError> {
        const REPLACEMENT: char = '\u{fffd}';
        if (0xD800..0xDC00).contains(&cp) {
            if self.peek() != Some(b'\\') {
                out.push(REPLACEMENT);
                return Ok(());
            }
            if self.s.get(self.i + 1) != Some(&b'u') {
                return Err(self.err("escape after a UTF-16 high surrogate"));
            }
            let Some(low) = self.hex4(self.i + 2) else {
                return Err(self.err("incomplete \\u escape after a UTF-16 high surrogate"));
            };
            self.i += 6;
            if (0xDC00..0xE000).contains(&low) {
                let c = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                out.push(char::from_u32(c).unwrap_or(REPLACEMENT));
            } else {
                out.push(REPLACEMENT);
                out.push(REPLACEMENT);
            }
            return Ok(());
        }
        out.push(char::from_u32(cp).unwrap_or(REPLACEMENT));
        Ok(())
    }

    fn number(&mut self) -> Result<Json, JsonError> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                while matches!(self.peek(), Some(b'0'..=b'9')) {
                    self.i += 1;
                }
            }
            _ => return Err(self.err("invalid number")),
        }
        let mut is_float = false;
        if self.peek() == Some(b'.') {
            self.i += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.err("invalid number: digit expected after '.'"));
            }
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.i += 1;
            }
            is_float = true;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.err("invalid number: digit expected in the exponent"));
            }
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.i += 1;
            }
            is_float = true;
        }
        let lexeme = &self.text[start..self.i];
        if !is_float {
            if let Ok(n) = lexeme.parse::<i64>() {
                return Ok(Json::Int(n));
            }
        }
        match lexeme.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Json::Float(f)),
            _ => {
                self.i = start;
                Err(self.err("number too large for a double"))
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::rng::Rng;

    /// `text` decoded; panics with the decoding error otherwise.
    pub(crate) fn ok(text: &str) -> Json {
        parse(text).unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
    }

    fn bad(text: &str) -> JsonError {
        match parse(text) {
            Ok(v) => panic!("{text:?} should fail, got {v:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn plain_values() {
        assert_eq!(ok("null"), Json::Null);
        assert_eq!(ok(" true "), Json::Bool(true));
        assert_eq!(ok("-0"), Json::Int(0));
        assert_eq!(ok("-12"), Json::Int(-12));
        assert_eq!(ok("2.50"), Json::Float(2.5));
        assert_eq!(ok("1E5"), Json::Float(100000.0));
        assert_eq!(ok("1e-400"), Json::Float(0.0));
        assert_eq!(ok("9223372036854775807"), Json::Int(i64::MAX));
        assert_eq!(ok("-9223372036854775808"), Json::Int(i64::MIN));
        assert_eq!(ok("99999999999999999999"), Json::Float(1e20));
        assert_eq!(
            ok(r#"{"a" : [ 1 , {} ] }"#),
            Json::Object(vec![(
                "a".into(),
                Json::Array(vec![Json::Int(1), Json::Object(vec![])])
            )])
        );
    }

    #[test]
    fn string_escapes_and_unicode() {
        assert_eq!(
            ok(r#""\"\\\/\b\f\n\r\t""#),
            Json::Str("\"\\/\u{8}\u{c}\n\r\t".into())
        );
        assert_eq!(ok(r#""\u00e9\u00C9""#), Json::Str("éÉ".into()));
        assert_eq!(ok(r#""\ud83d\ude00""#), Json::Str("😀".into()));
        assert_eq!(ok("\"é😀\u{1}\t\""), Json::Str("é😀\u{1}\t".into()));
        assert_eq!(ok(r#""\u0000""#), Json::Str("\0".into()));
        // jsx keeps unknown and incomplete escapes as written.
        assert_eq!(ok(r#""\q\x41\a""#), Json::Str(r"\q\x41\a".into()));
        assert_eq!(ok(r#""\u12""#), Json::Str(r"\u12".into()));
        assert_eq!(ok(r#""\u12g4""#), Json::Str(r"\u12g4".into()));
        assert_eq!(ok(r#""\é""#), Json::Str(r"\é".into()));
        // Lone surrogates become U+FFFD; a high one followed by another \u takes it along.
        assert_eq!(ok(r#""\ud800""#), Json::Str("\u{fffd}".into()));
        assert_eq!(ok(r#""\udc00x""#), Json::Str("\u{fffd}x".into()));
        assert_eq!(ok(r#""\ud800A""#), Json::Str("\u{fffd}A".into()));
        assert_eq!(
            ok(r#""\ud800\u0041""#),
            Json::Str("\u{fffd}\u{fffd}".into())
        );
        assert_eq!(
            ok(r#""\ud800\udbff\udc00""#),
            Json::Str("\u{fffd}\u{fffd}\u{fffd}".into())
        );
        bad(r#""\ud800\n""#);
        bad(r#""\ud800\u12""#);
        bad(r#""abc"#);
        bad(r#""\"#);
    }

    #[test]
    fn jsx_leniencies() {
        assert_eq!(ok(r#"{"a":1,}"#), ok(r#"{"a":1}"#));
        assert_eq!(ok("[1,2,]"), ok("[1,2]"));
        assert_eq!(ok("{'a':'b\"c'}"), ok(r#"{"a":"b\"c"}"#));
        assert_eq!(ok(r#"{"a":'it\'s'}"#), ok(r#"{"a":"it's"}"#));
        assert_eq!(ok("/* x */ {\"a\" /* y */ : 1} // z"), ok(r#"{"a":1}"#));
        assert_eq!(ok("[1 // x\n]"), ok("[1]"));
        assert_eq!(ok("[1 /* a /* nested */ b */ ]"), ok("[1]"));
        assert_eq!(ok("1 /* open to the end"), Json::Int(1));
        assert_eq!(ok("\u{feff}{}"), Json::Object(vec![]));
        bad("1 /* /* nested open to the end");
        bad("1 /* ends in a lone star *");
        bad("1 // line /* with a block */");
        bad("[1 // x]");
        bad("1 /");
        bad("/**/");
    }

    #[test]
    fn refused_like_jsx() {
        for text in [
            "",
            "  ",
            "nul",
            "True",
            "01",
            "-01",
            "1.",
            ".5",
            "+1",
            "-",
            "1e",
            "1e+",
            "NaN",
            "Infinity",
            "1e400",
            "-1e400",
            "[,]",
            "{,}",
            "[1,,2]",
            "{\"a\":1,,\"b\":2}",
            "{a:1}",
            "[1 2]",
            "{\"a\":1 \"b\":2}",
            "{} x",
            "{}{}",
            "\u{c}{}",
            "{}\u{c}",
            "[1true]",
            "[\"a\"\"b\"]",
            "{\"a\"}",
            "{\"a\":}",
            "[",
            "{",
            "]",
            "1/2",
            "#",
        ] {
            let e = bad(text);
            assert_eq!(e.kind, JsonErrorKind::Syntax, "{text:?}");
            assert!(e.offset <= text.len(), "{text:?}: offset {}", e.offset);
        }
    }

    #[test]
    fn error_offsets_point_at_the_problem() {
        assert_eq!(bad(r#"{"a":1} x"#).offset, 8);
        assert_eq!(bad(r#"{"a" 1}"#).offset, 5);
        assert_eq!(bad(r#"[1,"ab"#).offset, 3);
        assert_eq!(bad("[01]").offset, 2);
        assert_eq!(bad(r#"{"a":1e999}"#).offset, 5);
        assert_eq!(
            bad(r#"{"a":1e999}"#).to_string(),
            "number too large for a double at byte 5"
        );
    }

    #[test]
    fn duplicate_keys_are_kept_and_the_last_one_wins() {
        let v = ok(r#"{"ha-mode":"all","x":1,"ha-mode":"exactly"}"#);
        assert_eq!(v.as_object().map(<[_]>::len), Some(3));
        assert_eq!(v.get("ha-mode"), Some(&Json::Str("exactly".into())));
        assert_eq!(v.get("nope"), None);
        assert_eq!(Json::Int(1).get("x"), None);
        assert_eq!(
            v.normalized().to_json_string(),
            r#"{"ha-mode":"exactly","x":1}"#
        );
    }

    #[test]
    fn nesting_is_capped_without_overflowing_the_stack() {
        let deep = "[".repeat(200_000);
        let e = bad(&deep);
        assert_eq!(e.kind, JsonErrorKind::TooDeep);
        assert_eq!(e.offset, MAX_DEPTH);
        let deep_objects = "{\"a\":".repeat(50_000);
        assert_eq!(bad(&deep_objects).kind, JsonErrorKind::TooDeep);
        let fine = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&fine).is_ok());
        let too_deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert_eq!(bad(&too_deep).kind, JsonErrorKind::TooDeep);
    }

    #[test]
    fn garbage_never_panics() {
        let mut rng = Rng::new(7);
        let alphabet: Vec<char> = "{}[],:\"'\\/*-+.0123456789eEtrufalsn \n\tuDdc8é😀x\u{feff}"
            .chars()
            .collect();
        for _ in 0..4000 {
            let len = rng.below(40) as usize;
            let text: String = (0..len)
                .map(|_| alphabet[rng.below(alphabet.len() as u64) as usize])
                .collect();
            if let Ok(v) = parse(&text) {
                let again = parse(&v.to_json_string());
                assert_eq!(
                    again.map(|a| a.normalized()),
                    Ok(v.normalized()),
                    "{text:?}"
                );
                let _ = v.to_erlang();
            }
        }
    }
}
