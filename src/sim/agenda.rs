//! The simulator's pending events, in time order. A binary heap of small keys (time, order,
//! slot) over a slab holding the events themselves: popping sifts the 24-byte keys through the
//! heap instead of whole events (over 100 bytes each), which was half of the time spent on an
//! instant with ten thousand publishes in flight.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fmt;

use crate::sim::time::Micros;

/// Where an event sits: its time, then the order it was scheduled in (ties at one time run in
/// scheduling order), and its slot in the slab.
#[derive(Debug, Clone, Copy)]
struct Key {
    at: Micros,
    seq: u64,
    slot: u32,
}

impl Key {
    /// Time and order as one number: each push has its own `seq`, so this alone orders keys,
    /// and one integer comparison per step of a sift is cheaper than comparing field by field.
    fn order(&self) -> u128 {
        (u128::from(self.at.0) << 64) | u128::from(self.seq)
    }
}

/// Reversed, so that the standard max-heap pops the earliest key first.
impl Ord for Key {
    fn cmp(&self, other: &Key) -> Ordering {
        other.order().cmp(&self.order())
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Key) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.order() == other.order()
    }
}

impl Eq for Key {}

/// Events of type `E` waiting for their time.
#[derive(Clone)]
pub(crate) struct Agenda<E> {
    keys: BinaryHeap<Key>,
    slots: Vec<Option<E>>,
    /// Slots emptied by pops, reused before the slab grows.
    free: Vec<u32>,
}

impl<E> Default for Agenda<E> {
    fn default() -> Self {
        Agenda {
            keys: BinaryHeap::new(),
            slots: Vec::new(),
            free: Vec::new(),
        }
    }
}

impl<E> Agenda<E> {
    /// Schedules `ev` at `at`; `seq` orders events of one time (it must grow with each push).
    pub(crate) fn push(&mut self, at: Micros, seq: u64, ev: E) {
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Some(ev);
                slot
            }
            None => {
                self.slots.push(Some(ev));
                u32::try_from(self.slots.len() - 1).expect("fewer than 2^32 pending events")
            }
        };
        self.keys.push(Key { at, seq, slot });
    }

    /// The time of the next event.
    pub(crate) fn next_time(&self) -> Option<Micros> {
        self.keys.peek().map(|k| k.at)
    }

    /// Takes the next event (the earliest; of one time, the first scheduled).
    pub(crate) fn pop(&mut self) -> Option<(Micros, E)> {
        let k = self.keys.pop()?;
        let ev = self.slots[k.slot as usize]
            .take()
            .expect("a key's slot holds its event");
        self.free.push(k.slot);
        Some((k.at, ev))
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Every pending event with its time, in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (Micros, &E)> {
        self.keys.iter().map(|k| {
            let ev = self.slots[k.slot as usize]
                .as_ref()
                .expect("a key's slot holds its event");
            (k.at, ev)
        })
    }
}

/// In time order, without slots: two agendas holding the same events print the same whatever
/// the history of their slabs (runs are compared by their debug text).
impl<E: fmt::Debug> fmt::Debug for Agenda<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut keys: Vec<Key> = self.keys.iter().copied().collect();
        crate::sort::sort_by_key(&mut keys, |k| k.order());
        f.debug_list()
            .entries(
                keys.iter()
                    .map(|k| (k.at, k.seq, &self.slots[k.slot as usize])),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_time_then_scheduling_order_and_reuses_slots() {
        let mut a = Agenda::default();
        a.push(Micros(30), 1, "c");
        a.push(Micros(10), 2, "a1");
        a.push(Micros(10), 3, "a2");
        a.push(Micros(20), 4, "b");
        assert_eq!(a.next_time(), Some(Micros(10)));
        assert_eq!(a.pop(), Some((Micros(10), "a1")));
        assert_eq!(a.pop(), Some((Micros(10), "a2")));
        a.push(Micros(15), 5, "d");
        a.push(Micros(15), 6, "e");
        // The two freed slots are reused: the slab does not grow.
        assert_eq!(a.slots.len(), 4);
        let mut pending: Vec<_> = a.iter().map(|(t, e)| (t, *e)).collect();
        pending.sort();
        assert_eq!(
            pending,
            [
                (Micros(15), "d"),
                (Micros(15), "e"),
                (Micros(20), "b"),
                (Micros(30), "c")
            ]
        );
        let order: Vec<_> = std::iter::from_fn(|| a.pop()).map(|(_, e)| e).collect();
        assert_eq!(order, ["d", "e", "b", "c"]);
        assert!(a.is_empty());
        assert_eq!(a.pop(), None);
    }

    #[test]
    fn debug_text_ignores_slab_history() {
        let mut a = Agenda::default();
        a.push(Micros(1), 1, 'x');
        a.pop();
        a.push(Micros(5), 2, 'y');
        a.push(Micros(3), 3, 'z');
        let mut b = Agenda::default();
        b.push(Micros(5), 2, 'y');
        b.push(Micros(3), 3, 'z');
        assert_ne!(a.slots.len(), b.slots.len() + 1);
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }
}
