//! The cost-of-mirroring lab (issue 11 item 3): one workload run on the simulator against
//! several mirror counts, sync batch sizes and `net_ticktime` values, each experiment a
//! generated scenario; the figures (latency, throughput, bytes, memory, sync and detection
//! times) are read from the traces, and set beside seed 004 §6's table. Pure: no clock, no
//! DOM; `docs/lab.md` states the cost model and each figure's definition.

pub mod measure;
pub mod params;
pub mod refusal;
pub mod report;
pub mod runner;
pub mod scenario;
pub mod seed;

pub use params::{CostModel, LabParams, Mirrors};
pub use refusal::Refusal;
pub use runner::{Lab, LabResults};
