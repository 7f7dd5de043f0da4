//! Deep copies of a script's objects, for keeping an interpreter's state at a point in time
//! (the playground's checkpoints) and resuming the copy later as if it were the original.
//!
//! Every mutable object is copied once and the copies refer to each other as the originals
//! do, so sharing (`a = b = []`) and cycles (`l.append(l)`) come out the same, and so does
//! everything identity-based (`is`, dict keys hashed by address). Immutable objects without
//! anything mutable inside (strings, bytes, ranges, host handles, exception classes, code)
//! stay shared between the original and the copy: neither can tell.
//!
//! Mutable containers are copied without recursion (an empty copy is made and remembered, its
//! contents are filled in from a work list), so a list nested a million deep copies as well
//! as a flat one. Immutable containers (tuples, slices, bound methods, a function's defaults,
//! an exception's arguments) need their contents first: nesting of those deeper than
//! [`MAX_VALUE_DEPTH`] makes the whole copy fail rather than risk the Rust stack.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::rc::Rc;

use crate::py::runtime::object::value::{
    BoundMethod, Cell, Dict, ExcObj, Fnv, Function, IterState, List, Module, PyException, Tuple,
    Value, MAX_VALUE_DEPTH,
};

type Memo<T> = HashMap<usize, T, BuildHasherDefault<Fnv>>;

/// A copy of a mutable object made but not filled yet: (original, copy).
enum Fill {
    List(Rc<List>, Rc<List>),
    Dict(Rc<Dict>, Rc<Dict>),
    Iter(Rc<RefCell<IterState>>, Rc<RefCell<IterState>>),
    Module(Rc<Module>, Rc<Module>),
    Exception(PyException, PyException),
    Cell(Cell, Cell),
}

/// One deep copy in progress: the copies made so far, by the address of their original (the
/// originals are borrowed for the whole copy, so no address is reused meanwhile). Start one
/// with [`Copier::copy`], which hands out a copier and finishes what it was given.
pub struct Copier {
    values: Memo<Value>,
    dicts: Memo<Rc<Dict>>,
    exceptions: Memo<PyException>,
    cells: Memo<Cell>,
    todo: Vec<Fill>,
    depth: usize,
    too_deep: bool,
}

impl Copier {
    /// Runs `f` with a fresh copier and completes every copy it made; `None` when some
    /// immutable nesting was too deep to copy (what `f` returned is then incomplete).
    pub fn copy<T>(f: impl FnOnce(&mut Copier) -> T) -> Option<T> {
        let mut c = Copier {
            values: Memo::default(),
            dicts: Memo::default(),
            exceptions: Memo::default(),
            cells: Memo::default(),
            todo: Vec::new(),
            depth: 0,
            too_deep: false,
        };
        let out = f(&mut c);
        while let Some(fill) = c.todo.pop() {
            if c.too_deep {
                break;
            }
            c.fill(fill);
        }
        (!c.too_deep).then_some(out)
    }

    /// Replaces `v` with its copy, leaving it alone when the copy would be `v` itself (a
    /// host's records hold many strings and numbers: cloning those only to drop the original
    /// was most of copying them).
    pub fn replace(&mut self, v: &mut Value) {
        if !Copier::is_shared(v) {
            *v = self.value(v);
        }
    }

    /// Whether `v`'s copy is `v` itself: nothing mutable can be reached from it.
    pub fn is_shared(v: &Value) -> bool {
        matches!(
            v,
            Value::None
                | Value::Bool(_)
                | Value::Int(_)
                | Value::Float(_)
                | Value::Str(_)
                | Value::Bytes(_)
                | Value::Range(_)
                | Value::Builtin(_)
                | Value::Type(_)
                | Value::ExcClass(_)
                | Value::Host(_)
                | Value::HostMethod(_)
        )
    }

    /// The copy of `v` (the same copy each time the same object is asked for).
    pub fn value(&mut self, v: &Value) -> Value {
        match v {
            // As `is_shared` lists them (named here so that a new kind of value must be placed).
            Value::None
            | Value::Bool(_)
            | Value::Int(_)
            | Value::Float(_)
            | Value::Str(_)
            | Value::Bytes(_)
            | Value::Range(_)
            | Value::Builtin(_)
            | Value::Type(_)
            | Value::ExcClass(_)
            | Value::Host(_)
            | Value::HostMethod(_) => v.clone(),
            Value::List(l) => self.remembered(Rc::as_ptr(l) as usize, |c| {
                let copy = Rc::new(List {
                    items: RefCell::new(Vec::with_capacity(l.items.borrow().capacity())),
                });
                c.todo.push(Fill::List(l.clone(), copy.clone()));
                Value::List(copy)
            }),
            Value::Dict(d) => Value::Dict(self.dict(d)),
            Value::Iter(it) => self.remembered(Rc::as_ptr(it) as usize, |c| {
                let copy = Rc::new(RefCell::new(IterState::Done));
                c.todo.push(Fill::Iter(it.clone(), copy.clone()));
                Value::Iter(copy)
            }),
            Value::Module(m) => self.remembered(Rc::as_ptr(m) as usize, |c| {
                let copy = Rc::new(Module {
                    name: m.name.clone(),
                    attrs: RefCell::new(Vec::new()),
                });
                c.todo.push(Fill::Module(m.clone(), copy.clone()));
                Value::Module(copy)
            }),
            Value::Exception(e) => Value::Exception(self.exception(e)),
            Value::Tuple(t) => self.built(Rc::as_ptr(t) as usize, |c| {
                let items = t.items.iter().map(|x| c.value(x)).collect();
                move || Value::Tuple(Rc::new(Tuple { items }))
            }),
            Value::Slice(s) => self.built(Rc::as_ptr(s) as *const u8 as usize, |c| {
                let parts = [c.value(&s[0]), c.value(&s[1]), c.value(&s[2])];
                move || Value::Slice(Rc::new(parts))
            }),
            Value::Method(m) => self.built(Rc::as_ptr(m) as usize, |c| {
                let receiver = c.value(&m.receiver);
                let name = m.name.clone();
                move || Value::Method(Rc::new(BoundMethod { receiver, name }))
            }),
            Value::Function(f) => self.built(Rc::as_ptr(f) as usize, |c| {
                let defaults = f.defaults.iter().map(|x| c.value(x)).collect();
                let closure = f.closure.iter().map(|x| c.cell(x)).collect();
                let code = f.code.clone();
                move || {
                    Value::Function(Rc::new(Function {
                        code,
                        defaults,
                        closure,
                    }))
                }
            }),
            Value::DictView(view) => self.built(Rc::as_ptr(view) as usize, |c| {
                let dict = c.dict(&view.0);
                let kind = view.1;
                move || Value::DictView(Rc::new((dict, kind)))
            }),
        }
    }

    /// The copy of an exception instance.
    pub fn exception(&mut self, e: &PyException) -> PyException {
        let key = Rc::as_ptr(&e.0) as usize;
        if let Some(x) = self.exceptions.get(&key) {
            return x.clone();
        }
        if !self.enter() {
            return e.clone();
        }
        let args = e.0.args.iter().map(|x| self.value(x)).collect();
        self.depth -= 1;
        let copy = PyException(Rc::new(ExcObj {
            class: e.0.class.clone(),
            args,
            traceback: RefCell::new(e.0.traceback.borrow().clone()),
            context: RefCell::new(None),
            cause: RefCell::new(None),
            hint: RefCell::new(e.0.hint.borrow().clone()),
            attrs: RefCell::new(Vec::new()),
        }));
        self.exceptions.insert(key, copy.clone());
        self.todo.push(Fill::Exception(e.clone(), copy.clone()));
        copy
    }

    /// The copy of a closure cell.
    pub fn cell(&mut self, cell: &Cell) -> Cell {
        let key = Rc::as_ptr(cell) as usize;
        if let Some(c) = self.cells.get(&key) {
            return c.clone();
        }
        let copy: Cell = Rc::new(RefCell::new(None));
        self.cells.insert(key, copy.clone());
        self.todo.push(Fill::Cell(cell.clone(), copy.clone()));
        copy
    }

    fn dict(&mut self, d: &Rc<Dict>) -> Rc<Dict> {
        let key = Rc::as_ptr(d) as usize;
        if let Some(x) = self.dicts.get(&key) {
            return x.clone();
        }
        let copy = Rc::new(Dict::default());
        self.dicts.insert(key, copy.clone());
        self.todo.push(Fill::Dict(d.clone(), copy.clone()));
        copy
    }

    /// One level deeper into immutable containers; false (and the copy failed) past the limit.
    fn enter(&mut self) -> bool {
        if self.depth >= MAX_VALUE_DEPTH {
            self.too_deep = true;
            return false;
        }
        self.depth += 1;
        true
    }

    /// A mutable object's copy: the one made before, or an empty one `make` remembers to
    /// fill (remembered before anything inside is copied, so cycles through it close).
    fn remembered(&mut self, key: usize, make: impl FnOnce(&mut Copier) -> Value) -> Value {
        if let Some(v) = self.values.get(&key) {
            return v.clone();
        }
        let v = make(self);
        self.values.insert(key, v.clone());
        v
    }

    /// An immutable object's copy: the one made before, or one built from copies of its
    /// contents (`parts` copies them and gives the builder).
    fn built<B: FnOnce() -> Value>(
        &mut self,
        key: usize,
        parts: impl FnOnce(&mut Copier) -> B,
    ) -> Value {
        if let Some(v) = self.values.get(&key) {
            return v.clone();
        }
        if !self.enter() {
            return Value::None;
        }
        let build = parts(self);
        self.depth -= 1;
        // Copying the contents cannot come back here (only mutable objects close cycles, and
        // their contents wait in the work list), so nothing was remembered meanwhile.
        let v = build();
        self.values.insert(key, v.clone());
        v
    }

    fn fill(&mut self, fill: Fill) {
        match fill {
            Fill::List(from, to) => {
                let items: Vec<Value> = from.items.borrow().iter().map(|x| self.value(x)).collect();
                to.items.borrow_mut().extend(items);
            }
            Fill::Dict(from, to) => {
                let map = from.map.borrow().map_entries(|x| self.value(x));
                *to.map.borrow_mut() = map;
            }
            Fill::Iter(from, to) => {
                let state = match &*from.borrow() {
                    IterState::Seq { seq, idx } => IterState::Seq {
                        seq: self.value(seq),
                        idx: *idx,
                    },
                    IterState::Chars { s, pos } => IterState::Chars {
                        s: s.clone(),
                        pos: *pos,
                    },
                    IterState::Range { range, idx } => IterState::Range {
                        range: *range,
                        idx: *idx,
                    },
                    IterState::Dict {
                        dict,
                        kind,
                        idx,
                        len,
                    } => IterState::Dict {
                        dict: self.dict(dict),
                        kind: *kind,
                        idx: *idx,
                        len: *len,
                    },
                    IterState::Enumerate { inner, count } => IterState::Enumerate {
                        inner: self.value(inner),
                        count: *count,
                    },
                    IterState::Zip(parts) => {
                        IterState::Zip(parts.iter().map(|x| self.value(x)).collect())
                    }
                    IterState::Reversed { seq, remaining } => IterState::Reversed {
                        seq: self.value(seq),
                        remaining: *remaining,
                    },
                    IterState::Host(h) => IterState::Host(h.clone()),
                    IterState::Done => IterState::Done,
                };
                *to.borrow_mut() = state;
            }
            Fill::Module(from, to) => {
                let attrs: Vec<(Rc<str>, Value)> = from
                    .attrs
                    .borrow()
                    .iter()
                    .map(|(k, v)| (k.clone(), self.value(v)))
                    .collect();
                *to.attrs.borrow_mut() = attrs;
            }
            Fill::Exception(from, to) => {
                let context = from.0.context.borrow().as_ref().map(|x| self.exception(x));
                let cause = from.0.cause.borrow().as_ref().map(|x| self.exception(x));
                let attrs: Vec<(Rc<str>, Value)> = from
                    .0
                    .attrs
                    .borrow()
                    .iter()
                    .map(|(k, v)| (k.clone(), self.value(v)))
                    .collect();
                *to.0.context.borrow_mut() = context;
                *to.0.cause.borrow_mut() = cause;
                *to.0.attrs.borrow_mut() = attrs;
            }
            Fill::Cell(from, to) => {
                let v = from.borrow().as_ref().map(|x| self.value(x));
                *to.borrow_mut() = v;
            }
        }
    }
}
