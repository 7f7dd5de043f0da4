//! rabbitmqctl's virtual host and permission commands as 3.10.8's CLI answers them:
//! `add_vhost` (with `--description`, `--tags`, `--default-queue-type`), `delete_vhost`,
//! `list_vhosts [<column> ...]`, `set_permissions`, `clear_permissions`, `list_permissions`,
//! `list_user_permissions`, and the answer of a command given a vhost that does not exist.

use crate::sim::ctl::args::{arity, parse_args, target, with_banner, Args};
use crate::sim::ctl::exchanges::{columns, listing};
use crate::sim::ctl::output::{CtlOutput, Refusal};
use crate::sim::engine::Sim;
use crate::sim::vhosts::{AddVhostError, Permission, VhostMeta, DEFAULT_USER};

/// The columns `list_vhosts` accepts (3.10.8 refuses `state`, though its usage names it).
const VHOST_COLUMNS: &[&str] = &[
    "name",
    "tracing",
    "description",
    "tags",
    "default_queue_type",
    "cluster_state",
];

/// `Virtual host 'v' does not exist`, exit 65: what `list_policies`, `set_policy`,
/// `delete_vhost` and `list_permissions` answer for a missing vhost (no `Error:` line).
pub(super) fn no_vhost(vhost: &str) -> CtlOutput {
    CtlOutput {
        output: format!("Virtual host '{vhost}' does not exist"),
        exit_code: 65,
    }
}

/// The `--vhost`/`-p` a command was given, `/` by default.
pub(super) fn vhost_of(a: &Args) -> String {
    a.get(&["-p", "--vhost"]).unwrap_or("/").to_string()
}

fn banner(a: &Args, text: String) -> String {
    if a.quiet {
        String::new()
    } else {
        text
    }
}

/// `add_vhost <vhost> [--description <d>] [--tags "<t1>,<t2>"] [--default-queue-type <type>]`.
pub(super) fn add_vhost(
    sim: &mut Sim,
    on_node: usize,
    words: &[String],
) -> Result<CtlOutput, Refusal> {
    let a = parse_args(
        words,
        &["--description", "-d", "--tags", "--default-queue-type"],
        &[],
    )?;
    arity("add_vhost", &a, 1, 1)?;
    target(sim, on_node, &a, true)?;
    let name = a.pos[0].clone();
    let b = banner(&a, format!("Adding vhost \"{name}\" ..."));
    let tags = a
        .get(&["--tags"])
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    let meta = VhostMeta {
        name,
        description: a.get(&["--description", "-d"]).unwrap_or("").to_string(),
        tags,
        default_queue_type: a.get(&["--default-queue-type"]).map(str::to_string),
    };
    match sim.add_vhost(meta) {
        Ok(_) => Ok(CtlOutput::ok(b)),
        Err(AddVhostError::InvalidQueueType) => {
            Err(with_banner(&b, CtlOutput::error("invalid_queue_type")).into())
        }
        Err(AddVhostError::Limit(text)) => Err(with_banner(&b, CtlOutput::error(text)).into()),
    }
}

/// `delete_vhost <vhost>`.
pub(super) fn delete_vhost(
    sim: &mut Sim,
    on_node: usize,
    words: &[String],
) -> Result<CtlOutput, Refusal> {
    let a = parse_args(words, &[], &[])?;
    arity("delete_vhost", &a, 1, 1)?;
    target(sim, on_node, &a, true)?;
    let name = &a.pos[0];
    let b = banner(&a, format!("Deleting vhost \"{name}\" ..."));
    if sim.delete_vhost(name) {
        Ok(CtlOutput::ok(b))
    } else {
        Err(with_banner(&b, no_vhost(name)).into())
    }
}

/// `list_vhosts [--no-table-headers] [<column> ...]`.
pub(super) fn list_vhosts(
    sim: &mut Sim,
    on_node: usize,
    words: &[String],
) -> Result<CtlOutput, Refusal> {
    let a = parse_args(words, &[], &["--no-table-headers"])?;
    target(sim, on_node, &a, true)?;
    let cols = columns(&a.pos, VHOST_COLUMNS, &["name"])?;
    let state = cluster_state(sim);
    let rows: Vec<Vec<String>> = sim
        .vhost_table
        .meta
        .iter()
        .map(|m| cols.iter().map(|c| vhost_cell(m, c, &state)).collect())
        .collect();
    let headers = a.get(&["--no-table-headers"]).is_none();
    Ok(listing(
        "Listing vhosts ...".to_string(),
        a.quiet,
        headers,
        &cols,
        &rows,
    ))
}

/// `cluster_state`: every vhost runs on every node whose app runs, listed as the real 3.10.8
/// cluster printed it (`[{rabbit3@h, running}, {rabbit2@h, running}, …]`, the last node first; a
/// node whose app is stopped is left out).
fn cluster_state(sim: &Sim) -> String {
    let running: Vec<String> = sim
        .cluster
        .members()
        .filter(|&n| sim.node_running(n))
        .map(|n| format!("{{{}, running}}", sim.node_name(n)))
        .collect();
    format!(
        "[{}]",
        running.into_iter().rev().collect::<Vec<_>>().join(", ")
    )
}

fn vhost_cell(m: &VhostMeta, col: &str, cluster_state: &str) -> String {
    match col {
        "cluster_state" => cluster_state.to_string(),
        "name" => m.name.clone(),
        "tracing" => "false".to_string(),
        "description" => m.description.clone(),
        "tags" => format!("[{}]", m.tags.join(", ")),
        _ => m
            .default_queue_type
            .clone()
            .unwrap_or_else(|| "undefined".to_string()),
    }
}

/// `set_permissions [-p <vhost>] <user> <conf> <write> <read>`. The playground has one user,
/// `guest`.
pub(super) fn set_permissions(
    sim: &mut Sim,
    on_node: usize,
    words: &[String],
) -> Result<CtlOutput, Refusal> {
    let a = parse_args(words, &["-p", "--vhost"], &[])?;
    arity("set_permissions", &a, 4, 4)?;
    target(sim, on_node, &a, true)?;
    let vhost = vhost_of(&a);
    let user = &a.pos[0];
    let b = banner(
        &a,
        format!("Setting permissions for user \"{user}\" in vhost \"{vhost}\" ..."),
    );
    permission_target(sim, &b, user, &vhost)?;
    sim.vhost_table.set_permission(Permission {
        user: user.clone(),
        vhost,
        configure: a.pos[1].clone(),
        write: a.pos[2].clone(),
        read: a.pos[3].clone(),
    });
    Ok(CtlOutput::ok(b))
}

/// `list_permissions [-p <vhost>] [--no-table-headers]`.
pub(super) fn list_permissions(
    sim: &mut Sim,
    on_node: usize,
    words: &[String],
) -> Result<CtlOutput, Refusal> {
    let a = parse_args(words, &["-p", "--vhost"], &["--no-table-headers"])?;
    arity("list_permissions", &a, 0, 0)?;
    target(sim, on_node, &a, true)?;
    let vhost = vhost_of(&a);
    let b = banner(&a, format!("Listing permissions for vhost \"{vhost}\" ..."));
    if !sim.vhosts.contains(&vhost) {
        return Err(with_banner(&b, no_vhost(&vhost)).into());
    }
    let rows: Vec<Vec<String>> = sim
        .vhost_table
        .of_vhost(&vhost)
        .map(|p| permission_row(p, &p.user))
        .collect();
    Ok(permission_listing(&a, b, "user", rows))
}

/// `clear_permissions [-p <vhost>] <user>`: an unknown user is exit 67, a missing vhost 69;
/// clearing permissions that were never set succeeds (as 3.10.8 answered).
pub(super) fn clear_permissions(
    sim: &mut Sim,
    on_node: usize,
    words: &[String],
) -> Result<CtlOutput, Refusal> {
    let a = parse_args(words, &["-p", "--vhost"], &[])?;
    arity("clear_permissions", &a, 1, 1)?;
    target(sim, on_node, &a, true)?;
    let vhost = vhost_of(&a);
    let user = &a.pos[0];
    let b = banner(
        &a,
        format!("Clearing permissions for user \"{user}\" in vhost \"{vhost}\" ..."),
    );
    permission_target(sim, &b, user, &vhost)?;
    sim.vhost_table.clear_permission(user, &vhost);
    Ok(CtlOutput::ok(b))
}

/// The refusals `set_permissions` and `clear_permissions` share, after their banner: a user
/// the broker does not have (exit 67), then a missing vhost.
fn permission_target(sim: &Sim, b: &str, user: &str, vhost: &str) -> Result<(), Refusal> {
    if user != DEFAULT_USER {
        return Err(with_banner(b, no_user(user)).into());
    }
    if !sim.vhosts.iter().any(|v| v == vhost) {
        return Err(with_banner(
            b,
            CtlOutput::error(format!("Virtual host {vhost} does not exist")),
        )
        .into());
    }
    Ok(())
}

/// One row of `list_permissions` (`first` the user) or `list_user_permissions` (the vhost).
fn permission_row(p: &Permission, first: &str) -> Vec<String> {
    vec![
        first.to_string(),
        p.configure.clone(),
        p.write.clone(),
        p.read.clone(),
    ]
}

/// A permissions listing under its banner, its first column named `first`; with no row,
/// 3.10.8 prints an empty line after the banner.
fn permission_listing(a: &Args, b: String, first: &str, rows: Vec<Vec<String>>) -> CtlOutput {
    if rows.is_empty() {
        return CtlOutput::ok(format!("{b}\n"));
    }
    let cols: Vec<String> = [first, "configure", "write", "read"]
        .iter()
        .map(|c| c.to_string())
        .collect();
    let headers = a.get(&["--no-table-headers"]).is_none();
    listing(b, a.quiet, headers, &cols, &rows)
}

/// `Error:\nUser u does not exist`, exit 67: `set_permissions` and `clear_permissions` for a
/// user the broker does not have.
fn no_user(user: &str) -> CtlOutput {
    CtlOutput {
        output: format!("Error:\nUser {user} does not exist"),
        exit_code: 67,
    }
}

/// `list_user_permissions [--no-table-headers] <user>`: the user's vhosts and patterns, or
/// `{:no_such_user, "u"}` (exit 69) for a user the broker does not have.
pub(super) fn list_user_permissions(
    sim: &mut Sim,
    on_node: usize,
    words: &[String],
) -> Result<CtlOutput, Refusal> {
    let a = parse_args(words, &[], &["--no-table-headers"])?;
    arity("list_user_permissions", &a, 1, 1)?;
    target(sim, on_node, &a, true)?;
    let user = &a.pos[0];
    let b = banner(&a, format!("Listing permissions for user \"{user}\" ..."));
    if user != DEFAULT_USER {
        return Err(with_banner(
            &b,
            CtlOutput::error(format!("{{:no_such_user, \"{user}\"}}")),
        )
        .into());
    }
    let rows: Vec<Vec<String>> = sim
        .vhost_table
        .permissions
        .iter()
        .filter(|p| &p.user == user)
        .map(|p| permission_row(p, &p.vhost))
        .collect();
    Ok(permission_listing(&a, b, "vhost", rows))
}
