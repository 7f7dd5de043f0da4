//! Splits a command line into words the way a POSIX shell does for the lines learners paste:
//! single and double quotes, backslash escapes, and backslash-newline continuations.

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
