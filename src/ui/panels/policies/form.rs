//! The add/update form's model: what the learner typed, the definition JSON and the
//! `rabbitmqctl` lines it stands for, and a stored policy loaded back into it.

use crate::erl::json::encode::json_string;
use crate::erl::json::{self, Json};
use crate::sim::ctl::shell;
use crate::sim::policy::definition::PolicyKind;
use crate::ui::panels::console::ctl_line;

/// The type of a free key's value, as the management UI's type selector offers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ValueType {
    #[default]
    String,
    Number,
    Boolean,
    List,
}

impl ValueType {
    pub(crate) const ALL: [ValueType; 4] = [
        ValueType::String,
        ValueType::Number,
        ValueType::Boolean,
        ValueType::List,
    ];

    pub(crate) fn index(self) -> usize {
        ValueType::ALL.iter().position(|&v| v == self).unwrap_or(0)
    }
}

/// A definition key the form has no dedicated field for (`max-length`, `message-ttl`, …).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExtraKey {
    pub key: String,
    pub value: String,
    pub ty: ValueType,
}

/// What the form holds: text as typed, so that nothing the learner entered is ever lost or
/// silently corrected. The core decides what is valid.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyForm {
    pub operator: bool,
    pub vhost: String,
    pub name: String,
    pub pattern: String,
    /// `all`, `exchanges` or `queues`.
    pub apply_to: String,
    pub priority: String,
    /// Empty when not set.
    pub ha_mode: String,
    pub ha_params_count: String,
    /// Cluster nodes ticked for `ha-mode: nodes`.
    pub ha_nodes: Vec<String>,
    /// More node names for `nodes`, comma-separated (nodes outside the cluster are allowed).
    pub ha_nodes_extra: String,
    pub ha_sync_mode: String,
    pub ha_sync_batch_size: String,
    pub ha_promote_on_shutdown: String,
    pub ha_promote_on_failure: String,
    pub queue_master_locator: String,
    pub extra: Vec<ExtraKey>,
}

impl Default for PolicyForm {
    fn default() -> Self {
        PolicyForm {
            operator: false,
            vhost: "/".into(),
            name: String::new(),
            pattern: String::new(),
            apply_to: "all".into(),
            priority: "0".into(),
            ha_mode: String::new(),
            ha_params_count: String::new(),
            ha_nodes: Vec::new(),
            ha_nodes_extra: String::new(),
            ha_sync_mode: String::new(),
            ha_sync_batch_size: String::new(),
            ha_promote_on_shutdown: String::new(),
            ha_promote_on_failure: String::new(),
            queue_master_locator: String::new(),
            extra: Vec::new(),
        }
    }
}

/// A number as typed when it reads as a JSON number, else the text as a JSON string, so that
/// RabbitMQ's validation names the value (`<<"two">> given`) instead of a decoding error.
fn number_or_string(s: &str) -> String {
    let t = s.trim();
    match json::parse(t) {
        Ok(Json::Int(_)) | Ok(Json::Float(_)) => t.to_string(),
        _ => json_string(s),
    }
}

fn string_list(items: &[String]) -> String {
    Json::Array(items.iter().cloned().map(Json::Str).collect()).to_json_string()
}

fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(String::from)
        .collect()
}

const HA_MODES: [&str; 3] = ["all", "exactly", "nodes"];
const SYNC_MODES: [&str; 2] = ["manual", "automatic"];
const PROMOTE: [&str; 2] = ["when-synced", "always"];
const LOCATORS: [&str; 3] = ["client-local", "min-masters", "random"];

impl PolicyForm {
    /// User or operator policy.
    pub fn kind(&self) -> PolicyKind {
        if self.operator {
            PolicyKind::Operator
        } else {
            PolicyKind::User
        }
    }

    /// The priority as `rabbitmqctl` gets it: `0` when the field is empty.
    pub fn priority_or_default(&self) -> &str {
        if self.priority.trim().is_empty() {
            "0"
        } else {
            self.priority.trim()
        }
    }

    /// The `ha-params` node list: ticked cluster nodes, then the typed ones.
    fn node_list(&self) -> Vec<String> {
        let mut v = self.ha_nodes.clone();
        for n in split_list(&self.ha_nodes_extra) {
            if !v.contains(&n) {
                v.push(n);
            }
        }
        v
    }

    /// The definition JSON the form stands for. Fields left empty are left out, so RabbitMQ
    /// answers for the missing key as it would on the command line.
    pub fn definition_json(&self) -> String {
        let mut members: Vec<(String, String)> = Vec::new();
        let mut put = |k: &str, v: String| members.push((k.to_string(), v));
        if !self.ha_mode.is_empty() {
            put("ha-mode", json_string(&self.ha_mode));
        }
        match self.ha_mode.as_str() {
            "exactly" if !self.ha_params_count.trim().is_empty() => {
                put("ha-params", number_or_string(&self.ha_params_count))
            }
            "nodes" => {
                let nodes = self.node_list();
                if !nodes.is_empty() {
                    put("ha-params", string_list(&nodes));
                }
            }
            _ => {}
        }
        for (k, v) in [
            ("ha-sync-mode", &self.ha_sync_mode),
            ("ha-sync-batch-size", &self.ha_sync_batch_size),
            ("ha-promote-on-shutdown", &self.ha_promote_on_shutdown),
            ("ha-promote-on-failure", &self.ha_promote_on_failure),
            ("queue-master-locator", &self.queue_master_locator),
        ] {
            if v.trim().is_empty() {
                continue;
            }
            if k == "ha-sync-batch-size" {
                put(k, number_or_string(v));
            } else {
                put(k, json_string(v));
            }
        }
        for e in &self.extra {
            if e.key.is_empty() {
                continue;
            }
            let v = match e.ty {
                ValueType::String => json_string(&e.value),
                ValueType::Number => number_or_string(&e.value),
                ValueType::Boolean => {
                    if e.value == "false" {
                        "false".into()
                    } else {
                        "true".into()
                    }
                }
                ValueType::List => string_list(&split_list(&e.value)),
            };
            put(&e.key, v);
        }
        let body: Vec<String> = members
            .iter()
            .map(|(k, v)| format!("{}:{}", json_string(k), v))
            .collect();
        format!("{{{}}}", body.join(","))
    }

    /// The `rabbitmqctl` line that sets this policy.
    pub fn set_line(&self) -> String {
        let cmd = if self.operator {
            "set_operator_policy"
        } else {
            "set_policy"
        };
        let mut w = vec!["rabbitmqctl".to_string(), cmd.to_string()];
        if self.vhost != "/" {
            w.push("-p".into());
            w.push(shell::quote(&self.vhost));
        }
        w.push("--priority".into());
        w.push(shell::quote(self.priority_or_default()));
        w.push("--apply-to".into());
        w.push(shell::quote(&self.apply_to));
        w.push(shell::quote(&self.name));
        w.push(shell::quote(&self.pattern));
        // Definitions go in single quotes, as every document writes them.
        w.push(format!(
            "'{}'",
            self.definition_json().replace('\'', r"'\''")
        ));
        w.join(" ")
    }

    /// A stored policy loaded back into the form. Values the dedicated fields cannot show
    /// (an unknown ha-mode, a list for `exactly`, …) become free keys, so nothing is dropped.
    pub fn from_policy(
        p: StoredPolicy<'_>,
        cluster_nodes: &[String],
        definition_json: &str,
    ) -> PolicyForm {
        let mut f = PolicyForm {
            operator: p.operator,
            vhost: p.vhost.to_string(),
            name: p.name.to_string(),
            pattern: p.pattern.to_string(),
            apply_to: p.apply_to.to_string(),
            priority: p.priority.to_string(),
            ..PolicyForm::default()
        };
        let Ok(Json::Object(members)) = json::parse(definition_json) else {
            // Not decodable: keep the definition visible rather than lose it.
            f.extra.push(ExtraKey {
                key: "definition".into(),
                value: definition_json.to_string(),
                ty: ValueType::String,
            });
            return f;
        };
        let mode = members
            .iter()
            .rev()
            .find(|(k, _)| k == "ha-mode")
            .and_then(|(_, v)| match v {
                Json::Str(s) if HA_MODES.contains(&s.as_str()) => Some(s.clone()),
                _ => None,
            });
        for (k, v) in &members {
            let taken = match (k.as_str(), v) {
                ("ha-mode", Json::Str(s)) if mode.as_deref() == Some(s) => {
                    f.ha_mode = s.clone();
                    true
                }
                ("ha-params", Json::Int(n)) if mode.as_deref() == Some("exactly") => {
                    f.ha_params_count = n.to_string();
                    true
                }
                ("ha-params", Json::Array(items))
                    if mode.as_deref() == Some("nodes")
                        && items.iter().all(|i| matches!(i, Json::Str(_))) =>
                {
                    let mut extra = Vec::new();
                    for i in items {
                        if let Json::Str(s) = i {
                            if cluster_nodes.contains(s) {
                                f.ha_nodes.push(s.clone());
                            } else {
                                extra.push(s.clone());
                            }
                        }
                    }
                    f.ha_nodes_extra = extra.join(", ");
                    true
                }
                ("ha-sync-mode", Json::Str(s)) if SYNC_MODES.contains(&s.as_str()) => {
                    f.ha_sync_mode = s.clone();
                    true
                }
                ("ha-sync-batch-size", Json::Int(n)) => {
                    f.ha_sync_batch_size = n.to_string();
                    true
                }
                ("ha-promote-on-shutdown", Json::Str(s)) if PROMOTE.contains(&s.as_str()) => {
                    f.ha_promote_on_shutdown = s.clone();
                    true
                }
                ("ha-promote-on-failure", Json::Str(s)) if PROMOTE.contains(&s.as_str()) => {
                    f.ha_promote_on_failure = s.clone();
                    true
                }
                ("queue-master-locator", Json::Str(s)) if LOCATORS.contains(&s.as_str()) => {
                    f.queue_master_locator = s.clone();
                    true
                }
                _ => false,
            };
            if taken {
                continue;
            }
            let (value, ty) = match v {
                Json::Str(s) => (s.clone(), ValueType::String),
                Json::Int(_) | Json::Float(_) => (v.to_json_string(), ValueType::Number),
                Json::Bool(b) => (b.to_string(), ValueType::Boolean),
                Json::Array(items) if items.iter().all(|i| matches!(i, Json::Str(_))) => (
                    items
                        .iter()
                        .filter_map(|i| match i {
                            Json::Str(s) => Some(s.as_str()),
                            _ => None,
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                    ValueType::List,
                ),
                other => (other.to_json_string(), ValueType::String),
            };
            f.extra.push(ExtraKey {
                key: k.clone(),
                value,
                ty,
            });
        }
        f
    }
}

/// A stored policy's fields, as `list_policies` prints them.
#[derive(Debug, Clone, Copy)]
pub struct StoredPolicy<'a> {
    pub operator: bool,
    pub vhost: &'a str,
    pub name: &'a str,
    pub pattern: &'a str,
    pub apply_to: &'a str,
    pub priority: i64,
}

/// The `rabbitmqctl` line that deletes a policy.
pub fn clear_line(operator: bool, vhost: &str, name: &str) -> String {
    let cmd = if operator {
        "clear_operator_policy"
    } else {
        "clear_policy"
    };
    ctl_line(cmd, vhost, name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::ctl::shell;

    fn form() -> PolicyForm {
        PolicyForm {
            name: "mirror_queue".into(),
            pattern: "^queue_".into(),
            apply_to: "queues".into(),
            ha_mode: "exactly".into(),
            ha_params_count: "2".into(),
            ha_sync_mode: "automatic".into(),
            ..PolicyForm::default()
        }
    }

    #[test]
    fn builds_the_seed_command() {
        let f = form();
        assert_eq!(
            f.definition_json(),
            r#"{"ha-mode":"exactly","ha-params":2,"ha-sync-mode":"automatic"}"#
        );
        assert_eq!(
            f.set_line(),
            r#"rabbitmqctl set_policy --priority 0 --apply-to queues mirror_queue "^queue_" '{"ha-mode":"exactly","ha-params":2,"ha-sync-mode":"automatic"}'"#
        );
        assert!(f.validate().is_ok());
    }

    #[test]
    fn every_field_reaches_the_definition() {
        let f = PolicyForm {
            ha_mode: "nodes".into(),
            ha_nodes: vec!["rabbit@node2".into()],
            ha_nodes_extra: " rabbit@node9 , ,rabbit@node2".into(),
            ha_sync_batch_size: "50".into(),
            ha_promote_on_shutdown: "always".into(),
            ha_promote_on_failure: "when-synced".into(),
            queue_master_locator: "min-masters".into(),
            extra: vec![
                ExtraKey {
                    key: "max-length".into(),
                    value: "10".into(),
                    ty: ValueType::Number,
                },
                ExtraKey {
                    key: "x".into(),
                    value: "false".into(),
                    ty: ValueType::Boolean,
                },
                ExtraKey {
                    key: "l".into(),
                    value: "a, b".into(),
                    ty: ValueType::List,
                },
                ExtraKey {
                    key: "dead-letter-exchange".into(),
                    value: "say \"hi\"".into(),
                    ty: ValueType::String,
                },
                ExtraKey::default(),
            ],
            ..form()
        };
        assert_eq!(
            f.definition_json(),
            concat!(
                r#"{"ha-mode":"nodes","ha-params":["rabbit@node2","rabbit@node9"],"#,
                r#""ha-sync-mode":"automatic","ha-sync-batch-size":50,"#,
                r#""ha-promote-on-shutdown":"always","ha-promote-on-failure":"when-synced","#,
                r#""queue-master-locator":"min-masters","max-length":10,"x":false,"l":["a","b"],"#,
                r#""dead-letter-exchange":"say \"hi\""}"#
            )
        );
    }

    #[test]
    fn odd_input_is_passed_on_for_rabbitmq_to_judge() {
        let f = PolicyForm {
            ha_params_count: "two".into(),
            ..form()
        };
        assert!(f.definition_json().contains(r#""ha-params":"two""#));
        let empty = PolicyForm {
            ha_mode: "exactly".into(),
            ..PolicyForm::default()
        };
        assert_eq!(empty.definition_json(), r#"{"ha-mode":"exactly"}"#);
        assert_eq!(PolicyForm::default().definition_json(), "{}");
    }

    #[test]
    fn lines_survive_the_shell() {
        let f = PolicyForm {
            operator: true,
            vhost: "my vhost".into(),
            name: "it's".into(),
            pattern: "^a$|\"b\"".into(),
            priority: "".into(),
            ..form()
        };
        let words = shell::split(&f.set_line()).unwrap();
        assert_eq!(
            words,
            vec![
                "rabbitmqctl",
                "set_operator_policy",
                "-p",
                "my vhost",
                "--priority",
                "0",
                "--apply-to",
                "queues",
                "it's",
                "^a$|\"b\"",
                &f.definition_json(),
            ]
        );
        assert_eq!(
            shell::split(&clear_line(true, "my vhost", "it's")).unwrap(),
            vec![
                "rabbitmqctl",
                "clear_operator_policy",
                "-p",
                "my vhost",
                "it's"
            ]
        );
        assert_eq!(clear_line(false, "/", "ha"), "rabbitmqctl clear_policy ha");
    }

    #[test]
    fn bad_input_gets_rabbitmq_text_not_a_panic() {
        for f in [
            PolicyForm {
                pattern: "(".into(),
                ..form()
            },
            PolicyForm {
                apply_to: "bogus".into(),
                ..form()
            },
            PolicyForm {
                ha_nodes_extra: "\u{0}".into(),
                ha_mode: "nodes".into(),
                ..form()
            },
            PolicyForm {
                extra: vec![ExtraKey {
                    key: "max-length".into(),
                    value: "1,".into(),
                    ty: ValueType::Number,
                }],
                ..form()
            },
        ] {
            let _ = f.validate();
        }
        let e = PolicyForm {
            apply_to: "bogus".into(),
            ..form()
        }
        .validate()
        .unwrap_err();
        assert!(e.contains("apply-to 'bogus' unrecognised"), "{e}");
    }

    #[test]
    fn loads_a_stored_policy() {
        let nodes = vec!["rabbit@node1".to_string(), "rabbit@node2".to_string()];
        let p = StoredPolicy {
            operator: false,
            vhost: "/",
            name: "ha-orders",
            pattern: "^order-queue$",
            apply_to: "queues",
            priority: 3,
        };
        let f = PolicyForm::from_policy(
            p,
            &nodes,
            r#"{"ha-mode":"nodes","ha-params":["rabbit@node1","rabbit@x"],"ha-sync-mode":"automatic","max-length":5,"lazy":true,"tags":["a","b"]}"#,
        );
        assert_eq!(f.ha_mode, "nodes");
        assert_eq!(f.ha_nodes, vec!["rabbit@node1"]);
        assert_eq!(f.ha_nodes_extra, "rabbit@x");
        assert_eq!(f.ha_sync_mode, "automatic");
        assert_eq!(f.priority, "3");
        assert_eq!(f.extra.len(), 3);
        assert_eq!(f.extra[0].ty, ValueType::Number);
        assert_eq!(f.extra[1].ty, ValueType::Boolean);
        assert_eq!(f.extra[2].value, "a, b");
        // The round trip gives the same definition back.
        assert_eq!(
            f.definition_json(),
            r#"{"ha-mode":"nodes","ha-params":["rabbit@node1","rabbit@x"],"ha-sync-mode":"automatic","max-length":5,"lazy":true,"tags":["a","b"]}"#
        );
        let bad = PolicyForm::from_policy(p, &nodes, "not json");
        assert_eq!(bad.extra[0].value, "not json");
    }
}
