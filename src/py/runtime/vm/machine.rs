//! The resumable virtual machine.
//!
//! All script state lives in explicit frames (no Rust recursion per Python call), so the VM
//! can stop between any two instructions: when its instruction budget is spent, when a
//! [`step`](Vm::step) has finished one statement, or when a host call suspends. The driver then
//! continues with [`run`](Vm::run) / [`step`](Vm::step) after [`resume`](Vm::resume).
//!
//! While a host call is suspended the driver may run Python callables on top of it
//! ([`call_callback`](Vm::call_callback)) — how `start_consuming()` delivers messages to
//! `on_message_callback`. Each such call is an *activation* stacked on the suspended one; when
//! it returns ([`RunOutcome::CallbackReturned`]) the VM is suspended in the original call again.

use std::rc::Rc;

use crate::py::runtime::{builtins, format, ops};

use crate::py::front::ast::CmpOp;
use crate::py::front::bytecode::{Code, Op, Program, NONE};
use crate::py::front::error::ParseError;
use crate::py::runtime::builtins::Kwargs;
use crate::py::runtime::error::{Uncaught, VmError};
use crate::py::runtime::format::{repr, to_str};
use crate::py::runtime::host::{Host, HostResult, Reply, SuspendToken};
use crate::py::runtime::interp::Interp;
use crate::py::runtime::object::exception::{BuiltinExc, ExcClass};
use crate::py::runtime::object::value::{Cell, Dict, Function, PyException, TraceEntry, Value};
use crate::py::runtime::ops::{next_item, type_error, Next};
use crate::py::runtime::vm::args::bind_args;
use crate::py::runtime::vm::frame::{ActKind, Activation, Block, Exit, Flow, Frame, Pending};
use crate::py::runtime::vm::hints::{edit_distance, STDLIB_HINTS};

/// Python's default recursion limit.
pub const MAX_FRAMES: usize = 1000;
/// Instruction budget of one [`Vm::step`] (a single statement that runs longer stops with
/// [`RunOutcome::BudgetExhausted`], and stepping again continues it).
pub const STEP_BUDGET: u64 = 1_000_000;
/// Instruction cap for a Python function called from inside a builtin (a `key=` function).
pub const NESTED_BUDGET: u64 = 10_000_000;
/// How deeply builtins may call back into Python (`sorted(key=...)` inside a key function...).
pub const MAX_NESTED: usize = 16;

/// Why [`Vm::run`] / [`Vm::step`] returned.
#[derive(Debug, Clone)]
pub enum RunOutcome {
    /// The script ran to its end.
    Finished,
    /// The script ended with an uncaught exception.
    Raised(Uncaught),
    /// A host call is waiting for the simulation: answer with [`Vm::resume`], or run a
    /// callback first with [`Vm::call_callback`].
    Suspended(SuspendToken),
    /// The instruction budget ran out; `run` again to continue.
    BudgetExhausted,
    /// [`Vm::step`] finished a statement; `line` is the next statement's line.
    Stepped {
        /// Line of the statement that will run next.
        line: u32,
    },
    /// The callback started with [`Vm::call_callback`] returned this value; the VM is back in
    /// the state it had before (usually suspended in the outer host call).
    CallbackReturned(Value),
    /// The callback raised; the VM is back in its previous state. (In pika, an exception in a
    /// consumer callback propagates out of `start_consuming()`: the driver can deliver it with
    /// `resume(Reply::Raise(uncaught.exception))`.)
    CallbackRaised(Uncaught),
}

/// A Python interpreter instance running one script.
pub struct Vm {
    program: Rc<Program>,
    globals: Vec<Option<Value>>,
    builtin_slots: Vec<Option<Value>>,
    modules: Vec<(String, Value)>,
    acts: Vec<Activation>,
    failed: Option<Uncaught>,
    finished: bool,
    last_line: u32,
    next_frame_id: u64,
    nested: usize,
    reraise: bool,
    trampoline: Rc<Code>,
    executed: u64,
}

fn attr_error(v: &Value, name: &str) -> PyException {
    PyException::builtin(
        BuiltinExc::AttributeError,
        format!("'{}' object has no attribute '{}'", v.type_name(), name),
    )
}

impl Vm {
    /// Compiles `source` and prepares to run it.
    pub fn new(source: &str) -> Result<Vm, ParseError> {
        Ok(Vm::from_program(Rc::new(
            crate::py::front::compile::compile(source)?,
        )))
    }

    /// Prepares a compiled program.
    pub fn from_program(program: Rc<Program>) -> Vm {
        let n = program.global_names.len();
        let mut globals = vec![None; n];
        let mut builtin_slots = vec![None; n];
        for (i, name) in program.global_names.iter().enumerate() {
            builtin_slots[i] = builtins::lookup(name);
            if &**name == "__name__" {
                globals[i] = Some(Value::str("__main__"));
            }
        }
        let trampoline = Rc::new(Code {
            name: Rc::from(""),
            qualname: Rc::from(""),
            ops: vec![Op::CallEx(NONE), Op::Return],
            lines: vec![0, 0],
            consts: Vec::new(),
            names: Vec::new(),
            kwnames: Vec::new(),
            codes: Vec::new(),
            local_names: Vec::new(),
            cell_names: Vec::new(),
            n_cellvars: 0,
            cell_params: Vec::new(),
            free_from: Vec::new(),
            argcount: 0,
            kwonlycount: 0,
            vararg: None,
            kwarg: None,
            default_params: Vec::new(),
            first_line: 0,
        });
        let mut vm = Vm {
            program: program.clone(),
            globals,
            builtin_slots,
            modules: Vec::new(),
            acts: Vec::new(),
            failed: None,
            finished: false,
            last_line: 0,
            next_frame_id: 0,
            nested: 0,
            reraise: false,
            trampoline,
            executed: 0,
        };
        let frame = vm.new_frame(program.module.clone(), Vec::new(), Vec::new());
        vm.acts.push(Activation {
            kind: ActKind::Main,
            frames: vec![frame],
            pending: None,
            injected: None,
        });
        vm
    }

    fn new_frame(&mut self, code: Rc<Code>, locals: Vec<Option<Value>>, cells: Vec<Cell>) -> Frame {
        self.next_frame_id += 1;
        Frame {
            code,
            pc: 0,
            stack: Vec::new(),
            locals,
            cells,
            blocks: Vec::new(),
            id: self.next_frame_id,
        }
    }

    /// The script's source.
    pub fn source(&self) -> &str {
        &self.program.source
    }

    /// Whether the main script has run to its end.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// The uncaught exception that ended the script, if any.
    pub fn failure(&self) -> Option<&Uncaught> {
        self.failed.as_ref()
    }

    /// The token of the host call the VM is waiting for, if suspended.
    pub fn suspended_on(&self) -> Option<SuspendToken> {
        self.acts
            .last()
            .and_then(|a| a.pending.as_ref())
            .map(|p| p.token)
    }

    /// Instructions executed so far (all activations).
    pub fn instructions_executed(&self) -> u64 {
        self.executed
    }

    /// Number of Python frames currently live (across callbacks), excluding internal ones.
    pub fn call_depth(&self) -> usize {
        self.acts
            .iter()
            .flat_map(|a| a.frames.iter())
            .filter(|f| !f.code.name.is_empty())
            .count()
    }

    /// The line the UI should highlight: the statement being executed (or suspended in), or
    /// the next one when stopped between statements; after the end, the last line run.
    pub fn current_line(&self) -> u32 {
        for act in self.acts.iter().rev() {
            for f in act.frames.iter().rev() {
                if f.code.name.is_empty() {
                    continue;
                }
                if let Some(Op::Line(n)) = f.code.ops.get(f.pc) {
                    return *n;
                }
                return f.code.line_at(f.pc.saturating_sub(1));
            }
        }
        self.last_line
    }

    /// Global variables that are currently bound, in first-mention order (for a variables
    /// panel).
    pub fn globals(&self) -> Vec<(String, Value)> {
        self.program
            .global_names
            .iter()
            .zip(self.globals.iter())
            .filter_map(|(n, v)| v.as_ref().map(|v| (n.to_string(), v.clone())))
            .filter(|(n, _)| n != "__name__")
            .collect()
    }

    /// Reads a global variable.
    pub fn global(&self, name: &str) -> Option<Value> {
        let i = self
            .program
            .global_names
            .iter()
            .position(|n| &**n == name)?;
        self.globals[i].clone()
    }

    /// Runs until the script ends, raises, suspends, or `budget` instructions have executed.
    pub fn run(&mut self, host: &mut dyn Host, budget: u64) -> RunOutcome {
        self.drive(host, budget, false)
    }

    /// Runs until the next statement is about to start (finishing the current one), or
    /// another reason to stop comes first. Steps into called functions and callbacks.
    pub fn step(&mut self, host: &mut dyn Host) -> RunOutcome {
        self.drive(host, STEP_BUDGET, true)
    }

    /// Delivers the result of the suspended host call. Execution continues with the next
    /// `run`/`step`.
    pub fn resume(&mut self, reply: Reply) -> Result<(), VmError> {
        if self.failed.is_some() {
            return Err(VmError::Failed);
        }
        let Some(act) = self.acts.last_mut() else {
            return Err(VmError::NotSuspended);
        };
        let Some(pending) = act.pending.take() else {
            return Err(VmError::NotSuspended);
        };
        let Some(frame) = act.frames.last_mut() else {
            return Err(VmError::NotSuspended);
        };
        match reply {
            Reply::Return(v) => {
                let v = match pending.enumerate {
                    Some(c) => Value::tuple(vec![Value::Int(c), v]),
                    None => v,
                };
                frame.stack.push(v);
            }
            Reply::Raise(e) => match pending.for_exit {
                Some(target) if e.is(BuiltinExc::StopIteration) => {
                    frame.stack.pop();
                    frame.pc = target;
                }
                _ => act.injected = Some(e),
            },
        }
        Ok(())
    }

    /// Starts calling `callable(*args, **kwargs)` on top of the current state (which must be
    /// suspended in a host call, or finished). Run it with `run`/`step`; it ends with
    /// [`RunOutcome::CallbackReturned`] or [`RunOutcome::CallbackRaised`].
    pub fn call_callback(
        &mut self,
        callable: Value,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> Result<(), VmError> {
        if self.failed.is_some() {
            return Err(VmError::Failed);
        }
        let idle = match self.acts.last() {
            None => self.finished,
            Some(a) => a.pending.is_some(),
        };
        if !idle {
            return Err(VmError::NotIdle);
        }
        let kwargs = kwargs
            .into_iter()
            .map(|(k, v)| (Rc::from(k.as_str()), v))
            .collect();
        let frame = self.trampoline_frame(callable, args, kwargs);
        self.acts.push(Activation {
            kind: ActKind::Callback,
            frames: vec![frame],
            pending: None,
            injected: None,
        });
        Ok(())
    }

    fn trampoline_frame(&mut self, callable: Value, args: Vec<Value>, kwargs: Kwargs) -> Frame {
        let mut frame = self.new_frame(self.trampoline.clone(), Vec::new(), Vec::new());
        let mut map = crate::py::runtime::object::value::DictMap::default();
        for (k, v) in kwargs {
            let _ = map.insert(Value::Str(k), v);
        }
        frame.stack.push(callable);
        frame.stack.push(Value::list(args));
        frame.stack.push(Value::Dict(Rc::new(Dict {
            map: std::cell::RefCell::new(map),
        })));
        frame
    }

    /// Calls a Python callable to completion from inside a builtin (`sorted(key=f)`); the
    /// callable may not suspend.
    pub fn call_sync(
        &mut self,
        host: &mut dyn Host,
        f: &Value,
        args: Vec<Value>,
    ) -> Result<Value, PyException> {
        if self.nested >= MAX_NESTED {
            return Err(PyException::builtin(
                BuiltinExc::RecursionError,
                "maximum recursion depth exceeded",
            ));
        }
        let frame = self.trampoline_frame(f.clone(), args, Vec::new());
        self.acts.push(Activation {
            kind: ActKind::Nested,
            frames: vec![frame],
            pending: None,
            injected: None,
        });
        self.nested += 1;
        let exit = self.exec(host, NESTED_BUDGET, false);
        self.nested -= 1;
        self.acts.pop();
        match exit {
            Exit::Done(v) => Ok(v),
            Exit::Failed(e) => Err(e),
            Exit::Suspend(_) => Err(PyException::builtin(
                BuiltinExc::RuntimeError,
                "a function called from a builtin cannot wait for the simulation",
            )),
            Exit::Budget | Exit::Step(_) => Err(PyException::builtin(
                BuiltinExc::RuntimeError,
                "a function called from a builtin ran too long",
            )),
        }
    }

    fn drive(&mut self, host: &mut dyn Host, budget: u64, stepping: bool) -> RunOutcome {
        if let Some(f) = &self.failed {
            return RunOutcome::Raised(f.clone());
        }
        let Some(act) = self.acts.last() else {
            return RunOutcome::Finished;
        };
        if let Some(p) = &act.pending {
            return RunOutcome::Suspended(p.token);
        }
        let exit = self.exec(host, budget, stepping);
        match exit {
            Exit::Suspend(t) => RunOutcome::Suspended(t),
            Exit::Budget => RunOutcome::BudgetExhausted,
            Exit::Step(line) => RunOutcome::Stepped { line },
            Exit::Done(v) => {
                let act = self.acts.pop();
                match act.map(|a| a.kind) {
                    Some(ActKind::Main) => {
                        self.finished = true;
                        RunOutcome::Finished
                    }
                    _ => RunOutcome::CallbackReturned(v),
                }
            }
            Exit::Failed(e) => {
                let act = self.acts.pop();
                let uncaught = Uncaught {
                    report: self.report(host, &e),
                    exception: e,
                };
                match act.map(|a| a.kind) {
                    Some(ActKind::Main) => {
                        self.acts.clear();
                        self.failed = Some(uncaught.clone());
                        RunOutcome::Raised(uncaught)
                    }
                    _ => RunOutcome::CallbackRaised(uncaught),
                }
            }
        }
    }

    /// Renders a traceback as CPython does (with chained exceptions).
    pub fn report(&self, host: &mut dyn Host, exc: &PyException) -> String {
        let mut chain = vec![(exc.clone(), "")];
        let mut cur = exc.clone();
        for _ in 0..8 {
            let cause = cur.0.cause.borrow().clone();
            let next = match cause {
                Some(c) => Some((
                    c,
                    "The above exception was the direct cause of the following exception:",
                )),
                None => cur.0.context.borrow().clone().map(|c| {
                    (
                        c,
                        "During handling of the above exception, another exception occurred:",
                    )
                }),
            };
            match next {
                Some((n, why)) => {
                    if chain.iter().any(|(e, _)| e.ptr_eq(&n)) {
                        break;
                    }
                    if let Some(last) = chain.last_mut() {
                        last.1 = why;
                    }
                    chain.push((n.clone(), ""));
                    cur = n;
                }
                None => break,
            }
        }
        let mut out = String::new();
        for (e, why) in chain.iter().rev() {
            if !why.is_empty() {
                out.push_str("\n\n");
                out.push_str(why);
                out.push_str("\n\n");
            }
            out.push_str(&self.report_one(host, e));
        }
        out
    }

    fn report_one(&self, host: &mut dyn Host, e: &PyException) -> String {
        let mut out = String::new();
        let tb = e.traceback();
        if !tb.is_empty() {
            out.push_str("Traceback (most recent call last):\n");
            for entry in tb {
                out.push_str(&format!(
                    "  File \"<client>\", line {}, in {}\n",
                    entry.line, entry.function
                ));
                if let Some(text) = self
                    .program
                    .source
                    .lines()
                    .nth(entry.line.saturating_sub(1) as usize)
                {
                    let t = text.trim();
                    if !t.is_empty() {
                        out.push_str("    ");
                        out.push_str(t);
                        out.push('\n');
                    }
                }
            }
        }
        let msg = format::exc_str(host, e).unwrap_or_default();
        out.push_str(&e.class().qualified_name());
        if !msg.is_empty() {
            out.push_str(": ");
            out.push_str(&msg);
        }
        if let Some(h) = e.0.hint.borrow().as_ref() {
            out.push_str(h);
        }
        out
    }

    fn act(&mut self) -> &mut Activation {
        let n = self.acts.len();
        &mut self.acts[n - 1]
    }

    fn frame(&mut self) -> &mut Frame {
        let act = self.act();
        let n = act.frames.len();
        &mut act.frames[n - 1]
    }

    fn push(&mut self, v: Value) {
        self.frame().stack.push(v);
    }

    fn pop(&mut self) -> Value {
        self.frame().stack.pop().unwrap_or(Value::None)
    }

    fn top(&mut self) -> Value {
        self.frame().stack.last().cloned().unwrap_or(Value::None)
    }

    fn popn(&mut self, n: usize) -> Vec<Value> {
        let stack = &mut self.frame().stack;
        let at = stack.len().saturating_sub(n);
        stack.split_off(at)
    }

    fn current_handled(&self) -> Option<PyException> {
        for act in self.acts.iter().rev() {
            for f in act.frames.iter().rev() {
                for b in f.blocks.iter().rev() {
                    if let Block::Handler { exc } = b {
                        return Some(exc.clone());
                    }
                }
            }
        }
        None
    }

    /// Finds a handler for `exc` in the current activation; Err when it escapes it.
    fn unwind(&mut self, exc: PyException) -> Result<(), PyException> {
        let reraise = std::mem::take(&mut self.reraise);
        if !reraise && exc.0.context.borrow().is_none() {
            if let Some(ctx) = self.current_handled() {
                if !ctx.ptr_eq(&exc) {
                    *exc.0.context.borrow_mut() = Some(ctx);
                }
            }
        }
        let act = self.act();
        while let Some(frame) = act.frames.last_mut() {
            if !frame.code.name.is_empty() {
                exc.push_trace(TraceEntry {
                    line: frame.code.line_at(frame.pc.saturating_sub(1)),
                    function: frame.code.name.clone(),
                    frame_id: frame.id,
                });
            }
            while let Some(block) = frame.blocks.pop() {
                if let Block::Try { handler, depth } = block {
                    frame.stack.truncate(depth);
                    frame.blocks.push(Block::Handler { exc: exc.clone() });
                    frame.stack.push(Value::Exception(exc));
                    frame.pc = handler;
                    return Ok(());
                }
            }
            act.frames.pop();
        }
        Err(exc)
    }

    fn exec(&mut self, host: &mut dyn Host, budget: u64, stepping: bool) -> Exit {
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
            match self.op(host, op) {
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

    fn name_error(&self, host: &mut dyn Host, name: &str) -> PyException {
        let e = PyException::builtin(
            BuiltinExc::NameError,
            format!("name '{name}' is not defined"),
        );
        if builtins::UNSUPPORTED.contains(&name) {
            e.set_hint(format!(
                ". '{name}' is a Python builtin that the mirrorscope Python subset does not provide"
            ));
        } else if STDLIB_HINTS.contains(&name) || host.knows_module(name) {
            e.set_hint(format!(". Did you forget to import '{name}'?"));
        } else {
            let mut best: Option<(usize, String)> = None;
            let candidates = self
                .program
                .global_names
                .iter()
                .zip(self.globals.iter())
                .filter(|(_, v)| v.is_some())
                .map(|(n, _)| n.to_string())
                .chain(builtins::names().map(str::to_string));
            for c in candidates {
                let d = edit_distance(name, &c);
                let limit = (name.chars().count() + c.chars().count() + 3) * 2 / 6;
                if c != name && d <= limit && best.as_ref().is_none_or(|(bd, _)| d < *bd) {
                    best = Some((d, c));
                }
            }
            if let Some((_, c)) = best {
                e.set_hint(format!(". Did you mean: '{c}'?"));
            }
        }
        e
    }

    fn unbound_local(name: &str) -> PyException {
        PyException::builtin(
            BuiltinExc::UnboundLocalError,
            format!(
                "cannot access local variable '{name}' where it is not associated with a value"
            ),
        )
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
                        let name = f
                            .code
                            .local_names
                            .get(i as usize)
                            .cloned()
                            .unwrap_or_else(|| Rc::from("?"));
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
                let name = f
                    .code
                    .local_names
                    .get(i as usize)
                    .cloned()
                    .unwrap_or_else(|| Rc::from("?"));
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
                        let name = f
                            .code
                            .cell_names
                            .get(i as usize)
                            .cloned()
                            .unwrap_or_else(|| Rc::from("?"));
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
                        let name = self
                            .program
                            .global_names
                            .get(s)
                            .cloned()
                            .unwrap_or_else(|| Rc::from("?"));
                        return Err(self.name_error(host, &name));
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
                    let name = self
                        .program
                        .global_names
                        .get(s)
                        .cloned()
                        .unwrap_or_else(|| Rc::from("?"));
                    return Err(self.name_error(host, &name));
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
                    if items.len() >= ops::MAX_LEN {
                        return Err(ops::memory_error());
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
                    l.items.borrow_mut().extend(items);
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

    fn pop_handler_block(&mut self) {
        let f = self.frame();
        if let Some(i) = f
            .blocks
            .iter()
            .rposition(|b| matches!(b, Block::Handler { .. }))
        {
            f.blocks.remove(i);
        }
    }

    fn name(&mut self, n: u32) -> Rc<str> {
        self.frame()
            .code
            .names
            .get(n as usize)
            .cloned()
            .unwrap_or_else(|| Rc::from("?"))
    }

    fn pop_args(&mut self, argc: u32, kw: u32) -> (Vec<Value>, Kwargs) {
        let names: Rc<[Rc<str>]> = if kw == NONE {
            Rc::from(Vec::new())
        } else {
            self.frame()
                .code
                .kwnames
                .get(kw as usize)
                .cloned()
                .unwrap_or_else(|| Rc::from(Vec::new()))
        };
        let kwvals = self.popn(names.len());
        let args = self.popn(argc as usize);
        (args, names.iter().cloned().zip(kwvals).collect())
    }

    fn exc_matches(e: &PyException, cls: &Value, depth: usize) -> Result<bool, PyException> {
        if depth > 50 {
            return Err(crate::py::runtime::object::value::recursion_error());
        }
        match cls {
            Value::ExcClass(c) => Ok(e.class().is_subclass_of(c)),
            Value::Tuple(t) => {
                for c in &t.items {
                    if Self::exc_matches(e, c, depth + 1)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            _ => Err(type_error(
                "catching classes that do not inherit from BaseException is not allowed",
            )),
        }
    }

    fn make_raisable(v: Value) -> Result<PyException, PyException> {
        match v {
            Value::Exception(e) => Ok(e),
            Value::ExcClass(c) => Ok(PyException::with_args(c, Vec::new())),
            _ => Err(type_error("exceptions must derive from BaseException")),
        }
    }

    fn import(&mut self, host: &mut dyn Host, name: &str) -> Result<Value, PyException> {
        if let Some((_, m)) = self.modules.iter().find(|(n, _)| n == name) {
            return Ok(m.clone());
        }
        let m = host.import(name)?;
        self.modules.push((name.to_string(), m.clone()));
        Ok(m)
    }

    /// `obj.name`.
    pub fn getattr(
        &mut self,
        host: &mut dyn Host,
        obj: &Value,
        name: &str,
    ) -> Result<Value, PyException> {
        match obj {
            Value::Host(h) => host.getattr(h, name),
            Value::Module(m) => {
                if name == "__name__" {
                    return Ok(Value::str(&m.name));
                }
                m.get(name).ok_or_else(|| {
                    PyException::builtin(
                        BuiltinExc::AttributeError,
                        format!("module '{}' has no attribute '{}'", m.name, name),
                    )
                })
            }
            Value::Exception(e) => match name {
                "args" => Ok(Value::tuple(e.args().to_vec())),
                "__class__" => Ok(Value::ExcClass(e.class().clone())),
                "__cause__" => Ok(e
                    .0
                    .cause
                    .borrow()
                    .clone()
                    .map(Value::Exception)
                    .unwrap_or(Value::None)),
                "__context__" => Ok(e
                    .0
                    .context
                    .borrow()
                    .clone()
                    .map(Value::Exception)
                    .unwrap_or(Value::None)),
                _ => e.attr(name).ok_or_else(|| attr_error(obj, name)),
            },
            Value::ExcClass(c) => match name {
                "__name__" | "__qualname__" => Ok(Value::str(c.name())),
                "__module__" => Ok(Value::str(match c {
                    ExcClass::Builtin(_) => "builtins",
                    ExcClass::Host(h) => &h.module,
                })),
                _ => Err(PyException::builtin(
                    BuiltinExc::AttributeError,
                    format!("type object '{}' has no attribute '{}'", c.name(), name),
                )),
            },
            Value::Type(t) => match name {
                "__name__" | "__qualname__" => Ok(Value::str(t.name())),
                _ => Err(PyException::builtin(
                    BuiltinExc::AttributeError,
                    format!("type object '{}' has no attribute '{}'", t.name(), name),
                )),
            },
            Value::Function(f) => match name {
                "__name__" => Ok(Value::Str(f.code.name.clone())),
                "__qualname__" => Ok(Value::Str(f.code.qualname.clone())),
                _ => Err(attr_error(obj, name)),
            },
            Value::Builtin(b) if name == "__name__" => Ok(Value::str(b.name())),
            Value::Float(f) if name == "real" => Ok(Value::Float(*f)),
            Value::Float(_) if name == "imag" => Ok(Value::Float(0.0)),
            Value::Int(_) | Value::Bool(_) if name == "real" || name == "numerator" => {
                Ok(Value::Int(obj.as_int().unwrap_or(0)))
            }
            Value::Int(_) | Value::Bool(_) if name == "imag" => Ok(Value::Int(0)),
            Value::Int(_) | Value::Bool(_) if name == "denominator" => Ok(Value::Int(1)),
            Value::Range(r) => match name {
                "start" => Ok(Value::Int(r.start)),
                "stop" => Ok(Value::Int(r.stop)),
                "step" => Ok(Value::Int(r.step)),
                _ if builtins::has_method(obj, name) => Ok(builtins::bound_method(obj, name)),
                _ => Err(attr_error(obj, name)),
            },
            _ if builtins::has_method(obj, name) => Ok(builtins::bound_method(obj, name)),
            _ => Err(attr_error(obj, name)),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn host_call(
        &mut self,
        host: &mut dyn Host,
        h: &crate::py::runtime::object::value::HostRef,
        method: &str,
        args: Vec<Value>,
        kwargs: Kwargs,
        for_exit: Option<usize>,
        enumerate: Option<i64>,
    ) -> Result<Flow, PyException> {
        let kwargs = kwargs
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        match host.call(h, method, args, kwargs) {
            HostResult::Return(v) => {
                let v = match enumerate {
                    Some(c) => Value::tuple(vec![Value::Int(c), v]),
                    None => v,
                };
                self.push(v);
                Ok(Flow::Next)
            }
            HostResult::Raise(e) => match for_exit {
                Some(t) if e.is(BuiltinExc::StopIteration) => {
                    self.pop();
                    self.frame().pc = t;
                    Ok(Flow::Next)
                }
                _ => Err(e),
            },
            HostResult::Suspend(token) => {
                self.act().pending = Some(Pending {
                    token,
                    for_exit,
                    enumerate,
                });
                Ok(Flow::Suspend(token))
            }
        }
    }

    fn call_method(
        &mut self,
        host: &mut dyn Host,
        obj: Value,
        name: &str,
        args: Vec<Value>,
        kwargs: Kwargs,
    ) -> Result<Flow, PyException> {
        match &obj {
            Value::Host(h) => self.host_call(host, h, name, args, kwargs, None, None),
            _ if builtins::has_method(&obj, name) => {
                let v = builtins::call_method(self, host, &obj, name, args, kwargs)?;
                self.push(v);
                Ok(Flow::Next)
            }
            _ => {
                if (name == "__enter__" || name == "__exit__") && !matches!(obj, Value::Module(_)) {
                    return Err(type_error(format!(
                        "'{}' object does not support the context manager protocol",
                        obj.type_name()
                    )));
                }
                let f = self.getattr(host, &obj, name)?;
                self.call_value(host, f, args, kwargs)
            }
        }
    }

    fn call_value(
        &mut self,
        host: &mut dyn Host,
        f: Value,
        args: Vec<Value>,
        kwargs: Kwargs,
    ) -> Result<Flow, PyException> {
        match f {
            Value::Function(func) => {
                let frames: usize = self.acts.iter().map(|a| a.frames.len()).sum();
                if frames >= MAX_FRAMES {
                    return Err(PyException::builtin(
                        BuiltinExc::RecursionError,
                        "maximum recursion depth exceeded",
                    ));
                }
                let (locals, cells) = bind_args(&func, args, kwargs)?;
                let frame = self.new_frame(func.code.clone(), locals, cells);
                self.act().frames.push(frame);
                Ok(Flow::Next)
            }
            Value::Builtin(b) => {
                let v = builtins::call(self, host, b, args, kwargs)?;
                self.push(v);
                Ok(Flow::Next)
            }
            Value::Type(t) => {
                let v = builtins::construct(host, t, args, kwargs)?;
                self.push(v);
                Ok(Flow::Next)
            }
            Value::ExcClass(c) => {
                if !kwargs.is_empty() {
                    return Err(type_error(format!(
                        "{}() takes no keyword arguments",
                        c.name()
                    )));
                }
                self.push(Value::Exception(PyException::with_args(c, args)));
                Ok(Flow::Next)
            }
            Value::Method(m) => {
                let v = builtins::call_method(self, host, &m.receiver, &m.name, args, kwargs)?;
                self.push(v);
                Ok(Flow::Next)
            }
            Value::Host(h) => self.host_call(host, &h, "__call__", args, kwargs, None, None),
            Value::HostMethod(m) => {
                let (h, name) = (&m.0, m.1.clone());
                self.host_call(host, h, &name, args, kwargs, None, None)
            }
            other => Err(type_error(format!(
                "'{}' object is not callable",
                other.type_name()
            ))),
        }
    }
}

impl Interp for Vm {
    fn call_sync(
        &mut self,
        host: &mut dyn Host,
        f: &Value,
        args: Vec<Value>,
    ) -> Result<Value, PyException> {
        Vm::call_sync(self, host, f, args)
    }

    fn getattr(
        &mut self,
        host: &mut dyn Host,
        obj: &Value,
        name: &str,
    ) -> Result<Value, PyException> {
        Vm::getattr(self, host, obj, name)
    }
}
