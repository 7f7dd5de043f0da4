//! The console's shell on whole blocks pasted from the course notes (tests/console/*.sh are the
//! seed's command blocks, unmodified): comments ignored, each command its own entry and
//! scenario line, `echo … >> /etc/rabbitmq/rabbitmq.conf` taking effect on the node's next
//! start; and the print → parse round trip of redirected commands.

use mirrorscope::rng::Rng;
use mirrorscope::sim::scenario::parse::Action as Line;
use mirrorscope::sim::scenario::player::{Action, ConsoleEntry, Player};
use mirrorscope::sim::scenario::{self, session::Session};
use mirrorscope::sim::state_change::StateChange;
use mirrorscope::sim::time::Micros;
use mirrorscope::sim::trace::TraceKind;
use mirrorscope::sim::{NodeState, PartitionHandling};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/console/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).expect("fixture")
}

fn paste(p: &mut Player, node: usize, block: &str) -> Vec<ConsoleEntry> {
    let before = p.console.len();
    p.apply(Action::Console {
        node,
        line: block.to_string(),
    });
    p.console[before..].to_vec()
}

fn policies(p: &Player) -> Vec<(String, i64)> {
    p.view()
        .policies
        .list("/", mirrorscope::sim::policy::definition::PolicyKind::User)
        .iter()
        .map(|x| (x.spec.name.clone(), x.spec.priority))
        .collect()
}

#[test]
fn seed_2_3_block_sets_every_policy_one_entry_per_command() {
    let mut p = Player::new();
    let entries = paste(&mut p, 0, &fixture("seed004_2_3.sh"));
    let inputs: Vec<&str> = entries
        .iter()
        .map(|e| e.input.lines().next().unwrap())
        .collect();
    assert_eq!(
        inputs,
        vec![
            "rabbitmqctl set_policy ha-all \"^\" \\",
            "rabbitmqctl set_policy ha-important \"^important\\.\" \\",
            "rabbitmqctl set_policy ha-orders \"^order-queue$\" \\",
            "rabbitmqctl list_policies",
        ]
    );
    assert!(entries.iter().all(|e| e.exit_code == 0), "{entries:?}");
    let mut names: Vec<String> = policies(&p).into_iter().map(|x| x.0).collect();
    names.sort();
    assert_eq!(names, vec!["ha-all", "ha-important", "ha-orders"]);
    assert!(
        entries[3].output.contains("ha-orders"),
        "{}",
        entries[3].output
    );
    // Every command is a scenario line of the session: its saved scenario replays them.
    let replay = Session::from_scenario(&p.session.to_scenario()).expect("the session parses");
    assert_eq!(
        replay
            .run
            .sim
            .policies
            .list("/", mirrorscope::sim::policy::definition::PolicyKind::User)
            .len(),
        3
    );
    assert_eq!(p.session.inputs().len(), 4);
}

#[test]
fn seed_6_3_script_sets_priorities_and_echoes() {
    let mut p = Player::new();
    let entries = paste(&mut p, 1, &fixture("seed004_6_3.sh"));
    assert_eq!(entries.len(), 5, "{entries:?}");
    assert!(entries.iter().all(|e| e.exit_code == 0), "{entries:?}");
    assert_eq!(entries[3].input, "echo \"镜像策略配置完成\"");
    assert_eq!(entries[3].output, "镜像策略配置完成");
    assert!(entries.iter().all(|e| e.node == "rabbit@node2"));
    let mut got = policies(&p);
    got.sort();
    assert_eq!(
        got,
        vec![
            ("ha-critical".to_string(), 100),
            ("ha-important".to_string(), 80),
            ("ha-normal".to_string(), 60),
        ]
    );
    assert!(p
        .session
        .inputs()
        .iter()
        .all(|i| i.line.starts_with("on node2: ")));
}

/// When the sides declared each other down after the partition at `from`.
fn detected_after(p: &Player, from: Micros) -> Micros {
    let at = p
        .view()
        .trace
        .iter()
        .find(|e| {
            e.at >= from
                && matches!(&e.kind, TraceKind::State { change, .. } if matches!(**change, StateChange::NetTickTimeout { .. }))
        })
        .expect("the partition is detected")
        .at;
    Micros(at.0 - from.0)
}

fn partition_and_wait(p: &mut Player) -> Micros {
    let from = p.session.now();
    p.apply(Action::Input("partition node1 | node2 node3".into()));
    p.apply(Action::Seek(from + Micros::from_secs(120)));
    detected_after(p, from)
}

#[test]
fn echo_into_rabbitmq_conf_changes_detection_after_a_restart() {
    // Without a restart the file changes nothing: the VM read its configuration at boot.
    let mut p = Player::new();
    let e = paste(&mut p, 0, &fixture("seed004_5_1.sh"));
    assert_eq!(e.len(), 2, "{e:?}");
    assert_eq!(e[0].exit_code, 0);
    assert_eq!(e[0].output, "");
    let slow = partition_and_wait(&mut p);
    assert!(
        slow >= Micros::from_secs(45) && slow <= Micros::from_secs(75),
        "{slow}"
    );

    let mut p = Player::new();
    paste(&mut p, 0, &fixture("seed004_5_1.sh"));
    let e = paste(
        &mut p,
        0,
        "cat /etc/rabbitmq/rabbitmq.conf\nsystemctl restart rabbitmq-server",
    );
    assert_eq!(e[0].output, "net_ticktime = 30");
    assert_eq!(e[1].exit_code, 0, "{e:?}");
    assert_eq!(p.view().settings(0).net_ticktime, Micros::from_secs(30));
    let fast = partition_and_wait(&mut p);
    assert!(
        fast >= Micros::from_ms(22_500) && fast <= Micros::from_ms(37_500),
        "{fast}"
    );
    // The scenario of the session replays the same file and the same detection.
    let text = p.session.to_scenario();
    assert!(
        text.contains("on node1: echo \"net_ticktime = 30\" >> /etc/rabbitmq/rabbitmq.conf"),
        "{text}"
    );
    let replay = scenario::run_text(&text, None).expect("parses");
    assert_eq!(replay.sim.settings(0).net_ticktime, Micros::from_secs(30));
}

#[test]
fn a_syntax_error_in_rabbitmq_conf_stops_the_node_from_starting() {
    let mut p = Player::new();
    let e = paste(
        &mut p,
        2,
        "cat /etc/rabbitmq/rabbitmq.conf\necho 'net_ticktime 30' >> /etc/rabbitmq/rabbitmq.conf\nsystemctl restart rabbitmq-server\nsystemctl status rabbitmq-server",
    );
    assert_eq!(e[0].exit_code, 1);
    assert_eq!(
        e[0].output,
        "cat: /etc/rabbitmq/rabbitmq.conf: No such file or directory"
    );
    assert_eq!(e[2].exit_code, 1, "{e:?}");
    assert!(
        e[2].output.contains(
            "Syntax error in /etc/rabbitmq/rabbitmq.conf after line 1 column 1, parsing incomplete"
        ),
        "{}",
        e[2].output
    );
    assert!(e[2].output.contains("BOOT FAILED"));
    assert_eq!(e[3].exit_code, 3);
    assert_ne!(p.view().cluster.nodes[2].state, NodeState::Running);
    // Fixed with `>` (the file is replaced), the node starts.
    let e = paste(
        &mut p,
        2,
        "echo 'net_ticktime = 30' > /etc/rabbitmq/rabbitmq.conf && systemctl start rabbitmq-server",
    );
    assert!(e.iter().all(|x| x.exit_code == 0), "{e:?}");
    assert_eq!(p.view().cluster.nodes[2].state, NodeState::Running);
}

#[test]
fn pause_minority_from_the_conf_files_pauses_the_minority() {
    let mut p = Player::new();
    for n in 0..3 {
        let e = paste(
            &mut p,
            n,
            "echo \"cluster_partition_handling = pause_minority\" >> /etc/rabbitmq/rabbitmq.conf\nsystemctl restart rabbitmq-server\nrabbitmqctl cluster_status",
        );
        assert!(e.iter().all(|x| x.exit_code == 0), "{e:?}");
        assert!(e[2].output.ends_with("Partition handling: pause_minority"));
    }
    assert_eq!(
        p.view().settings(1).partition_handling,
        PartitionHandling::PauseMinority
    );
    partition_and_wait(&mut p);
    assert_eq!(p.view().cluster.nodes[0].state, NodeState::Paused);
    assert_eq!(p.view().cluster.nodes[1].state, NodeState::Running);
}

#[test]
fn lists_skip_as_bash_does_and_unsupported_pieces_say_so() {
    let mut p = Player::new();
    let e = paste(
        &mut p,
        0,
        "rabbitmqctl bogus && echo yes || echo no\nvim /etc/rabbitmq/rabbitmq.conf; rabbitmqctl list_queues | grep q",
    );
    let got: Vec<(&str, i32)> = e.iter().map(|x| (x.input.as_str(), x.exit_code)).collect();
    assert_eq!(
        got,
        vec![
            ("rabbitmqctl bogus", 64),
            ("echo no", 0),
            ("vim /etc/rabbitmq/rabbitmq.conf", 127),
            ("rabbitmqctl list_queues | grep q", 2),
        ]
    );
    assert_eq!(e[2].output, "bash: vim: command not found");
    assert!(e[3].output.contains("pipes (|)"));
    // The piece that did not run is no input of the session.
    assert_eq!(p.session.inputs().len(), 3);
}

#[test]
fn a_block_beyond_the_bounds_runs_nothing_and_says_why() {
    let mut p = Player::new();
    let e = paste(&mut p, 0, &"echo x\n".repeat(300));
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].exit_code, 2);
    assert!(e[0].output.contains("300 lines"), "{}", e[0].output);
    assert!(p.session.inputs().is_empty());
    // A comment alone runs nothing and blames nothing.
    let e = paste(&mut p, 0, "# 只有注释：全角，标点");
    assert_eq!((e[0].exit_code, e[0].output.as_str()), (0, ""));
}

#[test]
fn redirected_lines_print_and_parse_back() {
    let mut r = Rng::new(14);
    let alphabet: Vec<char> = "ab =>|;&#'\"\\$\n中：-./".chars().collect();
    for case in 0..2000 {
        let mut words = vec!["echo".to_string()];
        for _ in 0..r.below(4) {
            let len = r.below(6) as usize;
            words.push(
                (0..len)
                    .map(|_| alphabet[r.below(alphabet.len() as u64) as usize])
                    .collect(),
            );
        }
        let action = Line::Redirected {
            node: (r.below(2) == 0).then(|| "node2".to_string()),
            words,
            redirect: mirrorscope::sim::ctl::block::Redirect {
                path: if r.below(2) == 0 {
                    "/etc/rabbitmq/rabbitmq.conf".into()
                } else {
                    "/tmp/a b".into()
                },
                append: r.below(2) == 0,
            },
        };
        let line = action.to_string();
        let steps = scenario::parse(&line)
            .unwrap_or_else(|e| panic!("case {case}: {line:?}: {}", e.message));
        assert_eq!(steps.len(), 1, "case {case}: {line:?}");
        assert_eq!(steps[0].action, action, "case {case}: {line:?}");
    }
}

#[test]
fn an_unknown_key_in_rabbitmq_conf_stops_the_start_where_it_was_typed() {
    let mut p = Player::new();
    let e = paste(
        &mut p,
        1,
        "echo 'net_tickitme = 30' >> /etc/rabbitmq/rabbitmq.conf\nsystemctl restart rabbitmq-server",
    );
    assert_eq!(e[0].exit_code, 0, "{e:?}");
    assert_eq!(e[1].exit_code, 1, "{e:?}");
    assert!(
        e[1].output.contains(
            "You've tried to set net_tickitme, but there is no setting with that name.\n  Did you mean one of these?\n    net_ticktime\n"
        ),
        "{}",
        e[1].output
    );
    assert!(e[1]
        .output
        .contains("  - Conf file attempted to set unknown variable: net_tickitme"));
    assert!(e[1].output.contains("BOOT FAILED"));
    assert_ne!(p.view().cluster.nodes[1].state, NodeState::Running);
    // A key of the schema the simulator does not model is taken, and the node starts.
    let e = paste(
        &mut p,
        1,
        "echo 'heartbeat = 600' > /etc/rabbitmq/rabbitmq.conf && systemctl start rabbitmq-server",
    );
    assert!(e.iter().all(|x| x.exit_code == 0), "{e:?}");
    assert_eq!(p.view().cluster.nodes[1].state, NodeState::Running);
}
