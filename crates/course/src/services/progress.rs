//! The learner's progress, kept in `target/course/progress.json`: for each exercise the result of
//! its last `cargo course check` and how many hints were shown.
//!
//! It lives under `target/` on purpose: it belongs to one learner's checkout, is never committed,
//! and `cargo clean` starts the course over.

use crate::services::files::{read_json, write_json};
use crate::services::project::{Exercise, Project};
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How the last check of an exercise ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Every test passed.
    Passed,
    /// It compiled and some tests failed.
    Failing,
    /// The starter, edited, does not compile with its spec.
    CompileError,
    /// The tests did not finish in time and were killed.
    TimedOut,
}

/// One exercise's entry, keyed by its package name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExerciseProgress {
    /// The last check's result; absent if never checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Tests that passed in the last check.
    pub passed: usize,
    /// Tests that ran in the last check (ignored ones not counted).
    pub total: usize,
    /// When the last check ran, UTC, `2026-11-22T14:03:09Z`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checked_at: Option<String>,
    /// The hash of the exercise's files when it was last checked (`fingerprint::source_hash`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_hash: Option<String>,
    /// How many hints `cargo course hint` has shown so far.
    pub hints_shown: usize,
}

impl ExerciseProgress {
    /// The status as `list` shows it.
    pub fn label(&self) -> String {
        match self.status {
            None => "not tried".into(),
            Some(Status::Passed) => "passed".into(),
            Some(Status::Failing) => {
                format!("failing ({} of {})", self.passed, self.total)
            }
            Some(Status::CompileError) => "compile error".into(),
            Some(Status::TimedOut) => "timed out".into(),
        }
    }
}

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Progress {
    /// Package name → progress.
    pub exercises: BTreeMap<String, ExerciseProgress>,
}

impl Progress {
    /// `<root>/target/course/progress.json`.
    pub fn path(project: &Project) -> PathBuf {
        project.path("target/course/progress.json")
    }

    /// Reads the file; a missing file is a fresh start, a damaged one a clear error.
    pub fn load(path: &Path) -> Result<Progress> {
        let damaged = || {
            let path = path.display();
            format!("{path} is damaged (delete it to start the progress record over)")
        };
        Ok(read_json(path).with_context(damaged)?.unwrap_or_default())
    }

    /// Writes the file (through a temporary file, so an interrupted write leaves the old one).
    pub fn save(&self, path: &Path) -> Result<()> {
        write_json(path, self)
    }

    /// The entry of an exercise (the default, "not tried", if it has none).
    pub fn get(&self, ex: &Exercise) -> ExerciseProgress {
        self.exercises.get(&ex.package).cloned().unwrap_or_default()
    }

    pub fn entry(&mut self, ex: &Exercise) -> &mut ExerciseProgress {
        self.exercises.entry(ex.package.clone()).or_default()
    }

    pub fn is_passed(&self, ex: &Exercise) -> bool {
        self.get(ex).status == Some(Status::Passed)
    }
}

/// What to do after an exercise passes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// An unfinished exercise of the same chapter.
    Exercise(Exercise),
    /// Every exercise of the chapter has passed; `next` is the first unfinished one of a later
    /// chapter, if any.
    ChapterComplete { next: Option<Exercise> },
}

/// The exercise to do after `current`: the next unfinished one of its chapter (after it, then
/// before it), else the first unfinished one of a later chapter.
pub fn next_after(all: &[Exercise], current: &Exercise, progress: &Progress) -> Next {
    let unfinished = |e: &&Exercise| *e != current && !progress.is_passed(e);
    let (before, after) =
        all.split_at(all.iter().position(|e| e == current).unwrap_or(0));
    let mut same_chapter = after
        .iter()
        .chain(before)
        .filter(|e| e.chapter == current.chapter);
    match same_chapter.find(unfinished) {
        Some(e) => Next::Exercise(e.clone()),
        None => Next::ChapterComplete {
            next: all
                .iter()
                .filter(|e| e.chapter > current.chapter)
                .find(unfinished)
                .cloned(),
        },
    }
}

/// The first exercise not passed yet, in course order.
pub fn first_unfinished<'a>(
    all: &'a [Exercise],
    progress: &Progress,
) -> Option<&'a Exercise> {
    all.iter().find(|e| !progress.is_passed(e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn ex(chapter: &str, dir: &str) -> Exercise {
        let ch = &chapter[..4];
        let exn = &dir[..4];
        Exercise {
            chapter: chapter.into(),
            dir: dir.into(),
            package: format!("{ch}-{exn}-{}", &dir[5..]),
        }
    }

    fn course() -> Vec<Exercise> {
        vec![
            ex("ch01-sequential", "ex01-timed"),
            ex("ch01-sequential", "ex02-makespan"),
            ex("ch01-sequential", "ex03-lpt"),
            ex("ch02-threads", "ex01-scoped-sum"),
        ]
    }

    fn passed(progress: &mut Progress, e: &Exercise) {
        progress.entry(e).status = Some(Status::Passed);
    }

    #[test]
    fn round_trip_through_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("target/course/progress.json");
        assert_eq!(Progress::load(&path).unwrap(), Progress::default());

        let all = course();
        let mut progress = Progress::default();
        *progress.entry(&all[0]) = ExerciseProgress {
            status: Some(Status::Failing),
            passed: 3,
            total: 5,
            checked_at: Some("2023-11-14T22:13:20Z".into()),
            source_hash: Some("0123456789abcdef".into()),
            hints_shown: 2,
        };
        progress.entry(&all[1]).hints_shown = 1;
        progress.save(&path).unwrap();

        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"status\": \"failing\""), "{text}");
        assert!(
            text.contains("\"checked_at\": \"2023-11-14T22:13:20Z\""),
            "{text}"
        );
        let back = Progress::load(&path).unwrap();
        assert_eq!(back, progress);
        assert_eq!(back.get(&all[0]).label(), "failing (3 of 5)");
        assert_eq!(back.get(&all[1]).label(), "not tried");
        assert_eq!(back.get(&all[1]).hints_shown, 1);
        assert_eq!(back.get(&all[2]), ExerciseProgress::default());
    }

    #[test]
    fn a_damaged_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("progress.json");
        fs::write(&path, "{ not json").unwrap();
        let err = format!("{:#}", Progress::load(&path).unwrap_err());
        assert!(err.contains("is damaged (delete it"), "{err}");
    }

    #[test]
    fn labels() {
        let p = |status| ExerciseProgress {
            status,
            passed: 1,
            total: 4,
            ..Default::default()
        };
        assert_eq!(p(Some(Status::Passed)).label(), "passed");
        assert_eq!(p(Some(Status::CompileError)).label(), "compile error");
        assert_eq!(p(Some(Status::TimedOut)).label(), "timed out");
        assert_eq!(p(None).label(), "not tried");
    }

    #[test]
    fn next_exercise_is_the_next_unfinished_one_of_the_chapter() {
        let all = course();
        let mut progress = Progress::default();
        assert_eq!(
            next_after(&all, &all[0], &progress),
            Next::Exercise(all[1].clone())
        );
        // Skips passed ones, and wraps around to earlier unfinished ones.
        passed(&mut progress, &all[0]);
        passed(&mut progress, &all[2]);
        assert_eq!(
            next_after(&all, &all[2], &progress),
            Next::Exercise(all[1].clone())
        );
        // The chapter is complete: point at the next chapter.
        passed(&mut progress, &all[1]);
        assert_eq!(
            next_after(&all, &all[1], &progress),
            Next::ChapterComplete {
                next: Some(all[3].clone())
            }
        );
        // The last chapter is complete: nothing left.
        assert_eq!(
            next_after(&all, &all[3], &progress),
            Next::ChapterComplete { next: None }
        );
        assert_eq!(first_unfinished(&all, &progress), Some(&all[3]));
    }
}
