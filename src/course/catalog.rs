//! Every lesson of the course (`lessons/*.scn`), parsed once. Natively and in the default build
//! the texts are embedded; with the `fetched-lessons` feature (the page trunk builds) they are
//! not: the page fetches them from `dist/lessons/` and hands them to [`install`], so the first
//! screen does not download every lesson's text (issue 18). A new lesson file must be added to
//! [`NAMES`]; a test fails while the list and the directory differ.

use std::sync::OnceLock;

use crate::course::parse::{parse_lesson, Lesson, LessonError};

/// Declares [`NAMES`] and, unless the texts are fetched, [`FILES`] from one list of file names,
/// so the two cannot differ.
macro_rules! lesson_files {
    ($($file:literal),* $(,)?) => {
        /// Every lesson file's name (`lessons/NAME`).
        pub const NAMES: &[&str] = &[$($file),*];

        /// Each lesson file's name and text, embedded.
        #[cfg(not(feature = "fetched-lessons"))]
        pub const FILES: &[(&str, &str)] =
            &[$(($file, include_str!(concat!("../../lessons/", $file)))),*];
    };
}

lesson_files!(
    "extra-partitions-autoheal.scn",
    "extra-partitions-ignore.scn",
    "extra-partitions-pause-minority.scn",
    "extra-promote-on-shutdown.scn",
    "seed000-cancel-on-failover.scn",
    "seed000-master-death.scn",
    "seed000-mirrored-queue.scn",
    "seed000-plus-two.scn",
    "seed000-requeue.scn",
    "seed000-set-policy.scn",
    "seed000-slave-death.scn",
    "seed004-s1-publish-flow.scn",
    "seed004-s2-policies.scn",
    "seed004-s3-placement.scn",
    "seed004-s4-sync-mode.scn",
    "seed004-s5-failover.scn",
    "seed004-s6-cost.scn",
    "seed004-s7-summary.scn",
    "walkthrough-gm-window.scn",
    "walkthrough-split-brain.scn",
    "walkthrough-steady-load.scn",
    "walkthrough-stop-master.scn",
    "walkthrough-unsynced.scn",
);

/// Where a lesson sits in the course list: the seeds in their order, then the extras.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    Seed000,
    Seed004,
    Extra,
}

impl Group {
    /// From a lesson's `section` ("000 §2", "004 §5", "extra").
    pub fn of(section: &str) -> Group {
        if section.starts_with("000") {
            Group::Seed000
        } else if section.starts_with("004") {
            Group::Seed004
        } else {
            Group::Extra
        }
    }
}

struct Course {
    lessons: Vec<Lesson>,
    errors: Vec<LessonError>,
}

static COURSE: OnceLock<Course> = OnceLock::new();

/// Parses the lesson files (name, text) into the course, in course order.
fn build<'a>(files: impl Iterator<Item = (&'a str, &'a str)>) -> Course {
    let mut lessons = Vec::new();
    let mut errors = Vec::new();
    for (file, text) in files {
        match parse_lesson(&format!("lessons/{file}"), text) {
            Ok(l) => lessons.push(l),
            Err(e) => errors.push(e),
        }
    }
    crate::sort::sort_by(&mut lessons, |a, b| {
        (Group::of(&a.section), a.order, &a.id).cmp(&(Group::of(&b.section), b.order, &b.id))
    });
    Course { lessons, errors }
}

#[cfg(not(feature = "fetched-lessons"))]
fn course() -> Option<&'static Course> {
    Some(COURSE.get_or_init(|| build(FILES.iter().copied())))
}

#[cfg(feature = "fetched-lessons")]
fn course() -> Option<&'static Course> {
    COURSE.get()
}

/// Installs the fetched lesson files (name, text); the first call wins, as the texts of one
/// page load do not change.
#[cfg(feature = "fetched-lessons")]
pub fn install(files: &[(String, String)]) {
    COURSE.get_or_init(|| build(files.iter().map(|(f, t)| (f.as_str(), t.as_str()))));
}

/// Whether the lessons are there to show: always when they are embedded, once [`install`]ed
/// when they are fetched.
pub fn loaded() -> bool {
    course().is_some()
}

/// The lessons in course order: seed 000, seed 004, extras; by `order` within each. Empty while
/// fetched lessons have not arrived.
pub fn lessons() -> &'static [Lesson] {
    course().map_or(&[], |c| &c.lessons)
}

/// The files that did not parse (the lesson test requires none; the page just leaves them out).
pub fn errors() -> &'static [LessonError] {
    course().map_or(&[], |c| &c.errors)
}

/// The lesson with this id.
pub fn find(id: &str) -> Option<&'static Lesson> {
    lessons().iter().find(|l| l.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_the_lessons_directory() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/lessons");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .expect("the lessons directory")
            .map(|e| {
                e.expect("an entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .filter(|n| n.ends_with(".scn"))
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = NAMES.iter().map(|n| n.to_string()).collect();
        listed.sort();
        assert_eq!(
            listed, on_disk,
            "catalog::NAMES must list every lessons/*.scn"
        );
    }

    #[test]
    fn every_id_is_its_file_name_and_unique() {
        assert_eq!(errors(), &[] as &[LessonError]);
        for file in NAMES {
            let id = file.trim_end_matches(".scn");
            assert_eq!(lessons().iter().filter(|l| l.id == id).count(), 1, "{file}");
        }
    }
}
