//! The browser front end: Yew components drawing what [`crate::sim`] holds. Nothing here decides
//! how the cluster behaves; components only read the core's state and send it the reader's input.

pub mod app;
pub mod cluster_view;
pub mod editor;
pub mod i18n;
pub mod i18n_editor;
pub mod layout;
pub mod legend;
pub mod panic_panel;
pub mod player;
pub mod store;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod ssr;
