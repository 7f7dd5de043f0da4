//! Adding and deleting virtual hosts on the simulator, and `connection.open`'s vhost check, as
//! RabbitMQ 3.10.8's `rabbit_vhost` and `rabbit_access_control` do: `delete_vhost` takes the
//! vhost's queues (masters and mirrors), exchanges, bindings, policies, permissions and
//! connections with it. The records live in `vhosts`.

use crate::sim::engine::Sim;
use crate::sim::error::BrokerError;
use crate::sim::model::ClientId;
use crate::sim::policy::definition::PolicyKind;
use crate::sim::vhosts::{AddVhostError, VhostMeta, QUEUE_TYPES};

impl Sim {
    /// `rabbit_vhost:add`: creates the vhost and its predeclared exchanges; `Ok(false)` when it
    /// exists already (3.10.8 answers that as a success and keeps the first metadata). It
    /// grants no permissions.
    pub fn add_vhost(&mut self, meta: VhostMeta) -> Result<bool, AddVhostError> {
        if let Some(t) = &meta.default_queue_type {
            if !QUEUE_TYPES.contains(&t.as_str()) {
                return Err(AddVhostError::InvalidQueueType);
            }
        }
        if self.vhosts.contains(&meta.name) {
            return Ok(false);
        }
        crate::sim::limits::check_vhosts(self.vhosts.len()).map_err(AddVhostError::Limit)?;
        self.exchanges.add_vhost(&meta.name);
        self.vhosts.push(meta.name.clone());
        self.vhost_table.meta.push(meta);
        Ok(true)
    }

    /// `rabbit_vhost:delete`: every queue of the vhost is deleted (master and mirrors), then
    /// its exchanges and bindings, its policies and permissions; then its clients are closed
    /// with `320 CONNECTION_FORCED - vhost 'V' is deleted` (`rabbit_connection_tracking`).
    /// `false` when there is no such vhost. `/` may be deleted too.
    pub fn delete_vhost(&mut self, vhost: &str) -> bool {
        if !self.vhosts.iter().any(|v| v == vhost) {
            return false;
        }
        let queues: Vec<crate::sim::model::QueueId> = (0..self.queues.len())
            .filter(|&i| !self.queues[i].deleted && self.queues[i].vhost == vhost)
            .map(crate::sim::model::QueueId)
            .collect();
        for q in queues {
            self.delete_queue(q);
        }
        self.exchanges.remove_vhost(vhost);
        for kind in [PolicyKind::User, PolicyKind::Operator] {
            let names: Vec<String> = self
                .policies
                .list(vhost, kind)
                .iter()
                .map(|p| p.spec.name.clone())
                .collect();
            for name in names {
                self.clear_policy(vhost, kind, &name);
            }
        }
        self.vhost_table.permissions.retain(|p| p.vhost != vhost);
        self.vhost_table.meta.retain(|m| m.name != vhost);
        self.vhosts.retain(|v| v != vhost);
        let reason = format!(
            "ConnectionClosedByBroker: (320) CONNECTION_FORCED - vhost '{vhost}' is deleted"
        );
        for c in 0..self.clients.len() {
            let id = ClientId(c);
            if self.clients[c].connected && self.vhost_table.client_vhost(id) == vhost {
                self.disconnect_client(id, &reason);
            }
        }
        true
    }

    /// What `connection.open` answers a client asking for `vhost` as `user`
    /// (`rabbit_access_control:check_vhost_access/4`): `530 NOT_ALLOWED` when the vhost does
    /// not exist or the user has no permissions there.
    pub fn vhost_access(&self, vhost: &str, user: &str) -> Result<(), BrokerError> {
        if !self.vhosts.iter().any(|v| v == vhost) {
            return Err(BrokerError {
                code: 530,
                text: format!("NOT_ALLOWED - vhost {vhost} not found"),
            });
        }
        if !self
            .vhost_table
            .permissions
            .iter()
            .any(|p| p.vhost == vhost && p.user == user)
        {
            return Err(BrokerError {
                code: 530,
                text: format!("NOT_ALLOWED - access to vhost '{vhost}' refused for user '{user}'"),
            });
        }
        Ok(())
    }

    /// Records the vhost a newly connected client opened.
    pub fn note_client_vhost(&mut self, c: ClientId, vhost: &str) {
        self.vhost_table.client_vhost.retain(|(id, _)| *id != c.0);
        if vhost != "/" {
            self.vhost_table.client_vhost.push((c.0, vhost.to_string()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::cluster::Cluster;
    use crate::sim::engine::Config;
    use crate::sim::vhosts::VhostMeta;

    fn sim() -> Sim {
        Sim::new(Cluster::with_nodes(3).unwrap(), Config::default())
    }

    fn meta(name: &str) -> VhostMeta {
        VhostMeta {
            name: name.to_string(),
            description: String::new(),
            tags: Vec::new(),
            default_queue_type: None,
        }
    }

    #[test]
    fn a_new_vhost_grants_no_permissions() {
        let mut s = sim();
        assert_eq!(s.add_vhost(meta("v1")), Ok(true));
        assert_eq!(s.add_vhost(meta("v1")), Ok(false));
        assert_eq!(
            s.vhost_access("v1", "guest").unwrap_err().text,
            "NOT_ALLOWED - access to vhost 'v1' refused for user 'guest'"
        );
        assert_eq!(
            s.vhost_access("v9", "guest").unwrap_err().text,
            "NOT_ALLOWED - vhost v9 not found"
        );
        assert!(s.vhost_access("/", "guest").is_ok());
    }

    #[test]
    fn deleting_a_vhost_takes_its_exchanges_and_closes_its_clients() {
        let mut s = sim();
        s.add_vhost(meta("v1")).unwrap();
        let a = s.connect("a", 0).unwrap();
        let b = s.connect("b", 1).unwrap();
        s.note_client_vhost(a, "v1");
        assert!(s.delete_vhost("v1"));
        assert!(!s.clients[a.0].connected);
        assert!(s.clients[b.0].connected);
        assert!(s.exchanges.of_vhost("v1").next().is_none());
        assert!(!s.delete_vhost("v1"));
    }
}
