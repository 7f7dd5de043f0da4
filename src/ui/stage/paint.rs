//! What the stage's canvases share: the messages in flight ([`motion::canvas`]) and the
//! space-time arrows ([`spacetime`]) are painted on every frame of playback instead of being
//! elements the browser styles and lays out. A [`Surface`] is one such canvas: its 2D context,
//! its size as a `ResizeObserver` last reported it (so no frame reads the layout back), and the
//! stylesheet's colours for the theme in force.
//!
//! [`motion::canvas`]: crate::ui::stage::motion::canvas
//! [`spacetime`]: crate::ui::stage::spacetime

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::sim::trace::MsgKind;
use crate::ui::stage::kinds::{kind_class, KINDS};

/// The stylesheet's colours a canvas paints with (its custom properties), read once per theme:
/// reading computed style costs a style pass.
pub struct Palette {
    theme: Option<String>,
    /// By kind class, e.g. `k-publish` (the property `--k-publish`).
    kinds: Vec<(&'static str, String)>,
    pub surface: String,
    pub surface_2: String,
    pub ink: String,
    pub ink_soft: String,
    pub crashed: String,
}

impl Palette {
    fn read(el: &web_sys::Element, theme: Option<String>) -> Option<Palette> {
        let style = crate::ui::context::browser()?
            .get_computed_style(el)
            .ok()??;
        let var = |name: &str| {
            style
                .get_property_value(name)
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        Some(Palette {
            theme,
            kinds: KINDS
                .iter()
                .map(|&k| (kind_class(k), var(&format!("--{}", kind_class(k)))))
                .collect(),
            surface: var("--surface"),
            surface_2: var("--surface-2"),
            ink: var("--ink"),
            ink_soft: var("--ink-soft"),
            crashed: var("--crashed"),
        })
    }

    /// The colour of a message kind.
    pub fn kind(&self, kind: MsgKind) -> &str {
        self.class(kind_class(kind))
    }

    /// The colour of a kind class (`k-publish`…).
    pub fn class(&self, class: &str) -> &str {
        self.kinds
            .iter()
            .find(|(c, _)| *c == class)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// One canvas of the stage.
#[derive(Default)]
pub struct Surface {
    context: Option<CanvasRenderingContext2d>,
    /// Its size in CSS pixels, as last observed, and the device pixel ratio then.
    pub size: (f64, f64),
    pub ratio: f64,
    palette: Option<Rc<Palette>>,
}

impl Surface {
    /// Clears the canvas for a new picture: its context (with the identity transform) and the
    /// colours, or `None` while it has no size yet (the observer paints once it has one).
    pub fn begin(
        &mut self,
        canvas: &HtmlCanvasElement,
    ) -> Option<(CanvasRenderingContext2d, Rc<Palette>)> {
        let (w, h) = self.size;
        if w <= 0.0 || h <= 0.0 {
            return None;
        }
        if self.context.is_none() {
            self.context = canvas
                .get_context("2d")
                .ok()
                .flatten()
                .and_then(|c| c.dyn_into().ok());
        }
        let ctx = self.context.clone()?;
        let theme = crate::ui::context::browser()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("data-theme"));
        if self.palette.as_ref().is_none_or(|p| p.theme != theme) {
            self.palette = Palette::read(canvas, theme).map(Rc::new);
        }
        let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
        ctx.clear_rect(0.0, 0.0, w * self.ratio, h * self.ratio);
        Some((ctx, self.palette.clone()?))
    }

    /// Device pixels per CSS pixel (at least 1).
    pub fn ratio(&self) -> f64 {
        self.ratio.max(1.0)
    }
}

/// Keeps a canvas's backing store at its displayed size times the device pixel ratio: a
/// `ResizeObserver` reports the size after the browser's own layout, and `repaint` runs then.
/// Observing stops when the returned guard is dropped.
pub fn observe_size<P: 'static>(
    canvas: &HtmlCanvasElement,
    painter: &Rc<RefCell<P>>,
    surface: fn(&mut P) -> &mut Surface,
    repaint: fn(&mut P, &HtmlCanvasElement),
) -> Option<SizeObserver> {
    let (c, p) = (canvas.clone(), painter.clone());
    let on_resize = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        let Ok(entry) = entries.get(0).dyn_into::<web_sys::ResizeObserverEntry>() else {
            return;
        };
        let rect = entry.content_rect();
        let ratio = crate::ui::context::browser().map_or(1.0, |w| w.device_pixel_ratio());
        let mut p = p.borrow_mut();
        let s = surface(&mut p);
        s.size = (rect.width(), rect.height());
        s.ratio = ratio;
        c.set_width((rect.width() * ratio).round().max(0.0) as u32);
        c.set_height((rect.height() * ratio).round().max(0.0) as u32);
        repaint(&mut p, &c);
    });
    let observer = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok()?;
    observer.observe(canvas);
    Some(SizeObserver {
        observer,
        _on_resize: on_resize,
    })
}

/// Observes a canvas's size while it lives (see [`observe_size`]).
pub struct SizeObserver {
    observer: web_sys::ResizeObserver,
    /// Called by the observer: it lives as long as the observer does.
    _on_resize: Closure<dyn FnMut(js_sys::Array)>,
}

impl Drop for SizeObserver {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}
