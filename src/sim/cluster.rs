//! Nodes of the simulated cluster and their states.

use std::fmt;

/// What a node is doing, as `rabbitmqctl cluster_status` and the UI tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeState {
    /// The Erlang VM and the rabbit application are up.
    Running,
    /// Stopped in a controlled way (`stop_app`, `systemctl stop`): peers see it go at once.
    Stopped,
    /// Killed (crash, `kill -9`, power loss).
    Crashed,
    /// `pause_minority` stopped the rabbit app; the VM keeps polling for a majority.
    Paused,
}

impl NodeState {
    pub fn is_running(self) -> bool {
        self == NodeState::Running
    }

    pub fn as_str(self) -> &'static str {
        match self {
            NodeState::Running => "running",
            NodeState::Stopped => "stopped",
            NodeState::Crashed => "crashed",
            NodeState::Paused => "paused",
        }
    }
}

impl fmt::Display for NodeState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether the cluster counts a node as one of its own. A node that is no longer a member
/// keeps its slot (node indices never change) and its own state: it is still a machine with an
/// Erlang VM that may be up or down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Membership {
    /// In the cluster (`cluster_status` lists it under Disk Nodes).
    Member,
    /// Removed by `forget_cluster_node` from another node: the cluster no longer lists it, but
    /// its own database still names the old cluster, so it cannot start until it is reset.
    Forgotten,
    /// Reset (`rabbitmqctl reset`): it left the cluster and its data is wiped; it can join a
    /// cluster again with `join_cluster`.
    Reset,
}

/// One RabbitMQ node, `rabbit@nodeN` by default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Full Erlang node name, e.g. `rabbit@node2`.
    pub name: String,
    pub state: NodeState,
    pub membership: Membership,
}

impl Node {
    /// The part after `@` (`node2` for `rabbit@node2`).
    pub fn host(&self) -> &str {
        self.name.split_once('@').map_or(&self.name, |(_, h)| h)
    }
}

/// The cluster's membership: 1 to 9 nodes, in the order they were declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    pub nodes: Vec<Node>,
}

/// The most nodes a simulated cluster may have.
pub const MAX_NODES: usize = 9;

impl Cluster {
    /// `n` running nodes named `rabbit@node1` … `rabbit@nodeN`.
    pub fn with_nodes(n: usize) -> Result<Cluster, String> {
        let names: Vec<String> = (1..=n).map(|i| format!("rabbit@node{i}")).collect();
        Cluster::named(&names)
    }

    /// Running nodes with the given names; a name without `@` gets the `rabbit@` prefix.
    pub fn named(names: &[String]) -> Result<Cluster, String> {
        if names.is_empty() || names.len() > MAX_NODES {
            return Err(format!(
                "a cluster has 1 to {MAX_NODES} nodes, {} given",
                names.len()
            ));
        }
        let mut nodes: Vec<Node> = Vec::new();
        for raw in names {
            let name = full_node_name(raw);
            if name.split('@').any(|p| p.is_empty()) || name.matches('@').count() != 1 {
                return Err(format!("invalid node name '{raw}'"));
            }
            if nodes.iter().any(|n| n.name == name) {
                return Err(format!("node '{name}' is listed twice"));
            }
            nodes.push(Node {
                name,
                state: NodeState::Running,
                membership: Membership::Member,
            });
        }
        Ok(Cluster { nodes })
    }

    /// Whether node `n` is a member of the cluster.
    pub fn is_member(&self, n: usize) -> bool {
        self.nodes
            .get(n)
            .is_some_and(|x| x.membership == Membership::Member)
    }

    /// The members' indices, in cluster order.
    pub fn members(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.nodes.len()).filter(|&n| self.is_member(n))
    }

    /// Resolves `rabbit@node2`, `node2` (the part after `@`) or `rabbit2`-style short names to
    /// the node's index. Ambiguous or unknown names are an error naming the candidates.
    pub fn resolve(&self, name: &str) -> Result<usize, String> {
        if let Some(i) = self.nodes.iter().position(|n| n.name == name) {
            return Ok(i);
        }
        let hits: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| {
                let n = &self.nodes[i];
                n.host() == name || n.name.split('@').next() == Some(name)
            })
            .collect();
        match hits.as_slice() {
            [i] => Ok(*i),
            [] => Err(format!(
                "unknown node '{name}' (nodes: {})",
                self.nodes
                    .iter()
                    .map(|n| n.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            _ => Err(format!("node name '{name}' is ambiguous")),
        }
    }
}

/// `node2` → `rabbit@node2`; a name with `@` is kept as it is.
pub fn full_node_name(raw: &str) -> String {
    if raw.contains('@') {
        raw.to_string()
    } else {
        format!("rabbit@{raw}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_names_and_resolution() {
        let c = Cluster::with_nodes(3).unwrap();
        assert_eq!(c.nodes[2].name, "rabbit@node3");
        assert_eq!(c.resolve("node2"), Ok(1));
        assert_eq!(c.resolve("rabbit@node1"), Ok(0));
        assert!(c.resolve("node9").is_err());
        assert!(Cluster::with_nodes(0).is_err());
        assert!(Cluster::with_nodes(10).is_err());
    }

    #[test]
    fn ambiguous_short_name() {
        let c = Cluster::named(&["rabbit@a".into(), "rabbit@b".into()]).unwrap();
        assert!(c.resolve("rabbit").is_err());
        assert_eq!(c.resolve("b"), Ok(1));
    }
}

/// Why a membership change was refused. The rabbitmqctl layer turns each into the real tool's
/// text; the scenario runner and the UI use [`MembershipError::explain`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MembershipError {
    /// The named node is not (or no longer) a member of the cluster.
    NotAClusterNode(usize),
    /// `forget_cluster_node` of a node whose rabbit application still runs.
    StillRunning(usize),
    /// `forget_cluster_node` of the node the command runs on.
    ForgetSelf,
    /// `reset` or `join_cluster` on a node whose rabbit application runs.
    AppRunning(usize),
    /// `start_app` on a node the cluster forgot: its database still names the old cluster.
    Inconsistent(usize),
    /// `start_app` on a reset node: it would start as a cluster of its own, which the
    /// playground (one cluster) does not show.
    Standalone(usize),
    /// `join_cluster` on a node that was forgotten but not reset.
    NotReset(usize),
    /// `join_cluster` on a node that already is a member.
    AlreadyMember(usize),
    /// A node may not leave or join while the network is partitioned (not modelled).
    Partitioned,
    /// `reset` of the last running member: nobody would be left to remove it.
    NoPeer(usize),
    /// Nine nodes are the most the playground draws.
    Full,
}

impl MembershipError {
    /// A plain sentence for the scenario runner and the UI.
    pub fn explain(&self, cluster: &Cluster) -> String {
        let name = |n: &usize| cluster.nodes[*n].name.clone();
        match self {
            MembershipError::NotAClusterNode(n) => {
                format!("{} is not a member of this cluster", name(n))
            }
            MembershipError::StillRunning(n) => format!(
                "{} is running: stop it (rabbitmqctl -n {} stop_app) before forgetting it",
                name(n),
                name(n)
            ),
            MembershipError::ForgetSelf => {
                "a node cannot forget itself: run forget_cluster_node on another node".to_string()
            }
            MembershipError::AppRunning(n) => format!(
                "the rabbit application is running on {}: stop it first (stop_app)",
                name(n)
            ),
            MembershipError::Inconsistent(n) => format!(
                "{} was removed from the cluster; reset it (rabbitmqctl reset) and join_cluster before starting it",
                name(n)
            ),
            MembershipError::Standalone(n) => format!(
                "{} was reset: it would start as a cluster of its own, which this playground does not show; run join_cluster first",
                name(n)
            ),
            MembershipError::NotReset(n) => format!(
                "{} still holds the old cluster's database: reset it (rabbitmqctl reset) first",
                name(n)
            ),
            MembershipError::AlreadyMember(n) => {
                format!("{} is already a member of the cluster", name(n))
            }
            MembershipError::Partitioned => {
                "nodes cannot leave or join while the network is partitioned: heal it first"
                    .to_string()
            }
            MembershipError::NoPeer(n) => format!(
                "{} is the last running member: no node is left to remove it from",
                name(n)
            ),
            MembershipError::Full => format!("a cluster has at most {MAX_NODES} nodes"),
        }
    }
}
