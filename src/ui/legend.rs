//! The legend card: what each colour and line of the cluster diagram means.

use yew::prelude::*;

use super::cluster_view::state_class;
use super::i18n::Lang;
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

#[function_component]
pub fn Legend(props: &LegendProps) -> Html {
    let text = props.lang.text();
    let states: Html = NODE_STATES
        .iter()
        .map(|&state| {
            html! {
                <li class="legend-item">
                    <svg class="legend-swatch" viewBox="0 0 20 20" aria-hidden="true">
                        <g class={state_class(state)}>
                            <circle class="node-disc" cx="10" cy="10" r="8" />
                        </g>
                    </svg>
                    <span class="legend-label">{ text.state(state) }</span>
                    <span class="legend-hint">{ text.state_hint(state) }</span>
                </li>
            }
        })
        .collect();
    html! {
        <section class="card legend">
            <h2>{ text.legend_heading }</h2>
            <ul class="legend-list">
                { states }
                <li class="legend-item">
                    <svg class="legend-swatch" viewBox="0 0 20 20" aria-hidden="true">
                        <line class="link link-up" x1="1" y1="10" x2="19" y2="10" />
                    </svg>
                    <span class="legend-label legend-label-wide">{ text.legend_link }</span>
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
    fn lists_every_state_in_the_chosen_language() {
        for lang in Lang::ALL {
            let html = render::<Legend>(LegendProps { lang });
            for state in NODE_STATES {
                let label = format!(">{}<", lang.text().state(state));
                assert!(html.contains(&label), "{lang:?} {state}: {html}");
                assert!(html.contains(&state_class(state)), "{lang:?} {state}");
            }
        }
    }
}
