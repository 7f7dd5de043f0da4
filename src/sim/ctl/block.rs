//! A block pasted into a node's shell, read the way bash reads it: `#` comments (a `#!/bin/bash`
//! line too) to the end of their line, one command per line or per `;`, `&&` and `||` between
//! commands, `\` continuations and quotes across lines, and `>`/`>>` sending a command's output
//! to a file. Each command keeps its text as pasted, which is what the console shows and what
//! becomes its scenario line. What the playground's shell does not run (pipes, background jobs,
//! input redirection, here-documents) is a piece of its own with a message saying so.

use crate::sim::ctl::shell::SplitError;

/// The most lines a pasted block may have.
pub const MAX_BLOCK_LINES: usize = 200;
/// The most bytes a pasted block may have.
pub const MAX_BLOCK_BYTES: usize = 32 * 1024;

/// Where a command's output goes instead of the screen: `> path` or `>> path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub path: String,
    /// `>>` appends; `>` replaces the file.
    pub append: bool,
}

/// When a command runs, from the status of the command before it (bash's and-or lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connector {
    /// First, or after a newline or `;`: always.
    Always,
    /// After `&&`: when the last command that ran succeeded.
    IfOk,
    /// After `||`: when the last command that ran failed.
    IfFailed,
}

/// One simple command: its words, where its output goes, and its text as pasted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub words: Vec<String>,
    pub redirect: Option<Redirect>,
    pub text: String,
}

/// What a piece of the block is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PieceKind {
    Run(Command),
    /// A construct the playground's shell does not offer; the message says which.
    Unsupported(String),
}

/// One piece of a block, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub connector: Connector,
    pub kind: PieceKind,
    /// The piece's text as pasted (without comments).
    pub text: String,
}

/// Why a block is not run at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockError {
    /// A quote or a trailing `\` is still open: the shell would ask for more.
    Open(SplitError),
    /// More than [`MAX_BLOCK_LINES`] lines.
    TooManyLines(usize),
    /// More than [`MAX_BLOCK_BYTES`] bytes.
    TooLong(usize),
}

impl std::fmt::Display for BlockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BlockError::Open(e) => write!(f, "bash: syntax error: {e}"),
            BlockError::TooManyLines(n) => write!(
                f,
                "bash: the pasted block has {n} lines; the playground's shell takes at most {MAX_BLOCK_LINES} at a time: paste it in parts"
            ),
            BlockError::TooLong(n) => write!(
                f,
                "bash: the pasted block is {n} bytes long; the playground's shell takes at most {MAX_BLOCK_BYTES} bytes at a time: paste it in parts"
            ),
        }
    }
}

/// A lexical token with the byte range it covers in the block.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Word(String),
    /// `;`, `&&`, `||`, `|`, `&`, `>`, `>>`, `<`, `<<`, or a newline.
    Op(&'static str),
}

/// Splits the block into tokens. Quoting follows [`crate::sim::ctl::shell::split`] exactly; an
/// unquoted operator character or newline ends a word.
fn lex(text: &str) -> Result<Vec<(Tok, usize, usize)>, SplitError> {
    let mut toks = Vec::new();
    let mut cur = String::new();
    // Byte offset where the current word started, while one is open.
    let mut start: Option<usize> = None;
    let mut it = text.char_indices().peekable();
    let end_word = |cur: &mut String, start: &mut Option<usize>, at: usize, toks: &mut Vec<_>| {
        if let Some(s) = start.take() {
            toks.push((Tok::Word(std::mem::take(cur)), s, at));
        }
    };
    while let Some((i, c)) = it.next() {
        match c {
            '\\' => match it.next() {
                Some((_, '\n')) => {}
                Some((_, '\r')) if it.peek().map(|p| p.1) == Some('\n') => {
                    it.next();
                }
                Some((_, x)) => {
                    start.get_or_insert(i);
                    cur.push(x);
                }
                None => return Err(SplitError::EscapeAtEnd),
            },
            '\'' => {
                start.get_or_insert(i);
                loop {
                    match it.next() {
                        Some((_, '\'')) => break,
                        Some((_, x)) => cur.push(x),
                        None => return Err(SplitError::UnterminatedSingleQuote),
                    }
                }
            }
            '"' => {
                start.get_or_insert(i);
                loop {
                    match it.next() {
                        Some((_, '"')) => break,
                        Some((_, '\\')) => match it.next() {
                            Some((_, '\n')) => {}
                            Some((_, x @ ('"' | '\\' | '$' | '`'))) => cur.push(x),
                            Some((_, x)) => {
                                cur.push('\\');
                                cur.push(x);
                            }
                            None => return Err(SplitError::UnterminatedDoubleQuote),
                        },
                        Some((_, x)) => cur.push(x),
                        None => return Err(SplitError::UnterminatedDoubleQuote),
                    }
                }
            }
            '\n' => {
                end_word(&mut cur, &mut start, i, &mut toks);
                toks.push((Tok::Op("\n"), i, i + 1));
            }
            c if c.is_whitespace() => end_word(&mut cur, &mut start, i, &mut toks),
            '#' if start.is_none() => {
                // A comment runs to the end of its line; the newline still ends the command.
                while let Some(&(_, x)) = it.peek() {
                    if x == '\n' {
                        break;
                    }
                    it.next();
                }
            }
            ';' | '&' | '|' | '>' | '<' => {
                end_word(&mut cur, &mut start, i, &mut toks);
                let doubled = it.peek().map(|p| p.1) == Some(c) && c != ';';
                if doubled {
                    it.next();
                }
                let op = match (c, doubled) {
                    (';', _) => ";",
                    ('&', true) => "&&",
                    ('&', false) => "&",
                    ('|', true) => "||",
                    ('|', false) => "|",
                    ('>', true) => ">>",
                    ('>', false) => ">",
                    ('<', true) => "<<",
                    _ => "<",
                };
                toks.push((Tok::Op(op), i, i + op.len()));
            }
            c => {
                start.get_or_insert(i);
                cur.push(c);
            }
        }
    }
    end_word(&mut cur, &mut start, text.len(), &mut toks);
    Ok(toks)
}

/// Whether the block ends inside quotes or after a continuation `\` (the console then waits
/// for more lines, as a terminal does).
pub fn needs_more(text: &str) -> bool {
    lex(text).is_err()
}

/// Reads a pasted block into its pieces, in order. Bounds are checked first.
pub fn split_block(text: &str) -> Result<Vec<Piece>, BlockError> {
    if text.len() > MAX_BLOCK_BYTES {
        return Err(BlockError::TooLong(text.len()));
    }
    let lines = text.lines().count();
    if lines > MAX_BLOCK_LINES {
        return Err(BlockError::TooManyLines(lines));
    }
    let toks = lex(text).map_err(BlockError::Open)?;
    let mut pieces = Vec::new();
    let mut connector = Connector::Always;
    let mut group: Vec<(Tok, usize, usize)> = Vec::new();
    for t in toks {
        let next = match &t.0 {
            Tok::Op("\n") | Tok::Op(";") => Some(Connector::Always),
            Tok::Op("&&") => Some(Connector::IfOk),
            Tok::Op("||") => Some(Connector::IfFailed),
            _ => None,
        };
        match next {
            Some(next) => {
                if !group.is_empty() {
                    pieces.push(piece(text, connector, &group));
                    group.clear();
                    connector = next;
                } else if next != Connector::Always {
                    // `&&` with nothing before it: bash's syntax error.
                    let op = if next == Connector::IfOk { "&&" } else { "||" };
                    pieces.push(Piece {
                        connector,
                        text: op.to_string(),
                        kind: PieceKind::Unsupported(format!(
                            "bash: syntax error near unexpected token `{op}'"
                        )),
                    });
                }
            }
            None => group.push(t),
        }
    }
    if !group.is_empty() {
        pieces.push(piece(text, connector, &group));
    }
    Ok(pieces)
}

/// One command's tokens as a piece.
fn piece(text: &str, connector: Connector, toks: &[(Tok, usize, usize)]) -> Piece {
    let (from, to) = (toks[0].1, toks[toks.len() - 1].2);
    let source = text[from..to].to_string();
    let kind = match command_of(toks) {
        Ok(words_redirect) => PieceKind::Run(Command {
            words: words_redirect.0,
            redirect: words_redirect.1,
            text: source.clone(),
        }),
        Err(message) => PieceKind::Unsupported(message),
    };
    Piece {
        connector,
        kind,
        text: source,
    }
}

type Simple = (Vec<String>, Option<Redirect>);

/// The words and output redirection of one command's tokens.
fn command_of(toks: &[(Tok, usize, usize)]) -> Result<Simple, String> {
    let mut words = Vec::new();
    let mut redirect = None;
    let mut i = 0;
    while i < toks.len() {
        match &toks[i].0 {
            Tok::Word(w) => words.push(w.clone()),
            Tok::Op(op @ (">" | ">>")) => {
                let Some((Tok::Word(path), _, _)) = toks.get(i + 1) else {
                    return Err("bash: syntax error near unexpected token `newline'".into());
                };
                redirect = Some(Redirect {
                    path: path.clone(),
                    append: *op == ">>",
                });
                i += 1;
            }
            Tok::Op(op) => {
                let what = match *op {
                    "|" => "pipes (|)",
                    "&" => "background jobs (&)",
                    "<<" => "here-documents (<<)",
                    _ => "input redirection (<)",
                };
                return Err(format!(
                    "bash: the playground's shell runs one command at a time, with > or >> into a file; it does not offer {what}"
                ));
            }
        }
        i += 1;
    }
    if words.is_empty() {
        return Err("bash: syntax error: a redirection needs a command before it".into());
    }
    Ok((words, redirect))
}

/// Reads one command (a scenario line's shell part): its words and where its output goes. A
/// second command, or a construct the shell does not offer, is an error naming it.
pub fn one_command(text: &str) -> Result<Simple, String> {
    let toks = lex(text).map_err(|e| e.to_string())?;
    if let Some((Tok::Op(op), _, _)) = toks
        .iter()
        .find(|t| matches!(t.0, Tok::Op("\n" | ";" | "&&" | "||")))
    {
        let op = if *op == "\n" { "a line break" } else { op };
        return Err(format!(
            "one shell command per scenario line: put the command after {op} on a line of its own"
        ));
    }
    if toks.is_empty() {
        return Ok((Vec::new(), None));
    }
    command_of(&toks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::ctl::shell;

    fn runs(pieces: &[Piece]) -> Vec<(Connector, Vec<String>)> {
        pieces
            .iter()
            .map(|p| match &p.kind {
                PieceKind::Run(c) => (p.connector, c.words.clone()),
                PieceKind::Unsupported(m) => (p.connector, vec![m.clone()]),
            })
            .collect()
    }

    #[test]
    fn comments_lines_and_lists() {
        let block = "#!/bin/bash\n# 注释：全角，标点\nrabbitmqctl list_policies   # 查看\n\necho \"完成\" ; rabbitmqctl x && a || b\n";
        let p = split_block(block).unwrap();
        let w = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            runs(&p),
            vec![
                (Connector::Always, w(&["rabbitmqctl", "list_policies"])),
                (Connector::Always, w(&["echo", "完成"])),
                (Connector::Always, w(&["rabbitmqctl", "x"])),
                (Connector::IfOk, w(&["a"])),
                (Connector::IfFailed, w(&["b"])),
            ]
        );
        assert_eq!(p[0].text, "rabbitmqctl list_policies");
        assert_eq!(p[1].text, "echo \"完成\"");
    }

    #[test]
    fn continuations_and_quotes_keep_their_text() {
        let block = "rabbitmqctl set_policy ha-all \"^\" \\\n  '{\"ha-mode\":\"all\"}' \\\n  --priority 100\nrabbitmqctl list_policies";
        let p = split_block(block).unwrap();
        assert_eq!(p.len(), 2);
        let PieceKind::Run(c) = &p[0].kind else {
            panic!("{p:?}")
        };
        assert_eq!(c.words.len(), 7);
        assert_eq!(c.text, &block[..block.find("\nrabbitmqctl list").unwrap()]);
        assert_eq!(shell::split(&c.text).unwrap(), c.words);
    }

    #[test]
    fn redirection_and_what_is_not_offered() {
        let (w, r) =
            one_command("echo \"net_ticktime = 30\" >> /etc/rabbitmq/rabbitmq.conf").unwrap();
        assert_eq!(w, vec!["echo", "net_ticktime = 30"]);
        assert_eq!(
            r,
            Some(Redirect {
                path: "/etc/rabbitmq/rabbitmq.conf".into(),
                append: true
            })
        );
        assert_eq!(one_command("echo '>>' x").unwrap().1, None);
        assert!(one_command("a; b")
            .unwrap_err()
            .contains("one shell command"));
        let p = split_block("rabbitmqctl list_queues | grep q\nsleep 1 &").unwrap();
        assert!(matches!(&p[0].kind, PieceKind::Unsupported(m) if m.contains("pipes (|)")));
        assert!(matches!(&p[1].kind, PieceKind::Unsupported(m) if m.contains("background")));
        assert!(needs_more("echo 'a\n") && needs_more("a \\") && !needs_more("# it's\n"));
    }

    #[test]
    fn bounds() {
        let many = "echo x\n".repeat(MAX_BLOCK_LINES + 1);
        assert_eq!(
            split_block(&many),
            Err(BlockError::TooManyLines(MAX_BLOCK_LINES + 1))
        );
        let long = "x".repeat(MAX_BLOCK_BYTES + 1);
        assert!(split_block(&long)
            .unwrap_err()
            .to_string()
            .contains("paste it in parts"));
    }
}
