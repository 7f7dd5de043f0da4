//! A small, deterministic, resumable interpreter for the Python subset that pika client
//! snippets use.
//!
//! Pipeline: [`lexer`] → [`parser`] (→ [`ast`]) → [`scope`] + [`compile`] (→ [`bytecode`]) →
//! [`vm`]. Everything the script touches outside itself goes through the [`host::Host`]
//! trait; [`reference`] is a small host used by the tests (and as an example for the
//! simulator binding).
//!
//! Driving a script:
//!
//! ```
//! use mirrorscope::py::{Vm, RunOutcome, reference::ReferenceHost};
//! let mut vm = Vm::new("import time\nprint('a')\ntime.sleep(5)\nprint('b')\n").unwrap();
//! let mut host = ReferenceHost::new();
//! let token = match vm.run(&mut host, 10_000) {
//!     RunOutcome::Suspended(t) => t,
//!     other => panic!("{other:?}"),
//! };
//! assert_eq!(host.sleeps(), &[(token, 5.0)]);
//! vm.resume(mirrorscope::py::Reply::Return(mirrorscope::py::Value::None)).unwrap();
//! assert!(matches!(vm.run(&mut host, 10_000), RunOutcome::Finished));
//! assert_eq!(host.output(), "a\nb\n");
//! ```

pub mod ast;
pub mod builtins;
pub mod bytecode;
pub mod compile;
pub mod error;
pub mod exceptions;
pub mod format;
pub mod host;
pub mod lexer;
pub mod ops;
pub mod parser;
pub mod reference;
pub mod scope;
pub mod value;
pub mod vm;

#[cfg(test)]
mod tests;

pub use compile::compile;
pub use error::{ParseError, ParseErrorKind, Uncaught, VmError};
pub use exceptions::{BuiltinExc, ExcClass, PyException};
pub use host::{Host, HostResult, NoHost, Reply, SuspendToken};
pub use value::{HostRef, Module, Value};
pub use vm::{RunOutcome, Vm};
