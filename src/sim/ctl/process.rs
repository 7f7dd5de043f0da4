//! Signals sent to the node's Erlang VM from its shell (`pkill -9 beam.smp`, `killall beam.smp`,
//! `kill -9 $(pidof beam.smp)`): SIGKILL is a crash; SIGTERM is the clean shutdown RabbitMQ
//! (3.8+) performs on it, like `systemctl stop`.

use crate::sim::ctl::output::CtlOutput;
use crate::sim::engine::Sim;

/// Whether a word names the VM's process (`beam`, `beam.smp`, or a `pidof`/`pgrep` of it).
fn names_beam(w: &str) -> bool {
    w.contains("beam")
}

pub fn signal(sim: &mut Sim, on_node: usize, words: &[String]) -> CtlOutput {
    let cmd = words[0].as_str();
    let mut kill9 = false;
    let mut target = false;
    for w in &words[1..] {
        match w.as_str() {
            "-9" | "-KILL" | "-SIGKILL" | "--signal=KILL" | "-s9" => kill9 = true,
            "-15" | "-TERM" | "-SIGTERM" | "-f" => {}
            w if w.starts_with('-') => {
                return CtlOutput {
                    output: format!(
                        "{cmd}: the playground knows -9 (crash) and -15 (clean stop) for beam.smp, not {w}"
                    ),
                    exit_code: 2,
                }
            }
            w => target |= names_beam(w),
        }
    }
    if !target {
        return CtlOutput {
            output: format!(
                "{cmd}: the playground's shell can signal only the RabbitMQ VM: {cmd} -9 beam.smp (crash) or {cmd} beam.smp (clean stop)"
            ),
            exit_code: 1,
        };
    }
    // pkill and killall report "no process" with exit 1 when the VM is already gone.
    if sim.halted[on_node] {
        return CtlOutput {
            output: if cmd == "killall" {
                "beam.smp: no process found".to_string()
            } else {
                String::new()
            },
            exit_code: 1,
        };
    }
    if kill9 {
        let _ = sim.kill_node(on_node);
    } else {
        let _ = sim.stop_node_and_wait(on_node, true);
    }
    CtlOutput::ok("")
}
