//! Publisher confirms (spec §4.4): each replica confirms (after an fsync for persistent
//! messages on a durable queue), and the channel acks once every live replica has.

use crate::sim::engine::{Ev, Payload, Sim};
use crate::sim::label_text::LabelText;
use crate::sim::model::*;
use crate::sim::state_change::StateChange;
use crate::sim::trace::{Endpoint, MsgKind};

impl Sim {
    pub(crate) fn client_confirm(
        &mut self,
        c: ClientId,
        seq: u64,
        msg: MsgId,
        outcome: ConfirmOutcome,
    ) {
        let now = self.now;
        let cl = &mut self.clients[c.0];
        cl.unconfirmed.remove(&seq);
        cl.confirms.push((seq, msg, outcome, now));
        let change = StateChange::Confirm {
            client: c,
            client_name: cl.name.clone(),
            seq,
            outcome,
        };
        self.changed(change);
    }

    /// A replica died: channels stop waiting for its confirms (a benign death, §4.4).
    pub(crate) fn fail_pending_confirms_of(&mut self, p: ProcId) {
        self.channels_see_down(|_| true, |x| x == p);
    }

    /// The channels of the clients `seeing` picks see the replicas `dead` picks go down (their
    /// monitors fire): they stop waiting for those replicas' confirms.
    pub(crate) fn channels_see_down(
        &mut self,
        seeing: impl Fn(&Client) -> bool,
        dead: impl Fn(ProcId) -> bool,
    ) {
        for c in 0..self.clients.len() {
            if !seeing(&self.clients[c]) {
                continue;
            }
            let mut done = Vec::new();
            for (seq, pc) in self.clients[c].unconfirmed.iter_mut() {
                if let Some(i) = pc.waiting.iter().position(|&x| dead(x)) {
                    pc.waiting.remove(i);
                    if pc.waiting.is_empty() {
                        let outcome = if pc.any_confirmed {
                            ConfirmOutcome::Ack
                        } else {
                            ConfirmOutcome::Nack
                        };
                        done.push((*seq, pc.msg, outcome));
                    }
                }
            }
            for (seq, msg, outcome) in done {
                self.client_confirm(ClientId(c), seq, msg, outcome);
            }
        }
    }

    pub(super) fn confirm_from(&mut self, p: ProcId, client: ClientId, seq: u64, msg: MsgId) {
        let q = self.procs[p.0].queue;
        let persistent = self.messages[(msg.0 - 1) as usize].persistent;
        if persistent && self.queues[q.0].durable {
            let at = self.now + self.config.fsync;
            self.schedule(
                at,
                Ev::Fsync {
                    proc: p,
                    items: vec![(client, seq, msg)],
                },
            );
        } else {
            self.send_replica_confirm(p, client, seq, msg);
        }
    }

    pub(crate) fn send_replica_confirm(
        &mut self,
        p: ProcId,
        client: ClientId,
        seq: u64,
        msg: MsgId,
    ) {
        let mut text = LabelText::take(&mut self.label_buf);
        text.str("confirm seq=").num(seq);
        let label = text.finish(&mut self.label_buf);
        self.send(
            Endpoint::Proc(p),
            Endpoint::Client(client),
            MsgKind::ReplicaConfirm,
            label,
            Payload::ReplicaConfirm {
                client,
                seq,
                from: p,
                msg,
            },
            crate::sim::time::Micros::ZERO,
        );
    }

    pub(crate) fn on_fsync(&mut self, p: ProcId, items: Vec<(ClientId, u64, MsgId)>) {
        if !self.procs[p.0].alive {
            return;
        }
        for (c, seq, msg) in items {
            self.send_replica_confirm(p, c, seq, msg);
        }
    }
}
