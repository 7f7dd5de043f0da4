//! Virtual hosts beyond their names (`Sim::vhosts`): the metadata `add_vhost` stores
//! (description, tags, default queue type), the users' permissions (`set_permissions`) and
//! which vhost each client connected to. The records only: `vhost_methods` adds and deletes
//! vhosts on the simulator.

use crate::sim::model::ClientId;

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
    pub(crate) client_vhost: Vec<(usize, String)>,
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

    /// Removes a user's permissions in a vhost; clearing what was never set is no error.
    pub fn clear_permission(&mut self, user: &str, vhost: &str) {
        self.permissions
            .retain(|p| !(p.user == user && p.vhost == vhost));
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
