//! The compiler's state and its entry point: PCRE's checks, in PCRE's order, run over the
//! pattern once; the reading of branches, classes, escapes and groups is in the sibling files
//! (each an `impl Compiler` of its own).

use crate::erl::re::byteset::{is_space, ByteSet};
use crate::erl::re::errors::PatternError;
use crate::erl::re::errors::{ERR15, ERR22, ERR25, TOO_DEEP};
use crate::erl::re::node::{Anchor, Node};

#[derive(Clone, Copy, Default)]
pub(in crate::erl::re) struct Opts {
    pub(in crate::erl::re) caseless: bool,
    pub(in crate::erl::re) multiline: bool,
    pub(in crate::erl::re) dotall: bool,
    pub(in crate::erl::re) extended: bool,
    pub(in crate::erl::re) extra: bool,
    pub(in crate::erl::re) dupnames: bool,
}

pub(in crate::erl::re) struct Fail {
    pub(in crate::erl::re) message: &'static str,
    pub(in crate::erl::re) offset: usize,
}

pub(in crate::erl::re) type Res<T> = Result<T, Fail>;

pub(in crate::erl::re) fn fail<T>(message: &'static str, offset: usize) -> Res<T> {
    Err(Fail { message, offset })
}

/// What an escape sequence stands for.
pub(in crate::erl::re) enum Esc {
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
pub(in crate::erl::re) enum Paren {
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
pub(in crate::erl::re) struct Head {
    pub(in crate::erl::re) open: usize,
    pub(in crate::erl::re) body: usize,
    pub(in crate::erl::re) opts: Opts,
    pub(in crate::erl::re) reset: bool,
    pub(in crate::erl::re) lookbehind: bool,
    pub(in crate::erl::re) feature: Option<&'static str>,
    pub(in crate::erl::re) capturing: bool,
    pub(in crate::erl::re) conditional: bool,
    pub(in crate::erl::re) define: bool,
}

/// An open group (or the whole pattern), for PCRE's infinite-recursion check.
pub(in crate::erl::re) struct Level {
    /// Capture number; 0 for the whole pattern, `None` for non-capturing groups.
    pub(in crate::erl::re) group: Option<u32>,
    pub(in crate::erl::re) conditional: bool,
    /// Whether the current alternative of this group can so far match the empty string.
    pub(in crate::erl::re) prefix_empty: bool,
}

/// Where a name or group reference must be resolved once the whole pattern is known.
pub(in crate::erl::re) struct Pending {
    pub(in crate::erl::re) seq: usize,
    pub(in crate::erl::re) offset: usize,
    pub(in crate::erl::re) target: Target,
}

pub(in crate::erl::re) enum Target {
    Name(Vec<u8>),
    Group(u32),
}

pub(in crate::erl::re) struct Compiler<'a> {
    pub(in crate::erl::re) p: &'a [u8],
    pub(in crate::erl::re) bracount: u32,
    pub(in crate::erl::re) names: Vec<(Vec<u8>, u32)>,
    pub(in crate::erl::re) top_backref: u32,
    pub(in crate::erl::re) depth: u32,
    /// Errors PCRE only finds in its second pass, with their position in reading order.
    pub(in crate::erl::re) late: Vec<(usize, &'static str, usize)>,
    pub(in crate::erl::re) pending: Vec<Pending>,
    pub(in crate::erl::re) seq: usize,
    pub(in crate::erl::re) unsupported: Option<(String, usize)>,
    pub(in crate::erl::re) start_unsupported: Option<(String, usize)>,
    pub(in crate::erl::re) levels: Vec<Level>,
    /// `(*UTF8)` or `(*UTF)` put PCRE in UTF-8 mode, where escapes may exceed 255.
    pub(in crate::erl::re) utf: bool,
    /// For each closed capturing group (by number), whether it can match the empty string.
    pub(in crate::erl::re) group_empty: Vec<Option<bool>>,
}

impl<'a> Compiler<'a> {
    pub(in crate::erl::re) fn new(p: &'a [u8]) -> Compiler<'a> {
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

    pub(in crate::erl::re) fn at(&self, i: usize) -> u8 {
        self.p.get(i).copied().unwrap_or(0)
    }

    pub(in crate::erl::re) fn next_seq(&mut self) -> usize {
        self.seq += 1;
        self.seq
    }

    pub(in crate::erl::re) fn late_error(&mut self, message: &'static str, offset: usize) {
        let seq = self.next_seq();
        self.late.push((seq, message, offset));
    }

    pub(in crate::erl::re) fn unsupported(&mut self, feature: &str, offset: usize) -> Node {
        self.unsupported_len(feature, offset, None)
    }

    pub(in crate::erl::re) fn unsupported_len(
        &mut self,
        feature: &str,
        offset: usize,
        len: Option<u64>,
    ) -> Node {
        self.unsupported_node(feature, offset, len, len == Some(0))
    }

    pub(in crate::erl::re) fn unsupported_node(
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

    pub(in crate::erl::re) fn run(&mut self) -> Result<Node, PatternError> {
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
    pub(in crate::erl::re) fn skip_start_options(&mut self) -> usize {
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
    pub(in crate::erl::re) fn regex_with(
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

    pub(in crate::erl::re) fn skip_extended(&self, mut j: usize) -> usize {
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
}
