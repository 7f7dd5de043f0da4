//! Issue 10, rule 11 — autoheal as `rabbit_autoheal` runs it, over many seeds: whatever the
//! leader's first (often incomplete) view, the rounds end with every node running on one side,
//! one record per queue, no queue left syncing or down, and a `basic.get` served; confirmed
//! messages of a side that restarted may be lost (the real cluster lost some in every run).

use mirrorscope::sim::scenario;
use mirrorscope::sim::state_change::StateChange;
use mirrorscope::sim::trace::TraceKind;
use mirrorscope::sim::view::queue::RowState;

const SEEDS: u64 = 40;

fn scenario_text(seed: u64, sync: &str) -> String {
    format!(
        "cluster nodes=3\nseed {seed}\nconfig partition_handling=autoheal net_ticktime=10\n\
         rabbitmqctl set_policy ha \"^q$\" '{{\"ha-mode\":\"all\",\"ha-sync-mode\":\"{sync}\"}}'\n\
         client app node=node2\napp declare q durable\napp confirm\n\
         app publish q \"before\" count=200\nwait 1s\n\
         partition node1 | node2 node3\nwait 15s\n\
         client a node=node1\na confirm\na publish q \"n1side\" count=4\n\
         client b node=node3\nb confirm\nb publish q \"n3side\" count=3\nwait 1s\n\
         heal\nwait 40s\nclient g node=node1\ng get q\nwait 1s\n"
    )
}

#[test]
fn autoheal_rounds_end_with_one_serving_queue() {
    let mut restarts_on_both_sides = 0;
    let mut first_views_incomplete = 0;
    for seed in 0..SEEDS {
        for sync in ["manual", "automatic"] {
            let run = scenario::run_text(&scenario_text(seed, sync), None).expect("parses");
            let sim = &run.sim;
            assert_eq!(sim.running_nodes().len(), 3, "seed {seed} {sync}");
            let views = sim.queue_views();
            assert_eq!(views.len(), 1, "seed {seed} {sync}: {views:?}");
            assert_eq!(views[0].state, RowState::Running, "seed {seed} {sync}");
            assert_eq!(views[0].mirrors.len(), 2, "seed {seed} {sync}");
            let g = run
                .sim
                .clients
                .iter()
                .find(|c| c.name == "g")
                .expect("client g");
            assert_eq!(g.deliveries.len(), 1, "seed {seed} {sync}: get served");
            let mut decisions = Vec::new();
            for e in &sim.trace {
                if let TraceKind::State { change, .. } = &e.kind {
                    if let StateChange::AutohealDecision {
                        partitions, losers, ..
                    } = change.as_ref()
                    {
                        decisions.push((partitions.clone(), losers.clone()));
                    }
                }
            }
            assert!(!decisions.is_empty(), "seed {seed} {sync}: no decision");
            let full = vec![
                vec!["rabbit@node1".to_string()],
                vec!["rabbit@node2".to_string(), "rabbit@node3".to_string()],
            ];
            let mut first = decisions[0].0.clone();
            first.sort();
            if first != full {
                first_views_incomplete += 1;
            }
            let restarted: Vec<&String> = decisions.iter().flat_map(|d| &d.1).collect();
            if restarted.iter().any(|n| *n == "rabbit@node1")
                && restarted.iter().any(|n| *n != "rabbit@node1")
            {
                restarts_on_both_sides += 1;
            }
        }
    }
    println!(
        "{} runs: first decision on an incomplete view in {first_views_incomplete}, nodes of both sides restarted in {restarts_on_both_sides}",
        2 * SEEDS
    );
    assert!(first_views_incomplete > 0 && restarts_on_both_sides > 0);
}
