//! Erlang terms, for reproducing what RabbitMQ prints with `~p`, and the term jsx decodes a
//! JSON value into. The printing itself is in [`crate::erl::pretty`].

use crate::erl::json::value::{dedup_sorted, Json};

/// An Erlang term, for reproducing what RabbitMQ prints with `~p`.
#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    /// An atom that prints bare (`true`, `null`, `none`).
    Atom(String),
    Int(i64),
    Float(f64),
    /// A binary (bytes; jsx strings are UTF-8).
    Bin(Vec<u8>),
    /// A list; a non-empty list of printable Latin-1 character codes prints as a string.
    List(Vec<Term>),
    Tuple(Vec<Term>),
    /// A map, its pairs in the order Erlang lists them.
    Map(Vec<(Term, Term)>),
}

impl Term {
    /// An Erlang string (a list of character codes), e.g. a PCRE error message.
    pub fn string(s: &str) -> Term {
        Term::List(s.chars().map(|c| Term::Int(c as i64)).collect())
    }

    /// The list of `{Key, Value}` tuples `maps:to_list/1` makes of a decoded JSON object: the
    /// form in which RabbitMQ holds a policy definition (`[{<<"foo">>,1}]`).
    pub fn pairs(members: &[(String, Json)]) -> Term {
        Term::List(
            dedup_sorted(members)
                .into_iter()
                .map(|(k, v)| Term::Tuple(vec![Term::Bin(k.as_bytes().to_vec()), v.to_term()]))
                .collect(),
        )
    }
}

impl Json {
    /// The Erlang term jsx decodes this value into: strings become UTF-8 binaries, objects maps,
    /// `true`/`false`/`null` atoms.
    pub fn to_term(&self) -> Term {
        match self {
            Json::Null => Term::Atom("null".to_string()),
            Json::Bool(b) => Term::Atom(if *b { "true" } else { "false" }.to_string()),
            Json::Int(n) => Term::Int(*n),
            Json::Float(f) => Term::Float(*f),
            Json::Str(s) => Term::Bin(s.as_bytes().to_vec()),
            Json::Array(items) => Term::List(items.iter().map(Json::to_term).collect()),
            Json::Object(members) => Term::Map(
                dedup_sorted(members)
                    .into_iter()
                    .map(|(k, v)| (Term::Bin(k.as_bytes().to_vec()), v.to_term()))
                    .collect(),
            ),
        }
    }

    /// What Erlang's `~p` prints for the decoded value at the start of a line, e.g.
    /// `<<"x">>`, `[1]`, `2.0`, `null`, `#{<<"a">> => 1}` (an object is a map in jsx's
    /// output; only the top level of a policy definition is turned into a list of pairs, see
    /// [`Term::pairs`]). Long values wrap as `~p` wraps them.
    pub fn to_erlang(&self) -> String {
        self.to_term().pretty(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::erl::json::decode::tests::ok;

    #[test]
    fn erlang_rendering_of_decoded_values() {
        let e = |t: &str| ok(t).to_erlang();
        assert_eq!(e(r#""x""#), r#"<<"x">>"#);
        assert_eq!(e("[1]"), "[1]");
        assert_eq!(e("2.0"), "2.0");
        assert_eq!(e("1e5"), "1.0e5");
        assert_eq!(e("true"), "true");
        assert_eq!(e("null"), "null");
        assert_eq!(e("[]"), "[]");
        assert_eq!(e("{}"), "#{}");
        assert_eq!(e(r#""""#), "<<>>");
        assert_eq!(
            e(r#"{"z":1,"a":{"y":null}}"#),
            r#"#{<<"a">> => #{<<"y">> => null},<<"z">> => 1}"#
        );
        // Lists of printable character codes are strings to Erlang.
        assert_eq!(e("[65,66]"), r#""AB""#);
        assert_eq!(e("[[104,105]]"), r#"["hi"]"#);
        assert_eq!(e("[10,27]"), r#""\n\e""#);
        assert_eq!(e("[256]"), "[256]");
        assert_eq!(e("[127]"), "[127]");
        // Binary bytes print as Latin-1 characters when all are printable, else as numbers.
        assert_eq!(e(r#""é""#), "<<\"Ã©\">>");
        assert_eq!(e(r#""\u0080\u00ff""#), "<<194,128,195,191>>");
        assert_eq!(e(r#""a\nb\"c\\d\te""#), r#"<<"a\nb\"c\\d\te">>"#);
        assert_eq!(e(r#""\u0001""#), "<<1>>");
        let pairs = Term::pairs(
            ok(r#"{"foo":1,"bar":"x","foo":2}"#)
                .as_object()
                .unwrap_or(&[]),
        );
        assert_eq!(pairs.pretty(1), r#"[{<<"bar">>,<<"x">>},{<<"foo">>,2}]"#);
    }
}
