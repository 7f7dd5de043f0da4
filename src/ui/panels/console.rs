//! The console: a terminal on one node of the cluster where the learner types or pastes
//! `rabbitmqctl …`, `systemctl stop|start rabbitmq-server`, `echo … >> /etc/rabbitmq/rabbitmq.conf`
//! — a single line or a whole block from the notes, comments and all — exactly as the documents
//! print them. What is typed goes to the core as [`Action::Console`], which runs each command of
//! the block as its own scenario line and console entry; what it prints and its exit code come
//! back from the core unchanged. The console only adds what a terminal adds (continuation lines,
//! history) and, under a failed command, a plain-language note on the documents' known typos.

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::sim::ctl::{block, shell};
use crate::sim::scenario::player::{Action, ConsoleEntry, Player};
use crate::sim::{NodeState, Sim};
use crate::ui::context::{use_lang, use_slow_store};
use crate::ui::i18n::panels::{
    button, fill, select_field, target_value, text, PanelText, EXAMPLE_COUNT,
};

/// The accessible name of the command input, the same in every language (tests and assistive
/// technology find the console by it).
pub const INPUT_NAME: &str = "rabbitmqctl console";

/// The one-click examples, labelled by [`PanelText::example_labels`]. The first, third and
/// fifth are printed this way in the seed documents, mistakes included, so that running them
/// shows what RabbitMQ really answers.
pub const EXAMPLES: [&str; EXAMPLE_COUNT] = [
    "rabbitmqctl set_policy --priority 0 --apply-to queues mirror_queue \"^queue_\" '{\"ha-mode \":\"exactly\",\"ha-params\"：2,\"ha-sync-mode\":\"automatic\" }'",
    "rabbitmqctl set_policy --priority 0 --apply-to queues mirror_queue \"^queue_\" '{\"ha-mode\":\"exactly\",\"ha-params\":2,\"ha-sync-mode\":\"automatic\"}'",
    "rabbitmqctl set_policy --priority 0 --apply-to queues mirror_queue \"^queue_\" '{\"ha-mode\":\"all\",\"ha-sync-mode\":\"automatic\"",
    "rabbitmqctl set_policy ha-orders \"^order-queue$\" '{\"ha-mode\":\"nodes\",\"ha-params\":[\"rabbit@node1\",\"rabbit@node2\"]}'",
    "rabbitmqctl set_policy ha-batch \"^batch\\.\" \\\n  '{\n    \"ha-mode\":\"exactly\",\n    \"ha-params\":2,\n    \"ha-sync-batch-size\":50,     # 批量同步50条消息\n    \"ha-sync-mode\":\"automatic\"\n  }'",
    "rabbitmqctl list_queues name policy slave_pids synchronised_slave_pids",
    "rabbitmqctl list_policies",
    "rabbitmqctl cluster_status",
    "systemctl stop rabbitmq-server",
    "systemctl start rabbitmq-server",
    "echo \"net_ticktime = 30\" >> /etc/rabbitmq/rabbitmq.conf",
    "cat /etc/rabbitmq/rabbitmq.conf",
];

/// `rabbitmqctl CMD [-p VHOST] ARG`, quoted for the shell (`-p` only outside the default vhost).
pub fn ctl_line(cmd: &str, vhost: &str, arg: &str) -> String {
    let vh = if vhost == "/" {
        String::new()
    } else {
        format!("-p {} ", shell::quote(vhost))
    };
    format!("rabbitmqctl {cmd} {vh}{}", shell::quote(arg))
}

/// The prompt of a node's shell: `[root@node1 ~]#`.
pub fn prompt(node_name: &str) -> String {
    let host = node_name.split_once('@').map_or(node_name, |(_, h)| h);
    format!("[root@{host} ~]#")
}

/// What the learner's line got wrong, when it is one of the documents' known mistakes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hint {
    /// A full-width punctuation mark where JSON needs the ASCII one.
    FullWidth { found: char, ascii: char },
    /// A JSON key with spaces inside its quotes (`"ha-mode "`).
    KeySpace(String),
    /// A definition whose braces do not close.
    MissingBrace,
    /// A `#` inside the quoted definition, meant as a comment.
    HashInJson,
    /// `cluster status` for `cluster_status`.
    ClusterStatus,
}

/// Looks for the seed documents' mistakes in a command line (only worth showing under a
/// command that failed: RabbitMQ's own answer stays the authority).
pub fn hints(line: &str) -> Vec<Hint> {
    let mut out = Vec::new();
    let words = shell::split(line).unwrap_or_default();
    let json = words.iter().find(|w| w.trim_start().starts_with('{'));
    const FULL_WIDTH: [(char, char); 10] = [
        ('：', ':'),
        ('，', ','),
        ('“', '"'),
        ('”', '"'),
        ('‘', '\''),
        ('’', '\''),
        ('｛', '{'),
        ('｝', '}'),
        ('［', '['),
        ('］', ']'),
    ];
    if let Some(&(found, ascii)) = FULL_WIDTH.iter().find(|(c, _)| line.contains(*c)) {
        out.push(Hint::FullWidth { found, ascii });
    }
    if let Some(json) = json {
        if let Some(key) = spaced_key(json) {
            out.push(Hint::KeySpace(key));
        }
        if json.matches(['{', '｛']).count() > json.matches(['}', '｝']).count() {
            out.push(Hint::MissingBrace);
        }
        if json.contains('#') {
            out.push(Hint::HashInJson);
        }
    }
    if words.len() >= 3 && words[0] == "rabbitmqctl" && words[1] == "cluster" {
        out.push(Hint::ClusterStatus);
    }
    out
}

/// The first quoted JSON key (a string followed by a colon) with spaces at either end.
fn spaced_key(json: &str) -> Option<String> {
    let mut rest = json;
    while let Some(start) = rest.find('"') {
        let after = &rest[start + 1..];
        let end = after.find('"')?;
        let s = &after[..end];
        let tail = &after[end + 1..];
        let is_key = tail.trim_start().starts_with([':', '：']);
        if is_key && !s.trim().is_empty() && s.trim() != s {
            return Some(s.to_string());
        }
        rest = tail;
    }
    None
}

fn hint_text(t: &PanelText, hint: &Hint) -> String {
    match hint {
        Hint::FullWidth { found, ascii } => fill(
            t.hint_full_width,
            &[
                ("c", &found.to_string()),
                ("u", &format!("U+{:04X}", *found as u32)),
                ("a", &ascii.to_string()),
            ],
        ),
        Hint::KeySpace(key) => fill(t.hint_key_space, &[("key", key), ("trimmed", key.trim())]),
        Hint::MissingBrace => t.hint_missing_brace.to_string(),
        Hint::HashInJson => t.hint_hash_in_json.to_string(),
        Hint::ClusterStatus => t.hint_cluster_status.to_string(),
    }
}

/// The index of a node state in [`PanelText::node_states`].
pub fn state_index(state: NodeState) -> usize {
    match state {
        NodeState::Running => 0,
        NodeState::Stopped => 1,
        NodeState::Crashed => 2,
        NodeState::Paused => 3,
    }
}

/// A node as the panels' node pickers list it: its name and state, and whether it left the
/// cluster (its shell still runs `reset` and `join_cluster`).
pub fn node_label(sim: &Sim, n: usize, t: &PanelText) -> String {
    let node = &sim.cluster.nodes[n];
    let state = t.node_states[state_index(node.state)];
    if sim.cluster.is_member(n) {
        format!("{} ({state})", node.name)
    } else {
        format!("{} ({state}, {})", node.name, t.not_member)
    }
}

/// The notice shown where the learner acts while the display is in the past (acting forks).
#[inline(never)]
pub fn past_notice(player: &Player, t: &PanelText) -> Html {
    if player.cursor >= player.horizon() {
        return html! {};
    }
    let msg = fill(
        t.past_notice,
        &[
            ("t", &player.cursor.to_string()),
            ("h", &player.horizon().to_string()),
        ],
    );
    html! { <p class="panel-note past-notice" role="note">{ msg }</p> }
}

/// What the console keeps between renders.
#[derive(Debug, Clone, Default, PartialEq)]
struct ConsoleUi {
    /// The node whose shell this is (index in the cluster).
    node: usize,
    input: String,
    /// Lines already entered of a command that is not finished (open quote, trailing `\`).
    pending: Vec<String>,
    /// Position in the history while browsing it with ↑/↓, and the line typed before.
    browse: Option<(usize, String)>,
    /// Entries before this index are cleared from the screen.
    cleared: usize,
}

/// Commands typed earlier, oldest first, without immediate repeats (the ↑/↓ history).
fn history(console: &[ConsoleEntry]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in console {
        if out.last() != Some(&e.input) {
            out.push(e.input.clone());
        }
    }
    out
}

/// The terminal: pick the node whose shell it is, type, read the real output.
#[function_component]
pub fn Console() -> Html {
    let store = use_slow_store();
    let t = text(use_lang());
    let ui = use_state(ConsoleUi::default);
    let screen = use_node_ref();
    let field = use_node_ref();

    let player = store.player();
    let sim = player.view();
    let nodes: Vec<(String, String)> = (0..sim.cluster.nodes.len())
        .map(|n| (sim.node_name(n).to_string(), node_label(sim, n, t)))
        .collect();
    let node_idx = ui.node.min(nodes.len().saturating_sub(1));
    let node_name = nodes.get(node_idx).map(|n| n.0.clone()).unwrap_or_default();
    let entries = player.console.clone();
    let past = past_notice(&player, t);
    drop(player);

    {
        // Keep the newest output in sight.
        let screen = screen.clone();
        use_effect_with((entries.len(), ui.pending.len()), move |_| {
            if let Some(el) = screen.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }

    // Every change starts from the state as rendered: the callbacks are made anew each time.
    let change = {
        let ui = ui.clone();
        move |edit: &dyn Fn(&mut ConsoleUi)| {
            let mut next = (*ui).clone();
            edit(&mut next);
            ui.set(next);
        }
    };

    // Runs a finished command, or keeps collecting the lines of an unfinished one.
    let submit = {
        let store = store.clone();
        let change = change.clone();
        let pending = ui.pending.clone();
        Callback::from(move |typed: String| {
            let mut lines = pending.clone();
            lines.push(typed);
            let full = lines.join("\n");
            let more = block::needs_more(&full);
            change(&|u| {
                u.browse = None;
                u.input.clear();
                u.pending = if more { lines.clone() } else { Vec::new() };
            });
            if !more && !full.trim().is_empty() {
                store.dispatch(Action::Console {
                    node: node_idx,
                    line: full,
                });
            }
        })
    };

    let onkeydown = {
        let submit = submit.clone();
        let change = change.clone();
        let browse = ui.browse.clone();
        let hist = history(&entries);
        Callback::from(move |e: KeyboardEvent| {
            let Some(area) = e.target_dyn_into::<HtmlTextAreaElement>() else {
                return;
            };
            let value = area.value();
            let caret = area.selection_start().ok().flatten().unwrap_or(0) as usize;
            // selectionStart counts UTF-16 units; the lines are found in the same units.
            let before: Vec<u16> = value.encode_utf16().take(caret).collect();
            let on_first_line = !before.contains(&(b'\n' as u16));
            let after_has_newline = value.encode_utf16().skip(caret).any(|c| c == b'\n' as u16);
            // What ↑/↓ put in the field, and the browse position afterwards.
            let mut recall: Option<(String, Option<(usize, String)>)> = None;
            match e.key().as_str() {
                // An input method composing Chinese text uses Enter to commit its candidate.
                "Enter" if !e.shift_key() && !e.is_composing() => {
                    e.prevent_default();
                    submit.emit(value);
                }
                "Escape" => {
                    e.prevent_default();
                    change(&|u| {
                        u.pending.clear();
                        u.input.clear();
                        u.browse = None;
                    });
                }
                "ArrowUp" if on_first_line && !hist.is_empty() => {
                    e.prevent_default();
                    // The history can shrink under a browse (a new scenario was loaded).
                    let last = hist.len() - 1;
                    let (pos, draft) = match &browse {
                        Some((p, d)) => (p.saturating_sub(1).min(last), d.clone()),
                        None => (last, value),
                    };
                    recall = Some((hist[pos].clone(), Some((pos, draft))));
                }
                "ArrowDown" if !after_has_newline => {
                    if let Some((pos, draft)) = &browse {
                        e.prevent_default();
                        recall = Some(if pos + 1 < hist.len() {
                            (hist[pos + 1].clone(), Some((pos + 1, draft.clone())))
                        } else {
                            (draft.clone(), None)
                        });
                    }
                }
                _ => {}
            }
            if let Some((line, at)) = recall {
                change(&|u| {
                    u.input = line.clone();
                    u.browse = at.clone();
                });
            }
        })
    };

    let oninput = {
        let change = change.clone();
        Callback::from(move |e: InputEvent| {
            let v = target_value(&e);
            change(&|u| u.input = v.clone());
        })
    };

    let onsubmit = {
        let submit = submit.clone();
        let input = ui.input.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            submit.emit(input.clone());
        })
    };

    let onnode = {
        let change = change.clone();
        Callback::from(move |e: Event| {
            if let Ok(i) = target_value(&e).parse::<usize>() {
                change(&|u| u.node = i);
            }
        })
    };

    let onclear = {
        let change = change.clone();
        let n = entries.len();
        Callback::from(move |_: MouseEvent| change(&|u| u.cleared = n))
    };

    let oncancel = {
        let change = change.clone();
        Callback::from(move |_: MouseEvent| {
            change(&|u| {
                u.pending.clear();
                u.input.clear();
            })
        })
    };

    let node_options: Html = nodes
        .iter()
        .enumerate()
        .map(|(i, (_, label))| {
            html! { <option value={i.to_string()} selected={i == node_idx}>{ label }</option> }
        })
        .collect();

    let shown = &entries[ui.cleared.min(entries.len())..];
    let transcript: Html = shown.iter().map(|e| render_entry(e, t)).collect();
    let pending = &ui.pending;
    let pending_lines: Html = pending
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let p = if i == 0 {
                format!("{} ", prompt(&node_name))
            } else {
                "> ".to_string()
            };
            html! { <div class="term-line term-input"><span class="term-prompt">{ p }</span>{ l.clone() }</div> }
        })
        .collect();

    let examples: Html = EXAMPLES
        .iter()
        .zip(t.example_labels.iter())
        .map(|(line, label)| {
            let submit = submit.clone();
            let field = field.clone();
            let line = line.to_string();
            let shown_line = line.clone();
            let onclick = Callback::from(move |_: MouseEvent| {
                // Like pasting into a terminal: every pasted line is entered in turn.
                submit.emit(line.clone());
                if let Some(f) = field.cast::<web_sys::HtmlElement>() {
                    let _ = f.focus();
                }
            });
            html! {
                <li>
                    { button(label, None, "btn btn-small", onclick) }
                    <code class="example-line">{ shown_line }</code>
                </li>
            }
        })
        .collect();

    let rows = ui.input.split('\n').count().clamp(1, 8).to_string();
    let prompt_text = if pending.is_empty() {
        prompt(&node_name)
    } else {
        ">".to_string()
    };

    html! {
        <section class="panel console-panel" aria-label={t.console_title}>
            <div class="panel-bar">
                { select_field(t.console_node, &node_idx.to_string(), node_options, onnode) }
                { button(t.console_clear, None, "btn btn-small", onclear) }
            </div>
            { past }
            <div class="terminal" ref={screen} role="log" aria-live="polite" aria-label={t.console_output} tabindex="0">
                if shown.is_empty() && pending.is_empty() {
                    <div class="term-line term-muted">{ t.console_empty }</div>
                }
                { transcript }
                { pending_lines }
            </div>
            if !pending.is_empty() {
                <p class="panel-note" role="status">
                    { t.console_continues }
                    { " " }
                    { button(t.console_cancel, None, "btn btn-small", oncancel) }
                </p>
            }
            <form class="console-input" {onsubmit}>
                <span class="term-prompt" aria-hidden="true">{ prompt_text }</span>
                <textarea ref={field} class="console-field" aria-label={INPUT_NAME}
                    rows={rows} spellcheck="false" autocomplete="off" autocapitalize="off"
                    value={ui.input.clone()} {oninput} {onkeydown} />
                <button type="submit" class="btn btn-primary">{ t.console_run }</button>
            </form>
            <p class="panel-note muted">{ t.console_keys }</p>
            <details class="examples" open=true>
                <summary>{ t.examples_title }</summary>
                <ul class="example-list">{ examples }</ul>
            </details>
        </section>
    }
}

#[inline(never)]
fn render_entry(e: &ConsoleEntry, t: &PanelText) -> Html {
    let mut lines = e.input.split('\n');
    let first = lines.next().unwrap_or_default().to_string();
    let more: Html = lines
        .map(|l| html! { <div class="term-line term-input"><span class="term-prompt">{ "> " }</span>{ l.to_string() }</div> })
        .collect();
    let failed = e.exit_code != 0;
    let code = fill(t.exit_status, &[("code", &e.exit_code.to_string())]);
    let notes: Html = if failed {
        let hs = hints(&e.input);
        if hs.is_empty() {
            html! {}
        } else {
            html! {
                <div class="term-hint" role="note">
                    <strong>{ t.hint_title }</strong>
                    <ul>{ for hs.iter().map(|h| html! { <li>{ hint_text(t, h) }</li> }) }</ul>
                </div>
            }
        }
    } else {
        html! {}
    };
    html! {
        <div class={classes!("term-entry", failed.then_some("term-failed"))} data-exit={e.exit_code.to_string()}>
            <div class="term-line term-input">
                <span class="term-prompt">{ format!("{} ", prompt(&e.node)) }</span>{ first }
            </div>
            { more }
            if !e.output.is_empty() {
                <pre class="term-output">{ e.output.clone() }</pre>
            }
            <div class="term-meta">
                <span class={classes!("exit-code", failed.then_some("exit-bad"))}>
                    if failed { { "✗ " } } else { { "✓ " } }
                    { code }
                </span>
                <span class="muted">{ format!("t = {}", e.at) }</span>
            </div>
            { notes }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_the_documents() {
        assert_eq!(shell::quote("mirror_queue"), "mirror_queue");
        assert_eq!(shell::quote("^queue_"), "\"^queue_\"");
        assert_eq!(
            shell::quote(r#"{"ha-mode":"all"}"#),
            r#"'{"ha-mode":"all"}'"#
        );
        assert_eq!(shell::quote("it's"), "\"it's\"");
        assert_eq!(shell::quote(r#"it's "x""#), r#"'it'\''s "x"'"#);
        assert_eq!(shell::quote(""), "\"\"");
        assert_eq!(shell::quote("^a$"), r"'^a$'");
        // Whatever the quoting, the core's shell reads back the same word.
        for w in [
            "a b",
            "'",
            "\"'\"",
            "$HOME",
            "x\\y",
            "line\nbreak",
            "中文 名",
            "!",
        ] {
            let line = format!("cmd {}", shell::quote(w));
            assert_eq!(shell::split(&line).unwrap(), vec!["cmd", w], "{line}");
        }
    }

    #[test]
    fn prompt_names_the_host() {
        assert_eq!(prompt("rabbit@node2"), "[root@node2 ~]#");
        assert_eq!(prompt("plain"), "[root@plain ~]#");
    }

    #[test]
    fn seed_typos_are_recognised() {
        let h = hints(EXAMPLES[0]);
        assert!(h.contains(&Hint::FullWidth {
            found: '：',
            ascii: ':'
        }));
        assert!(h.contains(&Hint::KeySpace("ha-mode ".into())));
        assert!(!h.contains(&Hint::MissingBrace));
        assert!(hints(EXAMPLES[1]).is_empty());
        // The cut-off example only parses once the learner closes the quote, still without
        // the brace.
        let closed = format!("{}'", EXAMPLES[2]);
        assert_eq!(hints(&closed), vec![Hint::MissingBrace]);
        assert_eq!(hints(EXAMPLES[4]), vec![Hint::HashInJson]);
        assert_eq!(
            hints("rabbitmqctl cluster status"),
            vec![Hint::ClusterStatus]
        );
        assert!(hints("rabbitmqctl list_queues").is_empty());
    }

    #[test]
    fn examples_are_shell_lines_the_core_reads() {
        for (i, e) in EXAMPLES.iter().enumerate() {
            // The third is cut off in the document: the shell waits for more.
            assert_eq!(shell::needs_more(e), i == 2, "{e}");
        }
    }

    #[test]
    fn history_skips_repeats() {
        let entry = |s: &str| ConsoleEntry {
            node: "rabbit@node1".into(),
            input: s.into(),
            output: String::new(),
            exit_code: 0,
            at: Default::default(),
        };
        let h = history(&[entry("a"), entry("a"), entry("b"), entry("a")]);
        assert_eq!(h, vec!["a", "b", "a"]);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod ssr_tests {
    use crate::sim::scenario::player::Action;
    use crate::ui::i18n::panels::tests_support::{player_from, render_panel, Panel};
    use crate::ui::i18n::Lang;

    #[test]
    fn terminal_with_prompt_examples_and_the_fixed_input_name() {
        for lang in [Lang::En, Lang::Zh] {
            let html = render_panel(Panel::Console, "cluster nodes=3\n", lang);
            assert!(
                html.contains("aria-label=\"rabbitmqctl console\""),
                "{html}"
            );
            assert!(html.contains("[root@node1 ~]#"));
            assert!(html.contains("ha-orders"));
        }
        let zh = render_panel(Panel::Console, "cluster nodes=3\n", Lang::Zh);
        assert!(zh.contains("文档中的示例"));
    }

    #[test]
    fn the_seed_typo_gets_rabbitmq_error_and_a_gentle_note() {
        let mut p = player_from("cluster nodes=3\n");
        p.apply(Action::Console {
            node: 1,
            line: super::EXAMPLES[0].into(),
        });
        let e = p.console.last().unwrap();
        assert_eq!(e.node, "rabbit@node2");
        assert_eq!(e.exit_code, 69, "{}", e.output);
        assert!(e.output.contains("Error:"), "{}", e.output);
        let t = crate::ui::i18n::panels::text(Lang::En);
        let html = crate::ui::ssr::render::<Entry>(EntryProps {
            entry: e.clone(),
            lang: Lang::En,
        });
        assert!(html.contains("[root@node2 ~]#"), "{html}");
        assert!(html.contains("exit 69"));
        assert!(html.contains(t.hint_title));
        assert!(html.contains("U+FF1A"), "{html}");
    }

    use yew::prelude::*;

    #[derive(Properties, PartialEq)]
    struct EntryProps {
        entry: crate::sim::scenario::player::ConsoleEntry,
        lang: Lang,
    }

    #[function_component]
    fn Entry(p: &EntryProps) -> Html {
        super::render_entry(&p.entry, crate::ui::i18n::panels::text(p.lang))
    }
}
