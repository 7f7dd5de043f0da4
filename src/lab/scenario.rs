//! Each cell of the lab as an ordinary scenario text (docs/scenario-format.md), so any figure
//! can be reproduced with `mirrorscope run` on the printed text.

use crate::lab::params::{CostModel, LabParams, Mirrors};

/// The queue every cell uses.
pub const QUEUE: &str = "lab";
/// Time the cluster is left to settle before the measured phase starts (policy, declare,
/// consumers), in milliseconds.
pub const SETTLE_MS: u64 = 500;
/// Most scenario lines a paced cell's publishing phase may take: the tick grows to keep the
/// text well inside the scenario size bound.
const PACED_LINES_MAX: u64 = 4_000;

/// One experiment of the lab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// Publishers at `rate` per second for `seconds`: latency, bytes, memory.
    Paced(Mirrors),
    /// Publishers as fast as their confirm window allows: throughput.
    Saturated(Mirrors),
    /// A new mirror synchronising `sync_messages` in batches of this size.
    Sync(u32),
    /// A node cut off with this `net_ticktime` (seconds).
    Detect(u32),
}

fn header(nodes: u8, p: &LabParams, ticktime: u32) -> String {
    let c: &CostModel = &p.cost;
    // Only with a limit, so unlimited runs write the scenarios they always did.
    let wire = if c.bandwidth == 0 {
        String::new()
    } else {
        format!(
            " link_bandwidth={} frame_bytes={} body_bytes={}",
            c.bandwidth, c.frame_overhead, p.size
        )
    };
    format!(
        "cluster nodes={nodes}\nseed {}\nconfig net_ticktime={ticktime} latency={}us client_latency={}us fsync={}us op_cost={}us{wire}\n",
        p.seed, c.latency_us, c.client_latency_us, c.fsync_us, c.op_cost_us
    )
}

fn policy(m: Mirrors, batch: Option<u32>, mode: &str) -> String {
    let ha = match m {
        Mirrors::Exactly(n) => format!(r#""ha-mode":"exactly","ha-params":{}"#, u32::from(n) + 1),
        Mirrors::All => r#""ha-mode":"all""#.to_string(),
    };
    let batch = batch
        .map(|b| format!(r#","ha-sync-batch-size":{b}"#))
        .unwrap_or_default();
    format!(
        "rabbitmqctl set_policy lab \"^{QUEUE}$\" '{{{ha},\"ha-sync-mode\":\"{mode}\"{batch}}}'\n"
    )
}

fn durability(p: &LabParams) -> (&'static str, &'static str) {
    if p.persistent {
        ("durable", "persistent")
    } else {
        ("transient", "transient")
    }
}

/// The queue declared from node1 (so its master is there), the consumers attached.
fn queue_and_consumers(p: &LabParams, out: &mut String) {
    let (durable, _) = durability(p);
    out.push_str(&format!(
        "client setup node=node1\nsetup declare {QUEUE} {durable}\n"
    ));
    for j in 0..p.consumers {
        let node = usize::from(j % p.nodes) + 1;
        out.push_str(&format!(
            "client c{j} node=node{node}\nc{j} consume {QUEUE} ack=manual\n"
        ));
    }
}

/// The tick of a paced cell in ms: 10 ms, longer when the lines would not fit.
pub fn paced_tick_ms(p: &LabParams) -> u64 {
    let per_tick = u64::from(p.publishers) + u64::from(p.consumers.min(1)) + 1;
    let ticks_fit = PACED_LINES_MAX / per_tick;
    let ms = u64::from(p.seconds) * 1000;
    10u64.max(ms.div_ceil(ticks_fit.max(1)))
}

/// The scenario of one cell.
pub fn cell_text(p: &LabParams, cell: Cell) -> String {
    match cell {
        Cell::Paced(m) => paced(p, m),
        Cell::Saturated(m) => saturated(p, m),
        Cell::Sync(b) => sync(p, b),
        Cell::Detect(t) => detect(p, t),
    }
}

fn paced(p: &LabParams, m: Mirrors) -> String {
    let mut s = header(p.nodes, p, 60);
    s.push_str(&policy(m, None, "automatic"));
    queue_and_consumers(p, &mut s);
    let (_, mode) = durability(p);
    for i in 0..p.publishers {
        let node = usize::from(i % p.nodes) + 1;
        s.push_str(&format!("client p{i} node=node{node}\np{i} confirm\n"));
    }
    s.push_str(&format!("wait {SETTLE_MS}ms\n"));
    let tick = paced_tick_ms(p);
    let total_ms = u64::from(p.seconds) * 1000;
    let rate = u64::from(p.rate);
    let mut t = 0;
    while t < total_ms {
        let end = (t + tick).min(total_ms);
        // Publishes due in [t, end): the running total rounded down keeps the rate exact.
        let n = rate * end / 1000 - rate * t / 1000;
        if n > 0 {
            for i in 0..p.publishers {
                s.push_str(&format!("p{i} publish {QUEUE} \"m\" {mode} count={n}\n"));
            }
        }
        if p.consumers > 0 && t > 0 {
            for j in 0..p.consumers {
                s.push_str(&format!("c{j} ack all\n"));
            }
        }
        s.push_str(&format!("wait {}ms\n", end - t));
        t = end;
    }
    // Let the last confirms in before the figures are read.
    s.push_str("wait 1s\n");
    s
}

fn saturated(p: &LabParams, m: Mirrors) -> String {
    let mut s = header(p.nodes, p, 60);
    s.push_str(&policy(m, None, "automatic"));
    queue_and_consumers(p, &mut s);
    s.push_str(&format!("wait {SETTLE_MS}ms\n"));
    let delivery = if p.persistent {
        ", properties=pika.BasicProperties(delivery_mode=2)"
    } else {
        ""
    };
    for i in 0..p.publishers {
        let node = usize::from(i % p.nodes) + 1;
        for w in 0..p.window {
            s.push_str(&format!(
                "python s{i}w{w} on node=node{node} <<EOF\nimport pika\nc = pika.BlockingConnection(pika.ConnectionParameters('node{node}'))\nch = c.channel()\nch.confirm_delivery()\nwhile True:\n    ch.basic_publish('', '{QUEUE}', 'm'{delivery})\nEOF\n"
            ));
        }
    }
    s.push_str(&format!("wait {}s\n", p.seconds));
    s
}

/// Longest a sync cell waits, s: past it the sync shows as not finished.
pub const SYNC_WAIT_MAX_SECS: u64 = 3_600;

/// Upper bound of a sync's length in the model: a round trip per batch, the per-message
/// copy cost, with room to spare; the cell waits this long.
pub fn sync_wait_secs(p: &LabParams, batch: u32) -> u64 {
    let batches = u64::from(p.sync_messages).div_ceil(u64::from(batch));
    let per_batch = 2 * (p.cost.latency_us + p.cost.op_cost_us) + 1_000;
    let mut us = batches * per_batch + u64::from(p.sync_messages) * 10;
    let bytes = u64::from(p.sync_messages) * (u64::from(p.size) + p.cost.frame_overhead);
    // 0 is unlimited: no serialisation time.
    us += bytes
        .saturating_mul(1_000_000)
        .checked_div(p.cost.bandwidth)
        .unwrap_or(0);
    us.div_ceil(1_000_000).min(SYNC_WAIT_MAX_SECS) + 5
}

fn sync(p: &LabParams, batch: u32) -> String {
    let mut s = header(2, p, 60);
    let (durable, mode) = durability(p);
    s.push_str(&format!(
        "client setup node=node1\nsetup declare {QUEUE} {durable}\n"
    ));
    let mut left = p.sync_messages;
    while left > 0 {
        let n = left.min(crate::sim::limits::PUBLISH_COUNT_MAX);
        s.push_str(&format!("setup publish {QUEUE} \"m\" {mode} count={n}\n"));
        left -= n;
    }
    s.push_str("wait 1s\n");
    s.push_str(&policy(Mirrors::All, Some(batch), "automatic"));
    s.push_str(&format!("wait {}s\n", sync_wait_secs(p, batch)));
    s
}

fn detect(p: &LabParams, ticktime: u32) -> String {
    let mut s = header(3, p, ticktime);
    s.push_str("wait 1s\npartition node1 | node2 node3\n");
    s.push_str(&format!("wait {}s\n", u64::from(ticktime) * 2));
    s
}
