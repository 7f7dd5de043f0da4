//! pika scripts against queue limits, TTLs and dead-lettering (issue 16, item 2): a typical
//! TTL + dead-letter-exchange script pasted unmodified, reading the `x-death` header in its
//! callback; a `reject-publish` queue nacking a confirmed publish (`NackError`); a
//! `basic_reject(requeue=False)` dead-lettering through the default exchange.

use mirrorscope::sim::scenario;

fn run_script(name: &str, source: &str, after: &str) -> (String, String) {
    let text = format!("cluster nodes=3\nrabbitmqctl set_policy ha \".*\" '{{\"ha-mode\":\"all\"}}'\npython {name} on node=node1 <<EOF\n{source}\nEOF\n{after}\n");
    let run = match scenario::run_text(&text, None) {
        Ok(r) => r,
        Err(e) => panic!("line {}: {}", e.line, e.message),
    };
    let s = run.scripts.get(name).expect("script exists");
    (s.output_text(), s.state().as_str().to_string())
}

#[test]
fn a_ttl_and_dlx_script_reads_the_x_death_header() {
    let (out, state) = run_script(
        "dlx",
        include_str!("py/dead_letters/ttl_dlx.py"),
        "wait 10s",
    );
    assert_eq!(state, "finished", "{out}");
    assert_eq!(
        out,
        [
            " [x] Sent 3 tasks\n [*] Waiting for dead letters.\n",
            " [x] b'task 0' died: reason=expired queue=task_queue count=1 exchange='' keys=['task_queue']\n",
            "     first death: expired task_queue\n",
            " [x] b'task 1' died: reason=expired queue=task_queue count=1 exchange='' keys=['task_queue']\n",
            "     first death: expired task_queue\n",
            " [x] b'task 2' died: reason=expired queue=task_queue count=1 exchange='' keys=['task_queue']\n",
            "     first death: expired task_queue\n",
        ]
        .concat()
    );
}

/// pika raises `NackError("0 message(s) NACKed")` for a nack: its count is of the returned
/// messages, and a refused publish returns none.
#[test]
fn reject_publish_nacks_and_a_reject_dead_letters() {
    let (out, state) = run_script(
        "rp",
        include_str!("py/dead_letters/reject_publish.py"),
        "wait 2s",
    );
    assert_eq!(state, "finished", "{out}");
    assert_eq!(
        out,
        "confirmed 0\nconfirmed 1\nnacked 2 0 message(s) NACKed\nb'bad' rejected jobs 60000 None\n"
    );
}
