//! Queue lifecycle and the control plane: declare, policy (re)evaluation, adding and dropping
//! mirrors, node failures and restarts (spec §1.5, §3, §6.3, §6.5).

use crate::erl::json::Json;
use crate::sim::engine::{Ev, Sim, GM_DEATH_DELAY};
use crate::sim::equivalence::Declared;
use crate::sim::error::DeclareError;
use crate::sim::model::*;
use crate::sim::placement::{self, Current};
use crate::sim::policy::definition::{HaMode, Promote};
use crate::sim::state_change::{DeleteCause, StateChange};
use crate::sim::time::Micros;

/// What a client asks for in `queue.declare`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeclareArgs {
    /// Empty for a server-named queue (`amq.gen-…`).
    pub name: String,
    pub durable: bool,
    pub exclusive: bool,
    pub auto_delete: bool,
    pub passive: bool,
    pub args: Vec<(String, Json)>,
}

/// Why `rabbit_amqqueue:delete/4` refused to delete a queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteRefusal {
    /// `--if-empty` and messages are ready (or, with no live process, may be).
    NotEmpty,
    /// `--if-unused` and the queue has consumers.
    InUse,
}

/// How long `rabbit_amqqueue:retry_wait/4` sleeps before looking at a queue without a live
/// master again (`timer:sleep(30)`; `with/3` allows 2000 looks, hence
/// [`MASTER_RETRY`](crate::sim::engine::MASTER_RETRY)).
pub const MASTER_RETRY_INTERVAL: Micros = Micros(30_000);

/// One look of a `queue.declare` that `rabbit_amqqueue:with/4` runs.
#[derive(Debug, Clone, PartialEq)]
pub enum DeclareAttempt {
    /// The broker answers: the queue, or the channel error it closes with.
    Done(Result<QueueId, DeclareError>),
    /// The queue exists but its master is dead (its node is down, or a mirror is not promoted
    /// yet): the channel process sleeps and looks again at this moment.
    RetryAt(Micros),
}

impl Sim {
    /// Finds a live (not deleted) queue by vhost and name.
    pub fn find_queue(&self, vhost: &str, name: &str) -> Option<QueueId> {
        self.queues
            .iter()
            .position(|q| !q.deleted && q.vhost == vhost && q.name == name)
            .map(QueueId)
    }

    /// The queue as seen from `node`: during a split brain each side has its own record.
    pub fn find_queue_from(&self, node: usize, vhost: &str, name: &str) -> Option<QueueId> {
        let side = self.recorded_sides().map(|s| s[node]);
        let matching = |q: &&QueueRecord| !q.deleted && q.vhost == vhost && q.name == name;
        self.queues
            .iter()
            .position(|q| matching(&q) && q.side.is_some() && q.side == side)
            .or_else(|| {
                (0..self.queues.len())
                    .find(|&i| matching(&&self.queues[i]) && self.visible_from(QueueId(i), node))
            })
            .map(QueueId)
    }

    /// Whether `node` sees this record (always, unless a partition forked it).
    pub fn visible_from(&self, q: QueueId, node: usize) -> bool {
        match (self.queues[q.0].side, self.recorded_sides()) {
            (Some(side), Some(sides)) => sides[node] == side,
            _ => true,
        }
    }

    pub fn queue(&self, q: QueueId) -> &QueueRecord {
        &self.queues[q.0]
    }

    /// Nodes of the record's mirrors, oldest first.
    pub fn mirror_nodes(&self, q: QueueId) -> Vec<usize> {
        self.queues[q.0]
            .mirrors
            .iter()
            .map(|&p| self.proc_node(p))
            .collect()
    }

    pub fn synced_nodes(&self, q: QueueId) -> Vec<usize> {
        self.queues[q.0]
            .synced
            .iter()
            .map(|&p| self.proc_node(p))
            .collect()
    }

    pub fn master_node(&self, q: QueueId) -> usize {
        self.proc_node(self.queues[q.0].master)
    }

    /// Whether the queue has a live master that can serve requests.
    pub fn queue_available(&self, q: QueueId) -> bool {
        let r = &self.queues[q.0];
        !r.deleted && self.procs[r.master.0].alive
    }

    fn masters_on(&self, n: usize) -> usize {
        self.queues
            .iter()
            .filter(|q| !q.deleted && self.procs[q.master.0].alive && self.proc_node(q.master) == n)
            .count()
    }

    fn lookup_node(&self, s: &str) -> Option<usize> {
        self.cluster.nodes.iter().position(|n| n.name == s)
    }

    /// `queue.declare` as the channel process runs it through `rabbit_amqqueue:with/4`: while
    /// the queue exists without a live master and `deadline` (the request's arrival plus
    /// [`MASTER_RETRY`](crate::sim::engine::MASTER_RETRY)) has not come, the caller is told to
    /// look again [`MASTER_RETRY_INTERVAL`] later, so that a promotion or a restart in the
    /// meantime lets the declare through; at the deadline the answer is
    /// [`Sim::declare_queue`]'s (`NOT_FOUND … due to timeout` if the master is still dead).
    pub fn declare_queue_retrying(
        &mut self,
        client: Option<ClientId>,
        node: usize,
        vhost: &str,
        d: DeclareArgs,
        deadline: Micros,
    ) -> DeclareAttempt {
        let now = self.now;
        let masterless = self
            .find_queue_from(node, vhost, &d.name)
            .is_some_and(|q| !self.queue_available(q));
        if masterless && now < deadline {
            return DeclareAttempt::RetryAt((now + MASTER_RETRY_INTERVAL).min(deadline));
        }
        DeclareAttempt::Done(self.declare_queue(client, node, vhost, d))
    }

    /// `queue.declare` from a client connected to `node`. Errors display as the broker's
    /// channel-error texts (`NOT_FOUND - …`, `PRECONDITION_FAILED - …`).
    pub fn declare_queue(
        &mut self,
        client: Option<ClientId>,
        node: usize,
        vhost: &str,
        d: DeclareArgs,
    ) -> Result<QueueId, DeclareError> {
        let mut d = d;
        if d.name.is_empty() {
            d.name = format!("amq.gen-{}", self.gen_name());
        }
        if let Some(q) = self.find_queue_from(node, vhost, &d.name) {
            let r = &self.queues[q.0];
            if !self.queue_available(q) {
                return Err(DeclareError::Timeout {
                    queue: d.name,
                    vhost: vhost.to_string(),
                });
            }
            let asked = Declared {
                name: &d.name,
                passive: d.passive,
                durable: d.durable,
                exclusive: d.exclusive,
                auto_delete: d.auto_delete,
                args: &d.args,
            };
            crate::sim::equivalence::check(r, &asked, client, vhost)?;
            self.touch_queue(q);
            return Ok(q);
        }
        if d.passive {
            return Err(DeclareError::NotFound {
                queue: d.name,
                vhost: vhost.to_string(),
            });
        }
        if !self.vhosts.iter().any(|v| v == vhost) {
            return Err(DeclareError::NoVhost {
                vhost: vhost.to_string(),
            });
        }
        if let Some(text) = crate::sim::queue_args::check_new_queue(&d.name, vhost, &d.args) {
            return Err(DeclareError::InvalidArg { text });
        }
        let (policy, operator_policy, effective) =
            self.policies.effective_for_queue(vhost, &d.name);
        self.warn_ties(vhost, &d.name);
        let exclusive_owner = if d.exclusive { client } else { None };
        let locator = match d.args.iter().find(|(k, _)| k == "x-queue-master-locator") {
            Some((_, Json::Str(s))) => match s.as_str() {
                "client-local" => Some(crate::sim::policy::definition::Locator::ClientLocal),
                "min-masters" => Some(crate::sim::policy::definition::Locator::MinMasters),
                "random" => Some(crate::sim::policy::definition::Locator::Random),
                _ => None,
            },
            // The declaring node's `queue_master_locator` is the last default.
            _ => effective
                .master_locator()
                .or(self.settings(node).master_locator),
        };
        let master_node = if d.exclusive {
            node
        } else {
            let candidates: Vec<usize> = match effective.ha_mode() {
                Some(HaMode::Nodes(names)) => {
                    let mut c = vec![node];
                    for s in &names {
                        if let Some(n) = self.lookup_node(s) {
                            if self.node_running(n) && !c.contains(&n) {
                                c.push(n);
                            }
                        }
                    }
                    if c.len() == 1 {
                        self.running_nodes_from(node)
                    } else {
                        c
                    }
                }
                _ => self.running_nodes_from(node),
            };
            let candidates = self.without_drained(candidates);
            let counts: Vec<usize> = (0..self.cluster.nodes.len())
                .map(|n| self.masters_on(n))
                .collect();
            let names: Vec<String> = self.cluster.nodes.iter().map(|n| n.name.clone()).collect();
            placement::locate_master(
                locator,
                node,
                &candidates,
                &|n| counts[n],
                &|n| names[n].clone(),
                &mut self.rng,
            )
        };
        let qid = QueueId(self.queues.len());
        let master = self.spawn(qid, master_node, Role::Master);
        self.queues.push(QueueRecord {
            vhost: vhost.to_string(),
            name: d.name.clone(),
            durable: d.durable && !d.exclusive,
            auto_delete: d.auto_delete,
            exclusive_owner,
            args: d.args,
            master,
            mirrors: Vec::new(),
            synced: Vec::new(),
            policy,
            operator_policy,
            effective,
            state: QueueState::Running,
            sync: None,
            recoverable: Vec::new(),
            ring: vec![master],
            gm_version: 1,
            next_pos: 1,
            deleted: false,
            down_by_stop: false,
            down_since: None,
            dropped_by_limit: Default::default(),
            bounds: crate::sim::queue_args::BoundsState {
                last_used: self.now,
                ..Default::default()
            },
            side: None,
            had_consumer: false,
        });
        self.changed(StateChange::QueueDeclared {
            queue: self.queue_name(qid),
            master: self.pid_string(master),
            node: self.node_name(master_node).to_string(),
        });
        if self.queues[qid.0].is_mirrored() {
            self.update_mirrors(qid);
        }
        self.touch_queue(qid);
        Ok(qid)
    }

    fn gen_name(&mut self) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
        (0..22)
            .map(|_| ALPHABET[self.rng.below(ALPHABET.len() as u64) as usize] as char)
            .collect()
    }

    fn warn_ties(&mut self, vhost: &str, name: &str) {
        let m = self.policies.matching(
            vhost,
            crate::sim::policy::definition::PolicyKind::User,
            crate::sim::policy::ObjectKind::Queue,
            name,
        );
        if let (Some(w), false) = (m.winner, m.tied_with.is_empty()) {
            let change = StateChange::PolicyTie {
                winner: w.name().to_string(),
                others: m.tied_with.iter().map(|p| p.name().to_string()).collect(),
                priority: w.spec.priority,
                queue: name.to_string(),
            };
            let text = change.to_string();
            if !self.warnings.contains(&text) {
                self.warnings.push(text);
                self.changed(change);
            }
        }
    }

    /// Re-evaluates every queue of a vhost after a policy change (§1.5).
    pub fn reapply_policies(&mut self, vhost: &str) {
        for i in 0..self.queues.len() {
            let q = QueueId(i);
            if self.queues[i].deleted || self.queues[i].vhost != vhost {
                continue;
            }
            let name = self.queues[i].name.clone();
            let (policy, op, effective) = self.policies.effective_for_queue(vhost, &name);
            self.warn_ties(vhost, &name);
            let r = &self.queues[i];
            if r.policy == policy && r.operator_policy == op && r.effective == effective {
                continue;
            }
            let was_mirrored = r.is_mirrored();
            let r = &mut self.queues[i];
            r.policy = policy;
            r.operator_policy = op;
            r.effective = effective;
            let now_mirrored = r.is_mirrored();
            if !self.queue_available(q) {
                continue;
            }
            if was_mirrored && !now_mirrored {
                self.stop_mirroring(q);
            } else if now_mirrored {
                self.update_mirrors(q);
            }
            self.bounds_changed(q);
        }
    }

    /// `stop_mirroring`: every mirror deletes its copy; the master keeps everything.
    fn stop_mirroring(&mut self, q: QueueId) {
        let mirrors = std::mem::take(&mut self.queues[q.0].mirrors);
        for p in mirrors {
            self.kill_proc(p);
            self.changed(StateChange::MirrorDropped {
                queue: self.queue_name(q),
                node: self.node_name(self.proc_node(p)).to_string(),
                mirroring_stopped: true,
            });
        }
        let r = &mut self.queues[q.0];
        r.synced.clear();
        r.ring = vec![r.master];
        r.sync = None;
        if r.state == QueueState::Syncing {
            r.state = QueueState::Running;
        }
    }

    pub(crate) fn kill_proc(&mut self, p: ProcId) {
        self.stop_proc(p);
        let pr = &mut self.procs[p.0];
        pr.ready.clear();
        pr.unacked.clear();
    }

    /// The process ends but what it held stays on its node's disk: if the cluster later forgets
    /// the master's node, this node may recover the queue from it (`forget_all_durable`).
    pub(crate) fn stop_proc(&mut self, p: ProcId) {
        let pr = &mut self.procs[p.0];
        pr.alive = false;
        pr.chan_pending.clear();
        pr.gm = GmMember::default();
    }

    /// `update_recoverable`: nodes holding a mirror are added (oldest first); running nodes
    /// without one are pruned; stopped nodes stay, as they may hold the data on disk.
    pub(crate) fn refresh_recoverable(&mut self, q: QueueId) {
        if !self.queues[q.0].durable {
            return;
        }
        let mirror_nodes: Vec<usize> = self
            .live_mirrors(q)
            .iter()
            .map(|&p| self.proc_node(p))
            .collect();
        let running: Vec<usize> = self.running_nodes();
        let r = &mut self.queues[q.0];
        r.recoverable
            .retain(|n| mirror_nodes.contains(n) || !running.contains(n));
        for n in mirror_nodes {
            if !r.recoverable.contains(&n) {
                r.recoverable.push(n);
            }
        }
    }

    /// Computes the target replica set and adds/drops mirrors to reach it (`update_mirrors`).
    pub(crate) fn update_mirrors(&mut self, q: QueueId) {
        let Some(mode) = self.queues[q.0].effective.ha_mode() else {
            return;
        };
        if self.queues[q.0].exclusive_owner.is_some() {
            return;
        }
        let master_node = self.master_node(q);
        let mirrors = self.mirror_nodes(q);
        let synced = self.synced_nodes(q);
        let running = self.running_nodes_from(master_node);
        let names: Vec<String> = self.cluster.nodes.iter().map(|n| n.name.clone()).collect();
        let cur = Current {
            master: master_node,
            mirrors: &mirrors,
            synced: &synced,
            running: &running,
        };
        let lookup = |s: &str| names.iter().position(|n| n == s);
        let (target_master, target_mirrors) =
            placement::suggested_nodes(&mode, &cur, &lookup, &|n| names[n].clone(), &mut self.rng);
        for &n in &target_mirrors {
            if n != master_node && !mirrors.contains(&n) {
                self.add_mirror(q, n);
            }
        }
        for p in self.queues[q.0].mirrors.clone() {
            let n = self.proc_node(p);
            if !target_mirrors.contains(&n) && n != target_master {
                self.drop_mirror(q, p);
            }
        }
        if target_master != master_node {
            self.drop_master(q);
        } else {
            self.maybe_auto_sync(q);
        }
    }

    /// Starts an empty mirror on `node` and joins it to the GM ring.
    pub(crate) fn add_mirror(&mut self, q: QueueId, node: usize) -> ProcId {
        let p = self.spawn(q, node, Role::Mirror);
        // join_group: the newcomer picks a random alive member as its left neighbour, which
        // records it to its right and hands it a catchup (its view of in-flight traffic), so
        // the newcomer sees only what is still in flight, never history.
        let alive: Vec<ProcId> = self.queues[q.0]
            .ring
            .iter()
            .copied()
            .filter(|&m| self.procs[m.0].alive)
            .collect();
        let left = alive[self.rng.below(alive.len() as u64) as usize];
        self.procs[p.0].gm.last_seen = self.procs[left.0].gm.last_seen.clone();
        let r = &mut self.queues[q.0];
        r.mirrors.push(p);
        let at = r
            .ring
            .iter()
            .position(|&m| m == left)
            .map_or(r.ring.len(), |i| i + 1);
        r.ring.insert(at, p);
        r.gm_version += 1;
        let version = r.gm_version;
        self.send(
            crate::sim::trace::Endpoint::Proc(left),
            crate::sim::trace::Endpoint::Proc(p),
            crate::sim::trace::MsgKind::GmCatchup,
            format!("gm catchup (join, view v{version})"),
            crate::sim::engine::Payload::GmJoined { member: p },
            Micros::ZERO,
        );
        self.refresh_recoverable(q);
        self.changed(StateChange::MirrorAdded {
            queue: self.queue_name(q),
            node: self.node_name(node).to_string(),
            pid: self.pid_string(p),
        });
        // The joining mirror asks for the master's depth; the answer travels the ring.
        let master = self.queues[q.0].master;
        self.gm_broadcast(master, GmOp::Depth);
        p
    }

    /// Drops a mirror (`{shutdown, dropped}`): its data is deleted.
    /// The ring hears of a member's death once its neighbours' monitors fire: `GM_DEATH_DELAY`
    /// after a death the ring's own node sees at once (the process died, its node did not).
    pub(crate) fn schedule_gm_death(&mut self, q: QueueId, p: ProcId) {
        let at = self.now + GM_DEATH_DELAY;
        self.schedule(
            at,
            Ev::GmDeaths {
                queue: q,
                dead: vec![p],
            },
        );
    }

    pub(crate) fn drop_mirror(&mut self, q: QueueId, p: ProcId) {
        self.changed(StateChange::MirrorDropped {
            queue: self.queue_name(q),
            node: self.node_name(self.proc_node(p)).to_string(),
            mirroring_stopped: false,
        });
        self.kill_proc(p);
        self.forget_mirror(q, p);
    }

    /// A dead mirror leaves the record, the ring and any sync at once.
    pub(crate) fn forget_mirror(&mut self, q: QueueId, p: ProcId) {
        let r = &mut self.queues[q.0];
        r.mirrors.retain(|&x| x != p);
        r.synced.retain(|&x| x != p);
        r.ring.retain(|&x| x != p);
        r.gm_version += 1;
        self.fail_pending_confirms_of(p);
        self.refresh_recoverable(q);
        self.end_sync_without_mirrors(q);
    }

    /// The policy moved the master away: the master is killed with `{shutdown, dropped}`
    /// and the mirrors treat it as a failure (§1.5, §3.3).
    pub(crate) fn drop_master(&mut self, q: QueueId) {
        let master = self.queues[q.0].master;
        if self.queues[q.0].mirrors.is_empty() {
            return; // cannot_drop_only_mirror
        }
        self.changed(StateChange::MasterDropped {
            queue: self.queue_name(q),
            node: self.node_name(self.proc_node(master)).to_string(),
        });
        self.master_dies(q, false, Micros::ZERO);
    }

    /// The master process is gone (node down or dropped). Unflushed GM broadcasts die with it;
    /// survivors learn of the death after `detect` plus GM's pause.
    pub(crate) fn master_dies(&mut self, q: QueueId, keep_data: bool, detect: Micros) {
        let master = self.queues[q.0].master;
        {
            let pr = &mut self.procs[master.0];
            pr.alive = false;
            pr.gm.buffer.clear();
            if !keep_data {
                pr.ready.clear();
                pr.unacked.clear();
            }
        }
        self.fail_pending_confirms_of(master);
        let survivors = self.live_mirrors(q);
        if survivors.is_empty() {
            self.queue_goes_down(q);
        } else {
            let at = self.now + detect + GM_DEATH_DELAY;
            self.schedule(
                at,
                Ev::GmDeaths {
                    queue: q,
                    dead: vec![master],
                },
            );
        }
    }

    /// No live replica is left: the queue is unavailable until the master's node returns.
    pub(crate) fn queue_goes_down(&mut self, q: QueueId) {
        let r = &self.queues[q.0];
        if !r.durable && !self.replicated(q) {
            self.queues[q.0].deleted = true;
            self.unbind_gone_queue(q);
            self.changed(StateChange::QueueDeleted {
                queue: self.queue_name(q),
                cause: DeleteCause::NodeWentDown,
            });
            return;
        }
        let change = StateChange::QueueDown {
            queue: self.queue_name(q),
            master_node: self.node_name(self.proc_node(r.master)).to_string(),
        };
        let now = self.now;
        let r = &mut self.queues[q.0];
        if r.state != QueueState::Stopped {
            r.state = QueueState::Down;
        }
        r.down_since = Some(now);
        r.sync = None;
        self.changed(change);
        // The consumers' channels retry basic.consume for ~60 s, then cancel them.
        let at = now + crate::sim::engine::MASTER_RETRY;
        self.schedule(at, Ev::ConsumersGiveUp { queue: q });
    }

    pub(crate) fn on_consumers_give_up(&mut self, q: QueueId) {
        if self.queue_available(q) || self.queues[q.0].deleted {
            return;
        }
        let master = self.queues[q.0].master;
        self.cancel_consumers(q, master, |_| true);
    }

    /// Removes the queue's consumers that `which` selects and sends each a basic.cancel.
    pub(crate) fn cancel_consumers(
        &mut self,
        q: QueueId,
        from: ProcId,
        which: impl Fn(&Consumer) -> bool,
    ) {
        let (gone, kept): (Vec<Consumer>, Vec<Consumer>) = std::mem::take(&mut self.consumers)
            .into_iter()
            .partition(|k| k.queue == q && which(k));
        self.consumers = kept;
        self.maybe_auto_delete(q);
        for k in gone {
            self.send(
                crate::sim::trace::Endpoint::Proc(from),
                crate::sim::trace::Endpoint::Client(k.client),
                crate::sim::trace::MsgKind::Cancel,
                format!("basic.cancel {}", k.tag),
                crate::sim::engine::Payload::ToClient {
                    client: k.client,
                    what: crate::sim::engine::ToClient::Cancel { tag: k.tag.clone() },
                },
                Micros::ZERO,
            );
        }
    }

    /// An auto-delete queue goes once its last consumer has gone (it must have had one).
    pub(crate) fn maybe_auto_delete(&mut self, q: QueueId) {
        let r = &self.queues[q.0];
        if r.deleted
            || !r.auto_delete
            || !r.had_consumer
            || self.consumers.iter().any(|k| k.queue == q)
        {
            return;
        }
        let queue = self.queue_name(q);
        self.delete_queue(q);
        self.changed(StateChange::QueueAutoDeleted { queue });
    }

    /// The record's mirrors whose processes are alive, oldest first.
    pub fn live_mirrors(&self, q: QueueId) -> Vec<ProcId> {
        self.queues[q.0]
            .mirrors
            .iter()
            .copied()
            .filter(|&p| self.procs[p.0].alive)
            .collect()
    }

    /// Every process on node `n` stops (graceful) or dies.
    pub(crate) fn node_processes_down(&mut self, n: usize, graceful: bool) {
        self.delete_unreplicated_of(n);
        for i in 0..self.queues.len() {
            let q = QueueId(i);
            if self.queues[i].deleted {
                continue;
            }
            let master = self.queues[i].master;
            if self.procs[master.0].alive && self.proc_node(master) == n {
                let r = &self.queues[i];
                let live_synced = r.synced.iter().any(|&p| self.procs[p.0].alive);
                let has_mirrors = r.mirrors.iter().any(|&p| self.procs[p.0].alive);
                let veto = graceful
                    && has_mirrors
                    && !live_synced
                    && r.effective.promote_on_shutdown() != Promote::Always;
                if veto {
                    self.changed(StateChange::MirrorsStopWithMaster {
                        queue: self.queue_name(q),
                    });
                    for p in self.queues[i].mirrors.clone() {
                        self.stop_proc(p);
                        self.fail_pending_confirms_of(p);
                    }
                    let r = &mut self.queues[i];
                    r.mirrors.clear();
                    r.synced.clear();
                    r.ring = vec![master];
                    r.state = QueueState::Stopped;
                }
                self.queues[i].down_by_stop = graceful;
                let keep = self.queues[i].durable;
                self.master_dies(q, keep, Micros::ZERO);
            }
            for p in self.queues[i].mirrors.clone() {
                if self.procs[p.0].alive && self.proc_node(p) == n {
                    if self.queues[i].durable {
                        self.stop_proc(p);
                    } else {
                        self.kill_proc(p);
                    }
                    self.fail_pending_confirms_of(p);
                    if self.procs[self.queues[i].master.0].alive {
                        self.schedule_gm_death(q, p);
                    }
                }
            }
        }
    }

    /// A node (re)starts: queues mastered here and down recover from disk; other queues get
    /// an empty mirror here if their policy wants one (`on_vhost_up`).
    pub(crate) fn node_up(&mut self, n: usize, crashed: bool) {
        if !self
            .cluster
            .members()
            .any(|x| x != n && self.node_running(x))
        {
            self.drop_ram_only_records();
            self.drop_transient_exchanges();
        }
        for i in 0..self.queues.len() {
            let q = QueueId(i);
            // After a heal that left the records split, a node takes part in its side's only.
            if self.queues[i].deleted || !self.visible_from(q, n) {
                continue;
            }
            let master = self.queues[i].master;
            if !self.procs[master.0].alive && self.proc_node(master) == n {
                self.recover_queue(q, crashed);
                continue;
            }
            if !self.procs[master.0].alive || !self.queues[i].is_mirrored() {
                continue;
            }
            let Some(mode) = self.queues[i].effective.ha_mode() else {
                continue;
            };
            let master_node = self.proc_node(master);
            let mirrors = self.mirror_nodes(q);
            if mirrors.contains(&n) || master_node == n || !self.connected(master_node, n) {
                continue;
            }
            let synced = self.synced_nodes(q);
            // Deliberately not the whole cluster: current replica nodes plus this one.
            let mut possible = vec![master_node];
            possible.extend(mirrors.iter().copied());
            possible.push(n);
            crate::sort::sort(&mut possible);
            let names: Vec<String> = self.cluster.nodes.iter().map(|x| x.name.clone()).collect();
            let cur = Current {
                master: master_node,
                mirrors: &mirrors,
                synced: &synced,
                running: &possible,
            };
            let lookup = |s: &str| names.iter().position(|x| x == s);
            let (_, want) = placement::suggested_nodes(
                &mode,
                &cur,
                &lookup,
                &|x| names[x].clone(),
                &mut self.rng,
            );
            if want.contains(&n) {
                self.add_mirror(q, n);
                self.maybe_auto_sync(q);
            }
        }
    }

    /// The master's node is back: durable queues recover their persistent messages as master;
    /// transient ones are gone.
    pub(crate) fn recover_queue(&mut self, q: QueueId, crashed: bool) {
        let old = self.queues[q.0].master;
        let n = self.proc_node(old);
        if !self.queues[q.0].durable {
            if self.replicated(q) {
                // The boot's on_node_down(node()) spares replicated records, and only durable
                // queues are recovered: the record stays with its dead master pid.
                self.changed(StateChange::TransientQueueStranded {
                    queue: self.queue_name(q),
                    node: self.node_name(n).to_string(),
                });
                return;
            }
            self.queues[q.0].deleted = true;
            self.unbind_gone_queue(q);
            self.changed(StateChange::TransientQueueGone {
                queue: self.queue_name(q),
            });
            return;
        }
        let mut entries: Vec<(u64, Entry)> = self.procs[old.0]
            .ready
            .iter()
            .map(|(&pos, &e)| (pos, e))
            .chain(self.procs[old.0].unacked.values().map(|u| (u.pos, u.entry)))
            .filter(|(_, e)| self.messages[(e.msg.0 - 1) as usize].persistent)
            .collect();
        crate::sort::sort_by_key(&mut entries, |(pos, _)| *pos);
        self.procs[old.0].ready.clear();
        self.procs[old.0].unacked.clear();
        let p = self.spawn(q, n, Role::Master);
        for (pos, mut e) in entries {
            // Seen on a real 3.10.8 cluster: after a crash every recovered message is redelivered.
            e.delivered = e.delivered || crashed;
            self.procs[p.0].ready.insert(pos, e);
        }
        let count = self.procs[p.0].ready.len();
        let r = &mut self.queues[q.0];
        r.master = p;
        r.mirrors.clear();
        r.synced.clear();
        r.ring = vec![p];
        r.state = QueueState::Running;
        r.down_since = None;
        self.changed(StateChange::QueueRecovered {
            queue: self.queue_name(q),
            node: self.node_name(n).to_string(),
            messages: count,
        });
        if self.queues[q.0].is_mirrored() {
            self.update_mirrors(q);
        }
        // Requests retrying for a live master (`rabbit_amqqueue:with/4`) find this one.
        self.retry_waiting(q);
        self.try_deliver(q);
    }

    /// `rabbit_amqqueue:is_replicated/1` as `on_node_down` reads it: an HA policy applies
    /// (an exclusive queue is never mirrored, and goes with its owner anyway).
    pub fn replicated(&self, q: QueueId) -> bool {
        let r = &self.queues[q.0];
        r.is_mirrored() && r.exclusive_owner.is_none()
    }

    /// Whether the queue is in `rabbit_durable_queue` but not in `rabbit_queue`: a durable
    /// record whose master is dead and that is not replicated (on_node_down took it out).
    /// `list_queues` lists these as `down` (`rabbit_amqqueue:list_down/1`).
    pub fn listed_down(&self, q: QueueId) -> bool {
        let r = &self.queues[q.0];
        !r.deleted && r.durable && !self.queue_available(q) && !self.replicated(q)
    }

    /// `rabbit_amqqueue:on_node_down(N)`, run by the nodes that see `n` go: the transient
    /// records whose master pid on `n` is dead and that are not replicated are deleted (the
    /// `queues_to_delete_when_node_down` selection). A record kept by its HA policy while its
    /// master stayed dead (a when-synced refusal, a shutdown veto) goes here once the policy is
    /// gone. Durable ones live on in `rabbit_durable_queue` and come back with the node.
    pub(crate) fn delete_unreplicated_of(&mut self, n: usize) {
        for i in 0..self.queues.len() {
            let q = QueueId(i);
            let r = &self.queues[i];
            if r.deleted
                || r.durable
                || self.procs[r.master.0].alive
                || self.proc_node(r.master) != n
                || self.replicated(q)
            {
                continue;
            }
            self.delete_queue_record(q, DeleteCause::NodeWentDown);
        }
    }

    /// The first node to start after the whole cluster stopped: `rabbit_queue` is a RAM table,
    /// so every transient record went with the last node (durable ones are reloaded from
    /// `rabbit_durable_queue`).
    fn drop_ram_only_records(&mut self) {
        for i in 0..self.queues.len() {
            let r = &self.queues[i];
            if r.deleted || r.durable || self.procs[r.master.0].alive {
                continue;
            }
            self.queues[i].deleted = true;
            self.unbind_gone_queue(QueueId(i));
            self.changed(StateChange::TransientQueueGone {
                queue: self.queue_name(QueueId(i)),
            });
        }
    }

    /// The network was cut into `sides` and each side declared the others' nodes down: each
    /// runs `on_node_down` for them, so a transient queue that is not replicated stays only in
    /// its master's side's records (the other sides stop listing it at once).
    pub(crate) fn drop_unreplicated_across(&mut self, sides: &[u8]) {
        for i in 0..self.queues.len() {
            let q = QueueId(i);
            let r = &self.queues[i];
            if r.deleted
                || r.durable
                || r.side.is_some()
                || !self.procs[r.master.0].alive
                || self.replicated(q)
            {
                continue;
            }
            let mside = sides[self.proc_node(r.master)];
            let nodes: Vec<String> = self
                .cluster
                .members()
                .filter(|&x| sides[x] != mside && self.node_running(x))
                .map(|x| self.node_name(x).to_string())
                .collect();
            if nodes.is_empty() {
                continue;
            }
            self.queues[i].side = Some(mside);
            self.changed(StateChange::QueueDeleted {
                queue: self.queue_name(q),
                cause: DeleteCause::DeclaredDownAcross { nodes },
            });
        }
    }

    /// A record that goes without a `queue.delete` (its processes are already gone).
    fn delete_queue_record(&mut self, q: QueueId, cause: DeleteCause) {
        self.consumers.retain(|c| c.queue != q);
        self.queues[q.0].deleted = true;
        self.unbind_gone_queue(q);
        self.changed(StateChange::QueueDeleted {
            queue: self.queue_name(q),
            cause,
        });
    }

    /// Whether `rabbitmqctl delete_queue` (`wait_for_promoted_or_stopped`) must wait: the
    /// master is dead but a live mirror may still be promoted.
    pub fn delete_must_wait(&self, q: QueueId) -> bool {
        !self.queue_available(q) && !self.live_mirrors(q).is_empty()
    }

    /// `rabbit_amqqueue:delete/4` as `rabbitmqctl delete_queue` calls it; `Ok` holds the
    /// number of ready messages the queue had. `None` is `not_found`: a durable record whose
    /// master is dead and that is not replicated lives only in `rabbit_durable_queue`
    /// (on_node_down took it out of `rabbit_queue`, where `lookup/1` looks).
    /// A record with no live process at all is force-deleted with 0 messages (`--if-empty`
    /// refuses it: it may not be empty).
    pub fn delete_queue_checked(
        &mut self,
        q: QueueId,
        if_unused: bool,
        if_empty: bool,
    ) -> Option<Result<usize, DeleteRefusal>> {
        if !self.queue_available(q) {
            if self.listed_down(q) {
                return None;
            }
            if if_empty {
                return Some(Err(DeleteRefusal::NotEmpty));
            }
            self.delete_queue(q);
            return Some(Ok(0));
        }
        let ready = self.procs[self.queues[q.0].master.0].ready.len();
        if if_empty && ready > 0 {
            return Some(Err(DeleteRefusal::NotEmpty));
        }
        if if_unused && self.consumers.iter().any(|k| k.queue == q) {
            return Some(Err(DeleteRefusal::InUse));
        }
        self.delete_queue(q);
        Some(Ok(ready))
    }

    /// Deletes a queue (`queue.delete`).
    pub fn delete_queue(&mut self, q: QueueId) {
        for p in self.queues[q.0].ring.clone() {
            self.kill_proc(p);
        }
        let m = self.queues[q.0].master;
        self.kill_proc(m);
        self.consumers.retain(|c| c.queue != q);
        self.queues[q.0].deleted = true;
        self.unbind_gone_queue(q);
        self.changed(StateChange::QueueDeleted {
            queue: self.queue_name(q),
            cause: DeleteCause::Deleted,
        });
    }
}

impl Sim {
    /// Stores a validated policy and re-evaluates the vhost's queues (§1.5).
    pub fn set_policy(
        &mut self,
        vhost: &str,
        kind: crate::sim::policy::definition::PolicyKind,
        spec: crate::sim::policy::definition::ValidatedPolicy,
    ) {
        let change = StateChange::PolicySet {
            name: spec.name.clone(),
            pattern: spec.pattern.source().to_string(),
            vhost: vhost.to_string(),
        };
        self.policies.set(vhost, kind, spec);
        self.changed(change);
        self.reapply_policies(vhost);
    }

    /// Removes a policy; false when there is none.
    pub fn clear_policy(
        &mut self,
        vhost: &str,
        kind: crate::sim::policy::definition::PolicyKind,
        name: &str,
    ) -> bool {
        if !self.policies.clear(vhost, kind, name) {
            return false;
        }
        self.changed(StateChange::PolicyCleared {
            name: name.to_string(),
            vhost: vhost.to_string(),
        });
        self.reapply_policies(vhost);
        true
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::engine::MASTER_RETRY;
    use crate::sim::queues::{DeclareArgs, DeclareAttempt, MASTER_RETRY_INTERVAL};
    use crate::sim::scenario::Session;

    fn session(lines: &[&str]) -> Session {
        let mut s = Session::new(&["cluster nodes=3", "seed 3"]).unwrap();
        for l in lines {
            let r = s.apply(l).unwrap();
            assert_eq!(r.exit_code, 0, "{l}: {}", r.output);
        }
        s
    }

    fn durable(name: &str) -> DeclareArgs {
        DeclareArgs {
            name: name.into(),
            durable: true,
            ..DeclareArgs::default()
        }
    }

    #[test]
    fn a_declare_looks_again_every_30_ms_until_the_deadline_then_times_out() {
        let mut s = session(&[
            "client app node=node1",
            "app declare s durable",
            "kill node1",
        ]);
        let sim = &mut s.run.sim;
        let deadline = sim.now() + MASTER_RETRY;
        let first = sim.declare_queue_retrying(None, 1, "/", durable("s"), deadline);
        assert_eq!(
            first,
            DeclareAttempt::RetryAt(sim.now() + MASTER_RETRY_INTERVAL)
        );
        sim.advance_to(deadline);
        let last = sim.declare_queue_retrying(None, 1, "/", durable("s"), deadline);
        let DeclareAttempt::Done(Err(e)) = last else {
            panic!("{last:?}")
        };
        assert_eq!(
            e.to_string(),
            "NOT_FOUND - failed to perform operation on queue 's' in vhost '/' due to timeout"
        );
    }

    #[test]
    fn a_declare_waiting_for_a_dead_master_goes_through_once_a_mirror_is_promoted() {
        let mut s = session(&[
            r#"rabbitmqctl set_policy ha "^s$" '{"ha-mode":"all"}'"#,
            "client app node=node1",
            "app declare s durable",
            "wait 1s",
            "client g node=node2",
            "kill node1",
        ]);
        let t0 = s.run.sim.now();
        let r = s.apply("g declare s durable").unwrap();
        assert_eq!((r.exit_code, r.output.as_str()), (0, "declare-ok s"));
        let waited = s.run.sim.now().0 - t0.0;
        assert!(waited > 0 && waited < MASTER_RETRY.0, "waited {waited} µs");
    }
}
