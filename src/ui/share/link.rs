//! The share link's format, with no browser in it (tested natively): `#v=1&z=<base64url of the
//! raw-deflated scenario>[&t=<µs>]`, which every link made since links were versioned uses,
//! and the first format, `#s=<base64url of the text>[&t=…]`, which keeps working. Reading a
//! link is bounded: the `z=` text has a length limit, and inflating stops at the scenario
//! limit, so a small link cannot unpack into a large allocation.

use crate::sim::limits;
use crate::sim::time::Micros;
use crate::ui::i18n::lang::{fill, Lang};
use crate::ui::i18n::link::damage;
pub use crate::ui::i18n::link::Damage;
use crate::ui::i18n::share::share_text;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The link version this build writes and reads.
pub const LINK_VERSION: &str = "1";

/// The longest `z=` a link may carry, in characters: the base64url of deflate's worst case for
/// a scenario at [`limits::SCENARIO_MAX_BYTES`] (stored blocks, 5 bytes per 65,535), so every
/// scenario that may be loaded fits in a link.
pub const Z_MAX_CHARS: usize = 350_000;

/// How hard the Share button compresses (miniz's scale, 0–10): 9 costs a few milliseconds
/// on the longest sessions and gives the shortest links at all sizes measured.
const LEVEL: u8 = 9;

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
pub fn decode(text: &str) -> Result<Vec<u8>, Damage> {
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
            _ => return Err(Damage::NotBase64 { at: i + 1 }),
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
        return Err(Damage::CutShort);
    }
    Ok(out)
}

/// Why a link cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkError {
    /// Its scenario part has this many characters, more than `max`.
    TooLong { chars: usize, max: usize },
    /// It does not decode: what went wrong (a detail for the curious).
    Damaged(Damage),
    /// It names a version this build does not know.
    Newer(String),
    /// It inflates past the scenario limit.
    InflatesTooFar,
}

impl LinkError {
    /// What to tell the reader, in the page's language.
    pub fn message(&self, lang: Lang) -> String {
        let text = share_text(lang);
        match self {
            LinkError::TooLong { chars, max } => fill(
                text.link_too_long,
                &[
                    ("n", &limits::thousands(*chars as u64)),
                    ("max", &limits::thousands(*max as u64)),
                ],
            ),
            LinkError::Damaged(why) => fill(text.link_damaged, &[("where", &damage(lang, why))]),
            LinkError::Newer(v) => fill(text.link_newer, &[("v", v)]),
            LinkError::InflatesTooFar => fill(
                text.link_inflates_too_far,
                &[("max", &limits::thousands(limits::SCENARIO_MAX_BYTES as u64))],
            ),
        }
    }
}

/// The scenario as a link's `v=1&z=…` part (no `#`, no `t=`): what an embed's
/// `data-mirrorscope` holds.
pub fn scenario_part(scenario: &str) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec(scenario.as_bytes(), LEVEL);
    format!("v={LINK_VERSION}&z={}", encode(&packed))
}

/// The hash for a session: its scenario, and the time on display.
pub fn hash_for(scenario: &str, at: Micros) -> String {
    format!("#{}&t={}", scenario_part(scenario), at.0)
}

/// The hash of the first link format, `#s=` (what links made before `v=1` look like).
pub fn legacy_hash_for(scenario: &str, at: Micros) -> String {
    format!("#s={}&t={}", encode(scenario.as_bytes()), at.0)
}

/// The hash for a session, unless its scenario is longer than a scenario may be: then its
/// length in bytes, for the page to say so instead of giving a link that would not load.
pub fn link_hash(scenario: &str, at: Micros) -> Result<String, usize> {
    if scenario.len() > limits::SCENARIO_MAX_BYTES {
        return Err(scenario.len());
    }
    Ok(hash_for(scenario, at))
}

/// What a URL hash holds: `None` when it holds no session; otherwise the scenario and the
/// moment to show, or why it cannot be read.
pub fn read_hash(hash: &str) -> Option<Result<(String, Option<Micros>), LinkError>> {
    let body = hash.strip_prefix('#').unwrap_or(hash);
    let (mut legacy, mut packed, mut version, mut at) = (None, None, None, None);
    for part in body.split('&') {
        if let Some(v) = part.strip_prefix("s=") {
            legacy = Some(v);
        } else if let Some(v) = part.strip_prefix("z=") {
            packed = Some(v);
        } else if let Some(v) = part.strip_prefix("v=") {
            version = Some(v);
        } else if let Some(v) = part.strip_prefix("t=") {
            at = v.parse::<u64>().ok().map(Micros);
        }
    }
    let text = match (version, packed, legacy) {
        (Some(v), _, _) if v != LINK_VERSION => {
            if v.parse::<u32>().is_ok_and(|n| n > 1) {
                Err(LinkError::Newer(v.to_string()))
            } else {
                Err(LinkError::Damaged(Damage::NotVersion(v.to_string())))
            }
        }
        (_, Some(z), _) => read_packed(z),
        (Some(_), None, None) => Err(LinkError::Damaged(Damage::NoPackedPart)),
        (_, None, Some(s)) => read_legacy(s),
        (None, None, None) => return None,
    };
    Some(text.map(|t| (t, at)))
}

fn read_legacy(s: &str) -> Result<String, LinkError> {
    let chars = s.trim_end_matches('=').len();
    if chars > limits::SHARE_LINK_MAX_CHARS {
        return Err(LinkError::TooLong {
            chars,
            max: limits::SHARE_LINK_MAX_CHARS,
        });
    }
    let bytes = decode(s).map_err(LinkError::Damaged)?;
    utf8(bytes)
}

fn read_packed(z: &str) -> Result<String, LinkError> {
    let chars = z.trim_end_matches('=').len();
    if chars > Z_MAX_CHARS {
        return Err(LinkError::TooLong {
            chars,
            max: Z_MAX_CHARS,
        });
    }
    let packed = decode(z).map_err(LinkError::Damaged)?;
    let bytes =
        miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, limits::SCENARIO_MAX_BYTES)
            .map_err(|e| match e.status {
                miniz_oxide::inflate::TINFLStatus::HasMoreOutput => LinkError::InflatesTooFar,
                _ => LinkError::Damaged(Damage::BrokenCompression),
            })?;
    utf8(bytes)
}

fn utf8(bytes: Vec<u8>) -> Result<String, LinkError> {
    String::from_utf8(bytes).map_err(|e| {
        LinkError::Damaged(Damage::NotUtf8 {
            at: e.utf8_error().valid_up_to(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::Session;

    fn read(hash: &str) -> Result<(String, Option<Micros>), LinkError> {
        read_hash(hash).expect("a session link")
    }

    #[test]
    fn a_session_survives_the_link() {
        let mut s = Session::new(&["cluster nodes=4", "seed 5"]).unwrap();
        s.apply(r#"rabbitmqctl set_policy ha "^q" '{"ha-mode":"exactly","ha-params":2}'"#)
            .unwrap();
        s.apply("client app node=node3").unwrap();
        s.apply("caption \"队列 q1 ✓\" zh=\"中文\"").unwrap();
        s.apply("app declare q1 durable").unwrap();
        s.advance_to(Micros::from_ms(120));
        let hash = hash_for(&s.to_scenario(), Micros::from_ms(80));
        assert!(hash.starts_with("#v=1&z="), "{hash}");
        let (text, at) = read(&hash).unwrap();
        assert_eq!(at, Some(Micros::from_ms(80)));
        assert_eq!(text, s.to_scenario());
        let again = Session::from_scenario(&text).unwrap();
        assert_eq!(again.run.sim.trace, s.run.sim.trace);
        assert_eq!(again.run.narration, s.run.narration);
    }

    #[test]
    fn a_link_made_before_versions_still_loads() {
        // Made by the Share button before v=1 (the scenario `cluster nodes=2\nwait 5ms\n`).
        let old = "#s=Y2x1c3RlciBub2Rlcz0yCndhaXQgNW1zCg&t=5000";
        assert_eq!(
            read(old).unwrap(),
            (
                "cluster nodes=2\nwait 5ms\n".to_string(),
                Some(Micros(5000))
            )
        );
        assert_eq!(
            old,
            legacy_hash_for("cluster nodes=2\nwait 5ms\n", Micros(5000))
        );
    }

    #[test]
    fn links_are_much_shorter_than_before() {
        // A figure, printed: the bound asserted is loose (well under the measured ratios).
        for (name, text) in [
            (
                "t09",
                include_str!("../../../tests/scenarios/t09_unsynced_failover.scn"),
            ),
            (
                "captions",
                include_str!("../../../tests/scenarios/captions_unsynced_failover.scn"),
            ),
            (
                "t23c",
                include_str!("../../../tests/scenarios/t23c_autoheal.scn"),
            ),
        ] {
            let (old, new) = (
                legacy_hash_for(text, Micros::ZERO),
                hash_for(text, Micros::ZERO),
            );
            eprintln!("{name}: s= {} chars, v=1 {} chars", old.len(), new.len());
            assert!(
                new.len() * 10 < old.len() * 6,
                "{} vs {}",
                new.len(),
                old.len()
            );
        }
    }

    /// The figure docs/ARCHITECTURE.md quotes: the link's length against the first format's,
    /// over every scenario under tests/scenarios (printed; only "shorter" is asserted).
    #[test]
    fn prints_the_ratio_on_the_test_scenarios() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
        let (mut old_total, mut new_total, mut files) = (0, 0, 0);
        for entry in std::fs::read_dir(dir).expect("tests/scenarios") {
            let path = entry.expect("entry").path();
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let (old, new) = (
                legacy_hash_for(&text, Micros::ZERO).len(),
                hash_for(&text, Micros::ZERO).len(),
            );
            assert!(new < old, "{}", path.display());
            (old_total, new_total, files) = (old_total + old, new_total + new, files + 1);
        }
        eprintln!(
            "{files} scenarios: s= {old_total} chars, v=1 {new_total} chars, ratio {:.2}",
            new_total as f64 / old_total as f64
        );
    }

    #[test]
    fn every_scenario_that_loads_fits_in_a_link() {
        // Incompressible: a pseudo-random printable text at the scenario limit.
        let mut x = 7u64;
        let text: String = (0..limits::SCENARIO_MAX_BYTES)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (b'!' + ((x >> 33) % 94) as u8) as char
            })
            .collect();
        let hash = link_hash(&text, Micros(1)).expect("fits");
        assert!(hash.len() < Z_MAX_CHARS, "{}", hash.len());
        assert_eq!(read(&hash).unwrap().0, text);
        let long = "#".repeat(limits::SCENARIO_MAX_BYTES + 1);
        assert_eq!(
            link_hash(&long, Micros(7)),
            Err(limits::SCENARIO_MAX_BYTES + 1)
        );
    }

    #[test]
    fn bad_links_are_reported_in_words() {
        assert_eq!(read_hash(""), None);
        assert_eq!(read_hash("#section-2"), None);
        // Too long, before any decoding.
        let long = format!("#v=1&z={}", "A".repeat(Z_MAX_CHARS + 1));
        let e = read(&long).unwrap_err();
        assert!(e
            .message(Lang::En)
            .contains("350,001 characters, more than the 350,000"));
        let e = read(&format!(
            "#s={}",
            "A".repeat(limits::SHARE_LINK_MAX_CHARS + 1)
        ))
        .unwrap_err();
        assert!(e
            .message(Lang::En)
            .contains("more than the 349,526 a link may carry"));
        // Bad base64, bad deflate, bad UTF-8.
        assert_eq!(
            read("#v=1&z=ab$d").unwrap_err(),
            LinkError::Damaged(Damage::NotBase64 { at: 3 })
        );
        assert_eq!(
            read(&format!("#v=1&z={}", encode(b"\xff\xff\xff\xff")))
                .unwrap_err()
                .message(Lang::En),
            "the link is damaged (the compressed text is broken): copy it again from where it was shared"
        );
        let cut = hash_for("cluster nodes=3\nwait 1s\n", Micros::ZERO);
        let cut = &cut[..cut.find("&t=").unwrap() - 3];
        assert!(matches!(read(cut), Err(LinkError::Damaged(_))), "{cut}");
        let not_utf8 = miniz_oxide::deflate::compress_to_vec(b"ok\xfe", 9);
        assert_eq!(
            read(&format!("#v=1&z={}", encode(&not_utf8))).unwrap_err(),
            LinkError::Damaged(Damage::NotUtf8 { at: 2 })
        );
        assert_eq!(
            read("#v=1&z=ab$d").unwrap_err().message(Lang::Zh),
            "链接已损坏（第 3 个字符不是 base64url）：请从分享处重新复制"
        );
        assert!(read(&format!("#s={}", encode(b"\xff\xfe"))).is_err());
        // A newer version, and nonsense.
        let e = read("#v=2&z=AAAA").unwrap_err();
        assert_eq!(e, LinkError::Newer("2".into()));
        assert!(e.message(Lang::En).contains("made by a newer mirrorscope"));
        assert!(e.message(Lang::Zh).contains("更新版本的 mirrorscope"));
        assert!(matches!(read("#v=x&z=AAAA"), Err(LinkError::Damaged(_))));
        assert!(matches!(read("#v=1"), Err(LinkError::Damaged(_))));
        // Decodes, but is not a scenario: the session reports it when loaded.
        let (text, _) = read(&hash_for("explode everything", Micros::ZERO)).unwrap();
        assert!(Session::from_scenario(&text).is_err());
    }

    #[test]
    fn inflating_stops_at_the_scenario_limit() {
        // A zip bomb: 4 MiB of one byte packs into a few kilobytes.
        let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b'a'; 4 << 20], 1);
        let z = encode(&bomb);
        assert!(z.len() < Z_MAX_CHARS);
        let e = read(&format!("#v=1&z={z}")).unwrap_err();
        assert_eq!(e, LinkError::InflatesTooFar);
        assert!(e.message(Lang::En).contains("more than the 262,144 bytes"));
        // At the limit exactly it loads.
        let full =
            miniz_oxide::deflate::compress_to_vec(&vec![b'#'; limits::SCENARIO_MAX_BYTES], 9);
        assert!(read(&format!("#v=1&z={}", encode(&full))).is_ok());
    }

    #[test]
    fn base64url_round_trips() {
        for s in ["", "a", "ab", "abc", "abcd", "队列 q1 ✓"] {
            assert_eq!(decode(&encode(s.as_bytes())).unwrap(), s.as_bytes(), "{s}");
        }
        assert_eq!(encode(b"\xfb\xff"), "-_8");
        assert_eq!(decode("-_8=").unwrap(), b"\xfb\xff");
        assert!(decode("a").is_err());
    }
}
