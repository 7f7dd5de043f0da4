//! Keyboard shortcuts for the time controls, and the help dialog that lists them.

use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::sim::scenario::player::Action;
use crate::sim::time::Micros;
use crate::ui::clock::timeline::{nudge_speed, previous_event};
use crate::ui::context::StoreHandle;
use crate::ui::i18n::Text;

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    TogglePlay,
    Step,
    StepBack,
    NextInteresting,
    Slower,
    Faster,
    ToStart,
    ToPresent,
    ToggleHelp,
    Escape,
}

/// The command for a `KeyboardEvent.key`, if any.
pub fn command_for(key: &str) -> Option<Command> {
    Some(match key {
        " " | "k" => Command::TogglePlay,
        "ArrowRight" | "." => Command::Step,
        "ArrowLeft" | "," => Command::StepBack,
        "n" | "N" => Command::NextInteresting,
        "[" | "-" => Command::Slower,
        "]" | "+" | "=" => Command::Faster,
        "Home" => Command::ToStart,
        "End" => Command::ToPresent,
        "?" => Command::ToggleHelp,
        "Escape" => Command::Escape,
        _ => return None,
    })
}

/// The keys listed in the help, with what they do.
pub fn shortcut_list(text: &Text) -> Vec<(&'static str, &'static str)> {
    vec![
        ("Space / K", text.sc_play),
        ("→ / .", text.sc_step),
        ("← / ,", text.sc_back),
        ("N", text.sc_next),
        ("[ / −", text.sc_slower),
        ("] / +", text.sc_faster),
        ("Home", text.sc_start),
        ("End", text.sc_end),
        ("?", text.sc_help),
        ("Esc", text.sc_escape),
    ]
}

/// Keys typed into a field, or pressed on a control that uses them itself, are not shortcuts.
fn typing_target(e: &KeyboardEvent) -> bool {
    let Some(el) = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return false;
    };
    let tag = el.tag_name().to_ascii_lowercase();
    let space_or_enter = e.key() == " " || e.key() == "Enter";
    let arrows = e.key().starts_with("Arrow") || e.key() == "Home" || e.key() == "End";
    match tag.as_str() {
        "textarea" | "select" => true,
        "input" => {
            let kind = el.get_attribute("type").unwrap_or_default();
            // A slider keeps its arrows; other keys still work on it.
            kind != "range" || arrows
        }
        "button" => space_or_enter,
        _ => {
            el.has_attribute("contenteditable")
                || (space_or_enter && el.get_attribute("role").is_some())
        }
    }
}

/// Listens on the window for the shortcuts while the app is mounted. While `held` (a link's
/// session waiting to load, `ui::share::load_read`), the clock's shortcuts do nothing: they would
/// act on the placeholder the session replaces.
#[hook]
pub fn use_shortcuts(store: StoreHandle, help: UseStateHandle<bool>, held: bool) {
    // The listener is installed once; it reads the store's current state through the handle
    // kept in this cell, refreshed on every render.
    let current = use_mut_ref(|| store.clone());
    *current.borrow_mut() = store.clone();
    let held_cell = use_mut_ref(|| held);
    *held_cell.borrow_mut() = held;
    let help_cell = use_mut_ref(|| help.clone());
    *help_cell.borrow_mut() = help.clone();
    use_effect_with((), move |_| {
        let on_key = move |e: &web_sys::Event| {
            let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                return;
            };
            if e.ctrl_key()
                || e.meta_key()
                || e.alt_key()
                || e.default_prevented()
                || typing_target(e)
            {
                return;
            }
            let Some(cmd) = command_for(&e.key()) else {
                return;
            };
            if *held_cell.borrow() && !matches!(cmd, Command::ToggleHelp | Command::Escape) {
                return;
            }
            let store = current.borrow().clone();
            let help = help_cell.borrow().clone();
            let (cursor, horizon, speed, prev) = {
                let p = store.player();
                (
                    p.cursor,
                    p.horizon(),
                    p.speed,
                    previous_event(&p.session.run.sim.trace, p.cursor),
                )
            };
            let action = match cmd {
                Command::TogglePlay => Some(Action::TogglePlay),
                Command::Step => Some(Action::Step),
                Command::StepBack => Some(Action::Seek(prev.unwrap_or(Micros::ZERO))),
                Command::NextInteresting => Some(Action::NextInteresting),
                Command::Slower => Some(Action::SetSpeed(nudge_speed(speed, false))),
                Command::Faster => Some(Action::SetSpeed(nudge_speed(speed, true))),
                Command::ToStart => Some(Action::Seek(Micros::ZERO)),
                Command::ToPresent => (cursor < horizon).then_some(Action::Seek(horizon)),
                Command::ToggleHelp => {
                    help.set(!*help);
                    None
                }
                Command::Escape => {
                    if *help {
                        help.set(false);
                    }
                    None
                }
            };
            if cmd != Command::Escape {
                e.prevent_default();
            }
            if let Some(a) = action {
                store.dispatch(a);
            }
        };
        // Not passive (gloo's default): the shortcuts take their keys from the page with
        // preventDefault. Dropping the listener when the app unmounts removes it.
        let listener = crate::ui::context::browser().map(|w| {
            EventListener::new_with_options(
                &w,
                "keydown",
                EventListenerOptions::enable_prevent_default(),
                on_key,
            )
        });
        move || drop(listener)
    });
}

/// The list of shortcuts, as a dialog (open while `open` holds; the page gives the focus to
/// `close_ref`, its button, when it opens).
pub fn help_dialog(open: &UseStateHandle<bool>, close_ref: &NodeRef, text: &Text) -> Html {
    if !**open {
        return html! {};
    }
    let close = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(false))
    };
    let rows: Html = shortcut_list(text)
        .into_iter()
        .map(|(keys, what)| html! { <><dt><kbd>{ keys }</kbd></dt><dd>{ what }</dd></> })
        .collect();
    html! {
        <div class="dialog-backdrop" onclick={close.clone()}>
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="help-h"
                onclick={|e: MouseEvent| e.stop_propagation()}>
                <h2 id="help-h">{ text.help_title }</h2>
                <dl class="shortcuts">{ rows }</dl>
                <div class="btn-row">
                    <button type="button" class="btn primary" ref={close_ref} onclick={close}>{ text.close }</button>
                </div>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::Lang;

    #[test]
    fn keys_map_to_commands() {
        assert_eq!(command_for(" "), Some(Command::TogglePlay));
        assert_eq!(command_for("ArrowRight"), Some(Command::Step));
        assert_eq!(command_for("n"), Some(Command::NextInteresting));
        assert_eq!(command_for("?"), Some(Command::ToggleHelp));
        assert_eq!(command_for("x"), None);
    }

    #[test]
    fn the_help_lists_every_command_in_both_languages() {
        for lang in Lang::ALL {
            let list = shortcut_list(lang.text());
            assert_eq!(list.len(), 10);
            for (keys, _) in &list {
                let first = keys.split(" / ").next().unwrap();
                let key = match first {
                    "Space" => " ",
                    "→" => "ArrowRight",
                    "←" => "ArrowLeft",
                    "−" => "-",
                    "Esc" => "Escape",
                    k => k,
                };
                assert!(command_for(key).is_some(), "{keys}");
            }
        }
    }
}
