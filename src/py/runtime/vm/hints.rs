//! Suggestions CPython appends to a `NameError`: a near-miss name, or a module to import.

/// CPython's suggestion distance: insertions, deletions and substitutions cost 2, a change of
/// case only 1.
pub(super) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).map(|j| 2 * j).collect();
    for i in 1..=a.len() {
        let mut cur = vec![2 * i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = if a[i - 1] == b[j - 1] {
                0
            } else if a[i - 1].to_lowercase().eq(b[j - 1].to_lowercase()) {
                1
            } else {
                2
            };
            cur[j] = (prev[j] + 2).min(cur[j - 1] + 2).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Standard-library modules CPython hints about ("Did you forget to import ...?").
pub(super) const STDLIB_HINTS: [&str; 16] = [
    "time",
    "sys",
    "json",
    "os",
    "math",
    "random",
    "datetime",
    "logging",
    "threading",
    "uuid",
    "re",
    "collections",
    "functools",
    "itertools",
    "socket",
    "traceback",
];
