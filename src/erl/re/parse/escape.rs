//! Escape sequences (`check_escape`): characters, classes, anchors, back-references, named
//! references and subroutine calls.

use crate::erl::re::byteset::{hspace, is_space, is_word, set_of, vspace, ByteSet};
use crate::erl::re::errors::{
    ERR1, ERR12, ERR15, ERR2, ERR29, ERR3, ERR34, ERR37, ERR40, ERR42, ERR46, ERR47, ERR48, ERR51,
    ERR57, ERR58, ERR61, ERR62, ERR63, ERR68, ERR69, ERR79, ERR80, ERR81, ERR84, ERR86,
    MAX_NAME_SIZE, PROPERTY_NAMES,
};
use crate::erl::re::node::{Anchor, Node};
use crate::erl::re::parse::compiler::{fail, Compiler, Esc, Opts, Pending, Res, Target};

impl Compiler<'_> {
    /// `check_escape`, with `i` on the backslash; leaves `i` on the last byte of the escape.
    pub(in crate::erl::re) fn escape(
        &mut self,
        i: &mut usize,
        opts: &Opts,
        in_class: bool,
    ) -> Res<Esc> {
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

    pub(in crate::erl::re) fn max_char(&self) -> u32 {
        if self.utf {
            0x10ffff
        } else {
            0xff
        }
    }

    /// Up to three octal digits, the first at `j`; leaves `j` on the last.
    pub(in crate::erl::re) fn octal(&self, j: &mut usize, first: u8) -> Res<Esc> {
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
    pub(in crate::erl::re) fn unicode_property(&self, j: usize) -> Res<usize> {
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
    pub(in crate::erl::re) fn g_escape(&mut self, i: &mut usize, mut j: usize) -> Res<Esc> {
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
    pub(in crate::erl::re) fn named_escape(
        &mut self,
        i: &mut usize,
        start: usize,
        recursion: bool,
    ) -> Res<Node> {
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
    pub(in crate::erl::re) fn named_reference(
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
    pub(in crate::erl::re) fn check_recursion(&mut self, target: u32, offset: usize) {
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
    pub(in crate::erl::re) fn numbered_call(
        &mut self,
        i: &mut usize,
        term: u8,
        start: usize,
    ) -> Res<Node> {
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
}
