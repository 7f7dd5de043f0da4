//! The time controls: Play/Pause, Step (next event), step back, next interesting event, a
//! logarithmic Speed slider and a Timeline slider to scrub through the run, with markers for
//! the reader's actions, notable events and anomalies. Acting in the past forks the run (the
//! player does it); the bar says so and offers the discarded future back.

use std::rc::Rc;

use yew::prelude::*;

use crate::put;
use crate::sim::scenario::player::{slider_from_speed, speed_from_slider, Action};
use crate::sim::scenario::session::TimedInput;
use crate::sim::time::Micros;
use crate::sim::trace::Trace;
use crate::ui::captions::chapter_ticks;
use crate::ui::clock::speed::SpeedControl;
use crate::ui::clock::thinned::ThinnedNotice;
use crate::ui::context::use_lang;
use crate::ui::context::use_selection;
use crate::ui::context::{load, load_generation, use_derived, use_index, TraceIndex};
use crate::ui::context::{use_store, wall_ms, StoreHandle, SLOW_EVERY_MS};
use crate::ui::fmt::{fmt_time, Fixed};
use crate::ui::i18n::{fill, Text};
use crate::ui::kept::Kept;
use crate::ui::markup::{esc, on_click, raw};

/// The time of the last trace entry strictly before `t` (where "step back" goes).
pub fn previous_event(trace: &Trace, t: Micros) -> Option<Micros> {
    let i = trace.partition_point(|e| e.at < t);
    trace.get(i.checked_sub(1)?).map(|e| e.at)
}

/// The speed one keyboard notch away: ×2 or ÷2 along the slider's range.
pub fn nudge_speed(speed: f64, faster: bool) -> f64 {
    let s = if faster { speed * 2.0 } else { speed / 2.0 };
    speed_from_slider(slider_from_speed(s))
}

/// A mark under the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkKind {
    Input,
    Notable,
    Anomaly,
    Fork,
}

/// Marks for the reader's inputs and notable events (trace indices `inputs` and `notable` of
/// `trace`), at most one of a kind per `buckets`-th of `horizon` (a long run would otherwise
/// draw thousands on top of each other).
pub fn marks(
    trace: &Trace,
    inputs: &[usize],
    notable: &[usize],
    horizon: Micros,
    buckets: u64,
) -> Vec<(Micros, MarkKind)> {
    let width = (horizon.0 / buckets.max(1)).max(1);
    let mut out: Vec<(Micros, MarkKind)> = Vec::new();
    for (list, kind) in [(inputs, MarkKind::Input), (notable, MarkKind::Notable)] {
        let mut last_bucket = None;
        for &i in list {
            let Some(e) = trace.get(i) else { continue };
            let bucket = e.at.0 / width;
            if last_bucket != Some(bucket) {
                out.push((e.at, kind));
                last_bucket = Some(bucket);
            }
        }
    }
    out
}

/// What the reader is told after a fork.
#[derive(Debug, Clone, PartialEq)]
pub struct ForkNotice {
    pub at: Micros,
    pub discarded: usize,
    /// The run as it was before the fork, to bring it back.
    pub before: Rc<String>,
    pub before_cursor: Micros,
}

/// Watches the session between frames to notice forks: when the reader is in the past, the live
/// inputs are kept; if later the session's inputs are those minus a tail (plus the new one), the
/// run forked.
#[derive(Default)]
struct ForkWatch {
    /// The inputs, the scenario and the horizon of the run left behind, and the session
    /// generation (a new session is not a fork).
    stash: Option<(Vec<TimedInput>, Rc<String>, Micros, u64)>,
}

/// The marks under the Timeline slider as markup (each a button that moves the clock).
pub fn marks_markup(
    trace: &Trace,
    index: &TraceIndex,
    horizon: Micros,
    anomalies: &[Micros],
    fork: Option<Micros>,
    text: &Text,
) -> String {
    let mut all = marks(trace, &index.inputs, &index.notable, horizon, 300);
    all.extend(anomalies.iter().map(|&t| (t, MarkKind::Anomaly)));
    all.extend(fork.map(|t| (t, MarkKind::Fork)));
    let scale = 100.0 / horizon.0.max(1) as f64;
    let mut out = String::from(r#"<div class="marks">"#);
    for (t, kind) in all {
        let (class, title) = match kind {
            MarkKind::Input => ("mark-input", text.marker_input),
            MarkKind::Notable => ("mark-notable", text.marker_notable),
            MarkKind::Anomaly => ("mark-anomaly", text.marker_anomaly),
            MarkKind::Fork => ("mark-fork", text.marker_fork),
        };
        let label = format!("{} — {}", esc(title), fmt_time(t));
        put!(
            out,
            r#"<button type="button" class="mark {class}" style="left:{}%" tabindex="-1" title="{label}" aria-label="{label}" data-seek="{}"></button>"#,
            Fixed((t.0 as f64 * scale).clamp(0.0, 100.0), 2),
            t.0
        );
    }
    out.push_str("</div>");
    out
}

/// The controls' icons, drawn rather than taken from a font (fonts lack some media symbols).
pub fn icon(d: &'static str) -> Html {
    html! {
        <svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"><path d={d} /></svg>
    }
}

pub const ICON_START: &str = "M2 3h2v10H2zM14 3L5 8l9 5z";
pub const ICON_BACK: &str = "M10 3L3 8l7 5zM11.5 3h2v10h-2z";
pub const ICON_PLAY: &str = "M4 2l10 6-10 6z";
pub const ICON_PAUSE: &str = "M3 2h4v12H3zM9 2h4v12H9z";
pub const ICON_STEP: &str = "M2.5 3h2v10h-2zM6 3l7 5-7 5z";
pub const ICON_NEXT: &str = "M8 1l2 5h5l-4 3.2 1.6 5.3L8 11.3 3.4 14.5 5 9.2 1 6h5z";
pub const ICON_END: &str = "M1.5 3l5.5 5-5.5 5zM7.5 3L13 8l-5.5 5zM13 3h2v10h-2z";

fn btn(
    label: &'static str,
    d: &'static str,
    onclick: Callback<MouseEvent>,
    disabled: bool,
) -> Html {
    html! {
        <button type="button" class="btn tbtn" aria-label={label} title={label} {disabled} {onclick}>
            { icon(d) }
        </button>
    }
}

/// What the chapter ticks depend on (a few hundred marks at most: hashed on every frame).
fn chapters_key(marks: &[crate::sim::scenario::captions::Mark]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for m in marks {
        (m.at, &m.name).hash(&mut h);
    }
    h.finish()
}

/// A time on the clock, in a box as wide as its text in the monospace font (`.clock-t`): the
/// figures change on every frame of playback, and a box of its own size is laid out alone
/// instead of with the whole page. Its width changes only when the text's length does.
fn clock_figure(time: String) -> Html {
    let width = format!("width:{}ch", time.chars().count());
    html! { <span class="clock-t" style={width}>{ time }</span> }
}

fn dispatch_cb(store: &StoreHandle, action: Action) -> Callback<MouseEvent> {
    let store = store.clone();
    Callback::from(move |_| store.dispatch(action.clone()))
}

/// The time controls (redrawn every frame: they show the clock).
#[function_component]
pub fn TransportBar() -> Html {
    let store = use_store();
    let lang = use_lang();
    let text = lang.text();
    let watch = use_mut_ref(ForkWatch::default);
    let notice = use_state_eq(|| None::<ForkNotice>);
    let selection = use_selection();
    let marks_scale = use_mut_ref(|| (Micros::ZERO, 0.0));
    let derived = use_derived();
    let index = use_index();
    let anomaly_times = {
        let derived = derived.clone();
        use_memo(derived.structure, move |_| {
            derived.anomalies.iter().map(|a| a.at).collect::<Vec<_>>()
        })
    };
    let player = store.player();
    let cursor = player.cursor;
    let horizon = player.horizon();
    let in_past = cursor < horizon;
    let inputs = player.session.inputs();

    // Fork detection (see ForkWatch).
    {
        let mut w = watch.borrow_mut();
        let generation = load_generation();
        let stale = |w: &ForkWatch| {
            w.stash.as_ref().is_none_or(|(s, _, h, g)| {
                s.len() != inputs.len() || *h != horizon || *g != generation
            })
        };
        if in_past {
            if stale(&w) {
                w.stash = Some((
                    inputs.to_vec(),
                    Rc::new(player.session.to_scenario()),
                    horizon,
                    generation,
                ));
            }
        } else if let Some((old, scenario, old_horizon, old_generation)) = w.stash.take() {
            // The session's inputs are the old ones cut at the cursor, plus the action (if it
            // parsed).
            let kept = if inputs.len() <= old.len() && inputs[..] == old[..inputs.len()] {
                inputs.len()
            } else {
                inputs.len().saturating_sub(1)
            };
            let is_prefix = kept <= old.len() && inputs[..kept] == old[..kept];
            if is_prefix && horizon < old_horizon && old_generation == generation {
                // After a fork the present is where the reader acted.
                let at = cursor;
                notice.set(Some(ForkNotice {
                    at,
                    discarded: old.len() - kept,
                    before: scenario,
                    before_cursor: at,
                }));
            }
        }
    }

    let playing = player.playing;
    let error = player.error.clone();
    let prev = previous_event(&player.session.run.sim.trace, cursor);
    // Step goes to the next event: in the past there is always one ahead; in the present only
    // while something is scheduled. While playing it stays enabled: whether an event is
    // scheduled at this instant changes from frame to frame, and a button that flickers
    // between enabled and disabled can be neither read nor clicked (a step with nothing
    // scheduled does nothing).
    let can_step = in_past || playing || player.session.run.sim.has_pending_events();
    index.0.borrow_mut().update(&player.session.run.sim.trace);
    let marks_version = index.0.borrow().marks_version;
    // While the run plays live its horizon grows every frame. The marks are placed against a
    // horizon that moves only in steps of two percent, at most every `SLOW_EVERY_MS` (a
    // young run's horizon grows two percent within a few frames), and squeezed onto the real
    // one by a transform (a change the browser makes without laying out or re-creating them):
    // at 1× they were re-created on nearly every frame. A mark 8 px wide narrows by a fraction
    // of a pixel, by two at the most.
    let marks_horizon = {
        let mut shown = marks_scale.borrow_mut();
        let drift = horizon.0.abs_diff(shown.0 .0) as f64 / horizon.0.max(1) as f64;
        let now = wall_ms();
        let waited = now.is_none_or(|t| t - shown.1 >= SLOW_EVERY_MS);
        if horizon < shown.0 || (drift > 0.02 && waited) || drift > 0.25 {
            *shown = (horizon, now.unwrap_or(0.0));
        }
        shown.0
    };
    let squeeze = marks_horizon.0.max(1) as f64 / horizon.0.max(1) as f64;
    let fork_at = notice.as_ref().map(|n| n.at);
    let marks_html = {
        let store = store.clone();
        let index = index.clone();
        let anomaly_times = anomaly_times.clone();
        use_memo(
            (
                marks_version,
                marks_horizon,
                derived.structure,
                fork_at,
                lang,
            ),
            move |(_, h, _, fork, lang)| {
                let p = store.player();
                let ix = index.0.borrow();
                raw(marks_markup(
                    &p.session.run.sim.trace,
                    &ix,
                    *h,
                    &anomaly_times,
                    *fork,
                    lang.text(),
                ))
            },
        )
    };
    let chapters_html = {
        let marks = &player.session.run.narration.marks;
        let key = (chapters_key(marks), marks_horizon);
        let store = store.clone();
        use_memo(key, move |(_, h)| {
            raw(chapter_ticks(
                &store.player().session.run.narration.marks,
                *h,
            ))
        })
    };
    let thinned = player.thinned();
    drop(player);

    let on_seek = {
        let store = store.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                let v = input.value_as_number();
                if v.is_finite() && v >= 0.0 {
                    store.dispatch(Action::Seek(Micros(v.round() as u64)));
                }
            }
        })
    };
    let restore = notice.as_ref().map(|n| {
        let store = store.clone();
        let notice = notice.clone();
        let (scenario, at) = (n.before.clone(), n.before_cursor);
        Callback::from(move |_: MouseEvent| {
            load(&store, (*scenario).clone());
            store.dispatch(Action::Seek(at));
            notice.set(None);
        })
    });
    let dismiss = {
        let notice = notice.clone();
        Callback::from(move |_: MouseEvent| notice.set(None))
    };

    html! {
        <section class="transport card" aria-label={text.transport_label}>
            <div class="transport-row">
                <div class="tbuttons">
                    { btn(text.to_start, ICON_START, dispatch_cb(&store, Action::Seek(Micros::ZERO)), cursor == Micros::ZERO) }
                    { btn(text.step_back, ICON_BACK, dispatch_cb(&store, Action::Seek(prev.unwrap_or(Micros::ZERO))), cursor == Micros::ZERO) }
                    if playing {
                        <button type="button" class="btn tbtn play" aria-label={text.pause} title={text.pause}
                            onclick={dispatch_cb(&store, Action::Pause)}>
                            { icon(ICON_PAUSE) }<span class="tlabel">{ text.pause }</span>
                        </button>
                    } else {
                        <button type="button" class="btn tbtn play primary" aria-label={text.play} title={text.play}
                            onclick={dispatch_cb(&store, Action::Play)}>
                            { icon(ICON_PLAY) }<span class="tlabel">{ text.play }</span>
                        </button>
                    }
                    { btn(text.step, ICON_STEP, dispatch_cb(&store, Action::Step), !can_step) }
                    { btn(text.next_interesting, ICON_NEXT, dispatch_cb(&store, Action::NextInteresting), false) }
                    { btn(text.to_present, ICON_END, dispatch_cb(&store, Action::Seek(horizon)), !in_past) }
                </div>
                <SpeedControl />
                <div class="clock" aria-label={text.clock_label}>
                    <span class="clock-now">{ clock_figure(fmt_time(cursor)) }</span>
                    <span class="clock-sep">{ " / " }</span>
                    <span class="clock-end">{ clock_figure(fmt_time(horizon)) }</span>
                    <span class={classes!("clock-state", in_past.then_some("past"))}>
                        { if in_past { text.in_past } else { text.at_present } }
                    </span>
                </div>
            </div>
            <div class="timeline">
                <input type="range" min="0" max={horizon.0.to_string()} step="1"
                    aria-label={text.timeline} aria-valuetext={fmt_time(cursor)}
                    value={cursor.0.to_string()} oninput={on_seek} />
                <div class="marks-frame" style={format!("transform:scaleX({})", Fixed(squeeze, 5))}
                    onclick={on_click(&store, &selection, None)}><Kept html={marks_html} /><Kept html={chapters_html} /></div>
            </div>
            <ThinnedNotice {thinned} />
            if let Some(n) = (*notice).clone() {
                <div class="notice fork" role="status">
                    <span>{ fill(text.fork_done, &[("t", &fmt_time(n.at)), ("n", &n.discarded.to_string())]) }</span>
                    <button type="button" class="btn" onclick={restore.unwrap_or_default()}>{ text.fork_restore }</button>
                    <button type="button" class="btn" onclick={dismiss}>{ text.dismiss }</button>
                </div>
            }
            if let Some(e) = error {
                <div class="notice error" role="alert">
                    <strong>{ text.error_title }</strong>{ " " }<code>{ e }</code>
                </div>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::Session;

    #[test]
    fn step_back_finds_the_previous_event() {
        let mut s = Session::new(&["cluster nodes=2"]).unwrap();
        s.apply("client app node=node1").unwrap();
        s.apply("app declare q").unwrap();
        s.advance_to(Micros::from_ms(5));
        s.apply("app publish q \"m\"").unwrap();
        s.advance_to(Micros::from_ms(20));
        let trace = &s.run.sim.trace;
        let last = trace.last().unwrap().at;
        assert_eq!(previous_event(trace, Micros::from_ms(20)), Some(last));
        assert!(previous_event(trace, last).unwrap() < last);
        assert_eq!(previous_event(trace, Micros::ZERO), None);
    }

    #[test]
    fn speed_notches_stay_in_range() {
        assert!((nudge_speed(1.0, true) - 2.0).abs() < 1e-9);
        assert!((nudge_speed(1.0, false) - 0.5).abs() < 1e-9);
        assert!((nudge_speed(100.0, true) - 100.0).abs() < 1e-6);
        assert!((nudge_speed(0.01, false) - 0.01).abs() < 1e-9);
    }

    #[test]
    fn marks_merge_when_crowded() {
        let mut s = Session::new(&["cluster nodes=3"]).unwrap();
        s.apply("client app node=node1").unwrap();
        for i in 0..50 {
            s.apply(&format!("app declare q{i}")).unwrap();
        }
        s.advance_to(Micros::from_secs(10));
        s.apply("kill node2").unwrap();
        s.advance_to(Micros::from_secs(20));
        let mut ix = TraceIndex::default();
        ix.update(&s.run.sim.trace);
        let m = marks(&s.run.sim.trace, &ix.inputs, &ix.notable, s.now(), 100);
        // 51 inputs at t=0 fold into one mark; the kill is its own; so is the crash notice.
        assert_eq!(m.iter().filter(|x| x.1 == MarkKind::Input).count(), 2);
        assert!(m.iter().any(|x| x.1 == MarkKind::Notable));
    }
}
