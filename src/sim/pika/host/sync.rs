//! Following the simulation: reading what the simulator did to a script's clients (deliveries,
//! cancellations, errors, nodes going down) and when a script next needs attention.

use crate::sim::engine::Sim;
use crate::sim::model::ClientError;
use crate::sim::pika::host::ctx::{Ctx, HostState};
use crate::sim::pika::host::drained::drained_loss;
use crate::sim::pika::state::{ChanState, ConnState, Inbound, Pending, Timer, Wait};
use crate::sim::time::Micros;

impl Ctx<'_> {
    /// Reads what the simulator did to this script's clients since the last look: deliveries
    /// and cancellations to dispatch, basic.get replies, the broker closing a channel, a node
    /// going down under a connection. Returns whether anything changed.
    pub fn sync(&mut self) -> bool {
        let mut changed = false;
        let now = self.now();
        let lat = self.lat();
        for conn in 0..self.st.conns.len() {
            let node = self.st.conns[conn].node;
            if self.st.conns[conn].state == ConnState::Open && !self.sim.node_running(node) {
                let loss = self.loss_of(node);
                self.st.conns[conn].state = ConnState::Lost {
                    loss,
                    at: now + lat,
                    raised: false,
                };
                changed = true;
            }
            if let Some(loss) = drained_loss(self.sim, self.st, conn) {
                self.st.conns[conn].state = ConnState::Lost {
                    loss,
                    at: now + lat,
                    raised: false,
                };
                changed = true;
            }
        }
        let due: Vec<Timer> = self
            .st
            .timers
            .iter()
            .filter(|t| t.at <= now)
            .cloned()
            .collect();
        if !due.is_empty() {
            self.st.timers.retain(|t| t.at > now);
            for t in due {
                if self.st.chans[t.chan].state == ChanState::Open {
                    self.break_chan(t.chan, t.code, &t.text);
                }
            }
            changed = true;
        }
        for chan in 0..self.st.chans.len() {
            let c = self.st.chans[chan].client;
            let (nd, nc, ne) = {
                let cl = &self.sim.clients[c.0];
                (cl.deliveries.len(), cl.cancelled.len(), cl.errors.len())
            };
            while self.st.chans[chan].seen_deliveries < nd {
                let i = self.st.chans[chan].seen_deliveries;
                self.st.chans[chan].seen_deliveries += 1;
                changed = true;
                match self.sim.clients[c.0].deliveries[i].consumer_tag.clone() {
                    None => self.st.chans[chan].get_replies.push_back(Some(i)),
                    Some(t) => {
                        let ch = &mut self.st.chans[chan];
                        match &mut ch.generator {
                            Some(g) if g.sim_tag.as_deref() == Some(&*t) => {
                                g.pending.push_back(Inbound::Delivery(i))
                            }
                            _ if ch.consumers.iter().any(|k| *k.sim_tag == *t) => {
                                ch.inbox.push_back(Inbound::Delivery(i))
                            }
                            _ => {}
                        }
                    }
                }
            }
            while self.st.chans[chan].seen_cancels < nc {
                let i = self.st.chans[chan].seen_cancels;
                self.st.chans[chan].seen_cancels += 1;
                changed = true;
                let tag = self.sim.clients[c.0].cancelled[i].clone();
                let ch = &mut self.st.chans[chan];
                match &mut ch.generator {
                    Some(g) if g.sim_tag.as_deref() == Some(tag.as_str()) => {
                        g.pending.push_back(Inbound::Cancel(tag))
                    }
                    _ => ch.inbox.push_back(Inbound::Cancel(tag)),
                }
            }
            while self.st.chans[chan].seen_errors < ne {
                let i = self.st.chans[chan].seen_errors;
                self.st.chans[chan].seen_errors += 1;
                changed = true;
                match self.sim.clients[c.0].errors[i].clone() {
                    ClientError::GetEmpty => self.st.chans[chan].get_replies.push_back(None),
                    ClientError::Channel(e) => {
                        if self.st.chans[chan].state == ChanState::Open {
                            self.break_chan(chan, i64::from(e.code), &e.text);
                        }
                    }
                    // A lost connection reaches the script through the connection's state.
                    e @ ClientError::Connection(_) => {
                        let conn = self.st.chans[chan].conn;
                        self.broker_closed(conn, &e);
                    }
                }
            }
        }
        changed
    }

    /// Whether [`Ctx::sync`] would find something (without changing anything).
    pub fn sync_needed(sim: &Sim, st: &HostState) -> bool {
        let now = sim.now();
        st.conns
            .iter()
            .any(|c| c.state == ConnState::Open && !sim.node_running(c.node))
            || (0..st.conns.len()).any(|c| drained_loss(sim, st, c).is_some())
            || st.timers.iter().any(|t| t.at <= now)
            || st.chans.iter().any(|ch| {
                let cl = &sim.clients[ch.client.0];
                ch.seen_deliveries < cl.deliveries.len()
                    || ch.seen_cancels < cl.cancelled.len()
                    || ch.seen_errors < cl.errors.len()
            })
    }

    /// The earliest future time at which a pending call or a timer needs attention.
    pub fn next_time(sim: &Sim, st: &HostState, pending: Option<&Pending>) -> Option<Micros> {
        let now = sim.now();
        let lat = sim.config.client_latency + Micros(20);
        let mut best: Option<Micros> = st.timers.iter().map(|t| t.at).min();
        let mut consider = |t: Micros| {
            if t > now && t != Micros(u64::MAX) {
                best = Some(best.map_or(t, |b| b.min(t)));
            }
        };
        if let Some(p) = pending {
            if let Some(ci) = p.conn {
                if let Some(ConnState::Lost {
                    at, raised: false, ..
                }) = st.conns.get(ci).map(|c| &c.state)
                {
                    consider(*at);
                }
            }
            if let Some(ch) = p.wait.chan() {
                if let Some(ChanState::Broken {
                    at, raised: false, ..
                }) = st.chans.get(ch).map(|c| &c.state)
                {
                    consider(*at);
                }
            }
            match &p.wait {
                Wait::Until { at, .. } | Wait::Deferred { at, .. } => consider(*at),
                Wait::Connect(c) => consider(c.next_at),
                Wait::Confirm { since, .. } | Wait::TxCommit { since, .. } => {
                    consider(*since + lat + lat)
                }
                Wait::Events { until: Some(u), .. } => consider(*u),
                Wait::Next {
                    until, not_before, ..
                } => {
                    consider(*not_before);
                    if let Some(u) = until {
                        consider(*u);
                    }
                }
                _ => {}
            }
        }
        // A basic.return reaching a script that processes events wakes it.
        if pending.is_some_and(|p| matches!(p.wait, Wait::Events { .. } | Wait::Consuming { .. })) {
            if let Some(t) = st.returns.next_at() {
                consider(t);
            }
        }
        best.filter(|t| *t > now)
    }
}
