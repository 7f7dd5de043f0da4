//! The playground's controller: a [`Session`] plus what the viewer controls (play/pause,
//! speed, the display cursor on the timeline, the console history). It holds no rule of
//! RabbitMQ: every change to the cluster is a scenario line given to the core, so whatever a
//! learner does can be shared, replayed and tested. Plain Rust, so it is tested natively.

use crate::sim::ctl::block::{self, Connector, Piece, PieceKind};
use crate::sim::engine::Sim;
use crate::sim::pika::{Control, ScriptState, Scripts};
use crate::sim::scenario::checkpoints::{advance, Checkpoints, Marking, Replaying};
use crate::sim::scenario::parse::Action as Line;
use crate::sim::scenario::run::Run;
use crate::sim::scenario::session::{Loading, Session, STEP_WEIGHT};
use crate::sim::time::Micros;
use crate::sim::trace::{Importance, Thinning, TraceEvent, TraceKind};

/// Slowest and fastest playback (the Speed slider is logarithmic between them).
pub const MIN_SPEED: f64 = 0.01;
pub const MAX_SPEED: f64 = 100.0;

/// One line typed in the console, with what it printed.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsoleEntry {
    /// The node whose shell it ran in (`rabbit@node1`).
    pub node: String,
    pub input: String,
    pub output: String,
    pub exit_code: i32,
    pub at: Micros,
}

/// What the viewer asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A scenario line (`kill node1`, `app publish q "m"`, …) applied at the cursor. Acting
    /// in the past forks: the inputs after the cursor are discarded first.
    Input(String),
    /// A console line (`rabbitmqctl …`, `systemctl stop rabbitmq-server`) run in a node's shell.
    Console {
        node: usize,
        line: String,
    },
    Play,
    Pause,
    TogglePlay,
    /// Run to the next scheduled event.
    Step,
    SetSpeed(f64),
    /// Skip quiet time while playing: when nothing is on the wire at the cursor, the clock
    /// jumps to the next thing that happens instead of crawling there at the set speed.
    SetSkipQuiet(bool),
    /// Move the display cursor (scrubbing); forward of the present runs the simulation.
    Seek(Micros),
    /// Wall-clock time passed, in milliseconds (from requestAnimationFrame or a timer).
    Tick(f64),
    /// Jump to the next failover, promotion, sync, loss or other notable event.
    NextInteresting,
    /// Start over with a scenario (a lesson, a shared URL, an embed). A seek asked for while
    /// it loads is where the loaded session is shown.
    Load(String),
    /// Carry the work in progress on for about this many simulator events (the page sends it
    /// between frames; [`Player::work`]).
    Work(u64),
    /// Abandon the work in progress ([`Player::stop`]).
    Stop,
    /// `python NAME step`, then let simulated time run until the script stops before its next
    /// statement or ends (at most [`STEP_WAIT`]): one press of the editor's Step.
    StepScript(String),
    /// Trace events to light up on the stage (a script line is hovered); empty to clear.
    HighlightEvents(Vec<usize>),
    /// The trace event the viewer picked (the editor then marks the line that caused it).
    SelectEvent(Option<usize>),
}

/// How much of the trace the playground keeps in full: every entry of the last few simulated
/// minutes, older detail dropped a minute at a time (the state at any time stays reachable:
/// seeks rebuild it from checkpoints and the recorded inputs). The steady-load lesson records
/// about 24,000 entries a simulated minute, some 2.5 MB: five minutes of them keep an hour of
/// play well under the page's 64 MB (`mirrorscope bench --memory-minutes 60`).
pub const HISTORY: Thinning = Thinning {
    keep: Micros(5 * 60_000_000),
    every: Micros(60_000_000),
};

/// How far the run's history was thinned ([`Player::thinned`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thinned {
    /// Before this time only the cluster's state is kept (checkpoints and the inputs), not
    /// each message and state change.
    pub before: Micros,
    /// The cursor is in that thinned past: the state shown is exact, its events are gone.
    pub at_cursor: bool,
}

/// The history a past on display keeps in full (a replay of the same inputs as the present,
/// whose trace already holds these entries): the last minute before the cursor, so that
/// scrubbing holds little besides the present, and a seek copies little.
pub const PAST_HISTORY: Thinning = Thinning {
    keep: Micros(60_000_000),
    every: Micros(15_000_000),
};

/// The longest a Step waits for its statement to finish (`basic_get` on a queue without a
/// master takes ~60 s to fail).
pub const STEP_WAIT: Micros = Micros(70_000_000);

/// How far "next interesting" runs ahead looking for something notable.
const HUNT_LIMIT: Micros = Micros(60_000_000);

/// A trace entry worth stopping at for "next interesting".
fn is_notable(e: &TraceEvent) -> bool {
    matches!(
        e.kind,
        TraceKind::State {
            importance: Importance::Notable,
            ..
        }
    )
}

/// Long work done in slices ([`Player::work`]), so that the page answers between them.
#[derive(Debug)]
enum Work {
    /// The live session moving forward to `to` (a seek or a tick ahead of the present).
    Advance { from: Micros, to: Micros },
    /// The past being replayed for display.
    Replay(Box<Replaying>),
    /// A scenario being loaded, then shown at `at`. Its run lays checkpoints as it goes
    /// (`marks`, the loaded player's), so that the first seek back after it replays a short
    /// stretch instead of the whole run.
    Load {
        loading: Box<Loading>,
        marks: Box<Checkpoints>,
        at: Option<Micros>,
    },
    /// "Next interesting" running the live session ahead (a minute at most from `start`)
    /// until a notable entry follows the trace's first `before` entries.
    Hunt { start: Micros, before: usize },
    /// The editor's Step: the live session running until script `name` stops before its next
    /// statement or ends, or until `end` (the step's start plus [`STEP_WAIT`]).
    StepScript {
        name: String,
        start: Micros,
        end: Micros,
    },
    /// A pasted console block: its commands still to run.
    Block {
        node_name: String,
        pieces: Vec<Piece>,
        next: usize,
        last_ok: bool,
    },
}

/// What kind of work is in progress, for the page to name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkKind {
    /// Moving the clock (a seek, into the future or the past).
    Seek,
    /// Loading a scenario (a shared link, a lesson).
    Load,
    /// Running the commands of a pasted block.
    Block,
    /// Running a script's statement (the editor's Step).
    Step,
}

/// Work in progress: what it is and how far along (0 to 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Busy {
    pub kind: WorkKind,
    pub progress: f64,
}

/// What a Stop left behind, for the page to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stopped {
    /// A seek stopped: the view shows the furthest instant it had fully run (ahead of the
    /// present, the run stays there; in the past, the view does, as a seek there would show).
    Seek { reached: Micros },
    /// Loading stopped: the session before it stays, unchanged.
    Load,
    /// A pasted block stopped: its commands not yet run are not run (a console entry says so,
    /// exit status 130 as bash gives for an interrupt).
    Block { not_run: usize },
}

/// The exit status of a console block stopped midway (bash's for SIGINT: 128 + 2).
pub const STOPPED_EXIT: i32 = 130;

/// The viewer's state around a session.
#[derive(Debug)]
pub struct Player {
    pub session: Session,
    pub playing: bool,
    pub speed: f64,
    /// Play skips quiet time ([`Action::SetSkipQuiet`]).
    pub skip_quiet: bool,
    /// The simulated time the last tick skipped (zero when it moved at the set speed).
    pub skipped: Micros,
    /// The time on display. Below `session.now()` the view shows `past`.
    pub cursor: Micros,
    /// A replay of the run at `cursor` while the viewer looks at the past.
    past: Option<Run>,
    pub console: Vec<ConsoleEntry>,
    /// The last error to show where the user acted (a line that does not parse, …).
    pub error: Option<String>,
    /// Trace events a hovered script line caused, for the stage to light up.
    pub highlighted: Vec<usize>,
    /// The trace event the viewer picked on the stage or in a script's event list.
    pub selected_event: Option<usize>,
    /// Copies of the replayed run, so that a seek into the past replays from near its target.
    checkpoints: Checkpoints,
    /// Work in progress, carried on by [`Player::work`].
    work: Option<Work>,
    /// A replay that lays checkpoints ahead of the first seek back ([`Player::warm`]).
    warming: Option<Replaying>,
    /// What the last Stop left, until the next action.
    pub stopped: Option<Stopped>,
}

impl Player {
    /// A three-node cluster at time zero.
    pub fn new() -> Player {
        Player::from_session(Session::new(&["cluster nodes=3"]).expect("a 3-node cluster is valid"))
    }

    /// The player of `session`, whose traces it thins from now on ([`HISTORY`]).
    pub fn from_session(mut session: Session) -> Player {
        session.set_thinning(Some(HISTORY));
        let cursor = session.now();
        Player {
            session,
            playing: false,
            speed: 1.0,
            skip_quiet: false,
            skipped: Micros(0),
            cursor,
            past: None,
            console: Vec::new(),
            error: None,
            highlighted: Vec::new(),
            selected_event: None,
            checkpoints: Checkpoints::default(),
            work: None,
            warming: None,
            stopped: None,
        }
    }

    /// The run on display (the past while scrubbing), with its scripts.
    pub fn view_run(&self) -> &Run {
        match &self.past {
            Some(run) => run,
            None => &self.session.run,
        }
    }

    /// The simulation as it is at the cursor: what every view draws.
    pub fn view(&self) -> &Sim {
        match &self.past {
            Some(run) => &run.sim,
            None => &self.session.run.sim,
        }
    }

    /// Whether the run's history was thinned, and where: what the page says about it. `None`
    /// while every entry since time zero is kept.
    pub fn thinned(&self) -> Option<Thinned> {
        let before = self.session.run.sim.trace.thinned_before()?;
        Some(Thinned {
            before,
            at_cursor: self.cursor < before,
        })
    }

    /// The latest simulated time reached (the right end of the timeline).
    pub fn horizon(&self) -> Micros {
        self.session.now()
    }

    /// How many checkpoints seeks into the past restore from (for the seek benches).
    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.marks.len()
    }

    /// Brings the live session to the cursor before acting, discarding the future there.
    fn fork_at_cursor(&mut self) {
        // Every caller then records an input at the cursor, which a checkpoint there or later
        // has not seen, nor a replay laying checkpoints.
        self.checkpoints.forget_from(self.cursor);
        self.warming = None;
        if self.cursor < self.session.now() {
            match self.past.take() {
                // The past on display is already the run a rebuild at the cursor gives (the
                // replay that made it was sliced), so acting there costs no second rebuild,
                // which the page could not slice.
                Some(run) if run.sim.now() == self.cursor => {
                    self.session.adopt_past(self.cursor, run)
                }
                _ => self.session.rewind_to(self.cursor),
            }
        }
        self.past = None;
    }

    /// Does what the viewer asked, to the end (tests, the command line, lessons): the page
    /// uses [`Player::start`] and [`Player::work`] instead, so that long work is sliced.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::Work(budget) => {
                self.work(budget);
            }
            Action::Stop => self.stop(),
            action => {
                self.start(action);
                while !self.work(u64::MAX) {}
            }
        }
    }

    /// What is in progress, if anything.
    pub fn busy(&self) -> Option<Busy> {
        let span = |from: Micros, now: Micros, to: Micros| {
            (now.0.saturating_sub(from.0) as f64 / to.0.saturating_sub(from.0).max(1) as f64)
                .clamp(0.0, 1.0)
        };
        let (kind, progress) = match self.work.as_ref()? {
            Work::Advance { from, to } => (WorkKind::Seek, span(*from, self.session.now(), *to)),
            Work::Replay(r) => (WorkKind::Seek, span(r.from, r.run.sim.now(), r.to)),
            Work::Hunt { start, .. } => (
                WorkKind::Seek,
                span(*start, self.session.now(), *start + HUNT_LIMIT),
            ),
            Work::StepScript { start, end, .. } => {
                (WorkKind::Step, span(*start, self.session.now(), *end))
            }
            Work::Load { loading, .. } => (WorkKind::Load, loading.progress()),
            Work::Block { pieces, next, .. } => {
                (WorkKind::Block, *next as f64 / pieces.len().max(1) as f64)
            }
        };
        Some(Busy { kind, progress })
    }

    /// Starts what the viewer asked: short actions are done at once, long ones (seeks, loads,
    /// pasted blocks) become work that [`Player::work`] carries on in slices. While work is in
    /// progress the clock's ticks wait for it, and any other action that changes the run first
    /// abandons it (as a Stop would, without the notice).
    pub fn start(&mut self, action: Action) {
        match action {
            Action::HighlightEvents(events) => {
                self.highlighted = events;
                return;
            }
            Action::SelectEvent(e) => {
                self.selected_event = e;
                return;
            }
            Action::Work(budget) => {
                self.work(budget);
                return;
            }
            Action::Stop => {
                self.stop();
                return;
            }
            Action::Tick(_) if self.work.is_some() => return,
            // A seek asked for while a session loads (a link's `t=`, a lesson's start) is where
            // the loaded session is shown.
            Action::Seek(t) if matches!(self.work, Some(Work::Load { .. })) => {
                if let Some(Work::Load { at, .. }) = &mut self.work {
                    *at = Some(t);
                }
                return;
            }
            Action::Play
            | Action::Pause
            | Action::TogglePlay
            | Action::SetSpeed(_)
            | Action::SetSkipQuiet(_) => {}
            _ => {
                self.abandon();
            }
        }
        self.stopped = None;
        self.error = None;
        match action {
            Action::HighlightEvents(_)
            | Action::SelectEvent(_)
            | Action::Work(_)
            | Action::Stop => {}
            Action::StepScript(name) => {
                let line = Line::PythonControl {
                    name: name.clone(),
                    control: Control::Step,
                }
                .to_string();
                self.fork_at_cursor();
                if let Err(e) = self.session.apply(&line) {
                    self.error = Some(e);
                }
                let start = self.session.now();
                self.cursor = start;
                self.work = Some(Work::StepScript {
                    name,
                    start,
                    end: start + STEP_WAIT,
                });
            }
            Action::Input(line) => {
                self.fork_at_cursor();
                if let Err(e) = self.session.apply(&line) {
                    self.error = Some(e);
                }
                self.cursor = self.session.now();
            }
            Action::Console { node, line } => self.console_line(node, &line),
            Action::Play => self.playing = true,
            Action::Pause => self.playing = false,
            Action::TogglePlay => self.playing = !self.playing,
            Action::Step => {
                if self.past.is_some() {
                    // Step through the past by replaying to the next event after the cursor.
                    let next = self.next_event_after(self.cursor);
                    self.seek(next.unwrap_or(self.horizon()));
                } else if let Some(t) = self.session.step_event() {
                    self.cursor = t;
                }
            }
            Action::SetSpeed(s) => self.speed = s.clamp(MIN_SPEED, MAX_SPEED),
            Action::SetSkipQuiet(on) => self.skip_quiet = on,
            Action::Seek(t) => self.seek(t),
            Action::Tick(wall_ms) => {
                if self.playing && wall_ms > 0.0 {
                    let dt = Micros((wall_ms * 1000.0 * self.speed).round() as u64);
                    let to = self.cursor + dt;
                    let next = self.quiet_until().filter(|&next| next > to);
                    self.skipped = next.map_or(Micros(0), |next| Micros(next.0 - to.0));
                    self.seek(next.unwrap_or(to));
                }
            }
            Action::NextInteresting => {
                let now = self.cursor;
                let found = self
                    .session
                    .run
                    .sim
                    .trace
                    .iter()
                    .find(|e| e.at > now && is_notable(e));
                match found.map(|e| e.at) {
                    Some(t) => self.seek(t),
                    // Nothing notable yet: run ahead (up to a minute) until something happens.
                    None => {
                        self.work = Some(Work::Hunt {
                            start: self.session.now(),
                            before: self.session.run.sim.trace.len(),
                        })
                    }
                }
            }
            Action::Load(text) => self.load(&text),
        }
    }

    /// With skip-quiet on and nothing on the wire at the cursor, the time of the next thing
    /// that happens (a timer, a script waking, an input recorded ahead in the past): the clock
    /// may jump there. `None` while a message is in flight, or when nothing is scheduled.
    fn quiet_until(&self) -> Option<Micros> {
        if !self.skip_quiet || self.view().net_in_flight() {
            return None;
        }
        let next_input = || {
            let i = self
                .session
                .inputs()
                .partition_point(|i| i.at <= self.cursor);
            self.session.inputs().get(i).map(|i| i.at)
        };
        let next = match (self.view_run().next_event_time(), next_input()) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => a.or(b)?,
        };
        // In the past the horizon ends the replay; live, the run goes on to the next event.
        Some(if self.past.is_some() {
            next.min(self.horizon())
        } else {
            next
        })
    }

    fn load(&mut self, text: &str) {
        match Loading::new(text) {
            Ok(mut loading) => {
                loading.set_thinning(Some(HISTORY));
                self.work = Some(Work::Load {
                    loading: Box::new(loading),
                    marks: Box::default(),
                    at: None,
                })
            }
            Err(e) => self.error = Some(format!("line {}: {}", e.line, e.message)),
        }
    }

    /// Carries the work in progress on for about `budget` simulator events (an instant's
    /// events and one input line are never split, a line counting as [`STEP_WEIGHT`] events);
    /// whether nothing is left. The result is the same however the work is sliced.
    pub fn work(&mut self, budget: u64) -> bool {
        let Some(work) = self.work.take() else {
            return true;
        };
        match work {
            Work::Advance { from, to } => {
                if self.session.run.advance_within(to, budget) {
                    self.cursor = to;
                } else {
                    self.cursor = self.session.now();
                    self.work = Some(Work::Advance { from, to });
                }
            }
            Work::Replay(mut r) => {
                let marking = Marking {
                    thinning: self.past_thinning(),
                    marks: &mut self.checkpoints,
                    present: Some(&self.session.run),
                };
                if r.work(self.session.inputs(), budget, Some(marking)) {
                    self.cursor = r.to;
                    self.past = Some(r.run);
                } else {
                    self.work = Some(Work::Replay(r));
                }
            }
            Work::Hunt { start, before } => {
                let end = start + HUNT_LIMIT;
                let now = self.session.now();
                let e0 = self.session.run.sim.events_processed;
                let notable = |s: &Sim| s.trace[before..].iter().any(is_notable);
                if now < end {
                    // A slice ends only between two instants, as a seek's does, so the hunt in
                    // slices runs the same events as one run to the first notable entry.
                    self.session.run.run_until(Micros(end.0 - now.0), |s| {
                        notable(s)
                            || (s.events_processed - e0 >= budget.max(1)
                                && s.next_event_time().is_none_or(|e| e > s.now()))
                    });
                }
                let sim = &self.session.run.sim;
                let hit = sim.trace[before..]
                    .iter()
                    .find(|e| is_notable(e))
                    .map(|e| e.at);
                if hit.is_some() || sim.now() >= end {
                    let t = hit.unwrap_or(sim.now().max(start));
                    self.checkpoints.keep_spare(self.past.take());
                    self.cursor = t.max(self.cursor);
                } else {
                    self.cursor = sim.now();
                    self.work = Some(Work::Hunt { start, before });
                }
            }
            Work::StepScript { name, start, end } => {
                if !self.step_script_within(&name, end, budget) {
                    self.work = Some(Work::StepScript { name, start, end });
                }
                self.cursor = self.session.now();
            }
            Work::Load {
                mut loading,
                mut marks,
                at,
            } => {
                if load_marking(&mut loading, &mut marks, budget) {
                    // The viewer's settings (and a Play asked for while it loaded) carry over.
                    let (playing, speed, skip_quiet) = (self.playing, self.speed, self.skip_quiet);
                    *self = Player::from_session(loading.into_session());
                    (self.playing, self.speed, self.skip_quiet) = (playing, speed, skip_quiet);
                    self.checkpoints = *marks;
                    if let Some(t) = at {
                        self.seek(t);
                    }
                } else {
                    self.work = Some(Work::Load { loading, marks, at });
                }
            }
            Work::Block {
                node_name,
                pieces,
                mut next,
                mut last_ok,
            } => {
                let mut spent = 0u64;
                while let Some(piece) = pieces.get(next) {
                    if spent >= budget {
                        break;
                    }
                    next += 1;
                    let runs = match piece.connector {
                        Connector::Always => true,
                        Connector::IfOk => last_ok,
                        Connector::IfFailed => !last_ok,
                    };
                    if !runs {
                        continue;
                    }
                    let e0 = self.session.run.sim.events_processed;
                    let code = match &piece.kind {
                        PieceKind::Run(cmd) => self.console_command(&node_name, &cmd.text),
                        PieceKind::Unsupported(message) => {
                            self.console_entry(&node_name, &piece.text, message.clone(), 2);
                            2
                        }
                    };
                    spent = spent
                        .saturating_add(STEP_WEIGHT)
                        .saturating_add(self.session.run.sim.events_processed - e0);
                    last_ok = code == 0;
                }
                if next < pieces.len() {
                    self.work = Some(Work::Block {
                        node_name,
                        pieces,
                        next,
                        last_ok,
                    });
                }
            }
        }
        self.work.is_none()
    }

    /// Abandons the work in progress and says what that left ([`Stopped`]).
    pub fn stop(&mut self) {
        self.stopped = self.abandon();
    }

    /// Abandons the work in progress, leaving the session as it was before it (a seek ahead
    /// keeps the instants it has fully run: they are the run's own future, not a change).
    fn abandon(&mut self) -> Option<Stopped> {
        Some(match self.work.take()? {
            // A hunt for the next notable entry, or a Step's wait for its statement, stops as a
            // seek ahead does (the script stays mid-statement and finishes it as time runs on).
            Work::Advance { .. } | Work::Hunt { .. } | Work::StepScript { .. } => {
                // A slice ends between two instants; this completes the engine's own end of
                // an advance there, so the run equals a rebuild at that time.
                let now = self.session.now();
                self.session.run.sim.advance_to(now);
                self.session.advance_to(now);
                self.cursor = now;
                Stopped::Seek { reached: now }
            }
            Work::Replay(r) => {
                // The replay may have taken the run on display (playing forward through the
                // past): what it reached is shown instead, complete as at the end of a seek.
                let mut run = r.run;
                let now = run.sim.now();
                run.sim.advance_to(now);
                run.advance_to(now);
                self.past = Some(run);
                self.cursor = now;
                Stopped::Seek { reached: now }
            }
            Work::Load { .. } => Stopped::Load,
            Work::Block {
                node_name,
                pieces,
                next,
                ..
            } => {
                let rest: Vec<&str> = pieces[next..].iter().map(|p| p.text.as_str()).collect();
                self.console_entry(
                    &node_name,
                    &rest.join("\n"),
                    format!(
                        "^C\nstopped: {} command(s) of the pasted block were not run",
                        rest.len()
                    ),
                    STOPPED_EXIT,
                );
                Stopped::Block {
                    not_run: rest.len(),
                }
            }
        })
    }

    /// Runs the live session until script `name` no longer waits inside its statement, or
    /// until `end`, spending about `budget` looks (simulator events and script wakeups);
    /// whether the step is over. A slice ends only between two instants and only once the
    /// run has moved (an event processed or time passed), so every slice makes progress and
    /// the resumed call takes the same path as the whole wait.
    fn step_script_within(&mut self, name: &str, end: Micros, budget: u64) -> bool {
        let waiting = |scripts: &Scripts| {
            scripts
                .get(name)
                .is_some_and(|s| s.state() == ScriptState::Waiting)
        };
        let run = &mut self.session.run;
        let (t0, e0) = (run.sim.now(), run.sim.events_processed);
        if t0 >= end || !waiting(&run.scripts) {
            return true;
        }
        let mut looks = 0u64;
        run.run_scripts_until(Micros(end.0 - t0.0), |s, scripts| {
            if !waiting(scripts) {
                return true;
            }
            looks += 1;
            let moved = s.now() > t0 || s.events_processed > e0;
            moved && looks >= budget && s.next_event_time().is_none_or(|e| e > s.now())
        });
        run.sim.now() >= end || !waiting(&run.scripts)
    }

    fn next_event_after(&self, t: Micros) -> Option<Micros> {
        let trace = &self.session.run.sim.trace;
        if trace.thinned_before().is_some_and(|cut| t < cut) {
            // The trace no longer says what happens next there: the replayed run's own
            // schedule does (and the inputs recorded ahead).
            let i = self.session.inputs().partition_point(|i| i.at <= t);
            let input = self.session.inputs().get(i).map(|i| i.at);
            let event = self.view_run().next_event_time().filter(|&e| e > t);
            return match (event, input) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        trace.iter().map(|e| e.at).find(|&at| at > t)
    }

    fn seek(&mut self, t: Micros) {
        if t >= self.session.now() {
            self.checkpoints.keep_spare(self.past.take());
            self.work = Some(Work::Advance {
                from: self.session.now(),
                to: t,
            });
            return;
        }
        let past = self.past.take();
        let replaying = self.replay_past(past, t);
        self.work = Some(Work::Replay(Box::new(replaying)));
    }

    /// Lays checkpoints ahead of the first seek back, for about `budget` simulator events of
    /// replay; whether there is nothing left to lay for now. Checkpoints are taken by the
    /// replays seeks make, so before this a first seek back on a long run replayed it all
    /// (0.2 s in the page for ten minutes of the steady load, 0.5 s for the welcome scenario's
    /// scripts). Here the page replays from the latest checkpoint towards the present in the
    /// background, a little each frame while it plays and while it is idle, so that seeks find
    /// one near wherever they land. It waits while other work is under way, and the run it
    /// replays is only ever laid down as checkpoints: the same replay a seek makes, so each is
    /// what a rebuild at its time gives.
    pub fn warm(&mut self, budget: u64) -> bool {
        if self.work.is_some() {
            return true;
        }
        if self.warming.is_none() {
            self.warming = self.warm_replay();
        }
        let Some(replay) = self.warming.as_mut() else {
            return true;
        };
        let marking = Marking {
            thinning: past_thinning(self.session.thinning()),
            marks: &mut self.checkpoints,
            present: Some(&self.session.run),
        };
        if replay.work(self.session.inputs(), budget, Some(marking)) {
            // Its trace serves the next replay, as the past's does (`restore`).
            let done = self.warming.take().map(|r| r.run);
            self.checkpoints.keep_spare(done);
            return self.warm_due().is_none();
        }
        false
    }

    /// Whether [`Player::warm`] has checkpoints to lay: the latest is at least two spacings of
    /// events behind the present, or a replay laying them is under way.
    pub fn warming(&self) -> bool {
        self.work.is_none() && (self.warming.is_some() || self.warm_due().is_some())
    }

    /// The checkpoint a replay laying checkpoints would start from, if the present is at least
    /// two spacings of events past the latest one (the first of all is taken at once).
    fn warm_due(&self) -> Option<usize> {
        if self.checkpoints.no_base {
            return None;
        }
        let Some(latest) = self.checkpoints.latest_at_or_before(self.session.now()) else {
            return Some(0);
        };
        let ahead = self
            .session
            .run
            .sim
            .events_processed
            .saturating_sub(self.checkpoints.marks[latest].run.sim.events_processed);
        (ahead >= self.checkpoints.spacing.saturating_mul(2)).then_some(latest)
    }

    /// A replay from the latest checkpoint to the present, to lay checkpoints on the way.
    fn warm_replay(&mut self) -> Option<Replaying> {
        self.warm_due()?;
        let thinning = self.past_thinning();
        if self.checkpoints.marks.is_empty() {
            let mut run = self.session.snapshot_at(Micros::ZERO);
            run.sim.trace.set_thinning(thinning);
            self.checkpoints.start(run);
        }
        let latest = self.warm_due()?;
        let now = self.session.now();
        let (mut run, from) =
            self.checkpoints
                .restore(latest, None, &self.session.run.sim.trace)?;
        run.sim.trace.set_thinning(thinning);
        Some(Replaying::new(run, self.session.inputs(), from, now))
    }

    /// How a replay of the past thins its trace ([`past_thinning`] of the present's).
    fn past_thinning(&self) -> Option<Thinning> {
        past_thinning(self.session.thinning())
    }

    /// A replay of the run to `t` (before the present), from the closest starting point: the
    /// run on display when `t` is ahead of it (playing forward through the past), else the
    /// latest checkpoint at or before `t`, else time zero.
    fn replay_past(&mut self, past: Option<Run>, t: Micros) -> Replaying {
        let thinning = self.past_thinning();
        let from_zero = |session: &Session| {
            let mut run = session.snapshot_at(Micros::ZERO);
            run.sim.trace.set_thinning(thinning);
            run
        };
        if self.checkpoints.marks.is_empty() && !self.checkpoints.no_base {
            self.checkpoints.start(from_zero(&self.session));
        }
        let inputs = self.session.inputs();
        let mark = self.checkpoints.latest_at_or_before(t);
        let (run, from) = match past {
            Some(run)
                if self.cursor <= t
                    && mark.is_none_or(|m| !self.checkpoints.worth_restoring(m, &run)) =>
            {
                (run, self.cursor)
            }
            past => match mark.and_then(|m| {
                self.checkpoints
                    .restore(m, past, &self.session.run.sim.trace)
            }) {
                Some(restored) => restored,
                // No checkpoint (the run at time zero could not be copied): replay from time zero.
                None => (from_zero(&self.session), Micros::ZERO),
            },
        };
        Replaying::new(run, inputs, from, t)
    }

    /// Runs what was typed or pasted in a node's shell: each command of the block in turn, as
    /// its own scenario line and console entry (`block`: comments, `;`, `&&`, `||`).
    fn console_line(&mut self, node: usize, line: &str) {
        let node_name = self
            .view()
            .cluster
            .nodes
            .get(node)
            .map(|n| n.name.clone())
            .unwrap_or_default();
        let trimmed = line.trim();
        if trimmed.is_empty() {
            return;
        }
        // The playground's own `partition a | b` is not a pipe, nor a caption's text.
        if !trimmed.contains('\n') && is_scenario_line(trimmed) {
            self.console_command(&node_name, trimmed);
            return;
        }
        let pieces = match block::split_block(trimmed) {
            Ok(pieces) => pieces,
            Err(e) => {
                self.console_entry(&node_name, trimmed, e.to_string(), 2);
                return;
            }
        };
        if pieces.is_empty() {
            // Only comments: the shell reads them and runs nothing.
            self.console_entry(&node_name, trimmed, String::new(), 0);
            return;
        }
        // Each command is one slice's worth at most: a block of 200 is carried on by `work`.
        self.work = Some(Work::Block {
            node_name,
            pieces,
            next: 0,
            last_ok: true,
        });
    }

    /// Runs one command of the console as the scenario line `on NODE: …` and returns its exit
    /// code.
    fn console_command(&mut self, node_name: &str, text: &str) -> i32 {
        // The console runs the line on the chosen node, as `on NODE: …` in a scenario.
        let short = node_name.split('@').nth(1).unwrap_or(node_name);
        let scenario_line = if is_scenario_line(text) {
            text.to_string()
        } else {
            format!("on {short}: {text}")
        };
        self.fork_at_cursor();
        let code = match self.session.apply(&scenario_line) {
            Ok(res) => {
                self.console.push(ConsoleEntry {
                    node: node_name.to_string(),
                    input: text.to_string(),
                    output: res.output,
                    exit_code: res.exit_code,
                    at: res.at,
                });
                res.exit_code
            }
            Err(e) => {
                self.console_entry(node_name, text, e, 2);
                2
            }
        };
        self.cursor = self.session.now();
        code
    }

    /// A console entry for something that did not reach the run.
    fn console_entry(&mut self, node_name: &str, input: &str, output: String, exit_code: i32) {
        self.console.push(ConsoleEntry {
            node: node_name.to_string(),
            input: input.to_string(),
            output,
            exit_code,
            at: self.cursor,
        });
    }
}

/// Carries a load on for about `budget` events ([`Loading::work`]), laying checkpoints into
/// `marks` through its `wait` lines as a replay of the loaded run would: the run being loaded
/// is that run, so wherever a replay would take a copy of itself, the load takes one of its
/// own run (`checkpoints::advance`, which offers it only where it is what a rebuild at its
/// time gives, never between two inputs of one instant). The first is the rebuild at time
/// zero, taken once the inputs there are all in, as the clock first moves past it.
fn load_marking(loading: &mut Loading, marks: &mut Checkpoints, budget: u64) -> bool {
    loading.work_with(budget, |session, t, input_at_t, budget| {
        let thinning = past_thinning(session.thinning());
        if t > Micros::ZERO && marks.marks.is_empty() && !marks.no_base {
            let mut base = session.snapshot_at(Micros::ZERO);
            base.sim.trace.set_thinning(thinning);
            marks.start(base);
        }
        let marking = Marking {
            marks,
            present: None,
            thinning,
        };
        advance(&mut session.run, t, input_at_t, Some(marking), budget)
    })
}

/// How a replay of the past thins its trace, for a present thinned by `present`: as the
/// present does, at most as [`PAST_HISTORY`] keeps.
fn past_thinning(present: Option<Thinning>) -> Option<Thinning> {
    present.map(|h| Thinning {
        keep: h.keep.min(PAST_HISTORY.keep),
        every: h.every.min(PAST_HISTORY.every),
    })
}

/// A line the console runs as a scenario line rather than in the node's shell: a fault, or a
/// caption or mark.
fn is_scenario_line(line: &str) -> bool {
    is_playground_fault(line) || is_narration(line)
}

/// A `caption "…"` or `mark "…"` line, which the console takes too: a doc writer playing a
/// scenario captions it where it stands, and Share then carries the captions.
pub fn is_narration(line: &str) -> bool {
    let mut w = line.split_whitespace();
    matches!((w.next(), w.next()), (Some("caption" | "mark"), Some(_)))
}

/// The scenario's own fault lines (`partition node1 | node2`, `heal`, `drop 42`, `join node`,
/// `kill node2`, `stop node2`, `start node2`), which the console takes beside shell commands.
/// `kill -9 …` (an option first) is the shell's kill.
pub fn is_playground_fault(line: &str) -> bool {
    let mut w = line.split_whitespace();
    match (w.next(), w.next()) {
        (Some("partition" | "heal" | "drop" | "join"), _) => true,
        (Some("kill" | "stop" | "start"), Some(arg)) => !arg.starts_with('-') && w.next().is_none(),
        _ => false,
    }
}

impl Default for Player {
    fn default() -> Self {
        Player::new()
    }
}

/// Maps a slider position in `0.0..=1.0` to a speed, logarithmically (0.5 is 1×).
pub fn speed_from_slider(x: f64) -> f64 {
    let (lo, hi) = (MIN_SPEED.ln(), MAX_SPEED.ln());
    (lo + x.clamp(0.0, 1.0) * (hi - lo)).exp()
}

/// The inverse of [`speed_from_slider`].
pub fn slider_from_speed(s: f64) -> f64 {
    let (lo, hi) = (MIN_SPEED.ln(), MAX_SPEED.ln());
    (s.clamp(MIN_SPEED, MAX_SPEED).ln() - lo) / (hi - lo)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::checkpoints::{Mark, MAX_MARKS, MAX_MARK_BYTES};

    #[test]
    fn console_policy_then_failover_then_fork() {
        let mut p = Player::new();
        p.apply(Action::Console {
            node: 0,
            line: r#"rabbitmqctl set_policy ha "^q" '{"ha-mode":"exactly","ha-params":2}'"#.into(),
        });
        assert_eq!(p.console[0].exit_code, 0);
        assert!(p.console[0].output.starts_with("Setting policy \"ha\""));
        p.apply(Action::Input("client app node=node1".into()));
        p.apply(Action::Input("app declare q1 durable".into()));
        p.apply(Action::Play);
        p.apply(Action::Tick(200.0));
        assert_eq!(p.cursor, Micros::from_ms(200));
        let v = &p.view().queue_views()[0];
        assert_eq!(v.master, "rabbit@node1");
        assert_eq!(v.synced.len(), 1);
        p.apply(Action::Console {
            node: 0,
            line: "systemctl stop rabbitmq-server".into(),
        });
        p.apply(Action::Tick(500.0));
        assert_ne!(p.view().queue_views()[0].master, "rabbit@node1");
        // Scrub back to before the stop: the past shows node1 as master again.
        p.apply(Action::Pause);
        p.apply(Action::Seek(Micros::from_ms(100)));
        assert_eq!(p.view().queue_views()[0].master, "rabbit@node1");
        assert!(p.horizon() > p.cursor);
        // Acting there forks: the stop is discarded.
        p.apply(Action::Input("app publish q1 \"x\"".into()));
        assert_eq!(p.horizon(), Micros::from_ms(100));
        assert!(p
            .session
            .inputs()
            .iter()
            .all(|i| !i.line.contains("systemctl")));
    }

    #[test]
    fn the_console_takes_fault_lines_beside_shell_commands() {
        assert!(is_playground_fault("partition node1 | node2"));
        assert!(is_playground_fault("kill node2"));
        assert!(!is_playground_fault("kill -9 $(pidof beam.smp)"));
        assert!(!is_playground_fault("rabbitmqctl stop_app"));
        let mut p = Player::new();
        p.apply(Action::Console {
            node: 0,
            line: "partition node1 | node2 node3".into(),
        });
        assert!(p.view().partition.is_some());
        p.apply(Action::Console {
            node: 0,
            line: "heal".into(),
        });
        assert!(p.view().partition.is_none());
        p.apply(Action::Console {
            node: 1,
            line: "pkill -9 beam.smp".into(),
        });
        assert_eq!(
            p.view().cluster.nodes[1].state,
            crate::sim::NodeState::Crashed
        );
        assert!(
            p.console.iter().all(|e| e.exit_code == 0),
            "{:?}",
            p.console
        );
    }

    #[test]
    fn the_console_takes_captions_and_marks_which_sharing_keeps() {
        let mut p = Player::new();
        p.apply(Action::Seek(Micros::from_ms(5)));
        for line in [
            "caption \"The master | dies; watch\" zh=\"主节点宕机\"",
            "mark \"promotion\"",
        ] {
            p.apply(Action::Console {
                node: 0,
                line: line.into(),
            });
            assert_eq!(p.console.last().unwrap().exit_code, 0, "{line}");
        }
        let caption = p
            .view_run()
            .narration
            .caption_at(Micros::from_ms(6))
            .unwrap();
        assert_eq!(caption.text(false), "The master | dies; watch");
        let shared = p.session.to_scenario();
        assert!(shared.contains("mark \"promotion\""), "{shared}");
        let again = Session::from_scenario(&shared).unwrap();
        assert_eq!(
            again
                .run
                .narration
                .caption_at(Micros::from_ms(6))
                .unwrap()
                .text(true),
            "主节点宕机"
        );
    }

    #[test]
    fn bad_lines_report_where_typed() {
        let mut p = Player::new();
        p.apply(Action::Input("explode node1".into()));
        assert!(p.error.is_some());
        p.apply(Action::Console {
            node: 1,
            line: "rabbitmqctl set_policy 'unterminated".into(),
        });
        assert_eq!(p.console.last().unwrap().exit_code, 2);
        p.apply(Action::Console {
            node: 1,
            line: "rabbitmqctl bogus_cmd".into(),
        });
        assert_eq!(p.console.last().unwrap().exit_code, 64);
    }

    #[test]
    fn speed_slider_is_logarithmic() {
        assert!((speed_from_slider(0.5) - 1.0).abs() < 1e-9);
        assert!((speed_from_slider(0.0) - 0.01).abs() < 1e-9);
        assert!((speed_from_slider(1.0) - 100.0).abs() < 1e-6);
        assert!((slider_from_speed(10.0) - 0.75).abs() < 1e-9);
    }

    /// A 3-node player with an `all` policy and a confirming client `app` on node2 that has
    /// declared `q1`.
    fn publisher_on_node2() -> Player {
        let mut p = Player::new();
        p.apply(Action::Input(
            r#"rabbitmqctl set_policy ha "^q" '{"ha-mode":"all"}'"#.into(),
        ));
        p.apply(Action::Input("client app node=node2".into()));
        p.apply(Action::Input("app declare q1 durable".into()));
        p.apply(Action::Input("app confirm".into()));
        p
    }

    #[test]
    fn playing_through_the_past_matches_the_live_run() {
        let mut p = publisher_on_node2();
        for i in 0..5 {
            p.apply(Action::Seek(Micros::from_ms(10 * (i + 1))));
            p.apply(Action::Input(format!("app publish q1 \"m{i}\"")));
        }
        p.apply(Action::Seek(Micros::from_ms(80)));
        p.apply(Action::Input("kill node1".into()));
        p.apply(Action::Seek(Micros::from_ms(400)));
        let live = p.view().trace.clone();
        // Back to the start, then play forward in small ticks across every input.
        p.apply(Action::Seek(Micros::from_ms(5)));
        p.apply(Action::Play);
        while p.cursor < Micros::from_ms(399) {
            p.apply(Action::Tick(3.0));
            let shown = &p.view().trace;
            assert_eq!(shown[..], live[..shown.len()], "at {:?}", p.cursor);
            if p.cursor < Micros::from_ms(396) {
                assert!(p.past.is_some(), "the past is shown until the present");
            }
        }
        p.apply(Action::Pause);
        p.apply(Action::Seek(Micros::from_ms(400)));
        assert_eq!(p.view().trace, live);
    }

    #[test]
    fn acting_in_the_past_on_display_equals_acting_after_a_rebuild() {
        for at in [130, 505, 812] {
            let at = Micros::from_ms(at);
            let mut shown = busy_player();
            shown.apply(Action::Seek(at));
            assert!(shown.past.is_some(), "the past is on display at {at:?}");
            let mut rebuilt = busy_player();
            rebuilt.apply(Action::Seek(at));
            rebuilt.past = None;
            for p in [&mut shown, &mut rebuilt] {
                p.apply(Action::Input("kill node3".into()));
                p.apply(Action::Seek(at + Micros::from_ms(300)));
            }
            assert_same_run(&shown.session.run, &rebuilt.session.run, at);
            assert_eq!(shown.session.inputs(), rebuilt.session.inputs());
        }
    }

    /// Everything a replayed run holds except the scripts' interpreters: the whole Sim (its
    /// event queue and random generator included, through Debug), steps and clients.
    pub(super) fn assert_same_run(got: &Run, want: &Run, at: Micros) {
        assert_eq!(got.sim.trace.len(), want.sim.trace.len(), "trace at {at:?}");
        assert!(
            format!("{:?}", got.sim) == format!("{:?}", want.sim),
            "sim state at {at:?}"
        );
        assert_eq!(got.steps, want.steps, "steps at {at:?}");
        assert_eq!(got.expectations, want.expectations, "at {at:?}");
        assert_eq!(got.clients, want.clients, "clients at {at:?}");
        assert_eq!(scripts_of(got), scripts_of(want), "scripts at {at:?}");
    }

    /// What can be seen of a run's scripts: each one's state, line, wait, instruction count,
    /// exit code, output, globals, and its links to the trace entries still held.
    fn scripts_of(run: &Run) -> Vec<String> {
        let base = run.sim.trace.base() as u32;
        run.scripts
            .all()
            .iter()
            .map(|s| {
                let globals: Vec<String> = s
                    .globals()
                    .iter()
                    .map(|(n, v)| format!("{n}={}", crate::py::format::repr_plain(v)))
                    .collect();
                let links: Vec<_> = s.links().iter().filter(|l| l.1 >= base).collect();
                format!(
                    "{} {:?} line {} {:?} {} {:?}\n{}\n{globals:?}\n{links:?}",
                    s.name,
                    s.state(),
                    s.current_line(),
                    s.waiting_on(),
                    s.instructions(),
                    s.exit_code(),
                    s.output_text(),
                )
            })
            .collect()
    }

    /// Every checkpoint is the rebuild at its own time, and so is a seek to it.
    /// Seeks to each of `targets` in turn, every `every`-th from the present (backward, forward
    /// in the past, and from the present): each shows what a rebuild at its time gives.
    fn assert_seeks_rebuild(p: &mut Player, targets: &[Micros], every: usize) {
        let horizon = p.horizon();
        for (n, &t) in targets.iter().enumerate() {
            if n % every == 0 {
                p.apply(Action::Seek(horizon));
            }
            p.apply(Action::Seek(t));
            assert_eq!(p.error, None);
            assert_eq!(p.cursor, t);
            assert_same_run(p.view_run(), &p.session.snapshot_at(t), t);
        }
    }

    fn assert_marks_rebuild(p: &mut Player) {
        let marks: Vec<Micros> = p.checkpoints.marks.iter().map(|m| m.at).collect();
        for (i, &at) in marks.iter().enumerate() {
            let (run, _) = p
                .checkpoints
                .restore(i, None, &p.session.run.sim.trace)
                .unwrap();
            assert_same_run(&run, &p.session.snapshot_at(at), at);
            p.apply(Action::Seek(at));
            assert_same_run(p.view_run(), &p.session.snapshot_at(at), at);
        }
    }

    /// A busy run with a failover, two inputs at one instant and a policy change.
    pub(super) fn busy_player() -> Player {
        Player::from_session(Session::from_scenario(&busy_text()).unwrap())
    }

    /// The scenario of [`busy_player`].
    pub(super) fn busy_text() -> String {
        let mut text = String::from(
            "cluster nodes=4\nseed 5\nrabbitmqctl set_policy ha \"^q\" '{\"ha-mode\":\"all\"}'\n\
             client pub node=node2\nclient con node=node1\npub declare q1 durable\npub confirm\n\
             con consume q1 ack=manual\n",
        );
        for i in 1..=60 {
            text.push_str(&format!("wait 20ms\npub publish q1 \"m{i}\"\n"));
            if i == 25 {
                text.push_str("kill node1\nclient con2 node=node3\n");
            }
            if i == 40 {
                text.push_str(
                    "rabbitmqctl set_policy ha \"^q\" '{\"ha-mode\":\"exactly\",\"ha-params\":2}'\n",
                );
            }
        }
        text.push_str("start node1\nwait 500ms\n");
        text
    }

    #[test]
    fn seeking_through_checkpoints_gives_the_rebuilt_run() {
        let mut p = busy_player();
        p.checkpoints.spacing = 40;
        let horizon = p.horizon();
        let mut rng = crate::rng::Rng::new(3);
        let mut targets: Vec<Micros> = (0..40).map(|_| Micros(rng.below(horizon.0))).collect();
        // Exactly at inputs (two of them at one instant) and just before them.
        for i in p.session.inputs().iter().step_by(7) {
            targets.push(i.at);
            targets.push(Micros(i.at.0.saturating_sub(1)));
        }
        targets.push(Micros::ZERO);
        // Backward, forward in the past, and from the present.
        assert_seeks_rebuild(&mut p, &targets, 9);
        assert!(
            p.checkpoints.marks.len() > 5,
            "{}",
            p.checkpoints.marks.len()
        );
        assert_marks_rebuild(&mut p);
    }

    #[test]
    fn warming_lays_the_checkpoints_a_seek_back_restores_from() {
        let mut p = busy_player();
        p.checkpoints.spacing = 40;
        assert!(p.warming(), "a long run with no checkpoint has some to lay");
        let mut slices = 0;
        while !p.warm(25) {
            slices += 1;
            assert!(slices < 100_000, "warming ends");
        }
        assert!(slices > 10, "it went in slices: {slices}");
        assert!(!p.warming());
        let marks = p.checkpoints.marks.len();
        assert!(marks > 5, "{marks}");
        // The latest is within two spacings of the present, so a seek back anywhere replays
        // at most that much.
        let latest = p.checkpoints.marks.last().unwrap().run.sim.events_processed;
        let ahead = p.session.run.sim.events_processed - latest;
        assert!(ahead < 2 * p.checkpoints.spacing, "{ahead}");
        // The present moves on, and so does warming; acting drops a replay under way.
        let end = Micros(p.horizon().0 + 400_000);
        p.apply(Action::Input("pub publish q1 \"late\" count=40".into()));
        p.apply(Action::Seek(end));
        assert_eq!(p.error, None);
        assert!(p.warming(), "the present moved on");
        assert!(!p.warm(25));
        assert!(p.warming.is_some());
        p.apply(Action::Input("pub publish q1 \"later\"".into()));
        assert!(p.warming.is_none());
        p.apply(Action::Seek(Micros(end.0 + 200_000)));
        while !p.warm(25) {}
        assert!(p.checkpoints.marks.len() > marks);
        // Each checkpoint is what a rebuild at its time gives, and seeks back restore them.
        assert_marks_rebuild(&mut p);
    }

    /// `text` loaded as the page loads it, in slices of `budget` events, its checkpoints laid
    /// `spacing` events apart at first.
    pub(super) fn loaded_with_marks(text: &str, spacing: u64, budget: u64) -> Player {
        let mut p = Player::new();
        p.start(Action::Load(text.to_string()));
        match &mut p.work {
            Some(Work::Load { marks, .. }) => marks.spacing = spacing,
            other => panic!("not loading: {other:?}"),
        }
        while !p.work(budget) {}
        p
    }

    #[test]
    fn a_load_lays_the_checkpoints_a_seek_back_restores_from() {
        // Two inputs at one instant, a `wait 0ms` between them (no checkpoint may fall between
        // them), and a run with pika scripts.
        let busy = busy_text().replace("kill node1\n", "kill node1\nwait 0ms\n");
        let scripted =
            include_str!("../../../tests/scenarios/pika_confirms_master_kill.scn").to_string();
        for (text, spacing) in [(busy, 40), (scripted, 50)] {
            let whole = Session::from_scenario(&text).unwrap();
            for budget in [37, 5_000] {
                let mut p = loaded_with_marks(&text, spacing, budget);
                // Laying them changed nothing in the run loaded.
                assert_same_run(&p.session.run, &whole.run, whole.now());
                let marks = &p.checkpoints.marks;
                assert!(marks.len() > 5, "{} checkpoints", marks.len());
                assert_eq!(marks[0].at, Micros::ZERO);
                // From time zero to the present they are about a spacing of events apart, so a
                // first seek back anywhere replays little, and there is nothing left to warm.
                let spacing = p.checkpoints.spacing;
                let events: Vec<u64> = marks
                    .iter()
                    .map(|m| m.run.sim.events_processed)
                    .chain([p.session.run.sim.events_processed])
                    .collect();
                for w in events.windows(2) {
                    assert!(w[1] - w[0] < 2 * spacing, "{w:?}, spacing {spacing}");
                }
                assert!(!p.warming());
                let horizon = p.horizon();
                let mut rng = crate::rng::Rng::new(budget);
                let targets: Vec<Micros> = (0..8).map(|_| Micros(rng.below(horizon.0))).collect();
                assert_seeks_rebuild(&mut p, &targets, 3);
                assert_marks_rebuild(&mut p);
            }
        }
        // Inputs on the times of events: the load, offered a copy after every instant, takes
        // none between an instant's events and the input that follows them.
        // Nor before a `wait 0ms` and the input after it.
        let text = inputs_on_event_times().session.to_scenario();
        let zero = text.replace("\napp publish", "\nwait 0ms\napp publish");
        for text in [text, zero] {
            let mut p = loaded_with_marks(&text, 1, 37);
            assert!(p.checkpoints.marks.len() > 20);
            assert_marks_rebuild(&mut p);
        }
    }

    #[test]
    fn a_fork_forgets_the_checkpoints_after_it() {
        let mut p = busy_player();
        p.checkpoints.spacing = 40;
        let horizon = p.horizon();
        p.apply(Action::Seek(Micros(horizon.0 - 1)));
        let fork = Micros::from_ms(700);
        assert!(p.checkpoints.marks.iter().any(|m| m.at >= fork));
        p.apply(Action::Seek(fork));
        p.apply(Action::Input("kill node2".into()));
        assert!(p.checkpoints.marks.iter().all(|m| m.at < fork));
        p.apply(Action::Seek(Micros::from_secs(3)));
        for t in [100, 650, 700, 701, 1500, 2500, 900] {
            let t = Micros::from_ms(t);
            p.apply(Action::Seek(t));
            assert_same_run(p.view_run(), &p.session.snapshot_at(t), t);
        }
        assert!(!p.view().node_running(1));
    }

    #[test]
    fn runs_with_scripts_replay_the_same() {
        let text = include_str!("../../../tests/scenarios/pika_confirms_master_kill.scn");
        // Once with the script from time zero, once started later: checkpoints are taken
        // while it runs either way.
        for delay in ["", "wait 300ms\n"] {
            let text = text.replacen("python pub", &format!("{delay}python pub"), 1);
            let mut p = Player::from_session(Session::from_scenario(&text).unwrap());
            p.checkpoints.spacing = 20;
            let horizon = p.horizon();
            for ms in [4000, 200, 299, 300, 1200, 900, 2500, 100] {
                let t = Micros::from_ms(ms).min(Micros(horizon.0 - 1));
                p.apply(Action::Seek(t));
                assert_eq!(p.error, None);
                assert_same_run(p.view_run(), &p.session.snapshot_at(t), t);
            }
            assert!(!p.checkpoints.no_base);
            assert!(p
                .checkpoints
                .marks
                .iter()
                .any(|m| !m.run.scripts.is_empty() && m.at > Micros::from_ms(1000)));
            assert_marks_rebuild(&mut p);
        }
    }

    #[test]
    fn seeking_in_the_welcome_scenario_gives_the_rebuilt_run() {
        // Two scripts from the first instants on (a publisher sleeping between confirmed
        // publishes, a consumer acking in its callback): every checkpoint copies both.
        let text = format!("{}wait 3s\n", include_str!("../../ui/welcome.scn"));
        let mut p = Player::from_session(Session::from_scenario(&text).unwrap());
        p.checkpoints.spacing = 60;
        let horizon = p.horizon();
        let mut rng = crate::rng::Rng::new(11);
        let mut targets: Vec<Micros> = (0..16).map(|_| Micros(rng.below(horizon.0))).collect();
        targets.extend([Micros::ZERO, Micros::from_ms(20), Micros(horizon.0 - 1)]);
        assert_seeks_rebuild(&mut p, &targets, 5);
        assert!(
            p.checkpoints.marks.len() > 10,
            "{}",
            p.checkpoints.marks.len()
        );
        assert!(p
            .checkpoints
            .marks
            .iter()
            .all(|m| m.run.scripts.all().len() == 1 + (m.at >= Micros::from_ms(20)) as usize));
        // Seeking back and forth among the checkpoints and just after them.
        let marks: Vec<Micros> = p.checkpoints.marks.iter().map(|m| m.at).collect();
        for (i, &at) in marks.iter().enumerate().rev() {
            for t in [Micros(at.0 + 1), at, Micros(at.0 + 7_000)] {
                let t = t.min(horizon);
                p.apply(Action::Seek(t));
                assert_same_run(p.view_run(), &p.session.snapshot_at(t), t);
            }
            if i % 3 == 0 {
                p.apply(Action::Seek(horizon));
            }
        }
        assert_marks_rebuild(&mut p);
    }

    #[test]
    fn checkpoints_inside_callbacks_and_of_ended_scripts_give_the_rebuilt_run() {
        // A consumer whose callback publishes with confirms (so it waits inside the callback),
        // keeping its state in a closure, a dict keyed by a function and a cycle; a script that
        // fails, and one stopped by an input.
        let text = "cluster nodes=3\nseed 4\n\
            rabbitmqctl set_policy ha \"^\" '{\"ha-mode\":\"all\"}'\n\
            python feed on node=node1 <<EOF\nimport pika, time\n\
            conn = pika.BlockingConnection(pika.ConnectionParameters('localhost'))\n\
            ch = conn.channel()\nch.queue_declare(queue='in')\n\
            for i in range(400):\n    ch.basic_publish(exchange='', routing_key='in', body=str(i))\n\
            \x20   time.sleep(0.01)\nEOF\n\
            python relay on node=node2 <<EOF\nimport pika\n\
            conn = pika.BlockingConnection(pika.ConnectionParameters('localhost'))\n\
            ch = conn.channel()\nch.queue_declare(queue='in')\nch.queue_declare(queue='out')\n\
            ch.confirm_delivery()\nseen = []\nseen.append(seen)\n\
            def counter():\n    n = [0]\n    def bump():\n        n[0] += 1\n        return n[0]\n    return bump\n\
            bump = counter()\nby = {bump: []}\n\
            def relay(c, m, p, body):\n    k = bump()\n    by[bump].append((k, body))\n\
            \x20   ch.basic_publish(exchange='', routing_key='out', body=body)\n\
            \x20   c.basic_ack(delivery_tag=m.delivery_tag)\n    if k % 100 == 0:\n\
            \x20       print(k, len(seen), by[bump][-1])\n\
            ch.basic_consume(queue='in', on_message_callback=relay)\nch.start_consuming()\nEOF\n\
            python bad on node=node3 <<EOF\nimport time\nx = {}\ntime.sleep(0.5)\nprint(x['k'])\nEOF\n\
            wait 2s\npython feed stop\nwait 1s\n";
        let mut p = Player::from_session(Session::from_scenario(text).unwrap());
        p.checkpoints.spacing = 50;
        let horizon = p.horizon();
        let mut rng = crate::rng::Rng::new(5);
        let mut targets: Vec<Micros> = (0..14).map(|_| Micros(rng.below(horizon.0))).collect();
        targets.extend([
            Micros::from_ms(2000),
            Micros::from_ms(2001),
            Micros::from_ms(600),
        ]);
        assert_seeks_rebuild(&mut p, &targets, 4);
        let end = p.session.run.scripts.all();
        assert_eq!(end[0].state(), ScriptState::Stopped);
        assert!(end[1].output_text().contains("200 1 (200, b'199')"));
        assert_eq!(end[2].state(), ScriptState::Failed);
        // Some checkpoints hold the relay waiting inside its callback, and the failed script.
        let relay_in_callback = |m: &&Mark| {
            m.run.scripts.all()[1]
                .waiting_on()
                .is_some_and(|w| w.contains("confirm"))
        };
        let failed = |m: &&Mark| m.run.scripts.all()[2].state() == ScriptState::Failed;
        assert!(p
            .checkpoints
            .marks
            .iter()
            .any(|m| relay_in_callback(&m) && failed(&m)));
        assert_marks_rebuild(&mut p);
    }

    #[test]
    fn inputs_at_an_event_time_are_not_skipped() {
        let mut p = inputs_on_event_times();
        let times: Vec<Micros> = p.session.inputs().iter().map(|i| i.at).collect();
        p.checkpoints.spacing = 1;
        p.apply(Action::Seek(Micros::from_ms(299)));
        for t in times.into_iter().rev() {
            for t in [t, Micros(t.0 + 1)] {
                p.apply(Action::Seek(t));
                assert_same_run(p.view_run(), &p.session.snapshot_at(t), t);
            }
        }
    }

    /// A publisher whose inputs each land on the time of an event, where a checkpoint could be
    /// offered, run on to 300 ms.
    fn inputs_on_event_times() -> Player {
        let mut p = publisher_on_node2();
        for i in 0..6 {
            p.apply(Action::Step);
            p.apply(Action::Step);
            p.apply(Action::Input(format!("app publish q1 \"m{i}\"")));
        }
        p.apply(Action::Seek(Micros::from_ms(300)));
        p
    }

    #[test]
    fn checkpoints_stay_few() {
        let mut p = busy_player();
        p.checkpoints.spacing = 1;
        p.apply(Action::Seek(Micros(p.horizon().0 - 1)));
        assert!(p.checkpoints.marks.len() <= MAX_MARKS);
        assert!(p.checkpoints.spacing >= 8, "{}", p.checkpoints.spacing);
        let last = p.checkpoints.marks.last().unwrap();
        assert!(last.trace.end > 0);
        assert!(last.run.sim.trace.is_empty());
        let t = Micros::from_ms(1234);
        p.apply(Action::Seek(t));
        assert_same_run(p.view_run(), &p.session.snapshot_at(t), t);
    }

    /// A run whose histories fill many chunks: 1,200 confirmed publishes to a manual-ack
    /// consumer, which acks what it holds every 150 (writing deliveries of older chunks).
    fn long_history_player() -> Player {
        let mut text = String::from(
            "cluster nodes=3\nseed 9\nrabbitmqctl set_policy ha \"^q\" '{\"ha-mode\":\"all\"}'\n\
             client pub node=node2\nclient con node=node1\npub declare q1 durable\npub confirm\n\
             con consume q1 ack=manual\n",
        );
        for i in 1..=1_200 {
            text.push_str(&format!("wait 2ms\npub publish q1 \"m{i}\"\n"));
            if i % 150 == 0 {
                text.push_str("wait 5ms\ncon ack all\n");
            }
        }
        text.push_str("wait 100ms\n");
        Player::from_session(Session::from_scenario(&text).unwrap())
    }

    #[test]
    fn checkpoints_share_their_histories_with_each_other_and_the_present() {
        use crate::sim::model::Message;
        use crate::sim::shared_vec::{SharedVec, CHUNK};
        let mut p = long_history_player();
        p.checkpoints.spacing = 300;
        p.apply(Action::Seek(Micros(p.horizon().0 - 1)));
        let c = &p.checkpoints;
        assert!(c.marks.len() > 20, "{} checkpoints", c.marks.len());
        assert!(c.held_bytes() <= MAX_MARK_BYTES, "{}", c.held_bytes());
        let whole = |v: &SharedVec<Message>| v.bytes_not_in(&SharedVec::new(), |_| 0);
        // Beside the next checkpoint, one holds little more than the chunk it was writing.
        let chunk = CHUNK * std::mem::size_of::<Message>();
        for w in c.marks.windows(2) {
            let (a, b) = (&w[0].run.sim.messages, &w[1].run.sim.messages);
            let apart = a.bytes_not_in(b, |_| 0);
            assert!(apart <= 2 * chunk, "{apart} of {}", whole(a));
        }
        // The past on display took the present's equal chunks: the history is held once.
        let (past, present) = (&p.view_run().sim, &p.session.run.sim);
        assert!(past.messages.len() > 15 * CHUNK);
        assert!(past.messages.bytes_not_in(&present.messages, |_| 0) <= 2 * chunk);
        let (got, of) = (&past.clients[1].deliveries, &present.clients[1].deliveries);
        assert!(got.len() > 15 * CHUNK);
        let slot = CHUNK * std::mem::size_of::<crate::sim::model::Delivery>();
        // All but the last chunks (those the acks since the last checkpoint wrote, the one
        // being filled) and the chunk pointers.
        let apart = got.bytes_not_in(of, |_| 0);
        assert!(apart <= 4 * slot, "{apart} of {}", got.len());
        // Whatever the runs wrote since (the acks), each checkpoint is still the run at its time.
        let marks: Vec<Micros> = c.marks.iter().map(|m| m.at).collect();
        for (i, &at) in marks.iter().enumerate().step_by(9) {
            let (run, _) = p
                .checkpoints
                .restore(i, None, &p.session.run.sim.trace)
                .unwrap();
            assert_same_run(&run, &p.session.snapshot_at(at), at);
            let t = at + Micros::from_ms(7);
            p.apply(Action::Seek(t));
            assert_same_run(p.view_run(), &p.session.snapshot_at(t), t);
        }
    }

    #[test]
    fn next_interesting_runs_ahead_to_a_failover() {
        let mut p = Player::new();
        p.apply(Action::Input(
            r#"rabbitmqctl set_policy ha "^q" '{"ha-mode":"all"}'"#.into(),
        ));
        p.apply(Action::Input("client app node=node2".into()));
        p.apply(Action::Input("app declare q1 durable".into()));
        p.apply(Action::Seek(Micros::from_secs(1)));
        p.apply(Action::Input("kill node1".into()));
        let t = p.cursor;
        p.apply(Action::NextInteresting);
        assert!(p.cursor > t);
    }
}

#[cfg(test)]
mod quiet;
#[cfg(test)]
mod seek_bench;
#[cfg(test)]
mod slices;
#[cfg(test)]
mod thinning;
