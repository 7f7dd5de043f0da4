//! The throughput benchmark behind `mirrorscope bench`: a steady publish/consume load on one
//! `ha-mode: all` queue. The core never reads a clock; the timing closure is the caller's.

use crate::rng::Rng;
use crate::sim::cluster::Cluster;
use crate::sim::engine::{Config, Sim};
use crate::sim::policy::definition::PolicyKind;
use crate::sim::policy::validate::parse_set;
use crate::sim::queues::DeclareArgs;
use crate::sim::scenario::player::{Action, Player};
use crate::sim::time::Micros;

/// What one benchmark run measured.
#[derive(Debug, Clone, Copy)]
pub struct BenchResult {
    /// Trace entries produced (each message send and state change is one).
    pub events: u64,
    pub messages: u64,
    pub wall_seconds: f64,
    pub simulated_seconds: f64,
}

/// Builds a cluster with an `all` queue, a consumer and a confirming publisher.
pub fn setup(
    nodes: usize,
) -> (
    Sim,
    crate::sim::model::ClientId,
    crate::sim::model::ClientId,
) {
    let cluster = Cluster::with_nodes(nodes).expect("1..=9 nodes");
    let mut sim = Sim::new(
        cluster,
        Config {
            seed: 7,
            ..Config::default()
        },
    );
    let policy = parse_set(
        PolicyKind::User,
        "ha-all",
        "^",
        r#"{"ha-mode":"all"}"#,
        "0",
        "all",
    )
    .expect("valid policy");
    sim.set_policy("/", PolicyKind::User, policy);
    let publisher = sim.connect("publisher", 1.min(nodes - 1)).expect("node up");
    let consumer = sim.connect("consumer", 0).expect("node up");
    let d = DeclareArgs {
        name: "bench".into(),
        durable: true,
        ..DeclareArgs::default()
    };
    sim.declare_queue(Some(consumer), 0, "/", d)
        .expect("declared");
    sim.confirm_select(publisher);
    sim.consume(consumer, "/", "bench", false, 0, &[])
        .expect("consumer");
    sim.advance(Micros::from_ms(10));
    (sim, publisher, consumer)
}

/// Publishes one message per simulated millisecond for as long as `wall_budget` seconds of
/// real time allow, as measured by `clock` (seconds since some origin).
pub fn steady_load_with(nodes: usize, wall_budget: f64, clock: &dyn Fn() -> f64) -> BenchResult {
    let (mut sim, publisher, _) = setup(nodes);
    let start = clock();
    let t0 = sim.now();
    let mut messages = 0u64;
    loop {
        for _ in 0..1000 {
            sim.publish(publisher, "/", "bench", "payload", false)
                .expect("connected");
            messages += 1;
            sim.advance(Micros::from_ms(1));
        }
        // Keep memory flat: the benchmark measures the engine, not trace storage.
        sim.trace.clear();
        sim.clients[1].deliveries.clear();
        sim.clients[0].confirms.clear();
        if clock() - start >= wall_budget {
            break;
        }
    }
    BenchResult {
        events: sim.events_processed,
        messages,
        wall_seconds: clock() - start,
        simulated_seconds: (sim.now().0 - t0.0) as f64 / 1e6,
    }
}

/// A steady load for watching throughput (and for the frame-time benchmark): five nodes, an
/// `all` queue, a consumer, and one confirmed publish every 50 ms for 30 s.
pub fn steady_load() -> String {
    let mut s = String::from(STEADY_SETUP);
    for i in 1..=600 {
        s.push_str(&format!("wait 50ms\npub publish load \"m{i}\"\n"));
    }
    s
}

const STEADY_SETUP: &str =
    "cluster nodes=5\nseed 7\nrabbitmqctl set_policy ha-all \"^\" '{\"ha-mode\":\"all\"}'\n\
     client pub node=node2\nclient con node=node1\npub declare load durable\npub confirm\n\
     con consume load ack=auto\n";

/// A busy run of `minutes`: the load of [`steady_load`] (20 confirmed publishes per simulated
/// second on five nodes), two publishes every 100 ms so that ten minutes fit in a scenario's
/// size limit.
pub fn busy_run(minutes: u32) -> String {
    let mut s = String::from(STEADY_SETUP);
    for _ in 0..minutes * 600 {
        s.push_str("wait 100ms\npub publish load \"m\" count=2\n");
    }
    s
}

/// The "Steady load" lesson's run (`lessons/walkthrough-steady-load.scn`: a pika publisher on
/// node2 sending a confirmed message every 50 ms, an auto-ack consumer on node1) for `minutes`.
pub fn steady_lesson(minutes: u32) -> String {
    let n = minutes * 60 * 20;
    format!(
        "cluster nodes=5\nseed 7\nrabbitmqctl set_policy ha-all \"^\" '{{\"ha-mode\":\"all\"}}'\n\
         client con node=node1\npython pub on node=node2 <<EOF\nimport pika\nimport time\n\n\
         conn = pika.BlockingConnection(pika.ConnectionParameters('node2'))\n\
         ch = conn.channel()\nch.queue_declare(queue='load', durable=True)\nch.confirm_delivery()\n\
         for i in range(1, {}):\n    ch.basic_publish(exchange='', routing_key='load', body='m%d' % i)\n\
         \x20   time.sleep(0.05)\nconn.close()\nEOF\nwait 10ms\ncon consume load ack=auto\nwait {}s\n",
        n + 1,
        minutes * 60 + 5
    )
}

/// The ceiling for [`steady_load_with`]: the engine's event queue alone doing as many pushes
/// and pops, of events as large as the engine's, with as many in flight as a busy run keeps
/// (each pop schedules the next event a link latency or so later). Events per second.
pub fn agenda_ceiling(events: u64, clock: &dyn Fn() -> f64) -> f64 {
    use crate::sim::agenda::Agenda;
    /// As large as the engine's event, so the slab moves as many bytes.
    type Payload = [u64; std::mem::size_of::<crate::sim::engine::Ev>().div_ceil(8)];
    const IN_FLIGHT: u64 = 64;
    let mut agenda: Agenda<Payload> = Agenda::default();
    let mut seq = 0u64;
    for i in 0..IN_FLIGHT {
        seq += 1;
        agenda.push(Micros(i * 37), seq, [i; std::mem::size_of::<Payload>() / 8]);
    }
    let start = clock();
    let mut sum = 0u64;
    for _ in 0..events {
        let Some((at, ev)) = agenda.pop() else { break };
        sum = sum.wrapping_add(ev[0]);
        seq += 1;
        let ev = [sum; std::mem::size_of::<Payload>() / 8];
        agenda.push(Micros(at.0 + 500 + seq % 1000), seq, ev);
    }
    let wall = (clock() - start).max(1e-9);
    // Keeps the loop's work observable, so it is not optimised away.
    std::hint::black_box(sum);
    events as f64 / wall
}

/// What the playground holds after playing the steady load for a while, as measured by the
/// caller's heap counter (bytes live).
#[derive(Debug, Clone, Copy)]
pub struct MemoryResult {
    pub simulated_minutes: f64,
    /// Trace entries the present run recorded.
    pub trace_entries: usize,
    /// Of those, the entries its (thinned) trace still holds.
    pub held_entries: usize,
    /// Bytes the present's trace holds ([`Trace::heap_bytes`]): the rest of the session's
    /// bytes is the cluster's state and the inputs.
    ///
    /// [`Trace::heap_bytes`]: crate::sim::trace::Trace::heap_bytes
    pub trace_bytes: usize,
    /// Bytes live once the session is built (its inputs, its run and that run's trace).
    pub session_bytes: usize,
    /// Bytes live once a seek to just before the present has taken the checkpoints (along the
    /// whole run) and shows the past.
    pub scrubbed_bytes: usize,
}

/// Plays `minutes` of the "Steady load" lesson in a playground player, loaded as the page
/// loads a lesson (so its trace is thinned as it runs), then seeks back to just before the
/// present, which takes the checkpoints and keeps the past on display (the most a scrub
/// holds), and reads `heap_now` (bytes live) before and after each. Meant for a heap counter
/// installed by the caller; the core cannot read one itself.
pub fn memory_of_steady_load(minutes: u32, heap_now: &dyn Fn() -> usize) -> MemoryResult {
    let text = steady_lesson(minutes);
    let base = heap_now();
    let mut player = Player::new();
    player.apply(Action::Load(text));
    let session_bytes = heap_now().saturating_sub(base);
    let trace = &player.session.run.sim.trace;
    let (trace_entries, held_entries) = (trace.len(), trace.iter().len());
    let trace_bytes = trace.heap_bytes();
    let horizon = player.horizon();
    player.apply(Action::Seek(Micros(horizon.0.saturating_sub(1_000))));
    let scrubbed_bytes = heap_now().saturating_sub(base);
    drop(player);
    MemoryResult {
        simulated_minutes: horizon.0 as f64 / 60e6,
        trace_entries,
        held_entries,
        trace_bytes,
        session_bytes,
        scrubbed_bytes,
    }
}

/// Where the seek benches seek on a run ending at `horizon`: `count` random targets, and a drag
/// back over the last 30 s by steps of `step_ms`, then by minutes down to zero. Returns the
/// random source for the seeks' earlier targets too.
pub fn seek_plan(horizon: Micros, count: usize, step_ms: u64) -> (Rng, Vec<Micros>, Vec<Micros>) {
    let mut rng = Rng::new(42);
    let targets = (0..count).map(|_| Micros(rng.below(horizon.0))).collect();
    let end_ms = horizon.0 / 1_000;
    let drag = (1..=30_000 / step_ms)
        .map(|i| Micros::from_ms(end_ms.saturating_sub(i * step_ms)))
        .chain((1..=9).rev().map(|m| Micros::from_ms(m * 60_000)))
        .collect();
    (rng, targets, drag)
}

/// How long backward seeks took on one run, in milliseconds of the caller's clock.
#[derive(Debug, Clone, Default)]
pub struct SeekTimes {
    /// The first seek, to just before the present: it replays the whole run, taking the
    /// checkpoints.
    pub first: f64,
    /// From the present to each random target.
    pub from_present: Vec<f64>,
    /// From each of those to a random earlier time.
    pub in_past: Vec<f64>,
    /// Dragging back the last 30 s, then by minutes.
    pub dragging: Vec<f64>,
}

impl SeekTimes {
    /// Every seek after the first, fastest first.
    pub fn all_sorted(&self) -> Vec<f64> {
        let mut all = [
            &self.from_present[..],
            &self.in_past[..],
            &self.dragging[..],
        ]
        .concat();
        crate::sort::sort_by(&mut all, |a, b| a.total_cmp(b));
        all
    }
}

/// Times the backward seeks of [`seek_plan`] (`count` targets, a drag by `step_ms`) on a player
/// at its present: the first one to just before the present, then from the present to each
/// target and on to a random earlier time, then the drag. `clock` reads milliseconds. An
/// error if a seek left one (the seeks' times would mean nothing).
pub fn backward_seeks(
    p: &mut Player,
    count: usize,
    step_ms: u64,
    clock: &dyn Fn() -> f64,
) -> Result<SeekTimes, String> {
    let timed = |p: &mut Player, t: Micros| {
        let start = clock();
        p.apply(Action::Seek(t));
        clock() - start
    };
    let horizon = p.horizon();
    let (mut rng, targets, drag) = seek_plan(horizon, count, step_ms);
    let mut times = SeekTimes {
        first: timed(p, Micros(horizon.0.saturating_sub(1_000))),
        ..SeekTimes::default()
    };
    for &t in &targets {
        p.apply(Action::Seek(horizon));
        times.from_present.push(timed(p, t));
        let earlier = Micros(rng.below(t.0.max(1)));
        times.in_past.push(timed(p, earlier));
        if let Some(e) = &p.error {
            return Err(e.clone());
        }
    }
    p.apply(Action::Seek(horizon));
    times.dragging = drag.iter().map(|&t| timed(p, t)).collect();
    Ok(times)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::session::Session;

    #[test]
    fn the_long_runs_fit_a_scenario_and_the_memory_bench_plays_the_lesson() {
        let busy = Session::from_scenario(&busy_run(10)).expect("ten minutes fit the limit");
        assert!(busy.now() >= Micros::from_ms(600_000));
        let heap = std::cell::Cell::new(0usize);
        let r = memory_of_steady_load(1, &|| {
            heap.set(heap.get() + 1);
            heap.get()
        });
        assert!(r.simulated_minutes >= 1.0, "{r:?}");
        // Every publish of the minute crosses to five replicas and back.
        assert!(r.trace_entries > 1200 * 10, "{r:?}");
        assert_eq!((r.session_bytes, r.scrubbed_bytes), (1, 2));
        let calls = std::cell::Cell::new(0.0);
        let clock = || {
            calls.set(calls.get() + 1.0);
            calls.get()
        };
        assert_eq!(agenda_ceiling(1000, &clock), 1000.0);
    }
}
