//! The notice that the run's history was thinned (older detail dropped to keep memory flat),
//! shown under the timeline. What was thinned, and where, comes from the core
//! ([`Player::thinned`]); this only says it.
//!
//! [`Player::thinned`]: crate::sim::scenario::player::Player::thinned

use yew::prelude::*;

use crate::sim::scenario::player::Thinned;
use crate::ui::context::use_lang;
use crate::ui::fmt::fmt_time_prose;
use crate::ui::i18n::lang::fill;
use crate::ui::i18n::thinned::thinned_text;

/// What the notice shows.
#[derive(Properties, PartialEq)]
pub struct ThinnedProps {
    /// The player's [`Player::thinned`](crate::sim::scenario::player::Player::thinned).
    pub thinned: Option<Thinned>,
}

/// Says that history before some time was thinned (nothing while none was).
#[function_component]
pub fn ThinnedNotice(props: &ThinnedProps) -> Html {
    let text = thinned_text(use_lang());
    let Some(t) = props.thinned else {
        return Html::default();
    };
    let words = if t.at_cursor {
        text.at_cursor
    } else {
        text.thinned
    };
    html! {
        <div class={classes!("notice", "thinned", t.at_cursor.then_some("here"))} role="status">
            { fill(words, &[("t", &fmt_time_prose(t.before))]) }
        </div>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::sim::time::Micros;
    use crate::ui::i18n::Lang;
    use crate::ui::ssr::render;

    #[test]
    fn the_notice_says_where_history_was_thinned_in_both_languages() {
        let none = render::<ThinnedNotice>(ThinnedProps { thinned: None });
        assert!(!none.contains("notice"), "{none}");
        let before = Micros::from_secs(240);
        for at_cursor in [false, true] {
            let html = render::<ThinnedNotice>(ThinnedProps {
                thinned: Some(Thinned { before, at_cursor }),
            });
            assert!(html.contains("before 4 min"), "{html}");
            assert_eq!(html.contains("here"), at_cursor, "{html}");
        }
        for lang in [Lang::En, Lang::Zh] {
            let t = thinned_text(lang);
            for words in [t.thinned, t.at_cursor] {
                assert!(words.contains("{t}"), "{lang:?}: {words}");
            }
        }
        assert_ne!(thinned_text(Lang::En), thinned_text(Lang::Zh));
    }
}
