//! Per-link bandwidth: an optional term of the network model (config `link_bandwidth=`,
//! `frame_bytes=`, `body_bytes=`). A frame between two nodes takes `bytes / bandwidth` to
//! serialise, and frames on one direction of a link queue behind each other, so a saturated
//! link delays everything after it. Unset, links are unlimited and nothing here runs, so
//! traces without the keys are unchanged.

use crate::sim::engine::Sim;
use crate::sim::time::Micros;
use crate::sim::trace::{MsgIds, MsgKind};
use crate::sim::wire::carries_bodies;

impl Sim {
    /// The wait for the link from `a` to `b` plus the frame's serialisation, reserving the
    /// link for it; zero when links are unlimited or the frame stays on its node.
    pub(crate) fn link_delay(
        &mut self,
        a: usize,
        b: usize,
        kind: MsgKind,
        msgs: &MsgIds,
    ) -> Micros {
        let wire = self.config.wire;
        if wire.link_bandwidth == 0 || a == b {
            return Micros(0);
        }
        let bodies: u64 = if carries_bodies(kind) {
            msgs.as_slice()
                .iter()
                .map(|m| {
                    wire.body_bytes.unwrap_or_else(|| {
                        self.messages
                            .get((m.0 as usize).wrapping_sub(1))
                            .map_or(0, |msg| msg.body.len() as u64)
                    })
                })
                .sum()
        } else {
            0
        };
        let bytes = u128::from(wire.frame_bytes + bodies);
        let serialise = (bytes * 1_000_000).div_ceil(u128::from(wire.link_bandwidth));
        let serialise = Micros(u64::try_from(serialise).unwrap_or(u64::MAX / 4));
        let now = self.now;
        let free = self.link_free.entry((a, b)).or_insert(now);
        let done = (*free).max(now) + serialise;
        *free = done;
        Micros(done.0 - now.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::cluster::Cluster;
    use crate::sim::engine::Config;

    #[test]
    fn frames_on_one_link_queue_behind_each_other() {
        let mut config = Config::default();
        assert!(config.wire.set("link_bandwidth", "1000000").unwrap());
        assert!(config.wire.set("body_bytes", "900").unwrap());
        assert!(!config.wire.set("latency", "1").unwrap());
        assert!(config.wire.set("frame_bytes", "-1").is_err());
        let mut sim = Sim::new(Cluster::with_nodes(3).unwrap(), config);
        let none = MsgIds::NONE;
        // 100 B at 1 MB/s: 100 µs each, the second waiting for the first.
        assert_eq!(sim.link_delay(0, 1, MsgKind::GmAcks, &none), Micros(100));
        assert_eq!(sim.link_delay(0, 1, MsgKind::GmAcks, &none), Micros(200));
        // The other direction and other links are free; a node's own frames never wait.
        assert_eq!(sim.link_delay(1, 0, MsgKind::GmAcks, &none), Micros(100));
        assert_eq!(sim.link_delay(0, 2, MsgKind::GmAcks, &none), Micros(100));
        assert_eq!(sim.link_delay(1, 1, MsgKind::Publish, &none), Micros(0));
        let unlimited = &mut Sim::new(Cluster::with_nodes(2).unwrap(), Config::default());
        assert_eq!(
            unlimited.link_delay(0, 1, MsgKind::GmAcks, &none),
            Micros(0)
        );
    }
}
