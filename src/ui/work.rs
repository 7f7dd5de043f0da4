//! The page's driver of long work: while the player has work in progress (seeks, loads, pasted
//! blocks, done in slices by `ui::slices::reduce`), [`use_work_driver`] asks for the next
//! stretch after the browser has had its turn (a zero-delay timeout), so clicks, typing and
//! painting happen between stretches. [`WorkIndicator`] says what is in progress, how far
//! along, and offers Stop; then what the Stop left.

use yew::prelude::*;

use crate::sim::scenario::player::{Action, Stopped, WorkKind};
use crate::ui::context::{use_lang, use_store, StoreHandle};
use crate::ui::fmt::fmt_time;
use crate::ui::i18n::lang::fill;
use crate::ui::i18n::work::work_text;

/// While work is in progress, asks for the next stretch of it after the browser has had its
/// turn (events, layout, paint). Idle (paused, nothing in progress), it asks now and then for a
/// turn at laying checkpoints ahead of a seek back ([`Player::warm`]), until there are none
/// to lay: a playing page lays them on its frames instead (`ui::slices::reduce`).
///
/// [`Player::warm`]: crate::sim::scenario::player::Player::warm
#[hook]
pub fn use_work_driver(store: &StoreHandle) {
    let (busy, warm) = {
        let p = store.player();
        let busy = p.busy().is_some();
        (busy, !busy && !p.playing && p.warming())
    };
    let version = store.version();
    let dispatcher = store.dispatcher();
    use_effect_with((busy, warm, version), move |&(busy, warm, _)| {
        let pending = (busy || warm).then(|| {
            let delay = if busy { 0 } else { WARM_IDLE_EVERY_MS };
            gloo_timers::callback::Timeout::new(delay, move || dispatcher.dispatch(Action::Work(0)))
        });
        // A newer render (an action, or this continuation's own) cancels the pending one.
        move || drop(pending)
    });
}

/// How often an idle page takes a turn at laying checkpoints (each turn at most
/// `ui::slices::WARM_IDLE_MS`).
const WARM_IDLE_EVERY_MS: u32 = 50;

/// What the working indicator is told besides the player's state.
#[derive(Properties, PartialEq)]
pub struct WorkIndicatorProps {
    /// A link's session is waiting for the second part of the wasm (`ui::share::load_read`).
    #[prop_or_default]
    pub awaiting: bool,
}

/// The working indicator: what is in progress with its share done and a Stop button, or what
/// the last Stop left; while a link's session waits to load, that it is loading.
#[function_component]
pub fn WorkIndicator(props: &WorkIndicatorProps) -> Html {
    let store = use_store();
    let t = work_text(use_lang());
    let player = store.player();
    if props.awaiting && player.busy().is_none() {
        return html! {
            <div class="notice banner work-indicator awaiting" role="status" aria-live="polite" data-busy="true">
                <span class="work-what">{ t.loading }</span>
                <progress aria-label={t.loading}></progress>
            </div>
        };
    }
    if let Some(busy) = player.busy() {
        let what = match busy.kind {
            WorkKind::Seek => t.seeking,
            WorkKind::Load => t.loading,
            WorkKind::Block => t.running_block,
            WorkKind::Step => t.stepping,
        };
        let percent = (busy.progress * 100.0).floor() as u32;
        let stop = {
            let store = store.clone();
            Callback::from(move |_: MouseEvent| store.dispatch(Action::Stop))
        };
        return html! {
            <div class="notice banner work-indicator" role="status" aria-live="polite" data-busy="true">
                <span class="work-what">{ what }</span>
                <progress max="100" value={percent.to_string()} aria-label={what}></progress>
                <span class="work-progress">{ fill(t.progress, &[("p", &percent.to_string())]) }</span>
                <button type="button" class="btn work-stop" title={t.stop_hint} onclick={stop}>{ t.stop }</button>
            </div>
        };
    }
    let Some(stopped) = player.stopped.clone() else {
        return html! {};
    };
    let said = match stopped {
        Stopped::Seek { reached } => fill(t.stopped_seek, &[("t", &fmt_time(reached))]),
        Stopped::Load => t.stopped_load.to_string(),
        Stopped::Block { not_run } => fill(t.stopped_block, &[("n", &not_run.to_string())]),
    };
    html! {
        <div class="notice banner work-stopped" role="status" data-busy="false">
            <span>{ said }</span>
        </div>
    }
}
