//! `cargo course bench`: run a chapter's criterion benches and write `book/bench/<chapter>.*`.

use crate::services::bench_report::{bench_targets, write_report};
use crate::services::calibration::{self, CpuTicks, RunNote, RunRecord};
use crate::services::process::cargo;
use crate::services::project::{Chapter, Project};
use crate::services::python_bench;
use anyhow::{Context, Result, bail};
use std::fs;
use std::path::Path;

/// `cargo course bench [chapter]`: runs each chapter's benches (streaming criterion's progress)
/// between two calibrations and writes its report files; chapters without benches are skipped.
/// `quick` passes criterion's `--quick` (rough numbers, for checking the pipeline);
/// `report_only` measures nothing and rewrites the reports from the results already on disk.
/// A run whose calibrations differ by more than [`calibration::MAX_DRIFT`] writes no report
/// unless `force`.
pub fn run(
    project: &Project,
    chapter: Option<&str>,
    quick: bool,
    report_only: bool,
    force: bool,
) -> Result<()> {
    let chapters = project.chapters_or_all(chapter)?;
    let mut ran = false;
    for chapter in &chapters {
        let targets = bench_targets(project, &chapter.name)?;
        if targets.is_empty() {
            println!("{chapter}: no benches, skipped");
            continue;
        }
        // Where criterion writes the chapter's results.
        let home = project.path("target/criterion").join(&chapter.name);
        let record = if report_only {
            if !home.exists() {
                bail!(
                    "no criterion results for {chapter} in {}: run `cargo course bench {chapter}` first",
                    home.display()
                );
            }
            RunRecord::read(&home)?
        } else {
            Some(measure_chapter(project, chapter, &home, &targets, quick)?)
        };
        let flag = if quick { " --quick" } else { "" };
        let command = format!("cargo course bench {chapter}{flag}");
        let run = RunNote {
            record,
            report_only,
        };
        let verb = if report_only { "rewrote" } else { "wrote" };
        for path in write_report(project, chapter, &home, &command, &run, force)? {
            let path = path.strip_prefix(&project.root).unwrap_or(&path);
            println!("{chapter}: {verb} {}", path.display());
        }
        ran = true;
    }
    if !ran {
        let names: Vec<&str> = chapters.iter().map(|c| c.name.as_str()).collect();
        bail!("no benches found in {}", names.join(", "));
    }
    Ok(())
}

/// Builds the benches, calibrates, runs them and the chapter's CPython scripts, calibrates again;
/// keeps the record (and the CPython rows) in `home`.
fn measure_chapter(
    project: &Project,
    chapter: &Chapter,
    home: &Path,
    targets: &[String],
    quick: bool,
) -> Result<RunRecord> {
    if home.exists() {
        fs::remove_dir_all(home)
            .with_context(|| format!("removing {}", home.display()))?;
    }
    fs::create_dir_all(home)
        .with_context(|| format!("creating {}", home.display()))?;
    let bench = |extra: &[&str]| {
        let mut cmd = cargo();
        cmd.current_dir(&project.root)
            .env("CRITERION_HOME", home)
            .args(["bench", "-p", &chapter.name]);
        for t in targets {
            cmd.args(["--bench", t]);
        }
        let status = cmd.args(extra).status().context("running `cargo bench`")?;
        if !status.success() {
            let shown = format!("cargo bench -p {chapter} {}", extra.join(" "));
            bail!("`{}` failed ({status})", shown.trim_end());
        }
        Ok(())
    };
    // Build everything first, so that no compiler runs between the two calibrations.
    bench(&["--no-run"])?;
    let measure = || calibration::measure(&project.root);
    let before = calibration::settled(measure, calibration::MAX_BEFORE)?;
    println!(
        "{chapter}: calibration before the run: {}",
        before.describe()
    );
    let ticks = CpuTicks::now();
    let shown = home.strip_prefix(&project.root).unwrap_or(home);
    println!(
        "{chapter}: running benches {} (results in {})...",
        targets.join(", "),
        shown.display()
    );
    bench(if quick { &["--", "--quick"] } else { &[] })?;
    // The CPython rows, inside the same calibrated window.
    let scripts = project.course_metadata(chapter)?.python_bench.scripts;
    if !scripts.is_empty() {
        println!("{chapter}: running the CPython benchmark scripts...");
        python_bench::run_scripts(
            &project.path("crates").join(&chapter.name),
            &scripts,
        )?
        .write(home)?;
    }
    let steal_percent = ticks
        .zip(CpuTicks::now())
        .and_then(|(a, b)| a.steal_percent(&b));
    let after = measure()?;
    println!("{chapter}: calibration after the run: {}", after.describe());
    let record = RunRecord {
        before,
        after,
        steal_percent,
    };
    record.write(home)?;
    Ok(record)
}
