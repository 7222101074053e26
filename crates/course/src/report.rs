//! Criterion results → the book's tables (`book/bench/<chapter>.md`) and numbers
//! (`book/bench/<chapter>.txt`).

use crate::calibration::RunNote;
use crate::units::{format_duration, format_speedup, format_spread};
use anyhow::{Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// One measured benchmark: a variant of a group.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    pub group: String,
    /// The function id (with `/value` appended when the benchmark has a parameter).
    pub variant: String,
    /// The bare function id, used to find the baseline.
    pub function: Option<String>,
    /// Median of the samples, in nanoseconds.
    pub median_ns: f64,
    /// The fastest and slowest sample (time per iteration, from criterion's `sample.json`), in
    /// nanoseconds; `None` if criterion kept no samples.
    pub spread_ns: Option<(f64, f64)>,
}

/// The results of one group, variants in a meaningful order.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub name: String,
    pub rows: Vec<Measurement>,
    /// Index into `rows` of the baseline, if the group has one.
    pub baseline: Option<usize>,
}

impl Group {
    /// The speedup of row `i` over the baseline (baseline median / row median).
    pub fn speedup(&self, i: usize) -> Option<f64> {
        let base = self.rows.get(self.baseline?)?.median_ns;
        let row = self.rows.get(i)?.median_ns;
        (row > 0.0).then(|| base / row)
    }
}

/// Where and how the numbers were measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub rustc: String,
    /// `YYYY-MM-DD`.
    pub date: String,
}

#[derive(Deserialize)]
struct BenchmarkJson {
    group_id: String,
    function_id: Option<String>,
    value_str: Option<String>,
}

#[derive(Deserialize)]
struct EstimatesJson {
    median: Estimate,
}

#[derive(Deserialize)]
struct Estimate {
    point_estimate: f64,
}

/// Criterion's `sample.json`: per sample, the iterations run and the total time they took.
#[derive(Deserialize)]
struct SampleJson {
    iters: Vec<f64>,
    times: Vec<f64>,
}

/// Min and max time per iteration over criterion's samples, from `sample.json` beside `file`.
fn read_spread(file: &Path) -> Result<Option<(f64, f64)>> {
    let path = file.with_file_name("sample.json");
    if !path.is_file() {
        return Ok(None);
    }
    let text = fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let sample: SampleJson = serde_json::from_str(&text)
        .with_context(|| format!("parsing criterion's {}", path.display()))?;
    let per_iter = sample
        .times
        .iter()
        .zip(&sample.iters)
        .filter(|(_, i)| **i > 0.0)
        .map(|(t, i)| t / i);
    Ok(per_iter.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((f64::min(lo, v), f64::max(hi, v))),
    }))
}

fn find_benchmark_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            find_benchmark_files(&path, out)?;
        } else if path.file_name().is_some_and(|n| n == "benchmark.json")
            && path
                .parent()
                .and_then(Path::file_name)
                .is_some_and(|n| n == "new")
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads every `new/benchmark.json` + `new/estimates.json` under `dir`, in the order the
/// benchmarks ran (criterion writes each one when it finishes, so modification time is run order,
/// which is declaration order). Ties are broken by path.
pub fn read_criterion_dir(dir: &Path) -> Result<Vec<Measurement>> {
    let mut files = Vec::new();
    find_benchmark_files(dir, &mut files)?;
    let mut found: Vec<(SystemTime, PathBuf, Measurement)> = Vec::new();
    for file in files {
        let text =
            fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
        let id: BenchmarkJson = serde_json::from_str(&text)
            .with_context(|| format!("parsing criterion's {}", file.display()))?;
        let est_path = file.with_file_name("estimates.json");
        let text = fs::read_to_string(&est_path)
            .with_context(|| format!("reading {}", est_path.display()))?;
        let est: EstimatesJson = serde_json::from_str(&text)
            .with_context(|| format!("parsing criterion's {}", est_path.display()))?;
        let variant = match (&id.function_id, &id.value_str) {
            (Some(f), Some(v)) => format!("{f}/{v}"),
            (Some(f), None) => f.clone(),
            (None, Some(v)) => v.clone(),
            (None, None) => id.group_id.clone(),
        };
        let spread_ns = read_spread(&file)?;
        let mtime = fs::metadata(&file)
            .and_then(|m| m.modified())
            .unwrap_or(SystemTime::UNIX_EPOCH);
        found.push((
            mtime,
            file,
            Measurement {
                group: id.group_id,
                variant,
                function: id.function_id,
                median_ns: est.median.point_estimate,
                spread_ns,
            },
        ));
    }
    found.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    Ok(found.into_iter().map(|(_, _, m)| m).collect())
}

/// Groups measurements (keeping first-seen order of groups and variants) and picks each group's
/// baseline: the function named in `baselines` for the group, else `sequential`, else none.
pub fn group(measurements: Vec<Measurement>, baselines: &BTreeMap<String, String>) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for m in measurements {
        match groups.iter_mut().find(|g| g.name == m.group) {
            Some(g) => g.rows.push(m),
            None => groups.push(Group {
                name: m.group.clone(),
                rows: vec![m],
                baseline: None,
            }),
        }
    }
    for g in &mut groups {
        let wanted = baselines
            .get(&g.name)
            .map(String::as_str)
            .unwrap_or("sequential");
        g.baseline = g.rows.iter().position(|r| r.variant == wanted).or_else(|| {
            g.rows
                .iter()
                .position(|r| r.function.as_deref() == Some(wanted))
        });
    }
    groups
}

/// Orders a group's rows baseline first, then by median: for results whose run order is unknown.
pub fn sort_baseline_then_median(group: &mut Group) {
    let base = group.baseline.map(|i| group.rows[i].variant.clone());
    group.rows.sort_by(|a, b| {
        let a_base = Some(&a.variant) == base.as_ref();
        let b_base = Some(&b.variant) == base.as_ref();
        b_base
            .cmp(&a_base)
            .then(a.median_ns.total_cmp(&b.median_ns))
    });
    group.baseline = base.and_then(|b| group.rows.iter().position(|r| r.variant == b));
}

/// Lowercase; every run of non-alphanumeric characters becomes one `-`; no `-` at either end.
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

/// The Markdown table file, meant to be included into a chapter's `measure.md`.
pub fn render_markdown(
    groups: &[Group],
    machine: &Machine,
    command: &str,
    run: &RunNote,
) -> String {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "<!-- Generated by `{command}` from criterion's estimates. Do not edit by hand. -->"
    );
    let _ = writeln!(
        md,
        "*Measured on {} ({} logical cores), {}, on {}, with `{command}`. \
         Each time is criterion's median; the spread is the fastest..slowest of its samples; \
         speedup = baseline median / variant median.*\n",
        machine.cpu, machine.cores, machine.rustc, machine.date
    );
    md.push_str(&run.markdown());
    for g in groups {
        let _ = writeln!(md, "\n### {}\n", g.name);
        let with_speedup = g.baseline.is_some();
        let _ = writeln!(
            md,
            "{}",
            if with_speedup {
                "| variant | median | spread | speedup |\n|---|---:|---:|---:|"
            } else {
                "| variant | median | spread |\n|---|---:|---:|"
            }
        );
        for (i, r) in g.rows.iter().enumerate() {
            let _ = write!(
                md,
                "| {} | {} | {} |",
                escape_cell(&r.variant),
                format_duration(r.median_ns),
                format_spread(r.spread_ns)
            );
            if with_speedup {
                let speedup = g.speedup(i).map(format_speedup).unwrap_or_default();
                let mark = if Some(i) == g.baseline {
                    " (baseline)"
                } else {
                    ""
                };
                let _ = write!(md, " {speedup}{mark} |");
            }
            md.push('\n');
        }
    }
    md
}

fn escape_cell(s: &str) -> String {
    s.replace('|', "\\|")
}

fn anchor(out: &mut String, name: &str, value: &str) {
    let _ = writeln!(out, "// ANCHOR: {name}\n{value}\n// ANCHOR_END: {name}");
}

/// The numbers file: one mdBook anchor per group/variant/metric, for prose to include.
pub fn render_numbers(groups: &[Group], machine: &Machine, run: &RunNote) -> String {
    let mut out = String::new();
    anchor(&mut out, "machine_cpu", &machine.cpu);
    anchor(&mut out, "machine_cores", &machine.cores.to_string());
    for (name, value) in run.anchors() {
        anchor(&mut out, name, &value);
    }
    for g in groups {
        let group = slugify(&g.name);
        for (i, r) in g.rows.iter().enumerate() {
            let variant = slugify(&r.variant);
            anchor(
                &mut out,
                &format!("{group}_{variant}_median"),
                &format_duration(r.median_ns),
            );
            anchor(
                &mut out,
                &format!("{group}_{variant}_spread"),
                &format_spread(r.spread_ns),
            );
            if let Some(s) = g.speedup(i) {
                anchor(
                    &mut out,
                    &format!("{group}_{variant}_speedup"),
                    &format_speedup(s),
                );
            }
        }
    }
    out
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today() -> String {
    jiff::Timestamp::now().strftime("%Y-%m-%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(group: &str, variant: &str, ns: f64) -> Measurement {
        Measurement {
            group: group.into(),
            variant: variant.into(),
            function: Some(variant.into()),
            median_ns: ns,
            spread_ns: None,
        }
    }

    fn machine() -> Machine {
        Machine {
            cpu: "Test CPU @ 3.0GHz".into(),
            cores: 2,
            rustc: "rustc 1.95.0".into(),
            date: "2026-11-22".into(),
        }
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("one thread per number"), "one-thread-per-number");
        assert_eq!(slugify("Start/Join  (fork)"), "start-join-fork");
        assert_eq!(slugify("--x--"), "x");
        assert_eq!(slugify("even-split"), "even-split");
        assert_eq!(slugify("n=4"), "n-4");
    }

    #[test]
    fn baseline_is_sequential_unless_configured() {
        let ms = vec![
            m("tutorial", "threads", 20.0),
            m("tutorial", "sequential", 40.0),
            m("start-join", "thread", 10.0),
            m("start-join", "process", 100.0),
            m("other", "a", 1.0),
        ];
        let groups = group(ms.clone(), &BTreeMap::new());
        assert_eq!(groups.len(), 3);
        assert_eq!(groups[0].baseline, Some(1));
        assert_eq!(groups[0].speedup(0), Some(2.0));
        assert_eq!(groups[1].baseline, None);
        assert_eq!(groups[2].baseline, None);

        let configured = BTreeMap::from([("start-join".to_string(), "thread".to_string())]);
        let groups = group(ms, &configured);
        assert_eq!(groups[1].baseline, Some(0));
        assert_eq!(groups[1].speedup(1), Some(0.1));
    }

    #[test]
    fn fallback_order_is_baseline_then_median() {
        let mut g = group(
            vec![
                m("g", "b", 5.0),
                m("g", "sequential", 9.0),
                m("g", "a", 3.0),
            ],
            &BTreeMap::new(),
        )
        .remove(0);
        sort_baseline_then_median(&mut g);
        let names: Vec<&str> = g.rows.iter().map(|r| r.variant.as_str()).collect();
        assert_eq!(names, ["sequential", "a", "b"]);
        assert_eq!(g.baseline, Some(0));
    }

    #[test]
    fn today_is_a_date() {
        let t = today();
        assert_eq!((t.len(), &t[4..5], &t[7..8]), (10, "-", "-"), "{t}");
    }

    /// Writes a criterion-shaped result (`<dir>/<group>/<function>/new/*.json`).
    fn write_fixture(dir: &Path, group: &str, function: &str, median: f64, order: u64) {
        let new = dir.join(group).join(function).join("new");
        fs::create_dir_all(&new).unwrap();
        let bench = serde_json::json!({
            "group_id": group, "function_id": function, "value_str": null, "throughput": null,
            "full_id": format!("{group}/{function}"), "directory_name": format!("{group}/{function}"),
            "title": format!("{group}/{function}")
        });
        let est = |v: f64| {
            serde_json::json!({
                "confidence_interval": {"confidence_level": 0.95, "lower_bound": v * 0.9, "upper_bound": v * 1.1},
                "point_estimate": v, "standard_error": v * 0.01
            })
        };
        let estimates = serde_json::json!({
            "mean": est(median * 1.01), "median": est(median), "median_abs_dev": est(1.0),
            "slope": null, "std_dev": est(2.0)
        });
        let path = new.join("benchmark.json");
        fs::write(&path, bench.to_string()).unwrap();
        fs::write(new.join("estimates.json"), estimates.to_string()).unwrap();
        let sample = serde_json::json!({
            "sampling_mode": "Linear", "iters": [1.0, 2.0], "times": [median * 0.95, median * 2.1]
        });
        fs::write(new.join("sample.json"), sample.to_string()).unwrap();
        // Run order is file modification order: pin it.
        let t = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000 + order);
        fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(t)
            .unwrap();
        // Criterion also keeps the previous run in base/: it must be ignored.
        let base = dir.join(group).join(function).join("base");
        fs::create_dir_all(&base).unwrap();
        fs::write(base.join("benchmark.json"), "not json").unwrap();
    }

    #[test]
    fn reports_render_from_criterion_files() {
        let dir = tempfile::tempdir().unwrap();
        write_fixture(dir.path(), "tutorial", "sequential", 38_215_000.0, 1);
        write_fixture(
            dir.path(),
            "tutorial",
            "one thread per number",
            20_540_000.0,
            2,
        );
        write_fixture(dir.path(), "tutorial", "even split", 19_100_000.0, 3);
        write_fixture(dir.path(), "spawn cost", "thread", 12_345.0, 4);
        let measured = read_criterion_dir(dir.path()).unwrap();
        let groups = group(measured, &BTreeMap::new());
        let md = render_markdown(
            &groups,
            &machine(),
            "cargo course bench ch02-threads",
            &RunNote {
                record: None,
                report_only: true,
            },
        );
        let expected_md = "\
<!-- Generated by `cargo course bench ch02-threads` from criterion's estimates. Do not edit by hand. -->
*Measured on Test CPU @ 3.0GHz (2 logical cores), rustc 1.95.0, on 2026-11-22, with `cargo course bench ch02-threads`. Each time is criterion's median; the spread is the fastest..slowest of its samples; speedup = baseline median / variant median.*

*Not calibrated: this file was rewritten by `--report-only` from results measured without a calibration record, and `--report-only` cannot calibrate, so nothing shows whether the machine was quiet while they were measured.*

### tutorial

| variant | median | spread | speedup |
|---|---:|---:|---:|
| sequential | 38.2 ms | 36.3 ms..40.1 ms | 1.00x (baseline) |
| one thread per number | 20.5 ms | 19.5 ms..21.6 ms | 1.86x |
| even split | 19.1 ms | 18.1 ms..20.1 ms | 2.00x |

### spawn cost

| variant | median | spread |
|---|---:|---:|
| thread | 12.3 µs | 11.7 µs..13.0 µs |
";
        assert_eq!(md, expected_md);

        let txt = render_numbers(
            &groups,
            &machine(),
            &RunNote {
                record: None,
                report_only: true,
            },
        );
        assert!(txt.starts_with("// ANCHOR: machine_cpu\nTest CPU @ 3.0GHz\n// ANCHOR_END: machine_cpu\n// ANCHOR: machine_cores\n2\n// ANCHOR_END: machine_cores\n"), "{txt}");
        assert!(txt.contains("// ANCHOR: tutorial_one-thread-per-number_median\n20.5 ms\n// ANCHOR_END: tutorial_one-thread-per-number_median\n// ANCHOR: tutorial_one-thread-per-number_spread\n19.5 ms..21.6 ms\n// ANCHOR_END: tutorial_one-thread-per-number_spread\n// ANCHOR: tutorial_one-thread-per-number_speedup\n1.86x\n// ANCHOR_END: tutorial_one-thread-per-number_speedup\n"), "{txt}");
        assert!(
            txt.contains("// ANCHOR: spawn-cost_thread_median\n12.3 µs\n"),
            "{txt}"
        );
        assert!(!txt.contains("spawn-cost_thread_speedup"), "{txt}");
        assert!(
            txt.contains("// ANCHOR: spawn-cost_thread_spread\n11.7 µs..13.0 µs\n"),
            "{txt}"
        );
        assert!(
            txt.contains("// ANCHOR: calibration\nnot calibrated\n"),
            "{txt}"
        );
        // Every anchor the numbers file defines is found by the book's include check.
        for name in crate::includes::anchors_in(&txt) {
            assert_eq!(crate::includes::anchor_problem(&txt, &name), None, "{name}");
        }
    }
}
