//! The text of the working indicator (long work in slices: seeks, loads, pasted blocks) and of
//! what a Stop left, one table per language.

use crate::ui::i18n::lang::Lang;

/// The working indicator in one language.
#[derive(Debug, PartialEq, Eq)]
pub struct WorkText {
    /// Moving the clock (a seek ahead or into the past).
    pub seeking: &'static str,
    pub loading: &'static str,
    pub running_block: &'static str,
    /// The editor's Step waiting for the script's statement to finish.
    pub stepping: &'static str,
    /// "{p}": percent done.
    pub progress: &'static str,
    pub stop: &'static str,
    pub stop_hint: &'static str,
    /// "{t}": the simulated time reached.
    pub stopped_seek: &'static str,
    pub stopped_load: &'static str,
    /// "{n}": commands not run.
    pub stopped_block: &'static str,
}

pub fn work_text(lang: Lang) -> &'static WorkText {
    match lang {
        Lang::En => &EN,
        Lang::Zh => &ZH,
    }
}

static EN: WorkText = WorkText {
    seeking: "Working: running the simulation to the chosen time…",
    loading: "Working: loading the session…",
    running_block: "Working: running the pasted commands…",
    stepping: "Working: running the script's statement to its end…",
    progress: "{p}% done",
    stop: "Stop",
    stop_hint: "Abandon this work: what was there before it stays",
    stopped_seek: "Stopped: the simulation was run up to {t} and stays there.",
    stopped_load: "Stopped: the session was not loaded; the one before it is unchanged.",
    stopped_block: "Stopped: {n} pasted command(s) were not run.",
};

static ZH: WorkText = WorkText {
    seeking: "正在处理：模拟运行到所选时间……",
    loading: "正在处理：加载会话……",
    running_block: "正在处理：执行粘贴的命令……",
    stepping: "正在处理：运行脚本的这一条语句直到结束……",
    progress: "已完成 {p}%",
    stop: "停止",
    stop_hint: "放弃此操作：之前的状态保持不变",
    stopped_seek: "已停止：模拟运行到 {t}，并停在那里。",
    stopped_load: "已停止：会话未加载，之前的会话保持不变。",
    stopped_block: "已停止：{n} 条粘贴的命令未执行。",
};
