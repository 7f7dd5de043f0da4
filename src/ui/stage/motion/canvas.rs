//! The messages in flight, painted on one canvas laid over the cluster diagram.
//!
//! Why a canvas: at 1× a busy cluster starts a few hundred flights a second. As SVG elements each
//! one was created, moved on every frame and removed again, and the browser styled and laid out
//! the page around them on every frame; painted, they cost a few draw calls and no layout. The
//! diagram's own `<defs>` keep the shapes for the legend ([`super::SHAPES`] is the one table of
//! both), and the colours are the stylesheet's (read from its custom properties).
//!
//! Choosing a message still works: a click on the diagram is first tested against the dots
//! drawn (they lie on top of everything else), and the pointer over one shows its kind as a
//! tooltip.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions, EventListenerPhase};
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, Path2d};
use yew::prelude::*;

use crate::sim::time::Micros;
use crate::sim::trace::MsgKind;
use crate::ui::context::use_index;
use crate::ui::context::use_lang;
use crate::ui::context::use_store;
use crate::ui::context::{use_selection, Selection};
use crate::ui::i18n::Lang;
use crate::ui::stage::kinds::{shape_id, LOST_SHAPE, SHAPES};
use crate::ui::stage::layout::{Geometry, Point};
use crate::ui::stage::motion::dots::{dots, hit, Dot};
use crate::ui::stage::motion::flights::{flights_at, VANISH_WALL_MS};
use crate::ui::stage::paint::{observe_size, Surface};

#[derive(Properties, PartialEq)]
pub struct MotionLayerProps {
    pub geometry: Rc<Geometry>,
    pub reduced: bool,
}

/// How a kind is filled and outlined: the stylesheet's `.k-*` and `.msg use` rules, which the
/// legend's swatches still use.
#[derive(Clone, Copy, PartialEq)]
enum Fill {
    Kind,
    Surface,
    None,
}

fn look(kind: MsgKind) -> (Fill, f64) {
    match kind {
        MsgKind::GmAcks | MsgKind::ClientAck | MsgKind::ClientReject => (Fill::Surface, 2.0),
        MsgKind::Cancel => (Fill::None, 2.5),
        _ => (Fill::Kind, 1.2),
    }
}

/// What the canvas keeps between frames: the dots last painted (for the pointer's hit test and
/// a repaint after a resize), its size, and what is costly to make again.
#[derive(Default)]
struct Painter {
    dots: Vec<Dot>,
    /// The diagram's `viewBox` size.
    view: (f64, f64),
    surface: Surface,
    shapes: Vec<(&'static str, Path2d)>,
}

/// Where the `viewBox` lands in a box of `size` (`preserveAspectRatio="xMidYMid meet"`, as
/// the diagram is drawn): its scale and offset.
fn fit(view: (f64, f64), size: (f64, f64)) -> (f64, f64, f64) {
    if view.0 <= 0.0 || view.1 <= 0.0 {
        return (1.0, 0.0, 0.0);
    }
    let s = (size.0 / view.0).min(size.1 / view.1);
    (s, (size.0 - view.0 * s) / 2.0, (size.1 - view.1 * s) / 2.0)
}

impl Painter {
    /// The shapes as paths, made on the first paint (a path is a handle into JS: looked up by
    /// reference, not cloned for every dot of every frame).
    fn make_shapes(&mut self) {
        if self.shapes.is_empty() {
            self.shapes = SHAPES
                .iter()
                .filter_map(|(id, d)| Some((*id, Path2d::new_with_path_string(d).ok()?)))
                .collect();
        }
    }

    /// A point of the page (client coordinates) in the diagram's units.
    fn to_view(&self, canvas: &HtmlCanvasElement, x: f64, y: f64) -> Point {
        let r = canvas.get_bounding_client_rect();
        let (s, ox, oy) = fit(self.view, (r.width(), r.height()));
        Point {
            x: (x - r.left() - ox) / s,
            y: (y - r.top() - oy) / s,
        }
    }

    fn paint(&mut self, canvas: &HtmlCanvasElement) {
        let Some((ctx, colours)) = self.surface.begin(canvas) else {
            return;
        };
        let ratio = self.surface.ratio();
        let (s, ox, oy) = fit(self.view, self.surface.size);
        let k = s * ratio;
        let at = |ctx: &CanvasRenderingContext2d, p: Point, scale: f64| {
            let _ = ctx.set_transform(
                k * scale,
                0.0,
                0.0,
                k * scale,
                (ox + p.x * s) * ratio,
                (oy + p.y * s) * ratio,
            );
        };
        ctx.set_line_join("round");
        self.make_shapes();
        let shape = |id: &str| self.shapes.iter().find(|(i, _)| *i == id).map(|(_, p)| p);
        let lost = shape(LOST_SHAPE);
        for d in &self.dots {
            let colour = colours.kind(d.kind);
            if let Some((a, c, b)) = d.route {
                let _ = ctx.set_transform(k, 0.0, 0.0, k, ox * ratio, oy * ratio);
                ctx.set_global_alpha(0.7);
                ctx.set_stroke_style_str(colour);
                ctx.set_line_width(1.5);
                let dash = wasm_bindgen::JsValue::from(3.0);
                let _ = ctx.set_line_dash(&js_sys::Array::of2(&dash, &dash));
                ctx.begin_path();
                ctx.move_to(a.x, a.y);
                ctx.quadratic_curve_to(c.x, c.y, b.x, b.y);
                ctx.stroke();
                let _ = ctx.set_line_dash(&js_sys::Array::new());
            }
            ctx.set_global_alpha(1.0 - d.vanishing.unwrap_or(0.0));
            let Some(shape) = shape(shape_id(d.kind)) else {
                continue;
            };
            at(&ctx, d.at, 1.0);
            let (fill, width) = look(d.kind);
            match fill {
                Fill::Kind => ctx.set_fill_style_str(colour),
                Fill::Surface => ctx.set_fill_style_str(&colours.surface),
                Fill::None => {}
            }
            if fill != Fill::None {
                ctx.fill_with_path_2d(shape);
            }
            let (stroke, width) = if d.selected {
                (colours.ink.as_str(), 2.5)
            } else if fill == Fill::Kind {
                (colours.surface.as_str(), width)
            } else {
                (colour, width)
            };
            ctx.set_stroke_style_str(stroke);
            ctx.set_line_width(width);
            ctx.stroke_with_path(shape);
            if let (Some(age), Some(cross)) = (d.vanishing, lost) {
                at(&ctx, d.at, 1.0 + age);
                ctx.set_stroke_style_str(&colours.crashed);
                ctx.set_line_width(3.0);
                ctx.set_line_cap("round");
                ctx.stroke_with_path(cross);
                ctx.set_line_cap("butt");
            }
        }
        ctx.set_global_alpha(1.0);
    }
}

/// A click on a dot selects its message (before the diagram under it sees the click), and the
/// pointer over one shows what it is.
fn pointer_listeners(
    canvas: &HtmlCanvasElement,
    painter: &Rc<RefCell<Painter>>,
    selection: UseStateHandle<Option<Selection>>,
    lang: Lang,
) -> Vec<EventListener> {
    let Some(wrap) = canvas.parent_element() else {
        return Vec::new();
    };
    let Some(window) = crate::ui::context::browser() else {
        return Vec::new();
    };
    let hit_at = {
        let (canvas, painter) = (canvas.clone(), painter.clone());
        move |e: &web_sys::MouseEvent| {
            let p = painter.borrow();
            let at = p.to_view(&canvas, e.client_x() as f64, e.client_y() as f64);
            hit(&p.dots, at).map(|d| (d.index, d.kind, d.vanishing.is_some()))
        }
    };
    // On the window, capturing: it runs before the page's own handlers (Yew's capture their
    // events at the app's root), so a dot wins over the node drawn under it.
    let click = {
        let (wrap, hit_at) = (wrap.clone(), hit_at.clone());
        let options = EventListenerOptions {
            phase: EventListenerPhase::Capture,
            passive: false,
        };
        EventListener::new_with_options(&window, "click", options, move |e| {
            let Some(e) = e.dyn_ref::<web_sys::MouseEvent>() else {
                return;
            };
            let inside = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
                .is_some_and(|t| wrap.contains(Some(&t)));
            if let Some((index, _, _)) = inside.then(|| hit_at(e)).flatten() {
                e.stop_propagation();
                selection.set(Some(Selection::Event(index)));
            }
        })
    };
    let hover = {
        let wrap2 = wrap.clone();
        EventListener::new(&wrap, "pointermove", move |e| {
            let Some(e) = e.dyn_ref::<web_sys::MouseEvent>() else {
                return;
            };
            let text = lang.text();
            let title = hit_at(e).map(|(_, kind, lost)| {
                if lost {
                    format!("{} — {}", text.kind_name(kind), text.lost)
                } else {
                    text.kind_name(kind).to_string()
                }
            });
            if title != wrap2.get_attribute("title") {
                let _ = wrap2
                    .class_list()
                    .toggle_with_force("on-dot", title.is_some());
                let _ = match title {
                    Some(t) => wrap2.set_attribute("title", &t),
                    None => wrap2.remove_attribute("title"),
                };
            }
        })
    };
    vec![click, hover]
}

/// The moving messages, painted every frame. Positions come from the live trace: the past on
/// display is always a prefix of it, so the same messages fly whether the reader plays, steps
/// or scrubs.
#[function_component]
pub fn MotionLayer(props: &MotionLayerProps) -> Html {
    let store = use_store();
    let lang = use_lang();
    let selection = use_selection();
    let index = use_index();
    let canvas_ref = use_node_ref();
    let painter = use_mut_ref(Painter::default);
    let player = store.player();
    let live = &player.session.run.sim;
    let view = player.view();
    let longest = {
        // The app keeps the index current; a layer mounted alone keeps its own.
        let mut ix = index.0.borrow_mut();
        ix.update(&live.trace);
        ix.longest
    };
    let vanish = Micros((VANISH_WALL_MS * 1000.0 * player.speed) as u64);
    let flights = flights_at(&live.trace, player.cursor, longest, vanish);
    let in_flight = flights.iter().filter(|f| f.vanishing.is_none()).count();
    let selected = match *selection {
        Some(Selection::Event(i)) => Some(i),
        _ => None,
    };
    let g = &props.geometry;
    let drawn = dots(
        &flights,
        |e| g.endpoint(live, e).or_else(|| g.endpoint(view, e)),
        props.reduced,
        selected,
    );
    drop(player);
    let count = drawn.len();
    {
        let (canvas_ref, painter) = (canvas_ref.clone(), painter.clone());
        let view = g.view;
        use_effect(move || {
            if let Some(canvas) = canvas_ref.cast::<HtmlCanvasElement>() {
                let mut p = painter.borrow_mut();
                p.dots = drawn;
                p.view = view;
                p.paint(&canvas);
            }
        });
    }
    {
        let (canvas_ref, painter) = (canvas_ref.clone(), painter.clone());
        let selection = selection.clone();
        use_effect_with(lang, move |&lang| {
            let canvas = canvas_ref.cast::<HtmlCanvasElement>();
            let observer = canvas
                .as_ref()
                .and_then(|c| observe_size(c, &painter, |p| &mut p.surface, Painter::paint));
            let listeners = canvas
                .as_ref()
                .map(|c| pointer_listeners(c, &painter, selection, lang));
            move || drop((observer, listeners))
        });
    }
    html! {
        <canvas class="motion" ref={canvas_ref} aria-hidden="true"
            data-in-flight={in_flight.to_string()} data-drawn={count.to_string()} />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_view_box_is_fitted_as_the_diagram_is() {
        // Wider box than the drawing: centred horizontally, full height.
        let (s, ox, oy) = fit((100.0, 50.0), (400.0, 100.0));
        assert_eq!((s, ox, oy), (2.0, 100.0, 0.0));
        // Taller: centred vertically.
        let (s, ox, oy) = fit((100.0, 50.0), (100.0, 200.0));
        assert_eq!((s, ox, oy), (1.0, 0.0, 75.0));
    }

    #[test]
    fn every_kind_has_a_shape_and_hollow_kinds_are_outlined_in_their_colour() {
        for k in crate::ui::stage::kinds::KINDS {
            assert!(SHAPES.iter().any(|(id, _)| *id == shape_id(k)), "{k:?}");
        }
        assert!(look(MsgKind::ClientAck).0 == Fill::Surface);
        assert!(look(MsgKind::Cancel).0 == Fill::None);
        assert!(look(MsgKind::Publish).0 == Fill::Kind);
    }
}
