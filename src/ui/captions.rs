//! The scenario's narration on the page: [`CaptionBar`], the caption in force at the cursor,
//! and [`Chapters`], the marks as buttons that seek. Both read the present run's
//! [`Narration`](crate::sim::scenario::captions::Narration), which holds every caption of the
//! session whatever moment is on display, so moving the cursor costs one binary search;
//! [`chapter_ticks`] puts the marks on the timeline.

use yew::prelude::*;

use crate::put;
use crate::sim::scenario::captions::Mark;
use crate::sim::scenario::player::Action;
use crate::sim::scenario::print::duration_text;
use crate::sim::time::Micros;
use crate::ui::context::{use_lang, use_store};
use crate::ui::fmt::Fixed;
use crate::ui::i18n::lang::{fill, Lang};
use crate::ui::i18n::share::share_text;
use crate::ui::markup::esc;

/// The caption in force at the cursor, in the page's language (Chinese falls back to
/// English). The region is always there, so screen readers announce each new caption.
#[function_component]
pub fn CaptionBar() -> Html {
    let store = use_store();
    let lang = use_lang();
    let player = store.player();
    let narration = &player.session.run.narration;
    let caption = narration
        .caption_at(player.cursor)
        .map(|c| c.text(lang == Lang::Zh).to_string());
    let any = !narration.captions.is_empty();
    html! {
        <div class={classes!("caption-bar", (!any).then_some("empty"))} aria-live="polite"
            role="region" aria-label={share_text(lang).caption_label}>
            if let Some(text) = caption {
                <p class="caption-text">{ text }</p>
            }
        </div>
    }
}

/// The marks as a list of chapters; each button seeks to its mark. Nothing when the run has
/// no marks.
#[function_component]
pub fn Chapters() -> Html {
    let store = use_store();
    let lang = use_lang();
    let text = share_text(lang);
    let player = store.player();
    let marks = &player.session.run.narration.marks;
    if marks.is_empty() {
        return html! {};
    }
    let current = player.session.run.narration.chapter_at(player.cursor);
    let items: Html = marks
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let at = m.at;
            let onclick = {
                let store = store.clone();
                Callback::from(move |_: MouseEvent| store.dispatch(Action::Seek(at)))
            };
            let label = fill(
                text.chapter_go,
                &[("name", &m.name), ("t", &duration_text(m.at.0))],
            );
            let here = current == Some(i);
            html! {
                <li>
                    <button type="button" class={classes!("chapter", here.then_some("current"))}
                        aria-label={label} aria-current={here.then_some("true")} {onclick}>
                        <span class="chapter-time">{ duration_text(m.at.0) }</span>
                        <span class="chapter-name">{ m.name.clone() }</span>
                    </button>
                </li>
            }
        })
        .collect();
    html! {
        <nav class="chapters" aria-label={text.chapters_heading}>
            <h3>{ text.chapters_heading }</h3>
            <ol>{ items }</ol>
        </nav>
    }
}

/// The marks as chapter ticks over the timeline (markup for its delegated click handler,
/// which seeks to a tick's `data-seek`), each named by its mark: the timeline's own list of
/// chapters, placed against `horizon` as the other marks are.
pub fn chapter_ticks(marks: &[Mark], horizon: Micros) -> String {
    if marks.is_empty() {
        return String::new();
    }
    let scale = 100.0 / horizon.0.max(1) as f64;
    let mut out = String::from(r#"<div class="marks chapter-marks">"#);
    for m in marks {
        let name = esc(&m.name);
        put!(
            out,
            r#"<button type="button" class="mark mark-chapter" style="left:{}%" title="{name}" aria-label="{name}" data-seek="{}"></button>"#,
            Fixed((m.at.0 as f64 * scale).clamp(0.0, 100.0), 2),
            m.at.0
        );
    }
    out.push_str("</div>");
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::sim::scenario::player::Player;
    use crate::sim::scenario::Session;
    use crate::ui::context::{Store, StoreHandle};
    use crate::ui::ssr::render;

    #[derive(Properties, PartialEq)]
    struct HarnessProps {
        scenario: &'static str,
        lang: Lang,
        cursor: Micros,
    }

    #[function_component]
    fn Harness(props: &HarnessProps) -> Html {
        let (text, cursor) = (props.scenario, props.cursor);
        let store = use_reducer(move || {
            let mut p = Player::from_session(Session::from_scenario(text).expect("valid scenario"));
            p.apply(Action::Seek(cursor));
            Store::new(p)
        });
        html! {
            <ContextProvider<StoreHandle> context={store}>
                <ContextProvider<Lang> context={props.lang}>
                    <CaptionBar />
                    <Chapters />
                </ContextProvider<Lang>>
            </ContextProvider<StoreHandle>>
        }
    }

    const NARRATED: &str = "cluster nodes=2\ncaption \"First\" zh=\"第一\"\nmark \"start\"\n\
        wait 1s\ncaption \"Second only in English\" for=1s\nmark \"crash\"\nkill node2\nwait 5s\n";

    fn render_at(lang: Lang, ms: u64) -> String {
        render::<Harness>(HarnessProps {
            scenario: NARRATED,
            lang,
            cursor: Micros::from_ms(ms),
        })
    }

    #[test]
    fn the_bar_shows_the_caption_in_force_in_the_page_language() {
        let html = render_at(Lang::En, 500);
        assert!(html.contains("aria-live=\"polite\""), "{html}");
        assert!(html.contains(">First</p>"), "{html}");
        assert!(render_at(Lang::Zh, 500).contains(">第一</p>"));
        // No Chinese text: the English one.
        assert!(render_at(Lang::Zh, 1500).contains(">Second only in English</p>"));
        // Its for=1s is over.
        let after = render_at(Lang::En, 2500);
        assert!(!after.contains("caption-text"), "{after}");
        assert!(after.contains("aria-label=\"Caption\""), "{after}");
    }

    #[test]
    fn chapters_list_the_marks_with_the_current_one() {
        let html = render_at(Lang::En, 1500);
        assert!(html.contains("aria-label=\"Go to start (0s)\""), "{html}");
        assert!(html.contains("aria-label=\"Go to crash (1s)\""), "{html}");
        assert_eq!(html.matches("aria-current=\"true\"").count(), 1);
        let current = html.find("aria-current").expect("current");
        assert!(html[current..].contains("crash"));
        assert!(render_at(Lang::Zh, 0).contains(">章节</h3>"));
    }

    #[test]
    fn chapter_ticks_sit_at_their_marks_and_seek() {
        let s = Session::from_scenario(NARRATED).expect("valid");
        let html = chapter_ticks(&s.run.narration.marks, Micros::from_secs(4));
        assert!(
            html.contains(r#"class="mark mark-chapter" style="left:25.00%" title="crash" aria-label="crash" data-seek="1000000""#),
            "{html}"
        );
        assert!(
            html.contains(r#"style="left:0.00%" title="start""#),
            "{html}"
        );
        assert_eq!(chapter_ticks(&[], Micros::from_secs(1)), "");
        let odd = [Mark {
            at: Micros::from_secs(9),
            name: "<b>\"x\"".into(),
        }];
        let html = chapter_ticks(&odd, Micros::from_secs(4));
        assert!(
            html.contains("left:100.00%") && html.contains("title=\"&lt;b&gt;&quot;x&quot;\""),
            "{html}"
        );
    }

    #[test]
    fn a_run_without_narration_draws_no_chapters_and_an_empty_bar() {
        let html = render::<Harness>(HarnessProps {
            scenario: "cluster nodes=2\nwait 1s\n",
            lang: Lang::En,
            cursor: Micros::ZERO,
        });
        assert!(!html.contains("chapters"), "{html}");
        assert!(html.contains("caption-bar empty"), "{html}");
    }
}
