//! The data plane (spec §4): clients and channels, the publish path to every replica, the GM
//! ring carrying the master's effects, mirrors merging the two copies, publisher confirms,
//! consumers, deliveries and acks.

mod channel;
mod confirm;
mod consume;
mod dead_letter;
pub(crate) mod gm;
mod mirror;
mod net;
mod overflow;
pub mod publish;
mod purge;
pub mod ttl;

pub use publish::{Publish, PublishResult};
