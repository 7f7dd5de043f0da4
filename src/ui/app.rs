//! The page: header (language, theme, share, help), the time controls, the stage with its event
//! log and space-time diagram, the inspector and the explanations beside it, and the panel area.

use gloo_events::EventListener;
use yew::prelude::*;

use crate::sim::scenario::player::{Action, Player};
use crate::ui::captions::CaptionBar;
use crate::ui::clock::frame::use_frame_loop;
use crate::ui::clock::shortcuts::{help_dialog, use_shortcuts};
use crate::ui::clock::timeline::TransportBar;
use crate::ui::context::Store;
use crate::ui::context::{provide, use_derived, use_index, use_ui};
use crate::ui::context::{use_selection, Selection, SelectionHandle};
use crate::ui::embed::params::is_embed;
use crate::ui::embed::view::Embed;
use crate::ui::fork::{launcher::ForkButton, state::ForkHandle, view::ForkView};
use crate::ui::guide::lessons::LessonsCard;
use crate::ui::guide::notes::{notes_markup, relevant};
use crate::ui::i18n::{fill, Lang};
use crate::ui::markup::{on_click, raw};
use crate::ui::panels::PanelArea;
use crate::ui::share::{current_hash, hash_for, load_hash_in, ShareButton};
use crate::ui::stage::anomalies::anomalies_markup;
use crate::ui::stage::cluster::ClusterView;
use crate::ui::stage::event_log::EventLog;
use crate::ui::stage::inspector::inspector_card;
use crate::ui::stage::legend::legend_markup;
use crate::ui::stage::spacetime::SpaceTime;
use crate::ui::welcome::WelcomeHint;
use crate::ui::work::{use_work_driver, WorkIndicator};

/// The cluster a visitor starts with: RabbitMQ's usual three-node demo set-up.
pub const START_NODES: usize = 3;

/// Where the theme choice is remembered.
pub const THEME_KEY: &str = "mirrorscope.theme";

/// Light or dark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// The reader's last choice, else the system's preference.
    pub fn initial() -> Theme {
        let Some(w) = crate::ui::context::browser() else {
            return Theme::Light;
        };
        let stored = w
            .local_storage()
            .ok()
            .flatten()
            .and_then(|s| s.get_item(THEME_KEY).ok().flatten());
        match stored.as_deref() {
            Some("dark") => Theme::Dark,
            Some("light") => Theme::Light,
            _ => {
                let dark = w
                    .match_media("(prefers-color-scheme: dark)")
                    .ok()
                    .flatten()
                    .is_some_and(|m| m.matches());
                if dark {
                    Theme::Dark
                } else {
                    Theme::Light
                }
            }
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// The language to start in (see [`Lang::from_browser`]).
    pub lang: Lang,
    /// The page as a learner opens it: on the welcome scenario when the URL names no session,
    /// skipping quiet time (the component tests start on an idle cluster instead).
    #[prop_or_default]
    pub welcome: bool,
}

/// The playground, or the embed when the address asks for it (`?embed`, docs/embedding.md).
#[function_component]
pub fn App(props: &AppProps) -> Html {
    let search = crate::ui::context::browser().and_then(|w| w.location().search().ok());
    if search.is_some_and(|s| is_embed(&s)) {
        return html! { <Embed /> };
    }
    html! { <Playground lang={props.lang} welcome={props.welcome} /> }
}

#[function_component]
fn Playground(props: &AppProps) -> Html {
    let lang = use_state_eq(|| props.lang);
    let theme = use_state_eq(Theme::initial);
    // The one playground state every panel reads and acts on.
    let store = use_reducer(|| Store::new(Player::new()));
    let selection: SelectionHandle = use_state_eq(|| None::<Selection>);
    let help = use_state_eq(|| false);
    let link_error = use_state_eq(|| None::<String>);
    // A link's session waiting for the second part of the wasm (`ui::share::load_read`).
    let awaiting = use_state_eq(|| false);
    let fork: ForkHandle = use_state_eq(|| None);
    let playing = store.player().playing;
    use_frame_loop(store.dispatcher(), playing);
    use_shortcuts(store.clone(), help.clone(), *awaiting);
    use_work_driver(&store);

    // A session in the URL's hash is loaded on arrival, and again when the hash changes.
    {
        let store = store.clone();
        let link_error = link_error.clone();
        let awaiting = awaiting.clone();
        let selection = selection.clone();
        let fork = fork.clone();
        let welcome = props.welcome;
        // A bad link is explained in the language the page opened in.
        let arrival = *lang;
        use_effect_with((), move |_| {
            if welcome {
                store.dispatch(Action::SetSkipQuiet(true));
            }
            let hash = current_hash();
            if welcome && hash.trim_start_matches('#').is_empty() {
                crate::ui::welcome::start(&store);
            } else if let Some(e) = crate::ui::fork::route::open_link(&fork, &hash, arrival) {
                link_error.set(e);
            } else {
                awaiting.set(load_hash_in(
                    &store,
                    &hash,
                    arrival,
                    loaded(&link_error, &awaiting),
                ));
            }
            // Dropping the listener (when the app unmounts) removes it from the window.
            let listener = crate::ui::context::browser().map(|w| {
                EventListener::new(&w, "hashchange", move |_| {
                    selection.set(None);
                    let hash = current_hash();
                    match crate::ui::fork::route::open_link(&fork, &hash, arrival) {
                        Some(e) => link_error.set(e),
                        None => awaiting.set(load_hash_in(
                            &store,
                            &hash,
                            arrival,
                            loaded(&link_error, &awaiting),
                        )),
                    }
                })
            });
            move || drop(listener)
        });
    }

    // The document itself sits outside Yew's tree: keep its language (for fonts, screen readers
    // and the panic panel), its title and its theme in step with the switches.
    use_effect_with((*lang, *theme), |(lang, theme)| {
        if let Some(doc) = crate::ui::context::browser().and_then(|w| w.document()) {
            if let Some(root) = doc.document_element() {
                let _ = root.set_attribute("lang", lang.tag());
                let _ = root.set_attribute("data-theme", theme.as_str());
            }
            doc.set_title(lang.text().doc_title);
        }
    });

    // The session's share link, kept on <html data-share> at every input, for trap.js: after a
    // trap no Rust runs, and its error panel offers to reload the session from this link. While a
    // link's session waits to load, the link itself.
    let inputs = store.player().session.inputs().len();
    {
        let store = store.clone();
        let key = (inputs, crate::ui::context::load_generation(), *awaiting);
        use_effect_with(key, move |&(_, _, awaiting)| {
            let hash = if awaiting {
                current_hash()
            } else {
                let p = store.player();
                hash_for(&p.session.to_scenario(), p.cursor)
            };
            if let Some(root) = crate::ui::context::browser()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
            {
                let _ = root.set_attribute("data-share", &hash);
            }
        });
    }

    let ui = use_ui(&store, *lang, selection.clone());

    provide(
        &store,
        ui,
        html! { <Page {lang} {theme} {help} {link_error} awaiting={*awaiting} {fork} /> },
    )
}

/// What a link's load reports back: its error on the page, the wait over.
fn loaded(
    link_error: &UseStateHandle<Option<String>>,
    awaiting: &UseStateHandle<bool>,
) -> impl FnOnce(Result<(), String>) + 'static {
    let (link_error, awaiting) = (link_error.clone(), awaiting.clone());
    move |r| {
        awaiting.set(false);
        link_error.set(r.err());
    }
}

#[derive(Properties, PartialEq)]
struct PageProps {
    lang: UseStateHandle<Lang>,
    theme: UseStateHandle<Theme>,
    help: UseStateHandle<bool>,
    link_error: UseStateHandle<Option<String>>,
    /// A link's session is waiting to load.
    awaiting: bool,
    fork: ForkHandle,
}

/// Everything on the page; redrawn when the run's content, the language or the theme change.
#[function_component]
fn Page(props: &PageProps) -> Html {
    let store = crate::ui::context::use_slow_store();
    let selection = use_selection();
    let derived = use_derived();
    let index = use_index();
    let lang = props.lang.clone();
    let theme = props.theme.clone();
    let text = lang.text();
    let legend = use_memo(*lang, |lang| legend_markup(lang.text()));
    let close_ref = use_node_ref();
    {
        // An opened help dialog takes the focus, so that Escape and Tab start from inside it.
        let close_ref = close_ref.clone();
        use_effect_with(*props.help, move |&open| {
            if open {
                if let Some(el) = close_ref.cast::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
        });
    }
    let hot = {
        let player = store.player();
        index.0.borrow_mut().update(&player.session.run.sim.trace);
        let ix = index.0.borrow();
        relevant(player.view(), &ix)
    };
    let switch: Html = Lang::ALL
        .iter()
        .map(|&choice| {
            let onclick = {
                let lang = lang.clone();
                Callback::from(move |_: MouseEvent| {
                    choice.remember();
                    lang.set(choice);
                })
            };
            let pressed = choice == *lang;
            html! {
                <button type="button" class={classes!("lang-btn", pressed.then_some("active"))}
                    lang={choice.tag()} aria-pressed={pressed.to_string()} {onclick}>
                    { choice.text().endonym }
                </button>
            }
        })
        .collect();
    let toggle_theme = {
        let theme = theme.clone();
        Callback::from(move |_: MouseEvent| {
            let next = if *theme == Theme::Dark {
                Theme::Light
            } else {
                Theme::Dark
            };
            if let Some(s) =
                crate::ui::context::browser().and_then(|w| w.local_storage().ok().flatten())
            {
                let _ = s.set_item(THEME_KEY, next.as_str());
            }
            theme.set(next);
        })
    };
    let switch_to = if *theme == Theme::Dark {
        text.theme_light
    } else {
        text.theme_dark
    };
    let open_help = {
        let help = props.help.clone();
        Callback::from(move |_: MouseEvent| help.set(true))
    };
    let dismiss_link = {
        let link_error = props.link_error.clone();
        Callback::from(move |_: MouseEvent| link_error.set(None))
    };

    html! {
        <div class="app">
            <header class="topbar">
                <div class="brand">
                    { brand_mark() }
                    <div>
                        <h1>{ "mirrorscope" }</h1>
                        <p class="tagline">{ text.tagline }</p>
                    </div>
                </div>
                <div class="topbar-tools">
                    <span class="badge">{ text.version_badge }</span>
                    <ShareButton />
                    <ForkButton fork={props.fork.clone()} />
                    <button type="button" class="btn icon" aria-label={text.help_open} title={text.help_open}
                        onclick={open_help}>{ "?" }</button>
                    // Named by the theme it switches to, as it reads (WCAG 2.5.3), with what it is for.
                    <button type="button" class="btn" title={text.theme_switch}
                        aria-label={format!("{} ({})", switch_to, text.theme_switch)} onclick={toggle_theme}>
                        { switch_to }
                    </button>
                    <div class="lang-switch" role="group" aria-label={text.language_switch}>
                        { switch }
                    </div>
                </div>
            </header>
            if let Some(e) = (*props.link_error).clone() {
                <div class="notice error banner" role="alert">
                    <span>{ fill(text.share_bad_link, &[("why", &e)]) }</span>
                    <button type="button" class="btn" onclick={dismiss_link}>{ text.dismiss }</button>
                </div>
            }
            <WorkIndicator awaiting={props.awaiting} />
            <WelcomeHint store={store.clone()} />
            // While a link's session waits to load, the cluster on the page is a placeholder:
            // what the learner did to it would be replaced by the session.
            <div class="contents" inert={props.awaiting}>
                <TransportBar />
            </div>
            <main class="layout" inert={props.awaiting}>
                <div class="stage-col">
                    <ClusterView />
                    <CaptionBar />
                    <div class="below-stage">
                        <SpaceTime />
                        <EventLog />
                    </div>
                    <PanelArea />
                </div>
                <aside class="sidebar">
                    { inspector_card(&store, &selection, text) }
                    <section class="card anomalies" aria-labelledby="anom-h">
                        <div class="card-head">
                            <h2 id="anom-h">{ text.anom_heading }</h2>
                            if !derived.anomalies.is_empty() {
                                <span class="count-badge">{ derived.anomalies.len() }</span>
                            }
                        </div>
                        <div onclick={on_click(&store, &selection, None)}>
                            { raw(anomalies_markup(&store.player().session.run.sim, &derived.anomalies, text)) }
                        </div>
                    </section>
                    <LessonsCard />
                    <section class="card seed-notes" aria-labelledby="notes-h">
                        <h2 id="notes-h">{ text.notes_heading }</h2>
                        { raw(notes_markup(text, hot)) }
                    </section>
                    <section class="card legend" aria-labelledby="legend-h">
                        <h2 id="legend-h">{ text.legend_heading }</h2>
                        { raw((*legend).clone()) }
                    </section>
                    <section class="card about">
                        <h2>{ text.about_heading }</h2>
                        <p>{ text.about_body }</p>
                        <p class="muted">{ text.about_deprecation }</p>
                    </section>
                </aside>
            </main>
            <footer class="footer">
                <span>{ format!("mirrorscope {}", env!("CARGO_PKG_VERSION")) }</span>
                <span>{ text.footer }</span>
            </footer>
            { help_dialog(&props.help, &close_ref, text) }
            if let Some(open) = (*props.fork).clone() {
                <ForkView fork={props.fork.clone()} {open} />
            }
        </div>
    }
}

/// Three linked discs: a queue's master and its two mirrors.
fn brand_mark() -> Html {
    html! {
        <svg class="brand-mark" viewBox="0 0 40 40" aria-hidden="true">
            <path d="M20 8 L9 29 L31 29 Z" />
            <circle class="brand-master" cx="20" cy="8" r="6" />
            <circle cx="9" cy="29" r="6" />
            <circle cx="31" cy="29" r="6" />
        </svg>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::sim::Cluster;
    use crate::ui::ssr::render;

    #[test]
    fn english_page_draws_the_core_cluster_and_the_controls() {
        let html = render::<App>(AppProps {
            lang: Lang::En,
            welcome: false,
        });
        for node in Cluster::with_nodes(START_NODES).unwrap().nodes {
            assert!(
                html.contains(&format!("data-node=\"{}\"", node.name)),
                "{html}"
            );
            assert!(
                html.contains(&format!("aria-label=\"{}\"", node.name)),
                "{html}"
            );
        }
        assert!(html.contains("models RabbitMQ 3.10"));
        assert!(html.contains("3 nodes, 3 running"));
        assert!(html.contains("lang=\"en\" aria-pressed=\"true\""), "{html}");
        for name in [
            "Play",
            "Step",
            "Speed",
            "Timeline",
            "Next interesting event",
        ] {
            assert!(
                html.contains(&format!("aria-label=\"{name}\"")),
                "no control named {name}"
            );
        }
        for tab in ["Policies", "Queues", "Console", "Clients"] {
            assert!(html.contains(&format!(">{tab}<")), "no tab {tab}");
        }
    }

    #[test]
    fn chinese_page_translates_the_chrome() {
        let html = render::<App>(AppProps {
            lang: Lang::Zh,
            welcome: false,
        });
        let zh = Lang::Zh.text();
        for s in [
            zh.tagline,
            zh.cluster_heading,
            zh.legend_heading,
            zh.about_heading,
            zh.play,
            zh.speed,
            zh.timeline,
            zh.tab_policies,
            zh.notes_heading,
            zh.anom_heading,
            zh.insp_heading,
        ] {
            assert!(html.contains(s), "missing {s}");
        }
        let en_heading = format!(">{}<", Lang::En.text().cluster_heading);
        assert!(!html.contains(&en_heading), "{html}");
        assert!(
            html.contains("lang=\"zh-CN\" aria-pressed=\"true\""),
            "{html}"
        );
    }
}
