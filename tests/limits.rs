//! Every limit of docs/limits.md fed the input that used to hang the runner or exhaust its
//! memory: each answers with its message where the input was typed, and the work done stays
//! within the bound (events processed, instructions run), never a wall-clock figure.

use mirrorscope::erl::re;
use mirrorscope::sim::limits;
use mirrorscope::sim::scenario::{self, Run};

fn run(text: &str) -> Run {
    match scenario::run_text(text, None) {
        Ok(r) => r,
        Err(e) => panic!("line {}: {}", e.line, e.message),
    }
}

fn parse_error(text: &str) -> (usize, String) {
    match scenario::run_text(text, None) {
        Ok(_) => panic!("expected a parse error for {text:?}"),
        Err(e) => (e.line, e.message),
    }
}

fn script(body: &str, wait: &str) -> String {
    format!("python app <<PY\n{body}\nPY\nwait {wait}\n")
}

fn output(r: &Run) -> String {
    r.scripts.get("app").expect("script exists").output_text()
}

#[test]
fn a_publish_count_beyond_the_line_limit_fails_at_its_line() {
    let (line, msg) =
        parse_error("client app node=node1\napp declare q\napp publish q \"m\" count=1000000000\n");
    assert_eq!(line, 3);
    assert!(msg.contains("at most 10,000 publishes per line"), "{msg}");
    // At the limit the line runs.
    let r = run("client app node=node1\napp declare q\napp publish q \"m\" count=10000\n");
    assert_eq!(r.sim.messages.len(), limits::PUBLISH_COUNT_MAX as usize);
}

#[test]
fn the_run_stops_publishing_at_its_limit_with_a_message() {
    let lines = (0..=limits::PUBLISHES_PER_RUN_MAX / limits::PUBLISH_COUNT_MAX as usize)
        .map(|_| "app publish nowhere \"m\" count=10000\n")
        .collect::<String>();
    let r = run(&format!("client app node=node1\n{lines}"));
    assert_eq!(r.sim.messages.len(), limits::PUBLISHES_PER_RUN_MAX);
    let last = r.steps.last().expect("steps");
    assert_eq!(last.exit_code, 2);
    assert!(
        last.output.contains("may publish at most 100,000"),
        "{}",
        last.output
    );
}

#[test]
fn a_queue_name_longer_than_a_short_string_is_refused() {
    let name = "q".repeat(256);
    let (line, msg) = parse_error(&format!("client app node=node1\napp declare {name}\n"));
    assert_eq!(line, 2);
    assert!(
        msg.contains("256 bytes long") && msg.contains("at most 255"),
        "{msg}"
    );
    // 255 bytes is fine.
    run(&format!(
        "client app node=node1\napp declare {}\n",
        "q".repeat(255)
    ));
    // pika raises before sending anything.
    let r = run(&script(
        &format!("import pika\nconn = pika.BlockingConnection(pika.ConnectionParameters('node1'))\nch = conn.channel()\nch.queue_declare(queue='{name}')"),
        "1s",
    ));
    let out = output(&r);
    assert!(
        out.contains(&format!("pika.exceptions.ShortStringTooLong: b'{name}'")),
        "{out}"
    );
    assert!(r.sim.queues.is_empty());
    // So does a routing key, and nothing is published.
    let r = run(&script(
        &format!("import pika\nconn = pika.BlockingConnection(pika.ConnectionParameters('node1'))\nch = conn.channel()\nch.basic_publish('', '{name}', 'm')"),
        "1s",
    ));
    assert!(
        output(&r).contains("pika.exceptions.ShortStringTooLong: b'qqq"),
        "{}",
        output(&r)
    );
    assert!(r.sim.messages.is_empty());
}

#[test]
fn a_cluster_list_beyond_nine_names_fails_at_parse_time() {
    let (line, msg) = parse_error("cluster a b c d e f g h i j\nclient app node=a\n");
    assert_eq!(line, 1);
    assert!(msg.contains("1 to 9 nodes, 10 given"), "{msg}");
    let (_, msg) = parse_error("cluster a a\n");
    assert!(msg.contains("listed twice"), "{msg}");
}

#[test]
fn a_malformed_args_value_says_where_the_json_stopped() {
    let (line, msg) =
        parse_error("client app node=node1\napp declare q args={\"x-max-length\":}\n");
    assert_eq!(line, 2);
    assert!(msg.contains("not valid JSON"), "{msg}");
    assert!(msg.contains("at byte"), "{msg}");
    assert!(msg.contains("args={\"x-max-length\":10}"), "{msg}");
}

#[test]
fn a_scenario_beyond_its_size_limit_is_refused() {
    let text = "wait 1s\n".repeat(limits::SCENARIO_MAX_BYTES / 8 + 1);
    let (line, msg) = parse_error(&text);
    assert_eq!(line, 1);
    assert!(msg.contains("more than the 262,144"), "{msg}");
}

#[test]
fn a_script_that_sleeps_a_little_cannot_run_without_bound() {
    let r = run(&script(
        "import time\nn = 0\nwhile True:\n    for i in range(100000):\n        n += 1\n    time.sleep(0.000001)",
        "10s",
    ));
    let s = r.scripts.get("app").expect("script");
    assert_eq!(s.state().as_str(), "stopped");
    assert!(
        output(&r).contains("4,000,000 Python instructions within one simulated second"),
        "{}",
        output(&r)
    );
    assert!(s.instructions() <= limits::SCRIPT_INSTRUCTIONS_PER_SECOND);
}

#[test]
fn microsecond_sleeps_cost_at_most_one_wakeup_per_timer_resolution() {
    for body in [
        "import time\nwhile True:\n    time.sleep(0.000001)",
        "import pika\nconn = pika.BlockingConnection(pika.ConnectionParameters('node1'))\nch = conn.channel()\nch.queue_declare(queue='q')\nfor m in ch.consume('q', inactivity_timeout=0.000001):\n    pass",
    ] {
        let r = run(&script(body, "1s"));
        // One simulated second holds at most 10,000 timer wakeups (plus the set-up's events).
        let per_second = 1_000_000 / limits::TIMER_RESOLUTION.0;
        assert!(
            r.sim.events_processed <= per_second + 1_000,
            "{} events",
            r.sim.events_processed
        );
        let s = r.scripts.get("app").expect("script");
        assert!(s.instructions() <= 20 * per_second, "{}", s.instructions());
    }
}

#[test]
fn a_script_holding_too_much_memory_gets_memory_error() {
    for body in [
        "a = [[0] * 1000000 for _ in range(1000)]\nprint(len(a))",
        "keep = []\ns = 'a' * 7000000\nwhile True:\n    keep.append(s + 'b')",
        "import time\nx = []\nwhile True:\n    x.append('a' * 1000000)\n    time.sleep(0.001)",
    ] {
        let r = run(&script(body, "2s"));
        let out = output(&r);
        assert!(
            out.contains("MemoryError: the script's objects hold more than 512 MB"),
            "{body}: {out}"
        );
        assert_eq!(
            r.scripts.get("app").expect("script").state().as_str(),
            "failed"
        );
    }
}

#[test]
fn a_reconnect_loop_stops_at_the_connection_limit() {
    let r = run(&script(
        "import pika\nconns = []\nwhile True:\n    conns.append(pika.BlockingConnection(pika.ConnectionParameters('node1')))",
        "10s",
    ));
    let out = output(&r);
    assert!(
        out.contains("RuntimeError: this script has opened 1,000 connections"),
        "{out}"
    );
    assert_eq!(r.sim.clients.len(), limits::SCRIPT_CONNECTIONS_MAX);
}

#[test]
fn a_costly_pattern_answers_match_limit_and_no_match() {
    let p = re::compile("(?:a?){500}a{500}").expect("PCRE compiles it");
    assert_eq!(p.run(&"a".repeat(255)), Err(re::MatchLimit));
    assert!(!p.is_match(&"a".repeat(255)));
    assert!(re::MatchLimit.to_string().contains("{error,match_limit}"));
    // Ordinary patterns on the longest names stay within the limit.
    let q = re::compile(r"^(orders|events|audit)\.[a-z0-9-]+$").expect("compiles");
    assert_eq!(q.run(&format!("orders.{}", "x".repeat(248))), Ok(true));
}

#[test]
fn the_queues_a_costly_pattern_cannot_match_are_named_for_the_policy_form() {
    let long = "a".repeat(250);
    let r = run(&format!(
        "cluster nodes=3\nclient app node=node1\napp declare {long}\napp declare short\n"
    ));
    let costly = re::compile("(?:a?){500}a{500}").expect("PCRE compiles it");
    assert_eq!(r.sim.queues_past_match_limit("/", &costly), vec![long]);
    let plain = re::compile("^a").expect("compiles");
    assert!(r.sim.queues_past_match_limit("/", &plain).is_empty());
}

#[test]
fn a_polling_script_stops_at_the_run_s_wakeup_limit_so_a_long_wait_stays_short() {
    let r = run(&script(
        "import time\nwhile True:\n    time.sleep(0.0001)",
        "1000h",
    ));
    let out = output(&r);
    assert!(
        out.contains("the run's scripts have returned from 250,000 blocking calls"),
        "{out}"
    );
    // The wait went on to its end without the script: one wakeup per timer tick, no more.
    let ticks = limits::SCRIPT_WAKEUPS_MAX + 10;
    assert!(
        r.sim.events_processed <= ticks,
        "{}",
        r.sim.events_processed
    );
    assert_eq!(
        r.sim.now(),
        mirrorscope::sim::time::Micros::from_secs(3_600_000)
    );
}

#[test]
fn add_vhost_beyond_the_vhost_cap_is_refused_at_its_line() {
    let mut text = String::from("cluster nodes=1\n");
    for i in 1..=limits::VHOSTS_MAX {
        text.push_str(&format!("rabbitmqctl add_vhost v{i}\n"));
    }
    let r = run(&text);
    assert_eq!(r.sim.vhosts.len(), limits::VHOSTS_MAX);
    let last = r.steps.last().expect("a step");
    assert_eq!(last.exit_code, 69, "{}", last.output);
    assert!(
        last.output
            .contains("the cluster has 100 virtual hosts, the most it may hold"),
        "{}",
        last.output
    );
    // Deleting one makes room again.
    text.push_str("rabbitmqctl delete_vhost v1\nrabbitmqctl add_vhost again\n");
    let r = run(&text);
    assert_eq!(r.steps.last().expect("a step").exit_code, 0);
}

#[test]
fn exchange_declares_beyond_the_exchange_cap_are_refused_at_their_line() {
    let mut text = String::from("cluster nodes=1\nclient app node=node1\n");
    // Each vhost has 7 predeclared exchanges.
    let room = limits::EXCHANGES_MAX - 7;
    for i in 0..=room {
        text.push_str(&format!("app exchange_declare x{i} type=fanout\n"));
    }
    text.push_str("app exchange_declare x0 type=fanout\n");
    let r = run(&text);
    assert_eq!(r.sim.exchanges.exchanges.len(), limits::EXCHANGES_MAX);
    let n = r.steps.len();
    let refused = &r.steps[n - 2];
    assert_eq!(refused.exit_code, 2, "{}", refused.output);
    assert!(
        refused
            .output
            .contains("the cluster has 2,000 exchanges, the most it may hold"),
        "{}",
        refused.output
    );
    // Redeclaring an existing one creates nothing and is not refused.
    assert_eq!(r.steps[n - 1].exit_code, 0, "{}", r.steps[n - 1].output);
}

#[test]
fn a_binding_loop_in_pika_stops_at_the_binding_cap_with_runtime_error() {
    let r = run(&format!(
        "cluster nodes=1\n{}",
        script(
            "import pika
ch = pika.BlockingConnection().channel()
ch.queue_declare('q')
n = 0
try:
    while True:
        ch.queue_bind('q', 'amq.direct', routing_key='k%d' % n)
        n += 1
except RuntimeError as e:
    print(n, e)
ch.queue_bind('q', 'amq.direct', routing_key='k0')
print('rebind ok')",
            "1h"
        )
    ));
    assert_eq!(r.sim.exchanges.bindings.len(), limits::BINDINGS_MAX);
    assert_eq!(
        output(&r),
        "10000 the cluster has 10,000 bindings, the most it may hold (a playground limit, docs/limits.md): queue_unbind the ones you no longer use\nrebind ok\n"
    );
}
