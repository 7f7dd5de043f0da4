//! Statements: blocks, simple statements, `if` / `while` / `for` / `try` / `with` / `def`.

use std::rc::Rc;

use crate::py::front::ast::*;
use crate::py::front::error::{ParseError, ParseErrorKind};
use crate::py::front::lexer::{tokenize, Tok};
use crate::py::front::parser::cursor::{describe_target, mk, unsupported, Parser};

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

impl Parser {
    pub(super) fn statement(&mut self) -> Result<Vec<Stmt>, ParseError> {
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

    pub(super) fn block(&mut self, what: &str, line: u32) -> Result<Vec<Stmt>, ParseError> {
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

    pub(super) fn block_inner(&mut self, what: &str, line: u32) -> Result<Vec<Stmt>, ParseError> {
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

    pub(super) fn simple_stmt_checked(&mut self) -> Result<Stmt, ParseError> {
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

    pub(super) fn simple_stmt(&mut self) -> Result<Stmt, ParseError> {
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

    pub(super) fn at_simple_end(&self) -> bool {
        matches!(self.peek().tok, Tok::Newline | Tok::Eof | Tok::Op(";"))
    }

    pub(super) fn aug_op(&self) -> Option<BinOp> {
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

    pub(super) fn check_target(&self, e: &Expr, verb: &str) -> Result<(), ParseError> {
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

    pub(super) fn dotted_name(&mut self) -> Result<Rc<str>, ParseError> {
        let mut name = self.expect_name()?.to_string();
        while self.eat_op(".") {
            name.push('.');
            name.push_str(&self.expect_name()?);
        }
        Ok(Rc::from(name.as_str()))
    }

    pub(super) fn if_stmt(&mut self) -> Result<Stmt, ParseError> {
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

    pub(super) fn named_test(&mut self) -> Result<Expr, ParseError> {
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

    pub(super) fn while_stmt(&mut self) -> Result<Stmt, ParseError> {
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

    pub(super) fn target_list(&mut self) -> Result<Expr, ParseError> {
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

    pub(super) fn target_atom(&mut self) -> Result<Expr, ParseError> {
        if self.check_op("*") {
            let t = self.peek();
            return Err(unsupported(t.line, t.col, "starred assignment targets are"));
        }
        let e = self.bitor()?;
        self.check_target(&e, "assign to")?;
        Ok(e)
    }

    pub(super) fn for_stmt(&mut self) -> Result<Stmt, ParseError> {
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

    pub(super) fn try_stmt(&mut self) -> Result<Stmt, ParseError> {
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

    pub(super) fn with_stmt(&mut self) -> Result<Stmt, ParseError> {
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

    pub(super) fn def_stmt(&mut self) -> Result<Stmt, ParseError> {
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

    pub(super) fn params(&mut self, close: &str, annotations: bool) -> Result<Params, ParseError> {
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
}
