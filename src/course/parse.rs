//! Reads a lesson file (`lessons/<id>.scn`, docs/lessons.md): a scenario whose `# key: value`
//! comment lines are the lesson's directives. Everything else is scenario lines, checked here by
//! the scenario parser itself, so a lesson that parses is also a scenario that runs.

use crate::sim::ctl::shell;
use crate::sim::scenario::parse::{parse, Action, Expectation};

/// Text in both languages.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bi {
    pub en: String,
    pub zh: String,
}

/// One `expect` line of a step's `# check:` or a choice's `.if`, parsed once.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// The line as written (with the word `expect`).
    pub text: String,
    pub expectation: Expectation,
}

/// One answer of a prediction.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub text: Bi,
    /// Hold (all of them: one per `# choice.if:`) after the step's lines ran exactly when this
    /// answer is the right one.
    pub when: Vec<Check>,
}

/// A question asked before a step's lines run.
#[derive(Debug, Clone, PartialEq)]
pub struct Predict {
    pub question: Bi,
    pub choices: Vec<Choice>,
    pub explain: Bi,
}

/// One step of a lesson.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub name: String,
    /// The file line of its `# step:`.
    pub line: usize,
    pub say: Bi,
    /// The seed's words, quoted.
    pub quote: Option<String>,
    /// Shown once the step is done.
    pub note: Option<Bi>,
    /// What "Do it for me" sends: one scenario input each (a `python` block is one).
    pub lines: Vec<String>,
    /// The step is done when all of these hold at the cursor (none: when its lines have run).
    pub checks: Vec<Check>,
    pub predict: Option<Predict>,
}

/// A whole lesson.
#[derive(Debug, Clone, PartialEq)]
pub struct Lesson {
    pub id: String,
    pub section: String,
    pub order: u32,
    pub title: Bi,
    /// Cluster seconds per page second when the lesson opens.
    pub speed: Option<f64>,
    /// The set-up lines (`cluster`, `seed`, `config`, and anything run before step 1).
    pub setup: String,
    pub steps: Vec<Step>,
}

/// A lesson file that cannot be used: `file:line: message`.
#[derive(Debug, Clone, PartialEq)]
pub struct LessonError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for LessonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// Every directive key. A `# word:` comment whose word starts like one of these but is not one
/// (`say.eng`, `title`) is refused: a misspelt key would silently drop a caption.
pub const KEYS: &[&str] = &[
    "lesson",
    "section",
    "order",
    "title.en",
    "title.zh",
    "speed",
    "step",
    "say.en",
    "say.zh",
    "seed.quote",
    "note.en",
    "note.zh",
    "check",
    "predict.en",
    "predict.zh",
    "choice.en",
    "choice.zh",
    "choice.if",
    "explain.en",
    "explain.zh",
];

/// A `# key: value` line's key and value, when its key looks like a directive's (a lowercase
/// word, with at most one `.part`).
fn directive(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim().strip_prefix('#')?.trim_start();
    let (key, value) = rest.split_once(':')?;
    let looks = !key.is_empty()
        && key.split('.').count() <= 2
        && key
            .split('.')
            .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase()));
    let stem = key.split('.').next().unwrap_or_default();
    let known_stem = KEYS.iter().any(|k| k.split('.').next() == Some(stem));
    (looks && known_stem).then(|| (key, value.trim()))
}

/// Where scenario lines go as the file is read.
#[derive(Clone, Copy, PartialEq)]
enum Target {
    Setup,
    Lines,
    Checks,
}

struct Reader<'a> {
    file: &'a str,
    lines: Vec<&'a str>,
}

impl Reader<'_> {
    fn err(&self, line: usize, message: impl Into<String>) -> LessonError {
        LessonError {
            file: self.file.to_string(),
            line,
            message: message.into(),
        }
    }

    /// The file with only `keep`'s lines (1-based), others blank, so the scenario parser's line
    /// numbers are the file's.
    fn only(&self, keep: &[usize]) -> String {
        let mut out = vec![""; self.lines.len()];
        for &l in keep {
            out[l - 1] = self.lines[l - 1];
        }
        out.join("\n")
    }

    /// How many lines a scenario input starting at `i` (0-based) spans: a `python … <<EOF`
    /// block up to its delimiter, a shell line while a quote is open or it ends in `\`.
    fn span(&self, i: usize) -> usize {
        let first = self.lines[i].trim();
        if let Some(delim) = first
            .strip_prefix("python")
            .filter(|r| r.starts_with(char::is_whitespace))
            .and_then(|r| r.split_once("<<"))
            .map(|(_, d)| d.trim().trim_start_matches('-').trim_matches(['\'', '"']))
        {
            if let Some(end) = (i + 1..self.lines.len()).find(|&k| self.lines[k].trim() == delim) {
                return end - i + 1;
            }
        }
        let mut joined = self.lines[i].to_string();
        let mut n = 1;
        while shell::needs_more(&joined) && i + n < self.lines.len() {
            joined.push('\n');
            joined.push_str(self.lines[i + n]);
            n += 1;
        }
        n
    }
}

/// Most `# choice.if:` lines one choice may have.
pub const CHOICE_IFS_MAX: usize = 8;

/// A choice as it is read: its text and its `.if` lines (file line, condition).
type DraftChoice = (Bi, Vec<(usize, String)>);

/// A step as it is read: its scenario lines' file line numbers and its checks' lines.
struct Draft {
    step: Step,
    lines: Vec<usize>,
    checks: Vec<usize>,
    /// Its `# check:` was read.
    checked: bool,
    predict: Option<(Bi, Vec<DraftChoice>, Bi)>,
}

fn append(to: &mut String, text: &str) {
    if !to.is_empty() {
        to.push('\n');
    }
    to.push_str(text);
}

/// Parses one lesson file; `file` names it in errors.
pub fn parse_lesson(file: &str, text: &str) -> Result<Lesson, LessonError> {
    let r = Reader {
        file,
        lines: text.lines().collect(),
    };
    let mut id = None;
    let mut section = None;
    let mut order = None;
    let mut title = (None::<String>, None::<String>);
    let mut speed = None;
    let mut setup = Vec::new();
    let mut drafts: Vec<Draft> = Vec::new();
    let mut into = Target::Setup;
    let mut i = 0;
    while i < r.lines.len() {
        let n = i + 1;
        let raw = r.lines[i];
        let trimmed = raw.trim();
        if let Some((key, value)) = directive(raw) {
            i += 1;
            if !KEYS.contains(&key) {
                return Err(r.err(
                    n,
                    format!("unknown directive '{key}' (keys: {})", KEYS.join(", ")),
                ));
            }
            let header = matches!(
                key,
                "lesson" | "section" | "order" | "title.en" | "title.zh" | "speed"
            );
            if header && !drafts.is_empty() {
                return Err(r.err(n, format!("'{key}' belongs before the first '# step:'")));
            }
            let need_value = key != "check";
            if need_value && value.is_empty() {
                return Err(r.err(n, format!("'{key}' needs a value")));
            }
            if key == "check" && !value.is_empty() {
                return Err(r.err(n, "'# check:' takes no value: its expect lines follow it"));
            }
            if !header && key != "step" && drafts.is_empty() {
                return Err(r.err(
                    n,
                    format!("'{key}' belongs to a step: put '# step: NAME' first"),
                ));
            }
            into = if drafts.is_empty() {
                Target::Setup
            } else {
                Target::Lines
            };
            let once = |slot: &mut Option<String>| match slot {
                Some(_) => Err(r.err(n, format!("'{key}' is given twice"))),
                None => {
                    *slot = Some(value.to_string());
                    Ok(())
                }
            };
            match key {
                "lesson" => {
                    let ok = value
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                    if !ok || value.len() > 64 {
                        return Err(r.err(
                            n,
                            "a lesson id is lowercase letters, digits and '-' (at most 64)",
                        ));
                    }
                    once(&mut id)?;
                }
                "section" => once(&mut section)?,
                "order" => {
                    let v = value
                        .parse::<u32>()
                        .map_err(|_| r.err(n, format!("order: '{value}' is not a whole number")))?;
                    if order.replace(v).is_some() {
                        return Err(r.err(n, "'order' is given twice"));
                    }
                }
                "title.en" => once(&mut title.0)?,
                "title.zh" => once(&mut title.1)?,
                "speed" => {
                    let v = value
                        .parse::<f64>()
                        .ok()
                        .filter(|v| v.is_finite() && *v > 0.0 && *v <= 1000.0)
                        .ok_or_else(|| {
                            r.err(n, format!("speed: '{value}' is not a number in (0, 1000]"))
                        })?;
                    speed = Some(v);
                }
                "step" => {
                    if value.contains(char::is_whitespace) {
                        return Err(r.err(n, "a step's name is one word"));
                    }
                    drafts.push(Draft {
                        step: Step {
                            name: value.to_string(),
                            line: n,
                            say: Bi::default(),
                            quote: None,
                            note: None,
                            lines: Vec::new(),
                            checks: Vec::new(),
                            predict: None,
                        },
                        lines: Vec::new(),
                        checks: Vec::new(),
                        checked: false,
                        predict: None,
                    });
                }
                _ => {
                    let d = drafts.last_mut().expect("checked above: a step is open");
                    let s = &mut d.step;
                    match key {
                        "say.en" => append(&mut s.say.en, value),
                        "say.zh" => append(&mut s.say.zh, value),
                        "seed.quote" => append(s.quote.get_or_insert_with(String::new), value),
                        "note.en" => append(&mut s.note.get_or_insert_with(Bi::default).en, value),
                        "note.zh" => append(&mut s.note.get_or_insert_with(Bi::default).zh, value),
                        "check" => {
                            if d.checked {
                                return Err(r.err(n, "a step has one '# check:'"));
                            }
                            d.checked = true;
                            into = Target::Checks;
                        }
                        _ => {
                            let (q, choices, explain) = d
                                .predict
                                .get_or_insert_with(|| (Bi::default(), Vec::new(), Bi::default()));
                            match key {
                                "predict.en" => append(&mut q.en, value),
                                "predict.zh" => append(&mut q.zh, value),
                                "explain.en" => append(&mut explain.en, value),
                                "explain.zh" => append(&mut explain.zh, value),
                                "choice.en" => choices.push((
                                    Bi {
                                        en: value.to_string(),
                                        zh: String::new(),
                                    },
                                    Vec::new(),
                                )),
                                _ => {
                                    let Some(c) = choices.last_mut() else {
                                        return Err(
                                            r.err(n, format!("'{key}' before its '# choice.en:'"))
                                        );
                                    };
                                    if key == "choice.zh" {
                                        append(&mut c.0.zh, value);
                                    } else if c.1.len() >= CHOICE_IFS_MAX {
                                        return Err(r.err(
                                            n,
                                            format!(
                                                "a choice has at most {CHOICE_IFS_MAX} '.if' lines"
                                            ),
                                        ));
                                    } else {
                                        c.1.push((n, value.to_string()));
                                    }
                                }
                            }
                        }
                    }
                }
            }
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') {
            i += 1;
            continue;
        }
        let span = r.span(i);
        match (into, drafts.last_mut()) {
            (Target::Setup, _) => setup.push(n),
            (Target::Lines, Some(d)) if d.checked => {
                return Err(r.err(n, "a step's lines come before its '# check:'"));
            }
            (Target::Lines, Some(d)) => d.lines.push(n),
            (Target::Checks, Some(d)) => {
                if !trimmed.starts_with("expect ") {
                    return Err(r.err(
                        n,
                        "after '# check:' only expect lines (a step's lines come before its check)",
                    ));
                }
                d.checks.push(n);
            }
            (_, None) => setup.push(n),
        }
        // Continuation lines belong to the same input: keep them with its first line.
        for k in 1..span {
            match (into, drafts.last_mut()) {
                (Target::Lines, Some(d)) => d.lines.push(n + k),
                (Target::Checks, Some(d)) => d.checks.push(n + k),
                _ => setup.push(n + k),
            }
        }
        i += span;
    }
    let id = id.ok_or_else(|| r.err(1, "missing '# lesson: ID'"))?;
    let section = section.ok_or_else(|| r.err(1, "missing '# section:'"))?;
    let order = order.ok_or_else(|| r.err(1, "missing '# order:'"))?;
    let title = Bi {
        en: title.0.ok_or_else(|| r.err(1, "missing '# title.en:'"))?,
        zh: title.1.ok_or_else(|| r.err(1, "missing '# title.zh:'"))?,
    };
    let setup_text = r.only(&setup);
    let setup_steps = parse(&setup_text).map_err(|e| r.err(e.line, e.message))?;
    if let Some(s) = setup_steps
        .iter()
        .find(|s| matches!(s.action, Action::Expect(_)))
    {
        return Err(r.err(s.line, "an expect line belongs to a step's '# check:'"));
    }
    if drafts.is_empty() {
        return Err(r.err(1, "a lesson needs at least one '# step:'"));
    }
    let steps = drafts
        .into_iter()
        .map(|d| finish(&r, d))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Lesson {
        id,
        section,
        order,
        title,
        speed,
        setup: setup_steps
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        steps,
    })
}

/// One `expect …` line at file line `n`, parsed by the scenario parser.
fn check_line(r: &Reader, n: usize, text: &str) -> Result<Check, LessonError> {
    let steps = parse(text).map_err(|e| r.err(n, e.message))?;
    match steps.as_slice() {
        [s] => match &s.action {
            Action::Expect(e) => Ok(Check {
                text: s.text.clone(),
                expectation: e.clone(),
            }),
            _ => Err(r.err(n, format!("not an expect line: {text}"))),
        },
        _ => Err(r.err(n, format!("one expect line expected: {text}"))),
    }
}

fn finish(r: &Reader, d: Draft) -> Result<Step, LessonError> {
    let mut step = d.step;
    let at = step.line;
    let name = step.name.clone();
    if step.say.en.is_empty() || step.say.zh.is_empty() {
        return Err(r.err(
            at,
            format!("step '{name}' needs both '# say.en:' and '# say.zh:'"),
        ));
    }
    if let Some(note) = &step.note {
        if note.en.is_empty() || note.zh.is_empty() {
            return Err(r.err(
                at,
                format!("step '{name}': a note needs both '# note.en:' and '# note.zh:'"),
            ));
        }
    }
    if d.checked && d.checks.is_empty() {
        return Err(r.err(
            at,
            format!("step '{name}': '# check:' without expect lines"),
        ));
    }
    let lines = parse(&r.only(&d.lines)).map_err(|e| r.err(e.line, e.message))?;
    for s in &lines {
        match s.action {
            Action::Cluster(_) | Action::Seed(_) | Action::Config(_) => {
                return Err(r.err(s.line, "set-up lines go before the first '# step:'"))
            }
            Action::Expect(_) => {
                return Err(r.err(s.line, "an expect line belongs after the step's '# check:'"))
            }
            _ => {}
        }
    }
    step.lines = lines.into_iter().map(|s| s.text).collect();
    step.checks = d
        .checks
        .iter()
        .map(|&n| check_line(r, n, r.lines[n - 1].trim()))
        .collect::<Result<_, _>>()?;
    if let Some((question, choices, explain)) = d.predict {
        if question.en.is_empty() || question.zh.is_empty() {
            return Err(r.err(
                at,
                format!("step '{name}': a prediction needs '# predict.en:' and '# predict.zh:'"),
            ));
        }
        if explain.en.is_empty() || explain.zh.is_empty() {
            return Err(r.err(
                at,
                format!("step '{name}': a prediction needs '# explain.en:' and '# explain.zh:'"),
            ));
        }
        if choices.len() < 2 {
            return Err(r.err(
                at,
                format!("step '{name}': a prediction needs at least two choices"),
            ));
        }
        if step.lines.is_empty() {
            return Err(r.err(
                at,
                format!("step '{name}': a prediction needs lines to reveal it"),
            ));
        }
        let choices = choices
            .into_iter()
            .map(|(text, when)| {
                let Some(&(n, _)) = when.first() else {
                    return Err(r.err(
                        at,
                        format!("step '{name}': choice '{}' has no '# choice.if:'", text.en),
                    ));
                };
                if text.zh.is_empty() {
                    return Err(r.err(n, format!("choice '{}' has no '# choice.zh:'", text.en)));
                }
                let when = when
                    .iter()
                    .map(|(n, cond)| check_line(r, *n, &format!("expect {cond}")))
                    .collect::<Result<_, _>>()?;
                Ok(Choice { text, when })
            })
            .collect::<Result<_, _>>()?;
        step.predict = Some(Predict {
            question,
            choices,
            explain,
        });
    }
    Ok(step)
}

impl Lesson {
    /// The scenario that brings a fresh cluster to the start of step `step` (0-based) the
    /// scripted way: the set-up, then every earlier step's lines. Resuming a lesson at a step
    /// loads it.
    pub fn scenario_before(&self, step: usize) -> String {
        let mut text = self.setup.clone();
        for s in self.steps.iter().take(step) {
            for line in &s.lines {
                text.push('\n');
                text.push_str(line);
            }
        }
        text
    }
}
