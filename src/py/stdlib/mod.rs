//! Standard-library modules the interpreter itself provides to any host (CPython's behaviour and
//! messages): `json`.

pub mod json;
