//! A message's lineage read back from the trace: every `Send` that names it (the core records
//! the published messages each send carries) plus the publisher's confirm. That is its publish
//! to every replica; each hop of every GM lap whose publications name it (the publish itself,
//! the drop when it is delivered, the consumer's ack or a requeue, each with its ack lap) and of
//! any catchup after a death; each replica's confirm; every delivery; the consumer's acks and
//! rejects; eager-sync batches. Only display logic: nothing is matched by labels or timing.

use std::collections::BTreeMap;

use crate::sim::engine::Sim;
use crate::sim::model::{ConfirmOutcome, MsgId};
use crate::sim::state_change::StateChange;
use crate::sim::time::Micros;
use crate::sim::trace::{Endpoint, MsgKind, TraceKind};

/// What one hop of a lineage is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HopKind {
    /// basic.publish from the channel to one replica (the first goes to the master).
    Publish { to_master: bool },
    /// A GM activity on the first lap (publications).
    Gm,
    /// A GM activity on the second lap (acks).
    GmAck,
    /// GM's catchup after a death: a survivor resends what another missed.
    GmCatchup,
    /// A replica's confirm to the publishing channel.
    ReplicaConfirm,
    /// The channel's basic.ack / basic.nack to the publisher (a state entry, not a message).
    Confirm(ConfirmOutcome),
    /// A delivery to a consumer (or basic.get-ok).
    Deliver { redelivered: bool },
    /// The consumer's basic.ack.
    Ack,
    /// The consumer's basic.nack / basic.reject.
    Reject,
    /// An eager-sync batch from the master to a mirror.
    SyncBatch,
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

/// The published message a traced `Send` is about, when it carries exactly one.
pub fn message_of_send(sim: &Sim, index: usize) -> Option<MsgId> {
    match &sim.trace.get(index)?.kind {
        TraceKind::Send { msgs, .. } => msgs.single(),
        _ => None,
    }
}

/// The lineage of a published message.
pub fn lineage(sim: &Sim, msg: MsgId) -> Option<Lineage> {
    let m = sim.messages.get((msg.0 as usize).checked_sub(1)?)?;
    let mut hops: Vec<Hop> = Vec::new();
    // Trace id of each hop's send → its hop, to attach a later `Lost`.
    let mut sent: BTreeMap<u64, usize> = BTreeMap::new();
    let mut to_master = true;
    // Nothing names a message before it is published.
    let first = sim.trace.partition_point(|e| e.at < m.published_at);
    // Hops carry trace addresses; a trace thinned since the publish gives the hops it holds.
    for (index, e) in sim.trace.addressed_from(first) {
        match &e.kind {
            TraceKind::Send {
                id,
                from,
                to,
                arrive,
                kind,
                label,
                msgs,
            } if msgs.contains(msg) => {
                let kind = match kind {
                    // The channel sends to the master first, then to each mirror (§4.3).
                    MsgKind::Publish => HopKind::Publish {
                        to_master: std::mem::take(&mut to_master),
                    },
                    MsgKind::GmPubs => HopKind::Gm,
                    MsgKind::GmAcks => HopKind::GmAck,
                    MsgKind::GmCatchup => HopKind::GmCatchup,
                    MsgKind::ReplicaConfirm => HopKind::ReplicaConfirm,
                    MsgKind::Deliver => HopKind::Deliver { redelivered: false },
                    MsgKind::Redeliver => HopKind::Deliver { redelivered: true },
                    MsgKind::ClientAck => HopKind::Ack,
                    MsgKind::ClientReject => HopKind::Reject,
                    MsgKind::SyncBatch => HopKind::SyncBatch,
                    // The core names no message on these; skip rather than mislabel one.
                    MsgKind::Confirm | MsgKind::Request | MsgKind::Cancel => continue,
                };
                sent.insert(*id, hops.len());
                hops.push(Hop {
                    index,
                    at: e.at,
                    kind,
                    from: Some(*from),
                    to: Some(*to),
                    lost: None,
                });
            }
            TraceKind::Lost { id, reason } => {
                if let Some(h) = sent.get(id).and_then(|&h| hops.get_mut(h)) {
                    h.lost = Some(reason.clone());
                }
            }
            _ => {}
        }
    }
    if let Some((client, seq)) = m.publisher {
        if let Some(cl) = sim.clients.get(client.0) {
            if let Some(&(_, _, outcome, at)) = cl.confirms.iter().find(|c| c.1 == m.confirmed_as())
            {
                // The confirm is a state entry, not a send.
                let start = sim.trace.partition_point(|e| e.at < at);
                if let Some((index, _)) = sim.trace.addressed_from(start).find(|(_, e)| {
                    matches!(&e.kind, TraceKind::State { change, .. } if matches!(
                        **change,
                        StateChange::Confirm { client: c, seq: s, outcome: o, .. }
                            if c == client && s == seq && o == outcome
                    ))
                }) {
                    hops.push(Hop {
                        index,
                        at,
                        kind: HopKind::Confirm(outcome),
                        from: None,
                        to: Some(Endpoint::Client(client)),
                        lost: None,
                    });
                }
            }
        }
    }
    crate::sort::sort_by_key(&mut hops, |h| (h.at, h.index));
    Some(Lineage {
        msg,
        body: m.body.to_string(),
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

    fn scenario(text: &str) -> Session {
        Session::from_scenario(text).unwrap()
    }

    fn msg(sim: &Sim, body: &str) -> MsgId {
        sim.messages.iter().find(|m| &*m.body == body).unwrap().id
    }

    fn count(l: &Lineage, k: impl Fn(&HopKind) -> bool) -> usize {
        l.hops.iter().filter(|h| k(&h.kind)).count()
    }

    /// The hops are exactly the sends naming the message (plus the publisher's confirm).
    fn assert_exact(sim: &Sim, l: &Lineage) {
        let naming: Vec<usize> = (0..sim.trace.len())
            .filter(|&i| {
                matches!(&sim.trace[i].kind, TraceKind::Send { msgs, .. } if msgs.contains(l.msg))
            })
            .collect();
        let mut hops: Vec<usize> = l
            .hops
            .iter()
            .filter(|h| !matches!(h.kind, HopKind::Confirm(_)))
            .map(|h| h.index)
            .collect();
        hops.sort_unstable();
        assert_eq!(hops, naming, "{:#?}", l.hops);
        assert!(l.hops.windows(2).all(|w| w[0].at <= w[1].at));
    }

    #[test]
    fn a_message_is_followed_from_publish_to_ack() {
        let s = run();
        let sim = &s.run.sim;
        let l = lineage(sim, msg(sim, "hello")).expect("a lineage");
        assert_exact(sim, &l);
        assert_eq!(count(&l, |k| matches!(k, HopKind::Publish { .. })), 3);
        assert_eq!(
            count(&l, |k| matches!(k, HopKind::Publish { to_master: true })),
            1
        );
        // Two first laps on a ring of three: the publish (batched with the drop at delivery),
        // then the consumer's ack. Each is followed by its ack lap.
        assert_eq!(count(&l, |k| *k == HopKind::Gm), 6, "{:#?}", l.hops);
        assert_eq!(count(&l, |k| *k == HopKind::GmAck), 6, "{:#?}", l.hops);
        assert_eq!(count(&l, |k| *k == HopKind::ReplicaConfirm), 3);
        assert_eq!(
            count(&l, |k| *k == HopKind::Confirm(ConfirmOutcome::Ack)),
            1
        );
        assert_eq!(
            count(&l, |k| matches!(k, HopKind::Deliver { redelivered: false })),
            1
        );
        assert_eq!(count(&l, |k| *k == HopKind::Ack), 1);
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
        let msg = msg(sim, "hello");
        let l = lineage(sim, msg).unwrap();
        for h in &l.hops {
            if !matches!(h.kind, HopKind::Confirm(_)) {
                // Only "hello" was published: every send naming it names it alone.
                assert_eq!(message_of_send(sim, h.index), Some(msg), "{h:?}");
            }
        }
        assert_eq!(lineage(sim, MsgId(999)), None);
        assert_eq!(lineage(sim, MsgId(0)), None);
        assert_eq!(message_of_send(sim, usize::MAX), None);
    }

    #[test]
    fn two_publishers_with_the_same_sequence_numbers_share_one_gm_activity() {
        let s = scenario(
            r#"cluster nodes=3
rabbitmqctl set_policy ha "^" '{"ha-mode":"all"}'
client p1 node=node1
client p2 node=node1
p1 declare q durable
p1 confirm
p2 confirm
wait 10ms
p1 publish q "a" transient
p2 publish q "b" transient
wait 100ms
"#,
        );
        let sim = &s.run.sim;
        let (a, b) = (msg(sim, "a"), msg(sim, "b"));
        assert_eq!(sim.messages[(a.0 - 1) as usize].publisher.unwrap().1, 1);
        assert_eq!(sim.messages[(b.0 - 1) as usize].publisher.unwrap().1, 1);
        let (la, lb) = (lineage(sim, a).unwrap(), lineage(sim, b).unwrap());
        assert_exact(sim, &la);
        assert_exact(sim, &lb);
        let gm = |l: &Lineage| -> Vec<usize> {
            l.hops
                .iter()
                .filter(|h| matches!(h.kind, HopKind::Gm | HopKind::GmAck))
                .map(|h| h.index)
                .collect()
        };
        // Both publishes reached the master together: one activity carried both, every hop.
        assert_eq!(gm(&la).len(), 6, "{:#?}", la.hops);
        assert_eq!(gm(&la), gm(&lb));
        for i in gm(&la) {
            assert_eq!(message_of_send(sim, i), None);
            let TraceKind::Send { msgs, .. } = &sim.trace[i].kind else {
                panic!("a send")
            };
            assert_eq!(msgs.as_slice(), &[a, b]);
        }
        // Each publisher's seq=1 confirms are its own, not the other's.
        for (l, who) in [(&la, "p1"), (&lb, "p2")] {
            let c = Endpoint::Client(sim.find_client(who).unwrap());
            let rc: Vec<&Hop> = l
                .hops
                .iter()
                .filter(|h| h.kind == HopKind::ReplicaConfirm)
                .collect();
            assert_eq!(rc.len(), 3);
            assert!(rc.iter().all(|h| h.to == Some(c)));
            assert!(l
                .hops
                .iter()
                .filter(|h| matches!(h.kind, HopKind::Publish { .. }))
                .all(|h| h.from == Some(c)));
        }
    }

    #[test]
    fn a_message_delivered_again_after_failover_is_followed_through_the_new_master() {
        let s = scenario(
            r#"cluster nodes=3
rabbitmqctl set_policy ha "^" '{"ha-mode":"all"}'
client pub node=node1
pub declare q durable
pub publish q "m"
wait 100ms
client con node=node2
con consume q ack=manual
wait 100ms
kill node1
wait 1s
con ack all
wait 100ms
"#,
        );
        let sim = &s.run.sim;
        let l = lineage(sim, msg(sim, "m")).unwrap();
        assert_exact(sim, &l);
        let delivers: Vec<&Hop> = l
            .hops
            .iter()
            .filter(|h| matches!(h.kind, HopKind::Deliver { .. }))
            .collect();
        assert_eq!(delivers.len(), 2, "{:#?}", l.hops);
        assert_eq!(delivers[0].kind, HopKind::Deliver { redelivered: false });
        assert_eq!(delivers[1].kind, HopKind::Deliver { redelivered: true });
        assert_ne!(delivers[0].from, delivers[1].from, "sent by the new master");
        // The new master's GM laps (the requeue, the second drop, the ack) name it too.
        let new_master = delivers[1].from;
        assert!(l
            .hops
            .iter()
            .any(|h| h.kind == HopKind::Gm && h.from == new_master && h.at > delivers[0].at));
        // Both deliveries carried tag 1 on their own master; both are acked by the one ack.
        let acks: Vec<&Hop> = l.hops.iter().filter(|h| h.kind == HopKind::Ack).collect();
        assert_eq!(acks.len(), 1);
        assert_eq!(message_of_send(sim, delivers[1].index), Some(l.msg));
    }

    #[test]
    fn an_ack_of_several_tags_names_every_message_and_a_nack_is_a_reject() {
        let s = scenario(
            r#"cluster nodes=3
rabbitmqctl set_policy ha "^" '{"ha-mode":"all"}'
client pub node=node1
client con node=node2
pub declare q durable
pub publish q "x" count=3
wait 100ms
con consume q ack=manual
wait 100ms
con ack all
wait 100ms
pub publish q "y"
wait 100ms
con nack 4
wait 100ms
"#,
        );
        let sim = &s.run.sim;
        let ids: Vec<MsgId> = sim.messages.iter().map(|m| m.id).collect();
        assert_eq!(ids.len(), 4);
        let acks: Vec<usize> = (0..sim.trace.len())
            .filter(|&i| {
                matches!(
                    &sim.trace[i].kind,
                    TraceKind::Send {
                        kind: MsgKind::ClientAck | MsgKind::ClientReject,
                        ..
                    }
                )
            })
            .collect();
        assert_eq!(acks.len(), 2);
        let TraceKind::Send { msgs, .. } = &sim.trace[acks[0]].kind else {
            panic!("a send")
        };
        assert_eq!(msgs.as_slice(), &ids[..3]);
        assert_eq!(message_of_send(sim, acks[0]), None);
        for &m in &ids[..3] {
            let l = lineage(sim, m).unwrap();
            assert_exact(sim, &l);
            assert!(l
                .hops
                .iter()
                .any(|h| h.index == acks[0] && h.kind == HopKind::Ack));
            assert_eq!(count(&l, |k| *k == HopKind::Reject), 0);
        }
        let y = lineage(sim, ids[3]).unwrap();
        assert_exact(sim, &y);
        assert_eq!(message_of_send(sim, acks[1]), Some(ids[3]));
        assert_eq!(count(&y, |k| *k == HopKind::Reject), 1);
        assert_eq!(count(&y, |k| *k == HopKind::Ack), 0);
    }

    #[test]
    fn an_eager_sync_batch_is_a_hop_of_every_message_it_carries() {
        let s = scenario(
            r#"cluster nodes=3
client app node=node1
app declare s durable
app publish s "m" count=3
wait 100ms
rabbitmqctl set_policy ha "^s$" '{"ha-mode":"nodes","ha-params":["rabbit@node1","rabbit@node2"]}'
wait 100ms
rabbitmqctl sync_queue s
wait 100ms
"#,
        );
        let sim = &s.run.sim;
        for m in &sim.messages {
            let l = lineage(sim, m.id).unwrap();
            assert_exact(sim, &l);
            assert_eq!(count(&l, |k| *k == HopKind::SyncBatch), 1, "{:#?}", l.hops);
        }
    }

    #[test]
    fn a_gm_catchup_after_a_death_is_a_hop_of_what_it_resends() {
        let s = scenario(include_str!(
            "../../tests/scenarios/t21_confirms_dead_mirror.scn"
        ));
        let sim = &s.run.sim;
        let with_catchup = sim
            .messages
            .iter()
            .filter_map(|m| lineage(sim, m.id))
            .inspect(|l| assert_exact(sim, l))
            .filter(|l| l.hops.iter().any(|h| h.kind == HopKind::GmCatchup))
            .count();
        assert!(with_catchup > 0);
    }

    #[test]
    fn a_lost_send_keeps_its_reason() {
        let s = scenario(
            r#"cluster nodes=3
rabbitmqctl set_policy ha "^" '{"ha-mode":"all"}'
client pub node=node1
pub declare q durable
wait 10ms
pub publish q "m"
kill node3
wait 100ms
"#,
        );
        let sim = &s.run.sim;
        let l = lineage(sim, msg(sim, "m")).unwrap();
        assert_exact(sim, &l);
        assert!(
            l.hops
                .iter()
                .any(|h| matches!(h.kind, HopKind::Publish { .. }) && h.lost.is_some()),
            "{:#?}",
            l.hops
        );
    }
}
