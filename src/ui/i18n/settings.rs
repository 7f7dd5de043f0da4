//! The text of the cluster settings dialog and of the partition editor's outlook (the mode in
//! force and what a cut will do), one table per language.

use crate::sim::PartitionHandling;
use crate::ui::i18n::lang::Lang;

/// The settings dialog and the partition outlook in one language.
#[derive(Debug, PartialEq, Eq)]
pub struct SettingsText {
    /// The stage button that opens the dialog.
    pub open: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub conf_heading: &'static str,
    pub ticktime: &'static str,
    pub ticktime_hint: &'static str,
    pub handling: &'static str,
    pub sim_heading: &'static str,
    pub sim_hint: &'static str,
    pub latency: &'static str,
    pub client_latency: &'static str,
    pub op_cost: &'static str,
    pub fsync: &'static str,
    /// "{nodes}" lists each node's mode in force.
    pub in_force: &'static str,
    pub apply_live: &'static str,
    pub apply_live_hint: &'static str,
    pub apply_restart: &'static str,
    pub apply_restart_hint: &'static str,
    pub nothing_changed: &'static str,
    /// "{field}", "{min}", "{max}".
    pub out_of_range: &'static str,
    pub cancel: &'static str,
    /// What each mode of [`PartitionHandling::ALL`] does on a cut, in that order.
    pub mode_effects: [&'static str; 3],
    /// "{mode}".
    pub outlook_mode: &'static str,
    /// "{modes}".
    pub outlook_mixed: &'static str,
    /// "{t}": seconds.
    pub outlook_detect: &'static str,
    /// "{node}", "{v}", "{n}".
    pub outlook_pause: &'static str,
    pub outlook_no_pause: &'static str,
}

impl SettingsText {
    /// What `mode` does on a cut.
    pub fn effect(&self, mode: PartitionHandling) -> &'static str {
        let i = PartitionHandling::ALL
            .iter()
            .position(|m| *m == mode)
            .unwrap_or(0);
        self.mode_effects[i]
    }
}

impl Lang {
    /// The settings dialog's text in this language.
    pub fn settings_text(self) -> &'static SettingsText {
        match self {
            Lang::En => &EN,
            Lang::Zh => &ZH,
        }
    }
}

static EN: SettingsText = SettingsText {
    open: "Cluster settings",
    title: "Cluster settings",
    intro: "Each node reads /etc/rabbitmq/rabbitmq.conf when it starts. The console edits that file too: echo \"net_ticktime = 30\" >> /etc/rabbitmq/rabbitmq.conf, then restart the node.",
    conf_heading: "rabbitmq.conf (every node)",
    ticktime: "net_ticktime (seconds)",
    ticktime_hint: "Each node declares a silent peer down after 1–1.27 × this.",
    handling: "cluster_partition_handling",
    sim_heading: "The simulated network and machines",
    sim_hint: "Not RabbitMQ settings: how fast links and processes are. They apply from the start of the run.",
    latency: "Latency between nodes (ms)",
    client_latency: "Latency client ↔ node (ms)",
    op_cost: "Time per operation of a process (ms)",
    fsync: "fsync of a persistent message (ms)",
    in_force: "In force now: {nodes}",
    apply_live: "Write rabbitmq.conf and restart the nodes",
    apply_live_hint: "As an operator would: each node gets the lines appended and is restarted in turn (its queues fail over while it restarts). Every step shows in the console.",
    apply_restart: "Restart the run with these settings",
    apply_restart_hint: "Replays what you did so far from time 0 with a new config line.",
    nothing_changed: "Nothing to change.",
    out_of_range: "{field}: enter a number from {min} to {max}.",
    cancel: "Cancel",
    mode_effects: [
        "ignore: both sides keep running. A queue with replicas on both sides gets a master on each side (split brain) until you restart one side.",
        "pause_minority: a node that sees half of the cluster or less stops its rabbit app and waits; it starts again when the network heals.",
        "autoheal: both sides keep running while cut. When the network heals, the side with the most client connections (then the most nodes) wins; the other side's nodes restart and drop what they took meanwhile.",
    ],
    outlook_mode: "cluster_partition_handling in force: {mode}.",
    outlook_mixed: "The nodes run with different modes: {modes}.",
    outlook_detect: "After net_ticktime ({t} s, up to 1.27 ×) each node declares the nodes of the other side down, each pair in its own time.",
    outlook_pause: "{node} will pause (it sees {v} of {n} nodes).",
    outlook_no_pause: "No node will pause.",
};

static ZH: SettingsText = SettingsText {
    open: "集群设置",
    title: "集群设置",
    intro: "每个节点启动时读取 /etc/rabbitmq/rabbitmq.conf。也可以在控制台里改这个文件：echo \"net_ticktime = 30\" >> /etc/rabbitmq/rabbitmq.conf，然后重启该节点。",
    conf_heading: "rabbitmq.conf（所有节点）",
    ticktime: "net_ticktime（秒）",
    ticktime_hint: "对端沉默 1–1.27 倍这个时间后，各节点分别把它判定为宕机。",
    handling: "cluster_partition_handling",
    sim_heading: "模拟的网络与机器",
    sim_hint: "这些不是 RabbitMQ 的配置，而是链路和进程的快慢；从运行开始时生效。",
    latency: "节点之间的延迟（毫秒）",
    client_latency: "客户端与节点之间的延迟（毫秒）",
    op_cost: "进程每个操作的耗时（毫秒）",
    fsync: "持久化消息的 fsync（毫秒）",
    in_force: "当前生效：{nodes}",
    apply_live: "写入 rabbitmq.conf 并重启节点",
    apply_live_hint: "像运维人员那样：在每个节点的文件末尾追加这些行，再依次重启（重启期间它上面的队列会故障转移）。每一步都显示在控制台里。",
    apply_restart: "用这些设置重新开始运行",
    apply_restart_hint: "从时间 0 起按新的 config 行重放你到目前为止的操作。",
    nothing_changed: "没有需要修改的内容。",
    out_of_range: "{field}：请输入 {min} 到 {max} 之间的数。",
    cancel: "取消",
    mode_effects: [
        "ignore：两侧都继续运行。副本分布在两侧的队列会在每一侧各有一个主队列（脑裂），直到你重启其中一侧。",
        "pause_minority：只能看到集群一半或更少节点的节点会停止 rabbit 应用并等待；网络恢复后再启动。",
        "autoheal：网络断开期间两侧都继续运行。网络恢复时，客户端连接最多（其次节点最多）的一侧获胜，另一侧的节点重启，并丢弃期间收到的内容。",
    ],
    outlook_mode: "当前生效的 cluster_partition_handling：{mode}。",
    outlook_mixed: "各节点的模式不同：{modes}。",
    outlook_detect: "经过 net_ticktime（{t} 秒，最多 1.27 倍）后，每个节点各自把另一侧的节点判定为宕机。",
    outlook_pause: "{node} 将暂停（它只能看到 {n} 个节点中的 {v} 个）。",
    outlook_no_pause: "没有节点会暂停。",
};
