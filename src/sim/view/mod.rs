//! Read-only views of the simulation for the UI and the runner: the RabbitMQ rules a page needs
//! answered (what a queue row shows, which faults a node allows, how a node leaves the cluster,
//! what a replica is, which anomalies concern a client). The UI renders these answers; it never
//! re-derives a rule itself. Nothing here changes the run, and nothing here knows the web.

pub mod anomaly;
pub mod node;
pub mod partition;
pub mod queue;
pub mod replica;
