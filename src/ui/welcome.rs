//! The first minute: with no session in the URL the page opens on a small mirrored queue
//! already at work (`welcome.scn`), playing slowly enough to follow each message by eye while
//! quiet time is skipped, with one line saying what to try first.

use std::cell::Cell;

use yew::prelude::*;

use crate::sim::scenario::player::Action;
use crate::ui::context::{load, load_generation, use_lang, StoreHandle};
use crate::ui::i18n::Lang;

/// The scenario the page opens on.
pub const WELCOME: &str = include_str!("welcome.scn");

/// The speed it plays at: one second of the page shows 10 ms of the cluster, so a 1 ms hop
/// between nodes takes a tenth of a second on screen.
pub const WELCOME_SPEED: f64 = 0.01;

thread_local! {
    /// The load generation of the welcome session and which text of it was loaded (the whole
    /// scenario or its prelude), while it is the one on the page.
    static SHOWN: Cell<Option<(u64, &'static str)>> = const { Cell::new(None) };
}

/// Loads the welcome scenario and plays it. While the second part of the wasm (the Python
/// interpreter, `ui::deferred`) is still on its way, the page shows the cluster the welcome starts
/// with, at its first instant, and loads the whole scenario once that part is in, unless the
/// learner has loaded or done something else meanwhile.
pub fn start(store: &StoreHandle) {
    if !crate::ui::deferred::pending() {
        play(store, WELCOME);
        return;
    }
    show(store, prelude());
    store.dispatch(Action::SetSpeed(WELCOME_SPEED));
    let generation = load_generation();
    let store = store.clone();
    crate::ui::deferred::when_loaded(move || {
        let untouched = store.player().session.inputs().len() <= own_inputs(prelude());
        if load_generation() == generation && untouched {
            play(&store, WELCOME);
        }
    });
}

fn play(store: &StoreHandle, scenario: &'static str) {
    show(store, scenario);
    store.dispatch(Action::SetSpeed(WELCOME_SPEED));
    store.dispatch(Action::Play);
}

fn show(store: &StoreHandle, scenario: &'static str) {
    load(store, scenario);
    SHOWN.with(|s| s.set(Some((load_generation(), scenario))));
}

/// The welcome's lines before its first script: the cluster and its policy.
fn prelude() -> &'static str {
    WELCOME
        .find("\npython ")
        .map_or(WELCOME, |at| &WELCOME[..at + 1])
}

/// The inputs a welcome scenario itself records: more means the learner acted.
fn own_inputs(scenario: &str) -> usize {
    crate::sim::scenario::session::Session::from_scenario(scenario).map_or(0, |s| s.inputs().len())
}

fn hint(lang: Lang) -> (&'static str, &'static str) {
    match lang {
        Lang::En => (
            "A mirrored queue at work: the shop script on node1 publishes an order every 50 ms to the master of “orders” on node1, which replicates it to its mirrors on node2 and node3 before confirming; the packer on node3 consumes.",
            "Try first: click node1 and choose “Stop (controlled)”, then watch which mirror takes over and what the two scripts see.",
        ),
        Lang::Zh => (
            "一个正在工作的镜像队列：node1 上的 shop 脚本每 50 毫秒发布一条订单，发往 node1 上 “orders” 的主节点；主节点先把它复制到 node2 和 node3 上的镜像，再确认；node3 上的 packer 负责消费。",
            "先试试：点击 node1，选择“停止（正常关闭）”，看看哪个镜像接管，以及两个脚本各自遇到了什么。",
        ),
    }
}

#[derive(Properties, PartialEq)]
pub struct WelcomeHintProps {
    pub store: StoreHandle,
}

/// The line that says what to try first, while the welcome session is on the page and the
/// learner has not acted on it yet.
#[function_component]
pub fn WelcomeHint(props: &WelcomeHintProps) -> Html {
    let lang = use_lang();
    let dismissed = use_state_eq(|| false);
    let shown = SHOWN
        .with(|s| s.get())
        .filter(|(g, _)| *g == load_generation());
    let own = use_memo(shown.map(|(_, text)| text), |text| {
        text.map_or(0, own_inputs)
    });
    let current = shown.is_some();
    let untouched = props.store.player().session.inputs().len() <= *own;
    if *dismissed || !current || !untouched {
        return html! {};
    }
    let (what, try_first) = hint(lang);
    let dismiss = {
        let dismissed = dismissed.clone();
        Callback::from(move |_: MouseEvent| dismissed.set(true))
    };
    let close = match lang {
        Lang::En => "Got it",
        Lang::Zh => "知道了",
    };
    html! {
        <div class="notice banner welcome-hint" role="note">
            <p><span>{ what }</span>{ " " }<strong>{ try_first }</strong></p>
            <button type="button" class="btn" onclick={dismiss}>{ close }</button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::player::Player;
    use crate::sim::scenario::session::Session;
    use crate::sim::time::Micros;

    #[test]
    fn the_welcome_is_alive_from_its_first_second() {
        let mut p = Player::from_session(Session::from_scenario(WELCOME).unwrap());
        p.apply(Action::Seek(Micros::from_secs(1)));
        let sim = p.view();
        let q = sim
            .find_queue("/", "orders")
            .expect("the shop declares orders");
        assert_eq!(
            sim.master_node(q),
            0,
            "the master is on node1, the declarer's node"
        );
        let packer = p
            .session
            .run
            .clients
            .iter()
            .find(|(n, _, _)| n == "packer")
            .map(|(_, c, _)| *c)
            .expect("the packer connected");
        let got = sim.clients[packer.0].deliveries.len();
        assert!(got >= 15, "{got} orders packed in the first second");
        assert!(own_inputs(WELCOME) >= 2);
        assert!(own_inputs(prelude()) < own_inputs(WELCOME));
        assert!(
            !prelude().contains("python"),
            "the prelude needs no interpreter"
        );
    }
}
