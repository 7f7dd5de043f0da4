//! The management UI's queue row (`+N` pills, `Syncing: P%`), and the live preview of a
//! policy before it is applied.

use crate::erl::re::Pattern;
use crate::sim::engine::Sim;
use crate::sim::model::{QueueId, QueueState};
use crate::sim::policy::definition::{PolicyKind, ValidatedPolicy};
use crate::sim::time::Micros;

/// A queue as the management UI's Queues page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueView {
    pub id: QueueId,
    pub vhost: String,
    pub name: String,
    /// Master node (the "Node" column).
    pub master: String,
    /// Synchronised mirrors, in `synchronised_slave_pids` order: the light-blue `+S` pill.
    pub synced: Vec<String>,
    /// Unsynchronised mirrors: the red `+U` pill.
    pub unsynced: Vec<String>,
    /// All mirrors, oldest first.
    pub mirrors: Vec<String>,
    /// Mirrored by policy (a mirrored queue with zero mirrors shows no pill).
    pub mirrored: bool,
    pub policy: Option<String>,
    pub operator_policy: Option<String>,
    /// `Syncing: P%` while an eager sync runs.
    pub syncing_percent: Option<u32>,
    pub ready: u64,
    pub unacked: u64,
    pub durable: bool,
    pub exclusive: bool,
    /// What the management UI's State column says.
    pub state: RowState,
    /// The partition side whose view this is, during a split brain.
    pub side: Option<u8>,
    /// The Features column's argument abbreviations (`TTL`, `Lim`, `DLX`, …) and tooltips.
    pub arg_features: Vec<(&'static str, String)>,
}

/// A queue row's State, as the management UI shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowState {
    Running,
    /// An eager synchronisation runs (the master is blocked).
    Syncing,
    /// No live master.
    Down,
    /// Offline after a shutdown veto (`ha-promote-on-shutdown: when-synced`).
    Stopped,
}

impl RowState {
    /// The management UI's word, also the row's CSS class suffix.
    pub fn as_str(self) -> &'static str {
        match self {
            RowState::Running => "running",
            RowState::Syncing => "syncing",
            RowState::Down => "down",
            RowState::Stopped => "stopped",
        }
    }
}

/// The button a queue row offers, as the management UI's queue page does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncAction {
    Synchronise,
    Cancel,
}

impl QueueView {
    /// Synchronise while a mirrored queue has unsynchronised mirrors and runs; Cancel while it
    /// synchronises; nothing otherwise.
    pub fn sync_action(&self) -> Option<SyncAction> {
        if self.syncing_percent.is_some() || self.state == RowState::Syncing {
            Some(SyncAction::Cancel)
        } else if self.mirrored && !self.unsynced.is_empty() && self.state == RowState::Running {
            Some(SyncAction::Synchronise)
        } else {
            None
        }
    }

    /// The text of the `+S` pill's tooltip, as the management UI words it.
    pub fn synced_tooltip(&self) -> String {
        if self.synced.is_empty() {
            "There are no synchronised mirrors".to_string()
        } else {
            format!("Synchronised mirrors: {}", self.synced.join(","))
        }
    }

    pub fn unsynced_tooltip(&self) -> String {
        format!("Unsynchronised mirrors: {}", self.unsynced.join(","))
    }
}

/// Where a queue's replicas would be.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    pub vhost: String,
    pub queue: String,
    pub policy: Option<String>,
    pub master: String,
    pub mirrors: Vec<String>,
}

impl Sim {
    /// The queues of `vhost` that `pattern` cannot be matched against within the regex
    /// engine's matching-cost limit: RabbitMQ's `re:run/3` answers no match for them
    /// (`{error, match_limit}` with `report_errors`), so the policy would never apply to them.
    pub fn queues_past_match_limit(&self, vhost: &str, pattern: &Pattern) -> Vec<String> {
        self.queues
            .iter()
            .filter(|r| !r.deleted && r.vhost == vhost && pattern.run(&r.name).is_err())
            .map(|r| r.name.clone())
            .collect()
    }

    /// Every queue not deleted, as the Queues page lists them.
    pub fn queue_views(&self) -> Vec<QueueView> {
        (0..self.queues.len())
            .map(QueueId)
            .filter(|&q| !self.queue(q).deleted)
            .map(|q| self.queue_view(q))
            .collect()
    }

    pub fn queue_view(&self, q: QueueId) -> QueueView {
        let r = self.queue(q);
        let m = &self.procs[r.master.0];
        let name = |n: usize| self.node_name(n).to_string();
        let synced: Vec<String> = r.synced.iter().map(|&p| name(self.proc_node(p))).collect();
        let mirrors: Vec<String> = r.mirrors.iter().map(|&p| name(self.proc_node(p))).collect();
        let unsynced = r
            .mirrors
            .iter()
            .filter(|p| !r.synced.contains(p))
            .map(|&p| name(self.proc_node(p)))
            .collect();
        let state = if !self.queue_available(q) {
            if r.state == QueueState::Stopped {
                RowState::Stopped
            } else {
                RowState::Down
            }
        } else if r.state == QueueState::Syncing {
            RowState::Syncing
        } else {
            RowState::Running
        };
        QueueView {
            id: q,
            vhost: r.vhost.clone(),
            name: r.name.clone(),
            master: name(self.proc_node(r.master)),
            synced,
            unsynced,
            mirrors,
            mirrored: r.is_mirrored(),
            policy: r.policy.clone(),
            operator_policy: r.operator_policy.clone(),
            syncing_percent: self.sync_percent(q),
            ready: m.ready.len() as u64,
            unacked: m.unacked.len() as u64,
            durable: r.durable,
            exclusive: r.exclusive_owner.is_some(),
            state,
            side: r.side,
            arg_features: crate::sim::queue_args::arg_features(&r.args),
        }
    }

    /// Where every queue's replicas would settle if this policy were applied now: the core
    /// runs the change on a copy of the cluster for `settle` of simulated time.
    pub fn preview_policy(
        &self,
        vhost: &str,
        kind: PolicyKind,
        policy: ValidatedPolicy,
        settle: Micros,
    ) -> Vec<Placement> {
        let mut copy = self.clone();
        copy.set_policy(vhost, kind, policy);
        copy.advance(settle);
        (0..copy.queues.len())
            .map(QueueId)
            .filter(|&q| {
                !copy.queue(q).deleted && copy.queue(q).vhost == vhost && copy.queue_available(q)
            })
            .map(|q| Placement {
                vhost: vhost.to_string(),
                queue: copy.queue(q).name.clone(),
                policy: copy.queue(q).policy.clone(),
                master: copy.node_name(copy.master_node(q)).to_string(),
                mirrors: copy
                    .mirror_nodes(q)
                    .into_iter()
                    .map(|n| copy.node_name(n).to_string())
                    .collect(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::policy::definition::PolicyKind;
    use crate::sim::policy::validate::parse_set;
    use crate::sim::scenario::Session;
    use crate::sim::time::Micros;

    #[test]
    fn a_stranded_transient_queue_shows_down_until_delete_queue_removes_it() {
        let mut s = Session::new(&["cluster nodes=3"]).unwrap();
        for line in [
            "client app node=node1",
            "app declare z transient",
            "app publish z \"x\" count=2 transient",
            "wait 100ms",
            r#"rabbitmqctl set_policy hz "^z$" '{"ha-mode":"nodes","ha-params":["rabbit@node1","rabbit@node2"],"ha-promote-on-failure":"when-synced"}'"#,
            "wait 1s",
            "kill node1",
            "wait 1s",
            "start node1",
            "wait 1s",
        ] {
            s.apply(line).unwrap();
        }
        let rows = s.run.sim.queue_views();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].state, super::RowState::Down);
        assert_eq!(rows[0].master, "rabbit@node1");
        assert!(rows[0].mirrors.is_empty());
        assert!(s.run.sim.node_running(0));
        let r = s.apply("rabbitmqctl delete_queue z").unwrap();
        assert_eq!(r.exit_code, 0, "{}", r.output);
        assert!(s.run.sim.queue_views().is_empty());
    }

    #[test]
    fn queue_view_pills_and_preview() {
        let mut s = Session::new(&["cluster nodes=3"]).unwrap();
        s.apply("client app node=node1").unwrap();
        s.apply("app declare q durable").unwrap();
        s.apply("app publish q \"m\" count=4").unwrap();
        s.advance_to(Micros::from_ms(50));
        let p = parse_set(
            PolicyKind::User,
            "ha",
            "^q$",
            r#"{"ha-mode":"all"}"#,
            "0",
            "all",
        )
        .unwrap();
        let preview = s
            .run
            .sim
            .preview_policy("/", PolicyKind::User, p, Micros::from_secs(1));
        assert_eq!(preview.len(), 1);
        assert_eq!(preview[0].master, "rabbit@node1");
        assert_eq!(preview[0].mirrors, vec!["rabbit@node2", "rabbit@node3"]);
        // The preview did not touch the real cluster.
        let v = &s.run.sim.queue_views()[0];
        assert!(!v.mirrored && v.mirrors.is_empty());
        s.apply(r#"rabbitmqctl set_policy ha "^q$" '{"ha-mode":"all"}'"#)
            .unwrap();
        s.advance_to(Micros::from_ms(100));
        let v = &s.run.sim.queue_views()[0];
        assert_eq!(v.unsynced, vec!["rabbit@node2", "rabbit@node3"]);
        assert_eq!(v.synced_tooltip(), "There are no synchronised mirrors");
        assert_eq!(v.ready, 4);
    }
}
