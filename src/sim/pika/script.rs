//! One running script: its interpreter, its pika objects, the stack of calls it is suspended
//! in, and how it moves on as the simulation does.

use crate::py::Copier;
use crate::py::{BuiltinExc, ParseError, PyException, Reply, RunOutcome, Value, Vm};
use crate::sim::engine::Sim;
use crate::sim::limits::{thousands, SCRIPT_INSTRUCTIONS_PER_SECOND, SCRIPT_WAKEUPS_MAX};
use crate::sim::pika::host::{link_range, rebound, Ctx, HostState, Poll, SentIds, Shared};
use crate::sim::pika::state::{Pending, Wait};
use crate::sim::shared_vec::SharedVec;
use crate::sim::time::Micros;

/// Python instructions a script may run at one simulated instant (without waiting for the
/// broker or sleeping) before it is stopped: a script that never waits must not hang the page.
pub const INSTANT_BUDGET: u64 = 2_000_000;

/// How the script is being driven.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Runs whenever it can.
    Running,
    /// Runs until the next statement is about to start, then pauses.
    StepOnce,
    /// Stopped between two statements until stepped or resumed.
    Paused,
}

/// Where a script is, for the editor's status line and for `expect python … state=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScriptState {
    /// Runnable now (only seen between the driver's turns).
    Running,
    /// Inside a blocking call, waiting for the simulated broker or for time to pass.
    Waiting,
    /// Between two statements, waiting for Step or Run.
    Paused,
    /// Ran to its end (or `sys.exit`).
    Finished,
    /// Ended with an uncaught exception.
    Failed,
    /// Stopped by the learner or by the instruction budget.
    Stopped,
}

impl ScriptState {
    /// The word `expect python … state=` uses.
    pub fn as_str(self) -> &'static str {
        match self {
            ScriptState::Running => "running",
            ScriptState::Waiting => "waiting",
            ScriptState::Paused => "paused",
            ScriptState::Finished => "finished",
            ScriptState::Failed => "failed",
            ScriptState::Stopped => "stopped",
        }
    }
}

#[derive(Debug, Clone)]
enum End {
    Finished { code: i64 },
    Failed { report: String },
    Stopped { reason: String },
}

/// A Python client script running against the simulated cluster.
pub struct Script {
    /// The client name (its connections are the simulator's clients `NAME`, `NAME#2`, …).
    pub name: String,
    /// The source as given.
    pub source: String,
    /// The node `localhost` means.
    pub home: usize,
    /// When it was started.
    pub started: Micros,
    vm: Vm,
    pub(super) st: HostState,
    mode: Mode,
    end: Option<End>,
    waits: Vec<Pending>,
    instant: Micros,
    used: u64,
    /// The simulated second (whole seconds since the start of the run) `second_used` counts.
    second: u64,
    second_used: u64,
}

impl std::fmt::Debug for Script {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Script")
            .field("name", &self.name)
            .field("state", &self.state())
            .field("line", &self.current_line())
            .finish()
    }
}

impl Script {
    /// Compiles a script (nothing runs yet).
    pub fn new(
        name: &str,
        source: &str,
        home: usize,
        now: Micros,
        paused: bool,
    ) -> Result<Script, ParseError> {
        let vm = Vm::new(source)?;
        Ok(Script {
            name: name.to_string(),
            source: source.to_string(),
            home,
            started: now,
            vm,
            st: HostState::new(name, home),
            mode: if paused { Mode::Paused } else { Mode::Running },
            end: None,
            waits: Vec::new(),
            instant: now,
            used: 0,
            second: now.0 / 1_000_000,
            second_used: 0,
        })
    }

    /// A copy that goes on exactly as this one would: its interpreter, its pika objects and the
    /// calls it waits in, every Python object copied once through `c`.
    pub(super) fn copy(&self, c: &mut Copier) -> Script {
        let Script {
            name,
            source,
            home,
            started,
            vm,
            st,
            mode,
            end,
            waits,
            instant,
            used,
            second,
            second_used,
        } = self;
        Script {
            name: name.clone(),
            source: source.clone(),
            home: *home,
            started: *started,
            vm: vm.copy(c),
            st: st.copy(c),
            mode: *mode,
            end: end.clone(),
            waits: rebound(c, waits.clone()),
            instant: *instant,
            used: *used,
            second: *second,
            second_used: *second_used,
        }
    }

    /// The script's command-line arguments (`sys.argv[1:]`).
    pub fn set_argv(&mut self, argv: &[String]) {
        self.st.argv.extend(argv.iter().cloned());
    }

    /// Its bound global variables, in first-mention order.
    pub fn globals(&self) -> Vec<(String, Value)> {
        self.vm.globals()
    }

    /// Python instructions the script has run so far (what its budgets count).
    pub fn instructions(&self) -> u64 {
        self.vm.instructions_executed()
    }

    /// Where it is.
    pub fn state(&self) -> ScriptState {
        match &self.end {
            Some(End::Finished { .. }) => ScriptState::Finished,
            Some(End::Failed { .. }) => ScriptState::Failed,
            Some(End::Stopped { .. }) => ScriptState::Stopped,
            None if self.vm.suspended_on().is_some() => ScriptState::Waiting,
            None if self.mode == Mode::Paused => ScriptState::Paused,
            None => ScriptState::Running,
        }
    }

    /// Whether it has ended (finished, failed or stopped).
    pub fn is_over(&self) -> bool {
        self.end.is_some()
    }

    /// The line being executed or waited in (or the next one when paused).
    pub fn current_line(&self) -> u32 {
        self.vm.current_line()
    }

    /// The blocking call it is waiting in, described (`basic_publish() — waiting for …`).
    pub fn waiting_on(&self) -> Option<&str> {
        if self.vm.suspended_on().is_some() {
            self.waits.last().map(|p| p.what.as_str())
        } else {
            None
        }
    }

    /// Everything it printed: (to stderr, text) chunks in order.
    pub fn output(&self) -> &[(bool, String)] {
        &self.st.output
    }

    /// Standard output and error as one text.
    pub fn output_text(&self) -> String {
        self.st.output.iter().map(|(_, s)| s.as_str()).collect()
    }

    /// The traceback of the uncaught exception that ended it.
    pub fn error(&self) -> Option<&str> {
        match &self.end {
            Some(End::Failed { report }) => Some(report),
            Some(End::Stopped { reason }) => Some(reason),
            _ => None,
        }
    }

    /// The exit status a process would have (`None` while it runs).
    pub fn exit_code(&self) -> Option<i64> {
        match &self.end {
            Some(End::Finished { code }) => Some(*code),
            Some(End::Failed { .. }) => Some(1),
            Some(End::Stopped { .. }) => Some(-2),
            None => None,
        }
    }

    /// How many frames this script sent are still remembered (for a size estimate).
    pub fn sends_len(&self) -> usize {
        self.st.sends.len()
    }

    /// (line, trace index) pairs: which trace events each executed line caused.
    pub fn links(&self) -> &SharedVec<(u32, u32)> {
        &self.st.links
    }

    /// Heap bytes of the records this script keeps for as long as the trace (its links and
    /// the ids of its frames) that `other`'s do not share (all of them without `other`).
    pub fn records_not_in(&self, other: Option<&Script>) -> usize {
        let (links, sends) = match other {
            Some(o) => (&o.st.links, &o.st.sends),
            None => (&SharedVec::new(), &SentIds::new()),
        };
        self.st.links.bytes_not_in(links, |_| 0) + self.st.sends.bytes_not_in(sends)
    }

    /// Shares `other`'s records where they hold the same (see [`SharedVec::share_from`]).
    pub fn share_records_from(&mut self, other: &Script) {
        self.st.links.share_from(&other.st.links);
        self.st.sends.share_from(&other.st.sends);
    }

    /// The names of the simulator clients its channels use.
    pub fn client_ids(&self) -> Vec<crate::sim::model::ClientId> {
        self.st.clients().collect()
    }

    /// The queue the call it is waiting in concerns (its traffic is linked to that call).
    pub(super) fn watched_queue(&self, sim: &Sim) -> Option<String> {
        self.vm.suspended_on()?;
        match &self.waits.last()?.wait {
            Wait::Confirm { routing_key, .. } => Some(routing_key.clone()),
            Wait::Get { queue, .. } => Some(queue.clone()),
            Wait::ConsumeOk { chan, sim_tag, .. } => {
                let c = self.st.chans.get(*chan)?.client;
                let k = sim
                    .consumers
                    .iter()
                    .find(|k| k.client == c && &k.tag == sim_tag);
                k.map(|k| sim.queue(k.queue).name.clone()).or_else(|| {
                    self.st.chans[*chan]
                        .consumers
                        .iter()
                        .find(|k| &k.sim_tag == sim_tag)
                        .map(|k| k.queue.clone())
                })
            }
            _ => None,
        }
    }

    /// Whether it is suspended in a blocking call or holds connections (so the simulation's
    /// events concern it).
    pub(super) fn is_watching(&self) -> bool {
        self.end.is_none() && (self.vm.suspended_on().is_some() || !self.st.conns.is_empty())
    }

    /// Steps one statement from now on (it pauses before the next one).
    pub fn step(&mut self) {
        if self.end.is_none() {
            self.mode = Mode::StepOnce;
        }
    }

    /// Runs freely from now on.
    pub fn resume(&mut self) {
        if self.end.is_none() {
            self.mode = Mode::Running;
        }
    }

    /// Pauses before its next statement.
    pub fn pause(&mut self) {
        if self.end.is_none() && self.mode == Mode::Running {
            self.mode = Mode::StepOnce;
        }
    }

    /// Whether it may run at all now (not paused, not over).
    fn runnable(&self) -> bool {
        self.end.is_none() && self.mode != Mode::Paused
    }

    /// Ends the script as a killed process: its connections close.
    pub fn kill(&mut self, sim: &mut Sim, shared: &mut Shared, reason: &str) {
        if self.end.is_some() {
            return;
        }
        let line = self.current_line();
        let mark = sim.trace.len();
        let mut ctx = Ctx {
            sim,
            st: &mut self.st,
            shared,
        };
        ctx.close_all("client unexpectedly closed TCP connection (the script was stopped)");
        link_range(sim, &mut self.st, mark, line);
        self.st.write(true, &format!("{reason}\n"));
        self.end = Some(End::Stopped {
            reason: reason.to_string(),
        });
    }

    fn finish(&mut self, sim: &mut Sim, shared: &mut Shared, end: End) {
        let line = self.current_line();
        let mark = sim.trace.len();
        let mut ctx = Ctx {
            sim,
            st: &mut self.st,
            shared,
        };
        ctx.close_all("client unexpectedly closed TCP connection (the script ended)");
        link_range(sim, &mut self.st, mark, line);
        self.end = Some(end);
    }

    /// Whether [`Script::advance`] has anything to do now.
    pub(super) fn wants(&self, sim: &Sim) -> bool {
        if self.end.is_some() {
            return false;
        }
        if Ctx::sync_needed(sim, &self.st) {
            return true;
        }
        if !self.runnable() {
            return false;
        }
        if self.vm.suspended_on().is_none() {
            return true;
        }
        // Cheap conservative test: a due time, or anything queued for dispatch.
        let now = sim.now();
        let Some(top) = self.waits.last() else {
            return true;
        };
        let due = |t: Micros| t <= now;
        match &top.wait {
            Wait::Until { at, .. } | Wait::Deferred { at, .. } => {
                due(*at) || self.conn_lost_due(top, now)
            }
            Wait::Connect(c) => due(c.next_at),
            Wait::Consuming { chan } => {
                let conn = self.st.chans[*chan].conn;
                !self.st.queued_callbacks.is_empty()
                    || self.st.conns[conn]
                        .chans
                        .iter()
                        .any(|&c| !self.st.chans[c].inbox.is_empty())
                    || self.st.chans[*chan].consumers.is_empty()
                    || self.conn_lost_due(top, now)
            }
            Wait::Events { until, .. } => {
                until.is_some_and(due)
                    || !self.st.queued_callbacks.is_empty()
                    || self.st.chans.iter().any(|c| !c.inbox.is_empty())
                    || self.conn_lost_due(top, now)
            }
            Wait::Get { chan, .. } => {
                !self.st.chans[*chan].get_replies.is_empty() || self.conn_lost_due(top, now)
            }
            Wait::Confirm {
                chan,
                seq,
                confirms_from,
                since,
                ..
            } => {
                let c = self.st.chans[*chan].client;
                let lat = sim.config.client_latency + Micros(20);
                let confirms = &sim.clients[c.0].confirms;
                (due(*since + lat + lat)
                    && *confirms_from <= confirms.len()
                    && confirms.range(*confirms_from..).any(|x| x.0 == *seq))
                    || self.conn_lost_due(top, now)
            }
            Wait::ConsumeOk { chan, sim_tag, .. } => {
                let c = self.st.chans[*chan].client;
                sim.consumers
                    .iter()
                    .any(|k| k.client == c && &k.tag == sim_tag)
                    || self.conn_lost_due(top, now)
            }
            Wait::Next {
                chan,
                until,
                registering,
                not_before,
            } => {
                let ch = &self.st.chans[*chan];
                let registered = *registering
                    && ch
                        .generator
                        .as_ref()
                        .and_then(|g| g.sim_tag.as_ref())
                        .is_some_and(|t| {
                            sim.consumers
                                .iter()
                                .any(|k| k.client == ch.client && &k.tag == t)
                        });
                registered
                    || (!*registering
                        && due(*not_before)
                        && (ch.generator.as_ref().is_none_or(|g| !g.pending.is_empty())
                            || until.is_some_and(due)))
                    || self.conn_lost_due(top, now)
            }
            Wait::TxCommit { chan, seqs, since } => {
                let c = self.st.chans[*chan].client;
                let lat = sim.config.client_latency + Micros(20);
                (due(*since + lat + lat)
                    && seqs
                        .iter()
                        .all(|s| !sim.clients[c.0].unconfirmed.contains_key(s)))
                    || self.conn_lost_due(top, now)
            }
        }
    }

    fn conn_lost_due(&self, p: &Pending, now: Micros) -> bool {
        use crate::sim::pika::state::{ChanState, ConnState};
        let conn = p.conn.and_then(|c| self.st.conns.get(c)).is_some_and(
            |c| matches!(c.state, ConnState::Lost { at, raised: false, .. } if at <= now),
        );
        let chan = p
            .wait
            .chan()
            .and_then(|c| self.st.chans.get(c))
            .is_some_and(
                |c| matches!(c.state, ChanState::Broken { at, raised: false, .. } if at <= now),
            );
        conn || chan
    }

    /// The next future moment this script needs attention at.
    pub(super) fn next_time(&self, sim: &Sim) -> Option<Micros> {
        if self.end.is_some() {
            return None;
        }
        let top = if self.vm.suspended_on().is_some() {
            self.waits.last()
        } else {
            None
        };
        Ctx::next_time(sim, &self.st, top)
    }

    /// Moves the script on as far as it can at the current instant. Returns whether anything
    /// happened.
    pub(super) fn advance(&mut self, sim: &mut Sim, shared: &mut Shared) -> bool {
        if self.end.is_some() {
            return false;
        }
        let now = sim.now();
        if now != self.instant {
            self.instant = now;
            self.used = 0;
        }
        if now.0 / 1_000_000 != self.second {
            self.second = now.0 / 1_000_000;
            self.second_used = 0;
        }
        let mut progressed = {
            let mark = sim.trace.len();
            let line = self.current_line();
            let changed = Ctx {
                sim,
                st: &mut self.st,
                shared,
            }
            .sync();
            link_range(sim, &mut self.st, mark, line);
            changed
        };
        // Each turn either waits, or resumes/starts something the VM then runs.
        for _ in 0..1_000_000 {
            if !self.runnable() {
                break;
            }
            if let Some(token) = self.vm.suspended_on() {
                let Some(top) = self.waits.last_mut().filter(|p| p.token == token) else {
                    // Defensive: a suspension the binding has no record of cannot complete.
                    let e = PyException::builtin(
                        BuiltinExc::RuntimeError,
                        "internal error: lost track of a blocking call",
                    );
                    let _ = self.vm.resume(Reply::Raise(e));
                    progressed = true;
                    continue;
                };
                let mark = sim.trace.len();
                let line = self.vm.current_line();
                let poll = Ctx {
                    sim,
                    st: &mut self.st,
                    shared,
                }
                .poll(top);
                link_range(sim, &mut self.st, mark, line);
                match poll {
                    Poll::Pending => break,
                    Poll::Reply(r) => {
                        self.waits.pop();
                        shared.wakeups += 1;
                        if shared.wakeups > SCRIPT_WAKEUPS_MAX {
                            let line = self.current_line();
                            let msg = format!(
                                "mirrorscope stopped the script at line {line}: the run's scripts have returned from {} blocking calls (sleeps, waits for the broker), the most one run's scripts may (a playground limit, docs/limits.md); sleep longer between polls, or start a new run",
                                thousands(SCRIPT_WAKEUPS_MAX)
                            );
                            self.kill(sim, shared, &msg);
                            return true;
                        }
                        if self.vm.resume(r).is_err() {
                            break;
                        }
                    }
                    Poll::Callback(f, args) => {
                        if self.vm.call_callback(f, args, Vec::new()).is_err() {
                            break;
                        }
                        self.st.in_callback += 1;
                    }
                }
            }
            let budget = INSTANT_BUDGET
                .saturating_sub(self.used)
                .min(SCRIPT_INSTRUCTIONS_PER_SECOND.saturating_sub(self.second_used));
            if budget == 0 {
                self.stop_for_budget(sim, shared);
                return true;
            }
            self.st.line = self.vm.current_line();
            let before = self.vm.instructions_executed();
            let outcome = {
                let mut ctx = Ctx {
                    sim,
                    st: &mut self.st,
                    shared,
                };
                if self.mode == Mode::StepOnce {
                    self.vm.step(&mut ctx)
                } else {
                    self.vm.run(&mut ctx, budget)
                }
            };
            let ran = self.vm.instructions_executed().saturating_sub(before);
            self.used += ran;
            self.second_used += ran;
            progressed = true;
            if let Some(reason) = self.st.stop.take() {
                let line = self.current_line();
                self.kill(sim, shared, &format!("{reason} [line {line}]"));
                return true;
            }
            match outcome {
                RunOutcome::Finished => {
                    self.finish(sim, shared, End::Finished { code: 0 });
                    return true;
                }
                RunOutcome::Raised(u) => {
                    let end = self.ending(&u.exception, &u.report);
                    self.finish(sim, shared, end);
                    return true;
                }
                RunOutcome::Suspended(token) => match self.st.pending.take() {
                    Some(p) if p.token == token => self.waits.push(p),
                    _ => {
                        let e = PyException::builtin(
                            BuiltinExc::RuntimeError,
                            "internal error: a blocking call left no record",
                        );
                        let _ = self.vm.resume(Reply::Raise(e));
                    }
                },
                RunOutcome::BudgetExhausted => {
                    if self.used >= INSTANT_BUDGET
                        || self.second_used >= SCRIPT_INSTRUCTIONS_PER_SECOND
                        || self.mode != Mode::StepOnce
                    {
                        self.stop_for_budget(sim, shared);
                        return true;
                    }
                }
                RunOutcome::Stepped { .. } => {
                    self.mode = Mode::Paused;
                    break;
                }
                RunOutcome::CallbackReturned(_) => {
                    self.st.in_callback = self.st.in_callback.saturating_sub(1);
                }
                RunOutcome::CallbackRaised(u) => {
                    self.st.in_callback = self.st.in_callback.saturating_sub(1);
                    // pika lets a callback's exception out of start_consuming().
                    self.waits.pop();
                    let _ = self.vm.resume(Reply::Raise(u.exception));
                }
            }
        }
        progressed
    }

    fn ending(&mut self, e: &PyException, report: &str) -> End {
        if e.is(BuiltinExc::SystemExit) {
            let code = match e.args().first() {
                None | Some(Value::None) => 0,
                Some(Value::Int(n)) => *n,
                Some(Value::Bool(b)) => *b as i64,
                Some(other) => {
                    let text = crate::py::format::to_str(&mut crate::py::NoHost, other)
                        .unwrap_or_default();
                    self.st.write(true, &format!("{text}\n"));
                    1
                }
            };
            return End::Finished { code };
        }
        let mut r = report.to_string();
        if !r.ends_with('\n') {
            r.push('\n');
        }
        self.st.write(true, &r);
        End::Failed { report: r }
    }

    fn stop_for_budget(&mut self, sim: &mut Sim, shared: &mut Shared) {
        let line = self.current_line();
        let msg = if self.used < INSTANT_BUDGET {
            format!(
                "mirrorscope stopped the script at line {line}: it ran {} Python instructions within one simulated second, the most a script may run however often it sleeps (a playground limit, docs/limits.md); do less work per second, or sleep longer between batches",
                thousands(SCRIPT_INSTRUCTIONS_PER_SECOND)
            )
        } else {
            format!(
            "mirrorscope stopped the script at line {line}: it ran {} Python instructions without waiting for the broker or for time.sleep() (an endless loop?)",
            thousands(INSTANT_BUDGET)
            )
        };
        self.kill(sim, shared, &msg);
    }
}
