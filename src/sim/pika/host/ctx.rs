//! One script's side of the binding ([`HostState`]), the state shared by all scripts
//! ([`Shared`]), and [`Ctx`], the view a host call works through, with the helpers every call
//! uses (objects, suspension, the per-instant call budget) and the linking of trace events to
//! lines.

use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

use crate::py::{BuiltinExc, ExcClass, HostRef, HostResult, SuspendToken, Value};
use crate::sim::engine::Sim;
use crate::sim::model::ClientId;
use crate::sim::pika::exc::PikaExceptions;
use crate::sim::pika::host::obj::Obj;
use crate::sim::pika::host::sent_ids::SentIds;
use crate::sim::pika::state::{Chan, Conn, Pending, StoredMsg, Timer, Wait};
use crate::sim::shared_vec::SharedVec;
use crate::sim::time::Micros;
use crate::sim::trace::TraceKind;

/// Broker calls one script may make at one simulated instant before it is stopped.
pub const OPS_PER_INSTANT: u32 = 10_000;

/// State shared by every script of a run (messages published by one, consumed by another).
#[derive(Debug, Default, Clone)]
pub struct Shared {
    pub next_wire: u64,
    pub msgs: BTreeMap<u64, StoredMsg>,
    /// Blocking calls the run's scripts have returned from (`limits::SCRIPT_WAKEUPS_MAX`).
    pub wakeups: u64,
}

/// One script's side of the binding: its objects, connections, channels and output.
#[derive(Debug)]
pub struct HostState {
    pub name: String,
    /// The node `localhost` means (where the script "runs").
    pub home: usize,
    pub exc: PikaExceptions,
    pub(super) json_error: ExcClass,
    /// Never changed once made, so copies of the state share those holding no mutable value.
    pub(super) objects: Vec<Rc<Obj>>,
    pub(super) modules: Vec<(String, Value)>,
    pub conns: Vec<Conn>,
    pub chans: Vec<Chan>,
    /// Printed text: (to stderr, text).
    pub output: Vec<(bool, String)>,
    /// Set by a call that suspended: the driver files it under the token the VM reports.
    pub pending: Option<Pending>,
    pub(super) next_token: u64,
    /// The statement being executed (for linking trace events to lines).
    pub line: u32,
    /// (line, trace index): the trace events each executed line caused, in trace order (shared
    /// with the script's copies in checkpoints).
    pub links: SharedVec<(u32, u32)>,
    /// Ids of the frames linked to this script (to link their losses too).
    pub sends: SentIds,
    pub timers: Vec<Timer>,
    /// Broker calls at the current instant, and the instant.
    pub ops: u32,
    pub ops_at: Micros,
    /// `sys.argv`: the script's file name, then its arguments.
    pub argv: Vec<String>,
    /// Callbacks running (pika refuses `start_consuming` inside one).
    pub in_callback: usize,
    /// Callbacks waiting to run (several `add_on_cancel_callback`s for one cancel).
    pub queued_callbacks: VecDeque<(Value, Vec<Value>)>,
    /// Simulator clients opened since the run last asked: (name, id, vhost).
    pub new_clients: Vec<(String, ClientId, String)>,
    /// Why the binding stopped the script, if it did.
    pub stop: Option<String>,
    /// Return callbacks and the `basic.return`s on their way (`returns`).
    pub returns: crate::sim::pika::host::return_queue::Returns,
}

impl HostState {
    /// A fresh process.
    pub fn new(name: &str, home: usize) -> HostState {
        HostState {
            name: name.to_string(),
            home,
            exc: PikaExceptions::new(),
            json_error: ExcClass::new_host(
                "json",
                "JSONDecodeError",
                vec![ExcClass::Builtin(BuiltinExc::ValueError)],
            ),
            objects: Vec::new(),
            modules: Vec::new(),
            conns: Vec::new(),
            chans: Vec::new(),
            output: Vec::new(),
            pending: None,
            next_token: 0,
            line: 0,
            links: SharedVec::new(),
            sends: SentIds::new(),
            timers: Vec::new(),
            ops: 0,
            ops_at: Micros::ZERO,
            argv: vec![format!("{name}.py")],
            in_callback: 0,
            queued_callbacks: VecDeque::new(),
            new_clients: Vec::new(),
            stop: None,
            returns: Default::default(),
        }
    }

    /// Appends printed text, merging with the previous chunk of the same stream.
    pub fn write(&mut self, err: bool, text: &str) {
        if text.is_empty() {
            return;
        }
        match self.output.last_mut() {
            Some((e, s)) if *e == err => s.push_str(text),
            _ => self.output.push((err, text.to_string())),
        }
    }

    /// The simulator clients of every channel, for linking events.
    pub fn clients(&self) -> impl Iterator<Item = ClientId> + '_ {
        self.chans
            .iter()
            .map(|c| c.client)
            .chain(self.conns.iter().filter_map(|c| c.spare_client))
    }
}

/// A host call's view of the world: the simulator, this script's state, the shared store.
pub struct Ctx<'a> {
    pub sim: &'a mut Sim,
    pub st: &'a mut HostState,
    pub shared: &'a mut Shared,
}

impl Ctx<'_> {
    pub(super) fn now(&self) -> Micros {
        self.sim.now()
    }

    /// One-way latency between a client and the node it is connected to (the simulator's
    /// own client link on one host).
    pub fn lat(&self) -> Micros {
        self.sim.config.client_latency + Micros(20)
    }

    pub(super) fn new_obj(&mut self, obj: Obj, type_name: &str) -> Value {
        self.st.objects.push(Rc::new(obj));
        Value::Host(HostRef::new(self.st.objects.len() as u64, type_name))
    }

    pub(super) fn obj(&self, id: u64) -> Option<&Obj> {
        (id as usize)
            .checked_sub(1)
            .and_then(|i| self.st.objects.get(i))
            .map(|o| &**o)
    }

    pub(super) fn token(&mut self) -> SuspendToken {
        self.st.next_token += 1;
        SuspendToken(self.st.next_token)
    }

    pub(super) fn suspend(&mut self, wait: Wait, what: &str, conn: Option<usize>) -> HostResult {
        let token = self.token();
        self.st.pending = Some(Pending {
            token,
            wait,
            what: what.to_string(),
            conn,
        });
        HostResult::Suspend(token)
    }

    pub(super) fn client_name(&self, conn_number: usize, chan_number: i64) -> String {
        match (conn_number, chan_number) {
            (1, 1) => self.st.name.clone(),
            (k, 1) => format!("{}#{k}", self.st.name),
            (k, n) => format!("{}#{k}.{n}", self.st.name),
        }
    }

    pub(super) fn count_op(&mut self) -> Result<(), HostResult> {
        let now = self.now();
        if self.st.ops_at != now {
            self.st.ops_at = now;
            self.st.ops = 0;
        }
        self.st.ops += 1;
        if self.st.ops > OPS_PER_INSTANT {
            self.st.stop = Some(format!(
                "mirrorscope stopped the script: it made {OPS_PER_INSTANT} broker calls without letting simulated time pass (add time.sleep(…) or wait for confirms in long loops)"
            ));
            let t = self.token();
            return Err(HostResult::Suspend(t));
        }
        Ok(())
    }
}

/// Links trace events `from..` (appended by the script's own work) to `line`.
pub fn link_range(sim: &Sim, st: &mut HostState, from: usize, line: u32) {
    for (i, e) in sim.trace.addressed_from(from) {
        st.links.push((line, i as u32));
        if let TraceKind::Send { id, .. } = &e.kind {
            st.sends.insert(*id);
        }
    }
}
