//! Admin → Policies, as in the management UI: the user and operator policies of the cluster
//! ([`table`]), and an add/update form ([`form`], [`fields`]) that builds the definition JSON,
//! shows RabbitMQ's own verdict on it ([`verdict`], `parse_set`) and previews where every
//! queue's master and slaves would settle ([`preview`], `preview_policy`) while the learner
//! edits. Applying runs the equivalent `rabbitmqctl` line, so what the learner did is part of
//! the scenario.

pub mod fields;
pub mod form;
pub mod preview;
pub mod table;
pub mod verdict;

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::sim::scenario::player::Action;
use crate::ui::context::use_lang;
use crate::ui::context::use_slow_store;
use crate::ui::i18n::panels::{button, text, use_id_prefix, use_sync_selects};
use crate::ui::panels::console::past_notice;
use crate::ui::panels::policies::fields::{policy_form, FormEdit};
use crate::ui::panels::policies::form::PolicyForm;
use crate::ui::panels::policies::preview::{
    cached_preview, preview_table, PreviewCache, PREVIEW_EVERY_MS,
};
use crate::ui::panels::policies::table::{policy_table, TableCtx};
use crate::ui::panels::policies::verdict::{last_result, verdict_html};

/// Admin → Policies.
#[function_component]
pub fn PoliciesView() -> Html {
    let store = use_slow_store();
    let t = text(use_lang());
    let id = use_id_prefix("pol");
    let form = use_reducer(PolicyForm::default);
    // The line last applied or deleted from here and the console length before it: its
    // output is the console entry at that index.
    let sent = use_state(|| None::<(String, usize)>);
    let root = use_node_ref();
    let cache: Rc<RefCell<Option<PreviewCache>>> = use_mut_ref(|| None);
    let force = use_force_update();
    use_sync_selects(root.clone());

    let player = store.player();
    let sim = player.view();
    let version = store.version();
    let nodes: Vec<String> = sim
        .cluster
        .members()
        .map(|n| sim.node_name(n).to_string())
        .collect();
    let vhosts = sim.vhosts.clone();
    let past = past_notice(&player, t);

    let verdict = form.validate();
    let missing_name = form.name.trim().is_empty();
    let missing_pattern = form.pattern.is_empty();
    let past_limit = match &verdict {
        Ok(p) => sim.queues_past_match_limit(&form.vhost, &p.pattern),
        Err(_) => Vec::new(),
    };
    let verdict_html = verdict_html(t, &verdict, missing_name, missing_pattern, &past_limit);

    let (preview, stale) = cached_preview(
        &cache,
        sim,
        version,
        &form,
        &verdict,
        missing_name || missing_pattern,
    );
    {
        // A preview skipped while playing is brought up to date once things calm down.
        use_effect_with((stale, version), move |(stale, _)| {
            let timer = stale.then(|| {
                gloo_timers::callback::Timeout::new(PREVIEW_EVERY_MS as u32 + 50, move || {
                    force.force_update()
                })
            });
            move || drop(timer)
        });
    }

    // The first running node runs the command (the console's rules apply: a stopped node
    // cannot answer).
    let run_on = sim
        .cluster
        .nodes
        .iter()
        .position(|n| n.state.is_running())
        .unwrap_or(0);

    let tables = TableCtx {
        sim,
        store: &store,
        t,
        form: &form,
        root: &root,
        sent: &sent,
        nodes: &nodes,
        vhosts: &vhosts,
        console_len: player.console.len(),
        run_on,
    };
    let user_table = policy_table(&tables, false);
    let operator_table = policy_table(&tables, true);

    let last = (*sent).as_ref().and_then(|(line, idx)| {
        player
            .console
            .get(*idx)
            .filter(|e| &e.input == line)
            .cloned()
    });
    drop(player);

    let onsubmit = {
        let store = store.clone();
        let sent = sent.clone();
        let line = form.set_line();
        let blocked = missing_name || missing_pattern;
        let before = store.player().console.len();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if blocked {
                return;
            }
            sent.set(Some((line.clone(), before)));
            store.dispatch(Action::Console {
                node: run_on,
                line: line.clone(),
            });
        })
    };
    let onreset = {
        let d = form.dispatcher();
        let sent = sent.clone();
        Callback::from(move |_: MouseEvent| {
            sent.set(None);
            d.dispatch(FormEdit(Box::new(|f| *f = PolicyForm::default())));
        })
    };

    let form_html = policy_form(&form, t, &id, &nodes, &vhosts);
    let json_text = form.definition_json();
    let line_text = form.set_line();
    let last_html = last_result(t, last);

    html! {
        <section class="panel policies-panel" aria-label={t.policies_title} ref={root}>
            { past }
            <h3>{ t.user_policies }</h3>
            { user_table }
            <h3>{ t.operator_policies }</h3>
            { operator_table }
            <div class="policy-editor">
                <form class="policy-form" onsubmit={onsubmit} aria-labelledby={format!("{id}form")}>
                    <h3 id={format!("{id}form")}>{ t.form_title }</h3>
                    { form_html }
                    <div class="generated">
                        <div class="generated-label">{ t.definition_json }</div>
                        <code class="wrap json-out" data-testid="definition-json">{ json_text }</code>
                        <div class="generated-label">{ t.command_line }</div>
                        <code class="wrap line-out">{ line_text }</code>
                    </div>
                    <div class="verdict" aria-live="polite">{ verdict_html }</div>
                    <div class="form-buttons">
                        <button type="submit" class="btn btn-primary"
                            disabled={missing_name || missing_pattern}>{ t.apply }</button>
                        { button(t.reset_form, None, "btn", onreset) }
                    </div>
                    { last_html }
                </form>
                { preview_table(preview.as_deref(), &nodes, &form, t, &id, missing_name || missing_pattern) }
            </div>
        </section>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod ssr_tests {
    use crate::ui::i18n::panels::tests_support::{render_panel, Panel};
    use crate::ui::i18n::Lang;

    #[test]
    fn lists_policies_in_both_languages() {
        let scn = "cluster nodes=3\nrabbitmqctl set_policy --priority 1 --apply-to queues ha-two \"^q\" '{\"ha-mode\":\"exactly\",\"ha-params\":2}'\n";
        let en = render_panel(Panel::Policies, scn, Lang::En);
        assert!(en.contains("aria-label=\"Policies\""), "{en}");
        assert!(en.contains("ha-two"));
        assert!(en.contains("Add / update a policy"));
        assert!(en.contains(">Queues<"), "apply-to label");
        let zh = render_panel(Panel::Policies, scn, Lang::Zh);
        assert!(zh.contains("aria-label=\"策略\""));
        assert!(zh.contains("添加 / 更新策略"));
        assert!(!zh.contains("Add / update a policy"));
    }
}
