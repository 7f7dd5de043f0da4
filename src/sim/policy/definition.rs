//! Policy definitions as the rest of the core reads them: the typed view of a definition
//! RabbitMQ 3.10.8 accepted (`ha-mode`, sync mode, promotion, locator, limits), the policy as
//! stored, and how an operator policy merges with a user policy. Whether RabbitMQ accepts a
//! definition, and what it answers when it does not, is decided in
//! [`crate::sim::policy::validate`].

use crate::erl::json::Json;
use crate::erl::re::Pattern;

/// How many replicas a mirrored queue should have (`ha-mode` with `ha-params`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HaMode {
    /// A replica on every running node.
    All,
    /// This many replicas in total, master included (more than the cluster has means all).
    Exactly(u32),
    /// Replicas on these nodes; names of nodes that do not exist are ignored at placement.
    Nodes(Vec<String>),
}

impl HaMode {
    /// The `ha-mode` value: `all`, `exactly` or `nodes`.
    pub fn as_str(&self) -> &'static str {
        match self {
            HaMode::All => "all",
            HaMode::Exactly(_) => "exactly",
            HaMode::Nodes(_) => "nodes",
        }
    }
}

/// `ha-sync-mode`: whether a new mirror is synchronised without being asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncMode {
    Manual,
    Automatic,
}

impl SyncMode {
    pub fn as_str(self) -> &'static str {
        match self {
            SyncMode::Manual => "manual",
            SyncMode::Automatic => "automatic",
        }
    }
}

/// `ha-promote-on-shutdown` / `ha-promote-on-failure`: whether an unsynchronised mirror may
/// become master.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Promote {
    Always,
    WhenSynced,
}

impl Promote {
    pub fn as_str(self) -> &'static str {
        match self {
            Promote::Always => "always",
            Promote::WhenSynced => "when-synced",
        }
    }
}

/// `queue-master-locator`: where a new queue's master goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locator {
    ClientLocal,
    MinMasters,
    Random,
}

impl Locator {
    pub fn as_str(self) -> &'static str {
        match self {
            Locator::ClientLocal => "client-local",
            Locator::MinMasters => "min-masters",
            Locator::Random => "random",
        }
    }

    pub(super) fn from_name(name: &[u8]) -> Option<Locator> {
        match name {
            b"client-local" => Some(Locator::ClientLocal),
            b"min-masters" => Some(Locator::MinMasters),
            b"random" => Some(Locator::Random),
            _ => None,
        }
    }
}

/// `--apply-to`: which kinds of object a policy may match (3.10 has no per-queue-type values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyTo {
    All,
    Queues,
    Exchanges,
}

impl ApplyTo {
    pub fn as_str(self) -> &'static str {
        match self {
            ApplyTo::All => "all",
            ApplyTo::Queues => "queues",
            ApplyTo::Exchanges => "exchanges",
        }
    }

    /// Whether a policy with this `apply-to` can match queues.
    pub fn covers_queues(self) -> bool {
        self != ApplyTo::Exchanges
    }

    /// Whether a policy with this `apply-to` can match exchanges.
    pub fn covers_exchanges(self) -> bool {
        self != ApplyTo::Queues
    }

    pub(super) fn parse(s: &str) -> Option<ApplyTo> {
        match s {
            "all" => Some(ApplyTo::All),
            "queues" => Some(ApplyTo::Queues),
            "exchanges" => Some(ApplyTo::Exchanges),
            _ => None,
        }
    }
}

/// A user policy (`set_policy`) or an operator policy (`set_operator_policy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    User,
    Operator,
}

/// Keys whose presence makes a policy not apply to classic queues in 3.10.8
/// (`rabbit_classic_queue`'s unsupported policies).
pub const CLASSIC_UNSUPPORTED_KEYS: [&str; 6] = [
    "max-age",
    "stream-max-segment-size-bytes",
    "queue-leader-locator",
    "initial-cluster-size",
    "delivery-limit",
    "dead-letter-strategy",
];

/// Keys an operator policy may set in 3.10.8 (no `ha-*` key before 3.11.10).
pub const OPERATOR_KEYS: [&str; 7] = [
    "expires",
    "message-ttl",
    "max-length",
    "max-length-bytes",
    "max-in-memory-length",
    "max-in-memory-bytes",
    "delivery-limit",
];

/// The `sync_batch_size` used when a policy does not set one (`mirroring_sync_batch_size`).
pub const DEFAULT_SYNC_BATCH_SIZE: u32 = 4096;

/// A policy definition as RabbitMQ stores it: pairs sorted by key, one per key.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Definition {
    pub pairs: Vec<(String, Json)>,
}

impl Definition {
    /// A definition from decoded JSON members, with jsx's map semantics applied (a repeated
    /// key keeps its last value; keys sorted; nested objects likewise).
    pub fn from_members(members: &[(String, Json)]) -> Definition {
        match Json::Object(members.to_vec()).normalized() {
            Json::Object(pairs) => Definition { pairs },
            _ => Definition::default(),
        }
    }

    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// An integer setting such as `max-length`.
    pub fn get_i64(&self, key: &str) -> Option<i64> {
        self.get(key).and_then(Json::as_i64)
    }

    /// The mirroring mode, when `ha-mode` (with valid `ha-params`) is set.
    pub fn ha_mode(&self) -> Option<HaMode> {
        let params = self.get("ha-params");
        match self.get("ha-mode")?.as_str()? {
            "all" => Some(HaMode::All),
            "exactly" => match params? {
                Json::Int(n) if *n > 0 => {
                    Some(HaMode::Exactly(u32::try_from(*n).unwrap_or(u32::MAX)))
                }
                _ => None,
            },
            "nodes" => {
                let nodes: Option<Vec<String>> = params?
                    .as_array()?
                    .iter()
                    .map(|n| n.as_str().map(str::to_string))
                    .collect();
                nodes.filter(|n| !n.is_empty()).map(HaMode::Nodes)
            }
            _ => None,
        }
    }

    /// Whether the definition mirrors queues (a valid `ha-mode`); exclusive queues never are.
    pub fn is_mirroring(&self) -> bool {
        self.ha_mode().is_some()
    }

    /// `ha-sync-mode`, manual unless set to `automatic`.
    pub fn sync_mode(&self) -> SyncMode {
        match self.get("ha-sync-mode").and_then(Json::as_str) {
            Some("automatic") => SyncMode::Automatic,
            _ => SyncMode::Manual,
        }
    }

    /// Messages per batch when synchronising a mirror. RabbitMQ only honours values above 1
    /// (`rabbit_mirror_queue_misc:sync_batch_size/1`), so 1 gives the default as well.
    pub fn sync_batch_size(&self) -> u32 {
        match self.get_i64("ha-sync-batch-size") {
            Some(n) if n > 1 => u32::try_from(n).unwrap_or(u32::MAX),
            _ => DEFAULT_SYNC_BATCH_SIZE,
        }
    }

    /// `ha-promote-on-shutdown`: anything but `always` behaves as `when-synced`.
    pub fn promote_on_shutdown(&self) -> Promote {
        match self.get("ha-promote-on-shutdown").and_then(Json::as_str) {
            Some("always") => Promote::Always,
            _ => Promote::WhenSynced,
        }
    }

    /// `ha-promote-on-failure`: anything but `when-synced` behaves as `always`.
    pub fn promote_on_failure(&self) -> Promote {
        match self.get("ha-promote-on-failure").and_then(Json::as_str) {
            Some("when-synced") => Promote::WhenSynced,
            _ => Promote::Always,
        }
    }

    /// `queue-master-locator`, if set. RabbitMQ also accepts a list of strings that spell a
    /// locator (`["min-","masters"]`), since it turns lists into binaries before the lookup.
    pub fn master_locator(&self) -> Option<Locator> {
        match self.get("queue-master-locator")? {
            Json::Str(s) => Locator::from_name(s.as_bytes()),
            v @ Json::Array(_) => Locator::from_name(&iolist_bytes(v)?),
            _ => None,
        }
    }

    /// `max-length`, if set.
    pub fn max_length(&self) -> Option<i64> {
        self.get_i64("max-length")
    }

    /// `message-ttl` in milliseconds, if set.
    pub fn message_ttl(&self) -> Option<i64> {
        self.get_i64("message-ttl")
    }

    /// Whether a policy with this definition may apply to a classic queue: not if any key is
    /// one classic queues do not support in 3.10.8 (then a lower-priority policy may win).
    pub fn applies_to_classic_queues(&self) -> bool {
        !self
            .pairs
            .iter()
            .any(|(k, _)| CLASSIC_UNSUPPORTED_KEYS.contains(&k.as_str()))
    }

    /// The definition as `list_policies` prints it: `{"ha-mode":"all","ha-sync-mode":"automatic"}`.
    pub fn to_json_string(&self) -> String {
        Json::Object(self.pairs.clone()).to_json_string()
    }
}

/// A policy `parse_set` accepted.
#[derive(Debug, Clone)]
pub struct ValidatedPolicy {
    pub kind: PolicyKind,
    pub name: String,
    pub pattern: Pattern,
    pub apply_to: ApplyTo,
    pub priority: i64,
    pub definition: Definition,
}

/// The definition in effect for a queue matched by a user policy and/or an operator policy
/// (`rabbit_policy:merge_operator_definitions/2`, 3.10.8): every key of either; for a key set
/// by both, the smaller number for the numeric limits (operator policies in 3.10 can only set
/// those), the operator's value for two booleans.
pub fn merge_operator(user: Option<&Definition>, op: Option<&Definition>) -> Definition {
    match (user, op) {
        (None, None) => Definition::default(),
        (Some(u), None) => u.clone(),
        (None, Some(o)) => o.clone(),
        (Some(u), Some(o)) => {
            let mut keys: Vec<&String> = u
                .pairs
                .iter()
                .chain(o.pairs.iter())
                .map(|(k, _)| k)
                .collect();
            crate::sort::sort_by(&mut keys, |a, b| a.as_bytes().cmp(b.as_bytes()));
            keys.dedup();
            let pairs = keys
                .into_iter()
                .map(|k| {
                    let v = match (u.get(k), o.get(k)) {
                        (Some(a), Some(b)) => merge_value(a, b),
                        (Some(a), None) => a.clone(),
                        (None, Some(b)) => b.clone(),
                        (None, None) => Json::Null,
                    };
                    (k.clone(), v)
                })
                .collect();
            Definition { pairs }
        }
    }
}

fn merge_value(user: &Json, op: &Json) -> Json {
    match (user, op) {
        (Json::Int(a), Json::Int(b)) => Json::Int(*a.min(b)),
        (Json::Bool(_), Json::Bool(_)) => op.clone(),
        (a, b) => {
            let (x, y) = (number(a), number(b));
            match (x, y) {
                (Some(x), Some(y)) if y < x => b.clone(),
                (Some(_), Some(_)) => a.clone(),
                // Not reachable with validated 3.10 definitions; the operator's value is the
                // conservative choice.
                _ => b.clone(),
            }
        }
    }
}

fn number(v: &Json) -> Option<f64> {
    match v {
        Json::Int(n) => Some(*n as f64),
        Json::Float(f) => Some(*f),
        _ => None,
    }
}

/// The bytes `list_to_binary/1` makes of a list (an "iolist" of bytes and strings), if any.
pub(super) fn iolist_bytes(v: &Json) -> Option<Vec<u8>> {
    fn walk(v: &Json, out: &mut Vec<u8>) -> bool {
        match v {
            Json::Int(n) if (0..=255).contains(n) => {
                out.push(*n as u8);
                true
            }
            Json::Str(s) => {
                out.extend_from_slice(s.as_bytes());
                true
            }
            Json::Array(items) => items.iter().all(|i| walk(i, out)),
            _ => false,
        }
    }
    let mut out = Vec::new();
    walk(v, &mut out).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::policy::validate::parse_set;
    use crate::sim::policy::validate::tests::accepted;

    #[test]
    fn typed_view_and_defaults() {
        let d = accepted(
            r#"{"ha-sync-mode":"automatic","ha-mode":"exactly","ha-params":2,"ha-sync-batch-size":100,"ha-promote-on-shutdown":"always","ha-promote-on-failure":"when-synced","queue-master-locator":"random","max-length":10,"message-ttl":60000}"#,
        );
        assert_eq!(d.ha_mode(), Some(HaMode::Exactly(2)));
        assert_eq!(d.ha_mode().map(|m| m.as_str()), Some("exactly"));
        assert_eq!(d.sync_mode(), SyncMode::Automatic);
        assert_eq!(d.sync_batch_size(), 100);
        assert_eq!(d.promote_on_shutdown(), Promote::Always);
        assert_eq!(d.promote_on_failure(), Promote::WhenSynced);
        assert_eq!(d.master_locator(), Some(Locator::Random));
        assert_eq!(d.max_length(), Some(10));
        assert_eq!(d.message_ttl(), Some(60000));
        let plain = accepted(r#"{"max-length":10}"#);
        assert_eq!(plain.ha_mode(), None);
        assert!(!plain.is_mirroring());
        assert_eq!(plain.sync_mode(), SyncMode::Manual);
        assert_eq!(plain.sync_batch_size(), DEFAULT_SYNC_BATCH_SIZE);
        assert_eq!(plain.promote_on_shutdown(), Promote::WhenSynced);
        assert_eq!(plain.promote_on_failure(), Promote::Always);
        assert_eq!(plain.master_locator(), None);
        assert_eq!(
            accepted(r#"{"ha-mode":"all"}"#).ha_mode(),
            Some(HaMode::All)
        );
        // Stored and printed as list_policies shows it on 3.10.8.
        assert_eq!(
            accepted(r#"{"ha-sync-mode":"automatic","ha-mode":"nodes","ha-params":["rabbit@a","b\"é/"],"alternate-exchange":"x\ty"}"#)
                .to_json_string(),
            r#"{"alternate-exchange":"x\ty","ha-mode":"nodes","ha-params":["rabbit@a","b\"é/"],"ha-sync-mode":"automatic"}"#
        );
        assert_eq!(
            accepted(r#"{"ha-mode":"all","ha-sync-mode":"automatic"}"#).to_json_string(),
            r#"{"ha-mode":"all","ha-sync-mode":"automatic"}"#
        );
        assert_eq!(ApplyTo::Exchanges.as_str(), "exchanges");
        assert!(ApplyTo::All.covers_queues() && !ApplyTo::Exchanges.covers_queues());
        assert_eq!(SyncMode::Automatic.as_str(), "automatic");
        assert_eq!(Promote::WhenSynced.as_str(), "when-synced");
        assert_eq!(Locator::ClientLocal.as_str(), "client-local");
    }

    #[test]
    fn operator_merge_takes_the_smaller_limit() {
        let u = accepted(r#"{"ha-mode":"all","max-length":100,"message-ttl":5000}"#);
        let o = parse_set(
            PolicyKind::Operator,
            "o",
            "q",
            r#"{"max-length":10,"message-ttl":60000,"expires":1000}"#,
            "0",
            "all",
        )
        .map(|p| p.definition)
        .unwrap_or_default();
        let m = merge_operator(Some(&u), Some(&o));
        assert_eq!(
            m.to_json_string(),
            r#"{"expires":1000,"ha-mode":"all","max-length":10,"message-ttl":5000}"#
        );
        assert_eq!(merge_operator(Some(&u), None), u);
        assert_eq!(merge_operator(None, Some(&o)), o);
        assert_eq!(merge_operator(None, None), Definition::default());
        let flags = Definition::from_members(&[("x".into(), Json::Bool(true))]);
        let op_flags = Definition::from_members(&[("x".into(), Json::Bool(false))]);
        assert_eq!(
            merge_operator(Some(&flags), Some(&op_flags)).get("x"),
            Some(&Json::Bool(false))
        );
    }
}
