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
//!
//! This file holds the VM's state and its public API; the instruction loop is in `exec`,
//! calls and attribute lookup in `calls`, raising, unwinding and tracebacks in `unwind`.

use std::rc::Rc;

use crate::py::front::bytecode::{Code, Op, Program, NONE};
use crate::py::front::error::ParseError;
use crate::py::runtime::builtins::{self, Kwargs};
use crate::py::runtime::error::{Uncaught, VmError};
use crate::py::runtime::host::{Host, Reply, SuspendToken};
use crate::py::runtime::interp::Interp;
use crate::py::runtime::memory::{live_bytes, Meter, MEMORY_LIMIT};
use crate::py::runtime::object::exception::BuiltinExc;
use crate::py::runtime::object::value::{Cell, Dict, PyException, Value};
use crate::py::runtime::vm::frame::{ActKind, Activation, Exit, Frame};

/// Python's default recursion limit.
pub const MAX_FRAMES: usize = 1000;
/// Instruction budget of one [`Vm::step`] (a single statement that runs longer stops with
/// [`RunOutcome::BudgetExhausted`], and stepping again continues it).
pub const STEP_BUDGET: u64 = 1_000_000;
/// Instruction cap for a Python function called from inside a builtin (a `key=` function).
pub const NESTED_BUDGET: u64 = 10_000_000;
/// How deeply builtins may call back into Python (`sorted(key=...)` inside a key function...).
pub const MAX_NESTED: usize = 16;

/// `names[i]`, or `?` for an index the compiler never emits (a bad index must not panic).
pub(super) fn name_at(names: &[Rc<str>], i: usize) -> Rc<str> {
    names.get(i).cloned().unwrap_or_else(|| Rc::from("?"))
}

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
    pub(super) program: Rc<Program>,
    pub(super) globals: Vec<Option<Value>>,
    pub(super) builtin_slots: Vec<Option<Value>>,
    pub(super) modules: Vec<(String, Value)>,
    pub(super) acts: Vec<Activation>,
    pub(super) failed: Option<Uncaught>,
    pub(super) finished: bool,
    pub(super) last_line: u32,
    pub(super) next_frame_id: u64,
    pub(super) nested: usize,
    pub(super) reraise: bool,
    pub(super) trampoline: Rc<Code>,
    pub(super) executed: u64,
    pub(super) meter: Meter,
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
            meter: Meter::default(),
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

    pub(super) fn new_frame(
        &mut self,
        code: Rc<Code>,
        locals: Vec<Option<Value>>,
        cells: Vec<Cell>,
    ) -> Frame {
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

    /// After an instruction: measures the script's live objects when its charges call for it,
    /// and answers `MemoryError` when they are over [`MEMORY_LIMIT`].
    pub(super) fn check_memory(&mut self) -> Result<(), PyException> {
        if !self.meter.after_instruction() {
            return Ok(());
        }
        let mut roots: Vec<Value> = self.globals.iter().flatten().cloned().collect();
        for act in &self.acts {
            for f in &act.frames {
                roots.extend(f.stack.iter().cloned());
                roots.extend(f.locals.iter().flatten().cloned());
                for c in &f.cells {
                    roots.extend(c.borrow().iter().cloned());
                }
            }
        }
        let live = live_bytes(roots.iter());
        if !self.meter.measured(live) {
            return Ok(());
        }
        Err(PyException::builtin(
            BuiltinExc::MemoryError,
            format!(
                "the script's objects hold more than {} MB, the most a script may hold (a playground limit, docs/limits.md); keep fewer or smaller objects",
                MEMORY_LIMIT >> 20
            ),
        ))
    }

    pub(super) fn act(&mut self) -> &mut Activation {
        let n = self.acts.len();
        &mut self.acts[n - 1]
    }

    pub(super) fn frame(&mut self) -> &mut Frame {
        let act = self.act();
        let n = act.frames.len();
        &mut act.frames[n - 1]
    }

    pub(super) fn push(&mut self, v: Value) {
        self.frame().stack.push(v);
    }

    pub(super) fn pop(&mut self) -> Value {
        self.frame().stack.pop().unwrap_or(Value::None)
    }

    pub(super) fn top(&mut self) -> Value {
        self.frame().stack.last().cloned().unwrap_or(Value::None)
    }

    pub(super) fn popn(&mut self, n: usize) -> Vec<Value> {
        let stack = &mut self.frame().stack;
        let at = stack.len().saturating_sub(n);
        stack.split_off(at)
    }

    pub(super) fn name(&mut self, n: u32) -> Rc<str> {
        name_at(&self.frame().code.names, n as usize)
    }

    pub(super) fn pop_args(&mut self, argc: u32, kw: u32) -> (Vec<Value>, Kwargs) {
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
