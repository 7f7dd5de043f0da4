//! Recursive-descent parser for the subset. Recursion is capped (`MAX_NESTING`) and every
//! expression tree's height is capped (`MAX_EXPR_DEPTH`), so no input can overflow the stack
//! here, in the compiler, or when the tree is dropped.

mod cursor;
mod expr;
mod stmt;
mod strings;

pub use cursor::{MAX_EXPR_DEPTH, MAX_NESTING};
pub use stmt::parse_program;
