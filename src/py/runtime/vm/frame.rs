//! The execution state the VM keeps explicitly instead of on the Rust stack: frames, their
//! exception blocks, activations (the main script, callbacks, nested calls from built-ins) and
//! what a suspended host call is waiting to do with its answer.

use std::rc::Rc;

use crate::py::front::bytecode::Code;
use crate::py::runtime::host::SuspendToken;
use crate::py::runtime::object::value::{Cell, PyException, Value};

#[derive(Debug)]
pub(super) enum Block {
    /// `try`/`with`: on an exception, truncate the stack to `depth` and jump to `handler`.
    Try { handler: usize, depth: usize },
    /// Inside an `except`/`finally` handler for `exc` (the exception `raise` re-raises).
    Handler { exc: PyException },
}

#[derive(Debug)]
pub(super) struct Frame {
    pub(super) code: Rc<Code>,
    pub(super) pc: usize,
    pub(super) stack: Vec<Value>,
    pub(super) locals: Vec<Option<Value>>,
    pub(super) cells: Vec<Cell>,
    pub(super) blocks: Vec<Block>,
    pub(super) id: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ActKind {
    Main,
    Callback,
    Nested,
}

#[derive(Debug)]
pub(super) struct Pending {
    pub(super) token: SuspendToken,
    /// Set when the suspended call is a `for` loop's `__next__`: `StopIteration` ends the loop.
    pub(super) for_exit: Option<usize>,
    /// Set when the value must be wrapped as `enumerate` does.
    pub(super) enumerate: Option<i64>,
}

#[derive(Debug)]
pub(super) struct Activation {
    pub(super) kind: ActKind,
    pub(super) frames: Vec<Frame>,
    pub(super) pending: Option<Pending>,
    /// An exception delivered by `resume(Reply::Raise)`, raised when execution continues.
    pub(super) injected: Option<PyException>,
}

pub(super) enum Flow {
    Next,
    Suspend(SuspendToken),
    Return(Value),
}

pub(super) enum Exit {
    Suspend(SuspendToken),
    Budget,
    Step(u32),
    Done(Value),
    Failed(PyException),
}
