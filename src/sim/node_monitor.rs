//! The node monitor (`rabbit_node_monitor`): which peers' Erlang VMs each node is connected
//! to, and what its `cluster_partition_handling` does when one of them goes down. As in
//! 3.10.8's `handle_dead_node` (for `pause_minority` and `pause_if_all_down`), the check runs on every `nodedown` — a kill, a halted VM
//! (`rabbitmqctl stop`, `systemctl stop`) or a peer declared down across a network cut — not
//! only when a partition is seen; a `stop_app` leaves the VM up and is no `nodedown`. A paused
//! node keeps its VM and polls until its condition holds again (`wait_for_cluster_recovery`).

use crate::sim::cluster::NodeState;
use crate::sim::engine::{LinkInputs, PartitionHandling, Sim};
use crate::sim::model::ClientId;
use crate::sim::state_change::StateChange;

/// The reply text of the `connection.close` (320) a node sends its clients when it shuts down
/// (a pause, an autoheal restart, a stop).
pub const FORCED_REPLY: &str =
    "CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'";

impl Sim {
    /// Whether `a`'s VM holds a distribution link to `b`'s: both VMs are up, both are members,
    /// and no detected network cut lies between them.
    fn dist_link(&self, a: usize, b: usize) -> bool {
        if a == b {
            return !self.halted[a];
        }
        !self.halted[a]
            && !self.halted[b]
            && self.cluster.is_member(a)
            && self.cluster.is_member(b)
            && (self.connected(a, b) || !self.declared(a, b))
    }

    /// What `dist_link` reads, as it stands.
    fn current_link_inputs(&self) -> LinkInputs {
        LinkInputs {
            halted: self.halted.clone(),
            members: (0..self.cluster.nodes.len())
                .map(|n| self.cluster.is_member(n))
                .collect(),
            partition: self.partition.clone(),
            partial_cut: self.partial_cut,
            declared_down: self.declared_down.clone(),
        }
    }

    /// Whether what `dist_link` reads is as the node monitor last saw it (compared in place:
    /// this runs before every event).
    fn link_inputs_unchanged(&self) -> bool {
        let seen = &self.link_inputs;
        seen.halted == self.halted
            && seen.partial_cut == self.partial_cut
            && seen.partition == self.partition
            && seen.declared_down == self.declared_down
            && seen.members.len() == self.cluster.nodes.len()
            && seen
                .members
                .iter()
                .enumerate()
                .all(|(n, &m)| m == self.cluster.is_member(n))
    }

    /// The node monitors take in what the last step changed: each running node that lost a
    /// peer applies its partition handling; each paused node whose condition holds again
    /// starts. Run between steps, so an input and an event are handled alike.
    pub(crate) fn node_monitor(&mut self) {
        let n = self.cluster.nodes.len();
        // Called before every event, and the links are a function of a few small tables: while
        // those are as at the last call the matrix still holds, which spares the n² pairs (most
        // of an event's cost on nine nodes).
        if self.link_inputs_unchanged() {
            self.resume_paused(n);
            return;
        }
        let same = self.dist_links.len() == n
            && (0..n).all(|a| {
                self.dist_links[a].len() == n
                    && (0..n).all(|b| self.dist_links[a][b] == self.dist_link(a, b))
            });
        self.link_inputs = self.current_link_inputs();
        if !same {
            let links: Vec<Vec<bool>> = (0..n)
                .map(|a| (0..n).map(|b| self.dist_link(a, b)).collect())
                .collect();
            let old = std::mem::replace(&mut self.dist_links, links);
            for (a, was) in old.iter().enumerate() {
                let lost_peer = (0..n).any(|b| b != a && was[b] && !self.dist_links[a][b]);
                if lost_peer && self.node_running(a) && self.cluster.is_member(a) {
                    self.handle_dead_node(a);
                }
            }
        }
        self.resume_paused(n);
    }

    /// Each paused node whose condition holds again starts.
    fn resume_paused(&mut self, n: usize) {
        // Nearly always none is: one pass over the nodes says so.
        if !self
            .cluster
            .nodes
            .iter()
            .any(|x| x.state == NodeState::Paused)
        {
            return;
        }
        for a in 0..n {
            if self.cluster.nodes[a].state != NodeState::Paused {
                continue;
            }
            // Paused for a partial partition: `all_nodes_up` must hold, and the cut link does not.
            let cut_end = self.partial_cut.is_some_and(|(x, y)| x == a || y == a);
            if !cut_end && self.may_run(a).is_none() {
                // `wait_for_cluster_recovery`: the condition holds, `rabbit:start()`.
                self.cluster.nodes[a].state = NodeState::Stopped;
                let _ = self.start_node(a);
            }
        }
    }

    /// `handle_dead_node`: pause when the node's mode says it must.
    fn handle_dead_node(&mut self, a: usize) {
        if let Some((visible, total)) = self.may_run(a) {
            self.pause(a, visible, total);
        }
    }

    /// `None` when node `a` may keep running as its VM's links stand; else the members it sees
    /// and the members in all (`majority/1`: alive/total must be > 0.5).
    fn may_run(&self, a: usize) -> Option<(usize, usize)> {
        let links = &self.dist_links[a];
        self.must_pause(a, |x| links[x])
    }

    /// Whether node `a`, seeing the members `sees` picks, must pause under its own mode: with
    /// the members it sees and the members in all.
    pub(crate) fn must_pause(
        &self,
        a: usize,
        sees: impl Fn(usize) -> bool,
    ) -> Option<(usize, usize)> {
        let members: Vec<usize> = self.cluster.members().collect();
        let total = members.len();
        let visible = members.iter().filter(|&&x| sees(x)).count();
        let settings = self.settings(a);
        match settings.partition_handling {
            PartitionHandling::PauseMinority if visible * 2 <= total => Some((visible, total)),
            // `in_preferred_partition`: the preferred nodes that are members; none of them in
            // reach (a node counts itself), and there was one to reach.
            PartitionHandling::PauseIfAllDown => {
                let preferred: Vec<usize> = members
                    .iter()
                    .copied()
                    .filter(|&x| {
                        settings
                            .preferred_nodes
                            .iter()
                            .any(|p| p == self.node_name(x))
                    })
                    .collect();
                let none_seen = !preferred.is_empty() && !preferred.iter().any(|&x| sees(x));
                none_seen.then_some((visible, total))
            }
            _ => None,
        }
    }

    /// `await_cluster_recovery`: the rabbit app stops (its clients are told 320
    /// CONNECTION_FORCED), the VM stays up and polls.
    pub(crate) fn pause(&mut self, a: usize, visible: usize, total: usize) {
        let node = self.node_name(a).to_string();
        let change = match self.settings(a).partition_handling {
            PartitionHandling::PauseIfAllDown => StateChange::NodePausedAllDown {
                node,
                preferred: self.settings(a).preferred_nodes.clone(),
            },
            _ => StateChange::NodePaused {
                node,
                visible,
                total,
            },
        };
        self.changed(change);
        self.pause_node(a);
    }

    /// The pause itself: the rabbit app stops, the VM stays up.
    pub(crate) fn pause_node(&mut self, a: usize) {
        self.close_clients_forced(a);
        let _ = self.stop_node(a);
        self.cluster.nodes[a].state = NodeState::Paused;
    }

    /// A controlled shutdown's `connection.close`: 320 CONNECTION_FORCED to every client of
    /// node `a`.
    pub(crate) fn close_clients_forced(&mut self, a: usize) {
        // As pika raises it.
        let reason = format!("ConnectionClosedByBroker: (320) {FORCED_REPLY}");
        for c in 0..self.clients.len() {
            if self.clients[c].node == a && self.clients[c].connected {
                self.disconnect_client(ClientId(c), &reason);
            }
        }
    }
}
