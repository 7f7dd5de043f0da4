//! Branches (`compile_branch`): items up to `|`, `)` or the end, and the quantifiers after
//! them.

use crate::erl::re::byteset::{is_space, literal_set, ByteSet};
use crate::erl::re::errors::{ERR4, ERR5, ERR9, MAX_REPEAT};
use crate::erl::re::node::{Anchor, Node};
use crate::erl::re::parse::compiler::{fail, Compiler, Esc, Opts, Paren, Res};

impl Compiler<'_> {
    /// `compile_branch`: items up to `|`, `)` or the end.
    pub(in crate::erl::re) fn branch(&mut self, i: &mut usize, opts: &mut Opts) -> Res<Node> {
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
    pub(in crate::erl::re) fn quantifier(
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
    pub(in crate::erl::re) fn escape_item(
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

    pub(in crate::erl::re) fn is_counted_repeat(&self, mut j: usize) -> bool {
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
    pub(in crate::erl::re) fn repeat_counts(&self, i: &mut usize) -> Res<(u32, Option<u32>)> {
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
}
