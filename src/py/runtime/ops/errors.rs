//! The exceptions operations raise most (with CPython's wording) and the size cap on what one
//! operation may build.

use crate::py::runtime::object::exception::BuiltinExc;

use crate::py::runtime::object::value::PyException;

/// Largest collection or string a single operation may build: beyond it `MemoryError`, so a
/// typo like `[0] * 10**12` cannot take the browser tab down.
pub const MAX_LEN: usize = 10_000_000;

pub(crate) fn type_error(msg: impl AsRef<str>) -> PyException {
    PyException::builtin(BuiltinExc::TypeError, msg)
}

pub(crate) fn value_error(msg: impl AsRef<str>) -> PyException {
    PyException::builtin(BuiltinExc::ValueError, msg)
}

pub(crate) fn overflow() -> PyException {
    PyException::builtin(
        BuiltinExc::OverflowError,
        "integer result does not fit in 64 bits (mirrorscope ints are 64-bit)",
    )
}

pub(crate) fn memory_error() -> PyException {
    PyException::bare(BuiltinExc::MemoryError)
}

pub(super) fn zero_div(msg: &str) -> PyException {
    PyException::builtin(BuiltinExc::ZeroDivisionError, msg)
}
