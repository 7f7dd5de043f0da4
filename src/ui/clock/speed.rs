//! The speed control: a logarithmic slider that says what a speed means in the cluster's time
//! ("1 s of page = 10 ms of cluster"), and the skip-quiet-time switch with what it skipped.

use yew::prelude::*;

use crate::sim::scenario::player::{slider_from_speed, speed_from_slider, Action};
use crate::sim::time::Micros;
use crate::ui::context::use_lang;
use crate::ui::context::use_store;
use crate::ui::fmt::fmt_span;
use crate::ui::i18n::lang::fill;
use crate::ui::i18n::speed::speed_text;

/// Resolution of the Speed slider (its positions map logarithmically to 0.01×–100×).
pub const SPEED_STEPS: f64 = 1000.0;

/// The cluster's time that one second of the page shows at `speed`: `10 ms`, `1.0 s`.
pub fn cluster_time_per_second(speed: f64) -> String {
    fmt_span(speed * 1_000_000.0)
}

/// The skipped-time note changes at most this often while playing.
const SKIP_NOTE_EVERY_MS: f64 = 250.0;
/// And stays this long after the last skip.
const SKIP_NOTE_HOLD_MS: f64 = 1000.0;

#[function_component]
pub fn SpeedControl() -> Html {
    let store = use_store();
    let lang = use_lang();
    let t = speed_text(lang);
    let (speed, skip, skipped, playing) = {
        let p = store.player();
        (p.speed, p.skip_quiet, p.skipped, p.playing)
    };
    let per_second = cluster_time_per_second(speed);
    let meaning = fill(t.meaning, &[("d", &per_second)]);
    let on_speed = {
        let store = store.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                let v = input.value_as_number();
                if v.is_finite() {
                    store.dispatch(Action::SetSpeed(speed_from_slider(v / SPEED_STEPS)));
                }
            }
        })
    };
    let on_skip = {
        let store = store.clone();
        Callback::from(move |_: Event| store.dispatch(Action::SetSkipQuiet(!skip)))
    };
    // At 1× the run skips a quiet stretch on nearly every other frame: the note is held for a
    // second and changes at most four times a second, readable instead of flickering (and one
    // text change instead of a node added and removed on each frame).
    let held = use_mut_ref(|| None::<(String, f64)>);
    let note = {
        let now = crate::ui::context::wall_ms().unwrap_or(0.0);
        let mut held = held.borrow_mut();
        match held.as_ref() {
            _ if !playing => *held = None,
            Some((_, at)) if now - at < SKIP_NOTE_EVERY_MS => {}
            _ if skipped > Micros(0) => {
                *held = Some((fill(t.skipped, &[("d", &fmt_span(skipped.0 as f64))]), now));
            }
            Some((_, at)) if now - at < SKIP_NOTE_HOLD_MS => {}
            _ => *held = None,
        }
        held.as_ref().map(|(text, _)| text.clone())
    };
    let label = lang.text().speed;
    html! {
        <div class="speed-group">
            <label class="speed" title={meaning.clone()}>
                <span class="tool-label">{ label }</span>
                <input type="range" min="0" max={SPEED_STEPS.to_string()} step="1"
                    aria-label={label} aria-valuetext={meaning.clone()}
                    value={(slider_from_speed(speed) * SPEED_STEPS).round().to_string()}
                    oninput={on_speed} />
                <output class="speed-value">{ fill(t.short, &[("d", &per_second)]) }</output>
            </label>
            <label class="skip-quiet" title={t.skip_hint}>
                <input type="checkbox" checked={skip} onchange={on_skip} />
                <span>{ t.skip }</span>
            </label>
            <span class="skipped" aria-hidden="true">{ note.unwrap_or_default() }</span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_speed_reads_as_the_clusters_time_per_page_second() {
        assert_eq!(cluster_time_per_second(0.01), "10 ms");
        assert_eq!(cluster_time_per_second(1.0), "1.0 s");
        assert_eq!(cluster_time_per_second(0.0005), "500 µs");
    }
}
