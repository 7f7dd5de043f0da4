//! The compiled pattern: [`compile`] runs the compiler and builds the matcher, [`Pattern`]
//! answers whether a name matches.

use crate::erl::re::errors::PatternError;
use crate::erl::re::matcher::{Matcher, MATCH_LIMIT};
use crate::erl::re::parse::compiler::Compiler;
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
    ///
    /// A search that would take more than [`MATCH_LIMIT`] steps is not run and answers no
    /// match, as `re:run/3` does (without `report_errors`) when PCRE's `match_limit` is reached;
    /// [`Pattern::run`] tells the two apart.
    pub fn is_match(&self, name: &str) -> bool {
        self.run(name).unwrap_or(false)
    }

    /// Like `re:run(Name, Pattern, [report_errors])`: whether it matches, or
    /// `Err(MatchLimit)` (`{error, match_limit}`) when the search would exceed [`MATCH_LIMIT`].
    pub fn run(&self, name: &str) -> Result<bool, MatchLimit> {
        if self.matcher.cost(name.len()) > MATCH_LIMIT {
            return Err(MatchLimit);
        }
        Ok(self.matcher.is_match(name.as_bytes()))
    }
}

/// `{error, match_limit}`: a search stopped at the matching-cost limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchLimit;

impl fmt::Display for MatchLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{error,match_limit}}: matching this pattern against this name would take more than {MATCH_LIMIT} steps, so it counts as no match (as re:run/3 answers nomatch past PCRE's match_limit); simplify the pattern (fewer or smaller {{n}} repetitions) or shorten the name"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::erl::re::errors::{ERR6, TOO_DEEP};
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
