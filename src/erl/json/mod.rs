//! JSON as RabbitMQ 3.10 reads and writes it (jsx 3.1): [`decode`] accepts exactly what
//! `rabbit_json:try_decode/1` accepts, [`encode`] writes what `rabbit_json:encode/1` writes, and
//! [`value`] is the decoded value between them. The Erlang terms jsx makes of a value are in
//! [`crate::erl::term`].

pub mod decode;
pub mod encode;
pub mod value;

pub use decode::{parse, JsonError, JsonErrorKind, MAX_DEPTH};
pub use value::Json;
