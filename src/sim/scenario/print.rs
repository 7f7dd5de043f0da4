//! The printer beside the scenario parser: a [`Step`] or [`Action`] displays as the canonical
//! line (or `python` block) that [`parse`](crate::sim::scenario::parse::parse) reads back to the
//! same action. Code that builds scenario lines should build an [`Action`] and print it, so
//! names with spaces, bodies with quotes and JSON arguments cannot come out malformed.
//!
//! The canonical form: defaults are left out (`durable` is written, `transient` is not; `count=1`,
//! `ack=manual`, `vhost=/` are not), message bodies and `expect output` texts are always quoted,
//! other words only when they must be, durations in the largest exact unit. A few actions have
//! no line that reads back to them, because the parser cannot produce them either: names that
//! are keywords of the format (a client called `expect`), node names containing `|` in a
//! partition or ending in `:` after `on`, a lone `:` word in an `on NODE:` command, `python`
//! names or nodes with spaces or `<<`.

use std::fmt::{self, Display, Formatter, Write};

use crate::erl::json::Json;
use crate::sim::ctl::shell;
use crate::sim::exchanges::DestKind;
use crate::sim::pika::Control;
use crate::sim::scenario::exchange_ops::ExchangeOp;
use crate::sim::scenario::parse::{Action, ClientOp, Expectation, Step};
use crate::sim::time::Micros;

impl Display for Step {
    /// The step's action in canonical form (not `text`, which is the line as it was typed).
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.action.fmt(f)
    }
}

impl Display for Action {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Action::Cluster(nodes) => {
                let n = nodes.len();
                let numbered = (1..=9).contains(&n)
                    && nodes
                        .iter()
                        .enumerate()
                        .all(|(i, name)| *name == format!("rabbit@node{}", i + 1));
                if numbered {
                    write!(f, "cluster nodes={n}")
                } else {
                    f.write_str("cluster")?;
                    nodes
                        .iter()
                        .try_for_each(|name| write!(f, " {}", word(name)))
                }
            }
            Action::Seed(seed) => write!(f, "seed {seed}"),
            Action::Config(settings) => {
                f.write_str("config")?;
                write_checks(f, settings)
            }
            Action::Command { node, words } => {
                if let Some(node) = node {
                    write!(f, "on {}: ", shell::quote(node))?;
                }
                f.write_str(&shell::join(words))
            }
            Action::Redirected {
                node,
                words,
                redirect,
            } => {
                if let Some(node) = node {
                    write!(f, "on {}: ", shell::quote(node))?;
                }
                let op = if redirect.append { ">>" } else { ">" };
                write!(
                    f,
                    "{} {op} {}",
                    shell::join(words),
                    shell::quote(&redirect.path)
                )
            }
            Action::Stop(node) => write!(f, "stop {}", word(node)),
            Action::Kill(node) => write!(f, "kill {}", word(node)),
            Action::CrashQueue { queue, node, vhost } => {
                write!(f, "crash {} on {}", word(queue), word(node))?;
                if vhost != "/" {
                    write!(f, " vhost={}", word(vhost))?;
                }
                Ok(())
            }
            Action::Start(node) => write!(f, "start {}", word(node)),
            Action::Partition(sides) => {
                f.write_str("partition")?;
                for (i, side) in sides.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" |")?;
                    }
                    side.iter()
                        .try_for_each(|name| write!(f, " {}", word(name)))?;
                }
                Ok(())
            }
            Action::PartialPartition(a, b) => write!(f, "partition {} - {}", word(a), word(b)),
            Action::Heal => f.write_str("heal"),
            Action::Join => f.write_str("join node"),
            Action::Drop(id) => write!(f, "drop {id}"),
            Action::Wait(d) => write!(f, "wait {}", duration_text(d.0)),
            Action::Client { name, node, vhost } => {
                write!(f, "client {} node={}", word(name), word(node))?;
                if vhost != "/" {
                    write!(f, " vhost={}", word(vhost))?;
                }
                Ok(())
            }
            Action::ClientOp { client, op } => {
                write!(f, "{} ", word(client))?;
                write_client_op(f, op)
            }
            Action::Expect(e) => {
                f.write_str("expect ")?;
                write_expectation(f, e)
            }
            Action::Python {
                name,
                node,
                paused,
                source,
                argv,
            } => {
                write!(f, "python {name}")?;
                if let Some(node) = node {
                    write!(f, " on node={node}")?;
                }
                if *paused {
                    f.write_str(" paused")?;
                }
                if !argv.is_empty() {
                    write!(f, " argv={}", argv.join(","))?;
                }
                // The first delimiter no line of the script consists of.
                let taken = |d: &str| source.lines().any(|l| l.trim() == d);
                let delim = std::iter::once("EOF".to_string())
                    .chain((1..).map(|n| format!("EOF{n}")))
                    .find(|d| !taken(d))
                    .expect("some delimiter is free");
                write!(f, " <<{delim}\n{source}")?;
                if !source.ends_with('\n') {
                    f.write_char('\n')?;
                }
                f.write_str(&delim)
            }
            Action::PythonControl { name, control } => {
                let verb = match control {
                    Control::Step => "step",
                    Control::Run => "run",
                    Control::Pause => "pause",
                    Control::Stop => "stop",
                };
                write!(f, "python {} {verb}", word(name))
            }
            Action::Caption(c) => {
                write!(f, "caption {}", quoted(&c.en))?;
                if let Some(zh) = &c.zh {
                    write!(f, " zh={}", quoted(zh))?;
                }
                write_moment(f, "at", c.at)?;
                write_moment(f, "for", c.duration)
            }
            Action::Mark(m) => {
                write!(f, "mark {}", quoted(&m.name))?;
                write_moment(f, "at", m.at)
            }
        }
    }
}

/// ` at=2s` for a caption's or mark's optional time.
fn write_moment(f: &mut Formatter<'_>, key: &str, t: Option<Micros>) -> fmt::Result {
    match t {
        Some(t) => write!(f, " {key}={}", duration_text(t.0)),
        None => Ok(()),
    }
}

fn write_client_op(f: &mut Formatter<'_>, op: &ClientOp) -> fmt::Result {
    match op {
        ClientOp::Declare {
            queue,
            durable,
            exclusive,
            auto_delete,
            passive,
            args,
        } => {
            write!(f, "declare {}", word(queue))?;
            let flags = [
                (*durable, "durable"),
                (*exclusive, "exclusive"),
                (*auto_delete, "auto_delete"),
                (*passive, "passive"),
            ];
            for (on, flag) in flags {
                if on {
                    write!(f, " {flag}")?;
                }
            }
            write_json_args(f, args)
        }
        ClientOp::Confirm => f.write_str("confirm"),
        ClientOp::Publish {
            queue,
            body,
            persistent,
            count,
            expiration,
        } => {
            write!(f, "publish {} {}", word(queue), quoted(body))?;
            if !persistent {
                f.write_str(" transient")?;
            }
            if *count != 1 {
                write!(f, " count={count}")?;
            }
            if let Some(e) = expiration {
                write!(f, " expiration={e}")?;
            }
            Ok(())
        }
        ClientOp::Consume {
            queue,
            manual_ack,
            prefetch,
            args,
        } => {
            write!(f, "consume {}", word(queue))?;
            if !manual_ack {
                f.write_str(" ack=auto")?;
            }
            if *prefetch != 0 {
                write!(f, " prefetch={prefetch}")?;
            }
            write_json_args(f, args)
        }
        ClientOp::Get { queue, manual_ack } => {
            write!(f, "get {}", word(queue))?;
            if !manual_ack {
                f.write_str(" ack=auto")?;
            }
            Ok(())
        }
        ClientOp::Ack(tag) => write!(f, "ack {}", tag_text(*tag)),
        ClientOp::Nack { tag, requeue } => {
            write!(f, "nack {}", tag_text(*tag))?;
            if *requeue {
                f.write_str(" requeue")?;
            }
            Ok(())
        }
        ClientOp::TxSelect => f.write_str("tx_select"),
        ClientOp::TxCommit => f.write_str("tx_commit"),
        ClientOp::Close => f.write_str("close"),
        ClientOp::Exchange(op) => write_exchange_op(f, op),
    }
}

/// ` key=value` with the value bare, quoted, or empty (`key=`).
fn write_kv(f: &mut Formatter<'_>, key: &str, value: &str) -> fmt::Result {
    if value.is_empty() {
        write!(f, " {key}=")
    } else {
        write!(f, " {key}={}", word(value))
    }
}

fn write_exchange_op(f: &mut Formatter<'_>, op: &ExchangeOp) -> fmt::Result {
    match op {
        ExchangeOp::Declare(x) => {
            write!(f, "exchange_declare {}", word(&x.name))?;
            write_kv(f, "type", &x.kind)?;
            let flags = [
                (x.durable, "durable"),
                (x.auto_delete, "auto_delete"),
                (x.internal, "internal"),
                (x.passive, "passive"),
            ];
            for (on, flag) in flags {
                if on {
                    write!(f, " {flag}")?;
                }
            }
            write_json_args(f, &x.args)
        }
        ExchangeOp::Delete { name, if_unused } => {
            write!(f, "exchange_delete {}", word(name))?;
            if *if_unused {
                f.write_str(" if_unused")?;
            }
            Ok(())
        }
        ExchangeOp::Bind { spec, unbind } => {
            let verb = match (spec.dest_kind, unbind) {
                (DestKind::Queue, false) => "bind",
                (DestKind::Queue, true) => "unbind",
                (DestKind::Exchange, false) => "exchange_bind",
                (DestKind::Exchange, true) => "exchange_unbind",
            };
            write!(f, "{verb} {} {}", word(&spec.dest), word(&spec.source))?;
            write_kv(f, "key", &spec.key)?;
            write_json_args(f, &spec.args)
        }
        ExchangeOp::Publish(p) => {
            f.write_str("publish")?;
            write_kv(f, "exchange", &p.exchange)?;
            write_kv(f, "key", &p.key)?;
            write!(f, " {}", quoted(&p.body))?;
            if !p.persistent {
                f.write_str(" transient")?;
            }
            if p.count != 1 {
                write!(f, " count={}", p.count)?;
            }
            if p.mandatory {
                f.write_str(" mandatory")?;
            }
            if let Some(e) = &p.expiration {
                write!(f, " expiration={e}")?;
            }
            if !p.headers.is_empty() {
                write!(
                    f,
                    " headers={}",
                    Json::Object(p.headers.clone()).to_json_string()
                )?;
            }
            Ok(())
        }
        ExchangeOp::Purge { queue } => write!(f, "purge {}", word(queue)),
    }
}

fn write_expectation(f: &mut Formatter<'_>, e: &Expectation) -> fmt::Result {
    match e {
        Expectation::Queue {
            vhost,
            name,
            checks,
        } => {
            write!(f, "queue {}", word(name))?;
            if vhost != "/" {
                write!(f, " vhost={}", word(vhost))?;
            }
            write_checks(f, checks)
        }
        Expectation::Client { name, checks } => {
            write!(f, "client {}", word(name))?;
            write_checks(f, checks)
        }
        Expectation::Anomalies(checks) => {
            f.write_str("anomalies")?;
            write_checks(f, checks)
        }
        Expectation::Exit(code) => write!(f, "exit {code}"),
        Expectation::Output(text) => write!(f, "output {}", quoted(text)),
        Expectation::Script { name, checks } => {
            write!(f, "python {}", word(name))?;
            write_checks(f, checks)
        }
        Expectation::Node { name, checks } => {
            write!(f, "node {}", word(name))?;
            write_checks(f, checks)
        }
        Expectation::Exchange {
            vhost,
            name,
            checks,
        } => {
            write!(f, "exchange {}", word(name))?;
            if vhost != "/" {
                write!(f, " vhost={}", word(vhost))?;
            }
            write_checks(f, checks)
        }
    }
}

/// ` key=value …`; `absent` alone, as the format documents it.
fn write_checks(f: &mut Formatter<'_>, checks: &[(String, String)]) -> fmt::Result {
    for (key, value) in checks {
        if key == "absent" && value == "true" {
            f.write_str(" absent")?;
        } else if value.is_empty() {
            // `mirrors=` (none): an empty value needs no quotes.
            write!(f, " {key}=")?;
        } else {
            write!(f, " {key}={}", word(value))?;
        }
    }
    Ok(())
}

fn write_json_args(f: &mut Formatter<'_>, args: &[(String, Json)]) -> fmt::Result {
    if args.is_empty() {
        return Ok(());
    }
    write!(f, " args={}", Json::Object(args.to_vec()).to_json_string())
}

fn tag_text(tag: Option<u64>) -> String {
    tag.map_or_else(|| "all".to_string(), |t| t.to_string())
}

/// A scenario word: bare when the scenario splitter (and the shell check for continued lines)
/// leaves it whole, else [`quoted`]. For callers that write one word of a line the learner
/// may still edit (the UI's forms).
pub fn word(w: &str) -> String {
    let bare = !w.is_empty()
        && !w.chars().any(|c| {
            c.is_whitespace() || matches!(c, '"' | '\'' | '\\' | '{' | '}' | '[' | ']' | '#')
        });
    if bare {
        w.to_string()
    } else {
        quoted(w)
    }
}

/// `"…"` with the escapes the scenario format reads (`\"`, `\\`, `\n`, `\t`).
pub fn quoted(w: &str) -> String {
    let mut out = String::with_capacity(w.len() + 2);
    out.push('"');
    for c in w.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The shortest exact duration text: `90s`, `250ms`, `1500us`.
pub fn duration_text(us: u64) -> String {
    if us.is_multiple_of(1_000_000) {
        format!("{}s", us / 1_000_000)
    } else if us.is_multiple_of(1_000) {
        format!("{}ms", us / 1_000)
    } else {
        format!("{us}us")
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::scenario::parse::parse;

    /// Parses `line`, prints its step, and checks the printed line (which must be `canonical`)
    /// parses to the same action.
    fn canonical(line: &str, canonical: &str) {
        let step = &parse(line).unwrap()[0];
        let printed = step.to_string();
        assert_eq!(printed, canonical, "from {line:?}");
        assert_eq!(parse(&printed).unwrap()[0].action, step.action, "{printed}");
    }

    #[test]
    fn lines_print_in_canonical_form() {
        canonical("cluster   nodes=3 # three", "cluster nodes=3");
        canonical("cluster a rabbit@b", "cluster a rabbit@b");
        canonical("wait 1500ms", "wait 1500ms");
        canonical("wait 90000", "wait 90s");
        canonical("wait 0.5ms", "wait 500us");
        canonical(
            "app publish q1 m persistent count=1",
            "app publish q1 \"m\"",
        );
        canonical(
            "app declare q1 durable args={\"x-max-length\": 5}",
            "app declare q1 durable args={\"x-max-length\":5}",
        );
        canonical("app reject 3 requeue", "app nack 3 requeue");
        canonical("client app node=node2 vhost=/", "client app node=node2");
        canonical("expect queue q absent", "expect queue q absent");
        canonical(
            "expect queue q vhost=v1 mirrors= synced=node1",
            "expect queue q vhost=v1 mirrors= synced=node1",
        );
        canonical(
            "expect client app error=\"NOT_FOUND - no queue 'q'\"",
            "expect client app error=\"NOT_FOUND - no queue 'q'\"",
        );
        canonical(
            "on node2: rabbitmqctl set_policy ha \"^q\" '{\"ha-mode\":\"all\"}'",
            "on node2: rabbitmqctl set_policy ha \"^q\" '{\"ha-mode\":\"all\"}'",
        );
        canonical(
            "partition node1|node2 node3",
            "partition node1 | node2 node3",
        );
        canonical(
            "on node2: echo \"net_ticktime = 30\">>/etc/rabbitmq/rabbitmq.conf",
            "on node2: echo \"net_ticktime = 30\" >> /etc/rabbitmq/rabbitmq.conf",
        );
        canonical("echo '>' > /dev/null", "echo \">\" > /dev/null");
        canonical(
            "cat /etc/rabbitmq/rabbitmq.conf",
            "cat /etc/rabbitmq/rabbitmq.conf",
        );
        canonical("python pub continue", "python pub run");
        canonical(
            "python pub on node=node2 <<'END'\nimport pika\nEOF\nEND",
            "python pub on node=node2 <<EOF1\nimport pika\nEOF\nEOF1",
        );
    }

    #[test]
    fn exchange_lines_print_in_canonical_form() {
        canonical(
            "app exchange_declare logs type=fanout durable",
            "app exchange_declare logs type=fanout durable",
        );
        canonical(
            "app exchange_declare d",
            "app exchange_declare d type=direct",
        );
        canonical(
            "app exchange_declare \"\" passive args={\"alternate-exchange\": \"ae\"}",
            "app exchange_declare \"\" type=direct passive args={\"alternate-exchange\":\"ae\"}",
        );
        canonical(
            "app exchange_delete x if_unused",
            "app exchange_delete x if_unused",
        );
        canonical("app bind q x", "app bind q x key=q");
        canonical("app unbind q x key=", "app unbind q x key=");
        canonical(
            "app bind q amq.headers key=\"a b\" args={\"x-match\":\"any\"}",
            "app bind q amq.headers key=\"a b\" args={\"x-match\":\"any\"}",
        );
        canonical("app exchange_bind d s", "app exchange_bind d s key=");
        canonical(
            "app exchange_unbind d s key=k",
            "app exchange_unbind d s key=k",
        );
        canonical(
            "app publish exchange=logs \"m\" mandatory count=2 transient",
            "app publish exchange=logs key= \"m\" transient count=2 mandatory",
        );
        canonical(
            "app publish exchange= key=q m headers={\"a\": 1}",
            "app publish exchange= key=q \"m\" headers={\"a\":1}",
        );
        canonical("app purge q", "app purge q");
        canonical(
            "expect exchange x vhost=v type=topic bindings=2",
            "expect exchange x vhost=v type=topic bindings=2",
        );
        canonical("expect exchange x absent", "expect exchange x absent");
        canonical(
            "expect client app returned=1",
            "expect client app returned=1",
        );
    }
}
