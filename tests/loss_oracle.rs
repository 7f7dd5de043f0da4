//! A second judge of losses, independent of the checker: after each generated fault schedule
//! every fault is healed (network healed, nodes that left joined back, every node started),
//! every queue is drained through the core by a fresh consumer, and what came out is compared
//! with what was published and confirmed. The checker, asked before the drain, must name
//! exactly the messages the drain did not find (confirmed ones as `lost`, the others as
//! `lost_unconfirmed`), on every schedule, chaotic ones included; and on safe schedules (a
//! synchronised mirror always survives) no confirmed message may be lost at all.
//!
//! Also: every schedule replays to the same trace, byte for byte.
//!
//! The schedules have transient and persistent messages in durable and transient queues,
//! restarts within 150 ms of a fault (`systemctl restart`, `stop_app` + `start_app`, kill then
//! start), and policy edits in the middle of an eager sync. `MIRRORSCOPE_SEEDS=N` runs N
//! schedules of each kind (the long run); a failing seed prints its schedule, which
//! `mirrorscope run` replays.

use std::collections::BTreeSet;

use mirrorscope::rng::Rng;
use mirrorscope::sim::checker::{check, AnomalyKind};
use mirrorscope::sim::cluster::{Membership, NodeState};
use mirrorscope::sim::model::{ConfirmOutcome, MsgId};
use mirrorscope::sim::scenario::{self, Session};

fn seeds(default: u64) -> u64 {
    std::env::var("MIRRORSCOPE_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// A fault on `node`, half the time followed within 150 ms by its start (a restart).
fn fault(r: &mut Rng, node: &str) -> String {
    let quick = r.below(2) == 0;
    let gap = r.below(151);
    match (r.below(4), quick) {
        (0, true) => format!("on {node}: systemctl restart rabbitmq-server\n"),
        (1, true) => format!(
            "on {node}: rabbitmqctl stop_app\nwait {gap}ms\non {node}: rabbitmqctl start_app\n"
        ),
        (2, true) => format!("kill {node}\nwait {gap}ms\nstart {node}\n"),
        (_, true) => format!("stop {node}\nwait {gap}ms\nstart {node}\n"),
        (k, false) => format!(
            "{} {node}\nwait {}ms\nstart {node}\n",
            ["kill", "stop"][(k % 2) as usize],
            500 + r.below(2000)
        ),
    }
}

/// An `all` policy with automatic sync and a small batch size (so that a sync takes a while).
fn all_policy(r: &mut Rng) -> String {
    format!(
        "rabbitmqctl set_policy ha '^q' '{{\"ha-mode\":\"all\",\"ha-sync-mode\":\"automatic\",\"ha-sync-batch-size\":{}}}'\n",
        2 + r.below(20)
    )
}

/// Faults one at a time, each node back and resynchronised before the next, with automatic
/// sync: a synchronised mirror always survives, so no confirmed message may be lost.
fn safe_schedule(seed: u64) -> String {
    let mut r = Rng::new(seed);
    let nodes = 3 + r.below(3);
    let mut s = format!("cluster nodes={nodes}\nseed {seed}\n");
    s += &all_policy(&mut r);
    let mut client_node = 1;
    s += &format!(
        "client p node=node{client_node}\np declare q durable\np declare qt transient\np confirm\nwait 100ms\n"
    );
    for round in 0..(3 + r.below(5)) {
        for q in ["q", "qt"] {
            s += &format!(
                "p publish {q} \"{q}{round}-\" count={} {}\n",
                1 + r.below(20),
                ["persistent", "transient"][r.below(2) as usize]
            );
        }
        s += &format!("wait {}ms\n", r.below(5));
        let victim = 1 + r.below(nodes);
        s += &fault(&mut r, &format!("node{victim}"));
        if r.below(3) == 0 {
            // The node is back and its mirror syncing: edit the policy in the middle.
            s += &format!("wait {}ms\n", 1 + r.below(20));
            s += &all_policy(&mut r);
        }
        s += "wait 2s\n";
        if victim == client_node {
            client_node = 1 + victim % nodes;
            s += &format!("client p node=node{client_node}\np confirm\n");
        }
    }
    s
}

/// Any mix of publishes (with and without confirms, persistent and transient), consumers,
/// faults with quick restarts, partitions, policy edits during syncs and membership changes.
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
        r#"'{"ha-mode":"exactly","ha-params":2,"ha-sync-mode":"automatic","ha-sync-batch-size":3}'"#,
        r#"'{"ha-mode":"nodes","ha-params":["rabbit@node1","rabbit@node2"]}'"#,
        r#"'{"ha-mode":"all","ha-promote-on-failure":"when-synced"}'"#,
        r#"'{"ha-mode":"all","ha-promote-on-shutdown":"always","ha-sync-mode":"automatic","ha-sync-batch-size":2}'"#,
        r#"'{"max-length":5}'"#,
    ];
    let policy = |r: &mut Rng| {
        format!(
            "rabbitmqctl set_policy ha '^q' {}\n",
            policies[r.below(policies.len() as u64) as usize]
        )
    };
    s += &policy(&mut r);
    for c in 0..3 {
        s += &format!("client c{c} node={}\n", node(&mut r));
        s += &format!(
            "c{c} declare q{} {}\n",
            r.below(2),
            ["durable", "transient"][r.below(2) as usize]
        );
        if r.below(2) == 0 {
            s += &format!("c{c} confirm\n");
        }
    }
    let mut partitioned = false;
    for _ in 0..(10 + r.below(30)) {
        let c = r.below(3);
        match r.below(16) {
            0..=3 => {
                s += &format!(
                    "c{c} publish q{} \"m\" count={} {}\n",
                    r.below(2),
                    1 + r.below(5),
                    ["persistent", "transient"][r.below(2) as usize]
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
            7 | 8 => {
                let n = node(&mut r);
                s += &fault(&mut r, &n)
            }
            9 => {
                s += &format!(
                    "{} {}\n",
                    ["kill", "stop"][r.below(2) as usize],
                    node(&mut r)
                )
            }
            10 => {
                // A sync, then a policy edit while it runs.
                s += &format!(
                    "curl -X POST -d '{{\"action\":\"sync\"}}' http://localhost:15672/api/queues/%2F/q{}/actions\nwait {}ms\n",
                    r.below(2),
                    r.below(10)
                );
                s += &policy(&mut r);
            }
            11 => s += &policy(&mut r),
            12 if !partitioned && nodes > 2 => {
                s += "partition node1 | node2\n";
                partitioned = true;
            }
            12 if partitioned => {
                s += "heal\n";
                partitioned = false;
            }
            13 => {
                s += &format!(
                    "on {}: rabbitmqctl forget_cluster_node rabbit@{}\n",
                    node(&mut r),
                    node(&mut r)
                )
            }
            14 => s += &format!("on {}: rabbitmqctl reset\n", node(&mut r)),
            _ => s += &format!("c{c} nack all requeue\n"),
        }
        s += &format!("wait {}ms\n", r.below(3000));
    }
    s
}

/// What the checker and the drain say of one schedule.
struct Verdict {
    /// (confirmed lost, unconfirmed lost) as the checker names them once the faults are healed.
    checker: (BTreeSet<MsgId>, BTreeSet<MsgId>),
    /// The same as the drain finds them.
    drain: (BTreeSet<MsgId>, BTreeSet<MsgId>),
    messages: usize,
    confirmed: usize,
    faults: usize,
    /// The whole session, healing and drain included, as a scenario to replay.
    replay: String,
}

fn apply_quietly(s: &mut Session, line: &str) {
    // Refusals (a node already running, nothing to heal) are part of the game.
    let _ = s.apply(line);
}

/// Runs `text`, heals every fault, asks the checker, drains every queue and compares.
fn judge(text: &str) -> Verdict {
    let mut s = Session::from_scenario(text)
        .unwrap_or_else(|e| panic!("line {}: {}\n{text}", e.line, e.message));
    let faults = text
        .lines()
        .filter(|l| {
            ["kill ", "stop ", "partition ", "on "]
                .iter()
                .any(|k| l.starts_with(k))
                && !l.contains("start_app")
        })
        .count();
    // Heal: the network, the nodes that left, the nodes that are down.
    apply_quietly(&mut s, "heal");
    apply_quietly(&mut s, "wait 1s");
    let n = s.run.sim.cluster.nodes.len();
    for _ in 0..n {
        let left = s
            .run
            .sim
            .cluster
            .nodes
            .iter()
            .any(|x| x.membership != Membership::Member);
        if left {
            apply_quietly(&mut s, "join node");
        }
    }
    for i in 0..s.run.sim.cluster.nodes.len() {
        if s.run.sim.cluster.nodes[i].state != NodeState::Running {
            apply_quietly(&mut s, &format!("start node{}", i + 1));
        }
    }
    // After an `ignore`-mode split the operator restarts one side (RabbitMQ keeps the other).
    if text.contains("partition_handling=ignore") && text.contains("\npartition ") {
        apply_quietly(&mut s, "stop node2");
        apply_quietly(&mut s, "wait 1s");
        apply_quietly(&mut s, "start node2");
    }
    apply_quietly(&mut s, "wait 5s");
    let found = check(&s.run.sim);
    let of = |k: AnomalyKind| -> BTreeSet<MsgId> {
        found
            .iter()
            .filter(|a| a.kind == k)
            .map(|a| a.msg)
            .collect()
    };
    let checker = (of(AnomalyKind::Lost), of(AnomalyKind::LostUnconfirmed));

    // Drain: every client goes (its unacked messages return to their queues), then one fresh
    // consumer per queue takes everything.
    let names: Vec<String> = s.run.sim.clients.iter().map(|c| c.name.clone()).collect();
    for c in &names {
        if s.run
            .sim
            .clients
            .iter()
            .any(|x| &x.name == c && x.connected)
        {
            apply_quietly(&mut s, &format!("{c} close"));
        }
    }
    let running = (0..s.run.sim.cluster.nodes.len())
        .find(|&i| s.run.sim.node_running(i))
        .expect("a node runs after healing");
    apply_quietly(&mut s, &format!("client drain node=node{}", running + 1));
    let mut queues: Vec<String> = s
        .run
        .sim
        .queues
        .iter()
        .filter(|q| !q.deleted)
        .map(|q| q.name.clone())
        .collect();
    queues.sort();
    queues.dedup();
    for q in &queues {
        apply_quietly(&mut s, &format!("drain consume {q} ack=auto"));
    }
    apply_quietly(&mut s, "wait 5s");
    let sim = &s.run.sim;
    let delivered: BTreeSet<MsgId> = sim
        .clients
        .iter()
        .flat_map(|c| c.deliveries.iter().map(|d| d.msg))
        .collect();
    let outcome = |m: MsgId, o: ConfirmOutcome| {
        sim.clients
            .iter()
            .any(|c| c.confirms.iter().any(|x| x.1 == m && x.2 == o))
    };
    let mut drain = (BTreeSet::new(), BTreeSet::new());
    let mut confirmed = 0;
    for m in &sim.messages {
        let Some(q) = m.queue else { continue };
        let acked = outcome(m.id, ConfirmOutcome::Ack);
        confirmed += usize::from(acked);
        if delivered.contains(&m.id)
            || sim.queues[q.0].max_length_dropped(m.id)
            || outcome(m.id, ConfirmOutcome::Nack)
        {
            continue;
        }
        if acked {
            drain.0.insert(m.id);
        } else {
            drain.1.insert(m.id);
        }
    }
    Verdict {
        checker,
        drain,
        messages: sim.messages.len(),
        confirmed,
        faults,
        replay: s.to_scenario(),
    }
}

fn agree(kind: &str, seed: u64, v: &Verdict) {
    if std::env::var("MIRRORSCOPE_ORACLE_LIST").is_ok() {
        if v.checker != v.drain {
            println!(
                "{kind} seed {seed}: checker {:?} drain {:?}",
                v.checker, v.drain
            );
        }
        return;
    }
    assert_eq!(
        v.checker.0, v.drain.0,
        "{kind} seed {seed}: the checker's confirmed losses (left) differ from the drain's (right)\n{}",
        v.replay
    );
    assert_eq!(
        v.checker.1, v.drain.1,
        "{kind} seed {seed}: the checker's unconfirmed losses (left) differ from the drain's (right)\n{}",
        v.replay
    );
}

#[test]
fn random_schedules_never_panic_and_replay_identically() {
    for seed in 0..seeds(1000) {
        let text = chaotic_schedule(seed);
        let run = scenario::run_text(&text, None)
            .unwrap_or_else(|e| panic!("seed {seed}: line {}: {}\n{text}", e.line, e.message));
        let again = scenario::run_text(&text, None).expect("parses");
        assert_eq!(
            run.sim.trace, again.sim.trace,
            "seed {seed} is not deterministic:\n{text}"
        );
    }
}

#[test]
fn safe_schedules_lose_no_confirmed_message_and_the_drain_agrees() {
    let (mut runs, mut faults, mut messages, mut confirmed, mut unconfirmed_lost) = (0, 0, 0, 0, 0);
    for seed in 0..seeds(1000) {
        let text = safe_schedule(seed);
        let v = judge(&text);
        agree("safe", seed, &v);
        assert!(
            v.drain.0.is_empty(),
            "safe seed {seed} lost {} confirmed messages: {:?}\n{}",
            v.drain.0.len(),
            v.drain.0,
            v.replay
        );
        runs += 1;
        faults += v.faults;
        messages += v.messages;
        confirmed += v.confirmed;
        unconfirmed_lost += v.drain.1.len();
    }
    println!(
        "safe: {runs} schedules, {faults} faults, {messages} messages, {confirmed} confirmed, 0 confirmed lost, {unconfirmed_lost} unconfirmed lost"
    );
    assert!(
        confirmed > 1000,
        "only {confirmed} confirms: nearly vacuous"
    );
}

#[test]
fn on_chaotic_schedules_the_checker_names_exactly_what_the_drain_misses() {
    let (mut runs, mut faults, mut messages, mut lost, mut unconfirmed_lost) = (0, 0, 0, 0, 0);
    for seed in 0..seeds(1000) {
        let text = chaotic_schedule(seed);
        let v = judge(&text);
        agree("chaotic", seed, &v);
        runs += 1;
        faults += v.faults;
        messages += v.messages;
        lost += v.drain.0.len();
        unconfirmed_lost += v.drain.1.len();
    }
    println!(
        "chaotic: {runs} schedules, {faults} faults, {messages} messages, {lost} confirmed lost, {unconfirmed_lost} unconfirmed lost (all named by the checker)"
    );
}

/// The scale at which the issue found losses: 9 nodes, 50 queues, 10,000 confirmed messages, a
/// fault every 100 ms (a kill, stop or restart of one node, back within 100 ms), the publisher's
/// node never faulted. With `ha-mode: all` and automatic sync, eight synchronised mirrors of every
/// queue survive each fault, so RabbitMQ keeps every confirmed message.
fn storm_schedule(seed: u64) -> String {
    let mut r = Rng::new(seed);
    let mut s = format!("cluster nodes=9\nseed {seed}\n");
    s += "rabbitmqctl set_policy ha '^q' '{\"ha-mode\":\"all\",\"ha-sync-mode\":\"automatic\"}'\n";
    s += "client p node=node1\np confirm\n";
    for q in 0..50 {
        s += &format!("p declare q{q:02} durable\n");
    }
    s += "wait 100ms\n";
    for round in 0..20 {
        for q in 0..50 {
            s += &format!(
                "p publish q{q:02} \"r{round}-\" count=10 {}\n",
                ["persistent", "transient"][r.below(2) as usize]
            );
        }
        let victim = format!("node{}", 2 + r.below(8));
        let back = r.below(100);
        s += &match r.below(3) {
            0 => format!("on {victim}: systemctl restart rabbitmq-server\nwait 100ms\n"),
            1 => format!(
                "kill {victim}\nwait {back}ms\nstart {victim}\nwait {}ms\n",
                100 - back
            ),
            _ => format!(
                "stop {victim}\nwait {back}ms\nstart {victim}\nwait {}ms\n",
                100 - back
            ),
        };
    }
    s
}

#[test]
#[ignore = "long: each storm costs ~10-30 s even in a release build (the watch looks at every replica after nearly every event under steady traffic); run with --release -- --ignored"]
fn a_fault_every_100ms_on_nine_nodes_loses_no_confirmed_message() {
    let storms = std::env::var("MIRRORSCOPE_STORMS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1u64);
    for seed in 0..storms {
        let v = judge(&storm_schedule(seed));
        agree("storm", seed, &v);
        assert!(
            v.drain.0.is_empty(),
            "storm seed {seed} lost {} confirmed messages: {:?}",
            v.drain.0.len(),
            v.drain.0
        );
        assert!(
            v.confirmed >= 9_000,
            "storm seed {seed}: only {} confirms",
            v.confirmed
        );
        println!(
            "storm seed {seed}: {} faults, {} messages, {} confirmed, 0 confirmed lost",
            v.faults, v.messages, v.confirmed
        );
    }
}

/// Replays one schedule given in `MIRRORSCOPE_ORACLE_FILE` and prints both verdicts (for
/// looking into a failing seed).
#[test]
#[ignore]
fn replay_one_schedule() {
    let Ok(path) = std::env::var("MIRRORSCOPE_ORACLE_FILE") else {
        return;
    };
    let text = std::fs::read_to_string(path).expect("readable");
    let v = judge(&text);
    println!("checker: {:?}\ndrain: {:?}", v.checker, v.drain);
}
