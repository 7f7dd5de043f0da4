//! Admin → Policies, as in the management UI: the user and operator policies of the cluster, and
//! an add/update form that builds the definition JSON, shows RabbitMQ's own verdict on it
//! (`parse_set`) and previews where every queue's master and slaves would settle
//! (`preview_policy`) while the learner edits. Applying runs the equivalent `rabbitmqctl`
//! line, so what the learner did is part of the scenario.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::erl::json::encode::json_string;
use crate::erl::json::{self, Json};
use crate::sim::policy::definition::{PolicyKind, ValidatedPolicy};
use crate::sim::policy::validate::parse_set;
use crate::sim::scenario::player::Action;
use crate::sim::time::Micros;
use crate::sim::Sim;
use crate::ui::context::use_store;
use crate::ui::i18n::panels::{
    button, fill, target_checked, target_value, text, use_id_prefix, use_lang, use_sync_selects,
    PanelText,
};
use crate::ui::panels::console::{past_notice, shell_quote};

/// How long the preview lets the copied cluster run after setting the policy: enough for
/// mirrors to start and for a `nodes` master to move once a slave is synchronised.
pub const PREVIEW_SETTLE: Micros = Micros(5_000_000);

/// How often, at most, the preview is recomputed while the simulation runs and the form
/// stays the same (each preview copies and runs the whole cluster).
const PREVIEW_EVERY_MS: f64 = 250.0;

/// The type of a free key's value, as the management UI's type selector offers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ValueType {
    #[default]
    String,
    Number,
    Boolean,
    List,
}

impl ValueType {
    const ALL: [ValueType; 4] = [
        ValueType::String,
        ValueType::Number,
        ValueType::Boolean,
        ValueType::List,
    ];

    fn index(self) -> usize {
        ValueType::ALL.iter().position(|&v| v == self).unwrap_or(0)
    }
}

/// A definition key the form has no dedicated field for (`max-length`, `message-ttl`, …).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExtraKey {
    pub key: String,
    pub value: String,
    pub ty: ValueType,
}

/// What the form holds: text as typed, so that nothing the learner entered is ever lost or
/// silently corrected. The core decides what is valid.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyForm {
    pub operator: bool,
    pub vhost: String,
    pub name: String,
    pub pattern: String,
    /// `all`, `exchanges` or `queues`.
    pub apply_to: String,
    pub priority: String,
    /// Empty when not set.
    pub ha_mode: String,
    pub ha_params_count: String,
    /// Cluster nodes ticked for `ha-mode: nodes`.
    pub ha_nodes: Vec<String>,
    /// More node names for `nodes`, comma-separated (nodes outside the cluster are allowed).
    pub ha_nodes_extra: String,
    pub ha_sync_mode: String,
    pub ha_sync_batch_size: String,
    pub ha_promote_on_shutdown: String,
    pub ha_promote_on_failure: String,
    pub queue_master_locator: String,
    pub extra: Vec<ExtraKey>,
}

impl Default for PolicyForm {
    fn default() -> Self {
        PolicyForm {
            operator: false,
            vhost: "/".into(),
            name: String::new(),
            pattern: String::new(),
            apply_to: "all".into(),
            priority: "0".into(),
            ha_mode: String::new(),
            ha_params_count: String::new(),
            ha_nodes: Vec::new(),
            ha_nodes_extra: String::new(),
            ha_sync_mode: String::new(),
            ha_sync_batch_size: String::new(),
            ha_promote_on_shutdown: String::new(),
            ha_promote_on_failure: String::new(),
            queue_master_locator: String::new(),
            extra: Vec::new(),
        }
    }
}

/// A number as typed when it reads as a JSON number, else the text as a JSON string, so that
/// RabbitMQ's validation names the value (`<<"two">> given`) instead of a decoding error.
fn number_or_string(s: &str) -> String {
    let t = s.trim();
    match json::parse(t) {
        Ok(Json::Int(_)) | Ok(Json::Float(_)) => t.to_string(),
        _ => json_string(s),
    }
}

fn string_list(items: &[String]) -> String {
    Json::Array(items.iter().cloned().map(Json::Str).collect()).to_json_string()
}

fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(String::from)
        .collect()
}

const HA_MODES: [&str; 3] = ["all", "exactly", "nodes"];
const SYNC_MODES: [&str; 2] = ["manual", "automatic"];
const PROMOTE: [&str; 2] = ["when-synced", "always"];
const LOCATORS: [&str; 3] = ["client-local", "min-masters", "random"];

impl PolicyForm {
    fn kind(&self) -> PolicyKind {
        if self.operator {
            PolicyKind::Operator
        } else {
            PolicyKind::User
        }
    }

    fn priority_or_default(&self) -> &str {
        if self.priority.trim().is_empty() {
            "0"
        } else {
            self.priority.trim()
        }
    }

    /// The `ha-params` node list: ticked cluster nodes, then the typed ones.
    fn node_list(&self) -> Vec<String> {
        let mut v = self.ha_nodes.clone();
        for n in split_list(&self.ha_nodes_extra) {
            if !v.contains(&n) {
                v.push(n);
            }
        }
        v
    }

    /// The definition JSON the form stands for. Fields left empty are left out, so RabbitMQ
    /// answers for the missing key as it would on the command line.
    pub fn definition_json(&self) -> String {
        let mut members: Vec<(String, String)> = Vec::new();
        let mut put = |k: &str, v: String| members.push((k.to_string(), v));
        if !self.ha_mode.is_empty() {
            put("ha-mode", json_string(&self.ha_mode));
        }
        match self.ha_mode.as_str() {
            "exactly" if !self.ha_params_count.trim().is_empty() => {
                put("ha-params", number_or_string(&self.ha_params_count))
            }
            "nodes" => {
                let nodes = self.node_list();
                if !nodes.is_empty() {
                    put("ha-params", string_list(&nodes));
                }
            }
            _ => {}
        }
        for (k, v) in [
            ("ha-sync-mode", &self.ha_sync_mode),
            ("ha-sync-batch-size", &self.ha_sync_batch_size),
            ("ha-promote-on-shutdown", &self.ha_promote_on_shutdown),
            ("ha-promote-on-failure", &self.ha_promote_on_failure),
            ("queue-master-locator", &self.queue_master_locator),
        ] {
            if v.trim().is_empty() {
                continue;
            }
            if k == "ha-sync-batch-size" {
                put(k, number_or_string(v));
            } else {
                put(k, json_string(v));
            }
        }
        for e in &self.extra {
            if e.key.is_empty() {
                continue;
            }
            let v = match e.ty {
                ValueType::String => json_string(&e.value),
                ValueType::Number => number_or_string(&e.value),
                ValueType::Boolean => {
                    if e.value == "false" {
                        "false".into()
                    } else {
                        "true".into()
                    }
                }
                ValueType::List => string_list(&split_list(&e.value)),
            };
            put(&e.key, v);
        }
        let body: Vec<String> = members
            .iter()
            .map(|(k, v)| format!("{}:{}", json_string(k), v))
            .collect();
        format!("{{{}}}", body.join(","))
    }

    /// The `rabbitmqctl` line that sets this policy.
    pub fn set_line(&self) -> String {
        let cmd = if self.operator {
            "set_operator_policy"
        } else {
            "set_policy"
        };
        let mut w = vec!["rabbitmqctl".to_string(), cmd.to_string()];
        if self.vhost != "/" {
            w.push("-p".into());
            w.push(shell_quote(&self.vhost));
        }
        w.push("--priority".into());
        w.push(shell_quote(self.priority_or_default()));
        w.push("--apply-to".into());
        w.push(shell_quote(&self.apply_to));
        w.push(shell_quote(&self.name));
        w.push(shell_quote(&self.pattern));
        // Definitions go in single quotes, as every document writes them.
        w.push(format!(
            "'{}'",
            self.definition_json().replace('\'', r"'\''")
        ));
        w.join(" ")
    }

    /// RabbitMQ's verdict: the policy as it would be stored, or the text after `Error:`.
    pub fn validate(&self) -> Result<ValidatedPolicy, String> {
        parse_set(
            self.kind(),
            &self.name,
            &self.pattern,
            &self.definition_json(),
            self.priority_or_default(),
            &self.apply_to,
        )
    }

    /// A stored policy loaded back into the form. Values the dedicated fields cannot show
    /// (an unknown ha-mode, a list for `exactly`, …) become free keys, so nothing is dropped.
    pub fn from_policy(
        p: StoredPolicy<'_>,
        cluster_nodes: &[String],
        definition_json: &str,
    ) -> PolicyForm {
        let mut f = PolicyForm {
            operator: p.operator,
            vhost: p.vhost.to_string(),
            name: p.name.to_string(),
            pattern: p.pattern.to_string(),
            apply_to: p.apply_to.to_string(),
            priority: p.priority.to_string(),
            ..PolicyForm::default()
        };
        let Ok(Json::Object(members)) = json::parse(definition_json) else {
            // Not decodable: keep the definition visible rather than lose it.
            f.extra.push(ExtraKey {
                key: "definition".into(),
                value: definition_json.to_string(),
                ty: ValueType::String,
            });
            return f;
        };
        let mode = members
            .iter()
            .rev()
            .find(|(k, _)| k == "ha-mode")
            .and_then(|(_, v)| match v {
                Json::Str(s) if HA_MODES.contains(&s.as_str()) => Some(s.clone()),
                _ => None,
            });
        for (k, v) in &members {
            let taken = match (k.as_str(), v) {
                ("ha-mode", Json::Str(s)) if mode.as_deref() == Some(s) => {
                    f.ha_mode = s.clone();
                    true
                }
                ("ha-params", Json::Int(n)) if mode.as_deref() == Some("exactly") => {
                    f.ha_params_count = n.to_string();
                    true
                }
                ("ha-params", Json::Array(items))
                    if mode.as_deref() == Some("nodes")
                        && items.iter().all(|i| matches!(i, Json::Str(_))) =>
                {
                    let mut extra = Vec::new();
                    for i in items {
                        if let Json::Str(s) = i {
                            if cluster_nodes.contains(s) {
                                f.ha_nodes.push(s.clone());
                            } else {
                                extra.push(s.clone());
                            }
                        }
                    }
                    f.ha_nodes_extra = extra.join(", ");
                    true
                }
                ("ha-sync-mode", Json::Str(s)) if SYNC_MODES.contains(&s.as_str()) => {
                    f.ha_sync_mode = s.clone();
                    true
                }
                ("ha-sync-batch-size", Json::Int(n)) => {
                    f.ha_sync_batch_size = n.to_string();
                    true
                }
                ("ha-promote-on-shutdown", Json::Str(s)) if PROMOTE.contains(&s.as_str()) => {
                    f.ha_promote_on_shutdown = s.clone();
                    true
                }
                ("ha-promote-on-failure", Json::Str(s)) if PROMOTE.contains(&s.as_str()) => {
                    f.ha_promote_on_failure = s.clone();
                    true
                }
                ("queue-master-locator", Json::Str(s)) if LOCATORS.contains(&s.as_str()) => {
                    f.queue_master_locator = s.clone();
                    true
                }
                _ => false,
            };
            if taken {
                continue;
            }
            let (value, ty) = match v {
                Json::Str(s) => (s.clone(), ValueType::String),
                Json::Int(_) | Json::Float(_) => (v.to_json_string(), ValueType::Number),
                Json::Bool(b) => (b.to_string(), ValueType::Boolean),
                Json::Array(items) if items.iter().all(|i| matches!(i, Json::Str(_))) => (
                    items
                        .iter()
                        .filter_map(|i| match i {
                            Json::Str(s) => Some(s.as_str()),
                            _ => None,
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                    ValueType::List,
                ),
                other => (other.to_json_string(), ValueType::String),
            };
            f.extra.push(ExtraKey {
                key: k.clone(),
                value,
                ty,
            });
        }
        f
    }
}

/// A stored policy's fields, as `list_policies` prints them.
#[derive(Debug, Clone, Copy)]
pub struct StoredPolicy<'a> {
    pub operator: bool,
    pub vhost: &'a str,
    pub name: &'a str,
    pub pattern: &'a str,
    pub apply_to: &'a str,
    pub priority: i64,
}

/// The `rabbitmqctl` line that deletes a policy.
pub fn clear_line(operator: bool, vhost: &str, name: &str) -> String {
    let cmd = if operator {
        "clear_operator_policy"
    } else {
        "clear_policy"
    };
    crate::ui::panels::console::ctl_line(cmd, vhost, name)
}

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

/// A change to the form; the reducer applies it to the latest form, so quick successive
/// edits never overwrite each other.
pub struct FormEdit(Box<dyn FnOnce(&mut PolicyForm)>);

impl Reducible for PolicyForm {
    type Action = FormEdit;

    fn reduce(self: Rc<Self>, edit: FormEdit) -> Rc<Self> {
        let mut f = (*self).clone();
        (edit.0)(&mut f);
        Rc::new(f)
    }
}

type FormHandle = UseReducerHandle<PolicyForm>;

/// A callback for an `input`/`change` event that stores the element's value with `set`.
fn on_value<E: AsRef<Event> + 'static>(
    form: &FormHandle,
    set: fn(&mut PolicyForm, String),
) -> Callback<E> {
    let d = form.dispatcher();
    Callback::from(move |e: E| {
        let v = target_value(e.as_ref());
        d.dispatch(FormEdit(Box::new(move |f| set(f, v))));
    })
}

/// The cached preview and what it was computed for.
struct PreviewCache {
    form: PolicyForm,
    version: u64,
    at_ms: f64,
    rows: Option<Vec<PreviewRow>>,
}

fn wall_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

/// Admin → Policies.
#[function_component]
pub fn PoliciesView() -> Html {
    let store = use_store();
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

    // The preview: recomputed at once when the form changes, and at most every
    // PREVIEW_EVERY_MS while only the simulation moves.
    let now_ms = wall_ms();
    let stale = {
        let mut c = cache.borrow_mut();
        let fresh = c.as_ref().is_some_and(|c| {
            c.form == *form && (c.version == version || now_ms - c.at_ms < PREVIEW_EVERY_MS)
        });
        if !fresh {
            let rows = match (&verdict, missing_name || missing_pattern) {
                (Ok(p), false) => Some(preview_rows(sim, &form.vhost, form.kind(), p.clone())),
                _ => None,
            };
            *c = Some(PreviewCache {
                form: (*form).clone(),
                version,
                at_ms: now_ms,
                rows,
            });
        }
        c.as_ref().is_some_and(|c| c.version != version)
    };
    let preview = cache.borrow().as_ref().and_then(|c| c.rows.clone());
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

    let policy_table = |operator: bool| -> Html {
        let kind = if operator {
            PolicyKind::Operator
        } else {
            PolicyKind::User
        };
        let list: Vec<_> = vhosts
            .iter()
            .flat_map(|v| sim.policies.list(v, kind))
            .collect();
        if list.is_empty() {
            return html! { <p class="muted">{ t.no_policies }</p> };
        }
        let show_vhost = vhosts.len() > 1;
        let rows: Html = list
            .iter()
            .map(|p| {
                let def = p.spec.definition.to_json_string();
                let stored = StoredPolicy {
                    operator,
                    vhost: &p.vhost,
                    name: &p.spec.name,
                    pattern: p.spec.pattern.source(),
                    apply_to: p.spec.apply_to.as_str(),
                    priority: p.spec.priority,
                };
                let loaded = PolicyForm::from_policy(stored, &nodes, &def);
                let onedit = {
                    let d = form.dispatcher();
                    let root = root.clone();
                    Callback::from(move |_: MouseEvent| {
                        let loaded = loaded.clone();
                        d.dispatch(FormEdit(Box::new(move |f| *f = loaded)));
                        // Take the reader to the form, where the policy now is.
                        if let Some(el) = root
                            .cast::<web_sys::Element>()
                            .and_then(|r| r.query_selector(".policy-form input").ok().flatten())
                        {
                            el.scroll_into_view();
                            if let Ok(h) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
                                let _ = h.focus();
                            }
                        }
                    })
                };
                let ondelete = {
                    let store = store.clone();
                    let sent = sent.clone();
                    let line = clear_line(operator, &p.vhost, &p.spec.name);
                    let before = player.console.len();
                    Callback::from(move |_: MouseEvent| {
                        sent.set(Some((line.clone(), before)));
                        store.dispatch(Action::Console {
                            node: run_on,
                            line: line.clone(),
                        });
                    })
                };
                let name = p.spec.name.clone();
                html! {
                    <tr>
                        if show_vhost { <td data-label={t.col_vhost}>{ p.vhost.clone() }</td> }
                        <td data-label={t.col_name}><strong>{ name.clone() }</strong></td>
                        <td data-label={t.col_pattern}><code>{ p.spec.pattern.source().to_string() }</code></td>
                        <td data-label={t.col_apply_to}>{ apply_to_label(t, p.spec.apply_to.as_str()) }</td>
                        <td data-label={t.col_definition}><code class="wrap">{ def }</code></td>
                        <td data-label={t.col_priority} class="num">{ p.spec.priority }</td>
                        <td data-label={t.col_actions} class="actions">
                            { button(t.edit, Some(fill(t.edit_label, &[("name", &name)])), "btn btn-small", onedit) }
                            { button(t.delete, Some(fill(t.delete_label, &[("name", &name)])),
                                "btn btn-small btn-danger", ondelete) }
                        </td>
                    </tr>
                }
            })
            .collect();
        html! {
            <div class="table-wrap">
                <table class="data-table stack">
                    <thead><tr>
                        if show_vhost { <th scope="col">{ t.col_vhost }</th> }
                        <th scope="col">{ t.col_name }</th>
                        <th scope="col">{ t.col_pattern }</th>
                        <th scope="col">{ t.col_apply_to }</th>
                        <th scope="col">{ t.col_definition }</th>
                        <th scope="col">{ t.col_priority }</th>
                        <th scope="col">{ t.col_actions }</th>
                    </tr></thead>
                    <tbody>{ rows }</tbody>
                </table>
            </div>
        }
    };
    let user_table = policy_table(false);
    let operator_table = policy_table(true);

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
    let verdict_html = match (&verdict, missing_name, missing_pattern) {
        (_, true, _) | (_, _, true) => html! {
            <p class="form-error" role="status">
                { if missing_name { t.missing_name } else { t.missing_pattern } }
            </p>
        },
        (Ok(_), ..) => html! { <p class="form-ok" role="status">{ "✓ " }{ t.validation_ok }</p> },
        (Err(e), ..) => html! {
            <pre class="form-error rabbit-error" role="alert">{ format!("Error:\n{}", e.trim_end()) }</pre>
        },
    };
    let last_html = match last {
        Some(e) => {
            let ok = e.exit_code == 0;
            html! {
                <div class={classes!("last-result", (!ok).then_some("last-failed"))} role="status">
                    <strong>{ t.last_result }{ ": " }</strong>
                    { if ok { t.result_ok } else { t.result_failed } }
                    { " · " }{ fill(t.exit_status, &[("code", &e.exit_code.to_string())]) }
                    <pre>{ e.output.clone() }</pre>
                </div>
            }
        }
        None => html! {},
    };

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

fn apply_to_label(t: &PanelText, v: &str) -> &'static str {
    match v {
        "queues" => t.apply_queues,
        "exchanges" => t.apply_exchanges,
        _ => t.apply_all,
    }
}

/// A `<select>` of fixed values plus "(not set)", bound to one form field.
#[inline(never)]
fn choice(
    form: &FormHandle,
    id: &str,
    value: &str,
    options: &[(&str, &str)],
    set: fn(&mut PolicyForm, String),
) -> Html {
    let opts: Html = options
        .iter()
        .map(|(v, label)| {
            html! { <option value={v.to_string()} selected={*v == value}>{ label.to_string() }</option> }
        })
        .collect();
    html! {
        <select id={id.to_string()} data-value={value.to_string()}
            aria-describedby={format!("{id}-help")} onchange={on_value::<Event>(form, set)}>
            { opts }
        </select>
    }
}

/// One labelled row of the form with its help text.
#[inline(never)]
fn row(id: &str, label: &str, control: Html, help: &str) -> Html {
    // Definition keys are shown as written in JSON, like code.
    let key = label.starts_with("ha-") || label.starts_with("queue-");
    html! {
        <div class="form-row">
            <label for={id.to_string()} class={classes!(key.then_some("key-label"))}>{ label.to_string() }</label>
            <div class="form-control">
                { control }
                if !help.is_empty() {
                    <small class="help" id={format!("{id}-help")}>{ help.to_string() }</small>
                }
            </div>
        </div>
    }
}

#[inline(never)]
fn text_input(
    form: &FormHandle,
    id: &str,
    value: &str,
    set: fn(&mut PolicyForm, String),
    required: bool,
    numeric: bool,
) -> Html {
    html! {
        <input id={id.to_string()} type="text" value={value.to_string()}
            required={required} aria-required={required.then_some("true")}
            inputmode={numeric.then_some("numeric")}
            aria-describedby={format!("{id}-help")} autocomplete="off" spellcheck="false"
            oninput={on_value::<InputEvent>(form, set)} />
    }
}

#[inline(never)]
fn policy_form(
    form: &FormHandle,
    t: &PanelText,
    id: &str,
    nodes: &[String],
    vhosts: &[String],
) -> Html {
    let f: &PolicyForm = form;
    let fid = |s: &str| format!("{id}{s}");
    let unset = t.unset;

    let vhost_opts: Vec<(&str, &str)> = vhosts.iter().map(|v| (v.as_str(), v.as_str())).collect();
    let kind = {
        let d = form.dispatcher();
        let onchange = Callback::from(move |e: Event| {
            let op = target_value(&e) == "operator";
            d.dispatch(FormEdit(Box::new(move |f| f.operator = op)));
        });
        let v = if f.operator { "operator" } else { "user" };
        html! {
            <select id={fid("kind")} data-value={v} {onchange}>
                <option value="user" selected={!f.operator}>{ t.kind_user }</option>
                <option value="operator" selected={f.operator}>{ t.kind_operator }</option>
            </select>
        }
    };

    let ha_params = match f.ha_mode.as_str() {
        "exactly" => row(
            &fid("params"),
            "ha-params",
            text_input(
                form,
                &fid("params"),
                &f.ha_params_count,
                |f, v| f.ha_params_count = v,
                false,
                true,
            ),
            t.help_ha_params,
        ),
        "nodes" => {
            let boxes: Html = nodes
                .iter()
                .map(|n| {
                    let d = form.dispatcher();
                    let name = n.clone();
                    let onchange = Callback::from(move |e: Event| {
                        let on = target_checked(&e);
                        let name = name.clone();
                        d.dispatch(FormEdit(Box::new(move |f| {
                            f.ha_nodes.retain(|x| *x != name);
                            if on {
                                f.ha_nodes.push(name);
                            }
                        })));
                    });
                    html! {
                        <label class="check">
                            <input type="checkbox" checked={f.ha_nodes.contains(n)} {onchange} />
                            { n.clone() }
                        </label>
                    }
                })
                .collect();
            html! {
                <fieldset class="form-row node-picker" aria-describedby={format!("{}-help", fid("params"))}>
                    <legend class="key-label">{ "ha-params" }</legend>
                    <div class="form-control">
                        <div class="checks">{ boxes }</div>
                        <label class="sub-label">
                            <span>{ t.other_nodes }</span>
                            <input type="text" value={f.ha_nodes_extra.clone()} autocomplete="off"
                                spellcheck="false" placeholder="rabbit@node4"
                                oninput={on_value::<InputEvent>(form, |f, v| f.ha_nodes_extra = v)} />
                        </label>
                        <small class="help" id={format!("{}-help", fid("params"))}>
                            { t.help_ha_params }{ " " }{ t.help_ha_params_nodes }
                        </small>
                    </div>
                </fieldset>
            }
        }
        "all" => html! {
            <div class="form-row"><span class="label-like key-label">{ "ha-params" }</span>
                <div class="form-control"><small class="help">{ t.help_ha_params_all }</small></div></div>
        },
        _ => html! {},
    };

    let extras: Html = f
        .extra
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let d = form.dispatcher();
            let set_key = {
                let d = d.clone();
                Callback::from(move |ev: InputEvent| {
                    let v = target_value(&ev);
                    d.dispatch(FormEdit(Box::new(move |f| {
                        if let Some(x) = f.extra.get_mut(i) {
                            x.key = v;
                        }
                    })));
                })
            };
            let set_value = {
                let d = d.clone();
                Callback::from(move |ev: Event| {
                    let v = target_value(&ev);
                    d.dispatch(FormEdit(Box::new(move |f| {
                        if let Some(x) = f.extra.get_mut(i) {
                            x.value = v;
                        }
                    })));
                })
            };
            let set_type = {
                let d = d.clone();
                Callback::from(move |ev: Event| {
                    let ty = target_value(&ev)
                        .parse::<usize>()
                        .ok()
                        .and_then(|k| ValueType::ALL.get(k).copied())
                        .unwrap_or_default();
                    d.dispatch(FormEdit(Box::new(move |f| {
                        if let Some(x) = f.extra.get_mut(i) {
                            x.ty = ty;
                        }
                    })));
                })
            };
            let remove = Callback::from(move |_: MouseEvent| {
                d.dispatch(FormEdit(Box::new(move |f| {
                    if i < f.extra.len() {
                        f.extra.remove(i);
                    }
                })))
            });
            let n = (i + 1).to_string();
            let value_input = if e.ty == ValueType::Boolean {
                let v = if e.value == "false" { "false" } else { "true" };
                html! {
                    <select aria-label={format!("{} {n}", t.value)} data-value={v} onchange={set_value}>
                        <option value="true" selected={v == "true"}>{ "true" }</option>
                        <option value="false" selected={v == "false"}>{ "false" }</option>
                    </select>
                }
            } else {
                let set_value = set_value.reform(|e: InputEvent| -> Event { e.into() });
                html! {
                    <input type="text" aria-label={format!("{} {n}", t.value)} value={e.value.clone()}
                        autocomplete="off" spellcheck="false" oninput={set_value} />
                }
            };
            let types: Html = ValueType::ALL
                .iter()
                .enumerate()
                .map(|(k, ty)| html! {
                    <option value={k.to_string()} selected={*ty == e.ty}>{ t.types[k] }</option>
                })
                .collect();
            html! {
                <div class="extra-row">
                    <input type="text" aria-label={format!("{} {n}", t.key)} value={e.key.clone()}
                        autocomplete="off" spellcheck="false" placeholder="max-length" oninput={set_key} />
                    <span aria-hidden="true">{ "=" }</span>
                    { value_input }
                    <select aria-label={format!("{} {n}", t.value_type)} data-value={e.ty.index().to_string()}
                        onchange={set_type}>{ types }</select>
                    <button type="button" class="btn btn-small" onclick={remove}
                        aria-label={format!("{} {n}", t.remove_key)}>{ "×" }</button>
                </div>
            }
        })
        .collect();
    let add_key = {
        let d = form.dispatcher();
        Callback::from(move |_: MouseEvent| {
            d.dispatch(FormEdit(Box::new(|f| f.extra.push(ExtraKey::default()))))
        })
    };

    let req = |label: &str| format!("{label} *");
    html! {
        <>
            { row(&fid("kind"), t.form_kind, kind, "") }
            if vhosts.len() > 1 {
                { row(&fid("vhost"), t.col_vhost, choice(form, &fid("vhost"), &f.vhost, &vhost_opts, |f, v| f.vhost = v), "") }
            }
            { row(&fid("name"), &req(t.col_name),
                text_input(form, &fid("name"), &f.name, |f, v| f.name = v, true, false), "") }
            { row(&fid("pattern"), &req(t.col_pattern),
                text_input(form, &fid("pattern"), &f.pattern, |f, v| f.pattern = v, true, false), t.help_pattern) }
            { row(&fid("apply"), t.col_apply_to, choice(form, &fid("apply"), &f.apply_to,
                &[("all", t.apply_all), ("exchanges", t.apply_exchanges), ("queues", t.apply_queues)],
                |f, v| f.apply_to = v), "") }
            { row(&fid("priority"), t.col_priority,
                text_input(form, &fid("priority"), &f.priority, |f, v| f.priority = v, false, true), t.help_priority) }
            { row(&fid("mode"), "ha-mode", choice(form, &fid("mode"), &f.ha_mode,
                &[("", unset), ("all", "all"), ("exactly", "exactly"), ("nodes", "nodes")],
                |f, v| f.ha_mode = v), t.help_ha_mode) }
            { ha_params }
            { row(&fid("sync"), "ha-sync-mode", choice(form, &fid("sync"), &f.ha_sync_mode,
                &[("", unset), ("manual", "manual"), ("automatic", "automatic")],
                |f, v| f.ha_sync_mode = v), t.help_sync_mode) }
            { row(&fid("batch"), "ha-sync-batch-size",
                text_input(form, &fid("batch"), &f.ha_sync_batch_size, |f, v| f.ha_sync_batch_size = v, false, true),
                t.help_batch) }
            { row(&fid("shutdown"), "ha-promote-on-shutdown", choice(form, &fid("shutdown"), &f.ha_promote_on_shutdown,
                &[("", unset), ("when-synced", "when-synced"), ("always", "always")],
                |f, v| f.ha_promote_on_shutdown = v), t.help_promote_shutdown) }
            { row(&fid("failure"), "ha-promote-on-failure", choice(form, &fid("failure"), &f.ha_promote_on_failure,
                &[("", unset), ("always", "always"), ("when-synced", "when-synced")],
                |f, v| f.ha_promote_on_failure = v), t.help_promote_failure) }
            { row(&fid("locator"), "queue-master-locator", choice(form, &fid("locator"), &f.queue_master_locator,
                &[("", unset), ("client-local", "client-local"), ("min-masters", "min-masters"), ("random", "random")],
                |f, v| f.queue_master_locator = v), t.help_locator) }
            <fieldset class="form-row extras">
                <legend>{ t.other_keys }</legend>
                <div class="form-control">
                    { extras }
                    { button(&format!("+ {}", t.add_key), None, "btn btn-small", add_key) }
                </div>
            </fieldset>
        </>
    }
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

#[inline(never)]
fn preview_table(
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
    use crate::sim::ctl::shell;
    use crate::ui::i18n::panels::tests_support::player_from;

    fn form() -> PolicyForm {
        PolicyForm {
            name: "mirror_queue".into(),
            pattern: "^queue_".into(),
            apply_to: "queues".into(),
            ha_mode: "exactly".into(),
            ha_params_count: "2".into(),
            ha_sync_mode: "automatic".into(),
            ..PolicyForm::default()
        }
    }

    #[test]
    fn builds_the_seed_command() {
        let f = form();
        assert_eq!(
            f.definition_json(),
            r#"{"ha-mode":"exactly","ha-params":2,"ha-sync-mode":"automatic"}"#
        );
        assert_eq!(
            f.set_line(),
            r#"rabbitmqctl set_policy --priority 0 --apply-to queues mirror_queue "^queue_" '{"ha-mode":"exactly","ha-params":2,"ha-sync-mode":"automatic"}'"#
        );
        assert!(f.validate().is_ok());
    }

    #[test]
    fn every_field_reaches_the_definition() {
        let f = PolicyForm {
            ha_mode: "nodes".into(),
            ha_nodes: vec!["rabbit@node2".into()],
            ha_nodes_extra: " rabbit@node9 , ,rabbit@node2".into(),
            ha_sync_batch_size: "50".into(),
            ha_promote_on_shutdown: "always".into(),
            ha_promote_on_failure: "when-synced".into(),
            queue_master_locator: "min-masters".into(),
            extra: vec![
                ExtraKey {
                    key: "max-length".into(),
                    value: "10".into(),
                    ty: ValueType::Number,
                },
                ExtraKey {
                    key: "x".into(),
                    value: "false".into(),
                    ty: ValueType::Boolean,
                },
                ExtraKey {
                    key: "l".into(),
                    value: "a, b".into(),
                    ty: ValueType::List,
                },
                ExtraKey {
                    key: "dead-letter-exchange".into(),
                    value: "say \"hi\"".into(),
                    ty: ValueType::String,
                },
                ExtraKey::default(),
            ],
            ..form()
        };
        assert_eq!(
            f.definition_json(),
            concat!(
                r#"{"ha-mode":"nodes","ha-params":["rabbit@node2","rabbit@node9"],"#,
                r#""ha-sync-mode":"automatic","ha-sync-batch-size":50,"#,
                r#""ha-promote-on-shutdown":"always","ha-promote-on-failure":"when-synced","#,
                r#""queue-master-locator":"min-masters","max-length":10,"x":false,"l":["a","b"],"#,
                r#""dead-letter-exchange":"say \"hi\""}"#
            )
        );
    }

    #[test]
    fn odd_input_is_passed_on_for_rabbitmq_to_judge() {
        let f = PolicyForm {
            ha_params_count: "two".into(),
            ..form()
        };
        assert!(f.definition_json().contains(r#""ha-params":"two""#));
        let empty = PolicyForm {
            ha_mode: "exactly".into(),
            ..PolicyForm::default()
        };
        assert_eq!(empty.definition_json(), r#"{"ha-mode":"exactly"}"#);
        assert_eq!(PolicyForm::default().definition_json(), "{}");
    }

    #[test]
    fn lines_survive_the_shell() {
        let f = PolicyForm {
            operator: true,
            vhost: "my vhost".into(),
            name: "it's".into(),
            pattern: "^a$|\"b\"".into(),
            priority: "".into(),
            ..form()
        };
        let words = shell::split(&f.set_line()).unwrap();
        assert_eq!(
            words,
            vec![
                "rabbitmqctl",
                "set_operator_policy",
                "-p",
                "my vhost",
                "--priority",
                "0",
                "--apply-to",
                "queues",
                "it's",
                "^a$|\"b\"",
                &f.definition_json(),
            ]
        );
        assert_eq!(
            shell::split(&clear_line(true, "my vhost", "it's")).unwrap(),
            vec![
                "rabbitmqctl",
                "clear_operator_policy",
                "-p",
                "my vhost",
                "it's"
            ]
        );
        assert_eq!(clear_line(false, "/", "ha"), "rabbitmqctl clear_policy ha");
    }

    #[test]
    fn bad_input_gets_rabbitmq_text_not_a_panic() {
        for f in [
            PolicyForm {
                pattern: "(".into(),
                ..form()
            },
            PolicyForm {
                apply_to: "bogus".into(),
                ..form()
            },
            PolicyForm {
                ha_nodes_extra: "\u{0}".into(),
                ha_mode: "nodes".into(),
                ..form()
            },
            PolicyForm {
                extra: vec![ExtraKey {
                    key: "max-length".into(),
                    value: "1,".into(),
                    ty: ValueType::Number,
                }],
                ..form()
            },
        ] {
            let _ = f.validate();
        }
        let e = PolicyForm {
            apply_to: "bogus".into(),
            ..form()
        }
        .validate()
        .unwrap_err();
        assert!(e.contains("apply-to 'bogus' unrecognised"), "{e}");
    }

    #[test]
    fn loads_a_stored_policy() {
        let nodes = vec!["rabbit@node1".to_string(), "rabbit@node2".to_string()];
        let p = StoredPolicy {
            operator: false,
            vhost: "/",
            name: "ha-orders",
            pattern: "^order-queue$",
            apply_to: "queues",
            priority: 3,
        };
        let f = PolicyForm::from_policy(
            p,
            &nodes,
            r#"{"ha-mode":"nodes","ha-params":["rabbit@node1","rabbit@x"],"ha-sync-mode":"automatic","max-length":5,"lazy":true,"tags":["a","b"]}"#,
        );
        assert_eq!(f.ha_mode, "nodes");
        assert_eq!(f.ha_nodes, vec!["rabbit@node1"]);
        assert_eq!(f.ha_nodes_extra, "rabbit@x");
        assert_eq!(f.ha_sync_mode, "automatic");
        assert_eq!(f.priority, "3");
        assert_eq!(f.extra.len(), 3);
        assert_eq!(f.extra[0].ty, ValueType::Number);
        assert_eq!(f.extra[1].ty, ValueType::Boolean);
        assert_eq!(f.extra[2].value, "a, b");
        // The round trip gives the same definition back.
        assert_eq!(
            f.definition_json(),
            r#"{"ha-mode":"nodes","ha-params":["rabbit@node1","rabbit@x"],"ha-sync-mode":"automatic","max-length":5,"lazy":true,"tags":["a","b"]}"#
        );
        let bad = PolicyForm::from_policy(p, &nodes, "not json");
        assert_eq!(bad.extra[0].value, "not json");
    }

    #[test]
    fn preview_comes_from_the_core() {
        let player = player_from(
            "cluster nodes=3\nclient app node=node1\napp declare queue_a durable\napp declare other durable\nwait 50ms\n",
        );
        let f = PolicyForm {
            ha_mode: "all".into(),
            ha_params_count: String::new(),
            ..form()
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
