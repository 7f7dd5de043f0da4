//! The browser front end: Yew components drawing what [`crate::sim`] holds. Nothing here decides
//! how the cluster behaves; components only read the core's state and send it the reader's input.

pub mod anomalies;
pub mod app;
pub mod cluster_view;
pub mod event_log;
pub mod i18n;
pub mod inspector;
pub mod layout;
pub mod legend;
pub mod lessons;
pub mod lineage;
pub mod markup;
pub mod motion;
pub mod notes;
pub mod panels;
pub mod panic_panel;
pub mod player;
pub mod share;
pub mod shortcuts;
pub mod spacetime;
pub mod stage;
pub mod store;
pub mod timeline;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod ssr;
