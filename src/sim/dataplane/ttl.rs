//! Message TTL and queue expiry as `rabbit_amqqueue_process` runs them on a classic queue's
//! master: each enqueued message gets its deadline once (the smaller of the queue's
//! `message-ttl` and the publish's `expiration`), messages expire only at the head
//! (`drop_expired_msgs/1`, a `dropwhile`: a message without a deadline stops it), one timer
//! is armed for the head's deadline, and every fetch looks at the head again. An expired
//! message is dropped, or dead-lettered when a dead-letter exchange exists; mirrors follow the
//! master's `drop` over GM. `x-expires` deletes a queue nobody used (no consumer, no
//! basic.get, no redeclare) for that long.

use crate::sim::engine::{Ev, Sim};
use crate::sim::model::{GmOp, MsgId, QueueId, QueueState};
use crate::sim::queue_args::{QueueLimits, Removal};
use crate::sim::state_change::StateChange;
use crate::sim::time::Micros;

/// A publish's `expiration` as `rabbit_basic:parse_expiration/1` reads it: decimal digits,
/// in milliseconds, at most ten years.
pub fn parse_expiration(s: &str) -> Option<u64> {
    expiration_ms(s).ok()
}

/// `parse_expiration/1`'s answer: the TTL, or the `~p` of its error (`no_integer`,
/// `{leftover_string,"x"}`, `{value_negative,-1}`, `{value_too_large,N}`).
fn expiration_ms(s: &str) -> Result<u64, String> {
    // string:to_integer/1: an optional sign, then digits; the rest is left over.
    let b = s.as_bytes();
    let sign = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let digits = b[sign..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return Err("no_integer".to_string());
    }
    let rest = &s[sign + digits..];
    if !rest.is_empty() {
        return Err(format!("{{leftover_string,{:?}}}", rest));
    }
    let n: i128 = s[..sign + digits].parse().unwrap_or(i128::MAX);
    if n < 0 {
        return Err(format!("{{value_negative,{n}}}"));
    }
    if n > 315_360_000_000 {
        return Err(format!("{{value_too_large,{n}}}"));
    }
    Ok(n as u64)
}

/// The channel's refusal of a publish with an invalid `expiration`
/// (`rabbit_channel:check_expiration_header/1`), without the `PRECONDITION_FAILED - `.
pub fn expiration_error(s: &str) -> Option<String> {
    expiration_ms(s)
        .err()
        .map(|e| format!("invalid expiration '{s}': {e}"))
}

impl Sim {
    /// The bounds in effect on a queue (its arguments against its merged policy).
    pub fn queue_limits(&self, q: QueueId) -> QueueLimits {
        let r = &self.queues[q.0];
        QueueLimits::resolve(&r.args, &r.effective)
    }

    /// `calculate_msg_expiry/2`: records the deadline of a message the master enqueues.
    pub(super) fn set_expiry(&mut self, q: QueueId, msg: MsgId) {
        let queue_ttl = self.queue_limits(q).message_ttl;
        let msg_ttl = self.messages[(msg.0 - 1) as usize]
            .props
            .as_ref()
            .and_then(|p| p.expiration.as_deref())
            .and_then(parse_expiration);
        let ttl = match (queue_ttl, msg_ttl) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if let Some(ms) = ttl {
            let at = self.now + Micros(ms.saturating_mul(1000));
            self.queues[q.0].bounds.expiry.insert(msg.0, at);
        }
    }

    /// `drop_expired_msgs/1`: the master removes expired messages from the head, then arms
    /// the timer for the new head's deadline.
    pub(crate) fn drop_expired(&mut self, q: QueueId) {
        let m = self.queues[q.0].master;
        if self.queues[q.0].deleted
            || !self.procs[m.0].alive
            || self.queues[q.0].state != QueueState::Running
            || self.queues[q.0].bounds.expiry.is_empty()
        {
            return;
        }
        while let Some((&pos, &e)) = self.procs[m.0].ready.iter().next() {
            match self.queues[q.0].bounds.expiry.get(&e.msg.0) {
                Some(&at) if at <= self.now => {}
                _ => break,
            }
            self.procs[m.0].ready.remove(&pos);
            self.queues[q.0].bounds.expiry.remove(&e.msg.0);
            self.gm_broadcast(
                m,
                GmOp::Drop {
                    msg: e.msg,
                    ack_required: false,
                },
            );
            self.remove_on_purpose(q, e.msg, Removal::Expired);
        }
        self.arm_ttl_timer(q);
    }

    /// `ensure_ttl_timer/2`: one timer, for the head's deadline (none when the head has none).
    fn arm_ttl_timer(&mut self, q: QueueId) {
        let m = self.queues[q.0].master;
        let head = self.procs[m.0].ready.values().next().map(|e| e.msg.0);
        let Some(at) = head.and_then(|h| self.queues[q.0].bounds.expiry.get(&h).copied()) else {
            return;
        };
        let b = &mut self.queues[q.0].bounds;
        if b.ttl_timer.is_some_and(|t| t <= at) {
            return;
        }
        b.ttl_timer = Some(at);
        self.schedule(at, Ev::BoundsTimer { queue: q });
    }

    /// Someone used the queue (declare, consume, get, a consumer leaving): `x-expires`
    /// counts again from now.
    pub(crate) fn touch_queue(&mut self, q: QueueId) {
        self.queues[q.0].bounds.last_used = self.now;
        if let Some(ms) = self.queue_limits(q).expires {
            let at = self.now + Micros(ms.saturating_mul(1000));
            self.schedule(at, Ev::BoundsTimer { queue: q });
        }
    }

    /// A policy change re-read the queue's bounds (`process_args_policy/1`): a lower length
    /// limit drops at once, the `x-expires` clock starts again, and the head is looked at.
    /// Deadlines already given stay as they were.
    pub(crate) fn bounds_changed(&mut self, q: QueueId) {
        let m = self.queues[q.0].master;
        if self.queues[q.0].deleted || !self.procs[m.0].alive {
            return;
        }
        self.drop_head_over_limit(m, q);
        if self.queue_limits(q).expires.is_some() {
            self.touch_queue(q);
        }
        self.drop_expired(q);
    }

    pub(crate) fn on_bounds_timer(&mut self, q: QueueId) {
        if self.queues[q.0].deleted {
            return;
        }
        if self.queues[q.0]
            .bounds
            .ttl_timer
            .is_some_and(|t| t <= self.now)
        {
            self.queues[q.0].bounds.ttl_timer = None;
            self.drop_expired(q);
        }
        let Some(ms) = self.queue_limits(q).expires else {
            return;
        };
        let due = self.queues[q.0].bounds.last_used + Micros(ms.saturating_mul(1000));
        let unused = !self.consumers.iter().any(|k| k.queue == q);
        let m = self.queues[q.0].master;
        if self.now >= due && unused && self.procs[m.0].alive {
            // Its messages go with it, as the queue's own argument or policy said.
            let held: Vec<_> = self.procs[m.0].ready.values().map(|e| e.msg).collect();
            self.queues[q.0].dropped_by_limit.extend(held);
            self.changed(StateChange::QueueExpired {
                queue: self.queue_name(q),
                after_ms: ms,
            });
            self.delete_queue(q);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_expiration;

    #[test]
    fn expiration_is_a_string_of_digits() {
        assert_eq!(parse_expiration("60000"), Some(60000));
        assert_eq!(parse_expiration("0"), Some(0));
        assert_eq!(parse_expiration("-1"), None);
        assert_eq!(parse_expiration("1.5"), None);
        assert_eq!(parse_expiration(""), None);
        let e = |s: &str| super::expiration_error(s).unwrap();
        assert_eq!(e("abc"), "invalid expiration 'abc': no_integer");
        assert_eq!(
            e("1.5"),
            "invalid expiration '1.5': {leftover_string,\".5\"}"
        );
        assert_eq!(e("-1"), "invalid expiration '-1': {value_negative,-1}");
    }
}
