//! The event log: the live trace as rows (time, kind, what happened), the row at the cursor
//! highlighted and kept in view, later rows dimmed; choosing a row moves the clock there and
//! opens it in the inspector. Only the rows in view are in the DOM, so a long run stays fast.

use std::rc::Rc;

use yew::prelude::*;
use yew::virtual_dom::{Key, VList};

use crate::put;
use crate::sim::trace::{Importance, Trace, TraceEvent, TraceKind};
use crate::ui::context::use_lang;
use crate::ui::context::use_store;
use crate::ui::context::{use_derived, use_index, Shared, StoreRef, TraceIndex};
use crate::ui::context::{use_selection, Selection};
use crate::ui::fmt::{fmt_time, Fixed};
use crate::ui::i18n::Lang;
use crate::ui::kept::{ByPtr, Kept};
use crate::ui::markup::{esc, on_click};
use crate::ui::stage::inspector::event_text;
use crate::ui::stage::kinds::kind_class;

/// Height of one row, in CSS pixels (the stylesheet uses the same).
pub const ROW_H: f64 = 24.0;
/// Rows drawn above and below the visible ones.
const OVERSCAN: usize = 8;
/// The rows are drawn in groups of this many positions; the rows drawn start and end on a
/// group's boundary.
const GROUP: usize = 8;

/// More rows than the list shows at once (320 px of 24 px rows).
const BUSY_ROWS: usize = 14;

/// Which entries the log lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    All,
    /// The reader's inputs, state changes and losses (no message traffic).
    Key,
}

/// Indices of the trace entries the filter keeps (the index keeps them for the live trace).
pub fn filtered(trace: &Trace, filter: Filter) -> Vec<usize> {
    trace
        .addressed()
        .filter(|(_, e)| filter == Filter::All || !matches!(e.kind, TraceKind::Send { .. }))
        .map(|(i, _)| i)
        .collect()
}

/// The log's rows: every entry, or the index's key entries.
fn row_count(index: &TraceIndex, filter: Filter) -> usize {
    match filter {
        Filter::All => index.len - index.base,
        Filter::Key => index.key_rows.len(),
    }
}

fn row_at(index: &TraceIndex, filter: Filter, pos: usize) -> usize {
    match filter {
        Filter::All => index.base + pos,
        Filter::Key => index.key_rows[pos],
    }
}

/// Position of the first row at or after trace entry `i`.
fn row_pos(index: &TraceIndex, filter: Filter, i: usize) -> usize {
    match filter {
        Filter::All => i.clamp(index.base, index.len) - index.base,
        Filter::Key => index.key_rows.partition_point(|&k| k < i),
    }
}

/// The class of a row.
fn row_class(e: &TraceEvent) -> &'static str {
    match &e.kind {
        TraceKind::Input { .. } => "r-input",
        TraceKind::Send { kind, .. } => kind_class(*kind),
        TraceKind::Lost { .. } => "r-lost",
        TraceKind::State {
            importance: Importance::Notable,
            ..
        } => "r-notable",
        TraceKind::State { .. } => "r-state",
    }
}

/// What the visible rows depend on (they are redrawn when any of it changes).
#[derive(PartialEq)]
struct RowsKey {
    store: StoreRef,
    index: Shared<TraceIndex>,
    /// The index's version (redraw when the trace grows or forks).
    version: u64,
    filter: Filter,
    first: usize,
    last: usize,
    selected: Option<usize>,
    /// Trace entries that caused an anomaly.
    causes: Rc<Vec<usize>>,
    lang: Lang,
}

/// The visible rows as markup, in groups of [`GROUP`] positions (the group's number, its
/// markup): a group whose rows did not change keeps its DOM when the rows are redrawn. Where the
/// clock stands (the current row, the future ones) is not in it: [`mark_reached`] sets that on
/// the drawn rows, so that the clock moving does not re-create them.
fn rows_markup(props: &RowsKey) -> Vec<(usize, AttrValue)> {
    let text = props.lang.text();
    let player = props.store.player();
    let live = &player.session.run.sim;
    let index = props.index.0.borrow();
    let last = props.last.min(row_count(&index, props.filter));
    let mut groups = Vec::new();
    let mut out = String::with_capacity(1024);
    for pos in props.first.min(last)..last {
        if pos % GROUP == 0 && !out.is_empty() {
            groups.push((pos / GROUP - 1, AttrValue::from(std::mem::take(&mut out))));
        }
        let i = row_at(&index, props.filter, pos);
        let Some(e) = live.trace.get(i) else { continue };
        let kind = match &e.kind {
            TraceKind::Send { kind, .. } => text.kind_name(*kind),
            TraceKind::Lost { .. } => text.lost,
            _ => "",
        };
        put!(
            out,
            r#"<li class="log-row {}{}{}" style="top:{}px"><button type="button" data-seek="{}" data-sel="e{i}"><span class="log-time">{}</span>"#,
            row_class(e),
            if props.selected == Some(i) {
                " selected"
            } else {
                ""
            },
            if props.causes.contains(&i) {
                " cause"
            } else {
                ""
            },
            Fixed(pos as f64 * ROW_H, 0),
            e.at.0,
            fmt_time(e.at)
        );
        if !kind.is_empty() {
            put!(out, r#"<span class="log-kind">{}</span>"#, esc(kind));
        }
        put!(
            out,
            r#"<span class="log-text">{}</span></button></li>"#,
            esc(&event_text(live, i, text))
        );
    }
    if !out.is_empty() {
        groups.push((last.saturating_sub(1) / GROUP, AttrValue::from(out)));
    }
    drop(index);
    drop(player);
    groups
}

/// Marks the drawn rows of `list` by where the clock stands: `reached` entries are at or
/// before the cursor, the last of them current, the rest future. Only the rows whose mark
/// changed are written to (reading attributes is not layout).
fn mark_reached(list: &web_sys::Element, reached: usize, future_title: &str) {
    let current = reached.checked_sub(1);
    let mut row = list.first_element_child();
    while let Some(li) = row {
        row = li.next_element_sibling();
        let Some(button) = li.first_element_child() else {
            continue;
        };
        let Some(i) = button
            .get_attribute("data-sel")
            .and_then(|s| s.strip_prefix('e').and_then(|n| n.parse::<usize>().ok()))
        else {
            continue;
        };
        let (future, now) = (i >= reached, Some(i) == current);
        let class = li.get_attribute("class").unwrap_or_default();
        let mut want: Vec<&str> = class
            .split(' ')
            .filter(|c| !c.is_empty() && *c != "future" && *c != "current")
            .collect();
        if future {
            want.push("future");
        }
        if now {
            want.push("current");
        }
        let want = want.join(" ");
        if want != class {
            let _ = li.set_attribute("class", &want);
            let _ = if now {
                button.set_attribute("aria-current", "time")
            } else {
                button.remove_attribute("aria-current")
            };
            let _ = if future {
                button.set_attribute("title", future_title)
            } else {
                button.remove_attribute("title")
            };
        }
    }
}

#[derive(Properties, PartialEq)]
struct LogListProps {
    filter: Filter,
    follow: bool,
}

/// The rows, following the clock. While playing, the row at the cursor moves at most ten
/// times a second (four when rows pass faster than the list shows them): faster than that no
/// one reads it, and each move costs a redraw.
#[function_component]
fn LogList(props: &LogListProps) -> Html {
    let store = use_store();
    let lang = use_lang();
    let text = lang.text();
    let selection = use_selection();
    let derived = use_derived();
    let index = use_index();
    // Where the list is scrolled, as last written or read: kept out of Yew's state, so that
    // the list's own scroll events do not redraw it (see `onscroll`).
    let scroll = use_mut_ref(|| 0.0f64);
    let viewport = use_state_eq(|| 320.0f64);
    let redraw = use_force_update();
    // What the rows show: (when, entries reached, index version, rows), taken at most ten
    // times a second while playing.
    let shown = use_mut_ref(|| (f64::NEG_INFINITY, 0usize, 0u64, 0usize));
    // The rows drawn last ([first, last) positions), and the scroll position the log last
    // followed the clock to (with the row it followed).
    let drawn = use_mut_ref(|| (0usize, 0usize));
    let followed = use_mut_ref(|| None::<(usize, f64)>);
    let list_ref = use_node_ref();
    let player = store.player();
    let live = &player.session.run.sim;
    // A log mounted without the app's index keeps its own.
    index.0.borrow_mut().update(&live.trace);
    let (version, rows) = {
        let ix = index.0.borrow();
        (ix.version, row_count(&ix, props.filter))
    };
    let exact = live.trace.partition_point(|e| e.at <= player.cursor);
    let (reached, version, count) = {
        let now = crate::ui::context::wall_ms().unwrap_or(f64::INFINITY);
        let mut s = shown.borrow_mut();
        // A trace that grows while playing is shown as it was at the last refresh; one that
        // shrank or forked (fewer rows) is shown at once. When more rows pass in a tenth of a
        // second than the list shows (1× on a busy cluster), no one reads them either way:
        // the list then moves four times a second, each move re-creating every row in view.
        let interval = if exact.abs_diff(s.1) > BUSY_ROWS {
            250.0
        } else {
            100.0
        };
        let stale = !player.playing || now - s.0 >= interval || exact < s.1 || rows < s.3;
        if stale {
            *s = (now, exact, version, rows);
        }
        (s.1, s.2, s.3)
    };
    let playing = player.playing;
    drop(player);
    let current_pos = row_pos(&index.0.borrow(), props.filter, reached);
    let causes = {
        let derived = derived.clone();
        use_memo(derived.structure, move |_| {
            derived
                .anomalies
                .iter()
                .filter_map(|a| a.cause.as_ref().map(|c| c.0))
                .collect::<Vec<_>>()
        })
    };

    // Keep the current row in view while following the clock. The position is worked out
    // here, so the rows below are drawn for it in this same render; the effect only writes it
    // to the list (never reading the layout back), at the start of the next frame while
    // playing, when the layout is still clean.
    let vp = *viewport;
    let follow_to = if props.follow {
        // Within the list's scroll range, as the browser would clamp it: its scroll event then
        // reports this same position.
        let top = (current_pos as f64 * ROW_H - vp + ROW_H * 2.0)
            .min(count as f64 * ROW_H - vp)
            .max(0.0);
        let mut f = followed.borrow_mut();
        if f.is_none_or(|(pos, at)| pos != current_pos || at != top) {
            *f = Some((current_pos, top));
            *scroll.borrow_mut() = top;
            Some(top)
        } else {
            None
        }
    } else {
        *followed.borrow_mut() = None;
        None
    };
    {
        let list_ref = list_ref.clone();
        use_effect_with(follow_to.map(f64::to_bits), move |top| {
            if let Some(top) = top.map(f64::from_bits) {
                crate::ui::clock::frame::before_next_frame(move || {
                    if let Some(el) = list_ref.cast::<web_sys::Element>() {
                        el.set_scroll_top(top as i32);
                    }
                });
            }
        });
    }
    // A scroll redraws the rows only when it brings rows into view that are not drawn (the
    // rows around the view are drawn ahead): the list's own follow moves stay within them.
    let onscroll = {
        let scroll = scroll.clone();
        let viewport = viewport.clone();
        let drawn = drawn.clone();
        Callback::from(move |e: Event| {
            if let Some(el) = e.target_dyn_into::<web_sys::Element>() {
                let top = el.scroll_top() as f64;
                let height = el.client_height() as f64;
                *scroll.borrow_mut() = top;
                viewport.set(height);
                let (first, last) = *drawn.borrow();
                let seen_first = (top / ROW_H) as usize;
                let seen_last = ((top + height) / ROW_H).ceil() as usize;
                if seen_first < first || seen_last.min(count) > last {
                    redraw.force_update();
                }
            }
        })
    };
    let top = *scroll.borrow();
    // Following a playing clock, the rows pass faster than anyone scrolls: rows drawn ahead
    // would only be re-created at the next move (a scroll by hand still draws what it shows).
    let overscan = if props.follow && playing { 0 } else { OVERSCAN };
    let first = ((top / ROW_H) as usize).saturating_sub(overscan).min(count) / GROUP * GROUP;
    let last = ((((top + vp) / ROW_H) as usize) + overscan)
        .div_ceil(GROUP)
        .saturating_mul(GROUP)
        .min(count);
    *drawn.borrow_mut() = (first, last);
    let selected = match *selection {
        Some(Selection::Event(i)) => Some(i),
        _ => None,
    };
    let rows_html = use_memo(
        RowsKey {
            store: StoreRef(store.clone()),
            index: index.clone(),
            version,
            filter: props.filter,
            first,
            last,
            selected,
            causes,
            lang,
        },
        |key| {
            rows_markup(key)
                .into_iter()
                .map(|(k, m)| {
                    Html::from(VList::with_children(
                        vec![Html::from_html_unchecked(m)],
                        Some(Key::from(k)),
                    ))
                })
                .collect::<Html>()
        },
    );
    {
        let list_ref = list_ref.clone();
        let rows = ByPtr(rows_html.clone());
        use_effect_with((reached, rows, lang), move |(reached, _, lang)| {
            if let Some(list) = list_ref.cast::<web_sys::Element>() {
                mark_reached(&list, *reached, lang.text().log_future);
            }
        });
    }
    html! {
        <>
            if count == 0 {
                <p class="muted">{ text.log_empty }</p>
            }
            <ol class="log" ref={list_ref} {onscroll} aria-label={text.log_rows}
                onclick={on_click(&store, &selection, None)}>
                <li class="log-spacer" aria-hidden="true" style={format!("height:{}px", count as f64 * ROW_H)} />
                <Kept html={rows_html} />
            </ol>
        </>
    }
}

/// The log card.
#[function_component]
pub fn EventLog() -> Html {
    let lang = use_lang();
    let text = lang.text();
    let filter = use_state_eq(|| Filter::All);
    let follow = use_state_eq(|| true);
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                filter.set(if s.selected_index() == 1 {
                    Filter::Key
                } else {
                    Filter::All
                });
            }
        })
    };
    let on_follow = {
        let follow = follow.clone();
        Callback::from(move |e: Event| {
            if let Some(c) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                follow.set(c.checked());
            }
        })
    };
    html! {
        <section class="card log-card" aria-labelledby="log-h">
            <div class="card-head">
                <h2 id="log-h">{ text.log_heading }</h2>
                <div class="log-tools">
                    <label>
                        <span class="tool-label">{ text.log_filter }</span>
                        <select onchange={on_filter}>
                            <option selected={*filter == Filter::All}>{ text.log_all }</option>
                            <option selected={*filter == Filter::Key}>{ text.log_key }</option>
                        </select>
                    </label>
                    <label class="check">
                        <input type="checkbox" checked={*follow} onchange={on_follow} />
                        { text.log_follow }
                    </label>
                </div>
            </div>
            <LogList filter={*filter} follow={*follow} />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::Session;
    use crate::sim::time::Micros;

    #[test]
    fn the_key_filter_drops_message_traffic() {
        let mut s = Session::new(&["cluster nodes=3"]).unwrap();
        s.apply("client app node=node1").unwrap();
        s.apply("app declare q").unwrap();
        s.apply("app publish q \"m\" count=3").unwrap();
        s.advance_to(Micros::from_ms(20));
        let trace = &s.run.sim.trace;
        let all = filtered(trace, Filter::All);
        let key = filtered(trace, Filter::Key);
        assert_eq!(all.len(), trace.len());
        assert!(key.len() < all.len());
        assert!(key
            .iter()
            .all(|&i| !matches!(trace[i].kind, TraceKind::Send { .. })));
        assert!(key
            .iter()
            .any(|&i| matches!(trace[i].kind, TraceKind::Input { .. })));
    }
}
