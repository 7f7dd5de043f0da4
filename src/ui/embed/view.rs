//! The embed's page: the stage, the caption in force, Play/Pause and the timeline over the
//! slice, the chapters and the link to the full playground, filling whatever frame the host page gives it. It takes
//! no focus of its own, answers keys only while the focus is inside it, and waits for Play
//! unless the host asked for `autoplay`.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::sim::scenario::player::{Action, Player};
use crate::sim::time::Micros;
use crate::ui::captions::{CaptionBar, Chapters};
use crate::ui::clock::frame::use_frame_loop;
use crate::ui::clock::shortcuts::{command_for, Command};
use crate::ui::clock::timeline::{icon, previous_event, ICON_PAUSE, ICON_PLAY};
use crate::ui::context::{load_generation, Selection};
use crate::ui::context::{provide, use_ui, Store, StoreHandle};
use crate::ui::embed::params::{parse, playground_href, slice, EmbedParams, ParamError, Slice};
use crate::ui::embed::text::embed_text;
use crate::ui::i18n::Lang;
use crate::ui::share::{load_read, read_hash};
use crate::ui::stage::cluster::ClusterView;
use crate::ui::work::use_work_driver;

/// Where the embed is in its start-up.
#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Loading,
    /// The slice played, from the first time to the second.
    Ready(Micros, Micros),
    Failed(String),
}

/// The embed's address as the browser gives it: (query string, hash, path).
fn address() -> (String, String, String) {
    let loc = crate::ui::context::browser().map(|w| w.location());
    let get = |f: fn(&web_sys::Location) -> Result<String, wasm_bindgen::JsValue>| {
        loc.as_ref().and_then(|l| f(l).ok()).unwrap_or_default()
    };
    (
        get(web_sys::Location::search),
        get(web_sys::Location::hash),
        get(web_sys::Location::pathname),
    )
}

fn browser_lang() -> Lang {
    crate::ui::context::browser()
        .and_then(|w| w.navigator().language())
        .map_or(Lang::En, |t| Lang::from_tag(&t))
}

fn system_dark() -> bool {
    crate::ui::context::browser()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Marks the document as an embed (its stylesheet rules hang on `html.embed`) in the theme and
/// language the host asked for or the reader's system has.
fn dress_document(params: &Result<EmbedParams, ParamError>, lang: Lang) {
    let Some(doc) = crate::ui::context::browser().and_then(|w| w.document()) else {
        return;
    };
    let theme = params.as_ref().ok().and_then(|p| p.theme).map_or_else(
        || if system_dark() { "dark" } else { "light" },
        |t| t.as_str(),
    );
    if let Some(root) = doc.document_element() {
        let _ = root.set_attribute("class", "embed");
        let _ = root.set_attribute("data-theme", theme);
        let _ = root.set_attribute("lang", lang.tag());
    }
    doc.set_title(embed_text(lang).region);
}

/// The embed, started by the app when the address asks for it.
#[function_component]
pub fn Embed() -> Html {
    let (search, hash, path) = use_memo((), |_| address()).as_ref().clone();
    let params = use_memo(search, |s| parse(s));
    let lang = params
        .as_ref()
        .as_ref()
        .ok()
        .and_then(|p| p.lang)
        .unwrap_or_else(browser_lang);
    let store = use_reducer(|| Store::new(Player::new()));
    let selection = use_state_eq(|| None::<Selection>);
    let phase = use_state_eq(|| Phase::Loading);
    let link_at = use_mut_ref(|| None::<Micros>);
    let playing = store.player().playing;
    use_frame_loop(store.dispatcher(), playing);
    use_work_driver(&store);

    {
        let (store, phase, params, hash, link_at) = (
            store.clone(),
            phase.clone(),
            params.clone(),
            hash.clone(),
            link_at.clone(),
        );
        use_effect_with((), move |_| {
            dress_document(&params, lang);
            let text = embed_text(lang);
            let failed = |why: String| Phase::Failed(format!("{}: {why}", text.bad_link));
            // The hash is read once; the decoded text is what loads.
            match (params.as_ref(), read_hash(&hash)) {
                (Err(e), _) => phase.set(Phase::Failed(e.message(lang))),
                (Ok(_), None) => phase.set(Phase::Failed(text.no_scenario.to_string())),
                (Ok(_), Some(Err(e))) => phase.set(failed(e.message(lang))),
                (Ok(_), Some(Ok((scenario, at)))) => {
                    *link_at.borrow_mut() = at;
                    let phase = phase.clone();
                    load_read(&store, scenario, at, move |r| {
                        if let Err(e) = r {
                            phase.set(failed(e));
                        }
                    });
                }
            }
        });
    }

    // Once the scenario has loaded: the slice, the clock at its start, and Play if asked for.
    let busy = store.player().busy().is_some();
    {
        let (store, phase, params) = (store.clone(), phase.clone(), params.clone());
        let link_at = *link_at.borrow();
        use_effect_with((busy, load_generation()), move |&(busy, generation)| {
            if busy || generation == 0 || *phase != Phase::Loading {
                return;
            }
            let Ok(p) = params.as_ref() else { return };
            let (error, horizon, cursor) = {
                let pl = store.player();
                (pl.error.clone(), pl.horizon(), pl.cursor)
            };
            if let Some(e) = error {
                phase.set(Phase::Failed(format!("{}: {e}", embed_text(lang).bad_link)));
                return;
            }
            let Slice {
                start,
                end,
                open_at,
            } = slice(p, link_at, horizon);
            if cursor != open_at {
                store.dispatch(Action::Seek(open_at));
            }
            if p.autoplay && start < end {
                toggle_play(&store, start, end);
            }
            phase.set(Phase::Ready(start, end));
        });
    }

    // Playback stops at the slice's end.
    let (cursor, horizon) = {
        let p = store.player();
        (p.cursor, p.horizon())
    };
    {
        let store = store.clone();
        use_effect_with(
            (cursor, playing, (*phase).clone()),
            move |(cursor, playing, phase)| {
                if let Phase::Ready(_, end) = phase {
                    if *playing && cursor >= end {
                        store.dispatch(Action::Pause);
                        if cursor > end {
                            store.dispatch(Action::Seek(*end));
                        }
                    }
                }
            },
        );
    }

    let ui = use_ui(&store, lang, selection);
    let text = embed_text(lang);
    let body = match &*phase {
        Phase::Failed(message) => html! {
            <div class="embed-message" role="alert">
                <strong>{ text.failed }</strong>
                <p>{ message.clone() }</p>
            </div>
        },
        Phase::Loading => html! {
            <>
                <div class="embed-stage"><ClusterView /></div>
                <p class="embed-loading" role="status">{ text.loading }</p>
            </>
        },
        Phase::Ready(start, end) => html! {
            <>
                <div class="embed-stage"><ClusterView /></div>
                <CaptionBar />
                { controls(&store, lang, *start, *end, playing, cursor.min(horizon)) }
                <div class="embed-foot">
                    <Chapters />
                    <a class="embed-open" href={playground_href(&path, &hash, cursor)} target="_blank"
                        rel="noopener" title={text.open_title}>{ text.open }{ " ↗" }</a>
                </div>
            </>
        },
    };
    use_keys(&store, &phase);
    provide(
        &store,
        ui,
        html! {
            <div class="embed-app" role="region" aria-label={text.region}>
                { body }
            </div>
        },
    )
}

/// Play/Pause, the timeline over the slice and the clock.
fn controls(
    store: &StoreHandle,
    lang: Lang,
    start: Micros,
    end: Micros,
    playing: bool,
    cursor: Micros,
) -> Html {
    let t = lang.text();
    let toggle = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| toggle_play(&store, start, end))
    };
    let on_seek = {
        let store = store.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                let v = input.value_as_number();
                if v.is_finite() {
                    let at = Micros(v.round().max(0.0) as u64).clamp(start, end);
                    store.dispatch(Action::Seek(at));
                }
            }
        })
    };
    let (label, d) = if playing {
        (t.pause, ICON_PAUSE)
    } else {
        (t.play, ICON_PLAY)
    };
    let shown = cursor.clamp(start, end);
    html! {
        <div class="embed-bar" role="group" aria-label={t.transport_label}>
            <button type="button" class={classes!("btn", "tbtn", "play", (!playing).then_some("primary"))}
                aria-label={label} title={label} onclick={toggle}>
                { icon(d) }<span class="tlabel">{ label }</span>
            </button>
            <input type="range" class="embed-timeline" min={start.0.to_string()} max={end.0.to_string()}
                step="1" aria-label={t.timeline} aria-valuetext={shown.to_string()}
                value={shown.0.to_string()} oninput={on_seek} />
            <span class="embed-clock">{ format!("{shown} / {end}") }</span>
        </div>
    }
}

/// Play from the slice's start when at its end, else play or pause.
fn toggle_play(store: &StoreHandle, start: Micros, end: Micros) {
    let (playing, cursor) = {
        let p = store.player();
        (p.playing, p.cursor)
    };
    if playing {
        store.dispatch(Action::Pause);
        return;
    }
    if cursor >= end {
        store.dispatch(Action::Seek(start));
    }
    store.dispatch(Action::Play);
}

/// The keys, heard on the embed's window: an iframe's window gets them only while the focus is
/// inside the frame, so the host page's own keys are never taken. A control that uses a key
/// itself (a button's Space, the timeline's arrows) keeps it.
#[hook]
fn use_keys(store: &StoreHandle, phase: &UseStateHandle<Phase>) {
    // The listener is installed once and reads the current store and slice from these cells.
    let current = use_mut_ref(|| store.clone());
    *current.borrow_mut() = store.clone();
    let slice = use_mut_ref(|| None::<(Micros, Micros)>);
    *slice.borrow_mut() = match **phase {
        Phase::Ready(start, end) => Some((start, end)),
        _ => None,
    };
    use_effect_with((), move |_| {
        let on_key = move |e: &web_sys::Event| {
            let (Some(e), Some((start, end))) = (e.dyn_ref::<KeyboardEvent>(), *slice.borrow())
            else {
                return;
            };
            key(&current.borrow(), e, start, end);
        };
        let listener = crate::ui::context::browser().map(|w| {
            gloo_events::EventListener::new_with_options(
                &w,
                "keydown",
                gloo_events::EventListenerOptions::enable_prevent_default(),
                on_key,
            )
        });
        move || drop(listener)
    });
}

fn key(store: &StoreHandle, e: &KeyboardEvent, start: Micros, end: Micros) {
    if e.ctrl_key() || e.meta_key() || e.alt_key() || e.default_prevented() {
        return;
    }
    let tag = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|el| el.tag_name().to_ascii_lowercase())
        .unwrap_or_default();
    let own = match tag.as_str() {
        "button" | "a" => e.key() == " " || e.key() == "Enter",
        "input" => e.key().starts_with("Arrow") || e.key() == "Home" || e.key() == "End",
        _ => false,
    };
    if own {
        return;
    }
    let (cursor, prev) = {
        let p = store.player();
        (p.cursor, previous_event(&p.session.run.sim.trace, p.cursor))
    };
    let action = match command_for(&e.key()) {
        Some(Command::TogglePlay) => {
            e.prevent_default();
            toggle_play(store, start, end);
            return;
        }
        Some(Command::Step) if cursor < end => Action::Step,
        Some(Command::StepBack) => Action::Seek(prev.unwrap_or(start).max(start)),
        Some(Command::ToStart) => Action::Seek(start),
        Some(Command::ToPresent) => Action::Seek(end),
        _ => return,
    };
    e.prevent_default();
    store.dispatch(action);
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::ui::ssr::render;

    #[test]
    fn the_embed_draws_its_stage_and_says_it_is_loading_until_its_scenario_is_in() {
        let html = render::<Embed>(());
        assert!(
            html.contains(
                r#"<div role="region" aria-label="mirrorscope player" class="embed-app">"#
            ),
            "{html}"
        );
        assert!(html.contains("cluster-view"), "{html}");
        assert!(html.contains(embed_text(Lang::En).loading), "{html}");
        // No controls before the slice is known, and nothing that takes the focus.
        assert!(!html.contains("embed-timeline"), "{html}");
        assert!(!html.contains("autofocus"), "{html}");
    }
}
