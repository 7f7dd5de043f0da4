//! The compatibility libraries: what RabbitMQ 3.10.8 inherits from Erlang/OTP and its
//! dependencies, reproduced so that its answers come out byte for byte — jsx's JSON reading and
//! writing with `~p` term printing ([`json`]), and the PCRE 8.44 regular expressions of `re`
//! ([`re`]). Nothing here knows about queues or policies.

pub mod json;
pub mod re;
