//! Sharing: the URL's hash carries the session as a scenario, so a link replays exactly what
//! its author did. [`link`] is the link's format (`#v=1&z=…`, and the first format `#s=…`
//! still read), [`snippets`] the iframe and element snippets, [`dialog`] the Share button and
//! its dialog. A link that does not decode or does not parse is reported in words; the page
//! never fails on it.

pub mod address;
pub mod dialog;
pub mod link;
pub mod snippets;

use std::cell::Cell;

use crate::sim::scenario::player::Action;
use crate::sim::time::Micros;
use crate::ui::context::load;
use crate::ui::context::StoreHandle;
use crate::ui::i18n::lang::Lang;

pub use address::{current_hash, replace_hash};
pub use dialog::ShareButton;
pub use link::{decode, encode, hash_for, legacy_hash_for, link_hash, read_hash};

/// What a URL hash holds: `None` when it holds no session; otherwise the scenario and the
/// moment to show, or why it cannot be read (in English; [`read_hash`] gives the typed reason).
pub fn parse_hash(hash: &str) -> Option<Result<(String, Option<Micros>), String>> {
    Some(read_hash(hash)?.map_err(|e| e.message(Lang::En)))
}

/// Loads the session a hash holds, if it holds one; `done` hears how it went: a bad link's
/// message in `lang`, or the run's own error when it does not load. Returns whether the load
/// waits for the second part of the wasm ([`load_read`]).
pub fn load_hash_in(
    store: &StoreHandle,
    hash: &str,
    lang: Lang,
    done: impl FnOnce(Result<(), String>) + 'static,
) -> bool {
    match read_hash(hash) {
        None => {
            done(Ok(()));
            false
        }
        Some(Err(e)) => {
            done(Err(e.message(lang)));
            false
        }
        Some(Ok((text, at))) => load_read(store, text, at, done),
    }
}

thread_local! {
    /// The newest load asked of [`load_read`].
    static NEWEST: Cell<u64> = const { Cell::new(0) };
}

/// Loads a scenario a link held, already decoded (the embed reads its hash once and loads with
/// this), then moves to the link's moment; `done` hears the run's own error when it does not
/// load. While the second part of the wasm is on its way (`ui::deferred`), the load waits for
/// it, and only the newest load asked for meanwhile runs: a session's run needs the simulator's
/// message flow, which comes with that part, and the page draws its first screen meanwhile.
/// Returns whether it waits.
pub fn load_read(
    store: &StoreHandle,
    text: String,
    at: Option<Micros>,
    done: impl FnOnce(Result<(), String>) + 'static,
) -> bool {
    let ticket = NEWEST.with(|n| {
        n.set(n.get() + 1);
        n.get()
    });
    let waits = crate::ui::deferred::pending();
    let store = store.clone();
    crate::ui::deferred::when_loaded(move || {
        if NEWEST.with(|n| n.get()) != ticket {
            return;
        }
        load(&store, text);
        let error = store.player().error.clone();
        if let Some(e) = error {
            return done(Err(e));
        }
        if let Some(t) = at {
            store.dispatch(Action::Seek(t));
        }
        done(Ok(()));
    });
    waits
}
