//! The embed mode: the same build opened as `index.html?embed…#<scenario>` shows only the stage,
//! the time controls, the captions and a link to the full playground, for documentation pages
//! (docs/embedding.md). [`params`] reads the query string, [`text`] holds the embed's own words,
//! [`view`] is the component the app starts instead of the playground.

pub mod params;
pub mod text;
pub mod view;
