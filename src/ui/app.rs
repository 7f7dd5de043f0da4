//! The page: header with the language switch, the cluster diagram, and the side cards.

use std::rc::Rc;

use yew::prelude::*;

use super::cluster_view::ClusterView;
use super::editor::ScriptsPanel;
use super::i18n::Lang;
use super::legend::Legend;
use super::player::Player;
use super::queues_view::QueuesView;
use super::store::{Store, StoreHandle};
use super::{clients_panel::ClientsPanel, console::Console, policies_view::PoliciesView};
use crate::sim::Cluster;

/// The cluster a visitor starts with: RabbitMQ's usual three-node demo set-up.
pub const START_NODES: usize = 3;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// The language to start in (see [`Lang::from_browser`]).
    pub lang: Lang,
}

#[function_component]
pub fn App(props: &AppProps) -> Html {
    let lang = use_state_eq(|| props.lang);
    // The one playground state every panel reads and acts on.
    let store = use_reducer(|| Store::new(Player::new()));
    // Temporary (panels branch): a running clock until the stage's time controls exist.
    {
        let store = store.clone();
        use_effect_with((), move |_| {
            use super::player::Action::{Play, Tick};
            store.dispatch(Play);
            let t = gloo_timers::callback::Interval::new(100, move || store.dispatch(Tick(100.0)));
            move || drop(t)
        });
    }
    let cluster = use_memo((), |_| {
        Cluster::with_nodes(START_NODES).expect("START_NODES is within the core's cluster sizes")
    });

    // The document itself sits outside Yew's tree: keep its language (for fonts, screen readers
    // and the panic panel) and its title in step with the switch.
    use_effect_with(*lang, |lang| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("lang", lang.tag());
        }
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            doc.set_title(lang.text().doc_title);
        }
    });

    let text = lang.text();
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

    let running = cluster
        .nodes
        .iter()
        .filter(|n| n.state.is_running())
        .count();

    html! {
        <ContextProvider<StoreHandle> context={store}>
        <ContextProvider<Lang> context={*lang}>
        <div class="app">
            <header class="topbar">
                <div class="brand">
                    <BrandMark />
                    <div>
                        <h1>{ "mirrorscope" }</h1>
                        <p class="tagline">{ text.tagline }</p>
                    </div>
                </div>
                <div class="topbar-tools">
                    <span class="badge">{ text.version_badge }</span>
                    <div class="lang-switch" role="group" aria-label={text.language_switch}>
                        { switch }
                    </div>
                </div>
            </header>
            <main class="layout">
                <section class="card cluster-card">
                    <div class="card-head">
                        <h2>{ text.cluster_heading }</h2>
                        <span class="summary">
                            { text.cluster_summary(cluster.nodes.len(), running) }
                        </span>
                    </div>
                    <ClusterView cluster={Rc::clone(&cluster)} lang={*lang} />
                    <p class="note">{ text.links_note }</p>
                </section>
                <aside class="sidebar">
                    <Legend lang={*lang} />
                    <section class="card about">
                        <h2>{ text.about_heading }</h2>
                        <p>{ text.about_body }</p>
                        <p class="muted">{ text.about_deprecation }</p>
                    </section>
                </aside>
                // The Python clients panel (mounted here until the stage layout takes it).
                <ContextProvider<Lang> context={*lang}>
                    <ScriptsPanel />
                </ContextProvider<Lang>>
            </main>
            // Temporary, until the stage's tabbed panel area mounts them.
            <div class="layout panels-dev"><PoliciesView /><QueuesView /><Console /><ClientsPanel /></div>
            <footer class="footer">
                <span>{ format!("mirrorscope {}", env!("CARGO_PKG_VERSION")) }</span>
                <span>{ text.footer }</span>
            </footer>
        </div>
        </ContextProvider<Lang>>
        </ContextProvider<StoreHandle>>
    }
}

/// Three linked discs: a queue's master and its two mirrors.
#[function_component]
fn BrandMark() -> Html {
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
    use crate::ui::ssr::render;

    #[test]
    fn english_page_draws_the_core_cluster() {
        let html = render::<App>(AppProps { lang: Lang::En });
        for node in Cluster::with_nodes(START_NODES).unwrap().nodes {
            assert!(
                html.contains(&format!("data-node=\"{}\"", node.name)),
                "{html}"
            );
        }
        assert!(html.contains("models RabbitMQ 3.10"));
        assert!(html.contains("3 nodes, 3 running"));
        assert!(html.contains("lang=\"en\" aria-pressed=\"true\""), "{html}");
    }

    #[test]
    fn chinese_page_translates_the_chrome() {
        let html = render::<App>(AppProps { lang: Lang::Zh });
        let zh = Lang::Zh.text();
        for s in [
            zh.tagline,
            zh.cluster_heading,
            zh.legend_heading,
            zh.about_heading,
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
