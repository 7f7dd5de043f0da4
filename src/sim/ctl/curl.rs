//! `curl` against the management plugin's HTTP API, as a learner would type it in a node's shell.
//! Only the queue actions the management UI's Synchronise / Cancel buttons use are modelled:
//! `POST /api/queues/VHOST/NAME/actions` with `{"action":"sync"}` or `{"action":"cancel_sync"}`.
//! The management plugin starts the sync in a process of its own and answers at once (204), so
//! unlike `rabbitmqctl sync_queue` the request does not wait for the sync to finish.

use crate::erl::json::{self, Json};
use crate::percent;
use crate::sim::ctl::output::CtlOutput;
use crate::sim::engine::Sim;

const NOT_FOUND: &str = r#"{"error":"Object Not Found","reason":"Not Found"}"#;

/// What the parsed command line asks for.
struct Request {
    method: String,
    url: String,
    body: Option<String>,
    show_headers: bool,
}

fn parse(words: &[String]) -> Result<Request, String> {
    let mut r = Request {
        method: String::new(),
        url: String::new(),
        body: None,
        show_headers: false,
    };
    let mut i = 1;
    while i < words.len() {
        let w = words[i].as_str();
        let value = |i: usize| {
            words
                .get(i + 1)
                .cloned()
                .ok_or_else(|| format!("curl: option {w}: requires parameter"))
        };
        match w {
            "-X" | "--request" => {
                r.method = value(i)?;
                i += 1;
            }
            "-d" | "--data" | "--data-raw" | "--data-binary" => {
                r.body = Some(value(i)?);
                i += 1;
            }
            "-u" | "--user" | "-H" | "--header" => i += 1,
            "-i" | "--include" => r.show_headers = true,
            "-s" | "--silent" | "-S" | "--show-error" | "-f" | "--fail" | "-sS" => {}
            _ if w.starts_with('-') => {
                return Err(format!(
                "curl: option {w}: is unknown (the playground's curl knows -X, -d, -u, -H, -i, -s)"
            ))
            }
            _ => r.url = w.to_string(),
        }
        i += 1;
    }
    if r.url.is_empty() {
        return Err("curl: no URL specified!".to_string());
    }
    if r.method.is_empty() {
        r.method = if r.body.is_some() { "POST" } else { "GET" }.to_string();
    }
    Ok(r)
}

/// `http://localhost:15672/api/queues/%2F/q/actions` → ("/", "q").
fn queue_action_path(url: &str) -> Option<(String, String)> {
    let path = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split_once('/')
        .map(|(_, p)| p)?;
    let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    match parts.as_slice() {
        ["api", "queues", vhost, name, "actions"] => {
            Some((percent::decode(vhost)?, percent::decode(name)?))
        }
        _ => None,
    }
}

/// Runs `curl …` typed on node `on_node` (whose management listener is `localhost:15672`).
pub fn curl(sim: &mut Sim, on_node: usize, words: &[String]) -> CtlOutput {
    let req = match parse(words) {
        Ok(r) => r,
        Err(e) => {
            return CtlOutput {
                output: e,
                exit_code: 2,
            }
        }
    };
    if !sim.node_running(on_node) {
        return CtlOutput {
            output:
                "curl: (7) Failed to connect to localhost port 15672 after 0 ms: Connection refused"
                    .to_string(),
            exit_code: 7,
        };
    }
    if req.method == "GET" {
        if let Some((status, body)) = crate::sim::ctl::health::answer(sim, on_node, &req.url) {
            let head = if req.show_headers {
                format!("HTTP/1.1 {status}\ncontent-type: application/json\n\n")
            } else {
                String::new()
            };
            return CtlOutput::ok(format!("{head}{body}"));
        }
    }
    let Some((vhost, name)) = queue_action_path(&req.url).filter(|_| req.method == "POST") else {
        return CtlOutput {
            output: "The playground's management API answers only POST /api/queues/VHOST/NAME/actions with {\"action\":\"sync\"} or {\"action\":\"cancel_sync\"}; use rabbitmqctl for the rest.".to_string(),
            exit_code: 1,
        };
    };
    let answer = |status: &str, body: &str| {
        let mut out = String::new();
        if req.show_headers {
            out.push_str(&format!("HTTP/1.1 {status}\n"));
            if !body.is_empty() {
                out.push_str("content-type: application/json\n\n");
            }
        }
        out.push_str(body);
        CtlOutput::ok(out.trim_end().to_string())
    };
    let action = req
        .body
        .as_deref()
        .and_then(|b| json::parse(b).ok())
        .and_then(|j| match j {
            Json::Object(kv) => kv.into_iter().find(|(k, _)| k == "action").map(|(_, v)| v),
            _ => None,
        });
    let action = match action {
        Some(Json::Str(a)) if a == "sync" || a == "cancel_sync" => a,
        _ => {
            return answer(
                "400 Bad Request",
                r#"{"error":"bad_request","reason":"Unknown action"}"#,
            )
        }
    };
    let Some(q) = sim.find_queue(&vhost, &name) else {
        return answer("404 Not Found", NOT_FOUND);
    };
    // The plugin spawns the call and answers 204 whatever it returns (not_mirrored, a down master).
    if action == "sync" {
        let _ = sim.start_sync(q);
    } else {
        sim.cancel_sync(q);
    }
    answer("204 No Content", "")
}

/// The request the management UI sends for a queue's Synchronise (or Cancel) button.
pub fn sync_request(cancel: bool, vhost: &str, queue: &str) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    let action = if cancel { "cancel_sync" } else { "sync" };
    format!(
        "curl -s -u guest:guest -X POST -H 'content-type: application/json' -d '{{\"action\":\"{action}\"}}' http://localhost:15672/api/queues/{}/{}/actions",
        enc(vhost),
        enc(queue)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::ctl::shell;
    use crate::sim::scenario::Session;
    use crate::sim::time::Micros;

    #[test]
    fn the_request_round_trips_through_the_shell() {
        let line = sync_request(false, "/", "a b");
        let words = shell::split(&line).unwrap();
        let r = parse(&words).unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(
            queue_action_path(&r.url),
            Some(("/".to_string(), "a b".to_string()))
        );
        assert_eq!(r.body.as_deref(), Some(r#"{"action":"sync"}"#));
    }

    #[test]
    fn sync_starts_and_the_request_returns_at_once() {
        let mut s = Session::new(&["cluster nodes=3"]).unwrap();
        for l in [
            "client c node=node1",
            "c declare q durable",
            "c publish q \"m\" count=2000",
            "wait 1s",
            r#"rabbitmqctl set_policy ha "^q$" '{"ha-mode":"all"}'"#,
            "wait 1s",
        ] {
            s.apply(l).unwrap();
        }
        let before = s.now();
        let r = s
            .apply(&format!("on node2: {}", sync_request(false, "/", "q")))
            .unwrap();
        assert_eq!((r.exit_code, r.output.as_str()), (0, ""));
        assert_eq!(s.now(), before, "the request does not wait for the sync");
        let q = s.run.sim.find_queue("/", "q").unwrap();
        assert!(s.run.sim.sync_percent(q).is_some(), "a sync is running");
        s.advance_to(before + Micros::from_secs(30));
        assert!(s.run.sim.sync_percent(q).is_none(), "and it finished");
        assert_eq!(s.run.sim.queue(q).synced.len(), 2);
    }

    #[test]
    fn unknown_queue_and_endpoints_are_told_apart() {
        let mut s = Session::new(&["cluster nodes=2"]).unwrap();
        let r = s.apply(&sync_request(false, "/", "nope")).unwrap();
        assert_eq!(r.output, NOT_FOUND);
        let r = s
            .apply("curl -u guest:guest http://localhost:15672/api/overview")
            .unwrap();
        assert_eq!(r.exit_code, 1);
        assert!(r.output.contains("answers only POST"));
        let r = s.apply("on node2: rabbitmqctl stop_app").unwrap();
        assert_eq!(r.exit_code, 0);
        let r = s
            .apply(&format!("on node2: {}", sync_request(true, "/", "q")))
            .unwrap();
        assert_eq!(r.exit_code, 7);
    }
}
