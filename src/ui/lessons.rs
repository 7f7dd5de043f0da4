//! Lessons: guided walkthroughs (each step a few scenario lines run at the cursor, with what to
//! watch for) and ready-made scenarios to load and play from the start. Everything a lesson
//! does is a scenario line given to the core, like any other action on the stage.

use yew::prelude::*;

use super::i18n::{fill, Lang};
use super::player::Action;
use super::stage::load;
use super::store::StoreHandle;
use crate::sim::time::Micros;

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
    },
    LessonStep {
        say: Bi {
            en: "Press Play (slowly: 0.01× to 0.05×) or Step, or run this step to jump 100 ms ahead. Each publish goes from the channel to the master and to the slave; the master's effects go round the GM ring; every replica confirms, then the publisher gets basic.ack.",
            zh: "按播放（慢速：0.01× 到 0.05×）或单步，或执行这一步直接前进 100 毫秒。每条发布都从信道发给 master 和 slave；master 的操作沿 GM 环传播；每个副本确认之后，生产者才收到 basic.ack。",
        },
        lines: &["wait 100ms"],
    },
    LessonStep {
        say: Bi {
            en: "Stop the master's node, as the seed does with systemctl stop rabbitmq-server: open node1's menu and choose Stop (controlled), or run this step.",
            zh: "像资料里用 systemctl stop rabbitmq-server 那样停止 master 所在节点：打开 node1 的菜单选择“停止（正常关闭）”，或执行这一步。",
        },
        lines: &["stop rabbit@node1"],
    },
    LessonStep {
        say: Bi {
            en: "Play on (or run this step to jump a second ahead): the slave was synchronised, so it is promoted to master and still holds the three messages. The client on node1 lost its connection: clients reconnect by themselves, the broker does not move them.",
            zh: "继续播放（或执行这一步前进一秒）：slave 已同步，因此被提升为 master，仍持有三条消息。node1 上的客户端连接断开了：客户端需要自己重连，broker 不会替它转移。",
        },
        lines: &["wait 1s"],
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
    strip_expectations(include_str!("../../tests/scenarios/gm_batching_window.scn"))
}

fn unsynced() -> String {
    strip_expectations(include_str!(
        "../../tests/scenarios/t09_unsynced_failover.scn"
    ))
}

fn split_brain() -> String {
    strip_expectations(include_str!(
        "../../tests/scenarios/t23_partition_ignore.scn"
    ))
}

/// A steady load for watching throughput (and for the frame-time benchmark): five nodes, an
/// `all` queue, a consumer, and one confirmed publish every 50 ms for 30 s.
pub fn steady_load() -> String {
    let mut s = String::from(
        "cluster nodes=5\nseed 7\nrabbitmqctl set_policy ha-all \"^\" '{\"ha-mode\":\"all\"}'\n\
         client pub node=node2\nclient con node=node1\npub declare load durable\npub confirm\n\
         con consume load ack=auto\n",
    );
    for i in 1..=600 {
        s.push_str(&format!("wait 50ms\npub publish load \"m{i}\"\n"));
    }
    s
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
pub fn start(store: &super::store::StoreHandle, lesson: &Lesson) {
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

/// The lessons card. `picked` is the lesson in the list; `running` the guided lesson loaded
/// and its next step (both the page's state).
pub fn lessons_card(
    store: &StoreHandle,
    picked: &UseStateHandle<usize>,
    running: &UseStateHandle<Option<(usize, usize)>>,
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
            running.set(matches!(LESSONS[idx].kind, LessonKind::Guided { .. }).then_some((idx, 0)));
        })
    };
    let options: Html = LESSONS
        .iter()
        .enumerate()
        .map(|(i, l)| html! { <option selected={i == **picked}>{ l.title.get(lang) }</option> })
        .collect();
    let guided = (**running).and_then(|(idx, step)| match LESSONS[idx].kind {
        LessonKind::Guided { steps, .. } => Some((idx, step, steps)),
        LessonKind::Scenario { .. } => None,
    });
    let steps_html = guided.map(|(idx, step, steps)| {
        if step >= steps.len() {
            return html! { <p class="lesson-done">{ text.lesson_done }</p> };
        }
        let s = steps[step];
        let run = {
            let store = store.clone();
            let running = running.clone();
            Callback::from(move |_: MouseEvent| {
                for line in s.lines {
                    store.dispatch(Action::Input((*line).to_string()));
                }
                running.set(Some((idx, step + 1)));
            })
        };
        html! {
            <div class="lesson-step" aria-live="polite">
                <p class="tool-label">{ fill(text.lesson_progress, &[("i", &(step + 1).to_string()), ("n", &steps.len().to_string())]) }</p>
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
            { steps_html.unwrap_or_default() }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::Session;
    use crate::ui::player::Player;

    #[test]
    fn every_scenario_lesson_loads() {
        for l in LESSONS {
            if let Some(text) = scenario_text(l) {
                let s = Session::from_scenario(&text).unwrap_or_else(|e| panic!("{}: {e:?}", l.id));
                assert!(s.now() > Micros::ZERO, "{}", l.id);
            }
        }
    }

    #[test]
    fn the_walkthrough_ends_with_the_slave_as_master() {
        let LessonKind::Guided { setup, steps } = LESSONS[0].kind else {
            panic!("the first lesson is guided");
        };
        let mut p = Player::new();
        p.apply(Action::Load(setup.into()));
        for s in steps {
            for line in s.lines {
                p.apply(Action::Input((*line).into()));
                assert_eq!(p.error, None, "{line}");
            }
        }
        let q = &p.view().queue_views()[0];
        assert_ne!(q.master, "rabbit@node1");
        assert_eq!(q.ready, 3);
        assert!(!p.view().clients[0].connected);
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
