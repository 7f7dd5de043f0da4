//! The native command-line runner: `mirrorscope run`, `mirrorscope bench`, `mirrorscope lab`,
//! `--version`.

use std::io::Read;
use std::process::ExitCode;

use mirrorscope::lab::{self, Lab, LabParams};
use mirrorscope::sim::bench;
use mirrorscope::sim::scenario::{self, report};

const USAGE: &str = "usage:
  mirrorscope --version
  mirrorscope run [--seed N] [--json] [--trace] FILE|-
                                                 run a scenario (docs/scenario-format.md);
                                                 --trace also prints the event trace
  mirrorscope bench [--seconds S] [--memory-minutes M]
                                                 simulated events per second, 3 and 9 nodes;
                                                 the memory M minutes of steady load hold
  mirrorscope lab [--mirrors 0,1,2,3,4,all] [--size 1024] [--rate 200] [--publishers 2]
                  [--seconds 5] [--batch 1,64,4096] [--ticktime 10,60] [--json]
                  [--nodes 5] [--consumers 0] [--window 1] [--persistent false]
                  [--sync-messages 10000] [--seed 1] [--latency 1ms] [--client-latency 500us]
                  [--fsync 2ms] [--op-cost 20us] [--frame-overhead 100] [--bandwidth 0]
                  [--scenario N]
                                                 the cost of mirroring (docs/lab.md): the
                                                 figures by mirror count beside seed 004 §6's;
                                                 --scenario N prints cell N's scenario";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--version") | Some("-V") => {
            println!(
                "mirrorscope {} (simulating RabbitMQ 3.10)",
                env!("CARGO_PKG_VERSION")
            );
            ExitCode::SUCCESS
        }
        Some("run") => run(&args[1..]),
        Some("bench") => bench_cmd(&args[1..]),
        Some("lab") => lab_cmd(&args[1..]),
        Some("--help") | Some("-h") | Some("help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(64)
        }
    }
}

fn run(args: &[String]) -> ExitCode {
    let mut seed = None;
    let mut json = false;
    let mut trace = false;
    let mut file = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--json" => json = true,
            "--trace" => trace = true,
            "--seed" => {
                i += 1;
                match args.get(i).and_then(|s| s.parse().ok()) {
                    Some(s) => seed = Some(s),
                    None => {
                        eprintln!("mirrorscope run: --seed needs a whole number");
                        return ExitCode::from(64);
                    }
                }
            }
            f if file.is_none() => file = Some(f.to_string()),
            other => {
                eprintln!("mirrorscope run: unexpected argument '{other}'\n{USAGE}");
                return ExitCode::from(64);
            }
        }
        i += 1;
    }
    let Some(file) = file else {
        eprintln!("{USAGE}");
        return ExitCode::from(64);
    };
    let text = if file == "-" {
        let mut s = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut s) {
            eprintln!("mirrorscope run: cannot read standard input: {e}");
            return ExitCode::from(66);
        }
        s
    } else {
        match std::fs::read_to_string(&file) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("mirrorscope run: cannot read {file}: {e}");
                return ExitCode::from(66);
            }
        }
    };
    let run = match scenario::run_text(&text, seed) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{file}:{}: {}", e.line, e.message);
            return ExitCode::from(2);
        }
    };
    if json {
        println!("{}", report::to_json(&run));
    } else {
        print!("{}", report::to_text(&run));
    }
    if trace {
        println!("\n=== trace ({} events)", run.sim.trace.len());
        for e in &run.sim.trace {
            println!("{e}");
        }
    }
    if run.all_passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn bench_cmd(args: &[String]) -> ExitCode {
    let mut seconds = 2.0;
    let mut minutes = 0u32;
    let mut rest = args;
    while let [flag, v, tail @ ..] = rest {
        match flag.as_str() {
            "--seconds" => match v.parse::<f64>() {
                Ok(s) if s > 0.0 && s <= 3600.0 => seconds = s,
                _ => {
                    eprintln!("mirrorscope bench: --seconds needs a number above 0, at most 3600");
                    return ExitCode::from(64);
                }
            },
            "--memory-minutes" => {
                match v.parse::<u32>() {
                    Ok(m) if m <= 600 => minutes = m,
                    _ => {
                        eprintln!("mirrorscope bench: --memory-minutes needs a whole number from 0 to 600");
                        return ExitCode::from(64);
                    }
                }
            }
            _ => break,
        }
        rest = tail;
    }
    if !rest.is_empty() {
        eprintln!("{USAGE}");
        return ExitCode::from(64);
    }
    for nodes in [3, 9] {
        let origin = std::time::Instant::now();
        let r = bench::steady_load_with(nodes, seconds, &|| origin.elapsed().as_secs_f64());
        println!(
            "{} nodes, ha-mode all: {} events, {} messages in {:.2} s simulated {:.1} s -> {:.0} events/s, {:.0} messages/s",
            nodes, r.events, r.messages, r.wall_seconds, r.simulated_seconds, r.events as f64 / r.wall_seconds, r.messages as f64 / r.wall_seconds
        );
        let origin = std::time::Instant::now();
        let ceiling = bench::agenda_ceiling(r.events, &|| origin.elapsed().as_secs_f64());
        println!(
            "{nodes} nodes, ceiling: the bare event queue doing the same {} pushes and pops -> {ceiling:.0} events/s (the simulator runs at {:.0} % of it; target 2000000 events/s)",
            r.events,
            100.0 * r.events as f64 / r.wall_seconds / ceiling
        );
    }
    if minutes > 0 {
        let r = bench::memory_of_steady_load(minutes, &heap::live);
        let mb = |b: usize| b as f64 / (1024.0 * 1024.0);
        println!(
            "memory, steady load (5 nodes, ha-mode all, 20 publishes/s) for {:.1} simulated minutes: {} trace entries ({} held); session {:.1} MB ({:.1} MB of it the trace; {:.0} B per entry, {:.2} MB per simulated minute); after scrubbing back (checkpoints + past on display) {:.1} MB; peak {:.1} MB; target under 64 MB for an hour",
            r.simulated_minutes,
            r.trace_entries,
            r.held_entries,
            mb(r.session_bytes),
            mb(r.trace_bytes),
            r.session_bytes as f64 / r.trace_entries.max(1) as f64,
            mb(r.session_bytes) / r.simulated_minutes.max(1e-9),
            mb(r.scrubbed_bytes),
            mb(heap::peak()),
        );
    }
    ExitCode::SUCCESS
}

/// A heap counter for `bench`'s memory figure: the system allocator, counting the bytes live
/// and the most that were.
mod heap {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

    struct Counting;

    static LIVE: AtomicUsize = AtomicUsize::new(0);
    static PEAK: AtomicUsize = AtomicUsize::new(0);

    #[global_allocator]
    static ALLOC: Counting = Counting;

    fn grew(by: usize) {
        let now = LIVE.fetch_add(by, Relaxed) + by;
        PEAK.fetch_max(now, Relaxed);
    }

    // SAFETY: every call is passed on to the system allocator unchanged; only counts are kept.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, l: Layout) -> *mut u8 {
            grew(l.size());
            unsafe { System.alloc(l) }
        }
        unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
            grew(l.size());
            unsafe { System.alloc_zeroed(l) }
        }
        unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
            LIVE.fetch_sub(l.size(), Relaxed);
            unsafe { System.dealloc(p, l) }
        }
        unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
            if new >= l.size() {
                grew(new - l.size());
            } else {
                LIVE.fetch_sub(l.size() - new, Relaxed);
            }
            unsafe { System.realloc(p, l, new) }
        }
    }

    /// Bytes allocated and not yet freed.
    pub fn live() -> usize {
        LIVE.load(Relaxed)
    }

    /// The most bytes that were live at once.
    pub fn peak() -> usize {
        PEAK.load(Relaxed)
    }
}

fn lab_cmd(args: &[String]) -> ExitCode {
    let mut params = LabParams::default();
    let mut json = false;
    let mut scenario_of = None;
    let mut i = 0;
    while i < args.len() {
        let flag = args[i].as_str();
        if flag == "--json" {
            json = true;
            i += 1;
            continue;
        }
        let name = flag.strip_prefix("--").unwrap_or("");
        if !lab::params::PARAM_NAMES.contains(&name) {
            eprintln!("mirrorscope lab: unexpected argument '{flag}'\n{USAGE}");
            return ExitCode::from(64);
        }
        let Some(value) = args.get(i + 1) else {
            eprintln!("mirrorscope lab: {flag} needs a value");
            return ExitCode::from(64);
        };
        let set = if name == "scenario" {
            lab::params::parse_num::<usize>("scenario", value).map(|n| scenario_of = Some(n))
        } else {
            params.set(name, value)
        };
        if let Err(e) = set {
            eprintln!("mirrorscope lab: {e}");
            return ExitCode::from(64);
        }
        i += 2;
    }
    let mut lab = match Lab::new(params) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("mirrorscope lab: {e}");
            return ExitCode::from(64);
        }
    };
    if let Some(n) = scenario_of {
        return match lab.scenario(n) {
            Some(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            None => {
                eprintln!(
                    "mirrorscope lab: --scenario {n}: the cells are numbered 0 to {}",
                    lab.cells().len() - 1
                );
                ExitCode::from(64)
            }
        };
    }
    while !lab.work(1_000_000) {}
    if json {
        let report = lab::report::JsonReport {
            params: lab.params(),
            results: lab.results(),
            compared: lab::report::compare(lab.results()),
        };
        match serde_json::to_string_pretty(&report) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("mirrorscope lab: {e}");
                return ExitCode::from(70);
            }
        }
    } else {
        print!("{}", lab::report::text(lab.params(), lab.results()));
        for (n, cell) in lab.cells().iter().enumerate() {
            println!("cell {n}: {cell:?} (mirrorscope lab ... --scenario {n})");
        }
    }
    if lab.results().errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
