//! Character classes (`[...]`) and POSIX class names (`[:alpha:]`).

use crate::erl::re::byteset::{other_case, posix_set, ByteSet, POSIX_NAMES};
use crate::erl::re::errors::{ERR13, ERR30, ERR31, ERR6, ERR7, ERR71, ERR8, ERR83};
use crate::erl::re::parse::compiler::{fail, Compiler, Esc, Opts, Res};

impl Compiler<'_> {
    /// `check_posix_syntax`, with `j` on `[`: where the closing `:]` (or `.]`, `=]`) starts.
    pub(in crate::erl::re) fn posix_end(&self, j: usize) -> Option<usize> {
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

    pub(in crate::erl::re) fn starts_posix(&self, j: usize) -> bool {
        self.at(j) == b'['
            && matches!(self.at(j + 1), b':' | b'.' | b'=')
            && self.posix_end(j).is_some()
    }

    pub(in crate::erl::re) fn add_char(set: &mut ByteSet, b: u8, caseless: bool) {
        set.add(b);
        if caseless {
            set.add(other_case(b));
        }
    }

    /// A character class, `i` on `[`; leaves `i` after `]`.
    pub(in crate::erl::re) fn class(&mut self, i: &mut usize, opts: &Opts) -> Res<ByteSet> {
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
}
