//! The browser front end: Yew components drawing what [`crate::sim`] holds. Nothing here decides
//! how the cluster behaves; components only read the core's state and send it the reader's input.

pub mod app;
pub mod clients_panel;
pub mod cluster_view;
pub mod console;
pub mod editor;
pub mod i18n;
pub mod i18n_editor;
pub mod i18n_panels;
pub mod layout;
pub mod legend;
pub mod panic_panel;
pub mod player;
pub mod policies_view;
pub mod queues_view;
pub mod store;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod ssr;
