//! Parenthesised items: groups, option settings, comments, conditions, callouts and `(*VERB)`s.

use crate::erl::re::byteset::{is_word, latin1_alpha};
use crate::erl::re::errors::{
    ERR12, ERR14, ERR15, ERR18, ERR24, ERR26, ERR27, ERR28, ERR35, ERR38, ERR39, ERR41, ERR42,
    ERR43, ERR48, ERR54, ERR58, ERR59, ERR60, ERR66, ERR75, ERR84, MAX_MARK, MAX_NAME_SIZE,
    MAX_NESTING, TOO_DEEP,
};
use crate::erl::re::node::Node;
use crate::erl::re::parse::compiler::{
    fail, Compiler, Head, Level, Opts, Paren, Pending, Res, Target,
};

impl Compiler<'_> {
    /// What follows a `(` up to the group body, `i` on the `(`. Returns the finished item for
    /// everything that has no body (comments, settings, references, verbs).
    #[inline(never)]
    pub(in crate::erl::re) fn group_head(
        &mut self,
        i: &mut usize,
        opts: &mut Opts,
    ) -> Res<Result<Head, Paren>> {
        let open = *i;
        let mut j = open + 1;
        // Comments come first in PCRE 8.38+.
        if self.at(j) == b'?' && self.at(j + 1) == b'#' {
            j += 2;
            while j < self.p.len() && self.p[j] != b')' {
                j += 1;
            }
            if j >= self.p.len() {
                return fail(ERR18, j);
            }
            *i = j + 1;
            return Ok(Err(Paren::Comment));
        }
        if self.at(j) == b'*' && (self.at(j + 1) == b':' || latin1_alpha(self.at(j + 1))) {
            return self.verb(i, j).map(Err);
        }
        let mut new_opts = *opts;
        let mut reset = false;
        let mut lookbehind = false;
        let mut feature: Option<&'static str> = None;
        let mut capturing = false;
        let mut conditional = false;
        let mut define = false;
        if self.at(j) == b'?' {
            j += 1;
            match self.at(j) {
                b'|' => {
                    reset = true;
                    j += 1;
                }
                b':' => j += 1,
                b'(' => {
                    let (body_start, is_define) = self.condition(j, &new_opts)?;
                    conditional = true;
                    define = is_define;
                    feature = Some("a conditional group (?(...)...)");
                    j = body_start;
                }
                b'=' => {
                    feature = Some("a look-ahead assertion (?=...)");
                    j += 1;
                }
                b'!' => {
                    feature = Some("a negative look-ahead assertion (?!...)");
                    j += 1;
                }
                b'<' => match self.at(j + 1) {
                    b'=' => {
                        feature = Some("a look-behind assertion (?<=...)");
                        lookbehind = true;
                        j += 2;
                    }
                    b'!' => {
                        feature = Some("a negative look-behind assertion (?<!...)");
                        lookbehind = true;
                        j += 2;
                    }
                    d if is_word(d) && j + 1 < self.p.len() => {
                        j = self.define_name(j, b'>', new_opts.dupnames)?;
                        capturing = true;
                    }
                    _ => return fail(ERR24, j + 1),
                },
                b'>' => {
                    feature = Some("an atomic group (?>...)");
                    j += 1;
                }
                b'C' => {
                    j += 1;
                    let mut n: u64 = 0;
                    while self.at(j).is_ascii_digit() {
                        n = (n * 10 + u64::from(self.at(j) - b'0')).min(1000);
                        j += 1;
                    }
                    if self.at(j) != b')' || j >= self.p.len() {
                        return fail(ERR39, j);
                    }
                    if n > 255 {
                        return fail(ERR38, j);
                    }
                    // Without a callout function a callout does nothing.
                    *i = j + 1;
                    return Ok(Err(Paren::Setting));
                }
                b'P' => {
                    j += 1;
                    match self.at(j) {
                        b'=' | b'>' => {
                            let recursion = self.at(j) == b'>';
                            let mut k = j;
                            let node = self.named_reference(&mut k, b')', recursion, open)?;
                            *i = k;
                            return Ok(Err(Paren::Item {
                                node,
                                repeatable: true,
                            }));
                        }
                        b'<' => {
                            j = self.define_name(j, b'>', new_opts.dupnames)?;
                            capturing = true;
                        }
                        _ => return fail(ERR41, j),
                    }
                }
                b'\'' => {
                    j = self.define_name(j, b'\'', new_opts.dupnames)?;
                    capturing = true;
                }
                b'&' => {
                    let mut k = j;
                    let node = self.named_reference(&mut k, b')', true, open)?;
                    *i = k;
                    return Ok(Err(Paren::Item {
                        node,
                        repeatable: true,
                    }));
                }
                b'R' => {
                    let mut k = j + 1;
                    let node = self.numbered_call(&mut k, b')', open)?;
                    *i = k;
                    return Ok(Err(Paren::Item {
                        node,
                        repeatable: true,
                    }));
                }
                b'-' if self.at(j + 1).is_ascii_digit() => {
                    let mut k = j;
                    let node = self.numbered_call(&mut k, b')', open)?;
                    *i = k;
                    return Ok(Err(Paren::Item {
                        node,
                        repeatable: true,
                    }));
                }
                b'+' | b'0'..=b'9' => {
                    let mut k = j;
                    let node = self.numbered_call(&mut k, b')', open)?;
                    *i = k;
                    return Ok(Err(Paren::Item {
                        node,
                        repeatable: true,
                    }));
                }
                _ => {
                    let mut set = Opts::default();
                    let mut unset = Opts::default();
                    let mut negative = false;
                    while j < self.p.len() && self.p[j] != b')' && self.p[j] != b':' {
                        let target = if negative { &mut unset } else { &mut set };
                        match self.p[j] {
                            b'-' => negative = true,
                            b'J' => target.dupnames = true,
                            b'i' => target.caseless = true,
                            b'm' => target.multiline = true,
                            b's' => target.dotall = true,
                            b'x' => target.extended = true,
                            // Greediness does not change whether a name matches.
                            b'U' => {}
                            b'X' => target.extra = true,
                            _ => return fail(ERR12, j),
                        }
                        j += 1;
                    }
                    if j >= self.p.len() {
                        return fail(ERR12, j);
                    }
                    let apply = |o: &mut Opts| {
                        o.caseless = (o.caseless || set.caseless) && !unset.caseless;
                        o.multiline = (o.multiline || set.multiline) && !unset.multiline;
                        o.dotall = (o.dotall || set.dotall) && !unset.dotall;
                        o.extended = (o.extended || set.extended) && !unset.extended;
                        o.extra = (o.extra || set.extra) && !unset.extra;
                        o.dupnames = (o.dupnames || set.dupnames) && !unset.dupnames;
                    };
                    if self.p[j] == b')' {
                        apply(opts);
                        *i = j + 1;
                        return Ok(Err(Paren::Setting));
                    }
                    apply(&mut new_opts);
                    j += 1;
                }
            }
        } else {
            capturing = true;
        }
        Ok(Ok(Head {
            open,
            body: j,
            opts: new_opts,
            reset,
            lookbehind,
            feature,
            capturing,
            conditional,
            define,
        }))
    }

    /// A parenthesis at `i`; leaves `i` after its closing parenthesis.
    pub(in crate::erl::re) fn group(&mut self, i: &mut usize, opts: &mut Opts) -> Res<Paren> {
        let head = match self.group_head(i, opts)? {
            Ok(head) => head,
            Err(done) => return Ok(done),
        };
        let Head {
            open,
            body: j,
            opts: mut new_opts,
            reset,
            lookbehind,
            feature,
            capturing,
            conditional,
            define,
        } = head;
        if capturing {
            self.bracount += 1;
        }
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return fail(TOO_DEEP, open);
        }
        let mut k = j;
        self.levels.push(Level {
            group: if capturing { Some(self.bracount) } else { None },
            conditional,
            prefix_empty: true,
        });
        let number = self.bracount;
        let body = self.regex_with(&mut k, &mut new_opts, lookbehind, reset);
        self.levels.pop();
        let body = body?;
        if capturing {
            let slot = number as usize;
            if self.group_empty.len() <= slot {
                self.group_empty.resize(slot + 1, None);
            }
            self.group_empty[slot] = Some(body.can_be_empty());
        }
        self.depth -= 1;
        if conditional {
            let branches = match &body {
                Node::Alt(b) => b.len(),
                _ => 1,
            };
            if define && branches > 1 {
                self.late_error(ERR54, k);
            } else if branches > 2 {
                self.late_error(ERR27, k);
            }
        }
        if k >= self.p.len() || self.p[k] != b')' {
            return fail(ERR14, k);
        }
        *i = k + 1;
        let node = match feature {
            // Look-around assertions match no characters; an atomic group or a conditional
            // keeps its body's shape for PCRE's later checks.
            Some(f) if f.contains("look") => self.unsupported_len(f, open, Some(0)),
            Some(f) => {
                self.unsupported(f, open);
                body
            }
            None => body,
        };
        Ok(Paren::Item {
            node,
            repeatable: true,
        })
    }

    /// A group name after `(?<`, `(?'` or `(?P<`, `j` on the opening delimiter; returns the
    /// position after the closing one.
    pub(in crate::erl::re) fn define_name(
        &mut self,
        j: usize,
        term: u8,
        dupnames: bool,
    ) -> Res<usize> {
        let mut k = j + 1;
        let start = k;
        if self.at(k).is_ascii_digit() {
            return fail(ERR84, k);
        }
        while is_word(self.at(k)) && k < self.p.len() {
            k += 1;
        }
        if self.at(k) != term || k >= self.p.len() {
            return fail(ERR42, k);
        }
        let name = self.p[start..k].to_vec();
        if name.len() > MAX_NAME_SIZE {
            return fail(ERR48, k);
        }
        let number = self.bracount + 1;
        if let Some((_, n)) = self.names.iter().find(|(m, _)| *m == name) {
            if *n != number && !dupnames {
                return fail(ERR43, k);
            }
        }
        self.names.push((name, number));
        Ok(k + 1)
    }

    /// The condition of `(?(...)`, `j` on its `(`; returns where the group body starts and
    /// whether it is `(?(DEFINE)`.
    pub(in crate::erl::re) fn condition(&mut self, j: usize, opts: &Opts) -> Res<(usize, bool)> {
        let mut k = j;
        if self.at(k + 1) == b'?'
            && (matches!(self.at(k + 2), b'=' | b'!')
                || (self.at(k + 2) == b'<' && matches!(self.at(k + 3), b'=' | b'!')))
        {
            // The assertion is the condition, not an item: a quantifier cannot follow it.
            let mut o = *opts;
            self.group(&mut k, &mut o)?;
            return Ok((k, false));
        }
        if self.at(k + 1) == b'?' && self.at(k + 2) == b'C' {
            // A callout may precede an assertion condition.
            let mut d = k + 3;
            while self.at(d).is_ascii_digit() {
                d += 1;
            }
            let temp = if self.at(d) == b')' { d + 1 } else { k };
            if self.at(temp) != b'(' {
                return fail(ERR28, k);
            }
            if self.at(temp + 1) == b'?'
                && (matches!(self.at(temp + 2), b'=' | b'!')
                    || (self.at(temp + 2) == b'<' && matches!(self.at(temp + 3), b'=' | b'!')))
            {
                return Ok((k, false));
            }
        }
        k += 1;
        let mut term: Option<u8> = None;
        let mut sign = None;
        let mut recursion_name = false;
        if self.at(k) == b'R' && self.at(k + 1) == b'&' {
            recursion_name = true;
            k += 2;
        } else if self.at(k) == b'<' {
            term = Some(b'>');
            k += 1;
        } else if self.at(k) == b'\'' {
            term = Some(b'\'');
            k += 1;
        } else if matches!(self.at(k), b'+' | b'-') {
            sign = Some(self.at(k));
            k += 1;
        }
        if k >= self.p.len() || !is_word(self.at(k)) {
            return fail(if sign.is_some() { ERR26 } else { ERR28 }, k);
        }
        let name_start = k;
        let mut number: Option<u64> = Some(0);
        while k < self.p.len() && is_word(self.p[k]) {
            number = match number {
                Some(n) if self.p[k].is_ascii_digit() => {
                    Some((n * 10 + u64::from(self.p[k] - b'0')).min(u64::from(u32::MAX)))
                }
                _ => None,
            };
            k += 1;
        }
        let name = self.p[name_start..k].to_vec();
        if let Some(t) = term {
            if self.at(k) != t || k >= self.p.len() {
                return fail(ERR26, k);
            }
            k += 1;
        }
        if self.at(k) != b')' || k >= self.p.len() {
            return fail(ERR26, k);
        }
        k += 1;
        // The rest is checked by PCRE's second pass, once all groups are known.
        let seq = self.next_seq();
        if let Some(s) = sign {
            match number {
                Some(0) | None => self.late.push((seq, ERR58, k)),
                Some(n) => {
                    let target = if s == b'-' {
                        i64::from(self.bracount) - n as i64 + 1
                    } else {
                        i64::from(self.bracount) + n as i64
                    };
                    if target <= 0 {
                        self.late.push((seq, ERR15, k));
                    } else {
                        self.pending.push(Pending {
                            seq,
                            offset: k,
                            target: Target::Group(target as u32),
                        });
                    }
                }
            }
        } else if recursion_name || term.is_some() {
            self.pending.push(Pending {
                seq,
                offset: k,
                target: Target::Name(name),
            });
        } else if name.first() == Some(&b'R') && name[1..].iter().all(u8::is_ascii_digit) {
            // (?(R) and (?(Rn) test recursion.
        } else if name == b"DEFINE" {
            return Ok((k, true));
        } else {
            match number {
                Some(0) => self.late.push((seq, ERR35, k)),
                Some(n) => self.pending.push(Pending {
                    seq,
                    offset: k,
                    target: Target::Group(n as u32),
                }),
                None => self.pending.push(Pending {
                    seq,
                    offset: k,
                    target: Target::Name(name),
                }),
            }
        }
        Ok((k, false))
    }

    /// `(*VERB)` or `(*VERB:arg)` in the pattern body, `j` on `*`.
    pub(in crate::erl::re) fn verb(&mut self, i: &mut usize, j: usize) -> Res<Paren> {
        let name_start = j + 1;
        let mut k = name_start;
        while latin1_alpha(self.at(k)) && k < self.p.len() {
            k += 1;
        }
        let name = &self.p[name_start..k];
        let mut arg_len = None;
        if self.at(k) == b':' {
            k += 1;
            let arg_start = k;
            while k < self.p.len() && self.p[k] != b')' {
                k += 1;
            }
            let len = k - arg_start;
            if len > MAX_MARK {
                return fail(ERR75, k);
            }
            arg_len = Some(len);
        }
        if self.at(k) != b')' || k >= self.p.len() {
            return fail(ERR60, k);
        }
        let has_arg = arg_len.is_some_and(|l| l > 0);
        // (name, allowed without argument, allowed with argument)
        let verbs: [(&[u8], bool, bool); 9] = [
            (b"", false, true),
            (b"MARK", false, true),
            (b"ACCEPT", true, false),
            (b"COMMIT", true, false),
            (b"F", true, false),
            (b"FAIL", true, false),
            (b"PRUNE", true, true),
            (b"SKIP", true, true),
            (b"THEN", true, true),
        ];
        let Some(&(_, bare_ok, arg_ok)) = verbs.iter().find(|v| v.0 == name) else {
            return fail(ERR60, k);
        };
        if has_arg && !arg_ok {
            return fail(ERR59, k);
        }
        if !has_arg && !bare_ok {
            return fail(ERR66, k);
        }
        *i = k + 1;
        let node = self.unsupported_len("a backtracking control verb (*...)", j - 1, Some(0));
        Ok(Paren::Item {
            node,
            repeatable: false,
        })
    }
}
