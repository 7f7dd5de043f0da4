//! Typed errors of the core where the caller must tell the cases apart. Their `Display` is the
//! broker's text, which clients and the console show as it is (part of the product), so no
//! caller needs to, or may, decide anything by reading it.

use std::fmt;

/// Why `queue.declare` failed: the broker's channel errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeclareError {
    /// The queue exists but has no live master: `rabbit_amqqueue:with/4` gave up waiting.
    Timeout { queue: String, vhost: String },
    /// A redeclare with another `durable` flag.
    InequivalentDurable {
        queue: String,
        vhost: String,
        received: bool,
        current: bool,
    },
    /// A redeclare with another `auto_delete` flag or classic-queue argument: `received` and
    /// `current` are already as `rabbit_misc:equivalence_fail/4` writes them (`'true'`,
    /// `none`, `the value '10' of type 'signedint'`).
    Inequivalent {
        queue: String,
        vhost: String,
        key: String,
        received: String,
        current: String,
    },
    /// The queue is exclusive to another connection, or its exclusivity differs.
    Locked { queue: String, vhost: String },
    /// A passive declare of a queue that does not exist.
    NotFound { queue: String, vhost: String },
    /// The vhost does not exist.
    NoVhost { vhost: String },
    /// A new queue's argument failed its check (`invalid arg 'x-max-length' for queue …`):
    /// the text after `PRECONDITION_FAILED - `.
    InvalidArg { text: String },
}

impl DeclareError {
    /// The AMQP reply code the broker closes the channel with.
    pub fn reply_code(&self) -> u16 {
        match self {
            DeclareError::Timeout { .. } | DeclareError::NotFound { .. } => 404,
            DeclareError::InequivalentDurable { .. }
            | DeclareError::Inequivalent { .. }
            | DeclareError::InvalidArg { .. } => 406,
            DeclareError::Locked { .. } => 405,
            DeclareError::NoVhost { .. } => 530,
        }
    }
}

impl fmt::Display for DeclareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeclareError::Timeout { queue, vhost } => write!(
                f,
                "NOT_FOUND - failed to perform operation on queue '{queue}' in vhost '{vhost}' due to timeout"
            ),
            DeclareError::InequivalentDurable {
                queue,
                vhost,
                received,
                current,
            } => write!(
                f,
                "PRECONDITION_FAILED - inequivalent arg 'durable' for queue '{queue}' in vhost '{vhost}': received '{received}' but current is '{current}'"
            ),
            DeclareError::Inequivalent {
                queue,
                vhost,
                key,
                received,
                current,
            } => write!(
                f,
                "PRECONDITION_FAILED - inequivalent arg '{key}' for queue '{queue}' in vhost '{vhost}': received {received} but current is {current}"
            ),
            DeclareError::Locked { queue, vhost } => write!(
                f,
                "RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '{queue}' in vhost '{vhost}'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration."
            ),
            DeclareError::NotFound { queue, vhost } => {
                write!(f, "NOT_FOUND - no queue '{queue}' in vhost '{vhost}'")
            }
            DeclareError::NoVhost { vhost } => write!(f, "NOT_ALLOWED - vhost {vhost} not found"),
            DeclareError::InvalidArg { text } => write!(f, "PRECONDITION_FAILED - {text}"),
        }
    }
}

/// A channel error the broker closes a channel with: the AMQP reply code and the reply text
/// (`NOT_FOUND - no queue 'q' in vhost '/'`), which clients show as they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerError {
    pub code: u16,
    pub text: String,
}

impl BrokerError {
    /// `404 NOT_FOUND`: no such queue.
    pub fn no_queue(queue: &str, vhost: &str) -> BrokerError {
        DeclareError::NotFound {
            queue: queue.to_string(),
            vhost: vhost.to_string(),
        }
        .into()
    }

    /// `404 NOT_FOUND`: `rabbit_amqqueue:with/4` gave up waiting for a live master.
    pub fn timeout(queue: &str, vhost: &str) -> BrokerError {
        DeclareError::Timeout {
            queue: queue.to_string(),
            vhost: vhost.to_string(),
        }
        .into()
    }
}

impl fmt::Display for BrokerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// For the scenario runner, which prints the text as the step's error.
impl From<BrokerError> for String {
    fn from(e: BrokerError) -> String {
        e.text
    }
}

impl From<DeclareError> for BrokerError {
    fn from(e: DeclareError) -> BrokerError {
        BrokerError {
            code: e.reply_code(),
            text: e.to_string(),
        }
    }
}

/// Why basic.ack / nack / reject failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettleError {
    /// The client's connection is gone.
    ChannelClosed,
    /// No unsettled delivery has this tag: the broker closes the channel.
    UnknownTag(u64),
}

impl fmt::Display for SettleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SettleError::ChannelClosed => f.write_str("ChannelWrongStateError: channel is closed"),
            SettleError::UnknownTag(t) => {
                write!(f, "PRECONDITION_FAILED - unknown delivery tag {t}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broker_errors_carry_their_reply_code_beside_the_text() {
        let e = BrokerError::no_queue("q", "/");
        assert_eq!(
            (e.code, e.to_string().as_str()),
            (404, "NOT_FOUND - no queue 'q' in vhost '/'")
        );
        let t = BrokerError::timeout("q", "/");
        assert_eq!(t.code, 404);
        assert!(t.text.ends_with("due to timeout"));
        let locked: BrokerError = DeclareError::Locked {
            queue: "q".into(),
            vhost: "/".into(),
        }
        .into();
        assert_eq!(locked.code, 405);
        let durable: BrokerError = DeclareError::InequivalentDurable {
            queue: "q".into(),
            vhost: "/".into(),
            received: true,
            current: false,
        }
        .into();
        assert_eq!(durable.code, 406);
    }

    #[test]
    fn settle_errors_read_as_before() {
        assert_eq!(
            SettleError::ChannelClosed.to_string(),
            "ChannelWrongStateError: channel is closed"
        );
        assert_eq!(
            SettleError::UnknownTag(7).to_string(),
            "PRECONDITION_FAILED - unknown delivery tag 7"
        );
    }

    #[test]
    fn declare_errors_read_as_the_broker_writes_them() {
        let (queue, vhost) = ("q".to_string(), "/".to_string());
        let cases = [
            (
                DeclareError::Timeout { queue: queue.clone(), vhost: vhost.clone() },
                "NOT_FOUND - failed to perform operation on queue 'q' in vhost '/' due to timeout",
            ),
            (
                DeclareError::InequivalentDurable {
                    queue: queue.clone(),
                    vhost: vhost.clone(),
                    received: false,
                    current: true,
                },
                "PRECONDITION_FAILED - inequivalent arg 'durable' for queue 'q' in vhost '/': received 'false' but current is 'true'",
            ),
            (
                DeclareError::Locked { queue: queue.clone(), vhost: vhost.clone() },
                "RESOURCE_LOCKED - cannot obtain exclusive access to locked queue 'q' in vhost '/'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.",
            ),
            (
                DeclareError::NotFound { queue: queue.clone(), vhost: vhost.clone() },
                "NOT_FOUND - no queue 'q' in vhost '/'",
            ),
            (
                DeclareError::NoVhost { vhost: "v1".to_string() },
                "NOT_ALLOWED - vhost v1 not found",
            ),
        ];
        for (e, text) in cases {
            assert_eq!(e.to_string(), text);
        }
    }
}
