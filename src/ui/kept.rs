//! Markup a memo made, kept by pointer. A component that shows the clock re-renders on every
//! frame of playback; the large parts of it that change far less often (the space-time arrows,
//! the log's rows, the timeline's marks) come from memos, but a memo's result placed inline is
//! still compared with the page, node by node and string by string, on every one of those
//! frames. Placed in a [`Kept`] instead, it is compared by pointer: Yew skips the component
//! until the memo makes new markup.

use std::rc::Rc;

use yew::prelude::*;

/// The markup, compared by pointer.
#[derive(Properties)]
pub struct KeptProps {
    pub html: Rc<Html>,
}

impl PartialEq for KeptProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.html, &other.html)
    }
}

/// Renders what its memo made; skipped while the memo keeps it.
#[function_component]
pub fn Kept(props: &KeptProps) -> Html {
    (*props.html).clone()
}

/// A memo's result as a dependency of an effect or another memo: changed when the memo made it
/// anew (comparing its content would cost what [`Kept`] saves).
pub struct ByPtr<T>(pub Rc<T>);

impl<T> PartialEq for ByPtr<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
