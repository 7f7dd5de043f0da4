//! What can be done to a node: the faults its menu offers (stop, kill, start) and whether
//! each applies in the node's state, and the `rabbitmqctl` lines that take it out of the
//! cluster (none while the network is partitioned or no other member runs to forget it).

use crate::sim::cluster::NodeState;
use crate::sim::engine::Sim;
use crate::sim::scenario::print::word;

/// A fault the reader can inject on a node, or its maintenance mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeAction {
    /// `stop NODE`: a clean shutdown.
    Stop,
    /// `kill NODE`: the node dies at once.
    Kill,
    /// `start NODE`: boot a stopped or crashed node.
    Start,
    /// `on NODE: rabbitmq-upgrade drain`: maintenance mode.
    Drain,
    /// `on NODE: rabbitmq-upgrade revive`: back from maintenance mode.
    Revive,
}

impl NodeAction {
    /// The scenario verb (`rabbitmq-upgrade`'s command for drain and revive).
    pub fn verb(self) -> &'static str {
        match self {
            NodeAction::Stop => "stop",
            NodeAction::Kill => "kill",
            NodeAction::Start => "start",
            NodeAction::Drain => "drain",
            NodeAction::Revive => "revive",
        }
    }
}

/// One entry of a node's menu: the fault, the scenario line that injects it, and whether it
/// applies now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeChoice {
    pub action: NodeAction,
    pub line: String,
    pub enabled: bool,
}

/// A queue process the node menu can kill (`crash QUEUE on NODE`): one live replica on the node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessCrashChoice {
    /// The queue's name (its vhost is in the line when it is not `/`).
    pub queue: String,
    /// The replica is the queue's master (else a mirror).
    pub master: bool,
    /// The scenario line that kills it.
    pub line: String,
}

/// At most this many queue processes are offered in one node's menu; the console's `crash`
/// line reaches the rest (a menu taller than a phone's screen helps no one).
pub const MENU_PROCESS_CRASHES: usize = 8;

/// One `rabbitmqctl` line of a removal and the node whose console runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CtlStep {
    pub node: usize,
    pub line: String,
}

impl Sim {
    /// The faults node `n`'s menu offers, in menu order: stop while it runs, kill unless it
    /// has crashed, start when it is down and not already booting (or waiting for its stop to
    /// complete); then, while it runs, drain (or revive when it is drained).
    pub fn node_actions(&self, n: usize) -> Vec<NodeChoice> {
        let Some(node) = self.cluster.nodes.get(n) else {
            return Vec::new();
        };
        let running = node.state.is_running();
        let booting = self.waiting_boot.contains(&n) || self.restarting.contains(&n);
        [
            (NodeAction::Stop, running),
            (NodeAction::Kill, node.state != NodeState::Crashed),
            (NodeAction::Start, !running && !booting),
        ]
        .into_iter()
        .map(|(action, enabled)| NodeChoice {
            action,
            line: format!("{} {}", action.verb(), node.name),
            enabled,
        })
        .chain(self.maintenance_choice(n))
        .collect()
    }

    /// Drain while the node runs outside maintenance, revive while it is drained.
    fn maintenance_choice(&self, n: usize) -> Option<NodeChoice> {
        if !self.node_running(n) {
            return None;
        }
        let action = if self.is_drained(n) {
            NodeAction::Revive
        } else {
            NodeAction::Drain
        };
        Some(NodeChoice {
            action,
            line: format!(
                "on {}: rabbitmq-upgrade {}",
                self.node_name(n),
                action.verb()
            ),
            enabled: true,
        })
    }

    /// The queue processes alive on running node `n`, masters first, then by queue order, at
    /// most [`MENU_PROCESS_CRASHES`]: what the menu's "crash the queue process" entries kill.
    pub fn process_crash_choices(&self, n: usize) -> Vec<ProcessCrashChoice> {
        if !self.node_running(n) {
            return Vec::new();
        }
        let on_node =
            |p: crate::sim::model::ProcId| self.procs[p.0].alive && self.proc_node(p) == n;
        let mut found: Vec<(bool, usize)> = self
            .queues
            .iter()
            .enumerate()
            .filter(|(_, q)| !q.deleted)
            .filter_map(|(i, q)| {
                if on_node(q.master) {
                    Some((true, i))
                } else if q.mirrors.iter().any(|&p| on_node(p)) {
                    Some((false, i))
                } else {
                    None
                }
            })
            .collect();
        // Masters first: killing one is the interesting case (a promotion follows).
        crate::sort::sort_by_key(&mut found, |&(master, i)| (!master, i));
        found
            .into_iter()
            .take(MENU_PROCESS_CRASHES)
            .map(|(master, i)| {
                let q = &self.queues[i];
                let vhost = if q.vhost == "/" {
                    String::new()
                } else {
                    format!(" vhost={}", word(&q.vhost))
                };
                ProcessCrashChoice {
                    queue: q.name.clone(),
                    master,
                    line: format!("crash {} on {}{vhost}", word(&q.name), self.node_name(n)),
                }
            })
            .collect()
    }

    /// The rabbitmqctl lines that take node `n` out of the running cluster, each with the
    /// node it runs on: `stop_app` on the node if its application runs, then
    /// `forget_cluster_node` on a running member. None when `n` is no member, when no other
    /// member runs to do the forgetting, or while the network is partitioned (the core
    /// refuses membership changes then).
    pub fn removal_lines(&self, n: usize) -> Option<Vec<CtlStep>> {
        if !self.cluster.is_member(n) || self.partition.is_some() {
            return None;
        }
        let peer = self
            .cluster
            .members()
            .find(|&x| x != n && self.node_running(x))?;
        let mut lines = Vec::new();
        if self.node_running(n) {
            lines.push(CtlStep {
                node: n,
                line: "rabbitmqctl stop_app".to_string(),
            });
        }
        lines.push(CtlStep {
            node: peer,
            line: format!("rabbitmqctl forget_cluster_node {}", self.node_name(n)),
        });
        Some(lines)
    }
}

#[cfg(test)]
mod tests {
    use super::{CtlStep, NodeAction};
    use crate::sim::scenario::Session;
    use crate::sim::time::Micros;

    fn enabled(s: &Session, n: usize) -> Vec<(NodeAction, bool)> {
        s.run
            .sim
            .node_actions(n)
            .into_iter()
            .map(|c| (c.action, c.enabled))
            .collect()
    }

    #[test]
    fn the_menu_follows_the_node_state() {
        let mut s = Session::new(&["cluster nodes=3"]).unwrap();
        let lines: Vec<String> = s
            .run
            .sim
            .node_actions(1)
            .into_iter()
            .map(|c| c.line)
            .collect();
        assert_eq!(
            lines,
            [
                "stop rabbit@node2",
                "kill rabbit@node2",
                "start rabbit@node2",
                "on rabbit@node2: rabbitmq-upgrade drain"
            ]
        );
        use NodeAction::*;
        assert_eq!(
            enabled(&s, 1),
            [(Stop, true), (Kill, true), (Start, false), (Drain, true)]
        );
        s.apply("on rabbit@node2: rabbitmq-upgrade drain").unwrap();
        assert_eq!(
            enabled(&s, 1),
            [(Stop, true), (Kill, true), (Start, false), (Revive, true)]
        );
        s.apply("kill rabbit@node2").unwrap();
        s.advance_to(Micros::from_ms(10));
        assert_eq!(
            enabled(&s, 1),
            [(Stop, false), (Kill, false), (Start, true)]
        );
        s.apply("stop rabbit@node3").unwrap();
        s.advance_to(Micros::from_secs(5));
        assert_eq!(enabled(&s, 2), [(Stop, false), (Kill, true), (Start, true)]);
        assert!(s.run.sim.node_actions(99).is_empty());
    }

    #[test]
    fn start_is_not_offered_while_a_start_waits_for_the_stop_to_complete() {
        let mut s = Session::new(&["cluster nodes=3"]).unwrap();
        for line in [
            r#"rabbitmqctl set_policy ha "^" '{"ha-mode":"all"}'"#,
            "client c node=node2",
            "c declare q durable",
            "wait 100ms",
            "kill rabbit@node2",
        ] {
            s.apply(line).unwrap();
        }
        // The core's start (not the tools', which wait): the mirror is not promoted yet.
        s.run.sim.start_node(1).unwrap();
        use NodeAction::*;
        assert_eq!(
            enabled(&s, 1),
            [(Stop, false), (Kill, false), (Start, false)]
        );
        s.advance_to(Micros::from_secs(1));
        assert_eq!(
            enabled(&s, 1),
            [(Stop, true), (Kill, true), (Start, false), (Drain, true)]
        );
    }

    #[test]
    fn removal_stops_the_app_then_a_running_peer_forgets_the_node() {
        let mut s = Session::new(&["cluster nodes=3"]).unwrap();
        let step = |node: usize, line: &str| CtlStep {
            node,
            line: line.to_string(),
        };
        assert_eq!(
            s.run.sim.removal_lines(2),
            Some(vec![
                step(2, "rabbitmqctl stop_app"),
                step(0, "rabbitmqctl forget_cluster_node rabbit@node3"),
            ])
        );
        // A stopped node is only forgotten; the first running peer does it.
        s.apply("stop rabbit@node1").unwrap();
        s.advance_to(Micros::from_secs(5));
        assert_eq!(
            s.run.sim.removal_lines(0),
            Some(vec![step(
                1,
                "rabbitmqctl forget_cluster_node rabbit@node1"
            )])
        );
        assert_eq!(s.run.sim.removal_lines(99), None);
    }

    #[test]
    fn no_removal_during_a_partition_or_without_a_running_peer() {
        let mut s = Session::new(&["cluster nodes=2"]).unwrap();
        s.apply("partition node1 | node2").unwrap();
        s.advance_to(Micros::from_ms(10));
        assert_eq!(s.run.sim.removal_lines(1), None);
        let mut s = Session::new(&["cluster nodes=2"]).unwrap();
        s.apply("stop rabbit@node2").unwrap();
        s.advance_to(Micros::from_secs(5));
        assert_eq!(s.run.sim.removal_lines(0), None);
    }

    #[test]
    fn the_menu_offers_each_live_queue_process_masters_first() {
        let mut s = Session::new(&["cluster nodes=3"]).unwrap();
        for line in [
            r#"rabbitmqctl set_policy ha "^ha\." '{"ha-mode":"all"}'"#,
            "rabbitmqctl add_vhost v1",
            r#"rabbitmqctl set_permissions -p v1 guest ".*" ".*" ".*""#,
            "client a node=node1",
            "client b node=node2",
            "client c node=node1 vhost=v1",
            "b declare ha.b",
            "a declare ha.a",
            "a declare plain",
            "c declare other",
            "wait 1s",
        ] {
            s.apply(line).unwrap();
        }
        let choices = s.run.sim.process_crash_choices(0);
        let lines: Vec<&str> = choices.iter().map(|c| c.line.as_str()).collect();
        assert_eq!(
            lines,
            [
                "crash ha.a on rabbit@node1",
                "crash plain on rabbit@node1",
                "crash other on rabbit@node1 vhost=v1",
                "crash ha.b on rabbit@node1",
            ]
        );
        assert_eq!(
            choices.iter().map(|c| c.master).collect::<Vec<_>>(),
            [true, true, true, false]
        );
        // Node 3 holds only ha.* mirrors.
        let on3: Vec<String> = s
            .run
            .sim
            .process_crash_choices(2)
            .into_iter()
            .map(|c| c.line)
            .collect();
        assert_eq!(
            on3,
            ["crash ha.b on rabbit@node3", "crash ha.a on rabbit@node3"]
        );
        // Every offered line runs; a killed mirror comes back (restarted) and stays offered.
        for c in &choices {
            s.apply(&c.line).unwrap();
        }
        s.advance_to(Micros::from_secs(3));
        assert!(s
            .run
            .sim
            .process_crash_choices(0)
            .iter()
            .any(|c| c.line == "crash ha.b on rabbit@node1"));
        s.apply("stop rabbit@node3").unwrap();
        s.advance_to(Micros::from_secs(10));
        assert!(s.run.sim.process_crash_choices(2).is_empty());
    }
}
