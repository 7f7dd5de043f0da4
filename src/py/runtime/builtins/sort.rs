//! Sorting for `sorted` and `list.sort`: a stable merge sort with a fallible comparison.

use crate::py::front::ast::CmpOp;
use crate::py::runtime::host::Host;
use crate::py::runtime::interp::Interp;
use crate::py::runtime::object::value::{PyException, Value};
use crate::py::runtime::ops;

/// Stable merge sort with a fallible "less than" (Rust's own sorts may panic when the order
/// is not total, which Python values like NaN or mixed types can produce).
pub(super) fn merge_sort<T: Clone>(
    items: Vec<T>,
    less: &mut dyn FnMut(&T, &T) -> Result<bool, PyException>,
) -> Result<Vec<T>, PyException> {
    let n = items.len();
    let mut src = items;
    let mut width = 1;
    while width < n {
        let mut dst = Vec::with_capacity(n);
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j) = (lo, mid);
            while i < mid && j < hi {
                if less(&src[j], &src[i])? {
                    dst.push(src[j].clone());
                    j += 1;
                } else {
                    dst.push(src[i].clone());
                    i += 1;
                }
            }
            dst.extend_from_slice(&src[i..mid]);
            dst.extend_from_slice(&src[j..hi]);
            lo = hi;
        }
        src = dst;
        width *= 2;
    }
    Ok(src)
}

/// Sorts values as `sorted(items, key=key, reverse=reverse)` does.
pub fn sort_values(
    vm: &mut dyn Interp,
    host: &mut dyn Host,
    items: Vec<Value>,
    key: Option<Value>,
    reverse: bool,
) -> Result<Vec<Value>, PyException> {
    let keyed: Vec<(Value, Value)> = match key {
        Some(k) if !matches!(k, Value::None) => {
            let mut out = Vec::with_capacity(items.len());
            for v in items {
                out.push((vm.call_sync(host, &k, vec![v.clone()])?, v));
            }
            out
        }
        _ => items.into_iter().map(|v| (v.clone(), v)).collect(),
    };
    // Reverse sorting keeps stability by reversing, sorting, reversing back (as CPython).
    let mut keyed = keyed;
    if reverse {
        keyed.reverse();
    }
    let mut sorted = merge_sort(keyed, &mut |a: &(Value, Value), b: &(Value, Value)| {
        ops::compare(CmpOp::Lt, &a.0, &b.0)
    })?;
    if reverse {
        sorted.reverse();
    }
    Ok(sorted.into_iter().map(|(_, v)| v).collect())
}
