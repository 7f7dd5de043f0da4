//! Checkpoints for the playground's backward seeks: copies of a replayed run taken along the
//! recorded inputs, so that showing the past replays a short stretch instead of the whole
//! history, and the replay that carries a run forward through the recorded inputs (taking
//! checkpoints on the way). Every copy is exactly what a full rebuild gives at its time.

use crate::sim::scenario::run::Run;
use crate::sim::scenario::session::TimedInput;
use crate::sim::time::Micros;
use crate::sim::trace::{Thinning, Trace, TraceMark};

/// A replayed run being carried forward to `to` through the recorded inputs, in slices: the
/// inputs recorded after its start are applied at their times exactly as
/// [`Session::snapshot_at`] applies them (the same parsed steps, the clock moved only when it is
/// behind the input), so once done the run equals a rebuild at `to`, however it was sliced.
///
/// [`Session::snapshot_at`]: crate::sim::scenario::session::Session::snapshot_at
#[derive(Debug)]
pub(super) struct Replaying {
    pub(super) run: Run,
    /// Where the replay started (for progress).
    pub(super) from: Micros,
    pub(super) to: Micros,
    /// The next input to apply.
    next: usize,
}

impl Replaying {
    /// A replay of `run`, which holds the inputs up to `from` (all of those at `from`
    /// included), to `to`.
    pub(super) fn new(run: Run, inputs: &[TimedInput], from: Micros, to: Micros) -> Replaying {
        Replaying {
            run,
            from,
            to,
            next: inputs.partition_point(|i| i.at <= from),
        }
    }

    /// Carries the replay on for about `budget` simulator events (an instant's events and an
    /// input are never split); whether it has reached `to`. With `marks`, checkpoints are taken
    /// on the way.
    pub(super) fn work(
        &mut self,
        inputs: &[TimedInput],
        budget: u64,
        mut marks: Option<Marking<'_>>,
    ) -> bool {
        let run = &mut self.run;
        let e0 = run.sim.events_processed;
        loop {
            let left = budget.saturating_sub(run.sim.events_processed - e0);
            if left == 0 {
                return false;
            }
            match inputs.get(self.next).filter(|i| i.at <= self.to) {
                Some(input) => {
                    if run.sim.now() < input.at
                        && !advance(
                            run,
                            input.at,
                            true,
                            marks.as_mut().map(Marking::again),
                            left,
                        )
                    {
                        return false;
                    }
                    run.step(&input.step);
                    self.next += 1;
                }
                None => return advance(run, self.to, false, marks, left),
            }
        }
    }
}

/// Where a run takes checkpoints ([`Checkpoints::offer`]): into `marks`, marking each copy's
/// trace as a past on display thins it (`thinning`), whatever the run itself keeps.
pub(super) struct Marking<'a> {
    pub(super) marks: &'a mut Checkpoints,
    /// The present, when the run is a replay of it: the replay takes its histories wherever
    /// they are the same. `None` when the run is the present itself, being loaded: its copies
    /// share its histories as they are.
    pub(super) present: Option<&'a Run>,
    pub(super) thinning: Option<Thinning>,
}

impl Marking<'_> {
    /// The same marking, for one call.
    fn again(&mut self) -> Marking<'_> {
        Marking {
            marks: self.marks,
            present: self.present,
            thinning: self.thinning,
        }
    }

    fn offer(&mut self, run: &mut Run) {
        self.marks.offer(run, self.present, self.thinning);
    }

    fn events_until_due(&self, run: &Run) -> u64 {
        self.marks.events_until_due(run)
    }
}

/// Moves a replayed run's clock towards `t` for about `budget` events; whether it got there.
/// With `marks` a copy is offered to the checkpoints on the way, wherever the run is what a
/// rebuild at its time gives. With `input_at_t` an input is about to be applied at `t`, so the
/// run at `t` itself is not yet what a rebuild at `t` gives and is not offered.
pub(super) fn advance(
    run: &mut Run,
    t: Micros,
    input_at_t: bool,
    marks: Option<Marking<'_>>,
    budget: u64,
) -> bool {
    let Some(mut marks) = marks else {
        return run.advance_within(t, budget);
    };
    if !run.scripts.is_empty() {
        return advance_scripted(run, t, input_at_t, marks, budget);
    }
    // Without scripts `Run::advance_to` is the engine's, which runs the same events in the
    // same order whether it is asked to go to `t` at once, through each event time, or event
    // by event (it looks at the monitors and the checker before each): so one instant's events
    // may be split between slices, and a checkpoint is offered once an instant is complete.
    let e0 = run.sim.events_processed;
    while let Some(e) = run.sim.next_event_time().filter(|&e| e <= t) {
        let now = run.sim.now();
        run.sim.run_until(Micros(e.0 - now.0), |s| {
            s.events_processed - e0 >= budget.max(1) && s.next_event_time() == Some(e)
        });
        if run.sim.next_event_time() == Some(e) {
            return false;
        }
        if e < t || !input_at_t {
            marks.offer(run);
        }
        if e < t && run.sim.events_processed - e0 >= budget {
            return false;
        }
    }
    run.advance_to(t);
    true
}

/// [`advance`] for a run with scripts. Their wakeups are no simulator events, and a rebuild's
/// last step is not the engine's: [`Run::advance_to`] at a time where the scripts watch the
/// broker stops after the *first* event at that time (the scripts settled after it), and
/// leaves the instant's other events for later. So the run is offered only where it is what
/// a rebuild gives by construction: where `Run::advance_to` brought it, to `t` or to the next
/// event or wakeup once a checkpoint is due. It gets there through [`Run::advance_within`]'s
/// slices, which end only between two instants with the scripts settled, and from there
/// advancing to a time gives what advancing there at once gives (as a past on display does
/// when it plays forward).
fn advance_scripted(
    run: &mut Run,
    t: Micros,
    input_at_t: bool,
    mut marks: Marking<'_>,
    budget: u64,
) -> bool {
    let mut left = budget.max(1);
    loop {
        let slice = left.min(marks.events_until_due(run).max(1));
        if run.advance_within(t, slice) {
            if !input_at_t {
                marks.offer(run);
            }
            return true;
        }
        let now = run.sim.now();
        let next = [run.sim.next_event_time(), run.scripts.next_time(&run.sim)]
            .into_iter()
            .flatten()
            .filter(|&e| e > now)
            .min();
        if let Some(e) = next.filter(|&e| e < t && marks.events_until_due(run) == 0) {
            run.advance_to(e);
            marks.offer(run);
        }
        left -= slice;
        if left == 0 {
            return false;
        }
    }
}

/// Scheduled events replayed between two checkpoints at first: a few tenths of a millisecond
/// of replay natively (`seek_bench`), against about as long to copy a checkpoint back.
const MARK_SPACING: u64 = 1_000;
/// The most checkpoints kept: past it every other one goes and the spacing doubles. A seek
/// costs a copy of one (a few pointers per history, they share them) and a replay of up to
/// the spacing: at 64 the ten-minute scripted run (the welcome scenario, 244,000 events, its
/// scripts slow the replay) spaced them 4,000 events apart and a seek took up to 24 ms
/// natively, and a run a little longer would have had them 8,000 apart (31 ms); at 128 they
/// are 2,000 apart and seeks take up to 11 ms.
pub(super) const MAX_MARKS: usize = 128;
/// The most the checkpoints may hold beyond one copy of the run's histories ([`held_bytes`]):
/// before a copy would pass it, every other one goes and the spacing doubles, as past
/// [`MAX_MARKS`]. Copies share the histories (messages, deliveries, the scripts' records), so
/// each costs its own state and the last chunks it was writing, some 25 KB on the busy runs,
/// and the scripts' records the run has since forgotten (its trace thinned). When each copy
/// held the whole history, 64 of them held 409 MB after an hour of the steady load, and a
/// budget of 4 MiB (the tab's memory must stay under 64 MB) left two checkpoints on the
/// ten-minute runs; now an hour and a seek back take 46 MB of wasm memory.
///
/// [`held_bytes`]: Checkpoints::held_bytes
pub(super) const MAX_MARK_BYTES: usize = 8 << 20;

/// Rough heap bytes of what grows with a run besides its trace: its own state
/// ([`own_bytes`]) and its shared histories ([`history_bytes_not_in`]) whole (for `seek_bench`).
#[cfg(test)]
pub(super) fn state_bytes(run: &Run) -> usize {
    own_bytes(run) + history_bytes_not_in(run, None)
}

/// Rough heap bytes of what a copy of `run` holds of its own, outside the histories it shares
/// with the run it was copied from: replicas' contents (B-tree nodes counted at twice the
/// entry), the publishes waiting for a confirm, the scripts' output.
fn own_bytes(run: &Run) -> usize {
    use crate::sim::model::{Entry, Unacked};
    use std::mem::size_of;
    let sim = &run.sim;
    let clients: usize = sim
        .clients
        .iter()
        .map(|c| c.unconfirmed.len() * 2 * 80)
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
    let scripts: usize = run
        .scripts
        .all()
        .iter()
        .map(|s| s.output().iter().map(|(_, t)| 32 + t.len()).sum::<usize>())
        .sum();
    clients + procs + scripts
}

/// Rough heap bytes of `run`'s shared histories ([`SharedVec`]: messages, what clients
/// received and had confirmed, step results, the scripts' links and frame ids) that `other`
/// does not share with it, all of them without `other`: what keeping `run` costs beside it.
///
/// [`SharedVec`]: crate::sim::shared_vec::SharedVec
fn history_bytes_not_in(run: &Run, other: Option<&Run>) -> usize {
    use crate::sim::shared_vec::SharedVec;
    let (sim, none) = (&run.sim, SharedVec::new());
    let messages = sim
        .messages
        .bytes_not_in(other.map_or(&none, |o| &o.sim.messages), |m| m.body.len());
    let clients: usize = sim
        .clients
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let theirs = other.and_then(|o| o.sim.clients.get(i));
            c.deliveries
                .bytes_not_in(theirs.map_or(&SharedVec::new(), |t| &t.deliveries), |_| 0)
                + c.confirms
                    .bytes_not_in(theirs.map_or(&SharedVec::new(), |t| &t.confirms), |_| 0)
        })
        .sum();
    let steps = run
        .steps
        .bytes_not_in(other.map_or(&SharedVec::new(), |o| &o.steps), |s| {
            s.input.capacity() + s.output.capacity()
        });
    let scripts: usize = run
        .scripts
        .all()
        .iter()
        .enumerate()
        .map(|(i, s)| s.records_not_in(other.and_then(|o| o.scripts.all().get(i))))
        .sum();
    messages + clients + steps + scripts
}

/// Makes `run` (a replay) share the histories of `present` (the run it replays) wherever they
/// hold the same: both are the same run, so the replay's history need not be held twice.
fn share_histories(run: &mut Run, present: &Run) {
    let (sim, theirs) = (&mut run.sim, &present.sim);
    sim.messages.share_from(&theirs.messages);
    for (c, t) in sim.clients.iter_mut().zip(&theirs.clients) {
        c.deliveries.share_from(&t.deliveries);
        c.confirms.share_from(&t.confirms);
    }
    run.steps.share_from(&present.steps);
    run.scripts.share_records_from(&present.scripts);
}

/// Copies of the replayed run at points along the recorded inputs (every [`MARK_SPACING`]
/// events or so), so that a seek into the past replays at most that much instead of the whole
/// history. Each is what [`Session::snapshot_at`] gives at its time, but for its trace: a
/// checkpoint keeps none of its own (it would copy the present's), and a restore takes the
/// entries from the past on display or the present's trace, which record the same run (those
/// the present's trace has thinned away are not given back: the state is). A fork forgets
/// the checkpoints at or after it. Runs with `python` scripts are copied with their scripts,
/// interpreters included ([`Scripts::try_clone`]), so a copy resumes as the run would.
///
/// [`Session::snapshot_at`]: crate::sim::scenario::session::Session::snapshot_at
/// [`Scripts::try_clone`]: crate::sim::pika::Scripts::try_clone
#[derive(Debug)]
pub(super) struct Checkpoints {
    /// Sorted by time.
    pub(super) marks: Vec<Mark>,
    pub(super) spacing: u64,
    /// The run at time zero could not be copied (a script holds objects nested too deeply):
    /// no checkpoint is taken until the inputs change.
    pub(super) no_base: bool,
    /// Events processed when a copy was last refused (a script's objects nested too deeply):
    /// the next try waits for the spacing, as after a checkpoint.
    refused_at: Option<u64>,
    /// The trace of the past last on display, kept when the viewer went back to the present:
    /// a replay of the same inputs, so the next seek back from the present cuts it to length
    /// instead of copying the present's trace (the copy was most of such a seek on a long run).
    pub(super) spare: Option<Trace>,
}

#[derive(Debug)]
pub(super) struct Mark {
    pub(super) at: Micros,
    /// [`own_bytes`] of `run`, taken once.
    own: usize,
    /// [`history_bytes_not_in`] the next checkpoint (none for the latest, whose histories are
    /// the replayed run's): what the checkpoints hold of their histories beyond one copy of
    /// the run's is the sum of these.
    apart: usize,
    /// The run at `at` with an empty trace.
    pub(super) run: Run,
    /// Where the run's trace ended at `at`.
    pub(super) trace: TraceMark,
}

impl Default for Checkpoints {
    fn default() -> Self {
        Checkpoints {
            marks: Vec::new(),
            spacing: MARK_SPACING,
            no_base: false,
            refused_at: None,
            spare: None,
        }
    }
}

impl Checkpoints {
    /// The first checkpoint: the run at time zero, thinned as a past on display is
    /// (nothing when it cannot be copied).
    pub(super) fn start(&mut self, run: Run) {
        let mut run = run;
        self.marks.clear();
        let own = own_bytes(&run);
        let thinning = run.sim.trace.thinning();
        self.push(&mut run, own, 0, thinning);
        self.no_base = self.marks.is_empty();
    }

    /// Keeps a copy of `run`, whose [`own_bytes`] are `own` and beside which the latest
    /// checkpoint holds `apart` bytes of its histories, its trace marked as thinned by
    /// `thinning`.
    fn push(&mut self, run: &mut Run, own: usize, apart: usize, thinning: Option<Thinning>) {
        let Some(scripts) = run.scripts.try_clone() else {
            self.refused_at = Some(run.sim.events_processed);
            return;
        };
        let mark = run.sim.trace.mark_as(thinning);
        let trace = std::mem::take(&mut run.sim.trace);
        let copy = Run {
            sim: run.sim.clone(),
            steps: run.steps.clone(),
            expectations: run.expectations.clone(),
            clients: run.clients.clone(),
            scripts,
            narration: run.narration.clone(),
        };
        run.sim.trace = trace;
        if let Some(last) = self.marks.last_mut() {
            last.apart = apart;
        }
        self.marks.push(Mark {
            at: copy.sim.now(),
            own,
            apart: 0,
            trace: mark,
            run: copy,
        });
        if self.marks.len() > MAX_MARKS {
            self.thin();
        }
    }

    /// Takes a checkpoint of `run` if it is past the latest one by the spacing. `run` must be
    /// what a rebuild at its time gives; `present` is the run it replays, whose histories it
    /// takes to share wherever they are the same (so the checkpoints share them too), or none
    /// when `run` is the present. The copy's trace is marked as thinned by `thinning`.
    pub(super) fn offer(
        &mut self,
        run: &mut Run,
        present: Option<&Run>,
        thinning: Option<Thinning>,
    ) {
        let Some(last) = self.marks.last() else {
            return;
        };
        if run.sim.now() <= last.at || self.events_until_due(run) != 0 {
            return;
        }
        if let Some(present) = present {
            share_histories(run, present);
        }
        // The budget is kept before copying, never by dropping a copy just taken: the tab's
        // memory is the most it ever held. A copy shares its histories with the run, so it
        // costs its own state, and the latest checkpoint's histories cost what they no longer
        // share with the run (what the run wrote since, the chunks it was writing).
        let own = own_bytes(run);
        let first = &self.marks[0];
        if first.own + history_bytes_not_in(&first.run, Some(run)) + own > MAX_MARK_BYTES {
            // Even beside the first checkpoint alone (which always stays) the copy would pass
            // the budget: none is taken, and the next offer comes later.
            self.refused_at = Some(run.sim.events_processed);
            self.spacing = self.spacing.saturating_mul(2);
            return;
        }
        let mut apart = history_bytes_not_in(&last.run, Some(run));
        if self.held_bytes() + apart + own > MAX_MARK_BYTES {
            while self.held_bytes() + apart + own > MAX_MARK_BYTES {
                self.thin();
                let last = self.marks.last().expect("the first checkpoint stays");
                apart = history_bytes_not_in(&last.run, Some(run));
            }
            // The spacing doubled with each thinning: this copy may not be due any more.
            if self.events_until_due(run) != 0 {
                return;
            }
        }
        self.push(run, own, apart, thinning);
    }

    /// What the checkpoints hold beyond one copy of the run's histories (which the replayed
    /// run holds, or the past on display, and a rebuild would): their own states and what
    /// their histories do not share with the next checkpoint's.
    pub(super) fn held_bytes(&self) -> usize {
        self.marks.iter().map(|m| m.own + m.apart).sum()
    }

    /// Drops every other checkpoint (the first, the run at time zero or where the inputs last
    /// changed, stays) and doubles the spacing of those to come.
    fn thin(&mut self) {
        let mut i = 0;
        self.marks.retain(|_| {
            i += 1;
            i % 2 == 1
        });
        self.spacing = self.spacing.saturating_mul(2);
        self.relink();
    }

    /// Counts each checkpoint's histories against its new next one (after some went).
    fn relink(&mut self) {
        for i in 0..self.marks.len() {
            let apart = match self.marks.get(i + 1) {
                Some(next) => history_bytes_not_in(&self.marks[i].run, Some(&next.run)),
                None => 0,
            };
            self.marks[i].apart = apart;
        }
    }

    /// Events `run` has yet to process before [`Checkpoints::offer`] takes a copy of it.
    fn events_until_due(&self, run: &Run) -> u64 {
        let Some(last) = self.marks.last() else {
            return u64::MAX;
        };
        let since = last
            .run
            .sim
            .events_processed
            .max(self.refused_at.unwrap_or(0));
        since
            .saturating_add(self.spacing)
            .saturating_sub(run.sim.events_processed)
    }

    /// Forgets the checkpoints at or after `t` (inputs are about to change there).
    pub(super) fn forget_from(&mut self, t: Micros) {
        self.marks.retain(|m| m.at < t);
        if let Some(last) = self.marks.last_mut() {
            last.apart = 0;
        }
        self.refused_at = None;
        if self.marks.is_empty() {
            self.no_base = false;
        }
        let end = self.marks.last().map_or(0, |m| m.trace.end);
        if let Some(spare) = &mut self.spare {
            spare.truncate(end);
        }
    }

    /// Keeps the trace of the past that was on display (`past`, a replay of the recorded
    /// inputs) for the next restore.
    pub(super) fn keep_spare(&mut self, past: Option<Run>) {
        if let Some(run) = past {
            self.spare = Some(run.sim.trace);
        }
    }

    pub(super) fn latest_at_or_before(&self, t: Micros) -> Option<usize> {
        self.marks.partition_point(|m| m.at <= t).checked_sub(1)
    }

    /// Whether restoring checkpoint `i` saves more replay than it costs, for a run already at
    /// or before the target.
    pub(super) fn worth_restoring(&self, i: usize, run: &Run) -> bool {
        self.marks.get(i).is_some_and(|m| {
            m.run.sim.events_processed > run.sim.events_processed.saturating_add(self.spacing)
        })
    }

    /// A copy of checkpoint `i` with its trace, and its time (`None` if there is no such
    /// checkpoint, or its scripts could not be copied again). The trace is `past`'s (a replay
    /// of the same inputs) or the spare one, cut to length or completed from `live` (the
    /// present's trace), which saves copying the part they share.
    pub(super) fn restore(
        &mut self,
        i: usize,
        past: Option<Run>,
        live: &Trace,
    ) -> Option<(Run, Micros)> {
        let m = self.marks.get(i)?;
        let scripts = m.run.scripts.try_clone()?;
        let from = match past {
            Some(run) => run.sim.trace,
            None => self.spare.take().unwrap_or_default(),
        };
        let mut sim = m.run.sim.clone();
        sim.trace = from.rewound_to(&m.trace, live);
        let run = Run {
            sim,
            steps: m.run.steps.clone(),
            expectations: m.run.expectations.clone(),
            clients: m.run.clients.clone(),
            scripts,
            narration: m.run.narration.clone(),
        };
        Some((run, m.at))
    }
}
