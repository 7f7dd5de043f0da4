//! A growable vector whose clones share their contents, for the run's append-only histories
//! (every message published, what each client received and had confirmed, the scenario's
//! step results, a script's links to the trace).
//!
//! Why: a backward seek restores a checkpoint, a copy of the whole replayed run. With plain
//! `Vec`s every copy held the run's whole history, so copies grew with the run, few of them fit
//! the memory budget on a long run, and seeks replayed long stretches. Here the elements live
//! in fixed-size chunks behind `Rc`s: a clone copies only the chunk pointers, and a write to a
//! chunk another clone also holds copies that one chunk first (copy on write), so the clone
//! never sees it. Histories are written at their end (an ack marks a recent delivery), so a
//! copy and the run it was taken from go on sharing all but their last chunks.
//!
//! Nothing here depends on where chunks are allocated: which chunks two vectors share follows
//! from how they were cloned and written, so the byte counts of [`SharedVec::bytes_not_in`]
//! are as deterministic as the rest of the simulator.

use std::fmt;
use std::ops::{Bound, Index, IndexMut, RangeBounds};
use std::rc::Rc;

/// log2 of [`CHUNK`].
const CHUNK_BITS: u32 = 6;
/// Elements per chunk: a copy that goes on being written pays for about one chunk per vector
/// (the one it was writing), so chunks are small; each costs a pointer in every copy, and a
/// lookup one more indirection than a `Vec`'s. At 128 a checkpoint of the ten-minute busy run
/// cost some 40 KB beside the next, at 64 about 23 KB (an hour's pointers are 8 KB a vector).
pub const CHUNK: usize = 1 << CHUNK_BITS;
const MASK: usize = CHUNK - 1;

/// A vector of `T` in shared, copy-on-write chunks of [`CHUNK`] elements: cloning it is cheap
/// (one pointer per chunk) and writes never show in other clones.
pub struct SharedVec<T> {
    /// Every chunk but the last is full (its first `head` elements dropped, for the first).
    chunks: Vec<Rc<Vec<T>>>,
    /// Elements dropped from the front of the first chunk ([`SharedVec::drop_front`]).
    head: usize,
    len: usize,
    /// Whole chunks dropped from the front: chunk `i` here is chunk `dropped + i` of every
    /// vector this one was cloned from or into, which is how shared chunks are matched.
    dropped: usize,
    /// Chunks below this one (counted as `dropped` is) were offered to
    /// [`SharedVec::share_from`] already: each full chunk is compared once.
    compared: usize,
}

impl<T> SharedVec<T> {
    pub const fn new() -> SharedVec<T> {
        SharedVec {
            chunks: Vec::new(),
            head: 0,
            len: 0,
            dropped: 0,
            compared: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    pub fn get(&self, i: usize) -> Option<&T> {
        if i >= self.len {
            return None;
        }
        let j = i + self.head;
        Some(&self.chunks[j >> CHUNK_BITS][j & MASK])
    }

    pub fn first(&self) -> Option<&T> {
        self.get(0)
    }

    pub fn last(&self) -> Option<&T> {
        self.len.checked_sub(1).and_then(|i| self.get(i))
    }

    /// The elements in `range` (of indices), in order.
    pub fn range(&self, range: impl RangeBounds<usize>) -> Iter<'_, T> {
        let start = match range.start_bound() {
            Bound::Included(&s) => s,
            Bound::Excluded(&s) => s + 1,
            Bound::Unbounded => 0,
        };
        let end = match range.end_bound() {
            Bound::Included(&e) => e + 1,
            Bound::Excluded(&e) => e,
            Bound::Unbounded => self.len,
        };
        assert!(
            start <= end && end <= self.len,
            "range {start}..{end} out of a SharedVec of {}",
            self.len
        );
        if start == end {
            return Iter::default();
        }
        let (a, b) = (start + self.head, end + self.head);
        let (first, last) = (a >> CHUNK_BITS, (b - 1) >> CHUNK_BITS);
        if first == last {
            return Iter {
                front: self.chunks[first][a & MASK..=(b - 1) & MASK].iter(),
                mid: [].iter(),
                back: [].iter(),
            };
        }
        Iter {
            front: self.chunks[first][a & MASK..].iter(),
            mid: self.chunks[first + 1..last].iter(),
            back: self.chunks[last][..=(b - 1) & MASK].iter(),
        }
    }

    pub fn iter(&self) -> Iter<'_, T> {
        self.range(..)
    }

    /// The elements as slices, in order: for scans that must run as fast as over a `Vec`
    /// (a loop over slices compiles as one; stepping [`Iter`] checks for a chunk's end).
    pub fn slices(&self) -> impl Iterator<Item = &[T]> {
        let head = self.head;
        let len = self.len;
        self.chunks.iter().enumerate().map(move |(c, chunk)| {
            let start = if c == 0 { head } else { 0 };
            let end = chunk.len().min(head + len - (c << CHUNK_BITS));
            &chunk[start..end]
        })
    }

    /// The index of the first element for which `pred` is false, the elements being
    /// partitioned by it (all those it holds for first), as [`slice::partition_point`].
    pub fn partition_point(&self, mut pred: impl FnMut(&T) -> bool) -> usize {
        // The first chunk whose last element fails, then within it.
        let (mut lo, mut hi) = (0, self.chunks.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            let last = self.chunks[mid].last().expect("chunks are never empty");
            if pred(last) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let Some(chunk) = self.chunks.get(lo) else {
            return self.len;
        };
        let skip = if lo == 0 { self.head } else { 0 };
        (lo << CHUNK_BITS) + skip + chunk[skip..].partition_point(pred) - self.head
    }

    /// Drops every element (the chunks go; clones keep theirs).
    pub fn clear(&mut self) {
        self.drop_front(self.len);
    }

    /// Drops the first `n` elements (all of them past the length). Whole chunks go; the
    /// dropped elements of a chunk still holding later ones are freed with it.
    pub fn drop_front(&mut self, n: usize) {
        let n = n.min(self.len);
        self.len -= n;
        self.head += n;
        // A chunk partly dropped stays (its next element's place is in it), so that chunk `i`
        // stays chunk `i` of the clones for `bytes_not_in` and `share_from`.
        let whole = self.head >> CHUNK_BITS;
        self.chunks.drain(..whole);
        self.dropped += whole;
        self.head &= MASK;
    }

    /// Heap bytes of this vector's chunks that `other` does not share (at the same place),
    /// counting `size_of::<T>()` per slot of a chunk plus `extra` of each element held (what
    /// the elements themselves point to). The chunk pointers count too. Shared chunks are held
    /// once however many clones hold them, so this is what keeping `self` costs beside `other`.
    pub fn bytes_not_in(&self, other: &SharedVec<T>, mut extra: impl FnMut(&T) -> usize) -> usize {
        let slot = std::mem::size_of::<T>();
        let mut bytes = self.chunks.capacity() * std::mem::size_of::<Rc<Vec<T>>>();
        for (i, chunk) in self.chunks.iter().enumerate() {
            let shared = (self.dropped + i)
                .checked_sub(other.dropped)
                .and_then(|j| other.chunks.get(j))
                .is_some_and(|o| Rc::ptr_eq(o, chunk));
            if !shared {
                bytes += chunk.capacity() * slot + chunk.iter().map(&mut extra).sum::<usize>();
            }
        }
        bytes
    }
}

/// How many chunks behind the newest full one a chunk that differs from `other`'s is compared
/// again by [`SharedVec::share_from`]: a recent element may yet be written as the other's was
/// (a delivery acked), an old one that still differs most likely never will (a fork).
const RETRY_CHUNKS: usize = 16;

impl<T: PartialEq> SharedVec<T> {
    /// Takes `other`'s chunk in place of each full chunk of this vector that holds the same
    /// elements at the same place. Each chunk is compared from when it is full until it is
    /// shared or [`RETRY_CHUNKS`] older than the newest full chunk, so a call costs the
    /// chunks filled since the last one and at most that many more. A run replayed to show
    /// the past computes the very history the present run holds: sharing it instead of holding
    /// it twice keeps a long run's seeks from doubling its memory.
    pub fn share_from(&mut self, other: &SharedVec<T>) {
        let full = (self.head + self.len) >> CHUNK_BITS;
        let start = self.compared.max(self.dropped).max(other.dropped) - self.dropped;
        // The first chunk to compare next time: past those now shared or given up, up to the
        // first that may still come to be the same.
        let mut next = None;
        for i in start..full {
            let Some(theirs) = other.chunks.get(i + self.dropped - other.dropped) else {
                break;
            };
            let mine = &mut self.chunks[i];
            let same = Rc::ptr_eq(mine, theirs) || **mine == **theirs;
            if same {
                *mine = Rc::clone(theirs);
            } else if i + RETRY_CHUNKS >= full {
                next.get_or_insert(i);
            }
        }
        let next = self.dropped + next.unwrap_or(full);
        self.compared = self.compared.max(next);
    }
}

impl<T: Clone> SharedVec<T> {
    /// Chunk `c`, copied first if another vector shares it. A copy is made with room for the
    /// whole chunk, so pushes into it never reallocate.
    #[inline]
    fn chunk_mut(&mut self, c: usize) -> &mut Vec<T> {
        if Rc::get_mut(&mut self.chunks[c]).is_none() {
            self.unshare(c);
        }
        Rc::get_mut(&mut self.chunks[c]).expect("just made unique")
    }

    /// Replaces chunk `c`, which another vector shares, by a copy of this one's own.
    #[inline(never)]
    fn unshare(&mut self, c: usize) {
        let mut own = Vec::with_capacity(CHUNK);
        own.extend_from_slice(&self.chunks[c]);
        self.chunks[c] = Rc::new(own);
    }

    /// Keeps the elements `keep` holds for, in order. Dropping a prefix (what histories cut
    /// to a window do) copies nothing; anything else rebuilds the vector.
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        let Some(first_kept) = self.iter().position(&mut keep) else {
            self.clear();
            return;
        };
        if self.range(first_kept..).all(&mut keep) {
            self.drop_front(first_kept);
            return;
        }
        let kept: Vec<T> = self.iter().filter(|v| keep(v)).cloned().collect();
        let dropped = self.dropped + self.chunks.len();
        *self = kept.into_iter().collect();
        // Numbered past the chunks it had: its elements moved, so no chunk of its clones is
        // this one's any more.
        self.dropped = dropped;
        self.compared = dropped;
    }

    #[inline]
    pub fn push(&mut self, value: T) {
        let j = self.len + self.head;
        if j == self.chunks.len() << CHUNK_BITS {
            self.chunks.push(Rc::new(Vec::with_capacity(CHUNK)));
        }
        self.chunk_mut(j >> CHUNK_BITS).push(value);
        self.len += 1;
    }

    #[inline]
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        if i >= self.len {
            return None;
        }
        let j = i + self.head;
        Some(&mut self.chunk_mut(j >> CHUNK_BITS)[j & MASK])
    }

    pub fn last_mut(&mut self) -> Option<&mut T> {
        self.len.checked_sub(1).and_then(|i| self.get_mut(i))
    }
}

impl<T> Clone for SharedVec<T> {
    /// Copies the chunk pointers only: the copy shares every chunk until one side writes it.
    fn clone(&self) -> Self {
        SharedVec {
            chunks: self.chunks.clone(),
            head: self.head,
            len: self.len,
            dropped: self.dropped,
            compared: self.compared,
        }
    }
}

impl<T> Default for SharedVec<T> {
    fn default() -> Self {
        SharedVec::new()
    }
}

impl<T: fmt::Debug> fmt::Debug for SharedVec<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: PartialEq> PartialEq for SharedVec<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<T> Index<usize> for SharedVec<T> {
    type Output = T;
    #[inline]
    fn index(&self, i: usize) -> &T {
        match self.get(i) {
            Some(v) => v,
            None => panic!("index {i} out of a SharedVec of {}", self.len),
        }
    }
}

impl<T: Clone> IndexMut<usize> for SharedVec<T> {
    #[inline]
    fn index_mut(&mut self, i: usize) -> &mut T {
        let len = self.len;
        match self.get_mut(i) {
            Some(v) => v,
            None => panic!("index {i} out of a SharedVec of {len}"),
        }
    }
}

impl<T: Clone> Extend<T> for SharedVec<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        for v in iter {
            self.push(v);
        }
    }
}

impl<T: Clone> FromIterator<T> for SharedVec<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut v = SharedVec::new();
        v.extend(iter);
        v
    }
}

impl<'a, T> IntoIterator for &'a SharedVec<T> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;
    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

/// The elements of a [`SharedVec`] (or a range of them), in order, from either end. Each step
/// is a slice iterator's but at the ends of chunks, so that scans (settling a delivery looks
/// through all of a client's) run about as fast as over a `Vec`.
#[derive(Debug, Clone)]
pub struct Iter<'a, T> {
    front: std::slice::Iter<'a, T>,
    /// Full chunks between `front` and `back`.
    mid: std::slice::Iter<'a, Rc<Vec<T>>>,
    back: std::slice::Iter<'a, T>,
}

impl<T> Default for Iter<'_, T> {
    fn default() -> Self {
        Iter {
            front: [].iter(),
            mid: [].iter(),
            back: [].iter(),
        }
    }
}

impl<'a, T> Iter<'a, T> {
    /// [`Iterator::next`] at the end of `front`: on to the next chunk.
    #[inline(never)]
    fn next_chunk(&mut self) -> Option<&'a T> {
        self.front = match self.mid.next() {
            Some(chunk) => chunk.iter(),
            None => std::mem::take(&mut self.back),
        };
        self.front.next()
    }

    /// [`DoubleEndedIterator::next_back`] at the start of `back`: on to the chunk before.
    #[inline(never)]
    fn next_chunk_back(&mut self) -> Option<&'a T> {
        self.back = match self.mid.next_back() {
            Some(chunk) => chunk.iter(),
            None => std::mem::take(&mut self.front),
        };
        self.back.next_back()
    }
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = &'a T;

    #[inline]
    fn next(&mut self) -> Option<&'a T> {
        match self.front.next() {
            Some(v) => Some(v),
            None => self.next_chunk(),
        }
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        let len = self.front.len() + self.mid.len() * CHUNK + self.back.len();
        (len, Some(len))
    }
}

impl<T> DoubleEndedIterator for Iter<'_, T> {
    #[inline]
    fn next_back(&mut self) -> Option<Self::Item> {
        match self.back.next_back() {
            Some(v) => Some(v),
            None => self.next_chunk_back(),
        }
    }
}

impl<T> ExactSizeIterator for Iter<'_, T> {}

impl<T> std::iter::FusedIterator for Iter<'_, T> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(n: usize) -> SharedVec<usize> {
        (0..n).collect()
    }

    #[test]
    fn it_reads_as_the_vector_it_was_pushed_into() {
        for n in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5] {
            let v = numbers(n);
            let plain: Vec<usize> = (0..n).collect();
            assert_eq!(v.len(), n);
            assert_eq!(v.iter().copied().collect::<Vec<_>>(), plain);
            assert_eq!(v.iter().rev().copied().collect::<Vec<_>>(), {
                let mut r = plain.clone();
                r.reverse();
                r
            });
            assert_eq!(v.last(), plain.last());
            assert_eq!(v.get(n), None);
            assert_eq!(v.slices().flatten().copied().collect::<Vec<_>>(), plain);
            for i in 0..n {
                assert_eq!(v[i], i);
            }
            for (a, b) in [(0, n), (n / 3, n), (n / 3, n / 2), (n, n)] {
                let got: Vec<usize> = v.range(a..b).copied().collect();
                assert_eq!(got, plain[a..b], "{a}..{b} of {n}");
                assert_eq!(v.range(a..b).len(), b - a);
            }
        }
    }

    #[test]
    fn a_clone_never_sees_later_writes_and_shares_the_full_chunks() {
        let mut live = numbers(2 * CHUNK + 3);
        let copy = live.clone();
        live.push(1_000);
        live[5] = 7;
        *live.last_mut().unwrap() += 1;
        let mut copy2 = copy.clone();
        copy2[2 * CHUNK] = 9;
        assert_eq!(copy.len(), 2 * CHUNK + 3);
        assert_eq!(copy.iter().copied().collect::<Vec<_>>(), {
            (0..2 * CHUNK + 3).collect::<Vec<_>>()
        });
        assert_eq!(
            (live[5], live[2 * CHUNK], live[2 * CHUNK + 3]),
            (7, 2 * CHUNK, 1_001)
        );
        assert_eq!(copy2[2 * CHUNK], 9);
        // The live one rewrote its first and last chunks: the copy shares its second only.
        let slot = std::mem::size_of::<usize>();
        let pointers = copy.chunks.capacity() * std::mem::size_of::<Rc<Vec<usize>>>();
        assert_eq!(copy.bytes_not_in(&live, |_| 0), pointers + 2 * CHUNK * slot);
        assert_eq!(copy.bytes_not_in(&copy, |_| 1), pointers);
        assert_eq!(
            copy2.bytes_not_in(&copy, |_| 1),
            pointers + CHUNK * slot + 3
        );
    }

    #[test]
    fn dropping_the_front_keeps_the_rest_and_the_sharing() {
        let mut v = numbers(3 * CHUNK + 10);
        let before = v.clone();
        v.drop_front(CHUNK + 4);
        assert_eq!(v.len(), 2 * CHUNK + 6);
        assert_eq!(v[0], CHUNK + 4);
        assert_eq!(v.last(), Some(&(3 * CHUNK + 9)));
        assert_eq!(
            v.iter().copied().collect::<Vec<_>>(),
            (CHUNK + 4..3 * CHUNK + 10).collect::<Vec<_>>()
        );
        assert_eq!(
            v.range(1..3).copied().collect::<Vec<_>>(),
            [CHUNK + 5, CHUNK + 6]
        );
        v.push(5);
        assert_eq!(v.len(), 2 * CHUNK + 7);
        // Still matched with the chunks it was cloned from: only the pointers and the written
        // last chunk are its own.
        let pointers = v.chunks.capacity() * std::mem::size_of::<Rc<Vec<usize>>>();
        assert_eq!(
            v.bytes_not_in(&before, |_| 0),
            pointers + CHUNK * std::mem::size_of::<usize>()
        );
        assert_eq!(before.len(), 3 * CHUNK + 10);
        v.drop_front(usize::MAX);
        assert!(v.is_empty() && v.iter().next().is_none());
        v.push(1);
        assert_eq!(v.iter().copied().collect::<Vec<_>>(), [1]);
    }

    #[test]
    fn equal_full_chunks_are_shared_and_stay_apart_on_writes() {
        let mut a = numbers(3 * CHUNK + 2);
        let mut b = numbers(3 * CHUNK + 9);
        b[CHUNK + 1] = 0;
        a.share_from(&b);
        let slot = std::mem::size_of::<usize>();
        let pointers = a.chunks.capacity() * std::mem::size_of::<Rc<Vec<usize>>>();
        // The first and third chunks are the same; the second differs, the last is not full.
        assert_eq!(a.bytes_not_in(&b, |_| 0), pointers + 2 * CHUNK * slot);
        a[2] = 5;
        b[2 * CHUNK] = 6;
        assert_eq!(
            (a[2], b[2], a[2 * CHUNK], b[2 * CHUNK]),
            (5, 2, 2 * CHUNK, 6)
        );
        assert_eq!(a.len(), 3 * CHUNK + 2);
        // A recent chunk is compared again: written alike later, it is taken.
        b[CHUNK + 1] = CHUNK + 1;
        b[2 * CHUNK] = 2 * CHUNK;
        a.share_from(&b);
        // But for the first (shared, then written by `a`) and the last (not full).
        assert_eq!(a.bytes_not_in(&b, |_| 0), pointers + 2 * CHUNK * slot);
        // One that still differs long after is given up.
        let mut a = numbers(RETRY_CHUNKS * CHUNK + 2 * CHUNK);
        let mut b = numbers(RETRY_CHUNKS * CHUNK + 2 * CHUNK);
        b[0] = 1;
        a.share_from(&b);
        b[0] = 0;
        a.share_from(&b);
        let pointers = a.chunks.capacity() * std::mem::size_of::<Rc<Vec<usize>>>();
        assert_eq!(a.bytes_not_in(&b, |_| 0), pointers + CHUNK * slot);
        assert!(!Rc::ptr_eq(&a.chunks[0], &b.chunks[0]));
    }

    #[test]
    fn retain_is_the_vectors() {
        let plain: Vec<usize> = (0..3 * CHUNK + 7).collect();
        for keep in [
            Box::new(|&x: &usize| x >= CHUNK + 3) as Box<dyn Fn(&usize) -> bool>,
            Box::new(|&x: &usize| x % 3 != 0),
            Box::new(|_: &usize| false),
            Box::new(|_: &usize| true),
        ] {
            let mut v: SharedVec<usize> = plain.iter().copied().collect();
            let copy = v.clone();
            v.retain(|x| keep(x));
            let want: Vec<usize> = plain.iter().copied().filter(|x| keep(x)).collect();
            assert_eq!(v.iter().copied().collect::<Vec<_>>(), want);
            assert_eq!(copy.iter().copied().collect::<Vec<_>>(), plain);
            v.push(1);
            assert_eq!(v.last(), Some(&1));
            assert_eq!(v.len(), want.len() + 1);
        }
    }

    #[test]
    fn partition_point_is_the_slices() {
        let plain: Vec<usize> = (0..3 * CHUNK + 7).map(|i| i / 3).collect();
        let mut v: SharedVec<usize> = plain.iter().copied().collect();
        for x in [0, 1, 40, CHUNK / 3, 2 * CHUNK / 3 + 1, CHUNK, 10_000] {
            assert_eq!(
                v.partition_point(|&e| e < x),
                plain.partition_point(|&e| e < x)
            );
        }
        v.drop_front(CHUNK + 1);
        let rest = &plain[CHUNK + 1..];
        for x in [0, CHUNK / 3 + 1, CHUNK / 2, CHUNK, 10_000] {
            assert_eq!(
                v.partition_point(|&e| e < x),
                rest.partition_point(|&e| e < x)
            );
        }
        assert_eq!(SharedVec::<usize>::new().partition_point(|_| true), 0);
    }
}
