//! rabbitmqctl's cluster membership commands: `forget_cluster_node`, `reset`/`force_reset`
//! and `join_cluster`, with the texts and exit codes of 3.10.8 (checked against a real cluster).

use crate::sim::cluster::MembershipError;
use crate::sim::ctl::args::{arity, parse_args, target, with_banner, Args};
use crate::sim::ctl::format;
use crate::sim::ctl::output::{ArgError, CtlOutput, Refusal};
use crate::sim::engine::Sim;

/// Where the Debian package keeps each node's Mnesia directory (`RABBITMQ_MNESIA_BASE`).
const MNESIA_BASE: &str = "/var/lib/rabbitmq/mnesia";

/// The CLI's own check before it calls the node (exit 64, no banner).
const APP_MUST_BE_STOPPED: &str = "Error: this command requires the 'rabbit' app to be stopped on the target node. Stop it with 'rabbitmqctl stop_app'.";

/// The core's refusal as the server reports it (`Error:` and the term, exit 69).
fn refusal(sim: &Sim, e: MembershipError) -> CtlOutput {
    let text = match e {
        MembershipError::NotAClusterNode(_) => {
            "{:not_a_cluster_node, 'The node selected is not in the cluster.'}".to_string()
        }
        MembershipError::StillRunning(n) => {
            let name = sim.node_name(n);
            format!("RabbitMQ on node {name} must be stopped with 'rabbitmqctl -n {name} stop_app' before it can be removed")
        }
        other => other.explain(&sim.cluster),
    };
    CtlOutput::error(text)
}

/// `forget_cluster_node [--offline] <node>`.
pub fn forget_cluster_node(
    sim: &mut Sim,
    on_node: usize,
    words: &[String],
) -> Result<CtlOutput, Refusal> {
    let a = parse_args(words, &[], &["--offline"])?;
    arity("forget_cluster_node", &a, 1, 1)?;
    if a.get(&["--offline"]).is_some() {
        return forget_offline(sim, on_node, &a);
    }
    let by = target(sim, on_node, &a, false)?;
    let gone = a.pos[0].clone();
    let banner = format!("Removing node {gone} from the cluster");
    let Some(n) = member(sim, &gone) else {
        return Err(
            with_banner(&banner, refusal(sim, MembershipError::NotAClusterNode(by))).into(),
        );
    };
    if !sim.node_running(by) {
        return Err(with_banner(&banner, CtlOutput::error(
            "{:offline_node_no_offline_flag, 'You are trying to remove a node from an offline node. That is dangerous, but can be done with the --offline flag. Please consult the manual for rabbitmqctl for more information.'}",
        )).into());
    }
    match sim.forget_node(by, n) {
        Ok(()) => Ok(CtlOutput::ok(banner)),
        Err(e) => Err(with_banner(&banner, refusal(sim, e)).into()),
    }
}

/// The cluster member a `forget_cluster_node` argument names, if it is one.
fn member(sim: &Sim, name: &str) -> Option<usize> {
    sim.cluster
        .resolve(name)
        .ok()
        .filter(|&n| sim.cluster.is_member(n))
}

/// `forget_cluster_node --offline`: the CLI refuses a target whose VM answers a ping
/// (`Validators.node_is_not_running`, exit 64), else impersonates the stopped node, starts its
/// Mnesia and removes the node from its copy of the schema; `remove_node_offline_node` requires
/// every other member to be stopped. Texts and exit codes as a real 3.10.8 node gave them.
fn forget_offline(sim: &mut Sim, on_node: usize, a: &Args) -> Result<CtlOutput, Refusal> {
    let by = match &a.node {
        Some(name) => sim
            .cluster
            .resolve(name)
            .map_err(|_| format::unreachable(name))?,
        None => on_node,
    };
    if !sim.halted[by] {
        return Err(
            ArgError::new("Error: this command requires the target node to be stopped.").into(),
        );
    }
    let me = sim.node_name(by).to_string();
    let gone = a.pos[0].clone();
    let banner = format!(
        "Removing node {gone} from the cluster. Warning: quorum queues cannot be shrunk in offline mode\n  * Impersonating node: {me}...\n done\n  * Mnesia directory: {MNESIA_BASE}/{me}..."
    );
    let Some(n) = member(sim, &gone) else {
        return Err(
            with_banner(&banner, refusal(sim, MembershipError::NotAClusterNode(by))).into(),
        );
    };
    if sim.cluster.members().any(|x| x != n && sim.node_running(x)) {
        return Err(with_banner(&banner, CtlOutput::error(
            "{:removing_node_from_offline_node, 'To remove a node remotely from an offline node, the node you are removing from must be a disc node and all the other nodes must be offline.'}",
        )).into());
    }
    match sim.forget_node(by, n) {
        Ok(()) => {
            // force_load_next_boot: the node that did the forgetting boots without waiting.
            sim.boot_first(by);
            Ok(CtlOutput::ok(format!("{banner}\nok")))
        }
        Err(e) => Err(with_banner(&banner, refusal(sim, e)).into()),
    }
}

/// `reset` and `force_reset` (the node's application must be stopped).
pub fn reset(
    sim: &mut Sim,
    on_node: usize,
    words: &[String],
    cmd: &str,
) -> Result<CtlOutput, Refusal> {
    let a = parse_args(words, &[], &[])?;
    arity(cmd, &a, 0, 0)?;
    let n = target(sim, on_node, &a, false)?;
    if sim.node_running(n) {
        return Err(ArgError::new(APP_MUST_BE_STOPPED).into());
    }
    let banner = format!("Resetting node {} ...", sim.node_name(n));
    match sim.reset_node(n) {
        Ok(()) => Ok(CtlOutput::ok(banner)),
        Err(e) => Err(with_banner(&banner, refusal(sim, e)).into()),
    }
}

/// `join_cluster [--disc|--ram] <existing_cluster_member>`.
pub fn join_cluster(sim: &mut Sim, on_node: usize, words: &[String]) -> Result<CtlOutput, Refusal> {
    let a = parse_args(words, &[], &["--disc", "--ram"])?;
    arity("join_cluster", &a, 1, 1)?;
    let n = target(sim, on_node, &a, false)?;
    if sim.node_running(n) {
        return Err(ArgError::new(APP_MUST_BE_STOPPED).into());
    }
    let peer_name = a.pos[0].clone();
    let banner = format!("Clustering node {} with {peer_name}", sim.node_name(n));
    let peer = match sim.cluster.resolve(&peer_name) {
        Ok(p) if !sim.halted[p] => p,
        _ => return Err(with_banner(&banner, format::unreachable(&peer_name)).into()),
    };
    match sim.join_cluster(n, peer) {
        Ok(()) => Ok(CtlOutput::ok(banner)),
        Err(MembershipError::AlreadyMember(_)) => Ok(CtlOutput::ok(format!(
            "{banner}\nThe node is already a member of this cluster"
        ))),
        Err(e) => Err(with_banner(&banner, refusal(sim, e)).into()),
    }
}

/// `start_app` on a node the cluster forgot: the boot fails, as 3.10.8 reports it.
pub fn inconsistent_start(sim: &Sim, n: usize) -> CtlOutput {
    let me = sim.node_name(n);
    let peer = sim
        .cluster
        .members()
        .filter(|&x| sim.node_running(x))
        .last()
        .map_or("", |x| sim.node_name(x));
    with_banner(
        &format!("Starting node {me} ..."),
        CtlOutput::error(format!(
            "{{:rabbit, {{{{:inconsistent_cluster, 'Node {me} thinks it\\'s clustered with node {peer}, but {peer} disagrees'}}, {{:rabbit, :start, [:normal, []]}}}}}}"
        )),
    )
}
