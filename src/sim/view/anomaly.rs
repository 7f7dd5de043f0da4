//! Which client an anomaly concerns: the one it was delivered to, or for a lost message its
//! publisher. The stage flags clients with these counts and draws each anomaly on the lane of
//! the client that saw it.

use crate::sim::checker::{Anomaly, AnomalyKind};
use crate::sim::engine::Sim;
use crate::sim::model::ClientId;

impl Sim {
    /// Whether `a` concerns client `c`: for a loss, `c` published the message; otherwise `c`
    /// had it delivered.
    pub fn anomaly_concerns(&self, a: &Anomaly, c: ClientId) -> bool {
        let m = self.messages.get((a.msg.0 as usize).saturating_sub(1));
        match a.kind {
            AnomalyKind::Lost | AnomalyKind::LostUnconfirmed => {
                m.and_then(|m| m.publisher).is_some_and(|(p, _)| p == c)
            }
            _ => self
                .clients
                .get(c.0)
                .is_some_and(|cl| cl.deliveries.iter().any(|d| d.msg == a.msg)),
        }
    }

    /// Per client, in client order: how many of `anomalies` concern it.
    pub fn anomalies_per_client(&self, anomalies: &[Anomaly]) -> Vec<usize> {
        (0..self.clients.len())
            .map(|c| {
                anomalies
                    .iter()
                    .filter(|a| self.anomaly_concerns(a, ClientId(c)))
                    .count()
            })
            .collect()
    }

    /// The client that saw `a` happen: the one that received the message at the anomaly's
    /// time, else its publisher (a loss is seen by nobody).
    pub fn anomaly_witness(&self, a: &Anomaly) -> Option<ClientId> {
        self.clients
            .iter()
            .position(|c| c.deliveries.iter().any(|d| d.msg == a.msg && d.at == a.at))
            .or_else(|| {
                let m = self.messages.get((a.msg.0 as usize).checked_sub(1)?)?;
                m.publisher.map(|(c, _)| c.0)
            })
            .map(ClientId)
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::checker::{check, AnomalyKind};
    use crate::sim::model::ClientId;
    use crate::sim::scenario::run_text;

    #[test]
    fn a_loss_concerns_its_publisher() {
        // Forgetting the node of an unsynchronised queue deletes it with three confirmed
        // messages, all published by client `c` (the only client).
        let run = run_text(
            include_str!("../../../tests/scenarios/forget_node.scn"),
            None,
        )
        .unwrap();
        let sim = &run.sim;
        let found = check(sim);
        assert_eq!(found.len(), 3, "{found:?}");
        for a in &found {
            assert_eq!(a.kind, AnomalyKind::Lost);
            assert!(sim.anomaly_concerns(a, ClientId(0)));
            assert!(!sim.anomaly_concerns(a, ClientId(7)));
            assert_eq!(sim.anomaly_witness(a), Some(ClientId(0)));
        }
        assert_eq!(sim.anomalies_per_client(&found), vec![3]);
    }

    #[test]
    fn a_redelivery_concerns_its_receiver_not_the_publisher() {
        // Consumer `a` (client 1) gets its four unacked messages again after the failover.
        let run = run_text(
            include_str!("../../../tests/scenarios/t12_consumers_at_failover.scn"),
            None,
        )
        .unwrap();
        let sim = &run.sim;
        let found = check(sim);
        let dup: Vec<_> = found
            .iter()
            .filter(|a| a.kind == AnomalyKind::Duplicate)
            .collect();
        assert!(!dup.is_empty(), "{found:?}");
        for a in &dup {
            assert!(!sim.anomaly_concerns(a, ClientId(0)));
            assert!(sim.anomaly_concerns(a, ClientId(1)));
            assert_eq!(sim.anomaly_witness(a), Some(ClientId(1)));
        }
        let counts = sim.anomalies_per_client(&found);
        assert_eq!(counts.len(), sim.clients.len());
        assert_eq!(counts[0], 0);
        assert!(counts[1] >= dup.len());
    }
}
