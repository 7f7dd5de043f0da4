//! rabbitmqctl's argument handling, shared by every command: global options, arity, the target
//! node, and the banner a command prints before its result.

use crate::sim::ctl::format;
use crate::sim::ctl::output::{ArgError, CtlOutput, Refusal};
use crate::sim::engine::Sim;

/// Options that every command takes.
const GLOBAL_OPTS: &[&str] = &[
    "-n",
    "--node",
    "-q",
    "--quiet",
    "-t",
    "--timeout",
    "--longnames",
    "-l",
    "-s",
    "--silent",
];

/// Parsed `--switch value` options and positional arguments.
pub(super) struct Args {
    pub(super) node: Option<String>,
    pub(super) opts: Vec<(String, String)>,
    pub(super) pos: Vec<String>,
    pub(super) quiet: bool,
}

impl Args {
    pub(super) fn get(&self, names: &[&str]) -> Option<&str> {
        self.opts
            .iter()
            .rev()
            .find(|(k, _)| names.contains(&k.as_str()))
            .map(|(_, v)| v.as_str())
    }
}

/// Splits words after the command into options and positionals. `valued` are the command's
/// own switches that take a value; `flags` those that do not.
pub(super) fn parse_args(
    words: &[String],
    valued: &[&str],
    flags: &[&str],
) -> Result<Args, ArgError> {
    let mut a = Args {
        node: None,
        opts: Vec::new(),
        pos: Vec::new(),
        quiet: false,
    };
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if w.starts_with('-') && w.len() > 1 && w.parse::<f64>().is_err() {
            let (name, inline) = match w.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (w.clone(), None),
            };
            let takes_value = matches!(name.as_str(), "-n" | "--node" | "-t" | "--timeout")
                || valued.contains(&name.as_str());
            if takes_value {
                let v = match inline {
                    Some(v) => v,
                    None => {
                        i += 1;
                        match words.get(i) {
                            Some(v) => v.clone(),
                            None => {
                                return Err(ArgError::new(format!(
                                    "Error (argument validation): Invalid options for this command:\n{name} : Missing argument"
                                )))
                            }
                        }
                    }
                };
                if name == "-n" || name == "--node" {
                    a.node = Some(v);
                } else {
                    a.opts.push((name, v));
                }
            } else if name == "-q" || name == "--quiet" || name == "-s" || name == "--silent" {
                a.quiet = true;
            } else if GLOBAL_OPTS.contains(&name.as_str()) || flags.contains(&name.as_str()) {
                a.opts.push((name, "true".to_string()));
            } else {
                return Err(ArgError::new(format!(
                    "Error (argument validation): Invalid options for this command:\n{name} : unknown switch"
                )));
            }
        } else {
            a.pos.push(w.clone());
        }
        i += 1;
    }
    Ok(a)
}

pub(super) fn arity(cmd: &str, a: &Args, min: usize, max: usize) -> Result<(), ArgError> {
    let problem = if a.pos.len() < min {
        "not enough arguments."
    } else if a.pos.len() > max {
        "too many arguments."
    } else {
        return Ok(());
    };
    Err(ArgError {
        message: format!("Error (argument validation): {problem}"),
        usage: Some(format::usage(cmd)),
        exit_code: 64,
    })
}

/// The node the command talks to, which must have its VM up (and, for most commands, rabbit:
/// 3.10.8's `rabbit_is_running` validator refuses a stopped or paused app with a usage, exit 64).
pub(super) fn target(
    sim: &Sim,
    on_node: usize,
    a: &Args,
    need_app: bool,
) -> Result<usize, Refusal> {
    let n = match &a.node {
        Some(name) => match sim.cluster.resolve(name) {
            Ok(n) => n,
            Err(_) => return Err(format::unreachable(name).into()),
        },
        None => on_node,
    };
    if sim.halted[n] {
        return Err(format::unreachable(sim.node_name(n)).into());
    }
    if need_app && !sim.node_running(n) {
        return Err(ArgError::new(APP_MUST_RUN).into());
    }
    Ok(n)
}

/// `format_validation_error(:rabbit_app_is_stopped)`.
pub(super) const APP_MUST_RUN: &str = "Error: this command requires the 'rabbit' app to be running on the target node. Start it with 'rabbitmqctl start_app'.";

pub(super) fn with_banner(banner: &str, o: CtlOutput) -> CtlOutput {
    if banner.is_empty() {
        o
    } else {
        CtlOutput {
            output: format!("{banner}\n{}", o.output),
            exit_code: o.exit_code,
        }
    }
}
