//! The exceptions operations raise most (with CPython's wording) and the size cap on what one
//! operation may build.

use crate::py::runtime::object::exception::BuiltinExc;

use crate::py::runtime::object::value::PyException;

/// Largest collection a single operation may build (strings and bytes: eight times as many
/// bytes): beyond it `MemoryError` before the operation runs, so that no one operation (a
/// repeat, `*args`, a range made a list) takes more than a few tens of milliseconds, and a typo
/// like `[0] * 10**12` cannot take the browser tab down. A million items is 10 ms natively;
/// ten million took seconds (`f(*big, *big, *big)`), a frozen page.
pub const MAX_LEN: usize = 1_000_000;

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

/// Most items a list may grow to by appends and extends (each of which is one cheap
/// operation); what it holds in total is bounded by the memory limit long before.
pub const MAX_ITEMS: usize = 10_000_000;

/// What a list growing past [`MAX_ITEMS`] raises.
pub(crate) fn list_too_long() -> PyException {
    PyException::builtin(
        BuiltinExc::MemoryError,
        "a list may hold at most 10,000,000 items (a playground limit, docs/limits.md)",
    )
}

/// What an operation past [`MAX_LEN`] raises, worded as the playground's other limits.
pub(crate) fn memory_error() -> PyException {
    PyException::builtin(
        BuiltinExc::MemoryError,
        "one operation may build at most 1,000,000 items or 8,000,000 characters (a playground limit, docs/limits.md); build it in smaller pieces",
    )
}

pub(super) fn zero_div(msg: &str) -> PyException {
    PyException::builtin(BuiltinExc::ZeroDivisionError, msg)
}
