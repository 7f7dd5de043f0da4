//! What each class of input goes through, and the properties checked: the run ends within its
//! work bound (events the simulator processed, instructions the interpreter ran) and the same
//! input twice gives the identical trace and output. A panic is caught by the harness.

use mirrorscope::erl::{json, re};
use mirrorscope::py::reference::ReferenceHost;
use mirrorscope::py::{Reply, RunOutcome, Value, Vm};
use mirrorscope::sim::ctl::shell;
use mirrorscope::sim::policy::definition::PolicyKind;
use mirrorscope::sim::policy::validate;
use mirrorscope::sim::scenario::player::{Action, Player};
use mirrorscope::sim::scenario::{self, report, Run, Session};
use mirrorscope::sim::time::Micros;
use mirrorscope::sim::Sim;

/// Events one input may make the simulator process. The generated inputs stay far below it
/// (at most 1,000 publishes per line, short waits); a run beyond it is reported as unbounded.
pub const MAX_EVENTS: u64 = 3_000_000;

/// Instructions one standalone Python run may execute in all (in slices of `PY_SLICE`).
const PY_SLICE: u64 = 200_000;
const PY_SLICES: u32 = 10;
/// Suspensions (sleeps, host calls) answered before a standalone run is left as it is.
const PY_RESUMES: u32 = 500;

/// Runs `f` twice and requires the same rendering; returns whether the input ran (the flag
/// `f` gives with its rendering).
fn twice(what: &str, f: impl Fn() -> Result<(bool, String), String>) -> Result<bool, String> {
    let (ran, a) = f()?;
    let (_, b) = f()?;
    if a != b {
        let at = a
            .lines()
            .zip(b.lines())
            .position(|(x, y)| x != y)
            .unwrap_or(a.lines().count().min(b.lines().count()));
        return Err(format!(
            "not deterministic: two runs of the same {what} differ at line {}: {:?} vs {:?}",
            at + 1,
            a.lines().nth(at).unwrap_or(""),
            b.lines().nth(at).unwrap_or("")
        ));
    }
    Ok(ran)
}

fn bounded(sim: &Sim) -> Result<(), String> {
    if sim.events_processed > MAX_EVENTS {
        return Err(format!(
            "unbounded: {} simulator events (the fuzz bound is {MAX_EVENTS})",
            sim.events_processed
        ));
    }
    Ok(())
}

fn render_sim(sim: &Sim) -> String {
    let mut out = format!("t={} events={}\n", sim.now(), sim.events_processed);
    for e in &sim.trace {
        out += &e.to_string();
        out.push('\n');
    }
    for w in &sim.warnings {
        out += w;
        out.push('\n');
    }
    out
}

fn render_run(run: &Run) -> Result<String, String> {
    bounded(&run.sim)?;
    Ok(report::to_text(run) + &render_sim(&run.sim))
}

fn render_player(p: &Player) -> Result<String, String> {
    bounded(&p.session.run.sim)?;
    let mut out = format!("cursor={} error={:?}\n", p.cursor, p.error);
    for c in &p.console {
        out += &format!(
            "{} {} $ {} -> {}\n{}\n",
            c.at, c.node, c.input, c.exit_code, c.output
        );
    }
    Ok(out + &render_run(&p.session.run)?)
}

/// A scenario file: parsed, and run when it parses.
pub fn scenario(text: &str) -> Result<bool, String> {
    twice("scenario", || match scenario::run_text(text, None) {
        Err(e) => Ok((false, format!("{}: {}", e.line, e.message))),
        Ok(run) => {
            let rendered = render_run(&run)?;
            replays_as_shared(text, &run.sim)?;
            Ok((true, rendered))
        }
    })
}

/// A scenario run live in a session (as the page runs it), and the text that session would share,
/// both give the trace the runner gave.
fn replays_as_shared(text: &str, sim: &Sim) -> Result<(), String> {
    let Ok(session) = Session::from_scenario(text) else {
        return Err("parses for the runner but not for a session".into());
    };
    let want = render_sim(sim);
    if render_sim(&session.run.sim) != want {
        return Err("a session's trace differs from the runner's".into());
    }
    let shared = session.to_scenario();
    match scenario::run_text(&shared, None) {
        Ok(run) if render_sim(&run.sim) == want => Ok(()),
        Ok(_) => Err(format!(
            "the session's share text runs to another trace:\n{shared}"
        )),
        Err(e) => Err(format!(
            "the session's share text does not parse ({}: {}):\n{shared}",
            e.line, e.message
        )),
    }
}

/// What the console inputs start from: a cluster with a policy, queues and messages.
const CONSOLE_SETUP: &str = "cluster nodes=3
seed 1
rabbitmqctl set_policy ha '^q' '{\"ha-mode\":\"exactly\",\"ha-params\":2,\"ha-sync-mode\":\"automatic\"}'
client app node=node1
app declare q1 durable
app declare q2 durable
app declare important.x
app confirm
app publish q1 \"m\" count=5 persistent
wait 100ms
";

fn player_with_setup() -> Player {
    let mut p = Player::new();
    p.apply(Action::Load(CONSOLE_SETUP.to_string()));
    assert!(p.error.is_none(), "the console set-up loads: {:?}", p.error);
    p
}

/// The console inputs of one case: `--- nodeN` starts the lines typed in node N's shell.
pub fn console_entries(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for l in text.split('\n') {
        if let Some(n) = l.strip_prefix("--- node") {
            let node = n.trim().parse::<usize>().unwrap_or(1).saturating_sub(1);
            out.push((node, String::new()));
        } else if let Some(last) = out.last_mut() {
            if !last.1.is_empty() {
                last.1.push('\n');
            }
            last.1.push_str(l);
        } else {
            out.push((0, l.to_string()));
        }
    }
    out
}

/// Console lines typed one after another, each followed by half a second of simulated time;
/// then the session's share text must replay to the identical trace, and seeking back to the
/// middle and forward again must show it too.
pub fn console(text: &str) -> Result<bool, String> {
    twice("console lines", || {
        let mut p = player_with_setup();
        for (node, line) in console_entries(text) {
            p.apply(Action::Console { node, line });
            let t = Micros(p.cursor.0 + 500_000);
            p.apply(Action::Seek(t));
        }
        let ran = p.console.iter().any(|c| c.exit_code == 0);
        let rendered = render_player(&p)?;
        let live = render_sim(&p.session.run.sim);
        let shared = p.session.to_scenario();
        let mut q = Player::new();
        q.apply(Action::Load(shared.clone()));
        q.apply(Action::Seek(p.session.now()));
        if q.error.is_some() || render_sim(&q.session.run.sim) != live {
            return Err(format!(
                "the session's share text does not replay to the same trace ({:?}):\n{shared}",
                q.error
            ));
        }
        let end = p.session.now();
        p.apply(Action::Seek(Micros(end.0 / 2)));
        p.apply(Action::Seek(end));
        if render_sim(p.view()) != live {
            return Err("seeking back to the middle and forward again shows another trace".into());
        }
        Ok((ran, rendered))
    })
}

/// A JSON text that jsx reads is read back the same from what it writes (RabbitMQ prints the
/// definition it stored, and the policy form sends it again).
fn json_round_trip(text: &str) -> Result<String, String> {
    let Ok(v) = json::parse(text) else {
        return Ok("not JSON\n".into());
    };
    let written = v.to_json_string();
    match json::parse(&written) {
        Ok(again) if again == v => Ok(format!("{written}\n")),
        Ok(again) => Err(format!(
            "JSON written back reads as another value: {written:?} reads as {again:?}, was {v:?}"
        )),
        Err(e) => Err(format!(
            "JSON written back does not read: {written:?}: {e:?}"
        )),
    }
}

/// A policy definition: validated as both kinds, then set on a live cluster.
pub fn policy_json(text: &str) -> Result<bool, String> {
    twice("policy definition", || {
        let mut out = json_round_trip(text)?;
        let mut ran = false;
        for kind in [PolicyKind::User, PolicyKind::Operator] {
            let set = validate::parse_set(kind, "p", "^q", text, "0", "all");
            ran |= set.is_ok();
            out += &format!("{:?}\n", set.map(|p| format!("{p:?}")));
        }
        let mut p = player_with_setup();
        p.apply(Action::Console {
            node: 0,
            line: format!("rabbitmqctl set_policy p '^q' {}", shell::quote(text)),
        });
        p.apply(Action::Seek(Micros(p.cursor.0 + 2_000_000)));
        Ok((ran, out + &render_player(&p)?))
    })
}

/// Names a pattern is tried on: ordinary, empty, at AMQP's length limit, non-ASCII, with a line
/// feed.
fn names() -> Vec<String> {
    vec![
        "q1".into(),
        "important.orders".into(),
        String::new(),
        "amq.gen-Xy".into(),
        "a".repeat(255),
        "ab".repeat(100) + "c",
        "é日本".into(),
        "line\nfeed\n".into(),
        "q é".into(),
    ]
}

/// A policy pattern: compiled as PCRE, matched against names, and given to `set_policy`.
pub fn regex(text: &str) -> Result<bool, String> {
    twice("pattern", || {
        let compiled = re::compile(text);
        let ran = compiled.is_ok();
        let mut out = match compiled {
            Err(e) => format!("{e:?}\n"),
            Ok(p) => names()
                .iter()
                .map(|n| format!("{} ", p.is_match(n)))
                .collect::<String>(),
        };
        out += &format!(
            "{:?}\n",
            validate::parse_set(
                PolicyKind::User,
                "p",
                text,
                "{\"ha-mode\":\"all\"}",
                "0",
                "queues"
            )
            .map(|p| format!("{p:?}"))
        );
        let mut p = player_with_setup();
        p.apply(Action::Console {
            node: 1,
            line: format!(
                "rabbitmqctl set_policy p {} '{{\"ha-mode\":\"all\"}}'",
                shell::quote(text)
            ),
        });
        Ok((ran, out + &render_player(&p)?))
    })
}

/// The standalone interpreter with the reference host: every suspension answered with `None`,
/// at most `PY_SLICES × PY_SLICE` instructions.
fn python_alone(src: &str) -> (bool, String) {
    let mut vm = match Vm::new(src) {
        Ok(vm) => vm,
        Err(e) => return (false, e.report(src)),
    };
    let mut host = ReferenceHost::new();
    let (mut slices, mut resumes) = (0, 0);
    let end = loop {
        match vm.run(&mut host, PY_SLICE) {
            RunOutcome::Suspended(_) if resumes < PY_RESUMES => {
                resumes += 1;
                if let Err(e) = vm.resume(Reply::Return(Value::None)) {
                    break format!("resume refused: {e:?}");
                }
            }
            RunOutcome::BudgetExhausted if slices < PY_SLICES => slices += 1,
            RunOutcome::Raised(u) => break u.report,
            other => break format!("{other:?}"),
        }
    };
    (true, format!("{}\n--- {end}\n", host.output()))
}

/// A Python script: alone in the interpreter, then as a pika client in a cluster for a few
/// simulated seconds.
pub fn python(text: &str) -> Result<bool, String> {
    twice("script", || {
        let (ran, alone) = python_alone(text);
        let scn = format!(
            "cluster nodes=3\nclient app node=node1\napp declare q1 durable\npython app <<FUZZ_END\n{text}\nFUZZ_END\nwait 3s\n"
        );
        let sim = match scenario::run_text(&scn, None) {
            Err(e) => format!("{}: {}", e.line, e.message),
            Ok(run) => render_run(&run)?,
        };
        Ok((ran, alone + &sim))
    })
}

/// A share link's hash: decoded as the page decodes it, loaded, and shown at its moment.
#[cfg(feature = "web")]
pub fn share_link(text: &str) -> Result<bool, String> {
    use mirrorscope::ui::share;
    twice("share link", || {
        let Some(parsed) = share::parse_hash(text) else {
            return Ok((false, "no session".to_string()));
        };
        let (scenario, at) = match parsed {
            Err(e) => return Ok((false, e)),
            Ok(v) => v,
        };
        let again = share::hash_for(&scenario, at.unwrap_or(Micros::ZERO));
        if share::parse_hash(&again)
            != Some(Ok((scenario.clone(), Some(at.unwrap_or(Micros::ZERO)))))
        {
            return Err(format!(
                "the link written again ({again}) reads as another session"
            ));
        }
        let mut p = Player::new();
        p.apply(Action::Load(scenario));
        let ran = p.error.is_none();
        if ran {
            if let Some(t) = at {
                p.apply(Action::Seek(t));
            }
        }
        Ok((ran, render_player(&p)?))
    })
}
