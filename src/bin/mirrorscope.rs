//! The native command-line runner.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--version") | Some("-V") => {
            println!(
                "mirrorscope {} (simulating RabbitMQ 3.10)",
                env!("CARGO_PKG_VERSION")
            );
        }
        _ => {
            eprintln!("usage: mirrorscope --version");
            std::process::exit(64);
        }
    }
}
