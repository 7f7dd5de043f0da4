//! The text of the lesson player's chrome (the course list, the step's buttons, the prediction,
//! the score), one table per language. The lessons' own captions are in `lessons/*.scn`.

use crate::ui::i18n::lang::Lang;

/// The lesson player's chrome in one language.
#[derive(Debug, PartialEq, Eq)]
pub struct GuideText {
    pub heading: &'static str,
    pub pick: &'static str,
    pub load: &'static str,
    pub group_000: &'static str,
    pub group_004: &'static str,
    pub group_extra: &'static str,
    /// "{i}", "{n}": the step on show and how many there are.
    pub progress: &'static str,
    pub do_it: &'static str,
    pub do_it_hint: &'static str,
    pub done: &'static str,
    pub not_done: &'static str,
    pub not_done_free: &'static str,
    pub seed_says: &'static str,
    pub predict: &'static str,
    pub reveal: &'static str,
    pub reveal_hint: &'static str,
    pub right: &'static str,
    pub wrong: &'static str,
    /// "{c}": the right answer.
    pub was: &'static str,
    pub off_script: &'static str,
    /// "{r}", "{n}": right answers, predictions answered.
    pub score: &'static str,
    pub back: &'static str,
    pub next: &'static str,
    pub restart: &'static str,
    pub finished: &'static str,
    pub lines: &'static str,
    /// "{id}": a `#lesson=` link naming no lesson.
    pub unknown: &'static str,
    /// The course list while the page fetches the lessons' texts.
    pub loading: &'static str,
    /// "{why}": the lessons' texts could not be fetched.
    pub fetch_failed: &'static str,
}

pub fn guide_text(lang: Lang) -> &'static GuideText {
    match lang {
        Lang::En => &EN,
        Lang::Zh => &ZH,
    }
}

static EN: GuideText = GuideText {
    heading: "Lessons",
    pick: "Lesson",
    load: "Load",
    group_000: "Seed 000: mirrored queues",
    group_004: "Seed 004: high availability in depth",
    group_extra: "Beyond the seeds",
    progress: "Step {i} of {n}",
    do_it: "Do it for me",
    do_it_hint: "Runs this step's lines at the cursor, as if you had typed them",
    done: "✓ Done: the cluster shows it.",
    not_done: "Not done yet: do it any way you like (console, forms, menus, Python), or let the page do it.",
    not_done_free: "Nothing to check here: run it, or go on when you are ready.",
    seed_says: "The seed says: ",
    predict: "Predict first",
    reveal: "Reveal",
    reveal_hint: "Runs this step's lines and scores your answer",
    right: "Right.",
    wrong: "Not quite.",
    was: "What happened: {c}",
    off_script: "The cluster went somewhere none of the answers describes (it was changed another way): not scored.",
    score: "Predictions: {r} of {n} right",
    back: "Back",
    next: "Next",
    restart: "Restart",
    finished: "All steps done: play, scrub and inspect.",
    lines: "What this step runs",
    unknown: "No lesson is called '{id}'.",
    loading: "Loading the lessons…",
    fetch_failed: "The lessons could not be loaded ({why}). Reload the page to try again.",
};

static ZH: GuideText = GuideText {
    heading: "课程",
    pick: "课程",
    load: "加载",
    group_000: "资料 000：镜像队列",
    group_004: "资料 004：深入高可用",
    group_extra: "资料之外",
    progress: "第 {i} 步，共 {n} 步",
    do_it: "替我执行",
    do_it_hint: "在当前时间点执行这一步的命令，就像你自己输入的一样",
    done: "✓ 已完成：集群状态表明了这一点。",
    not_done: "尚未完成：用任何方式都可以（控制台、表单、菜单、Python），也可以让页面替你执行。",
    not_done_free: "这一步没有需要检查的状态：执行它，或者准备好了就继续。",
    seed_says: "资料原文：",
    predict: "先预测",
    reveal: "揭晓",
    reveal_hint: "执行这一步的命令，并给你的答案打分",
    right: "答对了。",
    wrong: "不太对。",
    was: "实际结果：{c}",
    off_script: "集群的走向不符合任何一个选项（它被别的方式改变了）：不计分。",
    score: "预测：答对 {r} 题，共 {n} 题",
    back: "上一步",
    next: "下一步",
    restart: "重新开始",
    finished: "所有步骤已完成：播放、拖动时间轴并查看详情吧。",
    lines: "这一步执行的命令",
    unknown: "没有名为 '{id}' 的课程。",
    loading: "正在加载课程……",
    fetch_failed: "课程加载失败（{why}）。请重新加载页面再试。",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_exist_in_both_languages() {
        for (en, zh, keys) in [
            (EN.progress, ZH.progress, &["{i}", "{n}"][..]),
            (EN.was, ZH.was, &["{c}"][..]),
            (EN.score, ZH.score, &["{r}", "{n}"][..]),
            (EN.unknown, ZH.unknown, &["{id}"][..]),
            (EN.fetch_failed, ZH.fetch_failed, &["{why}"][..]),
        ] {
            for k in keys {
                assert!(en.contains(k) && zh.contains(k), "{k} in {en} / {zh}");
            }
        }
        assert_ne!(EN, ZH);
    }
}
