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
    /// The load generation of the welcome session, while it is the one on the page.
    static SHOWN: Cell<Option<u64>> = const { Cell::new(None) };
}

/// Loads the welcome scenario and plays it.
pub fn start(store: &StoreHandle) {
    load(store, WELCOME);
    SHOWN.with(|s| s.set(Some(load_generation())));
    store.dispatch(Action::SetSpeed(WELCOME_SPEED));
    store.dispatch(Action::Play);
}

/// The inputs the welcome scenario itself records: more means the learner acted.
fn own_inputs() -> usize {
    crate::sim::scenario::session::Session::from_scenario(WELCOME).map_or(0, |s| s.inputs().len())
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
    let own = use_memo((), |_| own_inputs());
    let current = SHOWN.with(|s| s.get()) == Some(load_generation());
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
        assert!(own_inputs() >= 2);
    }
}
