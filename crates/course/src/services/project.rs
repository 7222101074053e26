//! The project's layout: where chapters and exercises live, and how their names resolve.
//!
//! A chapter is named `chNN-slug` everywhere (`crates/chNN-slug`, `book/chNN-slug`,
//! `exercises/chNN-slug`). An exercise lives in `exercises/chNN-slug/exMM-slug/` and its package
//! is `chNN-exMM-slug`, the same in `solutions/`.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

/// The root of the repository this binary was built from (`crates/course/../..`).
pub fn default_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| manifest.to_path_buf())
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
        let mut parts = self.package.splitn(3, '-');
        match (parts.next(), parts.next()) {
            (Some(ch), Some(ex)) => format!("{ch}-{ex}"),
            _ => self.package.clone(),
        }
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

/// `[package.metadata.course]` of a chapter crate.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct CourseMetadata {
    /// group → baseline function id.
    #[serde(default)]
    pub baselines: BTreeMap<String, String>,
    /// Example or script names that `capture` skips.
    #[serde(default)]
    pub capture_skip: Vec<String>,
    /// `[package.metadata.course.capture]`: extra runs and skips for `cargo course capture`.
    #[serde(default)]
    pub capture: CaptureMetadata,
    /// `[package.metadata.course.python-bench]`: the CPython scripts `cargo course bench` runs.
    #[serde(default)]
    pub python_bench: PythonBenchMetadata,
}

/// `[package.metadata.course.python-bench]` of a chapter crate.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PythonBenchMetadata {
    /// `python/<script>.py --bench-json`: a path relative to the crate, then its arguments.
    #[serde(default)]
    pub scripts: Vec<String>,
}

/// `[package.metadata.course.capture]` of a chapter crate.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct CaptureMetadata {
    /// Example names or Python script stems that are not run.
    #[serde(default)]
    pub skip: Vec<String>,
    /// Runs beyond the plain release run of each example.
    #[serde(default)]
    pub extra: Vec<ExtraRun>,
}

/// One extra run of an example, written to `output/<name>.txt`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ExtraRun {
    /// The output file's stem, e.g. `ch01-01-sequential.debug`.
    pub name: String,
    /// The example to run.
    pub example: String,
    /// The cargo profile: `release` (the default), `dev`, or any custom profile.
    #[serde(default = "release")]
    pub profile: String,
    /// Arguments passed to the example after `--`.
    #[serde(default)]
    pub args: Vec<String>,
}

fn release() -> String {
    "release".into()
}

/// Parses `chNN-slug` into its number; `None` for anything else.
pub fn chapter_number(name: &str) -> Option<u32> {
    let rest = name.strip_prefix("ch")?;
    let (digits, slug) = rest.split_once('-')?;
    if digits.len() != 2 || !digits.bytes().all(|b| b.is_ascii_digit()) || slug.is_empty() {
        return None;
    }
    if !slug
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return None;
    }
    digits.parse().ok()
}

fn subdirs(dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
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
        let mut found: BTreeMap<(u32, String), Chapter> = BTreeMap::new();
        for dir in ["crates", "book"] {
            for name in subdirs(&self.root.join(dir)) {
                if let Some(number) = chapter_number(&name) {
                    found
                        .entry((number, name.clone()))
                        .or_insert(Chapter { number, name });
                }
            }
        }
        found.into_values().collect()
    }

    /// Resolves `ch01`, `01`, `1` or `ch01-sequential`.
    pub fn chapter(&self, query: &str) -> Result<Chapter> {
        let chapters = self.chapters();
        resolve_chapter(&chapters, query)
    }

    /// The chapters a command runs on: the one named, or all of them.
    pub fn chapters_or_all(&self, query: Option<&str>) -> Result<Vec<Chapter>> {
        match query {
            Some(q) => Ok(vec![self.chapter(q)?]),
            None => {
                let all = self.chapters();
                if all.is_empty() {
                    bail!(
                        "no chapters found under {}",
                        self.root.join("crates").display()
                    );
                }
                Ok(all)
            }
        }
    }

    /// Every exercise in `exercises/`, in order.
    pub fn exercises(&self) -> Result<Vec<Exercise>> {
        let base = self.root.join("exercises");
        let mut out = Vec::new();
        for chapter in subdirs(&base) {
            if chapter_number(&chapter).is_none() {
                continue;
            }
            for dir in subdirs(&base.join(&chapter)) {
                let manifest = base.join(&chapter).join(&dir).join("Cargo.toml");
                if !manifest.is_file() {
                    continue;
                }
                let package = package_name(&manifest)?;
                out.push(Exercise {
                    chapter: chapter.clone(),
                    dir,
                    package,
                });
            }
        }
        Ok(out)
    }

    /// The exercises of one chapter, or all of them.
    pub fn exercises_of(&self, chapter: Option<&Chapter>) -> Result<Vec<Exercise>> {
        let all = self.exercises()?;
        Ok(match chapter {
            Some(ch) => all.into_iter().filter(|e| e.chapter == ch.name).collect(),
            None => all,
        })
    }

    /// Resolves `ch01-ex01` or the package name `ch01-ex01-timed`.
    pub fn exercise(&self, query: &str) -> Result<Exercise> {
        let all = self.exercises()?;
        resolve_exercise(&all, query)
    }

    /// The `[package.metadata.course]` table of a chapter crate (empty if absent).
    pub fn course_metadata(&self, chapter: &Chapter) -> Result<CourseMetadata> {
        let manifest = self
            .root
            .join("crates")
            .join(&chapter.name)
            .join("Cargo.toml");
        if !manifest.is_file() {
            return Ok(CourseMetadata::default());
        }
        let text = fs::read_to_string(&manifest)
            .with_context(|| format!("reading {}", manifest.display()))?;
        parse_course_metadata(&text).with_context(|| format!("in {}", manifest.display()))
    }

    /// Chapter titles from `book/SUMMARY.md`, keyed by chapter name.
    pub fn chapter_titles(&self) -> BTreeMap<String, String> {
        let summary = fs::read_to_string(self.root.join("book/SUMMARY.md")).unwrap_or_default();
        summary_titles(&summary)
    }
}

/// Reads `[package] name` from a manifest.
pub fn package_name(manifest: &Path) -> Result<String> {
    #[derive(Deserialize)]
    struct Manifest {
        package: Package,
    }
    #[derive(Deserialize)]
    struct Package {
        name: String,
    }
    let text =
        fs::read_to_string(manifest).with_context(|| format!("reading {}", manifest.display()))?;
    let parsed: Manifest =
        toml::from_str(&text).with_context(|| format!("parsing {}", manifest.display()))?;
    Ok(parsed.package.name)
}

/// Parses `[package.metadata.course]` out of a manifest's text.
pub fn parse_course_metadata(manifest: &str) -> Result<CourseMetadata> {
    #[derive(Deserialize)]
    struct Manifest {
        package: Option<Package>,
    }
    #[derive(Deserialize)]
    struct Package {
        metadata: Option<Metadata>,
    }
    #[derive(Deserialize)]
    struct Metadata {
        course: Option<CourseMetadata>,
    }
    let parsed: Manifest = toml::from_str(manifest).context("invalid Cargo.toml")?;
    Ok(parsed
        .package
        .and_then(|p| p.metadata)
        .and_then(|m| m.course)
        .unwrap_or_default())
}

/// Resolves a chapter name against a list; the error lists the valid names.
pub fn resolve_chapter(chapters: &[Chapter], query: &str) -> Result<Chapter> {
    let q = query.trim().trim_end_matches('/');
    let digits = q.strip_prefix("ch").unwrap_or(q);
    let number = if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse::<u32>().ok()
    } else {
        None
    };
    let hit = chapters
        .iter()
        .find(|c| c.name == q || Some(c.number) == number);
    match hit {
        Some(c) => Ok(c.clone()),
        None if chapters.is_empty() => {
            bail!("unknown chapter `{query}`: this project has no chapters yet")
        }
        None => {
            let valid: Vec<String> = chapters
                .iter()
                .map(|c| format!("  {} (or {}, {:02})", c.name, c.short(), c.number))
                .collect();
            bail!(
                "unknown chapter `{query}`. Valid chapters:\n{}",
                valid.join("\n")
            )
        }
    }
}

/// Resolves an exercise name against a list; the error lists the valid names.
pub fn resolve_exercise(exercises: &[Exercise], query: &str) -> Result<Exercise> {
    let q = query.trim().trim_end_matches('/');
    let hit = exercises
        .iter()
        .find(|e| e.package == q || e.short() == q || format!("{}/{}", e.chapter, e.dir) == q);
    match hit {
        Some(e) => Ok(e.clone()),
        None if exercises.is_empty() => {
            bail!("unknown exercise `{query}`: this project has no exercises yet")
        }
        None => {
            let valid: Vec<String> = exercises
                .iter()
                .map(|e| format!("  {} (or {})", e.package, e.short()))
                .collect();
            let names = exercises
                .iter()
                .flat_map(|e| [e.short(), e.package.clone()]);
            let suggestion = closest(q, names)
                .map(|n| format!(" Did you mean {n}?"))
                .unwrap_or_default();
            bail!(
                "unknown exercise `{query}`.{suggestion} Valid exercises:\n{}",
                valid.join("\n")
            )
        }
    }
}

/// The name closest to `query` by edit distance, if it is close enough to be a typo (at most
/// 2 edits, or a third of the name's length).
pub fn closest(query: &str, names: impl IntoIterator<Item = String>) -> Option<String> {
    names
        .into_iter()
        .map(|n| (strsim::levenshtein(query, &n), n))
        .filter(|(d, n)| *d > 0 && *d <= 2.max(n.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

/// The top-level chapters of SUMMARY.md (parsed by mdBook's own parser), as `(title, target)`;
/// `target` is `None` for a draft (`- [Title]()`). A SUMMARY.md that does not parse has none.
pub fn summary_chapters(summary: &str) -> Vec<(String, Option<PathBuf>)> {
    let Ok(parsed) = mdbook_summary::parse_summary(summary) else {
        return Vec::new();
    };
    parsed
        .numbered_chapters
        .into_iter()
        .filter_map(|item| match item {
            mdbook_summary::SummaryItem::Link(link) => Some((link.name, link.location)),
            _ => None,
        })
        .collect()
}

/// Maps `chNN-slug` → title from SUMMARY.md entries like `- [Title](chNN-slug/index.md)`.
pub fn summary_titles(summary: &str) -> BTreeMap<String, String> {
    let mut titles = BTreeMap::new();
    for (title, target) in summary_chapters(summary) {
        let Some(target) = target else { continue };
        if target.file_name().is_some_and(|f| f == "index.md")
            && let Some(dir) = target.parent().and_then(Path::to_str)
            && chapter_number(dir).is_some()
        {
            titles.entry(dir.to_string()).or_insert(title);
        }
    }
    titles
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ch(number: u32, name: &str) -> Chapter {
        Chapter {
            number,
            name: name.into(),
        }
    }

    fn ex(chapter: &str, dir: &str, package: &str) -> Exercise {
        Exercise {
            chapter: chapter.into(),
            dir: dir.into(),
            package: package.into(),
        }
    }

    #[test]
    fn chapter_numbers() {
        assert_eq!(chapter_number("ch01-sequential"), Some(1));
        assert_eq!(chapter_number("ch12-process-trait"), Some(12));
        assert_eq!(chapter_number("ch1-x"), None);
        assert_eq!(chapter_number("workloads"), None);
        assert_eq!(chapter_number("ch01-"), None);
        assert_eq!(chapter_number("ch01-Upper"), None);
    }

    #[test]
    fn chapter_names_resolve_in_every_accepted_form() {
        let chapters = [ch(1, "ch01-sequential"), ch(2, "ch02-threads")];
        for q in ["ch02", "02", "2", "ch02-threads", "ch02-threads/"] {
            assert_eq!(
                resolve_chapter(&chapters, q).unwrap().name,
                "ch02-threads",
                "{q}"
            );
        }
    }

    #[test]
    fn unknown_chapter_lists_valid_names() {
        let chapters = [ch(1, "ch01-sequential"), ch(2, "ch02-threads")];
        let err = resolve_chapter(&chapters, "ch09").unwrap_err().to_string();
        assert!(err.contains("unknown chapter `ch09`"), "{err}");
        assert!(err.contains("ch01-sequential (or ch01, 01)"), "{err}");
        assert!(err.contains("ch02-threads"), "{err}");
        let err = resolve_chapter(&chapters, "ch02-thread")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown chapter"), "{err}");
        let err = resolve_chapter(&[], "ch01").unwrap_err().to_string();
        assert!(err.contains("no chapters"), "{err}");
    }

    #[test]
    fn exercise_names_resolve_and_errors_list_valid_names() {
        let all = [
            ex("ch01-sequential", "ex01-timed", "ch01-ex01-timed"),
            ex("ch01-sequential", "ex02-makespan", "ch01-ex02-makespan"),
        ];
        assert_eq!(
            resolve_exercise(&all, "ch01-ex02").unwrap().dir,
            "ex02-makespan"
        );
        assert_eq!(
            resolve_exercise(&all, "ch01-ex01-timed").unwrap().dir,
            "ex01-timed"
        );
        let err = resolve_exercise(&all, "ch01-ex1").unwrap_err().to_string();
        assert!(err.contains("Did you mean ch01-ex01?"), "{err}");
        let err = resolve_exercise(&all, "ch01-ex02-makspan")
            .unwrap_err()
            .to_string();
        assert!(err.contains("Did you mean ch01-ex02-makespan?"), "{err}");
        let err = resolve_exercise(&all, "hello").unwrap_err().to_string();
        assert!(!err.contains("Did you mean"), "{err}");
        let err = resolve_exercise(&all, "ch01-ex03").unwrap_err().to_string();
        assert!(err.contains("unknown exercise `ch01-ex03`"), "{err}");
        assert!(err.contains("ch01-ex01-timed (or ch01-ex01)"), "{err}");
        assert!(err.contains("ch01-ex02-makespan"), "{err}");
    }

    #[test]
    fn course_metadata_parses_baselines_and_skips() {
        let meta = parse_course_metadata(
            r#"
            [package]
            name = "ch02-threads"
            [package.metadata.course]
            capture-skip = ["ch02-09-slow"]
            [package.metadata.course.baselines]
            "start-join" = "thread"
            "#,
        )
        .unwrap();
        assert_eq!(meta.baselines["start-join"], "thread");
        assert_eq!(meta.capture_skip, ["ch02-09-slow"]);
        let none = parse_course_metadata("[package]\nname = \"x\"\n").unwrap();
        assert!(none.baselines.is_empty());
        assert!(none.python_bench.scripts.is_empty());
    }

    #[test]
    fn course_metadata_parses_python_bench_scripts() {
        let meta = parse_course_metadata(
            r#"
            [package]
            name = "ch04-pools"
            [package.metadata.course.python-bench]
            scripts = ["python/round_trip.py --bench-json"]
            "#,
        )
        .unwrap();
        assert_eq!(
            meta.python_bench.scripts,
            ["python/round_trip.py --bench-json"]
        );
        let err = parse_course_metadata(
            "[package]\nname = \"x\"\n[package.metadata.course.python-bench]\nscript = []\n",
        )
        .unwrap_err();
        assert!(
            format!("{err:#}").contains("unknown field `script`"),
            "{err:#}"
        );
    }

    #[test]
    fn titles_come_from_summary() {
        let titles = summary_titles(
            "# Summary\n- [Sequential: the honest baseline](ch01-sequential/index.md)\n  - [The Rust version](ch01-sequential/rust.md)\n- [Starmap]()\n",
        );
        assert_eq!(titles["ch01-sequential"], "Sequential: the honest baseline");
        assert_eq!(titles.len(), 1);
    }
}
