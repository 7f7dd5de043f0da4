//! What one side of a fork came to, read from its run: the checker's findings (the one loss
//! rule: `sim::checker`), the clients' counters and the trace's state changes since the fork
//! instant; and the difference between the two sides, as data the page words in either
//! language (its `Display` is the English).

use std::collections::BTreeMap;
use std::fmt;

use crate::sim::checker::{Anomaly, AnomalyKind};
use crate::sim::engine::Sim;
use crate::sim::model::ConfirmOutcome;
use crate::sim::state_change::StateChange;
use crate::sim::time::Micros;
use crate::sim::trace::TraceKind;

/// One side's outcome at the instant its run is shown.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    /// Messages published (each publish once, however many queues it reached).
    pub published: u64,
    /// Publishes confirmed (basic.ack) to their publishers.
    pub confirmed: u64,
    /// Deliveries to consumers and basic.get, repeats included.
    pub delivered: u64,
    /// Confirmed, then held by no replica and never delivered (the checker's `lost`).
    pub lost: u64,
    /// Never confirmed, never delivered, held by no replica (the checker's `lost_unconfirmed`).
    pub lost_unconfirmed: u64,
    /// Messages delivered more than once.
    pub duplicates: u64,
    /// Time since the fork that queues spent down (no replica running, no mirror promoted),
    /// summed over queues, up to the run's present.
    pub downtime: Micros,
    /// The part of `downtime` from queues that are up again.
    pub downtime_closed: Micros,
    /// When each queue down at the run's present went down (no earlier than the fork).
    pub down_since: Vec<Micros>,
    /// Queues down at the run's present.
    pub down_now: u64,
    /// Consumers cancelled by the broker (failover with `x-cancel-on-ha-failover`, queue gone).
    pub cancels: u64,
    /// Mirrors promoted since the fork: (queue, the promoted replica's node).
    pub promoted: Vec<(String, String)>,
}

/// The node a pid such as `<rabbit@node2.1.250.0>` lives on.
fn pid_node(pid: &str) -> String {
    let inner = pid.trim_start_matches('<').trim_end_matches('>');
    match inner.split_once('.') {
        Some((node, _)) => node.to_string(),
        None => inner.to_string(),
    }
}

/// The outcome of `sim` since `since` (the fork instant), with `anomalies` the checker's
/// findings on it.
pub fn outcome(sim: &Sim, anomalies: &[Anomaly], since: Micros) -> Outcome {
    let count = |k: AnomalyKind| anomalies.iter().filter(|a| a.kind == k).count() as u64;
    let mut o = Outcome {
        published: sim.messages.iter().filter(|m| m.copy_of.is_none()).count() as u64,
        confirmed: sim
            .clients
            .iter()
            .flat_map(|c| &c.confirms)
            .filter(|c| c.2 == ConfirmOutcome::Ack)
            .count() as u64,
        delivered: sim.clients.iter().map(|c| c.deliveries.len() as u64).sum(),
        lost: count(AnomalyKind::Lost),
        lost_unconfirmed: count(AnomalyKind::LostUnconfirmed),
        duplicates: count(AnomalyKind::Duplicate),
        cancels: sim.clients.iter().map(|c| c.cancelled.len() as u64).sum(),
        ..Outcome::default()
    };
    let now = sim.now();
    let since = since.min(now);
    // Queue (vhost, name) → down since.
    let mut down: BTreeMap<(String, String), Micros> = BTreeMap::new();
    let mut total = Micros::ZERO;
    let mut close = |from: Micros, to: Micros| {
        let from = from.max(since);
        if to > from {
            total = total + Micros(to.0 - from.0);
        }
    };
    for e in &sim.trace {
        let TraceKind::State { change, .. } = &e.kind else {
            continue;
        };
        match change.as_ref() {
            StateChange::QueueDown { queue, .. } => {
                down.entry((queue.vhost.clone(), queue.name.clone()))
                    .or_insert(e.at);
            }
            StateChange::Promoted { queue, pid } => {
                if let Some(from) = down.remove(&(queue.vhost.clone(), queue.name.clone())) {
                    close(from, e.at);
                }
                if e.at >= since {
                    o.promoted.push((queue.name.clone(), pid_node(pid)));
                }
            }
            StateChange::QueueRecovered { queue, .. }
            | StateChange::QueueDeleted { queue, .. }
            | StateChange::TransientQueueGone { queue } => {
                if let Some(from) = down.remove(&(queue.vhost.clone(), queue.name.clone())) {
                    close(from, e.at);
                }
            }
            _ => {}
        }
    }
    o.downtime_closed = total;
    o.down_since = down.into_values().map(|from| from.max(since)).collect();
    o.down_now = o.down_since.len() as u64;
    o.downtime = o.downtime_at(now);
    o
}

impl Outcome {
    /// The downtime as it stands at `t` (no earlier than the run's last state change): the
    /// queues still down have been down until `t`. The page reads it on every frame without
    /// reading the run again.
    pub fn downtime_at(&self, t: Micros) -> Micros {
        self.down_since
            .iter()
            .fold(self.downtime_closed, |acc, &from| {
                acc + Micros(t.0.saturating_sub(from.0))
            })
    }
}

/// What is compared between the sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    Published,
    Confirmed,
    Delivered,
    Lost,
    LostUnconfirmed,
    Duplicates,
    /// In microseconds.
    Downtime,
    Cancels,
    Promotions,
}

impl Metric {
    /// Every metric, in the summary table's order.
    pub const ALL: [Metric; 9] = [
        Metric::Lost,
        Metric::LostUnconfirmed,
        Metric::Duplicates,
        Metric::Downtime,
        Metric::Promotions,
        Metric::Cancels,
        Metric::Published,
        Metric::Confirmed,
        Metric::Delivered,
    ];

    /// The metric's value in an outcome.
    pub fn of(self, o: &Outcome) -> u64 {
        match self {
            Metric::Published => o.published,
            Metric::Confirmed => o.confirmed,
            Metric::Delivered => o.delivered,
            Metric::Lost => o.lost,
            Metric::LostUnconfirmed => o.lost_unconfirmed,
            Metric::Duplicates => o.duplicates,
            Metric::Downtime => o.downtime.0,
            Metric::Cancels => o.cancels,
            Metric::Promotions => o.promoted.len() as u64,
        }
    }

    /// Whether more of it is worse for the application (losses, duplicates, downtime).
    pub fn is_harm(self) -> bool {
        matches!(
            self,
            Metric::Lost
                | Metric::LostUnconfirmed
                | Metric::Duplicates
                | Metric::Downtime
                | Metric::Cancels
        )
    }

    /// Its name in the English summary.
    pub fn name_en(self) -> &'static str {
        match self {
            Metric::Published => "messages published",
            Metric::Confirmed => "publishes confirmed",
            Metric::Delivered => "deliveries",
            Metric::Lost => "confirmed messages lost",
            Metric::LostUnconfirmed => "unconfirmed messages lost",
            Metric::Duplicates => "duplicates delivered",
            Metric::Downtime => "queue downtime",
            Metric::Cancels => "consumer cancels",
            Metric::Promotions => "mirrors promoted",
        }
    }
}

/// One metric on which the sides differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Difference {
    pub metric: Metric,
    pub a: u64,
    pub b: u64,
}

/// The metrics on which `a` and `b` differ, in the table's order.
pub fn differences(a: &Outcome, b: &Outcome) -> Vec<Difference> {
    Metric::ALL
        .iter()
        .map(|&metric| Difference {
            metric,
            a: metric.of(a),
            b: metric.of(b),
        })
        .filter(|d| d.a != d.b)
        .collect()
}

/// A metric's value as the summary writes it (downtime in seconds).
pub fn value_text(metric: Metric, v: u64) -> String {
    match metric {
        Metric::Downtime => Micros(v).to_string(),
        _ => v.to_string(),
    }
}

impl fmt::Display for Difference {
    /// "A: 10 confirmed messages lost, B: 0 (A has 10 more)".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (more, by) = if self.a > self.b {
            ("A", self.a - self.b)
        } else {
            ("B", self.b - self.a)
        };
        write!(
            f,
            "{}: A {}, B {} ({more} has {} more)",
            self.metric.name_en(),
            value_text(self.metric, self.a),
            value_text(self.metric, self.b),
            value_text(self.metric, by)
        )
    }
}
