//! The legend card: what every shape, line and colour on the stage means. Each entry is drawn
//! with the same classes and shapes as the stage (the message shapes are the stage's own
//! `<defs>`, referenced by id), so the two cannot drift apart.

use crate::put;
use crate::sim::NodeState;
use crate::ui::i18n::Text;
use crate::ui::markup::esc;
use crate::ui::stage::kinds::{kind_class, shape_id, KINDS};

/// Every node state, in the order the legend lists them.
pub const NODE_STATES: [NodeState; 4] = [
    NodeState::Running,
    NodeState::Stopped,
    NodeState::Crashed,
    NodeState::Paused,
];

/// The CSS class that colours anything standing for a node in `state` (cards, legend swatches).
pub fn state_class(state: NodeState) -> String {
    format!("state-{}", state.as_str())
}

/// A node state's icon as SVG markup: disc, square, cross or two bars.
pub fn state_icon_markup(state: NodeState) -> String {
    let shape = match state {
        NodeState::Running => r#"<circle r="5"/>"#,
        NodeState::Stopped => r#"<rect x="-4.5" y="-4.5" width="9" height="9"/>"#,
        NodeState::Crashed => r#"<path d="M-5 -5L5 5M5 -5L-5 5"/>"#,
        NodeState::Paused => r#"<path d="M-3.5 -5V5M3.5 -5V5"/>"#,
    };
    format!(
        r#"<svg class="state-icon {}" viewBox="-7 -7 14 14" width="14" height="14" aria-hidden="true">{shape}</svg>"#,
        state_class(state)
    )
}

/// The legend's content, in one language.
pub fn legend_markup(text: &Text) -> String {
    let mut out = String::new();
    let item = |out: &mut String, swatch: &str, label: &str, wide: bool| {
        put!(
            out,
            r#"<li class="legend-item"><svg class="legend-swatch" viewBox="-12 -12 24 24" aria-hidden="true">{swatch}</svg><span class="legend-label{}">{}</span></li>"#,
            if wide { " legend-label-wide" } else { "" },
            esc(label)
        );
    };
    put!(
        out,
        "<h3>{}</h3><ul class=\"legend-list\">",
        esc(text.legend_nodes)
    );
    for state in NODE_STATES {
        put!(
            out,
            r#"<li class="legend-item {}">{}<span class="legend-label">{}</span><span class="legend-hint">{}</span></li>"#,
            state_class(state),
            state_icon_markup(state),
            esc(text.state(state)),
            esc(text.state_hint(state))
        );
    }
    put!(
        out,
        "</ul><h3>{}</h3><ul class=\"legend-list\">",
        esc(text.legend_replicas)
    );
    for (class, glyph, tag, role) in [
        (
            "role-master",
            GLYPH_MASTER,
            text.tag_master,
            text.role_master,
        ),
        (
            "role-synced",
            GLYPH_SYNCED,
            text.tag_synced,
            text.role_synced,
        ),
        (
            "role-unsynced",
            GLYPH_UNSYNCED,
            text.tag_unsynced,
            text.role_unsynced,
        ),
    ] {
        put!(
            out,
            r#"<li class="legend-item"><svg class="legend-swatch wide" viewBox="-18 -12 36 24" aria-hidden="true"><g class="chip {class}"><rect class="chip-bg" x="-17" y="-10" width="34" height="20" rx="6"/><g transform="translate(-7 0)">{glyph}</g></g></svg><span class="legend-label">{} — {}</span></li>"#,
            esc(tag),
            esc(role)
        );
    }
    put!(
        out,
        r#"<li class="legend-item"><svg class="legend-swatch wide" viewBox="-18 -12 36 24" aria-hidden="true"><g class="chip role-synced"><rect class="chip-bg" x="-17" y="-10" width="34" height="20" rx="6"/><text class="chip-count" x="8" y="0.5">12</text></g></svg><span class="legend-label">{}</span></li>"#,
        esc(text.legend_count)
    );
    put!(
        out,
        "</ul><h3>{}</h3><ul class=\"legend-list\">",
        esc(text.legend_messages)
    );
    for k in KINDS {
        let swatch = format!(
            r##"<g class="msg {}"><use href="#{}"/></g>"##,
            kind_class(k),
            shape_id(k)
        );
        item(&mut out, &swatch, text.kind_name(k), true);
    }
    item(
        &mut out,
        r#"<g class="msg vanishing"><path class="lost-mark" d="M-7 -7L7 7M7 -7L-7 7"/></g>"#,
        text.lost,
        true,
    );
    item(
        &mut out,
        r#"<line class="link link-up" x1="-11" y1="0" x2="11" y2="0"/>"#,
        text.legend_link,
        true,
    );
    item(
        &mut out,
        r#"<line class="link link-cut" x1="-11" y1="0" x2="11" y2="0"/><g class="cut-mark"><path d="M-5 -5L5 5M5 -5L-5 5"/></g>"#,
        text.legend_cut,
        true,
    );
    item(
        &mut out,
        r#"<path class="gm-ring" d="M-11 4Q0 -10 11 4"/>"#,
        text.legend_ring,
        true,
    );
    item(
        &mut out,
        r#"<line class="client-link" x1="-11" y1="0" x2="11" y2="0"/>"#,
        text.legend_client,
        true,
    );
    out.push_str("</ul>");
    out
}

/// The glyphs inside replica chips (shared with the diagram).
pub const GLYPH_MASTER: &str = r#"<path class="glyph" d="M-6 4L-6 -4L-3 0L0 -5L3 0L6 -4L6 4Z"/>"#;
pub const GLYPH_SYNCED: &str =
    r#"<circle class="glyph" r="5.5"/><path class="glyph-mark" d="M-3 0L-1 2.5L3 -2.5"/>"#;
pub const GLYPH_UNSYNCED: &str = r#"<circle class="glyph" r="5"/>"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::Lang;

    #[test]
    fn lists_every_state_role_and_message_in_the_chosen_language() {
        for lang in Lang::ALL {
            let text = lang.text();
            let html = legend_markup(text);
            for state in NODE_STATES {
                assert!(
                    html.contains(&format!(">{}<", esc(text.state(state)))),
                    "{lang:?} {state}: {html}"
                );
                assert!(html.contains(&state_class(state)), "{lang:?} {state}");
            }
            for k in KINDS {
                assert!(html.contains(&esc(text.kind_name(k))), "{lang:?} {k:?}");
                assert!(html.contains(kind_class(k)));
            }
            for role in [text.role_master, text.role_synced, text.role_unsynced] {
                assert!(html.contains(&esc(role)), "{lang:?} {role}");
            }
            assert!(html.contains(&esc(text.legend_count)), "{lang:?}");
            assert_eq!(html.matches("class=\"legend-item").count(), 24);
        }
    }
}
