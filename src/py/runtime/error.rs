//! What running a script can end with besides a result: the report of an uncaught exception,
//! and misuse of the VM by its driver.

use std::fmt;

use crate::py::runtime::object::value::PyException;

/// An exception nobody caught, with its report already rendered (the host is consulted for
/// `repr` of host objects while rendering, so the driver needs nothing else to show it).
#[derive(Debug, Clone)]
pub struct Uncaught {
    /// The exception object (can be passed on, e.g. re-raised into a suspended call).
    pub exception: PyException,
    /// `Traceback (most recent call last): ...` as CPython prints it.
    pub report: String,
}

/// Misuse of the VM by the driver (not a Python error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VmError {
    /// `resume` was called but the VM is not waiting for a host call.
    NotSuspended,
    /// `call_callback` needs a VM that is suspended in a host call or finished.
    NotIdle,
    /// The script already ended with an uncaught exception.
    Failed,
}

impl fmt::Display for VmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            VmError::NotSuspended => "the VM is not suspended in a host call",
            VmError::NotIdle => "callbacks can only be started while suspended or finished",
            VmError::Failed => "the script has already failed",
        })
    }
}

impl std::error::Error for VmError {}
