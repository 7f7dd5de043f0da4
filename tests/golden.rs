//! Golden text tests for what `rabbitmqctl` and `systemctl` print, in the data-driven style of
//! raft-rs (and CockroachDB before it). Each `tests/golden/*.txt` file is a sequence of blocks:
//!
//! ```text
//! # comments and blank lines between blocks are kept as they are
//! cluster nodes=3
//! rabbitmqctl set_policy ha "^q" '{"ha-mode":"all"}'
//! ----
//! Setting policy "ha" for pattern "^q" to "{"ha-mode":"all"}" with priority "0" for vhost "/" ...
//! exit 0
//! ```
//!
//! Above `----` is a scenario (docs/scenario-format.md) run from scratch; below it, for each
//! command it ran (and each other line that failed), its exact output and then `exit N`.
//! The outputs are the simulator's, checked against a real RabbitMQ 3.10.8 cluster. An
//! output with blank lines in it goes between `----`/`----` and `----`/`----` lines instead,
//! as in raft-rs. A difference fails the test with a diff; `REWRITE=1 cargo test --test golden`
//! writes the current outputs into the files instead.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use mirrorscope::sim::scenario::{self, Action};

/// One block of a golden file: the scenario above `----` and the output below it.
struct Block {
    /// 1-based line of the block's first input line, for messages.
    line: usize,
    input: Vec<String>,
    expected: String,
}

/// A golden file as pieces: text between blocks (kept verbatim on rewrite) and blocks.
enum Piece {
    Text(String),
    Block(Block),
}

fn parse_file(path: &Path, text: &str) -> Vec<Piece> {
    let lines: Vec<&str> = text.lines().collect();
    let mut pieces = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        if l.trim().is_empty() || l.starts_with('#') {
            pieces.push(Piece::Text(l.to_string()));
            i += 1;
            continue;
        }
        let start = i;
        let mut input = Vec::new();
        while i < lines.len() && lines[i] != "----" {
            input.push(lines[i].to_string());
            i += 1;
        }
        assert!(
            i < lines.len(),
            "{}:{}: a block needs a ---- line after its input",
            path.display(),
            start + 1
        );
        i += 1;
        let mut expected: Vec<&str> = Vec::new();
        if lines.get(i) == Some(&"----") {
            // The long form: until a ---- line followed by another.
            i += 1;
            while i < lines.len() && !(lines[i] == "----" && lines.get(i + 1) == Some(&"----")) {
                expected.push(lines[i]);
                i += 1;
            }
            assert!(
                i < lines.len(),
                "{}:{}: the output opened with ----/---- needs a closing ----/----",
                path.display(),
                start + 1
            );
            i += 2;
        } else {
            while i < lines.len() && !lines[i].is_empty() {
                expected.push(lines[i]);
                i += 1;
            }
        }
        let expected: String = expected.iter().map(|l| format!("{l}\n")).collect();
        pieces.push(Piece::Block(Block {
            line: start + 1,
            input,
            expected,
        }));
    }
    pieces
}

/// Runs a block's scenario and prints what its commands answered.
fn run_block(path: &Path, block: &Block) -> String {
    let text = block.input.join("\n");
    let steps = scenario::parse(&text).unwrap_or_else(|e| {
        panic!(
            "{}:{}: {}",
            path.display(),
            block.line + e.line - 1,
            e.message
        )
    });
    let run = scenario::run_steps(&steps, None);
    let mut out = String::new();
    for result in &run.steps {
        let is_command = steps
            .iter()
            .any(|st| st.line == result.line && matches!(st.action, Action::Command { .. }));
        // Other lines (clients, faults) set the scene: they show only when they fail.
        if !is_command && result.exit_code == 0 {
            continue;
        }
        // Printed as is, then a line break: an output that ends in one shows a blank line.
        if !result.output.is_empty() {
            out.push_str(&result.output);
            out.push('\n');
        }
        writeln!(out, "exit {}", result.exit_code).expect("writing to a String");
    }
    out
}

/// The block as it is written in a file, with `output` below the separator.
fn render(block: &Block, output: &str) -> String {
    let mut s = String::new();
    for l in &block.input {
        s.push_str(l);
        s.push('\n');
    }
    // A blank line would end the short form: such outputs take the long one.
    if output.lines().any(|l| l.is_empty()) || output.is_empty() {
        s.push_str("----\n----\n");
        s.push_str(output);
        s.push_str("----\n----\n");
    } else {
        s.push_str("----\n");
        s.push_str(output);
    }
    s
}

/// A line diff (longest common subsequence): ` ` kept, `-` expected only, `+` output only.
fn diff(expected: &str, got: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = got.lines().collect();
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = String::new();
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            writeln!(out, "  {}", a[i]).ok();
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            writeln!(out, "- {}", a[i]).ok();
            i += 1;
        } else {
            writeln!(out, "+ {}", b[j]).ok();
            j += 1;
        }
    }
    out
}

fn golden_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/golden")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("txt"))
        .collect();
    files.sort();
    files
}

#[test]
fn golden() {
    let rewrite = std::env::var_os("REWRITE").is_some();
    let files = golden_files();
    assert!(!files.is_empty(), "no tests/golden/*.txt");
    let mut failures = Vec::new();
    let mut blocks = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable");
        let mut rewritten = String::new();
        for piece in parse_file(path, &text) {
            match piece {
                Piece::Text(t) => {
                    rewritten.push_str(&t);
                    rewritten.push('\n');
                }
                Piece::Block(block) => {
                    blocks += 1;
                    let got = run_block(path, &block);
                    if got != block.expected {
                        failures.push(format!(
                            "{}:{}: output differs (- expected, + got):\n{}",
                            path.display(),
                            block.line,
                            diff(&block.expected, &got)
                        ));
                    }
                    rewritten.push_str(&render(&block, &got));
                }
            }
        }
        if rewrite && rewritten != text {
            std::fs::write(path, rewritten).expect("writable");
        }
    }
    assert!(blocks > 0, "the golden files hold no block");
    if !rewrite {
        assert!(
            failures.is_empty(),
            "{}\n(REWRITE=1 cargo test --test golden rewrites the expected outputs)",
            failures.join("\n")
        );
    }
}

#[test]
fn a_file_reads_back_as_it_is_written() {
    let path = Path::new("example.txt");
    let text = "# c\n\ncluster nodes=1\nrabbitmqctl list_vhosts\n----\nx\nexit 0\n\n\
                rabbitmqctl cluster_status\n----\n----\na\n\nb\n----\n----\n";
    let pieces = parse_file(path, text);
    let mut again = String::new();
    let mut expected = Vec::new();
    for piece in &pieces {
        match piece {
            Piece::Text(t) => {
                again.push_str(t);
                again.push('\n');
            }
            Piece::Block(b) => {
                again.push_str(&render(b, &b.expected));
                expected.push((b.line, b.expected.as_str()));
            }
        }
    }
    assert_eq!(again, text);
    assert_eq!(expected, [(3, "x\nexit 0\n"), (9, "a\n\nb\n")]);
    assert_eq!(diff("a\nb\nc\n", "a\nx\nc\n"), "  a\n- b\n+ x\n  c\n");
}
