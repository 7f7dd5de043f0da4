//! The embed's own words in both languages (the stage and the controls it shares with the
//! playground take theirs from `i18n`).

use crate::ui::i18n::Lang;

/// The embed's strings in one language.
pub struct EmbedText {
    /// The name of the embed's region, for screen readers.
    pub region: &'static str,
    pub open: &'static str,
    pub open_title: &'static str,
    pub loading: &'static str,
    pub failed: &'static str,
    /// When the address carries no scenario after `#`.
    pub no_scenario: &'static str,
    /// Before the reason a link's scenario could not be read or run.
    pub bad_link: &'static str,
}

const EN: EmbedText = EmbedText {
    region: "mirrorscope player",
    open: "Open in the playground",
    open_title: "Opens this scenario at this moment in the full playground, in a new tab",
    loading: "Loading the scenario…",
    failed: "This player cannot start",
    no_scenario: "its address carries no scenario after '#' (the playground's Share gives the snippet to paste)",
    bad_link: "its scenario link cannot be loaded",
};

const ZH: EmbedText = EmbedText {
    region: "mirrorscope 播放器",
    open: "在完整页面中打开",
    open_title: "在新标签页的完整演练场中打开此场景，停在此刻",
    loading: "正在载入场景…",
    failed: "此播放器无法启动",
    no_scenario: "地址中“#”之后没有场景（请用演练场的“分享”获取要粘贴的代码）",
    bad_link: "场景链接无法载入",
};

/// The table for a language.
pub fn embed_text(lang: Lang) -> &'static EmbedText {
    match lang {
        Lang::En => &EN,
        Lang::Zh => &ZH,
    }
}
