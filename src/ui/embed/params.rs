//! The embed's query string, `?embed[&autoplay][&theme=light|dark][&lang=en|zh][&start=2s][&end=20s]`
//! (docs/embedding.md), read into [`EmbedParams`] without touching the browser, so that every
//! case is tested natively. A parameter that cannot be read is a [`ParamError`], which the
//! embed shows in its frame in the reader's language instead of starting.

use crate::sim::time::{parse_duration, Micros};
use crate::ui::i18n::Lang;

/// The longest query string the embed reads (its parameters fit in a few dozen characters).
pub const QUERY_MAX_CHARS: usize = 512;

/// Light or dark, when the embedding page chose one (otherwise the reader's system decides).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeChoice {
    Light,
    Dark,
}

impl ThemeChoice {
    /// The value of `<html data-theme>` that the stylesheets read.
    pub fn as_str(self) -> &'static str {
        match self {
            ThemeChoice::Light => "light",
            ThemeChoice::Dark => "dark",
        }
    }
}

/// What the embedding page asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EmbedParams {
    /// Start playing once loaded (otherwise the embed waits for the reader's Play).
    pub autoplay: bool,
    pub theme: Option<ThemeChoice>,
    pub lang: Option<Lang>,
    /// Where the slice starts: the clock is put there on load and Play from the end comes back
    /// here.
    pub start: Option<Micros>,
    /// Where the slice ends: playback pauses there (by default at the scenario's end).
    pub end: Option<Micros>,
}

/// Why a query string cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamError {
    TooLong(usize),
    Unknown(String),
    Theme(String),
    Lang(String),
    Time {
        name: &'static str,
        why: String,
    },
    /// The two values as written.
    EndBeforeStart {
        start: String,
        end: String,
    },
}

impl ParamError {
    /// The message shown in the embed.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ParamError::TooLong(n), Lang::En) => format!(
                "the embed's address has {n} characters after '?', more than the {QUERY_MAX_CHARS} it reads"
            ),
            (ParamError::TooLong(n), Lang::Zh) => {
                format!("嵌入地址中“?”之后有 {n} 个字符，超过了可读取的 {QUERY_MAX_CHARS} 个")
            }
            (ParamError::Unknown(p), Lang::En) => format!(
                "unknown parameter '{p}' (known: embed, autoplay, theme, lang, start, end)"
            ),
            (ParamError::Unknown(p), Lang::Zh) => {
                format!("未知参数“{p}”（可用：embed、autoplay、theme、lang、start、end）")
            }
            (ParamError::Theme(v), Lang::En) => {
                format!("theme={v} is not a theme: use theme=light or theme=dark")
            }
            (ParamError::Theme(v), Lang::Zh) => {
                format!("theme={v} 不是可用的主题：请用 theme=light 或 theme=dark")
            }
            (ParamError::Lang(v), Lang::En) => {
                format!("lang={v} is not a language of the player: use lang=en or lang=zh")
            }
            (ParamError::Lang(v), Lang::Zh) => {
                format!("lang={v} 不是播放器支持的语言：请用 lang=en 或 lang=zh")
            }
            (ParamError::Time { name, why }, Lang::En) => format!("{name}=: {why}"),
            (ParamError::Time { name, why }, Lang::Zh) => {
                format!("{name}= 的时间无法读取：{why}")
            }
            (ParamError::EndBeforeStart { start, end }, Lang::En) => {
                format!("end={end} is not after start={start}: the slice would be empty")
            }
            (ParamError::EndBeforeStart { start, end }, Lang::Zh) => {
                format!("end={end} 不在 start={start} 之后：片段为空")
            }
        }
    }
}

/// Whether a page address's query string (`location.search`, with or without its `?`) asks for
/// the embed.
pub fn is_embed(search: &str) -> bool {
    query_parts(search).any(|p| p == "embed" || p.starts_with("embed="))
}

fn query_parts(search: &str) -> impl Iterator<Item = &str> {
    search
        .strip_prefix('?')
        .unwrap_or(search)
        .split('&')
        .filter(|p| !p.is_empty())
}

/// Reads the embed's parameters from a query string.
pub fn parse(search: &str) -> Result<EmbedParams, ParamError> {
    let body = search.strip_prefix('?').unwrap_or(search);
    if body.chars().count() > QUERY_MAX_CHARS {
        return Err(ParamError::TooLong(body.chars().count()));
    }
    let mut p = EmbedParams::default();
    let mut written = (String::new(), String::new());
    for part in query_parts(body) {
        let (key, value) = part.split_once('=').unwrap_or((part, ""));
        let value = crate::percent::decode_lossy(value);
        match key {
            "embed" => {}
            "autoplay" => p.autoplay = !matches!(value.as_str(), "0" | "false" | "no"),
            "theme" => {
                p.theme = Some(match value.as_str() {
                    "light" => ThemeChoice::Light,
                    "dark" => ThemeChoice::Dark,
                    _ => return Err(ParamError::Theme(value)),
                })
            }
            "lang" => {
                let primary = value.split(['-', '_']).next().unwrap_or_default();
                p.lang = Some(match primary.to_ascii_lowercase().as_str() {
                    "en" => Lang::En,
                    "zh" => Lang::Zh,
                    _ => return Err(ParamError::Lang(value)),
                })
            }
            "start" => {
                p.start = Some(time("start", &value)?);
                written.0 = value;
            }
            "end" => {
                p.end = Some(time("end", &value)?);
                written.1 = value;
            }
            _ => return Err(ParamError::Unknown(key.to_string())),
        }
    }
    if let (Some(start), Some(end)) = (p.start, p.end) {
        if end <= start {
            let (start, end) = written;
            return Err(ParamError::EndBeforeStart { start, end });
        }
    }
    Ok(p)
}

fn time(name: &'static str, value: &str) -> Result<Micros, ParamError> {
    parse_duration(value).map_err(|why| ParamError::Time { name, why })
}

/// The slice the player shows, from `start` (else zero) to `end` (else the scenario's end,
/// `horizon`), both kept within the run, and the moment it opens at: `start` when the host
/// gave one, else the link's own time (`t=`, where its author was) within the slice.
pub fn slice(p: &EmbedParams, link_at: Option<Micros>, horizon: Micros) -> Slice {
    let end = p.end.unwrap_or(horizon).min(horizon);
    let start = p.start.unwrap_or(Micros::ZERO).min(end);
    let open_at = match (p.start, link_at) {
        (None, Some(t)) => t.clamp(start, end),
        _ => start,
    };
    Slice {
        start,
        end,
        open_at,
    }
}

/// What the player plays: see [`slice`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slice {
    pub start: Micros,
    pub end: Micros,
    pub open_at: Micros,
}

/// The full playground's address for the same scenario at `at`: the page's `path` (without the
/// query that makes it an embed) and the embed's hash with its `t=` replaced.
pub fn playground_href(path: &str, hash: &str, at: Micros) -> String {
    let body = hash.strip_prefix('#').unwrap_or(hash);
    let mut parts: Vec<&str> = body
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("t="))
        .collect();
    let t = format!("t={}", at.0);
    parts.push(&t);
    format!("{path}#{}", parts.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embed_is_asked_for_by_its_flag() {
        assert!(is_embed("?embed"));
        assert!(is_embed("?lang=zh&embed&autoplay"));
        assert!(is_embed("embed="));
        assert!(!is_embed(""));
        assert!(!is_embed("?bench"));
        assert!(!is_embed("?embedded"));
    }

    #[test]
    fn every_parameter_is_read() {
        let p = parse("?embed&autoplay&theme=dark&lang=zh-CN&start=2s&end=20s").unwrap();
        assert_eq!(
            p,
            EmbedParams {
                autoplay: true,
                theme: Some(ThemeChoice::Dark),
                lang: Some(Lang::Zh),
                start: Some(Micros::from_secs(2)),
                end: Some(Micros::from_secs(20)),
            }
        );
        assert_eq!(parse("?embed").unwrap(), EmbedParams::default());
        assert!(!parse("?embed&autoplay=false").unwrap().autoplay);
        assert_eq!(parse("?embed&lang=EN").unwrap().lang, Some(Lang::En));
        assert_eq!(
            parse("?embed&start=1500ms").unwrap().start,
            Some(Micros::from_ms(1500))
        );
    }

    #[test]
    fn bad_parameters_are_named_in_both_languages() {
        let cases = [
            ("?embed&theme=blue", "theme=blue"),
            ("?embed&lang=fr", "lang=fr"),
            ("?embed&autoplya", "autoplya"),
            ("?embed&start=soon", "soon"),
            ("?embed&start=5s&end=2s", "end=2s"),
            ("?embed&start=5s&end=5s", "start=5s"),
        ];
        for (query, named) in cases {
            let e = parse(query).unwrap_err();
            for lang in Lang::ALL {
                let m = e.message(lang);
                assert!(m.contains(named), "{query} {lang:?}: {m}");
            }
        }
        let long = format!("?embed&start={}", "9".repeat(QUERY_MAX_CHARS));
        assert!(matches!(parse(&long), Err(ParamError::TooLong(_))));
    }

    #[test]
    fn the_slice_stays_within_the_run() {
        let h = Micros::from_secs(30);
        let at = |start: u64, end: u64, open: u64| Slice {
            start: Micros::from_secs(start),
            end: Micros::from_secs(end),
            open_at: Micros::from_secs(open),
        };
        let none = EmbedParams::default();
        assert_eq!(slice(&none, None, h), at(0, 30, 0));
        // A link made after playing opens where its author was; Play from there.
        assert_eq!(slice(&none, Some(Micros::from_secs(3)), h), at(0, 30, 3));
        assert_eq!(slice(&none, Some(Micros::from_secs(99)), h), at(0, 30, 30));
        let p = parse("?embed&start=2s&end=20s").unwrap();
        assert_eq!(slice(&p, Some(Micros::from_secs(9)), h), at(2, 20, 2));
        let open_end = parse("?embed&end=20s").unwrap();
        assert_eq!(
            slice(&open_end, Some(Micros::from_secs(25)), h),
            at(0, 20, 20)
        );
        let beyond = parse("?embed&start=40s&end=50s").unwrap();
        assert_eq!(slice(&beyond, None, h), at(30, 30, 30));
    }

    #[test]
    fn the_playground_link_keeps_the_scenario_and_moves_the_time() {
        assert_eq!(
            playground_href("/docs/playground/index.html", "#s=YWJj&t=5", Micros(42)),
            "/docs/playground/index.html#s=YWJj&t=42"
        );
        assert_eq!(
            playground_href("/", "#v=1&z=eJw", Micros(7)),
            "/#v=1&z=eJw&t=7"
        );
    }
}
