//! Golden tests of the Python interpreter: every `tests/py/NAME.py` runs with the reference
//! host and what it prints — followed by the traceback of an uncaught exception, or the report
//! of a parse error — must equal `tests/py/NAME.out`.
//!
//! A fixture may start with `# down: host1 host2` to make those hosts refuse connections
//! ([`ReferenceHost::with_down`]). Every suspended call (a `time.sleep`) is answered at once with
//! `None`. `REWRITE=1 cargo test --test py_fixtures` rewrites the expected files from the
//! current behaviour (review the diff before committing it).

use std::path::{Path, PathBuf};

use mirrorscope::py::reference::ReferenceHost;
use mirrorscope::py::{Reply, RunOutcome, Value, Vm};

/// Instructions a fixture may run between two suspensions; a fixture that needs more is
/// reported rather than left spinning.
const BUDGET: u64 = 10_000_000;

/// The host a fixture asks for in its `# down:` header line.
fn host_for(source: &str) -> ReferenceHost {
    match source
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# down:"))
    {
        Some(hosts) => ReferenceHost::with_down(&hosts.split_whitespace().collect::<Vec<_>>()),
        None => ReferenceHost::new(),
    }
}

/// What a fixture shows: its output, then the report that ended it, if any.
fn transcript(source: &str) -> String {
    let mut host = host_for(source);
    let mut vm = match Vm::new(source) {
        Ok(vm) => vm,
        Err(e) => return format!("{}\n", e.report(source)),
    };
    loop {
        match vm.run(&mut host, BUDGET) {
            RunOutcome::Suspended(_) => vm
                .resume(Reply::Return(Value::None))
                .expect("a suspended VM accepts a reply"),
            RunOutcome::Finished => return host.output().to_string(),
            RunOutcome::Raised(u) => return format!("{}{}\n", host.output(), u.report),
            other => return format!("{}<stopped: {other:?}>\n", host.output()),
        }
    }
}

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/py");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    files.sort();
    files
}

#[test]
fn python_fixtures_print_what_their_out_files_say() {
    let rewrite = std::env::var_os("REWRITE").is_some();
    let files = fixtures();
    assert!(files.len() >= 25, "only {} fixtures found", files.len());
    let mut failures = Vec::new();
    for py in &files {
        let source =
            std::fs::read_to_string(py).unwrap_or_else(|e| panic!("{}: {e}", py.display()));
        let got = transcript(&source);
        let out = py.with_extension("out");
        if rewrite {
            std::fs::write(&out, &got).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
            continue;
        }
        let Ok(want) = std::fs::read_to_string(&out) else {
            failures.push(format!("{}: no expected output file", out.display()));
            continue;
        };
        if got != want {
            failures.push(format!(
                "{}:\n--- expected\n{want}--- got\n{got}",
                py.file_name().unwrap_or_default().to_string_lossy()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures differ (REWRITE=1 regenerates them):\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
