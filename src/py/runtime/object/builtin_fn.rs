//! The identities of the built-in functions: a value-level enum (a `Value::Builtin` is one of
//! these) and its name table; what each does lives in the runtime's `builtins`.

/// The built-in functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum BuiltinFn {
    Print,
    Len,
    Repr,
    Isinstance,
    Issubclass,
    Min,
    Max,
    Sum,
    Sorted,
    Enumerate,
    Zip,
    Abs,
    Round,
    Type,
    Any,
    All,
    Reversed,
    Iter,
    Next,
    Hasattr,
    Getattr,
    Callable,
    Chr,
    Ord,
    Hex,
    Oct,
    Bin,
    Divmod,
    Pow,
    Format,
    Ascii,
}

/// Each built-in function with its Python name.
pub const FUNCTIONS: [(&str, BuiltinFn); 31] = [
    ("print", BuiltinFn::Print),
    ("len", BuiltinFn::Len),
    ("repr", BuiltinFn::Repr),
    ("isinstance", BuiltinFn::Isinstance),
    ("issubclass", BuiltinFn::Issubclass),
    ("min", BuiltinFn::Min),
    ("max", BuiltinFn::Max),
    ("sum", BuiltinFn::Sum),
    ("sorted", BuiltinFn::Sorted),
    ("enumerate", BuiltinFn::Enumerate),
    ("zip", BuiltinFn::Zip),
    ("abs", BuiltinFn::Abs),
    ("round", BuiltinFn::Round),
    ("type", BuiltinFn::Type),
    ("any", BuiltinFn::Any),
    ("all", BuiltinFn::All),
    ("reversed", BuiltinFn::Reversed),
    ("iter", BuiltinFn::Iter),
    ("next", BuiltinFn::Next),
    ("hasattr", BuiltinFn::Hasattr),
    ("getattr", BuiltinFn::Getattr),
    ("callable", BuiltinFn::Callable),
    ("chr", BuiltinFn::Chr),
    ("ord", BuiltinFn::Ord),
    ("hex", BuiltinFn::Hex),
    ("oct", BuiltinFn::Oct),
    ("bin", BuiltinFn::Bin),
    ("divmod", BuiltinFn::Divmod),
    ("pow", BuiltinFn::Pow),
    ("format", BuiltinFn::Format),
    ("ascii", BuiltinFn::Ascii),
];

impl BuiltinFn {
    /// The Python name.
    pub fn name(self) -> &'static str {
        FUNCTIONS
            .iter()
            .find(|(_, f)| *f == self)
            .map(|(n, _)| *n)
            .unwrap_or("?")
    }
}
