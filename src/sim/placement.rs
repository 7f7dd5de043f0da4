//! Where masters and mirrors go (spec §3): `suggested_queue_nodes` for each ha-mode and the
//! queue-master-locator strategies. Nodes are indices into the cluster's node list.

use crate::rng::Rng;
use crate::sim::policy::definition::{HaMode, Locator};

/// The inputs of `suggested_queue_nodes`.
pub struct Current<'a> {
    /// The current (or proposed) master node.
    pub master: usize,
    /// Current mirror nodes, oldest first.
    pub mirrors: &'a [usize],
    /// Synchronised mirror nodes, most recently synchronised first.
    pub synced: &'a [usize],
    /// Running nodes in the cluster's running-node order.
    pub running: &'a [usize],
}

/// Resolves a `nodes` policy's names; names of nodes that do not exist are dropped (valid in a
/// policy, ignored at placement time).
pub type NodeLookup<'a> = &'a dyn Fn(&str) -> Option<usize>;

/// `rabbit_mirror_queue_misc:suggested_queue_nodes/…`: the target `(master, mirrors)`.
///
/// * `all`: every other running node, in running-node order. (RabbitMQ follows Mnesia's
///   running-nodes list, whose order differs between clusters; the simulator uses the cluster's
///   node order.)
/// * `exactly N`: N counts the master; existing mirrors are kept first (oldest first) and extra
///   ones come from a uniform shuffle of the other running nodes. Never moves the master.
/// * `nodes [..]`: see §3.2: the master is kept until some mirror is synchronised.
pub fn suggested_nodes(
    mode: &HaMode,
    cur: &Current<'_>,
    lookup: NodeLookup<'_>,
    node_name: &dyn Fn(usize) -> String,
    rng: &mut Rng,
) -> (usize, Vec<usize>) {
    let m = cur.master;
    match mode {
        HaMode::All => (m, cur.running.iter().copied().filter(|&n| n != m).collect()),
        HaMode::Exactly(n) => {
            let wanted = (*n as usize).saturating_sub(1);
            let live_mirrors: Vec<usize> = cur
                .mirrors
                .iter()
                .copied()
                .filter(|x| cur.running.contains(x) && *x != m)
                .collect();
            if wanted > live_mirrors.len() {
                let mut candidates: Vec<usize> = cur
                    .running
                    .iter()
                    .copied()
                    .filter(|x| *x != m && !live_mirrors.contains(x))
                    .collect();
                rng.shuffle(&mut candidates);
                let mut out = live_mirrors;
                let extra = wanted - out.len();
                out.extend(candidates.into_iter().take(extra));
                (m, out)
            } else {
                (m, live_mirrors.into_iter().take(wanted).collect())
            }
        }
        HaMode::Nodes(names) => {
            let mut listed: Vec<usize> = names.iter().filter_map(|s| lookup(s)).collect();
            if cur.synced.is_empty() {
                listed.push(m);
                crate::sort::sort_by_key(&mut listed, |&n| node_name(n));
                listed.dedup();
            } else {
                let mut seen = Vec::new();
                listed.retain(|n| {
                    let fresh = !seen.contains(n);
                    seen.push(*n);
                    fresh
                });
            }
            let remaining: Vec<usize> = listed
                .into_iter()
                .filter(|n| cur.running.contains(n))
                .collect();
            if remaining.is_empty() {
                return (m, Vec::new());
            }
            if remaining.contains(&m) {
                return (m, remaining.into_iter().filter(|&n| n != m).collect());
            }
            let new_master = remaining
                .iter()
                .copied()
                .find(|n| cur.synced.contains(n))
                .unwrap_or(cur.synced[0]);
            (
                new_master,
                remaining.into_iter().filter(|&n| n != new_master).collect(),
            )
        }
    }
}

/// The master node of a new queue (§3.1). `masters_per_node` counts queue masters per node over
/// all vhosts (for `min-masters`); `candidates` are the running nodes, or for `nodes` mode the
/// declaring node plus the available listed nodes.
pub fn locate_master(
    locator: Option<Locator>,
    declaring: usize,
    candidates: &[usize],
    masters_per_node: &dyn Fn(usize) -> usize,
    node_name: &dyn Fn(usize) -> String,
    rng: &mut Rng,
) -> usize {
    match locator {
        None | Some(Locator::ClientLocal) => declaring,
        _ if candidates.is_empty() => declaring,
        Some(Locator::Random) => candidates[rng.below(candidates.len() as u64) as usize],
        Some(Locator::MinMasters) => {
            // RabbitMQ folds a map with a strict `<`: ties go to the first node in name order.
            let mut sorted = candidates.to_vec();
            crate::sort::sort_by_key(&mut sorted, |&n| node_name(n));
            let mut best = sorted[0];
            for &n in &sorted[1..] {
                if masters_per_node(n) < masters_per_node(best) {
                    best = n;
                }
            }
            best
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(n: usize) -> String {
        format!("rabbit@node{}", n + 1)
    }

    fn lookup(s: &str) -> Option<usize> {
        (0..3).find(|&n| name(n) == s)
    }

    fn run(
        mode: HaMode,
        master: usize,
        mirrors: &[usize],
        synced: &[usize],
    ) -> (usize, Vec<usize>) {
        let running = [0, 1, 2];
        let cur = Current {
            master,
            mirrors,
            synced,
            running: &running,
        };
        suggested_nodes(&mode, &cur, &lookup, &name, &mut Rng::new(1))
    }

    #[test]
    fn all_mode_takes_every_other_running_node() {
        assert_eq!(run(HaMode::All, 1, &[], &[]), (1, vec![0, 2]));
    }

    #[test]
    fn exactly_counts_the_master_and_keeps_oldest_when_shrinking() {
        assert_eq!(run(HaMode::Exactly(1), 0, &[], &[]), (0, vec![]));
        assert_eq!(run(HaMode::Exactly(2), 0, &[1, 2], &[1, 2]), (0, vec![1]));
        assert_eq!(run(HaMode::Exactly(5), 0, &[], &[]).1.len(), 2);
    }

    #[test]
    fn exactly_two_chooses_each_candidate_about_equally() {
        let running = [0, 1, 2];
        let mut rng = Rng::new(99);
        let mut counts = [0u32; 3];
        for _ in 0..6000 {
            let cur = Current {
                master: 0,
                mirrors: &[],
                synced: &[],
                running: &running,
            };
            let (_, m) = suggested_nodes(&HaMode::Exactly(2), &cur, &lookup, &name, &mut rng);
            counts[m[0]] += 1;
        }
        assert_eq!(counts[0], 0);
        assert!((2700..3300).contains(&counts[1]), "{counts:?}");
        assert!((2700..3300).contains(&counts[2]), "{counts:?}");
    }

    #[test]
    fn nodes_mode_keeps_master_until_a_mirror_is_synchronised() {
        let names = vec![name(1), name(2), "nosuch@h".to_string()];
        // No synced mirror: master node0 kept, sorted list.
        assert_eq!(
            run(HaMode::Nodes(names.clone()), 0, &[], &[]),
            (0, vec![1, 2])
        );
        // A synced mirror on node1: node1 becomes the desired master.
        assert_eq!(run(HaMode::Nodes(names), 0, &[1, 2], &[1]), (1, vec![2]));
        // Only unknown nodes: master alone.
        assert_eq!(
            run(HaMode::Nodes(vec!["nosuch@h".into()]), 0, &[], &[]),
            (0, vec![])
        );
    }

    #[test]
    fn min_masters_breaks_ties_by_name() {
        let counts = |n: usize| [2, 1, 1][n];
        let got = locate_master(
            Some(Locator::MinMasters),
            0,
            &[0, 1, 2],
            &counts,
            &name,
            &mut Rng::new(1),
        );
        assert_eq!(got, 1);
        assert_eq!(
            locate_master(None, 2, &[0, 1, 2], &counts, &name, &mut Rng::new(1)),
            2
        );
    }
}
