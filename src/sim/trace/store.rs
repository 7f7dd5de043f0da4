//! Where a run's trace entries live. Each entry has an address: its place in the whole run's
//! trace, 0 for the first entry ever recorded. Addresses never change, so an index kept by the
//! UI, the checker, a script's links or a lineage still names the same entry after the oldest
//! entries are dropped: entry `a` is then `entries[a - base]`.
//!
//! A trace may be thinned ([`Thinning`]): once the run is `keep` past an entry, the entry's
//! detail is dropped, a whole `every` at a time. Which entries are kept depends only on the
//! entries recorded (all those at or after a cut computed from the latest entry's time), so
//! two runs that recorded the same entries hold the same trace however they were driven.
//! Thinning never changes what the simulation does: the engine reads only recent entries,
//! and the one answer it needs from the distant past (the last notable change, which names a
//! loss's cause) is kept aside when its entry goes.

use std::ops::{Deref, Index, Range, RangeFrom, RangeFull, RangeTo};

use super::entry::{TraceEvent, TraceKind};
use crate::sim::state_change::Importance;
use crate::sim::time::Micros;

/// How much detail a thinned trace keeps: every entry of the last `keep` of simulated time,
/// dropped `every` at a time (so the work of dropping is done once per `every`, not per entry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thinning {
    pub keep: Micros,
    pub every: Micros,
}

/// Where a trace ended, without its entries: what [`Trace::rewound_to`] needs to give the
/// trace back at that point from another copy of the same run's trace.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceMark {
    /// The address after the last entry.
    pub end: usize,
    thinning: Option<Thinning>,
    cut: Option<Micros>,
    /// The last notable state change before `end`, for when no entry before `end` is left.
    last_notable: Option<(usize, TraceEvent)>,
}

/// A run's trace: the entries still held, each reachable by its address (see the module
/// docs). It reads as a slice of the entries held (`iter`, `first`, `last`, …), while
/// `len`, `get`, `partition_point` and indexing (`trace[a]`, `trace[a..b]`) take and give
/// addresses, so code written for a plain vector keeps working once entries are dropped.
#[derive(Clone, Default)]
pub struct Trace {
    /// The address of `entries[0]`: how many entries were dropped.
    base: usize,
    entries: Vec<TraceEvent>,
    thinning: Option<Thinning>,
    /// Every entry before this time was dropped (`None`: nothing was).
    cut: Option<Micros>,
    /// The last notable state change among the dropped entries, with its address.
    last_dropped_notable: Option<(usize, TraceEvent)>,
    /// The address of the last notable state change recorded (held or dropped), kept as
    /// entries come, so that a [`TraceMark`] costs no scan of the entries: a checkpoint is
    /// taken every few thousand events, and a busy run's minutes hold no notable change.
    last_notable: Option<usize>,
}

impl Trace {
    /// An empty trace that keeps everything.
    pub fn new() -> Trace {
        Trace::default()
    }

    /// Records an entry (entries come in time order); may drop old detail when thinning.
    pub fn push(&mut self, e: TraceEvent) {
        let at = e.at;
        if is_notable(&e) {
            self.last_notable = Some(self.len());
        }
        if self.thinning.is_some() {
            if self.entries.len() == self.entries.capacity() {
                // A thinned trace settles at a few minutes of entries: grown by a quarter at a
                // time, its vector ends close to that instead of up to twice it (the entries
                // are most of a long session's memory).
                let more = (self.entries.len() / 4).max(1024);
                self.entries.reserve_exact(more);
            }
            self.entries.push(e);
            self.thin_to(at);
        } else {
            self.entries.push(e);
        }
    }

    /// The address the next entry will have: one past the last entry's.
    pub fn len(&self) -> usize {
        self.base + self.entries.len()
    }

    /// Whether no entry is held (entries may have been recorded and dropped: see `len`).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The address of the oldest entry still held.
    pub fn base(&self) -> usize {
        self.base
    }

    /// The entry at address `addr`, unless it was dropped or is not recorded yet.
    pub fn get(&self, addr: usize) -> Option<&TraceEvent> {
        self.entries.get(addr.checked_sub(self.base)?)
    }

    /// The entries held from address `from` on (all of them when `from` was dropped).
    pub fn since(&self, from: usize) -> &[TraceEvent] {
        let i = from.saturating_sub(self.base).min(self.entries.len());
        &self.entries[i..]
    }

    /// The entries held, each with its address.
    pub fn addressed(&self) -> impl DoubleEndedIterator<Item = (usize, &TraceEvent)> + '_ {
        let base = self.base;
        self.entries
            .iter()
            .enumerate()
            .map(move |(i, e)| (base + i, e))
    }

    /// The entries held from address `from` on, each with its address.
    pub fn addressed_from(
        &self,
        from: usize,
    ) -> impl DoubleEndedIterator<Item = (usize, &TraceEvent)> + '_ {
        let start = from.clamp(self.base, self.len());
        self.entries[start - self.base..]
            .iter()
            .enumerate()
            .map(move |(i, e)| (start + i, e))
    }

    /// The address of the first entry held for which `pred` is false (the entries held are
    /// partitioned by `pred`, as for the slice method).
    pub fn partition_point(&self, pred: impl FnMut(&TraceEvent) -> bool) -> usize {
        self.base + self.entries.partition_point(pred)
    }

    /// The addresses of the entries held from `reach` before `from` up to `to`: when no flight
    /// lasts longer than `reach`, every send that can be on the wire at some time in
    /// `from..=to` (the trace is in time order, so two partition points bound them).
    pub fn within_reach(&self, from: Micros, to: Micros, reach: Micros) -> Range<usize> {
        let hi = self.partition_point(|e| e.at <= to);
        let lo = self.partition_point(|e| e.at.0.saturating_add(reach.0) < from.0);
        lo..hi
    }

    /// The detail kept, or `None` when the trace keeps everything.
    pub fn thinning(&self) -> Option<Thinning> {
        self.thinning
    }

    /// Starts (or stops) thinning; entries already past `keep` are dropped at once.
    pub fn set_thinning(&mut self, thinning: Option<Thinning>) {
        self.thinning = thinning.filter(|t| t.every > Micros::ZERO);
        if let Some(at) = self.entries.last().map(|e| e.at) {
            if self.thinning.is_some() {
                self.thin_to(at);
                // A long trace thinned at last gives back what its vector no longer needs.
                let len = self.entries.len();
                self.entries.shrink_to(len + len / 4);
            }
        }
    }

    /// The time before which the trace's detail was dropped, if any was.
    pub fn thinned_before(&self) -> Option<Micros> {
        self.cut
    }

    /// The last notable state change at or before `at`, with its address: among the entries
    /// held, else the one kept aside when its entry was dropped.
    pub fn last_notable_at_or_before(&self, at: Micros) -> Option<(usize, &TraceEvent)> {
        self.addressed()
            .rev()
            .find(|(_, e)| e.at <= at && is_notable(e))
            .or_else(|| {
                self.last_dropped_notable
                    .as_ref()
                    .filter(|(_, e)| e.at <= at)
                    .map(|(a, e)| (*a, e))
            })
    }

    /// Forgets every entry from address `end` on (a run rewound), keeping the addresses
    /// before it.
    pub fn truncate(&mut self, end: usize) {
        if end < self.base {
            // Everything held goes: the trace ends at `end`, what it kept aside with it.
            self.entries.clear();
            self.base = end;
            if self
                .last_dropped_notable
                .as_ref()
                .is_some_and(|(a, _)| *a >= end)
            {
                self.last_dropped_notable = None;
            }
        } else {
            self.entries.truncate(end - self.base);
        }
        if self.last_notable.is_some_and(|a| a >= end) {
            self.find_last_notable();
        }
    }

    /// Finds [`Trace::last_notable`] again among the entries held and the one kept aside
    /// (after some were taken away or copied in).
    fn find_last_notable(&mut self) {
        self.last_notable = match self.entries.iter().rposition(is_notable) {
            Some(i) => Some(self.base + i),
            None => self.last_dropped_notable.as_ref().map(|(a, _)| *a),
        };
    }

    /// Drops every entry, as if none had been recorded.
    pub fn clear(&mut self) {
        *self = Trace {
            thinning: self.thinning,
            ..Trace::default()
        };
    }

    /// A copy holding this trace's entries before address `end` (those it still holds).
    pub fn prefix(&self, end: usize) -> Trace {
        self.part(self.base, end)
    }

    /// A copy holding this trace's entries from address `from` to `end` (those it still
    /// holds), as a trace that dropped those before `from`.
    fn part(&self, from: usize, end: usize) -> Trace {
        let hi = end.clamp(self.base, self.len()) - self.base;
        let lo = from.clamp(self.base, self.base + hi) - self.base;
        let last_dropped_notable = match self.entries[..lo].iter().rposition(is_notable) {
            Some(i) => Some((self.base + i, self.entries[i].clone())),
            None => self.last_dropped_notable.clone(),
        };
        let mut part = Trace {
            base: self.base + lo,
            entries: self.entries[lo..hi].to_vec(),
            thinning: self.thinning,
            cut: self.cut,
            last_dropped_notable,
            last_notable: None,
        };
        part.find_last_notable();
        part
    }

    /// Adds `other`'s entries past this trace's end (`other` records the same run, further
    /// on): what a replay would have recorded, copied instead of replayed.
    pub fn extend_from(&mut self, other: &Trace) {
        for e in other.since(self.len()) {
            self.push(e.clone());
        }
    }

    /// Where this trace ends, without its entries (what a checkpoint keeps of it).
    pub fn mark(&self) -> TraceMark {
        TraceMark {
            end: self.len(),
            thinning: self.thinning,
            cut: self.cut,
            last_notable: self
                .last_notable
                .and_then(|a| Some((a, self.get(a)?.clone())))
                .or_else(|| self.last_dropped_notable.clone()),
        }
    }

    /// Where this trace ends, as a trace of the same entries thinned by `thinning` (which
    /// keeps no more than this one does) would mark it: what a checkpoint taken of a run
    /// that keeps more history than a past on display keeps of it.
    pub fn mark_as(&self, thinning: Option<Thinning>) -> TraceMark {
        let mut mark = self.mark();
        let thinning = thinning.filter(|t| t.every > Micros::ZERO);
        if let (Some(t), Some(at)) = (thinning, self.entries.last().map(|e| e.at)) {
            mark.cut = mark.cut.max(cut_at(t, at));
        }
        mark.thinning = thinning;
        mark
    }

    /// The trace as it was at `mark`, made from this one (the same run's trace, shorter or
    /// longer: a past on display) by cutting it back or completing it from `live` (the
    /// present's trace), so that little is copied. Where neither holds the entries before
    /// `mark` (thinned since), the result holds fewer, from the first both can give.
    pub fn rewound_to(mut self, mark: &TraceMark, live: &Trace) -> Trace {
        let end = mark.end;
        if self.base <= end && self.len() >= end {
            self.truncate(end);
        } else if self.base <= end && live.base <= self.len() && live.len() >= end {
            let (from, to) = (self.len() - live.base, end - live.base);
            if let Some(i) = live.entries[from..to].iter().rposition(is_notable) {
                self.last_notable = Some(self.len() + i);
            }
            self.entries.extend_from_slice(&live.entries[from..to]);
        } else if live.base <= end && live.len() >= end {
            // Only what the mark's own thinning keeps (the present may keep more).
            let from = mark.cut.map_or(0, |c| live.partition_point(|e| e.at < c));
            self = live.part(from, end);
        } else {
            self = Trace {
                base: end,
                last_dropped_notable: mark.last_notable.clone(),
                ..Trace::default()
            };
            self.find_last_notable();
        }
        self.thinning = mark.thinning;
        if let Some(at) = self.entries.last().map(|e| e.at) {
            self.thin_to(at);
        }
        self.cut = self.cut.max(mark.cut);
        self
    }

    /// Bytes held for entries (the vector's capacity and the labels, inputs and changes on
    /// the heap), for the memory figures.
    pub fn heap_bytes(&self) -> usize {
        let each = std::mem::size_of::<TraceEvent>();
        self.entries.capacity() * each
            + self
                .entries
                .iter()
                .map(|e| match &e.kind {
                    TraceKind::Input { text } => text.capacity(),
                    TraceKind::Send { label, msgs, .. } => label.heap_bytes() + msgs.heap_bytes(),
                    TraceKind::Lost { reason, .. } => reason.capacity(),
                    TraceKind::State { .. } => {
                        std::mem::size_of::<crate::sim::state_change::StateChange>()
                    }
                })
                .sum::<usize>()
    }

    fn thin_to(&mut self, at: Micros) {
        let Some(t) = self.thinning else { return };
        let Some(cut) = cut_at(t, at) else {
            return;
        };
        if self.cut.is_some_and(|c| c >= cut) {
            return;
        }
        let n = self.entries.partition_point(|e| e.at < cut);
        if let Some(i) = self.entries[..n].iter().rposition(is_notable) {
            self.last_dropped_notable = Some((self.base + i, self.entries[i].clone()));
        }
        self.entries.drain(..n);
        self.base += n;
        self.cut = Some(cut);
    }
}

/// Where `t` cuts a trace whose latest entry is at `at` (`None` before it cuts anything).
fn cut_at(t: Thinning, at: Micros) -> Option<Micros> {
    let old = at.0.checked_sub(t.keep.0)?;
    Some(Micros(old / t.every.0 * t.every.0))
}

fn is_notable(e: &TraceEvent) -> bool {
    matches!(
        e.kind,
        TraceKind::State {
            importance: Importance::Notable,
            ..
        }
    )
}

/// Two traces are equal when they hold the same entries at the same addresses (whether
/// either goes on thinning is a setting, not content).
impl PartialEq for Trace {
    fn eq(&self, other: &Trace) -> bool {
        self.base == other.base && self.entries == other.entries
    }
}

/// Written as its content (see `PartialEq`): the entries, after the base when some were
/// dropped.
impl std::fmt::Debug for Trace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.base > 0 {
            write!(f, "(from #{}) ", self.base)?;
        }
        f.debug_list().entries(&self.entries).finish()
    }
}

impl Deref for Trace {
    type Target = [TraceEvent];

    fn deref(&self) -> &[TraceEvent] {
        &self.entries
    }
}

impl From<Vec<TraceEvent>> for Trace {
    fn from(entries: Vec<TraceEvent>) -> Trace {
        let mut trace = Trace {
            entries,
            ..Trace::default()
        };
        trace.find_last_notable();
        trace
    }
}

impl<'a> IntoIterator for &'a Trace {
    type Item = &'a TraceEvent;
    type IntoIter = std::slice::Iter<'a, TraceEvent>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter()
    }
}

/// `trace[a]`: the entry at address `a`. Like a vector's, it panics when there is none (a
/// dropped or future address): callers that may hold such an address use [`Trace::get`].
impl Index<usize> for Trace {
    type Output = TraceEvent;

    fn index(&self, addr: usize) -> &TraceEvent {
        &self.entries[addr - self.base]
    }
}

/// `trace[a..b]`: the entries held between two addresses (from the oldest held when `a` was
/// dropped).
impl Index<Range<usize>> for Trace {
    type Output = [TraceEvent];

    fn index(&self, r: Range<usize>) -> &[TraceEvent] {
        let lo = r.start.saturating_sub(self.base);
        &self.entries[lo.min(r.end.saturating_sub(self.base))..r.end.saturating_sub(self.base)]
    }
}

impl Index<RangeFrom<usize>> for Trace {
    type Output = [TraceEvent];

    fn index(&self, r: RangeFrom<usize>) -> &[TraceEvent] {
        &self.entries[r.start.saturating_sub(self.base)..]
    }
}

impl Index<RangeTo<usize>> for Trace {
    type Output = [TraceEvent];

    fn index(&self, r: RangeTo<usize>) -> &[TraceEvent] {
        &self.entries[..r.end.saturating_sub(self.base)]
    }
}

impl Index<RangeFull> for Trace {
    type Output = [TraceEvent];

    fn index(&self, _: RangeFull) -> &[TraceEvent] {
        &self.entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::state_change::StateChange;

    fn input(ms: u64, text: &str) -> TraceEvent {
        TraceEvent {
            at: Micros::from_ms(ms),
            kind: TraceKind::Input { text: text.into() },
        }
    }

    #[test]
    fn addresses_survive_thinning_and_the_kept_part_depends_only_on_the_entries() {
        let thin = Thinning {
            keep: Micros::from_ms(100),
            every: Micros::from_ms(50),
        };
        let mut whole = Trace::new();
        let mut thinned = Trace::new();
        thinned.set_thinning(Some(thin));
        for ms in 0..400u64 {
            for t in [&mut whole, &mut thinned] {
                t.push(input(ms, &format!("i{ms}")));
            }
        }
        assert_eq!(whole.len(), 400);
        assert_eq!(thinned.len(), 400);
        // The last entry is at 399 ms: the cut is at (399 - 100) rounded down to 50 ms.
        assert_eq!(thinned.thinned_before(), Some(Micros::from_ms(250)));
        assert_eq!(thinned.base(), 250);
        for a in [250, 251, 300, 399] {
            assert_eq!(thinned.get(a), whole.get(a), "{a}");
            assert_eq!(thinned[a], whole[a]);
        }
        assert_eq!(thinned.get(249), None);
        assert_eq!(thinned[300..302], whole[300..302]);
        assert_eq!(thinned[10..252].len(), 2);
        assert_eq!(thinned.since(0).len(), 150);
        assert_eq!(
            thinned.partition_point(|e| e.at < Micros::from_ms(300)),
            whole.partition_point(|e| e.at < Micros::from_ms(300))
        );
        assert!(thinned.addressed().all(|(a, e)| whole[a] == *e));
        // Thinning started late drops the same entries as thinning from the start.
        let mut late = whole.clone();
        late.set_thinning(Some(thin));
        assert_eq!(late, thinned);
        // A rewound trace keeps its addresses.
        let mut short = late.clone();
        short.truncate(100);
        assert_eq!(
            (short.len(), short.base(), short.iter().len()),
            (100, 100, 0)
        );
        late.truncate(300);
        assert_eq!(late.len(), 300);
        late.extend_from(&thinned);
        assert_eq!(late, thinned);
    }

    #[test]
    fn a_trace_rewound_to_a_mark_holds_that_runs_entries_up_to_it() {
        let (live_keep, past_keep) = (Micros::from_ms(200), Micros::from_ms(50));
        let thin = |keep| {
            Some(Thinning {
                keep,
                every: Micros::from_ms(10),
            })
        };
        let mut whole = Trace::new();
        let mut live = Trace::new();
        live.set_thinning(thin(live_keep));
        let mut past = Trace::new();
        past.set_thinning(thin(past_keep));
        let mut marks = Vec::new();
        for ms in 0..600u64 {
            for t in [&mut whole, &mut live, &mut past] {
                t.push(input(ms, &format!("i{ms}")));
            }
            if ms % 37 == 0 {
                marks.push(past.mark());
            }
        }
        for m in &marks {
            let shorter = {
                let mut t = past.clone();
                t.truncate(m.end.saturating_sub(5).max(t.base()));
                t
            };
            for from in [Trace::new(), past.clone(), shorter] {
                let got = from.rewound_to(m, &live);
                assert_eq!(got.len(), m.end);
                assert!(got.iter().len() <= 61, "{}", got.iter().len());
                assert!(got.addressed().all(|(a, e)| whole[a] == *e));
                if m.end > live.base() {
                    assert!(got.get(m.end - 1).is_some(), "{}", m.end);
                }
            }
        }
    }

    /// A notable state change at `ms`.
    fn notable(ms: u64) -> TraceEvent {
        let change = StateChange::WireDrop { id: ms };
        TraceEvent {
            at: Micros::from_ms(ms),
            kind: TraceKind::State {
                importance: change.importance(),
                change: Box::new(change),
            },
        }
    }

    #[test]
    fn a_mark_names_the_last_notable_change_a_scan_finds() {
        // What a mark named when it scanned the entries for it.
        let scanned = |t: &Trace| {
            t.last()
                .and_then(|e| t.last_notable_at_or_before(e.at))
                .map(|(a, e)| (a, e.clone()))
                .or_else(|| t.last_dropped_notable.clone())
        };
        let mut rng = crate::rng::Rng::new(11);
        let mut t = Trace::new();
        t.set_thinning(Some(Thinning {
            keep: Micros::from_ms(30),
            every: Micros::from_ms(10),
        }));
        let mut marks = Vec::new();
        let mut ms = 0;
        for step in 0..2_000 {
            ms += rng.below(3);
            t.push(if rng.below(25) == 0 {
                notable(ms)
            } else {
                input(ms, "x")
            });
            assert_eq!(t.mark().last_notable, scanned(&t), "step {step}");
            if step % 13 == 0 {
                marks.push((t.mark(), t.clone()));
            }
            if rng.below(100) == 0 {
                // Rewound, into what it holds or before it.
                t.truncate(t.len() - 1 - rng.below(60.min(t.len() as u64 - 1)) as usize);
                ms = t.last().map_or(ms, |e| e.at.0 / 1000);
                assert_eq!(t.mark().last_notable, scanned(&t), "step {step}");
            }
        }
        assert!(
            marks
                .iter()
                .filter(|(m, _)| m.last_notable.is_some())
                .count()
                > 100
        );
        // Rewound to a mark from a shorter or longer copy, or from nothing, completed from the
        // trace as it was at the mark or as it is now.
        let live = t.clone();
        for (m, at_mark) in &marks {
            let mut near = at_mark.clone();
            near.truncate(m.end.saturating_sub(20).max(near.base()));
            for from in [Trace::new(), at_mark.prefix(m.end / 2), at_mark.clone()] {
                let got = from.rewound_to(m, &live);
                assert_eq!(got.mark().last_notable, scanned(&got));
            }
            let got = near.rewound_to(m, at_mark);
            assert_eq!(got.len(), m.end);
            assert_eq!(got.mark().last_notable, scanned(&got));
        }
    }

    #[test]
    fn the_last_notable_change_outlives_its_entry() {
        let mut t = Trace::new();
        t.set_thinning(Some(Thinning {
            keep: Micros::from_ms(10),
            every: Micros::from_ms(10),
        }));
        let change = StateChange::WireDrop { id: 1 };
        t.push(TraceEvent {
            at: Micros::from_ms(1),
            kind: TraceKind::State {
                importance: change.importance(),
                change: Box::new(change),
            },
        });
        let was = t
            .last_notable_at_or_before(Micros::from_ms(5))
            .map(|(a, e)| (a, e.clone()));
        assert!(was.is_some());
        for ms in 2..40 {
            t.push(input(ms, "x"));
        }
        assert!(t.get(0).is_none());
        let now = t
            .last_notable_at_or_before(Micros::from_ms(39))
            .map(|(a, e)| (a, e.clone()));
        assert_eq!(now, was);
        assert!(t.last_notable_at_or_before(Micros::ZERO).is_none());
    }
}
