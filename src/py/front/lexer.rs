//! Tokenizer: turns source text into tokens, including INDENT/DEDENT, as Python's tokenizer
//! does. String escapes are decoded here, except in f-strings, whose raw body is handed to the
//! parser (it splits literal text from `{expressions}` first).

use std::rc::Rc;

use crate::py::front::error::{ParseError, ParseErrorKind};

/// A token kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// Identifier or keyword.
    Name(Rc<str>),
    /// Integer literal.
    Int(i64),
    /// Float literal.
    Float(f64),
    /// String literal (escapes decoded).
    Str(String),
    /// Bytes literal.
    Bytes(Vec<u8>),
    /// f-string: raw body and where the body starts.
    FStr {
        /// Body between the quotes, escapes not decoded.
        body: String,
        /// Whether it was an `rf` string.
        raw: bool,
        /// Line of the first body character.
        line: u32,
        /// Column of the first body character.
        col: u32,
    },
    /// Operator or delimiter.
    Op(&'static str),
    /// End of a logical line.
    Newline,
    /// Indentation increased.
    Indent,
    /// Indentation decreased.
    Dedent,
    /// End of input.
    Eof,
}

/// A token with its position (1-based line and column).
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// Kind and payload.
    pub tok: Tok,
    /// Line.
    pub line: u32,
    /// Column.
    pub col: u32,
}

const OPS: [&str; 48] = [
    "**=", "//=", ">>=", "<<=", "...", "->", "**", "//", "<<", ">>", "<=", ">=", "==", "!=", "+=",
    "-=", "*=", "/=", "%=", "&=", "|=", "^=", ":=", "@=", "+", "-", "*", "/", "%", "@", "&", "|",
    "^", "~", "<", ">", "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "=", "!",
];

struct Lexer {
    chars: Vec<char>,
    pos: usize,
    line: u32,
    col: u32,
    tokens: Vec<Token>,
    indents: Vec<u32>,
    brackets: Vec<(char, u32, u32)>,
    at_line_start: bool,
    /// Lexing an f-string expression: no indentation, newlines are insignificant.
    embedded: bool,
}

fn syntax(line: u32, col: u32, msg: impl Into<String>) -> ParseError {
    ParseError::new(ParseErrorKind::Syntax, line, col, msg)
}

/// Tokenizes a whole script.
pub fn tokenize(src: &str) -> Result<Vec<Token>, ParseError> {
    let mut lx = Lexer::new(src, 1, 1, false);
    lx.run()?;
    Ok(lx.tokens)
}

/// Tokenizes an expression embedded in an f-string, starting at the given position.
pub fn tokenize_embedded(src: &str, line: u32, col: u32) -> Result<Vec<Token>, ParseError> {
    let mut lx = Lexer::new(src, line, col, true);
    lx.run()?;
    Ok(lx.tokens)
}

impl Lexer {
    fn new(src: &str, line: u32, col: u32, embedded: bool) -> Lexer {
        Lexer {
            chars: src.chars().collect(),
            pos: 0,
            line,
            col,
            tokens: Vec::new(),
            indents: vec![0],
            brackets: Vec::new(),
            at_line_start: !embedded,
            embedded,
        }
    }

    fn peek(&self, k: usize) -> Option<char> {
        self.chars.get(self.pos + k).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.chars.get(self.pos).copied()?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn push(&mut self, tok: Tok, line: u32, col: u32) {
        self.tokens.push(Token { tok, line, col });
    }

    fn run(&mut self) -> Result<(), ParseError> {
        loop {
            if self.at_line_start {
                self.at_line_start = false;
                if self.indentation()? {
                    continue;
                }
            }
            let Some(c) = self.peek(0) else { break };
            let (line, col) = (self.line, self.col);
            match c {
                ' ' | '\t' | '\x0c' | '\r' => {
                    self.bump();
                }
                '#' => {
                    while let Some(c) = self.peek(0) {
                        if c == '\n' {
                            break;
                        }
                        self.bump();
                    }
                }
                '\n' => {
                    self.bump();
                    if self.brackets.is_empty() && !self.embedded {
                        self.push(Tok::Newline, line, col);
                        self.at_line_start = true;
                    }
                }
                '\\' => {
                    self.bump();
                    match self.peek(0) {
                        Some('\n') => {
                            self.bump();
                        }
                        Some('\r') if self.peek(1) == Some('\n') => {
                            self.bump();
                            self.bump();
                        }
                        _ => {
                            return Err(syntax(
                                line,
                                col,
                                "unexpected character after line continuation character",
                            ))
                        }
                    }
                }
                c if c.is_ascii_digit()
                    || (c == '.' && self.peek(1).is_some_and(|d| d.is_ascii_digit())) =>
                {
                    self.number()?
                }
                c if c == '_' || c.is_alphabetic() => {
                    let start = self.pos;
                    while let Some(c) = self.peek(0) {
                        if c == '_' || c.is_alphanumeric() {
                            self.bump();
                        } else {
                            break;
                        }
                    }
                    let word: String = self.chars[start..self.pos].iter().collect();
                    if matches!(self.peek(0), Some('\'' | '"')) && is_string_prefix(&word) {
                        self.string(&word.to_ascii_lowercase(), line, col)?;
                    } else {
                        self.push(Tok::Name(Rc::from(word.as_str())), line, col);
                    }
                }
                '\'' | '"' => self.string("", line, col)?,
                _ => self.operator(c, line, col)?,
            }
        }
        let (line, col) = (self.line, self.col);
        if let Some(&(open, l, c)) = self.brackets.last() {
            return Err(syntax(l, c, format!("'{open}' was never closed")));
        }
        if !self.embedded {
            if !matches!(
                self.tokens.last().map(|t| &t.tok),
                None | Some(Tok::Newline)
            ) {
                self.push(Tok::Newline, line, col);
            }
            while self.indents.len() > 1 {
                self.indents.pop();
                self.push(Tok::Dedent, line, col);
            }
        }
        self.push(Tok::Eof, line, col);
        Ok(())
    }

    /// Measures a new line's indentation; returns true when the line was blank (skipped).
    fn indentation(&mut self) -> Result<bool, ParseError> {
        let mut width = 0u32;
        loop {
            match self.peek(0) {
                Some(' ') => width += 1,
                Some('\t') => width = (width / 8 + 1) * 8,
                Some('\x0c') => width = 0,
                _ => break,
            }
            self.bump();
        }
        match self.peek(0) {
            None => return Ok(false),
            Some('#') | Some('\n') | Some('\r') => {
                while let Some(c) = self.bump() {
                    if c == '\n' {
                        break;
                    }
                }
                self.at_line_start = true;
                return Ok(true);
            }
            Some('\\') if matches!(self.peek(1), Some('\n')) => return Ok(false),
            _ => {}
        }
        let (line, col) = (self.line, self.col);
        let current = *self.indents.last().unwrap_or(&0);
        if width > current {
            self.indents.push(width);
            self.push(Tok::Indent, line, col);
        } else if width < current {
            while *self.indents.last().unwrap_or(&0) > width {
                self.indents.pop();
                self.push(Tok::Dedent, line, col);
            }
            if *self.indents.last().unwrap_or(&0) != width {
                return Err(ParseError::new(
                    ParseErrorKind::Indentation,
                    line,
                    col,
                    "unindent does not match any outer indentation level",
                ));
            }
        }
        Ok(false)
    }

    fn number(&mut self) -> Result<(), ParseError> {
        let (line, col) = (self.line, self.col);
        let start = self.pos;
        let radix = if self.peek(0) == Some('0') {
            match self.peek(1) {
                Some('x' | 'X') => 16,
                Some('o' | 'O') => 8,
                Some('b' | 'B') => 2,
                _ => 10,
            }
        } else {
            10
        };
        let mut is_float = false;
        if radix != 10 {
            self.bump();
            self.bump();
            while let Some(c) = self.peek(0) {
                if c == '_' || c.is_digit(radix) {
                    self.bump();
                } else {
                    break;
                }
            }
        } else {
            while let Some(c) = self.peek(0) {
                if c.is_ascii_digit() || c == '_' {
                    self.bump();
                } else if c == '.' && !is_float {
                    is_float = true;
                    self.bump();
                } else if (c == 'e' || c == 'E')
                    && (self.peek(1).is_some_and(|d| d.is_ascii_digit())
                        || (matches!(self.peek(1), Some('+' | '-'))
                            && self.peek(2).is_some_and(|d| d.is_ascii_digit())))
                {
                    is_float = true;
                    self.bump();
                    self.bump();
                } else {
                    break;
                }
            }
        }
        if let Some(c) = self.peek(0) {
            if c == 'j' || c == 'J' {
                return Err(ParseError::new(
                    ParseErrorKind::Unsupported,
                    line,
                    col,
                    "complex numbers are not supported by the mirrorscope Python subset",
                ));
            }
            if c == '_' || c.is_alphanumeric() {
                return Err(syntax(line, col, "invalid decimal literal"));
            }
        }
        let text: String = self.chars[start..self.pos]
            .iter()
            .filter(|c| **c != '_')
            .collect();
        if text.contains("__") || self.chars[start..self.pos].ends_with(&['_']) {
            return Err(syntax(line, col, "invalid decimal literal"));
        }
        if is_float {
            let v: f64 = text
                .parse()
                .map_err(|_| syntax(line, col, "invalid decimal literal"))?;
            self.push(Tok::Float(v), line, col);
        } else {
            let digits = if radix == 10 { &text[..] } else { &text[2..] };
            if radix == 10
                && digits.len() > 1
                && digits.starts_with('0')
                && digits.chars().any(|c| c != '0')
            {
                return Err(syntax(
                    line,
                    col,
                    "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers",
                ));
            }
            let v = i64::from_str_radix(digits, radix).map_err(|_| {
                if digits.is_empty() {
                    syntax(line, col, "invalid literal")
                } else {
                    ParseError::new(
                        ParseErrorKind::Unsupported,
                        line,
                        col,
                        "integers beyond 64 bits are not supported by the mirrorscope Python subset",
                    )
                }
            })?;
            self.push(Tok::Int(v), line, col);
        }
        Ok(())
    }

    fn string(&mut self, prefix: &str, line: u32, col: u32) -> Result<(), ParseError> {
        let raw = prefix.contains('r');
        let is_bytes = prefix.contains('b');
        let is_f = prefix.contains('f');
        let quote = self.bump().unwrap_or('"');
        let triple = self.peek(0) == Some(quote) && self.peek(1) == Some(quote);
        if triple {
            self.bump();
            self.bump();
        }
        let (body_line, body_col) = (self.line, self.col);
        let mut body = String::new();
        // Inside an f-string's `{...}` a quote starts a nested string (Python 3.12 allows
        // even the enclosing quote there), so replacement fields are skipped as a unit.
        let mut depth = 0usize;
        loop {
            if is_f && depth > 0 {
                match self.peek(0) {
                    Some(q @ ('\'' | '"')) => {
                        body.push(q);
                        self.bump();
                        while let Some(c) = self.peek(0) {
                            if c == '\n' && !triple {
                                break;
                            }
                            body.push(c);
                            self.bump();
                            if c == '\\' {
                                if let Some(n) = self.bump() {
                                    body.push(n);
                                }
                            } else if c == q {
                                break;
                            }
                        }
                        continue;
                    }
                    Some('{') => depth += 1,
                    Some('}') => depth -= 1,
                    _ => {}
                }
            } else if is_f && self.peek(0) == Some('{') {
                if self.peek(1) == Some('{') {
                    body.push_str("{{");
                    self.bump();
                    self.bump();
                    continue;
                }
                depth = 1;
                body.push('{');
                self.bump();
                continue;
            }
            let Some(c) = self.peek(0) else {
                return Err(if triple {
                    syntax(
                        line,
                        col,
                        format!(
                            "unterminated triple-quoted string literal (detected at line {})",
                            self.line
                        ),
                    )
                } else {
                    syntax(
                        line,
                        col,
                        format!(
                            "unterminated string literal (detected at line {})",
                            self.line
                        ),
                    )
                });
            };
            if c == '\n' && !triple {
                return Err(syntax(
                    line,
                    col,
                    format!(
                        "unterminated string literal (detected at line {})",
                        self.line
                    ),
                ));
            }
            if c == quote {
                if !triple {
                    self.bump();
                    break;
                }
                if self.peek(1) == Some(quote) && self.peek(2) == Some(quote) {
                    self.bump();
                    self.bump();
                    self.bump();
                    break;
                }
            }
            if c == '\\' {
                self.bump();
                body.push('\\');
                if let Some(n) = self.bump() {
                    body.push(n);
                }
                continue;
            }
            self.bump();
            body.push(c);
        }
        if is_f {
            self.push(
                Tok::FStr {
                    body,
                    raw,
                    line: body_line,
                    col: body_col,
                },
                line,
                col,
            );
        } else if is_bytes {
            if let Some(bad) = body.chars().find(|c| !c.is_ascii()) {
                let _ = bad;
                return Err(syntax(
                    line,
                    col,
                    "bytes can only contain ASCII literal characters",
                ));
            }
            let decoded = if raw {
                body.into_bytes()
            } else {
                decode_escapes(&body, true, line, col)?
                    .chars()
                    .map(|c| c as u32 as u8)
                    .collect()
            };
            self.push(Tok::Bytes(decoded), line, col);
        } else {
            let decoded = if raw {
                body
            } else {
                decode_escapes(&body, false, line, col)?
            };
            self.push(Tok::Str(decoded), line, col);
        }
        Ok(())
    }

    fn operator(&mut self, c: char, line: u32, col: u32) -> Result<(), ParseError> {
        for op in OPS {
            let n = op.chars().count();
            if op
                .chars()
                .enumerate()
                .all(|(i, oc)| self.peek(i) == Some(oc))
            {
                for _ in 0..n {
                    self.bump();
                }
                match op {
                    "(" | "[" | "{" => self.brackets.push((c, line, col)),
                    ")" | "]" | "}" => {
                        let want = match op {
                            ")" => '(',
                            "]" => '[',
                            _ => '{',
                        };
                        match self.brackets.pop() {
                            Some((open, _, _)) if open == want => {}
                            Some((open, l, _)) => {
                                let msg = if l == line {
                                    format!("closing parenthesis '{op}' does not match opening parenthesis '{open}'")
                                } else {
                                    format!("closing parenthesis '{op}' does not match opening parenthesis '{open}' on line {l}")
                                };
                                return Err(syntax(line, col, msg));
                            }
                            None => return Err(syntax(line, col, format!("unmatched '{op}'"))),
                        }
                    }
                    "!" => return Err(syntax(line, col, "invalid syntax")),
                    _ => {}
                }
                self.push(Tok::Op(op), line, col);
                return Ok(());
            }
        }
        let msg = match c {
            '$' | '?' | '`' => format!("invalid syntax ('{c}')"),
            _ => format!("invalid character '{}' (U+{:04X})", c, c as u32),
        };
        Err(syntax(line, col, msg))
    }
}

fn is_string_prefix(word: &str) -> bool {
    matches!(
        word.to_ascii_lowercase().as_str(),
        "r" | "u" | "b" | "br" | "rb" | "f" | "fr" | "rf"
    )
}

/// Decodes backslash escapes. For bytes, `\u` escapes are literal and `\x` gives a raw byte
/// (returned as a char below U+0100).
pub fn decode_escapes(body: &str, bytes: bool, line: u32, col: u32) -> Result<String, ParseError> {
    let mut out = String::with_capacity(body.len());
    let mut it = body.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = it.next() else {
            out.push('\\');
            break;
        };
        match e {
            '\n' => {}
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\x0b'),
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match it.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            it.next();
                        }
                        None => break,
                    }
                }
                if bytes {
                    out.push(char::from_u32(v & 0xff).unwrap_or('\0'));
                } else {
                    out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                }
            }
            'x' | 'u' | 'U' if !(bytes && e != 'x') => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let mut v = 0u32;
                for _ in 0..n {
                    match it.next().and_then(|d| d.to_digit(16)) {
                        Some(d) => v = v * 16 + d,
                        None => {
                            let what = if bytes {
                                "bytes"
                            } else {
                                "unicode error 'unicodeescape' codec"
                            };
                            return Err(syntax(
                                line,
                                col,
                                format!("({what} can't decode bytes: truncated \\{e}XX escape)"),
                            ));
                        }
                    }
                }
                match char::from_u32(v) {
                    Some(ch) => out.push(ch),
                    None => {
                        return Err(syntax(
                            line,
                            col,
                            "(unicode error) 'unicodeescape' codec can't decode bytes: illegal Unicode character",
                        ))
                    }
                }
            }
            'N' if !bytes => {
                return Err(ParseError::new(
                    ParseErrorKind::Unsupported,
                    line,
                    col,
                    "\\N{...} escapes are not supported by the mirrorscope Python subset",
                ))
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Ok(out)
}
