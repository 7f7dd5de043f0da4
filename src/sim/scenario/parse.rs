//! Parses the scenario format (docs/scenario-format.md) into [`Step`]s. Every malformed line is
//! an error naming its line number; nothing here panics.

use crate::erl::json::{self, Json};
use crate::sim::cluster::Cluster;
use crate::sim::ctl::block::{self, Redirect};
use crate::sim::ctl::shell;
use crate::sim::exchanges::{BindSpec, DestKind, ExchangeSpec};
use crate::sim::limits;
use crate::sim::scenario::captions::{self, CaptionLine, MarkLine};
use crate::sim::scenario::exchange_ops::{ExchangeOp, PublishLine, EXCHANGE_KEYS};
use crate::sim::time::{parse_duration, Micros};

/// One line (or multi-line command) of a scenario, with its 1-based line number.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub line: usize,
    pub text: String,
    pub action: Action,
}

/// What a scenario line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// `cluster nodes=3` or `cluster rabbit@a rabbit@b`.
    Cluster(Vec<String>),
    Seed(u64),
    Config(Vec<(String, String)>),
    /// A `rabbitmqctl`/`systemctl` line, run on `node` (default: the first node).
    Command {
        node: Option<String>,
        words: Vec<String>,
    },
    Stop(String),
    Kill(String),
    Start(String),
    Partition(Vec<Vec<String>>),
    /// `partition node1 - node2`: cut the one link between two nodes.
    PartialPartition(String, String),
    Heal,
    /// `join node`: a fresh node joins the running cluster.
    Join,
    /// `drop ID`: lose one in-flight message (its trace id).
    Drop(u64),
    Wait(Micros),
    /// `client NAME node=NODE [vhost=V]`.
    Client {
        name: String,
        node: String,
        vhost: String,
    },
    /// `NAME VERB …` for a declared client.
    ClientOp {
        client: String,
        op: ClientOp,
    },
    Expect(Expectation),
    /// `python NAME [on node=NODE] [paused] [argv=A,B] <<EOF` … `EOF`: start a pika client
    /// script (`argv`: its command-line arguments, `sys.argv[1:]`).
    Python {
        name: String,
        node: Option<String>,
        paused: bool,
        source: String,
        argv: Vec<String>,
    },
    /// A shell command whose output goes to a file (`echo "net_ticktime = 30" >>
    /// /etc/rabbitmq/rabbitmq.conf`), run on `node` (default: the first node).
    Redirected {
        node: Option<String>,
        words: Vec<String>,
        redirect: Redirect,
    },
    /// `python NAME step|run|pause|stop`.
    PythonControl {
        name: String,
        control: crate::sim::pika::Control,
    },
    /// `caption "text" [zh="…"] [at=…] [for=…]`: narration, never acts on the cluster.
    Caption(CaptionLine),
    /// `mark "name" [at=…]`: a named moment (a chapter), never acts on the cluster.
    Mark(MarkLine),
    /// `crash QUEUE on NODE [vhost=V]`: kill that replica's process, its node running on.
    CrashQueue {
        queue: String,
        node: String,
        vhost: String,
    },
}

/// What a client does.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientOp {
    Declare {
        queue: String,
        durable: bool,
        exclusive: bool,
        auto_delete: bool,
        passive: bool,
        args: Vec<(String, Json)>,
    },
    Confirm,
    Publish {
        queue: String,
        body: String,
        persistent: bool,
        count: u32,
        /// `expiration=MS`: the per-message TTL property.
        expiration: Option<String>,
    },
    Consume {
        queue: String,
        manual_ack: bool,
        prefetch: u32,
        args: Vec<(String, Json)>,
    },
    Get {
        queue: String,
        manual_ack: bool,
    },
    /// `ack all` (None) or `ack TAG`.
    Ack(Option<u64>),
    Nack {
        tag: Option<u64>,
        requeue: bool,
    },
    TxSelect,
    TxCommit,
    Close,
    /// An exchange, binding or purge method, or a publish through an exchange.
    Exchange(ExchangeOp),
}

/// An `expect` line.
#[derive(Debug, Clone, PartialEq)]
pub enum Expectation {
    /// `expect queue NAME key=value …` (or `absent`).
    Queue {
        vhost: String,
        name: String,
        checks: Vec<(String, String)>,
    },
    /// `expect client NAME key=value …`.
    Client {
        name: String,
        checks: Vec<(String, String)>,
    },
    /// `expect anomalies lost=0 duplicate=2 …`: counts from the invariant checker.
    Anomalies(Vec<(String, String)>),
    /// `expect exit N`: the previous command's exit code.
    Exit(i32),
    /// `expect output "text"`: the previous command's output contains the text.
    Output(String),
    /// `expect python NAME key=value …`: a script's state, output, error, line.
    Script {
        name: String,
        checks: Vec<(String, String)>,
    },
    /// `expect exchange NAME [vhost=V] key=value …` (or `absent`).
    Exchange {
        vhost: String,
        name: String,
        checks: Vec<(String, String)>,
    },
    /// `expect node NAME state=… sees=… not_sees=… partitioned=…` (`expect_node.rs`).
    Node {
        name: String,
        checks: Vec<(String, String)>,
    },
}

/// The checks an `expect queue` line takes.
pub const QUEUE_KEYS: &[&str] = &[
    "on",
    "master",
    "mirrors",
    "mirror_count",
    "synced",
    "synced_count",
    "messages",
    "ready",
    "unacked",
    "policy",
    "state",
    "mirrored",
    "absent",
    "durable",
];
/// The checks an `expect client` line takes.
pub const CLIENT_KEYS: &[&str] = &[
    "connected",
    "deliveries",
    "redelivered",
    "received",
    "confirmed",
    "nacked",
    "unconfirmed",
    "cancelled",
    "error",
    "unacked",
    "channel",
    "returned",
];

/// The checks an `expect python` line takes.
pub const SCRIPT_KEYS: &[&str] = &["state", "output", "stdout", "error", "line", "exit"];

/// A parse error: `file:line: message` once the caller adds the file name.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

/// Parses a whole scenario.
pub fn parse(text: &str) -> Result<Vec<Step>, ParseError> {
    limits::check_scenario_size(text.len()).map_err(|message| ParseError { line: 1, message })?;
    let lines: Vec<&str> = text.lines().collect();
    let mut steps = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let start = i;
        if let Some(block) = python_block(&lines, i)? {
            i = block.end + 1;
            steps.push(block.step);
            continue;
        }
        let mut joined = lines[i].to_string();
        // A command continues while quotes are open or the line ends in a backslash.
        while shell::needs_more(&joined) && i + 1 < lines.len() {
            i += 1;
            joined.push('\n');
            joined.push_str(lines[i]);
        }
        i += 1;
        let trimmed = joined.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let action = parse_line(trimmed).map_err(|message| ParseError {
            line: start + 1,
            message,
        })?;
        steps.push(Step {
            line: start + 1,
            text: trimmed.to_string(),
            action,
        });
    }
    setup_first(&steps)?;
    narration_count(&steps)?;
    Ok(steps)
}

/// Set-up lines build the cluster before time 0, so one after another line could only be an
/// error; refusing it here keeps a scenario and the session that shares it the same run (a
/// session's share text puts its set-up first, where a late `seed` would take effect).
fn setup_first(steps: &[Step]) -> Result<(), ParseError> {
    let is_setup = |st: &Step| {
        matches!(
            st.action,
            Action::Cluster(_) | Action::Seed(_) | Action::Config(_)
        )
    };
    let late = steps
        .iter()
        .skip_while(|st| is_setup(st))
        .find(|st| is_setup(st));
    match late {
        Some(st) => Err(ParseError {
            line: st.line,
            message: format!(
                "{}: cluster, seed and config lines must come before everything else",
                st.text
            ),
        }),
        None => Ok(()),
    }
}

struct PythonBlock {
    step: Step,
    end: usize,
}

/// `python NAME [on node=NODE] [paused] <<EOF`, the script's lines verbatim, then `EOF` alone
/// on a line (any word works as the delimiter; it may be quoted: `<<'END'`). A syntax error in
/// the script is reported at its own line and column.
fn python_block(lines: &[&str], i: usize) -> Result<Option<PythonBlock>, ParseError> {
    let header = lines[i].trim();
    let Some(after) = header.strip_prefix("python") else {
        return Ok(None);
    };
    if !after.starts_with(char::is_whitespace) {
        return Ok(None);
    }
    let Some((head, delim)) = after.split_once("<<") else {
        return Ok(None);
    };
    let err = |line: usize, message: String| ParseError {
        line: line + 1,
        message,
    };
    let delim = delim.trim().trim_start_matches('-');
    let delim = delim.trim_matches(|c| c == '\'' || c == '"').to_string();
    if delim.is_empty() || delim.contains(char::is_whitespace) {
        return Err(err(
            i,
            "python NAME <<EOF: the delimiter after << must be one word".into(),
        ));
    }
    let words: Vec<&str> = head.split_whitespace().collect();
    let Some((&name, opts)) = words.split_first() else {
        return Err(err(
            i,
            "python needs a client name: python app <<EOF".into(),
        ));
    };
    if name.contains('=') || name == "on" {
        return Err(err(
            i,
            "python needs a client name first: python app on node=node2 <<EOF".into(),
        ));
    }
    let mut node = None;
    let mut paused = false;
    let mut argv = Vec::new();
    for w in opts {
        match *w {
            "on" => {}
            "paused" => paused = true,
            w if w.starts_with("node=") => node = Some(w["node=".len()..].to_string()),
            w if w.starts_with("argv=") => {
                argv = script_argv(&w["argv=".len()..])
                    .map_err(|e| err(i, format!("python {name}: {e}")))?
            }
            other => {
                return Err(err(
                    i,
                    format!(
                    "python {name}: unknown option '{other}' (use on node=NODE, paused, argv=A,B)"
                ),
                ))
            }
        }
    }
    let Some(end) = (i + 1..lines.len()).find(|&k| lines[k].trim() == delim) else {
        return Err(err(
            i,
            format!("python {name}: no closing '{delim}' line for this script"),
        ));
    };
    let body: Vec<&str> = lines[i + 1..end].to_vec();
    let mut source = body.join("\n");
    source.push('\n');
    if let Err(e) = crate::py::front::compile::compile(&source) {
        return Err(ParseError {
            line: i + 1 + e.line as usize,
            message: format!(
                "python {name}: {}: {} (line {}, column {} of the script)",
                e.exception_name(),
                e.message,
                e.line,
                e.col
            ),
        });
    }
    let mut text = vec![header];
    text.extend(body);
    text.push(lines[end].trim());
    Ok(Some(PythonBlock {
        step: Step {
            line: i + 1,
            text: text.join("\n"),
            action: Action::Python {
                name: name.to_string(),
                node,
                paused,
                source,
                argv,
            },
        },
        end,
    }))
}

fn kv(words: &[String], allowed: &[&str]) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for w in words {
        let (k, v) = match w.split_once('=') {
            Some((k, v)) if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') => {
                (k.to_string(), unescape(&v[1..v.len() - 1]))
            }
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (w.clone(), "true".to_string()),
        };
        if !allowed.contains(&k.as_str()) {
            return Err(format!(
                "unknown key '{k}' (expected one of: {})",
                allowed.join(", ")
            ));
        }
        out.push((k, v));
    }
    Ok(out)
}

fn json_args(s: &str) -> Result<Vec<(String, Json)>, String> {
    match json::parse(s) {
        Ok(Json::Object(pairs)) => Ok(pairs),
        Ok(_) => Err(format!(
            "args={s}: args must be a JSON object, e.g. args={{\"x-max-length\":10}}"
        )),
        Err(e) => {
            // Show where the decoder stopped: the text up to that byte, then a marker.
            let at = e.offset.min(s.len());
            let at = (0..=at).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0);
            Err(format!(
                "args={s}: not valid JSON: {} at byte {} (after '{}'); write a JSON object such as args={{\"x-max-length\":10}}, with no spaces outside quoted strings",
                e.message,
                e.offset,
                &s[..at]
            ))
        }
    }
}

/// Splits a scenario (non-command) line: whitespace separates words except inside quotes or
/// braces/brackets; a word that is one quoted string loses its quotes, while quotes inside a
/// word (`args={"x":true}`) are kept for the JSON parser.
fn scenario_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in line.chars() {
        match quote {
            Some(q) => {
                cur.push(c);
                if escaped {
                    escaped = false;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '"' | '\'' => {
                    quote = Some(c);
                    cur.push(c);
                }
                '{' | '[' => {
                    depth += 1;
                    cur.push(c);
                }
                '}' | ']' => {
                    depth -= 1;
                    cur.push(c);
                }
                '#' if depth == 0 && cur.is_empty() => break,
                c if c.is_whitespace() && depth <= 0 => {
                    if !cur.is_empty() {
                        words.push(std::mem::take(&mut cur));
                    }
                }
                c => cur.push(c),
            },
        }
    }
    if quote.is_some() {
        return Err("unterminated quote".into());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    Ok(words
        .into_iter()
        .map(|w| {
            let quoted = w.len() >= 2
                && ((w.starts_with('"') && w.ends_with('"'))
                    || (w.starts_with('\'') && w.ends_with('\'')));
            if quoted {
                unescape(&w[1..w.len() - 1])
            } else {
                w
            }
        })
        .collect())
}

/// `\n`, `\t`, `\"` and `\\` in a quoted scenario string.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(x) => out.push(x),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn parse_line(line: &str) -> Result<Action, String> {
    let first = line.split_whitespace().next().unwrap_or("");
    if matches!(
        first,
        "rabbitmqctl"
            | "systemctl"
            | "service"
            | "on"
            | "sudo"
            | "curl"
            | "rabbitmq-queues"
            | "rabbitmq-upgrade"
            | "pkill"
            | "killall"
            | "echo"
            | "cat"
    ) {
        return shell_action(line);
    }
    let words = scenario_words(line)?;
    let Some(head) = words.first() else {
        return Err("empty line".into());
    };
    let rest = &words[1..];
    let one = |what: &str| -> Result<String, String> {
        match rest {
            [x] => Ok(x.clone()),
            _ => Err(format!("'{what}' takes one node name")),
        }
    };
    match head.as_str() {
        "cluster" => {
            if let [w] = rest {
                if let Some(n) = w.strip_prefix("nodes=") {
                    let n: usize = n.parse().map_err(|_| format!("nodes={n}: not a number"))?;
                    if !(1..=9).contains(&n) {
                        return Err(format!("a cluster has 1 to 9 nodes, {n} given"));
                    }
                    return Ok(Action::Cluster(
                        (1..=n).map(|i| format!("rabbit@node{i}")).collect(),
                    ));
                }
            }
            if rest.is_empty() {
                return Err("cluster needs nodes=N or a list of node names".into());
            }
            // The same rules as nodes=N, at parse time rather than when the run starts.
            Cluster::named(rest)?;
            Ok(Action::Cluster(rest.to_vec()))
        }
        "seed" => match rest {
            [s] => s
                .parse()
                .map(Action::Seed)
                .map_err(|_| format!("seed must be a whole number, got '{s}'")),
            _ => Err("seed takes one number".into()),
        },
        "config" => {
            let kvs = kv(
                rest,
                &[
                    "net_ticktime",
                    "latency",
                    "client_latency",
                    "fsync",
                    "op_cost",
                    "partition_handling",
                    "link_bandwidth",
                    "frame_bytes",
                    "body_bytes",
                ],
            )?;
            Ok(Action::Config(kvs))
        }
        "stop" => Ok(Action::Stop(one("stop")?)),
        "kill" => Ok(Action::Kill(one("kill")?)),
        "crash" => crate::sim::scenario::fault_lines::parse_crash(rest).map(|c| {
            Action::CrashQueue {
                queue: c.queue,
                node: c.node,
                vhost: c.vhost,
            }
        }),
        "start" => Ok(Action::Start(one("start")?)),
        "heal" => Ok(Action::Heal),
        "join" => match rest {
            [w] if w == "node" => Ok(Action::Join),
            _ => Err("join takes one word: join node".into()),
        },
        "drop" => match rest {
            [id] => id
                .trim_start_matches('#')
                .parse()
                .map(Action::Drop)
                .map_err(|_| format!("drop takes a message id such as 42, got '{id}'")),
            _ => Err("drop takes one message id: drop 42".into()),
        },
        "partition" if rest.len() == 3 && rest[1] == "-" => Ok(Action::PartialPartition(
            rest[0].to_string(),
            rest[2].to_string(),
        )),
        "partition" => {
            let mut sides = vec![Vec::new()];
            for w in rest {
                for (k, part) in w.split('|').enumerate() {
                    if k > 0 {
                        sides.push(Vec::new());
                    }
                    if !part.is_empty() {
                        sides.last_mut().expect("non-empty").push(part.to_string());
                    }
                }
            }
            if sides.len() < 2 || sides.iter().any(|s| s.is_empty()) {
                return Err(
                    "partition needs two or more sides (partition node1 | node2 node3), or one link: partition node1 - node2".into(),
                );
            }
            Ok(Action::Partition(sides))
        }
        "wait" => match rest {
            [d] => parse_duration(d).map(Action::Wait),
            _ => Err("wait takes one duration, e.g. wait 90s".into()),
        },
        "client" => {
            let Some(name) = rest.first() else {
                return Err("client needs a name: client app node=node1".into());
            };
            let kvs = kv(&rest[1..], &["node", "vhost"])?;
            let node = kvs
                .iter()
                .find(|(k, _)| k == "node")
                .map(|(_, v)| v.clone())
                .ok_or("client needs node=NODE")?;
            let vhost = kvs
                .iter()
                .find(|(k, _)| k == "vhost")
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| "/".into());
            Ok(Action::Client {
                name: name.clone(),
                node,
                vhost,
            })
        }
        "expect" => parse_expect(rest).map(Action::Expect),
        "caption" | "mark" => narration_line(head, rest),
        "python" => match rest {
            [name, verb] => match crate::sim::pika::Control::from_word(verb) {
                Some(control) => Ok(Action::PythonControl {
                    name: name.clone(),
                    control,
                }),
                None => Err(format!(
                    "python {name} {verb}: use step, run, pause or stop (or start a script with python {name} <<EOF)"
                )),
            },
            _ => Err("python NAME <<EOF … EOF starts a script; python NAME step|run|pause|stop controls it".into()),
        },
        _ => {
            let op = parse_client_op(rest).map_err(|e| {
                if rest.is_empty() {
                    format!("unknown command '{head}'")
                } else {
                    e
                }
            })?;
            Ok(Action::ClientOp {
                client: head.clone(),
                op,
            })
        }
    }
}

/// A `caption` or `mark` line (the narration, see [`captions`]).
fn narration_line(head: &str, rest: &[String]) -> Result<Action, String> {
    if head == "caption" {
        captions::parse_caption(rest, &kv).map(Action::Caption)
    } else {
        captions::parse_mark(rest, &kv).map(Action::Mark)
    }
}

/// At most [`captions::CAPTIONS_MAX`] captions and as many marks, refused at the first one
/// too many.
fn narration_count(steps: &[Step]) -> Result<(), ParseError> {
    let (mut captions, mut marks) = (0, 0);
    for st in steps {
        let (n, what) = match st.action {
            Action::Caption(_) => (&mut captions, "captions"),
            Action::Mark(_) => (&mut marks, "marks"),
            _ => continue,
        };
        *n += 1;
        if *n > captions::CAPTIONS_MAX {
            return Err(ParseError {
                line: st.line,
                message: captions::too_many(what),
            });
        }
    }
    Ok(())
}

/// A shell line (`rabbitmqctl …`, `on node2: systemctl …`, `echo … >> FILE`): split as the
/// node's shell splits one command, with its output redirection if it has one.
fn shell_action(line: &str) -> Result<Action, String> {
    let (words, redirect) = block::one_command(line)?;
    let (node, words) = if words.first().map(String::as_str) == Some("on") {
        let Some(node) = words.get(1) else {
            return Err("'on' needs a node: on node1: COMMAND".into());
        };
        let node = node.trim_end_matches(':').to_string();
        let cmd: Vec<String> = words[2..]
            .iter()
            .filter(|w| w.as_str() != ":")
            .cloned()
            .collect();
        if cmd.is_empty() {
            return Err("'on NODE:' needs a command after it".into());
        }
        (Some(node), cmd)
    } else {
        (None, words)
    };
    Ok(match redirect {
        Some(redirect) => Action::Redirected {
            node,
            words,
            redirect,
        },
        None => Action::Command { node, words },
    })
}

fn parse_expect(rest: &[String]) -> Result<Expectation, String> {
    match rest.first().map(String::as_str) {
        Some("queue") => {
            let Some(name) = rest.get(1) else {
                return Err("expect queue needs a queue name".into());
            };
            let mut checks = kv(&rest[2..], &[QUEUE_KEYS, &["vhost"]].concat())?;
            let vhost = match checks.iter().position(|(k, _)| k == "vhost") {
                Some(i) => checks.remove(i).1,
                None => "/".into(),
            };
            Ok(Expectation::Queue {
                vhost,
                name: name.clone(),
                checks,
            })
        }
        Some("client") => {
            let Some(name) = rest.get(1) else {
                return Err("expect client needs a client name".into());
            };
            Ok(Expectation::Client {
                name: name.clone(),
                checks: kv(&rest[2..], CLIENT_KEYS)?,
            })
        }
        Some("anomalies") => Ok(Expectation::Anomalies(kv(
            &rest[1..],
            &["lost", "duplicate", "acked_came_back", "reordered"],
        )?)),
        Some("exit") => match rest.get(1).map(|s| s.parse::<i32>()) {
            Some(Ok(n)) => Ok(Expectation::Exit(n)),
            _ => Err("expect exit needs a number".into()),
        },
        Some("python") => {
            let Some(name) = rest.get(1) else {
                return Err("expect python needs a script name".into());
            };
            Ok(Expectation::Script {
                name: name.clone(),
                checks: kv(&rest[2..], SCRIPT_KEYS)?,
            })
        }
        Some("exchange") => parse_expect_exchange(&rest[1..]),
        Some("node") => {
            let Some(name) = rest.get(1) else {
                return Err("expect node needs a node name".into());
            };
            let checks = kv(&rest[2..], crate::sim::scenario::expect_node::NODE_KEYS)?;
            crate::sim::scenario::expect_node::validate(&checks)?;
            Ok(Expectation::Node {
                name: name.clone(),
                checks,
            })
        }
        Some("output") => match rest.get(1) {
            Some(t) => Ok(Expectation::Output(t.clone())),
            None => Err("expect output needs a quoted text".into()),
        },
        _ => Err(
            "expect what? (queue, client, exchange, node, python, anomalies, exit, output)".into(),
        ),
    }
}

fn flag_args(words: &[String], allowed: &[&str]) -> Result<Vec<(String, String)>, String> {
    kv(words, allowed)
}

fn parse_client_op(rest: &[String]) -> Result<ClientOp, String> {
    let Some(verb) = rest.first() else {
        return Err("missing client verb".into());
    };
    let args = &rest[1..];
    let queue = || {
        let q = args
            .first()
            .cloned()
            .ok_or_else(|| format!("'{verb}' needs a queue name"))?;
        limits::check_queue_name(&format!("{verb}: the queue name"), &q)?;
        Ok::<String, String>(q)
    };
    match verb.as_str() {
        "declare" => {
            let q = queue()?;
            let f = flag_args(
                &args[1..],
                &[
                    "durable",
                    "transient",
                    "exclusive",
                    "auto_delete",
                    "passive",
                    "args",
                ],
            )?;
            let has = |k: &str| f.iter().any(|(x, _)| x == k);
            let a = match f.iter().find(|(k, _)| k == "args") {
                Some((_, v)) => json_args(v)?,
                None => Vec::new(),
            };
            Ok(ClientOp::Declare {
                queue: q,
                durable: has("durable") && !has("transient"),
                exclusive: has("exclusive"),
                auto_delete: has("auto_delete"),
                passive: has("passive"),
                args: a,
            })
        }
        "confirm" => Ok(ClientOp::Confirm),
        "publish" if args.first().is_some_and(|a| a.starts_with("exchange=")) => {
            parse_exchange_publish(args).map(ClientOp::Exchange)
        }
        "exchange_declare" | "exchange_delete" | "bind" | "unbind" | "exchange_bind"
        | "exchange_unbind" | "purge" => parse_exchange_op(verb, args).map(ClientOp::Exchange),
        "publish" => {
            let q = queue()?;
            let body = args
                .get(1)
                .cloned()
                .ok_or("publish needs a body: app publish QUEUE \"body\"")?;
            let f = flag_args(
                &args[2..],
                &["persistent", "transient", "count", "expiration"],
            )?;
            let count = publish_count(&f)?;
            Ok(ClientOp::Publish {
                queue: q,
                body,
                persistent: !f.iter().any(|(k, _)| k == "transient"),
                count,
                expiration: publish_expiration(&f)?,
            })
        }
        "consume" => {
            let q = queue()?;
            let f = flag_args(&args[1..], &["ack", "prefetch", "args"])?;
            let manual = match f.iter().find(|(k, _)| k == "ack").map(|(_, v)| v.as_str()) {
                None | Some("manual") => true,
                Some("auto") => false,
                Some(x) => return Err(format!("ack={x}: use ack=manual or ack=auto")),
            };
            let prefetch = match f.iter().find(|(k, _)| k == "prefetch") {
                Some((_, v)) => v
                    .parse()
                    .map_err(|_| format!("prefetch={v}: not a number"))?,
                None => 0,
            };
            let a = match f.iter().find(|(k, _)| k == "args") {
                Some((_, v)) => json_args(v)?,
                None => Vec::new(),
            };
            Ok(ClientOp::Consume {
                queue: q,
                manual_ack: manual,
                prefetch,
                args: a,
            })
        }
        "get" => {
            let q = queue()?;
            let f = flag_args(&args[1..], &["ack"])?;
            let manual = !matches!(
                f.iter().find(|(k, _)| k == "ack").map(|(_, v)| v.as_str()),
                Some("auto")
            );
            Ok(ClientOp::Get {
                queue: q,
                manual_ack: manual,
            })
        }
        "ack" => match args.first().map(String::as_str) {
            Some("all") | None => Ok(ClientOp::Ack(None)),
            Some(t) => t
                .parse()
                .map(|t| ClientOp::Ack(Some(t)))
                .map_err(|_| format!("ack {t}: not a delivery tag")),
        },
        "nack" | "reject" => {
            let tag = match args.first().map(String::as_str) {
                Some("all") | None => None,
                Some(t) => Some(
                    t.parse()
                        .map_err(|_| format!("{verb} {t}: not a delivery tag"))?,
                ),
            };
            Ok(ClientOp::Nack {
                tag,
                requeue: args.iter().any(|a| a == "requeue"),
            })
        }
        "tx_select" => Ok(ClientOp::TxSelect),
        "tx_commit" => Ok(ClientOp::TxCommit),
        "close" => Ok(ClientOp::Close),
        other => Err(format!("unknown command or client verb '{other}'")),
    }
}

/// A script's `argv=A,B`: its arguments, comma-separated (at most 32, each a short string).
fn script_argv(s: &str) -> Result<Vec<String>, String> {
    let argv: Vec<String> = s.split(',').map(str::to_string).collect();
    if argv.len() > 32 {
        return Err(format!("argv={s}: at most 32 arguments"));
    }
    for a in &argv {
        limits::check_queue_name("an argv word", a)?;
    }
    Ok(argv)
}

/// `expect exchange NAME [vhost=V] checks…`.
fn parse_expect_exchange(rest: &[String]) -> Result<Expectation, String> {
    let Some(name) = rest.first() else {
        return Err("expect exchange needs an exchange name".into());
    };
    let mut checks = kv(&rest[1..], &[EXCHANGE_KEYS, &["vhost"]].concat())?;
    let vhost = match checks.iter().position(|(k, _)| k == "vhost") {
        Some(i) => checks.remove(i).1,
        None => "/".into(),
    };
    Ok(Expectation::Exchange {
        vhost,
        name: name.clone(),
        checks,
    })
}

/// A name or key: any text up to AMQP's 255 bytes (the empty exchange name is the default
/// exchange).
fn short_name(verb: &str, what: &str, w: Option<&String>) -> Result<String, String> {
    let x = w.cloned().ok_or_else(|| format!("'{verb}' needs {what}"))?;
    limits::check_queue_name(&format!("{verb}: the exchange name"), &x)?;
    Ok(x)
}

/// The exchange, binding and purge lines.
fn parse_exchange_op(verb: &str, args: &[String]) -> Result<ExchangeOp, String> {
    let json_of = |f: &[(String, String)], key: &str| match f.iter().find(|(k, _)| k == key) {
        Some((_, v)) => json_args(v),
        None => Ok(Vec::new()),
    };
    let value = |f: &[(String, String)], key: &str| {
        f.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    };
    match verb {
        "exchange_declare" => {
            let name = short_name(verb, "an exchange name", args.first())?;
            let f = kv(
                &args[1..],
                &[
                    "type",
                    "durable",
                    "auto_delete",
                    "internal",
                    "passive",
                    "args",
                ],
            )?;
            let has = |k: &str| f.iter().any(|(x, _)| x == k);
            let kind = value(&f, "type").unwrap_or_else(|| "direct".to_string());
            limits::check_queue_name("exchange_declare: the type", &kind)?;
            Ok(ExchangeOp::Declare(ExchangeSpec {
                name,
                kind,
                durable: has("durable"),
                auto_delete: has("auto_delete"),
                internal: has("internal"),
                passive: has("passive"),
                args: json_of(&f, "args")?,
            }))
        }
        "exchange_delete" => {
            let name = short_name(verb, "an exchange name", args.first())?;
            let f = kv(&args[1..], &["if_unused"])?;
            Ok(ExchangeOp::Delete {
                name,
                if_unused: !f.is_empty(),
            })
        }
        "bind" | "unbind" | "exchange_bind" | "exchange_unbind" => {
            // `bind Q X`: destination first, as pika's `queue_bind(queue, exchange)` and
            // `exchange_bind(destination, source)` take them.
            let dest = short_name(verb, "a destination and a source exchange", args.first())?;
            let source = short_name(verb, "a source exchange after the destination", args.get(1))?;
            let f = kv(&args[2.min(args.len())..], &["key", "args"])?;
            let (dest_kind, default_key) = match verb {
                "bind" | "unbind" => (DestKind::Queue, dest.clone()),
                _ => (DestKind::Exchange, String::new()),
            };
            let key = value(&f, "key").unwrap_or(default_key);
            limits::check_queue_name(&format!("{verb}: the key"), &key)?;
            Ok(ExchangeOp::Bind {
                spec: BindSpec {
                    source,
                    dest_kind,
                    dest,
                    key,
                    args: json_of(&f, "args")?,
                },
                unbind: verb.ends_with("unbind"),
            })
        }
        _ => {
            let queue = short_name(verb, "a queue name", args.first())?;
            kv(&args[1..], &[])?;
            Ok(ExchangeOp::Purge { queue })
        }
    }
}

/// `count=N`: how many bodies a publish line sends (1 when absent).
fn publish_count(f: &[(String, String)]) -> Result<u32, String> {
    match f.iter().find(|(k, _)| k == "count") {
        Some((_, v)) => {
            let n: u64 = v.parse().map_err(|_| format!("count={v}: not a number"))?;
            limits::check_publish_count(n)?;
            Ok(n as u32)
        }
        None => Ok(1),
    }
}

/// `publish exchange=X [key=K] "body" [flags]`.
fn parse_exchange_publish(args: &[String]) -> Result<ExchangeOp, String> {
    let exchange = kv(&args[..1], &["exchange"])?.remove(0).1;
    limits::check_queue_name("publish: the exchange name", &exchange)?;
    let (key, at) = match args.get(1).filter(|w| w.starts_with("key=")) {
        Some(w) => (kv(std::slice::from_ref(w), &["key"])?.remove(0).1, 2),
        None => (String::new(), 1),
    };
    limits::check_queue_name("publish: the key", &key)?;
    let body = args
        .get(at)
        .cloned()
        .ok_or("publish needs a body: app publish exchange=X key=K \"body\"")?;
    let f = kv(
        &args[at + 1..],
        &[
            "persistent",
            "transient",
            "count",
            "mandatory",
            "headers",
            "expiration",
        ],
    )?;
    let count = publish_count(&f)?;
    let headers = match f.iter().find(|(k, _)| k == "headers") {
        Some((_, v)) => json_args(v)?,
        None => Vec::new(),
    };
    Ok(ExchangeOp::Publish(PublishLine {
        exchange,
        key,
        body,
        persistent: !f.iter().any(|(k, _)| k == "transient"),
        count,
        mandatory: f.iter().any(|(k, _)| k == "mandatory"),
        headers,
        expiration: publish_expiration(&f)?,
    }))
}

/// A publish line's `expiration=MS` (the per-message TTL property, as pika sends it: a
/// string of digits). What the broker would refuse is refused here, with its words.
fn publish_expiration(f: &[(String, String)]) -> Result<Option<String>, String> {
    let Some((_, v)) = f.iter().find(|(k, _)| k == "expiration") else {
        return Ok(None);
    };
    match crate::sim::dataplane::ttl::expiration_error(v) {
        None => Ok(Some(v.clone())),
        Some(e) => Err(format!(
            "expiration={v}: the broker would close the channel (406 PRECONDITION_FAILED - {e}); write the TTL in milliseconds, e.g. expiration=60000"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_issue_example() {
        let text = r#"
cluster nodes=3                 # or: cluster rabbit@a rabbit@b rabbit@c
seed 42
config net_ticktime=60 latency=1ms partition_handling=ignore
rabbitmqctl set_policy --priority 0 --apply-to queues mirror_queue "^queue_" '{"ha-mode":"exactly","ha-params":2}'
on node1: systemctl stop rabbitmq-server
stop node1
start node1
partition node1 | node2 node3
heal
client app node=node2
app declare queue_a durable
app confirm
app publish queue_a "m1" persistent
app consume queue_a ack=manual prefetch=4 args={"x-cancel-on-ha-failover":true}
app ack all
wait 90s
expect queue queue_a master=node3 mirrors=node1 synced=node1 messages=3
"#;
        let steps = parse(text).unwrap();
        assert_eq!(steps.len(), 17);
        assert_eq!(steps[3].line, 5);
        assert!(matches!(steps[7].action, Action::Partition(ref s) if s.len() == 2));
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("cluster nodes=3\n\nbogus thing here\n").unwrap_err();
        assert_eq!(e.line, 3);
        let e = parse("wait forever").unwrap_err();
        assert!(e.message.contains("invalid duration"), "{e:?}");
    }

    #[test]
    fn multi_line_commands_join() {
        let steps = parse("rabbitmqctl set_policy ha \"^\" \\\n  '{\"ha-mode\":\"all\"}'\nwait 1s")
            .unwrap();
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[1].line, 3);
    }
}
