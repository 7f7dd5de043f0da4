//! A small, deterministic, resumable interpreter for the Python subset that pika client
//! snippets use.
//!
//! Pipeline: [`front::lexer`] → [`front::parser`] (→ [`front::ast`]) → [`front::scope`] +
//! [`front::compile`] (→ [`front::bytecode`]) →
//! [`runtime::vm`], which needs nothing of the front end but the compiled program. Everything the script touches outside itself goes through the [`host::Host`]
//! trait; [`reference`] is a small host used by the tests (and as an example for the
//! simulator binding).
//!
//! # The subset
//!
//! Supported: `import` / `from … import` (modules come from the host), assignment (tuple
//! unpacking, augmented, chained), `def` with defaults / keyword-only / `*args` / `**kwargs`,
//! `lambda`, closures with `global` / `nonlocal`, `if/elif/else`, `for`/`while` with
//! `else`, `break`, `continue`, `pass`, `try/except/else/finally`, `raise` (bare, `from`),
//! `with` (host context managers), `assert`, `del`, list/dict comprehensions, f-strings
//! (conversions, nested specs, `=`; nested quotes as in Python 3.12), `%` and `str.format`,
//! the usual built-ins and methods of `str`, `bytes`, `list`, `dict`, `tuple`.
//!
//! Refused at parse time, with line and column ("… not supported by the mirrorscope Python
//! subset"): classes, generators, async, decorators, sets, walrus, starred targets, `import *`,
//! complex numbers, integer literals beyond 64 bits, code nested deeper than the limits in
//! [`front::parser`].
//!
//! Deliberate deviations: integers are 64-bit (overflow raises `OverflowError` instead of
//! growing); generator expressions are evaluated eagerly (as list comprehensions); reprs of
//! functions carry no address; reference cycles are not collected; one operation builds at
//! most a million items or 8 MB of text and a list holds at most 10 million (`MemoryError`,
//! `docs/limits.md`); `set`, `map`, `filter`, `open`, `input`… are absent and a
//! `NameError` for them says so.
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

pub mod front;
pub mod reference;
pub mod runtime;
pub mod stdlib;

#[cfg(test)]
mod tests;

pub use front::compile::compile;
pub use front::error::{ParseError, ParseErrorKind};
pub use runtime::error::{Uncaught, VmError};
pub use runtime::format;
pub use runtime::host::{Host, HostResult, NoHost, Reply, SuspendToken};
pub use runtime::memory::MEMORY_LIMIT;
pub use runtime::object::deep_copy::Copier;
pub use runtime::object::exception::{BuiltinExc, ExcClass};
pub use runtime::object::value::{HostRef, Module, PyException, Value};
pub use runtime::vm::{RunOutcome, Vm};
