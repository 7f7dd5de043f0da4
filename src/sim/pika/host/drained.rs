//! A connection the broker closed while its node keeps running: `rabbitmq-upgrade drain`
//! closes every client connection of the node with 320 `CONNECTION_FORCED - Node was put into
//! maintenance mode`, which pika raises as `ConnectionClosedByBroker`.

use crate::sim::engine::Sim;
use crate::sim::maintenance::{maintenance_close_reason, MAINTENANCE_REPLY};
use crate::sim::model::ClientError;
use crate::sim::pika::host::ctx::HostState;
use crate::sim::pika::state::{ConnState, Loss};

/// How connection `conn` was lost, if the drain closed it and the script has not seen it yet.
pub(super) fn drained_loss(sim: &Sim, st: &HostState, conn: usize) -> Option<Loss> {
    let c = &st.conns[conn];
    if c.state != ConnState::Open {
        return None;
    }
    let reason = maintenance_close_reason();
    let clients = c.spare_client.into_iter().chain(
        st.chans
            .iter()
            .filter(|ch| ch.conn == conn)
            .map(|ch| ch.client),
    );
    let closed = clients.into_iter().any(|id| {
        let cl = &sim.clients[id.0];
        !cl.connected
            && matches!(cl.errors.last(), Some(ClientError::Connection(t)) if *t == reason)
    });
    closed.then(|| Loss::Closed {
        code: 320,
        text: MAINTENANCE_REPLY.to_string(),
    })
}
