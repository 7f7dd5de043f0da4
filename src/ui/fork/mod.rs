//! The A/B fork in the page: `launcher` (the Fork button and its dialog: a preset or two
//! custom sets of lines), `view` (the two stages side by side under one clock, with the line
//! for both and the way back), `summary` (the outcome table and the difference in words),
//! `route` (a fork in a link), `state` (what is open). The core decides: `sim::fork`.

pub mod launcher;
pub mod route;
pub mod state;
pub mod summary;
pub mod view;
