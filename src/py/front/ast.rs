//! The syntax tree of the supported subset.

use std::rc::Rc;

/// An expression with its position. `depth` is the height of the subtree: the parser refuses
/// trees too tall for the compiler (and for dropping) to walk recursively.
#[derive(Debug, Clone)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
    /// Height of the subtree (a leaf is 1).
    pub depth: u32,
}

/// A literal constant.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub enum Constant {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    Bytes(Rc<[u8]>),
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    LShift,
    RShift,
    BitAnd,
    BitOr,
    BitXor,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::Pow => "**",
            BinOp::LShift => "<<",
            BinOp::RShift => ">>",
            BinOp::BitAnd => "&",
            BinOp::BitOr => "|",
            BinOp::BitXor => "^",
        }
    }
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum UnaryOp {
    Neg,
    Pos,
    Not,
    Invert,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Is,
    IsNot,
}

impl CmpOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::In => "in",
            CmpOp::NotIn => "not in",
            CmpOp::Is => "is",
            CmpOp::IsNot => "is not",
        }
    }
}

/// One argument at a call site.
#[derive(Debug, Clone)]
pub enum Arg {
    /// `f(x)`.
    Pos(Expr),
    /// `f(*xs)`.
    Star(Expr),
    /// `f(name=x)`.
    Kw(Rc<str>, Expr),
    /// `f(**kw)`.
    StarStar(Expr),
}

/// A piece of an f-string.
#[derive(Debug, Clone)]
pub enum FPart {
    /// Literal text.
    Lit(String),
    /// `{expr!conv:spec}`.
    Field {
        /// The expression.
        expr: Box<Expr>,
        /// `r`, `s` or `a` after `!`.
        conversion: Option<char>,
        /// The format spec, itself possibly containing fields.
        spec: Option<Vec<FPart>>,
    },
}

/// One `for ... in ... if ...` clause of a comprehension.
#[derive(Debug, Clone)]
pub struct Comprehension {
    /// Loop target.
    pub target: Expr,
    /// Iterable.
    pub iter: Expr,
    /// Filters.
    pub ifs: Vec<Expr>,
}

/// Expression kinds.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub enum ExprKind {
    Const(Constant),
    Name(Rc<str>),
    FString(Vec<FPart>),
    List(Vec<Expr>),
    Tuple(Vec<Expr>),
    Dict(Vec<(Expr, Expr)>),
    Attribute(Box<Expr>, Rc<str>),
    Subscript(Box<Expr>, Box<Expr>),
    Slice(Option<Box<Expr>>, Option<Box<Expr>>, Option<Box<Expr>>),
    Call(Box<Expr>, Vec<Arg>),
    BinOp(BinOp, Box<Expr>, Box<Expr>),
    Unary(UnaryOp, Box<Expr>),
    /// `and` (true) / `or` (false).
    BoolOp(bool, Box<Expr>, Box<Expr>),
    Compare(Box<Expr>, Vec<(CmpOp, Expr)>),
    IfExp(Box<Expr>, Box<Expr>, Box<Expr>),
    Lambda(Rc<FuncDef>),
    /// List comprehension; generator expressions are also compiled this way (eagerly).
    ListComp(Box<Expr>, Vec<Comprehension>),
    DictComp(Box<Expr>, Box<Expr>, Vec<Comprehension>),
}

/// A parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Name.
    pub name: Rc<str>,
    /// Default value expression.
    pub default: Option<Expr>,
}

/// A function's parameter list.
#[derive(Debug, Clone, Default)]
pub struct Params {
    /// Positional-or-keyword parameters.
    pub args: Vec<Param>,
    /// `*args`.
    pub vararg: Option<Rc<str>>,
    /// Keyword-only parameters (after `*` or `*args`).
    pub kwonly: Vec<Param>,
    /// `**kwargs`.
    pub kwarg: Option<Rc<str>>,
}

/// A `def` or `lambda`.
#[derive(Debug, Clone)]
pub struct FuncDef {
    /// Name (`<lambda>` for lambdas).
    pub name: Rc<str>,
    /// Parameters.
    pub params: Params,
    /// Body (a lambda's is a single `return`).
    pub body: Vec<Stmt>,
    /// Line of `def`/`lambda`.
    pub line: u32,
}

/// An `except` clause.
#[derive(Debug, Clone)]
pub struct Handler {
    /// Class (or tuple of classes) to match; `None` for a bare `except:`.
    pub typ: Option<Expr>,
    /// `as name`.
    pub name: Option<Rc<str>>,
    /// Body.
    pub body: Vec<Stmt>,
    /// Line of `except`.
    pub line: u32,
}

/// A statement with its position.
#[derive(Debug, Clone)]
pub struct Stmt {
    /// What it is.
    pub kind: StmtKind,
    /// 1-based line where it starts.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
}

/// Statement kinds.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub enum StmtKind {
    Expr(Expr),
    Assign(Vec<Expr>, Expr),
    AugAssign(Expr, BinOp, Expr),
    /// An annotated name without value (`x: int`): only declares.
    AnnotatedName(Rc<str>),
    Pass,
    Break,
    Continue,
    Return(Option<Expr>),
    Global(Vec<Rc<str>>),
    Nonlocal(Vec<Rc<str>>),
    Del(Vec<Expr>),
    If(Vec<(Expr, Vec<Stmt>)>, Vec<Stmt>),
    While(Expr, Vec<Stmt>, Vec<Stmt>),
    For(Expr, Expr, Vec<Stmt>, Vec<Stmt>),
    Try {
        body: Vec<Stmt>,
        handlers: Vec<Handler>,
        orelse: Vec<Stmt>,
        finalbody: Vec<Stmt>,
    },
    Raise(Option<Expr>, Option<Expr>),
    With(Vec<(Expr, Option<Expr>)>, Vec<Stmt>),
    FunctionDef(Rc<FuncDef>),
    /// `import a.b as c`: (dotted name, alias).
    Import(Vec<(Rc<str>, Option<Rc<str>>)>),
    /// `from m import a as b`.
    ImportFrom(Rc<str>, Vec<(Rc<str>, Option<Rc<str>>)>),
    Assert(Expr, Option<Expr>),
}
