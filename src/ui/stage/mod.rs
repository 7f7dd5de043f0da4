//! The stage: the cluster as the core holds it at the cursor ([`cluster`], placed by [`layout`],
//! explained by [`legend`]), messages in flight ([`motion`]), and what is read off the run beside
//! it: the event log, the space-time diagram, the inspector and the anomalies.

pub mod anomalies;
pub mod cluster;
pub mod event_log;
pub mod exchanges;
pub mod inspector;
pub mod kinds;
pub mod layout;
pub mod legend;
pub mod motion;
pub mod node_menu;
pub mod paint;
pub mod settings;
pub mod spacetime;
