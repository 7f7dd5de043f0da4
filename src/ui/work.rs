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
/// turn (events, layout, paint).
#[hook]
pub fn use_work_driver(store: &StoreHandle) {
    let busy = store.player().busy().is_some();
    let version = store.version();
    let dispatcher = store.dispatcher();
    use_effect_with((busy, version), move |&(busy, _)| {
        let pending = busy.then(|| {
            gloo_timers::callback::Timeout::new(0, move || dispatcher.dispatch(Action::Work(0)))
        });
        // A newer render (an action, or this continuation's own) cancels the pending one.
        move || drop(pending)
    });
}

/// The working indicator: what is in progress with its share done and a Stop button, or what
/// the last Stop left.
#[function_component]
pub fn WorkIndicator() -> Html {
    let store = use_store();
    let t = work_text(use_lang());
    let player = store.player();
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
