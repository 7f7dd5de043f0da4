//! The `crash QUEUE on NODE [vhost=V]` line's words (a queue process killed while its node
//! runs, `sim::crash`); `print` writes the line back.

const CRASH_USAGE: &str = "crash takes a queue and a node: crash QUEUE on NODE [vhost=V]";

/// A parsed crash line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrashLine {
    pub queue: String,
    pub node: String,
    pub vhost: String,
}

/// The words after `crash`.
pub fn parse_crash(rest: &[String]) -> Result<CrashLine, String> {
    let (queue, node, extra) = match rest {
        [q, on, n, extra @ ..] if on == "on" => (q, n, extra),
        _ => return Err(CRASH_USAGE.into()),
    };
    let vhost = match extra {
        [] => "/".to_string(),
        [v] => match v.strip_prefix("vhost=") {
            Some(v) if !v.is_empty() => v.to_string(),
            _ => return Err(CRASH_USAGE.into()),
        },
        _ => return Err(CRASH_USAGE.into()),
    };
    Ok(CrashLine {
        queue: queue.clone(),
        node: node.clone(),
        vhost,
    })
}

#[cfg(test)]
mod tests {
    use super::parse_crash;

    fn words(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn crash_lines_name_a_queue_and_a_node() {
        let c = parse_crash(&words("q on node2 vhost=v1")).unwrap();
        assert_eq!(
            (c.queue.as_str(), c.node.as_str(), c.vhost.as_str()),
            ("q", "node2", "v1")
        );
        assert_eq!(parse_crash(&words("q on node2")).unwrap().vhost, "/");
        assert!(parse_crash(&words("q node2")).is_err());
        assert!(parse_crash(&words("q on node2 x=1")).is_err());
    }
}
