//! The placement preview: where every queue's master and slaves would settle under the policy
//! being edited, as the core's `preview_policy` answers it, beside where they are now.

use std::cell::RefCell;

use yew::prelude::*;

use crate::sim::policy::definition::{PolicyKind, ValidatedPolicy};
use crate::sim::time::Micros;
use crate::sim::Sim;
use crate::ui::i18n::panels::{fill, PanelText};
use crate::ui::panels::policies::form::PolicyForm;

/// How long the preview lets the copied cluster run after setting the policy: enough for
/// mirrors to start and for a `nodes` master to move once a slave is synchronised.
pub const PREVIEW_SETTLE: Micros = Micros(5_000_000);

/// How often, at most, the preview is recomputed while the simulation runs and the form
/// stays the same (each preview copies and runs the whole cluster).
pub const PREVIEW_EVERY_MS: f64 = 250.0;

/// A replica's role on one node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    None,
    Master,
    Mirror,
}

/// One queue of the preview: its role on every cluster node now and after the policy.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviewRow {
    pub queue: String,
    pub before: Vec<Role>,
    pub after: Vec<Role>,
    pub policy_after: Option<String>,
}

fn roles(nodes: &[String], master: &str, mirrors: &[String]) -> Vec<Role> {
    nodes
        .iter()
        .map(|n| {
            if n == master {
                Role::Master
            } else if mirrors.contains(n) {
                Role::Mirror
            } else {
                Role::None
            }
        })
        .collect()
}

/// The preview of `policy` in `vhost`: every queue the core would still serve, with its
/// replicas now (as the Queues page shows them) and once the cluster has settled.
pub fn preview_rows(
    sim: &Sim,
    vhost: &str,
    kind: PolicyKind,
    policy: ValidatedPolicy,
) -> Vec<PreviewRow> {
    let nodes: Vec<String> = sim
        .cluster
        .members()
        .map(|n| sim.node_name(n).to_string())
        .collect();
    let now = sim.queue_views();
    sim.preview_policy(vhost, kind, policy, PREVIEW_SETTLE)
        .into_iter()
        .map(|p| {
            let before = now
                .iter()
                .find(|v| v.vhost == p.vhost && v.name == p.queue)
                .map(|v| roles(&nodes, &v.master, &v.mirrors))
                .unwrap_or_else(|| vec![Role::None; nodes.len()]);
            PreviewRow {
                after: roles(&nodes, &p.master, &p.mirrors),
                before,
                queue: p.queue,
                policy_after: p.policy,
            }
        })
        .collect()
}

/// The cached preview and what it was computed for.
pub struct PreviewCache {
    form: PolicyForm,
    version: u64,
    at_ms: f64,
    rows: Option<Vec<PreviewRow>>,
}

/// The preview for `form`: recomputed at once when the form changes, and at most every
/// [`PREVIEW_EVERY_MS`] while only the simulation moves. Also says whether the rows were
/// computed for an older version of the run (to be brought up to date once things calm down).
pub fn cached_preview(
    cache: &RefCell<Option<PreviewCache>>,
    sim: &Sim,
    version: u64,
    form: &PolicyForm,
    verdict: &Result<ValidatedPolicy, String>,
    incomplete: bool,
) -> (Option<Vec<PreviewRow>>, bool) {
    let now_ms = crate::ui::context::wall_ms().unwrap_or(0.0);
    let mut c = cache.borrow_mut();
    let fresh = c.as_ref().is_some_and(|c| {
        c.form == *form && (c.version == version || now_ms - c.at_ms < PREVIEW_EVERY_MS)
    });
    if !fresh {
        let rows = match (verdict, incomplete) {
            (Ok(p), false) => Some(preview_rows(sim, &form.vhost, form.kind(), p.clone())),
            _ => None,
        };
        *c = Some(PreviewCache {
            form: form.clone(),
            version,
            at_ms: now_ms,
            rows,
        });
    }
    let stale = c.as_ref().is_some_and(|c| c.version != version);
    (c.as_ref().and_then(|c| c.rows.clone()), stale)
}

#[inline(never)]
fn role_cell(t: &PanelText, before: Role, after: Role) -> Html {
    let name = |r: Role| match r {
        Role::Master => t.role_master,
        Role::Mirror => t.role_mirror,
        Role::None => "—",
    };
    let class = match after {
        Role::Master => "role-master",
        Role::Mirror => "role-mirror",
        Role::None => "role-none",
    };
    if before == after {
        html! { <td class={classes!("role", class)}>{ name(after) }</td> }
    } else {
        let change = match (before, after) {
            (Role::None, _) => t.change_added,
            (_, Role::None) => t.change_removed,
            _ => "",
        };
        html! {
            <td class={classes!("role", class, "role-changed")}>
                <s class="role-before">{ name(before) }</s>
                { " → " }
                <strong>{ name(after) }</strong>
                if !change.is_empty() { <span class="change-tag">{ format!(" ({change})") }</span> }
            </td>
        }
    }
}

/// The preview's section: the queue × node matrix of roles, or why there is none yet.
#[inline(never)]
pub fn preview_table(
    rows: Option<&[PreviewRow]>,
    nodes: &[String],
    form: &PolicyForm,
    t: &PanelText,
    id: &str,
    incomplete: bool,
) -> Html {
    let heading = format!("{id}preview");
    let body = match rows {
        None if incomplete => html! { <p class="muted">{ t.preview_needs_fields }</p> },
        None => html! { <p class="muted">{ t.preview_needs_valid }</p> },
        Some([]) => html! { <p class="muted">{ t.preview_no_queues }</p> },
        Some(rows) => {
            // Host names keep the matrix narrow; the full node name is in the tooltip.
            let head: Html = nodes
                .iter()
                .map(|n| {
                    let host = n.split_once('@').map_or(n.as_str(), |(_, h)| h);
                    html! { <th scope="col"><abbr title={n.clone()}>{ host.to_string() }</abbr></th> }
                })
                .collect();
            let body: Html = rows
                .iter()
                .map(|r| {
                    let cells: Html = r
                        .before
                        .iter()
                        .zip(r.after.iter())
                        .map(|(&b, &a)| role_cell(t, b, a))
                        .collect();
                    let policy = match &r.policy_after {
                        Some(p) if *p == form.name => {
                            html! { <span class="pill pill-policy">{ p.clone() }</span> }
                        }
                        Some(p) => html! {
                            <span class="muted">{ fill(t.other_policy_wins, &[("name", p)]) }</span>
                        },
                        None => html! { <span class="muted">{ t.no_policy_after }</span> },
                    };
                    html! {
                        <tr>
                            // The winning policy sits under the queue name, so that the node
                            // columns keep the width on narrow screens.
                            <th scope="row">
                                { r.queue.clone() }
                                <div class="preview-policy" title={t.col_policy_after}>{ policy }</div>
                            </th>
                            { cells }
                        </tr>
                    }
                })
                .collect();
            html! {
                <div class="table-wrap">
                    <table class="data-table preview-table">
                        <thead><tr>
                            <th scope="col">{ t.col_queue }</th>
                            { head }
                        </tr></thead>
                        <tbody>{ body }</tbody>
                    </table>
                </div>
            }
        }
    };
    html! {
        <section class="policy-preview" aria-labelledby={heading.clone()} aria-live="polite">
            <h3 id={heading}>{ t.preview_title }</h3>
            <p class="panel-note muted">{ t.preview_intro }</p>
            { body }
            <p class="panel-note muted">{ t.roles_legend }</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::policy::definition::PolicyKind;
    use crate::ui::i18n::panels::tests_support::player_from;
    use crate::ui::panels::policies::form::PolicyForm;

    #[test]
    fn preview_comes_from_the_core() {
        let player = player_from(
            "cluster nodes=3\nclient app node=node1\napp declare queue_a durable\napp declare other durable\nwait 50ms\n",
        );
        let f = PolicyForm {
            name: "mirror_queue".into(),
            pattern: "^queue_".into(),
            apply_to: "queues".into(),
            ha_mode: "all".into(),
            ha_sync_mode: "automatic".into(),
            ..PolicyForm::default()
        };
        let rows = preview_rows(player.view(), "/", PolicyKind::User, f.validate().unwrap());
        assert_eq!(rows.len(), 2);
        let a = rows.iter().find(|r| r.queue == "queue_a").unwrap();
        assert_eq!(a.before, vec![Role::Master, Role::None, Role::None]);
        assert_eq!(a.after, vec![Role::Master, Role::Mirror, Role::Mirror]);
        assert_eq!(a.policy_after.as_deref(), Some("mirror_queue"));
        let o = rows.iter().find(|r| r.queue == "other").unwrap();
        assert_eq!(o.after, o.before);
        assert_eq!(o.policy_after, None);
    }
}
