//! A live, steerable run for the playground: inputs are applied at the current simulated time,
//! time moves forward by steps or to a target, and acting in the past forks: the run is
//! rebuilt from its inputs up to that moment and the old future is discarded. The session
//! serialises to the scenario format, so what a learner did can be shared, replayed and tested.
//! Each line is parsed once, when it comes in: rebuilds and seeks replay the parsed steps.

use crate::sim::scenario::parse::{self, Action, Step};
use crate::sim::scenario::run::{run_steps, Run, StepResult};
use crate::sim::time::Micros;
use crate::sim::trace::Thinning;

/// One input with the simulated time it was applied at, and the time after it ran (a step
/// such as `get` or a timed-out declare moves the clock itself).
#[derive(Debug, Clone, PartialEq)]
pub struct TimedInput {
    pub at: Micros,
    /// The line as it was typed, for display and sharing.
    pub line: String,
    /// The line parsed, numbered as the input's place in the session (1-based): what a replay
    /// runs.
    pub step: Step,
    pub after: Micros,
}

/// A steerable run.
#[derive(Debug)]
pub struct Session {
    /// Set-up lines (`cluster`, `seed`, `config`), applied before time 0.
    setup: Vec<String>,
    /// The set-up lines parsed, numbered as the lines of `setup` joined.
    setup_steps: Vec<Step>,
    inputs: Vec<TimedInput>,
    pub run: Run,
    /// How the runs of this session thin their traces (`None`: they keep every entry).
    thinning: Option<Thinning>,
}

impl Session {
    /// A session from set-up lines such as `cluster nodes=3`, `seed 7`.
    pub fn new(setup: &[&str]) -> Result<Session, String> {
        let setup: Vec<String> = setup.iter().map(|s| s.to_string()).collect();
        let setup_steps = parse::parse(&setup.join("\n")).map_err(|e| e.message)?;
        let run = Self::build(&setup_steps, &[], None);
        Ok(Session {
            setup,
            setup_steps,
            inputs: Vec::new(),
            run,
            thinning: None,
        })
    }

    /// Loads a scenario: its set-up lines, then every other line as an input, with `wait`
    /// lines moving the clock.
    pub fn from_scenario(text: &str) -> Result<Session, parse::ParseError> {
        let mut loading = Loading::new(text)?;
        while !loading.work(u64::MAX) {}
        Ok(loading.session)
    }

    /// Runs one step now and remembers it with the clock before and after, numbered by its
    /// place among the inputs as every rebuild runs it (so the run is the rebuild's, its step
    /// results included). An `expect` line is checked and not remembered: it is no input.
    fn record(&mut self, step: &Step) {
        let at = self.now();
        if matches!(step.action, Action::Expect(_)) {
            self.run.step(step);
            return;
        }
        let step = Step {
            line: self.inputs.len() + 1,
            ..step.clone()
        };
        self.run.step(&step);
        self.inputs.push(TimedInput {
            at,
            line: step.text.clone(),
            step,
            after: self.now(),
        });
    }

    /// Thins the traces of this session's runs (the present's at once, and every rebuild's),
    /// or stops thinning them. Thinning changes only what the trace keeps, never the run.
    pub fn set_thinning(&mut self, thinning: Option<Thinning>) {
        self.thinning = thinning;
        self.run.sim.trace.set_thinning(thinning);
    }

    /// How this session's runs thin their traces.
    pub fn thinning(&self) -> Option<Thinning> {
        self.thinning
    }

    /// The run from the set-up and the inputs, each applied at its time.
    fn build(setup: &[Step], inputs: &[TimedInput], thinning: Option<Thinning>) -> Run {
        let mut run = run_steps(setup, None);
        run.sim.trace.set_thinning(thinning);
        for i in inputs {
            if run.sim.now() < i.at {
                run.advance_to(i.at);
            }
            run.step(&i.step);
        }
        run
    }

    pub fn now(&self) -> Micros {
        self.run.sim.now()
    }

    pub fn inputs(&self) -> &[TimedInput] {
        &self.inputs
    }

    /// Parses and applies one input line now. A line that does not parse changes nothing and
    /// returns the message for where the user typed it.
    pub fn apply(&mut self, line: &str) -> Result<StepResult, String> {
        let steps = parse::parse(line).map_err(|e| e.message)?;
        let Some(step) = steps.into_iter().next() else {
            return Err("empty input".to_string());
        };
        if matches!(
            step.action,
            Action::Cluster(_) | Action::Seed(_) | Action::Config(_)
        ) {
            return Err("cluster, seed and config are set when a session starts".to_string());
        }
        if let Action::Wait(d) = step.action {
            let t = self.run.sim.now() + d;
            self.run.advance_to(t);
            return Ok(StepResult {
                line: 0,
                input: step.text,
                output: String::new(),
                exit_code: 0,
                at: self.now(),
            });
        }
        let at = self.now();
        let step = Step {
            line: self.inputs.len() + 1,
            ..step
        };
        let before = self.run.steps.len();
        self.record(&step);
        Ok(self.run.steps.get(before).cloned().unwrap_or(StepResult {
            line: step.line,
            input: step.text,
            output: String::new(),
            exit_code: 0,
            at,
        }))
    }

    /// Moves time forward to `t` (no-op for a time in the past: use [`Session::rewind_to`]).
    pub fn advance_to(&mut self, t: Micros) {
        self.run.advance_to(t);
    }

    /// Runs up to and including the next scheduled event; returns its time.
    pub fn step_event(&mut self) -> Option<Micros> {
        let t = self.run.next_event_time()?;
        self.run.advance_to(t);
        Some(t)
    }

    /// Rebuilds the run as it was at `t`: inputs after `t` are discarded (a fork).
    pub fn rewind_to(&mut self, t: Micros) {
        self.inputs.retain(|i| i.at <= t);
        let mut run = Self::build(&self.setup_steps, &self.inputs, self.thinning);
        run.advance_to(t);
        self.run = run;
    }

    /// Forgets the inputs after `t` and takes `run` as the present: `run` must be what
    /// [`Session::rewind_to`] would build at `t` (a finished replay of these inputs to `t`).
    pub fn adopt_past(&mut self, t: Micros, mut run: Run) {
        self.inputs.retain(|i| i.at <= t);
        // The past on display may keep a shorter history than the present: the present's
        // trace holds the same entries and more of them before, so it is kept, cut back.
        let mut trace = std::mem::take(&mut self.run.sim.trace);
        if trace.base() <= run.sim.trace.base() && trace.len() >= run.sim.trace.len() {
            trace.truncate(run.sim.trace.len());
            run.sim.trace = trace;
        }
        run.sim.trace.set_thinning(self.thinning);
        self.run = run;
    }

    /// Replays the inputs up to `t` into a fresh run without changing this session (the UI
    /// uses it to show the past while scrubbing, before the learner acts there).
    pub fn snapshot_at(&self, t: Micros) -> Run {
        // Inputs are in time order: those up to `t` are a prefix.
        let kept = self.inputs.partition_point(|i| i.at <= t);
        let mut run = Self::build(&self.setup_steps, &self.inputs[..kept], self.thinning);
        run.advance_to(t);
        run
    }

    /// The session as a scenario (set-up, then inputs with `wait` lines between them), ending
    /// with a wait up to the current time.
    pub fn to_scenario(&self) -> String {
        self.to_scenario_until(self.now())
    }

    /// The session as a scenario up to `t` (no later than the present): the inputs applied by
    /// then, ending with a wait up to `t`. An A/B fork starts from it.
    pub fn to_scenario_until(&self, t_end: Micros) -> String {
        let t_end = t_end.min(self.now());
        let mut out = self.setup.join("\n");
        out.push('\n');
        let mut t = Micros::ZERO;
        let kept = self.inputs.partition_point(|i| i.at <= t_end);
        for i in &self.inputs[..kept] {
            if i.at > t {
                out.push_str(&format!("{}\n", Action::Wait(Micros(i.at.0 - t.0))));
            }
            out.push_str(&i.line);
            out.push('\n');
            // A wait is relative to the clock after the previous line, which may have moved it.
            t = i.after.max(i.at);
        }
        if t_end > t {
            out.push_str(&format!("{}\n", Action::Wait(Micros(t_end.0 - t.0))));
        }
        out
    }
}

/// The cost in a slice's budget of running one input line, counted as that many simulator
/// events (a line's own work is not counted in events; most lines cost far less).
pub const STEP_WEIGHT: u64 = 200;

/// A scenario being loaded in slices ([`Loading::work`]): the same steps, `wait`s and times as
/// [`Session::from_scenario`], which is this run to the end at once.
#[derive(Debug)]
pub struct Loading {
    session: Session,
    /// The lines after the set-up.
    steps: Vec<Step>,
    next: usize,
    /// Where the `wait` line being run moves the clock to.
    waiting_to: Option<Micros>,
}

impl Loading {
    /// Parses the scenario and runs its set-up (bounded: at most nine nodes); a parse error
    /// is known here, before any slice.
    pub fn new(text: &str) -> Result<Loading, parse::ParseError> {
        let mut steps = parse::parse(text)?;
        let setup_len = steps
            .iter()
            .take_while(|st| {
                matches!(
                    st.action,
                    Action::Cluster(_) | Action::Seed(_) | Action::Config(_)
                )
            })
            .count();
        let rest = steps.split_off(setup_len);
        let setup_steps = numbered_as_joined(&steps);
        let session = Session {
            setup: steps.iter().map(|st| st.text.clone()).collect(),
            inputs: Vec::new(),
            // As every rebuild runs it.
            run: run_steps(&setup_steps, None),
            setup_steps,
            thinning: None,
        };
        Ok(Loading {
            session,
            steps: rest,
            next: 0,
            waiting_to: None,
        })
    }

    /// Runs the next lines for about `budget` simulator events (a line counts as
    /// [`STEP_WEIGHT`]); whether the whole scenario is loaded.
    pub fn work(&mut self, budget: u64) -> bool {
        self.work_with(budget, |session, t, _, budget| {
            session.run.advance_within(t, budget)
        })
    }

    /// [`Loading::work`], with `wait` carrying the run through each `wait` line's time in
    /// slices as [`Run::advance_within`] does (which is what `work` gives it): it gets the
    /// session, where the wait ends, whether an input is applied at that very time next (so
    /// the run there is not yet what a rebuild at that time gives), and about how many events
    /// to run; it says whether it got there. The player's load lays checkpoints through it.
    pub fn work_with(
        &mut self,
        budget: u64,
        mut wait: impl FnMut(&mut Session, Micros, bool, u64) -> bool,
    ) -> bool {
        let mut spent = 0u64;
        loop {
            if spent >= budget {
                return false;
            }
            if let Some(t) = self.waiting_to {
                let e0 = self.session.run.sim.events_processed;
                let input_at_t = self.input_next_at_once();
                let reached = wait(&mut self.session, t, input_at_t, budget - spent);
                spent = spent.saturating_add(self.session.run.sim.events_processed - e0);
                if !reached {
                    return false;
                }
                self.waiting_to = None;
            }
            let Some(st) = self.steps.get(self.next) else {
                return true;
            };
            self.next += 1;
            match st.action {
                Action::Wait(d) => self.waiting_to = Some(self.session.run.sim.now() + d),
                // A session's inputs leave its `expect` lines out, so its rebuilds never check
                // them: neither does its load, whose run is then the rebuild's (the scenario
                // runner is where they are checked).
                Action::Expect(_) => {}
                _ => {
                    let st = st.clone();
                    self.session.record(&st);
                    spent = spent.saturating_add(STEP_WEIGHT);
                }
            }
        }
    }

    /// Whether the next line to run is an input applied at the time the clock is moved to
    /// now (only `wait 0` and `expect` lines before it, or none).
    fn input_next_at_once(&self) -> bool {
        self.steps[self.next..]
            .iter()
            .find(|st| match st.action {
                Action::Wait(d) => d != Micros::ZERO,
                Action::Expect(_) => false,
                _ => true,
            })
            .is_some_and(|st| !matches!(st.action, Action::Wait(_)))
    }

    /// Thins the loading session's traces from now on ([`Session::set_thinning`]), so a long
    /// scenario never holds its whole trace while it loads.
    pub fn set_thinning(&mut self, thinning: Option<Thinning>) {
        self.session.set_thinning(thinning);
    }

    /// The share of the scenario's lines run so far.
    pub fn progress(&self) -> f64 {
        self.next as f64 / self.steps.len().max(1) as f64
    }

    /// The loaded session (complete once [`Loading::work`] has said so).
    pub fn into_session(self) -> Session {
        self.session
    }
}

/// The steps numbered as a parse of their texts joined by newlines numbers them, which is how
/// a session's set-up has always been rebuilt (its results carry these numbers).
fn numbered_as_joined(steps: &[Step]) -> Vec<Step> {
    let mut line = 1;
    steps
        .iter()
        .map(|st| {
            let numbered = Step { line, ..st.clone() };
            line += st.text.lines().count().max(1);
            numbered
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A node paused under pause_minority resumes when a peer's VM comes back, in the node
    /// monitor's look at the end of an advance: the work it schedules at that instant runs in
    /// the runner's `wait` as in the session's slices (the runner once skipped it).
    #[test]
    fn a_resuming_node_runs_the_same_in_the_runner_and_a_session() {
        let text =
            include_str!("../../../tests/scenarios/fidelity_pause_minority_every_nodedown.scn");
        let runner = crate::sim::scenario::run_text(text, None).unwrap();
        let session = Session::from_scenario(text).unwrap();
        assert_eq!(session.run.sim.trace, runner.sim.trace);
        assert!(runner
            .sim
            .trace
            .iter()
            .any(|e| e.at.0 == 4_100_020 && e.to_string().contains("gm v11 [depth]")));
    }

    #[test]
    fn apply_advance_rewind_and_serialise() {
        let mut s = Session::new(&["cluster nodes=3", "seed 9"]).unwrap();
        s.apply(r#"rabbitmqctl set_policy ha "^q" '{"ha-mode":"all"}'"#)
            .unwrap();
        s.apply("client app node=node1").unwrap();
        s.apply("app declare q1 durable").unwrap();
        s.advance_to(Micros::from_ms(100));
        s.apply("app publish q1 \"m\" count=3").unwrap();
        s.advance_to(Micros::from_ms(200));
        let q = s.run.sim.find_queue("/", "q1").unwrap();
        assert_eq!(s.run.sim.procs[s.run.sim.queue(q).master.0].depth(), 3);
        let text = s.to_scenario();
        assert!(text.contains("wait 100ms\napp publish"), "{text}");
        // Replaying the text gives the same trace.
        let again = Session::from_scenario(&text).unwrap();
        assert_eq!(again.run.sim.trace, s.run.sim.trace);
        // Acting in the past forks: the publish is gone.
        s.rewind_to(Micros::from_ms(50));
        assert_eq!(s.inputs().len(), 3);
        let q = s.run.sim.find_queue("/", "q1").unwrap();
        assert_eq!(s.run.sim.procs[s.run.sim.queue(q).master.0].depth(), 0);
    }

    #[test]
    fn inputs_keep_their_parsed_steps_numbered_by_place() {
        let text = "cluster nodes=2\nseed 4\n\n# a comment\nclient app node=node1\nwait 5ms\n\
                    rabbitmqctl set_policy ha \"^q\" \\\n  '{\"ha-mode\":\"all\"}'\napp declare q1\n";
        let s = Session::from_scenario(text).unwrap();
        let lines: Vec<(usize, &str)> = s
            .inputs()
            .iter()
            .map(|i| (i.step.line, i.line.as_str()))
            .collect();
        assert_eq!(
            lines,
            [
                (1, "client app node=node1"),
                (
                    2,
                    "rabbitmqctl set_policy ha \"^q\" \\\n  '{\"ha-mode\":\"all\"}'"
                ),
                (3, "app declare q1"),
            ]
        );
        for i in s.inputs() {
            assert_eq!(i.step.text, i.line);
            assert_eq!(parse::parse(&i.line).unwrap()[0].action, i.step.action);
        }
        // The set-up is numbered as its lines joined, as a rebuild has always numbered it.
        let lines: Vec<usize> = s.setup_steps.iter().map(|st| st.line).collect();
        assert_eq!(lines, [1, 2]);
        assert_eq!(s.snapshot_at(s.now()).sim.trace, s.run.sim.trace);
    }

    #[test]
    fn bad_input_changes_nothing() {
        let mut s = Session::new(&["cluster nodes=2"]).unwrap();
        assert!(s.apply("frobnicate the cluster").is_err());
        assert!(s.apply("wait forever").is_err());
        assert!(s.inputs().is_empty());
    }

    #[test]
    fn steps_that_move_the_clock_replay_at_the_same_times() {
        let mut s = Session::new(&["cluster nodes=3"]).unwrap();
        s.apply("client app node=node1").unwrap();
        s.apply("app declare q1 durable").unwrap();
        s.apply("app publish q1 \"m\" count=2").unwrap();
        s.advance_to(Micros::from_ms(5));
        // The mirror joins a non-empty queue: unsynchronised, so when-synced vetoes promotion.
        s.apply(r#"rabbitmqctl set_policy ha "^q" '{"ha-mode":"nodes","ha-params":["rabbit@node1","rabbit@node2"],"ha-promote-on-failure":"when-synced"}'"#).unwrap();
        s.advance_to(Micros::from_ms(10));
        s.apply("kill node1").unwrap();
        s.apply("client g node=node3").unwrap();
        // basic.get waits ~60 s for a master before NOT_FOUND: the clock moves inside the step.
        s.apply("g get q1").unwrap();
        assert!(s.now() >= Micros::from_secs(60));
        s.apply("start node1").unwrap();
        s.advance_to(s.now() + Micros::from_secs(1));
        let replayed = Session::from_scenario(&s.to_scenario()).unwrap();
        assert_eq!(replayed.run.sim.trace, s.run.sim.trace);
        let end = s.now();
        s.rewind_to(end);
        assert_eq!(s.run.sim.trace, replayed.run.sim.trace);
    }
}
