//! The text of the captions, the chapters and the Share dialog (link, iframe and element
//! snippets, their options, and what a bad link says), one table per language.

use crate::ui::i18n::lang::Lang;

/// Captions, chapters and sharing in one language.
#[derive(Debug, PartialEq, Eq)]
pub struct ShareText {
    /// The caption area's accessible name.
    pub caption_label: &'static str,
    pub chapters_heading: &'static str,
    /// "{name}", "{t}": a chapter button's accessible name.
    pub chapter_go: &'static str,
    /// The dialog's title.
    pub dialog_title: &'static str,
    pub dialog_intro: &'static str,
    pub link_label: &'static str,
    pub iframe_label: &'static str,
    pub element_label: &'static str,
    pub copy: &'static str,
    pub copied: &'static str,
    /// Shown when the clipboard refused: the text is selected for Ctrl+C.
    pub copy_select: &'static str,
    pub options_heading: &'static str,
    pub autoplay: &'static str,
    pub embed_lang: &'static str,
    /// The option that leaves the embed's language to the reader's browser.
    pub lang_browser: &'static str,
    pub start: &'static str,
    pub end: &'static str,
    /// The hint beside start and end.
    pub times_hint: &'static str,
    /// "{what}": a start or end that is not a duration.
    pub bad_time: &'static str,
    pub close: &'static str,
    /// The iframe's title attribute.
    pub iframe_title: &'static str,
    /// "{n}", "{max}": a link longer than a link may be.
    pub link_too_long: &'static str,
    /// "{where}": a link whose text does not decode.
    pub link_damaged: &'static str,
    /// "{v}": a link of a version this build does not know.
    pub link_newer: &'static str,
    /// "{max}": a link that inflates past the scenario limit.
    pub link_inflates_too_far: &'static str,
}

pub fn share_text(lang: Lang) -> &'static ShareText {
    match lang {
        Lang::En => &EN,
        Lang::Zh => &ZH,
    }
}

static EN: ShareText = ShareText {
    caption_label: "Caption",
    chapters_heading: "Chapters",
    chapter_go: "Go to {name} ({t})",
    dialog_title: "Share this session",
    dialog_intro: "A link replays exactly what you did; the snippets embed it, with its captions, in another page.",
    link_label: "Link",
    iframe_label: "Iframe snippet (any page, mdBook too)",
    element_label: "Element snippet (with the loader script)",
    copy: "Copy",
    copied: "Copied",
    copy_select: "Selected: press Ctrl+C (⌘C) to copy",
    options_heading: "Embed options",
    autoplay: "Play at once (autoplay)",
    embed_lang: "Language",
    lang_browser: "The reader's browser",
    start: "Start at",
    end: "End at",
    times_hint: "A simulated time such as 2s or 1500ms; empty for the whole run.",
    bad_time: "{what}: not a time such as 2s or 1500ms",
    close: "Close",
    iframe_title: "mirrorscope: a RabbitMQ 3.10 mirrored-queue scenario",
    link_too_long: "the link carries {n} characters, more than the {max} a link may carry (a playground limit, docs/limits.md): share a shorter session",
    link_damaged: "the link is damaged ({where}): copy it again from where it was shared",
    link_newer: "the link was made by a newer mirrorscope (link version {v}); this one reads version 1",
    link_inflates_too_far: "the link unpacks to more than the {max} bytes a scenario may hold (docs/limits.md)",
};

static ZH: ShareText = ShareText {
    caption_label: "字幕",
    chapters_heading: "章节",
    chapter_go: "跳到「{name}」（{t}）",
    dialog_title: "分享此会话",
    dialog_intro: "链接会完整重放你的操作；下面的代码片段可把它连同字幕嵌入其他网页。",
    link_label: "链接",
    iframe_label: "iframe 代码（任何网页，包括 mdBook）",
    element_label: "元素代码（配合加载脚本）",
    copy: "复制",
    copied: "已复制",
    copy_select: "已选中：按 Ctrl+C（⌘C）复制",
    options_heading: "嵌入选项",
    autoplay: "立即播放（autoplay）",
    embed_lang: "语言",
    lang_browser: "跟随读者的浏览器",
    start: "开始于",
    end: "结束于",
    times_hint: "模拟时间，例如 2s 或 1500ms；留空表示整个过程。",
    bad_time: "{what}：不是 2s 或 1500ms 这样的时间",
    close: "关闭",
    iframe_title: "mirrorscope：RabbitMQ 3.10 镜像队列场景",
    link_too_long: "链接有 {n} 个字符，超过链接允许的 {max} 个（演练场的限制，见 docs/limits.md）：请分享较短的会话",
    link_damaged: "链接已损坏（{where}）：请从分享处重新复制",
    link_newer: "此链接由更新版本的 mirrorscope 生成（链接版本 {v}）；当前版本只能读取版本 1",
    link_inflates_too_far: "链接解压后超过场景允许的 {max} 字节（见 docs/limits.md）",
};
