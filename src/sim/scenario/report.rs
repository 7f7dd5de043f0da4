//! What `mirrorscope run` prints: a text report, or one JSON object (`--json`).
//!
//! The JSON report is a set of `serde`-serialized types, written by `serde_json` in compact form
//! (no spaces, fields in declaration order); docs/report-json.md documents every field.

use crate::sim::checker;
use crate::sim::model::{ConfirmOutcome, QueueId, QueueState};
use crate::sim::scenario::run::{ExpectResult, Run};
use serde::Serialize;

/// The whole run, as `mirrorscope run --json` prints it.
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    /// The RabbitMQ version simulated, `3.10`.
    pub rabbitmq_version: &'static str,
    /// The seed the run used.
    pub seed: u64,
    /// Every step of the scenario, in order.
    pub steps: Vec<StepReport<'a>>,
    /// The queue table at the end of the run (deleted queues left out).
    pub queues: Vec<QueueRow<'a>>,
    /// Each client at the end of the run.
    pub clients: Vec<ClientReport<'a>>,
    /// The `expect` lines, passed and failed.
    pub expectations: Expectations<'a>,
    /// The simulator's warnings (things it could not model), in order.
    pub warnings: &'a [String],
    /// The checker's findings: RabbitMQ's real behaviour, not simulator bugs.
    pub anomalies: Vec<AnomalyRow>,
    /// Each `python` script.
    pub scripts: Vec<ScriptReport<'a>>,
    /// How many events the trace holds.
    pub trace_len: usize,
    /// The `caption` lines in time order (left out when there are none, so reports of
    /// scenarios without narration are unchanged).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub captions: Vec<CaptionReport<'a>>,
    /// The `mark` lines (chapters) in time order (left out when there are none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub marks: Vec<MarkReport<'a>>,
}

/// A caption placed in time.
#[derive(Debug, Serialize)]
pub struct CaptionReport<'a> {
    /// When it starts showing, in microseconds.
    pub at_us: u64,
    /// When it stops (`for=`), or `null`: until the next caption.
    pub until_us: Option<u64>,
    pub en: &'a str,
    /// The Chinese text, or `null` (the player shows `en`).
    pub zh: Option<&'a str>,
}

/// A mark (chapter) placed in time.
#[derive(Debug, Serialize)]
pub struct MarkReport<'a> {
    pub at_us: u64,
    pub name: &'a str,
}

/// One scenario step and what it printed.
#[derive(Debug, Serialize)]
pub struct StepReport<'a> {
    /// 1-based line of the scenario file.
    pub line: usize,
    /// The step as written (a command continued over several lines keeps its line feeds).
    pub input: &'a str,
    /// What the step printed (empty for a set-up line).
    pub output: &'a str,
    /// The step's exit code (0 for steps that are not commands).
    pub exit_code: i32,
    /// Simulated time at the step, in microseconds.
    pub at_us: u64,
}

/// One row of the queue table (full node names).
#[derive(Debug, Serialize)]
pub struct QueueRow<'a> {
    pub vhost: &'a str,
    pub name: &'a str,
    /// The policy in effect, `null` for none.
    pub policy: Option<&'a str>,
    /// The node of the master.
    pub master: &'a str,
    /// Whether the master's node is up, so the queue is available.
    pub master_alive: bool,
    /// The nodes of the mirrors (slaves).
    pub mirrors: Vec<&'a str>,
    /// The nodes of the synchronised mirrors.
    pub synchronised_mirrors: Vec<&'a str>,
    /// Messages in the queue (ready and unacknowledged).
    pub messages: u64,
    pub messages_unacknowledged: usize,
    /// `running`, `syncing`, `stopped` or `down` (`down` whenever the master is unavailable).
    pub state: &'static str,
}

/// One client's deliveries, confirms, cancellations and errors.
#[derive(Debug, Serialize)]
pub struct ClientReport<'a> {
    pub name: &'a str,
    /// The node it connected to.
    pub node: &'a str,
    pub connected: bool,
    pub deliveries: Vec<DeliveryRow<'a>>,
    pub confirms: Confirms,
    /// Publish sequence numbers still waiting for a confirm.
    pub unconfirmed: Vec<u64>,
    /// Consumer tags the broker cancelled (`basic.cancel`).
    pub cancelled: &'a [String],
    /// Errors the client saw (channel and connection closes, and `basic.get-empty`), as pika
    /// shows them.
    pub errors: Vec<String>,
}

/// One message delivered to a client.
#[derive(Debug, Serialize)]
pub struct DeliveryRow<'a> {
    pub body: &'a str,
    pub redelivered: bool,
    pub delivery_tag: u64,
    /// The queue it came from.
    pub queue: &'a str,
}

/// A client's publisher confirms by outcome: publish sequence numbers.
#[derive(Debug, Serialize)]
pub struct Confirms {
    pub acked: Vec<u64>,
    pub nacked: Vec<u64>,
}

/// The `expect` lines, split by outcome, each in scenario order.
#[derive(Debug, Serialize)]
pub struct Expectations<'a> {
    pub passed: Vec<ExpectationRow<'a>>,
    pub failed: Vec<ExpectationRow<'a>>,
}

/// One `expect` line.
#[derive(Debug, Serialize)]
pub struct ExpectationRow<'a> {
    pub line: usize,
    /// The `expect` line as written.
    pub expect: &'a str,
    /// For a failure, each `key: expected X, got Y`; empty for a pass.
    pub diff: &'a [String],
}

/// One checker finding.
#[derive(Debug, Serialize)]
pub struct AnomalyRow {
    /// `lost`, `duplicate`, `acked_came_back` or `reordered`.
    pub kind: &'static str,
    /// The message's body.
    pub message: String,
    /// Simulated time of the finding, in microseconds.
    pub at_us: u64,
    /// The explanation.
    pub detail: String,
    /// The last notable trace event at or before it, `null` for none.
    pub cause: Option<Cause>,
}

/// The trace event a finding follows.
#[derive(Debug, Serialize)]
pub struct Cause {
    /// Its index in the trace.
    pub trace_index: usize,
    /// The event as the trace prints it.
    pub event: String,
}

/// One `python` script.
#[derive(Debug, Serialize)]
pub struct ScriptReport<'a> {
    pub name: &'a str,
    /// `running`, `waiting`, `paused`, `finished`, `failed` or `stopped`.
    pub state: &'static str,
    /// The line it is at (or ended at).
    pub line: u32,
    /// Everything it printed.
    pub output: String,
    /// The uncaught exception, `null` for none.
    pub error: Option<&'a str>,
}

/// The queue table.
pub fn queue_rows(run: &Run) -> Vec<QueueRow<'_>> {
    let sim = &run.sim;
    (0..sim.queues.len())
        .map(QueueId)
        .filter(|&q| !sim.queue(q).deleted)
        .map(|q| {
            let r = sim.queue(q);
            let m = &sim.procs[r.master.0];
            let nodes = |v: Vec<usize>| v.into_iter().map(|n| sim.node_name(n)).collect();
            let state = match r.state {
                QueueState::Running => "running",
                QueueState::Syncing => "syncing",
                QueueState::Down => "down",
                QueueState::Stopped => "stopped",
            };
            let available = sim.queue_available(q);
            QueueRow {
                vhost: &r.vhost,
                name: &r.name,
                policy: r.policy.as_deref(),
                master: sim.node_name(sim.master_node(q)),
                master_alive: available,
                mirrors: nodes(sim.mirror_nodes(q)),
                synchronised_mirrors: nodes(sim.synced_nodes(q)),
                messages: m.depth(),
                messages_unacknowledged: m.unacked.len(),
                state: if available { state } else { "down" },
            }
        })
        .collect()
}

/// Each client's deliveries, confirms, cancellations and errors.
pub fn client_reports(run: &Run) -> Vec<ClientReport<'_>> {
    let sim = &run.sim;
    sim.clients
        .iter()
        .map(|c| {
            let conf = |o: ConfirmOutcome| {
                c.confirms
                    .iter()
                    .filter(|x| x.2 == o)
                    .map(|x| x.0)
                    .collect()
            };
            ClientReport {
                name: &c.name,
                node: sim.node_name(c.node),
                connected: c.connected,
                deliveries: c
                    .deliveries
                    .iter()
                    .map(|d| DeliveryRow {
                        body: &d.body,
                        redelivered: d.redelivered,
                        delivery_tag: d.delivery_tag,
                        queue: &d.queue,
                    })
                    .collect(),
                confirms: Confirms {
                    acked: conf(ConfirmOutcome::Ack),
                    nacked: conf(ConfirmOutcome::Nack),
                },
                unconfirmed: c.unconfirmed.keys().copied().collect(),
                cancelled: &c.cancelled,
                errors: c.errors.iter().map(ToString::to_string).collect(),
            }
        })
        .collect()
}

/// Each `python` script: state, line, output and error.
pub fn script_reports(run: &Run) -> Vec<ScriptReport<'_>> {
    run.scripts
        .all()
        .iter()
        .map(|sc| ScriptReport {
            name: &sc.name,
            state: sc.state().as_str(),
            line: sc.current_line(),
            output: sc.output_text(),
            error: sc.error(),
        })
        .collect()
}

/// The checker's findings.
pub fn anomaly_rows(run: &Run) -> Vec<AnomalyRow> {
    checker::check(&run.sim)
        .into_iter()
        .map(|a| AnomalyRow {
            kind: a.kind.as_str(),
            message: a.body,
            at_us: a.at.0,
            detail: a.detail.to_string(),
            cause: a
                .cause
                .map(|(trace_index, event)| Cause { trace_index, event }),
        })
        .collect()
}

/// The whole run as one report.
pub fn report(run: &Run) -> Report<'_> {
    let steps = run
        .steps
        .iter()
        .map(|st| StepReport {
            line: st.line,
            input: &st.input,
            output: &st.output,
            exit_code: st.exit_code,
            at_us: st.at.0,
        })
        .collect();
    let rows = |passed: bool| {
        run.expectations
            .iter()
            .filter(|e| e.passed == passed)
            .map(|e: &ExpectResult| ExpectationRow {
                line: e.line,
                expect: &e.text,
                diff: &e.diff,
            })
            .collect()
    };
    Report {
        rabbitmq_version: "3.10",
        seed: run.sim.config.seed,
        steps,
        queues: queue_rows(run),
        clients: client_reports(run),
        expectations: Expectations {
            passed: rows(true),
            failed: rows(false),
        },
        warnings: &run.sim.warnings,
        anomalies: anomaly_rows(run),
        scripts: script_reports(run),
        trace_len: run.sim.trace.len(),
        captions: run
            .narration
            .captions
            .iter()
            .map(|c| CaptionReport {
                at_us: c.at.0,
                until_us: c.until.map(|u| u.0),
                en: &c.en,
                zh: c.zh.as_deref(),
            })
            .collect(),
        marks: run
            .narration
            .marks
            .iter()
            .map(|m| MarkReport {
                at_us: m.at.0,
                name: &m.name,
            })
            .collect(),
    }
}

/// The whole run as one line of compact JSON (see docs/report-json.md).
pub fn to_json(run: &Run) -> String {
    // serde_json fails only on a map with non-string keys or a `Serialize` impl that reports
    // an error; the report types have neither.
    serde_json::to_string(&report(run)).expect("the report types always serialize")
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
            match (c.connected, c.channel_closed) {
                (true, false) => "connected",
                (true, true) => "connected, channel closed by the broker",
                (false, _) => "disconnected",
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
    let anomalies = checker::check(sim);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::erl::json::encode::json_string;
    use crate::sim::scenario::parse::parse;
    use crate::sim::scenario::run::run_steps;

    #[test]
    fn serde_json_escapes_strings_as_the_erl_writer_does() {
        // The report was written by erl's writer before it was typed: the same escapes keep
        // every report byte-identical.
        let all: String = (0u32..0x300)
            .filter_map(char::from_u32)
            .chain(['\u{2028}', '\u{feff}', '😀'])
            .collect();
        assert_eq!(serde_json::to_string(&all).ok(), Some(json_string(&all)));
    }

    #[test]
    fn a_small_run_reports_every_field_in_order() {
        let text = "cluster nodes=2\nseed 3\nclient app node=node1\napp declare q\n\
                    app publish q \"a\\tb\"\nwait 10ms\nexpect queue q messages=2\n\
                    rabbitmqctl list_queues name\n";
        let run = run_steps(&parse(text).expect("parses"), None);
        assert_eq!(
            to_json(&run),
            concat!(
                r#"{"rabbitmq_version":"3.10","seed":3,"steps":["#,
                r#"{"line":1,"input":"cluster nodes=2","output":"","exit_code":0,"at_us":0},"#,
                r#"{"line":2,"input":"seed 3","output":"","exit_code":0,"at_us":0},"#,
                r#"{"line":3,"input":"client app node=node1","output":"connected to rabbit@node1","exit_code":0,"at_us":0},"#,
                r#"{"line":4,"input":"app declare q","output":"declare-ok q","exit_code":0,"at_us":0},"#,
                r#"{"line":5,"input":"app publish q \"a\\tb\"","output":"published 1","exit_code":0,"at_us":0},"#,
                r#"{"line":8,"input":"rabbitmqctl list_queues name","output":"Timeout: 60.0 seconds ...\nListing queues for vhost / ...\nname\nq","exit_code":0,"at_us":10000}],"#,
                r#""queues":[{"vhost":"/","name":"q","policy":null,"master":"rabbit@node1","master_alive":true,"mirrors":[],"synchronised_mirrors":[],"messages":1,"messages_unacknowledged":0,"state":"running"}],"#,
                r#""clients":[{"name":"app","node":"rabbit@node1","connected":true,"deliveries":[],"confirms":{"acked":[],"nacked":[]},"unconfirmed":[],"cancelled":[],"errors":[]}],"#,
                r#""expectations":{"passed":[],"failed":[{"line":7,"expect":"expect queue q messages=2","diff":["messages: expected 2, got 1"]}]},"#,
                r#""warnings":[],"anomalies":[],"scripts":[],"trace_len":7}"#
            )
        );
    }
}
