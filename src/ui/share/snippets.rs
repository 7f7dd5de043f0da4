//! What the Share dialog hands out, as plain text built natively: the link, the iframe
//! snippet and the element snippet (the embed URL contract of docs/embedding.md), all absolute
//! to the page's own base URL so they work pasted into any other page.

use crate::sim::time::{parse_duration, Micros};
use crate::ui::i18n::lang::Lang;

/// The embed's options, as the dialog's controls set them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmbedOptions {
    pub autoplay: bool,
    /// `None`: the reader's browser decides.
    pub lang: Option<Lang>,
    /// `start=`/`end=` as typed (a duration such as `2s`); empty for none.
    pub start: String,
    pub end: String,
}

impl EmbedOptions {
    /// The start and end that parse, each `None` when empty; the first that does not parse
    /// is named in the error (`start` or `end`).
    pub fn times(&self) -> Result<(Option<Micros>, Option<Micros>), &'static str> {
        let one = |s: &str, what| match s.trim() {
            "" => Ok(None),
            t => parse_duration(t).map(Some).map_err(|_| what),
        };
        Ok((one(&self.start, "start")?, one(&self.end, "end")?))
    }

    /// The pairs that become `&key=value` in the URL and `data-key="value"` on the element,
    /// in the contract's order; invalid times are left out.
    fn pairs(&self) -> Vec<(&'static str, Option<String>)> {
        let mut out = Vec::new();
        if self.autoplay {
            out.push(("autoplay", None));
        }
        if let Some(lang) = self.lang {
            out.push(("lang", Some(lang_code(lang).to_string())));
        }
        let valid = |s: &str| !s.trim().is_empty() && parse_duration(s.trim()).is_ok();
        if valid(&self.start) {
            out.push(("start", Some(self.start.trim().to_string())));
        }
        if valid(&self.end) {
            out.push(("end", Some(self.end.trim().to_string())));
        }
        out
    }
}

/// The contract's language codes (`en`, `zh`), not the BCP 47 tags of `lang=` attributes.
fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::Zh => "zh",
    }
}

/// The directory the page is served from, from its address: `https://h/docs/play/index.html?x#y`
/// gives `https://h/docs/play/`.
pub fn base_dir(href: &str) -> String {
    let end = href.find(['?', '#']).unwrap_or(href.len());
    let page = &href[..end];
    match page.rfind('/') {
        Some(i) => page[..=i].to_string(),
        None => format!("{page}/"),
    }
}

/// The link to the session: the page's own address with the session's hash.
pub fn link(href: &str, part: &str, at: Micros) -> String {
    let end = href.find('#').unwrap_or(href.len());
    format!("{}#{part}&t={}", &href[..end], at.0)
}

/// `index.html?embed[&autoplay][&lang=…][&start=…][&end=…]#v=1&z=…`, absolute to `base`.
pub fn embed_url(base: &str, part: &str, options: &EmbedOptions) -> String {
    let mut url = format!("{base}index.html?embed");
    for (k, v) in options.pairs() {
        url.push('&');
        url.push_str(k);
        if let Some(v) = v {
            url.push('=');
            url.push_str(&v);
        }
    }
    url.push('#');
    url.push_str(part);
    url
}

/// The iframe snippet (mdBook and any page that allows iframes take it as it is).
pub fn iframe_snippet(base: &str, part: &str, options: &EmbedOptions, title: &str) -> String {
    format!(
        "<iframe src=\"{}\" title=\"{}\" loading=\"lazy\" style=\"width:100%;height:380px;border:0\"></iframe>",
        attr(&embed_url(base, part, options)),
        attr(title)
    )
}

/// The element snippet: the `div` and the one loader script a page needs.
pub fn element_snippet(base: &str, part: &str, options: &EmbedOptions) -> String {
    let mut div = format!("<div data-mirrorscope=\"{}\"", attr(part));
    for (k, v) in options.pairs() {
        match v {
            Some(v) => div.push_str(&format!(" data-{k}=\"{}\"", attr(&v))),
            None => div.push_str(&format!(" data-{k}")),
        }
    }
    format!(
        "{div}></div>\n<script src=\"{}mirrorscope-embed.js\" defer></script>",
        attr(base)
    )
}

/// An attribute value: only `"` and `<` need escaping inside double quotes for the snippets
/// to paste safely; `&` stays readable (`v=1&z=`), as no `&name;` can follow it in a link.
fn attr(s: &str) -> String {
    s.replace('"', "&quot;").replace('<', "&lt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PART: &str = "v=1&z=S87JLEktUsjLT0ktsgUA";

    #[test]
    fn the_base_is_the_page_directory() {
        assert_eq!(
            base_dir("https://h.org/docs/play/index.html?x=1#s=abc"),
            "https://h.org/docs/play/"
        );
        assert_eq!(
            base_dir("http://127.0.0.1:8080/#v=1&z=A"),
            "http://127.0.0.1:8080/"
        );
        assert_eq!(
            link("https://h.org/p/index.html#s=old&t=3", PART, Micros(9)),
            format!("https://h.org/p/index.html#{PART}&t=9")
        );
    }

    #[test]
    fn snippets_follow_the_embed_contract() {
        let base = "https://h.org/docs/play/";
        let plain = EmbedOptions::default();
        assert_eq!(
            iframe_snippet(base, PART, &plain, "mirrorscope \"demo\""),
            format!("<iframe src=\"https://h.org/docs/play/index.html?embed#{PART}\" title=\"mirrorscope &quot;demo&quot;\" loading=\"lazy\" style=\"width:100%;height:380px;border:0\"></iframe>")
        );
        assert_eq!(
            element_snippet(base, PART, &plain),
            format!("<div data-mirrorscope=\"{PART}\"></div>\n<script src=\"https://h.org/docs/play/mirrorscope-embed.js\" defer></script>")
        );
        let all = EmbedOptions {
            autoplay: true,
            lang: Some(Lang::Zh),
            start: " 2s".into(),
            end: "20s".into(),
        };
        assert_eq!(
            embed_url(base, PART, &all),
            format!(
                "https://h.org/docs/play/index.html?embed&autoplay&lang=zh&start=2s&end=20s#{PART}"
            )
        );
        assert!(element_snippet(base, PART, &all).starts_with(&format!(
            "<div data-mirrorscope=\"{PART}\" data-autoplay data-lang=\"zh\" data-start=\"2s\" data-end=\"20s\"></div>"
        )));
    }

    #[test]
    fn a_bad_time_is_named_and_left_out() {
        let bad = EmbedOptions {
            start: "soon".into(),
            end: "3s".into(),
            ..EmbedOptions::default()
        };
        assert_eq!(bad.times(), Err("start"));
        assert_eq!(
            embed_url("/", PART, &bad),
            format!("/index.html?embed&end=3s#{PART}")
        );
        let good = EmbedOptions {
            end: "1500ms".into(),
            ..EmbedOptions::default()
        };
        assert_eq!(good.times(), Ok((None, Some(Micros::from_ms(1500)))));
    }
}
