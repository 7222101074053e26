//! `cargo course capture [chapter] [--out DIR]`: run a chapter's examples and Python scripts and
//! write what they print into `book/<chapter>/output/<name>.txt` (see `services::capture`).

use crate::services::capture::{Program, Run, capture_one, plan, profile_args};
use crate::services::process::cargo;
use crate::services::project::{Chapter, Project};
use anyhow::{Context, Result, bail};
use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

/// Compiles the chapter's examples once per profile, with cargo's progress shown, so that each
/// `cargo run -q` afterwards only runs (and a compile error shows up once, in full).
fn prebuild(project: &Project, chapter: &Chapter, runs: &[Run]) -> Result<()> {
    let profiles: BTreeSet<&str> = runs
        .iter()
        .filter_map(|r| match &r.program {
            Program::Example { profile, .. } => Some(profile.as_str()),
            Program::Python { .. } => None,
        })
        .collect();
    for profile in profiles {
        println!("building {chapter} examples ({profile} profile)...");
        let status = cargo()
            .arg("build")
            .args(profile_args(profile))
            .args(["-p", &chapter.name, "--examples"])
            .current_dir(&project.root)
            .status()
            .context("starting cargo")?;
        if !status.success() {
            bail!("the examples of {chapter} do not build ({profile} profile)");
        }
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
    let named = chapter.is_some();
    let chapters = project.chapters_or_all(chapter)?;
    let out = out.map_or_else(|| project.path("book"), Path::to_path_buf);
    let mut written = 0usize;
    let mut failures: Vec<String> = Vec::new();
    for ch in &chapters {
        if !project.path("crates").join(&ch.name).is_dir() {
            if named {
                bail!(
                    "{ch} has no crate at crates/{}: nothing to capture",
                    ch.name
                );
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
                    // The output is written, and its timeline chart if the run recorded one
                    // (`services::capture::capture_one`).
                    written += 1;
                    let shown = path.strip_prefix(&project.root).unwrap_or(&path);
                    println!(
                        "ok ({:.1} s) -> {}",
                        started.elapsed().as_secs_f64(),
                        shown.display()
                    );
                }
                Err(e) => {
                    println!("FAILED");
                    println!("  {e:#}");
                    failures.push(format!("{ch}: {}", r.name));
                }
            }
        }
    }
    println!(
        "capture: {written} file{} written, {} failed",
        if written == 1 { "" } else { "s" },
        failures.len()
    );
    if !failures.is_empty() {
        bail!(
            "{} capture{} failed (their files were left unchanged):\n  {}",
            failures.len(),
            if failures.len() == 1 { "" } else { "s" },
            failures.join("\n  ")
        );
    }
    if written == 0 {
        bail!("nothing to capture: no chapter crate has examples or Python scripts");
    }
    Ok(())
}
