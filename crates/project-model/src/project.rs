//! The project's layout: where chapters and exercises live, and how their names resolve.
//!
//! A chapter is named `chNN-slug` everywhere (`crates/chNN-slug`, `book/chNN-slug`,
//! `exercises/chNN-slug`). An exercise lives in `exercises/chNN-slug/exMM-slug/` and its package
//! is `chNN-exMM-slug`, the same in `solutions/`.

use crate::manifests::{
    CourseMetadata, package_name, read_course_metadata, summary_chapters,
};
use anyhow::{Result, ensure};
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

mod resolve;
pub use resolve::{closest, resolve_chapter, resolve_exercise};

/// The root of the repository this binary was built from (`crates/project-model/../..`).
pub fn default_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .nth(2)
        .unwrap_or(manifest)
        .to_path_buf()
}

/// The project on disk.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
}

/// One chapter, e.g. `ch01-sequential`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chapter {
    /// `1` for `ch01-sequential`.
    pub number: u32,
    /// The full name, `ch01-sequential`: the package, folder and file name everywhere.
    pub name: String,
}

impl Chapter {
    /// `ch01` for `ch01-sequential`.
    pub fn short(&self) -> String {
        format!("ch{:02}", self.number)
    }

    /// `sequential` for `ch01-sequential`.
    pub fn slug(&self) -> &str {
        self.name.split_once('-').map_or("", |(_, slug)| slug)
    }
}

impl fmt::Display for Chapter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// One exercise, e.g. package `ch01-ex01-timed` in `exercises/ch01-sequential/ex01-timed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exercise {
    /// The chapter folder, `ch01-sequential`.
    pub chapter: String,
    /// The exercise folder, `ex01-timed`.
    pub dir: String,
    /// The package name, `ch01-ex01-timed`.
    pub package: String,
}

impl Exercise {
    /// `ch01-ex01` for `ch01-ex01-timed`.
    pub fn short(&self) -> String {
        short_name(&self.package).to_string()
    }

    /// The starter's folder relative to the root, `exercises/ch01-sequential/ex01-timed`.
    pub fn starter_dir(&self) -> PathBuf {
        Path::new("exercises").join(&self.chapter).join(&self.dir)
    }

    /// The solution's folder relative to the root, `solutions/ch01-sequential/ex01-timed`.
    pub fn solution_dir(&self) -> PathBuf {
        Path::new("solutions").join(&self.chapter).join(&self.dir)
    }
}

impl fmt::Display for Exercise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.package)
    }
}

/// `ch01-ex01` for the exercise package `ch01-ex01-timed`.
pub fn short_name(package: &str) -> &str {
    package
        .match_indices('-')
        .nth(1)
        .map_or(package, |(i, _)| &package[..i])
}

/// Parses `chNN-slug` into its number; `None` for anything else.
pub fn chapter_number(name: &str) -> Option<u32> {
    static NAME: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^ch([0-9]{2})-[a-z0-9-]+$").expect("static regex")
    });
    NAME.captures(name)?[1].parse().ok()
}

/// The names of the folders in `dir`, sorted (none if it cannot be read).
pub fn subdirs(dir: &Path) -> Vec<String> {
    let entries = fs::read_dir(dir).into_iter().flatten().flatten();
    let mut names: Vec<String> = entries
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    names.sort();
    names
}

impl Project {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Project { root: root.into() }
    }

    pub fn path(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.root.join(rel)
    }

    /// Every chapter found in `crates/` or `book/`, in order.
    pub fn chapters(&self) -> Vec<Chapter> {
        let names = ["crates", "book"].map(|dir| subdirs(&self.root.join(dir)));
        let numbered: BTreeSet<(u32, String)> = names
            .into_iter()
            .flatten()
            .filter_map(|name| Some((chapter_number(&name)?, name)))
            .collect();
        let chapter = |(number, name)| Chapter { number, name };
        numbered.into_iter().map(chapter).collect()
    }

    /// Resolves `ch01`, `01`, `1` or `ch01-sequential`.
    pub fn chapter(&self, query: &str) -> Result<Chapter> {
        resolve_chapter(&self.chapters(), query)
    }

    /// The chapters a command runs on: the one named, or all of them.
    pub fn chapters_or_all(&self, query: Option<&str>) -> Result<Vec<Chapter>> {
        if let Some(q) = query {
            return Ok(vec![self.chapter(q)?]);
        }
        let all = self.chapters();
        let crates = self.root.join("crates");
        ensure!(
            !all.is_empty(),
            "no chapters found under {}",
            crates.display()
        );
        Ok(all)
    }

    /// Every exercise in `exercises/`, in order.
    pub fn exercises(&self) -> Result<Vec<Exercise>> {
        let base = self.root.join("exercises");
        let mut out = Vec::new();
        for chapter in subdirs(&base) {
            for dir in subdirs(&base.join(&chapter)) {
                let manifest = base.join(&chapter).join(&dir).join("Cargo.toml");
                if chapter_number(&chapter).is_some() && manifest.is_file() {
                    out.push(Exercise {
                        package: package_name(&manifest)?,
                        chapter: chapter.clone(),
                        dir,
                    });
                }
            }
        }
        Ok(out)
    }

    /// The exercises of one chapter, or all of them.
    pub fn exercises_of(&self, chapter: Option<&Chapter>) -> Result<Vec<Exercise>> {
        let mut all = self.exercises()?;
        all.retain(|e| chapter.is_none_or(|ch| e.chapter == ch.name));
        Ok(all)
    }

    /// Resolves `ch01-ex01` or the package name `ch01-ex01-timed`.
    pub fn exercise(&self, query: &str) -> Result<Exercise> {
        resolve_exercise(&self.exercises()?, query)
    }

    /// The `[package.metadata.course]` table of a chapter crate (empty if absent).
    pub fn course_metadata(&self, chapter: &Chapter) -> Result<CourseMetadata> {
        read_course_metadata(
            &self.path("crates").join(&chapter.name).join("Cargo.toml"),
        )
    }

    /// Chapter titles from `book/SUMMARY.md`, keyed by chapter name.
    pub fn chapter_titles(&self) -> BTreeMap<String, String> {
        let summary =
            fs::read_to_string(self.root.join("book/SUMMARY.md")).unwrap_or_default();
        summary_titles(&summary)
    }
}

/// Maps `chNN-slug` → title from SUMMARY.md entries like `- [Title](chNN-slug/index.md)`.
pub fn summary_titles(summary: &str) -> BTreeMap<String, String> {
    let mut titles = BTreeMap::new();
    for (title, target) in summary_chapters(summary) {
        if let Some(target) = target
            && target.file_name().is_some_and(|f| f == "index.md")
            && let Some(dir) = target.parent().and_then(Path::to_str)
            && chapter_number(dir).is_some()
        {
            titles.entry(dir.to_string()).or_insert(title);
        }
    }
    titles
}

#[cfg(test)]
mod tests;
