//! The legend card: what every shape, line and colour on the stage means. Each entry is drawn
//! with the same classes and shapes as the stage (the message shapes are the stage's own
//! `<defs>`, referenced by id), so the two cannot drift apart.

use yew::prelude::*;

use super::cluster_view::{state_class, StateIcon};
use super::i18n::Lang;
use super::motion::{kind_class, shape_href, KINDS};
use crate::sim::NodeState;

/// Every node state, in the order the legend lists them.
pub const NODE_STATES: [NodeState; 4] = [
    NodeState::Running,
    NodeState::Stopped,
    NodeState::Crashed,
    NodeState::Paused,
];

#[derive(Properties, PartialEq)]
pub struct LegendProps {
    pub lang: Lang,
}

fn swatch(content: Html) -> Html {
    html! {
        <svg class="legend-swatch" viewBox="-12 -12 24 24" aria-hidden="true">{ content }</svg>
    }
}

fn chip_swatch(class: &'static str, glyph: Html) -> Html {
    html! {
        <svg class="legend-swatch wide" viewBox="-18 -12 36 24" aria-hidden="true">
            <g class={classes!("chip", class)}>
                <rect class="chip-bg" x="-17" y="-10" width="34" height="20" rx="6" />
                <g transform="translate(-7 0)">{ glyph }</g>
            </g>
        </svg>
    }
}

#[function_component]
pub fn Legend(props: &LegendProps) -> Html {
    let text = props.lang.text();
    let states: Html = NODE_STATES
        .iter()
        .map(|&state| {
            html! {
                <li class={classes!("legend-item", state_class(state))}>
                    <StateIcon {state} />
                    <span class="legend-label">{ text.state(state) }</span>
                    <span class="legend-hint">{ text.state_hint(state) }</span>
                </li>
            }
        })
        .collect();
    let kinds: Html = KINDS
        .iter()
        .map(|&k| {
            html! {
                <li class="legend-item">
                    { swatch(html! { <g class={classes!("msg", kind_class(k))}><use href={shape_href(k)} /></g> }) }
                    <span class="legend-label legend-label-wide">{ text.kind_name(k) }</span>
                </li>
            }
        })
        .collect();
    html! {
        <section class="card legend" aria-labelledby="legend-h">
            <h2 id="legend-h">{ text.legend_heading }</h2>
            <h3>{ text.legend_nodes }</h3>
            <ul class="legend-list">{ states }</ul>
            <h3>{ text.legend_replicas }</h3>
            <ul class="legend-list">
                <li class="legend-item">
                    { chip_swatch("role-master", html! { <path class="glyph" d="M-6 4L-6 -4L-3 0L0 -5L3 0L6 -4L6 4Z" /> }) }
                    <span class="legend-label">{ format!("{} — {}", text.tag_master, text.role_master) }</span>
                </li>
                <li class="legend-item">
                    { chip_swatch("role-synced", html! { <><circle class="glyph" r="5.5" /><path class="glyph-mark" d="M-3 0L-1 2.5L3 -2.5" /></> }) }
                    <span class="legend-label">{ format!("{} — {}", text.tag_synced, text.role_synced) }</span>
                </li>
                <li class="legend-item">
                    { chip_swatch("role-unsynced", html! { <circle class="glyph" r="5" /> }) }
                    <span class="legend-label">{ format!("{} — {}", text.tag_unsynced, text.role_unsynced) }</span>
                </li>
            </ul>
            <h3>{ text.legend_messages }</h3>
            <ul class="legend-list">
                { kinds }
                <li class="legend-item">
                    { swatch(html! { <g class="msg vanishing"><path class="lost-mark" d="M-7 -7L7 7M7 -7L-7 7" /></g> }) }
                    <span class="legend-label legend-label-wide">{ text.lost }</span>
                </li>
                <li class="legend-item">
                    { swatch(html! { <line class="link link-up" x1="-11" y1="0" x2="11" y2="0" /> }) }
                    <span class="legend-label legend-label-wide">{ text.legend_link }</span>
                </li>
                <li class="legend-item">
                    { swatch(html! { <><line class="link link-cut" x1="-11" y1="0" x2="11" y2="0" />
                        <g class="cut-mark"><path d="M-5 -5L5 5M5 -5L-5 5" /></g></> }) }
                    <span class="legend-label legend-label-wide">{ text.legend_cut }</span>
                </li>
                <li class="legend-item">
                    { swatch(html! { <path class="gm-ring" d="M-11 4Q0 -10 11 4" /> }) }
                    <span class="legend-label legend-label-wide">{ text.legend_ring }</span>
                </li>
                <li class="legend-item">
                    { swatch(html! { <line class="client-link" x1="-11" y1="0" x2="11" y2="0" /> }) }
                    <span class="legend-label legend-label-wide">{ text.legend_client }</span>
                </li>
            </ul>
        </section>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::ui::ssr::render;

    #[test]
    fn lists_every_state_role_and_message_in_the_chosen_language() {
        for lang in Lang::ALL {
            let text = lang.text();
            let html = render::<Legend>(LegendProps { lang });
            for state in NODE_STATES {
                assert!(
                    html.contains(&format!(">{}<", text.state(state))),
                    "{lang:?} {state}: {html}"
                );
                assert!(html.contains(&state_class(state)), "{lang:?} {state}");
            }
            for k in KINDS {
                assert!(html.contains(text.kind_name(k)), "{lang:?} {k:?}");
                assert!(html.contains(kind_class(k)));
            }
            for role in [text.role_master, text.role_synced, text.role_unsynced] {
                assert!(html.contains(role), "{lang:?} {role}");
            }
        }
    }
}
