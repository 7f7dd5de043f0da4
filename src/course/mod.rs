//! The course: lessons as data. Each `lessons/*.scn` file is a scenario with `# key: value`
//! directives (captions, checks, predictions; docs/lessons.md). `parse` reads one, `catalog`
//! holds them all, `check` says whether a step is done and scores a prediction on a run.
//! Pure like the simulator: no web dependency.

pub mod catalog;
pub mod check;
pub mod parse;

pub use parse::{parse_lesson, Bi, Check, Choice, Lesson, LessonError, Predict, Step};
