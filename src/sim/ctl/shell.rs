//! Splits a command line into words the way a POSIX shell does for the lines learners paste:
//! single and double quotes, backslash escapes, and backslash-newline continuations.

/// Splits `line` into words. Errors name what is unterminated.
pub fn split(line: &str) -> Result<Vec<String>, String> {
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
                None => return Err("unexpected end of line after '\\'".to_string()),
            },
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(x) => cur.push(x),
                        None => return Err("unterminated single quote (')".to_string()),
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
                            None => return Err("unterminated double quote (\")".to_string()),
                        },
                        Some(x) => cur.push(x),
                        None => return Err("unterminated double quote (\")".to_string()),
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
/// for the next line, as a shell would).
pub fn needs_more(line: &str) -> bool {
    match split(line) {
        Ok(_) => false,
        Err(e) => e.contains("unterminated") || e.contains("end of line"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
