//! Iteration over built-in values (and host objects through the host), and collecting an
//! iterable into a vector or a dict.

use std::cell::RefCell;
use std::rc::Rc;

use crate::py::runtime::object::exception::BuiltinExc;

use crate::py::runtime::host::{Host, HostResult};
use crate::py::runtime::object::value::{
    DictMap, HostRef, IterState, PyException, Value, ViewKind,
};
use crate::py::runtime::ops::errors::{memory_error, type_error, value_error, MAX_LEN};

/// Calls the host and insists on an immediate answer (for contexts that cannot wait, like the
/// inside of `list(...)`).
pub fn host_call_sync(
    host: &mut dyn Host,
    h: &HostRef,
    method: &str,
    args: Vec<Value>,
) -> Result<Value, PyException> {
    match host.call(h, method, args, Vec::new()) {
        HostResult::Return(v) => Ok(v),
        HostResult::Raise(e) => Err(e),
        HostResult::Suspend(_) => Err(PyException::builtin(
            BuiltinExc::RuntimeError,
            format!(
                "{}.{}() cannot wait for the simulation here (only a call in a statement, a for loop or a with statement can)",
                h.type_name, method
            ),
        )),
    }
}

/// The result of advancing an iterator.
pub enum Next {
    /// A value.
    Item(Value),
    /// Exhausted.
    Done,
    /// The next value comes from the host (`__next__` on this object); the count is set when
    /// the value must be wrapped as `enumerate` would.
    Host(HostRef, Option<i64>),
}

pub(super) fn new_iter(state: IterState) -> Value {
    Value::Iter(Rc::new(RefCell::new(state)))
}

/// `iter(v)` for built-in values; `Ok(None)` for host objects (the VM asks the host).
pub fn make_iter(v: &Value) -> Result<Option<Value>, PyException> {
    Ok(Some(match v {
        Value::List(_) | Value::Tuple(_) | Value::Bytes(_) => new_iter(IterState::Seq {
            seq: v.clone(),
            idx: 0,
        }),
        Value::Str(s) => new_iter(IterState::Chars {
            s: s.clone(),
            pos: 0,
        }),
        Value::Range(r) => new_iter(IterState::Range { range: **r, idx: 0 }),
        Value::Dict(d) => new_iter(IterState::Dict {
            dict: d.clone(),
            kind: ViewKind::Keys,
            idx: 0,
            len: d.map.borrow().len(),
        }),
        Value::DictView(dv) => new_iter(IterState::Dict {
            dict: dv.0.clone(),
            kind: dv.1,
            idx: 0,
            len: dv.0.map.borrow().len(),
        }),
        Value::Iter(_) => v.clone(),
        Value::Host(_) => return Ok(None),
        other => {
            return Err(type_error(format!(
                "'{}' object is not iterable",
                other.type_name()
            )))
        }
    }))
}

/// Advances an iterator value.
pub fn next_item(it: &Value) -> Result<Next, PyException> {
    let Value::Iter(cell) = it else {
        if let Value::Host(h) = it {
            return Ok(Next::Host(h.clone(), None));
        }
        return Err(type_error(format!(
            "'{}' object is not an iterator",
            it.type_name()
        )));
    };
    let mut st = cell.borrow_mut();
    let result = match &mut *st {
        IterState::Seq { seq, idx } => {
            let item = match seq {
                Value::List(l) => l.items.borrow().get(*idx).cloned(),
                Value::Tuple(t) => t.items.get(*idx).cloned(),
                Value::Bytes(b) => b.get(*idx).map(|x| Value::Int(*x as i64)),
                _ => None,
            };
            *idx += 1;
            item.map(Next::Item).unwrap_or(Next::Done)
        }
        IterState::Chars { s, pos } => match s[*pos..].chars().next() {
            Some(c) => {
                *pos += c.len_utf8();
                Next::Item(Value::str(c.encode_utf8(&mut [0; 4])))
            }
            None => Next::Done,
        },
        IterState::Range { range, idx } => {
            if *idx < range.len() {
                let v = range.at(*idx);
                *idx += 1;
                Next::Item(Value::Int(v))
            } else {
                Next::Done
            }
        }
        IterState::Dict {
            dict,
            kind,
            idx,
            len,
        } => {
            let map = dict.map.borrow();
            if map.len() != *len {
                return Err(PyException::builtin(
                    BuiltinExc::RuntimeError,
                    "dictionary changed size during iteration",
                ));
            }
            let mut found = None;
            while *idx < map.slots() {
                let slot = map.slot(*idx).cloned();
                *idx += 1;
                if let Some((k, v)) = slot {
                    found = Some(match kind {
                        ViewKind::Keys => k,
                        ViewKind::Values => v,
                        ViewKind::Items => Value::tuple(vec![k, v]),
                    });
                    break;
                }
            }
            found.map(Next::Item).unwrap_or(Next::Done)
        }
        IterState::Enumerate { inner, count } => {
            let inner = inner.clone();
            let c = *count;
            drop(st);
            let r = next_item(&inner)?;
            let mut st = cell.borrow_mut();
            if let IterState::Enumerate { count, .. } = &mut *st {
                if !matches!(r, Next::Done) {
                    *count += 1;
                }
            }
            return Ok(match r {
                Next::Item(v) => Next::Item(Value::tuple(vec![Value::Int(c), v])),
                Next::Done => Next::Done,
                Next::Host(h, _) => Next::Host(h, Some(c)),
            });
        }
        IterState::Zip(inners) => {
            let inners = inners.clone();
            drop(st);
            let mut items = Vec::with_capacity(inners.len());
            for i in &inners {
                match next_item(i)? {
                    Next::Item(v) => items.push(v),
                    Next::Done => {
                        *cell.borrow_mut() = IterState::Done;
                        return Ok(Next::Done);
                    }
                    Next::Host(h, _) => {
                        return Err(PyException::builtin(
                            BuiltinExc::RuntimeError,
                            format!("zip() over a {} iterator is not supported by the mirrorscope Python subset", h.type_name),
                        ))
                    }
                }
            }
            if inners.is_empty() {
                return Ok(Next::Done);
            }
            return Ok(Next::Item(Value::tuple(items)));
        }
        IterState::Reversed { seq, remaining } => {
            if *remaining == 0 {
                Next::Done
            } else {
                *remaining -= 1;
                let i = *remaining;
                let item = match seq {
                    Value::List(l) => l.items.borrow().get(i).cloned(),
                    Value::Tuple(t) => t.items.get(i).cloned(),
                    Value::Str(s) => s.chars().nth(i).map(|c| Value::str(&c.to_string())),
                    Value::Range(r) => Some(Value::Int(r.at(i as i64))),
                    Value::Bytes(b) => b.get(i).map(|x| Value::Int(*x as i64)),
                    _ => None,
                };
                item.map(Next::Item).unwrap_or(Next::Done)
            }
        }
        IterState::Host(h) => Next::Host(h.clone(), None),
        IterState::Done => Next::Done,
    };
    Ok(result)
}

/// All items of a built-in iterable, without any host involvement (`None` if not iterable
/// that way).
pub fn collect_simple(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::List(l) => Some(l.items.borrow().clone()),
        Value::Tuple(t) => Some(t.items.clone()),
        _ => {
            let it = make_iter(v).ok()??;
            let mut out = Vec::new();
            loop {
                match next_item(&it).ok()? {
                    Next::Item(x) => {
                        out.push(x);
                        if out.len() > MAX_LEN {
                            return None;
                        }
                    }
                    Next::Done => return Some(out),
                    Next::Host(..) => return None,
                }
            }
        }
    }
}

/// All items of any iterable; host iterables are driven with immediate host calls.
pub fn collect(host: &mut dyn Host, v: &Value) -> Result<Vec<Value>, PyException> {
    // Refused before any copying: the copy is the operation's cost.
    match v {
        Value::List(l) if l.items.borrow().len() > MAX_LEN => return Err(memory_error()),
        Value::List(l) => return Ok(l.items.borrow().clone()),
        Value::Tuple(t) if t.items.len() > MAX_LEN => return Err(memory_error()),
        Value::Tuple(t) => return Ok(t.items.clone()),
        Value::Range(r) if r.len() > MAX_LEN as i64 => return Err(memory_error()),
        _ => {}
    }
    let it = match make_iter(v)? {
        Some(it) => it,
        None => {
            let Value::Host(h) = v else {
                return Err(type_error(format!(
                    "'{}' object is not iterable",
                    v.type_name()
                )));
            };
            host_call_sync(host, h, "__iter__", Vec::new())?
        }
    };
    let mut out = Vec::new();
    loop {
        match next_item(&it)? {
            Next::Item(x) => out.push(x),
            Next::Done => return Ok(out),
            Next::Host(h, count) => match host.call(&h, "__next__", Vec::new(), Vec::new()) {
                HostResult::Return(x) => out.push(match count {
                    Some(c) => Value::tuple(vec![Value::Int(c), x]),
                    None => x,
                }),
                HostResult::Raise(e) if e.is(BuiltinExc::StopIteration) => return Ok(out),
                HostResult::Raise(e) => return Err(e),
                HostResult::Suspend(_) => {
                    return Err(PyException::builtin(
                        BuiltinExc::RuntimeError,
                        format!(
                            "{} iterator cannot wait for the simulation here (use a for loop)",
                            h.type_name
                        ),
                    ))
                }
            },
        }
        if out.len() > MAX_LEN {
            return Err(memory_error());
        }
    }
}

/// Builds a dict from an iterable of pairs or another dict.
pub fn dict_from(host: &mut dyn Host, v: &Value) -> Result<DictMap, PyException> {
    let mut map = DictMap::default();
    if let Value::Dict(d) = v {
        for (k, x) in d.map.borrow().iter() {
            map.insert(k.clone(), x.clone())?;
        }
        return Ok(map);
    }
    for (n, item) in collect(host, v)?.into_iter().enumerate() {
        let pair = collect(host, &item).map_err(|_| {
            type_error(format!(
                "cannot convert dictionary update sequence element #{n} to a sequence"
            ))
        })?;
        if pair.len() != 2 {
            return Err(value_error(format!(
                "dictionary update sequence element #{n} has length {}; 2 is required",
                pair.len()
            )));
        }
        let mut it = pair.into_iter();
        if let (Some(k), Some(x)) = (it.next(), it.next()) {
            map.insert(k, x)?;
        }
    }
    Ok(map)
}
