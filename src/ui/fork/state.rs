//! What fork is open, shared by the Fork button (which opens one), the link loader and the
//! split view (which shows it and closes it).

use std::rc::Rc;

use yew::prelude::*;

use crate::sim::fork::spec::ForkSpec;
use crate::sim::time::Micros;

/// An open fork: its text, and the instant to show once both sides are loaded (the fork
/// instant when `None`).
#[derive(Debug, Clone, PartialEq)]
pub struct ForkOpen {
    pub spec: ForkSpec,
    pub at: Option<Micros>,
}

/// The page's open fork, if any.
pub type ForkHandle = UseStateHandle<Option<Rc<ForkOpen>>>;
