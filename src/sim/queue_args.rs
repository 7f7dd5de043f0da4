//! The queue arguments and policy keys that bound a classic queue: `x-max-length`,
//! `x-max-length-bytes`, `x-overflow`, `x-message-ttl`, `x-expires`, `x-dead-letter-exchange`,
//! `x-dead-letter-routing-key`. Two jobs, both as 3.10.8 does them: the check a new queue's
//! arguments pass (`rabbit_channel`'s DLX type check, then
//! `rabbit_amqqueue:check_declare_arguments/2` with its `invalid arg` texts), and which value is
//! in effect when an argument and a policy both set a key
//! (`rabbit_amqqueue_process:process_args_policy/1`: the smaller number for the limits and
//! TTLs, the argument for the overflow mode and the dead-letter keys).

use crate::erl::json::Json;
use crate::sim::exchanges::routing::field_type;
use crate::sim::policy::definition::Definition;

/// What a queue does when a publish would take it over its length or byte limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overflow {
    /// Drop (or dead-letter) the oldest ready messages (the default).
    DropHead,
    /// Refuse the publish: nacked in confirm mode, else dropped.
    RejectPublish,
    /// Refuse it and dead-letter it (reason `maxlen`).
    RejectPublishDlx,
}

impl Overflow {
    /// The name as arguments, policies and `list_queues` spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Overflow::DropHead => "drop-head",
            Overflow::RejectPublish => "reject-publish",
            Overflow::RejectPublishDlx => "reject-publish-dlx",
        }
    }

    fn parse(s: &str) -> Option<Overflow> {
        match s {
            "drop-head" => Some(Overflow::DropHead),
            "reject-publish" => Some(Overflow::RejectPublish),
            "reject-publish-dlx" => Some(Overflow::RejectPublishDlx),
            _ => None,
        }
    }
}

/// The bounds in effect on a queue, resolved from its arguments and its (merged) policy.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QueueLimits {
    pub max_length: Option<u64>,
    pub max_length_bytes: Option<u64>,
    pub overflow: Option<Overflow>,
    /// Milliseconds.
    pub message_ttl: Option<u64>,
    /// Milliseconds a queue may go unused before it is deleted.
    pub expires: Option<u64>,
    pub dead_letter_exchange: Option<String>,
    pub dead_letter_routing_key: Option<String>,
}

impl QueueLimits {
    /// `process_args_policy/1`: for each key, the argument `x-KEY` and the policy's `KEY`;
    /// when both are set, `res_min` for numbers and `res_arg` for the rest.
    pub fn resolve(args: &[(String, Json)], policy: &Definition) -> QueueLimits {
        let arg = |k: &str| {
            args.iter()
                .rev()
                .find(|(n, _)| n.strip_prefix("x-") == Some(k))
                .map(|(_, v)| v)
        };
        let num = |k: &str| {
            let a = arg(k).and_then(|v| match v {
                Json::Int(n) if *n >= 0 => Some(*n as u64),
                _ => None,
            });
            let p = policy.get_i64(k).and_then(|n| u64::try_from(n).ok());
            match (a, p) {
                (Some(a), Some(p)) => Some(a.min(p)),
                (a, p) => a.or(p),
            }
        };
        let text = |k: &str| {
            arg(k)
                .and_then(Json::as_str)
                .or_else(|| policy.get(k).and_then(Json::as_str))
                .map(str::to_string)
        };
        QueueLimits {
            max_length: num("max-length"),
            max_length_bytes: num("max-length-bytes"),
            overflow: text("overflow").as_deref().and_then(Overflow::parse),
            message_ttl: num("message-ttl"),
            expires: num("expires"),
            dead_letter_exchange: text("dead-letter-exchange"),
            dead_letter_routing_key: text("dead-letter-routing-key"),
        }
    }

    /// The overflow mode in effect (`drop-head` unless set).
    pub fn overflow(&self) -> Overflow {
        self.overflow.unwrap_or(Overflow::DropHead)
    }

    /// Whether any length or byte limit is set.
    pub fn bounded(&self) -> bool {
        self.max_length.is_some() || self.max_length_bytes.is_some()
    }
}

/// The management UI's abbreviations of a queue's arguments (`KNOWN_ARGS` in its `global.js`,
/// in that order), each with its tooltip `x-message-ttl: 1000`, as its Features column shows
/// them (`fmt_features_short`). Limits set by a policy show as the policy's pill instead.
pub fn arg_features(args: &[(String, Json)]) -> Vec<(&'static str, String)> {
    const KNOWN: [(&str, &str); 12] = [
        ("alternate-exchange", "AE"),
        ("x-message-ttl", "TTL"),
        ("x-expires", "Exp"),
        ("x-max-length", "Lim"),
        ("x-max-length-bytes", "Lim B"),
        ("x-delivery-limit", "DlL"),
        ("x-overflow", "Ovfl"),
        ("x-dead-letter-exchange", "DLX"),
        ("x-dead-letter-routing-key", "DLK"),
        ("x-queue-master-locator", "ML"),
        ("x-max-priority", "Pri"),
        ("x-single-active-consumer", "SAC"),
    ];
    KNOWN
        .iter()
        .filter_map(|&(key, short)| {
            let (_, v) = args.iter().rev().find(|(k, _)| k == key)?;
            let shown = match v {
                Json::Str(s) => s.clone(),
                other => other.to_json_string(),
            };
            Some((short, format!("{key}: {shown}")))
        })
        .collect()
}

/// Why a message left a queue without being consumed: the `reason` of its `x-death` entry
/// (`maxlen` also for a drop-head or a refused publish without a dead-letter exchange).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    Expired,
    Maxlen,
    Rejected,
}

impl Removal {
    /// `x-death`'s `reason`.
    pub fn as_str(self) -> &'static str {
        match self {
            Removal::Expired => "expired",
            Removal::Maxlen => "maxlen",
            Removal::Rejected => "rejected",
        }
    }
}

/// What a queue keeps for its TTLs and its `x-expires`. Message ids are the run's
/// (`MsgId.0`). The expiry of each message is computed once, by the master that enqueued it,
/// and travels with the message to the mirrors (`#message_properties.expiry` in the GM
/// publish), so a promoted master goes on expiring with the same deadlines.
#[derive(Debug, Clone, Default)]
pub struct BoundsState {
    /// When each message with a TTL expires.
    pub expiry: std::collections::BTreeMap<u64, crate::sim::time::Micros>,
    /// The pending TTL timer (`ttl_timer_ref`), so one is armed at a time.
    pub ttl_timer: Option<crate::sim::time::Micros>,
    /// The last time the queue was used (declared, consumed from, got from): `x-expires`
    /// counts from here.
    pub last_used: crate::sim::time::Micros,
    /// Messages that left without a consumer, and why (also in `dropped_by_limit`).
    pub removed: std::collections::BTreeMap<u64, Removal>,
}

/// `rabbit_misc:check_expiry/1`'s bound: ten years in milliseconds.
const EXPIRY_MAX_MS: i64 = 315_360_000_000;

/// The `~p` of an error term `check_declare_arguments/2` raises for one argument, or `None`
/// when the value passes.
fn arg_error(key: &str, v: &Json, args: &[(String, Json)]) -> Option<String> {
    let ty = field_type(v);
    let int = |v: &Json| match v {
        Json::Int(n) => Some(*n),
        _ => None,
    };
    let not_int = || format!("\"expected integer, got {ty}\"");
    let expiry = |n: i64| {
        if n < 0 {
            Some(format!("{{value_negative,{n}}}"))
        } else if n > EXPIRY_MAX_MS {
            Some(format!("{{value_too_large,{n}}}"))
        } else {
            None
        }
    };
    match key {
        "x-max-length" | "x-max-length-bytes" => match int(v) {
            None => Some(not_int()),
            Some(n) if n < 0 => Some(format!("{{value_negative,{n}}}")),
            Some(_) => None,
        },
        "x-message-ttl" => match int(v) {
            None => Some(not_int()),
            Some(n) => expiry(n),
        },
        "x-expires" => match int(v) {
            None => Some(not_int()),
            Some(0) => Some("{value_zero,0}".to_string()),
            Some(n) => expiry(n),
        },
        "x-dead-letter-exchange" => {
            (!matches!(v, Json::Str(_))).then(|| format!("{{unacceptable_type,{ty}}}"))
        }
        "x-dead-letter-routing-key" => match v {
            Json::Str(_) if !args.iter().any(|(k, _)| k == "x-dead-letter-exchange") => {
                Some("routing_key_but_no_dlx_defined".to_string())
            }
            Json::Str(_) => None,
            _ => Some(format!("{{unacceptable_type,{ty}}}")),
        },
        "x-overflow" => match v {
            Json::Str(s) if Overflow::parse(s).is_some() => None,
            Json::Str(_) => Some("invalid_overflow".to_string()),
            _ => Some(format!("{{unacceptable_type,{ty}}}")),
        },
        _ => None,
    }
}

/// The arguments this module checks, in `rabbit_amqqueue:declare_args/0`'s order (the first
/// failing one is reported).
const CHECKED: [&str; 7] = [
    "x-expires",
    "x-message-ttl",
    "x-dead-letter-exchange",
    "x-dead-letter-routing-key",
    "x-max-length",
    "x-max-length-bytes",
    "x-overflow",
];

/// The `PRECONDITION_FAILED` text (without the `PRECONDITION_FAILED - ` prefix) a declare of a
/// new queue with these arguments gets, or `None` when they pass. The channel's own check of
/// the dead-letter exchange's type comes first (`rabbit_channel`, `r_arg/4`).
pub fn check_new_queue(queue: &str, vhost: &str, args: &[(String, Json)]) -> Option<String> {
    let lookup = |k: &str| args.iter().rev().find(|(n, _)| n == k).map(|(_, v)| v);
    let rs = format!("queue '{queue}' in vhost '{vhost}'");
    if let Some(v) = lookup("x-dead-letter-exchange") {
        if !matches!(v, Json::Str(_)) {
            return Some(format!(
                "invalid type '{}' for arg 'x-dead-letter-exchange' in {rs}",
                field_type(v)
            ));
        }
    }
    for key in CHECKED {
        if let Some(v) = lookup(key) {
            if let Some(e) = arg_error(key, v, args) {
                return Some(format!("invalid arg '{key}' for {rs}: {e}"));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(pairs: &[(&str, Json)]) -> Vec<(String, Json)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn new_queue_arguments_fail_with_3_10_8_texts() {
        let t = |a: &[(&str, Json)]| check_new_queue("q", "/", &args(a));
        assert_eq!(t(&[("x-max-length", Json::Int(10))]), None);
        assert_eq!(
            t(&[("x-max-length", Json::Int(-1))]).unwrap(),
            "invalid arg 'x-max-length' for queue 'q' in vhost '/': {value_negative,-1}"
        );
        assert_eq!(
            t(&[("x-message-ttl", Json::Str("5".into()))]).unwrap(),
            "invalid arg 'x-message-ttl' for queue 'q' in vhost '/': \"expected integer, got longstr\""
        );
        assert_eq!(
            t(&[("x-expires", Json::Int(0))]).unwrap(),
            "invalid arg 'x-expires' for queue 'q' in vhost '/': {value_zero,0}"
        );
        assert_eq!(
            t(&[("x-overflow", Json::Str("drop".into()))]).unwrap(),
            "invalid arg 'x-overflow' for queue 'q' in vhost '/': invalid_overflow"
        );
        assert_eq!(
            t(&[("x-dead-letter-routing-key", Json::Str("k".into()))]).unwrap(),
            "invalid arg 'x-dead-letter-routing-key' for queue 'q' in vhost '/': routing_key_but_no_dlx_defined"
        );
        assert_eq!(
            t(&[("x-dead-letter-exchange", Json::Int(1))]).unwrap(),
            "invalid type 'signedint' for arg 'x-dead-letter-exchange' in queue 'q' in vhost '/'"
        );
        assert_eq!(
            t(&[("x-message-ttl", Json::Int(315_360_000_001))]).unwrap(),
            "invalid arg 'x-message-ttl' for queue 'q' in vhost '/': {value_too_large,315360000001}"
        );
    }

    #[test]
    fn the_smaller_number_wins_and_the_argument_wins_for_the_rest() {
        let policy = Definition::from_members(&args(&[
            ("max-length", Json::Int(5)),
            ("message-ttl", Json::Int(1000)),
            ("overflow", Json::Str("reject-publish".into())),
            ("dead-letter-exchange", Json::Str("pol".into())),
        ]));
        let l = QueueLimits::resolve(
            &args(&[
                ("x-max-length", Json::Int(10)),
                ("x-message-ttl", Json::Int(500)),
                ("x-overflow", Json::Str("drop-head".into())),
                ("x-dead-letter-exchange", Json::Str("arg".into())),
            ]),
            &policy,
        );
        assert_eq!(l.max_length, Some(5));
        assert_eq!(l.message_ttl, Some(500));
        assert_eq!(l.overflow(), Overflow::DropHead);
        assert_eq!(l.dead_letter_exchange.as_deref(), Some("arg"));
        let shorts: Vec<&str> = arg_features(&args(&[
            ("x-dead-letter-exchange", Json::Str("dlx".into())),
            ("x-max-length", Json::Int(10)),
            ("x-message-ttl", Json::Int(500)),
        ]))
        .into_iter()
        .map(|(s, _)| s)
        .collect();
        assert_eq!(shorts, ["TTL", "Lim", "DLX"]);
        let only_policy = QueueLimits::resolve(&[], &policy);
        assert_eq!(only_policy.max_length, Some(5));
        assert_eq!(only_policy.overflow(), Overflow::RejectPublish);
    }
}
