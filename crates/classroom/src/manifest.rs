//! `classroom.toml`: what `assign` exported, read back by `grade`.

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The file at the root of an exported repository that marks it as one.
pub const MANIFEST: &str = "classroom.toml";

/// The chapter and the spec tests of an exported repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassroomManifest {
    /// The chapter's folder name, `ch01-sequential`.
    pub chapter: String,
    /// One entry per exercise, in order.
    #[serde(rename = "exercise")]
    pub exercises: Vec<ExerciseTests>,
}

/// One exercise and the tests of its spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExerciseTests {
    /// The package name, `ch01-ex01-timed`.
    pub package: String,
    /// Its folder, relative to the repository root: `exercises/ch01-sequential/ex01-timed`.
    pub dir: String,
    /// The names of its spec tests (`<spec binary> --list`), each worth one point.
    pub tests: Vec<String>,
}

impl ClassroomManifest {
    /// How many spec tests there are (and points to earn).
    pub fn test_count(&self) -> usize {
        self.exercises.iter().map(|e| e.tests.len()).sum()
    }

    /// Writes `classroom.toml` into `dir`.
    pub fn write(&self, dir: &Path) -> Result<()> {
        let text = format!(
            "# Written by `cargo course assign`; `cargo course grade` reads it to know which spec\n\
             # tests to run (one point each).\n{}",
            toml::to_string(self)?
        );
        std::fs::write(dir.join(MANIFEST), text)
            .with_context(|| format!("writing {}", dir.join(MANIFEST).display()))
    }

    /// Reads the manifest of a submission, with an error that says what the folder should be.
    pub fn read(dir: &Path) -> Result<Self> {
        if !dir.is_dir() {
            bail!("{} is not a folder", dir.display());
        }
        let path = dir.join(MANIFEST);
        if !path.is_file() || !dir.join("Cargo.toml").is_file() {
            bail!(
                "{} is not a repository from `cargo course assign` (it has no {MANIFEST} and Cargo.toml at its root)",
                dir.display()
            );
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let manifest: Self = toml::from_str(&text)
            .with_context(|| format!("{} is not valid", path.display()))?;
        if manifest.test_count() == 0 {
            bail!("{} lists no spec tests", path.display());
        }
        Ok(manifest)
    }
}
