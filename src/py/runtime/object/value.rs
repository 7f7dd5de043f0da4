//! Runtime values.
//!
//! Containers are shared and mutable exactly where Python's are (`list`, `dict` behind
//! `Rc<RefCell>`), immutable where Python's are (`str`, `bytes`, `tuple`). Integers are 64-bit:
//! an operation whose exact result does not fit raises `OverflowError` rather than silently
//! changing type, so a script never computes a different number than CPython would without
//! saying so. Reference cycles (`a.append(a)`) are not collected; they live as long as the VM.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use crate::py::runtime::object::charge::charge;

use crate::py::runtime::object::exception::{BuiltinExc, ExcClass};

use crate::py::front::ast::Constant;
use crate::py::front::bytecode::Code;

/// An opaque handle to an object owned by the host (a connection, a channel, a module...). The VM
/// never looks inside: attribute reads, calls and `repr` go back to the host with the handle.
#[derive(Debug, Clone)]
pub struct HostRef {
    /// The host's identifier for the object; two handles with the same id are the same object.
    pub id: u64,
    /// Python-visible type name, e.g. `BlockingConnection` (used in `repr` and error messages).
    pub type_name: Rc<str>,
}

impl HostRef {
    /// A handle with the given id and type name.
    pub fn new(id: u64, type_name: &str) -> HostRef {
        HostRef {
            id,
            type_name: Rc::from(type_name),
        }
    }
}

/// The built-in types that are also callables (`int('3')`) and `isinstance` targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum TypeKind {
    NoneType,
    Bool,
    Int,
    Float,
    Str,
    Bytes,
    List,
    Tuple,
    Dict,
    Range,
    Function,
    Module,
    Object,
}

impl TypeKind {
    /// The Python name of the type.
    pub fn name(self) -> &'static str {
        match self {
            TypeKind::NoneType => "NoneType",
            TypeKind::Bool => "bool",
            TypeKind::Int => "int",
            TypeKind::Float => "float",
            TypeKind::Str => "str",
            TypeKind::Bytes => "bytes",
            TypeKind::List => "list",
            TypeKind::Tuple => "tuple",
            TypeKind::Dict => "dict",
            TypeKind::Range => "range",
            TypeKind::Function => "function",
            TypeKind::Module => "module",
            TypeKind::Object => "object",
        }
    }
}

/// A Python value.
#[derive(Debug, Clone)]
pub enum Value {
    /// `None`.
    None,
    /// `True` / `False`.
    Bool(bool),
    /// A 64-bit integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string (immutable, shared).
    Str(Rc<str>),
    /// A bytes object.
    Bytes(Rc<[u8]>),
    /// A list (shared, mutable).
    List(Rc<List>),
    /// A tuple.
    Tuple(Rc<Tuple>),
    /// A dict (shared, mutable, insertion-ordered).
    Dict(Rc<Dict>),
    /// `range(start, stop, step)`.
    Range(Rc<RangeObj>),
    /// A slice object (`a[1:2]`), only ever seen by indexing.
    Slice(Rc<[Value; 3]>),
    /// A function defined in the script (`def` or `lambda`).
    Function(Rc<Function>),
    /// A built-in function such as `len`.
    Builtin(crate::py::runtime::object::builtin_fn::BuiltinFn),
    /// A built-in type such as `int` (callable).
    Type(TypeKind),
    /// A method of a built-in value bound to it (`"-".join`).
    Method(Rc<BoundMethod>),
    /// An exception class.
    ExcClass(ExcClass),
    /// An exception instance.
    Exception(PyException),
    /// A module whose attributes are plain values (host-built or built in).
    Module(Rc<Module>),
    /// A host object.
    Host(HostRef),
    /// A method of a host object (`channel.basic_ack` without calling it).
    HostMethod(Rc<(HostRef, Rc<str>)>),
    /// An iterator (`iter(x)`, `enumerate`, `zip`, dict views being iterated...).
    Iter(Rc<RefCell<IterState>>),
    /// `d.keys()`, `d.values()`, `d.items()`.
    DictView(Rc<(Rc<Dict>, ViewKind)>),
}

/// Which view of a dict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum ViewKind {
    Keys,
    Values,
    Items,
}

/// A method of a built-in value, bound to its receiver.
#[derive(Debug)]
pub struct BoundMethod {
    /// The receiver (`self`).
    pub receiver: Value,
    /// The method name.
    pub name: Rc<str>,
}

/// A module: a name and its attributes. Hosts may build modules this way instead of handing out
/// host objects, when the attributes are plain values (classes, constants, host callables).
#[derive(Debug)]
pub struct Module {
    /// Dotted module name.
    pub name: String,
    /// Attributes in definition order.
    pub attrs: RefCell<Vec<(Rc<str>, Value)>>,
}

impl Module {
    /// A module with the given attributes.
    pub fn new(name: &str, attrs: Vec<(&str, Value)>) -> Rc<Module> {
        Rc::new(Module {
            name: name.to_string(),
            attrs: RefCell::new(attrs.into_iter().map(|(k, v)| (Rc::from(k), v)).collect()),
        })
    }

    /// Reads an attribute.
    pub fn get(&self, name: &str) -> Option<Value> {
        self.attrs
            .borrow()
            .iter()
            .find(|(k, _)| &**k == name)
            .map(|(_, v)| v.clone())
    }

    /// Sets (or adds) an attribute.
    pub fn set(&self, name: &str, value: Value) {
        let mut attrs = self.attrs.borrow_mut();
        if let Some(slot) = attrs.iter_mut().find(|(k, _)| &**k == name) {
            slot.1 = value;
        } else {
            attrs.push((Rc::from(name), value));
        }
    }
}

/// A function object: code plus what was captured when `def` ran.
#[derive(Debug)]
pub struct Function {
    /// Compiled body.
    pub code: Rc<Code>,
    /// Default values, aligned with `code.default_params`.
    pub defaults: Vec<Value>,
    /// Cells of enclosing functions this function reads or writes.
    pub closure: Vec<Cell>,
}

/// A variable shared between a function and the functions nested in it.
pub type Cell = Rc<RefCell<Option<Value>>>;

/// The storage of a list.
#[derive(Debug, Default)]
pub struct List {
    /// Items.
    pub items: RefCell<Vec<Value>>,
}

/// The storage of a tuple.
#[derive(Debug, Default)]
pub struct Tuple {
    /// Items.
    pub items: Vec<Value>,
}

/// `range` parameters.
#[derive(Debug, Clone, Copy)]
pub struct RangeObj {
    /// First value.
    pub start: i64,
    /// Bound (exclusive).
    pub stop: i64,
    /// Step, never zero.
    pub step: i64,
}

impl RangeObj {
    /// Number of values.
    pub fn len(&self) -> i64 {
        let (start, stop, step) = (self.start as i128, self.stop as i128, self.step as i128);
        let n = if step > 0 && start < stop {
            (stop - start + step - 1) / step
        } else if step < 0 && start > stop {
            (start - stop - step - 1) / (-step)
        } else {
            0
        };
        n as i64
    }

    /// Whether the range is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `i`-th value (`0 <= i < len`).
    pub fn at(&self, i: i64) -> i64 {
        (self.start as i128 + i as i128 * self.step as i128) as i64
    }
}

/// The state of an iterator.
#[derive(Debug)]
pub enum IterState {
    /// Over a list, tuple, str (by character), bytes or a snapshot.
    Seq {
        /// The sequence.
        seq: Value,
        /// Next index (character index for `str`).
        idx: usize,
    },
    /// Over a string, by byte offset so that iteration stays linear.
    Chars {
        /// The string.
        s: Rc<str>,
        /// Next byte offset.
        pos: usize,
    },
    /// Over a range.
    Range {
        /// Range parameters.
        range: RangeObj,
        /// Next index.
        idx: i64,
    },
    /// Over a dict or one of its views.
    Dict {
        /// The dict.
        dict: Rc<Dict>,
        /// What to produce.
        kind: ViewKind,
        /// Next entry slot.
        idx: usize,
        /// Size when iteration began: a change is an error, as in Python.
        len: usize,
    },
    /// `enumerate(inner, start)`.
    Enumerate {
        /// Inner iterator.
        inner: Value,
        /// Next count.
        count: i64,
    },
    /// `zip(a, b, ...)`.
    Zip(Vec<Value>),
    /// `reversed(seq)`.
    Reversed {
        /// The sequence.
        seq: Value,
        /// Items still to produce.
        remaining: usize,
    },
    /// A host iterator: each step is a `__next__` host call (which may suspend).
    Host(HostRef),
    /// Exhausted.
    Done,
}

/// A small deterministic hasher (FNV-1a): no OS randomness anywhere in the VM.
#[derive(Default)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= *b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// The hashable identity of a dict key. Values equal in Python (`1`, `1.0`, `True`) map to the
/// same key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    /// `None`.
    None,
    /// Integers, bools and integral floats.
    Int(i64),
    /// Non-integral floats, by bits.
    Float(u64),
    /// Strings.
    Str(Rc<str>),
    /// Bytes.
    Bytes(Rc<[u8]>),
    /// Tuples of hashable values.
    Tuple(Vec<Key>),
    /// Objects hashed by identity (functions, host objects, classes...).
    Id(u8, usize),
}

/// Nesting limit for recursive operations on values (repr, ==, hashing): beyond it Python would
/// overflow its own C stack; we raise `RecursionError` instead of overflowing ours.
pub const MAX_VALUE_DEPTH: usize = 200;

pub(crate) fn recursion_error() -> PyException {
    PyException::builtin(
        BuiltinExc::RecursionError,
        "maximum recursion depth exceeded",
    )
}

impl Key {
    /// The key for a value, or `TypeError: unhashable type`.
    pub fn of(v: &Value) -> Result<Key, PyException> {
        Key::of_depth(v, 0)
    }

    fn of_depth(v: &Value, depth: usize) -> Result<Key, PyException> {
        if depth > MAX_VALUE_DEPTH {
            return Err(recursion_error());
        }
        Ok(match v {
            Value::None => Key::None,
            Value::Bool(b) => Key::Int(*b as i64),
            Value::Int(i) => Key::Int(*i),
            Value::Float(f) => {
                if f.fract() == 0.0 && f.abs() < 9.2e18 {
                    Key::Int(*f as i64)
                } else {
                    Key::Float(f.to_bits())
                }
            }
            Value::Str(s) => Key::Str(s.clone()),
            Value::Bytes(b) => Key::Bytes(b.clone()),
            Value::Tuple(t) => Key::Tuple(
                t.items
                    .iter()
                    .map(|x| Key::of_depth(x, depth + 1))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Host(h) => Key::Id(1, h.id as usize),
            Value::Function(f) => Key::Id(2, Rc::as_ptr(f) as *const u8 as usize),
            Value::Exception(e) => Key::Id(3, Rc::as_ptr(&e.0) as *const u8 as usize),
            Value::Module(m) => Key::Id(4, Rc::as_ptr(m) as *const u8 as usize),
            Value::Type(t) => Key::Id(5, *t as usize),
            Value::Builtin(b) => Key::Id(6, *b as usize),
            Value::ExcClass(ExcClass::Builtin(b)) => Key::Id(7, *b as usize),
            Value::ExcClass(ExcClass::Host(h)) => Key::Id(8, Rc::as_ptr(h) as *const u8 as usize),
            Value::Range(r) => Key::Tuple(vec![
                Key::Id(9, 0),
                Key::Int(r.start),
                Key::Int(r.stop),
                Key::Int(r.step),
            ]),
            other => {
                return Err(PyException::builtin(
                    BuiltinExc::TypeError,
                    format!("unhashable type: '{}'", other.type_name()),
                ))
            }
        })
    }
}

/// An insertion-ordered hash map, the storage of a dict.
#[derive(Debug, Default)]
pub struct DictMap {
    entries: Vec<Option<(Value, Value)>>,
    index: HashMap<Key, usize, BuildHasherDefault<Fnv>>,
}

impl DictMap {
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Whether empty.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Looks a key up.
    pub fn get(&self, k: &Value) -> Result<Option<Value>, PyException> {
        let key = Key::of(k)?;
        Ok(self
            .index
            .get(&key)
            .and_then(|&i| self.entries[i].as_ref().map(|e| e.1.clone())))
    }

    /// Inserts or replaces (keeping the original key and position, as Python does).
    pub fn insert(&mut self, k: Value, v: Value) -> Result<(), PyException> {
        let key = Key::of(&k)?;
        if let Some(&i) = self.index.get(&key) {
            if let Some(e) = self.entries[i].as_mut() {
                e.1 = v;
            }
        } else {
            self.index.insert(key, self.entries.len());
            self.entries.push(Some((k, v)));
        }
        Ok(())
    }

    /// Removes a key, returning its value.
    pub fn remove(&mut self, k: &Value) -> Result<Option<Value>, PyException> {
        let key = Key::of(k)?;
        let Some(i) = self.index.remove(&key) else {
            return Ok(None);
        };
        let old = self.entries[i].take().map(|e| e.1);
        // Compact once tombstones dominate, so long-lived dicts with churn stay small.
        if self.entries.len() > 16 && self.index.len() * 2 < self.entries.len() {
            let live: Vec<(Value, Value)> = self.entries.drain(..).flatten().collect();
            self.index.clear();
            for (n, (k, v)) in live.into_iter().enumerate() {
                if let Ok(key) = Key::of(&k) {
                    self.index.insert(key, n);
                }
                self.entries.push(Some((k, v)));
            }
        }
        Ok(old)
    }

    /// Removes everything.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.index.clear();
    }

    /// Entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&Value, &Value)> {
        self.entries.iter().flatten().map(|(k, v)| (k, v))
    }

    /// Number of slots (live or removed), for iteration by slot index.
    pub fn slots(&self) -> usize {
        self.entries.len()
    }

    /// The entry at a slot, if live.
    pub fn slot(&self, i: usize) -> Option<&(Value, Value)> {
        self.entries.get(i).and_then(|e| e.as_ref())
    }

    /// Removes and returns the last inserted entry.
    pub fn pop_last(&mut self) -> Option<(Value, Value)> {
        while let Some(e) = self.entries.pop() {
            if let Some((k, v)) = e {
                if let Ok(key) = Key::of(&k) {
                    self.index.remove(&key);
                }
                return Some((k, v));
            }
        }
        None
    }

    /// The same entries with every key and value mapped through `f`, in the same slots (removed
    /// ones included, so iteration by slot and the memory measure see the same dict). The
    /// index is rebuilt: objects are keyed by their address, which a copy does not share.
    pub(crate) fn map_entries(&self, mut f: impl FnMut(&Value) -> Value) -> DictMap {
        let mut index = HashMap::default();
        let entries = self
            .entries
            .iter()
            .enumerate()
            .map(|(slot, e)| {
                e.as_ref().map(|(k, v)| {
                    let k = f(k);
                    if let Ok(key) = Key::of(&k) {
                        index.insert(key, slot);
                    }
                    (k, f(v))
                })
            })
            .collect();
        DictMap { entries, index }
    }

    fn take_all(&mut self) -> Vec<Value> {
        self.index.clear();
        self.entries
            .drain(..)
            .flatten()
            .flat_map(|(k, v)| [k, v])
            .collect()
    }
}

/// The storage of a dict.
#[derive(Debug, Default)]
pub struct Dict {
    /// Entries.
    pub map: RefCell<DictMap>,
}

// Dropping a deeply nested structure (`x = [x]` a million times) recursively would overflow the
// Rust stack; these impls flatten the teardown into a loop.
fn drop_iteratively(mut pending: Vec<Value>) {
    while let Some(v) = pending.pop() {
        match v {
            Value::List(rc) => {
                if let Ok(l) = Rc::try_unwrap(rc) {
                    pending.extend(std::mem::take(&mut *l.items.borrow_mut()));
                }
            }
            Value::Tuple(rc) => {
                if let Ok(mut t) = Rc::try_unwrap(rc) {
                    pending.extend(std::mem::take(&mut t.items));
                }
            }
            Value::Dict(rc) => {
                if let Ok(d) = Rc::try_unwrap(rc) {
                    pending.extend(d.map.borrow_mut().take_all());
                }
            }
            Value::Slice(rc) => {
                if let Ok(s) = Rc::try_unwrap(rc) {
                    pending.extend(s);
                }
            }
            _ => {}
        }
    }
}

impl Drop for List {
    fn drop(&mut self) {
        let items = std::mem::take(self.items.get_mut());
        if !items.is_empty() {
            drop_iteratively(items);
        }
    }
}

impl Drop for Tuple {
    fn drop(&mut self) {
        let items = std::mem::take(&mut self.items);
        if !items.is_empty() {
            drop_iteratively(items);
        }
    }
}

impl Drop for Dict {
    fn drop(&mut self) {
        let items = self.map.get_mut().take_all();
        if !items.is_empty() {
            drop_iteratively(items);
        }
    }
}

impl Value {
    /// The value of a bytecode constant. As cheap as cloning a value: the string and bytes
    /// constants are shared, not copied.
    #[inline]
    pub fn from_const(c: &Constant) -> Value {
        match c {
            Constant::None => Value::None,
            Constant::Bool(b) => Value::Bool(*b),
            Constant::Int(i) => Value::Int(*i),
            Constant::Float(f) => Value::Float(*f),
            Constant::Str(s) => Value::Str(s.clone()),
            Constant::Bytes(b) => Value::Bytes(b.clone()),
        }
    }

    /// A `str` value.
    pub fn str(s: &str) -> Value {
        charge(s.len());
        Value::Str(Rc::from(s))
    }

    /// A `bytes` value.
    pub fn bytes(b: &[u8]) -> Value {
        charge(b.len());
        Value::Bytes(Rc::from(b))
    }

    /// A new list.
    pub fn list(items: Vec<Value>) -> Value {
        charge(items.capacity() * std::mem::size_of::<Value>());
        Value::List(Rc::new(List {
            items: RefCell::new(items),
        }))
    }

    /// A new tuple.
    pub fn tuple(items: Vec<Value>) -> Value {
        charge(items.len() * std::mem::size_of::<Value>());
        Value::Tuple(Rc::new(Tuple { items }))
    }

    /// A new dict from pairs (later duplicates win, as in a literal).
    pub fn dict(pairs: Vec<(Value, Value)>) -> Result<Value, PyException> {
        let mut map = DictMap::default();
        for (k, v) in pairs {
            map.insert(k, v)?;
        }
        Ok(Value::Dict(Rc::new(Dict {
            map: RefCell::new(map),
        })))
    }

    /// A method of a host object, as a value (what a host's `getattr` returns for methods).
    pub fn host_method(obj: &HostRef, name: &str) -> Value {
        Value::HostMethod(Rc::new((obj.clone(), Rc::from(name))))
    }

    /// Whether Python's `callable()` answers True for it.
    pub fn is_callable(&self) -> bool {
        matches!(
            self,
            Value::Function(_)
                | Value::Builtin(_)
                | Value::Type(_)
                | Value::Method(_)
                | Value::ExcClass(_)
                | Value::HostMethod(_)
                | Value::Host(_)
        )
    }

    /// The Python type name, as error messages print it.
    pub fn type_name(&self) -> String {
        match self {
            Value::None => "NoneType".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) => "int".into(),
            Value::Float(_) => "float".into(),
            Value::Str(_) => "str".into(),
            Value::Bytes(_) => "bytes".into(),
            Value::List(_) => "list".into(),
            Value::Tuple(_) => "tuple".into(),
            Value::Dict(_) => "dict".into(),
            Value::Range(_) => "range".into(),
            Value::Slice(_) => "slice".into(),
            Value::Function(_) => "function".into(),
            Value::Builtin(_) | Value::Method(_) => "builtin_function_or_method".into(),
            Value::Type(_) | Value::ExcClass(_) => "type".into(),
            Value::Exception(e) => e.class().name().to_string(),
            Value::Module(_) => "module".into(),
            Value::Host(h) => h.type_name.to_string(),
            Value::HostMethod(_) => "method".into(),
            Value::Iter(it) => match &*it.borrow() {
                IterState::Enumerate { .. } => "enumerate".into(),
                IterState::Zip(_) => "zip".into(),
                IterState::Reversed { .. } => "reversed".into(),
                IterState::Range { .. } => "range_iterator".into(),
                IterState::Chars { .. } => "str_ascii_iterator".into(),
                IterState::Dict { kind, .. } => match kind {
                    ViewKind::Keys => "dict_keyiterator".into(),
                    ViewKind::Values => "dict_valueiterator".into(),
                    ViewKind::Items => "dict_itemiterator".into(),
                },
                IterState::Seq { seq, .. } => format!("{}_iterator", seq.type_name()),
                IterState::Host(h) => h.type_name.to_string(),
                IterState::Done => "iterator".into(),
            },
            Value::DictView(v) => match v.1 {
                ViewKind::Keys => "dict_keys".into(),
                ViewKind::Values => "dict_values".into(),
                ViewKind::Items => "dict_items".into(),
            },
        }
    }

    /// Python truthiness (host objects are always true).
    pub fn truthy(&self) -> bool {
        match self {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::List(l) => !l.items.borrow().is_empty(),
            Value::Tuple(t) => !t.items.is_empty(),
            Value::Dict(d) => !d.map.borrow().is_empty(),
            Value::Range(r) => !r.is_empty(),
            Value::DictView(v) => !v.0.map.borrow().is_empty(),
            _ => true,
        }
    }

    /// `a is b`.
    pub fn is(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::None, Value::None) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            // Small ints and interned strings are identical in CPython; treating equal
            // immutable scalars as identical is the behaviour learners observe.
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a.to_bits() == b.to_bits(),
            (Value::Str(a), Value::Str(b)) => Rc::ptr_eq(a, b) || a == b,
            (Value::Bytes(a), Value::Bytes(b)) => Rc::ptr_eq(a, b),
            (Value::List(a), Value::List(b)) => Rc::ptr_eq(a, b),
            (Value::Tuple(a), Value::Tuple(b)) => {
                Rc::ptr_eq(a, b) || (a.items.is_empty() && b.items.is_empty())
            }
            (Value::Dict(a), Value::Dict(b)) => Rc::ptr_eq(a, b),
            (Value::Function(a), Value::Function(b)) => Rc::ptr_eq(a, b),
            (Value::Builtin(a), Value::Builtin(b)) => a == b,
            (Value::Type(a), Value::Type(b)) => a == b,
            (Value::ExcClass(a), Value::ExcClass(b)) => a == b,
            (Value::Exception(a), Value::Exception(b)) => a.ptr_eq(b),
            (Value::Module(a), Value::Module(b)) => Rc::ptr_eq(a, b),
            (Value::Host(a), Value::Host(b)) => a.id == b.id,
            (Value::Iter(a), Value::Iter(b)) => Rc::ptr_eq(a, b),
            (Value::Range(a), Value::Range(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }

    /// The number as f64, if it is one (bool, int, float).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Bool(b) => Some(*b as i64 as f64),
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// The integer, if it is one (bool or int).
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Bool(b) => Some(*b as i64),
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The string, if it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// Python `==`.
pub fn equals(a: &Value, b: &Value) -> Result<bool, PyException> {
    equals_depth(a, b, 0)
}

fn seq_equals(a: &[Value], b: &[Value], depth: usize) -> Result<bool, PyException> {
    if a.len() != b.len() {
        return Ok(false);
    }
    for (x, y) in a.iter().zip(b) {
        if !equals_depth(x, y, depth + 1)? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn equals_depth(a: &Value, b: &Value, depth: usize) -> Result<bool, PyException> {
    if depth > MAX_VALUE_DEPTH {
        return Err(recursion_error());
    }
    Ok(match (a, b) {
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Bytes(x), Value::Bytes(y)) => x == y,
        (Value::Float(_) | Value::Int(_) | Value::Bool(_), _)
            if b.as_f64().is_some() && a.as_f64().is_some() =>
        {
            match (a.as_int(), b.as_int()) {
                (Some(x), Some(y)) => x == y,
                _ => a.as_f64() == b.as_f64(),
            }
        }
        (Value::List(x), Value::List(y)) => {
            if Rc::ptr_eq(x, y) {
                return Ok(true);
            }
            let xa = x.items.borrow().clone();
            let ya = y.items.borrow().clone();
            seq_equals(&xa, &ya, depth)?
        }
        (Value::Tuple(x), Value::Tuple(y)) => seq_equals(&x.items, &y.items, depth)?,
        (Value::Dict(x), Value::Dict(y)) => {
            if Rc::ptr_eq(x, y) {
                return Ok(true);
            }
            let xs: Vec<(Value, Value)> = x
                .map
                .borrow()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if xs.len() != y.map.borrow().len() {
                return Ok(false);
            }
            for (k, v) in xs {
                let other = y.map.borrow().get(&k)?;
                match other {
                    Some(o) if equals_depth(&v, &o, depth + 1)? => {}
                    _ => return Ok(false),
                }
            }
            true
        }
        (Value::Range(x), Value::Range(y)) => {
            let (lx, ly) = (x.len(), y.len());
            lx == ly && (lx == 0 || (x.start == y.start && (lx == 1 || x.step == y.step)))
        }
        (Value::Method(x), Value::Method(y)) => x.name == y.name && x.receiver.is(&y.receiver),
        (Value::HostMethod(x), Value::HostMethod(y)) => x.0.id == y.0.id && x.1 == y.1,
        (Value::Slice(x), Value::Slice(y)) => seq_equals(&x[..], &y[..], depth)?,
        _ => a.is(b),
    })
}

/// The result of an ordering comparison that Python defines.
pub fn compare(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    compare_depth(a, b, 0).ok().flatten()
}

/// Ordering for `<` and friends, `None` when the types are not ordered (a TypeError in Python).
pub fn compare_depth(
    a: &Value,
    b: &Value,
    depth: usize,
) -> Result<Option<std::cmp::Ordering>, PyException> {
    use std::cmp::Ordering;
    if depth > MAX_VALUE_DEPTH {
        return Err(recursion_error());
    }
    fn seq(a: &[Value], b: &[Value], depth: usize) -> Result<Option<Ordering>, PyException> {
        for (x, y) in a.iter().zip(b) {
            if !equals_depth(x, y, depth + 1)? {
                return compare_depth(x, y, depth + 1);
            }
        }
        Ok(Some(a.len().cmp(&b.len())))
    }
    Ok(match (a, b) {
        (Value::Str(x), Value::Str(y)) => Some(x.cmp(y)),
        (Value::Bytes(x), Value::Bytes(y)) => Some(x.cmp(y)),
        (Value::List(x), Value::List(y)) => {
            let xa = x.items.borrow().clone();
            let ya = y.items.borrow().clone();
            seq(&xa, &ya, depth)?
        }
        (Value::Tuple(x), Value::Tuple(y)) => seq(&x.items, &y.items, depth)?,
        _ => match (a.as_int(), b.as_int()) {
            (Some(x), Some(y)) => Some(x.cmp(&y)),
            _ => match (a.as_f64(), b.as_f64()) {
                // NaN has no ordering; the VM compares plain numbers itself, so this only
                // matters for NaN nested in sequences.
                (Some(x), Some(y)) => x.partial_cmp(&y),
                _ => None,
            },
        },
    })
}

/// One line of a traceback: where a frame was when the exception passed through it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceEntry {
    /// 1-based source line.
    pub line: u32,
    /// Function name (`<module>` for top-level code).
    pub function: Rc<str>,
    /// Identifies the frame instance, so re-raising in the same frame adds no second entry.
    pub(crate) frame_id: u64,
}

/// The data of a raised (or created) exception.
#[derive(Debug)]
pub struct ExcObj {
    /// Its class.
    pub class: ExcClass,
    /// `e.args`.
    pub args: Vec<Value>,
    /// Frames the exception unwound through, innermost first.
    pub traceback: RefCell<Vec<TraceEntry>>,
    /// The exception being handled when this one was raised (`__context__`).
    pub context: RefCell<Option<PyException>>,
    /// `raise ... from cause` (`__cause__`).
    pub cause: RefCell<Option<PyException>>,
    /// Extra advice appended to the traceback's last line only (as CPython's
    /// "Did you forget to import 'time'?"); never part of `str(e)`.
    pub hint: RefCell<Option<String>>,
    /// Extra attributes (`e.reply_code` on a host exception, for example).
    pub attrs: RefCell<Vec<(Rc<str>, Value)>>,
}

/// A Python exception instance (shared: raising it again keeps its identity).
#[derive(Debug, Clone)]
pub struct PyException(pub Rc<ExcObj>);

impl PyException {
    /// An instance of `class` with the given `args`.
    pub fn with_args(class: ExcClass, args: Vec<Value>) -> PyException {
        PyException(Rc::new(ExcObj {
            class,
            args,
            traceback: RefCell::new(Vec::new()),
            context: RefCell::new(None),
            cause: RefCell::new(None),
            hint: RefCell::new(None),
            attrs: RefCell::new(Vec::new()),
        }))
    }

    /// An instance of `class` with one string argument (or none when `msg` is empty and the
    /// class is one Python raises bare, like `StopIteration`).
    pub fn new(class: ExcClass, msg: &str) -> PyException {
        PyException::with_args(class, vec![Value::str(msg)])
    }

    /// A built-in exception with a message.
    pub fn builtin(kind: BuiltinExc, msg: impl AsRef<str>) -> PyException {
        PyException::new(ExcClass::Builtin(kind), msg.as_ref())
    }

    /// A built-in exception with no arguments.
    pub fn bare(kind: BuiltinExc) -> PyException {
        PyException::with_args(ExcClass::Builtin(kind), Vec::new())
    }

    /// The class.
    pub fn class(&self) -> &ExcClass {
        &self.0.class
    }

    /// Whether this exception is an instance of `b` (or a subclass).
    pub fn is(&self, b: BuiltinExc) -> bool {
        self.0.class.is(b)
    }

    /// `e.args`.
    pub fn args(&self) -> &[Value] {
        &self.0.args
    }

    /// Whether two handles are the same exception object.
    pub fn ptr_eq(&self, other: &PyException) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// Adds an attribute readable from Python (`e.name`).
    pub fn with_attr(self, name: &str, value: Value) -> PyException {
        self.0.attrs.borrow_mut().push((Rc::from(name), value));
        self
    }

    /// Reads an extra attribute.
    pub fn attr(&self, name: &str) -> Option<Value> {
        self.0
            .attrs
            .borrow()
            .iter()
            .find(|(k, _)| &**k == name)
            .map(|(_, v)| v.clone())
    }

    /// Sets the traceback-only hint.
    pub fn set_hint(&self, hint: String) {
        *self.0.hint.borrow_mut() = Some(hint);
    }

    /// Traceback entries, outermost first (the order Python prints them).
    pub fn traceback(&self) -> Vec<TraceEntry> {
        let mut v = self.0.traceback.borrow().clone();
        v.reverse();
        v
    }

    pub(crate) fn push_trace(&self, entry: TraceEntry) {
        let mut tb = self.0.traceback.borrow_mut();
        if tb.last().map(|e| e.frame_id) == Some(entry.frame_id) {
            return;
        }
        tb.push(entry);
    }
}
