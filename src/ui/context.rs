//! The Yew side of [`Player`]: one shared store, provided to every component by context, and
//! what components derive from it once per change (the trace index, the checker's findings,
//! the keys that tell a component whether the run it draws has changed). Components read
//! `store.player()` and send [`Action`]s; nothing else changes the run.

use std::cell::{Ref, RefCell};
use std::hash::{Hash, Hasher};
use std::rc::Rc;

use yew::prelude::*;

use crate::sim::checker::{check, Anomaly};
use crate::sim::model::{ClientId, ProcId};
use crate::sim::scenario::player::{Action, Player};
use crate::sim::time::Micros;
use crate::sim::trace::{Importance, Trace, TraceEvent, TraceKind};
use crate::sim::Sim;
use crate::ui::i18n::lang::Lang;

/// The shared playground state. Cloning shares the same player; `version` changes on every
/// action so that Yew re-renders the components that read it.
#[derive(Clone)]
pub struct Store {
    player: Rc<RefCell<Player>>,
    version: u64,
}

impl Store {
    pub fn new(player: Player) -> Store {
        Store {
            player: Rc::new(RefCell::new(player)),
            version: 0,
        }
    }

    /// Read access for rendering.
    pub fn player(&self) -> Ref<'_, Player> {
        self.player.borrow()
    }

    pub fn version(&self) -> u64 {
        self.version
    }
}

impl PartialEq for Store {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.player, &other.player) && self.version == other.version
    }
}

impl Reducible for Store {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        crate::ui::slices::reduce(&mut self.player.borrow_mut(), action);
        Rc::new(Store {
            player: self.player.clone(),
            version: self.version + 1,
        })
    }
}

/// What components get from the context: read with `.player()`, act with `.dispatch(..)`.
pub type StoreHandle = UseReducerHandle<Store>;

/// The store as it is on every frame of playback, for the parts of the page that follow the
/// clock (the transport, the moving messages, the space-time cursor, the log, the captions).
/// A page provides it beside the [`Ui`] (see [`provide`]): a component re-renders whenever a
/// context it reads changes, so the rest of the page, which reads the store through the slow
/// `Ui`, is left alone while the clock ticks.
#[derive(Clone, PartialEq)]
pub struct Clocked(pub StoreHandle);

/// The store as it is on every frame (a page's [`Clocked`] store; a component mounted alone
/// gets the plain store it is given). Panics only if a component is mounted outside any
/// store provider (a programming error caught by the component tests).
#[hook]
pub fn use_store() -> StoreHandle {
    let clocked = use_context::<Clocked>();
    let plain = use_context::<StoreHandle>();
    clocked
        .map(|c| c.0)
        .or(plain)
        .expect("components are mounted inside the app's store provider")
}

/// Wraps a page's `body` in its contexts: the store on every frame for the parts that follow
/// the clock ([`Clocked`]), and the [`Ui`], through which the rest reads the store
/// ([`use_slow_store`]).
pub fn provide(store: &StoreHandle, ui: Ui, body: Html) -> Html {
    html! {
        <ContextProvider<Clocked> context={Clocked(store.clone())}>
        <ContextProvider<Ui> context={ui}>
            { body }
        </ContextProvider<Ui>>
        </ContextProvider<Clocked>>
    }
}

/// The browser window, when there is one: components also render natively (server-side
/// rendering in the tests), where there is none.
pub fn browser() -> Option<web_sys::Window> {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        None
    }
}

/// A hash of everything that changes what the run holds (not where the cursor is between two
/// events). Components that redraw only when this changes stay still, and cheap, while the
/// clock merely moves.
pub fn content_key(player: &Player) -> u64 {
    let view = player.view();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    view.trace.len().hash(&mut h);
    view.events_processed.hash(&mut h);
    player.session.inputs().len().hash(&mut h);
    player.session.run.sim.trace.len().hash(&mut h);
    player.horizon().hash(&mut h);
    player.console.len().hash(&mut h);
    player.error.hash(&mut h);
    (player.cursor < player.horizon()).hash(&mut h);
    load_generation().hash(&mut h);
    h.finish()
}

/// Indices into the live trace, kept up to date as it grows (rebuilt after a fork or a new
/// session), so that per-frame work never rescans the whole run.
#[derive(Debug, Default)]
pub struct TraceIndex {
    /// Entries indexed so far.
    /// The address after the last entry read (entries are indexed by trace address).
    pub len: usize,
    /// The address of the oldest entry the trace still holds.
    pub base: usize,
    last: Option<TraceEvent>,
    generation: u64,
    /// Bumped whenever the index changes.
    pub version: u64,
    /// Bumped whenever `inputs` or `notable` change: what the timeline's marks are drawn from,
    /// which changes far less often than the index (not with each message).
    pub marks_version: u64,
    /// The reader's inputs.
    pub inputs: Vec<usize>,
    /// Notable state changes (failover, promotion, sync, loss…).
    pub notable: Vec<usize>,
    /// Everything but message traffic (the event log's short view).
    pub key_rows: Vec<usize>,
    /// The longest time a message spent in flight.
    pub longest: Micros,
}

impl TraceIndex {
    /// Catches up with `trace`; returns whether anything changed.
    pub fn update(&mut self, trace: &Trace) -> bool {
        let generation = load_generation();
        let forked = generation != self.generation
            || trace.len() < self.len
            || (self.len > 0 && self.last.as_ref() != trace.get(self.len - 1));
        if forked {
            *self = TraceIndex {
                generation,
                version: self.version + 1,
                marks_version: self.marks_version + 1,
                ..TraceIndex::default()
            };
        } else if trace.len() == self.len && trace.base() == self.base {
            return false;
        }
        if trace.base() > self.base {
            // Thinned: the entries before the trace's base are gone (indices are addresses).
            self.base = trace.base();
            let kept = |v: &mut Vec<usize>| v.retain(|&i| i >= trace.base());
            let marks = (self.inputs.len(), self.notable.len());
            kept(&mut self.inputs);
            kept(&mut self.notable);
            kept(&mut self.key_rows);
            if marks != (self.inputs.len(), self.notable.len()) {
                self.marks_version += 1;
            }
        }
        for (i, e) in trace.addressed_from(self.len) {
            match &e.kind {
                TraceKind::Input { .. } => {
                    self.inputs.push(i);
                    self.key_rows.push(i);
                    self.marks_version += 1;
                }
                TraceKind::State { importance, .. } => {
                    if *importance == Importance::Notable {
                        self.notable.push(i);
                        self.marks_version += 1;
                    }
                    self.key_rows.push(i);
                }
                TraceKind::Lost { .. } => self.key_rows.push(i),
                TraceKind::Send { arrive, .. } => {
                    self.longest = self.longest.max(Micros(arrive.0.saturating_sub(e.at.0)));
                }
            }
        }
        self.len = trace.len();
        self.last = trace.last().cloned();
        self.version += 1;
        true
    }
}

/// A shared value handed to components as a property that never compares unequal (they
/// redraw on their other, key-like properties).
pub struct Shared<T>(pub Rc<RefCell<T>>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// What the views derive from the run at the cursor, computed once per change of its content.
#[derive(Debug)]
pub struct Derived {
    /// The core's checker on the view.
    pub anomalies: Vec<Anomaly>,
    /// A hash of what the cluster diagram draws (node states, replicas and their roles,
    /// clients, the partition, anomalies): it changes far less often than the trace.
    pub structure: u64,
}

impl Derived {
    pub fn of(view: &Sim) -> Derived {
        let anomalies = check(view);
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for (i, n) in view.cluster.nodes.iter().enumerate() {
            (n.state, n.membership, view.is_drained(i)).hash(&mut h);
        }
        view.waiting_boot.hash(&mut h);
        view.partition.hash(&mut h);
        view.partial_cut.hash(&mut h);
        for (i, q) in view.queues.iter().enumerate() {
            (q.deleted, q.master, &q.mirrors, &q.synced, &q.ring).hash(&mut h);
            view.sync_percent(crate::sim::QueueId(i)).hash(&mut h);
            view.procs.get(q.master.0).map(|p| p.alive).hash(&mut h);
        }
        for c in &view.clients {
            (c.node, c.connected).hash(&mut h);
        }
        for a in &anomalies {
            (a.msg, a.kind.as_str()).hash(&mut h);
        }
        view.procs.len().hash(&mut h);
        Derived {
            anomalies,
            structure: h.finish(),
        }
    }
}

/// What the page shares besides the store on every frame, all of it slow to change: the
/// language, the selection, the trace index, and the run as the slower parts of the page see
/// it (the store and the views derived from it, replaced only when the run's content changes,
/// see [`content_key`], not on every frame). One context for all of it: each context type
/// costs its own share of the download.
#[derive(Clone)]
pub struct Ui {
    pub lang: Lang,
    pub selection: SelectionHandle,
    pub index: Shared<TraceIndex>,
    /// The store, for the slow parts ([`use_slow_store`]). Not compared: a clone of Yew's
    /// reducer handle takes the reducer's current state, so a handle kept from an earlier frame
    /// differs from the next frame's, and a context compared on it would re-render its readers
    /// on every frame. The `Ui` changes with `derived` instead.
    pub store: StoreHandle,
    pub derived: Rc<Derived>,
}

impl PartialEq for Ui {
    fn eq(&self, other: &Self) -> bool {
        self.lang == other.lang
            && self.selection == other.selection
            && Rc::ptr_eq(&self.derived, &other.derived)
    }
}

/// While the run plays, its content changes on nearly every frame; the slow parts of the page
/// (the panels, the diagram's structure, the checker's findings) follow it at most this often.
/// Redrawing them and running the checker on every frame was most of a frame's work, and grew
/// with the run's length.
pub const SLOW_EVERY_MS: f64 = 250.0;

/// The page's `performance` object, for a clock read many times (a work slice's budget);
/// `None` off the browser.
pub fn performance() -> Option<web_sys::Performance> {
    browser().and_then(|w| w.performance())
}

/// The wall clock in milliseconds (`performance.now()`); `None` off the browser.
pub fn wall_ms() -> Option<f64> {
    performance().map(|p| p.now())
}

/// What the reader did to the run (an input, a console line, a load or fork, an error, play
/// or pause): the slow views follow such a change at once, even while the run plays.
fn acted_key(player: &Player) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    player.session.inputs().len().hash(&mut h);
    player.console.len().hash(&mut h);
    player.error.hash(&mut h);
    player.playing.hash(&mut h);
    load_generation().hash(&mut h);
    h.finish()
}

/// The content key the slow views were last derived for, and when.
#[derive(Default)]
struct SlowClock {
    applied: Option<(u64, u64)>,
    at_ms: f64,
}

impl SlowClock {
    /// The content key to derive the slow views for: the run's own when it changed while
    /// paused, after the reader acted, or once [`SLOW_EVERY_MS`] have passed while it plays;
    /// else the one they show. A playing run is drawn every frame, so a skipped change is
    /// taken up by a later frame; pausing counts as acting.
    fn due(&mut self, content: u64, acted: u64, playing: bool, now: Option<f64>) -> u64 {
        let refresh = match self.applied {
            None => true,
            Some((c, _)) if c == content => false,
            Some((_, a)) => {
                !playing || a != acted || now.is_none_or(|t| t - self.at_ms >= SLOW_EVERY_MS)
            }
        };
        if refresh {
            self.applied = Some((content, acted));
            self.at_ms = now.unwrap_or(0.0);
        }
        self.applied.map_or(content, |(c, _)| c)
    }
}

/// The [`Ui`] a page provides around its store (the playground and the embed): it brings the
/// trace index up to date and derives the slow views when the run's content changes (while it
/// plays, at most every [`SLOW_EVERY_MS`]). The page re-renders on every frame of playback, so
/// this only keeps the shared state current.
#[hook]
pub fn use_ui(store: &StoreHandle, lang: Lang, selection: SelectionHandle) -> Ui {
    let index = use_mut_ref(TraceIndex::default);
    let clock = use_mut_ref(SlowClock::default);
    let content = {
        let player = store.player();
        index.borrow_mut().update(&player.session.run.sim.trace);
        clock.borrow_mut().due(
            content_key(&player),
            acted_key(&player),
            player.playing,
            wall_ms(),
        )
    };
    let derived = {
        let store = store.clone();
        use_memo(content, move |_| {
            Rc::new(Derived::of(store.player().view()))
        })
    };
    Ui {
        lang,
        selection,
        index: Shared(index),
        store: store.clone(),
        derived: (*derived).clone(),
    }
}

/// The slow store: in a page, the run as its slow parts see it (replaced at most every
/// [`SLOW_EVERY_MS`] while it plays, see [`provide`]); the store itself when mounted alone.
/// Reading it does not re-render a component on every frame.
#[hook]
pub fn use_slow_store() -> StoreHandle {
    let ui = use_context::<Ui>();
    let plain = use_context::<StoreHandle>();
    ui.map(|u| u.store)
        .or(plain)
        .expect("components are mounted inside the app's store provider")
}

/// The trace index from the app's context; a component mounted alone gets its own (it must then
/// bring it up to date itself with [`TraceIndex::update`]).
#[hook]
pub fn use_index() -> Shared<TraceIndex> {
    let own = use_mut_ref(TraceIndex::default);
    use_context::<Ui>().map_or(Shared(own), |u| u.index)
}

/// The derived views from the app's context (computed on the spot when mounted alone).
#[hook]
pub fn use_derived() -> Rc<Derived> {
    let shared = use_context::<Ui>();
    let store = use_slow_store();
    let own = use_memo(shared.is_none(), move |&alone| {
        alone.then(|| Rc::new(Derived::of(store.player().view())))
    });
    shared
        .map(|u| u.derived)
        .or_else(|| (*own).clone())
        .unwrap_or_else(|| {
            Rc::new(Derived {
                anomalies: Vec::new(),
                structure: 0,
            })
        })
}

/// The store handed to a component as a property that never compares unequal, so that the
/// component redraws only when its other properties (keys derived from the run) change, and
/// not on every frame the clock ticks.
#[derive(Clone)]
pub struct StoreRef(pub StoreHandle);

impl PartialEq for StoreRef {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::ops::Deref for StoreRef {
    type Target = StoreHandle;
    fn deref(&self) -> &StoreHandle {
        &self.0
    }
}

thread_local! {
    static LOADS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Starts a new session from a scenario (lessons, shared links, the cluster size). Counted, so
/// that watchers can tell a new session from a fork of the old one.
pub fn load(store: &StoreHandle, scenario: impl Into<String>) {
    LOADS.with(|l| l.set(l.get() + 1));
    store.dispatch(crate::sim::scenario::player::Action::Load(scenario.into()));
}

/// How many sessions [`load`] has started.
pub fn load_generation() -> u64 {
    LOADS.with(|l| l.get())
}

/// Dispatches a scenario line at the cursor (what every button on the stage does).
pub fn act(store: &StoreHandle, line: impl Into<String>) {
    store.dispatch(crate::sim::scenario::player::Action::Input(line.into()));
}

/// A click handler that selects something, for the many clickable parts of the stage.
pub fn select_cb<T: Clone + 'static>(cb: &Callback<T>, value: T) -> Callback<MouseEvent> {
    let cb = cb.clone();
    Callback::from(move |e: MouseEvent| {
        e.stop_propagation();
        cb.emit(value.clone());
    })
}

/// Something on the stage the reader picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    Node(usize),
    Replica(ProcId),
    Client(ClientId),
    /// A trace entry (a message when it is a `Send`).
    Event(usize),
}

/// The shared selection (the app provides it; a component mounted alone gets its own).
pub type SelectionHandle = UseStateHandle<Option<Selection>>;

#[hook]
pub fn use_selection() -> SelectionHandle {
    let own = use_state(|| None);
    use_context::<Ui>().map_or(own, |u| u.selection)
}

/// The language from the app's context (English when a component is mounted on its own).
#[hook]
pub fn use_lang() -> Lang {
    // Hooks run unconditionally: read both contexts, prefer the page's.
    let ui = use_context::<Ui>();
    let plain = use_context::<Lang>();
    ui.map(|u| u.lang).or(plain).unwrap_or(Lang::En)
}

#[cfg(test)]
mod slow_clock_tests {
    use super::*;

    #[test]
    fn a_playing_run_refreshes_the_slow_views_at_their_cadence_and_at_once_when_acted_on() {
        let mut c = SlowClock::default();
        assert_eq!(c.due(1, 7, true, Some(0.0)), 1);
        // Playing, nothing acted: a new content waits for the cadence.
        assert_eq!(c.due(2, 7, true, Some(100.0)), 1);
        assert_eq!(c.due(3, 7, true, Some(249.0)), 1);
        assert_eq!(c.due(4, 7, true, Some(250.0)), 4);
        assert_eq!(c.due(5, 7, true, Some(300.0)), 4);
        // The reader acted (an input, a pause): at once.
        assert_eq!(c.due(6, 8, true, Some(301.0)), 6);
        assert_eq!(c.due(7, 8, false, Some(302.0)), 7);
        // Paused: every change at once.
        assert_eq!(c.due(8, 8, false, Some(303.0)), 8);
        // Off the browser (no clock): every change at once.
        assert_eq!(c.due(9, 8, true, None), 9);
        // Unchanged content keeps its key.
        assert_eq!(c.due(9, 8, true, Some(304.0)), 9);
    }
}
