//! Copies of a script's side of the binding for the playground's checkpoints: the records are
//! cloned and every Python object in them is replaced by its copy, made through the copier
//! that copies the script's interpreter, so the two keep pointing at the same objects.
//!
//! The walks name every field and variant: a new one holding a value must be looked at here.

use std::collections::VecDeque;
use std::rc::Rc;

use crate::py::{Copier, PyException, Reply, Value};
use crate::sim::pika::host::ctx::HostState;
use crate::sim::pika::host::obj::Obj;
use crate::sim::pika::host::return_queue::Returns;
use crate::sim::pika::state::{Chan, Conn, ConsumerInfo, Deferred, Params, Pending, Wait};

/// A record whose Python objects can be swapped for their copies.
pub trait Rebind {
    /// Replaces every Python object inside with its copy through `c`.
    fn rebind(&mut self, c: &mut Copier);
}

impl Rebind for Value {
    fn rebind(&mut self, c: &mut Copier) {
        c.replace(self);
    }
}

impl Rebind for PyException {
    fn rebind(&mut self, c: &mut Copier) {
        *self = c.exception(self);
    }
}

/// Names and indices beside values hold none.
macro_rules! holds_no_value {
    ($($t:ty),*) => {
        $(impl Rebind for $t {
            fn rebind(&mut self, _: &mut Copier) {}
        })*
    };
}

holds_no_value!(String, &'static str, usize);

impl<T: Rebind> Rebind for Option<T> {
    fn rebind(&mut self, c: &mut Copier) {
        if let Some(x) = self {
            x.rebind(c);
        }
    }
}

impl<T: Rebind> Rebind for Vec<T> {
    fn rebind(&mut self, c: &mut Copier) {
        self.iter_mut().for_each(|x| x.rebind(c));
    }
}

impl<T: Rebind> Rebind for VecDeque<T> {
    fn rebind(&mut self, c: &mut Copier) {
        self.iter_mut().for_each(|x| x.rebind(c));
    }
}

impl<T: Rebind, U: Rebind> Rebind for (T, U) {
    fn rebind(&mut self, c: &mut Copier) {
        self.0.rebind(c);
        self.1.rebind(c);
    }
}

impl Rebind for Reply {
    fn rebind(&mut self, c: &mut Copier) {
        match self {
            Reply::Return(v) => v.rebind(c),
            Reply::Raise(e) => e.rebind(c),
        }
    }
}

impl Rebind for Params {
    fn rebind(&mut self, c: &mut Copier) {
        let Params {
            host: _,
            port: _,
            vhost: _,
            connection_attempts: _,
            retry_delay: _,
            extra,
        } = self;
        extra.rebind(c);
    }
}

impl Rebind for Obj {
    fn rebind(&mut self, c: &mut Copier) {
        match self {
            Obj::Params(p) => p.rebind(c),
            Obj::Props(props) => props.rebind(c),
            Obj::Frame { channel: _, method } => method.rebind(c),
            Obj::Method { name: _, fields } => fields.rebind(c),
            Obj::Returned {
                method,
                props,
                body,
            } => {
                method.rebind(c);
                props.rebind(c);
                body.rebind(c);
            }
            Obj::Class(_)
            | Obj::Func(_)
            | Obj::Credentials(_)
            | Obj::Connection(_)
            | Obj::Channel(_)
            | Obj::ConsumeGen { .. }
            | Obj::Stream { .. } => {}
        }
    }
}

impl Obj {
    /// Whether a copy may share this object: no value in it can change.
    fn is_plain(&self) -> bool {
        let plain = |v: &Value| Copier::is_shared(v);
        match self {
            Obj::Params(p) => p.extra.iter().all(|(_, v)| plain(v)),
            Obj::Props(props) => props.iter().all(|(_, v)| plain(v)),
            Obj::Frame { channel: _, method } => plain(method),
            Obj::Method { name: _, fields } => fields.iter().all(|(_, v)| plain(v)),
            Obj::Returned {
                method,
                props,
                body,
            } => plain(method) && plain(props) && plain(body),
            Obj::Class(_)
            | Obj::Func(_)
            | Obj::Credentials(_)
            | Obj::Connection(_)
            | Obj::Channel(_)
            | Obj::ConsumeGen { .. }
            | Obj::Stream { .. } => true,
        }
    }
}

impl Rebind for Rc<Obj> {
    fn rebind(&mut self, c: &mut Copier) {
        if !self.is_plain() {
            *self = Rc::new(rebound(c, Obj::clone(self)));
        }
    }
}

impl Rebind for Conn {
    fn rebind(&mut self, c: &mut Copier) {
        self.params.rebind(c);
    }
}

impl Rebind for ConsumerInfo {
    fn rebind(&mut self, c: &mut Copier) {
        self.callback.rebind(c);
    }
}

impl Rebind for Chan {
    fn rebind(&mut self, c: &mut Copier) {
        self.consumers.rebind(c);
        self.cancel_callbacks.rebind(c);
    }
}

impl Rebind for Deferred {
    fn rebind(&mut self, c: &mut Copier) {
        match self {
            Deferred::Reply { reply, .. } => reply.rebind(c),
            Deferred::Cancel { ret, .. } => ret.rebind(c),
            Deferred::Opened { .. }
            | Deferred::ChannelOpen { .. }
            | Deferred::Declare { .. }
            | Deferred::Delete { .. }
            | Deferred::ConfirmSelect { .. }
            | Deferred::TxSelect { .. }
            | Deferred::ChannelClose { .. }
            | Deferred::ConnectionClose { .. }
            | Deferred::ChannelError { .. }
            | Deferred::Exchange { .. } => {}
        }
    }
}

impl Rebind for Wait {
    fn rebind(&mut self, c: &mut Copier) {
        match self {
            Wait::Until { reply, .. } => reply.rebind(c),
            Wait::Deferred { op, .. } => op.rebind(c),
            Wait::Connect(w) => {
                w.params.rebind(c);
                w.last_error.rebind(c);
                w.obj_params.rebind(c);
            }
            Wait::Confirm { .. }
            | Wait::Get { .. }
            | Wait::ConsumeOk { .. }
            | Wait::Consuming { .. }
            | Wait::Events { .. }
            | Wait::TxCommit { .. }
            | Wait::Next { .. } => {}
        }
    }
}

impl Rebind for Pending {
    fn rebind(&mut self, c: &mut Copier) {
        self.wait.rebind(c);
    }
}

/// `x` with its Python objects copied through `c`.
pub fn rebound<T: Rebind>(c: &mut Copier, mut x: T) -> T {
    x.rebind(c);
    x
}

impl HostState {
    /// A copy whose Python objects are made through `c` (the copier of the script's
    /// interpreter).
    pub fn copy(&self, c: &mut Copier) -> HostState {
        let HostState {
            name,
            home,
            exc,
            json_error,
            objects,
            modules,
            conns,
            chans,
            output,
            pending,
            next_token,
            line,
            links,
            sends,
            timers,
            ops,
            ops_at,
            argv,
            in_callback,
            queued_callbacks,
            new_clients,
            stop,
            returns: Returns {
                callbacks,
                in_flight,
            },
        } = self;
        HostState {
            name: name.clone(),
            home: *home,
            // Classes carry no values; sharing them keeps `except` matching the copy's raises.
            exc: exc.clone(),
            json_error: json_error.clone(),
            objects: rebound(c, objects.clone()),
            modules: rebound(c, modules.clone()),
            conns: rebound(c, conns.clone()),
            chans: rebound(c, chans.clone()),
            output: output.clone(),
            pending: rebound(c, pending.clone()),
            next_token: *next_token,
            line: *line,
            links: links.clone(),
            sends: sends.clone(),
            timers: timers.clone(),
            ops: *ops,
            ops_at: *ops_at,
            argv: argv.clone(),
            in_callback: *in_callback,
            queued_callbacks: rebound(c, queued_callbacks.clone()),
            new_clients: new_clients.clone(),
            stop: stop.clone(),
            returns: Returns {
                callbacks: rebound(c, callbacks.clone()),
                in_flight: in_flight.clone(),
            },
        }
    }
}
