//! The A/B fork's text (`ui::fork`): the Fork button and its dialog, the split view, the
//! outcome table, and the difference between the sides written in each language from the
//! core's numbers.

use crate::sim::fork::outcome::Metric;
use crate::sim::fork::pair::FORK_MESSAGES_MAX;
use crate::sim::fork::spec::{ForkError, ForkErrorKind, Side, LABEL_MAX_CHARS, SIDE_LINES_MAX};
use crate::sim::limits::{thousands, SCENARIO_MAX_BYTES};
use crate::ui::i18n::lang::Lang;

/// The fork in one language.
#[derive(Debug, PartialEq, Eq)]
pub struct ForkText {
    pub button: &'static str,
    /// "{t}": the button's title, with the instant it forks at.
    pub button_title: &'static str,
    pub dialog_title: &'static str,
    /// "{t}": what the dialog does.
    pub dialog_intro: &'static str,
    pub preset: &'static str,
    pub custom: &'static str,
    pub side_a: &'static str,
    pub side_b: &'static str,
    pub label: &'static str,
    pub lines: &'static str,
    pub lines_hint: &'static str,
    pub start: &'static str,
    pub cancel: &'static str,
    /// The split view's region name and heading.
    pub heading: &'static str,
    /// "{t}": where the runs part.
    pub forked_at: &'static str,
    pub play: &'static str,
    pub pause: &'static str,
    pub to_fork: &'static str,
    pub timeline: &'static str,
    pub both_line: &'static str,
    pub both_placeholder: &'static str,
    pub run_both: &'static str,
    pub keep_a: &'static str,
    pub keep_b: &'static str,
    pub close: &'static str,
    pub share: &'static str,
    pub loading: &'static str,
    pub summary: &'static str,
    pub metric: &'static str,
    pub difference: &'static str,
    pub same: &'static str,
    pub no_difference: &'static str,
    pub promoted_none: &'static str,
    /// The row naming each promoted mirror's queue and node.
    pub promoted_to: &'static str,
    /// "{why}": a fork that cannot be made or read.
    pub refused: &'static str,
    /// "{side}": a side whose line failed.
    pub side_error: &'static str,
    /// Metric names in [`Metric::ALL`]'s order.
    pub metrics: [&'static str; 9],
    /// "{side}", "{n}", "{what}", "{other}": side {side} has {n} more {what} than {other}.
    pub more: &'static str,
}

pub fn fork_text(lang: Lang) -> &'static ForkText {
    match lang {
        Lang::En => &EN,
        Lang::Zh => &ZH,
    }
}

impl ForkText {
    pub fn metric(&self, m: Metric) -> &'static str {
        let i = Metric::ALL.iter().position(|&x| x == m).unwrap_or(0);
        self.metrics[i]
    }
}

static EN: ForkText = ForkText {
    button: "Fork here",
    button_title: "Fork the run at {t} into two variations that play side by side",
    dialog_title: "Fork the run",
    dialog_intro: "From {t}, the run splits in two: both sides share everything up to now, then each applies its own lines. The lines the run had after {t}, and what you type in the fork, run on both. Same seed, one clock.",
    preset: "Variation",
    custom: "Custom (edit the lines below)",
    side_a: "Side A",
    side_b: "Side B",
    label: "Name",
    lines: "Lines at the fork (one scenario line each)",
    lines_hint: "Console or scenario lines: rabbitmqctl …, on node1: …, stop node1, app publish …",
    start: "Fork",
    cancel: "Cancel",
    heading: "A/B fork",
    forked_at: "forked at {t}",
    play: "Play both",
    pause: "Pause both",
    to_fork: "Back to the fork",
    timeline: "Timeline of both runs",
    both_line: "A line for both sides",
    both_placeholder: "e.g. stop node1",
    run_both: "Run on both",
    keep_a: "Keep A",
    keep_b: "Keep B",
    close: "Close the fork",
    share: "Link to this fork",
    loading: "Running both sides…",
    summary: "Outcome since the fork",
    metric: "",
    difference: "Difference",
    same: "same",
    no_difference: "No difference yet: play on, or act on both sides (stop the master's node, publish…).",
    promoted_none: "none",
    promoted_to: "Promoted (queue → node)",
    refused: "Cannot fork: {why}",
    side_error: "Side {side}:",
    metrics: [
        "confirmed messages lost",
        "unconfirmed messages lost",
        "duplicates delivered",
        "queue downtime",
        "mirrors promoted",
        "consumer cancels",
        "messages published",
        "publishes confirmed",
        "deliveries",
    ],
    more: "Side {side}: {n} more {what} than side {other}.",
};

static ZH: ForkText = ForkText {
    button: "从这里分叉",
    button_title: "在 {t} 把运行分成两个变体，并排播放",
    dialog_title: "分叉运行",
    dialog_intro: "从 {t} 起，运行一分为二：两边共享到此刻为止的一切，然后各自执行自己的行。原运行在 {t} 之后的行，以及你在分叉中输入的行，两边都会执行。同一个种子，同一个时钟。",
    preset: "变体",
    custom: "自定义（编辑下面的行）",
    side_a: "A 边",
    side_b: "B 边",
    label: "名称",
    lines: "分叉时执行的行（每行一条场景行）",
    lines_hint: "控制台或场景行：rabbitmqctl …、on node1: …、stop node1、app publish …",
    start: "分叉",
    cancel: "取消",
    heading: "A/B 分叉",
    forked_at: "分叉于 {t}",
    play: "两边播放",
    pause: "两边暂停",
    to_fork: "回到分叉点",
    timeline: "两边运行的时间轴",
    both_line: "两边都执行的行",
    both_placeholder: "例如 stop node1",
    run_both: "两边执行",
    keep_a: "保留 A",
    keep_b: "保留 B",
    close: "关闭分叉",
    share: "此分叉的链接",
    loading: "正在运行两边……",
    summary: "分叉以来的结果",
    metric: "",
    difference: "差异",
    same: "相同",
    no_difference: "暂无差异：继续播放，或在两边同时操作（停止主节点所在的节点、发布消息……）。",
    promoted_none: "无",
    promoted_to: "被提升（队列 → 节点）",
    refused: "无法分叉：{why}",
    side_error: "{side} 边：",
    metrics: [
        "已确认消息丢失",
        "未确认消息丢失",
        "重复投递",
        "队列停机时间",
        "镜像被提升",
        "消费者被取消",
        "发布的消息",
        "已确认的发布",
        "投递次数",
    ],
    more: "{side} 边比 {other} 边多 {n}（{what}）。",
};

/// Why a fork was refused, in the reader's language (a side's parse error keeps the parser's
/// English message, as the console shows it).
pub fn error_text(lang: Lang, e: &ForkError) -> String {
    if lang == Lang::En {
        return e.to_string();
    }
    let side = |s: &Side| s.letter().to_ascii_uppercase();
    let why = match &e.kind {
        ForkErrorKind::EmptyLine => "`fork a:` 的冒号后面需要一条场景行".to_string(),
        ForkErrorKind::LabelTooLong => format!("一边的名称最多 {LABEL_MAX_CHARS} 个字符"),
        ForkErrorKind::TooLong { bytes } => format!(
            "分叉长 {} 字节；一个场景最多 {} 字节",
            thousands(*bytes as u64),
            thousands(SCENARIO_MAX_BYTES as u64)
        ),
        ForkErrorKind::SplitBlock => {
            "fork 行必须连成一块：两边共同执行的行之后又出现了 fork 行".to_string()
        }
        ForkErrorKind::NoForkLine => {
            "没有 fork 行：分叉要写明 A 边和 B 边各做什么（`fork a: 行`）".to_string()
        }
        ForkErrorKind::TooManyLines { side: s, lines } => format!(
            "{} 边有 {lines} 行；一边在分叉时最多执行 {SIDE_LINES_MAX} 行",
            side(s)
        ),
        ForkErrorKind::MultiLine { side: s } => {
            format!("{} 边：每个 `fork` 行只放一条场景行", side(s))
        }
        ForkErrorKind::SideParse {
            side: s,
            line,
            message,
        } => format!("{} 边第 {line} 行：{message}", side(s)),
        ForkErrorKind::SameLines => "两边执行的行完全相同：不会有任何差别".to_string(),
        ForkErrorKind::RunTooLarge { messages } => format!(
            "这次运行有 {} 条消息；分叉要同时保存两次运行，所以最多只能分叉 {} 条消息的运行",
            thousands(*messages as u64),
            thousands(FORK_MESSAGES_MAX as u64)
        ),
    };
    if e.line > 0 {
        format!("第 {} 行：{why}", e.line)
    } else {
        why
    }
}
