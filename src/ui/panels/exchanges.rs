//! The Exchanges tab, as the management UI's Exchanges page draws it (name, type, features
//! D/AD/I/Args, and here the number of bindings each is the source of), and each bound queue's
//! Bindings section (From, Routing key, Arguments, the implicit default-exchange binding
//! first). The records are cluster-wide, so one list serves every node.

use yew::prelude::*;

use crate::sim::engine::Sim;
use crate::sim::exchanges::record::{Binding, DestKind, Exchange};
use crate::ui::context::{use_lang, use_slow_store};
use crate::ui::i18n::exchanges::{exchanges_text, ExchangesText};
use crate::ui::i18n::lang::fill;

/// An `args` cell: one `key: value` per argument, as the management UI lists them.
fn args_cell(args: &[(String, crate::erl::json::Json)]) -> Html {
    html! {
        { for args.iter().map(|(k, v)| html! { <div class="arg">{ format!("{k}: {}", v.to_json_string()) }</div> }) }
    }
}

fn features_cell(x: &Exchange, t: &ExchangesText) -> Html {
    let feature = |on: bool, abbr: &'static str, title: &'static str| {
        on.then(|| html! { <><abbr class="feature" title={format!("{title}: true")}>{ abbr }</abbr>{ " " }</> })
    };
    html! {
        <>
            { feature(x.durable, "D", t.durable) }
            { feature(x.auto_delete, "AD", t.auto_delete) }
            { feature(x.internal, "I", t.internal) }
            if !x.args.is_empty() {
                <abbr class="feature" title={t.arguments}>{ "Args" }</abbr>
            }
        </>
    }
}

/// The bindings whose source is `x`.
fn bindings_from<'a>(sim: &'a Sim, x: &'a Exchange) -> impl Iterator<Item = &'a Binding> {
    sim.exchanges
        .bindings
        .iter()
        .filter(move |b| b.vhost == x.vhost && b.source == x.name)
}

/// The queues (vhost, name) that have explicit bindings, in the order of their first one.
fn bound_queues(sim: &Sim) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for b in &sim.exchanges.bindings {
        let q = (b.vhost.clone(), b.dest.clone());
        if b.dest_kind == DestKind::Queue && !out.contains(&q) {
            out.push(q);
        }
    }
    out
}

/// The Exchanges page.
#[function_component]
pub fn ExchangesView() -> Html {
    let store = use_slow_store();
    let t = exchanges_text(use_lang());
    let player = store.player();
    let sim = player.view();
    let show_vhost = sim.vhosts.len() > 1;
    let name_of = |x: &str| {
        if x.is_empty() {
            t.default_exchange.to_string()
        } else {
            x.to_string()
        }
    };
    let rows: Html = sim
        .exchanges
        .exchanges
        .iter()
        .map(|x| {
            html! {
                <tr>
                    if show_vhost { <td data-label={t.vhost}>{ x.vhost.clone() }</td> }
                    <td data-label={t.name}><strong>{ name_of(&x.name) }</strong></td>
                    <td data-label={t.kind}>{ x.kind.as_str() }</td>
                    <td data-label={t.features}>{ features_cell(x, t) }</td>
                    <td data-label={t.bindings} class="num">{ bindings_from(sim, x).count() }</td>
                </tr>
            }
        })
        .collect();
    let queues = bound_queues(sim);
    let sections: Html = queues
        .iter()
        .map(|(vhost, q)| {
            let rows: Html = sim
                .exchanges
                .bindings
                .iter()
                .filter(|b| b.dest_kind == DestKind::Queue && &b.vhost == vhost && &b.dest == q)
                .map(|b| {
                    html! {
                        <tr>
                            <td data-label={t.from}>{ name_of(&b.source) }</td>
                            <td data-label={t.routing_key}><code>{ b.key.clone() }</code></td>
                            <td data-label={t.arguments}>{ args_cell(&b.args) }</td>
                        </tr>
                    }
                })
                .collect();
            html! {
                <section class="queue-bindings" aria-label={fill(t.bindings_of, &[("q", q)])}>
                    <h3>{ fill(t.bindings_of, &[("q", q)]) }</h3>
                    <div class="table-wrap fits">
                        <table class="data-table stack">
                            <thead><tr>
                                <th scope="col">{ t.from }</th>
                                <th scope="col">{ t.routing_key }</th>
                                <th scope="col">{ t.arguments }</th>
                            </tr></thead>
                            <tbody>
                                <tr class="muted">
                                    <td data-label={t.from} colspan="3">{ t.default_binding }</td>
                                </tr>
                                { rows }
                            </tbody>
                        </table>
                    </div>
                </section>
            }
        })
        .collect();
    html! {
        <section class="exchanges-panel" aria-label={t.tab}>
            <p class="hint">{ t.intro }</p>
            <div class="table-wrap fits">
                <table class="data-table stack exchanges-table">
                    <thead><tr>
                        if show_vhost { <th scope="col">{ t.vhost }</th> }
                        <th scope="col">{ t.name }</th>
                        <th scope="col">{ t.kind }</th>
                        <th scope="col">{ t.features }</th>
                        <th scope="col">{ t.bindings }</th>
                    </tr></thead>
                    <tbody>{ rows }</tbody>
                </table>
            </div>
            if queues.is_empty() {
                <p class="muted">{ t.no_bindings }</p>
            }
            { sections }
        </section>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod tests {
    use super::*;
    use crate::sim::scenario::run_text;
    use crate::ui::context::{Store, StoreHandle};
    use crate::ui::i18n::panels::tests_support::player_from;
    use crate::ui::i18n::Lang;

    /// Declares two exchanges and binds `q` to both.
    pub const SCN: &str = "cluster nodes=3\nclient app node=node1\napp declare q\napp exchange_declare logs type=fanout durable\napp exchange_declare alt type=topic auto_delete internal\napp bind q logs key=k1\napp bind q alt key=a.#\n";

    #[derive(Properties, PartialEq)]
    struct HarnessProps {
        scenario: &'static str,
        lang: Lang,
    }

    #[function_component]
    fn Harness(p: &HarnessProps) -> Html {
        let scenario = p.scenario;
        let store = use_reducer(move || Store::new(player_from(scenario)));
        html! {
            <ContextProvider<StoreHandle> context={store}>
                <ContextProvider<Lang> context={p.lang}>
                    <ExchangesView />
                </ContextProvider<Lang>>
            </ContextProvider<StoreHandle>>
        }
    }

    fn render(scenario: &'static str, lang: Lang) -> String {
        crate::ui::ssr::render::<Harness>(HarnessProps { scenario, lang })
    }

    #[test]
    fn counts_bindings_by_source_and_lists_bound_queues() {
        let run = run_text(SCN, None).unwrap();
        let sim = &run.sim;
        let logs = sim.exchanges.get("/", "logs").unwrap();
        assert_eq!(bindings_from(sim, logs).count(), 1);
        assert_eq!(bound_queues(sim), [("/".to_string(), "q".to_string())]);
    }

    #[test]
    fn draws_the_exchanges_page_and_a_queues_bindings_in_both_languages() {
        let html = render(SCN, Lang::En);
        assert!(html.contains("aria-label=\"Exchanges\""), "{html}");
        assert!(html.contains("(AMQP default)") && html.contains("amq.topic"));
        let alt = html.split("<strong>alt</strong>").nth(1).unwrap();
        let alt_row = alt.split("</tr>").next().unwrap();
        assert!(
            alt_row.contains(">AD</abbr>") && alt_row.contains(">I</abbr>"),
            "{alt_row}"
        );
        assert!(
            alt_row.contains(">topic<") && !alt_row.contains(">D</abbr>"),
            "{alt_row}"
        );
        assert!(html.contains("Bindings of queue q"));
        assert!(html.contains("(Default exchange binding)"));
        assert!(html.contains("<code>a.#</code>") && html.contains("<code>k1</code>"));
        let zh = render(SCN, Lang::Zh);
        assert!(
            zh.contains("队列 q 的绑定") && zh.contains("路由键") && zh.contains("（AMQP 默认）")
        );
        let empty = render("cluster nodes=3\n", Lang::Zh);
        assert!(empty.contains("还没有队列有绑定"), "{empty}");
    }
}
