//! Name resolution: decides, for every function, which names are fast locals, which live in
//! cells shared with nested functions, which come from enclosing functions, and which are
//! global — Python's LEGB rules, decided before running as CPython does.

use std::collections::HashMap;
use std::rc::Rc;

use crate::py::front::ast::*;
use crate::py::front::error::{ParseError, ParseErrorKind};

/// Where a name lives in one scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// Fast local slot.
    Fast(u32),
    /// Cell slot (own captured variable or free variable).
    Deref(u32),
    /// Module global (or builtin).
    Global,
}

/// The resolved layout of one function scope.
#[derive(Debug, Default)]
pub struct Scope {
    /// Fast locals (parameters first).
    pub fast: Vec<Rc<str>>,
    /// Own variables captured by nested scopes.
    pub cellvars: Vec<Rc<str>>,
    /// Variables of enclosing scopes used here.
    pub freevars: Vec<Rc<str>>,
    /// Parameters (positional, keyword-only, *args, **kwargs) in slot order.
    pub params: Vec<Rc<str>>,
    /// Whether this is the module scope.
    pub is_module: bool,
}

impl Scope {
    /// Resolves a name used in this scope.
    pub fn resolve(&self, name: &str) -> Resolution {
        if self.is_module {
            return Resolution::Global;
        }
        if let Some(i) = self.cellvars.iter().position(|n| &**n == name) {
            return Resolution::Deref(i as u32);
        }
        if let Some(i) = self.freevars.iter().position(|n| &**n == name) {
            return Resolution::Deref((self.cellvars.len() + i) as u32);
        }
        if let Some(i) = self.fast.iter().position(|n| &**n == name) {
            return Resolution::Fast(i as u32);
        }
        Resolution::Global
    }
}

/// Scopes keyed by the address of their AST node (a `FuncDef` or a comprehension `Expr`).
pub type ScopeMap = HashMap<usize, Rc<Scope>>;

/// The key of a function scope.
pub fn func_key(f: &Rc<FuncDef>) -> usize {
    Rc::as_ptr(f) as usize
}

/// The key of a comprehension scope.
pub fn comp_key(e: &Expr) -> usize {
    e as *const Expr as usize
}

#[derive(Default)]
struct Raw {
    key: usize,
    is_module: bool,
    params: Vec<Rc<str>>,
    assigned: Vec<Rc<str>>,
    used: Vec<Rc<str>>,
    globals: Vec<(Rc<str>, u32, u32)>,
    nonlocals: Vec<(Rc<str>, u32, u32)>,
    children: Vec<Raw>,
}

fn add(v: &mut Vec<Rc<str>>, n: &Rc<str>) {
    if !v.iter().any(|x| x == n) {
        v.push(n.clone());
    }
}

/// Analyzes a module body, returning the module scope and every nested scope.
pub fn analyze(body: &[Stmt]) -> Result<(Rc<Scope>, ScopeMap), ParseError> {
    let mut raw = Raw {
        is_module: true,
        ..Raw::default()
    };
    for s in body {
        collect_stmt(&mut raw, s)?;
    }
    let mut map = ScopeMap::new();
    let (scope, _) = resolve(raw, &[], &mut map)?;
    Ok((scope, map))
}

fn resolve(
    raw: Raw,
    enclosing: &[Vec<Rc<str>>],
    map: &mut ScopeMap,
) -> Result<(Rc<Scope>, Vec<Rc<str>>), ParseError> {
    let is_global = |n: &Rc<str>| raw.globals.iter().any(|(g, _, _)| g == n);
    let is_nonlocal = |n: &Rc<str>| raw.nonlocals.iter().any(|(g, _, _)| g == n);
    let mut locals: Vec<Rc<str>> = Vec::new();
    if !raw.is_module {
        for n in raw.params.iter().chain(raw.assigned.iter()) {
            if !is_global(n) && !is_nonlocal(n) {
                add(&mut locals, n);
            }
        }
    }
    let bound_outside = |n: &Rc<str>| enclosing.iter().any(|scope| scope.contains(n));
    let mut free: Vec<Rc<str>> = Vec::new();
    if !raw.is_module {
        for (n, line, col) in &raw.nonlocals {
            if !bound_outside(n) {
                return Err(ParseError::new(
                    ParseErrorKind::Syntax,
                    *line,
                    *col,
                    format!("no binding for nonlocal '{n}' found"),
                ));
            }
            add(&mut free, n);
        }
        for n in &raw.used {
            if !locals.contains(n) && !is_global(n) && bound_outside(n) {
                add(&mut free, n);
            }
        }
    } else if let Some((n, line, col)) = raw.nonlocals.first() {
        return Err(ParseError::new(
            ParseErrorKind::Syntax,
            *line,
            *col,
            format!("nonlocal declaration not allowed at module level ('{n}')"),
        ));
    }
    let mut inner_enclosing = enclosing.to_vec();
    if !raw.is_module {
        inner_enclosing.push(locals.clone());
    }
    let mut cellvars: Vec<Rc<str>> = Vec::new();
    for child in raw.children {
        let (_, child_free) = resolve(child, &inner_enclosing, map)?;
        for n in child_free {
            if locals.contains(&n) {
                add(&mut cellvars, &n);
            } else if !raw.is_module && !is_global(&n) {
                add(&mut free, &n);
            }
        }
    }
    let mut params = Vec::new();
    for p in &raw.params {
        add(&mut params, p);
    }
    // Parameters keep their fast slots even when they are cells (the VM copies them in).
    let mut fast = params.clone();
    for n in &locals {
        if !cellvars.contains(n) {
            add(&mut fast, n);
        }
    }
    let scope = Rc::new(Scope {
        fast,
        cellvars,
        freevars: free.clone(),
        params,
        is_module: raw.is_module,
    });
    if !raw.is_module {
        map.insert(raw.key, scope.clone());
    }
    Ok((scope, free))
}

fn collect_target(raw: &mut Raw, e: &Expr) -> Result<(), ParseError> {
    match &e.kind {
        ExprKind::Name(n) => {
            add(&mut raw.assigned, n);
            add(&mut raw.used, n);
            Ok(())
        }
        ExprKind::Tuple(items) | ExprKind::List(items) => {
            items.iter().try_for_each(|i| collect_target(raw, i))
        }
        _ => collect_expr(raw, e),
    }
}

fn collect_body(raw: &mut Raw, body: &[Stmt]) -> Result<(), ParseError> {
    body.iter().try_for_each(|s| collect_stmt(raw, s))
}

fn declared_after_use(
    raw: &Raw,
    n: &Rc<str>,
    what: &str,
    line: u32,
    col: u32,
) -> Result<(), ParseError> {
    if raw.used.contains(n) || raw.params.contains(n) {
        let msg = if raw.params.contains(n) {
            format!("name '{n}' is parameter and {what}")
        } else {
            format!("name '{n}' is used prior to {what} declaration")
        };
        return Err(ParseError::new(ParseErrorKind::Syntax, line, col, msg));
    }
    Ok(())
}

fn collect_stmt(raw: &mut Raw, s: &Stmt) -> Result<(), ParseError> {
    match &s.kind {
        StmtKind::Expr(e) => collect_expr(raw, e),
        StmtKind::Assign(targets, value) => {
            collect_expr(raw, value)?;
            targets.iter().try_for_each(|t| collect_target(raw, t))
        }
        StmtKind::AugAssign(t, _, v) => {
            collect_expr(raw, v)?;
            collect_target(raw, t)
        }
        StmtKind::AnnotatedName(n) => {
            add(&mut raw.assigned, n);
            Ok(())
        }
        StmtKind::Pass | StmtKind::Break | StmtKind::Continue => Ok(()),
        StmtKind::Return(v) => v.iter().try_for_each(|e| collect_expr(raw, e)),
        StmtKind::Global(names) => {
            for n in names {
                declared_after_use(raw, n, "global", s.line, s.col)?;
                if raw.nonlocals.iter().any(|(x, _, _)| x == n) {
                    return Err(ParseError::new(
                        ParseErrorKind::Syntax,
                        s.line,
                        s.col,
                        format!("name '{n}' is nonlocal and global"),
                    ));
                }
                raw.globals.push((n.clone(), s.line, s.col));
            }
            Ok(())
        }
        StmtKind::Nonlocal(names) => {
            for n in names {
                declared_after_use(raw, n, "nonlocal", s.line, s.col)?;
                if raw.globals.iter().any(|(x, _, _)| x == n) {
                    return Err(ParseError::new(
                        ParseErrorKind::Syntax,
                        s.line,
                        s.col,
                        format!("name '{n}' is nonlocal and global"),
                    ));
                }
                raw.nonlocals.push((n.clone(), s.line, s.col));
            }
            Ok(())
        }
        StmtKind::Del(targets) => targets.iter().try_for_each(|t| collect_target(raw, t)),
        StmtKind::If(branches, orelse) => {
            for (c, b) in branches {
                collect_expr(raw, c)?;
                collect_body(raw, b)?;
            }
            collect_body(raw, orelse)
        }
        StmtKind::While(c, b, o) => {
            collect_expr(raw, c)?;
            collect_body(raw, b)?;
            collect_body(raw, o)
        }
        StmtKind::For(t, it, b, o) => {
            collect_expr(raw, it)?;
            collect_target(raw, t)?;
            collect_body(raw, b)?;
            collect_body(raw, o)
        }
        StmtKind::Try {
            body,
            handlers,
            orelse,
            finalbody,
        } => {
            collect_body(raw, body)?;
            for h in handlers {
                if let Some(t) = &h.typ {
                    collect_expr(raw, t)?;
                }
                if let Some(n) = &h.name {
                    add(&mut raw.assigned, n);
                    add(&mut raw.used, n);
                }
                collect_body(raw, &h.body)?;
            }
            collect_body(raw, orelse)?;
            collect_body(raw, finalbody)
        }
        StmtKind::Raise(a, b) => {
            a.iter().try_for_each(|e| collect_expr(raw, e))?;
            b.iter().try_for_each(|e| collect_expr(raw, e))
        }
        StmtKind::With(items, body) => {
            for (ctx, target) in items {
                collect_expr(raw, ctx)?;
                if let Some(t) = target {
                    collect_target(raw, t)?;
                }
            }
            collect_body(raw, body)
        }
        StmtKind::FunctionDef(f) => {
            add(&mut raw.assigned, &f.name);
            add(&mut raw.used, &f.name);
            collect_func(raw, f)
        }
        StmtKind::Import(names) => {
            for (name, alias) in names {
                let bound: Rc<str> = match alias {
                    Some(a) => a.clone(),
                    None => Rc::from(name.split('.').next().unwrap_or(name)),
                };
                add(&mut raw.assigned, &bound);
                add(&mut raw.used, &bound);
            }
            Ok(())
        }
        StmtKind::ImportFrom(_, names) => {
            for (name, alias) in names {
                let bound = alias.clone().unwrap_or_else(|| name.clone());
                add(&mut raw.assigned, &bound);
                add(&mut raw.used, &bound);
            }
            Ok(())
        }
        StmtKind::Assert(t, m) => {
            collect_expr(raw, t)?;
            m.iter().try_for_each(|e| collect_expr(raw, e))
        }
    }
}

fn collect_func(raw: &mut Raw, f: &Rc<FuncDef>) -> Result<(), ParseError> {
    for p in f.params.args.iter().chain(f.params.kwonly.iter()) {
        if let Some(d) = &p.default {
            collect_expr(raw, d)?;
        }
    }
    let mut child = Raw {
        key: func_key(f),
        ..Raw::default()
    };
    for p in &f.params.args {
        add(&mut child.params, &p.name);
    }
    for p in &f.params.kwonly {
        add(&mut child.params, &p.name);
    }
    if let Some(v) = &f.params.vararg {
        add(&mut child.params, v);
    }
    if let Some(k) = &f.params.kwarg {
        add(&mut child.params, k);
    }
    collect_body(&mut child, &f.body)?;
    raw.children.push(child);
    Ok(())
}

fn collect_comp(
    raw: &mut Raw,
    e: &Expr,
    clauses: &[Comprehension],
    elts: &[&Expr],
) -> Result<(), ParseError> {
    let Some(first) = clauses.first() else {
        return Ok(());
    };
    collect_expr(raw, &first.iter)?;
    let mut child = Raw {
        key: comp_key(e),
        ..Raw::default()
    };
    add(&mut child.params, &Rc::from(".0"));
    for (i, c) in clauses.iter().enumerate() {
        if i > 0 {
            collect_expr(&mut child, &c.iter)?;
        }
        collect_target(&mut child, &c.target)?;
        for cond in &c.ifs {
            collect_expr(&mut child, cond)?;
        }
    }
    for elt in elts {
        collect_expr(&mut child, elt)?;
    }
    raw.children.push(child);
    Ok(())
}

fn collect_fparts(raw: &mut Raw, parts: &[FPart]) -> Result<(), ParseError> {
    for p in parts {
        if let FPart::Field { expr, spec, .. } = p {
            collect_expr(raw, expr)?;
            if let Some(s) = spec {
                collect_fparts(raw, s)?;
            }
        }
    }
    Ok(())
}

fn collect_expr(raw: &mut Raw, e: &Expr) -> Result<(), ParseError> {
    match &e.kind {
        ExprKind::Const(_) => Ok(()),
        ExprKind::Name(n) => {
            add(&mut raw.used, n);
            Ok(())
        }
        ExprKind::FString(parts) => collect_fparts(raw, parts),
        ExprKind::List(items) | ExprKind::Tuple(items) => {
            items.iter().try_for_each(|i| collect_expr(raw, i))
        }
        ExprKind::Dict(pairs) => pairs.iter().try_for_each(|(k, v)| {
            collect_expr(raw, k)?;
            collect_expr(raw, v)
        }),
        ExprKind::Attribute(o, _) => collect_expr(raw, o),
        ExprKind::Subscript(a, b) | ExprKind::BinOp(_, a, b) | ExprKind::BoolOp(_, a, b) => {
            collect_expr(raw, a)?;
            collect_expr(raw, b)
        }
        ExprKind::Slice(a, b, c) => {
            for x in [a, b, c].into_iter().flatten() {
                collect_expr(raw, x)?;
            }
            Ok(())
        }
        ExprKind::Call(f, args) => {
            collect_expr(raw, f)?;
            for a in args {
                match a {
                    Arg::Pos(x) | Arg::Star(x) | Arg::Kw(_, x) | Arg::StarStar(x) => {
                        collect_expr(raw, x)?
                    }
                }
            }
            Ok(())
        }
        ExprKind::Unary(_, x) => collect_expr(raw, x),
        ExprKind::Compare(a, rest) => {
            collect_expr(raw, a)?;
            rest.iter().try_for_each(|(_, x)| collect_expr(raw, x))
        }
        ExprKind::IfExp(a, b, c) => {
            collect_expr(raw, a)?;
            collect_expr(raw, b)?;
            collect_expr(raw, c)
        }
        ExprKind::Lambda(f) => collect_func(raw, f),
        ExprKind::ListComp(elt, clauses) => collect_comp(raw, e, clauses, &[elt]),
        ExprKind::DictComp(k, v, clauses) => collect_comp(raw, e, clauses, &[k, v]),
    }
}
