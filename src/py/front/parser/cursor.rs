//! The parser's cursor over the token stream: the `Parser` state, token tests, error
//! constructors and the nesting / expression-height limits.

use std::rc::Rc;

use crate::py::front::ast::*;
use crate::py::front::error::{ParseError, ParseErrorKind};
use crate::py::front::lexer::{Tok, Token};

/// Most nested brackets / blocks / unary operators the parser accepts.
pub const MAX_NESTING: u32 = 100;
/// Tallest expression tree accepted (long operator chains like `1+1+...+1`).
pub const MAX_EXPR_DEPTH: u32 = 200;

pub(super) const KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

pub(super) fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

pub(super) struct Parser {
    pub(super) tokens: Vec<Token>,
    pub(super) pos: usize,
    pub(super) nesting: u32,
}

pub(super) fn unsupported(line: u32, col: u32, what: &str) -> ParseError {
    ParseError::new(
        ParseErrorKind::Unsupported,
        line,
        col,
        format!("{what} not supported by the mirrorscope Python subset"),
    )
}

pub(super) fn mk(kind: ExprKind, line: u32, col: u32) -> Expr {
    let depth = 1 + child_depth(&kind);
    Expr {
        kind,
        line,
        col,
        depth,
    }
}

pub(super) fn child_depth(kind: &ExprKind) -> u32 {
    let d = |e: &Expr| e.depth;
    let many = |v: &[Expr]| v.iter().map(|e| e.depth).max().unwrap_or(0);
    let opt = |e: &Option<Box<Expr>>| e.as_ref().map(|e| e.depth).unwrap_or(0);
    let comps = |c: &[Comprehension]| {
        c.iter()
            .map(|c| c.target.depth.max(c.iter.depth).max(many(&c.ifs)))
            .max()
            .unwrap_or(0)
    };
    let fparts = |parts: &[FPart]| fparts_depth(parts);
    match kind {
        ExprKind::Const(_) | ExprKind::Name(_) | ExprKind::Lambda(_) => 0,
        ExprKind::FString(parts) => fparts(parts),
        ExprKind::List(v) | ExprKind::Tuple(v) => many(v),
        ExprKind::Dict(v) => v
            .iter()
            .map(|(k, x)| k.depth.max(x.depth))
            .max()
            .unwrap_or(0),
        ExprKind::Attribute(e, _) | ExprKind::Unary(_, e) => d(e),
        ExprKind::Subscript(a, b) | ExprKind::BinOp(_, a, b) | ExprKind::BoolOp(_, a, b) => {
            d(a).max(d(b))
        }
        ExprKind::Slice(a, b, c) => opt(a).max(opt(b)).max(opt(c)),
        ExprKind::Call(f, args) => d(f).max(
            args.iter()
                .map(|a| match a {
                    Arg::Pos(e) | Arg::Star(e) | Arg::Kw(_, e) | Arg::StarStar(e) => e.depth,
                })
                .max()
                .unwrap_or(0),
        ),
        ExprKind::Compare(a, rest) => {
            d(a).max(rest.iter().map(|(_, e)| e.depth).max().unwrap_or(0))
        }
        ExprKind::IfExp(a, b, c) => d(a).max(d(b)).max(d(c)),
        ExprKind::ListComp(e, c) => d(e).max(comps(c)),
        ExprKind::DictComp(k, v, c) => d(k).max(d(v)).max(comps(c)),
    }
}

pub(super) fn fparts_depth(parts: &[FPart]) -> u32 {
    parts
        .iter()
        .map(|p| match p {
            FPart::Lit(_) => 0,
            FPart::Field { expr, spec, .. } => expr
                .depth
                .max(spec.as_ref().map(|s| fparts_depth(s)).unwrap_or(0)),
        })
        .max()
        .unwrap_or(0)
}

pub(super) fn describe_target(e: &Expr) -> &'static str {
    match &e.kind {
        ExprKind::Call(..) => "function call",
        ExprKind::Const(Constant::None) => "None",
        ExprKind::Const(Constant::Bool(true)) => "True",
        ExprKind::Const(Constant::Bool(false)) => "False",
        ExprKind::Const(_) | ExprKind::FString(_) | ExprKind::Dict(_) => "literal",
        ExprKind::BinOp(..) | ExprKind::Unary(..) => "expression",
        ExprKind::BoolOp(..) => "expression",
        ExprKind::Compare(..) => "comparison",
        ExprKind::IfExp(..) => "conditional expression",
        ExprKind::Lambda(..) => "lambda",
        ExprKind::ListComp(..) => "list comprehension",
        ExprKind::DictComp(..) => "dict comprehension",
        _ => "expression",
    }
}

impl Parser {
    pub(super) fn peek(&self) -> &Token {
        let i = self.pos.min(self.tokens.len().saturating_sub(1));
        &self.tokens[i]
    }

    pub(super) fn peek_at(&self, k: usize) -> &Tok {
        let i = (self.pos + k).min(self.tokens.len().saturating_sub(1));
        &self.tokens[i].tok
    }

    pub(super) fn at_eof(&self) -> bool {
        matches!(self.peek().tok, Tok::Eof)
    }

    pub(super) fn advance(&mut self) -> Token {
        let t = self.peek().clone();
        if self.pos < self.tokens.len() {
            self.pos += 1;
        }
        t
    }

    pub(super) fn check_tok(&self, t: &Tok) -> bool {
        &self.peek().tok == t
    }

    pub(super) fn check_op(&self, op: &str) -> bool {
        matches!(&self.peek().tok, Tok::Op(o) if *o == op)
    }

    pub(super) fn check_kw(&self, kw: &str) -> bool {
        matches!(&self.peek().tok, Tok::Name(n) if &**n == kw)
    }

    pub(super) fn eat_op(&mut self, op: &str) -> bool {
        if self.check_op(op) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub(super) fn eat_kw(&mut self, kw: &str) -> bool {
        if self.check_kw(kw) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub(super) fn error_here(&self, msg: impl Into<String>) -> ParseError {
        let t = self.peek();
        ParseError::new(ParseErrorKind::Syntax, t.line, t.col, msg)
    }

    pub(super) fn invalid_syntax(&self) -> ParseError {
        let t = self.peek();
        match &t.tok {
            Tok::Indent => ParseError::new(
                ParseErrorKind::Indentation,
                t.line,
                t.col,
                "unexpected indent",
            ),
            Tok::Name(n) if &**n == "yield" || &**n == "await" || &**n == "async" => {
                unsupported(t.line, t.col, &format!("'{n}' is"))
            }
            Tok::Op("...") => unsupported(t.line, t.col, "the Ellipsis literal '...' is"),
            Tok::Op("@") => unsupported(t.line, t.col, "decorators are"),
            Tok::Op(":=") => unsupported(t.line, t.col, "assignment expressions (':=') are"),
            Tok::Eof => self.error_here("unexpected end of input"),
            _ => self.error_here("invalid syntax"),
        }
    }

    pub(super) fn expect_op(&mut self, op: &str) -> Result<Token, ParseError> {
        if self.check_op(op) {
            Ok(self.advance())
        } else if op == ":" {
            Err(self.error_here("expected ':'"))
        } else {
            Err(self.invalid_syntax())
        }
    }

    pub(super) fn expect_name(&mut self) -> Result<Rc<str>, ParseError> {
        match &self.peek().tok {
            Tok::Name(n) if !is_keyword(n) => {
                let n = n.clone();
                self.pos += 1;
                Ok(n)
            }
            _ => Err(self.invalid_syntax()),
        }
    }

    pub(super) fn enter(&mut self) -> Result<(), ParseError> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            let t = self.peek();
            return Err(ParseError::new(
                ParseErrorKind::Unsupported,
                t.line,
                t.col,
                format!(
                    "code nested more than {MAX_NESTING} levels deep is not supported by the mirrorscope Python subset"
                ),
            ));
        }
        Ok(())
    }

    pub(super) fn leave(&mut self) {
        self.nesting -= 1;
    }

    pub(super) fn checked(&self, e: Expr) -> Result<Expr, ParseError> {
        if e.depth > MAX_EXPR_DEPTH {
            return Err(ParseError::new(
                ParseErrorKind::Unsupported,
                e.line,
                e.col,
                format!(
                    "expressions more than {MAX_EXPR_DEPTH} operations deep are not supported by the mirrorscope Python subset"
                ),
            ));
        }
        Ok(e)
    }

    pub(super) fn end_of_statement(&mut self) -> Result<(), ParseError> {
        if self.check_tok(&Tok::Newline) {
            self.pos += 1;
            Ok(())
        } else if self.at_eof() {
            Ok(())
        } else {
            Err(self.invalid_syntax())
        }
    }
}
