//! The hot sends' labels (`publish "m1" seq=1`, `gm v1 [publish,drop]`, `confirm seq=1`),
//! written without `core::fmt`: going through `format_args!` cost more than the rest of a send
//! (the formatter's dispatch, a `Debug` escape per character of the body). The text is byte for
//! byte what `format!` wrote, so traces and goldens are unchanged, and is written into one
//! buffer the engine reuses.

use std::fmt::Write as _;

use crate::sim::trace::Label;

/// The engine's buffer for writing labels, reused from send to send so that writing one
/// allocates nothing. Its text is scratch, not state: a copy of the run starts it empty and the
/// run's debug text leaves it out.
#[derive(Default)]
pub(crate) struct LabelBuf(String);

impl Clone for LabelBuf {
    fn clone(&self) -> LabelBuf {
        LabelBuf::default()
    }
}

impl std::fmt::Debug for LabelBuf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LabelBuf")
    }
}

/// A label being written into the engine's [`LabelBuf`].
pub(crate) struct LabelText(String);

impl LabelText {
    /// Starts a label in `buf`'s storage (give it back with [`LabelText::finish`]).
    pub(crate) fn take(buf: &mut LabelBuf) -> LabelText {
        let mut s = std::mem::take(&mut buf.0);
        s.clear();
        LabelText(s)
    }

    /// The finished label; the storage goes back to `buf`.
    pub(crate) fn finish(self, buf: &mut LabelBuf) -> Label {
        let label = Label::from(self.0.as_str());
        buf.0 = self.0;
        label
    }

    /// Appends `s` as it is.
    pub(crate) fn str(&mut self, s: &str) -> &mut Self {
        self.0.push_str(s);
        self
    }

    /// Appends `n` in decimal, as `{}` writes it.
    pub(crate) fn num(&mut self, mut n: u64) -> &mut Self {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        // Only ASCII digits were written.
        self.str(std::str::from_utf8(&digits[at..]).unwrap_or_default())
    }

    /// Appends `b` as `{}` writes it.
    pub(crate) fn bool(&mut self, b: bool) -> &mut Self {
        self.str(if b { "true" } else { "false" })
    }

    /// Appends `s` quoted, as `{:?}` writes it. A text of printable ASCII without quote or
    /// backslash (nearly every body) is only wrapped in quotes; anything else goes through
    /// `Debug` itself, so its escapes stay the standard library's.
    pub(crate) fn quoted(&mut self, s: &str) -> &mut Self {
        let plain = s
            .bytes()
            .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\');
        if plain {
            self.0.push('"');
            self.0.push_str(s);
            self.0.push('"');
        } else {
            // Writing to a `String` cannot fail.
            let _ = write!(self.0, "{s:?}");
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_what_format_writes() {
        let bodies = [
            "",
            "m1",
            "payload",
            "a \"quoted\" one",
            "back\\slash",
            "tab\there\nnew line",
            "中文 é",
            "\u{7f}\u{0}",
            "a body long enough to spill past the stack buffer into the heap, twice over",
        ];
        for body in bodies {
            for n in [0, 7, 10, 95, 1_000_000, u64::MAX] {
                for flag in [false, true] {
                    let mut buf = LabelBuf::default();
                    let mut text = LabelText::take(&mut buf);
                    text.str("deliver ")
                        .quoted(body)
                        .str(" tag=")
                        .num(n)
                        .str(" redelivered=")
                        .bool(flag);
                    let got = text.finish(&mut buf);
                    let want = format!("deliver {body:?} tag={n} redelivered={flag}");
                    assert_eq!(got.as_str(), want, "{body:?} {n}");
                }
            }
        }
    }
}
