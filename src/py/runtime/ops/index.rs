//! Indexing and slicing: `a[i]`, `a[i:j:k]`, assignment and deletion.

use std::rc::Rc;

use crate::py::runtime::object::exception::{BuiltinExc, ExcClass};

use crate::py::runtime::object::value::{PyException, RangeObj, Value};
use crate::py::runtime::ops::errors::{overflow, type_error, value_error};
use crate::py::runtime::ops::iter::collect_simple;

/// Resolves a slice against a length: (start, stop, step, count).
pub fn slice_indices(s: &[Value; 3], len: i64) -> Result<(i64, i64, i64, i64), PyException> {
    let get = |v: &Value| -> Result<Option<i64>, PyException> {
        match v {
            Value::None => Ok(None),
            other => other.as_int().map(Some).ok_or_else(|| {
                type_error("slice indices must be integers or None or have an __index__ method")
            }),
        }
    };
    let step = get(&s[2])?.unwrap_or(1);
    if step == 0 {
        return Err(value_error("slice step cannot be zero"));
    }
    let adjust = |v: Option<i64>, default: i64, lo: i64, hi: i64| -> i64 {
        match v {
            None => default,
            Some(mut i) => {
                if i < 0 {
                    i = i.saturating_add(len);
                    if i < lo {
                        i = lo;
                    }
                } else if i > hi {
                    i = hi;
                }
                i
            }
        }
    };
    let (start, stop) = if step > 0 {
        (
            adjust(get(&s[0])?, 0, 0, len),
            adjust(get(&s[1])?, len, 0, len),
        )
    } else {
        (
            adjust(get(&s[0])?, len - 1, -1, len - 1),
            adjust(get(&s[1])?, -1, -1, len - 1),
        )
    };
    let count = if step > 0 {
        if stop > start {
            (stop - start - 1) / step + 1
        } else {
            0
        }
    } else if start > stop {
        (start - stop - 1) / (-step) + 1
    } else {
        0
    };
    Ok((start, stop, step, count))
}

pub(super) fn pick<T: Clone>(items: &[T], s: &[Value; 3]) -> Result<Vec<T>, PyException> {
    let (start, _, step, count) = slice_indices(s, items.len() as i64)?;
    Ok((0..count)
        .filter_map(|k| items.get((start + k * step) as usize).cloned())
        .collect())
}

pub(super) fn norm_index(i: i64, len: usize) -> Option<usize> {
    let len = len as i64;
    let j = if i < 0 { i + len } else { i };
    (0..len).contains(&j).then_some(j as usize)
}

pub(super) fn index_of(v: &Value, what: &str) -> Result<i64, PyException> {
    v.as_int().ok_or_else(|| {
        type_error(format!(
            "{what} indices must be integers or slices, not {}",
            v.type_name()
        ))
    })
}

/// `obj[idx]` for built-in values (host objects are handled by the VM).
pub fn getitem(obj: &Value, idx: &Value) -> Result<Value, PyException> {
    match obj {
        Value::List(l) => {
            if let Value::Slice(s) = idx {
                return Ok(Value::list(pick(&l.items.borrow(), s)?));
            }
            let i = index_of(idx, "list")?;
            let items = l.items.borrow();
            norm_index(i, items.len())
                .map(|j| items[j].clone())
                .ok_or_else(|| {
                    PyException::builtin(BuiltinExc::IndexError, "list index out of range")
                })
        }
        Value::Tuple(t) => {
            if let Value::Slice(s) = idx {
                return Ok(Value::tuple(pick(&t.items, s)?));
            }
            let i = index_of(idx, "tuple")?;
            norm_index(i, t.items.len())
                .map(|j| t.items[j].clone())
                .ok_or_else(|| {
                    PyException::builtin(BuiltinExc::IndexError, "tuple index out of range")
                })
        }
        Value::Str(s) => {
            if let Value::Slice(sl) = idx {
                let chars: Vec<char> = s.chars().collect();
                return Ok(Value::str(
                    &pick(&chars, sl)?.into_iter().collect::<String>(),
                ));
            }
            let i = idx.as_int().ok_or_else(|| {
                type_error(format!(
                    "string indices must be integers, not '{}'",
                    idx.type_name()
                ))
            })?;
            let n = if s.is_ascii() {
                s.len()
            } else {
                s.chars().count()
            };
            let j = norm_index(i, n).ok_or_else(|| {
                PyException::builtin(BuiltinExc::IndexError, "string index out of range")
            })?;
            let c = if s.is_ascii() {
                s[j..j + 1].to_string()
            } else {
                s.chars().nth(j).map(|c| c.to_string()).unwrap_or_default()
            };
            Ok(Value::str(&c))
        }
        Value::Bytes(b) => {
            if let Value::Slice(s) = idx {
                return Ok(Value::bytes(&pick(b, s)?));
            }
            let i = index_of(idx, "byte")?;
            norm_index(i, b.len())
                .map(|j| Value::Int(b[j] as i64))
                .ok_or_else(|| PyException::builtin(BuiltinExc::IndexError, "index out of range"))
        }
        Value::Dict(d) => d.map.borrow().get(idx)?.ok_or_else(|| {
            PyException::with_args(ExcClass::Builtin(BuiltinExc::KeyError), vec![idx.clone()])
        }),
        Value::Range(r) => {
            if let Value::Slice(s) = idx {
                let (start, _, step, count) = slice_indices(s, r.len())?;
                let new_start = r.start as i128 + start as i128 * r.step as i128;
                let new_step = r.step as i128 * step as i128;
                let new_stop = new_start + count as i128 * new_step;
                let fit = |x: i128| i64::try_from(x).map_err(|_| overflow());
                return Ok(Value::Range(Rc::new(RangeObj {
                    start: fit(new_start)?,
                    stop: fit(new_stop)?,
                    step: fit(new_step)?,
                })));
            }
            let i = index_of(idx, "range")?;
            let len = r.len();
            let j = if i < 0 { i + len } else { i };
            if !(0..len).contains(&j) {
                return Err(PyException::builtin(
                    BuiltinExc::IndexError,
                    "range object index out of range",
                ));
            }
            Ok(Value::Int(r.at(j)))
        }
        other => Err(type_error(format!(
            "'{}' object is not subscriptable",
            other.type_name()
        ))),
    }
}

/// `obj[idx] = value` for built-in values.
pub fn setitem(obj: &Value, idx: &Value, value: Value) -> Result<(), PyException> {
    match obj {
        Value::List(l) => {
            if let Value::Slice(s) = idx {
                let new_items = collect_simple(&value)
                    .ok_or_else(|| type_error("can only assign an iterable"))?;
                let mut items = l.items.borrow_mut();
                let (start, stop, step, count) = slice_indices(s, items.len() as i64)?;
                if step == 1 {
                    let stop = stop.max(start) as usize;
                    let start = start as usize;
                    items.splice(start..stop, new_items);
                } else {
                    if new_items.len() as i64 != count {
                        return Err(value_error(format!(
                            "attempt to assign sequence of size {} to extended slice of size {}",
                            new_items.len(),
                            count
                        )));
                    }
                    for (k, v) in new_items.into_iter().enumerate() {
                        let at = (start + k as i64 * step) as usize;
                        if let Some(slot) = items.get_mut(at) {
                            *slot = v;
                        }
                    }
                }
                return Ok(());
            }
            let i = index_of(idx, "list")?;
            let mut items = l.items.borrow_mut();
            let n = items.len();
            let j = norm_index(i, n).ok_or_else(|| {
                PyException::builtin(BuiltinExc::IndexError, "list assignment index out of range")
            })?;
            items[j] = value;
            Ok(())
        }
        Value::Dict(d) => d.map.borrow_mut().insert(idx.clone(), value),
        other => Err(type_error(format!(
            "'{}' object does not support item assignment",
            other.type_name()
        ))),
    }
}

/// `del obj[idx]` for built-in values.
pub fn delitem(obj: &Value, idx: &Value) -> Result<(), PyException> {
    match obj {
        Value::List(l) => {
            let mut items = l.items.borrow_mut();
            if let Value::Slice(s) = idx {
                let (start, _, step, count) = slice_indices(s, items.len() as i64)?;
                let mut drop_at: Vec<usize> =
                    (0..count).map(|k| (start + k * step) as usize).collect();
                crate::sort::sort(&mut drop_at);
                for at in drop_at.into_iter().rev() {
                    if at < items.len() {
                        items.remove(at);
                    }
                }
                return Ok(());
            }
            let i = index_of(idx, "list")?;
            let n = items.len();
            let j = norm_index(i, n).ok_or_else(|| {
                PyException::builtin(BuiltinExc::IndexError, "list assignment index out of range")
            })?;
            items.remove(j);
            Ok(())
        }
        Value::Dict(d) => match d.map.borrow_mut().remove(idx)? {
            Some(_) => Ok(()),
            None => Err(PyException::with_args(
                ExcClass::Builtin(BuiltinExc::KeyError),
                vec![idx.clone()],
            )),
        },
        other => Err(type_error(format!(
            "'{}' object doesn't support item deletion",
            other.type_name()
        ))),
    }
}
