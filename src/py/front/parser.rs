//! Recursive-descent parser for the subset. Recursion is capped (`MAX_NESTING`) and every
//! expression tree's height is capped (`MAX_EXPR_DEPTH`), so no input can overflow the stack
//! here, in the compiler, or when the tree is dropped.

use std::rc::Rc;

use crate::py::error::{ParseError, ParseErrorKind};
use crate::py::front::ast::*;
use crate::py::front::lexer::{decode_escapes, tokenize, tokenize_embedded, Tok, Token};

/// Most nested brackets / blocks / unary operators the parser accepts.
pub const MAX_NESTING: u32 = 100;
/// Tallest expression tree accepted (long operator chains like `1+1+...+1`).
pub const MAX_EXPR_DEPTH: u32 = 200;

const KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// Parses a whole script.
pub fn parse_program(src: &str) -> Result<Vec<Stmt>, ParseError> {
    let tokens = tokenize(src)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        nesting: 0,
    };
    let mut body = Vec::new();
    while !p.at_eof() {
        if p.check_tok(&Tok::Newline) {
            p.pos += 1;
            continue;
        }
        body.extend(p.statement()?);
    }
    Ok(body)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    nesting: u32,
}

fn unsupported(line: u32, col: u32, what: &str) -> ParseError {
    ParseError::new(
        ParseErrorKind::Unsupported,
        line,
        col,
        format!("{what} not supported by the mirrorscope Python subset"),
    )
}

fn mk(kind: ExprKind, line: u32, col: u32) -> Expr {
    let depth = 1 + child_depth(&kind);
    Expr {
        kind,
        line,
        col,
        depth,
    }
}

fn child_depth(kind: &ExprKind) -> u32 {
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

fn fparts_depth(parts: &[FPart]) -> u32 {
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

fn describe_target(e: &Expr) -> &'static str {
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
    fn peek(&self) -> &Token {
        let i = self.pos.min(self.tokens.len().saturating_sub(1));
        &self.tokens[i]
    }

    fn peek_at(&self, k: usize) -> &Tok {
        let i = (self.pos + k).min(self.tokens.len().saturating_sub(1));
        &self.tokens[i].tok
    }

    fn at_eof(&self) -> bool {
        matches!(self.peek().tok, Tok::Eof)
    }

    fn advance(&mut self) -> Token {
        let t = self.peek().clone();
        if self.pos < self.tokens.len() {
            self.pos += 1;
        }
        t
    }

    fn check_tok(&self, t: &Tok) -> bool {
        &self.peek().tok == t
    }

    fn check_op(&self, op: &str) -> bool {
        matches!(&self.peek().tok, Tok::Op(o) if *o == op)
    }

    fn check_kw(&self, kw: &str) -> bool {
        matches!(&self.peek().tok, Tok::Name(n) if &**n == kw)
    }

    fn eat_op(&mut self, op: &str) -> bool {
        if self.check_op(op) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.check_kw(kw) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn error_here(&self, msg: impl Into<String>) -> ParseError {
        let t = self.peek();
        ParseError::new(ParseErrorKind::Syntax, t.line, t.col, msg)
    }

    fn invalid_syntax(&self) -> ParseError {
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

    fn expect_op(&mut self, op: &str) -> Result<Token, ParseError> {
        if self.check_op(op) {
            Ok(self.advance())
        } else if op == ":" {
            Err(self.error_here("expected ':'"))
        } else {
            Err(self.invalid_syntax())
        }
    }

    fn expect_name(&mut self) -> Result<Rc<str>, ParseError> {
        match &self.peek().tok {
            Tok::Name(n) if !is_keyword(n) => {
                let n = n.clone();
                self.pos += 1;
                Ok(n)
            }
            _ => Err(self.invalid_syntax()),
        }
    }

    fn enter(&mut self) -> Result<(), ParseError> {
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

    fn leave(&mut self) {
        self.nesting -= 1;
    }

    fn checked(&self, e: Expr) -> Result<Expr, ParseError> {
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

    fn end_of_statement(&mut self) -> Result<(), ParseError> {
        if self.check_tok(&Tok::Newline) {
            self.pos += 1;
            Ok(())
        } else if self.at_eof() {
            Ok(())
        } else {
            Err(self.invalid_syntax())
        }
    }

    // ----- statements -------------------------------------------------------------------

    fn statement(&mut self) -> Result<Vec<Stmt>, ParseError> {
        let t = self.peek().clone();
        if let Tok::Name(n) = &t.tok {
            match &**n {
                "if" => return Ok(vec![self.if_stmt()?]),
                "while" => return Ok(vec![self.while_stmt()?]),
                "for" => return Ok(vec![self.for_stmt()?]),
                "try" => return Ok(vec![self.try_stmt()?]),
                "with" => return Ok(vec![self.with_stmt()?]),
                "def" => return Ok(vec![self.def_stmt()?]),
                "class" => return Err(unsupported(t.line, t.col, "class definitions are")),
                "async" => return Err(unsupported(t.line, t.col, "async code is")),
                _ => {}
            }
        }
        match t.tok {
            Tok::Op("@") => return Err(unsupported(t.line, t.col, "decorators are")),
            Tok::Indent => {
                return Err(ParseError::new(
                    ParseErrorKind::Indentation,
                    t.line,
                    t.col,
                    "unexpected indent",
                ))
            }
            Tok::Dedent => return Err(self.invalid_syntax()),
            _ => {}
        }
        let mut out = vec![self.simple_stmt()?];
        while self.eat_op(";") {
            if self.check_tok(&Tok::Newline) || self.at_eof() {
                break;
            }
            out.push(self.simple_stmt()?);
        }
        self.end_of_statement()?;
        Ok(out)
    }

    fn block(&mut self, what: &str, line: u32) -> Result<Vec<Stmt>, ParseError> {
        self.expect_op(":")?;
        // A block costs two nesting units: statements use much more stack per level than
        // expressions (this allows 50 nested blocks, well beyond CPython's own limit of 20
        // nested loops/try blocks).
        self.enter()?;
        if let Err(e) = self.enter() {
            self.leave();
            return Err(e);
        }
        let result = self.block_inner(what, line);
        self.leave();
        self.leave();
        result
    }

    fn block_inner(&mut self, what: &str, line: u32) -> Result<Vec<Stmt>, ParseError> {
        if !self.check_tok(&Tok::Newline) {
            // `if x: y` on one line.
            let mut out = vec![self.simple_stmt_checked()?];
            while self.eat_op(";") {
                if self.check_tok(&Tok::Newline) || self.at_eof() {
                    break;
                }
                out.push(self.simple_stmt_checked()?);
            }
            self.end_of_statement()?;
            return Ok(out);
        }
        self.pos += 1;
        if !self.check_tok(&Tok::Indent) {
            let t = self.peek();
            return Err(ParseError::new(
                ParseErrorKind::Indentation,
                t.line,
                t.col,
                format!("expected an indented block after {what} on line {line}"),
            ));
        }
        self.pos += 1;
        let mut body = Vec::new();
        while !self.check_tok(&Tok::Dedent) && !self.at_eof() {
            if self.check_tok(&Tok::Newline) {
                self.pos += 1;
                continue;
            }
            body.extend(self.statement()?);
        }
        if self.check_tok(&Tok::Dedent) {
            self.pos += 1;
        }
        Ok(body)
    }

    fn simple_stmt_checked(&mut self) -> Result<Stmt, ParseError> {
        let t = self.peek().clone();
        if let Tok::Name(n) = &t.tok {
            if matches!(
                &**n,
                "if" | "while" | "for" | "try" | "with" | "def" | "class"
            ) {
                return Err(self.invalid_syntax());
            }
        }
        self.simple_stmt()
    }

    fn simple_stmt(&mut self) -> Result<Stmt, ParseError> {
        let t = self.peek().clone();
        let (line, col) = (t.line, t.col);
        let stmt = |kind| Stmt { kind, line, col };
        if let Tok::Name(n) = &t.tok {
            match &**n {
                "pass" => {
                    self.pos += 1;
                    return Ok(stmt(StmtKind::Pass));
                }
                "break" => {
                    self.pos += 1;
                    return Ok(stmt(StmtKind::Break));
                }
                "continue" => {
                    self.pos += 1;
                    return Ok(stmt(StmtKind::Continue));
                }
                "return" => {
                    self.pos += 1;
                    let value = if self.at_simple_end() {
                        None
                    } else {
                        Some(self.testlist()?)
                    };
                    return Ok(stmt(StmtKind::Return(value)));
                }
                "global" | "nonlocal" => {
                    self.pos += 1;
                    let mut names = vec![self.expect_name()?];
                    while self.eat_op(",") {
                        names.push(self.expect_name()?);
                    }
                    return Ok(stmt(if &**n == "global" {
                        StmtKind::Global(names)
                    } else {
                        StmtKind::Nonlocal(names)
                    }));
                }
                "del" => {
                    self.pos += 1;
                    let mut targets = Vec::new();
                    loop {
                        let e = self.bitor()?;
                        self.check_target(&e, "delete")?;
                        targets.push(e);
                        if !self.eat_op(",") || self.at_simple_end() {
                            break;
                        }
                    }
                    return Ok(stmt(StmtKind::Del(targets)));
                }
                "raise" => {
                    self.pos += 1;
                    if self.at_simple_end() {
                        return Ok(stmt(StmtKind::Raise(None, None)));
                    }
                    let exc = self.test()?;
                    let cause = if self.eat_kw("from") {
                        Some(self.test()?)
                    } else {
                        None
                    };
                    return Ok(stmt(StmtKind::Raise(Some(exc), cause)));
                }
                "assert" => {
                    self.pos += 1;
                    let test = self.test()?;
                    let msg = if self.eat_op(",") {
                        Some(self.test()?)
                    } else {
                        None
                    };
                    return Ok(stmt(StmtKind::Assert(test, msg)));
                }
                "import" => {
                    self.pos += 1;
                    let mut names = Vec::new();
                    loop {
                        let name = self.dotted_name()?;
                        let alias = if self.eat_kw("as") {
                            Some(self.expect_name()?)
                        } else {
                            None
                        };
                        names.push((name, alias));
                        if !self.eat_op(",") {
                            break;
                        }
                    }
                    return Ok(stmt(StmtKind::Import(names)));
                }
                "from" => {
                    self.pos += 1;
                    if self.check_op(".") || self.check_op("...") {
                        return Err(unsupported(line, col, "relative imports are"));
                    }
                    let module = self.dotted_name()?;
                    if !self.eat_kw("import") {
                        return Err(self.invalid_syntax());
                    }
                    if self.check_op("*") {
                        let t = self.peek();
                        return Err(unsupported(t.line, t.col, "'from ... import *' is"));
                    }
                    let paren = self.eat_op("(");
                    let mut names = Vec::new();
                    loop {
                        let name = self.expect_name()?;
                        let alias = if self.eat_kw("as") {
                            Some(self.expect_name()?)
                        } else {
                            None
                        };
                        names.push((name, alias));
                        if !self.eat_op(",") {
                            break;
                        }
                        if paren && self.check_op(")") {
                            break;
                        }
                    }
                    if paren {
                        self.expect_op(")")?;
                    }
                    return Ok(stmt(StmtKind::ImportFrom(module, names)));
                }
                "yield" => return Err(unsupported(line, col, "generators ('yield') are")),
                _ => {}
            }
        }
        // Expression statement or assignment.
        let first = self.testlist_star()?;
        if let Some(op) = self.aug_op() {
            self.pos += 1;
            match &first.kind {
                ExprKind::Name(_) | ExprKind::Attribute(..) | ExprKind::Subscript(..) => {}
                _ => {
                    return Err(ParseError::new(
                        ParseErrorKind::Syntax,
                        first.line,
                        first.col,
                        format!(
                            "'{}' is an illegal expression for augmented assignment",
                            describe_target(&first)
                        ),
                    ))
                }
            }
            let value = self.testlist()?;
            return Ok(stmt(StmtKind::AugAssign(first, op, value)));
        }
        if self.check_op(":") {
            // Annotated assignment: the annotation is read and ignored.
            self.pos += 1;
            let _annotation = self.test()?;
            if let ExprKind::Name(n) = &first.kind {
                if self.eat_op("=") {
                    let value = self.testlist()?;
                    return Ok(stmt(StmtKind::Assign(vec![first], value)));
                }
                return Ok(stmt(StmtKind::AnnotatedName(n.clone())));
            }
            if self.eat_op("=") {
                self.check_target(&first, "assign to")?;
                let value = self.testlist()?;
                return Ok(stmt(StmtKind::Assign(vec![first], value)));
            }
            return Ok(stmt(StmtKind::Expr(first)));
        }
        if self.check_op("=") {
            let mut exprs = vec![first];
            while self.eat_op("=") {
                exprs.push(self.testlist_star()?);
            }
            let value = exprs.pop().ok_or_else(|| self.invalid_syntax())?;
            for t in &exprs {
                self.check_target(t, "assign to")?;
            }
            return Ok(stmt(StmtKind::Assign(exprs, value)));
        }
        Ok(stmt(StmtKind::Expr(first)))
    }

    fn at_simple_end(&self) -> bool {
        matches!(self.peek().tok, Tok::Newline | Tok::Eof | Tok::Op(";"))
    }

    fn aug_op(&self) -> Option<BinOp> {
        Some(match &self.peek().tok {
            Tok::Op("+=") => BinOp::Add,
            Tok::Op("-=") => BinOp::Sub,
            Tok::Op("*=") => BinOp::Mul,
            Tok::Op("/=") => BinOp::Div,
            Tok::Op("//=") => BinOp::FloorDiv,
            Tok::Op("%=") => BinOp::Mod,
            Tok::Op("**=") => BinOp::Pow,
            Tok::Op("<<=") => BinOp::LShift,
            Tok::Op(">>=") => BinOp::RShift,
            Tok::Op("&=") => BinOp::BitAnd,
            Tok::Op("|=") => BinOp::BitOr,
            Tok::Op("^=") => BinOp::BitXor,
            _ => return None,
        })
    }

    fn check_target(&self, e: &Expr, verb: &str) -> Result<(), ParseError> {
        match &e.kind {
            ExprKind::Name(_) | ExprKind::Attribute(..) | ExprKind::Subscript(..) => Ok(()),
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                if items.is_empty() && verb == "delete" {
                    return Ok(());
                }
                items.iter().try_for_each(|i| self.check_target(i, verb))
            }
            _ => {
                let what = describe_target(e);
                let hint = if verb == "assign to" && !matches!(e.kind, ExprKind::Compare(..)) {
                    " here. Maybe you meant '==' instead of '='?"
                } else {
                    ""
                };
                Err(ParseError::new(
                    ParseErrorKind::Syntax,
                    e.line,
                    e.col,
                    format!("cannot {verb} {what}{hint}"),
                ))
            }
        }
    }

    fn dotted_name(&mut self) -> Result<Rc<str>, ParseError> {
        let mut name = self.expect_name()?.to_string();
        while self.eat_op(".") {
            name.push('.');
            name.push_str(&self.expect_name()?);
        }
        Ok(Rc::from(name.as_str()))
    }

    fn if_stmt(&mut self) -> Result<Stmt, ParseError> {
        let t = self.advance();
        let mut branches = Vec::new();
        let cond = self.named_test()?;
        let body = self.block("'if' statement", t.line)?;
        branches.push((cond, body));
        let mut orelse = Vec::new();
        loop {
            if self.check_kw("elif") {
                let e = self.advance();
                let cond = self.named_test()?;
                let body = self.block("'elif' statement", e.line)?;
                branches.push((cond, body));
            } else if self.check_kw("else") {
                let e = self.advance();
                orelse = self.block("'else' statement", e.line)?;
                break;
            } else {
                break;
            }
        }
        Ok(Stmt {
            kind: StmtKind::If(branches, orelse),
            line: t.line,
            col: t.col,
        })
    }

    fn named_test(&mut self) -> Result<Expr, ParseError> {
        let e = self.test()?;
        if self.check_op(":=") {
            let t = self.peek();
            return Err(unsupported(
                t.line,
                t.col,
                "assignment expressions (':=') are",
            ));
        }
        Ok(e)
    }

    fn while_stmt(&mut self) -> Result<Stmt, ParseError> {
        let t = self.advance();
        let cond = self.named_test()?;
        let body = self.block("'while' statement", t.line)?;
        let orelse = if self.check_kw("else") {
            let e = self.advance();
            self.block("'else' statement", e.line)?
        } else {
            Vec::new()
        };
        Ok(Stmt {
            kind: StmtKind::While(cond, body, orelse),
            line: t.line,
            col: t.col,
        })
    }

    fn target_list(&mut self) -> Result<Expr, ParseError> {
        let first = self.target_atom()?;
        if !self.check_op(",") {
            return Ok(first);
        }
        let (line, col) = (first.line, first.col);
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.check_kw("in") || self.check_op("=") {
                break;
            }
            items.push(self.target_atom()?);
        }
        self.checked(mk(ExprKind::Tuple(items), line, col))
    }

    fn target_atom(&mut self) -> Result<Expr, ParseError> {
        if self.check_op("*") {
            let t = self.peek();
            return Err(unsupported(t.line, t.col, "starred assignment targets are"));
        }
        let e = self.bitor()?;
        self.check_target(&e, "assign to")?;
        Ok(e)
    }

    fn for_stmt(&mut self) -> Result<Stmt, ParseError> {
        let t = self.advance();
        let target = self.target_list()?;
        if !self.eat_kw("in") {
            return Err(self.invalid_syntax());
        }
        let iter = self.testlist()?;
        let body = self.block("'for' statement", t.line)?;
        let orelse = if self.check_kw("else") {
            let e = self.advance();
            self.block("'else' statement", e.line)?
        } else {
            Vec::new()
        };
        Ok(Stmt {
            kind: StmtKind::For(target, iter, body, orelse),
            line: t.line,
            col: t.col,
        })
    }

    fn try_stmt(&mut self) -> Result<Stmt, ParseError> {
        let t = self.advance();
        let body = self.block("'try' statement", t.line)?;
        let mut handlers = Vec::new();
        while self.check_kw("except") {
            let e = self.advance();
            if self.check_op("*") {
                return Err(unsupported(e.line, e.col, "'except*' is"));
            }
            let (typ, name) = if self.check_op(":") {
                (None, None)
            } else {
                let typ = self.test()?;
                if self.check_op(",") {
                    return Err(self.error_here("multiple exception types must be parenthesized"));
                }
                let name = if self.eat_kw("as") {
                    Some(self.expect_name()?)
                } else {
                    None
                };
                (Some(typ), name)
            };
            if typ.is_none() && self.check_kw("except") {
                return Err(self.error_here("default 'except:' must be last"));
            }
            let hbody = self.block("'except' statement", e.line)?;
            if let Some(prev) = handlers.last() {
                let prev: &Handler = prev;
                if prev.typ.is_none() {
                    return Err(ParseError::new(
                        ParseErrorKind::Syntax,
                        prev.line,
                        1,
                        "default 'except:' must be last",
                    ));
                }
            }
            handlers.push(Handler {
                typ,
                name,
                body: hbody,
                line: e.line,
            });
        }
        let mut orelse = Vec::new();
        if self.check_kw("else") {
            let e = self.advance();
            if handlers.is_empty() {
                return Err(ParseError::new(
                    ParseErrorKind::Syntax,
                    e.line,
                    e.col,
                    "expected 'except' or 'finally' block",
                ));
            }
            orelse = self.block("'else' statement", e.line)?;
        }
        let mut finalbody = Vec::new();
        if self.check_kw("finally") {
            let e = self.advance();
            finalbody = self.block("'finally' statement", e.line)?;
        } else if handlers.is_empty() {
            return Err(self.error_here("expected 'except' or 'finally' block"));
        }
        Ok(Stmt {
            kind: StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            },
            line: t.line,
            col: t.col,
        })
    }

    fn with_stmt(&mut self) -> Result<Stmt, ParseError> {
        let t = self.advance();
        let mut items = Vec::new();
        loop {
            let ctx = self.test()?;
            let target = if self.eat_kw("as") {
                let e = self.target_atom()?;
                Some(e)
            } else {
                None
            };
            items.push((ctx, target));
            if !self.eat_op(",") {
                break;
            }
        }
        let body = self.block("'with' statement", t.line)?;
        Ok(Stmt {
            kind: StmtKind::With(items, body),
            line: t.line,
            col: t.col,
        })
    }

    fn def_stmt(&mut self) -> Result<Stmt, ParseError> {
        let t = self.advance();
        let name = self.expect_name()?;
        self.expect_op("(")?;
        let params = self.params(")", true)?;
        self.expect_op(")")?;
        if self.eat_op("->") {
            let _annotation = self.test()?;
        }
        let body = self.block("function definition", t.line)?;
        Ok(Stmt {
            kind: StmtKind::FunctionDef(Rc::new(FuncDef {
                name,
                params,
                body,
                line: t.line,
            })),
            line: t.line,
            col: t.col,
        })
    }

    fn params(&mut self, close: &str, annotations: bool) -> Result<Params, ParseError> {
        let mut params = Params::default();
        let mut seen_default = false;
        let mut star = false;
        let mut names: Vec<Rc<str>> = Vec::new();
        let mut check_dup = |p: &Parser, n: &Rc<str>| -> Result<(), ParseError> {
            if names.contains(n) {
                return Err(
                    p.error_here(format!("duplicate argument '{n}' in function definition"))
                );
            }
            names.push(n.clone());
            Ok(())
        };
        while !self.check_op(close) {
            if self.eat_op("**") {
                let n = self.expect_name()?;
                check_dup(self, &n)?;
                if annotations && self.eat_op(":") {
                    self.test()?;
                }
                params.kwarg = Some(n);
                self.eat_op(",");
                if !self.check_op(close) {
                    return Err(self.error_here("arguments cannot follow var-keyword argument"));
                }
                break;
            }
            if self.eat_op("*") {
                if star {
                    return Err(self.error_here("* argument may appear only once"));
                }
                star = true;
                if !self.check_op(",") && !self.check_op(close) {
                    let n = self.expect_name()?;
                    check_dup(self, &n)?;
                    if annotations && self.eat_op(":") {
                        self.test()?;
                    }
                    params.vararg = Some(n);
                }
            } else if self.eat_op("/") {
                // Positional-only marker: accepted; such parameters behave as ordinary ones.
            } else {
                let n = self.expect_name()?;
                check_dup(self, &n)?;
                if annotations && self.eat_op(":") {
                    self.test()?;
                }
                let default = if self.eat_op("=") {
                    Some(self.test()?)
                } else {
                    None
                };
                if star {
                    params.kwonly.push(Param { name: n, default });
                } else {
                    if default.is_some() {
                        seen_default = true;
                    } else if seen_default {
                        return Err(
                            self.error_here("non-default argument follows default argument")
                        );
                    }
                    params.args.push(Param { name: n, default });
                }
            }
            if !self.eat_op(",") {
                break;
            }
        }
        Ok(params)
    }

    // ----- expressions ------------------------------------------------------------------

    /// `a, b` (a tuple when there is a comma) of `test`s; starred items are refused.
    fn testlist(&mut self) -> Result<Expr, ParseError> {
        let first = self.test()?;
        if !self.check_op(",") {
            return Ok(first);
        }
        let (line, col) = (first.line, first.col);
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.at_expr_end() {
                break;
            }
            items.push(self.test()?);
        }
        self.checked(mk(ExprKind::Tuple(items), line, col))
    }

    fn testlist_star(&mut self) -> Result<Expr, ParseError> {
        if self.check_op("*") {
            let t = self.peek();
            return Err(unsupported(t.line, t.col, "starred expressions are"));
        }
        self.testlist()
    }

    fn at_expr_end(&self) -> bool {
        matches!(
            self.peek().tok,
            Tok::Newline
                | Tok::Eof
                | Tok::Op("=")
                | Tok::Op(")")
                | Tok::Op("]")
                | Tok::Op("}")
                | Tok::Op(":")
                | Tok::Op(";")
        ) || self.aug_op().is_some()
    }

    fn test(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        let r = self.test_inner();
        self.leave();
        r.and_then(|e| self.checked(e))
    }

    fn test_inner(&mut self) -> Result<Expr, ParseError> {
        if self.check_kw("lambda") {
            return self.lambda();
        }
        let e = self.or_test()?;
        if self.check_kw("if") {
            // A conditional expression needs `else`; without it this `if` is not ours (e.g.
            // a comprehension filter).
            let save = self.pos;
            self.pos += 1;
            let cond = self.or_test()?;
            if !self.eat_kw("else") {
                if self.check_tok(&Tok::Newline) || self.at_eof() {
                    return Err(self.error_here("expected 'else' after 'if' expression"));
                }
                self.pos = save;
                return Ok(e);
            }
            let other = self.test()?;
            let (line, col) = (e.line, e.col);
            return Ok(mk(
                ExprKind::IfExp(Box::new(cond), Box::new(e), Box::new(other)),
                line,
                col,
            ));
        }
        Ok(e)
    }

    fn lambda(&mut self) -> Result<Expr, ParseError> {
        let t = self.advance();
        let params = self.params(":", false)?;
        self.expect_op(":")?;
        let body = self.test()?;
        let (line, col) = (body.line, body.col);
        Ok(mk(
            ExprKind::Lambda(Rc::new(FuncDef {
                name: Rc::from("<lambda>"),
                params,
                body: vec![Stmt {
                    kind: StmtKind::Return(Some(body)),
                    line,
                    col,
                }],
                line: t.line,
            })),
            t.line,
            t.col,
        ))
    }

    fn or_test(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.and_test()?;
        while self.check_kw("or") {
            self.pos += 1;
            let right = self.and_test()?;
            let (line, col) = (left.line, left.col);
            left = self.checked(mk(
                ExprKind::BoolOp(false, Box::new(left), Box::new(right)),
                line,
                col,
            ))?;
        }
        Ok(left)
    }

    fn and_test(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.not_test()?;
        while self.check_kw("and") {
            self.pos += 1;
            let right = self.not_test()?;
            let (line, col) = (left.line, left.col);
            left = self.checked(mk(
                ExprKind::BoolOp(true, Box::new(left), Box::new(right)),
                line,
                col,
            ))?;
        }
        Ok(left)
    }

    fn not_test(&mut self) -> Result<Expr, ParseError> {
        if self.check_kw("not") {
            let t = self.advance();
            self.enter()?;
            let inner = self.not_test();
            self.leave();
            return self.checked(mk(
                ExprKind::Unary(UnaryOp::Not, Box::new(inner?)),
                t.line,
                t.col,
            ));
        }
        self.comparison()
    }

    fn comp_op(&mut self) -> Option<CmpOp> {
        let op = match &self.peek().tok {
            Tok::Op("==") => CmpOp::Eq,
            Tok::Op("!=") => CmpOp::Ne,
            Tok::Op("<") => CmpOp::Lt,
            Tok::Op("<=") => CmpOp::Le,
            Tok::Op(">") => CmpOp::Gt,
            Tok::Op(">=") => CmpOp::Ge,
            Tok::Name(n) if &**n == "in" => CmpOp::In,
            Tok::Name(n) if &**n == "is" => {
                if matches!(self.peek_at(1), Tok::Name(m) if &**m == "not") {
                    self.pos += 1;
                    CmpOp::IsNot
                } else {
                    CmpOp::Is
                }
            }
            Tok::Name(n) if &**n == "not" => {
                if matches!(self.peek_at(1), Tok::Name(m) if &**m == "in") {
                    self.pos += 1;
                    CmpOp::NotIn
                } else {
                    return None;
                }
            }
            _ => return None,
        };
        self.pos += 1;
        Some(op)
    }

    fn comparison(&mut self) -> Result<Expr, ParseError> {
        let left = self.bitor()?;
        let mut rest = Vec::new();
        while let Some(op) = self.comp_op() {
            rest.push((op, self.bitor()?));
        }
        if rest.is_empty() {
            return Ok(left);
        }
        let (line, col) = (left.line, left.col);
        self.checked(mk(ExprKind::Compare(Box::new(left), rest), line, col))
    }

    fn binop(&self) -> Option<(u8, BinOp)> {
        let Tok::Op(op) = &self.peek().tok else {
            return None;
        };
        Some(match *op {
            "|" => (1, BinOp::BitOr),
            "^" => (2, BinOp::BitXor),
            "&" => (3, BinOp::BitAnd),
            "<<" => (4, BinOp::LShift),
            ">>" => (4, BinOp::RShift),
            "+" => (5, BinOp::Add),
            "-" => (5, BinOp::Sub),
            "*" => (6, BinOp::Mul),
            "/" => (6, BinOp::Div),
            "//" => (6, BinOp::FloorDiv),
            "%" => (6, BinOp::Mod),
            _ => return None,
        })
    }

    fn bitor(&mut self) -> Result<Expr, ParseError> {
        self.binary(1)
    }

    /// Left-associative binary operators by precedence climbing (one Rust frame per
    /// precedence change, not per level, to keep recursion shallow).
    fn binary(&mut self, min_prec: u8) -> Result<Expr, ParseError> {
        let mut left = self.unary()?;
        while let Some((prec, op)) = self.binop() {
            if prec < min_prec {
                break;
            }
            self.pos += 1;
            let mut right = self.unary()?;
            while let Some((next, _)) = self.binop() {
                if next <= prec {
                    break;
                }
                self.enter()?;
                let r = self.binary_rest(right, next);
                self.leave();
                right = r?;
            }
            let (line, col) = (left.line, left.col);
            left = self.checked(mk(
                ExprKind::BinOp(op, Box::new(left), Box::new(right)),
                line,
                col,
            ))?;
        }
        if self.check_op("@") {
            let t = self.peek();
            return Err(unsupported(
                t.line,
                t.col,
                "the matrix multiplication operator '@' is",
            ));
        }
        Ok(left)
    }

    /// Continues a binary expression whose first operand is already parsed.
    fn binary_rest(&mut self, mut left: Expr, min_prec: u8) -> Result<Expr, ParseError> {
        while let Some((prec, op)) = self.binop() {
            if prec < min_prec {
                break;
            }
            self.pos += 1;
            let mut right = self.unary()?;
            while let Some((next, _)) = self.binop() {
                if next <= prec {
                    break;
                }
                self.enter()?;
                let r = self.binary_rest(right, next);
                self.leave();
                right = r?;
            }
            let (line, col) = (left.line, left.col);
            left = self.checked(mk(
                ExprKind::BinOp(op, Box::new(left), Box::new(right)),
                line,
                col,
            ))?;
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        let op = match &self.peek().tok {
            Tok::Op("-") => Some(UnaryOp::Neg),
            Tok::Op("+") => Some(UnaryOp::Pos),
            Tok::Op("~") => Some(UnaryOp::Invert),
            _ => None,
        };
        if let Some(op) = op {
            let t = self.advance();
            self.enter()?;
            let inner = self.unary();
            self.leave();
            let inner = inner?;
            // Fold `-5` into a constant so that `-9223372036854775808` style literals and
            // negative numbers in seeds print and compare like Python's.
            if op == UnaryOp::Neg {
                match inner.kind {
                    ExprKind::Const(Constant::Int(i)) if i != i64::MIN => {
                        return Ok(mk(ExprKind::Const(Constant::Int(-i)), t.line, t.col))
                    }
                    ExprKind::Const(Constant::Float(f)) => {
                        return Ok(mk(ExprKind::Const(Constant::Float(-f)), t.line, t.col))
                    }
                    _ => {}
                }
            }
            return self.checked(mk(ExprKind::Unary(op, Box::new(inner)), t.line, t.col));
        }
        self.power()
    }

    fn power(&mut self) -> Result<Expr, ParseError> {
        if self.check_kw("await") {
            let t = self.peek();
            return Err(unsupported(t.line, t.col, "'await' is"));
        }
        let base = self.primary()?;
        if self.eat_op("**") {
            self.enter()?;
            let exp = self.unary();
            self.leave();
            let (line, col) = (base.line, base.col);
            return self.checked(mk(
                ExprKind::BinOp(BinOp::Pow, Box::new(base), Box::new(exp?)),
                line,
                col,
            ));
        }
        Ok(base)
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let mut e = self.atom()?;
        loop {
            if self.check_op("(") {
                let t = self.advance();
                let args = self.call_args()?;
                self.expect_op(")")?;
                e = self.checked(mk(ExprKind::Call(Box::new(e), args), t.line, t.col))?;
                // Positions of calls point at the callee start, as tracebacks do.
                let (line, col) = match &e.kind {
                    ExprKind::Call(f, _) => (f.line, f.col),
                    _ => (e.line, e.col),
                };
                e.line = line;
                e.col = col;
            } else if self.check_op("[") {
                let t = self.advance();
                let idx = self.subscript()?;
                self.expect_op("]")?;
                let (line, col) = (e.line, e.col);
                let _ = t;
                e = self.checked(mk(
                    ExprKind::Subscript(Box::new(e), Box::new(idx)),
                    line,
                    col,
                ))?;
            } else if self.check_op(".") {
                self.pos += 1;
                let name = self.expect_name()?;
                let (line, col) = (e.line, e.col);
                e = self.checked(mk(ExprKind::Attribute(Box::new(e), name), line, col))?;
            } else {
                return Ok(e);
            }
        }
    }

    fn subscript(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        let r = self.subscript_inner();
        self.leave();
        r
    }

    fn subscript_inner(&mut self) -> Result<Expr, ParseError> {
        let t = self.peek().clone();
        let first = self.slice_item()?;
        if !self.check_op(",") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.check_op("]") {
                break;
            }
            items.push(self.slice_item()?);
        }
        self.checked(mk(ExprKind::Tuple(items), t.line, t.col))
    }

    fn slice_item(&mut self) -> Result<Expr, ParseError> {
        let t = self.peek().clone();
        let lower = if self.check_op(":") {
            None
        } else {
            let e = self.test()?;
            if !self.check_op(":") {
                return Ok(e);
            }
            Some(Box::new(e))
        };
        self.expect_op(":")?;
        let upper = if self.check_op(":") || self.check_op("]") || self.check_op(",") {
            None
        } else {
            Some(Box::new(self.test()?))
        };
        let step = if self.eat_op(":") {
            if self.check_op("]") || self.check_op(",") {
                None
            } else {
                Some(Box::new(self.test()?))
            }
        } else {
            None
        };
        self.checked(mk(ExprKind::Slice(lower, upper, step), t.line, t.col))
    }

    fn call_args(&mut self) -> Result<Vec<Arg>, ParseError> {
        self.enter()?;
        let r = self.call_args_inner();
        self.leave();
        r
    }

    fn call_args_inner(&mut self) -> Result<Vec<Arg>, ParseError> {
        let mut args = Vec::new();
        let mut seen_kw = false;
        while !self.check_op(")") {
            if self.eat_op("**") {
                args.push(Arg::StarStar(self.test()?));
                seen_kw = true;
            } else if self.eat_op("*") {
                args.push(Arg::Star(self.test()?));
            } else if matches!(self.peek().tok, Tok::Name(_))
                && matches!(self.peek_at(1), Tok::Op("="))
            {
                let t = self.peek().clone();
                let name = self.expect_name()?;
                self.pos += 1;
                if args
                    .iter()
                    .any(|a| matches!(a, Arg::Kw(n, _) if *n == name))
                {
                    return Err(ParseError::new(
                        ParseErrorKind::Syntax,
                        t.line,
                        t.col,
                        format!("keyword argument repeated: {name}"),
                    ));
                }
                args.push(Arg::Kw(name, self.test()?));
                seen_kw = true;
            } else {
                let t = self.peek().clone();
                let e = self.test()?;
                if self.check_kw("for") {
                    let gen = self.comprehension_tail(e, t.line, t.col)?;
                    if !args.is_empty() || !self.check_op(")") {
                        return Err(ParseError::new(
                            ParseErrorKind::Syntax,
                            t.line,
                            t.col,
                            "Generator expression must be parenthesized",
                        ));
                    }
                    args.push(Arg::Pos(gen));
                    break;
                }
                if seen_kw {
                    let kind = if args.iter().any(|a| matches!(a, Arg::StarStar(_))) {
                        "positional argument follows keyword argument unpacking"
                    } else {
                        "positional argument follows keyword argument"
                    };
                    return Err(ParseError::new(ParseErrorKind::Syntax, t.line, t.col, kind));
                }
                args.push(Arg::Pos(e));
            }
            if !self.eat_op(",") {
                break;
            }
        }
        Ok(args)
    }

    /// After `elt` when `for` follows: builds a list comprehension (generator expressions use
    /// the same, evaluated eagerly).
    fn comprehension_tail(&mut self, elt: Expr, line: u32, col: u32) -> Result<Expr, ParseError> {
        let clauses = self.comp_clauses()?;
        self.checked(mk(ExprKind::ListComp(Box::new(elt), clauses), line, col))
    }

    fn comp_clauses(&mut self) -> Result<Vec<Comprehension>, ParseError> {
        let mut clauses = Vec::new();
        while self.check_kw("for") || self.check_kw("async") {
            if self.check_kw("async") {
                let t = self.peek();
                return Err(unsupported(t.line, t.col, "async comprehensions are"));
            }
            self.pos += 1;
            let target = self.target_list()?;
            if !self.eat_kw("in") {
                return Err(self.invalid_syntax());
            }
            let iter = self.or_test()?;
            let mut ifs = Vec::new();
            while self.check_kw("if") {
                self.pos += 1;
                ifs.push(self.or_test()?);
            }
            clauses.push(Comprehension { target, iter, ifs });
        }
        Ok(clauses)
    }

    fn atom(&mut self) -> Result<Expr, ParseError> {
        let t = self.peek().clone();
        let (line, col) = (t.line, t.col);
        match t.tok {
            Tok::Int(i) => {
                self.pos += 1;
                Ok(mk(ExprKind::Const(Constant::Int(i)), line, col))
            }
            Tok::Float(f) => {
                self.pos += 1;
                Ok(mk(ExprKind::Const(Constant::Float(f)), line, col))
            }
            Tok::Str(_) | Tok::FStr { .. } | Tok::Bytes(_) => self.strings(),
            Tok::Name(n) => match &*n {
                "None" => {
                    self.pos += 1;
                    Ok(mk(ExprKind::Const(Constant::None), line, col))
                }
                "True" | "False" => {
                    self.pos += 1;
                    Ok(mk(
                        ExprKind::Const(Constant::Bool(&*n == "True")),
                        line,
                        col,
                    ))
                }
                "yield" => Err(unsupported(line, col, "generators ('yield') are")),
                "await" | "async" => Err(unsupported(line, col, &format!("'{n}' is"))),
                "lambda" => self.lambda(),
                _ if is_keyword(&n) => Err(self.invalid_syntax()),
                _ => {
                    self.pos += 1;
                    Ok(mk(ExprKind::Name(n.clone()), line, col))
                }
            },
            Tok::Op("(") => {
                self.pos += 1;
                self.enter()?;
                let r = self.paren_body(line, col);
                self.leave();
                let e = r?;
                self.expect_op(")")?;
                Ok(e)
            }
            Tok::Op("[") => {
                self.pos += 1;
                self.enter()?;
                let r = self.list_body(line, col);
                self.leave();
                let e = r?;
                self.expect_op("]")?;
                Ok(e)
            }
            Tok::Op("{") => {
                self.pos += 1;
                self.enter()?;
                let r = self.dict_body(line, col);
                self.leave();
                let e = r?;
                self.expect_op("}")?;
                Ok(e)
            }
            Tok::Op("*") => Err(unsupported(line, col, "starred expressions are")),
            _ => Err(self.invalid_syntax()),
        }
    }

    fn paren_body(&mut self, line: u32, col: u32) -> Result<Expr, ParseError> {
        if self.check_op(")") {
            return Ok(mk(ExprKind::Tuple(Vec::new()), line, col));
        }
        if self.check_kw("yield") {
            return Err(unsupported(line, col, "generators ('yield') are"));
        }
        let first = self.test()?;
        if self.check_kw("for") {
            return self.comprehension_tail(first, line, col);
        }
        if self.check_op(":=") {
            let t = self.peek();
            return Err(unsupported(
                t.line,
                t.col,
                "assignment expressions (':=') are",
            ));
        }
        if !self.check_op(",") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.check_op(")") {
                break;
            }
            if self.check_op("*") {
                let t = self.peek();
                return Err(unsupported(t.line, t.col, "starred expressions are"));
            }
            items.push(self.test()?);
        }
        self.checked(mk(ExprKind::Tuple(items), line, col))
    }

    fn list_body(&mut self, line: u32, col: u32) -> Result<Expr, ParseError> {
        let mut items = Vec::new();
        if self.check_op("]") {
            return Ok(mk(ExprKind::List(items), line, col));
        }
        if self.check_op("*") {
            let t = self.peek();
            return Err(unsupported(t.line, t.col, "starred expressions are"));
        }
        let first = self.test()?;
        if self.check_kw("for") {
            let clauses = self.comp_clauses()?;
            return self.checked(mk(ExprKind::ListComp(Box::new(first), clauses), line, col));
        }
        items.push(first);
        while self.eat_op(",") {
            if self.check_op("]") {
                break;
            }
            if self.check_op("*") {
                let t = self.peek();
                return Err(unsupported(t.line, t.col, "starred expressions are"));
            }
            items.push(self.test()?);
        }
        self.checked(mk(ExprKind::List(items), line, col))
    }

    fn dict_body(&mut self, line: u32, col: u32) -> Result<Expr, ParseError> {
        let mut pairs = Vec::new();
        if self.check_op("}") {
            return Ok(mk(ExprKind::Dict(pairs), line, col));
        }
        if self.check_op("**") {
            let t = self.peek();
            return Err(unsupported(
                t.line,
                t.col,
                "dict unpacking ('**' in a dict display) is",
            ));
        }
        let k = self.test()?;
        if !self.check_op(":") {
            return Err(unsupported(line, col, "sets are"));
        }
        self.pos += 1;
        let v = self.test()?;
        if self.check_kw("for") {
            let clauses = self.comp_clauses()?;
            return self.checked(mk(
                ExprKind::DictComp(Box::new(k), Box::new(v), clauses),
                line,
                col,
            ));
        }
        pairs.push((k, v));
        while self.eat_op(",") {
            if self.check_op("}") {
                break;
            }
            if self.check_op("**") {
                let t = self.peek();
                return Err(unsupported(
                    t.line,
                    t.col,
                    "dict unpacking ('**' in a dict display) is",
                ));
            }
            let k = self.test()?;
            self.expect_op(":")?;
            let v = self.test()?;
            pairs.push((k, v));
        }
        self.checked(mk(ExprKind::Dict(pairs), line, col))
    }

    /// Adjacent string literals concatenate; mixing f-strings and plain strings gives an
    /// f-string, mixing bytes and str is an error.
    fn strings(&mut self) -> Result<Expr, ParseError> {
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

    fn fstring(
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

    fn fparts(
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

    fn embedded_expr(&mut self, text: &str, line: u32, col: u32) -> Result<Expr, ParseError> {
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

fn merge_literals(parts: Vec<FPart>) -> Vec<FPart> {
    let mut out: Vec<FPart> = Vec::new();
    for p in parts {
        match (out.last_mut(), p) {
            (Some(FPart::Lit(a)), FPart::Lit(b)) => a.push_str(&b),
            (_, p) => out.push(p),
        }
    }
    out
}
