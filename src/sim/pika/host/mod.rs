//! The [`Host`](crate::py::Host) a script's interpreter talks to: the `pika`, `time`, `sys`,
//! `json` and `socket` modules over the simulator. Blocking pika calls suspend the interpreter
//! with a [`Wait`](crate::sim::pika::state::Wait); [`Ctx::poll`] decides, as simulated time
//! passes, when and how each one returns.
//!
//! Requests the simulator does not put on its wire (queue.declare, channel.open, confirm.select,
//! basic.qos, basic.cancel, tx.*, connection.close) are drawn as
//! [`MsgKind::Request`](crate::sim::trace::MsgKind::Request) frames between the client and its
//! node, and take effect when they arrive, one client latency later.

mod args;
mod channel;
mod connection;
mod consume;
mod copy;
mod ctx;
mod dead_letters;
mod dispatch;
mod drained;
mod effects;
mod exchange;
mod modules;
mod obj;
mod objects;
mod params;
mod poll;
mod publish;
mod return_queue;
mod returns;
mod sent_ids;
mod sync;
mod vhost;
mod wire;

pub use copy::rebound;
pub use ctx::{link_range, Ctx, HostState, Shared, OPS_PER_INSTANT};
pub use modules::PIKA_VERSION;
pub use poll::Poll;
pub use sent_ids::{SentIds, ID_SEQUENCE_BITS};
pub use wire::WIRE_ID_BASE;
