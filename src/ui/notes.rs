//! "The seeds vs RabbitMQ 3.10": where the course notes (the seeds, in Chinese) describe mirrored
//! queues differently from what RabbitMQ's code does (spec §3.4, §5, §6), each note quoting the
//! seed and saying what really happens. A note is marked when the run on stage shows it.

use yew::prelude::*;

use super::i18n::use_lang;
use super::stage::{use_derived, use_index, use_slow_store, TraceIndex};
use crate::sim::trace::TraceKind;
use crate::sim::{NodeState, Sim};

/// Which notes the run at the cursor illustrates, in the order of `Text::notes`. `index`
/// indexes the live trace, of which the view's trace is a prefix.
pub fn relevant(sim: &Sim, index: &TraceIndex) -> [bool; 5] {
    let reached = sim.trace.len();
    let text_of = |i: usize| match sim.trace.get(i).map(|e| &e.kind) {
        Some(TraceKind::Input { text }) | Some(TraceKind::State { text, .. }) => text.as_str(),
        _ => "",
    };
    let inputs = || {
        index
            .inputs
            .iter()
            .take_while(|&&i| i < reached)
            .map(|&i| text_of(i))
    };
    let notable = || {
        index
            .notable
            .iter()
            .take_while(|&&i| i < reached)
            .map(|&i| text_of(i))
    };
    let down = sim
        .cluster
        .nodes
        .iter()
        .any(|n| n.state != NodeState::Running);
    [
        inputs().any(|t| t.contains("\"exactly\"")),
        inputs().any(|t| t.contains("ha-sync-mode"))
            || notable().any(|t| t.contains("Synchronising")),
        sim.partition.is_some() || down,
        sim.clients.iter().any(|c| !c.connected),
        notable().any(|t| t.contains("Promoting")) || down,
    ]
}

/// The notes card.
#[function_component]
pub fn SeedNotes() -> Html {
    let lang = use_lang();
    let text = lang.text();
    let store = use_slow_store();
    // Redrawn with the run's content (a context consumer of the derived views).
    let _ = use_derived();
    let index = use_index();
    let player = store.player();
    index.0.borrow_mut().update(&player.session.run.sim.trace);
    let now = relevant(player.view(), &index.0.borrow());
    let items: Html = text
        .notes
        .iter()
        .zip(now)
        .map(|(note, hot)| {
            html! {
                <li class={classes!("seed-note", hot.then_some("hot"))}>
                    <details open={hot}>
                        <summary>
                            { note.title }
                            if hot { <span class="pill">{ text.note_relevant }</span> }
                        </summary>
                        <p class="claim" lang="zh-CN"><span class="tool-label">{ text.note_seed }</span>{ " " }<q>{ note.claim }</q></p>
                        <p class="reality"><span class="tool-label">{ text.note_rabbitmq }</span>{ " " }{ note.reality }</p>
                    </details>
                </li>
            }
        })
        .collect();
    html! {
        <section class="card seed-notes" aria-labelledby="notes-h">
            <h2 id="notes-h">{ text.notes_heading }</h2>
            <p class="muted">{ text.notes_intro }</p>
            <ul class="plain">{ items }</ul>
        </section>
    }
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
