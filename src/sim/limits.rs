//! Every bound on what a learner's input may make the simulator do, in one place: the limits
//! RabbitMQ itself has (worded as RabbitMQ and its clients word them) and the playground's own
//! (so that no input freezes the page or exhausts its memory). `docs/limits.md` states each one,
//! why it has its value and what the user sees; each check below writes that message.
//!
//! The interpreter's and the regex engine's limits live in their own rooms (`py` and `erl` may
//! not import `sim`); they are re-exported here so that this module lists them all.

use crate::sim::time::Micros;

pub use crate::erl::re::MATCH_LIMIT;
pub use crate::py::MEMORY_LIMIT as PY_MEMORY_LIMIT;

/// AMQP 0-9-1 short strings (queue names, routing keys) hold at most 255 bytes.
pub const QUEUE_NAME_MAX_BYTES: usize = 255;

/// Messages one `publish … count=N` line may publish.
pub const PUBLISH_COUNT_MAX: u32 = 10_000;

/// Messages one run may publish in all (scenario lines and scripts together). The simulator
/// keeps every message of the run (the checker and lineage read them back), so this also bounds
/// the messages held in queues.
pub const PUBLISHES_PER_RUN_MAX: usize = 100_000;

/// Python instructions one script may run within one simulated second, however often it sleeps
/// (the per-instant budget is `pika::script::INSTANT_BUDGET`).
pub const SCRIPT_INSTRUCTIONS_PER_SECOND: u64 = 4_000_000;

/// The shortest simulated delay of `time.sleep`, `connection.sleep`, `process_data_events` and
/// `consume(inactivity_timeout=…)`: a shorter positive delay is rounded up to it, as an OS timer
/// has a resolution, so a loop of microsecond sleeps costs at most 10,000 wakeups per
/// simulated second.
pub const TIMER_RESOLUTION: Micros = Micros(100);

/// Blocking calls (sleeps, broker calls, waits in `consume`) the scripts of one run may return
/// from in all: this bounds the events scripts cost over any span of simulated time, so a long
/// `wait` or a far seek stays short even while a script polls. It is 2.5 times the publishes a
/// run may make, so a consumer can take every message one by one.
pub const SCRIPT_WAKEUPS_MAX: u64 = 250_000;

/// Connections one script may open over its life (closed ones count: each is a client the
/// simulator keeps, with its trace).
pub const SCRIPT_CONNECTIONS_MAX: usize = 1_000;

/// Virtual hosts a cluster may have at once (`/` included).
pub const VHOSTS_MAX: usize = 100;

/// Exchanges the cluster may hold at once, over all vhosts (each vhost's seven predeclared
/// ones included).
pub const EXCHANGES_MAX: usize = 2_000;

/// Explicit bindings the cluster may hold at once, over all vhosts.
pub const BINDINGS_MAX: usize = 10_000;

/// Bytes of scenario text (a file, a pasted session, the text a share link carries).
pub const SCENARIO_MAX_BYTES: usize = 256 * 1024;

/// Characters of the `s=` part of a share link: the base64url form of [`SCENARIO_MAX_BYTES`].
pub const SHARE_LINK_MAX_CHARS: usize = (SCENARIO_MAX_BYTES * 4).div_ceil(3);

/// The refusal of a queue name (or routing key) longer than an AMQP short string holds, as a
/// scenario line's error. pika raises `ShortStringTooLong` instead (see `pika::host`).
pub fn check_queue_name(what: &str, name: &str) -> Result<(), String> {
    if name.len() <= QUEUE_NAME_MAX_BYTES {
        return Ok(());
    }
    Err(format!(
        "{what} is {} bytes long: AMQP 0-9-1 short strings hold at most {QUEUE_NAME_MAX_BYTES} bytes, so no client can send it (use a shorter name)",
        name.len()
    ))
}

/// The refusal of a `count=N` beyond [`PUBLISH_COUNT_MAX`].
pub fn check_publish_count(count: u64) -> Result<(), String> {
    if count <= u64::from(PUBLISH_COUNT_MAX) {
        return Ok(());
    }
    Err(format!(
        "count={count}: at most {} publishes per line (a playground limit, docs/limits.md); split the load over several lines with a wait between them",
        thousands(u64::from(PUBLISH_COUNT_MAX))
    ))
}

/// The refusal of `more` publishes when the run has already published `done`.
pub fn check_run_publishes(done: usize, more: usize) -> Result<(), String> {
    if done.saturating_add(more) <= PUBLISHES_PER_RUN_MAX {
        return Ok(());
    }
    Err(format!(
        "the run has published {} messages and may publish at most {} (a playground limit, docs/limits.md): start a new run, or publish fewer messages",
        thousands(done as u64),
        thousands(PUBLISHES_PER_RUN_MAX as u64)
    ))
}

/// The refusal of one more connection by a script that has opened `opened`.
pub fn check_script_connections(opened: usize) -> Result<(), String> {
    if opened < SCRIPT_CONNECTIONS_MAX {
        return Ok(());
    }
    Err(format!(
        "this script has opened {} connections, the most one script may open (a playground limit, docs/limits.md): close connections you no longer use and reuse one (conn.close())",
        thousands(opened as u64)
    ))
}

/// The refusal of one more vhost when the cluster has `have`.
pub fn check_vhosts(have: usize) -> Result<(), String> {
    check_records(have, VHOSTS_MAX, "virtual hosts", "delete_vhost")
}

/// The refusal of one more exchange when the cluster has `have`.
pub fn check_exchanges(have: usize) -> Result<(), String> {
    check_records(have, EXCHANGES_MAX, "exchanges", "exchange_delete")
}

/// The refusal of one more binding when the cluster has `have`.
pub fn check_bindings(have: usize) -> Result<(), String> {
    check_records(have, BINDINGS_MAX, "bindings", "queue_unbind")
}

fn check_records(have: usize, max: usize, what: &str, remove: &str) -> Result<(), String> {
    if have < max {
        return Ok(());
    }
    Err(format!(
        "the cluster has {} {what}, the most it may hold (a playground limit, docs/limits.md): {remove} the ones you no longer use",
        thousands(have as u64)
    ))
}

/// The refusal of a scenario text longer than [`SCENARIO_MAX_BYTES`].
pub fn check_scenario_size(len: usize) -> Result<(), String> {
    if len <= SCENARIO_MAX_BYTES {
        return Ok(());
    }
    Err(format!(
        "the scenario is {} bytes, more than the {} a scenario may hold (a playground limit, docs/limits.md): split it, or use count=N and python loops instead of repeated lines",
        thousands(len as u64),
        thousands(SCENARIO_MAX_BYTES as u64)
    ))
}

/// A positive delay rounded up to [`TIMER_RESOLUTION`]; zero stays zero (it means "now").
pub fn timer_delay(d: Micros) -> Micros {
    if d.0 == 0 {
        d
    } else {
        Micros(d.0.max(TIMER_RESOLUTION.0))
    }
}

/// `1234567` → `1,234,567`, as the messages write their figures.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_check_answers_at_its_bound() {
        assert!(check_queue_name("q", &"a".repeat(255)).is_ok());
        assert!(check_queue_name("q", &"a".repeat(256)).is_err());
        assert!(check_publish_count(10_000).is_ok());
        assert!(check_publish_count(10_001).is_err());
        assert!(check_run_publishes(99_999, 1).is_ok());
        assert!(check_run_publishes(99_999, 2).is_err());
        assert!(check_script_connections(999).is_ok());
        assert!(check_script_connections(1_000).is_err());
        assert_eq!(timer_delay(Micros(0)), Micros(0));
        assert_eq!(timer_delay(Micros(1)), TIMER_RESOLUTION);
        assert_eq!(timer_delay(Micros(5_000)), Micros(5_000));
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
