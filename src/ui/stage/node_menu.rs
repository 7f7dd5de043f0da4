//! The node menu as a keyboard menu (WAI-ARIA's menu pattern): the arrow keys move between its
//! enabled items and wrap, Home and End go to the first and last, Escape or Tab closes it and
//! the focus goes back to the node's button; the menu is kept inside the window, and "Inspect"
//! shows the inspector.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// The items the focus may land on: disabled ones are skipped, as they cannot take it.
const ITEM: &str = "[role=menuitem]:not([disabled])";

/// What a key does in an open menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuKey {
    Next,
    Previous,
    First,
    Last,
    /// Escape, or Tab (the focus leaves the menu, which closes).
    Close,
}

impl MenuKey {
    /// The menu's meaning of a `KeyboardEvent.key`, if it has one.
    pub fn of(key: &str) -> Option<MenuKey> {
        Some(match key {
            "ArrowDown" => MenuKey::Next,
            "ArrowUp" => MenuKey::Previous,
            "Home" | "PageUp" => MenuKey::First,
            "End" | "PageDown" => MenuKey::Last,
            "Escape" | "Tab" => MenuKey::Close,
            _ => return None,
        })
    }
}

/// Focuses an HTML or an SVG element (the node's button is an SVG `<g>`, which web-sys's
/// `HtmlElement::focus` does not take): calls the element's own `focus()`.
fn focus(el: Option<Element>) -> bool {
    let Some(el) = el else { return false };
    if let Some(html) = el.dyn_ref::<HtmlElement>() {
        return html.focus().is_ok();
    }
    js_sys::Reflect::get(&el, &"focus".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .is_some_and(|f| f.call0(&el).is_ok())
}

fn first_item(menu: &Element) -> Option<Element> {
    menu.query_selector(ITEM).ok().flatten()
}

fn last_item(menu: &Element) -> Option<Element> {
    let mut at = menu.last_element_child();
    while let Some(el) = at {
        if el.matches(ITEM).unwrap_or(false) {
            return Some(el);
        }
        at = el.previous_element_sibling();
    }
    None
}

/// The enabled item after (or before) `from` among its siblings, wrapping around the menu.
fn neighbour(menu: &Element, from: Option<Element>, forward: bool) -> Option<Element> {
    let step = |e: &Element| {
        if forward {
            e.next_element_sibling()
        } else {
            e.previous_element_sibling()
        }
    };
    let mut at = from.as_ref().and_then(step);
    while let Some(el) = at {
        if el.matches(ITEM).unwrap_or(false) {
            return Some(el);
        }
        at = step(&el);
    }
    if forward {
        first_item(menu)
    } else {
        last_item(menu)
    }
}

fn document() -> Option<web_sys::Document> {
    crate::ui::context::browser().and_then(|w| w.document())
}

/// The open menu's element.
fn open_menu() -> Option<Element> {
    document()?.query_selector(".node-menu").ok().flatten()
}

/// Moves the focus inside the open menu for `key` (not `Close`, which the caller handles by
/// closing it). Returns whether the key was the menu's.
pub fn move_focus(key: MenuKey) -> bool {
    let Some(menu) = open_menu() else {
        return false;
    };
    let current = document()
        .and_then(|d| d.active_element())
        .filter(|e| menu.contains(Some(e)));
    let to = match key {
        MenuKey::Next => neighbour(&menu, current, true),
        MenuKey::Previous => neighbour(&menu, current, false),
        MenuKey::First => first_item(&menu),
        MenuKey::Last => last_item(&menu),
        MenuKey::Close => return false,
    };
    focus(to)
}

/// On opening: keeps the menu inside the window (a node low on a phone's screen would open it
/// below the fold) and puts the focus on its first item.
pub fn opened() {
    let Some(menu) = open_menu() else { return };
    if let Some(w) = crate::ui::context::browser() {
        let height = w
            .inner_height()
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0);
        let r = menu.get_bounding_client_rect();
        if height > 0.0 && r.bottom() > height - 4.0 {
            let top = (height - r.height() - 4.0).max(4.0);
            let _ = menu.set_attribute(
                "style",
                &format!(
                    "left:{:.0}px;top:{top:.0}px;max-height:{:.0}px",
                    r.left(),
                    height - 8.0
                ),
            );
        }
    }
    focus(first_item(&menu));
}

/// On closing: the focus goes back to the button of the node whose menu it was (if the node is
/// still drawn), so a keyboard user carries on from where the menu was opened.
pub fn closed(node: usize) {
    let button = document().and_then(|d| {
        d.query_selector(&format!(".cluster-view [data-menu=\"{node}\"]"))
            .ok()
            .flatten()
    });
    focus(button);
}

/// After "Inspect": brings the inspector into view when it is off the screen (on a phone it is
/// below the stage), so a tap shows what it asked for.
pub fn reveal_inspector() {
    let Some(w) = crate::ui::context::browser() else {
        return;
    };
    let height = w
        .inner_height()
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0);
    let card = w
        .document()
        .and_then(|d| d.query_selector(".inspector").ok().flatten());
    if let Some(card) = card {
        let r = card.get_bounding_client_rect();
        if r.top() >= height - 40.0 || r.bottom() <= 40.0 {
            card.scroll_into_view();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_the_menu_pattern() {
        assert_eq!(MenuKey::of("ArrowDown"), Some(MenuKey::Next));
        assert_eq!(MenuKey::of("ArrowUp"), Some(MenuKey::Previous));
        assert_eq!(MenuKey::of("Home"), Some(MenuKey::First));
        assert_eq!(MenuKey::of("End"), Some(MenuKey::Last));
        assert_eq!(MenuKey::of("Escape"), Some(MenuKey::Close));
        assert_eq!(MenuKey::of("Tab"), Some(MenuKey::Close));
        assert_eq!(MenuKey::of("a"), None);
        // Without a page there is no menu to move in.
        assert!(!move_focus(MenuKey::Next));
    }
}
