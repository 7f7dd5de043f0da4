//! A lesson's place in the URL: `#lesson=<id>&step=<n>` (n from 1), so that a reload or a
//! shared link opens the lesson at that step.

/// A lesson and a step (1-based), as the URL names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub lesson: String,
    pub step: usize,
}

/// The longest lesson id a link may name (a lesson file's id is at most 64 characters).
const ID_MAX: usize = 64;

/// Reads `#lesson=<id>&step=<n>`; `None` for any other hash (a `#s=` share link is not a
/// lesson). A missing or unreadable step is step 1; the page clamps it to the lesson's steps.
pub fn parse(hash: &str) -> Option<Route> {
    let body = hash.strip_prefix('#').unwrap_or(hash);
    let mut lesson = None;
    let mut step = 1;
    for part in body.split('&') {
        if let Some(v) = part.strip_prefix("lesson=") {
            lesson = Some(v);
        } else if let Some(v) = part.strip_prefix("step=") {
            step = v.parse::<usize>().unwrap_or(1).clamp(1, 1000);
        }
    }
    let lesson = lesson?;
    let ok = !lesson.is_empty()
        && lesson.len() <= ID_MAX
        && lesson
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    Some(Route {
        lesson: if ok { lesson } else { "?" }.to_string(),
        step,
    })
}

/// The hash for a lesson at a step (1-based).
pub fn format(lesson: &str, step: usize) -> String {
    format!("#lesson={lesson}&step={step}")
}

/// The page's hash now.
pub fn current() -> Option<Route> {
    let hash = crate::ui::context::browser()?.location().hash().ok()?;
    parse(&hash)
}

/// Puts the lesson's place in the address bar without a navigation or a `hashchange` (the share
/// link's listener then has nothing to reload).
pub fn show(lesson: &str, step: usize) {
    if let Some(h) = crate::ui::context::browser().and_then(|w| w.history().ok()) {
        let _ = h.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format(lesson, step)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_it_writes_and_nothing_else() {
        let r = parse(&format("seed000-requeue", 3)).unwrap();
        assert_eq!(
            r,
            Route {
                lesson: "seed000-requeue".into(),
                step: 3
            }
        );
        assert_eq!(parse("#lesson=a").unwrap().step, 1);
        assert_eq!(parse("#step=2&lesson=a").unwrap().step, 2);
        assert_eq!(parse("#lesson=a&step=x").unwrap().step, 1);
        assert_eq!(parse("#lesson=a&step=99999999999").unwrap().step, 1000);
        assert_eq!(parse("#lesson=A%20b").unwrap().lesson, "?");
        assert_eq!(
            parse(&format!("#lesson={}", "a".repeat(65)))
                .unwrap()
                .lesson,
            "?"
        );
        assert_eq!(parse("#s=abc&t=5"), None);
        assert_eq!(parse(""), None);
    }
}
