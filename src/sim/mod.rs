//! The simulation core: a deterministic discrete-event model of a RabbitMQ 3.10 cluster running
//! classic mirrored queues. Nothing here touches a clock, the DOM or OS randomness: time is
//! passed in as [`time::Micros`] and randomness comes from a seeded [`crate::rng::Rng`].

mod agenda;
mod autoheal;
pub mod bandwidth;
pub mod bench;
pub mod checker;
pub mod cluster;
pub mod conf_schema;
mod crash;
pub mod ctl;
pub mod dataplane;
pub mod engine;
mod equivalence;
pub mod error;
pub mod exchange_methods;
pub mod exchanges;
mod failover;
pub mod fork;
mod label_text;
pub mod limits;
pub mod lineage;
pub mod maintenance;
pub mod membership;
pub mod model;
pub mod node_conf;
mod node_monitor;
pub mod ops_state;
mod partition;
pub mod pika;
pub mod placement;
pub mod policy;
pub mod queue_args;
pub mod queues;
pub mod rabbitmq_conf;
pub mod rebalance;
mod record_caps;
pub mod scenario;
pub mod shared_vec;
pub mod state_change;
pub mod sync;
pub mod time;
pub mod trace;
mod vhost_methods;
pub mod vhosts;
pub mod view;
pub mod wire;

pub use cluster::{Cluster, Membership, Node, NodeState};
pub use engine::{Config, PartitionHandling, Sim};
pub use model::{ClientId, MsgId, ProcId, QueueId};
