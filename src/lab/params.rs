//! The lab's parameters: the workload, the mirror counts, sync batch sizes and net_ticktime
//! values to try, and the cost model the simulator's `config` line carries. Every value is
//! bounded; [`LabParams::check`] names the first one out of bounds in words a form can show.

use serde::Serialize;

use crate::lab::refusal::Refusal;

/// How many mirrors a queue gets: `exactly N+1` (N mirrors), or `all` (one on every other node).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Mirrors {
    /// `ha-mode: exactly`, `ha-params: N+1`.
    Exactly(u8),
    /// `ha-mode: all`.
    All,
}

impl Mirrors {
    /// The number of mirrors on a cluster of `nodes` nodes.
    pub fn count(self, nodes: u8) -> u8 {
        match self {
            Mirrors::Exactly(n) => n.min(nodes.saturating_sub(1)),
            Mirrors::All => nodes.saturating_sub(1),
        }
    }

    /// How a list writes it: `2` or `all`.
    pub fn label(self) -> String {
        match self {
            Mirrors::Exactly(n) => n.to_string(),
            Mirrors::All => "all".into(),
        }
    }

    /// Reads `2` or `all`.
    pub fn parse(s: &str) -> Result<Mirrors, Refusal> {
        let s = s.trim();
        if s == "all" {
            return Ok(Mirrors::All);
        }
        match s.parse::<u8>() {
            Ok(n) if n <= 8 => Ok(Mirrors::Exactly(n)),
            _ => Err(Refusal::NotMirrors { text: s.into() }),
        }
    }
}

/// The simulator's cost model, as the scenario's `config` line sets it (`src/sim/engine.rs`
/// `Config`), plus the per-frame overhead the lab adds when it counts bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CostModel {
    /// One-way latency between two nodes (`latency=`), µs.
    pub latency_us: u64,
    /// One-way latency between a client and its node (`client_latency=`), µs.
    pub client_latency_us: u64,
    /// Time to fsync a persistent message on a durable queue before a replica confirms (`fsync=`), µs.
    pub fsync_us: u64,
    /// Time a queue process spends on one GM operation (`op_cost=`), µs: how long a burst
    /// keeps GM from flushing its batch.
    pub op_cost_us: u64,
    /// Bytes every traced frame costs besides the message bodies it carries (AMQP frame
    /// header and method, Erlang distribution header).
    pub frame_overhead: u64,
    /// Bytes per second each direction of a node-to-node link carries (`link_bandwidth=`);
    /// 0: unlimited. With a limit the simulator weighs each frame as `frame_overhead` plus
    /// the workload's message size per body it carries, and queues frames behind each other.
    pub bandwidth: u64,
}

impl Default for CostModel {
    /// The simulator's defaults (`Config::default`) and a 100-byte frame overhead.
    fn default() -> CostModel {
        CostModel {
            latency_us: 1_000,
            client_latency_us: 500,
            fsync_us: 2_000,
            op_cost_us: 20,
            frame_overhead: 100,
            bandwidth: 0,
        }
    }
}

/// Everything a lab run needs; [`LabParams::default`] is the CLI's defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabParams {
    /// Nodes in the cluster of the workload cells (2–9).
    pub nodes: u8,
    /// The mirror counts to try.
    pub mirrors: Vec<Mirrors>,
    /// Confirming publishers (1–8), on nodes 1, 2, … in turn.
    pub publishers: u8,
    /// Consumers with manual acks (0–8), on nodes 1, 2, … in turn; with none the queue keeps
    /// what is published, so the memory figure shows the replicas.
    pub consumers: u8,
    /// Message body size in bytes (0–1 MiB), for the bytes and memory figures.
    pub size: u32,
    /// Publishes per second of each publisher (1–5000) in the paced cell.
    pub rate: u32,
    /// Simulated seconds of publishing (1–60).
    pub seconds: u32,
    /// Confirms each publisher may have outstanding in the saturation cell (1–16): so many
    /// pika connections, each waiting for its confirm before it publishes again.
    pub window: u8,
    /// Persistent messages on a durable queue (fsync before each replica confirms).
    pub persistent: bool,
    /// `ha-sync-batch-size` values to try (1–1,000,000).
    pub batches: Vec<u32>,
    /// Messages in the queue when a new mirror starts to synchronise (1–100,000).
    pub sync_messages: u32,
    /// `net_ticktime` values to try, in seconds (1–600).
    pub ticktimes: Vec<u32>,
    /// The scenarios' `seed`.
    pub seed: u64,
    pub cost: CostModel,
}

impl Default for LabParams {
    fn default() -> LabParams {
        LabParams {
            nodes: 5,
            mirrors: vec![
                Mirrors::Exactly(0),
                Mirrors::Exactly(1),
                Mirrors::Exactly(2),
                Mirrors::Exactly(3),
                Mirrors::Exactly(4),
                Mirrors::All,
            ],
            publishers: 2,
            consumers: 0,
            size: 1024,
            rate: 200,
            seconds: 5,
            window: 1,
            persistent: false,
            batches: vec![1, 64, 4096],
            sync_messages: 10_000,
            ticktimes: vec![10, 60],
            seed: 1,
            cost: CostModel::default(),
        }
    }
}

/// Most publishes one paced cell may make (the simulator's own bound per run is 100,000).
pub const PACED_PUBLISHES_MAX: u64 = 100_000;
/// Slowest link the lab takes, bytes/s (0 is unlimited): slower ones would take simulated
/// hours to carry one cell's traffic.
pub const BANDWIDTH_MIN: u64 = 100_000;
pub use crate::sim::wire::BANDWIDTH_MAX;
/// Most values in one list (mirrors, batches, ticktimes).
pub const LIST_MAX: usize = 10;

fn within(param: &'static str, v: u64, lo: u64, hi: u64) -> Result<(), Refusal> {
    within_unit(param, v, lo, hi, "")
}

fn within_unit(
    param: &'static str,
    value: u64,
    lo: u64,
    hi: u64,
    unit: &'static str,
) -> Result<(), Refusal> {
    if value < lo || value > hi {
        Err(Refusal::OutOfRange {
            param,
            value,
            lo,
            hi,
            unit,
        })
    } else {
        Ok(())
    }
}

fn list_len(param: &'static str, given: usize) -> Result<(), Refusal> {
    if given == 0 {
        Err(Refusal::NoValues { param })
    } else if given > LIST_MAX {
        Err(Refusal::TooManyValues {
            param,
            given,
            max: LIST_MAX,
        })
    } else {
        Ok(())
    }
}

impl LabParams {
    /// The first parameter out of bounds, with its range; its English text starts with the
    /// parameter's name as [`LabParams::set`] takes it, then a colon.
    pub fn check(&self) -> Result<(), Refusal> {
        within("nodes", self.nodes.into(), 2, 9)?;
        list_len("mirrors", self.mirrors.len())?;
        for m in &self.mirrors {
            if let Mirrors::Exactly(n) = m {
                if *n >= self.nodes {
                    return Err(Refusal::MirrorsNeedNodes {
                        mirrors: *n,
                        nodes: self.nodes,
                    });
                }
            }
        }
        within("publishers", self.publishers.into(), 1, 8)?;
        within("consumers", self.consumers.into(), 0, 8)?;
        within("size", self.size.into(), 0, 1 << 20)?;
        within("rate", self.rate.into(), 1, 5_000)?;
        within("seconds", self.seconds.into(), 1, 60)?;
        within("window", self.window.into(), 1, 16)?;
        let paced = u64::from(self.rate) * u64::from(self.publishers) * u64::from(self.seconds);
        if paced > PACED_PUBLISHES_MAX {
            return Err(Refusal::TooManyPublishes {
                publishes: paced,
                max: PACED_PUBLISHES_MAX,
            });
        }
        list_len("batch", self.batches.len())?;
        for &b in &self.batches {
            within("batch", b.into(), 1, 1_000_000)?;
        }
        within("sync-messages", self.sync_messages.into(), 1, 100_000)?;
        list_len("ticktime", self.ticktimes.len())?;
        for &t in &self.ticktimes {
            within("ticktime", t.into(), 1, 600)?;
        }
        let c = &self.cost;
        within_unit("latency", c.latency_us, 1, 1_000_000, "us")?;
        within_unit("client-latency", c.client_latency_us, 1, 1_000_000, "us")?;
        within_unit("fsync", c.fsync_us, 0, 1_000_000, "us")?;
        within_unit("op-cost", c.op_cost_us, 0, 100_000, "us")?;
        within("frame-overhead", c.frame_overhead, 0, 65_536)?;
        if c.bandwidth != 0 {
            within("bandwidth", c.bandwidth, BANDWIDTH_MIN, BANDWIDTH_MAX)?;
        }
        Ok(())
    }
}

/// Reads a comma-separated list (`1,64,4096`) with `one` for each item.
pub fn parse_list<T>(s: &str, one: impl Fn(&str) -> Result<T, Refusal>) -> Result<Vec<T>, Refusal> {
    s.split(',')
        .filter(|x| !x.trim().is_empty())
        .map(|x| one(x.trim()))
        .collect()
}

/// Reads a whole number for the parameter `name`.
pub fn parse_num<T: std::str::FromStr>(param: &'static str, s: &str) -> Result<T, Refusal> {
    s.trim().parse().map_err(|_| Refusal::NotNumber {
        param,
        text: s.trim().into(),
    })
}

fn micros(param: &'static str, v: &str) -> Result<u64, Refusal> {
    crate::sim::time::parse_duration(v.trim())
        .map(|d| d.0)
        .map_err(|detail| Refusal::NotDuration {
            param,
            text: v.trim().into(),
            detail,
        })
}

/// The parameters by name, as the CLI's flags (without `--`) and the page's fields call them:
/// the workload, then the cost model (the page's text fields are the first
/// [`TEXT_PARAMS`]), then `persistent` and the CLI's `scenario`.
pub const PARAM_NAMES: [&str; 20] = [
    "nodes",
    "mirrors",
    "publishers",
    "consumers",
    "size",
    "rate",
    "seconds",
    "window",
    "batch",
    "sync-messages",
    "ticktime",
    "seed",
    "latency",
    "client-latency",
    "fsync",
    "op-cost",
    "frame-overhead",
    "bandwidth",
    "persistent",
    "scenario",
];
/// How many of [`PARAM_NAMES`] take a text value in a form.
pub const TEXT_PARAMS: usize = 18;
/// Where the cost model's parameters start in [`PARAM_NAMES`].
pub const COST_PARAMS_FROM: usize = 12;

impl LabParams {
    /// Sets the parameter `name` from its text (`mirrors` `0,1,all`; durations such as `1ms`
    /// or `500us`, a bare number being milliseconds); the message names the parameter.
    pub fn set(&mut self, name: &str, v: &str) -> Result<(), Refusal> {
        let Some(&name) = PARAM_NAMES.iter().find(|p| **p == name) else {
            return Err(Refusal::Unknown { name: name.into() });
        };
        match name {
            "nodes" => self.nodes = parse_num(name, v)?,
            "mirrors" => self.mirrors = parse_list(v, Mirrors::parse)?,
            "publishers" => self.publishers = parse_num(name, v)?,
            "consumers" => self.consumers = parse_num(name, v)?,
            "size" => self.size = parse_num(name, v)?,
            "rate" => self.rate = parse_num(name, v)?,
            "seconds" => self.seconds = parse_num(name, v)?,
            "window" => self.window = parse_num(name, v)?,
            "persistent" => {
                self.persistent = match v.trim() {
                    "true" | "yes" | "1" => true,
                    "false" | "no" | "0" => false,
                    o => return Err(Refusal::NotBool { text: o.into() }),
                }
            }
            "batch" => self.batches = parse_list(v, |x| parse_num("batch", x))?,
            "sync-messages" => self.sync_messages = parse_num(name, v)?,
            "ticktime" => self.ticktimes = parse_list(v, |x| parse_num("ticktime", x))?,
            "seed" => self.seed = parse_num(name, v)?,
            "latency" => self.cost.latency_us = micros(name, v)?,
            "client-latency" => self.cost.client_latency_us = micros(name, v)?,
            "fsync" => self.cost.fsync_us = micros(name, v)?,
            "op-cost" => self.cost.op_cost_us = micros(name, v)?,
            "frame-overhead" => self.cost.frame_overhead = parse_num(name, v)?,
            "bandwidth" => self.cost.bandwidth = parse_num(name, v)?,
            _ => return Err(Refusal::Unknown { name: name.into() }),
        }
        Ok(())
    }
}

impl LabParams {
    /// The parameter `name` written as [`LabParams::set`] reads it back.
    pub fn get(&self, name: &str) -> Option<String> {
        fn list<T: ToString>(v: &[T]) -> String {
            v.iter().map(T::to_string).collect::<Vec<_>>().join(",")
        }
        let c = &self.cost;
        Some(match name {
            "nodes" => self.nodes.to_string(),
            "mirrors" => self
                .mirrors
                .iter()
                .map(|m| m.label())
                .collect::<Vec<_>>()
                .join(","),
            "publishers" => self.publishers.to_string(),
            "consumers" => self.consumers.to_string(),
            "size" => self.size.to_string(),
            "rate" => self.rate.to_string(),
            "seconds" => self.seconds.to_string(),
            "window" => self.window.to_string(),
            "persistent" => self.persistent.to_string(),
            "batch" => list(&self.batches),
            "sync-messages" => self.sync_messages.to_string(),
            "ticktime" => list(&self.ticktimes),
            "seed" => self.seed.to_string(),
            "latency" => format!("{}us", c.latency_us),
            "client-latency" => format!("{}us", c.client_latency_us),
            "fsync" => format!("{}us", c.fsync_us),
            "op-cost" => format!("{}us", c.op_cost_us),
            "frame-overhead" => c.frame_overhead.to_string(),
            "bandwidth" => c.bandwidth.to_string(),
            _ => return None,
        })
    }
}
