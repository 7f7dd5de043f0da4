//! The cost-of-mirroring lab (src/lab): the orderings its cost model implies, not exact
//! numbers — more mirrors never lower latency, traffic or memory (nor raise saturation
//! throughput); a bigger sync batch never slows a sync; a shorter net_ticktime detects sooner;
//! the same parameters give the same figures however the work is sliced.

use mirrorscope::lab::params::{LabParams, Mirrors};
use mirrorscope::lab::runner::LabResults;
use mirrorscope::lab::scenario::{cell_text, Cell};
use mirrorscope::lab::Lab;

/// Small enough for the test tier on a busy machine.
fn small() -> LabParams {
    LabParams {
        nodes: 3,
        mirrors: vec![
            Mirrors::Exactly(0),
            Mirrors::Exactly(1),
            Mirrors::Exactly(2),
            Mirrors::All,
        ],
        publishers: 1,
        consumers: 0,
        rate: 100,
        seconds: 1,
        window: 2,
        batches: vec![2, 16, 256],
        sync_messages: 300,
        ticktimes: vec![1, 4],
        ..LabParams::default()
    }
}

fn run(p: LabParams, budget: u64) -> LabResults {
    let mut lab = Lab::new(p).expect("valid parameters");
    let mut calls = 0;
    while !lab.work(budget) {
        calls += 1;
        assert!(calls < 1_000_000, "the lab never ends");
    }
    lab.results().clone()
}

fn non_decreasing(v: &[f64]) -> bool {
    v.windows(2).all(|w| w[0] <= w[1])
}

#[test]
fn more_mirrors_never_cost_less() {
    let r = run(small(), 1_000_000);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.load.len(), 4);
    let counts: Vec<u8> = r.load.iter().map(|x| x.mirror_count).collect();
    assert_eq!(counts, [0, 1, 2, 2], "all on 3 nodes is 2 mirrors");
    let p50: Vec<f64> = r.load.iter().map(|x| x.p50_us.unwrap() as f64).collect();
    let p99: Vec<f64> = r.load.iter().map(|x| x.p99_us.unwrap() as f64).collect();
    let wire: Vec<f64> = r.load.iter().map(|x| x.wire_bytes_per_msg).collect();
    let held: Vec<f64> = r.load.iter().map(|x| x.held_messages as f64).collect();
    let sat: Vec<f64> = r
        .load
        .iter()
        .map(|x| -x.saturated_per_sec.unwrap())
        .collect();
    assert!(non_decreasing(&p50), "p50 {p50:?}");
    assert!(non_decreasing(&p99), "p99 {p99:?}");
    assert!(non_decreasing(&wire), "bytes/message {wire:?}");
    assert!(non_decreasing(&held), "held {held:?}");
    assert!(non_decreasing(&sat), "saturation throughput {sat:?}");
    // A mirror is a real cost, not a tie: the first one adds latency, traffic and a copy.
    assert!(p50[1] > p50[0] && wire[1] > wire[0] && held[1] > held[0]);
    // Every paced publish was confirmed, and each replica holds every message.
    for row in &r.load {
        assert_eq!(row.published, 100);
        assert_eq!(row.confirmed, 100);
        assert_eq!(row.held_messages, 100 * (u64::from(row.mirror_count) + 1));
    }
}

#[test]
fn bigger_batches_never_slow_a_sync_and_shorter_ticktimes_detect_sooner() {
    let r = run(small(), 1_000_000);
    let sync: Vec<f64> = r
        .sync
        .iter()
        .map(|s| -(s.micros.expect("the sync ended") as f64))
        .collect();
    assert!(non_decreasing(&sync), "sync times {sync:?}");
    assert!(sync[0] < sync[2], "batches of 2 are slower than of 256");
    let first: Vec<u64> = r.detect.iter().map(|d| d.first_us.unwrap()).collect();
    assert!(first[0] < first[1], "detection {first:?}");
    for d in &r.detect {
        let t = u64::from(d.ticktime_secs) * 1_000_000;
        assert!(d.first_us.unwrap() >= t && d.last_us.unwrap() <= t * 13 / 10);
    }
}

#[test]
fn a_batch_size_of_one_is_the_default_as_in_3_10() {
    let p = LabParams {
        mirrors: vec![Mirrors::Exactly(0)],
        batches: vec![1, 4096],
        ..small()
    };
    let r = run(p, 1_000_000);
    assert_eq!(r.sync[0].effective_batch, Some(4096));
    assert_eq!(r.sync[0].micros, r.sync[1].micros);
}

#[test]
fn the_same_params_give_the_same_figures_however_sliced() {
    let a = run(small(), 1_000_000);
    let b = run(small(), 300);
    assert_eq!(a, b);
}

#[test]
fn each_cell_is_a_scenario_the_runner_takes() {
    let p = small();
    let lab = Lab::new(p.clone()).unwrap();
    for (i, &cell) in lab.cells().iter().enumerate() {
        let text = lab.scenario(i).unwrap();
        assert_eq!(text, cell_text(&p, cell));
        let run = mirrorscope::sim::scenario::run_text(&text, None).expect("parses");
        assert!(
            run.steps.iter().all(|s| s.exit_code == 0),
            "cell {cell:?} has a failing line"
        );
    }
    assert!(matches!(lab.cells()[0], Cell::Paced(Mirrors::Exactly(0))));
}

#[test]
fn bad_params_are_refused_with_their_name() {
    let cases: [(&str, &str, &str); 6] = [
        ("nodes", "12", "nodes: 12 is out of range (2 to 9)"),
        ("mirrors", "0,9", "mirrors: '9' is not a number of mirrors"),
        ("rate", "fast", "rate: 'fast' is not a whole number"),
        ("batch", "0", "batch: 0 is out of range (1 to 1000000)"),
        ("ticktime", "", "ticktime: give at least one value"),
        ("latency", "soon", "latency:"),
    ];
    for (name, value, want) in cases {
        let mut p = LabParams::default();
        let err = p
            .set(name, value)
            .and_then(|_| p.check())
            .expect_err(name)
            .to_string();
        assert!(err.starts_with(want), "{name}={value}: {err}");
    }
    let mut p = LabParams::default();
    p.set("mirrors", "4").unwrap();
    p.set("nodes", "3").unwrap();
    assert_eq!(
        Lab::new(p).unwrap_err().to_string(),
        "mirrors: 4 mirrors need 5 nodes (nodes is 3)"
    );
    let p = LabParams {
        rate: 5000,
        publishers: 8,
        seconds: 60,
        ..LabParams::default()
    };
    assert!(p
        .check()
        .unwrap_err()
        .to_string()
        .contains("at most 100000"));
}

#[test]
fn every_parameter_reads_back_what_it_writes() {
    let p = small();
    let mut q = LabParams::default();
    for name in mirrorscope::lab::params::PARAM_NAMES {
        if let Some(text) = p.get(name) {
            q.set(name, &text)
                .unwrap_or_else(|e| panic!("{name}={text}: {e}"));
        }
    }
    assert_eq!(p, q);
}

/// Saturated throughput by mirror count for one message size on links of `bandwidth` B/s.
fn saturated(size: u32, bandwidth: u64) -> Vec<f64> {
    let p = LabParams {
        nodes: 3,
        mirrors: vec![
            Mirrors::Exactly(0),
            Mirrors::Exactly(1),
            Mirrors::Exactly(2),
        ],
        publishers: 2,
        rate: 50,
        seconds: 1,
        size,
        batches: vec![4096],
        sync_messages: 10,
        ticktimes: vec![1],
        cost: mirrorscope::lab::CostModel {
            bandwidth,
            ..Default::default()
        },
        ..LabParams::default()
    };
    let r = run(p, 1_000_000);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    r.load
        .iter()
        .map(|x| x.saturated_per_sec.expect("saturated cell measured"))
        .collect()
}

#[test]
fn a_finite_bandwidth_makes_big_messages_and_more_mirrors_slower() {
    let unlimited = saturated(1024, 0);
    let small = saturated(1024, 2_000_000);
    let big = saturated(64 * 1024, 2_000_000);
    for v in [&unlimited, &small, &big] {
        assert!(v.windows(2).all(|w| w[1] <= w[0]), "more mirrors: {v:?}");
    }
    for i in 0..3 {
        assert!(small[i] <= unlimited[i], "{small:?} vs {unlimited:?}");
        assert!(big[i] < small[i], "64 KiB {big:?} vs 1 KiB {small:?}");
    }
}

#[test]
fn bandwidth_is_bounded_and_unlimited_writes_no_key() {
    let mut p = LabParams::default();
    assert!(!cell_text(&p, Cell::Saturated(Mirrors::Exactly(1))).contains("link_bandwidth"));
    let err = p
        .set("bandwidth", "10")
        .and_then(|_| p.check())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "bandwidth: 10 is out of range (100000 to 1000000000000)"
    );
    p.set("bandwidth", "125000000").unwrap();
    p.check().unwrap();
    let text = cell_text(&p, Cell::Saturated(Mirrors::Exactly(1)));
    assert!(
        text.contains("link_bandwidth=125000000 frame_bytes=100 body_bytes=1024"),
        "{text}"
    );
}
