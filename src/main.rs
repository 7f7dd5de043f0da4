//! The browser app (trunk builds this binary).

use mirrorscope::ui::app::{App, AppProps};
use mirrorscope::ui::i18n::Lang;
use mirrorscope::ui::panic_panel;

fn main() {
    panic_panel::install();
    yew::Renderer::<App>::with_props(AppProps {
        lang: Lang::from_browser(),
        welcome: true,
    })
    .render();
}
