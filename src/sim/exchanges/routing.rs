//! Routing a message through the exchanges of a vhost, as 3.10.8's `rabbit_exchange:route/2`
//! walks them: each exchange type picks its bindings (direct: the exact key; fanout: all;
//! topic: `rabbit_exchange_type_topic`'s trie; headers: `x-match`), an exchange that routed
//! nowhere hands the message to its alternate exchange, exchange-to-exchange bindings are
//! followed once each (a cycle does not loop), and every queue is named once.

use crate::erl::json::Json;
use crate::sim::exchanges::record::{DestKind, Exchange, ExchangeType, Exchanges};

/// The routing key's words (`split_topic_key/1`): the empty key has none.
fn words(key: &str) -> Vec<&str> {
    if key.is_empty() {
        Vec::new()
    } else {
        key.split('.').collect()
    }
}

/// Whether a topic binding key matches a routing key: `*` is one word, `#` zero or more
/// (the trie's `trie_match/4`, as a table so many `#`s stay linear in the key's length).
pub fn topic_matches(pattern: &str, key: &str) -> bool {
    let p = words(pattern);
    let k = words(key);
    // m[i][j]: p[i..] matches k[j..].
    let mut m = vec![vec![false; k.len() + 1]; p.len() + 1];
    m[p.len()][k.len()] = true;
    for i in (0..p.len()).rev() {
        for j in (0..=k.len()).rev() {
            m[i][j] = match p[i] {
                "#" => m[i + 1][j] || (j < k.len() && m[i][j + 1]),
                "*" => j < k.len() && m[i + 1][j + 1],
                w => j < k.len() && k[j] == w && m[i + 1][j + 1],
            };
        }
    }
    m[0][0]
}

#[derive(Clone, Copy, PartialEq)]
enum XMatch {
    All,
    Any,
    AllWithX,
    AnyWithX,
}

/// `x-match` values `rabbit_exchange_type_headers:validate_binding/2` accepts; `None` when a
/// value is refused, with the reason's text.
pub fn validate_x_match(args: &[(String, Json)]) -> Result<(), String> {
    match args.iter().find(|(k, _)| k == "x-match").map(|(_, v)| v) {
        None => Ok(()),
        Some(Json::Str(s)) if matches!(s.as_str(), "all" | "any" | "all-with-x" | "any-with-x") => {
            Ok(())
        }
        Some(Json::Str(s)) => Err(format!(
            "Invalid x-match field value <<\"{s}\">>; expected all, any, all-with-x, or any-with-x"
        )),
        Some(other) => Err(format!(
            "Invalid x-match field type {} (value {}); expected longstr",
            field_type(other),
            other.to_erlang()
        )),
    }
}

/// The AMQP field type pika encodes a value as (`signedint`, `longstr`, …).
pub fn field_type(v: &Json) -> &'static str {
    match v {
        Json::Int(n) if i32::try_from(*n).is_ok() => "signedint",
        Json::Int(_) => "long",
        Json::Bool(_) => "bool",
        Json::Str(_) => "longstr",
        Json::Float(_) => "double",
        Json::Object(_) => "table",
        Json::Array(_) => "array",
        Json::Null => "void",
    }
}

/// Erlang's `==` on two field values (numbers compare arithmetically).
fn same_value(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Int(x), Json::Float(y)) | (Json::Float(y), Json::Int(x)) => (*x as f64) == *y,
        _ => a == b,
    }
}

/// `rabbit_exchange_type_headers:headers_match/2`: the binding's arguments against the
/// message's headers, both sorted by key.
pub fn headers_match(binding_args: &[(String, Json)], headers: &[(String, Json)]) -> bool {
    let kind = match binding_args.iter().find(|(k, _)| k == "x-match") {
        Some((_, Json::Str(s))) => match s.as_str() {
            "any" => XMatch::Any,
            "all-with-x" => XMatch::AllWithX,
            "any-with-x" => XMatch::AnyWithX,
            _ => XMatch::All,
        },
        _ => XMatch::All,
    };
    let with_x = matches!(kind, XMatch::AllWithX | XMatch::AnyWithX);
    let is_all = matches!(kind, XMatch::All | XMatch::AllWithX);
    let mut pattern: Vec<&(String, Json)> = binding_args.iter().collect();
    crate::sort::sort_by(&mut pattern, |a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut data: Vec<&(String, Json)> = headers.iter().collect();
    crate::sort::sort_by(&mut data, |a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let (mut all, mut any) = (true, false);
    let (mut pi, mut di) = (0, 0);
    loop {
        if is_all && !all {
            return false;
        }
        if !is_all && any {
            return true;
        }
        let Some((pk, pv)) = pattern.get(pi).map(|p| (&p.0, &p.1)) else {
            return if is_all { all } else { any };
        };
        if pk == "x-match" || (pk.starts_with("x-") && !with_x) {
            pi += 1;
            continue;
        }
        let Some((dk, dv)) = data.get(di).map(|d| (&d.0, &d.1)) else {
            all = false;
            pi = pattern.len();
            continue;
        };
        match pk.as_bytes().cmp(dk.as_bytes()) {
            std::cmp::Ordering::Greater => di += 1,
            std::cmp::Ordering::Less => {
                all = false;
                pi += 1;
            }
            std::cmp::Ordering::Equal => {
                if pv.is_null() || same_value(pv, dv) {
                    any = true;
                } else {
                    all = false;
                }
                pi += 1;
                di += 1;
            }
        }
    }
}

/// What a published message carries that routing reads.
#[derive(Debug, Clone, Copy)]
pub struct Delivery<'a> {
    pub key: &'a str,
    pub headers: &'a [(String, Json)],
}

/// The queues (names, sorted and each once, as `lists:usort/1` leaves them) a message
/// published to `exchange` reaches. `alternate` gives an exchange's alternate exchange (its
/// `alternate-exchange` argument, else its policy's key: `rabbit_policy:get_arg/3`). The
/// default exchange routes to the queue named by the key; the caller keeps the ones that exist.
pub fn route(
    store: &Exchanges,
    vhost: &str,
    exchange: &str,
    d: Delivery<'_>,
    alternate: impl Fn(&Exchange) -> Option<String>,
) -> Vec<String> {
    if exchange.is_empty() {
        return vec![d.key.to_string()];
    }
    let Some(first) = store.get(vhost, exchange) else {
        return Vec::new();
    };
    let mut work: Vec<&Exchange> = vec![first];
    let mut seen: Vec<&str> = vec![exchange];
    let mut queues: Vec<String> = Vec::new();
    while let Some(x) = work.pop() {
        let dests: Vec<(DestKind, &str)> = store
            .from_source(vhost, &x.name)
            .filter(|b| match x.kind {
                ExchangeType::Direct => b.key == d.key,
                ExchangeType::Fanout => true,
                ExchangeType::Topic => topic_matches(&b.key, d.key),
                ExchangeType::Headers => headers_match(&b.args, d.headers),
            })
            .map(|b| (b.dest_kind, b.dest.as_str()))
            .collect();
        let ae = if dests.is_empty() { alternate(x) } else { None };
        let ae_dest = ae.as_deref().map(|n| (DestKind::Exchange, n));
        for (kind, name) in ae_dest.into_iter().chain(dests) {
            match kind {
                DestKind::Queue => queues.push(name.to_string()),
                DestKind::Exchange => {
                    if seen.contains(&name) {
                        continue;
                    }
                    if let Some(next) = store.get(vhost, name) {
                        seen.push(&next.name);
                        work.push(next);
                    }
                }
            }
        }
    }
    crate::sort::sort_by(&mut queues, |a, b| a.as_bytes().cmp(b.as_bytes()));
    queues.dedup();
    queues
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::exchanges::record::Binding;

    #[test]
    fn topic_words_follow_the_trie() {
        let yes = [
            ("a.*.c", "a.b.c"),
            ("#", ""),
            ("#", "a.b"),
            ("a.#", "a"),
            ("a.#.c", "a.c"),
            ("a.#.c", "a.x.y.c"),
            ("*.orange.*", "quick.orange.rabbit"),
            ("lazy.#", "lazy.orange.male.rabbit"),
            ("*.*", "a."),
            ("", ""),
        ];
        for (p, k) in yes {
            assert!(topic_matches(p, k), "{p} {k}");
        }
        let no = [
            ("a.*", "a"),
            ("*", ""),
            ("a.*.c", "a.b.b.c"),
            ("*.orange.*", "quick.orange.male.rabbit"),
            ("", "a"),
            ("a", "a.b"),
        ];
        for (p, k) in no {
            assert!(!topic_matches(p, k), "{p} {k}");
        }
        // Many `#`s stay cheap.
        let p = vec!["#"; 100].join(".");
        assert!(topic_matches(&p, &vec!["w"; 120].join(".")));
    }

    fn t(pairs: &[(&str, Json)]) -> Vec<(String, Json)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn headers_all_any_and_with_x() {
        let s = |v: &str| Json::Str(v.to_string());
        let hs = t(&[
            ("format", s("pdf")),
            ("type", s("report")),
            ("x-tag", s("1")),
        ]);
        assert!(headers_match(
            &t(&[("x-match", s("all")), ("format", s("pdf"))]),
            &hs
        ));
        assert!(headers_match(
            &t(&[("format", s("pdf")), ("type", s("report"))]),
            &hs
        ));
        assert!(!headers_match(
            &t(&[("format", s("pdf")), ("type", s("log"))]),
            &hs
        ));
        assert!(headers_match(
            &t(&[
                ("x-match", s("any")),
                ("format", s("zip")),
                ("type", s("report"))
            ]),
            &hs
        ));
        assert!(!headers_match(
            &t(&[("x-match", s("any")), ("a", s("zip"))]),
            &hs
        ));
        // x- keys are ignored unless x-match says with-x.
        assert!(headers_match(&t(&[("x-tag", s("2"))]), &hs));
        assert!(!headers_match(
            &t(&[("x-match", s("all-with-x")), ("x-tag", s("2"))]),
            &hs
        ));
        assert!(headers_match(
            &t(&[("x-match", s("any-with-x")), ("x-tag", s("1"))]),
            &hs
        ));
        // A binding with only x-match matches anything under all, nothing under any.
        assert!(headers_match(&t(&[("x-match", s("all"))]), &[]));
        assert!(!headers_match(&t(&[("x-match", s("any"))]), &hs));
        // Void means presence; numbers compare arithmetically.
        assert!(headers_match(&t(&[("type", Json::Null)]), &hs));
        assert!(headers_match(
            &t(&[("n", Json::Int(1))]),
            &t(&[("n", Json::Float(1.0))])
        ));
        assert!(validate_x_match(&t(&[("x-match", s("some"))])).is_err());
        assert_eq!(
            validate_x_match(&t(&[("x-match", Json::Int(1))])).unwrap_err(),
            "Invalid x-match field type signedint (value 1); expected longstr"
        );
    }

    fn bind(st: &mut Exchanges, src: &str, kind: DestKind, dest: &str, key: &str) {
        st.bindings.push(Binding {
            vhost: "/".into(),
            source: src.into(),
            dest_kind: kind,
            dest: dest.into(),
            key: key.into(),
            args: Vec::new(),
        });
    }

    fn x(st: &mut Exchanges, name: &str, kind: ExchangeType) {
        st.exchanges.push(Exchange {
            vhost: "/".into(),
            name: name.into(),
            kind,
            durable: false,
            auto_delete: false,
            internal: false,
            args: Vec::new(),
        });
    }

    #[test]
    fn exchange_cycles_end_and_each_queue_is_named_once() {
        let mut st = Exchanges::with_vhost("/");
        x(&mut st, "a", ExchangeType::Fanout);
        x(&mut st, "b", ExchangeType::Fanout);
        bind(&mut st, "a", DestKind::Exchange, "b", "");
        bind(&mut st, "b", DestKind::Exchange, "a", "");
        bind(&mut st, "a", DestKind::Queue, "q2", "");
        bind(&mut st, "b", DestKind::Queue, "q1", "");
        bind(&mut st, "b", DestKind::Queue, "q2", "");
        let d = Delivery {
            key: "k",
            headers: &[],
        };
        assert_eq!(route(&st, "/", "a", d, |_| None), vec!["q1", "q2"]);
        assert_eq!(route(&st, "/", "", d, |_| None), vec!["k"]);
        assert!(route(&st, "/", "amq.direct", d, |_| None).is_empty());
        // An exchange that routed nowhere hands over to its alternate exchange.
        x(&mut st, "d", ExchangeType::Direct);
        let ae = |e: &Exchange| (e.name == "d").then(|| "b".to_string());
        assert_eq!(route(&st, "/", "d", d, ae), vec!["q1", "q2"]);
        bind(&mut st, "d", DestKind::Queue, "q3", "k");
        assert_eq!(route(&st, "/", "d", d, ae), vec!["q3"]);
    }
}
