//! The management plugin's `GET /api/health/checks/node-is-mirror-sync-critical`
//! (`rabbit_mgmt_wm_health_check_node_is_mirror_sync_critical`): 200 `{"status":"ok"}`, or 503
//! with the mirrored classic queues the node masters with no synchronised mirror online.

use crate::sim::ctl::tool::queue_json;
use crate::sim::engine::Sim;

const PATH: &str = "api/health/checks/node-is-mirror-sync-critical";

/// The status line and body for `url` on node `n`, when `url` is this check.
pub fn answer(sim: &Sim, n: usize, url: &str) -> Option<(&'static str, String)> {
    let path = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split_once('/')
        .map(|(_, p)| p)?;
    if path.trim_end_matches('/') != PATH {
        return None;
    }
    if sim.single_node_cluster(n) {
        return Some((
            "200 OK",
            r#"{"status":"ok","reason":"single node cluster"}"#.to_string(),
        ));
    }
    let qs = sim.mirror_sync_critical(n);
    if qs.is_empty() {
        return Some(("200 OK", r#"{"status":"ok"}"#.to_string()));
    }
    let list: Vec<String> = qs.iter().map(|&q| queue_json(sim, q)).collect();
    Some((
        "503 Service Unavailable",
        format!(
            r#"{{"status":"failed","reason":"There are classic mirrored queues without online synchronised mirrors","queues":[{}]}}"#,
            list.join(",")
        ),
    ))
}
