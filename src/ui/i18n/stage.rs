//! The stage's text: every string of the page outside the panels lives in one [`Text`] table
//! per language, so a string added for one language and forgotten for the other is a compile
//! error. Words follow the seeds (master / slave, 主 / 从) with RabbitMQ's newer names (leader /
//! mirror) alongside.

use crate::sim::checker::AnomalyKind;
use crate::sim::trace::MsgKind;
use crate::sim::view::node::NodeAction;
use crate::sim::NodeState;
use crate::ui::i18n::lang::{fill, Lang};

impl Lang {
    /// The stage's text in this language.
    pub fn text(self) -> &'static Text {
        match self {
            Lang::En => &EN,
            Lang::Zh => &ZH,
        }
    }
}

/// A claim from the seeds and what RabbitMQ 3.10 really does.
#[derive(Debug, PartialEq, Eq)]
pub struct Note {
    pub title: &'static str,
    /// What the seed says (quoted in its own words, Chinese).
    pub claim: &'static str,
    pub reality: &'static str,
}

/// The page in one language.
#[derive(Debug, PartialEq, Eq)]
pub struct Text {
    /// The language this table is written in (the core's explanations are rendered by it).
    pub lang: Lang,
    /// The language's own name, shown on its switch button.
    pub endonym: &'static str,
    pub language_switch: &'static str,
    /// The document title (browser tab).
    pub doc_title: &'static str,
    pub tagline: &'static str,
    pub version_badge: &'static str,
    pub theme_switch: &'static str,
    pub theme_light: &'static str,
    pub theme_dark: &'static str,
    pub share: &'static str,
    pub share_copied: &'static str,
    pub share_link_label: &'static str,
    /// "{n}": the session's length in bytes; "{max}": what a link carries.
    pub share_too_long: &'static str,
    /// "{why}" is the decoder's or the scenario parser's message.
    pub share_bad_link: &'static str,
    pub help_open: &'static str,
    pub dismiss: &'static str,
    pub close: &'static str,

    // Time controls.
    pub transport_label: &'static str,
    pub play: &'static str,
    pub pause: &'static str,
    pub step: &'static str,
    pub step_back: &'static str,
    pub next_interesting: &'static str,
    pub to_start: &'static str,
    pub to_present: &'static str,
    pub speed: &'static str,
    pub timeline: &'static str,
    pub clock_label: &'static str,
    pub at_present: &'static str,
    pub in_past: &'static str,
    /// "{t}": when; "{n}": inputs discarded.
    pub fork_done: &'static str,
    pub fork_restore: &'static str,
    pub error_title: &'static str,
    pub marker_input: &'static str,
    pub marker_notable: &'static str,
    pub marker_anomaly: &'static str,
    pub marker_fork: &'static str,

    // The stage.
    pub cluster_heading: &'static str,
    /// "{n} nodes, {running} running".
    pub cluster_summary: &'static str,
    pub cluster_diagram_label: &'static str,
    pub nodes_label: &'static str,
    pub add_node: &'static str,
    pub remove_node: &'static str,
    pub size_locked: &'static str,
    pub new_session: &'static str,
    pub partition_open: &'static str,
    pub heal: &'static str,
    pub partition_title: &'static str,
    pub partition_hint: &'static str,
    /// "{s}": A, B, C.
    pub side_name: &'static str,
    pub partition_apply: &'static str,
    pub cancel: &'static str,
    pub partition_need_two: &'static str,
    /// "{node}".
    pub node_actions: &'static str,
    pub menu_inspect: &'static str,
    pub menu_stop: &'static str,
    pub menu_kill: &'static str,
    pub menu_start: &'static str,
    pub menu_remove: &'static str,
    pub menu_remove_hint: &'static str,
    pub booting: &'static str,
    pub state_running: &'static str,
    pub state_stopped: &'static str,
    pub state_crashed: &'static str,
    pub state_paused: &'static str,
    pub state_running_hint: &'static str,
    pub state_stopped_hint: &'static str,
    pub state_crashed_hint: &'static str,
    pub state_paused_hint: &'static str,
    pub role_master: &'static str,
    pub role_synced: &'static str,
    pub role_unsynced: &'static str,
    pub tag_master: &'static str,
    pub tag_synced: &'static str,
    pub tag_unsynced: &'static str,
    /// A replica's message count (ready + unacked) on its chip's label: "{n}".
    pub chip_messages: &'static str,
    /// The legend's line for the count on a chip.
    pub legend_count: &'static str,
    pub queue_down: &'static str,
    /// "{p}".
    pub queue_syncing: &'static str,
    /// "{n}".
    pub more_replicas: &'static str,
    pub client_disconnected: &'static str,
    /// "{n}".
    pub in_flight: &'static str,
    /// "{s}".
    pub side_label: &'static str,
    pub link_cut: &'static str,
    pub lost: &'static str,
    pub motion_reduced: &'static str,
    pub drop_message: &'static str,
    pub drop_hint: &'static str,
    /// "client" in endpoint names (`client app`).
    pub w_client: &'static str,
    pub f_policy: &'static str,

    // Legend.
    pub legend_heading: &'static str,
    pub legend_nodes: &'static str,
    pub legend_replicas: &'static str,
    pub legend_messages: &'static str,
    pub legend_link: &'static str,
    pub legend_cut: &'static str,
    pub legend_ring: &'static str,
    pub legend_client: &'static str,
    pub kind_publish: &'static str,
    pub kind_gm: &'static str,
    pub kind_gm_ack: &'static str,
    pub kind_gm_catchup: &'static str,
    pub kind_replica_confirm: &'static str,
    pub kind_confirm: &'static str,
    pub kind_deliver: &'static str,
    pub kind_client_ack: &'static str,
    pub kind_request: &'static str,
    pub kind_cancel: &'static str,
    pub kind_sync: &'static str,

    // Event log and space-time diagram.
    pub log_heading: &'static str,
    pub log_all: &'static str,
    pub log_key: &'static str,
    pub log_filter: &'static str,
    pub log_follow: &'static str,
    pub log_empty: &'static str,
    pub log_rows: &'static str,
    pub log_future: &'static str,
    pub st_heading: &'static str,
    pub st_label: &'static str,
    pub zoom_in: &'static str,
    pub zoom_out: &'static str,
    /// "{span}".
    pub st_window: &'static str,
    pub st_hint: &'static str,

    // Inspector.
    pub insp_heading: &'static str,
    pub insp_empty: &'static str,
    pub f_state: &'static str,
    pub f_queues: &'static str,
    pub f_clients: &'static str,
    pub f_none: &'static str,
    pub f_queue: &'static str,
    pub f_role: &'static str,
    pub f_process: &'static str,
    pub f_node: &'static str,
    pub f_ready: &'static str,
    pub f_unacked: &'static str,
    pub f_depth: &'static str,
    pub f_synced: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub f_behind: &'static str,
    pub f_gm_buffer: &'static str,
    pub f_gm_buffer_hint: &'static str,
    pub f_alive: &'static str,
    pub f_kind: &'static str,
    pub f_from: &'static str,
    pub f_to: &'static str,
    pub f_sent: &'static str,
    pub f_arrives: &'static str,
    pub f_status: &'static str,
    pub s_in_flight: &'static str,
    pub s_arrived: &'static str,
    pub s_not_yet: &'static str,
    /// "{why}" is the core's reason.
    pub s_lost: &'static str,
    /// "{body}".
    pub lineage_heading: &'static str,
    pub lineage_hint: &'static str,
    pub lineage_none: &'static str,
    pub hop_publish_master: &'static str,
    pub hop_publish_mirror: &'static str,
    pub hop_gm: &'static str,
    pub hop_gm_ack: &'static str,
    pub hop_gm_catchup: &'static str,
    pub hop_replica_confirm: &'static str,
    pub hop_confirm_ack: &'static str,
    pub hop_confirm_nack: &'static str,
    pub hop_deliver: &'static str,
    pub hop_redeliver: &'static str,
    pub hop_ack: &'static str,
    pub hop_reject: &'static str,
    pub hop_sync_batch: &'static str,
    pub f_connected: &'static str,
    pub f_published: &'static str,
    pub f_confirmed: &'static str,
    pub f_unconfirmed: &'static str,
    pub f_deliveries: &'static str,
    pub f_redelivered: &'static str,
    pub f_consumers: &'static str,
    pub f_last_error: &'static str,
    pub f_event: &'static str,
    pub f_input: &'static str,
    pub f_side: &'static str,
    pub go_there: &'static str,

    // Anomalies.
    pub anom_heading: &'static str,
    pub anom_none: &'static str,
    pub anom_lost: &'static str,
    pub anom_lost_unconfirmed: &'static str,
    pub anom_duplicate: &'static str,
    pub anom_came_back: &'static str,
    pub anom_reordered: &'static str,
    pub anom_lost_why: &'static str,
    pub anom_lost_unconfirmed_why: &'static str,
    pub anom_duplicate_why: &'static str,
    pub anom_came_back_why: &'static str,
    pub anom_reordered_why: &'static str,
    pub anom_cause: &'static str,
    pub anom_detail: &'static str,
    pub anom_at: &'static str,
    /// A likely cause that is a message lost in flight: "{id}", "{why}".
    pub anom_lost_in_flight: &'static str,
    /// Losses by kind: "{n}".
    pub loss_count_confirmed: &'static str,
    pub loss_count_unconfirmed: &'static str,
    pub loss_sep: &'static str,
    /// The notice a lesson shows when the run loses messages.
    pub loss_notice_title: &'static str,
    pub loss_notice_hint: &'static str,
    /// The notice's button to the first loss: "{t}".
    pub loss_go: &'static str,

    // Seeds vs RabbitMQ.
    pub notes_heading: &'static str,
    pub notes_intro: &'static str,
    pub note_relevant: &'static str,
    pub note_seed: &'static str,
    pub note_rabbitmq: &'static str,
    pub notes: [Note; 5],

    // Lessons.
    pub lessons_heading: &'static str,
    pub lesson_pick: &'static str,
    pub lesson_load: &'static str,
    pub lesson_run_step: &'static str,
    /// "{i}", "{n}".
    pub lesson_progress: &'static str,
    pub lesson_done: &'static str,
    /// A step the learner did their own way (console, forms, menus, playing); "{i}".
    pub lesson_recognised: &'static str,

    // Panels.
    pub panels_label: &'static str,
    pub tab_policies: &'static str,
    pub tab_queues: &'static str,
    pub tab_console: &'static str,
    pub tab_clients: &'static str,
    pub tab_scripts: &'static str,

    // Keyboard shortcuts.
    pub help_title: &'static str,
    pub sc_play: &'static str,
    pub sc_step: &'static str,
    pub sc_back: &'static str,
    pub sc_next: &'static str,
    pub sc_slower: &'static str,
    pub sc_faster: &'static str,
    pub sc_start: &'static str,
    pub sc_end: &'static str,
    pub sc_help: &'static str,
    pub sc_escape: &'static str,

    pub links_note: &'static str,
    pub about_heading: &'static str,
    pub about_body: &'static str,
    pub about_deprecation: &'static str,
    pub footer: &'static str,
    pub panic_title: &'static str,
    pub panic_body: &'static str,
    pub panic_reload: &'static str,
}

impl Text {
    pub fn state(&self, state: NodeState) -> &'static str {
        match state {
            NodeState::Running => self.state_running,
            NodeState::Stopped => self.state_stopped,
            NodeState::Crashed => self.state_crashed,
            NodeState::Paused => self.state_paused,
        }
    }

    pub fn state_hint(&self, state: NodeState) -> &'static str {
        match state {
            NodeState::Running => self.state_running_hint,
            NodeState::Stopped => self.state_stopped_hint,
            NodeState::Crashed => self.state_crashed_hint,
            NodeState::Paused => self.state_paused_hint,
        }
    }

    pub fn cluster_summary(&self, nodes: usize, running: usize) -> String {
        fill(
            self.cluster_summary,
            &[("n", &nodes.to_string()), ("running", &running.to_string())],
        )
    }

    /// The node menu's label for a fault.
    pub fn node_action(&self, action: NodeAction) -> &'static str {
        match action {
            NodeAction::Stop => self.menu_stop,
            NodeAction::Kill => self.menu_kill,
            NodeAction::Start => self.menu_start,
        }
    }

    pub fn kind_name(&self, kind: MsgKind) -> &'static str {
        match kind {
            MsgKind::Publish => self.kind_publish,
            MsgKind::GmPubs => self.kind_gm,
            MsgKind::GmAcks => self.kind_gm_ack,
            MsgKind::GmCatchup => self.kind_gm_catchup,
            MsgKind::ReplicaConfirm => self.kind_replica_confirm,
            MsgKind::Confirm => self.kind_confirm,
            MsgKind::Deliver | MsgKind::Redeliver => self.kind_deliver,
            MsgKind::ClientAck | MsgKind::ClientReject => self.kind_client_ack,
            MsgKind::Request => self.kind_request,
            MsgKind::Cancel => self.kind_cancel,
            MsgKind::SyncBatch => self.kind_sync,
        }
    }

    pub fn anomaly(&self, kind: AnomalyKind) -> (&'static str, &'static str) {
        match kind {
            AnomalyKind::Lost => (self.anom_lost, self.anom_lost_why),
            AnomalyKind::LostUnconfirmed => {
                (self.anom_lost_unconfirmed, self.anom_lost_unconfirmed_why)
            }
            AnomalyKind::Duplicate => (self.anom_duplicate, self.anom_duplicate_why),
            AnomalyKind::AckedCameBack => (self.anom_came_back, self.anom_came_back_why),
            AnomalyKind::Reordered => (self.anom_reordered, self.anom_reordered_why),
        }
    }
}

static EN: Text = Text {
    lang: Lang::En,
    endonym: "English",
    language_switch: "Language",
    doc_title: "mirrorscope · RabbitMQ 3.10 classic mirrored queues",
    tagline: "Watch and steer classic mirrored queues",
    version_badge: "models RabbitMQ 3.10",
    theme_switch: "Colour theme",
    theme_light: "Light",
    theme_dark: "Dark",
    share: "Share",
    share_copied: "Link copied: it replays this session up to this moment.",
    share_link_label: "Link to this session",
    share_too_long: "No link made: this session is {n} bytes as a scenario, more than the {max} a link carries, so a link to it would not load (docs/limits.md). Share a shorter session: Start over, or scrub back and act in the past to drop what came after.",
    share_bad_link: "The link's session could not be loaded ({why}); the playground started fresh instead.",
    help_open: "Keyboard shortcuts",
    dismiss: "Dismiss",
    close: "Close",

    transport_label: "Time controls",
    play: "Play",
    pause: "Pause",
    step: "Step",
    step_back: "Step back",
    next_interesting: "Next interesting event",
    to_start: "Back to the start",
    to_present: "Jump to the present",
    speed: "Speed",
    timeline: "Timeline",
    clock_label: "Simulated time",
    at_present: "live",
    in_past: "in the past: acting here forks the run",
    fork_done: "You acted at {t}, in the past: the run forked there and {n} later input(s) were discarded.",
    fork_restore: "Bring the old future back",
    error_title: "That did not work:",
    marker_input: "your action",
    marker_notable: "failover, sync or other notable event",
    marker_anomaly: "anomaly",
    marker_fork: "fork",

    cluster_heading: "Cluster",
    cluster_summary: "{n} nodes, {running} running",
    cluster_diagram_label: "Cluster nodes, their queue replicas, clients and messages in flight",
    nodes_label: "Nodes",
    add_node: "Add a node",
    remove_node: "Remove a node",
    size_locked: "During a run, + brings back a node that left or adds a new one; − stops the last node and forgets it (rabbitmqctl forget_cluster_node), as the console shows.",
    new_session: "Start over",
    partition_open: "Partition…",
    heal: "Heal the network",
    partition_title: "Cut the network into sides",
    partition_hint: "Put each node on a side: every link between two sides is cut. Nodes notice after net_ticktime (60–76 s).",
    side_name: "Side {s}",
    partition_apply: "Cut the links",
    cancel: "Cancel",
    partition_need_two: "Put nodes on at least two sides.",
    node_actions: "Actions for {node}",
    menu_inspect: "Inspect",
    menu_stop: "Stop (controlled)",
    menu_kill: "Kill (crash)",
    menu_start: "Start",
    menu_remove: "Remove from cluster",
    menu_remove_hint: "Runs rabbitmqctl stop_app on this node, then forget_cluster_node on a running node. Queues whose master was here move to a stopped mirror node, or are deleted.",
    booting: "booting: waiting for a peer",
    state_running: "running",
    state_stopped: "stopped",
    state_crashed: "crashed",
    state_paused: "paused (minority)",
    state_running_hint: "the rabbit application is up",
    state_stopped_hint: "stopped on purpose; peers see it leave at once",
    state_crashed_hint: "killed; on one host peers see the link close at once",
    state_paused_hint: "pause_minority stopped it until a majority is back",
    role_master: "master (leader)",
    role_synced: "slave (mirror), synchronised",
    role_unsynced: "slave (mirror), not synchronised",
    tag_master: "M",
    tag_synced: "S",
    tag_unsynced: "U",
    chip_messages: "holds {n} messages (ready + unacked)",
    legend_count: "the number on a replica: the messages it holds (ready + unacked)",
    queue_down: "down: no live master",
    queue_syncing: "syncing {p}%",
    more_replicas: "+{n} more",
    client_disconnected: "disconnected",
    in_flight: "{n} in flight",
    side_label: "side {s}",
    link_cut: "link cut by the partition",
    lost: "lost",
    motion_reduced: "Reduced motion is on: messages rest on their routes instead of moving.",
    drop_message: "Drop this message",
    drop_hint: "A fault: the message is lost on the wire, as if the network ate it. Then watch what the protocol does about it.",
    w_client: "client",
    f_policy: "Policy",

    legend_heading: "Legend",
    legend_nodes: "Nodes",
    legend_replicas: "Queue replicas",
    legend_messages: "Messages",
    legend_link: "distribution link between two nodes",
    legend_cut: "link cut by a partition",
    legend_ring: "GM ring of a queue (in ring order)",
    legend_client: "client connection (one channel) to its node",
    kind_publish: "publish (channel → every replica)",
    kind_gm: "GM first lap: publications",
    kind_gm_ack: "GM second lap: acks",
    kind_gm_catchup: "GM catch-up (a member joined or died)",
    kind_replica_confirm: "replica confirm → channel",
    kind_confirm: "confirm to the publisher",
    kind_deliver: "delivery to a consumer",
    kind_client_ack: "client ack / nack",
    kind_request: "client request (consume, get, …)",
    kind_cancel: "consumer cancel",
    kind_sync: "eager-sync batch",

    log_heading: "Event log",
    log_all: "All events",
    log_key: "Actions and state changes",
    log_filter: "Show",
    log_follow: "Follow the clock",
    log_empty: "Nothing has happened yet: act on the cluster (a lesson, a node's menu, the panels), then press Play.",
    log_rows: "Trace entries; choose one to move the clock there",
    log_future: "not reached yet",
    st_heading: "Space-time diagram",
    st_label: "Lanes for nodes and clients over time, with an arrow per message",
    zoom_in: "Zoom in",
    zoom_out: "Zoom out",
    st_window: "{span} shown",
    st_hint: "Drag to scrub; click an arrow to inspect it.",

    insp_heading: "Inspector",
    insp_empty: "Click a node, a replica, a client, a message or a log row to see its state.",
    f_state: "State",
    f_queues: "Queue replicas here",
    f_clients: "Clients here",
    f_none: "none",
    f_queue: "Queue",
    f_role: "Role",
    f_process: "Process",
    f_node: "Node",
    f_ready: "Ready",
    f_unacked: "Unacked",
    f_depth: "Depth",
    f_synced: "Synchronised",
    yes: "yes",
    no: "no",
    f_behind: "Messages behind the master",
    f_gm_buffer: "Unflushed GM broadcasts",
    f_gm_buffer_hint: "If this process dies now, these effects never reach the mirrors (the GM batching window).",
    f_alive: "Alive",
    f_kind: "Kind",
    f_from: "From",
    f_to: "To",
    f_sent: "Sent",
    f_arrives: "Arrives",
    f_status: "Status",
    s_in_flight: "in flight",
    s_arrived: "arrived",
    s_not_yet: "not sent yet at this moment",
    s_lost: "lost: {why}",
    lineage_heading: "Lineage of {body}",
    lineage_hint: "Each hop is a trace entry: choose one to move the clock there.",
    lineage_none: "This message is not about one published message (a GM activity, sync batch or ack may carry several; a request carries none).",
    hop_publish_master: "publish → master",
    hop_publish_mirror: "publish → slave (mirror)",
    hop_gm: "GM ring, first lap",
    hop_gm_ack: "GM ring, ack lap",
    hop_gm_catchup: "GM catchup after a death",
    hop_replica_confirm: "replica confirm",
    hop_confirm_ack: "basic.ack to the publisher",
    hop_confirm_nack: "basic.nack to the publisher",
    hop_deliver: "delivered",
    hop_redeliver: "delivered again (redelivered)",
    hop_ack: "acked by the consumer",
    hop_reject: "rejected by the consumer (basic.nack)",
    hop_sync_batch: "eager-sync batch to a mirror",
    f_connected: "Connected",
    f_published: "Published",
    f_confirmed: "Confirmed (ack / nack)",
    f_unconfirmed: "Awaiting confirm",
    f_deliveries: "Deliveries",
    f_redelivered: "of which redelivered",
    f_consumers: "Consumers",
    f_last_error: "Last error",
    f_event: "Event",
    f_input: "Your input",
    f_side: "Partition side",
    go_there: "Go to this moment",

    anom_heading: "Anomalies",
    anom_none: "None so far: no confirmed message lost, none delivered twice, none back after its ack, none out of order.",
    anom_lost: "Confirmed and lost",
    anom_lost_unconfirmed: "Published, never delivered, gone from every replica",
    anom_duplicate: "Delivered more than once",
    anom_came_back: "Acked message came back",
    anom_reordered: "Delivered out of order",
    anom_lost_unconfirmed_why: "Published, never delivered, held by no replica — but never confirmed either: the publisher had neither basic.ack nor basic.nack (no confirm mode, or the confirm never came), so RabbitMQ promised nothing and a publisher that wants it must publish again.",
    anom_lost_why: "The publisher got basic.ack, yet no live replica holds the message: every replica that had it is gone (for example an unsynchronised slave was promoted, or the only copies died).",
    anom_duplicate_why: "After a failover the new master requeues every message it held as unacknowledged: it cannot know whether the old master's deliveries were acked. Consumers must tolerate repeats; RabbitMQ marks them redelivered=true.",
    anom_came_back_why: "The consumer acked it, then got it again. The master broadcasts effects such as acks to its slaves over GM in batches (when idle, at most every 25 ms). It died before this ack left its buffer, so the promoted slave still held the message and requeued it — RabbitMQ's HA guide warns acked messages may reappear.",
    anom_reordered_why: "A consumer saw a later publish before an earlier one from the same publisher: after a failover, requeued and channel-buffered messages re-enter the queue in a different place.",
    anom_cause: "Likely cause",
    anom_detail: "Core's detail",
    anom_at: "at",
    anom_lost_in_flight: "message #{id} lost in flight: {why}",
    loss_count_confirmed: "{n} confirmed and lost",
    loss_count_unconfirmed: "{n} published, never delivered, gone from every replica (never confirmed)",
    loss_sep: "; ",
    loss_notice_title: "Messages were lost:",
    loss_notice_hint: "Each one is in the Anomalies card, with the moment it was lost and the likely cause.",
    loss_go: "Go to the first loss ({t})",

    notes_heading: "The seeds vs RabbitMQ 3.10",
    notes_intro: "The course notes (seeds) say a few things RabbitMQ's code does differently. What you see on the stage follows the code.",
    note_relevant: "relevant now",
    note_seed: "Seed",
    note_rabbitmq: "RabbitMQ 3.10",
    notes: [
        Note {
            title: "Where new mirrors go",
            claim: "选择当前镜像数最少的节点；如果镜像数相同，选择队列总数最少的节点；如果队列数也相同，随机选择",
            reality: "For ha-mode exactly, classic mirroring keeps the existing mirrors and picks the missing ones by a plain uniform random shuffle of the other running nodes: no count of mirrors or queues. The master goes on the node the declaring client is connected to (client-local). The \"fewest replicas\" rule exists only for quorum queues and streams.",
        },
        Note {
            title: "ha-sync-mode is not synchronous vs asynchronous replication",
            claim: "ha-sync-mode: automatic 是同步复制（等待所有镜像确认）；不设置（manual）是异步复制（立即确认）",
            reality: "Every publish always goes to every mirror, in both modes, and a confirm waits for every replica. ha-sync-mode only decides whether the messages already in the queue are copied to a new or restarted mirror: automatic starts an eager sync (the queue is blocked while it runs); manual (the default) leaves the mirror unsynchronised until old messages drain or sync_queue is run.",
        },
        Note {
            title: "How fast a dead node is noticed",
            claim: "心跳间隔：默认60秒；超时判定：默认600秒（10分钟）",
            reality: "net_ticktime defaults to 60 s and each node declares a silent peer down after 60–76 s (1–1.27 × net_ticktime, each node pair on its own; measured on 3.10.8). A stopped or killed node whose TCP links close is noticed at once.",
        },
        Note {
            title: "Clients do not follow the master",
            claim: "客户端自动重新连接到新主节点",
            reality: "Connections to the failed node are simply closed: the client library must reconnect (to any node). Consumers connected through other nodes are re-consumed transparently by their channel after the promotion, unless they asked for x-cancel-on-ha-failover.",
        },
        Note {
            title: "Which slave is promoted",
            claim: "选举最老的 slave 作为新的 master，因为最老的 slave 与旧的 master 之间的同步状态应该是最好的",
            reality: "The oldest slave is promoted without looking at whether it is synchronised (unless ha-promote-on-failure is when-synced); messages only the old master held are lost. A controlled stop of the master with no synchronised slave does not promote at all by default (ha-promote-on-shutdown: when-synced): the queue goes offline.",
        },
    ],

    lessons_heading: "Lessons and scenarios",
    lesson_pick: "Lesson",
    lesson_load: "Load",
    lesson_run_step: "Do this step",
    lesson_progress: "Step {i} of {n}",
    lesson_done: "All steps done: play, scrub and inspect.",
    lesson_recognised: "Step {i} is done: the cluster shows it, however you did it.",

    panels_label: "Management panels",
    tab_policies: "Policies",
    tab_queues: "Queues",
    tab_console: "Console",
    tab_clients: "Clients",
    tab_scripts: "Python",

    help_title: "Keyboard shortcuts",
    sc_play: "Play or pause",
    sc_step: "Step to the next event",
    sc_back: "Step back to the previous event",
    sc_next: "Jump to the next interesting event",
    sc_slower: "Slower",
    sc_faster: "Faster",
    sc_start: "Back to the start",
    sc_end: "Jump to the present",
    sc_help: "Show or hide this help",
    sc_escape: "Close menus and dialogs",

    links_note: "Every pair of nodes keeps an Erlang distribution link.",
    about_heading: "What this models",
    about_body: "A deterministic simulation of a RabbitMQ 3.10 cluster running classic mirrored \
                 queues: ha-mode policies, mirror synchronisation, master promotion and the \
                 behaviour of nodes that stop, crash or are partitioned.",
    about_deprecation: "Classic queue mirroring is deprecated and was removed in RabbitMQ 4.0; \
                        this playground shows how it behaved in 3.10.",
    footer: "Simulated in your browser; no RabbitMQ server is contacted.",
    panic_title: "mirrorscope stopped",
    panic_body: "The simulation hit an internal error and cannot go on. Reload the page to \
                 start again; the details below help to report it.",
    panic_reload: "Reload",
};

static ZH: Text = Text {
    lang: Lang::Zh,
    endonym: "中文",
    language_switch: "语言",
    doc_title: "mirrorscope · RabbitMQ 3.10 经典镜像队列",
    tagline: "观察并操控经典镜像队列",
    version_badge: "模拟 RabbitMQ 3.10",
    theme_switch: "配色",
    theme_light: "浅色",
    theme_dark: "深色",
    share: "分享",
    share_copied: "链接已复制：打开它会重放本次会话直到此刻。",
    share_link_label: "本次会话的链接",
    share_too_long: "未生成链接：本次会话写成场景有 {n} 字节，超过链接能携带的 {max} 字节，这样的链接将无法打开（见 docs/limits.md）。请分享更短的会话：重新开始，或拖回过去再操作以舍弃之后的内容。",
    share_bad_link: "链接中的会话无法加载（{why}），已重新开始。",
    help_open: "键盘快捷键",
    dismiss: "知道了",
    close: "关闭",

    transport_label: "时间控制",
    play: "播放",
    pause: "暂停",
    step: "单步",
    step_back: "后退一步",
    next_interesting: "下一个关键事件",
    to_start: "回到开始",
    to_present: "跳到当前",
    speed: "速度",
    timeline: "时间轴",
    clock_label: "模拟时间",
    at_present: "实时",
    in_past: "正在查看过去：在此操作会分叉",
    fork_done: "你在过去的 {t} 进行了操作：运行从那里分叉，之后的 {n} 个输入已被丢弃。",
    fork_restore: "恢复被丢弃的未来",
    error_title: "操作未成功：",
    marker_input: "你的操作",
    marker_notable: "故障转移、同步等关键事件",
    marker_anomaly: "异常",
    marker_fork: "分叉",

    cluster_heading: "集群",
    cluster_summary: "{n} 个节点，{running} 个运行中",
    cluster_diagram_label: "集群节点、队列副本、客户端和传输中的消息",
    nodes_label: "节点数",
    add_node: "增加一个节点",
    remove_node: "减少一个节点",
    size_locked: "运行中，+ 让离开的节点重新加入或加入新节点；− 停止最后一个节点并将其移出集群（rabbitmqctl forget_cluster_node），控制台会显示这些命令。",
    new_session: "重新开始",
    partition_open: "网络分区…",
    heal: "恢复网络",
    partition_title: "把网络切成几部分",
    partition_hint: "为每个节点选择一侧：不同侧之间的连接全部切断。节点要过 net_ticktime（60–76 秒）才发现。",
    side_name: "{s} 侧",
    partition_apply: "切断连接",
    cancel: "取消",
    partition_need_two: "至少要把节点分到两侧。",
    node_actions: "{node} 的操作",
    menu_inspect: "查看详情",
    menu_stop: "停止（正常关闭）",
    menu_kill: "强杀（崩溃）",
    menu_start: "启动",
    menu_remove: "移出集群",
    menu_remove_hint: "先在该节点上执行 rabbitmqctl stop_app，再在一个运行中的节点上执行 forget_cluster_node。master 在此节点上的队列会转到一个已停止的镜像节点，否则被删除。",
    booting: "启动中：等待其他节点",
    state_running: "运行中",
    state_stopped: "已停止",
    state_crashed: "已崩溃",
    state_paused: "已暂停（少数派）",
    state_running_hint: "rabbit 应用正在运行",
    state_stopped_hint: "被主动停止；其他节点立即得知",
    state_crashed_hint: "被强行终止；同一主机上其他节点会立即看到连接断开",
    state_paused_hint: "pause_minority 使其暂停，直到多数派恢复",
    role_master: "master（主，leader）",
    role_synced: "slave（从 / 镜像），已同步",
    role_unsynced: "slave（从 / 镜像），未同步",
    tag_master: "主",
    tag_synced: "同",
    tag_unsynced: "未",
    chip_messages: "持有 {n} 条消息（就绪 + 未确认）",
    legend_count: "副本上的数字：它持有的消息数（就绪 + 未确认）",
    queue_down: "不可用：没有存活的 master",
    queue_syncing: "同步中 {p}%",
    more_replicas: "另有 {n} 个",
    client_disconnected: "已断开",
    in_flight: "{n} 条传输中",
    side_label: "{s} 侧",
    link_cut: "连接被网络分区切断",
    lost: "丢失",
    motion_reduced: "已开启减少动态效果：消息停在路线上，不再移动。",
    drop_message: "丢弃这条消息",
    drop_hint: "一种故障：这条消息在网络上丢失，就像被网络吞掉了一样。然后看看协议如何应对。",
    w_client: "客户端",
    f_policy: "策略",

    legend_heading: "图例",
    legend_nodes: "节点",
    legend_replicas: "队列副本",
    legend_messages: "消息",
    legend_link: "两个节点之间的分布式连接",
    legend_cut: "被网络分区切断的连接",
    legend_ring: "队列的 GM 环（按环的顺序）",
    legend_client: "客户端连接（一个信道）到所在节点",
    kind_publish: "发布（信道 → 每个副本）",
    kind_gm: "GM 第一圈：发布内容",
    kind_gm_ack: "GM 第二圈：确认",
    kind_gm_catchup: "GM 追赶（成员加入或死亡后）",
    kind_replica_confirm: "副本确认 → 信道",
    kind_confirm: "发给生产者的确认",
    kind_deliver: "投递给消费者",
    kind_client_ack: "客户端 ack / nack",
    kind_request: "客户端请求（consume、get 等）",
    kind_cancel: "消费者取消",
    kind_sync: "主动同步批次",

    log_heading: "事件日志",
    log_all: "全部事件",
    log_key: "操作和状态变化",
    log_filter: "显示",
    log_follow: "跟随时钟",
    log_empty: "还没有发生任何事：先操作集群（课程、节点菜单或下方面板），再按播放。",
    log_rows: "跟踪记录；选择一条即可把时钟移到那里",
    log_future: "尚未到达",
    st_heading: "时空图",
    st_label: "节点和客户端的泳道随时间展开，每条消息一支箭头",
    zoom_in: "放大",
    zoom_out: "缩小",
    st_window: "显示 {span}",
    st_hint: "拖动可调整时间；点击箭头查看详情。",

    insp_heading: "详情",
    insp_empty: "点击节点、副本、客户端、消息或日志行，查看它的状态。",
    f_state: "状态",
    f_queues: "此节点上的队列副本",
    f_clients: "此节点上的客户端",
    f_none: "无",
    f_queue: "队列",
    f_role: "角色",
    f_process: "进程",
    f_node: "节点",
    f_ready: "就绪",
    f_unacked: "未确认",
    f_depth: "深度",
    f_synced: "已同步",
    yes: "是",
    no: "否",
    f_behind: "落后 master 的消息数",
    f_gm_buffer: "尚未发出的 GM 广播",
    f_gm_buffer_hint: "如果此进程现在死亡，这些操作永远到不了镜像（GM 批处理窗口）。",
    f_alive: "存活",
    f_kind: "类型",
    f_from: "来自",
    f_to: "发往",
    f_sent: "发送于",
    f_arrives: "到达于",
    f_status: "状态",
    s_in_flight: "传输中",
    s_arrived: "已到达",
    s_not_yet: "此刻尚未发送",
    s_lost: "丢失：{why}",
    lineage_heading: "{body} 的传递过程",
    lineage_hint: "每一跳都是一条跟踪记录：选择它即可把时钟移到那里。",
    lineage_none: "这条消息不对应单个已发布的消息（GM 活动、同步批次或 ack 可能携带多条；请求不携带消息）。",
    hop_publish_master: "发布 → master",
    hop_publish_mirror: "发布 → slave（镜像）",
    hop_gm: "GM 环第一圈",
    hop_gm_ack: "GM 环确认圈",
    hop_gm_catchup: "成员死亡后的 GM 追赶（catchup）",
    hop_replica_confirm: "副本确认",
    hop_confirm_ack: "basic.ack 给生产者",
    hop_confirm_nack: "basic.nack 给生产者",
    hop_deliver: "已投递",
    hop_redeliver: "再次投递（redelivered）",
    hop_ack: "消费者已 ack",
    hop_reject: "消费者已拒绝（basic.nack）",
    hop_sync_batch: "发给镜像的主动同步批次",
    f_connected: "已连接",
    f_published: "已发布",
    f_confirmed: "已确认（ack / nack）",
    f_unconfirmed: "等待确认",
    f_deliveries: "投递次数",
    f_redelivered: "其中重新投递",
    f_consumers: "消费者",
    f_last_error: "最近的错误",
    f_event: "事件",
    f_input: "你的输入",
    f_side: "分区所在侧",
    go_there: "跳到这一刻",

    anom_heading: "异常",
    anom_none: "目前没有：没有已确认的消息丢失，没有重复投递，没有 ack 后又回来的消息，也没有乱序。",
    anom_lost: "已确认却丢失",
    anom_lost_unconfirmed: "已发布、从未投递、所有副本都不再持有",
    anom_duplicate: "重复投递",
    anom_came_back: "已 ack 的消息又回来了",
    anom_reordered: "投递乱序",
    anom_lost_unconfirmed_why: "已发布、从未投递、也没有任何副本持有——但它也从未被确认：生产者既没有收到 basic.ack 也没有收到 basic.nack（未开启确认模式，或确认没有到达），所以 RabbitMQ 没有作出任何承诺，需要它的生产者必须重新发布。",
    anom_lost_why: "生产者收到了 basic.ack，但已没有存活的副本持有这条消息：所有拥有它的副本都没了（例如提升了未同步的 slave，或仅有的副本都死了）。",
    anom_duplicate_why: "故障转移后，新的 master 会把它持有的所有未确认消息重新入队：它无法知道旧 master 的投递是否已被 ack。消费者必须能容忍重复；RabbitMQ 会标记 redelivered=true。",
    anom_came_back_why: "消费者已经 ack 了它，却又收到一次。master 通过 GM 把 ack 等操作分批广播给 slave（空闲时或最多每 25 毫秒一次）。它在这次 ack 离开缓冲区之前就死了，于是被提升的 slave 仍持有这条消息并重新入队——RabbitMQ 的 HA 文档也提醒已 ack 的消息可能重现。",
    anom_reordered_why: "消费者先看到了同一生产者较晚发布的消息：故障转移后，重新入队的消息和信道缓冲的消息回到队列的位置不同。",
    anom_cause: "可能的原因",
    anom_detail: "内核给出的细节",
    anom_at: "于",
    anom_lost_in_flight: "消息 #{id} 在途中丢失：{why}",
    loss_count_confirmed: "{n} 条已确认却丢失",
    loss_count_unconfirmed: "{n} 条已发布、从未投递、所有副本都不再持有（从未确认）",
    loss_sep: "；",
    loss_notice_title: "有消息丢失：",
    loss_notice_hint: "每一条都列在“异常”卡片里，带有丢失的时刻和可能的原因。",
    loss_go: "跳到第一次丢失（{t}）",

    notes_heading: "种子资料与 RabbitMQ 3.10 的差异",
    notes_intro: "课程资料（种子）里有几处说法与 RabbitMQ 源码的行为不同。舞台上展示的是源码的行为。",
    note_relevant: "与当前相关",
    note_seed: "资料原文",
    note_rabbitmq: "RabbitMQ 3.10 实际",
    notes: [
        Note {
            title: "新镜像放在哪里",
            claim: "选择当前镜像数最少的节点；如果镜像数相同，选择队列总数最少的节点；如果队列数也相同，随机选择",
            reality: "ha-mode 为 exactly 时，经典镜像保留已有镜像，缺少的镜像从其他运行中节点里做均匀随机洗牌后挑选：不看镜像数，也不看队列数。master 放在声明队列的客户端所连的节点（client-local）。“副本最少优先”的规则只用于仲裁队列和流。",
        },
        Note {
            title: "ha-sync-mode 不是同步复制与异步复制之分",
            claim: "ha-sync-mode: automatic 是同步复制（等待所有镜像确认）；不设置（manual）是异步复制（立即确认）",
            reality: "两种模式下每条发布都会发给每个镜像，确认也都要等所有副本。ha-sync-mode 只决定队列里已有的消息是否复制给新加入或重启的镜像：automatic 会开始主动同步（同步期间队列被阻塞）；manual（默认）让镜像保持未同步，直到旧消息被消费完或执行 sync_queue。",
        },
        Note {
            title: "多久能发现节点死亡",
            claim: "心跳间隔：默认60秒；超时判定：默认600秒（10分钟）",
            reality: "net_ticktime 默认 60 秒，每个节点在 60–76 秒后（net_ticktime 的 1–1.27 倍，每对节点各自计时；在 3.10.8 上实测）把静默的节点判定为宕机。被停止或强杀、TCP 连接随之关闭的节点会被立即发现。",
        },
        Note {
            title: "客户端不会自动跟随 master",
            claim: "客户端自动重新连接到新主节点",
            reality: "连到故障节点的连接会直接断开：需要客户端库自己重连（连任意节点都行）。通过其他节点连接的消费者，在提升完成后由信道透明地重新 consume，除非设置了 x-cancel-on-ha-failover。",
        },
        Note {
            title: "提升哪个 slave",
            claim: "选举最老的 slave 作为新的 master，因为最老的 slave 与旧的 master 之间的同步状态应该是最好的",
            reality: "最老的 slave 被提升时并不检查它是否已同步（除非 ha-promote-on-failure 为 when-synced）；只有旧 master 持有的消息会丢失。默认情况下（ha-promote-on-shutdown: when-synced），在没有已同步 slave 时正常停止 master 根本不会提升：队列直接下线。",
        },
    ],

    lessons_heading: "课程与场景",
    lesson_pick: "课程",
    lesson_load: "加载",
    lesson_run_step: "执行这一步",
    lesson_progress: "第 {i} 步，共 {n} 步",
    lesson_done: "所有步骤已完成：播放、拖动时间轴并查看详情吧。",
    lesson_recognised: "第 {i} 步已完成：集群状态表明你已经做到了，无论用的是哪种方式。",

    panels_label: "管理面板",
    tab_policies: "策略",
    tab_queues: "队列",
    tab_console: "控制台",
    tab_clients: "客户端",
    tab_scripts: "Python 脚本",

    help_title: "键盘快捷键",
    sc_play: "播放或暂停",
    sc_step: "单步到下一个事件",
    sc_back: "后退到上一个事件",
    sc_next: "跳到下一个关键事件",
    sc_slower: "减速",
    sc_faster: "加速",
    sc_start: "回到开始",
    sc_end: "跳到当前",
    sc_help: "显示或隐藏本帮助",
    sc_escape: "关闭菜单和对话框",

    links_note: "每两个节点之间都保持一条 Erlang 分布式连接。",
    about_heading: "模拟的内容",
    about_body: "对运行经典镜像队列的 RabbitMQ 3.10 集群的确定性模拟：ha-mode 策略、镜像同步、\
                 主队列提升，以及节点停止、崩溃或网络分区时的行为。",
    about_deprecation:
        "经典队列镜像已被弃用，并在 RabbitMQ 4.0 中移除；这里展示它在 3.10 中的行为。",
    footer: "在浏览器中模拟，不会连接任何 RabbitMQ 服务器。",
    panic_title: "mirrorscope 已停止",
    panic_body: "模拟遇到内部错误，无法继续。请刷新页面重新开始；下面的详情有助于报告问题。",
    panic_reload: "刷新",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_fills_both_numbers() {
        assert_eq!(EN.cluster_summary(3, 2), "3 nodes, 2 running");
        assert_eq!(ZH.cluster_summary(5, 5), "5 个节点，5 个运行中");
        assert_eq!(
            fill(EN.node_actions, &[("node", "rabbit@node1")]),
            "Actions for rabbit@node1"
        );
    }

    #[test]
    fn languages_differ_in_every_label() {
        use NodeState::*;
        for state in [Running, Stopped, Crashed, Paused] {
            assert_ne!(EN.state(state), ZH.state(state));
            assert_ne!(EN.state_hint(state), ZH.state_hint(state));
        }
        for kind in crate::ui::stage::motion::KINDS {
            assert_ne!(EN.kind_name(kind), ZH.kind_name(kind));
        }
        for (en, zh) in EN.notes.iter().zip(&ZH.notes) {
            assert_ne!(en.reality, zh.reality);
            // Both languages quote the seed in its own words.
            assert_eq!(en.claim, zh.claim);
        }
        for kind in [
            AnomalyKind::Lost,
            AnomalyKind::LostUnconfirmed,
            AnomalyKind::Duplicate,
            AnomalyKind::AckedCameBack,
            AnomalyKind::Reordered,
        ] {
            assert_ne!(EN.anomaly(kind), ZH.anomaly(kind));
        }
    }

    #[test]
    fn placeholders_exist_in_both_languages() {
        for (en, zh, keys) in [
            (EN.fork_done, ZH.fork_done, &["{t}", "{n}"][..]),
            (EN.node_actions, ZH.node_actions, &["{node}"][..]),
            (EN.share_bad_link, ZH.share_bad_link, &["{why}"][..]),
            (EN.lesson_progress, ZH.lesson_progress, &["{i}", "{n}"][..]),
            (EN.lesson_recognised, ZH.lesson_recognised, &["{i}"][..]),
            (EN.s_lost, ZH.s_lost, &["{why}"][..]),
            (EN.lineage_heading, ZH.lineage_heading, &["{body}"][..]),
            (EN.st_window, ZH.st_window, &["{span}"][..]),
            (EN.in_flight, ZH.in_flight, &["{n}"][..]),
            (EN.queue_syncing, ZH.queue_syncing, &["{p}"][..]),
        ] {
            for k in keys {
                assert!(en.contains(k) && zh.contains(k), "{k} in {en} / {zh}");
            }
        }
    }
}
