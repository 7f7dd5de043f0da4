//! Dead-lettering as 3.10.8's classic queue master does it (`rabbit_amqqueue_process`
//! `with_dlx/3`, `dead_letter_msgs/4`, `rabbit_dead_letter:publish/5`): a message leaving a
//! queue expired, over its length limit or rejected without requeue is republished by the
//! master alone, as a new message, through the queue's dead-letter exchange (when that
//! exchange exists; else it is discarded), with the dead-letter routing key or its own routing
//! keys, its `expiration` removed and an `x-death` entry (`count`, `reason`, `queue`, `time`,
//! `exchange`, `routing-keys`, `original-expiration`) plus the `x-first-death-*` headers the
//! first time. The copies go to each routed queue's master and mirrors as a publish without
//! confirms (`rabbit_queue_type:deliver/3`, stateless), so a queue with no live master loses
//! its copy, at most once as in 3.10.8.

use crate::erl::json::Json;
use crate::sim::engine::{Payload, Sim};
use crate::sim::model::{ClientId, Message, MsgId, MsgProps, QueueId};
use crate::sim::queue_args::Removal;
use crate::sim::state_change::StateChange;
use crate::sim::trace::{Endpoint, MsgKind};

/// The publisher a dead letter travels as: none. A publish payload names a client only for
/// its confirm, and a dead letter is sent without one, so this id is never looked up.
const NO_PUBLISHER: ClientId = ClientId(usize::MAX);

/// `update_x_death_header/2`: the headers of a message dead-lettered from `queue` for
/// `reason`, given its headers so far. A repeat of the same queue and reason counts up its
/// entry and moves it first; a new one goes first with `count` 1; the `x-first-death-*`
/// headers are set only by the first death. Headers are kept sorted by key, as
/// `rabbit_misc:set_table_value/4` leaves them.
pub fn with_x_death(headers: &[(String, Json)], entry: Vec<(String, Json)>) -> Vec<(String, Json)> {
    let field = |t: &[(String, Json)], k: &str| {
        t.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or(Json::Null)
    };
    let (queue, reason) = (field(&entry, "queue"), field(&entry, "reason"));
    let mut out: Vec<(String, Json)> = headers.to_vec();
    let deaths = match field(headers, "x-death") {
        Json::Array(tables) => Some(tables),
        _ => None,
    };
    let new_deaths = match deaths {
        None => {
            for (k, v) in [
                ("x-first-death-reason", reason.clone()),
                ("x-first-death-queue", queue.clone()),
                ("x-first-death-exchange", field(&entry, "exchange")),
            ] {
                out.retain(|(n, _)| n != k);
                out.push((k.to_string(), v));
            }
            let mut first = vec![("count".to_string(), Json::Int(1))];
            first.extend(entry);
            vec![Json::Object(first)]
        }
        Some(tables) => {
            let same = |t: &Json| match t {
                Json::Object(f) => field(f, "queue") == queue && field(f, "reason") == reason,
                _ => false,
            };
            let (matches, others): (Vec<Json>, Vec<Json>) = tables.into_iter().partition(same);
            let updated = match matches.into_iter().next() {
                Some(Json::Object(mut f)) => {
                    let n = match field(&f, "count") {
                        Json::Int(n) => n + 1,
                        _ => 1,
                    };
                    f.retain(|(k, _)| k != "count");
                    f.push(("count".to_string(), Json::Int(n)));
                    crate::sort::sort_by(&mut f, |a, b| a.0.cmp(&b.0));
                    f
                }
                _ => {
                    let mut first = vec![("count".to_string(), Json::Int(1))];
                    first.extend(entry);
                    first
                }
            };
            let mut all = vec![Json::Object(updated)];
            all.extend(others);
            all
        }
    };
    out.retain(|(n, _)| n != "x-death");
    out.push(("x-death".to_string(), Json::Array(new_deaths)));
    crate::sort::sort_by(&mut out, |a, b| a.0.cmp(&b.0));
    out
}

/// `is_cycle/2`: the deaths up to and including the last one in `queue` (most recent first)
/// form a cycle with no rejection in it, so delivering there again would loop for ever.
fn is_cycle(queue: &str, deaths: &[Json]) -> bool {
    let field = |d: &Json, k: &str| match d {
        Json::Object(f) => f.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()),
        _ => None,
    };
    let Some(at) = deaths
        .iter()
        .position(|d| field(d, "queue").as_ref().and_then(Json::as_str) == Some(queue))
    else {
        return false;
    };
    deaths[..=at]
        .iter()
        .all(|d| matches!(field(d, "reason"), Some(Json::Str(r)) if r != "rejected"))
}

impl Sim {
    /// A message left queue `q` without a consumer: recorded as no loss, shown in the trace,
    /// and dead-lettered when the queue has a dead-letter exchange that exists.
    pub(crate) fn remove_on_purpose(&mut self, q: QueueId, msg: MsgId, why: Removal) {
        self.queues[q.0].dropped_by_limit.insert(msg);
        self.queues[q.0].bounds.removed.insert(msg.0, why);
        let (exchange, dead_letters) = match self.dead_letter(q, msg, why) {
            Some((x, copies)) => (Some(x), copies),
            None => (None, Vec::new()),
        };
        self.changed(StateChange::MessageRemoved {
            msg,
            queue: self.queue_name(q),
            reason: why.as_str(),
            exchange,
            dead_letters,
        });
    }

    /// basic.reject / basic.nack without requeue (`dead_letter_rejected_msgs/3`): the
    /// settled messages are dead-lettered when the queue has a dead-letter exchange that
    /// exists (else they are simply gone, as acked).
    pub(crate) fn dead_letter_rejected(&mut self, q: QueueId, msgs: &[MsgId]) {
        let limits = self.queue_limits(q);
        let vhost = &self.queues[q.0].vhost;
        let exists = limits
            .dead_letter_exchange
            .as_deref()
            .is_some_and(|x| self.exchanges.get(vhost, x).is_some());
        if !exists {
            return;
        }
        for &msg in msgs {
            self.remove_on_purpose(q, msg, Removal::Rejected);
        }
    }

    /// `rabbit_dead_letter:publish/5`: the exchange used and the copies routed, or `None`
    /// when the queue has no dead-letter exchange or it does not exist (`with_dlx/3`).
    fn dead_letter(
        &mut self,
        q: QueueId,
        msg: MsgId,
        why: Removal,
    ) -> Option<(String, Vec<MsgId>)> {
        let limits = self.queue_limits(q);
        let dlx = limits.dead_letter_exchange?;
        let vhost = self.queues[q.0].vhost.clone();
        self.exchanges.get(&vhost, &dlx)?;
        let qname = self.queues[q.0].name.clone();
        let orig = self.messages[(msg.0 - 1) as usize].clone();
        let (ox, okey) = orig.route(&qname);
        let (ox, okey) = (ox.to_string(), okey.to_string());
        let key = limits
            .dead_letter_routing_key
            .unwrap_or_else(|| okey.clone());
        let props = orig.props.as_deref().cloned().unwrap_or_default();
        let mut entry = vec![
            ("reason".to_string(), Json::Str(why.as_str().to_string())),
            ("queue".to_string(), Json::Str(qname.clone())),
            (
                "time".to_string(),
                Json::Int((self.now.0 / 1_000_000) as i64),
            ),
            ("exchange".to_string(), Json::Str(ox)),
            (
                "routing-keys".to_string(),
                Json::Array(vec![Json::Str(okey)]),
            ),
        ];
        if let Some(e) = &props.expiration {
            entry.push(("original-expiration".to_string(), Json::Str(e.clone())));
        }
        let headers = with_x_death(&props.headers, entry);
        let m = self.queues[q.0].master;
        let node = self.proc_node(m);
        let mut routed = self.route_from(node, &vhost, &dlx, &key, &headers);
        if why != Removal::Rejected {
            if let Some((_, Json::Array(deaths))) = headers.iter().find(|(k, _)| k == "x-death") {
                routed.retain(|t| {
                    let r = &self.queues[t.0];
                    r.vhost != vhost || !is_cycle(&r.name, deaths)
                });
            }
        }
        let mut copies = Vec::new();
        for &target in &routed {
            let id = self.new_msg_id();
            self.messages.push(Message {
                id,
                body: orig.body.clone(),
                persistent: orig.persistent,
                publisher: None,
                published_at: self.now,
                queue: Some(target),
                copy_of: copies.first().copied(),
                via: Some(Box::new((dlx.clone(), key.clone()))),
                props: Some(Box::new(MsgProps {
                    expiration: None,
                    headers: headers.clone(),
                    origin: Some(msg),
                })),
            });
            copies.push(id);
            let master = self.queues[target.0].master;
            if !self.procs[master.0].alive {
                // Delivered to no replica: lost, as the checker will say.
                self.losses.dropped_at_publish.push((id, self.now));
                continue;
            }
            let mut to = vec![master];
            to.extend(self.queues[target.0].mirrors.iter().copied());
            for p in to {
                self.send(
                    Endpoint::Proc(m),
                    Endpoint::Proc(p),
                    MsgKind::Publish,
                    format!("dead letter {:?} ({})", orig.body, why.as_str()),
                    Payload::Publish {
                        client: NO_PUBLISHER,
                        seq: 0,
                        msg: id,
                        to: p,
                        confirm: false,
                    },
                    crate::sim::time::Micros::ZERO,
                );
            }
        }
        Some((dlx, copies))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(q: &str, reason: &str) -> Vec<(String, Json)> {
        vec![
            ("reason".into(), Json::Str(reason.into())),
            ("queue".into(), Json::Str(q.into())),
            ("time".into(), Json::Int(7)),
            ("exchange".into(), Json::Str("".into())),
            (
                "routing-keys".into(),
                Json::Array(vec![Json::Str(q.into())]),
            ),
        ]
    }

    #[test]
    fn first_death_sets_the_first_death_headers_and_a_repeat_counts_up() {
        let h = with_x_death(&[], entry("work", "expired"));
        let keys: Vec<&str> = h.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "x-death",
                "x-first-death-exchange",
                "x-first-death-queue",
                "x-first-death-reason"
            ]
        );
        let again = with_x_death(&h, entry("work", "expired"));
        let Json::Array(d) = &again[0].1 else {
            panic!()
        };
        assert_eq!(d.len(), 1);
        let Json::Object(f) = &d[0] else { panic!() };
        assert!(f.contains(&("count".to_string(), Json::Int(2))));
        let other = with_x_death(&again, entry("retry", "rejected"));
        let Json::Array(d) = &other[0].1 else {
            panic!()
        };
        assert_eq!(d.len(), 2);
        // The first death's headers stay.
        assert!(other.contains(&("x-first-death-queue".to_string(), Json::Str("work".into()))));
    }
}
