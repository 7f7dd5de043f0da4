//! Percent-decoding of URL text (RFC 3986 §2.1, `%2F` → `/`), shared by the two places that read
//! a URL: the management API's paths in `curl` lines, which the server refuses when an escape is
//! broken, and pika's `amqp://` URLs, which Python's `urllib.parse.unquote` reads leniently.

/// `s` with its `%XX` escapes decoded, as strict as a web server reading a path: `None` when a
/// `%` is not followed by two hex digits or when the bytes are not UTF-8.
pub fn decode(s: &str) -> Option<String> {
    String::from_utf8(bytes(s, true)?).ok()
}

/// `s` with its `%XX` escapes decoded as `urllib.parse.unquote` decodes them: a `%` not followed
/// by two hex digits is kept as written, and bytes that are not UTF-8 become U+FFFD.
pub fn decode_lossy(s: &str) -> String {
    // Lenient decoding never fails.
    bytes(s, false)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

/// The bytes `s` stands for; at a broken escape, `None` when `strict`, else the `%` as written.
fn bytes(s: &str, strict: bool) -> Option<Vec<u8>> {
    let hex = |i: usize| s.as_bytes().get(i).and_then(|&c| (c as char).to_digit(16));
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            match (hex(i + 1), hex(i + 2)) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ if strict => return None,
                _ => {}
            }
        }
        out.push(b[i]);
        i += 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_decoding_refuses_broken_escapes_and_bad_utf8() {
        assert_eq!(decode("%2F"), Some("/".into()));
        assert_eq!(decode("a%20b%2f"), Some("a b/".into()));
        assert_eq!(decode("%C3%A9t%C3%A9"), Some("été".into()));
        assert_eq!(decode("plain"), Some("plain".into()));
        assert_eq!(decode(""), Some(String::new()));
        assert_eq!(decode("%"), None);
        assert_eq!(decode("%2"), None);
        assert_eq!(decode("%zz"), None);
        assert_eq!(decode("%+F"), None);
        assert_eq!(decode("%é"), None);
        assert_eq!(decode("%FF"), None);
    }

    #[test]
    fn lossy_decoding_keeps_broken_escapes_as_unquote_does() {
        assert_eq!(decode_lossy("%2F"), "/");
        assert_eq!(decode_lossy("my%20vhost"), "my vhost");
        assert_eq!(decode_lossy("100%"), "100%");
        assert_eq!(decode_lossy("%2"), "%2");
        assert_eq!(decode_lossy("%zz%41"), "%zzA");
        assert_eq!(decode_lossy("%FFx"), "\u{FFFD}x");
        assert_eq!(decode_lossy("é%C3%A9"), "éé");
    }
}
