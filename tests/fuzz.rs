//! Fuzzing in the test tier (issue 15): seeded generators of mutated and grammar-made inputs —
//! scenarios, console lines, policy definitions, PCRE patterns, Python scripts and share links —
//! each run on a watched thread and checked for no panic, a bounded run and determinism (the
//! same input twice gives the identical trace and output). A fixed number of inputs per class
//! (times `MIRRORSCOPE_FUZZ=N`), stopping early at a generous time budget; every input that ever
//! failed is kept under `tests/fuzz/corpus/CLASS/` and replayed by `corpus_cases_still_pass`.
//! See docs/fuzzing.md.

#[path = "fuzz/grammar.rs"]
mod grammar;
#[path = "fuzz/harness.rs"]
mod harness;
#[path = "fuzz/mutate.rs"]
mod mutate;
#[path = "fuzz/targets.rs"]
mod targets;

use std::time::Duration;

use harness::{campaign, corpus_files, run_one, Class};
use mirrorscope::rng::Rng;
use mirrorscope::sim::time::parse_duration;

const SCENARIO: Class = Class {
    name: "scenario",
    ext: "scn",
    check: targets::scenario,
};
const CONSOLE: Class = Class {
    name: "console",
    ext: "txt",
    check: targets::console,
};
const POLICY_JSON: Class = Class {
    name: "policy_json",
    ext: "json",
    check: targets::policy_json,
};
const REGEX: Class = Class {
    name: "regex",
    ext: "re",
    check: targets::regex,
};
const PYTHON: Class = Class {
    name: "python",
    ext: "py",
    check: targets::python,
};
#[cfg(feature = "web")]
const SHARE_LINK: Class = Class {
    name: "share_link",
    ext: "txt",
    check: targets::share_link,
};

/// Each class stops taking new inputs after this long (times `MIRRORSCOPE_FUZZ`): a loaded
/// machine gets through fewer inputs instead of a slower test.
const BUDGET: Duration = Duration::from_secs(9);

fn rng(seed: u64, i: usize) -> Rng {
    Rng::new(seed.wrapping_add((i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)))
}

/// Keeps generated inputs small (publishes per line, PCRE repetition counts, the simulated time
/// a Python script may run, sleeps and timeouts not below a millisecond), so the tier's time
/// goes to variety rather than to a few inputs at the playground's limits: those limits are
/// held by the `known-*` corpus cases below and by tests/limits.rs.
fn clear_of_known(s: &str) -> String {
    let mut s = mutate::cap_after(s, "count=", 1000);
    s = mutate::cap_after(&s, "{", 100);
    s = mutate::cap_after(&s, ",", 100);
    if s.contains("python") || s.contains("sleep") || s.contains("timeout") {
        for key in [
            "sleep(",
            "timeout=",
            "time_limit=",
            "retry_delay=",
            "sleep(-",
        ] {
            s = floor_after(&s, key, 0.001);
        }
        s = s
            .split('\n')
            .map(|l| match l.strip_prefix("wait ") {
                Some(d) if parse_duration(d.trim()).is_ok_and(|t| t.0 > 10_000_000) => {
                    "wait 10s".to_string()
                }
                _ => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n");
    }
    s
}

/// Comments out set-up lines (`cluster`, `seed`, `config`) after the first other line, which the
/// parser refuses (`known-late-setup-line.scn`), so that more generated inputs reach the
/// simulator.
fn setup_first(s: &str) -> String {
    let mut started = false;
    s.split('\n')
        .map(|l| {
            let t = l.trim_start();
            let setup = ["cluster", "seed", "config"]
                .iter()
                .any(|w| t.split_whitespace().next() == Some(w));
            if setup && started {
                format!("# {l}")
            } else {
                started |= !setup && !t.is_empty() && !t.starts_with('#');
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Raises every number right after `key` that is below `min` to `min`.
fn floor_after(s: &str, key: &str, min: f64) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(key) {
        out.push_str(&rest[..i + key.len()]);
        rest = &rest[i + key.len()..];
        let len = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.' || *b == b'e' || *b == b'-')
            .count();
        match rest[..len].parse::<f64>() {
            Ok(v) if v < min => out.push_str(&min.to_string()),
            _ => out.push_str(&rest[..len]),
        }
        rest = &rest[len..];
    }
    out.push_str(rest);
    out
}

fn gen_scenario(seed: u64, i: usize) -> String {
    let mut r = rng(seed, i);
    let text = if i.is_multiple_of(3) {
        grammar::scenario(&mut r)
    } else {
        let seeds = grammar::seed_files("tests/scenarios", "scn");
        let base = &seeds[r.below(seeds.len() as u64) as usize];
        mutate::mutate(base, &mut r, &mut grammar::scenario_line)
    };
    setup_first(&clear_of_known(&text))
}

fn gen_console(seed: u64, i: usize) -> String {
    let mut r = rng(seed, i);
    let seeds = grammar::seed_console_lines();
    let mut text = String::new();
    for _ in 0..=r.below(3) {
        let line = match r.below(3) {
            0 => grammar::console_line(&mut r),
            1 => mutate::mutate(
                &seeds[r.below(seeds.len() as u64) as usize],
                &mut r,
                &mut grammar::console_line,
            ),
            _ => {
                let l = grammar::console_line(&mut r);
                mutate::mutate(&l, &mut r, &mut grammar::console_line)
            }
        };
        text += &format!(
            "--- node{}\n{line}\n",
            [1, 1, 2, 3, 0, 7][r.below(6) as usize]
        );
    }
    clear_of_known(&text)
}

fn gen_policy_json(seed: u64, i: usize) -> String {
    let mut r = rng(seed, i);
    let text = match i % 4 {
        0 => grammar::policy_json(&mut r),
        1 if i % 8 == 1 => grammar::json_value(&mut r, 4),
        1 => grammar::valid_policy(&mut r),
        _ => {
            let base = grammar::policy_json(&mut r);
            mutate::mutate(&base, &mut r, &mut |r| grammar::json_value(r, 2))
        }
    };
    clear_of_known(&text)
}

fn gen_regex(seed: u64, i: usize) -> String {
    let mut r = rng(seed, i);
    let base = grammar::regex(&mut r, 2);
    let text = if i.is_multiple_of(2) {
        base
    } else {
        mutate::mutate(&base, &mut r, &mut |r| grammar::regex(r, 1))
    };
    clear_of_known(&text)
}

fn gen_python(seed: u64, i: usize) -> String {
    let mut r = rng(seed, i);
    let text = match i % 5 {
        0 => grammar::python_snippet(&mut r),
        1 => grammar::pika_script(&mut r),
        2 => {
            let seeds = grammar::seed_files("tests/py", "py");
            let base = &seeds[r.below(seeds.len() as u64) as usize];
            mutate::mutate(base, &mut r, &mut grammar::python_snippet)
        }
        3 => {
            let seeds = grammar::seed_pika_scripts();
            let base = &seeds[r.below(seeds.len() as u64) as usize];
            mutate::mutate(base, &mut r, &mut grammar::pika_script)
        }
        _ => {
            let base = grammar::pika_script(&mut r);
            mutate::mutate(&base, &mut r, &mut grammar::python_snippet)
        }
    };
    clear_of_known(&text)
}

#[cfg(feature = "web")]
fn gen_share_link(seed: u64, i: usize) -> String {
    use mirrorscope::sim::time::Micros;
    use mirrorscope::ui::share;
    let mut r = rng(seed, i);
    let scenario = if i.is_multiple_of(2) {
        grammar::scenario(&mut r)
    } else {
        let seeds = grammar::seed_files("tests/scenarios", "scn");
        seeds[r.below(seeds.len() as u64) as usize].clone()
    };
    let scenario = if r.below(2) == 0 {
        setup_first(&clear_of_known(&mutate::mutate(
            &scenario,
            &mut r,
            &mut grammar::scenario_line,
        )))
    } else {
        scenario
    };
    let at = [0, 1_000, 1_000_000, 600_000_000, u64::MAX / 2, u64::MAX][r.below(6) as usize];
    let mut hash = share::hash_for(&scenario, Micros(at));
    if r.below(2) == 0 {
        hash = mutate::mutate(&hash, &mut r, &mut |_| "&s=".to_string());
    }
    // A session with a script is shown at most 10 s in (the scripts' unbounded time is the
    // bounds work's): re-encode it with the moment capped.
    if let Some(Ok((text, Some(t)))) = share::parse_hash(&hash) {
        let capped = clear_of_known(&text);
        if text.contains("python") && t.0 > 10_000_000 || capped != text {
            hash = share::hash_for(&capped, Micros(t.0.min(10_000_000)));
        }
    }
    hash
}

fn assert_clean(tally: harness::Tally) {
    assert!(
        tally.failures.is_empty(),
        "{} failing input(s):\n{}",
        tally.failures.len(),
        tally.failures.join("\n\n")
    );
}

#[test]
fn fuzz_scenarios() {
    assert_clean(campaign(&SCENARIO, 150, BUDGET, gen_scenario));
}

#[test]
fn fuzz_console_lines() {
    assert_clean(campaign(&CONSOLE, 150, BUDGET, gen_console));
}

#[test]
fn fuzz_policy_json() {
    assert_clean(campaign(&POLICY_JSON, 300, BUDGET, gen_policy_json));
}

#[test]
fn fuzz_regexes() {
    assert_clean(campaign(&REGEX, 300, BUDGET, gen_regex));
}

#[test]
fn fuzz_python_scripts() {
    assert_clean(campaign(&PYTHON, 200, BUDGET, gen_python));
}

#[cfg(feature = "web")]
#[test]
fn fuzz_share_links() {
    assert_clean(campaign(&SHARE_LINK, 200, BUDGET, gen_share_link));
}

fn classes() -> Vec<&'static Class> {
    #[cfg(not(feature = "web"))]
    return vec![&SCENARIO, &CONSOLE, &POLICY_JSON, &REGEX, &PYTHON];
    #[cfg(feature = "web")]
    return vec![
        &SCENARIO,
        &CONSOLE,
        &POLICY_JSON,
        &REGEX,
        &PYTHON,
        &SHARE_LINK,
    ];
}

/// Every input the generator ever found (and every hand-written case) passes now.
#[test]
fn corpus_cases_still_pass() {
    let mut failures = Vec::new();
    let mut n = 0;
    for class in classes() {
        for path in corpus_files(class) {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            n += 1;
            if let Err(symptom) = run_one(class, &text) {
                failures.push(format!("{}: {symptom}", path.display()));
            }
        }
    }
    println!("fuzz corpus: {n} cases replayed");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A `known-*` case: an input class being fixed elsewhere in issue 15.
fn known(class: &Class, file: &str) -> String {
    let path = harness::corpus_dir(class.name).join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if let Err(symptom) = run_one(class, &text) {
        panic!("{}: {symptom}", path.display());
    }
    text
}

/// A known scenario case whose `expect` lines say what the fixed simulator answers.
fn known_with_expectations(file: &str) {
    let text = known(&SCENARIO, file);
    let run = mirrorscope::sim::scenario::run_text(&text, None).expect("the case parses");
    assert!(
        run.all_passed(),
        "{file}:\n{}",
        mirrorscope::sim::scenario::report::to_text(&run)
    );
}

/// A known scenario case the parser must refuse, naming the limit.
fn refused_at_parse(file: &str, words: &str) {
    known(&SCENARIO, file);
    let path = harness::corpus_dir("scenario").join(file);
    let text = std::fs::read_to_string(&path).expect("the case exists");
    match mirrorscope::sim::scenario::parse(&text) {
        Ok(_) => panic!("{}: must be refused at parse time", path.display()),
        Err(e) => assert!(
            e.message.contains(words),
            "{}: the message must name the limit ({words}): {}",
            path.display(),
            e.message
        ),
    }
}

#[test]
fn known_count_unbounded() {
    refused_at_parse(
        "known-count-unbounded.scn",
        "at most 10,000 publishes per line",
    );
}

#[test]
fn known_long_queue_name() {
    refused_at_parse("known-long-queue-name.scn", "at most 255 bytes");
}

#[test]
fn known_cluster_ten_names() {
    let path = harness::corpus_dir("scenario").join("known-cluster-ten-names.scn");
    let text = std::fs::read_to_string(&path).expect("the case exists");
    assert!(
        mirrorscope::sim::scenario::parse(&text).is_err(),
        "{}: ten names must fail at parse time, as nodes=10 does",
        path.display()
    );
}

#[test]
fn known_catastrophic_pattern() {
    known(&SCENARIO, "known-catastrophic-pattern.scn");
}

#[test]
fn known_python_budget_resets_at_sleep() {
    known(&PYTHON, "known-budget-resets-at-sleep.py");
}

#[test]
fn known_python_microsecond_sleeps() {
    known(&PYTHON, "known-microsecond-sleeps.py");
}

#[test]
fn known_python_microsecond_consume() {
    known(&PYTHON, "known-microsecond-consume.py");
}

#[test]
fn known_python_reconnect_loop() {
    known_with_expectations("known-reconnect-loop.scn");
}

#[test]
fn known_python_total_memory() {
    known(&PYTHON, "known-total-memory.py");
}

#[test]
fn known_python_huge_star_args() {
    known(&PYTHON, "known-huge-star-args.py");
}

#[test]
fn known_late_setup_line_is_shared_as_setup() {
    refused_at_parse(
        "known-late-setup-line.scn",
        "must come before everything else",
    );
    refused_at_parse(
        "known-late-setup-line-found.scn",
        "must come before everything else",
    );
}
