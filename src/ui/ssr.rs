//! Renders components to HTML natively, so `cargo test` checks them without a browser.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

use yew::{BaseComponent, LocalServerRenderer};

/// The component's HTML for the given props.
pub fn render<C: BaseComponent>(props: C::Properties) -> String {
    block_on(LocalServerRenderer::<C>::with_props(props).render())
}

struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Local rendering needs no runtime, only something to poll it to the end on this thread.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(output) => return output,
            Poll::Pending => thread::park(),
        }
    }
}
