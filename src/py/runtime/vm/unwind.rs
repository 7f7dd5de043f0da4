//! Raising and catching: building the exceptions the VM raises itself (`NameError` with its
//! hints, `UnboundLocalError`), matching `except` clauses, unwinding frames to the nearest
//! `try` block while recording the traceback, and rendering tracebacks as CPython does.

use crate::py::runtime::host::Host;
use crate::py::runtime::object::exception::BuiltinExc;
use crate::py::runtime::object::value::{PyException, TraceEntry, Value};
use crate::py::runtime::ops::type_error;
use crate::py::runtime::vm::frame::Block;
use crate::py::runtime::vm::hints::{edit_distance, STDLIB_HINTS};
use crate::py::runtime::vm::machine::Vm;
use crate::py::runtime::{builtins, format};

impl Vm {
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

    pub(super) fn current_handled(&self) -> Option<PyException> {
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
    pub(super) fn unwind(&mut self, exc: PyException) -> Result<(), PyException> {
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

    pub(super) fn name_error(&self, host: &mut dyn Host, name: &str) -> PyException {
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

    pub(super) fn unbound_local(name: &str) -> PyException {
        PyException::builtin(
            BuiltinExc::UnboundLocalError,
            format!(
                "cannot access local variable '{name}' where it is not associated with a value"
            ),
        )
    }

    pub(super) fn pop_handler_block(&mut self) {
        let f = self.frame();
        if let Some(i) = f
            .blocks
            .iter()
            .rposition(|b| matches!(b, Block::Handler { .. }))
        {
            f.blocks.remove(i);
        }
    }

    pub(super) fn exc_matches(
        e: &PyException,
        cls: &Value,
        depth: usize,
    ) -> Result<bool, PyException> {
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

    pub(super) fn make_raisable(v: Value) -> Result<PyException, PyException> {
        match v {
            Value::Exception(e) => Ok(e),
            Value::ExcClass(c) => Ok(PyException::with_args(c, Vec::new())),
            _ => Err(type_error("exceptions must derive from BaseException")),
        }
    }
}
