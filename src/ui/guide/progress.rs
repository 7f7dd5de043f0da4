//! Where the learner is in a lesson: the step on show, whether the page ran its lines, the
//! answer to its prediction and the lesson's running score. Whether a step is done and whether
//! an answer is right come from `course::check`, on the run at the cursor; nothing here knows a
//! RabbitMQ rule.

use crate::course::catalog;
use crate::course::check::{self, Verdict};
use crate::course::{Lesson, Step};
use crate::sim::scenario::Run;

/// A lesson under way (the page's state while one is open).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Index in [`catalog::lessons`].
    pub lesson: usize,
    /// The step on show (0-based); the number of steps once the learner went past the last.
    pub step: usize,
    /// The page ran this step's lines ("Do it for me" or "Reveal").
    pub ran: bool,
    /// The learner's answer to this step's prediction, before the reveal.
    pub picked: Option<usize>,
    /// The answer, scored once the step's lines ran.
    pub verdict: Option<Verdict>,
    /// Predictions answered right, and answered, in this lesson.
    pub right: u32,
    pub asked: u32,
    /// The session the lesson loaded (`context::load_generation`): loading another ends it.
    pub generation: u64,
}

impl Progress {
    /// `lesson` opened at `step` (clamped to its steps), in the session `generation`.
    pub fn open(lesson: usize, step: usize, generation: u64) -> Progress {
        let n = catalog::lessons().get(lesson).map_or(0, |l| l.steps.len());
        Progress {
            lesson,
            step: step.min(n.saturating_sub(1)),
            ran: false,
            picked: None,
            verdict: None,
            right: 0,
            asked: 0,
            generation,
        }
    }

    pub fn lesson(&self) -> &'static Lesson {
        &catalog::lessons()[self.lesson]
    }

    /// The step on show; `None` once every step is behind.
    pub fn current(&self) -> Option<&'static Step> {
        self.lesson().steps.get(self.step)
    }

    pub fn finished(&self) -> bool {
        self.current().is_none()
    }

    /// Whether the step on show is done on `run` (the run at the cursor): its checks hold, or,
    /// for a step without checks, the page ran its lines.
    pub fn done(&self, run: &Run) -> bool {
        match self.current() {
            Some(s) => check::done(run, s).unwrap_or(self.ran),
            None => true,
        }
    }

    /// Shows step `step` (clamped to one past the last); the score stays.
    pub fn go(self, step: usize) -> Progress {
        Progress {
            step: step.min(self.lesson().steps.len()),
            ran: false,
            picked: None,
            verdict: None,
            ..self
        }
    }

    pub fn next(self) -> Progress {
        self.go(self.step + 1)
    }

    pub fn back(self) -> Progress {
        self.go(self.step.saturating_sub(1))
    }

    /// The learner picks an answer (before the reveal only).
    pub fn pick(self, choice: usize) -> Progress {
        match self.current().and_then(|s| s.predict.as_ref()) {
            Some(p) if self.verdict.is_none() && choice < p.choices.len() => Progress {
                picked: Some(choice),
                ..self
            },
            _ => self,
        }
    }

    /// What the step's button sends: its lines, unless the page already ran them.
    pub fn lines_to_run(&self) -> &'static [String] {
        match self.current() {
            Some(s) if !self.ran => &s.lines,
            _ => &[],
        }
    }

    /// The page sent the step's lines.
    pub fn mark_ran(self) -> Progress {
        Progress { ran: true, ..self }
    }

    /// Scores the picked answer once the step's lines have run and `run` (the run at the
    /// cursor, its work finished) shows their outcome; unchanged otherwise, or once scored. An
    /// answer counts in the score only when the run matches one of the choices.
    pub fn settle(self, run: &Run) -> Progress {
        let pred = self.current().and_then(|s| s.predict.as_ref());
        let (Some(picked), Some(pred), true, None) = (self.picked, pred, self.ran, self.verdict)
        else {
            return self;
        };
        let v = check::score(run, pred, picked);
        let counted = v.right.is_some();
        Progress {
            verdict: Some(v),
            asked: self.asked + u32::from(counted),
            right: self.right + u32::from(counted && v.correct()),
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::player::{Action, Player};

    fn open(id: &str, step: usize) -> (Player, Progress) {
        let i = catalog::lessons().iter().position(|l| l.id == id).unwrap();
        let mut p = Player::new();
        p.apply(Action::Load(catalog::lessons()[i].scenario_before(step)));
        assert_eq!(p.error, None);
        (p, Progress::open(i, step, 0))
    }

    /// Presses "Do it for me" (or "Reveal"): the step's lines as inputs.
    fn press(p: &mut Player, progress: Progress) -> Progress {
        for line in progress.lines_to_run() {
            p.apply(Action::Input(line.clone()));
            assert_eq!(p.error, None, "{line}");
        }
        progress.mark_ran().settle(p.view_run())
    }

    #[test]
    fn the_walkthrough_by_its_button_is_done_step_by_step() {
        let (mut p, mut progress) = open("walkthrough-stop-master", 0);
        let n = progress.lesson().steps.len();
        for i in 0..n {
            assert_eq!(progress.step, i);
            if i > 0 {
                assert!(
                    !progress.done(p.view_run()),
                    "step {i} done before its lines"
                );
            }
            progress = press(&mut p, progress);
            assert!(progress.done(p.view_run()), "step {i}");
            // Pressing again sends nothing: a step's lines run once.
            assert!(progress.lines_to_run().is_empty());
            progress = progress.next();
        }
        assert!(progress.finished());
        assert_eq!(progress.next().step, n);
        // The stop returned once the slave was promoted.
        let q = &p.view().queue_views()[0];
        assert_eq!(q.master, "rabbit@node3");
    }

    #[test]
    fn a_step_done_another_way_is_done() {
        let (mut p, progress) = open("walkthrough-stop-master", 1);
        assert!(!progress.done(p.view_run()));
        // The clients panel's way, with another client name: the check looks at the queue.
        for line in ["client shop node=node1", "shop declare queue_demo durable"] {
            p.apply(Action::Input(line.into()));
        }
        assert!(progress.done(p.view_run()));
        assert!(!progress.ran);
    }

    #[test]
    fn a_prediction_is_scored_right_or_wrong_and_counted_once() {
        let (mut p, progress) = open("seed000-master-death", 1);
        let pred = progress.current().unwrap().predict.as_ref().unwrap();
        assert_eq!(pred.choices.len(), 2);
        let right = press(&mut p, progress.pick(0));
        assert_eq!(right.verdict.map(|v| v.correct()), Some(true));
        assert_eq!((right.right, right.asked), (1, 1));
        // Picking after the reveal changes nothing.
        assert_eq!(right.pick(1), right);
        let (mut p, progress) = open("seed000-master-death", 1);
        let wrong = press(&mut p, progress.pick(1));
        let v = wrong.verdict.unwrap();
        assert!(!v.correct());
        assert_eq!(v.right, Some(0));
        assert_eq!((wrong.right, wrong.asked), (0, 1));
        // Going on keeps the score.
        assert_eq!(wrong.next().asked, 1);
    }

    #[test]
    fn an_answer_the_run_does_not_match_is_not_scored() {
        let (mut p, progress) = open("seed000-master-death", 1);
        // The learner crashes node3 instead: node1 keeps the master, no choice holds.
        p.apply(Action::Input("kill node3".into()));
        let after = progress.pick(0).mark_ran().settle(p.view_run());
        assert_eq!(after.verdict.unwrap().right, None);
        assert_eq!(after.asked, 0);
    }

    #[test]
    fn opening_at_a_step_replays_the_steps_before_it() {
        let (p, progress) = open("walkthrough-stop-master", 3);
        assert_eq!(progress.step, 3);
        let q = &p.view().queue_views()[0];
        assert_eq!((q.master.as_str(), q.ready), ("rabbit@node1", 3));
        // Past the end: the last step.
        assert_eq!(Progress::open(progress.lesson, 99, 0).step, 3);
    }
}
