//! The bound on a script's memory in total. One operation is already capped (`ops::MAX_LEN`);
//! this bounds what all of a script's objects hold together, as a real Python process ends in
//! `MemoryError` when the machine has no more to give.
//!
//! The constructors of strings, bytes, lists and tuples charge their size (`object::charge`); once the charges
//! since the last measurement could have taken the script over [`MEMORY_LIMIT`], the VM measures
//! what is really live (everything reachable from the globals and the frames, each shared object
//! once) before the next instruction, and raises `MemoryError` if it is over. Values reachable
//! only from an iterator or an exception's arguments are not measured.

use std::collections::HashSet;
use std::rc::Rc;

use crate::py::runtime::object::charge::take_charged;
use crate::py::runtime::object::value::Value;

/// Bytes of live Python objects one script may hold.
pub const MEMORY_LIMIT: u64 = 256 << 20;

/// Bytes a script may allocate between two measurements without any [`charge`]: a bound on
/// what each instruction allocates that no charge reports (an `append`, a small string).
const UNCHARGED_PER_INSTRUCTION: u64 = 64;

/// A script's memory meter: what was live at the last measurement and what may have been added
/// since.
#[derive(Debug, Default, Clone)]
pub(crate) struct Meter {
    live: u64,
    since: u64,
    instructions: u64,
}

impl Meter {
    /// Adds the charges taken from the thread and one instruction; whether a measurement is due.
    pub(crate) fn after_instruction(&mut self) -> bool {
        self.instructions += 1;
        let charged = take_charged();
        self.since = self.since.saturating_add(charged);
        if charged == 0 && !self.instructions.is_multiple_of(4096) {
            return false;
        }
        let unreported = self.instructions.saturating_mul(UNCHARGED_PER_INSTRUCTION);
        let added = self.since.saturating_add(unreported);
        // Headroom, but never measure more often than every eighth of the limit.
        let slack = MEMORY_LIMIT.saturating_sub(self.live).max(MEMORY_LIMIT / 8);
        added > slack
    }

    /// Stores a measurement; whether it is over the limit.
    pub(crate) fn measured(&mut self, live: u64) -> bool {
        self.live = live;
        self.since = 0;
        self.instructions = 0;
        live > MEMORY_LIMIT
    }
}

/// The bytes held by everything reachable from `roots`, each shared object counted once. Stops
/// counting once past [`MEMORY_LIMIT`] (the answer is then only known to be over it).
pub(crate) fn live_bytes<'a>(roots: impl Iterator<Item = &'a Value>) -> u64 {
    let slot = std::mem::size_of::<Value>() as u64;
    let mut seen: HashSet<usize> = HashSet::new();
    let mut todo: Vec<Value> = roots.cloned().collect();
    let mut total = 0u64;
    while let Some(v) = todo.pop() {
        if total > MEMORY_LIMIT {
            break;
        }
        total += slot;
        let fresh = |seen: &mut HashSet<usize>, p: usize| seen.insert(p);
        match &v {
            Value::Str(s) if fresh(&mut seen, s.as_ptr() as usize) => total += s.len() as u64,
            Value::Bytes(b) if fresh(&mut seen, b.as_ptr() as usize) => total += b.len() as u64,
            Value::List(l) if fresh(&mut seen, Rc::as_ptr(l) as usize) => {
                let items = l.items.borrow();
                total += items.capacity() as u64 * slot;
                todo.extend(items.iter().cloned());
            }
            Value::Tuple(t) if fresh(&mut seen, Rc::as_ptr(t) as usize) => {
                todo.extend(t.items.iter().cloned());
            }
            Value::Dict(d) if fresh(&mut seen, Rc::as_ptr(d) as usize) => {
                let map = d.map.borrow();
                total += map.slots() as u64 * (2 * slot + 16);
                for (k, val) in map.iter() {
                    todo.push(k.clone());
                    todo.push(val.clone());
                }
            }
            Value::Function(f) if fresh(&mut seen, Rc::as_ptr(f) as usize) => {
                todo.extend(f.defaults.iter().cloned());
                for c in &f.closure {
                    if fresh(&mut seen, Rc::as_ptr(c) as usize) {
                        todo.extend(c.borrow().iter().cloned());
                    }
                }
            }
            _ => {}
        }
    }
    total
}
