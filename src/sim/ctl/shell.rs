//! Splits a command line into words the way a POSIX shell does for the lines learners paste:
//! single and double quotes, backslash escapes, and backslash-newline continuations; and the
//! printer beside it, [`quote`] and [`join`], whose lines [`split`] reads back word for word.

use std::fmt;

/// What a line left open: the shell would ask for more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitError {
    /// A backslash ends the input.
    EscapeAtEnd,
    UnterminatedSingleQuote,
    UnterminatedDoubleQuote,
}

impl fmt::Display for SplitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SplitError::EscapeAtEnd => "unexpected end of line after '\\'",
            SplitError::UnterminatedSingleQuote => "unterminated single quote (')",
            SplitError::UnterminatedDoubleQuote => "unterminated double quote (\")",
        })
    }
}

/// Splits `line` into words. Errors name what is unterminated.
pub fn split(line: &str) -> Result<Vec<String>, SplitError> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\n') => {}
                Some('\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                }
                Some(x) => {
                    cur.push(x);
                    in_word = true;
                }
                None => return Err(SplitError::EscapeAtEnd),
            },
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(x) => cur.push(x),
                        None => return Err(SplitError::UnterminatedSingleQuote),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some('\n') => {}
                            Some(x @ ('"' | '\\' | '$' | '`')) => cur.push(x),
                            Some(x) => {
                                cur.push('\\');
                                cur.push(x);
                            }
                            None => return Err(SplitError::UnterminatedDoubleQuote),
                        },
                        Some(x) => cur.push(x),
                        None => return Err(SplitError::UnterminatedDoubleQuote),
                    }
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '#' if !in_word => break,
            c => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// Whether a line ends inside quotes or with a continuation backslash (the console then asks
/// for the next line, as a shell would). Every [`SplitError`] is such an ending.
pub fn needs_more(line: &str) -> bool {
    split(line).is_err()
}

/// `word` as it must be typed for a shell to read it back as one word, the way documentation
/// writes it: bare when no shell treats any of its characters specially (`rabbit@node1`,
/// `ha-all`), in double quotes when nothing inside is special to them (`"^q"`, `"it's"`, `""`),
/// else in single quotes (`'{"ha-mode":"all"}'`, `'it'\''s "x"'`).
pub fn quote(word: &str) -> String {
    if !word.is_empty() && word.chars().all(is_bare) {
        return word.to_string();
    }
    if !word.contains(['"', '$', '`', '\\', '!', '\n']) {
        return format!("\"{word}\"");
    }
    let mut out = String::with_capacity(word.len() + 2);
    out.push('\'');
    let mut prev = None;
    for c in word.chars() {
        match c {
            // Closed, an escaped quote, reopened: the usual way to put ' in single quotes.
            '\'' => out.push_str("'\\''"),
            // A scenario file is read line by line, which drops a carriage return before a
            // line feed; an empty quoted piece between them keeps it.
            '\n' if prev == Some('\r') => out.push_str("''\n"),
            c => out.push(c),
        }
        prev = Some(c);
    }
    out.push('\'');
    out
}

/// The words as one command line, each [`quote`]d, separated by spaces.
pub fn join<S: AsRef<str>>(words: &[S]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| quote(w.as_ref())).collect();
    quoted.join(" ")
}

/// A character no shell treats specially outside quotes (no globbing, expansion, operator,
/// comment or history), so a word made only of them needs no quoting.
fn is_bare(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_@%+=:,./-".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_errors_read_as_before() {
        assert_eq!(
            split("a \\").unwrap_err().to_string(),
            "unexpected end of line after '\\'"
        );
        assert_eq!(
            split("a 'b").unwrap_err().to_string(),
            "unterminated single quote (')"
        );
        assert_eq!(
            split("a \"b").unwrap_err().to_string(),
            "unterminated double quote (\")"
        );
        assert_eq!(
            split("a \"b\\").unwrap_err(),
            SplitError::UnterminatedDoubleQuote
        );
        assert!(needs_more("a 'b") && needs_more("a \\") && !needs_more("a 'b'"));
    }

    #[test]
    fn quotes_and_continuations() {
        let w = split("rabbitmqctl set_policy ha-all \"^\" \\\n  '{\"ha-mode\":\"all\"}'").unwrap();
        assert_eq!(
            w,
            vec![
                "rabbitmqctl",
                "set_policy",
                "ha-all",
                "^",
                "{\"ha-mode\":\"all\"}"
            ]
        );
        assert_eq!(
            split("a 'b c' \"d\\\"e\"").unwrap(),
            vec!["a", "b c", "d\"e"]
        );
        assert_eq!(split("x '' y").unwrap(), vec!["x", "", "y"]);
        assert!(split("a 'b").is_err());
        assert!(needs_more("a \"b"));
        assert!(needs_more("a \\"));
        assert_eq!(split("a # comment").unwrap(), vec!["a"]);
    }

    #[test]
    fn quotes_like_the_documents() {
        assert_eq!(quote("mirror_queue"), "mirror_queue");
        assert_eq!(quote("^queue_"), "\"^queue_\"");
        assert_eq!(quote(r#"{"ha-mode":"all"}"#), r#"'{"ha-mode":"all"}'"#);
        assert_eq!(quote("it's"), "\"it's\"");
        assert_eq!(quote(r#"it's "x""#), r#"'it'\''s "x"'"#);
        assert_eq!(quote(""), "\"\"");
        assert_eq!(quote("^a$"), "'^a$'");
        assert_eq!(quote("a\r\nb"), "'a\r''\nb'");
        assert_eq!(
            join(&["rabbitmqctl", "set_policy", "ha all", "^q"]),
            "rabbitmqctl set_policy \"ha all\" \"^q\""
        );
    }

    #[test]
    fn seed_multiline_policy() {
        let line = "rabbitmqctl set_policy --priority 0 --apply-to queues mirror_queue \"^queue_\" '{\"ha-mode\":\"all\",\"ha-sync-mode\":\"automatic\"\n}'";
        let w = split(line).unwrap();
        assert_eq!(w.len(), 9);
        assert_eq!(
            w[8],
            "{\"ha-mode\":\"all\",\"ha-sync-mode\":\"automatic\"\n}"
        );
    }
}
