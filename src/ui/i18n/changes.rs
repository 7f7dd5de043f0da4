//! The core's explanations in the reader's language: state changes (the event log's rows, the
//! inspector, an anomaly's likely cause), the checker's details and the reasons a message was
//! lost on the wire. The core hands them over as data ([`StateChange`], [`AnomalyDetail`], a
//! reason from a short fixed list); English is the core's own `Display` (the trace and report
//! text, unchanged), Chinese is written here from the same fields.

use crate::sim::checker::AnomalyDetail;
use crate::sim::model::ConfirmOutcome;
use crate::sim::state_change::{DeleteCause, PartialAction, QueueName, StateChange, SyncEnd};
use crate::ui::i18n::lang::Lang;
use crate::ui::i18n::stage::Text;

/// A queue as the Chinese rows name it.
fn zh_queue(q: &QueueName) -> String {
    format!("vhost '{}' 中的队列 '{}'", q.vhost, q.name)
}

/// The reasons the core gives for a message lost on the wire (`Sim::lost`), in Chinese; a
/// reason not in the list is shown as the core wrote it.
fn zh_lost_reason(reason: &str) -> String {
    match reason {
        "link cut by the partition" => "链路被网络分区切断".into(),
        "dropped by the user" => "被用户丢弃".into(),
        "replica process is dead" => "副本进程已死亡".into(),
        "GM member is dead" => "GM 成员已死亡".into(),
        "client disconnected" => "客户端已断开".into(),
        "mirror is dead" => "镜像已死亡".into(),
        other => other.to_string(),
    }
}

/// Why a connection closed, in Chinese where the core wrote its own words; pika's and the
/// broker's texts (`StreamLostError: …`, the broker's reply text) stay as the tools print them.
fn zh_disconnect(reason: &str) -> String {
    if let Some(t) = reason.strip_prefix("channel closed by the broker: ") {
        return format!("通道被 broker 关闭：{t}");
    }
    match reason {
        "connection closed by client" => "连接被客户端关闭".into(),
        "channel closed by client" => "通道被客户端关闭".into(),
        // RabbitMQ's own log words, then the simulator's why.
        "client unexpectedly closed TCP connection (the script ended)" => {
            "client unexpectedly closed TCP connection（脚本结束了）".into()
        }
        "client unexpectedly closed TCP connection (the script was stopped)" => {
            "client unexpectedly closed TCP connection（脚本被停止了）".into()
        }
        other => other.to_string(),
    }
}

fn zh_change(c: &StateChange) -> String {
    use StateChange::*;
    match c {
        ClientConnected { client, node } => format!("客户端 {client} 连接到 {node}"),
        ClientDisconnected { client, reason } => {
            format!("客户端 {client}：{}", zh_disconnect(reason))
        }
        Confirm {
            client_name,
            seq,
            outcome,
            ..
        } => format!(
            "向客户端 {client_name} 发送 basic.{} seq={seq}（{}）",
            outcome,
            match outcome {
                ConfirmOutcome::Ack => "确认",
                ConfirmOutcome::Nack => "拒绝确认",
            }
        ),
        ConsumerRegistered { tag, client } => {
            format!("客户端 {client} 的消费者 {tag} 已在 master 上注册")
        }
        ConsumerCancelled { client, tag } => {
            format!("客户端 {client} 收到 {tag} 的 basic.cancel")
        }
        ChannelError { client, error } => format!("客户端 {client}：通道错误 {error}"),
        MaxLengthDrop { msg } => format!("max-length：消息 #{} 从队头被丢弃", msg.0),
        WireDrop { id } => format!("消息 #{id} 将在网络上被丢弃（用户注入的故障）"),
        QueueDeclared {
            queue,
            master,
            node,
        } => format!("{} 已声明：master {master} 在 {node} 上", zh_queue(queue)),
        QueueDeleted { queue, cause } => {
            let q = zh_queue(queue);
            match cause {
                DeleteCause::Deleted => format!("{q} 已删除"),
                DeleteCause::NodeWentDown => format!("{q} 已删除：它所在的节点宕机"),
                DeleteCause::DeclaredDownAcross { nodes } => format!(
                    "{q} 在 {} 上已删除：它们宣布这个未镜像队列的 master 所在节点宕机",
                    nodes.join(", ")
                ),
                DeleteCause::MasterForgotten { node } => format!(
                    "{q} 已删除：它的 master 节点 {node} 被移出集群，且没有已停止的镜像节点能恢复它"
                ),
            }
        }
        QueueAutoDeleted { queue } => {
            format!("{} 已自动删除：最后一个消费者离开了", zh_queue(queue))
        }
        TransientQueueGone { queue } => format!(
            "{} 不复存在：非持久（transient）队列不会在其 master 节点重启后保留",
            zh_queue(queue)
        ),
        TransientQueueStranded { queue, node } => format!(
            "{} 保留着记录，但 master 已死：{node} 回来了却不恢复任何非持久队列，而 HA 策略让记录留下（对它的每个操作都会超时；rabbitmqctl delete_queue 可以删除它）",
            zh_queue(queue)
        ),
        QueueRecovered {
            queue,
            node,
            messages,
        } => format!(
            "{} 在 {node} 上恢复，带回 {messages} 条持久化消息",
            zh_queue(queue)
        ),
        QueueDown { queue, master_node } => format!(
            "{} 不可用：master 节点 {master_node} 没有运行，也没有镜像被提升",
            zh_queue(queue)
        ),
        MirrorAdded { queue, node, pid } => {
            format!("镜像队列 {}：在节点 {node} 上添加镜像：{pid}", zh_queue(queue))
        }
        MirrorDropped {
            queue,
            node,
            mirroring_stopped,
        } => format!(
            "镜像队列 {}：移除节点 {node} 上的镜像{}",
            zh_queue(queue),
            if *mirroring_stopped {
                "（停止镜像）"
            } else {
                ""
            }
        ),
        MasterDropped { queue, node } => format!(
            "镜像队列 {}：移除节点 {node} 上的 master（策略把它移走）",
            zh_queue(queue)
        ),
        Synchronised { queue, node } => {
            format!("镜像队列 {}：节点 {node} 上的镜像已同步", zh_queue(queue))
        }
        SyncStarted {
            queue,
            messages,
            batch,
            mirrors,
        } => format!(
            "镜像队列 {}：开始同步：{messages} 条消息待同步；批大小：{batch}；待同步镜像 [{}]",
            zh_queue(queue),
            mirrors.join(", ")
        ),
        SyncFinished { queue, end } => format!(
            "镜像队列 {}：同步{}",
            zh_queue(queue),
            match end {
                SyncEnd::Complete => "完成",
                SyncEnd::Cancelled => "被取消",
            }
        ),
        Promoted { queue, pid } => {
            format!("镜像队列 {}：把镜像 {pid} 提升为 leader（master）", zh_queue(queue))
        }
        PromotionRefused { queue } => format!(
            "镜像队列 {}：没有已同步的镜像，且 ha-promote-on-failure 为 when-synced：镜像拒绝提升，清空内容并停止",
            zh_queue(queue)
        ),
        MirrorsStopWithMaster { queue } => format!(
            "镜像队列 {}：master 正常关闭时没有已同步的镜像（副本），所以所有镜像一起停止",
            zh_queue(queue)
        ),
        PolicyTie {
            winner,
            others,
            priority,
            queue,
        } => format!(
            "策略 '{winner}' 与 '{}' 优先级同为 {priority}，且都匹配队列 '{queue}'：RabbitMQ 会任意选一个（ETS 哈希顺序）；模拟器选 '{winner}'（按名字排第一）",
            others.join("', '")
        ),
        PolicySet {
            name,
            pattern,
            vhost,
        } => format!("策略 '{name}' 已为 vhost '{vhost}' 中的模式 '{pattern}' 设置"),
        PolicyCleared { name, vhost } => format!("vhost '{vhost}' 中的策略 '{name}' 已清除"),
        NodeStopping { node } => format!("{node} 正在停止（受控）"),
        NodeCrashed { node } => format!("{node} 崩溃"),
        NodeStarted { node } => format!("{node} 已启动"),
        BootWaiting { node, waiting_for } => format!(
            "{node} 正在启动：等待 Mnesia 表 30000 ms，剩余 9 次重试；它比 [{}] 先停止，所以要等其中一个（先启动最后停止的节点）",
            waiting_for.join(", ")
        ),
        BootFinished { node } => format!("{node} 找到一个运行中的节点，完成启动"),
        BootFailed { node, peers } => format!(
            "{node} 启动失败：联系集群节点超时：[{}]",
            peers.join(",")
        ),
        PartitionRecorded { sides } => format!(
            "网络分区：{}",
            sides
                .iter()
                .map(|s| s.join(" "))
                .collect::<Vec<_>>()
                .join(" | ")
        ),
        NetTickTimeout {
            node,
            peer,
            ticktime_secs: Some(t),
        } => format!("{node} 宣布 {peer} 宕机：net_tick_timeout（超过 net_ticktime {t} 秒没有任何消息）"),
        NetTickTimeout {
            node,
            peer,
            ticktime_secs: None,
        } => format!("{node} 看到 {peer} 宕机：连接被断开"),
        LinkCut { node, peer } => {
            format!("网络链路被切断：{node} - {peer}（两者仍能联系到其他节点）")
        }
        PartialPartition {
            node,
            down,
            proxy,
            action,
        } => format!(
            "{node} 检测到部分分区：它收到 {down} 的 DOWN，但仍能看到同样能看到 {down} 的 {proxy}；{}",
            match action {
                PartialAction::Pause => "pause_minority：它暂停，直到整个集群恢复".to_string(),
                PartialAction::AboutToPause => "它即将暂停：不再采取其他行动".to_string(),
                PartialAction::Disconnect { from } => {
                    format!("它断开与 {from} 的连接：变成只有它自己一侧的完整分区")
                }
            }
        ),
        NodePausedAllDown { node, preferred } => format!(
            "{node} 暂停自己：它的首选节点 [{}] 一个都联系不到（pause_if_all_down）",
            preferred.join(", ")
        ),
        NodePaused {
            node,
            visible,
            total,
        } => format!("{node} 暂停自己：它只看得到 {total} 个节点中的 {visible} 个（pause_minority）"),
        SplitBrain { queue, nodes } => format!(
            "脑裂：{} 现在在 {} 一侧有一份独立的记录",
            zh_queue(queue),
            nodes.join(", ")
        ),
        NetworkHealed => "网络已恢复".into(),
        AutohealDecision {
            leader,
            partitions,
            winner,
            losers,
        } => format!(
            "{leader} 作出 autoheal 决定：分区 [{}]，获胜者 {winner}，失败者 [{}] 重启",
            partitions
                .iter()
                .map(|p| format!("[{}]", p.join(", ")))
                .collect::<Vec<_>>()
                .join(", "),
            losers.join(", ")
        ),
        AutohealDenied { leader, down } => {
            format!("{leader} 拒绝了 autoheal 请求：这些节点宕机：{}", down.join(", "))
        }
        SplitRecordDiscarded { queue, side } => format!(
            "{}：第 {side} 侧的记录连同其消息被丢弃",
            zh_queue(queue)
        ),
        NodeForgotten { node, by } => {
            format!("把节点 {node} 移出集群（在 {by} 上执行 forget_cluster_node）")
        }
        NodeReset {
            node,
            left_cluster: true,
        } => format!("{node} 重置：它离开集群，数据被清空"),
        NodeReset {
            node,
            left_cluster: false,
        } => format!("{node} 重置：数据被清空"),
        NodeJoinedStopped { node, peer } => {
            format!("{node} 加入了 {peer} 的集群（它的应用仍处于停止状态）")
        }
        NodeRejoins { node } => format!("{node} 重新加入集群"),
        NodeAdded { node } => format!("{node} 加入集群"),
        MasterForgottenRecoverable { queue, node, heir } => format!(
            "{}：它的 master 节点 {node} 被移出集群；{heir} 启动时会从自己的磁盘恢复它",
            zh_queue(queue)
        ),
        MessageRemoved {
            msg,
            queue,
            reason,
            exchange,
            dead_letters,
        } => {
            let what = match *reason {
                "expired" => "已过期（TTL）",
                "rejected" => "被消费者拒绝",
                _ => "超出长度上限",
            };
            let then = match exchange {
                None => "，被丢弃".to_string(),
                Some(x) if dead_letters.is_empty() => {
                    format!("，死信发往交换机 '{x}'（没有路由到任何队列）")
                }
                Some(x) => {
                    let ids: Vec<String> = dead_letters.iter().map(|m| format!("#{}", m.0)).collect();
                    format!("，死信发往交换机 '{x}'，成为 {}", ids.join("、"))
                }
            };
            format!("{}：消息 #{} {what}{then}", zh_queue(queue), msg.0)
        }
        PublishRejected { msg, queue } => format!(
            "{}：消息 #{} 的发布被拒绝（溢出策略 reject-publish）",
            zh_queue(queue),
            msg.0
        ),
        QueueExpired { queue, after_ms } => format!(
            "{} 已过期：{after_ms} 毫秒未被使用（x-expires），已删除",
            zh_queue(queue)
        ),
        NodeDrained { node, connections } => format!(
            "{node} 进入维护模式（排空）：监听暂停，关闭了 {connections} 个本地客户端连接"
        ),
        NodeRevived { node } => format!("{node} 退出维护模式：监听恢复"),
        QueueProcessKilled {
            queue,
            node,
            master,
            restarted,
        } => {
            let role = if *master { "master" } else { "镜像" };
            if *restarted {
                format!(
                    "{}：它在 {node} 上的{role}进程被杀死；监督者重启了它",
                    zh_queue(queue)
                )
            } else {
                format!(
                    "{}：它在 {node} 上的{role}进程被杀死；监督者达到重启上限（10 秒内 5 次），不再重启",
                    zh_queue(queue)
                )
            }
        }
    }
}

fn zh_detail(d: &AnomalyDetail) -> String {
    match d {
        AnomalyDetail::Delivered { times, warned } => format!(
            "投递了 {times} 次；{}",
            if *warned {
                "每次重复都带有 redelivered=true"
            } else {
                "有一次重复带的是 redelivered=false"
            }
        ),
        AnomalyDetail::CameBack {
            client,
            acked,
            again,
        } => format!("{client} 在 {acked} ack 了它，{again} 又收到了它"),
        AnomalyDetail::ConfirmedLost { client, queue } => {
            format!("已向 {client} 确认，但 '{queue}' 的任何副本都不再持有它")
        }
        AnomalyDetail::UnconfirmedLost { queue } => {
            format!("已发布到 '{queue}'，从未投递，任何副本都不再持有它")
        }
        AnomalyDetail::Reordered { client, seq, after } => {
            format!("{client} 在 seq {after} 之后才收到 seq {seq} 的发布")
        }
    }
}

impl Text {
    /// A state change as the reader's language says it.
    pub fn change(&self, c: &StateChange) -> String {
        match self.lang {
            Lang::En => c.to_string(),
            Lang::Zh => zh_change(c),
        }
    }

    /// The checker's detail of an anomaly.
    pub fn anomaly_detail(&self, d: &AnomalyDetail) -> String {
        match self.lang {
            Lang::En => d.to_string(),
            Lang::Zh => zh_detail(d),
        }
    }

    /// Why a message was lost on the wire.
    pub fn lost_reason(&self, reason: &str) -> String {
        match self.lang {
            Lang::En => reason.to_string(),
            Lang::Zh => zh_lost_reason(reason),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::checker::check;
    use crate::sim::scenario::run_text;
    use crate::sim::trace::TraceKind;

    /// Whether a Chinese row still carries an English sentence: letters outside what the
    /// rows keep on purpose (names, pids, RabbitMQ's own terms and the tools' texts).
    fn english_words(s: &str) -> Vec<String> {
        const KEPT: &[&str] = &[
            "vhost",
            // The overflow mode, the queue argument and the TTL as RabbitMQ names them.
            "reject",
            "publish",
            "expires",
            "TTL",
            "master",
            "leader",
            // The HA policy, a node monitor's DOWN.
            "HA",
            "DOWN",
            "basic",
            "ack",
            "nack",
            "seq",
            "max",
            "length",
            "redelivered",
            "true",
            "false",
            "transient",
            "GM",
            "Mnesia",
            "ms",
            "net",
            "tick",
            "timeout",
            "ticktime",
            "pause",
            "minority",
            "autoheal",
            "ETS",
            "forget",
            "cluster",
            "node",
            "broker",
            "ha",
            "promote",
            "on",
            "failure",
            "when",
            "synced",
            "cancel",
            "rabbit",
            "StreamLostError",
            "connection",
            "lost",
            "down",
            "ctag",
            "RabbitMQ",
            "client",
            "unexpectedly",
            "closed",
            "TCP",
        ];
        // Tool terms made of common words, kept whole so that the words alone still count.
        const TERMS: &[&str] = &["pause_if_all_down", "rabbitmqctl delete_queue"];
        let s = TERMS.iter().fold(s.to_string(), |s, t| s.replace(t, " "));
        // Quoted names and patterns, and bracketed lists of nodes, are data, not sentences.
        let mut plain = String::new();
        let mut inside = None;
        for ch in s.chars() {
            match (inside, ch) {
                (None, '\'' | '[' | '<') => inside = Some(ch),
                (Some('\''), '\'') | (Some('['), ']') | (Some('<'), '>') => inside = None,
                (None, _) => plain.push(ch),
                _ => {}
            }
        }
        plain
            .split(|ch: char| !ch.is_ascii_alphabetic())
            .filter(|w| w.len() > 1 && !KEPT.contains(w))
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn every_state_change_and_anomaly_of_the_scenarios_reads_in_chinese() {
        let zh = Lang::Zh.text();
        let en = Lang::En.text();
        let mut rows = 0;
        let mut details = 0;
        let mut bad = Vec::new();
        let mut paths: Vec<_> = std::fs::read_dir("tests/scenarios")
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "scn"))
            .collect();
        paths.sort();
        for path in paths {
            let src = std::fs::read_to_string(&path).unwrap();
            let Ok(run) = run_text(&src, None) else {
                continue;
            };
            for e in &run.sim.trace {
                let TraceKind::State { change, .. } = &e.kind else {
                    continue;
                };
                assert_eq!(en.change(change), change.to_string());
                let names: Vec<String> = [change.client(), change.queue().map(|q| &*q.name)]
                    .into_iter()
                    .flatten()
                    .map(str::to_string)
                    .collect();
                let text = zh.change(change);
                // The broker's reply text (NOT_FOUND - …) is AMQP's, printed as the tools do.
                let text = [
                    "通道错误 ",
                    "通道被 broker 关闭：",
                    "ConnectionClosedByBroker: ",
                ]
                .iter()
                .find_map(|m| text.split_once(m).map(|(head, _)| head.to_string()))
                .unwrap_or(text);
                let left: Vec<String> = english_words(&text)
                    .into_iter()
                    .filter(|w| !names.iter().any(|n| n.contains(w.as_str())))
                    .filter(|w| !text.contains(&format!("@{w}")))
                    .collect();
                if !left.is_empty() {
                    bad.push(format!("{text}: {left:?}"));
                }
                rows += 1;
            }
            for a in check(&run.sim) {
                assert_eq!(en.anomaly_detail(&a.detail), a.detail.to_string());
                assert_ne!(zh.anomaly_detail(&a.detail), a.detail.to_string());
                details += 1;
            }
        }
        bad.sort();
        bad.dedup();
        assert!(bad.is_empty(), "{}", bad.join("\n"));
        assert!(rows > 500 && details > 20, "{rows} rows, {details} details");
    }

    #[test]
    fn lost_reasons_are_translated() {
        let zh = Lang::Zh.text();
        for r in [
            "link cut by the partition",
            "dropped by the user",
            "replica process is dead",
            "GM member is dead",
            "client disconnected",
            "mirror is dead",
        ] {
            assert_ne!(zh.lost_reason(r), r);
            assert_eq!(Lang::En.text().lost_reason(r), r);
        }
    }
}
