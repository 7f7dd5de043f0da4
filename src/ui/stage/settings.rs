//! The cluster settings dialog: `net_ticktime` and `cluster_partition_handling` (each node's
//! rabbitmq.conf) and the simulated network's latencies and cost model. It only sends scenario
//! lines: appending to every node's `/etc/rabbitmq/rabbitmq.conf` and restarting the nodes, as
//! console blocks; or restarting the run from a new `config` line. The core decides what the
//! settings do.

use yew::prelude::*;

use crate::sim::engine::Config;
use crate::sim::scenario::parse::{parse, Action as Line};
use crate::sim::scenario::player::Action;
use crate::sim::scenario::print::duration_text;
use crate::sim::time::Micros;
use crate::sim::{PartitionHandling, Sim};
use crate::ui::context::{load, use_lang, use_slow_store};
use crate::ui::i18n::fill;
use crate::ui::i18n::settings::SettingsText;

/// The most seconds the dialog offers for `net_ticktime`.
const MAX_TICKTIME_SECS: f64 = 3600.0;
/// The most milliseconds the dialog offers for a latency or a cost.
const MAX_MS: f64 = 10_000.0;

/// What the learner typed, as text until it is applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub ticktime: String,
    pub handling: PartitionHandling,
    pub latency: String,
    pub client_latency: String,
    pub op_cost: String,
    pub fsync: String,
}

/// A field outside its range: which one, and the range.
#[derive(Debug, Clone, PartialEq)]
pub struct OutOfRange {
    pub field: &'static str,
    pub min: f64,
    pub max: f64,
}

/// Milliseconds as the dialog shows them (`0.5`, `2`).
fn ms_text(d: Micros) -> String {
    let ms = d.0 as f64 / 1000.0;
    format!("{ms}")
}

/// A number typed in `text`, within `0..=max` (or `1..=max` when `positive`).
fn number(text: &str, field: &'static str, positive: bool, max: f64) -> Result<f64, OutOfRange> {
    let min = if positive { 1.0 } else { 0.0 };
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v >= min && v <= max => Ok(v),
        _ => Err(OutOfRange { field, min, max }),
    }
}

/// Milliseconds typed in a field as a duration.
fn ms(text: &str, field: &'static str) -> Result<Micros, OutOfRange> {
    number(text, field, false, MAX_MS).map(|v| Micros((v * 1000.0).round() as u64))
}

impl Draft {
    /// The settings in force: the first member's rabbitmq.conf settings and the run's model.
    pub fn from_sim(sim: &Sim) -> Draft {
        let first = sim.cluster.members().next().unwrap_or(0);
        let s = sim.settings(first);
        Draft {
            ticktime: (s.net_ticktime.0 / 1_000_000).to_string(),
            handling: s.partition_handling,
            latency: ms_text(sim.config.latency),
            client_latency: ms_text(sim.config.client_latency),
            op_cost: ms_text(sim.config.op_cost),
            fsync: ms_text(sim.config.fsync),
        }
    }

    fn ticktime_secs(&self, t: &SettingsText) -> Result<u64, OutOfRange> {
        number(&self.ticktime, t.ticktime, true, MAX_TICKTIME_SECS).map(|v| v.round() as u64)
    }

    /// The `config` line for these settings (only what differs from the defaults; `None` when
    /// nothing does), checked by the scenario parser.
    pub fn config_line(&self, t: &SettingsText) -> Result<Option<String>, OutOfRange> {
        let d = Config::default();
        let ticktime = Micros::from_secs(self.ticktime_secs(t)?);
        let mut kvs: Vec<(String, String)> = Vec::new();
        if ticktime != d.net_ticktime {
            kvs.push(("net_ticktime".into(), (ticktime.0 / 1_000_000).to_string()));
        }
        let durations = [
            ("latency", &self.latency, t.latency, d.latency),
            (
                "client_latency",
                &self.client_latency,
                t.client_latency,
                d.client_latency,
            ),
            ("fsync", &self.fsync, t.fsync, d.fsync),
            ("op_cost", &self.op_cost, t.op_cost, d.op_cost),
        ];
        for (key, text, field, default) in durations {
            let v = ms(text, field)?;
            if v != default {
                kvs.push((key.into(), duration_text(v.0)));
            }
        }
        if self.handling != d.partition_handling {
            kvs.push(("partition_handling".into(), self.handling.as_str().into()));
        }
        Ok((!kvs.is_empty()).then(|| Line::Config(kvs).to_string()))
    }

    /// Per member node, the console block that appends the changed rabbitmq.conf lines and
    /// restarts the node (nodes already running with these settings are left alone).
    pub fn live_blocks(
        &self,
        sim: &Sim,
        t: &SettingsText,
    ) -> Result<Vec<(usize, String)>, OutOfRange> {
        let secs = self.ticktime_secs(t)?;
        let mut out = Vec::new();
        for n in sim.cluster.members() {
            let s = sim.settings(n);
            let mut lines = Vec::new();
            if s.net_ticktime != Micros::from_secs(secs) {
                lines.push(format!("net_ticktime = {secs}"));
            }
            if s.partition_handling != self.handling {
                lines.push(format!("cluster_partition_handling = {}", self.handling));
            }
            if lines.is_empty() {
                continue;
            }
            let mut block: Vec<String> = lines
                .iter()
                .map(|l| {
                    let redirected = Line::Redirected {
                        node: None,
                        words: vec!["echo".into(), l.clone()],
                        redirect: crate::sim::ctl::block::Redirect {
                            path: crate::sim::rabbitmq_conf::CONF_PATH.into(),
                            append: true,
                        },
                    };
                    redirected.to_string()
                })
                .collect();
            block.push("systemctl restart rabbitmq-server".into());
            out.push((n, block.join("\n")));
        }
        Ok(out)
    }
}

/// `scenario` (a session's saved text) with its `config` line replaced by `config` (removed
/// when `None`): the run replayed from time zero with other settings.
pub fn with_config(scenario: &str, config: Option<&str>) -> String {
    let steps = parse(scenario).unwrap_or_default();
    let setup = steps
        .iter()
        .take_while(|s| matches!(s.action, Line::Cluster(_) | Line::Seed(_) | Line::Config(_)))
        .count();
    let last_setup_line = steps.get(setup.wrapping_sub(1)).map_or(0, |s| s.line);
    let mut out: Vec<String> = steps[..setup]
        .iter()
        .filter(|s| !matches!(s.action, Line::Config(_)))
        .map(|s| s.text.clone())
        .collect();
    out.extend(config.map(str::to_string));
    out.extend(scenario.lines().skip(last_setup_line).map(str::to_string));
    let mut text = out.join("\n");
    text.push('\n');
    text
}

#[derive(Properties, PartialEq)]
pub struct SettingsProps {
    pub on_close: Callback<()>,
}

/// The dialog, open while the stage shows it.
#[function_component]
pub fn SettingsDialog(props: &SettingsProps) -> Html {
    let store = use_slow_store();
    let t = use_lang().settings_text();
    let draft = {
        let store = store.clone();
        use_state(move || Draft::from_sim(store.player().view()))
    };
    let message = use_state(|| None::<String>);
    let player = store.player();
    let sim = player.view();
    let in_force: Vec<String> = sim
        .cluster
        .members()
        .map(|n| {
            let s = sim.settings(n);
            format!(
                "{} {} {} s",
                sim.cluster.nodes[n].host(),
                s.partition_handling,
                s.net_ticktime.0 / 1_000_000
            )
        })
        .collect();
    drop(player);

    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    let onkeydown = {
        let on_close = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                on_close.emit(());
            }
        })
    };
    let refused = |e: OutOfRange| {
        fill(
            t.out_of_range,
            &[
                ("field", e.field),
                ("min", &e.min.to_string()),
                ("max", &e.max.to_string()),
            ],
        )
    };
    let apply_live = {
        let store = store.clone();
        let draft = draft.clone();
        let message = message.clone();
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| {
            let blocks = draft.live_blocks(store.player().view(), t);
            match blocks {
                Err(e) => message.set(Some(refused(e))),
                Ok(b) if b.is_empty() => message.set(Some(t.nothing_changed.to_string())),
                Ok(b) => {
                    for (node, line) in b {
                        store.dispatch(Action::Console { node, line });
                    }
                    on_close.emit(());
                }
            }
        })
    };
    let apply_restart = {
        let store = store.clone();
        let draft = draft.clone();
        let message = message.clone();
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| match draft.config_line(t) {
            Err(e) => message.set(Some(refused(e))),
            Ok(line) => {
                let scenario = store.player().session.to_scenario();
                load(&store, with_config(&scenario, line.as_deref()));
                on_close.emit(());
            }
        })
    };
    let edit = |set: fn(&mut Draft, String)| {
        let draft = draft.clone();
        let message = message.clone();
        Callback::from(move |e: InputEvent| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else {
                return;
            };
            let mut next = (*draft).clone();
            set(&mut next, input.value());
            draft.set(next);
            message.set(None);
        })
    };
    let onmode = {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else {
                return;
            };
            if let Some(mode) = PartitionHandling::from_name(&select.value()) {
                let mut next = (*draft).clone();
                next.handling = mode;
                draft.set(next);
            }
        })
    };
    let field = |id: &str, label: &str, value: &str, oninput: Callback<InputEvent>, step: &str| {
        html! {
            <label class="settings-field" for={id.to_string()}>
                <span>{ label.to_string() }</span>
                <input id={id.to_string()} type="number" min="0" step={step.to_string()}
                    value={value.to_string()} {oninput} />
            </label>
        }
    };
    let modes: Html = PartitionHandling::ALL
        .iter()
        .map(|m| html! { <option value={m.as_str()} selected={*m == draft.handling}>{ m.as_str() }</option> })
        .collect();

    html! {
        <div class="dialog-backdrop" onclick={close.clone()}>
            <div class="dialog settings-dialog" role="dialog" aria-modal="true" aria-labelledby="settings-h"
                onclick={|e: MouseEvent| e.stop_propagation()} {onkeydown}>
                <h2 id="settings-h">{ t.title }</h2>
                <p class="hint">{ t.intro }</p>
                <fieldset>
                    <legend>{ t.conf_heading }</legend>
                    { field("set-ticktime", t.ticktime, &draft.ticktime,
                        edit(|d, v| d.ticktime = v), "1") }
                    <p class="hint">{ t.ticktime_hint }</p>
                    <label class="settings-field" for="set-handling">
                        <span>{ t.handling }</span>
                        <select id="set-handling" onchange={onmode}>{ modes }</select>
                    </label>
                    <p class="hint mode-effect">{ t.effect(draft.handling) }</p>
                    <p class="hint">{ fill(t.in_force, &[("nodes", &in_force.join(" · "))]) }</p>
                    <button type="button" class="btn primary" onclick={apply_live}>{ t.apply_live }</button>
                    <p class="hint">{ t.apply_live_hint }</p>
                </fieldset>
                <fieldset>
                    <legend>{ t.sim_heading }</legend>
                    <p class="hint">{ t.sim_hint }</p>
                    { field("set-latency", t.latency, &draft.latency, edit(|d, v| d.latency = v), "0.1") }
                    { field("set-client-latency", t.client_latency, &draft.client_latency,
                        edit(|d, v| d.client_latency = v), "0.1") }
                    { field("set-op-cost", t.op_cost, &draft.op_cost, edit(|d, v| d.op_cost = v), "0.01") }
                    { field("set-fsync", t.fsync, &draft.fsync, edit(|d, v| d.fsync = v), "0.1") }
                </fieldset>
                if let Some(m) = &*message {
                    <p class="hint warn" role="alert">{ m.clone() }</p>
                }
                <div class="btn-row">
                    <button type="button" class="btn" onclick={apply_restart}>{ t.apply_restart }</button>
                    <button type="button" class="btn" onclick={close}>{ t.cancel }</button>
                </div>
                <p class="hint">{ t.apply_restart_hint }</p>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::player::Player;
    use crate::ui::i18n::Lang;

    fn sim3() -> Player {
        Player::new()
    }

    #[test]
    fn the_defaults_make_no_config_line_and_a_change_makes_one_the_parser_reads() {
        let t = Lang::En.settings_text();
        let p = sim3();
        let mut d = Draft::from_sim(p.view());
        assert_eq!(d.ticktime, "60");
        assert_eq!(d.latency, "1");
        assert_eq!(d.client_latency, "0.5");
        assert_eq!(d.config_line(t), Ok(None));
        d.ticktime = "30".into();
        d.handling = PartitionHandling::PauseMinority;
        d.latency = "2.5".into();
        let line = d.config_line(t).unwrap().unwrap();
        assert_eq!(
            line,
            "config net_ticktime=30 latency=2500us partition_handling=pause_minority"
        );
        assert!(parse(&line).is_ok());
        d.fsync = "-1".into();
        assert_eq!(d.config_line(t).unwrap_err().field, t.fsync);
    }

    #[test]
    fn live_blocks_append_and_restart_each_node() {
        let t = Lang::Zh.settings_text();
        let mut p = sim3();
        let mut d = Draft::from_sim(p.view());
        d.handling = PartitionHandling::PauseMinority;
        let blocks = d.live_blocks(p.view(), t).unwrap();
        assert_eq!(blocks.len(), 3);
        assert_eq!(
            blocks[0].1,
            "echo \"cluster_partition_handling = pause_minority\" >> /etc/rabbitmq/rabbitmq.conf\nsystemctl restart rabbitmq-server"
        );
        for (node, line) in blocks {
            p.apply(Action::Console { node, line });
        }
        assert!(
            p.console.iter().all(|e| e.exit_code == 0),
            "{:?}",
            p.console
        );
        assert!((0..3)
            .all(|n| p.view().settings(n).partition_handling == PartitionHandling::PauseMinority));
        assert!(d.live_blocks(p.view(), t).unwrap().is_empty());
    }

    #[test]
    fn a_new_config_line_replaces_the_old_and_keeps_the_inputs() {
        let text =
            "cluster nodes=3\nseed 7\nconfig latency=2ms\nrabbitmqctl list_policies\nwait 1s\n";
        assert_eq!(
            with_config(text, Some("config net_ticktime=30")),
            "cluster nodes=3\nseed 7\nconfig net_ticktime=30\nrabbitmqctl list_policies\nwait 1s\n"
        );
        assert_eq!(
            with_config("cluster nodes=3\nkill node1\n", None),
            "cluster nodes=3\nkill node1\n"
        );
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod ssr_tests {
    use yew::prelude::*;

    use super::SettingsDialog;
    use crate::ui::context::{Store, StoreHandle};
    use crate::ui::i18n::panels::tests_support::player_from;
    use crate::ui::i18n::Lang;

    #[derive(Properties, PartialEq)]
    struct HarnessProps {
        lang: Lang,
    }

    #[function_component]
    fn Harness(p: &HarnessProps) -> Html {
        let store = use_reducer(|| {
            Store::new(player_from(
                "cluster nodes=3\nconfig partition_handling=autoheal net_ticktime=30\n",
            ))
        });
        html! {
            <ContextProvider<StoreHandle> context={store}>
                <ContextProvider<Lang> context={p.lang}>
                    <SettingsDialog on_close={Callback::noop()} />
                </ContextProvider<Lang>>
            </ContextProvider<StoreHandle>>
        }
    }

    #[test]
    fn the_dialog_shows_the_settings_in_force_in_both_languages() {
        for lang in [Lang::En, Lang::Zh] {
            let t = lang.settings_text();
            let html = crate::ui::ssr::render::<Harness>(HarnessProps { lang });
            assert!(html.contains("role=\"dialog\""), "{html}");
            assert!(html.contains(t.title) && html.contains(t.apply_live));
            assert!(html.contains("value=\"30\""), "{html}");
            assert!(html.contains("node2 autoheal 30 s"), "{html}");
            assert!(html.contains(t.mode_effects[2]));
            for mode in ["ignore", "pause_minority", "autoheal"] {
                assert!(html.contains(&format!("value=\"{mode}\"")), "{mode}");
            }
        }
    }
}
