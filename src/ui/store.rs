//! The Yew side of [`Player`]: one shared store, provided to every component by context.
//! Components read `store.player()` and send [`Action`]s; nothing else changes the run.

use std::cell::{Ref, RefCell};
use std::rc::Rc;

use yew::prelude::*;

use super::player::{Action, Player};

/// The shared playground state. Cloning shares the same player; `version` changes on every
/// action so that Yew re-renders the components that read it.
#[derive(Clone)]
pub struct Store {
    player: Rc<RefCell<Player>>,
    version: u64,
}

impl Store {
    pub fn new(player: Player) -> Store {
        Store {
            player: Rc::new(RefCell::new(player)),
            version: 0,
        }
    }

    /// Read access for rendering.
    pub fn player(&self) -> Ref<'_, Player> {
        self.player.borrow()
    }

    pub fn version(&self) -> u64 {
        self.version
    }
}

impl PartialEq for Store {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.player, &other.player) && self.version == other.version
    }
}

impl Reducible for Store {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        self.player.borrow_mut().apply(action);
        Rc::new(Store {
            player: self.player.clone(),
            version: self.version + 1,
        })
    }
}

/// What components get from the context: read with `.player()`, act with `.dispatch(..)`.
pub type StoreHandle = UseReducerHandle<Store>;

/// The store from the nearest [`ContextProvider`]; panics only if a component is mounted
/// outside the app (a programming error caught by the component tests).
#[hook]
pub fn use_store() -> StoreHandle {
    use_context::<StoreHandle>().expect("components are mounted inside the app's store provider")
}
