//! The header's Fork button and its dialog: a preset (its lines copied into the two sides'
//! fields) or custom lines, then Fork at the instant on display. A fork the core refuses
//! (lines that do not parse, the same lines on both sides, a run too large to keep twice) is
//! explained in the dialog.

use std::rc::Rc;

use yew::prelude::*;

use crate::sim::fork::pair::fork_at_cursor;
use crate::sim::fork::presets::PRESETS;
use crate::sim::fork::spec::Variation;
use crate::sim::scenario::player::Action;
use crate::ui::context::{use_lang, use_slow_store};
use crate::ui::fmt::fmt_time;
use crate::ui::fork::state::{ForkHandle, ForkOpen};
use crate::ui::i18n::fork::{error_text, fork_text, ForkText};
use crate::ui::i18n::lang::{fill, Lang};

/// The dialog's fields: the two sides' labels and lines, as typed.
#[derive(Debug, Clone, PartialEq, Default)]
struct Draft {
    preset: usize,
    a_label: String,
    a_lines: String,
    b_label: String,
    b_lines: String,
}

impl Draft {
    /// The fields filled from preset `i`.
    fn preset(i: usize) -> Draft {
        let p = &PRESETS[i.min(PRESETS.len() - 1)];
        Draft {
            preset: i,
            a_label: p.a_label.to_string(),
            a_lines: p.a_lines.join("\n"),
            b_label: p.b_label.to_string(),
            b_lines: p.b_lines.join("\n"),
        }
    }

    fn variations(&self) -> (Variation, Variation) {
        let v = |label: &str, lines: &str| Variation {
            label: label.trim().to_string(),
            lines: lines
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect(),
        };
        (
            v(&self.a_label, &self.a_lines),
            v(&self.b_label, &self.b_lines),
        )
    }
}

#[derive(Properties, PartialEq)]
pub struct ForkButtonProps {
    pub fork: ForkHandle,
}

/// The Fork button; its dialog opens under it.
#[function_component]
pub fn ForkButton(props: &ForkButtonProps) -> Html {
    let store = use_slow_store();
    let lang = use_lang();
    let text = fork_text(lang);
    let open = use_state_eq(|| false);
    let draft = use_state_eq(|| Draft::preset(0));
    let error = use_state_eq(|| None::<String>);
    let cursor = store.player().cursor;
    let toggle = {
        let (open, error) = (open.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            error.set(None);
            open.set(!*open);
        })
    };
    let start = {
        let (store, fork, open, draft, error) = (
            store.clone(),
            props.fork.clone(),
            open.clone(),
            draft.clone(),
            error.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (a, b) = draft.variations();
            let made = {
                let p = store.player();
                fork_at_cursor(&p, a, b).map(|spec| ForkOpen {
                    spec,
                    at: Some(p.cursor),
                })
            };
            match made {
                Ok(opened) => {
                    store.dispatch(Action::Pause);
                    fork.set(Some(Rc::new(opened)));
                    open.set(false);
                }
                Err(e) => error.set(Some(fill(
                    fork_text(lang).refused,
                    &[("why", &error_text(lang, &e))],
                ))),
            }
        })
    };
    let title = fill(text.button_title, &[("t", &fmt_time(cursor))]);
    html! {
        <div class="fork-launch">
            <button type="button" class="btn fork-btn" title={title}
                aria-haspopup="dialog" aria-expanded={open.to_string()} onclick={toggle.clone()}>
                { text.button }
            </button>
            if *open {
                { dialog(text, lang, &draft, &error, fmt_time(cursor), start, toggle) }
            }
        </div>
    }
}

/// The dialog: the preset, the two sides, Fork and Cancel.
fn dialog(
    text: &'static ForkText,
    lang: Lang,
    draft: &UseStateHandle<Draft>,
    error: &UseStateHandle<Option<String>>,
    at: String,
    onsubmit: Callback<SubmitEvent>,
    cancel: Callback<MouseEvent>,
) -> Html {
    let choose = {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                match s.value().parse::<usize>() {
                    Ok(i) if i < PRESETS.len() => draft.set(Draft::preset(i)),
                    _ => draft.set(Draft {
                        preset: PRESETS.len(),
                        ..(*draft).clone()
                    }),
                }
            }
        })
    };
    let edit = |f: fn(&mut Draft, String)| {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            let value = e
                .target_dyn_into::<web_sys::HtmlTextAreaElement>()
                .map(|t| t.value())
                .or_else(|| {
                    e.target_dyn_into::<web_sys::HtmlInputElement>()
                        .map(|i| i.value())
                });
            if let Some(v) = value {
                let mut d = (*draft).clone();
                f(&mut d, v);
                d.preset = PRESETS.len();
                draft.set(d);
            }
        })
    };
    let options: Html = PRESETS
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let title = if lang == Lang::Zh {
                p.title_zh
            } else {
                p.title_en
            };
            html! { <option value={i.to_string()} selected={draft.preset == i}>{ title }</option> }
        })
        .collect();
    let side = |name: &'static str,
                id: &'static str,
                label: String,
                lines: String,
                set_label: Callback<InputEvent>,
                set_lines: Callback<InputEvent>| {
        html! {
            <fieldset class="fork-side-form">
                <legend>{ name }</legend>
                <label>
                    <span>{ text.label }</span>
                    <input type="text" id={format!("fork-{id}-label")} value={label} maxlength="80"
                        oninput={set_label} />
                </label>
                <label>
                    <span>{ text.lines }</span>
                    <textarea id={format!("fork-{id}-lines")} rows="3" spellcheck="false"
                        aria-describedby="fork-lines-hint" value={lines} oninput={set_lines} />
                </label>
            </fieldset>
        }
    };
    html! {
        <form class="share-dialog fork-dialog" role="dialog" aria-modal="true"
            aria-labelledby="fork-title" {onsubmit}>
            <div class="share-dialog-head">
                <h2 id="fork-title">{ text.dialog_title }</h2>
            </div>
            <p class="muted">{ fill(text.dialog_intro, &[("t", &at)]) }</p>
            <label class="fork-preset">
                <span>{ text.preset }</span>
                <select id="fork-preset" onchange={choose}>
                    { options }
                    <option value="custom" selected={draft.preset >= PRESETS.len()}>{ text.custom }</option>
                </select>
            </label>
            <div class="fork-sides-form">
                { side(text.side_a, "a", draft.a_label.clone(), draft.a_lines.clone(),
                    edit(|d, v| d.a_label = v), edit(|d, v| d.a_lines = v)) }
                { side(text.side_b, "b", draft.b_label.clone(), draft.b_lines.clone(),
                    edit(|d, v| d.b_label = v), edit(|d, v| d.b_lines = v)) }
            </div>
            <p id="fork-lines-hint" class="muted">{ text.lines_hint }</p>
            if let Some(e) = (**error).clone() {
                <p class="form-error" role="alert">{ e }</p>
            }
            <div class="fork-actions">
                <button type="submit" class="btn primary" id="fork-start">{ text.start }</button>
                <button type="button" class="btn" onclick={cancel}>{ text.cancel }</button>
            </div>
        </form>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::sim::scenario::player::Player;
    use crate::ui::context::{Store, StoreHandle};
    use crate::ui::ssr::render;

    #[derive(Properties, PartialEq)]
    struct ProbeProps {
        lang: Lang,
    }

    #[function_component]
    fn Probe(props: &ProbeProps) -> Html {
        let store = use_reducer(|| Store::new(Player::new()));
        let fork: ForkHandle = use_state_eq(|| None);
        html! {
            <ContextProvider<StoreHandle> context={store}>
            <ContextProvider<Lang> context={props.lang}>
                <ForkButton {fork} />
            </ContextProvider<Lang>>
            </ContextProvider<StoreHandle>>
        }
    }

    #[test]
    fn the_button_names_the_instant_in_both_languages() {
        let en = render::<Probe>(ProbeProps { lang: Lang::En });
        assert!(en.contains(">Fork here<"), "{en}");
        assert!(en.contains("Fork the run at 0.000 ms"), "{en}");
        let zh = render::<Probe>(ProbeProps { lang: Lang::Zh });
        assert!(zh.contains(">从这里分叉<"), "{zh}");
    }

    #[test]
    fn every_preset_fills_both_sides() {
        for i in 0..PRESETS.len() {
            let (a, b) = Draft::preset(i).variations();
            assert!(!a.lines.is_empty() && !b.lines.is_empty());
            assert_ne!(a.lines, b.lines);
        }
    }
}
