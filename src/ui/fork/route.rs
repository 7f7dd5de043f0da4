//! A fork in a link: the share link's own format (`#v=1&z=…&t=…`) carrying a fork text
//! (`sim::fork::spec`), so that a fork is shared, reloaded and tested like any session.

use std::rc::Rc;

use crate::sim::fork::spec::{is_fork, ForkSpec};
use crate::sim::time::Micros;
use crate::ui::fork::state::{ForkHandle, ForkOpen};
use crate::ui::i18n::fork::{error_text, fork_text};
use crate::ui::i18n::lang::{fill, Lang};
use crate::ui::share::link::{link_hash, read_hash};

/// What a hash holds when it is a fork link: the fork, or why it cannot be opened (in
/// `lang`); `None` when it is no fork link (an ordinary session, or nothing).
pub fn fork_in_hash(hash: &str, lang: Lang) -> Option<Result<ForkOpen, String>> {
    let (text, at) = read_hash(hash)?.ok()?;
    if !is_fork(&text) {
        return None;
    }
    Some(
        ForkSpec::parse(&text)
            .map(|spec| ForkOpen { spec, at })
            .map_err(|e| fill(fork_text(lang).refused, &[("why", &error_text(lang, &e))])),
    )
}

/// Opens the fork a hash holds. `None` when the hash is no fork link (the caller loads it as
/// a session); otherwise the message to show, if the fork cannot be opened.
pub fn open_link(fork: &ForkHandle, hash: &str, lang: Lang) -> Option<Option<String>> {
    match fork_in_hash(hash, lang)? {
        Ok(open) => {
            fork.set(Some(Rc::new(open)));
            Some(None)
        }
        Err(e) => Some(Some(e)),
    }
}

/// The link hash of a fork shown at `at` (the fork text's length in bytes when it is longer
/// than a scenario may be).
pub fn fork_hash(spec: &ForkSpec, at: Micros) -> Result<String, usize> {
    link_hash(&spec.to_text(), at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::fork::presets::preset;
    use crate::ui::share::link::hash_for;

    #[test]
    fn a_fork_link_opens_the_fork_and_a_session_link_does_not() {
        let (a, b) = preset("sync-mode").unwrap().variations();
        let spec = ForkSpec::new("cluster nodes=3\nwait 1s\n", a, b).unwrap();
        let hash = fork_hash(&spec, Micros(5)).unwrap();
        let open = fork_in_hash(&hash, Lang::En).unwrap().unwrap();
        assert_eq!(open.spec, spec);
        assert_eq!(open.at, Some(Micros(5)));
        assert!(fork_in_hash(&hash_for("cluster nodes=3\n", Micros(0)), Lang::En).is_none());
        let bad = hash_for(
            "cluster nodes=3\nfork a: kill node1\nfork b: kill node1\n",
            Micros(0),
        );
        let e = fork_in_hash(&bad, Lang::Zh).unwrap().unwrap_err();
        assert_eq!(e, "无法分叉：两边执行的行完全相同：不会有任何差别");
    }
}
