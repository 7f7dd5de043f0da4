//! The stage's exchange strip: the user-declared exchanges drawn as cluster-wide objects on
//! no node (a row along the top of the wide ring, the two free top corners of the phone's
//! columns), each with thin lines to the masters of the queues bound to it. Nothing is drawn
//! while only the predeclared exchanges exist. A component of its own, fed by props the stage
//! computes from the view with [`strip_items`], so the stage's re-rendering stays its own.

use yew::prelude::*;

use crate::sim::engine::Sim;
use crate::sim::exchanges::record::{DestKind, PREDECLARED};
use crate::ui::i18n::exchanges::exchanges_text;
use crate::ui::i18n::lang::{fill, Lang};
use crate::ui::stage::layout::{Frame, Geometry, Point};

/// A pill's height and the gap between pills.
const PILL_H: f64 = 22.0;
const GAP: f64 = 6.0;
/// Characters of a name a pill shows before an ellipsis.
const NAME_CHARS: usize = 16;

/// One drawn exchange (or the last slot's "+N more").
#[derive(Debug, Clone, PartialEq)]
pub struct StripItem {
    /// Top-left corner and width of its pill.
    pub at: Point,
    pub width: f64,
    /// The name as drawn (shortened), and in full with its type for the tooltip.
    pub label: String,
    pub full: String,
    /// Where each binding's line ends: the bound queue's master.
    pub targets: Vec<Point>,
    /// Exchanges not drawn, on the last slot instead of an exchange.
    pub more: Option<usize>,
}

/// The pills' places: six along the top of the wide frame (above the first card), four in
/// each top corner of the narrow one (beside the first card, above the columns).
fn slots(frame: Frame) -> Vec<(Point, f64)> {
    match frame {
        Frame::Wide => (0..6)
            .map(|i| {
                (
                    Point {
                        x: 12.0 + 164.0 * i as f64,
                        y: 8.0,
                    },
                    152.0,
                )
            })
            .collect(),
        Frame::Narrow => (0..8)
            .map(|i| {
                let x = if i < 4 { 4.0 } else { 330.0 };
                let y = 6.0 + (PILL_H + GAP) * (i % 4) as f64;
                (Point { x, y }, 146.0)
            })
            .collect(),
    }
}

fn short(name: &str) -> String {
    if name.chars().count() <= NAME_CHARS {
        name.to_string()
    } else {
        let mut s: String = name.chars().take(NAME_CHARS - 1).collect();
        s.push('…');
        s
    }
}

/// What the strip draws for `sim` laid out as `geometry`.
pub fn strip_items(sim: &Sim, geometry: &Geometry, frame: Frame) -> Vec<StripItem> {
    let declared: Vec<_> = sim
        .exchanges
        .exchanges
        .iter()
        .filter(|x| !PREDECLARED.iter().any(|p| p.0 == x.name))
        .collect();
    let slots = slots(frame);
    let shown = if declared.len() > slots.len() {
        slots.len() - 1
    } else {
        declared.len()
    };
    let mut items: Vec<StripItem> = declared
        .iter()
        .zip(&slots)
        .take(shown)
        .map(|(x, &(at, width))| {
            let targets = sim
                .exchanges
                .bindings
                .iter()
                .filter(|b| {
                    b.vhost == x.vhost && b.source == x.name && b.dest_kind == DestKind::Queue
                })
                .filter_map(|b| sim.find_queue(&b.vhost, &b.dest))
                .filter_map(|q| geometry.proc_point(sim, sim.queues[q.0].master))
                .collect();
            StripItem {
                at,
                width,
                label: short(&x.name),
                full: format!("{} ({})", x.name, x.kind.as_str()),
                targets,
                more: None,
            }
        })
        .collect();
    if shown < declared.len() {
        let (at, width) = slots[shown];
        items.push(StripItem {
            at,
            width,
            label: String::new(),
            full: String::new(),
            targets: Vec::new(),
            more: Some(declared.len() - shown),
        });
    }
    items
}

#[derive(Properties, PartialEq)]
pub struct ExchangeStripProps {
    pub items: Vec<StripItem>,
    pub lang: Lang,
}

/// The strip, drawn inside the stage's SVG; it takes no clicks.
#[function_component]
pub fn ExchangeStrip(props: &ExchangeStripProps) -> Html {
    if props.items.is_empty() {
        return Html::default();
    }
    let t = exchanges_text(props.lang);
    let lines = props.items.iter().flat_map(|it| {
        let from = Point {
            x: it.at.x + it.width / 2.0,
            y: it.at.y + PILL_H,
        };
        it.targets.iter().map(move |to| {
            html! {
                <line class="exchange-binding" x1={format!("{:.1}", from.x)} y1={format!("{:.1}", from.y)}
                    x2={format!("{:.1}", to.x)} y2={format!("{:.1}", to.y)} />
            }
        })
    });
    let pills = props.items.iter().map(|it| {
        let (label, title) = match it.more {
            Some(n) => {
                let m = fill(t.more, &[("n", &n.to_string())]);
                (m.clone(), m)
            }
            None => (
                it.label.clone(),
                format!(
                    "{} · {}",
                    it.full,
                    fill(t.bound, &[("n", &it.targets.len().to_string())])
                ),
            ),
        };
        html! {
            <g class="exchange-pill" role="listitem" aria-label={title.clone()}>
                <title>{ title }</title>
                <rect x={format!("{:.1}", it.at.x)} y={format!("{:.1}", it.at.y)} width={format!("{:.1}", it.width)}
                    height={PILL_H.to_string()} rx="11" />
                <text x={format!("{:.1}", it.at.x + it.width / 2.0)} y={format!("{:.1}", it.at.y + PILL_H / 2.0 + 4.0)}
                    text-anchor="middle">{ label }</text>
            </g>
        }
    });
    html! {
        <g class="exchange-strip" role="list" aria-label={t.strip_label} pointer-events="none">
            { for lines }
            { for pills }
        </g>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::sim::scenario::run_text;

    fn items(scn: &str, frame: Frame) -> Vec<StripItem> {
        let run = run_text(scn, None).unwrap();
        let g = Geometry::in_frame(&run.sim, frame);
        strip_items(&run.sim, &g, frame)
    }

    #[test]
    fn nothing_while_only_the_predeclared_exchanges_exist() {
        assert!(items(
            "cluster nodes=3\nclient a node=node1\na declare q\n",
            Frame::Wide
        )
        .is_empty());
        let html = crate::ui::ssr::render::<ExchangeStrip>(ExchangeStripProps {
            items: Vec::new(),
            lang: Lang::En,
        });
        assert!(!html.contains("exchange-strip"));
    }

    #[test]
    fn bindings_end_at_the_queues_master_and_overflow_folds() {
        let scn = "cluster nodes=9\nclient a node=node4\na declare q\na exchange_declare logs type=fanout\na bind q logs\n";
        let run = run_text(scn, None).unwrap();
        let g = Geometry::in_frame(&run.sim, Frame::Wide);
        let it = strip_items(&run.sim, &g, Frame::Wide);
        assert_eq!(it.len(), 1);
        let master = run.sim.queues[0].master;
        assert_eq!(it[0].targets, [g.proc_point(&run.sim, master).unwrap()]);
        assert_eq!(it[0].full, "logs (fanout)");
        // Ten exchanges: the wide row shows five and "+5", the phone seven and "+3".
        let many: String = (0..10)
            .map(|i| format!("a exchange_declare a-rather-long-exchange-name-{i}\n"))
            .collect();
        let wide = items(
            &format!("cluster nodes=9\nclient a node=node1\n{many}"),
            Frame::Wide,
        );
        assert_eq!(wide.len(), 6);
        assert_eq!(wide[5].more, Some(5));
        assert_eq!(wide[0].label.chars().count(), NAME_CHARS);
        let narrow = items(
            &format!("cluster nodes=9\nclient a node=node1\n{many}"),
            Frame::Narrow,
        );
        assert_eq!(narrow.len(), 8);
        assert_eq!(narrow[7].more, Some(3));
        for it in &narrow {
            // Clear of the first card (x 158–322) in the phone's frame.
            assert!(it.at.x + it.width <= 158.0 || it.at.x >= 322.0, "{it:?}");
        }
        let html = crate::ui::ssr::render::<ExchangeStrip>(ExchangeStripProps {
            items: wide,
            lang: Lang::Zh,
        });
        assert!(
            html.contains("另有 5 个") && html.contains("交换器（集群范围）"),
            "{html}"
        );
    }
}
