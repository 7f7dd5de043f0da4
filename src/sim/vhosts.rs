//! Virtual hosts beyond their names (`Sim::vhosts`): the metadata `add_vhost` stores
//! (description, tags, default queue type), the users' permissions (`set_permissions`), which
//! vhost each client connected to, and `delete_vhost` taking a vhost's queues, exchanges,
//! bindings, policies and connections with it, as RabbitMQ 3.10.8's `rabbit_vhost` does.

use crate::sim::engine::Sim;
use crate::sim::error::BrokerError;
use crate::sim::model::ClientId;
use crate::sim::policy::definition::PolicyKind;

/// The only user the playground has: pika's default credentials and the broker's default user.
pub const DEFAULT_USER: &str = "guest";

/// The queue types `--default-queue-type` accepts (`rabbit_queue_type:discover/1`).
pub const QUEUE_TYPES: &[&str] = &["classic", "quorum", "stream"];

/// What `add_vhost` stores besides the name (`vhost` record's metadata).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VhostMeta {
    pub name: String,
    pub description: String,
    pub tags: Vec<String>,
    /// `None` prints as `undefined`.
    pub default_queue_type: Option<String>,
}

/// A user's permissions in a vhost: the three regular expressions `set_permissions` takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permission {
    pub user: String,
    pub vhost: String,
    pub configure: String,
    pub write: String,
    pub read: String,
}

/// The metadata of every vhost, the permissions, and each client's vhost.
#[derive(Debug, Clone, PartialEq)]
pub struct VhostTable {
    /// In creation order, as `Sim::vhosts`.
    pub meta: Vec<VhostMeta>,
    /// In the order they were first set.
    pub permissions: Vec<Permission>,
    /// The vhost of each client that connected to one other than `/` (by client id).
    client_vhost: Vec<(usize, String)>,
}

impl Default for VhostTable {
    /// A fresh node: the `/` vhost (`rabbit_vhost:add_default`) and `guest` allowed everything
    /// there (`default_permissions`).
    fn default() -> VhostTable {
        VhostTable {
            meta: vec![VhostMeta {
                name: "/".to_string(),
                description: "Default virtual host".to_string(),
                tags: Vec::new(),
                default_queue_type: None,
            }],
            permissions: vec![Permission {
                user: DEFAULT_USER.to_string(),
                vhost: "/".to_string(),
                configure: ".*".to_string(),
                write: ".*".to_string(),
                read: ".*".to_string(),
            }],
            client_vhost: Vec::new(),
        }
    }
}

impl VhostTable {
    pub fn meta(&self, vhost: &str) -> Option<&VhostMeta> {
        self.meta.iter().find(|m| m.name == vhost)
    }

    /// Sets (or replaces) a user's permissions in a vhost.
    pub fn set_permission(&mut self, p: Permission) {
        match self
            .permissions
            .iter_mut()
            .find(|x| x.user == p.user && x.vhost == p.vhost)
        {
            Some(x) => *x = p,
            None => self.permissions.push(p),
        }
    }

    /// The permissions set in a vhost.
    pub fn of_vhost<'a>(&'a self, vhost: &'a str) -> impl Iterator<Item = &'a Permission> + 'a {
        self.permissions.iter().filter(move |p| p.vhost == vhost)
    }

    /// The vhost a client connected to.
    pub fn client_vhost(&self, c: ClientId) -> &str {
        self.client_vhost
            .iter()
            .find(|(id, _)| *id == c.0)
            .map_or("/", |(_, v)| v.as_str())
    }
}

/// `rabbitmqctl add_vhost`'s refusals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddVhostError {
    /// `--default-queue-type` names no queue type: `invalid_queue_type`.
    InvalidQueueType,
    /// The playground's cap on vhosts (`limits::VHOSTS_MAX`).
    Limit(String),
}

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
