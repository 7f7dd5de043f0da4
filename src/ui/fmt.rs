//! How the page writes what the core holds: times, spans and speeds, and what a trace endpoint
//! is called.

use crate::sim::model::Role;
use crate::sim::time::Micros;
use crate::sim::trace::Endpoint;
use crate::sim::view::replica::ReplicaRole;
use crate::sim::Sim;
use crate::ui::i18n::Text;

/// A time on the run's clock, precise enough to tell apart the micro-second steps of the model
/// and short enough for a control bar: `0.000 s`, `12.345 ms`, `1.234567 s`.
pub fn fmt_time(t: Micros) -> String {
    let us = t.0;
    if us < 1_000_000 {
        format!("{}.{:03} ms", us / 1_000, us % 1_000)
    } else {
        format!("{}.{:06} s", us / 1_000_000, us % 1_000_000)
    }
}

/// A time rounded for prose ("before 2 min 30 s"): whole milliseconds under a second, tenths of
/// a second under a minute, whole seconds beyond. The clock's own six decimals
/// ([`fmt_time`]) read as noise in a sentence.
pub fn fmt_time_prose(t: Micros) -> String {
    let us = t.0;
    if us < 1_000_000 {
        return format!("{} ms", (us + 500) / 1_000);
    }
    if us < 60_000_000 {
        let tenths = (us + 50_000) / 100_000;
        return match tenths % 10 {
            0 => format!("{} s", tenths / 10),
            d => format!("{}.{d} s", tenths / 10),
        };
    }
    let secs = (us + 500_000) / 1_000_000;
    match secs % 60 {
        0 => format!("{} min", secs / 60),
        s => format!("{} min {s} s", secs / 60),
    }
}

/// A number with a fixed count of decimals, written with integer arithmetic: the standard
/// library's fixed-precision float formatting costs several kilobytes of wasm, and the page
/// writes coordinates on every frame.
#[derive(Debug, Clone, Copy)]
pub struct Fixed(pub f64, pub u8);

impl std::fmt::Display for Fixed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scale = 10u64.pow(u32::from(self.1));
        let n = (self.0 * scale as f64).round() as i64;
        if n < 0 {
            f.write_str("-")?;
        }
        let n = n.unsigned_abs();
        if self.1 == 0 {
            write!(f, "{n}")
        } else {
            write!(
                f,
                "{}.{:0w$}",
                n / scale,
                n % scale,
                w = usize::from(self.1)
            )
        }
    }
}

/// One decimal (SVG coordinates).
pub fn f1(v: f64) -> Fixed {
    Fixed(v, 1)
}

/// A span of simulated time for labels (the space-time window, the vanish window): `250 µs`,
/// `20 ms`, `1.5 s`.
pub fn fmt_span(us: f64) -> String {
    if us < 1_000.0 {
        format!("{} µs", Fixed(us, 0))
    } else if us < 1_000_000.0 {
        let ms = us / 1_000.0;
        if ms < 10.0 {
            format!("{} ms", Fixed(ms, 1))
        } else {
            format!("{} ms", Fixed(ms, 0))
        }
    } else {
        format!("{} s", Fixed(us / 1_000_000.0, 1))
    }
}

/// The short name of a node (`node2` for `rabbit@node2`), as the diagram labels it.
pub fn host(sim: &Sim, node: usize) -> &str {
    sim.cluster.nodes.get(node).map_or("?", |n| n.host())
}

/// Who sent or received a traced message, in words: `q1 master @node1`, `client app`, `node3`
/// (replicas in the seeds' words, master and slave, in both languages), a replica named by the
/// role it has now.
pub fn endpoint_name(sim: &Sim, e: Endpoint, text: &Text) -> String {
    endpoint_name_at(sim, e, usize::MAX, text)
}

/// [`endpoint_name`] as of trace entry `entry`: a replica is named by the role it had then (a
/// slave promoted later was a slave then).
pub fn endpoint_name_at(sim: &Sim, e: Endpoint, entry: usize, text: &Text) -> String {
    match e {
        Endpoint::Proc(p) => match (sim.procs.get(p.0), sim.role_at(p, entry)) {
            (Some(r), Some(role)) => {
                let queue = sim.queues.get(r.queue.0).map_or("?", |q| q.name.as_str());
                let role = match role {
                    Role::Master => "master",
                    Role::Mirror => "slave",
                };
                format!("{queue} {role} @{}", host(sim, r.pid.node))
            }
            _ => format!("proc{}", p.0),
        },
        Endpoint::Client(c) => match sim.clients.get(c.0) {
            Some(cl) => format!("{} {}", text.w_client, cl.name),
            None => format!("{} {}", text.w_client, c.0),
        },
        Endpoint::Node(n) => host(sim, n).to_string(),
    }
}

/// The node an endpoint lives on (a client lives on the node it is connected to).
pub fn endpoint_node(sim: &Sim, e: Endpoint) -> Option<usize> {
    match e {
        Endpoint::Proc(p) => sim.procs.get(p.0).map(|r| r.pid.node),
        Endpoint::Client(c) => sim.clients.get(c.0).map(|cl| cl.node),
        Endpoint::Node(n) => Some(n),
    }
}

/// A replica role's name in the reader's language.
pub fn role_text(text: &Text, role: ReplicaRole) -> &'static str {
    match role {
        ReplicaRole::Master => text.role_master,
        ReplicaRole::Synced => text.role_synced,
        ReplicaRole::Unsynced => text.role_unsynced,
        ReplicaRole::Gone => "—",
    }
}

/// A, B, C… for partition sides.
pub fn side_letter(side: u8) -> String {
    char::from(b'A' + side.min(25)).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_times_are_rounded_to_what_a_sentence_needs() {
        let cases = [
            (Micros(1_499), "1 ms"),
            (Micros(999_400), "999 ms"),
            (Micros::from_secs(1), "1 s"),
            (Micros(2_460_000), "2.5 s"),
            (Micros::from_secs(120), "2 min"),
            (Micros(150_400_000), "2 min 30 s"),
        ];
        for (t, want) in cases {
            assert_eq!(fmt_time_prose(t), want, "{t:?}");
        }
    }
    use crate::sim::scenario::player::Player;
    use crate::ui::i18n::Lang;

    #[test]
    fn fixed_decimals_match_the_standard_formatting() {
        for v in [0.0, 1.25, -3.25, 999.95, 1e6 / 7.0, -0.04, 12.5] {
            for d in 0..4u8 {
                let want = format!("{v:.*}", usize::from(d));
                let got = Fixed(v, d).to_string();
                // Rounding of exact halves may differ (the standard rounds half to even).
                let close = (got.parse::<f64>().unwrap() - want.parse::<f64>().unwrap()).abs()
                    <= 10f64.powi(-i32::from(d)) + 1e-9;
                assert!(close, "{v} with {d}: {got} vs {want}");
            }
        }
        assert_eq!(Fixed(-0.04, 1).to_string(), "0.0");
        assert_eq!(f1(12.345).to_string(), "12.3");
    }

    #[test]
    fn times_read_well_at_every_scale() {
        assert_eq!(fmt_time(Micros(0)), "0.000 ms");
        assert_eq!(fmt_time(Micros(1_520)), "1.520 ms");
        assert_eq!(fmt_time(Micros(2_000_001)), "2.000001 s");
        assert_eq!(fmt_span(250.0), "250 µs");
        assert_eq!(fmt_span(2_500.0), "2.5 ms");
        assert_eq!(fmt_span(20_000.0), "20 ms");
        assert_eq!(fmt_span(1_500_000.0), "1.5 s");
    }

    #[test]
    fn endpoints_are_named_from_the_core() {
        let mut p = Player::new();
        p.apply(crate::sim::scenario::player::Action::Input(
            "client app node=node2".into(),
        ));
        p.apply(crate::sim::scenario::player::Action::Input(
            "app declare q1".into(),
        ));
        let sim = p.view();
        assert_eq!(
            endpoint_name(
                sim,
                Endpoint::Client(crate::sim::ClientId(0)),
                Lang::En.text()
            ),
            "client app"
        );
        assert_eq!(
            endpoint_name(sim, Endpoint::Proc(crate::sim::ProcId(0)), Lang::En.text()),
            "q1 master @node2"
        );
        assert_eq!(endpoint_node(sim, Endpoint::Node(2)), Some(2));
        let before = crate::ui::context::content_key(&p);
        p.apply(crate::sim::scenario::player::Action::Input(
            "app publish q1 \"m\"".into(),
        ));
        assert_ne!(crate::ui::context::content_key(&p), before);
    }
}
