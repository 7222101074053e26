//! `cargo course starters [chapter]`: each starter differs from its solution only inside its TODO
//! regions (see `services::starter_diff`).

use crate::services::files::stems;
use crate::services::project::{Exercise, Project};
use crate::services::starter_diff::compare;
use anyhow::{Context, Result, bail};
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

/// The problems of one exercise, each prefixed with the file.
pub fn check_exercise(project: &Project, ex: &Exercise) -> Result<Vec<String>> {
    let (starter_src, solution_src) =
        (ex.starter_dir().join("src"), ex.solution_dir().join("src"));
    let read = |p: &Path| {
        fs::read_to_string(project.path(p))
            .with_context(|| format!("reading {}", p.display()))
    };
    let starters = stems(&project.path(&starter_src), "rs")?;
    let solutions = stems(&project.path(&solution_src), "rs")?;
    let mut problems = Vec::new();
    for stem in starters.iter().chain(&solutions).collect::<BTreeSet<_>>() {
        let name = format!("{stem}.rs");
        let (starter, solution) = (starter_src.join(&name), solution_src.join(&name));
        let at = starter.display();
        if !solutions.contains(stem) {
            problems.push(format!("{at}: the solution has no src/{name}"));
        } else if !starters.contains(stem) {
            problems.push(format!("{}: in the solution only", solution.display()));
        } else {
            let found = compare(&read(&starter)?, &read(&solution)?)
                .with_context(|| format!("in {at}"))?;
            problems.extend(found.iter().map(|p| format!("{at}: {p}")));
        }
    }
    Ok(problems)
}

/// `cargo course starters [chapter]`.
pub fn run(project: &Project, chapter: Option<&str>) -> Result<()> {
    let chapter = chapter.map(|c| project.chapter(c)).transpose()?;
    let exercises = project.exercises_of(chapter.as_ref())?;
    let mut failed = 0;
    for ex in &exercises {
        let (id, problems) = (ex.short(), check_exercise(project, ex)?);
        if problems.is_empty() {
            println!(
                "{id}: the starter differs from its solution only inside TODO regions"
            );
        } else {
            failed += 1;
            println!("{id}: FAILED\n    {}", problems.join("\n    "));
        }
    }
    let passed = exercises.len() - failed;
    println!("starters: {passed} passed, {failed} failed");
    if failed > 0 {
        bail!("{failed} starter(s) differ from their solutions outside TODO regions");
    }
    Ok(())
}
