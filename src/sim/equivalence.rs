//! `rabbit_amqqueue:assert_equivalence/5`: what a `queue.declare` of a queue that already
//! exists must match, checked in 3.10.8's order (exclusive owner, `durable`, `auto_delete`,
//! then the classic queue's arguments), with `rabbit_misc:equivalence_fail/4`'s words.

use crate::erl::float::erlang_float;
use crate::erl::json::Json;
use crate::sim::error::DeclareError;
use crate::sim::model::{ClientId, QueueRecord};

/// What a `queue.declare` asks for, as far as the check reads it.
pub(crate) struct Declared<'a> {
    pub name: &'a str,
    pub passive: bool,
    pub durable: bool,
    pub exclusive: bool,
    pub auto_delete: bool,
    pub args: &'a [(String, Json)],
}

/// The arguments 3.10.8 compares for a classic queue (`rabbit_classic_queue:capabilities/0`,
/// `queue_arguments`); any other key may differ between declarations.
const CLASSIC_QUEUE_ARGUMENTS: &[&str] = &[
    "x-expires",
    "x-message-ttl",
    "x-dead-letter-exchange",
    "x-dead-letter-routing-key",
    "x-max-length",
    "x-max-length-bytes",
    "x-max-priority",
    "x-overflow",
    "x-queue-mode",
    "x-queue-version",
    "x-single-active-consumer",
    "x-queue-type",
    "x-queue-master-locator",
];

/// Whether a declaration from `client` may use the existing queue `r`. A passive declare only
/// checks the exclusive owner loosely (`check_exclusive_access/2`); any other declare must
/// also ask for the same exclusivity (`strict`), durability, auto-delete and arguments.
pub(crate) fn check(
    r: &QueueRecord,
    d: &Declared,
    client: Option<ClientId>,
    vhost: &str,
) -> Result<(), DeclareError> {
    let locked = || DeclareError::Locked {
        queue: d.name.to_string(),
        vhost: vhost.to_string(),
    };
    if d.passive {
        return match r.exclusive_owner {
            Some(owner) if Some(owner) != client => Err(locked()),
            _ => Ok(()),
        };
    }
    let owner = if d.exclusive { client } else { None };
    if r.exclusive_owner != owner {
        return Err(locked());
    }
    // rabbit_channel declares `durable andalso not exclusive`.
    let durable = d.durable && !d.exclusive;
    if r.durable != durable {
        return Err(DeclareError::InequivalentDurable {
            queue: d.name.to_string(),
            vhost: vhost.to_string(),
            received: durable,
            current: r.durable,
        });
    }
    let inequivalent = |key: &str, received: String, current: String| DeclareError::Inequivalent {
        queue: d.name.to_string(),
        vhost: vhost.to_string(),
        key: key.to_string(),
        received,
        current,
    };
    if r.auto_delete != d.auto_delete {
        return Err(inequivalent(
            "auto_delete",
            format!("'{}'", d.auto_delete),
            format!("'{}'", r.auto_delete),
        ));
    }
    let lookup = |args: &[(String, Json)], key: &str| {
        args.iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| Field::of(v))
    };
    for key in CLASSIC_QUEUE_ARGUMENTS {
        let (current, received) = (lookup(&r.args, key), lookup(d.args, key));
        match (&current, &received) {
            (None, None) => {}
            (Some(c), Some(n)) if c.class() == n.class() && c.value == n.value => {}
            // Same type class, other value: the values alone.
            (Some(c), Some(n)) if c.class() == n.class() => {
                return Err(inequivalent(key, n.value.quoted(), c.value.quoted()))
            }
            _ => {
                let show = |f: &Option<Field>| f.as_ref().map_or("none".to_string(), Field::typed);
                return Err(inequivalent(key, show(&received), show(&current)));
            }
        }
    }
    Ok(())
}

/// An argument as RabbitMQ receives it from pika's encoder: its AMQP field type and value.
struct Field {
    kind: &'static str,
    value: Json,
}

impl Field {
    /// pika 1.3 sends an `int` in the signed 32-bit range as `I` (`signedint`), a larger one as
    /// `l` (`long`), `bool` as `t`, `str` as `S` (`longstr`), `float` as `d` (`double`), a
    /// `dict` as `F` (`table`), a `list` as `A` (`array`), `None` as `V` (`void`).
    fn of(v: &Json) -> Field {
        Field {
            kind: crate::sim::exchanges::routing::field_type(v),
            value: v.clone(),
        }
    }

    /// `rabbit_misc:type_class/1`: the integer types compare as one class.
    fn class(&self) -> &'static str {
        match self.kind {
            "signedint" | "long" => "int",
            k => k,
        }
    }

    /// `val({Type, Value})`: `the value '10' of type 'signedint'`.
    fn typed(&self) -> String {
        format!("the value {} of type '{}'", self.value.quoted(), self.kind)
    }
}

trait Quoted {
    /// `val(Value)`: the value in single quotes, a binary as its text, any other term as `~p`
    /// prints it.
    fn quoted(&self) -> String;
}

impl Quoted for Json {
    fn quoted(&self) -> String {
        match self {
            Json::Str(s) => format!("'{s}'"),
            Json::Int(n) => format!("'{n}'"),
            Json::Float(f) => format!("'{}'", erlang_float(*f)),
            Json::Bool(b) => format!("'{b}'"),
            Json::Null => "'undefined'".to_string(),
            other => format!("'{}'", other.to_erlang()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::cluster::Cluster;
    use crate::sim::engine::{Config, Sim};
    use crate::sim::queues::DeclareArgs;

    fn declare(args: &[(&str, Json)], durable: bool, auto_delete: bool) -> DeclareArgs {
        DeclareArgs {
            name: "q".into(),
            durable,
            exclusive: false,
            auto_delete,
            passive: false,
            args: args
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        }
    }

    fn texts(first: DeclareArgs, again: DeclareArgs) -> String {
        let mut sim = Sim::new(Cluster::with_nodes(3).unwrap(), Config::default());
        let c = sim.connect("a", 0).unwrap();
        sim.declare_queue(Some(c), 0, "/", first).unwrap();
        match sim.declare_queue(Some(c), 0, "/", again) {
            Ok(_) => "ok".into(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn redeclares_fail_with_the_words_a_real_broker_used() {
        let ten = [("x-max-length", Json::Int(10))];
        // Each text as a real 3.10.8 node answered pika 1.3.2.
        let cases = [
            (declare(&ten, false, false), declare(&[("x-max-length", Json::Int(20))], false, false),
             "PRECONDITION_FAILED - inequivalent arg 'x-max-length' for queue 'q' in vhost '/': received '20' but current is '10'"),
            (declare(&ten, false, false), declare(&[], false, false),
             "PRECONDITION_FAILED - inequivalent arg 'x-max-length' for queue 'q' in vhost '/': received none but current is the value '10' of type 'signedint'"),
            (declare(&[], true, false), declare(&[("x-max-length", Json::Int(5))], true, false),
             "PRECONDITION_FAILED - inequivalent arg 'x-max-length' for queue 'q' in vhost '/': received the value '5' of type 'signedint' but current is none"),
            (declare(&[("x-max-length", Json::Int(1 << 40))], false, false), declare(&[("x-max-length", Json::Int(3))], false, false),
             "PRECONDITION_FAILED - inequivalent arg 'x-max-length' for queue 'q' in vhost '/': received '3' but current is '1099511627776'"),
            (declare(&[("x-queue-mode", Json::Str("lazy".into()))], false, false), declare(&[("x-queue-mode", Json::Str("default".into()))], false, false),
             "PRECONDITION_FAILED - inequivalent arg 'x-queue-mode' for queue 'q' in vhost '/': received 'default' but current is 'lazy'"),
            (declare(&ten, false, false), declare(&[("x-max-length", Json::Int(10)), ("x-foo", Json::Int(1))], false, false), "ok"),
            (declare(&ten, false, false), declare(&ten, false, true),
             "PRECONDITION_FAILED - inequivalent arg 'auto_delete' for queue 'q' in vhost '/': received 'true' but current is 'false'"),
            (declare(&ten, false, false), declare(&[("x-max-length", Json::Int(20))], true, false),
             "PRECONDITION_FAILED - inequivalent arg 'durable' for queue 'q' in vhost '/': received 'true' but current is 'false'"),
        ];
        for (first, again, want) in cases {
            assert_eq!(texts(first, again), want);
        }
    }

    #[test]
    fn exclusivity_must_match_exactly_except_for_a_passive_declare() {
        let mut sim = Sim::new(Cluster::with_nodes(3).unwrap(), Config::default());
        let a = sim.connect("a", 0).unwrap();
        let b = sim.connect("b", 0).unwrap();
        let mut d = declare(&[], true, false);
        sim.declare_queue(Some(a), 0, "/", d.clone()).unwrap();
        d.exclusive = true;
        let locked = "RESOURCE_LOCKED - cannot obtain exclusive access to locked queue 'q'";
        let e = sim.declare_queue(Some(a), 0, "/", d.clone()).unwrap_err();
        assert!(e.to_string().starts_with(locked), "{e}");
        d.name = "ex".into();
        sim.declare_queue(Some(b), 0, "/", d.clone()).unwrap();
        // The owner again, durable asked: an exclusive queue is never durable, so it matches.
        assert!(sim.declare_queue(Some(b), 0, "/", d.clone()).is_ok());
        let mut plain = d.clone();
        plain.exclusive = false;
        assert_eq!(
            sim.declare_queue(Some(b), 0, "/", plain.clone())
                .unwrap_err()
                .reply_code(),
            405
        );
        let mut passive = plain.clone();
        passive.passive = true;
        assert!(sim.declare_queue(Some(b), 0, "/", passive.clone()).is_ok());
        assert_eq!(
            sim.declare_queue(Some(a), 0, "/", passive)
                .unwrap_err()
                .reply_code(),
            405
        );
    }
}
