//! TEMPORARY
use super::json::Json;
use super::pcre::Pattern;
#[derive(Debug, Clone, PartialEq)]
pub enum HaMode {
    All,
    Exactly(u32),
    Nodes(Vec<String>),
}
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SyncMode {
    Manual,
    Automatic,
}
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Promote {
    Always,
    WhenSynced,
}
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Locator {
    ClientLocal,
    MinMasters,
    Random,
}
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ApplyTo {
    All,
    Queues,
    Exchanges,
}
impl ApplyTo {
    pub fn as_str(&self) -> &'static str {
        match self {
            ApplyTo::All => "all",
            ApplyTo::Queues => "queues",
            ApplyTo::Exchanges => "exchanges",
        }
    }
}
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PolicyKind {
    User,
    Operator,
}
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Definition {
    pub pairs: Vec<(String, Json)>,
}
impl Definition {
    fn get(&self, k: &str) -> Option<&Json> {
        self.pairs.iter().find(|(kk, _)| kk == k).map(|(_, v)| v)
    }
    pub fn ha_mode(&self) -> Option<HaMode> {
        match self.get("ha-mode") {
            Some(Json::Str(s)) if s == "all" => Some(HaMode::All),
            Some(Json::Str(s)) if s == "exactly" => match self.get("ha-params") {
                Some(Json::Int(n)) => Some(HaMode::Exactly(*n as u32)),
                _ => None,
            },
            Some(Json::Str(s)) if s == "nodes" => match self.get("ha-params") {
                Some(Json::Array(a)) => Some(HaMode::Nodes(
                    a.iter()
                        .filter_map(|j| {
                            if let Json::Str(s) = j {
                                Some(s.clone())
                            } else {
                                None
                            }
                        })
                        .collect(),
                )),
                _ => None,
            },
            _ => None,
        }
    }
    pub fn sync_mode(&self) -> SyncMode {
        match self.get("ha-sync-mode") {
            Some(Json::Str(s)) if s == "automatic" => SyncMode::Automatic,
            _ => SyncMode::Manual,
        }
    }
    pub fn sync_batch_size(&self) -> u64 {
        match self.get("ha-sync-batch-size") {
            Some(Json::Int(n)) if *n > 1 => *n as u64,
            _ => 4096,
        }
    }
    pub fn promote_on_shutdown(&self) -> Promote {
        match self.get("ha-promote-on-shutdown") {
            Some(Json::Str(s)) if s == "always" => Promote::Always,
            _ => Promote::WhenSynced,
        }
    }
    pub fn promote_on_failure(&self) -> Promote {
        match self.get("ha-promote-on-failure") {
            Some(Json::Str(s)) if s == "when-synced" => Promote::WhenSynced,
            _ => Promote::Always,
        }
    }
    pub fn master_locator(&self) -> Option<Locator> {
        match self.get("queue-master-locator") {
            Some(Json::Str(s)) if s == "min-masters" => Some(Locator::MinMasters),
            Some(Json::Str(s)) if s == "random" => Some(Locator::Random),
            Some(Json::Str(s)) if s == "client-local" => Some(Locator::ClientLocal),
            _ => None,
        }
    }
    pub fn max_length(&self) -> Option<u64> {
        match self.get("max-length") {
            Some(Json::Int(n)) => Some(*n as u64),
            _ => None,
        }
    }
    pub fn is_mirroring(&self) -> bool {
        self.ha_mode().is_some()
    }
    pub fn applies_to_classic_queues(&self) -> bool {
        !self.pairs.iter().any(|(k, _)| {
            [
                "max-age",
                "stream-max-segment-size-bytes",
                "queue-leader-locator",
                "initial-cluster-size",
                "delivery-limit",
                "dead-letter-strategy",
            ]
            .contains(&k.as_str())
        })
    }
    pub fn to_json_string(&self) -> String {
        Json::Object(self.pairs.clone()).to_json_string()
    }
}
#[derive(Debug, Clone)]
pub struct ValidatedPolicy {
    pub name: String,
    pub pattern: Pattern,
    pub apply_to: ApplyTo,
    pub priority: i64,
    pub definition: Definition,
}
pub fn merge_operator(user: Option<&Definition>, op: Option<&Definition>) -> Definition {
    let mut d = user.cloned().unwrap_or_default();
    if let Some(o) = op {
        for (k, v) in &o.pairs {
            if d.get(k).is_none() {
                d.pairs.push((k.clone(), v.clone()));
            }
        }
    }
    d
}
pub fn parse_priority_switch(s: &str) -> Result<i64, String> {
    s.parse().map_err(|_| format!("Error (argument validation): Invalid options for this command:\n--priority : {s} is not a valid integer"))
}
pub fn parse_set(
    _kind: PolicyKind,
    name: &str,
    pattern: &str,
    definition: &str,
    priority: &str,
    apply_to: &str,
) -> Result<ValidatedPolicy, String> {
    let _ = definition;
    let pattern = super::pcre::compile(pattern)?;
    let apply_to = match apply_to { "all" => ApplyTo::All, "queues" => ApplyTo::Queues, "exchanges" => ApplyTo::Exchanges, x => return Err(format!("Validation failed\n\napply-to '{x}' unrecognised; should be 'queues', 'exchanges' or 'all'\n")) };
    Ok(ValidatedPolicy {
        name: name.into(),
        pattern,
        apply_to,
        priority: priority.parse().unwrap_or(0),
        definition: Definition {
            pairs: match super::json::parse(definition) {
                Ok(Json::Object(p)) => p,
                _ => return Err("JSON decoding error. Reason: badarg".into()),
            },
        },
    })
}
