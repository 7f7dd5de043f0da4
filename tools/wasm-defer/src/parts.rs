//! Which functions belong to the deferred parts, by their (demangled) names: a function whose
//! own path (or, for a trait method, its type's path) is in one of the parts. Generic code
//! instantiated for a part's types (`drop_in_place<mirrorscope::py::…>`, which
//! tests/e2e/wasm-parts.mjs charges to the part) is not named here: it moves when only moved
//! code calls it (`plan`), so that the code that drops or iterates a part's values from outside
//! it does not reach for the second module.

/// The crate's module paths whose code loads after the first screen.
pub const DEFERRED: &[&[&str]] = &[
    &["py"],
    &["sim", "pika"],
    &["lab"],
    &["ui", "panels", "lab"],
    &["course"],
    &["ui", "guide"],
];

/// Paths inside those parts that the first screen runs: the course list's card, the learner's
/// progress it shows, the fetch of the lessons' texts (their parse waits for the second part)
/// and the notes on the seeds, which mark what the run on stage shows; and the simulator's
/// container of scripts, which every step asks even when there is none.
pub const FIRST_SCREEN: &[&[&str]] = &[
    &["ui", "guide", "lessons"],
    &["ui", "guide", "progress"],
    &["ui", "guide", "fetch"],
    &["ui", "guide", "notes"],
    &["sim", "pika", "Scripts"],
];

/// The part a function's name puts it in (an index into `DEFERRED`), if any.
pub fn deferred_part(name: &str, crate_name: &str) -> Option<usize> {
    let prefix = format!("{crate_name}::");
    let at = name
        .find(&prefix)
        .filter(|at| *at == 0 || name[..*at] == *"<")?;
    let path: Vec<&str> = name[at + prefix.len()..]
        .split("::")
        .map(|s| {
            s.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
                .unwrap_or("")
        })
        .take(3)
        .collect();
    let under =
        |part: &&[&str]| path.len() >= part.len() && part.iter().zip(&path).all(|(a, b)| a == b);
    if FIRST_SCREEN.iter().any(under) {
        return None;
    }
    DEFERRED.iter().position(under)
}

/// A short label of a part, for reports.
pub fn label(part: usize) -> String {
    DEFERRED[part].join("::")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_path_into_the_crate_decides() {
        let d = |n| deferred_part(n, "mirrorscope").map(label);
        assert_eq!(
            d("mirrorscope::py::vm::Vm::run::h0123").as_deref(),
            Some("py")
        );
        assert_eq!(
            d("core::ptr::drop_in_place<mirrorscope::sim::pika::script::Script>"),
            None
        );
        assert_eq!(
            d("<mirrorscope::py::Value as core::clone::Clone>::clone").as_deref(),
            Some("py")
        );
        assert_eq!(
            d("<mirrorscope::sim::Sim as mirrorscope::py::Host>::call"),
            None
        );
        assert_eq!(
            d("mirrorscope::ui::panels::lab::Lab::view").as_deref(),
            Some("ui::panels::lab")
        );
        assert_eq!(d("mirrorscope::ui::panels::queues::view"), None);
        assert_eq!(
            d("mirrorscope::ui::guide::Guide::view").as_deref(),
            Some("ui::guide")
        );
        assert_eq!(d("mirrorscope::ui::guide::lessons::LessonsCard::run"), None);
        assert_eq!(d("mirrorscope::lab").as_deref(), Some("lab"));
        assert_eq!(d("alloc::vec::Vec<u8>::push"), None);
    }
}
