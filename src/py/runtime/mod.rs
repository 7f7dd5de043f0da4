//! The runtime: values and exceptions ([`object`]), the [`host`] interface, rendering
//! ([`format`]), operators ([`ops`]), the built-ins ([`builtins`]) and the virtual machine
//! ([`vm`]) that runs what [`crate::py::front`] compiled. Each layer only uses the ones listed
//! before it; the built-ins reach back into the VM only through [`interp::Interp`].

pub mod builtins;
pub mod error;
pub mod format;
pub mod host;
pub mod interp;
pub mod memory;
pub mod object;
pub mod ops;
pub mod vm;
