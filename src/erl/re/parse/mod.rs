//! The compiler: PCRE 8.44's `pcre_compile.c` checks, in PCRE's order, over one left-to-right
//! reading of the pattern that also builds the tree matching needs. One `Compiler` type, its
//! reading split by construct.

mod branch;
mod class;
pub(in crate::erl::re) mod compiler;
mod escape;
mod group;
