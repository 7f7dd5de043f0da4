//! A lesson's checks against a run: whether a step is done, which answer of a prediction is
//! right. They use the scenario runner's own expectation code and never fail the run.

use crate::course::parse::{Check, Predict, Step};
use crate::sim::scenario::Run;

/// Whether `check` holds on `run` as it is now.
pub fn holds(run: &Run, check: &Check) -> bool {
    run.check(&check.expectation).is_empty()
}

/// Whether `step` is done on `run`: all its checks hold. `None` for a step without checks (it
/// is done when its lines have run or the learner moves on).
pub fn done(run: &Run, step: &Step) -> Option<bool> {
    (!step.checks.is_empty()).then(|| step.checks.iter().all(|c| holds(run, c)))
}

/// The choices of `predict` whose `.if` lines all hold on `run` (after the step's lines ran,
/// exactly one).
pub fn holding(run: &Run, predict: &Predict) -> Vec<usize> {
    (0..predict.choices.len())
        .filter(|&i| predict.choices[i].when.iter().all(|c| holds(run, c)))
        .collect()
}

/// A learner's answer to a prediction, scored once the step's lines ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub picked: usize,
    /// The answer that holds (`None` when the run went elsewhere: the learner acted
    /// differently, and no choice describes it).
    pub right: Option<usize>,
}

impl Verdict {
    pub fn correct(&self) -> bool {
        self.right == Some(self.picked)
    }
}

/// Scores `picked` on `run`, after the step's lines ran.
pub fn score(run: &Run, predict: &Predict, picked: usize) -> Verdict {
    let right = match holding(run, predict).as_slice() {
        [one] => Some(*one),
        _ => None,
    };
    Verdict { picked, right }
}
