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
    &["ui", "panels", "editor"],
    &["ui", "fork", "view"],
    &["ui", "panels", "clients"],
    &["ui", "panels", "exchanges"],
    &["ui", "stage", "settings"],
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

/// Generic code of these crates instantiated for one of the crate's types is that type's code:
/// Yew's lifecycle of a component (`<yew::html::component::lifecycle::CompStateInner<
/// mirrorscope::ui::panels::lab::LabPanel> as …>::view`), into which the component's own body
/// is inlined. Their names carry the type with the v0 symbol mangling (.cargo/config.toml).
pub const OWNERS_BY_TYPE: &[&str] = &["yew::"];

/// A demangled name without v0's crate disambiguators (`mirrorscope[c7ad4c23393e9c29]::`) and
/// without the number the tools append to tell apart functions of one name (`fmt.266`), which
/// changes from build to build.
pub fn plain(name: &str) -> String {
    let name = match name.rsplit_once('.') {
        Some((head, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => head,
        _ => name,
    };
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(at) = rest.find('[') {
        match rest[at..].find(']').map(|e| at + e) {
            Some(end)
                if end > at + 1 && rest[at + 1..end].bytes().all(|b| b.is_ascii_hexdigit()) =>
            {
                out.push_str(&rest[..at]);
                rest = &rest[end + 1..];
            }
            _ => {
                out.push_str(&rest[..=at]);
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The part a function's (plain) name puts it in (an index into `DEFERRED`), if any.
pub fn deferred_part(name: &str, crate_name: &str) -> Option<usize> {
    let prefix = format!("{crate_name}::");
    let by_type = OWNERS_BY_TYPE
        .iter()
        .any(|c| name.trim_start_matches('<').starts_with(c));
    let at = name
        .find(&prefix)
        .filter(|at| *at == 0 || name[..*at] == *"<" || by_type)?;
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
        let lab = "<yew[27c0d680d1e126f3]::html::component::lifecycle::CompStateInner<mirrorscope[c7ad4c23393e9c29]::ui::panels::lab::LabPanel> as yew[27c0d680d1e126f3]::html::component::lifecycle::Stateful>::view";
        assert_eq!(d(&plain(lab)).as_deref(), Some("ui::panels::lab"));
        assert_eq!(plain("core[1a2b]::ptr::x[y]"), "core::ptr::x[y]");
        assert_eq!(
            plain("<bool as core[1a2b]::fmt::Debug>::fmt.293"),
            "<bool as core::fmt::Debug>::fmt"
        );
    }
}
