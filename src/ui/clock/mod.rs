//! The page's clock: the frame loop that moves it, the time controls and their keyboard shortcuts.

pub mod frame;
pub mod shortcuts;
pub mod speed;
pub mod thinned;
pub mod timeline;
