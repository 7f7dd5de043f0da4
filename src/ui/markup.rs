//! Markup written as text for the parts of the page that mostly display things (the diagram's
//! cards, the log's rows, the inspector's facts, the legend…), and one delegated handler per
//! region for what they let the reader do.
//!
//! Why: every element built through `html!` costs a few hundred bytes of wasm, and the page
//! has to fit a download budget; text built with `write!` costs a fraction of that, and the
//! browser parses it natively. Interactive controls (buttons that change local state, sliders,
//! selects) stay Yew elements. Everything dynamic put into text goes through [`esc`].
//!
//! Actions are data attributes on the element the reader clicks (or presses Enter/Space on):
//! `data-sel` selects something for the inspector (`n2` node, `r5` replica, `c0` client, `e17`
//! trace entry), `data-seek` moves the clock (µs), `data-act` runs a scenario line, `data-menu`
//! opens a node's menu.

use std::fmt::Write;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::sim::model::{ClientId, ProcId};
use crate::sim::scenario::player::Action;
use crate::sim::time::Micros;
use crate::ui::context::StoreHandle;
use crate::ui::context::{Selection, SelectionHandle};

/// Escapes text for an element's content or a quoted attribute.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Text markup as a node of the page (inside an `<svg>` it is parsed as SVG).
pub fn raw(markup: String) -> Html {
    Html::from_html_unchecked(AttrValue::from(markup))
}

/// Appends formatted text (markup builders write into a `String`; writing to one cannot fail).
#[macro_export]
macro_rules! put {
    ($out:expr, $($arg:tt)*) => {
        {
            use ::std::fmt::Write as _;
            let _ = $out.write_fmt(::std::format_args!($($arg)*));
        }
    };
}

/// A definition-list row of facts (label and value are escaped).
pub fn fact(out: &mut String, label: &str, value: &str) {
    let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", esc(label), esc(value));
}

/// The `data-sel` text of a selection.
pub fn sel_code(s: Selection) -> String {
    match s {
        Selection::Node(n) => format!("n{n}"),
        Selection::Replica(p) => format!("r{}", p.0),
        Selection::Client(c) => format!("c{}", c.0),
        Selection::Event(i) => format!("e{i}"),
    }
}

/// Reads a `data-sel` code back.
pub fn parse_sel(code: &str) -> Option<Selection> {
    let (kind, n) = code.split_at(code.char_indices().nth(1).map_or(code.len(), |(i, _)| i));
    let n: usize = n.parse().ok()?;
    Some(match kind {
        "n" => Selection::Node(n),
        "r" => Selection::Replica(ProcId(n)),
        "c" => Selection::Client(ClientId(n)),
        "e" => Selection::Event(n),
        _ => return None,
    })
}

/// The element carrying an action around an event's target, if any.
fn action_element(e: &Event) -> Option<web_sys::Element> {
    let el: web_sys::Element = e.target()?.dyn_into().ok()?;
    el.closest("[data-sel],[data-seek],[data-act],[data-menu]")
        .ok()?
}

/// What a delegated handler does with a node's menu request: the node and where to open it.
pub type MenuCallback = Callback<(usize, f64, f64)>;

/// Carries out the action of the element under `e`. Returns whether there was one.
fn perform(
    e: &Event,
    store: &StoreHandle,
    selection: &SelectionHandle,
    menu: Option<&MenuCallback>,
    at: Option<(f64, f64)>,
) -> bool {
    let Some(el) = action_element(e) else {
        return false;
    };
    if let (Some(n), Some(menu)) = (el.get_attribute("data-menu"), menu) {
        if let Ok(n) = n.parse() {
            let (x, y) = at.unwrap_or_else(|| {
                let r = el.get_bounding_client_rect();
                (r.left(), r.bottom())
            });
            menu.emit((n, x, y));
            return true;
        }
    }
    if let Some(line) = el.get_attribute("data-act") {
        store.dispatch(Action::Input(line));
    }
    if let Some(t) = el.get_attribute("data-seek").and_then(|t| t.parse().ok()) {
        store.dispatch(Action::Seek(Micros(t)));
    }
    if let Some(s) = el.get_attribute("data-sel").and_then(|s| parse_sel(&s)) {
        selection.set(Some(s));
    }
    true
}

/// A click handler for a region of text markup.
pub fn on_click(
    store: &StoreHandle,
    selection: &SelectionHandle,
    menu: Option<MenuCallback>,
) -> Callback<MouseEvent> {
    let (store, selection) = (store.clone(), selection.clone());
    Callback::from(move |e: MouseEvent| {
        let at = Some((e.client_x() as f64, e.client_y() as f64));
        if perform(&e, &store, &selection, menu.as_ref(), at) {
            e.stop_propagation();
        }
    })
}

/// The keyboard twin of [`on_click`]: Enter or Space on a focused element with an action.
pub fn on_key(
    store: &StoreHandle,
    selection: &SelectionHandle,
    menu: Option<MenuCallback>,
) -> Callback<KeyboardEvent> {
    let (store, selection) = (store.clone(), selection.clone());
    Callback::from(move |e: KeyboardEvent| {
        if (e.key() == "Enter" || e.key() == " ")
            && perform(&e, &store, &selection, menu.as_ref(), None)
        {
            e.prevent_default();
            e.stop_propagation();
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            esc("<q a=\"1\" b='2'>&</q>"),
            "&lt;q a=&quot;1&quot; b=&#39;2&#39;&gt;&amp;&lt;/q&gt;"
        );
        assert_eq!(esc("队列 q1"), "队列 q1");
    }

    #[test]
    fn selections_round_trip_through_their_codes() {
        for s in [
            Selection::Node(3),
            Selection::Replica(ProcId(12)),
            Selection::Client(ClientId(0)),
            Selection::Event(98765),
        ] {
            assert_eq!(parse_sel(&sel_code(s)), Some(s));
        }
        assert_eq!(parse_sel("x1"), None);
        assert_eq!(parse_sel("n"), None);
        assert_eq!(parse_sel(""), None);
    }
}
