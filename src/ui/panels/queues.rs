//! The Queues page as the management UI draws it: every queue with its master node, the
//! light-blue `+N` pill of synchronised slaves, the red `+U` pill of unsynchronised ones,
//! `Syncing: P%`, its policy, message counts and state. Rows come from the core's
//! [`crate::sim::view::queue::QueueView`]; Synchronise and Cancel send the management API's request
//! (`curl … /api/queues/VHOST/NAME/actions`) from the master's node's shell.

use yew::prelude::*;

use crate::sim::scenario::player::Action;
use crate::sim::view::queue::{QueueView, RowState, SyncAction};
use crate::sim::Sim;
use crate::ui::context::use_lang;
use crate::ui::context::use_slow_store;
use crate::ui::i18n::panels::{button, fill, text, PanelText};
use crate::ui::panels::console::past_notice;

/// The request the management UI's Synchronise (or Cancel) button sends. It answers at once
/// and the sync runs on, so `Syncing: P%` is seen growing; `rabbitmqctl sync_queue` would
/// wait for the end.
pub fn sync_line(cancel: bool, vhost: &str, queue: &str) -> String {
    crate::sim::ctl::curl::sync_request(cancel, vhost, queue)
}

/// The State column's word in the page's language.
fn state_label(t: &PanelText, state: RowState) -> &'static str {
    match state {
        RowState::Running => t.states[0],
        RowState::Syncing => t.states[1],
        RowState::Down => t.states[2],
        RowState::Stopped => t.states[3],
    }
}

/// The node whose shell runs a command for this queue: the master's, if it is up.
fn shell_node(sim: &Sim, q: &QueueView) -> usize {
    let nodes = &sim.cluster.nodes;
    nodes
        .iter()
        .position(|n| n.name == q.master && n.state.is_running())
        .or_else(|| nodes.iter().position(|n| n.state.is_running()))
        .unwrap_or(0)
}

/// The master node followed by the management UI's pills.
#[inline(never)]
fn node_cell(q: &QueueView, t: &PanelText) -> Html {
    // Non-mirrored queues, and mirrored ones with zero slaves, show the node alone.
    let pills = if q.mirrors.is_empty() {
        html! {}
    } else {
        let synced = q.synced.len().to_string();
        let unsynced = q.unsynced.len().to_string();
        html! {
            <>
                { " " }
                <abbr class="pill pill-synced" title={q.synced_tooltip()} tabindex="0"
                    data-tip={q.synced_tooltip()}>{ format!("+{synced}") }</abbr>
                <span class="sr-only">{ fill(t.pill_synced_label, &[("n", &synced)]) }</span>
                if !q.unsynced.is_empty() {
                    { " " }
                    <abbr class="pill pill-unsynced" title={q.unsynced_tooltip()} tabindex="0"
                        data-tip={q.unsynced_tooltip()}>{ format!("+{unsynced}") }</abbr>
                    <span class="sr-only">{ fill(t.pill_unsynced_label, &[("n", &unsynced)]) }</span>
                }
            </>
        }
    };
    html! {
        <>
            <span class="node-name-cell">{ q.master.clone() }</span>
            { pills }
            if let Some(p) = q.syncing_percent {
                <div class="syncing">{ fill(t.syncing, &[("p", &p.to_string())]) }</div>
            }
            if let Some(side) = q.side {
                <div class="muted small">{ fill(t.partition_side, &[("side", &side.to_string())]) }</div>
            }
        </>
    }
}

/// Every slave, oldest first, each named synchronised or not in words (not only in colour).
#[inline(never)]
fn mirrors_cell(q: &QueueView, t: &PanelText) -> Html {
    if q.mirrors.is_empty() {
        return html! { <span class="muted">{ "—" }</span> };
    }
    html! {
        <ul class="mirror-list">
            { for q.mirrors.iter().map(|m| {
                let synced = q.synced.contains(m);
                html! {
                    <li class={if synced { "mirror-synced" } else { "mirror-unsynced" }}>
                        { m.clone() }{ " " }
                        if synced {
                            <span class="mirror-tag">{ format!("({})", t.synchronised) }</span>
                        } else {
                            <strong class="mirror-tag">{ format!("({})", t.unsynchronised) }</strong>
                        }
                    </li>
                }
            }) }
        </ul>
    }
}

#[inline(never)]
fn features_cell(q: &QueueView, t: &PanelText) -> Html {
    html! {
        <>
            if q.durable { <abbr class="feature" title={format!("{}: true", t.durable)}>{ "D" }</abbr> }
            if q.exclusive { <abbr class="feature" title={format!("{}: true", t.exclusive)}>{ "Excl" }</abbr> }
            { for q.arg_features.iter().map(|(short, title)| html! {
                <>{ " " }<abbr class="feature" title={title.clone()}>{ *short }</abbr></>
            }) }
            if let Some(p) = &q.policy {
                { " " }<abbr class="pill pill-policy" title={t.policy_pill}>{ p.clone() }</abbr>
            }
            if let Some(p) = &q.operator_policy {
                { " " }<abbr class="pill pill-op-policy" title={t.operator_policy_pill}>{ p.clone() }</abbr>
            }
        </>
    }
}

/// The Queues page.
#[function_component]
pub fn QueuesView() -> Html {
    let store = use_slow_store();
    let t = text(use_lang());
    // The line last run from here and the console length before it (its result is there).
    let sent = use_state(|| None::<(String, usize)>);

    let player = store.player();
    let sim = player.view();
    let queues = sim.queue_views();
    let show_vhost = sim.vhosts.len() > 1;
    let past = past_notice(&player, t);
    let console_len = player.console.len();

    let rows: Html = queues
        .iter()
        .map(|q| {
            let action = q.sync_action().map(|a| {
                let cancel = a == SyncAction::Cancel;
                let line = sync_line(cancel, &q.vhost, &q.name);
                let node = shell_node(sim, q);
                let store = store.clone();
                let sent = sent.clone();
                let onclick = Callback::from(move |_: MouseEvent| {
                    sent.set(Some((line.clone(), console_len)));
                    store.dispatch(Action::Console {
                        node,
                        line: line.clone(),
                    });
                });
                let (label, aria) = if cancel {
                    (t.cancel_sync, t.cancel_sync_label)
                } else {
                    (t.synchronise, t.synchronise_label)
                };
                button(label, Some(fill(aria, &[("name", &q.name)])), "btn btn-small", onclick)
            });
            html! {
                <tr data-queue={q.name.clone()} class={format!("queue-state-{}", q.state.as_str())}>
                    if show_vhost { <td data-label={t.col_vhost}>{ q.vhost.clone() }</td> }
                    <th scope="row" data-label={t.col_name}>{ q.name.clone() }</th>
                    <td data-label={t.col_features} class="features">{ features_cell(q, t) }</td>
                    <td data-label={t.col_node} class="node-cell">{ node_cell(q, t) }</td>
                    <td data-label={t.col_mirrors}>{ mirrors_cell(q, t) }</td>
                    <td data-label={t.col_state}>
                        <span class={classes!("state-badge", format!("state-{}", q.state.as_str()))}>{ state_label(t, q.state) }</span>
                    </td>
                    <td data-label={t.col_ready} class="num">{ q.ready }</td>
                    <td data-label={t.col_unacked} class="num">{ q.unacked }</td>
                    <td data-label={t.col_total} class="num">{ q.ready + q.unacked }</td>
                    <td data-label={t.col_actions} class="actions">{ for action }</td>
                </tr>
            }
        })
        .collect();

    let last = (*sent).as_ref().and_then(|(line, idx)| {
        player
            .console
            .get(*idx)
            .filter(|e| &e.input == line)
            .cloned()
    });
    drop(player);

    let table = if queues.is_empty() {
        html! { <p class="muted">{ t.no_queues }</p> }
    } else {
        html! {
            <div class="table-wrap fits">
                <table class="data-table stack queues-table">
                    <thead><tr>
                        if show_vhost { <th scope="col">{ t.col_vhost }</th> }
                        <th scope="col">{ t.col_name }</th>
                        <th scope="col">{ t.col_features }</th>
                        <th scope="col">{ t.col_node }</th>
                        <th scope="col">{ t.col_mirrors }</th>
                        <th scope="col">{ t.col_state }</th>
                        <th scope="col" class="num">{ t.col_ready }</th>
                        <th scope="col" class="num">{ t.col_unacked }</th>
                        <th scope="col" class="num">{ t.col_total }</th>
                        <th scope="col">{ t.col_actions }</th>
                    </tr></thead>
                    <tbody>{ rows }</tbody>
                </table>
            </div>
        }
    };

    let last_html = match last {
        Some(e) => html! {
            <div class={classes!("last-result", (e.exit_code != 0).then_some("last-failed"))} role="status">
                <strong>{ t.last_result }{ ": " }</strong><code>{ e.input.clone() }</code>
                { " · " }{ fill(t.exit_status, &[("code", &e.exit_code.to_string())]) }
                <pre>{ e.output.clone() }</pre>
            </div>
        },
        None => html! {},
    };

    html! {
        <section class="panel queues-panel" aria-label={t.queues_title}>
            { past }
            { table }
            { last_html }
            <p class="panel-note muted">{ t.roles_legend }</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::ctl::shell;
    use crate::ui::i18n::panels::tests_support::player_from;

    #[test]
    fn sync_lines_are_shell_lines() {
        let words = shell::split(&sync_line(true, "v h", "a b")).unwrap();
        assert_eq!(words[0], "curl");
        assert_eq!(
            words.last().map(String::as_str),
            Some("http://localhost:15672/api/queues/v%20h/a%20b/actions")
        );
        assert!(words.contains(&r#"{"action":"cancel_sync"}"#.to_string()));
    }

    #[test]
    fn offers_sync_only_when_a_slave_is_behind() {
        let p = player_from(concat!(
            "cluster nodes=3\n",
            "client app node=node1\n",
            "app declare q durable\n",
            "app publish q \"m\" count=3\n",
            "wait 50ms\n",
            "rabbitmqctl set_policy ha \"^q$\" '{\"ha-mode\":\"all\"}'\n",
            "wait 100ms\n",
        ));
        let q = &p.view().queue_views()[0];
        assert_eq!(q.unsynced.len(), 2);
        assert_eq!(q.sync_action(), Some(SyncAction::Synchronise));
        let plain = player_from("cluster nodes=3\nclient app node=node1\napp declare q durable\n");
        assert_eq!(plain.view().queue_views()[0].sync_action(), None);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod ssr_tests {
    use crate::ui::i18n::panels::tests_support::{render_panel, Panel};
    use crate::ui::i18n::Lang;

    const SCN: &str = concat!(
        "cluster nodes=3\n",
        "client app node=node1\n",
        "app declare queue_a durable\n",
        "app publish queue_a \"m\" count=3\n",
        "app declare plain durable\n",
        "wait 50ms\n",
        "rabbitmqctl set_policy ha \"^queue_\" '{\"ha-mode\":\"exactly\",\"ha-params\":2}'\n",
        "wait 100ms\n",
    );

    #[test]
    fn pills_as_the_management_ui_draws_them() {
        let html = render_panel(Panel::Queues, SCN, Lang::En);
        assert!(html.contains("aria-label=\"Queues\""), "{html}");
        // One slave, not yet synchronised: a light-blue +0 and a red +1.
        assert!(
            html.contains("title=\"There are no synchronised mirrors\""),
            "{html}"
        );
        assert!(html.contains(">+0</abbr>"), "{html}");
        assert!(html.contains("pill-unsynced"));
        assert!(
            html.contains("title=\"Unsynchronised mirrors: rabbit@node"),
            "{html}"
        );
        assert!(html.contains(">Synchronise</button>"));
        assert!(html.contains("(unsynchronised)"));
        // The plain queue shows its node and nothing after it.
        let plain = html.split("data-queue=\"plain\"").nth(1).unwrap();
        let plain_row = plain.split("</tr>").next().unwrap();
        assert!(!plain_row.contains("pill-synced"), "{plain_row}");
    }

    #[test]
    fn features_show_the_limit_arguments_as_the_management_ui_does() {
        let scn = concat!(
            "cluster nodes=1\n",
            "client app node=node1\n",
            "app declare capped args={\"x-max-length\":5,\"x-message-ttl\":1000,\"x-dead-letter-exchange\":\"dlx\"}\n",
        );
        let html = render_panel(Panel::Queues, scn, Lang::En);
        let row = html.split("data-queue=\"capped\"").nth(1).unwrap();
        let features = row.split("</td>").next().unwrap();
        let ttl = features.find(">TTL</abbr>").expect(features);
        let lim = features.find(">Lim</abbr>").expect(features);
        let dlx = features.find(">DLX</abbr>").expect(features);
        assert!(ttl < lim && lim < dlx, "{features}");
        assert!(features.contains("title=\"x-max-length: 5\""), "{features}");
    }

    #[test]
    fn warns_that_acting_in_the_past_forks() {
        use crate::sim::scenario::player::Action;
        use crate::sim::time::Micros;
        use crate::ui::i18n::panels::tests_support::player_from;
        let mut p = player_from(SCN);
        p.apply(Action::Seek(Micros::from_ms(10)));
        assert!(p.cursor < p.horizon());
        let t = crate::ui::i18n::panels::text(Lang::En);
        let html = crate::ui::ssr::render::<Notice>(NoticeProps {
            player: std::rc::Rc::new(p),
        });
        assert!(html.contains("You are looking at t = 10ms"), "{html}");
        assert!(html.contains(&t.past_notice[..20]));
    }

    use yew::prelude::*;

    #[derive(Properties)]
    struct NoticeProps {
        player: std::rc::Rc<crate::sim::scenario::player::Player>,
    }

    impl PartialEq for NoticeProps {
        fn eq(&self, other: &Self) -> bool {
            std::rc::Rc::ptr_eq(&self.player, &other.player)
        }
    }

    #[function_component]
    fn Notice(p: &NoticeProps) -> Html {
        crate::ui::panels::console::past_notice(&p.player, crate::ui::i18n::panels::text(Lang::En))
    }

    #[test]
    fn speaks_chinese() {
        let html = render_panel(Panel::Queues, SCN, Lang::Zh);
        assert!(html.contains("aria-label=\"队列\""));
        assert!(
            html.contains("（未同步）") || html.contains("(未同步)"),
            "{html}"
        );
        assert!(html.contains(">同步</button>"));
        let empty = render_panel(Panel::Queues, "cluster nodes=3\n", Lang::Zh);
        assert!(empty.contains("还没有队列"));
    }
}
