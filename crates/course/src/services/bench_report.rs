//! Writing a chapter's benchmark report, `book/bench/<chapter>.{md,svg,txt}`, from criterion's
//! results and the CPython rows kept in `target/criterion/<chapter>`.

use crate::services::calibration::RunNote;
use crate::services::files::write_atomically;
use crate::services::machine::{Machine, machine};
use crate::services::project::{Chapter, Project};
use crate::services::python_bench::{self, PythonRun};
use crate::services::{chart, criterion, report};
use anyhow::{Context, Result, bail};
use std::fs;
use std::path::{Path, PathBuf};

/// The bench targets of a package, from `cargo metadata`.
pub fn bench_targets(project: &Project, package: &str) -> Result<Vec<String>> {
    let meta = cargo_metadata::MetadataCommand::new()
        .cargo_path(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .current_dir(&project.root)
        .no_deps()
        .exec()
        .context("running `cargo metadata`")?;
    let Some(pkg) = meta.packages.iter().find(|p| p.name.as_str() == package) else {
        bail!("package `{package}` is not a member of the root workspace");
    };
    let mut names: Vec<String> = pkg
        .targets
        .iter()
        .filter(|t| t.is_bench())
        .map(|t| t.name.clone())
        .collect();
    names.sort();
    Ok(names)
}

/// Where criterion writes one chapter's results.
pub fn criterion_home(project: &Project, chapter: &Chapter) -> PathBuf {
    project.path("target/criterion").join(&chapter.name)
}

/// Writes the report files, unless the run was disturbed and not `force`d.
pub fn write_checked(
    project: &Project,
    chapter: &Chapter,
    home: &Path,
    command: &str,
    note: &RunNote,
    force: bool,
) -> Result<Vec<PathBuf>> {
    if let Some(record) = &note.record
        && record.disturbed()
        && !force
    {
        bail!(record.refusal(&chapter.name));
    }
    write_report(project, chapter, home, &machine(), command, note)
}

/// Turns the criterion results and CPython rows in `home` into `book/bench/<chapter>.{md,svg,txt}`.
pub fn write_report(
    project: &Project,
    chapter: &Chapter,
    home: &Path,
    machine: &Machine,
    command: &str,
    run: &RunNote,
) -> Result<Vec<PathBuf>> {
    let measured = criterion::read_criterion_dir(home)?;
    if measured.is_empty() {
        bail!(
            "criterion wrote no results under {} (do the benches use criterion, and does it honour CRITERION_HOME?)",
            home.display()
        );
    }
    let mut machine = machine.clone();
    let measured = match PythonRun::read(home)? {
        Some(run) => {
            machine.python = Some(run.python);
            python_bench::merge(measured, &run.rows)?
        }
        None => measured,
    };
    let machine = &machine;
    let baselines = project.course_metadata(chapter)?.baselines;
    for (group, function) in &baselines {
        if !measured.iter().any(|m| {
            &m.group == group && (m.function.as_ref() == Some(function) || &m.variant == function)
        }) {
            bail!(
                "crates/{chapter}/Cargo.toml names `{function}` as the baseline of group `{group}`, but no such benchmark ran"
            );
        }
    }
    let groups = report::group(measured, &baselines);
    let dir = project.path("book/bench");
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let md = dir.join(format!("{}.md", chapter.name));
    let svg = dir.join(format!("{}.svg", chapter.name));
    let txt = dir.join(format!("{}.txt", chapter.name));
    let title = format!(
        "{} (criterion medians, {} logical cores)",
        chapter.name, machine.cores
    );
    write_atomically(&md, report::render_markdown(&groups, machine, command, run))?;
    write_atomically(&svg, chart::render_svg(&title, &groups)?)?;
    write_atomically(&txt, report::render_numbers(&groups, machine, run))?;
    Ok(vec![md, svg, txt])
}

#[cfg(test)]
mod tests;
