//! `wasm-defer IN.wasm PRIMARY.wasm SECONDARY.wasm [--keep NAME]… [--keep-names]`: splits the
//! app's shipped wasm (see lib.rs) and prints what moved.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut files = Vec::new();
    let mut opts = wasm_defer::Options::app();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--keep" => opts.keep.extend(args.next()),
            "--keep-names" => opts.keep_names = true,
            "--trace" => opts.trace = true,
            "--copy-max" => opts.copy_max = args.next().and_then(|n| n.parse().ok()).unwrap_or(0),
            "--loader" => opts.loader_export = args.next().unwrap_or_default(),
            _ => files.push(a),
        }
    }
    let [input, primary, secondary] = files.as_slice() else {
        eprintln!("usage: wasm-defer IN.wasm PRIMARY.wasm SECONDARY.wasm [--keep NAME]... [--keep-names] [--loader EXPORT]");
        return ExitCode::from(2);
    };
    let run = || -> Result<wasm_defer::Split, String> {
        let bytes = std::fs::read(input).map_err(|e| format!("{input}: {e}"))?;
        let split = wasm_defer::split(&bytes, &opts)?;
        std::fs::write(primary, &split.primary).map_err(|e| format!("{primary}: {e}"))?;
        std::fs::write(secondary, &split.secondary).map_err(|e| format!("{secondary}: {e}"))?;
        Ok(split)
    };
    match run() {
        Ok(s) => {
            let parts: Vec<String> = wasm_defer::parts::DEFERRED
                .iter()
                .enumerate()
                .map(|(i, p)| format!("{} {}", p.join("::"), s.per_part[i]))
                .chain([format!(
                    "called only from those {}",
                    s.per_part[wasm_defer::parts::DEFERRED.len()]
                )])
                .collect();
            println!(
                "wasm-defer: moved {} functions ({}), {} reached from the first module through stubs, {} small ones of it copied; first {} B, second {} B",
                s.moved,
                parts.join(", "),
                s.stubbed,
                s.copied,
                s.primary.len(),
                s.secondary.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("wasm-defer: {e}");
            ExitCode::FAILURE
        }
    }
}
