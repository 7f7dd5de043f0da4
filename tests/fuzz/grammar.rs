//! Grammar-aware generation: scenario lines, console lines, policy definitions, PCRE patterns
//! and pika scripts built from the formats' own pieces, so that inputs get past the first
//! parser and reach the simulator; and the seed files the mutations start from.

use std::path::Path;

use mirrorscope::rng::Rng;

use crate::mutate::pick;

/// Files of `dir` (under the crate) with extension `ext`, sorted, as text.
pub fn seed_files(dir: &str, ext: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

/// The console lines the tests already use (`rabbitmqctl …`, `systemctl …`, `curl …`).
pub fn seed_console_lines() -> Vec<String> {
    let mut lines = Vec::new();
    for text in seed_files("tests/golden", "txt")
        .into_iter()
        .chain(seed_files("tests/scenarios", "scn"))
    {
        for l in text.lines() {
            let l = l.split_once(": ").map_or(
                l,
                |(head, rest)| {
                    if head.starts_with("on ") {
                        rest
                    } else {
                        l
                    }
                },
            );
            if ["rabbitmqctl", "systemctl", "curl", "kill "]
                .iter()
                .any(|p| l.starts_with(p))
            {
                lines.push(l.to_string());
            }
        }
    }
    lines.sort();
    lines.dedup();
    lines
}

/// The pika scripts of the scenarios (the text between `<<WORD` and `WORD`).
pub fn seed_pika_scripts() -> Vec<String> {
    let mut out = Vec::new();
    for text in seed_files("tests/scenarios", "scn") {
        let mut lines = text.lines();
        while let Some(l) = lines.next() {
            if let Some(word) = l
                .starts_with("python ")
                .then(|| l.split("<<").nth(1))
                .flatten()
            {
                let word = word.trim().trim_matches('\'');
                let body: Vec<&str> = lines.by_ref().take_while(|b| b.trim() != word).collect();
                out.push(body.join("\n") + "\n");
            }
        }
    }
    out
}

fn node(r: &mut Rng) -> String {
    format!("node{}", 1 + r.below(4))
}

fn queue(r: &mut Rng) -> String {
    match r.below(8) {
        0 => "important.x".to_string(),
        1 => "".to_string(),
        2 => "q\u{e9}".to_string(),
        _ => format!("q{}", r.below(4)),
    }
}

fn small(r: &mut Rng) -> u64 {
    [0, 1, 2, 3, 5, 10, 100][r.below(7) as usize]
}

fn duration(r: &mut Rng) -> String {
    let n = small(r);
    format!("{n}{}", pick(r, &["ms", "s", "us", "", "min"]))
}

/// A policy definition: mostly valid keys with odd values, sometimes any JSON.
pub fn policy_json(r: &mut Rng) -> String {
    // In byte order: the generator's vocabulary, RabbitMQ's keys and one it does not know.
    let keys: &[&str] = &[
        "delivery-limit",
        "expires",
        "ha-mode",
        "ha-params",
        "ha-promote-on-failure",
        "ha-promote-on-failure",
        "ha-promote-on-shutdown",
        "ha-sync-batch-size",
        "ha-sync-mode",
        "ha-sync-mode",
        "max-length",
        "message-ttl",
        "queue-master-locator",
        "queue-mode",
        "x-unknown",
    ];
    let n = r.below(4) as usize;
    let mut members = Vec::new();
    if r.below(4) != 0 {
        members.push(match r.below(3) {
            0 => "\"ha-mode\":\"all\"".to_string(),
            1 => format!("\"ha-mode\":\"exactly\",\"ha-params\":{}", 1 + r.below(4)),
            _ => "\"ha-mode\":\"nodes\",\"ha-params\":[\"rabbit@node1\",\"rabbit@node3\"]"
                .to_string(),
        });
    }
    for _ in 0..n {
        let k = pick(r, keys);
        let v = match k {
            "ha-mode" => format!("\"{}\"", pick(r, &["all", "exactly", "nodes", "ALL", ""])),
            "ha-params" => match r.below(4) {
                0 => format!("{}", small(r)),
                1 => "[\"rabbit@node1\",\"rabbit@node2\"]".to_string(),
                2 => "[]".to_string(),
                _ => json_value(r, 3),
            },
            "ha-sync-mode" => format!(
                "\"{}\"",
                pick(r, &["automatic", "manual", "automatic", "auto"])
            ),
            "max-length" | "message-ttl" | "expires" | "delivery-limit" | "ha-sync-batch-size" => {
                match r.below(3) {
                    0 => json_value(r, 1),
                    _ => small(r).to_string(),
                }
            }
            "ha-promote-on-shutdown" | "ha-promote-on-failure" => {
                format!("\"{}\"", pick(r, &["always", "when-synced", "never"]))
            }
            "queue-master-locator" => {
                format!(
                    "\"{}\"",
                    pick(r, &["min-masters", "client-local", "random"])
                )
            }
            _ => json_value(r, 2),
        };
        members.push(format!("\"{k}\":{v}"));
    }
    format!("{{{}}}", members.join(","))
}

/// A definition RabbitMQ accepts: a mirroring mode with some of the other keys.
pub fn valid_policy(r: &mut Rng) -> String {
    let mut members = vec![match r.below(3) {
        0 => "\"ha-mode\":\"all\"".to_string(),
        1 => format!("\"ha-mode\":\"exactly\",\"ha-params\":{}", 1 + r.below(5)),
        _ => "\"ha-mode\":\"nodes\",\"ha-params\":[\"rabbit@node2\",\"rabbit@node9\"]".to_string(),
    }];
    let extras = [
        "\"ha-sync-mode\":\"automatic\"",
        "\"ha-sync-mode\":\"manual\"",
        "\"ha-sync-batch-size\":2",
        "\"ha-promote-on-shutdown\":\"always\"",
        "\"ha-promote-on-failure\":\"when-synced\"",
        "\"queue-master-locator\":\"random\"",
        "\"max-length\":3",
        "\"message-ttl\":1000",
    ];
    for e in extras {
        if r.below(3) == 0 {
            members.push(e.to_string());
        }
    }
    format!("{{{}}}", members.join(","))
}

/// Any JSON value, nested at most `depth` deep.
pub fn json_value(r: &mut Rng, depth: u32) -> String {
    match r.below(if depth == 0 { 6 } else { 8 }) {
        0 => small(r).to_string(),
        1 => pick(
            r,
            &["-1", "1.5", "1e400", "-0", "9223372036854775808", "1E2"],
        )
        .to_string(),
        2 => pick(r, &["true", "false", "null"]).to_string(),
        3 => format!(
            "\"{}\"",
            pick(r, &["", "x", "é", "\\u00e9", "\\ud800", "a\\nb"])
        ),
        4 => "\"rabbit@node2\"".to_string(),
        5 => "[]".to_string(),
        6 => {
            let items: Vec<String> = (0..r.below(3)).map(|_| json_value(r, depth - 1)).collect();
            format!("[{}]", items.join(","))
        }
        _ => {
            let items: Vec<String> = (0..r.below(3))
                .map(|i| format!("\"k{i}\":{}", json_value(r, depth - 1)))
                .collect();
            format!("{{{}}}", items.join(","))
        }
    }
}

/// A PCRE pattern from the pieces RabbitMQ users write and the ones PCRE refuses. Repetition
/// counts stay small: the catastrophic patterns are issue 15's bounds work.
pub fn regex(r: &mut Rng, depth: u32) -> String {
    let mut out = String::new();
    if r.below(3) == 0 {
        out.push('^');
    }
    for _ in 0..=r.below(4) {
        out += &regex_atom(r, depth);
        if r.below(3) == 0 {
            out += pick(
                r,
                &[
                    "*", "+", "?", "{2}", "{1,3}", "{0,}", "*?", "+?", "{,2}", "{3,1}", "*", "+",
                    "++",
                ],
            );
        }
    }
    if r.below(4) == 0 {
        out += "|";
        out += &regex_atom(r, depth);
    }
    if r.below(3) == 0 {
        out.push('$');
    }
    out
}

fn regex_atom(r: &mut Rng, depth: u32) -> String {
    match r.below(if depth == 0 { 5 } else { 7 }) {
        _ if r.below(2) == 0 => pick(
            r,
            &["q", "important", "\\.", ".", "é", "amq\\.", "a", "[0-9]"],
        )
        .to_string(),
        0 => pick(r, &["q", "important", "\\.", ".", "é", "amq\\."]).to_string(),
        1 => pick(
            r,
            &[
                "[a-z]",
                "[^.]",
                "[[:alpha:]]",
                "[z-a]",
                "[]",
                "[\\d_]",
                "[[:foo:]]",
                "[a-",
            ],
        )
        .to_string(),
        2 => pick(
            r,
            &[
                "\\d", "\\w", "\\s", "\\b", "\\Q.*\\E", "\\x{41}", "\\k<n>", "\\1", "\\p{L}",
                "\\c", "\\",
            ],
        )
        .to_string(),
        3 => pick(
            r,
            &["(?i)", "(?m)", "(?x)", "(?s)", "(*UTF8)", "(?#c)", "(?z)"],
        )
        .to_string(),
        4 => pick(
            r,
            &[
                "(?=a)", "(?<!b)", "(?>a+)", "(?|a|b)", "(?<n>q)", "(?P<n>q)",
            ],
        )
        .to_string(),
        5 => format!("({})", regex(r, depth - 1)),
        _ => format!("(?:{})", regex(r, depth - 1)),
    }
}

/// A console line as the Console panel runs it.
pub fn console_line(r: &mut Rng) -> String {
    let q = queue(r);
    match r.below(15) {
        0 | 1 => format!(
            "rabbitmqctl set_policy {}{}p{} '{}' '{}'",
            pick(r, &["", "--priority 1 ", "--priority -5 ", "--priority x "]),
            pick(r, &["", "--apply-to queues ", "--apply-to exchanges ", "--apply-to bogus "]),
            r.below(3),
            regex(r, 1),
            policy_json(r)
        ),
        2 => format!(
            "rabbitmqctl set_operator_policy op '{}' '{}'",
            regex(r, 1),
            policy_json(r)
        ),
        3 => format!("rabbitmqctl clear_policy p{}", r.below(3)),
        4 => format!(
            "rabbitmqctl list_queues {}{}",
            pick(r, &["", "-p / ", "-p nope ", "--quiet "]),
            pick(
                r,
                &[
                    "",
                    "name slave_pids synchronised_slave_pids",
                    "name policy messages",
                    "recoverable_slaves",
                    "name bogus",
                ]
            )
        ),
        5 => format!(
            "rabbitmqctl {}",
            pick(
                r,
                &[
                    "cluster_status",
                    "stop_app",
                    "start_app",
                    "stop",
                    "reset",
                    "force_reset",
                    "list_policies",
                    "list_operator_policies",
                    "list_vhosts",
                    "eval 'node().'",
                    "help",
                    "",
                ]
            )
        ),
        6 => format!(
            "rabbitmqctl forget_cluster_node {}rabbit@{}",
            pick(r, &["", "--offline "]),
            node(r)
        ),
        7 => format!("rabbitmqctl join_cluster rabbit@{}", node(r)),
        8 => format!("rabbitmqctl sync_queue {q}"),
        9 => format!("rabbitmqctl cancel_sync_queue {q}"),
        10 => format!(
            "systemctl {} rabbitmq-server",
            pick(r, &["stop", "start", "restart", "status", "reload"])
        ),
        11 => format!(
            "curl -i -u guest:guest -X POST -d '{{\"action\":\"{}\"}}' http://localhost:15672/api/queues/{}/{q}/actions",
            pick(r, &["sync", "cancel_sync", "bogus"]),
            pick(r, &["%2F", "%2f", "/", "%ZZ"])
        ),
        12 => format!(
            "rabbitmqctl -n rabbit@{} {} v{}",
            node(r),
            pick(
                r,
                &[
                    "add_vhost",
                    "delete_vhost",
                    "set_permissions guest '.*' '.*' '.*' -p",
                    "list_permissions -p",
                    "list_queues -p",
                ]
            ),
            r.below(2)
        ),
        13 => operating_line(r, &q),
        _ => pick(
            r,
            &[
                "kill -9 $(pidof beam.smp)",
                "kill -TERM $(pidof beam.smp)",
                "pkill -9 beam.smp",
                "killall beam.smp",
                "kill -STOP $(pidof beam.smp)",
            ],
        )
        .to_string(),
    }
}

/// The operating commands of issue 16: maintenance mode, rebalancing, the sync-critical
/// checks, the listings, purges and the health endpoint.
fn operating_line(r: &mut Rng, q: &str) -> String {
    match r.below(4) {
        0 => format!(
            "rabbitmq-upgrade {}",
            pick(
                r,
                &[
                    "drain",
                    "revive",
                    "await_online_synchronized_mirror",
                    "bogus"
                ]
            )
        ),
        1 => format!(
            "rabbitmq-queues {}",
            pick(
                r,
                &[
                    "rebalance all",
                    "rebalance classic --queue-pattern '^q'",
                    "rebalance quorum --vhost-pattern '('",
                    "check_if_node_is_mirror_sync_critical",
                    "check_if_node_is_mirror_sync_critical --formatter json",
                    "rebalance",
                ]
            )
        ),
        2 => format!(
            "rabbitmqctl {}",
            pick(
                r,
                &[
                    "list_consumers",
                    "list_connections",
                    "list_channels",
                    "list_exchanges name type arguments",
                    "list_bindings",
                    "force_boot",
                    "clear_permissions guest",
                    "clear_permissions -p v0 guest",
                    "list_user_permissions guest",
                    "list_vhosts name cluster_state",
                ]
            )
        ),
        _ => match r.below(3) {
            0 => format!("rabbitmqctl purge_queue {q}"),
            1 => format!("rabbitmqctl delete_queue {q} --if-empty"),
            _ => "curl -s http://localhost:15672/api/health/checks/node-is-mirror-sync-critical"
                .to_string(),
        },
    }
}

/// A client operation line for client `c`.
fn client_line(r: &mut Rng, c: &str) -> String {
    let q = queue(r);
    match r.below(12) {
        0 => format!(
            "{c} declare {q} {}",
            pick(
                r,
                &[
                    "durable",
                    "transient",
                    "exclusive",
                    "auto_delete",
                    "passive",
                    ""
                ]
            )
        ),
        1 => format!(
            "{c} declare {q} durable args={}",
            pick(
                r,
                &[
                    "{\"x-cancel-on-ha-failover\":true}",
                    "{\"x-max-length\":1}",
                    "{\"x-queue-type\":\"quorum\"}",
                    "{\"x-message-ttl\":5,\"x-dead-letter-exchange\":\"dlx\"}",
                    "{\"x-overflow\":\"reject-publish-dlx\",\"x-max-length\":0}",
                    "{\"x-expires\":1}",
                    "{bad",
                    "{}",
                ]
            )
        ),
        2 | 3 => format!(
            "{c} publish {q} \"m\" count={}{}",
            1 + small(r),
            pick(r, &["", " persistent", " transient"])
        ),
        4 => format!(
            "{c} consume {q} ack={} prefetch={}",
            pick(r, &["manual", "auto"]),
            small(r)
        ),
        5 => format!("{c} ack {}", pick(r, &["all", "1", "0", "99"])),
        6 => format!("{c} get {q}"),
        7 => format!("{c} confirm"),
        8 => format!(
            "{c} {}",
            pick(
                r,
                &[
                    "nack all requeue",
                    "reject 1 requeue",
                    "nack 2",
                    "close",
                    "tx_select",
                    "tx_commit"
                ]
            )
        ),
        9 => format!("{c} get {q} ack={}", pick(r, &["manual", "auto"])),
        10 => exchange_line(r, c, &q),
        _ => format!("expect client {c} confirmed={}", small(r)),
    }
}

/// Exchanges and bindings (issue 16 item 1) for client `c`.
fn exchange_line(r: &mut Rng, c: &str, q: &str) -> String {
    let x = pick(r, &["dlx", "logs", "amq.topic", "", "amq.rabbitmq.trace"]);
    match r.below(5) {
        0 => format!(
            "{c} exchange_declare {} type={}{}",
            if x.is_empty() { "\"\"" } else { x },
            pick(r, &["fanout", "direct", "topic", "headers", "x-bogus"]),
            pick(
                r,
                &["", " durable", " internal", " passive", " auto_delete"]
            )
        ),
        1 => format!(
            "{c} bind {q} {} key={}",
            if x.is_empty() { "dlx" } else { x },
            pick(r, &["#", "a.*", "", "q0"])
        ),
        2 => format!("{c} unbind {q} {}", if x.is_empty() { "logs" } else { x }),
        3 => format!(
            "{c} exchange_delete {}",
            if x.is_empty() { "logs" } else { x }
        ),
        _ => format!(
            "{c} exchange_bind logs {}",
            if x.is_empty() { "dlx" } else { x }
        ),
    }
}

/// One scenario line after the set-up.
pub fn scenario_line(r: &mut Rng) -> String {
    match r.below(16) {
        0..=2 => {
            let l = console_line(r);
            if l.starts_with("rabbitmqctl") || l.starts_with("systemctl") {
                l
            } else {
                format!("on {}: {l}", node(r))
            }
        }
        3 => format!("on {}: {}", node(r), console_line(r)),
        4 => format!("{} {}", pick(r, &["stop", "kill", "start"]), node(r)),
        5 => format!("partition {} | {}", node(r), node(r)),
        6 => "heal".to_string(),
        7 => "join node".to_string(),
        8 => format!("wait {}", duration(r)),
        9 => format!(
            "client c{} node={}{}",
            r.below(3),
            node(r),
            pick(r, &["", "", " vhost=v0", " vhost=/"])
        ),
        10 if r.below(2) == 0 => format!("crash {} on {}", queue(r), node(r)),
        10 => format!("drop {}", small(r)),
        11 => format!(
            "expect queue {} master={} messages={}",
            queue(r),
            node(r),
            small(r)
        ),
        _ => {
            let c = format!("c{}", r.below(3));
            client_line(r, &c)
        }
    }
}

/// A whole scenario: set-up, clients, then any lines.
pub fn scenario(r: &mut Rng) -> String {
    let mut s = String::new();
    match r.below(4) {
        0 => s += "cluster rabbit@a rabbit@b\n",
        _ => s += &format!("cluster nodes={}\n", 1 + r.below(5)),
    }
    s += &format!("seed {}\n", r.below(1000));
    if r.below(3) == 0 {
        s += &format!(
            "config net_ticktime={} latency={} partition_handling={}\n",
            small(r),
            duration(r),
            pick(r, &["ignore", "pause_minority", "autoheal"])
        );
    }
    for c in 0..3 {
        s += &format!("client c{c} node={}\n", node(r));
    }
    for _ in 0..(3 + r.below(20)) {
        s += &scenario_line(r);
        s.push('\n');
    }
    if r.below(4) == 0 {
        s += &format!("python p{} <<EOF\n{}EOF\n", r.below(2), pika_script(r));
        s += "wait 2s\n";
    }
    s
}

/// A pika script made of the calls the binding offers.
pub fn pika_script(r: &mut Rng) -> String {
    let mut s = String::from("import pika, time, json, sys\n");
    s += &format!(
        "conn = pika.BlockingConnection(pika.ConnectionParameters({}))\nch = conn.channel()\n",
        pick(
            r,
            &[
                "'localhost'",
                "'node2.example.com'",
                "host='nowhere'",
                "'node1', connection_attempts=2, retry_delay=0.5",
                "port=-1",
            ]
        )
    );
    for _ in 0..(1 + r.below(8)) {
        s += &match r.below(12) {
            0 => format!("ch.queue_declare({}, durable=True)\n", pick(r, &["'q1'", "''", "queue='q2'", "None", "1"])),
            1 => "ch.confirm_delivery()\n".to_string(),
            2 => format!(
                "for i in range({}):\n    ch.basic_publish('', 'q1', str(i){})\n",
                small(r),
                pick(r, &["", ", properties=pika.BasicProperties(delivery_mode=2)", ", mandatory=True"])
            ),
            3 => "m = ch.basic_get('q1', auto_ack=True)\nprint(m)\n".to_string(),
            4 => format!("time.sleep({})\n", pick(r, &["0.1", "1", "-1", "float('nan')", "'x'"])),
            5 => "try:\n    ch.queue_declare('q1', passive=True)\nexcept Exception as e:\n    print(type(e).__name__, e)\n".to_string(),
            6 => "for m, p, b in ch.consume('q1', inactivity_timeout=1):\n    print(m, b)\n    break\n".to_string(),
            7 => format!("ch.basic_qos(prefetch_count={})\n", small(r)),
            8 => "print(json.dumps({'a': [1, 2.5, None]}), sys.argv)\n".to_string(),
            9 => "ch.tx_select()\nch.basic_publish('', 'q1', b'x')\nch.tx_commit()\n".to_string(),
            10 => "conn.process_data_events(time_limit=0.5)\n".to_string(),
            _ => "conn.close()\n".to_string(),
        };
    }
    s
}

/// A plain Python snippet (no broker) from the subset's statements.
pub fn python_snippet(r: &mut Rng) -> String {
    let mut s = String::new();
    for _ in 0..(1 + r.below(6)) {
        s += pick(
            r,
            &[
                "x = [i * 2 for i in range(10)]\nprint(x[-1], len(x))\n",
                "d = {'a': 1}\nd['b'] = d.get('a', 0) + 1\nprint(sorted(d.items()))\n",
                "def f(a, *args, k=1, **kw):\n    return a + len(args) + k + len(kw)\nprint(f(1, 2, 3, k=4, z=5))\n",
                "try:\n    1 / 0\nexcept ZeroDivisionError as e:\n    print('caught', e)\nfinally:\n    print('done')\n",
                "s = 'abc' * 3\nprint(s.upper().split('B'), f'{s!r:>12}')\n",
                "print('%s-%d-%.2f' % ('x', 7, 2.5), '{0}{1}'.format(1, 'y'))\n",
                "n = 0\nwhile n < 100:\n    n += 1\n    if n % 7 == 0:\n        continue\nprint(n)\n",
                "g = lambda v: v ** 2\nprint(list(map(g, [1, 2])) if False else g(9))\n",
                "import json\nprint(json.loads('[1, {\"a\": null}]'))\n",
                "print(int('12'), float('1e3'), str(b'\\xff'), bytes([65, 66]))\n",
                "a, (b, c) = 1, (2, 3)\nprint(a + b + c)\n",
                "def rec(n):\n    return n if n < 1 else rec(n - 1)\nprint(rec(50))\n",
                "with open('x') as f:\n    pass\n",
                "assert 1 == 2, 'no'\n",
                "x = 9223372036854775807\nprint(x + 1)\n",
            ],
        );
    }
    s
}
