//! Maintenance mode as RabbitMQ 3.10.8's `rabbit_maintenance` runs it (`rabbitmq-upgrade
//! drain` / `revive`), and the two upgrade checks that read the queue records
//! (`rabbit_amqqueue:list_local_mirrored_classic_without_synchronised_mirrors/0`, behind
//! `rabbitmq-queues check_if_node_is_mirror_sync_critical`, `rabbitmq-upgrade
//! await_online_synchronized_mirror` and the management health check).
//!
//! A drain marks the node, suspends its client listeners (new connections are refused) and
//! closes its client connections with "Node was put into maintenance mode". In 3.10.8 it moves
//! quorum-queue leaders only: classic mirrored masters stay where they are. The queue master
//! locators (`random`, `min-masters`) and `rabbitmq-queues rebalance` skip drained nodes;
//! `suggested_queue_nodes` (where mirrors go) does not. A successful boot of the node's rabbit
//! application resets its status (`rabbit:do_run_postlaunch_phase`).

use crate::sim::engine::Sim;
use crate::sim::model::{ClientId, QueueId};
use crate::sim::state_change::StateChange;

/// The reply text of the `connection.close` a drain sends (`close_all_client_connections`).
pub const MAINTENANCE_REPLY: &str = "CONNECTION_FORCED - Node was put into maintenance mode";

/// How pika reports that close; the pika binding reads it back to fail the script's connection.
pub fn maintenance_close_reason() -> String {
    format!("ConnectionClosedByBroker: (320) {MAINTENANCE_REPLY}")
}

impl Sim {
    /// Whether node `n` is marked for maintenance.
    pub fn is_drained(&self, n: usize) -> bool {
        self.maintenance.drained.contains(&n)
    }

    /// `rabbit_maintenance:drain/0` on node `n` (its app must run): returns how many client
    /// connections it closed. Draining a drained node again closes nothing new.
    pub fn drain_node(&mut self, n: usize) -> usize {
        self.maintenance.drained.insert(n);
        let reason = maintenance_close_reason();
        let mut closed = 0;
        for c in 0..self.clients.len() {
            if self.clients[c].node == n && self.clients[c].connected {
                self.disconnect_client(ClientId(c), &reason);
                closed += 1;
            }
        }
        self.changed(StateChange::NodeDrained {
            node: self.node_name(n).to_string(),
            connections: closed,
        });
        closed
    }

    /// `rabbit_maintenance:revive/0`: listeners resume, the node is a placement candidate again.
    pub fn revive_node(&mut self, n: usize) {
        self.maintenance.drained.remove(&n);
        self.changed(StateChange::NodeRevived {
            node: self.node_name(n).to_string(),
        });
    }

    /// `filter_out_drained_nodes_local_read/1`.
    pub fn without_drained(&self, nodes: Vec<usize>) -> Vec<usize> {
        nodes.into_iter().filter(|&n| !self.is_drained(n)).collect()
    }

    /// The mirrored classic queues mastered on `n` with no synchronised mirror alive
    /// (`list_local_mirrored_classic_without_synchronised_mirrors/0`): records in a crashed
    /// state and exclusive queues are left out; a mirrored queue with no mirror at all counts.
    pub fn mirror_sync_critical(&self, n: usize) -> Vec<QueueId> {
        (0..self.queues.len())
            .map(QueueId)
            .filter(|&q| {
                let r = &self.queues[q.0];
                !r.deleted
                    && r.exclusive_owner.is_none()
                    && r.is_mirrored()
                    && self.procs[r.master.0].alive
                    && self.proc_node(r.master) == n
                    && !r.synced.iter().any(|&p| self.procs[p.0].alive)
            })
            .collect()
    }

    /// Whether the cluster is node `n` alone (`rabbit_nodes:is_single_node_cluster/0`).
    pub fn single_node_cluster(&self, n: usize) -> bool {
        self.cluster.members().all(|x| x == n)
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::scenario::Session;

    #[test]
    fn drain_closes_clients_refuses_new_ones_and_a_boot_revives() {
        let mut s = Session::new(&["cluster nodes=3"]).unwrap();
        s.apply("client a node=node1").unwrap();
        s.apply("client b node=node2").unwrap();
        assert_eq!(s.run.sim.drain_node(0), 1);
        let a = s.run.sim.find_client("a").unwrap();
        assert!(!s.run.sim.clients[a.0].connected);
        assert!(s.run.sim.connect("c", 0).is_err());
        assert!(s.run.sim.is_drained(0));
        s.apply("stop node1").unwrap();
        s.apply("start node1").unwrap();
        assert!(!s.run.sim.is_drained(0), "a boot resets maintenance");
        assert!(s.run.sim.connect("c", 0).is_ok());
    }
}
