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
//!
//! The parts, in the order a pattern goes through them: [`errors`] (PCRE's texts and limits),
//! [`parse`] (the compiler, reading the pattern into a [`node`] tree of [`byteset`]s),
//! [`matcher`] (the translation to `regex-lite`), and [`pattern`] (the API).

mod byteset;
mod errors;
mod matcher;
mod node;
mod parse;
mod pattern;

pub use errors::PatternError;
pub use matcher::MATCH_LIMIT;
pub use pattern::{compile, MatchLimit, Pattern};
