//! Lessons: guided walkthroughs (each step a few scenario lines run at the cursor, with what to
//! watch for) and ready-made scenarios to load and play from the start. Everything a lesson
//! does is a scenario line given to the core, like any other action on the stage.

use yew::prelude::*;

use crate::sim::bench::steady_load;
use crate::sim::policy::definition::HaMode;
use crate::sim::scenario::player::Action;
use crate::sim::time::Micros;
use crate::sim::Sim;
use crate::ui::context::StoreHandle;
use crate::ui::context::{load, load_generation};
use crate::ui::i18n::{fill, Lang};
use crate::ui::stage::anomalies::LossNotice;

/// Text in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bi {
    pub en: &'static str,
    pub zh: &'static str,
}

impl Bi {
    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Zh => self.zh,
        }
    }
}

/// One step of a guided lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LessonStep {
    pub say: Bi,
    /// Scenario lines the step runs (none: the step only asks the reader to play or look).
    pub lines: &'static [&'static str],
    /// How the simulation shows the step done, whichever way the learner did it.
    pub done: Done,
}

/// What a step's outcome looks like in the simulation. Each names the effect, not the means:
/// the learner may type the step's line, use the console, a form, a node's menu or just play.
/// The lesson queues live in vhost `/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    /// The policies in force (user and operator, merged as the broker does) would give
    /// `queue` `ha-mode: exactly` with `ha-params: replicas`.
    ExactlyPolicy { queue: &'static str, replicas: u32 },
    /// `queue` exists and at least `messages` were routed to it.
    Published {
        queue: &'static str,
        messages: usize,
    },
    /// Every publish to `queue` from a channel in confirm mode got its confirm (there was at
    /// least one), or `after` of simulated time passed since the step began.
    Confirmed { queue: &'static str, after: Micros },
    /// The node that held `queue`'s master when the step began is no longer running (a stop
    /// returns once a mirror has been promoted).
    MasterNodeDown { queue: &'static str },
}

/// What a step's check compares with: the simulation as it was when the step became current.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepStart {
    pub at: Micros,
    /// The node holding the step's queue's master then.
    pub master: Option<usize>,
}

impl Done {
    fn queue(self) -> &'static str {
        match self {
            Done::ExactlyPolicy { queue, .. }
            | Done::Published { queue, .. }
            | Done::Confirmed { queue, .. }
            | Done::MasterNodeDown { queue } => queue,
        }
    }

    fn start(self, sim: &Sim) -> StepStart {
        StepStart {
            at: sim.now(),
            master: sim
                .find_queue("/", self.queue())
                .map(|q| sim.master_node(q)),
        }
    }

    /// Whether `sim` shows the step done.
    pub fn holds(self, sim: &Sim, start: &StepStart) -> bool {
        match self {
            Done::ExactlyPolicy { queue, replicas } => {
                let (_, _, def) = sim.policies.effective_for_queue("/", queue);
                def.ha_mode() == Some(HaMode::Exactly(replicas))
            }
            Done::Published { queue, messages } => {
                let Some(q) = sim.find_queue("/", queue) else {
                    return false;
                };
                sim.messages.iter().filter(|m| m.queue == Some(q)).count() >= messages
            }
            Done::Confirmed { queue, after } => {
                if sim.now() >= start.at.saturating_add(after) {
                    return true;
                }
                let Some(q) = sim.find_queue("/", queue) else {
                    return false;
                };
                let mut confirmed = sim
                    .messages
                    .iter()
                    .filter(|m| m.queue == Some(q))
                    .filter_map(|m| m.publisher)
                    .filter_map(|(c, seq)| Some((sim.clients.get(c.0)?, seq)))
                    .filter(|(c, _)| c.confirm_mode)
                    .map(|(c, seq)| c.confirms.iter().any(|x| x.0 == seq))
                    .peekable();
                confirmed.peek().is_some() && confirmed.all(|ok| ok)
            }
            Done::MasterNodeDown { .. } => start
                .master
                .is_some_and(|n| n < sim.cluster.nodes.len() && !sim.node_running(n)),
        }
    }
}

/// What a lesson does.
#[derive(Debug, Clone, Copy)]
pub enum LessonKind {
    /// A fresh cluster (the set-up lines), then steps run one by one.
    Guided {
        setup: &'static str,
        steps: &'static [LessonStep],
    },
    /// A whole scenario, loaded and rewound to its start, played at `speed`.
    Scenario { text: fn() -> String, speed: f64 },
}

/// A lesson as the lessons card lists it.
#[derive(Debug, Clone, Copy)]
pub struct Lesson {
    pub id: &'static str,
    pub title: Bi,
    pub intro: Bi,
    pub kind: LessonKind,
}

/// The seeds' walkthrough (seed 000): an `exactly 2` policy, a queue, the master stopped, the
/// slave takes over.
const WALKTHROUGH: &[LessonStep] = &[
    LessonStep {
        say: Bi {
            en: "Set a policy: queues whose name starts with queue_ get exactly two replicas (a master and one slave), with automatic sync.",
            zh: "设置策略：名称以 queue_ 开头的队列恰好有两个副本（一个 master 和一个 slave），并自动同步。",
        },
        lines: &[r#"rabbitmqctl set_policy ha-two "^queue_" '{"ha-mode":"exactly","ha-params":2,"ha-sync-mode":"automatic"}'"#],
        done: Done::ExactlyPolicy {
            queue: "queue_demo",
            replicas: 2,
        },
    },
    LessonStep {
        say: Bi {
            en: "A client on node1 declares queue_demo: the master goes on node1 (the declaring client's node) and the policy adds one slave on another running node, picked at random. Then it publishes three persistent messages with confirms.",
            zh: "node1 上的客户端声明 queue_demo：master 放在 node1（声明队列的客户端所在节点），策略在另一个随机选出的运行中节点上加一个 slave。然后以确认模式发布三条持久化消息。",
        },
        lines: &[
            "client app node=node1",
            "app declare queue_demo durable",
            "app confirm",
            "app publish queue_demo \"order\" count=3",
        ],
        done: Done::Published {
            queue: "queue_demo",
            messages: 3,
        },
    },
    LessonStep {
        say: Bi {
            en: "Press Play (slowly: 0.01× to 0.05×) or Step, or run this step to jump 100 ms ahead. Each publish goes from the channel to the master and to the slave; the master's effects go round the GM ring; every replica confirms, then the publisher gets basic.ack.",
            zh: "按播放（慢速：0.01× 到 0.05×）或单步，或执行这一步直接前进 100 毫秒。每条发布都从信道发给 master 和 slave；master 的操作沿 GM 环传播；每个副本确认之后，生产者才收到 basic.ack。",
        },
        lines: &["wait 100ms"],
        done: Done::Confirmed {
            queue: "queue_demo",
            after: Micros(100_000),
        },
    },
    LessonStep {
        say: Bi {
            en: "Stop the master's node, as the seed does with systemctl stop rabbitmq-server: open node1's menu and choose Stop (controlled), or run this step. Like the real command, the stop returns once the shutdown is complete: the slave was synchronised, so it has already been promoted to master and still holds the three messages. The client on node1 lost its connection: clients reconnect by themselves, the broker does not move them.",
            zh: "像资料里用 systemctl stop rabbitmq-server 那样停止 master 所在节点：打开 node1 的菜单选择“停止（正常关闭）”，或执行这一步。与真实命令一样，停止操作在关闭完成后才返回：slave 已同步，因此它已被提升为 master，仍持有三条消息。node1 上的客户端连接断开了：客户端需要自己重连，broker 不会替它转移。",
        },
        lines: &["stop rabbit@node1"],
        done: Done::MasterNodeDown {
            queue: "queue_demo",
        },
    },
];

/// The acceptance scenarios double as lessons, without their `expect` lines.
fn strip_expectations(text: &'static str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("expect"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn gm_window() -> String {
    strip_expectations(include_str!(
        "../../../tests/scenarios/gm_batching_window.scn"
    ))
}

fn unsynced() -> String {
    strip_expectations(include_str!(
        "../../../tests/scenarios/t09_unsynced_failover.scn"
    ))
}

fn split_brain() -> String {
    strip_expectations(include_str!(
        "../../../tests/scenarios/t23_partition_ignore.scn"
    ))
}

pub const LESSONS: &[Lesson] = &[
    Lesson {
        id: "walkthrough",
        title: Bi {
            en: "Stop the master: a slave takes over",
            zh: "停止 master：slave 接管",
        },
        intro: Bi {
            en: "The seeds' walkthrough, step by step, on three nodes.",
            zh: "按种子资料的演示，在三个节点上一步步进行。",
        },
        kind: LessonKind::Guided {
            setup: "cluster nodes=3\nseed 7",
            steps: WALKTHROUGH,
        },
    },
    Lesson {
        id: "gm-window",
        title: Bi {
            en: "Acked messages come back (GM batching window)",
            zh: "已 ack 的消息又回来了（GM 批处理窗口）",
        },
        intro: Bi {
            en: "A consumer acks three messages; the master dies 1.5 ms later, before its GM broadcast of the ack left. The promoted slave redelivers them.",
            zh: "消费者 ack 了三条消息；1.5 毫秒后 master 死了，它对这次 ack 的 GM 广播还没发出。被提升的 slave 重新投递了它们。",
        },
        kind: LessonKind::Scenario {
            text: gm_window,
            speed: 0.01,
        },
    },
    Lesson {
        id: "unsynced",
        title: Bi {
            en: "An unsynchronised slave is promoted: old messages are lost",
            zh: "提升未同步的 slave：旧消息丢失",
        },
        intro: Bi {
            en: "Ten messages sit on the master before a slave is added; the master crashes; the slave, which never got them, becomes master.",
            zh: "添加 slave 之前 master 上已有十条消息；master 崩溃后，从未收到它们的 slave 成为 master。",
        },
        kind: LessonKind::Scenario {
            text: unsynced,
            speed: 0.05,
        },
    },
    Lesson {
        id: "split-brain",
        title: Bi {
            en: "Partition with ignore: two masters (split brain)",
            zh: "ignore 模式下的网络分区：两个 master（脑裂）",
        },
        intro: Bi {
            en: "node1 is cut off; after net_ticktime each side declares the other down and the majority side promotes its own master. Nothing merges when the network heals.",
            zh: "node1 被隔离；经过 net_ticktime 后双方都判定对方宕机，多数派一侧提升自己的 master。网络恢复后不会合并。",
        },
        kind: LessonKind::Scenario {
            text: split_brain,
            speed: 5.0,
        },
    },
    Lesson {
        id: "steady",
        title: Bi {
            en: "Steady load: five nodes, ha-mode all, 20 messages a second",
            zh: "稳定负载：五个节点，ha-mode all，每秒 20 条消息",
        },
        intro: Bi {
            en: "A publisher on node2 and an auto-ack consumer on node1; watch the ring carry every publish round five replicas.",
            zh: "node2 上的生产者和 node1 上的自动确认消费者；看 GM 环把每条发布传遍五个副本。",
        },
        kind: LessonKind::Scenario {
            text: steady_load,
            speed: 1.0,
        },
    },
];

/// The scenario text of a whole-scenario lesson.
pub fn scenario_text(lesson: &Lesson) -> Option<String> {
    match lesson.kind {
        LessonKind::Scenario { text, .. } => Some(text()),
        LessonKind::Guided { .. } => None,
    }
}

/// Starts a lesson: a guided one from its set-up, a scenario loaded and rewound to its start.
pub fn start(store: &crate::ui::context::StoreHandle, lesson: &Lesson) {
    store.dispatch(Action::Pause);
    match lesson.kind {
        LessonKind::Guided { setup, .. } => load(store, setup),
        LessonKind::Scenario { speed, .. } => {
            if let Some(text) = scenario_text(lesson) {
                load(store, text);
                store.dispatch(Action::Seek(Micros::ZERO));
                store.dispatch(Action::SetSpeed(speed));
            }
        }
    }
}

/// A guided lesson under way (the page's state while one is loaded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Index in [`LESSONS`].
    pub lesson: usize,
    /// The current step; the number of steps once all are done.
    pub step: usize,
    pub start: StepStart,
    /// The previous step, when the simulation showed it done before its button was pressed.
    pub recognised: Option<usize>,
    /// The session the lesson loaded ([`load_generation`]): loading another ends the lesson.
    pub generation: u64,
}

impl Progress {
    /// A guided lesson's first step, on the freshly loaded `sim`; none for a scenario.
    pub fn begin(lesson: usize, sim: &Sim, generation: u64) -> Option<Progress> {
        let steps = guided_steps(lesson)?;
        let start = steps
            .first()
            .map_or(Done::start_default(sim), |s| s.done.start(sim));
        Some(Progress {
            lesson,
            step: 0,
            start,
            recognised: None,
            generation,
        })
    }

    pub fn steps(&self) -> &'static [LessonStep] {
        guided_steps(self.lesson).unwrap_or_default()
    }

    pub fn current(&self) -> Option<LessonStep> {
        self.steps().get(self.step).copied()
    }

    fn enter(self, step: usize, sim: &Sim, recognised: Option<usize>) -> Progress {
        let start = match self.steps().get(step) {
            Some(s) => s.done.start(sim),
            None => Done::start_default(sim),
        };
        Progress {
            step,
            start,
            recognised,
            ..self
        }
    }

    /// Moves past every step that `sim` shows done (several, when the learner ran ahead).
    pub fn update(self, sim: &Sim) -> Progress {
        let mut p = self;
        while let Some(s) = p.current() {
            if !s.done.holds(sim, &p.start) {
                break;
            }
            p = p.enter(p.step + 1, sim, Some(p.step));
        }
        p
    }

    /// What the step's button runs: nothing when `sim` already shows the step done, so that a
    /// card drawn before the learner acted some other way does not apply the step twice.
    pub fn lines_to_run(&self, sim: &Sim) -> &'static [&'static str] {
        match self.current() {
            Some(s) if !s.done.holds(sim, &self.start) => s.lines,
            _ => &[],
        }
    }

    /// The next step, after the button ran this one's lines on what is now `sim`.
    pub fn stepped(self, sim: &Sim) -> Progress {
        if self.current().is_none() {
            return self;
        }
        self.enter(self.step + 1, sim, None)
    }
}

impl Done {
    /// The start of "no step" (all done): nothing to compare with.
    fn start_default(sim: &Sim) -> StepStart {
        StepStart {
            at: sim.now(),
            master: None,
        }
    }
}

fn guided_steps(lesson: usize) -> Option<&'static [LessonStep]> {
    match LESSONS.get(lesson)?.kind {
        LessonKind::Guided { steps, .. } => Some(steps),
        LessonKind::Scenario { .. } => None,
    }
}

/// The lessons card. `picked` is the lesson in the list; `running` the guided lesson loaded
/// and how far it got (both the page's state).
pub fn lessons_card(
    store: &StoreHandle,
    picked: &UseStateHandle<usize>,
    running: &UseStateHandle<Option<Progress>>,
    lang: Lang,
) -> Html {
    let text = lang.text();
    let lesson = LESSONS[(**picked).min(LESSONS.len() - 1)];
    let on_pick = {
        let picked = picked.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                picked.set((s.selected_index().max(0) as usize).min(LESSONS.len() - 1));
            }
        })
    };
    let on_load = {
        let store = store.clone();
        let running = running.clone();
        let idx = **picked;
        Callback::from(move |_: MouseEvent| {
            start(&store, &LESSONS[idx]);
            let progress = Progress::begin(idx, store.player().view(), load_generation());
            running.set(progress);
        })
    };
    let options: Html = LESSONS
        .iter()
        .enumerate()
        .map(|(i, l)| html! { <option selected={i == **picked}>{ l.title.get(lang) }</option> })
        .collect();
    // The card follows the cluster: whatever the learner did since it was drawn (console,
    // forms, a node's menu, playing) may have finished the step on show.
    let progress = (**running)
        .and_then(|p| (p.generation == load_generation()).then(|| p.update(store.player().view())));
    if progress != **running {
        running.set(progress);
    }
    let steps_html = progress.map(|p| {
        let recognised = p.recognised.map(|i| {
            html! {
                <p class="lesson-done lesson-recognised">{ fill(text.lesson_recognised, &[("i", &(i + 1).to_string())]) }</p>
            }
        });
        let Some(s) = p.current() else {
            return html! {
                <div class="lesson-step" aria-live="polite">
                    { recognised.unwrap_or_default() }
                    <p class="lesson-done">{ text.lesson_done }</p>
                </div>
            };
        };
        let run = {
            let store = store.clone();
            let running = running.clone();
            Callback::from(move |_: MouseEvent| {
                let lines = p.lines_to_run(store.player().view());
                for line in lines {
                    store.dispatch(Action::Input((*line).to_string()));
                }
                let next = p.stepped(store.player().view());
                running.set(Some(next));
            })
        };
        html! {
            <div class="lesson-step" aria-live="polite">
                { recognised.unwrap_or_default() }
                <p class="tool-label">{ fill(text.lesson_progress, &[("i", &(p.step + 1).to_string()), ("n", &p.steps().len().to_string())]) }</p>
                <p>{ s.say.get(lang) }</p>
                if !s.lines.is_empty() {
                    <pre class="lines">{ s.lines.join("\n") }</pre>
                }
                <button type="button" class="btn primary" onclick={run}>{ text.lesson_run_step }</button>
            </div>
        }
    });
    html! {
        <section class="card lessons" aria-labelledby="lessons-h">
            <h2 id="lessons-h">{ text.lessons_heading }</h2>
            <div class="lesson-pick">
                <select aria-label={text.lesson_pick} onchange={on_pick}>{ options }</select>
                <button type="button" class="btn" onclick={on_load}>{ text.lesson_load }</button>
            </div>
            <p class="muted">{ lesson.intro.get(lang) }</p>
            <LossNotice />
            { steps_html.unwrap_or_default() }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::player::Player;
    use crate::sim::scenario::Session;
    use crate::ui::panels::clients::publish_line;
    use crate::ui::panels::policies::form::PolicyForm;

    #[test]
    fn every_scenario_lesson_loads() {
        for l in LESSONS {
            if let Some(text) = scenario_text(l) {
                let s = Session::from_scenario(&text).unwrap_or_else(|e| panic!("{}: {e:?}", l.id));
                assert!(s.now() > Micros::ZERO, "{}", l.id);
            }
        }
    }

    fn walkthrough() -> (Player, Progress) {
        let LessonKind::Guided { setup, .. } = LESSONS[0].kind else {
            panic!("the first lesson is guided");
        };
        let mut p = Player::new();
        p.apply(Action::Load(setup.into()));
        let progress = Progress::begin(0, p.view(), 0).unwrap();
        (p, progress)
    }

    /// Presses the lesson's own button: its lines (unless already done), then the next step.
    fn press(p: &mut Player, progress: Progress) -> Progress {
        for line in progress.lines_to_run(p.view()) {
            p.apply(Action::Input((*line).into()));
            assert_eq!(p.error, None, "{line}");
        }
        progress.stepped(p.view())
    }

    /// Plays in 1 ms ticks until the card moves past `step` (or `limit` of simulated time).
    fn play_until_past(p: &mut Player, progress: &mut Progress, step: usize, limit: Micros) {
        let end = p.cursor.saturating_add(limit);
        p.apply(Action::Play);
        while progress.step <= step && p.cursor < end {
            p.apply(Action::Tick(1.0));
            *progress = progress.update(p.view());
        }
        p.apply(Action::Pause);
    }

    fn master_node(p: &Player) -> usize {
        let q = p.view().find_queue("/", "queue_demo").unwrap();
        p.view().master_node(q)
    }

    #[test]
    fn the_walkthrough_ends_with_the_slave_as_master() {
        let (mut p, mut progress) = walkthrough();
        let steps = progress.steps();
        for (i, s) in steps.iter().enumerate() {
            // No step is done before the learner does it (the checks are not vacuous).
            assert_eq!(progress.update(p.view()).step, i, "before step {}", i + 1);
            assert_eq!(progress.lines_to_run(p.view()), s.lines);
            progress = press(&mut p, progress);
            assert_eq!((progress.step, progress.recognised), (i + 1, None));
        }
        // Each line ran once: the wait lines move the clock without being recorded.
        assert_eq!(p.session.inputs().len(), 6);
        let q = &p.view().queue_views()[0];
        assert_ne!(q.master, "rabbit@node1");
        assert_eq!(q.ready, 3);
        assert!(!p.view().clients[0].connected);
    }

    #[test]
    fn the_walkthrough_follows_the_forms_panels_and_menus() {
        let (mut p, mut progress) = walkthrough();
        // The Policies form, with its own name and pattern.
        let form = PolicyForm {
            name: "mirror-two".into(),
            pattern: "demo$".into(),
            apply_to: "queues".into(),
            ha_mode: "exactly".into(),
            ha_params_count: "2".into(),
            ha_sync_mode: "automatic".into(),
            ..PolicyForm::default()
        };
        p.apply(Action::Input(form.set_line()));
        assert_eq!(p.error, None);
        progress = progress.update(p.view());
        assert_eq!((progress.step, progress.recognised), (1, Some(0)));
        // The clients panel: a client on node2, two publishes, then a third.
        for line in [
            "client shop node=node2",
            "shop declare queue_demo durable",
            "shop confirm",
            &publish_line("shop", "queue_demo", "a", true, "2"),
        ] {
            p.apply(Action::Input(line.to_string()));
            assert_eq!(p.error, None, "{line}");
        }
        progress = progress.update(p.view());
        assert_eq!(progress.step, 1, "only two messages so far");
        p.apply(Action::Input(publish_line(
            "shop",
            "queue_demo",
            "b",
            true,
            "1",
        )));
        progress = progress.update(p.view());
        assert_eq!((progress.step, progress.recognised), (2, Some(1)));
        // Play: the confirms come back well before the step's 100 ms.
        let started = p.cursor;
        play_until_past(&mut p, &mut progress, 2, Micros::from_secs(1));
        assert_eq!((progress.step, progress.recognised), (3, Some(2)));
        assert!(p.cursor < started + Micros::from_ms(50), "{:?}", p.cursor);
        // The master is on node2 (the declaring client's node): stop it from its menu.
        let n = master_node(&p);
        assert_eq!(n, 1);
        let stop = p.view().node_actions(n)[0].line.clone();
        p.apply(Action::Input(stop));
        progress = progress.update(p.view());
        assert_eq!((progress.step, progress.recognised), (4, Some(3)));
        // The stop returned once the shutdown was complete: the slave already took over.
        assert_ne!(master_node(&p), 1);
    }

    #[test]
    fn the_walkthrough_follows_the_console_without_doing_a_step_twice() {
        let (mut p, mut progress) = walkthrough();
        p.apply(Action::Console {
            node: 2,
            line: r#"rabbitmqctl set_policy two "^queue_d" '{"ha-mode":"exactly","ha-params":2}'"#
                .into(),
        });
        assert_eq!(p.console[0].exit_code, 0);
        // A card drawn before the console line: its button finds the step done and runs
        // nothing.
        assert!(progress.lines_to_run(p.view()).is_empty());
        progress = press(&mut p, progress);
        assert_eq!(p.session.inputs().len(), 1);
        progress = press(&mut p, progress);
        assert_eq!(p.session.inputs().len(), 5);
        // Jump ahead with the step's own wait, then stop the master's node as the seed does.
        progress = press(&mut p, progress);
        assert_eq!(progress.step, 3);
        assert_eq!(master_node(&p), 0);
        p.apply(Action::Console {
            node: 0,
            line: "systemctl stop rabbitmq-server".into(),
        });
        assert!(progress.lines_to_run(p.view()).is_empty());
        progress = progress.update(p.view());
        assert_eq!((progress.step, progress.recognised), (4, Some(3)));
        assert_eq!(p.session.inputs().len(), 6);
        assert_ne!(master_node(&p), 0);
    }

    #[test]
    fn policies_that_do_not_give_queue_demo_two_replicas_are_not_the_step() {
        for def in [
            r#"rabbitmqctl set_policy ha "^queue_" '{"ha-mode":"exactly","ha-params":3}'"#,
            r#"rabbitmqctl set_policy ha "^other" '{"ha-mode":"exactly","ha-params":2}'"#,
            r#"rabbitmqctl set_policy ha "^queue_" '{"ha-mode":"all"}'"#,
            r#"rabbitmqctl set_policy --apply-to exchanges ha "^queue_" '{"ha-mode":"exactly","ha-params":2}'"#,
        ] {
            let (mut p, progress) = walkthrough();
            p.apply(Action::Input(def.into()));
            assert_eq!(p.error, None, "{def}");
            assert_eq!(progress.update(p.view()).step, 0, "{def}");
        }
        // A matching one of higher priority wins over one that does not fit.
        let (mut p, progress) = walkthrough();
        p.apply(Action::Input(
            r#"rabbitmqctl set_policy --priority 5 all "^queue_" '{"ha-mode":"all"}'"#.into(),
        ));
        p.apply(Action::Input(
            r#"rabbitmqctl set_policy two "^queue_" '{"ha-mode":"exactly","ha-params":2}'"#.into(),
        ));
        assert_eq!(progress.update(p.view()).step, 0);
    }

    #[test]
    fn watching_steps_are_done_when_their_time_has_passed() {
        let (mut p, mut progress) = walkthrough();
        progress = press(&mut p, progress);
        // A publisher without confirms: only the clock can finish the watching step.
        for line in [
            "client app node=node1",
            "app declare queue_demo durable",
            "app publish queue_demo \"x\" count=3",
        ] {
            p.apply(Action::Input(line.into()));
        }
        progress = progress.update(p.view());
        assert_eq!(progress.step, 2);
        let started = p.cursor;
        play_until_past(&mut p, &mut progress, 2, Micros::from_secs(1));
        assert_eq!(progress.step, 3);
        assert_eq!(p.cursor, started + Micros::from_ms(100));
    }

    #[test]
    fn the_steady_load_publishes_twenty_a_second() {
        let s = Session::from_scenario(&steady_load()).unwrap();
        let pubs = s
            .inputs()
            .iter()
            .filter(|i| i.line.starts_with("pub publish"))
            .count();
        assert_eq!(pubs, 600);
        assert_eq!(s.now(), Micros::from_secs(30));
        assert_eq!(s.run.sim.cluster.nodes.len(), 5);
    }
}
