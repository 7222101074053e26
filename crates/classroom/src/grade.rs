//! `cargo course grade DIR...`: run the specs of submissions, write a table, CSV and JUnit XML.

use crate::manifest::ClassroomManifest;
use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use testrun::cargo_json::Build;
use testrun::libtest::{self, Outcome as LibtestOutcome};
use testrun::process::{cargo, run_with_watchdog};

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
    let mut names = BTreeMap::new();
    for dir in dirs {
        let name = dir
            .canonicalize()
            .with_context(|| format!("resolving {}", dir.display()))?
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| dir.display().to_string());
        if let Some(other) = names.insert(name.clone(), dir) {
            bail!(
                "two submissions are named {name} ({} and {}): name each folder after its student",
                other.display(),
                dir.display()
            );
        }
    }
    let mut submissions = Vec::new();
    for dir in dirs {
        let dir = dir.canonicalize()?;
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
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
    let mut build = cargo();
    build
        .current_dir(dir)
        .args([
            "build",
            "--test",
            "spec",
            "--keep-going",
            "--message-format=json",
        ])
        .arg("--target-dir")
        .arg(&target)
        .env_remove("CARGO_TARGET_DIR");
    for e in &manifest.exercises {
        build.args(["-p", &e.package]);
    }
    let built = run_with_watchdog(&mut build, options.build_limit)?;
    let build_failed = built.timed_out().then(|| {
        format!(
            "the build was killed by the watchdog after {} s",
            options.build_limit.as_secs()
        )
    });
    let parsed = Build::parse(&built.stdout);
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
        let run = run_with_watchdog(
            Command::new(exe)
                .current_dir(&edir)
                .env("CARGO_MANIFEST_DIR", &edir)
                .env("RUST_BACKTRACE", "0"),
            options.timeout,
        )?;
        let results: BTreeMap<_, _> = libtest::parse_results(&run.stdout)
            .into_iter()
            .map(|r| (r.name, r.outcome))
            .collect();
        // The first line of each panic message: a grade's message is one line.
        let messages: BTreeMap<_, _> = libtest::failure_messages(&run.stdout)
            .into_iter()
            .filter_map(|(name, m)| Some((name, m.lines().next()?.to_string())))
            .collect();
        for t in &e.tests {
            let (outcome, message) = match (results.get(t), run.status) {
                (Some(LibtestOutcome::Ok), _) => (Outcome::Passed, String::new()),
                (Some(LibtestOutcome::Failed), _) => (
                    Outcome::Failed,
                    messages.get(t).cloned().unwrap_or_else(|| {
                        format!(
                            "failed (its message: cargo test -p {} --test spec)",
                            e.package
                        )
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
                        options.timeout.as_secs()
                    ),
                ),
                (None, Some(status)) => (
                    Outcome::NoResult,
                    format!("no result: the spec ended early ({status})"),
                ),
            };
            grades.push(TestGrade {
                exercise: e.package.clone(),
                test: t.clone(),
                outcome,
                message,
            });
        }
    }
    Ok(grades)
}

fn first_error(stderr: &str) -> Option<String> {
    stderr
        .lines()
        .find(|l| l.starts_with("error"))
        .map(str::to_string)
}

impl Report {
    /// How many tests each submission could pass.
    pub fn max_points(&self) -> usize {
        self.submissions.first().map_or(0, |s| s.tests.len())
    }

    /// The per-test table (one column per student, a points row), then one line per student and
    /// exercise that did not pass, with the first failing test's message.
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        let _ = write!(s, "| {} |", self.chapter);
        for sub in &self.submissions {
            let _ = write!(s, " {} |", sub.name);
        }
        s.push_str("\n|---|");
        s.push_str(&"---|".repeat(self.submissions.len()));
        s.push('\n');
        let Some(first) = self.submissions.first() else {
            return s;
        };
        for (i, t) in first.tests.iter().enumerate() {
            let _ = write!(s, "| {} `{}` |", short(&t.exercise), t.test);
            for sub in &self.submissions {
                let _ = write!(s, " {} |", sub.tests[i].outcome.label());
            }
            s.push('\n');
        }
        s.push_str("| **points** |");
        for sub in &self.submissions {
            let _ = write!(s, " **{}/{}** |", sub.points(), sub.tests.len());
        }
        s.push_str("\n\n");
        for sub in &self.submissions {
            let mut by_exercise: Vec<(&str, usize, &TestGrade)> = Vec::new();
            for t in sub.tests.iter().filter(|t| t.outcome != Outcome::Passed) {
                match by_exercise.iter_mut().find(|(e, _, _)| *e == t.exercise) {
                    Some(entry) => entry.1 += 1,
                    None => by_exercise.push((&t.exercise, 1, t)),
                }
            }
            for (exercise, count, t) in by_exercise {
                let _ = writeln!(
                    s,
                    "- {}, {}: {} of {} not passed; `{}`: {}",
                    sub.name,
                    short(exercise),
                    count,
                    sub.tests.iter().filter(|x| x.exercise == exercise).count(),
                    t.test,
                    t.message
                );
            }
        }
        s
    }

    /// One row per student and test: `student,exercise,test,outcome,points,message`.
    pub fn csv(&self) -> String {
        let mut s = String::from("student,exercise,test,outcome,points,message\n");
        for sub in &self.submissions {
            for t in &sub.tests {
                let points = usize::from(t.outcome == Outcome::Passed);
                let _ = writeln!(
                    s,
                    "{},{},{},{},{},{}",
                    csv_field(&sub.name),
                    csv_field(&t.exercise),
                    csv_field(&t.test),
                    t.outcome.label(),
                    points,
                    csv_field(&t.message)
                );
            }
        }
        s
    }

    /// JUnit XML: one `<testsuite>` per student, one `<testcase>` per spec test; a failed test
    /// has a `<failure>`, a hung, unbuilt or result-less one an `<error>`.
    pub fn junit(&self) -> String {
        let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let total: usize = self.submissions.iter().map(|x| x.tests.len()).sum();
        let count = |o: fn(Outcome) -> bool| -> usize {
            self.submissions
                .iter()
                .flat_map(|x| &x.tests)
                .filter(|t| o(t.outcome))
                .count()
        };
        let failures = count(|o| o == Outcome::Failed);
        let errors = count(|o| !matches!(o, Outcome::Failed | Outcome::Passed));
        let _ = writeln!(
            s,
            "<testsuites name=\"{}\" tests=\"{total}\" failures=\"{failures}\" errors=\"{errors}\">",
            xml(&self.chapter)
        );
        for sub in &self.submissions {
            let f = sub
                .tests
                .iter()
                .filter(|t| t.outcome == Outcome::Failed)
                .count();
            let e = sub
                .tests
                .iter()
                .filter(|t| !matches!(t.outcome, Outcome::Failed | Outcome::Passed))
                .count();
            let _ = writeln!(
                s,
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{f}\" errors=\"{e}\">",
                xml(&sub.name),
                sub.tests.len()
            );
            for t in &sub.tests {
                let _ = write!(
                    s,
                    "    <testcase classname=\"{}.{}\" name=\"{}\"",
                    xml(&sub.name),
                    xml(&t.exercise),
                    xml(&t.test)
                );
                match t.outcome {
                    Outcome::Passed => s.push_str("/>\n"),
                    o => {
                        let tag = if o == Outcome::Failed {
                            "failure"
                        } else {
                            "error"
                        };
                        let _ = writeln!(
                            s,
                            ">\n      <{tag} type=\"{}\" message=\"{}\"/>\n    </testcase>",
                            o.label(),
                            xml(&t.message)
                        );
                    }
                }
            }
            s.push_str("  </testsuite>\n");
        }
        s.push_str("</testsuites>\n");
        s
    }

    /// Writes `grades.md`, `grades.csv` and `grades.xml` into `out` (created if missing).
    pub fn write(&self, out: &Path) -> Result<()> {
        std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
        std::fs::write(out.join("grades.md"), self.markdown())?;
        std::fs::write(out.join("grades.csv"), self.csv())?;
        std::fs::write(out.join("grades.xml"), self.junit())?;
        Ok(())
    }
}

/// `ch01-ex01-timed` → `ch01-ex01`.
fn short(package: &str) -> &str {
    match package.match_indices('-').nth(1) {
        Some((i, _)) => &package[..i],
        None => package,
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn xml(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .fold(String::new(), |mut out, c| {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&apos;"),
                '\n' => out.push_str("&#10;"),
                c => out.push(c),
            }
            out
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        let t = |test: &str, outcome, message: &str| TestGrade {
            exercise: "ch01-ex01-timed".into(),
            test: test.into(),
            outcome,
            message: message.into(),
        };
        Report {
            chapter: "ch01-sequential".into(),
            submissions: vec![
                Submission {
                    name: "alice".into(),
                    dir: PathBuf::new(),
                    tests: vec![t("a", Outcome::Passed, ""), t("b", Outcome::Passed, "")],
                },
                Submission {
                    name: "bob".into(),
                    dir: PathBuf::new(),
                    tests: vec![
                        t("a", Outcome::Failed, "expected \"3\", got <4>, & more"),
                        t("b", Outcome::Hung, "no result"),
                    ],
                },
            ],
        }
    }

    #[test]
    fn the_table_csv_and_junit_agree() {
        let r = report();
        let md = r.markdown();
        assert!(md.contains("| ch01-ex01 `a` | pass | FAIL |"), "{md}");
        assert!(md.contains("| **points** | **2/2** | **0/2** |"), "{md}");
        let csv = r.csv();
        assert!(
            csv.contains("bob,ch01-ex01-timed,a,FAIL,0,\"expected \"\"3\"\", got <4>, & more\""),
            "{csv}"
        );
        let xml = r.junit();
        assert!(
            xml.contains("tests=\"4\" failures=\"1\" errors=\"1\""),
            "{xml}"
        );
        assert!(
            xml.contains("message=\"expected &quot;3&quot;, got &lt;4&gt;, &amp; more\""),
            "{xml}"
        );
    }
}
