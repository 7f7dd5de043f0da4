//! The interface between the interpreter and whatever embeds it (the simulator).
//!
//! Everything the outside world does — modules like `pika`, `time` and `sys`, printing,
//! the behaviour of host objects — goes through [`Host`]. Host objects are opaque
//! [`HostRef`] handles; the VM only asks the host about them. A host call may answer now
//! ([`HostResult::Return`], [`HostResult::Raise`]) or later ([`HostResult::Suspend`]): the VM
//! then stops, and the driver delivers the answer with [`crate::py::Vm::resume`].
//!
//! Protocol method names the VM uses in [`Host::call`]: `__call__` (calling the object
//! itself), `__enter__` / `__exit__` (`with`), `__iter__` / `__next__` (`for`; raise
//! `StopIteration` to end), `__getitem__` / `__setitem__` (indexing), `__len__` (`len`), and
//! any method name for `obj.method(...)`.

use crate::py::runtime::object::exception::BuiltinExc;

use crate::py::runtime::object::value::{HostRef, PyException, Value};

/// Identifies a suspended host call; chosen by the host, echoed back by the VM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SuspendToken(pub u64);

/// The host's answer to a call.
#[derive(Debug, Clone)]
pub enum HostResult {
    /// The call returned this value.
    Return(Value),
    /// The call raised this exception.
    Raise(PyException),
    /// The call will complete later; the VM stops with [`crate::py::RunOutcome::Suspended`].
    Suspend(SuspendToken),
}

/// How a suspended host call ended, delivered with [`crate::py::Vm::resume`].
#[derive(Debug, Clone)]
pub enum Reply {
    /// It returned this value.
    Return(Value),
    /// It raised this exception.
    Raise(PyException),
}

/// What the interpreter needs from its embedder.
pub trait Host {
    /// `import name` (dotted names are asked for whole, e.g. `pika.exceptions`). Return a
    /// module (a [`Value::Module`] or a [`Value::Host`]); an unknown module should raise
    /// `ModuleNotFoundError: No module named 'x'`.
    fn import(&mut self, module: &str) -> Result<Value, PyException>;

    /// Reads `obj.name`. Methods are usually returned as [`Value::host_method`].
    fn getattr(&mut self, obj: &HostRef, name: &str) -> Result<Value, PyException>;

    /// Sets `obj.name = value`.
    fn setattr(&mut self, obj: &HostRef, name: &str, value: Value) -> Result<(), PyException> {
        let _ = value;
        Err(PyException::builtin(
            BuiltinExc::AttributeError,
            format!(
                "'{}' object attribute '{}' is read-only",
                obj.type_name, name
            ),
        ))
    }

    /// Calls `obj.method(*args, **kwargs)` (`method` is `__call__` for `obj(...)`).
    fn call(
        &mut self,
        obj: &HostRef,
        method: &str,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> HostResult;

    /// Receives text written by `print` (already joined with `sep` and ended with `end`).
    fn print(&mut self, text: &str);

    /// `repr(obj)` and `str(obj)`.
    fn repr(&mut self, obj: &HostRef) -> String {
        format!("<{} object>", obj.type_name)
    }

    /// Called as each statement starts executing (line is 1-based; depth 0 is top level).
    fn on_statement(&mut self, line: u32, depth: usize) {
        let _ = (line, depth);
    }

    /// Whether `name` is a module this host can import: a `NameError` for such a name gets
    /// CPython's hint "Did you forget to import 'name'?".
    fn knows_module(&self, name: &str) -> bool {
        let _ = name;
        false
    }
}

/// A host with no modules and no objects (used to render values without a real host).
pub struct NoHost;

impl Host for NoHost {
    fn import(&mut self, module: &str) -> Result<Value, PyException> {
        Err(PyException::builtin(
            BuiltinExc::ModuleNotFoundError,
            format!("No module named '{module}'"),
        ))
    }

    fn getattr(&mut self, obj: &HostRef, name: &str) -> Result<Value, PyException> {
        Err(PyException::builtin(
            BuiltinExc::AttributeError,
            format!("'{}' object has no attribute '{}'", obj.type_name, name),
        ))
    }

    fn call(
        &mut self,
        obj: &HostRef,
        method: &str,
        _: Vec<Value>,
        _: Vec<(String, Value)>,
    ) -> HostResult {
        HostResult::Raise(PyException::builtin(
            BuiltinExc::AttributeError,
            format!("'{}' object has no attribute '{}'", obj.type_name, method),
        ))
    }

    fn print(&mut self, _text: &str) {}
}
