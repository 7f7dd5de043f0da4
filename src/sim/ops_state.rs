//! The state the operating commands keep beside the cluster (`Sim`'s `maintenance` and
//! `crashes` fields), as plain data: `maintenance` and `crash` act on it.

use std::collections::{BTreeMap, BTreeSet};

use crate::sim::model::QueueId;
use crate::sim::time::Micros;

/// The nodes under maintenance (the `rabbit_node_maintenance_states` table).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Maintenance {
    pub(crate) drained: BTreeSet<usize>,
    /// Nodes whose next boot is forced (`rabbitmqctl force_boot`: the `force_load` file).
    forced: BTreeSet<usize>,
}

impl Maintenance {
    /// A booted node is back to regular operation.
    pub fn node_booted(&mut self, n: usize) {
        self.drained.remove(&n);
    }

    /// `rabbit_mnesia:force_load_next_boot/0`.
    pub fn force_next_boot(&mut self, n: usize) {
        self.forced.insert(n);
    }

    /// Whether this boot of `n` is forced; the flag is used up (the file is deleted on boot).
    pub fn take_force_boot(&mut self, n: usize) -> bool {
        self.forced.remove(&n)
    }
}

/// The queue supervisors' memory of recent restarts, and killed masters waiting for a promotion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Restarts {
    /// Per (queue, node): when its supervisor restarted the process, within the period.
    pub(crate) recent: BTreeMap<(usize, usize), Vec<Micros>>,
    /// A killed master's restarted process on this node waits for a mirror's promotion.
    pub(crate) awaiting_promotion: Vec<(QueueId, usize)>,
}
