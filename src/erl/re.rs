//! Policy patterns as RabbitMQ 3.10 reads them: Erlang `re`, i.e. PCRE 8.44 (OTP 25), compiled
//! without the `unicode` option, so byte-wise, and run as an unanchored search
//! (`re:run(Name, Pattern, [{capture, none}])`).
//!
//! [`compile`] does two jobs:
//!
//! * it reproduces PCRE's compile errors, with PCRE's message and byte offset, because RabbitMQ
//!   prints them (`{"missing )",5}`). The checks follow `pcre_compile.c`: one left-to-right pass
//!   reporting the first error it meets, then the checks PCRE makes in its second pass or at the
//!   end (non-existent group references, lookbehind lengths, unmatched `)`). Like PCRE, it stops
//!   reading at an unmatched `)` and at a NUL byte;
//! * it translates the pattern for `regex-lite` so that it matches exactly what PCRE matches.
//!   Every single-byte item (literal, class, `.`, `\d`, POSIX class, case-insensitive letter) is
//!   turned into an explicit set of byte values, using the ISO-8859-1 character tables Erlang
//!   builds PCRE with (so `\w`, `[[:alpha:]]`, `\b` and `(?i)` also cover bytes 0xC0..0xFF),
//!   and names are searched byte by byte (see the notes on the encoding in the source).
//!   PCRE syntax that `regex-lite` lacks is rewritten: a `{` that does not start a quantifier is a
//!   literal, `\Q…\E`, POSIX classes, `\h`, `\v`, `\N`, octal and `\o{}` escapes, `(?x)`, `(?U)`,
//!   option changes that carry into later alternatives, `$` also matching before a final line
//!   feed, `\Z`, `\G`, `\K`, `\C`, callouts, branch-reset groups and named groups.
//!
//! What `regex-lite` cannot express (look-around, back-references, atomic groups, possessive
//! quantifiers, recursion, conditionals, `(*VERB)`s, `\p`/`\P`/`\X`/`\R`, start-of-pattern
//! options such as `(*UTF8)`, nesting deeper than 100 parentheses) gives
//! [`PatternError::Unsupported`]: RabbitMQ accepts such a pattern, the simulator cannot evaluate
//! it and says so rather than guess a match.
//!
//! Checked against `re:compile/1` and `re:run/3` of Erlang 25 on tens of thousands of generated
//! patterns and names (messages, offsets and match results).

use crate::erl::json::Term;
use regex_lite::{Regex, RegexBuilder};
use std::fmt;

/// A compiled policy pattern.
#[derive(Clone)]
pub struct Pattern {
    source: String,
    matcher: Matcher,
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pattern")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

/// Why a pattern cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternError {
    /// PCRE refuses the pattern; RabbitMQ reports `{"<message>",<offset>}`.
    Invalid {
        /// PCRE's message, e.g. `missing terminating ] for character class`.
        message: String,
        /// Byte offset in the pattern where PCRE stopped.
        offset: usize,
    },
    /// RabbitMQ accepts the pattern but the simulator cannot evaluate it.
    Unsupported {
        /// What the pattern uses, e.g. `look-ahead assertion (?=...)`.
        feature: String,
        /// Byte offset of the first such construct.
        offset: usize,
    },
}

impl PatternError {
    /// The `{"message",Offset}` tuple Erlang's `re:compile/1` returns, for printing with `~p`;
    /// `None` for an unsupported (but valid) pattern.
    pub fn to_term(&self) -> Option<Term> {
        match self {
            PatternError::Invalid { message, offset } => Some(Term::Tuple(vec![
                Term::string(message),
                Term::Int(*offset as i64),
            ])),
            PatternError::Unsupported { .. } => None,
        }
    }
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PatternError::Invalid { message, offset } => {
                write!(f, "{{{:?},{offset}}}", message)
            }
            PatternError::Unsupported { feature, offset } => write!(
                f,
                "the pattern uses {feature} (at byte {offset}); RabbitMQ accepts it, but the \
                 simulator cannot evaluate it, so it cannot tell which names match"
            ),
        }
    }
}

impl std::error::Error for PatternError {}

/// Compiles `src` as RabbitMQ would, or says why it cannot be used.
pub fn compile(src: &str) -> Result<Pattern, PatternError> {
    let bytes = src.as_bytes();
    // PCRE reads the pattern as a C string: it ends at the first NUL byte.
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let mut c = Compiler::new(&bytes[..end]);
    let node = c.run()?;
    let matcher = Matcher::build(&node).map_err(|()| PatternError::Unsupported {
        feature: "a construct too large for the simulator's regular-expression engine".into(),
        offset: 0,
    })?;
    Ok(Pattern {
        source: src.to_string(),
        matcher,
    })
}

impl Pattern {
    /// The pattern as given.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether PCRE finds a match anywhere in `name` (an unanchored search over its bytes):
    /// `two` matches `network`, `^two\.` needs `two.` at the start.
    ///
    /// Exact, with one exception no queue name meets in practice: a pattern using both `$`
    /// without `(?m)` (or `\Z`) and `$` with `(?m)`, tested on a name with a line feed before its
    /// last byte, treats the first kind like the second.
    pub fn is_match(&self, name: &str) -> bool {
        self.matcher.is_match(name.as_bytes())
    }
}

// ---------------------------------------------------------------------------------------------
// Error texts of PCRE 8.44 (pcre_compile.c), by PCRE error number.

const ERR1: &str = "\\ at end of pattern";
const ERR2: &str = "\\c at end of pattern";
const ERR3: &str = "unrecognized character follows \\";
const ERR4: &str = "numbers out of order in {} quantifier";
const ERR5: &str = "number too big in {} quantifier";
const ERR6: &str = "missing terminating ] for character class";
const ERR7: &str = "invalid escape sequence in character class";
const ERR8: &str = "range out of order in character class";
const ERR9: &str = "nothing to repeat";
const ERR12: &str = "unrecognized character after (? or (?-";
const ERR13: &str = "POSIX named classes are supported only within a class";
const ERR14: &str = "missing )";
const ERR15: &str = "reference to non-existent subpattern";
const ERR18: &str = "missing ) after comment";
const ERR22: &str = "unmatched parentheses";
const ERR24: &str = "unrecognized character after (?<";
const ERR25: &str = "lookbehind assertion is not fixed length";
const ERR26: &str = "malformed number or name after (?(";
const ERR27: &str = "conditional group contains more than two branches";
const ERR28: &str = "assertion expected after (?( or (?(?C)";
const ERR29: &str = "(?R or (?[+-]digits must be followed by )";
const ERR30: &str = "unknown POSIX class name";
const ERR31: &str = "POSIX collating elements are not supported";
const ERR34: &str = "character value in \\x{} or \\o{} is too large";
const ERR35: &str = "invalid condition (?(0)";
const ERR37: &str = "PCRE does not support \\L, \\l, \\N{name}, \\U, or \\u";
const ERR38: &str = "number after (?C is > 255";
const ERR39: &str = "closing ) for (?C expected";
const ERR40: &str = "recursive call could loop indefinitely";
const ERR41: &str = "unrecognized character after (?P";
const ERR42: &str = "syntax error in subpattern name (missing terminator)";
const ERR43: &str = "two named subpatterns have the same name";
const ERR46: &str = "malformed \\P or \\p sequence";
const ERR47: &str = "unknown property name after \\P or \\p";
const ERR48: &str = "subpattern name is too long (maximum 32 characters)";
const ERR51: &str = "octal value is greater than \\377 in 8-bit non-UTF-8 mode";
const ERR54: &str = "DEFINE group contains more than one branch";
const ERR57: &str =
    "\\g is not followed by a braced, angle-bracketed, or quoted name/number or by a plain number";
const ERR58: &str = "a numbered reference must not be zero";
const ERR59: &str = "an argument is not allowed for (*ACCEPT), (*FAIL), or (*COMMIT)";
const ERR60: &str = "(*VERB) not recognized or malformed";
const ERR61: &str = "number is too big";
const ERR62: &str = "subpattern name expected";
const ERR63: &str = "digit expected after (?+";
const ERR66: &str = "(*MARK) must have an argument";
const ERR68: &str = "\\c must be followed by an ASCII character";
const ERR69: &str = "\\k is not followed by a braced, angle-bracketed, or quoted name";
const ERR71: &str = "\\N is not supported in a class";
const ERR75: &str = "name is too long in (*MARK), (*PRUNE), (*SKIP), or (*THEN)";
const ERR79: &str = "non-hex character in \\x{} (closing brace missing?)";
const ERR80: &str = "non-octal character in \\o{} (closing brace missing?)";
const ERR81: &str = "missing opening brace after \\o";
const ERR83: &str = "invalid range in character class";
const ERR84: &str = "group name must start with a non-digit";
const ERR86: &str = "digits missing in \\x{} or \\o{}";

/// The deepest nesting of parentheses the simulator reads. Erlang's PCRE accepts about 800
/// levels before answering `regular expression is too complicated` (a C-stack check whose limit
/// depends on the constructs); the simulator stops earlier to keep its own stack small.
const MAX_NESTING: u32 = 100;
/// Marks the nesting limit in a [`Fail`]; reported as unsupported, not as a PCRE error.
const TOO_DEEP: &str = "parentheses nested more than 100 levels deep";
/// PCRE's limit on `{m,n}` counts.
const MAX_REPEAT: u32 = 65535;
/// PCRE's limit on group names (`MAX_NAME_SIZE`).
const MAX_NAME_SIZE: usize = 32;
/// PCRE's limit on `(*MARK:name)` arguments (`MAX_MARK`).
const MAX_MARK: usize = 255;

/// Property names `\\p{...}` accepts in PCRE 8.44 (general categories, scripts of Unicode 7, and
/// PCRE's own `Any`, `L&`, `Xan`, `Xps`, `Xsp`, `Xuc`, `Xwd`).
const PROPERTY_NAMES: [&str; 169] = [
    "Any",
    "Arabic",
    "Armenian",
    "Avestan",
    "Balinese",
    "Bamum",
    "Bassa_Vah",
    "Batak",
    "Bengali",
    "Bopomofo",
    "Brahmi",
    "Braille",
    "Buginese",
    "Buhid",
    "C",
    "Canadian_Aboriginal",
    "Carian",
    "Caucasian_Albanian",
    "Cc",
    "Cf",
    "Chakma",
    "Cham",
    "Cherokee",
    "Cn",
    "Co",
    "Common",
    "Coptic",
    "Cs",
    "Cuneiform",
    "Cypriot",
    "Cyrillic",
    "Deseret",
    "Devanagari",
    "Duployan",
    "Egyptian_Hieroglyphs",
    "Elbasan",
    "Ethiopic",
    "Georgian",
    "Glagolitic",
    "Gothic",
    "Grantha",
    "Greek",
    "Gujarati",
    "Gurmukhi",
    "Han",
    "Hangul",
    "Hanunoo",
    "Hebrew",
    "Hiragana",
    "Imperial_Aramaic",
    "Inherited",
    "Inscriptional_Pahlavi",
    "Inscriptional_Parthian",
    "Javanese",
    "Kaithi",
    "Kannada",
    "Katakana",
    "Kayah_Li",
    "Kharoshthi",
    "Khmer",
    "Khojki",
    "Khudawadi",
    "L",
    "L&",
    "Lao",
    "Latin",
    "Lepcha",
    "Limbu",
    "Linear_A",
    "Linear_B",
    "Lisu",
    "Ll",
    "Lm",
    "Lo",
    "Lt",
    "Lu",
    "Lycian",
    "Lydian",
    "M",
    "Mahajani",
    "Malayalam",
    "Mandaic",
    "Manichaean",
    "Mc",
    "Me",
    "Meetei_Mayek",
    "Mende_Kikakui",
    "Meroitic_Cursive",
    "Meroitic_Hieroglyphs",
    "Miao",
    "Mn",
    "Modi",
    "Mongolian",
    "Mro",
    "Myanmar",
    "N",
    "Nabataean",
    "Nd",
    "New_Tai_Lue",
    "Nko",
    "Nl",
    "No",
    "Ogham",
    "Ol_Chiki",
    "Old_Italic",
    "Old_North_Arabian",
    "Old_Permic",
    "Old_Persian",
    "Old_South_Arabian",
    "Old_Turkic",
    "Oriya",
    "Osmanya",
    "P",
    "Pahawh_Hmong",
    "Palmyrene",
    "Pau_Cin_Hau",
    "Pc",
    "Pd",
    "Pe",
    "Pf",
    "Phags_Pa",
    "Phoenician",
    "Pi",
    "Po",
    "Ps",
    "Psalter_Pahlavi",
    "Rejang",
    "Runic",
    "S",
    "Samaritan",
    "Saurashtra",
    "Sc",
    "Sharada",
    "Shavian",
    "Siddham",
    "Sinhala",
    "Sk",
    "Sm",
    "So",
    "Sora_Sompeng",
    "Sundanese",
    "Syloti_Nagri",
    "Syriac",
    "Tagalog",
    "Tagbanwa",
    "Tai_Le",
    "Tai_Tham",
    "Tai_Viet",
    "Takri",
    "Tamil",
    "Telugu",
    "Thaana",
    "Thai",
    "Tibetan",
    "Tifinagh",
    "Tirhuta",
    "Ugaritic",
    "Vai",
    "Warang_Citi",
    "Xan",
    "Xps",
    "Xsp",
    "Xuc",
    "Xwd",
    "Yi",
    "Z",
    "Zl",
    "Zp",
    "Zs",
];

// ---------------------------------------------------------------------------------------------
// Byte sets: every single-byte item becomes one.

#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
struct ByteSet([u64; 4]);

impl ByteSet {
    fn single(b: u8) -> ByteSet {
        let mut s = ByteSet::default();
        s.add(b);
        s
    }

    fn all() -> ByteSet {
        ByteSet([u64::MAX; 4])
    }

    fn add(&mut self, b: u8) {
        self.0[(b >> 6) as usize] |= 1 << (b & 63);
    }

    fn contains(&self, b: u8) -> bool {
        self.0[(b >> 6) as usize] & (1 << (b & 63)) != 0
    }

    fn union(&mut self, other: &ByteSet) {
        for (a, b) in self.0.iter_mut().zip(other.0.iter()) {
            *a |= b;
        }
    }

    fn not(&self) -> ByteSet {
        ByteSet([!self.0[0], !self.0[1], !self.0[2], !self.0[3]])
    }

    fn without(&self, b: u8) -> ByteSet {
        let mut s = *self;
        s.0[(b >> 6) as usize] &= !(1 << (b & 63));
        s
    }
}

/// Erlang builds PCRE with ISO-8859-1 character tables (`pcre_latin_1_table.c`), so letters
/// of bytes 0xC0..0xFF count as word characters and fold case. These predicates reproduce the
/// tables (read back from `re:run/3` on every byte).
fn latin1_upper(b: u8) -> bool {
    b.is_ascii_uppercase() || (0xc0..=0xde).contains(&b) && b != 0xd7
}

fn latin1_lower(b: u8) -> bool {
    b.is_ascii_lowercase()
        || matches!(b, 0xaa | 0xb5 | 0xba)
        || (0xdf..=0xff).contains(&b) && b != 0xf7
}

fn latin1_alpha(b: u8) -> bool {
    latin1_upper(b) || latin1_lower(b)
}

fn latin1_punct(b: u8) -> bool {
    b.is_ascii_punctuation()
        || (0xa0..=0xbf).contains(&b) && !matches!(b, 0xaa | 0xb5 | 0xba)
        || b == 0xd7
        || b == 0xf7
}

/// The other case of a letter, per the Latin-1 tables (`ß` and `ÿ` have none).
fn other_case(b: u8) -> u8 {
    if b.is_ascii_alphabetic() || (0xc0..=0xfe).contains(&b) && b != 0xd7 && b != 0xf7 && b != 0xdf
    {
        b ^ 0x20
    } else {
        b
    }
}

fn literal_set(b: u8, caseless: bool) -> ByteSet {
    let mut s = ByteSet::single(b);
    if caseless {
        s.add(other_case(b));
    }
    s
}

fn is_word(b: u8) -> bool {
    b.is_ascii_digit() || b == b'_' || latin1_alpha(b)
}

/// `\s`: `isspace()`, which includes VT since PCRE 8.34.
fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ')
}

fn set_of(pred: impl Fn(u8) -> bool) -> ByteSet {
    let mut s = ByteSet::default();
    for b in 0..=255u8 {
        if pred(b) {
            s.add(b);
        }
    }
    s
}

fn hspace() -> ByteSet {
    set_of(|b| matches!(b, b'\t' | b' ' | 0xa0))
}

fn vspace() -> ByteSet {
    set_of(|b| matches!(b, b'\n' | 0x0b | 0x0c | b'\r' | 0x85))
}

const POSIX_NAMES: [&str; 14] = [
    "alpha", "lower", "upper", "alnum", "ascii", "blank", "cntrl", "digit", "graph", "print",
    "punct", "space", "word", "xdigit",
];

fn posix_set(index: usize) -> ByteSet {
    set_of(|b| match index {
        0 => latin1_alpha(b),
        1 => latin1_lower(b),
        2 => latin1_upper(b),
        3 => latin1_alpha(b) || b.is_ascii_digit(),
        // PCRE builds [:ascii:] from the print and cntrl tables, which cover every byte here.
        4 => true,
        5 => b == b' ' || b == b'\t',
        6 => b < 0x20 || (0x7f..=0x9f).contains(&b),
        7 => b.is_ascii_digit(),
        8 => (0x21..=0x7e).contains(&b) || b >= 0xa0,
        9 => (0x20..=0x7e).contains(&b) || b >= 0xa0,
        10 => latin1_punct(b),
        11 => is_space(b),
        12 => is_word(b),
        _ => b.is_ascii_hexdigit(),
    })
}

// ---------------------------------------------------------------------------------------------
// The parsed pattern, reduced to what matching needs.

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Anchor {
    /// `\A`, `\G`, `^` without `(?m)`.
    Start,
    /// `\z`.
    End,
    /// `$` without `(?m)`, `\Z`: the end, or before a line feed that ends the subject.
    EndOrFinalNewline,
    /// `^` with `(?m)`.
    LineStart,
    /// `$` with `(?m)`.
    LineEnd,
    WordBoundary,
    NotWordBoundary,
}

#[derive(Clone, Debug)]
enum Node {
    Empty,
    Set(ByteSet),
    Seq(Vec<Node>),
    Alt(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
    },
    Anchor(Anchor),
    /// A construct the translation cannot express; compilation reports it. Keeps what PCRE's
    /// later checks need: its match length when fixed (look-behind lengths), and whether it can
    /// match the empty string (recursion loops).
    Unsupported {
        len: Option<u64>,
        empty: bool,
    },
}

impl Node {
    /// Whether the item can match the empty string, for PCRE's check that a recursion cannot
    /// loop (`could_be_empty`).
    fn can_be_empty(&self) -> bool {
        match self {
            Node::Empty | Node::Anchor(_) => true,
            Node::Set(_) => false,
            Node::Seq(items) => items.iter().all(Node::can_be_empty),
            Node::Alt(branches) => branches.iter().any(Node::can_be_empty),
            Node::Repeat { node, min, .. } => *min == 0 || node.can_be_empty(),
            Node::Unsupported { empty, .. } => *empty,
        }
    }

    /// Fixed match length, for PCRE's lookbehind check (`find_fixedlength`).
    fn fixed_len(&self) -> Option<u64> {
        match self {
            Node::Empty | Node::Anchor(_) => Some(0),
            Node::Set(_) => Some(1),
            Node::Seq(items) => items
                .iter()
                .try_fold(0u64, |acc, n| Some(acc + n.fixed_len()?)),
            Node::Alt(branches) => {
                let mut len = None;
                for b in branches {
                    let l = b.fixed_len()?;
                    if len.is_some_and(|x| x != l) {
                        return None;
                    }
                    len = Some(l);
                }
                len.or(Some(0))
            }
            Node::Repeat { node, min, max } => {
                if *max == Some(*min) {
                    Some(node.fixed_len()? * u64::from(*min))
                } else {
                    None
                }
            }
            Node::Unsupported { len, .. } => *len,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The compiler: PCRE's checks, in PCRE's order.

#[derive(Clone, Copy, Default)]
struct Opts {
    caseless: bool,
    multiline: bool,
    dotall: bool,
    extended: bool,
    extra: bool,
    dupnames: bool,
}

struct Fail {
    message: &'static str,
    offset: usize,
}

type Res<T> = Result<T, Fail>;

fn fail<T>(message: &'static str, offset: usize) -> Res<T> {
    Err(Fail { message, offset })
}

/// What an escape sequence stands for.
enum Esc {
    /// A data byte.
    Char(u8),
    /// A one-byte class (`\d`, `\h`, `\N`, `\C`…); `None` when it cannot be evaluated.
    Class(Option<ByteSet>, &'static str),
    Anchor(Anchor),
    BackRef(u32),
    /// `\g<…>`/`\g'…'` (subroutine call) or `\k…`/`\g{name}` (named back-reference).
    Named {
        recursion: bool,
    },
    /// `\K`: resets the reported match start, which does not change whether there is a match.
    KeepOut,
    QuoteStart,
    QuoteEnd,
    /// `\b` inside a class is backspace; outside it is a word boundary.
    WordB,
    /// `\\N` inside a class (an error there).
    NotNewline,
    /// `\\p`/`\\P`, with the escape position on the letter; the name is not read yet.
    Property,
    /// Inside a class, an escape that only has a meaning outside one (`\B`, `\R`, `\X`…):
    /// a literal letter, or an error under `(?X)`.
    ClassLetter(u8),
    NotWordB,
}

/// What a parenthesis turned out to be, as far as a following quantifier is concerned.
enum Paren {
    /// `(?#...)`: invisible, a quantifier applies to the item before it.
    Comment,
    /// An option setting or a callout: nothing to repeat after it.
    Setting,
    Item {
        node: Node,
        repeatable: bool,
    },
}

/// A group's kind and options, read before its body.
struct Head {
    open: usize,
    body: usize,
    opts: Opts,
    reset: bool,
    lookbehind: bool,
    feature: Option<&'static str>,
    capturing: bool,
    conditional: bool,
    define: bool,
}

/// An open group (or the whole pattern), for PCRE's infinite-recursion check.
struct Level {
    /// Capture number; 0 for the whole pattern, `None` for non-capturing groups.
    group: Option<u32>,
    conditional: bool,
    /// Whether the current alternative of this group can so far match the empty string.
    prefix_empty: bool,
}

/// Where a name or group reference must be resolved once the whole pattern is known.
struct Pending {
    seq: usize,
    offset: usize,
    target: Target,
}

enum Target {
    Name(Vec<u8>),
    Group(u32),
}

struct Compiler<'a> {
    p: &'a [u8],
    bracount: u32,
    names: Vec<(Vec<u8>, u32)>,
    top_backref: u32,
    depth: u32,
    /// Errors PCRE only finds in its second pass, with their position in reading order.
    late: Vec<(usize, &'static str, usize)>,
    pending: Vec<Pending>,
    seq: usize,
    unsupported: Option<(String, usize)>,
    start_unsupported: Option<(String, usize)>,
    levels: Vec<Level>,
    /// `(*UTF8)` or `(*UTF)` put PCRE in UTF-8 mode, where escapes may exceed 255.
    utf: bool,
    /// For each closed capturing group (by number), whether it can match the empty string.
    group_empty: Vec<Option<bool>>,
}

impl<'a> Compiler<'a> {
    fn new(p: &'a [u8]) -> Compiler<'a> {
        Compiler {
            p,
            bracount: 0,
            names: Vec::new(),
            top_backref: 0,
            depth: 0,
            late: Vec::new(),
            pending: Vec::new(),
            seq: 0,
            unsupported: None,
            start_unsupported: None,
            levels: vec![Level {
                group: Some(0),
                conditional: false,
                prefix_empty: true,
            }],
            utf: false,
            group_empty: Vec::new(),
        }
    }

    fn at(&self, i: usize) -> u8 {
        self.p.get(i).copied().unwrap_or(0)
    }

    fn next_seq(&mut self) -> usize {
        self.seq += 1;
        self.seq
    }

    fn late_error(&mut self, message: &'static str, offset: usize) {
        let seq = self.next_seq();
        self.late.push((seq, message, offset));
    }

    fn unsupported(&mut self, feature: &str, offset: usize) -> Node {
        self.unsupported_len(feature, offset, None)
    }

    fn unsupported_len(&mut self, feature: &str, offset: usize, len: Option<u64>) -> Node {
        self.unsupported_node(feature, offset, len, len == Some(0))
    }

    fn unsupported_node(
        &mut self,
        feature: &str,
        offset: usize,
        len: Option<u64>,
        empty: bool,
    ) -> Node {
        if self.unsupported.is_none() {
            self.unsupported = Some((feature.to_string(), offset));
        }
        Node::Unsupported { len, empty }
    }

    fn run(&mut self) -> Result<Node, PatternError> {
        let start = self.skip_start_options();
        let mut opts = Opts::default();
        let mut i = start;
        let node = match self.regex_with(&mut i, &mut opts, false, false) {
            Ok(n) => n,
            Err(f) if f.message == TOO_DEEP => {
                return Err(PatternError::Unsupported {
                    feature: TOO_DEEP.to_string(),
                    offset: f.offset,
                })
            }
            Err(f) => {
                return Err(PatternError::Invalid {
                    message: f.message.to_string(),
                    offset: f.offset,
                })
            }
        };
        for pending in std::mem::take(&mut self.pending) {
            let found = match &pending.target {
                Target::Name(n) => self.names.iter().any(|(m, _)| m == n),
                Target::Group(g) => *g >= 1 && *g <= self.bracount,
            };
            if !found {
                self.late.push((pending.seq, ERR15, pending.offset));
            }
        }
        if let Some(&(_, message, offset)) = self.late.iter().min_by_key(|e| e.0) {
            return Err(PatternError::Invalid {
                message: message.to_string(),
                offset,
            });
        }
        if i < self.p.len() {
            return Err(PatternError::Invalid {
                message: ERR22.to_string(),
                offset: i,
            });
        }
        if self.top_backref > self.bracount {
            return Err(PatternError::Invalid {
                message: ERR15.to_string(),
                offset: i,
            });
        }
        if let Some((feature, offset)) = self.start_unsupported.take().or(self.unsupported.take()) {
            return Err(PatternError::Unsupported { feature, offset });
        }
        Ok(node)
    }

    /// `(*UTF8)`, `(*LF)`… at the very start set compile options; PCRE skips them.
    fn skip_start_options(&mut self) -> usize {
        let mut i = 0;
        while self.p[i..].starts_with(b"(*") {
            let rest = &self.p[i + 2..];
            let simple = [
                ("UTF8)", true),
                ("UTF)", true),
                ("UCP)", true),
                ("NO_AUTO_POSSESS)", false),
                ("NO_START_OPT)", false),
                ("CRLF)", true),
                ("CR)", true),
                ("LF)", false),
                ("ANYCRLF)", true),
                ("ANY)", true),
                ("BSR_ANYCRLF)", false),
                ("BSR_UNICODE)", false),
            ];
            if let Some((name, changes)) = simple
                .iter()
                .find(|(name, _)| rest.starts_with(name.as_bytes()))
            {
                if name.starts_with("UTF") {
                    self.utf = true;
                }
                if *changes && self.start_unsupported.is_none() {
                    self.start_unsupported =
                        Some((format!("the start-of-pattern option (*{}", name), i));
                }
                i += 2 + name.len();
                continue;
            }
            let limit = [&b"LIMIT_MATCH="[..], &b"LIMIT_RECURSION="[..]]
                .into_iter()
                .find(|l| rest.starts_with(l));
            let Some(limit) = limit else { break };
            let mut j = i + 2 + limit.len();
            while self.at(j).is_ascii_digit() {
                j += 1;
            }
            if self.at(j) != b')' {
                break;
            }
            i = j + 1;
        }
        i
    }

    /// `compile_regex`: alternatives up to `)` or the end. Option changes made in one
    /// alternative carry into the following ones, as in PCRE 8.
    fn regex_with(
        &mut self,
        i: &mut usize,
        opts: &mut Opts,
        lookbehind: bool,
        reset_bracount: bool,
    ) -> Res<Node> {
        let orig_bracount = self.bracount;
        let mut max_bracount = self.bracount;
        let mut branches = Vec::new();
        loop {
            if reset_bracount {
                self.bracount = orig_bracount;
            }
            let branch = self.branch(i, opts)?;
            max_bracount = max_bracount.max(self.bracount);
            if lookbehind && branch.fixed_len().is_none() {
                self.late_error(ERR25, *i);
            }
            branches.push(branch);
            if self.at(*i) == b'|' {
                *i += 1;
                continue;
            }
            break;
        }
        self.bracount = max_bracount;
        Ok(if branches.len() == 1 {
            branches.pop().unwrap_or(Node::Empty)
        } else {
            Node::Alt(branches)
        })
    }

    fn skip_extended(&self, mut j: usize) -> usize {
        loop {
            while is_space(self.at(j)) && j < self.p.len() {
                j += 1;
            }
            if self.at(j) != b'#' {
                return j;
            }
            while j < self.p.len() && self.p[j] != b'\n' {
                j += 1;
            }
            if j < self.p.len() {
                j += 1;
            }
        }
    }

    /// `compile_branch`: items up to `|`, `)` or the end.
    fn branch(&mut self, i: &mut usize, opts: &mut Opts) -> Res<Node> {
        let mut items: Vec<Node> = Vec::new();
        // Index in `items` of the item a quantifier would repeat (PCRE's `previous`).
        let mut previous: Option<usize> = None;
        let mut in_quote = false;
        loop {
            let c = self.at(*i);
            if in_quote && *i < self.p.len() {
                if c == b'\\' && self.at(*i + 1) == b'E' {
                    in_quote = false;
                    *i += 2;
                    continue;
                }
                previous = Some(items.len());
                items.push(Node::Set(literal_set(c, opts.caseless)));
                *i += 1;
                continue;
            }
            let is_quantifier =
                matches!(c, b'*' | b'+' | b'?') || (c == b'{' && self.is_counted_repeat(*i + 1));
            if opts.extended && *i < self.p.len() {
                if is_space(c) {
                    *i += 1;
                    continue;
                }
                if c == b'#' {
                    while *i < self.p.len() && self.p[*i] != b'\n' {
                        *i += 1;
                    }
                    if *i < self.p.len() {
                        *i += 1;
                    }
                    continue;
                }
            }
            if *i >= self.p.len() || c == b'|' || c == b')' {
                return Ok(match items.len() {
                    0 => Node::Empty,
                    1 => items.pop().unwrap_or(Node::Empty),
                    _ => Node::Seq(items),
                });
            }
            if c == b'(' || c == b'\\' {
                let empty = items.iter().all(Node::can_be_empty);
                if let Some(level) = self.levels.last_mut() {
                    level.prefix_empty = empty;
                }
            }
            match c {
                b'^' => {
                    previous = None;
                    items.push(Node::Anchor(if opts.multiline {
                        Anchor::LineStart
                    } else {
                        Anchor::Start
                    }));
                    *i += 1;
                }
                b'$' => {
                    previous = None;
                    items.push(Node::Anchor(if opts.multiline {
                        Anchor::LineEnd
                    } else {
                        Anchor::EndOrFinalNewline
                    }));
                    *i += 1;
                }
                b'.' => {
                    previous = Some(items.len());
                    items.push(Node::Set(if opts.dotall {
                        ByteSet::all()
                    } else {
                        ByteSet::all().without(b'\n')
                    }));
                    *i += 1;
                }
                b'[' => {
                    let set = self.class(i, opts)?;
                    previous = Some(items.len());
                    items.push(Node::Set(set));
                }
                b'{' | b'*' | b'+' | b'?' if is_quantifier => {
                    self.quantifier(i, opts, &mut items, previous)?;
                    previous = None;
                }
                b'(' => match self.group(i, opts)? {
                    Paren::Comment => {}
                    Paren::Setting => previous = None,
                    Paren::Item { node, repeatable } => {
                        previous = if repeatable { Some(items.len()) } else { None };
                        items.push(node);
                    }
                },
                b'\\' => self.escape_item(i, opts, &mut items, &mut previous, &mut in_quote)?,
                _ => {
                    previous = Some(items.len());
                    items.push(Node::Set(literal_set(c, opts.caseless)));
                    *i += 1;
                }
            }
        }
    }

    /// A quantifier at `i` (its first byte), applied to `items[previous]`.
    #[inline(never)]
    fn quantifier(
        &mut self,
        i: &mut usize,
        opts: &Opts,
        items: &mut [Node],
        previous: Option<usize>,
    ) -> Res<()> {
        let c = self.at(*i);
        let (min, max) = if c == b'{' {
            self.repeat_counts(i)?
        } else {
            (u32::from(c == b'+'), if c == b'?' { Some(1) } else { None })
        };
        // `i` is on the last byte of the quantifier.
        let Some(prev) = previous else {
            return fail(ERR9, *i);
        };
        // PCRE 8.44 looks past comments (and, with (?x), white space) for a `+` or
        // `?` that makes the quantifier possessive or lazy.
        let mut next = *i + 1;
        loop {
            if opts.extended {
                next = self.skip_extended(next);
            }
            if self.p[next.min(self.p.len())..].starts_with(b"(?#") {
                match self.p[next..].iter().position(|&b| b == b')') {
                    Some(close) => next += close + 1,
                    None => break,
                }
            } else {
                break;
            }
        }
        let mut possessive = false;
        match self.at(next) {
            b'+' => {
                possessive = true;
                *i = next;
            }
            b'?' => *i = next,
            _ => {}
        }
        let start = *i;
        *i += 1;
        if possessive {
            self.unsupported("a possessive quantifier (*+, ++, ?+, {n,m}+)", start);
        }
        let item = std::mem::replace(&mut items[prev], Node::Empty);
        // A possessive repeat keeps its shape: PCRE's later checks (empty
        // recursion, look-behind length) still look at it.
        items[prev] = Node::Repeat {
            node: Box::new(item),
            min,
            max,
        };
        Ok(())
    }

    /// An escape sequence at `i` outside a class, added to `items`.
    #[inline(never)]
    fn escape_item(
        &mut self,
        i: &mut usize,
        opts: &Opts,
        items: &mut Vec<Node>,
        previous: &mut Option<usize>,
        in_quote: &mut bool,
    ) -> Res<()> {
        let esc_start = *i;
        let esc = self.escape(i, opts, false)?;
        *i += 1;
        match esc {
            Esc::Char(b) => {
                *previous = Some(items.len());
                items.push(Node::Set(literal_set(b, opts.caseless)));
            }
            Esc::Property => {
                *i = self.unicode_property(*i - 1)? + 1;
                *previous = Some(items.len());
                let node =
                    self.unsupported_len("a Unicode property (\\p or \\P)", esc_start, Some(1));
                items.push(node);
            }
            Esc::Class(set, what) => {
                *previous = Some(items.len());
                items.push(match set {
                    Some(s) => Node::Set(s),
                    None => self.unsupported(what, esc_start),
                });
            }
            Esc::Anchor(a) => {
                *previous = None;
                items.push(Node::Anchor(a));
            }
            Esc::WordB => {
                *previous = None;
                items.push(Node::Anchor(Anchor::WordBoundary));
            }
            Esc::NotWordB => {
                *previous = None;
                items.push(Node::Anchor(Anchor::NotWordBoundary));
            }
            Esc::KeepOut => *previous = None,
            Esc::QuoteStart => {
                if self.at(*i) == b'\\' && self.at(*i + 1) == b'E' {
                    *i += 2;
                } else {
                    *in_quote = true;
                }
            }
            Esc::QuoteEnd => {}
            // Only produced inside a class.
            Esc::NotNewline => {
                *previous = Some(items.len());
                items.push(Node::Set(ByteSet::all().without(b'\n')));
            }
            Esc::ClassLetter(b) => {
                *previous = Some(items.len());
                items.push(Node::Set(literal_set(b, opts.caseless)));
            }
            Esc::BackRef(n) => {
                self.top_backref = self.top_backref.max(n);
                *previous = Some(items.len());
                // A reference to an open or later group may be empty; to a closed one, as
                // that group.
                let empty = self
                    .group_empty
                    .get(n as usize)
                    .copied()
                    .flatten()
                    .unwrap_or(true);
                let node = self.unsupported_node(
                    "a back-reference (\\1, \\g{1}...)",
                    esc_start,
                    None,
                    empty,
                );
                items.push(node);
            }
            Esc::Named { recursion } => {
                // `i` is past the escape letter, on `<`, `'` or `{`.
                let node = self.named_escape(i, esc_start, recursion)?;
                *previous = Some(items.len());
                items.push(node);
            }
        }
        Ok(())
    }

    fn is_counted_repeat(&self, mut j: usize) -> bool {
        if !self.at(j).is_ascii_digit() {
            return false;
        }
        while self.at(j).is_ascii_digit() {
            j += 1;
        }
        if self.at(j) == b'}' {
            return true;
        }
        if self.at(j) != b',' {
            return false;
        }
        j += 1;
        if self.at(j) == b'}' {
            return true;
        }
        if !self.at(j).is_ascii_digit() {
            return false;
        }
        while self.at(j).is_ascii_digit() {
            j += 1;
        }
        self.at(j) == b'}'
    }

    /// `read_repeat_counts`, with `i` on `{`; leaves `i` on `}`.
    fn repeat_counts(&self, i: &mut usize) -> Res<(u32, Option<u32>)> {
        let mut j = *i + 1;
        let mut min: u64 = 0;
        while self.at(j).is_ascii_digit() {
            min = (min * 10 + u64::from(self.at(j) - b'0')).min(u64::MAX / 20);
            j += 1;
        }
        if min > u64::from(MAX_REPEAT) {
            return fail(ERR5, j);
        }
        let min = min as u32;
        let max = if self.at(j) == b'}' {
            Some(min)
        } else {
            j += 1;
            if self.at(j) == b'}' {
                None
            } else {
                let mut max: u64 = 0;
                while self.at(j).is_ascii_digit() {
                    max = (max * 10 + u64::from(self.at(j) - b'0')).min(u64::MAX / 20);
                    j += 1;
                }
                if max > u64::from(MAX_REPEAT) {
                    return fail(ERR5, j);
                }
                if (max as u32) < min {
                    return fail(ERR4, j);
                }
                Some(max as u32)
            }
        };
        *i = j;
        Ok((min, max))
    }

    /// `check_posix_syntax`, with `j` on `[`: where the closing `:]` (or `.]`, `=]`) starts.
    fn posix_end(&self, j: usize) -> Option<usize> {
        let term = self.at(j + 1);
        let mut k = j + 2;
        while k < self.p.len() {
            let c = self.p[k];
            if c == b'\\' && matches!(self.at(k + 1), b']' | b'\\') {
                k += 1;
            } else if (c == b'[' && self.at(k + 1) == term) || c == b']' {
                return None;
            } else if c == term && self.at(k + 1) == b']' {
                return Some(k);
            }
            k += 1;
        }
        None
    }

    fn starts_posix(&self, j: usize) -> bool {
        self.at(j) == b'['
            && matches!(self.at(j + 1), b':' | b'.' | b'=')
            && self.posix_end(j).is_some()
    }

    fn add_char(set: &mut ByteSet, b: u8, caseless: bool) {
        set.add(b);
        if caseless {
            set.add(other_case(b));
        }
    }

    /// A character class, `i` on `[`; leaves `i` after `]`.
    fn class(&mut self, i: &mut usize, opts: &Opts) -> Res<ByteSet> {
        let open = *i;
        if matches!(self.at(open + 1), b':' | b'.' | b'=') && self.posix_end(open).is_some() {
            return fail(
                if self.at(open + 1) == b':' {
                    ERR13
                } else {
                    ERR31
                },
                open,
            );
        }
        let mut negate = false;
        let mut j = open;
        let mut c;
        loop {
            j += 1;
            c = self.at(j);
            if c == b'\\' && j < self.p.len() {
                if self.at(j + 1) == b'E' {
                    j += 1;
                } else if self.p[j + 1..].starts_with(b"Q\\E") {
                    j += 3;
                } else {
                    break;
                }
            } else if !negate && c == b'^' {
                negate = true;
            } else {
                break;
            }
        }
        let mut set = ByteSet::default();
        let mut in_quote = false;
        if j < self.p.len() {
            loop {
                // One class element starting at `j` (value `c`).
                let mut value: Option<u8> = None;
                if in_quote {
                    if c == b'\\' && self.at(j + 1) == b'E' {
                        in_quote = false;
                        j += 1;
                    } else {
                        value = Some(c);
                    }
                } else if c == b'[' && self.starts_posix(j) {
                    let end = self.posix_end(j).unwrap_or(j);
                    if self.at(j + 1) != b':' {
                        return fail(ERR31, j);
                    }
                    let mut name_start = j + 2;
                    let mut local_negate = false;
                    if self.at(name_start) == b'^' {
                        local_negate = true;
                        name_start += 1;
                    }
                    let name = &self.p[name_start..end.max(name_start)];
                    let Some(mut index) = POSIX_NAMES.iter().position(|n| n.as_bytes() == name)
                    else {
                        return fail(ERR30, name_start);
                    };
                    if opts.caseless && index <= 2 {
                        index = 0;
                    }
                    let bits = posix_set(index);
                    set.union(&if local_negate { bits.not() } else { bits });
                    j = end + 1;
                } else if c == b'\\' {
                    let esc = self.escape(&mut j, opts, true)?;
                    match esc {
                        Esc::Char(b) => value = Some(b),
                        Esc::WordB => value = Some(8),
                        Esc::QuoteStart => {
                            if self.at(j + 1) == b'\\' && self.at(j + 2) == b'E' {
                                j += 2;
                            } else {
                                in_quote = true;
                            }
                        }
                        Esc::QuoteEnd => {}
                        Esc::Class(Some(s), _) => set.union(&s),
                        Esc::NotNewline => return fail(ERR71, j),
                        Esc::Property => {
                            let start = j - 1;
                            j = self.unicode_property(j)?;
                            self.unsupported("a Unicode property (\\p or \\P)", start);
                        }
                        Esc::Class(None, what) => {
                            self.unsupported(what, j);
                        }
                        Esc::ClassLetter(letter) => {
                            if opts.extra {
                                return fail(ERR7, j);
                            }
                            value = Some(letter);
                        }
                        // Escapes that mean something else outside a class are not produced
                        // inside one.
                        _ => value = Some(self.at(j)),
                    }
                } else {
                    value = Some(c);
                }
                if let Some(lo) = value {
                    // CHECK_RANGE
                    while self.at(j + 1) == b'\\' && self.at(j + 2) == b'E' {
                        in_quote = false;
                        j += 2;
                    }
                    let old = j;
                    let mut added = false;
                    if !in_quote && self.at(j + 1) == b'-' {
                        let mut k = j + 2;
                        while self.at(k) == b'\\' && self.at(k + 1) == b'E' {
                            k += 2;
                        }
                        while self.at(k) == b'\\' && self.at(k + 1) == b'Q' {
                            k += 2;
                            if self.at(k) == b'\\' && self.at(k + 1) == b'E' {
                                k += 2;
                                continue;
                            }
                            in_quote = true;
                            break;
                        }
                        if k >= self.p.len() || (!in_quote && self.at(k) == b']') {
                            j = old;
                        } else {
                            let mut hi = self.at(k);
                            if !in_quote {
                                if hi == b'\\' {
                                    match self.escape(&mut k, opts, true)? {
                                        Esc::Char(b) => hi = b,
                                        Esc::WordB => hi = 8,
                                        _ => return fail(ERR83, k),
                                    }
                                } else if hi == b'[' && self.starts_posix(k) {
                                    return fail(ERR83, k);
                                }
                            }
                            if hi < lo {
                                return fail(ERR8, k);
                            }
                            for b in lo..=hi {
                                Self::add_char(&mut set, b, opts.caseless);
                            }
                            j = k;
                            added = true;
                        }
                    }
                    if !added {
                        Self::add_char(&mut set, lo, opts.caseless);
                    }
                }
                j += 1;
                c = self.at(j);
                if j >= self.p.len() || (c == b']' && !in_quote) {
                    break;
                }
            }
        }
        if j >= self.p.len() {
            return fail(ERR6, self.p.len());
        }
        *i = j + 1;
        Ok(if negate { set.not() } else { set })
    }

    /// `check_escape`, with `i` on the backslash; leaves `i` on the last byte of the escape.
    fn escape(&mut self, i: &mut usize, opts: &Opts, in_class: bool) -> Res<Esc> {
        let mut j = *i + 1;
        if j >= self.p.len() {
            return fail(ERR1, self.p.len());
        }
        let c = self.p[j];
        let esc = match c {
            b'a' => Esc::Char(7),
            b'e' => Esc::Char(27),
            b'f' => Esc::Char(12),
            b'n' => Esc::Char(b'\n'),
            b'r' => Esc::Char(b'\r'),
            b't' => Esc::Char(b'\t'),
            b'd' => Esc::Class(Some(set_of(|b| b.is_ascii_digit())), ""),
            b'D' => Esc::Class(Some(set_of(|b| !b.is_ascii_digit())), ""),
            b's' => Esc::Class(Some(set_of(is_space)), ""),
            b'S' => Esc::Class(Some(set_of(|b| !is_space(b))), ""),
            b'w' => Esc::Class(Some(set_of(is_word)), ""),
            b'W' => Esc::Class(Some(set_of(|b| !is_word(b))), ""),
            b'h' => Esc::Class(Some(hspace()), ""),
            b'H' => Esc::Class(Some(hspace().not()), ""),
            b'v' => Esc::Class(Some(vspace()), ""),
            b'V' => Esc::Class(Some(vspace().not()), ""),
            b'N' => {
                if self.at(j + 1) == b'{' && !self.is_counted_repeat(j + 2) {
                    return fail(ERR37, j);
                }
                // Inside a class PCRE refuses it, but only after range checks.
                if in_class {
                    Esc::NotNewline
                } else {
                    Esc::Class(Some(ByteSet::all().without(b'\n')), "")
                }
            }
            // In 8-bit non-UTF mode \C is any byte.
            b'C' if !in_class => Esc::Class(Some(ByteSet::all()), ""),
            b'X' if !in_class => Esc::Class(None, "\\X (extended grapheme cluster)"),
            b'R' if !in_class => Esc::Class(None, "\\R (any newline sequence)"),
            // The property name is read by the caller, after range checks (as in PCRE).
            b'p' | b'P' => Esc::Property,
            b'A' | b'G' if !in_class => Esc::Anchor(Anchor::Start),
            b'z' if !in_class => Esc::Anchor(Anchor::End),
            b'Z' if !in_class => Esc::Anchor(Anchor::EndOrFinalNewline),
            b'b' => Esc::WordB,
            b'A' | b'B' | b'C' | b'G' | b'K' | b'R' | b'X' | b'Z' | b'z' | b'k' if in_class => {
                Esc::ClassLetter(c)
            }
            b'g' if in_class => Esc::Char(b'g'),
            b'B' if !in_class => Esc::NotWordB,
            b'K' if !in_class => Esc::KeepOut,
            b'Q' => Esc::QuoteStart,
            b'E' => Esc::QuoteEnd,
            b'l' | b'L' | b'u' | b'U' => return fail(ERR37, j),
            b'k' if !in_class => {
                if !matches!(self.at(j + 1), b'<' | b'\'' | b'{') {
                    return fail(ERR69, j);
                }
                Esc::Named { recursion: false }
            }
            b'g' if !in_class => return self.g_escape(i, j),
            b'1'..=b'9' => {
                if !in_class {
                    let start = j;
                    let mut n: u64 = u64::from(c - b'0');
                    while self.at(j + 1).is_ascii_digit() {
                        if n > (i32::MAX / 10 - 1) as u64 {
                            while self.at(j + 1).is_ascii_digit() {
                                j += 1;
                            }
                            return fail(ERR61, j);
                        }
                        j += 1;
                        n = n * 10 + u64::from(self.p[j] - b'0');
                    }
                    if n < 8 || n <= u64::from(self.bracount) {
                        *i = j;
                        return Ok(Esc::BackRef(n as u32));
                    }
                    j = start;
                }
                if c >= b'8' {
                    Esc::Char(c)
                } else {
                    self.octal(&mut j, c)?
                }
            }
            b'0' => self.octal(&mut j, c)?,
            b'o' => {
                if self.at(j + 1) != b'{' {
                    return fail(ERR81, j);
                }
                if self.at(j + 2) == b'}' {
                    return fail(ERR86, j);
                }
                let mut k = j + 2;
                let mut v: u32 = 0;
                let mut overflow = false;
                while (b'0'..=b'7').contains(&self.at(k)) {
                    let d = self.at(k);
                    k += 1;
                    if v == 0 && d == b'0' {
                        continue;
                    }
                    v = (v << 3) + u32::from(d - b'0');
                    if v > self.max_char() {
                        overflow = true;
                        break;
                    }
                }
                if overflow {
                    while (b'0'..=b'7').contains(&self.at(k)) {
                        k += 1;
                    }
                    return fail(ERR34, k);
                }
                if self.at(k) != b'}' {
                    return fail(ERR80, k);
                }
                j = k;
                Esc::Char(v as u8)
            }
            b'x' => {
                if self.at(j + 1) == b'{' {
                    let mut k = j + 2;
                    if self.at(k) == b'}' {
                        return fail(ERR86, k);
                    }
                    let mut v: u32 = 0;
                    let mut overflow = false;
                    while self.at(k).is_ascii_hexdigit() {
                        let d = self.at(k);
                        k += 1;
                        if v == 0 && d == b'0' {
                            continue;
                        }
                        v = (v << 4) + (d as char).to_digit(16).unwrap_or(0);
                        if v > self.max_char() {
                            overflow = true;
                            break;
                        }
                    }
                    if overflow {
                        while self.at(k).is_ascii_hexdigit() {
                            k += 1;
                        }
                        return fail(ERR34, k);
                    }
                    if self.at(k) != b'}' {
                        return fail(ERR79, k);
                    }
                    j = k;
                    Esc::Char(v as u8)
                } else {
                    let mut v: u32 = 0;
                    for _ in 0..2 {
                        if !self.at(j + 1).is_ascii_hexdigit() {
                            break;
                        }
                        j += 1;
                        v = v * 16 + (self.p[j] as char).to_digit(16).unwrap_or(0);
                    }
                    Esc::Char(v as u8)
                }
            }
            b'c' => {
                j += 1;
                if j >= self.p.len() {
                    return fail(ERR2, j);
                }
                let mut d = self.p[j];
                if d > 127 {
                    return fail(ERR68, j);
                }
                d = d.to_ascii_uppercase();
                Esc::Char(d ^ 0x40)
            }
            b'A'..=b'Z' | b'a'..=b'z' => {
                if opts.extra {
                    return fail(ERR3, j);
                }
                Esc::Char(c)
            }
            _ => Esc::Char(c),
        };
        *i = j;
        Ok(esc)
    }

    fn max_char(&self) -> u32 {
        if self.utf {
            0x10ffff
        } else {
            0xff
        }
    }

    /// Up to three octal digits, the first at `j`; leaves `j` on the last.
    fn octal(&self, j: &mut usize, first: u8) -> Res<Esc> {
        let mut v = u32::from(first - b'0');
        for _ in 0..2 {
            if !(b'0'..=b'7').contains(&self.at(*j + 1)) {
                break;
            }
            *j += 1;
            v = v * 8 + u32::from(self.p[*j] - b'0');
        }
        if v > self.max_char() {
            return fail(ERR51, *j);
        }
        Ok(Esc::Char(v as u8))
    }

    /// `get_ucp`'s syntax check, `j` on `p`/`P`; returns the position of the last byte.
    fn unicode_property(&self, j: usize) -> Res<usize> {
        let mut k = j + 1;
        if k >= self.p.len() {
            return fail(ERR46, k);
        }
        let name: &[u8] = if self.p[k] != b'{' {
            &self.p[k..=k]
        } else {
            if self.at(k + 1) == b'^' {
                k += 1;
            }
            let start = k + 1;
            let mut found = false;
            for _ in 0..31 {
                k += 1;
                if k >= self.p.len() {
                    return fail(ERR46, k);
                }
                if self.p[k] == b'}' {
                    found = true;
                    break;
                }
            }
            if !found {
                return fail(ERR46, k);
            }
            &self.p[start..k]
        };
        if !PROPERTY_NAMES.iter().any(|n| n.as_bytes() == name) {
            return fail(ERR47, k);
        }
        Ok(k)
    }

    /// `\g…` outside a class, `j` on `g`.
    fn g_escape(&mut self, i: &mut usize, mut j: usize) -> Res<Esc> {
        if matches!(self.at(j + 1), b'<' | b'\'') {
            *i = j;
            return Ok(Esc::Named { recursion: true });
        }
        let braced = self.at(j + 1) == b'{';
        if braced {
            let mut p = j + 2;
            while p < self.p.len() && self.p[p] != b'}' {
                if self.p[p] != b'-' && !self.p[p].is_ascii_digit() {
                    break;
                }
                p += 1;
            }
            if p < self.p.len() && self.p[p] != b'}' {
                *i = j;
                return Ok(Esc::Named { recursion: false });
            }
            j += 1;
        }
        let negated = self.at(j + 1) == b'-';
        if negated {
            j += 1;
        }
        let mut n: u64 = 0;
        while self.at(j + 1).is_ascii_digit() {
            if n > (i32::MAX / 10 - 1) as u64 {
                while self.at(j + 1).is_ascii_digit() {
                    j += 1;
                }
                return fail(ERR61, j);
            }
            j += 1;
            n = n * 10 + u64::from(self.p[j] - b'0');
        }
        if braced {
            j += 1;
            if self.at(j) != b'}' {
                return fail(ERR57, j);
            }
        }
        if n == 0 {
            return fail(ERR58, j);
        }
        if negated {
            if n > u64::from(self.bracount) {
                return fail(ERR15, j);
            }
            n = u64::from(self.bracount) - (n - 1);
        }
        *i = j;
        Ok(Esc::BackRef(n as u32))
    }

    /// `\k<name>`, `\k'name'`, `\k{name}`, `\g{name}`, `\g<name>`, `\g'name'`, `\g<n>`; `i` is on
    /// the opening delimiter. Leaves `i` after the closing one.
    fn named_escape(&mut self, i: &mut usize, start: usize, recursion: bool) -> Res<Node> {
        let open = self.at(*i);
        let term = match open {
            b'<' => b'>',
            b'\'' => b'\'',
            _ => b'}',
        };
        if recursion {
            // `\g<...>`/`\g'...'`: a possibly signed number, or a name.
            let first = self.at(*i + 1);
            if !matches!(first, b'+' | b'-') && !first.is_ascii_digit() {
                return self.named_reference(i, term, true, start);
            }
            let mut p = *i + if first.is_ascii_digit() { 1 } else { 2 };
            while self.at(p).is_ascii_digit() {
                p += 1;
            }
            if self.at(p) != term {
                return fail(ERR57, *i);
            }
            *i += 1;
            return self.numbered_call(i, term, start);
        }
        self.named_reference(i, term, false, start)
    }

    /// `NAMED_REF_OR_RECURSE`, `i` on the byte before the name; leaves `i` after the terminator.
    fn named_reference(
        &mut self,
        i: &mut usize,
        term: u8,
        recursion: bool,
        start: usize,
    ) -> Res<Node> {
        *i += 1;
        let name_start = *i;
        if self.at(*i).is_ascii_digit() {
            return fail(ERR84, *i);
        }
        while is_word(self.at(*i)) && *i < self.p.len() {
            *i += 1;
        }
        let name = self.p[name_start..*i].to_vec();
        if name.is_empty() {
            return fail(ERR62, *i);
        }
        if self.at(*i) != term || *i >= self.p.len() {
            return fail(ERR42, *i);
        }
        if name.len() > MAX_NAME_SIZE {
            return fail(ERR48, *i);
        }
        if recursion {
            if let Some(&(_, number)) = self.names.iter().find(|(m, _)| *m == name) {
                self.check_recursion(number, *i);
            }
        }
        let seq = self.next_seq();
        self.pending.push(Pending {
            seq,
            offset: *i,
            target: Target::Name(name),
        });
        *i += 1;
        Ok(self.unsupported(
            if recursion {
                "a subroutine call or recursion ((?&name), (?P>name), \\g<name>)"
            } else {
                "a named back-reference (\\k<name>, (?P=name))"
            },
            start,
        ))
    }

    /// PCRE refuses a recursion into a group that is still open when everything from the
    /// group's start to the call can match the empty string (unless inside a conditional).
    fn check_recursion(&mut self, target: u32, offset: usize) {
        if self.levels.iter().any(|l| l.conditional) {
            return;
        }
        let Some(at) = self.levels.iter().rposition(|l| l.group == Some(target)) else {
            return;
        };
        if self.levels[at..].iter().all(|l| l.prefix_empty) {
            self.late_error(ERR40, offset);
        }
    }

    /// `HANDLE_NUMERICAL_RECURSION`, `i` on the sign or first digit; leaves `i` after `term`.
    fn numbered_call(&mut self, i: &mut usize, term: u8, start: usize) -> Res<Node> {
        let sign = self.at(*i);
        if sign == b'+' {
            *i += 1;
            if !self.at(*i).is_ascii_digit() {
                return fail(ERR63, *i);
            }
        } else if sign == b'-' {
            if !self.at(*i + 1).is_ascii_digit() {
                // PCRE reads what follows as option letters, as after `(?-`.
                let mut k = *i;
                while k < self.p.len() && !matches!(self.p[k], b')' | b':') {
                    if !b"-JimsxUX".contains(&self.p[k]) {
                        return fail(ERR12, k);
                    }
                    k += 1;
                }
                return fail(ERR12, k);
            }
            *i += 1;
        }
        let mut n: u64 = 0;
        while self.at(*i).is_ascii_digit() {
            n = (n * 10 + u64::from(self.at(*i) - b'0')).min(u64::from(u32::MAX));
            *i += 1;
        }
        if self.at(*i) != term || *i >= self.p.len() {
            return fail(ERR29, *i);
        }
        let target = match sign {
            b'-' => {
                if n == 0 {
                    return fail(ERR58, *i);
                }
                let t = i64::from(self.bracount) - n as i64 + 1;
                if t <= 0 {
                    return fail(ERR15, *i);
                }
                Some(t as u32)
            }
            b'+' => {
                if n == 0 {
                    return fail(ERR58, *i);
                }
                Some((u64::from(self.bracount) + n).min(u64::from(u32::MAX)) as u32)
            }
            _ if n == 0 => None,
            _ => Some(n as u32),
        };
        match target {
            Some(t) => {
                let seq = self.next_seq();
                self.pending.push(Pending {
                    seq,
                    offset: *i,
                    target: Target::Group(t),
                });
                self.check_recursion(t, *i);
            }
            None => self.check_recursion(0, *i),
        }
        *i += 1;
        Ok(self.unsupported("recursion or a subroutine call ((?R), (?1), \\g<1>)", start))
    }

    /// What follows a `(` up to the group body, `i` on the `(`. Returns the finished item for
    /// everything that has no body (comments, settings, references, verbs).
    #[inline(never)]
    fn group_head(&mut self, i: &mut usize, opts: &mut Opts) -> Res<Result<Head, Paren>> {
        let open = *i;
        let mut j = open + 1;
        // Comments come first in PCRE 8.38+.
        if self.at(j) == b'?' && self.at(j + 1) == b'#' {
            j += 2;
            while j < self.p.len() && self.p[j] != b')' {
                j += 1;
            }
            if j >= self.p.len() {
                return fail(ERR18, j);
            }
            *i = j + 1;
            return Ok(Err(Paren::Comment));
        }
        if self.at(j) == b'*' && (self.at(j + 1) == b':' || latin1_alpha(self.at(j + 1))) {
            return self.verb(i, j).map(Err);
        }
        let mut new_opts = *opts;
        let mut reset = false;
        let mut lookbehind = false;
        let mut feature: Option<&'static str> = None;
        let mut capturing = false;
        let mut conditional = false;
        let mut define = false;
        if self.at(j) == b'?' {
            j += 1;
            match self.at(j) {
                b'|' => {
                    reset = true;
                    j += 1;
                }
                b':' => j += 1,
                b'(' => {
                    let (body_start, is_define) = self.condition(j, &new_opts)?;
                    conditional = true;
                    define = is_define;
                    feature = Some("a conditional group (?(...)...)");
                    j = body_start;
                }
                b'=' => {
                    feature = Some("a look-ahead assertion (?=...)");
                    j += 1;
                }
                b'!' => {
                    feature = Some("a negative look-ahead assertion (?!...)");
                    j += 1;
                }
                b'<' => match self.at(j + 1) {
                    b'=' => {
                        feature = Some("a look-behind assertion (?<=...)");
                        lookbehind = true;
                        j += 2;
                    }
                    b'!' => {
                        feature = Some("a negative look-behind assertion (?<!...)");
                        lookbehind = true;
                        j += 2;
                    }
                    d if is_word(d) && j + 1 < self.p.len() => {
                        j = self.define_name(j, b'>', new_opts.dupnames)?;
                        capturing = true;
                    }
                    _ => return fail(ERR24, j + 1),
                },
                b'>' => {
                    feature = Some("an atomic group (?>...)");
                    j += 1;
                }
                b'C' => {
                    j += 1;
                    let mut n: u64 = 0;
                    while self.at(j).is_ascii_digit() {
                        n = (n * 10 + u64::from(self.at(j) - b'0')).min(1000);
                        j += 1;
                    }
                    if self.at(j) != b')' || j >= self.p.len() {
                        return fail(ERR39, j);
                    }
                    if n > 255 {
                        return fail(ERR38, j);
                    }
                    // Without a callout function a callout does nothing.
                    *i = j + 1;
                    return Ok(Err(Paren::Setting));
                }
                b'P' => {
                    j += 1;
                    match self.at(j) {
                        b'=' | b'>' => {
                            let recursion = self.at(j) == b'>';
                            let mut k = j;
                            let node = self.named_reference(&mut k, b')', recursion, open)?;
                            *i = k;
                            return Ok(Err(Paren::Item {
                                node,
                                repeatable: true,
                            }));
                        }
                        b'<' => {
                            j = self.define_name(j, b'>', new_opts.dupnames)?;
                            capturing = true;
                        }
                        _ => return fail(ERR41, j),
                    }
                }
                b'\'' => {
                    j = self.define_name(j, b'\'', new_opts.dupnames)?;
                    capturing = true;
                }
                b'&' => {
                    let mut k = j;
                    let node = self.named_reference(&mut k, b')', true, open)?;
                    *i = k;
                    return Ok(Err(Paren::Item {
                        node,
                        repeatable: true,
                    }));
                }
                b'R' => {
                    let mut k = j + 1;
                    let node = self.numbered_call(&mut k, b')', open)?;
                    *i = k;
                    return Ok(Err(Paren::Item {
                        node,
                        repeatable: true,
                    }));
                }
                b'-' if self.at(j + 1).is_ascii_digit() => {
                    let mut k = j;
                    let node = self.numbered_call(&mut k, b')', open)?;
                    *i = k;
                    return Ok(Err(Paren::Item {
                        node,
                        repeatable: true,
                    }));
                }
                b'+' | b'0'..=b'9' => {
                    let mut k = j;
                    let node = self.numbered_call(&mut k, b')', open)?;
                    *i = k;
                    return Ok(Err(Paren::Item {
                        node,
                        repeatable: true,
                    }));
                }
                _ => {
                    let mut set = Opts::default();
                    let mut unset = Opts::default();
                    let mut negative = false;
                    while j < self.p.len() && self.p[j] != b')' && self.p[j] != b':' {
                        let target = if negative { &mut unset } else { &mut set };
                        match self.p[j] {
                            b'-' => negative = true,
                            b'J' => target.dupnames = true,
                            b'i' => target.caseless = true,
                            b'm' => target.multiline = true,
                            b's' => target.dotall = true,
                            b'x' => target.extended = true,
                            // Greediness does not change whether a name matches.
                            b'U' => {}
                            b'X' => target.extra = true,
                            _ => return fail(ERR12, j),
                        }
                        j += 1;
                    }
                    if j >= self.p.len() {
                        return fail(ERR12, j);
                    }
                    let apply = |o: &mut Opts| {
                        o.caseless = (o.caseless || set.caseless) && !unset.caseless;
                        o.multiline = (o.multiline || set.multiline) && !unset.multiline;
                        o.dotall = (o.dotall || set.dotall) && !unset.dotall;
                        o.extended = (o.extended || set.extended) && !unset.extended;
                        o.extra = (o.extra || set.extra) && !unset.extra;
                        o.dupnames = (o.dupnames || set.dupnames) && !unset.dupnames;
                    };
                    if self.p[j] == b')' {
                        apply(opts);
                        *i = j + 1;
                        return Ok(Err(Paren::Setting));
                    }
                    apply(&mut new_opts);
                    j += 1;
                }
            }
        } else {
            capturing = true;
        }
        Ok(Ok(Head {
            open,
            body: j,
            opts: new_opts,
            reset,
            lookbehind,
            feature,
            capturing,
            conditional,
            define,
        }))
    }

    /// A parenthesis at `i`; leaves `i` after its closing parenthesis.
    fn group(&mut self, i: &mut usize, opts: &mut Opts) -> Res<Paren> {
        let head = match self.group_head(i, opts)? {
            Ok(head) => head,
            Err(done) => return Ok(done),
        };
        let Head {
            open,
            body: j,
            opts: mut new_opts,
            reset,
            lookbehind,
            feature,
            capturing,
            conditional,
            define,
        } = head;
        if capturing {
            self.bracount += 1;
        }
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return fail(TOO_DEEP, open);
        }
        let mut k = j;
        self.levels.push(Level {
            group: if capturing { Some(self.bracount) } else { None },
            conditional,
            prefix_empty: true,
        });
        let number = self.bracount;
        let body = self.regex_with(&mut k, &mut new_opts, lookbehind, reset);
        self.levels.pop();
        let body = body?;
        if capturing {
            let slot = number as usize;
            if self.group_empty.len() <= slot {
                self.group_empty.resize(slot + 1, None);
            }
            self.group_empty[slot] = Some(body.can_be_empty());
        }
        self.depth -= 1;
        if conditional {
            let branches = match &body {
                Node::Alt(b) => b.len(),
                _ => 1,
            };
            if define && branches > 1 {
                self.late_error(ERR54, k);
            } else if branches > 2 {
                self.late_error(ERR27, k);
            }
        }
        if k >= self.p.len() || self.p[k] != b')' {
            return fail(ERR14, k);
        }
        *i = k + 1;
        let node = match feature {
            // Look-around assertions match no characters; an atomic group or a conditional
            // keeps its body's shape for PCRE's later checks.
            Some(f) if f.contains("look") => self.unsupported_len(f, open, Some(0)),
            Some(f) => {
                self.unsupported(f, open);
                body
            }
            None => body,
        };
        Ok(Paren::Item {
            node,
            repeatable: true,
        })
    }

    /// A group name after `(?<`, `(?'` or `(?P<`, `j` on the opening delimiter; returns the
    /// position after the closing one.
    fn define_name(&mut self, j: usize, term: u8, dupnames: bool) -> Res<usize> {
        let mut k = j + 1;
        let start = k;
        if self.at(k).is_ascii_digit() {
            return fail(ERR84, k);
        }
        while is_word(self.at(k)) && k < self.p.len() {
            k += 1;
        }
        if self.at(k) != term || k >= self.p.len() {
            return fail(ERR42, k);
        }
        let name = self.p[start..k].to_vec();
        if name.len() > MAX_NAME_SIZE {
            return fail(ERR48, k);
        }
        let number = self.bracount + 1;
        if let Some((_, n)) = self.names.iter().find(|(m, _)| *m == name) {
            if *n != number && !dupnames {
                return fail(ERR43, k);
            }
        }
        self.names.push((name, number));
        Ok(k + 1)
    }

    /// The condition of `(?(...)`, `j` on its `(`; returns where the group body starts and
    /// whether it is `(?(DEFINE)`.
    fn condition(&mut self, j: usize, opts: &Opts) -> Res<(usize, bool)> {
        let mut k = j;
        if self.at(k + 1) == b'?'
            && (matches!(self.at(k + 2), b'=' | b'!')
                || (self.at(k + 2) == b'<' && matches!(self.at(k + 3), b'=' | b'!')))
        {
            // The assertion is the condition, not an item: a quantifier cannot follow it.
            let mut o = *opts;
            self.group(&mut k, &mut o)?;
            return Ok((k, false));
        }
        if self.at(k + 1) == b'?' && self.at(k + 2) == b'C' {
            // A callout may precede an assertion condition.
            let mut d = k + 3;
            while self.at(d).is_ascii_digit() {
                d += 1;
            }
            let temp = if self.at(d) == b')' { d + 1 } else { k };
            if self.at(temp) != b'(' {
                return fail(ERR28, k);
            }
            if self.at(temp + 1) == b'?'
                && (matches!(self.at(temp + 2), b'=' | b'!')
                    || (self.at(temp + 2) == b'<' && matches!(self.at(temp + 3), b'=' | b'!')))
            {
                return Ok((k, false));
            }
        }
        k += 1;
        let mut term: Option<u8> = None;
        let mut sign = None;
        let mut recursion_name = false;
        if self.at(k) == b'R' && self.at(k + 1) == b'&' {
            recursion_name = true;
            k += 2;
        } else if self.at(k) == b'<' {
            term = Some(b'>');
            k += 1;
        } else if self.at(k) == b'\'' {
            term = Some(b'\'');
            k += 1;
        } else if matches!(self.at(k), b'+' | b'-') {
            sign = Some(self.at(k));
            k += 1;
        }
        if k >= self.p.len() || !is_word(self.at(k)) {
            return fail(if sign.is_some() { ERR26 } else { ERR28 }, k);
        }
        let name_start = k;
        let mut number: Option<u64> = Some(0);
        while k < self.p.len() && is_word(self.p[k]) {
            number = match number {
                Some(n) if self.p[k].is_ascii_digit() => {
                    Some((n * 10 + u64::from(self.p[k] - b'0')).min(u64::from(u32::MAX)))
                }
                _ => None,
            };
            k += 1;
        }
        let name = self.p[name_start..k].to_vec();
        if let Some(t) = term {
            if self.at(k) != t || k >= self.p.len() {
                return fail(ERR26, k);
            }
            k += 1;
        }
        if self.at(k) != b')' || k >= self.p.len() {
            return fail(ERR26, k);
        }
        k += 1;
        // The rest is checked by PCRE's second pass, once all groups are known.
        let seq = self.next_seq();
        if let Some(s) = sign {
            match number {
                Some(0) | None => self.late.push((seq, ERR58, k)),
                Some(n) => {
                    let target = if s == b'-' {
                        i64::from(self.bracount) - n as i64 + 1
                    } else {
                        i64::from(self.bracount) + n as i64
                    };
                    if target <= 0 {
                        self.late.push((seq, ERR15, k));
                    } else {
                        self.pending.push(Pending {
                            seq,
                            offset: k,
                            target: Target::Group(target as u32),
                        });
                    }
                }
            }
        } else if recursion_name || term.is_some() {
            self.pending.push(Pending {
                seq,
                offset: k,
                target: Target::Name(name),
            });
        } else if name.first() == Some(&b'R') && name[1..].iter().all(u8::is_ascii_digit) {
            // (?(R) and (?(Rn) test recursion.
        } else if name == b"DEFINE" {
            return Ok((k, true));
        } else {
            match number {
                Some(0) => self.late.push((seq, ERR35, k)),
                Some(n) => self.pending.push(Pending {
                    seq,
                    offset: k,
                    target: Target::Group(n as u32),
                }),
                None => self.pending.push(Pending {
                    seq,
                    offset: k,
                    target: Target::Name(name),
                }),
            }
        }
        Ok((k, false))
    }

    /// `(*VERB)` or `(*VERB:arg)` in the pattern body, `j` on `*`.
    fn verb(&mut self, i: &mut usize, j: usize) -> Res<Paren> {
        let name_start = j + 1;
        let mut k = name_start;
        while latin1_alpha(self.at(k)) && k < self.p.len() {
            k += 1;
        }
        let name = &self.p[name_start..k];
        let mut arg_len = None;
        if self.at(k) == b':' {
            k += 1;
            let arg_start = k;
            while k < self.p.len() && self.p[k] != b')' {
                k += 1;
            }
            let len = k - arg_start;
            if len > MAX_MARK {
                return fail(ERR75, k);
            }
            arg_len = Some(len);
        }
        if self.at(k) != b')' || k >= self.p.len() {
            return fail(ERR60, k);
        }
        let has_arg = arg_len.is_some_and(|l| l > 0);
        // (name, allowed without argument, allowed with argument)
        let verbs: [(&[u8], bool, bool); 9] = [
            (b"", false, true),
            (b"MARK", false, true),
            (b"ACCEPT", true, false),
            (b"COMMIT", true, false),
            (b"F", true, false),
            (b"FAIL", true, false),
            (b"PRUNE", true, true),
            (b"SKIP", true, true),
            (b"THEN", true, true),
        ];
        let Some(&(_, bare_ok, arg_ok)) = verbs.iter().find(|v| v.0 == name) else {
            return fail(ERR60, k);
        };
        if has_arg && !arg_ok {
            return fail(ERR59, k);
        }
        if !has_arg && !bare_ok {
            return fail(ERR66, k);
        }
        *i = k + 1;
        let node = self.unsupported_len("a backtracking control verb (*...)", j - 1, Some(0));
        Ok(Paren::Item {
            node,
            repeatable: false,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Translation to regex-lite and matching.
//
// A name is searched in an encoded form where each byte `b` becomes three characters: a leading
// tag, the byte itself as U+0100+`b` (never an ASCII word character), and a trailing tag. Tags are
// `w` next to a PCRE word byte and `-` otherwise, so regex-lite's ASCII `\b` between two tags
// answers exactly as PCRE's Latin-1 `\b`. A line feed that `$` may stop before gets a leading
// tag `\n`, and one that `(?m)^` may start after a trailing tag `\n`, so regex-lite's
// multi-line `^`/`$` answer as PCRE's. Every item of the pattern consumes whole triples and the
// search starts with `\A` plus a skip of whole triples, so positions always fall between bytes.

/// A character that never occurs in an encoded name.
const NEVER: char = '\u{2FF}';

#[derive(Clone, Copy, PartialEq, Eq)]
enum LfMode {
    /// `$` without `(?m)` (or `\Z`): only a final line feed counts.
    FinalOnly,
    /// `$` with `(?m)`: every line feed counts.
    Every,
}

#[derive(Clone)]
struct Matcher {
    regex: Regex,
    lf_mode: LfMode,
}

impl Matcher {
    fn build(node: &Node) -> Result<Matcher, ()> {
        let mut s = String::from(r"\A(?:[\n\-w][\x{100}-\x{1FF}][\n\-w])*?(?:");
        emit(node, &mut s);
        s.push(')');
        let regex = RegexBuilder::new(&s)
            .nest_limit(1000)
            .size_limit(16 << 20)
            .build()
            .map_err(|_| ())?;
        let lf_mode = if has_anchor(node, Anchor::LineEnd) {
            LfMode::Every
        } else {
            LfMode::FinalOnly
        };
        Ok(Matcher { regex, lf_mode })
    }

    fn is_match(&self, name: &[u8]) -> bool {
        let n = name.len();
        let mut s = String::with_capacity(n * 5);
        for (k, &b) in name.iter().enumerate() {
            let tag = if is_word(b) { 'w' } else { '-' };
            let last = k + 1 == n;
            let lead = if b == b'\n' && (last || self.lf_mode == LfMode::Every) {
                '\n'
            } else {
                tag
            };
            let trail = if b == b'\n' && !last { '\n' } else { tag };
            s.push(lead);
            s.push(char::from_u32(0x100 + u32::from(b)).unwrap_or(NEVER));
            s.push(trail);
        }
        self.regex.is_match(&s)
    }
}

fn has_anchor(node: &Node, anchor: Anchor) -> bool {
    match node {
        Node::Anchor(a) => *a == anchor,
        Node::Seq(items) | Node::Alt(items) => items.iter().any(|n| has_anchor(n, anchor)),
        Node::Repeat { node, .. } => has_anchor(node, anchor),
        _ => false,
    }
}

fn emit_set(set: &ByteSet, out: &mut String) {
    out.push_str(r"(?:[\n\-w][");
    let mut any = false;
    let mut b: u16 = 0;
    while b < 256 {
        if set.contains(b as u8) {
            let lo = b;
            while b + 1 < 256 && set.contains((b + 1) as u8) {
                b += 1;
            }
            any = true;
            out.push_str(&format!("\\x{{{:X}}}", 0x100 + lo));
            if b != lo {
                out.push_str(&format!("-\\x{{{:X}}}", 0x100 + b));
            }
        }
        b += 1;
    }
    if !any {
        out.push_str(&format!("\\x{{{:X}}}", NEVER as u32));
    }
    out.push_str(r"][\n\-w])");
}

fn emit(node: &Node, out: &mut String) {
    match node {
        Node::Empty | Node::Unsupported { .. } => {}
        Node::Set(s) => emit_set(s, out),
        Node::Seq(items) => {
            out.push_str("(?:");
            for n in items {
                emit(n, out);
            }
            out.push(')');
        }
        Node::Alt(branches) => {
            out.push_str("(?:");
            for (k, n) in branches.iter().enumerate() {
                if k > 0 {
                    out.push('|');
                }
                emit(n, out);
            }
            out.push(')');
        }
        Node::Repeat { node, min, max } => {
            out.push_str("(?:");
            emit(node, out);
            out.push(')');
            match (min, max) {
                (0, None) => out.push('*'),
                (1, None) => out.push('+'),
                (0, Some(1)) => out.push('?'),
                (m, None) => out.push_str(&format!("{{{m},}}")),
                (m, Some(n)) => out.push_str(&format!("{{{m},{n}}}")),
            }
        }
        Node::Anchor(a) => out.push_str(match a {
            Anchor::Start => r"\A",
            Anchor::End => r"\z",
            Anchor::EndOrFinalNewline | Anchor::LineEnd => "(?m:$)",
            Anchor::LineStart => "(?m:^)",
            Anchor::WordBoundary => r"\b",
            Anchor::NotWordBoundary => r"\B",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn invalid(src: &str) -> (String, usize) {
        match compile(src) {
            Err(PatternError::Invalid { message, offset }) => (message, offset),
            Err(e) => panic!("{src:?}: expected a PCRE error, got {e:?}"),
            Ok(_) => panic!("{src:?}: expected a PCRE error, it compiled"),
        }
    }

    fn unsupported(src: &str) -> String {
        match compile(src) {
            Err(PatternError::Unsupported { feature, .. }) => feature,
            other => panic!("{src:?}: expected unsupported, got {other:?}"),
        }
    }

    fn matches(src: &str, name: &str) -> bool {
        match compile(src) {
            Ok(p) => p.is_match(name),
            Err(e) => panic!("{src:?} should compile: {e}"),
        }
    }

    #[test]
    fn pcre_messages_and_offsets_as_erlang_25_reports_them() {
        // Each pair was read from re:compile/1 of Erlang 25 (PCRE 8.44).
        for (src, message, offset) in [
            ("[", "missing terminating ] for character class", 1),
            ("^bad(", "missing )", 5),
            ("*", "nothing to repeat", 0),
            ("a**", "nothing to repeat", 2),
            ("{3}", "nothing to repeat", 2),
            ("x{3}{4}", "nothing to repeat", 6),
            ("^*", "nothing to repeat", 1),
            ("\\b*", "nothing to repeat", 2),
            ("(?i)*", "nothing to repeat", 4),
            ("a|*", "nothing to repeat", 2),
            ("(*)", "nothing to repeat", 1),
            ("a+(?#c)+*", "nothing to repeat", 8),
            ("a)", "unmatched parentheses", 1),
            (")", "unmatched parentheses", 0),
            ("a\\", "\\ at end of pattern", 2),
            ("\\c", "\\c at end of pattern", 2),
            ("a{2,1}", "numbers out of order in {} quantifier", 5),
            ("a{70000}", "number too big in {} quantifier", 7),
            ("a{1,70000}", "number too big in {} quantifier", 9),
            (
                "[:alpha:]",
                "POSIX named classes are supported only within a class",
                0,
            ),
            ("[.a.]", "POSIX collating elements are not supported", 0),
            ("[[:foo:]]", "unknown POSIX class name", 3),
            (
                "[[:alpha:]",
                "missing terminating ] for character class",
                10,
            ),
            ("[]", "missing terminating ] for character class", 2),
            ("[^]", "missing terminating ] for character class", 3),
            ("[z-a]", "range out of order in character class", 3),
            ("[a-\\d]", "invalid range in character class", 4),
            ("\\1", "reference to non-existent subpattern", 2),
            ("(a)\\2", "reference to non-existent subpattern", 5),
            ("(?1)", "reference to non-existent subpattern", 3),
            ("(?(2)a)", "reference to non-existent subpattern", 5),
            ("(?z)", "unrecognized character after (? or (?-", 2),
            ("(?", "unrecognized character after (? or (?-", 2),
            ("(?i", "unrecognized character after (? or (?-", 3),
            ("(?<", "unrecognized character after (?<", 3),
            ("(?P", "unrecognized character after (?P", 3),
            ("(?#abc", "missing ) after comment", 6),
            ("(?<=a+)b", "lookbehind assertion is not fixed length", 6),
            (
                "(?<=(a|bc))d",
                "lookbehind assertion is not fixed length",
                10,
            ),
            (
                "(x)(?(1)x|y|z)",
                "conditional group contains more than two branches",
                13,
            ),
            ("(?R)", "recursive call could loop indefinitely", 3),
            (
                "\\x{100}",
                "character value in \\x{} or \\o{} is too large",
                6,
            ),
            (
                "\\x{12",
                "non-hex character in \\x{} (closing brace missing?)",
                5,
            ),
            ("\\x{}", "digits missing in \\x{} or \\o{}", 3),
            (
                "\\o{8}",
                "non-octal character in \\o{} (closing brace missing?)",
                3,
            ),
            ("\\o", "missing opening brace after \\o", 1),
            (
                "\\400",
                "octal value is greater than \\377 in 8-bit non-UTF-8 mode",
                3,
            ),
            (
                "\\l",
                "PCRE does not support \\L, \\l, \\N{name}, \\U, or \\u",
                1,
            ),
            ("[\\N]", "\\N is not supported in a class", 2),
            ("[a-\\N]", "invalid range in character class", 4),
            ("\\g", "a numbered reference must not be zero", 1),
            (
                "\\k",
                "\\k is not followed by a braced, angle-bracketed, or quoted name",
                1,
            ),
            (
                "\\k<a",
                "syntax error in subpattern name (missing terminator)",
                4,
            ),
            ("(?<1a>x)", "group name must start with a non-digit", 3),
            (
                "(?'a'x)(?<a>y)",
                "two named subpatterns have the same name",
                11,
            ),
            ("(*FOO)", "(*VERB) not recognized or malformed", 5),
            ("(?C256)", "number after (?C is > 255", 6),
            ("\\p{Foo}", "unknown property name after \\P or \\p", 6),
            ("\\p", "malformed \\P or \\p sequence", 2),
        ] {
            assert_eq!(invalid(src), (message.to_string(), offset), "{src:?}");
        }
    }

    #[test]
    fn pcre_stops_reading_at_nul_and_at_an_unmatched_parenthesis() {
        assert!(compile("a\0(").is_ok());
        assert_eq!(invalid("(\0)"), ("missing )".to_string(), 1));
        // Nothing after the unmatched `)` is checked.
        assert_eq!(invalid("a)b["), ("unmatched parentheses".to_string(), 1));
    }

    #[test]
    fn error_term_prints_as_in_rabbitmq() {
        let e = compile("[").err();
        let term = e.as_ref().and_then(PatternError::to_term);
        assert_eq!(
            term.map(|t| t.pretty(1)),
            Some("{\"missing terminating ] for character class\",1}".to_string())
        );
        assert_eq!(
            compile("\\").err().map(|e| e.to_string()),
            Some("{\"\\\\ at end of pattern\",1}".to_string())
        );
        assert_eq!(compile("(?=a)").err().and_then(|e| e.to_term()), None);
    }

    #[test]
    fn features_regex_lite_lacks_are_reported_not_guessed() {
        for (src, what) in [
            ("(?=a)b", "look-ahead"),
            ("(?!a)b", "negative look-ahead"),
            ("(?<=a)b", "look-behind"),
            ("(?<!a)b", "negative look-behind"),
            ("(a)\\1", "back-reference"),
            ("(a)\\g{1}", "back-reference"),
            ("(?<n>a)\\k<n>", "named back-reference"),
            ("(?P<n>a)(?P=n)", "named back-reference"),
            ("(?>a+)b", "atomic group"),
            ("a*+", "possessive"),
            ("a{2,3}+", "possessive"),
            ("a(?R)?", "recursion"),
            ("(a)(?1)", "recursion"),
            ("(?<n>a)(?&n)", "subroutine"),
            ("(a)(?(1)b|c)", "conditional"),
            ("(*FAIL)", "verb"),
            ("a(*SKIP)b", "verb"),
            ("(*UTF8)a", "(*UTF8)"),
            ("\\p{L}", "Unicode property"),
            ("[\\pL]", "Unicode property"),
            ("\\X", "grapheme"),
            ("\\R", "newline"),
        ] {
            let feature = unsupported(src);
            assert!(feature.contains(what), "{src:?}: {feature}");
        }
        let message = compile("(?=a)")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(message.contains("RabbitMQ accepts it"), "{message}");
        assert!(message.contains("cannot evaluate"), "{message}");
        // A syntax error anywhere wins over an unsupported feature, as RabbitMQ refuses it.
        assert_eq!(invalid("(?=a)["), (ERR6.to_string(), 6));
        // Constructs that need no look-around are translated, not refused.
        for src in [
            "(?:a)", "(?|a|b)", "(?<n>a)", "(?'n'a)", "(?P<n>a)", "a(?C1)b", "\\Ka", "(*LF)a",
        ] {
            assert!(compile(src).is_ok(), "{src:?}");
        }
    }

    #[test]
    fn unanchored_byte_wise_search_like_erlang_re() {
        // Each result was read from re:run/3 of Erlang 25 on the UTF-8 bytes of the name.
        for (src, name, expected) in [
            ("two", "network", true),
            ("^two\\.", "two-x", false),
            ("^two\\.", "two.x", true),
            ("^two.", "two-x", true),
            ("^amq\\.", "amq.gen-1", true),
            ("^amq\\.", "xamq.gen", false),
            ("^ha\\.", "HA.q1", false),
            ("(?i)^ha\\.", "HA.q1", true),
            ("^(orders|billing)\\.", "billing.eu", true),
            ("^q[0-9]{2,}$", "q07", true),
            ("^q[0-9]{2,}$", "q7", false),
            ("", "x", true),
            (".*", "anything", true),
            ("^$", "", true),
            ("a{,3}", "a{,3}", true),
            ("a{,3}", "aaa", false),
            ("^x{2}$", "xx", true),
            ("^x{2}$", "xxx", false),
            ("\\Qa.b\\E", "a.b", true),
            ("\\Qa.b\\E", "axb", false),
            ("^[[:digit:]]+$", "2024", true),
            ("^[[:digit:]]+$", "20a4", false),
            ("a$", "a\n", true),
            ("a$", "a", true),
            ("a$", "a\nb", false),
            ("a\\z", "a\n", false),
            ("a\\Z", "a\n", true),
            ("(?m)^b", "a\nb", true),
            ("(?m)a$", "a\nb", true),
            ("^.$", "\n", false),
            ("(?s)^.$", "\n", true),
            ("\\N", "\n", false),
            ("^\\d$", "٣", false),
            ("(?i)ÉTÉ", "été", false),
            ("(?i)ÉTÉ", "ÉTÉ", true),
            ("^\\w+$", "é", false),
            ("^\\w\\W$", "é", true),
            ("\\bé", "xé", false),
            ("x\\b", "xé", false),
            ("^.{2}$", "é", true),
            ("^.$", "é", false),
            ("(a(?i)b|c)", "C", true),
            ("(a(?i)b|c)", "aB", true),
            ("(a(?i)b|c)", "AB", false),
            ("(?x) a b # comment", "ab", true),
            ("(?x) a b # comment", "a b", false),
            ("^\\101\\x41\\cA$", "AA\u{1}", true),
            ("[\\d-z]", "-", true),
            ("[\\w.-]+@", "a.b-c@", true),
            ("\\h", "\u{a0}", true),
        ] {
            assert_eq!(matches(src, name), expected, "{src:?} on {name:?}");
        }
    }

    #[test]
    fn source_is_kept_verbatim() {
        let p = compile("^q\\.").ok();
        assert_eq!(p.as_ref().map(Pattern::source), Some("^q\\."));
    }

    #[test]
    fn garbage_never_panics() {
        let mut rng = Rng::new(11);
        let pieces = [
            "a", "Z", "0", ".", "^", "$", "|", "(", ")", "[", "]", "{", "}", "*", "+", "?", "\\",
            "-", ":", "=", "!", "<", ">", "'", "#", "P", "R", "C", "1", "9", "x", "o", "c", "g",
            "k", "p", "Q", "E", "é", "\n", " ", ",", "&", "(?", "(*", "[:", ":]", "\\x{",
        ];
        for _ in 0..5000 {
            let len = rng.below(14) as usize;
            let src: String = (0..len)
                .map(|_| pieces[rng.below(pieces.len() as u64) as usize])
                .collect();
            if let Ok(p) = compile(&src) {
                let _ = p.is_match("abc\né");
                let _ = p.is_match("");
            }
        }
        let deep = format!("{}a{}", "(".repeat(300), ")".repeat(300));
        assert_eq!(unsupported(&deep), TOO_DEEP);
        let fine = format!("{}a{}", "(".repeat(100), ")b|c".repeat(100));
        assert!(matches(&fine, "c"));
    }
}
