//! Captions and marks: the narration a scenario carries for a reader (`caption "…" zh="…"
//! [at=…] [for=…]`, `mark "…" [at=…]`, docs/scenario-format.md). They never act on the
//! cluster: a run keeps them in a [`Narration`] beside its trace, sorted by time, so that the
//! player finds the caption in force at any cursor with a binary search.

use crate::sim::time::{parse_duration, Micros};

/// The longest caption text (each language) or mark name, in characters.
pub const CAPTION_MAX_CHARS: usize = 500;
/// The most `caption` lines, and separately the most `mark` lines, one scenario may hold.
pub const CAPTIONS_MAX: usize = 200;

/// A `caption` line as parsed: its texts, and its moment when the line names one.
#[derive(Debug, Clone, PartialEq)]
pub struct CaptionLine {
    pub en: String,
    /// The Chinese text, when given (the player falls back to `en`).
    pub zh: Option<String>,
    /// `at=`: a simulated time; without it, the time the line runs at.
    pub at: Option<Micros>,
    /// `for=`: how long it shows; without it, until the next caption.
    pub duration: Option<Micros>,
}

/// A `mark` line as parsed: a named moment, a chapter of the run.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkLine {
    pub name: String,
    pub at: Option<Micros>,
}

/// A caption placed in time.
#[derive(Debug, Clone, PartialEq)]
pub struct Caption {
    pub at: Micros,
    /// When it stops showing, if `for=` said.
    pub until: Option<Micros>,
    pub en: String,
    pub zh: Option<String>,
}

impl Caption {
    /// The text in a language (`zh` falls back to English).
    pub fn text(&self, zh: bool) -> &str {
        match (&self.zh, zh) {
            (Some(t), true) => t,
            _ => &self.en,
        }
    }
}

/// A mark placed in time.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub at: Micros,
    pub name: String,
}

/// A run's captions and marks, each list sorted by time (equal times keep line order).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Narration {
    pub captions: Vec<Caption>,
    pub marks: Vec<Mark>,
}

impl Narration {
    /// Places a caption line that ran at `now`; refuses one past [`CAPTIONS_MAX`].
    pub fn add_caption(&mut self, line: &CaptionLine, now: Micros) -> Result<&Caption, String> {
        if self.captions.len() >= CAPTIONS_MAX {
            return Err(too_many("captions"));
        }
        let at = line.at.unwrap_or(now);
        let caption = Caption {
            at,
            until: line.duration.map(|d| at + d),
            en: line.en.clone(),
            zh: line.zh.clone(),
        };
        let i = self.captions.partition_point(|c| c.at <= at);
        self.captions.insert(i, caption);
        Ok(&self.captions[i])
    }

    /// Places a mark line that ran at `now`; refuses one past [`CAPTIONS_MAX`].
    pub fn add_mark(&mut self, line: &MarkLine, now: Micros) -> Result<&Mark, String> {
        if self.marks.len() >= CAPTIONS_MAX {
            return Err(too_many("marks"));
        }
        let at = line.at.unwrap_or(now);
        let i = self.marks.partition_point(|m| m.at <= at);
        self.marks.insert(
            i,
            Mark {
                at,
                name: line.name.clone(),
            },
        );
        Ok(&self.marks[i])
    }

    /// The caption showing at `t`: the latest one started at or before `t`, unless its `for=`
    /// has run out.
    pub fn caption_at(&self, t: Micros) -> Option<&Caption> {
        let i = self
            .captions
            .partition_point(|c| c.at <= t)
            .checked_sub(1)?;
        let c = &self.captions[i];
        match c.until {
            Some(end) if t >= end => None,
            _ => Some(c),
        }
    }

    /// The latest mark at or before `t` (the chapter the cursor is in).
    pub fn chapter_at(&self, t: Micros) -> Option<usize> {
        self.marks.partition_point(|m| m.at <= t).checked_sub(1)
    }
}

/// Splits `key=value` words, refusing keys not in the list (the parser's own rules).
pub type KeyValues<'a> = &'a dyn Fn(&[String], &[&str]) -> Result<Vec<(String, String)>, String>;

/// The words after `caption`: the English text first, then `zh=`, `at=`, `for=`.
pub fn parse_caption(rest: &[String], kv: KeyValues) -> Result<CaptionLine, String> {
    let Some(en) = rest.first().filter(|w| !is_option(w)) else {
        return Err(
            "caption needs its English text first: caption \"The master is gone\" zh=\"主节点不在了\" [at=2s] [for=5s]"
                .into(),
        );
    };
    let kvs = kv(&rest[1..], &["zh", "at", "for"])?;
    let mut line = CaptionLine {
        en: text("caption", en)?,
        zh: None,
        at: None,
        duration: None,
    };
    for (k, v) in &kvs {
        match k.as_str() {
            "zh" => line.zh = Some(text("caption zh=", v)?),
            "at" => line.at = Some(moment("at", v)?),
            "for" => line.duration = Some(moment("for", v)?),
            // kv() lets only the keys above through.
            _ => {}
        }
    }
    Ok(line)
}

/// The words after `mark`: its name, then `at=`.
pub fn parse_mark(rest: &[String], kv: KeyValues) -> Result<MarkLine, String> {
    let Some(name) = rest.first().filter(|w| !is_option(w)) else {
        return Err("mark needs a name: mark \"promotion\" [at=12s]".into());
    };
    let kvs = kv(&rest[1..], &["at"])?;
    let mut line = MarkLine {
        name: text("mark", name)?,
        at: None,
    };
    for (k, v) in &kvs {
        if k == "at" {
            line.at = Some(moment("at", v)?);
        }
    }
    Ok(line)
}

/// The message for one caption or mark too many.
pub fn too_many(what: &str) -> String {
    format!("a scenario holds at most {CAPTIONS_MAX} {what} (docs/limits.md)")
}

/// Whether a word is one of the options rather than the text that must come first.
fn is_option(w: &str) -> bool {
    ["zh=", "at=", "for="].iter().any(|k| w.starts_with(k))
}

fn text(what: &str, t: &str) -> Result<String, String> {
    let n = t.chars().count();
    if t.trim().is_empty() {
        return Err(format!("{what}: the text is empty"));
    }
    if n > CAPTION_MAX_CHARS {
        return Err(format!(
            "{what}: the text has {n} characters, more than the {CAPTION_MAX_CHARS} a caption or mark may hold (docs/limits.md)"
        ));
    }
    Ok(t.to_string())
}

fn moment(key: &str, v: &str) -> Result<Micros, String> {
    parse_duration(v).map_err(|e| format!("{key}={v}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caption(en: &str, at: u64, dur: Option<u64>) -> CaptionLine {
        CaptionLine {
            en: en.into(),
            zh: None,
            at: Some(Micros::from_secs(at)),
            duration: dur.map(Micros::from_secs),
        }
    }

    #[test]
    fn the_caption_in_force_is_the_latest_started_until_it_runs_out() {
        let mut n = Narration::default();
        n.add_caption(&caption("b", 5, Some(2)), Micros::ZERO)
            .unwrap();
        n.add_caption(&caption("a", 1, None), Micros::ZERO).unwrap();
        n.add_caption(&caption("c", 10, None), Micros::ZERO)
            .unwrap();
        let at = |s: u64| n.caption_at(Micros::from_secs(s)).map(|c| c.en.as_str());
        assert_eq!(at(0), None);
        assert_eq!(at(1), Some("a"));
        assert_eq!(at(4), Some("a"));
        assert_eq!(at(5), Some("b"));
        assert_eq!(at(6), Some("b"));
        // b's for=2s is over and c has not started: nothing shows.
        assert_eq!(at(7), None);
        assert_eq!(at(100), Some("c"));
    }

    #[test]
    fn zh_falls_back_to_english() {
        let c = Caption {
            at: Micros::ZERO,
            until: None,
            en: "en".into(),
            zh: None,
        };
        assert_eq!(c.text(true), "en");
        let c = Caption {
            zh: Some("中".into()),
            ..c
        };
        assert_eq!((c.text(true), c.text(false)), ("中", "en"));
    }

    #[test]
    fn counts_are_bounded() {
        let mut n = Narration::default();
        for i in 0..CAPTIONS_MAX {
            n.add_caption(&caption("x", i as u64, None), Micros::ZERO)
                .unwrap();
            n.add_mark(
                &MarkLine {
                    name: "m".into(),
                    at: None,
                },
                Micros::from_secs(i as u64),
            )
            .unwrap();
        }
        assert!(n
            .add_caption(&caption("x", 1, None), Micros::ZERO)
            .unwrap_err()
            .contains("at most 200 captions"));
        assert_eq!(n.chapter_at(Micros::from_ms(2500)), Some(2));
        assert_eq!(n.chapter_at(Micros::from_secs(10_000)), Some(199));
    }
}
