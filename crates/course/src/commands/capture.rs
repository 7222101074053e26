//! `cargo course capture [chapter] [--out DIR]`: run a chapter's examples and Python scripts and
//! write what they print into `book/<chapter>/output/<name>.txt` (see `services::capture`);
//! with `--report-only`, run nothing and redraw the timeline charts from the kept recordings
//! (see `services::recordings`).

use crate::services::capture::{Run, capture_one, plan, profile_args};
use crate::services::process::cargo;
use crate::services::project::{Chapter, Project};
use crate::services::recordings;
use anyhow::{Context, Result, bail, ensure};
use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

/// Compiles the chapter's examples once per profile, with cargo's progress shown, so that each
/// `cargo run -q` afterwards only runs (and a compile error shows up once, in full).
fn prebuild(project: &Project, chapter: &Chapter, runs: &[Run]) -> Result<()> {
    let profiles: BTreeSet<&str> =
        runs.iter().filter_map(|r| r.profile.as_deref()).collect();
    for profile in profiles {
        println!("building {chapter} examples ({profile} profile)...");
        let status = cargo()
            .arg("build")
            .args(profile_args(profile))
            .args(["-p", &chapter.name, "--examples"])
            .current_dir(&project.root)
            .status()
            .context("starting cargo")?;
        ensure!(
            status.success(),
            "the examples of {chapter} do not build ({profile} profile)"
        );
    }
    Ok(())
}

/// `cargo course capture [chapter] [--out DIR]`: every chapter with a crate if none is named.
pub fn run(
    project: &Project,
    chapter: Option<&str>,
    out: Option<&Path>,
    limit: Duration,
) -> Result<()> {
    let out = out.map_or_else(|| project.path("book"), Path::to_path_buf);
    let mut written = 0usize;
    let mut failures: Vec<String> = Vec::new();
    for ch in &project.chapters_or_all(chapter)? {
        if !project.path("crates").join(&ch.name).is_dir() {
            if chapter.is_some() {
                let name = &ch.name;
                bail!("{ch} has no crate at crates/{name}: nothing to capture");
            }
            continue;
        }
        let runs = plan(project, ch)?;
        if runs.is_empty() {
            println!("capturing {ch}: no examples or Python scripts");
            continue;
        }
        if let Err(e) = prebuild(project, ch, &runs) {
            failures.push(format!("{e:#}"));
            println!("capturing {ch}: skipped, its examples do not build");
            continue;
        }
        for r in &runs {
            print!("capturing {ch}: {} ... ", r.name);
            let _ = std::io::stdout().flush();
            let started = Instant::now();
            match capture_one(project, ch, r, &out, limit) {
                Ok(path) => {
                    written += 1;
                    let shown =
                        path.strip_prefix(&project.root).unwrap_or(&path).display();
                    let secs = started.elapsed().as_secs_f64();
                    println!("ok ({secs:.1} s) -> {shown}");
                }
                Err(e) => {
                    println!("FAILED\n  {e:#}");
                    failures.push(format!("{ch}: {}", r.name));
                }
            }
        }
    }
    let s = |n: usize| if n == 1 { "" } else { "s" };
    let failed = failures.len();
    println!(
        "capture: {written} file{} written, {failed} failed",
        s(written)
    );
    ensure!(
        failed == 0,
        "{failed} capture{} failed (their files were left unchanged):\n  {}",
        s(failed),
        failures.join("\n  ")
    );
    ensure!(
        written > 0,
        "nothing to capture: no chapter crate has examples or Python scripts"
    );
    Ok(())
}

/// `cargo course capture [chapter] --report-only`: redraws every timeline chart of the chapter
/// (of every chapter if none is named) from the recording kept beside it, running nothing. A
/// chart without one anywhere stops it before it draws anything.
pub fn redraw(
    project: &Project,
    chapter: Option<&str>,
    out: Option<&Path>,
) -> Result<()> {
    let out = out.map_or_else(|| project.path("book"), Path::to_path_buf);
    let mut all = Vec::new();
    let mut missing = Vec::new();
    let chapters = project.chapters_or_all(chapter)?;
    for ch in &chapters {
        match recordings::charts(&out.join(&ch.name).join("output")) {
            Ok(charts) => all.extend(charts.into_iter().map(|svg| (ch, svg))),
            Err(e) => missing.push(format!("{ch}: {e:#}")),
        }
    }
    ensure!(
        missing.is_empty(),
        "nothing redrawn:\n  {}",
        missing.join("\n  ")
    );
    ensure!(
        !all.is_empty(),
        "no timeline chart to redraw in {}",
        out.display()
    );
    for (ch, svg) in &all {
        let kept = recordings::recording_of(svg);
        ensure!(
            recordings::redraw(&kept, svg)?,
            "{} records no section: nothing to draw",
            kept.display()
        );
        let shown = svg.strip_prefix(&project.root).unwrap_or(svg).display();
        println!("{ch}: redrew {shown}");
    }
    Ok(())
}
