//! One small stable sort for the whole crate (issue 18, the first screen's size).
//!
//! std's `sort*` and `sort_unstable*` (driftsort, ipnsort) compile about ten functions for each
//! element type and comparison they are used with: 326 functions, 41 kB of the gzip wasm. Here the
//! merge sort runs once, on positions, through a `dyn` callback; each caller adds one closure
//! that compares or swaps two of its elements. The order is std's stable order, so every caller
//! gets the same result it had with `sort`, `sort_by` or `sort_by_key` (and with `sort_unstable`
//! where equal elements cannot be told apart). Code that ships should sort with this, and build a
//! `BTreeMap` or `BTreeSet` by `extend` rather than `collect` (which sorts with std's).

use std::cmp::Ordering;

/// Up to this length a slice is sorted by insertion in place; longer ones are sorted by
/// insertion in stretches of this length, then merged.
const RUN: usize = 12;

/// Sorts `v` stably by `Ord`, as `slice::sort` does.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// Sorts `v` stably by the key `key` gives each element, as `slice::sort_by_key` does (the key is
/// computed again at every comparison).
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` stably by `cmp`, as `slice::sort_by` does. A `cmp` that is not a total order leaves
/// `v` in some order of its elements (never a panic).
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let n = v.len();
    sort_positions(n, &mut |step| match step {
        Step::Compare(i, j) => cmp(&v[i], &v[j]),
        Step::Swap(i, j) => {
            v.swap(i, j);
            Ordering::Equal
        }
    });
}

/// What the sort asks of the sequence it sorts, by position: one `dyn` callback for both keeps
/// each caller's share of the code to a single closure.
enum Step {
    Compare(usize, usize),
    Swap(usize, usize),
}

/// Sorts a sequence of `n` elements stably through `at`. Short ones by insertion in place
/// (no allocation); longer ones by finding the order of their positions, then moving each
/// element once along the cycles of that permutation.
fn sort_positions(n: usize, at: &mut dyn FnMut(Step) -> Ordering) {
    if n <= RUN {
        for k in 1..n {
            let mut j = k;
            while j > 0 && at(Step::Compare(j - 1, j)) == Ordering::Greater {
                at(Step::Swap(j - 1, j));
                j -= 1;
            }
        }
        return;
    }
    let order = positions_in_order(n, &mut |i, j| at(Step::Compare(i, j)));
    permute(order, &mut |i, j| {
        at(Step::Swap(i, j));
    });
}

/// The positions `0..n` in the stable order `cmp` (which compares the elements at two positions)
/// gives them: insertion sort of short stretches, then merges of neighbours with half a buffer.
/// A merge whose two halves already follow each other costs one comparison, so sorted input
/// is sorted in linear time.
fn positions_in_order(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut at: Vec<usize> = (0..n).collect();
    for start in (0..n).step_by(RUN) {
        let end = (start + RUN).min(n);
        for k in start + 1..end {
            let x = at[k];
            let mut j = k;
            while j > start && cmp(at[j - 1], x) == Ordering::Greater {
                at[j] = at[j - 1];
                j -= 1;
            }
            at[j] = x;
        }
    }
    let mut left = Vec::with_capacity(n / 2 + 1);
    let mut width = RUN;
    while width < n {
        for lo in (0..n).step_by(2 * width) {
            let mid = lo + width;
            let hi = (mid + width).min(n);
            if mid >= hi || cmp(at[mid - 1], at[mid]) != Ordering::Greater {
                continue;
            }
            left.clear();
            left.extend_from_slice(&at[lo..mid]);
            let (mut i, mut j, mut out) = (0, mid, lo);
            while i < left.len() && j < hi {
                // Ties take the left element first: that is what keeps the sort stable.
                if cmp(left[i], at[j]) == Ordering::Greater {
                    at[out] = at[j];
                    j += 1;
                } else {
                    at[out] = left[i];
                    i += 1;
                }
                out += 1;
            }
            // What is left of the right half is already in place.
            at[out..out + left.len() - i].copy_from_slice(&left[i..]);
        }
        width *= 2;
    }
    at
}

/// Rearranges a sequence by swaps so that position `k` holds what was at `order[k]`, one cycle
/// of the permutation at a time (each position is marked done by pointing it at itself).
fn permute(mut order: Vec<usize>, swap: &mut dyn FnMut(usize, usize)) {
    for start in 0..order.len() {
        let mut at = start;
        loop {
            let from = order[at];
            order[at] = at;
            if from == start || from == at {
                break;
            }
            swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn sorts_as_std_stable_sort_does() {
        let mut rng = Rng::new(7);
        for n in [0, 1, 2, 3, 11, 12, 13, 24, 25, 40, 100, 257, 1000] {
            for spread in [1, 3, 50, 1_000_000] {
                // Pairs of (key, original position): a stable sort keeps equal keys in order.
                let v: Vec<(u64, usize)> = (0..n).map(|i| (rng.below(spread), i)).collect();
                let mut ours = v.clone();
                sort_by_key(&mut ours, |p| p.0);
                let mut std_order = v.clone();
                std_order.sort_by_key(|p| p.0);
                assert_eq!(ours, std_order, "n {n} spread {spread}");
                let mut rev = v.clone();
                rev.reverse();
                sort_by(&mut rev, |a, b| b.0.cmp(&a.0));
                let mut std_rev = v.clone();
                std_rev.reverse();
                std_rev.sort_by_key(|b| std::cmp::Reverse(b.0));
                assert_eq!(rev, std_rev, "n {n} spread {spread} descending");
            }
        }
    }

    #[test]
    fn sorted_and_reversed_input_and_owned_elements() {
        let mut up: Vec<String> = (0..100).map(|i| format!("{i:03}")).collect();
        let want = up.clone();
        sort(&mut up);
        assert_eq!(up, want);
        up.reverse();
        sort(&mut up);
        assert_eq!(up, want);
    }

    #[test]
    fn an_order_that_is_not_total_does_not_panic() {
        let mut v: Vec<f64> = vec![3.0, f64::NAN, 1.0, 2.0, f64::NAN, 0.5];
        v.extend((0..40).map(|i| (i % 7) as f64));
        let mut calls = 0u32;
        sort_by(&mut v, |a, b| {
            calls += 1;
            a.partial_cmp(b).unwrap_or(if calls.is_multiple_of(2) {
                Ordering::Less
            } else {
                Ordering::Greater
            })
        });
        assert_eq!(v.len(), 46);
        assert_eq!(v.iter().filter(|x| x.is_nan()).count(), 2);
    }
}
