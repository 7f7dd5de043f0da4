//! Which language the page speaks: [`Lang`], how the reader's choice is found and kept (the
//! hook components read it with is `context::use_lang`), and [`fill`] for the tables' `{name}`
//! placeholders.

/// A language the page can be shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

/// Where the reader's choice is remembered between visits.
pub const STORAGE_KEY: &str = "mirrorscope.lang";

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The BCP 47 tag, as put in `<html lang>` and in local storage.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    /// Reads a BCP 47 tag (`zh`, `zh-Hans-CN`, `en-GB`, …); any Chinese variant picks Chinese,
    /// anything else English.
    pub fn from_tag(tag: &str) -> Lang {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The language to start in: the reader's last choice, else the browser's language.
    pub fn from_browser() -> Lang {
        let Some(window) = web_sys::window() else {
            return Lang::En;
        };
        let stored = window
            .local_storage()
            .ok()
            .flatten()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
        let tag = stored.or_else(|| window.navigator().language());
        tag.map_or(Lang::En, |t| Lang::from_tag(&t))
    }

    /// Keeps the reader's choice for the next visit. Storage can be missing or full (private
    /// windows); the page then simply starts from the browser's language again.
    pub fn remember(self) {
        if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = storage.set_item(STORAGE_KEY, self.tag());
        }
    }
}

/// Fills `{name}` placeholders.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(template.to_string(), |s, (k, v)| {
        s.replace(&format!("{{{k}}}"), v)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_pick_the_language() {
        assert_eq!(Lang::from_tag("zh"), Lang::Zh);
        assert_eq!(Lang::from_tag("zh-Hans-CN"), Lang::Zh);
        assert_eq!(Lang::from_tag("ZH_tw"), Lang::Zh);
        assert_eq!(Lang::from_tag("en-GB"), Lang::En);
        assert_eq!(Lang::from_tag("fr"), Lang::En);
        assert_eq!(Lang::from_tag(""), Lang::En);
        for lang in Lang::ALL {
            assert_eq!(Lang::from_tag(lang.tag()), lang);
        }
    }
}
