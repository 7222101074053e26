//! Criterion's results on disk (`<CRITERION_HOME>/<group>/<function>/new/*.json`): each
//! benchmark's median (`estimates.json`) and the spread of its samples (`sample.json`).

use anyhow::{Context, Result};
use serde::Deserialize;
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
