//! `grade --template <export>`: grade with the instructor's spec files, not the student's.

use crate::files::{copy_dir, copy_file};
use crate::manifest::{ClassroomManifest, MANIFEST};
use anyhow::{Context, Result};
use project_model::files::files_under;
use std::path::{Path, PathBuf};

/// Where `assign` writes the GitHub Classroom workflow.
const WORKFLOW: &str = ".github/workflows/classroom.yml";

/// The files of the export `template` that decide a grade, relative to it, sorted: the root
/// Cargo.toml, classroom.toml, the workflow, `exercises/support/` and each exercise's
/// Cargo.toml and `tests/`. A student changes none of them to solve an exercise.
pub fn graded_files(
    template: &Path,
    manifest: &ClassroomManifest,
) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> =
        ["Cargo.toml", MANIFEST, WORKFLOW].map(PathBuf::from).into();
    let mut dirs = vec![PathBuf::from("exercises/support")];
    for e in &manifest.exercises {
        files.push(Path::new(&e.dir).join("Cargo.toml"));
        dirs.push(Path::new(&e.dir).join("tests"));
    }
    for dir in dirs {
        if template.join(&dir).is_dir() {
            files.extend(
                files_under(&template.join(&dir))?
                    .iter()
                    .map(|f| dir.join(f)),
            );
        }
    }
    files.retain(|f| template.join(f).is_file());
    files.sort();
    files.dedup();
    Ok(files)
}

/// Copies `submission` (without `target/`) to `copy`, then the template's `files` over it.
/// Returns those the submission changed or lacks, as `path (changed)` or `path (missing)`.
pub fn apply(
    template: &Path,
    files: &[PathBuf],
    submission: &Path,
    copy: &Path,
) -> Result<Vec<String>> {
    if copy.exists() {
        std::fs::remove_dir_all(copy)
            .with_context(|| format!("emptying {}", copy.display()))?;
    }
    copy_dir(submission, copy)?;
    let mut differs = Vec::new();
    for f in files {
        let ours = std::fs::read(template.join(f))
            .with_context(|| format!("reading {}", template.join(f).display()))?;
        match std::fs::read(submission.join(f)) {
            Err(_) => differs.push(format!("{} (missing)", f.display())),
            Ok(theirs) if theirs != ours => {
                differs.push(format!("{} (changed)", f.display()))
            }
            Ok(_) => {}
        }
        copy_file(&template.join(f), &copy.join(f))?;
    }
    Ok(differs)
}
