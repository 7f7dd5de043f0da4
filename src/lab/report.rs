//! The lab's figures as the CLI prints them: the measured table, the seed's beside it, and per
//! row what the seed got right and wrong; and the verdicts the page draws from.

use std::fmt::Write as _;

use serde::Serialize;

use crate::lab::params::{LabParams, Mirrors};
use crate::lab::runner::{LabResults, LoadRow};
use crate::lab::seed::{seed_column, Figure, SeedColumn, Verdict};

/// A measured row with its seed column and the verdicts on each of the seed's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Compared {
    pub mirrors: Mirrors,
    pub seed: Option<SeedColumn>,
    pub verdicts: Vec<Verdict>,
}

fn row_of(results: &LabResults, m: Mirrors) -> Option<&LoadRow> {
    results.load.iter().find(|r| r.mirrors == m)
}

/// Each measured row beside the seed's column of the same mirror count (if it has one).
pub fn compare(results: &LabResults) -> Vec<Compared> {
    let base = row_of(results, Mirrors::Exactly(0));
    let mut out = Vec::new();
    let mut previous_wire: Option<f64> = None;
    for row in &results.load {
        let seed = seed_column(row.mirrors).copied();
        let mut verdicts = Vec::new();
        if let Some(col) = &seed {
            if let (Some(b), Some(s)) = (
                base.and_then(|b| b.saturated_per_sec),
                row.saturated_per_sec,
            ) {
                if b > 0.0 {
                    verdicts.push(Verdict::share(
                        Figure::Throughput,
                        col.throughput_pct,
                        s * 100.0 / b,
                    ));
                }
            }
            if let Some(p50) = row.p50_us {
                verdicts.push(Verdict::latency(col.latency_ms, p50 as f64 / 1000.0));
            }
            if let Some(mem) = row.memory_pct {
                verdicts.push(Verdict::share(Figure::Memory, col.memory_pct, mem));
            }
            if let Some(b) = base.filter(|b| b.wire_bytes_per_msg > 0.0) {
                let above = match previous_wire {
                    Some(prev) => row.wire_bytes_per_msg > prev,
                    None => true,
                };
                verdicts.push(Verdict::traffic(
                    col.traffic_level,
                    row.wire_bytes_per_msg / b.wire_bytes_per_msg,
                    above,
                ));
            }
            previous_wire = Some(row.wire_bytes_per_msg);
        }
        out.push(Compared {
            mirrors: row.mirrors,
            seed,
            verdicts,
        });
    }
    out
}

fn ms(us: Option<u64>) -> String {
    us.map(|u| format!("{:.2}", u as f64 / 1000.0))
        .unwrap_or_else(|| "-".into())
}

fn secs(us: Option<u64>) -> String {
    us.map(|u| format!("{:.3}", u as f64 / 1e6))
        .unwrap_or_else(|| "not within the wait".into())
}

/// The whole report as text.
pub fn text(params: &LabParams, results: &LabResults) -> String {
    let mut s = String::new();
    let c = &params.cost;
    let _ = writeln!(
        s,
        "cost model: latency {} µs, client_latency {} µs, fsync {} µs, op_cost {} µs, frame overhead {} B{}",
        c.latency_us,
        c.client_latency_us,
        c.fsync_us,
        c.op_cost_us,
        c.frame_overhead,
        if c.bandwidth == 0 {
            String::new()
        } else {
            format!(", link bandwidth {} B/s", c.bandwidth)
        }
    );
    let _ = writeln!(
        s,
        "workload: {} nodes, {} publishers at {}/s for {} s (saturation: window {}), {} consumers, {} B {} messages, seed {}\n",
        params.nodes,
        params.publishers,
        params.rate,
        params.seconds,
        params.window,
        params.consumers,
        params.size,
        if params.persistent { "persistent" } else { "transient" },
        params.seed
    );
    let _ = writeln!(
        s,
        "{:<8} {:>8} {:>8} {:>9} {:>10} {:>11} {:>11} {:>9} {:>8}",
        "mirrors",
        "p50 ms",
        "p99 ms",
        "paced/s",
        "saturated/s",
        "wire B/msg",
        "all B/msg",
        "held msg",
        "memory"
    );
    for r in &results.load {
        let _ = writeln!(
            s,
            "{:<8} {:>8} {:>8} {:>9.1} {:>10} {:>11.0} {:>11.0} {:>9} {:>8}",
            format!("{} ({})", r.mirrors.label(), r.mirror_count),
            ms(r.p50_us),
            ms(r.p99_us),
            r.paced_per_sec,
            r.saturated_per_sec
                .map(|x| format!("{x:.1}"))
                .unwrap_or_else(|| "-".into()),
            r.wire_bytes_per_msg,
            r.all_bytes_per_msg,
            r.held_messages,
            r.memory_pct
                .map(|x| format!("{x:.0}%"))
                .unwrap_or_else(|| "-".into()),
        );
    }
    let _ = writeln!(s, "\nnetwork frames (bytes) per message, by kind:");
    for r in &results.load {
        let kinds: Vec<String> = r
            .wire_by_kind
            .iter()
            .map(|(k, f, b)| format!("{k} {f:.2} ({b:.0} B)"))
            .collect();
        let _ = writeln!(s, "  {:<8} {}", r.mirrors.label(), kinds.join(", "));
    }
    let _ = writeln!(s, "\nseed 004 §6.1 beside it:");
    for cmp in compare(results) {
        let Some(col) = cmp.seed else {
            let _ = writeln!(s, "  {}: no column in the seed", cmp.mirrors.label());
            continue;
        };
        let _ = writeln!(
            s,
            "  {} = {} (seed: throughput {:.0}%, latency {:.0} ms, memory {:.0}%, traffic {}, availability {}%)",
            cmp.mirrors.label(),
            col.heading,
            col.throughput_pct,
            col.latency_ms,
            col.memory_pct,
            col.traffic_word,
            col.availability_pct
        );
        for v in &cmp.verdicts {
            let mark = if v.agrees { "right" } else { "wrong" };
            let _ = writeln!(s, "    {mark}: {}", v.describe_en());
        }
        let _ = writeln!(
            s,
            "    not measured: availability {}% (the lab measures detection and sync times instead)",
            col.availability_pct
        );
    }
    if !results.sync.is_empty() {
        let _ = writeln!(s, "\nsynchronising a new mirror:");
        for r in &results.sync {
            let _ = writeln!(
                s,
                "  ha-sync-batch-size {:>7}{}: {} messages in {} s",
                r.batch,
                match r.effective_batch {
                    Some(e) if e != r.batch => format!(" (3.10 uses {e})"),
                    _ => String::new(),
                },
                r.messages,
                secs(r.micros)
            );
        }
    }
    if !results.detect.is_empty() {
        let _ = writeln!(s, "\ndetecting a cut-off node:");
        for r in &results.detect {
            let _ = writeln!(
                s,
                "  net_ticktime {:>3} s: first node after {} s, last after {} s",
                r.ticktime_secs,
                secs(r.first_us),
                secs(r.last_us)
            );
        }
    }
    for e in &results.errors {
        let _ = writeln!(s, "error: {e}");
    }
    s
}

/// The JSON document `mirrorscope lab --json` prints.
#[derive(Debug, Serialize)]
pub struct JsonReport<'a> {
    pub params: &'a LabParams,
    pub results: &'a LabResults,
    pub compared: Vec<Compared>,
}
