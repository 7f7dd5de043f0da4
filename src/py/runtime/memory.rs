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
pub const MEMORY_LIMIT: u64 = 512 << 20;

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
    let mut walk = Walk {
        seen: HashSet::new(),
        todo: Vec::new(),
        total: 0,
    };
    for v in roots {
        walk.total += slot;
        walk.visit(v);
    }
    while let Some(v) = walk.todo.pop() {
        if walk.total > MEMORY_LIMIT {
            break;
        }
        match &v {
            Value::List(l) => {
                let items = l.items.borrow();
                walk.total += items.capacity() as u64 * slot;
                items.iter().for_each(|x| walk.visit(x));
            }
            Value::Tuple(t) => {
                walk.total += t.items.len() as u64 * slot;
                t.items.iter().for_each(|x| walk.visit(x));
            }
            Value::Dict(d) => {
                let map = d.map.borrow();
                walk.total += map.slots() as u64 * (2 * slot + 16);
                for (k, val) in map.iter() {
                    walk.visit(k);
                    walk.visit(val);
                }
            }
            Value::Function(f) => {
                f.defaults.iter().for_each(|x| walk.visit(x));
                for c in &f.closure {
                    if walk.seen.insert(Rc::as_ptr(c) as usize) {
                        if let Some(x) = c.borrow().as_ref() {
                            walk.visit(x);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    walk.total
}

/// A measurement in progress: containers still to open, and the shared objects already counted.
struct Walk {
    seen: HashSet<usize>,
    todo: Vec<Value>,
    total: u64,
}

impl Walk {
    /// Counts a string's bytes, or queues a container to open, once per shared object; a
    /// scalar's slot is counted by its container.
    fn visit(&mut self, v: &Value) {
        let ptr = match v {
            Value::Str(s) => s.as_ptr() as usize,
            Value::Bytes(b) => b.as_ptr() as usize,
            Value::List(l) => Rc::as_ptr(l) as usize,
            Value::Tuple(t) => Rc::as_ptr(t) as usize,
            Value::Dict(d) => Rc::as_ptr(d) as usize,
            Value::Function(f) => Rc::as_ptr(f) as usize,
            _ => return,
        };
        if !self.seen.insert(ptr) {
            return;
        }
        match v {
            Value::Str(s) => self.total += s.len() as u64,
            Value::Bytes(b) => self.total += b.len() as u64,
            _ => self.todo.push(v.clone()),
        }
    }
}
