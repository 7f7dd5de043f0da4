//! The ids of the frames linked to a script, kept so that their losses are linked too: a set
//! whose copies share its contents ([`SharedVec`]), because every checkpoint of a scripted run
//! copies it and on a long run it holds tens of thousands of ids (as a `BTreeSet` it was most
//! of a checkpoint of the welcome scenario's scripts).
//!
//! Ids come from a few increasing sequences, told apart by their top bits (the engine's sends,
//! a script's client frames from [`WIRE_ID_BASE`] on), and are linked in trace order, so within
//! a sequence they arrive in increasing order: each sequence is a sorted [`SharedVec`], pushed
//! at its end and searched by halving. An id that arrives out of order goes to a small set of
//! its own, so the set is exact whatever the order.
//!
//! [`WIRE_ID_BASE`]: crate::sim::pika::WIRE_ID_BASE

use std::collections::BTreeSet;

use crate::sim::shared_vec::SharedVec;

/// Trace ids are numbered by sequences below this many bits: the engine's from 1, the
/// binding's request frames from [`WIRE_ID_BASE`] (the second sequence) on.
///
/// [`WIRE_ID_BASE`]: crate::sim::pika::WIRE_ID_BASE
pub const ID_SEQUENCE_BITS: u32 = 48;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SentIds {
    /// Per sequence (its top bits), its ids in increasing order.
    sequences: Vec<(u64, SharedVec<u64>)>,
    /// Ids that came after a greater one of their sequence.
    stray: BTreeSet<u64>,
}

impl SentIds {
    pub fn new() -> SentIds {
        SentIds::default()
    }

    fn sequence(&self, id: u64) -> Option<&SharedVec<u64>> {
        let top = id >> ID_SEQUENCE_BITS;
        self.sequences.iter().find(|s| s.0 == top).map(|s| &s.1)
    }

    pub fn insert(&mut self, id: u64) {
        let top = id >> ID_SEQUENCE_BITS;
        let i = match self.sequences.iter().position(|s| s.0 == top) {
            Some(i) => i,
            None => {
                self.sequences.push((top, SharedVec::new()));
                self.sequences.len() - 1
            }
        };
        let ids = &mut self.sequences[i].1;
        match ids.last() {
            Some(&last) if last >= id => {
                if !self.contains(id) {
                    self.stray.insert(id);
                }
            }
            _ => ids.push(id),
        }
    }

    pub fn contains(&self, id: u64) -> bool {
        self.sequence(id).is_some_and(|ids| {
            let at = ids.partition_point(|&x| x < id);
            ids.get(at) == Some(&id)
        }) || self.stray.contains(&id)
    }

    pub fn len(&self) -> usize {
        self.sequences.iter().map(|s| s.1.len()).sum::<usize>() + self.stray.len()
    }

    /// Keeps the ids at or past `held(sequence)`, the first id of their sequence still of
    /// use, and none of a sequence it gives nothing for.
    pub fn retain_held(&mut self, held: impl Fn(u64) -> Option<u64>) {
        for (top, ids) in &mut self.sequences {
            match held(*top) {
                Some(first) => {
                    let n = ids.partition_point(|&x| x < first);
                    ids.drop_front(n);
                }
                None => ids.clear(),
            }
        }
        self.stray
            .retain(|&id| held(id >> ID_SEQUENCE_BITS).is_some_and(|first| id >= first));
    }

    /// Shares `other`'s chunks of ids where they hold the same ([`SharedVec::share_from`]).
    pub fn share_from(&mut self, other: &SentIds) {
        for (top, ids) in &mut self.sequences {
            if let Some((_, theirs)) = other.sequences.iter().find(|s| s.0 == *top) {
                ids.share_from(theirs);
            }
        }
    }

    /// Heap bytes this set holds that `other` does not share with it (the stray ids counted
    /// whole, at a B-tree's two words an id).
    pub fn bytes_not_in(&self, other: &SentIds) -> usize {
        let stray = self.stray.len() * 16;
        self.sequences
            .iter()
            .map(
                |(top, ids)| match other.sequences.iter().find(|s| s.0 == *top) {
                    Some((_, theirs)) => ids.bytes_not_in(theirs, |_| 0),
                    None => ids.bytes_not_in(&SharedVec::new(), |_| 0),
                },
            )
            .sum::<usize>()
            + stray
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::pika::WIRE_ID_BASE;

    #[test]
    fn it_is_the_set_of_ids_inserted_in_any_order() {
        let mut s = SentIds::new();
        let mut plain = BTreeSet::new();
        let engine = |i: u64| i * 3;
        let wire = |i: u64| WIRE_ID_BASE + i * 2;
        for i in 0..1_000 {
            // In order within each sequence, but for repeats and a few late ids.
            let late = (i % 100 == 7).then(|| engine(i) - 1);
            for id in [engine(i), wire(i), wire(i / 2)].into_iter().chain(late) {
                s.insert(id);
                plain.insert(id);
            }
        }
        assert_eq!(s.stray.len(), 10);
        assert_eq!(s.len(), plain.len());
        for id in (0..20_000).chain(WIRE_ID_BASE..WIRE_ID_BASE + 3_000) {
            assert_eq!(s.contains(id), plain.contains(&id), "{id}");
        }
        let copy = s.clone();
        s.retain_held(|top| (top == 0).then_some(1_200));
        plain.retain(|id| (1_200..WIRE_ID_BASE).contains(id));
        assert_eq!(s.len(), plain.len());
        for id in (0..20_000).chain(WIRE_ID_BASE..WIRE_ID_BASE + 3_000) {
            assert_eq!(s.contains(id), plain.contains(&id), "{id}");
        }
        // The copy kept its ids, and shares the chunks the cut one still holds.
        assert!(copy.contains(3) && copy.contains(WIRE_ID_BASE + 2));
        assert!(s.bytes_not_in(&copy) < copy.bytes_not_in(&SentIds::new()) / 4);
    }
}
