//! Frames the simulator does not put on its wire (queue.declare, channel.open, confirm.select,
//! basic.qos, basic.cancel, tx.*, connection.close), drawn by the binding as
//! [`MsgKind::Request`] frames between a client and its node, and the replies the binding draws
//! itself (`basic.consume-ok`).

use crate::sim::model::{ClientId, QueueId};
use crate::sim::pika::host::ctx::Ctx;
use crate::sim::pika::host::sent_ids::ID_SEQUENCE_BITS;
use crate::sim::time::Micros;
use crate::sim::trace::{Endpoint, MsgIds, MsgKind, TraceEvent, TraceKind};

/// Ids of the request frames the binding draws (the simulator numbers its own from 1).
pub const WIRE_ID_BASE: u64 = 1 << ID_SEQUENCE_BITS;

impl Ctx<'_> {
    /// Draws a request or reply frame leaving now.
    pub(super) fn wire(&mut self, from: Endpoint, to: Endpoint, label: String, arrive: Micros) {
        if self.shared.next_wire < WIRE_ID_BASE {
            self.shared.next_wire = WIRE_ID_BASE;
        }
        let id = self.shared.next_wire;
        self.shared.next_wire += 1;
        let at = self.now();
        self.sim.trace.push(TraceEvent {
            at,
            kind: TraceKind::Send {
                id,
                from,
                to,
                arrive,
                kind: MsgKind::Request,
                label: label.into(),
                msgs: MsgIds::NONE,
            },
        });
    }

    pub(super) fn request_to_node(&mut self, chan: usize, label: String) -> Micros {
        let c = self.st.chans[chan].client;
        let node = self.st.conns[self.st.chans[chan].conn].node;
        let arrive = self.now() + self.lat();
        self.wire(Endpoint::Client(c), Endpoint::Node(node), label, arrive);
        arrive
    }

    pub(super) fn reply_to_client(&mut self, chan: usize, label: String) -> Micros {
        let c = self.st.chans[chan].client;
        let node = self.st.conns[self.st.chans[chan].conn].node;
        let arrive = self.now() + self.lat();
        self.wire(Endpoint::Node(node), Endpoint::Client(c), label, arrive);
        arrive
    }

    /// Draws the queue master's `basic.consume-ok` to a client (over the cluster link when the
    /// master is on another node than the client's); when it arrives.
    pub(super) fn consume_ok(&mut self, c: ClientId, q: QueueId, tag: &str) -> Micros {
        let master = self.sim.queue(q).master;
        let link = if self.sim.proc_node(master) == self.sim.clients[c.0].node {
            Micros(20)
        } else {
            self.sim.config.latency
        };
        let arrive = self.now() + link + self.sim.config.client_latency;
        self.wire(
            Endpoint::Proc(master),
            Endpoint::Client(c),
            format!("basic.consume-ok {tag}"),
            arrive,
        );
        arrive
    }
}
