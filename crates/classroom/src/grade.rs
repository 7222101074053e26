//! `cargo course grade DIR...`: run the specs of submissions, write a table, CSV and JUnit XML.

use crate::manifest::ClassroomManifest;
use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use testrun::spec::build_specs;

/// Settings of [`grade`].
#[derive(Debug, Clone)]
pub struct GradeOptions {
    /// The watchdog: a spec run (one exercise of one submission) still running after this long
    /// is killed with its whole process tree, and its tests without a result count as failed.
    pub timeout: Duration,
    /// The watchdog of each submission's build.
    pub build_limit: Duration,
    /// Build each submission in `<target_dir>/<submission>` (default: its own `target/`).
    /// Never one folder for all: the submissions have the same package names at the same paths,
    /// and cargo would take one's build for another's.
    pub target_dir: Option<PathBuf>,
    /// Write `grades.md`, `grades.csv` and `grades.xml` (JUnit) into this folder.
    pub out: Option<PathBuf>,
    /// The instructor's export (the folder `assign` wrote): grade each submission with its spec
    /// files, classroom.toml and workflow instead of the submission's own, and name in the
    /// report each submission whose copies of them differ. Without it, the students' own.
    pub template: Option<PathBuf>,
}

impl Default for GradeOptions {
    fn default() -> Self {
        GradeOptions {
            timeout: Duration::from_secs(120),
            build_limit: Duration::from_secs(1800),
            target_dir: None,
            out: None,
            template: None,
        }
    }
}

/// How one spec test of one submission ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It passed: one point.
    Passed,
    /// It failed (or was ignored).
    Failed,
    /// The watchdog killed its spec run before it had a result.
    Hung,
    /// The exercise does not compile.
    NotBuilt,
    /// The spec run ended without a result for it (a crash, or the test is gone).
    NoResult,
}

impl Outcome {
    /// The word in the table.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Passed => "pass",
            Outcome::Failed => "FAIL",
            Outcome::Hung => "hung",
            Outcome::NotBuilt => "no build",
            Outcome::NoResult => "no result",
        }
    }
}

/// One spec test of one submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestGrade {
    pub exercise: String,
    pub test: String,
    pub outcome: Outcome,
    /// Why it failed, in one line (empty if it passed).
    pub message: String,
}

/// One student's submission.
#[derive(Debug, Clone)]
pub struct Submission {
    /// The folder's name.
    pub name: String,
    pub dir: PathBuf,
    pub tests: Vec<TestGrade>,
    /// With a template: its files this submission changed or lacks (`path (changed)`,
    /// `path (missing)`); it was graded with the template's.
    pub differs: Vec<String>,
}

impl Submission {
    pub fn points(&self) -> usize {
        self.tests
            .iter()
            .filter(|t| t.outcome == Outcome::Passed)
            .count()
    }
}

/// The grades of every submission, test by test.
#[derive(Debug, Clone)]
pub struct Report {
    pub chapter: String,
    pub submissions: Vec<Submission>,
    /// The export whose spec files graded every submission, if any.
    pub template: Option<PathBuf>,
}

/// Grades `dirs` (each an exported repository as a student hands it back): builds each, runs
/// each exercise's spec under the watchdog, prints the table (Markdown) on stdout and, with
/// `options.out`, writes it with a CSV and a JUnit XML file.
pub fn grade(dirs: &[PathBuf], options: &GradeOptions) -> Result<Report> {
    let report = grade_quiet(dirs, options)?;
    print!("{}", report.markdown());
    if let Some(out) = &options.out {
        report.write(out)?;
        println!(
            "\nwrote {}, {} and {}",
            out.join("grades.md").display(),
            out.join("grades.csv").display(),
            out.join("grades.xml").display()
        );
    }
    Ok(report)
}

/// [`grade`] without printing the table or writing files (progress goes to stderr).
pub fn grade_quiet(dirs: &[PathBuf], options: &GradeOptions) -> Result<Report> {
    if dirs.is_empty() {
        bail!("name at least one submission folder");
    }
    let reference = match &options.template {
        // The students' classroom.toml are compared with it like the other graded files.
        Some(template) => ClassroomManifest::read(template).with_context(|| {
            format!("reading the template {}", template.display())
        })?,
        None => same_manifest(dirs)?,
    };
    let graded_files = match &options.template {
        Some(template) => template::graded_files(template, &reference)?,
        None => Vec::new(),
    };
    // In the order given; a name twice is an error (the table has a column per name).
    let (mut seen, mut named) = (BTreeMap::new(), Vec::new());
    for dir in dirs {
        let full = dir
            .canonicalize()
            .with_context(|| format!("resolving {}", dir.display()))?;
        let name = full
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if let Some(other) = seen.insert(name.clone(), dir) {
            bail!(
                "two submissions are named {name} ({} and {}): name each folder after its student",
                other.display(),
                dir.display()
            );
        }
        named.push((name, full));
    }
    let mut submissions = Vec::new();
    for (name, dir) in named {
        eprintln!("grading {name} ({})...", dir.display());
        let target = match &options.target_dir {
            Some(t) => t.join(&name),
            None => dir.join("target"),
        };
        // With a template, the copy and its build have a folder of their own: cargo keys a
        // build by paths relative to the workspace, and would take one for the other.
        let (workspace, target, differs) = match &options.template {
            Some(template) => {
                if !dir.join("Cargo.toml").is_file() {
                    bail!(
                        "{} has no Cargo.toml: it is not a submission",
                        dir.display()
                    );
                }
                let copy = target.join("template");
                let differs = template::apply(
                    template,
                    &graded_files,
                    &dir,
                    &copy.join("src"),
                )?;
                if !differs.is_empty() {
                    eprintln!(
                        "{name} differs from the template: {}",
                        differs.join(", ")
                    );
                }
                (copy.join("src"), copy.join("target"), differs)
            }
            None => (dir.clone(), target, Vec::new()),
        };
        let tests = grade_one(&workspace, &target, &reference, options)?;
        submissions.push(Submission {
            name,
            dir,
            tests,
            differs,
        });
    }
    Ok(Report {
        chapter: reference.chapter.clone(),
        submissions,
        template: options.template.clone(),
    })
}

/// Without a template: the classroom.toml of every submission, which must all be the same.
fn same_manifest(dirs: &[PathBuf]) -> Result<ClassroomManifest> {
    let mut manifests = Vec::new();
    for dir in dirs {
        manifests.push(ClassroomManifest::read(dir)?);
    }
    let reference = &manifests[0];
    for (dir, m) in dirs.iter().zip(&manifests).skip(1) {
        if m != reference {
            bail!(
                "{} is not the same assignment as {} (its classroom.toml differs): grade one assignment at a time",
                dir.display(),
                dirs[0].display()
            );
        }
    }
    Ok(manifests.swap_remove(0))
}

/// Builds the specs of the workspace `dir` into `target` and runs each exercise's.
fn grade_one(
    dir: &Path,
    target: &Path,
    manifest: &ClassroomManifest,
    options: &GradeOptions,
) -> Result<Vec<TestGrade>> {
    let packages = manifest.exercises.iter().map(|e| e.package.as_str());
    let (parsed, built) = build_specs(dir, target, packages, options.build_limit)?;
    let build_failed = built.timed_out().then(|| {
        format!(
            "the build was killed by the watchdog after {} s",
            options.build_limit.as_secs()
        )
    });
    let mut grades = Vec::new();
    for e in &manifest.exercises {
        let edir = dir.join(&e.dir);
        let not_built = |message: String| {
            e.tests.iter().map(move |t| TestGrade {
                exercise: e.package.clone(),
                test: t.clone(),
                outcome: Outcome::NotBuilt,
                message: message.clone(),
            })
        };
        let exe = match (&build_failed, parsed.executable(&e.package, "spec")) {
            (Some(why), _) => {
                grades.extend(not_built(why.clone()));
                continue;
            }
            (None, Some(exe)) => exe,
            (None, None) => {
                let why = parsed.errors_of(&e.package, 1).unwrap_or_else(|| {
                    run::first_error(&built.stderr)
                        .unwrap_or_else(|| "it does not build".into())
                });
                grades.extend(not_built(format!("does not compile: {why}")));
                continue;
            }
        };
        mpi::prebuild(&edir, target, &e.package, options.build_limit)?;
        grades.extend(run::run_exercise(
            exe,
            &edir,
            &e.package,
            &e.tests,
            options.timeout,
        )?);
    }
    Ok(grades)
}

mod mpi;
mod run;
mod template;
#[cfg(test)]
mod tests;
