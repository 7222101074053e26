//! `cargo course bench`: run a chapter's criterion benches and write `book/bench/<chapter>.*`.

use crate::calibration::{self, CpuTicks, RunNote, RunRecord};
use crate::chart;
use crate::files::write_atomically;
use crate::libtest::cargo;
use crate::project::{Chapter, Project};
use crate::python_bench::{self, PythonRun};
use crate::report::{self, Machine};
use anyhow::{Context, Result, bail};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The machine the numbers come from.
pub fn machine() -> Machine {
    Machine {
        cpu: cpu_model(),
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        rustc: rustc_version(),
        python: None,
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

/// Runs a chapter's benches (streaming criterion's progress) between two calibrations and writes
/// its report files. Returns `false` if the chapter has no benches. A run whose calibrations
/// differ by more than [`calibration::MAX_DRIFT`] writes no report unless `force`.
pub fn bench_chapter(
    project: &Project,
    chapter: &Chapter,
    mode: Mode,
    force: bool,
) -> Result<bool> {
    let targets = bench_targets(project, &chapter.name)?;
    if targets.is_empty() {
        println!("{chapter}: no benches, skipped");
        return Ok(false);
    }
    let home = criterion_home(project, chapter);
    let quick = mode == Mode::Quick;
    let command = format!(
        "cargo course bench {}{}",
        chapter.name,
        if quick { " --quick" } else { "" }
    );
    let (note, verb) = if mode == Mode::ReportOnly {
        if !home.exists() {
            bail!(
                "no criterion results for {chapter} in {}: run `cargo course bench {chapter}` first",
                home.display()
            );
        }
        let record = RunRecord::read(&home)?;
        (
            RunNote {
                record,
                report_only: true,
            },
            "rewrote",
        )
    } else {
        let record = measure_chapter(project, chapter, &home, &targets, quick)?;
        (
            RunNote {
                record: Some(record),
                report_only: false,
            },
            "wrote",
        )
    };
    for path in write_checked(project, chapter, &home, &command, &note, force)? {
        println!(
            "{chapter}: {verb} {}",
            path.strip_prefix(&project.root).unwrap_or(&path).display()
        );
    }
    Ok(true)
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
        fs::remove_dir_all(home).with_context(|| format!("removing {}", home.display()))?;
    }
    fs::create_dir_all(home).with_context(|| format!("creating {}", home.display()))?;
    let bench = |extra: &[&str]| {
        let mut cmd = cargo();
        cmd.current_dir(&project.root)
            .env("CRITERION_HOME", home)
            .args(["bench", "-p", &chapter.name]);
        for t in targets {
            cmd.args(["--bench", t]);
        }
        cmd.args(extra);
        cmd
    };
    // Build everything first, so that no compiler runs between the two calibrations.
    let status = bench(&["--no-run"])
        .status()
        .context("building the benches")?;
    if !status.success() {
        bail!("`cargo bench -p {chapter} --no-run` failed ({status})");
    }
    calibration::build(&project.root)?;
    let before = calibration::settled(
        || calibration::measure(&project.root),
        calibration::MAX_BEFORE,
    )?;
    println!(
        "{chapter}: calibration before the run: {}",
        before.describe()
    );
    let ticks = CpuTicks::now();
    println!(
        "{chapter}: running benches {} (results in {})...",
        targets.join(", "),
        home.strip_prefix(&project.root).unwrap_or(home).display()
    );
    let status = bench(if quick { &["--", "--quick"] } else { &[] })
        .status()
        .context("running `cargo bench`")?;
    if !status.success() {
        bail!("`cargo bench -p {chapter}` failed ({status})");
    }
    // The CPython rows, inside the same calibrated window.
    let scripts = project.course_metadata(chapter)?.python_bench.scripts;
    if !scripts.is_empty() {
        println!("{chapter}: running the CPython benchmark scripts...");
        python_bench::run_scripts(&project.path("crates").join(&chapter.name), &scripts)?
            .write(home)?;
    }
    let steal_percent = ticks
        .zip(CpuTicks::now())
        .and_then(|(a, b)| a.steal_percent(&b));
    let after = calibration::measure(&project.root)?;
    println!("{chapter}: calibration after the run: {}", after.describe());
    let record = RunRecord {
        before,
        after,
        steal_percent,
    };
    record.write(home)?;
    Ok(record)
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
    let measured = crate::criterion::read_criterion_dir(home)?;
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

/// `cargo course bench [chapter]`.
pub fn run(project: &Project, chapter: Option<&str>, mode: Mode, force: bool) -> Result<()> {
    let chapters = project.chapters_or_all(chapter)?;
    let mut ran = 0;
    for ch in &chapters {
        if bench_chapter(project, ch, mode, force)? {
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
    use crate::calibration::Calibration;

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
            // Ten samples of 2 iterations, from 0.9 to 1.2 times the median per iteration.
            let times: Vec<f64> = (0..10)
                .map(|i| 2.0 * median * (0.9 + 0.3 * f64::from(i) / 9.0))
                .collect();
            fs::write(
                new.join("sample.json"),
                serde_json::json!({"sampling_mode": "Flat", "iters": vec![2.0; 10], "times": times})
                    .to_string(),
            )
            .unwrap();
        }
        let chapter = Chapter {
            number: 2,
            name: "ch02-threads".into(),
        };
        let cal = |ms: f64| Calibration {
            median_ns: ms * 1e6,
            min_ns: ms * 1e6,
            max_ns: ms * 1e6,
            rounds: 15,
        };
        let quiet = RunNote {
            record: Some(RunRecord {
                before: cal(25.0),
                after: cal(25.2),
                steal_percent: Some(0.5),
            }),
            report_only: false,
        };
        let command = "cargo course bench ch02-threads";
        let written = write_checked(&project, &chapter, &home, command, &quiet, false).unwrap();
        assert_eq!(written.len(), 3);
        let md = fs::read_to_string(dir.path().join("book/bench/ch02-threads.md")).unwrap();
        assert!(
            md.contains("| process | 250 µs | 225 µs..300 µs | 0.040x |"),
            "{md}"
        );
        assert!(
            md.contains("| thread | 10.0 µs | 9.00 µs..12.0 µs | 1.00x (baseline) |"),
            "{md}"
        );
        assert!(
            md.contains("25.0 ms (25.0 ms..25.0 ms) before the run"),
            "{md}"
        );
        assert!(
            md.contains("Steal time during the run: 0.5% of CPU time"),
            "{md}"
        );
        let txt = fs::read_to_string(dir.path().join("book/bench/ch02-threads.txt")).unwrap();
        assert!(
            txt.contains("// ANCHOR: start-join_process_speedup\n0.040x\n"),
            "{txt}"
        );
        assert!(
            txt.contains("// ANCHOR: start-join_process_spread\n225 µs..300 µs\n"),
            "{txt}"
        );
        assert!(
            txt.contains("// ANCHOR: calibration_drift\n+0.8%\n"),
            "{txt}"
        );

        // A disturbed run writes nothing without --force, and is marked with it.
        fs::remove_dir_all(dir.path().join("book")).unwrap();
        let disturbed = RunNote {
            record: Some(RunRecord {
                before: cal(25.0),
                after: cal(26.5),
                steal_percent: Some(0.5),
            }),
            report_only: true,
        };
        let err = write_checked(&project, &chapter, &home, command, &disturbed, false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("changed by +6.0%"), "{err}");
        assert!(!dir.path().join("book/bench/ch02-threads.md").exists());
        write_checked(&project, &chapter, &home, command, &disturbed, true).unwrap();
        let md = fs::read_to_string(dir.path().join("book/bench/ch02-threads.md")).unwrap();
        assert!(md.contains("**Disturbed run:**"), "{md}");

        // A baseline that names no benchmark is an error, not a silent "no speedup".
        fs::write(
            dir.path().join("crates/ch02-threads/Cargo.toml"),
            "[package]\nname = \"ch02-threads\"\n[package.metadata.course.baselines]\n\"start-join\" = \"fork\"\n",
        )
        .unwrap();
        let err = write_report(&project, &chapter, &home, &machine(), "x", &quiet)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`fork` as the baseline of group `start-join`"),
            "{err}"
        );

        // CPython rows kept beside criterion's results join the same table, numbers and chart,
        // divided by the same baseline; a group of their own takes a baseline from Cargo.toml.
        fs::write(
            dir.path().join("crates/ch02-threads/Cargo.toml"),
            "[package]\nname = \"ch02-threads\"\n[package.metadata.course.baselines]\n\"start-join\" = \"thread\"\n\"start-join-cpython\" = \"CPython thread\"\n",
        )
        .unwrap();
        let line = |group: &str, variant: &str, median: f64| {
            serde_json::json!({"group": group, "variant": variant, "median_ns": median,
                "min_ns": median * 0.9, "max_ns": median * 1.5, "samples": 7})
            .to_string()
        };
        let rows = python_bench::parse_rows(
            "python/start_costs.py --bench-json",
            &[
                line("start-join", "CPython fork", 1_000_000.0),
                line("start-join-cpython", "CPython thread", 100_000.0),
                line("start-join-cpython", "CPython spawn", 20_000_000.0),
            ]
            .join("\n"),
        )
        .unwrap();
        PythonRun {
            python: "Python 3.11.7".into(),
            rows,
        }
        .write(&home)
        .unwrap();
        write_checked(&project, &chapter, &home, command, &quiet, false).unwrap();
        let md = fs::read_to_string(dir.path().join("book/bench/ch02-threads.md")).unwrap();
        assert!(md.contains("(Python 3.11.7)"), "{md}");
        assert!(
            md.contains("from criterion's estimates and CPython rows"),
            "{md}"
        );
        assert!(
            md.contains("| thread | 10.0 µs | 9.00 µs..12.0 µs | 1.00x (baseline) |\n| CPython fork | 1.00 ms | 900 µs..1.50 ms | 0.010x |\n"),
            "{md}"
        );
        assert!(
            md.contains("### start-join-cpython\n\n| variant | median | spread | speedup |\n|---|---:|---:|---:|\n| CPython thread | 100 µs | 90.0 µs..150 µs | 1.00x (baseline) |\n| CPython spawn | 20.0 ms | 18.0 ms..30.0 ms | 0.0050x |\n"),
            "{md}"
        );
        let txt = fs::read_to_string(dir.path().join("book/bench/ch02-threads.txt")).unwrap();
        for want in [
            "// ANCHOR: machine_python\nPython 3.11.7\n",
            "// ANCHOR: start-join_cpython-fork_median\n1.00 ms\n",
            "// ANCHOR: start-join_cpython-fork_spread\n900 µs..1.50 ms\n",
            "// ANCHOR: start-join_cpython-fork_speedup\n0.010x\n",
            "// ANCHOR: start-join-cpython_cpython-spawn_speedup\n0.0050x\n",
        ] {
            assert!(txt.contains(want), "missing {want:?} in\n{txt}");
        }
        let svg = fs::read_to_string(dir.path().join("book/bench/ch02-threads.svg")).unwrap();
        assert!(svg.contains("CPython spawn"), "{svg}");
    }
}
