//! T5 – `exactly 2` placement statistics, through the scenario runner: the mirror of a queue
//! mastered on node k lands uniformly at random on one of the other nodes, independent of load.

use mirrorscope::sim::scenario;

fn t5(seed: u64, existing_first: bool) -> String {
    let mut s = format!("cluster nodes=3\nseed {seed}\n");
    let policy = "rabbitmqctl set_policy two '^q' '{\"ha-mode\":\"exactly\",\"ha-params\":2}'\n";
    if !existing_first {
        s += policy;
    }
    for n in 1..=3 {
        s += &format!("client c{n} node=node{n}\n");
        for i in 0..12 {
            s += &format!("c{n} declare q{n}.{i} durable\n");
        }
    }
    if existing_first {
        s += policy;
    }
    s += "wait 1s\n";
    s
}

fn tally(existing_first: bool) -> [[u32; 3]; 3] {
    // counts[master][mirror]
    let mut counts = [[0u32; 3]; 3];
    for seed in 0..60 {
        let run = scenario::run_text(&t5(seed, existing_first), None).expect("parses");
        let sim = &run.sim;
        for q in sim.queue_views() {
            let m = sim.cluster.resolve(&q.master).expect("node");
            assert_eq!(q.mirrors.len(), 1, "{q:?}");
            let mirror = sim.cluster.resolve(&q.mirrors[0]).expect("node");
            // Masters never move under `exactly`.
            let declared_on: usize = q.name[1..2].parse::<usize>().expect("q{n}.{i}") - 1;
            assert_eq!(m, declared_on);
            counts[m][mirror] += 1;
        }
    }
    counts
}

fn assert_uniform(counts: [[u32; 3]; 3]) {
    // 60 seeds × 12 queues per master node = 720 draws between two candidates.
    for (m, row) in counts.iter().enumerate() {
        assert_eq!(row[m], 0, "a mirror on its own master's node: {counts:?}");
        let others: Vec<u32> = (0..3).filter(|&x| x != m).map(|x| row[x]).collect();
        assert_eq!(others.iter().sum::<u32>(), 720);
        for c in others {
            assert!((310..=410).contains(&c), "not uniform: {counts:?}");
        }
    }
}

#[test]
fn exactly_two_at_declare_is_uniform() {
    assert_uniform(tally(false));
}

#[test]
fn exactly_two_applied_to_existing_queues_is_uniform() {
    assert_uniform(tally(true));
}
