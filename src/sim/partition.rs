//! Network partitions (spec §7): links between sides drop messages; each side declares the
//! other's nodes down after net_ticktime × U(0.75, 1.25); then `cluster_partition_handling`
//! decides: `ignore` lets both sides run (a queue with replicas on both sides gets one master
//! per side — split brain), `pause_minority` stops the app on the minority, `autoheal` restarts
//! the losers when the network heals.

use crate::sim::cluster::NodeState;
use crate::sim::engine::{Ev, PartitionHandling, Sim, GM_DEATH_DELAY};
use crate::sim::model::*;
use crate::sim::state_change::{PartialAction, QueueName, StateChange};
use crate::sim::time::Micros;

/// How far past net_ticktime a node may declare a silent peer down, as a fraction of it.
pub const TICK_SPREAD: f64 = 0.27;

impl Sim {
    /// Cuts the network between the given sides (each a list of node indices).
    pub fn partition(&mut self, sides: &[Vec<usize>]) -> Result<(), String> {
        if self.partition.is_some() || self.partial_cut.is_some() {
            return Err("the network is already partitioned: heal it first".to_string());
        }
        let n = self.cluster.nodes.len();
        let mut side = vec![u8::MAX; n];
        for (i, s) in sides.iter().enumerate() {
            for &x in s {
                if !self.cluster.is_member(x) {
                    return Err(format!(
                        "{} is not a member of the cluster",
                        self.node_name(x)
                    ));
                }
                if side[x] != u8::MAX {
                    return Err(format!("{} is on two sides", self.node_name(x)));
                }
                side[x] = i as u8;
            }
        }
        // Nodes not named form one more side together.
        let extra = sides.len() as u8;
        for s in side.iter_mut().filter(|s| **s == u8::MAX) {
            *s = extra;
        }
        let sides: Vec<Vec<String>> = (0..=extra)
            .map(|k| {
                (0..n)
                    .filter(|&x| side[x] == k && self.cluster.is_member(x))
                    .map(|x| self.node_name(x).to_string())
                    .collect::<Vec<_>>()
            })
            .filter(|s| !s.is_empty())
            .collect();
        self.changed(StateChange::PartitionRecorded { sides });
        self.partition = Some(side.clone());
        self.partition_epoch += 1;
        // Each node stops hearing the peers across the cut and declares each down on its own
        // tick timeout: after 1–1.27 × its net_ticktime (measured on 3.10.8 with T = 10 s over
        // 104 node pairs: 9.997–12.646 s, never before T).
        let members: Vec<usize> = self.cluster.members().collect();
        let mut pairs = Vec::new();
        for &a in &members {
            for &b in &members {
                if side[a] != side[b] {
                    pairs.push((a, b));
                }
            }
        }
        self.schedule_detections(&pairs);
        Ok(())
    }

    /// Cuts the one link between `a` and `b` (`partition node1 - node2`): both still reach
    /// every other node, so when one of them declares the other down, a third node tells it
    /// the other is still up (`check_partial_partition`) and its mode acts on that.
    pub fn partial_partition(&mut self, a: usize, b: usize) -> Result<(), String> {
        if self.partition.is_some() || self.partial_cut.is_some() {
            return Err("the network is already partitioned: heal it first".to_string());
        }
        if a == b {
            return Err("a link joins two different nodes: partition node1 - node2".to_string());
        }
        for x in [a, b] {
            if !self.cluster.is_member(x) {
                return Err(format!(
                    "{} is not a member of the cluster",
                    self.node_name(x)
                ));
            }
        }
        self.changed(StateChange::LinkCut {
            node: self.node_name(a).to_string(),
            peer: self.node_name(b).to_string(),
        });
        self.partial_cut = Some((a, b));
        self.partition_epoch += 1;
        self.schedule_detections(&[(a, b), (b, a)]);
        Ok(())
    }

    /// Each node of each (node, peer) pair stops hearing the peer and declares it down on its
    /// own tick timeout: after 1–1.27 × its net_ticktime (measured on 3.10.8 with T = 10 s
    /// over 104 node pairs: 9.997–12.646 s, never before T).
    fn schedule_detections(&mut self, pairs: &[(usize, usize)]) {
        let n = self.cluster.nodes.len();
        self.declared_down = vec![vec![false; n]; n];
        self.detect_at = vec![vec![None; n]; n];
        let epoch = self.partition_epoch;
        for &(a, b) in pairs {
            let at = self.now + self.tick_timeout(a);
            self.detect_at[a][b] = Some(at);
            self.schedule(
                at,
                Ev::PartitionDetected {
                    epoch,
                    node: a,
                    peer: b,
                },
            );
        }
    }

    /// `a` declared `b` down across a single cut link: a running node that still sees both
    /// answers `partial_partition`, and `a`'s mode decides. pause_minority pauses until the
    /// whole cluster is back; the other modes (pause_if_all_down when in its preferred
    /// partition) disconnect from that node, which makes it a full partition with `a` alone.
    fn check_partial_partition(&mut self, a: usize, b: usize) {
        if !self.node_running(a) || !self.node_running(b) {
            return;
        }
        let Some(proxy) = self.cluster.members().find(|&z| {
            z != a && z != b && self.node_running(z) && self.connected(z, a) && self.connected(z, b)
        }) else {
            return;
        };
        let settings = self.settings(a);
        let mode = settings.partition_handling;
        let preferred_seen = self.must_pause(a, |x| self.connected(a, x)).is_none();
        let action = match mode {
            PartitionHandling::PauseMinority => PartialAction::Pause,
            PartitionHandling::PauseIfAllDown if !preferred_seen => PartialAction::AboutToPause,
            _ => PartialAction::Disconnect {
                from: self.node_name(proxy).to_string(),
            },
        };
        self.changed(StateChange::PartialPartition {
            node: self.node_name(a).to_string(),
            down: self.node_name(b).to_string(),
            proxy: self.node_name(proxy).to_string(),
            action,
        });
        match mode {
            PartitionHandling::PauseMinority => self.pause_node(a),
            PartitionHandling::PauseIfAllDown if !preferred_seen => {}
            _ => self.upgrade_to_full_partition(a),
        }
    }

    /// `upgrade_to_full_partition`: `a` and the nodes it still saw drop their links at once
    /// (an explicit disconnect, not a tick timeout), so the cut becomes `{a} | the others`.
    fn upgrade_to_full_partition(&mut self, a: usize) {
        let n = self.cluster.nodes.len();
        let mut side = vec![1u8; n];
        side[a] = 0;
        self.partial_cut = None;
        self.partition = Some(side.clone());
        let others: Vec<usize> = self
            .cluster
            .members()
            .filter(|&z| {
                side[z] != side[a] && !self.declared(z, a) && self.detect_at[z][a].is_none()
            })
            .collect();
        for &z in &others {
            self.detect_at[a][z] = Some(self.now);
            self.detect_at[z][a] = Some(self.now);
        }
        for &z in &others {
            self.declare_down(a, z, None);
            self.declare_down(z, a, None);
        }
    }

    /// How long node `a` takes to declare a silent peer down: the net_kernel ticker checks
    /// every T/4 and gives up after four silent ticks, so T plus up to a little more than a
    /// tick of phase and scheduling.
    fn tick_timeout(&mut self, a: usize) -> Micros {
        let tick = self.settings(a).net_ticktime.0 as f64;
        Micros((tick * (1.0 + TICK_SPREAD * self.rng.unit())) as u64)
    }

    /// Whether node `a` has declared `b` down across the current cut.
    pub(crate) fn declared(&self, a: usize, b: usize) -> bool {
        self.declared_down
            .get(a)
            .and_then(|r| r.get(b))
            .copied()
            .unwrap_or(false)
    }

    /// Whether the distribution link between `a` and `b` is gone: either end declared the
    /// other down, so what TCP held between them is lost rather than delivered at the heal.
    pub(crate) fn link_torn(&self, a: usize, b: usize) -> bool {
        self.declared(a, b) || self.declared(b, a)
    }

    /// The sides whose records differ: those of the current partition, or those an `ignore`
    /// heal left recorded.
    pub(crate) fn recorded_sides(&self) -> Option<&Vec<u8>> {
        self.partition.as_ref().or(self.healed_split.as_ref())
    }

    /// The `Network Partitions` section of `cluster_status` run on node `n`: nothing while the
    /// network is cut (the nodes only see their peers down); after a heal that left the
    /// partition recorded, one line per running node `n` sees, naming the nodes of the other
    /// sides (each node monitor's `partitions`).
    pub fn partition_report(&self, n: usize) -> String {
        let Some(sides) = self.healed_split.as_ref() else {
            return String::new();
        };
        let mut out = String::new();
        for x in self.running_nodes() {
            if sides[x] != sides[n] {
                continue;
            }
            let others: Vec<&str> = self
                .cluster
                .members()
                .filter(|&y| sides[y] != sides[x])
                .map(|y| self.node_name(y))
                .collect();
            if !others.is_empty() {
                out.push_str(&format!(
                    "Node {} cannot communicate with {}\n",
                    self.node_name(x),
                    others.join(", ")
                ));
            }
        }
        out
    }

    /// Whether `a` and `b` share a view of the cluster: on the same side of the current
    /// partition, or of one an `ignore` heal left recorded (Mnesia does not merge the sides:
    /// each lists only its own side as running).
    pub fn same_side(&self, a: usize, b: usize) -> bool {
        match self.recorded_sides() {
            Some(sides) => sides[a] == sides[b],
            None => true,
        }
    }

    /// Side of each node in the current partition.
    fn sides(&self) -> Vec<u8> {
        self.partition
            .clone()
            .unwrap_or_else(|| vec![0; self.cluster.nodes.len()])
    }

    /// Node `a` declares `b` down (`nodedown`, reason `net_tick_timeout`): their link is torn
    /// down, and a queue whose master is on one of them and whose mirrors are on the other's
    /// side splits, its mirrors there promoting once their own nodes have declared the
    /// master's node down. The node monitors react between this step and the next.
    pub(crate) fn on_partition_detected(&mut self, epoch: u64, a: usize, b: usize) {
        if epoch != self.partition_epoch
            || (self.partition.is_none() && self.partial_cut.is_none())
            || self.declared(a, b)
        {
            return;
        }
        let ticktime = self.settings(a).net_ticktime.0 / 1_000_000;
        self.declare_down(a, b, Some(ticktime));
    }

    /// `a` sees `b` down: after `ticktime_secs` of silence, or (`None`) on a disconnect.
    fn declare_down(&mut self, a: usize, b: usize, ticktime_secs: Option<u64>) {
        if self.declared(a, b) {
            return;
        }
        self.declared_down[a][b] = true;
        self.changed(StateChange::NetTickTimeout {
            node: self.node_name(a).to_string(),
            peer: self.node_name(b).to_string(),
            ticktime_secs,
        });
        self.drop_cut_buffer(a, b);
        // The channels on `a` see the replicas on `b` go down: a publish that every replica
        // in reach has confirmed is confirmed now.
        let on_b: Vec<bool> = self.procs.iter().map(|r| r.pid.node == b).collect();
        self.channels_see_down(|c| c.node == a, |p| on_b[p.0]);
        let sides = self.sides();
        for i in 0..self.queues.len() {
            let q = QueueId(i);
            if self.queues[i].deleted || !self.queue_available(q) {
                continue;
            }
            let m = self.proc_node(self.queues[i].master);
            let other = if m == a {
                b
            } else if m == b {
                a
            } else {
                continue;
            };
            if self.queues[i].side.is_none() || self.queues[i].side == Some(sides[m]) {
                self.split_queue(q, &sides, sides[other]);
            }
        }
        self.drop_unreplicated_across(&sides);
        if self.partial_cut.is_some() {
            self.check_partial_partition(a, b);
        }
    }

    /// When the first node of `side` holding a mirror of `q` declares the master's node
    /// `m` down: the moment its mirrors see the master die.
    fn side_detects(&self, side: u8, m: usize, mirrors: &[ProcId]) -> Micros {
        mirrors
            .iter()
            .filter_map(|&p| {
                let x = self.proc_node(p);
                let sides = self.partition.as_ref()?;
                (sides[x] == side)
                    .then(|| self.detect_at.get(x)?.get(m).copied().flatten())
                    .flatten()
            })
            .min()
            .unwrap_or(self.now)
            .max(self.now)
    }

    /// The running members that pause when the network is cut into `sides` (node → side),
    /// each with the members it sees and the members in all: those whose own
    /// `cluster_partition_handling` is `pause_minority` and that see at most half the members
    /// (`majority/1`: alive/total must be > 0.5 to keep running).
    pub fn minority_pauses(&self, sides: &[u8]) -> Vec<(usize, usize, usize)> {
        self.cluster
            .members()
            .filter(|&n| self.node_running(n))
            .filter_map(|n| {
                self.must_pause(n, |x| sides[x] == sides[n])
                    .map(|(visible, total)| (n, visible, total))
            })
            .collect()
    }

    /// Gives `side` its own view of a queue whose replicas span the cut (the master's side
    /// forgets the mirrors there at once).
    fn split_queue(&mut self, q: QueueId, sides: &[u8], side: u8) {
        let master = self.queues[q.0].master;
        let m = self.proc_node(master);
        let mside = sides[m];
        let has_mirrors_there = self.queues[q.0]
            .mirrors
            .iter()
            .any(|&p| sides[self.proc_node(p)] == side);
        if side == mside || !has_mirrors_there {
            return;
        }
        self.queues[q.0].side = Some(mside);
        {
            let moved: Vec<ProcId> = self.queues[q.0]
                .mirrors
                .iter()
                .copied()
                .filter(|&p| sides[self.proc_node(p)] == side)
                .collect();
            // The master's side sees those mirrors die.
            let r = &mut self.queues[q.0];
            r.mirrors.retain(|p| !moved.contains(p));
            r.synced.retain(|p| !moved.contains(p));
            r.ring.retain(|p| !moved.contains(p));
            // Channels stop waiting for the confirms of replicas across the cut when their own
            // node declares those replicas' node down (`on_partition_detected`).
            self.end_sync_without_mirrors(q);
            // The ring closes over the cut: in-flight broadcasts reach the remaining mirrors.
            let staying: Vec<ProcId> = self.queues[q.0].mirrors.clone();
            self.gm_catchup(master, &staying);
            // The other side's record: the master is unreachable, i.e. dead to it.
            let fork = QueueId(self.queues.len());
            let ghost = ProcId(self.procs.len());
            let mut g = self.procs[master.0].clone();
            g.alive = false;
            g.queue = fork;
            g.ready.clear();
            g.unacked.clear();
            self.procs.push(g);
            let mut rec = self.queues[q.0].clone();
            rec.side = Some(side);
            rec.master = ghost;
            // The master's sync stays on its side.
            rec.sync = None;
            if rec.state == QueueState::Syncing {
                rec.state = QueueState::Running;
            }
            rec.mirrors = moved.clone();
            rec.synced = self.queues[q.0].synced.clone();
            rec.synced = moved
                .iter()
                .copied()
                .filter(|p| self.procs[p.0].depth_delta == Some(0))
                .collect();
            rec.ring = std::iter::once(ghost)
                .chain(moved.iter().copied())
                .collect();
            self.queues.push(rec);
            for &p in &moved {
                self.procs[p.0].queue = fork;
                // GM state keyed by the old master now refers to the ghost.
                let gm = &mut self.procs[p.0].gm;
                if let Some(v) = gm.pending.remove(&master) {
                    gm.pending.insert(ghost, v);
                }
                if let Some(v) = gm.last_seen.remove(&master) {
                    gm.last_seen.insert(ghost, v);
                }
            }
            // The mirrors there promote once their side has declared the master's node down.
            let at = self.side_detects(side, m, &moved) + GM_DEATH_DELAY;
            self.schedule(
                at,
                Ev::GmDeaths {
                    queue: fork,
                    dead: vec![ghost],
                },
            );
            let change = StateChange::SplitBrain {
                queue: self.queue_name(q),
                nodes: moved
                    .iter()
                    .map(|&p| self.node_name(self.proc_node(p)).to_string())
                    .collect(),
            };
            self.changed(change);
        }
        if self.queues[q.0].is_mirrored() {
            self.update_mirrors(q);
        }
    }

    /// Heals the network. `ignore` merges nothing (the operator must restart one side);
    /// `pause_minority` restarts the paused nodes; `autoheal` restarts the losing side.
    pub fn heal(&mut self) -> Result<(), String> {
        if self.partial_cut.take().is_some() {
            // The link is back: nothing was split; a node paused for the partial partition
            // sees every node again and starts (`node_monitor`).
            self.partition_epoch += 1;
            self.release_cut_buffer();
            self.declared_down.clear();
            self.detect_at.clear();
            self.changed(StateChange::NetworkHealed);
            return Ok(());
        }
        let Some(sides) = self.partition.clone() else {
            return Err("the network is not partitioned".to_string());
        };
        self.partition_epoch += 1;
        // Before detection the distribution links held: their traffic arrives now. Once the
        // sides have declared each other down, Mnesia reports `inconsistent_database` as they
        // meet again and the partition is recorded, whether or not a queue spans the cut.
        self.release_cut_buffer();
        let detected = self.declared_down.iter().flatten().any(|&d| d);
        self.declared_down.clear();
        self.detect_at.clear();
        self.changed(StateChange::NetworkHealed);
        let n = self.cluster.nodes.len();
        match self.heal_mode() {
            PartitionHandling::PauseMinority => {
                self.partition = None;
                // The majority kept running: its records are the truth.
                let majority = (0..n).find(|&x| self.node_running(x)).map(|x| sides[x]);
                self.unify_records(&sides, majority);
                for x in 0..n {
                    if self.cluster.nodes[x].state == NodeState::Paused {
                        self.cluster.nodes[x].state = NodeState::Stopped;
                        let _ = self.start_node(x);
                    }
                }
            }
            PartitionHandling::Autoheal if detected => {
                // The records stay split until the autoheal rounds have restarted one side.
                self.partition = None;
                self.healed_split = Some(sides.clone());
                self.autoheal_after_heal(&sides);
            }
            _ => {
                // ignore: both masters keep running; the partition stays on record until the
                // operator restarts the nodes of one side.
                self.partition = None;
                if detected {
                    self.healed_split = Some(sides);
                }
            }
        }
        Ok(())
    }

    /// How a heal is handled: paused nodes come back (pause_minority); else the mode of the
    /// first member, which autoheal makes its leader.
    fn heal_mode(&self) -> PartitionHandling {
        let paused = self
            .cluster
            .nodes
            .iter()
            .any(|n| n.state == NodeState::Paused);
        match self.cluster.members().next() {
            _ if paused => PartitionHandling::PauseMinority,
            Some(first) => self.settings(first).heal_mode(),
            None => self.config.partition_handling,
        }
    }

    /// Drops the forked records of every side but `keep` (None: the side holding each
    /// queue's original master), wiping their replicas: they rejoin as empty mirrors.
    pub(crate) fn unify_records(&mut self, sides: &[u8], keep: Option<u8>) {
        let mut names: Vec<(String, String)> = self
            .queues
            .iter()
            .filter(|q| !q.deleted && q.side.is_some())
            .map(|q| (q.vhost.clone(), q.name.clone()))
            .collect();
        crate::sort::sort(&mut names);
        names.dedup();
        for (vhost, name) in names {
            let ids: Vec<QueueId> = (0..self.queues.len())
                .map(QueueId)
                .filter(|&q| {
                    let r = &self.queues[q.0];
                    !r.deleted && r.vhost == vhost && r.name == name
                })
                .collect();
            let survivor = match keep {
                Some(side) => ids
                    .iter()
                    .copied()
                    .find(|&q| self.queues[q.0].side == Some(side)),
                None => ids.first().copied(),
            }
            .or_else(|| ids.first().copied());
            for &q in &ids {
                if Some(q) != survivor {
                    let change = StateChange::SplitRecordDiscarded {
                        queue: QueueName::new(&name, &vhost),
                        side: self.queues[q.0].side.map_or(0, |s| s),
                    };
                    self.delete_queue(q);
                    self.changed(change);
                }
            }
            if let Some(q) = survivor {
                self.queues[q.0].side = None;
                if self.queue_available(q) && self.queues[q.0].is_mirrored() {
                    self.update_mirrors(q);
                }
            }
        }
        let _ = sides;
        self.healed_split = None;
    }

    /// After an `ignore`-mode heal, restarting a node of one side discards that side's records.
    pub(crate) fn after_restart_in_split(&mut self, n: usize) {
        let Some(sides) = self.healed_split.clone() else {
            return;
        };
        // Under autoheal the rounds decide which side a restarted node joins.
        if self.heal_mode() == PartitionHandling::Autoheal {
            return;
        }
        let mine = sides[n];
        let max = sides.iter().copied().max().unwrap_or(0);
        let others: Vec<u8> = (0..=max).filter(|&s| s != mine).collect();
        if let Some(&keep) = others.first() {
            self.unify_records(&sides, Some(keep));
        }
    }
}
