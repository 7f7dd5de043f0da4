//! The virtual machine: runs a compiled [`crate::py::front::bytecode::Program`] against a host.

mod args;
mod calls;
mod copy;
mod exec;
mod frame;
mod hints;
pub mod machine;
mod unwind;

pub use machine::{RunOutcome, Vm, MAX_FRAMES, MAX_NESTED, NESTED_BUDGET, STEP_BUDGET};
