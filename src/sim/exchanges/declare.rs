//! exchange.declare, exchange.delete, queue.bind / exchange.bind and their unbinds on the
//! records, with the checks `rabbit_channel` and `rabbit_exchange` make and their texts:
//! the default exchange cannot be declared, deleted or bound, `amq.*` names are reserved on
//! creation and the predeclared ones cannot be deleted, a redeclare must be equivalent, and an
//! auto-delete exchange goes when its last binding as a source does.

use crate::erl::json::Json;
use crate::sim::error::BrokerError;
use crate::sim::exchanges::record::{Binding, DestKind, Exchange, ExchangeType, Exchanges};
use crate::sim::exchanges::routing::{field_type, validate_x_match};

/// How the broker answers a failed exchange or binding method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExchangeFailure {
    /// The channel is closed with this error.
    Channel(BrokerError),
    /// The connection is closed with this error (`COMMAND_INVALID`: a type that is not
    /// registered).
    Connection(BrokerError),
}

impl ExchangeFailure {
    pub fn error(&self) -> &BrokerError {
        match self {
            ExchangeFailure::Channel(e) | ExchangeFailure::Connection(e) => e,
        }
    }
}

fn channel(code: u16, text: String) -> ExchangeFailure {
    ExchangeFailure::Channel(BrokerError { code, text })
}

/// `rabbit_misc:rs/1` of an exchange.
pub fn rs(vhost: &str, name: &str) -> String {
    format!("exchange '{name}' in vhost '{vhost}'")
}

/// `404 NOT_FOUND - no exchange 'x' in vhost '/'` (`rabbit_amqqueue:not_found/1`).
pub fn no_exchange(vhost: &str, name: &str) -> ExchangeFailure {
    channel(404, format!("NOT_FOUND - no {}", rs(vhost, name)))
}

fn default_refused() -> ExchangeFailure {
    channel(
        403,
        "ACCESS_REFUSED - operation not permitted on the default exchange".to_string(),
    )
}

/// An exchange.declare as the channel received it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExchangeSpec {
    pub name: String,
    /// The type as sent (checked by `rabbit_exchange:check_type/1`).
    pub kind: String,
    pub durable: bool,
    pub auto_delete: bool,
    pub internal: bool,
    pub passive: bool,
    pub args: Vec<(String, Json)>,
}

/// A bind or unbind as the channel received it.
#[derive(Debug, Clone, PartialEq)]
pub struct BindSpec {
    pub source: String,
    pub dest_kind: DestKind,
    pub dest: String,
    pub key: String,
    pub args: Vec<(String, Json)>,
}

impl BindSpec {
    /// The AMQP method (`Queue.Bind`, `Exchange.Unbind`, …).
    pub fn method(&self, unbind: bool) -> &'static str {
        match (self.dest_kind, unbind) {
            (DestKind::Queue, false) => "Queue.Bind",
            (DestKind::Queue, true) => "Queue.Unbind",
            (DestKind::Exchange, false) => "Exchange.Bind",
            (DestKind::Exchange, true) => "Exchange.Unbind",
        }
    }
}

/// How the destination queue of a binding looks to `rabbit_binding`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueuePresence {
    /// In `rabbit_queue`, usable by this connection.
    Present,
    /// Not there: `not_found`.
    Missing,
    /// The queue refuses this connection, or is a durable queue whose node is down: the
    /// channel closes with this error.
    Refused(BrokerError),
}

/// `val/1` of `rabbit_misc:equivalence_fail/4` for `alternate-exchange`.
fn ae_val(v: Option<&Json>) -> String {
    match v {
        None => "none".to_string(),
        Some(Json::Str(s)) => format!("the value '{s}' of type 'longstr'"),
        Some(other) => format!("the value '{}' of type 'other'", other.to_erlang()),
    }
}

fn arg<'a>(args: &'a [(String, Json)], key: &str) -> Option<&'a Json> {
    args.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

impl Exchanges {
    /// exchange.declare. `Ok(true)` when it created the exchange.
    pub fn declare(&mut self, vhost: &str, s: &ExchangeSpec) -> Result<bool, ExchangeFailure> {
        if s.passive {
            if s.name.is_empty() {
                return Err(default_refused());
            }
            return match self.get(vhost, &s.name) {
                Some(_) => Ok(false),
                None => Err(no_exchange(vhost, &s.name)),
            };
        }
        let Some(kind) = ExchangeType::parse(&s.kind) else {
            return Err(ExchangeFailure::Connection(BrokerError {
                code: 503,
                // A real node says `unknown exchange type` instead when the name is no atom in
                // its VM; for `foo` and `` it answered `invalid`, as here.
                text: format!("COMMAND_INVALID - invalid exchange type '{}'", s.kind),
            }));
        };
        if s.name.is_empty() {
            return Err(default_refused());
        }
        if let Some(x) = self.get(vhost, &s.name) {
            return assert_equivalence(x, kind, s).map(|()| false);
        }
        if s.name.starts_with("amq.") {
            return Err(channel(
                403,
                format!(
                    "ACCESS_REFUSED - exchange name '{}' contains reserved prefix 'amq.*'",
                    s.name
                ),
            ));
        }
        if let Some(v) = arg(&s.args, "alternate-exchange") {
            if !matches!(v, Json::Str(_)) {
                return Err(channel(
                    406,
                    format!(
                        "PRECONDITION_FAILED - invalid type '{}' for arg 'alternate-exchange' in {}",
                        field_type(v),
                        rs(vhost, &s.name)
                    ),
                ));
            }
        }
        self.exchanges.push(Exchange {
            vhost: vhost.to_string(),
            name: s.name.clone(),
            kind,
            durable: s.durable,
            auto_delete: s.auto_delete,
            internal: s.internal,
            args: s.args.clone(),
        });
        Ok(true)
    }

    /// exchange.delete: the names of the exchanges that went (this one, and auto-delete
    /// sources whose last binding it was). A missing exchange is no error in 3.10.8.
    pub fn delete(
        &mut self,
        vhost: &str,
        name: &str,
        if_unused: bool,
    ) -> Result<Vec<String>, ExchangeFailure> {
        if name.is_empty() {
            return Err(default_refused());
        }
        if name.starts_with("amq.") {
            return Err(channel(
                403,
                format!(
                    "ACCESS_REFUSED - deletion of system {} not allowed",
                    rs(vhost, name)
                ),
            ));
        }
        if self.get(vhost, name).is_none() {
            return Ok(Vec::new());
        }
        if if_unused && self.from_source(vhost, name).next().is_some() {
            return Err(channel(
                406,
                format!("PRECONDITION_FAILED - {} in use", rs(vhost, name)),
            ));
        }
        self.bindings
            .retain(|b| !(b.vhost == vhost && b.source == name));
        let mut gone = Vec::new();
        self.remove_exchange(vhost, name, &mut gone);
        Ok(gone)
    }

    /// Takes an exchange out with the bindings leading to it (`internal_delete/3`), then
    /// auto-deletes the sources those bindings left empty.
    fn remove_exchange(&mut self, vhost: &str, name: &str, gone: &mut Vec<String>) {
        self.exchanges
            .retain(|x| !(x.vhost == vhost && x.name == name));
        gone.push(name.to_string());
        self.remove_for_destination(vhost, DestKind::Exchange, name, gone);
    }

    /// `rabbit_binding:remove_for_destination/2` and the auto-deletes that follow
    /// (`maybe_auto_delete/4`). Returns the exchanges that went.
    pub fn remove_for_destination(
        &mut self,
        vhost: &str,
        kind: DestKind,
        name: &str,
        gone: &mut Vec<String>,
    ) {
        let mut sources: Vec<String> = Vec::new();
        self.bindings.retain(|b| {
            let hit = b.vhost == vhost && b.dest_kind == kind && b.dest == name;
            if hit && !sources.contains(&b.source) {
                sources.push(b.source.clone());
            }
            !hit
        });
        for s in sources {
            self.maybe_auto_delete(vhost, &s, gone);
        }
    }

    fn maybe_auto_delete(&mut self, vhost: &str, source: &str, gone: &mut Vec<String>) {
        let auto = self.get(vhost, source).is_some_and(|x| x.auto_delete);
        if auto && self.from_source(vhost, source).next().is_none() {
            self.remove_exchange(vhost, source, gone);
        }
    }

    /// The checks of `binding_action/10` and `rabbit_binding` before a bind or an unbind:
    /// neither end may be the default exchange, both must exist (source first).
    fn check_ends(
        &self,
        b: &Binding,
        queue: &QueuePresence,
        unbind: bool,
    ) -> Result<bool, ExchangeFailure> {
        if b.source.is_empty() || (b.dest_kind == DestKind::Exchange && b.dest.is_empty()) {
            return Err(default_refused());
        }
        let src = self.get(&b.vhost, &b.source).is_some();
        let dst = match b.dest_kind {
            DestKind::Exchange => self.get(&b.vhost, &b.dest).is_some(),
            DestKind::Queue => match queue {
                QueuePresence::Present => true,
                QueuePresence::Missing => false,
                QueuePresence::Refused(e) => {
                    if src || !unbind {
                        return Err(ExchangeFailure::Channel(e.clone()));
                    }
                    false
                }
            },
        };
        if src && dst {
            return Ok(true);
        }
        if unbind {
            // `absent_errs_only/1`: what is missing is no error on an unbind.
            return Ok(false);
        }
        if !src {
            return Err(no_exchange(&b.vhost, &b.source));
        }
        Err(match b.dest_kind {
            DestKind::Exchange => no_exchange(&b.vhost, &b.dest),
            DestKind::Queue => ExchangeFailure::Channel(BrokerError::no_queue(&b.dest, &b.vhost)),
        })
    }

    /// queue.bind / exchange.bind. `Ok(true)` when the binding is new.
    pub fn bind(&mut self, b: Binding, queue: &QueuePresence) -> Result<bool, ExchangeFailure> {
        self.check_ends(&b, queue, false)?;
        let kind = self.get(&b.vhost, &b.source).map(|x| x.kind);
        if kind == Some(ExchangeType::Headers) {
            validate_x_match(&b.args)
                .map_err(|why| channel(406, format!("PRECONDITION_FAILED - {why}")))?;
        }
        if self.bindings.contains(&b) {
            return Ok(false);
        }
        self.bindings.push(b);
        Ok(true)
    }

    /// queue.unbind / exchange.unbind: the exchanges auto-deleted by it. A binding that does
    /// not exist is no error in 3.10.8.
    pub fn unbind(
        &mut self,
        b: &Binding,
        queue: &QueuePresence,
    ) -> Result<Vec<String>, ExchangeFailure> {
        let mut gone = Vec::new();
        if !self.check_ends(b, queue, true)? {
            return Ok(gone);
        }
        let Some(i) = self.bindings.iter().position(|x| x == b) else {
            return Ok(gone);
        };
        self.bindings.remove(i);
        self.maybe_auto_delete(&b.vhost, &b.source, &mut gone);
        Ok(gone)
    }

    /// The whole cluster stopped: only `rabbit_durable_exchange` and `rabbit_durable_route`
    /// come back.
    pub fn keep_durable(&mut self, queue_durable: impl Fn(&str, &str) -> bool) {
        let durable: Vec<bool> = self
            .bindings
            .iter()
            .map(|b| self.binding_durable(b, |q| queue_durable(&b.vhost, q)))
            .collect();
        let mut keep = durable.into_iter();
        self.bindings.retain(|_| keep.next().unwrap_or(false));
        self.exchanges.retain(|x| x.durable);
    }
}

/// `rabbit_exchange:assert_equivalence/6`: type, durable, auto_delete, internal, then the
/// one argument compared, `alternate-exchange`.
fn assert_equivalence(
    x: &Exchange,
    kind: ExchangeType,
    s: &ExchangeSpec,
) -> Result<(), ExchangeFailure> {
    let fields = [
        ("type", x.kind.as_str(), kind.as_str()),
        ("durable", bool_str(x.durable), bool_str(s.durable)),
        (
            "auto_delete",
            bool_str(x.auto_delete),
            bool_str(s.auto_delete),
        ),
        ("internal", bool_str(x.internal), bool_str(s.internal)),
    ];
    for (key, current, received) in fields {
        if current != received {
            return Err(channel(
                406,
                format!(
                    "PRECONDITION_FAILED - inequivalent arg '{key}' for {}: received '{received}' but current is '{current}'",
                    rs(&x.vhost, &x.name)
                ),
            ));
        }
    }
    let (cur, new) = (
        arg(&x.args, "alternate-exchange"),
        arg(&s.args, "alternate-exchange"),
    );
    if cur != new {
        return Err(channel(
            406,
            format!(
                "PRECONDITION_FAILED - inequivalent arg 'alternate-exchange' for {}: received {} but current is {}",
                rs(&x.vhost, &x.name),
                ae_val(new),
                ae_val(cur)
            ),
        ));
    }
    Ok(())
}

fn bool_str(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str, kind: &str) -> ExchangeSpec {
        ExchangeSpec {
            name: name.into(),
            kind: kind.into(),
            durable: false,
            auto_delete: false,
            internal: false,
            passive: false,
            args: Vec::new(),
        }
    }

    fn text(r: Result<impl std::fmt::Debug, ExchangeFailure>) -> String {
        let e = r.unwrap_err();
        format!("{} {}", e.error().code, e.error().text)
    }

    #[test]
    fn declare_checks_as_the_channel_does() {
        let mut st = Exchanges::with_vhost("/");
        assert_eq!(st.declare("/", &spec("logs", "fanout")), Ok(true));
        assert_eq!(st.declare("/", &spec("logs", "fanout")), Ok(false));
        assert_eq!(
            text(st.declare("/", &spec("logs", "direct"))),
            "406 PRECONDITION_FAILED - inequivalent arg 'type' for exchange 'logs' in vhost '/': received 'direct' but current is 'fanout'"
        );
        let mut d = spec("logs", "fanout");
        d.durable = true;
        assert_eq!(
            text(st.declare("/", &d)),
            "406 PRECONDITION_FAILED - inequivalent arg 'durable' for exchange 'logs' in vhost '/': received 'true' but current is 'false'"
        );
        assert_eq!(
            text(st.declare("/", &spec("amq.x", "direct"))),
            "403 ACCESS_REFUSED - exchange name 'amq.x' contains reserved prefix 'amq.*'"
        );
        assert_eq!(
            text(st.declare("/", &spec("", "direct"))),
            "403 ACCESS_REFUSED - operation not permitted on the default exchange"
        );
        let mut p = spec("nope", "direct");
        p.passive = true;
        assert_eq!(
            text(st.declare("/", &p)),
            "404 NOT_FOUND - no exchange 'nope' in vhost '/'"
        );
        assert!(matches!(
            st.declare("/", &spec("x", "foo")),
            Err(ExchangeFailure::Connection(_))
        ));
        let mut amq = spec("amq.direct", "direct");
        amq.durable = true;
        assert_eq!(st.declare("/", &amq), Ok(false));
        let mut ae = spec("logs", "fanout");
        ae.args = vec![("alternate-exchange".into(), Json::Str("b".into()))];
        assert_eq!(
            text(st.declare("/", &ae)),
            "406 PRECONDITION_FAILED - inequivalent arg 'alternate-exchange' for exchange 'logs' in vhost '/': received the value 'b' of type 'longstr' but current is none"
        );
    }

    fn qb(src: &str, q: &str, key: &str) -> Binding {
        Binding {
            vhost: "/".into(),
            source: src.into(),
            dest_kind: DestKind::Queue,
            dest: q.into(),
            key: key.into(),
            args: Vec::new(),
        }
    }

    #[test]
    fn delete_and_auto_delete() {
        let mut st = Exchanges::with_vhost("/");
        let mut a = spec("a", "direct");
        a.auto_delete = true;
        st.declare("/", &a).unwrap();
        let ok = QueuePresence::Present;
        assert_eq!(st.bind(qb("a", "q", "k"), &ok), Ok(true));
        assert_eq!(st.bind(qb("a", "q", "k"), &ok), Ok(false));
        assert_eq!(st.bind(qb("a", "q2", "k"), &ok), Ok(true));
        assert_eq!(
            text(st.delete("/", "a", true)),
            "406 PRECONDITION_FAILED - exchange 'a' in vhost '/' in use"
        );
        assert_eq!(st.unbind(&qb("a", "q", "k"), &ok), Ok(vec![]));
        let mut gone = Vec::new();
        st.remove_for_destination("/", DestKind::Queue, "q2", &mut gone);
        assert_eq!(gone, vec!["a"]);
        assert!(st.get("/", "a").is_none());
        assert_eq!(
            text(st.delete("/", "amq.fanout", false)),
            "403 ACCESS_REFUSED - deletion of system exchange 'amq.fanout' in vhost '/' not allowed"
        );
        assert_eq!(st.delete("/", "missing", false), Ok(vec![]));
        assert_eq!(
            text(st.bind(qb("", "q", "q"), &ok)),
            "403 ACCESS_REFUSED - operation not permitted on the default exchange"
        );
        assert_eq!(
            text(st.bind(qb("nope", "q", ""), &QueuePresence::Missing)),
            "404 NOT_FOUND - no exchange 'nope' in vhost '/'"
        );
        assert_eq!(
            text(st.bind(qb("amq.direct", "q", ""), &QueuePresence::Missing)),
            "404 NOT_FOUND - no queue 'q' in vhost '/'"
        );
        assert_eq!(
            st.unbind(&qb("nope", "q", ""), &QueuePresence::Missing),
            Ok(vec![])
        );
    }
}
