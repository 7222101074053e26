//! `cargo course check <exercise>`: run the learner's exercise against its spec (see
//! `services::exercise_check`), streaming the build's progress, then say how many tests pass, why
//! the first failing one (in the spec's order) fails, and what to do next.

use crate::services::exercise_check::{output_path, test_exercise};
use crate::services::fingerprint;
use crate::services::hints;
use crate::services::progress::{Next, Progress, Status, next_after};
use crate::services::project::{Exercise, Project};
use crate::services::spec::NOTE;
use crate::services::summary::{Mark, Summary};
use crate::services::units::indent;
use anyhow::{Result, bail};
use std::time::Duration;

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What the spec wrote about how it ran (chapter 09: whether the ranks ran under mpirun), each
/// note once, as the spec wrote it.
fn print_notes(summary: &Summary) {
    for note in &summary.notes {
        println!("{NOTE}{note}");
    }
}

/// After a pass: what to do next. A pass recorded for another exercise counts only while its
/// files are those it passed with (the learner may have edited it since, or reset it); those
/// of this chapter that changed are named.
fn print_next(project: &Project, ex: &Exercise, progress: &Progress) -> Result<()> {
    let all = project.exercises()?;
    let (progress, changed) = fingerprint::as_of_now(project, &all, progress)?;
    let changed: Vec<String> = changed
        .iter()
        .filter(|e| e.chapter == ex.chapter && *e != ex)
        .map(|e| e.short())
        .collect();
    if !changed.is_empty() {
        let (they, them) = if changed.len() == 1 {
            ("it", "it")
        } else {
            ("they", "them")
        };
        println!(
            "Changed since {they} passed: {} (`cargo course list` checks {them} again).",
            changed.join(", ")
        );
    }
    match next_after(&all, ex, &progress) {
        Next::Exercise(n) => {
            println!("Next exercise: cargo course check {}", n.short());
            let readme = n.starter_dir().join("README.md");
            if project.path(&readme).is_file() {
                println!("(the task is in {})", readme.display());
            }
        }
        Next::ChapterComplete { next: Some(n) } => {
            println!("Chapter complete: {}.", ex.chapter);
            println!(
                "Next chapter's first exercise: cargo course check {}",
                n.short()
            );
        }
        Next::ChapterComplete { next: None } => println!(
            "Chapter complete: {}. That was the last exercise of the course.",
            ex.chapter
        ),
    }
    Ok(())
}

/// `cargo course check <exercise>`: an error (exit status 1) unless every test passes.
pub fn run(
    project: &Project,
    query: &str,
    limit: Duration,
    backtrace: bool,
) -> Result<()> {
    let ex = project.exercise(query)?;
    let (pkg, short, secs) = (&ex.package, ex.short(), limit.as_secs());
    println!("running the tests of {pkg} (cargo test -p {pkg} in exercises/)...");
    let summary =
        test_exercise(project, &ex, limit, backtrace, |line| println!("{line}"))?;
    let progress = Progress::load(&Progress::path(project))?;
    let (passed, total) = (summary.passed, summary.total);
    let tests = plural(total, "test", "tests");
    let lib = ex.starter_dir().join("src/lib.rs");
    let lib = lib.display();
    println!();
    let verdict = match summary.status {
        Status::Passed => {
            println!("{pkg}: all {tests} pass. Done!");
            print_notes(&summary);
            print_next(project, &ex, &progress)?;
            return Ok(());
        }
        Status::CompileError => {
            println!("{pkg} does not compile:\n");
            if let Some(errors) = &summary.detail {
                println!("{}\n", indent(errors, 4));
            }
            println!(
                "Next: fix {lib} (every error: see the file named below), then run `cargo course check {short}` again."
            );
            "does not compile".to_string()
        }
        Status::TimedOut => {
            println!(
                "{pkg}: the tests did not finish within {secs} s and were killed: they probably hang."
            );
            println!(
                "Look for a loop that never ends, a thread or child process nobody joins or waits for, or a channel nobody closes."
            );
            if total > 0 {
                println!("Before that, {passed} of {total} finished tests passed.");
            }
            print_notes(&summary);
            println!(
                "Next: edit {lib}, then run `cargo course check {short}` again (`--timeout SECS` to wait longer)."
            );
            format!("the tests were killed after {secs} s")
        }
        Status::Failing => {
            let not_run = match summary.count(Mark::NotRun) {
                0 => String::new(),
                n => format!("; {n} not run (a test before them hung)"),
            };
            println!("{pkg}: {passed} of {tests} pass{not_run}.");
            if let Some(f) = &summary.first_failure {
                let at = f.location.as_ref().map(|at| format!(" (panicked at {at})"));
                println!("First failing test: {}{}", f.test, at.unwrap_or_default());
                if let Some(message) = &f.message {
                    println!("{}", indent(message, 4));
                }
            }
            if let Some(why) = &summary.detail {
                println!("The test run ended early: {why}");
            }
            println!("\nThe tests, in the spec's order:");
            let width = summary.tests.iter().map(|t| t.1.label().len()).max();
            for (name, mark) in &summary.tests {
                println!("    {:w$}  {name}", mark.label(), w = width.unwrap_or(0));
            }
            print_notes(&summary);
            println!(
                "\nNext: edit {lib}, then run `cargo course check {short}` again."
            );
            format!("{passed} of {total} tests pass")
        }
    };
    match hints::hints_left(project, &ex, &progress) {
        Some(0) => println!(
            "You have seen every hint (`cargo course hint {short} --all` shows them again)."
        ),
        Some(n) => println!(
            "Stuck? `cargo course hint {short}` shows a hint ({} left).",
            plural(n, "hint", "hints")
        ),
        None => {}
    }
    let out = output_path(project, &ex);
    let out = out.strip_prefix(&project.root).unwrap_or(&out).display();
    let tip = if backtrace {
        ""
    } else {
        "; `--backtrace` shows where each panic came from"
    };
    println!("(cargo's whole output: {out}{tip})");
    bail!("{short} is not done yet: {verdict}")
}
