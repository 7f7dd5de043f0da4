//! `rabbit_amqqueue:rebalance/3` as RabbitMQ 3.10.8 runs it for classic mirrored queues
//! (`rabbitmq-queues rebalance`): the replicated queues whose vhost and name match the patterns
//! are grouped by their master's node, shortest queue first; a node holding more than
//! ⌈queues / running non-drained nodes⌉ hands its first not-yet-moved queue to the replica node
//! (by `suggested_queue_nodes`, drained nodes left out) that holds the fewest, and the pass starts
//! over until no node is over the mark. A move is `rabbit_mirror_queue_misc:transfer_leadership/2`:
//! a mirror is started on the destination if it has none, every other replica (the master
//! first) is dropped, the destination's mirror is promoted, and `update_mirrors` puts the
//! policy's mirrors back (empty; they sync as `ha-sync-mode` says).

use std::collections::BTreeMap;

use crate::erl::re::Pattern;
use crate::sim::engine::Sim;
use crate::sim::model::QueueId;
use crate::sim::placement::{self, Current};
use crate::sim::time::Micros;

/// Which queues a rebalance considers (`all | classic | quorum`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueKind {
    All,
    Classic,
    Quorum,
}

/// One row of the summary: a node and the replicated classic queues mastered there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeSummary {
    pub node: usize,
    pub classic: usize,
}

/// `wait_for_new_master/2`: 100 looks, 100 ms apart.
const NEW_MASTER_WAIT: Micros = Micros(10_000_000);

/// An entry of a node's list: the queue and whether it was already moved (or could not be).
type Entry = (QueueId, bool);

impl Sim {
    /// Rebalances from node `on` (whose view of the running nodes counts); returns the summary in
    /// the order the CLI prints it (node names descending), or `None` when every running node
    /// is drained (the division by zero the real node would fail on).
    pub fn rebalance(
        &mut self,
        on: usize,
        kind: QueueKind,
        vhosts: &Pattern,
        names: &Pattern,
    ) -> Option<Vec<NodeSummary>> {
        let running = self.without_drained(self.running_nodes_from(on));
        if running.is_empty() {
            return None;
        }
        let chosen: Vec<QueueId> = (0..self.queues.len())
            .map(QueueId)
            .filter(|&q| {
                let r = &self.queues[q.0];
                kind != QueueKind::Quorum
                    && self.queue_available(q)
                    && self.visible_from(q, on)
                    && self.replicated(q)
                    && vhosts.is_match(&r.vhost)
                    && names.is_match(&r.name)
            })
            .collect();
        let max = chosen.len().div_ceil(running.len());
        let mut by_node: BTreeMap<usize, Vec<Entry>> = BTreeMap::new();
        // The fold prepends, then a stable sort by length.
        for &q in &chosen {
            by_node
                .entry(self.master_node(q))
                .or_default()
                .insert(0, (q, false));
        }
        for list in by_node.values_mut() {
            crate::sort::sort_by_key(list, |&(q, _)| self.queue_depth(q));
        }
        // Each pass moves or marks one queue, so the passes end.
        while let Some(n) = self.node_to_unload(&by_node, max) {
            let list = by_node.get_mut(&n).expect("listed");
            let (q, _) = list.remove(0);
            let replicas = self.replica_nodes(q);
            let candidates: Vec<usize> = self
                .without_drained(replicas)
                .into_iter()
                .filter(|&x| x != n)
                .collect();
            let count = |x: usize| by_node.get(&x).map_or(0, Vec::len);
            let dest = candidates.iter().copied().min_by_key(|&x| count(x));
            match dest {
                Some(d) if self.transfer_leadership(q, d) => {
                    by_node.entry(d).or_default().push((q, true));
                }
                _ => by_node.get_mut(&n).expect("listed").push((q, true)),
            }
        }
        let mut rows: Vec<NodeSummary> = by_node
            .into_iter()
            .map(|(node, list)| NodeSummary {
                node,
                classic: list.len(),
            })
            .collect();
        crate::sort::sort_by(&mut rows, |a, b| {
            self.node_name(b.node).cmp(self.node_name(a.node))
        });
        Some(rows)
    }

    /// The first node (in name order) over the mark whose head is not yet moved; a node whose
    /// head was moved is passed over ("all have already migrated").
    fn node_to_unload(&self, by_node: &BTreeMap<usize, Vec<Entry>>, max: usize) -> Option<usize> {
        let mut nodes: Vec<usize> = by_node.keys().copied().collect();
        crate::sort::sort_by_key(&mut nodes, |&n| self.node_name(n).to_string());
        nodes.into_iter().find(|n| {
            let list = &by_node[n];
            list.len() > max && !list[0].1
        })
    }

    /// `rabbit_mirror_queue_misc:queue_length/1`: the master's message count.
    fn queue_depth(&self, q: QueueId) -> u64 {
        let m = self.queues[q.0].master;
        self.procs[m.0].depth() + self.procs[m.0].unacked.len() as u64
    }

    /// `get_replicas/1`: the nodes `suggested_queue_nodes` wants, master first.
    fn replica_nodes(&mut self, q: QueueId) -> Vec<usize> {
        let master = self.master_node(q);
        let Some(mode) = self.queues[q.0].effective.ha_mode() else {
            return vec![master];
        };
        let mirrors = self.mirror_nodes(q);
        let synced = self.synced_nodes(q);
        let running = self.running_nodes_from(master);
        let names: Vec<String> = self.cluster.nodes.iter().map(|n| n.name.clone()).collect();
        let cur = Current {
            master,
            mirrors: &mirrors,
            synced: &synced,
            running: &running,
        };
        let lookup = |s: &str| names.iter().position(|n| n == s);
        let (m, rest) =
            placement::suggested_nodes(&mode, &cur, &lookup, &|n| names[n].clone(), &mut self.rng);
        let mut out = vec![m];
        out.extend(rest);
        out
    }

    /// Moves `q`'s master to `dest`; whether it ended there.
    fn transfer_leadership(&mut self, q: QueueId, dest: usize) -> bool {
        if !self.mirror_nodes(q).contains(&dest) {
            self.add_mirror(q, dest);
        }
        for p in self.queues[q.0].mirrors.clone() {
            if self.procs[p.0].alive && self.proc_node(p) != dest {
                self.drop_mirror(q, p);
            }
        }
        self.drop_master(q);
        self.run_until(NEW_MASTER_WAIT, |s| {
            s.queue_available(q) && s.master_node(q) == dest
        });
        let moved = self.queue_available(q) && self.master_node(q) == dest;
        if moved {
            self.update_mirrors(q);
        }
        moved
    }
}

#[cfg(test)]
mod tests {
    use super::QueueKind;
    use crate::erl::re::compile;
    use crate::sim::scenario::Session;

    #[test]
    fn masters_spread_over_the_running_nodes() {
        let mut s = Session::new(&["cluster nodes=3"]).unwrap();
        for l in [
            r#"rabbitmqctl set_policy ha "^q" '{"ha-mode":"all","ha-sync-mode":"automatic"}'"#,
            "client c node=node1",
            "c declare q1 durable",
            "c declare q2 durable",
            "c declare q3 durable",
            "c declare q4 durable",
            "c declare q5 durable",
            "wait 1s",
        ] {
            s.apply(l).unwrap();
        }
        let all = compile(".*").unwrap();
        let rows = s.run.sim.rebalance(0, QueueKind::All, &all, &all).unwrap();
        let counts: Vec<(usize, usize)> = rows.iter().map(|r| (r.node, r.classic)).collect();
        assert_eq!(counts, vec![(2, 1), (1, 2), (0, 2)]);
        for q in ["q1", "q2", "q3", "q4", "q5"] {
            let q = s.run.sim.find_queue("/", q).unwrap();
            assert_eq!(s.run.sim.mirror_nodes(q).len(), 2, "mirrors put back");
        }
    }
}
