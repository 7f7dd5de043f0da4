//! What `mirrorscope run` prints: a text report, or one JSON object (`--json`).

use crate::erl::json::Json;
use crate::sim::model::{ConfirmOutcome, QueueId, QueueState};
use crate::sim::scenario::run::Run;

fn s(x: impl Into<String>) -> Json {
    Json::Str(x.into())
}

fn int(n: usize) -> Json {
    Json::Int(n as i64)
}

fn obj(pairs: Vec<(&str, Json)>) -> Json {
    Json::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// The queue table as JSON rows (full node names).
pub fn queues_json(run: &Run) -> Json {
    let sim = &run.sim;
    let rows = (0..sim.queues.len())
        .map(QueueId)
        .filter(|&q| !sim.queue(q).deleted)
        .map(|q| {
            let r = sim.queue(q);
            let m = &sim.procs[r.master.0];
            let nodes =
                |v: Vec<usize>| Json::Array(v.into_iter().map(|n| s(sim.node_name(n))).collect());
            let state = match r.state {
                QueueState::Running => "running",
                QueueState::Syncing => "syncing",
                QueueState::Down => "down",
                QueueState::Stopped => "stopped",
            };
            let available = sim.queue_available(q);
            obj(vec![
                ("vhost", s(&r.vhost)),
                ("name", s(&r.name)),
                ("policy", r.policy.clone().map_or(Json::Null, Json::Str)),
                ("master", s(sim.node_name(sim.master_node(q)))),
                ("master_alive", Json::Bool(available)),
                ("mirrors", nodes(sim.mirror_nodes(q))),
                ("synchronised_mirrors", nodes(sim.synced_nodes(q))),
                ("messages", int(m.depth() as usize)),
                ("messages_unacknowledged", int(m.unacked.len())),
                ("state", s(if available { state } else { "down" })),
            ])
        })
        .collect();
    Json::Array(rows)
}

/// Each client's deliveries, confirms, cancellations and errors.
pub fn clients_json(run: &Run) -> Json {
    let sim = &run.sim;
    Json::Array(
        sim.clients
            .iter()
            .map(|c| {
                let conf = |o: ConfirmOutcome| {
                    Json::Array(
                        c.confirms
                            .iter()
                            .filter(|x| x.2 == o)
                            .map(|x| Json::Int(x.0 as i64))
                            .collect(),
                    )
                };
                obj(vec![
                    ("name", s(&c.name)),
                    ("node", s(sim.node_name(c.node))),
                    ("connected", Json::Bool(c.connected)),
                    (
                        "deliveries",
                        Json::Array(
                            c.deliveries
                                .iter()
                                .map(|d| {
                                    obj(vec![
                                        ("body", s(&d.body)),
                                        ("redelivered", Json::Bool(d.redelivered)),
                                        ("delivery_tag", int(d.delivery_tag as usize)),
                                        ("queue", s(&d.queue)),
                                    ])
                                })
                                .collect(),
                        ),
                    ),
                    (
                        "confirms",
                        obj(vec![
                            ("acked", conf(ConfirmOutcome::Ack)),
                            ("nacked", conf(ConfirmOutcome::Nack)),
                        ]),
                    ),
                    (
                        "unconfirmed",
                        Json::Array(c.unconfirmed.keys().map(|k| Json::Int(*k as i64)).collect()),
                    ),
                    (
                        "cancelled",
                        Json::Array(c.cancelled.iter().map(s).collect()),
                    ),
                    (
                        "errors",
                        Json::Array(c.errors.iter().map(|e| s(e.to_string())).collect()),
                    ),
                ])
            })
            .collect(),
    )
}

/// Each `python` script: state, line, output and error.
pub fn scripts_json(run: &Run) -> Json {
    Json::Array(
        run.scripts
            .all()
            .iter()
            .map(|sc| {
                obj(vec![
                    ("name", s(&sc.name)),
                    ("state", s(sc.state().as_str())),
                    ("line", int(sc.current_line() as usize)),
                    ("output", s(sc.output_text())),
                    ("error", sc.error().map_or(Json::Null, s)),
                ])
            })
            .collect(),
    )
}

/// The checker's findings.
pub fn anomalies_json(run: &Run) -> Json {
    Json::Array(
        crate::sim::checker::check(&run.sim)
            .into_iter()
            .map(|a| {
                obj(vec![
                    ("kind", s(a.kind.as_str())),
                    ("message", s(&a.body)),
                    ("at_us", Json::Int(a.at.0 as i64)),
                    ("detail", s(&a.detail)),
                    (
                        "cause",
                        a.cause.map_or(Json::Null, |(i, t)| {
                            obj(vec![("trace_index", int(i)), ("event", s(t))])
                        }),
                    ),
                ])
            })
            .collect(),
    )
}

/// The whole run as one JSON object.
pub fn to_json(run: &Run) -> Json {
    let steps = run
        .steps
        .iter()
        .map(|st| {
            obj(vec![
                ("line", int(st.line)),
                ("input", s(&st.input)),
                ("output", s(&st.output)),
                ("exit_code", Json::Int(st.exit_code as i64)),
                ("at_us", Json::Int(st.at.0 as i64)),
            ])
        })
        .collect();
    let (passed, failed): (Vec<_>, Vec<_>) = run.expectations.iter().partition(|e| e.passed);
    let exp = |v: Vec<&crate::sim::scenario::run::ExpectResult>| {
        Json::Array(
            v.iter()
                .map(|e| {
                    obj(vec![
                        ("line", int(e.line)),
                        ("expect", s(&e.text)),
                        ("diff", Json::Array(e.diff.iter().map(s).collect())),
                    ])
                })
                .collect(),
        )
    };
    obj(vec![
        ("rabbitmq_version", s("3.10")),
        ("seed", Json::Int(run.sim.config.seed as i64)),
        ("steps", Json::Array(steps)),
        ("queues", queues_json(run)),
        ("clients", clients_json(run)),
        (
            "expectations",
            obj(vec![("passed", exp(passed)), ("failed", exp(failed))]),
        ),
        (
            "warnings",
            Json::Array(run.sim.warnings.iter().map(s).collect()),
        ),
        ("anomalies", anomalies_json(run)),
        ("scripts", scripts_json(run)),
        ("trace_len", int(run.sim.trace.len())),
    ])
}

/// The human-readable report.
pub fn to_text(run: &Run) -> String {
    let mut out = String::new();
    for st in &run.steps {
        out.push_str(&format!(
            "--- line {} [t={}] $ {}\n",
            st.line,
            st.at,
            st.input.replace('\n', "\n    ")
        ));
        if !st.output.is_empty() {
            out.push_str(&st.output);
            out.push('\n');
        }
        if st.exit_code != 0 {
            out.push_str(&format!("(exit code {})\n", st.exit_code));
        }
    }
    for w in &run.sim.warnings {
        out.push_str(&format!("warning: {w}\n"));
    }
    let sim = &run.sim;
    out.push_str(&format!("\n=== queues at t={}\n", sim.now()));
    out.push_str("vhost\tname\tpolicy\tmaster\tmirrors\tsynchronised\tmessages\tunacked\tstate\n");
    for q in (0..sim.queues.len())
        .map(QueueId)
        .filter(|&q| !sim.queue(q).deleted)
    {
        let r = sim.queue(q);
        let names = |v: Vec<usize>| {
            v.iter()
                .map(|&n| sim.node_name(n))
                .collect::<Vec<_>>()
                .join(",")
        };
        let m = &sim.procs[r.master.0];
        let state = if !sim.queue_available(q) {
            "down"
        } else if r.state == QueueState::Syncing {
            "syncing"
        } else {
            "running"
        };
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t[{}]\t[{}]\t{}\t{}\t{}\n",
            r.vhost,
            r.name,
            r.policy.as_deref().unwrap_or(""),
            sim.node_name(sim.master_node(q)),
            names(sim.mirror_nodes(q)),
            names(sim.synced_nodes(q)),
            m.depth(),
            m.unacked.len(),
            state
        ));
    }
    for c in &sim.clients {
        out.push_str(&format!(
            "\n=== client {} ({}, {})\n",
            c.name,
            sim.node_name(c.node),
            if c.connected {
                "connected"
            } else {
                "disconnected"
            }
        ));
        for d in &c.deliveries {
            out.push_str(&format!(
                "  delivery tag={} {:?} redelivered={} from {}\n",
                d.delivery_tag, d.body, d.redelivered, d.queue
            ));
        }
        let acked: Vec<String> = c
            .confirms
            .iter()
            .filter(|x| x.2 == ConfirmOutcome::Ack)
            .map(|x| x.0.to_string())
            .collect();
        let nacked: Vec<String> = c
            .confirms
            .iter()
            .filter(|x| x.2 == ConfirmOutcome::Nack)
            .map(|x| x.0.to_string())
            .collect();
        if !acked.is_empty() || !nacked.is_empty() || !c.unconfirmed.is_empty() {
            out.push_str(&format!(
                "  confirms: acked [{}] nacked [{}] unconfirmed {}\n",
                acked.join(","),
                nacked.join(","),
                c.unconfirmed.len()
            ));
        }
        for t in &c.cancelled {
            out.push_str(&format!("  basic.cancel {t}\n"));
        }
        for e in &c.errors {
            out.push_str(&format!("  error: {e}\n"));
        }
    }
    for sc in run.scripts.all() {
        out.push_str(&format!(
            "\n=== python {} ({} at line {}{})\n",
            sc.name,
            sc.state().as_str(),
            sc.current_line(),
            sc.waiting_on()
                .map(|w| format!(", in {w}"))
                .unwrap_or_default()
        ));
        for line in sc.output_text().lines() {
            out.push_str(&format!("  | {line}\n"));
        }
    }
    let anomalies = crate::sim::checker::check(sim);
    if !anomalies.is_empty() {
        out.push_str(&format!(
            "\n=== anomalies ({}): RabbitMQ's real behaviour, not simulator bugs\n",
            anomalies.len()
        ));
        for a in &anomalies {
            out.push_str(&format!(
                "  {} {:?} at {}: {}",
                a.kind.as_str(),
                a.body,
                a.at,
                a.detail
            ));
            if let Some((_, c)) = &a.cause {
                out.push_str(&format!(" (after: {c})"));
            }
            out.push('\n');
        }
    }
    let failed: Vec<_> = run.expectations.iter().filter(|e| !e.passed).collect();
    out.push_str(&format!(
        "\n=== expectations: {} passed, {} failed\n",
        run.expectations.len() - failed.len(),
        failed.len()
    ));
    for e in failed {
        out.push_str(&format!("FAILED line {}: {}\n", e.line, e.text));
        for d in &e.diff {
            out.push_str(&format!("    {d}\n"));
        }
    }
    out
}
