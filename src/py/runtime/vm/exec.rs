//! The instruction loop: runs the current activation's frames one [`Op`] at a time until the
//! budget is spent, a statement ends while stepping, a host call suspends, or the activation
//! returns or raises.

use std::rc::Rc;

use crate::py::front::ast::CmpOp;
use crate::py::front::bytecode::{Op, NONE};
use crate::py::runtime::builtins::Kwargs;
use crate::py::runtime::format::{repr, to_str};
use crate::py::runtime::host::Host;
use crate::py::runtime::object::exception::{BuiltinExc, ExcClass};
use crate::py::runtime::object::value::{Cell, Function, PyException, Value};
use crate::py::runtime::ops::{next_item, type_error, Next};
use crate::py::runtime::vm::calls::attr_error;
use crate::py::runtime::vm::frame::{Block, Exit, Flow};
use crate::py::runtime::vm::machine::{name_at, Vm};
use crate::py::runtime::{format, ops};

impl Vm {
    pub(super) fn exec(&mut self, host: &mut dyn Host, budget: u64, stepping: bool) -> Exit {
        let mut left = budget;
        let mut executed_any = false;
        if let Some(e) = self.act().injected.take() {
            self.reraise = true;
            if let Err(e) = self.unwind(e) {
                return Exit::Failed(e);
            }
        }
        loop {
            if self.act().frames.is_empty() {
                return Exit::Done(Value::None);
            }
            let op = {
                let f = self.frame();
                f.code.ops.get(f.pc).copied().unwrap_or(Op::Return)
            };
            if let Op::Line(n) = op {
                if stepping && executed_any {
                    return Exit::Step(n);
                }
            }
            if left == 0 {
                return Exit::Budget;
            }
            left -= 1;
            executed_any = true;
            self.executed += 1;
            {
                let f = self.frame();
                if f.pc < f.code.ops.len() {
                    f.pc += 1;
                } else {
                    f.stack.push(Value::None);
                }
            }
            let mut flow = self.op(host, op);
            if matches!(flow, Ok(Flow::Next)) {
                if let Err(e) = self.check_memory() {
                    flow = Err(e);
                }
            }
            match flow {
                Ok(Flow::Next) => {}
                Ok(Flow::Suspend(t)) => return Exit::Suspend(t),
                Ok(Flow::Return(v)) => {
                    let act = self.act();
                    if let Some(f) = act.frames.pop() {
                        if !f.code.name.is_empty() {
                            self.last_line = f.code.line_at(f.pc.saturating_sub(1));
                        }
                    }
                    if self.act().frames.is_empty() {
                        return Exit::Done(v);
                    }
                    self.push(v);
                }
                Err(e) => {
                    if let Err(e) = self.unwind(e) {
                        return Exit::Failed(e);
                    }
                }
            }
        }
    }

    fn op(&mut self, host: &mut dyn Host, op: Op) -> Result<Flow, PyException> {
        match op {
            Op::Line(n) => {
                self.last_line = n;
                let depth = self.call_depth().saturating_sub(1);
                host.on_statement(n, depth);
            }
            Op::Const(i) => {
                let v = self
                    .frame()
                    .code
                    .consts
                    .get(i as usize)
                    .map_or(Value::None, Value::from_const);
                self.push(v);
            }
            Op::LoadFast(i) => {
                let f = self.frame();
                match f.locals.get(i as usize).cloned().flatten() {
                    Some(v) => f.stack.push(v),
                    None => {
                        let name = name_at(&f.code.local_names, i as usize);
                        return Err(Self::unbound_local(&name));
                    }
                }
            }
            Op::StoreFast(i) => {
                let v = self.pop();
                if let Some(slot) = self.frame().locals.get_mut(i as usize) {
                    *slot = Some(v);
                }
            }
            Op::DeleteFast(i) => {
                let f = self.frame();
                let name = name_at(&f.code.local_names, i as usize);
                match f.locals.get_mut(i as usize) {
                    Some(slot) if slot.is_some() => *slot = None,
                    _ => return Err(Self::unbound_local(&name)),
                }
            }
            Op::LoadDeref(i) => {
                let f = self.frame();
                let v = f.cells.get(i as usize).and_then(|c| c.borrow().clone());
                match v {
                    Some(v) => f.stack.push(v),
                    None => {
                        let name = name_at(&f.code.cell_names, i as usize);
                        if (i as usize) < f.code.n_cellvars {
                            return Err(Self::unbound_local(&name));
                        }
                        return Err(PyException::builtin(
                            BuiltinExc::NameError,
                            format!("cannot access free variable '{name}' where it is not associated with a value in enclosing scope"),
                        ));
                    }
                }
            }
            Op::StoreDeref(i) => {
                let v = self.pop();
                if let Some(c) = self.frame().cells.get(i as usize) {
                    *c.borrow_mut() = Some(v);
                }
            }
            Op::DeleteDeref(i) => {
                if let Some(c) = self.frame().cells.get(i as usize) {
                    *c.borrow_mut() = None;
                }
            }
            Op::LoadGlobal(s) => {
                let s = s as usize;
                match self
                    .globals
                    .get(s)
                    .cloned()
                    .flatten()
                    .or_else(|| self.builtin_slots.get(s).cloned().flatten())
                {
                    Some(v) => self.push(v),
                    None => {
                        return Err(self.name_error(host, &name_at(&self.program.global_names, s)))
                    }
                }
            }
            Op::StoreGlobal(s) => {
                let v = self.pop();
                if let Some(slot) = self.globals.get_mut(s as usize) {
                    *slot = Some(v);
                }
            }
            Op::DeleteGlobal(s) => {
                let s = s as usize;
                if self.globals.get(s).cloned().flatten().is_none() {
                    return Err(self.name_error(host, &name_at(&self.program.global_names, s)));
                }
                self.globals[s] = None;
            }
            Op::LoadAttr(n) => {
                let name = self.name(n);
                let obj = self.pop();
                let v = self.getattr(host, &obj, &name)?;
                self.push(v);
            }
            Op::StoreAttr(n) => {
                let name = self.name(n);
                let obj = self.pop();
                let v = self.pop();
                match &obj {
                    Value::Host(h) => host.setattr(h, &name, v)?,
                    Value::Module(m) => m.set(&name, v),
                    Value::Exception(e) => {
                        let mut attrs = e.0.attrs.borrow_mut();
                        match attrs.iter_mut().find(|(k, _)| **k == *name) {
                            Some(slot) => slot.1 = v,
                            None => attrs.push((name.clone(), v)),
                        }
                    }
                    other => return Err(attr_error(other, &name)),
                }
            }
            Op::DeleteAttr(n) => {
                let name = self.name(n);
                let obj = self.pop();
                match &obj {
                    Value::Module(m) if m.get(&name).is_some() => {
                        m.attrs.borrow_mut().retain(|(k, _)| **k != *name);
                    }
                    other => return Err(attr_error(other, &name)),
                }
            }
            Op::Subscript => {
                let idx = self.pop();
                let obj = self.pop();
                if let Value::Host(h) = &obj {
                    return self.host_call(
                        host,
                        h,
                        "__getitem__",
                        vec![idx],
                        Vec::new(),
                        None,
                        None,
                    );
                }
                let v = ops::getitem(&obj, &idx)?;
                self.push(v);
            }
            Op::StoreSubscript => {
                let idx = self.pop();
                let obj = self.pop();
                let v = self.pop();
                if let Value::Host(h) = &obj {
                    ops::host_call_sync(host, h, "__setitem__", vec![idx, v])?;
                } else {
                    ops::setitem(&obj, &idx, v)?;
                }
            }
            Op::DeleteSubscript => {
                let idx = self.pop();
                let obj = self.pop();
                if let Value::Host(h) = &obj {
                    ops::host_call_sync(host, h, "__delitem__", vec![idx])?;
                } else {
                    ops::delitem(&obj, &idx)?;
                }
            }
            Op::BuildSlice => {
                let v = self.popn(3);
                let mut it = v.into_iter();
                let s = [
                    it.next().unwrap_or(Value::None),
                    it.next().unwrap_or(Value::None),
                    it.next().unwrap_or(Value::None),
                ];
                self.push(Value::Slice(Rc::new(s)));
            }
            Op::Binary(b) => {
                let r = self.pop();
                let l = self.pop();
                let v = ops::binary(host, b, &l, &r)?;
                self.push(v);
            }
            Op::Inplace(b) => {
                let r = self.pop();
                let l = self.pop();
                let v = ops::inplace(host, b, &l, &r)?;
                self.push(v);
            }
            Op::Unary(u) => {
                let a = self.pop();
                let v = ops::unary(u, &a)?;
                self.push(v);
            }
            Op::Compare(c) => {
                let r = self.pop();
                let l = self.pop();
                let b = match c {
                    CmpOp::In => ops::contains(host, &r, &l)?,
                    CmpOp::NotIn => !ops::contains(host, &r, &l)?,
                    _ => ops::compare(c, &l, &r)?,
                };
                self.push(Value::Bool(b));
            }
            Op::Jump(t) => self.frame().pc = t as usize,
            Op::JumpIfFalse(t) => {
                if !self.pop().truthy() {
                    self.frame().pc = t as usize;
                }
            }
            Op::JumpIfTrue(t) => {
                if self.pop().truthy() {
                    self.frame().pc = t as usize;
                }
            }
            Op::JumpIfFalseOrPop(t) => {
                if !self.top().truthy() {
                    self.frame().pc = t as usize;
                } else {
                    self.pop();
                }
            }
            Op::JumpIfTrueOrPop(t) => {
                if self.top().truthy() {
                    self.frame().pc = t as usize;
                } else {
                    self.pop();
                }
            }
            Op::Pop => {
                self.pop();
            }
            Op::Dup => {
                let v = self.top();
                self.push(v);
            }
            Op::Dup2 => {
                let v = self.popn(2);
                for x in v.iter().chain(v.iter()) {
                    self.push(x.clone());
                }
            }
            Op::Rot2 => {
                let s = &mut self.frame().stack;
                let n = s.len();
                if n >= 2 {
                    s.swap(n - 1, n - 2);
                }
            }
            Op::Rot3 => {
                let s = &mut self.frame().stack;
                let n = s.len();
                if n >= 3 {
                    let top = s.remove(n - 1);
                    s.insert(n - 3, top);
                }
            }
            Op::BuildList(n) => {
                let v = self.popn(n as usize);
                self.push(Value::list(v));
            }
            Op::BuildTuple(n) => {
                let v = self.popn(n as usize);
                self.push(Value::tuple(v));
            }
            Op::BuildDict(n) => {
                let v = self.popn(2 * n as usize);
                let mut pairs = Vec::with_capacity(n as usize);
                let mut it = v.into_iter();
                while let (Some(k), Some(x)) = (it.next(), it.next()) {
                    pairs.push((k, x));
                }
                let d = Value::dict(pairs)?;
                self.push(d);
            }
            Op::BuildString(n) => {
                let v = self.popn(n as usize);
                let mut s = String::new();
                for x in v {
                    if let Value::Str(p) = x {
                        s.push_str(&p);
                    }
                }
                self.push(Value::str(&s));
            }
            Op::FormatValue(conv, has_spec) => {
                let spec = if has_spec { Some(self.pop()) } else { None };
                let v = self.pop();
                let v = match conv {
                    b'r' => Value::str(&repr(host, &v)?),
                    b's' => Value::str(&to_str(host, &v)?),
                    b'a' => Value::str(&format::ascii(host, &v)?),
                    _ => v,
                };
                let spec = match &spec {
                    Some(Value::Str(s)) => s.to_string(),
                    _ => String::new(),
                };
                let s = format::format_value(host, &v, &spec)?;
                self.push(Value::str(&s));
            }
            Op::ListAppend(n) => {
                let v = self.pop();
                let s = &self.frame().stack;
                if let Some(Value::List(l)) = s.len().checked_sub(n as usize).and_then(|i| s.get(i))
                {
                    let mut items = l.items.borrow_mut();
                    if items.len() >= ops::MAX_ITEMS {
                        return Err(ops::list_too_long());
                    }
                    items.push(v);
                }
            }
            Op::ListExtend(n) => {
                let v = self.pop();
                let items = ops::collect(host, &v).map_err(|e| {
                    if e.is(BuiltinExc::TypeError) {
                        type_error(format!(
                            "Value after * must be an iterable, not {}",
                            v.type_name()
                        ))
                    } else {
                        e
                    }
                })?;
                let s = &self.frame().stack;
                if let Some(Value::List(l)) = s.len().checked_sub(n as usize).and_then(|i| s.get(i))
                {
                    // `f(*a, *b)` and `[*a, *b]`: the one-operation cap holds for the whole.
                    let mut dst = l.items.borrow_mut();
                    if dst.len() + items.len() > ops::MAX_LEN {
                        return Err(ops::memory_error());
                    }
                    crate::py::runtime::object::charge::charge(
                        items.len() * std::mem::size_of::<Value>(),
                    );
                    dst.extend(items);
                }
            }
            Op::DictInsert(n) => {
                let v = self.pop();
                let k = self.pop();
                let s = &self.frame().stack;
                if let Some(Value::Dict(d)) = s.len().checked_sub(n as usize).and_then(|i| s.get(i))
                {
                    d.map.borrow_mut().insert(k, v)?;
                }
            }
            Op::DictMerge => {
                let m = self.pop();
                let Value::Dict(src) = &m else {
                    return Err(type_error(format!(
                        "argument after ** must be a mapping, not {}",
                        m.type_name()
                    )));
                };
                let pairs: Vec<(Value, Value)> = src
                    .map
                    .borrow()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                if let Value::Dict(d) = self.top() {
                    for (k, v) in pairs {
                        if !matches!(k, Value::Str(_)) {
                            return Err(type_error("keywords must be strings"));
                        }
                        if d.map.borrow().get(&k)?.is_some() {
                            return Err(type_error(format!(
                                "got multiple values for keyword argument '{}'",
                                k.as_str().unwrap_or("")
                            )));
                        }
                        d.map.borrow_mut().insert(k, v)?;
                    }
                }
            }
            Op::GetIter => {
                let v = self.pop();
                match ops::make_iter(&v)? {
                    Some(it) => self.push(it),
                    None => {
                        if let Value::Host(h) = &v {
                            return self.host_call(
                                host,
                                h,
                                "__iter__",
                                Vec::new(),
                                Vec::new(),
                                None,
                                None,
                            );
                        }
                    }
                }
            }
            Op::ForIter(t) => {
                let it = self.top();
                match next_item(&it)? {
                    Next::Item(v) => self.push(v),
                    Next::Done => {
                        self.pop();
                        self.frame().pc = t as usize;
                    }
                    Next::Host(h, count) => {
                        return self.host_call(
                            host,
                            &h,
                            "__next__",
                            Vec::new(),
                            Vec::new(),
                            Some(t as usize),
                            count,
                        );
                    }
                }
            }
            Op::Call(argc, kw) => {
                let (args, kwargs) = self.pop_args(argc, kw);
                let f = self.pop();
                return self.call_value(host, f, args, kwargs);
            }
            Op::CallMethod(n, argc, kw) => {
                let name = self.name(n);
                let (args, kwargs) = self.pop_args(argc, kw);
                let obj = self.pop();
                return self.call_method(host, obj, &name, args, kwargs);
            }
            Op::CallEx(n) => {
                let kw = self.pop();
                let args = self.pop();
                let target = self.pop();
                let args = match args {
                    Value::List(l) => l.items.borrow().clone(),
                    _ => Vec::new(),
                };
                let kwargs: Kwargs = match kw {
                    Value::Dict(d) => d
                        .map
                        .borrow()
                        .iter()
                        .map(|(k, v)| (Rc::from(k.as_str().unwrap_or("")), v.clone()))
                        .collect(),
                    _ => Vec::new(),
                };
                if n == NONE {
                    return self.call_value(host, target, args, kwargs);
                }
                let name = self.name(n);
                return self.call_method(host, target, &name, args, kwargs);
            }
            Op::MakeFunction(i) => {
                let code = self.frame().code.codes.get(i as usize).cloned();
                let Some(code) = code else {
                    return Err(PyException::builtin(
                        BuiltinExc::RuntimeError,
                        "bad function code",
                    ));
                };
                let defaults = self.popn(code.default_params.len());
                let closure: Vec<Cell> = {
                    let f = self.frame();
                    code.free_from
                        .iter()
                        .map(|&ci| {
                            f.cells
                                .get(ci as usize)
                                .cloned()
                                .unwrap_or_else(|| Rc::new(std::cell::RefCell::new(None)))
                        })
                        .collect()
                };
                self.push(Value::Function(Rc::new(Function {
                    code,
                    defaults,
                    closure,
                })));
            }
            Op::Return => {
                let v = self.pop();
                return Ok(Flow::Return(v));
            }
            Op::UnpackSequence(n) => {
                let v = self.pop();
                let items = match &v {
                    Value::List(_)
                    | Value::Tuple(_)
                    | Value::Str(_)
                    | Value::Bytes(_)
                    | Value::Dict(_)
                    | Value::DictView(_)
                    | Value::Range(_)
                    | Value::Iter(_)
                    | Value::Host(_) => ops::collect(host, &v)?,
                    other => {
                        return Err(type_error(format!(
                            "cannot unpack non-iterable {} object",
                            other.type_name()
                        )))
                    }
                };
                let n = n as usize;
                if items.len() > n {
                    return Err(PyException::builtin(
                        BuiltinExc::ValueError,
                        format!("too many values to unpack (expected {n})"),
                    ));
                }
                if items.len() < n {
                    return Err(PyException::builtin(
                        BuiltinExc::ValueError,
                        format!(
                            "not enough values to unpack (expected {n}, got {})",
                            items.len()
                        ),
                    ));
                }
                for x in items.into_iter().rev() {
                    self.push(x);
                }
            }
            Op::Raise(kind) => match kind {
                0 => {
                    self.reraise = true;
                    return Err(self.current_handled().unwrap_or_else(|| {
                        self.reraise = false;
                        PyException::builtin(
                            BuiltinExc::RuntimeError,
                            "No active exception to reraise",
                        )
                    }));
                }
                1 => {
                    let v = self.pop();
                    return Err(Self::make_raisable(v)?);
                }
                _ => {
                    let cause = self.pop();
                    let v = self.pop();
                    let e = Self::make_raisable(v)?;
                    let cause = match cause {
                        Value::None => None,
                        other => Some(Self::make_raisable(other).map_err(|_| {
                            type_error("exception causes must derive from BaseException")
                        })?),
                    };
                    *e.0.cause.borrow_mut() = cause;
                    return Err(e);
                }
            },
            Op::Reraise => {
                let v = self.pop();
                self.pop_handler_block();
                if let Value::Exception(e) = v {
                    self.reraise = true;
                    return Err(e);
                }
                return Err(PyException::builtin(
                    BuiltinExc::RuntimeError,
                    "No active exception to reraise",
                ));
            }
            Op::SetupExcept(h) => {
                let f = self.frame();
                let depth = f.stack.len();
                f.blocks.push(Block::Try {
                    handler: h as usize,
                    depth,
                });
            }
            Op::SetupWith(h) => {
                let f = self.frame();
                let depth = f.stack.len().saturating_sub(1);
                f.blocks.push(Block::Try {
                    handler: h as usize,
                    depth,
                });
            }
            Op::PopBlock => {
                let f = self.frame();
                if let Some(i) = f
                    .blocks
                    .iter()
                    .rposition(|b| matches!(b, Block::Try { .. }))
                {
                    f.blocks.remove(i);
                }
            }
            Op::PopExcept => self.pop_handler_block(),
            Op::ExcMatch => {
                let cls = self.pop();
                let exc = self.top();
                let Value::Exception(e) = exc else {
                    self.push(Value::Bool(false));
                    return Ok(Flow::Next);
                };
                let m = Self::exc_matches(&e, &cls, 0)?;
                self.push(Value::Bool(m));
            }
            Op::WithExit => {
                let s = &self.frame().stack;
                let n = s.len();
                let (mgr, exc) = if n >= 2 {
                    (s[n - 2].clone(), s[n - 1].clone())
                } else {
                    (Value::None, Value::None)
                };
                let cls = match &exc {
                    Value::Exception(e) => Value::ExcClass(e.class().clone()),
                    _ => Value::None,
                };
                return self.call_method(
                    host,
                    mgr,
                    "__exit__",
                    vec![cls, exc, Value::None],
                    Vec::new(),
                );
            }
            Op::Import(n, top) => {
                let name = self.name(n);
                let m = self.import(host, &name)?;
                if top && name.contains('.') {
                    let first = name.split('.').next().unwrap_or(&name).to_string();
                    let t = self.import(host, &first)?;
                    self.push(t);
                } else {
                    self.push(m);
                }
            }
            Op::ImportFrom(n) => {
                let name = self.name(n);
                let m = self.top();
                let v = match self.getattr(host, &m, &name) {
                    Ok(v) => v,
                    Err(e) if e.is(BuiltinExc::AttributeError) => {
                        let mname = match &m {
                            Value::Module(mm) => mm.name.clone(),
                            Value::Host(h) => h.type_name.to_string(),
                            _ => "?".into(),
                        };
                        match self.import(host, &format!("{mname}.{name}")) {
                            Ok(v) => v,
                            Err(_) => {
                                return Err(PyException::builtin(
                                    BuiltinExc::ImportError,
                                    format!(
                                    "cannot import name '{name}' from '{mname}' (unknown location)"
                                ),
                                ))
                            }
                        }
                    }
                    Err(e) => return Err(e),
                };
                self.push(v);
            }
            Op::AssertFail(has_msg) => {
                let args = if has_msg {
                    vec![self.pop()]
                } else {
                    Vec::new()
                };
                return Err(PyException::with_args(
                    ExcClass::Builtin(BuiltinExc::AssertionError),
                    args,
                ));
            }
        }
        Ok(Flow::Next)
    }
}
