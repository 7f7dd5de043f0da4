//! The native command-line runner: `mirrorscope run`, `mirrorscope bench`, `--version`.

use std::io::Read;
use std::process::ExitCode;

use mirrorscope::sim::bench;
use mirrorscope::sim::scenario::{self, report};

const USAGE: &str = "usage:
  mirrorscope --version
  mirrorscope run [--seed N] [--json] [--trace] FILE|-
                                                 run a scenario (docs/scenario-format.md);
                                                 --trace also prints the event trace
  mirrorscope bench [--seconds S]                simulated events per second, 3 and 9 nodes";

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
    let seconds = match args {
        [] => 2.0,
        [flag, v] if flag == "--seconds" => match v.parse::<f64>() {
            Ok(s) if s > 0.0 => s,
            _ => {
                eprintln!("mirrorscope bench: --seconds needs a positive number");
                return ExitCode::from(64);
            }
        },
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(64);
        }
    };
    for nodes in [3, 9] {
        let origin = std::time::Instant::now();
        let r = bench::steady_load_with(nodes, seconds, &|| origin.elapsed().as_secs_f64());
        println!(
            "{} nodes, ha-mode all: {} events, {} messages in {:.2} s simulated {:.1} s -> {:.0} events/s, {:.0} messages/s",
            nodes, r.events, r.messages, r.wall_seconds, r.simulated_seconds, r.events as f64 / r.wall_seconds, r.messages as f64 / r.wall_seconds
        );
    }
    ExitCode::SUCCESS
}
