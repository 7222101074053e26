//! `cargo course check <exercise>`: run the learner's exercise against its spec and say what to
//! do next.
//!
//! Underneath it is the command the exercise's README gives, `cargo test -p <package>` in
//! `exercises/`, built into the learner's own `exercises/target` (never into `target/nested/`,
//! where `verify` builds the starters, and never into the solutions' directory: see
//! ARCHITECTURE.md, "The shared-target-dir trap"). The build's progress is streamed as it comes; then a summary (see
//! `summary`), the first failing test in the spec's order, and what to do next. cargo's whole
//! output goes to `target/course/check/<package>.txt`, the result into the progress file that
//! `list` reads.

use crate::cargo_json;
use crate::fingerprint;
use crate::hint;
use crate::libtest::cargo;
use crate::libtest::{self, Outcome};
use crate::progress::{Next, Progress, Status, next_after, now_utc};
use crate::project::{Exercise, Project};
use crate::summary::{Summary, spec_source, summarize, summarize_build_failure};
use anyhow::{Result, bail};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// The build of one exercise gets at least this long, whatever `--timeout` says: compiling is
/// not hanging.
const BUILD_LIMIT: Duration = Duration::from_secs(600);

fn test_command(project: &Project, ex: &Exercise, backtrace: bool) -> Command {
    let mut cmd = cargo();
    cmd.current_dir(project.path("exercises"))
        .env("RUST_BACKTRACE", if backtrace { "1" } else { "0" })
        .args(["test", "-p", &ex.package, "--no-fail-fast"])
        .arg("--target-dir")
        .arg(project.path("exercises/target"));
    cmd
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Prints the summary and the advice; returns the line for the exit error, if not done.
fn report(
    project: &Project,
    ex: &Exercise,
    summary: &Summary,
    limit: Duration,
    next: Option<Next>,
    hints_left: Option<usize>,
) -> Option<String> {
    println!();
    let lib = ex.starter_dir().join("src/lib.rs");
    let verdict = match summary.status {
        Status::Passed => {
            println!(
                "{}: all {} pass. Done!",
                ex.package,
                plural(summary.total, "test", "tests")
            );
            match next {
                Some(Next::Exercise(n)) => {
                    println!("Next exercise: cargo course check {}", n.short());
                    let readme = n.starter_dir().join("README.md");
                    if project.path(&readme).is_file() {
                        println!("(the task is in {})", readme.display());
                    }
                }
                Some(Next::ChapterComplete { next: Some(n) }) => {
                    println!("Chapter complete: {}.", ex.chapter);
                    println!(
                        "Next chapter's first exercise: cargo course check {}",
                        n.short()
                    );
                }
                Some(Next::ChapterComplete { next: None }) | None => {
                    println!(
                        "Chapter complete: {}. That was the last exercise of the course.",
                        ex.chapter
                    );
                }
            }
            return None;
        }
        Status::CompileError => {
            println!("{} does not compile:\n", ex.package);
            if let Some(errors) = &summary.detail {
                println!("{}\n", indent(errors));
            }
            println!(
                "Next: fix {} (every error: see the file named below), then run `cargo course check {}` again.",
                lib.display(),
                ex.short()
            );
            "does not compile".to_string()
        }
        Status::TimedOut => {
            println!(
                "{}: the tests did not finish within {} s and were killed: they probably hang.",
                ex.package,
                limit.as_secs()
            );
            println!(
                "Look for a loop that never ends, a thread or child process nobody joins or waits for, or a channel nobody closes."
            );
            if summary.total > 0 {
                println!(
                    "Before that, {} of {} finished tests passed.",
                    summary.passed, summary.total
                );
            }
            println!(
                "Next: edit {}, then run `cargo course check {}` again (`--timeout SECS` to wait longer).",
                lib.display(),
                ex.short()
            );
            format!("the tests were killed after {} s", limit.as_secs())
        }
        Status::Failing => {
            println!(
                "{}: {} of {} pass.",
                ex.package,
                summary.passed,
                plural(summary.total, "test", "tests")
            );
            if let Some(f) = &summary.first_failure {
                match &f.location {
                    Some(at) => println!("First failing test: {} (panicked at {at})", f.test),
                    None => println!("First failing test: {}", f.test),
                }
                if let Some(message) = &f.message {
                    println!("{}", indent(message));
                }
            }
            if let Some(why) = &summary.detail {
                println!("The test run ended early: {why}");
            }
            println!("\nThe tests, in the spec's order:");
            for (name, outcome) in &summary.tests {
                let mark = if *outcome == Outcome::Ok {
                    "ok"
                } else {
                    "FAILED"
                };
                println!("    {mark:6}  {name}");
            }
            println!(
                "\nNext: edit {}, then run `cargo course check {}` again.",
                lib.display(),
                ex.short()
            );
            format!("{} of {} tests pass", summary.passed, summary.total)
        }
    };
    match hints_left {
        Some(0) => println!(
            "You have seen every hint (`cargo course hint {} --all` shows them again).",
            ex.short()
        ),
        Some(n) => println!(
            "Stuck? `cargo course hint {}` shows a hint ({} left).",
            ex.short(),
            plural(n, "hint", "hints")
        ),
        None => {}
    }
    Some(verdict)
}

/// Where `check` keeps cargo's whole output of an exercise's last run.
pub fn output_path(project: &Project, ex: &Exercise) -> PathBuf {
    project.path(format!("target/course/check/{}.txt", ex.package))
}

/// Builds and runs an exercise's tests (in the learner's `exercises/target`), echoing the build's
/// progress through `echo_build` and nothing of the test run; keeps cargo's whole output in
/// [`output_path`] and records the result in the progress file.
pub fn test_exercise(
    project: &Project,
    ex: &Exercise,
    limit: Duration,
    backtrace: bool,
    mut echo_build: impl FnMut(&str),
) -> Result<Summary> {
    let source_hash = fingerprint::source_hash(project, ex)?;
    let mut build = test_command(project, ex, backtrace);
    build.args(["--no-run", "--message-format=json"]);
    // JSON lines are for us; the rest (Compiling ...) is the build's progress.
    let echo = |line: &str| {
        if !line.starts_with('{') {
            echo_build(line);
        }
    };
    let built = libtest::run_streaming(&mut build, limit.max(BUILD_LIMIT), echo)?;
    if built.timed_out() {
        bail!(
            "building {} took longer than {} s; is the machine very busy?",
            ex.package,
            limit.max(BUILD_LIMIT).as_secs()
        );
    }
    let (summary, output) = if built.success() {
        let ran = libtest::run_streaming(&mut test_command(project, ex, backtrace), limit, |_| {})?;
        let spec = spec_source(project, ex);
        (
            summarize(&ran.stdout, ran.status.map(|s| s.success()), &spec),
            ran.stdout,
        )
    } else {
        // Keep it readable: cargo's own lines, then every compiler error as rustc renders it.
        let human: Vec<&str> = built
            .stdout
            .lines()
            .filter(|l| !l.starts_with('{'))
            .collect();
        let errors = cargo_json::Build::parse(&built.stdout)
            .errors_of(&ex.package, usize::MAX)
            .unwrap_or_default();
        (
            summarize_build_failure(&built.stdout, &ex.package),
            format!("{}\n\n{errors}\n", human.join("\n")),
        )
    };
    crate::files::write_atomically(&output_path(project, ex), output)?;

    let path = Progress::path(project);
    let mut progress = Progress::load(&path)?;
    let entry = progress.entry(ex);
    entry.status = Some(summary.status);
    entry.passed = summary.passed;
    entry.total = summary.total;
    entry.checked_at = Some(now_utc());
    entry.source_hash = Some(source_hash);
    progress.save(&path)?;
    Ok(summary)
}

/// `cargo course check <exercise>`: an error (exit status 1) unless every test passes.
pub fn run(project: &Project, query: &str, limit: Duration, backtrace: bool) -> Result<()> {
    let ex = project.exercise(query)?;
    println!(
        "running the tests of {} (cargo test -p {} in exercises/)...",
        ex.package, ex.package
    );
    // The build's "Executable <path>" lines say nothing to a learner.
    let echo_build = |line: &str| {
        if !line.trim_start().starts_with("Executable ") {
            println!("{line}");
        }
    };
    let summary = test_exercise(project, &ex, limit, backtrace, echo_build)?;
    let progress = Progress::load(&Progress::path(project))?;
    let all = project.exercises()?;
    let next = (summary.status == Status::Passed).then(|| next_after(&all, &ex, &progress));
    let hints_left = hint::hints_left(project, &ex, &progress);
    let verdict = report(project, &ex, &summary, limit, next, hints_left);
    if summary.status != Status::Passed {
        let out = output_path(project, &ex);
        println!(
            "(cargo's whole output: {}{})",
            out.strip_prefix(&project.root).unwrap_or(&out).display(),
            if backtrace {
                ""
            } else {
                "; `--backtrace` shows where each panic came from"
            }
        );
    }
    match verdict {
        None => Ok(()),
        Some(verdict) => bail!("{} is not done yet: {verdict}", ex.short()),
    }
}
