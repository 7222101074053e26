//! `cargo course starters [chapter]`: each starter differs from its solution only inside its TODO
//! regions (see `services::starter_diff`).

use crate::services::project::Project;
use crate::services::starter_diff::check_exercise;
use anyhow::{Result, bail};

/// `cargo course starters [chapter]`.
pub fn run(project: &Project, chapter: Option<&str>) -> Result<()> {
    let chapter = chapter.map(|c| project.chapter(c)).transpose()?;
    let exercises = project.exercises_of(chapter.as_ref())?;
    let mut failed = 0;
    for ex in &exercises {
        let problems = check_exercise(project, ex)?;
        if problems.is_empty() {
            println!(
                "{}: the starter differs from its solution only inside TODO regions",
                ex.short()
            );
        } else {
            failed += 1;
            println!("{}: FAILED", ex.short());
            for p in problems {
                println!("    {p}");
            }
        }
    }
    println!(
        "starters: {} passed, {failed} failed",
        exercises.len() - failed
    );
    if failed > 0 {
        bail!("{failed} starter(s) differ from their solutions outside TODO regions");
    }
    Ok(())
}
