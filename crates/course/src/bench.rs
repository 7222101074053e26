//! `cargo course bench`: run a chapter's criterion benches and write `book/bench/<chapter>.*`.

use crate::chart;
use crate::project::{Chapter, Project};
use crate::report::{self, Machine};
use anyhow::{Context, Result, bail};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The cargo that runs nested builds: the one running us (`CARGO`), else `cargo` from `PATH`.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// The machine the numbers come from.
pub fn machine() -> Machine {
    Machine {
        cpu: cpu_model(),
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        rustc: rustc_version(),
        date: report::today(),
    }
}

fn cpu_model() -> String {
    if let Ok(info) = fs::read_to_string("/proc/cpuinfo")
        && let Some(model) = cpuinfo_model(&info)
    {
        return model;
    }
    if let Ok(out) = Command::new("sysctl")
        .args(["-n", "machdep.cpu.brand_string"])
        .output()
        && out.status.success()
    {
        let model = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if !model.is_empty() {
            return model;
        }
    }
    format!("unknown {} CPU", std::env::consts::ARCH)
}

/// The CPU model from `/proc/cpuinfo` (`model name` on x86, `Hardware`/`Model` elsewhere).
pub fn cpuinfo_model(info: &str) -> Option<String> {
    for key in ["model name", "Hardware", "Model", "cpu model"] {
        for line in info.lines() {
            if let Some((k, v)) = line.split_once(':')
                && k.trim() == key
                && !v.trim().is_empty()
            {
                return Some(v.split_whitespace().collect::<Vec<_>>().join(" "));
            }
        }
    }
    None
}

fn rustc_version() -> String {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    Command::new(rustc)
        .arg("-V")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "rustc (unknown version)".to_string())
}

/// The bench targets of a package, from `cargo metadata`.
pub fn bench_targets(project: &Project, package: &str) -> Result<Vec<String>> {
    let out = cargo()
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .current_dir(&project.root)
        .output()
        .context("running `cargo metadata`")?;
    if !out.status.success() {
        bail!(
            "`cargo metadata` failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).context("parsing `cargo metadata` output")?;
    let packages = meta["packages"].as_array().cloned().unwrap_or_default();
    let Some(pkg) = packages.iter().find(|p| p["name"] == package) else {
        bail!("package `{package}` is not a member of the root workspace");
    };
    let mut names: Vec<String> = pkg["targets"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| {
            t["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "bench"))
        })
        .filter_map(|t| t["name"].as_str().map(str::to_string))
        .collect();
    names.sort();
    Ok(names)
}

/// Where criterion writes one chapter's results.
pub fn criterion_home(project: &Project, chapter: &Chapter) -> PathBuf {
    project.path("target/criterion").join(&chapter.name)
}

/// How `cargo course bench` measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Criterion's full measurement: the numbers the book quotes.
    Full,
    /// Criterion's `--quick`: rough numbers, for checking the pipeline.
    Quick,
    /// Measure nothing: rewrite the reports from the results already on disk.
    ReportOnly,
}

/// Runs a chapter's benches (streaming criterion's progress) and writes its report files.
/// Returns `false` if the chapter has no benches.
pub fn bench_chapter(project: &Project, chapter: &Chapter, mode: Mode) -> Result<bool> {
    let targets = bench_targets(project, &chapter.name)?;
    if targets.is_empty() {
        println!("{chapter}: no benches, skipped");
        return Ok(false);
    }
    let home = criterion_home(project, chapter);
    let quick = mode == Mode::Quick;
    if mode == Mode::ReportOnly {
        if !home.exists() {
            bail!(
                "no criterion results for {chapter} in {}: run `cargo course bench {chapter}` first",
                home.display()
            );
        }
        let command = format!("cargo course bench {}", chapter.name);
        for path in write_report(project, chapter, &home, &machine(), &command)? {
            println!(
                "{chapter}: rewrote {}",
                path.strip_prefix(&project.root).unwrap_or(&path).display()
            );
        }
        return Ok(true);
    }
    if home.exists() {
        fs::remove_dir_all(&home).with_context(|| format!("removing {}", home.display()))?;
    }
    fs::create_dir_all(&home).with_context(|| format!("creating {}", home.display()))?;

    let mut cmd = cargo();
    cmd.current_dir(&project.root)
        .env("CRITERION_HOME", &home)
        .args(["bench", "-p", &chapter.name]);
    for t in &targets {
        cmd.args(["--bench", t]);
    }
    if quick {
        cmd.args(["--", "--quick"]);
    }
    println!(
        "{chapter}: running benches {} (results in {})...",
        targets.join(", "),
        home.strip_prefix(&project.root).unwrap_or(&home).display()
    );
    let status = cmd.status().context("running `cargo bench`")?;
    if !status.success() {
        bail!("`cargo bench -p {chapter}` failed ({status})");
    }
    let command = format!(
        "cargo course bench {}{}",
        chapter.name,
        if quick { " --quick" } else { "" }
    );
    let written = write_report(project, chapter, &home, &machine(), &command)?;
    for path in written {
        println!(
            "{chapter}: wrote {}",
            path.strip_prefix(&project.root).unwrap_or(&path).display()
        );
    }
    Ok(true)
}

/// Turns the criterion results in `home` into `book/bench/<chapter>.{md,svg,txt}`.
pub fn write_report(
    project: &Project,
    chapter: &Chapter,
    home: &Path,
    machine: &Machine,
    command: &str,
) -> Result<Vec<PathBuf>> {
    let measured = report::read_criterion_dir(home)?;
    if measured.is_empty() {
        bail!(
            "criterion wrote no results under {} (do the benches use criterion, and does it honour CRITERION_HOME?)",
            home.display()
        );
    }
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
    fs::write(&md, report::render_markdown(&groups, machine, command))
        .with_context(|| format!("writing {}", md.display()))?;
    fs::write(&svg, chart::render_svg(&title, &groups)?)
        .with_context(|| format!("writing {}", svg.display()))?;
    fs::write(&txt, report::render_numbers(&groups, machine))
        .with_context(|| format!("writing {}", txt.display()))?;
    Ok(vec![md, svg, txt])
}

/// `cargo course bench [chapter]`.
pub fn run(project: &Project, chapter: Option<&str>, mode: Mode) -> Result<()> {
    let chapters = project.chapters_or_all(chapter)?;
    let mut ran = 0;
    for ch in &chapters {
        if bench_chapter(project, ch, mode)? {
            ran += 1;
        }
    }
    if ran == 0 {
        bail!(
            "no benches found in {}",
            chapters
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_model_from_cpuinfo() {
        let x86 = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R)  CPU @ 2.20GHz\n";
        assert_eq!(
            cpuinfo_model(x86).as_deref(),
            Some("Intel(R) Xeon(R) CPU @ 2.20GHz")
        );
        let arm =
            "processor\t: 0\nBogoMIPS\t: 48.00\n\nModel\t\t: Raspberry Pi 4 Model B Rev 1.4\n";
        assert_eq!(
            cpuinfo_model(arm).as_deref(),
            Some("Raspberry Pi 4 Model B Rev 1.4")
        );
        assert_eq!(cpuinfo_model("processor : 0\n"), None);
    }

    #[test]
    fn report_files_are_written_from_a_criterion_dir() {
        let dir = tempfile::tempdir().unwrap();
        let project = Project::new(dir.path());
        fs::create_dir_all(dir.path().join("crates/ch02-threads")).unwrap();
        fs::write(
            dir.path().join("crates/ch02-threads/Cargo.toml"),
            "[package]\nname = \"ch02-threads\"\n[package.metadata.course.baselines]\n\"start-join\" = \"thread\"\n",
        )
        .unwrap();
        let home = dir.path().join("target/criterion/ch02-threads");
        for (group, function, median) in [
            ("start-join", "thread", 10_000.0),
            ("start-join", "process", 250_000.0),
        ] {
            let new = home.join(group).join(function).join("new");
            fs::create_dir_all(&new).unwrap();
            fs::write(
                new.join("benchmark.json"),
                serde_json::json!({"group_id": group, "function_id": function, "value_str": null})
                    .to_string(),
            )
            .unwrap();
            fs::write(
                new.join("estimates.json"),
                serde_json::json!({"median": {"point_estimate": median}}).to_string(),
            )
            .unwrap();
        }
        let chapter = Chapter {
            number: 2,
            name: "ch02-threads".into(),
        };
        let machine = Machine {
            cpu: "cpu".into(),
            cores: 2,
            rustc: "rustc".into(),
            date: "2026-01-01".into(),
        };
        let written = write_report(
            &project,
            &chapter,
            &home,
            &machine,
            "cargo course bench ch02-threads",
        )
        .unwrap();
        assert_eq!(written.len(), 3);
        let md = fs::read_to_string(dir.path().join("book/bench/ch02-threads.md")).unwrap();
        assert!(md.contains("| process | 250 µs | 0.040x |"), "{md}");
        assert!(
            md.contains("| thread | 10.0 µs | 1.00x (baseline) |"),
            "{md}"
        );
        let txt = fs::read_to_string(dir.path().join("book/bench/ch02-threads.txt")).unwrap();
        assert!(
            txt.contains("// ANCHOR: start-join_process_speedup\n0.040x\n"),
            "{txt}"
        );

        // A baseline that names no benchmark is an error, not a silent "no speedup".
        fs::write(
            dir.path().join("crates/ch02-threads/Cargo.toml"),
            "[package]\nname = \"ch02-threads\"\n[package.metadata.course.baselines]\n\"start-join\" = \"fork\"\n",
        )
        .unwrap();
        let err = write_report(&project, &chapter, &home, &machine, "x")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`fork` as the baseline of group `start-join`"),
            "{err}"
        );
    }
}
