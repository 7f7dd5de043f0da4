//! The page's two languages. Every string of the chrome lives in one [`Text`] table per language,
//! so a string added for one language and forgotten for the other is a compile error.

use crate::sim::NodeState;

/// A language the page can be shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

/// Where the reader's choice is remembered between visits.
pub const STORAGE_KEY: &str = "mirrorscope.lang";

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The BCP 47 tag, as put in `<html lang>` and in local storage.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    /// Reads a BCP 47 tag (`zh`, `zh-Hans-CN`, `en-GB`, …); any Chinese variant picks Chinese,
    /// anything else English.
    pub fn from_tag(tag: &str) -> Lang {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The language to start in: the reader's last choice, else the browser's language.
    pub fn from_browser() -> Lang {
        let Some(window) = web_sys::window() else {
            return Lang::En;
        };
        let stored = window
            .local_storage()
            .ok()
            .flatten()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
        let tag = stored.or_else(|| window.navigator().language());
        tag.map_or(Lang::En, |t| Lang::from_tag(&t))
    }

    /// Keeps the reader's choice for the next visit. Storage can be missing or full (private
    /// windows); the page then simply starts from the browser's language again.
    pub fn remember(self) {
        if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = storage.set_item(STORAGE_KEY, self.tag());
        }
    }

    pub fn text(self) -> &'static Text {
        match self {
            Lang::En => &EN,
            Lang::Zh => &ZH,
        }
    }
}

/// The page chrome in one language.
#[derive(Debug, PartialEq, Eq)]
pub struct Text {
    /// The language's own name, shown on its switch button.
    pub endonym: &'static str,
    pub language_switch: &'static str,
    /// The document title (browser tab).
    pub doc_title: &'static str,
    pub tagline: &'static str,
    pub version_badge: &'static str,
    pub cluster_heading: &'static str,
    /// "{n} nodes, {running} running"; both numbers are filled in by [`Text::cluster_summary`].
    pub cluster_summary: &'static str,
    pub cluster_diagram_label: &'static str,
    pub links_note: &'static str,
    pub legend_heading: &'static str,
    pub state_running: &'static str,
    pub state_stopped: &'static str,
    pub state_crashed: &'static str,
    pub state_paused: &'static str,
    pub state_running_hint: &'static str,
    pub state_stopped_hint: &'static str,
    pub state_crashed_hint: &'static str,
    pub state_paused_hint: &'static str,
    pub legend_link: &'static str,
    pub about_heading: &'static str,
    pub about_body: &'static str,
    pub about_deprecation: &'static str,
    pub footer: &'static str,
    pub panic_title: &'static str,
    pub panic_body: &'static str,
    pub panic_reload: &'static str,
}

impl Text {
    pub fn state(&self, state: NodeState) -> &'static str {
        match state {
            NodeState::Running => self.state_running,
            NodeState::Stopped => self.state_stopped,
            NodeState::Crashed => self.state_crashed,
            NodeState::Paused => self.state_paused,
        }
    }

    pub fn state_hint(&self, state: NodeState) -> &'static str {
        match state {
            NodeState::Running => self.state_running_hint,
            NodeState::Stopped => self.state_stopped_hint,
            NodeState::Crashed => self.state_crashed_hint,
            NodeState::Paused => self.state_paused_hint,
        }
    }

    pub fn cluster_summary(&self, nodes: usize, running: usize) -> String {
        self.cluster_summary
            .replace("{n}", &nodes.to_string())
            .replace("{running}", &running.to_string())
    }
}

static EN: Text = Text {
    endonym: "English",
    language_switch: "Language",
    doc_title: "mirrorscope · RabbitMQ 3.10 classic mirrored queues",
    tagline: "Watch and steer classic mirrored queues",
    version_badge: "models RabbitMQ 3.10",
    cluster_heading: "Cluster",
    cluster_summary: "{n} nodes, {running} running",
    cluster_diagram_label: "Cluster nodes and the links between them",
    links_note: "Every pair of nodes keeps an Erlang distribution link.",
    legend_heading: "Legend",
    state_running: "running",
    state_stopped: "stopped",
    state_crashed: "crashed",
    state_paused: "paused",
    state_running_hint: "the rabbit application is up",
    state_stopped_hint: "stopped on purpose; peers see it leave at once",
    state_crashed_hint: "killed; peers notice only when the link times out",
    state_paused_hint: "pause_minority stopped it until a majority is back",
    legend_link: "distribution link between two nodes",
    about_heading: "What this models",
    about_body: "A deterministic simulation of a RabbitMQ 3.10 cluster running classic mirrored \
                 queues: ha-mode policies, mirror synchronisation, master promotion and the \
                 behaviour of nodes that stop, crash or are partitioned.",
    about_deprecation: "Classic queue mirroring is deprecated and was removed in RabbitMQ 4.0; \
                        this playground shows how it behaved in 3.10.",
    footer: "Simulated in your browser; no RabbitMQ server is contacted.",
    panic_title: "mirrorscope stopped",
    panic_body: "The simulation hit an internal error and cannot go on. Reload the page to \
                 start again; the details below help to report it.",
    panic_reload: "Reload",
};

static ZH: Text = Text {
    endonym: "中文",
    language_switch: "语言",
    doc_title: "mirrorscope · RabbitMQ 3.10 经典镜像队列",
    tagline: "观察并操控经典镜像队列",
    version_badge: "模拟 RabbitMQ 3.10",
    cluster_heading: "集群",
    cluster_summary: "{n} 个节点，{running} 个运行中",
    cluster_diagram_label: "集群节点及其之间的连接",
    links_note: "每两个节点之间都保持一条 Erlang 分布式连接。",
    legend_heading: "图例",
    state_running: "运行中",
    state_stopped: "已停止",
    state_crashed: "已崩溃",
    state_paused: "已暂停",
    state_running_hint: "rabbit 应用正在运行",
    state_stopped_hint: "被主动停止；其他节点立即得知",
    state_crashed_hint: "被强行终止；其他节点要等连接超时才发现",
    state_paused_hint: "pause_minority 使其暂停，直到多数派恢复",
    legend_link: "两个节点之间的分布式连接",
    about_heading: "模拟的内容",
    about_body: "对运行经典镜像队列的 RabbitMQ 3.10 集群的确定性模拟：ha-mode 策略、镜像同步、\
                 主队列提升，以及节点停止、崩溃或网络分区时的行为。",
    about_deprecation:
        "经典队列镜像已被弃用，并在 RabbitMQ 4.0 中移除；这里展示它在 3.10 中的行为。",
    footer: "在浏览器中模拟，不会连接任何 RabbitMQ 服务器。",
    panic_title: "mirrorscope 已停止",
    panic_body: "模拟遇到内部错误，无法继续。请刷新页面重新开始；下面的详情有助于报告问题。",
    panic_reload: "刷新",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_pick_the_language() {
        assert_eq!(Lang::from_tag("zh"), Lang::Zh);
        assert_eq!(Lang::from_tag("zh-Hans-CN"), Lang::Zh);
        assert_eq!(Lang::from_tag("ZH_tw"), Lang::Zh);
        assert_eq!(Lang::from_tag("en-GB"), Lang::En);
        assert_eq!(Lang::from_tag("fr"), Lang::En);
        assert_eq!(Lang::from_tag(""), Lang::En);
        for lang in Lang::ALL {
            assert_eq!(Lang::from_tag(lang.tag()), lang);
        }
    }

    #[test]
    fn summary_fills_both_numbers() {
        assert_eq!(EN.cluster_summary(3, 2), "3 nodes, 2 running");
        assert_eq!(ZH.cluster_summary(5, 5), "5 个节点，5 个运行中");
    }

    #[test]
    fn languages_differ_in_every_state_label() {
        use NodeState::*;
        for state in [Running, Stopped, Crashed, Paused] {
            assert_ne!(EN.state(state), ZH.state(state));
            assert_ne!(EN.state_hint(state), ZH.state_hint(state));
        }
    }
}
