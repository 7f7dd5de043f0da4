//! The instruction set and compiled code objects.
//!
//! A stack machine with explicit frames: the VM can stop between any two instructions (budget,
//! step, host suspension) and continue later, because no Rust call stack holds script state.

use std::rc::Rc;

use crate::py::front::ast::{BinOp, CmpOp, Constant, UnaryOp};

/// Marker for "no keyword names" / "not a method call".
pub const NONE: u32 = u32::MAX;

/// One instruction. Jump targets are instruction indices.
#[derive(Debug, Clone, Copy, PartialEq)]
#[allow(missing_docs)]
pub enum Op {
    /// A statement starts on this line (drives stepping, line events and tracebacks).
    Line(u32),
    Const(u32),
    LoadFast(u32),
    StoreFast(u32),
    DeleteFast(u32),
    LoadDeref(u32),
    StoreDeref(u32),
    DeleteDeref(u32),
    LoadGlobal(u32),
    StoreGlobal(u32),
    DeleteGlobal(u32),
    LoadAttr(u32),
    StoreAttr(u32),
    DeleteAttr(u32),
    /// `[obj, index] -> [obj[index]]`.
    Subscript,
    /// `[value, obj, index] -> []`.
    StoreSubscript,
    DeleteSubscript,
    /// `[lower, upper, step] -> [slice]`.
    BuildSlice,
    Binary(BinOp),
    Inplace(BinOp),
    Unary(UnaryOp),
    Compare(CmpOp),
    Jump(u32),
    JumpIfFalse(u32),
    JumpIfTrue(u32),
    JumpIfFalseOrPop(u32),
    JumpIfTrueOrPop(u32),
    Pop,
    Dup,
    /// `[a, b] -> [a, b, a, b]`.
    Dup2,
    /// `[a, b] -> [b, a]`.
    Rot2,
    /// `[a, b, c] -> [c, a, b]`.
    Rot3,
    BuildList(u32),
    BuildTuple(u32),
    /// Pops 2n values (key, value pairs).
    BuildDict(u32),
    /// Concatenates n strings (f-strings).
    BuildString(u32),
    /// `[value, spec?] -> [str]`; conversion 0/'s'/'r'/'a', flag for a spec on the stack.
    FormatValue(u8, bool),
    /// Pops a value and appends it to the list `n` slots down (comprehensions, call args).
    ListAppend(u32),
    /// Pops an iterable and extends the list `n` slots down (`f(*xs)`).
    ListExtend(u32),
    /// Pops value and key and sets them in the dict `n` slots down.
    DictInsert(u32),
    /// Pops a mapping and merges it into the dict on top (`f(**kw)`), refusing duplicates.
    DictMerge,
    GetIter,
    /// Pushes the next item, or pops the iterator and jumps when it is exhausted.
    ForIter(u32),
    /// `[f, args..., kwvalues...] -> [result]`; operands: positional count, keyword-name table.
    Call(u32, u32),
    /// `[obj, args..., kwvalues...] -> [result]`; operands: name, positional count, kw table.
    CallMethod(u32, u32, u32),
    /// `[f|obj, list, dict] -> [result]`; operand: method name or NONE.
    CallEx(u32),
    /// Pops the defaults the code needs and builds a function (closure cells from the frame).
    MakeFunction(u32),
    Return,
    UnpackSequence(u32),
    /// 0: bare `raise`; 1: `raise e`; 2: `raise e from c`.
    Raise(u8),
    /// Re-raises the exception on top of the stack (end of `finally`, unmatched `except`).
    Reraise,
    /// Pushes an exception-catching block whose handler is at the target.
    SetupExcept(u32),
    /// Like SetupExcept, the stack depth recorded excluding the `__enter__` result on top.
    SetupWith(u32),
    PopBlock,
    /// Leaves an exception handler (restores the previously handled exception).
    PopExcept,
    /// `[exc, cls] -> [exc, bool]`.
    ExcMatch,
    /// `[mgr, exc] -> [mgr, exc, mgr.__exit__(type, exc, None)]`.
    WithExit,
    /// `import name`: pushes the module (operand: name; flag: push the top-level package).
    Import(u32, bool),
    /// `[module] -> [module, module.name]`.
    ImportFrom(u32),
    /// `[msg?] -> raises AssertionError`.
    AssertFail(bool),
}

/// A compiled function or module body.
#[derive(Debug)]
pub struct Code {
    /// Function name (`<module>` for the script).
    pub name: Rc<str>,
    /// Qualified name (`outer.<locals>.inner`), used in messages.
    pub qualname: Rc<str>,
    /// Instructions.
    pub ops: Vec<Op>,
    /// Source line of each instruction.
    pub lines: Vec<u32>,
    /// Constants (literals; the VM makes each a runtime value as it loads it).
    pub consts: Vec<Constant>,
    /// Attribute / module / method names.
    pub names: Vec<Rc<str>>,
    /// Keyword-name tables for calls.
    pub kwnames: Vec<Rc<[Rc<str>]>>,
    /// Nested code objects.
    pub codes: Vec<Rc<Code>>,
    /// Names of fast locals; parameters come first.
    pub local_names: Vec<Rc<str>>,
    /// Names of cells: own captured variables first, then free variables.
    pub cell_names: Vec<Rc<str>>,
    /// How many of `cell_names` are own (the rest come from the closure).
    pub n_cellvars: usize,
    /// Parameters that live in cells: (fast slot, cell index), copied at entry.
    pub cell_params: Vec<(u32, u32)>,
    /// For each free variable, the cell index in the defining frame.
    pub free_from: Vec<u32>,
    /// Positional-or-keyword parameter count.
    pub argcount: usize,
    /// Keyword-only parameter count (they follow the positional ones).
    pub kwonlycount: usize,
    /// Fast slot of `*args`, if any.
    pub vararg: Option<u32>,
    /// Fast slot of `**kwargs`, if any.
    pub kwarg: Option<u32>,
    /// Parameter indices that have defaults, in the order MakeFunction pops them.
    pub default_params: Vec<u32>,
    /// Line of `def` (or 1 for the module).
    pub first_line: u32,
}

impl Code {
    /// The source line of the instruction at `pc`.
    pub fn line_at(&self, pc: usize) -> u32 {
        self.lines
            .get(pc)
            .or(self.lines.last())
            .copied()
            .unwrap_or(self.first_line)
    }
}

/// A compiled script.
#[derive(Debug)]
pub struct Program {
    /// The top-level code.
    pub module: Rc<Code>,
    /// Every global name the script mentions, indexed by global slot.
    pub global_names: Vec<Rc<str>>,
    /// The source, for tracebacks.
    pub source: Rc<str>,
}
