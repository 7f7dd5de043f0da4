//! The speed control's words, one table per language: what a speed means in the cluster's
//! time, and the skip-quiet-time switch.

use crate::ui::i18n::lang::Lang;

/// The speed control in one language.
#[derive(Debug, PartialEq, Eq)]
pub struct SpeedText {
    /// "{d}": the cluster's time shown by one second of the page.
    pub meaning: &'static str,
    /// The same, short, beside the slider.
    pub short: &'static str,
    pub skip: &'static str,
    pub skip_hint: &'static str,
    /// "{d}": the simulated time the last frame jumped over.
    pub skipped: &'static str,
}

pub fn speed_text(lang: Lang) -> &'static SpeedText {
    match lang {
        Lang::En => &EN,
        Lang::Zh => &ZH,
    }
}

static EN: SpeedText = SpeedText {
    meaning: "1 s of page = {d} of cluster",
    short: "1 s = {d}",
    skip: "Skip quiet time",
    skip_hint: "While nothing is on the wire, jump to the next thing that happens",
    skipped: "⏩ skipped {d} of quiet",
};

static ZH: SpeedText = SpeedText {
    meaning: "页面 1 秒 = 集群 {d}",
    short: "1 秒 = {d}",
    skip: "跳过空闲时间",
    skip_hint: "网络上没有消息时，直接跳到下一件事发生的时刻",
    skipped: "⏩ 跳过了 {d} 空闲时间",
};
