//! A message's lineage read back from the trace: its publish to every replica, the GM ring laps
//! that carried it, each replica's confirm, the publisher's confirm, every delivery and every
//! ack. Only display logic: the hops are trace entries the core wrote, matched by what their
//! records name (publisher and sequence number, delivery tag, times).
//!
//! The core's `Send` entries do not carry message ids, so two matches rest on the core's
//! labels (`… seq=N`, `tag=N`) and the GM laps on timing: the first activity a member sends
//! after the previous hop reached it is the one that carried the publication on (GM forwards
//! what it holds, possibly batched with other publications).

use crate::sim::model::{ConfirmOutcome, MsgId};
use crate::sim::time::Micros;
use crate::sim::trace::{Endpoint, MsgKind, TraceKind};
use crate::sim::Sim;

/// What one hop of a lineage is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HopKind {
    /// basic.publish from the channel to one replica (the first goes to the master).
    Publish { to_master: bool },
    /// A GM activity on the first lap (publications).
    Gm,
    /// A GM activity on the second lap (acks).
    GmAck,
    /// A replica's confirm to the publishing channel.
    ReplicaConfirm,
    /// The channel's basic.ack / basic.nack to the publisher (a state entry, not a message).
    Confirm(ConfirmOutcome),
    /// A delivery to a consumer (or basic.get-ok).
    Deliver { redelivered: bool },
    /// The consumer's basic.ack.
    Ack,
}

/// One step of the story, pointing at its trace entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Hop {
    pub index: usize,
    pub at: Micros,
    pub kind: HopKind,
    pub from: Option<Endpoint>,
    pub to: Option<Endpoint>,
    /// Why the message of this hop never arrived, if it did not.
    pub lost: Option<String>,
}

/// A published message and its hops in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct Lineage {
    pub msg: MsgId,
    pub body: String,
    pub hops: Vec<Hop>,
}

/// `… seq=12` → 12.
fn number_after(label: &str, key: &str) -> Option<u64> {
    let (_, rest) = label.rsplit_once(key)?;
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

/// The delivery tags of a `basic.ack [3, 4]` label.
fn tags_in(label: &str) -> Vec<u64> {
    let Some(start) = label.find('[') else {
        return Vec::new();
    };
    label[start + 1..]
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|s| s.parse().ok())
        .collect()
}

fn lost_reason(sim: &Sim, from: usize, id: u64) -> Option<String> {
    sim.trace[from..].iter().find_map(|e| match &e.kind {
        TraceKind::Lost { id: l, reason } if *l == id => Some(reason.clone()),
        _ => None,
    })
}

/// The published message a traced `Send` is about, when it is about exactly one.
pub fn message_of_send(sim: &Sim, index: usize) -> Option<MsgId> {
    let e = sim.trace.get(index)?;
    let TraceKind::Send {
        from,
        to,
        kind,
        label,
        arrive,
        ..
    } = &e.kind
    else {
        return None;
    };
    match (kind, from, to) {
        (MsgKind::Publish, Endpoint::Client(c), _)
        | (MsgKind::ReplicaConfirm, _, Endpoint::Client(c)) => {
            let seq = number_after(label, "seq=")?;
            sim.messages
                .iter()
                .find(|m| m.publisher == Some((*c, seq)))
                .map(|m| m.id)
        }
        (MsgKind::Deliver, _, Endpoint::Client(c)) => {
            let tag = number_after(label, "tag=")?;
            let cl = sim.clients.get(c.0)?;
            cl.deliveries
                .iter()
                .find(|d| d.delivery_tag == tag && d.at == *arrive)
                .map(|d| d.msg)
        }
        (MsgKind::ClientAck, Endpoint::Client(c), _) => {
            let tags = tags_in(label);
            let cl = sim.clients.get(c.0)?;
            let mut hits = cl
                .deliveries
                .iter()
                .filter(|d| d.acked_at == Some(e.at) && tags.contains(&d.delivery_tag));
            let first = hits.next()?;
            // An ack of several messages is about none of them in particular.
            hits.next().is_none().then_some(first.msg)
        }
        _ => None,
    }
}

/// Follows one GM lap from `origin` starting at the first activity of `kind` it sends at or
/// after `after`, hop by hop around the ring until it returns to `origin`.
fn gm_lap(
    sim: &Sim,
    origin: Endpoint,
    kind: MsgKind,
    after: Micros,
    out: &mut Vec<Hop>,
) -> Option<Micros> {
    let mut at = after;
    let mut sender = origin;
    let hop_kind = if kind == MsgKind::GmAcks {
        HopKind::GmAck
    } else {
        HopKind::Gm
    };
    let start = sim.trace.partition_point(|e| e.at < after);
    // A ring has at most one member per node.
    for _ in 0..=sim.cluster.nodes.len() {
        let (index, to, arrive, id) =
            sim.trace[start..]
                .iter()
                .enumerate()
                .find_map(|(i, e)| match &e.kind {
                    TraceKind::Send {
                        id,
                        from,
                        to,
                        arrive,
                        kind: k,
                        ..
                    } if *k == kind && *from == sender && e.at >= at => {
                        Some((start + i, *to, *arrive, *id))
                    }
                    _ => None,
                })?;
        let lost = lost_reason(sim, index, id);
        out.push(Hop {
            index,
            at: sim.trace[index].at,
            kind: hop_kind,
            from: Some(sender),
            to: Some(to),
            lost: lost.clone(),
        });
        if lost.is_some() {
            return None;
        }
        if to == origin {
            return Some(arrive);
        }
        sender = to;
        at = arrive;
    }
    None
}

/// The lineage of a published message.
pub fn lineage(sim: &Sim, msg: MsgId) -> Option<Lineage> {
    let m = sim.messages.get((msg.0 as usize).checked_sub(1)?)?;
    let (client, seq) = m.publisher?;
    let mut hops = Vec::new();
    // The channel sends to the master first, then to each mirror (§4.3).
    let mut master_arrival = None;
    let mut master = None;
    let sent_from = sim.trace.partition_point(|e| e.at < m.published_at);
    for (i, e) in sim.trace.iter().enumerate().skip(sent_from) {
        if e.at > m.published_at {
            break;
        }
        if let TraceKind::Send {
            id,
            from,
            to,
            arrive,
            kind: MsgKind::Publish,
            label,
            ..
        } = &e.kind
        {
            if *from == Endpoint::Client(client) && number_after(label, "seq=") == Some(seq) {
                let to_master = master.is_none();
                if to_master {
                    master = Some(*to);
                    master_arrival = Some(*arrive);
                }
                hops.push(Hop {
                    index: i,
                    at: e.at,
                    kind: HopKind::Publish { to_master },
                    from: Some(*from),
                    to: Some(*to),
                    lost: lost_reason(sim, i, *id),
                });
            }
        }
    }
    if let (Some(origin), Some(arrived)) = (master, master_arrival) {
        let master_lost = hops.first().is_some_and(|h| h.lost.is_some());
        if !master_lost {
            if let Some(back) = gm_lap(sim, origin, MsgKind::GmPubs, arrived, &mut hops) {
                gm_lap(sim, origin, MsgKind::GmAcks, back, &mut hops);
            }
        }
    }
    let from = sim.trace.partition_point(|e| e.at < m.published_at);
    for (i, e) in sim.trace.iter().enumerate().skip(from) {
        if let TraceKind::Send {
            id,
            from,
            to,
            kind: MsgKind::ReplicaConfirm,
            label,
            ..
        } = &e.kind
        {
            if *to == Endpoint::Client(client) && number_after(label, "seq=") == Some(seq) {
                hops.push(Hop {
                    index: i,
                    at: e.at,
                    kind: HopKind::ReplicaConfirm,
                    from: Some(*from),
                    to: Some(*to),
                    lost: lost_reason(sim, i, *id),
                });
            }
        }
    }
    let cl = sim.clients.get(client.0)?;
    if let Some(&(_, _, outcome, at)) = cl.confirms.iter().find(|c| c.1 == msg) {
        let needle = format!("basic.{outcome} seq={seq} to client {}", cl.name);
        let start = sim.trace.partition_point(|e| e.at < at);
        if let Some(i) = sim.trace[start..]
            .iter()
            .position(|e| matches!(&e.kind, TraceKind::State { text, .. } if *text == needle))
        {
            hops.push(Hop {
                index: start + i,
                at,
                kind: HopKind::Confirm(outcome),
                from: None,
                to: Some(Endpoint::Client(client)),
                lost: None,
            });
        }
    }
    for (ci, c) in sim.clients.iter().enumerate() {
        for d in c.deliveries.iter().filter(|d| d.msg == msg) {
            let to = Endpoint::Client(crate::sim::ClientId(ci));
            // The delivery was sent before it arrived at `d.at`: search back from there.
            let end = sim.trace.partition_point(|e| e.at <= d.at);
            if let Some((i, e)) = sim.trace[..end].iter().enumerate().rev().find(|(_, e)| {
                matches!(&e.kind, TraceKind::Send { kind: MsgKind::Deliver, to: t, arrive, label, .. }
                    if *t == to && *arrive == d.at && number_after(label, "tag=") == Some(d.delivery_tag))
            }) {
                let from = match &e.kind {
                    TraceKind::Send { from, .. } => Some(*from),
                    _ => None,
                };
                hops.push(Hop {
                    index: i,
                    at: e.at,
                    kind: HopKind::Deliver {
                        redelivered: d.redelivered,
                    },
                    from,
                    to: Some(to),
                    lost: None,
                });
            }
            if let Some(acked) = d.acked_at {
                let start = sim.trace.partition_point(|e| e.at < acked);
                if let Some(i) = sim.trace[start..].iter().position(|e| {
                    e.at == acked
                        && matches!(&e.kind, TraceKind::Send { kind: MsgKind::ClientAck, from, label, .. }
                            if *from == to && tags_in(label).contains(&d.delivery_tag))
                }) {
                    let i = start + i;
                    let (to_master, id) = match &sim.trace[i].kind {
                        TraceKind::Send { to, id, .. } => (Some(*to), *id),
                        _ => (None, 0),
                    };
                    hops.push(Hop {
                        index: i,
                        at: acked,
                        kind: HopKind::Ack,
                        from: Some(to),
                        to: to_master,
                        lost: lost_reason(sim, i, id),
                    });
                }
            }
        }
    }
    hops.sort_by_key(|h| (h.at, h.index));
    Some(Lineage {
        msg,
        body: m.body.clone(),
        hops,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::Session;

    fn run() -> Session {
        let mut s = Session::new(&["cluster nodes=3", "seed 3"]).unwrap();
        for line in [
            r#"rabbitmqctl set_policy ha "^" '{"ha-mode":"all"}'"#,
            "client pub node=node2",
            "client con node=node3",
            "pub declare q durable",
            "pub confirm",
            "con consume q ack=manual",
        ] {
            s.apply(line).unwrap();
        }
        s.advance_to(Micros::from_ms(10));
        s.apply("pub publish q \"hello\"").unwrap();
        s.advance_to(Micros::from_ms(60));
        s.apply("con ack all").unwrap();
        s.advance_to(Micros::from_ms(120));
        s
    }

    #[test]
    fn a_message_is_followed_from_publish_to_ack() {
        let s = run();
        let sim = &s.run.sim;
        let msg = sim.messages.iter().find(|m| m.body == "hello").unwrap().id;
        let l = lineage(sim, msg).expect("a lineage");
        let count = |k: fn(&HopKind) -> bool| l.hops.iter().filter(|h| k(&h.kind)).count();
        assert_eq!(count(|k| matches!(k, HopKind::Publish { .. })), 3);
        assert_eq!(
            count(|k| matches!(k, HopKind::Publish { to_master: true })),
            1
        );
        // The first lap visits the two mirrors and returns: three hops on a ring of three.
        assert_eq!(count(|k| *k == HopKind::Gm), 3, "{:#?}", l.hops);
        assert_eq!(count(|k| *k == HopKind::GmAck), 3, "{:#?}", l.hops);
        assert_eq!(count(|k| *k == HopKind::ReplicaConfirm), 3);
        assert_eq!(count(|k| *k == HopKind::Confirm(ConfirmOutcome::Ack)), 1);
        assert_eq!(
            count(|k| matches!(k, HopKind::Deliver { redelivered: false })),
            1
        );
        assert_eq!(count(|k| *k == HopKind::Ack), 1);
        assert!(l.hops.windows(2).all(|w| w[0].at <= w[1].at));
        // The publisher's confirm comes after every replica confirmed.
        let confirm = l
            .hops
            .iter()
            .position(|h| matches!(h.kind, HopKind::Confirm(_)))
            .unwrap();
        let last_rc = l
            .hops
            .iter()
            .rposition(|h| h.kind == HopKind::ReplicaConfirm)
            .unwrap();
        assert!(confirm > last_rc);
    }

    #[test]
    fn sends_name_their_message() {
        let s = run();
        let sim = &s.run.sim;
        let msg = sim.messages.iter().find(|m| m.body == "hello").unwrap().id;
        let l = lineage(sim, msg).unwrap();
        for h in &l.hops {
            match h.kind {
                HopKind::Publish { .. }
                | HopKind::ReplicaConfirm
                | HopKind::Deliver { .. }
                | HopKind::Ack => {
                    assert_eq!(message_of_send(sim, h.index), Some(msg), "{h:?}")
                }
                HopKind::Gm | HopKind::GmAck => assert_eq!(message_of_send(sim, h.index), None),
                HopKind::Confirm(_) => {}
            }
        }
        assert_eq!(number_after("publish \"a seq=9\" seq=12", "seq="), Some(12));
        assert_eq!(tags_in("basic.ack [3, 14]"), vec![3, 14]);
        assert_eq!(lineage(sim, MsgId(999)), None);
        assert_eq!(message_of_send(sim, usize::MAX), None);
    }
}
