//! The lab panel: the cost-of-mirroring lab (`crate::lab`) run in the page. Parameters are
//! typed in bounded fields (a refusal is shown under its field); Run works through the
//! experiments a slice at a time after each browser turn, so the page keeps answering, and Stop
//! keeps what was measured. The figures are drawn as SVG bar plots side by side, the seed's
//! beside the measured ones, with the verdicts on the seed's table below.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use yew::prelude::*;

use crate::lab::params::{COST_PARAMS_FROM as COST_FROM, PARAM_NAMES, TEXT_PARAMS};
use crate::lab::refusal::Refusal;
use crate::lab::report::compare;
use crate::lab::runner::LabResults;
use crate::lab::seed::seed_column;
use crate::lab::{Lab, LabParams};
use crate::ui::context::use_lang;
use crate::ui::i18n::lab::{describe, lab_text, refusal, LabText};
use crate::ui::i18n::lang::{fill, Lang};

/// The parameters the form shows as text, by their `LabParams::set` names, in
/// `LabText::labels` order; the workload first, then (from `COST_FROM`) the cost model.
const FIELDS: &[&str] = PARAM_NAMES.split_at(TEXT_PARAMS).0;
/// Simulator events per call of `Lab::work`.
const BUDGET: u64 = 2_000;
/// Wall time a slice may take before the page gets the browser back, ms.
const SLICE_MS: f64 = 8.0;

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Idle,
    Running,
    Stopped,
    Done,
}

/// What the panel draws of a run: copied out of the lab after each slice.
#[derive(Debug, Clone, PartialEq)]
struct Snapshot {
    status: Status,
    done: usize,
    total: usize,
    params: LabParams,
    results: LabResults,
}

/// The lab shared by the slices; `generation` changes on Run and Stop, so a slice scheduled
/// for an older run does nothing.
#[derive(Default)]
struct Driver {
    lab: RefCell<Option<Lab>>,
    generation: Cell<u64>,
}

/// Runs the lab for one slice, publishes what it measured, and asks for the next slice after
/// the browser's turn.
fn drive(driver: Rc<Driver>, generation: u64, set: UseStateSetter<Snapshot>) {
    if driver.generation.get() != generation {
        return;
    }
    let snapshot = {
        let mut slot = driver.lab.borrow_mut();
        let Some(lab) = slot.as_mut() else {
            return;
        };
        let clock = crate::ui::context::performance();
        let start = clock.as_ref().map(|c| c.now());
        let finished = loop {
            if lab.work(BUDGET) {
                break true;
            }
            match (&clock, start) {
                (Some(c), Some(s)) if c.now() - s < SLICE_MS => {}
                _ => break false,
            }
        };
        let (done, total) = lab.progress();
        Snapshot {
            status: if finished {
                Status::Done
            } else {
                Status::Running
            },
            done,
            total,
            params: lab.params().clone(),
            results: lab.results().clone(),
        }
    };
    let running = snapshot.status == Status::Running;
    set.set(snapshot);
    if running {
        gloo_timers::callback::Timeout::new(0, move || drive(driver, generation, set)).forget();
    } else {
        driver.lab.borrow_mut().take();
    }
}

/// Reads the form: the parameters, or the field whose text was refused and why.
fn read_form(values: &[String]) -> Result<LabParams, (usize, Refusal)> {
    let mut p = LabParams::default();
    for (i, name) in FIELDS.iter().enumerate() {
        p.set(name, &values[i]).map_err(|e| (i, e))?;
    }
    p.check().map_err(|e| (field_of(&e), e))?;
    Ok(p)
}

/// The form field a refusal belongs under (the first when it names none).
fn field_of(r: &Refusal) -> usize {
    r.param()
        .and_then(|name| FIELDS.iter().position(|f| *f == name))
        .unwrap_or(0)
}

/// The panel.
#[function_component]
pub fn LabPanel() -> Html {
    let lang = use_lang();
    let t = lab_text(lang);
    let defaults = LabParams::default();
    let values = use_state(|| {
        FIELDS
            .iter()
            .map(|f| defaults.get(f).unwrap_or_default())
            .collect::<Vec<String>>()
    });
    let persistent = use_state_eq(|| false);
    let error = use_state_eq(|| None::<(usize, Refusal)>);
    let driver = use_memo((), |_| Rc::new(Driver::default()));
    let snapshot = use_state(|| Snapshot {
        status: Status::Idle,
        done: 0,
        total: 0,
        params: defaults.clone(),
        results: LabResults::default(),
    });
    let running = snapshot.status == Status::Running;

    let on_run = {
        let values = values.clone();
        let persistent = persistent.clone();
        let error = error.clone();
        let driver = (*driver).clone();
        let set = snapshot.setter();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let params = match read_form(&values) {
                Ok(mut p) => {
                    p.persistent = *persistent;
                    p
                }
                Err(err) => {
                    error.set(Some(err));
                    return;
                }
            };
            error.set(None);
            let lab = match Lab::new(params) {
                Ok(l) => l,
                Err(e) => {
                    error.set(Some((field_of(&e), e)));
                    return;
                }
            };
            let generation = driver.generation.get() + 1;
            driver.generation.set(generation);
            let (done, total) = lab.progress();
            set.set(Snapshot {
                status: Status::Running,
                done,
                total,
                params: lab.params().clone(),
                results: LabResults::default(),
            });
            *driver.lab.borrow_mut() = Some(lab);
            let (d, s) = (driver.clone(), set.clone());
            gloo_timers::callback::Timeout::new(0, move || drive(d, generation, s)).forget();
        })
    };
    let on_stop = {
        let driver = (*driver).clone();
        let snapshot = snapshot.clone();
        Callback::from(move |_: MouseEvent| {
            driver.generation.set(driver.generation.get() + 1);
            driver.lab.borrow_mut().take();
            snapshot.set(Snapshot {
                status: Status::Stopped,
                ..(*snapshot).clone()
            });
        })
    };

    let field = |i: usize| {
        let name = FIELDS[i];
        let id = format!("lab-{name}");
        let oninput = {
            let values = values.clone();
            Callback::from(move |e: InputEvent| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                let mut v = (*values).clone();
                v[i] = input.value();
                values.set(v);
            })
        };
        let err = error.as_ref().filter(|(f, _)| *f == i);
        html! {
            <label class="field-inline" for={id.clone()} style="display:flex;flex-direction:column;gap:2px;min-width:150px;flex:1 1 150px">
                <span class="key-label">{ t.labels[i] }</span>
                <input type="text" id={id} class="form-control" value={values[i].clone()}
                    maxlength="64" autocomplete="off" spellcheck="false" {oninput}
                    aria-invalid={err.is_some().then_some("true")} />
                if let Some((_, msg)) = err {
                    <span class="form-error" role="alert">{ refusal(lang, msg) }</span>
                }
            </label>
        }
    };
    let on_persistent = {
        let persistent = persistent.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            persistent.set(input.checked());
        })
    };
    let status_line = match snapshot.status {
        Status::Idle => t.empty.to_string(),
        Status::Running => fill(
            t.running,
            &[
                ("done", &(snapshot.done + 1).min(snapshot.total).to_string()),
                ("total", &snapshot.total.to_string()),
            ],
        ),
        Status::Stopped => fill(
            t.stopped,
            &[
                ("done", &snapshot.done.to_string()),
                ("total", &snapshot.total.to_string()),
            ],
        ),
        Status::Done => fill(t.done, &[("total", &snapshot.total.to_string())]),
    };
    let has_results = !snapshot.results.load.is_empty()
        || !snapshot.results.sync.is_empty()
        || !snapshot.results.detect.is_empty();
    html! {
        <section class="panel lab-panel" aria-label={t.tab}>
            <p class="panel-note">{ t.intro }</p>
            <form onsubmit={on_run} aria-label={t.tab} novalidate=true>
                <fieldset style="border:0;padding:0;margin:0 0 8px">
                    <legend class="sub-label">{ t.workload }</legend>
                    <div style="display:flex;flex-wrap:wrap;gap:8px">
                        { for (0..COST_FROM).map(field) }
                        <label class="check" style="align-self:end">
                            <input type="checkbox" id="lab-persistent" checked={*persistent} onchange={on_persistent} />
                            { " " }{ t.persistent }
                        </label>
                    </div>
                </fieldset>
                <fieldset style="border:0;padding:0;margin:0 0 8px">
                    <legend class="sub-label">{ t.cost_model }</legend>
                    <div style="display:flex;flex-wrap:wrap;gap:8px">
                        { for (COST_FROM..FIELDS.len()).map(field) }
                    </div>
                </fieldset>
                <div class="form-buttons">
                    <button type="submit" id="lab-run" class="btn btn-primary" disabled={running}>{ t.run }</button>
                    if running {
                        <button type="button" id="lab-stop" class="btn" onclick={on_stop}>{ t.stop }</button>
                    }
                </div>
            </form>
            <p class="lab-status" role="status" aria-live="polite">{ status_line }</p>
            if has_results {
                <LabFigures lang={lang} params={snapshot.params.clone()} results={snapshot.results.clone()} />
            }
        </section>
    }
}

/// What [`LabFigures`] draws.
#[derive(Debug, Clone, PartialEq, Properties)]
pub struct FiguresProps {
    pub lang: Lang,
    pub params: LabParams,
    pub results: LabResults,
}

/// The plots and the verdicts of a lab run's results (finished or not).
#[function_component]
pub fn LabFigures(props: &FiguresProps) -> Html {
    let t = lab_text(props.lang);
    html! {
        <>
            { plots(t, &props.params, &props.results) }
            { verdicts(props.lang, t, &props.results) }
        </>
    }
}

/// One series of bars: its name, fill, and a value per x label.
struct Series {
    name: String,
    color: &'static str,
    values: Vec<Option<f64>>,
}

const MEASURED: &str = "#2f6fb0";
const MEASURED_LIGHT: &str = "#8fb3dd";
const SEED: &str = "#d08a2c";

/// Three significant digits at least (a sync of a few ms must not read 0.00 s).
fn num(v: f64) -> String {
    if v >= 100.0 || v == 0.0 {
        format!("{v:.0}")
    } else {
        let decimals = (2.0 - v.abs().log10().floor()).clamp(1.0, 6.0) as usize;
        format!("{v:.decimals$}")
    }
}

/// A bar plot as SVG: groups of bars over the x labels, the value over each bar.
fn plot(id: &str, title: &str, axis: &str, labels: &[String], series: &[Series]) -> Html {
    let (w, h) = (320.0, 210.0);
    // Room above the bars for the title, the legend and the tallest bar's value.
    let (left, right, top, bottom) = (8.0, 8.0, 50.0, 36.0);
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .fold(0.0f64, |a, &b| a.max(b));
    let max = if max > 0.0 { max } else { 1.0 };
    let plot_w = w - left - right;
    let plot_h = h - top - bottom;
    let group = plot_w / labels.len().max(1) as f64;
    let bar = group * 0.8 / series.len().max(1) as f64;
    let mut bars = Vec::new();
    for (si, s) in series.iter().enumerate() {
        for (li, v) in s.values.iter().enumerate() {
            let Some(v) = *v else { continue };
            let bh = (v / max * plot_h).max(1.0);
            let x = left + group * li as f64 + group * 0.1 + bar * si as f64;
            let y = top + plot_h - bh;
            bars.push(html! {
                <g>
                    <rect x={format!("{x:.1}")} y={format!("{y:.1}")} width={format!("{:.1}", bar * 0.92)}
                        height={format!("{bh:.1}")} fill={s.color}>
                        <title>{ format!("{} {}: {}", labels[li], s.name, num(v)) }</title>
                    </rect>
                    <text x={format!("{:.1}", x + bar * 0.46)} y={format!("{:.1}", y - 2.0)}
                        font-size="8" text-anchor="middle" fill="currentColor">{ num(v) }</text>
                </g>
            });
        }
    }
    let xlabels = labels.iter().enumerate().map(|(li, l)| {
        let x = left + group * (li as f64 + 0.5);
        html! {
            <text x={format!("{x:.1}")} y={format!("{:.1}", top + plot_h + 12.0)} font-size="10"
                text-anchor="middle" fill="currentColor">{ l.clone() }</text>
        }
    });
    let legend = series.iter().enumerate().map(|(si, s)| {
        let x = left + 92.0 * si as f64;
        html! {
            <g>
                <rect x={format!("{x:.0}")} y="22" width="10" height="10" fill={s.color} />
                <text x={format!("{:.0}", x + 13.0)} y="31" font-size="10" fill="currentColor">{ s.name.clone() }</text>
            </g>
        }
    });
    html! {
        <figure class="lab-plot" id={id.to_string()} style="flex:1 1 300px;max-width:460px;margin:0">
            <svg viewBox={format!("0 0 {w} {h}")} role="img" aria-label={title.to_string()}
                style="width:100%;height:auto;display:block">
                <title>{ title }</title>
                <text x="8" y="13" font-size="12" font-weight="600" fill="currentColor">{ title }</text>
                { for legend }
                <line x1={left.to_string()} x2={(w - right).to_string()} y1={(top + plot_h).to_string()}
                    y2={(top + plot_h).to_string()} stroke="currentColor" stroke-width="0.5" />
                { for bars }
                { for xlabels }
                <text x={format!("{:.0}", w / 2.0)} y={format!("{:.0}", h - 4.0)} font-size="10"
                    text-anchor="middle" fill="currentColor">{ axis }</text>
            </svg>
        </figure>
    }
}

/// The six plots, side by side.
fn plots(t: &LabText, params: &LabParams, r: &LabResults) -> Html {
    let labels: Vec<String> = r
        .load
        .iter()
        .map(|row| {
            if row.mirrors.label() == row.mirror_count.to_string() {
                row.mirrors.label()
            } else {
                format!("{} ({})", row.mirrors.label(), row.mirror_count)
            }
        })
        .collect();
    let seed_of = |f: &dyn Fn(&crate::lab::seed::SeedColumn) -> f64| -> Vec<Option<f64>> {
        r.load
            .iter()
            .map(|row| seed_column(row.mirrors).map(f))
            .collect()
    };
    let ms = |v: Option<u64>| v.map(|u| u as f64 / 1000.0);
    let base_sat = r
        .load
        .iter()
        .find(|row| row.mirror_count == 0)
        .and_then(|row| row.saturated_per_sec);
    let seed_name = t.seed.to_string();
    let measured = t.measured.to_string();
    let latency = plot(
        "lab-plot-latency",
        t.plots[0],
        t.axis_mirrors,
        &labels,
        &[
            Series {
                name: t.p50.into(),
                color: MEASURED,
                values: r.load.iter().map(|x| ms(x.p50_us)).collect(),
            },
            Series {
                name: t.p99.into(),
                color: MEASURED_LIGHT,
                values: r.load.iter().map(|x| ms(x.p99_us)).collect(),
            },
            Series {
                name: seed_name.clone(),
                color: SEED,
                values: seed_of(&|c| c.latency_ms),
            },
        ],
    );
    let throughput = plot(
        "lab-plot-throughput",
        t.plots[1],
        t.axis_mirrors,
        &labels,
        &[
            Series {
                name: measured.clone(),
                color: MEASURED,
                values: r.load.iter().map(|x| x.saturated_per_sec).collect(),
            },
            Series {
                name: seed_name.clone(),
                color: SEED,
                values: seed_of(&|c| c.throughput_pct)
                    .into_iter()
                    .map(|p| Some(p? * base_sat? / 100.0))
                    .collect(),
            },
        ],
    );
    let bytes = plot(
        "lab-plot-bytes",
        t.plots[2],
        t.axis_mirrors,
        &labels,
        &[Series {
            name: measured.clone(),
            color: MEASURED,
            values: r.load.iter().map(|x| Some(x.wire_bytes_per_msg)).collect(),
        }],
    );
    let memory = plot(
        "lab-plot-memory",
        t.plots[3],
        t.axis_mirrors,
        &labels,
        &[
            Series {
                name: measured.clone(),
                color: MEASURED,
                values: r.load.iter().map(|x| x.memory_pct).collect(),
            },
            Series {
                name: seed_name,
                color: SEED,
                values: seed_of(&|c| c.memory_pct),
            },
        ],
    );
    let sync_labels: Vec<String> = r
        .sync
        .iter()
        .map(|s| match s.effective_batch {
            Some(e) if e != s.batch => format!(
                "{} ({})",
                s.batch,
                fill(t.batch_default, &[("b", &e.to_string())])
            ),
            _ => s.batch.to_string(),
        })
        .collect();
    let sync = plot(
        "lab-plot-sync",
        t.plots[4],
        t.axis_batch,
        &sync_labels,
        &[Series {
            name: fill(
                "{m} · {n}",
                &[("m", &measured), ("n", &params.sync_messages.to_string())],
            ),
            color: MEASURED,
            values: r
                .sync
                .iter()
                .map(|s| s.micros.map(|u| u as f64 / 1e6))
                .collect(),
        }],
    );
    let detect_labels: Vec<String> = r
        .detect
        .iter()
        .map(|d| d.ticktime_secs.to_string())
        .collect();
    let detect = plot(
        "lab-plot-detect",
        t.plots[5],
        t.axis_ticktime,
        &detect_labels,
        &[
            Series {
                name: t.first_node.into(),
                color: MEASURED,
                values: r
                    .detect
                    .iter()
                    .map(|d| d.first_us.map(|u| u as f64 / 1e6))
                    .collect(),
            },
            Series {
                name: t.last_node.into(),
                color: MEASURED_LIGHT,
                values: r
                    .detect
                    .iter()
                    .map(|d| d.last_us.map(|u| u as f64 / 1e6))
                    .collect(),
            },
        ],
    );
    let traffic_words: Vec<String> = r
        .load
        .iter()
        .filter_map(|row| {
            seed_column(row.mirrors).map(|c| format!("{}: {}", row.mirrors.label(), c.traffic_word))
        })
        .collect();
    html! {
        <div class="lab-plots" style="display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start">
            { latency }{ throughput }
            <div style="flex:1 1 300px;max-width:460px">
                { bytes }
                if !traffic_words.is_empty() {
                    <p class="help">{ format!("{} — {}", t.seed, traffic_words.join(" · ")) }</p>
                }
            </div>
            { memory }{ sync }{ detect }
        </div>
    }
}

/// Per seed column: its figures and what the seed got right and wrong, computed.
fn verdicts(lang: Lang, t: &LabText, r: &LabResults) -> Html {
    let rows = compare(r).into_iter().map(|c| {
        let head = match &c.seed {
            Some(col) => format!("{} = {}", c.mirrors.label(), col.heading),
            None => format!("{}: {}", c.mirrors.label(), t.no_column),
        };
        let items = c.verdicts.iter().map(|v| {
            let word = if v.agrees { t.right } else { t.wrong };
            html! { <li><strong>{ word }</strong>{ t.colon }{ describe(lang, v) }</li> }
        });
        html! {
            <li>
                { head }
                if let Some(col) = &c.seed {
                    <ul>
                        { for items }
                        <li>{ fill(t.availability, &[("a", &col.availability_pct.to_string())]) }</li>
                    </ul>
                }
            </li>
        }
    });
    html! {
        <section class="lab-verdicts" aria-label={t.verdicts}>
            <h3 class="sub-label">{ t.verdicts }</h3>
            <ul>{ for rows }</ul>
        </section>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::lab::Mirrors;
    use crate::ui::ssr::render;

    fn small() -> (LabParams, LabResults) {
        let params = LabParams {
            nodes: 3,
            mirrors: vec![Mirrors::Exactly(0), Mirrors::Exactly(1), Mirrors::All],
            publishers: 1,
            rate: 50,
            seconds: 1,
            batches: vec![1, 64],
            sync_messages: 100,
            ticktimes: vec![1],
            ..LabParams::default()
        };
        let mut lab = Lab::new(params.clone()).unwrap();
        while !lab.work(100_000) {}
        (params, lab.results().clone())
    }

    #[test]
    fn the_figures_draw_six_plots_with_the_seed_beside_in_both_languages() {
        let (params, results) = small();
        for lang in Lang::ALL {
            let t = lab_text(lang);
            let html = render::<LabFigures>(FiguresProps {
                lang,
                params: params.clone(),
                results: results.clone(),
            });
            assert_eq!(html.matches("<svg").count(), 6, "{html}");
            for title in t.plots {
                assert!(html.contains(title), "{lang:?}: no plot {title}");
            }
            assert!(html.contains(t.seed));
            assert!(html.contains("2节点镜像") && html.contains("全节点镜像"));
            assert!(html.contains(&fill(t.batch_default, &[("b", "4096")])));
            let verdict = compare(&results)[1].verdicts[0];
            assert!(html.contains(&describe(lang, &verdict)));
            assert!(html.contains(t.right) || html.contains(t.wrong));
        }
    }

    #[test]
    fn plotted_values_keep_three_significant_digits() {
        assert_eq!(num(0.0039), "0.00390");
        assert_eq!(num(0.025), "0.0250");
        assert_eq!(num(3.04), "3.04");
        assert_eq!(num(12.5), "12.5");
        assert_eq!(num(958.4), "958");
        assert_eq!(num(0.0), "0");
    }

    #[test]
    fn the_form_starts_from_the_defaults_and_refuses_with_the_field() {
        let values: Vec<String> = FIELDS
            .iter()
            .map(|f| LabParams::default().get(f).unwrap())
            .collect();
        assert_eq!(read_form(&values), Ok(LabParams::default()));
        let mut bad = values.clone();
        bad[5] = "0".into();
        let (field, r) = read_form(&bad).unwrap_err();
        assert_eq!(field, 5);
        assert_eq!(refusal(Lang::En, &r), "rate: 0 is out of range (1 to 5000)");
        assert_eq!(refusal(Lang::Zh, &r), "rate：0 超出范围（1 到 5000）");
        let mut bad = values.clone();
        bad[13] = "soon".into();
        let (field, r) = read_form(&bad).unwrap_err();
        assert_eq!(FIELDS[field], "client-latency");
        assert!(refusal(Lang::En, &r).starts_with("client-latency: invalid duration"));
        assert_eq!(
            refusal(Lang::Zh, &r),
            "client-latency：“soon”不是时长（数字加单位 us、ms、s 或 min，如 1ms、500us）"
        );
        let mut bad = values;
        bad[0] = "3".into();
        let (field, r) = read_form(&bad).unwrap_err();
        assert_eq!(FIELDS[field], "mirrors");
        assert_eq!(
            refusal(Lang::Zh, &r),
            "mirrors：3 个镜像需要 4 个节点（节点数为 3）"
        );
        let html = render::<LabPanel>(());
        assert!(html.contains("id=\"lab-run\""));
        for label in lab_text(Lang::En).labels {
            assert!(html.contains(label), "no field {label}");
        }
    }
}
