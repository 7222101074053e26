//! `cargo course assign chNN --out DIR`: a standalone repository for one chapter.

use crate::export::{crate_closure, export_files, workspace_manifest};
use crate::handout::{chapter_title, readme, workflow_yaml};
use crate::html;
use crate::lock;
use crate::manifest::{ClassroomManifest, ExerciseTests};
use anyhow::{Context, Result, bail};
use project_model::project::Project;
use std::path::{Path, PathBuf};
use std::time::Duration;
use testrun::cargo_json::tail;
use testrun::libtest::parse_list;
use testrun::process::{cargo, run_with_watchdog};
use testrun::spec::{build_specs, spec_command};

/// Settings of [`assign`] beyond the chapter and the folder.
#[derive(Debug, Clone)]
pub struct AssignOptions {
    /// Where to build the exported specs to list their tests (default:
    /// `<root>/target/classroom`).
    pub target_dir: Option<PathBuf>,
    /// Build the book with `cargo run -p course -- build --no-test` when `target/book` does not
    /// hold the chapter (otherwise: an error that says to run `cargo course build`).
    pub build_book: bool,
    /// Kill the build of the exported specs after this long.
    pub build_limit: Duration,
}

impl Default for AssignOptions {
    fn default() -> Self {
        AssignOptions {
            target_dir: None,
            build_book: true,
            build_limit: Duration::from_secs(1800),
        }
    }
}

/// What [`assign`] wrote.
#[derive(Debug, Clone)]
pub struct Assignment {
    /// The exported repository.
    pub dir: PathBuf,
    /// Its chapter and spec tests (also in its `classroom.toml`).
    pub manifest: ClassroomManifest,
}

/// Writes a standalone repository for `chapter` (`ch01`, `01` or `ch01-sequential`) of the
/// project at `root` into `out`, which must not exist or be empty.
///
/// Files come from the last commit (`git archive HEAD`) when `root` is a git repository, so
/// that an exercise someone solved in this copy is never handed out solved; from the folders
/// otherwise. The book's pages come from `target/book`.
pub fn assign(
    root: &Path,
    chapter: &str,
    out: &Path,
    options: &AssignOptions,
) -> Result<Assignment> {
    let project = Project::new(root);
    let chapter = project.chapter(chapter)?;
    let slug = chapter.name.clone();
    let starters = project.exercises_of(Some(&chapter))?;
    if starters.is_empty() {
        bail!("chapter {slug} has no exercises");
    }
    let exercise_members: Vec<String> = starters
        .iter()
        .map(|e| e.starter_dir().display().to_string())
        .collect();
    if out.exists() {
        let empty = out.is_dir()
            && std::fs::read_dir(out)
                .with_context(|| format!("reading {}", out.display()))?
                .next()
                .is_none();
        if !empty {
            bail!(
                "{} exists and is not empty: name a new folder (assign never overwrites)",
                out.display()
            );
        }
    }
    let book = root.join("target/book");
    if !book.join(&slug).join("index.html").is_file() {
        if !options.build_book {
            bail!(
                "the book is not built ({} is missing): run `cargo course build` first",
                book.join(&slug).join("index.html").display()
            );
        }
        eprintln!(
            "the book is not built: building it (cargo run -p course -- build --no-test)..."
        );
        let status = cargo()
            .current_dir(root)
            .args(["run", "-q", "-p", "course", "--", "build", "--no-test"])
            .status()
            .context("running cargo")?;
        if !status.success() {
            bail!(
                "building the book failed ({status}): run `cargo course build` and read its errors"
            );
        }
    }
    std::fs::create_dir_all(out)
        .with_context(|| format!("creating {}", out.display()))?;
    let out = out
        .canonicalize()
        .with_context(|| format!("resolving {}", out.display()))?;

    // The chapter's crate and every crate of this workspace it needs, then support.
    let crates = crate_closure(root, &slug)?;
    let mut paths: Vec<String> =
        crates.iter().map(|c| format!("crates/{c}")).collect();
    paths.push("exercises/support".into());
    paths.push(format!("exercises/{slug}"));
    paths.push(format!("book/{slug}"));
    for ext in ["md", "svg", "txt"] {
        let bench = format!("book/bench/{slug}.{ext}");
        if root.join(&bench).is_file() {
            paths.push(bench);
        }
    }
    export_files(root, &paths, &out)?;

    let members: Vec<String> = paths
        .iter()
        .filter(|p| p.starts_with("crates/") || *p == "exercises/support")
        .chain(&exercise_members)
        .cloned()
        .collect();
    std::fs::write(
        out.join("Cargo.toml"),
        workspace_manifest(root, &slug, &crates, &members, &exercise_members)?,
    )?;
    std::fs::write(
        out.join("Cargo.lock"),
        lock::merge(&[&root.join("Cargo.lock"), &root.join("exercises/Cargo.lock")])?,
    )?;
    std::fs::write(out.join(".gitignore"), "/target/\n")?;
    html::copy_chapter(&book, &slug, &out.join("book/html"))?;

    // Build the specs once: lists their tests, proves the export compiles, finishes Cargo.lock.
    let target = options
        .target_dir
        .clone()
        .unwrap_or_else(|| root.join("target/classroom"));
    eprintln!(
        "building the exported specs (target dir {})...",
        target.display()
    );
    let packages = starters.iter().map(|e| e.package.as_str());
    let (built, done) = build_specs(&out, &target, packages, options.build_limit)?;
    if !done.success() {
        bail!(
            "the exported repository does not build ({}):\n{}",
            done.status
                .map(|s| s.to_string())
                .unwrap_or_else(|| "killed by the watchdog".into()),
            tail(&done.stderr, 30)
        );
    }
    let mut exercises = Vec::new();
    for (e, m) in starters.iter().zip(&exercise_members) {
        let dir = out.join(m);
        let package = e.package.clone();
        let exe = built
            .executable(&package, "spec")
            .with_context(|| format!("cargo built no `spec` test for {package}"))?;
        let listed = run_with_watchdog(
            spec_command(exe, &dir).arg("--list"),
            Duration::from_secs(60),
        )?;
        let tests = parse_list(&listed.stdout);
        if tests.is_empty() {
            bail!("the spec of {package} lists no tests:\n{}", listed.stdout);
        }
        exercises.push(ExerciseTests {
            package,
            dir: m.clone(),
            tests,
        });
    }
    let manifest = ClassroomManifest {
        chapter: slug.clone(),
        exercises,
    };
    manifest.write(&out)?;
    let title = chapter_title(&out.join("book").join(&slug).join("index.md"));
    std::fs::write(
        out.join("README.md"),
        readme(&slug, &title, &manifest, &out),
    )?;
    let workflow = out.join(".github/workflows/classroom.yml");
    std::fs::create_dir_all(workflow.parent().unwrap_or(&out))?;
    std::fs::write(&workflow, workflow_yaml(&manifest))?;
    let assignment = Assignment { dir: out, manifest };
    println!("{}", assignment.summary());
    Ok(assignment)
}

impl Assignment {
    /// What was written, in a few lines (what `cargo course assign` prints).
    pub fn summary(&self) -> String {
        let mut s = format!(
            "wrote {} for {}: {} exercises, {} spec tests (one point each)\n",
            self.dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            self.manifest.chapter,
            self.manifest.exercises.len(),
            self.manifest.test_count()
        );
        for e in &self.manifest.exercises {
            s.push_str(&format!(
                "  {:<24} {:>2} tests  {}\n",
                e.package,
                e.tests.len(),
                e.dir
            ));
        }
        s.push_str(
            "  README.md, classroom.toml, .github/workflows/classroom.yml, book/html/index.html",
        );
        s
    }
}
