//! "The seeds vs RabbitMQ 3.10": where the course notes (the seeds, in Chinese) describe mirrored
//! queues differently from what RabbitMQ's code does (spec §3.4, §5, §6), each note quoting the
//! seed and saying what really happens. A note is marked when the run on stage shows it.

use yew::prelude::*;

use super::i18n::use_lang;
use super::stage::StoreRef;
use crate::sim::trace::TraceKind;
use crate::sim::{NodeState, Sim};

/// Which notes the run at the cursor illustrates, in the order of `Text::notes`.
pub fn relevant(sim: &Sim) -> [bool; 5] {
    let mut inputs = String::new();
    let mut states = String::new();
    for e in &sim.trace {
        match &e.kind {
            TraceKind::Input { text } => inputs.push_str(text),
            TraceKind::State { text, .. }
                if text.contains("Promoting") || text.contains("Synchronising") =>
            {
                states.push_str(text)
            }
            _ => {}
        }
    }
    let down = sim
        .cluster
        .nodes
        .iter()
        .any(|n| n.state != NodeState::Running);
    [
        inputs.contains("\"exactly\""),
        inputs.contains("ha-sync-mode") || states.contains("Synchronising"),
        sim.partition.is_some() || down,
        sim.clients.iter().any(|c| !c.connected),
        states.contains("Promoting") || down,
    ]
}

#[derive(Properties, PartialEq)]
pub struct SeedNotesProps {
    pub store: StoreRef,
    pub content: u64,
}

#[function_component]
pub fn SeedNotes(props: &SeedNotesProps) -> Html {
    let lang = use_lang();
    let text = lang.text();
    let player = props.store.player();
    let now = relevant(player.view());
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
