//! How a damaged share link is damaged, as data and in each language: the detail inside the
//! share text's `link_damaged` message, read by the playground and the embed alike. The type
//! lives here, beside its words, so `ui::share::link` returns it without an import loop.

use crate::ui::i18n::lang::Lang;

/// How a link's text is damaged (`ui::share::link::read_hash`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Damage {
    /// The character at this position (from 1) is not base64url.
    NotBase64 { at: usize },
    /// The base64 ends in the middle of a byte.
    CutShort,
    /// `v=` holds something that is not a version number.
    NotVersion(String),
    /// `v=` with no `z=`.
    NoPackedPart,
    /// The deflated text does not inflate.
    BrokenCompression,
    /// The text is not UTF-8 from this byte on.
    NotUtf8 { at: usize },
}

/// The damage in `lang`.
pub fn damage(lang: Lang, d: &Damage) -> String {
    match (lang, d) {
        (Lang::En, Damage::NotBase64 { at }) => format!("character {at} is not base64url"),
        (Lang::Zh, Damage::NotBase64 { at }) => format!("第 {at} 个字符不是 base64url"),
        (Lang::En, Damage::CutShort) => "the text is cut short".into(),
        (Lang::Zh, Damage::CutShort) => "文本被截断了".into(),
        (Lang::En, Damage::NotVersion(v)) => format!("v={v} is not a link version"),
        (Lang::Zh, Damage::NotVersion(v)) => format!("v={v} 不是链接版本号"),
        (Lang::En, Damage::NoPackedPart) => "it has no z= part".into(),
        (Lang::Zh, Damage::NoPackedPart) => "缺少 z= 部分".into(),
        (Lang::En, Damage::BrokenCompression) => "the compressed text is broken".into(),
        (Lang::Zh, Damage::BrokenCompression) => "压缩的文本已损坏".into(),
        (Lang::En, Damage::NotUtf8 { at }) => format!("the text is not UTF-8 at byte {at}"),
        (Lang::Zh, Damage::NotUtf8 { at }) => format!("文本在第 {at} 字节处不是 UTF-8"),
    }
}
