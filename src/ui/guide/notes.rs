//! "The seeds vs RabbitMQ 3.10": where the course notes (the seeds, in Chinese) describe mirrored
//! queues differently from what RabbitMQ's code does (spec §3.4, §5, §6), each note quoting the
//! seed and saying what really happens. A note is marked when the run on stage shows it.

use crate::put;
use crate::sim::policy::definition::HaMode;
use crate::sim::state_change::StateChange;
use crate::sim::trace::TraceKind;
use crate::sim::{NodeState, Sim};
use crate::ui::context::TraceIndex;
use crate::ui::i18n::Text;
use crate::ui::markup::esc;

/// Which notes the run at the cursor illustrates, in the order of `Text::notes`. `index`
/// indexes the live trace, of which the view's trace is a prefix.
pub fn relevant(sim: &Sim, index: &TraceIndex) -> [bool; 5] {
    let reached = sim.trace.len();
    let notable = || {
        index
            .notable
            .iter()
            .take_while(|&&i| i < reached)
            .filter_map(|&i| match sim.trace.get(i).map(|e| &e.kind) {
                Some(TraceKind::State { change, .. }) => Some(&**change),
                _ => None,
            })
    };
    // The policies in force at the cursor, user and operator ones.
    let definitions = || sim.policies.policies.iter().map(|p| &p.spec.definition);
    let down = sim
        .cluster
        .nodes
        .iter()
        .any(|n| n.state != NodeState::Running);
    [
        definitions().any(|d| matches!(d.ha_mode(), Some(HaMode::Exactly(_)))),
        definitions().any(|d| d.get("ha-sync-mode").is_some())
            || notable().any(|c| {
                matches!(
                    c,
                    StateChange::SyncStarted { .. } | StateChange::SyncFinished { .. }
                )
            }),
        sim.partition.is_some() || down,
        sim.clients.iter().any(|c| !c.connected),
        notable().any(|c| matches!(c, StateChange::Promoted { .. })) || down,
    ]
}

/// The notes as markup, the ones the run shows open and marked.
pub fn notes_markup(text: &Text, hot: [bool; 5]) -> String {
    let mut out = String::new();
    put!(
        out,
        r#"<p class="muted">{}</p><ul class="plain">"#,
        esc(text.notes_intro)
    );
    for (note, hot) in text.notes.iter().zip(hot) {
        put!(
            out,
            r#"<li class="seed-note{}"><details{}><summary>{}"#,
            if hot { " hot" } else { "" },
            if hot { " open" } else { "" },
            esc(note.title)
        );
        if hot {
            put!(
                out,
                r#"<span class="pill">{}</span>"#,
                esc(text.note_relevant)
            );
        }
        put!(
            out,
            r#"</summary><p class="claim" lang="zh-CN"><span class="tool-label">{}</span> <q>{}</q></p><p class="reality"><span class="tool-label">{}</span> {}</p></details></li>"#,
            esc(text.note_seed),
            esc(note.claim),
            esc(text.note_rabbitmq),
            esc(note.reality)
        );
    }
    out.push_str("</ul>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::Session;
    use crate::sim::time::Micros;

    #[test]
    fn notes_light_up_with_the_run() {
        let mut s = Session::new(&["cluster nodes=3"]).unwrap();
        let relevant = |sim: &Sim| {
            let mut ix = TraceIndex::default();
            ix.update(&sim.trace);
            relevant(sim, &ix)
        };
        assert_eq!(relevant(&s.run.sim), [false; 5]);
        s.apply(r#"rabbitmqctl set_policy ha "^q" '{"ha-mode":"exactly","ha-params":2}'"#)
            .unwrap();
        s.apply("client app node=node1").unwrap();
        s.apply("app declare q1 durable").unwrap();
        s.advance_to(Micros::from_ms(50));
        assert_eq!(relevant(&s.run.sim), [true, false, false, false, false]);
        s.apply("kill node1").unwrap();
        s.advance_to(Micros::from_secs(1));
        let r = relevant(&s.run.sim);
        assert!(r[2] && r[3] && r[4], "{r:?}");
    }
}
