//! `cargo course starters [chapter]`: each starter differs from its solution only inside its TODO
//! regions (see `services::starter_diff`).

use crate::services::project::{Exercise, Project};
use crate::services::starter_diff::compare;
use anyhow::{Context, Result, bail};
use std::fs;
use std::path::Path;

fn rust_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".rs"))
        .collect();
    names.sort();
    names
}

/// The problems of one exercise, each prefixed with the file.
pub fn check_exercise(project: &Project, ex: &Exercise) -> Result<Vec<String>> {
    let starter_src = project.path(ex.starter_dir().join("src"));
    let solution_src = project.path(ex.solution_dir().join("src"));
    let mut problems = Vec::new();
    let starters = rust_files(&starter_src);
    for name in rust_files(&solution_src) {
        if !starters.contains(&name) {
            problems.push(format!(
                "{}/src/{name}: in the solution only",
                ex.solution_dir().display()
            ));
        }
    }
    for name in starters {
        let rel = ex.starter_dir().join("src").join(&name);
        let solution = solution_src.join(&name);
        if !solution.is_file() {
            problems.push(format!("{}: the solution has no src/{name}", rel.display()));
            continue;
        }
        let read =
            |p: &Path| fs::read_to_string(p).with_context(|| format!("reading {}", p.display()));
        let found = compare(&read(&starter_src.join(&name))?, &read(&solution)?)
            .with_context(|| format!("in {}", rel.display()))?;
        problems.extend(found.into_iter().map(|p| format!("{}: {p}", rel.display())));
    }
    Ok(problems)
}

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
