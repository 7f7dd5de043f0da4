//! Why a pattern cannot be used ([`PatternError`]), with PCRE 8.44's compile-error texts
//! (`pcre_compile.c`, by PCRE error number) and the limits PCRE and the simulator put on a
//! pattern: together they decide which message and offset a refused pattern gets.

use crate::erl::term::Term;
use std::fmt;

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

pub(super) const ERR1: &str = "\\ at end of pattern";
pub(super) const ERR2: &str = "\\c at end of pattern";
pub(super) const ERR3: &str = "unrecognized character follows \\";
pub(super) const ERR4: &str = "numbers out of order in {} quantifier";
pub(super) const ERR5: &str = "number too big in {} quantifier";
pub(super) const ERR6: &str = "missing terminating ] for character class";
pub(super) const ERR7: &str = "invalid escape sequence in character class";
pub(super) const ERR8: &str = "range out of order in character class";
pub(super) const ERR9: &str = "nothing to repeat";
pub(super) const ERR12: &str = "unrecognized character after (? or (?-";
pub(super) const ERR13: &str = "POSIX named classes are supported only within a class";
pub(super) const ERR14: &str = "missing )";
pub(super) const ERR15: &str = "reference to non-existent subpattern";
pub(super) const ERR18: &str = "missing ) after comment";
pub(super) const ERR22: &str = "unmatched parentheses";
pub(super) const ERR24: &str = "unrecognized character after (?<";
pub(super) const ERR25: &str = "lookbehind assertion is not fixed length";
pub(super) const ERR26: &str = "malformed number or name after (?(";
pub(super) const ERR27: &str = "conditional group contains more than two branches";
pub(super) const ERR28: &str = "assertion expected after (?( or (?(?C)";
pub(super) const ERR29: &str = "(?R or (?[+-]digits must be followed by )";
pub(super) const ERR30: &str = "unknown POSIX class name";
pub(super) const ERR31: &str = "POSIX collating elements are not supported";
pub(super) const ERR34: &str = "character value in \\x{} or \\o{} is too large";
pub(super) const ERR35: &str = "invalid condition (?(0)";
pub(super) const ERR37: &str = "PCRE does not support \\L, \\l, \\N{name}, \\U, or \\u";
pub(super) const ERR38: &str = "number after (?C is > 255";
pub(super) const ERR39: &str = "closing ) for (?C expected";
pub(super) const ERR40: &str = "recursive call could loop indefinitely";
pub(super) const ERR41: &str = "unrecognized character after (?P";
pub(super) const ERR42: &str = "syntax error in subpattern name (missing terminator)";
pub(super) const ERR43: &str = "two named subpatterns have the same name";
pub(super) const ERR46: &str = "malformed \\P or \\p sequence";
pub(super) const ERR47: &str = "unknown property name after \\P or \\p";
pub(super) const ERR48: &str = "subpattern name is too long (maximum 32 characters)";
pub(super) const ERR51: &str = "octal value is greater than \\377 in 8-bit non-UTF-8 mode";
pub(super) const ERR54: &str = "DEFINE group contains more than one branch";
pub(super) const ERR57: &str =
    "\\g is not followed by a braced, angle-bracketed, or quoted name/number or by a plain number";
pub(super) const ERR58: &str = "a numbered reference must not be zero";
pub(super) const ERR59: &str = "an argument is not allowed for (*ACCEPT), (*FAIL), or (*COMMIT)";
pub(super) const ERR60: &str = "(*VERB) not recognized or malformed";
pub(super) const ERR61: &str = "number is too big";
pub(super) const ERR62: &str = "subpattern name expected";
pub(super) const ERR63: &str = "digit expected after (?+";
pub(super) const ERR66: &str = "(*MARK) must have an argument";
pub(super) const ERR68: &str = "\\c must be followed by an ASCII character";
pub(super) const ERR69: &str = "\\k is not followed by a braced, angle-bracketed, or quoted name";
pub(super) const ERR71: &str = "\\N is not supported in a class";
pub(super) const ERR75: &str = "name is too long in (*MARK), (*PRUNE), (*SKIP), or (*THEN)";
pub(super) const ERR79: &str = "non-hex character in \\x{} (closing brace missing?)";
pub(super) const ERR80: &str = "non-octal character in \\o{} (closing brace missing?)";
pub(super) const ERR81: &str = "missing opening brace after \\o";
pub(super) const ERR83: &str = "invalid range in character class";
pub(super) const ERR84: &str = "group name must start with a non-digit";
pub(super) const ERR86: &str = "digits missing in \\x{} or \\o{}";

/// The deepest nesting of parentheses the simulator reads. Erlang's PCRE accepts about 800
/// levels before answering `regular expression is too complicated` (a C-stack check whose limit
/// depends on the constructs); the simulator stops earlier to keep its own stack small.
pub(super) const MAX_NESTING: u32 = 100;
/// Marks the nesting limit in a [`Fail`]; reported as unsupported, not as a PCRE error.
pub(super) const TOO_DEEP: &str = "parentheses nested more than 100 levels deep";
/// PCRE's limit on `{m,n}` counts.
pub(super) const MAX_REPEAT: u32 = 65535;
/// PCRE's limit on group names (`MAX_NAME_SIZE`).
pub(super) const MAX_NAME_SIZE: usize = 32;
/// PCRE's limit on `(*MARK:name)` arguments (`MAX_MARK`).
pub(super) const MAX_MARK: usize = 255;

/// Property names `\\p{...}` accepts in PCRE 8.44 (general categories, scripts of Unicode 7, and
/// PCRE's own `Any`, `L&`, `Xan`, `Xps`, `Xsp`, `Xuc`, `Xwd`).
pub(super) const PROPERTY_NAMES: [&str; 169] = [
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
