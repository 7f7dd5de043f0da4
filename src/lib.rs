//! mirrorscope: a deterministic simulator of RabbitMQ 3.10 classic mirrored queues, and the
//! browser playground built on it.
//!
//! [`erl`] holds the Erlang-compatible text libraries RabbitMQ's answers depend on (jsx JSON,
//! `~p` terms, `re`); [`py`] is the Python interpreter pika scripts run in; [`sim`] is the pure core (no DOM, no clock, no OS randomness); the `ui` module (feature `web`)
//! is a thin Yew view over it.

pub mod course;
pub mod erl;
pub mod lab;
pub mod percent;
pub mod py;
pub mod rng;
pub mod sim;
pub mod sort;
#[cfg(feature = "web")]
pub mod ui;
