//! Cluster membership during a run: `forget_cluster_node`, `reset`, `join_cluster` and the
//! scenario's `join node`. Node indices never change: a node that leaves keeps its slot with a
//! [`Membership`] other than `Member`, so pids, trace endpoints and the UI's node positions stay
//! valid.
//!
//! What forgetting does to queues follows `rabbit_amqqueue:forget_all_durable/1` (spec §6.5):
//! every durable queue whose master was on the forgotten node gets, as its new master-to-be, the
//! first node of its `recoverable_slaves` that is a stopped member (that node recovers the queue
//! from its own disk when it starts); with no such node the record is deleted.

use crate::sim::cluster::{Membership, MembershipError, Node, NodeState, MAX_NODES};
use crate::sim::engine::Sim;
use crate::sim::model::{ProcId, QueueId, QueueState, Role};
use crate::sim::state_change::{DeleteCause, StateChange};

impl Sim {
    /// `rabbitmqctl -n BY forget_cluster_node N`: removes a stopped member.
    pub fn forget_node(&mut self, by: usize, n: usize) -> Result<(), MembershipError> {
        if !self.cluster.is_member(n) {
            return Err(MembershipError::NotAClusterNode(n));
        }
        if self.node_running(n) {
            return Err(MembershipError::StillRunning(n));
        }
        if by == n {
            return Err(MembershipError::ForgetSelf);
        }
        if self.partition.is_some() {
            return Err(MembershipError::Partitioned);
        }
        self.changed(StateChange::NodeForgotten {
            node: self.node_name(n).to_string(),
            by: self.node_name(by).to_string(),
        });
        self.leave(n, Membership::Forgotten);
        Ok(())
    }

    /// `force_load_next_boot` (after an offline forget): `n` boots next without waiting for
    /// the nodes that stopped after it.
    pub fn boot_first(&mut self, n: usize) {
        self.stop_order.retain(|&x| x != n);
        self.stop_order.push(n);
    }

    /// `rabbitmqctl -n N reset` on a stopped node: a member leaves the cluster first (a running
    /// member removes it, as forgetting would); its data is wiped either way.
    pub fn reset_node(&mut self, n: usize) -> Result<(), MembershipError> {
        if self.node_running(n) || self.waiting_boot.contains(&n) {
            return Err(MembershipError::AppRunning(n));
        }
        if self.cluster.is_member(n) {
            if self.partition.is_some() {
                return Err(MembershipError::Partitioned);
            }
            let others = self.cluster.members().any(|x| x != n);
            if others
                && !self
                    .cluster
                    .members()
                    .any(|x| x != n && self.node_running(x))
            {
                return Err(MembershipError::NoPeer(n));
            }
            self.changed(StateChange::NodeReset {
                node: self.node_name(n).to_string(),
                left_cluster: true,
            });
            self.leave(n, Membership::Reset);
        } else {
            self.changed(StateChange::NodeReset {
                node: self.node_name(n).to_string(),
                left_cluster: false,
            });
            self.cluster.nodes[n].membership = Membership::Reset;
        }
        self.wipe(n);
        Ok(())
    }

    /// `rabbitmqctl -n N join_cluster PEER`: a reset node with its application stopped joins;
    /// it stays stopped until `start_app`.
    pub fn join_cluster(&mut self, n: usize, peer: usize) -> Result<(), MembershipError> {
        if self.node_running(n) {
            return Err(MembershipError::AppRunning(n));
        }
        match self.cluster.nodes[n].membership {
            Membership::Member => return Err(MembershipError::AlreadyMember(n)),
            Membership::Forgotten => return Err(MembershipError::NotReset(n)),
            Membership::Reset => {}
        }
        if !self.cluster.is_member(peer) {
            return Err(MembershipError::NotAClusterNode(peer));
        }
        if self.partition.is_some() {
            return Err(MembershipError::Partitioned);
        }
        self.cluster.nodes[n].membership = Membership::Member;
        self.changed(StateChange::NodeJoinedStopped {
            node: self.node_name(n).to_string(),
            peer: self.node_name(peer).to_string(),
        });
        Ok(())
    }

    /// The scenario's `join node`: the first node that left comes back (reset, joined and
    /// started), or else a fresh `rabbit@nodeN` joins. Returns its index.
    pub fn join_node(&mut self) -> Result<usize, MembershipError> {
        if self.partition.is_some() {
            return Err(MembershipError::Partitioned);
        }
        let Some(n) = (0..self.cluster.nodes.len()).find(|&x| !self.cluster.is_member(x)) else {
            return self.add_node();
        };
        if self.cluster.nodes[n].membership == Membership::Forgotten {
            self.wipe(n);
        }
        self.cluster.nodes[n].membership = Membership::Member;
        self.cluster.nodes[n].state = NodeState::Stopped;
        self.halted[n] = false;
        self.changed(StateChange::NodeRejoins {
            node: self.node_name(n).to_string(),
        });
        // Not in the stop order any more, so the boot rule never makes it wait.
        let _ = self.start_node(n);
        Ok(n)
    }

    /// A fresh node joins the running cluster (`rabbitmqctl join_cluster` on a new machine):
    /// it gets mirrors where policies want one, as any node whose vhost comes up.
    pub(crate) fn add_node(&mut self) -> Result<usize, MembershipError> {
        let n = self.cluster.nodes.len();
        if n >= MAX_NODES {
            return Err(MembershipError::Full);
        }
        let name = (1..)
            .map(|i| format!("rabbit@node{i}"))
            .find(|c| self.cluster.nodes.iter().all(|x| &x.name != c))
            .unwrap_or_else(|| format!("rabbit@node{}", n + 1));
        self.cluster.nodes.push(Node {
            name: name.clone(),
            state: NodeState::Running,
            membership: Membership::Member,
        });
        self.grow_node_tables();
        self.changed(StateChange::NodeAdded { node: name });
        self.node_up(n, false);
        Ok(n)
    }

    /// Takes `n` out of the cluster: its durable queues move to a stopped mirror node or are
    /// deleted, and nothing waits for it any more.
    fn leave(&mut self, n: usize, how: Membership) {
        self.forget_durable_queues_on(n);
        self.cluster.nodes[n].membership = how;
        self.stop_order.retain(|&x| x != n);
        if let Some(i) = self.waiting_boot.iter().position(|&x| x == n) {
            self.waiting_boot.remove(i);
        }
    }

    /// A reset deletes the node's message stores: nothing it held can be recovered.
    fn wipe(&mut self, n: usize) {
        for i in 0..self.procs.len() {
            if self.procs[i].pid.node == n && !self.procs[i].alive {
                self.procs[i].ready.clear();
                self.procs[i].unacked.clear();
            }
        }
    }

    /// `forget_all_durable/1` for node `n` (spec §6.5).
    fn forget_durable_queues_on(&mut self, n: usize) {
        for i in 0..self.queues.len() {
            let q = QueueId(i);
            let r = &self.queues[i];
            if r.deleted || !r.durable || self.proc_node(r.master) != n {
                continue;
            }
            // A live mirror is about to be promoted (GM has yet to report the death): on a
            // real cluster that happens within milliseconds, long before the next command.
            if self.procs[r.master.0].alive || !self.live_mirrors(q).is_empty() {
                continue;
            }
            // node_permits_offline_promotion: a member whose application is not running.
            let heir = r
                .recoverable
                .iter()
                .copied()
                .find(|&h| h != n && self.cluster.is_member(h) && !self.node_running(h));
            match heir {
                Some(h) => {
                    let p = self.latest_replica_on(q, h);
                    let change = StateChange::MasterForgottenRecoverable {
                        queue: self.queue_name(q),
                        node: self.node_name(n).to_string(),
                        heir: self.node_name(h).to_string(),
                    };
                    self.procs[p.0].role = Role::Master;
                    self.procs[p.0].master_from = Some(self.trace.len());
                    let r = &mut self.queues[i];
                    r.master = p;
                    r.mirrors.retain(|&x| x != p);
                    r.synced.retain(|&x| x != p);
                    r.ring = vec![p];
                    if r.state == QueueState::Running {
                        r.state = QueueState::Down;
                    }
                    self.changed(change);
                }
                None => {
                    let change = StateChange::QueueDeleted {
                        queue: self.queue_name(q),
                        cause: DeleteCause::MasterForgotten {
                            node: self.node_name(n).to_string(),
                        },
                    };
                    self.delete_queue(q);
                    self.changed(change);
                }
            }
        }
    }

    /// The queue's most recent (dead) replica process on node `h`, or an empty one when the
    /// node kept nothing of it.
    fn latest_replica_on(&mut self, q: QueueId, h: usize) -> ProcId {
        let found = (0..self.procs.len())
            .rev()
            .find(|&i| self.procs[i].queue == q && self.procs[i].pid.node == h);
        match found {
            Some(i) => ProcId(i),
            None => {
                let p = self.spawn(q, h, Role::Mirror);
                self.procs[p.0].alive = false;
                p
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::cluster::MembershipError;
    use crate::sim::scenario::Session;
    use crate::sim::time::Micros;

    fn session(lines: &[&str]) -> Session {
        let mut s = Session::new(&["cluster nodes=3", "seed 3"]).unwrap();
        for l in lines {
            let r = s.apply(l).unwrap();
            assert_ne!(r.exit_code, 2, "{l}: {}", r.output);
        }
        s
    }

    #[test]
    fn a_forgotten_node_keeps_its_index_and_leaves_every_count() {
        let mut s = session(&["on node3: rabbitmqctl stop_app"]);
        s.run.sim.forget_node(0, 2).unwrap();
        let sim = &s.run.sim;
        assert_eq!(sim.cluster.nodes.len(), 3);
        assert_eq!(sim.cluster.members().collect::<Vec<_>>(), vec![0, 1]);
        assert_eq!(sim.node_name(2), "rabbit@node3");
        // Nothing can be done with it as a member any more.
        assert!(s.run.sim.partition(&[vec![0], vec![2]]).is_err());
        assert_eq!(
            s.run.sim.forget_node(0, 2),
            Err(MembershipError::NotAClusterNode(2))
        );
        assert!(s.run.sim.start_node(2).is_err());
        assert_eq!(
            s.run.sim.join_cluster(2, 0),
            Err(MembershipError::NotReset(2))
        );
    }

    #[test]
    fn refusals_leave_the_cluster_as_it_was() {
        let mut s = session(&[]);
        assert_eq!(
            s.run.sim.forget_node(0, 2),
            Err(MembershipError::StillRunning(2))
        );
        assert_eq!(
            s.run.sim.forget_node(1, 1),
            Err(MembershipError::StillRunning(1))
        );
        assert_eq!(s.run.sim.reset_node(1), Err(MembershipError::AppRunning(1)));
        assert_eq!(
            s.run.sim.join_cluster(1, 0),
            Err(MembershipError::AppRunning(1))
        );
        s.run.sim.partition(&[vec![0, 1], vec![2]]).unwrap();
        s.run.sim.stop_node(2).unwrap();
        assert_eq!(
            s.run.sim.forget_node(0, 2),
            Err(MembershipError::Partitioned)
        );
        assert_eq!(s.run.sim.cluster.members().count(), 3);
    }

    #[test]
    fn a_pending_promotion_is_not_mistaken_for_a_masterless_queue() {
        // The master's node stops and is forgotten in the same instant: the synchronised
        // mirror is still to be promoted, so the queue must survive.
        let mut s = session(&[
            r#"rabbitmqctl set_policy ha "^" '{"ha-mode":"all","ha-sync-mode":"automatic"}'"#,
            "client c node=node3",
            "c declare q durable",
            "c publish q \"m\" count=2 persistent",
            "wait 1s",
            "on node3: rabbitmqctl stop_app",
            "rabbitmqctl forget_cluster_node rabbit@node3",
        ]);
        s.advance_to(Micros::from_secs(3));
        let sim = &s.run.sim;
        let q = sim.find_queue("/", "q").expect("the queue survives");
        assert!(sim.queue_available(q));
        assert_ne!(sim.master_node(q), 2);
        assert_eq!(sim.procs[sim.queue(q).master.0].depth(), 2);
    }

    #[test]
    fn an_offline_forget_lets_the_forgetting_node_boot_first() {
        // The mirrors' nodes stop first, the master's node1 last, and node1 is lost for good.
        // With node2's VM stopped (3.10.8 refuses `--offline` against a VM that answers a ping,
        // even with rabbit stopped) `forget_cluster_node --offline rabbit@node1` makes the
        // first stopped mirror node in recoverable_slaves (node2 itself) the master-to-be, and
        // node2 may then boot alone (force_load_next_boot) and recover the messages.
        let mut s = session(&[
            r#"rabbitmqctl set_policy ha "^" '{"ha-mode":"all","ha-sync-mode":"automatic"}'"#,
            "client c node=node1",
            "c declare q durable",
            "c publish q \"m\" count=5 persistent",
            "wait 1s",
            "on node2: rabbitmqctl stop_app",
            "wait 1s",
            "on node3: rabbitmqctl stop_app",
            "wait 1s",
            "on node1: rabbitmqctl stop_app",
            "wait 1s",
        ]);
        let refused = s
            .apply("on node2: rabbitmqctl forget_cluster_node --offline rabbit@node1")
            .unwrap();
        assert_eq!(refused.exit_code, 64, "{}", refused.output);
        s.apply("on node2: rabbitmqctl stop").unwrap();
        let r = s
            .apply("on node2: rabbitmqctl forget_cluster_node --offline rabbit@node1")
            .unwrap();
        assert_eq!(r.exit_code, 0, "{}", r.output);
        let q = s.run.sim.find_queue("/", "q").expect("the record is kept");
        assert_eq!(s.run.sim.proc_node(s.run.sim.queue(q).master), 1);
        let r = s
            .apply("on node2: systemctl start rabbitmq-server")
            .unwrap();
        assert_eq!(r.exit_code, 0, "{}", r.output);
        assert!(s.run.sim.node_running(1), "node2 boots without waiting");
        let q = s.run.sim.find_queue("/", "q").unwrap();
        assert_eq!(s.run.sim.procs[s.run.sim.queue(q).master.0].depth(), 5);
    }
}
