//! `cluster_partition_handling = autoheal` as 3.10.8's `rabbit_autoheal` runs it: when the
//! network heals, Mnesia on each node reports `inconsistent_database` for each peer it meets
//! again, one pair at a time; each report adds to that node monitor's `partitions` and sends a
//! `request_start` to the leader (the first member by name). The leader builds the partitions
//! from every node's list as they stand (`check_other_nodes`, `all_partitions`) — often before
//! every report is in — and picks the winner by connections, then node count, then term order
//! (`make_decision`). The losers stop, and start again once all have stopped, rejoining the
//! winner's side with empty replicas; their restart may meet nodes still on another side, and
//! the leader decides again.

use crate::sim::cluster::NodeState;
use crate::sim::engine::{Ev, PartitionHandling, Sim};
use crate::sim::state_change::{QueueName, StateChange};
use crate::sim::time::Micros;

/// Mnesia reports a peer inconsistent within this long of meeting it again (the node monitor
/// pings down nodes every second, `?RABBIT_DOWN_PING_INTERVAL`).
const INCONSISTENT_SPREAD: Micros = Micros(1_000_000);
/// The shortest time before such a report (the reconnection and Mnesia's handshake).
const INCONSISTENT_MIN: Micros = Micros(20_000);
/// From the decision until the losers start again: `rabbit:stop()` on each, the winner's wait
/// for their Mnesia to stop, `autoheal_safe_to_start`.
const LOSERS_RESTART: Micros = Micros(3_000_000);

impl Sim {
    /// The network healed after a detected partition under autoheal: the pairs that were cut
    /// will each report the other inconsistent, in their own time.
    pub(crate) fn autoheal_after_heal(&mut self, sides: &[u8]) {
        self.autoheal_busy = false;
        for list in &mut self.partitions_seen {
            list.clear();
        }
        let members: Vec<usize> = self.cluster.members().collect();
        for &a in &members {
            for &b in &members {
                if sides[a] != sides[b] {
                    self.schedule_inconsistent(a, b);
                }
            }
        }
    }

    fn schedule_inconsistent(&mut self, node: usize, peer: usize) {
        let spread = (INCONSISTENT_SPREAD.0 as f64 * self.rng.unit()) as u64;
        let at = self.now + INCONSISTENT_MIN + Micros(spread);
        let ev = Ev::Inconsistent {
            epoch: self.partition_epoch,
            node,
            peer,
            creation: self.creation[node],
        };
        self.schedule(at, ev);
    }

    /// `{inconsistent_database, running_partitioned_network, Peer}` on `node`.
    pub(crate) fn on_inconsistent(&mut self, epoch: u64, node: usize, peer: usize, creation: u32) {
        if epoch != self.partition_epoch
            || creation != self.creation[node]
            || !self.node_running(node)
        {
            return;
        }
        let list = &mut self.partitions_seen[node];
        if !list.contains(&peer) {
            list.push(peer);
            crate::sort::sort(list);
        }
        self.maybe_autoheal(node);
    }

    /// `maybe_autoheal`: a node with partitions on record, autoheal enabled and every member's
    /// VM up asks the leader to start.
    fn maybe_autoheal(&mut self, node: usize) {
        if self.partitions_seen[node].is_empty()
            || self.autoheal_busy
            || self.settings(node).heal_mode() != PartitionHandling::Autoheal
            || self.cluster.members().any(|x| self.halted[x])
        {
            return;
        }
        if self.autoheal_leader().is_none() {
            return;
        }
        let at = self.now + self.config.latency;
        let epoch = self.partition_epoch;
        self.schedule(at, Ev::AutohealRequest { epoch, from: node });
    }

    /// The first member by name (`lists:usort(rabbit_nodes:list_members())`).
    fn autoheal_leader(&self) -> Option<usize> {
        self.cluster
            .members()
            .min_by(|&a, &b| self.node_name(a).cmp(self.node_name(b)))
    }

    /// The leader handles `{request_start, From}`.
    pub(crate) fn on_autoheal_request(&mut self, epoch: u64, from: usize) {
        let _ = from;
        let Some(leader) = self.autoheal_leader() else {
            return;
        };
        if epoch != self.partition_epoch
            || !self.node_running(leader)
            || self.autoheal_busy
            || self.partitions_seen[leader].is_empty()
        {
            return;
        }
        let mut members: Vec<usize> = self.cluster.members().collect();
        crate::sort::sort_by(&mut members, |&a, &b| {
            self.node_name(a).cmp(self.node_name(b))
        });
        // check_other_nodes: every node monitor must answer, and see every member.
        let down: Vec<String> = members
            .iter()
            .filter(|&&x| !self.node_running(x))
            .map(|&x| self.node_name(x).to_string())
            .collect();
        if !down.is_empty() {
            self.changed(StateChange::AutohealDenied {
                leader: self.node_name(leader).to_string(),
                down,
            });
            return;
        }
        let parts = self.all_partitions(leader, &members);
        let (winner, losers) = self.make_decision(&parts);
        if losers.is_empty() {
            return;
        }
        let names = |v: &[usize]| -> Vec<String> {
            v.iter().map(|&x| self.node_name(x).to_string()).collect()
        };
        self.changed(StateChange::AutohealDecision {
            leader: self.node_name(leader).to_string(),
            partitions: parts.iter().map(|p| names(p)).collect(),
            winner: self.node_name(winner).to_string(),
            losers: names(&losers),
        });
        self.autoheal_busy = true;
        for &l in &losers {
            self.close_clients_forced(l);
            let _ = self.stop_node(l);
            self.forget_partitions_of_stopped();
        }
        let at = self.now + LOSERS_RESTART;
        self.schedule(
            at,
            Ev::AutohealRestart {
                epoch,
                winner,
                losers,
            },
        );
    }

    /// `all_partitions`: split the members by what each node monitor has on record, the
    /// leader's list first.
    fn all_partitions(&self, leader: usize, members: &[usize]) -> Vec<Vec<usize>> {
        let mut parts: Vec<Vec<usize>> = vec![members.to_vec()];
        let order = std::iter::once(leader).chain(members.iter().copied().filter(|&x| x != leader));
        for node in order {
            let cant_see = &self.partitions_seen[node];
            let Some(i) = parts.iter().position(|p| p.contains(&node)) else {
                continue;
            };
            let containing = parts[i].clone();
            let a: Vec<usize> = containing
                .iter()
                .copied()
                .filter(|x| !cant_see.contains(x))
                .collect();
            let b: Vec<usize> = containing
                .iter()
                .copied()
                .filter(|x| !a.contains(x))
                .collect();
            if !a.is_empty() && !b.is_empty() {
                parts.remove(i);
                parts.insert(0, b);
                parts.insert(0, a);
            }
        }
        parts
    }

    /// `make_decision`: the partition with the most client connections, then the most nodes,
    /// then the greater node list in term order wins; its first node is the winner.
    fn make_decision(&self, parts: &[Vec<usize>]) -> (usize, Vec<usize>) {
        let key = |p: &Vec<usize>| {
            let conns = self
                .clients
                .iter()
                .filter(|c| c.connected && p.contains(&c.node))
                .count();
            let names: Vec<&str> = p.iter().map(|&x| self.node_name(x)).collect();
            (conns, p.len(), names)
        };
        let mut sorted: Vec<&Vec<usize>> = parts.iter().collect();
        crate::sort::sort_by_key(&mut sorted, |p| std::cmp::Reverse(key(p)));
        let winner = sorted[0][0];
        let losers = sorted[1..].iter().flat_map(|p| p.iter().copied()).collect();
        (winner, losers)
    }

    /// `handle_dead_rabbit` on each running node: once nothing it has on record is still
    /// running apart from it, it forgets its partitions.
    fn forget_partitions_of_stopped(&mut self) {
        let sides = self.healed_split.clone();
        let same_side = |a: usize, b: usize| sides.as_ref().is_none_or(|s| s[a] == s[b]);
        for x in 0..self.partitions_seen.len() {
            if !self.node_running(x) {
                continue;
            }
            let remaining = self.partitions_seen[x]
                .iter()
                .any(|&y| self.node_running(y) && !same_side(x, y));
            if !remaining {
                self.partitions_seen[x].clear();
            }
        }
    }

    /// The losers start again and load the winner's tables: their side's records go once no
    /// member is left on it; nodes still on another side report them inconsistent.
    pub(crate) fn on_autoheal_restart(&mut self, epoch: u64, winner: usize, losers: Vec<usize>) {
        if epoch != self.partition_epoch {
            return;
        }
        self.autoheal_busy = false;
        let restarting: Vec<usize> = losers
            .into_iter()
            .filter(|&l| self.cluster.nodes[l].state == NodeState::Stopped && !self.halted[l])
            .collect();
        if let Some(mut sides) = self.healed_split.clone() {
            for &l in &restarting {
                sides[l] = sides[winner];
                self.partitions_seen[l].clear();
            }
            self.healed_split = Some(sides.clone());
            self.discard_abandoned_sides(&sides);
            let one = self.cluster.members().all(|x| sides[x] == sides[winner]);
            if one {
                self.unify_records(&sides, Some(sides[winner]));
            }
        }
        for &l in &restarting {
            let _ = self.start_node(l);
        }
        // A restarted node meets the nodes still on another side: their tables differ.
        if let Some(sides) = self.healed_split.clone() {
            let members: Vec<usize> = self.cluster.members().collect();
            for &l in &restarting {
                for &x in &members {
                    if sides[x] != sides[l] && self.node_running(x) {
                        self.schedule_inconsistent(l, x);
                        self.schedule_inconsistent(x, l);
                    }
                }
            }
        }
        for x in self.cluster.members().collect::<Vec<_>>() {
            if self.node_running(x) {
                self.maybe_autoheal(x);
            }
        }
    }

    /// Drops the records of every side no member is on any more.
    fn discard_abandoned_sides(&mut self, sides: &[u8]) {
        for i in 0..self.queues.len() {
            let Some(side) = self.queues[i].side else {
                continue;
            };
            if self.queues[i].deleted || self.cluster.members().any(|x| sides[x] == side) {
                continue;
            }
            let change = StateChange::SplitRecordDiscarded {
                queue: QueueName::new(&self.queues[i].name, &self.queues[i].vhost),
                side,
            };
            self.delete_queue(crate::sim::model::QueueId(i));
            self.changed(change);
        }
    }
}
