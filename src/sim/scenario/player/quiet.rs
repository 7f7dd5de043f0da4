//! Skipping quiet time: while playing, the clock moves at the set speed whenever a message is
//! on the wire, and jumps to the next thing that happens when nothing is.

use super::*;

/// A queue mirrored on every node and a script publishing to it with confirms every 50 ms:
/// a few milliseconds on the wire, then quiet until the script wakes.
fn steady_publisher() -> Player {
    let text = "cluster nodes=3\nrabbitmqctl set_policy ha \"^q\" '{\"ha-mode\":\"all\"}'\n\
                client app node=node2\napp declare q durable\nwait 100ms\n\
                python pub on node=node2 <<EOF\nimport pika, time\n\
                conn = pika.BlockingConnection(pika.ConnectionParameters('localhost'))\n\
                ch = conn.channel()\nch.confirm_delivery()\nwhile True:\n\
                \x20   ch.basic_publish('', 'q', 'm')\n\x20   time.sleep(0.05)\nEOF\n";
    let mut p = Player::from_session(Session::from_scenario(text).unwrap());
    p.apply(Action::SetSpeed(0.01));
    p.apply(Action::Play);
    p
}

#[test]
fn play_crawls_while_messages_fly_and_jumps_when_quiet() {
    let mut p = steady_publisher();
    p.apply(Action::SetSkipQuiet(true));
    let mut crawled = 0;
    let mut jumps = Vec::new();
    for _ in 0..3000 {
        let (before, in_flight, next) = (
            p.cursor,
            p.view().net_in_flight(),
            p.view_run().next_event_time(),
        );
        p.apply(Action::Tick(16.0));
        if in_flight {
            // 16 ms of page at 0.01× is 160 µs of cluster.
            assert_eq!(p.cursor, before + Micros(160));
            assert_eq!(p.skipped, Micros(0));
            crawled += 1;
        } else if p.skipped > Micros(0) {
            // It lands on the next event, never past it.
            assert_eq!(Some(p.cursor), next);
            jumps.push(p.skipped);
        }
    }
    // Each publish, its GM laps and its confirm take a few milliseconds: dozens of frames
    // each; the ~45 ms of quiet between two publishes pass in one frame.
    // (Between GM laps of one publish there are gaps of a few hundred microseconds too.)
    let long = jumps.iter().filter(|&&j| j > Micros::from_ms(30)).count();
    assert!(long >= 5, "{jumps:?}");
    assert!(crawled > 10 * long, "{crawled} frames in flight");
}

#[test]
fn without_skip_the_clock_only_crawls() {
    let mut p = steady_publisher();
    for _ in 0..200 {
        let before = p.cursor;
        p.apply(Action::Tick(16.0));
        assert_eq!(p.cursor, before + Micros(160));
        assert_eq!(p.skipped, Micros(0));
    }
}

#[test]
fn skipping_in_the_past_stops_at_inputs_and_the_horizon() {
    let mut p = steady_publisher();
    p.apply(Action::Seek(Micros::from_secs(2)));
    p.apply(Action::Input("kill node1".into()));
    p.apply(Action::Seek(Micros::from_secs(3)));
    p.apply(Action::Input("start node1".into()));
    let horizon = p.horizon();
    let inputs: Vec<Micros> = p.session.inputs().iter().map(|i| i.at).collect();
    p.apply(Action::Seek(Micros::from_ms(500)));
    p.apply(Action::SetSkipQuiet(true));
    p.apply(Action::Play);
    let mut jumps = 0;
    while p.cursor < horizon {
        let before = p.cursor;
        p.apply(Action::Tick(16.0));
        if p.skipped > Micros(0) {
            jumps += 1;
            let crawl_end = before + Micros(160);
            assert!(
                !inputs.iter().any(|&i| i > crawl_end && i < p.cursor),
                "jumped over an input: {before:?} to {:?}",
                p.cursor
            );
        }
        assert!(p.cursor <= horizon);
    }
    assert!(jumps > 10, "{jumps}");
}

#[test]
fn a_load_keeps_the_viewers_settings() {
    let mut p = Player::new();
    p.apply(Action::SetSpeed(0.02));
    p.apply(Action::SetSkipQuiet(true));
    p.start(Action::Load("cluster nodes=5\n".into()));
    p.start(Action::Play);
    while !p.work(100) {}
    assert_eq!(p.view().cluster.nodes.len(), 5);
    assert!(p.playing && p.skip_quiet);
    assert!((p.speed - 0.02).abs() < 1e-12);
}
