//! `rabbitmq.conf` as a node reads it: Cuttlefish's `key = value` format, the keys the
//! simulator models (`net_ticktime`, `cluster_partition_handling`, `queue_master_locator`) and
//! the settings a node takes from them. A line Cuttlefish cannot parse, or a value a modelled
//! key refuses, is RabbitMQ's boot-failure text. Keys of RabbitMQ's schema the simulator does
//! not model (`heartbeat`, `tcp_listen_options.*`, …) stay in the file and change nothing; a key
//! no schema knows stops the boot as Cuttlefish does (`conf_schema`). `node_conf` keeps each
//! node's file and applies it when the node's VM starts.

use std::fmt;

use crate::sim::conf_schema;
use crate::sim::policy::definition::Locator;
use crate::sim::time::Micros;

/// How a partitioned cluster reacts (`cluster_partition_handling`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartitionHandling {
    Ignore,
    PauseMinority,
    Autoheal,
    /// `pause_if_all_down`: pause when none of the node's preferred nodes (its
    /// [`NodeSettings::preferred_nodes`]) is reachable; [`NodeSettings::recover`] says what the
    /// sides do when they meet again.
    PauseIfAllDown,
}

impl PartitionHandling {
    /// The modes a node runs with its settings alone, in the order RabbitMQ's documentation
    /// lists them (`pause_if_all_down` also needs its nodes and recovery).
    pub const ALL: [PartitionHandling; 3] = [
        PartitionHandling::Ignore,
        PartitionHandling::PauseMinority,
        PartitionHandling::Autoheal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PartitionHandling::Ignore => "ignore",
            PartitionHandling::PauseMinority => "pause_minority",
            PartitionHandling::Autoheal => "autoheal",
            PartitionHandling::PauseIfAllDown => "pause_if_all_down",
        }
    }

    /// The mode a `rabbitmq.conf` value (or a scenario's `partition_handling=`) names.
    pub fn from_name(name: &str) -> Option<PartitionHandling> {
        PartitionHandling::ALL
            .into_iter()
            .chain([PartitionHandling::PauseIfAllDown])
            .find(|m| m.as_str() == name)
    }
}

impl fmt::Display for PartitionHandling {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where RabbitMQ's packages look for the main configuration file.
pub const CONF_PATH: &str = "/etc/rabbitmq/rabbitmq.conf";

/// The largest file the playground keeps (a write beyond it fails as a full disk does).
pub const MAX_CONF_BYTES: usize = 64 * 1024;

/// RabbitMQ's default `net_ticktime` (seconds).
const DEFAULT_TICKTIME_SECS: u64 = 60;

/// What a node took from its configuration when its VM last started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeSettings {
    /// `net_ticktime`: a silent peer is declared down after 1–1.27 × this (each node on its own).
    pub net_ticktime: Micros,
    /// `cluster_partition_handling`.
    pub partition_handling: PartitionHandling,
    /// `cluster_partition_handling.pause_if_all_down.nodes.*`, as written.
    pub preferred_nodes: Vec<String>,
    /// `cluster_partition_handling.pause_if_all_down.recover`: `Ignore` or `Autoheal`.
    pub recover: PartitionHandling,
    /// `queue_master_locator`: the node's default when neither the declare nor a policy names
    /// one (`None` is RabbitMQ's default, client-local).
    pub master_locator: Option<Locator>,
}

impl Default for NodeSettings {
    fn default() -> NodeSettings {
        NodeSettings {
            net_ticktime: Micros::from_secs(DEFAULT_TICKTIME_SECS),
            partition_handling: PartitionHandling::Ignore,
            preferred_nodes: Vec::new(),
            recover: PartitionHandling::Ignore,
            master_locator: None,
        }
    }
}

impl NodeSettings {
    /// What the node does when the sides meet again: its mode, or for `pause_if_all_down` the
    /// `recover` setting.
    pub fn heal_mode(&self) -> PartitionHandling {
        match self.partition_handling {
            PartitionHandling::PauseIfAllDown => self.recover,
            m => m,
        }
    }
}

/// One node's configuration file and the settings in force on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeConf {
    /// The file's text; `None` while it does not exist (as after a package install).
    pub file: Option<String>,
    pub in_force: NodeSettings,
}

impl NodeConf {
    /// The file a scenario's `config` line stands for: one line per setting that differs from
    /// RabbitMQ's default (none: no file), and those settings in force.
    pub fn from_settings(net_ticktime: Micros, partition_handling: PartitionHandling) -> NodeConf {
        let mut lines = String::new();
        let ticktime_secs = net_ticktime.0 / 1_000_000;
        if net_ticktime != Micros::from_secs(DEFAULT_TICKTIME_SECS)
            && net_ticktime.0.is_multiple_of(1_000_000)
            && ticktime_secs > 0
        {
            lines.push_str(&format!("net_ticktime = {ticktime_secs}\n"));
        }
        if partition_handling != PartitionHandling::Ignore {
            lines.push_str(&format!(
                "cluster_partition_handling = {partition_handling}\n"
            ));
        }
        NodeConf {
            file: (!lines.is_empty()).then_some(lines),
            in_force: NodeSettings {
                net_ticktime,
                partition_handling,
                ..NodeSettings::default()
            },
        }
    }
}

/// One `key = value` setting of the file, with its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfEntry {
    pub line: usize,
    pub key: String,
    pub value: String,
}

/// Reads the file as Cuttlefish's grammar does: blank lines, `#` comments, and
/// `key = value` lines (a key is dot-separated words of letters, digits, `_` and `-`; a value
/// runs to the end of the line or to a `#` comment). The error is Cuttlefish's `conf_syntax`
/// text for the first line it cannot read.
pub fn parse_conf(text: &str) -> Result<Vec<ConfEntry>, String> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let syntax = || {
            format!(
                "Syntax error in {CONF_PATH} after line {} column 1, parsing incomplete",
                i + 1
            )
        };
        let Some((key, rest)) = line.split_once('=') else {
            return Err(syntax());
        };
        let key = key.trim();
        let key_ok = !key.is_empty()
            && key.split('.').all(|w| {
                !w.is_empty()
                    && w.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            });
        let value = rest.split('#').next().unwrap_or_default().trim();
        if !key_ok || value.is_empty() {
            return Err(syntax());
        }
        out.push(ConfEntry {
            line: i + 1,
            key: key.to_string(),
            value: value.to_string(),
        });
    }
    Ok(out)
}

/// The settings a node boots with from `file` (none: every default), or the text of the boot
/// failure RabbitMQ prints for it.
pub fn settings_from(file: Option<&str>) -> Result<NodeSettings, String> {
    let mut s = NodeSettings::default();
    let Some(text) = file else {
        return Ok(s);
    };
    let entries = parse_conf(text).map_err(|e| {
        boot_failed(
            &format!("Error parsing configuration:\n  - {e}\nAre these files using the Cuttlefish format?"),
            "failed_to_parse_configuration_file",
        )
    })?;
    let mut problems: Vec<(&str, String)> = Vec::new();
    let mut unknown: Vec<&str> = Vec::new();
    for e in &entries {
        match e.key.as_str() {
            "net_ticktime" => match e.value.parse::<i64>() {
                Ok(v) if v > 0 => s.net_ticktime = Micros::from_secs(v as u64),
                Ok(_) => problems.push((
                    "validation",
                    "net_ticktime invalid, non-zero positive integer only".into(),
                )),
                Err(_) => problems.push((
                    "transform_datatypes",
                    format!(
                        "Error transforming datatype for: net_ticktime\n  - \"{}\" cannot be converted to a(n) integer",
                        e.value
                    ),
                )),
            },
            "cluster_partition_handling" => match PartitionHandling::from_name(&e.value) {
                Some(mode) => s.partition_handling = mode,
                None => problems.push((
                    "transform_datatypes",
                    format!(
                        "\"{}\" is not a valid enum value, acceptable values are: ignore, pause_minority, autoheal, pause_if_all_down",
                        e.value
                    ),
                )),
            },
            "queue_master_locator" => match [Locator::ClientLocal, Locator::MinMasters, Locator::Random]
                .into_iter()
                .find(|l| l.as_str() == e.value)
            {
                Some(l) => s.master_locator = Some(l),
                None => problems.push((
                    "validation",
                    "queue_master_locator invalid, Invalid queue master locator".into(),
                )),
            },
            "cluster_partition_handling.pause_if_all_down.recover" => match e.value.as_str() {
                "ignore" => s.recover = PartitionHandling::Ignore,
                "autoheal" => s.recover = PartitionHandling::Autoheal,
                _ => problems.push((
                    "transform_datatypes",
                    format!(
                        "Error transforming datatype for: {}\n  - \"{}\" is not a valid enum value, acceptable values are: ignore, autoheal",
                        e.key, e.value
                    ),
                )),
            },
            k if k.starts_with(PREFERRED_PREFIX) && k.len() > PREFERRED_PREFIX.len() => {
                s.preferred_nodes.push(e.value.clone())
            }
            key if !conf_schema::is_known(key) => unknown.push(key),
            _ => {}
        }
    }
    if problems.is_empty()
        && unknown.is_empty()
        && s.partition_handling == PartitionHandling::PauseIfAllDown
    {
        pause_if_all_down_translation(&entries, &s, &mut problems);
    }
    // Cuttlefish logs each unknown key with its three nearest schema keys (in the file's
    // order), then lists the unknown keys (last first) ahead of the datatype errors of the
    // same phase; validation comes only after a clean transform_datatypes.
    let mut log = String::new();
    for key in &unknown {
        log.push_str(&format!(
            "You've tried to set {key}, but there is no setting with that name.\n  Did you mean one of these?\n"
        ));
        for near in conf_schema::suggestions(key) {
            log.push_str(&format!("    {near}\n"));
        }
    }
    let mut lines: Vec<String> = unknown
        .iter()
        .rev()
        .map(|key| format!("Conf file attempted to set unknown variable: {key}"))
        .collect();
    let phase = if lines.is_empty() {
        problems.first().map(|(phase, _)| *phase)
    } else {
        Some("transform_datatypes")
    };
    if let Some(phase) = phase {
        lines.extend(
            problems
                .iter()
                .filter(|(p, _)| *p == phase)
                .map(|(_, m)| m.clone()),
        );
        let lines: Vec<String> = lines.iter().map(|m| format!("  - {m}")).collect();
        return Err(boot_failed(
            &format!(
                "{log}Error preparing configuration in phase {phase}:\n{}",
                lines.join("\n")
            ),
            "failed_to_prepare_configuration",
        ));
    }
    Ok(s)
}

/// Where `pause_if_all_down`'s node keys start (`….nodes.$name`).
const PREFERRED_PREFIX: &str = "cluster_partition_handling.pause_if_all_down.nodes.";

/// rabbit.schema's translation of `cluster_partition_handling = pause_if_all_down`: it needs
/// at least one node and a recovery strategy (texts as a 3.10.8 node prints them).
fn pause_if_all_down_translation(
    entries: &[ConfEntry],
    s: &NodeSettings,
    problems: &mut Vec<(&str, String)>,
) {
    let recover_set = entries
        .iter()
        .any(|e| e.key == "cluster_partition_handling.pause_if_all_down.recover");
    if s.preferred_nodes.is_empty() {
        problems.push((
            "apply_translations",
            "Translation for 'rabbit.cluster_partition_handling' found invalid configuration: Nodes required for pause_if_all_down".into(),
        ));
    } else if !recover_set {
        problems.push((
            "apply_translations",
            "Translation for 'rabbit.cluster_partition_handling' expected to find setting 'cluster_partition_handling.pause_if_all_down.recover' but was missing".into(),
        ));
    }
}

/// The log lines, then RabbitMQ's `BOOT FAILED` banner with the startup error term.
fn boot_failed(log: &str, reason: &str) -> String {
    format!("{log}\n\nBOOT FAILED\n===========\nError during startup: {{error,{reason}}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_conf_block_parses_with_its_comments() {
        let text = "# rabbitmq.conf 网络优化配置\ntcp_listen_options.buffer = 196608\ntcp_listen_options.sndbuf = 196608  \n\nheartbeat = 600                      # 10分钟心跳\nnet_ticktime = 60                    # 60秒网络检测\nvm_memory_high_watermark = 0.6\n";
        let e = parse_conf(text).unwrap();
        assert_eq!(e.len(), 5);
        assert_eq!(e[3].key, "net_ticktime");
        assert_eq!(e[3].value, "60");
        assert_eq!(e[3].line, 6);
        // 3.10.8's schema has no `vm_memory_high_watermark` (only `.relative` and
        // `.absolute`): a real node refuses this block and does not start.
        let err = settings_from(Some(text)).unwrap_err();
        assert!(
            err.starts_with("You've tried to set vm_memory_high_watermark, but there is no setting with that name.\n  Did you mean one of these?\n    vm_memory_high_watermark.absolute\n    vm_memory_high_watermark.relative\n    vm_memory_high_watermark_paging_ratio\nError preparing configuration in phase transform_datatypes:\n  - Conf file attempted to set unknown variable: vm_memory_high_watermark\n\nBOOT FAILED"),
            "{err}"
        );
        let fixed = text.replace(
            "vm_memory_high_watermark =",
            "vm_memory_high_watermark.relative =",
        );
        assert_eq!(
            settings_from(Some(&fixed)).unwrap().net_ticktime,
            Micros::from_secs(60)
        );
    }

    #[test]
    fn unknown_keys_stop_the_boot_as_a_real_node_does() {
        // The texts a 3.10.8 node logged for these files (its lines without their timestamps).
        const FAILED: &str = "\nBOOT FAILED\n===========\nError during startup: {error,failed_to_prepare_configuration}";
        for (file, log) in [
            (
                "net_ticktime = 30\nheartbeat = 600\nfoo_bar = 1\nnet_tickitme = 20\n",
                "You've tried to set foo_bar, but there is no setting with that name.
  Did you mean one of these?
    log.dir
    frame_max
    heartbeat
You've tried to set net_tickitme, but there is no setting with that name.
  Did you mean one of these?
    net_ticktime
    cluster_name
    heartbeat
Error preparing configuration in phase transform_datatypes:
  - Conf file attempted to set unknown variable: net_tickitme
  - Conf file attempted to set unknown variable: foo_bar
",
            ),
            // With a datatype error beside it (and a validation one, which waits for its phase).
            (
                "net_ticktime = abc\nfoo_bar = 1\nqueue_master_locator = nope\n",
                "You've tried to set foo_bar, but there is no setting with that name.
  Did you mean one of these?
    log.dir
    frame_max
    heartbeat
Error preparing configuration in phase transform_datatypes:
  - Conf file attempted to set unknown variable: foo_bar
  - Error transforming datatype for: net_ticktime
  - \"abc\" cannot be converted to a(n) integer
",
            ),
        ] {
            assert_eq!(
                settings_from(Some(file)).unwrap_err(),
                format!("{log}{FAILED}")
            );
        }
        // Keys of the schema the simulator does not model are taken.
        assert!(settings_from(Some(
            "listeners.tcp.default = 5672\nmanagement.tcp.port = 15672\nloopback_users.guest = false\n"
        ))
        .is_ok());
    }

    #[test]
    fn a_bad_line_stops_the_boot_with_cuttlefish_words() {
        let err = settings_from(Some("net_ticktime = 30\nnet_ticktime 30\n")).unwrap_err();
        assert!(err.starts_with("Error parsing configuration:\n  - Syntax error in /etc/rabbitmq/rabbitmq.conf after line 2 column 1, parsing incomplete"), "{err}");
        assert!(err.ends_with("Error during startup: {error,failed_to_parse_configuration_file}"));
        let err = settings_from(Some("cluster_partition_handling = pause_majority\n")).unwrap_err();
        assert!(
            err.contains(
                "phase transform_datatypes:\n  - \"pause_majority\" is not a valid enum value"
            ),
            "{err}"
        );
        let err =
            settings_from(Some("cluster_partition_handling = pause_if_all_down\n")).unwrap_err();
        assert!(
            err.contains("Nodes required for pause_if_all_down"),
            "{err}"
        );
        let ok = settings_from(Some("cluster_partition_handling = pause_if_all_down\ncluster_partition_handling.pause_if_all_down.nodes.1 = rabbit@node1\ncluster_partition_handling.pause_if_all_down.recover = autoheal\n")).unwrap();
        assert_eq!(ok.preferred_nodes, vec!["rabbit@node1".to_string()]);
        assert_eq!(ok.heal_mode(), PartitionHandling::Autoheal);
        let nodes = "cluster_partition_handling = pause_if_all_down\ncluster_partition_handling.pause_if_all_down.nodes.1 = rabbit@node1\n";
        let err = settings_from(Some(nodes)).unwrap_err();
        assert!(err.contains("Error preparing configuration in phase apply_translations:\n  - Translation for 'rabbit.cluster_partition_handling' expected to find setting 'cluster_partition_handling.pause_if_all_down.recover' but was missing"), "{err}");
        let err = settings_from(Some(&format!(
            "{nodes}cluster_partition_handling.pause_if_all_down.recover = foo\n"
        )))
        .unwrap_err();
        assert!(err.contains("Error preparing configuration in phase transform_datatypes:\n  - Error transforming datatype for: cluster_partition_handling.pause_if_all_down.recover\n  - \"foo\" is not a valid enum value, acceptable values are: ignore, autoheal"), "{err}");
        let err = settings_from(Some("net_ticktime = 0\n")).unwrap_err();
        assert!(
            err.contains("net_ticktime invalid, non-zero positive integer only"),
            "{err}"
        );
    }

    #[test]
    fn modelled_keys_take_effect_and_others_are_kept() {
        let s = settings_from(Some(
            "net_ticktime = 30\ncluster_partition_handling = autoheal\nqueue_master_locator = min-masters\nheartbeat = 600\n",
        ))
        .unwrap();
        assert_eq!(s.net_ticktime, Micros::from_secs(30));
        assert_eq!(s.partition_handling, PartitionHandling::Autoheal);
        assert_eq!(s.master_locator, Some(Locator::MinMasters));
        assert_eq!(settings_from(None).unwrap(), NodeSettings::default());
    }

    #[test]
    fn a_config_line_is_a_file() {
        let default = NodeSettings::default();
        assert_eq!(
            NodeConf::from_settings(default.net_ticktime, default.partition_handling).file,
            None
        );
        let conf = NodeConf::from_settings(Micros::from_secs(10), PartitionHandling::PauseMinority);
        let file = conf.file.clone().unwrap();
        assert_eq!(
            file,
            "net_ticktime = 10\ncluster_partition_handling = pause_minority\n"
        );
        assert_eq!(settings_from(Some(&file)).unwrap(), conf.in_force);
    }
}
