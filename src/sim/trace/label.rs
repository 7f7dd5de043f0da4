//! The text of a traced send, stored compactly. A run records tens of thousands of sends a
//! simulated minute and nearly every label is short (`publish "m95" seq=95`, `gm acks ≤194`):
//! a heap string each cost an allocation per send, its bytes, the allocator's overhead, and
//! another allocation per send every time a checkpoint or a scrub copied the trace. Short
//! labels live inside the entry instead; only the few long ones go to the heap.

use std::fmt;
use std::ops::Deref;

/// The most bytes kept inline: the size of a `String`, less the length byte and the tag.
const INLINE: usize = 22;

/// A send's label: any text, read as a `&str` (it derefs to one), written exactly as given.
/// Made from a `String` or `&str` (`.into()`), so code that built a `String` label still does.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Label(Repr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    /// `len` bytes of UTF-8 at the start of `bytes`, the rest zero (so equal texts compare
    /// equal as representations).
    Inline {
        len: u8,
        bytes: [u8; INLINE],
    },
    Heap(Box<str>),
}

impl Label {
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Inline { len, bytes } => {
                // Only `From<&str>` writes inline bytes: a whole `str`, cut nowhere else.
                std::str::from_utf8(&bytes[..*len as usize]).unwrap_or_default()
            }
            Repr::Heap(s) => s,
        }
    }
}

impl Label {
    /// The text `args` writes, made without a heap string when it is short: for the hot call
    /// sites (`Label::format(format_args!("confirm seq={seq}"))`), where a `format!` per send
    /// was an allocation and a free.
    pub fn format(args: fmt::Arguments<'_>) -> Label {
        if let Some(s) = args.as_str() {
            return Label::from(s);
        }
        let mut w = Writer {
            len: 0,
            bytes: [0; INLINE],
            spilled: None,
        };
        // Writing to a buffer or a `String` cannot fail; a `Display` impl that fails anyway
        // leaves what it wrote, as `format!` would have panicked instead.
        let _ = fmt::write(&mut w, args);
        match w.spilled {
            Some(s) => Label(Repr::Heap(s.into_boxed_str())),
            None => Label(Repr::Inline {
                len: w.len as u8,
                bytes: w.bytes,
            }),
        }
    }
}

/// Writes inline until the text outgrows the entry, then moves it to a `String`.
struct Writer {
    len: usize,
    bytes: [u8; INLINE],
    spilled: Option<String>,
}

impl fmt::Write for Writer {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if let Some(heap) = &mut self.spilled {
            heap.push_str(s);
        } else if self.len + s.len() <= INLINE {
            self.bytes[self.len..self.len + s.len()].copy_from_slice(s.as_bytes());
            self.len += s.len();
        } else {
            let mut heap = String::with_capacity(self.len + s.len() + 16);
            // Only whole `str`s were copied in: the prefix is UTF-8.
            heap.push_str(std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default());
            heap.push_str(s);
            self.spilled = Some(heap);
        }
        Ok(())
    }
}

impl Default for Label {
    fn default() -> Self {
        Label::from("")
    }
}

impl From<&str> for Label {
    fn from(s: &str) -> Label {
        if s.len() <= INLINE {
            let mut bytes = [0u8; INLINE];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            Label(Repr::Inline {
                len: s.len() as u8,
                bytes,
            })
        } else {
            Label(Repr::Heap(s.into()))
        }
    }
}

impl From<String> for Label {
    fn from(s: String) -> Label {
        if s.len() <= INLINE {
            Label::from(s.as_str())
        } else {
            Label(Repr::Heap(s.into_boxed_str()))
        }
    }
}

impl From<Label> for String {
    fn from(l: Label) -> String {
        l.as_str().to_string()
    }
}

impl Deref for Label {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Label {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<str> for Label {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Label {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Label {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl fmt::Debug for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Label {
    /// Heap bytes this label holds beyond its own size (for memory figures).
    pub fn heap_bytes(&self) -> usize {
        match &self.0 {
            Repr::Inline { .. } => 0,
            Repr::Heap(s) => s.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_back_as_written_short_or_long() {
        assert!(std::mem::size_of::<Label>() <= std::mem::size_of::<String>());
        for s in [
            "",
            "gm acks ≤194",
            "publish \"m95\" seq=95",
            "exactly twenty-two b.",
            "deliver \"m95\" tag=95 redelivered=false",
            "中文标签中文标签中文标签",
        ] {
            let a = Label::from(s);
            let b = Label::from(s.to_string());
            assert_eq!(a.as_str(), s);
            assert_eq!(a, b);
            assert_eq!(a.to_string(), s);
            assert_eq!(format!("{a:?}"), format!("{s:?}"));
            assert_eq!(a.heap_bytes() == 0, s.len() <= INLINE, "{s}");
        }
        assert_ne!(Label::from("a"), Label::from("b"));
        let (seq, body) = (95, "m95");
        for (made, want) in [
            (
                Label::format(format_args!("confirm seq={seq}")),
                "confirm seq=95",
            ),
            (
                Label::format(format_args!("deliver {body:?} tag={seq} redelivered=false")),
                "deliver \"m95\" tag=95 redelivered=false",
            ),
            (
                Label::format(format_args!("basic.get-empty")),
                "basic.get-empty",
            ),
        ] {
            assert_eq!(made, Label::from(want));
        }
    }
}
