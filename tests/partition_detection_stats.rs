//! Issue 10, rule 9 — partitions detected as a real 3.10.8 cluster detects them, over many
//! seeds: with `net_ticktime` T each node declares each silent peer down on its own, between T
//! and about 1.27 T after the cut (measured with T = 10 s over 104 node pairs: 9.997–12.646 s,
//! never before T), and the side without the master promotes a mirror within a fraction of a
//! second of its own detection of the master's node, never before it.

use mirrorscope::sim::scenario;
use mirrorscope::sim::state_change::StateChange;
use mirrorscope::sim::time::Micros;
use mirrorscope::sim::trace::TraceKind;

const SEEDS: u64 = 80;
const T: u64 = 10_000_000;

fn scenario_text(seed: u64) -> String {
    format!(
        "cluster nodes=3\nseed {seed}\nconfig partition_handling=ignore net_ticktime=10\n\
         rabbitmqctl set_policy ha \"^q$\" '{{\"ha-mode\":\"all\"}}'\n\
         client app node=node1\napp declare q durable\nwait 100ms\n\
         partition node1 | node2 node3\nwait 20s\n"
    )
}

/// Per seed: the cut's time, each (node, peer, time) declaration, and each promotion's (node,
/// time).
type Detections = (Micros, Vec<(String, String, Micros)>, Vec<(String, Micros)>);

fn detections(seed: u64) -> Detections {
    let run = scenario::run_text(&scenario_text(seed), None).expect("parses");
    let mut cut = None;
    let mut declared = Vec::new();
    let mut promoted = Vec::new();
    for e in &run.sim.trace {
        let TraceKind::State { change, .. } = &e.kind else {
            continue;
        };
        match change.as_ref() {
            StateChange::PartitionRecorded { .. } => cut = Some(e.at),
            StateChange::NetTickTimeout { node, peer, .. } => {
                declared.push((node.clone(), peer.clone(), e.at))
            }
            StateChange::Promoted { pid, .. } => {
                let node = pid
                    .trim_start_matches('<')
                    .split('.')
                    .next()
                    .expect("pid names its node")
                    .to_string();
                promoted.push((node, e.at));
            }
            _ => {}
        }
    }
    (cut.expect("the cut is recorded"), declared, promoted)
}

#[test]
fn each_node_pair_declares_down_between_t_and_1_27_t() {
    let mut all = Vec::new();
    for seed in 0..SEEDS {
        let (cut, declared, _) = detections(seed);
        // {node1} | {node2, node3}: four ordered pairs cross the cut.
        assert_eq!(declared.len(), 4, "seed {seed}: {declared:?}");
        let mut times: Vec<u64> = declared.iter().map(|d| d.2 .0 - cut.0).collect();
        for &t in &times {
            assert!(
                (T..=T * 127 / 100).contains(&t),
                "seed {seed}: declared down after {t} µs"
            );
        }
        times.sort();
        times.dedup();
        assert!(times.len() > 1, "seed {seed}: pairs detect independently");
        all.extend(times);
    }
    all.sort();
    let lo = all[0] as f64 / T as f64;
    let hi = all[all.len() - 1] as f64 / T as f64;
    println!(
        "{} node pairs over {SEEDS} seeds: declared down after {lo:.3}–{hi:.3} × net_ticktime",
        all.len()
    );
    // The window is used throughout, not bunched at one end.
    assert!(lo < 1.03 && hi > 1.24, "{lo} – {hi}");
}

#[test]
fn the_majority_promotes_right_after_its_own_detection() {
    for seed in 0..SEEDS {
        let (_, declared, promoted) = detections(seed);
        let own = declared
            .iter()
            .filter(|d| d.1 == "rabbit@node1" && d.0 != "rabbit@node1")
            .map(|d| d.2)
            .min()
            .expect("the majority declares node1 down");
        assert_eq!(promoted.len(), 1, "seed {seed}: {promoted:?}");
        let (node, at) = &promoted[0];
        assert!(node != "rabbit@node1", "seed {seed}: {node}");
        assert!(*at >= own, "seed {seed}: promoted before its own detection");
        let late = at.0 - own.0;
        assert!(
            late < 500_000,
            "seed {seed}: promoted {late} µs after its detection"
        );
    }
}
