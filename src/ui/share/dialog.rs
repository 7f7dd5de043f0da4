//! The Share button and its dialog: the session's link, the iframe snippet and the element
//! snippet, each in a read-only field with a Copy button, and the embed options that rewrite
//! the snippets. The session is read once, when the dialog opens. Escape closes the dialog and
//! the focus goes back to the Share button.

use yew::prelude::*;

use crate::sim::limits;
use crate::ui::context::{use_lang, use_slow_store};
use crate::ui::i18n::lang::{fill, Lang};
use crate::ui::i18n::share::{share_text, ShareText};
use crate::ui::share::link::{link_hash, scenario_part};
use crate::ui::share::snippets::{base_dir, element_snippet, iframe_snippet, link, EmbedOptions};

/// What the dialog shows: the session when it opened, or why it has no link.
#[derive(Debug, Clone, PartialEq)]
pub enum Opened {
    /// The page's address, the scenario's `v=1&z=…` and the moment on display.
    Session {
        href: String,
        part: String,
        at: crate::sim::time::Micros,
    },
    /// The scenario is this many bytes, more than a scenario may hold.
    TooLong(usize),
}

/// The header's Share button; the dialog opens under it.
#[function_component]
pub fn ShareButton() -> Html {
    let store = use_slow_store();
    let lang = use_lang();
    let page = lang.text();
    let opened = use_state_eq(|| None::<Opened>);
    let button = use_node_ref();
    let onclick = {
        let store = store.clone();
        let opened = opened.clone();
        Callback::from(move |_: MouseEvent| {
            let (scenario, at) = {
                let p = store.player();
                (p.session.to_scenario(), p.cursor)
            };
            opened.set(Some(match link_hash(&scenario, at) {
                Err(len) => Opened::TooLong(len),
                Ok(hash) => {
                    let href = crate::ui::context::browser()
                        .and_then(|w| w.location().href().ok())
                        .unwrap_or_default();
                    // The address bar gets the link too, as the button always did.
                    crate::ui::share::address::replace_hash(&hash);
                    Opened::Session {
                        href,
                        part: scenario_part(&scenario),
                        at,
                    }
                }
            }));
        })
    };
    let close = {
        let opened = opened.clone();
        let button = button.clone();
        Callback::from(move |()| {
            opened.set(None);
            if let Some(b) = button.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
        })
    };
    html! {
        <div class="share">
            <button type="button" class="btn" ref={button} {onclick}
                aria-haspopup="dialog" aria-expanded={opened.is_some().to_string()}>
                { page.share }
            </button>
            if let Some(o) = (*opened).clone() {
                <ShareDialog opened={o} {lang} {close} />
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ShareDialogProps {
    pub opened: Opened,
    pub lang: Lang,
    /// Closes the dialog (and returns the focus to the button).
    pub close: Callback<()>,
}

/// The dialog itself (its own component so the tests render it with a session of their own).
#[function_component]
pub fn ShareDialog(props: &ShareDialogProps) -> Html {
    let text = share_text(props.lang);
    let page = props.lang.text();
    let options = use_state_eq(EmbedOptions::default);
    let first = use_node_ref();
    {
        // The dialog takes the focus when it opens, so Escape and Tab start inside it.
        let first = first.clone();
        use_effect_with((), move |_| {
            if let Some(el) = first.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    let onkeydown = {
        let close = props.close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                e.stop_propagation();
                close.emit(());
            }
        })
    };
    let close_click = {
        let close = props.close.clone();
        Callback::from(move |_: MouseEvent| close.emit(()))
    };
    let body = match &props.opened {
        Opened::TooLong(n) => html! {
            <p class="form-error" role="alert">{ fill(page.share_too_long, &[
                ("n", &limits::thousands(*n as u64)),
                ("max", &limits::thousands(limits::SCENARIO_MAX_BYTES as u64)),
            ]) }</p>
        },
        Opened::Session { href, part, at } => {
            let base = base_dir(href);
            let the_link = link(href, part, *at);
            let iframe = iframe_snippet(&base, part, &options, text.iframe_title);
            let element = element_snippet(&base, part, &options);
            html! {
                <>
                    <CopyField id="share-link" label={page.share_link_label} value={the_link} lang={props.lang} />
                    { options_form(&options, text) }
                    <CopyField id="share-iframe" label={text.iframe_label} value={iframe} lang={props.lang} multiline=true />
                    <CopyField id="share-element" label={text.element_label} value={element} lang={props.lang} multiline=true />
                </>
            }
        }
    };
    html! {
        <div class="share-dialog" role="dialog" aria-modal="true" aria-labelledby="share-title"
            {onkeydown}>
            <div class="share-dialog-head">
                <h2 id="share-title">{ text.dialog_title }</h2>
                <button type="button" class="btn" ref={first} onclick={close_click}>{ text.close }</button>
            </div>
            <p class="muted">{ text.dialog_intro }</p>
            { body }
        </div>
    }
}

/// Autoplay, language, start and end: each change rewrites the snippets.
fn options_form(options: &UseStateHandle<EmbedOptions>, text: &'static ShareText) -> Html {
    let set = |f: fn(&mut EmbedOptions, String)| {
        let options = options.clone();
        move |value: String| {
            let mut o = (*options).clone();
            f(&mut o, value);
            options.set(o);
        }
    };
    let autoplay = {
        let set = set(|o, v| o.autoplay = v == "on");
        Callback::from(move |e: Event| {
            let on = e
                .target_dyn_into::<web_sys::HtmlInputElement>()
                .is_some_and(|i| i.checked());
            set(if on { "on".into() } else { String::new() });
        })
    };
    let lang = {
        let set = set(|o, v| {
            o.lang = match v.as_str() {
                "en" => Some(Lang::En),
                "zh" => Some(Lang::Zh),
                _ => None,
            }
        });
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                set(s.value());
            }
        })
    };
    let time_input = |f: fn(&mut EmbedOptions, String)| {
        let set = set(f);
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                set(i.value());
            }
        })
    };
    let bad = options.times().err();
    let invalid = |what: &str| (bad == Some(what)).then_some("true");
    let selected = |l: Option<Lang>| options.lang == l;
    html! {
        <fieldset class="share-options">
            <legend>{ text.options_heading }</legend>
            <label class="check">
                <input type="checkbox" checked={options.autoplay} onchange={autoplay} />
                { text.autoplay }
            </label>
            <label>
                <span>{ text.embed_lang }</span>
                <select onchange={lang}>
                    <option value="" selected={selected(None)}>{ text.lang_browser }</option>
                    <option value="en" selected={selected(Some(Lang::En))}>{ "English" }</option>
                    <option value="zh" selected={selected(Some(Lang::Zh))}>{ "中文" }</option>
                </select>
            </label>
            <label>
                <span>{ text.start }</span>
                <input type="text" inputmode="text" placeholder="2s" value={options.start.clone()}
                    aria-invalid={invalid("start")} aria-describedby="share-times-hint"
                    oninput={time_input(|o, v| o.start = v)} />
            </label>
            <label>
                <span>{ text.end }</span>
                <input type="text" inputmode="text" placeholder="20s" value={options.end.clone()}
                    aria-invalid={invalid("end")} aria-describedby="share-times-hint"
                    oninput={time_input(|o, v| o.end = v)} />
            </label>
            <p id="share-times-hint" class="muted">{ text.times_hint }</p>
            if let Some(what) = bad {
                <p class="form-error" role="alert">{ fill(text.bad_time, &[("what", what)]) }</p>
            }
        </fieldset>
    }
}

#[derive(Properties, PartialEq)]
struct CopyFieldProps {
    id: &'static str,
    label: &'static str,
    value: String,
    lang: Lang,
    #[prop_or_default]
    multiline: bool,
}

/// Copy's outcome, shown beside the button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Copied {
    // Only the browser's clipboard says yes; natively there is none.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    Yes,
    /// The clipboard refused: the text is selected for the reader to copy.
    Selected,
}

/// A read-only field with a Copy button: the clipboard when the browser offers it, else the
/// text selected, with a status saying which.
#[function_component]
fn CopyField(props: &CopyFieldProps) -> Html {
    let text = share_text(props.lang);
    let status = use_state_eq(|| None::<Copied>);
    let field = use_node_ref();
    {
        // A new value (an option changed) has not been copied.
        let status = status.clone();
        use_effect_with(props.value.clone(), move |_| status.set(None));
    }
    let onclick = {
        let field = field.clone();
        let status = status.clone();
        let value = props.value.clone();
        Callback::from(move |_: MouseEvent| {
            select_all(&field);
            copy(&value, status.clone());
        })
    };
    let onfocus = {
        let field = field.clone();
        Callback::from(move |_: FocusEvent| select_all(&field))
    };
    let label_id = format!("{}-label", props.id);
    let status_text = match *status {
        Some(Copied::Yes) => text.copied,
        Some(Copied::Selected) => text.copy_select,
        None => "",
    };
    html! {
        <div class="copy-field">
            <label id={label_id.clone()} for={props.id}>{ props.label }</label>
            <div class="copy-row">
                if props.multiline {
                    <textarea id={props.id} ref={field} readonly=true rows="3" value={props.value.clone()}
                        aria-label={props.label} {onfocus} spellcheck="false" />
                } else {
                    <input id={props.id} ref={field} type="text" readonly=true value={props.value.clone()}
                        aria-label={props.label} {onfocus} />
                }
                <button type="button" class="btn" {onclick}
                    aria-label={format!("{}: {}", text.copy, props.label)}>{ text.copy }</button>
            </div>
            <span class="copy-status" role="status" aria-live="polite">{ status_text }</span>
        </div>
    }
}

fn select_all(field: &NodeRef) {
    if let Some(i) = field.cast::<web_sys::HtmlInputElement>() {
        i.select();
    } else if let Some(t) = field.cast::<web_sys::HtmlTextAreaElement>() {
        t.select();
    }
}

/// Writes `value` to the clipboard, then sets the status: `Yes` once the browser says it is
/// done, `Selected` when there is no clipboard (an insecure page) or it refused.
fn copy(value: &str, status: UseStateHandle<Option<Copied>>) {
    let status_ok = status.clone();
    let status_err = status;
    let refused = move || status_err.set(Some(Copied::Selected));
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::closure::Closure;
        let Some(nav) = crate::ui::context::browser().map(|w| w.navigator()) else {
            return refused();
        };
        let has = js_sys::Reflect::get(&nav, &"clipboard".into())
            .is_ok_and(|c| !c.is_undefined() && !c.is_null());
        if !has {
            return refused();
        }
        let promise = nav.clipboard().write_text(value);
        let ok: Closure<dyn FnMut(wasm_bindgen::JsValue)> =
            Closure::once(move |_: wasm_bindgen::JsValue| status_ok.set(Some(Copied::Yes)));
        let err: Closure<dyn FnMut(wasm_bindgen::JsValue)> =
            Closure::once(move |_: wasm_bindgen::JsValue| refused());
        let _ = promise.then2(&ok, &err);
        // One of the two runs once, later: both must outlive this call (a few bytes per Copy).
        ok.forget();
        err.forget();
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (value, status_ok);
        refused();
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::sim::time::Micros;
    use crate::ui::ssr::render;

    fn dialog(opened: Opened, lang: Lang) -> String {
        render::<ShareDialog>(ShareDialogProps {
            opened,
            lang,
            close: Callback::noop(),
        })
    }

    fn session() -> Opened {
        Opened::Session {
            href: "https://h.org/docs/play/index.html#s=old".into(),
            part: scenario_part("cluster nodes=3\ncaption \"hi\"\nwait 1s\n"),
            at: Micros(1000),
        }
    }

    #[test]
    fn the_dialog_offers_the_link_and_both_snippets_with_copy_buttons() {
        let html = dialog(session(), Lang::En);
        assert!(
            html.contains(r#"role="dialog" aria-modal="true" aria-labelledby="share-title""#),
            "{html}"
        );
        let part = scenario_part("cluster nodes=3\ncaption \"hi\"\nwait 1s\n");
        assert!(part.starts_with("v=1&z="));
        assert!(
            html.contains(&format!(
                "value=\"https://h.org/docs/play/index.html#{}&amp;t=1000\"",
                part.replace('&', "&amp;")
            )),
            "{html}"
        );
        assert!(html.contains("aria-label=\"Link to this session\""));
        assert!(
            html.contains("https://h.org/docs/play/index.html?embed#"),
            "{html}"
        );
        assert!(html.contains("mirrorscope-embed.js"), "{html}");
        assert!(html.contains("data-mirrorscope="), "{html}");
        assert_eq!(html.matches(">Copy</button>").count(), 3, "{html}");
        assert_eq!(html.matches("readonly=\"readonly\"").count(), 3, "{html}");
        for label in ["Play at once (autoplay)", "Language", "Start at", "End at"] {
            assert!(html.contains(label), "no {label}");
        }
        assert_eq!(html.matches("role=\"status\"").count(), 3);
    }

    #[test]
    fn the_dialog_speaks_chinese() {
        let html = dialog(session(), Lang::Zh);
        for s in [
            "分享此会话",
            "本次会话的链接",
            ">复制</button>",
            "嵌入选项",
            "关闭",
        ] {
            assert!(html.contains(s), "no {s}: {html}");
        }
    }

    #[test]
    fn a_session_too_long_gets_a_message_not_a_link() {
        let html = dialog(Opened::TooLong(300_000), Lang::En);
        assert!(html.contains("role=\"alert\""), "{html}");
        assert!(html.contains("300,000 bytes"), "{html}");
        assert!(!html.contains(">Copy</button>"));
    }
}
