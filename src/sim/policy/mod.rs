//! Stored policies and matching (spec §1.2): one user policy and one operator policy per object,
//! the highest priority wins, patterns are unanchored searches on the name, definitions are
//! never merged between user policies.

pub mod definition;
pub mod validate;

use crate::sim::policy::definition::{ApplyTo, Definition, PolicyKind, ValidatedPolicy};

/// A policy as stored in a vhost.
#[derive(Debug, Clone)]
pub struct Policy {
    pub vhost: String,
    pub kind: PolicyKind,
    pub spec: ValidatedPolicy,
}

impl Policy {
    pub fn name(&self) -> &str {
        &self.spec.name
    }
}

/// Which kind of object a policy is matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    Queue,
    Exchange,
}

/// The outcome of matching an object: the winner, and the other policies that tied with it
/// (RabbitMQ's pick among equal priorities is arbitrary, so the UI flags it).
#[derive(Debug, Clone, Default)]
pub struct MatchResult<'a> {
    pub winner: Option<&'a Policy>,
    pub tied_with: Vec<&'a Policy>,
}

/// All user and operator policies of all vhosts, in the order they were first set.
#[derive(Debug, Clone, Default)]
pub struct PolicyStore {
    pub policies: Vec<Policy>,
}

impl PolicyStore {
    /// Sets (or replaces, keeping its place) a policy. Returns true when it replaced one.
    pub fn set(&mut self, vhost: &str, kind: PolicyKind, spec: ValidatedPolicy) -> bool {
        if let Some(p) = self
            .policies
            .iter_mut()
            .find(|p| p.vhost == vhost && p.kind == kind && p.spec.name == spec.name)
        {
            p.spec = spec;
            return true;
        }
        self.policies.push(Policy {
            vhost: vhost.to_string(),
            kind,
            spec,
        });
        false
    }

    /// Removes a policy; false when there was none (`Parameter does not exist`).
    pub fn clear(&mut self, vhost: &str, kind: PolicyKind, name: &str) -> bool {
        let before = self.policies.len();
        self.policies
            .retain(|p| !(p.vhost == vhost && p.kind == kind && p.spec.name == name));
        before != self.policies.len()
    }

    /// Policies of a vhost sorted by ascending priority, as `list_policies` prints them.
    pub fn list(&self, vhost: &str, kind: PolicyKind) -> Vec<&Policy> {
        let mut v: Vec<&Policy> = self
            .policies
            .iter()
            .filter(|p| p.vhost == vhost && p.kind == kind)
            .collect();
        crate::sort::sort_by_key(&mut v, |p| p.spec.priority);
        v
    }

    /// Matches an object by name (§1.2). For queues, a policy with a key classic queues do not
    /// support is not a candidate at all.
    ///
    /// Equal priorities: RabbitMQ's winner depends on ETS hash order. The simulator picks the
    /// policy whose name sorts first (byte order) and reports the others in `tied_with`.
    pub fn matching(
        &self,
        vhost: &str,
        kind: PolicyKind,
        object: ObjectKind,
        name: &str,
    ) -> MatchResult<'_> {
        let mut candidates: Vec<&Policy> = self
            .policies
            .iter()
            .filter(|p| p.vhost == vhost && p.kind == kind)
            .filter(|p| {
                matches!(
                    (object, p.spec.apply_to),
                    (_, ApplyTo::All)
                        | (ObjectKind::Queue, ApplyTo::Queues)
                        | (ObjectKind::Exchange, ApplyTo::Exchanges)
                )
            })
            .filter(|p| {
                object != ObjectKind::Queue || p.spec.definition.applies_to_classic_queues()
            })
            .filter(|p| p.spec.pattern.is_match(name))
            .collect();
        crate::sort::sort_by(&mut candidates, |a, b| {
            b.spec
                .priority
                .cmp(&a.spec.priority)
                .then_with(|| a.spec.name.as_bytes().cmp(b.spec.name.as_bytes()))
        });
        let Some(&winner) = candidates.first() else {
            return MatchResult::default();
        };
        let tied_with = candidates[1..]
            .iter()
            .copied()
            .filter(|p| p.spec.priority == winner.spec.priority)
            .collect();
        MatchResult {
            winner: Some(winner),
            tied_with,
        }
    }

    /// The user and operator policy names for a queue and their merged definition.
    pub fn effective_for_queue(
        &self,
        vhost: &str,
        name: &str,
    ) -> (Option<String>, Option<String>, Definition) {
        let user = self
            .matching(vhost, PolicyKind::User, ObjectKind::Queue, name)
            .winner;
        let op = self
            .matching(vhost, PolicyKind::Operator, ObjectKind::Queue, name)
            .winner;
        let def = crate::sim::policy::definition::merge_operator(
            user.map(|p| &p.spec.definition),
            op.map(|p| &p.spec.definition),
        );
        (
            user.map(|p| p.spec.name.clone()),
            op.map(|p| p.spec.name.clone()),
            def,
        )
    }
}
