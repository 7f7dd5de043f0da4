//! A fork as text, so that it can be shared in a link and tested: an ordinary scenario up to
//! the fork instant, then a block of `fork` lines, then lines both sides run after it.
//!
//! ```text
//! fork a "when-synced"
//! fork a: rabbitmqctl set_policy ha "^s$" '{"ha-mode":"all"}'
//! fork b "always"
//! fork b: rabbitmqctl set_policy ha "^s$" '{"ha-mode":"all","ha-promote-on-shutdown":"always"}'
//! ```
//!
//! Each side is then an ordinary scenario (the base, its own lines, the common rest), so the
//! two share every event before the fork instant by determinism, not by copying.

use crate::sim::limits::{thousands, PUBLISHES_PER_RUN_MAX, SCENARIO_MAX_BYTES};
use crate::sim::scenario::parse::parse;

/// Lines a side may apply at the fork instant.
pub const SIDE_LINES_MAX: usize = 50;

/// Characters of a side's label.
pub const LABEL_MAX_CHARS: usize = 80;

/// One side of a fork: its caption and the lines it applies at the fork instant.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Variation {
    pub label: String,
    pub lines: Vec<String>,
}

/// Which side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    A,
    B,
}

impl Side {
    pub fn letter(self) -> char {
        match self {
            Side::A => 'a',
            Side::B => 'b',
        }
    }
}

/// A fork: the run up to the fork instant, the two variations, and what follows on both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForkSpec {
    /// The scenario up to the fork instant (set-up, inputs, a last `wait` to the instant).
    pub base: String,
    pub a: Variation,
    pub b: Variation,
    /// Lines both sides run after their own (the rest of a scenario forked mid-way).
    pub after: String,
}

/// Why a fork cannot be made or read, as data (the page writes it in the reader's language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForkErrorKind {
    /// `fork a:` with no line after the colon.
    EmptyLine,
    /// A label longer than [`LABEL_MAX_CHARS`].
    LabelTooLong,
    /// The fork text, or a side's scenario, has this many bytes: more than a scenario holds.
    TooLong { bytes: usize },
    /// A fork line after the lines both sides run.
    SplitBlock,
    /// No `fork` line at all.
    NoForkLine,
    /// A side applies more than [`SIDE_LINES_MAX`] lines.
    TooManyLines { side: Side, lines: usize },
    /// A side's line holds a line break.
    MultiLine { side: Side },
    /// A side's scenario does not parse: the parser's line and message.
    SideParse {
        side: Side,
        line: usize,
        message: String,
    },
    /// Both sides apply the same lines.
    SameLines,
    /// The run holds this many messages, too many to keep twice.
    RunTooLarge { messages: usize },
}

/// Why a fork cannot be made or read, naming the line of the fork text where there is one;
/// `message` is the English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForkError {
    /// 1-based line of the fork text (0 when the text as a whole is at fault).
    pub line: usize,
    pub kind: ForkErrorKind,
    pub message: String,
}

impl ForkError {
    pub fn new(line: usize, kind: ForkErrorKind) -> ForkError {
        let s = |side: &Side| side.letter();
        let message = match &kind {
            ForkErrorKind::EmptyLine => "`fork a:` needs a scenario line after the colon".into(),
            ForkErrorKind::LabelTooLong => {
                format!("a side's label holds at most {LABEL_MAX_CHARS} characters")
            }
            ForkErrorKind::TooLong { bytes } => format!(
                "the fork is {} bytes long; a scenario holds at most {} bytes",
                thousands(*bytes as u64),
                thousands(SCENARIO_MAX_BYTES as u64)
            ),
            ForkErrorKind::SplitBlock => {
                "the fork lines form one block: a fork line after the lines both sides run".into()
            }
            ForkErrorKind::NoForkLine => {
                "no fork line: a fork names what side a and side b do (`fork a: LINE`)".into()
            }
            ForkErrorKind::TooManyLines { side, lines } => format!(
                "side {} has {lines} lines; a side applies at most {SIDE_LINES_MAX} at the fork",
                s(side)
            ),
            ForkErrorKind::MultiLine { side } => {
                format!("side {0}: one scenario line per `fork {0}:` line", s(side))
            }
            ForkErrorKind::SideParse {
                side,
                line,
                message,
            } => format!("side {}, line {line}: {message}", s(side)),
            ForkErrorKind::SameLines => {
                "the two sides apply the same lines: nothing would differ".into()
            }
            ForkErrorKind::RunTooLarge { messages } => format!(
                "this run holds {} messages; a fork keeps two runs, so it forks runs of at most {} messages",
                thousands(*messages as u64),
                thousands((PUBLISHES_PER_RUN_MAX / 2) as u64)
            ),
        };
        ForkError {
            line,
            kind,
            message,
        }
    }
}

impl std::fmt::Display for ForkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(f, "line {}: {}", self.line, self.message)
        } else {
            f.write_str(&self.message)
        }
    }
}

fn error(line: usize, kind: ForkErrorKind) -> ForkError {
    ForkError::new(line, kind)
}

/// The word a heredoc (`python app <<EOF`, `<<'END'`) ends with, if the line opens one: its
/// body is a script's, never a `fork` line.
fn heredoc_end(line: &str) -> Option<String> {
    if !line.trim_start().starts_with("python ") {
        return None;
    }
    let (_, rest) = line.split_once("<<")?;
    let word = rest.trim().trim_matches(|c| c == '\'' || c == '"');
    (!word.is_empty()).then(|| word.to_string())
}

/// What a line of the fork text is.
enum Piece<'a> {
    Label(Side, String),
    Line(Side, &'a str),
    Plain,
}

/// Reads `fork a "label"` and `fork a: LINE`; `None` for any other line (a client named
/// `fork` keeps its lines: `fork publish q "m"` is no fork line).
fn fork_piece(line: &str, n: usize) -> Result<Option<Piece<'_>>, ForkError> {
    let Some(rest) = line.trim_start().strip_prefix("fork ") else {
        return Ok(None);
    };
    let rest = rest.trim_start();
    let side = match rest.as_bytes() {
        [b'a', b':' | b' ' | b'"', ..] => Side::A,
        [b'b', b':' | b' ' | b'"', ..] => Side::B,
        _ => return Ok(None),
    };
    let rest = &rest[1..];
    if let Some(body) = rest.strip_prefix(':') {
        let body = body.trim();
        if body.is_empty() {
            return Err(error(n, ForkErrorKind::EmptyLine));
        }
        return Ok(Some(Piece::Line(side, body)));
    }
    let label = rest.trim();
    let Some(unquoted) = label.strip_prefix('"').and_then(|l| l.strip_suffix('"')) else {
        return Ok(None);
    };
    if unquoted.chars().count() > LABEL_MAX_CHARS {
        return Err(error(n, ForkErrorKind::LabelTooLong));
    }
    Ok(Some(Piece::Label(side, unquoted.to_string())))
}

/// Whether the text is meant as a fork: a `fork a`/`fork b` line outside a script. (It may
/// still be a faulty one: [`ForkSpec::parse`] says why.)
pub fn is_fork(text: &str) -> bool {
    let mut heredoc: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        if let Some(end) = &heredoc {
            if line.trim() == end {
                heredoc = None;
            }
            continue;
        }
        heredoc = heredoc_end(line);
        if !matches!(fork_piece(line, i + 1), Ok(None)) {
            return true;
        }
    }
    false
}

impl ForkSpec {
    /// A fork of `base` (a scenario ending at the fork instant) into `a` and `b`.
    pub fn new(base: &str, a: Variation, b: Variation) -> Result<ForkSpec, ForkError> {
        let spec = ForkSpec {
            base: base.to_string(),
            a,
            b,
            after: String::new(),
        };
        spec.validate()?;
        Ok(spec)
    }

    /// Reads a fork text (see the module's doc).
    pub fn parse(text: &str) -> Result<ForkSpec, ForkError> {
        if text.len() > SCENARIO_MAX_BYTES {
            return Err(error(0, ForkErrorKind::TooLong { bytes: text.len() }));
        }
        let mut base = String::new();
        let mut after = String::new();
        let (mut a, mut b) = (Variation::default(), Variation::default());
        // 0: before the fork block, 1: in it, 2: after it.
        let mut phase = 0;
        let mut heredoc: Option<String> = None;
        for (i, line) in text.lines().enumerate() {
            let n = i + 1;
            let piece = if let Some(end) = &heredoc {
                if line.trim() == end {
                    heredoc = None;
                }
                Piece::Plain
            } else {
                heredoc = heredoc_end(line);
                fork_piece(line, n)?.unwrap_or(Piece::Plain)
            };
            match piece {
                Piece::Plain => {
                    if phase == 1 && !line.trim().is_empty() {
                        phase = 2;
                    }
                    let out = if phase == 0 { &mut base } else { &mut after };
                    out.push_str(line);
                    out.push('\n');
                }
                _ if phase == 2 => {
                    return Err(error(n, ForkErrorKind::SplitBlock));
                }
                Piece::Label(side, label) => {
                    phase = 1;
                    match side {
                        Side::A => a.label = label,
                        Side::B => b.label = label,
                    }
                }
                Piece::Line(side, body) => {
                    phase = 1;
                    match side {
                        Side::A => a.lines.push(body.to_string()),
                        Side::B => b.lines.push(body.to_string()),
                    }
                }
            }
        }
        if phase == 0 {
            return Err(error(0, ForkErrorKind::NoForkLine));
        }
        let spec = ForkSpec { base, a, b, after };
        spec.validate()?;
        Ok(spec)
    }

    /// The fork as text; [`ForkSpec::parse`] reads it back.
    pub fn to_text(&self) -> String {
        let mut out = self.base.clone();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        for (side, v) in [(Side::A, &self.a), (Side::B, &self.b)] {
            if !v.label.is_empty() {
                out.push_str(&format!("fork {} \"{}\"\n", side.letter(), v.label));
            }
            for l in &v.lines {
                out.push_str(&format!("fork {}: {l}\n", side.letter()));
            }
        }
        out.push_str(&self.after);
        out
    }

    pub fn variation(&self, side: Side) -> &Variation {
        match side {
            Side::A => &self.a,
            Side::B => &self.b,
        }
    }

    /// The ordinary scenario one side runs.
    pub fn side_text(&self, side: Side) -> String {
        let mut out = self.base.clone();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        for l in &self.variation(side).lines {
            out.push_str(l);
            out.push('\n');
        }
        out.push_str(&self.after);
        out
    }

    /// Both sides parse, each within the scenario limit, and each side says what it does.
    fn validate(&self) -> Result<(), ForkError> {
        for side in [Side::A, Side::B] {
            let v = self.variation(side);
            if v.lines.len() > SIDE_LINES_MAX {
                let lines = v.lines.len();
                return Err(error(0, ForkErrorKind::TooManyLines { side, lines }));
            }
            if v.label.chars().count() > LABEL_MAX_CHARS {
                return Err(error(0, ForkErrorKind::LabelTooLong));
            }
            if v.lines.iter().any(|l| l.contains('\n')) {
                return Err(error(0, ForkErrorKind::MultiLine { side }));
            }
            let text = self.side_text(side);
            if text.len() > SCENARIO_MAX_BYTES {
                return Err(error(0, ForkErrorKind::TooLong { bytes: text.len() }));
            }
            if let Err(e) = parse(&text) {
                let (line, message) = (e.line, e.message);
                return Err(error(
                    0,
                    ForkErrorKind::SideParse {
                        side,
                        line,
                        message,
                    },
                ));
            }
        }
        if self.a.lines == self.b.lines {
            return Err(error(0, ForkErrorKind::SameLines));
        }
        Ok(())
    }
}
