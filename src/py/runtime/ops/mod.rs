//! Operators, indexing and iteration on built-in values, with CPython's error messages.

pub mod arith;
pub mod errors;
pub mod index;
pub mod iter;

pub use arith::{binary, compare, contains, inplace, int_divmod, unary};
pub(crate) use errors::{list_too_long, memory_error, overflow, type_error, value_error};
pub use errors::{MAX_ITEMS, MAX_LEN};
pub use index::{delitem, getitem, setitem, slice_indices};
pub use iter::{collect, collect_simple, dict_from, host_call_sync, make_iter, next_item, Next};
