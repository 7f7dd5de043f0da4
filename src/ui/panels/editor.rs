//! The Python clients panel: one editor per client script (line numbers, syntax colouring, the
//! current line), Run / Step / Stop, the script's output, and what it did on the wire. Lines
//! and trace events are linked both ways: hovering (or focusing) a line number lights up that
//! line's events for the stage ([`Action::HighlightEvents`]); picking an event
//! ([`Action::SelectEvent`], here or on the stage) marks the line that caused it.
//!
//! Everything a button does is a scenario line given to the session (`python NAME <<EOF…`,
//! `python NAME step`, `python NAME stop`), so scripts replay, rewind and share like any input.

use yew::prelude::*;

use crate::sim::pika::{Script, ScriptState};
use crate::sim::scenario::player::Action;
use crate::sim::trace::{Endpoint, TraceKind};
use crate::sim::Sim;
use crate::ui::context::use_slow_store;
use crate::ui::i18n::editor::{text, EditorText};
use crate::ui::i18n::Lang;

/// Editor line height in pixels (the stylesheet's `--code-line`): the code layer, the text area
/// and the gutter must share it for the mouse position to name a line.
pub const LINE_PX: f64 = 20.0;
/// Top padding of the code area, in pixels.
pub const PAD_PX: f64 = 8.0;
/// How many of a script's latest events the list shows.
pub const EVENTS_SHOWN: usize = 60;

/// What a piece of Python source is, for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok {
    Plain,
    Keyword,
    Builtin,
    Str,
    Comment,
    Number,
    /// The name after `def`.
    Def,
    Decorator,
}

impl Tok {
    fn class(self) -> &'static str {
        match self {
            Tok::Plain => "",
            Tok::Keyword => "tok-kw",
            Tok::Builtin => "tok-bi",
            Tok::Str => "tok-str",
            Tok::Comment => "tok-com",
            Tok::Number => "tok-num",
            Tok::Def => "tok-def",
            Tok::Decorator => "tok-dec",
        }
    }
}

const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

const BUILTINS: &[&str] = &[
    "print",
    "len",
    "range",
    "int",
    "str",
    "float",
    "bool",
    "dict",
    "list",
    "tuple",
    "set",
    "bytes",
    "type",
    "isinstance",
    "enumerate",
    "zip",
    "sorted",
    "min",
    "max",
    "sum",
    "abs",
    "round",
    "repr",
    "any",
    "all",
    "iter",
    "next",
    "reversed",
    "hasattr",
    "getattr",
    "format",
    "Exception",
    "ValueError",
    "TypeError",
    "KeyError",
    "IndexError",
    "RuntimeError",
    "KeyboardInterrupt",
    "SystemExit",
    "self",
];

/// Splits source into coloured pieces, line by line. Never fails: unfinished strings and
/// stray characters are coloured as far as they go (the editor shows code as it is typed).
pub fn highlight(src: &str) -> Vec<Vec<(Tok, String)>> {
    let mut lines: Vec<Vec<(Tok, String)>> = vec![Vec::new()];
    // An open triple-quoted string carried over line ends: its quote character.
    let mut open_triple: Option<char> = None;
    let mut after_def = false;
    for (n, line) in src.split('\n').enumerate() {
        if n > 0 {
            lines.push(Vec::new());
        }
        let out = lines.last_mut().expect("pushed above");
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        let push = |out: &mut Vec<(Tok, String)>, t: Tok, s: String| {
            if s.is_empty() {
                return;
            }
            match out.last_mut() {
                Some((lt, ls)) if *lt == t => ls.push_str(&s),
                _ => out.push((t, s)),
            }
        };
        if let Some(q) = open_triple {
            let end = find_triple(&chars, 0, q);
            let stop = end.map_or(chars.len(), |e| e + 3);
            push(out, Tok::Str, chars[..stop].iter().collect());
            i = stop;
            if end.is_some() {
                open_triple = None;
            }
        }
        while i < chars.len() {
            let c = chars[i];
            if c == '#' {
                push(out, Tok::Comment, chars[i..].iter().collect());
                break;
            }
            // String prefixes (f, b, r, rb…) followed by a quote.
            let mut j = i;
            while j < chars.len() && j - i < 2 && "rRbBuUfF".contains(chars[j]) {
                j += 1;
            }
            if j < chars.len()
                && (chars[j] == '\'' || chars[j] == '"')
                && (j == i || !is_ident(prev(&chars, i)))
            {
                let q = chars[j];
                if chars.get(j + 1) == Some(&q) && chars.get(j + 2) == Some(&q) {
                    let end = find_triple(&chars, j + 3, q);
                    let stop = end.map_or(chars.len(), |e| e + 3);
                    push(out, Tok::Str, chars[i..stop].iter().collect());
                    if end.is_none() {
                        open_triple = Some(q);
                    }
                    i = stop;
                } else {
                    let mut k = j + 1;
                    while k < chars.len() && chars[k] != q {
                        k += if chars[k] == '\\' { 2 } else { 1 };
                    }
                    let stop = (k + 1).min(chars.len());
                    push(out, Tok::Str, chars[i..stop].iter().collect());
                    i = stop;
                }
                after_def = false;
                continue;
            }
            if c.is_ascii_digit()
                || (c == '.'
                    && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())
                    && !is_ident(prev(&chars, i)))
            {
                let mut k = i + 1;
                while k < chars.len()
                    && (chars[k].is_ascii_alphanumeric() || chars[k] == '_' || chars[k] == '.')
                {
                    k += 1;
                }
                push(out, Tok::Number, chars[i..k].iter().collect());
                i = k;
                continue;
            }
            if c == '@' && chars[..i].iter().all(|x| x.is_whitespace()) {
                let mut k = i + 1;
                while k < chars.len() && (is_ident(chars[k]) || chars[k] == '.') {
                    k += 1;
                }
                push(out, Tok::Decorator, chars[i..k].iter().collect());
                i = k;
                continue;
            }
            if is_ident(c) {
                let mut k = i + 1;
                while k < chars.len() && is_ident(chars[k]) {
                    k += 1;
                }
                let word: String = chars[i..k].iter().collect();
                let attr = prev_non_space(&chars, i) == Some('.');
                let t = if after_def {
                    Tok::Def
                } else if KEYWORDS.contains(&word.as_str()) {
                    Tok::Keyword
                } else if !attr && BUILTINS.contains(&word.as_str()) {
                    Tok::Builtin
                } else {
                    Tok::Plain
                };
                after_def = word == "def";
                push(out, t, word);
                i = k;
                continue;
            }
            if !c.is_whitespace() {
                after_def = false;
            }
            push(out, Tok::Plain, c.to_string());
            i += 1;
        }
    }
    lines
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn prev(chars: &[char], i: usize) -> char {
    if i == 0 {
        ' '
    } else {
        chars[i - 1]
    }
}

fn prev_non_space(chars: &[char], i: usize) -> Option<char> {
    chars[..i]
        .iter()
        .rev()
        .find(|c| !c.is_whitespace())
        .copied()
}

fn find_triple(chars: &[char], from: usize, q: char) -> Option<usize> {
    let mut k = from;
    while k + 3 <= chars.len() {
        if chars[k] == '\\' {
            k += 2;
            continue;
        }
        if chars[k] == q && chars[k + 1] == q && chars[k + 2] == q {
            return Some(k);
        }
        k += 1;
    }
    None
}

/// The scenario line that starts `source` as client `name` on node index `node`, with a
/// delimiter the source does not contain as a line of its own.
pub fn start_line(name: &str, node_host: &str, source: &str, paused: bool) -> String {
    let mut delim = "EOF".to_string();
    let mut n = 1;
    while source.lines().any(|l| l.trim() == delim) {
        n += 1;
        delim = format!("EOF{n}");
    }
    let body = source.trim_end_matches('\n');
    format!(
        "python {name} on node={node_host}{} <<{delim}\n{body}\n{delim}",
        if paused { " paused" } else { "" }
    )
}

/// One editor's content: the client's name, the node it runs on, the code.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    pub name: String,
    pub node: usize,
    pub code: String,
}

use crate::ui::context::use_lang;

/// The Python clients panel (mounted inside the app's store provider).
#[function_component]
pub fn ScriptsPanel() -> Html {
    let store = use_slow_store();
    let lang = use_lang();
    let t = text(lang);
    let slots = {
        let player = store.player();
        let from_run: Vec<Slot> = player
            .view_run()
            .scripts
            .all()
            .iter()
            .map(|s| Slot {
                name: s.name.clone(),
                node: s.home,
                code: s.source.clone(),
            })
            .collect();
        drop(player);
        use_state(move || {
            // A loaded scenario's scripts, else one publisher and one consumer to start from.
            let mut v: Vec<Slot> = Vec::new();
            for s in from_run {
                match v.iter_mut().find(|x| x.name == s.name) {
                    Some(x) => *x = s,
                    None => v.push(s),
                }
            }
            if v.is_empty() {
                v.push(Slot {
                    name: "app1".into(),
                    node: 0,
                    code: t.sample_publisher.to_string(),
                });
                v.push(Slot {
                    name: "app2".into(),
                    node: 1,
                    code: t.sample_consumer.to_string(),
                });
            }
            v
        })
    };

    // Scripts that came with a loaded scenario get an editor of their own.
    {
        let slots = slots.clone();
        let player = store.player();
        let missing: Vec<Slot> = player
            .view_run()
            .scripts
            .all()
            .iter()
            .filter(|s| !slots.iter().any(|x| x.name == s.name))
            .map(|s| Slot {
                name: s.name.clone(),
                node: s.home,
                code: s.source.clone(),
            })
            .fold(Vec::new(), |mut acc, s| {
                if !acc.iter().any(|x: &Slot| x.name == s.name) {
                    acc.push(s);
                }
                acc
            });
        drop(player);
        use_effect_with(missing, move |missing| {
            if !missing.is_empty() {
                let mut v = (*slots).clone();
                v.extend(missing.iter().cloned());
                slots.set(v);
            }
        });
    }

    let nodes: Vec<String> = store
        .player()
        .view()
        .cluster
        .nodes
        .iter()
        .map(|n| n.host().to_string())
        .collect();

    let add = {
        let slots = slots.clone();
        let sample = t.sample_publisher;
        let n_nodes = nodes.len().max(1);
        Callback::from(move |_: MouseEvent| {
            let mut v = (*slots).clone();
            let mut k = v.len() + 1;
            while v.iter().any(|s| s.name == format!("app{k}")) {
                k += 1;
            }
            let node = v.len() % n_nodes;
            v.push(Slot {
                name: format!("app{k}"),
                node,
                code: sample.to_string(),
            });
            slots.set(v);
        })
    };

    let editors: Html = slots
        .iter()
        .enumerate()
        .map(|(i, slot)| {
            let on_change = {
                let slots = slots.clone();
                Callback::from(move |s: Slot| {
                    let mut v = (*slots).clone();
                    if let Some(x) = v.get_mut(i) {
                        *x = s;
                    }
                    slots.set(v);
                })
            };
            let on_remove = {
                let slots = slots.clone();
                Callback::from(move |_: ()| {
                    let mut v = (*slots).clone();
                    if i < v.len() {
                        v.remove(i);
                    }
                    slots.set(v);
                })
            };
            html! {
                <ScriptEditor key={slot.name.clone()} slot={slot.clone()} nodes={nodes.clone()}
                    {lang} {on_change} {on_remove} />
            }
        })
        .collect();

    html! {
        <section class="card scripts-panel" aria-labelledby="scripts-heading">
            <div class="card-head">
                <h2 id="scripts-heading">{ t.heading }</h2>
                <button type="button" class="btn add-client" onclick={add}>{ t.add_client }</button>
            </div>
            <p class="muted scripts-intro">{ t.intro }</p>
            <div class="scripts-grid">{ editors }</div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct EditorProps {
    slot: Slot,
    nodes: Vec<String>,
    lang: Lang,
    on_change: Callback<Slot>,
    on_remove: Callback<()>,
}

/// A short text for one trace event, as the event list shows it.
fn describe(sim: &Sim, idx: usize, lang: Lang) -> String {
    let Some(ev) = sim.trace.get(idx) else {
        return String::new();
    };
    let end = |e: &Endpoint| match e {
        Endpoint::Client(c) => sim.clients.get(c.0).map_or("?".into(), |c| c.name.clone()),
        Endpoint::Proc(p) => sim
            .procs
            .get(p.0)
            .map_or("?".into(), |r| sim.node_name(r.pid.node).to_string()),
        Endpoint::Node(n) => sim
            .cluster
            .nodes
            .get(*n)
            .map_or("?".into(), |x| x.name.clone()),
    };
    match &ev.kind {
        TraceKind::Send {
            from, to, label, ..
        } => format!("{label}  {} → {}", end(from), end(to)),
        TraceKind::Lost { reason, .. } => format!("✕ {}", lang.text().lost_reason(reason)),
        TraceKind::State { change, .. } => lang.text().change(change),
        TraceKind::Input { text } => text.clone(),
    }
}

#[function_component]
fn ScriptEditor(props: &EditorProps) -> Html {
    let store = use_slow_store();
    let t: &EditorText = text(props.lang);
    let hovered = use_state(|| None::<u32>);
    let slot = &props.slot;
    let name = slot.name.clone();

    let player = store.player();
    let run = player.view_run();
    let script: Option<&Script> = run.scripts.get(&name);
    let live = script.filter(|s| !s.is_over());
    let same_code = script.is_some_and(|s| s.source.trim_end() == slot.code.trim_end());
    let syntax = crate::py::front::compile::compile(&slot.code).err();

    // Events per line, and the line of the picked event.
    let mut per_line: std::collections::BTreeMap<u32, Vec<usize>> = Default::default();
    if let Some(s) = script.filter(|_| same_code) {
        for &(l, i) in s.links() {
            per_line.entry(l).or_default().push(i as usize);
        }
    }
    let picked_line = player
        .selected_event
        .and_then(|e| run.scripts.line_of_event(e))
        .filter(|(n, _)| *n == name && same_code)
        .map(|(_, l)| l);
    let current = script
        .filter(|s| !s.is_over() && same_code)
        .map(|s| s.current_line());
    let error_line = syntax.as_ref().map(|e| e.line);

    let status = match script {
        None => t.not_started.to_string(),
        Some(s) => {
            let mut st = t.status(s.state(), s.current_line(), s.waiting_on());
            if !same_code {
                st = format!("{st} · {}", t.edited);
            }
            st
        }
    };
    let state_class = script.map_or("idle", |s| s.state().as_str());

    let lines = highlight(&slot.code);
    let code_html: Html = lines
        .iter()
        .enumerate()
        .map(|(i, toks)| {
            let n = i as u32 + 1;
            let class = classes!(
                "ln",
                (current == Some(n)).then_some("current"),
                (picked_line == Some(n)).then_some("picked"),
                (*hovered == Some(n)).then_some("hovered"),
                (error_line == Some(n)).then_some("error"),
            );
            let pieces: Html = toks
                .iter()
                .map(|(tok, s)| match tok {
                    Tok::Plain => html! { { s.clone() } },
                    _ => html! { <span class={tok.class()}>{ s.clone() }</span> },
                })
                .collect();
            html! { <div {class} id={format!("code-{name}-{n}")}>{ pieces }{ "\u{200b}" }</div> }
        })
        .collect();

    let highlight_line = {
        let store = store.clone();
        let hovered = hovered.clone();
        let per_line = per_line.clone();
        Callback::from(move |line: Option<u32>| {
            if *hovered == line {
                return;
            }
            hovered.set(line);
            let events = line
                .and_then(|l| per_line.get(&l).cloned())
                .unwrap_or_default();
            store.dispatch(Action::HighlightEvents(events));
        })
    };

    let gutter: Html = (1..=lines.len() as u32)
        .map(|n| {
            let count = per_line.get(&n).map_or(0, |v| v.len());
            let enter = {
                let h = highlight_line.clone();
                Callback::from(move |_: MouseEvent| h.emit(Some(n)))
            };
            let focus = {
                let h = highlight_line.clone();
                Callback::from(move |_: FocusEvent| h.emit(Some(n)))
            };
            let leave = {
                let h = highlight_line.clone();
                Callback::from(move |_: MouseEvent| h.emit(None))
            };
            let blur = {
                let h = highlight_line.clone();
                Callback::from(move |_: FocusEvent| h.emit(None))
            };
            let class = classes!(
                "gl",
                (count > 0).then_some("ran"),
                (current == Some(n)).then_some("current"),
                (picked_line == Some(n)).then_some("picked"),
                (error_line == Some(n)).then_some("error"),
            );
            html! {
                <button type="button" {class} tabindex="-1" aria-label={t.line(n as usize, count)}
                    onmouseenter={enter} onmouseleave={leave} onfocus={focus} onblur={blur}>
                    { n }
                </button>
            }
        })
        .collect();

    let on_input = {
        let slot = slot.clone();
        let cb = props.on_change.clone();
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            cb.emit(Slot {
                code: area.value(),
                ..slot.clone()
            });
        })
    };
    let on_move = {
        let h = highlight_line.clone();
        let n_lines = lines.len() as u32;
        Callback::from(move |e: MouseEvent| {
            let y = e.offset_y() as f64 - PAD_PX;
            let line = (y / LINE_PX).floor() as i64 + 1;
            let line = (line >= 1 && line as u32 <= n_lines).then_some(line as u32);
            h.emit(line);
        })
    };
    let on_leave = {
        let h = highlight_line.clone();
        Callback::from(move |_: MouseEvent| h.emit(None))
    };

    let host = props
        .nodes
        .get(slot.node)
        .cloned()
        .unwrap_or_else(|| "node1".into());
    let run_cb = {
        let store = store.clone();
        let (name, code, host) = (name.clone(), slot.code.clone(), host.clone());
        let resume =
            live.is_some() && same_code && script.is_some_and(|s| s.state() == ScriptState::Paused);
        let busy = live.is_some() && same_code && !resume;
        Callback::from(move |_: MouseEvent| {
            if resume {
                store.dispatch(Action::Input(format!("python {name} run")));
            } else if !busy {
                store.dispatch(Action::Input(start_line(&name, &host, &code, false)));
            }
            store.dispatch(Action::Play);
        })
    };
    let step_cb = {
        let store = store.clone();
        let (name, code, host) = (name.clone(), slot.code.clone(), host.clone());
        let fresh = live.is_none() || !same_code;
        Callback::from(move |_: MouseEvent| {
            if fresh {
                store.dispatch(Action::Input(start_line(&name, &host, &code, true)));
            }
            store.dispatch(Action::StepScript(name.clone()));
        })
    };
    let stop_cb = {
        let store = store.clone();
        let name = name.clone();
        Callback::from(move |_: MouseEvent| {
            store.dispatch(Action::Input(format!("python {name} stop")));
        })
    };
    let remove_cb = {
        let cb = props.on_remove.clone();
        let store = store.clone();
        let name = name.clone();
        let alive = live.is_some();
        Callback::from(move |_: MouseEvent| {
            if alive {
                store.dispatch(Action::Input(format!("python {name} stop")));
            }
            cb.emit(());
        })
    };

    let node_buttons: Html = props
        .nodes
        .iter()
        .enumerate()
        .map(|(i, host)| {
            let pressed = i == slot.node;
            let onclick = {
                let cb = props.on_change.clone();
                let slot = slot.clone();
                Callback::from(move |_: MouseEvent| {
                    cb.emit(Slot {
                        node: i,
                        ..slot.clone()
                    })
                })
            };
            html! {
                <button type="button" class={classes!("seg", pressed.then_some("active"))}
                    aria-pressed={pressed.to_string()} {onclick}>{ host.clone() }</button>
            }
        })
        .collect();

    let output: Html = script
        .map(|s| {
            s.output()
                .iter()
                .map(|(err, txt)| {
                    html! { <span class={classes!(err.then_some("stderr"))}>{ txt.clone() }</span> }
                })
                .collect::<Html>()
        })
        .unwrap_or_default();

    let events: Html = match script {
        Some(s) if !s.links().is_empty() => {
            let mut seen: Vec<(u32, usize)> = Vec::new();
            for &(l, i) in s.links().iter().rev() {
                if seen.len() >= EVENTS_SHOWN {
                    break;
                }
                if !seen.iter().any(|x| x.1 == i as usize) {
                    seen.push((l, i as usize));
                }
            }
            seen.reverse();
            seen.into_iter()
                .map(|(l, i)| {
                    let selected = player.selected_event == Some(i);
                    let onclick = {
                        let store = store.clone();
                        Callback::from(move |_: MouseEvent| {
                            store.dispatch(Action::SelectEvent(if selected {
                                None
                            } else {
                                Some(i)
                            }))
                        })
                    };
                    let at = run
                        .sim
                        .trace
                        .get(i)
                        .map(|e| e.at.to_string())
                        .unwrap_or_default();
                    let lit = player.highlighted.contains(&i);
                    html! {
                        <li class={classes!("ev", lit.then_some("lit"))}>
                            <button type="button" aria-pressed={selected.to_string()} {onclick}
                                data-event={i.to_string()}>
                                <span class="ev-at">{ at }</span>
                                <span class="ev-line">{ format!("L{l}") }</span>
                                <span class="ev-text">{ describe(&run.sim, i, props.lang) }</span>
                            </button>
                        </li>
                    }
                })
                .collect()
        }
        _ => html! { <li class="ev none">{ t.no_events }</li> },
    };

    // Bring the line of a picked event into view (scrolling the editor only vertically).
    {
        let target = picked_line.map(|l| (format!("editor-{name}"), l));
        use_effect_with(target, |target| {
            #[cfg(target_arch = "wasm32")]
            if let Some((id, line)) = target {
                if let Some(el) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id(id))
                {
                    let top = (*line as f64 - 1.0) * LINE_PX + PAD_PX;
                    let (scroll, height) = (el.scroll_top() as f64, el.client_height() as f64);
                    if top < scroll || top + LINE_PX > scroll + height {
                        el.set_scroll_top((top - height / 3.0).max(0.0) as i32);
                    }
                }
            }
            #[cfg(not(target_arch = "wasm32"))]
            let _ = target;
        });
    }

    let n_lines = lines.len();

    html! {
        <article class={classes!("script", format!("script-{state_class}"))}
            data-client={name.clone()} aria-label={t.client(&name)}>
            <header class="script-head">
                <h3 class="script-name">{ name.clone() }</h3>
                <div class="segmented" role="group" aria-label={t.runs_on}>{ node_buttons }</div>
                <button type="button" class="icon-btn" aria-label={t.remove_client} title={t.remove_client}
                    onclick={remove_cb}>{ "×" }</button>
            </header>
            <div class="script-tools" role="toolbar" aria-label={t.client(&name)}>
                <button type="button" class="btn primary" onclick={run_cb} disabled={syntax.is_some()}>{ t.run }</button>
                <button type="button" class="btn" onclick={step_cb} disabled={syntax.is_some()}>{ t.step }</button>
                <button type="button" class="btn" onclick={stop_cb} disabled={live.is_none()}>{ t.stop }</button>
                <span class={classes!("script-status", format!("st-{state_class}"))} aria-live="polite">{ status }</span>
            </div>
            <div class="editor" id={format!("editor-{name}")} style={format!("--lines:{n_lines}")}>
                <div class="gutter">{ gutter }</div>
                <div class="code">
                    <div class="code-layer" aria-hidden="true">{ code_html }</div>
                    <textarea class="code-input" aria-label={t.code(&name)} spellcheck="false"
                        autocomplete="off" autocapitalize="off" wrap="off"
                        value={slot.code.clone()} oninput={on_input}
                        onmousemove={on_move} onmouseleave={on_leave} />
                </div>
            </div>
            if let Some(e) = &syntax {
                <p class="script-syntax" role="alert">
                    { t.syntax(e.exception_name(), e.line, e.col, &e.message) }
                </p>
            }
            <h4 class="sub">{ t.output_label }</h4>
            <pre class="script-output" role="log" aria-label={format!("{} · {}", t.output_label, name)}>{ output }</pre>
            <h4 class="sub">{ t.events_label }</h4>
            <ol class="script-events" aria-label={format!("{} · {}", t.events_label, name)}>{ events }</ol>
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Vec<(Tok, String)>> {
        highlight(src)
    }

    #[test]
    fn colours_python_as_typed() {
        let l = kinds("def on_message(ch, body):  # cb\n    print(f'got {body}', 3.5)");
        assert_eq!(l.len(), 2);
        assert_eq!(l[0][0], (Tok::Keyword, "def".into()));
        assert!(l[0].contains(&(Tok::Def, "on_message".into())));
        assert_eq!(l[0].last().unwrap(), &(Tok::Comment, "# cb".into()));
        assert!(l[1].contains(&(Tok::Builtin, "print".into())));
        assert!(l[1].contains(&(Tok::Str, "f'got {body}'".into())));
        assert!(l[1].contains(&(Tok::Number, "3.5".into())));
        // A triple-quoted string runs over lines; an attribute named like a builtin is plain.
        let l = kinds("x = \"\"\"a\nb # not a comment\nc\"\"\" + ch.print");
        assert_eq!(l[1], vec![(Tok::Str, "b # not a comment".into())]);
        assert_eq!(l[2][0], (Tok::Str, "c\"\"\"".into()));
        assert!(!l[2].iter().any(|(t, _)| *t == Tok::Builtin), "{:?}", l[2]);
    }

    #[test]
    fn highlighting_keeps_every_character() {
        let samples = [
            "'unterminated",
            "\"\"\"open",
            "x = rb'\\x00' + 0x1F + .5 + a1",
            "@decorator\nclass A: pass",
            "中文 = '订单'  # 注释",
            "\t\u{0}\\",
            "",
            "'''",
            "a'b",
        ];
        for s in samples {
            let back: Vec<String> = highlight(s)
                .iter()
                .map(|l| l.iter().map(|(_, t)| t.as_str()).collect())
                .collect();
            assert_eq!(back.join("\n"), s);
        }
    }

    #[test]
    fn start_lines_pick_a_free_delimiter() {
        assert_eq!(
            start_line("app1", "node2", "print(1)\n", false),
            "python app1 on node=node2 <<EOF\nprint(1)\nEOF"
        );
        let s = start_line("a", "node1", "x = '''\nEOF\n'''", true);
        assert!(
            s.starts_with("python a on node=node1 paused <<EOF2\n"),
            "{s}"
        );
        assert!(s.ends_with("\nEOF2"));
        let steps = crate::sim::scenario::parse(&s).unwrap();
        assert_eq!(steps.len(), 1);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod ssr_tests {
    use super::*;
    use crate::sim::scenario::player::Player;
    use crate::sim::scenario::Session;
    use crate::ui::context::{Store, StoreHandle};
    use crate::ui::ssr::render;

    #[derive(Properties, PartialEq)]
    struct HarnessProps {
        scenario: String,
        lang: Lang,
    }

    #[function_component]
    fn Harness(props: &HarnessProps) -> Html {
        let text = props.scenario.clone();
        let store = use_reducer(move || {
            Store::new(Player::from_session(
                Session::from_scenario(&text).expect("valid scenario"),
            ))
        });
        html! {
            <ContextProvider<StoreHandle> context={store}>
                <ContextProvider<Lang> context={props.lang}>
                    <ScriptsPanel />
                </ContextProvider<Lang>>
            </ContextProvider<StoreHandle>>
        }
    }

    #[test]
    fn fresh_panel_offers_two_clients_with_sample_code() {
        let html = render::<Harness>(HarnessProps {
            scenario: "cluster nodes=3\n".into(),
            lang: Lang::En,
        });
        assert!(html.contains("aria-label=\"Client app1\""), "{html}");
        assert!(html.contains("aria-label=\"Client app2\""));
        assert!(html.contains("aria-label=\"Python code of app1\""));
        assert_eq!(html.matches(">Run</button>").count(), 2);
        assert!(html.contains("not started"));
        assert!(
            html.contains("<span class=\"tok-kw\">import</span>"),
            "{html}"
        );
        // Line buttons, none of which has run yet.
        assert!(html.contains("aria-label=\"Line 1: 0 events\""));
        let zh = render::<Harness>(HarnessProps {
            scenario: "cluster nodes=3\n".into(),
            lang: Lang::Zh,
        });
        assert!(
            zh.contains(">运行</button>") && zh.contains("未启动"),
            "{zh}"
        );
    }

    #[test]
    fn a_scripts_state_output_and_events_show() {
        let scenario = "cluster nodes=3\npython app1 <<EOF\nimport pika\nch = pika.BlockingConnection().channel()\nch.queue_declare('q')\nprint('declared')\nch.basic_get('nope')\nEOF\nwait 1s\n";
        let html = render::<Harness>(HarnessProps {
            scenario: scenario.into(),
            lang: Lang::En,
        });
        assert!(html.contains("failed with an exception"), "{html}");
        assert!(html.contains("declared\n"));
        assert!(html.contains("class=\"stderr\""));
        assert!(html.contains("ChannelClosedByBroker: (404, &quot;NOT_FOUND - no queue &apos;nope&apos; in vhost &apos;/&apos;&quot;)")
            || html.contains("ChannelClosedByBroker: (404, \"NOT_FOUND - no queue 'nope' in vhost '/'\")"), "{html}");
        assert!(html.contains("queue.declare q"), "{html}");
        // Line 3 declared the queue: the request, the queue's creation, the reply.
        assert!(html.contains("aria-label=\"Line 3: 3 events\""), "{html}");
        // The script's source came with the scenario into an editor of its own.
        assert!(html.contains("data-client=\"app1\""));
    }
}
