//! The browser front end: Yew components drawing what [`crate::sim`] holds. Nothing here decides
//! how the cluster behaves; components only read the core's state and send it the reader's input.

pub mod anomalies;
pub mod app;
pub mod clients_panel;
pub mod cluster_view;
pub mod console;
pub mod editor;
pub mod event_log;
pub mod i18n;
pub mod i18n_editor;
pub mod i18n_panels;
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
pub mod policies_view;
pub mod queues_view;
pub mod share;
pub mod shortcuts;
pub mod spacetime;
pub mod stage;
pub mod store;
pub mod timeline;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod ssr;
