//! `cargo course verify [chapter]`: every spec test fails on its starter and passes on its
//! solution (see `services::spec`).

use crate::services::project::Project;
use crate::services::spec::{Side, judge, notes, run_side};
use anyhow::{Result, bail};
use std::time::Duration;

/// `cargo course verify [chapter]`. Returns an error (non-zero exit) on any violation.
pub fn run(project: &Project, chapter: Option<&str>, limit: Duration) -> Result<()> {
    let chapter = chapter.map(|c| project.chapter(c)).transpose()?;
    let exercises = project.exercises_of(chapter.as_ref())?;
    if exercises.is_empty() {
        bail!(
            "no exercises found{}",
            chapter.map(|c| format!(" for {c}")).unwrap_or_default()
        );
    }
    let starters = run_side(project, &exercises, Side::Starter, limit)?;
    let solutions = run_side(project, &exercises, Side::Solution, limit)?;
    let (mut passed, mut failed, mut bad_exercises) = (0, 0, 0);
    let width = exercises.iter().map(|e| e.package.len()).max().unwrap_or(0);
    for (ex, (starter, solution)) in exercises.iter().zip(starters.zip(solutions)) {
        let (starter, solution) = (starter?, solution?);
        let verdict = judge(&starter, &solution, limit);
        passed += verdict.passed.len();
        failed += verdict.failed;
        if verdict.problems.is_empty() {
            let n = verdict.passed.len();
            let s = if n == 1 { "" } else { "s" };
            println!(
                "ok   {:width$}  {n} test{s}: fail on starter, pass on solution",
                ex.package
            );
        } else {
            bad_exercises += 1;
            println!("FAIL {:width$}", ex.package);
            for p in &verdict.problems {
                println!("     - {p}");
            }
        }
        // What a spec says about how it ran (e.g. chapter 09's: under mpirun, or skipped).
        let stderr = solution.map(|ran| ran.run.stderr).unwrap_or_default();
        for note in notes(&stderr) {
            println!("     {note}");
        }
    }
    println!("verify: {passed} passed, {failed} failed");
    if bad_exercises > 0 || failed > 0 {
        bail!(
            "{bad_exercises} of {} exercises break the rule: every spec test fails on the starter and passes on the solution",
            exercises.len()
        );
    }
    Ok(())
}
