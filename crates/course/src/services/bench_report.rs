//! Writing a chapter's benchmark report, `book/bench/<chapter>.{md,svg,txt}`, from criterion's
//! results and the CPython rows kept in `target/criterion/<chapter>`.

use crate::services::calibration::{self, RunNote};
use crate::services::files::write_atomically;
use crate::services::machine::{date_written, machine};
use crate::services::project::{Chapter, Project};
use crate::services::python_bench::{self, PythonRun};
use crate::services::{chart, criterion, report};
use anyhow::{Context, Result, bail, ensure};
use std::path::{Path, PathBuf};

/// The bench targets of a package, from `cargo metadata`.
pub fn bench_targets(project: &Project, package: &str) -> Result<Vec<String>> {
    let meta = cargo_metadata::MetadataCommand::new()
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

/// Turns the criterion results and CPython rows in `home` into `book/bench/<chapter>.{md,svg,txt}`
/// (returned), unless the run was disturbed and not `force`d.
pub fn write_report(
    project: &Project,
    chapter: &Chapter,
    home: &Path,
    command: &str,
    run: &RunNote,
    force: bool,
) -> Result<Vec<PathBuf>> {
    if let Some(record) = &run.record
        && record.disturbed()
        && !force
    {
        bail!(record.refusal(&chapter.name));
    }
    let mut measured = criterion::read_criterion_dir(home)?;
    if measured.is_empty() {
        bail!(
            "criterion wrote no results under {} (do the benches use criterion, and does it honour CRITERION_HOME?)",
            home.display()
        );
    }
    let mut machine = machine();
    // `--report-only` measures nothing: the date is the measured run's, whose record was
    // written as it ended.
    if run.report_only
        && let Some(date) = date_written(&home.join(calibration::RECORD_FILE))
    {
        machine.date = date;
    }
    if let Some(python) = PythonRun::read(home)? {
        measured = python_bench::merge(measured, &python.rows)?;
        machine.python = Some(python.python);
    }
    let baselines = project.course_metadata(chapter)?.baselines;
    let groups = report::group(measured, &baselines);
    for (group, function) in &baselines {
        ensure!(
            groups
                .iter()
                .any(|g| &g.name == group && g.baseline.is_some()),
            "crates/{chapter}/Cargo.toml names `{function}` as the baseline of group `{group}`, but no such benchmark ran"
        );
    }
    let title = format!(
        "{chapter} (criterion medians, {} logical cores)",
        machine.cores
    );
    let files = [
        (
            "md",
            report::render_markdown(&groups, &machine, command, run),
        ),
        ("svg", chart::render_svg(&title, &groups)?),
        ("txt", report::render_numbers(&groups, &machine, run)),
    ];
    let dir = project.path("book/bench");
    files
        .into_iter()
        .map(|(ext, text)| {
            let path = dir.join(format!("{}.{ext}", chapter.name));
            write_atomically(&path, text)?;
            Ok(path)
        })
        .collect()
}

#[cfg(test)]
mod tests;
