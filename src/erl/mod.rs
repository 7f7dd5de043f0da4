//! The compatibility libraries: what RabbitMQ 3.10.8 inherits from Erlang/OTP and its
//! dependencies, reproduced so that its answers come out byte for byte — jsx's JSON reading and
//! writing ([`json`]), Erlang terms ([`term`]) printed with `~p` ([`pretty`]) and floats as
//! Erlang writes them ([`float`]), and the PCRE 8.44 regular expressions of `re` ([`re`]).
//! Nothing here knows about queues or policies.

pub mod float;
pub mod json;
pub mod pretty;
pub mod re;
pub mod term;
