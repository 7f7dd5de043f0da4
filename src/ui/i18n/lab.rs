//! The lab panel's text (the cost-of-mirroring lab, `ui::panels::lab`), one table per
//! language, and the verdicts on the seed's figures written in each language from their numbers.

use crate::lab::params::TEXT_PARAMS;
use crate::lab::refusal::Refusal;
use crate::lab::seed::{Figure, Verdict, LATENCY_TOLERANCE, SHARE_TOLERANCE};
use crate::ui::i18n::lang::Lang;

/// The lab panel in one language.
#[derive(Debug, PartialEq, Eq)]
pub struct LabText {
    pub tab: &'static str,
    pub intro: &'static str,
    pub workload: &'static str,
    pub cost_model: &'static str,
    /// Labels of the parameters, in the order of `FIELDS` in the panel.
    pub labels: [&'static str; TEXT_PARAMS],
    pub run: &'static str,
    pub stop: &'static str,
    /// "{done}", "{total}": experiments.
    pub running: &'static str,
    pub stopped: &'static str,
    pub done: &'static str,
    pub empty: &'static str,
    /// Plot titles: latency, throughput, bytes, memory, sync, detection.
    pub plots: [&'static str; 6],
    /// x axes: mirrors, batch size, net_ticktime.
    pub axis_mirrors: &'static str,
    pub axis_batch: &'static str,
    pub axis_ticktime: &'static str,
    pub measured: &'static str,
    pub seed: &'static str,
    pub p50: &'static str,
    pub p99: &'static str,
    pub first_node: &'static str,
    pub last_node: &'static str,
    pub verdicts: &'static str,
    pub right: &'static str,
    pub wrong: &'static str,
    /// "{a}": the seed's availability.
    pub availability: &'static str,
    pub no_column: &'static str,
    /// "{b}": the batch 3.10 used instead.
    pub batch_default: &'static str,
    pub not_finished: &'static str,
    pub persistent: &'static str,
    /// Between a verdict's word and its sentence.
    pub colon: &'static str,
}

pub fn lab_text(lang: Lang) -> &'static LabText {
    match lang {
        Lang::En => &EN,
        Lang::Zh => &ZH,
    }
}

static EN: LabText = LabText {
    tab: "Lab",
    intro: "The cost of mirroring, measured: the same workload against each mirror count, sync batch size and net_ticktime, each a scenario run on the simulator. Seed 004 §6.1's figures stand beside the measured ones.",
    workload: "Workload",
    cost_model: "Cost model (the scenario's config line)",
    labels: [
        "Nodes", "Mirrors (0–8, all)", "Publishers", "Consumers", "Message size (B)",
        "Rate per publisher (/s)", "Seconds", "Confirm window", "Sync batch sizes",
        "Messages to sync", "net_ticktime values (s)", "Seed", "Node latency",
        "Client latency", "fsync", "Op cost", "Frame overhead (B)",
        "Link bandwidth (B/s, 0 = unlimited)",
    ],
    run: "Run",
    stop: "Stop",
    running: "Running experiment {done} of {total}…",
    stopped: "Stopped after {done} of {total} experiments: the plots show what was measured.",
    done: "Done: {total} experiments.",
    empty: "Set the parameters and press Run.",
    plots: [
        "Publish→confirm latency (ms)",
        "Throughput at saturation (msg/s)",
        "Network bytes per message",
        "Memory (% of one copy)",
        "Time to synchronise a new mirror (s)",
        "Time to detect a cut-off node (s)",
    ],
    axis_mirrors: "mirrors",
    axis_batch: "ha-sync-batch-size",
    axis_ticktime: "net_ticktime (s)",
    measured: "measured",
    seed: "seed 004",
    p50: "p50",
    p99: "p99",
    first_node: "first node",
    last_node: "last node",
    verdicts: "What the seed got right and wrong",
    right: "right",
    wrong: "wrong",
    availability: "availability {a}%: not measured (the lab measures detection and sync times instead)",
    no_column: "no column in the seed",
    batch_default: "3.10 uses {b}",
    not_finished: "not finished",
    persistent: "Persistent messages (fsync)",
    colon: ": ",
};

static ZH: LabText = LabText {
    tab: "实验室",
    intro: "镜像的代价，实测：同一负载分别在各个镜像数量、同步批量大小和 net_ticktime 下运行，每一项都是在模拟器上运行的场景。种子 004 §6.1 的数字列在实测值旁边。",
    workload: "负载",
    cost_model: "成本模型（场景的 config 行）",
    labels: [
        "节点数", "镜像数（0–8 或 all）", "发布者", "消费者", "消息大小（字节）",
        "每个发布者的速率（条/秒）", "秒数", "确认窗口", "同步批量大小",
        "待同步消息数", "net_ticktime 取值（秒）", "随机种子", "节点间延迟",
        "客户端延迟", "fsync 耗时", "单次操作耗时", "每帧开销（字节）",
        "链路带宽（字节/秒，0 = 不限）",
    ],
    run: "运行",
    stop: "停止",
    running: "正在运行第 {done} 个实验，共 {total} 个……",
    stopped: "已停止：完成了 {total} 个实验中的 {done} 个，图中是已测得的结果。",
    done: "完成：共 {total} 个实验。",
    empty: "设置参数后点击“运行”。",
    plots: [
        "发布→确认延迟（毫秒）",
        "饱和吞吐量（条/秒）",
        "每条消息的网络字节数",
        "内存（单份的百分比）",
        "新镜像的同步时间（秒）",
        "发现断开节点的时间（秒）",
    ],
    axis_mirrors: "镜像数",
    axis_batch: "ha-sync-batch-size",
    axis_ticktime: "net_ticktime（秒）",
    measured: "实测",
    seed: "种子 004",
    p50: "p50",
    p99: "p99",
    first_node: "最先发现的节点",
    last_node: "最后发现的节点",
    verdicts: "种子说对了什么、说错了什么",
    right: "正确",
    wrong: "错误",
    availability: "可用性 {a}%：未测量（实验室改为测量故障发现时间和同步时间）",
    no_column: "种子中没有这一列",
    batch_default: "3.10 实际使用 {b}",
    not_finished: "未完成",
    persistent: "持久化消息（fsync）",
    colon: "：",
};

/// A verdict in the page's language, from its figures.
pub fn describe(lang: Lang, v: &Verdict) -> String {
    match lang {
        Lang::En => v.describe_en(),
        Lang::Zh => describe_zh(v),
    }
}

fn describe_zh(v: &Verdict) -> String {
    match v.figure {
        Figure::Throughput => {
            let d = v.measured - v.seed;
            if v.agrees {
                format!("吞吐量为无镜像时的 {:.0}%：种子的 {:.0}% 正确（相差不超过 {SHARE_TOLERANCE:.0} 个百分点）", v.measured, v.seed)
            } else if d > 0.0 {
                format!(
                    "吞吐量为无镜像时的 {:.0}%：种子的 {:.0}% 把代价高估了 {:.0} 个百分点",
                    v.measured, v.seed, d
                )
            } else {
                format!(
                    "吞吐量为无镜像时的 {:.0}%：种子的 {:.0}% 把代价低估了 {:.0} 个百分点",
                    v.measured, v.seed, -d
                )
            }
        }
        Figure::Latency => {
            if v.agrees {
                format!(
                    "p50 延迟 {:.2} 毫秒：种子的 {:.0} 毫秒正确（相差不超过 {:.0}%）",
                    v.measured,
                    v.seed,
                    LATENCY_TOLERANCE * 100.0
                )
            } else {
                format!(
                    "p50 延迟 {:.2} 毫秒：种子的 {:.0} 毫秒是实测值的 {:.1} 倍",
                    v.measured,
                    v.seed,
                    v.seed / v.measured
                )
            }
        }
        Figure::Memory => {
            if v.agrees {
                format!(
                    "内存为单份的 {:.0}%：种子的 {:.0}% 正确",
                    v.measured, v.seed
                )
            } else {
                format!("内存为单份的 {:.0}%：种子写的是 {:.0}%", v.measured, v.seed)
            }
        }
        Figure::Traffic => {
            if v.seed <= 1.0 {
                format!(
                    "每条消息的网络字节数：无镜像的基准（种子的最低级别 {}）",
                    v.seed
                )
            } else if v.agrees {
                format!("每条消息的网络字节数为无镜像时的 {:.1} 倍：随镜像增加而上升，与种子的级别 {} 一致", v.measured, v.seed)
            } else {
                format!("每条消息的网络字节数为无镜像时的 {:.1} 倍：没有比前一列高，与种子的级别 {} 不符", v.measured, v.seed)
            }
        }
    }
}

/// A refused parameter in the page's language (the English is the CLI's own text).
pub fn refusal(lang: Lang, r: &Refusal) -> String {
    match lang {
        Lang::En => r.to_string(),
        Lang::Zh => refusal_zh(r),
    }
}

fn refusal_zh(r: &Refusal) -> String {
    match r {
        Refusal::OutOfRange {
            param,
            value,
            lo,
            hi,
            unit,
        } => format!("{param}：{value}{unit} 超出范围（{lo}{unit} 到 {hi}{unit}）"),
        Refusal::NoValues { param } => format!("{param}：至少要给一个值"),
        Refusal::TooManyValues { param, given, max } => {
            format!("{param}：最多 {max} 个值（给了 {given} 个）")
        }
        Refusal::MirrorsNeedNodes { mirrors, nodes } => format!(
            "mirrors：{mirrors} 个镜像需要 {} 个节点（节点数为 {nodes}）",
            mirrors + 1
        ),
        Refusal::TooManyPublishes { publishes, max } => {
            format!("rate：速率 × 发布者 × 秒数 = {publishes} 次发布，最多 {max} 次")
        }
        Refusal::NotMirrors { text } => {
            format!("mirrors：“{text}”不是 0 到 8 的镜像数，也不是 all")
        }
        Refusal::NotNumber { param, text } => format!("{param}：“{text}”不是整数"),
        Refusal::NotBool { text } => format!("persistent：“{text}”不是 true 或 false"),
        Refusal::NotDuration { param, text, .. } => {
            format!("{param}：“{text}”不是时长（数字加单位 us、ms、s 或 min，如 1ms、500us）")
        }
        Refusal::Unknown { name } => format!("没有参数“{name}”"),
    }
}
