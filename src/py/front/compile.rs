//! Compiles the syntax tree to bytecode ([`crate::py::front::bytecode`]).

use std::collections::HashMap;
use std::rc::Rc;

use crate::py::front::ast::*;
pub use crate::py::front::bytecode::{Code, Program};
use crate::py::front::bytecode::{Op, NONE};
use crate::py::front::error::{ParseError, ParseErrorKind};
use crate::py::front::parser::parse_program;
use crate::py::front::scope::{analyze, comp_key, func_key, Resolution, Scope, ScopeMap};

/// Parses and compiles a script.
pub fn compile(source: &str) -> Result<Program, ParseError> {
    let body = parse_program(source)?;
    let (module_scope, scopes) = analyze(&body)?;
    let mut globals = Globals::default();
    let module = {
        let mut c = FnCompiler::new(
            Rc::from("<module>"),
            Rc::from("<module>"),
            module_scope,
            &scopes,
            &mut globals,
            1,
        );
        c.body(&body, true)?;
        c.emit_const(Constant::None);
        c.emit(Op::Return);
        c.finish(Vec::new(), Vec::new(), 0, 0, None, None, Vec::new())
    };
    Ok(Program {
        module: Rc::new(module),
        global_names: globals.names,
        source: Rc::from(source),
    })
}

#[derive(Default)]
struct Globals {
    names: Vec<Rc<str>>,
    index: HashMap<Rc<str>, u32>,
}

impl Globals {
    fn slot(&mut self, name: &Rc<str>) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(name.clone());
        self.index.insert(name.clone(), i);
        i
    }
}

#[derive(Clone)]
enum FBlock<'a> {
    Loop {
        start: usize,
        id: usize,
        is_for: bool,
    },
    TryExcept,
    Finally(&'a [Stmt]),
    FinallyHandler,
    With,
    ExceptHandler(Option<Rc<str>>),
}

struct FnCompiler<'a, 'g> {
    name: Rc<str>,
    qualname: Rc<str>,
    ops: Vec<Op>,
    lines: Vec<u32>,
    consts: Vec<Constant>,
    names: Vec<Rc<str>>,
    kwnames: Vec<Rc<[Rc<str>]>>,
    codes: Vec<Rc<Code>>,
    scope: Rc<Scope>,
    scopes: &'a ScopeMap,
    globals: &'g mut Globals,
    fblocks: Vec<FBlock<'a>>,
    loop_breaks: Vec<Vec<usize>>,
    line: u32,
    first_line: u32,
}

fn err(line: u32, col: u32, msg: &str) -> ParseError {
    ParseError::new(ParseErrorKind::Syntax, line, col, msg)
}

impl<'a, 'g> FnCompiler<'a, 'g> {
    fn new(
        name: Rc<str>,
        qualname: Rc<str>,
        scope: Rc<Scope>,
        scopes: &'a ScopeMap,
        globals: &'g mut Globals,
        first_line: u32,
    ) -> Self {
        FnCompiler {
            name,
            qualname,
            ops: Vec::new(),
            lines: Vec::new(),
            consts: Vec::new(),
            names: Vec::new(),
            kwnames: Vec::new(),
            codes: Vec::new(),
            scope,
            scopes,
            globals,
            fblocks: Vec::new(),
            loop_breaks: Vec::new(),
            line: first_line,
            first_line,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn finish(
        self,
        cell_params: Vec<(u32, u32)>,
        free_from: Vec<u32>,
        argcount: usize,
        kwonlycount: usize,
        vararg: Option<u32>,
        kwarg: Option<u32>,
        default_params: Vec<u32>,
    ) -> Code {
        let mut cell_names = self.scope.cellvars.clone();
        cell_names.extend(self.scope.freevars.iter().cloned());
        Code {
            name: self.name,
            qualname: self.qualname,
            ops: self.ops,
            lines: self.lines,
            consts: self.consts,
            names: self.names,
            kwnames: self.kwnames,
            codes: self.codes,
            local_names: self.scope.fast.clone(),
            cell_names,
            n_cellvars: self.scope.cellvars.len(),
            cell_params,
            free_from,
            argcount,
            kwonlycount,
            vararg,
            kwarg,
            default_params,
            first_line: self.first_line,
        }
    }

    fn emit(&mut self, op: Op) -> usize {
        self.ops.push(op);
        self.lines.push(self.line);
        self.ops.len() - 1
    }

    fn here(&self) -> usize {
        self.ops.len()
    }

    fn patch(&mut self, at: usize) {
        let target = self.ops.len() as u32;
        self.patch_to(at, target);
    }

    fn patch_to(&mut self, at: usize, target: u32) {
        if let Some(op) = self.ops.get_mut(at) {
            *op = match *op {
                Op::Jump(_) => Op::Jump(target),
                Op::JumpIfFalse(_) => Op::JumpIfFalse(target),
                Op::JumpIfTrue(_) => Op::JumpIfTrue(target),
                Op::JumpIfFalseOrPop(_) => Op::JumpIfFalseOrPop(target),
                Op::JumpIfTrueOrPop(_) => Op::JumpIfTrueOrPop(target),
                Op::ForIter(_) => Op::ForIter(target),
                Op::SetupExcept(_) => Op::SetupExcept(target),
                Op::SetupWith(_) => Op::SetupWith(target),
                other => other,
            };
        }
    }

    fn emit_const(&mut self, v: Constant) {
        let i = self.consts.len() as u32;
        self.consts.push(v);
        self.emit(Op::Const(i));
    }

    fn name_idx(&mut self, n: &str) -> u32 {
        if let Some(i) = self.names.iter().position(|x| &**x == n) {
            return i as u32;
        }
        self.names.push(Rc::from(n));
        (self.names.len() - 1) as u32
    }

    fn kw_idx(&mut self, names: Vec<Rc<str>>) -> u32 {
        if names.is_empty() {
            return NONE;
        }
        self.kwnames.push(Rc::from(names));
        (self.kwnames.len() - 1) as u32
    }

    fn load_name(&mut self, n: &Rc<str>) {
        match self.scope.resolve(n) {
            Resolution::Fast(i) => self.emit(Op::LoadFast(i)),
            Resolution::Deref(i) => self.emit(Op::LoadDeref(i)),
            Resolution::Global => {
                let s = self.globals.slot(n);
                self.emit(Op::LoadGlobal(s))
            }
        };
    }

    fn store_name(&mut self, n: &Rc<str>) {
        match self.scope.resolve(n) {
            Resolution::Fast(i) => self.emit(Op::StoreFast(i)),
            Resolution::Deref(i) => self.emit(Op::StoreDeref(i)),
            Resolution::Global => {
                let s = self.globals.slot(n);
                self.emit(Op::StoreGlobal(s))
            }
        };
    }

    fn delete_name(&mut self, n: &Rc<str>) {
        match self.scope.resolve(n) {
            Resolution::Fast(i) => self.emit(Op::DeleteFast(i)),
            Resolution::Deref(i) => self.emit(Op::DeleteDeref(i)),
            Resolution::Global => {
                let s = self.globals.slot(n);
                self.emit(Op::DeleteGlobal(s))
            }
        };
    }

    // ----- statements -------------------------------------------------------------------

    fn body(&mut self, body: &'a [Stmt], top: bool) -> Result<(), ParseError> {
        for (i, s) in body.iter().enumerate() {
            // A leading docstring is documentation, not a statement to step through.
            if top && i == 0 {
                if let StmtKind::Expr(Expr {
                    kind: ExprKind::Const(Constant::Str(_)),
                    ..
                }) = &s.kind
                {
                    continue;
                }
            }
            self.stmt(s)?;
        }
        Ok(())
    }

    fn stmt(&mut self, s: &'a Stmt) -> Result<(), ParseError> {
        self.line = s.line;
        self.emit(Op::Line(s.line));
        match &s.kind {
            StmtKind::Expr(e) => {
                self.expr(e)?;
                self.emit(Op::Pop);
            }
            StmtKind::Assign(targets, value) => {
                self.expr(value)?;
                for (i, t) in targets.iter().enumerate() {
                    if i + 1 < targets.len() {
                        self.emit(Op::Dup);
                    }
                    self.store_target(t)?;
                }
            }
            StmtKind::AugAssign(target, op, value) => self.aug_assign(target, *op, value)?,
            StmtKind::AnnotatedName(_)
            | StmtKind::Pass
            | StmtKind::Global(_)
            | StmtKind::Nonlocal(_) => {}
            StmtKind::Break => self.break_continue(true, s)?,
            StmtKind::Continue => self.break_continue(false, s)?,
            StmtKind::Return(v) => {
                if self.scope.is_module {
                    return Err(err(s.line, s.col, "'return' outside function"));
                }
                match v {
                    Some(e) => self.expr(e)?,
                    None => self.emit_const(Constant::None),
                }
                self.unwind_for_return()?;
                self.emit(Op::Return);
            }
            StmtKind::Del(targets) => {
                for t in targets {
                    self.delete_target(t)?;
                }
            }
            StmtKind::If(branches, orelse) => {
                let mut ends = Vec::new();
                for (i, (cond, body)) in branches.iter().enumerate() {
                    if i > 0 {
                        self.line = cond.line;
                        self.emit(Op::Line(cond.line));
                    }
                    self.expr(cond)?;
                    let skip = self.emit(Op::JumpIfFalse(0));
                    self.body(body, false)?;
                    if i + 1 < branches.len() || !orelse.is_empty() {
                        ends.push(self.emit(Op::Jump(0)));
                    }
                    self.patch(skip);
                }
                self.body(orelse, false)?;
                for e in ends {
                    self.patch(e);
                }
            }
            StmtKind::While(cond, body, orelse) => {
                let first = self.emit(Op::Jump(0));
                let top = self.here();
                self.emit(Op::Line(s.line));
                self.patch(first);
                self.line = s.line;
                self.expr(cond)?;
                let exit = self.emit(Op::JumpIfFalse(0));
                let id = self.loop_breaks.len();
                self.loop_breaks.push(Vec::new());
                self.fblocks.push(FBlock::Loop {
                    start: top,
                    id,
                    is_for: false,
                });
                self.body(body, false)?;
                self.fblocks.pop();
                self.emit(Op::Jump(top as u32));
                self.patch(exit);
                self.body(orelse, false)?;
                for b in std::mem::take(&mut self.loop_breaks[id]) {
                    self.patch(b);
                }
            }
            StmtKind::For(target, iter, body, orelse) => {
                self.expr(iter)?;
                self.emit(Op::GetIter);
                let first = self.emit(Op::Jump(0));
                let top = self.here();
                self.emit(Op::Line(s.line));
                self.patch(first);
                self.line = s.line;
                let exit = self.emit(Op::ForIter(0));
                self.store_target(target)?;
                let id = self.loop_breaks.len();
                self.loop_breaks.push(Vec::new());
                self.fblocks.push(FBlock::Loop {
                    start: top,
                    id,
                    is_for: true,
                });
                self.body(body, false)?;
                self.fblocks.pop();
                self.emit(Op::Jump(top as u32));
                self.patch(exit);
                self.body(orelse, false)?;
                for b in std::mem::take(&mut self.loop_breaks[id]) {
                    self.patch(b);
                }
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                if finalbody.is_empty() {
                    self.try_except(body, handlers, orelse)?;
                } else {
                    let setup = self.emit(Op::SetupExcept(0));
                    self.fblocks.push(FBlock::Finally(finalbody));
                    if handlers.is_empty() {
                        self.body(body, false)?;
                    } else {
                        self.try_except(body, handlers, orelse)?;
                    }
                    self.fblocks.pop();
                    self.emit(Op::PopBlock);
                    self.body(finalbody, false)?;
                    let end = self.emit(Op::Jump(0));
                    self.patch(setup);
                    self.fblocks.push(FBlock::FinallyHandler);
                    self.body(finalbody, false)?;
                    self.fblocks.pop();
                    self.emit(Op::Reraise);
                    self.patch(end);
                }
            }
            StmtKind::Raise(exc, cause) => match (exc, cause) {
                (None, _) => {
                    self.emit(Op::Raise(0));
                }
                (Some(e), None) => {
                    self.expr(e)?;
                    self.emit(Op::Raise(1));
                }
                (Some(e), Some(c)) => {
                    self.expr(e)?;
                    self.expr(c)?;
                    self.emit(Op::Raise(2));
                }
            },
            StmtKind::With(items, body) => self.with_items(items, 0, body, s.line)?,
            StmtKind::FunctionDef(f) => {
                self.make_function(f)?;
                self.store_name(&f.name);
            }
            StmtKind::Import(names) => {
                for (name, alias) in names {
                    let idx = self.name_idx(name);
                    match alias {
                        Some(a) => {
                            self.emit(Op::Import(idx, false));
                            self.store_name(a);
                        }
                        None => {
                            self.emit(Op::Import(idx, true));
                            let top: Rc<str> = Rc::from(name.split('.').next().unwrap_or(name));
                            self.store_name(&top);
                        }
                    }
                }
            }
            StmtKind::ImportFrom(module, names) => {
                let idx = self.name_idx(module);
                self.emit(Op::Import(idx, false));
                for (name, alias) in names {
                    let n = self.name_idx(name);
                    self.emit(Op::ImportFrom(n));
                    self.store_name(alias.as_ref().unwrap_or(name));
                }
                self.emit(Op::Pop);
            }
            StmtKind::Assert(test, msg) => {
                self.expr(test)?;
                let ok = self.emit(Op::JumpIfTrue(0));
                if let Some(m) = msg {
                    self.expr(m)?;
                }
                self.emit(Op::AssertFail(msg.is_some()));
                self.patch(ok);
            }
        }
        Ok(())
    }

    #[inline(never)]
    fn try_except(
        &mut self,
        body: &'a [Stmt],
        handlers: &'a [Handler],
        orelse: &'a [Stmt],
    ) -> Result<(), ParseError> {
        let setup = self.emit(Op::SetupExcept(0));
        self.fblocks.push(FBlock::TryExcept);
        self.body(body, false)?;
        self.fblocks.pop();
        self.emit(Op::PopBlock);
        self.body(orelse, false)?;
        let mut ends = vec![self.emit(Op::Jump(0))];
        self.patch(setup);
        for h in handlers {
            self.line = h.line;
            self.emit(Op::Line(h.line));
            let mut next = None;
            if let Some(t) = &h.typ {
                self.expr(t)?;
                self.emit(Op::ExcMatch);
                next = Some(self.emit(Op::JumpIfFalse(0)));
            }
            match &h.name {
                Some(n) => self.store_name(n),
                None => {
                    self.emit(Op::Pop);
                }
            }
            self.fblocks.push(FBlock::ExceptHandler(h.name.clone()));
            self.body(&h.body, false)?;
            self.fblocks.pop();
            self.emit(Op::PopExcept);
            if let Some(n) = &h.name {
                self.clear_name(n);
            }
            ends.push(self.emit(Op::Jump(0)));
            if let Some(n) = next {
                self.patch(n);
            }
        }
        self.emit(Op::Reraise);
        for e in ends {
            self.patch(e);
        }
        Ok(())
    }

    /// `except E as e:` unbinds `e` afterwards, as Python does.
    fn clear_name(&mut self, n: &Rc<str>) {
        self.emit_const(Constant::None);
        self.store_name(n);
        self.delete_name(n);
    }

    fn exit_none(&mut self) {
        let idx = self.name_idx("__exit__");
        for _ in 0..3 {
            self.emit_const(Constant::None);
        }
        self.emit(Op::CallMethod(idx, 3, NONE));
        self.emit(Op::Pop);
    }

    #[inline(never)]
    fn with_items(
        &mut self,
        items: &'a [(Expr, Option<Expr>)],
        i: usize,
        body: &'a [Stmt],
        line: u32,
    ) -> Result<(), ParseError> {
        let Some((ctx, target)) = items.get(i) else {
            return self.body(body, false);
        };
        self.expr(ctx)?;
        self.line = line;
        self.emit(Op::Dup);
        let enter = self.name_idx("__enter__");
        self.emit(Op::CallMethod(enter, 0, NONE));
        let setup = self.emit(Op::SetupWith(0));
        match target {
            Some(t) => self.store_target(t)?,
            None => {
                self.emit(Op::Pop);
            }
        }
        self.fblocks.push(FBlock::With);
        self.with_items(items, i + 1, body, line)?;
        self.fblocks.pop();
        self.line = line;
        self.emit(Op::PopBlock);
        self.exit_none();
        let end = self.emit(Op::Jump(0));
        self.patch(setup);
        self.emit(Op::WithExit);
        let suppress = self.emit(Op::JumpIfTrue(0));
        self.emit(Op::Reraise);
        self.patch(suppress);
        self.emit(Op::PopExcept);
        self.emit(Op::Pop);
        self.emit(Op::Pop);
        self.patch(end);
        Ok(())
    }

    /// Emits the clean-up of one enclosing block when control leaves it early.
    fn leave_block(&mut self, i: usize, has_value: bool) -> Result<(), ParseError> {
        match self.fblocks[i].clone() {
            FBlock::Loop { is_for, .. } => {
                if is_for {
                    if has_value {
                        self.emit(Op::Rot2);
                    }
                    self.emit(Op::Pop);
                }
            }
            FBlock::TryExcept => {
                self.emit(Op::PopBlock);
            }
            FBlock::Finally(body) => {
                self.emit(Op::PopBlock);
                let saved = self.fblocks.split_off(i);
                let r = self.body(body, false);
                self.fblocks.extend(saved);
                r?;
            }
            FBlock::FinallyHandler => {
                self.emit(Op::PopExcept);
                if has_value {
                    self.emit(Op::Rot2);
                }
                self.emit(Op::Pop);
            }
            FBlock::With => {
                self.emit(Op::PopBlock);
                if has_value {
                    self.emit(Op::Rot2);
                }
                self.exit_none();
            }
            FBlock::ExceptHandler(name) => {
                self.emit(Op::PopExcept);
                if let Some(n) = name {
                    self.clear_name(&n);
                }
            }
        }
        Ok(())
    }

    fn unwind_for_return(&mut self) -> Result<(), ParseError> {
        for i in (0..self.fblocks.len()).rev() {
            self.leave_block(i, true)?;
        }
        Ok(())
    }

    #[inline(never)]
    fn break_continue(&mut self, is_break: bool, s: &Stmt) -> Result<(), ParseError> {
        let Some(loop_pos) = self
            .fblocks
            .iter()
            .rposition(|b| matches!(b, FBlock::Loop { .. }))
        else {
            return Err(err(
                s.line,
                s.col,
                if is_break {
                    "'break' outside loop"
                } else {
                    "'continue' not properly in loop"
                },
            ));
        };
        for i in (loop_pos + 1..self.fblocks.len()).rev() {
            self.leave_block(i, false)?;
        }
        let FBlock::Loop { start, id, .. } = self.fblocks[loop_pos].clone() else {
            return Ok(());
        };
        if is_break {
            self.leave_block(loop_pos, false)?;
            let j = self.emit(Op::Jump(0));
            self.loop_breaks[id].push(j);
        } else {
            self.emit(Op::Jump(start as u32));
        }
        Ok(())
    }

    #[inline(never)]
    fn store_target(&mut self, t: &'a Expr) -> Result<(), ParseError> {
        match &t.kind {
            ExprKind::Name(n) => self.store_name(n),
            ExprKind::Attribute(obj, name) => {
                self.expr(obj)?;
                let idx = self.name_idx(name);
                self.line = t.line;
                self.emit(Op::StoreAttr(idx));
            }
            ExprKind::Subscript(obj, index) => {
                self.expr(obj)?;
                self.expr(index)?;
                self.line = t.line;
                self.emit(Op::StoreSubscript);
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                self.line = t.line;
                self.emit(Op::UnpackSequence(items.len() as u32));
                for item in items {
                    self.store_target(item)?;
                }
            }
            _ => return Err(err(t.line, t.col, "cannot assign to expression")),
        }
        Ok(())
    }

    fn delete_target(&mut self, t: &'a Expr) -> Result<(), ParseError> {
        match &t.kind {
            ExprKind::Name(n) => self.delete_name(n),
            ExprKind::Attribute(obj, name) => {
                self.expr(obj)?;
                let idx = self.name_idx(name);
                self.emit(Op::DeleteAttr(idx));
            }
            ExprKind::Subscript(obj, index) => {
                self.expr(obj)?;
                self.expr(index)?;
                self.emit(Op::DeleteSubscript);
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                for item in items {
                    self.delete_target(item)?;
                }
            }
            _ => return Err(err(t.line, t.col, "cannot delete expression")),
        }
        Ok(())
    }

    #[inline(never)]
    fn aug_assign(
        &mut self,
        target: &'a Expr,
        op: BinOp,
        value: &'a Expr,
    ) -> Result<(), ParseError> {
        match &target.kind {
            ExprKind::Name(n) => {
                self.load_name(n);
                self.expr(value)?;
                self.line = target.line;
                self.emit(Op::Inplace(op));
                self.store_name(n);
            }
            ExprKind::Attribute(obj, name) => {
                self.expr(obj)?;
                self.emit(Op::Dup);
                let idx = self.name_idx(name);
                self.emit(Op::LoadAttr(idx));
                self.expr(value)?;
                self.line = target.line;
                self.emit(Op::Inplace(op));
                self.emit(Op::Rot2);
                self.emit(Op::StoreAttr(idx));
            }
            ExprKind::Subscript(obj, index) => {
                self.expr(obj)?;
                self.expr(index)?;
                self.emit(Op::Dup2);
                self.emit(Op::Subscript);
                self.expr(value)?;
                self.line = target.line;
                self.emit(Op::Inplace(op));
                self.emit(Op::Rot3);
                self.emit(Op::StoreSubscript);
            }
            _ => {
                return Err(err(
                    target.line,
                    target.col,
                    "illegal expression for augmented assignment",
                ))
            }
        }
        Ok(())
    }

    #[inline(never)]
    fn make_function(&mut self, f: &'a Rc<FuncDef>) -> Result<(), ParseError> {
        let mut default_params = Vec::new();
        let all: Vec<&Param> = f.params.args.iter().chain(f.params.kwonly.iter()).collect();
        for (i, p) in all.iter().enumerate() {
            if let Some(d) = &p.default {
                self.expr(d)?;
                default_params.push(i as u32);
            }
        }
        let Some(scope) = self.scopes.get(&func_key(f)).cloned() else {
            return Err(err(f.line, 1, "internal error: unresolved function scope"));
        };
        let qualname: Rc<str> = if self.scope.is_module {
            f.name.clone()
        } else {
            Rc::from(format!("{}.<locals>.{}", self.qualname, f.name))
        };
        let free_from = self.free_from(&scope);
        let code = {
            let mut c = FnCompiler::new(
                f.name.clone(),
                qualname,
                scope.clone(),
                self.scopes,
                self.globals,
                f.line,
            );
            c.body(&f.body, true)?;
            c.emit_const(Constant::None);
            c.emit(Op::Return);
            let slot = |n: &Rc<str>| scope.params.iter().position(|p| p == n).map(|i| i as u32);
            let cell_params = scope
                .params
                .iter()
                .enumerate()
                .filter_map(|(i, p)| {
                    scope
                        .cellvars
                        .iter()
                        .position(|c| c == p)
                        .map(|c| (i as u32, c as u32))
                })
                .collect();
            let vararg = f.params.vararg.as_ref().and_then(slot);
            let kwarg = f.params.kwarg.as_ref().and_then(slot);
            c.finish(
                cell_params,
                free_from,
                f.params.args.len(),
                f.params.kwonly.len(),
                vararg,
                kwarg,
                default_params,
            )
        };
        self.codes.push(Rc::new(code));
        self.emit(Op::MakeFunction((self.codes.len() - 1) as u32));
        Ok(())
    }

    /// Where each free variable of a nested scope lives in this frame's cells.
    fn free_from(&self, inner: &Scope) -> Vec<u32> {
        inner
            .freevars
            .iter()
            .map(|n| match self.scope.resolve(n) {
                Resolution::Deref(i) => i,
                // The analysis guarantees free variables are cells here; an impossible
                // miss maps to an out-of-range index that the VM reports as unbound.
                _ => u32::MAX,
            })
            .collect()
    }

    // ----- expressions ------------------------------------------------------------------

    fn expr(&mut self, e: &'a Expr) -> Result<(), ParseError> {
        let saved_line = self.line;
        self.line = e.line;
        let r = self.expr_inner(e);
        self.line = saved_line;
        r
    }

    fn expr_inner(&mut self, e: &'a Expr) -> Result<(), ParseError> {
        match &e.kind {
            ExprKind::Const(c) => self.constant(c),
            ExprKind::Name(n) => self.load_name(n),
            ExprKind::FString(parts) => self.fstring(parts)?,
            ExprKind::List(items) => {
                for i in items {
                    self.expr(i)?;
                }
                self.emit(Op::BuildList(items.len() as u32));
            }
            ExprKind::Tuple(items) => {
                for i in items {
                    self.expr(i)?;
                }
                self.emit(Op::BuildTuple(items.len() as u32));
            }
            ExprKind::Dict(pairs) => {
                for (k, v) in pairs {
                    self.expr(k)?;
                    self.expr(v)?;
                }
                self.emit(Op::BuildDict(pairs.len() as u32));
            }
            ExprKind::Attribute(obj, name) => {
                self.expr(obj)?;
                let idx = self.name_idx(name);
                self.emit(Op::LoadAttr(idx));
            }
            ExprKind::Subscript(obj, index) => {
                self.expr(obj)?;
                self.expr(index)?;
                self.emit(Op::Subscript);
            }
            ExprKind::Slice(a, b, c) => {
                for part in [a, b, c] {
                    match part {
                        Some(x) => self.expr(x)?,
                        None => self.emit_const(Constant::None),
                    }
                }
                self.emit(Op::BuildSlice);
            }
            ExprKind::Call(func, args) => self.call(func, args)?,
            ExprKind::BinOp(op, a, b) => {
                self.expr(a)?;
                self.expr(b)?;
                self.emit(Op::Binary(*op));
            }
            ExprKind::Unary(op, a) => {
                self.expr(a)?;
                self.emit(Op::Unary(*op));
            }
            ExprKind::BoolOp(is_and, a, b) => {
                self.expr(a)?;
                let j = if *is_and {
                    self.emit(Op::JumpIfFalseOrPop(0))
                } else {
                    self.emit(Op::JumpIfTrueOrPop(0))
                };
                self.expr(b)?;
                self.patch(j);
            }
            ExprKind::Compare(first, rest) => self.compare(first, rest)?,
            ExprKind::IfExp(cond, a, b) => {
                self.expr(cond)?;
                let other = self.emit(Op::JumpIfFalse(0));
                self.expr(a)?;
                let end = self.emit(Op::Jump(0));
                self.patch(other);
                self.expr(b)?;
                self.patch(end);
            }
            ExprKind::Lambda(f) => self.make_function(f)?,
            ExprKind::ListComp(elt, clauses) => self.comprehension(e, clauses, elt, None)?,
            ExprKind::DictComp(k, v, clauses) => self.comprehension(e, clauses, k, Some(v))?,
        }
        Ok(())
    }

    #[inline(never)]
    fn constant(&mut self, c: &Constant) {
        self.emit_const(c.clone());
    }

    #[inline(never)]
    fn compare(&mut self, first: &'a Expr, rest: &'a [(CmpOp, Expr)]) -> Result<(), ParseError> {
        self.expr(first)?;
        if rest.len() == 1 {
            self.expr(&rest[0].1)?;
            self.emit(Op::Compare(rest[0].0));
        } else {
            let mut cleanups = Vec::new();
            for (i, (op, x)) in rest.iter().enumerate() {
                self.expr(x)?;
                if i + 1 < rest.len() {
                    self.emit(Op::Dup);
                    self.emit(Op::Rot3);
                    self.emit(Op::Compare(*op));
                    cleanups.push(self.emit(Op::JumpIfFalseOrPop(0)));
                } else {
                    self.emit(Op::Compare(*op));
                }
            }
            let end = self.emit(Op::Jump(0));
            for c in cleanups {
                self.patch(c);
            }
            self.emit(Op::Rot2);
            self.emit(Op::Pop);
            self.patch(end);
        }
        Ok(())
    }

    #[inline(never)]
    fn fstring(&mut self, parts: &'a [FPart]) -> Result<(), ParseError> {
        for p in parts {
            match p {
                FPart::Lit(s) => self.emit_const(Constant::Str(Rc::from(s.as_str()))),
                FPart::Field {
                    expr,
                    conversion,
                    spec,
                } => {
                    self.expr(expr)?;
                    if let Some(spec) = spec {
                        self.fstring(spec)?;
                    }
                    let conv = conversion.map(|c| c as u8).unwrap_or(0);
                    self.emit(Op::FormatValue(conv, spec.is_some()));
                }
            }
        }
        self.emit(Op::BuildString(parts.len() as u32));
        Ok(())
    }

    #[inline(never)]
    fn call(&mut self, func: &'a Expr, args: &'a [Arg]) -> Result<(), ParseError> {
        let starred = args
            .iter()
            .any(|a| matches!(a, Arg::Star(_) | Arg::StarStar(_)));
        let method = match &func.kind {
            ExprKind::Attribute(obj, name) => {
                self.expr(obj)?;
                Some(self.name_idx(name))
            }
            _ => {
                self.expr(func)?;
                None
            }
        };
        let call_line = func.line;
        if starred {
            self.emit(Op::BuildList(0));
            for a in args {
                match a {
                    Arg::Pos(x) => {
                        self.expr(x)?;
                        self.emit(Op::ListAppend(1));
                    }
                    Arg::Star(x) => {
                        self.expr(x)?;
                        self.emit(Op::ListExtend(1));
                    }
                    _ => {}
                }
            }
            self.emit(Op::BuildDict(0));
            for a in args {
                match a {
                    Arg::Kw(n, x) => {
                        self.emit_const(Constant::Str(n.clone()));
                        self.expr(x)?;
                        self.emit(Op::DictInsert(1));
                    }
                    Arg::StarStar(x) => {
                        self.expr(x)?;
                        self.emit(Op::DictMerge);
                    }
                    _ => {}
                }
            }
            self.line = call_line;
            self.emit(Op::CallEx(method.unwrap_or(NONE)));
            return Ok(());
        }
        let mut npos = 0u32;
        let mut kws = Vec::new();
        for a in args {
            match a {
                Arg::Pos(x) => {
                    self.expr(x)?;
                    npos += 1;
                }
                Arg::Kw(n, x) => {
                    self.expr(x)?;
                    kws.push(n.clone());
                }
                Arg::Star(_) | Arg::StarStar(_) => {}
            }
        }
        let kw = self.kw_idx(kws);
        self.line = call_line;
        match method {
            Some(m) => self.emit(Op::CallMethod(m, npos, kw)),
            None => self.emit(Op::Call(npos, kw)),
        };
        Ok(())
    }

    #[inline(never)]
    fn comprehension(
        &mut self,
        e: &'a Expr,
        clauses: &'a [Comprehension],
        elt: &'a Expr,
        value: Option<&'a Expr>,
    ) -> Result<(), ParseError> {
        let Some(scope) = self.scopes.get(&comp_key(e)).cloned() else {
            return Err(err(
                e.line,
                e.col,
                "internal error: unresolved comprehension scope",
            ));
        };
        let Some(first) = clauses.first() else {
            return Err(err(e.line, e.col, "invalid syntax"));
        };
        let name: Rc<str> = Rc::from(if value.is_some() {
            "<dictcomp>"
        } else {
            "<listcomp>"
        });
        let qualname: Rc<str> = if self.scope.is_module {
            name.clone()
        } else {
            Rc::from(format!("{}.<locals>.{}", self.qualname, name))
        };
        let free_from = self.free_from(&scope);
        let code = {
            let mut c = FnCompiler::new(
                name,
                qualname,
                scope.clone(),
                self.scopes,
                self.globals,
                e.line,
            );
            c.line = e.line;
            if value.is_some() {
                c.emit(Op::BuildDict(0));
            } else {
                c.emit(Op::BuildList(0));
            }
            c.emit(Op::LoadFast(0));
            c.comp_clause(clauses, 0, elt, value)?;
            c.emit(Op::Return);
            let cell_params = if scope.cellvars.iter().any(|n| &**n == ".0") {
                vec![(0, 0)]
            } else {
                Vec::new()
            };
            c.finish(cell_params, free_from, 1, 0, None, None, Vec::new())
        };
        self.codes.push(Rc::new(code));
        self.emit(Op::MakeFunction((self.codes.len() - 1) as u32));
        self.expr(&first.iter)?;
        self.emit(Op::GetIter);
        self.emit(Op::Call(1, NONE));
        Ok(())
    }

    fn comp_clause(
        &mut self,
        clauses: &'a [Comprehension],
        i: usize,
        elt: &'a Expr,
        value: Option<&'a Expr>,
    ) -> Result<(), ParseError> {
        let clause = &clauses[i];
        if i > 0 {
            self.expr(&clause.iter)?;
            self.emit(Op::GetIter);
        }
        let top = self.here();
        let exit = self.emit(Op::ForIter(0));
        self.store_target(&clause.target)?;
        for cond in &clause.ifs {
            self.expr(cond)?;
            self.emit(Op::JumpIfFalse(top as u32));
        }
        if i + 1 < clauses.len() {
            self.comp_clause(clauses, i + 1, elt, value)?;
        } else {
            let depth = (clauses.len() + 1) as u32;
            self.expr(elt)?;
            match value {
                Some(v) => {
                    self.expr(v)?;
                    self.emit(Op::DictInsert(depth));
                }
                None => {
                    self.emit(Op::ListAppend(depth));
                }
            }
        }
        self.emit(Op::Jump(top as u32));
        self.patch(exit);
        Ok(())
    }
}
