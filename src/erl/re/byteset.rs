//! Byte sets: every single-byte item of a pattern (literal, class, `.`, `\d`, POSIX class,
//! case-insensitive letter) becomes one, built from the ISO-8859-1 character tables Erlang
//! builds PCRE with.

#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub(super) struct ByteSet([u64; 4]);

impl ByteSet {
    pub(super) fn single(b: u8) -> ByteSet {
        let mut s = ByteSet::default();
        s.add(b);
        s
    }

    pub(super) fn all() -> ByteSet {
        ByteSet([u64::MAX; 4])
    }

    pub(super) fn add(&mut self, b: u8) {
        self.0[(b >> 6) as usize] |= 1 << (b & 63);
    }

    pub(super) fn contains(&self, b: u8) -> bool {
        self.0[(b >> 6) as usize] & (1 << (b & 63)) != 0
    }

    pub(super) fn union(&mut self, other: &ByteSet) {
        for (a, b) in self.0.iter_mut().zip(other.0.iter()) {
            *a |= b;
        }
    }

    pub(super) fn not(&self) -> ByteSet {
        ByteSet([!self.0[0], !self.0[1], !self.0[2], !self.0[3]])
    }

    pub(super) fn without(&self, b: u8) -> ByteSet {
        let mut s = *self;
        s.0[(b >> 6) as usize] &= !(1 << (b & 63));
        s
    }
}

/// Erlang builds PCRE with ISO-8859-1 character tables (`pcre_latin_1_table.c`), so letters
/// of bytes 0xC0..0xFF count as word characters and fold case. These predicates reproduce the
/// tables (read back from `re:run/3` on every byte).
pub(super) fn latin1_upper(b: u8) -> bool {
    b.is_ascii_uppercase() || (0xc0..=0xde).contains(&b) && b != 0xd7
}

pub(super) fn latin1_lower(b: u8) -> bool {
    b.is_ascii_lowercase()
        || matches!(b, 0xaa | 0xb5 | 0xba)
        || (0xdf..=0xff).contains(&b) && b != 0xf7
}

pub(super) fn latin1_alpha(b: u8) -> bool {
    latin1_upper(b) || latin1_lower(b)
}

pub(super) fn latin1_punct(b: u8) -> bool {
    b.is_ascii_punctuation()
        || (0xa0..=0xbf).contains(&b) && !matches!(b, 0xaa | 0xb5 | 0xba)
        || b == 0xd7
        || b == 0xf7
}

/// The other case of a letter, per the Latin-1 tables (`ß` and `ÿ` have none).
pub(super) fn other_case(b: u8) -> u8 {
    if b.is_ascii_alphabetic() || (0xc0..=0xfe).contains(&b) && b != 0xd7 && b != 0xf7 && b != 0xdf
    {
        b ^ 0x20
    } else {
        b
    }
}

pub(super) fn literal_set(b: u8, caseless: bool) -> ByteSet {
    let mut s = ByteSet::single(b);
    if caseless {
        s.add(other_case(b));
    }
    s
}

pub(super) fn is_word(b: u8) -> bool {
    b.is_ascii_digit() || b == b'_' || latin1_alpha(b)
}

/// `\s`: `isspace()`, which includes VT since PCRE 8.34.
pub(super) fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ')
}

pub(super) fn set_of(pred: impl Fn(u8) -> bool) -> ByteSet {
    let mut s = ByteSet::default();
    for b in 0..=255u8 {
        if pred(b) {
            s.add(b);
        }
    }
    s
}

pub(super) fn hspace() -> ByteSet {
    set_of(|b| matches!(b, b'\t' | b' ' | 0xa0))
}

pub(super) fn vspace() -> ByteSet {
    set_of(|b| matches!(b, b'\n' | 0x0b | 0x0c | b'\r' | 0x85))
}

pub(super) const POSIX_NAMES: [&str; 14] = [
    "alpha", "lower", "upper", "alnum", "ascii", "blank", "cntrl", "digit", "graph", "print",
    "punct", "space", "word", "xdigit",
];

pub(super) fn posix_set(index: usize) -> ByteSet {
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
