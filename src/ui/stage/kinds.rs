//! How each kind of message looks wherever the page draws one (the stage's canvas, the legend,
//! the space-time arrows, the log's tags): its class, which the stylesheet colours, and its
//! shape, in the legend's order.

use yew::prelude::*;

use crate::sim::trace::MsgKind;

/// The CSS class of a message kind (shape and colour come from the stylesheet and `<defs>`).
pub fn kind_class(kind: MsgKind) -> &'static str {
    match kind {
        MsgKind::Publish => "k-publish",
        MsgKind::GmPubs => "k-gm",
        MsgKind::GmAcks => "k-gmack",
        MsgKind::GmCatchup => "k-catchup",
        MsgKind::ReplicaConfirm => "k-rconfirm",
        MsgKind::Confirm => "k-confirm",
        MsgKind::Deliver | MsgKind::Redeliver => "k-deliver",
        MsgKind::ClientAck | MsgKind::ClientReject => "k-ack",
        MsgKind::Request => "k-request",
        MsgKind::Cancel => "k-cancel",
        MsgKind::SyncBatch => "k-sync",
    }
}

/// Every message kind, in the legend's order.
pub const KINDS: [MsgKind; 11] = [
    MsgKind::Publish,
    MsgKind::GmPubs,
    MsgKind::GmAcks,
    MsgKind::GmCatchup,
    MsgKind::ReplicaConfirm,
    MsgKind::Confirm,
    MsgKind::Deliver,
    MsgKind::ClientAck,
    MsgKind::Request,
    MsgKind::Cancel,
    MsgKind::SyncBatch,
];

/// The shape of each message kind as SVG path data around its centre, by `<defs>` id: one
/// table for the stage's canvas ([`crate::ui::stage::motion::canvas`]) and the legend's
/// swatches (which `<use>` the diagram's `<defs>`), so the two cannot drift apart. Shapes
/// differ as well as colours.
pub const SHAPES: [(&str, &str); 12] = [
    ("m-publish", "M-6 0A6 6 0 1 0 6 0A6 6 0 1 0 -6 0Z"),
    ("m-gm", "M0 -7L7 0L0 7L-7 0Z"),
    ("m-gmack", "M0 -5L5 0L0 5L-5 0Z"),
    ("m-catchup", "M0 -7L7 0L0 7L-7 0Z"),
    ("m-rconfirm", "M-6 5L0 -6L6 5Z"),
    ("m-confirm", "M-6 -5L0 6L6 -5Z"),
    ("m-deliver", "M-6 -6H6V6H-6Z"),
    ("m-ack", "M-4.5 -4.5H4.5V4.5H-4.5Z"),
    ("m-request", "M-4 0A4 4 0 1 0 4 0A4 4 0 1 0 -4 0Z"),
    ("m-cancel", "M-5 -5L5 5M5 -5L-5 5"),
    ("m-sync", "M-8 -5H8V-1H-8ZM-8 1H8V5H-8Z"),
    (LOST_SHAPE, "M-7 -7L7 7M7 -7L-7 7"),
];

/// The `<defs>` id of the cross a lost message vanishes under.
pub const LOST_SHAPE: &str = "m-lost";

/// The message shapes as the diagram's `<defs>` (the legend refers to them by id).
pub fn shape_defs() -> Html {
    SHAPES
        .iter()
        .map(|(id, d)| html! { <path id={*id} d={*d} /> })
        .collect()
}

/// The `<defs>` id of a kind's shape.
pub fn shape_id(kind: MsgKind) -> &'static str {
    match kind {
        MsgKind::Publish => "m-publish",
        MsgKind::GmPubs => "m-gm",
        MsgKind::GmAcks => "m-gmack",
        MsgKind::GmCatchup => "m-catchup",
        MsgKind::ReplicaConfirm => "m-rconfirm",
        MsgKind::Confirm => "m-confirm",
        MsgKind::Deliver | MsgKind::Redeliver => "m-deliver",
        MsgKind::ClientAck | MsgKind::ClientReject => "m-ack",
        MsgKind::Request => "m-request",
        MsgKind::Cancel => "m-cancel",
        MsgKind::SyncBatch => "m-sync",
    }
}
