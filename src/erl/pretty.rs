//! `~p` printing: the part of OTP 25's `io_lib_pretty` that the terms RabbitMQ prints need (no
//! records, no tagged tuples: the first element of every tuple printed here is a binary or a
//! string).

use crate::erl::float::erlang_float;
use crate::erl::term::Term;

impl Term {
    /// What `io_lib:format("~p", ...)` prints for this term when it starts at 1-based `column`
    /// of a line (the characters before it on that line count), with the default line length
    /// of 80: on one line when it fits, otherwise broken and indented as `io_lib_pretty` does.
    /// The text is in characters as Erlang holds them: bytes of binaries appear as Latin-1
    /// characters (UTF-8 `é` in a binary prints as `Ã©`, as rabbitmqctl shows it).
    pub fn pretty(&self, column: usize) -> String {
        let column = column.max(1) as i64;
        let node = Node::of(self);
        let m = node.len;
        let mut out = String::new();
        if node.len < LINE - column {
            node.write(&mut out);
        } else {
            let ind = " ".repeat(column as usize - 1);
            pp(&node, column, m, &ind, 0, 0, &mut out);
        }
        out
    }
}

/// `~p`'s default line length.
const LINE: i64 = 80;

/// Whether one more element of `elen` columns stays on the current line (io_lib_pretty's test;
/// `ld` is the room the closing brackets that follow the last element need).
fn fits_on_line(elen: i64, col: i64, w: i64, m: i64, ld: i64) -> bool {
    if ld == 0 {
        elen + 1 < LINE - col && w + elen < m
    } else {
        elen < LINE - col - ld && w + elen + ld <= m
    }
}

enum Kind {
    /// Printed as is and never broken: numbers, atoms, strings, printable binaries.
    Leaf(String),
    /// A binary written as bytes (`<<1,2,3>>`), breakable between bytes.
    Bytes(Vec<String>),
    List(Vec<Node>),
    Tuple(Vec<Node>),
    Map(Vec<Node>),
    Pair(Box<Node>, Box<Node>),
}

struct Node {
    kind: Kind,
    /// Width of the one-line form, in characters.
    len: i64,
}

fn printable(c: i64) -> bool {
    matches!(c, 8..=13 | 27 | 32..=126 | 160..=255)
}

fn quote(chars: impl Iterator<Item = char>, out: &mut String) {
    out.push('"');
    for c in chars {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{1b}' => out.push_str("\\e"),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn leaf(s: String) -> Node {
    let len = s.chars().count() as i64;
    Node {
        kind: Kind::Leaf(s),
        len,
    }
}

fn seq_len(items: &[Node], brackets: i64) -> i64 {
    brackets + items.iter().map(|n| n.len).sum::<i64>() + (items.len() as i64 - 1).max(0)
}

impl Node {
    fn of(t: &Term) -> Node {
        match t {
            Term::Atom(a) => leaf(a.clone()),
            Term::Int(n) => leaf(n.to_string()),
            Term::Float(f) => leaf(erlang_float(*f)),
            Term::Bin(b) if b.is_empty() => leaf("<<>>".to_string()),
            Term::Bin(b) if b.iter().all(|&c| printable(c as i64)) => {
                let mut s = String::from("<<");
                quote(b.iter().map(|&c| c as char), &mut s);
                s.push_str(">>");
                leaf(s)
            }
            Term::Bin(b) => {
                let parts: Vec<String> = b.iter().map(|c| c.to_string()).collect();
                let len =
                    4 + parts.iter().map(|p| p.len() as i64).sum::<i64>() + parts.len() as i64 - 1;
                Node {
                    kind: Kind::Bytes(parts),
                    len,
                }
            }
            Term::List(items) if items.is_empty() => leaf("[]".to_string()),
            Term::List(items)
                if items
                    .iter()
                    .all(|i| matches!(i, Term::Int(c) if printable(*c))) =>
            {
                let mut s = String::new();
                quote(
                    items.iter().map(|i| match i {
                        Term::Int(c) => char::from_u32(*c as u32).unwrap_or('?'),
                        _ => '?',
                    }),
                    &mut s,
                );
                leaf(s)
            }
            Term::List(items) => {
                let nodes: Vec<Node> = items.iter().map(Node::of).collect();
                let len = seq_len(&nodes, 2);
                Node {
                    kind: Kind::List(nodes),
                    len,
                }
            }
            Term::Tuple(items) if items.is_empty() => leaf("{}".to_string()),
            Term::Tuple(items) => {
                let nodes: Vec<Node> = items.iter().map(Node::of).collect();
                let len = seq_len(&nodes, 2);
                Node {
                    kind: Kind::Tuple(nodes),
                    len,
                }
            }
            Term::Map(pairs) if pairs.is_empty() => leaf("#{}".to_string()),
            Term::Map(pairs) => {
                let nodes: Vec<Node> = pairs
                    .iter()
                    .map(|(k, v)| {
                        let (k, v) = (Node::of(k), Node::of(v));
                        let len = k.len + 4 + v.len;
                        Node {
                            kind: Kind::Pair(Box::new(k), Box::new(v)),
                            len,
                        }
                    })
                    .collect();
                let len = seq_len(&nodes, 3);
                Node {
                    kind: Kind::Map(nodes),
                    len,
                }
            }
        }
    }

    /// `?ATM`: printed flat and never broken.
    fn atomic(&self) -> bool {
        matches!(self.kind, Kind::Leaf(_))
    }

    fn atomic_pair(&self) -> bool {
        match &self.kind {
            Kind::Pair(k, v) => k.atomic() && v.atomic(),
            _ => false,
        }
    }

    fn write(&self, out: &mut String) {
        match &self.kind {
            Kind::Leaf(s) => out.push_str(s),
            Kind::Bytes(parts) => {
                out.push_str("<<");
                out.push_str(&parts.join(","));
                out.push_str(">>");
            }
            Kind::List(items) => write_seq(items, "[", "]", out),
            Kind::Tuple(items) => write_seq(items, "{", "}", out),
            Kind::Map(items) => write_seq(items, "#{", "}", out),
            Kind::Pair(k, v) => {
                k.write(out);
                out.push_str(" => ");
                v.write(out);
            }
        }
    }
}

fn write_seq(items: &[Node], open: &str, close: &str, out: &mut String) {
    out.push_str(open);
    for (i, n) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        n.write(out);
    }
    out.push_str(close);
}

fn last_depth(more_follow: bool, ld: i64) -> i64 {
    if more_follow {
        0
    } else {
        ld + 1
    }
}

/// `pp/8` with `TInd = -1`. `m` is the one-line width of the whole term (`~p` has no
/// character limit, so io_lib_pretty uses that width as its limit).
fn pp(n: &Node, col: i64, m: i64, ind: &str, ld: i64, w: i64, out: &mut String) {
    if n.len < LINE - col - ld && n.len + w + ld <= m {
        n.write(out);
        return;
    }
    match &n.kind {
        Kind::List(items) => {
            out.push('[');
            pp_list(items, col + 1, m, &format!(" {ind}"), ld, w + 1, out);
            out.push(']');
        }
        Kind::Tuple(items) => {
            out.push('{');
            pp_list(items, col + 1, m, &format!(" {ind}"), ld, w + 1, out);
            out.push('}');
        }
        Kind::Map(items) => {
            out.push_str("#{");
            pp_map(items, col + 2, m, &format!("  {ind}"), ld, w + 1, out);
            out.push('}');
        }
        Kind::Bytes(parts) => pp_bytes(parts, col + 2, m, &format!("  {ind}"), ld, w, out),
        Kind::Pair(..) | Kind::Leaf(_) => n.write(out),
    }
}

fn pp_element(n: &Node, col: i64, m: i64, ind: &str, ld: i64, w: i64, out: &mut String) -> i64 {
    if n.len < LINE - col - ld && n.len + w + ld <= m && n.atomic() {
        n.write(out);
        n.len
    } else {
        pp(n, col, m, ind, ld, w, out);
        LINE
    }
}

fn pp_list(items: &[Node], col0: i64, m: i64, ind: &str, ld: i64, w: i64, out: &mut String) {
    let Some((first, rest)) = items.split_first() else {
        return;
    };
    let we = pp_element(
        first,
        col0,
        m,
        ind,
        last_depth(!rest.is_empty(), ld),
        w,
        out,
    );
    let (mut col, mut w) = (col0 + we, w + we);
    for (i, e) in rest.iter().enumerate() {
        let ld1 = last_depth(i + 1 < rest.len(), ld);
        let elen = 1 + e.len;
        let fits = fits_on_line(elen, col, w, m, ld1);
        if fits && e.atomic() {
            out.push(',');
            e.write(out);
            col += elen;
            w += elen;
        } else {
            out.push_str(",\n");
            out.push_str(ind);
            let we = pp_element(e, col0, m, ind, ld1, 0, out);
            col = col0 + we;
            w = we;
        }
    }
}

fn pp_pair(p: &Node, col: i64, m: i64, ind: &str, ld: i64, w: i64, out: &mut String) -> i64 {
    if p.len < LINE - col - ld && p.len + w + ld <= m {
        p.write(out);
        return if p.atomic_pair() { p.len } else { LINE };
    }
    if let Kind::Pair(k, v) = &p.kind {
        // `map_value_indent(-1)`: values go four columns in on their own line.
        let vind = format!("    {ind}");
        pp(k, col, m, ind, ld, w, out);
        out.push_str(" =>\n");
        out.push_str(&vind);
        pp(v, col + 4, m, &vind, ld, 0, out);
    }
    LINE
}

fn pp_map(items: &[Node], col0: i64, m: i64, ind: &str, ld: i64, w: i64, out: &mut String) {
    let Some((first, rest)) = items.split_first() else {
        return;
    };
    let pw = pp_pair(
        first,
        col0,
        m,
        ind,
        last_depth(!rest.is_empty(), ld),
        w,
        out,
    );
    let (mut col, mut w) = (col0 + pw, pw);
    for (i, p) in rest.iter().enumerate() {
        let ld1 = last_depth(i + 1 < rest.len(), ld);
        let elen = 1 + p.len;
        let fits = fits_on_line(elen, col, w, m, ld1);
        if fits && p.atomic_pair() {
            out.push(',');
            p.write(out);
            col += elen;
            w += elen;
        } else {
            out.push_str(",\n");
            out.push_str(ind);
            let pw = pp_pair(p, col0, m, ind, ld1, 0, out);
            col = col0 + pw;
            w = pw;
        }
    }
}

fn pp_bytes(parts: &[String], col: i64, m: i64, ind: &str, ld: i64, w: i64, out: &mut String) {
    let n0 = 8.max((LINE - col).min(m - 4 - w) - ld);
    let mut n = n0;
    out.push_str("<<");
    for (i, p) in parts.iter().enumerate() {
        let plen = p.len() as i64;
        if i + 1 < parts.len() {
            let len = plen + 1;
            if n - len < 0 {
                out.push('\n');
                out.push_str(ind);
                n = n0 - len;
            } else {
                n -= len;
            }
            out.push_str(p);
            out.push(',');
        } else {
            if plen > n {
                out.push('\n');
                out.push_str(ind);
            }
            out.push_str(p);
        }
    }
    out.push_str(">>");
}

#[cfg(test)]
mod tests {
    use crate::erl::json::decode::tests::ok;
    use crate::erl::term::Term;

    #[test]
    fn long_terms_wrap_as_rabbitmq_3_10_8_printed_them() {
        // Texts captured from rabbitmqctl set_policy on 3.10.8 (Erlang 25).
        let pairs = Term::pairs(
            ok(r#"{"x-message-ttl":60000,"x-max-length":1000,"x-dead-letter-exchange":"dlx"}"#)
                .as_object()
                .unwrap_or(&[]),
        );
        assert_eq!(
            pairs.pretty(1),
            "[{<<\"x-dead-letter-exchange\">>,<<\"dlx\">>},\n {<<\"x-max-length\">>,1000},\n {<<\"x-message-ttl\">>,60000}]"
        );
        let regex_error = Term::Tuple(vec![
            Term::string("missing terminating ] for character class"),
            Term::Int(1),
        ]);
        assert_eq!(
            regex_error.pretty("pattern should be regular expression but is invalid: ".len() + 1),
            "{\"missing terminating ] for character class\",\n                                                      1}"
        );
        let col = "ha-mode=\"exactly\" takes an integer, ".len() + 1;
        let list = ok(&format!(
            "[{}]",
            (1..=30)
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(",")
        ));
        assert_eq!(
            list.to_term().pretty(col),
            "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,\n                                     17,18,19,20,21,22,23,24,25,26,27,28,29,\n                                     30]"
        );
        let bytes = ok(&format!(
            "\"{}\"",
            "\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007".repeat(4)
        ));
        assert_eq!(
            bytes.to_term().pretty(col),
            "<<1,2,3,4,5,6,7,1,2,3,4,5,6,7,1,2,3,4,5,6,\n                                      7,1,2,3,4,5,6,7>>"
        );
        let mixed = ok(
            r#"[1,"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",{"k":"vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"}]"#,
        );
        assert_eq!(
            mixed.to_term().pretty(col),
            "[1,\n                                     <<\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">>,\n                                     #{<<\"k\">> =>\n                                           <<\"vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv\">>}]"
        );
        // Scalars and strings never wrap.
        let long = ok(&format!("\"{}\"", "a".repeat(85)));
        assert_eq!(
            long.to_term().pretty(col),
            format!("<<\"{}\">>", "a".repeat(85))
        );
    }
}
