//! Property tests: print→parse round trips of scenario lines and shell words. The random fault
//! schedules (determinism, no loss while a synchronised mirror survives, the drain oracle) are
//! in `tests/loss_oracle.rs`.

use mirrorscope::rng::Rng;
use mirrorscope::sim::scenario;

// ---- Printers read back by their parsers -------------------------------------------------

use mirrorscope::erl::json::Json;
use mirrorscope::sim::ctl::shell;
use mirrorscope::sim::pika::Control;
use mirrorscope::sim::scenario::parse::{
    Action, ClientOp, Expectation, CLIENT_KEYS, QUEUE_KEYS, SCRIPT_KEYS,
};
use mirrorscope::sim::time::Micros;

/// Characters that trip quoting: shell and scenario metacharacters, line breaks (a lone `\r`,
/// `\r\n`), Unicode whitespace, non-ASCII letters and symbols.
const TRICKY: &[char] = &[
    ' ', '\t', '\n', '\r', '\'', '"', '\\', '$', '`', '#', '{', '}', '[', ']', '|', ':', '=', '!',
    '*', '~', ';', '&', '<', '>', '(', ')', '%', '^', '\0', '\u{a0}', '\u{2028}', 'é', 'ß', '日',
    '🐇',
];

fn random_text(r: &mut Rng, max_len: u64) -> String {
    let len = r.below(max_len + 1);
    (0..len)
        .map(|_| match r.below(3) {
            0 => TRICKY[r.below(TRICKY.len() as u64) as usize],
            1 => (b'a' + r.below(26) as u8) as char,
            _ => ['-', '_', '.', '@', '0', '7', 'Q'][r.below(7) as usize],
        })
        .collect()
}

fn random_words(r: &mut Rng, max: u64) -> Vec<String> {
    (0..r.below(max + 1)).map(|_| random_text(r, 8)).collect()
}

#[test]
fn shell_join_splits_back_to_the_same_words() {
    let mut r = Rng::new(13);
    for case in 0..5000 {
        let words = random_words(&mut r, 6);
        let line = shell::join(&words);
        assert_eq!(
            shell::split(&line).as_ref(),
            Ok(&words),
            "case {case}: {line:?}"
        );
        assert!(!shell::needs_more(&line), "case {case}: {line:?}");
    }
    // Edge cases by name.
    for words in [
        vec![""],
        vec!["", ""],
        vec!["'"],
        vec!["\\"],
        vec!["a\r\nb"],
        vec!["#", "x#y"],
        vec!["$HOME", "`id`", "!!"],
        vec!["it's", "say \"hi\""],
    ] {
        assert_eq!(shell::split(&shell::join(&words)).unwrap(), words);
    }
}

/// Words the scenario format reserves at the start of a line: no client can be called so.
const KEYWORDS: &[&str] = &[
    "cluster",
    "seed",
    "config",
    "rabbitmqctl",
    "systemctl",
    "service",
    "sudo",
    "curl",
    "pkill",
    "killall",
    "on",
    "stop",
    "kill",
    "start",
    "heal",
    "join",
    "drop",
    "partition",
    "wait",
    "client",
    "expect",
    "python",
];

fn pick<'a>(r: &mut Rng, items: &[&'a str]) -> &'a str {
    items[r.below(items.len() as u64) as usize]
}

fn random_json(r: &mut Rng, depth: u32) -> Json {
    match r.below(if depth == 0 { 5 } else { 7 }) {
        0 => Json::Null,
        1 => Json::Bool(r.below(2) == 0),
        2 => Json::Int(r.next_u64() as i64 >> r.below(64)),
        3 => Json::Float([0.5, -2.25, 1e-7, 123456.75, 1e300][r.below(5) as usize]),
        4 => Json::Str(random_text(r, 6)),
        5 => Json::Array((0..r.below(3)).map(|_| random_json(r, depth - 1)).collect()),
        _ => Json::Object(random_object(r, depth - 1)),
    }
}

fn random_object(r: &mut Rng, depth: u32) -> Vec<(String, Json)> {
    (0..r.below(3))
        .map(|_| (random_text(r, 6), random_json(r, depth)))
        .collect()
}

fn random_checks(r: &mut Rng, keys: &[&str]) -> Vec<(String, String)> {
    (0..r.below(4))
        .map(|_| {
            let value = match r.below(3) {
                0 => "true".to_string(),
                _ => random_text(r, 8),
            };
            (pick(r, keys).to_string(), value)
        })
        .collect()
}

fn random_client_op(r: &mut Rng) -> ClientOp {
    let tag = |r: &mut Rng| (r.below(2) == 0).then(|| r.next_u64());
    match r.below(10) {
        0 => ClientOp::Declare {
            queue: random_text(r, 8),
            durable: r.below(2) == 0,
            exclusive: r.below(2) == 0,
            auto_delete: r.below(2) == 0,
            passive: r.below(2) == 0,
            args: random_object(r, 2),
        },
        1 => ClientOp::Confirm,
        2 => ClientOp::Publish {
            queue: random_text(r, 8),
            body: random_text(r, 12),
            persistent: r.below(2) == 0,
            count: r.below(4) as u32,
            expiration: (r.below(3) == 0).then(|| r.below(100_000).to_string()),
        },
        3 => ClientOp::Consume {
            queue: random_text(r, 8),
            manual_ack: r.below(2) == 0,
            prefetch: r.below(3) as u32 * 10,
            args: random_object(r, 2),
        },
        4 => ClientOp::Get {
            queue: random_text(r, 8),
            manual_ack: r.below(2) == 0,
        },
        5 => ClientOp::Ack(tag(r)),
        6 => ClientOp::Nack {
            tag: tag(r),
            requeue: r.below(2) == 0,
        },
        7 => ClientOp::TxSelect,
        8 => ClientOp::TxCommit,
        _ => ClientOp::Close,
    }
}

fn random_expectation(r: &mut Rng) -> Expectation {
    match r.below(6) {
        0 => Expectation::Queue {
            vhost: random_text(r, 4),
            name: random_text(r, 8),
            checks: random_checks(r, QUEUE_KEYS),
        },
        1 => Expectation::Client {
            name: random_text(r, 8),
            checks: random_checks(r, CLIENT_KEYS),
        },
        2 => Expectation::Anomalies(random_checks(
            r,
            &["lost", "duplicate", "acked_came_back", "reordered"],
        )),
        3 => Expectation::Exit(r.next_u64() as i32),
        4 => Expectation::Output(random_text(r, 12)),
        _ => Expectation::Script {
            name: random_text(r, 8),
            checks: random_checks(r, SCRIPT_KEYS),
        },
    }
}

/// A word made of letters and digits only (`python` names and nodes are split on whitespace,
/// without quotes).
fn plain_name(r: &mut Rng) -> String {
    let len = 1 + r.below(6);
    (0..len)
        .map(|_| (b'a' + r.below(26) as u8) as char)
        .collect()
}

/// Any action the parser can produce (see `sim::scenario::print` for the few it cannot).
fn random_action(r: &mut Rng) -> Action {
    match r.below(17) {
        0 => match r.below(2) {
            0 => Action::Cluster(
                (1..=1 + r.below(9))
                    .map(|i| format!("rabbit@node{i}"))
                    .collect(),
            ),
            _ => {
                // Names the parser accepts: distinct, each one `@` at most (none here).
                let mut nodes: Vec<String> = (0..1 + r.below(4))
                    .map(|k| format!("{}{k}", random_text(r, 8).replace('@', "")))
                    .collect();
                if nodes.len() == 1 && nodes[0].starts_with("nodes=") {
                    nodes[0].insert(0, 'x');
                }
                Action::Cluster(nodes)
            }
        },
        1 => Action::Seed(r.next_u64()),
        2 => Action::Config(random_checks(
            r,
            &[
                "net_ticktime",
                "latency",
                "client_latency",
                "fsync",
                "op_cost",
                "partition_handling",
            ],
        )),
        3 => {
            let mut words = vec![pick(r, &KEYWORDS[3..10]).to_string()];
            words.extend(random_words(r, 5));
            Action::Command { node: None, words }
        }
        4 => {
            let mut node = random_text(r, 6);
            if node.ends_with(':') {
                node.push('x');
            }
            let mut words: Vec<String> = random_words(r, 5)
                .into_iter()
                .filter(|w| w != ":")
                .collect();
            if words.is_empty() {
                words.push("rabbitmqctl".into());
            }
            Action::Command {
                node: Some(node),
                words,
            }
        }
        5 => Action::Stop(random_text(r, 8)),
        6 => Action::Kill(random_text(r, 8)),
        7 => Action::Start(random_text(r, 8)),
        8 => Action::Partition(
            (0..2 + r.below(2))
                .map(|_| {
                    (0..1 + r.below(3))
                        .map(|_| format!("n{}", random_text(r, 6).replace('|', "/")))
                        .collect()
                })
                .collect(),
        ),
        9 => [Action::Heal, Action::Join][r.below(2) as usize].clone(),
        10 => Action::Drop(r.next_u64()),
        11 => Action::Wait(Micros(match r.below(3) {
            0 => r.below(1_000) * 1_000_000,
            1 => r.below(100_000) * 1_000,
            _ => r.below(1_000_000_000_000),
        })),
        12 => Action::Client {
            name: random_text(r, 8),
            node: random_text(r, 8),
            vhost: if r.below(2) == 0 {
                "/".into()
            } else {
                random_text(r, 4)
            },
        },
        13 => {
            let mut client = random_text(r, 8);
            if KEYWORDS.contains(&client.as_str()) {
                client.push('2');
            }
            Action::ClientOp {
                client,
                op: random_client_op(r),
            }
        }
        14 => Action::Expect(random_expectation(r)),
        15 => {
            let lines = [
                "import pika",
                "x = 1",
                "EOF",
                "print('a \"b\" \\\\ c')",
                "",
                "EOF1",
            ];
            let mut source: String = (0..r.below(5))
                .map(|_| format!("{}\n", pick(r, &lines)))
                .collect();
            if source.is_empty() {
                source.push('\n');
            }
            Action::Python {
                name: plain_name(r),
                node: (r.below(2) == 0).then(|| plain_name(r)),
                paused: r.below(2) == 0,
                source,
                argv: Vec::new(),
            }
        }
        _ => Action::PythonControl {
            name: random_text(r, 8).replace("<<", "<"),
            control: [Control::Step, Control::Run, Control::Pause, Control::Stop]
                [r.below(4) as usize],
        },
    }
}

#[test]
fn printed_scenario_steps_parse_back_to_the_same_action() {
    let mut r = Rng::new(21);
    let mut all = Vec::new();
    let mut text = String::new();
    for case in 0..4000 {
        let action = random_action(&mut r);
        let line = action.to_string();
        let steps = scenario::parse(&line)
            .unwrap_or_else(|e| panic!("case {case}: {line:?} does not parse: {}", e.message));
        assert_eq!(steps.len(), 1, "case {case}: {line:?}");
        assert_eq!(steps[0].action, action, "case {case}: {line:?}");
        all.push(action);
    }
    // Set-up lines first: the parser refuses one after another line.
    all.sort_by_key(|a| !matches!(a, Action::Cluster(_) | Action::Seed(_) | Action::Config(_)));
    for action in &all {
        text.push_str(&format!("{action}\n"));
    }
    // Line breaks inside a shell word, which the scenario reader splits lines on.
    for words in [vec!["rabbitmqctl", "a\r\nb"], vec!["curl", "x\r", "\ny\\"]] {
        let action = Action::Command {
            node: Some("node1".into()),
            words: words.iter().map(|w| w.to_string()).collect(),
        };
        all.push(action.clone());
        text.push_str(&format!("{action}\n"));
    }
    // One after the other in one text: no line runs on into the next.
    let steps = scenario::parse(&text).expect("the whole text parses");
    let actions: Vec<Action> = steps.into_iter().map(|s| s.action).collect();
    assert_eq!(actions, all);
}

#[test]
fn every_test_scenario_prints_and_reparses_to_the_same_steps() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scenarios");
    let mut files = 0;
    for entry in std::fs::read_dir(dir).expect("tests/scenarios") {
        let path = entry.expect("a directory entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("scn") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        let steps = scenario::parse(&text).expect("the test scenario parses");
        let printed: String = steps.iter().map(|s| format!("{s}\n")).collect();
        let again = scenario::parse(&printed).unwrap_or_else(|e| {
            panic!(
                "{path:?} printed:\n{printed}\nline {}: {}",
                e.line, e.message
            )
        });
        let actions = |steps: &[scenario::Step]| -> Vec<Action> {
            steps.iter().map(|s| s.action.clone()).collect()
        };
        assert_eq!(actions(&again), actions(&steps), "{path:?}");
        files += 1;
    }
    assert!(files > 40, "{files} scenario files");
}
