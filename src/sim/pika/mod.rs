//! The pika binding: learners' Python client code, unmodified, against the simulated cluster.
//!
//! Each script is its own client process ([`Script`]): an interpreter from [`crate::py`] whose
//! `import pika` gets this binding's `pika` (pika 1.3's `BlockingConnection` API), plus `time`,
//! `sys`, `json` and `socket`. Scripts run interleaved with simulated time: a blocking pika call
//! suspends the script until the simulated broker's reply arrives, `time.sleep` lets simulated
//! time pass, and consumer callbacks run when deliveries reach the client. [`Scripts`] drives
//! them all as the run's clock moves ([`Scripts::advance_to`]); the same seed and inputs give
//! the same output, byte for byte.
//!
//! Host names map to nodes by their first label (`node1.example.com` → `rabbit@node1`);
//! `localhost` is the script's own node (`python NAME on node=node2`, the first node by
//! default). Any other name fails as pika does, with `socket.gaierror`.
//!
//! Every executed line is linked to the trace events it caused ([`Script::links`],
//! [`Scripts::events_of_line`], [`Scripts::line_of_event`]): what the call itself sent, the
//! replies and deliveries that reached the script's clients while it waited in that line, and
//! the replication traffic of the queue that call waits on. Frames the simulator does not model
//! itself (queue.declare, channel.open, confirm.select, …) are drawn by the binding with ids
//! from [`WIRE_ID_BASE`] up.
//!
//! A script that never waits is stopped after [`INSTANT_BUDGET`] instructions at one
//! simulated instant (and after [`OPS_PER_INSTANT`] broker calls), with a message saying
//! so; nothing a script does can hang the page or panic.

mod exc;
mod host;
mod script;
mod state;

pub use host::{OPS_PER_INSTANT, PIKA_VERSION, WIRE_ID_BASE};
pub use script::{Script, ScriptState, INSTANT_BUDGET};

use std::collections::BTreeMap;

use crate::py::{Copier, ParseError};
use crate::sim::engine::Sim;
use crate::sim::model::ClientId;
use crate::sim::time::Micros;
use crate::sim::trace::{Endpoint, TraceKind};
use host::{Shared, ID_SEQUENCE_BITS};

/// Rounds of script turns at one instant before the driver gives up on that instant (a
/// safety net: each script's own budget already bounds its work).
const MAX_ROUNDS: usize = 10_000;

/// What `python NAME VERB` asks of a running script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Run one statement (waiting for the simulation as long as it needs), then pause.
    Step,
    /// Run freely.
    Run,
    /// Pause before the next statement.
    Pause,
    /// Kill the process (its connections close).
    Stop,
}

impl Control {
    /// Parses the verb of a `python NAME VERB` line.
    pub fn from_word(w: &str) -> Option<Control> {
        match w {
            "step" => Some(Control::Step),
            "run" | "continue" => Some(Control::Run),
            "pause" => Some(Control::Pause),
            "stop" | "kill" => Some(Control::Stop),
            _ => None,
        }
    }
}

/// Every script of a run, and the driver that moves them with the simulation.
#[derive(Debug, Default)]
pub struct Scripts {
    list: Vec<Script>,
    shared: Shared,
    /// Trace entries up to here have been offered to the waiting scripts for linking.
    linked: usize,
    /// The trace's base when the links were last cut to it ([`Scripts::forget_thinned`]).
    forgotten: usize,
}

impl Scripts {
    /// No scripts.
    pub fn new() -> Scripts {
        Scripts::default()
    }

    /// A copy that goes on exactly as these scripts would (the interpreters' states included);
    /// `None` when some script holds objects nested too deeply to copy.
    pub fn try_clone(&self) -> Option<Scripts> {
        let Scripts {
            list,
            shared,
            linked,
            forgotten,
        } = self;
        Copier::copy(|c| Scripts {
            list: list.iter().map(|s| s.copy(c)).collect(),
            shared: shared.clone(),
            linked: *linked,
            forgotten: *forgotten,
        })
    }

    /// Every script, in the order they were started (restarted ones included).
    pub fn all(&self) -> &[Script] {
        &self.list
    }

    /// Shares the records of `other`'s scripts (the same run's, replayed) where they hold the
    /// same ([`Script::share_records_from`]).
    pub fn share_records_from(&mut self, other: &Scripts) {
        for (s, o) in self.list.iter_mut().zip(&other.list) {
            s.share_records_from(o);
        }
    }

    /// The latest script with this name.
    pub fn get(&self, name: &str) -> Option<&Script> {
        self.list.iter().rev().find(|s| s.name == name)
    }

    fn index(&self, name: &str) -> Option<usize> {
        self.list.iter().rposition(|s| s.name == name)
    }

    /// Whether no script was ever started.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Starts a script now (a running one of the same name is stopped first, as a restarted
    /// process would be). It runs at once until its first blocking call.
    pub fn start(
        &mut self,
        sim: &mut Sim,
        name: &str,
        source: &str,
        home: usize,
        paused: bool,
        argv: &[String],
    ) -> Result<(), ParseError> {
        let mut script = Script::new(name, source, home, sim.now(), paused)?;
        script.set_argv(argv);
        self.link_pending(sim, None);
        if let Some(i) = self.index(name) {
            let shared = &mut self.shared;
            self.list[i].kill(sim, shared, "stopped: the script was started again");
        }
        self.list.push(script);
        self.settle(sim);
        Ok(())
    }

    /// Steps, resumes, pauses or stops a script.
    pub fn control(&mut self, sim: &mut Sim, name: &str, c: Control) -> Result<String, String> {
        let Some(i) = self.index(name) else {
            return Err(format!("no python script named '{name}'"));
        };
        self.link_pending(sim, None);
        let s = &mut self.list[i];
        if s.is_over() {
            return Err(format!("script '{name}' has {}", s.state().as_str()));
        }
        match c {
            Control::Step => s.step(),
            Control::Run => s.resume(),
            Control::Pause => s.pause(),
            Control::Stop => {
                let shared = &mut self.shared;
                s.kill(sim, shared, "stopped by the user");
            }
        }
        self.settle(sim);
        let s = &self.list[i];
        Ok(match s.waiting_on() {
            Some(w) => format!(
                "{} at line {}: waiting in {w}",
                s.state().as_str(),
                s.current_line()
            ),
            None => format!("{} at line {}", s.state().as_str(), s.current_line()),
        })
    }

    /// Simulator clients the scripts opened since the last call: (name, id, vhost).
    pub fn take_new_clients(&mut self) -> Vec<(String, ClientId, String)> {
        self.list
            .iter_mut()
            .flat_map(|s| std::mem::take(&mut s.st.new_clients))
            .collect()
    }

    /// Whether some script still runs (not over).
    pub fn any_alive(&self) -> bool {
        self.list.iter().any(|s| !s.is_over())
    }

    /// The next moment a script needs attention at (a sleep ending, a request arriving).
    pub fn next_time(&self, sim: &Sim) -> Option<Micros> {
        self.list.iter().filter_map(|s| s.next_time(sim)).min()
    }

    /// Lets every script do what it can at the current instant (after an input changed the
    /// cluster, or when time reached something a script waits for).
    pub fn settle(&mut self, sim: &mut Sim) {
        for _ in 0..MAX_ROUNDS {
            self.link_pending(sim, None);
            let mut progressed = false;
            for i in 0..self.list.len() {
                if !self.list[i].wants(sim) {
                    continue;
                }
                let mark = sim.trace.len();
                let shared = &mut self.shared;
                if self.list[i].advance(sim, shared) {
                    progressed = true;
                }
                // Others may care about what this one did (replies to their clients).
                self.linked = self.linked.min(mark);
                self.link_pending(sim, Some(i));
            }
            if !progressed {
                return;
            }
        }
        // A round limit reached means scripts keep waking each other at one instant: stop
        // them rather than hang.
        for s in &mut self.list {
            if !s.is_over() {
                s.kill(sim, &mut self.shared, "mirrorscope stopped the script: scripts kept waking each other without simulated time passing");
            }
        }
    }

    /// Advances the simulation to `t`, running the scripts whenever they can go on.
    pub fn advance_to(&mut self, sim: &mut Sim, t: Micros) {
        loop {
            self.settle(sim);
            let now = sim.now();
            if now >= t {
                return;
            }
            let target = match self.next_time(sim) {
                Some(x) if x > now && x < t => x,
                _ => t,
            };
            if self.list.iter().any(|s| s.is_watching()) {
                // Look after every event: deliveries and confirms reach the clients there.
                let e0 = sim.events_processed;
                sim.run_until(Micros(target.0 - now.0), |s| s.events_processed != e0);
            } else {
                sim.advance_to(target);
            }
        }
    }

    /// Runs the simulation (and the scripts) until `done` holds or `limit` has passed;
    /// returns whether `done` held.
    pub fn run_until(
        &mut self,
        sim: &mut Sim,
        limit: Micros,
        mut done: impl FnMut(&Sim, &Scripts) -> bool,
    ) -> bool {
        let end = sim.now() + limit;
        loop {
            self.settle(sim);
            if done(sim, self) {
                return true;
            }
            let now = sim.now();
            if now >= end {
                return false;
            }
            let mut target = end;
            if let Some(x) = self.next_time(sim).filter(|x| *x > now) {
                target = target.min(x);
            }
            let e0 = sim.events_processed;
            let this: &Scripts = self;
            sim.run_until(Micros(target.0 - now.0), |s| {
                s.events_processed != e0
                    && (done(s, this) || this.list.iter().any(|x| x.is_watching()))
            });
        }
    }

    /// Once the trace dropped old entries, forgets the scripts' links to them, and the ids of
    /// the frames they sent (a frame's loss comes within its flight, long before its entry is
    /// thinned): links are for the editor to show, and an hour of a script's links to entries
    /// long gone would hold megabytes.
    fn forget_thinned(&mut self, sim: &Sim) {
        let base = sim.trace.base();
        if base <= self.forgotten {
            return;
        }
        self.forgotten = base;
        // Trace ids come from a few increasing sequences (told apart by their top bits): in
        // each, the ids below the first one still held are of dropped frames.
        let mut first: BTreeMap<u64, u64> = BTreeMap::new();
        for e in sim.trace.iter() {
            if let TraceKind::Send { id, .. } = e.kind {
                first.entry(id >> ID_SEQUENCE_BITS).or_insert(id);
            }
        }
        for s in &mut self.list {
            s.st.links.retain(|&(_, i)| i as usize >= base);
            s.st.sends.retain_held(|top| first.get(&top).copied());
        }
    }

    /// Offers trace entries not yet seen to the scripts that wait on them: frames to or from
    /// their clients (and their losses), state changes naming their clients, and the
    /// replication traffic of the queue their current call concerns. `skip` already linked
    /// its own entries.
    fn link_pending(&mut self, sim: &Sim, skip: Option<usize>) {
        self.forget_thinned(sim);
        let from = self.linked;
        let to = sim.trace.len();
        self.linked = to;
        if from >= to {
            return;
        }
        for (i, s) in self.list.iter_mut().enumerate() {
            if Some(i) == skip || !s.is_watching() {
                continue;
            }
            let clients: Vec<ClientId> = s.client_ids();
            if clients.is_empty() {
                continue;
            }
            let names: Vec<String> = clients
                .iter()
                .filter_map(|c| sim.clients.get(c.0).map(|cl| cl.name.clone()))
                .collect();
            let queue = s.watched_queue(sim);
            let line = s.current_line();
            let already: usize = s.st.links.last().map_or(0, |l| l.1 as usize + 1);
            // Addresses: entries a thinned trace dropped are not offered.
            for (idx, ev) in sim.trace.addressed_from(from.max(already)) {
                let mine = match &ev.kind {
                    TraceKind::Send { from, to, id, .. } => {
                        let client =
                            |e: &Endpoint| matches!(e, Endpoint::Client(c) if clients.contains(c));
                        let of_queue = |e: &Endpoint| match (e, &queue) {
                            (Endpoint::Proc(p), Some(q)) => sim.procs.get(p.0).is_some_and(|r| {
                                sim.queues.get(r.queue.0).is_some_and(|rec| &rec.name == q)
                            }),
                            _ => false,
                        };
                        let hit = client(from) || client(to) || (of_queue(from) && of_queue(to));
                        if hit {
                            s.st.sends.insert(*id);
                        }
                        hit
                    }
                    TraceKind::Lost { id, .. } => s.st.sends.contains(*id),
                    TraceKind::State { change, .. } => change
                        .client()
                        .is_some_and(|c| names.iter().any(|n| n == c)),
                    TraceKind::Input { .. } => false,
                };
                if mine {
                    s.st.links.push((line, idx as u32));
                }
            }
        }
    }

    /// Trace indices linked to `line` of the latest script named `name`, in trace order.
    pub fn events_of_line(&self, name: &str, line: u32) -> Vec<usize> {
        self.get(name)
            .map(|s| {
                s.links()
                    .iter()
                    .filter(|(l, _)| *l == line)
                    .map(|(_, i)| *i as usize)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The first and one-past-the-last trace index linked to each executed line of a script:
    /// `(line, start, end)`, by line. (A line run many times spans all its runs; use
    /// [`Scripts::events_of_line`] for the exact events.)
    pub fn line_spans(&self, name: &str) -> Vec<(u32, usize, usize)> {
        let mut spans: std::collections::BTreeMap<u32, (usize, usize)> = Default::default();
        if let Some(s) = self.get(name) {
            for &(l, i) in s.links() {
                let e = spans.entry(l).or_insert((i as usize, i as usize + 1));
                e.0 = e.0.min(i as usize);
                e.1 = e.1.max(i as usize + 1);
            }
        }
        spans.into_iter().map(|(l, (a, b))| (l, a, b)).collect()
    }

    /// The script and line that caused trace event `idx`, if a script did.
    pub fn line_of_event(&self, idx: usize) -> Option<(&str, u32)> {
        for s in self.list.iter().rev() {
            let links = s.links();
            // Links are appended in trace order; the first link at or after idx.
            let pos = links.partition_point(|l| (l.1 as usize) < idx);
            if let Some(&(line, i)) = links.get(pos) {
                if i as usize == idx {
                    return Some((&s.name, line));
                }
            }
        }
        None
    }
}
