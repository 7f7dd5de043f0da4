//! Python exception classes: the built-in hierarchy and classes declared by the host.
//!
//! Built-in classes form a fixed hierarchy ([`BuiltinExc`]); a host declares its own classes
//! (for example `pika.exceptions.AMQPConnectionError`) with [`ExcClass::new_host`], naming their
//! bases, so that `except Exception` and `except pika.exceptions.AMQPError` catch them as Python
//! would.

use std::rc::Rc;

/// The built-in exception classes the subset knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum BuiltinExc {
    BaseException,
    Exception,
    ArithmeticError,
    ZeroDivisionError,
    OverflowError,
    LookupError,
    IndexError,
    KeyError,
    ValueError,
    UnicodeDecodeError,
    TypeError,
    NameError,
    UnboundLocalError,
    AttributeError,
    RuntimeError,
    RecursionError,
    NotImplementedError,
    StopIteration,
    AssertionError,
    ImportError,
    ModuleNotFoundError,
    MemoryError,
    OSError,
    ConnectionError,
    TimeoutError,
    KeyboardInterrupt,
    SystemExit,
}

impl BuiltinExc {
    /// Every built-in class, for name lookup.
    pub const ALL: [BuiltinExc; 27] = [
        BuiltinExc::BaseException,
        BuiltinExc::Exception,
        BuiltinExc::ArithmeticError,
        BuiltinExc::ZeroDivisionError,
        BuiltinExc::OverflowError,
        BuiltinExc::LookupError,
        BuiltinExc::IndexError,
        BuiltinExc::KeyError,
        BuiltinExc::ValueError,
        BuiltinExc::UnicodeDecodeError,
        BuiltinExc::TypeError,
        BuiltinExc::NameError,
        BuiltinExc::UnboundLocalError,
        BuiltinExc::AttributeError,
        BuiltinExc::RuntimeError,
        BuiltinExc::RecursionError,
        BuiltinExc::NotImplementedError,
        BuiltinExc::StopIteration,
        BuiltinExc::AssertionError,
        BuiltinExc::ImportError,
        BuiltinExc::ModuleNotFoundError,
        BuiltinExc::MemoryError,
        BuiltinExc::OSError,
        BuiltinExc::ConnectionError,
        BuiltinExc::TimeoutError,
        BuiltinExc::KeyboardInterrupt,
        BuiltinExc::SystemExit,
    ];

    /// The class name as Python spells it.
    pub fn name(self) -> &'static str {
        use BuiltinExc::*;
        match self {
            BaseException => "BaseException",
            Exception => "Exception",
            ArithmeticError => "ArithmeticError",
            ZeroDivisionError => "ZeroDivisionError",
            OverflowError => "OverflowError",
            LookupError => "LookupError",
            IndexError => "IndexError",
            KeyError => "KeyError",
            ValueError => "ValueError",
            UnicodeDecodeError => "UnicodeDecodeError",
            TypeError => "TypeError",
            NameError => "NameError",
            UnboundLocalError => "UnboundLocalError",
            AttributeError => "AttributeError",
            RuntimeError => "RuntimeError",
            RecursionError => "RecursionError",
            NotImplementedError => "NotImplementedError",
            StopIteration => "StopIteration",
            AssertionError => "AssertionError",
            ImportError => "ImportError",
            ModuleNotFoundError => "ModuleNotFoundError",
            MemoryError => "MemoryError",
            OSError => "OSError",
            ConnectionError => "ConnectionError",
            TimeoutError => "TimeoutError",
            KeyboardInterrupt => "KeyboardInterrupt",
            SystemExit => "SystemExit",
        }
    }

    /// The direct base class (`None` only for `BaseException`).
    pub fn base(self) -> Option<BuiltinExc> {
        use BuiltinExc::*;
        Some(match self {
            BaseException => return None,
            Exception | KeyboardInterrupt | SystemExit => BaseException,
            ArithmeticError | LookupError | ValueError | TypeError | NameError | AttributeError
            | RuntimeError | StopIteration | AssertionError | ImportError | MemoryError
            | OSError => Exception,
            ZeroDivisionError | OverflowError => ArithmeticError,
            IndexError | KeyError => LookupError,
            UnicodeDecodeError => ValueError,
            UnboundLocalError => NameError,
            RecursionError | NotImplementedError => RuntimeError,
            ModuleNotFoundError => ImportError,
            ConnectionError | TimeoutError => OSError,
        })
    }

    /// Looks a built-in class up by its Python name.
    pub fn from_name(name: &str) -> Option<BuiltinExc> {
        BuiltinExc::ALL.iter().copied().find(|c| c.name() == name)
    }
}

/// A class declared by the host: a name, the module it lives in and its bases.
#[derive(Debug)]
pub struct HostExcClass {
    /// Class name, e.g. `AMQPConnectionError`.
    pub name: String,
    /// Dotted module path, e.g. `pika.exceptions`.
    pub module: String,
    /// Base classes (at least one; `Exception` when the host names none).
    pub bases: Vec<ExcClass>,
    /// The class's own `__repr__`, when it defines one (pika's `ConnectionClosed` prints
    /// `ConnectionClosedByBroker: (320) '…'`); `None` there means "as Python's default".
    pub repr: Option<ExcRepr>,
}

/// A host class's `__repr__`: the instance's text, or `None` to fall back to Python's default.
/// The instance (a `PyException`) comes as `Any`: its type lives beside `Value`, which holds
/// this module's classes, and naming it here would make the two modules import each other.
pub type ExcRepr = fn(&dyn std::any::Any) -> Option<String>;

/// An exception class: built in, or declared by the host. Host classes compare by identity, so a
/// host must hand out the same `ExcClass` value wherever the class is reachable.
#[derive(Debug, Clone)]
pub enum ExcClass {
    /// One of Python's built-in classes.
    Builtin(BuiltinExc),
    /// A class the host declared.
    Host(Rc<HostExcClass>),
}

impl PartialEq for ExcClass {
    fn eq(&self, other: &ExcClass) -> bool {
        match (self, other) {
            (ExcClass::Builtin(a), ExcClass::Builtin(b)) => a == b,
            (ExcClass::Host(a), ExcClass::Host(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl ExcClass {
    /// Declares a host exception class. With no bases it derives from `Exception`.
    pub fn new_host(module: &str, name: &str, bases: Vec<ExcClass>) -> ExcClass {
        ExcClass::host(module, name, bases, None)
    }

    /// A host class that defines its own `__repr__` (its subclasses inherit it).
    pub fn new_host_with_repr(
        module: &str,
        name: &str,
        bases: Vec<ExcClass>,
        repr: ExcRepr,
    ) -> ExcClass {
        ExcClass::host(module, name, bases, Some(repr))
    }

    fn host(module: &str, name: &str, bases: Vec<ExcClass>, repr: Option<ExcRepr>) -> ExcClass {
        let bases = if bases.is_empty() {
            vec![ExcClass::Builtin(BuiltinExc::Exception)]
        } else {
            bases
        };
        ExcClass::Host(Rc::new(HostExcClass {
            name: name.to_string(),
            module: module.to_string(),
            bases,
            repr,
        }))
    }

    /// The `__repr__` this class defines or inherits from a host base, first found depth-first.
    pub fn repr_hook(&self) -> Option<ExcRepr> {
        match self {
            ExcClass::Builtin(_) => None,
            ExcClass::Host(h) => h
                .repr
                .or_else(|| h.bases.iter().find_map(ExcClass::repr_hook)),
        }
    }

    /// The class name (`ValueError`, `AMQPConnectionError`).
    pub fn name(&self) -> &str {
        match self {
            ExcClass::Builtin(b) => b.name(),
            ExcClass::Host(h) => &h.name,
        }
    }

    /// The name a traceback prints: built-ins bare, host classes with their module.
    pub fn qualified_name(&self) -> String {
        match self {
            ExcClass::Builtin(b) => b.name().to_string(),
            ExcClass::Host(h) if h.module.is_empty() => h.name.clone(),
            ExcClass::Host(h) => format!("{}.{}", h.module, h.name),
        }
    }

    /// Whether `self` is `other` or derives from it.
    pub fn is_subclass_of(&self, other: &ExcClass) -> bool {
        // Iterative walk: host classes could (wrongly) be declared deep, never cyclic, since a
        // class can only name bases that already exist.
        let mut todo = vec![self.clone()];
        let mut seen = 0usize;
        while let Some(c) = todo.pop() {
            seen += 1;
            if seen > 10_000 {
                return false;
            }
            if &c == other {
                return true;
            }
            match c {
                ExcClass::Builtin(b) => {
                    if let Some(p) = b.base() {
                        todo.push(ExcClass::Builtin(p));
                    }
                }
                ExcClass::Host(h) => todo.extend(h.bases.iter().cloned()),
            }
        }
        false
    }

    /// Whether this class is `b` or derives from it.
    pub fn is(&self, b: BuiltinExc) -> bool {
        self.is_subclass_of(&ExcClass::Builtin(b))
    }
}
