//! The wire's size model (config `link_bandwidth=`, `frame_bytes=`, `body_bytes=`): the
//! settings and what each frame weighs. `bandwidth.rs` applies it to the links; the engine
//! only holds it, so neither imports the other both ways.

use std::collections::BTreeMap;

use crate::sim::time::Micros;
use crate::sim::trace::MsgKind;

/// Most bytes per second a link may be given (1 TB/s).
pub const BANDWIDTH_MAX: u64 = 1_000_000_000_000;
/// Most bytes a frame's overhead or a message body may be counted as (16 MiB).
pub const BYTES_MAX: u64 = 16 << 20;

/// The wire's size model, from the `config` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wire {
    /// Bytes per second each direction of a node-to-node link carries; 0: unlimited.
    pub link_bandwidth: u64,
    /// What each frame costs besides the message bodies it carries (AMQP and distribution headers).
    pub frame_bytes: u64,
    /// What each message body counts for; `None`: its own length, so a scenario with short
    /// bodies can stand for big messages without writing them out.
    pub body_bytes: Option<u64>,
}

impl Default for Wire {
    fn default() -> Wire {
        Wire {
            link_bandwidth: 0,
            frame_bytes: 100,
            body_bytes: None,
        }
    }
}

impl Wire {
    /// Sets one of the config keys `link_bandwidth`, `frame_bytes`, `body_bytes` (whole
    /// numbers of bytes, or bytes per second); false for any other key.
    pub fn set(&mut self, key: &str, v: &str) -> Result<bool, String> {
        let (max, slot) = match key {
            "link_bandwidth" => (BANDWIDTH_MAX, 0),
            "frame_bytes" => (BYTES_MAX, 1),
            "body_bytes" => (BYTES_MAX, 2),
            _ => return Ok(false),
        };
        let n: u64 = v.trim().parse().ok().filter(|n| *n <= max).ok_or_else(|| {
            format!("{key}={v}: expected a whole number of bytes from 0 to {max}")
        })?;
        match slot {
            0 => self.link_bandwidth = n,
            1 => self.frame_bytes = n,
            _ => self.body_bytes = Some(n),
        }
        Ok(true)
    }
}

/// Whether a kind of frame carries message bodies (publishes, GM publications, deliveries,
/// sync batches) or only ids and tags (confirms, acks, requests).
pub fn carries_bodies(kind: MsgKind) -> bool {
    matches!(
        kind,
        MsgKind::Publish
            | MsgKind::GmPubs
            | MsgKind::GmCatchup
            | MsgKind::Deliver
            | MsgKind::Redeliver
            | MsgKind::SyncBatch
    )
}

/// When each direction of each link is next free to start a frame.
pub(crate) type LinkFree = BTreeMap<(usize, usize), Micros>;
