//! Property tests over random schedules, written in the scenario format so that a failure can
//! be replayed with `mirrorscope run`. `MIRRORSCOPE_SEEDS=N` runs more seeds (the long run).

use mirrorscope::rng::Rng;
use mirrorscope::sim::checker::{check, AnomalyKind};
use mirrorscope::sim::scenario;

fn seeds(default: u64) -> u64 {
    std::env::var("MIRRORSCOPE_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// Any mix of operations, faults, partitions and policy edits.
fn chaotic_schedule(seed: u64) -> String {
    let mut r = Rng::new(seed);
    let nodes = 2 + r.below(4) as usize;
    let node = |r: &mut Rng| format!("node{}", 1 + r.below(nodes as u64));
    let mut s = format!(
        "cluster nodes={nodes}\nseed {seed}\nconfig partition_handling={}\n",
        ["ignore", "pause_minority", "autoheal"][r.below(3) as usize]
    );
    let policies = [
        r#"'{"ha-mode":"all"}'"#,
        r#"'{"ha-mode":"exactly","ha-params":2,"ha-sync-mode":"automatic"}'"#,
        r#"'{"ha-mode":"nodes","ha-params":["rabbit@node1","rabbit@node2"]}'"#,
        r#"'{"ha-mode":"all","ha-promote-on-failure":"when-synced"}'"#,
        r#"'{"ha-mode":"all","ha-promote-on-shutdown":"always","ha-sync-mode":"automatic"}'"#,
        r#"'{"max-length":5}'"#,
    ];
    s += &format!(
        "rabbitmqctl set_policy ha '^q' {}\n",
        policies[r.below(policies.len() as u64) as usize]
    );
    for c in 0..3 {
        s += &format!("client c{c} node={}\n", node(&mut r));
        s += &format!("c{c} declare q{} durable\n", r.below(2));
        if r.below(2) == 0 {
            s += &format!("c{c} confirm\n");
        }
    }
    let mut partitioned = false;
    for _ in 0..(10 + r.below(30)) {
        let c = r.below(3);
        match r.below(17) {
            0..=3 => {
                s += &format!(
                    "c{c} publish q{} \"m\" count={}\n",
                    r.below(2),
                    1 + r.below(5)
                )
            }
            4 => {
                s += &format!(
                    "c{c} consume q{} ack={} prefetch={}\n",
                    r.below(2),
                    ["manual", "auto"][r.below(2) as usize],
                    r.below(4)
                )
            }
            5 => s += &format!("c{c} ack all\n"),
            6 => s += &format!("c{c} get q{}\n", r.below(2)),
            7 => s += &format!("kill {}\n", node(&mut r)),
            8 => s += &format!("stop {}\n", node(&mut r)),
            9 => s += &format!("start {}\n", node(&mut r)),
            10 => {
                s += &format!(
                    "rabbitmqctl set_policy ha '^q' {}\n",
                    policies[r.below(policies.len() as u64) as usize]
                )
            }
            11 if !partitioned && nodes > 2 => {
                s += "partition node1 | node2\n";
                partitioned = true;
            }
            11 if partitioned => {
                s += "heal\n";
                partitioned = false;
            }
            12 => s += &format!("rabbitmqctl sync_queue q{}\n", r.below(2)),
            // Membership changes: most are refused (a running node, a partition), some land.
            14 => {
                s += &format!(
                    "on {}: rabbitmqctl forget_cluster_node rabbit@{}\n",
                    node(&mut r),
                    node(&mut r)
                )
            }
            15 => s += &format!("on {}: rabbitmqctl reset\n", node(&mut r)),
            16 => s += "join node\n",
            _ => s += &format!("c{c} nack all requeue\n"),
        }
        s += &format!("wait {}ms\n", r.below(3000));
    }
    s
}

#[test]
fn random_schedules_never_panic_and_replay_identically() {
    for seed in 0..seeds(1500) {
        let text = chaotic_schedule(seed);
        let run = scenario::run_text(&text, None)
            .unwrap_or_else(|e| panic!("seed {seed}: line {}: {}\n{text}", e.line, e.message));
        let again = scenario::run_text(&text, None).expect("parses");
        assert_eq!(
            run.sim.trace, again.sim.trace,
            "seed {seed} is not deterministic:\n{text}"
        );
        let _ = check(&run.sim);
    }
}

/// Faults one at a time, each node back before the next, with automatic sync: a synchronised
/// mirror always survives, so no confirmed message may be lost.
fn safe_schedule(seed: u64) -> String {
    let mut r = Rng::new(seed);
    let nodes = 3 + r.below(3);
    let mut s = format!("cluster nodes={nodes}\nseed {seed}\n");
    s += "rabbitmqctl set_policy ha '^q' '{\"ha-mode\":\"all\",\"ha-sync-mode\":\"automatic\"}'\n";
    let mut client_node = 1;
    s += &format!("client p node=node{client_node}\np declare q durable\np confirm\nwait 100ms\n");
    for round in 0..(3 + r.below(5)) {
        s += &format!(
            "p publish q \"r{round}-\" count={} persistent\n",
            1 + r.below(20)
        );
        s += &format!("wait {}ms\n", r.below(5));
        let victim = 1 + r.below(nodes);
        s += &format!("{} node{victim}\n", ["kill", "stop"][r.below(2) as usize]);
        if victim == client_node {
            client_node = 1 + victim % nodes;
            s += &format!("wait 2s\nstart node{victim}\nwait 2s\nclient p node=node{client_node}\np confirm\n");
        } else {
            s += &format!("wait 2s\nstart node{victim}\nwait 2s\n");
        }
    }
    s += "client c node=node1\nc consume q ack=manual\nwait 2s\nc ack all\nwait 1s\n";
    s
}

#[test]
fn no_confirmed_message_is_lost_while_a_synchronised_mirror_survives() {
    let mut confirmed_total = 0;
    for seed in 0..seeds(1000) {
        let text = safe_schedule(seed);
        let run = scenario::run_text(&text, None).expect("parses");
        let lost: Vec<_> = check(&run.sim)
            .into_iter()
            .filter(|a| a.kind == AnomalyKind::Lost)
            .collect();
        assert!(
            lost.is_empty(),
            "seed {seed} lost confirmed messages: {lost:?}\n{text}"
        );
        confirmed_total += run
            .sim
            .clients
            .iter()
            .map(|c| c.confirms.len())
            .sum::<usize>();
    }
    assert!(
        confirmed_total > 1000,
        "only {confirmed_total} confirms: the property is nearly vacuous"
    );
}
