//! String literals: concatenation of adjacent literals, f-strings and their embedded
//! expressions.

use std::rc::Rc;

use crate::py::front::ast::*;
use crate::py::front::error::{ParseError, ParseErrorKind};
use crate::py::front::lexer::{decode_escapes, tokenize_embedded, Tok};
use crate::py::front::parser::cursor::{mk, Parser};

impl Parser {
    /// Adjacent string literals concatenate; mixing f-strings and plain strings gives an
    /// f-string, mixing bytes and str is an error.
    pub(super) fn strings(&mut self) -> Result<Expr, ParseError> {
        let first = self.peek().clone();
        let (line, col) = (first.line, first.col);
        let mut parts: Vec<FPart> = Vec::new();
        let mut bytes: Option<Vec<u8>> = None;
        let mut any_f = false;
        let mut any_str = false;
        loop {
            let t = self.peek().clone();
            match t.tok {
                Tok::Str(s) => {
                    any_str = true;
                    parts.push(FPart::Lit(s));
                }
                Tok::FStr {
                    body,
                    raw,
                    line,
                    col,
                } => {
                    any_str = true;
                    any_f = true;
                    self.enter()?;
                    let r = self.fstring(&body, raw, line, col);
                    self.leave();
                    parts.extend(r?);
                }
                Tok::Bytes(b) => bytes.get_or_insert_with(Vec::new).extend(b),
                _ => break,
            }
            self.pos += 1;
        }
        if bytes.is_some() && any_str {
            return Err(ParseError::new(
                ParseErrorKind::Syntax,
                line,
                col,
                "cannot mix bytes and nonbytes literals",
            ));
        }
        if let Some(b) = bytes {
            return Ok(mk(ExprKind::Const(Constant::Bytes(Rc::from(b))), line, col));
        }
        if !any_f {
            let s: String = parts
                .into_iter()
                .map(|p| match p {
                    FPart::Lit(s) => s,
                    FPart::Field { .. } => String::new(),
                })
                .collect();
            return Ok(mk(ExprKind::Const(Constant::Str(Rc::from(s))), line, col));
        }
        self.checked(mk(ExprKind::FString(merge_literals(parts)), line, col))
    }

    pub(super) fn fstring(
        &mut self,
        body: &str,
        raw: bool,
        line: u32,
        col: u32,
    ) -> Result<Vec<FPart>, ParseError> {
        let chars: Vec<char> = body.chars().collect();
        // Position of every char, for error messages inside embedded expressions.
        let mut pos = Vec::with_capacity(chars.len() + 1);
        let (mut l, mut c) = (line, col);
        for ch in &chars {
            pos.push((l, c));
            if *ch == '\n' {
                l += 1;
                c = 1;
            } else {
                c += 1;
            }
        }
        pos.push((l, c));
        self.fparts(&chars, &pos, 0, chars.len(), raw, false)
    }

    pub(super) fn fparts(
        &mut self,
        chars: &[char],
        pos: &[(u32, u32)],
        start: usize,
        end: usize,
        raw: bool,
        in_spec: bool,
    ) -> Result<Vec<FPart>, ParseError> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut i = start;
        let err = |i: usize, msg: &str| {
            let (l, c) = pos[i.min(pos.len() - 1)];
            ParseError::new(ParseErrorKind::Syntax, l, c, format!("f-string: {msg}"))
        };
        let flush =
            |lit: &mut String, parts: &mut Vec<FPart>, at: usize| -> Result<(), ParseError> {
                if !lit.is_empty() {
                    let (l, c) = pos[at.min(pos.len() - 1)];
                    let text = if raw {
                        std::mem::take(lit)
                    } else {
                        decode_escapes(&std::mem::take(lit), false, l, c)?
                    };
                    parts.push(FPart::Lit(text));
                }
                Ok(())
            };
        while i < end {
            let ch = chars[i];
            if ch == '{' {
                if !in_spec && i + 1 < end && chars[i + 1] == '{' {
                    lit.push('{');
                    i += 2;
                    continue;
                }
                flush(&mut lit, &mut parts, i)?;
                // Find the end of the expression: a top-level `}`, `!` (not `!=`), `:` or `=`.
                let expr_start = i + 1;
                let mut j = expr_start;
                let mut depth = 0i32;
                let mut quote: Option<char> = None;
                while j < end {
                    let cj = chars[j];
                    if let Some(q) = quote {
                        if cj == '\\' {
                            j += 1;
                        } else if cj == q {
                            quote = None;
                        }
                    } else if cj == '\'' || cj == '"' {
                        quote = Some(cj);
                    } else if matches!(cj, '(' | '[' | '{') {
                        depth += 1;
                    } else if matches!(cj, ')' | ']' | '}') {
                        if depth == 0 {
                            break;
                        }
                        depth -= 1;
                    } else if depth == 0
                        && ((cj == '!' && chars.get(j + 1) != Some(&'='))
                            || cj == ':'
                            || (cj == '='
                                && chars.get(j + 1) != Some(&'=')
                                && !matches!(
                                    chars.get(j.wrapping_sub(1)),
                                    Some('=' | '!' | '<' | '>')
                                )))
                    {
                        break;
                    }
                    j += 1;
                }
                if j >= end {
                    return Err(err(i, "expecting '}'"));
                }
                let text: String = chars[expr_start..j].iter().collect();
                if text.trim().is_empty() {
                    return Err(err(i, "valid expression required before '}'"));
                }
                if text.contains('\\') {
                    return Err(err(i, "expression part cannot include a backslash"));
                }
                let (el, ec) = pos[expr_start];
                let expr = self.embedded_expr(&text, el, ec)?;
                let mut conversion = None;
                let mut self_doc = false;
                if chars[j] == '=' {
                    self_doc = true;
                    j += 1;
                }
                if j < end && chars[j] == '!' {
                    let conv = chars.get(j + 1).copied();
                    match conv {
                        Some(c @ ('r' | 's' | 'a')) => conversion = Some(c),
                        _ => {
                            return Err(err(
                                j,
                                "invalid conversion character: expected 's', 'r', or 'a'",
                            ))
                        }
                    }
                    j += 2;
                }
                let mut spec = None;
                if j < end && chars[j] == ':' {
                    // The spec runs to the matching `}` and may hold nested fields.
                    let spec_start = j + 1;
                    let mut k = spec_start;
                    let mut depth = 0;
                    while k < end {
                        match chars[k] {
                            '{' => depth += 1,
                            '}' if depth == 0 => break,
                            '}' => depth -= 1,
                            _ => {}
                        }
                        k += 1;
                    }
                    if k >= end {
                        return Err(err(i, "expecting '}'"));
                    }
                    spec = Some(self.fparts(chars, pos, spec_start, k, raw, true)?);
                    j = k;
                }
                if j >= end || chars[j] != '}' {
                    return Err(err(j, "expecting '}'"));
                }
                if self_doc {
                    let shown: String = chars[expr_start..j].iter().collect();
                    let shown = shown.split(['!', ':']).next().unwrap_or("").to_string();
                    parts.push(FPart::Lit(shown));
                    if conversion.is_none() && spec.is_none() {
                        conversion = Some('r');
                    }
                }
                parts.push(FPart::Field {
                    expr: Box::new(expr),
                    conversion,
                    spec,
                });
                i = j + 1;
            } else if ch == '}' {
                if !in_spec && i + 1 < end && chars[i + 1] == '}' {
                    lit.push('}');
                    i += 2;
                    continue;
                }
                return Err(err(i, "single '}' is not allowed"));
            } else {
                lit.push(ch);
                i += 1;
            }
        }
        flush(&mut lit, &mut parts, end)?;
        Ok(parts)
    }

    pub(super) fn embedded_expr(
        &mut self,
        text: &str,
        line: u32,
        col: u32,
    ) -> Result<Expr, ParseError> {
        let tokens = tokenize_embedded(text, line, col)?;
        let mut sub = Parser {
            tokens,
            pos: 0,
            nesting: self.nesting,
        };
        let e = sub.testlist()?;
        if !sub.at_eof() {
            return Err(sub.invalid_syntax());
        }
        Ok(e)
    }
}

pub(super) fn merge_literals(parts: Vec<FPart>) -> Vec<FPart> {
    let mut out: Vec<FPart> = Vec::new();
    for p in parts {
        match (out.last_mut(), p) {
            (Some(FPart::Lit(a)), FPart::Lit(b)) => a.push_str(&b),
            (_, p) => out.push(p),
        }
    }
    out
}
