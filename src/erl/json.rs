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

use std::fmt;

/// The deepest nesting of arrays and objects [`parse`] accepts.
///
/// jsx has no such limit; the cap keeps recursion (and so the native and WebAssembly stacks)
/// bounded on hostile input.
pub const MAX_DEPTH: usize = 128;

/// A decoded JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    /// An integer without fraction or exponent that fits an `i64` (`-0` is `0`).
    Int(i64),
    /// A number with a fraction or an exponent, or an integer too large for an `i64`.
    Float(f64),
    Str(String),
    Array(Vec<Json>),
    /// Members in the order written, duplicates included.
    Object(Vec<(String, Json)>),
}

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

impl Json {
    /// The value of `key` in an object: the last one when the key is repeated (jsx keeps the
    /// last), `None` for a missing key or a value that is not an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if this is an integer (`2.0` is a float, not an integer, as in Erlang).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Json::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members in written order, if this is an object.
    pub fn as_object(&self) -> Option<&[(String, Json)]> {
        match self {
            Json::Object(members) => Some(members),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

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

    /// This value after a round trip through jsx's map semantics: in every object a repeated
    /// key keeps only its last value, and members are sorted by key bytes (the order in which
    /// Erlang lists a small map). This is the value RabbitMQ stores and prints back.
    pub fn normalized(&self) -> Json {
        match self {
            Json::Array(items) => Json::Array(items.iter().map(Json::normalized).collect()),
            Json::Object(members) => Json::Object(
                dedup_sorted(members)
                    .into_iter()
                    .map(|(k, v)| (k.clone(), v.normalized()))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// The Erlang term jsx decodes this value into: strings become UTF-8 binaries, objects maps,
    /// `true`/`false`/`null` atoms.
    pub fn to_term(&self) -> Term {
        match self {
            Json::Null => Term::Atom("null".to_string()),
            Json::Bool(b) => Term::Atom(if *b { "true" } else { "false" }.to_string()),
            Json::Int(n) => Term::Int(*n),
            Json::Float(f) => Term::Float(*f),
            Json::Str(s) => Term::Bin(s.as_bytes().to_vec()),
            Json::Array(items) => Term::List(items.iter().map(Json::to_term).collect()),
            Json::Object(members) => Term::Map(
                dedup_sorted(members)
                    .into_iter()
                    .map(|(k, v)| (Term::Bin(k.as_bytes().to_vec()), v.to_term()))
                    .collect(),
            ),
        }
    }

    /// What Erlang's `~p` prints for the decoded value at the start of a line, e.g.
    /// `<<"x">>`, `[1]`, `2.0`, `null`, `#{<<"a">> => 1}` (an object is a map in jsx's
    /// output; only the top level of a policy definition is turned into a list of pairs, see
    /// [`Term::pairs`]). Long values wrap as `~p` wraps them.
    pub fn to_erlang(&self) -> String {
        self.to_term().pretty(1)
    }
}

/// Members with repeated keys reduced to their last value, sorted by key bytes.
fn dedup_sorted(members: &[(String, Json)]) -> Vec<(&String, &Json)> {
    let mut out: Vec<(&String, &Json)> = Vec::with_capacity(members.len());
    for (k, v) in members {
        match out.iter_mut().find(|(ek, _)| *ek == k) {
            Some(slot) => slot.1 = v,
            None => out.push((k, v)),
        }
    }
    out.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    out
}

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

/// A float as Erlang 25 writes it (`io_lib:write/1`, `~p`): the shortest digits that read back
/// to the same double, in plain notation when that is no longer than the exponent form
/// (`2.0`, `0.001`, `100.0`, `123456789012.0`), else `1.0e3`, `1.2e-4`, `1.0e20`.
pub fn erlang_float(f: f64) -> String {
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0" } else { "0.0" }.to_string();
    }
    if !f.is_finite() {
        // Erlang has no such floats; only reachable through a hand-built Json value.
        return if f.is_nan() { "nan" } else { "inf" }.to_string();
    }
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let exp: i64 = exp.parse().unwrap_or(0);
    // Erlang's `Place`: the value is 0.DIGITS times ten to the power `place`.
    let place = exp + 1;
    let len = digits.len() as i64;
    let body = if place == 0 {
        format!("0.{digits}")
    } else if place < 0 || place >= len {
        let exp_text = (place - 1).to_string();
        let exp_dot = if len == 1 { 2 } else { 1 };
        let exp_cost = exp_text.len() as i64 + 1 + exp_dot;
        let with_exp = || {
            let (first, rest) = digits.split_at(1);
            if rest.is_empty() {
                format!("{first}.0e{exp_text}")
            } else {
                format!("{first}.{rest}e{exp_text}")
            }
        };
        if place < 0 {
            if 2 - place <= exp_cost {
                format!("0.{}{digits}", "0".repeat((-place) as usize))
            } else {
                with_exp()
            }
        } else if place - len + 2 <= exp_cost && f.abs() < 9_007_199_254_740_992.0 {
            format!("{digits}{}.0", "0".repeat((place - len) as usize))
        } else {
            with_exp()
        }
    } else {
        let (a, b) = digits.split_at(place as usize);
        format!("{a}.{b}")
    };
    if f < 0.0 {
        format!("-{body}")
    } else {
        body
    }
}

/// An Erlang term, for reproducing what RabbitMQ prints with `~p`.
#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    /// An atom that prints bare (`true`, `null`, `none`).
    Atom(String),
    Int(i64),
    Float(f64),
    /// A binary (bytes; jsx strings are UTF-8).
    Bin(Vec<u8>),
    /// A list; a non-empty list of printable Latin-1 character codes prints as a string.
    List(Vec<Term>),
    Tuple(Vec<Term>),
    /// A map, its pairs in the order Erlang lists them.
    Map(Vec<(Term, Term)>),
}

impl Term {
    /// An Erlang string (a list of character codes), e.g. a PCRE error message.
    pub fn string(s: &str) -> Term {
        Term::List(s.chars().map(|c| Term::Int(c as i64)).collect())
    }

    /// The list of `{Key, Value}` tuples `maps:to_list/1` makes of a decoded JSON object: the
    /// form in which RabbitMQ holds a policy definition (`[{<<"foo">>,1}]`).
    pub fn pairs(members: &[(String, Json)]) -> Term {
        Term::List(
            dedup_sorted(members)
                .into_iter()
                .map(|(k, v)| Term::Tuple(vec![Term::Bin(k.as_bytes().to_vec()), v.to_term()]))
                .collect(),
        )
    }

    /// What `io_lib:format("~p", ...)` prints for this term when it starts at 1-based `column`
    /// of a line (the characters before it on that line count), with the default line length
    /// of 80: on one line when it fits, otherwise broken and indented as `io_lib_pretty` does.
    /// The text is in characters as Erlang holds them: bytes of binaries appear as Latin-1
    /// characters (UTF-8 `é` in a binary prints as `Ã©`, as rabbitmqctl shows it).
    pub fn pretty(&self, column: usize) -> String {
        let column = column.max(1) as i64;
        let node = pretty::Node::of(self);
        let m = node.len;
        let mut out = String::new();
        if node.len < pretty::LINE - column {
            node.write(&mut out);
        } else {
            let ind = " ".repeat(column as usize - 1);
            pretty::pp(&node, column, m, &ind, 0, 0, &mut out);
        }
        out
    }
}

/// The part of OTP 25's `io_lib_pretty` that the terms above need (no records, no tagged
/// tuples: the first element of every tuple printed here is a binary or a string).
mod pretty {
    use super::{erlang_float, Term};

    /// `~p`'s default line length.
    pub const LINE: i64 = 80;

    /// Whether one more element of `elen` columns stays on the current line (io_lib_pretty's test;
    /// `ld` is the room the closing brackets that follow the last element need).
    fn fits_on_line(elen: i64, col: i64, w: i64, m: i64, ld: i64) -> bool {
        if ld == 0 {
            elen + 1 < LINE - col && w + elen < m
        } else {
            elen < LINE - col - ld && w + elen + ld <= m
        }
    }

    pub enum Kind {
        /// Printed as is and never broken: numbers, atoms, strings, printable binaries.
        Leaf(String),
        /// A binary written as bytes (`<<1,2,3>>`), breakable between bytes.
        Bytes(Vec<String>),
        List(Vec<Node>),
        Tuple(Vec<Node>),
        Map(Vec<Node>),
        Pair(Box<Node>, Box<Node>),
    }

    pub struct Node {
        pub kind: Kind,
        /// Width of the one-line form, in characters.
        pub len: i64,
    }

    fn printable(c: i64) -> bool {
        matches!(c, 8..=13 | 27 | 32..=126 | 160..=255)
    }

    fn quote(chars: impl Iterator<Item = char>, out: &mut String) {
        out.push('"');
        for c in chars {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{b}' => out.push_str("\\v"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                '\u{1b}' => out.push_str("\\e"),
                c => out.push(c),
            }
        }
        out.push('"');
    }

    fn leaf(s: String) -> Node {
        let len = s.chars().count() as i64;
        Node {
            kind: Kind::Leaf(s),
            len,
        }
    }

    fn seq_len(items: &[Node], brackets: i64) -> i64 {
        brackets + items.iter().map(|n| n.len).sum::<i64>() + (items.len() as i64 - 1).max(0)
    }

    impl Node {
        pub fn of(t: &Term) -> Node {
            match t {
                Term::Atom(a) => leaf(a.clone()),
                Term::Int(n) => leaf(n.to_string()),
                Term::Float(f) => leaf(erlang_float(*f)),
                Term::Bin(b) if b.is_empty() => leaf("<<>>".to_string()),
                Term::Bin(b) if b.iter().all(|&c| printable(c as i64)) => {
                    let mut s = String::from("<<");
                    quote(b.iter().map(|&c| c as char), &mut s);
                    s.push_str(">>");
                    leaf(s)
                }
                Term::Bin(b) => {
                    let parts: Vec<String> = b.iter().map(|c| c.to_string()).collect();
                    let len =
                        4 + parts.iter().map(|p| p.len() as i64).sum::<i64>() + parts.len() as i64
                            - 1;
                    Node {
                        kind: Kind::Bytes(parts),
                        len,
                    }
                }
                Term::List(items) if items.is_empty() => leaf("[]".to_string()),
                Term::List(items)
                    if items
                        .iter()
                        .all(|i| matches!(i, Term::Int(c) if printable(*c))) =>
                {
                    let mut s = String::new();
                    quote(
                        items.iter().map(|i| match i {
                            Term::Int(c) => char::from_u32(*c as u32).unwrap_or('?'),
                            _ => '?',
                        }),
                        &mut s,
                    );
                    leaf(s)
                }
                Term::List(items) => {
                    let nodes: Vec<Node> = items.iter().map(Node::of).collect();
                    let len = seq_len(&nodes, 2);
                    Node {
                        kind: Kind::List(nodes),
                        len,
                    }
                }
                Term::Tuple(items) if items.is_empty() => leaf("{}".to_string()),
                Term::Tuple(items) => {
                    let nodes: Vec<Node> = items.iter().map(Node::of).collect();
                    let len = seq_len(&nodes, 2);
                    Node {
                        kind: Kind::Tuple(nodes),
                        len,
                    }
                }
                Term::Map(pairs) if pairs.is_empty() => leaf("#{}".to_string()),
                Term::Map(pairs) => {
                    let nodes: Vec<Node> = pairs
                        .iter()
                        .map(|(k, v)| {
                            let (k, v) = (Node::of(k), Node::of(v));
                            let len = k.len + 4 + v.len;
                            Node {
                                kind: Kind::Pair(Box::new(k), Box::new(v)),
                                len,
                            }
                        })
                        .collect();
                    let len = seq_len(&nodes, 3);
                    Node {
                        kind: Kind::Map(nodes),
                        len,
                    }
                }
            }
        }

        /// `?ATM`: printed flat and never broken.
        fn atomic(&self) -> bool {
            matches!(self.kind, Kind::Leaf(_))
        }

        fn atomic_pair(&self) -> bool {
            match &self.kind {
                Kind::Pair(k, v) => k.atomic() && v.atomic(),
                _ => false,
            }
        }

        pub fn write(&self, out: &mut String) {
            match &self.kind {
                Kind::Leaf(s) => out.push_str(s),
                Kind::Bytes(parts) => {
                    out.push_str("<<");
                    out.push_str(&parts.join(","));
                    out.push_str(">>");
                }
                Kind::List(items) => write_seq(items, "[", "]", out),
                Kind::Tuple(items) => write_seq(items, "{", "}", out),
                Kind::Map(items) => write_seq(items, "#{", "}", out),
                Kind::Pair(k, v) => {
                    k.write(out);
                    out.push_str(" => ");
                    v.write(out);
                }
            }
        }
    }

    fn write_seq(items: &[Node], open: &str, close: &str, out: &mut String) {
        out.push_str(open);
        for (i, n) in items.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            n.write(out);
        }
        out.push_str(close);
    }

    fn last_depth(more_follow: bool, ld: i64) -> i64 {
        if more_follow {
            0
        } else {
            ld + 1
        }
    }

    /// `pp/8` with `TInd = -1`. `m` is the one-line width of the whole term (`~p` has no
    /// character limit, so io_lib_pretty uses that width as its limit).
    pub fn pp(n: &Node, col: i64, m: i64, ind: &str, ld: i64, w: i64, out: &mut String) {
        if n.len < LINE - col - ld && n.len + w + ld <= m {
            n.write(out);
            return;
        }
        match &n.kind {
            Kind::List(items) => {
                out.push('[');
                pp_list(items, col + 1, m, &format!(" {ind}"), ld, w + 1, out);
                out.push(']');
            }
            Kind::Tuple(items) => {
                out.push('{');
                pp_list(items, col + 1, m, &format!(" {ind}"), ld, w + 1, out);
                out.push('}');
            }
            Kind::Map(items) => {
                out.push_str("#{");
                pp_map(items, col + 2, m, &format!("  {ind}"), ld, w + 1, out);
                out.push('}');
            }
            Kind::Bytes(parts) => pp_bytes(parts, col + 2, m, &format!("  {ind}"), ld, w, out),
            Kind::Pair(..) | Kind::Leaf(_) => n.write(out),
        }
    }

    fn pp_element(n: &Node, col: i64, m: i64, ind: &str, ld: i64, w: i64, out: &mut String) -> i64 {
        if n.len < LINE - col - ld && n.len + w + ld <= m && n.atomic() {
            n.write(out);
            n.len
        } else {
            pp(n, col, m, ind, ld, w, out);
            LINE
        }
    }

    fn pp_list(items: &[Node], col0: i64, m: i64, ind: &str, ld: i64, w: i64, out: &mut String) {
        let Some((first, rest)) = items.split_first() else {
            return;
        };
        let we = pp_element(
            first,
            col0,
            m,
            ind,
            last_depth(!rest.is_empty(), ld),
            w,
            out,
        );
        let (mut col, mut w) = (col0 + we, w + we);
        for (i, e) in rest.iter().enumerate() {
            let ld1 = last_depth(i + 1 < rest.len(), ld);
            let elen = 1 + e.len;
            let fits = fits_on_line(elen, col, w, m, ld1);
            if fits && e.atomic() {
                out.push(',');
                e.write(out);
                col += elen;
                w += elen;
            } else {
                out.push_str(",\n");
                out.push_str(ind);
                let we = pp_element(e, col0, m, ind, ld1, 0, out);
                col = col0 + we;
                w = we;
            }
        }
    }

    fn pp_pair(p: &Node, col: i64, m: i64, ind: &str, ld: i64, w: i64, out: &mut String) -> i64 {
        if p.len < LINE - col - ld && p.len + w + ld <= m {
            p.write(out);
            return if p.atomic_pair() { p.len } else { LINE };
        }
        if let Kind::Pair(k, v) = &p.kind {
            // `map_value_indent(-1)`: values go four columns in on their own line.
            let vind = format!("    {ind}");
            pp(k, col, m, ind, ld, w, out);
            out.push_str(" =>\n");
            out.push_str(&vind);
            pp(v, col + 4, m, &vind, ld, 0, out);
        }
        LINE
    }

    fn pp_map(items: &[Node], col0: i64, m: i64, ind: &str, ld: i64, w: i64, out: &mut String) {
        let Some((first, rest)) = items.split_first() else {
            return;
        };
        let pw = pp_pair(
            first,
            col0,
            m,
            ind,
            last_depth(!rest.is_empty(), ld),
            w,
            out,
        );
        let (mut col, mut w) = (col0 + pw, pw);
        for (i, p) in rest.iter().enumerate() {
            let ld1 = last_depth(i + 1 < rest.len(), ld);
            let elen = 1 + p.len;
            let fits = fits_on_line(elen, col, w, m, ld1);
            if fits && p.atomic_pair() {
                out.push(',');
                p.write(out);
                col += elen;
                w += elen;
            } else {
                out.push_str(",\n");
                out.push_str(ind);
                let pw = pp_pair(p, col0, m, ind, ld1, 0, out);
                col = col0 + pw;
                w = pw;
            }
        }
    }

    fn pp_bytes(parts: &[String], col: i64, m: i64, ind: &str, ld: i64, w: i64, out: &mut String) {
        let n0 = 8.max((LINE - col).min(m - 4 - w) - ld);
        let mut n = n0;
        out.push_str("<<");
        for (i, p) in parts.iter().enumerate() {
            let plen = p.len() as i64;
            if i + 1 < parts.len() {
                let len = plen + 1;
                if n - len < 0 {
                    out.push('\n');
                    out.push_str(ind);
                    n = n0 - len;
                } else {
                    n -= len;
                }
                out.push_str(p);
                out.push(',');
            } else {
                if plen > n {
                    out.push('\n');
                    out.push_str(ind);
                }
                out.push_str(p);
            }
        }
        out.push_str(">>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn ok(text: &str) -> Json {
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

    #[test]
    fn floats_print_as_erlang_25_prints_them() {
        for (f, s) in [
            (2.0, "2.0"),
            (0.1, "0.1"),
            (0.5, "0.5"),
            (1.0e20, "1.0e20"),
            (100.0, "100.0"),
            (1000.0, "1.0e3"),
            (1.0e-5, "1.0e-5"),
            (0.001, "0.001"),
            (0.0001, "0.0001"),
            (0.00012, "1.2e-4"),
            (2.5e-5, "2.5e-5"),
            (123.456, "123.456"),
            (100.5, "100.5"),
            (12345678.9, "12345678.9"),
            (1.2e7, "1.2e7"),
            (1.5e300, "1.5e300"),
            (9007199254740992.0, "9.007199254740992e15"),
            (9007199254740991.0, "9007199254740991.0"),
            (123456789012.0, "123456789012.0"),
            (1.0e15, "1.0e15"),
            (5.0e-324, "5.0e-324"),
            (1.7976931348623157e308, "1.7976931348623157e308"),
            (-2.5, "-2.5"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
        ] {
            assert_eq!(erlang_float(f), s, "{f:e}");
        }
    }

    #[test]
    fn erlang_rendering_of_decoded_values() {
        let e = |t: &str| ok(t).to_erlang();
        assert_eq!(e(r#""x""#), r#"<<"x">>"#);
        assert_eq!(e("[1]"), "[1]");
        assert_eq!(e("2.0"), "2.0");
        assert_eq!(e("1e5"), "1.0e5");
        assert_eq!(e("true"), "true");
        assert_eq!(e("null"), "null");
        assert_eq!(e("[]"), "[]");
        assert_eq!(e("{}"), "#{}");
        assert_eq!(e(r#""""#), "<<>>");
        assert_eq!(
            e(r#"{"z":1,"a":{"y":null}}"#),
            r#"#{<<"a">> => #{<<"y">> => null},<<"z">> => 1}"#
        );
        // Lists of printable character codes are strings to Erlang.
        assert_eq!(e("[65,66]"), r#""AB""#);
        assert_eq!(e("[[104,105]]"), r#"["hi"]"#);
        assert_eq!(e("[10,27]"), r#""\n\e""#);
        assert_eq!(e("[256]"), "[256]");
        assert_eq!(e("[127]"), "[127]");
        // Binary bytes print as Latin-1 characters when all are printable, else as numbers.
        assert_eq!(e(r#""é""#), "<<\"Ã©\">>");
        assert_eq!(e(r#""\u0080\u00ff""#), "<<194,128,195,191>>");
        assert_eq!(e(r#""a\nb\"c\\d\te""#), r#"<<"a\nb\"c\\d\te">>"#);
        assert_eq!(e(r#""\u0001""#), "<<1>>");
        let pairs = Term::pairs(
            ok(r#"{"foo":1,"bar":"x","foo":2}"#)
                .as_object()
                .unwrap_or(&[]),
        );
        assert_eq!(pairs.pretty(1), r#"[{<<"bar">>,<<"x">>},{<<"foo">>,2}]"#);
    }

    #[test]
    fn long_terms_wrap_as_rabbitmq_3_10_8_printed_them() {
        // Texts captured from rabbitmqctl set_policy on 3.10.8 (Erlang 25).
        let pairs = Term::pairs(
            ok(r#"{"x-message-ttl":60000,"x-max-length":1000,"x-dead-letter-exchange":"dlx"}"#)
                .as_object()
                .unwrap_or(&[]),
        );
        assert_eq!(
            pairs.pretty(1),
            "[{<<\"x-dead-letter-exchange\">>,<<\"dlx\">>},\n {<<\"x-max-length\">>,1000},\n {<<\"x-message-ttl\">>,60000}]"
        );
        let regex_error = Term::Tuple(vec![
            Term::string("missing terminating ] for character class"),
            Term::Int(1),
        ]);
        assert_eq!(
            regex_error.pretty("pattern should be regular expression but is invalid: ".len() + 1),
            "{\"missing terminating ] for character class\",\n                                                      1}"
        );
        let col = "ha-mode=\"exactly\" takes an integer, ".len() + 1;
        let list = ok(&format!(
            "[{}]",
            (1..=30)
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(",")
        ));
        assert_eq!(
            list.to_term().pretty(col),
            "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,\n                                     17,18,19,20,21,22,23,24,25,26,27,28,29,\n                                     30]"
        );
        let bytes = ok(&format!(
            "\"{}\"",
            "\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007".repeat(4)
        ));
        assert_eq!(
            bytes.to_term().pretty(col),
            "<<1,2,3,4,5,6,7,1,2,3,4,5,6,7,1,2,3,4,5,6,\n                                      7,1,2,3,4,5,6,7>>"
        );
        let mixed = ok(
            r#"[1,"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",{"k":"vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"}]"#,
        );
        assert_eq!(
            mixed.to_term().pretty(col),
            "[1,\n                                     <<\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">>,\n                                     #{<<\"k\">> =>\n                                           <<\"vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv\">>}]"
        );
        // Scalars and strings never wrap.
        let long = ok(&format!("\"{}\"", "a".repeat(85)));
        assert_eq!(
            long.to_term().pretty(col),
            format!("<<\"{}\">>", "a".repeat(85))
        );
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
