//! Criterion's results on disk (`<CRITERION_HOME>/<group>/<function>/new/*.json`): each
//! benchmark's median (`estimates.json`) and the spread of its samples (`sample.json`).

use crate::services::files::read_json;
use anyhow::{Context, Result};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::fs;
use std::path::Path;
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

/// Criterion's `benchmark.json`: which benchmark the folder holds.
#[derive(Deserialize)]
struct BenchmarkId {
    group_id: String,
    function_id: Option<String>,
    value_str: Option<String>,
}

/// Criterion's `estimates.json`, of which only the median is read.
#[derive(Deserialize)]
struct Estimates {
    median: Estimate,
}

#[derive(Deserialize)]
struct Estimate {
    point_estimate: f64,
}

/// Criterion's `sample.json`: per sample, the iterations run and the total time they took.
#[derive(Deserialize)]
struct Sample {
    iters: Vec<f64>,
    times: Vec<f64>,
}

/// A JSON file criterion must have written.
fn read<T: DeserializeOwned>(path: &Path) -> Result<T> {
    read_json(path)?.with_context(|| format!("criterion wrote no {}", path.display()))
}

/// The benchmark of one `new/benchmark.json` and the files beside it.
fn measurement(file: &Path) -> Result<Measurement> {
    let id: BenchmarkId = read(file)?;
    let estimates: Estimates = read(&file.with_file_name("estimates.json"))?;
    // Min and max time per iteration over the samples.
    let sample: Option<Sample> = read_json(&file.with_file_name("sample.json"))?;
    let spread_ns = sample.and_then(|s| {
        s.times
            .iter()
            .zip(&s.iters)
            .filter(|(_, i)| **i > 0.0)
            .map(|(t, i)| (t / i, t / i))
            .reduce(|(lo, hi), (a, b)| (lo.min(a), hi.max(b)))
    });
    let variant = match (&id.function_id, id.value_str) {
        (Some(f), Some(v)) => format!("{f}/{v}"),
        (f, v) => v
            .or_else(|| f.clone())
            .unwrap_or_else(|| id.group_id.clone()),
    };
    Ok(Measurement {
        group: id.group_id,
        variant,
        function: id.function_id,
        median_ns: estimates.median.point_estimate,
        spread_ns,
    })
}

/// Reads every `new/benchmark.json` + `new/estimates.json` under `dir`, in the order the
/// benchmarks ran (criterion writes each one when it finishes, so modification time is run order,
/// which is declaration order). Ties are broken by path.
pub fn read_criterion_dir(dir: &Path) -> Result<Vec<Measurement>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir) {
        let path = entry
            .with_context(|| format!("reading {}", dir.display()))?
            .into_path();
        if path.ends_with("new/benchmark.json") {
            files.push(path);
        }
    }
    files.sort_by_cached_key(|f| {
        let mtime = fs::metadata(f).and_then(|m| m.modified());
        (mtime.unwrap_or(SystemTime::UNIX_EPOCH), f.clone())
    });
    files.iter().map(|f| measurement(f)).collect()
}
