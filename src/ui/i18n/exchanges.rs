//! The Exchanges tab and the stage's exchange strip in both languages (`ui::panels::exchanges`,
//! `ui::stage::exchanges`), worded as the management UI words its Exchanges page and a queue's
//! Bindings section.

use crate::ui::i18n::lang::Lang;

/// The exchange views' strings in one language.
#[derive(Debug, PartialEq, Eq)]
pub struct ExchangesText {
    pub tab: &'static str,
    pub intro: &'static str,
    pub vhost: &'static str,
    pub name: &'static str,
    pub kind: &'static str,
    pub features: &'static str,
    pub bindings: &'static str,
    /// The default exchange's name, as the management UI shows it.
    pub default_exchange: &'static str,
    pub durable: &'static str,
    pub auto_delete: &'static str,
    pub internal: &'static str,
    pub arguments: &'static str,
    /// "{q}": the queue.
    pub bindings_of: &'static str,
    pub from: &'static str,
    pub routing_key: &'static str,
    /// The implicit binding of every queue to the default exchange.
    pub default_binding: &'static str,
    pub no_bindings: &'static str,
    /// The stage strip's name for screen readers.
    pub strip_label: &'static str,
    /// "{n}": exchanges not drawn.
    pub more: &'static str,
    /// "{n}": bindings to queues.
    pub bound: &'static str,
}

static EN: ExchangesText = ExchangesText {
    tab: "Exchanges",
    intro: "Exchange and binding records are cluster-wide: every node holds them, so they survive any node going down (durable ones survive a restart of the whole cluster).",
    vhost: "Virtual host",
    name: "Name",
    kind: "Type",
    features: "Features",
    bindings: "Bindings",
    default_exchange: "(AMQP default)",
    durable: "durable",
    auto_delete: "auto-delete",
    internal: "internal",
    arguments: "Arguments",
    bindings_of: "Bindings of queue {q}",
    from: "From",
    routing_key: "Routing key",
    default_binding: "(Default exchange binding)",
    no_bindings: "No queue has bindings yet: declare an exchange and bind a queue to it (console: exchange_declare, queue_bind).",
    strip_label: "Exchanges (cluster-wide) and their bindings to queue masters",
    more: "+{n} more",
    bound: "{n} bound",
};

static ZH: ExchangesText = ExchangesText {
    tab: "交换器",
    intro: "交换器和绑定记录是集群范围的：每个节点都保存一份，所以任何节点宕机它们都还在（持久化的在整个集群重启后也还在）。",
    vhost: "虚拟主机",
    name: "名称",
    kind: "类型",
    features: "特性",
    bindings: "绑定",
    default_exchange: "（AMQP 默认）",
    durable: "持久化",
    auto_delete: "自动删除",
    internal: "内部",
    arguments: "参数",
    bindings_of: "队列 {q} 的绑定",
    from: "来源",
    routing_key: "路由键",
    default_binding: "（默认交换器绑定）",
    no_bindings: "还没有队列有绑定：声明一个交换器并把队列绑定上去（控制台：exchange_declare、queue_bind）。",
    strip_label: "交换器（集群范围）及其到队列主节点的绑定",
    more: "另有 {n} 个",
    bound: "{n} 个绑定",
};

/// The table for a language.
pub fn exchanges_text(lang: Lang) -> &'static ExchangesText {
    match lang {
        Lang::En => &EN,
        Lang::Zh => &ZH,
    }
}
