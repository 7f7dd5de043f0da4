//! Every lesson of the course, embedded in the binary (`lessons/*.scn`), parsed once.
//! A new lesson file must be added to [`FILES`]; a test fails while the list and the directory
//! differ.

use std::sync::OnceLock;

use crate::course::parse::{parse_lesson, Lesson, LessonError};

/// Each lesson file's name and text.
pub const FILES: &[(&str, &str)] = &[
    (
        "extra-partitions-autoheal.scn",
        include_str!("../../lessons/extra-partitions-autoheal.scn"),
    ),
    (
        "extra-partitions-ignore.scn",
        include_str!("../../lessons/extra-partitions-ignore.scn"),
    ),
    (
        "extra-partitions-pause-minority.scn",
        include_str!("../../lessons/extra-partitions-pause-minority.scn"),
    ),
    (
        "extra-promote-on-shutdown.scn",
        include_str!("../../lessons/extra-promote-on-shutdown.scn"),
    ),
    (
        "seed000-cancel-on-failover.scn",
        include_str!("../../lessons/seed000-cancel-on-failover.scn"),
    ),
    (
        "seed000-master-death.scn",
        include_str!("../../lessons/seed000-master-death.scn"),
    ),
    (
        "seed000-mirrored-queue.scn",
        include_str!("../../lessons/seed000-mirrored-queue.scn"),
    ),
    (
        "seed000-plus-two.scn",
        include_str!("../../lessons/seed000-plus-two.scn"),
    ),
    (
        "seed000-requeue.scn",
        include_str!("../../lessons/seed000-requeue.scn"),
    ),
    (
        "seed000-set-policy.scn",
        include_str!("../../lessons/seed000-set-policy.scn"),
    ),
    (
        "seed000-slave-death.scn",
        include_str!("../../lessons/seed000-slave-death.scn"),
    ),
    (
        "seed004-s1-publish-flow.scn",
        include_str!("../../lessons/seed004-s1-publish-flow.scn"),
    ),
    (
        "seed004-s2-policies.scn",
        include_str!("../../lessons/seed004-s2-policies.scn"),
    ),
    (
        "seed004-s3-placement.scn",
        include_str!("../../lessons/seed004-s3-placement.scn"),
    ),
    (
        "seed004-s4-sync-mode.scn",
        include_str!("../../lessons/seed004-s4-sync-mode.scn"),
    ),
    (
        "seed004-s5-failover.scn",
        include_str!("../../lessons/seed004-s5-failover.scn"),
    ),
    (
        "seed004-s6-cost.scn",
        include_str!("../../lessons/seed004-s6-cost.scn"),
    ),
    (
        "seed004-s7-summary.scn",
        include_str!("../../lessons/seed004-s7-summary.scn"),
    ),
    (
        "walkthrough-gm-window.scn",
        include_str!("../../lessons/walkthrough-gm-window.scn"),
    ),
    (
        "walkthrough-split-brain.scn",
        include_str!("../../lessons/walkthrough-split-brain.scn"),
    ),
    (
        "walkthrough-steady-load.scn",
        include_str!("../../lessons/walkthrough-steady-load.scn"),
    ),
    (
        "walkthrough-stop-master.scn",
        include_str!("../../lessons/walkthrough-stop-master.scn"),
    ),
    (
        "walkthrough-unsynced.scn",
        include_str!("../../lessons/walkthrough-unsynced.scn"),
    ),
];

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

fn course() -> &'static Course {
    static COURSE: OnceLock<Course> = OnceLock::new();
    COURSE.get_or_init(|| {
        let mut lessons = Vec::new();
        let mut errors = Vec::new();
        for (file, text) in FILES {
            match parse_lesson(&format!("lessons/{file}"), text) {
                Ok(l) => lessons.push(l),
                Err(e) => errors.push(e),
            }
        }
        lessons.sort_by(|a, b| {
            (Group::of(&a.section), a.order, &a.id).cmp(&(Group::of(&b.section), b.order, &b.id))
        });
        Course { lessons, errors }
    })
}

/// The lessons in course order: seed 000, seed 004, extras; by `order` within each.
pub fn lessons() -> &'static [Lesson] {
    &course().lessons
}

/// The files that did not parse (the lesson test requires none; the page just leaves them out).
pub fn errors() -> &'static [LessonError] {
    &course().errors
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
        let mut listed: Vec<String> = FILES.iter().map(|(n, _)| n.to_string()).collect();
        listed.sort();
        assert_eq!(
            listed, on_disk,
            "catalog::FILES must list every lessons/*.scn"
        );
    }

    #[test]
    fn every_id_is_its_file_name_and_unique() {
        assert_eq!(errors(), &[] as &[LessonError]);
        for (file, _) in FILES {
            let id = file.trim_end_matches(".scn");
            assert_eq!(lessons().iter().filter(|l| l.id == id).count(), 1, "{file}");
        }
    }
}
