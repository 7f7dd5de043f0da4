//! Sharing: the URL's hash carries the session as a scenario, so a link replays exactly what
//! its author did. [`link`] is the link's format (`#v=1&z=…`, and the first format `#s=…`
//! still read), [`snippets`] the iframe and element snippets, [`dialog`] the Share button and
//! its dialog. A link that does not decode or does not parse is reported in words; the page
//! never fails on it.

pub mod address;
pub mod dialog;
pub mod link;
pub mod snippets;

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

/// Loads the session a hash holds (`None`: it holds none). Returns the message to show, in
/// `lang`, when it holds a bad one.
pub fn load_hash_in(store: &StoreHandle, hash: &str, lang: Lang) -> Option<String> {
    match read_hash(hash)? {
        Err(e) => Some(e.message(lang)),
        Ok((text, at)) => load_read(store, text, at).err(),
    }
}

/// Loads a scenario a link held, already decoded (the embed reads its hash once and loads
/// with this), then moves to the link's moment; `Err` is the run's own error when it does not
/// load.
pub fn load_read(store: &StoreHandle, text: String, at: Option<Micros>) -> Result<(), String> {
    load(store, text);
    let error = store.player().error.clone();
    if let Some(e) = error {
        return Err(e);
    }
    if let Some(t) = at {
        store.dispatch(Action::Seek(t));
    }
    Ok(())
}
