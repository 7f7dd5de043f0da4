//! Which messages are on the wire at an instant: every `Send` of the trace travels along its
//! link from its send time to its arrival time, and a lost one vanishes where it died.

use crate::sim::time::Micros;
use crate::sim::trace::{Endpoint, MsgKind, Trace, TraceEvent, TraceKind};

/// How long a lost message takes to vanish, in wall-clock milliseconds (so it reads the same at
/// every playback speed).
pub const VANISH_WALL_MS: f64 = 900.0;
/// At most this many messages are drawn at once; the rest are counted.
pub const MAX_DRAWN: usize = 400;

/// A message on its way at the cursor.
#[derive(Debug, Clone, PartialEq)]
pub struct Flight {
    /// Index of its `Send` in the trace (what the inspector selects).
    pub index: usize,
    pub id: u64,
    pub kind: MsgKind,
    pub from: Endpoint,
    pub to: Endpoint,
    pub sent: Micros,
    pub arrive: Micros,
    /// 0 at departure, 1 at arrival.
    pub progress: f64,
    /// Set when it was lost at or before the cursor: how far it has faded (0 → 1).
    pub vanishing: Option<f64>,
}

/// The longest time any message of `trace[from..]` spends in flight, folded into `max`: the
/// backwards scan in [`flights_at`] stops that far before the cursor.
pub fn max_flight(trace: &[TraceEvent], max: Micros) -> Micros {
    trace.iter().fold(max, |m, e| match &e.kind {
        TraceKind::Send { arrive, .. } => m.max(Micros(arrive.0.saturating_sub(e.at.0))),
        _ => m,
    })
}

/// The messages in flight at `t`, and those lost within `vanish` before `t`, oldest first.
/// `trace` is ordered by time (the core appends at the current time), so only the entries sent
/// within `longest` (see [`max_flight`]) before `t` are looked at.
pub fn flights_at(trace: &Trace, t: Micros, longest: Micros, vanish: Micros) -> Vec<Flight> {
    let reach = Micros(longest.0.saturating_add(vanish.0));
    let window = trace.within_reach(t, t, reach);
    let mut out = Vec::new();
    for (index, e) in trace
        .addressed_from(window.start)
        .take_while(|&(i, _)| i < window.end)
    {
        if let TraceKind::Send {
            id,
            from,
            to,
            arrive,
            kind,
            ..
        } = &e.kind
        {
            let (progress, vanishing) = if *arrive > t {
                let span = arrive.0.saturating_sub(e.at.0).max(1) as f64;
                ((t.0 - e.at.0) as f64 / span, None)
            } else {
                // Arrived (or died on arrival): only a loss is still drawn, fading.
                let lost_at = (arrive.0 + vanish.0 >= t.0)
                    .then(|| {
                        trace[index..window.end].iter().find_map(|x| match &x.kind {
                            TraceKind::Lost { id: lid, .. } if lid == id => Some(x.at),
                            _ => None,
                        })
                    })
                    .flatten();
                match lost_at.map(|at| (t.0 - at.0) as f64 / vanish.0.max(1) as f64) {
                    Some(age) if age <= 1.0 => (1.0, Some(age)),
                    _ => continue,
                }
            };
            out.push(Flight {
                index,
                id: *id,
                kind: *kind,
                from: *from,
                to: *to,
                sent: e.at,
                arrive: *arrive,
                progress,
                vanishing,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::Session;

    fn session() -> Session {
        let mut s = Session::new(&["cluster nodes=3"]).unwrap();
        for line in [
            r#"rabbitmqctl set_policy ha "^" '{"ha-mode":"all"}'"#,
            "client app node=node2",
            "app declare q durable",
            "app confirm",
        ] {
            s.apply(line).unwrap();
        }
        s.advance_to(Micros::from_ms(5));
        s.apply("app publish q \"m\"").unwrap();
        s.advance_to(Micros::from_ms(50));
        s
    }

    #[test]
    fn a_publish_flies_from_its_send_to_its_arrival() {
        let s = session();
        let trace = &s.run.sim.trace;
        let longest = max_flight(trace, Micros::ZERO);
        let (i, sent, arrive) = trace
            .iter()
            .enumerate()
            .find_map(|(i, e)| match &e.kind {
                TraceKind::Send {
                    kind: MsgKind::Publish,
                    arrive,
                    ..
                } => Some((i, e.at, *arrive)),
                _ => None,
            })
            .expect("a publish was sent");
        let mid = Micros((sent.0 + arrive.0) / 2);
        let f = flights_at(trace, mid, longest, Micros(0));
        let mine = f.iter().find(|f| f.index == i).expect("in flight half way");
        assert!((mine.progress - 0.5).abs() < 0.01, "{}", mine.progress);
        // Before its departure and after its arrival it is not drawn.
        assert!(
            flights_at(trace, Micros(sent.0.saturating_sub(1)), longest, Micros(0))
                .iter()
                .all(|f| f.index != i)
        );
        assert!(flights_at(trace, arrive, longest, Micros(0))
            .iter()
            .all(|f| f.index != i));
        // Each publish goes to the master and to both mirrors.
        let publishes = f.iter().filter(|f| f.kind == MsgKind::Publish).count();
        assert_eq!(publishes, 3);
    }

    #[test]
    fn lost_messages_vanish_where_they_died() {
        let mut s = session();
        // GM traffic to node3 is in flight when node3 dies: it is lost on arrival.
        s.apply("app publish q \"x\" count=5").unwrap();
        s.advance_to(Micros(s.now().0 + 600));
        s.apply("kill node3").unwrap();
        s.advance_to(Micros::from_ms(100));
        let trace = &s.run.sim.trace;
        let (lost_at, lost_id) = trace
            .iter()
            .find_map(|e| match &e.kind {
                TraceKind::Lost { id, .. } => Some((e.at, *id)),
                _ => None,
            })
            .expect("something was lost");
        let longest = max_flight(trace, Micros::ZERO);
        let vanish = Micros(1_000);
        let at = Micros(lost_at.0 + 500);
        let f = flights_at(trace, at, longest, vanish);
        let v = f
            .iter()
            .find(|f| f.id == lost_id)
            .expect("drawn while it vanishes");
        let age = v.vanishing.expect("marked as vanishing");
        assert!((age - 0.5).abs() < 0.01, "{age}");
        let gone = flights_at(trace, Micros(lost_at.0 + 1_001), longest, vanish);
        assert!(gone.iter().all(|f| f.id != lost_id));
    }
}
