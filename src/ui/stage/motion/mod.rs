//! Messages in motion: every `Send` of the trace is drawn travelling along its link from its
//! send time to its arrival time, and every `Lost` one vanishes where it died. Positions are
//! recomputed on each display frame from the cursor, so scrubbing, stepping and playing all
//! show the same picture for the same instant: [`flights`] says which messages fly, [`route`]
//! where their paths run, [`dots`] where each is drawn, and [`canvas`] paints them.

pub mod canvas;
pub mod dots;
pub mod flights;
pub mod route;

pub use canvas::MotionLayer;
pub use flights::max_flight;
pub use route::path_d;

/// Whether the reader asked the system for reduced motion.
pub fn prefers_reduced_motion() -> bool {
    crate::ui::context::browser()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}
