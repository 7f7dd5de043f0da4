//! `expect node NAME key=value …`: a node's state and what it sees of the others, so scenarios
//! and lessons check a partition directly (who is paused, who sees whom, whether
//! `cluster_status` reports a partition) instead of through a queue.

use crate::sim::engine::Sim;

/// The checks an `expect node` line takes.
pub const NODE_KEYS: &[&str] = &["state", "sees", "not_sees", "partitioned"];

/// What differs on `sim` from the checks on node `n` (empty: they hold). `node` resolves a
/// node name as the scenario's other lines do.
pub fn check_node(
    sim: &Sim,
    n: usize,
    checks: &[(String, String)],
    node: impl Fn(&str) -> Result<usize, String>,
) -> Vec<String> {
    // As `cluster_status` on the node lists its running nodes.
    let visible = |x: usize| sim.node_running(n) && sim.node_running(x) && sim.same_side(n, x);
    let mut diff = Vec::new();
    for (k, v) in checks {
        match k.as_str() {
            "state" => {
                let got = sim.cluster.nodes[n].state.as_str();
                if got != v {
                    diff.push(format!("state: expected {v}, got {got}"));
                }
            }
            "sees" | "not_sees" => {
                let want = k == "sees";
                for name in v.split(',').filter(|s| !s.is_empty()) {
                    match node(name) {
                        Ok(x) if visible(x) != want => diff.push(format!(
                            "{k}: {} {} {}",
                            sim.node_name(n),
                            if want { "does not see" } else { "sees" },
                            sim.node_name(x)
                        )),
                        Ok(_) => {}
                        Err(e) => diff.push(e),
                    }
                }
            }
            "partitioned" => {
                let got = !sim.partition_report(n).is_empty();
                if v != &got.to_string() {
                    diff.push(format!("partitioned: expected {v}, got {got}"));
                }
            }
            _ => diff.push(format!("unknown check '{k}'")),
        }
    }
    diff
}

/// Refuses values a check can never match, where the line is read.
pub fn validate(checks: &[(String, String)]) -> Result<(), String> {
    for (k, v) in checks {
        let ok = match k.as_str() {
            "state" => ["running", "stopped", "crashed", "paused"].contains(&v.as_str()),
            "partitioned" => v == "true" || v == "false",
            _ => !v.is_empty(),
        };
        if !ok {
            return Err(match k.as_str() {
                "state" => {
                    format!("expect node: state={v}: use running, stopped, crashed or paused")
                }
                "partitioned" => format!("expect node: partitioned={v}: use true or false"),
                _ => format!("expect node: {k}= needs node names"),
            });
        }
    }
    Ok(())
}
