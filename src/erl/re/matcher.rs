//! Translation of the parsed pattern to `regex-lite`, and matching.

use crate::erl::re::byteset::{is_word, ByteSet};
use crate::erl::re::node::{Anchor, Node};
use regex_lite::{Regex, RegexBuilder};

//
// A name is searched in an encoded form where each byte `b` becomes three characters: a leading
// tag, the byte itself as U+0100+`b` (never an ASCII word character), and a trailing tag. Tags are
// `w` next to a PCRE word byte and `-` otherwise, so regex-lite's ASCII `\b` between two tags
// answers exactly as PCRE's Latin-1 `\b`. A line feed that `$` may stop before gets a leading
// tag `\n`, and one that `(?m)^` may start after a trailing tag `\n`, so regex-lite's
// multi-line `^`/`$` answer as PCRE's. Every item of the pattern consumes whole triples and the
// search starts with `\A` plus a skip of whole triples, so positions always fall between bytes.

/// A character that never occurs in an encoded name.
pub(super) const NEVER: char = '\u{2FF}';

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum LfMode {
    /// `$` without `(?m)` (or `\Z`): only a final line feed counts.
    FinalOnly,
    /// `$` with `(?m)`: every line feed counts.
    Every,
}

/// The most work one match may take, in steps of [`Matcher::cost`]: beyond it the match stops
/// as PCRE's does at its `match_limit` (`re:run/3` answers `nomatch`, or `{error, match_limit}`
/// with `report_errors`). PCRE counts backtracking calls and the engine here does not
/// backtrack, so the step is the engine's own: one pattern state at one encoded position.
pub const MATCH_LIMIT: u64 = 1_000_000;

#[derive(Clone)]
pub(super) struct Matcher {
    pub(super) regex: Regex,
    pub(super) lf_mode: LfMode,
    /// Pattern states after repetitions are expanded (`a{500}` is 500 of `a`'s), bounding the
    /// engine's work per encoded character.
    pub(super) states: u64,
}

impl Matcher {
    pub(super) fn build(node: &Node) -> Result<Matcher, ()> {
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
        Ok(Matcher {
            regex,
            lf_mode,
            states: 3 + states(node),
        })
    }

    /// The steps a search of a name of `len` bytes may take: every state at every position of
    /// the encoded name (three characters a byte).
    pub(super) fn cost(&self, len: usize) -> u64 {
        self.states.saturating_mul(3 * len as u64 + 1)
    }

    pub(super) fn is_match(&self, name: &[u8]) -> bool {
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

/// The states of `node` with its repetitions expanded, as `regex-lite` compiles them.
fn states(node: &Node) -> u64 {
    match node {
        Node::Empty | Node::Unsupported { .. } => 0,
        Node::Set(_) => 3,
        Node::Anchor(_) => 1,
        Node::Seq(items) => items.iter().map(states).fold(0, u64::saturating_add),
        Node::Alt(items) => items.iter().map(states).fold(1, u64::saturating_add),
        Node::Repeat { node, min, max } => {
            let copies = u64::from(max.unwrap_or(*min).max(*min).max(1));
            states(node).saturating_mul(copies).saturating_add(1)
        }
    }
}

pub(super) fn has_anchor(node: &Node, anchor: Anchor) -> bool {
    match node {
        Node::Anchor(a) => *a == anchor,
        Node::Seq(items) | Node::Alt(items) => items.iter().any(|n| has_anchor(n, anchor)),
        Node::Repeat { node, .. } => has_anchor(node, anchor),
        _ => false,
    }
}

pub(super) fn emit_set(set: &ByteSet, out: &mut String) {
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

pub(super) fn emit(node: &Node, out: &mut String) {
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
