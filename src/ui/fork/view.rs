//! The split view: the two sides' stages side by side (stacked on a phone), each captioned
//! with its variation, under one clock. Side A's player is the clock (the frame loop ticks
//! it); side B is moved to A's instant whenever A moves, so play, pause and seek act on both.
//! A line typed here runs on both sides. Keep A / Keep B make that side the page's run;
//! Close goes back to the run as it was.

use std::rc::Rc;

use yew::prelude::*;

use crate::sim::fork::outcome::outcome;
use crate::sim::fork::pair::{base_inputs, fork_instant};
use crate::sim::fork::spec::Side;
use crate::sim::scenario::player::{Action, Player};
use crate::sim::time::Micros;
use crate::ui::clock::frame::use_frame_loop;
use crate::ui::clock::timeline::{icon, ICON_PAUSE, ICON_PLAY, ICON_START};
use crate::ui::context::{content_key, load, use_lang, use_store, use_ui, Selection};
use crate::ui::context::{provide, Store, StoreHandle};
use crate::ui::fmt::fmt_time;
use crate::ui::fork::route::fork_hash;
use crate::ui::fork::state::{ForkHandle, ForkOpen};
use crate::ui::fork::summary::summary_markup;
use crate::ui::i18n::fork::fork_text;
use crate::ui::i18n::lang::fill;
use crate::ui::share::{current_hash, replace_hash};
use crate::ui::stage::cluster::ClusterView;
use crate::ui::work::use_work_driver;

#[derive(Properties, PartialEq)]
pub struct ForkViewProps {
    pub fork: ForkHandle,
    pub open: Rc<ForkOpen>,
}

/// One side: its caption and its stage, over its own store.
#[derive(Properties, PartialEq)]
struct SideProps {
    side: char,
    label: String,
    store: StoreHandle,
}

#[function_component]
fn SideStage(props: &SideProps) -> Html {
    let lang = use_lang();
    let selection = use_state_eq(|| None::<Selection>);
    let ui = use_ui(&props.store, lang, selection);
    let error = props.store.player().error.clone();
    let heading = format!("{} · {}", props.side.to_ascii_uppercase(), props.label);
    html! {
        <section class={classes!("fork-side", format!("fork-side-{}", props.side))}
            aria-label={heading.clone()} data-side={props.side.to_string()}>
            <h3 class="fork-side-caption">{ heading }</h3>
            if let Some(e) = error {
                <p class="form-error" role="alert">{ e }</p>
            }
            { provide(&props.store, ui, html! { <ClusterView /> }) }
        </section>
    }
}

/// The open fork.
#[function_component]
pub fn ForkView(props: &ForkViewProps) -> Html {
    let main = use_store();
    let lang = use_lang();
    let text = fork_text(lang);
    let a = use_reducer(|| Store::new(Player::new()));
    let b = use_reducer(|| Store::new(Player::new()));
    let line = use_state_eq(String::new);
    let spec = &props.open.spec;
    let base = use_memo(spec.base.clone(), |base| base_inputs(base));
    let playing = a.player().playing;
    use_frame_loop(a.dispatcher(), playing);
    use_work_driver(&a);
    use_work_driver(&b);

    // Load both sides once, at the main run's speed, shown where the fork was made.
    let started = use_state_eq(|| false);
    {
        let (a, b, main, open) = (a.clone(), b.clone(), main.clone(), props.open.clone());
        let started = started.clone();
        use_effect_with(open.clone(), move |open| {
            started.set(true);
            let speed = main.player().speed;
            for (store, side) in [(&a, Side::A), (&b, Side::B)] {
                store.dispatch(Action::SetSpeed(speed));
                store.dispatch(Action::Load(open.spec.side_text(side)));
                if let Some(t) = open.at {
                    store.dispatch(Action::Seek(t));
                }
            }
        });
    }
    let busy = a.player().busy().is_some() || b.player().busy().is_some();
    let (a_cursor, b_cursor) = (a.player().cursor, b.player().cursor);
    let loaded = *started && !busy && a.player().session.inputs().len() >= *base;
    let fork_at = if loaded {
        fork_instant(spec, *base, &a.player(), &b.player())
    } else {
        Micros::ZERO
    };
    // A link without a time opens at the fork instant.
    {
        let (a, b, at) = (a.clone(), b.clone(), props.open.at);
        let placed = use_mut_ref(|| false);
        use_effect_with((loaded, fork_at), move |&(loaded, t)| {
            if loaded && at.is_none() && !*placed.borrow() {
                *placed.borrow_mut() = true;
                a.dispatch(Action::Seek(t));
                b.dispatch(Action::Seek(t));
            }
        });
    }
    // B follows A's clock.
    {
        let b = b.clone();
        let a_busy = a.player().busy().is_some();
        use_effect_with((a_cursor, b_cursor, a_busy), move |&(ta, tb, a_busy)| {
            if !a_busy && ta != tb {
                b.dispatch(Action::Seek(ta));
            }
        });
    }

    let horizon = a.player().horizon().max(b.player().horizon());
    let cursor = a_cursor.min(b_cursor);
    let outcomes = {
        let keys = (content_key(&a.player()), content_key(&b.player()), fork_at);
        let (a, b) = (a.clone(), b.clone());
        use_memo(keys, move |&(_, _, since)| {
            let of = |s: &StoreHandle| {
                let p = s.player();
                let anomalies = crate::sim::checker::check(p.view());
                outcome(p.view(), &anomalies, since)
            };
            (of(&a), of(&b))
        })
    };

    let both = |action: Action| {
        let (a, b) = (a.clone(), b.clone());
        move || {
            a.dispatch(action.clone());
            b.dispatch(action.clone());
        }
    };
    let toggle = {
        let a = a.clone();
        Callback::from(move |_: MouseEvent| a.dispatch(Action::TogglePlay))
    };
    let to_fork = {
        let go = both(Action::Seek(fork_at));
        let a = a.clone();
        Callback::from(move |_: MouseEvent| {
            a.dispatch(Action::Pause);
            go();
        })
    };
    let seek = {
        let (a, b) = (a.clone(), b.clone());
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                if let Ok(t) = i.value().parse::<u64>() {
                    a.dispatch(Action::Seek(Micros(t)));
                    b.dispatch(Action::Seek(Micros(t)));
                }
            }
        })
    };
    let typed = {
        let line = line.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                line.set(i.value());
            }
        })
    };
    let run_both = {
        let (a, b, line) = (a.clone(), b.clone(), line.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let l = line.trim().to_string();
            if !l.is_empty() {
                a.dispatch(Action::Input(l.clone()));
                b.dispatch(Action::Input(l));
                line.set(String::new());
            }
        })
    };
    let keep = |side: Side| {
        let (fork, main, spec) = (props.fork.clone(), main.clone(), props.open.spec.clone());
        let store = if side == Side::A {
            a.clone()
        } else {
            b.clone()
        };
        Callback::from(move |_: MouseEvent| {
            let t = store.player().cursor;
            load(&main, spec.side_text(side));
            main.dispatch(Action::Seek(t));
            leave(&fork);
        })
    };
    let close = {
        let fork = props.fork.clone();
        Callback::from(move |_: MouseEvent| leave(&fork))
    };
    let share = {
        let spec = props.open.spec.clone();
        Callback::from(move |_: MouseEvent| {
            if let Ok(hash) = fork_hash(&spec, cursor) {
                replace_hash(&hash);
            }
        })
    };
    // The downtime of queues still down runs on with the clock between changes of the runs.
    let at_cursor = |o: &crate::sim::fork::outcome::Outcome| {
        let mut o = o.clone();
        o.downtime = o.downtime_at(cursor.max(fork_at));
        o
    };
    let (oa, ob) = (&at_cursor(&outcomes.0), &at_cursor(&outcomes.1));
    html! {
        <div class="fork-view" role="region" aria-label={text.heading}>
            <header class="fork-head">
                <h2>{ text.heading }</h2>
                <span class="muted">{ fill(text.forked_at, &[("t", &fmt_time(fork_at))]) }</span>
                <div class="fork-head-tools">
                    <button type="button" class="btn" id="fork-share" onclick={share}>{ text.share }</button>
                    <button type="button" class="btn" id="fork-keep-a" onclick={keep(Side::A)}>{ text.keep_a }</button>
                    <button type="button" class="btn" id="fork-keep-b" onclick={keep(Side::B)}>{ text.keep_b }</button>
                    <button type="button" class="btn" id="fork-close" onclick={close}>{ text.close }</button>
                </div>
            </header>
            <div class="fork-controls">
                <button type="button" class="btn icon" aria-label={text.to_fork} title={text.to_fork}
                    onclick={to_fork}>{ icon(ICON_START) }</button>
                <button type="button" class="btn icon primary" id="fork-play"
                    aria-label={if playing { text.pause } else { text.play }}
                    title={if playing { text.pause } else { text.play }}
                    onclick={toggle}>{ icon(if playing { ICON_PAUSE } else { ICON_PLAY }) }</button>
                <input type="range" class="fork-timeline" aria-label={text.timeline} min="0"
                    max={horizon.0.to_string()} step="1000" value={cursor.0.min(horizon.0).to_string()}
                    aria-valuetext={fmt_time(cursor)} oninput={seek} />
                <output class="fork-clock" id="fork-clock">{ fmt_time(cursor) }</output>
            </div>
            if busy {
                <p class="muted fork-loading" role="status">{ text.loading }</p>
            }
            <form class="fork-both" onsubmit={run_both}>
                <label for="fork-line">{ text.both_line }</label>
                <input type="text" id="fork-line" class="mono" placeholder={text.both_placeholder}
                    value={(*line).clone()} oninput={typed} maxlength="4096" />
                <button type="submit" class="btn">{ text.run_both }</button>
            </form>
            <div class="fork-sides">
                <SideStage side='a' label={spec.a.label.clone()} store={a.clone()} />
                <SideStage side='b' label={spec.b.label.clone()} store={b.clone()} />
            </div>
            { summary_markup(oa, ob, (&spec.a.label, &spec.b.label), text) }
        </div>
    }
}

/// Closes the fork; a fork link in the address bar goes with it.
fn leave(fork: &ForkHandle) {
    let hash = current_hash();
    if crate::ui::fork::route::fork_in_hash(&hash, crate::ui::i18n::Lang::En).is_some() {
        replace_hash("#");
    }
    fork.set(None);
}
