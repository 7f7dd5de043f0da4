//! What a replica is in its queue's record: master, synchronised or unsynchronised slave, or
//! gone (a dead or dropped process still drawn at the cursor).

use crate::sim::engine::Sim;
use crate::sim::model::ProcId;

/// What a replica is in its queue's record right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplicaRole {
    Master,
    /// A mirror listed in `sync_slave_pids`.
    Synced,
    Unsynced,
    /// No longer in the record (a dead or dropped process).
    Gone,
}

impl Sim {
    /// The role the queue record gives process `p`.
    pub fn replica_role(&self, p: ProcId) -> ReplicaRole {
        let Some(q) = self.procs.get(p.0).and_then(|r| self.queues.get(r.queue.0)) else {
            return ReplicaRole::Gone;
        };
        if q.deleted {
            ReplicaRole::Gone
        } else if q.master == p {
            ReplicaRole::Master
        } else if q.synced.contains(&p) {
            ReplicaRole::Synced
        } else if q.mirrors.contains(&p) {
            ReplicaRole::Unsynced
        } else {
            ReplicaRole::Gone
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ReplicaRole;
    use crate::sim::model::ProcId;
    use crate::sim::scenario::Session;
    use crate::sim::time::Micros;

    #[test]
    fn roles_follow_the_queue_record() {
        let mut s = Session::new(&["cluster nodes=3"]).unwrap();
        s.apply("client app node=node1").unwrap();
        s.apply("app declare q durable").unwrap();
        s.apply(
            r#"rabbitmqctl set_policy ha "^q$" '{"ha-mode":"all","ha-sync-mode":"automatic"}'"#,
        )
        .unwrap();
        s.advance_to(Micros::from_ms(20));
        let sim = &s.run.sim;
        let q = &sim.queues[0];
        assert_eq!(sim.replica_role(q.master), ReplicaRole::Master);
        let unsynced: Vec<_> = q.mirrors.iter().filter(|p| !q.synced.contains(p)).collect();
        for &p in &q.synced {
            assert_eq!(sim.replica_role(p), ReplicaRole::Synced);
        }
        for &&p in &unsynced {
            assert_eq!(sim.replica_role(p), ReplicaRole::Unsynced);
        }
        assert_eq!(q.mirrors.len(), 2);
        assert_eq!(sim.replica_role(ProcId(usize::MAX)), ReplicaRole::Gone);
        // Killing the master's node: its process leaves the record.
        let old = q.master;
        s.apply("kill rabbit@node1").unwrap();
        s.advance_to(Micros::from_secs(5));
        assert_eq!(s.run.sim.replica_role(old), ReplicaRole::Gone);
    }
}
