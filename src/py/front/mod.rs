//! The front end: source text to a compiled program, before anything runs. Tokens ([`lexer`]),
//! the syntax tree ([`parser`], [`ast`]), name resolution ([`scope`]) and bytecode
//! ([`compile`], [`bytecode`]). Every error here is a [`crate::py::front::error::ParseError`] with a
//! line and column.

pub mod ast;
pub mod bytecode;
pub mod compile;
pub mod error;
pub mod lexer;
pub mod parser;
pub mod scope;
