//! The playground's controller: a [`Session`] plus what the viewer controls (play/pause,
//! speed, the display cursor on the timeline, the console history). It holds no rule of
//! RabbitMQ: every change to the cluster is a scenario line given to the core, so whatever a
//! learner does can be shared, replayed and tested. Plain Rust, so it is tested natively.

use crate::sim::ctl::shell;
use crate::sim::engine::Sim;
use crate::sim::pika::Scripts;
use crate::sim::scenario::parse::parse;
use crate::sim::scenario::parse::Step;
use crate::sim::scenario::run::Run;
use crate::sim::scenario::session::Session;
use crate::sim::scenario::session::TimedInput;
use crate::sim::time::Micros;
use crate::sim::trace::{Importance, TraceEvent, TraceKind};

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
    /// Move the display cursor (scrubbing); forward of the present runs the simulation.
    Seek(Micros),
    /// Wall-clock time passed, in milliseconds (from requestAnimationFrame or a timer).
    Tick(f64),
    /// Jump to the next failover, promotion, sync, loss or other notable event.
    NextInteresting,
    /// Start over with a scenario (a lesson, a shared URL, an embed).
    Load(String),
    /// `python NAME step`, then let simulated time run until the script stops before its next
    /// statement or ends (at most [`STEP_WAIT`]): one press of the editor's Step.
    StepScript(String),
    /// Trace events to light up on the stage (a script line is hovered); empty to clear.
    HighlightEvents(Vec<usize>),
    /// The trace event the viewer picked (the editor then marks the line that caused it).
    SelectEvent(Option<usize>),
}

/// The longest a Step waits for its statement to finish (`basic_get` on a queue without a
/// master takes ~60 s to fail).
pub const STEP_WAIT: Micros = Micros(70_000_000);

/// The viewer's state around a session.
#[derive(Debug)]
pub struct Player {
    pub session: Session,
    pub playing: bool,
    pub speed: f64,
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
}

impl Player {
    /// A three-node cluster at time zero.
    pub fn new() -> Player {
        Player::from_session(Session::new(&["cluster nodes=3"]).expect("a 3-node cluster is valid"))
    }

    pub fn from_session(session: Session) -> Player {
        let cursor = session.now();
        Player {
            session,
            playing: false,
            speed: 1.0,
            cursor,
            past: None,
            console: Vec::new(),
            error: None,
            highlighted: Vec::new(),
            selected_event: None,
            checkpoints: Checkpoints::default(),
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

    /// The latest simulated time reached (the right end of the timeline).
    pub fn horizon(&self) -> Micros {
        self.session.now()
    }

    /// Brings the live session to the cursor before acting, discarding the future there.
    fn fork_at_cursor(&mut self) -> Result<(), String> {
        // Every caller then records an input at the cursor, which a checkpoint there or later
        // has not seen.
        self.checkpoints.forget_from(self.cursor);
        if self.cursor < self.session.now() {
            self.session.rewind_to(self.cursor)?;
        }
        self.past = None;
        Ok(())
    }

    pub fn apply(&mut self, action: Action) {
        // Pointing at things changes nothing in the run (and keeps an error on show).
        match action {
            Action::HighlightEvents(events) => {
                self.highlighted = events;
                return;
            }
            Action::SelectEvent(e) => {
                self.selected_event = e;
                return;
            }
            _ => {}
        }
        self.error = None;
        match action {
            Action::HighlightEvents(_) | Action::SelectEvent(_) => {}
            Action::StepScript(name) => {
                let line = format!("python {name} step");
                if let Err(e) = self
                    .fork_at_cursor()
                    .and_then(|_| self.session.apply(&line).map(|_| ()))
                {
                    self.error = Some(e);
                }
                let run = &mut self.session.run;
                run.run_scripts_until(STEP_WAIT, |_, scripts| {
                    scripts
                        .get(&name)
                        .is_none_or(|s| s.state() != crate::sim::pika::ScriptState::Waiting)
                });
                self.cursor = self.session.now();
            }
            Action::Input(line) => {
                if let Err(e) = self
                    .fork_at_cursor()
                    .and_then(|_| self.session.apply(&line).map(|_| ()))
                {
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
            Action::Seek(t) => self.seek(t),
            Action::Tick(wall_ms) => {
                if self.playing && wall_ms > 0.0 {
                    let dt = Micros((wall_ms * 1000.0 * self.speed).round() as u64);
                    self.seek(self.cursor + dt);
                }
            }
            Action::NextInteresting => {
                let now = self.cursor;
                let found = self.session.run.sim.trace.iter().find(|e| {
                    e.at > now
                        && matches!(
                            e.kind,
                            TraceKind::State {
                                importance: Importance::Notable,
                                ..
                            }
                        )
                });
                match found.map(|e| e.at) {
                    Some(t) => self.seek(t),
                    None => {
                        // Nothing notable yet: run ahead (up to a minute) until something happens.
                        let start = self.session.now();
                        let before = self.session.run.sim.trace.len();
                        self.session.run.run_until(Micros::from_secs(60), |s| {
                            s.trace[before..].iter().any(|e| {
                                matches!(
                                    e.kind,
                                    TraceKind::State {
                                        importance: Importance::Notable,
                                        ..
                                    }
                                )
                            })
                        });
                        let t = self.session.run.sim.trace[before..]
                            .iter()
                            .find(|e| {
                                matches!(
                                    e.kind,
                                    TraceKind::State {
                                        importance: Importance::Notable,
                                        ..
                                    }
                                )
                            })
                            .map(|e| e.at)
                            .unwrap_or(self.session.now().max(start));
                        self.past = None;
                        self.cursor = t.max(self.cursor);
                    }
                }
            }
            Action::Load(text) => match Session::from_scenario(&text) {
                Ok(s) => {
                    *self = Player::from_session(s);
                }
                Err(e) => self.error = Some(format!("line {}: {}", e.line, e.message)),
            },
        }
    }

    fn next_event_after(&self, t: Micros) -> Option<Micros> {
        self.session
            .run
            .sim
            .trace
            .iter()
            .map(|e| e.at)
            .find(|&at| at > t)
    }

    fn seek(&mut self, t: Micros) {
        if t >= self.session.now() {
            self.past = None;
            self.session.advance_to(t);
            self.cursor = t;
            return;
        }
        let past = self.past.take();
        match self.replay_past(past, t) {
            Ok(run) => {
                self.past = Some(run);
                self.cursor = t;
            }
            Err(e) => self.error = Some(e),
        }
    }

    /// The run as it was at `t` (before the present), replayed from the closest starting
    /// point: the run on display when `t` is ahead of it (playing forward through the past),
    /// else the latest checkpoint at or before `t`, else time zero.
    fn replay_past(&mut self, past: Option<Run>, t: Micros) -> Result<Run, String> {
        if self.checkpoints.marks.is_empty() && !self.checkpoints.no_base {
            self.checkpoints
                .start(self.session.snapshot_at(Micros::ZERO)?);
        }
        let inputs = self.session.inputs();
        let mark = self.checkpoints.latest_at_or_before(t);
        let (mut run, from) = match past {
            Some(run)
                if self.cursor <= t
                    && mark.is_none_or(|m| !self.checkpoints.worth_restoring(m, &run)) =>
            {
                (run, self.cursor)
            }
            past => match mark.and_then(|m| self.checkpoints.restore(m, past)) {
                Some(restored) => restored,
                // No checkpoint (a script started at time zero): rebuild from scratch.
                None => return self.session.snapshot_at(t),
            },
        };
        match replay(&mut run, inputs, from, t, Some(&mut self.checkpoints)) {
            Ok(()) => Ok(run),
            // A recorded input that no longer parses cannot happen; if it did, the full
            // rebuild reports it the way the session always has.
            Err(_) => self.session.snapshot_at(t),
        }
    }

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
        if let Err(e) = shell::split(trimmed) {
            self.console.push(ConsoleEntry {
                node: node_name,
                input: trimmed.to_string(),
                output: format!("bash: syntax error: {e}"),
                exit_code: 2,
                at: self.cursor,
            });
            return;
        }
        // The console runs the line on the chosen node, as `on NODE: …` in a scenario.
        let short = node_name
            .split('@')
            .nth(1)
            .unwrap_or(&node_name)
            .to_string();
        let scenario_line = if is_playground_fault(trimmed) {
            trimmed.to_string()
        } else {
            format!("on {short}: {trimmed}")
        };
        if let Err(e) = self.fork_at_cursor() {
            self.error = Some(e);
            return;
        }
        match self.session.apply(&scenario_line) {
            Ok(res) => self.console.push(ConsoleEntry {
                node: node_name,
                input: trimmed.to_string(),
                output: res.output,
                exit_code: res.exit_code,
                at: res.at,
            }),
            Err(e) => self.console.push(ConsoleEntry {
                node: node_name,
                input: trimmed.to_string(),
                output: e,
                exit_code: 2,
                at: self.cursor,
            }),
        }
        self.cursor = self.session.now();
    }
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

/// Carries a replayed run forward from `from` to `to`: the inputs recorded in that span are
/// applied at their times exactly as [`Session::snapshot_at`] applies them (same line numbers,
/// the clock moved only when it is behind the input), so the run equals a rebuild at `to`.
/// With `marks`, checkpoints are taken on the way.
fn replay(
    run: &mut Run,
    inputs: &[TimedInput],
    from: Micros,
    to: Micros,
    mut marks: Option<&mut Checkpoints>,
) -> Result<(), String> {
    for (n, input) in inputs.iter().enumerate() {
        if input.at <= from {
            continue;
        }
        if input.at > to {
            break;
        }
        if run.sim.now() < input.at {
            advance(run, input.at, true, marks.as_deref_mut());
        }
        for st in parse(&input.line).map_err(|e| e.message)? {
            run.step(&Step { line: n + 1, ..st });
        }
    }
    advance(run, to, false, marks);
    Ok(())
}

/// Moves a replayed run's clock to `t`, offering the checkpoints a copy at each event time on
/// the way. With `input_at_t` an input is about to be applied at `t`, so the run at `t` itself
/// is not yet what a rebuild at `t` gives and is not offered.
fn advance(run: &mut Run, t: Micros, input_at_t: bool, marks: Option<&mut Checkpoints>) {
    let Some(marks) = marks.filter(|_| run.scripts.is_empty()) else {
        run.advance_to(t);
        return;
    };
    // Without scripts `Run::advance_to` is the engine's, which runs the same events in the
    // same order whether it is asked to go to `t` at once or through each event time.
    while let Some(e) = run.sim.next_event_time().filter(|&e| e <= t) {
        run.sim.advance_to(e);
        if e < t || !input_at_t {
            marks.offer(run);
        }
    }
    run.advance_to(t);
}

/// Scheduled events replayed between two checkpoints at first: a few tenths of a millisecond
/// of replay natively (`seek_bench`), against about as long to copy a checkpoint back.
const MARK_SPACING: u64 = 1_000;
/// The most checkpoints kept: past it every other one goes and the spacing doubles, so the
/// memory stays at most this many copies of the run's state (without its trace).
const MAX_MARKS: usize = 32;

/// Copies of the replayed run at points along the recorded inputs (every [`MARK_SPACING`]
/// events or so), so that a seek into the past replays at most that much instead of the whole
/// history. Each is what [`Session::snapshot_at`] gives at its time; a fork forgets those at
/// or after it. Runs with `python` scripts are copied only before the first script starts (the
/// interpreter's state cannot be copied).
#[derive(Debug)]
struct Checkpoints {
    /// Sorted by time.
    marks: Vec<Mark>,
    /// The replayed trace up to the latest checkpoint. Checkpoints keep none of their own:
    /// each one's trace is a prefix of the next one's, and a whole trace per checkpoint would
    /// make the memory grow with the square of the run's length (the trace is most of a Sim).
    trace: Vec<TraceEvent>,
    spacing: u64,
    /// A script runs from time zero: no checkpoint can be taken until the inputs change.
    no_base: bool,
}

#[derive(Debug)]
struct Mark {
    at: Micros,
    /// The run at `at` with an empty trace and no scripts.
    run: Run,
    trace_len: usize,
}

impl Default for Checkpoints {
    fn default() -> Self {
        Checkpoints {
            marks: Vec::new(),
            trace: Vec::new(),
            spacing: MARK_SPACING,
            no_base: false,
        }
    }
}

impl Checkpoints {
    /// The first checkpoint: the run at time zero (nothing when a script already runs there).
    fn start(&mut self, run: Run) {
        let mut run = run;
        self.marks.clear();
        self.trace.clear();
        self.push(&mut run);
        self.no_base = self.marks.is_empty();
    }

    fn push(&mut self, run: &mut Run) {
        if !run.scripts.is_empty() {
            return;
        }
        if let Some(new) = run.sim.trace.get(self.trace.len()..) {
            self.trace.extend_from_slice(new);
        }
        let trace = std::mem::take(&mut run.sim.trace);
        let copy = Run {
            sim: run.sim.clone(),
            steps: run.steps.clone(),
            expectations: run.expectations.clone(),
            clients: run.clients.clone(),
            scripts: Scripts::new(),
        };
        run.sim.trace = trace;
        self.marks.push(Mark {
            at: copy.sim.now(),
            trace_len: run.sim.trace.len(),
            run: copy,
        });
        if self.marks.len() > MAX_MARKS {
            let mut i = 0;
            self.marks.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.spacing = self.spacing.saturating_mul(2);
        }
    }

    /// Takes a checkpoint of `run` if it is past the latest one by the spacing. `run` must be
    /// what a rebuild at its time gives.
    fn offer(&mut self, run: &mut Run) {
        let Some(last) = self.marks.last() else {
            return;
        };
        if run.sim.now() > last.at
            && run.sim.events_processed >= last.run.sim.events_processed + self.spacing
        {
            self.push(run);
        }
    }

    /// Forgets the checkpoints at or after `t` (inputs are about to change there).
    fn forget_from(&mut self, t: Micros) {
        self.marks.retain(|m| m.at < t);
        if self.marks.is_empty() {
            self.no_base = false;
        }
        self.trace
            .truncate(self.marks.last().map_or(0, |m| m.trace_len));
    }

    fn latest_at_or_before(&self, t: Micros) -> Option<usize> {
        self.marks.partition_point(|m| m.at <= t).checked_sub(1)
    }

    /// Whether restoring checkpoint `i` saves more replay than it costs, for a run already at
    /// or before the target.
    fn worth_restoring(&self, i: usize, run: &Run) -> bool {
        self.marks.get(i).is_some_and(|m| {
            m.run.sim.events_processed > run.sim.events_processed.saturating_add(self.spacing)
        })
    }

    /// A copy of checkpoint `i` with its trace, and its time. The trace comes from `past` (a
    /// replay of the same inputs that got at least as far) when there is one, cut to length,
    /// which saves copying it.
    fn restore(&self, i: usize, past: Option<Run>) -> Option<(Run, Micros)> {
        let m = self.marks.get(i)?;
        let trace = match past.map(|r| r.sim.trace) {
            Some(mut t) if t.len() >= m.trace_len => {
                t.truncate(m.trace_len);
                t
            }
            _ => self.trace.get(..m.trace_len)?.to_vec(),
        };
        let mut sim = m.run.sim.clone();
        sim.trace = trace;
        let run = Run {
            sim,
            steps: m.run.steps.clone(),
            expectations: m.run.expectations.clone(),
            clients: m.run.clients.clone(),
            scripts: Scripts::new(),
        };
        Some((run, m.at))
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

    /// Everything a replayed run holds except the scripts' interpreters: the whole Sim (its
    /// event queue and random generator included, through Debug), steps and clients.
    fn assert_same_run(got: &Run, want: &Run, at: Micros) {
        assert_eq!(got.sim.trace.len(), want.sim.trace.len(), "trace at {at:?}");
        assert!(
            format!("{:?}", got.sim) == format!("{:?}", want.sim),
            "sim state at {at:?}"
        );
        assert_eq!(got.steps, want.steps, "steps at {at:?}");
        assert_eq!(got.expectations, want.expectations, "at {at:?}");
        assert_eq!(got.clients, want.clients, "clients at {at:?}");
        let outputs =
            |r: &Run| -> Vec<String> { r.scripts.all().iter().map(|s| s.output_text()).collect() };
        assert_eq!(outputs(got), outputs(want), "scripts at {at:?}");
    }

    /// A busy run with a failover, two inputs at one instant and a policy change.
    fn busy_player() -> Player {
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
        Player::from_session(Session::from_scenario(&text).unwrap())
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
        for (n, &t) in targets.iter().enumerate() {
            if n % 9 == 0 {
                p.apply(Action::Seek(horizon));
            }
            p.apply(Action::Seek(t));
            assert_eq!(p.error, None);
            assert_eq!(p.cursor, t);
            let want = p.session.snapshot_at(t).unwrap();
            assert_same_run(p.view_run(), &want, t);
        }
        assert!(
            p.checkpoints.marks.len() > 5,
            "{}",
            p.checkpoints.marks.len()
        );
        // Every checkpoint is the rebuild at its own time.
        let marks: Vec<Micros> = p.checkpoints.marks.iter().map(|m| m.at).collect();
        for (i, &at) in marks.iter().enumerate() {
            let (run, _) = p.checkpoints.restore(i, None).unwrap();
            assert_same_run(&run, &p.session.snapshot_at(at).unwrap(), at);
            p.apply(Action::Seek(at));
            assert_same_run(p.view_run(), &p.session.snapshot_at(at).unwrap(), at);
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
            assert_same_run(p.view_run(), &p.session.snapshot_at(t).unwrap(), t);
        }
        assert!(!p.view().node_running(1));
    }

    #[test]
    fn runs_with_scripts_replay_the_same() {
        let text = include_str!("../../../tests/scenarios/pika_confirms_master_kill.scn");
        // Once with the script from time zero (no checkpoint possible), once started later.
        for delay in ["", "wait 300ms\n"] {
            let text = text.replacen("python pub", &format!("{delay}python pub"), 1);
            let mut p = Player::from_session(Session::from_scenario(&text).unwrap());
            p.checkpoints.spacing = 20;
            let horizon = p.horizon();
            for ms in [4000, 200, 299, 300, 1200, 900, 2500, 100] {
                let t = Micros::from_ms(ms).min(Micros(horizon.0 - 1));
                p.apply(Action::Seek(t));
                assert_eq!(p.error, None);
                assert_same_run(p.view_run(), &p.session.snapshot_at(t).unwrap(), t);
            }
            assert_eq!(p.checkpoints.marks.is_empty(), delay.is_empty());
            assert!(p
                .checkpoints
                .marks
                .iter()
                .all(|m| m.at < Micros::from_ms(300)));
        }
    }

    #[test]
    fn inputs_at_an_event_time_are_not_skipped() {
        let mut p = publisher_on_node2();
        // Each input lands on the time of an event, where a checkpoint could be offered.
        for i in 0..6 {
            p.apply(Action::Step);
            p.apply(Action::Step);
            p.apply(Action::Input(format!("app publish q1 \"m{i}\"")));
        }
        p.apply(Action::Seek(Micros::from_ms(300)));
        let times: Vec<Micros> = p.session.inputs().iter().map(|i| i.at).collect();
        p.checkpoints.spacing = 1;
        p.apply(Action::Seek(Micros::from_ms(299)));
        for t in times.into_iter().rev() {
            for t in [t, Micros(t.0 + 1)] {
                p.apply(Action::Seek(t));
                assert_same_run(p.view_run(), &p.session.snapshot_at(t).unwrap(), t);
            }
        }
    }

    #[test]
    fn checkpoints_stay_few() {
        let mut p = busy_player();
        p.checkpoints.spacing = 1;
        p.apply(Action::Seek(Micros(p.horizon().0 - 1)));
        assert!(p.checkpoints.marks.len() <= MAX_MARKS);
        assert!(p.checkpoints.spacing >= 8, "{}", p.checkpoints.spacing);
        let last = p.checkpoints.marks.last().unwrap();
        assert_eq!(p.checkpoints.trace.len(), last.trace_len);
        assert!(last.run.sim.trace.is_empty());
        let t = Micros::from_ms(1234);
        p.apply(Action::Seek(t));
        assert_same_run(p.view_run(), &p.session.snapshot_at(t).unwrap(), t);
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

/// Scrubbing cost on a busy run. Not a timed test (the figures depend on the machine): run it
/// with `cargo test --release --lib ui::player::seek_bench -- --ignored --nocapture`. The
/// rebuild from time zero it compares with is what a backward seek did before checkpoints.
#[cfg(test)]
mod seek_bench {
    use super::*;
    use crate::rng::Rng;
    use crate::sim::state_change::StateChange;
    use std::mem::size_of;
    use std::time::Instant;

    /// Rough heap bytes of a trace: the entries plus their strings.
    fn trace_bytes(trace: &[TraceEvent]) -> usize {
        trace
            .iter()
            .map(|e| {
                size_of::<TraceEvent>()
                    + match &e.kind {
                        TraceKind::Input { text } => text.capacity(),
                        TraceKind::Send { label, .. } => label.capacity(),
                        TraceKind::Lost { reason, .. } => reason.capacity(),
                        TraceKind::State { change, .. } => {
                            size_of::<StateChange>() + change.to_string().len()
                        }
                    }
            })
            .sum()
    }

    /// Rough heap bytes of what grows with a run besides its trace: messages, what clients
    /// received, replicas' contents (B-tree nodes counted at twice the entry), step results.
    fn state_bytes(run: &Run) -> usize {
        use crate::sim::model::{Delivery, Entry, Message, Unacked};
        let sim = &run.sim;
        let msgs: usize = sim
            .messages
            .iter()
            .map(|m| size_of::<Message>() + m.body.capacity())
            .sum();
        let clients: usize = sim
            .clients
            .iter()
            .map(|c| {
                c.deliveries
                    .iter()
                    .map(|d| size_of::<Delivery>() + d.body.capacity() + d.queue.capacity())
                    .sum::<usize>()
                    + c.confirms.capacity() * 40
                    + c.unconfirmed.len() * 2 * 80
            })
            .sum();
        let procs: usize = sim
            .procs
            .iter()
            .map(|p| {
                p.ready.len() * 2 * (8 + size_of::<Entry>())
                    + p.unacked.len() * 2 * (8 + size_of::<Unacked>())
                    + p.gm.pending.values().map(Vec::len).sum::<usize>() * 64
            })
            .sum();
        let steps: usize = run
            .steps
            .iter()
            .map(|s| 64 + s.input.capacity() + s.output.capacity())
            .sum();
        msgs + clients + procs + steps
    }

    fn stats(label: &str, mut ms: Vec<f64>) {
        ms.sort_by(|a, b| a.total_cmp(b));
        let mean = ms.iter().sum::<f64>() / ms.len().max(1) as f64;
        let at = |q: usize| ms.get(ms.len() * q / 100).copied().unwrap_or(0.0);
        println!(
            "  {label:<44} n={:<4} mean {mean:6.2} ms  median {:6.2}  p90 {:6.2}  max {:6.2}",
            ms.len(),
            at(50),
            at(90),
            ms.last().copied().unwrap_or(0.0)
        );
    }

    fn timed(f: impl FnOnce()) -> f64 {
        let s = Instant::now();
        f();
        s.elapsed().as_secs_f64() * 1e3
    }

    #[test]
    #[ignore]
    fn backward_seeks_on_a_busy_run() {
        let t0 = Instant::now();
        let session = Session::from_scenario(&crate::sim::bench::steady_load()).unwrap();
        let build = t0.elapsed().as_secs_f64() * 1e3;
        let sim = &session.run.sim;
        println!(
            "busy run (steady_load): {} s simulated, {} inputs, {} events, {} trace entries \
             (~{} KiB), other state ~{} KiB; built in {build:.1} ms",
            session.now().0 / 1_000_000,
            session.inputs().len(),
            sim.events_processed,
            sim.trace.len(),
            trace_bytes(&sim.trace) / 1024,
            state_bytes(&session.run) / 1024,
        );
        println!(
            "  one clone of the whole Sim at 30 s: {:.2} ms",
            timed(|| drop(sim.clone()))
        );
        let horizon = session.now();
        let mut rng = Rng::new(42);
        let targets: Vec<Micros> = (0..60).map(|_| Micros(rng.below(horizon.0))).collect();
        let drag: Vec<Micros> = (0..300).rev().map(|i| Micros::from_ms(i * 100)).collect();

        println!("before (each backward seek rebuilds from time zero):");
        stats(
            "random targets",
            targets
                .iter()
                .map(|&t| timed(|| drop(session.snapshot_at(t))))
                .collect(),
        );
        stats(
            "dragging back 30 s -> 0 in 100 ms steps",
            drag.iter()
                .map(|&t| timed(|| drop(session.snapshot_at(t))))
                .collect(),
        );

        let mut p = Player::from_session(session);
        println!("after (checkpoints):");
        // The first seek far back replays the whole run once, taking the checkpoints.
        let first = timed(|| p.apply(Action::Seek(Micros(horizon.0 - 1_000))));
        println!("  first seek, 1 ms before the present (takes the checkpoints): {first:.2} ms");
        p.apply(Action::Seek(horizon));
        let mut from_present = Vec::new();
        let mut in_past = Vec::new();
        for &t in &targets {
            p.apply(Action::Seek(horizon));
            from_present.push(timed(|| p.apply(Action::Seek(t))));
            let earlier = Micros(rng.below(t.0.max(1)));
            in_past.push(timed(|| p.apply(Action::Seek(earlier))));
            assert_eq!(p.error, None);
        }
        stats("random targets, from the present", from_present);
        stats("random earlier targets, from the past", in_past);
        p.apply(Action::Seek(horizon));
        stats(
            "dragging back 30 s -> 0 in 100 ms steps",
            drag.iter()
                .map(|&t| timed(|| p.apply(Action::Seek(t))))
                .collect(),
        );
        let c = &p.checkpoints;
        let marks: usize = c.marks.iter().map(|m| state_bytes(&m.run)).sum();
        println!(
            "memory: {} checkpoints every {} events, ~{} KiB of state together, plus one \
             trace of {} entries (~{} KiB) they share",
            c.marks.len(),
            c.spacing,
            marks / 1024,
            c.trace.len(),
            trace_bytes(&c.trace) / 1024,
        );
    }
}
