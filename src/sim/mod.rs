//! The simulation core: a deterministic discrete-event model of a RabbitMQ 3.10 cluster running
//! classic mirrored queues. Nothing here touches a clock, the DOM or OS randomness: time is
//! passed in as [`time::Micros`] and randomness comes from a seeded [`rng::Rng`].

pub mod cluster;
pub mod json;
pub mod pcre;
pub mod policy_def;
pub mod rng;
pub mod time;

pub use cluster::{Cluster, Node, NodeState};
