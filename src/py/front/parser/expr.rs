//! Expressions, by precedence level, down to atoms, calls, subscripts and displays.

use std::rc::Rc;

use crate::py::front::ast::*;
use crate::py::front::error::{ParseError, ParseErrorKind};
use crate::py::front::lexer::Tok;
use crate::py::front::parser::cursor::{is_keyword, mk, unsupported, Parser};

impl Parser {
    /// `a, b` (a tuple when there is a comma) of `test`s; starred items are refused.
    pub(super) fn testlist(&mut self) -> Result<Expr, ParseError> {
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

    pub(super) fn testlist_star(&mut self) -> Result<Expr, ParseError> {
        if self.check_op("*") {
            let t = self.peek();
            return Err(unsupported(t.line, t.col, "starred expressions are"));
        }
        self.testlist()
    }

    pub(super) fn at_expr_end(&self) -> bool {
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

    pub(super) fn test(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        let r = self.test_inner();
        self.leave();
        r.and_then(|e| self.checked(e))
    }

    pub(super) fn test_inner(&mut self) -> Result<Expr, ParseError> {
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

    pub(super) fn lambda(&mut self) -> Result<Expr, ParseError> {
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

    pub(super) fn or_test(&mut self) -> Result<Expr, ParseError> {
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

    pub(super) fn and_test(&mut self) -> Result<Expr, ParseError> {
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

    pub(super) fn not_test(&mut self) -> Result<Expr, ParseError> {
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

    pub(super) fn comp_op(&mut self) -> Option<CmpOp> {
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

    pub(super) fn comparison(&mut self) -> Result<Expr, ParseError> {
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

    pub(super) fn binop(&self) -> Option<(u8, BinOp)> {
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

    pub(super) fn bitor(&mut self) -> Result<Expr, ParseError> {
        self.binary(1)
    }

    /// Left-associative binary operators by precedence climbing (one Rust frame per
    /// precedence change, not per level, to keep recursion shallow).
    pub(super) fn binary(&mut self, min_prec: u8) -> Result<Expr, ParseError> {
        let first = self.unary()?;
        let left = self.binary_rest(first, min_prec)?;
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
    pub(super) fn binary_rest(&mut self, mut left: Expr, min_prec: u8) -> Result<Expr, ParseError> {
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

    pub(super) fn unary(&mut self) -> Result<Expr, ParseError> {
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

    pub(super) fn power(&mut self) -> Result<Expr, ParseError> {
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

    pub(super) fn primary(&mut self) -> Result<Expr, ParseError> {
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

    pub(super) fn subscript(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        let r = self.subscript_inner();
        self.leave();
        r
    }

    pub(super) fn subscript_inner(&mut self) -> Result<Expr, ParseError> {
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

    pub(super) fn slice_item(&mut self) -> Result<Expr, ParseError> {
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

    pub(super) fn call_args(&mut self) -> Result<Vec<Arg>, ParseError> {
        self.enter()?;
        let r = self.call_args_inner();
        self.leave();
        r
    }

    pub(super) fn call_args_inner(&mut self) -> Result<Vec<Arg>, ParseError> {
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
    pub(super) fn comprehension_tail(
        &mut self,
        elt: Expr,
        line: u32,
        col: u32,
    ) -> Result<Expr, ParseError> {
        let clauses = self.comp_clauses()?;
        self.checked(mk(ExprKind::ListComp(Box::new(elt), clauses), line, col))
    }

    pub(super) fn comp_clauses(&mut self) -> Result<Vec<Comprehension>, ParseError> {
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

    pub(super) fn atom(&mut self) -> Result<Expr, ParseError> {
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

    pub(super) fn paren_body(&mut self, line: u32, col: u32) -> Result<Expr, ParseError> {
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

    pub(super) fn list_body(&mut self, line: u32, col: u32) -> Result<Expr, ParseError> {
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

    pub(super) fn dict_body(&mut self, line: u32, col: u32) -> Result<Expr, ParseError> {
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
}
