//! What a replica is in its queue's record: master, synchronised or unsynchronised slave, or
//! gone (a dead or dropped process still drawn at the cursor).

use crate::sim::engine::Sim;
use crate::sim::model::{ProcId, Role};

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

    /// What process `p` was when trace entry `entry` happened: a slave promoted later was a
    /// slave then (the event log, the arrows and the inspector name the role of that moment,
    /// not the final one). `None` for an unknown process.
    pub fn role_at(&self, p: ProcId, entry: usize) -> Option<Role> {
        let r = self.procs.get(p.0)?;
        Some(match r.master_from {
            Some(from) if entry >= from => Role::Master,
            _ => Role::Mirror,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::ReplicaRole;
    use crate::sim::model::{ProcId, Role};
    use crate::sim::scenario::Session;
    use crate::sim::time::Micros;

    /// Three nodes, `q` declared from node1 and mirrored on all, synchronised automatically.
    fn mirrored_everywhere() -> Session {
        let mut s = Session::new(&["cluster nodes=3"]).unwrap();
        s.apply("client app node=node1").unwrap();
        s.apply("app declare q durable").unwrap();
        s.apply(
            r#"rabbitmqctl set_policy ha "^q$" '{"ha-mode":"all","ha-sync-mode":"automatic"}'"#,
        )
        .unwrap();
        s
    }

    #[test]
    fn roles_follow_the_queue_record() {
        let mut s = mirrored_everywhere();
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

    #[test]
    fn a_promoted_slave_was_a_slave_before_its_promotion() {
        let mut s = mirrored_everywhere();
        s.advance_to(Micros::from_ms(50));
        s.apply("app publish q \"m\"").unwrap();
        s.advance_to(Micros::from_ms(100));
        let before = s.run.sim.trace.len();
        let old = s.run.sim.queues[0].master;
        s.apply("kill rabbit@node1").unwrap();
        s.advance_to(Micros::from_secs(5));
        let sim = &s.run.sim;
        let new = sim.queues[0].master;
        assert_ne!(new, old);
        assert_eq!(sim.procs[new.0].role, Role::Master);
        // Before the kill the new master was a slave; after its promotion it is the master.
        assert_eq!(sim.role_at(new, before), Some(Role::Mirror));
        assert_eq!(sim.role_at(new, sim.trace.len()), Some(Role::Master));
        assert_eq!(sim.role_at(old, before), Some(Role::Master));
        assert_eq!(sim.role_at(ProcId(usize::MAX), 0), None);
        // The entries that name the new master before the promotion are the publish's copies.
        let promoted = sim.procs[new.0].master_from.unwrap();
        assert!(promoted > before && promoted <= sim.trace.len());
    }
}
