//! The lessons card: the course list (seed 000, seed 004, the extras) and the lesson player.
//! A lesson is data (`lessons/*.scn`, read by `course`); the player shows its steps, sends a
//! step's lines as scenario lines like every other action on the stage, and asks `course` whether
//! a step is done and whether a prediction was right.

use std::rc::Rc;

use gloo_events::EventListener;
use yew::prelude::*;

use crate::course::catalog::{self, Group};
use crate::course::{Bi, Lesson};
use crate::sim::scenario::player::Action;
use crate::ui::context::{load, load_generation, use_lang, use_slow_store, StoreHandle};
use crate::ui::guide::progress::Progress;
use crate::ui::guide::route::{self, Route};
use crate::ui::i18n::guide::{guide_text, GuideText};
use crate::ui::i18n::{fill, Lang};
use crate::ui::stage::anomalies::LossNotice;

fn bi(text: &Bi, lang: Lang) -> &str {
    match lang {
        Lang::En => &text.en,
        Lang::Zh => &text.zh,
    }
}

/// Opens lesson `index` at `step` (0-based): a fresh cluster brought to that step the scripted
/// way, at the lesson's speed, with its place in the URL.
pub fn open(store: &StoreHandle, index: usize, step: usize) -> Option<Progress> {
    let lesson = catalog::lessons().get(index)?;
    let step = step.min(lesson.steps.len().saturating_sub(1));
    store.dispatch(Action::Pause);
    load(store, lesson.scenario_before(step));
    if let Some(speed) = lesson.speed {
        store.dispatch(Action::SetSpeed(speed));
    }
    route::show(&lesson.id, step + 1);
    Some(Progress::open(index, step, load_generation()))
}

/// The lesson a `#lesson=` link names, or the message for an unknown one.
fn resolve(route: &Route) -> Result<(usize, usize), String> {
    catalog::lessons()
        .iter()
        .position(|l| l.id == route.lesson)
        .map(|i| (i, route.step - 1))
        .ok_or_else(|| route.lesson.clone())
}

fn group_label(group: Group, t: &GuideText) -> &'static str {
    match group {
        Group::Seed000 => t.group_000,
        Group::Seed004 => t.group_004,
        Group::Extra => t.group_extra,
    }
}

/// The course list: one option per lesson, grouped by seed, in course order (an option's index
/// is the lesson's index in the catalog).
fn options(picked: usize, lang: Lang, t: &GuideText) -> Html {
    let lessons = catalog::lessons();
    let mut groups: Vec<(Group, Vec<(usize, &Lesson)>)> = Vec::new();
    for (i, l) in lessons.iter().enumerate() {
        let g = Group::of(&l.section);
        match groups.last_mut() {
            Some((last, v)) if *last == g => v.push((i, l)),
            _ => groups.push((g, vec![(i, l)])),
        }
    }
    groups
        .into_iter()
        .map(|(g, v)| {
            let opts: Html = v
                .into_iter()
                .map(|(i, l)| {
                    html! {
                        <option selected={i == picked} value={l.id.clone()}>
                            { bi(&l.title, lang) }
                        </option>
                    }
                })
                .collect();
            html! { <optgroup label={group_label(g, t)}>{ opts }</optgroup> }
        })
        .collect()
}

/// The lessons card.
#[function_component]
pub fn LessonsCard() -> Html {
    let store = use_slow_store();
    let lang = use_lang();
    let t = guide_text(lang);
    let picked = use_state_eq(|| 0usize);
    let running = use_state_eq(|| None::<Progress>);
    let unknown = use_state_eq(|| None::<String>);
    // Whether the course list can be shown: at once when the lessons are embedded, once they
    // have arrived when the page fetches them; `fetch_failed` says why they did not.
    let ready = use_state_eq(catalog::loaded);
    let fetch_failed = use_state_eq(|| None::<String>);
    #[cfg(feature = "fetched-lessons")]
    {
        let ready = ready.clone();
        let fetch_failed = fetch_failed.clone();
        use_effect_with((), move |_| {
            if !catalog::loaded() {
                yew::platform::spawn_local(async move {
                    match crate::ui::guide::fetch::lesson_files().await {
                        Ok(files) => {
                            catalog::install(&files);
                            ready.set(true);
                        }
                        Err(why) => fetch_failed.set(Some(why)),
                    }
                });
            }
        });
    }
    {
        // The lesson the URL names, on arrival (once the lessons are there) and whenever the
        // hash changes.
        let store = store.clone();
        let running = running.clone();
        let picked = picked.clone();
        let unknown = unknown.clone();
        use_effect_with(*ready, move |ready| {
            let listener = ready.then(|| {
                let follow: Rc<dyn Fn()> = Rc::new(move || {
                    let Some(r) = route::current() else {
                        return;
                    };
                    match resolve(&r) {
                        Ok((i, step)) => {
                            picked.set(i);
                            unknown.set(None);
                            running.set(open(&store, i, step));
                        }
                        Err(id) => unknown.set(Some(id)),
                    }
                });
                follow();
                crate::ui::context::browser()
                    .map(|w| EventListener::new(&w, "hashchange", move |_| follow()))
            });
            move || drop(listener)
        });
    }
    let on_pick = {
        let picked = picked.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                let n = catalog::lessons().len();
                picked.set((s.selected_index().max(0) as usize).min(n.saturating_sub(1)));
            }
        })
    };
    let on_load = {
        let store = store.clone();
        let running = running.clone();
        let unknown = unknown.clone();
        let idx = *picked;
        Callback::from(move |_: MouseEvent| {
            unknown.set(None);
            running.set(open(&store, idx, 0));
        })
    };
    // The player follows the cluster: a lesson ends when another session is loaded, and a
    // revealed answer is scored once the step's lines have finished running.
    let progress = (*running).and_then(|p| {
        if p.generation != load_generation() {
            return None;
        }
        let player = store.player();
        Some(if player.busy().is_none() {
            p.settle(player.view_run())
        } else {
            p
        })
    });
    if progress != *running {
        running.set(progress);
    }
    let player = progress.map(|p| {
        let l = p.lesson();
        html! {
            <>
                <p class="muted lesson-where">{ format!("{} · {}", l.section, bi(&l.title, lang)) }</p>
                { player_markup(&store, &running, p, lang, t) }
            </>
        }
    });
    html! {
        <section class="card lessons" aria-labelledby="lessons-h">
            <h2 id="lessons-h">{ t.heading }</h2>
            <div class="lesson-pick">
                if *ready {
                    <select aria-label={t.pick} onchange={on_pick}>{ options(*picked, lang, t) }</select>
                } else {
                    <select aria-label={t.pick} disabled=true><option>{ t.loading }</option></select>
                }
                <button type="button" class="btn" disabled={!*ready} onclick={on_load}>{ t.load }</button>
            </div>
            if let Some(why) = (*fetch_failed).clone() {
                <p class="notice error" role="alert">{ fill(t.fetch_failed, &[("why", &why)]) }</p>
            }
            if let Some(id) = (*unknown).clone() {
                <p class="notice error" role="alert">{ fill(t.unknown, &[("id", &id)]) }</p>
            }
            <LossNotice />
            { player.unwrap_or_default() }
        </section>
    }
}

/// A button that replaces the lesson's state with `f(progress)` and shows the new step in the
/// URL.
fn nav(
    running: &UseStateHandle<Option<Progress>>,
    p: Progress,
    f: fn(Progress) -> Progress,
) -> Callback<MouseEvent> {
    let running = running.clone();
    Callback::from(move |_: MouseEvent| {
        let next = f(p);
        route::show(
            &next.lesson().id,
            next.step.min(next.lesson().steps.len() - 1) + 1,
        );
        running.set(Some(next));
    })
}

fn player_markup(
    store: &StoreHandle,
    running: &UseStateHandle<Option<Progress>>,
    p: Progress,
    lang: Lang,
    t: &'static GuideText,
) -> Html {
    let lesson = p.lesson();
    let n = lesson.steps.len();
    let score = (p.asked > 0).then(|| {
        html! {
            <p class="muted lesson-score">{ fill(t.score, &[("r", &p.right.to_string()), ("n", &p.asked.to_string())]) }</p>
        }
    });
    let restart = {
        let store = store.clone();
        let running = running.clone();
        let index = p.lesson;
        Callback::from(move |_: MouseEvent| running.set(open(&store, index, 0)))
    };
    let back = nav(running, p, Progress::back);
    let Some(step) = p.current() else {
        return html! {
            <div class="lesson-step" aria-live="polite">
                <p class="lesson-done">{ t.finished }</p>
                { score.unwrap_or_default() }
                <div class="lesson-nav">
                    <button type="button" class="btn" onclick={back}>{ t.back }</button>
                    <button type="button" class="btn" onclick={restart}>{ t.restart }</button>
                </div>
            </div>
        };
    };
    let (run_at_cursor_done, busy) = {
        let player = store.player();
        (p.done(player.view_run()), player.busy().is_some())
    };
    let run_lines = {
        let store = store.clone();
        let running = running.clone();
        Callback::from(move |_: MouseEvent| {
            for line in p.lines_to_run() {
                store.dispatch(Action::Input(line.clone()));
            }
            running.set(Some(p.mark_ran()));
        })
    };
    let say: Html = bi(&step.say, lang)
        .lines()
        .map(|para| html! { <p>{ para }</p> })
        .collect();
    let quote = step.quote.as_ref().map(|q| {
        html! {
            <blockquote class="seed-quote" lang="zh-CN">
                <span class="muted">{ t.seed_says }</span>{ q.clone() }
            </blockquote>
        }
    });
    let predict = step.predict.as_ref().map(|pred| {
        let revealed = p.ran;
        let choices: Html = pred
            .choices
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let onchange = {
                    let running = running.clone();
                    Callback::from(move |_: Event| running.set(Some(p.pick(i))))
                };
                let mark = p.verdict.and_then(|v| {
                    if v.right == Some(i) {
                        Some("choice-right")
                    } else if v.picked == i {
                        Some("choice-wrong")
                    } else {
                        None
                    }
                });
                html! {
                    <label class={classes!("lesson-choice", mark)}>
                        <input type="radio" name="lesson-predict" checked={p.picked == Some(i)}
                            disabled={revealed} {onchange} />
                        { bi(&c.text, lang) }
                    </label>
                }
            })
            .collect();
        let verdict = p.verdict.map(|v| {
            let said = match v.right {
                Some(_) if v.correct() => t.right.to_string(),
                Some(r) => format!(
                    "{} {}",
                    t.wrong,
                    fill(t.was, &[("c", bi(&pred.choices[r].text, lang))])
                ),
                None => t.off_script.to_string(),
            };
            let class = if v.correct() { "right" } else { "wrong" };
            html! { <p class={classes!("lesson-verdict", class)}>{ said }</p> }
        });
        html! {
            <fieldset class="lesson-predict">
                <legend>{ format!("{}: {}", t.predict, bi(&pred.question, lang)) }</legend>
                { choices }
                if !revealed {
                    <button type="button" class="btn primary" title={t.reveal_hint}
                        disabled={p.picked.is_none()} onclick={run_lines.clone()}>{ t.reveal }</button>
                }
                { verdict.unwrap_or_default() }
                if revealed && !busy {
                    <p class="lesson-explain">{ bi(&pred.explain, lang) }</p>
                }
            </fieldset>
        }
    });
    let state = if run_at_cursor_done {
        t.done
    } else if step.checks.is_empty() {
        t.not_done_free
    } else {
        t.not_done
    };
    let note = step
        .note
        .as_ref()
        .filter(|_| run_at_cursor_done)
        .map(|note| html! { <p class="lesson-note">{ bi(note, lang) }</p> });
    let next = nav(running, p, Progress::next);
    html! {
        <div class="lesson-step" aria-live="polite">
            <p class="tool-label">{ fill(t.progress, &[("i", &(p.step + 1).to_string()), ("n", &n.to_string())]) }</p>
            { say }
            { quote.unwrap_or_default() }
            { predict.unwrap_or_default() }
            if !step.lines.is_empty() {
                <pre class="lines" aria-label={t.lines}>{ step.lines.join("\n") }</pre>
                <button type="button" class={classes!("btn", (step.predict.is_none()).then_some("primary"))}
                    title={t.do_it_hint} disabled={p.ran} onclick={run_lines}>{ t.do_it }</button>
            }
            <p class={classes!("lesson-check", run_at_cursor_done.then_some("done"))}>{ state }</p>
            { note.unwrap_or_default() }
            { score.unwrap_or_default() }
            <div class="lesson-nav">
                <button type="button" class="btn" disabled={p.step == 0} onclick={back}>{ t.back }</button>
                <button type="button" class="btn" onclick={next}>{ t.next }</button>
                <button type="button" class="btn" onclick={restart}>{ t.restart }</button>
            </div>
        </div>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::sim::scenario::player::Player;
    use crate::ui::context::Store;
    use crate::ui::ssr::render;

    #[function_component]
    fn Card() -> Html {
        let store = use_reducer(|| Store::new(Player::new()));
        html! {
            <ContextProvider<StoreHandle> context={store}>
                <LessonsCard />
            </ContextProvider<StoreHandle>>
        }
    }

    #[test]
    fn the_course_list_is_grouped_by_seed_in_course_order() {
        let html = render::<Card>(());
        let g000 = html.find("Seed 000").expect("the seed 000 group");
        assert!(html.contains("Stop the master: a slave takes over"));
        if let Some(extra) = html.find("Beyond the seeds") {
            assert!(g000 < extra);
        }
        // Every lesson is listed once, in the catalog's order.
        let mut at = 0;
        for l in catalog::lessons() {
            let i = html[at..]
                .find(&format!("value=\"{}\"", l.id))
                .unwrap_or_else(|| panic!("{} listed in order", l.id));
            at += i + 1;
        }
    }
}
