//! The `basic.return`s on their way to a script and its channels' return callbacks (the
//! records; `returns` registers and dispatches them).

use crate::py::Value;
use crate::sim::time::Micros;

/// A `basic.return` on its way to the script.
#[derive(Debug, Clone)]
pub(super) struct InFlight {
    pub(super) chan: usize,
    /// When the frame reaches the client.
    pub(super) at: Micros,
    pub(super) exchange: String,
    pub(super) routing_key: String,
    /// The simulator's message id (for the properties and body).
    pub(super) msg: Option<u64>,
}

/// The return callbacks of a script's channels and the returns not yet dispatched.
#[derive(Debug, Default)]
pub struct Returns {
    /// (channel, callback), in the order they were added.
    pub(super) callbacks: Vec<(usize, Value)>,
    pub(super) in_flight: Vec<InFlight>,
}

impl Returns {
    /// When the next return to be dispatched reaches its client.
    pub fn next_at(&self) -> Option<Micros> {
        self.in_flight.iter().map(|r| r.at).min()
    }
}
