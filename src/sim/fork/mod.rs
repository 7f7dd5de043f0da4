//! The A/B fork: one run split at an instant into two that differ only by the lines each side
//! applies there, played in lock-step on the same seed, with the difference in outcome
//! (messages lost, duplicates, downtime) read from the trace and the checker. `spec` is the
//! text form (`fork a: LINE`), `presets` the ready variations as data, `outcome` the summary of
//! one side and the difference, `pair` the two players under one clock. See docs/fork.md.

pub mod outcome;
pub mod pair;
pub mod presets;
pub mod spec;
