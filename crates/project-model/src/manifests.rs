//! What the tool reads from manifests: a package's name and the `[package.metadata.course]`
//! table of a chapter's Cargo.toml (with `toml`), and the chapters of `book/SUMMARY.md` (with
//! mdBook's own parser).

use anyhow::{Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// `[package.metadata.course]` of a chapter crate.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct CourseMetadata {
    /// group → baseline function id.
    pub baselines: BTreeMap<String, String>,
    /// Example or script names that `capture` skips.
    pub capture_skip: Vec<String>,
    /// `[package.metadata.course.capture]`: extra runs and skips for `cargo course capture`.
    pub capture: CaptureMetadata,
    /// `[package.metadata.course.python-bench]`: the CPython scripts `cargo course bench` runs.
    pub python_bench: PythonBenchMetadata,
}

/// `[package.metadata.course.python-bench]` of a chapter crate.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields, default)]
pub struct PythonBenchMetadata {
    /// `python/<script>.py --bench-json`: a path relative to the crate, then its arguments.
    pub scripts: Vec<String>,
}

/// `[package.metadata.course.capture]` of a chapter crate.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields, default)]
pub struct CaptureMetadata {
    /// Example names or Python script stems that are not run.
    pub skip: Vec<String>,
    /// Runs beyond the plain release run of each example.
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

/// What the tool reads of a manifest: `[package] name` and `[package.metadata.course]`.
#[derive(Deserialize)]
struct Manifest {
    package: Package,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    #[serde(default)]
    metadata: Metadata,
}

#[derive(Default, Deserialize)]
struct Metadata {
    #[serde(default)]
    course: CourseMetadata,
}

/// Reads `[package] name` from a manifest.
pub fn package_name(manifest: &Path) -> Result<String> {
    let text = fs::read_to_string(manifest)
        .with_context(|| format!("reading {}", manifest.display()))?;
    let parsed: Manifest = toml::from_str(&text)
        .with_context(|| format!("parsing {}", manifest.display()))?;
    Ok(parsed.package.name)
}

/// The `[package.metadata.course]` table of the manifest at `path` (empty if there is none).
pub fn read_course_metadata(path: &Path) -> Result<CourseMetadata> {
    if !path.is_file() {
        return Ok(CourseMetadata::default());
    }
    let text = fs::read_to_string(path)
        .with_context(|| format!("reading {}", path.display()))?;
    parse_course_metadata(&text).with_context(|| format!("in {}", path.display()))
}

/// Parses `[package.metadata.course]` out of a manifest's text.
pub fn parse_course_metadata(manifest: &str) -> Result<CourseMetadata> {
    let parsed: Manifest = toml::from_str(manifest).context("invalid Cargo.toml")?;
    Ok(parsed.package.metadata.course)
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
            mdbook_summary::SummaryItem::Link(link) => {
                Some((link.name, link.location))
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
