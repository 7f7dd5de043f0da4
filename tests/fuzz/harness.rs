//! Runs one fuzz input under watch: on its own thread, so that a panic is caught and reported
//! with the input, and a hang or a runaway allocation is reported (with the input) instead of
//! freezing the test run. The wall-clock watchdog only reports; it never judges the speed of an
//! input that ends.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// An input that has not ended after this long is reported as a hang. Ordinary inputs take
/// milliseconds; this is generous so that a loaded machine never trips it.
const HANG_AFTER: Duration = Duration::from_secs(45);

/// Resident memory beyond which the run stops and reports the inputs in flight (the process
/// cannot take one thread's allocation back).
const MEMORY_LIMIT_BYTES: u64 = 3 << 30;

/// One class of inputs: where its corpus lives and how an input is checked.
pub struct Class {
    /// The folder under `tests/fuzz/corpus/` and the name in reports.
    pub name: &'static str,
    /// The extension of its corpus files.
    pub ext: &'static str,
    /// Runs the input: `Ok(true)` when it got past the parsers and ran, `Err` says which
    /// property failed (bounds, determinism). A panic is caught.
    pub check: fn(&str) -> Result<bool, String>,
}

/// Inputs being checked right now (classes run in parallel test threads), for the memory report.
static IN_FLIGHT: Mutex<Vec<(&'static str, String)>> = Mutex::new(Vec::new());

/// The corpus folder of a class.
pub fn corpus_dir(class: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz/corpus")
        .join(class)
}

/// FNV-1a, to name a found input by its content.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Keeps a failing input as a corpus case (`found-HASH.EXT`) so that the next run replays it,
/// and returns its path.
pub fn keep(class: &Class, input: &str) -> PathBuf {
    let dir = corpus_dir(class.name);
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("found-{:016x}.{}", fnv(input), class.ext));
    let _ = std::fs::write(&path, input);
    path
}

fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_string())
}

/// Checks one input; `Err` is the symptom (a panic, a failed property, a hang).
pub fn run_one(class: &Class, input: &str) -> Result<bool, String> {
    IN_FLIGHT
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push((class.name, input.to_string()));
    let result = watch(class, input);
    let mut flight = IN_FLIGHT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(i) = flight
        .iter()
        .position(|(c, s)| *c == class.name && s == input)
    {
        flight.remove(i);
    }
    result
}

fn watch(class: &Class, input: &str) -> Result<bool, String> {
    let (tx, rx) = mpsc::channel();
    let check = class.check;
    let owned = input.to_string();
    let worker = std::thread::Builder::new()
        .name(format!("fuzz-{}", class.name))
        .stack_size(64 << 20)
        .spawn(move || {
            let r = check(&owned);
            let _ = tx.send(r);
        })
        .expect("a worker thread starts");
    let started = Instant::now();
    loop {
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(r) => {
                let _ = worker.join();
                return r;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return match worker.join() {
                    Err(payload) => Err(format!("panicked: {}", panic_text(&*payload))),
                    Ok(()) => Err("the worker ended without an answer".to_string()),
                };
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if resident_bytes() > MEMORY_LIMIT_BYTES {
            // The allocation cannot be stopped: keep every input in flight, say so and end.
            let flight = IN_FLIGHT.lock().unwrap_or_else(|e| e.into_inner()).clone();
            for (c, text) in &flight {
                let ext = if *c == class.name { class.ext } else { "txt" };
                let path = keep(
                    &Class {
                        name: c,
                        ext,
                        check: class.check,
                    },
                    text,
                );
                eprintln!(
                    "fuzz: memory above {} GiB while checking {c} input {} ({text:?})",
                    MEMORY_LIMIT_BYTES >> 30,
                    path.display()
                );
            }
            std::process::exit(3);
        }
        if started.elapsed() > HANG_AFTER {
            // The worker is left running; the test fails and the process ends with it.
            return Err(format!(
                "did not end within {} s (a hang)",
                HANG_AFTER.as_secs()
            ));
        }
    }
}

/// How many times the default number of inputs to try (`MIRRORSCOPE_FUZZ=N`, default 1).
pub fn scale() -> usize {
    std::env::var("MIRRORSCOPE_FUZZ")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|&n: &usize| n > 0)
        .unwrap_or(1)
}

/// The base seed (`MIRRORSCOPE_FUZZ_SEED`, default fixed so that every run tries the same inputs).
pub fn base_seed() -> u64 {
    std::env::var("MIRRORSCOPE_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x15_F022)
}

/// What a generation run did, printed by the test.
pub struct Tally {
    pub tried: usize,
    /// Inputs that got past the parsers and ran.
    pub ran: usize,
    pub failures: Vec<String>,
    pub elapsed: Duration,
    pub stopped_early: bool,
    /// The longest one input took (a figure, never judged).
    pub slowest: Duration,
}

/// Tries `count × scale()` generated inputs (input `i` from `generate(seed, i)`), stopping early
/// (without failing) once `budget × scale()` has passed. Every failure is kept in the corpus.
pub fn campaign(
    class: &Class,
    count: usize,
    budget: Duration,
    generate: impl Fn(u64, usize) -> String,
) -> Tally {
    let n = count * scale();
    let budget = budget * scale() as u32;
    let seed = base_seed() ^ fnv(class.name);
    let started = Instant::now();
    let mut tally = Tally {
        tried: 0,
        ran: 0,
        failures: Vec::new(),
        elapsed: Duration::ZERO,
        stopped_early: false,
        slowest: Duration::ZERO,
    };
    for i in 0..n {
        if started.elapsed() > budget {
            tally.stopped_early = true;
            break;
        }
        let input = generate(seed, i);
        tally.tried += 1;
        let one = Instant::now();
        let result = run_one(class, &input);
        tally.slowest = tally.slowest.max(one.elapsed());
        match result {
            Ok(ran) => tally.ran += usize::from(ran),
            Err(symptom) => {
                let path = keep(class, &input);
                tally.failures.push(format!(
                    "{} input #{i} (kept as {}): {symptom}\n{input:?}",
                    class.name,
                    path.display()
                ));
                if symptom.contains("a hang") || tally.failures.len() >= 5 {
                    break;
                }
            }
        }
    }
    tally.elapsed = started.elapsed();
    println!(
        "fuzz {}: {} inputs ({} ran past the parsers) in {:.1} s (slowest {:.2} s){} (seed {:#x}), {} failing",
        class.name,
        tally.tried,
        tally.ran,
        tally.elapsed.as_secs_f64(),
        tally.slowest.as_secs_f64(),
        if tally.stopped_early {
            ", stopped at the time budget"
        } else {
            ""
        },
        seed,
        tally.failures.len()
    );
    tally
}

/// The corpus files of a class, sorted; `known-*` files (inputs of classes being fixed
/// elsewhere) are left to their own ignored tests.
pub fn corpus_files(class: &Class) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(corpus_dir(class.name))
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension().is_some_and(|x| x == class.ext)
                        && !p
                            .file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with("known-"))
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}
