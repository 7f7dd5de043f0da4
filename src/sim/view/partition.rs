//! What a network cut would do, for the page's partition editor: the
//! `cluster_partition_handling` each node runs with, how long until the nodes declare each other
//! down, and which nodes `pause_minority` would pause — the core's own rules, asked before the
//! cut is made.

use crate::sim::engine::{PartitionHandling, Sim};
use crate::sim::time::Micros;

/// The answer for one proposed cut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionOutlook {
    /// Each member's mode, in cluster order.
    pub modes: Vec<(String, PartitionHandling)>,
    /// The `net_ticktime` that detects the cut (each node gives up on a silent peer after 1–1.27 × it).
    pub ticktime: Micros,
    /// The members that would pause, with the members each sees and the members in all.
    pub pausing: Vec<(String, usize, usize)>,
}

impl PartitionOutlook {
    /// The one mode every member runs with, if they agree.
    pub fn common_mode(&self) -> Option<PartitionHandling> {
        let first = self.modes.first()?.1;
        self.modes.iter().all(|m| m.1 == first).then_some(first)
    }
}

impl Sim {
    /// What cutting the members into `sides` (member node index → side) would do.
    pub fn partition_outlook(&self, sides: &[(usize, u8)]) -> PartitionOutlook {
        let mut side_of = vec![u8::MAX; self.cluster.nodes.len()];
        for &(n, s) in sides {
            if let Some(x) = side_of.get_mut(n) {
                *x = s;
            }
        }
        PartitionOutlook {
            modes: self
                .cluster
                .members()
                .map(|n| {
                    (
                        self.node_name(n).to_string(),
                        self.settings(n).partition_handling,
                    )
                })
                .collect(),
            ticktime: self.net_ticktime_in_force(),
            pausing: self
                .minority_pauses(&side_of)
                .into_iter()
                .map(|(n, visible, total)| (self.node_name(n).to_string(), visible, total))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Cluster, Config};

    #[test]
    fn pause_minority_names_the_minority() {
        let config = Config {
            partition_handling: PartitionHandling::PauseMinority,
            ..Config::default()
        };
        let sim = Sim::new(Cluster::with_nodes(3).unwrap(), config);
        let o = sim.partition_outlook(&[(0, 0), (1, 0), (2, 1)]);
        assert_eq!(o.common_mode(), Some(PartitionHandling::PauseMinority));
        assert_eq!(o.pausing, vec![("rabbit@node3".to_string(), 1, 3)]);
        assert_eq!(o.ticktime, Micros::from_secs(60));
        let ignore = Sim::new(Cluster::with_nodes(3).unwrap(), Config::default());
        assert!(ignore
            .partition_outlook(&[(0, 0), (1, 0), (2, 1)])
            .pausing
            .is_empty());
    }
}
