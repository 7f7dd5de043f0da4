//! `rabbitmqctl list_exchanges` and `list_bindings` as 3.10.8's CLI prints them: the banner,
//! the default columns (`name type`; every binding column), `--vhost`/`-p`,
//! `--no-table-headers`, and the implicit bindings of the default exchange listed first.

use crate::sim::ctl::args::{parse_args, target};
use crate::sim::ctl::format;
use crate::sim::ctl::format::args_text;
use crate::sim::ctl::output::{ArgError, CtlOutput, Refusal};
use crate::sim::engine::Sim;
use crate::sim::exchanges::{Binding, DestKind};

/// The columns `list_exchanges` accepts.
const EXCHANGE_COLUMNS: &[&str] = &[
    "name",
    "type",
    "durable",
    "auto_delete",
    "internal",
    "arguments",
    "policy",
];

/// The columns `list_bindings` accepts, in its default order.
const BINDING_COLUMNS: &[&str] = &[
    "source_name",
    "source_kind",
    "destination_name",
    "destination_kind",
    "routing_key",
    "arguments",
];

/// A listing's column words, checked against what the command accepts (`InfoKeys`).
pub(super) fn columns(
    pos: &[String],
    allowed: &[&str],
    default: &[&str],
) -> Result<Vec<String>, Refusal> {
    let cols: Vec<String> = if pos.is_empty() {
        default.iter().map(|c| c.to_string()).collect()
    } else {
        pos.to_vec()
    };
    let bad: Vec<&str> = cols
        .iter()
        .map(String::as_str)
        .filter(|c| !allowed.contains(c))
        .collect();
    if !bad.is_empty() {
        return Err(ArgError::new(format!(
            "Error (argument validation): Info key(s) {} are not supported",
            bad.join(",")
        ))
        .into());
    }
    Ok(cols)
}

/// The banner (unless `--quiet`) and the table (headers unless `--no-table-headers`).
pub(super) fn listing(
    banner: String,
    quiet: bool,
    headers: bool,
    cols: &[String],
    rows: &[Vec<String>],
) -> CtlOutput {
    let mut out = String::new();
    if !quiet {
        out.push_str(&banner);
        out.push('\n');
    }
    // The CLI's table prints no header row when nothing is listed (seen on 3.10.8).
    if headers && !rows.is_empty() {
        let refs: Vec<&str> = cols.iter().map(String::as_str).collect();
        out.push_str(&format::table(&refs, rows));
    } else {
        for r in rows {
            out.push_str(&r.join("\t"));
            out.push('\n');
        }
    }
    CtlOutput::ok(out.trim_end_matches('\n'))
}

pub(super) fn list_exchanges(
    sim: &mut Sim,
    on_node: usize,
    words: &[String],
) -> Result<CtlOutput, Refusal> {
    let a = parse_args(words, &["-p", "--vhost"], &["--no-table-headers"])?;
    target(sim, on_node, &a, true)?;
    let vhost = a.get(&["-p", "--vhost"]).unwrap_or("/").to_string();
    let cols = columns(&a.pos, EXCHANGE_COLUMNS, &["name", "type"])?;
    let rows: Vec<Vec<String>> = sim
        .exchanges
        .of_vhost(&vhost)
        .map(|x| {
            cols.iter()
                .map(|c| match c.as_str() {
                    "name" => x.name.clone(),
                    "type" => x.kind.as_str().to_string(),
                    "durable" => x.durable.to_string(),
                    "auto_delete" => x.auto_delete.to_string(),
                    "internal" => x.internal.to_string(),
                    "arguments" => args_text(&x.args),
                    _ => sim
                        .exchange_policy(x)
                        .map(|p| p.name().to_string())
                        .unwrap_or_default(),
                })
                .collect()
        })
        .collect();
    let headers = a.get(&["--no-table-headers"]).is_none();
    Ok(listing(
        format!("Listing exchanges for vhost {vhost} ..."),
        a.quiet,
        headers,
        &cols,
        &rows,
    ))
}

pub(super) fn list_bindings(
    sim: &mut Sim,
    on_node: usize,
    words: &[String],
) -> Result<CtlOutput, Refusal> {
    let a = parse_args(words, &["-p", "--vhost"], &["--no-table-headers"])?;
    let n = target(sim, on_node, &a, true)?;
    let vhost = a.get(&["-p", "--vhost"]).unwrap_or("/").to_string();
    let cols = columns(&a.pos, BINDING_COLUMNS, BINDING_COLUMNS)?;
    // `rabbit_binding:list/1`: the default exchange's implicit bindings (one per queue in
    // rabbit_queue), then rabbit_route, an ordered set of #binding{source, key, destination,
    // args}.
    let implicit = sim
        .queues
        .iter()
        .enumerate()
        .filter(|(i, q)| {
            let id = crate::sim::model::QueueId(*i);
            !q.deleted && q.vhost == vhost && sim.visible_from(id, n) && !sim.listed_down(id)
        })
        .map(|(_, q)| Binding {
            vhost: vhost.clone(),
            source: String::new(),
            dest_kind: DestKind::Queue,
            dest: q.name.clone(),
            key: q.name.clone(),
            args: Vec::new(),
        });
    let mut explicit: Vec<&Binding> = sim
        .exchanges
        .bindings
        .iter()
        .filter(|b| b.vhost == vhost)
        .collect();
    // Exchange sorts before queue, as the atoms do.
    crate::sort::sort_by_key(&mut explicit, |b| {
        (
            b.source.clone().into_bytes(),
            b.key.clone().into_bytes(),
            b.dest_kind == DestKind::Queue,
            b.dest.clone().into_bytes(),
            args_text(&b.args),
        )
    });
    let implicit: Vec<Binding> = implicit.collect();
    let rows: Vec<Vec<String>> = implicit
        .iter()
        .chain(explicit)
        .map(|b| {
            cols.iter()
                .map(|c| match c.as_str() {
                    "source_name" => b.source.clone(),
                    "source_kind" => "exchange".to_string(),
                    "destination_name" => b.dest.clone(),
                    "destination_kind" => b.dest_kind.as_str().to_string(),
                    "routing_key" => b.key.clone(),
                    _ => args_text(&b.args),
                })
                .collect()
        })
        .collect();
    let headers = a.get(&["--no-table-headers"]).is_none();
    Ok(listing(
        format!("Listing bindings for vhost {vhost}..."),
        a.quiet,
        headers,
        &cols,
        &rows,
    ))
}
