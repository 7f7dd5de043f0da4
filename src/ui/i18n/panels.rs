//! The panels' text in English and Chinese, the page language as the panels read it, and the
//! few DOM helpers the panels share. Like [`crate::ui::i18n`], every string lives in one
//! [`PanelText`] per language, so a string added for one language and forgotten for the other
//! is a compile error.

use yew::prelude::*;

use crate::ui::i18n::lang::Lang;

/// The `value` of the element an event came from (input, select or textarea alike).
pub fn target_value(e: &Event) -> String {
    e.target()
        .and_then(|t| js_sys::Reflect::get(&t, &"value".into()).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// Whether the checkbox an event came from is now checked.
pub fn target_checked(e: &Event) -> bool {
    e.target()
        .and_then(|t| js_sys::Reflect::get(&t, &"checked".into()).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// A prefix for element ids that is unique to one mounted component, so that `for`,
/// `aria-describedby` and `aria-labelledby` work when a panel is mounted more than once.
#[hook]
pub fn use_id_prefix(panel: &'static str) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    (*use_memo((), move |_| {
        format!("{panel}{}-", NEXT.fetch_add(1, Ordering::Relaxed))
    }))
    .clone()
}

/// Keeps every `<select data-value=…>` under `root` showing its `data-value`. A rendered
/// `selected` attribute stops moving the selection once the reader has changed it by hand,
/// so a value set by the program (loading a policy to edit) needs the property set.
#[hook]
pub fn use_sync_selects(root: NodeRef) {
    use_effect(move || {
        if let Some(list) = root
            .cast::<web_sys::Element>()
            .and_then(|r| r.query_selector_all("select[data-value]").ok())
        {
            for i in 0..list.length() {
                let Some(el) = list.item(i) else { continue };
                let want = js_sys::Reflect::get(&el, &"dataset".into())
                    .ok()
                    .and_then(|d| js_sys::Reflect::get(&d, &"value".into()).ok());
                if let Some(want) = want {
                    let _ = js_sys::Reflect::set(&el, &"value".into(), &want);
                }
            }
        }
    });
}

// Small controls the panels share. Each is one function rather than markup repeated at every
// use, which keeps the WebAssembly small (every `html!` site is compiled out in full).

/// A button; `aria` names it when its visible label alone is ambiguous.
#[inline(never)]
pub fn button(
    label: &str,
    aria: Option<String>,
    class: &'static str,
    onclick: Callback<MouseEvent>,
) -> Html {
    html! {
        <button type="button" class={class} aria-label={aria} {onclick}>{ label.to_string() }</button>
    }
}

/// A checkbox with its label.
#[inline(never)]
pub fn checkbox(label: Html, checked: bool, onchange: Callback<Event>) -> Html {
    html! {
        <label class="check"><input type="checkbox" {checked} {onchange} />{ label }</label>
    }
}

/// A text field with its label in front; `list` names a datalist of suggestions.
#[inline(never)]
pub fn text_field(
    label: &str,
    value: &str,
    class: &'static str,
    list: Option<String>,
    oninput: Callback<InputEvent>,
) -> Html {
    html! {
        <label class="field-inline">
            <span>{ label.to_string() }</span>
            <input type="text" class={class} value={value.to_string()} {list} autocomplete="off"
                spellcheck="false" {oninput} />
        </label>
    }
}

/// A `<select>` with its label in front; `options` are (value, text).
#[inline(never)]
pub fn select_field(label: &str, value: &str, options: Html, onchange: Callback<Event>) -> Html {
    html! {
        <label class="field-inline">
            <span>{ label.to_string() }</span>
            <select data-value={value.to_string()} {onchange}>{ options }</select>
        </label>
    }
}

/// `<option>`s for a select, marking the chosen one.
#[inline(never)]
pub fn options(items: &[(String, String)], selected: &str) -> Html {
    items
        .iter()
        .map(|(v, label)| {
            html! { <option value={v.clone()} selected={v == selected}>{ label.clone() }</option> }
        })
        .collect()
}

/// Fills `{name}` placeholders of a template (the same as the stage's, so that the panels'
/// imports stay in one place).
pub use crate::ui::i18n::lang::fill;

/// The panels' text in `lang`.
pub fn text(lang: Lang) -> &'static PanelText {
    match lang {
        Lang::En => &EN,
        Lang::Zh => &ZH,
    }
}

/// Labels of the console's one-click examples, in [`crate::ui::panels::console::EXAMPLES`] order.
pub const EXAMPLE_COUNT: usize = 12;

/// Every visible string of the four panels in one language.
#[derive(Debug, PartialEq, Eq)]
pub struct PanelText {
    // Shared
    pub role_master: &'static str,
    pub role_mirror: &'static str,
    pub roles_legend: &'static str,
    /// "{t}" is the time on display, "{h}" the latest time reached.
    pub past_notice: &'static str,
    pub exit_status: &'static str,
    pub result_ok: &'static str,
    pub result_failed: &'static str,
    pub none: &'static str,
    pub node_states: [&'static str; 4],
    /// Beside a node that left the cluster (forgotten or reset).
    pub not_member: &'static str,

    // Policies
    pub policies_title: &'static str,
    pub user_policies: &'static str,
    pub operator_policies: &'static str,
    pub no_policies: &'static str,
    pub col_vhost: &'static str,
    pub col_name: &'static str,
    pub col_pattern: &'static str,
    pub col_apply_to: &'static str,
    pub col_definition: &'static str,
    pub col_priority: &'static str,
    pub col_actions: &'static str,
    pub edit: &'static str,
    pub delete: &'static str,
    /// "{name}" is the policy name.
    pub edit_label: &'static str,
    pub delete_label: &'static str,
    pub form_title: &'static str,
    pub form_kind: &'static str,
    pub kind_user: &'static str,
    pub kind_operator: &'static str,
    pub required: &'static str,
    pub apply_all: &'static str,
    pub apply_exchanges: &'static str,
    pub apply_queues: &'static str,
    pub help_pattern: &'static str,
    pub help_priority: &'static str,
    pub help_ha_mode: &'static str,
    pub help_ha_params: &'static str,
    pub help_ha_params_all: &'static str,
    pub help_ha_params_nodes: &'static str,
    pub help_sync_mode: &'static str,
    pub help_batch: &'static str,
    pub help_promote_shutdown: &'static str,
    pub help_promote_failure: &'static str,
    pub help_locator: &'static str,
    pub unset: &'static str,
    pub other_nodes: &'static str,
    pub other_keys: &'static str,
    pub add_key: &'static str,
    pub remove_key: &'static str,
    pub key: &'static str,
    pub value: &'static str,
    pub value_type: &'static str,
    pub types: [&'static str; 4],
    pub definition_json: &'static str,
    pub command_line: &'static str,
    pub apply: &'static str,
    pub reset_form: &'static str,
    pub missing_name: &'static str,
    pub missing_pattern: &'static str,
    pub validation_ok: &'static str,
    /// "{n}" queues, "{names}" the first few: the pattern is too costly to match them.
    pub match_limit: &'static str,
    pub preview_title: &'static str,
    pub preview_intro: &'static str,
    pub preview_needs_valid: &'static str,
    pub preview_needs_fields: &'static str,
    pub preview_no_queues: &'static str,
    pub col_queue: &'static str,
    pub col_policy_after: &'static str,
    pub change_added: &'static str,
    pub change_removed: &'static str,
    pub unchanged: &'static str,
    /// "{name}" wins instead of the edited policy.
    pub other_policy_wins: &'static str,
    pub no_policy_after: &'static str,
    pub last_result: &'static str,

    // Queues
    pub queues_title: &'static str,
    pub no_queues: &'static str,
    pub col_type: &'static str,
    pub col_features: &'static str,
    pub col_node: &'static str,
    pub col_mirrors: &'static str,
    pub col_state: &'static str,
    pub col_ready: &'static str,
    pub col_unacked: &'static str,
    pub col_total: &'static str,
    pub unsynchronised: &'static str,
    pub synchronised: &'static str,
    pub durable: &'static str,
    pub exclusive: &'static str,
    pub policy_pill: &'static str,
    pub operator_policy_pill: &'static str,
    pub states: [&'static str; 4],
    pub synchronise: &'static str,
    pub cancel_sync: &'static str,
    /// "{name}" is the queue.
    pub synchronise_label: &'static str,
    pub cancel_sync_label: &'static str,
    pub partition_side: &'static str,
    pub pill_synced_label: &'static str,
    pub pill_unsynced_label: &'static str,
    /// "{p}" is the percentage.
    pub syncing: &'static str,

    // Console
    pub console_title: &'static str,
    pub console_node: &'static str,
    pub console_run: &'static str,
    pub console_clear: &'static str,
    pub console_cancel: &'static str,
    pub console_output: &'static str,
    pub console_empty: &'static str,
    pub console_keys: &'static str,
    pub console_continues: &'static str,
    pub examples_title: &'static str,
    pub example_labels: [&'static str; EXAMPLE_COUNT],
    pub hint_title: &'static str,
    /// "{c}" the full-width character, "{u}" its code point, "{a}" the ASCII one.
    pub hint_full_width: &'static str,
    /// "{key}" as written, "{trimmed}" without the spaces.
    pub hint_key_space: &'static str,
    pub hint_missing_brace: &'static str,
    pub hint_hash_in_json: &'static str,
    pub hint_cluster_status: &'static str,

    // Clients
    pub clients_title: &'static str,
    pub no_clients: &'static str,
    pub new_client: &'static str,
    pub client_name: &'static str,
    pub connect_to: &'static str,
    pub connect: &'static str,
    pub reconnect: &'static str,
    pub connected: &'static str,
    pub closed: &'static str,
    pub replaced: &'static str,
    pub queue: &'static str,
    pub declare: &'static str,
    pub durable_opt: &'static str,
    pub exclusive_opt: &'static str,
    pub publish: &'static str,
    pub body: &'static str,
    pub count: &'static str,
    pub persistent: &'static str,
    pub confirm_select: &'static str,
    pub confirm_on: &'static str,
    pub consume: &'static str,
    pub ack_mode: &'static str,
    pub ack_manual: &'static str,
    pub ack_auto: &'static str,
    pub prefetch: &'static str,
    pub cancel_on_failover: &'static str,
    pub get: &'static str,
    pub ack_all: &'static str,
    pub ack_one: &'static str,
    /// "{tag}" is the delivery tag.
    pub ack_one_label: &'static str,
    pub close: &'static str,
    pub consumers: &'static str,
    pub consumer_cancelled: &'static str,
    pub consumer_waiting: &'static str,
    pub unconfirmed: &'static str,
    pub confirms: &'static str,
    pub deliveries: &'static str,
    pub col_tag: &'static str,
    pub col_body: &'static str,
    pub col_redelivered: &'static str,
    pub col_acked: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub errors: &'static str,
    /// "{name}" is the client.
    pub client_actions: &'static str,
    pub not_connected: &'static str,
    /// "{n}" of "{total}" received messages are listed.
    pub shown_last: &'static str,
}

static EN: PanelText = PanelText {
    role_master: "master",
    role_mirror: "slave",
    roles_legend: "master = leader (the queue's primary replica); slave = mirror.",
    past_notice: "You are looking at t = {t}; the run went on to {h}. Acting here starts a new \
                  timeline from this moment: what happened after it is discarded.",
    exit_status: "exit {code}",
    result_ok: "Done",
    result_failed: "Failed",
    none: "none",
    node_states: ["running", "stopped", "crashed", "paused"],
    not_member: "not in the cluster",

    policies_title: "Policies",
    user_policies: "User policies",
    operator_policies: "Operator policies",
    no_policies: "… no policies …",
    col_vhost: "Virtual host",
    col_name: "Name",
    col_pattern: "Pattern",
    col_apply_to: "Apply to",
    col_definition: "Definition",
    col_priority: "Priority",
    col_actions: "Actions",
    edit: "Edit",
    delete: "Delete",
    edit_label: "Edit policy {name}",
    delete_label: "Delete policy {name}",
    form_title: "Add / update a policy",
    form_kind: "Kind",
    kind_user: "Policy",
    kind_operator: "Operator policy",
    required: "required",
    apply_all: "Exchanges and queues",
    apply_exchanges: "Exchanges",
    apply_queues: "Queues",
    help_pattern: "A regular expression searched in queue names: \"two\" matches \"network\". \
                   Anchor it with ^ and $.",
    help_priority: "The highest priority wins; only one policy applies to a queue.",
    help_ha_mode: "One of all (mirror to all nodes in the cluster), exactly (mirror to a set \
                   number of nodes) or nodes (mirror to an explicit list of nodes). For the \
                   latter two, also set ha-params.",
    help_ha_params: "Absent if ha-mode is all, a number if exactly (replicas counting the \
                     master), a list of node names if nodes.",
    help_ha_params_all: "ha-mode all takes no ha-params.",
    help_ha_params_nodes: "Names of nodes not in the cluster are allowed; they are ignored.",
    help_sync_mode: "manual (default): new slaves only receive new messages. automatic: a new \
                     slave is synchronised at once, and the queue blocks meanwhile.",
    help_batch: "Messages per synchronisation batch (default 4096).",
    help_promote_shutdown: "when-synced (default): a controlled stop of the master promotes only \
                            a synchronised slave. always: any slave.",
    help_promote_failure: "always (default): a crashed master is replaced even by an \
                           unsynchronised slave. when-synced: only by a synchronised one.",
    help_locator: "Where a new queue's master goes: client-local, min-masters or random.",
    unset: "(not set)",
    other_nodes: "Other node names, comma-separated",
    other_keys: "Other keys",
    add_key: "Add a key",
    remove_key: "Remove",
    key: "Key",
    value: "Value",
    value_type: "Type",
    types: ["String", "Number", "Boolean", "List"],
    definition_json: "Definition",
    command_line: "Equivalent command",
    apply: "Add / update policy",
    reset_form: "Clear form",
    missing_name: "Name is required.",
    missing_pattern: "Pattern is required.",
    validation_ok: "RabbitMQ accepts this policy.",
    match_limit: "but it would never apply to {n} queue(s) ({names}): matching the pattern against those names costs more than PCRE's match_limit, and RabbitMQ's re:run/3 then answers no match. Use fewer or smaller {m,n} repetitions (docs/limits.md).",
    preview_title: "Preview: where master and slaves would be",
    preview_intro: "Computed by the simulator on a copy of the cluster, as if you applied the \
                    policy now and waited 5 s. Nothing changes until you apply it.",
    preview_needs_valid: "No preview while RabbitMQ would refuse the policy.",
    preview_needs_fields: "Give the policy a name and a pattern to see the preview.",
    preview_no_queues: "No queue in this virtual host yet: declare one in the Clients panel.",
    col_queue: "Queue",
    col_policy_after: "Policy after",
    change_added: "new",
    change_removed: "removed",
    unchanged: "unchanged",
    other_policy_wins: "{name} wins",
    no_policy_after: "no policy",
    last_result: "Last command",

    queues_title: "Queues",
    no_queues: "No queues yet. In the Clients panel, connect a client and declare a queue \
                (client app node=node1, then app declare queue_a durable).",
    col_type: "Type",
    col_features: "Features",
    col_node: "Node",
    col_mirrors: "Slaves (mirrors)",
    col_state: "State",
    col_ready: "Ready",
    col_unacked: "Unacked",
    col_total: "Total",
    unsynchronised: "unsynchronised",
    synchronised: "synchronised",
    durable: "durable",
    exclusive: "exclusive",
    policy_pill: "Policy",
    operator_policy_pill: "Operator policy",
    states: ["running", "syncing", "down", "stopped"],
    synchronise: "Synchronise",
    cancel_sync: "Cancel sync",
    synchronise_label: "Synchronise queue {name}",
    cancel_sync_label: "Cancel synchronisation of queue {name}",
    partition_side: "as seen by partition side {side}",
    pill_synced_label: "{n} synchronised slaves",
    pill_unsynced_label: "{n} unsynchronised slaves",
    syncing: "Syncing: {p}%",

    console_title: "Console",
    console_node: "Shell on",
    console_run: "Run",
    console_clear: "Clear screen",
    console_cancel: "Cancel",
    console_output: "Console output",
    console_empty: "Type a command, e.g. rabbitmqctl list_queues, or pick an example below. Faults: pkill -9 beam.smp crashes this node; partition node1 | node2, heal, drop ID, kill/stop/start NODE act on the cluster.",
    console_keys: "Enter runs · Shift+Enter new line · ↑/↓ history · Esc cancels · paste a whole block from the notes: comments are skipped, each command runs in turn · echo … >> /etc/rabbitmq/rabbitmq.conf, cat it, restart the node",
    console_continues: "The command is not finished: a quote is still open or the line ends \
                        with \\. Type the rest (for the seed's example: }' ) and press Enter, \
                        or Esc to cancel.",
    examples_title: "Examples from the docs",
    example_labels: [
        "Seed 000, exactly 2, as printed (with its typos)",
        "The same, corrected",
        "Seed 000, ha-mode all, as printed (cut off)",
        "Seed 004, ha-mode nodes",
        "Seed 004, batch size with a # comment inside",
        "List queues with slaves",
        "List policies",
        "Cluster status",
        "Stop this node (systemctl)",
        "Start this node (systemctl)",
        "Seed 004 §5.1: net_ticktime into rabbitmq.conf (takes effect on restart)",
        "Show this node's rabbitmq.conf",
    ],
    hint_title: "Why this fails",
    hint_full_width: "The definition contains a full-width “{c}” ({u}), which Chinese input \
                      methods type. JSON only knows the ASCII “{a}”, so RabbitMQ cannot decode \
                      the definition at all: that is the “JSON decoding error”.",
    hint_key_space: "The key “{key}” has a space inside its quotes. RabbitMQ compares keys \
                     exactly: “{key}” is not “{trimmed}”, so for RabbitMQ this definition has no \
                     “{trimmed}” at all.",
    hint_missing_brace: "The definition has no closing “}”: the document lost it. A JSON object \
                         must be complete.",
    hint_hash_in_json: "The “#” inside the quoted definition is not a comment: inside quotes \
                        the shell passes it on, and JSON has no # comments. Put comments outside \
                        the quotes.",
    hint_cluster_status: "The command is cluster_status, with an underscore.",

    clients_title: "Clients",
    no_clients: "No clients yet. A client is one AMQP connection with one channel, like a pika \
                 BlockingConnection.",
    new_client: "New client",
    client_name: "Client name",
    connect_to: "Node",
    connect: "Connect",
    reconnect: "Reconnect",
    connected: "connected",
    closed: "closed",
    replaced: "replaced by a newer connection with the same name",
    queue: "Queue",
    declare: "Declare",
    durable_opt: "Durable",
    exclusive_opt: "Exclusive (never mirrored)",
    publish: "Publish",
    body: "Body",
    count: "Count",
    persistent: "Persistent",
    confirm_select: "Enable confirms",
    confirm_on: "publisher confirms on",
    consume: "Consume",
    ack_mode: "Ack",
    ack_manual: "manual",
    ack_auto: "auto",
    prefetch: "Prefetch",
    cancel_on_failover: "x-cancel-on-ha-failover",
    get: "Get",
    ack_all: "Ack all",
    ack_one: "Ack",
    ack_one_label: "Ack delivery tag {tag}",
    close: "Close",
    consumers: "Consumers",
    consumer_cancelled: "cancelled by the broker",
    consumer_waiting: "waiting for the master",
    unconfirmed: "Unconfirmed publishes",
    confirms: "Confirms",
    deliveries: "Received messages",
    col_tag: "Delivery tag",
    col_body: "Body",
    col_redelivered: "Redelivered",
    col_acked: "Acked",
    yes: "yes",
    no: "no",
    errors: "Errors",
    client_actions: "Actions of client {name}",
    not_connected: "This connection is closed; reconnect to act.",
    shown_last: "The last {n} of {total} are listed.",
};

static ZH: PanelText = PanelText {
    role_master: "master",
    role_mirror: "slave",
    roles_legend: "master 即 leader（队列的主副本）；slave 即 mirror（镜像）。",
    past_notice: "当前显示的是 t = {t} 时的状态，运行已经到了 {h}。在这里操作会从此刻开始一条新的时间线，\
                  之后发生的事情将被丢弃。",
    exit_status: "退出码 {code}",
    result_ok: "完成",
    result_failed: "失败",
    none: "无",
    node_states: ["运行中", "已停止", "已崩溃", "已暂停"],
    not_member: "已不在集群中",

    policies_title: "策略",
    user_policies: "用户策略",
    operator_policies: "运维策略（operator policy）",
    no_policies: "… 没有策略 …",
    col_vhost: "虚拟主机",
    col_name: "名称",
    col_pattern: "匹配模式",
    col_apply_to: "应用于",
    col_definition: "定义",
    col_priority: "优先级",
    col_actions: "操作",
    edit: "编辑",
    delete: "删除",
    edit_label: "编辑策略 {name}",
    delete_label: "删除策略 {name}",
    form_title: "添加 / 更新策略",
    form_kind: "类型",
    kind_user: "策略",
    kind_operator: "运维策略",
    required: "必填",
    apply_all: "交换器和队列",
    apply_exchanges: "交换器",
    apply_queues: "队列",
    help_pattern: "在队列名中搜索的正则表达式：\"two\" 也匹配 \"network\"。用 ^ 和 $ 锚定。",
    help_priority: "优先级最高的策略生效；一个队列只会应用一个策略。",
    help_ha_mode: "all（在集群所有节点上镜像）、exactly（镜像到指定数量的节点）或 nodes（镜像到明确列出的节点）。\
                   选后两者时还要设置 ha-params。",
    help_ha_params: "ha-mode 为 all 时不设置；为 exactly 时是数字（副本数，包含 master）；为 nodes 时是节点名列表。",
    help_ha_params_all: "ha-mode 为 all 时不接受 ha-params。",
    help_ha_params_nodes: "可以写集群中不存在的节点名，它们会被忽略。",
    help_sync_mode: "manual（默认）：新的 slave 只接收新消息。automatic：新 slave 立即同步，同步期间队列阻塞。",
    help_batch: "每批同步的消息数（默认 4096）。",
    help_promote_shutdown: "when-synced（默认）：master 被正常停止时只提升已同步的 slave。always：任何 slave 都可以。",
    help_promote_failure: "always（默认）：master 崩溃时即使未同步的 slave 也会被提升。when-synced：只提升已同步的。",
    help_locator: "新队列的 master 放在哪里：client-local、min-masters 或 random。",
    unset: "（不设置）",
    other_nodes: "其他节点名，用逗号分隔",
    other_keys: "其他参数",
    add_key: "添加参数",
    remove_key: "移除",
    key: "键",
    value: "值",
    value_type: "类型",
    types: ["字符串", "数字", "布尔", "列表"],
    definition_json: "定义",
    command_line: "等价的命令",
    apply: "添加 / 更新策略",
    reset_form: "清空表单",
    missing_name: "名称为必填项。",
    missing_pattern: "匹配模式为必填项。",
    validation_ok: "RabbitMQ 会接受这个策略。",
    match_limit: "但它永远不会应用到 {n} 个队列（{names}）：用该模式匹配这些名字的代价超过 PCRE 的 match_limit，RabbitMQ 的 re:run/3 于是判为不匹配。请减少或缩小 {m,n} 这类重复（见 docs/limits.md）。",
    preview_title: "预览：master 和 slave 将位于哪些节点",
    preview_intro: "由模拟器在集群副本上计算：假设现在应用该策略并等待 5 秒。在你点击应用之前，什么都不会改变。",
    preview_needs_valid: "RabbitMQ 会拒绝这个策略，因此没有预览。",
    preview_needs_fields: "填写名称和匹配模式后即可看到预览。",
    preview_no_queues: "这个虚拟主机里还没有队列：请在“客户端”面板中声明一个。",
    col_queue: "队列",
    col_policy_after: "应用后的策略",
    change_added: "新增",
    change_removed: "移除",
    unchanged: "不变",
    other_policy_wins: "生效的是 {name}",
    no_policy_after: "无策略",
    last_result: "上一条命令",

    queues_title: "队列",
    no_queues: "还没有队列。在“客户端”面板中连接一个客户端并声明队列（client app node=node1，然后 app declare queue_a durable）。",
    col_type: "类型",
    col_features: "特性",
    col_node: "节点",
    col_mirrors: "slave（镜像）",
    col_state: "状态",
    col_ready: "待投递",
    col_unacked: "未确认",
    col_total: "总数",
    unsynchronised: "未同步",
    synchronised: "已同步",
    durable: "持久化",
    exclusive: "排他",
    policy_pill: "策略",
    operator_policy_pill: "运维策略",
    states: ["运行中", "同步中", "不可用", "已停止"],
    synchronise: "同步",
    cancel_sync: "取消同步",
    synchronise_label: "同步队列 {name}",
    cancel_sync_label: "取消队列 {name} 的同步",
    partition_side: "分区 {side} 一侧看到的状态",
    pill_synced_label: "{n} 个已同步的 slave",
    pill_unsynced_label: "{n} 个未同步的 slave",
    syncing: "同步中：{p}%",

    console_title: "控制台",
    console_node: "Shell 所在节点",
    console_run: "运行",
    console_clear: "清屏",
    console_cancel: "取消",
    console_output: "控制台输出",
    console_empty: "输入命令，例如 rabbitmqctl list_queues，或点击下面的示例。故障：pkill -9 beam.smp 让本节点崩溃；partition node1 | node2、heal、drop ID、kill/stop/start 节点名 作用于集群。",
    console_keys: "Enter 运行 · Shift+Enter 换行 · ↑/↓ 历史 · Esc 取消 · 可以粘贴笔记中的整段命令：注释会被跳过，每条命令依次运行 · echo … >> /etc/rabbitmq/rabbitmq.conf、cat 查看、再重启节点",
    console_continues: "命令还没有结束：有引号没有闭合，或行尾是 \\。请输入剩余部分（对于文档中的示例是 }' ）并按 Enter，\
                        或按 Esc 取消。",
    examples_title: "文档中的示例",
    example_labels: [
        "文档 000：exactly 2，原样照抄（含笔误）",
        "同一条命令，已改正",
        "文档 000：ha-mode all，原样照抄（缺了结尾）",
        "文档 004：ha-mode nodes",
        "文档 004：同步批量大小，JSON 里带 # 注释",
        "列出队列及其 slave",
        "列出策略",
        "集群状态",
        "停止本节点（systemctl）",
        "启动本节点（systemctl）",
        "文档 004 §5.1：把 net_ticktime 写进 rabbitmq.conf（重启后生效）",
        "查看本节点的 rabbitmq.conf",
    ],
    hint_title: "为什么会失败",
    hint_full_width: "定义里有一个全角的“{c}”（{u}），这是中文输入法打出来的。JSON 只认半角的“{a}”，\
                      所以 RabbitMQ 根本无法解析这个定义，这就是 “JSON decoding error” 的意思。",
    hint_key_space: "键 “{key}” 的引号里多了空格。RabbitMQ 按字符精确比较键名：“{key}” 不等于 “{trimmed}”，\
                     所以在 RabbitMQ 看来，这个定义里根本没有 “{trimmed}”。",
    hint_missing_brace: "定义缺少结尾的 “}”：文档里把它弄丢了。JSON 对象必须完整。",
    hint_hash_in_json: "引号中定义里的 “#” 不是注释：在引号里 shell 会把它原样传下去，而 JSON 没有 # 注释。\
                        请把注释写在引号外面。",
    hint_cluster_status: "命令是 cluster_status，中间是下划线。",

    clients_title: "客户端",
    no_clients: "还没有客户端。一个客户端就是一条带一个信道的 AMQP 连接，类似 pika 的 BlockingConnection。",
    new_client: "新建客户端",
    client_name: "客户端名称",
    connect_to: "节点",
    connect: "连接",
    reconnect: "重新连接",
    connected: "已连接",
    closed: "已关闭",
    replaced: "已被同名的新连接取代",
    queue: "队列",
    declare: "声明",
    durable_opt: "持久化",
    exclusive_opt: "排他（不会被镜像）",
    publish: "发布",
    body: "消息内容",
    count: "数量",
    persistent: "持久化消息",
    confirm_select: "开启发布确认",
    confirm_on: "已开启发布确认",
    consume: "消费",
    ack_mode: "确认方式",
    ack_manual: "手动",
    ack_auto: "自动",
    prefetch: "预取数",
    cancel_on_failover: "x-cancel-on-ha-failover",
    get: "拉取（get）",
    ack_all: "全部确认",
    ack_one: "确认",
    ack_one_label: "确认投递标签 {tag}",
    close: "关闭",
    consumers: "消费者",
    consumer_cancelled: "已被 broker 取消",
    consumer_waiting: "等待 master 响应",
    unconfirmed: "未确认的发布",
    confirms: "发布确认",
    deliveries: "收到的消息",
    col_tag: "投递标签",
    col_body: "内容",
    col_redelivered: "重投递",
    col_acked: "已确认",
    yes: "是",
    no: "否",
    errors: "错误",
    client_actions: "客户端 {name} 的操作",
    not_connected: "连接已关闭；重新连接后才能操作。",
    shown_last: "只列出 {total} 条中的最后 {n} 条。",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_placeholders() {
        assert_eq!(
            fill("exit {code} on {node}", &[("code", "69"), ("node", "n1")]),
            "exit 69 on n1"
        );
    }

    #[test]
    fn every_chinese_string_differs_from_english_where_it_should() {
        // Names of RabbitMQ things (master, slave, x-cancel-on-ha-failover) stay as they are;
        // sentences must be translated.
        for (en, zh) in [
            (EN.policies_title, ZH.policies_title),
            (EN.queues_title, ZH.queues_title),
            (EN.clients_title, ZH.clients_title),
            (EN.hint_full_width, ZH.hint_full_width),
            (EN.preview_intro, ZH.preview_intro),
            (EN.no_queues, ZH.no_queues),
        ] {
            assert_ne!(en, zh);
        }
        for (en, zh) in EN.example_labels.iter().zip(ZH.example_labels.iter()) {
            assert_ne!(en, zh);
        }
    }
}

/// What the panels' tests share: a player built from a scenario, and (natively) a panel
/// rendered to HTML inside the providers the app gives it.
#[cfg(test)]
pub(crate) mod tests_support {
    use crate::sim::scenario::player::Player;
    use crate::sim::scenario::Session;

    /// A player whose run is the scenario, as the app would load it.
    pub fn player_from(scenario: &str) -> Player {
        Player::from_session(Session::from_scenario(scenario).expect("test scenario parses"))
    }

    #[cfg(not(target_arch = "wasm32"))]
    pub use ssr::*;

    #[cfg(not(target_arch = "wasm32"))]
    mod ssr {
        use yew::prelude::*;

        use super::player_from;
        use crate::ui::context::{Store, StoreHandle};
        use crate::ui::i18n::lang::Lang;
        use crate::ui::panels::clients::ClientsPanel;
        use crate::ui::panels::console::Console;
        use crate::ui::panels::policies::PoliciesView;
        use crate::ui::panels::queues::QueuesView;

        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Panel {
            Policies,
            Queues,
            Console,
            Clients,
        }

        #[derive(Properties, PartialEq)]
        pub struct HarnessProps {
            pub panel: Panel,
            pub scenario: String,
            pub lang: Lang,
        }

        #[function_component]
        fn Harness(p: &HarnessProps) -> Html {
            let scenario = p.scenario.clone();
            let store = use_reducer(move || Store::new(player_from(&scenario)));
            let panel = match p.panel {
                Panel::Policies => html! { <PoliciesView /> },
                Panel::Queues => html! { <QueuesView /> },
                Panel::Console => html! { <Console /> },
                Panel::Clients => html! { <ClientsPanel /> },
            };
            html! {
                <ContextProvider<StoreHandle> context={store}>
                    <ContextProvider<Lang> context={p.lang}>
                        { panel }
                    </ContextProvider<Lang>>
                </ContextProvider<StoreHandle>>
            }
        }

        /// The panel's HTML after the scenario ran.
        pub fn render_panel(panel: Panel, scenario: &str, lang: Lang) -> String {
            crate::ui::ssr::render::<Harness>(HarnessProps {
                panel,
                scenario: scenario.to_string(),
                lang,
            })
        }
    }
}
