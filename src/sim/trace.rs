//! The append-only event trace: every message between processes (with its send and arrival
//! time, so the UI can animate it) and every state change. Same seed and inputs ⇒ same trace.
//! `entry` is what one entry holds, `label` a send's text stored compactly, `store` the
//! entries by stable address, thinned or not.

mod entry;
mod label;
mod store;
pub use crate::sim::state_change::Importance;
pub use entry::{Endpoint, MsgIds, MsgKind, TraceEvent, TraceKind};
pub use label::Label;
pub use store::{Thinning, Trace, TraceMark};
