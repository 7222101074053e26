//! `cargo course grade DIR...`: run the specs of submissions, write a table, CSV and JUnit XML.

use crate::manifest::ClassroomManifest;
use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use testrun::libtest::{self, Outcome as LibtestOutcome};
use testrun::process::run_with_watchdog;
use testrun::spec::{build_specs, spec_command};

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
}

impl Default for GradeOptions {
    fn default() -> Self {
        GradeOptions {
            timeout: Duration::from_secs(120),
            build_limit: Duration::from_secs(1800),
            target_dir: None,
            out: None,
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
        let tests = grade_one(&dir, &name, reference, options)?;
        submissions.push(Submission { name, dir, tests });
    }
    Ok(Report {
        chapter: reference.chapter.clone(),
        submissions,
    })
}

fn grade_one(
    dir: &Path,
    name: &str,
    manifest: &ClassroomManifest,
    options: &GradeOptions,
) -> Result<Vec<TestGrade>> {
    let target = match &options.target_dir {
        Some(t) => t.join(name),
        None => dir.join("target"),
    };
    let packages = manifest.exercises.iter().map(|e| e.package.as_str());
    let (parsed, built) = build_specs(dir, &target, packages, options.build_limit)?;
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
                    first_error(&built.stderr).unwrap_or_else(|| "it does not build".into())
                });
                grades.extend(not_built(format!("does not compile: {why}")));
                continue;
            }
        };
        grades.extend(run_exercise(
            exe,
            &edir,
            &e.package,
            &e.tests,
            options.timeout,
        )?);
    }
    Ok(grades)
}

/// The start of the message of a test that `support::fork`'s runner did not run because a
/// test before it hung ("not run: test X hung before it; fix that first").
const NOT_RUN: &str = "not run: ";

/// Runs the spec of one exercise (its executable `exe`, in its folder `dir`) under the
/// watchdog and grades each of `tests`. A test the spec did not run because one before it hung
/// (the fork harness stops there) is run again alone (`--exact`), as the GitHub Classroom
/// workflow runs every test, so both give the same grade.
fn run_exercise(
    exe: &Path,
    dir: &Path,
    package: &str,
    tests: &[String],
    timeout: Duration,
) -> Result<Vec<TestGrade>> {
    let mut grades = run_spec(exe, dir, package, tests, None, timeout)?;
    for grade in &mut grades {
        if grade.outcome == Outcome::Failed && grade.message.starts_with(NOT_RUN) {
            let alone = std::slice::from_ref(&grade.test);
            if let Some(again) =
                run_spec(exe, dir, package, alone, Some(&grade.test), timeout)?.pop()
            {
                *grade = again;
            }
        }
    }
    Ok(grades)
}

/// One run of a spec under the watchdog (only the test `exact`, if given), graded.
fn run_spec(
    exe: &Path,
    dir: &Path,
    package: &str,
    tests: &[String],
    exact: Option<&str>,
    timeout: Duration,
) -> Result<Vec<TestGrade>> {
    let mut cmd = spec_command(exe, dir);
    cmd.env("RUST_BACKTRACE", "0");
    if let Some(test) = exact {
        cmd.args(["--exact", test]);
    }
    let run = run_with_watchdog(&mut cmd, timeout)?;
    let results: BTreeMap<_, _> = libtest::parse_results(&run.stdout)
        .into_iter()
        .map(|r| (r.name, r.outcome))
        .collect();
    // The first line of each panic message: a grade's message is one line.
    let messages: BTreeMap<_, _> = libtest::failure_messages(&run.stdout)
        .into_iter()
        .filter_map(|(name, m)| Some((name, m.lines().next()?.to_string())))
        .collect();
    let mut grades = Vec::new();
    for t in tests {
        let (outcome, message) = match (results.get(t), run.status) {
            (Some(LibtestOutcome::Ok), _) => (Outcome::Passed, String::new()),
            (Some(LibtestOutcome::Failed), _) => (
                Outcome::Failed,
                messages.get(t).cloned().unwrap_or_else(|| {
                    format!("failed (its message: cargo test -p {package} --test spec)")
                }),
            ),
            (Some(LibtestOutcome::Ignored), _) => (
                Outcome::Failed,
                "ignored (#[ignore] counts as failed)".into(),
            ),
            (None, None) => (
                Outcome::Hung,
                format!(
                    "no result when the watchdog killed the spec after {} s: it hung, or waited behind a test that did",
                    timeout.as_secs()
                ),
            ),
            (None, Some(status)) => (
                Outcome::NoResult,
                format!("no result: the spec ended early ({status})"),
            ),
        };
        grades.push(TestGrade {
            exercise: package.to_string(),
            test: t.clone(),
            outcome,
            message,
        });
    }
    Ok(grades)
}

fn first_error(stderr: &str) -> Option<String> {
    stderr
        .lines()
        .find(|l| l.starts_with("error"))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A spec on `support::fork`'s runner stops after a hung test and reports the later ones
    /// "not run". Alone (as the GitHub Classroom workflow runs each test, `--exact`), the
    /// second passes: the grade must not take a point for a test that never ran.
    #[test]
    fn a_test_not_run_behind_a_hung_one_is_graded_alone() {
        let dir = tempfile::tempdir().unwrap();
        let exe = dir.path().join("spec");
        std::fs::write(
            &exe,
            r#"#!/bin/sh
if [ "$1" = "--exact" ]; then
    printf '\nrunning 1 test\n'
    if [ "$2" = "hangs" ]; then
        printf 'test hangs ... FAILED\n\nfailures:\n\n---- hangs ----\nthe test did not finish within 10s: it probably hangs (killed).\n\n\nfailures:\n    hangs\n\ntest result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 2 filtered out; finished in 10.00s\n\n'
        exit 101
    fi
    printf 'test %s ... ok\n\ntest result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 2 filtered out; finished in 0.01s\n\n' "$2"
    exit 0
fi
cat <<'END'

running 3 tests
test hangs  ... FAILED
test second ... FAILED
test third  ... FAILED

failures:

---- hangs ----
the test did not finish within 10s: it probably hangs (killed).

---- second ----
not run: test hangs hung before it; fix that first

---- third ----
not run: test hangs hung before it; fix that first


failures:
    hangs
    second
    third

test result: FAILED. 0 passed; 3 failed; 0 ignored; 0 measured; 0 filtered out; finished in 10.00s

END
exit 101
"#,
        )
        .unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        let tests = ["hangs", "second", "third"].map(String::from);
        let grades = run_exercise(&exe, dir.path(), "ex", &tests, Duration::from_secs(30)).unwrap();
        let got: Vec<_> = grades
            .iter()
            .map(|g| (g.test.as_str(), g.outcome))
            .collect();
        assert_eq!(
            got,
            [
                ("hangs", Outcome::Failed),
                ("second", Outcome::Passed),
                ("third", Outcome::Passed)
            ],
            "{grades:#?}"
        );
        assert!(grades[0].message.contains("did not finish"), "{grades:#?}");
    }
}
