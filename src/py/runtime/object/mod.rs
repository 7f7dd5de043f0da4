//! The object model: the types every runtime layer shares. Values and exception instances are
//! one recursive type family (an exception carries values, a value can be an exception), so
//! they live together in [`value`]; exception classes and built-in function identities carry
//! no values and sit below; [`deep_copy`] copies a script's objects keeping their sharing.

pub mod builtin_fn;
pub(crate) mod charge;
pub mod deep_copy;
pub mod exception;
pub mod value;
