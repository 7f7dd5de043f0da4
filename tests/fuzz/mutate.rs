//! Byte- and token-level mutations of any text input: insert, delete and duplicate spans or
//! lines, swap numbers for extreme values, long names, unicode and full-width punctuation,
//! unbalanced quotes and brackets, deep nesting.

use mirrorscope::rng::Rng;

/// Picks one of `items`.
pub fn pick<'a, T: ?Sized>(r: &mut Rng, items: &[&'a T]) -> &'a T {
    items[r.below(items.len() as u64) as usize]
}

/// Numbers a mutation puts where a number was: the edges of every integer type, signs, floats
/// that are not numbers, and spellings that only look like numbers.
const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "-0",
    "1",
    "255",
    "256",
    "65536",
    "2147483648",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "99999999999999999999999999",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "1e308",
    "1e309",
    "-1e-320",
    "0.5",
    "1.",
    ".5",
    "0x10",
    "1_000",
    "٣",
    "１２",
];

/// Short insertions: unicode, full-width punctuation, quotes, brackets, shell and scenario
/// syntax, control characters.
const PIECES: &[&str] = &[
    "é", "日本", "😀", "\u{202e}", "\u{200b}", "\u{feff}", "：", "，", "＂", "＇", "（", "）",
    "｛", "｝", "［", "］", "＝", "'", "\"", "`", "\\", "{", "}", "[", "]", "(", ")", "<<EOF",
    "\n", "\t", "\r", "#", "|", ";", "&", "$", "=", ":", ",", " ", "\u{0}", "\u{7f}", "--", "-n",
    "*", "?", "+", "^", "$", ".", "@", "%", "%2F", "%ZZ",
];

/// The insertion of a long name or a deep nesting.
fn big_piece(r: &mut Rng) -> String {
    let n = [64usize, 255, 256, 300, 1000][r.below(5) as usize];
    match r.below(6) {
        0 => "a".repeat(n),
        1 => "é".repeat(n / 2),
        2 => "[".repeat(n),
        3 => "(".repeat(n),
        4 => "{\"a\":".repeat(n.min(300)),
        _ => format!("{}{}", "(".repeat(n / 4), ")".repeat(n / 4)),
    }
}

fn char_boundary(s: &str, r: &mut Rng) -> usize {
    if s.is_empty() {
        return 0;
    }
    let mut i = r.below(s.len() as u64 + 1) as usize;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A span `[a, b)` of at most `max` bytes, on character boundaries.
fn span(s: &str, r: &mut Rng, max: usize) -> (usize, usize) {
    let a = char_boundary(s, r);
    let mut b = (a + 1 + r.below(max as u64) as usize).min(s.len());
    while !s.is_char_boundary(b) {
        b += 1;
    }
    (a, b)
}

/// The byte ranges of the digit runs of `s` (with a leading `-`).
fn numbers(s: &str) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let start = if i > 0 && b[i - 1] == b'-' { i - 1 } else { i };
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                i += 1;
            }
            out.push((start, i));
        } else {
            i += 1;
        }
    }
    out
}

/// One mutation of `s`, using `lines` (grammar-made lines) for line insertions.
pub fn mutate_once(s: &str, r: &mut Rng, extra_line: &mut dyn FnMut(&mut Rng) -> String) -> String {
    let mut out = s.to_string();
    match r.below(12) {
        0 => {
            let i = char_boundary(&out, r);
            out.insert_str(i, pick(r, PIECES));
        }
        1 => {
            let i = char_boundary(&out, r);
            let piece = big_piece(r);
            out.insert_str(i, &piece);
        }
        2 => {
            let (a, b) = span(&out, r, 8);
            out.replace_range(a..b, "");
        }
        3 => {
            let (a, b) = span(&out, r, 16);
            let copy = out[a..b].to_string();
            out.insert_str(b, &copy);
        }
        4 | 5 => {
            let nums = numbers(&out);
            if let Some(&(a, b)) = nums.get(r.below(nums.len().max(1) as u64) as usize) {
                out.replace_range(a..b, pick(r, NUMBERS));
            } else {
                let i = char_boundary(&out, r);
                out.insert_str(i, pick(r, NUMBERS));
            }
        }
        6 | 7 => {
            // Line-level: delete, duplicate, swap, or insert a grammar-made line.
            let mut lines: Vec<String> = out.split('\n').map(str::to_string).collect();
            let n = lines.len() as u64;
            let i = r.below(n) as usize;
            match r.below(4) {
                0 if lines.len() > 1 => {
                    lines.remove(i);
                }
                1 => {
                    let l = lines[i].clone();
                    lines.insert(i, l);
                }
                2 => {
                    let j = r.below(n) as usize;
                    lines.swap(i, j);
                }
                _ => lines.insert(i, extra_line(r)),
            }
            out = lines.join("\n");
        }
        8 => {
            // Quotes and colons replaced by their full-width forms, as a pasted document has.
            let from = pick(r, &["\"", "'", ":", ",", "(", ")", "{", "}"]);
            let to = match from {
                "\"" => "＂",
                "'" => "＇",
                ":" => "：",
                "," => "，",
                "(" => "（",
                ")" => "）",
                "{" => "｛",
                _ => "｝",
            };
            if let Some(i) = out
                .match_indices(from)
                .map(|(i, _)| i)
                .nth(r.below(4) as usize)
            {
                out.replace_range(i..i + from.len(), to);
            }
        }
        9 => {
            // Unbalance: drop one closing or opening bracket or quote.
            let targets: Vec<usize> = out
                .char_indices()
                .filter(|(_, c)| "()[]{}'\"".contains(*c))
                .map(|(i, _)| i)
                .collect();
            if !targets.is_empty() {
                let i = targets[r.below(targets.len() as u64) as usize];
                out.remove(i);
            }
        }
        10 => {
            let i = char_boundary(&out, r);
            out.insert(i, char::from(r.below(128) as u8));
        }
        _ => {
            // A word replaced by another word of the same text.
            let words: Vec<&str> = out.split_whitespace().collect();
            if words.len() > 1 {
                let w = words[r.below(words.len() as u64) as usize].to_string();
                let (a, b) = span(&out, r, 10);
                out.replace_range(a..b, &w);
            }
        }
    }
    out
}

/// One to four mutations of `s`.
pub fn mutate(s: &str, r: &mut Rng, extra_line: &mut dyn FnMut(&mut Rng) -> String) -> String {
    let mut out = s.to_string();
    for _ in 0..=r.below(4) {
        out = mutate_once(&out, r, extra_line);
    }
    out
}

/// Caps every `KEY=N` (and `KEY N`) number above `max` at `max`: the generator keeps clear of
/// the unbounded-count inputs that issue 15's bounds work fixes, so that they cannot hang it.
pub fn cap_after(s: &str, key: &str, max: u64) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(key) {
        out.push_str(&rest[..i + key.len()]);
        rest = &rest[i + key.len()..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 {
            let n = rest[..digits].parse::<u64>().unwrap_or(u64::MAX);
            if n > max {
                out.push_str(&max.to_string());
            } else {
                out.push_str(&rest[..digits]);
            }
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}
