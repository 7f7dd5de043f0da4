//! The outcome table under the two stages: each metric for A and B and the difference in
//! words, then which mirrors were promoted; all from `sim::fork::outcome`.

use yew::prelude::*;

use crate::sim::fork::outcome::{differences, Difference, Metric, Outcome};
use crate::ui::fmt::fmt_span;
use crate::ui::i18n::fork::ForkText;
use crate::ui::i18n::lang::fill;

/// A metric's value as the table writes it (downtime as a span of time: `0 µs`, `700 ms`,
/// `1.5 s`).
pub fn value(m: Metric, v: u64) -> String {
    match m {
        Metric::Downtime => fmt_span(v as f64),
        _ => v.to_string(),
    }
}

/// The side with more, and how much more.
fn ahead(d: &Difference) -> (&'static str, &'static str, String) {
    if d.a > d.b {
        ("A", "B", value(d.metric, d.a - d.b))
    } else {
        ("B", "A", value(d.metric, d.b - d.a))
    }
}

/// The difference in a table cell: `B +10`.
pub fn compact(d: &Difference) -> String {
    let (side, _, by) = ahead(d);
    format!("{side} +{by}")
}

/// The difference as a sentence: which side has more of it, and by how much.
pub fn sentence(d: &Difference, text: &ForkText) -> String {
    let (side, other, by) = ahead(d);
    fill(
        text.more,
        &[
            ("side", side),
            ("other", other),
            ("n", &by),
            ("what", text.metric(d.metric)),
        ],
    )
}

/// The table, captioned with the two sides' labels.
pub fn summary_markup(a: &Outcome, b: &Outcome, labels: (&str, &str), text: &ForkText) -> Html {
    let diffs = differences(a, b);
    let rows: Html = Metric::ALL
        .iter()
        .map(|&m| {
            let d = diffs.iter().find(|d| d.metric == m);
            let harm = d.is_some() && m.is_harm();
            html! {
                <tr class={classes!(d.is_some().then_some("differs"), harm.then_some("harm"))}
                    data-metric={format!("{m:?}")}>
                    <th scope="row">{ text.metric(m) }</th>
                    <td data-side="a">{ value(m, m.of(a)) }</td>
                    <td data-side="b">{ value(m, m.of(b)) }</td>
                    <td title={d.map(|d| sentence(d, text))}>
                        { d.map_or_else(|| text.same.to_string(), compact) }
                    </td>
                </tr>
            }
        })
        .collect();
    let promoted = |o: &Outcome| {
        if o.promoted.is_empty() {
            text.promoted_none.to_string()
        } else {
            o.promoted
                .iter()
                .map(|(q, node)| format!("{q} → {node}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    // The harmful differences as sentences above the table; the table's last column has them
    // all, short.
    let words: Html = if diffs.is_empty() {
        html! { <p class="muted fork-none">{ text.no_difference }</p> }
    } else {
        diffs
            .iter()
            .filter(|d| d.metric.is_harm())
            .map(|d| html! { <p class="fork-sentence">{ sentence(d, text) }</p> })
            .collect()
    };
    html! {
        <section class="card fork-summary" aria-labelledby="fork-summary-h">
            <h2 id="fork-summary-h">{ text.summary }</h2>
            <div class="fork-words" aria-live="polite">{ words }</div>
            <div class="table-scroll">
                <table class="fork-table">
                    <thead>
                        <tr>
                            <th scope="col">{ text.metric }</th>
                            <th scope="col">{ format!("A · {}", labels.0) }</th>
                            <th scope="col">{ format!("B · {}", labels.1) }</th>
                            <th scope="col">{ text.difference }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { rows }
                        <tr data-metric="promoted-to">
                            <th scope="row">{ text.promoted_to }</th>
                            <td data-side="a">{ promoted(a) }</td>
                            <td data-side="b">{ promoted(b) }</td>
                            <td></td>
                        </tr>
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::sim::fork::pair::ForkPair;
    use crate::sim::fork::presets::preset;
    use crate::sim::fork::spec::ForkSpec;
    use crate::ui::i18n::fork::fork_text;
    use crate::ui::i18n::Lang;
    use crate::ui::ssr::render;

    /// The promote-on-shutdown preset over a master stopped with an unsynchronised mirror,
    /// summarised in English, then in Chinese.
    #[function_component]
    fn Probe() -> Html {
        let base = "cluster nodes=3\nseed 5\nclient app node=node1\napp declare s durable\napp confirm\napp publish s \"old\" count=10 persistent\nwait 100ms\nrabbitmqctl set_policy ha-nodes \"^s$\" '{\"ha-mode\":\"nodes\",\"ha-params\":[\"rabbit@node1\",\"rabbit@node2\"]}'\nwait 100ms\n";
        let (a, b) = preset("promote-on-shutdown").unwrap().variations();
        let mut spec = ForkSpec::new(base, a, b).unwrap();
        spec.after = "client pub node=node3\npub confirm\npub publish s \"new\" count=5 persistent\nwait 100ms\non node1: rabbitmqctl stop_app\nwait 1s\n".into();
        let (oa, ob, _) = ForkPair::loaded(spec).outcomes();
        let labels = ("when-synced", "always");
        html! {
            <>
                <div id="en">{ summary_markup(&oa, &ob, labels, fork_text(Lang::En)) }</div>
                <div id="zh">{ summary_markup(&oa, &ob, labels, fork_text(Lang::Zh)) }</div>
            </>
        }
    }

    #[test]
    fn the_table_says_which_side_lost_what_in_both_languages() {
        let html = render::<Probe>(());
        let (en, zh) = html.split_once("id=\"zh\"").unwrap();
        assert!(
            en.contains("Side B: 10 more confirmed messages lost than side A."),
            "{en}"
        );
        assert!(
            en.contains("A · when-synced") && en.contains("B · always"),
            "{en}"
        );
        assert!(en.contains("s → rabbit@node2"), "{en}");
        assert!(en.contains(">B +10<") && en.contains(">A +1.0 s<"), "{en}");
        assert!(zh.contains("B 边比 A 边多 10（已确认消息丢失）。"), "{zh}");
        assert!(zh.contains("分叉以来的结果"), "{zh}");
    }
}
