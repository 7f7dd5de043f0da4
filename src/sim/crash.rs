//! A queue process killed while its node runs (`exit(QPid, kill)`), and what RabbitMQ 3.10.8's
//! supervision does about it.
//!
//! Every replica runs under its own `rabbit_amqqueue_sup` (`one_for_one`, intensity 5 in 10 s:
//! `amqqueue_max_restart_intensity`), as an `intrinsic` child started through
//! `rabbit_prequeue`. A killed process is restarted at once, and `rabbit_prequeue:init(Q,
//! restart)` decides what it comes back as:
//! * the master lives on another node: the process comes back as a new, empty mirror that joins
//!   the ring and syncs as `ha-sync-mode` says (so does a killed mirror);
//! * the master is dead and live mirrors remain: it waits (25 ms at a time) for the oldest mirror
//!   to be promoted, as on a node's death but with no nodedown, then comes back as a mirror;
//! * nothing is alive: `crash_restart`, the process restarts as master and recovers what the
//!   queue index holds (a durable queue's persistent messages; "Restarting crashed queue").
//!
//! A sixth exit within ten seconds makes the supervisor give up: that replica stays dead (the
//! only one: the record stays, every operation on it times out).

use crate::sim::engine::{Ev, Sim};
use crate::sim::model::{ProcId, QueueId, QueueState, Role};
use crate::sim::state_change::StateChange;
use crate::sim::time::Micros;

/// `amqqueue_max_restart_intensity`'s default: restarts allowed…
pub const RESTART_INTENSITY: usize = 5;
/// …within this period.
pub const RESTART_PERIOD: Micros = Micros(10_000_000);

impl Sim {
    /// Kills queue `q`'s process on node `n` (master or mirror). Errors name what is missing.
    pub fn crash_queue_process(&mut self, q: QueueId, n: usize) -> Result<(), String> {
        let name = self.queue_name(q);
        if self.queues[q.0].deleted {
            return Err(format!("{name} does not exist"));
        }
        if !self.node_running(n) {
            return Err(format!("node {} is not running", self.node_name(n)));
        }
        let master = self.queues[q.0].master;
        let role = if self.procs[master.0].alive && self.proc_node(master) == n {
            Some((master, Role::Master))
        } else {
            self.queues[q.0]
                .mirrors
                .iter()
                .copied()
                .find(|&p| self.procs[p.0].alive && self.proc_node(p) == n)
                .map(|p| (p, Role::Mirror))
        };
        let Some((p, role)) = role else {
            return Err(format!(
                "{name} has no live process on {}",
                self.node_name(n)
            ));
        };
        let restarted = self.supervisor_restarts(q, n);
        self.changed(StateChange::QueueProcessKilled {
            queue: name,
            node: self.node_name(n).to_string(),
            master: role == Role::Master,
            restarted,
        });
        match role {
            Role::Mirror => self.mirror_killed(q, p, n, restarted),
            Role::Master => self.master_killed(q, n, restarted),
        }
        Ok(())
    }

    /// Whether the supervisor of `q`'s process on `n` restarts it (and counts the restart).
    fn supervisor_restarts(&mut self, q: QueueId, n: usize) -> bool {
        let now = self.now;
        let recent = self.crashes.recent.entry((q.0, n)).or_default();
        recent.retain(|&t| t + RESTART_PERIOD > now);
        if recent.len() >= RESTART_INTENSITY {
            // The supervisor exits, and with it this replica's supervision history.
            self.crashes.recent.remove(&(q.0, n));
            return false;
        }
        recent.push(now);
        true
    }

    /// The master learns of the death over GM as of a mirror node's; the restarted process
    /// joins as a new empty mirror at once (the master lives elsewhere).
    fn mirror_killed(&mut self, q: QueueId, p: ProcId, n: usize, restarted: bool) {
        self.kill_proc(p);
        if !restarted {
            // `slaves_to_start_on_failure` leaves out the dead member's node, so no mirror
            // comes back there until the policy is evaluated again.
            self.forget_mirror(q, p);
            return;
        }
        self.fail_pending_confirms_of(p);
        self.schedule_gm_death(q, p);
        self.add_mirror(q, n);
        self.maybe_auto_sync(q);
    }

    fn master_killed(&mut self, q: QueueId, n: usize, restarted: bool) {
        if !self.live_mirrors(q).is_empty() {
            self.master_dies(q, false, Micros::ZERO);
            if restarted {
                self.crashes.awaiting_promotion.push((q, n));
            }
            return;
        }
        // The channels see the queue process go: consumers that asked to be told are cancelled,
        // the others consume again from whatever process serves the queue next.
        let master = self.queues[q.0].master;
        self.cancel_consumers(q, master, |k| k.cancel_on_failover);
        if !restarted {
            self.stranded_without_process(q);
            return;
        }
        // crash_restart: a new master on this node recovers what the queue index holds.
        {
            let pr = &mut self.procs[master.0];
            pr.alive = false;
            pr.gm.buffer.clear();
            if !self.queues[q.0].durable {
                pr.ready.clear();
                pr.unacked.clear();
            }
        }
        self.fail_pending_confirms_of(master);
        if self.queues[q.0].durable {
            self.recover_queue(q, true);
            return;
        }
        let p = self.spawn(q, n, Role::Master);
        let r = &mut self.queues[q.0];
        r.master = p;
        r.ring = vec![p];
        r.state = QueueState::Running;
        r.down_since = None;
        self.changed(StateChange::QueueRecovered {
            queue: self.queue_name(q),
            node: self.node_name(n).to_string(),
            messages: 0,
        });
        if self.queues[q.0].is_mirrored() {
            self.update_mirrors(q);
        }
        self.retry_waiting(q);
        self.try_deliver(q);
    }

    /// The supervisor gave up on the queue's only process: the record keeps its dead pid (the
    /// node is up, so no `on_node_down` removes it), `list_queues` leaves it out and requests
    /// retry until they time out (seen on 3.10.8 with a transient queue: `NOT_FOUND - failed to
    /// perform operation on queue 'solo' in vhost '/' due to timeout`).
    fn stranded_without_process(&mut self, q: QueueId) {
        let master = self.queues[q.0].master;
        {
            let pr = &mut self.procs[master.0];
            pr.alive = false;
            pr.gm.buffer.clear();
            pr.ready.clear();
            pr.unacked.clear();
        }
        self.fail_pending_confirms_of(master);
        let now = self.now;
        let r = &mut self.queues[q.0];
        r.state = QueueState::Down;
        r.down_since = Some(now);
        r.sync = None;
        self.changed(StateChange::QueueDown {
            queue: self.queue_name(q),
            master_node: self.node_name(self.proc_node(master)).to_string(),
        });
        let at = now + crate::sim::engine::MASTER_RETRY;
        self.schedule(at, Ev::ConsumersGiveUp { queue: q });
    }

    /// Called as a mirror of `q` is promoted: a killed master's restarted process, which was
    /// waiting for this, joins as a mirror on its node.
    pub(crate) fn rejoin_after_promotion(&mut self, q: QueueId) {
        let waiting: Vec<usize> = self
            .crashes
            .awaiting_promotion
            .iter()
            .filter(|(x, _)| *x == q)
            .map(|&(_, n)| n)
            .collect();
        self.crashes.awaiting_promotion.retain(|(x, _)| *x != q);
        for n in waiting {
            let has_replica =
                self.proc_node(self.queues[q.0].master) == n || self.mirror_nodes(q).contains(&n);
            if self.node_running(n) && !has_replica {
                self.add_mirror(q, n);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::scenario::Session;

    fn session() -> Session {
        let mut s = Session::new(&["cluster nodes=3"]).unwrap();
        for l in [
            r#"rabbitmqctl set_policy ha "^q" '{"ha-mode":"all","ha-sync-mode":"automatic"}'"#,
            "client c node=node1",
            "c declare q durable",
            "c publish q \"m\" count=3 persistent",
            "wait 1s",
        ] {
            s.apply(l).unwrap();
        }
        s
    }

    #[test]
    fn a_killed_mirror_comes_back_and_syncs() {
        let mut s = session();
        let q = s.run.sim.find_queue("/", "q").unwrap();
        s.run.sim.crash_queue_process(q, 1).unwrap();
        s.apply("wait 2s").unwrap();
        assert_eq!(s.run.sim.mirror_nodes(q).len(), 2);
        assert_eq!(s.run.sim.queue(q).synced.len(), 2, "automatic sync");
    }

    #[test]
    fn a_killed_master_is_replaced_by_promotion_and_comes_back_as_mirror() {
        let mut s = session();
        let q = s.run.sim.find_queue("/", "q").unwrap();
        s.run.sim.crash_queue_process(q, 0).unwrap();
        s.apply("wait 2s").unwrap();
        assert_eq!(s.run.sim.master_node(q), 1, "the oldest mirror");
        assert!(s.run.sim.mirror_nodes(q).contains(&0));
        assert_eq!(s.run.sim.queue(q).synced.len(), 2);
    }

    #[test]
    fn the_sixth_kill_within_ten_seconds_is_not_restarted() {
        let mut s = session();
        let q = s.run.sim.find_queue("/", "q").unwrap();
        for _ in 0..5 {
            s.run.sim.crash_queue_process(q, 2).unwrap();
            s.apply("wait 200ms").unwrap();
        }
        assert!(s.run.sim.mirror_nodes(q).contains(&2));
        s.run.sim.crash_queue_process(q, 2).unwrap();
        s.apply("wait 1s").unwrap();
        assert!(!s.run.sim.mirror_nodes(q).contains(&2));
        assert!(s.run.sim.crash_queue_process(q, 2).is_err());
    }
}
