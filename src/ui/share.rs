//! Sharing: the URL's hash carries the session as a scenario (`#s=` base64url of its text, and
//! `t=` the moment on display), so a link replays exactly what its author did. A link that does
//! not decode or does not parse is reported in words; the page never fails on it.

use yew::prelude::*;

use crate::sim::limits;
use crate::sim::scenario::player::Action;
use crate::sim::time::Micros;
use crate::ui::context::load;
use crate::ui::context::StoreHandle;
use crate::ui::i18n::Text;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding (RFC 4648 §5), safe in a URL's hash.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let sextets = [n >> 18, n >> 12, n >> 6, n];
        for s in &sextets[..chunk.len() + 1] {
            out.push(ALPHABET[(s & 63) as usize] as char);
        }
    }
    out
}

/// The inverse of [`encode`]; also accepts standard base64 and padding, as links get mangled.
pub fn decode(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for (i, c) in text.trim_end_matches('=').bytes().enumerate() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return Err(format!("character {} is not base64url", i + 1)),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if bits >= 6 {
        return Err("the text is cut short".to_string());
    }
    Ok(out)
}

/// The hash for a session: its scenario, and the time on display.
pub fn hash_for(scenario: &str, at: Micros) -> String {
    format!("#s={}&t={}", encode(scenario.as_bytes()), at.0)
}

/// The hash for a session, unless its scenario is longer than a link may carry: then the
/// scenario's length in bytes, for the page to say so instead of giving a link that would not
/// load (`parse_hash` refuses it).
pub fn link_hash(scenario: &str, at: Micros) -> Result<String, usize> {
    if scenario.len() > limits::SCENARIO_MAX_BYTES {
        return Err(scenario.len());
    }
    Ok(hash_for(scenario, at))
}

/// What a URL hash holds: `None` when it holds no session; otherwise the scenario and the
/// moment to show, or why it cannot be read.
pub fn parse_hash(hash: &str) -> Option<Result<(String, Option<Micros>), String>> {
    let body = hash.strip_prefix('#').unwrap_or(hash);
    let mut scenario = None;
    let mut at = None;
    for part in body.split('&') {
        if let Some(v) = part.strip_prefix("s=") {
            scenario = Some(v);
        } else if let Some(v) = part.strip_prefix("t=") {
            at = v.parse::<u64>().ok().map(Micros);
        }
    }
    let s = scenario?;
    if s.trim_end_matches('=').len() > limits::SHARE_LINK_MAX_CHARS {
        return Some(Err(format!(
            "the link carries {} characters, more than the {} a link may carry (a playground limit, docs/limits.md): share a shorter session",
            limits::thousands(s.len() as u64),
            limits::thousands(limits::SHARE_LINK_MAX_CHARS as u64)
        )));
    }
    Some(
        decode(s)
            .and_then(|b| String::from_utf8(b).map_err(|_| "the text is not UTF-8".to_string()))
            .map(|text| (text, at)),
    )
}

/// Loads the session a hash holds. Returns the message to show when it holds a bad one.
pub fn load_hash(store: &StoreHandle, hash: &str) -> Option<String> {
    match parse_hash(hash)? {
        Err(e) => Some(e),
        Ok((text, at)) => {
            load(store, text);
            let error = store.player().error.clone();
            match error {
                Some(e) => Some(e),
                None => {
                    if let Some(t) = at {
                        store.dispatch(Action::Seek(t));
                    }
                    None
                }
            }
        }
    }
}

/// The page's current hash.
pub fn current_hash() -> String {
    crate::ui::context::browser()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Puts a hash in the address bar without a navigation (and without a `hashchange` event).
fn replace_hash(hash: &str) {
    if let Some(h) = crate::ui::context::browser().and_then(|w| w.history().ok()) {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(hash));
    }
}

/// The Share button: writes the link into the address bar, copies it, and shows it (in
/// `shown`, the page's state), or says why the session cannot travel as a link.
pub fn share_button(
    store: &StoreHandle,
    shown: &UseStateHandle<Option<Result<String, String>>>,
    text: &Text,
) -> Html {
    let onclick = {
        let store = store.clone();
        let shown = shown.clone();
        let too_long = text.share_too_long;
        Callback::from(move |_: MouseEvent| {
            let (scenario, at) = {
                let p = store.player();
                (p.session.to_scenario(), p.cursor)
            };
            let hash = match link_hash(&scenario, at) {
                Ok(h) => h,
                Err(len) => {
                    shown.set(Some(Err(crate::ui::i18n::lang::fill(
                        too_long,
                        &[
                            ("n", &limits::thousands(len as u64)),
                            ("max", &limits::thousands(limits::SCENARIO_MAX_BYTES as u64)),
                        ],
                    ))));
                    return;
                }
            };
            replace_hash(&hash);
            let url = crate::ui::context::browser()
                .and_then(|w| w.location().href().ok())
                .unwrap_or(hash);
            if let Some(clip) = crate::ui::context::browser().map(|w| w.navigator().clipboard()) {
                // Refused without a user gesture or permission: the link is shown anyway.
                let _ = clip.write_text(&url);
            }
            shown.set(Some(Ok(url)));
        })
    };
    let close = {
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| shown.set(None))
    };
    html! {
        <div class="share">
            <button type="button" class="btn" {onclick}>{ text.share }</button>
            if let Some(Err(message)) = (**shown).clone() {
                <div class="share-pop" role="alert">
                    <p class="form-error">{ message }</p>
                    <button type="button" class="btn" onclick={close.clone()}>{ text.close }</button>
                </div>
            }
            if let Some(Ok(url)) = (**shown).clone() {
                <div class="share-pop" role="status">
                    <label>
                        <span>{ text.share_copied }</span>
                        <input type="text" readonly=true value={url} aria-label={text.share_link_label}
                            onfocus={|e: FocusEvent| {
                                if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() { i.select(); }
                            }} />
                    </label>
                    <button type="button" class="btn" onclick={close}>{ text.close }</button>
                </div>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::Session;

    #[test]
    fn a_session_too_long_for_a_link_gets_no_link() {
        let fits = "#".repeat(limits::SCENARIO_MAX_BYTES);
        let hash = link_hash(&fits, Micros(7)).expect("at the limit a link is made");
        assert!(matches!(parse_hash(&hash), Some(Ok((ref t, Some(Micros(7))))) if *t == fits));
        let long = "#".repeat(limits::SCENARIO_MAX_BYTES + 1);
        assert_eq!(
            link_hash(&long, Micros(7)),
            Err(limits::SCENARIO_MAX_BYTES + 1)
        );
    }

    #[test]
    fn a_link_beyond_its_length_limit_is_refused_in_words() {
        let at_limit = encode(&vec![b'#'; limits::SCENARIO_MAX_BYTES]);
        assert_eq!(at_limit.len(), limits::SHARE_LINK_MAX_CHARS);
        assert!(parse_hash(&format!("#s={at_limit}")).is_some_and(|r| r.is_ok()));
        let long = "A".repeat(limits::SHARE_LINK_MAX_CHARS + 1);
        match parse_hash(&format!("#s={long}")) {
            Some(Err(e)) => assert!(e.contains("more than the 349,526 a link may carry"), "{e}"),
            other => panic!("expected the length message, got {other:?}"),
        }
    }

    #[test]
    fn base64url_round_trips() {
        for s in [
            "",
            "a",
            "ab",
            "abc",
            "abcd",
            "队列 q1 ✓",
            "rabbitmqctl set_policy ha \"^q\" '{}'",
        ] {
            assert_eq!(decode(&encode(s.as_bytes())).unwrap(), s.as_bytes(), "{s}");
        }
        assert_eq!(encode(b"\xfb\xff"), "-_8");
        assert_eq!(decode("-_8=").unwrap(), b"\xfb\xff");
        assert!(decode("ab$d").is_err());
        assert!(decode("a").is_err());
    }

    #[test]
    fn a_session_survives_the_link() {
        let mut s = Session::new(&["cluster nodes=4", "seed 5"]).unwrap();
        s.apply(r#"rabbitmqctl set_policy ha "^q" '{"ha-mode":"exactly","ha-params":2}'"#)
            .unwrap();
        s.apply("client app node=node3").unwrap();
        s.apply("app declare q1 durable").unwrap();
        s.advance_to(Micros::from_ms(120));
        let hash = hash_for(&s.to_scenario(), Micros::from_ms(80));
        let (text, at) = parse_hash(&hash).unwrap().unwrap();
        assert_eq!(at, Some(Micros::from_ms(80)));
        let again = Session::from_scenario(&text).unwrap();
        assert_eq!(again.run.sim.trace, s.run.sim.trace);
    }

    #[test]
    fn bad_links_are_reported_not_fatal() {
        assert_eq!(parse_hash(""), None);
        assert_eq!(parse_hash("#section-2"), None);
        assert!(parse_hash("#s=%%%").unwrap().is_err());
        assert!(parse_hash(&format!("#s={}", encode(b"\xff\xfe")))
            .unwrap()
            .is_err());
        // Decodes, but is not a scenario: the session reports it when loaded.
        let (text, _) = parse_hash(&format!("#s={}", encode(b"explode everything")))
            .unwrap()
            .unwrap();
        assert!(Session::from_scenario(&text).is_err());
    }
}
