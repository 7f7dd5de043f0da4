//! The parsed pattern, reduced to what matching needs.

use crate::erl::re::byteset::ByteSet;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Anchor {
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
pub(super) enum Node {
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
    pub(super) fn can_be_empty(&self) -> bool {
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
    pub(super) fn fixed_len(&self) -> Option<u64> {
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
