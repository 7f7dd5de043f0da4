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
    /// The queue is exclusive to another connection.
    Locked { queue: String, vhost: String },
    /// A passive declare of a queue that does not exist.
    NotFound { queue: String, vhost: String },
    /// The vhost does not exist.
    NoVhost { vhost: String },
}

impl DeclareError {
    /// The AMQP reply code the broker closes the channel with.
    pub fn reply_code(&self) -> u16 {
        match self {
            DeclareError::Timeout { .. } | DeclareError::NotFound { .. } => 404,
            DeclareError::InequivalentDurable { .. } => 406,
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
            DeclareError::Locked { queue, vhost } => write!(
                f,
                "RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '{queue}' in vhost '{vhost}'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration."
            ),
            DeclareError::NotFound { queue, vhost } => {
                write!(f, "NOT_FOUND - no queue '{queue}' in vhost '{vhost}'")
            }
            DeclareError::NoVhost { vhost } => write!(f, "NOT_ALLOWED - vhost {vhost} not found"),
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
