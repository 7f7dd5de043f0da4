//! The page's two languages: [`lang`] says which one is shown, [`stage`], [`panels`] and
//! [`editor`] hold each region's strings in both, one table per language.

pub mod changes;
pub mod editor;
pub mod exchanges;
pub mod fork;
pub mod guide;
pub mod lab;
pub mod lang;
pub mod link;
pub mod panels;
pub mod settings;
pub mod share;
pub mod speed;
pub mod stage;
pub mod thinned;
pub mod work;

pub use lang::{fill, Lang, STORAGE_KEY};
pub use stage::{Note, Text};
