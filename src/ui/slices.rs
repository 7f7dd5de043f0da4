//! The store's reducer for long work: the player does seeks, loads and pasted blocks in slices
//! ([`Player::work`]); each action, and each continuation the page asks for
//! (`ui::work::use_work_driver`), runs slices for at most [`FRAME_BUDGET_MS`] of wall time, so
//! that with the render after it the page answers within a frame or two.

use crate::sim::scenario::player::{Action, Player};

/// Simulator events per slice: a few milliseconds natively, so that the wall-time check
/// between slices is fine-grained in wasm too.
pub const SLICE_EVENTS: u64 = 2_000;

/// Wall time the page spends on work before it yields to the browser.
pub const FRAME_BUDGET_MS: f64 = 10.0;

/// Replay events a playing page spends on each frame laying checkpoints ahead of a seek back
/// ([`Player::warm`]): a fraction of a millisecond, enough to keep up with a busy run at 1×.
pub const WARM_EVENTS_PER_FRAME: u64 = 300;

/// Wall time an idle page spends laying checkpoints on one turn (`ui::work`).
pub const WARM_IDLE_MS: f64 = 5.0;

/// Starts the action, then carries any work on for about [`FRAME_BUDGET_MS`] (to the end
/// where there is no browser: components rendered natively, whose tests read the result at
/// once). Then, in the browser, a little time goes to laying checkpoints for the first seek
/// back: a frame of play's share, or an idle turn's.
pub fn reduce(player: &mut Player, action: Action) {
    let (frame, idle_turn) = (
        matches!(action, Action::Tick(_)),
        matches!(action, Action::Work(_)),
    );
    match action {
        Action::Work(_) => {}
        action => player.start(action),
    }
    let Some(clock) = performance() else {
        while !player.work(u64::MAX) {}
        return;
    };
    let start = clock.now();
    while !player.work(SLICE_EVENTS) {
        if clock.now() - start >= FRAME_BUDGET_MS {
            return;
        }
    }
    if frame {
        player.warm(WARM_EVENTS_PER_FRAME);
    } else if idle_turn {
        let start = clock.now();
        while !player.warm(WARM_EVENTS_PER_FRAME) && clock.now() - start < WARM_IDLE_MS {}
    }
}

/// Not `context::performance`: the store's reducer in `context` calls this module, and a
/// folder's modules import each other one way only (`tests/layout.rs`).
fn performance() -> Option<web_sys::Performance> {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window().and_then(|w| w.performance())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::time::Micros;

    #[test]
    fn natively_the_reducer_does_the_work_to_the_end() {
        let mut p = Player::new();
        reduce(&mut p, Action::Seek(Micros::from_secs(5)));
        assert!(p.busy().is_none());
        assert_eq!(p.cursor, Micros::from_secs(5));
        reduce(&mut p, Action::Load("cluster nodes=2\nwait 1s\n".into()));
        assert!(p.busy().is_none());
        assert_eq!(p.horizon(), Micros::from_secs(1));
    }
}
