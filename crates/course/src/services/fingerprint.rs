//! Has an exercise changed since its last check? `check` records a hash of the exercise's files
//! with its result; `list` re-checks an exercise whose files no longer match, so its progress is
//! the result of the code as it is now, whether the learner ran `cargo course check` or
//! `cargo test`. An exercise never checked and never built (cargo keeps a fingerprint folder in
//! `exercises/target/debug/.fingerprint/` for every package it built) is "not tried" without
//! running anything. `check` counts an exercise passed only while its files are those it passed
//! with ([`as_of_now`]).

use crate::services::progress::{ExerciseProgress, Progress};
use crate::services::project::{Exercise, Project};
use anyhow::{Context, Result};
use project_model::files::files_under;
use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};

/// A hash of every file of the exercise (names and contents, `target/` excluded), in hex.
///
/// std's `DefaultHasher` may change between Rust releases: then every exercise looks changed
/// once, and `list` re-checks it. A cache miss, never a wrong result.
pub fn source_hash(project: &Project, ex: &Exercise) -> Result<String> {
    let dir = project.path(ex.starter_dir());
    let mut hasher = DefaultHasher::new();
    for rel in files_under(&dir)? {
        let path = dir.join(&rel);
        let bytes =
            fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        (rel, bytes).hash(&mut hasher);
    }
    Ok(format!("{:016x}", hasher.finish()))
}

/// Whether cargo has built this package in the learner's `exercises/target` (by `cargo test`,
/// `cargo build`, `cargo course check` or an editor's `cargo check`).
pub fn was_built(project: &Project, ex: &Exercise) -> bool {
    let dir = project.path("exercises/target/debug/.fingerprint");
    let mut entries = fs::read_dir(dir).into_iter().flatten().flatten();
    entries.any(|e| {
        e.file_name()
            .to_str()
            .and_then(|n| n.strip_prefix(&ex.package)?.strip_prefix('-'))
            .is_some_and(|h| {
                h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit())
            })
    })
}

/// Whether the exercise changed since the check `recorded`: its files differ from those it
/// hashed; or, never checked, cargo built it (the learner ran `cargo test`, say).
pub fn changed_since_check(
    project: &Project,
    ex: &Exercise,
    recorded: &ExerciseProgress,
) -> Result<bool> {
    Ok(match &recorded.source_hash {
        Some(hash) => *hash != source_hash(project, ex)?,
        None => was_built(project, ex),
    })
}

/// The progress as far as it still holds: every exercise of `exercises` recorded as passed whose
/// files changed since is no longer passed (status unknown, until checked again). Returns it
/// and those exercises.
pub fn as_of_now(
    project: &Project,
    exercises: &[Exercise],
    progress: &Progress,
) -> Result<(Progress, Vec<Exercise>)> {
    let mut now = progress.clone();
    let mut changed = Vec::new();
    for ex in exercises.iter().filter(|e| progress.is_passed(e)) {
        if changed_since_check(project, ex, &progress.get(ex))? {
            now.entry(ex).status = None;
            changed.push(ex.clone());
        }
    }
    Ok((now, changed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::progress::Status;

    #[test]
    fn the_hash_follows_the_files_and_ignores_target() {
        let dir = tempfile::tempdir().unwrap();
        let project = Project::new(dir.path());
        let ex = Exercise {
            chapter: "ch01-sequential".into(),
            dir: "ex01-add".into(),
            package: "ch01-ex01-add".into(),
        };
        let src = dir.path().join("exercises/ch01-sequential/ex01-add/src");
        fs::create_dir_all(&src).unwrap();
        fs::write(src.join("lib.rs"), "todo!()").unwrap();
        let before = source_hash(&project, &ex).unwrap();
        fs::create_dir_all(src.join("../target")).unwrap();
        fs::write(src.join("../target/x"), "build output").unwrap();
        assert_eq!(source_hash(&project, &ex).unwrap(), before);
        fs::write(src.join("lib.rs"), "42").unwrap();
        assert_ne!(source_hash(&project, &ex).unwrap(), before);

        assert!(!was_built(&project, &ex));
        let fp = dir.path().join("exercises/target/debug/.fingerprint");
        fs::create_dir_all(fp.join("ch01-ex01-add-more-0123456789abcdef")).unwrap();
        assert!(!was_built(&project, &ex), "another package's fingerprint");
        fs::create_dir_all(fp.join("ch01-ex01-add-0123456789abcdef")).unwrap();
        assert!(was_built(&project, &ex));
    }

    #[test]
    fn a_pass_holds_only_while_the_files_are_those_it_passed_with() {
        let dir = tempfile::tempdir().unwrap();
        let project = Project::new(dir.path());
        let ex = |dir: &str, package: &str| Exercise {
            chapter: "ch01-sequential".into(),
            dir: dir.into(),
            package: package.into(),
        };
        let all = [
            ex("ex01-add", "ch01-ex01-add"),
            ex("ex02-mul", "ch01-ex02-mul"),
        ];
        let mut progress = Progress::default();
        for e in &all {
            let lib = dir
                .path()
                .join("exercises/ch01-sequential")
                .join(&e.dir)
                .join("src/lib.rs");
            fs::create_dir_all(lib.parent().unwrap()).unwrap();
            fs::write(&lib, "a solution").unwrap();
            let entry = progress.entry(e);
            entry.status = Some(Status::Passed);
            entry.source_hash = Some(source_hash(&project, e).unwrap());
        }
        let (now, changed) = as_of_now(&project, &all, &progress).unwrap();
        assert_eq!((now, changed), (progress.clone(), vec![]));

        let lib = dir
            .path()
            .join("exercises/ch01-sequential/ex02-mul/src/lib.rs");
        fs::write(lib, "todo!()").unwrap();
        let (now, changed) = as_of_now(&project, &all, &progress).unwrap();
        assert_eq!(changed, [all[1].clone()]);
        assert!(now.is_passed(&all[0]));
        assert!(!now.is_passed(&all[1]));
        assert_eq!(
            now.get(&all[1]).source_hash,
            progress.get(&all[1]).source_hash
        );
    }
}
