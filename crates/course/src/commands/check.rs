//! `cargo course check <exercise>`: run the learner's exercise against its spec (see
//! `services::exercise_check`), streaming the build's progress, then say how many tests pass, why
//! the first failing one (in the spec's order) fails, and what to do next.

use crate::services::exercise_check::{output_path, test_exercise};
use crate::services::hints;
use crate::services::libtest::Outcome;
use crate::services::progress::{Next, Progress, Status, next_after};
use crate::services::project::{Exercise, Project};
use crate::services::summary::Summary;
use crate::services::units::indent;
use anyhow::{Result, bail};
use std::time::Duration;

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
                println!("{}\n", indent(errors, 4));
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
                    println!("{}", indent(message, 4));
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
    let hints_left = hints::hints_left(project, &ex, &progress);
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
