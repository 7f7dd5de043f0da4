//! The browser front end: Yew components drawing what [`crate::sim`] holds. Nothing here decides
//! how the cluster behaves; components only read the core's state and send it the reader's input.
//!
//! [`app`] is the page. [`context`] is the shared store every component reads; [`fmt`] and
//! [`markup`] are how things are written; [`i18n`] holds both languages' text. The regions of the
//! page each have a folder: [`stage`] (the cluster drawing and what is read off it), [`clock`]
//! (the frame loop and the time controls), [`panels`] (the management-UI views, the console and
//! the Python editor) and [`guide`] (lessons and the notes on the seeds).

pub mod app;
pub mod bench;
pub mod captions;
pub mod clock;
pub mod context;
pub mod deferred;
pub mod embed;
pub mod fmt;
pub mod fork;
pub mod guide;
pub mod i18n;
pub mod kept;
pub mod markup;
pub mod panels;
pub mod panic_panel;
pub mod share;
pub mod slices;
pub mod stage;
pub mod welcome;
pub mod work;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod ssr;
