//! rabbitmqctl's cluster membership commands: `forget_cluster_node`, `reset`/`force_reset`
//! and `join_cluster`, with the texts and exit codes of 3.10.8.

use super::commands::{arity, parse_args, target};
use super::format;
use super::CtlOutput;
use crate::sim::membership::MembershipError;
use crate::sim::Sim;

/// The core's refusal as rabbitmqctl prints it.
fn refusal(sim: &Sim, e: MembershipError) -> CtlOutput {
    let name = |n: usize| sim.node_name(n).to_string();
    let text = match e {
        MembershipError::NotAClusterNode(_) => {
            "{:not_a_cluster_node, 'The node selected is not in the cluster.'}".to_string()
        }
        MembershipError::StillRunning(n) => format!(
            "{{:failed_to_remove_node, :\"{0}\", {{:active, 'Mnesia is running', :\"{0}\"}}}}",
            name(n)
        ),
        MembershipError::ForgetSelf => {
            "{:cannot_remove_self, 'You cannot remove a node from itself.'}".to_string()
        }
        MembershipError::AppRunning(n) => format!(
            "Mnesia is still running on node :\"{}\".\n        Please stop the node with rabbitmqctl stop_app first.",
            name(n)
        ),
        other => other.explain(sim),
    };
    CtlOutput::error(text)
}

/// `forget_cluster_node [--offline] <node>`.
pub fn forget_cluster_node(
    sim: &mut Sim,
    on_node: usize,
    words: &[String],
) -> Result<CtlOutput, CtlOutput> {
    let a = parse_args(words, &[], &["--offline"])?;
    arity("forget_cluster_node", &a, 1, 1)?;
    let by = target(sim, on_node, &a, false)?;
    let offline = a.get(&["--offline"]).is_some();
    let gone = a.pos[0].clone();
    let banner = format!("Removing node {gone} from the cluster");
    let with_banner = |o: CtlOutput| CtlOutput {
        output: format!("{banner}\n{}", o.output),
        exit_code: o.exit_code,
    };
    let Ok(n) = sim.cluster.resolve(&gone) else {
        return Err(with_banner(refusal(
            sim,
            MembershipError::NotAClusterNode(by),
        )));
    };
    match (offline, sim.node_running(by)) {
        (true, true) => {
            return Err(with_banner(CtlOutput::error(
                "{:online_node_offline_flag, 'You set the --offline flag, which is used to remove nodes remotely from offline nodes, but this node is online.'}",
            )))
        }
        (false, false) => {
            return Err(with_banner(CtlOutput::error(
                "{:offline_node_no_offline_flag, 'You are trying to remove a node from an offline node. That is dangerous, but can be done with the --offline flag. Please consult the manual for rabbitmqctl for more information.'}",
            )))
        }
        (true, false) if sim.cluster.members().any(|x| x != n && sim.node_running(x)) => {
            return Err(with_banner(CtlOutput::error(
                "{:removing_node_from_offline_node, 'To remove a node remotely from an offline node, the node you are removing from must be a disc node and all the other nodes must be offline.'}",
            )))
        }
        _ => {}
    }
    match sim.forget_node(by, n) {
        Ok(()) => {
            if offline {
                // force_load_next_boot: the node that did the forgetting boots without waiting.
                sim.boot_first(by);
            }
            Ok(CtlOutput::ok(banner))
        }
        Err(e) => Err(with_banner(refusal(sim, e))),
    }
}

/// `reset` and `force_reset` (the node's application must be stopped).
pub fn reset(
    sim: &mut Sim,
    on_node: usize,
    words: &[String],
    cmd: &str,
) -> Result<CtlOutput, CtlOutput> {
    let a = parse_args(words, &[], &[])?;
    arity(cmd, &a, 0, 0)?;
    let n = target(sim, on_node, &a, false)?;
    let banner = format!("Resetting node {} ...", sim.node_name(n));
    match sim.reset_node(n) {
        Ok(()) => Ok(CtlOutput::ok(banner)),
        Err(e) => {
            let o = refusal(sim, e);
            Err(CtlOutput {
                output: format!("{banner}\n{}", o.output),
                exit_code: o.exit_code,
            })
        }
    }
}

/// `join_cluster [--disc|--ram] <existing_cluster_member>`.
pub fn join_cluster(
    sim: &mut Sim,
    on_node: usize,
    words: &[String],
) -> Result<CtlOutput, CtlOutput> {
    let a = parse_args(words, &[], &["--disc", "--ram"])?;
    arity("join_cluster", &a, 1, 1)?;
    let n = target(sim, on_node, &a, false)?;
    let peer_name = a.pos[0].clone();
    let banner = format!("Clustering node {} with {peer_name}", sim.node_name(n));
    let peer = match sim.cluster.resolve(&peer_name) {
        Ok(p) if !sim.halted[p] => p,
        _ => return Err(format::unreachable(&peer_name)),
    };
    match sim.join_cluster(n, peer) {
        Ok(()) => Ok(CtlOutput::ok(banner)),
        Err(e) => {
            let o = refusal(sim, e);
            Err(CtlOutput {
                output: format!("{banner}\n{}", o.output),
                exit_code: o.exit_code,
            })
        }
    }
}
