//! Small pieces the stage's components share: how a time is written, what a trace endpoint is
//! called, and the keys that tell a component whether the run it draws has changed.

use std::cell::RefCell;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

use yew::prelude::*;

use super::i18n::{Lang, Text};
use super::inspector::SelectionHandle;
use super::player::Player;
use super::store::StoreHandle;
use crate::sim::checker::{check, Anomaly};
use crate::sim::model::{ProcId, Role};
use crate::sim::time::Micros;
use crate::sim::trace::{Endpoint, Importance, TraceEvent, TraceKind};
use crate::sim::Sim;

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

/// A time on the run's clock, precise enough to tell apart the micro-second steps of the model
/// and short enough for a control bar: `0.000 s`, `12.345 ms`, `1.234567 s`.
pub fn fmt_time(t: Micros) -> String {
    let us = t.0;
    if us < 1_000_000 {
        format!("{}.{:03} ms", us / 1_000, us % 1_000)
    } else {
        format!("{}.{:06} s", us / 1_000_000, us % 1_000_000)
    }
}

/// A number with a fixed count of decimals, written with integer arithmetic: the standard
/// library's fixed-precision float formatting costs several kilobytes of wasm, and the page
/// writes coordinates on every frame.
#[derive(Debug, Clone, Copy)]
pub struct Fixed(pub f64, pub u8);

impl std::fmt::Display for Fixed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scale = 10u64.pow(u32::from(self.1));
        let n = (self.0 * scale as f64).round() as i64;
        if n < 0 {
            f.write_str("-")?;
        }
        let n = n.unsigned_abs();
        if self.1 == 0 {
            write!(f, "{n}")
        } else {
            write!(
                f,
                "{}.{:0w$}",
                n / scale,
                n % scale,
                w = usize::from(self.1)
            )
        }
    }
}

/// One decimal (SVG coordinates).
pub fn f1(v: f64) -> Fixed {
    Fixed(v, 1)
}

/// A span of simulated time for labels (the space-time window, the vanish window): `250 µs`,
/// `20 ms`, `1.5 s`.
pub fn fmt_span(us: f64) -> String {
    if us < 1_000.0 {
        format!("{} µs", Fixed(us, 0))
    } else if us < 1_000_000.0 {
        let ms = us / 1_000.0;
        if ms < 10.0 {
            format!("{} ms", Fixed(ms, 1))
        } else {
            format!("{} ms", Fixed(ms, 0))
        }
    } else {
        format!("{} s", Fixed(us / 1_000_000.0, 1))
    }
}

/// Playback speed as people say it: `1×`, `0.05×`, `25×`.
pub fn fmt_speed(speed: f64) -> String {
    if speed >= 10.0 {
        format!("{}×", Fixed(speed, 0))
    } else if speed >= 1.0 {
        format!("{}×", Fixed(speed, 1)).replace(".0×", "×")
    } else if speed >= 0.1 {
        format!("{}×", Fixed(speed, 2))
    } else {
        format!("{}×", Fixed(speed, 3))
    }
}

/// The short name of a node (`node2` for `rabbit@node2`), as the diagram labels it.
pub fn host(sim: &Sim, node: usize) -> &str {
    sim.cluster.nodes.get(node).map_or("?", |n| n.host())
}

/// Who sent or received a traced message, in words: `q1 master @node1`, `client app`, `node3`
/// (replicas in the seeds' words, master and slave, in both languages).
pub fn endpoint_name(sim: &Sim, e: Endpoint, text: &Text) -> String {
    match e {
        Endpoint::Proc(p) => match sim.procs.get(p.0) {
            Some(r) => {
                let queue = sim.queues.get(r.queue.0).map_or("?", |q| q.name.as_str());
                let role = match r.role {
                    Role::Master => "master",
                    Role::Mirror => "slave",
                };
                format!("{queue} {role} @{}", host(sim, r.pid.node))
            }
            None => format!("proc{}", p.0),
        },
        Endpoint::Client(c) => match sim.clients.get(c.0) {
            Some(cl) => format!("{} {}", text.w_client, cl.name),
            None => format!("{} {}", text.w_client, c.0),
        },
        Endpoint::Node(n) => host(sim, n).to_string(),
    }
}

/// The node an endpoint lives on (a client lives on the node it is connected to).
pub fn endpoint_node(sim: &Sim, e: Endpoint) -> Option<usize> {
    match e {
        Endpoint::Proc(p) => sim.procs.get(p.0).map(|r| r.pid.node),
        Endpoint::Client(c) => sim.clients.get(c.0).map(|cl| cl.node),
        Endpoint::Node(n) => Some(n),
    }
}

/// What a replica is in its queue's record right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplicaRole {
    Master,
    /// A mirror listed in `sync_slave_pids`.
    Synced,
    Unsynced,
    /// No longer in the record (a dead or dropped process).
    Gone,
}

/// The role the core's queue record gives process `p`.
pub fn replica_role(sim: &Sim, p: ProcId) -> ReplicaRole {
    let Some(q) = sim.procs.get(p.0).and_then(|r| sim.queues.get(r.queue.0)) else {
        return ReplicaRole::Gone;
    };
    if q.deleted {
        ReplicaRole::Gone
    } else if q.master == p {
        ReplicaRole::Master
    } else if q.synced.contains(&p) {
        ReplicaRole::Synced
    } else if q.mirrors.contains(&p) {
        ReplicaRole::Unsynced
    } else {
        ReplicaRole::Gone
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
    pub len: usize,
    last: Option<TraceEvent>,
    generation: u64,
    /// Bumped whenever the index changes.
    pub version: u64,
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
    pub fn update(&mut self, trace: &[TraceEvent]) -> bool {
        let generation = load_generation();
        let forked = generation != self.generation
            || trace.len() < self.len
            || (self.len > 0 && self.last.as_ref() != trace.get(self.len - 1));
        if forked {
            *self = TraceIndex {
                generation,
                version: self.version + 1,
                ..TraceIndex::default()
            };
        } else if trace.len() == self.len {
            return false;
        }
        for (i, e) in trace.iter().enumerate().skip(self.len) {
            match &e.kind {
                TraceKind::Input { .. } => {
                    self.inputs.push(i);
                    self.key_rows.push(i);
                }
                TraceKind::State { importance, .. } => {
                    if *importance == Importance::Notable {
                        self.notable.push(i);
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
        for n in &view.cluster.nodes {
            (n.state, n.membership).hash(&mut h);
        }
        view.waiting_boot.hash(&mut h);
        view.partition.hash(&mut h);
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

/// What the page shares besides the store, all of it slow to change: the language, the
/// selection, the trace index, and the run as the slower parts of the page see it (the store
/// and the views derived from it, replaced only when the run's content changes, see
/// [`content_key`], not on every frame). One context for all of it: each context type costs
/// its own share of the download.
#[derive(Clone)]
pub struct Ui {
    pub lang: Lang,
    pub selection: SelectionHandle,
    pub index: Shared<TraceIndex>,
    pub slow: StoreHandle,
    pub derived: Rc<Derived>,
}

impl PartialEq for Ui {
    fn eq(&self, other: &Self) -> bool {
        self.lang == other.lang
            && self.selection == other.selection
            && Rc::ptr_eq(&self.derived, &other.derived)
    }
}

/// The slow store from the app's context (the store itself when mounted alone).
#[hook]
pub fn use_slow_store() -> StoreHandle {
    let ui = use_context::<Ui>();
    let store = super::store::use_store();
    ui.map_or(store, |u| u.slow)
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
    let store = super::store::use_store();
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
    store.dispatch(super::player::Action::Load(scenario.into()));
}

/// How many sessions [`load`] has started.
pub fn load_generation() -> u64 {
    LOADS.with(|l| l.get())
}

/// Dispatches a scenario line at the cursor (what every button on the stage does).
pub fn act(store: &StoreHandle, line: impl Into<String>) {
    store.dispatch(super::player::Action::Input(line.into()));
}

/// A click handler that selects something, for the many clickable parts of the stage.
pub fn select_cb<T: Clone + 'static>(cb: &Callback<T>, value: T) -> Callback<MouseEvent> {
    let cb = cb.clone();
    Callback::from(move |e: MouseEvent| {
        e.stop_propagation();
        cb.emit(value.clone());
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::Lang;

    #[test]
    fn fixed_decimals_match_the_standard_formatting() {
        for v in [0.0, 1.25, -3.25, 999.95, 1e6 / 7.0, -0.04, 12.5] {
            for d in 0..4u8 {
                let want = format!("{v:.*}", usize::from(d));
                let got = Fixed(v, d).to_string();
                // Rounding of exact halves may differ (the standard rounds half to even).
                let close = (got.parse::<f64>().unwrap() - want.parse::<f64>().unwrap()).abs()
                    <= 10f64.powi(-i32::from(d)) + 1e-9;
                assert!(close, "{v} with {d}: {got} vs {want}");
            }
        }
        assert_eq!(Fixed(-0.04, 1).to_string(), "0.0");
        assert_eq!(f1(12.345).to_string(), "12.3");
    }

    #[test]
    fn times_read_well_at_every_scale() {
        assert_eq!(fmt_time(Micros(0)), "0.000 ms");
        assert_eq!(fmt_time(Micros(1_520)), "1.520 ms");
        assert_eq!(fmt_time(Micros(2_000_001)), "2.000001 s");
        assert_eq!(fmt_span(250.0), "250 µs");
        assert_eq!(fmt_span(2_500.0), "2.5 ms");
        assert_eq!(fmt_span(20_000.0), "20 ms");
        assert_eq!(fmt_span(1_500_000.0), "1.5 s");
        assert_eq!(fmt_speed(1.0), "1×");
        assert_eq!(fmt_speed(2.5), "2.5×");
        assert_eq!(fmt_speed(0.05), "0.050×");
        assert_eq!(fmt_speed(0.25), "0.25×");
        assert_eq!(fmt_speed(100.0), "100×");
    }

    #[test]
    fn endpoints_are_named_from_the_core() {
        let mut p = Player::new();
        p.apply(super::super::player::Action::Input(
            "client app node=node2".into(),
        ));
        p.apply(super::super::player::Action::Input("app declare q1".into()));
        let sim = p.view();
        assert_eq!(
            endpoint_name(
                sim,
                Endpoint::Client(crate::sim::ClientId(0)),
                Lang::En.text()
            ),
            "client app"
        );
        assert_eq!(
            endpoint_name(sim, Endpoint::Proc(crate::sim::ProcId(0)), Lang::En.text()),
            "q1 master @node2"
        );
        assert_eq!(endpoint_node(sim, Endpoint::Node(2)), Some(2));
        let before = content_key(&p);
        p.apply(super::super::player::Action::Input(
            "app publish q1 \"m\"".into(),
        ));
        assert_ne!(content_key(&p), before);
    }
}
