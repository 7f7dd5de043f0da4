//! `wasm-defer IN.wasm PRIMARY.wasm SECONDARY.wasm [--keep NAME]… [--keep-names]`: splits the
//! app's shipped wasm (see lib.rs) and prints what moved. `wasm-defer --instrument IN OUT`
//! writes the whole module instrumented to record which functions run (coverage.rs).

use std::process::ExitCode;

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, input, output] = argv.as_slice() {
        if flag == "--instrument" {
            return instrument(input, output);
        }
    }
    let mut files = Vec::new();
    let mut opts = wasm_defer::Options::app();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--keep" => opts.keep.extend(args.next()),
            "--keep-names" => opts.keep_names = true,
            "--data-map" => {
                let (Some(map), Some(linked)) = (args.next(), args.next()) else {
                    eprintln!("wasm-defer: --data-map needs the linker's map and the linked wasm");
                    return ExitCode::from(2);
                };
                let read = || -> Result<_, String> {
                    let text = std::fs::read_to_string(&map).map_err(|e| format!("{map}: {e}"))?;
                    let bytes = std::fs::read(&linked).map_err(|e| format!("{linked}: {e}"))?;
                    Ok((
                        wasm_defer::data::read_map(&text).map_err(|e| format!("{map}: {e}"))?,
                        bytes,
                    ))
                };
                match read() {
                    Ok(d) => opts.data.push(d),
                    Err(e) => {
                        eprintln!("wasm-defer: {e}");
                        return ExitCode::from(2);
                    }
                }
            }
            "--cold" => {
                let Some(path) = args.next() else {
                    eprintln!("wasm-defer: --cold needs a file");
                    return ExitCode::from(2);
                };
                match std::fs::read_to_string(&path) {
                    Ok(text) => opts.cold.extend(
                        text.lines()
                            .filter(|l| !l.is_empty() && !l.starts_with('#'))
                            .map(String::from),
                    ),
                    Err(e) => {
                        eprintln!("wasm-defer: {path}: {e}");
                        return ExitCode::from(2);
                    }
                }
            }
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
                .chain([
                    format!(
                        "run by no first screen {}",
                        s.per_part[wasm_defer::parts::DEFERRED.len()]
                    ),
                    format!(
                        "called only from those {}",
                        s.per_part[wasm_defer::parts::DEFERRED.len() + 1]
                    ),
                ])
                .collect();
            println!(
                "wasm-defer: moved {} functions ({}), {} reached from the first module through stubs, {} small ones of it copied, {} B of read-only data; first {} B, second {} B",
                s.moved,
                parts.join(", "),
                s.stubbed,
                s.copied,
                s.data_moved,
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

/// `wasm-defer --instrument IN.wasm OUT.wasm`: the whole module, recording which functions run
/// (coverage.rs).
fn instrument(input: &str, output: &str) -> ExitCode {
    let run = || -> Result<(), String> {
        let bytes = std::fs::read(input).map_err(|e| format!("{input}: {e}"))?;
        let out = wasm_defer::coverage::instrument(&bytes)?;
        std::fs::write(output, out).map_err(|e| format!("{output}: {e}"))
    };
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wasm-defer: {e}");
            ExitCode::FAILURE
        }
    }
}
