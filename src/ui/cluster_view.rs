//! The cluster diagram: one disc per node of the core's [`Cluster`], in its order and with its
//! names, and the distribution link between every pair of nodes.

use std::rc::Rc;

use yew::prelude::*;

use super::i18n::Lang;
use super::layout::{node_positions, LABEL_DROP, NODE_R, VIEW_H, VIEW_W};
use crate::sim::{Cluster, NodeState};

#[derive(Properties, PartialEq)]
pub struct ClusterViewProps {
    pub cluster: Rc<Cluster>,
    pub lang: Lang,
}

/// The CSS class that colours anything standing for a node in `state` (discs, legend swatches).
pub fn state_class(state: NodeState) -> String {
    format!("state-{}", state.as_str())
}

/// A tenth of a unit is finer than any screen shows, and keeps the SVG short and readable.
fn coord(v: f64) -> String {
    format!("{v:.1}")
}

#[function_component]
pub fn ClusterView(props: &ClusterViewProps) -> Html {
    let text = props.lang.text();
    let nodes = &props.cluster.nodes;
    let points = node_positions(nodes.len());

    let links = (0..nodes.len()).flat_map(|a| (a + 1..nodes.len()).map(move |b| (a, b)));
    let links: Html = links
        .map(|(a, b)| {
            // A link carries traffic only while both ends are up.
            let up = nodes[a].state.is_running() && nodes[b].state.is_running();
            let class = classes!("link", if up { "link-up" } else { "link-down" });
            html! {
                <line {class}
                    x1={coord(points[a].x)} y1={coord(points[a].y)}
                    x2={coord(points[b].x)} y2={coord(points[b].y)} />
            }
        })
        .collect();

    let discs: Html = nodes
        .iter()
        .zip(&points)
        .map(|(node, p)| {
            let state = text.state(node.state);
            html! {
                <g class={classes!("node", state_class(node.state))}
                    data-node={node.name.clone()}
                    transform={format!("translate({} {})", coord(p.x), coord(p.y))}>
                    <title>{ format!("{} — {state}", node.name) }</title>
                    <circle class="node-disc" r={NODE_R.to_string()} />
                    <text class="node-host" y="-2">{ node.host() }</text>
                    <text class="node-state" y="17">{ state }</text>
                    <text class="node-name" y={LABEL_DROP.to_string()}>{ &node.name }</text>
                </g>
            }
        })
        .collect();

    html! {
        <svg class="cluster-view" role="img" aria-label={text.cluster_diagram_label}
            viewBox={format!("0 0 {VIEW_W} {VIEW_H}")} preserveAspectRatio="xMidYMid meet">
            <g class="links">{ links }</g>
            <g class="nodes">{ discs }</g>
        </svg>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::ui::ssr::render;

    fn view(cluster: Cluster, lang: Lang) -> String {
        render::<ClusterView>(ClusterViewProps {
            cluster: Rc::new(cluster),
            lang,
        })
    }

    #[test]
    fn draws_the_nodes_the_core_gives_in_order() {
        let names: Vec<String> = ["rabbit@alpha", "hare@beta", "rabbit@gamma", "rabbit@delta"]
            .map(String::from)
            .to_vec();
        let html = view(Cluster::named(&names).unwrap(), Lang::En);
        let mut last = 0;
        for name in &names {
            let at = html
                .find(&format!("data-node=\"{name}\""))
                .unwrap_or_else(|| panic!("{name} not drawn in {html}"));
            assert!(at > last, "{name} out of order");
            last = at;
        }
        assert_eq!(html.matches("class=\"node-disc\"").count(), 4);
        // Four nodes: six links, all up while every node runs.
        assert_eq!(html.matches("link link-up").count(), 6);
        assert!(!html.contains("link-down"));
    }

    #[test]
    fn a_stopped_node_is_coloured_and_cut_off() {
        let mut cluster = Cluster::with_nodes(3).unwrap();
        cluster.nodes[1].state = NodeState::Crashed;
        let html = view(cluster, Lang::Zh);
        assert_eq!(html.matches("state-running").count(), 2);
        assert_eq!(html.matches("state-crashed").count(), 1);
        assert_eq!(html.matches("link link-down").count(), 2);
        assert_eq!(html.matches("link link-up").count(), 1);
        assert!(
            html.contains("已崩溃"),
            "state label not translated: {html}"
        );
    }
}
