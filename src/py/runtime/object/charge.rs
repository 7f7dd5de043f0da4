//! The meter new objects charge their size to, read by the VM's memory bound
//! (`runtime::memory`). A thread-local because values are built in many places that do not know
//! their VM; one VM runs at a time, and it takes the charges after each instruction.

use std::cell::Cell;

thread_local! {
    /// Bytes charged since the running VM last took them.
    static CHARGED: Cell<u64> = const { Cell::new(0) };
}

/// Records that about `bytes` bytes of new objects were built.
pub(crate) fn charge(bytes: usize) {
    CHARGED.with(|c| c.set(c.get().saturating_add(bytes as u64)));
}

/// The charges since the last call, cleared.
pub(crate) fn take_charged() -> u64 {
    CHARGED.with(|c| c.replace(0))
}
