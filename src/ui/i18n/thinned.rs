//! The words of the thinned-history notice under the timeline, one table per language.

use crate::ui::i18n::lang::Lang;

/// The notice in one language.
#[derive(Debug, PartialEq, Eq)]
pub struct ThinnedText {
    /// "{t}": the time before which only the cluster's state is kept.
    pub thinned: &'static str,
    /// The same, while the cursor is in that past.
    pub at_cursor: &'static str,
}

pub fn thinned_text(lang: Lang) -> &'static ThinnedText {
    match lang {
        Lang::En => &EN,
        Lang::Zh => &ZH,
    }
}

static EN: ThinnedText = ThinnedText {
    thinned: "History thinned: before {t} the run keeps the cluster's state, not each message, so a long session fits in memory.",
    at_cursor: "You are in the thinned past (before {t}): the cluster's state here is exact, but its messages and events are no longer shown.",
};

static ZH: ThinnedText = ThinnedText {
    thinned: "历史已精简：{t} 之前只保留集群的状态，不再保留每条消息，这样长时间的运行也能放进内存。",
    at_cursor: "当前处于已精简的历史中（{t} 之前）：这里的集群状态是准确的，但这段时间的消息和事件已不再显示。",
};
