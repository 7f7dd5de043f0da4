//! The ready variations a learner forks with, one per misconception the seeds carry. Each is
//! data: the lines each side applies at the fork instant, which the fork panel copies into its
//! two text areas for the learner to edit. A policy preset sets a policy named `ab-fork` on
//! every queue at priority 100, so it wins over the run's own policies on both sides alike.

use crate::sim::fork::spec::Variation;

/// One ready variation: its name in both languages and the two sides' labels and lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    /// Stable name, used in links and tests.
    pub id: &'static str,
    pub title_en: &'static str,
    pub title_zh: &'static str,
    pub a_label: &'static str,
    pub a_lines: &'static [&'static str],
    pub b_label: &'static str,
    pub b_lines: &'static [&'static str],
}

/// Every preset, in the order the fork panel lists them.
pub const PRESETS: &[Preset] = &[
    Preset {
        id: "promote-on-shutdown",
        title_en: "ha-promote-on-shutdown: when-synced vs always",
        title_zh: "ha-promote-on-shutdown：when-synced 对比 always",
        a_label: "when-synced",
        a_lines: &[r#"rabbitmqctl set_policy ab-fork ".*" '{"ha-mode":"exactly","ha-params":2,"ha-promote-on-shutdown":"when-synced"}' --priority 100 --apply-to queues"#],
        b_label: "always",
        b_lines: &[r#"rabbitmqctl set_policy ab-fork ".*" '{"ha-mode":"exactly","ha-params":2,"ha-promote-on-shutdown":"always"}' --priority 100 --apply-to queues"#],
    },
    Preset {
        id: "sync-mode",
        title_en: "ha-sync-mode: automatic vs manual",
        title_zh: "ha-sync-mode：automatic 对比 manual",
        a_label: "automatic",
        a_lines: &[r#"rabbitmqctl set_policy ab-fork ".*" '{"ha-mode":"exactly","ha-params":2,"ha-sync-mode":"automatic"}' --priority 100 --apply-to queues"#],
        b_label: "manual",
        b_lines: &[r#"rabbitmqctl set_policy ab-fork ".*" '{"ha-mode":"exactly","ha-params":2,"ha-sync-mode":"manual"}' --priority 100 --apply-to queues"#],
    },
    Preset {
        id: "ha-mode",
        title_en: "ha-mode: exactly 2 vs all",
        title_zh: "ha-mode：exactly 2 对比 all",
        a_label: "exactly 2",
        a_lines: &[r#"rabbitmqctl set_policy ab-fork ".*" '{"ha-mode":"exactly","ha-params":2}' --priority 100 --apply-to queues"#],
        b_label: "all",
        b_lines: &[r#"rabbitmqctl set_policy ab-fork ".*" '{"ha-mode":"all"}' --priority 100 --apply-to queues"#],
    },
    Preset {
        id: "partition-handling",
        title_en: "cluster_partition_handling: pause_minority vs ignore",
        title_zh: "cluster_partition_handling：pause_minority 对比 ignore",
        a_label: "pause_minority",
        a_lines: &[
            "on node1: echo \"cluster_partition_handling = pause_minority\" >> /etc/rabbitmq/rabbitmq.conf",
            "on node2: echo \"cluster_partition_handling = pause_minority\" >> /etc/rabbitmq/rabbitmq.conf",
            "on node3: echo \"cluster_partition_handling = pause_minority\" >> /etc/rabbitmq/rabbitmq.conf",
            "on node1: systemctl restart rabbitmq-server",
            "on node2: systemctl restart rabbitmq-server",
            "on node3: systemctl restart rabbitmq-server",
        ],
        b_label: "ignore",
        b_lines: &[
            "on node1: echo \"cluster_partition_handling = ignore\" >> /etc/rabbitmq/rabbitmq.conf",
            "on node2: echo \"cluster_partition_handling = ignore\" >> /etc/rabbitmq/rabbitmq.conf",
            "on node3: echo \"cluster_partition_handling = ignore\" >> /etc/rabbitmq/rabbitmq.conf",
            "on node1: systemctl restart rabbitmq-server",
            "on node2: systemctl restart rabbitmq-server",
            "on node3: systemctl restart rabbitmq-server",
        ],
    },
];

/// The preset with this id.
pub fn preset(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

impl Preset {
    /// The two sides as variations.
    pub fn variations(&self) -> (Variation, Variation) {
        let v = |label: &str, lines: &[&str]| Variation {
            label: label.to_string(),
            lines: lines.iter().map(|l| l.to_string()).collect(),
        };
        (v(self.a_label, self.a_lines), v(self.b_label, self.b_lines))
    }
}
