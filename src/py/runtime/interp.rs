//! What the built-ins need from the interpreter that runs them: calling a Python callable
//! (`sorted(key=...)`, `min(key=...)`) and reading attributes (`getattr`, `hasattr`,
//! `str.format`'s `{0.attr}`). The VM implements it; the built-ins sit below the VM and only see
//! this trait, so the two do not import each other.

use crate::py::runtime::host::Host;
use crate::py::runtime::object::value::{PyException, Value};

/// The interpreter services available to a built-in while it runs.
pub trait Interp {
    /// Calls `f(*args)` to completion (a nested run of the VM for script functions).
    fn call_sync(
        &mut self,
        host: &mut dyn Host,
        f: &Value,
        args: Vec<Value>,
    ) -> Result<Value, PyException>;

    /// Reads `obj.name` as the script would.
    fn getattr(
        &mut self,
        host: &mut dyn Host,
        obj: &Value,
        name: &str,
    ) -> Result<Value, PyException>;
}
