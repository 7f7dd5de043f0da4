//! The space-time diagram: a lane per node and per client, time running left to right with the
//! cursor fixed at seven tenths of the width, and an arrow per message from its sender's lane at
//! its send time to its receiver's lane at its arrival. Dragging scrubs the clock; choosing an
//! arrow opens it in the inspector. It reads the same cursor as the stage, so the two move
//! together.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{HtmlCanvasElement, Path2d};
use yew::prelude::*;

use crate::put;
use crate::sim::scenario::player::Action;
use crate::sim::time::Micros;
use crate::sim::trace::{Endpoint, Trace, TraceKind};
use crate::sim::Sim;
use crate::ui::context::use_lang;
use crate::ui::context::use_store;
use crate::ui::context::{use_index, Shared, StoreRef, TraceIndex};
use crate::ui::context::{use_selection, Selection};
use crate::ui::fmt::{endpoint_name_at, endpoint_node, f1, fmt_span, host, Fixed};
use crate::ui::i18n::{fill, Lang};
use crate::ui::kept::Kept;
use crate::ui::markup::{esc, on_click};
use crate::ui::stage::kinds::kind_class;
use crate::ui::stage::paint::{observe_size, Surface};

pub const ST_W: f64 = 1000.0;
const LABEL_W: f64 = 118.0;
const LANE_H: f64 = 26.0;
const TOP: f64 = 14.0;
/// Where the cursor sits, as a fraction of the plot's width.
const NOW_AT: f64 = 0.7;
/// Arrows drawn at most.
const MAX_ARROWS: usize = 300;
/// The arrows' coordinates are relative to an epoch that moves only every this many spans, so
/// that an arrow keeps its coordinates (and its DOM) while it stays in view.
const EPOCH_SPANS: u64 = 32;

/// The zoom levels: how much simulated time the plot spans.
pub const SPANS: [u64; 17] = [
    200,
    500,
    1_000,
    2_000,
    5_000,
    10_000,
    20_000,
    50_000,
    100_000,
    200_000,
    500_000,
    1_000_000,
    2_000_000,
    5_000_000,
    10_000_000,
    30_000_000,
    120_000_000,
];

/// The default level. While playing: about two seconds of wall-clock playback at `speed`, so
/// that arrows cross the plot slowly enough to follow. Paused: at most 50 ms of the run, since a
/// message hop takes about a millisecond and a whole publish round (channel, ring, confirms) a
/// few; wider, the arrows of one exchange merge into one line. (The zoom buttons override it.)
pub fn auto_level(speed: f64, playing: bool) -> usize {
    let upper = if playing { 120_000_000.0 } else { 50_000.0 };
    let want = (2_000_000.0 * speed).clamp(5_000.0, upper);
    SPANS
        .iter()
        .enumerate()
        .min_by(|a, b| {
            let da = (*a.1 as f64 / want).ln().abs();
            let db = (*b.1 as f64 / want).ln().abs();
            da.total_cmp(&db)
        })
        .map_or(5, |(i, _)| i)
}

/// The lanes: every node, then every client.
#[derive(Debug, Clone, PartialEq)]
pub struct Lanes {
    pub labels: Vec<String>,
    nodes: usize,
}

impl Lanes {
    pub fn of(sim: &Sim) -> Lanes {
        let nodes = sim.cluster.nodes.len();
        let mut labels: Vec<String> = (0..nodes).map(|n| host(sim, n).to_string()).collect();
        labels.extend(sim.clients.iter().map(|c| format!("▸ {}", c.name)));
        Lanes { labels, nodes }
    }

    /// The lane of an endpoint: a client's own lane, else its node's.
    pub fn lane(&self, sim: &Sim, e: Endpoint) -> Option<usize> {
        match e {
            Endpoint::Client(c) => Some(self.nodes + c.0).filter(|&l| l < self.labels.len()),
            _ => endpoint_node(sim, e),
        }
    }

    pub fn y(&self, lane: usize) -> f64 {
        TOP + lane as f64 * LANE_H + LANE_H / 2.0
    }

    pub fn height(&self) -> f64 {
        TOP * 2.0 + self.labels.len() as f64 * LANE_H
    }
}

/// Sends visible in `[from, to]`: sent before `to` and arriving after `from` (the latest
/// [`MAX_ARROWS`] of them).
pub fn arrows_in(trace: &Trace, from: Micros, to: Micros, longest: Micros) -> Vec<usize> {
    let mut v: Vec<usize> = trace
        .within_reach(from, to, longest)
        .rev()
        .filter(|&i| matches!(&trace[i].kind, TraceKind::Send { arrive, .. } if *arrive >= from))
        .take(MAX_ARROWS)
        .collect();
    v.reverse();
    v
}

/// What the arrows depend on (they are redrawn when any of it changes).
#[derive(PartialEq)]
struct ArrowsKey {
    store: StoreRef,
    /// The time at x = 0 of this layer.
    epoch: Micros,
    /// The stepped window of sends to draw.
    from: Micros,
    to: Micros,
    span: u64,
    trace_len: usize,
    lanes: Rc<Lanes>,
    selected: Option<usize>,
    /// Plot width in viewBox units.
    plot_w: f64,
    index: Shared<TraceIndex>,
    /// The arrows' titles (what was sent, between which replicas as they were then).
    lang: Lang,
}

/// An arrow painted on the canvas, in the layer's coordinates: what a pointer
/// over those paths is matched against (see [`nearest`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Drawn {
    /// Index of its `Send` in the trace.
    pub index: usize,
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
}

/// The arrows of the window: what the canvas paints (their path data, in the layer's
/// coordinates), the few drawn as elements, and where each painted one lies (for the pointer).
struct Arrows {
    /// A line path per kind class (`k-publish`…).
    lines: Vec<(&'static str, String)>,
    /// Every painted arrow's head, as one path.
    heads: String,
    /// The selected and the lost arrows, as elements with their titles.
    singles: Rc<Html>,
    has_singles: bool,
    drawn: Rc<Vec<Drawn>>,
}

/// The arrowhead of `#st-head` (viewBox 0 0 10 10, 6 stroke widths wide, its reference point
/// at x = 9) at the end of a line drawn 1.6 units wide, as a closed path: heads drawn as one
/// path look like the marker without an element per arrow.
fn head(out: &mut String, x1: f64, y1: f64, x2: f64, y2: f64) {
    let (dx, dy) = (x2 - x1, y2 - y1);
    let len = (dx * dx + dy * dy).sqrt();
    // A zero-length line orients its marker along the x axis.
    let (ux, uy) = if len > 1e-9 {
        (dx / len, dy / len)
    } else {
        (1.0, 0.0)
    };
    let (nx, ny) = (-uy, ux);
    let s = 6.0 * 1.6 / 10.0;
    let at = |mx: f64, my: f64| {
        let (a, b) = ((mx - 9.0) * s, (my - 5.0) * s);
        (f1(x2 + a * ux + b * nx), f1(y2 + a * uy + b * ny))
    };
    let ((ax, ay), (bx, by), (cx, cy)) = (at(0.0, 1.0), at(10.0, 5.0), at(0.0, 9.0));
    put!(out, "M{ax} {ay}L{bx} {by}L{cx} {cy}Z");
}

/// The arrow of `drawn` nearest to (`x`, `y`) (layer coordinates), if one passes within the
/// width of the hit stroke.
pub fn nearest(drawn: &[Drawn], x: f64, y: f64) -> Option<usize> {
    let dist = |d: &Drawn| {
        let (dx, dy) = (d.x2 - d.x1, d.y2 - d.y1);
        let l2 = dx * dx + dy * dy;
        let t = if l2 > 0.0 {
            (((x - d.x1) * dx + (y - d.y1) * dy) / l2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let (px, py) = (d.x1 + t * dx - x, d.y1 + t * dy - y);
        px * px + py * py
    };
    drawn
        .iter()
        .map(|d| (dist(d), d.index))
        .filter(|(d2, _)| *d2 <= HIT_R * HIT_R)
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, i)| i)
}

/// How near a painted arrow the pointer must be to hit it (an arrow drawn as an element has a
/// hit line twice this wide, `.st-arrow .hit` in the stylesheet).
const HIT_R: f64 = 4.5;

/// One arrow as its own element, with its title and hit line: the selected one, a lost one (its
/// own dashes and cross) and the one under the pointer.
fn arrow_element(
    out: &mut String,
    live: &Sim,
    i: usize,
    text: &crate::ui::i18n::Text,
    class: &str,
    (x1, y1, x2, y2): (f64, f64, f64, f64),
    lost: bool,
) {
    let TraceKind::Send { from, to, kind, .. } = &live.trace[i].kind else {
        return;
    };
    let (x1, y1, x2, y2) = (f1(x1), f1(y1), f1(x2), f1(y2));
    put!(
        out,
        r#"<g class="st-arrow {}{}{class}" data-sel="e{i}"><title>{}: {} → {}</title><line class="hit" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"/><line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" marker-end="url(#{})"/></g>"#,
        kind_class(*kind),
        if lost { " lost" } else { "" },
        esc(text.kind_name(*kind)),
        esc(&endpoint_name_at(live, *from, i, text)),
        esc(&endpoint_name_at(live, *to, i, text)),
        if lost { "st-lost" } else { "st-head" }
    );
}

/// The arrows of a window three spans wide, in coordinates relative to `epoch`: the canvas
/// slides them as the clock moves; they are worked out again only when the window steps or the
/// trace grows. At 1× a busy cluster sends over a thousand messages a second: an element per
/// arrow cost the page most of its frame, and even shared paths were re-created, styled and
/// laid out ten times a second. Painted, they are a line path per kind and one path of heads.
/// The selected and the lost arrows keep their own elements (a title, dashes, a cross).
fn arrows_of(props: &ArrowsKey) -> Arrows {
    let index = &props.index;
    let player = props.store.player();
    let live = &player.session.run.sim;
    let longest = {
        let mut ix = index.0.borrow_mut();
        ix.update(&live.trace);
        ix.longest
    };
    let text = props.lang.text();
    let k = props.plot_w / props.span as f64;
    let x = |t: Micros| (t.0 as f64 - props.epoch.0 as f64) * k;
    let mut drawn = Vec::new();
    let mut lines: Vec<(&'static str, String)> = Vec::new();
    let mut heads = String::new();
    let mut singles = String::new();
    for i in arrows_in(&live.trace, props.from, props.to, longest) {
        let e = &live.trace[i];
        let TraceKind::Send {
            id,
            from,
            to,
            arrive,
            kind,
            ..
        } = &e.kind
        else {
            continue;
        };
        let (Some(la), Some(lb)) = (props.lanes.lane(live, *from), props.lanes.lane(live, *to))
        else {
            continue;
        };
        let (x1, y1, x2, mut y2) = (x(e.at), props.lanes.y(la), x(*arrive), props.lanes.y(lb));
        if la == lb {
            // Between two processes of one node: a short hook within the lane.
            y2 += 7.0;
        }
        let lost = live.trace[i..]
            .iter()
            .take_while(|x| x.at <= *arrive)
            .any(|x| matches!(&x.kind, TraceKind::Lost { id: l, .. } if l == id));
        if lost || props.selected == Some(i) {
            let class = if props.selected == Some(i) {
                " selected"
            } else {
                ""
            };
            arrow_element(&mut singles, live, i, text, class, (x1, y1, x2, y2), lost);
            continue;
        }
        let class = kind_class(*kind);
        let d = match lines.iter_mut().find(|(c, _)| *c == class) {
            Some((_, d)) => d,
            None => {
                lines.push((class, String::new()));
                &mut lines.last_mut().expect("just pushed").1
            }
        };
        put!(d, "M{} {}L{} {}", f1(x1), f1(y1), f1(x2), f1(y2));
        head(&mut heads, x1, y1, x2, y2);
        drawn.push(Drawn {
            index: i,
            x1,
            y1,
            x2,
            y2,
        });
    }
    drop(player);
    Arrows {
        lines,
        heads,
        has_singles: !singles.is_empty(),
        singles: Rc::new(Html::from_html_unchecked(AttrValue::from(singles))),
        drawn: Rc::new(drawn),
    }
}

/// What the arrows' canvas keeps between frames: the paths made from the last [`Arrows`] (by
/// its address), and the canvas itself.
#[derive(Default)]
struct ArrowPainter {
    surface: Surface,
    /// The arrows the paths were made from, and the paths: a line path per kind class, the
    /// heads.
    made_from: Option<Rc<Arrows>>,
    lines: Vec<(&'static str, Path2d)>,
    heads: Option<Path2d>,
    /// Where the layer is slid to, the cursor's x and the plot's height (`viewBox` units).
    slide: f64,
    now_x: f64,
    height: f64,
}

impl ArrowPainter {
    /// Takes the arrows to paint, making their paths when they are new.
    fn take(&mut self, arrows: &Rc<Arrows>) {
        if self
            .made_from
            .as_ref()
            .is_some_and(|a| Rc::ptr_eq(a, arrows))
        {
            return;
        }
        self.lines = arrows
            .lines
            .iter()
            .filter_map(|(class, d)| Some((*class, Path2d::new_with_path_string(d).ok()?)))
            .collect();
        self.heads = Path2d::new_with_path_string(&arrows.heads).ok();
        self.made_from = Some(arrows.clone());
    }

    /// The future's shade and the arrows slid into place, clipped to the plot; the diagram's
    /// `viewBox` is as wide as [`ST_W`] and fills the canvas's width.
    fn paint(&mut self, canvas: &HtmlCanvasElement) {
        let Some((ctx, palette)) = self.surface.begin(canvas) else {
            return;
        };
        let k = self.surface.size.0 / ST_W * self.surface.ratio();
        let _ = ctx.set_transform(k, 0.0, 0.0, k, 0.0, 0.0);
        ctx.set_fill_style_str(&palette.surface_2);
        ctx.fill_rect(self.now_x, 0.0, ST_W - self.now_x, self.height);
        ctx.save();
        ctx.begin_path();
        ctx.rect(LABEL_W, 0.0, ST_W - LABEL_W, self.height);
        ctx.clip();
        let _ = ctx.set_transform(k, 0.0, 0.0, k, self.slide * k, 0.0);
        ctx.set_line_width(1.6);
        for (class, path) in &self.lines {
            ctx.set_stroke_style_str(palette.class(class));
            ctx.stroke_with_path(path);
        }
        if let Some(heads) = &self.heads {
            ctx.set_fill_style_str(&palette.ink_soft);
            ctx.fill_with_path_2d(heads);
        }
        ctx.restore();
    }
}

/// The diagram card.
#[function_component]
pub fn SpaceTime() -> Html {
    let store = use_store();
    let lang = use_lang();
    let text = lang.text();
    let selection = use_selection();
    let derived = crate::ui::context::use_derived();
    let level = use_state_eq(|| None::<usize>);
    let drag = use_mut_ref(|| None::<(f64, Micros, bool)>);
    // The arrow under the pointer, drawn as its own element (with its title) over the shared
    // paths.
    let hover = use_state_eq(|| None::<usize>);
    let shown_len = use_mut_ref(|| (f64::NEG_INFINITY, 0usize));
    let index = use_index();
    let svg_ref = use_node_ref();
    let player = store.player();
    let live = &player.session.run.sim;
    let lanes_key = (
        live.cluster.nodes.len(),
        live.clients.len(),
        crate::ui::context::load_generation(),
    );
    let lanes = {
        let store = store.clone();
        use_memo(lanes_key, move |_| {
            Lanes::of(&store.player().session.run.sim)
        })
    };
    let lv = level.unwrap_or_else(|| auto_level(player.speed, player.playing));
    let span = SPANS[lv.min(SPANS.len() - 1)];
    let cursor = player.cursor;
    let plot_w = ST_W - LABEL_W - 10.0;
    let now_x = LABEL_W + NOW_AT * plot_w;
    // The arrows layer steps every half span; between steps it only slides.
    let step = (span / 2).max(1);
    let origin = Micros(cursor.0 / step * step);
    let epoch_len = span * EPOCH_SPANS;
    let epoch = Micros(cursor.0 / epoch_len * epoch_len);
    let slide = now_x + (epoch.0 as f64 - cursor.0 as f64) * plot_w / span as f64;
    let (from, to) = (
        Micros(origin.0.saturating_sub(span)),
        Micros(origin.0 + 2 * span),
    );
    // While the run grows live, the arrows are redrawn at most ten times a second.
    let trace_len = {
        let now = crate::ui::context::wall_ms().unwrap_or(f64::INFINITY);
        let mut s = shown_len.borrow_mut();
        let len = live.trace.len();
        if len < s.1 || now - s.0 >= 100.0 || !player.playing {
            *s = (now, len);
        }
        s.1
    };
    let height = lanes.height();
    let arrows = use_memo(
        ArrowsKey {
            store: StoreRef(store.clone()),
            epoch,
            from,
            to,
            span,
            trace_len,
            lanes: lanes.clone(),
            selected: match *selection {
                Some(Selection::Event(i)) => Some(i),
                _ => None,
            },
            plot_w,
            index: index.clone(),
            lang,
        },
        arrows_of,
    );
    let canvas_ref = use_node_ref();
    let painter = use_mut_ref(ArrowPainter::default);
    {
        let (canvas_ref, painter, arrows) = (canvas_ref.clone(), painter.clone(), arrows.clone());
        use_effect(move || {
            if let Some(canvas) = canvas_ref.cast::<HtmlCanvasElement>() {
                let mut p = painter.borrow_mut();
                p.take(&arrows);
                (p.slide, p.now_x, p.height) = (slide, now_x, height);
                p.paint(&canvas);
            }
        });
    }
    {
        let (canvas_ref, painter) = (canvas_ref.clone(), painter.clone());
        use_effect_with((), move |_| {
            let observer = canvas_ref
                .cast::<HtmlCanvasElement>()
                .and_then(|c| observe_size(&c, &painter, |p| &mut p.surface, ArrowPainter::paint));
            move || drop(observer)
        });
    }
    // Anomalies where they happened: on the lane of the client that saw them.
    let k = plot_w / span as f64;
    let flags: Html = derived
        .anomalies
        .iter()
        .filter_map(|a| {
            let x = now_x + (a.at.0 as f64 - cursor.0 as f64) * k;
            if !(LABEL_W..=ST_W).contains(&x) {
                return None;
            }
            let client = live.anomaly_witness(a)?;
            let y = lanes.y(lanes.lane(live, Endpoint::Client(client))?);
            Some(html! {
                <g class="st-flag" transform={format!("translate({} {})", f1(x), f1(y - 9.0))}>
                    <title>{ text.anomaly(a.kind).0 }</title>
                    <path d="M0 8L-6 -3H6Z" />
                </g>
            })
        })
        .collect();
    drop(player);

    let units_per_px = {
        let svg_ref = svg_ref.clone();
        move || {
            svg_ref
                .cast::<web_sys::Element>()
                .map(|el| el.get_bounding_client_rect().width())
                .filter(|w| *w > 0.0)
                .map_or(1.0, |w| ST_W / w)
        }
    };
    let onpointerdown = {
        let drag = drag.clone();
        let store = store.clone();
        Callback::from(move |e: PointerEvent| {
            *drag.borrow_mut() = Some((e.client_x() as f64, store.player().cursor, false));
        })
    };
    // The painted arrow under a pointer event: its position in the layer's coordinates (the
    // layer is slid by `slide`), matched against the arrows painted. Within the plot only.
    let arrow_at = {
        let svg_ref = svg_ref.clone();
        let drawn = arrows.drawn.clone();
        move |e: &MouseEvent| -> Option<usize> {
            let r = svg_ref
                .cast::<web_sys::Element>()?
                .get_bounding_client_rect();
            if r.width() <= 0.0 {
                return None;
            }
            let k = ST_W / r.width();
            let x = (e.client_x() as f64 - r.left()) * k;
            let y = (e.client_y() as f64 - r.top()) * k;
            (x >= LABEL_W)
                .then(|| nearest(&drawn, x - slide, y))
                .flatten()
        }
    };
    let onpointermove = {
        let drag = drag.clone();
        let store = store.clone();
        let units_per_px = units_per_px.clone();
        let hover = hover.clone();
        let arrow_at = arrow_at.clone();
        Callback::from(move |e: PointerEvent| {
            let mut d = drag.borrow_mut();
            let Some((x0, t0, moved)) = d.as_mut() else {
                // Over the shared paths, the arrow under the pointer gets its own element;
                // over that element (its hit line), it stays.
                let on_own = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .is_some_and(|t| t.closest(".st-hover").ok().flatten().is_some());
                if !on_own {
                    hover.set(arrow_at(&e));
                }
                return;
            };
            let dx = (e.client_x() as f64 - *x0) * units_per_px();
            if dx.abs() > 3.0 {
                *moved = true;
            }
            if *moved {
                let dt = -dx / plot_w * span as f64;
                let t = (t0.0 as f64 + dt).max(0.0);
                store.dispatch(Action::Seek(Micros(t as u64)));
            }
        })
    };
    // A click without a drag chooses the arrow under the pointer (painted, or an element with
    // its own action, left to the click); elsewhere it goes to the time under the pointer.
    let onpointerup = {
        let drag = drag.clone();
        let store = store.clone();
        let svg_ref = svg_ref.clone();
        let selection = selection.clone();
        Callback::from(move |e: PointerEvent| {
            let Some((_, t0, moved)) = drag.borrow_mut().take() else {
                return;
            };
            if moved {
                return;
            }
            let own = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|t| t.closest("[data-sel]").ok().flatten().is_some());
            if own {
                return;
            }
            if let Some(i) = arrow_at(&e) {
                selection.set(Some(Selection::Event(i)));
                return;
            }
            let Some(el) = svg_ref.cast::<web_sys::Element>() else {
                return;
            };
            let r = el.get_bounding_client_rect();
            if r.width() <= 0.0 {
                return;
            }
            let x = (e.client_x() as f64 - r.left()) * ST_W / r.width();
            if x < LABEL_W {
                return;
            }
            let t = t0.0 as f64 + (x - now_x) / plot_w * span as f64;
            store.dispatch(Action::Seek(Micros(t.max(0.0) as u64)));
        })
    };
    let onpointerleave = {
        let drag = drag.clone();
        let hover = hover.clone();
        Callback::from(move |_: PointerEvent| {
            drag.borrow_mut().take();
            hover.set(None);
        })
    };
    // The arrows drawn as elements (the selected, the lost, the one under the pointer) and the
    // flags carry their own actions.
    let onclick = on_click(&store, &selection, None);
    let hovered = {
        let p = store.player();
        let live = &p.session.run.sim;
        let mut out = String::new();
        if let Some(d) = hover.and_then(|i| arrows.drawn.iter().find(|d| d.index == i)) {
            if live.trace.get(d.index).is_some() {
                arrow_element(
                    &mut out,
                    live,
                    d.index,
                    text,
                    " st-hover",
                    (d.x1, d.y1, d.x2, d.y2),
                    false,
                );
            }
        }
        (!out.is_empty()).then(|| Html::from_html_unchecked(AttrValue::from(out)))
    };
    let zoom = |delta: isize| {
        let level = level.clone();
        Callback::from(move |_: MouseEvent| {
            let next = (lv as isize + delta).clamp(0, SPANS.len() as isize - 1) as usize;
            level.set(Some(next));
        })
    };
    let lane_rows = use_memo(lanes.clone(), |lanes| {
        lanes
            .labels
            .iter()
            .enumerate()
            .map(|(i, label)| {
                let y = lanes.y(i);
                html! {
                    <g class={classes!("st-lane", (i >= lanes.nodes).then_some("client-lane"))}>
                        <line x1="118" x2="1000" y1={f1(y).to_string()} y2={f1(y).to_string()} />
                        <text x="8" y={f1(y + 4.0).to_string()}>{ label }</text>
                    </g>
                }
            })
            .collect::<Html>()
    });
    let clip_w = ST_W - LABEL_W;
    html! {
        <section class="card st-card" aria-labelledby="st-h">
            <div class="card-head">
                <h2 id="st-h">{ text.st_heading }</h2>
                <div class="st-tools">
                    <span class="summary">{ fill(text.st_window, &[("span", &fmt_span(span as f64))]) }</span>
                    <button type="button" class="btn icon" aria-label={text.zoom_in} disabled={lv == 0} onclick={zoom(-1)}>{ "+" }</button>
                    <button type="button" class="btn icon" aria-label={text.zoom_out} disabled={lv + 1 >= SPANS.len()} onclick={zoom(1)}>{ "−" }</button>
                </div>
            </div>
            <div class="st-scroll"><div class="st-plot">
            <canvas class="st-canvas" ref={canvas_ref} aria-hidden="true" />
            <svg class="spacetime" ref={svg_ref} viewBox={format!("0 0 {ST_W} {}", Fixed(height, 0))} role="img"
                aria-label={text.st_label} {onpointerdown} {onpointermove} {onpointerup} {onpointerleave} {onclick}>
                <defs>
                    <clipPath id="st-clip"><rect x="118" y="0" width={f1(clip_w).to_string()} height={Fixed(height, 0).to_string()} /></clipPath>
                    <marker id="st-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto">
                        <path d="M0 1L10 5L0 9Z" />
                    </marker>
                    <marker id="st-lost" viewBox="-6 -6 12 12" markerWidth="9" markerHeight="9">
                        <path d="M-5 -5L5 5M5 -5L-5 5" />
                    </marker>
                </defs>
                <Kept html={lane_rows} />
                // Only while there is something to slide: moving an empty group costs a layout.
                if arrows.has_singles || hovered.is_some() {
                    <g clip-path="url(#st-clip)">
                        <g transform={format!("translate({} 0)", Fixed(slide, 2))}>
                            <Kept html={arrows.singles.clone()} />
                            { for hovered }
                        </g>
                    </g>
                }
                { flags }
                <line class="st-now" x1={f1(now_x).to_string()} x2={f1(now_x).to_string()} y1="0" y2={Fixed(height, 0).to_string()} />
            </svg>
            </div></div>
            <p class="hint">{ text.st_hint }</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::Session;

    #[test]
    fn the_window_holds_what_crosses_it() {
        let mut s = Session::new(&["cluster nodes=3"]).unwrap();
        s.apply("client app node=node1").unwrap();
        s.apply("app declare q").unwrap();
        s.advance_to(Micros::from_ms(10));
        s.apply("app publish q \"m\"").unwrap();
        s.advance_to(Micros::from_ms(40));
        let trace = &s.run.sim.trace;
        let longest = crate::ui::stage::motion::max_flight(trace, Micros::ZERO);
        let publish = trace
            .iter()
            .position(|e| matches!(e.kind, TraceKind::Send { .. }) && e.at >= Micros::from_ms(10))
            .unwrap();
        let at = trace[publish].at;
        // A window that starts after the send but before the arrival still shows it.
        let w = arrows_in(trace, Micros(at.0 + 1), Micros(at.0 + 2), longest);
        assert!(w.contains(&publish));
        assert!(arrows_in(trace, Micros::from_ms(30), Micros::from_ms(31), longest).is_empty());
        let lanes = Lanes::of(&s.run.sim);
        assert_eq!(lanes.labels.len(), 4);
        assert_eq!(
            lanes.lane(&s.run.sim, Endpoint::Client(crate::sim::ClientId(0))),
            Some(3)
        );
        assert_eq!(lanes.lane(&s.run.sim, Endpoint::Node(1)), Some(1));
    }

    #[test]
    fn a_shared_head_is_the_markers_triangle_at_the_lines_end() {
        // #st-head on a 1.6-wide line: 9.6 units long, its tip 0.96 beyond the end.
        let mut d = String::new();
        head(&mut d, 0.0, 0.0, 10.0, 0.0);
        assert_eq!(d, "M1.4 -3.8L11.0 0.0L1.4 3.8Z");
        // Pointing down the lane (a hook within one node) it turns with the line.
        let mut d = String::new();
        head(&mut d, 5.0, 0.0, 5.0, 20.0);
        assert_eq!(d, "M8.8 11.4L5.0 21.0L1.2 11.4Z");
    }

    #[test]
    fn the_pointer_finds_the_nearest_arrow_within_the_hit_stroke() {
        let drawn = [
            Drawn {
                index: 3,
                x1: 0.0,
                y1: 0.0,
                x2: 100.0,
                y2: 0.0,
            },
            Drawn {
                index: 7,
                x1: 0.0,
                y1: 6.0,
                x2: 100.0,
                y2: 6.0,
            },
        ];
        assert_eq!(nearest(&drawn, 50.0, 1.0), Some(3));
        assert_eq!(nearest(&drawn, 50.0, 5.0), Some(7));
        // Past an end, the distance is to that end.
        assert_eq!(nearest(&drawn, 103.0, 0.0), Some(3));
        assert_eq!(nearest(&drawn, 50.0, 12.0), None);
        assert_eq!(nearest(&drawn, 106.0, 0.0), None);
    }

    #[test]
    fn auto_zoom_follows_the_speed_within_readable_bounds() {
        assert_eq!(SPANS[auto_level(0.01, true)], 20_000);
        assert_eq!(SPANS[auto_level(1.0, true)], 2_000_000);
        assert_eq!(SPANS[auto_level(100.0, true)], 120_000_000);
        assert_eq!(SPANS[auto_level(1.0, false)], 50_000);
        assert_eq!(SPANS[auto_level(0.0001, false)], 5_000);
    }
}
